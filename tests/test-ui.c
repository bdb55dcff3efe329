/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "vireo-auth-dialog.h"
#include "vireo-auth-request-private.h"
#include "vireo-disk.h"
#include "vireo-page-util.h"
#include "vireo-test-ui.h"
#include "vireo-test-util.h"
#include "vireo-worker.h"
#include "vireo-ui.h"
#include "vireo-virt.h"

typedef struct
{
  VireoConnectionManager *manager;
  VireoConnection        *connection;
  VireoWindow            *window;
  GSettings              *settings;
} Fixture;

static gboolean
page_is_list (gpointer data)
{
  return g_strcmp0 (vireo_window_get_visible_page (data), "list") == 0;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-node.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_strconcat ("test://", abs, NULL);

  f->settings = g_settings_new (APP_ID);
  g_settings_set_boolean (f->settings, "hide-inactive", FALSE);
  f->manager = vireo_connection_manager_new ();
  vireo_connection_manager_set_stats_interval (f->manager, 0);
  f->connection = vireo_connection_manager_add (f->manager, uri);
  vireo_connection_open_async (f->connection, NULL, NULL, NULL);

  f->window = VIREO_WINDOW (vireo_window_new (NULL, f->manager));
  gtk_window_present (GTK_WINDOW (f->window));
  vireo_test_wait_for (page_is_list, f->window, 10, "the machine list");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  vireo_connection_close (f->connection);
  g_clear_object (&f->manager);
  g_clear_object (&f->settings);
}

static guint
position_of (Fixture    *f,
             const char *name)
{
  GListModel *model = G_LIST_MODEL (vireo_window_get_selection (f->window));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VireoDomain) d = g_list_model_get_item (model, i);
      if (g_str_equal (vireo_domain_get_name (d), name))
        return i;
    }
  g_error ("%s is not listed", name);
}

static void
select_names (Fixture           *f,
              const char * const *names)
{
  GtkSelectionModel *sel = vireo_window_get_selection (f->window);

  gtk_selection_model_unselect_all (sel);
  for (guint i = 0; names[i] != NULL; i++)
    gtk_selection_model_select_item (sel, position_of (f, names[i]), FALSE);
}

typedef struct
{
  VireoConnection  *conn;
  const char       *names[4];
  VireoDomainState  want;
} AllInState;

static gboolean
all_in_state (gpointer data)
{
  AllInState *w = data;
  g_autoptr(GListModel) list = vireo_connection_list_domains (w->conn);

  for (guint i = 0; w->names[i] != NULL; i++)
    for (guint j = 0; j < g_list_model_get_n_items (list); j++)
      {
        g_autoptr(VireoDomain) d = g_list_model_get_item (list, j);
        if (g_str_equal (vireo_domain_get_name (d), w->names[i]) &&
            vireo_domain_get_state (d) != w->want)
          return FALSE;
      }
  return TRUE;
}

static gboolean
has_toplevel (gpointer data)
{
  return vireo_test_find_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
no_vm_window (gpointer data)
{
  return vireo_test_find_toplevel (VIREO_TYPE_VM_WINDOW) == NULL;
}

static void
test_lists_machines (Fixture       *f,
                     gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (vireo_window_get_selection (f->window));

  g_assert_true (vireo_window_get_connection (f->window) == f->connection);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  /* Sorted by name by default. */
  g_assert_cmpuint (position_of (f, "alpha"), ==, 0);
  g_assert_cmpuint (position_of (f, "gamma"), ==, 2);
}

static void
test_host_details_opens (Fixture       *f,
                         gconstpointer  data)
{
  GtkWidget *host_window;

  /* Ctrl+I / "Host Details" in the sidebar menu: the shown connection's. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "conn.details", NULL));
  vireo_test_wait_for (has_toplevel, GSIZE_TO_POINTER (VIREO_TYPE_HOST_WINDOW), 5, "the host window");
  host_window = vireo_test_find_toplevel (VIREO_TYPE_HOST_WINDOW);
  g_assert_true (vireo_host_window_get_connection (VIREO_HOST_WINDOW (host_window)) == f->connection);
  gtk_window_destroy (GTK_WINDOW (host_window));

  /* Nothing to show in "All Connections". */
  vireo_window_show_all_connections (f->window);
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (f->window), "conn.details", NULL)
                  && vireo_test_find_toplevel (VIREO_TYPE_HOST_WINDOW) != NULL);
}

static void
test_multi_select_actions (Fixture       *f,
                           gconstpointer  data)
{
  AllInState w = { f->connection, { "alpha", "beta", NULL } };
  GtkWidget *dialog;

  select_names (f, (const char *[]) { "beta", NULL });
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.start", NULL));
  w.names[0] = "beta";
  w.names[1] = NULL;
  w.want = VIREO_DOMAIN_STATE_RUNNING;
  vireo_test_wait_for (all_in_state, &w, 5, "beta running");

  /* One click, two machines. */
  select_names (f, (const char *[]) { "alpha", "beta", NULL });
  w.names[0] = "alpha";
  w.names[1] = "beta";
  gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.pause", NULL);
  w.want = VIREO_DOMAIN_STATE_PAUSED;
  vireo_test_wait_for (all_in_state, &w, 5, "alpha and beta paused");

  /* Force Off asks first; nothing happens until the user agrees. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.force-off", NULL);
  vireo_test_wait_for (has_toplevel, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5, "the confirmation");
  dialog = vireo_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), "2 Machines"));
  g_assert_true (all_in_state (&w));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "off");
  gtk_window_destroy (GTK_WINDOW (dialog));
  w.want = VIREO_DOMAIN_STATE_SHUTOFF;
  vireo_test_wait_for (all_in_state, &w, 5, "alpha and beta off");
}

static gboolean
list_has (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  guint want = GPOINTER_TO_UINT (((gpointer *) data)[1]);
  return g_list_model_get_n_items (G_LIST_MODEL (vireo_window_get_selection (f->window))) == want;
}

static void
test_hide_inactive_follows_state (Fixture       *f,
                                  gconstpointer  data)
{
  gpointer wait[2] = { f, GUINT_TO_POINTER (1) };
  AllInState w = { f->connection, { "gamma", NULL }, VIREO_DOMAIN_STATE_RUNNING };

  g_settings_set_boolean (f->settings, "hide-inactive", TRUE);
  vireo_test_wait_for (list_has, wait, 5, "only alpha listed");
  g_assert_cmpstr (vireo_window_get_visible_page (f->window), ==, "list");

  /* A machine that starts shows up without any refresh by the user. */
  select_names (f, (const char *[]) { NULL });
  {
    g_autoptr(VireoDomain) gamma = NULL;
    g_autoptr(GListModel) all = vireo_connection_list_domains (f->connection);
    for (guint i = 0; i < g_list_model_get_n_items (all); i++)
      {
        g_autoptr(VireoDomain) d = g_list_model_get_item (all, i);
        if (g_str_equal (vireo_domain_get_name (d), "gamma"))
          gamma = g_object_ref (d);
      }
    vireo_domain_action_async (gamma, VIREO_DOMAIN_ACTION_START, NULL, NULL, NULL);
  }
  vireo_test_wait_for (all_in_state, &w, 5, "gamma running");
  wait[1] = GUINT_TO_POINTER (2);
  vireo_test_wait_for (list_has, wait, 5, "gamma to appear");

  g_settings_set_boolean (f->settings, "hide-inactive", FALSE);
  wait[1] = GUINT_TO_POINTER (3);
  vireo_test_wait_for (list_has, wait, 5, "all three listed");

  /* A search that matches nothing says so instead of an empty table. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "list.find", NULL);
  gtk_editable_set_text (GTK_EDITABLE (gtk_window_get_focus (GTK_WINDOW (f->window))), "zzz");
  wait[1] = GUINT_TO_POINTER (0);
  vireo_test_wait_for (list_has, wait, 5, "nothing to match");
  g_assert_cmpstr (vireo_window_get_visible_page (f->window), ==, "no-match");
}

static void
test_delete_asks_per_disk (Fixture       *f,
                           gconstpointer  data)
{
  gpointer wait[2] = { f, GUINT_TO_POINTER (2) };
  GtkWidget *dialog;
  GPtrArray *plans;

  select_names (f, (const char *[]) { "beta", NULL });
  gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.delete", NULL);
  vireo_test_wait_for (has_toplevel, GSIZE_TO_POINTER (VIREO_TYPE_DELETE_DIALOG), 5, "the delete dialog");
  dialog = vireo_test_find_toplevel (VIREO_TYPE_DELETE_DIALOG);

  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Delete “beta”?");
  plans = vireo_delete_dialog_get_plans (VIREO_DELETE_DIALOG (dialog));
  g_assert_cmpuint (plans->len, ==, 1);
  g_assert_cmpuint (vireo_delete_plan_get_n_disks (g_ptr_array_index (plans, 0)), ==, 4);

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  gtk_window_destroy (GTK_WINDOW (dialog));
  vireo_test_wait_for (list_has, wait, 5, "beta to be deleted");
}

static void
test_context_menu (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *popover;
  AllInState w = { f->connection, { "beta", NULL }, VIREO_DOMAIN_STATE_RUNNING };

  select_names (f, (const char *[]) { "beta", NULL });
  popover = vireo_window_popup_context_menu (f->window, NULL, 10, 10);
  g_assert_true (GTK_IS_POPOVER_MENU (popover));
  g_assert_true (gtk_widget_get_visible (popover));

  /* The menu's items are the window's actions: Run works from it. */
  g_assert_true (gtk_widget_activate_action (popover, "vm.start", NULL));
  vireo_test_wait_for (all_in_state, &w, 5, "beta running from the menu");
  gtk_popover_popdown (GTK_POPOVER (popover));
}

static void
count_frame (GdkFrameClock *clock,
             guint         *frames)
{
  (*frames)++;
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

/* Nothing changes (statistics are off), so nothing may be drawn: anything
 * animating out of sight keeps the frame clock running and burns CPU. */
static void
test_idle_window_draws_nothing (Fixture       *f,
                                gconstpointer  data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));
  guint frames = 0;
  gint64 until;
  gulong id;

  g_assert_nonnull (clock);
  until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  vireo_test_wait_for (time_passed, &until, 5, "the window to settle");

  id = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame), &frames);
  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  vireo_test_wait_for (time_passed, &until, 5, "a second of idleness");
  g_signal_handler_disconnect (clock, id);

  g_assert_cmpuint (frames, ==, 0);
}

/* A failure reaches the user as one dialog naming the machine, with
 * libvirt's reason. The machine is stopped behind Vireo's back and the
 * action fired before that event is processed, so libvirt refuses it. */
static void
test_failure_is_explained (void)
{
  g_autoptr(VireoConnectionManager) manager = vireo_connection_manager_new ();
  VireoConnection *conn;
  VireoWindow *window;
  virConnectPtr outside = virConnectOpen ("test:///default");
  virDomainPtr dom = virDomainLookupByName (outside, "test");
  GtkWidget *dialog;
  Fixture f = { 0 };

  vireo_connection_manager_set_stats_interval (manager, 0);
  conn = vireo_connection_manager_add (manager, "test:///default");
  vireo_connection_open_async (conn, NULL, NULL, NULL);
  window = VIREO_WINDOW (vireo_window_new (NULL, manager));
  gtk_window_present (GTK_WINDOW (window));
  vireo_test_wait_for (page_is_list, window, 10, "the machine list");

  f.window = window;
  select_names (&f, (const char *[]) { "test", NULL });
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "vm.pause", NULL));

  vireo_test_wait_for (has_toplevel, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10, "the error dialog");
  dialog = vireo_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Could Not Pause “test”");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "not running"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Put the shared default node back for other tests. */
  virDomainCreate (dom);
  virDomainFree (dom);
  virConnectClose (outside);
  gtk_window_destroy (GTK_WINDOW (window));
  vireo_connection_close (conn);
}

static void
test_add_connection_dialog (Fixture       *f,
                            gconstpointer  data)
{
  VireoAddConnectionDialog *dialog = VIREO_ADD_CONNECTION_DIALOG (vireo_window_show_add_connection (f->window));
  g_autoptr(GListModel) connections = vireo_connection_manager_list_connections (f->manager);
  g_autofree char *uri = NULL;

  /* It opens on SSH with no host: not yet connectable, and says why. */
  g_assert_null (vireo_add_connection_dialog_dup_uri (dialog));
  g_assert_cmpint (vireo_add_connection_dialog_get_error_field (dialog), ==, VIREO_URI_FIELD_HOST);

  vireo_add_connection_dialog_set_field (dialog, VIREO_URI_FIELD_HOST, "bad host");
  g_assert_cmpint (vireo_add_connection_dialog_get_error_field (dialog), ==, VIREO_URI_FIELD_HOST);
  g_assert_nonnull (strstr (vireo_add_connection_dialog_get_error (dialog), "host name"));
  /* Connect does nothing while a field is wrong. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.connect", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 1);

  /* Fields make the URI... */
  vireo_add_connection_dialog_set_field (dialog, VIREO_URI_FIELD_HOST, "kvm1.example.org");
  vireo_add_connection_dialog_set_field (dialog, VIREO_URI_FIELD_USER, "root");
  vireo_add_connection_dialog_set_field (dialog, VIREO_URI_FIELD_PORT, "22x");
  g_assert_cmpint (vireo_add_connection_dialog_get_error_field (dialog), ==, VIREO_URI_FIELD_PORT);
  vireo_add_connection_dialog_set_field (dialog, VIREO_URI_FIELD_PORT, "2222");
  uri = vireo_add_connection_dialog_dup_uri (dialog);
  g_assert_cmpstr (uri, ==, "qemu+ssh://root@kvm1.example.org:2222/system");

  /* ...and a pasted URI makes the fields, keeping what has no field. */
  vireo_add_connection_dialog_set_field (dialog, VIREO_URI_FIELD_URI, "qemu+tls://kvm2/session?no_verify=1");
  g_clear_pointer (&uri, g_free);
  uri = vireo_add_connection_dialog_dup_uri (dialog);
  g_assert_cmpstr (uri, ==, "qemu+tls://kvm2/session?no_verify=1");
  vireo_add_connection_dialog_set_field (dialog, VIREO_URI_FIELD_PORT, "16514");
  g_clear_pointer (&uri, g_free);
  uri = vireo_add_connection_dialog_dup_uri (dialog);
  g_assert_cmpstr (uri, ==, "qemu+tls://kvm2:16514/session?no_verify=1");

  /* Connect adds the connection, opens it and shows it. */
  vireo_add_connection_dialog_set_field (dialog, VIREO_URI_FIELD_URI, "test:///default");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.connect", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 2);
  g_assert_nonnull (vireo_connection_manager_find (f->manager, "test:///default"));
  g_assert_cmpstr (vireo_connection_get_uri (vireo_window_get_connection (f->window)), ==, "test:///default");
  vireo_connection_close (vireo_window_get_connection (f->window));
}

static void
test_edit_and_duplicate_connection (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GListModel) connections = vireo_connection_manager_list_connections (f->manager);
  const char *node_uri = vireo_connection_get_uri (f->connection);
  VireoAddConnectionDialog *dialog;
  VireoConnection *added;

  /* Edit with the same URI: a rename and the start-up switch, in place. */
  dialog = VIREO_ADD_CONNECTION_DIALOG (vireo_window_edit_connection (f->window, f->connection, FALSE));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Edit Connection");
  g_assert_cmpstr (vireo_add_connection_dialog_get_error (dialog), ==, NULL);
  {
    g_autofree char *uri = vireo_add_connection_dialog_dup_uri (dialog);
    g_assert_cmpstr (uri, ==, node_uri);
  }
  vireo_add_connection_dialog_prefill (dialog, node_uri, "Lab rack 3", FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.connect", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 1);
  g_assert_cmpstr (vireo_connection_get_name (f->connection), ==, "Lab rack 3");
  g_assert_false (vireo_connection_get_autoconnect (f->connection));
  g_assert_cmpint (vireo_connection_get_state (f->connection), ==, VIREO_CONNECTION_STATE_CONNECTED);

  /* Duplicate starts from it but may not be it: the URI is refused with
   * the name of the entry that has it, until the user changes it. */
  dialog = VIREO_ADD_CONNECTION_DIALOG (vireo_window_edit_connection (f->window, f->connection, TRUE));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Add Connection");
  g_assert_cmpint (vireo_add_connection_dialog_get_error_field (dialog), ==, VIREO_URI_FIELD_URI);
  g_assert_nonnull (strstr (vireo_add_connection_dialog_get_error (dialog), "Lab rack 3"));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.connect", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 1);
  vireo_add_connection_dialog_set_field (dialog, VIREO_URI_FIELD_URI, "test:///default");
  g_assert_null (vireo_add_connection_dialog_get_error (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.connect", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 2);
  added = vireo_connection_manager_find (f->manager, "test:///default");
  g_assert_nonnull (added);
  g_assert_null (vireo_connection_get_name (added));

  /* Edit to another URI replaces the entry: other host, other machines. */
  dialog = VIREO_ADD_CONNECTION_DIALOG (vireo_window_edit_connection (f->window, added, FALSE));
  vireo_add_connection_dialog_set_field (dialog, VIREO_URI_FIELD_URI, node_uri);
  g_assert_cmpint (vireo_add_connection_dialog_get_error_field (dialog), ==, VIREO_URI_FIELD_URI);
  vireo_add_connection_dialog_prefill (dialog, "test:///default?x=1", "Scratch", TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.connect", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 2);
  g_assert_null (vireo_connection_manager_find (f->manager, "test:///default"));
  added = vireo_connection_manager_find (f->manager, "test:///default?x=1");
  g_assert_nonnull (added);
  g_assert_cmpstr (vireo_connection_get_name (added), ==, "Scratch");
  vireo_connection_close (added);
}

typedef struct
{
  VireoConnection *conn;
  VireoDomainState want;
} OneState;

static gboolean
first_in_state (gpointer data)
{
  OneState *w = data;
  g_autoptr(GListModel) list = vireo_connection_list_domains (w->conn);
  g_autoptr(VireoDomain) d = g_list_model_get_item (list, 0);

  return d != NULL && vireo_domain_get_state (d) == w->want;
}

static gboolean
is_connected (gpointer data)
{
  return vireo_connection_get_state (data) == VIREO_CONNECTION_STATE_CONNECTED;
}

/* The window title that says @title (the sidebar has a title of its own). */
static GtkWidget *
find_window_title (GtkWidget  *root,
                   const char *title)
{
  if (ADW_IS_WINDOW_TITLE (root) && g_strcmp0 (adw_window_title_get_title (ADW_WINDOW_TITLE (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_window_title (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_all_connections (Fixture       *f,
                      gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (vireo_window_get_selection (f->window));
  VireoConnection *other = vireo_connection_manager_add (f->manager, "test:///default");
  g_autoptr(GPtrArray) selected = NULL;
  OneState paused = { .conn = other, .want = VIREO_DOMAIN_STATE_PAUSED };

  vireo_connection_open_async (other, NULL, NULL, NULL);
  vireo_test_wait_for (is_connected, other, 10, "the second connection");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  /* Both hosts' machines in one list: alpha, beta, gamma and "test". */
  vireo_window_show_all_connections (f->window);
  g_assert_true (vireo_window_get_showing_all (f->window));
  g_assert_null (vireo_window_get_connection (f->window));
  g_assert_cmpstr (vireo_window_get_visible_page (f->window), ==, "list");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);

  /* An action on a machine of the other host goes to that host. */
  select_names (f, (const char *[]) { "test", NULL });
  selected = vireo_window_dup_selected (f->window);
  g_assert_cmpuint (selected->len, ==, 1);
  g_assert_true (vireo_domain_get_connection (g_ptr_array_index (selected, 0)) == other);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.pause", NULL));
  vireo_test_wait_for (first_in_state, &paused, 10, "the other host's machine to pause");

  /* A host going away keeps its machines listed. */
  vireo_connection_close (other);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  g_assert_cmpstr (vireo_window_get_visible_page (f->window), ==, "list");

  /* A connection added later shows up here too, and removing it takes its
   * machines away. */
  g_object_ref (other);
  vireo_connection_manager_remove (f->manager, other);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  vireo_connection_manager_add (f->manager, "test:///default");
  g_object_unref (other);
  other = vireo_connection_manager_find (f->manager, "test:///default");

  /* A connection that existed before the window is followed too: the
   * view's count of connected hosts moves when it goes away. */
  {
    GtkWidget *title = find_window_title (GTK_WIDGET (f->window), "All Connections");

    g_assert_nonnull (title);
    vireo_connection_open_async (other, NULL, NULL, NULL);
    vireo_test_wait_for (is_connected, other, 10, "the second connection again");
    g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title)), ==, "2 of 2 connected");
    vireo_connection_close (f->connection);
    g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title)), ==, "1 of 2 connected");
    vireo_connection_open_async (f->connection, NULL, NULL, NULL);
    vireo_test_wait_for (is_connected, f->connection, 10, "the first connection again");
    vireo_connection_manager_remove (f->manager, other);
  }

  /* State changes of a connection that existed before the window still
   * refilter the aggregate view: gamma starts and appears. */
  {
    gpointer wait[2] = { f, GUINT_TO_POINTER (1) };
    AllInState w = { f->connection, { "gamma", NULL }, VIREO_DOMAIN_STATE_RUNNING };
    VireoDomain *gamma = NULL;
    g_autoptr(GListModel) all = vireo_connection_list_domains (f->connection);

    g_settings_set_boolean (f->settings, "hide-inactive", TRUE);
    vireo_test_wait_for (list_has, wait, 5, "only alpha listed");
    for (guint i = 0; i < g_list_model_get_n_items (all); i++)
      {
        g_autoptr(VireoDomain) d = g_list_model_get_item (all, i);
        if (g_str_equal (vireo_domain_get_name (d), "gamma"))
          gamma = d;
      }
    vireo_domain_action_async (gamma, VIREO_DOMAIN_ACTION_START, NULL, NULL, NULL);
    vireo_test_wait_for (all_in_state, &w, 5, "gamma running");
    wait[1] = GUINT_TO_POINTER (2);
    vireo_test_wait_for (list_has, wait, 5, "gamma to appear in All Connections");
    g_settings_set_boolean (f->settings, "hide-inactive", FALSE);
  }
}

typedef struct
{
  VireoAuthRequest *request;
  GStrv             answers;
  gboolean          ok;
  gboolean          remember;
  gboolean          done;
} Waiter;

static gpointer
wait_thread (gpointer data)
{
  Waiter *w = data;

  w->ok = _vireo_auth_request_wait (w->request, &w->answers, &w->remember);
  g_atomic_int_set (&w->done, TRUE);
  return NULL;
}

static gboolean
waiter_done (gpointer data)
{
  return g_atomic_int_get (&((Waiter *) data)->done);
}

static gboolean
widget_gone (gpointer data)
{
  return *(GtkWidget **) data == NULL;
}

static void
test_auth_dialog (void)
{
  g_autoptr(VireoAuthRequest) request = _vireo_auth_request_new (VIREO_AUTH_REQUEST_CREDENTIALS, "qemu+libssh2://u@h/system", 1);
  g_autoptr(VireoAuthRequest) host_key = _vireo_auth_request_new (VIREO_AUTH_REQUEST_HOST_KEY, "qemu+libssh2://u@h/system", 1);
  g_autoptr(VireoAuthRequest) abandoned = _vireo_auth_request_new (VIREO_AUTH_REQUEST_CREDENTIALS, "qemu+libssh2://u@h/system", 1);
  VireoAuthDialog *dialog;
  GtkWidget *watch;
  Waiter w = { .request = request };
  GThread *thread;

  /* Credentials: the typed answer and Remember reach the waiting worker. */
  _vireo_auth_request_add_field (request, VIREO_AUTH_FIELD_USERNAME, "user", "alice");
  _vireo_auth_request_add_field (request, VIREO_AUTH_FIELD_PASSWORD, "Enter alice's password for h & co", NULL);
  _vireo_auth_request_set_can_remember (request, TRUE);
  thread = g_thread_new ("waiter", wait_thread, &w);
  dialog = vireo_auth_dialog_new (NULL, "h (QEMU/KVM)", request);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpstr (gtk_editable_get_text (vireo_auth_dialog_get_entry (dialog, 0)), ==, "alice");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (vireo_auth_dialog_get_entry (dialog, 1)));
  g_assert_null (vireo_auth_dialog_get_entry (dialog, 2));
  gtk_editable_set_text (vireo_auth_dialog_get_entry (dialog, 1), "s3cret");
  g_assert_nonnull (vireo_auth_dialog_get_remember (dialog));
  gtk_check_button_set_active (vireo_auth_dialog_get_remember (dialog), TRUE);
  watch = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (watch), (gpointer *) &watch);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "connect");
  vireo_test_wait_for (waiter_done, &w, 5, "the worker to get the answer");
  g_thread_join (thread);
  g_assert_true (w.ok);
  g_assert_cmpstr (w.answers[0], ==, "alice");
  g_assert_cmpstr (w.answers[1], ==, "s3cret");
  g_assert_true (w.remember);
  g_strfreev (w.answers);
  vireo_test_wait_for (widget_gone, &watch, 5, "the dialog to close");

  /* Host key: Escape (the close response) refuses; it never accepts. */
  _vireo_auth_request_set_host_key (host_key, "h:22", "SHA256:abc");
  w = (Waiter) { .request = host_key };
  thread = g_thread_new ("waiter", wait_thread, &w);
  dialog = vireo_auth_dialog_new (NULL, "h (QEMU/KVM)", host_key);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), ==, "refuse");
  g_assert_cmpstr (adw_message_dialog_get_close_response (ADW_MESSAGE_DIALOG (dialog)), ==, "refuse");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "refuse");
  vireo_test_wait_for (waiter_done, &w, 5, "the worker to get the answer");
  g_thread_join (thread);
  g_assert_true (w.ok);
  g_assert_cmpstr (w.answers[0], ==, "n");
  g_strfreev (w.answers);

  /* The attempt ends elsewhere (cancelled, timed out): the dialog goes. */
  _vireo_auth_request_add_field (abandoned, VIREO_AUTH_FIELD_PASSWORD, "pw", NULL);
  dialog = vireo_auth_dialog_new (NULL, "h", abandoned);
  gtk_window_present (GTK_WINDOW (dialog));
  watch = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (watch), (gpointer *) &watch);
  _vireo_auth_request_abort (abandoned);
  vireo_test_wait_for (widget_gone, &watch, 5, "the dialog to close");
}

static char *
persistent_xml (VireoDomain *domain)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  char *xml;

  vireo_domain_read_xml_async (domain, TRUE, NULL, vireo_test_async_cb, &a);
  xml = vireo_domain_read_xml_finish (domain, vireo_test_async_wait (&a, 10), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  return xml;
}

static void
test_vm_details_edit_and_apply (Fixture       *f,
                                gconstpointer  data)
{
  VireoDomain *alpha = NULL;
  VireoVmWindow *window;
  GtkWidget *row;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gboolean found_nic = FALSE;

  {
    g_autoptr(GListModel) all = vireo_connection_list_domains (f->connection);
    for (guint i = 0; i < g_list_model_get_n_items (all); i++)
      {
        g_autoptr(VireoDomain) d = g_list_model_get_item (all, i);
        if (g_str_equal (vireo_domain_get_name (d), "beta"))
          alpha = d;
      }
  }
  g_assert_nonnull (alpha);
  before = persistent_xml (alpha);

  /* Opening twice gives the same window. */
  window = vireo_vm_window_present_for (GTK_WINDOW (f->window), alpha);
  g_assert_true (vireo_vm_window_present_for (GTK_WINDOW (f->window), alpha) == window);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  g_assert_false (vireo_vm_window_get_modified (window));
  g_assert_nonnull (vireo_vm_window_get_page (window, "device-0"));

  /* Overview: the description, typed. */
  g_assert_true (vireo_vm_window_show_page (window, "overview"));
  row = vireo_test_find_named (vireo_vm_window_get_page (window, "overview"), "description");
  gtk_editable_set_text (GTK_EDITABLE (row), "Edited in the details view");
  g_assert_true (vireo_vm_window_get_modified (window));

  /* Memory: a current amount above the maximum stays in its field,
   * marked, and out of the configuration. */
  row = vireo_test_find_named (vireo_vm_window_get_page (window, "memory"), "memory-current");
  gtk_spin_button_set_value (g_object_get_data (G_OBJECT (row), "vireo-spin"), 9999999);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpuint (vireo_domain_config_get_current_memory_kib (vireo_vm_window_get_edit_config (window)), <, 9999999ull * 1024);
  gtk_spin_button_set_value (g_object_get_data (G_OBJECT (row), "vireo-spin"), 256);
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* Students see what Apply equals, field by field. */
  {
    g_auto(GStrv) lines = vireo_vm_window_dup_commands (window);
    g_autofree char *text = g_strjoinv ("\n", lines);

    g_assert_nonnull (strstr (text, "desc beta --config 'Edited in the details view'"));
    g_assert_nonnull (strstr (text, "setmem beta 262144KiB --config"));
  }

  /* Apply defines it; libvirt has exactly that afterwards. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.apply", NULL));
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "apply and reload");
  g_assert_null (vireo_vm_window_get_error (window));
  g_assert_false (vireo_vm_window_get_modified (window));
  after = persistent_xml (alpha);
  g_assert_nonnull (strstr (after, "<description>Edited in the details view</description>"));
  g_assert_nonnull (strstr (after, "<currentMemory unit='KiB'>262144</currentMemory>"));
  g_assert_cmpstr (strstr (before, "<os>"), ==, strstr (after, "<os>"));

  /* An invalid MAC is refused in its field; Revert brings all back. */
  {
    g_autoptr(GListModel) devices = vireo_domain_config_list_devices (vireo_vm_window_get_edit_config (window));
    for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
      {
        g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
        g_autofree char *name = g_strdup_printf ("device-%u", i);

        if (vireo_device_get_kind (device) != VIREO_DEVICE_INTERFACE)
          continue;
        row = vireo_test_find_named (vireo_vm_window_get_page (window, name), "nic-mac");
        gtk_editable_set_text (GTK_EDITABLE (row), "01:00:5e:00:00:01");
        g_assert_true (gtk_widget_has_css_class (row, "error"));
        g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "01:00:5e:00:00:01");
        g_assert_false (vireo_vm_window_get_modified (window));
        gtk_editable_set_text (GTK_EDITABLE (row), "52:54:00:00:00:99");
        g_assert_true (vireo_vm_window_get_modified (window));
        found_nic = TRUE;
      }
    g_assert_true (found_nic);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.revert", NULL));
  g_assert_false (vireo_vm_window_get_modified (window));
  /* The copy made after the XML page's GtkSourceView loaded its language
   * files still has libvirt's line breaks (they flip libxml2's blank
   * handling for the whole process). */
  {
    g_autofree char *copy = vireo_domain_config_to_xml (vireo_vm_window_get_edit_config (window));
    g_assert_nonnull (strstr (copy, "\n  <name>beta</name>\n"));
  }

  /* CD-ROM media: Eject goes straight to libvirt (no Apply). The test
   * driver cannot change media (QEMU can: tests/integration/test-details.c),
   * so what is checked here is that its refusal is shown in its words and
   * the unapplied edits elsewhere survive it. */
  row = vireo_test_find_named (vireo_vm_window_get_page (window, "overview"), "title");
  gtk_editable_set_text (GTK_EDITABLE (row), "kept across the eject");
  {
    g_autoptr(GListModel) devices = vireo_domain_config_list_devices (vireo_vm_window_get_edit_config (window));
    GtkWidget *eject = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (devices) && eject == NULL; i++)
      {
        g_autofree char *name = g_strdup_printf ("device-%u", i);
        eject = vireo_test_find_named (vireo_vm_window_get_page (window, name), "media-eject");
      }
    g_assert_nonnull (eject);
    g_signal_emit_by_name (eject, "clicked");
  }
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the eject");
  g_assert_nonnull (strstr (vireo_vm_window_get_error (window), "virDomainUpdateDeviceFlags"));
  g_assert_cmpstr (vireo_domain_config_get_title (vireo_vm_window_get_edit_config (window)), ==,
                   "kept across the eject");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.revert", NULL));

  /* Remove a device from the copy; Apply takes it out of the definition. */
  {
    g_autoptr(GListModel) devices = vireo_domain_config_list_devices (vireo_vm_window_get_edit_config (window));
    guint before_n = g_list_model_get_n_items (devices);
    GtkWidget *remove = NULL;

    for (guint i = 0; i < before_n && remove == NULL; i++)
      {
        g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
        g_autofree char *target = VIREO_IS_DISK (device) ? vireo_disk_dup_target (VIREO_DISK (device)) : NULL;
        g_autofree char *name = g_strdup_printf ("device-%u", i);

        if (g_strcmp0 (target, "vdc") == 0)
          remove = vireo_test_find_named (vireo_vm_window_get_page (window, name), "device-remove");
      }

    g_assert_nonnull (remove);
    g_signal_emit_by_name (remove, "clicked");
    g_assert_cmpuint (g_list_model_get_n_items (devices), ==, before_n - 1);
    g_assert_true (vireo_vm_window_get_modified (window));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.apply", NULL));
    vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "apply and reload");
    g_assert_cmpstr (vireo_vm_window_get_error (window), ==, NULL);
    {
      g_autofree char *removed = persistent_xml (alpha);
      g_assert_null (strstr (removed, "loose.img"));
    }
  }

  /* Closing with unapplied changes asks first. */
  row = vireo_test_find_named (vireo_vm_window_get_page (window, "overview"), "title");
  gtk_editable_set_text (GTK_EDITABLE (row), "unsaved");
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  vireo_test_wait_for (has_toplevel, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5, "the apply-or-discard question");
  /* Discard: the window goes, the change with it. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (vireo_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)), "discard");
  vireo_test_wait_for (no_vm_window, NULL, 5, "the window to close");
  {
    g_autofree char *kept = persistent_xml (alpha);
    g_assert_null (strstr (kept, "unsaved"));
  }
}

static void
test_vm_details_xml_page (Fixture       *f,
                          gconstpointer  data)
{
  VireoDomain *gamma = NULL;
  VireoVmWindow *window;
  VireoXmlEditor *editor;
  GtkTextBuffer *buffer;
  g_autofree char *text = NULL;
  g_autofree char *after = NULL;
  GtkWidget *row;

  {
    g_autoptr(GListModel) all = vireo_connection_list_domains (f->connection);
    for (guint i = 0; i < g_list_model_get_n_items (all); i++)
      {
        g_autoptr(VireoDomain) d = g_list_model_get_item (all, i);
        if (g_str_equal (vireo_domain_get_name (d), "gamma"))
          gamma = d;
      }
  }
  window = vireo_vm_window_present_for (GTK_WINDOW (f->window), gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");

  /* A field edit shows up on the XML page, as a change against libvirt's. */
  row = vireo_test_find_named (vireo_vm_window_get_page (window, "overview"), "title");
  gtk_editable_set_text (GTK_EDITABLE (row), "From the field");
  g_assert_true (vireo_vm_window_show_page (window, "xml"));
  editor = VIREO_XML_EDITOR (vireo_vm_window_get_page (window, "xml"));
  buffer = GTK_TEXT_BUFFER (vireo_xml_editor_get_buffer (editor));
  text = vireo_xml_editor_dup_text (editor);
  g_assert_nonnull (strstr (text, "<title>From the field</title>"));
  g_assert_true (vireo_xml_editor_get_modified (editor));

  /* Text that is not a definition: the page keeps it and points at it. */
  gtk_text_buffer_set_text (buffer, "<domain type='test'>\n  <name>gamma</name>\n  <uuid>\n</domain>\n", -1);
  g_assert_true (vireo_vm_window_show_page (window, "overview"));
  g_assert_nonnull (vireo_xml_editor_get_error_message (editor));
  g_assert_cmpint (vireo_xml_editor_get_error_line (editor), >, 0);
  {
    g_autofree char *kept = vireo_xml_editor_dup_text (editor);
    g_assert_true (g_str_has_prefix (kept, "<domain type='test'>\n  <name>gamma</name>"));
  }

  /* Good text becomes the copy; the fields follow it. */
  {
    g_autoptr(GRegex) re = g_regex_new ("<title>[^<]*</title>", 0, 0, NULL);
    g_autofree char *edited = g_regex_replace_literal (re, text, -1, 0, "<title>From the text</title>", 0, NULL);

    gtk_text_buffer_set_text (buffer, edited, -1);
  }
  g_assert_true (vireo_vm_window_show_page (window, "overview"));
  g_assert_cmpstr (vireo_domain_config_get_title (vireo_vm_window_get_edit_config (window)), ==, "From the text");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.apply", NULL));
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "apply and reload");
  g_assert_null (vireo_vm_window_get_error (window));
  after = persistent_xml (gamma);
  g_assert_nonnull (strstr (after, "<title>From the text</title>"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static VireoDomain *
domain_named (Fixture    *f,
              const char *name)
{
  g_autoptr(GListModel) all = vireo_connection_list_domains (f->connection);

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(VireoDomain) d = g_list_model_get_item (all, i);
      if (g_str_equal (vireo_domain_get_name (d), name))
        return d;   /* the connection keeps it */
    }
  return NULL;
}

static gboolean
no_pending_and_loaded (gpointer data)
{
  return vireo_vm_window_get_loaded (data) && vireo_vm_window_count_pending (data) == 0
         && vireo_domain_get_active (vireo_vm_window_get_domain (data));
}

static gboolean
has_pending (gpointer data)
{
  return vireo_vm_window_get_loaded (data) && vireo_vm_window_count_pending (data) > 0;
}

/* A running machine: Apply changes what the guest can take now, the rest
 * is badged "Next boot" field by field, and Shut Down and Apply clears the
 * badges by starting the guest again. */
static void
test_vm_details_next_boot (Fixture       *f,
                           gconstpointer  data)
{
  VireoDomain *alpha = domain_named (f, "alpha");
  VireoVmWindow *window;
  GtkWidget *row;
  g_autofree char *live = NULL;

  g_assert_nonnull (alpha);
  g_assert_true (vireo_domain_get_active (alpha));
  window = vireo_vm_window_present_for (GTK_WINDOW (f->window), alpha);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  g_assert_cmpuint (vireo_vm_window_count_pending (window), ==, 0);
  g_assert_cmpstr (vireo_vm_window_get_pending_text (window), ==, "");

  /* While it runs, the name is not editable: libvirt renames only
   * machines that are off. */
  row = vireo_test_find_named (vireo_vm_window_get_page (window, "overview"), "name");
  g_assert_true (ADW_IS_ACTION_ROW (row) && !ADW_IS_ENTRY_ROW (row));

  /* One change the guest takes now (title), one it cannot (cache). */
  row = vireo_test_find_named (vireo_vm_window_get_page (window, "overview"), "title");
  gtk_editable_set_text (GTK_EDITABLE (row), "Retitled while running");
  row = vireo_test_find_named (vireo_vm_window_get_page (window, "device-0"), "disk-cache");
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 1);   /* "none" */
  {
    g_auto(GStrv) lines = vireo_vm_window_dup_commands (window);
    g_autofree char *text = g_strjoinv ("\n", lines);

    /* The live half shows as its own command. */
    g_assert_nonnull (strstr (text, "desc alpha --live --title 'Retitled while running'"));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.apply", NULL));
  vireo_test_wait_for (has_pending, window, 10, "apply, reload and the badges");
  g_assert_null (vireo_vm_window_get_error (window));

  live = NULL;
  {
    VireoTestAsync a = { 0 };
    g_autoptr(GError) error = NULL;

    vireo_domain_read_xml_async (alpha, FALSE, NULL, vireo_test_async_cb, &a);
    live = vireo_domain_read_xml_finish (alpha, vireo_test_async_wait (&a, 10), &error);
    g_object_unref (a.result);
    g_assert_no_error (error);
  }
  g_assert_nonnull (strstr (live, "<title>Retitled while running</title>"));
  g_assert_null (strstr (live, "cache="));

  /* Exactly the cache is pending, on its own row, with both values. */
  g_assert_cmpuint (vireo_vm_window_count_pending (window), ==, 1);
  row = vireo_test_find_named (vireo_vm_window_get_page (window, "device-0"), "disk-cache");
  {
    GtkWidget *badge = vireo_test_find_named (row, "pending-badge");
    const char *tooltip;

    g_assert_nonnull (badge);
    tooltip = gtk_widget_get_tooltip_text (badge);
    g_assert_nonnull (strstr (tooltip, "none"));
  }
  g_assert_null (vireo_test_find_named (vireo_test_find_named (vireo_vm_window_get_page (window, "overview"), "title"), "pending-badge"));
  g_assert_nonnull (strstr (vireo_vm_window_get_pending_text (window), "1 setting"));

  /* Shut Down and Apply: the guest goes down and comes back with it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.restart-apply", NULL));
  vireo_test_wait_for (no_pending_and_loaded, window, 10, "the restart");
  g_assert_null (vireo_vm_window_get_error (window));
  g_assert_cmpstr (vireo_vm_window_get_pending_text (window), ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
domain_is_renamed (gpointer data)
{
  return g_strcmp0 (vireo_domain_get_name (data), "gamma-2") == 0;
}

/* A machine that is off can be renamed from the Overview; the name is
 * checked on the field before anything is sent. */
static void
test_vm_details_rename (Fixture       *f,
                        gconstpointer  data)
{
  VireoDomain *gamma = domain_named (f, "gamma");
  VireoVmWindow *window;
  GtkWidget *row;

  g_assert_nonnull (gamma);
  window = vireo_vm_window_present_for (GTK_WINDOW (f->window), gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  row = vireo_test_find_named (vireo_vm_window_get_page (window, "overview"), "name");
  g_assert_true (ADW_IS_ENTRY_ROW (row));

  gtk_editable_set_text (GTK_EDITABLE (row), "a/b");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "/"));
  gtk_editable_set_text (GTK_EDITABLE (row), "beta");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "beta"));
  gtk_editable_set_text (GTK_EDITABLE (row), "  ");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  /* The bad text stayed where it was typed and never reached the copy. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "  ");
  g_assert_cmpstr (vireo_domain_config_get_name (vireo_vm_window_get_edit_config (window)), ==, "gamma");

  gtk_editable_set_text (GTK_EDITABLE (row), "gamma-2");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  {
    g_auto(GStrv) lines = vireo_vm_window_dup_commands (window);
    g_assert_true (g_str_has_suffix (lines[0], " domrename gamma gamma-2"));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.apply", NULL));
  vireo_test_wait_for (domain_is_renamed, gamma, 10, "the rename");
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the reload");
  g_assert_null (vireo_vm_window_get_error (window));
  g_assert_false (vireo_vm_window_get_modified (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "gamma-2");
  g_assert_true (domain_named (f, "gamma-2") == gamma);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Asks during a read start one more read after it, not one each. */
static void
test_page_util_reload (void)
{
  VireoReload reload = { 0 };
  GCancellable *first = vireo_reload_start (&reload);

  g_assert_nonnull (first);
  g_assert_null (vireo_reload_start (&reload));
  g_assert_null (vireo_reload_start (&reload));
  g_assert_true (vireo_reload_finish (&reload));
  g_assert_null (reload.cancellable);
  g_assert_nonnull (vireo_reload_start (&reload));
  g_assert_false (vireo_reload_finish (&reload));

  g_assert_nonnull (vireo_reload_start (&reload));
  first = g_object_ref (reload.cancellable);
  vireo_reload_start (&reload);
  vireo_reload_stop (&reload);
  g_assert_true (g_cancellable_is_cancelled (first));
  g_assert_null (reload.cancellable);
  g_assert_false (reload.again);
  g_object_unref (first);
}

/* The selection follows the name across a refill, else the first row. */
static void
test_page_util_refill (void)
{
  GtkListBox *box = GTK_LIST_BOX (g_object_ref_sink (gtk_list_box_new ()));
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autofree char *selected = g_strdup ("beta");
  const char *names[] = { "alpha", "beta", "gamma" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      gtk_widget_set_name (row, names[i]);
      g_ptr_array_add (rows, row);
    }
  vireo_list_box_refill (box, rows, &selected);
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (gtk_list_box_get_selected_row (box))), ==, "beta");
  g_assert_cmpstr (selected, ==, "beta");

  g_ptr_array_set_size (rows, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i += 2)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      gtk_widget_set_name (row, names[i]);
      g_ptr_array_add (rows, row);
    }
  vireo_list_box_refill (box, rows, &selected);
  g_assert_cmpstr (selected, ==, "alpha");
  g_assert_true (gtk_list_box_get_row_at_index (box, 2) == NULL);

  g_ptr_array_set_size (rows, 0);
  vireo_list_box_refill (box, rows, &selected);
  g_assert_null (selected);
  g_object_unref (box);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();

  g_test_add ("/ui/window/lists-machines", Fixture, NULL, fixture_set_up, test_lists_machines, fixture_tear_down);
  g_test_add ("/ui/window/multi-select-actions", Fixture, NULL, fixture_set_up, test_multi_select_actions, fixture_tear_down);
  g_test_add ("/ui/window/hide-inactive-follows-state", Fixture, NULL, fixture_set_up, test_hide_inactive_follows_state, fixture_tear_down);
  g_test_add ("/ui/window/idle-draws-nothing", Fixture, NULL, fixture_set_up, test_idle_window_draws_nothing, fixture_tear_down);
  g_test_add ("/ui/window/context-menu", Fixture, NULL, fixture_set_up, test_context_menu, fixture_tear_down);
  g_test_add_func ("/ui/window/failure-is-explained", test_failure_is_explained);
  g_test_add ("/ui/window/add-connection", Fixture, NULL, fixture_set_up, test_add_connection_dialog, fixture_tear_down);
  g_test_add ("/ui/window/edit-and-duplicate-connection", Fixture, NULL, fixture_set_up, test_edit_and_duplicate_connection, fixture_tear_down);
  g_test_add ("/ui/window/delete-asks-per-disk", Fixture, NULL, fixture_set_up, test_delete_asks_per_disk, fixture_tear_down);
  g_test_add ("/ui/window/all-connections", Fixture, NULL, fixture_set_up, test_all_connections, fixture_tear_down);
  g_test_add_func ("/ui/auth-dialog/answers-reach-the-worker", test_auth_dialog);
  g_test_add ("/ui/window/host-details-opens", Fixture, NULL, fixture_set_up, test_host_details_opens, fixture_tear_down);
  g_test_add ("/ui/vm-details/edit-and-apply", Fixture, NULL, fixture_set_up, test_vm_details_edit_and_apply, fixture_tear_down);
  g_test_add ("/ui/vm-details/xml-page", Fixture, NULL, fixture_set_up, test_vm_details_xml_page, fixture_tear_down);
  g_test_add ("/ui/vm-details/next-boot", Fixture, NULL, fixture_set_up, test_vm_details_next_boot, fixture_tear_down);
  g_test_add ("/ui/vm-details/rename", Fixture, NULL, fixture_set_up, test_vm_details_rename, fixture_tear_down);
  g_test_add_func ("/ui/page-util/reload", test_page_util_reload);
  g_test_add_func ("/ui/page-util/refill", test_page_util_refill);

  ret = g_test_run ();
  /* Workers may still be closing connections; exit only once they are done. */
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
