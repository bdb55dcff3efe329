/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VireoSerialConsole on libvirt's test driver, which has no consoles: the
 * states a window draws from (connecting, then disconnected with a reason
 * in plain words), a disconnect that wins over a late answer, and copy
 * from what the terminal shows. A real guest's console is in
 * tests/integration/test-serial-console-integration.c.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-serial-console.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define ALPHA_UUID "11111111-1111-4111-8111-111111111111"

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-node.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  return g_strconcat ("test://", abs, NULL);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static gboolean
not_connecting (gpointer data)
{
  return vireo_serial_console_get_state (data) != VIREO_SERIAL_CONSOLE_CONNECTING;
}

/* Whether @name is enabled, as a menu item or button for it would show:
 * a button inside the console follows it. */
static gboolean
enabled (GtkWidget  *console,
         const char *name)
{
  GtkWidget *button = gtk_button_new ();
  gboolean sensitive;

  gtk_widget_set_parent (button, console);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), name);
  sensitive = gtk_widget_get_sensitive (button);
  gtk_widget_unparent (button);
  return sensitive;
}

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

static gboolean
shows_hello (gpointer data)
{
  g_autofree char *text = vte_terminal_get_text (data, NULL, NULL, NULL);

  return text != NULL && strstr (text, "ttyS0 says hello") != NULL;
}

static gboolean
has_selection (gpointer data)
{
  return vte_terminal_get_has_selection (data);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
menu_has (GMenuModel *model,
          const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *name = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        return TRUE;
    }
  return FALSE;
}

static void
test_unsupported_and_copy (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *alpha = vireo_connection_find_domain (conn, ALPHA_UUID);
  VireoSerialConsole *console = vireo_serial_console_new (alpha, NULL);
  GtkWidget *window = gtk_window_new ();
  VteTerminal *terminal = vireo_serial_console_get_terminal (console);
  g_autofree char *copied = NULL;
  gpointer weak = console;
  guint state_changes = 0;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (console));
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (console, "notify::state", G_CALLBACK (count_notify), &state_changes);

  g_assert_true (vireo_serial_console_get_domain (console) == alpha);
  g_assert_null (vireo_serial_console_get_dev_name (console));
  g_assert_cmpint (vireo_serial_console_get_state (console), ==, VIREO_SERIAL_CONSOLE_DISCONNECTED);
  g_assert_null (vireo_serial_console_get_error (console));
  g_assert_false (vte_terminal_get_input_enabled (terminal));
  /* Nothing to paste into, nothing selected to copy. */
  g_assert_false (enabled (GTK_WIDGET (console), "serial.paste"));
  g_assert_false (enabled (GTK_WIDGET (console), "serial.copy"));

  vireo_serial_console_connect (console);
  g_assert_cmpint (vireo_serial_console_get_state (console), ==, VIREO_SERIAL_CONSOLE_CONNECTING);
  /* Connecting twice is one attempt. */
  vireo_serial_console_connect (console);
  vireo_test_wait_for (not_connecting, console, 10, "the console's answer");
  g_assert_cmpint (vireo_serial_console_get_state (console), ==, VIREO_SERIAL_CONSOLE_DISCONNECTED);
  g_assert_cmpuint (state_changes, ==, 2);
  g_assert_true (g_str_has_prefix (vireo_serial_console_get_error (console), "Could not connect to the console: "));
  g_assert_nonnull (strstr (vireo_serial_console_get_error (console), "virDomainOpenConsole"));
  g_assert_false (vireo_serial_console_get_busy (console));
  g_assert_false (vte_terminal_get_input_enabled (terminal));

  /* A disconnect while connecting wins: the late refusal changes nothing. */
  vireo_serial_console_connect (console);
  vireo_serial_console_disconnect (console);
  g_assert_cmpint (vireo_serial_console_get_state (console), ==, VIREO_SERIAL_CONSOLE_DISCONNECTED);
  g_assert_null (vireo_serial_console_get_error (console));
  state_changes = 0;
  for (int i = 0; i < 200; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (state_changes, ==, 0);
  g_assert_null (vireo_serial_console_get_error (console));

  /* Copy takes what the terminal shows. */
  vte_terminal_feed (terminal, "ttyS0 says hello\r\n", -1);
  vireo_test_wait_for (shows_hello, terminal, 10, "the text in the terminal");
  vte_terminal_select_all (terminal);
  vireo_test_wait_for (has_selection, terminal, 10, "the selection");
  g_assert_true (enabled (GTK_WIDGET (console), "serial.copy"));
  gtk_widget_activate_action (GTK_WIDGET (console), "serial.copy", NULL);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (console)), NULL,
                                 on_clipboard_text, &copied);
  vireo_test_wait_for (is_set, &copied, 10, "the clipboard's text");
  g_assert_nonnull (strstr (copied, "ttyS0 says hello"));

  /* The context menu: Copy and Paste, on the console's actions. */
  {
    GtkWidget *menu = NULL;

    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (console));
         child != NULL; child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_POPOVER_MENU (child))
        menu = child;
    g_assert_nonnull (menu);
    gtk_popover_popup (GTK_POPOVER (menu));
    vireo_test_wait_for (is_mapped, menu, 10, "the context menu");
    g_assert_true (menu_has (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu)), "serial.copy"));
    g_assert_true (menu_has (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu)), "serial.paste"));
    gtk_popover_popdown (GTK_POPOVER (menu));
  }

  g_object_add_weak_pointer (G_OBJECT (console), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  for (int i = 0; weak != NULL && i < 2000; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak);
}

/* Ctrl+Shift+C and V reach the actions before the terminal sees the keys
 * (it would send them to the guest): a capture-phase shortcut each. */
static void
test_shortcuts (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoSerialConsole *console = g_object_ref_sink (vireo_serial_console_new (
    vireo_connection_find_domain (conn, ALPHA_UUID), "serial0"));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (console));
  const char *want[][2] = { { "<Control><Shift>c", "serial.copy" }, { "<Control><Shift>v", "serial.paste" } };
  guint found = 0;

  g_assert_cmpstr (vireo_serial_console_get_dev_name (console), ==, "serial0");
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (!GTK_IS_NAMED_ACTION (action))
            continue;
          for (guint k = 0; k < G_N_ELEMENTS (want); k++)
            {
              g_autoptr(GtkShortcutTrigger) expected = gtk_shortcut_trigger_parse_string (want[k][0]);

              if (g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), want[k][1]))
                {
                  g_assert_true (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), expected));
                  g_assert_cmpint (gtk_event_controller_get_propagation_phase (controller), ==, GTK_PHASE_CAPTURE);
                  found++;
                }
            }
        }
    }
  g_assert_cmpuint (found, ==, 2);
  g_object_unref (console);
}

/* How light the terminal's background is, as drawn: 0 black, 1 white. */
static double
background_lightness (VteTerminal *terminal)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (terminal));
  int width = gtk_widget_get_width (GTK_WIDGET (terminal));
  int height = gtk_widget_get_height (GTK_WIDGET (terminal));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guchar *pixels = NULL;
  const guchar *p;

  g_assert_cmpint (width, >, 20);
  g_assert_cmpint (height, >, 20);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  if (node == NULL)
    return -1;   /* nothing drawn at all */
  gsk_renderer_realize (renderer, NULL, &error);
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, width * 4);
  /* Bottom right: below and beside any text. Cairo's order is BGRA. */
  p = pixels + ((gsize) (height - 5) * width + (width - 5)) * 4;
  return (p[0] + p[1] + p[2]) / (3.0 * 255.0);
}

static gboolean
is_drawn (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 20;
}

typedef struct
{
  VteTerminal *terminal;
  gboolean     dark;
} Shade;

static gboolean
shade_is (gpointer data)
{
  Shade *shade = data;
  double lightness = background_lightness (shade->terminal);

  return shade->dark ? lightness >= 0 && lightness < 0.3 : lightness > 0.7;
}

/* The terminal takes the theme's colours, and changes with it. */
static void
test_follows_dark_style (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoSerialConsole *console = vireo_serial_console_new (vireo_connection_find_domain (conn, ALPHA_UUID), NULL);
  VteTerminal *terminal = vireo_serial_console_get_terminal (console);
  GtkSettings *settings = gtk_settings_get_default ();
  GtkWidget *window = gtk_window_new ();
  Shade shade = { terminal, FALSE };

  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (console));
  gtk_window_present (GTK_WINDOW (window));
  vireo_test_wait_for (is_drawn, terminal, 10, "the terminal on screen");
  vireo_test_wait_for (shade_is, &shade, 10, "a light background");

  g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, NULL);
  shade.dark = TRUE;
  vireo_test_wait_for (shade_is, &shade, 10, "a dark background");

  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  shade.dark = FALSE;
  vireo_test_wait_for (shade_is, &shade, 10, "a light background again");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

  g_test_add_func ("/serial-console/unsupported-and-copy", test_unsupported_and_copy);
  g_test_add_func ("/serial-console/shortcuts", test_shortcuts);
  g_test_add_func ("/serial-console/follows-dark-style", test_follows_dark_style);

  {
    int ret = g_test_run ();

    g_assert_true (vireo_worker_wait_all (10 * G_USEC_PER_SEC));
    /* What the threads handed back to the main thread last. */
    while (g_main_context_iteration (NULL, FALSE))
      ;
    return ret;
  }
}
