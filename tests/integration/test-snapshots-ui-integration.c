/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Snapshots tab on the private libvirtd, under Xvfb: a running TCG
 * guest on a qcow2 image. Take Snapshot through the page makes an
 * internal snapshot with memory that qemu-img itself lists in the image,
 * a second one sits under the first in the tree, Revert through the page
 * brings the guest back running on the first, and Delete with what came
 * after leaves the image without snapshots.
 *
 * With VIREO_SCREENSHOT_DIR set, the window is saved there.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-dhcp-guest.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

#define GUEST "vsnap-ui"

static VireoConnectionManager *manager;
static VireoConnection        *conn;
static virConnectPtr           direct;
static char                   *image;

/* The snapshot names qemu-img finds inside the image (-U: QEMU holds it). */
static char *
image_snapshots (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char *[]) { "qemu-img", "snapshot", "-l", "-U", image, NULL }, NULL, G_SPAWN_SEARCH_PATH,
                NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

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

  vireo_test_wait_for (read_again, &w, 120, "the snapshots");
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

static void
take (VireoSnapshotsPage *page,
      const char         *name)
{
  GtkWidget *window = vireo_snapshots_page_take (page);
  guint reads = vireo_snapshots_page_get_reads (page);

  vireo_test_wait_for (create_ready, window, 30, "the machine's definition");
  /* A running guest on qcow2: internal, with its memory. */
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (vireo_test_find_named (window, "snapshot-internal"))));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (vireo_test_find_named (window, "snapshot-memory"))));
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_named (window, "snapshot-name")), name);
  g_signal_emit_by_name (vireo_test_find_named (window, "snapshot-create"), "clicked");
  wait_read (page, reads);
  g_assert_nonnull (find (page, name));
}

static gboolean
guest_listed (gpointer data)
{
  return vireo_test_find_domain (conn, GUEST) != NULL;
}

static gboolean
guest_running (gpointer data)
{
  return vireo_domain_get_state (data) == VIREO_DOMAIN_STATE_RUNNING;
}

static void
test_page (void)
{
  g_autofree char *dir = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "snapshots-ui", NULL);
  g_autofree char *xml = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *listed = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  virDomainPtr dom;
  VireoDomain *domain;
  VireoVmWindow *window;
  VireoSnapshotsPage *page;
  GtkWidget *dialog;
  guint reads;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  image = g_build_filename (dir, "vsnap-ui.qcow2", NULL);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { "qemu-img", "create", "-q", "-f", "qcow2", image, "32M", NULL },
                               NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, GUEST);
  disk = g_strdup_printf ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                          "<source file='%s'/><target dev='vda' bus='virtio'/></disk>", image);
  g_assert_nonnull (vireo_domain_config_add_device (config, disk, &error));
  g_clear_pointer (&xml, g_free);
  xml = vireo_domain_config_to_xml (config);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  vireo_test_wait_for (guest_listed, NULL, 30, "the guest in the list");

  domain = vireo_test_find_domain (conn, GUEST);
  g_assert_nonnull (domain);
  vireo_test_wait_for (guest_running, domain, 30, "the guest to run");
  window = vireo_vm_window_present_for (NULL, domain);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  vireo_vm_window_show_snapshots (window);
  page = vireo_vm_window_get_snapshots_page (window);
  wait_read (page, 0);

  take (page, "clean");
  take (page, "configured");
  g_assert_cmpstr (find (page, "configured")->parent, ==, "clean");
  listed = image_snapshots ();
  g_assert_nonnull (strstr (listed, "clean"));
  g_assert_nonnull (strstr (listed, "configured"));
  vireo_test_save_window (GTK_WIDGET (window), "snapshot-tree-real");

  /* Revert through the page: running again, on the first. */
  g_assert_true (vireo_snapshots_page_select (page, "clean"));
  dialog = vireo_snapshots_page_revert (page);
  reads = vireo_snapshots_page_get_reads (page);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "revert");
  wait_read (page, reads);
  g_assert_true (find (page, "clean")->current);
  vireo_test_wait_for (guest_running, domain, 30, "the reverted guest to run");

  /* Delete with what came after: nothing left in the image. */
  dialog = vireo_snapshots_page_delete (page);
  reads = vireo_snapshots_page_get_reads (page);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete-tree");
  wait_read (page, reads);
  g_assert_cmpuint (vireo_snapshots_page_get_snapshots (page)->len, ==, 0);
  g_clear_pointer (&listed, g_free);
  listed = image_snapshots ();
  g_assert_null (strstr (listed, "clean"));
  g_assert_null (strstr (listed, "configured"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA), ==, 0);
  virDomainFree (dom);
  g_unlink (image);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;
  const char *uri;
  g_autofree char *cache = g_dir_make_tmp ("vireo-snapshots-ui-XXXXXX", NULL);

  setlocale (LC_ALL, "C.UTF-8");
  /* Thumbnails into a cache of our own. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();

  uri = require_env ("VIREO_TEST_URI");
  direct = virConnectOpen (uri);
  g_assert_nonnull (direct);
  manager = vireo_connection_manager_new ();
  vireo_connection_manager_set_stats_interval (manager, 0);
  conn = vireo_connection_manager_add (manager, uri);
  vireo_connection_open_async (conn, NULL, NULL, NULL);
  vireo_test_wait_for ((VireoTestCondition) vireo_test_has_versions, conn, 60, "the connection");

  g_test_add_func ("/snapshots-ui-integration/take-revert-delete", test_page);
  status = g_test_run ();

  vireo_connection_close (conn);
  g_clear_object (&manager);
  virConnectClose (direct);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  /* The page removed the thumbnails with their snapshots; then the
   * folders left. */
  {
    const char *parts[] = { "vireo/snapshots", "vireo" };

    for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
      {
        g_autofree char *path = g_build_filename (cache, parts[i], NULL);
        g_autoptr(GDir) uuids = i == 0 ? g_dir_open (path, 0, NULL) : NULL;
        const char *entry;

        while (uuids != NULL && (entry = g_dir_read_name (uuids)) != NULL)
          {
            g_autofree char *sub = g_build_filename (path, entry, NULL);

            g_assert_cmpint (g_rmdir (sub), ==, 0);
          }
        g_rmdir (path);
      }
    g_rmdir (cache);
  }
  g_free (image);
  return status;
}
