/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Save and restore through Vireo's worker calls against libvirt's test
 * driver (test:///default). It writes save files (its own format: a magic
 * line and the domain's XML) wherever it is told, restores them, keeps
 * managed save images in memory and takes a clock sync on a running
 * machine without any agent. It has no job statistics and cannot abort
 * jobs, and it refuses the RUNNING and PAUSED flags on save and restore,
 * which proves those flags reach libvirt. Progress between 0 and 1, the
 * abort and a missing agent are the integration test's
 * (test-save-integration.c).
 *
 * test:///default is shared by every connection of the process: each test
 * defines a machine of its own through a plain libvirt connection.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-test-save.h"
#include "vireo-worker.h"

#define DEFAULT_URI "test:///default"

static const char guest_template[] =
  "<domain type='test'><name>%s</name><memory>65536</memory>"
  "<os><type>hvm</type></os></domain>";

typedef struct
{
  VireoConnection *conn;
  virConnectPtr    outside;
  virDomainPtr     dom;
  VireoDomain     *domain;   /* a reference: it outlives its listing */
  char            *name;
  char            *uuid;
  char            *dir;      /* for its save files */
} Guest;

static gboolean
guest_listed (gpointer data)
{
  Guest *g = data;
  return vireo_test_find_domain (g->conn, g->name) != NULL;
}

static gboolean
guest_unlisted (gpointer data)
{
  return !guest_listed (data);
}

static void
guest_open (Guest      *g,
            const char *name)
{
  g_autofree char *xml = g_strdup_printf (guest_template, name);
  g_autoptr(GError) error = NULL;
  char uuid[VIR_UUID_STRING_BUFLEN];

  g->name = g_strdup (name);
  g->dir = g_dir_make_tmp ("vireo-save-XXXXXX", &error);
  g_assert_no_error (error);
  g->conn = vireo_test_open_connection (DEFAULT_URI, 0);
  g->outside = virConnectOpen (DEFAULT_URI);
  g_assert_nonnull (g->outside);
  g->dom = virDomainDefineXML (g->outside, xml);
  g_assert_nonnull (g->dom);
  g_assert_cmpint (virDomainGetUUIDString (g->dom, uuid), ==, 0);
  g->uuid = g_strdup (uuid);
  g_assert_cmpint (virDomainCreate (g->dom), ==, 0);
  vireo_test_wait_for (guest_listed, g, 10, "the machine to be listed");
  g->domain = g_object_ref (vireo_test_find_domain (g->conn, name));
}

static char *
guest_file (Guest      *g,
            const char *name)
{
  return g_build_filename (g->dir, name, NULL);
}

static void
guest_close (Guest *g)
{
  g_autoptr(GDir) dir = g_dir_open (g->dir, 0, NULL);
  const char *entry;
  virDomainPtr dom = virDomainLookupByUUIDString (g->outside, g->uuid);

  /* A restore after an undefine made it again, as a transient one. */
  if (dom != NULL)
    {
      if (virDomainIsActive (dom) == 1)
        g_assert_cmpint (virDomainDestroy (dom), ==, 0);
      if (virDomainIsPersistent (dom) == 1)
        g_assert_cmpint (virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE), ==, 0);
      virDomainFree (dom);
    }
  virResetLastError ();
  vireo_test_wait_for (guest_unlisted, g, 10, "the machine to go");
  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (g->dir, entry, NULL);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (g->dir), ==, 0);
  g_clear_object (&g->domain);
  virDomainFree (g->dom);
  virConnectClose (g->outside);
  vireo_connection_close (g->conn);
  g_clear_object (&g->conn);
  g_free (g->name);
  g_free (g->uuid);
  g_free (g->dir);
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
  vireo_test_wait_for (state_is, &w, 10, vireo_domain_state_to_string (want));
}

typedef struct
{
  VireoConnection *conn;
  const char      *uuid;
} FindWait;

static gboolean
uuid_listed (gpointer data)
{
  FindWait *w = data;
  return vireo_connection_find_domain (w->conn, w->uuid) != NULL;
}

static void
on_action_requested (VireoDomain *domain,
                     int          action,
                     GArray      *actions)
{
  g_array_append_val (actions, action);
}

/* ------------------------------------------------------------------------ */

/* Save into a file: the machine is shut off, the file holds it, and a
 * restore brings it back running; again after it was undefined, when the
 * restore defines it anew (transient) under its UUID. */
static void
test_save_and_restore (void)
{
  Guest g = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoSaveJob) job = NULL;
  g_autoptr(GArray) actions = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *path = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *name_element = NULL;
  VireoTestProgress progress = { 0 };
  FindWait find;

  guest_open (&g, "save-file");
  path = guest_file (&g, "save-file.save");

  job = vireo_save_job_new (g.domain, path, VIREO_RESTORE_AS_SAVED);
  g_assert_true (vireo_save_job_get_domain (job) == g.domain);
  g_assert_cmpstr (vireo_save_job_get_path (job), ==, path);
  g_assert_cmpint (vireo_save_job_get_restore_state (job), ==, VIREO_RESTORE_AS_SAVED);
  g_assert_false (vireo_save_job_get_running (job));
  g_assert_cmpfloat (vireo_save_job_get_progress (job), ==, 0.0);
  /* A local connection: libvirt is asked while it saves. */
  g_assert_true (vireo_save_job_get_monitored (job));

  vireo_test_progress_watch (&progress, job);
  g_signal_connect (g.domain, "action-requested", G_CALLBACK (on_action_requested), actions);
  g_assert_true (vireo_test_save (job, NULL, &error));
  g_assert_no_error (error);
  g_signal_handlers_disconnect_by_func (g.domain, on_action_requested, actions);

  /* No job statistics here: nothing between 0 and the final 1. */
  g_assert_cmpuint (progress.values->len, ==, 1);
  g_assert_cmpfloat (vireo_test_progress_at (&progress, 0), ==, 1.0);
  g_assert_cmpfloat (vireo_save_job_get_progress (job), ==, 1.0);
  g_assert_false (vireo_save_job_get_running (job));
  /* An install watch hears of it as of a Save. */
  g_assert_cmpuint (actions->len, ==, 1);
  g_assert_cmpint (g_array_index (actions, int, 0), ==, VIREO_DOMAIN_ACTION_MANAGED_SAVE);
  vireo_test_progress_unwatch (&progress, job);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  wait_state (g.domain, VIREO_DOMAIN_STATE_SHUTOFF);

  /* The file says which machine it holds. */
  xml = vireo_test_read_save_image (g.conn, path, &error);
  g_assert_no_error (error);
  name_element = g_strdup_printf ("<name>%s</name>", g.name);
  g_assert_nonnull (strstr (xml, name_element));
  g_assert_nonnull (strstr (xml, g.uuid));

  uuid = vireo_test_restore (g.conn, path, VIREO_RESTORE_AS_SAVED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uuid, ==, g.uuid);
  wait_state (g.domain, VIREO_DOMAIN_STATE_RUNNING);
  /* The file stays. */
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* Restoring it over the machine it holds, running, is refused. */
  g_clear_pointer (&uuid, g_free);
  uuid = vireo_test_restore (g.conn, path, VIREO_RESTORE_AS_SAVED, &error);
  g_assert_null (uuid);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_assert_nonnull (strstr (error->message, "already active"));
  g_assert_true (g_str_has_prefix (error->message, "Could not restore the machine saved in “"));
  g_clear_error (&error);

  /* The same job saves again; then the machine is undefined, and the
   * restore brings it back under its UUID as a new, transient listing. */
  g_assert_true (vireo_test_save (job, NULL, &error));
  g_assert_no_error (error);
  wait_state (g.domain, VIREO_DOMAIN_STATE_SHUTOFF);
  g_assert_cmpint (virDomainUndefine (g.dom), ==, 0);
  vireo_test_wait_for (guest_unlisted, &g, 10, "the machine to go");
  uuid = vireo_test_restore (g.conn, path, VIREO_RESTORE_AS_SAVED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uuid, ==, g.uuid);
  find = (FindWait) { g.conn, uuid };
  vireo_test_wait_for (uuid_listed, &find, 10, "the restored machine to be listed");
  g_assert_true (vireo_connection_find_domain (g.conn, uuid) != g.domain);
  wait_state (vireo_connection_find_domain (g.conn, uuid), VIREO_DOMAIN_STATE_RUNNING);

  guest_close (&g);
}

/* What the save and the restore refuse, with libvirt's words; a save that
 * never started leaves the machine running and no file. */
static void
test_refusals (void)
{
  Guest g = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoSaveJob) running = NULL;
  g_autoptr(VireoSaveJob) paused = NULL;
  g_autoptr(VireoSaveJob) job = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autofree char *path = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *junk = NULL;
  g_autofree char *uuid = NULL;
  VireoTestAsync first = { 0 };
  VireoTestAsync second = { 0 };

  guest_open (&g, "save-refusals");
  path = guest_file (&g, "refused.save");

  /* The test driver takes neither flag: its refusal shows each reached it
   * (VIR_DOMAIN_SAVE_RUNNING is 0x2, _PAUSED 0x4). */
  running = vireo_save_job_new (g.domain, path, VIREO_RESTORE_RUNNING);
  g_assert_false (vireo_test_save (running, NULL, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
  g_assert_nonnull (strstr (error->message, "(0x2)"));
  g_assert_true (g_str_has_prefix (error->message, "The machine could not be saved: "));
  g_clear_error (&error);
  paused = vireo_save_job_new (g.domain, path, VIREO_RESTORE_PAUSED);
  g_assert_false (vireo_test_save (paused, NULL, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
  g_assert_nonnull (strstr (error->message, "(0x4)"));
  g_clear_error (&error);
  g_assert_cmpfloat (vireo_save_job_get_progress (paused), ==, 0.0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Cancelled before it began: nothing is saved. */
  job = vireo_save_job_new (g.domain, path, VIREO_RESTORE_AS_SAVED);
  g_cancellable_cancel (cancelled);
  g_assert_false (vireo_test_save (job, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (virDomainIsActive (g.dom), ==, 1);
  g_assert_cmpfloat (vireo_save_job_get_progress (job), ==, 0.0);

  /* One run at a time. */
  vireo_test_save_start (job, NULL, &first);
  g_assert_true (vireo_save_job_get_running (job));
  vireo_test_save_start (job, NULL, &second);
  g_assert_false (vireo_test_save_finish (job, &second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  g_assert_true (vireo_test_save_finish (job, &first, &error));
  g_assert_no_error (error);
  wait_state (g.domain, VIREO_DOMAIN_STATE_SHUTOFF);

  /* A machine that is not running has nothing to save. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_false (vireo_test_save (job, NULL, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Restores: a missing file, a file that is no save, flags. */
  missing = guest_file (&g, "missing.save");
  uuid = vireo_test_restore (g.conn, missing, VIREO_RESTORE_AS_SAVED, &error);
  g_assert_null (uuid);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "missing.save"));
  g_assert_nonnull (strstr (error->message, "No such file or directory"));
  g_clear_error (&error);

  junk = guest_file (&g, "junk.save");
  g_assert_true (g_file_set_contents (junk, "not a saved machine\n", -1, NULL));
  g_assert_null (vireo_test_read_save_image (g.conn, junk, &error));
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "Could not read the saved machine in “"));
  g_clear_error (&error);

  g_assert_cmpint (virDomainCreate (g.dom), ==, 0);
  wait_state (g.domain, VIREO_DOMAIN_STATE_RUNNING);
  g_clear_object (&job);
  job = vireo_save_job_new (g.domain, path, VIREO_RESTORE_AS_SAVED);
  g_assert_true (vireo_test_save (job, NULL, &error));
  g_assert_no_error (error);
  wait_state (g.domain, VIREO_DOMAIN_STATE_SHUTOFF);
  uuid = vireo_test_restore (g.conn, path, VIREO_RESTORE_PAUSED, &error);
  g_assert_null (uuid);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
  g_assert_nonnull (strstr (error->message, "(0x4)"));
  g_clear_error (&error);
  uuid = vireo_test_restore (g.conn, path, VIREO_RESTORE_RUNNING, &error);
  g_assert_null (uuid);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
  g_assert_nonnull (strstr (error->message, "(0x2)"));
  g_clear_error (&error);

  /* Gone from under the job: the detached domain still answers. */
  g_assert_cmpint (virDomainUndefine (g.dom), ==, 0);
  vireo_test_wait_for (guest_unlisted, &g, 10, "the machine to go");
  g_assert_false (vireo_test_save (job, NULL, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN);
  g_clear_error (&error);
  g_assert_false (vireo_test_has_managed_save (g.domain, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN);
  g_clear_error (&error);

  guest_close (&g);
}

/* Managed save: the image is there after Save, gone after Remove (the
 * next Run boots afresh) and after a Run that restored from it. */
static void
test_managed_save (void)
{
  Guest g = { 0 };
  g_autoptr(GError) error = NULL;

  guest_open (&g, "save-managed");

  g_assert_false (vireo_test_has_managed_save (g.domain, &error));
  g_assert_no_error (error);

  g_assert_true (vireo_test_domain_action (g.domain, VIREO_DOMAIN_ACTION_MANAGED_SAVE, &error));
  g_assert_no_error (error);
  wait_state (g.domain, VIREO_DOMAIN_STATE_SHUTOFF);
  g_assert_true (vireo_test_has_managed_save (g.domain, &error));
  g_assert_no_error (error);
  g_assert_cmpint (virDomainHasManagedSaveImage (g.dom, 0), ==, 1);

  g_assert_true (vireo_test_remove_managed_save (g.domain, &error));
  g_assert_no_error (error);
  g_assert_false (vireo_test_has_managed_save (g.domain, &error));
  g_assert_no_error (error);
  g_assert_cmpint (virDomainHasManagedSaveImage (g.dom, 0), ==, 0);
  /* Nothing to remove is no failure. */
  g_assert_true (vireo_test_remove_managed_save (g.domain, &error));
  g_assert_no_error (error);

  g_assert_true (vireo_test_domain_action (g.domain, VIREO_DOMAIN_ACTION_START, &error));
  g_assert_no_error (error);
  wait_state (g.domain, VIREO_DOMAIN_STATE_RUNNING);
  g_assert_true (vireo_test_domain_action (g.domain, VIREO_DOMAIN_ACTION_MANAGED_SAVE, &error));
  g_assert_no_error (error);
  wait_state (g.domain, VIREO_DOMAIN_STATE_SHUTOFF);
  g_assert_true (vireo_test_has_managed_save (g.domain, &error));
  g_assert_true (vireo_test_domain_action (g.domain, VIREO_DOMAIN_ACTION_START, &error));
  g_assert_no_error (error);
  wait_state (g.domain, VIREO_DOMAIN_STATE_RUNNING);
  g_assert_false (vireo_test_has_managed_save (g.domain, &error));
  g_assert_no_error (error);

  guest_close (&g);
}

/* The test driver sets a running machine's clock without any agent (its
 * refusal without one is the integration test's); a machine that is not
 * running is refused. */
static void
test_sync_clock (void)
{
  Guest g = { 0 };
  g_autoptr(GError) error = NULL;

  guest_open (&g, "save-clock");

  g_assert_true (vireo_test_sync_clock (g.domain, &error));
  g_assert_no_error (error);

  g_assert_cmpint (virDomainDestroy (g.dom), ==, 0);
  wait_state (g.domain, VIREO_DOMAIN_STATE_SHUTOFF);
  g_assert_false (vireo_test_sync_clock (g.domain, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Could not set the guest's clock: "));
  g_assert_nonnull (strstr (error->message, "not running"));

  guest_close (&g);
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

  g_test_add_func ("/virt/save-restore/save-and-restore", test_save_and_restore);
  g_test_add_func ("/virt/save-restore/refusals", test_refusals);
  g_test_add_func ("/virt/save-restore/managed-save", test_managed_save);
  g_test_add_func ("/virt/save-restore/sync-clock", test_sync_clock);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
