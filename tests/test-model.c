/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-command.h"
#include "vireo-domain-config.h"

static char *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("expected to find\n  %s\nin\n%s", needle, haystack);
}

static void
test_parse_fields (void)
{
  g_autofree char *xml = load_fixture ("domain-full.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (xml, &error);
  g_autoptr(GPtrArray) disks = NULL;
  VireoDiskInfo *d;

  g_assert_no_error (error);
  g_assert_cmpstr (vireo_domain_config_get_name (config), ==, "full");
  g_assert_cmpstr (vireo_domain_config_get_uuid (config), ==, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  g_assert_null (vireo_domain_config_get_title (config));
  g_assert_true (vireo_domain_config_has_nvram (config));

  disks = vireo_domain_config_list_disks (config);
  g_assert_cmpuint (disks->len, ==, 4);

  d = disks->pdata[0];
  g_assert_cmpstr (d->target, ==, "vda");
  g_assert_cmpstr (d->device, ==, "disk");
  g_assert_cmpstr (d->path, ==, "/var/lib/libvirt/images/full.qcow2");
  g_assert_false (d->readonly);

  d = disks->pdata[1];
  g_assert_cmpstr (d->source_type, ==, "volume");
  g_assert_cmpstr (d->pool, ==, "default");
  g_assert_cmpstr (d->volume, ==, "data.raw");
  g_assert_null (d->path);
  g_assert_true (d->shareable);

  d = disks->pdata[2];
  g_assert_cmpstr (d->device, ==, "cdrom");
  g_assert_true (d->readonly);

  d = disks->pdata[3];
  g_assert_cmpstr (d->source_type, ==, "network");
  g_assert_null (d->path);
}

/* Nothing lost: editing one field leaves every other byte of the document,
 * including elements and namespaces Vireo knows nothing about. */
static void
test_round_trip_keeps_unknown (void)
{
  g_autofree char *xml = load_fixture ("domain-full.xml");
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (xml, NULL);
  g_autofree char *unchanged = vireo_domain_config_to_xml (config);
  g_autofree char *edited = NULL;

  /* Untouched, the document is a fixpoint: reading back what Vireo writes
   * gives the same bytes (libxml2 only normalises quoting). */
  {
    g_autoptr(VireoDomainConfig) again = vireo_domain_config_new_from_xml (unchanged, NULL);
    g_autofree char *twice = vireo_domain_config_to_xml (again);
    g_assert_cmpstr (twice, ==, unchanged);
  }
  assert_contains (unchanged, "<vireo-test:keep xmlns:vireo-test=\"urn:vireo:test\" answer=\"42\">unknown content</vireo-test:keep>");

  vireo_domain_config_set_title (config, "Build box\nsecond line dropped");
  vireo_domain_config_set_description (config, "Runs <nightly> & weekly builds");
  edited = vireo_domain_config_to_xml (config);

  assert_contains (edited, "<title>Build box</title>");
  assert_contains (edited, "<description>Runs &lt;nightly&gt; &amp; weekly builds</description>");
  assert_contains (edited, "<vireo-test:keep xmlns:vireo-test=\"urn:vireo:test\" answer=\"42\">unknown content</vireo-test:keep>");
  assert_contains (edited, "<qemu:commandline>");
  assert_contains (edited, "<qemu:arg value=\"-newarg\"/>");
  assert_contains (edited, "<future-feature mode=\"on\"/>");
  assert_contains (edited, "passwd=\"s3cret\"");
  assert_contains (edited, "discard=\"unmap\"");
  g_assert_cmpstr (vireo_domain_config_get_title (config), ==, "Build box");

  /* Title goes right after <uuid>, where libvirt writes it. */
  g_assert_true (strstr (edited, "</uuid>") < strstr (edited, "<title>"));
  g_assert_true (strstr (edited, "<title>") < strstr (edited, "<metadata>"));

  /* An empty value removes the element, as `virsh desc --title ""` does. */
  vireo_domain_config_set_title (config, "");
  vireo_domain_config_set_description (config, NULL);
  g_free (edited);
  edited = vireo_domain_config_to_xml (config);
  g_assert_null (strstr (edited, "<title>"));
  g_assert_null (strstr (edited, "<description>"));
  g_assert_null (vireo_domain_config_get_title (config));
  assert_contains (edited, "<qemu:commandline>");
}

static void
test_parse_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) bad = vireo_domain_config_new_from_xml ("<domain><name>x</nam></domain>", &error);
  g_autoptr(VireoDomainConfig) wrong = NULL;

  g_assert_null (bad);
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Not well-formed"));
  g_clear_error (&error);

  wrong = vireo_domain_config_new_from_xml ("<network><name>x</name></network>", &error);
  g_assert_null (wrong);
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
}

static void
test_command_lines (void)
{
  const char *targets[] = { "vda", "vdb", NULL };
  g_autofree char *start = vireo_command_for_domain_action ("qemu:///system", VIREO_DOMAIN_ACTION_START, "web1", NULL);
  g_autofree char *spaced = vireo_command_for_domain_action (NULL, VIREO_DOMAIN_ACTION_DESTROY, "my vm's", NULL);
  g_autofree char *undef = vireo_command_for_domain_action ("qemu+ssh://root@host/system", VIREO_DOMAIN_ACTION_UNDEFINE, "db", targets);
  g_autofree char *sock = vireo_command_for_domain_action ("qemu:///system?socket=/tmp/x y/sock", VIREO_DOMAIN_ACTION_PAUSE, "a", NULL);

  g_assert_cmpstr (start, ==, "virsh -c qemu:///system start web1");
  g_assert_cmpstr (spaced, ==, "virsh destroy 'my vm'\\''s'");
  g_assert_cmpstr (undef, ==, "virsh -c qemu+ssh://root@host/system undefine db --managed-save "
                              "--snapshots-metadata --checkpoints-metadata --nvram --storage vda,vdb");
  g_assert_cmpstr (sock, ==, "virsh -c 'qemu:///system?socket=/tmp/x y/sock' suspend a");
  g_assert_cmpstr (vireo_domain_action_get_verb (VIREO_DOMAIN_ACTION_MANAGED_SAVE), ==, "managedsave");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/domain/parse", test_parse_fields);
  g_test_add_func ("/model/domain/round-trip-keeps-unknown", test_round_trip_keeps_unknown);
  g_test_add_func ("/model/domain/parse-errors", test_parse_errors);
  g_test_add_func ("/model/command/lines", test_command_lines);

  return g_test_run ();
}
