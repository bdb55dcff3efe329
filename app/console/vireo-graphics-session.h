/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gdk/gdk.h>

#include "vireo-framebuffer.h"

G_BEGIN_DECLS

typedef enum
{
  VIREO_GRAPHICS_STATE_CONNECTING,
  VIREO_GRAPHICS_STATE_CONNECTED,
  VIREO_GRAPHICS_STATE_DISCONNECTED,
} VireoGraphicsState;

/* How the display's own sign-in went, for a session that ended. */
typedef enum
{
  VIREO_GRAPHICS_AUTH_OK,
  VIREO_GRAPHICS_AUTH_NEEDED,   /* it asks for a password and had none */
  VIREO_GRAPHICS_AUTH_REFUSED,  /* it refused the password it was given */
} VireoGraphicsAuth;

/* Pointer buttons as the guest numbers them (X11 / VNC order). */
typedef enum
{
  VIREO_POINTER_LEFT   = 1,
  VIREO_POINTER_MIDDLE = 2,
  VIREO_POINTER_RIGHT  = 3,
} VireoPointerButton;

typedef enum
{
  VIREO_SCROLL_UP,
  VIREO_SCROLL_DOWN,
  VIREO_SCROLL_LEFT,
  VIREO_SCROLL_RIGHT,
} VireoScrollDirection;

#define VIREO_TYPE_GRAPHICS_SESSION (vireo_graphics_session_get_type ())
G_DECLARE_DERIVABLE_TYPE (VireoGraphicsSession, vireo_graphics_session, VIREO, GRAPHICS_SESSION, GObject)

/*
 * One graphical console of a guest, whatever the protocol: its screen (a
 * VireoFramebuffer), its cursor, and the input it takes. VireoDisplay draws
 * one and feeds it events; VNC and SPICE subclass it.
 *
 * Coordinates are guest pixels. Keys are PC set-1 scancodes in qnum form
 * (vireo-keymap.h); each protocol puts them on its own wire.
 */
struct _VireoGraphicsSessionClass
{
  GObjectClass parent_class;

  void     (*key)            (VireoGraphicsSession *self,
                              guint16               xt,
                              guint                 keyval,
                              gboolean              down);
  void     (*pointer_moved)  (VireoGraphicsSession *self,
                              double                x,
                              double                y);
  void     (*pointer_relative) (VireoGraphicsSession *self,
                              double                dx,
                              double                dy);
  void     (*button)         (VireoGraphicsSession *self,
                              VireoPointerButton    button,
                              gboolean              down);
  void     (*scroll)         (VireoGraphicsSession *self,
                              VireoScrollDirection  direction);
  gboolean (*resize_guest)   (VireoGraphicsSession *self,
                              int                   width,
                              int                   height);
  void     (*send_clipboard) (VireoGraphicsSession *self,
                              const char           *text);
  void     (*close)          (VireoGraphicsSession *self);

  gpointer padding[8];
};

VireoGraphicsState  vireo_graphics_session_get_state      (VireoGraphicsSession *self);
const char         *vireo_graphics_session_get_error      (VireoGraphicsSession *self);
VireoFramebuffer   *vireo_graphics_session_get_framebuffer (VireoGraphicsSession *self);
GdkTexture         *vireo_graphics_session_get_cursor     (VireoGraphicsSession *self,
                                                           int                  *hot_x,
                                                           int                  *hot_y);
gboolean            vireo_graphics_session_get_absolute_pointer (VireoGraphicsSession *self);
gboolean            vireo_graphics_session_get_can_resize_guest (VireoGraphicsSession *self);
gboolean            vireo_graphics_session_get_share_clipboard  (VireoGraphicsSession *self);
void                vireo_graphics_session_set_share_clipboard  (VireoGraphicsSession *self,
                                                                 gboolean              share);
const char         *vireo_graphics_session_get_protocol   (VireoGraphicsSession *self);
void                vireo_graphics_session_set_password   (VireoGraphicsSession *self,
                                                           const char           *password);
VireoGraphicsAuth   vireo_graphics_session_get_auth       (VireoGraphicsSession *self);

void                vireo_graphics_session_key            (VireoGraphicsSession *self,
                                                           guint16               xt,
                                                           guint                 keyval,
                                                           gboolean              down);
void                vireo_graphics_session_release_keys   (VireoGraphicsSession *self);
guint               vireo_graphics_session_get_n_keys_down (VireoGraphicsSession *self);
void                vireo_graphics_session_send_keys      (VireoGraphicsSession *self,
                                                           const guint16        *xt,
                                                           gsize                 n_keys);
void                vireo_graphics_session_pointer_moved  (VireoGraphicsSession *self,
                                                           double                x,
                                                           double                y);
void                vireo_graphics_session_pointer_relative (VireoGraphicsSession *self,
                                                           double                dx,
                                                           double                dy);
void                vireo_graphics_session_button         (VireoGraphicsSession *self,
                                                           VireoPointerButton    button,
                                                           gboolean              down);
void                vireo_graphics_session_scroll         (VireoGraphicsSession *self,
                                                           VireoScrollDirection  direction);
gboolean            vireo_graphics_session_resize_guest   (VireoGraphicsSession *self,
                                                           int                   width,
                                                           int                   height);
void                vireo_graphics_session_send_clipboard (VireoGraphicsSession *self,
                                                           const char           *text);
void                vireo_graphics_session_close          (VireoGraphicsSession *self);

/* For subclasses. */
void                _vireo_graphics_session_set_state       (VireoGraphicsSession *self,
                                                             VireoGraphicsState    state,
                                                             const char           *error);
void                _vireo_graphics_session_set_framebuffer (VireoGraphicsSession *self,
                                                             VireoFramebuffer     *framebuffer);
void                _vireo_graphics_session_damage          (VireoGraphicsSession *self,
                                                             int                   x,
                                                             int                   y,
                                                             int                   width,
                                                             int                   height);
void                _vireo_graphics_session_set_cursor      (VireoGraphicsSession *self,
                                                             GdkTexture           *cursor,
                                                             int                   hot_x,
                                                             int                   hot_y);
void                _vireo_graphics_session_set_absolute_pointer (VireoGraphicsSession *self,
                                                                  gboolean              absolute);
void                _vireo_graphics_session_set_can_resize_guest (VireoGraphicsSession *self,
                                                                  gboolean              can);
void                _vireo_graphics_session_clipboard_received   (VireoGraphicsSession *self,
                                                                  const char           *text);
void                _vireo_graphics_session_set_protocol    (VireoGraphicsSession *self,
                                                             const char           *protocol);
const char         *_vireo_graphics_session_get_password    (VireoGraphicsSession *self);
void                _vireo_graphics_session_set_auth        (VireoGraphicsSession *self,
                                                             VireoGraphicsAuth     auth);

G_END_DECLS
