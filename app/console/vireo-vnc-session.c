/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gvnc.h>
#include <unistd.h>

#include "vireo-vnc-session.h"

/*
 * VNC through gvnc. gvnc decodes into memory Vireo owns (the
 * VireoFramebuffer), on the main context, in a coroutine; nothing here
 * blocks.
 */

/* QEMU reads a relative move as the offset from this point when the client
 * understands pointer-type changes. */
#define RELATIVE_ORIGIN 0x7fff

struct _VireoVncSession
{
  VireoGraphicsSession  parent_instance;

  VncConnection        *vnc;
  VncBaseFramebuffer   *vnc_fb;
  char                 *error;
  guint                 button_mask;
  guint                 request_id;
  double                last_x;
  double                last_y;
  gboolean              local;
};

G_DEFINE_FINAL_TYPE (VireoVncSession, vireo_vnc_session, VIREO_TYPE_GRAPHICS_SESSION)

static const VncPixelFormat bgrx = {
  .bits_per_pixel = 32, .depth = 24, .byte_order = G_LITTLE_ENDIAN, .true_color_flag = 1,
  .red_max = 255, .green_max = 255, .blue_max = 255,
  .red_shift = 16, .green_shift = 8, .blue_shift = 0,
};

static void
set_error (VireoVncSession *self,
           const char      *message)
{
  if (self->error == NULL)
    self->error = g_strdup (message);
}

/* gvnc reports each rectangle on its own; one incremental request per
 * main-loop turn asks for what changed after all of them. */
static gboolean
request_update (gpointer data)
{
  VireoVncSession *self = data;
  VireoFramebuffer *fb = vireo_graphics_session_get_framebuffer (VIREO_GRAPHICS_SESSION (self));

  self->request_id = 0;
  if (fb != NULL && vnc_connection_is_initialized (self->vnc))
    vnc_connection_framebuffer_update_request (self->vnc, TRUE, 0, 0,
                                               vireo_framebuffer_get_width (fb),
                                               vireo_framebuffer_get_height (fb));
  return G_SOURCE_REMOVE;
}

static void
queue_request (VireoVncSession *self)
{
  if (self->request_id == 0)
    self->request_id = g_idle_add_full (G_PRIORITY_DEFAULT, request_update, self, NULL);
}

static void
make_framebuffer (VireoVncSession *self,
                  int              width,
                  int              height)
{
  g_autoptr(VireoFramebuffer) fb = vireo_framebuffer_new (width, height);

  g_clear_object (&self->vnc_fb);
  self->vnc_fb = vnc_base_framebuffer_new (vireo_framebuffer_get_data (fb), width, height,
                                           vireo_framebuffer_get_stride (fb), &bgrx, &bgrx);
  /* gvnc's coroutine may still write a rectangle after the session let
   * go of it (a shutdown finishes on a later main-loop turn): the memory
   * lives as long as gvnc's framebuffer does. */
  g_object_set_data_full (G_OBJECT (self->vnc_fb), "vireo-framebuffer", g_object_ref (fb), g_object_unref);
  vnc_connection_set_framebuffer (self->vnc, VNC_FRAMEBUFFER (self->vnc_fb));
  _vireo_graphics_session_set_framebuffer (VIREO_GRAPHICS_SESSION (self), fb);
  vnc_connection_framebuffer_update_request (self->vnc, FALSE, 0, 0, width, height);
}

static void
on_initialized (VncConnection   *vnc,
                VireoVncSession *self)
{
  /* Over a local socket bandwidth is free and decoding is not: raw first.
   * Through a tunnel the compressed encodings save the network. */
  static const gint32 local_encodings[] = {
    VNC_CONNECTION_ENCODING_RAW, VNC_CONNECTION_ENCODING_COPY_RECT,
    VNC_CONNECTION_ENCODING_ZRLE, VNC_CONNECTION_ENCODING_HEXTILE,
  };
  static const gint32 remote_encodings[] = {
    VNC_CONNECTION_ENCODING_ZRLE, VNC_CONNECTION_ENCODING_TIGHT,
    VNC_CONNECTION_ENCODING_TIGHT_JPEG5, VNC_CONNECTION_ENCODING_HEXTILE,
    VNC_CONNECTION_ENCODING_COPY_RECT, VNC_CONNECTION_ENCODING_RAW,
  };
  static const gint32 pseudo[] = {
    VNC_CONNECTION_ENCODING_DESKTOP_RESIZE, VNC_CONNECTION_ENCODING_EXTENDED_DESKTOP_RESIZE,
    VNC_CONNECTION_ENCODING_WMVi, VNC_CONNECTION_ENCODING_EXT_KEY_EVENT,
    VNC_CONNECTION_ENCODING_POINTER_CHANGE, VNC_CONNECTION_ENCODING_ALPHA_CURSOR,
    VNC_CONNECTION_ENCODING_RICH_CURSOR, VNC_CONNECTION_ENCODING_XCURSOR,
    VNC_CONNECTION_ENCODING_LAST_RECT,
    /* No LED_STATE: gvnc 1.3.1's handling of it is broken. */
  };
  g_autoptr(GArray) encodings = g_array_new (FALSE, FALSE, sizeof (gint32));

  if (self->local)
    g_array_append_vals (encodings, local_encodings, G_N_ELEMENTS (local_encodings));
  else
    g_array_append_vals (encodings, remote_encodings, G_N_ELEMENTS (remote_encodings));
  g_array_append_vals (encodings, pseudo, G_N_ELEMENTS (pseudo));

  vnc_connection_set_pixel_format (vnc, &bgrx);
  vnc_connection_set_encodings (vnc, encodings->len, (gint32 *) encodings->data);
  make_framebuffer (self, vnc_connection_get_width (vnc), vnc_connection_get_height (vnc));
  /* QEMU resizes on request when the display device has an EDID; gvnc
   * tells only when a request fails. */
  _vireo_graphics_session_set_can_resize_guest (VIREO_GRAPHICS_SESSION (self), TRUE);
  _vireo_graphics_session_set_absolute_pointer (VIREO_GRAPHICS_SESSION (self),
                                                vnc_connection_get_abs_pointer (vnc));
  _vireo_graphics_session_set_state (VIREO_GRAPHICS_SESSION (self), VIREO_GRAPHICS_STATE_CONNECTED, NULL);
}

static void
on_framebuffer_update (VncConnection   *vnc,
                       int              x,
                       int              y,
                       int              width,
                       int              height,
                       VireoVncSession *self)
{
  _vireo_graphics_session_damage (VIREO_GRAPHICS_SESSION (self), x, y, width, height);
  queue_request (self);
}

static void
on_desktop_resize (VncConnection   *vnc,
                   int              width,
                   int              height,
                   VireoVncSession *self)
{
  VireoFramebuffer *fb = vireo_graphics_session_get_framebuffer (VIREO_GRAPHICS_SESSION (self));

  /* QEMU repeats the size it already has. */
  if (fb != NULL && vireo_framebuffer_get_width (fb) == width &&
      vireo_framebuffer_get_height (fb) == height)
    return;
  make_framebuffer (self, width, height);
}

static void
on_cursor_changed (VncConnection   *vnc,
                   VncCursor       *cursor,
                   VireoVncSession *self)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int width, height;

  if (cursor == NULL || (width = vnc_cursor_get_width (cursor)) == 0 ||
      (height = vnc_cursor_get_height (cursor)) == 0)
    {
      _vireo_graphics_session_set_cursor (VIREO_GRAPHICS_SESSION (self), NULL, 0, 0);
      return;
    }

  bytes = g_bytes_new (vnc_cursor_get_data (cursor), (gsize) width * height * 4);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, (gsize) width * 4);
  _vireo_graphics_session_set_cursor (VIREO_GRAPHICS_SESSION (self), texture,
                                      vnc_cursor_get_hotx (cursor), vnc_cursor_get_hoty (cursor));
}

static void
on_pointer_mode_changed (VncConnection   *vnc,
                         gboolean         absolute,
                         VireoVncSession *self)
{
  _vireo_graphics_session_set_absolute_pointer (VIREO_GRAPHICS_SESSION (self), absolute);
}

static void
on_server_cut_text (VncConnection   *vnc,
                    const char      *text,
                    VireoVncSession *self)
{
  /* VNC cut text is Latin-1; a guest can send anything. */
  g_autofree char *utf8 = g_convert (text, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);

  _vireo_graphics_session_clipboard_received (VIREO_GRAPHICS_SESSION (self), utf8);
}

static const char *
password (VireoVncSession *self)
{
  return _vireo_graphics_session_get_password (VIREO_GRAPHICS_SESSION (self));
}

/* The daemon's socket skips the display's own password (SKIPAUTH), and
 * QEMU then offers "none"; gvnc waits for the client to pick. A display
 * reached another way may offer only its password. */
static void
on_auth_choose_type (VncConnection   *vnc,
                     GValueArray     *types,
                     VireoVncSession *self)
{
  gboolean offers_none = FALSE, offers_vnc = FALSE;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  for (guint i = 0; types != NULL && i < types->n_values; i++)
    {
      const GValue *value = g_value_array_get_nth (types, i);
      guint type = G_VALUE_HOLDS_ENUM (value) ? (guint) g_value_get_enum (value)
                   : G_VALUE_HOLDS_UINT (value) ? g_value_get_uint (value) : G_MAXUINT;

      offers_none |= type == VNC_CONNECTION_AUTH_NONE;
      offers_vnc |= type == VNC_CONNECTION_AUTH_VNC;
    }
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (offers_vnc && (password (self) != NULL || !offers_none))
    vnc_connection_set_auth_type (vnc, VNC_CONNECTION_AUTH_VNC);
  else
    vnc_connection_set_auth_type (vnc, VNC_CONNECTION_AUTH_NONE);
}

static void
on_auth_credential (VncConnection   *vnc,
                    GValueArray     *credentials,
                    VireoVncSession *self)
{
  if (password (self) == NULL ||
      !vnc_connection_set_credential (vnc, VNC_CONNECTION_CREDENTIAL_PASSWORD, password (self)))
    {
      _vireo_graphics_session_set_auth (VIREO_GRAPHICS_SESSION (self), VIREO_GRAPHICS_AUTH_NEEDED);
      set_error (self, _("The display asks for a password"));
      vnc_connection_shutdown (vnc);
    }
}

static void
on_auth_failure (VncConnection   *vnc,
                 const char      *reason,
                 VireoVncSession *self)
{
  g_autofree char *message = g_strdup_printf (_("The display refused the password: %s"), reason);

  if (password (self) != NULL)
    _vireo_graphics_session_set_auth (VIREO_GRAPHICS_SESSION (self), VIREO_GRAPHICS_AUTH_REFUSED);
  set_error (self, message);
}

static void
on_auth_unsupported (VncConnection   *vnc,
                     guint            type,
                     VireoVncSession *self)
{
  set_error (self, _("The display asks for a kind of sign-in Vireo cannot do"));
}

static void
on_error (VncConnection   *vnc,
          const char      *message,
          VireoVncSession *self)
{
  set_error (self, message);
}

static void
on_disconnected (VncConnection   *vnc,
                 VireoVncSession *self)
{
  g_clear_handle_id (&self->request_id, g_source_remove);
  _vireo_graphics_session_set_state (VIREO_GRAPHICS_SESSION (self), VIREO_GRAPHICS_STATE_DISCONNECTED,
                                     self->error != NULL ? self->error
                                                         : _("The display closed the connection"));
}

static void
vnc_key (VireoGraphicsSession *session,
         guint16               xt,
         guint                 keyval,
         gboolean              down)
{
  VireoVncSession *self = VIREO_VNC_SESSION (session);

  /* With QEMU's extended key event the scancode is what counts; the keysym
   * is for servers without it. */
  vnc_connection_key_event (self->vnc, down, keyval, xt);
}

static void
send_pointer (VireoVncSession *self,
              int              x,
              int              y)
{
  vnc_connection_pointer_event (self->vnc, self->button_mask, CLAMP (x, 0, G_MAXUINT16),
                                CLAMP (y, 0, G_MAXUINT16));
}

static void
vnc_pointer_moved (VireoGraphicsSession *session,
                   double                x,
                   double                y)
{
  VireoVncSession *self = VIREO_VNC_SESSION (session);

  self->last_x = x;
  self->last_y = y;
  if (vireo_graphics_session_get_absolute_pointer (session))
    send_pointer (self, x, y);
}

static void
vnc_pointer_relative (VireoGraphicsSession *session,
                      double                dx,
                      double                dy)
{
  VireoVncSession *self = VIREO_VNC_SESSION (session);

  if (!vireo_graphics_session_get_absolute_pointer (session))
    send_pointer (self, RELATIVE_ORIGIN + (int) dx, RELATIVE_ORIGIN + (int) dy);
}

/* Where a button goes down: the last absolute position, or "no move" for a
 * relative pointer. */
static void
send_buttons (VireoVncSession *self)
{
  if (vireo_graphics_session_get_absolute_pointer (VIREO_GRAPHICS_SESSION (self)))
    send_pointer (self, self->last_x, self->last_y);
  else
    send_pointer (self, RELATIVE_ORIGIN, RELATIVE_ORIGIN);
}

static void
vnc_button (VireoGraphicsSession *session,
            VireoPointerButton    button,
            gboolean              down)
{
  VireoVncSession *self = VIREO_VNC_SESSION (session);
  guint bit = 1u << (button - 1);

  if (down)
    self->button_mask |= bit;
  else
    self->button_mask &= ~bit;
  send_buttons (self);
}

static void
vnc_scroll (VireoGraphicsSession *session,
            VireoScrollDirection  direction)
{
  VireoVncSession *self = VIREO_VNC_SESSION (session);
  /* Wheel "buttons" 4 to 7, pressed and released at once. */
  guint bit = 1u << (3 + direction);

  self->button_mask |= bit;
  send_buttons (self);
  self->button_mask &= ~bit;
  send_buttons (self);
}

static gboolean
vnc_resize_guest (VireoGraphicsSession *session,
                  int                   width,
                  int                   height)
{
  VireoVncSession *self = VIREO_VNC_SESSION (session);
  VncConnectionResizeStatus status = vnc_connection_set_size (self->vnc, width, height);

  if (status == VNC_CONNECTION_RESIZE_STATUS_UNSUPPORTED)
    _vireo_graphics_session_set_can_resize_guest (session, FALSE);
  return status == VNC_CONNECTION_RESIZE_STATUS_OK;
}

static void
vnc_send_clipboard (VireoGraphicsSession *session,
                    const char           *text)
{
  VireoVncSession *self = VIREO_VNC_SESSION (session);
  g_autofree char *latin1 = g_convert_with_fallback (text, -1, "ISO-8859-1", "UTF-8", "?",
                                                     NULL, NULL, NULL);

  if (latin1 != NULL)
    vnc_connection_client_cut_text (self->vnc, latin1, strlen (latin1));
}

static void
vnc_close (VireoGraphicsSession *session)
{
  VireoVncSession *self = VIREO_VNC_SESSION (session);

  g_clear_handle_id (&self->request_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->vnc, self);
  vnc_connection_shutdown (self->vnc);
}

static void
vireo_vnc_session_dispose (GObject *object)
{
  VireoVncSession *self = VIREO_VNC_SESSION (object);

  if (self->vnc != NULL)
    {
      g_clear_handle_id (&self->request_id, g_source_remove);
      g_signal_handlers_disconnect_by_data (self->vnc, self);
      vnc_connection_shutdown (self->vnc);
      g_clear_object (&self->vnc);
    }
  g_clear_object (&self->vnc_fb);

  G_OBJECT_CLASS (vireo_vnc_session_parent_class)->dispose (object);
}

static void
vireo_vnc_session_finalize (GObject *object)
{
  VireoVncSession *self = VIREO_VNC_SESSION (object);

  g_free (self->error);

  G_OBJECT_CLASS (vireo_vnc_session_parent_class)->finalize (object);
}

static void
vireo_vnc_session_class_init (VireoVncSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  VireoGraphicsSessionClass *session_class = VIREO_GRAPHICS_SESSION_CLASS (klass);

  object_class->dispose = vireo_vnc_session_dispose;
  object_class->finalize = vireo_vnc_session_finalize;

  session_class->key = vnc_key;
  session_class->pointer_moved = vnc_pointer_moved;
  session_class->pointer_relative = vnc_pointer_relative;
  session_class->button = vnc_button;
  session_class->scroll = vnc_scroll;
  session_class->resize_guest = vnc_resize_guest;
  session_class->send_clipboard = vnc_send_clipboard;
  session_class->close = vnc_close;
}

static void
vireo_vnc_session_init (VireoVncSession *self)
{
  self->vnc = vnc_connection_new ();
  _vireo_graphics_session_set_protocol (VIREO_GRAPHICS_SESSION (self), "vnc");

  g_signal_connect (self->vnc, "vnc-initialized", G_CALLBACK (on_initialized), self);
  g_signal_connect (self->vnc, "vnc-framebuffer-update", G_CALLBACK (on_framebuffer_update), self);
  g_signal_connect (self->vnc, "vnc-desktop-resize", G_CALLBACK (on_desktop_resize), self);
  g_signal_connect (self->vnc, "vnc-cursor-changed", G_CALLBACK (on_cursor_changed), self);
  g_signal_connect (self->vnc, "vnc-pointer-mode-changed", G_CALLBACK (on_pointer_mode_changed), self);
  g_signal_connect (self->vnc, "vnc-server-cut-text", G_CALLBACK (on_server_cut_text), self);
  g_signal_connect (self->vnc, "vnc-auth-choose-type", G_CALLBACK (on_auth_choose_type), self);
  g_signal_connect (self->vnc, "vnc-auth-credential", G_CALLBACK (on_auth_credential), self);
  g_signal_connect (self->vnc, "vnc-auth-failure", G_CALLBACK (on_auth_failure), self);
  g_signal_connect (self->vnc, "vnc-auth-unsupported", G_CALLBACK (on_auth_unsupported), self);
  g_signal_connect (self->vnc, "vnc-error", G_CALLBACK (on_error), self);
  g_signal_connect (self->vnc, "vnc-disconnected", G_CALLBACK (on_disconnected), self);
}

VireoVncSession *
vireo_vnc_session_new (void)
{
  return g_object_new (VIREO_TYPE_VNC_SESSION, NULL);
}

/**
 * vireo_vnc_session_open_fd:
 * @fd: a connected socket; the session owns it from now on, even on failure
 * @local: the socket leads to this computer (no network to save)
 *
 * Starts the VNC handshake; the session reports "state" as it goes.
 */
gboolean
vireo_vnc_session_open_fd (VireoVncSession *self,
                           int              fd,
                           gboolean         local,
                           GError         **error)
{
  g_return_val_if_fail (VIREO_IS_VNC_SESSION (self), FALSE);
  g_return_val_if_fail (fd >= 0, FALSE);

  self->local = local;
  if (!vnc_connection_open_fd (self->vnc, fd))
    {
      close (fd);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("Could not start talking to the display"));
      _vireo_graphics_session_set_state (VIREO_GRAPHICS_SESSION (self), VIREO_GRAPHICS_STATE_DISCONNECTED,
                                         _("Could not start talking to the display"));
      return FALSE;
    }
  return TRUE;
}
