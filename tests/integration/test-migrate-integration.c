/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Migration of real TCG guests from the private libvirtd of
 * vireo-testenv.sh to the peer of vireo-testenv-peer.sh (another host as
 * far as libvirt can tell: its own network namespace, hostname, host UUID
 * and files), through VireoMigrateJob, held against what both daemons
 * and the files say.
 *
 * The guests boot a sector that fills their memory with a pattern (as in
 * test-save-integration.c), so a migration limited to a few MiB/s takes
 * seconds and can be watched, cancelled and switched to post-copy.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-domain-config.h"
#include "vireo-migrate-job.h"
#include "vireo-test-fill.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define GUEST_MIB 256

static VireoConnection *conn;   /* the primary */
static VireoConnection *peer;
static virConnectPtr direct;
static virConnectPtr peer_direct;

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through vireo-testenv.sh run -- vireo-testenv-peer.sh run", name);
  return value;
}

/* Where the disk of @name lies: the same path on both hosts, different
 * files (the peer binds its own folder over it). */
static char *
image_path (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".img", NULL);
  return g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), file, NULL);
}

static char *
peer_image_path (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".img", NULL);
  return g_build_filename (require_env ("VIREO_TEST_PEER_IMAGE_DIR"), file, NULL);
}

typedef struct
{
  VireoConnection *connection;
  const char      *name;
} Listed;

static gboolean
is_listed (gpointer data)
{
  Listed *l = data;
  return vireo_test_find_domain (l->connection, l->name) != NULL;
}

static gboolean
is_unlisted (gpointer data)
{
  return !is_listed (data);
}

static char *
guest_xml (const char *name)
{
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *image = image_path (name);
  g_autofree char *disk = g_strdup_printf ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                                           "<source file='%s'/><target dev='hda' bus='ide'/></disk>", image);

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, name);
  vireo_domain_config_set_memory_kib (config, (guint64) GUEST_MIB * 1024, (guint64) GUEST_MIB * 1024);
  g_assert_nonnull (vireo_domain_config_add_device (config, disk, &error));
  g_assert_no_error (error);
  return vireo_domain_config_to_xml (config);
}

/* A guest on the primary, running with its memory filled when @run. */
static VireoDomain *
define_guest (const char *name,
              gboolean    run)
{
  g_autofree char *image = image_path (name);
  g_autofree char *xml = NULL;
  Listed l = { conn, name };
  virDomainPtr dom;

  vireo_test_write_fill_image (image, GUEST_MIB);
  xml = guest_xml (name);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  if (run)
    g_assert_cmpint (virDomainCreate (dom), ==, 0);
  virDomainFree (dom);
  vireo_test_wait_for (is_listed, &l, 10, "the guest to be listed");
  if (run)
    /* The filling takes well under a second of TCG time; a migration
     * before it ends moves fewer pages, which changes nothing asserted. */
    g_usleep (G_USEC_PER_SEC);
  return g_object_ref (vireo_test_find_domain (conn, name));
}

static void
remove_everywhere (const char *name)
{
  virConnectPtr conns[] = { direct, peer_direct };
  VireoConnection *vconns[] = { conn, peer };

  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    {
      virDomainPtr dom = virDomainLookupByName (conns[i], name);
      Listed l = { vconns[i], name };

      virResetLastError ();
      if (dom == NULL)
        continue;
      if (virDomainIsActive (dom) == 1)
        virDomainDestroy (dom);
      virDomainUndefine (dom);
      virDomainFree (dom);
      vireo_test_wait_for (is_unlisted, &l, 10, "the guest to go");
    }
}

/* libvirt's state of @name on @c: -1 when it has no such machine. */
static int
state_on (virConnectPtr  c,
          const char    *name)
{
  virDomainPtr dom = virDomainLookupByName (c, name);
  int state = -1, reason = 0;

  virResetLastError ();
  if (dom == NULL)
    return -1;
  g_assert_cmpint (virDomainGetState (dom, &state, &reason, 0), ==, 0);
  virDomainFree (dom);
  return state;
}

static char *
checksum_of (const char *path)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

/* ------------------------------------------------------------------------ */
/* Running a job                                                             */

typedef struct
{
  GPtrArray *readings;   /* VireoMigrateProgress * */
  gboolean   postcopy_asked;
  gboolean   cancel_on_first;
  gboolean   postcopy_on_first;
  gboolean   postcopy_done;
  GError    *postcopy_error;
} Watch;

static void
on_postcopy (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Watch *w = data;

  w->postcopy_done = vireo_migrate_job_start_postcopy_finish (VIREO_MIGRATE_JOB (source), result,
                                                              &w->postcopy_error);
}

static void
on_progress (VireoMigrateJob *job,
             GParamSpec      *pspec,
             Watch           *w)
{
  const VireoMigrateProgress *p = vireo_migrate_job_get_progress (job);

  if (p == NULL)
    return;
  g_test_message ("progress: phase %d, data %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                  " remaining %" G_GUINT64_FORMAT ", memory %" G_GUINT64_FORMAT " B/s, disk %" G_GUINT64_FORMAT
                  "/%" G_GUINT64_FORMAT ", downtime %" G_GUINT64_FORMAT " ms, iteration %" G_GUINT64_FORMAT,
                  p->phase, p->data_processed, p->data_total, p->data_remaining, p->memory_bps,
                  p->disk_processed, p->disk_total, p->expected_downtime_ms, p->memory_iteration);
  g_ptr_array_add (w->readings, vireo_migrate_progress_copy (p));
  if (p->data_total == 0 || p->phase != VIREO_MIGRATE_PHASE_MEMORY)
    return;
  if (w->cancel_on_first)
    {
      w->cancel_on_first = FALSE;
      vireo_migrate_job_cancel (job);
    }
  if (w->postcopy_on_first && !w->postcopy_asked)
    {
      w->postcopy_asked = TRUE;
      vireo_migrate_job_start_postcopy_async (job, NULL, on_postcopy, w);
    }
}

static gboolean
run_job (VireoDomain               *domain,
         const VireoMigrateOptions *options,
         Watch                     *w,
         VireoMigrateJob          **job_out,
         GError                   **error)
{
  g_autoptr(VireoMigrateJob) job = vireo_migrate_job_new (domain, peer, options);
  VireoTestAsync a = { 0 };
  gboolean ok;

  g_assert_true (vireo_migrate_job_get_monitored (job));
  w->readings = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_migrate_progress_free);
  g_signal_connect (job, "notify::progress", G_CALLBACK (on_progress), w);
  vireo_migrate_job_run_async (job, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_migrate_job_get_running (job));
  ok = vireo_migrate_job_run_finish (job, vireo_test_async_wait (&a, 120), error);
  g_clear_object (&a.result);
  g_assert_false (vireo_migrate_job_get_running (job));
  g_signal_handlers_disconnect_by_data (job, w);
  if (job_out != NULL)
    *job_out = g_steal_pointer (&job);
  return ok;
}

static void
watch_clear (Watch *w)
{
  g_clear_pointer (&w->readings, g_ptr_array_unref);
  g_clear_error (&w->postcopy_error);
}

static VireoMigrateOptions *
copy_options (void)
{
  VireoMigrateOptions *o = vireo_migrate_options_new ();

  o->storage = VIREO_MIGRATE_STORAGE_COPY_ALL;
  o->bandwidth_mib_s = 32;
  return o;
}

/* ------------------------------------------------------------------------ */

/* (a)+(b) A live move with its disk copied: running on the peer, gone from
 * the primary, the image the same bytes there; progress seen on the way. */
static void
test_live_copy (void)
{
  const char *name = "vireo-mig-live";
  g_autoptr(VireoDomain) domain = define_guest (name, TRUE);
  g_autoptr(VireoMigrateOptions) o = copy_options ();
  g_autoptr(VireoMigrateJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image = image_path (name);
  g_autofree char *sum = checksum_of (image);
  g_autofree char *peer_image = peer_image_path (name);
  g_autofree char *peer_sum = NULL;
  Listed on_peer = { peer, name };
  Listed on_primary = { conn, name };
  Watch w = { 0 };
  gboolean sized = FALSE;

  o->max_downtime_ms = 500;
  g_assert_false (g_file_test (peer_image, G_FILE_TEST_EXISTS));
  g_assert_true (run_job (domain, o, &w, &job, &error));
  g_assert_no_error (error);

  g_assert_cmpint (state_on (peer_direct, name), ==, VIR_DOMAIN_RUNNING);
  g_assert_cmpint (state_on (direct, name), ==, -1);
  vireo_test_wait_for (is_listed, &on_peer, 10, "the guest in the peer's list");
  vireo_test_wait_for (is_unlisted, &on_primary, 10, "the guest gone from the primary's list");
  g_assert_cmpstr (vireo_migrate_job_get_dest_name (job), ==, name);
  g_assert_cmpstr (vireo_migrate_job_get_dest_uuid (job), ==, vireo_domain_get_uuid (domain));
  g_assert_cmpint (vireo_migrate_job_get_phase (job), ==, VIREO_MIGRATE_PHASE_COMPLETED);
  g_assert_cmpfloat (vireo_migrate_job_get_fraction (job), ==, 1.0);

  /* The guest only ever reads its disk: the copy is the same bytes. */
  peer_sum = checksum_of (peer_image);
  g_assert_cmpstr (peer_sum, ==, sum);

  g_assert_cmpuint (w.readings->len, >, 0);
  for (guint i = 0; i < w.readings->len; i++)
    {
      VireoMigrateProgress *p = g_ptr_array_index (w.readings, i);

      g_assert_cmpfloat (p->fraction, >=, 0.0);
      g_assert_cmpfloat (p->fraction, <=, 1.0);
      if (p->phase == VIREO_MIGRATE_PHASE_MEMORY || p->phase == VIREO_MIGRATE_PHASE_STORAGE)
        sized |= p->data_total > 0 && p->memory_total >= (guint64) (GUEST_MIB - 16) * 1024 * 1024;
    }
  g_assert_true (sized);
  watch_clear (&w);
  remove_everywhere (name);
}

/* (c) Cancelled once it runs: still running on the primary, nothing on
 * the peer, not even the copied disk's image. */
static void
test_cancel (void)
{
  const char *name = "vireo-mig-cancel";
  g_autoptr(VireoDomain) domain = define_guest (name, TRUE);
  g_autoptr(VireoMigrateOptions) o = copy_options ();
  g_autoptr(VireoMigrateJob) job = NULL;
  g_autoptr(GError) error = NULL;
  Watch w = { .cancel_on_first = TRUE };

  o->bandwidth_mib_s = 8;
  g_assert_false (run_job (domain, o, &w, &job, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (w.cancel_on_first);
  g_assert_cmpint (vireo_migrate_job_get_phase (job), ==, VIREO_MIGRATE_PHASE_CANCELLED);
  g_assert_cmpint (state_on (direct, name), ==, VIR_DOMAIN_RUNNING);
  g_assert_cmpint (state_on (peer_direct, name), ==, -1);
  watch_clear (&w);
  remove_everywhere (name);
}

/* (d) Switched to post-copy on the first reading: it completes on the peer. */
static void
test_postcopy (void)
{
  const char *name = "vireo-mig-postcopy";
  g_autoptr(VireoDomain) domain = define_guest (name, TRUE);
  g_autoptr(VireoMigrateOptions) o = copy_options ();
  g_autoptr(VireoMigrateJob) job = NULL;
  g_autoptr(GError) error = NULL;
  Watch w = { .postcopy_on_first = TRUE };

  o->postcopy = TRUE;
  o->bandwidth_mib_s = 8;
  g_assert_true (run_job (domain, o, &w, &job, &error));
  g_assert_no_error (error);
  g_assert_true (w.postcopy_asked);
  /* Its answer may come after the run's own: wait for it. */
  while (!w.postcopy_done && w.postcopy_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w.postcopy_error);
  g_assert_true (vireo_migrate_job_get_postcopy_active (job));
  g_assert_cmpint (state_on (peer_direct, name), ==, VIR_DOMAIN_RUNNING);
  g_assert_cmpint (state_on (direct, name), ==, -1);
  watch_clear (&w);
  remove_everywhere (name);
}

/* (e) A machine of that name, another UUID, on the peer: NAME_TAKEN in
 * libvirt 9.0's words, and the guest still running on the primary. */
static void
test_name_taken (void)
{
  const char *name = "vireo-mig-taken";
  g_autoptr(VireoDomain) domain = define_guest (name, TRUE);
  g_autoptr(VireoMigrateOptions) o = copy_options ();
  g_autoptr(GError) error = NULL;
  /* No <uuid>: libvirt gives it a new one. */
  g_autofree char *other = guest_xml (name);
  virDomainPtr dom;
  Watch w = { 0 };

  dom = virDomainDefineXML (peer_direct, other);
  g_assert_nonnull (dom);
  virDomainFree (dom);
  g_assert_false (run_job (domain, o, &w, NULL, &error));
  g_assert_error (error, VIREO_MIGRATE_ERROR, VIREO_MIGRATE_ERROR_NAME_TAKEN);
  g_test_message ("name taken: %s", error->message);
  g_assert_nonnull (strstr (error->message, "already exists with uuid"));
  g_assert_cmpint (state_on (direct, name), ==, VIR_DOMAIN_RUNNING);
  g_assert_cmpint (state_on (peer_direct, name), ==, VIR_DOMAIN_SHUTOFF);
  watch_clear (&w);
  remove_everywhere (name);
}

/* (e) Shared storage the peer does not have: refused as unsafe; allowed,
 * the peer cannot find the image. Running on the primary both times. */
static void
test_storage (void)
{
  const char *name = "vireo-mig-storage";
  g_autoptr(VireoDomain) domain = define_guest (name, TRUE);
  g_autoptr(VireoMigrateOptions) o = vireo_migrate_options_new ();
  g_autoptr(GError) error = NULL;
  Watch w = { 0 };

  g_assert_false (run_job (domain, o, &w, NULL, &error));
  g_assert_error (error, VIREO_MIGRATE_ERROR, VIREO_MIGRATE_ERROR_UNSAFE);
  g_test_message ("unsafe: %s", error->message);
  g_assert_nonnull (strstr (error->message, "Migration without shared storage is unsafe"));
  g_assert_cmpint (state_on (direct, name), ==, VIR_DOMAIN_RUNNING);
  watch_clear (&w);
  g_clear_error (&error);

  o->allow_unsafe = TRUE;
  g_assert_false (run_job (domain, o, &w, NULL, &error));
  g_assert_error (error, VIREO_MIGRATE_ERROR, VIREO_MIGRATE_ERROR_STORAGE_MISSING);
  g_test_message ("storage missing: %s", error->message);
  g_assert_nonnull (strstr (error->message, "No such file or directory"));
  g_assert_cmpint (state_on (direct, name), ==, VIR_DOMAIN_RUNNING);
  g_assert_cmpint (state_on (peer_direct, name), ==, -1);
  watch_clear (&w);
  remove_everywhere (name);
}

/* Offline: a shut-off machine's definition moves, peer to peer. */
static void
test_offline (void)
{
  const char *name = "vireo-mig-offline";
  g_autoptr(VireoDomain) domain = define_guest (name, FALSE);
  g_autoptr(VireoMigrateOptions) o = vireo_migrate_options_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *peer_image = peer_image_path (name);
  Watch w = { 0 };

  o->mode = VIREO_MIGRATE_MODE_OFFLINE;
  o->transport = VIREO_MIGRATE_TRANSPORT_PEER_TO_PEER;
  o->dest_uri = g_strdup (require_env ("VIREO_TEST_PEER_URI"));
  g_assert_true (run_job (domain, o, &w, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_on (peer_direct, name), ==, VIR_DOMAIN_SHUTOFF);
  g_assert_cmpint (state_on (direct, name), ==, -1);
  /* The definition only. */
  g_assert_false (g_file_test (peer_image, G_FILE_TEST_EXISTS));
  watch_clear (&w);
  remove_everywhere (name);
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
  peer = vireo_test_open_connection (require_env ("VIREO_TEST_PEER_URI"), 0);
  direct = virConnectOpen (require_env ("VIREO_TEST_URI"));
  g_assert_nonnull (direct);
  peer_direct = virConnectOpen (require_env ("VIREO_TEST_PEER_URI"));
  g_assert_nonnull (peer_direct);

  g_test_add_func ("/integration/migrate/live-copy", test_live_copy);
  g_test_add_func ("/integration/migrate/cancel", test_cancel);
  g_test_add_func ("/integration/migrate/postcopy", test_postcopy);
  g_test_add_func ("/integration/migrate/name-taken", test_name_taken);
  g_test_add_func ("/integration/migrate/storage", test_storage);
  g_test_add_func ("/integration/migrate/offline", test_offline);

  ret = g_test_run ();
  vireo_connection_close (conn);
  vireo_connection_close (peer);
  g_object_unref (conn);
  g_object_unref (peer);
  virConnectClose (direct);
  virConnectClose (peer_direct);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
