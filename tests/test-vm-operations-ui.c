/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The machine list's operations that open their own dialogs (Save to
 * File, Restore from File, Clone), the list's saved state and the clock
 * offer, on libvirt's test driver (test:///default: "test" runs, and the
 * dir pool "default-pool" sits at /default-pool), under Xvfb. The test
 * driver writes real save files, so the round trip is a real one; QEMU's
 * progress and libvirt's words about its images are the integration
 * test's (integration-save-ui).
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vireo-clone-dialog.h"
#include "vireo-connection-private.h"
#include "vireo-machine-actions.h"
#include "vireo-migrate-dialog.h"
#include "vireo-save-dialog.h"
#include "vireo-save-restore.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

typedef struct
{
  GSettings              *settings;
  VireoConnectionManager *manager;
  VireoConnection        *connection;
  VireoWindow            *window;
  char                   *dir;
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
  f->settings = g_settings_new (APP_ID);
  g_settings_set_boolean (f->settings, "hide-inactive", FALSE);
  f->manager = vireo_connection_manager_new ();
  vireo_connection_manager_set_stats_interval (f->manager, 0);
  f->connection = vireo_connection_manager_add (f->manager, "test:///default");
  vireo_connection_open_async (f->connection, NULL, NULL, NULL);
  f->window = VIREO_WINDOW (vireo_window_new (NULL, f->manager));
  gtk_window_present (GTK_WINDOW (f->window));
  vireo_test_wait_for (page_is_list, f->window, 10, "the machine list");
  f->dir = g_dir_make_tmp ("vireo-vm-operations-XXXXXX", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  gtk_window_destroy (GTK_WINDOW (f->window));
  vireo_connection_close (f->connection);
  g_clear_object (&f->manager);
  g_clear_object (&f->settings);
}

static VireoDomain *
select_domain (Fixture    *f,
               const char *name)
{
  GtkSelectionModel *selection = vireo_window_get_selection (f->window);
  GListModel *model = G_LIST_MODEL (selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VireoDomain) d = g_list_model_get_item (model, i);
      if (g_str_equal (vireo_domain_get_name (d), name))
        {
          gtk_selection_model_select_item (selection, i, TRUE);
          return d;   /* the list keeps it alive */
        }
    }
  g_error ("%s is not listed", name);
}

static gboolean
state_is (gpointer data)
{
  gpointer *pair = data;

  return (int) vireo_domain_get_state (pair[0]) == GPOINTER_TO_INT (pair[1]);
}

static void
wait_state (VireoDomain      *domain,
            VireoDomainState  state)
{
  gpointer pair[] = { domain, GINT_TO_POINTER (state) };

  vireo_test_wait_for (state_is, pair, 10, vireo_domain_state_to_string (state));
}

static gboolean
path_suggested (gpointer data)
{
  return *gtk_editable_get_text (vireo_save_dialog_get_path_entry (data)) != '\0';
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* The clock offer for "test", in @data's window. */
static gboolean
window_label (gpointer data)
{
  return vireo_test_find_label (data, "“test” is back; its clock is as old as when it stopped") != NULL;
}

static void
on_saved (GtkWidget  *dialog,
          const char *path,
          char      **out)
{
  *out = g_strdup (path);
}

static void
on_restored (GtkWidget  *dialog,
             const char *uuid,
             char      **out)
{
  *out = g_strdup (uuid);
}

static gboolean
summary_or_error (gpointer data)
{
  return vireo_restore_dialog_get_summary (data) != NULL || vireo_restore_dialog_get_error (data) != NULL;
}

static gboolean
error_shown (gpointer data)
{
  return vireo_restore_dialog_get_error (data) != NULL;
}

static void
test_save_and_restore (Fixture       *f,
                       gconstpointer  data)
{
  VireoDomain *domain = select_domain (f, "test");
  VireoSaveDialog *save;
  VireoRestoreDialog *restore;
  gpointer watch;
  g_autofree char *path = g_build_filename (f->dir, "test.save", NULL);
  g_autofree char *saved_path = NULL;
  g_autofree char *restored_uuid = NULL;
  g_autofree char *command = NULL;

  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_RUNNING);

  /* The list's action opens the dialog for the selected machine. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.save-to-file", NULL));
  save = VIREO_SAVE_DIALOG (vireo_test_find_toplevel (VIREO_TYPE_SAVE_DIALOG));
  g_assert_nonnull (save);

  /* Suggested in the pool's folder, where libvirt can write. */
  vireo_test_wait_for (path_suggested, save, 10, "a suggested path");
  g_assert_cmpstr (gtk_editable_get_text (vireo_save_dialog_get_path_entry (save)), ==, "/default-pool/test.save");

  /* A relative path is not one on the host: Save waits, the typing stays. */
  gtk_editable_set_text (vireo_save_dialog_get_path_entry (save), "test.save");
  g_assert_false (gtk_widget_get_sensitive (vireo_save_dialog_get_save_button (save)));
  g_assert_cmpstr (gtk_editable_get_text (vireo_save_dialog_get_path_entry (save)), ==, "test.save");

  gtk_editable_set_text (vireo_save_dialog_get_path_entry (save), path);
  g_assert_true (gtk_widget_get_sensitive (vireo_save_dialog_get_save_button (save)));
  command = vireo_save_dialog_dup_command (save);
  g_assert_nonnull (strstr (command, "virsh"));
  g_assert_nonnull (strstr (command, " save test "));
  g_assert_nonnull (strstr (command, path));
  vireo_test_save_window (GTK_WIDGET (save), "save-to-file");

  g_signal_connect (save, "saved", G_CALLBACK (on_saved), &saved_path);
  watch = save;
  g_object_add_weak_pointer (G_OBJECT (save), &watch);
  g_signal_emit_by_name (vireo_save_dialog_get_save_button (save), "clicked");
  vireo_test_wait_for (window_gone, &watch, 20, "the save to end");
  g_assert_cmpstr (saved_path, ==, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  wait_state (domain, VIREO_DOMAIN_STATE_SHUTOFF);
  /* A file save is not a managed one: Run boots, it does not restore.
   * Asked of libvirt, whose answer the list then shows. */
  {
    VireoTestAsync a = { 0 };
    g_autoptr(GError) error = NULL;

    vireo_domain_has_managed_save_async (domain, NULL, vireo_test_async_cb, &a);
    g_assert_false (vireo_domain_has_managed_save_finish (domain, vireo_test_async_wait (&a, 10), &error));
    g_assert_no_error (error);
    g_object_unref (a.result);
    g_assert_false (vireo_domain_get_has_saved_state (domain));
  }

  /* Restore from File: the dialog says which machine the file holds. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "conn.restore", NULL));
  restore = VIREO_RESTORE_DIALOG (vireo_test_find_toplevel (VIREO_TYPE_RESTORE_DIALOG));
  g_assert_nonnull (restore);
  g_assert_false (gtk_widget_get_sensitive (vireo_restore_dialog_get_restore_button (restore)));
  gtk_editable_set_text (vireo_restore_dialog_get_path_entry (restore), path);
  vireo_test_wait_for (summary_or_error, restore, 10, "what the file holds");
  g_assert_null (vireo_restore_dialog_get_error (restore));
  g_assert_nonnull (strstr (vireo_restore_dialog_get_summary (restore), "“test”"));
  g_assert_true (gtk_widget_get_sensitive (vireo_restore_dialog_get_restore_button (restore)));
  vireo_test_save_window (GTK_WIDGET (restore), "restore-from-file");

  /* libvirt 9.0's test driver refuses to restore paused (QEMU does it:
   * integration-save-ui): libvirt's words stay in the dialog with the path
   * as typed, and another choice may be tried. */
  vireo_restore_dialog_set_state (restore, VIREO_RESTORE_PAUSED);
  g_signal_emit_by_name (vireo_restore_dialog_get_restore_button (restore), "clicked");
  vireo_test_wait_for (error_shown, restore, 10, "the refusal");
  g_assert_nonnull (strstr (vireo_restore_dialog_get_error (restore), "unsupported flags"));
  g_assert_cmpstr (gtk_editable_get_text (vireo_restore_dialog_get_path_entry (restore)), ==, path);
  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_SHUTOFF);
  vireo_restore_dialog_set_state (restore, VIREO_RESTORE_AS_SAVED);
  g_assert_true (gtk_widget_get_sensitive (vireo_restore_dialog_get_restore_button (restore)));

  g_signal_connect (restore, "restored", G_CALLBACK (on_restored), &restored_uuid);
  watch = restore;
  g_object_add_weak_pointer (G_OBJECT (restore), &watch);
  g_signal_emit_by_name (vireo_restore_dialog_get_restore_button (restore), "clicked");
  vireo_test_wait_for (window_gone, &watch, 20, "the restore to end");
  g_assert_cmpstr (restored_uuid, ==, vireo_domain_get_uuid (domain));
  /* Running, as it was saved. */
  wait_state (domain, VIREO_DOMAIN_STATE_RUNNING);
  /* The clock offer names the machine, once its state has settled. */
  vireo_test_wait_for (window_label, f->window, 30, "the clock offer (behind any news shown)");
}

static void
test_restore_refusals (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *junk = g_build_filename (f->dir, "junk.save", NULL);
  VireoRestoreDialog *restore;
  const char *error;

  g_assert_true (g_file_set_contents (junk, "not a save image\n", -1, NULL));
  restore = VIREO_RESTORE_DIALOG (vireo_restore_dialog_new (GTK_WINDOW (f->window), f->connection));
  gtk_window_present (GTK_WINDOW (restore));

  /* A file that is no save image: libvirt's words, on the field. */
  gtk_editable_set_text (vireo_restore_dialog_get_path_entry (restore), junk);
  vireo_test_wait_for (error_shown, restore, 10, "the refusal");
  error = vireo_restore_dialog_get_error (restore);
  g_assert_true (g_str_has_prefix (error, "File: "));
  g_assert_false (gtk_widget_get_sensitive (vireo_restore_dialog_get_restore_button (restore)));
  g_assert_cmpstr (gtk_editable_get_text (vireo_restore_dialog_get_path_entry (restore)), ==, junk);

  /* Not a path on the host at all. */
  gtk_editable_set_text (vireo_restore_dialog_get_path_entry (restore), "relative.save");
  g_assert_nonnull (strstr (vireo_restore_dialog_get_error (restore), "“/”"));
  g_assert_false (gtk_widget_get_sensitive (vireo_restore_dialog_get_restore_button (restore)));
  gtk_window_destroy (GTK_WINDOW (restore));
}

static gboolean
has_saved_state (gpointer data)
{
  return vireo_domain_get_has_saved_state (data);
}

static gboolean
lost_saved_state (gpointer data)
{
  return !vireo_domain_get_has_saved_state (data);
}

static void
test_managed_saved_state (Fixture       *f,
                          gconstpointer  data)
{
  VireoDomain *domain = select_domain (f, "test");
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };
  GtkWindow *question;
  g_autofree char *label = NULL;

  /* Save and Stop: the list says "Saved", and offers to remove it. */
  vireo_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.save", NULL));
  wait_state (domain, VIREO_DOMAIN_STATE_SHUTOFF);
  vireo_test_wait_for (has_saved_state, domain, 10, "the saved state");
  g_object_get (domain, "state-label", &label, NULL);
  g_assert_cmpstr (label, ==, "Saved");

  /* Run restores it; the clock offer follows. */
  /* The list enables its actions on an idle after a change. */
  vireo_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.start", NULL));
  wait_state (domain, VIREO_DOMAIN_STATE_RUNNING);
  g_assert_false (vireo_domain_get_has_saved_state (domain));
  vireo_test_wait_for (window_label, f->window, 30, "the clock offer (behind any news shown)");

  /* Save again, then Remove Saved State (asked first, with virsh's line). */
  vireo_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.save", NULL));
  vireo_test_wait_for (has_saved_state, domain, 10, "the saved state");
  vireo_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.remove-saved-state", NULL));
  question = vireo_test_find_newest_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (question);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (question)), "managedsave-remove test"));
  vireo_test_save_window (GTK_WIDGET (question), "remove-saved-state");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "remove");
  vireo_test_wait_for (lost_saved_state, domain, 10, "the saved state to go");
  g_free (label);
  g_object_get (domain, "state-label", &label, NULL);
  g_assert_cmpstr (label, ==, "Shut off");

  /* And libvirt agrees. */
  vireo_domain_has_managed_save_async (domain, NULL, vireo_test_async_cb, &a);
  g_assert_false (vireo_domain_has_managed_save_finish (domain, vireo_test_async_wait (&a, 10), &error));
  g_assert_no_error (error);
  g_object_unref (a.result);
}

/* Holds the connection's serial worker, so a save waits in its queue and
 * the dialog can be seen (and stopped) while it runs, without timing. */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean open;
} Gate;

static void
gate_thread (GTask        *task,
             virConnectPtr conn,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Gate *gate = task_data;

  g_mutex_lock (&gate->lock);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
  g_task_return_boolean (task, TRUE);
}

static gboolean
progress_shown (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (vireo_save_dialog_get_progress_bar (data)));
}

static void
on_finished (GtkWidget  *dialog,
             const char *path,
             gboolean   *saved)
{
  *saved = TRUE;
}

/* While the save runs: the form is locked, the bar shows, Stop replaces
 * Cancel; Stop before libvirt began leaves the machine running and no
 * file, and says so in the dialog. */
static void
test_save_progress (Fixture       *f,
                    gconstpointer  data)
{
  VireoDomain *domain = select_domain (f, "test");
  g_autofree char *path = g_build_filename (f->dir, "stopped.save", NULL);
  GtkWidget *save = vireo_save_dialog_new (GTK_WINDOW (f->window), domain);
  GTask *task = g_task_new (f->connection, NULL, NULL, NULL);
  gboolean saved = FALSE;
  Gate gate = { 0 };

  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  gtk_window_present (GTK_WINDOW (save));
  vireo_test_wait_for (path_suggested, save, 10, "a suggested path");
  gtk_editable_set_text (vireo_save_dialog_get_path_entry (VIREO_SAVE_DIALOG (save)), path);
  g_signal_connect (save, "saved", G_CALLBACK (on_finished), &saved);

  g_task_set_task_data (task, &gate, NULL);
  vireo_connection_run (f->connection, task, gate_thread);
  g_signal_emit_by_name (vireo_save_dialog_get_save_button (VIREO_SAVE_DIALOG (save)), "clicked");
  vireo_test_wait_for (progress_shown, save, 10, "the progress");
  g_assert_false (gtk_widget_get_sensitive (vireo_save_dialog_get_save_button (VIREO_SAVE_DIALOG (save))));
  g_assert_nonnull (vireo_test_find_label (save, "Starting…"));
  vireo_test_save_window (save, "save-progress");

  /* Stop, then let the worker go: the save never starts. */
  vireo_save_dialog_stop (VIREO_SAVE_DIALOG (save));
  g_assert_nonnull (vireo_test_find_label (save, "Stopping…"));
  g_mutex_lock (&gate.lock);
  gate.open = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.lock);
  vireo_test_wait_for ((VireoTestCondition) gtk_widget_get_sensitive,
                       vireo_save_dialog_get_save_button (VIREO_SAVE_DIALOG (save)), 10, "the form back");
  g_assert_false (saved);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_RUNNING);
  g_assert_nonnull (vireo_test_find_label (save, "The save was stopped. The machine goes on as before, and no file was left."));
  g_assert_null (vireo_save_dialog_get_error (VIREO_SAVE_DIALOG (save)));
  gtk_window_destroy (GTK_WINDOW (save));
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
}

static gboolean
clone_loaded (gpointer data)
{
  return vireo_clone_dialog_get_plan (data) != NULL;
}

/* The dialog's own test (clone-dialog) covers the form; here, the list's
 * action opens it on the selected machine. */
static void
test_clone_action (Fixture       *f,
                   gconstpointer  data)
{
  VireoDomain *domain = select_domain (f, "test");
  GtkWidget *dialog;

  vireo_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.clone", NULL));
  dialog = vireo_test_find_toplevel (VIREO_TYPE_CLONE_DIALOG);
  g_assert_nonnull (dialog);
  /* "test" runs: the dialog says it cannot be cloned now. */
  vireo_test_wait_for (clone_loaded, dialog, 10, "the clone plan");
  g_assert_cmpstr (vireo_clone_dialog_get_page (VIREO_CLONE_DIALOG (dialog)), ==, "message");
  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_RUNNING);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
migrate_settled (gpointer data)
{
  return g_strcmp0 (vireo_migrate_dialog_get_page (data), "loading") != 0;
}

/* The dialog's own tests cover the form; here, the list's action and the
 * machine window's open it, with the hosts of the main window's manager:
 * only this one, so there is nowhere to go yet. */
static void
test_migrate_action (Fixture       *f,
                     gconstpointer  data)
{
  VireoDomain *domain = select_domain (f, "test");
  VireoVmWindow *window;
  GtkWidget *dialog;

  vireo_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "vm.migrate", NULL));
  dialog = vireo_test_find_toplevel (VIREO_TYPE_MIGRATE_DIALOG);
  g_assert_nonnull (dialog);
  vireo_test_wait_for (migrate_settled, dialog, 10, "the migrate dialog");
  g_assert_cmpstr (vireo_migrate_dialog_get_page (VIREO_MIGRATE_DIALOG (dialog)), ==, "none");
  gtk_window_destroy (GTK_WINDOW (dialog));

  window = vireo_vm_window_present_for (GTK_WINDOW (f->window), domain);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "machine.migrate", NULL));
  dialog = vireo_test_find_toplevel (VIREO_TYPE_MIGRATE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The machine's window has the same operations in its header's menu. */
static void
test_machine_menu (Fixture       *f,
                   gconstpointer  data)
{
  VireoDomain *domain = select_domain (f, "test");
  VireoVmWindow *window = vireo_vm_window_present_for (GTK_WINDOW (f->window), domain);
  GtkWidget *button = vireo_test_find_named (GTK_WIDGET (window), "machine-menu");
  GtkWidget *dialog;

  g_assert_nonnull (button);
  g_assert_true (GTK_IS_MENU_BUTTON (button));

  /* What the menu offers follows the machine: a group like the window's. */
  {
    GActionGroup *group = vireo_machine_action_group_new (GTK_WINDOW (window), domain, NULL);

    g_assert_true (g_action_group_get_action_enabled (group, "pause"));
    g_assert_false (g_action_group_get_action_enabled (group, "resume"));
    g_assert_false (g_action_group_get_action_enabled (group, "run"));
    g_assert_false (g_action_group_get_action_enabled (group, "remove-saved-state"));
    g_assert_true (g_action_group_get_action_enabled (group, "save-to-file"));
    g_object_unref (group);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "machine.pause", NULL));
  wait_state (domain, VIREO_DOMAIN_STATE_PAUSED);
  vireo_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "machine.resume", NULL));
  wait_state (domain, VIREO_DOMAIN_STATE_RUNNING);
  /* The clock offer comes in the machine's own window. */
  vireo_test_wait_for (window_label, window, 30, "the clock offer (behind any news shown)");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "machine.save-to-file", NULL));
  dialog = vireo_test_find_toplevel (VIREO_TYPE_SAVE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Save and Stop leaves a saved state that the window's menu offers to
   * remove; Force Off asks first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "machine.save", NULL));
  vireo_test_wait_for (has_saved_state, domain, 10, "the saved state");
  vireo_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "machine.remove-saved-state", NULL));
  dialog = GTK_WIDGET (vireo_test_find_newest_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "remove");
  vireo_test_wait_for (lost_saved_state, domain, 10, "the saved state to go");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "machine.run", NULL));
  wait_state (domain, VIREO_DOMAIN_STATE_RUNNING);
  vireo_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "machine.force-off", NULL));
  dialog = GTK_WIDGET (vireo_test_find_newest_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Force Off “test”?");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "off");
  wait_state (domain, VIREO_DOMAIN_STATE_SHUTOFF);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();

  g_test_add ("/vm-operations/save-and-restore", Fixture, NULL, fixture_set_up, test_save_and_restore, fixture_tear_down);
  g_test_add ("/vm-operations/restore-refusals", Fixture, NULL, fixture_set_up, test_restore_refusals, fixture_tear_down);
  g_test_add ("/vm-operations/managed-saved-state", Fixture, NULL, fixture_set_up, test_managed_saved_state, fixture_tear_down);
  g_test_add ("/vm-operations/clone-action", Fixture, NULL, fixture_set_up, test_clone_action, fixture_tear_down);
  g_test_add ("/vm-operations/machine-menu", Fixture, NULL, fixture_set_up, test_machine_menu, fixture_tear_down);
  g_test_add ("/vm-operations/save-progress", Fixture, NULL, fixture_set_up, test_save_progress, fixture_tear_down);
  g_test_add ("/vm-operations/migrate-action", Fixture, NULL, fixture_set_up, test_migrate_action, fixture_tear_down);
  status = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return status;
}
