/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * vireo-bench-console is one program in three roles, so that nothing but
 * Vireo's own work is counted in the process that is measured:
 *
 *   the driver (no arguments of the roles below): starts Xvfb and a bus
 *   when asked to, runs one client per renderer and remote-viewer, prints
 *   the tables and writes the JSON;
 *
 *   --client: a GTK process with VireoVncSession and VireoDisplay, which
 *   measures itself and prints "RESULT key=value ..." lines;
 *
 *   --serve-fd / --serve-tcp: the synthetic VNC server (tests/vireo-fake-vnc.c)
 *   in a process of its own, drawing frames and answering on stdin/stdout.
 */

/* Which part of the screen each frame changes. */
typedef enum
{
  BENCH_MODE_IDLE,
  BENCH_MODE_FULL,      /* the whole screen */
  BENCH_MODE_PARTIAL,   /* a 256x256 square that moves */
} BenchMode;

#define BENCH_PARTIAL_SIZE 256

const char *bench_mode_to_string   (BenchMode    mode);
gboolean    bench_mode_from_string (const char  *s,
                                    BenchMode   *mode);

int         bench_server_main      (int          argc,
                                    char       **argv);
int         bench_client_main      (int          argc,
                                    char       **argv);
gboolean    bench_write_guest      (const char  *dir,
                                    int          width,
                                    int          height,
                                    BenchMode    change,
                                    GError     **error);
/* Appends one record (key -> value text) per stage to @records. */
void        bench_stages_run       (int          width,
                                    int          height,
                                    GPtrArray   *records);

/* The server process, seen from the process that started it. */
typedef struct _BenchServer BenchServer;

BenchServer *bench_server_spawn_fd   (const char  *self_exe,
                                      int          width,
                                      int          height,
                                      int         *client_fd,
                                      GError     **error);
BenchServer *bench_server_spawn_tcp  (const char  *self_exe,
                                      int          width,
                                      int          height,
                                      guint16     *port,
                                      GError     **error);
gboolean     bench_server_set        (BenchServer *self,
                                      BenchMode    mode,
                                      double       rate,
                                      GError     **error);

typedef struct
{
  guint64 updates;        /* framebuffer updates sent */
  guint   keys;           /* key events received */
  gint64  last_key_us;    /* g_get_monotonic_time() at the last one */
  guint64 cpu_ns;         /* the server process's own CPU */
} BenchServerStats;

gboolean     bench_server_stats      (BenchServer      *self,
                                      BenchServerStats *stats,
                                      GError          **error);
void         bench_server_free       (BenchServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchServer, bench_server_free)

/* Small helpers shared by the roles. */
guint64      bench_thread_cpu_ns     (void);
guint64      bench_process_cpu_ns    (void);
gboolean     bench_proc_cpu_ticks    (const char  *pid,
                                      guint64     *ticks);
void         bench_die_with_parent   (GSubprocessLauncher *launcher);
gboolean     bench_parse_size        (const char  *s,
                                      int         *width,
                                      int         *height);
double       bench_percentile        (GArray      *sorted_doubles,
                                      double       p);

G_END_DECLS
