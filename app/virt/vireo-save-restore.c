/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-save-restore"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-connection-private.h"
#include "vireo-domain-config.h"
#include "vireo-job-watch-private.h"
#include "vireo-save-restore.h"
#include "vireo-virt-error.h"
#include "vireo-worker.h"

/*
 * Save and restore (see the header for what each call means to the user).
 *
 * The one-shot calls are GTasks whose thread functions run on the
 * connection's ops worker (vireo_connection_run) and look the machine up by
 * UUID there, as in vireo-domain.c.
 *
 * A save to a file is one blocking virDomainSaveFlags call. It runs on ops,
 * holding the link's call lock like every worker call, so neither ops nor
 * bulk could ask libvirt anything until it returns. The progress poll and
 * the abort therefore run on a VireoJobWatch (vireo-job-watch.c), a thread
 * of its own which the save's own thread function starts just before the
 * call and stops, waiting for it, just after: libvirt answers job queries
 * and aborts while a save is under way. What is the save's own here: what
 * is read (job statistics into bytes done and total, which only grow),
 * how it is applied on the main thread, and what the result means.
 *
 * Only on local connections. Checked on libvirt 9.0 over qemu+tcp through
 * a relay that stops passing bytes mid-save: with the save alone in
 * flight keepalive ends it after about 8 s; with a job query beside it
 * (ours, or `virsh save --verbose`) neither call ever returns, the
 * finding behind the link's call lock. A remote save is therefore one
 * call, without progress in between or an abort.
 */

/* libvirt's QEMU driver heads a save file with this until the save is
 * complete, then turns it into "LibvirtQemudSave"; a restore refuses an
 * incomplete one ("save image is incomplete"). */
#define PARTIAL_MAGIC   "LibvirtQemudPart"

static unsigned int
save_flags (VireoRestoreState state)
{
  switch (state)
    {
    case VIREO_RESTORE_RUNNING: return VIR_DOMAIN_SAVE_RUNNING;
    case VIREO_RESTORE_PAUSED:  return VIR_DOMAIN_SAVE_PAUSED;
    case VIREO_RESTORE_AS_SAVED:
    default:
      return 0;
    }
}

/* ------------------------------------------------------------------------ */
/* Shared steps                                                              */

/* Main thread: a task on @self carrying its UUID, or NULL (the task answered)
 * when the machine's connection dropped it. */
static GTask *
domain_task (VireoDomain         *self,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (vireo_domain_get_connection (self) == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN,
                               _("The virtual machine no longer exists"));
      g_object_unref (task);
      return NULL;
    }
  g_task_set_task_data (task, g_strdup (vireo_domain_get_uuid (self)), g_free);
  return task;
}

/* Worker threads */
/* ------------------------------------------------------------------------ */
/* Managed save                                                              */

static void
has_managed_save_thread (GTask        *task,
                         virConnectPtr conn,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, task_data);
  int ret;

  if (dom == NULL)
    return;
  ret = virDomainHasManagedSaveImage (dom, 0);
  if (ret < 0)
    g_task_return_error (task,
                         _vireo_error_from_last (_("Could not find out whether the machine has a saved state")));
  else
    g_task_return_boolean (task, ret == 1);
}

/**
 * vireo_domain_has_managed_save_async:
 *
 * Asks libvirt whether it keeps a managed save image of the machine (what
 * Save in the machine list makes, and Run restores).
 */
void
vireo_domain_has_managed_save_async (VireoDomain         *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  task = domain_task (self, vireo_domain_has_managed_save_async, cancellable, callback, user_data);
  if (task != NULL)
    vireo_connection_run (vireo_domain_get_connection (self), task, has_managed_save_thread);
}

/**
 * vireo_domain_has_managed_save_finish:
 *
 * Returns: whether there is one; %FALSE with @error set when libvirt could
 *   not say
 */
gboolean
vireo_domain_has_managed_save_finish (VireoDomain   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_autoptr(GError) local_error = NULL;
  gboolean saved;

  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_domain_has_managed_save_async), FALSE);
  saved = g_task_propagate_boolean (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* The freshest answer: the list's "Saved" follows it. */
  _vireo_domain_set_saved_state (self, saved);
  return saved;
}

static void
remove_managed_save_thread (GTask        *task,
                            virConnectPtr conn,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, task_data);

  if (dom == NULL)
    return;
  if (virDomainManagedSaveRemove (dom, 0) < 0)
    g_task_return_error (task, _vireo_error_from_last (_("Could not remove the saved state")));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_domain_remove_managed_save_async:
 *
 * Deletes the machine's managed save image (`virsh managedsave-remove`);
 * the next Run boots the machine afresh.
 */
void
vireo_domain_remove_managed_save_async (VireoDomain         *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  task = domain_task (self, vireo_domain_remove_managed_save_async, cancellable, callback, user_data);
  if (task != NULL)
    vireo_connection_run (vireo_domain_get_connection (self), task, remove_managed_save_thread);
}

gboolean
vireo_domain_remove_managed_save_finish (VireoDomain   *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_domain_remove_managed_save_async), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  /* libvirt raises no event for this: the list learns it here. */
  _vireo_domain_set_saved_state (self, FALSE);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The guest's clock                                                         */

static void
sync_clock_thread (GTask        *task,
                   virConnectPtr conn,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, task_data);
  GError *error;
  int code;

  if (dom == NULL)
    return;
  if (virDomainSetTime (dom, 0, 0, VIR_DOMAIN_TIME_SYNC) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* QEMU says "guest agent is not configured" (ARGUMENT_UNSUPPORTED), "is
   * not connected" or "is not responding" (AGENT_UNRESPONSIVE): to the
   * user all three mean one thing, no agent answers in the guest. */
  code = virGetLastErrorCode ();
  error = _vireo_error_from_last (_("Could not set the guest's clock"));
  if (code == VIR_ERR_AGENT_UNRESPONSIVE || code == VIR_ERR_ARGUMENT_UNSUPPORTED)
    error->code = VIREO_VIRT_ERROR_NO_AGENT;
  g_task_return_error (task, error);
}

/**
 * vireo_domain_sync_clock_async:
 *
 * Has the guest agent set the running guest's clock from the host's
 * (`virsh domtime --sync`). See the header for the errors.
 */
void
vireo_domain_sync_clock_async (VireoDomain         *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  task = domain_task (self, vireo_domain_sync_clock_async, cancellable, callback, user_data);
  if (task != NULL)
    vireo_connection_run (vireo_domain_get_connection (self), task, sync_clock_thread);
}

gboolean
vireo_domain_sync_clock_finish (VireoDomain   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_domain_sync_clock_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Restoring from a file                                                     */

typedef struct
{
  char         *path;
  unsigned int  flags;
} RestoreData;

static void
restore_data_free (gpointer data)
{
  RestoreData *d = data;

  g_free (d->path);
  g_free (d);
}

/* Worker threads. Returns: (transfer full) (nullable): the definition in
 * the file, or NULL with the task answered */
static char *
read_save_image (GTask         *task,
                 virConnectPtr  conn,
                 const char    *path)
{
  g_autofree char *what = NULL;
  char *xml;
  char *copy;

  if (_vireo_return_if_not_connected (task, conn))
    return NULL;
  xml = virDomainSaveImageGetXMLDesc (conn, path, 0);
  if (xml == NULL)
    {
      /* Translators: %s is a file's path on the host */
      what = g_strdup_printf (_("Could not read the saved machine in “%s”"), path);
      g_task_return_error (task, _vireo_error_from_last (what));
      return NULL;
    }
  copy = g_strdup (xml);
  free (xml);
  return copy;
}

static void
read_save_image_thread (GTask        *task,
                        virConnectPtr conn,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  RestoreData *d = task_data;
  char *xml = read_save_image (task, conn, d->path);

  if (xml != NULL)
    g_task_return_pointer (task, xml, g_free);
}

static GTask *
restore_task (VireoConnection     *self,
              gpointer             source_tag,
              const char          *path,
              VireoRestoreState    state,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RestoreData *d = g_new0 (RestoreData, 1);

  g_task_set_source_tag (task, source_tag);
  d->path = g_strdup (path);
  d->flags = save_flags (state);
  g_task_set_task_data (task, d, restore_data_free);
  return task;
}

/**
 * vireo_connection_read_save_image_async:
 * @path: a save file on the host
 *
 * Reads the definition of the machine saved in @path
 * (`virsh save-image-dumpxml`).
 */
void
vireo_connection_read_save_image_async (VireoConnection     *self,
                                        const char          *path,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (path != NULL);

  task = restore_task (self, vireo_connection_read_save_image_async, path, VIREO_RESTORE_AS_SAVED,
                       cancellable, callback, user_data);
  vireo_connection_run (self, task, read_save_image_thread);
}

/**
 * vireo_connection_read_save_image_finish:
 *
 * Returns: (transfer full): the `<domain>` document, or %NULL with @error
 *   set (a missing file or one that is not a save: libvirt's words)
 */
char *
vireo_connection_read_save_image_finish (VireoConnection  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_connection_read_save_image_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
restore_thread (GTask        *task,
                virConnectPtr conn,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RestoreData *d = task_data;
  g_autofree char *xml = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GError) parse_error = NULL;
  const char *uuid;

  if (g_task_return_error_if_cancelled (task))
    return;
  /* The restore itself says nothing of the machine it brought back; the
   * file does, before. */
  if ((xml = read_save_image (task, conn, d->path)) == NULL)
    return;
  config = vireo_domain_config_new_from_xml (xml, &parse_error);
  uuid = config != NULL ? vireo_domain_config_get_uuid (config) : NULL;
  if (uuid == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                               /* Translators: %s is a file's path on the host */
                               _("“%s” does not say which machine it holds"), d->path);
      return;
    }
  if (virDomainRestoreFlags (conn, d->path, NULL, d->flags) < 0)
    {
      /* Translators: %s is a file's path on the host */
      g_autofree char *what = g_strdup_printf (_("Could not restore the machine saved in “%s”"), d->path);
      g_task_return_error (task, _vireo_error_from_last (what));
      return;
    }
  g_task_return_pointer (task, g_strdup (uuid), g_free);
}

/**
 * vireo_connection_restore_async:
 * @path: a save file on the host
 * @state: how the machine comes back
 *
 * Restores the machine saved in @path (`virsh restore`).
 */
void
vireo_connection_restore_async (VireoConnection     *self,
                                const char          *path,
                                VireoRestoreState    state,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (path != NULL);

  task = restore_task (self, vireo_connection_restore_async, path, state, cancellable, callback, user_data);
  vireo_connection_run (self, task, restore_thread);
}

char *
vireo_connection_restore_finish (VireoConnection  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_connection_restore_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Saving to a file: what the threads share                                  */

struct _VireoSaveJob
{
  GObject            parent_instance;

  /* Owned */
  VireoDomain       *domain;
  char              *path;
  VireoJobWatch     *watch;         /* of the running save */

  VireoRestoreState  restore_state;
  double             progress;
  guint64            bytes_done;
  guint64            bytes_total;
  gboolean           running;
  gboolean           monitored;
};

/* Plain data, owned by the run's watch; freed on any thread. */
typedef struct
{
  /* Set before the save starts, then read-only. */
  char         *uuid;
  char         *path;
  unsigned int  flags;
  /* A local connection: the host's files are ours, and libvirt is asked
   * about the save while it runs (see vireo_save_job_get_monitored()). */
  gboolean      monitored;

  /* The watch thread only: which job queries the driver has, and the
   * reading delivered last. */
  gboolean      stats;
  gboolean      info;
  guint64       done;
  guint64       total;

  /* Main thread only. */
  VireoSaveJob *job;
} Shared;

/* A reading for the main thread. */
typedef struct
{
  guint64 done;
  guint64 total;
} Reading;

static void
shared_free (gpointer data)
{
  Shared *s = data;

  g_free (s->uuid);
  g_free (s->path);
  g_free (s);
}

/* ------------------------------------------------------------------------ */
/* Saving to a file: the watch                                               */

/* How far the save is, from libvirt's job statistics: data written of the
 * total (QEMU: RAM and device state) as `virsh save --verbose` counts it.
 * Turns *stats and *info off for good once the driver says it has no such
 * call. Returns: whether it read figures of a save. */
static gboolean
read_job (virDomainPtr  dom,
          gboolean     *stats,
          gboolean     *info,
          guint64      *done,
          guint64      *total)
{
  unsigned long long t = 0, r = 0;
  gboolean got = FALSE;

  if (*stats)
    {
      virTypedParameterPtr params = NULL;
      int nparams = 0;
      int type = VIR_DOMAIN_JOB_NONE;
      int operation;

      if (virDomainGetJobStats (dom, &type, &params, &nparams, 0) == 0)
        {
          /* Someone else's job on the machine is not this save. */
          gboolean ours = virTypedParamsGetInt (params, nparams, VIR_DOMAIN_JOB_OPERATION, &operation) != 1 ||
                          operation == VIR_DOMAIN_JOB_OPERATION_SAVE;

          got = type != VIR_DOMAIN_JOB_NONE && ours &&
                virTypedParamsGetULLong (params, nparams, VIR_DOMAIN_JOB_DATA_TOTAL, &t) == 1 &&
                virTypedParamsGetULLong (params, nparams, VIR_DOMAIN_JOB_DATA_REMAINING, &r) == 1;
          virTypedParamsFree (params, nparams);
          goto out;
        }
      if (virGetLastErrorCode () == VIR_ERR_NO_SUPPORT)
        *stats = FALSE;
      virResetLastError ();
      if (*stats)
        return FALSE;
    }
  if (*info)
    {
      virDomainJobInfo job;

      if (virDomainGetJobInfo (dom, &job) == 0)
        {
          got = job.type != VIR_DOMAIN_JOB_NONE;
          t = job.dataTotal;
          r = job.dataRemaining;
          goto out;
        }
      if (virGetLastErrorCode () == VIR_ERR_NO_SUPPORT)
        *info = FALSE;
      virResetLastError ();
    }
  return FALSE;

out:
  if (!got || t == 0)
    return FALSE;
  *total = t;
  *done = t - MIN (r, t);
  return TRUE;
}

/* Watch thread. */
static VireoJobWatchPoll
poll_save (virDomainPtr  dom,
           gpointer      data,
           gpointer     *reading)
{
  Shared *s = data;
  guint64 done = 0, total = 0;
  Reading *r;

  if (!read_job (dom, &s->stats, &s->info, &done, &total))
    return s->stats || s->info ? VIREO_JOB_WATCH_NOTHING : VIREO_JOB_WATCH_UNSUPPORTED;
  /* It only grows: the guest is paused while its memory is written. */
  if (total == s->total && done <= s->done)
    return VIREO_JOB_WATCH_SEEN;
  s->total = total;
  s->done = MAX (done, s->done);
  r = g_new (Reading, 1);
  r->done = s->done;
  r->total = s->total;
  *reading = r;
  return VIREO_JOB_WATCH_SEEN;
}

static void apply_progress (VireoSaveJob *self,
                            guint64       done,
                            guint64       total);

/* Main thread. */
static void
deliver_progress (gpointer reading,
                  gpointer data)
{
  Shared *s = data;
  Reading *r = reading;

  apply_progress (s->job, r->done, r->total);
}

static const VireoJobWatchSpec save_watch = {
  .thread_name    = "vireo-save-poll",
  .first_poll_ms  = 250,    /* a bar that shows the size early */
  .poll_ms        = 1000,
  .abort_retry_ms = 100,
  .poll           = poll_save,
  .deliver        = deliver_progress,
  .reading_free   = g_free,
};

/* ------------------------------------------------------------------------ */
/* Saving to a file: the save, on ops                                        */

static GError *
cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The save was cancelled"));
}

/* libvirt 9.0 removes the file of a failed or aborted save only when the
 * save created it; over an existing file it leaves its incomplete image
 * there (the old content is gone either way). On a local connection that
 * leftover goes too; an untouched file (the save failed before writing)
 * has no such head and stays. */
static void
remove_incomplete_image (const char *path)
{
  char head[sizeof PARTIAL_MAGIC - 1];
  gboolean incomplete;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    return;
  incomplete = read (fd, head, sizeof head) == (ssize_t) sizeof head &&
               memcmp (head, PARTIAL_MAGIC, sizeof head) == 0;
  close (fd);
  if (incomplete && g_unlink (path) != 0)
    g_debug ("Could not remove the incomplete save image %s: %s", path, g_strerror (errno));
}

static void
save_thread (GTask        *task,
             virConnectPtr conn,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VireoJobWatch *watch = task_data;
  Shared *s = _vireo_job_watch_get_data (watch);
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, s->uuid);
  GError *error = NULL;
  gboolean cancelled;

  if (dom == NULL)
    return;

  if (!_vireo_job_watch_begin (watch, s->monitored ? dom : NULL))
    {
      g_task_return_error (task, cancelled_error ());
      return;
    }
  if (virDomainSaveFlags (dom, s->path, NULL, s->flags) < 0)
    error = _vireo_error_from_last (_("The machine could not be saved"));
  /* Cancelled is what libvirt took an abort for; a save that failed on its
   * own after a cancel that never reached it says why it failed. */
  cancelled = _vireo_job_watch_end (watch);

  if (error != NULL && s->monitored)
    remove_incomplete_image (s->path);
  if (error == NULL)
    g_task_return_boolean (task, TRUE);
  else if (cancelled)
    {
      g_debug ("Save of %s aborted: %s", s->uuid, error->message);
      g_error_free (error);
      g_task_return_error (task, cancelled_error ());
    }
  else
    g_task_return_error (task, error);
}

/* ------------------------------------------------------------------------ */
/* Saving to a file: the job (main thread)                                   */

G_DEFINE_FINAL_TYPE (VireoSaveJob, vireo_save_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_PATH,
  PROP_PROGRESS,
  PROP_BYTES_DONE,
  PROP_BYTES_TOTAL,
  PROP_RUNNING,
  PROP_MONITORED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_progress (VireoSaveJob *self,
              double        progress)
{
  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
apply_progress (VireoSaveJob *self,
                guint64       done,
                guint64       total)
{
  if (self->bytes_total != total)
    {
      self->bytes_total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
    }
  if (self->bytes_done != done)
    {
      self->bytes_done = done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_DONE]);
    }
  if (total > 0)
    set_progress (self, MAX (self->progress, MIN (1.0, (double) done / (double) total)));
}

static void
set_running (VireoSaveJob *self,
             gboolean      running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
end_run (VireoSaveJob *self)
{
  if (self->watch == NULL)
    return;
  /* Late deliveries do nothing from here on. */
  _vireo_job_watch_detach (self->watch);
  g_clear_pointer (&self->watch, _vireo_job_watch_unref);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VireoSaveJob *self = g_task_get_source_object (task);
  GError *error = NULL;

  end_run (self);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self->bytes_total > 0)
        apply_progress (self, self->bytes_total, self->bytes_total);
      set_progress (self, 1.0);
    }
  set_running (self, FALSE);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_save_job_new:
 * @domain: a running or paused machine
 * @path: the file on the host to write (replaced if it exists)
 * @restore_state: how restoring the file brings the machine back
 *
 * Returns: (transfer full): a save; nothing happens before
 *   vireo_save_job_run_async()
 */
VireoSaveJob *
vireo_save_job_new (VireoDomain       *domain,
                    const char        *path,
                    VireoRestoreState  restore_state)
{
  VireoSaveJob *self;

  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), NULL);
  g_return_val_if_fail (path != NULL && *path != '\0', NULL);

  self = g_object_new (VIREO_TYPE_SAVE_JOB, NULL);
  self->domain = g_object_ref (domain);
  self->path = g_strdup (path);
  self->restore_state = restore_state;
  self->monitored = vireo_domain_get_connection (domain) != NULL &&
                    !vireo_connection_get_is_remote (vireo_domain_get_connection (domain));
  return self;
}

/**
 * vireo_save_job_run_async:
 * @cancellable: (nullable): cancels like vireo_save_job_cancel()
 *
 * Saves the machine into the file (`virsh save`), notifying "progress" as
 * it goes.
 */
void
vireo_save_job_run_async (VireoSaveJob        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VireoConnection *connection;
  GTask *save_task;
  Shared *s;

  g_return_if_fail (VIREO_IS_SAVE_JOB (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_save_job_run_async);
  /* A save that finished as the cancel came is done, and says so. */
  g_task_set_check_cancellable (task, FALSE);
  if (self->running)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("The save is already running"));
      return;
    }
  connection = vireo_domain_get_connection (self->domain);
  if (connection == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN,
                               _("The virtual machine no longer exists"));
      return;
    }

  /* An install watch must not start the machine the save shuts off. */
  g_signal_emit_by_name (self->domain, "action-requested", (int) VIREO_DOMAIN_ACTION_MANAGED_SAVE);

  s = g_new0 (Shared, 1);
  s->uuid = g_strdup (vireo_domain_get_uuid (self->domain));
  s->path = g_strdup (self->path);
  s->flags = save_flags (self->restore_state);
  s->monitored = self->monitored;
  s->stats = TRUE;
  s->info = TRUE;
  s->job = self;
  self->watch = _vireo_job_watch_new (&save_watch, s, shared_free);
  /* The watch hears a cancel whichever way it comes: this one or
   * vireo_save_job_cancel(). */
  _vireo_job_watch_follow_cancellable (self->watch, cancellable);

  /* A second run starts from nothing; apply_progress() only grows it. */
  apply_progress (self, 0, 0);
  set_progress (self, 0.0);
  set_running (self, TRUE);

  /* No cancellable on the worker's task: the answer must say whether the
   * save happened, and only save_thread knows. */
  save_task = g_task_new (connection, NULL, on_saved, g_steal_pointer (&task));
  g_task_set_source_tag (save_task, save_thread);
  g_task_set_task_data (save_task, _vireo_job_watch_ref (self->watch), _vireo_job_watch_unref);
  vireo_connection_run (connection, save_task, save_thread);
}

/**
 * vireo_save_job_run_finish:
 *
 * Returns: whether the machine is saved in the file; %FALSE with @error set
 *   otherwise (%G_IO_ERROR_CANCELLED after a cancel)
 */
gboolean
vireo_save_job_run_finish (VireoSaveJob  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_save_job_run_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_save_job_cancel:
 *
 * Aborts a running save: the machine goes on as before, no file is left,
 * and the run finishes with %G_IO_ERROR_CANCELLED (unless the save was
 * already done).
 */
void
vireo_save_job_cancel (VireoSaveJob *self)
{
  g_return_if_fail (VIREO_IS_SAVE_JOB (self));

  if (self->watch != NULL)
    _vireo_job_watch_cancel (self->watch);
}

/**
 * vireo_save_job_get_domain:
 *
 * Returns: (transfer none): the machine being saved
 */
VireoDomain *
vireo_save_job_get_domain (VireoSaveJob *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_JOB (self), NULL);
  return self->domain;
}

const char *
vireo_save_job_get_path (VireoSaveJob *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_JOB (self), NULL);
  return self->path;
}

VireoRestoreState
vireo_save_job_get_restore_state (VireoSaveJob *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_JOB (self), VIREO_RESTORE_AS_SAVED);
  return self->restore_state;
}

/**
 * vireo_save_job_get_progress:
 *
 * Returns: 0 to 1; 1 once the save succeeded
 */
double
vireo_save_job_get_progress (VireoSaveJob *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_JOB (self), 0.0);
  return self->progress;
}

guint64
vireo_save_job_get_bytes_done (VireoSaveJob *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_JOB (self), 0);
  return self->bytes_done;
}

/**
 * vireo_save_job_get_bytes_total:
 *
 * Returns: the bytes the save writes, 0 until libvirt said
 */
guint64
vireo_save_job_get_bytes_total (VireoSaveJob *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_JOB (self), 0);
  return self->bytes_total;
}

gboolean
vireo_save_job_get_running (VireoSaveJob *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_JOB (self), FALSE);
  return self->running;
}

/**
 * vireo_save_job_get_monitored:
 *
 * Returns: whether libvirt is asked about the save while it runs:
 *   progress between 0 and 1 and a cancel that aborts it. Only on a local
 *   connection: on libvirt 9.0 a second call in flight beside the save
 *   keeps keepalive from ever ending either when a remote link dies, so
 *   a remote save is one call, with neither.
 */
gboolean
vireo_save_job_get_monitored (VireoSaveJob *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_JOB (self), FALSE);
  return self->monitored;
}

static void
vireo_save_job_finalize (GObject *object)
{
  VireoSaveJob *self = (VireoSaveJob *) object;

  /* A run holds the job (its task's source object) until it ended. */
  g_assert (self->watch == NULL);
  g_clear_object (&self->domain);
  g_free (self->path);

  G_OBJECT_CLASS (vireo_save_job_parent_class)->finalize (object);
}

static void
vireo_save_job_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VireoSaveJob *self = VIREO_SAVE_JOB (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_object (value, self->domain);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_BYTES_DONE:
      g_value_set_uint64 (value, self->bytes_done);
      break;
    case PROP_BYTES_TOTAL:
      g_value_set_uint64 (value, self->bytes_total);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_MONITORED:
      g_value_set_boolean (value, self->monitored);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_save_job_class_init (VireoSaveJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_save_job_finalize;
  object_class->get_property = vireo_save_job_get_property;

  properties[PROP_DOMAIN] =
    g_param_spec_object ("domain", NULL, NULL, VIREO_TYPE_DOMAIN,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_DONE] =
    g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_TOTAL] =
    g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MONITORED] =
    g_param_spec_boolean ("monitored", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vireo_save_job_init (VireoSaveJob *self)
{
}
