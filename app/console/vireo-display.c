/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "vireo-display.h"
#include "vireo-keymap.h"

/*
 * Draws a VireoGraphicsSession's screen and gives it the user's keyboard
 * and pointer.
 *
 * The keyboard belongs to the guest only while the display is "grabbed"
 * (a click on it, or vireo_display_grab()): then system shortcuts go to
 * the guest too (Super, Alt+Tab), the application's accelerators are put
 * aside, and the release shortcut (Ctrl+Alt+G unless set otherwise) is the
 * one key that stays with the host. Losing focus releases the grab and
 * every key the guest was told is down.
 */

#define RESIZE_DELAY_MS 400

typedef struct
{
  char  *action;
  char **accels;
} SavedAccels;

struct _VireoDisplay
{
  GtkWidget             parent_instance;

  VireoGraphicsSession *session;
  VireoDisplayScale     scale_mode;
  char                 *release_accel;
  guint                 release_keyval;
  GdkModifierType       release_mods;

  GArray               *saved_accels;   /* of SavedAccels, while grabbed */
  gboolean              saved_menubar_accel;
  gboolean              grabbed;

  double                pointer_x;      /* widget coordinates */
  double                pointer_y;
  gboolean              has_pointer;
  guint                 resize_id;
  int                   asked_width;
  int                   asked_height;
};

G_DEFINE_FINAL_TYPE (VireoDisplay, vireo_display, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SCALE_MODE,
  PROP_GRABBED,
  PROP_RELEASE_ACCEL,
  PROP_GUEST_WIDTH,
  PROP_GUEST_HEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static VireoFramebuffer *
framebuffer (VireoDisplay *self)
{
  return self->session != NULL ? vireo_graphics_session_get_framebuffer (self->session) : NULL;
}

static gboolean
session_connected (VireoDisplay *self)
{
  return self->session != NULL &&
         vireo_graphics_session_get_state (self->session) == VIREO_GRAPHICS_STATE_CONNECTED;
}

/* Screen pixels per logical pixel: 1:1 means one guest pixel per device
 * pixel, which on a HiDPI screen is half a logical one. */
static double
device_scale (VireoDisplay *self)
{
  return MAX (1, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
}

/* Where the guest's screen goes in the widget, and at what scale. */
static gboolean
compute_area (VireoDisplay    *self,
              graphene_rect_t *area,
              double          *scale)
{
  VireoFramebuffer *fb = framebuffer (self);
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double fw, fh, s;

  if (fb == NULL || width <= 0 || height <= 0)
    return FALSE;

  fw = vireo_framebuffer_get_width (fb);
  fh = vireo_framebuffer_get_height (fb);
  if (self->scale_mode == VIREO_DISPLAY_SCALE_ONE_TO_ONE)
    s = 1.0 / device_scale (self);
  else
    s = MIN (width / fw, height / fh);

  /* Centred when smaller than the widget; from the top left otherwise, so
   * that scrolling reaches every edge. */
  graphene_rect_init (area,
                      MAX (0, floor ((width - fw * s) / 2)),
                      MAX (0, floor ((height - fh * s) / 2)),
                      fw * s, fh * s);
  if (scale != NULL)
    *scale = s;
  return TRUE;
}

static void
append_black (GtkSnapshot *snapshot,
              double       x0,
              double       y0,
              double       x1,
              double       y1)
{
  if (x1 > x0 && y1 > y0)
    gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 1 },
                               &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
}

/*
 * The screen goes down tile by tile (see VireoFramebuffer), so that a
 * change redraws only its tiles. Tile edges are rounded to whole device
 * pixels: at a fractional scale, edges between pixels would be
 * antialiased into faint seams. Black goes only where the guest's screen
 * does not (the letterbox margins); painting it under the screen as well
 * cost the cairo renderer a sixth of its time.
 */
static void
vireo_display_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  VireoDisplay *self = VIREO_DISPLAY (widget);
  VireoFramebuffer *fb = framebuffer (self);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double sf = device_scale (self);
  double ox, oy, s, x1, y1;
  graphene_rect_t area;
  GskRenderer *renderer;

  if (fb == NULL || !compute_area (self, &area, &s))
    {
      append_black (snapshot, 0, 0, width, height);
      return;
    }

  /* Device pixels from here on: the origin is on one already. */
  ox = area.origin.x * sf;
  oy = area.origin.y * sf;
  s *= sf;
  x1 = (ox + round (vireo_framebuffer_get_width (fb) * s)) / sf;
  y1 = (oy + round (vireo_framebuffer_get_height (fb) * s)) / sf;

  append_black (snapshot, 0, 0, width, area.origin.y);
  append_black (snapshot, 0, y1, width, height);
  append_black (snapshot, 0, area.origin.y, area.origin.x, MIN (y1, height));
  append_black (snapshot, x1, area.origin.y, width, MIN (y1, height));

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  vireo_framebuffer_set_texture_format (fb, renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer)
                                              ? GDK_MEMORY_B8G8R8A8 : GDK_MEMORY_B8G8R8A8_PREMULTIPLIED);
  vireo_framebuffer_update (fb);
  for (guint i = 0; i < vireo_framebuffer_get_n_tiles (fb); i++)
    {
      cairo_rectangle_int_t r;
      GdkTexture *tile = vireo_framebuffer_get_tile (fb, i, &r);
      double tx0 = ox + round (r.x * s);
      double ty0 = oy + round (r.y * s);
      double tx1 = ox + round ((r.x + r.width) * s);
      double ty1 = oy + round ((r.y + r.height) * s);

      if (tx1 > tx0 && ty1 > ty0)
        gtk_snapshot_append_texture (snapshot, tile,
                                     &GRAPHENE_RECT_INIT (tx0 / sf, ty0 / sf,
                                                          (tx1 - tx0) / sf, (ty1 - ty0) / sf));
    }
}

static void
vireo_display_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  VireoDisplay *self = VIREO_DISPLAY (widget);
  VireoFramebuffer *fb = framebuffer (self);
  int size = 0;

  if (fb != NULL)
    size = ceil ((orientation == GTK_ORIENTATION_HORIZONTAL ? vireo_framebuffer_get_width (fb)
                                                            : vireo_framebuffer_get_height (fb))
                 / device_scale (self));

  /* Only 1:1 insists on its size; the others scale into any space. */
  *minimum = self->scale_mode == VIREO_DISPLAY_SCALE_ONE_TO_ONE ? size : 1;
  *natural = MAX (size, *minimum);
}

static gboolean
request_resize (gpointer data)
{
  VireoDisplay *self = data;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  VireoFramebuffer *fb = framebuffer (self);

  self->resize_id = 0;
  /* One guest pixel per logical pixel. GTK 4.8 knows only whole scales, so
   * on a fractionally scaled screen device pixels would ask the guest for
   * a screen larger than the monitor. */
  if (fb == NULL || self->scale_mode != VIREO_DISPLAY_SCALE_RESIZE_GUEST ||
      (vireo_framebuffer_get_width (fb) == width && vireo_framebuffer_get_height (fb) == height) ||
      (width == self->asked_width && height == self->asked_height))
    return G_SOURCE_REMOVE;

  if (vireo_graphics_session_resize_guest (self->session, width, height))
    {
      self->asked_width = width;
      self->asked_height = height;
    }
  return G_SOURCE_REMOVE;
}

/* A window being dragged to a new size would ask the guest for every size
 * on the way; ask once it has stopped. */
static void
queue_resize_guest (VireoDisplay *self)
{
  g_clear_handle_id (&self->resize_id, g_source_remove);
  if (self->scale_mode == VIREO_DISPLAY_SCALE_RESIZE_GUEST && session_connected (self))
    self->resize_id = g_timeout_add (RESIZE_DELAY_MS, request_resize, self);
}

static void
vireo_display_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  queue_resize_guest (VIREO_DISPLAY (widget));
}

/* ---- grab ---------------------------------------------------------------- */

static GtkWindow *
window (VireoDisplay *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
saved_accels_clear (gpointer data)
{
  SavedAccels *saved = data;

  g_free (saved->action);
  g_strfreev (saved->accels);
}

/* Application accelerators fire before the display's key handler; while
 * the guest has the keyboard they would eat its Ctrl+W or Ctrl+Q. */
static void
suspend_accels (VireoDisplay *self)
{
  GtkWindow *win = window (self);
  GtkApplication *app = win != NULL ? gtk_window_get_application (win) : NULL;
  g_auto(GStrv) actions = NULL;
  static const char *none[] = { NULL };

  if (win != NULL)
    {
      self->saved_menubar_accel = gtk_window_get_handle_menubar_accel (win);
      gtk_window_set_handle_menubar_accel (win, FALSE);
    }
  if (app == NULL)
    return;

  actions = gtk_application_list_action_descriptions (app);
  for (guint i = 0; actions[i] != NULL; i++)
    {
      SavedAccels saved = { .action = g_strdup (actions[i]),
                            .accels = gtk_application_get_accels_for_action (app, actions[i]) };

      g_array_append_val (self->saved_accels, saved);
      gtk_application_set_accels_for_action (app, actions[i], none);
    }
}

static void
restore_accels (VireoDisplay *self)
{
  GtkWindow *win = window (self);
  GtkApplication *app = win != NULL ? gtk_window_get_application (win) : NULL;

  if (win != NULL)
    gtk_window_set_handle_menubar_accel (win, self->saved_menubar_accel);
  for (guint i = 0; app != NULL && i < self->saved_accels->len; i++)
    {
      SavedAccels *saved = &g_array_index (self->saved_accels, SavedAccels, i);

      gtk_application_set_accels_for_action (app, saved->action, (const char * const *) saved->accels);
    }
  g_array_set_size (self->saved_accels, 0);
}

static GdkToplevel *
toplevel (VireoDisplay *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;

  return GDK_IS_TOPLEVEL (surface) ? GDK_TOPLEVEL (surface) : NULL;
}

static void
grab_with_event (VireoDisplay *self,
                 GdkEvent     *event)
{
  GdkToplevel *top;

  if (self->grabbed || !session_connected (self))
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if ((top = toplevel (self)) != NULL)
    gdk_toplevel_inhibit_system_shortcuts (top, event);
  suspend_accels (self);
  self->grabbed = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRABBED]);
}

/**
 * vireo_display_grab:
 *
 * Gives the guest the keyboard, as a click on the display does.
 */
void
vireo_display_grab (VireoDisplay *self)
{
  g_return_if_fail (VIREO_IS_DISPLAY (self));
  grab_with_event (self, NULL);
}

/**
 * vireo_display_ungrab:
 *
 * Gives the keyboard back to the host. Every key the guest holds down is
 * released first.
 */
void
vireo_display_ungrab (VireoDisplay *self)
{
  GdkToplevel *top;

  g_return_if_fail (VIREO_IS_DISPLAY (self));

  if (self->session != NULL)
    vireo_graphics_session_release_keys (self->session);
  if (!self->grabbed)
    return;

  if ((top = toplevel (self)) != NULL)
    gdk_toplevel_restore_system_shortcuts (top);
  restore_accels (self);
  self->grabbed = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRABBED]);
}

gboolean
vireo_display_get_grabbed (VireoDisplay *self)
{
  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);
  return self->grabbed;
}

/* ---- input --------------------------------------------------------------- */

static gboolean
is_release_accel (VireoDisplay    *self,
                  guint            keyval,
                  GdkModifierType  state)
{
  return self->release_keyval != 0 &&
         gdk_keyval_to_lower (keyval) == gdk_keyval_to_lower (self->release_keyval) &&
         (state & gtk_accelerator_get_default_mod_mask ()) == self->release_mods;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                VireoDisplay          *self)
{
  guint16 xt;

  if (!self->grabbed || !session_connected (self))
    return FALSE;
  if (is_release_accel (self, keyval, state))
    {
      vireo_display_ungrab (self);
      return TRUE;
    }

  xt = vireo_keymap_linux_to_xt (vireo_keymap_gdk_keycode_to_linux (keycode));
  vireo_graphics_session_key (self->session, xt, keyval, TRUE);
  return TRUE;
}

static void
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 VireoDisplay          *self)
{
  guint16 xt;

  if (self->session == NULL)
    return;
  /* A release still goes out after the grab ended: the session drops the
   * ones whose press the guest never saw. */
  xt = vireo_keymap_linux_to_xt (vireo_keymap_gdk_keycode_to_linux (keycode));
  vireo_graphics_session_key (self->session, xt, keyval, FALSE);
}

static void
on_focus_leave (GtkEventControllerFocus *controller,
                VireoDisplay            *self)
{
  vireo_display_ungrab (self);
}

/**
 * vireo_display_widget_to_guest:
 *
 * Returns: %TRUE when the point is on the guest's screen; the guest
 * coordinates are clamped to it either way.
 */
gboolean
vireo_display_widget_to_guest (VireoDisplay *self,
                               double        x,
                               double        y,
                               double       *guest_x,
                               double       *guest_y)
{
  VireoFramebuffer *fb;
  graphene_rect_t area;
  double scale, gx, gy;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);

  fb = framebuffer (self);
  if (fb == NULL || !compute_area (self, &area, &scale) || scale <= 0)
    return FALSE;

  gx = floor ((x - area.origin.x) / scale);
  gy = floor ((y - area.origin.y) / scale);
  *guest_x = CLAMP (gx, 0, vireo_framebuffer_get_width (fb) - 1);
  *guest_y = CLAMP (gy, 0, vireo_framebuffer_get_height (fb) - 1);
  return gx == *guest_x && gy == *guest_y;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           VireoDisplay             *self)
{
  double gx, gy, scale;
  graphene_rect_t area;

  if (!session_connected (self))
    goto done;

  if (vireo_graphics_session_get_absolute_pointer (self->session))
    {
      if (vireo_display_widget_to_guest (self, x, y, &gx, &gy))
        vireo_graphics_session_pointer_moved (self->session, gx, gy);
    }
  /* A relative guest mouse moves only while grabbed: the host pointer
   * cannot be held in place (GTK 4 does not warp), so this is as good as
   * it gets without a tablet. */
  else if (self->grabbed && self->has_pointer && compute_area (self, &area, &scale))
    vireo_graphics_session_pointer_relative (self->session,
                                             (x - self->pointer_x) / scale,
                                             (y - self->pointer_y) / scale);

done:
  self->pointer_x = x;
  self->pointer_y = y;
  self->has_pointer = TRUE;
}

static void
on_leave (GtkEventControllerMotion *controller,
          VireoDisplay             *self)
{
  self->has_pointer = FALSE;
}

static gboolean
on_legacy_event (GtkEventControllerLegacy *controller,
                 GdkEvent                 *event,
                 VireoDisplay             *self)
{
  GdkEventType type = gdk_event_get_event_type (event);
  VireoPointerButton button;

  if (type != GDK_BUTTON_PRESS && type != GDK_BUTTON_RELEASE)
    return FALSE;
  if (!session_connected (self))
    return FALSE;

  switch (gdk_button_event_get_button (event))
    {
    case GDK_BUTTON_PRIMARY:
      button = VIREO_POINTER_LEFT;
      break;
    case GDK_BUTTON_MIDDLE:
      button = VIREO_POINTER_MIDDLE;
      break;
    case GDK_BUTTON_SECONDARY:
      button = VIREO_POINTER_RIGHT;
      break;
    default:
      return TRUE;
    }

  if (type == GDK_BUTTON_PRESS)
    grab_with_event (self, event);
  vireo_graphics_session_button (self->session, button, type == GDK_BUTTON_PRESS);
  return TRUE;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           VireoDisplay             *self)
{
  if (!session_connected (self))
    return FALSE;

  for (int i = 0; i < (int) fabs (dy); i++)
    vireo_graphics_session_scroll (self->session, dy < 0 ? VIREO_SCROLL_UP : VIREO_SCROLL_DOWN);
  for (int i = 0; i < (int) fabs (dx); i++)
    vireo_graphics_session_scroll (self->session, dx < 0 ? VIREO_SCROLL_LEFT : VIREO_SCROLL_RIGHT);
  return TRUE;
}

/* ---- session ------------------------------------------------------------- */

static void
on_damaged (VireoGraphicsSession *session,
            VireoDisplay         *self)
{
  /* Damage comes rectangle by rectangle; the frame clock draws once. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_framebuffer_changed (VireoGraphicsSession *session,
                        GParamSpec           *pspec,
                        VireoDisplay         *self)
{
  self->asked_width = self->asked_height = 0;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_WIDTH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_HEIGHT]);
  queue_resize_guest (self);
}

static void
on_cursor_changed (VireoGraphicsSession *session,
                   VireoDisplay         *self)
{
  int hot_x, hot_y;
  GdkTexture *texture = vireo_graphics_session_get_cursor (session, &hot_x, &hot_y);
  g_autoptr(GdkCursor) cursor = NULL;

  if (texture != NULL)
    cursor = gdk_cursor_new_from_texture (texture, hot_x, hot_y, NULL);
  gtk_widget_set_cursor (GTK_WIDGET (self), cursor);
}

static void
on_state_changed (VireoGraphicsSession *session,
                  GParamSpec           *pspec,
                  VireoDisplay         *self)
{
  if (!session_connected (self))
    vireo_display_ungrab (self);
  else
    queue_resize_guest (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
disconnect_session (VireoDisplay *self)
{
  if (self->session == NULL)
    return;
  vireo_display_ungrab (self);
  g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_handle_id (&self->resize_id, g_source_remove);
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

/**
 * vireo_display_set_session:
 * @session: (nullable): what to show; %NULL shows black
 *
 * The display does not close the session it lets go of.
 */
void
vireo_display_set_session (VireoDisplay         *self,
                           VireoGraphicsSession *session)
{
  g_return_if_fail (VIREO_IS_DISPLAY (self));
  g_return_if_fail (session == NULL || VIREO_IS_GRAPHICS_SESSION (session));

  if (self->session == session)
    return;

  disconnect_session (self);
  if (session != NULL)
    {
      self->session = g_object_ref (session);
      g_signal_connect (session, "damaged", G_CALLBACK (on_damaged), self);
      g_signal_connect (session, "notify::framebuffer", G_CALLBACK (on_framebuffer_changed), self);
      g_signal_connect (session, "cursor-changed", G_CALLBACK (on_cursor_changed), self);
      g_signal_connect (session, "notify::state", G_CALLBACK (on_state_changed), self);
      g_signal_connect_swapped (session, "notify::can-resize-guest", G_CALLBACK (queue_resize_guest), self);
      on_cursor_changed (session, self);
    }
  self->asked_width = self->asked_height = 0;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_WIDTH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_HEIGHT]);
}

VireoGraphicsSession *
vireo_display_get_session (VireoDisplay *self)
{
  g_return_val_if_fail (VIREO_IS_DISPLAY (self), NULL);
  return self->session;
}

VireoDisplayScale
vireo_display_get_scale_mode (VireoDisplay *self)
{
  g_return_val_if_fail (VIREO_IS_DISPLAY (self), VIREO_DISPLAY_SCALE_FIT);
  return self->scale_mode;
}

void
vireo_display_set_scale_mode (VireoDisplay      *self,
                              VireoDisplayScale  mode)
{
  g_return_if_fail (VIREO_IS_DISPLAY (self));

  if (self->scale_mode == mode)
    return;
  self->scale_mode = mode;
  self->asked_width = self->asked_height = 0;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  queue_resize_guest (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE_MODE]);
}

const char *
vireo_display_get_release_accel (VireoDisplay *self)
{
  g_return_val_if_fail (VIREO_IS_DISPLAY (self), NULL);
  return self->release_accel;
}

/**
 * vireo_display_set_release_accel:
 * @accel: as gtk_accelerator_parse() reads it, such as "<Control><Alt>g"
 *
 * An accelerator GTK cannot read, or one without a modifier (which would
 * take a key from the guest for good), leaves the current one.
 */
void
vireo_display_set_release_accel (VireoDisplay *self,
                                 const char   *accel)
{
  guint keyval = 0;
  GdkModifierType mods = 0;

  g_return_if_fail (VIREO_IS_DISPLAY (self));

  if (accel == NULL || !gtk_accelerator_parse (accel, &keyval, &mods) || keyval == 0 || mods == 0)
    return;
  g_free (self->release_accel);
  self->release_accel = g_strdup (accel);
  self->release_keyval = keyval;
  self->release_mods = mods;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELEASE_ACCEL]);
}

/* The release shortcut as the user reads it: "Ctrl+Alt+G". */
char *
vireo_display_dup_release_label (VireoDisplay *self)
{
  g_return_val_if_fail (VIREO_IS_DISPLAY (self), NULL);
  return gtk_accelerator_get_label (self->release_keyval, self->release_mods);
}

gboolean
vireo_display_get_guest_size (VireoDisplay *self,
                              int          *width,
                              int          *height)
{
  VireoFramebuffer *fb;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);

  fb = framebuffer (self);
  if (width != NULL)
    *width = fb != NULL ? vireo_framebuffer_get_width (fb) : 0;
  if (height != NULL)
    *height = fb != NULL ? vireo_framebuffer_get_height (fb) : 0;
  return fb != NULL;
}

/* Where the guest's screen is drawn, in widget coordinates. */
gboolean
vireo_display_get_guest_area (VireoDisplay    *self,
                              graphene_rect_t *area)
{
  g_return_val_if_fail (VIREO_IS_DISPLAY (self), FALSE);
  return compute_area (self, area, NULL);
}

/**
 * vireo_display_get_texture:
 *
 * Returns: (transfer none) (nullable): the guest's screen as it is now, at
 * its own size (for a screenshot)
 */
GdkTexture *
vireo_display_get_texture (VireoDisplay *self)
{
  VireoFramebuffer *fb;

  g_return_val_if_fail (VIREO_IS_DISPLAY (self), NULL);

  fb = framebuffer (self);
  return fb != NULL ? vireo_framebuffer_get_texture (fb) : NULL;
}

/* ---- GObject ------------------------------------------------------------- */

static void
vireo_display_dispose (GObject *object)
{
  VireoDisplay *self = VIREO_DISPLAY (object);

  disconnect_session (self);
  if (self->saved_accels->len > 0)
    restore_accels (self);

  G_OBJECT_CLASS (vireo_display_parent_class)->dispose (object);
}

static void
vireo_display_unrealize (GtkWidget *widget)
{
  /* The toplevel that inhibits shortcuts is going away. */
  vireo_display_ungrab (VIREO_DISPLAY (widget));
  GTK_WIDGET_CLASS (vireo_display_parent_class)->unrealize (widget);
}

static void
vireo_display_finalize (GObject *object)
{
  VireoDisplay *self = VIREO_DISPLAY (object);

  g_free (self->release_accel);
  g_array_unref (self->saved_accels);

  G_OBJECT_CLASS (vireo_display_parent_class)->finalize (object);
}

static void
vireo_display_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VireoDisplay *self = VIREO_DISPLAY (object);
  int width, height;

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_SCALE_MODE:
      g_value_set_int (value, self->scale_mode);
      break;
    case PROP_GRABBED:
      g_value_set_boolean (value, self->grabbed);
      break;
    case PROP_RELEASE_ACCEL:
      g_value_set_string (value, self->release_accel);
      break;
    case PROP_GUEST_WIDTH:
      vireo_display_get_guest_size (self, &width, NULL);
      g_value_set_int (value, width);
      break;
    case PROP_GUEST_HEIGHT:
      vireo_display_get_guest_size (self, NULL, &height);
      g_value_set_int (value, height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_display_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VireoDisplay *self = VIREO_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      vireo_display_set_session (self, g_value_get_object (value));
      break;
    case PROP_SCALE_MODE:
      vireo_display_set_scale_mode (self, g_value_get_int (value));
      break;
    case PROP_RELEASE_ACCEL:
      vireo_display_set_release_accel (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_display_class_init (VireoDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_display_dispose;
  object_class->finalize = vireo_display_finalize;
  object_class->get_property = vireo_display_get_property;
  object_class->set_property = vireo_display_set_property;

  widget_class->snapshot = vireo_display_snapshot;
  widget_class->measure = vireo_display_measure;
  widget_class->size_allocate = vireo_display_size_allocate;
  widget_class->unrealize = vireo_display_unrealize;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, VIREO_TYPE_GRAPHICS_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* VireoDisplayScale */
  properties[PROP_SCALE_MODE] =
    g_param_spec_int ("scale-mode", NULL, NULL,
                      VIREO_DISPLAY_SCALE_FIT, VIREO_DISPLAY_SCALE_RESIZE_GUEST, VIREO_DISPLAY_SCALE_FIT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GRABBED] =
    g_param_spec_boolean ("grabbed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RELEASE_ACCEL] =
    g_param_spec_string ("release-accel", NULL, NULL, "<Control><Alt>g",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GUEST_WIDTH] =
    g_param_spec_int ("guest-width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GUEST_HEIGHT] =
    g_param_spec_int ("guest-height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "vireo-display");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
vireo_display_init (VireoDisplay *self)
{
  GtkEventController *controller;

  self->saved_accels = g_array_new (FALSE, TRUE, sizeof (SavedAccels));
  g_array_set_clear_func (self->saved_accels, saved_accels_clear);
  vireo_display_set_release_accel (self, "<Control><Alt>g");

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Guest screen"),
                                  -1);

  /* Capture: the guest's keys must not move focus or trigger the
   * widgets around it. */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (controller, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* Raw presses and releases: a click gesture would hold back or cancel
   * some of them, and the guest must see every one. */
  controller = gtk_event_controller_legacy_new ();
  g_signal_connect (controller, "event", G_CALLBACK (on_legacy_event), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

GtkWidget *
vireo_display_new (void)
{
  return g_object_new (VIREO_TYPE_DISPLAY, NULL);
}
