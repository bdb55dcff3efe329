/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vireo-bench-console: what Vireo's graphical console costs. See
 * tests/bench/README.md ("Console benchmark") and vireo-bench-console.h
 * for the three roles of this program.
 *
 * The driver below runs the measured client once per GSK renderer (GTK
 * reads GSK_RENDERER once per process), runs remote-viewer against the
 * same synthetic server when it is installed, and prints the figures side
 * by side. It reports; it never fails on a timing. The exit status is 1
 * only when a run could not be made at all.
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <gtk/gtk.h>
#include <gvnc.h>

#include "vireo-bench-console.h"

/* Large enough for a 1920x1080 window at one to one. */
#define XVFB_SCREEN        "2048x1280x24"
#define VIEWER_TIMEOUT_US  (30 * G_USEC_PER_SEC)
#define TERM_TIMEOUT_US    (5 * G_USEC_PER_SEC)
#define TARGET_BEFORE_MS   2.0
#define GUEST_VIEWER_SETTLE_S 3

/* ---- shared helpers ------------------------------------------------------ */

static const char * const mode_names[] = { "idle", "full", "partial" };

const char *
bench_mode_to_string (BenchMode mode)
{
  return mode_names[mode];
}

gboolean
bench_mode_from_string (const char *s,
                        BenchMode  *mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    if (g_strcmp0 (s, mode_names[i]) == 0)
      {
        *mode = i;
        return TRUE;
      }
  return FALSE;
}

static guint64
clock_ns (clockid_t id)
{
  struct timespec ts;

  clock_gettime (id, &ts);
  return (guint64) ts.tv_sec * 1000000000u + ts.tv_nsec;
}

guint64
bench_thread_cpu_ns (void)
{
  return clock_ns (CLOCK_THREAD_CPUTIME_ID);
}

guint64
bench_process_cpu_ns (void)
{
  return clock_ns (CLOCK_PROCESS_CPUTIME_ID);
}

/* utime + stime of a process, all its threads, in clock ticks. */
gboolean
bench_proc_cpu_ticks (const char *pid,
                      guint64    *ticks)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (end = strrchr (text, ')')) == NULL)
    return FALSE;
  /* After "pid (comm)": state is field 3, utime 14, stime 15. */
  fields = g_strsplit (end + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return FALSE;
  *ticks = g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
  return TRUE;
}

static void
set_parent_death_signal (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Whatever ends the benchmark (^C, a harness's timeout), the X server,
 * the bus, the client, the viewer and the VNC servers it started end too. */
void
bench_die_with_parent (GSubprocessLauncher *launcher)
{
  g_subprocess_launcher_set_child_setup (launcher, set_parent_death_signal, NULL, NULL);
}

gboolean
bench_parse_size (const char *s,
                  int        *width,
                  int        *height)
{
  g_auto(GStrv) parts = g_strsplit (s, "x", 2);
  guint64 w, h;

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 64, 8192, &w, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 64, 8192, &h, NULL))
    return FALSE;
  *width = w;
  *height = h;
  return TRUE;
}

/* Nearest rank on sorted values; NAN when there are none. */
double
bench_percentile (GArray *sorted,
                  double  p)
{
  guint i;

  if (sorted->len == 0)
    return NAN;
  i = (guint) ceil (p / 100 * sorted->len);
  i = CLAMP (i, 1, sorted->len) - 1;
  return g_array_index (sorted, double, i);
}

/* ---- records ------------------------------------------------------------- */

/* One "RESULT" line, or one remote-viewer measurement: key -> value text. */
typedef GHashTable Record;

static Record *
record_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static Record *
record_parse (const char *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", -1);
  Record *r = record_new ();

  for (guint i = 1; words[i] != NULL; i++)
    {
      const char *eq = strchr (words[i], '=');

      if (eq != NULL)
        g_hash_table_insert (r, g_strndup (words[i], eq - words[i]), g_strdup (eq + 1));
    }
  return r;
}

static const char *
rec_str (Record     *r,
         const char *key)
{
  const char *v = g_hash_table_lookup (r, key);

  return v != NULL ? v : "";
}

static double
rec_num (Record     *r,
         const char *key)
{
  const char *v = g_hash_table_lookup (r, key);

  return v != NULL ? g_ascii_strtod (v, NULL) : NAN;
}

static void
rec_set_num (Record     *r,
             const char *key,
             double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_hash_table_insert (r, g_strdup (key), g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6g", value)));
}

static double
ratio (double a,
       double b)
{
  return b > 0 ? a / b : NAN;
}

/* The figures the tables show, from the raw sums of a Vireo record. */
static void
derive_vireo (Record *r)
{
  double seconds = rec_num (r, "seconds");
  double updates = rec_num (r, "updates");
  double frames = rec_num (r, "frames");
  /* A real guest has no server to count updates: its frames stand in. */
  double per_update = g_str_equal (rec_str (r, "mode"), "guest") ? frames : updates;

  rec_set_num (r, "updates_per_s", per_update == updates ? ratio (updates, seconds) : NAN);
  rec_set_num (r, "frames_per_s", ratio (frames, seconds));
  rec_set_num (r, "decode_ms_per_update", ratio (rec_num (r, "decode_ns"), per_update) / 1e6);
  rec_set_num (r, "copy_ms_per_frame", ratio (rec_num (r, "copy_ns"), frames) / 1e6);
  rec_set_num (r, "before_renderer_ms", rec_num (r, "decode_ms_per_update") + rec_num (r, "copy_ms_per_frame"));
  rec_set_num (r, "render_ms_per_frame", ratio (rec_num (r, "render_ns"), frames) / 1e6);
  rec_set_num (r, "render_wall_ms_per_frame", ratio (rec_num (r, "render_wall_us"), frames) / 1e3);
  rec_set_num (r, "x_server_cpu_pct", ratio (rec_num (r, "x_server_ns") / 1e9, seconds) * 100);
  rec_set_num (r, "main_cpu_pct", ratio (rec_num (r, "main_ns") / 1e9, seconds) * 100);
  rec_set_num (r, "process_cpu_pct", ratio (rec_num (r, "process_ns") / 1e9, seconds) * 100);
  rec_set_num (r, "process_ms_per_update", ratio (rec_num (r, "process_ns"), per_update) / 1e6);
  rec_set_num (r, "mib_copied_per_frame", ratio (rec_num (r, "copied"), frames) / (1024 * 1024));
  rec_set_num (r, "server_cpu_pct", ratio (rec_num (r, "server_ns") / 1e9, seconds) * 100);
}

/* ---- the driver's state -------------------------------------------------- */

typedef struct
{
  /* Options */
  char       *sizes;
  char       *modes;
  char       *rates;
  char       *renderers;
  char       *remote_viewer;
  char       *display;
  char       *json;
  char       *uri;
  char       *domain;
  char       *write_guest;
  char       *guest_size;
  char       *guest_change;
  double      seconds;
  double      warmup;
  int         keys;

  char       *self_exe;
  char       *workdir;
  GSubprocess *xvfb;
  GSubprocess *bus;
  char       *display_name;
  char       *bus_address;
  int         screen_width;
  int         screen_height;

  GPtrArray  *vireo;      /* of Record */
  GPtrArray  *latency;    /* of Record */
  GPtrArray  *viewer;     /* of Record */
  GPtrArray  *stages;     /* of Record */
  char       *viewer_path;
  char       *viewer_version;
  gboolean    failed;
} Driver;

/* ---- processes ----------------------------------------------------------- */

static void
on_exited (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) data = TRUE;
}

/* SIGTERM, then SIGKILL after TERM_TIMEOUT_US. Only processes this program
 * started come here. */
static void
stop_process (GSubprocess *process)
{
  g_autoptr(GMainContext) context = NULL;
  gint64 deadline;
  gboolean exited = FALSE;

  if (process == NULL || g_subprocess_get_identifier (process) == NULL)
    return;
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (process, NULL, on_exited, &exited);
  g_subprocess_send_signal (process, SIGTERM);
  deadline = g_get_monotonic_time () + TERM_TIMEOUT_US;
  while (!exited && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (context, FALSE);
      g_usleep (2000);
    }
  if (!exited)
    {
      g_subprocess_force_exit (process);
      while (!exited)
        g_main_context_iteration (context, TRUE);
    }
  g_main_context_pop_thread_default (context);
}

static void
set_child_env (Driver              *self,
               GSubprocessLauncher *launcher)
{
  g_autofree char *config = g_build_filename (self->workdir, "config", NULL);
  g_autofree char *cache = g_build_filename (self->workdir, "cache", NULL);
  g_autofree char *data = g_build_filename (self->workdir, "data", NULL);
  g_autofree char *runtime = g_build_filename (self->workdir, "runtime", NULL);

  g_subprocess_launcher_setenv (launcher, "DISPLAY", self->display_name, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "GDK_BACKEND", "x11", TRUE);
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  g_subprocess_launcher_setenv (launcher, "NO_AT_BRIDGE", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  if (self->bus_address != NULL)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", self->bus_address, TRUE);
}

static char *
read_first_line (GInputStream  *stream,
                 GError       **error)
{
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (stream);

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  return g_data_input_stream_read_line (data, NULL, NULL, error);
}

/* A private Xvfb: the window must fit a 1080p guest at one to one, and
 * nothing else on the display may draw. */
static gboolean
start_xvfb (Driver  *self,
            GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GInputStream) in = NULL;
  g_autofree char *line = NULL;
  int fds[2];

  bench_die_with_parent (launcher);
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return FALSE;
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  in = g_unix_input_stream_new (fds[0], TRUE);
  self->xvfb = g_subprocess_launcher_spawn (launcher, error, "Xvfb", "-displayfd", "3", "-screen", "0",
                                            XVFB_SCREEN, "-nolisten", "tcp", NULL);
  if (self->xvfb == NULL)
    {
      g_prefix_error (error, "cannot start Xvfb (apt-get install xvfb, or pass --display): ");
      return FALSE;
    }
  /* The launcher still holds the write end: let it go, or the read below
   * never sees the end of a dead Xvfb. */
  g_clear_object (&launcher);
  line = read_first_line (in, error);
  if (line == NULL)
    {
      g_prefix_error (error, "Xvfb did not start: ");
      return FALSE;
    }
  self->display_name = g_strdup_printf (":%s", g_strstrip (line));
  return TRUE;
}

/* A private session bus, when dbus-daemon is there: remote-viewer is a
 * GtkApplication, and without a bus GLib would autolaunch one that
 * outlives the benchmark. */
static void
start_bus (Driver *self)
{
  /* Its complaints about fd limits are noise here. */
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  bench_die_with_parent (launcher);
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    {
      self->bus_address = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
      return;
    }
  self->bus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--session", "--nofork",
                                           "--print-address=1", NULL);
  if (self->bus == NULL || (line = read_first_line (g_subprocess_get_stdout_pipe (self->bus), &error)) == NULL)
    {
      g_printerr ("vireo-bench-console: no private session bus (%s)\n", error->message);
      return;
    }
  self->bus_address = g_strdup (g_strstrip (line));
}

static void
read_screen_size (Driver *self)
{
  g_autofree char *out = NULL;
  g_autofree char *display_arg = g_strdup (self->display_name);
  const char *argv[] = { "xdpyinfo", "-display", display_arg, NULL };
  const char *dim;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, NULL, NULL) ||
      (dim = strstr (out, "dimensions:")) == NULL ||
      sscanf (dim, "dimensions: %dx%d", &self->screen_width, &self->screen_height) != 2)
    self->screen_width = self->screen_height = 0;
}

/* ---- Vireo: one client per renderer ------------------------------------- */

static void
run_client (Driver     *self,
            const char *renderer)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  char *line;

  bench_die_with_parent (launcher);
  set_child_env (self, launcher);
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", renderer, TRUE);

  g_ptr_array_add (argv, g_strdup (self->self_exe));
  g_ptr_array_add (argv, g_strdup ("--client"));
  g_ptr_array_add (argv, g_strdup_printf ("--seconds=%g", self->seconds));
  g_ptr_array_add (argv, g_strdup_printf ("--warmup=%g", self->warmup));
  if (self->xvfb != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--x-server-pid=%s", g_subprocess_get_identifier (self->xvfb)));
  if (self->uri != NULL)
    {
      g_ptr_array_add (argv, g_strdup_printf ("--uri=%s", self->uri));
      g_ptr_array_add (argv, g_strdup_printf ("--domain=%s", self->domain));
    }
  else
    {
      g_ptr_array_add (argv, g_strdup_printf ("--sizes=%s", self->sizes));
      g_ptr_array_add (argv, g_strdup_printf ("--modes=%s", self->modes));
      g_ptr_array_add (argv, g_strdup_printf ("--rates=%s", self->rates));
      /* Latency does not depend on the renderer: measured once. */
      g_ptr_array_add (argv, g_strdup_printf ("--keys=%d", self->vireo->len == 0 && self->latency->len == 0
                                                           ? self->keys : 0));
    }
  g_ptr_array_add (argv, NULL);

  g_printerr ("vireo-bench-console: Vireo, GSK_RENDERER=%s ...\n", renderer);
  client = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (client == NULL)
    {
      g_printerr ("vireo-bench-console: cannot start the client: %s\n", error->message);
      self->failed = TRUE;
      return;
    }
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (client));
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, NULL)) != NULL)
    {
      if (g_str_has_prefix (line, "RESULT "))
        {
          Record *r = record_parse (line);

          g_hash_table_insert (r, g_strdup ("gsk_renderer"), g_strdup (renderer));
          if (g_str_equal (rec_str (r, "kind"), "latency"))
            g_ptr_array_add (self->latency, r);
          else
            {
              derive_vireo (r);
              g_ptr_array_add (self->vireo, r);
              g_printerr ("  %sx%s %s rate %s: %.0f updates/s, %.2f ms before the renderer\n",
                          rec_str (r, "width"), rec_str (r, "height"), rec_str (r, "mode"), rec_str (r, "rate"),
                          rec_num (r, "updates_per_s"), rec_num (r, "before_renderer_ms"));
            }
        }
      g_free (line);
    }
  if (!g_subprocess_wait_check (client, NULL, &error))
    {
      g_printerr ("vireo-bench-console: the client (GSK_RENDERER=%s) failed: %s\n", renderer, error->message);
      self->failed = TRUE;
    }
}

/* ---- remote-viewer ------------------------------------------------------- */


static void
find_viewer (Driver *self)
{
  g_autofree char *out = NULL;

  if (g_str_equal (self->remote_viewer, "no"))
    return;
  /* A guest is reached through libvirt: virt-viewer --attach takes the
   * same path as Vireo (virDomainOpenGraphicsFD). */
  if (g_str_equal (self->remote_viewer, "auto"))
    self->viewer_path = g_find_program_in_path (self->uri != NULL ? "virt-viewer" : "remote-viewer");
  else
    self->viewer_path = g_strdup (self->remote_viewer);
  if (self->viewer_path == NULL)
    return;
  {
    const char *argv[] = { self->viewer_path, "--version", NULL };

    if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, NULL, NULL))
      self->viewer_version = g_strdup (g_strstrip (out));
  }
}

static gboolean
viewer_connected (BenchServer *server,
                  GSubprocess *viewer)
{
  gint64 deadline = g_get_monotonic_time () + VIEWER_TIMEOUT_US;
  BenchServerStats stats;

  while (g_get_monotonic_time () < deadline)
    {
      if (!bench_server_stats (server, &stats, NULL))
        return FALSE;
      if (stats.updates > 0)
        return TRUE;
      g_usleep (20000);
    }
  return FALSE;
}

static void
run_viewer_size (Driver *self,
                 int     width,
                 int     height)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(BenchServer) server = NULL;
  g_autoptr(GSubprocess) viewer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_auto(GStrv) modes = g_strsplit (self->modes, ",", -1);
  g_auto(GStrv) rates = g_strsplit (self->rates, ",", -1);
  guint16 port;
  long tick = sysconf (_SC_CLK_TCK);

  bench_die_with_parent (launcher);
  server = bench_server_spawn_tcp (self->self_exe, width, height, &port, &error);
  if (server == NULL)
    {
      g_printerr ("vireo-bench-console: cannot start the VNC server: %s\n", error->message);
      self->failed = TRUE;
      return;
    }
  address = g_strdup_printf ("vnc://127.0.0.1:%u", port);
  set_child_env (self, launcher);
  /* GTK 3 draws with cairo whatever GSK_RENDERER says. */
  viewer = g_subprocess_launcher_spawn (launcher, &error, self->viewer_path, address, NULL);
  if (viewer == NULL)
    {
      g_printerr ("vireo-bench-console: cannot start remote-viewer: %s\n", error->message);
      self->failed = TRUE;
      return;
    }
  if (!viewer_connected (server, viewer))
    {
      g_printerr ("vireo-bench-console: remote-viewer did not connect within %d s\n",
                  (int) (VIEWER_TIMEOUT_US / G_USEC_PER_SEC));
      stop_process (viewer);
      self->failed = TRUE;
      return;
    }
  /* Its window maps and settles. */
  g_usleep (G_USEC_PER_SEC);

  for (guint m = 0; modes[m] != NULL; m++)
    for (guint r = 0; rates[r] != NULL; r++)
      {
        BenchMode mode;
        double rate = g_ascii_strtod (rates[r], NULL);
        BenchServerStats s0, s1;
        guint64 t0, t1, x0 = 0, x1 = 0;
        gint64 w0, w1;
        double seconds;
        Record *rec;

        if (!bench_mode_from_string (modes[m], &mode) || mode == BENCH_MODE_IDLE)
          continue;
        if (!bench_server_set (server, mode, rate, &error))
          {
            g_printerr ("vireo-bench-console: %s\n", error->message);
            self->failed = TRUE;
            goto out;
          }
        g_usleep (self->warmup * G_USEC_PER_SEC);
        if (!bench_server_stats (server, &s0, &error) ||
            !bench_proc_cpu_ticks (g_subprocess_get_identifier (viewer), &t0))
          goto gone;
        if (self->xvfb != NULL)
          bench_proc_cpu_ticks (g_subprocess_get_identifier (self->xvfb), &x0);
        w0 = g_get_monotonic_time ();
        g_usleep (self->seconds * G_USEC_PER_SEC);
        if (!bench_proc_cpu_ticks (g_subprocess_get_identifier (viewer), &t1) ||
            !bench_server_stats (server, &s1, &error))
          goto gone;
        if (self->xvfb != NULL)
          bench_proc_cpu_ticks (g_subprocess_get_identifier (self->xvfb), &x1);
        w1 = g_get_monotonic_time ();
        seconds = (w1 - w0) / 1e6;

        rec = record_new ();
        g_hash_table_insert (rec, g_strdup ("kind"), g_strdup ("remote-viewer"));
        g_hash_table_insert (rec, g_strdup ("mode"), g_strdup (modes[m]));
        rec_set_num (rec, "rate", rate);
        rec_set_num (rec, "width", width);
        rec_set_num (rec, "height", height);
        rec_set_num (rec, "seconds", seconds);
        rec_set_num (rec, "updates", s1.updates - s0.updates);
        rec_set_num (rec, "process_ns", (double) (t1 - t0) / tick * 1e9);
        rec_set_num (rec, "cpu_resolution_pct", 100.0 / tick / seconds);
        rec_set_num (rec, "updates_per_s", (s1.updates - s0.updates) / seconds);
        rec_set_num (rec, "process_cpu_pct", (double) (t1 - t0) / tick / seconds * 100);
        rec_set_num (rec, "process_ms_per_update",
                     ratio ((double) (t1 - t0) / tick * 1e3, s1.updates - s0.updates));
        rec_set_num (rec, "server_cpu_pct", (s1.cpu_ns - s0.cpu_ns) / 1e9 / seconds * 100);
        rec_set_num (rec, "x_server_cpu_pct", self->xvfb != NULL ? (double) (x1 - x0) / tick / seconds * 100 : NAN);
        g_ptr_array_add (self->viewer, rec);
        g_printerr ("  %dx%d %s rate %g: %.0f updates/s, %.1f %% CPU\n", width, height, modes[m], rate,
                    rec_num (rec, "updates_per_s"), rec_num (rec, "process_cpu_pct"));
        continue;

      gone:
        g_printerr ("vireo-bench-console: remote-viewer or the server went away%s%s\n",
                    error != NULL ? ": " : "", error != NULL ? error->message : "");
        self->failed = TRUE;
        goto out;
      }

out:
  stop_process (viewer);
}

/* virt-viewer on the guest: its CPU and the X server's, over the same
 * length of time as Vireo's window. The guest paces the frames; nothing
 * counts them on the way, so there is no per-frame figure. */
static void
run_viewer_guest (Driver *self)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) viewer = NULL;
  g_autoptr(GError) error = NULL;
  long tick = sysconf (_SC_CLK_TCK);
  guint64 t0, t1, x0 = 0, x1 = 0;
  gint64 w0, w1;
  double seconds;
  Record *rec;

  bench_die_with_parent (launcher);
  g_printerr ("vireo-bench-console: %s --attach on the guest ...\n", self->viewer_path);
  set_child_env (self, launcher);
  viewer = g_subprocess_launcher_spawn (launcher, &error, self->viewer_path, "--connect", self->uri,
                                        "--attach", self->domain, NULL);
  if (viewer == NULL)
    {
      g_printerr ("vireo-bench-console: cannot start %s: %s\n", self->viewer_path, error->message);
      self->failed = TRUE;
      return;
    }
  /* Connecting and the first frames; there is no server here to ask. */
  g_usleep ((MAX (self->warmup, 0) + GUEST_VIEWER_SETTLE_S) * G_USEC_PER_SEC);
  if (!bench_proc_cpu_ticks (g_subprocess_get_identifier (viewer), &t0))
    goto gone;
  if (self->xvfb != NULL)
    bench_proc_cpu_ticks (g_subprocess_get_identifier (self->xvfb), &x0);
  w0 = g_get_monotonic_time ();
  g_usleep (self->seconds * G_USEC_PER_SEC);
  if (!bench_proc_cpu_ticks (g_subprocess_get_identifier (viewer), &t1))
    goto gone;
  if (self->xvfb != NULL)
    bench_proc_cpu_ticks (g_subprocess_get_identifier (self->xvfb), &x1);
  w1 = g_get_monotonic_time ();
  seconds = (w1 - w0) / 1e6;

  rec = record_new ();
  g_hash_table_insert (rec, g_strdup ("kind"), g_strdup ("virt-viewer"));
  g_hash_table_insert (rec, g_strdup ("mode"), g_strdup ("guest"));
  rec_set_num (rec, "rate", 0);
  rec_set_num (rec, "seconds", seconds);
  rec_set_num (rec, "process_cpu_pct", (double) (t1 - t0) / tick / seconds * 100);
  rec_set_num (rec, "cpu_resolution_pct", 100.0 / tick / seconds);
  rec_set_num (rec, "x_server_cpu_pct", self->xvfb != NULL ? (double) (x1 - x0) / tick / seconds * 100 : NAN);
  if (self->vireo->len > 0)
    {
      Record *first = g_ptr_array_index (self->vireo, 0);

      g_hash_table_insert (rec, g_strdup ("width"), g_strdup (rec_str (first, "width")));
      g_hash_table_insert (rec, g_strdup ("height"), g_strdup (rec_str (first, "height")));
    }
  g_ptr_array_add (self->viewer, rec);
  stop_process (viewer);
  return;

gone:
  g_printerr ("vireo-bench-console: %s exited early (did it connect?)\n", self->viewer_path);
  self->failed = TRUE;
}

static void
run_viewer (Driver *self)
{
  g_auto(GStrv) sizes = g_strsplit (self->sizes, ",", -1);

  g_printerr ("vireo-bench-console: remote-viewer (%s) ...\n", self->viewer_path);
  for (guint i = 0; sizes[i] != NULL; i++)
    {
      int width, height;

      if (bench_parse_size (sizes[i], &width, &height))
        run_viewer_size (self, width, height);
    }
}

/* ---- output -------------------------------------------------------------- */

static char *
cpu_model (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return g_strdup ("unknown");
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "model name"))
      {
        const char *colon = strchr (lines[i], ':');

        if (colon != NULL)
          return g_strstrip (g_strdup (colon + 1));
      }
  return g_strdup ("unknown");
}

static char *
machine_line (Driver *self)
{
  g_autofree char *model = cpu_model ();
  struct utsname u;

  uname (&u);
  return g_strdup_printf ("%u CPUs (%s), Linux %s, GTK %u.%u.%u, gvnc %s, X screen %s %dx%d",
                          g_get_num_processors (), model, u.release, gtk_get_major_version (),
                          gtk_get_minor_version (), gtk_get_micro_version (), vnc_util_get_version_string (),
                          self->display_name, self->screen_width, self->screen_height);
}

/* A figure, or "n/a" for one that could not be had. */
static const char *
fmt (char   *buf,
     gsize   len,
     int     decimals,
     double  value)
{
  if (isnan (value))
    g_strlcpy (buf, "n/a", len);
  else
    g_snprintf (buf, len, "%.*f", decimals, value);
  return buf;
}

static const char *
size_label (Record *r,
            char   *buf,
            gsize   len)
{
  g_snprintf (buf, len, "%sx%s", rec_str (r, "width"), rec_str (r, "height"));
  return buf;
}

static const char *
rate_label (Record *r,
            char   *buf,
            gsize   len)
{
  double rate = rec_num (r, "rate");

  if (g_str_equal (rec_str (r, "mode"), "guest"))
    g_snprintf (buf, len, "guest");
  else if (rate > 0)
    g_snprintf (buf, len, "%g/s", rate);
  else
    g_snprintf (buf, len, "max");
  return buf;
}

static void
print_vireo (Driver *self)
{
  const char *last = NULL;
  gboolean scaled = FALSE;

  for (guint i = 0; i < self->vireo->len; i++)
    {
      Record *r = g_ptr_array_index (self->vireo, i);
      char size[32], rate[32], upd[32], x[32];

      if (g_strcmp0 (last, rec_str (r, "gsk_renderer")) != 0)
        {
          last = rec_str (r, "gsk_renderer");
          printf ("\nVireo, GSK_RENDERER=%s (%s)\n", last, rec_str (r, "renderer"));
          printf ("%-9s %-7s %-5s | %6s %5s | %6s %5s %7s | %6s %6s | %5s %5s %5s | %6s | %6s\n",
                  "size", "change", "rate", "upd/s", "fps", "decode", "copy", "=before", "render", "(wall)",
                  "main%", "proc%", "X%", "ms/upd", "MiB/fr");
          printf ("---------------------------+--------------+----------------------+---------------+"
                  "-------------------+--------+-------\n");
        }
      if (rec_num (r, "drawn_width") != rec_num (r, "width") || rec_num (r, "drawn_height") != rec_num (r, "height"))
        scaled = TRUE;
      printf ("%-9s %-7s %-5s | %6s %5.1f | %6.2f %5.2f %7.2f | %6.2f %6.2f | %5.1f %5.1f %5s | %6.2f | %6.2f\n",
              size_label (r, size, sizeof size), rec_str (r, "mode"), rate_label (r, rate, sizeof rate),
              fmt (upd, sizeof upd, 1, rec_num (r, "updates_per_s")), rec_num (r, "frames_per_s"), rec_num (r, "decode_ms_per_update"),
              rec_num (r, "copy_ms_per_frame"), rec_num (r, "before_renderer_ms"),
              rec_num (r, "render_ms_per_frame"), rec_num (r, "render_wall_ms_per_frame"),
              rec_num (r, "main_cpu_pct"), rec_num (r, "process_cpu_pct"),
              fmt (x, sizeof x, 1, rec_num (r, "x_server_cpu_pct")),
              rec_num (r, "process_ms_per_update"), rec_num (r, "mib_copied_per_frame"));
    }
  if (self->vireo->len > 0)
    {
      printf ("  upd/s: updates the server sent; fps: frames GTK drew with new guest pixels.\n"
              "  decode: main-thread CPU outside GTK's frame cycle, per update (gvnc reading and writing\n"
              "  the pixels, Vireo's damage handling); copy: VireoFramebuffer's copy into its tiles' textures, per frame;\n"
              "  =before: decode + copy, \"before the renderer\"; render: main-thread CPU of the rest of the\n"
              "  frame cycle (layout, snapshot, GSK, handing the frame to X), wall time beside it.\n"
              "  main%%/proc%%: CPU of the main thread / whole client process; X%%: the X server's CPU\n"
              "  (n/a on a display not started here); ms/upd: client process CPU per update.\n");
      if (scaled)
        printf ("  Some windows did not show the guest at one to one (screen too small?): see drawn_* in the JSON.\n");
    }
}

static void
print_latency (Driver *self)
{
  if (self->latency->len == 0)
    return;
  printf ("\nInput latency, key press to the server reading it (ms), still screen, GSK_RENDERER=%s\n",
          rec_str (g_ptr_array_index (self->latency, 0), "gsk_renderer"));
  printf ("%-9s %-34s | %5s %5s | %7s %7s %7s %7s\n", "size", "path", "n", "lost", "min", "median", "p95", "max");
  printf ("---------------------------------------------+-------------+--------------------------------\n");
  for (guint i = 0; i < self->latency->len; i++)
    {
      Record *r = g_ptr_array_index (self->latency, i);
      const char *path = g_str_equal (rec_str (r, "path"), "x11")
                         ? "X key event (XTest) -> wire" : "vireo_graphics_session_key -> wire";
      char size[32];

      printf ("%-9s %-34s | %5s %5s | %7.2f %7.2f %7.2f %7.2f\n", size_label (r, size, sizeof size), path,
              rec_str (r, "n"), rec_str (r, "lost"),
              rec_num (r, "min_ms"), rec_num (r, "median_ms"), rec_num (r, "p95_ms"), rec_num (r, "max_ms"));
    }
}

static Record *
find_vireo (Driver     *self,
            const char *renderer,
            Record     *like)
{
  for (guint i = 0; i < self->vireo->len; i++)
    {
      Record *r = g_ptr_array_index (self->vireo, i);

      if (g_str_equal (rec_str (r, "gsk_renderer"), renderer) &&
          rec_num (r, "width") == rec_num (like, "width") && rec_num (r, "height") == rec_num (like, "height") &&
          g_str_equal (rec_str (r, "mode"), rec_str (like, "mode")) && rec_num (r, "rate") == rec_num (like, "rate"))
        return r;
    }
  return NULL;
}

static void
print_viewer (Driver *self)
{
  g_auto(GStrv) renderers = g_strsplit (self->renderers, ",", -1);
  const char *renderer = renderers[0];

  if (self->viewer_path == NULL)
    {
      printf ("\n%s: %s\n", self->uri != NULL ? "virt-viewer" : "remote-viewer",
              g_str_equal (self->remote_viewer, "no") ? "not measured (--remote-viewer no)"
                                                      : "not installed (package virt-viewer); no comparison");
      return;
    }
  if (self->viewer->len == 0)
    return;

  if (self->uri != NULL)
    {
      Record *v = g_ptr_array_index (self->viewer, 0);
      Record *r = find_vireo (self, renderer, v);

      printf ("\nvirt-viewer --attach (%s; GTK 3, gtk-vnc) beside Vireo (GSK_RENDERER=%s) on %s:\n",
              self->viewer_version != NULL ? self->viewer_version : self->viewer_path, renderer, self->domain);
      printf ("  client process CPU %%: %.1f / %.1f (virt-viewer / Vireo); X server CPU %%: %.1f / %.1f\n",
              rec_num (v, "process_cpu_pct"), r != NULL ? rec_num (r, "process_cpu_pct") : NAN,
              rec_num (v, "x_server_cpu_pct"), r != NULL ? rec_num (r, "x_server_cpu_pct") : NAN);
      printf ("  (the guest paces both; virt-viewer's frames are not counted, so there is no per-frame figure)\n");
      return;
    }

  printf ("\nremote-viewer (%s; GTK 3, gtk-vnc) beside Vireo (GSK_RENDERER=%s), same server and display.\n"
          "rv / vireo: updates a second; client process CPU per update (ms) and %% of one core;\n"
          "X server CPU %%; ratio = remote-viewer / Vireo\n",
          self->viewer_version != NULL ? self->viewer_version : self->viewer_path, renderer);
  printf ("%-9s %-7s %-5s | %15s | %22s | %13s | %13s\n", "size", "change", "rate", "upd/s",
          "CPU ms/upd", "CPU %", "X %");
  printf ("---------------------------+-----------------+------------------------+---------------+--------------\n");
  for (guint i = 0; i < self->viewer->len; i++)
    {
      Record *v = g_ptr_array_index (self->viewer, i);
      Record *r = find_vireo (self, renderer, v);
      char size[32], rate[32];

      if (r == NULL)
        continue;
      printf ("%-9s %-7s %-5s | %6.1f / %6.1f | %5.2f / %5.2f = %5.2fx | %5.1f / %5.1f | %5.1f / %5.1f\n",
              size_label (v, size, sizeof size), rec_str (v, "mode"), rate_label (v, rate, sizeof rate),
              rec_num (v, "updates_per_s"), rec_num (r, "updates_per_s"),
              rec_num (v, "process_ms_per_update"), rec_num (r, "process_ms_per_update"),
              ratio (rec_num (v, "process_ms_per_update"), rec_num (r, "process_ms_per_update")),
              rec_num (v, "process_cpu_pct"), rec_num (r, "process_cpu_pct"),
              rec_num (v, "x_server_cpu_pct"), rec_num (r, "x_server_cpu_pct"));
    }
  printf ("  remote-viewer's CPU is read from /proc/PID/stat (%ld ticks a second: %.2f %% resolution).\n",
          sysconf (_SC_CLK_TCK), 100.0 / sysconf (_SC_CLK_TCK) / self->seconds);
}

static void
print_stages (Driver *self)
{
  if (self->stages->len == 0)
    return;
  printf ("\nWhere the time before the renderer goes, stage by stage without GTK (reading thread's CPU,\n"
          "best of 30 frames; full-screen raw frames through a socket pair):\n");
  printf ("%-9s | %-24s | %-24s | %-12s | %-12s\n", "size", "recv 4 KiB + copy (gvnc)", "recv 256 KiB in place",
          "copy, full", "copy, 256x256");
  printf ("----------+--------------------------+--------------------------+--------------+--------------\n");
  for (guint i = 0; i + 3 < self->stages->len; i += 4)
    {
      Record *gvnc = g_ptr_array_index (self->stages, i);
      Record *big = g_ptr_array_index (self->stages, i + 1);
      Record *full = g_ptr_array_index (self->stages, i + 2);
      Record *part = g_ptr_array_index (self->stages, i + 3);
      char size[32], a[32], b[32];

      g_snprintf (a, sizeof a, "%.2f ms (%s recv)", rec_num (gvnc, "ms"), rec_str (gvnc, "recv_calls"));
      g_snprintf (b, sizeof b, "%.2f ms (%s recv)", rec_num (big, "ms"), rec_str (big, "recv_calls"));
      printf ("%-9s | %-24s | %-24s | %7.2f ms   | %7.3f ms\n", size_label (gvnc, size, sizeof size), a, b,
              rec_num (full, "ms"), rec_num (part, "ms"));
    }
  printf ("  \"copy\" is VireoFramebuffer's copy into its tiles' textures (vireo_framebuffer_update), as in the \"copy\" column.\n");
}

static void
print_targets (Driver *self)
{
  printf ("\nDesign targets (reported, never a failure):\n");
  for (guint i = 0; i < self->vireo->len; i++)
    {
      Record *r = g_ptr_array_index (self->vireo, i);
      double before = rec_num (r, "before_renderer_ms");

      if (rec_num (r, "width") != 1920 || rec_num (r, "height") != 1080 ||
          !g_str_equal (rec_str (r, "mode"), "full"))
        continue;
      printf ("  1080p full frame before the renderer (GSK_RENDERER=%s, rate %s): %.2f ms "
              "(decode %.2f + copy %.2f), target < %.0f ms: %s\n",
              rec_str (r, "gsk_renderer"), rec_str (r, "rate"), before, rec_num (r, "decode_ms_per_update"),
              rec_num (r, "copy_ms_per_frame"), TARGET_BEFORE_MS, before < TARGET_BEFORE_MS ? "met" : "missed");
    }
  for (guint i = 0; i < self->viewer->len; i++)
    {
      g_auto(GStrv) renderers = g_strsplit (self->renderers, ",", -1);
      Record *v = g_ptr_array_index (self->viewer, i);
      Record *r = find_vireo (self, renderers[0], v);
      char size[32], rate[32];
      gboolean fps_ok, cpu_ok;

      if (r == NULL || g_str_equal (rec_str (v, "mode"), "guest"))
        continue;
      /* Within 2 % counts as the same rate: a paced run gives both the
       * same frames, give or take the window's edges. */
      fps_ok = rec_num (r, "updates_per_s") >= 0.98 * rec_num (v, "updates_per_s");
      cpu_ok = rec_num (r, "process_ms_per_update") < rec_num (v, "process_ms_per_update");
      printf ("  %s %s %s: at least remote-viewer's frame rate %s, at lower CPU per update %s\n",
              size_label (v, size, sizeof size), rec_str (v, "mode"), rate_label (v, rate, sizeof rate),
              fps_ok ? "met" : "missed", cpu_ok ? "met" : "missed");
    }
}

static void
json_string (GString    *out,
             const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
json_records (GString    *out,
              const char *name,
              GPtrArray  *records)
{
  json_string (out, name);
  g_string_append (out, ": [");
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(GList) keys = g_hash_table_get_keys (records->pdata[i]);
      gboolean first = TRUE;

      g_string_append (out, i > 0 ? ",\n    {" : "\n    {");
      keys = g_list_sort (keys, (GCompareFunc) strcmp);
      for (GList *l = keys; l != NULL; l = l->next)
        {
          const char *v = g_hash_table_lookup (records->pdata[i], l->data);
          char *end;
          double d = g_ascii_strtod (v, &end);

          if (!first)
            g_string_append (out, ", ");
          first = FALSE;
          json_string (out, l->data);
          g_string_append (out, ": ");
          if (*v != '\0' && *end == '\0' && isfinite (d))
            g_string_append (out, v);
          else if (*v != '\0' && *end == '\0')
            g_string_append (out, "null");
          else
            json_string (out, v);
        }
      g_string_append (out, "}");
    }
  g_string_append (out, "\n  ]");
}

static gboolean
write_json (Driver  *self,
            GError **error)
{
  g_autoptr(GString) out = g_string_new ("{\n  ");
  g_autofree char *machine = machine_line (self);
  g_autofree char *model = cpu_model ();

  json_string (out, "machine");
  g_string_append (out, ": ");
  json_string (out, machine);
  g_string_append_printf (out, ",\n  \"nproc\": %u,\n  \"cpu_model\": ", g_get_num_processors ());
  json_string (out, model);
  g_string_append_printf (out, ",\n  \"seconds\": %g,\n  \"warmup\": %g,\n  ", self->seconds, self->warmup);
  json_string (out, "remote_viewer_version");
  g_string_append (out, ": ");
  if (self->viewer_version != NULL)
    json_string (out, self->viewer_version);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\n  ");
  json_records (out, "vireo", self->vireo);
  g_string_append (out, ",\n  ");
  json_records (out, "latency", self->latency);
  g_string_append (out, ",\n  ");
  json_records (out, "remote_viewer", self->viewer);
  g_string_append (out, ",\n  ");
  json_records (out, "stages", self->stages);
  g_string_append (out, "\n}\n");
  return g_file_set_contents (self->json, out->str, out->len, error);
}

/* ---- main ----------------------------------------------------------------- */

static int
driver_main (int    argc,
             char **argv)
{
  Driver self = { 0 };
  GOptionEntry entries[] = {
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &self.sizes, "Guest screen sizes (default 1024x768,1920x1080)", "WxH,..." },
    { "modes", 0, 0, G_OPTION_ARG_STRING, &self.modes, "What changes: full, partial (default both)", "LIST" },
    { "rates", 0, 0, G_OPTION_ARG_STRING, &self.rates,
      "Frames a second the server draws; 0: one per client request, as fast as it takes them (default 0,30)", "LIST" },
    { "renderer", 0, 0, G_OPTION_ARG_STRING, &self.renderers, "GSK_RENDERER values (default cairo,gl)", "LIST" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &self.seconds, "Length of each measured window (default 5)", "S" },
    { "warmup", 0, 0, G_OPTION_ARG_DOUBLE, &self.warmup, "Unmeasured time before each window (default 1)", "S" },
    { "keys", 0, 0, G_OPTION_ARG_INT, &self.keys, "Key presses per latency measurement (default 200; 0: none)", "N" },
    { "remote-viewer", 0, 0, G_OPTION_ARG_STRING, &self.remote_viewer,
      "auto (from PATH), no, or the program to compare with (default auto)", "auto|no|PATH" },
    { "display", 0, 0, G_OPTION_ARG_STRING, &self.display, "Use this X display instead of a private Xvfb", ":N" },
    { "uri", 0, 0, G_OPTION_ARG_STRING, &self.uri, "Measure a real guest on this libvirt URI instead", "URI" },
    { "domain", 0, 0, G_OPTION_ARG_STRING, &self.domain, "The running guest to measure (with --uri)", "NAME" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &self.json, "Also write every figure as JSON", "FILE" },
    { "write-guest", 0, 0, G_OPTION_ARG_FILENAME, &self.write_guest,
      "Write a guest whose screen keeps changing (ISO + domain XML) into DIR, and exit", "DIR" },
    { "guest-size", 0, 0, G_OPTION_ARG_STRING, &self.guest_size, "Its screen (default 1024x768)", "WxH" },
    { "guest-change", 0, 0, G_OPTION_ARG_STRING, &self.guest_change,
      "What it changes: full, or partial (a band at the top; default full)", "full|partial" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- CPU per frame, frame rate and input latency of Vireo's console");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) renderers = NULL;
  g_autofree char *machine = NULL;

  self.seconds = 5;
  self.warmup = 1;
  self.keys = 200;
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vireo-bench-console: %s\n", error->message);
      return 2;
    }
  if (self.write_guest != NULL)
    {
      int width, height;
      BenchMode change;

      if (!bench_parse_size (self.guest_size != NULL ? self.guest_size : "1024x768", &width, &height) ||
          !bench_mode_from_string (self.guest_change != NULL ? self.guest_change : "full", &change) ||
          change == BENCH_MODE_IDLE)
        {
          g_printerr ("vireo-bench-console: bad --guest-size or --guest-change\n");
          return 2;
        }
      if (!bench_write_guest (self.write_guest, width, height, change, &error))
        {
          g_printerr ("vireo-bench-console: %s\n", error->message);
          return 1;
        }
      printf ("%s/vireo-bench-guest.xml\n", self.write_guest);
      return 0;
    }
  if ((self.uri == NULL) != (self.domain == NULL))
    {
      g_printerr ("vireo-bench-console: --uri and --domain go together\n");
      return 2;
    }
  if (self.seconds <= 0 || self.warmup < 0 || self.keys < 0)
    {
      g_printerr ("vireo-bench-console: --seconds must be above 0, --warmup and --keys not below\n");
      return 2;
    }
  if (self.sizes == NULL)
    self.sizes = g_strdup ("1024x768,1920x1080");
  if (self.modes == NULL)
    self.modes = g_strdup ("full,partial");
  if (self.rates == NULL)
    self.rates = g_strdup ("0,30");
  if (self.renderers == NULL)
    self.renderers = g_strdup ("cairo,gl");
  if (self.remote_viewer == NULL)
    self.remote_viewer = g_strdup ("auto");

  self.self_exe = g_file_read_link ("/proc/self/exe", &error);
  self.workdir = g_dir_make_tmp ("vireo-bench-console-XXXXXX", &error);
  if (self.self_exe == NULL || self.workdir == NULL)
    {
      g_printerr ("vireo-bench-console: %s\n", error->message);
      return 1;
    }
  self.vireo = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  self.latency = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  self.viewer = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  self.stages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);

  if (self.display != NULL)
    self.display_name = g_strdup (self.display);
  else if (!start_xvfb (&self, &error))
    {
      g_printerr ("vireo-bench-console: %s\n", error->message);
      return 1;
    }
  start_bus (&self);
  read_screen_size (&self);

  machine = machine_line (&self);
  g_printerr ("vireo-bench-console: %s\n", machine);

  renderers = g_strsplit (self.renderers, ",", -1);
  for (guint i = 0; renderers[i] != NULL; i++)
    run_client (&self, renderers[i]);

  find_viewer (&self);
  if (self.uri != NULL && self.viewer_path != NULL)
    run_viewer_guest (&self);
  if (self.uri == NULL)
    {
      g_auto(GStrv) sizes = g_strsplit (self.sizes, ",", -1);

      if (self.viewer_path != NULL)
        run_viewer (&self);
      g_printerr ("vireo-bench-console: stages ...\n");
      for (guint i = 0; sizes[i] != NULL; i++)
        {
          int width, height;

          if (bench_parse_size (sizes[i], &width, &height))
            bench_stages_run (width, height, self.stages);
        }
    }

  printf ("vireo-bench-console: %s\n", machine);
  printf ("each window %g s after %g s warm-up; \"max\": the server draws a frame per request, "
          "as fast as the client asks\n", self.seconds, self.warmup);
  print_vireo (&self);
  print_stages (&self);
  print_latency (&self);
  print_viewer (&self);
  print_targets (&self);

  if (self.json != NULL && !write_json (&self, &error))
    {
      g_printerr ("vireo-bench-console: cannot write %s: %s\n", self.json, error->message);
      self.failed = TRUE;
    }

  stop_process (self.bus);
  stop_process (self.xvfb);
  g_clear_object (&self.bus);
  g_clear_object (&self.xvfb);
  {
    const char *argv_rm[] = { "rm", "-rf", self.workdir, NULL };

    g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }

  g_ptr_array_unref (self.vireo);
  g_ptr_array_unref (self.latency);
  g_ptr_array_unref (self.viewer);
  g_ptr_array_unref (self.stages);
  g_free (self.sizes);
  g_free (self.modes);
  g_free (self.rates);
  g_free (self.renderers);
  g_free (self.remote_viewer);
  g_free (self.display);
  g_free (self.json);
  g_free (self.uri);
  g_free (self.domain);
  g_free (self.self_exe);
  g_free (self.workdir);
  g_free (self.display_name);
  g_free (self.bus_address);
  g_free (self.viewer_path);
  g_free (self.viewer_version);
  return self.failed ? 1 : 0;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--serve-fd") || g_str_equal (argv[i], "--serve-tcp"))
        return bench_server_main (argc, argv);
      if (g_str_equal (argv[i], "--client"))
        return bench_client_main (argc, argv);
    }
  return driver_main (argc, argv);
}
