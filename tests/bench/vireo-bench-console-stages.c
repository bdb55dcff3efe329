/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where the time before the renderer goes, stage by stage, without GTK or
 * a display: the same work as in the measured client, one piece at a time.
 *
 *   read: a frame of raw pixels through a socket pair, read the way gvnc
 *   1.3.1 reads it (recv() into a 4 KiB buffer, then a copy into the
 *   framebuffer) and, for comparison, in large pieces straight into it;
 *
 *   copy: VireoFramebuffer's own copy of the damage into a texture's
 *   memory, with the previous texture still held as GTK holds it.
 *
 * Times are the reading thread's CPU (the writer is another thread), the
 * best of a number of frames: the cost of the work itself, without what
 * other processes on the machine add to it now and then.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vireo-bench-console.h"
#include "vireo-framebuffer.h"

#define GVNC_READ_SIZE 4096   /* gvnc 1.3.1's read_buffer */
#define BIG_READ_SIZE  (256 * 1024)
#define FRAMES         30
#define WARMUP_FRAMES  3

typedef struct
{
  int    fd;
  gsize  frame_bytes;
  gint   stop;
} Writer;

static gpointer
write_frames (gpointer data)
{
  Writer *w = data;
  g_autofree guint8 *frame = g_malloc0 (w->frame_bytes);

  while (!g_atomic_int_get (&w->stop))
    {
      gsize done = 0;

      while (done < w->frame_bytes)
        {
          ssize_t n = send (w->fd, frame + done, w->frame_bytes - done, MSG_NOSIGNAL);

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            return NULL;
          done += n;
        }
    }
  return NULL;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* One frame's CPU in ms, best of FRAMES; @calls: recv() per frame. */
static double
time_reads (gsize   frame_bytes,
            gsize   piece,
            gboolean through_buffer,
            double *calls)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree guint8 *fb = g_malloc0 (frame_bytes);
  g_autofree guint8 *buffer = g_malloc (piece);
  Writer w = { .frame_bytes = frame_bytes };
  guint64 n_calls = 0;
  GThread *writer;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    return NAN;
  w.fd = fds[0];
  writer = g_thread_new ("writer", write_frames, &w);

  for (int f = 0; f < WARMUP_FRAMES + FRAMES; f++)
    {
      guint64 t0 = bench_thread_cpu_ns ();
      gsize done = 0;

      while (done < frame_bytes)
        {
          gsize want = MIN (piece, frame_bytes - done);
          ssize_t n = recv (fds[1], through_buffer ? buffer : fb + done, want, 0);

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            goto out;
          if (through_buffer)
            memcpy (fb + done, buffer, n);
          done += n;
          if (f >= WARMUP_FRAMES)
            n_calls++;
        }
      if (f >= WARMUP_FRAMES)
        {
          double v = (bench_thread_cpu_ns () - t0) / 1e6;

          g_array_append_val (ms, v);
        }
    }

out:
  g_atomic_int_set (&w.stop, 1);
  shutdown (fds[1], SHUT_RDWR);
  g_thread_join (writer);
  close (fds[0]);
  close (fds[1]);
  *calls = ms->len > 0 ? (double) n_calls / ms->len : NAN;
  g_array_sort (ms, compare_doubles);
  return bench_percentile (ms, 0);
}

/* VireoFramebuffer's copy of a @dw x @dh damage, in ms (best of FRAMES). */
static double
time_texture (int width,
              int height,
              int dw,
              int dh)
{
  g_autoptr(VireoFramebuffer) fb = vireo_framebuffer_new (width, height);
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_object_unref);

  for (int f = 0; f < WARMUP_FRAMES + FRAMES; f++)
    {
      guint64 t0;

      vireo_framebuffer_damage (fb, (f * 24) % MAX (1, width - dw), (f * 15) % MAX (1, height - dh), dw, dh);
      t0 = bench_thread_cpu_ns ();
      vireo_framebuffer_update (fb);
      if (f >= WARMUP_FRAMES)
        {
          double v = (bench_thread_cpu_ns () - t0) / 1e6;

          g_array_append_val (ms, v);
        }
      /* GTK lets go of a frame's textures once the next one is drawn. */
      g_ptr_array_set_size (shown, 0);
      for (guint i = 0; i < vireo_framebuffer_get_n_tiles (fb); i++)
        g_ptr_array_add (shown, g_object_ref (vireo_framebuffer_get_tile (fb, i, NULL)));
    }
  g_array_sort (ms, compare_doubles);
  return bench_percentile (ms, 0);
}

static GHashTable *
stage (const char *name,
       int         width,
       int         height,
       double      ms,
       double      calls)
{
  GHashTable *r = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_hash_table_insert (r, g_strdup ("stage"), g_strdup (name));
  g_hash_table_insert (r, g_strdup ("width"), g_strdup_printf ("%d", width));
  g_hash_table_insert (r, g_strdup ("height"), g_strdup_printf ("%d", height));
  g_hash_table_insert (r, g_strdup ("ms"), g_strdup (g_ascii_formatd (buf, sizeof buf, "%.4f", ms)));
  if (!isnan (calls))
    g_hash_table_insert (r, g_strdup ("recv_calls"), g_strdup (g_ascii_formatd (buf, sizeof buf, "%.0f", calls)));
  return r;
}

void
bench_stages_run (int        width,
                  int        height,
                  GPtrArray *records)
{
  gsize frame = (gsize) width * height * 4;
  double calls;
  double ms;

  ms = time_reads (frame, GVNC_READ_SIZE, TRUE, &calls);
  g_ptr_array_add (records, stage ("read-4k-then-copy", width, height, ms, calls));
  ms = time_reads (frame, BIG_READ_SIZE, FALSE, &calls);
  g_ptr_array_add (records, stage ("read-256k-in-place", width, height, ms, calls));
  ms = time_texture (width, height, width, height);
  g_ptr_array_add (records, stage ("texture-copy-full", width, height, ms, NAN));
  ms = time_texture (width, height, BENCH_PARTIAL_SIZE, BENCH_PARTIAL_SIZE);
  g_ptr_array_add (records, stage ("texture-copy-partial", width, height, ms, NAN));
}
