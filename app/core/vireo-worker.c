/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-worker"

#include "config.h"

#include "vireo-worker.h"

struct _VireoWorker
{
  gatomicrefcount  ref_count;
  char            *name;
  GThread         *thread;
  GAsyncQueue     *queue;
  gpointer         worker_data;
  GDestroyNotify   worker_data_free;
  gint             pending;     /* atomic: jobs pushed but not finished */
  gboolean         shut_down;   /* main-thread only */
};

/* Worker threads still running, process-wide: exit must not pull libraries
 * out from under a thread that is still closing a connection. */
static gint live_threads;

typedef struct
{
  GTask           *task;       /* NULL for the stop sentinel */
  VireoWorkerFunc  func;
  gpointer         func_data;
} Job;

static gboolean
unref_on_owner_context (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

/* The task's last reference may be the one this thread holds; dropping it
 * here could finalize the source object (a GObject of the main thread) on the
 * worker. Hand the reference back to the context the task was created in. */
static void
release_task (GTask *task)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, unref_on_owner_context, task, NULL);
  g_source_set_static_name (source, "[vireo] release task");
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

static gpointer
vireo_worker_thread (gpointer data)
{
  VireoWorker *self = data;

  for (;;)
    {
      Job *job = g_async_queue_pop (self->queue);
      GTask *task = job->task;

      if (task == NULL)
        {
          g_free (job);
          break;
        }

      if (!g_task_return_error_if_cancelled (task))
        job->func (task,
                   g_task_get_source_object (task),
                   g_task_get_task_data (task),
                   g_task_get_cancellable (task),
                   self->worker_data,
                   job->func_data);

      g_free (job);
      g_atomic_int_dec_and_test (&self->pending);
      release_task (task);
    }

  vireo_worker_unref (self);
  g_atomic_int_dec_and_test (&live_threads);
  return NULL;
}

/**
 * vireo_worker_new:
 * @name: a thread name for debuggers
 * @worker_data: (transfer full): handed to every job, freed with the worker
 */
VireoWorker *
vireo_worker_new (const char     *name,
                  gpointer        worker_data,
                  GDestroyNotify  worker_data_free)
{
  VireoWorker *self = g_new0 (VireoWorker, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->queue = g_async_queue_new ();
  self->worker_data = worker_data;
  self->worker_data_free = worker_data_free;

  /* The thread keeps the worker alive until it has drained its queue. */
  g_atomic_int_inc (&live_threads);
  self->thread = g_thread_new (name, vireo_worker_thread, vireo_worker_ref (self));

  return self;
}

VireoWorker *
vireo_worker_ref (VireoWorker *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
vireo_worker_unref (VireoWorker *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  if (self->worker_data_free != NULL)
    self->worker_data_free (self->worker_data);
  g_clear_pointer (&self->thread, g_thread_unref);
  g_async_queue_unref (self->queue);
  g_free (self->name);
  g_free (self);
}

/**
 * vireo_worker_push:
 * @task: (transfer full): a task created on the calling thread's context
 * @func: what to run on the worker thread
 * @func_data: passed to @func; owned by the caller, must outlive the job
 *
 * Queues @func. The task's callback runs on the context @task belongs to.
 */
void
vireo_worker_push (VireoWorker     *self,
                   GTask           *task,
                   VireoWorkerFunc  func,
                   gpointer         func_data)
{
  Job *job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  if (self->shut_down)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "The worker has been shut down");
      g_object_unref (task);
      return;
    }

  job = g_new0 (Job, 1);
  job->task = task;
  job->func = func;
  job->func_data = func_data;
  g_atomic_int_inc (&self->pending);
  g_async_queue_push (self->queue, job);
}

/**
 * vireo_worker_shutdown:
 *
 * Lets the thread finish what is queued, then exit. Does not wait: a job
 * may be stuck on a dead host for a long time and the UI must not.
 */
void
vireo_worker_shutdown (VireoWorker *self)
{
  g_return_if_fail (self != NULL);

  if (self->shut_down)
    return;

  self->shut_down = TRUE;
  g_async_queue_push (self->queue, g_new0 (Job, 1));
}

gboolean
vireo_worker_is_current (VireoWorker *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return g_thread_self () == self->thread;
}

guint
vireo_worker_get_pending (VireoWorker *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return (guint) g_atomic_int_get (&self->pending);
}

typedef struct
{
  GThreadFunc func;
  gpointer    data;
} Counted;

static gpointer
counted_thread (gpointer data)
{
  Counted *c = data;

  c->func (c->data);
  g_free (c);
  g_atomic_int_dec_and_test (&live_threads);
  return NULL;
}

/**
 * vireo_thread_start:
 * @name: a thread name for debuggers
 * @func: the thread's body; its return value is ignored
 *
 * Starts a detached thread that vireo_worker_wait_all() waits for, as it
 * does for workers: a console's stream thread may still be closing its
 * stream when the process wants to exit. Nobody joins it, so the UI never
 * waits on a thread that waits on a dead host.
 */
void
vireo_thread_start (const char  *name,
                    GThreadFunc  func,
                    gpointer     data)
{
  Counted *c = g_new0 (Counted, 1);

  c->func = func;
  c->data = data;
  g_atomic_int_inc (&live_threads);
  g_thread_unref (g_thread_new (name, counted_thread, c));
}

/**
 * vireo_worker_wait_all:
 * @timeout_us: how long to wait at most
 *
 * Waits, iterating the default main context so that pending results and
 * releases run, until every worker thread has exited. Called before the
 * process exits: a worker may still be closing a remote connection, and
 * exit-time library teardown under it can crash. Bounded, because a dead
 * host must never hold up quitting for long.
 *
 * Returns: whether all workers finished in time
 */
gboolean
vireo_worker_wait_all (gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  while (g_atomic_int_get (&live_threads) > 0)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

/**
 * vireo_main_invoke:
 * @func: runs once on the main thread
 *
 * Queues @func on the global default main context, always. Unlike
 * g_main_context_invoke(), never runs it inline: called from a worker while
 * the main thread happens not to own the context, that would run main-thread
 * code (GObjects, widgets) on the worker.
 */
void
vireo_main_invoke (GSourceFunc     func,
                   gpointer        data,
                   GDestroyNotify  destroy,
                   int             priority)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[vireo] main invoke");
  g_source_attach (source, g_main_context_default ());
  g_source_unref (source);
}

static GThread *main_thread;

/**
 * vireo_main_thread_init:
 *
 * Records the calling thread as the one GObjects live on, for
 * vireo_is_main_thread().
 */
void
vireo_main_thread_init (void)
{
  main_thread = g_thread_self ();
}

/**
 * vireo_is_main_thread:
 *
 * Returns: whether the caller is the main thread (TRUE before
 *   vireo_main_thread_init(), so pure unit tests need not call it)
 */
gboolean
vireo_is_main_thread (void)
{
  return main_thread == NULL || g_thread_self () == main_thread;
}
