/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The synthetic VNC server of the console benchmark, in a process of its
 * own: its CPU (drawing frames, copying them into messages, writing them)
 * is never counted as the client's.
 *
 * The server is tests/vireo-fake-vnc.c. With a rate of 0 it draws a new
 * frame whenever the client asks for an update, so a client gets as many
 * frames as it can take; with a rate it draws that many a second and the
 * client gets what changed since it last asked. The process that started
 * it steers it with one line at a time on stdin and reads one line back:
 *
 *   set full|partial|idle RATE   -> ok
 *   stats                        -> updates=N keys=N last_key_us=T cpu_ns=N
 *   quit (or end of input)       -> the process exits
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vireo-bench-console.h"
#include "vireo-fake-vnc.h"

#define ACCEPT_TIMEOUT_MS (60 * 1000)
#define EXIT_TIMEOUT_US   (5 * G_USEC_PER_SEC)

typedef struct
{
  VireoFakeVnc *vnc;
  int           width;
  int           height;

  GMutex        lock;
  BenchMode     mode;       /* under lock */
  double        rate;       /* under lock; 0: a frame per request */
  guint64       frame;      /* under lock */
  gint          quit;
} Server;

/* A colour per frame, so that every frame really differs. */
static guint32
frame_colour (guint64 frame)
{
  return ((frame * 37) & 0xff) << 16 | ((frame * 91) & 0xff) << 8 | ((frame * 13) & 0xff);
}

static void
draw_frame (Server    *self,
            BenchMode  mode)
{
  guint64 frame;

  g_mutex_lock (&self->lock);
  frame = ++self->frame;
  g_mutex_unlock (&self->lock);

  if (mode == BENCH_MODE_FULL)
    vireo_fake_vnc_fill_rect (self->vnc, 0, 0, self->width, self->height, frame_colour (frame));
  else if (mode == BENCH_MODE_PARTIAL)
    {
      /* A square that wanders over the screen; it leaves a trail, which
       * keeps every update exactly one square. */
      int span_x = MAX (1, self->width - BENCH_PARTIAL_SIZE);
      int span_y = MAX (1, self->height - BENCH_PARTIAL_SIZE);

      vireo_fake_vnc_fill_rect (self->vnc, (frame * 24) % span_x, (frame * 15) % span_y,
                                BENCH_PARTIAL_SIZE, BENCH_PARTIAL_SIZE, frame_colour (frame));
    }
}

/* On the VNC thread: the client asks for an update. */
static void
on_request (VireoFakeVnc *vnc,
            gpointer      data)
{
  Server *self = data;
  BenchMode mode;
  double rate;

  g_mutex_lock (&self->lock);
  mode = self->mode;
  rate = self->rate;
  g_mutex_unlock (&self->lock);
  if (rate <= 0)
    draw_frame (self, mode);
}

/* Paced frames, for a rate. */
static gpointer
pace (gpointer data)
{
  Server *self = data;
  gint64 next = g_get_monotonic_time ();

  while (!g_atomic_int_get (&self->quit))
    {
      BenchMode mode;
      double rate;
      gint64 now;

      g_mutex_lock (&self->lock);
      mode = self->mode;
      rate = self->rate;
      g_mutex_unlock (&self->lock);

      now = g_get_monotonic_time ();
      if (rate <= 0 || mode == BENCH_MODE_IDLE)
        {
          next = now;
          g_usleep (5000);
          continue;
        }
      if (now < next)
        {
          g_usleep (MIN (next - now, 5000));
          continue;
        }
      draw_frame (self, mode);
      next += (gint64) (G_USEC_PER_SEC / rate);
      /* Behind by more than a frame: do not try to catch up. */
      if (next < now)
        next = now;
    }
  return NULL;
}

static int
listen_tcp (guint16 *port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (fd, 1) < 0 ||
      getsockname (fd, (struct sockaddr *) &addr, &len) < 0)
    {
      g_printerr ("vireo-bench-console server: cannot listen on 127.0.0.1: %s\n", g_strerror (errno));
      if (fd >= 0)
        close (fd);
      return -1;
    }
  *port = ntohs (addr.sin_port);
  return fd;
}

static gboolean
handle_line (Server     *self,
             const char *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", -1);
  guint n = g_strv_length (words);

  if (n == 3 && g_str_equal (words[0], "set"))
    {
      BenchMode mode;
      double rate = g_ascii_strtod (words[2], NULL);

      if (!bench_mode_from_string (words[1], &mode) || rate < 0)
        {
          printf ("error bad set\n");
          return TRUE;
        }
      g_mutex_lock (&self->lock);
      self->mode = mode;
      self->rate = rate;
      g_mutex_unlock (&self->lock);
      /* The client may be waiting on a request made while the screen was
       * still: that one is answered by a change, not by a request. */
      if (rate <= 0)
        draw_frame (self, mode);
      printf ("ok\n");
    }
  else if (n == 1 && g_str_equal (words[0], "stats"))
    {
      g_autoptr(GArray) keys = vireo_fake_vnc_dup_keys (self->vnc);

      printf ("updates=%u keys=%u last_key_us=%" G_GINT64_FORMAT " cpu_ns=%" G_GUINT64_FORMAT "\n",
              vireo_fake_vnc_get_n_updates (self->vnc), keys->len,
              vireo_fake_vnc_get_last_key_time (self->vnc), bench_process_cpu_ns ());
    }
  else if (n == 1 && g_str_equal (words[0], "quit"))
    return FALSE;
  else
    printf ("error unknown command\n");
  return TRUE;
}

int
bench_server_main (int    argc,
                   char **argv)
{
  g_autofree char *size = NULL;
  int serve_fd = -1;
  gboolean tcp = FALSE;
  GOptionEntry entries[] = {
    { "serve-fd", 0, 0, G_OPTION_ARG_INT, &serve_fd, "Serve this connected socket", "FD" },
    { "serve-tcp", 0, 0, G_OPTION_ARG_NONE, &tcp, "Listen on 127.0.0.1, print the port, serve one client", NULL },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "Screen size", "WxH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  Server self = { 0 };
  GThread *pacer;
  char line[256];

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      size == NULL || !bench_parse_size (size, &self.width, &self.height) || (serve_fd < 0 && !tcp))
    {
      g_printerr ("vireo-bench-console server: %s\n", error != NULL ? error->message : "bad arguments");
      return 2;
    }

  /* The parent reads one line per command: no buffering. */
  setvbuf (stdout, NULL, _IONBF, 0);

  if (tcp)
    {
      guint16 port;
      int listener = listen_tcp (&port);

      if (listener < 0)
        return 1;
      struct pollfd pfd = { listener, POLLIN, 0 };

      printf ("port=%u\n", port);
      /* A viewer that never comes must not leave the server behind. */
      if (poll (&pfd, 1, ACCEPT_TIMEOUT_MS) == 1)
        serve_fd = accept (listener, NULL, NULL);
      close (listener);
      if (serve_fd < 0)
        {
          g_printerr ("vireo-bench-console server: no client within %d s\n", ACCEPT_TIMEOUT_MS / 1000);
          return 1;
        }
    }

  g_mutex_init (&self.lock);
  self.mode = BENCH_MODE_IDLE;
  self.vnc = vireo_fake_vnc_new_for_fd (self.width, self.height, serve_fd);
  vireo_fake_vnc_set_frame_func (self.vnc, on_request, &self);
  pacer = g_thread_new ("pace", pace, &self);

  while (fgets (line, sizeof line, stdin) != NULL)
    {
      g_strchomp (line);
      if (!handle_line (&self, line))
        break;
    }

  g_atomic_int_set (&self.quit, 1);
  g_thread_join (pacer);
  vireo_fake_vnc_set_frame_func (self.vnc, NULL, NULL);
  vireo_fake_vnc_free (self.vnc);
  g_mutex_clear (&self.lock);
  return 0;
}

/* ---- the other end: the process that started the server ----------------- */

struct _BenchServer
{
  GSubprocess      *process;
  GOutputStream    *in;
  GDataInputStream *out;
};

static BenchServer *
spawn (const char          *self_exe,
       GSubprocessLauncher *launcher,
       const char          *role,
       int                  width,
       int                  height,
       GError             **error)
{
  g_autofree char *size = g_strdup_printf ("%dx%d", width, height);
  g_autoptr(GSubprocess) process = NULL;
  BenchServer *self;

  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  bench_die_with_parent (launcher);
  if (g_str_equal (role, "--serve-fd"))
    process = g_subprocess_launcher_spawn (launcher, error, self_exe, role, "3", "--size", size, NULL);
  else
    process = g_subprocess_launcher_spawn (launcher, error, self_exe, role, "--size", size, NULL);
  if (process == NULL)
    return NULL;

  self = g_new0 (BenchServer, 1);
  self->process = g_steal_pointer (&process);
  self->in = g_subprocess_get_stdin_pipe (self->process);
  self->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  return self;
}

BenchServer *
bench_server_spawn_fd (const char  *self_exe,
                       int          width,
                       int          height,
                       int         *client_fd,
                       GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  BenchServer *self;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "socketpair: %s", g_strerror (errno));
      return NULL;
    }
  /* The launcher owns fds[0] from here, spawned or not. */
  g_subprocess_launcher_take_fd (launcher, fds[0], 3);
  self = spawn (self_exe, launcher, "--serve-fd", width, height, error);
  if (self == NULL)
    {
      close (fds[1]);
      return NULL;
    }
  *client_fd = fds[1];
  return self;
}

static char *
read_line (BenchServer  *self,
           GError      **error)
{
  g_autoptr(GError) local = NULL;
  char *line = g_data_input_stream_read_line (self->out, NULL, NULL, &local);

  if (line == NULL)
    {
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the benchmark's VNC server exited");
    }
  return line;
}

BenchServer *
bench_server_spawn_tcp (const char  *self_exe,
                        int          width,
                        int          height,
                        guint16     *port,
                        GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(BenchServer) self = spawn (self_exe, launcher, "--serve-tcp", width, height, error);
  g_autofree char *line = NULL;
  guint64 value;

  if (self == NULL || (line = read_line (self, error)) == NULL)
    return NULL;
  if (!g_str_has_prefix (line, "port=") ||
      !g_ascii_string_to_unsigned (line + 5, 10, 1, G_MAXUINT16, &value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the benchmark's VNC server said \"%s\"", line);
      return NULL;
    }
  *port = value;
  return g_steal_pointer (&self);
}

static char *
command (BenchServer  *self,
         const char   *line,
         GError      **error)
{
  g_autofree char *with_newline = g_strconcat (line, "\n", NULL);

  if (!g_output_stream_write_all (self->in, with_newline, strlen (with_newline), NULL, NULL, error) ||
      !g_output_stream_flush (self->in, NULL, error))
    return NULL;
  return read_line (self, error);
}

gboolean
bench_server_set (BenchServer  *self,
                  BenchMode     mode,
                  double        rate,
                  GError      **error)
{
  char rate_text[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *line = g_strdup_printf ("set %s %s", bench_mode_to_string (mode),
                                           g_ascii_dtostr (rate_text, sizeof rate_text, rate));
  g_autofree char *reply = command (self, line, error);

  if (reply == NULL)
    return FALSE;
  if (!g_str_equal (reply, "ok"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the benchmark's VNC server said \"%s\"", reply);
      return FALSE;
    }
  return TRUE;
}

gboolean
bench_server_stats (BenchServer       *self,
                    BenchServerStats  *stats,
                    GError           **error)
{
  g_autofree char *reply = command (self, "stats", error);
  guint64 updates, keys, cpu;
  gint64 last;

  if (reply == NULL)
    return FALSE;
  if (sscanf (reply, "updates=%" G_GUINT64_FORMAT " keys=%" G_GUINT64_FORMAT " last_key_us=%" G_GINT64_FORMAT
              " cpu_ns=%" G_GUINT64_FORMAT, &updates, &keys, &last, &cpu) != 4)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the benchmark's VNC server said \"%s\"", reply);
      return FALSE;
    }
  stats->updates = updates;
  stats->keys = keys;
  stats->last_key_us = last;
  stats->cpu_ns = cpu;
  return TRUE;
}

static void
on_exited (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) data = TRUE;
}

void
bench_server_free (BenchServer *self)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gint64 deadline = g_get_monotonic_time () + EXIT_TIMEOUT_US;
  gboolean exited = FALSE;

  /* End of input is "quit"; quitting shuts the socket down, so a server
   * blocked on a client that went away gets out too. One that still does
   * not is killed: the benchmark must not hang on its own helper. */
  g_output_stream_close (self->in, NULL, NULL);
  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (self->process, NULL, on_exited, &exited);
  while (!exited && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (context, FALSE);
      g_usleep (1000);
    }
  if (!exited)
    {
      g_printerr ("vireo-bench-console: the VNC server did not exit; killing it\n");
      g_subprocess_force_exit (self->process);
      while (!exited)
        g_main_context_iteration (context, TRUE);
    }
  g_main_context_pop_thread_default (context);
  g_object_unref (self->out);
  g_object_unref (self->process);
  g_free (self);
}
