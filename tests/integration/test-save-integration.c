/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Save and restore of real TCG guests on the private libvirtd of
 * vireo-testenv.sh, through Vireo's worker calls, held against what
 * libvirt and the files say.
 *
 * The environment's 96 MiB guest saves in a quarter of a second: its
 * memory is zero pages, which QEMU skips. Too fast to watch progress or
 * to cancel, so the main guest here has 2 GiB, filled by its own boot
 * sector (a few instructions that enter protected mode and write a
 * pattern over all of its memory, then say so on COM2): its saves write
 * 2 GiB and take seconds. The environment's guest, renamed, serves where
 * speed does not matter (flags, managed save, no agent).
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-domain-config.h"
#include "vireo-test-fill.h"
#include "vireo-test-save.h"
#include "vireo-worker.h"

#define GUEST       "vireo-it-save"
#define SMALL_GUEST "vireo-it-save-small"
#define GUEST_MIB   2048

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
in_dir (const char *name)
{
  g_autofree char *dir = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "save", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return g_build_filename (dir, name, NULL);
}

/* ------------------------------------------------------------------------ */
/* The filling guest                                                         */

static gboolean
is_listed (gpointer data)
{
  return vireo_test_find_domain (conn, data) != NULL;
}

/* The environment's guest renamed; with @memory_mib, a disk that boots
 * the filling sector, COM2 into @serial_log and a guest agent channel
 * (with no agent behind it). */
static VireoDomain *
define_guest (const char *name,
              guint       memory_mib,
              const char *serial_log)
{
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  virDomainPtr dom;

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, name);
  if (memory_mib > 0)
    {
      g_autofree char *image = in_dir ("fill.img");
      g_autofree char *disk = g_strdup_printf ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                                               "<source file='%s'/><target dev='hda' bus='ide'/></disk>", image);
      g_autofree char *serial = g_strdup_printf ("<serial type='file'><source path='%s'/>"
                                                 "<target port='1'/></serial>", serial_log);

      vireo_test_write_fill_image (image, memory_mib);
      vireo_domain_config_set_memory_kib (config, (guint64) memory_mib * 1024, (guint64) memory_mib * 1024);
      g_assert_nonnull (vireo_domain_config_add_device (config, disk, &error));
      g_assert_no_error (error);
      g_assert_nonnull (vireo_domain_config_add_device (config, serial, &error));
      g_assert_no_error (error);
      g_assert_nonnull (vireo_domain_config_add_device (config,
                                                        "<channel type='unix'><target type='virtio' "
                                                        "name='org.qemu.guest_agent.0'/></channel>", &error));
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

static gboolean
is_unlisted (gpointer data)
{
  return !is_listed (data);
}

/* Gone from Vireo's list too, so that a guest defined again under the
 * name is never the old listing. */
static void
remove_guest (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (direct, name);

  g_assert_nonnull (dom);
  if (virDomainIsActive (dom) == 1)
    g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE), ==, 0);
  virDomainFree (dom);
  vireo_test_wait_for (is_unlisted, (gpointer) name, 10, "the guest to go");
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

/* libvirt's own state and reason, not Vireo's. */
static void
assert_libvirt_state (const char *name,
                      int         want_state,
                      int         want_reason)
{
  virDomainPtr dom = virDomainLookupByName (direct, name);
  int state = -1, reason = -1;

  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainGetState (dom, &state, &reason, 0), ==, 0);
  virDomainFree (dom);
  g_assert_cmpint (state, ==, want_state);
  g_assert_cmpint (reason, ==, want_reason);
}

static void
start_guest (VireoDomain *domain)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_test_domain_action (domain, VIREO_DOMAIN_ACTION_START, &error));
  g_assert_no_error (error);
  wait_state (domain, VIREO_DOMAIN_STATE_RUNNING);
}

static gboolean
log_says_filled (gpointer data)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (data, &text, NULL, NULL) && strstr (text, FILLED) != NULL;
}

static char *
file_head (const char *path,
           gsize       n)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL) || len < n)
    return NULL;
  return g_strndup (data, n);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

static void
assert_progress_sane (VireoTestProgress *p)
{
  for (guint i = 0; i < p->values->len; i++)
    {
      g_assert_cmpfloat (vireo_test_progress_at (p, i), >=, 0.0);
      g_assert_cmpfloat (vireo_test_progress_at (p, i), <=, 1.0);
      if (i > 0)
        g_assert_cmpfloat (vireo_test_progress_at (p, i), >, vireo_test_progress_at (p, i - 1));
    }
}

/* ------------------------------------------------------------------------ */

static VireoDomain *guest;   /* the filled 2 GiB one, shared by the tests */

/* Boot it and wait until its memory is filled. */
static void
test_fill (void)
{
  g_autofree char *log = in_dir ("serial.log");
  gint64 start;

  guest = define_guest (GUEST, GUEST_MIB, log);
  start = g_get_monotonic_time ();
  start_guest (guest);
  vireo_test_wait_for (log_says_filled, log, 240, "the guest to fill its memory");
  g_test_message ("%d MiB filled in %.1f s", GUEST_MIB, (g_get_monotonic_time () - start) / 1e6);
}

/* Save into a file with progress: the guest is shut off, the file holds
 * its 2 GiB; restore brings it back running. */
static void
test_save_restore (void)
{
  g_autofree char *path = in_dir ("guest.save");
  g_autoptr(VireoSaveJob) job = vireo_save_job_new (guest, path, VIREO_RESTORE_AS_SAVED);
  g_autoptr(GError) error = NULL;
  g_autofree char *values = NULL;
  g_autofree char *head = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *uuid = NULL;
  VireoTestProgress progress = { 0 };
  guint64 total;
  gint64 start;

  g_assert_true (vireo_save_job_get_monitored (job));
  vireo_test_progress_watch (&progress, job);
  start = g_get_monotonic_time ();
  g_assert_true (vireo_test_save (job, NULL, &error));
  g_assert_no_error (error);
  values = vireo_test_progress_string (&progress);
  g_test_message ("save of %d MiB: %.1f s, progress seen: %s; %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes",
                  GUEST_MIB, (g_get_monotonic_time () - start) / 1e6, values,
                  vireo_save_job_get_bytes_done (job), vireo_save_job_get_bytes_total (job));

  /* Whatever libvirt reported on the way, growing, then the final 1. */
  g_assert_cmpuint (progress.values->len, >=, 1);
  assert_progress_sane (&progress);
  g_assert_cmpfloat (vireo_test_progress_at (&progress, progress.values->len - 1), ==, 1.0);
  /* QEMU's figures: the guest's RAM. */
  total = vireo_save_job_get_bytes_total (job);
  g_assert_cmpuint (total, >=, (guint64) GUEST_MIB * 1024 * 1024);
  g_assert_cmpuint (total, <, (guint64) (GUEST_MIB + 64) * 1024 * 1024);
  g_assert_cmpuint (vireo_save_job_get_bytes_done (job), ==, total);
  vireo_test_progress_unwatch (&progress, job);

  wait_state (guest, VIREO_DOMAIN_STATE_SHUTOFF);
  assert_libvirt_state (GUEST, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED);
  /* A complete image, with the filled memory in it. */
  head = file_head (path, 16);
  g_assert_cmpstr (head, ==, "LibvirtQemudSave");
  g_assert_cmpuint (file_size (path), >, (guint64) (GUEST_MIB - 64) * 1024 * 1024);

  xml = vireo_test_read_save_image (conn, path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (xml, "<name>" GUEST "</name>"));

  start = g_get_monotonic_time ();
  uuid = vireo_test_restore (conn, path, VIREO_RESTORE_AS_SAVED, &error);
  g_assert_no_error (error);
  g_test_message ("restore: %.1f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpstr (uuid, ==, vireo_domain_get_uuid (guest));
  wait_state (guest, VIREO_DOMAIN_STATE_RUNNING);
  assert_libvirt_state (GUEST, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_RESTORED);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

typedef struct
{
  VireoSaveJob *job;
  guint         cancels;
} CancelOnTotal;

static void
cancel_on_total (VireoSaveJob  *job,
                 GParamSpec    *pspec,
                 CancelOnTotal *c)
{
  if (vireo_save_job_get_bytes_total (job) > 0 && c->cancels++ == 0)
    vireo_save_job_cancel (job);
}

/* Cancelled once the poller saw libvirt's job: the abort reaches the save
 * while it writes, no file is left, and the guest runs on. */
static void
cancel_mid_save (const char *path)
{
  g_autoptr(VireoSaveJob) job = vireo_save_job_new (guest, path, VIREO_RESTORE_AS_SAVED);
  g_autoptr(GError) error = NULL;
  CancelOnTotal c = { job, 0 };
  gulong handler;

  handler = g_signal_connect (job, "notify::bytes-total", G_CALLBACK (cancel_on_total), &c);
  g_assert_false (vireo_test_save (job, NULL, &error));
  g_clear_signal_handler (&handler, job);
  if (error == NULL || c.cancels == 0)
    g_error ("The %d MiB save ended before it could be cancelled (%s): give the guest more memory",
             GUEST_MIB, error != NULL ? error->message : "it succeeded");
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (vireo_save_job_get_progress (job), <, 1.0);
  g_assert_false (vireo_save_job_get_running (job));

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  assert_libvirt_state (GUEST, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_SAVE_CANCELED);
  /* libvirt paused it for the save; the resume's event may come after
   * the run's answer. */
  wait_state (guest, VIREO_DOMAIN_STATE_RUNNING);
}

static void
test_cancel (void)
{
  g_autofree char *path = in_dir ("cancelled.save");
  g_autofree char *taken = in_dir ("taken.save");

  cancel_mid_save (path);

  /* Over an existing file libvirt 9.0 leaves its incomplete image behind;
   * on a local connection Vireo removes it. */
  g_assert_true (g_file_set_contents (taken, "an older file\n", -1, NULL));
  cancel_mid_save (taken);
}

/* Flags that reach QEMU: saved to come back paused, restored as saved;
 * saved as is, restored running. */
static void
test_restore_states (void)
{
  g_autofree char *path = in_dir ("small.save");
  VireoDomain *small = define_guest (SMALL_GUEST, 0, NULL);
  g_autoptr(VireoSaveJob) paused = vireo_save_job_new (small, path, VIREO_RESTORE_PAUSED);
  g_autoptr(VireoSaveJob) as_is = vireo_save_job_new (small, path, VIREO_RESTORE_AS_SAVED);
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *again = NULL;

  start_guest (small);
  g_assert_true (vireo_test_save (paused, NULL, &error));
  g_assert_no_error (error);
  wait_state (small, VIREO_DOMAIN_STATE_SHUTOFF);
  uuid = vireo_test_restore (conn, path, VIREO_RESTORE_AS_SAVED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uuid, ==, vireo_domain_get_uuid (small));
  wait_state (small, VIREO_DOMAIN_STATE_PAUSED);

  /* Saved paused, as is; restored running whatever the file says. The
   * existing file is replaced. */
  g_assert_true (vireo_test_save (as_is, NULL, &error));
  g_assert_no_error (error);
  wait_state (small, VIREO_DOMAIN_STATE_SHUTOFF);
  again = vireo_test_restore (conn, path, VIREO_RESTORE_RUNNING, &error);
  g_assert_no_error (error);
  wait_state (small, VIREO_DOMAIN_STATE_RUNNING);

  /* Over the running machine it holds: libvirt's refusal. */
  g_clear_pointer (&again, g_free);
  again = vireo_test_restore (conn, path, VIREO_RESTORE_AS_SAVED, &error);
  g_assert_null (again);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_test_message ("restore over the running machine: %s", error->message);
  g_clear_error (&error);

  remove_guest (SMALL_GUEST);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

/* Managed save: the image is there, Remove Saved State deletes it and the
 * next Run boots afresh; otherwise Run restores from it and it is gone. */
static void
test_managed_save (void)
{
  VireoDomain *small = define_guest (SMALL_GUEST, 0, NULL);
  g_autoptr(GError) error = NULL;

  start_guest (small);
  g_assert_false (vireo_test_has_managed_save (small, &error));
  g_assert_no_error (error);

  g_assert_true (vireo_test_domain_action (small, VIREO_DOMAIN_ACTION_MANAGED_SAVE, &error));
  g_assert_no_error (error);
  wait_state (small, VIREO_DOMAIN_STATE_SHUTOFF);
  assert_libvirt_state (SMALL_GUEST, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED);
  g_assert_true (vireo_test_has_managed_save (small, &error));
  g_assert_no_error (error);

  g_assert_true (vireo_test_remove_managed_save (small, &error));
  g_assert_no_error (error);
  g_assert_false (vireo_test_has_managed_save (small, &error));
  g_assert_no_error (error);
  start_guest (small);
  assert_libvirt_state (SMALL_GUEST, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);

  g_assert_true (vireo_test_domain_action (small, VIREO_DOMAIN_ACTION_MANAGED_SAVE, &error));
  g_assert_no_error (error);
  wait_state (small, VIREO_DOMAIN_STATE_SHUTOFF);
  start_guest (small);
  assert_libvirt_state (SMALL_GUEST, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_RESTORED);
  g_assert_false (vireo_test_has_managed_save (small, &error));
  g_assert_no_error (error);

  remove_guest (SMALL_GUEST);
}

/* Neither guest has an agent running: one has no channel for it, the
 * other has one with nothing behind it. Both are NO_AGENT, with libvirt's
 * words. */
static void
test_sync_clock (void)
{
  VireoDomain *small = define_guest (SMALL_GUEST, 0, NULL);
  g_autoptr(GError) error = NULL;

  start_guest (small);
  g_assert_false (vireo_test_sync_clock (small, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_AGENT);
  g_test_message ("without a channel: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Could not set the guest's clock: "));
  g_assert_nonnull (strstr (error->message, "not configured"));
  g_clear_error (&error);
  remove_guest (SMALL_GUEST);

  g_assert_false (vireo_test_sync_clock (guest, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_AGENT);
  g_test_message ("with a channel and no agent: %s", error->message);
  g_assert_nonnull (strstr (error->message, "not connected"));
  g_clear_error (&error);
}

/* ------------------------------------------------------------------------ */
/* A link that dies during a save                                            */

/* Runs `vireo-testenv.sh VERB STATE ARGS…` and returns its stdout. */
static char *
testenv (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *) require_env ("VIREO_TESTENV"));
  g_ptr_array_add (argv, (char *) args[0]);
  g_ptr_array_add (argv, (char *) require_env ("VIREO_TEST_STATE"));
  for (guint i = 1; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

static gboolean
is_listed_on (gpointer data)
{
  return vireo_connection_find_domain (data, vireo_domain_get_uuid (guest)) != NULL;
}

static gboolean
is_disconnected (gpointer data)
{
  return vireo_connection_get_state (data) == VIREO_CONNECTION_STATE_DISCONNECTED;
}

/* The daemon has begun the save (asked on the unix socket, not the relay). */
static gboolean
save_under_way (gpointer data)
{
  virDomainPtr dom = virDomainLookupByName (direct, GUEST);
  virDomainJobInfo info = { 0 };
  gboolean yes;

  g_assert_nonnull (dom);
  yes = virDomainGetJobInfo (dom, &info) == 0 && info.type != VIR_DOMAIN_JOB_NONE && info.dataProcessed > 0;
  virDomainFree (dom);
  return yes;
}

/* Over qemu+tcp through a relay that stops passing bytes once the save is
 * under way, and Cancel pressed on the stuck save: the run ends with the
 * lost link's error, the connection shows as lost. With a progress query
 * in flight beside the save (as on a local connection) it would hang for
 * good: a remote save is not monitored. */
static void
test_dead_link (void)
{
  g_autofree char *path = in_dir ("dead-link.save");
  g_autofree char *out = testenv ((const char *[]) { "relay", "tcp", "0", NULL });
  g_autofree char *uri = NULL;
  g_autoptr(VireoConnection) remote = NULL;
  g_autoptr(VireoSaveJob) job = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };
  VireoTestProgress progress = { 0 };
  guint port = 0, pid = 0;
  char relay[16];
  double elapsed;
  gint64 start;
  virDomainPtr dom;

  if (sscanf (out, "port=%u pid=%u", &port, &pid) != 2)
    g_error ("vireo-testenv.sh relay printed '%s'", out);
  g_snprintf (relay, sizeof relay, "%u", pid);
  uri = g_strdup_printf ("qemu+tcp://127.0.0.1:%u/system", port);
  remote = vireo_test_open_connection (uri, 0);
  vireo_test_wait_for (is_listed_on, remote, 10, "the guest listed over tcp");

  job = vireo_save_job_new (vireo_connection_find_domain (remote, vireo_domain_get_uuid (guest)), path,
                            VIREO_RESTORE_AS_SAVED);
  g_assert_false (vireo_save_job_get_monitored (job));
  vireo_test_progress_watch (&progress, job);
  vireo_test_save_start (job, NULL, &a);
  vireo_test_wait_for (save_under_way, NULL, 60, "the daemon to begin the save");
  g_free (testenv ((const char *[]) { "relay-ctl", relay, "block", NULL }));
  start = g_get_monotonic_time ();
  vireo_save_job_cancel (job);

  vireo_test_wait_for (vireo_test_async_done, &a, 60, "the save to end after the link died");
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_assert_false (vireo_test_save_finish (job, &a, &error));
  g_test_message ("dead link during a remote save: ended after %.1f s: %s", elapsed, error->message);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_true (error->domain == VIREO_VIRT_ERROR);
  /* Nothing was polled in between. */
  g_assert_cmpuint (progress.values->len, ==, 0);
  vireo_test_progress_unwatch (&progress, job);
  vireo_test_wait_for (is_disconnected, remote, 30, "the connection to show as lost");

  g_free (testenv ((const char *[]) { "relay-ctl", relay, "stop", NULL }));
  vireo_connection_close (remote);

  /* The daemon finished the save without its client: bring the guest
   * back for the tests after this one. */
  dom = virDomainLookupByName (direct, GUEST);
  g_assert_nonnull (dom);
  if (virDomainIsActive (dom) != 1)
    g_assert_cmpint (virDomainRestore (direct, path), ==, 0);
  virDomainFree (dom);
  wait_state (guest, VIREO_DOMAIN_STATE_RUNNING);
  g_unlink (path);
}

typedef struct
{
  gboolean killed;
} Killer;

static void
kill_on_total (VireoSaveJob *job,
               GParamSpec   *pspec,
               Killer       *k)
{
  if (vireo_save_job_get_bytes_total (job) == 0 || k->killed)
    return;
  k->killed = TRUE;
  g_free (testenv ((const char *[]) { "kill-daemon", NULL }));
}

static gboolean
killed (gpointer data)
{
  return ((Killer *) data)->killed;
}

static gboolean
is_connected (gpointer data)
{
  return vireo_connection_get_state (data) == VIREO_CONNECTION_STATE_CONNECTED;
}

/* On the local connection the save and the progress query are both in
 * flight: the daemon killed under them must end the run at once (the
 * socket's end, not keepalive), and Vireo reconnects once it is back. */
static void
test_daemon_killed (void)
{
  g_autofree char *path = in_dir ("killed.save");
  g_autoptr(VireoSaveJob) job = vireo_save_job_new (guest, path, VIREO_RESTORE_AS_SAVED);
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };
  Killer k = { FALSE };
  gulong handler;
  gint64 start;

  g_assert_true (vireo_save_job_get_monitored (job));
  handler = g_signal_connect (job, "notify::bytes-total", G_CALLBACK (kill_on_total), &k);
  vireo_test_save_start (job, NULL, &a);
  vireo_test_wait_for (killed, &k, 60, "the daemon to be killed mid-save");
  start = g_get_monotonic_time ();
  vireo_test_wait_for (vireo_test_async_done, &a, 30, "the save to end with the daemon");
  g_assert_false (vireo_test_save_finish (job, &a, &error));
  g_clear_signal_handler (&handler, job);
  g_test_message ("daemon killed mid-save: ended after %.1f s: %s",
                  (g_get_monotonic_time () - start) / 1e6, error->message);
  g_assert_true (error->domain == VIREO_VIRT_ERROR);

  g_free (testenv ((const char *[]) { "restart-daemon", NULL }));
  vireo_test_wait_for (is_connected, conn, 60, "Vireo to reconnect");
  virConnectClose (direct);
  direct = virConnectOpen (require_env ("VIREO_TEST_URI"));
  g_assert_nonnull (direct);
  g_unlink (path);
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

  /* In this order: the first boots the filled guest the next two use. */
  g_test_add_func ("/integration/save/fill", test_fill);
  g_test_add_func ("/integration/save/save-restore", test_save_restore);
  g_test_add_func ("/integration/save/cancel", test_cancel);
  g_test_add_func ("/integration/save/dead-link", test_dead_link);
  g_test_add_func ("/integration/save/restore-states", test_restore_states);
  g_test_add_func ("/integration/save/managed-save", test_managed_save);
  g_test_add_func ("/integration/save/sync-clock", test_sync_clock);
  /* Last: the daemon is restarted under the guest. */
  g_test_add_func ("/integration/save/daemon-killed", test_daemon_killed);

  ret = g_test_run ();
  if (guest != NULL)
    remove_guest (GUEST);
  vireo_connection_close (conn);
  g_object_unref (conn);
  virConnectClose (direct);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
