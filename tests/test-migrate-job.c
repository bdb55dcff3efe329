/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VireoMigrateJob on libvirt's test driver, which cannot migrate: the
 * refusal comes back through finish, classified, the machine stays
 * running where it was; the requests of a running migration are refused
 * when none runs; the flags of the options. Real migrations are in
 * tests/integration/test-migrate-integration.c.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-connection-private.h"
#include "vireo-migrate-job.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

/* test:///default is one instance per process: two connections to it are
 * "two hosts" that are the same one. */
#define URI "test:///default"
#define NAME "test"   /* the driver's running machine */

static void
test_flags (void)
{
  g_autoptr(VireoMigrateOptions) o = vireo_migrate_options_new ();

  g_assert_cmphex (vireo_migrate_options_to_flags (o), ==,
                   VIR_MIGRATE_LIVE | VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE);
  o->mode = VIREO_MIGRATE_MODE_OFFLINE;
  o->persistent_on_dest = FALSE;
  o->undefine_source = FALSE;
  o->transport = VIREO_MIGRATE_TRANSPORT_PEER_TO_PEER;
  g_assert_cmphex (vireo_migrate_options_to_flags (o), ==, VIR_MIGRATE_OFFLINE | VIR_MIGRATE_PEER2PEER);
  o->mode = VIREO_MIGRATE_MODE_PAUSED;
  o->transport = VIREO_MIGRATE_TRANSPORT_TUNNELLED;
  o->storage = VIREO_MIGRATE_STORAGE_COPY_INCREMENTAL;
  o->allow_unsafe = o->postcopy = o->auto_converge = TRUE;
  g_assert_cmphex (vireo_migrate_options_to_flags (o), ==,
                   VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_TUNNELLED | VIR_MIGRATE_NON_SHARED_INC |
                   VIR_MIGRATE_UNSAFE | VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_AUTO_CONVERGE);
  o->storage = VIREO_MIGRATE_STORAGE_COPY_ALL;
  g_assert_true (vireo_migrate_options_to_flags (o) & VIR_MIGRATE_NON_SHARED_DISK);
}

static void
test_explain (void)
{
  g_autofree char *sentence = NULL;

  /* The code decides where it says something; the words otherwise. */
  g_assert_cmpint (vireo_migrate_explain_error (VIR_ERR_MIGRATE_UNSAFE, "whatever", &sentence), ==,
                   VIREO_MIGRATE_ERROR_UNSAFE);
  g_assert_cmpstr (sentence, !=, "");
  g_clear_pointer (&sentence, g_free);
  g_assert_cmpint (vireo_migrate_explain_error (VIR_ERR_OPERATION_ABORTED, NULL, NULL), ==,
                   VIREO_MIGRATE_ERROR_CANCELLED);
  g_assert_cmpint (vireo_migrate_explain_error (VIR_ERR_CPU_INCOMPATIBLE, NULL, NULL), ==,
                   VIREO_MIGRATE_ERROR_CPU_INCOMPATIBLE);
  g_assert_cmpint (vireo_migrate_explain_error (VIR_ERR_OPERATION_FAILED,
                                                "operation failed: domain 'a' already exists with uuid x",
                                                &sentence), ==, VIREO_MIGRATE_ERROR_NAME_TAKEN);
  g_assert_nonnull (strstr (sentence, "already has a machine of that name"));
}

static void
on_request (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (vireo_migrate_job_start_postcopy_finish (VIREO_MIGRATE_JOB (source), result, error));
}

static void
test_refused (void)
{
  g_autoptr(VireoConnection) source = vireo_test_open_connection (URI, 0);
  g_autoptr(VireoConnection) dest = vireo_test_open_connection (URI, 0);
  g_autoptr(VireoMigrateOptions) o = vireo_migrate_options_new ();
  g_autoptr(VireoMigrateJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) request_error = NULL;
  VireoDomain *domain = vireo_test_find_domain (source, NAME);
  VireoTestAsync a = { 0 };
  GWeakRef weak;

  g_assert_nonnull (domain);
  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_RUNNING);
  o->postcopy = TRUE;
  job = vireo_migrate_job_new (domain, dest, o);
  g_weak_ref_init (&weak, job);
  g_assert_true (vireo_migrate_job_get_monitored (job));
  g_assert_true (vireo_migrate_job_get_options (job) != o);
  g_assert_true (vireo_migrate_job_get_options (job)->postcopy);
  g_assert_null (vireo_migrate_job_get_progress (job));

  /* Nothing runs yet: nothing to switch. */
  vireo_migrate_job_start_postcopy_async (job, NULL, on_request, &request_error);
  while (request_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (request_error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);

  vireo_migrate_job_run_async (job, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_migrate_job_get_running (job));
  g_assert_false (vireo_migrate_job_run_finish (job, vireo_test_async_wait (&a, 30), &error));
  g_clear_object (&a.result);
  g_test_message ("test driver: %s", error->message);
  g_assert_error (error, VIREO_MIGRATE_ERROR, VIREO_MIGRATE_ERROR_UNSUPPORTED);
  /* libvirt's own words are kept. */
  g_assert_nonnull (strstr (error->message, "virDomainMigrate3"));
  g_assert_false (vireo_migrate_job_get_running (job));
  g_assert_cmpint (vireo_migrate_job_get_phase (job), ==, VIREO_MIGRATE_PHASE_FAILED);
  g_assert_null (vireo_migrate_job_get_dest_uuid (job));
  /* Where it was, as it was. */
  g_assert_true (vireo_test_find_domain (source, NAME) == domain);
  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_RUNNING);

  vireo_connection_close (source);
  vireo_connection_close (dest);
  g_clear_object (&job);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

/* Holds the source's serial worker, so that the cancel surely comes
 * before the worker gets to the migration (without it, a busy machine's
 * worker may start the call first). */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean open;
} Gate;

static void
gate_thread (GTask        *task,
             virConnectPtr conn,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Gate *gate = task_data;

  g_mutex_lock (&gate->lock);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
  g_task_return_boolean (task, TRUE);
}

/* Cancelled before the worker got to it: no migration, the machine stays. */
static void
test_cancel_first (void)
{
  g_autoptr(VireoConnection) source = vireo_test_open_connection (URI, 0);
  g_autoptr(VireoConnection) dest = vireo_test_open_connection (URI, 0);
  g_autoptr(VireoMigrateOptions) o = vireo_migrate_options_new ();
  g_autoptr(VireoMigrateJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  VireoDomain *domain = vireo_test_find_domain (source, NAME);
  VireoTestAsync a = { 0 };

  Gate gate = { 0 };
  GTask *held = g_task_new (source, NULL, NULL, NULL);

  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  g_task_set_task_data (held, &gate, NULL);
  vireo_connection_run (source, held, gate_thread);
  job = vireo_migrate_job_new (domain, dest, o);
  vireo_migrate_job_run_async (job, cancellable, vireo_test_async_cb, &a);
  g_cancellable_cancel (cancellable);
  g_mutex_lock (&gate.lock);
  gate.open = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.lock);
  g_assert_false (vireo_migrate_job_run_finish (job, vireo_test_async_wait (&a, 30), &error));
  g_clear_object (&a.result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (vireo_migrate_job_get_phase (job), ==, VIREO_MIGRATE_PHASE_CANCELLED);
  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_RUNNING);
  vireo_connection_close (source);
  vireo_connection_close (dest);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
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

  g_test_add_func ("/virt/migrate-job/flags", test_flags);
  g_test_add_func ("/virt/migrate-job/explain", test_explain);
  g_test_add_func ("/virt/migrate-job/refused", test_refused);
  g_test_add_func ("/virt/migrate-job/cancel-first", test_cancel_first);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
