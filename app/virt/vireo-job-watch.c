/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-job-watch"

#include "config.h"

#include <libvirt/virterror.h>

#include "vireo-job-watch-private.h"
#include "vireo-worker.h"

/*
 * A save (virDomainSaveFlags), a migration (virDomainMigrate3/ToURI3) and
 * the merge inside an external snapshot's delete (virDomainSnapshotDelete)
 * are each one blocking call on the connection's ops worker, holding the
 * link's call lock like every worker call, so neither ops nor bulk could
 * ask libvirt anything until it returns. libvirt answers job queries,
 * aborts and a migration's changes while such a call is under way, so
 * those run on a thread of their own: the call's own thread function
 * starts it just before the call (_vireo_job_watch_begin) and stops it,
 * waiting for it, just after (_vireo_job_watch_end), so that no call of
 * the watch can overlap with the next worker call.
 *
 * Only on local connections (the callers pass no domain otherwise).
 * Checked on libvirt 9.0 over qemu+tcp through a relay that stops passing
 * bytes mid-save: with the save alone in flight keepalive ends it after
 * about 8 s; with a job query beside it (ours, or `virsh save --verbose`)
 * neither call ever returns, the finding behind the link's call lock. A
 * remote call is therefore one call, without readings in between or an
 * abort; the watch then only says whether a cancel came before the call.
 *
 * The main thread, the call's thread and the watch share this
 * reference-counted struct of plain data, with the caller's own data
 * (the last reference may go on any thread). Readings reach the main
 * thread through one vireo_main_invoke() at a time, the latest one
 * replacing one not yet delivered.
 */

struct _VireoJobWatch
{
  gint                     ref;
  GMutex                   lock;
  GCond                    cond;

  /* Set at creation, then read-only. */
  const VireoJobWatchSpec *spec;
  gpointer                 data;
  GDestroyNotify           data_free;

  /* The watch's handle on the machine: set by the call's thread, taken by
   * the watch when it starts, freed by it before it says it is gone. */
  virDomainPtr             dom;

  /* Guarded by lock. */
  gboolean                 cancel_requested;
  gboolean                 aborted;          /* libvirt took the abort */
  gboolean                 done;             /* the call returned: the watch stops */
  gboolean                 running;          /* the watch thread */
  gboolean                 queued;           /* a delivery is pending */
  gpointer                 reading;          /* the last one, not yet delivered */
  GQueue                   requests;         /* for the watch thread */

  /* Main thread only. */
  GCancellable            *cancellable;      /* the caller's, followed */
  gulong                   cancel_handler;
  gboolean                 detached;         /* the run ended: no more deliveries */
};

/**
 * _vireo_job_watch_new:
 * @spec: (not nullable): what is polled and how often; must outlive the watch
 * @data: the caller's plain data, handed to each of @spec's functions
 * @data_free: (nullable): frees @data with the last reference, on any thread
 *
 * Returns: (transfer full): a watch, not running yet
 */
VireoJobWatch *
_vireo_job_watch_new (const VireoJobWatchSpec *spec,
                      gpointer                 data,
                      GDestroyNotify           data_free)
{
  VireoJobWatch *self;

  g_return_val_if_fail (spec != NULL && spec->poll != NULL && spec->deliver != NULL, NULL);

  self = g_new0 (VireoJobWatch, 1);
  self->ref = 1;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->requests);
  self->spec = spec;
  self->data = data;
  self->data_free = data_free;
  return self;
}

VireoJobWatch *
_vireo_job_watch_ref (VireoJobWatch *self)
{
  g_atomic_int_inc (&self->ref);
  return self;
}

void
_vireo_job_watch_unref (gpointer data)
{
  VireoJobWatch *self = data;

  if (!g_atomic_int_dec_and_test (&self->ref))
    return;
  g_assert (self->dom == NULL);
  /* The caller answers requests the watch never took, on the main thread
   * (_vireo_job_watch_pop_request). */
  g_assert (g_queue_is_empty (&self->requests));
  /* A followed cancellable holds a reference until detached. */
  g_assert (self->cancellable == NULL);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  if (self->reading != NULL)
    self->spec->reading_free (self->reading);
  if (self->data_free != NULL)
    self->data_free (self->data);
  g_free (self);
}

gpointer
_vireo_job_watch_get_data (VireoJobWatch *self)
{
  return self->data;
}

/**
 * _vireo_job_watch_cancel:
 *
 * Any thread: asks for the call to be aborted. Before the call began it
 * does not begin (_vireo_job_watch_begin() says so); while it runs the
 * watch sends libvirt an abort, again every abort_retry_ms until libvirt's
 * job exists; on a call without a watch (remote) nothing more happens.
 */
void
_vireo_job_watch_cancel (VireoJobWatch *self)
{
  g_mutex_lock (&self->lock);
  self->cancel_requested = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  _vireo_job_watch_cancel (data);
}

/**
 * _vireo_job_watch_follow_cancellable:
 * @cancellable: (nullable): the caller's
 *
 * Main thread: a cancel of @cancellable, from any thread and also one
 * that came before, is _vireo_job_watch_cancel(). Until
 * _vireo_job_watch_detach().
 */
void
_vireo_job_watch_follow_cancellable (VireoJobWatch *self,
                                     GCancellable  *cancellable)
{
  g_return_if_fail (self->cancellable == NULL);

  if (cancellable == NULL)
    return;
  self->cancellable = g_object_ref (cancellable);
  self->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                _vireo_job_watch_ref (self), _vireo_job_watch_unref);
}

/**
 * _vireo_job_watch_detach:
 *
 * Main thread, once the run ended (after the call's thread returned): no
 * reading is delivered any more and the cancellable is no longer followed.
 */
void
_vireo_job_watch_detach (VireoJobWatch *self)
{
  self->detached = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_disconnect (self->cancellable, self->cancel_handler);
  self->cancel_handler = 0;
  g_clear_object (&self->cancellable);
}

/**
 * _vireo_job_watch_push_request:
 * @request: (transfer full): for the spec's run_request
 *
 * Any thread: the watch carries @request out on its thread as soon as it
 * can while the call runs. Requests it never took stay queued for
 * _vireo_job_watch_pop_request().
 */
void
_vireo_job_watch_push_request (VireoJobWatch *self,
                               gpointer       request)
{
  g_return_if_fail (self->spec->run_request != NULL);

  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->requests, request);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/**
 * _vireo_job_watch_pop_request:
 *
 * Returns: (transfer full) (nullable): the oldest request not taken yet
 */
gpointer
_vireo_job_watch_pop_request (VireoJobWatch *self)
{
  gpointer request;

  g_mutex_lock (&self->lock);
  request = g_queue_pop_head (&self->requests);
  g_mutex_unlock (&self->lock);
  return request;
}

static gboolean
deliver_reading (gpointer data)
{
  VireoJobWatch *self = data;
  gpointer reading;

  g_mutex_lock (&self->lock);
  reading = g_steal_pointer (&self->reading);
  self->queued = FALSE;
  g_mutex_unlock (&self->lock);

  if (reading != NULL)
    {
      if (!self->detached)
        self->spec->deliver (reading, self->data);
      self->spec->reading_free (reading);
    }
  return G_SOURCE_REMOVE;
}

/* Called with the lock held. */
static void
post_reading (VireoJobWatch *self,
              gpointer       reading)
{
  if (self->reading != NULL)
    self->spec->reading_free (self->reading);
  self->reading = reading;
  if (!self->queued)
    {
      self->queued = TRUE;
      vireo_main_invoke (deliver_reading, _vireo_job_watch_ref (self), _vireo_job_watch_unref,
                         G_PRIORITY_DEFAULT);
    }
}

static gpointer
watch_thread (gpointer data)
{
  VireoJobWatch *self = data;
  const VireoJobWatchSpec *spec = self->spec;
  virDomainPtr dom = g_steal_pointer (&self->dom);
  gboolean can_abort = TRUE, job_seen = FALSE;
  gint64 next_poll = g_get_monotonic_time () + spec->first_poll_ms * G_TIME_SPAN_MILLISECOND;
  gint64 next_abort = 0;

  g_mutex_lock (&self->lock);
  while (!self->done)
    {
      gboolean want_abort = self->cancel_requested && !self->aborted && can_abort;
      gint64 now = g_get_monotonic_time ();
      gint64 wake = want_abort ? MIN (next_poll, next_abort) : next_poll;
      gpointer request = g_queue_pop_head (&self->requests);
      gpointer reading = NULL;
      gboolean aborted = FALSE;

      if (request == NULL && now < wake)
        {
          g_cond_wait_until (&self->cond, &self->lock, wake);
          continue;
        }
      g_mutex_unlock (&self->lock);

      if (request != NULL)
        spec->run_request (dom, request, self->data);
      if (want_abort && now >= next_abort)
        {
          /* Until libvirt has begun the call's job there is nothing to
           * abort ("no job is active"): try again shortly. Once the job
           * was seen, a refusal is final (a save's memory is written, a
           * migration is in post-copy or ending). */
          if (virDomainAbortJob (dom) == 0)
            aborted = TRUE;
          else if (job_seen || virGetLastErrorCode () == VIR_ERR_NO_SUPPORT)
            can_abort = FALSE;
          virResetLastError ();
          next_abort = now + spec->abort_retry_ms * G_TIME_SPAN_MILLISECOND;
        }
      if (now >= next_poll)
        {
          switch (spec->poll (dom, self->data, &reading))
            {
            case VIREO_JOB_WATCH_SEEN:
              job_seen = TRUE;
              next_poll = now + spec->poll_ms * G_TIME_SPAN_MILLISECOND;
              break;
            case VIREO_JOB_WATCH_UNSUPPORTED:
              /* A driver without the query only needs waking for a
               * cancel, a request or the end. */
              next_poll = G_MAXINT64;
              break;
            case VIREO_JOB_WATCH_NOTHING:
            default:
              next_poll = now + spec->poll_ms * G_TIME_SPAN_MILLISECOND;
              break;
            }
        }

      g_mutex_lock (&self->lock);
      if (aborted)
        self->aborted = TRUE;
      if (reading != NULL)
        post_reading (self, reading);
    }
  g_mutex_unlock (&self->lock);

  /* Freed here, not by the last reference: that may be the main thread. */
  virDomainFree (dom);
  g_mutex_lock (&self->lock);
  self->running = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  _vireo_job_watch_unref (self);
  return NULL;
}

/**
 * _vireo_job_watch_begin:
 * @dom: (nullable): the machine whose job to watch; %NULL for a call
 *   without a watch (a remote connection): only a cancel is noted
 *
 * The call's thread, just before the call: starts the watch on its own
 * handle of @dom.
 *
 * Returns: %FALSE when a cancel came first: the call must not start (and
 *   nothing was started)
 */
gboolean
_vireo_job_watch_begin (VireoJobWatch *self,
                        virDomainPtr   dom)
{
  gboolean cancelled;

  g_mutex_lock (&self->lock);
  g_assert (!self->running && !self->done);
  cancelled = self->cancel_requested;
  if (!cancelled && dom != NULL)
    {
      virDomainRef (dom);
      self->dom = dom;
      self->running = TRUE;
    }
  g_mutex_unlock (&self->lock);

  if (!cancelled && dom != NULL)
    vireo_thread_start (self->spec->thread_name, watch_thread, _vireo_job_watch_ref (self));
  return !cancelled;
}

/**
 * _vireo_job_watch_end:
 *
 * The call's thread, as soon as the call returned: stops the watch and
 * waits until it is gone. No call of the watch may outlive the blocking
 * call: the next worker call would overlap it.
 *
 * Returns: whether libvirt took an abort
 */
gboolean
_vireo_job_watch_end (VireoJobWatch *self)
{
  gboolean aborted;

  g_mutex_lock (&self->lock);
  self->done = TRUE;
  g_cond_broadcast (&self->cond);
  while (self->running)
    g_cond_wait (&self->cond, &self->lock);
  aborted = self->aborted;
  g_mutex_unlock (&self->lock);
  return aborted;
}
