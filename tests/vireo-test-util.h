/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

G_BEGIN_DECLS

static inline void
vireo_test_drop_log (const char     *domain,
                     GLogLevelFlags  level,
                     const char     *message,
                     gpointer        user_data)
{
}

/* GLib's "already finalized" criticals are uses after free that show up
 * about once in a few dozen runs: gdb writes every thread's stack to
 * stderr before the abort, so the run that hits one says where. */
static inline GLogWriterOutput
vireo_test_trace_writer (GLogLevelFlags   log_level,
                         const GLogField *fields,
                         gsize            n_fields,
                         gpointer         user_data)
{
  if (log_level & G_LOG_LEVEL_CRITICAL)
    for (gsize i = 0; i < n_fields; i++)
      if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0
          && strstr (fields[i].value, "finalized") != NULL)
        {
          g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
          char *argv[] = { "gdb", "-nx", "-batch", "-p", pid, "-ex", "thread apply all bt", NULL };
          g_autofree char *out = NULL;

          g_log_writer_default (log_level, fields, n_fields, user_data);
          /* To stderr, so that TAP on stdout stays parseable. */
          g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                        NULL, NULL);
          if (out != NULL)
            fputs (out, stderr);
          break;
        }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static inline void
vireo_test_trace_finalized_objects (void)
{
  g_log_set_writer_func (vireo_test_trace_writer, NULL, NULL);
}

/* libvirt-glib logs every event-loop timer change at debug level. */
static inline void
vireo_test_quiet_libvirt_glib (void)
{
  g_log_set_handler (NULL, G_LOG_LEVEL_DEBUG, vireo_test_drop_log, NULL);
  g_log_set_handler ("Libvirt.GLib", G_LOG_LEVEL_DEBUG, vireo_test_drop_log, NULL);
}

/* spice-glib warns when a channel closes halfway through its handshake,
 * as it does when a test stops a machine whose screen is being opened.
 * Those warnings are printed and the test goes on; every other warning
 * stays fatal. GLib marks them fatal (g_test_init's always-fatal mask,
 * which no domain mask undoes): the domain's own handler keeps GLib's
 * test handler from reporting them as a bail-out, and the fatal handler
 * keeps them from aborting. GLib resets the fatal handler at the start of
 * each test: call this in the test function. */
static inline gboolean
vireo_test_spice_tolerant_fatal (const char     *log_domain,
                                 GLogLevelFlags  log_level,
                                 const char     *message,
                                 gpointer        user_data)
{
  return !(g_strcmp0 (log_domain, "GSpice") == 0 && (log_level & G_LOG_LEVEL_WARNING));
}

static inline void
vireo_test_spice_print_warning (const char     *log_domain,
                                GLogLevelFlags  log_level,
                                const char     *message,
                                gpointer        user_data)
{
  g_log_default_handler (log_domain, log_level & ~G_LOG_FLAG_FATAL, message, user_data);
}

static inline void
vireo_test_tolerate_spice_warnings (void)
{
  g_log_set_handler ("GSpice", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL, vireo_test_spice_print_warning, NULL);
  g_test_log_set_fatal_handler (vireo_test_spice_tolerant_fatal, NULL);
}

typedef gboolean (*VireoTestCondition) (gpointer data);

/* Spins the default main context until @cond holds or @timeout_s passes.
 * A timeout is a failure: these waits stand for "the event arrives". */
static inline void
vireo_test_wait_for (VireoTestCondition  cond,
                     gpointer            data,
                     double              timeout_s,
                     const char         *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %.1f s waiting for %s", timeout_s, what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

typedef struct
{
  GAsyncResult *result;
} VireoTestAsync;

static inline void
vireo_test_async_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  VireoTestAsync *a = user_data;
  a->result = g_object_ref (result);
}

static inline gboolean
vireo_test_async_done (gpointer data)
{
  return ((VireoTestAsync *) data)->result != NULL;
}

/* Waits for an async call started with vireo_test_async_cb. */
static inline GAsyncResult *
vireo_test_async_wait (VireoTestAsync *a,
                       double          timeout_s)
{
  vireo_test_wait_for (vireo_test_async_done, a, timeout_s, "an async result");
  return a->result;
}

G_END_DECLS
