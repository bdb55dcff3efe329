/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include "vireo-format.h"
#include "vireo-history.h"
#include "vireo-worker.h"

static void
test_parse_size (void)
{
  const guint64 G = G_GUINT64_CONSTANT (1) << 30;
  static const struct { const char *text; guint64 bytes; } good[] = {
    { "20", 20 * (G_GUINT64_CONSTANT (1) << 30) },
    { " 20G ", 20 * (G_GUINT64_CONSTANT (1) << 30) },
    { "20 GiB", 20 * (G_GUINT64_CONSTANT (1) << 30) },
    { "20gb", 20 * (G_GUINT64_CONSTANT (1) << 30) },
    { "512M", 512 * (G_GUINT64_CONSTANT (1) << 20) },
    { "1.5T", 3 * (G_GUINT64_CONSTANT (1) << 39) },
    { "4096 B", 4096 },
    { "0", 0 },
  };
  static const char *bad[] = { NULL, "", "-1", "+1", "G", "20X", "20 GiBs", "1e30T", "nan" };
  guint64 bytes;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (vireo_parse_size (good[i].text, G, &bytes));
      g_assert_cmpuint (bytes, ==, good[i].bytes);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      bytes = 1;
      g_assert_false (vireo_parse_size (bad[i], G, &bytes));
      g_assert_cmpuint (bytes, ==, 0);
    }
}

static void
test_format_sizes (void)
{
  g_autofree char *a = vireo_format_size_kib (512 * 1024);
  g_autofree char *b = vireo_format_size_kib (16 * 1024 * 1024);
  g_autofree char *c = vireo_format_rate (-1);
  g_autofree char *d = vireo_format_rate (512);
  g_autofree char *e = vireo_format_rate (2500000);
  g_autofree char *f = vireo_format_percent (3.14);
  g_autofree char *g = vireo_format_percent (42.4);
  g_autofree char *h = vireo_format_percent (-1);

  g_assert_cmpstr (a, ==, "512.0\u00a0MiB");
  g_assert_cmpstr (b, ==, "16.0\u00a0GiB");
  g_assert_cmpstr (c, ==, "—");
  g_assert_cmpstr (d, ==, "512 B/s");
  g_assert_cmpstr (e, ==, "2.5\u00a0MB/s");
  g_assert_cmpstr (f, ==, "3.1 %");
  g_assert_cmpstr (g, ==, "42 %");
  g_assert_cmpstr (h, ==, "—");
}

static void
test_history_ring (void)
{
  g_autoptr(VireoHistory) h = vireo_history_new (3);

  g_assert_cmpuint (vireo_history_get_length (h), ==, 0);
  vireo_history_push (h, 1);
  vireo_history_push (h, 2);
  g_assert_cmpuint (vireo_history_get_length (h), ==, 2);
  g_assert_cmpfloat (vireo_history_get (h, 0), ==, 1);
  g_assert_cmpfloat (vireo_history_get (h, 1), ==, 2);

  /* Wraps: the oldest sample falls out, order stays oldest first. */
  vireo_history_push (h, 3);
  vireo_history_push (h, 4);
  g_assert_cmpuint (vireo_history_get_length (h), ==, 3);
  g_assert_cmpfloat (vireo_history_get (h, 0), ==, 2);
  g_assert_cmpfloat (vireo_history_get (h, 2), ==, 4);
  g_assert_cmpfloat (vireo_history_get_max (h), ==, 4);

  vireo_history_clear (h);
  g_assert_cmpuint (vireo_history_get_length (h), ==, 0);
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  GMainLoop *loop;
  GPtrArray *order;
  GThread   *main_thread;
  guint      pending;
  guint      cancelled;
} WorkerFixture;

static void
record_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable,
               gpointer      worker_data,
               gpointer      func_data)
{
  /* Runs off the main thread, with the data given at push time. */
  g_assert_true (g_thread_self () != ((WorkerFixture *) func_data)->main_thread);
  g_assert_cmpstr (worker_data, ==, "worker-data");
  g_usleep (1000);
  g_task_return_int (task, GPOINTER_TO_INT (task_data));
}

static void
record_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  WorkerFixture *f = user_data;
  g_autoptr(GError) error = NULL;
  gssize value;

  /* Callbacks come back on the thread that created the task. */
  g_assert_true (g_thread_self () == f->main_thread);

  value = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      f->cancelled++;
    }
  else
    g_ptr_array_add (f->order, GINT_TO_POINTER ((int) value));

  if (--f->pending == 0)
    g_main_loop_quit (f->loop);
}

static void
test_worker_serial_order (void)
{
  WorkerFixture f = { 0 };
  g_autoptr(VireoWorker) worker = vireo_worker_new ("test", g_strdup ("worker-data"), g_free);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GObject *source = g_object_new (G_TYPE_OBJECT, NULL);

  f.loop = g_main_loop_new (NULL, FALSE);
  f.order = g_ptr_array_new ();
  f.main_thread = g_thread_self ();

  for (int i = 0; i < 20; i++)
    {
      GTask *task = g_task_new (source, i == 7 ? cancellable : NULL, record_done, &f);
      g_task_set_task_data (task, GINT_TO_POINTER (i), NULL);
      f.pending++;
      vireo_worker_push (worker, task, record_thread, &f);
    }
  /* Job 7 is still queued behind others: it must not run. */
  g_cancellable_cancel (cancellable);

  g_main_loop_run (f.loop);

  g_assert_cmpuint (f.cancelled, ==, 1);
  g_assert_cmpuint (f.order->len, ==, 19);
  for (guint i = 1; i < f.order->len; i++)
    g_assert_cmpint (GPOINTER_TO_INT (f.order->pdata[i - 1]), <, GPOINTER_TO_INT (f.order->pdata[i]));
  g_assert_false (g_ptr_array_find (f.order, GINT_TO_POINTER (7), NULL));

  /* The worker hands each task back to the main context; the source object
   * must be finalized here, on this thread, once we drop it. */
  g_object_add_weak_pointer (source, (gpointer *) &source);
  g_object_unref (source);
  while (source != NULL)
    g_main_context_iteration (NULL, TRUE);

  vireo_worker_shutdown (worker);
  g_ptr_array_unref (f.order);
  g_main_loop_unref (f.loop);
}

static void
finalize_on_main_thread (gpointer  data,
                         GObject  *where_the_object_was)
{
  GThread **main_thread = data;

  g_assert_true (g_thread_self () == *main_thread);
  *main_thread = NULL;
}

static void
slow_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable,
             gpointer      worker_data,
             gpointer      func_data)
{
  g_task_return_boolean (task, TRUE);
  /* The main thread may have consumed the result and dropped its refs by
   * now; the worker's own reference must still not finalize here. */
  g_usleep (50 * 1000);
}

static void
test_worker_releases_on_main (void)
{
  g_autoptr(VireoWorker) worker = vireo_worker_new ("test", NULL, NULL);
  GObject *source = g_object_new (G_TYPE_OBJECT, NULL);
  GThread *main_thread = g_thread_self ();
  GTask *task = g_task_new (source, NULL, NULL, NULL);

  g_object_weak_ref (source, finalize_on_main_thread, &main_thread);
  vireo_worker_push (worker, task, slow_thread, NULL);
  g_object_unref (source);

  while (main_thread != NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (vireo_worker_get_pending (worker), ==, 0);
  vireo_worker_shutdown (worker);
}

static void
test_worker_refuses_after_shutdown (void)
{
  g_autoptr(VireoWorker) worker = vireo_worker_new ("test", NULL, NULL);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  vireo_worker_shutdown (worker);
  task = g_task_new (NULL, NULL, NULL, NULL);
  vireo_worker_push (worker, g_object_ref (task), slow_thread, &done);

  g_assert_true (g_task_had_error (task));
  g_assert_false (g_task_propagate_boolean (task, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

static void
blocking_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable,
                 gpointer      worker_data,
                 gpointer      func_data)
{
  /* Stands for a call stuck on a dead host, until the test lets it go. */
  while (!g_atomic_int_get ((gint *) func_data))
    g_usleep (1000);
  g_task_return_boolean (task, TRUE);
}

static void
test_worker_wait_all (void)
{
  VireoWorker *worker = vireo_worker_new ("stuck", NULL, NULL);
  gint release = FALSE;

  vireo_worker_push (worker, g_task_new (NULL, NULL, NULL, NULL), blocking_thread, &release);
  vireo_worker_shutdown (worker);
  vireo_worker_unref (worker);

  /* Bounded: a stuck worker does not hold up exit past the timeout. */
  g_assert_false (vireo_worker_wait_all (50 * 1000));

  g_atomic_int_set (&release, TRUE);
  g_assert_true (vireo_worker_wait_all (10 * G_USEC_PER_SEC));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/format/sizes", test_format_sizes);
  g_test_add_func ("/core/format/parse-size", test_parse_size);
  g_test_add_func ("/core/history/ring", test_history_ring);
  g_test_add_func ("/core/worker/serial-order-and-cancel", test_worker_serial_order);
  g_test_add_func ("/core/worker/releases-on-main", test_worker_releases_on_main);
  g_test_add_func ("/core/worker/refuses-after-shutdown", test_worker_refuses_after_shutdown);
  g_test_add_func ("/core/worker/wait-all", test_worker_wait_all);

  return g_test_run ();
}
