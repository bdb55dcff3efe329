/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A single background thread that runs jobs one after another, in the order
 * they were pushed. Each VireoConnection owns its own, so a slow or dead host
 * only ever delays itself.
 */
typedef struct _VireoWorker VireoWorker;

/**
 * VireoWorkerFunc:
 * @task: the task to return a result on (from this thread)
 * @source_object: the task's source object; never touch its state here
 * @task_data: the task's data (plain data, owned by the task)
 * @cancellable: the task's cancellable
 * @worker_data: the data the worker was created with
 * @func_data: the data given to vireo_worker_push() with this job
 *
 * Runs on the worker thread. Must return a result on @task before returning.
 */
typedef void (*VireoWorkerFunc) (GTask        *task,
                                 gpointer      source_object,
                                 gpointer      task_data,
                                 GCancellable *cancellable,
                                 gpointer      worker_data,
                                 gpointer      func_data);

VireoWorker *vireo_worker_new        (const char      *name,
                                      gpointer         worker_data,
                                      GDestroyNotify   worker_data_free);
VireoWorker *vireo_worker_ref        (VireoWorker     *self);
void         vireo_worker_unref      (VireoWorker     *self);
void         vireo_worker_push       (VireoWorker     *self,
                                      GTask           *task,
                                      VireoWorkerFunc  func,
                                      gpointer         func_data);
void         vireo_worker_shutdown   (VireoWorker     *self);
gboolean     vireo_worker_is_current (VireoWorker     *self);
guint        vireo_worker_get_pending (VireoWorker    *self);
gboolean     vireo_worker_wait_all   (gint64          timeout_us);
void         vireo_thread_start      (const char     *name,
                                      GThreadFunc      func,
                                      gpointer         data);
void         vireo_main_thread_init  (void);
gboolean     vireo_is_main_thread    (void);
void         vireo_main_invoke       (GSourceFunc     func,
                                      gpointer        data,
                                      GDestroyNotify  destroy,
                                      int             priority);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoWorker, vireo_worker_unref)

G_END_DECLS
