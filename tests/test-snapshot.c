/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-snapshot.h"

/*
 * Fixtures in tests/data/snapshots are <domainsnapshot> documents as
 * libvirt 9.0's `virsh snapshot-dumpxml` prints them: internal-running
 * (memory in the qcow2 image, the machine inside), external-disk-only
 * (overlays, a disk on a backing chain), external-memory (a memory file,
 * a name with a space), described-child (a description, a parent, and
 * the uuid-only <domain> a redefined snapshot may carry), unknown-parts
 * (elements, attributes, a comment and a namespace Vireo never reads).
 */

static char *
load (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "snapshots", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static VireoSnapshotInfo *
parse (const char *xml)
{
  g_autoptr(GError) error = NULL;
  VireoSnapshotInfo *info = vireo_snapshot_info_new_from_xml (xml, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

static VireoSnapshotInfo *
parse_fixture (const char *name)
{
  g_autofree char *xml = load (name);

  return parse (xml);
}

static void
assert_disk (VireoSnapshotInfo *info,
             guint              i,
             const char        *target,
             const char        *snapshot,
             const char        *source)
{
  VireoSnapshotDisk *disk;

  g_assert_cmpuint (i, <, info->disks->len);
  disk = g_ptr_array_index (info->disks, i);
  g_assert_cmpstr (disk->target, ==, target);
  g_assert_cmpstr (disk->snapshot, ==, snapshot);
  g_assert_cmpstr (disk->source, ==, source);
}

/* ------------------------------------------------------------- parsing */

static void
test_parse_internal_running (void)
{
  g_autofree char *xml = load ("internal-running.xml");
  g_autoptr(VireoSnapshotInfo) info = parse (xml);

  g_assert_cmpstr (info->name, ==, "before-update");
  g_assert_null (info->description);
  g_assert_cmpint (info->creation_time, ==, 1717070400);
  g_assert_cmpstr (info->state, ==, "running");
  g_assert_null (info->parent);
  g_assert_false (info->current);
  g_assert_true (info->has_memory);
  g_assert_cmpint (info->location, ==, VIREO_SNAPSHOT_INTERNAL);
  g_assert_null (info->memory_file);
  g_assert_cmpuint (info->disks->len, ==, 2);
  assert_disk (info, 0, "vda", "internal", NULL);
  assert_disk (info, 1, "sda", "no", NULL);
  g_assert_cmpstr (info->xml, ==, xml);

  /* The machine as it was, on its own and at column 0. */
  g_assert_nonnull (info->domain_xml);
  g_assert_true (g_str_has_prefix (info->domain_xml, "<domain type=\"kvm\">\n  <name>web</name>\n"));
  g_assert_true (g_str_has_suffix (info->domain_xml, "\n</domain>"));
  g_assert_nonnull (strstr (info->domain_xml, "\n    <disk type=\"file\" device=\"disk\">\n"));
  g_assert_null (strstr (info->domain_xml, "cookie"));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (info->domain_xml, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (vireo_domain_config_get_name (config), ==, "web");
    g_assert_cmpuint (vireo_domain_config_get_memory_kib (config), ==, 2097152);
  }
}

static void
test_parse_external_disk_only (void)
{
  g_autoptr(VireoSnapshotInfo) info = parse_fixture ("external-disk-only.xml");

  g_assert_cmpstr (info->name, ==, "pre-upgrade");
  g_assert_cmpstr (info->state, ==, "disk-snapshot");
  g_assert_cmpint (info->creation_time, ==, 1717243200);
  g_assert_false (info->has_memory);
  g_assert_cmpint (info->location, ==, VIREO_SNAPSHOT_EXTERNAL);
  g_assert_null (info->memory_file);
  g_assert_cmpuint (info->disks->len, ==, 3);
  assert_disk (info, 0, "vda", "external", "/var/lib/libvirt/images/db.pre-upgrade.qcow2");
  assert_disk (info, 1, "vdb", "external", "/srv/vm/db-data.pre-upgrade.qcow2");
  assert_disk (info, 2, "sda", "no", NULL);
  g_assert_nonnull (info->domain_xml);
  g_assert_nonnull (strstr (info->domain_xml, "<name>db</name>"));
}

static void
test_parse_external_memory (void)
{
  g_autoptr(VireoSnapshotInfo) info = parse_fixture ("external-memory.xml");

  g_assert_cmpstr (info->name, ==, "demo ready");
  g_assert_cmpstr (info->state, ==, "running");
  g_assert_true (info->has_memory);
  g_assert_cmpint (info->location, ==, VIREO_SNAPSHOT_EXTERNAL);
  g_assert_cmpstr (info->memory_file, ==, "/var/lib/libvirt/qemu/snapshot/kiosk/demo-ready.mem");
  g_assert_cmpuint (info->disks->len, ==, 1);
  assert_disk (info, 0, "vda", "external", "/var/lib/libvirt/images/kiosk.demo ready.qcow2");
}

static void
test_parse_described_child (void)
{
  g_autoptr(VireoSnapshotInfo) info = parse_fixture ("described-child.xml");

  g_assert_cmpstr (info->name, ==, "clean install");
  /* Entities decoded, the line break kept. */
  g_assert_cmpstr (info->description, ==, "Fresh Debian 12 & \"nginx\" <default site>\nsecond line");
  g_assert_cmpstr (info->state, ==, "shutoff");
  g_assert_cmpstr (info->parent, ==, "before-update");
  g_assert_cmpint (info->creation_time, ==, 1717416000);
  g_assert_false (info->has_memory);
  g_assert_cmpint (info->location, ==, VIREO_SNAPSHOT_INTERNAL);
  /* <domain><uuid/></domain> says which machine, not what it was. */
  g_assert_null (info->domain_xml);
}

static void
test_parse_unknown_parts (void)
{
  g_autoptr(VireoSnapshotInfo) info = parse_fixture ("unknown-parts.xml");

  g_assert_cmpstr (info->name, ==, "tuned");
  g_assert_cmpstr (info->description, ==, "old words");
  g_assert_cmpstr (info->parent, ==, "clean install");
  g_assert_true (info->has_memory);
  g_assert_cmpint (info->location, ==, VIREO_SNAPSHOT_INTERNAL);
  assert_disk (info, 0, "vda", "internal", NULL);
  /* <inactiveDomain> is not the machine as it ran. */
  g_assert_null (info->domain_xml);
}

static void
test_parse_defaults (void)
{
  /* A hand-written document: no state, no time, a memory file without
   * snapshot='external' (the schema allows it), a disk without a kind
   * (it follows the memory, as in libvirt). */
  g_autoptr(VireoSnapshotInfo) info = parse ("<domainsnapshot><name>a</name>"
                                             "<memory file='/m'/>"
                                             "<disks><disk name='vda'/></disks>"
                                             "</domainsnapshot>");

  g_assert_cmpint (info->creation_time, ==, 0);
  g_assert_null (info->state);
  g_assert_true (info->has_memory);
  g_assert_cmpstr (info->memory_file, ==, "/m");
  g_assert_cmpint (info->location, ==, VIREO_SNAPSHOT_EXTERNAL);
  assert_disk (info, 0, "vda", "external", NULL);
}

static void
test_parse_errors (void)
{
  const char *bad[] = {
    "<domain><name>x</name></domain>",
    "<domainsnapshot><name>x</name>",
    "<!DOCTYPE domainsnapshot [<!ENTITY a 'b'>]><domainsnapshot><name>&a;</name></domainsnapshot>",
    "<domainsnapshot><state>running</state></domainsnapshot>",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VireoSnapshotInfo) info = vireo_snapshot_info_new_from_xml (bad[i], &error);

      g_assert_null (info);
      g_assert_error (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_PARSE);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/snapshot/parse/internal-running", test_parse_internal_running);
  g_test_add_func ("/snapshot/parse/external-disk-only", test_parse_external_disk_only);
  g_test_add_func ("/snapshot/parse/external-memory", test_parse_external_memory);
  g_test_add_func ("/snapshot/parse/described-child", test_parse_described_child);
  g_test_add_func ("/snapshot/parse/unknown-parts", test_parse_unknown_parts);
  g_test_add_func ("/snapshot/parse/defaults", test_parse_defaults);
  g_test_add_func ("/snapshot/parse/errors", test_parse_errors);

  return g_test_run ();
}
