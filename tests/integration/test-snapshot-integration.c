/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Snapshots of real TCG guests on the private libvirtd of vireo-testenv.sh,
 * through Vireo's worker calls, with documents made by the model
 * (vireo_snapshot_build_xml). What Vireo says is held against the images
 * themselves: qemu-img's list of internal snapshots, overlay files and
 * their backing files, checksums, and data written into an overlay that
 * must reach the base image when the snapshot is deleted.
 *
 * Internal snapshots: with memory on a running guest and without on a shut
 * off one; tree, current, revert (as recorded, paused, running), delete one
 * and a tree. External disk-only snapshots (libvirt 9.0 is the first that
 * deletes them for QEMU): running and shut off, a chain, what 9.0 refuses
 * (revert, a shut-off guest's non-leaf, TREE), a failed snapshot that
 * leaves no overlay, and METADATA_ONLY. A screenshot of a running guest.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-domain-config.h"
#include "vireo-snapshot.h"
#include "vireo-test-snapshot.h"
#include "vireo-worker.h"

#define GUEST_INT    "vireo-it-snap-int"
#define GUEST_EXT    "vireo-it-snap-ext"
#define GUEST_SCREEN "vireo-it-snap-screen"

static VireoConnection *conn;
static virConnectPtr direct;

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

static char *
image_dir (void)
{
  return g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "snapshots", NULL);
}

static char *
in_images (const char *name)
{
  g_autofree char *dir = image_dir ();
  return g_build_filename (dir, name, NULL);
}

/* ------------------------------------------------------------------------ */
/* Tools and files                                                           */

/* Returns: (transfer full): stdout; NULL (and *ok FALSE) when it failed */
static char *
run_tool_status (const char * const *argv,
                 gboolean           *ok)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  *ok = g_spawn_check_wait_status (status, NULL);
  if (!*ok)
    g_test_message ("%s: %s%s", argv[0], out, err);
  return g_steal_pointer (&out);
}

static char *
run_tool (const char * const *argv)
{
  gboolean ok;
  char *out = run_tool_status (argv, &ok);

  if (!ok)
    g_error ("%s %s failed", argv[0], argv[1]);
  return out;
}

static char *
sha256_of (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

/* The internal snapshots in a qcow2 image, "a,b" in the image's order.
 * -U: QEMU holds the image's lock while the guest runs. */
static char *
image_snapshots (const char *path)
{
  g_autofree char *out = run_tool ((const char *[]) { "qemu-img", "snapshot", "-l", "-U", path, NULL });
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GString *names = g_string_new (NULL);

  /* "Snapshot list:", a header, then "ID TAG VM-SIZE ..." rows. */
  for (guint i = 2; lines[0] != NULL && i < g_strv_length (lines); i++)
    {
      g_auto(GStrv) fields = g_regex_split_simple ("\\s+", lines[i], 0, 0);

      if (g_strv_length (fields) >= 2 && *fields[0] != '\0')
        g_string_append_printf (names, "%s%s", names->len > 0 ? "," : "", fields[1]);
    }
  return g_string_free (names, FALSE);
}

static char *
backing_file_of (const char *path)
{
  g_autofree char *out = run_tool ((const char *[]) { "qemu-img", "info", "-U", path, NULL });
  g_autoptr(GRegex) re = g_regex_new ("^backing file: (.*)$", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (!g_regex_match (re, out, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

/* The path the machine's @target disk is on now, from libvirt's own XML. */
static char *
disk_source (const char *guest,
             const char *target,
             gboolean    inactive)
{
  virDomainPtr dom = virDomainLookupByName (direct, guest);
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) disks = NULL;
  char *xml;
  char *path = NULL;

  g_assert_nonnull (dom);
  xml = virDomainGetXMLDesc (dom, inactive ? VIR_DOMAIN_XML_INACTIVE : 0);
  g_assert_nonnull (xml);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  free (xml);
  virDomainFree (dom);
  disks = vireo_domain_config_list_disks (config);
  for (guint i = 0; i < disks->len; i++)
    {
      VireoDiskInfo *disk = g_ptr_array_index (disks, i);
      if (g_strcmp0 (disk->target, target) == 0)
        path = g_strdup (disk->path);
    }
  return path;
}

/* ------------------------------------------------------------------------ */
/* Guests                                                                    */

static gboolean
is_listed (gpointer data)
{
  return vireo_test_find_domain (conn, data) != NULL;
}

typedef struct
{
  VireoDomain      *domain;
  VireoDomainState  want;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *w = data;
  return vireo_domain_get_state (w->domain) == w->want;
}

static void
wait_state (VireoDomain      *domain,
            VireoDomainState  want)
{
  StateWait w = { domain, want };
  vireo_test_wait_for (state_is, &w, 60, vireo_domain_state_to_string (want));
}

/* The environment's guest renamed, with a qcow2 disk of 32 MiB for each
 * of @images (vda, vdb, ...), made here; defined outside Vireo. */
static VireoDomain *
define_guest (const char         *name,
              const char * const *images)
{
  g_autofree char *xml = NULL;
  g_autofree char *dir = image_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  virDomainPtr dom;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, name);
  for (guint i = 0; images != NULL && images[i] != NULL; i++)
    {
      g_autofree char *path = in_images (images[i]);
      g_autofree char *disk = NULL;

      g_free (run_tool ((const char *[]) { "qemu-img", "create", "-q", "-f", "qcow2", path, "32M", NULL }));
      disk = g_strdup_printf ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                              "<source file='%s'/><target dev='vd%c' bus='virtio'/></disk>", path, 'a' + i);
      g_assert_nonnull (vireo_domain_config_add_device (config, disk, &error));
      g_assert_no_error (error);
    }
  g_clear_pointer (&xml, g_free);
  xml = vireo_domain_config_to_xml (config);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  virDomainFree (dom);
  vireo_test_wait_for (is_listed, (gpointer) name, 10, "the guest to be listed");
  return vireo_test_find_domain (conn, name);
}

static void
start_guest (VireoDomain *domain)
{
  virDomainPtr dom = virDomainLookupByName (direct, vireo_domain_get_name (domain));

  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  virDomainFree (dom);
  wait_state (domain, VIREO_DOMAIN_STATE_RUNNING);
}

static void
stop_guest (VireoDomain *domain)
{
  virDomainPtr dom = virDomainLookupByName (direct, vireo_domain_get_name (domain));

  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  virDomainFree (dom);
  wait_state (domain, VIREO_DOMAIN_STATE_SHUTOFF);
}

static void
remove_guest (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (direct, name);

  if (virDomainIsActive (dom) == 1)
    g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA), ==, 0);
  virDomainFree (dom);
}

/* The machine's definition as a snapshot document is built from: the
 * running one's when it runs. */
static VireoDomainConfig *
read_config (VireoDomain *domain)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  VireoDomainConfig *config;

  vireo_domain_read_xml_async (domain, !vireo_domain_get_active (domain), NULL, vireo_test_async_cb, &a);
  xml = vireo_domain_read_xml_finish (domain, vireo_test_async_wait (&a, 30), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  return config;
}

/* What the New Snapshot dialog would send. */
static char *
snapshot_doc (VireoDomain           *domain,
              const char            *name,
              VireoSnapshotLocation  location,
              gboolean               with_memory)
{
  g_autoptr(VireoDomainConfig) config = read_config (domain);
  gboolean active = vireo_domain_get_active (domain);
  g_autoptr(VireoSnapshotPlan) plan = vireo_snapshot_plan_for (config, active, FALSE);
  g_autoptr(GError) error = NULL;
  char *xml;

  if (location == VIREO_SNAPSHOT_INTERNAL)
    g_assert_true (plan->internal_ok);
  else
    g_assert_true (plan->external_ok);
  g_assert_true (plan->memory_ok == active);
  xml = vireo_snapshot_build_xml (config, name, NULL, location, with_memory, active, NULL, &error);
  g_assert_no_error (error);
  return xml;
}

static void
take (VireoDomain           *domain,
      const char            *name,
      VireoSnapshotLocation  location,
      gboolean               with_memory)
{
  g_autofree char *xml = snapshot_doc (domain, name, location, with_memory);
  g_autoptr(GError) error = NULL;
  g_autofree char *made = vireo_test_create_snapshot (domain, xml, location == VIREO_SNAPSHOT_EXTERNAL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (made, ==, name);
}

static void
revert_ok (VireoDomain              *domain,
           const char               *name,
           VireoSnapshotRevertFlags  flags)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_test_revert_snapshot (domain, name, flags, &error));
  g_assert_no_error (error);
}

static void
delete_ok (VireoDomain             *domain,
           const char              *name,
           VireoSnapshotDeleteMode  mode)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_test_delete_snapshot (domain, name, mode, &error));
  g_assert_no_error (error);
}

static void
assert_names (VireoDomain *domain,
              const char  *want)
{
  g_autoptr(GPtrArray) list = vireo_test_list_snapshots_ok (domain);
  g_autofree char *names = vireo_test_snapshot_names (list);

  g_assert_cmpstr (names, ==, want);
}

static void
assert_image_snapshots (const char *image,
                        const char *want)
{
  g_autofree char *names = image_snapshots (image);
  g_assert_cmpstr (names, ==, want);
}

/* ------------------------------------------------------------------------ */
/* Internal                                                                  */

static void
test_internal (void)
{
  g_autofree char *image = in_images ("int.qcow2");
  VireoDomain *domain = define_guest (GUEST_INT, (const char *[]) { "int.qcow2", NULL });
  g_autoptr(GPtrArray) list = NULL;
  VireoSnapshotInfo *info;

  start_guest (domain);
  assert_names (domain, "");

  /* With the memory of the running guest, twice: a chain. */
  take (domain, "live1", VIREO_SNAPSHOT_INTERNAL, TRUE);
  take (domain, "live2", VIREO_SNAPSHOT_INTERNAL, TRUE);
  list = vireo_test_list_snapshots_ok (domain);
  {
    g_autofree char *names = vireo_test_snapshot_names (list);
    g_assert_cmpstr (names, ==, "live1,live2");
  }
  g_assert_cmpstr (vireo_test_current_snapshot (list), ==, "live2");
  info = vireo_test_find_snapshot (list, "live1");
  g_assert_null (info->parent);
  g_assert_cmpstr (info->state, ==, "running");
  g_assert_true (info->has_memory);
  g_assert_cmpint (info->location, ==, VIREO_SNAPSHOT_INTERNAL);
  g_assert_cmpuint (info->disks->len, ==, 1);
  g_assert_cmpstr (((VireoSnapshotDisk *) g_ptr_array_index (info->disks, 0))->target, ==, "vda");
  g_assert_cmpstr (((VireoSnapshotDisk *) g_ptr_array_index (info->disks, 0))->snapshot, ==, "internal");
  g_assert_cmpstr (vireo_test_find_snapshot (list, "live2")->parent, ==, "live1");
  g_clear_pointer (&list, g_ptr_array_unref);
  assert_image_snapshots (image, "live1,live2");

  /* Back to live1 as it was (running), then paused; a snapshot of the
   * paused guest is live1's child beside live2. */
  revert_ok (domain, "live1", VIREO_SNAPSHOT_REVERT_DEFAULT);
  wait_state (domain, VIREO_DOMAIN_STATE_RUNNING);
  list = vireo_test_list_snapshots_ok (domain);
  g_assert_cmpstr (vireo_test_current_snapshot (list), ==, "live1");
  g_clear_pointer (&list, g_ptr_array_unref);
  revert_ok (domain, "live1", VIREO_SNAPSHOT_REVERT_PAUSED);
  wait_state (domain, VIREO_DOMAIN_STATE_PAUSED);
  take (domain, "live3", VIREO_SNAPSHOT_INTERNAL, TRUE);
  list = vireo_test_list_snapshots_ok (domain);
  g_assert_cmpstr (vireo_test_find_snapshot (list, "live3")->parent, ==, "live1");
  g_assert_cmpstr (vireo_test_find_snapshot (list, "live3")->state, ==, "paused");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* live1 alone: its children move up; then the tree at live2. */
  delete_ok (domain, "live1", VIREO_SNAPSHOT_DELETE_ONE);
  list = vireo_test_list_snapshots_ok (domain);
  {
    g_autofree char *names = vireo_test_snapshot_names (list);
    g_assert_cmpstr (names, ==, "live2,live3");
  }
  g_assert_null (vireo_test_find_snapshot (list, "live2")->parent);
  g_assert_null (vireo_test_find_snapshot (list, "live3")->parent);
  g_clear_pointer (&list, g_ptr_array_unref);
  assert_image_snapshots (image, "live2,live3");
  delete_ok (domain, "live2", VIREO_SNAPSHOT_DELETE_TREE);
  assert_names (domain, "live3");
  assert_image_snapshots (image, "live3");

  /* Shut off: disks only. Reverting to it stops the guest, or starts it
   * again when asked to run. */
  stop_guest (domain);
  take (domain, "off1", VIREO_SNAPSHOT_INTERNAL, FALSE);
  list = vireo_test_list_snapshots_ok (domain);
  info = vireo_test_find_snapshot (list, "off1");
  g_assert_cmpstr (info->state, ==, "shutoff");
  g_assert_false (info->has_memory);
  g_assert_cmpstr (info->parent, ==, "live3");
  g_assert_true (info->current);
  g_clear_pointer (&list, g_ptr_array_unref);
  assert_image_snapshots (image, "live3,off1");

  start_guest (domain);
  revert_ok (domain, "off1", VIREO_SNAPSHOT_REVERT_DEFAULT);
  wait_state (domain, VIREO_DOMAIN_STATE_SHUTOFF);
  revert_ok (domain, "off1", VIREO_SNAPSHOT_REVERT_RUNNING);
  wait_state (domain, VIREO_DOMAIN_STATE_RUNNING);
  /* And back to the memory of a running one from a running guest. */
  revert_ok (domain, "live3", VIREO_SNAPSHOT_REVERT_RUNNING);
  wait_state (domain, VIREO_DOMAIN_STATE_RUNNING);

  delete_ok (domain, "live3", VIREO_SNAPSHOT_DELETE_TREE);
  assert_names (domain, "");
  assert_image_snapshots (image, "");

  remove_guest (GUEST_INT);
  g_assert_cmpint (g_unlink (image), ==, 0);
}

/* ------------------------------------------------------------------------ */
/* External                                                                  */

static void
assert_exists (const char *path,
               gboolean    want)
{
  if (g_file_test (path, G_FILE_TEST_EXISTS) != want)
    g_error ("%s %s", path, want ? "is missing" : "is still there");
}

/* The overlays vireo_snapshot_build_xml() puts beside the images:
 * "<image stem>.<name>.qcow2", so a snapshot taken on top of ext3's
 * overlay has "ext-base.ext3.ext4.qcow2" (@name "ext3.ext4" here). */
static void
assert_overlays (const char *name,
                 gboolean    want)
{
  g_autofree char *vda_name = g_strdup_printf ("ext-base.%s.qcow2", name);
  g_autofree char *vdb_name = g_strdup_printf ("ext-data.%s.qcow2", name);
  g_autofree char *vda = in_images (vda_name);
  g_autofree char *vdb = in_images (vdb_name);

  assert_exists (vda, want);
  assert_exists (vdb, want);
}

static char *
overlay (const char *image_stem,
         const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s.%s.qcow2", image_stem, name);
  return in_images (file);
}

static void
assert_disk_on (gboolean    inactive,
                const char *want)
{
  g_autofree char *source = disk_source (GUEST_EXT, "vda", inactive);
  g_assert_cmpstr (source, ==, want);
}

static void
test_external (void)
{
  g_autofree char *base = in_images ("ext-base.qcow2");
  g_autofree char *data = in_images ("ext-data.qcow2");
  g_autofree char *base_sum = NULL;
  g_autofree char *data_sum = NULL;
  g_autofree char *merged_sum = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  VireoDomain *domain = define_guest (GUEST_EXT, (const char *[]) { "ext-base.qcow2", "ext-data.qcow2", NULL });
  VireoSnapshotInfo *info;
  unsigned long version = 0;

  g_assert_cmpint (virConnectGetLibVersion (direct, &version), ==, 0);
  g_test_message ("libvirt %lu", version);
  base_sum = sha256_of (base);
  data_sum = sha256_of (data);

  /* Running: the overlays appear, the guest writes into them, the base
   * images stay as they were. */
  start_guest (domain);
  take (domain, "ext1", VIREO_SNAPSHOT_EXTERNAL, FALSE);
  assert_overlays ("ext1", TRUE);
  {
    g_autofree char *ov = overlay ("ext-base", "ext1");
    g_autofree char *backing = backing_file_of (ov);

    g_assert_cmpstr (backing, ==, base);
    assert_disk_on (FALSE, ov);
    assert_disk_on (TRUE, ov);
  }
  list = vireo_test_list_snapshots_ok (domain);
  info = vireo_test_find_snapshot (list, "ext1");
  g_assert_cmpint (info->location, ==, VIREO_SNAPSHOT_EXTERNAL);
  g_assert_false (info->has_memory);
  g_assert_cmpstr (info->state, ==, "disk-snapshot");
  g_assert_true (info->current);
  g_assert_cmpuint (info->disks->len, ==, 2);
  {
    VireoSnapshotDisk *disk = g_ptr_array_index (info->disks, 0);
    g_autofree char *ov = overlay ("ext-base", "ext1");

    g_assert_cmpstr (disk->snapshot, ==, "external");
    g_assert_cmpstr (disk->source, ==, ov);
  }
  g_clear_pointer (&list, g_ptr_array_unref);
  {
    g_autofree char *sum = sha256_of (base);
    g_assert_cmpstr (sum, ==, base_sum);
  }

  /* libvirt 9.0 cannot go back to an external snapshot. */
  g_assert_false (vireo_test_revert_snapshot (domain, "ext1", VIREO_SNAPSHOT_REVERT_DEFAULT, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_UNSUPPORTED_CONFIG);
  g_assert_cmpstr (error->message, ==,
                   "Could not go back to the snapshot “ext1”: "
                   "unsupported configuration: revert to external snapshot not supported yet");
  g_clear_error (&error);
  assert_overlays ("ext1", TRUE);

  /* Deleted while running: merged back, overlays gone, the disks back on
   * their images; nothing was written to merge, so the base is as it was. */
  delete_ok (domain, "ext1", VIREO_SNAPSHOT_DELETE_ONE);
  assert_names (domain, "");
  assert_overlays ("ext1", FALSE);
  assert_disk_on (FALSE, base);
  assert_disk_on (TRUE, base);
  {
    g_autofree char *sum = sha256_of (base);
    g_autofree char *sum2 = sha256_of (data);
    g_assert_cmpstr (sum, ==, base_sum);
    g_assert_cmpstr (sum2, ==, data_sum);
  }

  /* Shut off: data written into the overlay leaves the base alone, and
   * reaches it when the snapshot is deleted. */
  stop_guest (domain);
  take (domain, "ext2", VIREO_SNAPSHOT_EXTERNAL, FALSE);
  assert_overlays ("ext2", TRUE);
  {
    g_autofree char *ov = overlay ("ext-base", "ext2");
    g_autofree char *sum = NULL;
    gboolean ok;

    g_free (run_tool ((const char *[]) { "qemu-io", "-f", "qcow2", "-c", "write -P 0xa5 0 64k", ov, NULL }));
    sum = sha256_of (base);
    g_assert_cmpstr (sum, ==, base_sum);
    g_free (run_tool_status ((const char *[]) { "qemu-io", "-f", "qcow2", "-r", "-c", "read -P 0xa5 0 64k",
                                                base, NULL }, &ok));
    g_assert_false (ok);
  }
  delete_ok (domain, "ext2", VIREO_SNAPSHOT_DELETE_ONE);
  assert_overlays ("ext2", FALSE);
  assert_disk_on (TRUE, base);
  g_free (run_tool ((const char *[]) { "qemu-io", "-f", "qcow2", "-r", "-c", "read -P 0xa5 0 64k", base, NULL }));
  merged_sum = sha256_of (base);

  /* A chain, shut off: 9.0 refuses to delete the one with a child, and
   * TREE over external snapshots; nothing is lost either way. */
  take (domain, "ext3", VIREO_SNAPSHOT_EXTERNAL, FALSE);
  take (domain, "ext4", VIREO_SNAPSHOT_EXTERNAL, FALSE);
  list = vireo_test_list_snapshots_ok (domain);
  g_assert_cmpstr (vireo_test_find_snapshot (list, "ext4")->parent, ==, "ext3");
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_false (vireo_test_delete_snapshot (domain, "ext3", VIREO_SNAPSHOT_DELETE_ONE, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
  g_assert_cmpstr (error->message, ==,
                   "Could not delete the snapshot “ext3”: "
                   "invalid argument: could not find base disk source in disk source chain");
  g_clear_error (&error);
  g_assert_false (vireo_test_delete_snapshot (domain, "ext3", VIREO_SNAPSHOT_DELETE_TREE, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_UNSUPPORTED_CONFIG);
  g_assert_cmpstr (error->message, ==,
                   "Could not delete the snapshot “ext3”: "
                   "unsupported configuration: deletion of external children disk snapshots not supported");
  g_clear_error (&error);
  assert_names (domain, "ext3,ext4");
  assert_overlays ("ext3", TRUE);
  assert_overlays ("ext3.ext4", TRUE);
  {
    g_autofree char *ov3 = overlay ("ext-base", "ext3");
    g_autofree char *ov4 = overlay ("ext-base", "ext3.ext4");
    g_autofree char *backing = backing_file_of (ov4);
    g_autofree char *sum = sha256_of (base);

    g_assert_cmpstr (backing, ==, ov3);
    assert_disk_on (TRUE, ov4);
    g_assert_cmpstr (sum, ==, merged_sum);
  }

  /* Running, the same deletion works: ext3's overlay is merged into the
   * base and ext4's now sits on it. */
  start_guest (domain);
  delete_ok (domain, "ext3", VIREO_SNAPSHOT_DELETE_ONE);
  assert_overlays ("ext3", FALSE);
  assert_overlays ("ext3.ext4", TRUE);
  list = vireo_test_list_snapshots_ok (domain);
  g_assert_null (vireo_test_find_snapshot (list, "ext4")->parent);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  {
    g_autofree char *ov4 = overlay ("ext-base", "ext3.ext4");
    g_autofree char *backing = backing_file_of (ov4);

    g_assert_cmpstr (backing, ==, base);
  }
  delete_ok (domain, "ext4", VIREO_SNAPSHOT_DELETE_ONE);
  assert_overlays ("ext3.ext4", FALSE);
  assert_disk_on (FALSE, base);
  assert_disk_on (TRUE, base);

  /* A snapshot that fails halfway (vdb's overlay cannot be made) leaves
   * no overlay for vda either, running or not: ATOMIC. */
  for (int running = 1; running >= 0; running--)
    {
      g_autofree char *bad_vda = overlay ("ext-base", "bad");
      g_autofree char *bad_vdb = in_images ("missing-dir/ext-data.bad.qcow2");
      g_autofree char *doc = g_strdup_printf ("<domainsnapshot><name>bad</name><memory snapshot='no'/><disks>"
                                              "<disk name='vda' snapshot='external'><driver type='qcow2'/>"
                                              "<source file='%s'/></disk>"
                                              "<disk name='vdb' snapshot='external'><driver type='qcow2'/>"
                                              "<source file='%s'/></disk></disks></domainsnapshot>",
                                              bad_vda, bad_vdb);
      g_autofree char *made = NULL;

      if (!running)
        stop_guest (domain);
      made = vireo_test_create_snapshot (domain, doc, TRUE, &error);
      g_assert_null (made);
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "The snapshot could not be taken: "));
      g_assert_nonnull (strstr (error->message, "No such file or directory"));
      g_test_message ("running=%d: %s", running, error->message);
      g_clear_error (&error);
      assert_exists (bad_vda, FALSE);
      assert_names (domain, "");
      assert_disk_on (TRUE, base);
    }

  /* METADATA_ONLY: libvirt forgets the snapshot; the overlay stays, and
   * the machine stays on it. */
  take (domain, "ext5", VIREO_SNAPSHOT_EXTERNAL, FALSE);
  delete_ok (domain, "ext5", VIREO_SNAPSHOT_DELETE_METADATA_ONLY);
  assert_names (domain, "");
  assert_overlays ("ext5", TRUE);
  {
    g_autofree char *ov = overlay ("ext-base", "ext5");
    g_autofree char *sum = sha256_of (base);

    assert_disk_on (TRUE, ov);
    g_assert_cmpstr (sum, ==, merged_sum);
  }

  /* An external snapshot whose parent is internal: 9.0 will not delete
   * it, and keeps it. */
  take (domain, "int1", VIREO_SNAPSHOT_INTERNAL, FALSE);
  take (domain, "ext6", VIREO_SNAPSHOT_EXTERNAL, FALSE);
  g_assert_false (vireo_test_delete_snapshot (domain, "ext6", VIREO_SNAPSHOT_DELETE_ONE, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==,
                   "Could not delete the snapshot “ext6”: Operation not supported: "
                   "deleting external snapshot that has internal snapshot as parent not supported");
  g_clear_error (&error);
  list = vireo_test_list_snapshots_ok (domain);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (vireo_test_find_snapshot (list, "ext6")->parent, ==, "int1");
  g_clear_pointer (&list, g_ptr_array_unref);
  assert_overlays ("ext5.ext6", TRUE);

  remove_guest (GUEST_EXT);
}

/* ------------------------------------------------------------------------ */
/* Screenshot                                                                */

/* A second machine whose disk is an overlay of the first's image (its
 * inactive definition does not show the chain: found in the qcow2
 * header): the first's external snapshot must not be merged into that
 * image while it is there. Then a delete that merges 200 MiB, with its
 * progress. */
static void
test_shared_base (void)
{
  g_autofree char *base = in_images ("share-base.qcow2");
  g_autofree char *other = in_images ("share-other.qcow2");
  g_autofree char *ov = NULL;
  g_autofree char *other_xml = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_auto(GStrv) merge = NULL;
  g_auto(GStrv) users = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *want = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestProgress progress = { 0 };
  VireoDomain *domain = define_guest ("vsnap-share", (const char *[]) { "share-base.qcow2", NULL });
  virDomainPtr dom;

  g_free (run_tool ((const char *[]) { "qemu-img", "resize", "-q", base, "256M", NULL }));
  g_free (run_tool ((const char *[]) { "qemu-img", "create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2", other,
                                       NULL }));
  other_xml = g_strdup_printf ("<domain type='qemu'><name>vsnap-share-other</name><memory unit='MiB'>64</memory>"
                               "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
                               "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                               "<source file='%s'/><target dev='vda' bus='virtio'/></disk>"
                               "</devices></domain>", other);
  dom = virDomainDefineXML (direct, other_xml);
  g_assert_nonnull (dom);
  virDomainFree (dom);

  take (domain, "s1", VIREO_SNAPSHOT_EXTERNAL, FALSE);
  ov = in_images ("share-base.s1.qcow2");
  list = vireo_test_list_snapshots_ok (domain);
  merge = vireo_snapshot_dup_merge_files (vireo_test_find_snapshot (list, "s1"));
  joined = g_strjoinv ("|", merge);
  want = g_strdup_printf ("%s|%s", base, ov);
  g_assert_cmpstr (joined, ==, want);
  users = vireo_test_find_file_users (domain, (const char * const *) merge);
  g_clear_pointer (&joined, g_free);
  joined = g_strjoinv ("\n", users);
  g_clear_pointer (&want, g_free);
  want = g_strdup_printf ("%s|vsnap-share-other|-", base);
  g_assert_cmpstr (joined, ==, want);
  g_clear_pointer (&users, g_strfreev);

  /* The other machine gone, nobody else reads them. */
  remove_guest ("vsnap-share-other");
  g_assert_cmpint (g_unlink (other), ==, 0);
  users = vireo_test_find_file_users (domain, (const char * const *) merge);
  g_assert_cmpuint (g_strv_length (users), ==, 0);

  /* 200 MiB in the overlay, merged down while the machine runs. */
  g_free (run_tool ((const char *[]) { "qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 200M", ov, NULL }));
  start_guest (domain);
  g_assert_true (vireo_test_delete_snapshot_with_progress (domain, "s1", VIREO_SNAPSHOT_DELETE_ONE, &progress,
                                                           &error));
  g_assert_no_error (error);
  /* How many reports came is the machine's speed (libvirt answers
   * virDomainGetBlockJobInfo during the merge; 700 MiB took ~150 ms
   * here): only their order and the release are asserted. */
  g_test_message ("merge progress: %u reports, first %.2f, last %.2f", progress.calls, progress.first,
                  progress.last);
  g_assert_false (progress.backwards);
  g_assert_true (progress.released);
  g_assert_false (progress.late);
  g_assert_true (progress.calls == 0 || (progress.last > 0 && progress.last <= 1.0));
  assert_exists (ov, FALSE);
  stop_guest (domain);
  g_free (run_tool ((const char *[]) { "qemu-io", "-f", "qcow2", "-r", "-c", "read -P 0x5a 0 200M", base, NULL }));
  remove_guest ("vsnap-share");
}

static void
test_screenshot (void)
{
  VireoDomain *domain = define_guest (GUEST_SCREEN, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  guint width, height;

  start_guest (domain);
  png = vireo_test_screenshot (domain, 360, 360, &error);
  g_assert_no_error (error);
  vireo_test_assert_png (png, &width, &height);
  g_test_message ("screenshot %u×%u, %zu bytes", width, height, g_bytes_get_size (png));
  /* SeaBIOS's screen is wider than tall: the width meets the box. */
  g_assert_cmpuint (width, ==, 360);
  g_assert_cmpuint (height, >, 0);
  g_assert_cmpuint (height, <=, 360);
  g_clear_pointer (&png, g_bytes_unref);

  stop_guest (domain);
  png = vireo_test_screenshot (domain, 360, 360, &error);
  g_assert_null (png);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_assert_nonnull (strstr (error->message, "domain is not running"));

  remove_guest (GUEST_SCREEN);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

  conn = vireo_test_open_connection (require_env ("VIREO_TEST_URI"), 0);
  direct = virConnectOpen (require_env ("VIREO_TEST_URI"));
  g_assert_nonnull (direct);

  g_test_add_func ("/integration/snapshot/internal", test_internal);
  g_test_add_func ("/integration/snapshot/external", test_external);
  g_test_add_func ("/integration/snapshot/screenshot", test_screenshot);
  g_test_add_func ("/integration/snapshot/shared-base", test_shared_base);

  ret = g_test_run ();
  vireo_connection_close (conn);
  g_object_unref (conn);
  virConnectClose (direct);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
