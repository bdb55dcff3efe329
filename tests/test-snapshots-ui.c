/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The VM window's Snapshots tab on libvirt's test driver
 * (tests/data/test-snapshots.xml: a running machine on qcow2), under Xvfb:
 * Take Snapshot suggests a name and refuses a taken one on its field, a
 * snapshot taken after another shows under it in the tree, the
 * description is edited in place, Revert and Delete ask first with the
 * virsh line and do it. An external snapshot with memory shows its
 * memory file's size against the pool's free space (Take refused when it
 * cannot fit), and its delete is refused while another machine's disk
 * reads its image. With VIREO_SCREENSHOT_DIR set, the windows are saved
 * there.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

typedef struct
{
  VireoSnapshotsPage *page;
  guint               reads;
} ReadWait;

static gboolean
read_again (gpointer data)
{
  ReadWait *w = data;

  return vireo_snapshots_page_get_reads (w->page) > w->reads && !vireo_snapshots_page_get_loading (w->page);
}

static void
wait_read (VireoSnapshotsPage *page,
           guint               before)
{
  ReadWait w = { page, before };

  vireo_test_wait_for (read_again, &w, 20, "the snapshots");
}

static char *cache;

static gboolean
thumbnail_saved (gpointer data)
{
  g_autofree char *file = g_strconcat (data, ".png", NULL);
  g_autofree char *path = g_build_filename (cache, "vireo", "snapshots", "55555555-5555-4555-8555-555555555555",
                                            file, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
create_ready (gpointer data)
{
  return gtk_widget_get_sensitive (vireo_test_find_named (data, "snapshot-create"));
}

static VireoSnapshotInfo *
find (VireoSnapshotsPage *page,
      const char         *name)
{
  GPtrArray *all = vireo_snapshots_page_get_snapshots (page);

  for (guint i = 0; all != NULL && i < all->len; i++)
    if (g_strcmp0 (((VireoSnapshotInfo *) g_ptr_array_index (all, i))->name, name) == 0)
      return g_ptr_array_index (all, i);
  return NULL;
}

/* Take Snapshot with @name typed over the suggestion. */
static void
take (VireoSnapshotsPage *page,
      const char         *name,
      const char         *description,
      const char         *screenshot)
{
  GtkWidget *window = vireo_snapshots_page_take (page);
  guint reads = vireo_snapshots_page_get_reads (page);
  GtkWidget *command;

  vireo_test_wait_for (create_ready, window, 20, "the machine's definition");
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_named (window, "snapshot-name")), name);
  if (description != NULL)
    gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_named (window, "snapshot-new-description")), description);
  /* qcow2 and running: internal, with the memory, chosen for the user. */
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (vireo_test_find_named (window, "snapshot-internal"))));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (vireo_test_find_named (window, "snapshot-memory"))));
  command = vireo_test_find_named (window, "snapshot-command");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (command)), "snapshot-create"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (command)), name));
  if (screenshot != NULL)
    vireo_test_save_window (window, screenshot);
  g_signal_emit_by_name (vireo_test_find_named (window, "snapshot-create"), "clicked");
  wait_read (page, reads);
  g_assert_nonnull (find (page, name));
}

static void
test_snapshots (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-snapshots.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_strconcat ("test://", abs, NULL);
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *domain = vireo_test_find_domain (conn, "web");
  VireoVmWindow *window;
  VireoSnapshotsPage *page;
  GtkWidget *dialog;
  GtkWidget *name_row;
  GtkWidget *error_label;
  GtkWidget *entry;
  guint reads;

  window = vireo_vm_window_present_for (NULL, domain);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  vireo_vm_window_show_snapshots (window);
  page = vireo_vm_window_get_snapshots_page (window);
  wait_read (page, 0);
  g_assert_cmpuint (vireo_snapshots_page_get_snapshots (page)->len, ==, 0);

  /* The suggestion, and a taken name refused on its field. */
  take (page, "before-update", "Clean install, updates pending", "snapshot-take");
  dialog = vireo_snapshots_page_take (page);
  vireo_test_wait_for (create_ready, dialog, 20, "the machine's definition");
  name_row = vireo_test_find_named (dialog, "snapshot-name");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "snapshot1");
  gtk_editable_set_text (GTK_EDITABLE (name_row), "before-update");
  g_assert_false (gtk_widget_get_sensitive (vireo_test_find_named (dialog, "snapshot-create")));
  g_assert_true (gtk_widget_has_css_class (name_row, "error"));
  error_label = vireo_test_find_named (dialog, "snapshot-name-error");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "before-update"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Taken after the first: its child in the tree, and current. */
  take (page, "after-update", NULL, NULL);
  g_assert_cmpstr (find (page, "after-update")->parent, ==, "before-update");
  g_assert_true (find (page, "after-update")->current);
  g_assert_cmpstr (find (page, "before-update")->description, ==, "Clean install, updates pending");
  /* A running machine's snapshots get a picture of its screen. */
  vireo_test_wait_for (thumbnail_saved, "after-update", 20, "the thumbnail");
  vireo_test_wait_for (thumbnail_saved, "before-update", 20, "the thumbnail");
  vireo_test_save_window (GTK_WIDGET (window), "snapshot-tree");

  /* The description, edited where it is shown. */
  g_assert_true (vireo_snapshots_page_select (page, "before-update"));
  entry = vireo_test_find_named (GTK_WIDGET (page), "snapshot-description");
  gtk_editable_set_text (GTK_EDITABLE (entry), "Before the big update");
  reads = vireo_snapshots_page_get_reads (page);
  g_signal_emit_by_name (vireo_test_find_named (GTK_WIDGET (page), "snapshot-description-save"), "clicked");
  wait_read (page, reads);
  g_assert_cmpstr (find (page, "before-update")->description, ==, "Before the big update");
  g_assert_true (find (page, "after-update")->current);

  /* Revert asks, shows its line, then reverts: the first is current. */
  dialog = vireo_snapshots_page_revert (page);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (vireo_test_find_named (dialog, "revert-command"))),
                            "snapshot-revert web --snapshotname before-update"));
  reads = vireo_snapshots_page_get_reads (page);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "revert");
  wait_read (page, reads);
  g_assert_true (find (page, "before-update")->current);

  /* Delete with what was taken after it. */
  dialog = vireo_snapshots_page_delete (page);
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "delete-tree"));
  reads = vireo_snapshots_page_get_reads (page);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete-tree");
  wait_read (page, reads);
  g_assert_cmpuint (vireo_snapshots_page_get_snapshots (page)->len, ==, 0);
  g_assert_null (vireo_snapshots_page_get_selected (page));
  /* Their pictures went with them. */
  g_assert_false (thumbnail_saved ("before-update"));
  g_assert_false (thumbnail_saved ("after-update"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
label_has (gpointer data)
{
  GtkWidget *label = ((gpointer *) data)[0];
  const char *want = ((gpointer *) data)[1];

  return gtk_widget_get_visible (label) && strstr (gtk_label_get_text (GTK_LABEL (label)), want) != NULL;
}

static void
wait_label (GtkWidget  *label,
            const char *want)
{
  gpointer data[2] = { label, (gpointer) want };

  vireo_test_wait_for (label_has, data, 20, want);
}

static const char *
dialog_state (GtkWidget *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), "vireo-state");
}

static gboolean
dialog_settled (gpointer data)
{
  return g_strcmp0 (dialog_state (data), "checking") != 0;
}

/* External with memory: the memory file beside the image in its pool, its
 * size against that pool's room, the overlays' place; Take refused when it
 * cannot fit; and a delete refused while another machine's disk reads the
 * image the overlay would be merged into. */
static void
test_external (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-snapshots.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_strconcat ("test://", abs, NULL);
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoVmWindow *window;
  VireoSnapshotsPage *page;
  GtkWidget *take;
  GtkWidget *space;
  GtkWidget *dialog;
  guint reads;

  window = vireo_vm_window_present_for (NULL, vireo_test_find_domain (conn, "web"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  vireo_vm_window_show_snapshots (window);
  page = vireo_vm_window_get_snapshots_page (window);
  wait_read (page, 0);

  take = vireo_snapshots_page_take (page);
  gtk_window_set_default_size (GTK_WINDOW (take), 560, 760);
  vireo_test_wait_for (create_ready, take, 20, "the machine's definition");
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_named (take, "snapshot-name")), "before-migration");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (vireo_test_find_named (take, "snapshot-external")), TRUE);
  /* Beside the image, following the name. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (vireo_test_find_named (take, "snapshot-memory-file"))), ==,
                   "/snap-pool/web.before-migration.mem");
  space = vireo_test_find_named (take, "snapshot-space");
  wait_label (space, "free on pool “snap-pool”");
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (space)), "Needs about 1.1\u00a0GiB; "));
  g_assert_true (gtk_widget_has_css_class (space, "dim-label"));
  g_assert_true (gtk_widget_get_sensitive (vireo_test_find_named (take, "snapshot-create")));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (vireo_test_find_named (take, "snapshot-overlays"))),
                            "/snap-pool/web.before-migration.qcow2"));
  vireo_test_save_window (take, "snapshot-take-external");

  /* No pool holds that folder, and the test driver's paths are not this
   * computer's: unknown, and still allowed. */
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_named (take, "snapshot-memory-file")), "/srv/memory/web.mem");
  wait_label (space, "unknown");
  g_assert_true (gtk_widget_get_sensitive (vireo_test_find_named (take, "snapshot-create")));
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_named (take, "snapshot-memory-file")),
                         "/snap-pool/web.before-migration.mem");
  wait_label (space, "free on pool");
  reads = vireo_snapshots_page_get_reads (page);
  g_signal_emit_by_name (vireo_test_find_named (take, "snapshot-create"), "clicked");
  wait_read (page, reads);
  g_assert_cmpint (find (page, "before-migration")->location, ==, VIREO_SNAPSHOT_EXTERNAL);

  /* web-clone's disk is an overlay of web.qcow2: no merge into it. */
  g_assert_true (vireo_snapshots_page_select (page, "before-migration"));
  dialog = vireo_snapshots_page_delete (page);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "delete"));
  vireo_test_wait_for (dialog_settled, dialog, 20, "the check of other machines");
  g_assert_cmpstr (dialog_state (dialog), ==, "refused");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "delete"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "/snap-pool/web.qcow2: the disks of “web-clone”"));
  /* Even a response sent anyway deletes nothing. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  g_assert_nonnull (find (page, "before-migration"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));

  /* 200 GiB of memory does not fit in the pool's 100 GiB: Take refused. */
  window = vireo_vm_window_present_for (NULL, vireo_test_find_domain (conn, "big"));
  vireo_vm_window_show_snapshots (window);
  page = vireo_vm_window_get_snapshots_page (window);
  wait_read (page, 0);
  take = vireo_snapshots_page_take (page);
  vireo_test_wait_for (create_ready, take, 20, "the machine's definition");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (vireo_test_find_named (take, "snapshot-external")), TRUE);
  space = vireo_test_find_named (take, "snapshot-space");
  wait_label (space, "is free on pool “snap-pool”");
  g_assert_true (gtk_widget_has_css_class (space, "error"));
  g_assert_false (gtk_widget_get_sensitive (vireo_test_find_named (take, "snapshot-create")));
  /* Without the memory it fits. */
  gtk_switch_set_active (GTK_SWITCH (vireo_test_find_named (take, "snapshot-memory")), FALSE);
  g_assert_false (gtk_widget_get_visible (space));
  g_assert_true (gtk_widget_get_sensitive (vireo_test_find_named (take, "snapshot-create")));
  gtk_window_destroy (GTK_WINDOW (take));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  /* Thumbnails go to the cache: a private one, looked at below. */
  cache = g_dir_make_tmp ("vireo-snapshots-ui-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();

  g_test_add_func ("/snapshots-ui/take-edit-revert-delete", test_snapshots);
  g_test_add_func ("/snapshots-ui/external-space-and-users", test_external);
  status = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  {
    g_autofree char *dir = g_build_filename (cache, "vireo", "snapshots", "55555555-5555-4555-8555-555555555555",
                                             NULL);

    g_rmdir (dir);
    g_clear_pointer (&dir, g_free);
    dir = g_build_filename (cache, "vireo", "snapshots", NULL);
    g_rmdir (dir);
    g_clear_pointer (&dir, g_free);
    dir = g_build_filename (cache, "vireo", NULL);
    g_rmdir (dir);
    g_rmdir (cache);
  }
  return status;
}
