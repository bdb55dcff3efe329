/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-command.h"
#include "vireo-connection-uri.h"
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

static void
test_uri_round_trips (void)
{
  /* Every URI an admin is likely to paste comes back unchanged. */
  const char *uris[] = {
    "qemu:///system",
    "qemu:///session",
    "lxc:///",
    "qemu+ssh://root@kvm1.example.org/system",
    "qemu+ssh://admin@10.0.0.5:2222/system?keyfile=/home/admin/.ssh/id_ed25519",
    "qemu+libssh2://root@host/system?known_hosts=/tmp/kh&sshauth=privkey",
    "qemu+tls://kvm2.example.org/system?no_verify=1",
    "qemu+tcp://127.0.0.1:16509/system",
    "qemu+ssh://root@[fe80::1]:22/system",
    "qemu:///system?socket=/run/user/1000/libvirt/libvirt-sock",
  };

  for (guint i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VireoConnectionUri) parsed = vireo_connection_uri_parse (uris[i], &error);
      g_autofree char *again = NULL;

      g_assert_no_error (error);
      g_assert_true (vireo_connection_uri_validate (parsed, NULL, &error));
      again = vireo_connection_uri_to_string (parsed);
      g_assert_cmpstr (again, ==, uris[i]);
    }
}

static void
test_uri_fields (void)
{
  g_autoptr(VireoConnectionUri) u = vireo_connection_uri_parse (
    "  qemu+ssh://admin@10.0.0.5:2222/session?keyfile=/k/id%20rsa&no_tty=1\n", NULL);
  g_autoptr(VireoConnectionUri) tls = vireo_connection_uri_parse ("qemu://kvm3/system", NULL);
  g_autoptr(VireoConnectionUri) test = vireo_connection_uri_parse ("test:///default", NULL);
  g_autoptr(VireoConnectionUri) odd = vireo_connection_uri_parse ("qemu+vsock://2/system", NULL);
  g_autoptr(VireoConnectionUri) built = vireo_connection_uri_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *s = NULL;

  g_assert_cmpint (u->hypervisor, ==, VIREO_HYPERVISOR_QEMU_SESSION);
  g_assert_cmpint (u->transport, ==, VIREO_TRANSPORT_SSH);
  g_assert_cmpstr (u->user, ==, "admin");
  g_assert_cmpstr (u->host, ==, "10.0.0.5");
  g_assert_cmpuint (u->port, ==, 2222);
  g_assert_cmpstr (u->keyfile, ==, "/k/id rsa");
  g_assert_cmpstr (u->extra_query, ==, "no_tty=1");

  /* libvirt reads a host without a transport as TLS. */
  g_assert_cmpint (tls->transport, ==, VIREO_TRANSPORT_TLS);

  /* What the fields cannot say is kept whole as a custom URI. */
  g_assert_cmpint (test->hypervisor, ==, VIREO_HYPERVISOR_CUSTOM);
  g_assert_cmpstr (test->custom_uri, ==, "test:///default");
  g_assert_cmpint (odd->hypervisor, ==, VIREO_HYPERVISOR_CUSTOM);

  built->hypervisor = VIREO_HYPERVISOR_QEMU_SYSTEM;
  built->transport = VIREO_TRANSPORT_SSH;
  built->user = g_strdup ("root");
  built->host = g_strdup ("host");
  built->port = 2222;
  built->keyfile = g_strdup ("/root/.ssh/id_ed25519");
  s = vireo_connection_uri_to_string (built);
  g_assert_cmpstr (s, ==, "qemu+ssh://root@host:2222/system?keyfile=/root/.ssh/id_ed25519");
  g_assert_true (vireo_connection_uri_validate (built, NULL, &error));
}

static void
test_uri_field_errors (void)
{
  struct {
    VireoTransport  transport;
    const char     *user, *host, *keyfile;
    guint           port;
    VireoUriField   field;
  } cases[] = {
    { VIREO_TRANSPORT_SSH, NULL, NULL, NULL, 0, VIREO_URI_FIELD_HOST },
    { VIREO_TRANSPORT_SSH, NULL, "bad host", NULL, 0, VIREO_URI_FIELD_HOST },
    { VIREO_TRANSPORT_SSH, NULL, "-lead.example", NULL, 0, VIREO_URI_FIELD_HOST },
    { VIREO_TRANSPORT_SSH, NULL, "host", NULL, 70000, VIREO_URI_FIELD_PORT },
    { VIREO_TRANSPORT_SSH, "ro ot", "host", NULL, 0, VIREO_URI_FIELD_USER },
    { VIREO_TRANSPORT_SSH, NULL, "host", "id_rsa", 0, VIREO_URI_FIELD_KEYFILE },
    { VIREO_TRANSPORT_TLS, NULL, "host", "/k", 0, VIREO_URI_FIELD_KEYFILE },
    { VIREO_TRANSPORT_LOCAL, NULL, "host", NULL, 0, VIREO_URI_FIELD_HOST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoConnectionUri) u = vireo_connection_uri_new ();
      g_autoptr(GError) error = NULL;
      VireoUriField field = VIREO_URI_FIELD_NONE;

      u->transport = cases[i].transport;
      u->user = g_strdup (cases[i].user);
      u->host = g_strdup (cases[i].host);
      u->keyfile = g_strdup (cases[i].keyfile);
      u->port = cases[i].port;
      g_assert_false (vireo_connection_uri_validate (u, &field, &error));
      g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
      g_assert_cmpint (field, ==, cases[i].field);
      g_assert_cmpuint (strlen (error->message), >, 10);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VireoConnectionUri) none = vireo_connection_uri_parse ("not a uri", &error);
    g_assert_null (none);
    g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  }
}

static void
test_host_command_lines (void)
{
  g_autofree char *info = vireo_command_for_host ("qemu:///system", VIREO_HOST_COMMAND_NODEINFO);
  g_autofree char *cpu = vireo_command_for_host ("qemu+ssh://root@kvm1/system", VIREO_HOST_COMMAND_NODECPUSTATS);
  g_autofree char *mem = vireo_command_for_host ("qemu:///system?socket=/run/x y/sock", VIREO_HOST_COMMAND_NODEMEMSTATS);
  g_autofree char *bare = vireo_command_for_host (NULL, VIREO_HOST_COMMAND_HOSTNAME);
  g_autofree char *version = vireo_command_for_host ("test:///default", VIREO_HOST_COMMAND_VERSION);
  g_autofree char *caps = vireo_command_for_host ("lxc:///", VIREO_HOST_COMMAND_CAPABILITIES);

  g_assert_cmpstr (info, ==, "virsh -c qemu:///system nodeinfo");
  g_assert_cmpstr (cpu, ==, "virsh -c qemu+ssh://root@kvm1/system nodecpustats --percent");
  /* A URI with shell characters is quoted so the line can be pasted. */
  g_assert_cmpstr (mem, ==, "virsh -c 'qemu:///system?socket=/run/x y/sock' nodememstats");
  g_assert_cmpstr (bare, ==, "virsh hostname");
  g_assert_cmpstr (version, ==, "virsh -c test:///default version");
  g_assert_cmpstr (caps, ==, "virsh -c lxc:/// capabilities");
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
  g_test_add_func ("/model/uri/round-trips", test_uri_round_trips);
  g_test_add_func ("/model/uri/fields", test_uri_fields);
  g_test_add_func ("/model/uri/field-errors", test_uri_field_errors);
  g_test_add_func ("/model/command/host-lines", test_host_command_lines);

  return g_test_run ();
}
