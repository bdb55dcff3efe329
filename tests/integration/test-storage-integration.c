/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Storage management against the private libvirtd of vireo-testenv.sh,
 * through Vireo's API: pool capabilities, a dir pool defined, built and
 * started in a temp folder, qcow2 and raw volumes (thin, full, an overlay,
 * a clone), resize, wipe, upload and download with the same checksum, a
 * cancelled download that leaves no file, a volume a machine uses, the
 * refusals of the create forms, the pool's lifecycle, an fs pool on a loop
 * device, and secrets. What Vireo says is checked against the disk (files,
 * sizes, qemu-img) and libvirt's own listing.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-storage.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define POOL     "vireo-st-pool"
#define FS_POOL  "vireo-st-fs"
#define GUEST    "vireo-st-guest"
#define MiB      (G_GUINT64_CONSTANT (1) << 20)
#define GiB      (G_GUINT64_CONSTANT (1) << 30)

static VireoConnection *conn;

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

static char *
pool_dir (void)
{
  return g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "storage-pool", NULL);
}

static char *
in_pool (const char *name)
{
  g_autofree char *dir = pool_dir ();
  return g_build_filename (dir, name, NULL);
}

/* ------------------------------------------------------------------------ */
/* Calls                                                                     */

static GPtrArray *
list_pools (void)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *pools;

  vireo_connection_list_pools_with_users_async (conn, NULL, vireo_test_async_cb, &a);
  pools = vireo_connection_list_pools_finish (conn, vireo_test_async_wait (&a, 60), &error);
  g_assert_no_error (error);
  g_object_unref (a.result);
  return pools;
}

static VireoPoolInfo *
lookup_pool (GPtrArray  *pools,
             const char *name)
{
  for (guint i = 0; i < pools->len; i++)
    {
      VireoPoolInfo *p = g_ptr_array_index (pools, i);
      if (g_strcmp0 (p->name, name) == 0)
        return p;
    }
  return NULL;
}

/* Returns: (transfer none): the pool; its absence fails the test */
static VireoPoolInfo *
find_pool (GPtrArray  *pools,
           const char *name)
{
  VireoPoolInfo *p = lookup_pool (pools, name);

  if (p == NULL)
    g_error ("pool “%s” is not listed", name);
  return p;
}

static VireoVolumeInfo *
lookup_volume (VireoPoolInfo *pool,
               const char    *name)
{
  for (guint i = 0; i < pool->volumes->len; i++)
    {
      VireoVolumeInfo *v = g_ptr_array_index (pool->volumes, i);
      if (g_strcmp0 (v->name, name) == 0)
        return v;
    }
  return NULL;
}

static VireoVolumeInfo *
find_volume (VireoPoolInfo *pool,
             const char    *name)
{
  VireoVolumeInfo *v = lookup_volume (pool, name);

  if (v == NULL)
    g_error ("volume “%s” is not listed", name);
  return v;
}

static gboolean
pool_listed (const char *name)
{
  g_autoptr(GPtrArray) pools = list_pools ();
  return lookup_pool (pools, name) != NULL;
}

/* The pool as listed now; the listing lives until the next call. */
static GPtrArray *last_listing;

static VireoPoolInfo *
pool_now (const char *name)
{
  g_clear_pointer (&last_listing, g_ptr_array_unref);
  last_listing = list_pools ();
  return find_pool (last_listing, name);
}

static guint
count_volumes (const char *pool_name)
{
  g_autoptr(GPtrArray) pools = list_pools ();
  VireoPoolInfo *pool = find_pool (pools, pool_name);

  g_assert_nonnull (pool);
  return pool->volumes->len;
}

static char *
define_pool (const char  *xml,
             gboolean     build,
             gboolean     start,
             GError     **error)
{
  VireoTestAsync a = { 0 };
  char *name;

  vireo_connection_define_pool_async (conn, xml, build, start, FALSE, NULL, vireo_test_async_cb, &a);
  name = vireo_connection_define_pool_finish (conn, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return name;
}

static gboolean
pool_action (const char       *name,
             VireoPoolAction   action,
             GError          **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_connection_pool_action_async (conn, name, action, NULL, vireo_test_async_cb, &a);
  ok = vireo_connection_pool_action_finish (conn, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return ok;
}

static VireoVolumeInfo *
create_volume (const char         *pool,
               VireoVolumeConfig  *config,
               const char         *clone_from,
               GError            **error)
{
  VireoTestAsync a = { 0 };
  g_autofree char *xml = vireo_volume_config_to_xml (config);
  VireoVolumeInfo *info;

  vireo_connection_create_volume_xml_async (conn, pool, xml, clone_from, NULL, vireo_test_async_cb, &a);
  info = vireo_connection_create_volume_xml_finish (conn, vireo_test_async_wait (&a, 120), error);
  g_object_unref (a.result);
  return info;
}

static VireoVolumeInfo *
make_volume (const char *name,
             const char *format,
             guint64     capacity,
             gboolean    full)
{
  g_autoptr(VireoVolumeConfig) config = vireo_volume_config_new (name, format, capacity);
  g_autoptr(GError) error = NULL;
  VireoVolumeInfo *info;

  vireo_volume_config_set_thin (config, !full);
  info = create_volume (POOL, config, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

static gboolean
delete_volume (const char  *pool,
               const char  *name,
               gboolean     force,
               GError     **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_connection_delete_volume_async (conn, pool, name, force, NULL, vireo_test_async_cb, &a);
  ok = vireo_connection_delete_volume_finish (conn, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return ok;
}

static guint64
file_blocks_bytes (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (guint64) st.st_blocks * 512;
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

static char *
run_tool (const char * const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s %s", argv[0], error->message, err != NULL ? err : "");
  return g_steal_pointer (&out);
}

/* ------------------------------------------------------------------------ */

static void
test_caps (void)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoPoolCaps) caps = NULL;
  const VireoPoolTypeCaps *dir;

  vireo_connection_get_pool_caps_async (conn, NULL, vireo_test_async_cb, &a);
  caps = vireo_connection_get_pool_caps_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_object_unref (a.result);

  g_assert_true (caps->known);
  g_assert_true (vireo_pool_caps_supports (caps, "dir"));
  g_assert_true (vireo_pool_caps_supports (caps, "fs"));
  dir = vireo_pool_caps_lookup (caps, "dir");
  g_assert_true (g_strv_contains ((const char * const *) dir->volume_formats, "qcow2"));
  g_assert_true (g_strv_contains ((const char * const *) dir->volume_formats, "raw"));

  /* libvirt offers them, this machine cannot run them: said, not skipped
   * in silence. */
  if (vireo_pool_caps_supports (caps, "logical"))
    g_test_message ("logical pools: libvirt supports them, but not tested here: "
                    "this kernel has no device-mapper, so LVM cannot activate a volume group");
  if (vireo_pool_caps_supports (caps, "netfs"))
    g_test_message ("netfs pools: libvirt supports them, but not tested here: "
                    "this kernel has no NFS client and there is no NFS server");
}

static void
test_pool_define (void)
{
  g_autoptr(VireoPoolConfig) config = vireo_pool_config_new ("dir");
  g_autofree char *dir = pool_dir ();
  g_autofree char *xml = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  VireoPoolInfo *info;

  vireo_pool_config_set_name (config, POOL);
  vireo_pool_config_set_target_path (config, dir);
  g_assert_true (vireo_pool_config_validate (config, NULL, &error));
  xml = vireo_pool_config_to_xml (config);

  /* Build makes the folder; start; the listing shows it running. */
  g_assert_false (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_false (pool_listed (POOL));
  name = define_pool (xml, TRUE, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, POOL);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  before = list_pools ();
  info = find_pool (before, POOL);
  g_assert_nonnull (info);
  g_assert_true (info->active);
  g_assert_false (info->autostart);
  g_assert_cmpstr (info->type, ==, "dir");
  g_assert_cmpstr (info->target_path, ==, dir);
  g_assert_cmpuint (info->available, >, 0);

  /* The same name again is refused on the name field; nothing changes. */
  {
    g_autoptr(VireoPoolConfig) again = vireo_pool_config_new ("dir");
    g_autofree char *other = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "other", NULL);
    g_autofree char *again_xml = NULL;
    g_autofree char *again_name = NULL;

    vireo_pool_config_set_name (again, POOL);
    vireo_pool_config_set_target_path (again, other);
    again_xml = vireo_pool_config_to_xml (again);
    again_name = define_pool (again_xml, TRUE, TRUE, &error);
    g_assert_null (again_name);
    g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_NAME);
    g_assert_nonnull (strstr (error->message, POOL));
    g_clear_error (&error);
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  }
  after = list_pools ();
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_cmpstr (find_pool (after, POOL)->target_path, ==, dir);
}

static void
test_volumes (void)
{
  g_autoptr(VireoVolumeInfo) thin = make_volume ("thin.qcow2", "qcow2", 64 * MiB, FALSE);
  g_autoptr(VireoVolumeInfo) full = make_volume ("full.raw", "raw", 8 * MiB, TRUE);
  g_autoptr(VireoVolumeInfo) sparse = make_volume ("sparse.raw", "raw", 64 * MiB, FALSE);
  g_autoptr(VireoVolumeInfo) overlay = NULL;
  g_autoptr(VireoVolumeInfo) clone = NULL;
  g_autoptr(GPtrArray) pools = NULL;
  g_autoptr(GError) error = NULL;
  VireoVolumeInfo *listed;

  g_assert_cmpstr (thin->format, ==, "qcow2");
  g_assert_cmpuint (thin->capacity, ==, 64 * MiB);
  g_assert_cmpstr (full->format, ==, "raw");
  /* Full: the blocks are on the disk; thin raw: a hole. */
  g_assert_cmpuint (file_blocks_bytes (full->path), >=, 8 * MiB);
  g_assert_cmpuint (file_blocks_bytes (sparse->path), <, 1 * MiB);
  {
    const char *argv[] = { "qemu-img", "info", "--output=json", thin->path, NULL };
    g_autofree char *out = run_tool (argv);
    g_assert_nonnull (strstr (out, "\"format\": \"qcow2\""));
    g_assert_nonnull (strstr (out, "\"virtual-size\": 67108864"));
  }

  /* A linked overlay on thin.qcow2. */
  {
    g_autoptr(VireoVolumeConfig) config = vireo_volume_config_new ("overlay.qcow2", "qcow2", 64 * MiB);

    vireo_volume_config_set_backing_store (config, thin->path, "qcow2");
    overlay = create_volume (POOL, config, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (overlay->backing_path, ==, thin->path);
    g_assert_cmpstr (overlay->backing_format, ==, "qcow2");
    {
      const char *argv[] = { "qemu-img", "info", "--output=json", overlay->path, NULL };
      g_autofree char *out = run_tool (argv);
      g_autofree char *want = g_strdup_printf ("\"backing-filename\": \"%s\"", thin->path);
      g_assert_nonnull (strstr (out, want));
    }
  }

  /* A clone of full.raw. */
  {
    g_autoptr(VireoVolumeConfig) config = vireo_volume_config_new ("clone.raw", "raw", 8 * MiB);

    clone = create_volume (POOL, config, "full.raw", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (clone->capacity, ==, 8 * MiB);
    g_assert_true (g_file_test (clone->path, G_FILE_TEST_IS_REGULAR));
  }

  /* Resize: bigger, seen through the listing and by qemu-img. */
  {
    VireoTestAsync a = { 0 };

    vireo_connection_resize_volume_async (conn, POOL, "thin.qcow2", 128 * MiB, FALSE, NULL, vireo_test_async_cb, &a);
    g_assert_true (vireo_connection_resize_volume_finish (conn, vireo_test_async_wait (&a, 60), &error));
    g_assert_no_error (error);
    g_object_unref (a.result);
  }
  /* Wipe. */
  {
    VireoTestAsync a = { 0 };

    vireo_connection_wipe_volume_async (conn, POOL, "clone.raw", NULL, vireo_test_async_cb, &a);
    g_assert_true (vireo_connection_wipe_volume_finish (conn, vireo_test_async_wait (&a, 60), &error));
    g_assert_no_error (error);
    g_object_unref (a.result);
  }
  pools = list_pools ();
  listed = find_volume (find_pool (pools, POOL), "thin.qcow2");
  g_assert_nonnull (listed);
  g_assert_cmpuint (listed->capacity, ==, 128 * MiB);
  g_assert_nonnull (listed->used_by);
  g_assert_cmpuint (listed->used_by->len, ==, 0);
  g_assert_cmpstr (find_volume (find_pool (pools, POOL), "overlay.qcow2")->backing_path, ==, thin->path);
}

static void
test_refusals (void)
{
  g_autoptr(GPtrArray) pools = list_pools ();
  VireoPoolInfo *pool = find_pool (pools, POOL);
  guint before = pool->volumes->len;
  g_autoptr(GError) error = NULL;

  /* An existing name, on the name field. */
  {
    g_autoptr(VireoVolumeConfig) config = vireo_volume_config_new ("thin.qcow2", "qcow2", 1 * MiB);
    g_autoptr(VireoVolumeInfo) info = create_volume (POOL, config, NULL, &error);

    g_assert_null (info);
    g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_NAME);
    g_assert_nonnull (strstr (error->message, "thin.qcow2"));
    g_clear_error (&error);
  }
  /* More than the free space, fully allocated, on the size field. */
  {
    g_autoptr(VireoVolumeConfig) config = vireo_volume_config_new ("huge.raw", "raw", pool->available + GiB);
    g_autoptr(VireoVolumeInfo) info = NULL;
    g_autofree char *path = in_pool ("huge.raw");

    vireo_volume_config_set_thin (config, FALSE);
    info = create_volume (POOL, config, NULL, &error);
    g_assert_null (info);
    g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_CAPACITY);
    g_assert_nonnull (strstr (error->message, "free"));
    g_clear_error (&error);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }
  g_assert_cmpuint (count_volumes (POOL), ==, before);
}

typedef struct
{
  VireoVolumeTransfer *transfer;
  guint                notifies;
  gboolean             cancel_on_progress;
} Watch;

static void
on_bytes_done (VireoVolumeTransfer *transfer,
               GParamSpec          *pspec,
               Watch               *w)
{
  w->notifies++;
  if (w->cancel_on_progress && vireo_volume_transfer_get_bytes_done (transfer) > 0)
    vireo_volume_transfer_cancel (transfer);
}

static gboolean
run_transfer (VireoVolumeTransferDirection   direction,
              const char                    *volume,
              const char                    *path,
              Watch                         *w,
              GError                       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  VireoTestAsync a = { 0 };
  gboolean ok;

  w->transfer = vireo_volume_transfer_new (conn, direction, POOL, volume, file);
  g_signal_connect (w->transfer, "notify::bytes-done", G_CALLBACK (on_bytes_done), w);
  vireo_volume_transfer_run_async (w->transfer, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_volume_transfer_get_running (w->transfer));
  ok = vireo_volume_transfer_run_finish (w->transfer, vireo_test_async_wait (&a, 120), error);
  g_assert_false (vireo_volume_transfer_get_running (w->transfer));
  g_object_unref (a.result);
  return ok;
}

static void
test_transfer (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("vireo-st-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (tmp, "in.img", NULL);
  g_autofree char *out = g_build_filename (tmp, "out.img", NULL);
  g_autofree char *cancelled = g_build_filename (tmp, "cancelled.img", NULL);
  g_autofree char *part = g_strconcat (cancelled, ".part", NULL);
  g_autofree guchar *data = g_malloc (6 * MiB);
  g_autofree char *sum_in = NULL;
  g_autofree char *sum_out = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoVolumeInfo) target = make_volume ("upload.raw", "raw", 6 * MiB, FALSE);
  g_autoptr(VireoVolumeInfo) big = make_volume ("big.raw", "raw", 256 * MiB, FALSE);

  for (gsize i = 0; i < 6 * MiB / 4; i++)
    ((guint32 *) data)[i] = g_rand_int (rand);
  g_file_set_contents (in, (const char *) data, 6 * MiB, &error);
  g_assert_no_error (error);
  sum_in = file_sha256 (in);

  /* Up, then down: the same bytes; progress reached the end. */
  {
    Watch w = { 0 };

    g_assert_true (run_transfer (VIREO_VOLUME_TRANSFER_UPLOAD, "upload.raw", in, &w, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (w.notifies, >, 0);
    g_assert_cmpuint (vireo_volume_transfer_get_bytes_total (w.transfer), ==, 6 * MiB);
    g_assert_cmpuint (vireo_volume_transfer_get_bytes_done (w.transfer), ==, 6 * MiB);
    g_assert_cmpfloat (vireo_volume_transfer_get_fraction (w.transfer), ==, 1.0);
    g_object_unref (w.transfer);
  }
  {
    g_autofree char *on_host = file_sha256 (target->path);
    g_assert_cmpstr (on_host, ==, sum_in);
  }
  {
    Watch w = { 0 };

    g_assert_true (run_transfer (VIREO_VOLUME_TRANSFER_DOWNLOAD, "upload.raw", out, &w, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (vireo_volume_transfer_get_bytes_total (w.transfer), ==, 6 * MiB);
    g_object_unref (w.transfer);
  }
  sum_out = file_sha256 (out);
  g_assert_cmpstr (sum_out, ==, sum_in);

  /* Cancelled at the first progress: 256 MiB cannot all have gone, since
   * the thread waits for the main thread within 4 MiB; no file is left. */
  {
    Watch w = { .cancel_on_progress = TRUE };

    g_assert_false (run_transfer (VIREO_VOLUME_TRANSFER_DOWNLOAD, "big.raw", cancelled, &w, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_cmpuint (vireo_volume_transfer_get_bytes_done (w.transfer), <, 256 * MiB);
    g_assert_false (g_file_test (cancelled, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
    g_object_unref (w.transfer);
  }
  /* The connection still works after an aborted stream. */
  g_assert_nonnull (find_volume (pool_now (POOL), "big.raw"));

  g_unlink (in);
  g_unlink (out);
  g_rmdir (tmp);
}

static void
test_in_use (void)
{
  g_autofree char *guest_xml = NULL;
  g_autofree char *disk_path = in_pool ("thin.qcow2");
  g_autofree char *disk = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  virConnectPtr raw;
  virDomainPtr dom;

  /* A machine made behind Vireo's back, as another client would. */
  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &guest_xml, NULL, &error);
  g_assert_no_error (error);
  disk = g_strdup_printf ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                          "<source file='%s'/><target dev='vda' bus='virtio'/></disk></devices>", disk_path);
  {
    g_autoptr(GString) s = g_string_new (guest_xml);
    GRegex *name = g_regex_new ("<name>[^<]*</name>", 0, 0, NULL);
    g_autofree char *renamed = NULL;

    g_string_replace (s, "</devices>", disk, 1);
    renamed = g_regex_replace_literal (name, s->str, -1, 0, "<name>" GUEST "</name>", 0, NULL);
    g_regex_unref (name);
    /* Its UUID would clash with other tests' copies of the same guest. */
    {
      GRegex *uuid = g_regex_new ("<uuid>[^<]*</uuid>", 0, 0, NULL);
      xml = g_regex_replace_literal (uuid, renamed, -1, 0, "", 0, NULL);
      g_regex_unref (uuid);
    }
  }
  raw = virConnectOpen (require_env ("VIREO_TEST_URI"));
  g_assert_nonnull (raw);
  dom = virDomainDefineXML (raw, xml);
  g_assert_nonnull (dom);

  {
    g_autoptr(GPtrArray) pools = list_pools ();
    VireoVolumeInfo *v = find_volume (find_pool (pools, POOL), "thin.qcow2");

    g_assert_cmpuint (v->used_by->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (v->used_by, 0), ==, GUEST);
  }
  g_assert_false (delete_volume (POOL, "thin.qcow2", FALSE, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_IN_USE);
  g_assert_nonnull (strstr (error->message, GUEST));
  g_clear_error (&error);
  g_assert_true (g_file_test (disk_path, G_FILE_TEST_EXISTS));

  /* Asked again, knowingly. (The overlay still points at it: qemu-img
   * would say so at the machine's start, not libvirt now.) */
  g_assert_true (delete_volume (POOL, "thin.qcow2", TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (disk_path, G_FILE_TEST_EXISTS));

  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (raw);

  /* A plain delete. */
  g_assert_true (delete_volume (POOL, "clone.raw", FALSE, &error));
  g_assert_no_error (error);
  g_assert_null (lookup_volume (pool_now (POOL), "clone.raw"));
}

static void
test_pool_lifecycle (void)
{
  g_autofree char *dir = pool_dir ();
  g_autoptr(GError) error = NULL;

  g_assert_true (pool_action (POOL, VIREO_POOL_ACTION_AUTOSTART_ON, &error));
  g_assert_true (pool_now (POOL)->autostart);
  g_assert_true (pool_action (POOL, VIREO_POOL_ACTION_AUTOSTART_OFF, &error));
  g_assert_false (pool_now (POOL)->autostart);

  /* A file copied in by hand appears after a refresh. */
  {
    g_autofree char *path = in_pool ("dropped.img");

    g_file_set_contents (path, "x", 1, &error);
    g_assert_no_error (error);
    g_assert_true (pool_action (POOL, VIREO_POOL_ACTION_REFRESH, &error));
    g_assert_no_error (error);
    g_assert_nonnull (find_volume (pool_now (POOL), "dropped.img"));
  }

  g_assert_true (pool_action (POOL, VIREO_POOL_ACTION_STOP, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) pools = list_pools ();
    g_assert_false (find_pool (pools, POOL)->active);
    g_assert_cmpuint (find_pool (pools, POOL)->volumes->len, ==, 0);
  }
  /* Stopping kept the data. */
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_true (pool_action (POOL, VIREO_POOL_ACTION_START, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_volumes (POOL), >, 3);

  /* With its volumes: the files, the folder and the definition go. */
  {
    VireoTestAsync a = { 0 };

    vireo_connection_delete_pool_async (conn, POOL, TRUE, NULL, vireo_test_async_cb, &a);
    g_assert_true (vireo_connection_delete_pool_finish (conn, vireo_test_async_wait (&a, 60), &error));
    g_assert_no_error (error);
    g_object_unref (a.result);
  }
  g_assert_false (pool_listed (POOL));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* An fs pool on a loop device, as the platform notes say works here. */
static void
test_fs_pool (void)
{
  g_autofree char *image = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "fs-pool.img", NULL);
  g_autofree char *mount = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "fs-pool", NULL);
  g_autofree char *device = NULL;
  g_autoptr(VireoPoolConfig) config = vireo_pool_config_new ("fs");
  g_autofree char *xml = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  /* ./vireo-dev test installs both (util-linux, e2fsprogs): missing, they
   * are a broken setup, not a platform that cannot run this. */
  if (g_find_program_in_path ("losetup") == NULL || g_find_program_in_path ("mkfs.ext4") == NULL)
    {
      g_test_fail_printf ("losetup or mkfs.ext4 is missing: install util-linux and e2fsprogs");
      return;
    }
  {
    const char *truncate_argv[] = { "truncate", "-s", "64M", image, NULL };
    const char *losetup_argv[] = { "losetup", "--find", "--show", image, NULL };
    g_free (run_tool (truncate_argv));
    device = g_strstrip (run_tool (losetup_argv));
  }
  {
    const char *mkfs_argv[] = { "mkfs.ext4", "-q", "-F", device, NULL };
    g_free (run_tool (mkfs_argv));
  }
  g_mkdir (mount, 0755);

  vireo_pool_config_set_name (config, FS_POOL);
  vireo_pool_config_set_source_devices (config, (const char *[]) { device, NULL });
  vireo_pool_config_set_format (config, "ext4");
  vireo_pool_config_set_target_path (config, mount);
  g_assert_true (vireo_pool_config_validate (config, NULL, &error));
  xml = vireo_pool_config_to_xml (config);
  name = define_pool (xml, FALSE, TRUE, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) pools = list_pools ();
    VireoPoolInfo *pool = find_pool (pools, FS_POOL);

    g_assert_true (pool->active);
    g_assert_cmpstr (pool->type, ==, "fs");
    /* The file system's size, not the host's. */
    g_assert_cmpuint (pool->capacity, <, 64 * MiB);
    g_assert_cmpuint (pool->capacity, >, 32 * MiB);
  }
  {
    g_autoptr(VireoVolumeConfig) vol = vireo_volume_config_new ("on-fs.qcow2", "qcow2", 16 * MiB);
    g_autoptr(VireoVolumeInfo) info = create_volume (FS_POOL, vol, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (info->path, mount));
  }
  {
    VireoTestAsync a = { 0 };

    vireo_connection_delete_pool_async (conn, FS_POOL, FALSE, NULL, vireo_test_async_cb, &a);
    g_assert_true (vireo_connection_delete_pool_finish (conn, vireo_test_async_wait (&a, 60), &error));
    g_assert_no_error (error);
    g_object_unref (a.result);
  }
  g_assert_false (pool_listed (FS_POOL));
  {
    const char *detach_argv[] = { "losetup", "-d", device, NULL };
    g_free (run_tool (detach_argv));
  }
  g_unlink (image);
}

static void
test_secrets (void)
{
  g_autofree char *xml = vireo_secret_xml ("iscsi", "vireo-st-chap", "CHAP for the test", TRUE);
  g_autoptr(GBytes) value = g_bytes_new_static ("s3cret", 6);
  g_autoptr(GBytes) other = g_bytes_new_static ("other", 5);
  g_autofree char *uuid = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };
  virConnectPtr raw;

  vireo_connection_define_secret_async (conn, xml, value, NULL, vireo_test_async_cb, &a);
  uuid = vireo_connection_define_secret_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_clear_object (&a.result);

  {
    g_autoptr(GPtrArray) secrets = NULL;
    gboolean found = FALSE;

    vireo_connection_list_secrets_async (conn, NULL, vireo_test_async_cb, &a);
    secrets = vireo_connection_list_secrets_finish (conn, vireo_test_async_wait (&a, 30), &error);
    g_assert_no_error (error);
    g_clear_object (&a.result);
    for (guint i = 0; i < secrets->len; i++)
      {
        VireoSecretInfo *s = g_ptr_array_index (secrets, i);
        if (g_strcmp0 (s->uuid, uuid) == 0)
          {
            found = TRUE;
            g_assert_cmpstr (s->usage_type, ==, "iscsi");
            g_assert_cmpstr (s->usage_id, ==, "vireo-st-chap");
            g_assert_cmpstr (s->description, ==, "CHAP for the test");
            g_assert_true (s->private_);
          }
      }
    g_assert_true (found);
  }

  vireo_connection_set_secret_value_async (conn, uuid, other, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_connection_set_secret_value_finish (conn, vireo_test_async_wait (&a, 30), &error));
  g_assert_no_error (error);
  g_clear_object (&a.result);

  /* Private: libvirt keeps the value from clients; that it is set shows
   * in the daemon refusing to read it rather than having none. */
  raw = virConnectOpen (require_env ("VIREO_TEST_URI"));
  {
    virSecretPtr secret = virSecretLookupByUUIDString (raw, uuid);
    g_assert_nonnull (secret);
    virSecretFree (secret);
  }

  vireo_connection_undefine_secret_async (conn, uuid, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_connection_undefine_secret_finish (conn, vireo_test_async_wait (&a, 30), &error));
  g_assert_no_error (error);
  g_clear_object (&a.result);
  g_assert_null (virSecretLookupByUUIDString (raw, uuid));
  virResetLastError ();
  virConnectClose (raw);
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

  /* In this order: each step works on what the one before made. */
  g_test_add_func ("/storage-integration/1-caps", test_caps);
  g_test_add_func ("/storage-integration/2-pool-define", test_pool_define);
  g_test_add_func ("/storage-integration/3-volumes", test_volumes);
  g_test_add_func ("/storage-integration/4-refusals", test_refusals);
  g_test_add_func ("/storage-integration/5-transfer", test_transfer);
  g_test_add_func ("/storage-integration/6-in-use", test_in_use);
  g_test_add_func ("/storage-integration/7-pool-lifecycle", test_pool_lifecycle);
  g_test_add_func ("/storage-integration/8-fs-pool", test_fs_pool);
  g_test_add_func ("/storage-integration/9-secrets", test_secrets);

  ret = g_test_run ();
  g_clear_pointer (&last_listing, g_ptr_array_unref);
  g_clear_object (&conn);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
