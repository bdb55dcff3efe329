/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The VM window's Console view on the private libvirtd, under Xvfb: a TCG
 * guest whose VNC or SPICE display listens nowhere shows its screen
 * (SeaBIOS's text, drawn by VireoDisplay) through the daemon's socket, and
 * text typed from the clipboard through the view comes back on its serial
 * port; when the guest is destroyed the view says so and offers Run, and
 * Run brings the screen back. The Consoles menu switches to the serial
 * port and back; a machine without a display opens on its serial port,
 * says when another client holds it and takes it over when asked.
 */
#include "config.h"

#include <gdk/x11/gdkx.h>
#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <vte/vte.h>

#include "vireo-serial-console.h"
#include "vireo-spice-session.h"
#include "vireo-test-bootsector.h"
#include "vireo-secrets.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-worker.h"

#define GUEST "vireo-console-page"
#define DISPLAY_PASSWORD "s3cret"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

/* The key-echo ISO of vireo-test-bootsector.h; vnc or spice; its video. */
static const char guest_xml[] =
  "<domain type='qemu'>"
  "  <name>" GUEST "</name>"
  "  <memory unit='MiB'>96</memory>"
  "  <vcpu>1</vcpu>"
  "  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/></os>"
  "  <devices>"
  "    <disk type='file' device='cdrom'>"
  "      <source file='%s'/><target dev='hdc' bus='ide'/><readonly/>"
  "    </disk>"
  "    <serial type='pty'/>"
  "    <graphics type='%s'><listen type='none'/></graphics>"
  "    <video><model type='%s'/></video>"
  "    <input type='tablet' bus='usb'/>"
  "    <memballoon model='none'/>"
  "  </devices>"
  "</domain>";

/* The key-echo ISO with no display: its serial port is all it has. */
static const char headless_xml[] =
  "<domain type='qemu'>"
  "  <name>" GUEST "</name>"
  "  <memory unit='MiB'>96</memory>"
  "  <vcpu>1</vcpu>"
  "  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/></os>"
  "  <devices>"
  "    <disk type='file' device='cdrom'>"
  "      <source file='%s'/><target dev='hdc' bus='ide'/><readonly/>"
  "    </disk>"
  "    <serial type='pty'/>"
  "    <console type='pty'/>"
  "    <memballoon model='none'/>"
  "  </devices>"
  "</domain>";

/* A VNC display on the far side's loopback, for the SSH tunnel; and one
 * that listens nowhere, which no tunnel reaches. */
static const char remote_xml[] =
  "<domain type='qemu'>"
  "  <name>%s</name>"
  "  <memory unit='MiB'>64</memory>"
  "  <vcpu>1</vcpu>"
  "  <os><type arch='x86_64' machine='pc'>hvm</type></os>"
  "  <devices>"
  "    <graphics type='vnc' autoport='yes'>%s</graphics>"
  "    <video><model type='vga'/></video>"
  "    <memballoon model='none'/>"
  "  </devices>"
  "</domain>";

/* Displays with a password of their own, on the far side's loopback. */
static const char password_xml[] =
  "<domain type='qemu'>"
  "  <name>%s</name>"
  "  <memory unit='MiB'>64</memory>"
  "  <vcpu>1</vcpu>"
  "  <os><type arch='x86_64' machine='pc'>hvm</type></os>"
  "  <devices>"
  "    <graphics type='%s' autoport='yes' passwd='" DISPLAY_PASSWORD "'>"
  "      <listen type='address' address='127.0.0.1'/>"
  "    </graphics>"
  "    <video><model type='vga'/></video>"
  "    <memballoon model='none'/>"
  "  </devices>"
  "</domain>";

static gboolean
guest_listed (gpointer data)
{
  return vireo_test_find_domain (data, GUEST) != NULL;
}

static guint
lit_pixels (VireoConsolePage *page)
{
  VireoGraphicsSession *session = vireo_console_page_get_session (page);
  VireoFramebuffer *fb = session != NULL ? vireo_graphics_session_get_framebuffer (session) : NULL;
  const guint32 *pixels;
  gsize n;
  guint lit = 0;

  if (fb == NULL)
    return 0;
  pixels = (const guint32 *) vireo_framebuffer_get_data (fb);
  n = (gsize) vireo_framebuffer_get_width (fb) * vireo_framebuffer_get_height (fb);
  for (gsize i = 0; i < n; i++)
    if (pixels[i] & 0xffffff)
      lit++;
  return lit;
}

static gboolean
screen_shown (gpointer data)
{
  VireoConsolePage *page = data;

  return vireo_console_page_get_status_title (page) == NULL && lit_pixels (page) > 200;
}

static gboolean
not_running_shown (gpointer data)
{
  return g_strcmp0 (vireo_console_page_get_status_title (data), "Not Running") == 0;
}

static gboolean
terminal_shown (gpointer data)
{
  VireoConsolePage *page = data;
  GtkWidget *serial = vireo_test_find_named (GTK_WIDGET (page), "serial-console");

  return vireo_console_page_get_status_title (page) == NULL && serial != NULL &&
         gtk_widget_is_drawable (serial) &&
         vireo_serial_console_get_state (VIREO_SERIAL_CONSOLE (serial)) == VIREO_SERIAL_CONSOLE_CONNECTED;
}

static gboolean
terminal_says_banner (gpointer data)
{
  GtkWidget *serial = vireo_test_find_named (GTK_WIDGET (data), "serial-console");
  g_autofree char *text = NULL;

  if (serial == NULL)
    return FALSE;
  text = vte_terminal_get_text (vireo_serial_console_get_terminal (VIREO_SERIAL_CONSOLE (serial)), NULL, NULL, NULL);
  return text != NULL && strstr (text, VIREO_TEST_KEYS_BANNER) != NULL;
}

static gboolean
in_use_shown (gpointer data)
{
  return g_strcmp0 (vireo_console_page_get_status_title (data), "Console in Use") == 0;
}

static char *
console_state (VireoConsolePage *page)
{
  g_autofree char *console = NULL;

  g_object_get (page, "console", &console, NULL);
  return g_steal_pointer (&console);
}

/* The Consoles menu, as the page built it from the running machine. */
static char *
dup_menu_labels (VireoConsolePage *page)
{
  GtkMenuButton *button = GTK_MENU_BUTTON (vireo_test_find_named (GTK_WIDGET (page), "consoles"));
  GMenuModel *menu = gtk_menu_button_get_menu_model (button);
  GString *labels = g_string_new (NULL);

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autofree char *label = NULL;

          g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_LABEL, "s", &label);
          g_string_append_printf (labels, "%s%s", labels->len > 0 ? "|" : "", label);
        }
    }
  return g_string_free (labels, FALSE);
}

static void
xdotool_move (GtkWindow *window,
              int        x,
              int        y)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *id = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  g_autofree char *sx = g_strdup_printf ("%d", x);
  g_autofree char *sy = g_strdup_printf ("%d", y);
  const char *argv[] = { "xdotool", "mousemove", "--window", id, sx, sy, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

static gboolean
osd_shown (gpointer data)
{
  return gtk_revealer_get_reveal_child (GTK_REVEALER (vireo_test_find_named (data, "fullscreen-toolbar")));
}

static gboolean
osd_hidden (gpointer data)
{
  return !osd_shown (data);
}

/* Fullscreen: the screen takes the whole window and the toolbar slides in
 * from the top edge, shown at first so the way out is seen. Xvfb has no
 * window manager, so the window is made fullscreen before it is mapped
 * (GTK then sets the state itself). */
static void
check_fullscreen (VireoDomain *domain)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  VireoConsolePage *page = VIREO_CONSOLE_PAGE (vireo_console_page_new ());
  GtkWidget *osd;

  gtk_window_set_default_size (window, 800, 560);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_fullscreen (window);
  gtk_window_present (window);
  vireo_console_page_set_domain (page, domain);
  vireo_test_wait_for (screen_shown, page, 60, "the screen in a fullscreen window");
  g_assert_true (gtk_window_is_fullscreen (window));

  osd = vireo_test_find_named (GTK_WIDGET (page), "fullscreen-toolbar");
  g_assert_true (gtk_widget_is_ancestor (vireo_test_find_named (GTK_WIDGET (page), "send-key"), osd));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (vireo_test_find_named (GTK_WIDGET (page), "fullscreen")), ==,
                   "Leave Fullscreen");
  /* Shown for a moment, then out of the way; back when the pointer
   * touches the top edge, gone when it leaves. */
  xdotool_move (window, 400, 300);
  vireo_test_wait_for (osd_hidden, page, 10, "the fullscreen toolbar to slide away");
  xdotool_move (window, 400, 0);
  vireo_test_wait_for (osd_shown, page, 10, "the fullscreen toolbar at the top edge");
  xdotool_move (window, 400, 300);
  vireo_test_wait_for (osd_hidden, page, 10, "the fullscreen toolbar to go when the pointer leaves");

  gtk_window_destroy (window);
}

static void
test_console_page (gconstpointer data)
{
  const char *protocol = data;
  g_autofree char *dir = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "console-page", NULL);
  g_autofree char *iso = vireo_test_build_key_echo_iso (dir);
  g_autofree char *xml = g_strdup_printf (guest_xml, iso, protocol,
                                          g_str_equal (protocol, "spice") ? "qxl" : "vga");
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr dom;
  VireoDomain *domain;
  VireoConsolePage *page;
  GtkWindow *window;
  GtkWidget *button;
  g_autoptr(GdkTexture) texture = NULL;
  VireoTestSerial *serial;

  g_assert_nonnull (direct);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  serial = vireo_test_serial_open (direct, dom);
  vireo_test_wait_for (guest_listed, conn, 10, "the guest in the list");
  domain = vireo_test_find_domain (conn, GUEST);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 800, 560);
  page = VIREO_CONSOLE_PAGE (vireo_console_page_new ());
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  vireo_console_page_set_domain (page, domain);

  vireo_test_wait_for (screen_shown, page, 60, "SeaBIOS's text in the Console view");
  g_assert_cmpstr (vireo_graphics_session_get_protocol (vireo_console_page_get_session (page)), ==, protocol);
  texture = g_object_ref (vireo_display_get_texture (vireo_console_page_get_display (page)));
  g_assert_cmpint (gdk_texture_get_width (texture), >=, 640);

  /* SPICE brings sound (on by default, a toggle away) and a USB menu that
   * says why it cannot pass devices to this guest (it has no USB
   * redirection channel, or this computer cannot). VNC has neither. */
  {
    GtkWidget *sound = vireo_test_find_named (GTK_WIDGET (page), "sound");
    GtkWidget *usb = vireo_test_find_named (GTK_WIDGET (page), "usb");
    gboolean spice = g_str_equal (protocol, "spice");

    g_assert_cmpint (gtk_widget_get_visible (sound), ==, spice);
    g_assert_cmpint (gtk_widget_get_visible (usb), ==, spice);
    if (spice)
      {
        VireoSpiceSession *session = VIREO_SPICE_SESSION (vireo_console_page_get_session (page));
        GtkLabel *reason;

        g_assert_true (vireo_spice_session_get_audio (session));
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "console.audio", NULL));
        g_assert_false (vireo_spice_session_get_audio (session));
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "console.audio", NULL));
        g_assert_true (vireo_spice_session_get_audio (session));

        gtk_menu_button_popup (GTK_MENU_BUTTON (usb));
        reason = GTK_LABEL (vireo_test_find_named (usb, "usb-reason"));
        g_assert_nonnull (reason);
        g_test_message ("USB: %s", gtk_label_get_text (reason));
        g_assert_true (strstr (gtk_label_get_text (reason), "USB Redirector") != NULL ||
                       strstr (gtk_label_get_text (reason), "cannot pass USB devices") != NULL);
        gtk_menu_button_popdown (GTK_MENU_BUTTON (usb));
      }
  }

  /* Send Key names the keys as GTK does in the user's language. */
  {
    GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (vireo_test_find_named (GTK_WIDGET (page),
                                                                                               "send-key")));
    g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
    g_autofree char *label = NULL;
    g_autofree char *expected = gtk_accelerator_get_label (GDK_KEY_Delete, GDK_CONTROL_MASK | GDK_ALT_MASK);

    g_assert_true (g_menu_model_get_item_attribute (section, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));
    g_assert_cmpstr (label, ==, expected);
  }

  /* Keys reach the guest: Type Clipboard Text, as the menu does it, and
   * the boot code echoes what the BIOS read to the serial port. */
  vireo_test_serial_wait_for (serial, VIREO_TEST_KEYS_BANNER, 60);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (page)), "Vireo-42\n");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "console.type-clipboard", NULL));
  vireo_test_serial_wait_for (serial, "Vireo-42", 30);
  g_assert_cmpuint (vireo_graphics_session_get_n_keys_down (vireo_console_page_get_session (page)), ==, 0);

  /* The Consoles menu lists the display and the serial port once (its
   * <console> twin is the same pty); the serial port shows in a terminal
   * and the display comes back. */
  {
    g_autofree char *labels = dup_menu_labels (page);
    g_autofree char *expected = g_strdup_printf ("_Graphical Console (%s)|Serial Port 1",
                                                 g_str_equal (protocol, "spice") ? "SPICE" : "VNC");

    g_assert_cmpstr (labels, ==, expected);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "console.console", "s", "serial0"));
  /* The test's own reader holds the port (FORCE); the page says so. */
  vireo_test_wait_for (in_use_shown, page, 30, "\"Console in Use\" for the serial port");
  g_assert_null (vireo_console_page_get_session (page));
  g_signal_emit_by_name (vireo_test_find_named (GTK_WIDGET (page), "status-button"), "clicked");
  vireo_test_wait_for (terminal_shown, page, 30, "the serial port's terminal after Take Over");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "console.console", "s", "graphics"));
  g_assert_null (vireo_test_find_named (GTK_WIDGET (page), "serial-console"));
  vireo_test_wait_for (screen_shown, page, 60, "the screen again after the serial port");

  vireo_test_serial_close (serial);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  vireo_test_wait_for (not_running_shown, page, 30, "\"Not Running\" in the Console view");
  g_assert_null (vireo_console_page_get_session (page));

  /* Run, from the view itself. */
  button = vireo_test_find_named (GTK_WIDGET (page), "status-button");
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
  vireo_test_wait_for (screen_shown, page, 60, "the screen again after Run");

  gtk_window_destroy (window);
  if (g_str_equal (protocol, "vnc"))
    check_fullscreen (domain);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (direct);
}

static void
test_headless (void)
{
  g_autofree char *dir = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "console-page", NULL);
  g_autofree char *iso = vireo_test_build_key_echo_iso (dir);
  g_autofree char *xml = g_strdup_printf (headless_xml, iso);
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr dom;
  VireoDomain *domain;
  VireoConsolePage *page;
  GtkWindow *window;
  VireoTestSerial *serial;
  g_autofree char *console = NULL;
  g_autofree char *labels = NULL;

  g_assert_nonnull (direct);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  /* Another client on the port first, as virsh console would be. */
  serial = vireo_test_serial_open (direct, dom);
  vireo_test_serial_wait_for (serial, VIREO_TEST_KEYS_BANNER, 60);
  vireo_test_wait_for (guest_listed, conn, 10, "the guest in the list");
  domain = vireo_test_find_domain (conn, GUEST);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 800, 560);
  page = VIREO_CONSOLE_PAGE (vireo_console_page_new ());
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  vireo_console_page_set_domain (page, domain);

  /* No display: the page goes to the serial port, finds it held, and
   * offers to take it over rather than taking it. */
  vireo_test_wait_for (in_use_shown, page, 30, "\"Console in Use\" on a machine without a display");
  console = console_state (page);
  g_assert_cmpstr (console, ==, "serial0");
  labels = dup_menu_labels (page);
  g_assert_cmpstr (labels, ==, "Serial Port 1");
  g_assert_null (vireo_console_page_get_session (page));
  g_signal_emit_by_name (vireo_test_find_named (GTK_WIDGET (page), "status-button"), "clicked");
  vireo_test_wait_for (terminal_shown, page, 30, "the serial port's terminal after Take Over");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (vireo_test_find_named (GTK_WIDGET (page), "console-hint"))),
                            "Serial Port 1"));
  vireo_test_serial_close (serial);

  /* What the guest prints from boot on reaches the terminal. */
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  vireo_test_wait_for (not_running_shown, page, 30, "\"Not Running\" in the Console view");
  g_signal_emit_by_name (vireo_test_find_named (GTK_WIDGET (page), "status-button"), "clicked");
  vireo_test_wait_for (terminal_says_banner, page, 60, "the boot code's banner in the terminal");
  g_assert_null (vireo_console_page_get_status_title (page));

  gtk_window_destroy (window);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (direct);
}

typedef struct
{
  VireoConnection *conn;
  const char      *name;
} Lookup;

static gboolean
named_listed (gpointer data)
{
  Lookup *l = data;

  return vireo_test_find_domain (l->conn, l->name) != NULL;
}

static gboolean
status_is_not_available (gpointer data)
{
  return g_strcmp0 (vireo_console_page_get_status_title (data), "Console Not Available") == 0;
}

/* A machine on another host (qemu+ssh) shows its screen through the
 * connection's SSH transport; a display that listens nowhere says why it
 * cannot, at once and without retries. */
static void
test_remote (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (require_env ("VIREO_TEST_SSH_URI"), 0);
  virConnectPtr direct = virConnectOpen (uri);
  const char *names[] = { GUEST "-ssh", GUEST "-nowhere" };
  const char *listens[] = { "<listen type='address' address='127.0.0.1'/>", "<listen type='none'/>" };
  virDomainPtr doms[2];

  g_assert_nonnull (direct);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *xml = g_strdup_printf (remote_xml, names[i], listens[i]);

      doms[i] = virDomainDefineXML (direct, xml);
      g_assert_nonnull (doms[i]);
      g_assert_cmpint (virDomainCreate (doms[i]), ==, 0);
    }

  for (guint i = 0; i < 2; i++)
    {
      Lookup lookup = { conn, names[i] };
      GtkWindow *window = GTK_WINDOW (gtk_window_new ());
      VireoConsolePage *page = VIREO_CONSOLE_PAGE (vireo_console_page_new ());
      g_autofree char *description = NULL;

      vireo_test_wait_for (named_listed, &lookup, 10, "the guest in the remote list");
      gtk_window_set_default_size (window, 800, 560);
      gtk_window_set_child (window, GTK_WIDGET (page));
      gtk_window_present (window);
      vireo_console_page_set_domain (page, vireo_test_find_domain (conn, names[i]));
      if (i == 0)
        {
          vireo_test_wait_for (screen_shown, page, 60, "SeaBIOS's text over the SSH tunnel");
          g_assert_cmpstr (vireo_graphics_session_get_protocol (vireo_console_page_get_session (page)), ==, "vnc");
        }
      else
        {
          vireo_test_wait_for (status_is_not_available, page, 30, "\"Console Not Available\"");
          g_object_get (vireo_test_find_descendant (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE),
                        "description", &description, NULL);
          g_test_message ("listen none over ssh: %s", description);
          /* It says what to change, not merely that it failed. */
          g_assert_nonnull (description);
          g_assert_nonnull (strstr (description, "127.0.0.1"));
        }
      gtk_window_destroy (window);
    }

  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (virDomainDestroy (doms[i]), ==, 0);
      g_assert_cmpint (virDomainUndefine (doms[i]), ==, 0);
      virDomainFree (doms[i]);
    }
  virConnectClose (direct);
}

typedef struct
{
  VireoConsolePage *page;
  gboolean          asked;
} Watch;

static gboolean
shown_watching (gpointer data)
{
  Watch *w = data;

  if (g_strcmp0 (vireo_console_page_get_status_title (w->page), "Password Needed") == 0)
    w->asked = TRUE;
  return screen_shown (w->page);
}

static gboolean
status_is_password_needed (gpointer data)
{
  return g_strcmp0 (vireo_console_page_get_status_title (data), "Password Needed") == 0;
}

static gboolean
status_is_wrong_password (gpointer data)
{
  return g_strcmp0 (vireo_console_page_get_status_title (data), "Wrong Password") == 0;
}

typedef struct
{
  const char *uri;
  const char *uuid;
  const char *type;
  char       *found;
  gboolean    done;
} KeyringLook;

static gpointer
keyring_look_thread (gpointer data)
{
  KeyringLook *look = data;
  g_autofree char *prompt = vireo_secrets_console_prompt (look->uuid, look->type);

  look->found = vireo_secrets_lookup (look->uri, prompt, NULL);
  g_atomic_int_set (&look->done, TRUE);
  return NULL;
}

/* The keyring answers on D-Bus: off the main thread, as in Vireo. */
static char *
keyring_password (const char *uri,
                  const char *uuid,
                  const char *type)
{
  KeyringLook look = { uri, uuid, type, NULL, FALSE };
  GThread *thread = g_thread_new ("keyring", keyring_look_thread, &look);

  while (!g_atomic_int_get (&look.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  return look.found;
}

static gboolean
keyring_has_password (gpointer data)
{
  const char **key = data;
  g_autofree char *found = keyring_password (key[0], key[1], key[2]);

  return g_strcmp0 (found, DISPLAY_PASSWORD) == 0;
}

static GtkWindow *
open_page (VireoDomain       *domain,
           VireoConsolePage **page)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  *page = VIREO_CONSOLE_PAGE (vireo_console_page_new ());
  gtk_window_set_default_size (window, 800, 560);
  gtk_window_set_child (window, GTK_WIDGET (*page));
  gtk_window_present (window);
  vireo_console_page_set_domain (*page, domain);
  return window;
}

/* A remote display with a password of its own: Vireo asks (keyring
 * first), says when the password is wrong without losing what was typed,
 * keeps a working one in the keyring when asked to, and the next console
 * gets in with it without asking. VNC and SPICE. */
static void
test_remote_password (gconstpointer data)
{
  const char *type = data;
  const char *uri = require_env ("VIREO_TEST_URI");
  const char *ssh_uri = require_env ("VIREO_TEST_SSH_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (ssh_uri, 0);
  virConnectPtr direct = virConnectOpen (uri);
  g_autofree char *name = g_strdup_printf (GUEST "-pw-%s", type);
  g_autofree char *xml = g_strdup_printf (password_xml, name, type);
  Lookup lookup = { conn, name };
  VireoConsolePage *page;
  VireoDomain *domain;
  GtkWindow *window;
  GtkWidget *entry, *remember;
  virDomainPtr dom;
  Watch watch = { NULL, FALSE };
  const char *key[3];

  g_assert_nonnull (direct);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  vireo_test_wait_for (named_listed, &lookup, 10, "the guest in the remote list");
  domain = vireo_test_find_domain (conn, name);
  key[0] = vireo_connection_get_uri (conn);
  key[1] = vireo_domain_get_uuid (domain);
  key[2] = type;

  /* Nothing in the keyring: the user is asked. */
  window = open_page (domain, &page);
  vireo_test_wait_for (status_is_password_needed, page, 60, "\"Password Needed\"");
  entry = vireo_test_find_named (GTK_WIDGET (page), "password-entry");
  remember = vireo_test_find_named (GTK_WIDGET (page), "remember-check");
  g_assert_true (gtk_widget_is_visible (entry));
  /* Typing goes straight into it. */
  g_assert_nonnull (gtk_window_get_focus (window));
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (window), entry));
  /* A keyring answers here, so "Remember" is offered, and on. */
  g_assert_true (gtk_widget_is_visible (remember));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (remember)));

  /* Empty: nothing is tried, the page says what to do. */
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (status_is_password_needed (page));

  /* Wrong: said so, and the typing stays. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "wrong");
  g_signal_emit_by_name (entry, "activate");
  vireo_test_wait_for (status_is_wrong_password, page, 60, "\"Wrong Password\"");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "wrong");

  /* Right, through the Connect button. */
  gtk_editable_set_text (GTK_EDITABLE (entry), DISPLAY_PASSWORD);
  gtk_widget_activate (vireo_test_find_named (GTK_WIDGET (page), "status-button"));
  vireo_test_wait_for (screen_shown, page, 60, "the screen after the password");
  g_assert_cmpstr (vireo_graphics_session_get_protocol (vireo_console_page_get_session (page)), ==, type);
  /* Out of the entry once it worked. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  vireo_test_wait_for (keyring_has_password, key, 20, "the password in the keyring");
  gtk_window_destroy (window);

  /* A new console: in with the keyring's password, never asking. */
  window = open_page (domain, &page);
  watch.page = page;
  vireo_test_wait_for (shown_watching, &watch, 60, "the screen with the keyring's password");
  g_assert_false (watch.asked);
  gtk_window_destroy (window);

  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (direct);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();
  vireo_ui_init ();

  g_test_add_data_func ("/console-integration/console-page/vnc", "vnc", test_console_page);
  g_test_add_data_func ("/console-integration/console-page/spice", "spice", test_console_page);
  g_test_add_func ("/console-integration/console-page/headless", test_headless);
  g_test_add_func ("/console-integration/console-page/remote", test_remote);
  g_test_add_data_func ("/console-integration/console-page/remote-password/vnc", "vnc", test_remote_password);
  g_test_add_data_func ("/console-integration/console-page/remote-password/spice", "spice", test_remote_password);

  {
    int ret = g_test_run ();

    g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
    return ret;
  }
}
