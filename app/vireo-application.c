/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-application"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-application.h"
#include "vireo-perf.h"
#include "vireo-ssh-askpass.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

struct _VireoApplication
{
  AdwApplication          parent_instance;

  /* Owned */
  VireoConnectionManager *manager;
  GSettings              *settings;
  guint                   started : 1;
  guint                   explicit_uris : 1;
};

G_DEFINE_FINAL_TYPE (VireoApplication, vireo_application, ADW_TYPE_APPLICATION)

/* The demo node ships in data/; an uninstalled build finds it in the source
 * tree so that `./vireo-dev run` works before `meson install`. */
static char *
find_demo_node (void)
{
  const char *candidates[] = {
    g_getenv ("VIREO_DEMO_NODE"),
    VIREO_DATADIR "/vireo-demo.xml",
    VIREO_SOURCE_DATADIR "/vireo-demo.xml",
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] != NULL && g_file_test (candidates[i], G_FILE_TEST_IS_REGULAR))
      {
        g_autofree char *abs = g_canonicalize_filename (candidates[i], NULL);
        return g_strconcat ("test://", abs, NULL);
      }

  return NULL;
}

static void
open_default_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VireoConnection) conn = NULL;
  g_autoptr(GError) error = NULL;

  conn = vireo_connection_manager_open_default_finish (VIREO_CONNECTION_MANAGER (object), result, &error);
  if (conn == NULL)
    g_warning ("No connection could be opened: %s", error->message);
}

static void
open_uri_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The window shows the failure on the connection's own page. */
  if (!vireo_connection_open_finish (VIREO_CONNECTION (object), result, &error))
    g_message ("%s: %s", vireo_connection_get_uri (VIREO_CONNECTION (object)), error->message);
}

static void
open_uris (VireoApplication    *self,
           const char * const  *uris)
{
  for (guint i = 0; uris[i] != NULL; i++)
    {
      VireoConnection *conn = vireo_connection_manager_add (self->manager, uris[i]);

      /* A saved connection named again on the command line is opened too. */
      if (vireo_connection_get_state (conn) == VIREO_CONNECTION_STATE_DISCONNECTED)
        vireo_connection_open_async (conn, NULL, open_uri_cb, NULL);
    }
}

static void
open_startup_connections (VireoApplication *self)
{
  g_autoptr(GListModel) connections = vireo_connection_manager_list_connections (self->manager);
  g_autofree char *demo = NULL;
  /* What a local desktop normally has: the system daemon if its socket
   * answers, else the per-user session daemon (libvirt starts it on demand). */
  static const char * const defaults[] = { "qemu:///system", "qemu:///session", NULL };

  vireo_connection_manager_open_autoconnect (self->manager);

  /* Detect the local hypervisor only when the user has nothing saved and
   * named nothing on the command line. */
  if (g_list_model_get_n_items (connections) > 0 || self->explicit_uris)
    return;

  demo = find_demo_node ();
  vireo_connection_manager_open_default_async (self->manager, defaults, demo, NULL,
                                               open_default_cb, self);
}

static void
on_window_mapped (GtkWidget *window)
{
  vireo_perf_mark ("window-shown", NULL);
}

static void
vireo_application_activate (GApplication *app)
{
  VireoApplication *self = VIREO_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (vireo_window_new (GTK_APPLICATION (app), self->manager));
      if (vireo_perf_enabled ())
        g_signal_connect (window, "map", G_CALLBACK (on_window_mapped), NULL);
    }

  if (!self->started)
    {
      self->started = TRUE;
      open_startup_connections (self);
    }

  gtk_window_present (window);
}

static int
vireo_application_command_line (GApplication            *app,
                                GApplicationCommandLine *cmdline)
{
  VireoApplication *self = VIREO_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autofree const char **uris = NULL;

  if (g_variant_dict_lookup (options, "connect", "^a&s", &uris) && uris != NULL)
    {
      /* Explicit URIs replace the automatic choice. */
      self->explicit_uris = TRUE;
      open_uris (self, uris);
    }

  g_application_activate (app);

  if (g_variant_dict_contains (options, "all-connections"))
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

      if (VIREO_IS_WINDOW (window))
        vireo_window_show_all_connections (VIREO_WINDOW (window));
    }
  return EXIT_SUCCESS;
}

static int
vireo_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("vireo %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  return -1;
}

static void
on_stats_interval_changed (VireoApplication *self)
{
  vireo_connection_manager_set_stats_interval (self->manager,
                                               g_settings_get_uint (self->settings, "stats-interval"));
}

/* OpenSSH runs without a terminal under libvirt: without the helper its
 * password and host-key questions would fail the connection unseen. */
static void
start_ssh_askpass (void)
{
  g_autofree char *helper = vireo_ssh_askpass_find_helper ();
  g_autoptr(GError) error = NULL;

  if (helper == NULL)
    {
      g_message ("vireo-askpass not found: qemu+ssh connections can use keys and agents only");
      return;
    }
  /* VIREO_SSH: the ssh program to run, for a wrapper of the user's own. */
  if (!vireo_ssh_askpass_init (helper, g_getenv ("VIREO_SSH"), &error))
    g_message ("SSH password prompts are unavailable: %s", error->message);
}

static void
vireo_application_startup (GApplication *app)
{
  VireoApplication *self = VIREO_APPLICATION (app);

  G_APPLICATION_CLASS (vireo_application_parent_class)->startup (app);

  vireo_virt_init ();
  vireo_ui_init ();
  vireo_perf_start_stall_probe ();
  start_ssh_askpass ();

  self->settings = g_settings_new (APP_ID);
  self->manager = vireo_connection_manager_new ();
  vireo_connection_manager_bind_settings (self->manager, self->settings, "connections");
  g_signal_connect_object (self->settings, "changed::stats-interval",
                           G_CALLBACK (on_stats_interval_changed), self, G_CONNECT_SWAPPED);
  on_stats_interval_changed (self);
}

static void
vireo_application_shutdown (GApplication *app)
{
  VireoApplication *self = VIREO_APPLICATION (app);

  g_clear_object (&self->manager);
  g_clear_object (&self->settings);
  vireo_ssh_askpass_shutdown ();

  /* Let the workers close their connections cleanly, but never let a dead
   * host hold up quitting for more than two seconds. */
  if (!vireo_worker_wait_all (2 * G_USEC_PER_SEC))
    g_message ("Some connections were still closing at exit");

  G_APPLICATION_CLASS (vireo_application_parent_class)->shutdown (app);
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer      user_data)
{
  GtkApplication *app = user_data;
  const char *developers[] = { "The Vireo developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Vireo"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Manage virtual machines, networks and storage through libvirt"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer      user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_action },
  { .name = "quit", .activate = quit_action },
};

static void
vireo_application_class_init (VireoApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = vireo_application_activate;
  app_class->command_line = vireo_application_command_line;
  app_class->handle_local_options = vireo_application_handle_local_options;
  app_class->startup = vireo_application_startup;
  app_class->shutdown = vireo_application_shutdown;
}

static void
vireo_application_init (VireoApplication *self)
{
  static const GOptionEntry entries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      N_("Connect to a libvirt URI (may be given more than once)"), N_("URI") },
    { "all-connections", 'a', 0, G_OPTION_ARG_NONE, NULL,
      N_("Start in the All Connections view"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };
  const char *quit_accels[] = { "<Primary>q", NULL };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

VireoApplication *
vireo_application_new (void)
{
  GApplicationFlags flags = G_APPLICATION_HANDLES_COMMAND_LINE;

  /* Tests and benchmarks run several instances side by side. */
  if (g_getenv ("VIREO_NON_UNIQUE") != NULL)
    flags |= G_APPLICATION_NON_UNIQUE;

  return g_object_new (VIREO_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags,
                       "resource-base-path", "/org/vireo/Vireo",
                       NULL);
}
