/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Clone… through the machine list on the private libvirtd, under Xvfb: a
 * shut-off TCG guest with a qcow2 disk in a dir pool is cloned by the
 * dialog with its suggestions; libvirt then has the clone with a new UUID
 * and MAC and its own qcow2 volume in the pool, byte for byte the
 * original's guest data; the original is untouched; Open shows the
 * clone's window. The job's failure, cancel and NVRAM/TPM cases are
 * integration-clone's.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-clone-dialog.h"
#include "vireo-dhcp-guest.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

#define GUEST "vclone-ui"
#define CLONE "vclone-ui-clone"
#define POOL  "vclone-ui-pool"
#define MAC   "52:54:00:7c:10:01"

static VireoConnectionManager *manager;
static VireoConnection        *conn;
static virConnectPtr           direct;
static VireoWindow            *window;

static gboolean
page_is_list (gpointer data)
{
  const char *page = vireo_window_get_visible_page (data);

  return g_strcmp0 (page, "list") == 0 || g_strcmp0 (page, "empty") == 0;
}

static gboolean
listed (gpointer data)
{
  return vireo_test_find_domain (conn, data) != NULL;
}

static gboolean
page_is (gpointer data)
{
  gpointer *pair = data;

  return g_strcmp0 (vireo_clone_dialog_get_page (pair[0]), pair[1]) == 0;
}

static void
wait_page (VireoCloneDialog *dialog,
           const char       *page,
           double            timeout_s)
{
  gpointer pair[] = { dialog, (gpointer) page };

  vireo_test_wait_for (page_is, pair, timeout_s, page);
}

static gboolean
vm_window_shown (gpointer data)
{
  GtkWidget *w = vireo_test_find_toplevel (VIREO_TYPE_VM_WINDOW);

  return w != NULL && g_strcmp0 (vireo_domain_get_name (vireo_vm_window_get_domain (VIREO_VM_WINDOW (w))), data) == 0;
}

static char *
checksum_of (const char *path)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  /* The guest's view of the image, whatever qcow2 keeps around it. */
  g_assert_true (g_spawn_sync (NULL, (char *[]) { "sh", "-c", "qemu-img convert -U -O raw \"$0\" /dev/stdout | sha256sum",
                                                  (char *) path, NULL },
                               NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, NULL, &error));
  g_assert_no_error (error);
  return g_strndup (out, 64);
}

static void
test_clone (void)
{
  g_autofree char *dir = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "clone-ui", NULL);
  g_autofree char *image = g_build_filename (dir, GUEST ".qcow2", NULL);
  g_autofree char *clone_image = g_build_filename (dir, CLONE ".qcow2", NULL);
  g_autofree char *pool_xml = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *clone_xml = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  virStoragePoolPtr pool;
  virDomainPtr dom, clone;
  VireoCloneDialog *dialog;
  GtkSelectionModel *selection;
  char uuid[VIR_UUID_STRING_BUFLEN], clone_uuid[VIR_UUID_STRING_BUFLEN];

  /* A pool with the guest's disk, holding some data of its own. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { "qemu-img", "create", "-q", "-f", "qcow2", image, "64M", NULL },
                               NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { "qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 1M 4M", image, NULL },
                               NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL,
                               &error));
  g_assert_no_error (error);
  before = checksum_of (image);
  pool_xml = g_strdup_printf ("<pool type='dir'><name>" POOL "</name><target><path>%s</path></target></pool>", dir);
  pool = virStoragePoolCreateXML (direct, pool_xml, 0);
  g_assert_nonnull (pool);

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, GUEST);
  disk = g_strdup_printf ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                          "<source file='%s'/><target dev='vda' bus='virtio'/></disk>", image);
  g_assert_nonnull (vireo_domain_config_add_device (config, disk, &error));
  g_assert_no_error (error);
  g_assert_nonnull (vireo_domain_config_add_device (config,
                                                    "<interface type='user'><mac address='" MAC "'/>"
                                                    "<model type='virtio'/></interface>", &error));
  g_assert_no_error (error);
  g_clear_pointer (&xml, g_free);
  xml = vireo_domain_config_to_xml (config);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainGetUUIDString (dom, uuid), ==, 0);
  vireo_test_wait_for (listed, GUEST, 30, "the guest in the list");

  /* Clone… on the selected machine. */
  selection = vireo_window_get_selection (window);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      g_autoptr(VireoDomain) d = g_list_model_get_item (G_LIST_MODEL (selection), i);
      if (g_str_equal (vireo_domain_get_name (d), GUEST))
        gtk_selection_model_select_item (selection, i, TRUE);
    }
  vireo_test_settle ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "vm.clone", NULL));
  dialog = VIREO_CLONE_DIALOG (vireo_test_find_toplevel (VIREO_TYPE_CLONE_DIALOG));
  g_assert_nonnull (dialog);
  wait_page (dialog, "form", 30);
  g_assert_cmpstr (gtk_editable_get_text (vireo_clone_dialog_get_name_entry (dialog)), ==, CLONE);
  vireo_test_save_window (GTK_WIDGET (dialog), "clone-dialog-real");
  g_signal_emit_by_name (vireo_clone_dialog_get_clone_button (dialog), "clicked");
  wait_page (dialog, "done", 120);

  /* libvirt has it: its own identity and its own volume. */
  clone = virDomainLookupByName (direct, CLONE);
  g_assert_nonnull (clone);
  g_assert_cmpint (virDomainGetUUIDString (clone, clone_uuid), ==, 0);
  g_assert_cmpstr (clone_uuid, !=, uuid);
  g_assert_cmpstr (clone_uuid, ==, vireo_clone_dialog_get_clone_uuid (dialog));
  clone_xml = virDomainGetXMLDesc (clone, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (strstr (clone_xml, clone_image));
  g_assert_null (strstr (clone_xml, MAC));
  g_assert_nonnull (strstr (clone_xml, "<mac address="));
  g_assert_true (g_file_test (clone_image, G_FILE_TEST_IS_REGULAR));
  copied = checksum_of (clone_image);
  after = checksum_of (image);
  g_assert_cmpstr (copied, ==, before);
  g_assert_cmpstr (after, ==, before);

  /* Open: the clone's window, once the list has it. */
  g_signal_emit_by_name (vireo_test_find_named (GTK_WIDGET (dialog), "clone-open"), "clicked");
  vireo_test_wait_for (vm_window_shown, CLONE, 30, "the clone's window");
  gtk_window_destroy (GTK_WINDOW (vireo_test_find_toplevel (VIREO_TYPE_VM_WINDOW)));

  g_assert_cmpint (virDomainUndefine (clone), ==, 0);
  virDomainFree (clone);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  g_assert_cmpint (virStoragePoolDestroy (pool), ==, 0);
  virStoragePoolFree (pool);
  g_unlink (image);
  g_unlink (clone_image);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;
  const char *uri;
  g_autoptr(GSettings) settings = NULL;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();

  settings = g_settings_new (APP_ID);
  g_settings_set_boolean (settings, "hide-inactive", FALSE);
  uri = require_env ("VIREO_TEST_URI");
  direct = virConnectOpen (uri);
  g_assert_nonnull (direct);
  manager = vireo_connection_manager_new ();
  vireo_connection_manager_set_stats_interval (manager, 0);
  conn = vireo_connection_manager_add (manager, uri);
  vireo_connection_open_async (conn, NULL, NULL, NULL);
  window = VIREO_WINDOW (vireo_window_new (NULL, manager));
  gtk_window_present (GTK_WINDOW (window));
  vireo_test_wait_for (page_is_list, window, 60, "the machine list");

  g_test_add_func ("/clone-ui-integration/clone-through-the-list", test_clone);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  vireo_connection_close (conn);
  g_clear_object (&manager);
  virConnectClose (direct);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return status;
}
