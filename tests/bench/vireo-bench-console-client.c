/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The measured process of the console benchmark: Vireo's own VNC session
 * and display widget in a GtkWindow, against the synthetic server (another
 * process) or a real guest's display.
 *
 * Where the main thread's time goes, per frame:
 *
 *   decode   everything the main thread does outside GTK's frame cycle:
 *            gvnc reading the socket and writing the pixels into Vireo's
 *            framebuffer, the session's damage handling and update
 *            requests, and the main loop itself;
 *   copy     VireoFramebuffer's copy of the damage into a texture's memory
 *            (vireo_framebuffer_update, which renews the textures of the
 *            tiles the damage touches). The widget does it in snapshot();
 *            here the frame clock's before-paint handler does it first, so
 *            the copy can be timed on its own and snapshot() finds nothing
 *            left to copy;
 *   render   the rest of the frame cycle, before-paint to after-paint:
 *            layout, snapshot, GSK's renderer, handing the frame to X.
 *
 * "Before the renderer" is decode + copy. Times are CLOCK_THREAD_CPUTIME_ID
 * of the main thread; the process's CPU (CLOCK_PROCESS_CPUTIME_ID) adds
 * GTK's and Mesa's threads.
 *
 * Results go to stdout as "RESULT key=value ..." lines for the driver.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gdk/x11/gdkx.h>
#include <X11/keysym.h>

#include "vireo-bench-console.h"
#include "vireo-display.h"
#include "vireo-framebuffer.h"
#include "vireo-virt.h"
#include "vireo-vnc-session.h"

#define CONNECT_TIMEOUT_S 30

typedef int (*XTestFakeKeyEventFunc) (Display *, unsigned int, int, unsigned long);

typedef struct
{
  /* Options */
  const char       *self_exe;
  char            **modes;
  GArray           *rates;          /* of double */
  double            seconds;
  double            warmup;
  int               keys;
  const char       *uri;
  const char       *domain;
  const char       *x_server_pid;

  /* The session on screen */
  BenchServer      *server;
  VireoVncSession  *session;
  GtkWindow        *window;
  VireoDisplay     *display;
  GdkFrameClock    *clock;
  gulong            before_paint_id;
  gulong            after_paint_id;
  guint             damaged;        /* "damaged" signals, ever */

  /* One frame cycle */
  guint64           cycle_start;
  guint64           after_copy;
  gint64            after_copy_wall;

  /* Sums over a measured window */
  gboolean          measuring;
  guint64           cycle_ns;
  guint64           copy_ns;
  guint64           copy_wall_us;
  guint64           render_wall_us;
  guint             cycles;
  guint             frames;         /* cycles with new guest pixels */

  /* XTest, when libXtst can be loaded */
  XTestFakeKeyEventFunc fake_key;
} Client;

/* ---- main loop ------------------------------------------------------------ */

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @seconds, sleeping in poll() when idle. */
static void
run_for (double seconds)
{
  gboolean done = FALSE;

  g_timeout_add_full (G_PRIORITY_HIGH, MAX (1, (guint) (seconds * 1000)), set_flag, &done, NULL);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef gboolean (*Condition) (Client *self);

static gboolean
run_until (Client     *self,
           Condition   cond,
           double      timeout_s,
           const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!cond (self))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_printerr ("vireo-bench-console: timed out after %.0f s waiting for %s\n", timeout_s, what);
          return FALSE;
        }
      run_for (0.001);
    }
  return TRUE;
}

/* ---- frame clock ---------------------------------------------------------- */

static VireoFramebuffer *
framebuffer (Client *self)
{
  return vireo_graphics_session_get_framebuffer (VIREO_GRAPHICS_SESSION (self->session));
}

static void
on_before_paint (GdkFrameClock *clock,
                 Client        *self)
{
  VireoFramebuffer *fb = framebuffer (self);
  gint64 wall;

  self->cycle_start = bench_thread_cpu_ns ();
  self->after_copy = self->cycle_start;
  self->after_copy_wall = wall = g_get_monotonic_time ();
  if (fb == NULL || !vireo_framebuffer_has_damage (fb))
    return;

  /* The copy snapshot() would make, made (and timed) here. */
  vireo_framebuffer_update (fb);
  self->after_copy = bench_thread_cpu_ns ();
  self->after_copy_wall = g_get_monotonic_time ();
  if (self->measuring)
    {
      self->copy_ns += self->after_copy - self->cycle_start;
      self->copy_wall_us += self->after_copy_wall - wall;
      self->frames++;
    }
}

static void
on_after_paint (GdkFrameClock *clock,
                Client        *self)
{
  if (!self->measuring)
    return;
  self->cycle_ns += bench_thread_cpu_ns () - self->cycle_start;
  self->render_wall_us += g_get_monotonic_time () - self->after_copy_wall;
  self->cycles++;
}

static void
on_damaged (VireoGraphicsSession *session,
            Client               *self)
{
  self->damaged++;
}

/* ---- the window ----------------------------------------------------------- */

static gboolean
session_ready (Client *self)
{
  VireoGraphicsState state = vireo_graphics_session_get_state (VIREO_GRAPHICS_SESSION (self->session));

  return state == VIREO_GRAPHICS_STATE_DISCONNECTED ||
         (state == VIREO_GRAPHICS_STATE_CONNECTED && framebuffer (self) != NULL);
}

static gboolean
window_drawn (Client *self)
{
  VireoFramebuffer *fb = framebuffer (self);

  return gtk_widget_get_mapped (GTK_WIDGET (self->display)) &&
         gtk_widget_get_width (GTK_WIDGET (self->display)) > 0 &&
         fb != NULL && !vireo_framebuffer_has_damage (fb) && self->damaged > 0;
}

static const char *
renderer_name (Client *self)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (self->window));

  return renderer != NULL ? G_OBJECT_TYPE_NAME (renderer) : "none";
}

/* Opens the window on a connected session; FALSE (and a message) when the
 * session fails. */
static gboolean
show_session (Client *self,
              int     fd)
{
  g_autoptr(GError) error = NULL;
  VireoFramebuffer *fb;
  int width, height;

  self->session = vireo_vnc_session_new ();
  self->damaged = 0;
  g_signal_connect (self->session, "damaged", G_CALLBACK (on_damaged), self);
  if (!vireo_vnc_session_open_fd (self->session, fd, TRUE, &error))
    {
      g_printerr ("vireo-bench-console: %s\n", error->message);
      return FALSE;
    }
  if (!run_until (self, session_ready, CONNECT_TIMEOUT_S, "the VNC handshake"))
    return FALSE;
  if (vireo_graphics_session_get_state (VIREO_GRAPHICS_SESSION (self->session)) != VIREO_GRAPHICS_STATE_CONNECTED)
    {
      g_printerr ("vireo-bench-console: the VNC session failed: %s\n",
                  vireo_graphics_session_get_error (VIREO_GRAPHICS_SESSION (self->session)));
      return FALSE;
    }

  fb = framebuffer (self);
  width = vireo_framebuffer_get_width (fb);
  height = vireo_framebuffer_get_height (fb);

  /* Scaled to fit, as Vireo shows a console; the window is the guest's
   * size, so on a screen that large that is one to one. */
  self->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (self->window, "vireo-bench-console");
  gtk_window_set_default_size (self->window, width, height);
  self->display = VIREO_DISPLAY (vireo_display_new ());
  vireo_display_set_session (self->display, VIREO_GRAPHICS_SESSION (self->session));
  gtk_window_set_child (self->window, GTK_WIDGET (self->display));
  gtk_window_present (self->window);
  if (!run_until (self, window_drawn, CONNECT_TIMEOUT_S, "the window's first frame"))
    return FALSE;

  self->clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->window));
  self->before_paint_id = g_signal_connect (self->clock, "before-paint", G_CALLBACK (on_before_paint), self);
  self->after_paint_id = g_signal_connect (self->clock, "after-paint", G_CALLBACK (on_after_paint), self);
  return TRUE;
}

static gboolean
session_closed (Client *self)
{
  return self->session == NULL ||
         vireo_graphics_session_get_state (VIREO_GRAPHICS_SESSION (self->session)) ==
         VIREO_GRAPHICS_STATE_DISCONNECTED;
}

static void
close_session (Client *self)
{
  if (self->clock != NULL)
    {
      g_clear_signal_handler (&self->before_paint_id, self->clock);
      g_clear_signal_handler (&self->after_paint_id, self->clock);
      self->clock = NULL;
    }
  if (self->window != NULL)
    {
      gtk_window_destroy (self->window);
      self->window = NULL;
      self->display = NULL;
    }
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      vireo_graphics_session_close (VIREO_GRAPHICS_SESSION (self->session));
      /* gvnc finishes its shutdown on the main loop. */
      run_until (self, session_closed, 5, "the VNC session to close");
      g_clear_object (&self->session);
    }
  run_for (0.05);
}

/* ---- measuring ------------------------------------------------------------ */

typedef struct
{
  gint64  wall_us;
  guint64 main_ns;
  guint64 process_ns;
  guint64 x_ticks;
  guint64 copied;
  guint   damaged;
} Mark;

/* utime + stime of the X server, when it is ours to watch: GTK hands it
 * the finished frame, and copying that is work it does for us. */
static guint64
x_server_ticks (Client *self)
{
  guint64 ticks = 0;

  if (self->x_server_pid != NULL)
    bench_proc_cpu_ticks (self->x_server_pid, &ticks);
  return ticks;
}

static void
mark (Client *self,
      Mark   *m)
{
  VireoFramebuffer *fb = framebuffer (self);

  m->wall_us = g_get_monotonic_time ();
  m->main_ns = bench_thread_cpu_ns ();
  m->process_ns = bench_process_cpu_ns ();
  m->x_ticks = x_server_ticks (self);
  m->copied = fb != NULL ? vireo_framebuffer_get_copied_bytes (fb) : 0;
  m->damaged = self->damaged;
}

/* Measures one window and prints it; @extra names the scenario. */
static void
measure (Client     *self,
         const char *extra)
{
  BenchServerStats s0 = { 0 }, s1 = { 0 };
  g_autoptr(GError) error = NULL;
  Mark m0, m1;
  graphene_rect_t area;
  int width = 0, height = 0;
  guint64 main_ns, decode_ns;
  char x_ns[32];

  run_for (self->warmup);

  self->cycle_ns = self->copy_ns = self->copy_wall_us = self->render_wall_us = 0;
  self->cycles = self->frames = 0;
  if (self->server != NULL && !bench_server_stats (self->server, &s0, &error))
    g_error ("vireo-bench-console: %s", error->message);
  mark (self, &m0);
  self->measuring = TRUE;
  run_for (self->seconds);
  self->measuring = FALSE;
  mark (self, &m1);
  if (self->server != NULL && !bench_server_stats (self->server, &s1, &error))
    g_error ("vireo-bench-console: %s", error->message);

  if (self->x_server_pid != NULL)
    g_snprintf (x_ns, sizeof x_ns, "%.0f", (double) (m1.x_ticks - m0.x_ticks) / sysconf (_SC_CLK_TCK) * 1e9);
  else
    g_strlcpy (x_ns, "unknown", sizeof x_ns);
  main_ns = m1.main_ns - m0.main_ns;
  decode_ns = main_ns > self->cycle_ns ? main_ns - self->cycle_ns : 0;
  vireo_display_get_guest_size (self->display, &width, &height);
  if (!vireo_display_get_guest_area (self->display, &area))
    graphene_rect_init (&area, 0, 0, 0, 0);

  printf ("RESULT kind=vireo renderer=%s width=%d height=%d %s seconds=%.3f"
          " updates=%" G_GUINT64_FORMAT " damaged=%u frames=%u cycles=%u"
          " main_ns=%" G_GUINT64_FORMAT " decode_ns=%" G_GUINT64_FORMAT " copy_ns=%" G_GUINT64_FORMAT
          " copy_wall_us=%" G_GUINT64_FORMAT " render_ns=%" G_GUINT64_FORMAT " render_wall_us=%" G_GUINT64_FORMAT
          " process_ns=%" G_GUINT64_FORMAT " server_ns=%" G_GUINT64_FORMAT " copied=%" G_GUINT64_FORMAT
          " x_server_ns=%s drawn_width=%.0f drawn_height=%.0f\n",
          renderer_name (self), width, height, extra, (m1.wall_us - m0.wall_us) / 1e6,
          s1.updates - s0.updates, m1.damaged - m0.damaged, self->frames, self->cycles,
          main_ns, decode_ns, self->copy_ns, self->copy_wall_us,
          self->cycle_ns - self->copy_ns, self->render_wall_us, m1.process_ns - m0.process_ns, s1.cpu_ns - s0.cpu_ns,
          m1.copied - m0.copied, x_ns, area.size.width, area.size.height);
  fflush (stdout);
}

/* ---- input latency ------------------------------------------------------- */

static gboolean
window_active (Client *self)
{
  return gtk_window_is_active (self->window);
}

static void
load_xtest (Client *self)
{
  GdkDisplay *display = gdk_display_get_default ();
  int opcode, event, error;
  void *lib;

  /* Loaded at run time: libXtst comes with xdotool and most X desktops,
   * and its headers are not needed to build Vireo. */
  if (!GDK_IS_X11_DISPLAY (display) ||
      !XQueryExtension (gdk_x11_display_get_xdisplay (display), "XTEST", &opcode, &event, &error) ||
      (lib = dlopen ("libXtst.so.6", RTLD_NOW | RTLD_LOCAL)) == NULL)
    return;
  self->fake_key = (XTestFakeKeyEventFunc) dlsym (lib, "XTestFakeKeyEvent");
}

/* The window gets the X keyboard focus and the display grabs the keyboard,
 * as after a click on it. */
static gboolean
take_keyboard (Client *self)
{
  GdkDisplay *display = gdk_display_get_default ();

  if (GDK_IS_X11_DISPLAY (display))
    {
      Display *xdisplay = gdk_x11_display_get_xdisplay (display);
      GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self->window));

      XSetInputFocus (xdisplay, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
      XFlush (xdisplay);
    }
  if (!run_until (self, window_active, 10, "the window to have the keyboard"))
    return FALSE;
  vireo_display_grab (self->display);
  return vireo_display_get_grabbed (self->display);
}

typedef enum
{
  KEY_PATH_X11,       /* an X key event (XTest) through GTK and the widget */
  KEY_PATH_SESSION,   /* vireo_graphics_session_key() */
} KeyPath;

static void
send_key (Client   *self,
          KeyPath   path,
          gboolean  down)
{
  if (path == KEY_PATH_X11)
    {
      Display *xdisplay = gdk_x11_display_get_xdisplay (gdk_display_get_default ());

      self->fake_key (xdisplay, XKeysymToKeycode (xdisplay, XK_a), down, CurrentTime);
      XFlush (xdisplay);
    }
  else
    vireo_graphics_session_key (VIREO_GRAPHICS_SESSION (self->session), 0x1e, GDK_KEY_a, down);
}

/* Waits until the server has @keys key events; the time is the server's
 * own stamp, so how often this asks does not change it. */
static gboolean
wait_for_keys (Client           *self,
               guint64           keys,
               BenchServerStats *stats)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  /* Let the main loop run undisturbed first: this is where the event is
   * read and the message written. */
  run_for (0.002);
  for (;;)
    {
      if (!bench_server_stats (self->server, stats, &error))
        g_error ("vireo-bench-console: %s", error->message);
      if (stats->keys >= keys)
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      run_for (0.001);
    }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
measure_keys (Client  *self,
              KeyPath  path)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  BenchServerStats stats;
  guint lost = 0;

  if (!bench_server_stats (self->server, &stats, &error))
    g_error ("vireo-bench-console: %s", error->message);
  for (int i = 0; i < self->keys; i++)
    {
      guint64 before = stats.keys;
      gint64 t0 = g_get_monotonic_time ();

      send_key (self, path, TRUE);
      if (!wait_for_keys (self, before + 1, &stats))
        {
          lost++;
          continue;
        }
      {
        double ms = (stats.last_key_us - t0) / 1000.0;

        g_array_append_val (samples, ms);
      }
      send_key (self, path, FALSE);
      if (!wait_for_keys (self, before + 2, &stats))
        lost++;
    }

  g_array_sort (samples, compare_doubles);
  printf ("RESULT kind=latency path=%s renderer=%s width=%d height=%d n=%u lost=%u"
          " median_ms=%.3f p95_ms=%.3f max_ms=%.3f min_ms=%.3f\n",
          path == KEY_PATH_X11 ? "x11" : "session", renderer_name (self),
          vireo_framebuffer_get_width (framebuffer (self)), vireo_framebuffer_get_height (framebuffer (self)),
          samples->len, lost,
          bench_percentile (samples, 50), bench_percentile (samples, 95), bench_percentile (samples, 100),
          bench_percentile (samples, 0));
  fflush (stdout);
}

/* ---- the synthetic server ----------------------------------------------- */

static gboolean
run_synthetic (Client *self,
               int     width,
               int     height)
{
  g_autoptr(GError) error = NULL;
  int fd;

  self->server = bench_server_spawn_fd (self->self_exe, width, height, &fd, &error);
  if (self->server == NULL)
    {
      g_printerr ("vireo-bench-console: cannot start the VNC server: %s\n", error->message);
      return FALSE;
    }
  if (!show_session (self, fd))
    {
      close_session (self);
      g_clear_pointer (&self->server, bench_server_free);
      return FALSE;
    }

  for (guint m = 0; self->modes[m] != NULL; m++)
    for (guint r = 0; r < self->rates->len; r++)
      {
        BenchMode mode;
        double rate = g_array_index (self->rates, double, r);
        g_autofree char *extra = NULL;

        if (!bench_mode_from_string (self->modes[m], &mode) || mode == BENCH_MODE_IDLE)
          continue;
        if (!bench_server_set (self->server, mode, rate, &error))
          g_error ("vireo-bench-console: %s", error->message);
        extra = g_strdup_printf ("mode=%s rate=%g", self->modes[m], rate);
        measure (self, extra);
      }

  if (self->keys > 0)
    {
      if (!bench_server_set (self->server, BENCH_MODE_IDLE, 0, &error))
        g_error ("vireo-bench-console: %s", error->message);
      run_for (0.3);
      if (!take_keyboard (self))
        g_printerr ("vireo-bench-console: the display did not get the keyboard; no X key latency\n");
      else if (self->fake_key != NULL)
        measure_keys (self, KEY_PATH_X11);
      else
        g_printerr ("vireo-bench-console: no XTest (libXtst.so.6); only the session's key latency\n");
      measure_keys (self, KEY_PATH_SESSION);
      vireo_display_ungrab (self->display);
    }

  close_session (self);
  g_clear_pointer (&self->server, bench_server_free);
  return TRUE;
}

/* ---- a real guest --------------------------------------------------------- */

typedef struct
{
  GAsyncResult *result;
} Async;

static void
async_done (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  ((Async *) data)->result = g_object_ref (result);
}

static GAsyncResult *
async_wait (Async      *a,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + CONNECT_TIMEOUT_S * G_USEC_PER_SEC;

  while (a->result == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("vireo-bench-console: timed out waiting for %s", what);
      run_for (0.001);
    }
  return a->result;
}

static VireoDomain *
find_domain (VireoConnection *conn,
             const char      *name)
{
  g_autoptr(GListModel) list = vireo_connection_list_domains (conn);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(VireoDomain) d = g_list_model_get_item (list, i);

      if (g_strcmp0 (vireo_domain_get_name (d), name) == 0)
        return g_steal_pointer (&d);
    }
  return NULL;
}

/* The same measurement on a guest's own display, reached the way Vireo
 * reaches it: the daemon's socket (virDomainOpenGraphicsFD). No server to
 * count updates or keys: frames are what the display drew. */
static gboolean
run_guest (Client *self)
{
  g_autoptr(VireoConnection) conn = vireo_connection_new (self->uri);
  g_autoptr(VireoDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  Async a = { 0 };
  gint64 deadline;
  int fd;

  vireo_connection_set_stats_interval (conn, 0);
  vireo_connection_open_async (conn, NULL, async_done, &a);
  if (!vireo_connection_open_finish (conn, async_wait (&a, "the connection"), &error))
    {
      g_printerr ("vireo-bench-console: cannot open %s: %s\n", self->uri, error->message);
      g_clear_object (&a.result);
      return FALSE;
    }
  g_clear_object (&a.result);

  deadline = g_get_monotonic_time () + CONNECT_TIMEOUT_S * G_USEC_PER_SEC;
  while ((domain = find_domain (conn, self->domain)) == NULL && g_get_monotonic_time () < deadline)
    run_for (0.01);
  if (domain == NULL)
    {
      g_printerr ("vireo-bench-console: no domain called \"%s\" on %s\n", self->domain, self->uri);
      return FALSE;
    }

  vireo_domain_open_graphics_fd_async (domain, 0, NULL, async_done, &a);
  fd = vireo_domain_open_graphics_fd_finish (domain, async_wait (&a, "the display's socket"), &error);
  g_clear_object (&a.result);
  if (fd < 0)
    {
      g_printerr ("vireo-bench-console: cannot open the display of \"%s\": %s\n", self->domain, error->message);
      return FALSE;
    }

  if (show_session (self, fd))
    measure (self, "mode=guest rate=0");
  close_session (self);
  return TRUE;
}

/* ---- main ----------------------------------------------------------------- */

int
bench_client_main (int    argc,
                   char **argv)
{
  g_autofree char *sizes = NULL;
  g_autofree char *modes = NULL;
  g_autofree char *rates = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *self_exe = NULL;
  g_autofree char *x_server_pid = NULL;
  gboolean client = FALSE;
  double seconds = 5, warmup = 1;
  int keys = 200;
  GOptionEntry entries[] = {
    { "client", 0, 0, G_OPTION_ARG_NONE, &client, "Run as the measured client", NULL },
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes, "Screen sizes", "WxH,..." },
    { "modes", 0, 0, G_OPTION_ARG_STRING, &modes, "full,partial", "LIST" },
    { "rates", 0, 0, G_OPTION_ARG_STRING, &rates, "Frames a second; 0: as fast as the client takes them", "LIST" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Length of each measured window", "S" },
    { "warmup", 0, 0, G_OPTION_ARG_DOUBLE, &warmup, "Unmeasured time before each window", "S" },
    { "keys", 0, 0, G_OPTION_ARG_INT, &keys, "Key presses per latency measurement", "N" },
    { "uri", 0, 0, G_OPTION_ARG_STRING, &uri, "A libvirt URI (with --domain)", "URI" },
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain, "A running guest with a VNC display", "NAME" },
    { "x-server-pid", 0, 0, G_OPTION_ARG_STRING, &x_server_pid, "Also count this X server's CPU", "PID" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) size_list = NULL;
  Client self = { 0 };
  gboolean ok = TRUE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vireo-bench-console --client: %s\n", error->message);
      return 2;
    }

  self_exe = g_file_read_link ("/proc/self/exe", &error);
  if (self_exe == NULL)
    {
      g_printerr ("vireo-bench-console: %s\n", error->message);
      return 1;
    }

  gtk_init ();
  self.self_exe = self_exe;
  self.seconds = seconds;
  self.warmup = warmup;
  self.keys = keys;
  self.uri = uri;
  self.domain = domain;
  self.x_server_pid = x_server_pid;
  self.modes = g_strsplit (modes != NULL ? modes : "full,partial", ",", -1);
  self.rates = g_array_new (FALSE, FALSE, sizeof (double));
  {
    g_auto(GStrv) list = g_strsplit (rates != NULL ? rates : "0", ",", -1);

    for (guint i = 0; list[i] != NULL; i++)
      {
        double rate = g_ascii_strtod (list[i], NULL);

        g_array_append_val (self.rates, rate);
      }
  }
  load_xtest (&self);

  if (uri != NULL)
    {
      vireo_virt_init ();
      ok = run_guest (&self);
    }
  else
    {
      size_list = g_strsplit (sizes != NULL ? sizes : "1024x768,1920x1080", ",", -1);
      for (guint i = 0; size_list[i] != NULL; i++)
        {
          int width, height;

          if (!bench_parse_size (size_list[i], &width, &height))
            {
              g_printerr ("vireo-bench-console: bad size \"%s\"\n", size_list[i]);
              ok = FALSE;
              continue;
            }
          ok &= run_synthetic (&self, width, height);
        }
    }

  g_strfreev (self.modes);
  g_array_unref (self.rates);
  return ok ? 0 : 1;
}
