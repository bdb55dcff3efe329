/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-save-restore.h"
#include "vireo-test-virt.h"

G_BEGIN_DECLS

/* The calls of vireo-save-restore.h, waited for: shared by
 * test-save-restore (test driver) and test-save-integration (QEMU). */

/* Every "progress" a save job notified, in order. */
typedef struct
{
  GArray *values;   /* double */
  gulong  handler;
} VireoTestProgress;

static inline void
vireo_test_progress_cb (GObject           *job,
                        GParamSpec        *pspec,
                        VireoTestProgress *p)
{
  double value = vireo_save_job_get_progress (VIREO_SAVE_JOB (job));
  g_array_append_val (p->values, value);
}

static inline void
vireo_test_progress_watch (VireoTestProgress *p,
                           VireoSaveJob      *job)
{
  p->values = g_array_new (FALSE, FALSE, sizeof (double));
  p->handler = g_signal_connect (job, "notify::progress", G_CALLBACK (vireo_test_progress_cb), p);
}

static inline void
vireo_test_progress_unwatch (VireoTestProgress *p,
                             VireoSaveJob      *job)
{
  g_clear_signal_handler (&p->handler, job);
  g_clear_pointer (&p->values, g_array_unref);
}

static inline double
vireo_test_progress_at (VireoTestProgress *p,
                        guint              i)
{
  return g_array_index (p->values, double, i);
}

/* "0.25 0.5 1": what the test log shows of a run. */
static inline char *
vireo_test_progress_string (VireoTestProgress *p)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < p->values->len; i++)
    g_string_append_printf (s, "%s%g", i > 0 ? " " : "", vireo_test_progress_at (p, i));
  return g_string_free (s, FALSE);
}

static inline void
vireo_test_save_start (VireoSaveJob   *job,
                       GCancellable   *cancellable,
                       VireoTestAsync *a)
{
  vireo_save_job_run_async (job, cancellable, vireo_test_async_cb, a);
}

static inline gboolean
vireo_test_save_finish (VireoSaveJob    *job,
                        VireoTestAsync  *a,
                        GError         **error)
{
  gboolean ok = vireo_save_job_run_finish (job, vireo_test_async_wait (a, 300), error);

  g_clear_object (&a->result);
  return ok;
}

static inline gboolean
vireo_test_save (VireoSaveJob  *job,
                 GCancellable  *cancellable,
                 GError       **error)
{
  VireoTestAsync a = { 0 };

  vireo_test_save_start (job, cancellable, &a);
  return vireo_test_save_finish (job, &a, error);
}

static inline char *
vireo_test_restore (VireoConnection    *conn,
                    const char         *path,
                    VireoRestoreState   state,
                    GError            **error)
{
  VireoTestAsync a = { 0 };
  char *uuid;

  vireo_connection_restore_async (conn, path, state, NULL, vireo_test_async_cb, &a);
  uuid = vireo_connection_restore_finish (conn, vireo_test_async_wait (&a, 300), error);
  g_object_unref (a.result);
  return uuid;
}

static inline char *
vireo_test_read_save_image (VireoConnection  *conn,
                            const char       *path,
                            GError          **error)
{
  VireoTestAsync a = { 0 };
  char *xml;

  vireo_connection_read_save_image_async (conn, path, NULL, vireo_test_async_cb, &a);
  xml = vireo_connection_read_save_image_finish (conn, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return xml;
}

static inline gboolean
vireo_test_has_managed_save (VireoDomain  *domain,
                             GError      **error)
{
  VireoTestAsync a = { 0 };
  gboolean has;

  vireo_domain_has_managed_save_async (domain, NULL, vireo_test_async_cb, &a);
  has = vireo_domain_has_managed_save_finish (domain, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return has;
}

static inline gboolean
vireo_test_remove_managed_save (VireoDomain  *domain,
                                GError      **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_domain_remove_managed_save_async (domain, NULL, vireo_test_async_cb, &a);
  ok = vireo_domain_remove_managed_save_finish (domain, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return ok;
}

static inline gboolean
vireo_test_sync_clock (VireoDomain  *domain,
                       GError      **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_domain_sync_clock_async (domain, NULL, vireo_test_async_cb, &a);
  ok = vireo_domain_sync_clock_finish (domain, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return ok;
}

static inline gboolean
vireo_test_domain_action (VireoDomain        *domain,
                          VireoDomainAction   action,
                          GError            **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_domain_action_async (domain, action, NULL, vireo_test_async_cb, &a);
  ok = vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 120), error);
  g_object_unref (a.result);
  return ok;
}

G_END_DECLS
