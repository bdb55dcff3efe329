/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-perf"

#include "config.h"

#include <stdio.h>

#include "vireo-perf.h"

/*
 * Milestones for the benchmark harness (tests/bench), printed only when
 * VIREO_PERF=1 so that a harness can time them without guessing from
 * screenshots: `VIREO-PERF <event> mono_us=<g_get_monotonic_time()> ...`.
 */

#define REPORT_INTERVAL_US (5 * G_USEC_PER_SEC)
#define STALL_US 16000

gboolean
vireo_perf_enabled (void)
{
  static int enabled = -1;

  if (enabled < 0)
    enabled = g_strcmp0 (g_getenv ("VIREO_PERF"), "1") == 0;
  return enabled;
}

void
vireo_perf_mark (const char *event,
                 const char *format,
                 ...)
{
  g_autofree char *extra = NULL;
  va_list args;

  if (!vireo_perf_enabled ())
    return;

  if (format != NULL)
    {
      va_start (args, format);
      extra = g_strdup_vprintf (format, args);
      va_end (args);
    }

  printf ("VIREO-PERF %s mono_us=%" G_GINT64_FORMAT "%s%s\n",
          event, g_get_monotonic_time (), extra ? " " : "", extra ? extra : "");
  fflush (stdout);
}

/* The stall probe wraps the main context's poll: the time from one poll's
 * return to the next poll's start is one stretch of main-loop work, exactly
 * what any input arriving then would have waited behind. Unlike a periodic
 * timer it costs no wake-ups, so it does not disturb the idle-CPU figure it
 * is measured beside. */
static struct
{
  gint64 last_return;     /* when the previous poll returned */
  gint64 max_busy;
  guint  over;
} probe;

static void
report_window (void)
{
  vireo_perf_mark ("stall", "max_us=%" G_GINT64_FORMAT " over16=%u", probe.max_busy, probe.over);
  probe.max_busy = 0;
  probe.over = 0;
}

static gint
probe_poll (GPollFD *fds,
            guint    nfds,
            gint     timeout)
{
  gint ret;

  if (probe.last_return != 0)
    {
      gint64 busy = g_get_monotonic_time () - probe.last_return;

      probe.max_busy = MAX (probe.max_busy, busy);
      if (busy > STALL_US)
        probe.over++;
    }
  ret = g_poll (fds, nfds, timeout);
  probe.last_return = g_get_monotonic_time ();
  return ret;
}

/* Reports from a timer, not from the poll hook, so that each line covers
 * exactly the REPORT_INTERVAL_US before it, as the harness assumes. */
static gboolean
report_tick (gpointer data)
{
  report_window ();
  return G_SOURCE_CONTINUE;
}

void
vireo_perf_start_stall_probe (void)
{
  if (!vireo_perf_enabled ())
    return;

  g_main_context_set_poll_func (NULL, probe_poll);
  g_timeout_add (REPORT_INTERVAL_US / 1000, report_tick, NULL);
}
