/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Migrate dialog on test-driver hosts, under Xvfb: one manager with
 * the source (tests/data/test-clone.xml: "busy" runs on a file disk,
 * "lab" is shut off), test:///default as the other host, and a third
 * connection never opened. The destinations are the other connected ones
 * only; the choices the model refuses are insensitive and say why
 * (Offline for a running machine, Tunnelled with post-copy or a copy,
 * the peer's address for a direct migration); the whole-options fault
 * marks its row and holds Migrate; the virsh line follows every choice;
 * a shut-off machine starts on Offline. The test driver cannot migrate:
 * Migrate comes back with UNSUPPORTED's explanation in bold, the form as
 * it was and the machine still running on the source. With
 * VIREO_SCREENSHOT_DIR set, the form is saved there (migrate-dialog).
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-migrate-dialog.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

#define DEST_URI "test:///default"
#define OFFLINE_URI "test:///vireo-never-opened"

typedef struct
{
  VireoConnectionManager *manager;
  VireoConnection        *source;
  VireoConnection        *dest;
  GtkWidget              *window;
  VireoMigrateDialog     *dialog;
} Fixture;

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-clone.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  return g_strconcat ("test://", abs, NULL);
}

static void
open_in (VireoConnection *conn)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  vireo_connection_set_stats_interval (conn, 0);
  vireo_connection_open_async (conn, NULL, vireo_test_async_cb, &a);
  vireo_connection_open_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_object_unref (a.result);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *uri = node_uri ();
  VireoConnection *offline;

  f->manager = vireo_connection_manager_new ();
  f->source = vireo_connection_manager_add (f->manager, uri);
  open_in (f->source);
  if (data == NULL)
    {
      f->dest = vireo_connection_manager_add (f->manager, DEST_URI);
      open_in (f->dest);
    }
  offline = vireo_connection_manager_add (f->manager, OFFLINE_URI);
  vireo_connection_set_name (offline, "Offline host");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GListModel) list = vireo_connection_manager_list_connections (f->manager);

  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  vireo_test_settle ();
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(VireoConnection) c = g_list_model_get_item (list, i);

      vireo_connection_close (c);
    }
  g_clear_object (&f->manager);
}

static gboolean
loaded (gpointer data)
{
  return g_strcmp0 (vireo_migrate_dialog_get_page (data), "loading") != 0;
}

static void
open_dialog (Fixture    *f,
             const char *name)
{
  VireoDomain *domain = vireo_test_find_domain (f->source, name);

  g_assert_nonnull (domain);
  f->window = vireo_migrate_dialog_new (NULL, f->manager, domain);
  f->dialog = VIREO_MIGRATE_DIALOG (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  vireo_test_wait_for (loaded, f->dialog, 10, "the dialog to read the machine");
}

static GtkWidget *
named (GtkWidget  *root,
       const char *name)
{
  GtkWidget *found = vireo_test_find_named (root, name);

  if (found == NULL)
    g_error ("no widget named %s", name);
  return found;
}

static GtkWidget *
choice (Fixture            *f,
        VireoMigrateChoice  c)
{
  return vireo_migrate_dialog_get_choice_widget (f->dialog, c);
}

static void
set_switch (Fixture            *f,
            VireoMigrateChoice  c,
            gboolean            on)
{
  gtk_switch_set_active (vireo_test_find_switch (choice (f, c)), on);
}

static void
pick (Fixture            *f,
      VireoMigrateChoice  c)
{
  GtkWidget *button = choice (f, c);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
}

static const char *
subtitle (GtkWidget *row)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static gboolean
migrate_sensitive (Fixture *f)
{
  return gtk_widget_get_sensitive (vireo_migrate_dialog_get_migrate_button (f->dialog));
}

/* The other connected connection is offered, not the machine's own, not
 * one that is not connected (named beside the combo instead). */
static void
test_destinations (Fixture       *f,
                   gconstpointer  data)
{
  GPtrArray *dests;
  GtkWidget *row;
  GListModel *model;

  open_dialog (f, "busy");
  g_assert_cmpstr (vireo_migrate_dialog_get_page (f->dialog), ==, "form");
  dests = vireo_migrate_dialog_get_destinations (f->dialog);
  g_assert_cmpuint (dests->len, ==, 1);
  g_assert_true (g_ptr_array_index (dests, 0) == f->dest);
  row = vireo_migrate_dialog_get_destination_row (f->dialog);
  model = adw_combo_row_get_model (ADW_COMBO_ROW (row));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 0);
  g_assert_nonnull (strstr (subtitle (row), "Not connected, so not offered: Offline host"));
  g_assert_true (migrate_sensitive (f));
  g_assert_null (vireo_migrate_dialog_get_fault (f->dialog));

  /* The destination goes away: nowhere to go. */
  vireo_connection_close (f->dest);
  vireo_test_settle ();
  g_assert_cmpstr (vireo_migrate_dialog_get_page (f->dialog), ==, "none");
  g_assert_cmpuint (vireo_migrate_dialog_get_destinations (f->dialog)->len, ==, 0);
}

/* Only the source and a connection never opened: an explanation. */
static void
test_no_destination (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *none;

  open_dialog (f, "busy");
  g_assert_cmpstr (vireo_migrate_dialog_get_page (f->dialog), ==, "none");
  none = named (f->window, "migrate-none");
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (none)),
                            "Add and connect a second host first"));
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (none)), "Offline host"));
  g_assert_false (migrate_sensitive (f));
}

/* A running machine: what the model refuses is insensitive and says why;
 * the virsh line follows each choice; a fault holds Migrate. */
static void
test_choices (Fixture       *f,
              gconstpointer  data)
{
  GtkWidget *offline, *tunnelled, *uri_row, *mode_row;
  g_autofree char *first = NULL;

  open_dialog (f, "busy");
  g_assert_cmpint (vireo_migrate_dialog_get_options (f->dialog)->mode, ==, VIREO_MIGRATE_MODE_LIVE);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (choice (f, VIREO_MIGRATE_CHOICE_MODE_LIVE))));

  offline = choice (f, VIREO_MIGRATE_CHOICE_MODE_OFFLINE);
  g_assert_false (gtk_widget_get_sensitive (offline));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (offline), ==,
                   "Only a shut-off machine moves offline; a running one moves with its memory");
  mode_row = named (f->window, "migrate-mode-row");
  g_assert_nonnull (strstr (subtitle (mode_row), "Offline is not possible: Only a shut-off machine"));
  g_assert_true (gtk_widget_get_sensitive (choice (f, VIREO_MIGRATE_CHOICE_MODE_PAUSED)));

  /* Shared storage and a file disk: the unsafe reason is shown. */
  g_assert_nonnull (strstr (subtitle (vireo_migrate_dialog_get_unsafe_row (f->dialog)), "Disk vda is not copied"));
  first = g_strdup (vireo_migrate_dialog_get_command (f->dialog));
  g_assert_true (g_str_has_prefix (first, "virsh -c "));
  g_assert_nonnull (strstr (first, " migrate --live --persistent --undefinesource -- busy test:///default"));

  /* Post-copy rules out tunnelling. */
  tunnelled = choice (f, VIREO_MIGRATE_CHOICE_TRANSPORT_TUNNELLED);
  g_assert_true (gtk_widget_get_sensitive (tunnelled));
  set_switch (f, VIREO_MIGRATE_CHOICE_POSTCOPY, TRUE);
  g_assert_true (vireo_migrate_dialog_get_options (f->dialog)->postcopy);
  g_assert_false (gtk_widget_get_sensitive (tunnelled));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (tunnelled), ==, "Post-copy cannot be tunnelled");
  g_assert_nonnull (strstr (vireo_migrate_dialog_get_command (f->dialog), " --postcopy"));
  /* ... and a paused migration. */
  g_assert_false (gtk_widget_get_sensitive (choice (f, VIREO_MIGRATE_CHOICE_MODE_PAUSED)));
  set_switch (f, VIREO_MIGRATE_CHOICE_POSTCOPY, FALSE);
  g_assert_true (gtk_widget_get_sensitive (tunnelled));

  /* The peer's address: only peer to peer, prefilled from the connection. */
  uri_row = choice (f, VIREO_MIGRATE_CHOICE_DEST_URI);
  g_assert_false (gtk_widget_get_sensitive (uri_row));
  g_assert_nonnull (gtk_widget_get_tooltip_text (uri_row));
  pick (f, VIREO_MIGRATE_CHOICE_TRANSPORT_PEER_TO_PEER);
  g_assert_true (gtk_widget_get_sensitive (uri_row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (uri_row)), ==, DEST_URI);
  g_assert_nonnull (strstr (vireo_migrate_dialog_get_command (f->dialog), " --p2p "));
  gtk_editable_set_text (GTK_EDITABLE (uri_row), "qemu+ssh://far.example/system");
  g_assert_nonnull (strstr (vireo_migrate_dialog_get_command (f->dialog), "qemu+ssh://far.example/system"));
  /* Emptied: the fault is the address's, and Migrate waits. */
  gtk_editable_set_text (GTK_EDITABLE (uri_row), "");
  g_assert_false (migrate_sensitive (f));
  g_assert_nonnull (strstr (vireo_migrate_dialog_get_fault (f->dialog), "the destination’s address"));
  g_assert_true (gtk_widget_has_css_class (uri_row, "error"));
  g_assert_true (gtk_widget_get_visible (named (f->window, "migrate-fault-group")));
  gtk_editable_set_text (GTK_EDITABLE (uri_row), DEST_URI);
  g_assert_true (migrate_sensitive (f));
  g_assert_false (gtk_widget_has_css_class (uri_row, "error"));
  pick (f, VIREO_MIGRATE_CHOICE_TRANSPORT_DIRECT);

  /* A copy: not unsafe any more, and it cannot be tunnelled. */
  pick (f, VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL);
  g_assert_nonnull (strstr (vireo_migrate_dialog_get_command (f->dialog), " --copy-storage-all"));
  g_assert_nonnull (strstr (subtitle (vireo_migrate_dialog_get_unsafe_row (f->dialog)), "Not needed"));
  g_assert_false (gtk_widget_get_sensitive (tunnelled));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (tunnelled), ==,
                   "libvirt 9.0 cannot copy storage through a tunnelled migration");

  /* Limits and a new name. */
  gtk_spin_button_set_value (vireo_test_find_spin (choice (f, VIREO_MIGRATE_CHOICE_BANDWIDTH)), 32);
  g_assert_cmpuint (vireo_migrate_dialog_get_options (f->dialog)->bandwidth_mib_s, ==, 32);
  g_assert_nonnull (strstr (vireo_migrate_dialog_get_command (f->dialog), " --bandwidth 32"));
  gtk_spin_button_set_value (vireo_test_find_spin (choice (f, VIREO_MIGRATE_CHOICE_MAX_DOWNTIME)), 500);
  g_assert_nonnull (strstr (vireo_migrate_dialog_get_command (f->dialog), "\nvirsh -c "));
  g_assert_nonnull (strstr (vireo_migrate_dialog_get_command (f->dialog), "migrate-setmaxdowntime -- busy 500"));
  gtk_editable_set_text (GTK_EDITABLE (choice (f, VIREO_MIGRATE_CHOICE_DEST_NAME)), "bad/name");
  g_assert_false (migrate_sensitive (f));
  g_assert_true (gtk_widget_has_css_class (choice (f, VIREO_MIGRATE_CHOICE_DEST_NAME), "error"));
  gtk_editable_set_text (GTK_EDITABLE (choice (f, VIREO_MIGRATE_CHOICE_DEST_NAME)), "busy-there");
  g_assert_true (migrate_sensitive (f));
  g_assert_nonnull (strstr (vireo_migrate_dialog_get_command (f->dialog), " --dname busy-there"));

  /* A temporary move: the group says so. */
  set_switch (f, VIREO_MIGRATE_CHOICE_PERSISTENT_ON_DEST, FALSE);
  set_switch (f, VIREO_MIGRATE_CHOICE_UNDEFINE_SOURCE, FALSE);
  g_assert_true (g_str_has_prefix (adw_preferences_group_get_description (
                                     ADW_PREFERENCES_GROUP (named (f->window, "migrate-after"))),
                                   "A temporary move"));
  g_assert_null (strstr (vireo_migrate_dialog_get_command (f->dialog), "--persistent"));
  g_assert_null (strstr (vireo_migrate_dialog_get_command (f->dialog), "--undefinesource"));
  g_assert_cmpstr (vireo_migrate_dialog_get_command (f->dialog), !=, first);
}

/* A shut-off machine starts on Offline, defined on the destination. */
static void
test_shut_off (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *persistent;

  open_dialog (f, "lab");
  g_assert_cmpint (vireo_migrate_dialog_get_options (f->dialog)->mode, ==, VIREO_MIGRATE_MODE_OFFLINE);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (choice (f, VIREO_MIGRATE_CHOICE_MODE_OFFLINE))));
  g_assert_false (gtk_widget_get_sensitive (choice (f, VIREO_MIGRATE_CHOICE_MODE_LIVE)));
  g_assert_false (gtk_widget_get_sensitive (choice (f, VIREO_MIGRATE_CHOICE_MODE_PAUSED)));
  g_assert_false (gtk_widget_get_sensitive (choice (f, VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL)));
  g_assert_nonnull (gtk_widget_get_tooltip_text (choice (f, VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL)));
  g_assert_false (gtk_widget_get_sensitive (choice (f, VIREO_MIGRATE_CHOICE_TRANSPORT_TUNNELLED)));
  g_assert_false (gtk_widget_get_sensitive (choice (f, VIREO_MIGRATE_CHOICE_BANDWIDTH)));
  g_assert_false (gtk_widget_get_sensitive (choice (f, VIREO_MIGRATE_CHOICE_MAX_DOWNTIME)));
  persistent = choice (f, VIREO_MIGRATE_CHOICE_PERSISTENT_ON_DEST);
  g_assert_true (gtk_switch_get_active (vireo_test_find_switch (persistent)));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (vireo_test_find_switch (persistent))));
  g_assert_nonnull (strstr (subtitle (persistent), "An offline migration must define the machine"));
  /* Offline moves only the definition: nothing unsafe. */
  g_assert_nonnull (strstr (subtitle (vireo_migrate_dialog_get_unsafe_row (f->dialog)), "Not needed"));
  g_assert_nonnull (strstr (vireo_migrate_dialog_get_command (f->dialog), " migrate --offline --persistent"));
  g_assert_true (migrate_sensitive (f));
}

static gboolean
not_busy (gpointer data)
{
  return !vireo_migrate_dialog_get_busy (data);
}

/* The test driver refuses: the explanation in bold with libvirt's words,
 * the form back as it was, the machine running where it was. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  const VireoMigrateOptions *o;
  GtkWidget *banner;
  VireoDomain *domain;
  const char *error;

  open_dialog (f, "busy");
  pick (f, VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL);
  gtk_spin_button_set_value (vireo_test_find_spin (choice (f, VIREO_MIGRATE_CHOICE_BANDWIDTH)), 32);
  vireo_test_settle ();
  vireo_test_save_window (f->window, "migrate-dialog");
  /* GTK keeps a window within the screen: the rest of the form, scrolled
   * to its end, is a second picture. */
  if (g_getenv ("VIREO_SCREENSHOT_DIR") != NULL)
    {
      GtkWidget *page = gtk_widget_get_ancestor (named (f->window, "migrate-command"), ADW_TYPE_PREFERENCES_PAGE);
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
        GTK_SCROLLED_WINDOW (vireo_test_find_descendant (page, GTK_TYPE_SCROLLED_WINDOW)));

      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
      vireo_test_save_window (f->window, "migrate-dialog-end");
      gtk_adjustment_set_value (adj, 0);
    }

  g_assert_true (gtk_widget_is_sensitive (vireo_migrate_dialog_get_migrate_button (f->dialog)));
  g_signal_emit_by_name (vireo_migrate_dialog_get_migrate_button (f->dialog), "clicked");
  g_assert_true (vireo_migrate_dialog_get_busy (f->dialog));
  /* The form cannot change under the migration. */
  g_assert_false (gtk_widget_is_sensitive (choice (f, VIREO_MIGRATE_CHOICE_STORAGE_SHARED)));
  g_assert_false (gtk_widget_get_sensitive (vireo_migrate_dialog_get_migrate_button (f->dialog)));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (
                   named (f->window, "migrate-progress"), GTK_TYPE_REVEALER))));
  /* Post-copy was not allowed for this run: no switch offered. */
  g_assert_false (gtk_widget_get_visible (vireo_migrate_dialog_get_postcopy_button (f->dialog)));
  vireo_test_wait_for (not_busy, f->dialog, 20, "the refusal");

  error = vireo_migrate_dialog_get_error (f->dialog);
  g_assert_nonnull (error);
  g_test_message ("%s", error);
  g_assert_true (g_str_has_prefix (error, vireo_migrate_error_kind_explain (VIREO_MIGRATE_ERROR_UNSUPPORTED)));
  g_assert_nonnull (strstr (error, "virDomainMigrate3"));
  g_assert_nonnull (strstr (error, "The machine is still running on "));
  banner = named (f->window, "migrate-banner");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (banner))));
  g_assert_true (gtk_widget_has_css_class (banner, "vireo-error"));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (banner)), "<b>libvirt cannot migrate"));

  /* As the user left it, and Migrate again possible. */
  g_assert_cmpstr (vireo_migrate_dialog_get_page (f->dialog), ==, "form");
  o = vireo_migrate_dialog_get_options (f->dialog);
  g_assert_cmpint (o->storage, ==, VIREO_MIGRATE_STORAGE_COPY_ALL);
  g_assert_cmpuint (o->bandwidth_mib_s, ==, 32);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (choice (f, VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL))));
  g_assert_true (gtk_widget_is_sensitive (choice (f, VIREO_MIGRATE_CHOICE_STORAGE_SHARED)));
  g_assert_true (migrate_sensitive (f));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (
                    named (f->window, "migrate-progress"), GTK_TYPE_REVEALER))));
  domain = vireo_test_find_domain (f->source, "busy");
  g_assert_nonnull (domain);
  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_RUNNING);
  g_assert_null (vireo_test_find_domain (f->dest, "busy"));
  vireo_test_save_window (f->window, "migrate-refused");
}

/* The application's style sheet, as a running Vireo has it (the banner's
 * colours), for the screenshots. */
static void
load_style (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, "/org/vireo/Vireo/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();
  vireo_ui_init ();
  load_style ();

  g_test_add ("/ui/migrate-dialog/destinations", Fixture, NULL, fixture_setup, test_destinations,
              fixture_teardown);
  g_test_add ("/ui/migrate-dialog/no-destination", Fixture, "alone", fixture_setup, test_no_destination,
              fixture_teardown);
  g_test_add ("/ui/migrate-dialog/choices", Fixture, NULL, fixture_setup, test_choices, fixture_teardown);
  g_test_add ("/ui/migrate-dialog/shut-off", Fixture, NULL, fixture_setup, test_shut_off, fixture_teardown);
  g_test_add ("/ui/migrate-dialog/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
