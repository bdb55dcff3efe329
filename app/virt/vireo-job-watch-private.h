/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/*
 * A watch beside one long blocking libvirt call (a save, a migration, a
 * snapshot delete's merge) that runs on a connection's ops worker: a thread
 * of its own that polls libvirt about the call's job, carries out queued
 * requests and sends an abort on a cancel, and that the call's thread
 * starts just before the call and stops, waiting for it, just after.
 * Private to vireo-save-restore.c, vireo-migrate-job.c and
 * vireo-snapshot-ops.c; see vireo-job-watch.c for why it is built so.
 */
typedef struct _VireoJobWatch VireoJobWatch;

/**
 * VireoJobWatchPoll:
 * @VIREO_JOB_WATCH_NOTHING: no job of the call's yet, or a query that
 *   failed for now
 * @VIREO_JOB_WATCH_SEEN: libvirt's job is there: from now on an abort it
 *   refuses is final
 * @VIREO_JOB_WATCH_UNSUPPORTED: the driver cannot answer: no more polls
 *   (wins over a reading taken in the same poll)
 *
 * What one poll found.
 */
typedef enum
{
  VIREO_JOB_WATCH_NOTHING,
  VIREO_JOB_WATCH_SEEN,
  VIREO_JOB_WATCH_UNSUPPORTED,
} VireoJobWatchPoll;

/* Watch thread: one poll of @dom. A reading for the main thread goes into
 * *@reading (transfer full); NULL for none. */
typedef VireoJobWatchPoll (*VireoJobWatchPollFunc)    (virDomainPtr  dom,
                                                       gpointer      data,
                                                       gpointer     *reading);
/* Watch thread: carries out one request (transfer full) on @dom. */
typedef void              (*VireoJobWatchRequestFunc) (virDomainPtr  dom,
                                                       gpointer      request,
                                                       gpointer      data);
/* Main thread: the latest reading (borrowed). Never after
 * _vireo_job_watch_detach(). */
typedef void              (*VireoJobWatchDeliverFunc) (gpointer      reading,
                                                       gpointer      data);

/* What a kind of call watches, and how often: a static const per kind. */
typedef struct
{
  const char               *thread_name;
  guint                     first_poll_ms;
  guint                     poll_ms;
  guint                     abort_retry_ms;  /* a cancel before libvirt's job began */
  VireoJobWatchPollFunc     poll;
  VireoJobWatchRequestFunc  run_request;     /* (nullable): no requests */
  VireoJobWatchDeliverFunc  deliver;
  GDestroyNotify            reading_free;
} VireoJobWatchSpec;

/* Main thread: setting up and ending a run. */
VireoJobWatch *_vireo_job_watch_new                 (const VireoJobWatchSpec *spec,
                                                     gpointer                 data,
                                                     GDestroyNotify           data_free);
void           _vireo_job_watch_follow_cancellable  (VireoJobWatch           *self,
                                                     GCancellable            *cancellable);
void           _vireo_job_watch_detach              (VireoJobWatch           *self);

/* Any thread. */
VireoJobWatch *_vireo_job_watch_ref                 (VireoJobWatch           *self);
void           _vireo_job_watch_unref               (gpointer                 self);
gpointer       _vireo_job_watch_get_data            (VireoJobWatch           *self);
void           _vireo_job_watch_cancel              (VireoJobWatch           *self);
void           _vireo_job_watch_push_request        (VireoJobWatch           *self,
                                                     gpointer                 request);
gpointer       _vireo_job_watch_pop_request         (VireoJobWatch           *self);

/* The blocking call's thread, around the call. */
gboolean       _vireo_job_watch_begin               (VireoJobWatch           *self,
                                                     virDomainPtr             dom);
gboolean       _vireo_job_watch_end                 (VireoJobWatch           *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoJobWatch, _vireo_job_watch_unref)

G_END_DECLS
