/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-serial-console"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-console-enums.h"
#include "vireo-serial-console.h"

/*
 * A serial or text console: a VteTerminal fed by a VireoConsoleStream. No
 * pty is involved; what the guest writes is fed to the terminal, and what
 * the terminal would write to a pty (its "commit" signal: typed keys,
 * pastes) goes to the guest. The window around it draws the states
 * (connecting, disconnected with the reason, Reconnect, Take Over) from
 * the state, error and busy properties; this library has no libadwaita.
 *
 * Built in code rather than from a template: the console library has no
 * resources of its own, and the widget is one terminal and a menu.
 */

#define SCROLLBACK_LINES 10000

struct _VireoSerialConsole
{
  GtkWidget                parent_instance;

  /* Owned */
  VireoDomain             *domain;
  char                    *dev_name;
  VireoConsoleStream      *stream;
  GCancellable            *cancellable;
  char                    *error;
  GdkRGBA                  fg;
  GdkRGBA                  bg;

  /* Children */
  GtkWidget               *scroller;
  VteTerminal             *terminal;
  GtkWidget               *menu;

  VireoSerialConsoleState  state;
  gboolean                 busy;
  gboolean                 has_colors;
};

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_DEV_NAME,
  PROP_STATE,
  PROP_ERROR,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (VireoSerialConsole, vireo_serial_console, GTK_TYPE_WIDGET)

static void
update_actions (VireoSerialConsole *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "serial.copy",
                                 vte_terminal_get_has_selection (self->terminal));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "serial.paste",
                                 self->state == VIREO_SERIAL_CONSOLE_CONNECTED);
}

/* Notifies only what changed; @error and @busy are taken as the new values
 * whatever the state. */
static void
set_state (VireoSerialConsole      *self,
           VireoSerialConsoleState  state,
           const char              *error,
           gboolean                 busy)
{
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);
  if (g_strcmp0 (self->error, error) != 0)
    {
      g_free (self->error);
      self->error = g_strdup (error);
      g_object_notify_by_pspec (object, properties[PROP_ERROR]);
    }
  if (self->busy != busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (object, properties[PROP_BUSY]);
    }
  if (self->state != state)
    {
      self->state = state;
      vte_terminal_set_input_enabled (self->terminal, state == VIREO_SERIAL_CONSOLE_CONNECTED);
      update_actions (self);
      g_object_notify_by_pspec (object, properties[PROP_STATE]);
    }
  g_object_thaw_notify (object);
}

static void
drop_stream (VireoSerialConsole *self)
{
  if (self->stream == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->stream, self);
  vireo_console_stream_close (self->stream);
  g_clear_object (&self->stream);
}

static void
on_data_received (VireoConsoleStream *stream,
                  GBytes             *bytes,
                  VireoSerialConsole *self)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  vte_terminal_feed (self->terminal, data, len);
}

static void
on_closed (VireoConsoleStream *stream,
           const GError       *error,
           VireoSerialConsole *self)
{
  g_autofree char *message = NULL;
  gboolean busy = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY);

  if (busy)
    message = g_strdup (error->message);
  else if (error != NULL)
    message = g_strdup_printf (_("The console stopped: %s"), error->message);
  else
    message = g_strdup (_("The console was closed by the host: the virtual machine stopped, "
                          "or its console went away"));
  drop_stream (self);
  set_state (self, VIREO_SERIAL_CONSOLE_DISCONNECTED, message, busy);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoSerialConsole) self = user_data;
  g_autoptr(VireoConsoleStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  stream = vireo_console_stream_open_finish (VIREO_DOMAIN (source), result, &error);
  /* A disconnect (or a new connect) since: the state is no longer ours;
   * an unclaimed stream closes itself when dropped here. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);

  if (stream == NULL)
    {
      gboolean busy = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY);

      if (busy)
        message = g_strdup (error->message);
      else
        message = g_strdup_printf (_("Could not connect to the console: %s"), error->message);
      set_state (self, VIREO_SERIAL_CONSOLE_DISCONNECTED, message, busy);
      return;
    }

  self->stream = g_steal_pointer (&stream);
  g_signal_connect (self->stream, "data-received", G_CALLBACK (on_data_received), self);
  g_signal_connect (self->stream, "closed", G_CALLBACK (on_closed), self);
  set_state (self, VIREO_SERIAL_CONSOLE_CONNECTED, NULL, FALSE);
}

static void
connect_with (VireoSerialConsole    *self,
              VireoConsoleOpenFlags  flags)
{
  if (self->state != VIREO_SERIAL_CONSOLE_DISCONNECTED)
    return;

  self->cancellable = g_cancellable_new ();
  set_state (self, VIREO_SERIAL_CONSOLE_CONNECTING, NULL, FALSE);
  vireo_console_stream_open_async (self->domain, self->dev_name, flags, self->cancellable,
                                   on_opened, g_object_ref (self));
}

/**
 * vireo_serial_console_connect:
 *
 * Opens the console, unless it is open or opening. A console another
 * client holds is not taken: the state returns to disconnected with
 * #VireoSerialConsole:busy set, and vireo_serial_console_take_over() takes
 * it if the user says so. Busy is set too when another client takes the
 * console from this one.
 */
void
vireo_serial_console_connect (VireoSerialConsole *self)
{
  g_return_if_fail (VIREO_IS_SERIAL_CONSOLE (self));
  connect_with (self, VIREO_CONSOLE_OPEN_NONE);
}

/**
 * vireo_serial_console_take_over:
 *
 * Opens the console even if another client holds it; that client's
 * console closes.
 */
void
vireo_serial_console_take_over (VireoSerialConsole *self)
{
  g_return_if_fail (VIREO_IS_SERIAL_CONSOLE (self));
  connect_with (self, VIREO_CONSOLE_OPEN_FORCE);
}

/**
 * vireo_serial_console_disconnect:
 *
 * Closes the console (or stops opening it). What it showed stays, to be
 * read and copied.
 */
void
vireo_serial_console_disconnect (VireoSerialConsole *self)
{
  g_return_if_fail (VIREO_IS_SERIAL_CONSOLE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  drop_stream (self);
  set_state (self, VIREO_SERIAL_CONSOLE_DISCONNECTED, NULL, FALSE);
}

VireoSerialConsole *
vireo_serial_console_new (VireoDomain *domain,
                          const char  *dev_name)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), NULL);

  return g_object_new (VIREO_TYPE_SERIAL_CONSOLE,
                       "domain", domain,
                       "dev-name", dev_name,
                       NULL);
}

VireoDomain *
vireo_serial_console_get_domain (VireoSerialConsole *self)
{
  g_return_val_if_fail (VIREO_IS_SERIAL_CONSOLE (self), NULL);
  return self->domain;
}

/**
 * vireo_serial_console_get_dev_name:
 *
 * Returns: (nullable): the device's alias, %NULL for the first console
 */
const char *
vireo_serial_console_get_dev_name (VireoSerialConsole *self)
{
  g_return_val_if_fail (VIREO_IS_SERIAL_CONSOLE (self), NULL);
  return self->dev_name;
}

VireoSerialConsoleState
vireo_serial_console_get_state (VireoSerialConsole *self)
{
  g_return_val_if_fail (VIREO_IS_SERIAL_CONSOLE (self), VIREO_SERIAL_CONSOLE_DISCONNECTED);
  return self->state;
}

/**
 * vireo_serial_console_get_error:
 *
 * Returns: (nullable): why the console is disconnected, for people;
 *   %NULL when it was never connected or the user disconnected it
 */
const char *
vireo_serial_console_get_error (VireoSerialConsole *self)
{
  g_return_val_if_fail (VIREO_IS_SERIAL_CONSOLE (self), NULL);
  return self->error;
}

/**
 * vireo_serial_console_get_busy:
 *
 * Returns: whether another client holds the console: the last connect was
 *   refused, or the console was taken from this one (offer
 *   vireo_serial_console_take_over())
 */
gboolean
vireo_serial_console_get_busy (VireoSerialConsole *self)
{
  g_return_val_if_fail (VIREO_IS_SERIAL_CONSOLE (self), FALSE);
  return self->busy;
}

/**
 * vireo_serial_console_get_terminal:
 *
 * Returns: (transfer none): the terminal, for tests
 */
VteTerminal *
vireo_serial_console_get_terminal (VireoSerialConsole *self)
{
  g_return_val_if_fail (VIREO_IS_SERIAL_CONSOLE (self), NULL);
  return self->terminal;
}

/* ------------------------------------------------------------------------ */
/* Terminal                                                                  */

static void
on_commit (VteTerminal        *terminal,
           const char         *text,
           guint               size,
           VireoSerialConsole *self)
{
  if (self->stream != NULL)
    vireo_console_stream_write (self->stream, text, size);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VireoSerialConsole *self = VIREO_SERIAL_CONSOLE (widget);

  vte_terminal_copy_clipboard_format (self->terminal, VTE_FORMAT_TEXT);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VireoSerialConsole *self = VIREO_SERIAL_CONSOLE (widget);

  /* VTE reads the clipboard and sends it through "commit", as typing. */
  vte_terminal_paste_clipboard (self->terminal);
}

static void
on_right_click (GtkGestureClick    *gesture,
                int                 n_press,
                double              x,
                double              y,
                VireoSerialConsole *self)
{
  graphene_point_t point;

  if (!gtk_widget_compute_point (GTK_WIDGET (self->terminal), GTK_WIDGET (self),
                                 &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                               &(GdkRectangle) { (int) point.x, (int) point.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gboolean
lookup_color (GtkStyleContext *context,
              const char      *name,
              const char      *fallback,
              GdkRGBA         *color)
{
  return gtk_style_context_lookup_color (context, name, color) ||
         gtk_style_context_lookup_color (context, fallback, color);
}

/* The terminal takes the theme's view colours (libadwaita's, or GTK's own
 * theme's names), so it follows the light/dark switch. */
static void
update_colors (VireoSerialConsole *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA fg, bg;

  if (!lookup_color (context, "view_fg_color", "theme_text_color", &fg) ||
      !lookup_color (context, "view_bg_color", "theme_base_color", &bg))
    return;
  if (self->has_colors && gdk_rgba_equal (&fg, &self->fg) && gdk_rgba_equal (&bg, &self->bg))
    return;
  self->fg = fg;
  self->bg = bg;
  self->has_colors = TRUE;
  vte_terminal_set_colors (self->terminal, &fg, &bg, NULL, 0);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
vireo_serial_console_css_changed (GtkWidget         *widget,
                                  GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (vireo_serial_console_parent_class)->css_changed (widget, change);
  update_colors (VIREO_SERIAL_CONSOLE (widget));
}

static void
vireo_serial_console_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  gtk_widget_measure (VIREO_SERIAL_CONSOLE (widget)->scroller, orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

/* A popover's parent must present it on every allocation (GTK 4). */
static void
vireo_serial_console_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  VireoSerialConsole *self = VIREO_SERIAL_CONSOLE (widget);

  gtk_widget_size_allocate (self->scroller, &(GtkAllocation) { 0, 0, width, height }, baseline);
  gtk_popover_present (GTK_POPOVER (self->menu));
}

static gboolean
vireo_serial_console_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (VIREO_SERIAL_CONSOLE (widget)->terminal));
}

static void
vireo_serial_console_dispose (GObject *object)
{
  VireoSerialConsole *self = VIREO_SERIAL_CONSOLE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  drop_stream (self);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  self->terminal = NULL;
  g_clear_object (&self->domain);

  G_OBJECT_CLASS (vireo_serial_console_parent_class)->dispose (object);
}

static void
vireo_serial_console_finalize (GObject *object)
{
  VireoSerialConsole *self = VIREO_SERIAL_CONSOLE (object);

  g_free (self->dev_name);
  g_free (self->error);

  G_OBJECT_CLASS (vireo_serial_console_parent_class)->finalize (object);
}

static void
vireo_serial_console_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VireoSerialConsole *self = VIREO_SERIAL_CONSOLE (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_object (value, self->domain);
      break;
    case PROP_DEV_NAME:
      g_value_set_string (value, self->dev_name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_serial_console_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VireoSerialConsole *self = VIREO_SERIAL_CONSOLE (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      self->domain = g_value_dup_object (value);
      break;
    case PROP_DEV_NAME:
      self->dev_name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_serial_console_class_init (VireoSerialConsoleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_serial_console_dispose;
  object_class->finalize = vireo_serial_console_finalize;
  object_class->get_property = vireo_serial_console_get_property;
  object_class->set_property = vireo_serial_console_set_property;
  widget_class->css_changed = vireo_serial_console_css_changed;
  widget_class->grab_focus = vireo_serial_console_grab_focus;
  widget_class->measure = vireo_serial_console_measure;
  widget_class->size_allocate = vireo_serial_console_size_allocate;

  properties[PROP_DOMAIN] =
    g_param_spec_object ("domain", NULL, NULL, VIREO_TYPE_DOMAIN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEV_NAME] =
    g_param_spec_string ("dev-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VIREO_TYPE_SERIAL_CONSOLE_STATE,
                       VIREO_SERIAL_CONSOLE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "serial.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "serial.paste", NULL, paste_action);
  gtk_widget_class_set_css_name (widget_class, "vireo-serial-console");
}

static void
vireo_serial_console_init (VireoSerialConsole *self)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Monospace");
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkEventController *shortcuts;
  GtkGesture *click;

  self->terminal = VTE_TERMINAL (vte_terminal_new ());
  vte_terminal_set_scrollback_lines (self->terminal, SCROLLBACK_LINES);
  vte_terminal_set_font (self->terminal, font);
  vte_terminal_set_input_enabled (self->terminal, FALSE);
  /* A serial line has no pty to say where the lines wrap: keep whatever
   * the guest sends on screen, long lines included. */
  vte_terminal_set_scroll_on_output (self->terminal, TRUE);
  g_signal_connect (self->terminal, "commit", G_CALLBACK (on_commit), self);
  g_signal_connect_swapped (self->terminal, "selection-changed", G_CALLBACK (update_actions), self);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_ALWAYS);
  /* Ask for the terminal's own size (80×24 cells) rather than the few
   * pixels a scrolled window asks for, where lines would wrap at once. */
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->terminal));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));

  g_menu_append (menu, _("_Copy"), "serial.copy");
  g_menu_append (menu, _("_Paste"), "serial.paste");
  self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_right_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self->terminal), GTK_EVENT_CONTROLLER (click));

  /* In the capture phase: the terminal would otherwise take Ctrl+Shift+C
   * and V as keys for the guest. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control><Shift>c"),
                                                          gtk_named_action_new ("serial.copy")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control><Shift>v"),
                                                          gtk_named_action_new ("serial.paste")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  update_actions (self);
}
