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

/* ------------------------------------------------------------ the tree */

static VireoSnapshotInfo *
snapshot_at (const char *name,
             const char *parent,
             gint64      time)
{
  g_autofree char *xml = NULL;

  if (parent != NULL)
    xml = g_strdup_printf ("<domainsnapshot><name>%s</name><parent><name>%s</name></parent>"
                           "<creationTime>%" G_GINT64_FORMAT "</creationTime></domainsnapshot>",
                           name, parent, time);
  else
    xml = g_strdup_printf ("<domainsnapshot><name>%s</name>"
                           "<creationTime>%" G_GINT64_FORMAT "</creationTime></domainsnapshot>",
                           name, time);
  return parse (xml);
}

static void
assert_names (GPtrArray  *list,
              const char *expected)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    {
      VireoSnapshotInfo *info = g_ptr_array_index (list, i);

      if (i > 0)
        g_string_append_c (names, ' ');
      g_string_append (names, info->name);
    }
  g_assert_cmpstr (names->str, ==, expected);
}

static GPtrArray *
forest (void)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_snapshot_info_free);

  /* In no particular order, as libvirt lists them:
   *   a(100) ─┬─ c(150)
   *           └─ b(200) ─┬─ d(300)
   *                      └─ e(300)
   *   g(100)
   *   f(50): its parent "gone" was deleted with --children-only */
  g_ptr_array_add (all, snapshot_at ("d", "b", 300));
  g_ptr_array_add (all, snapshot_at ("b", "a", 200));
  g_ptr_array_add (all, snapshot_at ("g", NULL, 100));
  g_ptr_array_add (all, snapshot_at ("e", "b", 300));
  g_ptr_array_add (all, snapshot_at ("a", NULL, 100));
  g_ptr_array_add (all, snapshot_at ("f", "gone", 50));
  g_ptr_array_add (all, snapshot_at ("c", "a", 150));
  return all;
}

static void
test_tree_children (void)
{
  g_autoptr(GPtrArray) all = forest ();
  g_autoptr(GPtrArray) roots = vireo_snapshot_children (all, NULL);
  g_autoptr(GPtrArray) under_a = vireo_snapshot_children (all, "a");
  g_autoptr(GPtrArray) under_b = vireo_snapshot_children (all, "b");
  g_autoptr(GPtrArray) under_d = vireo_snapshot_children (all, "d");

  /* Oldest first; a and g were taken the same second: by name. */
  assert_names (roots, "f a g");
  assert_names (under_a, "c b");
  assert_names (under_b, "d e");
  assert_names (under_d, "");
}

static void
test_tree_subtree (void)
{
  g_autoptr(GPtrArray) all = forest ();
  g_autoptr(GPtrArray) from_a = vireo_snapshot_subtree (all, "a");
  g_autoptr(GPtrArray) from_b = vireo_snapshot_subtree (all, "b");
  g_autoptr(GPtrArray) from_f = vireo_snapshot_subtree (all, "f");
  g_autoptr(GPtrArray) missing = vireo_snapshot_subtree (all, "gone");

  /* Children before parents: the order to delete in. */
  assert_names (from_a, "c d e b a");
  assert_names (from_b, "d e b");
  assert_names (from_f, "f");
  assert_names (missing, "");
}

static void
test_tree_cycle (void)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_snapshot_info_free);
  g_autoptr(GPtrArray) roots = NULL;
  g_autoptr(GPtrArray) from_x = NULL;

  /* Hand-redefined metadata that loops must not hang the tree. */
  g_ptr_array_add (all, snapshot_at ("x", "y", 1));
  g_ptr_array_add (all, snapshot_at ("y", "x", 2));
  roots = vireo_snapshot_children (all, NULL);
  from_x = vireo_snapshot_subtree (all, "x");
  assert_names (roots, "");
  assert_names (from_x, "y x");
}

/* --------------------------------------------------------------- names */

static void
assert_name_refused (const char         *name,
                     const char * const *taken,
                     const char         *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (vireo_snapshot_name_validate (name, taken, &error));
  g_assert_error (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_NAME);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_name_validate (void)
{
  const char * const taken[] = { "before-update", "clean install", NULL };
  g_autofree char *longest = g_strnfill (200, 'x');
  g_autofree char *too_long = g_strnfill (201, 'x');
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_snapshot_name_validate ("after-update", taken, &error));
  g_assert_no_error (error);
  g_assert_true (vireo_snapshot_name_validate ("vor dem Update – ä", taken, &error));
  g_assert_true (vireo_snapshot_name_validate ("it's \"done\" $HOME", NULL, &error));
  g_assert_true (vireo_snapshot_name_validate (longest, NULL, &error));
  g_assert_true (vireo_snapshot_name_validate ("a.b", NULL, &error));
  g_assert_no_error (error);

  assert_name_refused ("", NULL, "The name cannot be empty");
  assert_name_refused ("  \t ", NULL, "The name cannot be empty");
  assert_name_refused (NULL, NULL, "The name cannot be empty");
  assert_name_refused ("before-update", taken, "A snapshot named “before-update” exists");
  assert_name_refused ("clean install", taken, "A snapshot named “clean install” exists");
  assert_name_refused ("web/before", NULL, "The name cannot contain “/”");
  assert_name_refused (".hidden", NULL, "The name cannot start with “.”");
  assert_name_refused ("two\nlines", NULL, "The name cannot contain control characters such as tabs or line breaks");
  assert_name_refused ("tab\there", NULL, "The name cannot contain control characters such as tabs or line breaks");
  assert_name_refused ("c1\302\205", NULL, "The name cannot contain control characters such as tabs or line breaks");
  assert_name_refused (too_long, NULL, "The name is too long: at most 200 bytes");
  assert_name_refused ("bad\377utf8", NULL, "The name is not valid text");
}

static void
test_name_suggest (void)
{
  const char * const none[] = { NULL };
  const char * const gap[] = { "snapshot1", "snapshot3", NULL };
  const char * const two[] = { "snapshot2", "other", "snapshot1", NULL };
  g_autofree char *a = vireo_snapshot_suggest_name (NULL);
  g_autofree char *b = vireo_snapshot_suggest_name (none);
  g_autofree char *c = vireo_snapshot_suggest_name (gap);
  g_autofree char *d = vireo_snapshot_suggest_name (two);

  g_assert_cmpstr (a, ==, "snapshot1");
  g_assert_cmpstr (b, ==, "snapshot1");
  g_assert_cmpstr (c, ==, "snapshot2");
  g_assert_cmpstr (d, ==, "snapshot3");
}

/* --------------------------------------------------------------- plans */

#define OS_BIOS \
  "  <os>\n" \
  "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n" \
  "    <boot dev='hd'/>\n" \
  "  </os>\n"
#define OS_EFI_AUTO \
  "  <os firmware='efi'>\n" \
  "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n" \
  "  </os>\n"
#define OS_EFI_PFLASH \
  "  <os>\n" \
  "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n" \
  "    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>\n" \
  "    <nvram>/var/lib/libvirt/qemu/nvram/web_VARS.fd</nvram>\n" \
  "  </os>\n"

#define VDA_QCOW2 \
  "    <disk type='file' device='disk'>\n" \
  "      <driver name='qemu' type='qcow2' discard='unmap'/>\n" \
  "      <source file='/var/lib/libvirt/images/web.qcow2'/>\n" \
  "      <target dev='vda' bus='virtio'/>\n" \
  "    </disk>\n"
#define VDB_RAW \
  "    <disk type='file' device='disk'>\n" \
  "      <driver name='qemu' type='raw' cache='none' io='native'/>\n" \
  "      <source file='/srv/vm/web-data.img'/>\n" \
  "      <target dev='vdb' bus='virtio'/>\n" \
  "    </disk>\n"
#define VDB_QCOW2 \
  "    <disk type='file' device='disk'>\n" \
  "      <driver name='qemu' type='qcow2'/>\n" \
  "      <source file='/srv/vm/web-data'/>\n" \
  "      <target dev='vdb' bus='virtio'/>\n" \
  "    </disk>\n"
#define VDB_RBD \
  "    <disk type='network' device='disk'>\n" \
  "      <driver name='qemu' type='raw'/>\n" \
  "      <auth username='libvirt'>\n" \
  "        <secret type='ceph' uuid='2a5b08e4-3dea-4fb9-a7a6-c6a9b6d2c5e1'/>\n" \
  "      </auth>\n" \
  "      <source protocol='rbd' name='vms/web-data'>\n" \
  "        <host name='10.0.0.5' port='6789'/>\n" \
  "      </source>\n" \
  "      <target dev='vdb' bus='virtio'/>\n" \
  "    </disk>\n"
#define VDB_BLOCK \
  "    <disk type='block' device='disk'>\n" \
  "      <driver name='qemu' type='raw' cache='none' io='native'/>\n" \
  "      <source dev='/dev/vg0/web-data'/>\n" \
  "      <target dev='vdb' bus='virtio'/>\n" \
  "    </disk>\n"
#define VDB_VOLUME \
  "    <disk type='volume' device='disk'>\n" \
  "      <driver name='qemu' type='qcow2'/>\n" \
  "      <source pool='default' volume='web-data.qcow2'/>\n" \
  "      <target dev='vdb' bus='virtio'/>\n" \
  "    </disk>\n"
#define VDC_SHARED \
  "    <disk type='file' device='disk'>\n" \
  "      <driver name='qemu' type='raw'/>\n" \
  "      <source file='/srv/vm/cluster.img'/>\n" \
  "      <target dev='vdc' bus='virtio'/>\n" \
  "      <shareable/>\n" \
  "    </disk>\n"
#define SDA_CDROM \
  "    <disk type='file' device='cdrom'>\n" \
  "      <driver name='qemu' type='raw'/>\n" \
  "      <source file='/var/lib/libvirt/images/debian-12.5.0-amd64-netinst.iso'/>\n" \
  "      <target dev='sda' bus='sata'/>\n" \
  "      <readonly/>\n" \
  "    </disk>\n"
#define SDB_EMPTY_CDROM \
  "    <disk type='file' device='cdrom'>\n" \
  "      <driver name='qemu' type='raw'/>\n" \
  "      <target dev='sdb' bus='sata'/>\n" \
  "    </disk>\n"

static VireoDomainConfig *
machine (const char *os,
         const char *disks)
{
  g_autofree char *xml = g_strdup_printf ("<domain type='kvm'>\n"
                                          "  <name>web</name>\n"
                                          "  <memory unit='KiB'>2097152</memory>\n"
                                          "%s"
                                          "  <devices>\n"
                                          "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
                                          "%s"
                                          "    <interface type='network'>\n"
                                          "      <source network='default'/>\n"
                                          "      <model type='virtio'/>\n"
                                          "    </interface>\n"
                                          "  </devices>\n"
                                          "</domain>\n", os, disks);
  g_autoptr(GError) error = NULL;
  VireoDomainConfig *config = vireo_domain_config_new_from_xml (xml, &error);

  g_assert_no_error (error);
  return config;
}

static VireoSnapshotPlan *
plan_for (const char *os,
          const char *disks,
          gboolean    active,
          gboolean    internal_pflash)
{
  g_autoptr(VireoDomainConfig) config = machine (os, disks);

  return vireo_snapshot_plan_for (config, active, internal_pflash);
}

#define UEFI_REASON \
  "UEFI keeps its variables in a flash file, which libvirt before 10.10 cannot snapshot internally; " \
  "take an external snapshot"

static void
test_plan_qcow2_bios (void)
{
  /* The read-only installer CD-ROM and an empty drive take no part. */
  g_autoptr(VireoSnapshotPlan) running = plan_for (OS_BIOS, VDA_QCOW2 VDB_QCOW2 SDA_CDROM SDB_EMPTY_CDROM,
                                                   TRUE, FALSE);
  g_autoptr(VireoSnapshotPlan) stopped = plan_for (OS_BIOS, VDA_QCOW2 SDA_CDROM, FALSE, FALSE);

  g_assert_true (running->internal_ok);
  g_assert_null (running->internal_why_not);
  g_assert_true (running->external_ok);
  g_assert_null (running->external_why_not);
  g_assert_true (running->memory_ok);
  g_assert_cmpint (running->recommended, ==, VIREO_SNAPSHOT_INTERNAL);

  g_assert_true (stopped->internal_ok);
  g_assert_true (stopped->external_ok);
  g_assert_false (stopped->memory_ok);
  g_assert_cmpint (stopped->recommended, ==, VIREO_SNAPSHOT_INTERNAL);
}

static void
test_plan_raw_disk (void)
{
  g_autoptr(VireoSnapshotPlan) plan = plan_for (OS_BIOS, VDA_QCOW2 VDB_RAW SDA_CDROM, TRUE, TRUE);

  g_assert_false (plan->internal_ok);
  g_assert_cmpstr (plan->internal_why_not, ==, "vdb is a raw image: internal snapshots need qcow2");
  g_assert_true (plan->external_ok);
  g_assert_null (plan->external_why_not);
  g_assert_cmpint (plan->recommended, ==, VIREO_SNAPSHOT_EXTERNAL);
}

static void
test_plan_uefi (void)
{
  const char *firmware[] = { OS_EFI_AUTO, OS_EFI_PFLASH };

  for (guint i = 0; i < G_N_ELEMENTS (firmware); i++)
    {
      g_autoptr(VireoSnapshotPlan) old = plan_for (firmware[i], VDA_QCOW2, TRUE, FALSE);
      g_autoptr(VireoSnapshotPlan) recent = plan_for (firmware[i], VDA_QCOW2, TRUE, TRUE);

      g_assert_false (old->internal_ok);
      g_assert_cmpstr (old->internal_why_not, ==, UEFI_REASON);
      g_assert_true (old->external_ok);
      g_assert_cmpint (old->recommended, ==, VIREO_SNAPSHOT_EXTERNAL);

      g_assert_true (recent->internal_ok);
      g_assert_null (recent->internal_why_not);
      g_assert_cmpint (recent->recommended, ==, VIREO_SNAPSHOT_INTERNAL);
    }
}

static void
test_plan_network_disk (void)
{
  g_autoptr(VireoSnapshotPlan) plan = plan_for (OS_BIOS, VDA_QCOW2 VDB_RBD, TRUE, FALSE);

  g_assert_false (plan->external_ok);
  g_assert_cmpstr (plan->external_why_not, ==, "vdb is on network storage (rbd): external snapshots need a local file");
  /* RBD images are raw. */
  g_assert_false (plan->internal_ok);
  g_assert_cmpstr (plan->internal_why_not, ==, "vdb is a raw image: internal snapshots need qcow2");
}

static void
test_plan_other_disks (void)
{
  g_autoptr(VireoSnapshotPlan) block = plan_for (OS_BIOS, VDA_QCOW2 VDB_BLOCK, TRUE, FALSE);
  g_autoptr(VireoSnapshotPlan) volume = plan_for (OS_BIOS, VDA_QCOW2 VDB_VOLUME, TRUE, FALSE);
  g_autoptr(VireoSnapshotPlan) shared = plan_for (OS_BIOS, VDA_QCOW2 VDC_SHARED, TRUE, FALSE);

  g_assert_false (block->external_ok);
  g_assert_cmpstr (block->external_why_not, ==,
                   "vdb is a block device: there is no folder beside it for an external snapshot's overlay file; "
                   "take an internal snapshot");
  g_assert_false (block->internal_ok);

  /* A qcow2 volume: internal works, external cannot find the file. */
  g_assert_true (volume->internal_ok);
  g_assert_false (volume->external_ok);
  g_assert_cmpstr (volume->external_why_not, ==,
                   "vdb is a storage pool volume (default/web-data.qcow2): take an internal snapshot");
  g_assert_cmpint (volume->recommended, ==, VIREO_SNAPSHOT_INTERNAL);

  /* libvirt will not leave a writable disk out of an internal snapshot. */
  g_assert_false (shared->internal_ok);
  g_assert_cmpstr (shared->internal_why_not, ==,
                   "vdc is shared or passed through, so no snapshot can include it, and an internal snapshot "
                   "must include every writable disk");
  g_assert_true (shared->external_ok);
}

static void
test_plan_no_disk (void)
{
  g_autoptr(VireoSnapshotPlan) running = plan_for (OS_BIOS, SDA_CDROM, TRUE, TRUE);
  g_autoptr(VireoSnapshotPlan) stopped = plan_for (OS_BIOS, SDA_CDROM, FALSE, TRUE);

  /* Internal memory lives in a qcow2 image: none here. An external
   * snapshot can still save the memory of a running machine. */
  g_assert_false (running->internal_ok);
  g_assert_cmpstr (running->internal_why_not, ==, "There is no writable disk to keep an internal snapshot in");
  g_assert_true (running->external_ok);
  g_assert_cmpint (running->recommended, ==, VIREO_SNAPSHOT_EXTERNAL);

  g_assert_false (stopped->internal_ok);
  g_assert_false (stopped->external_ok);
  g_assert_cmpstr (stopped->external_why_not, ==, "There is no disk to snapshot");
}

/* ------------------------------------------------------ create document */

static char *
build (VireoDomainConfig     *config,
       const char            *name,
       const char            *description,
       VireoSnapshotLocation  location,
       gboolean               with_memory,
       gboolean               active,
       const char            *memory_file)
{
  g_autoptr(GError) error = NULL;
  char *xml = vireo_snapshot_build_xml (config, name, description, location, with_memory, active, memory_file,
                                        &error);

  g_assert_no_error (error);
  g_assert_nonnull (xml);
  return xml;
}

static void
test_build_internal (void)
{
  g_autoptr(VireoDomainConfig) config = machine (OS_BIOS, VDA_QCOW2 SDA_CDROM SDB_EMPTY_CDROM);
  g_autofree char *running = build (config, "before-update", "kernel 6.1 & <nginx> \"1.22\"",
                                    VIREO_SNAPSHOT_INTERNAL, TRUE, TRUE, NULL);
  g_autofree char *stopped = build (config, "cold", "", VIREO_SNAPSHOT_INTERNAL, FALSE, FALSE, NULL);
  g_autoptr(VireoSnapshotInfo) info = NULL;

  g_assert_cmpstr (running, ==,
                   "<domainsnapshot>\n"
                   "  <name>before-update</name>\n"
                   "  <description>kernel 6.1 &amp; &lt;nginx&gt; \"1.22\"</description>\n"
                   "  <memory snapshot=\"internal\"/>\n"
                   "  <disks>\n"
                   "    <disk name=\"vda\" snapshot=\"internal\"/>\n"
                   "    <disk name=\"sda\" snapshot=\"no\"/>\n"
                   "    <disk name=\"sdb\" snapshot=\"no\"/>\n"
                   "  </disks>\n"
                   "</domainsnapshot>");
  info = parse (running);
  g_assert_cmpstr (info->description, ==, "kernel 6.1 & <nginx> \"1.22\"");
  g_assert_true (info->has_memory);
  g_assert_cmpint (info->location, ==, VIREO_SNAPSHOT_INTERNAL);

  /* No description element for an empty one. */
  g_assert_cmpstr (stopped, ==,
                   "<domainsnapshot>\n"
                   "  <name>cold</name>\n"
                   "  <memory snapshot=\"no\"/>\n"
                   "  <disks>\n"
                   "    <disk name=\"vda\" snapshot=\"internal\"/>\n"
                   "    <disk name=\"sda\" snapshot=\"no\"/>\n"
                   "    <disk name=\"sdb\" snapshot=\"no\"/>\n"
                   "  </disks>\n"
                   "</domainsnapshot>");
}

static void
test_build_external (void)
{
  g_autoptr(VireoDomainConfig) config = machine (OS_EFI_PFLASH, VDA_QCOW2 VDB_RAW SDA_CDROM VDC_SHARED);
  g_autofree char *xml = build (config, "before-update", NULL, VIREO_SNAPSHOT_EXTERNAL, FALSE, FALSE, NULL);
  g_autoptr(VireoSnapshotInfo) info = NULL;

  /* Each overlay beside its image, named after both; the raw data disk
   * gets a qcow2 overlay too, the CD-ROM and the shared disk none. */
  g_assert_cmpstr (xml, ==,
                   "<domainsnapshot>\n"
                   "  <name>before-update</name>\n"
                   "  <memory snapshot=\"no\"/>\n"
                   "  <disks>\n"
                   "    <disk name=\"vda\" snapshot=\"external\" type=\"file\">\n"
                   "      <driver type=\"qcow2\"/>\n"
                   "      <source file=\"/var/lib/libvirt/images/web.before-update.qcow2\"/>\n"
                   "    </disk>\n"
                   "    <disk name=\"vdb\" snapshot=\"external\" type=\"file\">\n"
                   "      <driver type=\"qcow2\"/>\n"
                   "      <source file=\"/srv/vm/web-data.before-update.qcow2\"/>\n"
                   "    </disk>\n"
                   "    <disk name=\"sda\" snapshot=\"no\"/>\n"
                   "    <disk name=\"vdc\" snapshot=\"no\"/>\n"
                   "  </disks>\n"
                   "</domainsnapshot>");
  info = parse (xml);
  g_assert_false (info->has_memory);
  g_assert_cmpint (info->location, ==, VIREO_SNAPSHOT_EXTERNAL);
}

static void
test_build_external_memory (void)
{
  /* web-data has no extension: the whole name is the stem. A name with
   * markup and quotes lands escaped in the element and in the path. */
  g_autoptr(VireoDomainConfig) config = machine (OS_BIOS, VDA_QCOW2 VDB_QCOW2);
  g_autofree char *xml = build (config, "Tom & Jerry's <best>", NULL, VIREO_SNAPSHOT_EXTERNAL, TRUE, TRUE,
                                "/var/lib/libvirt/qemu/snapshot/web/tom.mem");
  g_autoptr(VireoSnapshotInfo) info = NULL;

  g_assert_cmpstr (xml, ==,
                   "<domainsnapshot>\n"
                   "  <name>Tom &amp; Jerry's &lt;best&gt;</name>\n"
                   "  <memory snapshot=\"external\" file=\"/var/lib/libvirt/qemu/snapshot/web/tom.mem\"/>\n"
                   "  <disks>\n"
                   "    <disk name=\"vda\" snapshot=\"external\" type=\"file\">\n"
                   "      <driver type=\"qcow2\"/>\n"
                   "      <source file=\"/var/lib/libvirt/images/web.Tom &amp; Jerry's &lt;best&gt;.qcow2\"/>\n"
                   "    </disk>\n"
                   "    <disk name=\"vdb\" snapshot=\"external\" type=\"file\">\n"
                   "      <driver type=\"qcow2\"/>\n"
                   "      <source file=\"/srv/vm/web-data.Tom &amp; Jerry's &lt;best&gt;.qcow2\"/>\n"
                   "    </disk>\n"
                   "  </disks>\n"
                   "</domainsnapshot>");
  info = parse (xml);
  g_assert_cmpstr (info->name, ==, "Tom & Jerry's <best>");
  g_assert_true (info->has_memory);
  g_assert_cmpstr (info->memory_file, ==, "/var/lib/libvirt/qemu/snapshot/web/tom.mem");
  assert_disk (info, 0, "vda", "external", "/var/lib/libvirt/images/web.Tom & Jerry's <best>.qcow2");
  assert_disk (info, 1, "vdb", "external", "/srv/vm/web-data.Tom & Jerry's <best>.qcow2");
}

static void
test_build_external_same_stem (void)
{
  /* web.qcow2 and web.img in one folder must not share an overlay. */
  g_autoptr(VireoDomainConfig) config = machine (OS_BIOS,
                                                 VDA_QCOW2
                                                 "    <disk type='file' device='disk'>\n"
                                                 "      <driver name='qemu' type='raw'/>\n"
                                                 "      <source file='/var/lib/libvirt/images/web.img'/>\n"
                                                 "      <target dev='vdb' bus='virtio'/>\n"
                                                 "    </disk>\n");
  g_autofree char *xml = build (config, "s1", NULL, VIREO_SNAPSHOT_EXTERNAL, FALSE, TRUE, NULL);
  g_autoptr(VireoSnapshotInfo) info = parse (xml);

  assert_disk (info, 0, "vda", "external", "/var/lib/libvirt/images/web.s1.qcow2");
  assert_disk (info, 1, "vdb", "external", "/var/lib/libvirt/images/web.vdb.s1.qcow2");
}

static void
assert_refused (VireoDomainConfig     *config,
                const char            *name,
                VireoSnapshotLocation  location,
                gboolean               with_memory,
                gboolean               active,
                const char            *memory_file,
                int                    code,
                const char            *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = vireo_snapshot_build_xml (config, name, NULL, location, with_memory, active,
                                                   memory_file, &error);

  g_assert_null (xml);
  g_assert_error (error, VIREO_SNAPSHOT_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_build_refusals (void)
{
  g_autoptr(VireoDomainConfig) raw = machine (OS_BIOS, VDA_QCOW2 VDB_RAW);
  g_autoptr(VireoDomainConfig) rbd = machine (OS_BIOS, VDA_QCOW2 VDB_RBD);
  g_autoptr(VireoDomainConfig) good = machine (OS_BIOS, VDA_QCOW2);
  g_autoptr(VireoDomainConfig) diskless = machine (OS_BIOS, SDA_CDROM);

  assert_refused (good, "web/1", VIREO_SNAPSHOT_INTERNAL, TRUE, TRUE, NULL,
                  VIREO_SNAPSHOT_ERROR_NAME, "The name cannot contain “/”");
  assert_refused (good, "", VIREO_SNAPSHOT_INTERNAL, TRUE, TRUE, NULL,
                  VIREO_SNAPSHOT_ERROR_NAME, "The name cannot be empty");
  assert_refused (raw, "s", VIREO_SNAPSHOT_INTERNAL, TRUE, TRUE, NULL,
                  VIREO_SNAPSHOT_ERROR_KIND, "vdb is a raw image: internal snapshots need qcow2");
  assert_refused (rbd, "s", VIREO_SNAPSHOT_EXTERNAL, FALSE, TRUE, NULL,
                  VIREO_SNAPSHOT_ERROR_KIND, "vdb is on network storage (rbd): external snapshots need a local file");
  assert_refused (good, "s", VIREO_SNAPSHOT_INTERNAL, TRUE, FALSE, NULL,
                  VIREO_SNAPSHOT_ERROR_KIND, "The machine is not running: there is no memory to save");
  assert_refused (good, "s", VIREO_SNAPSHOT_EXTERNAL, TRUE, FALSE, "/m.mem",
                  VIREO_SNAPSHOT_ERROR_KIND, "The machine is not running: there is no memory to save");
  /* libvirt 9.0: "internal snapshot of a running VM must include the
   * memory state". */
  assert_refused (good, "s", VIREO_SNAPSHOT_INTERNAL, FALSE, TRUE, NULL,
                  VIREO_SNAPSHOT_ERROR_KIND, "An internal snapshot of a running machine always includes its memory");
  assert_refused (good, "s", VIREO_SNAPSHOT_EXTERNAL, TRUE, TRUE, NULL,
                  VIREO_SNAPSHOT_ERROR_KIND, "An external snapshot with memory needs a full path for the memory file");
  assert_refused (good, "s", VIREO_SNAPSHOT_EXTERNAL, TRUE, TRUE, "web.mem",
                  VIREO_SNAPSHOT_ERROR_KIND, "An external snapshot with memory needs a full path for the memory file");
  assert_refused (diskless, "s", VIREO_SNAPSHOT_INTERNAL, TRUE, TRUE, NULL,
                  VIREO_SNAPSHOT_ERROR_KIND, "There is no writable disk to keep an internal snapshot in");
  assert_refused (diskless, "s", VIREO_SNAPSHOT_EXTERNAL, FALSE, TRUE, NULL,
                  VIREO_SNAPSHOT_ERROR_KIND, "There is no disk to snapshot: only the memory could be saved");

  /* What stays possible on the same machines. */
  {
    g_autofree char *external = build (raw, "s", NULL, VIREO_SNAPSHOT_EXTERNAL, FALSE, TRUE, NULL);
    g_autofree char *memory_only = build (diskless, "s", NULL, VIREO_SNAPSHOT_EXTERNAL, TRUE, TRUE, "/m.mem");
    g_autoptr(VireoDomainConfig) uefi = machine (OS_EFI_AUTO, VDA_QCOW2);
    /* Whether the host takes it is the plan's question (it knows the
     * libvirt version); the document itself is sound. */
    g_autofree char *uefi_internal = build (uefi, "s", NULL, VIREO_SNAPSHOT_INTERNAL, TRUE, TRUE, NULL);

    g_assert_nonnull (strstr (memory_only, "<disk name=\"sda\" snapshot=\"no\"/>"));
    g_assert_nonnull (strstr (uefi_internal, "<disk name=\"vda\" snapshot=\"internal\"/>"));
  }
}

/* ---------------------------------------------------------- description */

static char *
with_double_quotes (const char *text)
{
  g_autoptr(GString) out = g_string_new (text);

  /* libxml2 writes attributes with double quotes; no fixture has an
   * apostrophe in a value. */
  g_string_replace (out, "'", "\"", 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
replaced (const char *text,
          const char *from,
          const char *to)
{
  g_autoptr(GString) out = g_string_new (text);

  g_assert_cmpuint (g_string_replace (out, from, to, 0), ==, 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
set_description (const char *xml,
                 const char *description)
{
  g_autoptr(GError) error = NULL;
  char *out = vireo_snapshot_xml_set_description (xml, description, &error);

  g_assert_no_error (error);
  return out;
}

static void
test_description_keeps_the_rest (void)
{
  g_autofree char *fixture = load ("unknown-parts.xml");
  g_autofree char *before = with_double_quotes (fixture);
  g_autofree char *changed = set_description (fixture, "new & <better>\nsecond line");
  g_autofree char *want_changed = replaced (before, "<description>old words</description>",
                                            "<description>new &amp; &lt;better&gt;\nsecond line</description>");
  g_autofree char *removed = set_description (fixture, NULL);
  g_autofree char *removed_empty = set_description (fixture, "");
  g_autofree char *want_removed = replaced (before, "  <description>old words</description>\n", "");
  g_autoptr(VireoSnapshotInfo) info = NULL;

  /* Everything else, the comment, the unknown elements and attributes and
   * the foreign namespace included, comes back as it was. */
  g_assert_cmpstr (changed, ==, want_changed);
  g_assert_cmpstr (removed, ==, want_removed);
  g_assert_cmpstr (removed_empty, ==, want_removed);

  info = parse (changed);
  g_assert_cmpstr (info->description, ==, "new & <better>\nsecond line");
  g_assert_cmpstr (info->parent, ==, "clean install");
}

static void
test_description_inserted (void)
{
  const char *names[] = { "internal-running.xml", "external-memory.xml" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *fixture = load (names[i]);
      g_autofree char *before = with_double_quotes (fixture);
      g_autoptr(VireoSnapshotInfo) old = parse (fixture);
      g_autofree char *name_line = g_strdup_printf ("  <name>%s</name>\n", old->name);
      g_autofree char *with = g_strdup_printf ("%s  <description>Works.</description>\n", name_line);
      g_autofree char *want = replaced (before, name_line, with);
      g_autofree char *got = set_description (fixture, "Works.");
      g_autofree char *back = set_description (got, NULL);

      /* Right after <name>, on a line of its own; the machine inside
       * untouched. */
      g_assert_cmpstr (got, ==, want);
      g_assert_cmpstr (back, ==, before);
    }
}

static void
test_description_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = vireo_snapshot_xml_set_description ("<domain><name>x</name></domain>", "d", &error);

  g_assert_null (out);
  g_assert_error (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_PARSE);
}

/* ---------------------------------------------------------------- files */

static void
assert_files (const char *fixture,
              const char *expected)
{
  g_autoptr(VireoSnapshotInfo) info = parse_fixture (fixture);
  g_auto(GStrv) files = vireo_snapshot_dup_needed_files (info);
  g_autofree char *joined = g_strjoinv ("|", files);

  g_assert_cmpstr (joined, ==, expected);
}

static void
test_needed_files (void)
{
  /* The image itself; the read-only ISO is not the snapshot's. */
  assert_files ("internal-running.xml", "/var/lib/libvirt/images/web.qcow2");
  /* The images the disks were on, with the base db.qcow2 is backed by,
   * and the overlays; sorted. */
  assert_files ("external-disk-only.xml",
                "/srv/vm/db-data.img|"
                "/srv/vm/db-data.pre-upgrade.qcow2|"
                "/var/lib/libvirt/images/db.pre-upgrade.qcow2|"
                "/var/lib/libvirt/images/db.qcow2|"
                "/var/lib/libvirt/images/debian12-base.qcow2");
  assert_files ("external-memory.xml",
                "/var/lib/libvirt/images/kiosk.demo ready.qcow2|"
                "/var/lib/libvirt/images/kiosk.qcow2");
  /* Internal, and no machine inside to say which images. */
  assert_files ("described-child.xml", "");
}

static void
test_needed_files_unique (void)
{
  /* Two disks on one base image: listed once. */
  g_autoptr(VireoSnapshotInfo) info = parse (
    "<domainsnapshot><name>s</name><memory snapshot='no'/>"
    "<disks>"
    "<disk name='vda' snapshot='external' type='file'><source file='/i/a.s.qcow2'/></disk>"
    "<disk name='vdb' snapshot='external' type='file'><source file='/i/b.s.qcow2'/></disk>"
    "</disks>"
    "<domain type='kvm'><name>m</name><devices>"
    "<disk type='file' device='disk'><source file='/i/a.qcow2'/>"
    "<backingStore type='file'><format type='qcow2'/><source file='/i/base.qcow2'/></backingStore>"
    "<target dev='vda'/></disk>"
    "<disk type='file' device='disk'><source file='/i/b.qcow2'/>"
    "<backingStore type='file'><format type='qcow2'/><source file='/i/base.qcow2'/></backingStore>"
    "<target dev='vdb'/></disk>"
    "</devices></domain></domainsnapshot>");
  g_auto(GStrv) files = vireo_snapshot_dup_needed_files (info);
  g_autofree char *joined = g_strjoinv ("|", files);

  g_assert_cmpstr (joined, ==, "/i/a.qcow2|/i/a.s.qcow2|/i/b.qcow2|/i/b.s.qcow2|/i/base.qcow2");
}

static void
test_estimate_memory (void)
{
  const guint64 mib = 1024 * 1024;

  /* 2 GiB + 10 % = 2252.8 MiB, rounded up. */
  g_assert_cmpuint (vireo_snapshot_estimate_memory_bytes (2097152), ==, 2253 * mib);
  g_assert_cmpuint (vireo_snapshot_estimate_memory_bytes (1048576), ==, 1127 * mib);
  g_assert_cmpuint (vireo_snapshot_estimate_memory_bytes (1), ==, 1 * mib);
  g_assert_cmpuint (vireo_snapshot_estimate_memory_bytes (0), ==, 0);
  /* 64 GiB: 72089.6 MiB, rounded up. */
  g_assert_cmpuint (vireo_snapshot_estimate_memory_bytes (64 * mib), ==, 72090 * mib);
}

static void
test_merge_files (void)
{
  g_autoptr(VireoSnapshotInfo) internal = parse_fixture ("internal-running.xml");
  g_autoptr(VireoSnapshotInfo) external = parse_fixture ("external-disk-only.xml");
  g_auto(GStrv) none = vireo_snapshot_dup_merge_files (internal);
  g_auto(GStrv) files = vireo_snapshot_dup_merge_files (external);
  g_autofree char *joined = g_strjoinv ("|", files);

  /* An internal snapshot's delete writes no image another could read. */
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  /* Each overlay and the image it merges into; not the base further
   * down (db.qcow2's backing file is only read), nor the CD-ROM. */
  g_assert_cmpstr (joined, ==,
                   "/srv/vm/db-data.img|"
                   "/srv/vm/db-data.pre-upgrade.qcow2|"
                   "/var/lib/libvirt/images/db.pre-upgrade.qcow2|"
                   "/var/lib/libvirt/images/db.qcow2");
}

static void
test_domain_images (void)
{
  g_autofree char *xml = load ("external-disk-only.xml");
  g_autoptr(VireoSnapshotInfo) info = parse (xml);
  g_auto(GStrv) files = vireo_snapshot_dup_domain_images (info->domain_xml);
  g_autofree char *joined = g_strjoinv ("|", files);
  g_auto(GStrv) none = vireo_snapshot_dup_domain_images ("<network/>");

  /* Every disk with its chain, the CD-ROM too: it reads its file. */
  g_assert_cmpstr (joined, ==,
                   "/srv/vm/db-data.img|"
                   "/var/lib/libvirt/images/db.qcow2|"
                   "/var/lib/libvirt/images/debian-12.5.0-amd64-netinst.iso|"
                   "/var/lib/libvirt/images/debian12-base.qcow2");
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

static void
test_default_memory_file (void)
{
  g_autoptr(VireoDomainConfig) on_file = machine (OS_BIOS, SDA_CDROM VDB_QCOW2 VDA_QCOW2);
  g_autoptr(VireoDomainConfig) on_block = machine (OS_BIOS, VDB_BLOCK);
  g_autofree char *beside = vireo_snapshot_default_memory_file (on_file, "web", "snap1");
  g_autofree char *fallback = vireo_snapshot_default_memory_file (on_block, "web", "snap1");

  /* Beside the first writable file image, not the read-only ISO. */
  g_assert_cmpstr (beside, ==, "/srv/vm/web.snap1.mem");
  g_assert_cmpstr (fallback, ==, "/var/lib/libvirt/qemu/snapshot/web.snap1.mem");
}

static void
test_find_holder (void)
{
  const char *pools[] = { "/var/lib/libvirt/images", "/srv", "/srv/vm/", "/", "relative", NULL };
  const char *no_root[] = { "/var/lib/libvirt/images", "/srv/vm", NULL };

  g_assert_cmpint (vireo_snapshot_find_holder ("/var/lib/libvirt/images/web.mem", pools), ==, 0);
  /* The deepest holder wins; a trailing slash changes nothing. */
  g_assert_cmpint (vireo_snapshot_find_holder ("/srv/vm/a/web.mem", pools), ==, 2);
  g_assert_cmpint (vireo_snapshot_find_holder ("/srv/other/web.mem", pools), ==, 1);
  /* Whole components only: images2 is not under images. */
  g_assert_cmpint (vireo_snapshot_find_holder ("/var/lib/libvirt/images2/web.mem", pools), ==, 3);
  g_assert_cmpint (vireo_snapshot_find_holder ("/var/lib/libvirt/images2/web.mem", no_root), ==, -1);
  g_assert_cmpint (vireo_snapshot_find_holder ("/srv/vm", no_root), ==, 1);
  /* ".." cannot climb out of a pool unseen. */
  g_assert_cmpint (vireo_snapshot_find_holder ("/srv/vm/../x/web.mem", no_root), ==, -1);
  g_assert_cmpint (vireo_snapshot_find_holder ("web.mem", pools), ==, -1);
  g_assert_cmpint (vireo_snapshot_find_holder ("/srv/vm/web.mem", NULL), ==, -1);
}

static void
test_space_verdict (void)
{
  const guint64 gib = G_GUINT64_CONSTANT (1) << 30;
  guint64 needed = vireo_snapshot_estimate_memory_bytes (1048576);  /* 1127 MiB; g_format_size puts a no-break space before the unit */
  VireoSnapshotSpace pool = { TRUE, 40 * gib, (char *) "default", (char *) "/var/lib/libvirt/images" };
  VireoSnapshotSpace folder = { TRUE, 40 * gib, NULL, (char *) "/var/lib/libvirt/qemu/snapshot" };
  VireoSnapshotSpace unknown = { FALSE, 0, NULL, (char *) "/srv" };
  g_autofree char *text = NULL;

  g_assert_cmpint (vireo_snapshot_space_verdict (needed, &pool, &text), ==, VIREO_SNAPSHOT_SPACE_FITS);
  g_assert_cmpstr (text, ==, "Needs about 1.1\u00a0GiB; 40.0\u00a0GiB free on pool “default”.");
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (vireo_snapshot_space_verdict (needed, &folder, &text), ==, VIREO_SNAPSHOT_SPACE_FITS);
  g_assert_cmpstr (text, ==, "Needs about 1.1\u00a0GiB; 40.0\u00a0GiB free in /var/lib/libvirt/qemu/snapshot.");
  g_clear_pointer (&text, g_free);

  /* Fits with less than 1 GiB to spare: a warning, still allowed. */
  pool.available = needed + gib - 1;
  g_assert_cmpint (vireo_snapshot_space_verdict (needed, &pool, &text), ==, VIREO_SNAPSHOT_SPACE_TIGHT);
  g_assert_true (g_str_has_prefix (text, "Needs about 1.1\u00a0GiB; 2.1\u00a0GiB free on pool “default”. That leaves"));
  g_clear_pointer (&text, g_free);
  pool.available = needed + gib;
  g_assert_cmpint (vireo_snapshot_space_verdict (needed, &pool, NULL), ==, VIREO_SNAPSHOT_SPACE_FITS);
  pool.available = needed;
  g_assert_cmpint (vireo_snapshot_space_verdict (needed, &pool, NULL), ==, VIREO_SNAPSHOT_SPACE_TIGHT);

  /* One byte short does not fit, and says what to do. */
  pool.available = needed - 1;
  g_assert_cmpint (vireo_snapshot_space_verdict (needed, &pool, &text), ==, VIREO_SNAPSHOT_SPACE_SHORT);
  g_assert_cmpstr (text, ==, "Needs about 1.1\u00a0GiB, but only 1.1\u00a0GiB is free on pool “default”: put the memory "
                             "file elsewhere, or leave the memory out.");
  g_clear_pointer (&text, g_free);

  g_assert_cmpint (vireo_snapshot_space_verdict (needed, &unknown, &text), ==, VIREO_SNAPSHOT_SPACE_UNKNOWN);
  g_assert_cmpstr (text, ==, "Needs about 1.1\u00a0GiB; the free space there is unknown (no storage pool holds that "
                             "folder).");
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (vireo_snapshot_space_verdict (needed, NULL, NULL), ==, VIREO_SNAPSHOT_SPACE_UNKNOWN);
}

/* ---------------------------------------------------------- virsh lines */

static void
test_command_lines (void)
{
  const char *uri = "qemu:///system";
  g_autofree char *list = vireo_command_for_snapshot (uri, VIREO_SNAPSHOT_COMMAND_LIST, "web", NULL, NULL);
  g_autofree char *list_local = vireo_command_for_snapshot (NULL, VIREO_SNAPSHOT_COMMAND_LIST, "web", "x", NULL);
  g_autofree char *revert = vireo_command_for_snapshot (uri, VIREO_SNAPSHOT_COMMAND_REVERT, "web",
                                                        "before-update", NULL);
  g_autofree char *del = vireo_command_for_snapshot (uri, VIREO_SNAPSHOT_COMMAND_DELETE, "web",
                                                     "before-update", NULL);
  g_autofree char *tree = vireo_command_for_snapshot (NULL, VIREO_SNAPSHOT_COMMAND_DELETE_TREE, "web",
                                                      "before-update", NULL);
  g_autofree char *remote = vireo_command_for_snapshot ("qemu+ssh://root@host b/system?keyfile=~/k",
                                                        VIREO_SNAPSHOT_COMMAND_LIST, "web", NULL, NULL);

  g_assert_cmpstr (list, ==, "virsh -c qemu:///system snapshot-list --tree web");
  g_assert_cmpstr (list_local, ==, "virsh snapshot-list --tree web");
  g_assert_cmpstr (revert, ==, "virsh -c qemu:///system snapshot-revert web --snapshotname before-update");
  g_assert_cmpstr (del, ==, "virsh -c qemu:///system snapshot-delete web --snapshotname before-update");
  g_assert_cmpstr (tree, ==, "virsh snapshot-delete web --snapshotname before-update --children");
  g_assert_cmpstr (remote, ==, "virsh -c 'qemu+ssh://root@host b/system?keyfile=~/k' snapshot-list --tree web");
}

static void
test_command_quoting (void)
{
  /* Spaces, both quotes, $ and a backslash: each word must come back out
   * of a shell as it went in. */
  const char *domain = "my \"web\" vm";
  const char *name = "it's $HOME \\ `done`";
  g_autofree char *revert = vireo_command_for_snapshot (NULL, VIREO_SNAPSHOT_COMMAND_REVERT, domain, name, NULL);
  g_autofree char *tree = vireo_command_for_snapshot (NULL, VIREO_SNAPSHOT_COMMAND_DELETE_TREE, domain, name, NULL);
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (revert, ==, "virsh snapshot-revert 'my \"web\" vm' --snapshotname 'it'\\''s $HOME \\ `done`'");
  g_shell_parse_argv (tree, NULL, &argv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (argv), ==, 6);
  g_assert_cmpstr (argv[0], ==, "virsh");
  g_assert_cmpstr (argv[1], ==, "snapshot-delete");
  g_assert_cmpstr (argv[2], ==, domain);
  g_assert_cmpstr (argv[3], ==, "--snapshotname");
  g_assert_cmpstr (argv[4], ==, name);
  g_assert_cmpstr (argv[5], ==, "--children");
}

static void
test_command_documents (void)
{
  g_autoptr(VireoDomainConfig) config = machine (OS_BIOS, VDA_QCOW2);
  g_autofree char *internal = build (config, "before update", NULL, VIREO_SNAPSHOT_INTERNAL, TRUE, TRUE, NULL);
  g_autofree char *disk_only = build (config, "d", NULL, VIREO_SNAPSHOT_EXTERNAL, FALSE, TRUE, NULL);
  g_autofree char *with_memory = build (config, "m", NULL, VIREO_SNAPSHOT_EXTERNAL, TRUE, TRUE, "/m.mem");
  g_autofree char *create = vireo_command_for_snapshot ("qemu:///system", VIREO_SNAPSHOT_COMMAND_CREATE, "web vm",
                                                        "before update", internal);
  g_autofree char *create_disk_only = vireo_command_for_snapshot (NULL, VIREO_SNAPSHOT_COMMAND_CREATE, "web",
                                                                  "d", disk_only);
  g_autofree char *create_memory = vireo_command_for_snapshot (NULL, VIREO_SNAPSHOT_COMMAND_CREATE, "web",
                                                               "m", with_memory);
  g_autofree char *fixture = load ("described-child.xml");
  g_autofree char *edit = vireo_command_for_snapshot (NULL, VIREO_SNAPSHOT_COMMAND_EDIT, "web",
                                                      "clean install", fixture);
  g_autofree char *want_edit = NULL;

  g_assert_cmpstr (create, ==,
                   "virsh -c qemu:///system snapshot-create 'web vm' /dev/stdin --atomic <<'EOF'\n"
                   "<domainsnapshot>\n"
                   "  <name>before update</name>\n"
                   "  <memory snapshot=\"internal\"/>\n"
                   "  <disks>\n"
                   "    <disk name=\"vda\" snapshot=\"internal\"/>\n"
                   "  </disks>\n"
                   "</domainsnapshot>\n"
                   "EOF");
  /* libvirt 9.0 reads <memory snapshot='no'/> on a running machine as an
   * internal snapshot without memory and refuses it, unless told the
   * snapshot is disk-only. */
  g_assert_true (g_str_has_prefix (create_disk_only,
                                   "virsh snapshot-create web /dev/stdin --disk-only --atomic <<'EOF'\n"
                                   "<domainsnapshot>\n"));
  g_assert_true (g_str_has_prefix (create_memory, "virsh snapshot-create web /dev/stdin --atomic <<'EOF'\n"));

  /* The fixture ends in a line break: no blank line before EOF. */
  want_edit = g_strdup_printf ("virsh snapshot-create web /dev/stdin --redefine <<'EOF'\n%sEOF", fixture);
  g_assert_cmpstr (edit, ==, want_edit);
}

static void
test_command_heredoc_word (void)
{
  /* A description with a line reading EOF would end the here-document
   * there and run the rest as commands. */
  g_autofree char *fixture = load ("unknown-parts.xml");
  g_autofree char *xml = set_description (fixture, "first\nEOF\nrm -rf ~\nEOF1\nend");
  g_autofree char *edit = vireo_command_for_snapshot (NULL, VIREO_SNAPSHOT_COMMAND_EDIT, "web", "tuned", xml);
  g_autofree char *want_head = g_strdup ("virsh snapshot-create web /dev/stdin --redefine <<'EOF2'\n");

  g_assert_true (g_str_has_prefix (edit, want_head));
  g_assert_true (g_str_has_suffix (edit, "</domainsnapshot>\nEOF2"));
  g_assert_nonnull (strstr (edit, "\nEOF\nrm -rf ~\nEOF1\nend</description>"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/snapshot/parse/internal-running", test_parse_internal_running);
  g_test_add_func ("/snapshot/files/merge", test_merge_files);
  g_test_add_func ("/snapshot/files/domain-images", test_domain_images);
  g_test_add_func ("/snapshot/memory-file/default", test_default_memory_file);
  g_test_add_func ("/snapshot/space/find-holder", test_find_holder);
  g_test_add_func ("/snapshot/space/verdict", test_space_verdict);
  g_test_add_func ("/snapshot/parse/external-disk-only", test_parse_external_disk_only);
  g_test_add_func ("/snapshot/parse/external-memory", test_parse_external_memory);
  g_test_add_func ("/snapshot/parse/described-child", test_parse_described_child);
  g_test_add_func ("/snapshot/parse/unknown-parts", test_parse_unknown_parts);
  g_test_add_func ("/snapshot/parse/defaults", test_parse_defaults);
  g_test_add_func ("/snapshot/parse/errors", test_parse_errors);
  g_test_add_func ("/snapshot/tree/children", test_tree_children);
  g_test_add_func ("/snapshot/tree/subtree", test_tree_subtree);
  g_test_add_func ("/snapshot/tree/cycle", test_tree_cycle);
  g_test_add_func ("/snapshot/name/validate", test_name_validate);
  g_test_add_func ("/snapshot/name/suggest", test_name_suggest);
  g_test_add_func ("/snapshot/plan/qcow2-bios", test_plan_qcow2_bios);
  g_test_add_func ("/snapshot/plan/raw-disk", test_plan_raw_disk);
  g_test_add_func ("/snapshot/plan/uefi", test_plan_uefi);
  g_test_add_func ("/snapshot/plan/network-disk", test_plan_network_disk);
  g_test_add_func ("/snapshot/plan/other-disks", test_plan_other_disks);
  g_test_add_func ("/snapshot/plan/no-disk", test_plan_no_disk);
  g_test_add_func ("/snapshot/build/internal", test_build_internal);
  g_test_add_func ("/snapshot/build/external", test_build_external);
  g_test_add_func ("/snapshot/build/external-memory", test_build_external_memory);
  g_test_add_func ("/snapshot/build/external-same-stem", test_build_external_same_stem);
  g_test_add_func ("/snapshot/build/refusals", test_build_refusals);
  g_test_add_func ("/snapshot/description/keeps-the-rest", test_description_keeps_the_rest);
  g_test_add_func ("/snapshot/description/inserted", test_description_inserted);
  g_test_add_func ("/snapshot/description/errors", test_description_errors);
  g_test_add_func ("/snapshot/files/needed", test_needed_files);
  g_test_add_func ("/snapshot/files/unique", test_needed_files_unique);
  g_test_add_func ("/snapshot/estimate-memory", test_estimate_memory);
  g_test_add_func ("/snapshot/command/lines", test_command_lines);
  g_test_add_func ("/snapshot/command/quoting", test_command_quoting);
  g_test_add_func ("/snapshot/command/documents", test_command_documents);
  g_test_add_func ("/snapshot/command/heredoc-word", test_command_heredoc_word);

  return g_test_run ();
}
