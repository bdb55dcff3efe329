/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-console-page.h"
#include "vireo-domain-config.h"
#include "vireo-graphics.h"
#include "vireo-keymap.h"
#include "vireo-network-config.h"
#include "vireo-network-offer.h"
#include "vireo-secrets.h"
#include "vireo-serial-console.h"
#include "vireo-spice-session.h"
#include "vireo-text-console.h"
#include "vireo-virt-error.h"
#include "vireo-vnc-session.h"

/*
 * The VM window's Console view: the guest's screen while it runs, and
 * otherwise a plain statement of why not with the one thing to do about it
 * (Run, Reconnect, Add a display).
 *
 * The display is reached through the socket the daemon hands over
 * (virDomainOpenGraphicsFD): no port, no password, nothing on the network.
 * A remote machine's display is reached through the connection's SSH
 * transport instead, and may ask for its own password: the keyring's
 * first, then the user's, with "Remember".
 *
 * The Consoles menu switches between the graphical console and the
 * machine's serial ports and text consoles (a VireoSerialConsole in the
 * "text" page). Only the one shown is connected. A machine without a
 * display opens on its first serial port.
 */

#define GRAPHICS_CONSOLE "graphics"

/* libvirt calls a guest running before QEMU has set up its display; a
 * refusal that soon after start is tried again rather than shown. */
#define CONNECT_RETRIES 5
#define CONNECT_RETRY_MS 600

/* Keys typed from the clipboard, one every few milliseconds: faster, and
 * a guest's keyboard buffer drops some. */
#define TYPE_INTERVAL_MS 12

/* In fullscreen the toolbar slides in when the pointer touches the top
 * edge, and on its own for a while when the grab changes, so the way out
 * is never hidden. */
#define OSD_EDGE_PX 3
#define OSD_SHOW_MS 2500

typedef enum
{
  STATUS_NONE,
  STATUS_RUN,
  STATUS_RECONNECT,
  STATUS_ADD_DISPLAY,
  STATUS_TAKE_OVER,
  STATUS_PASSWORD,
} StatusAction;

struct _VireoConsolePage
{
  AdwBin                parent_instance;

  VireoDomain          *domain;
  VireoGraphicsSession *session;
  GCancellable         *cancellable;    /* the connection attempt under way */
  char                 *status_title;
  StatusAction          status_action;
  guint                 retries;
  guint                 retry_id;
  gboolean              connecting;
  gboolean              session_shown;  /* the session in hand got as far as a screen */
  gboolean              failed;         /* gave up until Reconnect or a restart */
  gboolean              share_clipboard;
  gboolean              audio;
  char                 *scale;
  GQueue                typing;         /* of guint: xt | shift << 16 */
  guint                 typing_id;
  gulong                clipboard_handler;
  char                 *console;        /* GRAPHICS_CONSOLE or a serial device's name */
  GPtrArray            *text_consoles;  /* of VireoTextConsole, as the Consoles menu lists them */
  gboolean              console_chosen; /* by the user, rather than for want of a display */
  GMenu                *consoles_menu;
  VireoSerialConsole   *serial;
  gboolean              fullscreen;
  guint                 osd_hide_id;
  GtkWindow            *window;         /* the root whose fullscreen state is followed */
  guint                 n_text_consoles;
  char                 *graphics_type;  /* of the display being shown */
  char                 *password;       /* the display's own, in memory only */
  gboolean              password_typed; /* by the user, not from the keyring */
  gboolean              keyring_tried;
  gboolean              keyring_available;

  /* Template widgets */
  GtkWidget            *toolbar;
  GtkStack             *stack;
  AdwStatusPage        *status_page;
  GtkSpinner           *spinner;
  GtkButton            *status_button;
  GtkWidget            *password_box;
  GtkPasswordEntry     *password_entry;
  GtkCheckButton       *remember_check;
  VireoDisplay         *display;
  GtkScrolledWindow    *scroller;
  GtkLabel             *hint_label;
  GtkRevealer          *pointer_revealer;
  GtkMenuButton        *consoles_button;
  GtkWidget            *send_key_button;
  GtkWidget            *clipboard_button;
  GtkWidget            *view_button;
  AdwBin               *text_bin;
  AdwBin               *toolbar_slot;
  GtkRevealer          *osd_revealer;
  GtkButton            *fullscreen_button;
  GtkWidget            *sound_button;
  GtkWidget            *usb_button;
  GtkPopover           *usb_popover;
  GtkBox               *usb_box;
  GMenu                *send_key_vt_section;
  GMenu                *send_key_combo_section;
};

G_DEFINE_FINAL_TYPE (VireoConsolePage, vireo_console_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SCALE,
  PROP_SHARE_CLIPBOARD,
  PROP_CONSOLE,
  PROP_AUDIO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void connect_display (VireoConsolePage *self);
static void update (VireoConsolePage *self);
static void reveal_osd (VireoConsolePage *self,
                        guint             ms);

static gboolean
showing_text (VireoConsolePage *self)
{
  return g_strcmp0 (self->console, GRAPHICS_CONSOLE) != 0;
}

static const char *
console_label (VireoConsolePage *self)
{
  for (guint i = 0; i < self->text_consoles->len; i++)
    {
      VireoTextConsole *console = self->text_consoles->pdata[i];

      if (g_strcmp0 (console->dev_name, self->console) == 0)
        return console->label;
    }
  return self->console;
}

/* ---- status -------------------------------------------------------------- */

static void
show_status (VireoConsolePage *self,
             const char       *icon,
             const char       *title,
             const char       *description,
             StatusAction      action,
             gboolean          busy)
{
  static const char *labels[] = {
    [STATUS_NONE] = NULL,
    [STATUS_RUN] = N_("_Run"),
    [STATUS_RECONNECT] = N_("_Reconnect"),
    [STATUS_ADD_DISPLAY] = N_("_Add Display…"),
    [STATUS_TAKE_OVER] = N_("_Take Over"),
    [STATUS_PASSWORD] = N_("_Connect"),
  };

  g_free (self->status_title);
  self->status_title = g_strdup (title);
  adw_status_page_set_icon_name (self->status_page, icon);
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  self->status_action = action;
  gtk_widget_set_visible (GTK_WIDGET (self->status_button), action != STATUS_NONE);
  if (action != STATUS_NONE)
    gtk_button_set_label (self->status_button, _(labels[action]));
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (self->password_box, action == STATUS_PASSWORD);
  gtk_stack_set_visible_child_name (self->stack, "status");
  /* Nothing to look at: the toolbar, with the way out of fullscreen. */
  reveal_osd (self, 0);
}

static void
update_hint (VireoConsolePage *self)
{
  g_autofree char *text = NULL;
  int width, height;

  if (showing_text (self))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "accent");
      gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "dim-label");
      gtk_revealer_set_reveal_child (self->pointer_revealer, FALSE);
      if (self->serial != NULL && vireo_serial_console_get_state (self->serial) == VIREO_SERIAL_CONSOLE_CONNECTED)
        {
          /* Key names as GTK gives them in the user's language, like Send Key's. */
          g_autofree char *copy = gtk_accelerator_get_label (GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
          g_autofree char *paste = gtk_accelerator_get_label (GDK_KEY_v, GDK_CONTROL_MASK | GDK_SHIFT_MASK);

          /* Translators: the console's name ("Serial Port 1"), then the
           * copy and paste shortcuts ("Ctrl+Shift+C") */
          text = g_strdup_printf (_("%s · %s copies, %s pastes"), console_label (self), copy, paste);
        }
      gtk_label_set_label (self->hint_label, text != NULL ? text : "");
      return;
    }

  if (self->session == NULL ||
      vireo_graphics_session_get_state (self->session) != VIREO_GRAPHICS_STATE_CONNECTED)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "accent");
      gtk_label_set_label (self->hint_label, "");
      gtk_revealer_set_reveal_child (self->pointer_revealer, FALSE);
      return;
    }

  if (vireo_display_get_grabbed (self->display))
    {
      g_autofree char *accel = vireo_display_dup_release_label (self->display);

      /* Translators: %s is a shortcut such as Ctrl+Alt+G */
      text = g_strdup_printf (_("Press %s to release the keyboard"), accel);
    }
  else if (vireo_display_get_guest_size (self->display, &width, &height))
    /* Translators: the guest's screen size, then what a click does */
    text = g_strdup_printf (_("%d × %d · Click the screen to type into the machine"), width, height);

  /* The grab must never go unnoticed: the hint stands out while it holds. */
  if (vireo_display_get_grabbed (self->display))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "accent");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "accent");
      gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "dim-label");
    }
  gtk_label_set_label (self->hint_label, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->pointer_revealer,
                                 !vireo_graphics_session_get_absolute_pointer (self->session));
}

static void
update_actions (VireoConsolePage *self)
{
  gboolean active = self->domain != NULL && vireo_domain_get_active (self->domain);
  gboolean connected = !showing_text (self) && self->session != NULL &&
                       vireo_graphics_session_get_state (self->session) == VIREO_GRAPHICS_STATE_CONNECTED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.send-keys", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.type-clipboard", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.screenshot", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.fit-window", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.fullscreen", active);
  gtk_widget_set_visible (self->sound_button, !showing_text (self) && VIREO_IS_SPICE_SESSION (self->session));
  gtk_widget_set_visible (self->usb_button, !showing_text (self) && VIREO_IS_SPICE_SESSION (self->session));
  gtk_widget_set_sensitive (self->usb_button, connected);
  gtk_widget_set_sensitive (self->send_key_button, connected);
  gtk_widget_set_sensitive (self->view_button, connected);
  gtk_widget_set_sensitive (self->clipboard_button, active && !showing_text (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->consoles_button),
                            active && self->n_text_consoles > 0);
}

/* ---- session ------------------------------------------------------------- */

static void
on_guest_clipboard (VireoGraphicsSession *session,
                    const char           *text,
                    VireoConsolePage     *self)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(VireoConsolePage) self = data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);

  if (text != NULL && self->session != NULL)
    vireo_graphics_session_send_clipboard (self->session, text);
}

static void
on_host_clipboard (GdkClipboard     *clipboard,
                   VireoConsolePage *self)
{
  /* What the guest itself just put there need not go back. */
  if (!self->share_clipboard || self->session == NULL || gdk_clipboard_is_local (clipboard))
    return;
  gdk_clipboard_read_text_async (clipboard, NULL, clipboard_read_cb, g_object_ref (self));
}

static void
on_session_state (VireoGraphicsSession *session,
                  GParamSpec           *pspec,
                  VireoConsolePage     *self)
{
  update (self);
}

static void
drop_session (VireoConsolePage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->typing_id, g_source_remove);
  g_queue_clear (&self->typing);
  self->connecting = FALSE;
  if (self->session == NULL)
    return;

  vireo_display_set_session (self->display, NULL);
  g_signal_handlers_disconnect_by_data (self->session, self);
  vireo_graphics_session_close (self->session);
  g_clear_object (&self->session);
}

static void
take_session (VireoConsolePage     *self,
              VireoGraphicsSession *session)
{
  self->session = session;
  self->session_shown = FALSE;
  vireo_graphics_session_set_share_clipboard (session, self->share_clipboard);
  if (VIREO_IS_SPICE_SESSION (session))
    vireo_spice_session_set_audio (VIREO_SPICE_SESSION (session), self->audio);
  g_signal_connect (session, "notify::state", G_CALLBACK (on_session_state), self);
  g_signal_connect_swapped (session, "notify::absolute-pointer", G_CALLBACK (update_hint), self);
  g_signal_connect (session, "clipboard-received", G_CALLBACK (on_guest_clipboard), self);
  vireo_display_set_session (self->display, session);
}

static gboolean
retry_connect (gpointer data)
{
  VireoConsolePage *self = data;

  self->retry_id = 0;
  connect_display (self);
  return G_SOURCE_REMOVE;
}

/* Tries again shortly when the guest has just started; TRUE if it will. */
static gboolean
schedule_retry (VireoConsolePage *self)
{
  if (self->domain == NULL || !vireo_domain_get_active (self->domain) || self->retries >= CONNECT_RETRIES)
    return FALSE;
  self->retries++;
  self->retry_id = g_timeout_add (CONNECT_RETRY_MS, retry_connect, self);
  return TRUE;
}

static void
fail (VireoConsolePage *self,
      const char       *title,
      const char       *message)
{
  self->connecting = FALSE;
  self->failed = TRUE;
  show_status (self, "computer-fail-symbolic", title, message, STATUS_RECONNECT, FALSE);
  update_actions (self);
}

static gboolean
is_remote (VireoConsolePage *self)
{
  VireoConnection *conn = vireo_domain_get_connection (self->domain);

  return conn != NULL && vireo_connection_get_is_remote (conn);
}

/* ---- the display's own password ------------------------------------------ */

static void
forget_password (VireoConsolePage *self)
{
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  self->password_typed = FALSE;
  self->keyring_tried = FALSE;
}

static void
set_password (VireoConsolePage *self,
              const char       *password,
              gboolean          typed)
{
  forget_password (self);
  self->password = g_strdup (password);
  self->password_typed = typed;
  self->keyring_tried = TRUE;
}

static char *
password_question (VireoConsolePage *self)
{
  g_autofree char *protocol = g_ascii_strup (self->graphics_type != NULL ? self->graphics_type : "vnc", -1);

  /* Translators: the first %s is VNC or SPICE, the second a machine's name */
  return g_strdup_printf (_("The %s display of “%s” asks for a password of its own."),
                          protocol, vireo_domain_get_name (self->domain));
}

static void
ask_password (VireoConsolePage *self,
              const char       *title,
              const char       *description)
{
  self->connecting = FALSE;
  self->failed = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->remember_check), self->keyring_available);
  show_status (self, "dialog-password-symbolic", title, description, STATUS_PASSWORD, FALSE);
  /* A refused password stays, selected: the next key replaces it, an
   * arrow key edits it. */
  gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->password_entry), 0, -1);
  update_actions (self);
}

static void
found_password_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(VireoConsolePage) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *question = NULL;
  char *password;
  gboolean available = FALSE;

  password = vireo_secrets_find_console_password_finish (result, &available, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->keyring_available = available;
  if (error != NULL)
    g_debug ("No display password from the keyring: %s", error->message);
  if (password != NULL)
    {
      set_password (self, password, FALSE);
      memset (password, 0, strlen (password));
      g_free (password);
      connect_display (self);
      return;
    }
  question = password_question (self);
  ask_password (self, _("Password Needed"), question);
}

/* The display turned the session away at its sign-in: the keyring's
 * password first (once), then the user's. */
static void
handle_auth (VireoConsolePage  *self,
             VireoGraphicsAuth  auth)
{
  VireoConnection *conn = vireo_domain_get_connection (self->domain);
  g_autofree char *question = password_question (self);
  g_autofree char *description = NULL;

  if (auth == VIREO_GRAPHICS_AUTH_NEEDED && !self->keyring_tried && conn != NULL)
    {
      self->keyring_tried = TRUE;
      self->connecting = TRUE;
      self->cancellable = g_cancellable_new ();
      show_status (self, "dialog-password-symbolic", _("Connecting…"), NULL, STATUS_NONE, TRUE);
      vireo_secrets_find_console_password_async (vireo_connection_get_uri (conn), vireo_domain_get_uuid (self->domain),
                                                 self->graphics_type != NULL ? self->graphics_type : "vnc",
                                                 self->cancellable, found_password_cb, g_object_ref (self));
      return;
    }
  if (auth == VIREO_GRAPHICS_AUTH_NEEDED)
    {
      ask_password (self, _("Password Needed"), question);
      return;
    }
  description = g_strdup_printf ("%s %s", question,
                                 self->password_typed
                                   ? _("It refused that one.")
                                   : _("It refused the one in your keyring, which may have changed since."));
  ask_password (self, _("Wrong Password"), description);
}

static void
on_password_activate (VireoConsolePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  if (*text == '\0')
    {
      adw_status_page_set_description (self->status_page, _("Type the display’s password, then Connect."));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      return;
    }
  set_password (self, text, TRUE);
  self->failed = FALSE;
  self->retries = 0;
  connect_display (self);
}

static void
kept_password_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GError) error = NULL;

  if (!vireo_secrets_keep_console_password_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("The display password could not be kept in the keyring: %s", error->message);
}

/* A password the user typed worked: into the keyring if asked, and out of
 * the entry either way. */
static void
password_worked (VireoConsolePage *self)
{
  VireoConnection *conn = vireo_domain_get_connection (self->domain);

  if (self->password == NULL || !self->password_typed)
    return;
  if (conn != NULL && self->keyring_available && gtk_check_button_get_active (self->remember_check))
    vireo_secrets_keep_console_password_async (vireo_connection_get_uri (conn), vireo_domain_get_uuid (self->domain),
                                               self->graphics_type != NULL ? self->graphics_type : "vnc",
                                               vireo_domain_get_name (self->domain), self->password,
                                               NULL, kept_password_cb, NULL);
  self->password_typed = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
}

/* ---- text consoles ------------------------------------------------------- */

static void
on_serial_changed (VireoSerialConsole *serial,
                   GParamSpec         *pspec,
                   VireoConsolePage   *self)
{
  update (self);
}

static void
drop_serial (VireoConsolePage *self)
{
  if (self->serial == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->serial, self);
  vireo_serial_console_disconnect (self->serial);
  adw_bin_set_child (self->text_bin, NULL);
  self->serial = NULL;
}

static void
update_text (VireoConsolePage *self)
{
  if (self->serial != NULL && g_strcmp0 (vireo_serial_console_get_dev_name (self->serial), self->console) != 0)
    drop_serial (self);
  if (self->serial == NULL)
    {
      self->serial = vireo_serial_console_new (self->domain, self->console);
      gtk_widget_set_name (GTK_WIDGET (self->serial), "serial-console");
      adw_bin_set_child (self->text_bin, GTK_WIDGET (self->serial));
      g_signal_connect (self->serial, "notify::state", G_CALLBACK (on_serial_changed), self);
      g_signal_connect (self->serial, "notify::busy", G_CALLBACK (on_serial_changed), self);
      /* Updates this page again, through notify::state. */
      vireo_serial_console_connect (self->serial);
      return;
    }

  switch (vireo_serial_console_get_state (self->serial))
    {
    case VIREO_SERIAL_CONSOLE_CONNECTED:
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "text") != 0)
        {
          gtk_stack_set_visible_child_name (self->stack, "text");
          gtk_widget_grab_focus (GTK_WIDGET (self->serial));
        }
      break;
    case VIREO_SERIAL_CONSOLE_CONNECTING:
      show_status (self, "utilities-terminal-symbolic", _("Connecting…"), NULL, STATUS_NONE, TRUE);
      break;
    case VIREO_SERIAL_CONSOLE_DISCONNECTED:
    default:
      if (vireo_serial_console_get_busy (self->serial))
        show_status (self, "utilities-terminal-symbolic", _("Console in Use"),
                     vireo_serial_console_get_error (self->serial), STATUS_TAKE_OVER, FALSE);
      else
        show_status (self, "utilities-terminal-symbolic", _("Disconnected"),
                     vireo_serial_console_get_error (self->serial) != NULL
                       ? vireo_serial_console_get_error (self->serial)
                       : _("The console was closed."),
                     STATUS_RECONNECT, FALSE);
      break;
    }
}

/* Switches to @console; @chosen when the user picked it rather than this
 * page for want of a display. */
static void
set_console (VireoConsolePage *self,
             const char       *console,
             gboolean          chosen)
{
  if (console == NULL)
    console = GRAPHICS_CONSOLE;
  self->console_chosen = chosen;
  if (g_strcmp0 (self->console, console) == 0)
    return;

  g_free (self->console);
  self->console = g_strdup (console);
  if (showing_text (self))
    drop_session (self);
  else
    drop_serial (self);
  self->failed = FALSE;
  self->retries = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSOLE]);
  update (self);
}

static void
rebuild_consoles_menu (VireoConsolePage  *self,
                       VireoDomainConfig *config,
                       const char        *graphics_type)
{
  GPtrArray *consoles = vireo_domain_config_list_text_consoles (config);
  g_autoptr(GMenu) graphics = g_menu_new ();
  g_autoptr(GMenu) text = g_menu_new ();

  g_menu_remove_all (self->consoles_menu);
  if (graphics_type != NULL)
    {
      g_autofree char *upper = g_ascii_strup (graphics_type, -1);
      /* Translators: %s is VNC or SPICE */
      g_autofree char *label = g_strdup_printf (_("_Graphical Console (%s)"), upper);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "console.console", g_variant_new_string (GRAPHICS_CONSOLE));
      g_menu_append_item (graphics, item);
      g_menu_append_section (self->consoles_menu, NULL, G_MENU_MODEL (graphics));
    }
  for (guint i = 0; i < consoles->len; i++)
    {
      VireoTextConsole *console = consoles->pdata[i];
      g_autoptr(GMenuItem) item = g_menu_item_new (console->label, NULL);

      g_menu_item_set_action_and_target_value (item, "console.console", g_variant_new_string (console->dev_name));
      g_menu_append_item (text, item);
    }
  if (consoles->len > 0)
    g_menu_append_section (self->consoles_menu, NULL, G_MENU_MODEL (text));
  self->n_text_consoles = consoles->len;
  g_ptr_array_unref (self->text_consoles);
  self->text_consoles = consoles;

  /* A machine without a display still has something to show. */
  if (graphics_type == NULL && consoles->len > 0 && !showing_text (self))
    {
      VireoTextConsole *first = consoles->pdata[0];

      set_console (self, first->dev_name, FALSE);
    }
}

static void
open_fd_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(VireoConsolePage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoVncSession) session = NULL;
  int fd = vireo_domain_open_graphics_fd_finish (VIREO_DOMAIN (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (fd < 0)
    {
      /* A transport that cannot carry consoles, or a display that
       * listens nowhere this way: trying again changes nothing. */
      if (g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_SUPPORTED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        fail (self, _("Console Not Available"), error->message);
      else if (!schedule_retry (self))
        fail (self, _("Cannot Reach the Display"), error->message);
      return;
    }

  session = vireo_vnc_session_new ();
  vireo_graphics_session_set_password (VIREO_GRAPHICS_SESSION (session), self->password);
  take_session (self, VIREO_GRAPHICS_SESSION (g_steal_pointer (&session)));
  /* Raw pixels cost nothing on this computer's loopback; over a network
   * gvnc's compressed encodings come first. */
  if (!vireo_vnc_session_open_fd (VIREO_VNC_SESSION (self->session), fd, !is_remote (self), &error))
    fail (self, _("Cannot Reach the Display"), error->message);
  update (self);
}

static void
read_xml_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(VireoConsolePage) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = vireo_domain_read_xml_finish (VIREO_DOMAIN (source), result, &error);
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GListModel) devices = NULL;
  g_autofree char *type = NULL;
  guint index = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (xml == NULL || (config = vireo_domain_config_new_from_xml (xml, &error)) == NULL)
    {
      if (!schedule_retry (self))
        fail (self, _("Cannot Read the Machine’s Devices"), error->message);
      return;
    }

  /* The first display libvirt lists is the one to show; its index is what
   * virDomainOpenGraphicsFD counts. */
  devices = vireo_domain_config_list_devices (config);
  for (guint i = 0; i < g_list_model_get_n_items (devices) && type == NULL; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);

      if (vireo_device_get_kind (device) != VIREO_DEVICE_GRAPHICS)
        continue;
      type = vireo_graphics_dup_type (VIREO_GRAPHICS (device));
      if (g_strcmp0 (type, "vnc") != 0 && g_strcmp0 (type, "spice") != 0)
        {
          g_clear_pointer (&type, g_free);
          index++;
        }
    }

  rebuild_consoles_menu (self, config, type);
  g_free (self->graphics_type);
  self->graphics_type = g_strdup (type);
  if (showing_text (self))
    {
      self->connecting = FALSE;
      update (self);
      return;
    }
  if (type == NULL)
    {
      self->connecting = FALSE;
      show_status (self, "computer-symbolic", _("No Graphical Display"),
                   _("This machine has no VNC or SPICE display to show. Add one, then restart the machine."),
                   STATUS_ADD_DISPLAY, FALSE);
      return;
    }
  if (g_str_equal (type, "spice"))
    {
      g_autoptr(VireoSpiceSession) session = vireo_spice_session_new (self->domain, index);

      vireo_graphics_session_set_password (VIREO_GRAPHICS_SESSION (session), self->password);
      take_session (self, VIREO_GRAPHICS_SESSION (g_steal_pointer (&session)));
      vireo_spice_session_connect (VIREO_SPICE_SESSION (self->session));
      update (self);
      return;
    }

  vireo_domain_open_graphics_fd_async (self->domain, index, self->cancellable, open_fd_cb, g_object_ref (self));
}

static void
connect_display (VireoConsolePage *self)
{
  if (self->domain == NULL || !vireo_domain_get_active (self->domain) || showing_text (self))
    return;

  drop_session (self);
  self->connecting = TRUE;
  self->failed = FALSE;
  self->cancellable = g_cancellable_new ();
  show_status (self, "computer-symbolic", _("Connecting…"), NULL, STATUS_NONE, TRUE);
  update_actions (self);
  vireo_domain_read_xml_async (self->domain, FALSE, self->cancellable, read_xml_cb, g_object_ref (self));
}

static void
update (VireoConsolePage *self)
{
  VireoGraphicsState state;

  update_actions (self);
  update_hint (self);

  if (self->domain == NULL)
    return;
  if (!vireo_domain_get_active (self->domain))
    {
      drop_session (self);
      drop_serial (self);
      self->failed = FALSE;
      self->retries = 0;
      /* Next run, the display again if it has one by then. */
      if (!self->console_chosen && showing_text (self))
        {
          g_free (self->console);
          self->console = g_strdup (GRAPHICS_CONSOLE);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSOLE]);
          update_actions (self);
          update_hint (self);
        }
      show_status (self, "system-shutdown-symbolic", _("Not Running"),
                   _("Run the machine to see its screen here."), STATUS_RUN, FALSE);
      return;
    }
  if (showing_text (self))
    {
      update_text (self);
      update_hint (self);
      update_actions (self);
      return;
    }
  if (self->session == NULL)
    {
      if (!self->connecting && !self->failed && self->retry_id == 0)
        connect_display (self);
      return;
    }

  state = vireo_graphics_session_get_state (self->session);
  if (state == VIREO_GRAPHICS_STATE_CONNECTED)
    {
      self->connecting = FALSE;
      self->retries = 0;
      self->session_shown = TRUE;
      password_worked (self);
      gtk_stack_set_visible_child_name (self->stack, "display");
    }
  else if (state == VIREO_GRAPHICS_STATE_CONNECTING)
    show_status (self, "computer-symbolic", _("Connecting…"), NULL, STATUS_NONE, TRUE);
  else
    {
      g_autofree char *error = g_strdup (vireo_graphics_session_get_error (self->session));
      gboolean shown = self->session_shown;
      VireoGraphicsAuth auth = vireo_graphics_session_get_auth (self->session);

      drop_session (self);
      if (auth != VIREO_GRAPHICS_AUTH_OK)
        {
          handle_auth (self, auth);
          return;
        }
      /* A display that hangs up halfway through the handshake is usually
       * one QEMU is still setting up (or a guest stopping); try again
       * before calling it lost. */
      if (!shown && schedule_retry (self))
        {
          self->connecting = TRUE;
          show_status (self, "computer-symbolic", _("Connecting…"), NULL, STATUS_NONE, TRUE);
          return;
        }
      fail (self, _("Disconnected"), error != NULL ? error : _("The console was closed."));
    }
}

/* ---- USB redirection (SPICE) ---------------------------------------------- */

static void rebuild_usb (VireoConsolePage *self);

static void
usb_note (VireoConsolePage *self,
          const char       *name,
          const char       *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_name (label, name);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (self->usb_box, label);
}

static void
usb_done (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(VireoConsolePage) self = data;
  VireoSpiceSession *session = VIREO_SPICE_SESSION (source);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (G_TASK (result)) == vireo_spice_session_connect_usb_device_async)
    ok = vireo_spice_session_connect_usb_device_finish (session, result, &error);
  else
    ok = vireo_spice_session_disconnect_usb_device_finish (session, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || (gpointer) session != (gpointer) self->session)
    return;
  /* The boxes show what is so now; the reason stays under them. */
  rebuild_usb (self);
  if (!ok)
    usb_note (self, "usb-error", error->message);
}

static void
on_usb_toggled (GtkCheckButton   *check,
                VireoConsolePage *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "vireo-usb-index"));
  VireoSpiceSession *session = VIREO_SPICE_SESSION (self->session);

  gtk_widget_set_sensitive (GTK_WIDGET (check), FALSE);
  if (gtk_check_button_get_active (check))
    vireo_spice_session_connect_usb_device_async (session, index, self->cancellable, usb_done, g_object_ref (self));
  else
    vireo_spice_session_disconnect_usb_device_async (session, index, self->cancellable, usb_done, g_object_ref (self));
}

static void
rebuild_usb (VireoConsolePage *self)
{
  g_autofree char *reason = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->usb_box))) != NULL)
    gtk_box_remove (self->usb_box, child);

  if (!VIREO_IS_SPICE_SESSION (self->session))
    return;
  if (!vireo_spice_session_get_usb_available (VIREO_SPICE_SESSION (self->session), &reason))
    {
      usb_note (self, "usb-reason", reason);
      return;
    }
  devices = vireo_spice_session_list_usb_devices (VIREO_SPICE_SESSION (self->session));
  if (devices->len == 0)
    {
      usb_note (self, "usb-reason", _("This computer has no USB devices to pass on."));
      return;
    }
  for (guint i = 0; i < devices->len; i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (devices->pdata[i]);

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   vireo_spice_session_get_usb_device_connected (VIREO_SPICE_SESSION (self->session), i));
      g_object_set_data (G_OBJECT (check), "vireo-usb-index", GUINT_TO_POINTER (i));
      g_signal_connect (check, "toggled", G_CALLBACK (on_usb_toggled), self);
      gtk_box_append (self->usb_box, check);
    }
}

/* ---- fullscreen --------------------------------------------------------- */

static gboolean
osd_hide_timeout (gpointer data)
{
  VireoConsolePage *self = data;

  self->osd_hide_id = 0;
  gtk_revealer_set_reveal_child (self->osd_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

/* Shows the fullscreen toolbar; for @ms milliseconds, or until the pointer
 * leaves it when 0. */
static void
reveal_osd (VireoConsolePage *self,
            guint             ms)
{
  if (!self->fullscreen)
    return;
  g_clear_handle_id (&self->osd_hide_id, g_source_remove);
  gtk_revealer_set_reveal_child (self->osd_revealer, TRUE);
  if (ms > 0)
    self->osd_hide_id = g_timeout_add (ms, osd_hide_timeout, self);
}

static void
on_pointer_motion (GtkEventControllerMotion *controller,
                   double                    x,
                   double                    y,
                   VireoConsolePage         *self)
{
  if (!self->fullscreen)
    return;
  if (y <= OSD_EDGE_PX)
    reveal_osd (self, 0);
  else if (gtk_revealer_get_reveal_child (self->osd_revealer) && self->osd_hide_id == 0 &&
           y > gtk_widget_get_height (self->toolbar) + 2 * OSD_EDGE_PX)
    gtk_revealer_set_reveal_child (self->osd_revealer, FALSE);
}

static void
on_grab_changed (VireoConsolePage *self)
{
  update_hint (self);
  reveal_osd (self, OSD_SHOW_MS);
}

static void
set_fullscreen_layout (VireoConsolePage *self,
                       gboolean          fullscreen)
{
  g_autoptr(GtkWidget) toolbar = NULL;

  if (self->fullscreen == fullscreen)
    return;
  self->fullscreen = fullscreen;
  g_clear_handle_id (&self->osd_hide_id, g_source_remove);

  /* The toolbar moves between its place above the screen and the overlay
   * that slides over it. */
  toolbar = g_object_ref (self->toolbar);
  if (fullscreen)
    {
      adw_bin_set_child (self->toolbar_slot, NULL);
      gtk_revealer_set_child (self->osd_revealer, toolbar);
      gtk_widget_add_css_class (toolbar, "osd");
    }
  else
    {
      gtk_revealer_set_child (self->osd_revealer, NULL);
      adw_bin_set_child (self->toolbar_slot, toolbar);
      gtk_widget_remove_css_class (toolbar, "osd");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->toolbar_slot), !fullscreen);
  gtk_revealer_set_reveal_child (self->osd_revealer, FALSE);
  gtk_button_set_icon_name (self->fullscreen_button,
                            fullscreen ? "view-restore-symbolic" : "view-fullscreen-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->fullscreen_button),
                               fullscreen ? _("Leave Fullscreen") : _("Fullscreen"));
  /* Where the way out is, at once. */
  reveal_osd (self, OSD_SHOW_MS);
}

static void
on_window_fullscreened (GtkWindow        *window,
                        GParamSpec       *pspec,
                        VireoConsolePage *self)
{
  set_fullscreen_layout (self, gtk_window_is_fullscreen (window));
}

/* ---- actions ------------------------------------------------------------- */

static void
start_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(VireoConsolePage) self = data;
  g_autoptr(GError) error = NULL;

  if (!vireo_domain_action_finish (VIREO_DOMAIN (source), result, &error))
    {
      g_autofree char *network = vireo_network_inactive_from_error (error->message);
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      show_status (self, "computer-fail-symbolic", _("The Machine Did Not Start"), error->message,
                   STATUS_RUN, FALSE);
      /* Its network is stopped: offer to start it, then the machine. */
      if (network != NULL && GTK_IS_WINDOW (root))
        vireo_offer_network_start (GTK_WINDOW (root), VIREO_DOMAIN (source), network);
    }
}

static void
on_status_button (VireoConsolePage *self)
{
  switch (self->status_action)
    {
    case STATUS_RUN:
      show_status (self, "computer-symbolic", _("Starting…"), NULL, STATUS_NONE, TRUE);
      vireo_domain_action_async (self->domain, VIREO_DOMAIN_ACTION_START, NULL, start_cb, g_object_ref (self));
      break;
    case STATUS_RECONNECT:
      vireo_console_page_reconnect (self);
      break;
    case STATUS_TAKE_OVER:
      if (self->serial != NULL)
        vireo_serial_console_take_over (self->serial);
      break;
    case STATUS_ADD_DISPLAY:
      gtk_widget_activate_action (GTK_WIDGET (self), "details.add-hardware", NULL);
      break;
    case STATUS_PASSWORD:
      on_password_activate (self);
      break;
    case STATUS_NONE:
    default:
      break;
    }
}

static const struct
{
  const char *name;
  guint16     keys[4];
} combos[] = {
  { "ctrl-alt-delete",    { 0x1d, 0x38, 0xd3 } },
  { "ctrl-alt-backspace", { 0x1d, 0x38, 0x0e } },
  { "print",              { 0x54 } },
};

/* F1..F10 are 0x3b..0x44, F11 and F12 0x57 and 0x58. */
static guint16
function_key (guint n)
{
  return n <= 10 ? 0x3a + n : 0x57 + (n - 11);
}

static void
send_keys_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VireoConsolePage *self = VIREO_CONSOLE_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  guint n;

  if (self->session == NULL)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (combos); i++)
    if (g_str_equal (name, combos[i].name))
      {
        gsize count = 0;

        while (count < G_N_ELEMENTS (combos[i].keys) && combos[i].keys[count] != 0)
          count++;
        vireo_graphics_session_send_keys (self->session, combos[i].keys, count);
        return;
      }
  if (sscanf (name, "ctrl-alt-f%u", &n) == 1 && n >= 1 && n <= 12)
    {
      guint16 keys[] = { 0x1d, 0x38, function_key (n) };

      vireo_graphics_session_send_keys (self->session, keys, G_N_ELEMENTS (keys));
    }
}

static gboolean
type_next (gpointer data)
{
  VireoConsolePage *self = data;
  guint item;
  guint16 xt;

  if (self->session == NULL || g_queue_is_empty (&self->typing))
    {
      self->typing_id = 0;
      return G_SOURCE_REMOVE;
    }
  item = GPOINTER_TO_UINT (g_queue_pop_head (&self->typing));
  xt = item & 0xffff;
  if (item >> 16)
    {
      guint16 keys[] = { 0x2a, xt };

      vireo_graphics_session_send_keys (self->session, keys, 2);
    }
  else
    vireo_graphics_session_send_keys (self->session, &xt, 1);
  return G_SOURCE_CONTINUE;
}

static void
type_text (VireoConsolePage *self,
           const char       *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gboolean shift;
      guint16 xt = vireo_keymap_ascii_to_xt (g_utf8_get_char (p), &shift);

      if (xt != 0)
        g_queue_push_tail (&self->typing, GUINT_TO_POINTER (xt | (shift ? 1u << 16 : 0)));
    }
  if (self->typing_id == 0 && !g_queue_is_empty (&self->typing))
    self->typing_id = g_timeout_add (TYPE_INTERVAL_MS, type_next, self);
}

static void
type_clipboard_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(VireoConsolePage) self = data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);

  if (text != NULL)
    type_text (self, text);
}

static void
type_clipboard_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, type_clipboard_cb,
                                 g_object_ref (widget));
}

static void
screenshot_response (GtkNativeDialog  *dialog,
                     int               response,
                     VireoConsolePage *self)
{
  g_autoptr(GFile) file = NULL;
  GdkTexture *texture;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      (texture = vireo_display_get_texture (self->display)) != NULL)
    {
      g_autofree char *path = g_file_get_path (file);

      if (path == NULL || !gdk_texture_save_to_png (texture, path))
        {
          AdwToast *toast = adw_toast_new (_("Could not save the screenshot: choose a folder you can write to"));
          GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

          if (overlay != NULL)
            adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
          else
            g_object_unref (g_object_ref_sink (toast));
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
screenshot_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VireoConsolePage *self = VIREO_CONSOLE_PAGE (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H-%M-%S");
  g_autofree char *name = g_strdup_printf ("%s %s.png",
                                           self->domain != NULL ? vireo_domain_get_name (self->domain) : "guest",
                                           stamp);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Save Screenshot"),
                                        GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (screenshot_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (widget));

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

/* The window grows or shrinks by what the guest's screen lacks or has too
 * much of, so the screen shows at one guest pixel per pixel. */
static void
fit_window_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VireoConsolePage *self = VIREO_CONSOLE_PAGE (widget);
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (widget));
  int width, height, scale = gtk_widget_get_scale_factor (widget);

  if (!vireo_display_get_guest_size (self->display, &width, &height))
    return;
  gtk_window_unmaximize (window);
  gtk_window_set_default_size (window,
                               gtk_widget_get_width (GTK_WIDGET (window)) +
                               width / scale - gtk_widget_get_width (GTK_WIDGET (self->scroller)),
                               gtk_widget_get_height (GTK_WIDGET (window)) +
                               height / scale - gtk_widget_get_height (GTK_WIDGET (self->scroller)));
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  vireo_console_page_reconnect (VIREO_CONSOLE_PAGE (widget));
}

static void
set_scale (VireoConsolePage *self,
           const char       *scale)
{
  VireoDisplayScale mode = VIREO_DISPLAY_SCALE_FIT;

  if (g_strcmp0 (scale, "one-to-one") == 0)
    mode = VIREO_DISPLAY_SCALE_ONE_TO_ONE;
  else if (g_strcmp0 (scale, "resize-guest") == 0)
    mode = VIREO_DISPLAY_SCALE_RESIZE_GUEST;
  else
    scale = "fit";

  if (g_strcmp0 (self->scale, scale) == 0)
    return;
  g_free (self->scale);
  self->scale = g_strdup (scale);
  vireo_display_set_scale_mode (self->display, mode);
  /* Scroll bars only where the guest keeps its own size. */
  gtk_scrolled_window_set_policy (self->scroller,
                                  mode == VIREO_DISPLAY_SCALE_ONE_TO_ONE ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER,
                                  mode == VIREO_DISPLAY_SCALE_ONE_TO_ONE ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

static void
set_share_clipboard (VireoConsolePage *self,
                     gboolean          share)
{
  if (self->share_clipboard == !!share)
    return;
  self->share_clipboard = !!share;
  if (self->session != NULL)
    vireo_graphics_session_set_share_clipboard (self->session, share);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARE_CLIPBOARD]);
}

/* ---- GObject ------------------------------------------------------------- */

static void
on_domain_state (VireoDomain      *domain,
                 GParamSpec       *pspec,
                 VireoConsolePage *self)
{
  update (self);
}

void
vireo_console_page_set_domain (VireoConsolePage *self,
                               VireoDomain      *domain)
{
  g_return_if_fail (VIREO_IS_CONSOLE_PAGE (self));

  if (self->domain == domain)
    return;
  drop_session (self);
  drop_serial (self);
  g_free (self->console);
  self->console = g_strdup (GRAPHICS_CONSOLE);
  self->console_chosen = FALSE;
  self->n_text_consoles = 0;
  g_ptr_array_set_size (self->text_consoles, 0);
  g_menu_remove_all (self->consoles_menu);
  if (self->domain != NULL)
    g_signal_handlers_disconnect_by_data (self->domain, self);
  g_set_object (&self->domain, domain);
  forget_password (self);
  self->failed = FALSE;
  self->retries = 0;
  if (domain != NULL)
    g_signal_connect (domain, "notify::state", G_CALLBACK (on_domain_state), self);
  update (self);
}

VireoDisplay *
vireo_console_page_get_display (VireoConsolePage *self)
{
  g_return_val_if_fail (VIREO_IS_CONSOLE_PAGE (self), NULL);
  return self->display;
}

VireoGraphicsSession *
vireo_console_page_get_session (VireoConsolePage *self)
{
  g_return_val_if_fail (VIREO_IS_CONSOLE_PAGE (self), NULL);
  return self->session;
}

/* What the status page says when the screen is not shown; NULL while it
 * is. */
const char *
vireo_console_page_get_status_title (VireoConsolePage *self)
{
  g_return_val_if_fail (VIREO_IS_CONSOLE_PAGE (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "status") != 0)
    return NULL;
  return self->status_title;
}

void
vireo_console_page_reconnect (VireoConsolePage *self)
{
  g_return_if_fail (VIREO_IS_CONSOLE_PAGE (self));

  self->retries = 0;
  if (showing_text (self))
    {
      if (self->serial != NULL)
        vireo_serial_console_connect (self->serial);
      return;
    }
  connect_display (self);
}

static void
vireo_console_page_root (GtkWidget *widget)
{
  VireoConsolePage *self = VIREO_CONSOLE_PAGE (widget);

  GTK_WIDGET_CLASS (vireo_console_page_parent_class)->root (widget);
  self->clipboard_handler = g_signal_connect (gtk_widget_get_clipboard (widget), "changed",
                                              G_CALLBACK (on_host_clipboard), self);
  if (GTK_IS_WINDOW (gtk_widget_get_root (widget)))
    {
      self->window = GTK_WINDOW (gtk_widget_get_root (widget));
      g_signal_connect (self->window, "notify::fullscreened", G_CALLBACK (on_window_fullscreened), self);
      set_fullscreen_layout (self, gtk_window_is_fullscreen (self->window));
    }
}

static void
vireo_console_page_unroot (GtkWidget *widget)
{
  VireoConsolePage *self = VIREO_CONSOLE_PAGE (widget);

  g_clear_signal_handler (&self->clipboard_handler, gtk_widget_get_clipboard (widget));
  if (self->window != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->window, on_window_fullscreened, self);
      self->window = NULL;
    }
  set_fullscreen_layout (self, FALSE);
  GTK_WIDGET_CLASS (vireo_console_page_parent_class)->unroot (widget);
}

static void
vireo_console_page_dispose (GObject *object)
{
  VireoConsolePage *self = VIREO_CONSOLE_PAGE (object);

  vireo_console_page_set_domain (self, NULL);
  g_clear_handle_id (&self->osd_hide_id, g_source_remove);
  /* The toolbar may sit in the overlay, which the template does not know. */
  if (self->fullscreen)
    set_fullscreen_layout (self, FALSE);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_CONSOLE_PAGE);

  G_OBJECT_CLASS (vireo_console_page_parent_class)->dispose (object);
}

static void
vireo_console_page_finalize (GObject *object)
{
  VireoConsolePage *self = VIREO_CONSOLE_PAGE (object);

  g_free (self->status_title);
  g_free (self->scale);
  g_free (self->console);
  g_free (self->graphics_type);
  forget_password (self);
  g_clear_pointer (&self->text_consoles, g_ptr_array_unref);
  g_clear_object (&self->consoles_menu);

  G_OBJECT_CLASS (vireo_console_page_parent_class)->finalize (object);
}

static void
vireo_console_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VireoConsolePage *self = VIREO_CONSOLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SCALE:
      g_value_set_string (value, self->scale);
      break;
    case PROP_SHARE_CLIPBOARD:
      g_value_set_boolean (value, self->share_clipboard);
      break;
    case PROP_CONSOLE:
      g_value_set_string (value, self->console);
      break;
    case PROP_AUDIO:
      g_value_set_boolean (value, self->audio);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_console_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VireoConsolePage *self = VIREO_CONSOLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SCALE:
      set_scale (self, g_value_get_string (value));
      break;
    case PROP_SHARE_CLIPBOARD:
      set_share_clipboard (self, g_value_get_boolean (value));
      break;
    case PROP_CONSOLE:
      set_console (self, g_value_get_string (value), TRUE);
      break;
    case PROP_AUDIO:
      if (self->audio != g_value_get_boolean (value))
        {
          self->audio = g_value_get_boolean (value);
          if (VIREO_IS_SPICE_SESSION (self->session))
            vireo_spice_session_set_audio (VIREO_SPICE_SESSION (self->session), self->audio);
          gtk_button_set_icon_name (GTK_BUTTON (self->sound_button),
                                    self->audio ? "audio-volume-high-symbolic" : "audio-volume-muted-symbolic");
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_console_page_class_init (VireoConsolePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_console_page_dispose;
  object_class->finalize = vireo_console_page_finalize;
  object_class->get_property = vireo_console_page_get_property;
  object_class->set_property = vireo_console_page_set_property;
  widget_class->root = vireo_console_page_root;
  widget_class->unroot = vireo_console_page_unroot;

  /* "fit", "one-to-one" or "resize-guest" */
  properties[PROP_SCALE] =
    g_param_spec_string ("scale", NULL, NULL, "fit",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHARE_CLIPBOARD] =
    g_param_spec_boolean ("share-clipboard", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* "graphics", or the serial port or console to show ("serial0") */
  properties[PROP_CONSOLE] =
    g_param_spec_string ("console", NULL, NULL, GRAPHICS_CONSOLE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The machine's sound, where its display is SPICE */
  properties[PROP_AUDIO] =
    g_param_spec_boolean ("audio", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VIREO_TYPE_DISPLAY);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-console-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, stack);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, status_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, display);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, pointer_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, consoles_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, send_key_vt_section);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, send_key_combo_section);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, send_key_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, clipboard_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, view_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, text_bin);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, toolbar_slot);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, osd_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, fullscreen_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, sound_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, usb_button);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, usb_popover);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, usb_box);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, password_box);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, VireoConsolePage, remember_check);
  gtk_widget_class_bind_template_callback (widget_class, on_password_activate);

  gtk_widget_class_install_action (widget_class, "console.send-keys", "s", send_keys_action);
  gtk_widget_class_install_action (widget_class, "console.type-clipboard", NULL, type_clipboard_action);
  gtk_widget_class_install_action (widget_class, "console.screenshot", NULL, screenshot_action);
  gtk_widget_class_install_action (widget_class, "console.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "console.fit-window", NULL, fit_window_action);
  gtk_widget_class_install_action (widget_class, "console.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_property_action (widget_class, "console.scale", "scale");
  gtk_widget_class_install_property_action (widget_class, "console.share-clipboard", "share-clipboard");
  gtk_widget_class_install_property_action (widget_class, "console.console", "console");
  gtk_widget_class_install_property_action (widget_class, "console.audio", "audio");
}

static void
vireo_console_page_init (VireoConsolePage *self)
{
  g_autoptr(GMenu) vt = g_menu_new ();
  GtkEventController *motion;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->scale = g_strdup ("fit");
  self->console = g_strdup (GRAPHICS_CONSOLE);
  self->audio = TRUE;
  self->consoles_menu = g_menu_new ();
  self->text_consoles = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_text_console_free);
  gtk_menu_button_set_menu_model (self->consoles_button, G_MENU_MODEL (self->consoles_menu));
  g_queue_init (&self->typing);

  for (guint n = 1; n <= 12; n++)
    {
      /* GTK names the keys in the user's language ("Strg+Alt+F1"). */
      g_autofree char *label = gtk_accelerator_get_label (GDK_KEY_F1 + n - 1, GDK_CONTROL_MASK | GDK_ALT_MASK);
      g_autofree char *detailed = g_strdup_printf ("console.send-keys::ctrl-alt-f%u", n);

      g_menu_append (vt, label, detailed);
    }
  g_menu_append_submenu (self->send_key_vt_section, _("_Virtual Terminal"), G_MENU_MODEL (vt));
  {
    g_autofree char *delete = gtk_accelerator_get_label (GDK_KEY_Delete, GDK_CONTROL_MASK | GDK_ALT_MASK);
    g_autofree char *backspace = gtk_accelerator_get_label (GDK_KEY_BackSpace, GDK_CONTROL_MASK | GDK_ALT_MASK);

    g_menu_insert (self->send_key_combo_section, 0, delete, "console.send-keys::ctrl-alt-delete");
    g_menu_insert (self->send_key_combo_section, 1, backspace, "console.send-keys::ctrl-alt-backspace");
  }

  g_signal_connect_swapped (self->status_button, "clicked", G_CALLBACK (on_status_button), self);
  /* Devices come and go: listed afresh each time the menu opens. */
  g_signal_connect_swapped (self->usb_popover, "show", G_CALLBACK (rebuild_usb), self);
  g_signal_connect_swapped (self->display, "notify::grabbed", G_CALLBACK (on_grab_changed), self);
  g_signal_connect_swapped (self->display, "notify::guest-width", G_CALLBACK (update_hint), self);
  g_signal_connect_swapped (self->display, "notify::guest-height", G_CALLBACK (update_hint), self);
  gtk_scrolled_window_set_policy (self->scroller, GTK_POLICY_NEVER, GTK_POLICY_NEVER);
  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_pointer_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  show_status (self, "computer-symbolic", _("Not Running"), NULL, STATUS_NONE, FALSE);
  update_actions (self);
}

GtkWidget *
vireo_console_page_new (void)
{
  return g_object_new (VIREO_TYPE_CONSOLE_PAGE, NULL);
}
