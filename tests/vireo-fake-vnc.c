/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vireo-fake-vnc.h"

#define ENC_RAW              0
#define ENC_DESKTOP_SIZE     -223
#define ENC_EXT_KEY_EVENT    -258
#define ENC_EXT_DESKTOP_SIZE -308

struct _VireoFakeVnc
{
  int       fd;
  GThread  *thread;
  GMutex    lock;
  gboolean  quit;

  /* Under lock */
  int       width;
  int       height;
  guint32  *pixels;
  gboolean  dirty;
  int       dx0, dy0, dx1, dy1;   /* dirty bounds */
  gboolean  resized;
  gboolean  wants_ext_key;
  gboolean  wants_ext_size;
  gboolean  announced;
  gboolean  pending;              /* the client waits for an update */
  GArray   *keys;
  int       px, py;
  guint     buttons;
  guint     n_pointer;
  gboolean  has_pointer;
  GString  *cut_text;
  GQueue    outgoing_cut;
  guint     n_updates;
  gint64    last_key_time;
  VireoFakeVncFrameFunc frame_func;
  gpointer  frame_data;
};

static gboolean
read_all (int    fd,
          void  *buf,
          gsize  len)
{
  guint8 *p = buf;

  while (len > 0)
    {
      ssize_t n = read (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= n;
    }
  return TRUE;
}

static gboolean
write_all (int         fd,
           const void *buf,
           gsize       len)
{
  const guint8 *p = buf;

  while (len > 0)
    {
      ssize_t n = send (fd, p, len, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= n;
    }
  return TRUE;
}

/* Message fields sit at any offset. */
static guint32
read_be32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_BE (v);
}

static void
put16 (GByteArray *b, guint16 v)
{
  guint16 be = GUINT16_TO_BE (v);
  g_byte_array_append (b, (guint8 *) &be, 2);
}

static void
put32 (GByteArray *b, guint32 v)
{
  guint32 be = GUINT32_TO_BE (v);
  g_byte_array_append (b, (guint8 *) &be, 4);
}

static void
put_rect_header (GByteArray *b, int x, int y, int w, int h, gint32 enc)
{
  put16 (b, x);
  put16 (b, y);
  put16 (b, w);
  put16 (b, h);
  put32 (b, (guint32) enc);
}

static gboolean
handshake (VireoFakeVnc *self)
{
  char version[12];
  guint8 choice, shared;
  static const guint8 security[] = { 1, 1 };   /* one type: None */
  static const guint8 ok[] = { 0, 0, 0, 0 };
  g_autoptr(GByteArray) init = g_byte_array_new ();
  static const guint8 format[16] = {
    32, 24, 0 /* little endian */, 1 /* true colour */,
    0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0,
  };
  const char *name = "vireo-fake";

  if (!write_all (self->fd, "RFB 003.008\n", 12) || !read_all (self->fd, version, 12) ||
      !write_all (self->fd, security, 2) || !read_all (self->fd, &choice, 1) || choice != 1 ||
      !write_all (self->fd, ok, 4) || !read_all (self->fd, &shared, 1))
    return FALSE;

  put16 (init, self->width);
  put16 (init, self->height);
  g_byte_array_append (init, format, sizeof format);
  put32 (init, strlen (name));
  g_byte_array_append (init, (const guint8 *) name, strlen (name));
  return write_all (self->fd, init->data, init->len);
}

/* Called with the lock held; the caller writes the message after letting
 * go of it (a client that is not reading must not block the test). */
static GByteArray *
make_update (VireoFakeVnc *self,
             gboolean      full)
{
  GByteArray *msg = g_byte_array_new ();
  guint nrects = 0;
  int x0 = 0, y0 = 0, x1 = self->width, y1 = self->height;
  gboolean announce = !self->announced;

  if (!full)
    {
      x0 = self->dx0;
      y0 = self->dy0;
      x1 = self->dx1;
      y1 = self->dy1;
    }

  g_byte_array_append (msg, (const guint8 *) "\0\0", 2);
  put16 (msg, 0);   /* the count, set below */

  if (announce && self->wants_ext_key)
    {
      put_rect_header (msg, 0, 0, 0, 0, ENC_EXT_KEY_EVENT);
      nrects++;
    }
  if ((announce && self->wants_ext_size) || self->resized)
    {
      if (self->wants_ext_size)
        {
          static const guint8 pad[3] = { 0 };

          put_rect_header (msg, 0, 0, self->width, self->height, ENC_EXT_DESKTOP_SIZE);
          g_byte_array_append (msg, (const guint8 *) "\1", 1);   /* one screen */
          g_byte_array_append (msg, pad, 3);
          put32 (msg, 0);
          put16 (msg, 0);
          put16 (msg, 0);
          put16 (msg, self->width);
          put16 (msg, self->height);
          put32 (msg, 0);
        }
      else
        put_rect_header (msg, 0, 0, self->width, self->height, ENC_DESKTOP_SIZE);
      nrects++;
      x0 = y0 = 0;
      x1 = self->width;
      y1 = self->height;
    }
  self->announced = TRUE;
  self->resized = FALSE;

  if (x1 > x0 && y1 > y0)
    {
      put_rect_header (msg, x0, y0, x1 - x0, y1 - y0, ENC_RAW);
      for (int y = y0; y < y1; y++)
        g_byte_array_append (msg, (const guint8 *) (self->pixels + (gsize) y * self->width + x0),
                             (gsize) (x1 - x0) * 4);
      nrects++;
    }
  msg->data[2] = nrects >> 8;
  msg->data[3] = nrects & 0xff;
  self->dirty = FALSE;
  self->pending = FALSE;
  self->n_updates++;
  return msg;
}

static gboolean
send_message (VireoFakeVnc *self,
              GByteArray   *msg)
{
  gboolean ok = msg == NULL || write_all (self->fd, msg->data, msg->len);

  if (msg != NULL)
    g_byte_array_unref (msg);
  return ok;
}

static gboolean
handle_message (VireoFakeVnc *self)
{
  guint8 type, buf[32];

  if (!read_all (self->fd, &type, 1))
    return FALSE;

  switch (type)
    {
    case 0:   /* SetPixelFormat: the client's must be ours, 32 bits */
      if (!read_all (self->fd, buf, 19))
        return FALSE;
      return buf[3] == 32;

    case 2:   /* SetEncodings */
      {
        guint16 n;

        if (!read_all (self->fd, buf, 3))
          return FALSE;
        n = (buf[1] << 8) | buf[2];
        for (guint i = 0; i < n; i++)
          {
            gint32 enc;

            if (!read_all (self->fd, buf, 4))
              return FALSE;
            enc = (gint32) read_be32 (buf);
            g_mutex_lock (&self->lock);
            if (enc == ENC_EXT_KEY_EVENT)
              self->wants_ext_key = TRUE;
            if (enc == ENC_EXT_DESKTOP_SIZE)
              self->wants_ext_size = TRUE;
            g_mutex_unlock (&self->lock);
          }
        return TRUE;
      }

    case 3:   /* FramebufferUpdateRequest */
      {
        GByteArray *msg = NULL;
        VireoFakeVncFrameFunc frame_func;
        gpointer frame_data;

        if (!read_all (self->fd, buf, 9))
          return FALSE;
        g_mutex_lock (&self->lock);
        frame_func = self->frame_func;
        frame_data = self->frame_data;
        g_mutex_unlock (&self->lock);
        /* It draws with fill_rect(), which takes the lock. */
        if (frame_func != NULL && buf[0])
          frame_func (self, frame_data);
        g_mutex_lock (&self->lock);
        if (!buf[0] || !self->announced)
          msg = make_update (self, TRUE);
        else if (self->dirty || self->resized)
          msg = make_update (self, FALSE);
        else
          self->pending = TRUE;
        g_mutex_unlock (&self->lock);
        return send_message (self, msg);
      }

    case 4:   /* KeyEvent */
      {
        VireoFakeVncKey key = { 0 };

        if (!read_all (self->fd, buf, 7))
          return FALSE;
        key.down = buf[0];
        key.keysym = read_be32 (buf + 3);
        g_mutex_lock (&self->lock);
        g_array_append_val (self->keys, key);
        self->last_key_time = g_get_monotonic_time ();
        g_mutex_unlock (&self->lock);
        return TRUE;
      }

    case 5:   /* PointerEvent */
      if (!read_all (self->fd, buf, 5))
        return FALSE;
      g_mutex_lock (&self->lock);
      self->buttons = buf[0];
      self->px = (buf[1] << 8) | buf[2];
      self->py = (buf[3] << 8) | buf[4];
      self->has_pointer = TRUE;
      self->n_pointer++;
      g_mutex_unlock (&self->lock);
      return TRUE;

    case 6:   /* ClientCutText */
      {
        guint32 len;
        g_autofree char *text = NULL;

        if (!read_all (self->fd, buf, 7))
          return FALSE;
        len = read_be32 (buf + 3);
        if (len > 1 << 20)
          return FALSE;
        text = g_malloc0 (len + 1);
        if (!read_all (self->fd, text, len))
          return FALSE;
        g_mutex_lock (&self->lock);
        g_string_assign (self->cut_text, text);
        g_mutex_unlock (&self->lock);
        return TRUE;
      }

    case 251: /* SetDesktopSize: honoured at once, as QEMU does */
      {
        guint8 screens;
        int width, height;

        if (!read_all (self->fd, buf, 7))
          return FALSE;
        width = (buf[1] << 8) | buf[2];
        height = (buf[3] << 8) | buf[4];
        screens = buf[5];
        for (guint i = 0; i < screens; i++)
          if (!read_all (self->fd, buf, 16))
            return FALSE;
        g_mutex_lock (&self->lock);
        if (width > 0 && height > 0 && (width != self->width || height != self->height))
          {
            g_free (self->pixels);
            self->pixels = g_new0 (guint32, (gsize) width * height);
            self->width = width;
            self->height = height;
            self->resized = TRUE;
          }
        g_mutex_unlock (&self->lock);
        return TRUE;
      }

    case 255: /* QEMU: the extended key event */
      {
        VireoFakeVncKey key;

        if (!read_all (self->fd, buf, 11) || buf[0] != 0)
          return FALSE;
        key.down = (buf[1] << 8) | buf[2];
        key.keysym = read_be32 (buf + 3);
        key.scancode = read_be32 (buf + 7);
        g_mutex_lock (&self->lock);
        g_array_append_val (self->keys, key);
        self->last_key_time = g_get_monotonic_time ();
        g_mutex_unlock (&self->lock);
        return TRUE;
      }

    default:
      g_warning ("fake VNC: message type %u not understood", type);
      return FALSE;
    }
}

/* Work the client did not ask for right away: a pending update whose
 * pixels changed since, and cut text for it. */
static gboolean
flush (VireoFakeVnc *self)
{
  GByteArray *update = NULL;
  GByteArray *cut = g_byte_array_new ();
  char *text;

  g_mutex_lock (&self->lock);
  if (self->pending && (self->dirty || self->resized))
    update = make_update (self, FALSE);
  while ((text = g_queue_pop_head (&self->outgoing_cut)) != NULL)
    {
      g_byte_array_append (cut, (const guint8 *) "\3\0\0\0", 4);
      put32 (cut, strlen (text));
      g_byte_array_append (cut, (const guint8 *) text, strlen (text));
      g_free (text);
    }
  g_mutex_unlock (&self->lock);
  return send_message (self, update) && send_message (self, cut);
}

static gpointer
serve (gpointer data)
{
  VireoFakeVnc *self = data;

  if (!handshake (self))
    return NULL;
  while (!g_atomic_int_get (&self->quit))
    {
      struct pollfd pfd = { self->fd, POLLIN, 0 };
      int n = poll (&pfd, 1, 2);

      if (n < 0 && errno != EINTR)
        break;
      if (n > 0 && !handle_message (self))
        break;
      if (!flush (self))
        break;
    }
  return NULL;
}

/**
 * vireo_fake_vnc_new_for_fd:
 * @fd: a connected socket (an accepted TCP connection, say); the server
 *   owns it from now on
 *
 * Serves @fd as vireo_fake_vnc_new() serves its own socket pair.
 */
VireoFakeVnc *
vireo_fake_vnc_new_for_fd (int width,
                           int height,
                           int fd)
{
  VireoFakeVnc *self = g_new0 (VireoFakeVnc, 1);

  self->fd = fd;
  self->width = width;
  self->height = height;
  self->pixels = g_new0 (guint32, (gsize) width * height);
  self->keys = g_array_new (FALSE, FALSE, sizeof (VireoFakeVncKey));
  self->cut_text = g_string_new (NULL);
  g_mutex_init (&self->lock);
  g_queue_init (&self->outgoing_cut);
  self->thread = g_thread_new ("fake-vnc", serve, self);
  return self;
}

VireoFakeVnc *
vireo_fake_vnc_new (int  width,
                    int  height,
                    int *client_fd)
{
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  *client_fd = fds[1];
  return vireo_fake_vnc_new_for_fd (width, height, fds[0]);
}

/**
 * vireo_fake_vnc_set_frame_func:
 * @func: (nullable): draws the next frame; %NULL for none
 *
 * With a frame function the client gets a new frame for every incremental
 * update it asks for: as many frames a second as it can take (the console
 * benchmark). Without one (the default) the screen changes only through
 * vireo_fake_vnc_fill_rect().
 */
void
vireo_fake_vnc_set_frame_func (VireoFakeVnc          *self,
                               VireoFakeVncFrameFunc  func,
                               gpointer               user_data)
{
  g_mutex_lock (&self->lock);
  self->frame_func = func;
  self->frame_data = user_data;
  g_mutex_unlock (&self->lock);
}

void
vireo_fake_vnc_free (VireoFakeVnc *self)
{
  g_atomic_int_set (&self->quit, 1);
  shutdown (self->fd, SHUT_RDWR);
  g_thread_join (self->thread);
  close (self->fd);
  g_queue_clear_full (&self->outgoing_cut, g_free);
  g_string_free (self->cut_text, TRUE);
  g_array_unref (self->keys);
  g_free (self->pixels);
  g_mutex_clear (&self->lock);
  g_free (self);
}

void
vireo_fake_vnc_fill_rect (VireoFakeVnc *self,
                          int           x,
                          int           y,
                          int           width,
                          int           height,
                          guint32       xrgb)
{
  g_mutex_lock (&self->lock);
  x = CLAMP (x, 0, self->width);
  y = CLAMP (y, 0, self->height);
  width = MIN (width, self->width - x);
  height = MIN (height, self->height - y);
  for (int row = y; row < y + height; row++)
    for (int col = x; col < x + width; col++)
      self->pixels[(gsize) row * self->width + col] = xrgb;
  if (width > 0 && height > 0)
    {
      if (!self->dirty)
        {
          self->dx0 = x;
          self->dy0 = y;
          self->dx1 = x + width;
          self->dy1 = y + height;
        }
      else
        {
          self->dx0 = MIN (self->dx0, x);
          self->dy0 = MIN (self->dy0, y);
          self->dx1 = MAX (self->dx1, x + width);
          self->dy1 = MAX (self->dy1, y + height);
        }
      self->dirty = TRUE;
    }
  g_mutex_unlock (&self->lock);
}

GArray *
vireo_fake_vnc_dup_keys (VireoFakeVnc *self)
{
  GArray *keys = g_array_new (FALSE, FALSE, sizeof (VireoFakeVncKey));

  g_mutex_lock (&self->lock);
  g_array_append_vals (keys, self->keys->data, self->keys->len);
  g_mutex_unlock (&self->lock);
  return keys;
}

gboolean
vireo_fake_vnc_get_pointer (VireoFakeVnc *self,
                            int          *x,
                            int          *y,
                            guint        *buttons)
{
  gboolean has;

  g_mutex_lock (&self->lock);
  *x = self->px;
  *y = self->py;
  *buttons = self->buttons;
  has = self->has_pointer;
  g_mutex_unlock (&self->lock);
  return has;
}

guint
vireo_fake_vnc_get_n_pointer_events (VireoFakeVnc *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_pointer;
  g_mutex_unlock (&self->lock);
  return n;
}

char *
vireo_fake_vnc_dup_cut_text (VireoFakeVnc *self)
{
  char *text;

  g_mutex_lock (&self->lock);
  text = g_strdup (self->cut_text->str);
  g_mutex_unlock (&self->lock);
  return text;
}

void
vireo_fake_vnc_send_cut_text (VireoFakeVnc *self,
                              const char   *text)
{
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->outgoing_cut, g_strdup (text));
  g_mutex_unlock (&self->lock);
}

void
vireo_fake_vnc_get_size (VireoFakeVnc *self,
                         int          *width,
                         int          *height)
{
  g_mutex_lock (&self->lock);
  *width = self->width;
  *height = self->height;
  g_mutex_unlock (&self->lock);
}

guint
vireo_fake_vnc_get_n_updates (VireoFakeVnc *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_updates;
  g_mutex_unlock (&self->lock);
  return n;
}

gint64
vireo_fake_vnc_get_last_key_time (VireoFakeVnc *self)
{
  gint64 t;

  g_mutex_lock (&self->lock);
  t = self->last_key_time;
  g_mutex_unlock (&self->lock);
  return t;
}
