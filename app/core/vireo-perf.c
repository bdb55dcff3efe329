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

#define PROBE_INTERVAL_MS 10
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

typedef struct
{
  gint64 expected;
  gint64 window_start;
  gint64 max_late;
  guint  over;
} Probe;

/* A 10 ms timer measures how late the main loop serves it: any lateness is
 * time the UI could not have answered input either. */
static gboolean
probe_tick (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = now - probe->expected;

  if (late > probe->max_late)
    probe->max_late = late;
  if (late > STALL_US)
    probe->over++;

  if (now - probe->window_start >= REPORT_INTERVAL_US)
    {
      vireo_perf_mark ("stall", "max_us=%" G_GINT64_FORMAT " over16=%u",
                       MAX (probe->max_late, 0), probe->over);
      probe->window_start = now;
      probe->max_late = 0;
      probe->over = 0;
    }

  probe->expected = now + PROBE_INTERVAL_MS * 1000;
  return G_SOURCE_CONTINUE;
}

void
vireo_perf_start_stall_probe (void)
{
  Probe *probe;

  if (!vireo_perf_enabled ())
    return;

  probe = g_new0 (Probe, 1);
  probe->window_start = g_get_monotonic_time ();
  probe->expected = probe->window_start + PROBE_INTERVAL_MS * 1000;
  g_timeout_add_full (G_PRIORITY_DEFAULT, PROBE_INTERVAL_MS, probe_tick, probe, g_free);
}
