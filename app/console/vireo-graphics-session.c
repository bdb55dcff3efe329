/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "vireo-graphics-session.h"
#include "vireo-keymap.h"

typedef struct
{
  VireoGraphicsState  state;
  char               *error;
  char               *protocol;
  char               *password;
  VireoGraphicsAuth   auth;
  VireoFramebuffer   *framebuffer;
  GdkTexture         *cursor;
  int                 hot_x;
  int                 hot_y;
  VireoKeyState      *keys;
  guint               absolute_pointer : 1;
  guint               can_resize_guest : 1;
  guint               share_clipboard : 1;
} VireoGraphicsSessionPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (VireoGraphicsSession, vireo_graphics_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR,
  PROP_FRAMEBUFFER,
  PROP_ABSOLUTE_POINTER,
  PROP_CAN_RESIZE_GUEST,
  PROP_SHARE_CLIPBOARD,
  PROP_PROTOCOL,
  N_PROPS
};

enum {
  DAMAGED,
  CURSOR_CHANGED,
  CLIPBOARD_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define PRIV(self) ((VireoGraphicsSessionPrivate *) vireo_graphics_session_get_instance_private (self))

static void
wipe_password (VireoGraphicsSessionPrivate *priv)
{
  if (priv->password != NULL)
    memset (priv->password, 0, strlen (priv->password));
  g_clear_pointer (&priv->password, g_free);
}

static void
vireo_graphics_session_finalize (GObject *object)
{
  VireoGraphicsSessionPrivate *priv = PRIV (VIREO_GRAPHICS_SESSION (object));

  g_free (priv->error);
  g_free (priv->protocol);
  wipe_password (priv);
  g_clear_object (&priv->framebuffer);
  g_clear_object (&priv->cursor);
  vireo_key_state_free (priv->keys);

  G_OBJECT_CLASS (vireo_graphics_session_parent_class)->finalize (object);
}

static void
vireo_graphics_session_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  VireoGraphicsSession *self = VIREO_GRAPHICS_SESSION (object);
  VireoGraphicsSessionPrivate *priv = PRIV (self);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, priv->state);
      break;
    case PROP_ERROR:
      g_value_set_string (value, priv->error);
      break;
    case PROP_FRAMEBUFFER:
      g_value_set_object (value, priv->framebuffer);
      break;
    case PROP_ABSOLUTE_POINTER:
      g_value_set_boolean (value, priv->absolute_pointer);
      break;
    case PROP_CAN_RESIZE_GUEST:
      g_value_set_boolean (value, priv->can_resize_guest);
      break;
    case PROP_SHARE_CLIPBOARD:
      g_value_set_boolean (value, priv->share_clipboard);
      break;
    case PROP_PROTOCOL:
      g_value_set_string (value, priv->protocol);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_graphics_session_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  VireoGraphicsSession *self = VIREO_GRAPHICS_SESSION (object);

  switch (prop_id)
    {
    case PROP_SHARE_CLIPBOARD:
      vireo_graphics_session_set_share_clipboard (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_graphics_session_class_init (VireoGraphicsSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_graphics_session_finalize;
  object_class->get_property = vireo_graphics_session_get_property;
  object_class->set_property = vireo_graphics_session_set_property;

  /* VireoGraphicsState; an int, the console library registers no enum
   * types of its own. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      VIREO_GRAPHICS_STATE_CONNECTING, VIREO_GRAPHICS_STATE_DISCONNECTED,
                      VIREO_GRAPHICS_STATE_CONNECTING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRAMEBUFFER] =
    g_param_spec_object ("framebuffer", NULL, NULL, VIREO_TYPE_FRAMEBUFFER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ABSOLUTE_POINTER] =
    g_param_spec_boolean ("absolute-pointer", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_RESIZE_GUEST] =
    g_param_spec_boolean ("can-resize-guest", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Off unless the user turns it on: a guest would otherwise read every
   * password the user copies on the host. */
  properties[PROP_SHARE_CLIPBOARD] =
    g_param_spec_boolean ("share-clipboard", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROTOCOL] =
    g_param_spec_string ("protocol", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Pixels of the framebuffer changed; draw at the next frame. */
  signals[DAMAGED] =
    g_signal_new ("damaged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[CURSOR_CHANGED] =
    g_signal_new ("cursor-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The guest copied text, and sharing is on. */
  signals[CLIPBOARD_RECEIVED] =
    g_signal_new ("clipboard-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vireo_graphics_session_init (VireoGraphicsSession *self)
{
  VireoGraphicsSessionPrivate *priv = PRIV (self);

  priv->keys = vireo_key_state_new ();
  priv->absolute_pointer = TRUE;
}

VireoGraphicsState
vireo_graphics_session_get_state (VireoGraphicsSession *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPHICS_SESSION (self), VIREO_GRAPHICS_STATE_DISCONNECTED);
  return PRIV (self)->state;
}

/* Why the session is disconnected, for the user; NULL when it ended
 * because it was asked to. */
const char *
vireo_graphics_session_get_error (VireoGraphicsSession *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPHICS_SESSION (self), NULL);
  return PRIV (self)->error;
}

/**
 * vireo_graphics_session_set_password:
 *
 * For a display that asks for its own password (one reached through a
 * tunnel; the daemon's socket never asks). Set it before connecting. Kept
 * only in memory, and wiped when the session goes.
 */
void
vireo_graphics_session_set_password (VireoGraphicsSession *self,
                                     const char           *password)
{
  VireoGraphicsSessionPrivate *priv;

  g_return_if_fail (VIREO_IS_GRAPHICS_SESSION (self));

  priv = PRIV (self);
  wipe_password (priv);
  priv->password = g_strdup (password);
}

const char *
_vireo_graphics_session_get_password (VireoGraphicsSession *self)
{
  return PRIV (self)->password;
}

/* Whether a disconnected session ended at the display's sign-in: the
 * caller can ask the user for a password rather than show an error. */
VireoGraphicsAuth
vireo_graphics_session_get_auth (VireoGraphicsSession *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPHICS_SESSION (self), VIREO_GRAPHICS_AUTH_OK);
  return PRIV (self)->auth;
}

void
_vireo_graphics_session_set_auth (VireoGraphicsSession *self,
                                  VireoGraphicsAuth     auth)
{
  PRIV (self)->auth = auth;
}

VireoFramebuffer *
vireo_graphics_session_get_framebuffer (VireoGraphicsSession *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPHICS_SESSION (self), NULL);
  return PRIV (self)->framebuffer;
}

/**
 * vireo_graphics_session_get_cursor:
 *
 * Returns: (transfer none) (nullable): the guest's pointer image, NULL
 * while the guest has not sent one (the guest then draws the pointer into
 * its own screen)
 */
GdkTexture *
vireo_graphics_session_get_cursor (VireoGraphicsSession *self,
                                   int                  *hot_x,
                                   int                  *hot_y)
{
  VireoGraphicsSessionPrivate *priv;

  g_return_val_if_fail (VIREO_IS_GRAPHICS_SESSION (self), NULL);

  priv = PRIV (self);
  if (hot_x != NULL)
    *hot_x = priv->hot_x;
  if (hot_y != NULL)
    *hot_y = priv->hot_y;
  return priv->cursor;
}

/* FALSE when the guest's pointer is relative (a PS/2 mouse, no tablet). */
gboolean
vireo_graphics_session_get_absolute_pointer (VireoGraphicsSession *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPHICS_SESSION (self), TRUE);
  return PRIV (self)->absolute_pointer;
}

gboolean
vireo_graphics_session_get_can_resize_guest (VireoGraphicsSession *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPHICS_SESSION (self), FALSE);
  return PRIV (self)->can_resize_guest;
}

gboolean
vireo_graphics_session_get_share_clipboard (VireoGraphicsSession *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPHICS_SESSION (self), FALSE);
  return PRIV (self)->share_clipboard;
}

void
vireo_graphics_session_set_share_clipboard (VireoGraphicsSession *self,
                                            gboolean              share)
{
  VireoGraphicsSessionPrivate *priv;

  g_return_if_fail (VIREO_IS_GRAPHICS_SESSION (self));

  priv = PRIV (self);
  if (priv->share_clipboard == !!share)
    return;
  priv->share_clipboard = !!share;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARE_CLIPBOARD]);
}

/* "vnc" or "spice". */
const char *
vireo_graphics_session_get_protocol (VireoGraphicsSession *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPHICS_SESSION (self), NULL);
  return PRIV (self)->protocol;
}

static gboolean
connected (VireoGraphicsSession *self)
{
  return PRIV (self)->state == VIREO_GRAPHICS_STATE_CONNECTED;
}

/**
 * vireo_graphics_session_key:
 * @xt: the key's scancode (qnum)
 * @keyval: what the key means on the host, for protocols without scancodes
 *
 * Pressing a key that is already down repeats it, as a held key does on
 * real hardware; releasing one the guest never saw pressed is dropped.
 */
void
vireo_graphics_session_key (VireoGraphicsSession *self,
                            guint16               xt,
                            guint                 keyval,
                            gboolean              down)
{
  VireoGraphicsSessionPrivate *priv;

  g_return_if_fail (VIREO_IS_GRAPHICS_SESSION (self));

  priv = PRIV (self);
  if (xt == 0 || !connected (self))
    return;
  if (down)
    vireo_key_state_press (priv->keys, xt);
  else if (!vireo_key_state_release (priv->keys, xt))
    return;
  VIREO_GRAPHICS_SESSION_GET_CLASS (self)->key (self, xt, keyval, down);
}

static void
release_one (guint16  code,
             gpointer data)
{
  VireoGraphicsSession *self = data;

  VIREO_GRAPHICS_SESSION_GET_CLASS (self)->key (self, code, 0, FALSE);
}

/* The console lost the keyboard: the guest would never hear these keys
 * come up, and would repeat them forever. */
void
vireo_graphics_session_release_keys (VireoGraphicsSession *self)
{
  VireoGraphicsSessionPrivate *priv;

  g_return_if_fail (VIREO_IS_GRAPHICS_SESSION (self));

  priv = PRIV (self);
  if (!connected (self))
    {
      vireo_key_state_release_all (priv->keys, NULL, NULL);
      return;
    }
  vireo_key_state_release_all (priv->keys, release_one, self);
}

guint
vireo_graphics_session_get_n_keys_down (VireoGraphicsSession *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPHICS_SESSION (self), 0);
  return vireo_key_state_get_n_pressed (PRIV (self)->keys);
}

/* A combination typed at once (Ctrl+Alt+Del): pressed in order, released
 * in reverse, as fingers do. */
void
vireo_graphics_session_send_keys (VireoGraphicsSession *self,
                                  const guint16        *xt,
                                  gsize                 n_keys)
{
  g_return_if_fail (VIREO_IS_GRAPHICS_SESSION (self));

  for (gsize i = 0; i < n_keys; i++)
    vireo_graphics_session_key (self, xt[i], 0, TRUE);
  for (gsize i = n_keys; i > 0; i--)
    vireo_graphics_session_key (self, xt[i - 1], 0, FALSE);
}

void
vireo_graphics_session_pointer_moved (VireoGraphicsSession *self,
                                      double                x,
                                      double                y)
{
  g_return_if_fail (VIREO_IS_GRAPHICS_SESSION (self));

  if (connected (self))
    VIREO_GRAPHICS_SESSION_GET_CLASS (self)->pointer_moved (self, x, y);
}

void
vireo_graphics_session_pointer_relative (VireoGraphicsSession *self,
                                         double                dx,
                                         double                dy)
{
  VireoGraphicsSessionClass *klass;

  g_return_if_fail (VIREO_IS_GRAPHICS_SESSION (self));

  klass = VIREO_GRAPHICS_SESSION_GET_CLASS (self);
  if (connected (self) && klass->pointer_relative != NULL)
    klass->pointer_relative (self, dx, dy);
}

void
vireo_graphics_session_button (VireoGraphicsSession *self,
                               VireoPointerButton    button,
                               gboolean              down)
{
  g_return_if_fail (VIREO_IS_GRAPHICS_SESSION (self));

  if (connected (self))
    VIREO_GRAPHICS_SESSION_GET_CLASS (self)->button (self, button, down);
}

void
vireo_graphics_session_scroll (VireoGraphicsSession *self,
                               VireoScrollDirection  direction)
{
  g_return_if_fail (VIREO_IS_GRAPHICS_SESSION (self));

  if (connected (self))
    VIREO_GRAPHICS_SESSION_GET_CLASS (self)->scroll (self, direction);
}

/* Asks the guest for a screen of this size; FALSE when it cannot (no
 * agent, no extended desktop size). */
gboolean
vireo_graphics_session_resize_guest (VireoGraphicsSession *self,
                                     int                   width,
                                     int                   height)
{
  VireoGraphicsSessionClass *klass;

  g_return_val_if_fail (VIREO_IS_GRAPHICS_SESSION (self), FALSE);

  klass = VIREO_GRAPHICS_SESSION_GET_CLASS (self);
  if (!connected (self) || !PRIV (self)->can_resize_guest || klass->resize_guest == NULL ||
      width < 1 || height < 1)
    return FALSE;
  return klass->resize_guest (self, width, height);
}

/* The host's clipboard changed; passed on only while sharing is on. */
void
vireo_graphics_session_send_clipboard (VireoGraphicsSession *self,
                                       const char           *text)
{
  VireoGraphicsSessionClass *klass;

  g_return_if_fail (VIREO_IS_GRAPHICS_SESSION (self));

  klass = VIREO_GRAPHICS_SESSION_GET_CLASS (self);
  if (connected (self) && PRIV (self)->share_clipboard && text != NULL &&
      klass->send_clipboard != NULL)
    klass->send_clipboard (self, text);
}

void
vireo_graphics_session_close (VireoGraphicsSession *self)
{
  g_return_if_fail (VIREO_IS_GRAPHICS_SESSION (self));

  if (PRIV (self)->state == VIREO_GRAPHICS_STATE_DISCONNECTED)
    return;
  vireo_graphics_session_release_keys (self);
  VIREO_GRAPHICS_SESSION_GET_CLASS (self)->close (self);
  _vireo_graphics_session_set_state (self, VIREO_GRAPHICS_STATE_DISCONNECTED, NULL);
}

void
_vireo_graphics_session_set_state (VireoGraphicsSession *self,
                                   VireoGraphicsState    state,
                                   const char           *error)
{
  VireoGraphicsSessionPrivate *priv = PRIV (self);

  /* Disconnected is final: the first reason given is the one to show. */
  if (priv->state == VIREO_GRAPHICS_STATE_DISCONNECTED || priv->state == state)
    return;
  if (state == VIREO_GRAPHICS_STATE_DISCONNECTED)
    {
      vireo_key_state_release_all (priv->keys, NULL, NULL);
      priv->error = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  priv->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
_vireo_graphics_session_set_framebuffer (VireoGraphicsSession *self,
                                         VireoFramebuffer     *framebuffer)
{
  VireoGraphicsSessionPrivate *priv = PRIV (self);

  if (g_set_object (&priv->framebuffer, framebuffer))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMEBUFFER]);
}

void
_vireo_graphics_session_damage (VireoGraphicsSession *self,
                                int                   x,
                                int                   y,
                                int                   width,
                                int                   height)
{
  VireoGraphicsSessionPrivate *priv = PRIV (self);

  if (priv->framebuffer == NULL)
    return;
  vireo_framebuffer_damage (priv->framebuffer, x, y, width, height);
  g_signal_emit (self, signals[DAMAGED], 0);
}

void
_vireo_graphics_session_set_cursor (VireoGraphicsSession *self,
                                    GdkTexture           *cursor,
                                    int                   hot_x,
                                    int                   hot_y)
{
  VireoGraphicsSessionPrivate *priv = PRIV (self);

  g_set_object (&priv->cursor, cursor);
  priv->hot_x = hot_x;
  priv->hot_y = hot_y;
  g_signal_emit (self, signals[CURSOR_CHANGED], 0);
}

void
_vireo_graphics_session_set_absolute_pointer (VireoGraphicsSession *self,
                                              gboolean              absolute)
{
  VireoGraphicsSessionPrivate *priv = PRIV (self);

  if (priv->absolute_pointer == !!absolute)
    return;
  priv->absolute_pointer = !!absolute;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ABSOLUTE_POINTER]);
}

void
_vireo_graphics_session_set_can_resize_guest (VireoGraphicsSession *self,
                                              gboolean              can)
{
  VireoGraphicsSessionPrivate *priv = PRIV (self);

  if (priv->can_resize_guest == !!can)
    return;
  priv->can_resize_guest = !!can;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_RESIZE_GUEST]);
}

/* The guest's clipboard is dropped here, not in each protocol, while
 * sharing is off. */
void
_vireo_graphics_session_clipboard_received (VireoGraphicsSession *self,
                                            const char           *text)
{
  if (PRIV (self)->share_clipboard && text != NULL)
    g_signal_emit (self, signals[CLIPBOARD_RECEIVED], 0, text);
}

void
_vireo_graphics_session_set_protocol (VireoGraphicsSession *self,
                                      const char           *protocol)
{
  VireoGraphicsSessionPrivate *priv = PRIV (self);

  g_free (priv->protocol);
  priv->protocol = g_strdup (protocol);
}
