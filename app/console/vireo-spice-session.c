/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-spice-session"

#include "config.h"

#include <glib/gi18n.h>
#include <spice-client.h>
#include <spice/vd_agent.h>
#include <string.h>
#include <unistd.h>

#include "vireo-keymap.h"
#include "vireo-spice-session-private.h"
#include "vireo-virt-error.h"

/*
 * SPICE through spice-client-glib. spice-glib runs every channel in a
 * coroutine on the main context and decodes into surfaces it owns (and
 * frees whenever the guest changes mode), so the primary surface is copied
 * into a VireoFramebuffer rectangle by rectangle as "display-invalidate"
 * reports them.
 *
 * No port is opened: the session is opened on "no socket" and every
 * channel asks for its own ("open-fd"), which the daemon hands over
 * (virDomainOpenGraphicsFD, one fresh connection per channel).
 *
 * Only the first display channel's primary surface is shown; more
 * monitors come later.
 */

struct _VireoSpiceSession
{
  VireoGraphicsSession  parent_instance;

  /* Owned */
  VireoDomain          *domain;
  SpiceSession         *spice;
  GCancellable         *cancellable;    /* descriptors being fetched */
  GPtrArray            *channels;       /* SpiceChannel we listen to */
  GPtrArray            *usb_devices;    /* SpiceUsbDevice, as last listed */
  char                 *clipboard;      /* host text offered to the guest */

  /* Borrowed: each is in @channels while set */
  SpiceMainChannel     *main_channel;
  SpiceChannel         *display;
  SpiceInputsChannel   *inputs;

  /* The primary surface, spice-glib's memory, valid between
   * "display-primary-create" and "display-primary-destroy". */
  const guint8         *primary;
  int                   primary_format;
  int                   primary_width;
  int                   primary_height;
  int                   primary_stride;

  guint                 graphics_index;
  guint                 buttons;        /* SPICE_MOUSE_BUTTON_MASK_* */
  double                rel_x;          /* what a relative move left over */
  double                rel_y;
  guint                 inputs_ready : 1;
  guint                 marked : 1;
  guint                 audio : 1;
  guint                 started : 1;
  guint                 closed : 1;
  guint                 clipboard_grabbed : 1;
};

G_DEFINE_FINAL_TYPE (VireoSpiceSession, vireo_spice_session, VIREO_TYPE_GRAPHICS_SESSION)

enum {
  PROP_0,
  PROP_AUDIO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static VireoGraphicsState
get_state (VireoSpiceSession *self)
{
  return vireo_graphics_session_get_state (VIREO_GRAPHICS_SESSION (self));
}

/* The end of the session, for a reason the user should read. The first
 * reason wins: what follows is usually its consequence. */
static void
fail (VireoSpiceSession *self,
      const char        *message)
{
  /* Whoever watches the state may drop the last reference to this
   * session; it must outlive the disconnect below. */
  g_autoptr(VireoSpiceSession) hold = NULL;

  if (self->closed)
    return;
  hold = g_object_ref (self);
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  _vireo_graphics_session_set_state (VIREO_GRAPHICS_SESSION (self), VIREO_GRAPHICS_STATE_DISCONNECTED,
                                     message);
  if (self->spice != NULL)
    spice_session_disconnect (self->spice);
}

/* ------------------------------------------------------------------------ */
/* Sockets                                                                  */

typedef struct
{
  VireoSpiceSession *self;
  SpiceChannel      *channel;
} FdRequest;

static void
fd_request_free (FdRequest *req)
{
  g_object_unref (req->self);
  g_object_unref (req->channel);
  g_free (req);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdRequest, fd_request_free)

static void
channel_fd_ready (VireoSpiceSession *self,
                  SpiceChannel      *channel,
                  int                fd,
                  const GError      *error)
{
  if (fd < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, error->message);
      return;
    }
  /* Closed, or the channel went away while the daemon answered. */
  if (self->closed || !g_ptr_array_find (self->channels, channel, NULL))
    {
      close (fd);
      return;
    }
  /* The channel's GSocket owns the descriptor from here on. */
  if (!spice_channel_open_fd (channel, fd))
    {
      close (fd);
      fail (self, _("Could not start talking to the display"));
    }
}

static void
on_channel_fd (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(FdRequest) req = data;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = vireo_domain_open_graphics_fd_finish (VIREO_DOMAIN (source), result, &error);
  channel_fd_ready (req->self, req->channel, fd, error);
}

/* Where a channel's socket comes from: here, a fresh connection to the
 * display handed over by the local daemon. This is the one place to change
 * for another source (a tunnel to a remote host); it ends in
 * channel_fd_ready() either way. The daemon runs on the connection's
 * worker; the channel just waits. */
static void
request_channel_fd (VireoSpiceSession *self,
                    SpiceChannel      *channel)
{
  FdRequest *req = g_new0 (FdRequest, 1);

  req->self = g_object_ref (self);
  req->channel = g_object_ref (channel);
  vireo_domain_open_graphics_fd_async (self->domain, self->graphics_index, self->cancellable,
                                       on_channel_fd, req);
}

static void
on_open_fd (SpiceChannel      *channel,
            int                with_tls,
            VireoSpiceSession *self)
{
  if (!self->closed)
    request_channel_fd (self, channel);
}

/* ------------------------------------------------------------------------ */
/* Channel events                                                           */

static const char *
event_message (SpiceChannelEvent event)
{
  switch (event)
    {
    case SPICE_CHANNEL_ERROR_CONNECT:
      return _("Could not connect to the display");
    case SPICE_CHANNEL_ERROR_TLS:
      return _("The display’s encrypted connection failed");
    case SPICE_CHANNEL_ERROR_LINK:
      return _("The display refused the connection");
    case SPICE_CHANNEL_ERROR_AUTH:
      return _("The display refused to let Vireo in");
    case SPICE_CHANNEL_ERROR_IO:
      return _("The connection to the display was lost");
    case SPICE_CHANNEL_CLOSED:
    default:
      return _("The display closed the connection");
    }
}

/* Without these the console is no console. Audio, USB or the cursor may
 * fail on their own. */
static gboolean
essential (VireoSpiceSession *self,
           SpiceChannel      *channel)
{
  return channel == SPICE_CHANNEL (self->main_channel) || channel == self->display;
}

/* Connected means usable: the first screen is drawn and keys reach the
 * guest (QEMU always has an inputs channel). Keys typed before that would
 * be lost. */
static void
update_connected (VireoSpiceSession *self)
{
  if (self->marked && self->inputs_ready && !self->closed &&
      vireo_graphics_session_get_framebuffer (VIREO_GRAPHICS_SESSION (self)) != NULL)
    _vireo_graphics_session_set_state (VIREO_GRAPHICS_SESSION (self), VIREO_GRAPHICS_STATE_CONNECTED, NULL);
}

static void
on_channel_event (SpiceChannel      *channel,
                  SpiceChannelEvent  event,
                  VireoSpiceSession *self)
{
  const GError *error;
  g_autofree char *message = NULL;

  if (event == SPICE_CHANNEL_OPENED)
    {
      if (channel == SPICE_CHANNEL (self->inputs))
        {
          self->inputs_ready = TRUE;
          update_connected (self);
        }
      return;
    }
  if (event == SPICE_CHANNEL_NONE || event == SPICE_CHANNEL_SWITCHING)
    return;

  if (channel == SPICE_CHANNEL (self->inputs))
    self->inputs_ready = FALSE;
  if (!essential (self, channel))
    {
      g_debug ("%s ended (event %d)", G_OBJECT_TYPE_NAME (channel), event);
      return;
    }

  if (event == SPICE_CHANNEL_ERROR_AUTH)
    _vireo_graphics_session_set_auth (VIREO_GRAPHICS_SESSION (self),
                                      _vireo_graphics_session_get_password (VIREO_GRAPHICS_SESSION (self)) != NULL
                                        ? VIREO_GRAPHICS_AUTH_REFUSED : VIREO_GRAPHICS_AUTH_NEEDED);
  error = spice_channel_get_error (channel);
  if (error != NULL && error->message != NULL && *error->message != '\0')
    message = g_strdup_printf ("%s: %s", event_message (event), error->message);
  else
    message = g_strdup (event_message (event));
  fail (self, message);
}

static void
on_session_disconnected (SpiceSession      *spice,
                         VireoSpiceSession *self)
{
  fail (self, _("The display closed the connection"));
}

/* ------------------------------------------------------------------------ */
/* Display                                                                  */

static gboolean
format_supported (int format)
{
  return format == SPICE_SURFACE_FMT_32_xRGB || format == SPICE_SURFACE_FMT_32_ARGB ||
         format == SPICE_SURFACE_FMT_16_555 || format == SPICE_SURFACE_FMT_16_565;
}

/* Five or six bits of a colour spread over eight, so that white stays
 * 0xff. */
static inline guint8
expand5 (guint v)
{
  return (v << 3) | (v >> 2);
}

static inline guint8
expand6 (guint v)
{
  return (v << 2) | (v >> 4);
}

/**
 * _vireo_spice_copy_pixels:
 * @format: a SpiceSurfaceFmt that format_supported() accepts
 *
 * A rectangle of a SPICE surface into BGRX memory. spice-glib's 32-bit
 * surfaces are pixman's x8r8g8b8: native 32-bit words, BGRX bytes on a
 * little-endian host already. 16-bit ones are native words too.
 */
void
_vireo_spice_copy_pixels (int           format,
                          const guint8 *src,
                          gsize         src_stride,
                          guint8       *dst,
                          gsize         dst_stride,
                          int           width,
                          int           height)
{
  for (int row = 0; row < height; row++)
    {
      switch (format)
        {
        case SPICE_SURFACE_FMT_32_xRGB:
        case SPICE_SURFACE_FMT_32_ARGB:
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
          memcpy (dst, src, (gsize) width * 4);
#else
          for (int i = 0; i < width; i++)
            {
              guint32 v = ((const guint32 *) src)[i];

              ((guint32 *) dst)[i] = GUINT32_TO_LE (v);
            }
#endif
          break;
        case SPICE_SURFACE_FMT_16_555:
          for (int i = 0; i < width; i++)
            {
              guint v = ((const guint16 *) src)[i];

              dst[i * 4 + 0] = expand5 (v & 0x1f);
              dst[i * 4 + 1] = expand5 ((v >> 5) & 0x1f);
              dst[i * 4 + 2] = expand5 ((v >> 10) & 0x1f);
              dst[i * 4 + 3] = 0xff;
            }
          break;
        case SPICE_SURFACE_FMT_16_565:
          for (int i = 0; i < width; i++)
            {
              guint v = ((const guint16 *) src)[i];

              dst[i * 4 + 0] = expand5 (v & 0x1f);
              dst[i * 4 + 1] = expand6 ((v >> 5) & 0x3f);
              dst[i * 4 + 2] = expand5 ((v >> 11) & 0x1f);
              dst[i * 4 + 3] = 0xff;
            }
          break;
        default:
          g_assert_not_reached ();
        }
      src += src_stride;
      dst += dst_stride;
    }
}

static gsize
bytes_per_pixel (int format)
{
  return format == SPICE_SURFACE_FMT_16_555 || format == SPICE_SURFACE_FMT_16_565 ? 2 : 4;
}

/* One rectangle of the primary surface into the framebuffer. */
static void
copy_rect (VireoSpiceSession *self,
           VireoFramebuffer  *fb,
           int                x,
           int                y,
           int                width,
           int                height)
{
  gsize dst_stride = vireo_framebuffer_get_stride (fb);

  _vireo_spice_copy_pixels (self->primary_format,
                            self->primary + (gsize) y * self->primary_stride +
                              (gsize) x * bytes_per_pixel (self->primary_format),
                            self->primary_stride,
                            vireo_framebuffer_get_data (fb) + (gsize) y * dst_stride + (gsize) x * 4,
                            dst_stride, width, height);
}

static void
update_rect (VireoSpiceSession *self,
             int                x,
             int                y,
             int                width,
             int                height)
{
  VireoFramebuffer *fb = vireo_graphics_session_get_framebuffer (VIREO_GRAPHICS_SESSION (self));
  int x2, y2;

  if (self->primary == NULL || fb == NULL)
    return;

  /* The server's word on the rectangle is not trusted with memory. */
  x2 = MIN (x + width, MIN (self->primary_width, vireo_framebuffer_get_width (fb)));
  y2 = MIN (y + height, MIN (self->primary_height, vireo_framebuffer_get_height (fb)));
  x = MAX (x, 0);
  y = MAX (y, 0);
  if (x2 <= x || y2 <= y)
    return;

  copy_rect (self, fb, x, y, x2 - x, y2 - y);
  _vireo_graphics_session_damage (VIREO_GRAPHICS_SESSION (self), x, y, x2 - x, y2 - y);
}

static void
on_primary_create (SpiceChannel      *channel,
                   int                format,
                   int                width,
                   int                height,
                   int                stride,
                   int                shmid,
                   gpointer           imgdata,
                   VireoSpiceSession *self)
{
  VireoFramebuffer *fb = vireo_graphics_session_get_framebuffer (VIREO_GRAPHICS_SESSION (self));

  if (self->closed)
    return;
  if (!format_supported (format))
    {
      g_autofree char *message =
        g_strdup_printf (_("The display sends pixels in a format Vireo cannot show (SPICE format %d)"), format);

      fail (self, message);
      return;
    }
  if (width <= 0 || height <= 0 || imgdata == NULL)
    return;

  self->primary = imgdata;
  self->primary_format = format;
  self->primary_width = width;
  self->primary_height = height;
  self->primary_stride = stride;

  /* A mode change back to the same size keeps the widget's framebuffer. */
  if (fb == NULL || vireo_framebuffer_get_width (fb) != width ||
      vireo_framebuffer_get_height (fb) != height)
    {
      g_autoptr(VireoFramebuffer) new_fb = vireo_framebuffer_new (width, height);

      _vireo_graphics_session_set_framebuffer (VIREO_GRAPHICS_SESSION (self), new_fb);
    }
  update_rect (self, 0, 0, width, height);
}

static void
on_primary_destroy (SpiceChannel      *channel,
                    VireoSpiceSession *self)
{
  /* spice-glib frees the memory once this returns; the framebuffer keeps
   * the last picture until the next surface. */
  self->primary = NULL;
}

static void
on_invalidate (SpiceChannel      *channel,
               int                x,
               int                y,
               int                width,
               int                height,
               VireoSpiceSession *self)
{
  update_rect (self, x, y, width, height);
}

/* The server has drawn the first complete screen (FALSE: the guest reset
 * its display; the next mark follows its new screen). */
static void
on_mark (SpiceChannel      *channel,
         int                mark,
         VireoSpiceSession *self)
{
  if (mark)
    self->marked = TRUE;
  update_connected (self);
}

/* ------------------------------------------------------------------------ */
/* Cursor                                                                   */

static void
on_cursor_notify (SpiceChannel      *channel,
                  GParamSpec        *pspec,
                  VireoSpiceSession *self)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SpiceCursorShape *shape = NULL;

  g_object_get (channel, "cursor", &shape, NULL);
  if (shape == NULL || shape->data == NULL || shape->width == 0 || shape->height == 0)
    {
      if (shape != NULL)
        g_boxed_free (SPICE_TYPE_CURSOR_SHAPE, shape);
      _vireo_graphics_session_set_cursor (VIREO_GRAPHICS_SESSION (self), NULL, 0, 0);
      return;
    }

  /* spice-glib has turned every cursor type into RGBA bytes, straight
   * alpha. */
  bytes = g_bytes_new (shape->data, (gsize) shape->width * shape->height * 4);
  texture = gdk_memory_texture_new (shape->width, shape->height, GDK_MEMORY_R8G8B8A8, bytes,
                                    (gsize) shape->width * 4);
  _vireo_graphics_session_set_cursor (VIREO_GRAPHICS_SESSION (self), texture,
                                      shape->hot_spot_x, shape->hot_spot_y);
  g_boxed_free (SPICE_TYPE_CURSOR_SHAPE, shape);
}

/* The guest hides its pointer (text mode, a video playing): show none,
 * which is not the same as "no shape yet". */
static void
on_cursor_hide (SpiceChannel      *channel,
                VireoSpiceSession *self)
{
  static const guint8 clear[4] = { 0, 0, 0, 0 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (clear, sizeof clear);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (1, 1, GDK_MEMORY_R8G8B8A8, bytes, 4);

  _vireo_graphics_session_set_cursor (VIREO_GRAPHICS_SESSION (self), texture, 0, 0);
}

static void
on_cursor_reset (SpiceChannel      *channel,
                 VireoSpiceSession *self)
{
  _vireo_graphics_session_set_cursor (VIREO_GRAPHICS_SESSION (self), NULL, 0, 0);
}

/* ------------------------------------------------------------------------ */
/* Main channel: pointer mode, agent, clipboard                             */

static void
on_mouse_mode (SpiceMainChannel  *main_channel,
               GParamSpec        *pspec,
               VireoSpiceSession *self)
{
  int mode = SPICE_MOUSE_MODE_SERVER;

  /* Client mode needs a tablet (or the agent); spice-glib asks for it
   * whenever the server offers it. */
  g_object_get (main_channel, "mouse-mode", &mode, NULL);
  _vireo_graphics_session_set_absolute_pointer (VIREO_GRAPHICS_SESSION (self),
                                                mode == SPICE_MOUSE_MODE_CLIENT);
}

static gboolean
agent_connected (VireoSpiceSession *self)
{
  gboolean connected = FALSE;

  if (self->main_channel != NULL)
    g_object_get (self->main_channel, "agent-connected", &connected, NULL);
  return connected;
}

static void
on_agent_connected (SpiceMainChannel  *main_channel,
                    GParamSpec        *pspec,
                    VireoSpiceSession *self)
{
  gboolean connected = agent_connected (self);

  _vireo_graphics_session_set_can_resize_guest (VIREO_GRAPHICS_SESSION (self), connected);
  if (!connected)
    self->clipboard_grabbed = FALSE;
}

static gboolean
sharing (VireoSpiceSession *self)
{
  return vireo_graphics_session_get_share_clipboard (VIREO_GRAPHICS_SESSION (self)) && !self->closed;
}

/* Windows agents want CRLF line ends and send them. */
static gboolean
guest_wants_crlf (VireoSpiceSession *self)
{
  return spice_main_channel_agent_test_capability (self->main_channel, VD_AGENT_CAP_GUEST_LINEEND_CRLF);
}

static char *
replace_all (const char *text,
             gsize       length,
             const char *from,
             const char *to)
{
  g_autofree char *copy = g_strndup (text, length);
  g_auto(GStrv) parts = g_strsplit (copy, from, -1);

  return g_strjoinv (to, parts);
}

static gboolean
on_clipboard_grab (SpiceMainChannel  *main_channel,
                   guint              selection,
                   guint32           *types,
                   guint              n_types,
                   VireoSpiceSession *self)
{
  if (!sharing (self) || selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD)
    return FALSE;

  /* The guest copied something: the host owns nothing to offer now. */
  self->clipboard_grabbed = FALSE;
  for (guint i = 0; i < n_types; i++)
    if (types[i] == VD_AGENT_CLIPBOARD_UTF8_TEXT)
      {
        spice_main_channel_clipboard_selection_request (main_channel, selection,
                                                        VD_AGENT_CLIPBOARD_UTF8_TEXT);
        return TRUE;
      }
  return FALSE;
}

static void
on_clipboard_data (SpiceMainChannel  *main_channel,
                   guint              selection,
                   guint              type,
                   const guint8      *data,
                   guint              size,
                   VireoSpiceSession *self)
{
  g_autofree char *text = NULL;
  g_autofree char *valid = NULL;

  if (!sharing (self) || selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD ||
      type != VD_AGENT_CLIPBOARD_UTF8_TEXT)
    return;

  if (guest_wants_crlf (self))
    text = replace_all ((const char *) data, size, "\r\n", "\n");
  else
    text = g_strndup ((const char *) data, size);
  /* A guest can send anything. */
  valid = g_utf8_make_valid (text, -1);
  _vireo_graphics_session_clipboard_received (VIREO_GRAPHICS_SESSION (self), valid);
}

static gboolean
on_clipboard_request (SpiceMainChannel  *main_channel,
                      guint              selection,
                      guint              type,
                      VireoSpiceSession *self)
{
  g_autofree char *text = NULL;

  if (!sharing (self) || self->clipboard == NULL ||
      selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD || type != VD_AGENT_CLIPBOARD_UTF8_TEXT)
    return FALSE;

  if (guest_wants_crlf (self))
    text = replace_all (self->clipboard, strlen (self->clipboard), "\n", "\r\n");
  else
    text = g_strdup (self->clipboard);
  spice_main_channel_clipboard_selection_notify (main_channel, selection, VD_AGENT_CLIPBOARD_UTF8_TEXT,
                                                 (const guchar *) text, strlen (text));
  return TRUE;
}

static void
forget_clipboard (VireoSpiceSession *self)
{
  if (self->clipboard != NULL)
    {
      memset (self->clipboard, 0, strlen (self->clipboard));
      g_clear_pointer (&self->clipboard, g_free);
    }
}

/* Sharing turned off: take back what the guest was offered. */
static void
on_share_clipboard (VireoSpiceSession *self)
{
  if (vireo_graphics_session_get_share_clipboard (VIREO_GRAPHICS_SESSION (self)))
    return;
  forget_clipboard (self);
  if (self->clipboard_grabbed && self->main_channel != NULL && agent_connected (self))
    spice_main_channel_clipboard_selection_release (self->main_channel,
                                                    VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD);
  self->clipboard_grabbed = FALSE;
}

/* ------------------------------------------------------------------------ */
/* Channels                                                                 */

/* No microphone reaches the guest: Vireo plays the guest's sound, it does
 * not record the host. Stopping the signal here, before spice-glib's
 * audio handler (connected later, on the same channel), keeps the record
 * stream from ever opening the host's microphone. */
static void
on_record_start (SpiceChannel      *channel,
                 int                format,
                 int                n_channels,
                 int                frequency,
                 VireoSpiceSession *self)
{
  g_signal_stop_emission_by_name (channel, "record-start");
}

/* spice-glib connects the main channel itself, and the audio and USB
 * channels through SpiceAudio and the USB device manager; display, cursor
 * and inputs channels wait for the client to connect them. Other display
 * channels (more monitors) stay unconnected until Vireo shows them. */
static void
on_channel_new (SpiceSession      *spice,
                SpiceChannel      *channel,
                VireoSpiceSession *self)
{
  int id = 0;

  g_object_get (channel, "channel-id", &id, NULL);
  g_ptr_array_add (self->channels, g_object_ref (channel));
  g_signal_connect (channel, "open-fd", G_CALLBACK (on_open_fd), self);
  g_signal_connect (channel, "channel-event", G_CALLBACK (on_channel_event), self);

  if (SPICE_IS_MAIN_CHANNEL (channel))
    {
      self->main_channel = SPICE_MAIN_CHANNEL (channel);
      g_signal_connect (channel, "notify::mouse-mode", G_CALLBACK (on_mouse_mode), self);
      g_signal_connect (channel, "notify::agent-connected", G_CALLBACK (on_agent_connected), self);
      g_signal_connect (channel, "main-clipboard-selection-grab", G_CALLBACK (on_clipboard_grab), self);
      g_signal_connect (channel, "main-clipboard-selection", G_CALLBACK (on_clipboard_data), self);
      g_signal_connect (channel, "main-clipboard-selection-request", G_CALLBACK (on_clipboard_request), self);
    }
  else if (SPICE_IS_DISPLAY_CHANNEL (channel) && id == 0)
    {
      self->display = channel;
      g_signal_connect (channel, "display-primary-create", G_CALLBACK (on_primary_create), self);
      g_signal_connect (channel, "display-primary-destroy", G_CALLBACK (on_primary_destroy), self);
      g_signal_connect (channel, "display-invalidate", G_CALLBACK (on_invalidate), self);
      g_signal_connect (channel, "display-mark", G_CALLBACK (on_mark), self);
      spice_channel_connect (channel);
    }
  else if (SPICE_IS_CURSOR_CHANNEL (channel) && id == 0)
    {
      /* The "cursor" property, not the deprecated "cursor-set". */
      g_signal_connect (channel, "notify::cursor", G_CALLBACK (on_cursor_notify), self);
      g_signal_connect (channel, "cursor-hide", G_CALLBACK (on_cursor_hide), self);
      g_signal_connect (channel, "cursor-reset", G_CALLBACK (on_cursor_reset), self);
      spice_channel_connect (channel);
    }
  else if (SPICE_IS_INPUTS_CHANNEL (channel))
    {
      self->inputs = SPICE_INPUTS_CHANNEL (channel);
      self->inputs_ready = FALSE;
      spice_channel_connect (channel);
    }
  else if (SPICE_IS_RECORD_CHANNEL (channel))
    {
      g_signal_connect (channel, "record-start", G_CALLBACK (on_record_start), self);
    }
}

static void
forget_channel (VireoSpiceSession *self,
                SpiceChannel      *channel)
{
  g_signal_handlers_disconnect_by_data (channel, self);
  if (channel == SPICE_CHANNEL (self->main_channel))
    self->main_channel = NULL;
  if (channel == self->display)
    {
      self->display = NULL;
      self->primary = NULL;
    }
  if (channel == SPICE_CHANNEL (self->inputs))
    {
      self->inputs = NULL;
      self->inputs_ready = FALSE;
    }
}

static void
on_channel_destroy (SpiceSession      *spice,
                    SpiceChannel      *channel,
                    VireoSpiceSession *self)
{
  forget_channel (self, channel);
  g_ptr_array_remove (self->channels, channel);
}

/* ------------------------------------------------------------------------ */
/* Input                                                                    */

static SpiceInputsChannel *
ready_inputs (VireoSpiceSession *self)
{
  return self->inputs_ready && !self->closed ? self->inputs : NULL;
}

static void
spice_key (VireoGraphicsSession *session,
           guint16               xt,
           guint                 keyval,
           gboolean              down)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (session);
  SpiceInputsChannel *inputs = ready_inputs (self);
  guint32 scancode = vireo_keymap_xt_to_spice (xt);

  if (inputs == NULL || scancode == 0)
    return;
  if (down)
    spice_inputs_channel_key_press (inputs, scancode);
  else
    spice_inputs_channel_key_release (inputs, scancode);
}

static void
spice_pointer_moved (VireoGraphicsSession *session,
                     double                x,
                     double                y)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (session);
  SpiceInputsChannel *inputs = ready_inputs (self);

  if (inputs == NULL || !vireo_graphics_session_get_absolute_pointer (session))
    return;
  /* Display 0: the one channel shown. */
  spice_inputs_channel_position (inputs, MAX ((int) x, 0), MAX ((int) y, 0), 0, self->buttons);
}

static void
spice_pointer_relative (VireoGraphicsSession *session,
                        double                dx,
                        double                dy)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (session);
  SpiceInputsChannel *inputs = ready_inputs (self);
  int ix, iy;

  if (inputs == NULL || vireo_graphics_session_get_absolute_pointer (session))
    return;
  /* Fractions add up: slow, smooth movements still move the guest's
   * pointer. */
  self->rel_x += dx;
  self->rel_y += dy;
  ix = (int) self->rel_x;
  iy = (int) self->rel_y;
  self->rel_x -= ix;
  self->rel_y -= iy;
  if (ix != 0 || iy != 0)
    spice_inputs_channel_motion (inputs, ix, iy, self->buttons);
}

static void
spice_button (VireoGraphicsSession *session,
              VireoPointerButton    button,
              gboolean              down)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (session);
  SpiceInputsChannel *inputs = ready_inputs (self);
  int spice_button;
  guint mask;

  switch (button)
    {
    case VIREO_POINTER_LEFT:
      spice_button = SPICE_MOUSE_BUTTON_LEFT;
      mask = SPICE_MOUSE_BUTTON_MASK_LEFT;
      break;
    case VIREO_POINTER_MIDDLE:
      spice_button = SPICE_MOUSE_BUTTON_MIDDLE;
      mask = SPICE_MOUSE_BUTTON_MASK_MIDDLE;
      break;
    case VIREO_POINTER_RIGHT:
      spice_button = SPICE_MOUSE_BUTTON_RIGHT;
      mask = SPICE_MOUSE_BUTTON_MASK_RIGHT;
      break;
    default:
      return;
    }
  if (inputs == NULL)
    return;

  /* spice-glib adds or removes the button's own bit. */
  if (down)
    spice_inputs_channel_button_press (inputs, spice_button, self->buttons);
  else
    spice_inputs_channel_button_release (inputs, spice_button, self->buttons);
  if (down)
    self->buttons |= mask;
  else
    self->buttons &= ~mask;
}

static void
spice_scroll (VireoGraphicsSession *session,
              VireoScrollDirection  direction)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (session);
  SpiceInputsChannel *inputs = ready_inputs (self);
  int wheel;

  /* The SPICE protocol (0.14) has a vertical wheel only; its SIDE and
   * EXTRA buttons are Back and Forward, not a horizontal wheel. */
  if (direction == VIREO_SCROLL_UP)
    wheel = SPICE_MOUSE_BUTTON_UP;
  else if (direction == VIREO_SCROLL_DOWN)
    wheel = SPICE_MOUSE_BUTTON_DOWN;
  else
    return;
  if (inputs == NULL)
    return;
  spice_inputs_channel_button_press (inputs, wheel, self->buttons);
  spice_inputs_channel_button_release (inputs, wheel, self->buttons);
}

static gboolean
spice_resize_guest (VireoGraphicsSession *session,
                    int                   width,
                    int                   height)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (session);

  if (self->main_channel == NULL || !agent_connected (self))
    return FALSE;
  /* Sent now: the caller has already waited for the window to settle. */
  spice_main_channel_update_display_enabled (self->main_channel, 0, TRUE, FALSE);
  spice_main_channel_update_display (self->main_channel, 0, 0, 0, width, height, FALSE);
  return spice_main_channel_send_monitor_config (self->main_channel);
}

static void
spice_send_clipboard (VireoGraphicsSession *session,
                      const char           *text)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (session);
  guint32 types[] = { VD_AGENT_CLIPBOARD_UTF8_TEXT };

  if (self->main_channel == NULL || !agent_connected (self) ||
      !spice_main_channel_agent_test_capability (self->main_channel, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND))
    return;

  forget_clipboard (self);
  self->clipboard = g_strdup (text);
  /* The guest asks for the text when it pastes. */
  spice_main_channel_clipboard_selection_grab (self->main_channel, VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD,
                                               types, G_N_ELEMENTS (types));
  self->clipboard_grabbed = TRUE;
}

static void
spice_close (VireoGraphicsSession *session)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (session);

  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  spice_session_disconnect (self->spice);
}

/* ------------------------------------------------------------------------ */
/* Audio                                                                    */

static void
start_audio (VireoSpiceSession *self)
{
  /* Owned by the session; it follows the playback channels from now on. */
  if (spice_audio_get (self->spice, NULL) == NULL)
    g_info ("No audio for this console: spice-glib found no audio backend");
}

gboolean
vireo_spice_session_get_audio (VireoSpiceSession *self)
{
  g_return_val_if_fail (VIREO_IS_SPICE_SESSION (self), FALSE);
  return self->audio;
}

/**
 * vireo_spice_session_set_audio:
 *
 * Plays the guest's sound on this computer (on by default). The guest
 * never gets the host's microphone.
 */
void
vireo_spice_session_set_audio (VireoSpiceSession *self,
                               gboolean           audio)
{
  g_return_if_fail (VIREO_IS_SPICE_SESSION (self));

  if (self->audio == !!audio)
    return;
  self->audio = !!audio;
  /* spice-glib opens or drops the audio channels as this changes. */
  g_object_set (self->spice, "enable-audio", self->audio, NULL);
  if (self->audio && self->started)
    start_audio (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO]);
}

/* ------------------------------------------------------------------------ */
/* USB redirection                                                          */

/**
 * vireo_spice_session_get_usb_available:
 * @reason: (out) (optional): why not, in plain words
 *
 * Whether USB devices of this computer can be passed to the guest now.
 */
gboolean
vireo_spice_session_get_usb_available (VireoSpiceSession  *self,
                                       char              **reason)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (VIREO_IS_SPICE_SESSION (self), FALSE);

  if (reason != NULL)
    *reason = NULL;
  if (get_state (self) != VIREO_GRAPHICS_STATE_CONNECTED)
    {
      if (reason != NULL)
        *reason = g_strdup (_("The console is not connected"));
      return FALSE;
    }
  if (spice_usb_device_manager_get (self->spice, &error) == NULL)
    {
      if (reason != NULL)
        *reason = g_strdup_printf (_("This computer cannot pass USB devices to a machine: %s"),
                                   error->message);
      return FALSE;
    }
  if (!spice_session_has_channel_type (self->spice, SPICE_CHANNEL_USBREDIR))
    {
      if (reason != NULL)
        *reason = g_strdup (_("The machine has no USB redirection channel. Add a “USB Redirector” "
                              "device (SPICE channel) to it and restart it."));
      return FALSE;
    }
  return TRUE;
}

/**
 * vireo_spice_session_list_usb_devices:
 *
 * Lists this computer's USB devices; the indexes the connect and
 * disconnect calls take refer to the latest list.
 *
 * Returns: (transfer full) (element-type utf8): a description of each
 */
GPtrArray *
vireo_spice_session_list_usb_devices (VireoSpiceSession *self)
{
  SpiceUsbDeviceManager *manager;
  GPtrArray *descriptions;

  g_return_val_if_fail (VIREO_IS_SPICE_SESSION (self), NULL);

  descriptions = g_ptr_array_new_with_free_func (g_free);
  g_clear_pointer (&self->usb_devices, g_ptr_array_unref);
  manager = spice_usb_device_manager_get (self->spice, NULL);
  if (manager == NULL)
    return descriptions;

  self->usb_devices = spice_usb_device_manager_get_devices (manager);
  for (guint i = 0; i < self->usb_devices->len; i++)
    g_ptr_array_add (descriptions, spice_usb_device_get_description (self->usb_devices->pdata[i], NULL));
  return descriptions;
}

static SpiceUsbDevice *
usb_device_at (VireoSpiceSession *self,
               guint              index)
{
  if (self->usb_devices == NULL || index >= self->usb_devices->len)
    return NULL;
  return self->usb_devices->pdata[index];
}

gboolean
vireo_spice_session_get_usb_device_connected (VireoSpiceSession *self,
                                              guint              index)
{
  SpiceUsbDeviceManager *manager;
  SpiceUsbDevice *device;

  g_return_val_if_fail (VIREO_IS_SPICE_SESSION (self), FALSE);

  device = usb_device_at (self, index);
  manager = spice_usb_device_manager_get (self->spice, NULL);
  return device != NULL && manager != NULL &&
         spice_usb_device_manager_is_device_connected (manager, device);
}

static void
on_usb_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GTask) task = data;
  SpiceUsbDeviceManager *manager = SPICE_USB_DEVICE_MANAGER (source);
  GError *error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (task) == vireo_spice_session_connect_usb_device_async)
    ok = spice_usb_device_manager_connect_device_finish (manager, result, &error);
  else
    ok = spice_usb_device_manager_disconnect_device_finish (manager, result, &error);
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
usb_device_async (VireoSpiceSession   *self,
                  guint                index,
                  gboolean             connect,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  SpiceUsbDeviceManager *manager;
  SpiceUsbDevice *device;
  g_autofree char *reason = NULL;

  g_task_set_source_tag (task, source_tag);
  if (connect && !vireo_spice_session_get_usb_available (self, &reason))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s", reason);
      return;
    }
  device = usb_device_at (self, index);
  manager = spice_usb_device_manager_get (self->spice, &error);
  if (manager == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (device == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("That USB device is no longer plugged in"));
      return;
    }
  if (connect)
    {
      /* Policy, free channels, permissions: spice-glib's own reason. */
      if (!spice_usb_device_manager_can_redirect_device (manager, device, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      spice_usb_device_manager_connect_device_async (manager, device, cancellable, on_usb_done,
                                                     g_steal_pointer (&task));
    }
  else
    spice_usb_device_manager_disconnect_device_async (manager, device, cancellable, on_usb_done,
                                                      g_steal_pointer (&task));
}

/**
 * vireo_spice_session_connect_usb_device_async:
 * @index: in the latest vireo_spice_session_list_usb_devices()
 *
 * Passes the device to the guest; the host no longer sees it meanwhile.
 */
void
vireo_spice_session_connect_usb_device_async (VireoSpiceSession   *self,
                                              guint                index,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (VIREO_IS_SPICE_SESSION (self));
  usb_device_async (self, index, TRUE, vireo_spice_session_connect_usb_device_async,
                    cancellable, callback, user_data);
}

gboolean
vireo_spice_session_connect_usb_device_finish (VireoSpiceSession  *self,
                                               GAsyncResult       *result,
                                               GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Gives the device back to this computer. */
void
vireo_spice_session_disconnect_usb_device_async (VireoSpiceSession   *self,
                                                 guint                index,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_return_if_fail (VIREO_IS_SPICE_SESSION (self));
  usb_device_async (self, index, FALSE, vireo_spice_session_disconnect_usb_device_async,
                    cancellable, callback, user_data);
}

gboolean
vireo_spice_session_disconnect_usb_device_finish (VireoSpiceSession  *self,
                                                  GAsyncResult       *result,
                                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

static void
vireo_spice_session_dispose (GObject *object)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (object);

  if (self->spice != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      for (guint i = 0; i < self->channels->len; i++)
        forget_channel (self, self->channels->pdata[i]);
      g_ptr_array_set_size (self->channels, 0);
      g_signal_handlers_disconnect_by_data (self->spice, self);
      /* spice-glib keeps the session until its channels are gone. */
      spice_session_disconnect (self->spice);
      g_clear_object (&self->spice);
    }
  g_clear_pointer (&self->usb_devices, g_ptr_array_unref);
  g_clear_object (&self->domain);

  G_OBJECT_CLASS (vireo_spice_session_parent_class)->dispose (object);
}

static void
vireo_spice_session_finalize (GObject *object)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (object);

  forget_clipboard (self);
  g_ptr_array_unref (self->channels);
  g_object_unref (self->cancellable);

  G_OBJECT_CLASS (vireo_spice_session_parent_class)->finalize (object);
}

static void
vireo_spice_session_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (object);

  switch (prop_id)
    {
    case PROP_AUDIO:
      g_value_set_boolean (value, self->audio);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_spice_session_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VireoSpiceSession *self = VIREO_SPICE_SESSION (object);

  switch (prop_id)
    {
    case PROP_AUDIO:
      vireo_spice_session_set_audio (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_spice_session_class_init (VireoSpiceSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  VireoGraphicsSessionClass *session_class = VIREO_GRAPHICS_SESSION_CLASS (klass);

  object_class->dispose = vireo_spice_session_dispose;
  object_class->finalize = vireo_spice_session_finalize;
  object_class->get_property = vireo_spice_session_get_property;
  object_class->set_property = vireo_spice_session_set_property;

  session_class->key = spice_key;
  session_class->pointer_moved = spice_pointer_moved;
  session_class->pointer_relative = spice_pointer_relative;
  session_class->button = spice_button;
  session_class->scroll = spice_scroll;
  session_class->resize_guest = spice_resize_guest;
  session_class->send_clipboard = spice_send_clipboard;
  session_class->close = spice_close;

  properties[PROP_AUDIO] =
    g_param_spec_boolean ("audio", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vireo_spice_session_init (VireoSpiceSession *self)
{
  _vireo_graphics_session_set_protocol (VIREO_GRAPHICS_SESSION (self), "spice");
  /* Relative until the server says it has a tablet (or an agent). */
  _vireo_graphics_session_set_absolute_pointer (VIREO_GRAPHICS_SESSION (self), FALSE);

  self->audio = TRUE;
  self->cancellable = g_cancellable_new ();
  self->channels = g_ptr_array_new_with_free_func (g_object_unref);
  self->spice = spice_session_new ();
  g_object_set (self->spice, "enable-audio", TRUE, "enable-usbredir", TRUE, NULL);

  g_signal_connect (self->spice, "channel-new", G_CALLBACK (on_channel_new), self);
  g_signal_connect (self->spice, "channel-destroy", G_CALLBACK (on_channel_destroy), self);
  g_signal_connect (self->spice, "disconnected", G_CALLBACK (on_session_disconnected), self);
  g_signal_connect (self, "notify::share-clipboard", G_CALLBACK (on_share_clipboard), NULL);
}

/**
 * vireo_spice_session_new:
 * @domain: a running machine
 * @graphics_index: which of its <graphics>, 0 for the first
 */
VireoSpiceSession *
vireo_spice_session_new (VireoDomain *domain,
                         guint        graphics_index)
{
  VireoSpiceSession *self;

  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), NULL);

  self = g_object_new (VIREO_TYPE_SPICE_SESSION, NULL);
  self->domain = g_object_ref (domain);
  self->graphics_index = graphics_index;
  return self;
}

VireoDomain *
vireo_spice_session_get_domain (VireoSpiceSession *self)
{
  g_return_val_if_fail (VIREO_IS_SPICE_SESSION (self), NULL);
  return self->domain;
}

/**
 * vireo_spice_session_connect:
 *
 * Starts the session; "state" tells how it goes. A session connects once:
 * make a new one to connect again.
 */
void
vireo_spice_session_connect (VireoSpiceSession *self)
{
  g_return_if_fail (VIREO_IS_SPICE_SESSION (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  g_object_set (self->spice, "password",
                _vireo_graphics_session_get_password (VIREO_GRAPHICS_SESSION (self)), NULL);
  if (self->audio)
    start_audio (self);
  /* -1: no socket yet; the main channel asks for one with "open-fd". */
  if (!spice_session_open_fd (self->spice, -1))
    fail (self, _("Could not start talking to the display"));
}
