/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Host Details › Networks on the private libvirtd, under Xvfb: a NAT
 * network made with New Virtual Network runs (its bridge exists), a TCG
 * guest on it gets a DHCP lease that the leases table shows with the
 * machine's name; with the network stopped, Start on the machine offers to
 * start the network first, and both then run.
 *
 * With VIREO_SCREENSHOT_DIR set, the windows are saved there as PNGs (the
 * pictures in docs/screenshots come from here).
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <libvirt/libvirt.h>

#include "vireo-dhcp-guest.h"
#include "vireo-network-config.h"
#include "vireo-network-dialog.h"
#include "vireo-volume-dialog.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (virNetwork, virNetworkFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virDomain, virDomainFree)

#define NETWORK   "vui-nat"
#define GUEST     "vui-guest"
#define GUEST_MAC "52:54:00:77:01:01"

static VireoConnectionManager *manager;
static VireoConnection        *conn;
static VireoWindow            *main_window;
static VireoHostWindow        *host_window;
static virConnectPtr           direct;

static gboolean
window_shown (gpointer data)
{
  return vireo_test_find_newest_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
window_gone (gpointer data)
{
  return vireo_test_find_newest_toplevel (GPOINTER_TO_SIZE (data)) == NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} Wait;

static gboolean
label_shown (gpointer data)
{
  Wait *w = data;
  GtkWidget *label = vireo_test_find_label (w->root, w->text);

  return label != NULL && gtk_widget_is_drawable (label);
}

static void
wait_for_label (GtkWidget  *root,
                const char *text,
                double      seconds)
{
  Wait w = { root, text };

  vireo_test_wait_for (label_shown, &w, seconds, text);
}

static gboolean
not_loading (gpointer data)
{
  return !vireo_networks_page_get_loading (data);
}

static gboolean
network_active (gpointer data)
{
  g_autoptr(virNetwork) net = virNetworkLookupByName (direct, NETWORK);

  return net != NULL && virNetworkIsActive (net) == (GPOINTER_TO_INT (data) ? 1 : 0);
}

static gboolean
guest_started (gpointer data)
{
  VireoDomain *domain = vireo_test_find_domain (conn, GUEST);

  return domain != NULL && vireo_domain_get_state (domain) == VIREO_DOMAIN_STATE_RUNNING;
}

/* Scrolls the page so that @widget is on screen (for the picture). */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

  /* The table was just filled: let the page grow before going down. */
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

static gboolean
selects (gpointer data)
{
  return vireo_networks_page_select (data, NETWORK);
}

static gboolean
selects_isolated (gpointer data)
{
  return vireo_networks_page_select (data, "vui-isolated");
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  VireoNetworksPage *page;
} LeaseWait;

static gboolean
lease_shown (gpointer data)
{
  LeaseWait *w = data;
  GtkWidget *page = GTK_WIDGET (w->page);
  static gint64 last;
  gint64 now = g_get_monotonic_time ();

  /* Leases have no event: ask again every two seconds, as the user's
   * Refresh button would. */
  if (now - last > 2 * G_USEC_PER_SEC)
    {
      last = now;
      gtk_widget_activate_action (page, "networks.refresh-leases", NULL);
    }
  return vireo_test_find_label (page, GUEST_MAC) != NULL && vireo_test_find_label (page, GUEST) != NULL;
}

static void
test_nat_lease (void)
{
  VireoNetworksPage *page = vireo_host_window_get_networks_page (host_window);
  GtkWidget *dialog;
  g_autofree char *first24 = slot_first24 (6);
  g_autofree char *address = g_strdup_printf ("%s.1/24", first24);
  g_autofree char *bridge = bridge_name ("ui");
  g_autofree char *range = g_strdup_printf ("%s.2 – %s.254", first24, first24);
  g_autofree char *guest = NULL;
  g_autofree char *sys = NULL;
  g_autoptr(virDomain) dom = NULL;
  LeaseWait lw = { page };

  vireo_host_window_show_page (host_window, "networks");
  vireo_test_wait_for (not_loading, page, 30, "the networks");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "networks.add", NULL));
  vireo_test_wait_for (window_shown, GSIZE_TO_POINTER (VIREO_TYPE_NETWORK_DIALOG), 10, "New Virtual Network");
  dialog = GTK_WIDGET (vireo_test_find_newest_toplevel (VIREO_TYPE_NETWORK_DIALOG));
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_row_titled (dialog, "_Name")), NETWORK);
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_row_titled (dialog, "Host _Address / Prefix")), address);
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_row_titled (dialog, "Bridge _Name (empty: chosen by libvirt)")), bridge);
  vireo_test_save_window (dialog, "network-create-nat");
  gtk_widget_activate_action (dialog, "network.create", NULL);
  vireo_test_wait_for (window_gone, GSIZE_TO_POINTER (VIREO_TYPE_NETWORK_DIALOG), 60, "the network to be made");

  /* Running for real: the kernel has its bridge. */
  vireo_test_wait_for (network_active, GINT_TO_POINTER (TRUE), 30, "the network to run");
  sys = g_build_filename ("/sys/class/net", bridge, NULL);
  g_assert_true (g_file_test (sys, G_FILE_TEST_IS_DIR));
  vireo_test_wait_for (selects, page, 30, "the new network in the list");
  wait_for_label (GTK_WIDGET (page), "NAT", 10);
  wait_for_label (GTK_WIDGET (page), range, 10);

  guest = vireo_test_dhcp_guest_xml (GUEST, GUEST_MAC, NETWORK);
  dom = virDomainDefineXML (direct, guest);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  vireo_test_wait_for (lease_shown, &lw, 120, "the guest's lease in the table");
  scroll_to (vireo_test_find_label (GTK_WIDGET (page), GUEST_MAC));
  vireo_test_save_window (GTK_WIDGET (host_window), "network-leases");
}

static gboolean
offer_shown (gpointer data)
{
  GtkWindow *dialog = vireo_test_find_newest_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL &&
         g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)),
                    "The Network “" NETWORK "” Is Not Running") == 0;
}

static gboolean
stop_question_shown (gpointer data)
{
  return vireo_test_find_newest_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* Listed, and known to be shut off (the destroy's event has arrived). */
static gboolean
guest_listed (gpointer data)
{
  VireoDomain *domain = vireo_test_find_domain (conn, GUEST);

  return domain != NULL && !vireo_domain_get_active (domain);
}

static gboolean
console_not_running (gpointer data)
{
  return g_strcmp0 (vireo_console_page_get_status_title (data), "Not Running") == 0;
}

/* Start on a machine whose network is stopped offers to start it. */
static void
test_start_offers_network (void)
{
  VireoNetworksPage *page = vireo_host_window_get_networks_page (host_window);
  g_autoptr(virDomain) dom = virDomainLookupByName (direct, GUEST);
  GtkSelectionModel *selection = vireo_window_get_selection (main_window);
  GListModel *model = G_LIST_MODEL (selection);
  GtkWindow *dialog;

  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);

  /* Stopped through the page. */
  g_assert_true (vireo_networks_page_select (page, NETWORK));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "networks.stop", NULL));
  /* The guest's definition still has a card on it: it is named. */
  vireo_test_wait_for (stop_question_shown, NULL, 10, "the question");
  dialog = vireo_test_find_newest_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), GUEST));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  gtk_window_destroy (dialog);
  vireo_test_wait_for (network_active, GINT_TO_POINTER (FALSE), 30, "the network to stop");

  vireo_test_wait_for (guest_listed, NULL, 30, "the guest in the list");
  gtk_selection_model_unselect_all (selection);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VireoDomain) d = g_list_model_get_item (model, i);

      if (g_str_equal (vireo_domain_get_name (d), GUEST))
        gtk_selection_model_select_item (selection, i, TRUE);
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "vm.start", NULL));
  vireo_test_wait_for (offer_shown, NULL, 30, "the offer to start the network");
  dialog = vireo_test_find_newest_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "net-start " NETWORK));
  vireo_test_save_window (GTK_WIDGET (dialog), "network-preflight");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "start");
  gtk_window_destroy (dialog);
  vireo_test_wait_for (network_active, GINT_TO_POINTER (TRUE), 30, "the network to start");
  /* Vireo's own view, from the start's event: libvirt calls a domain
   * active while QEMU is still starting, and destroying it then would fail
   * the start. */
  vireo_test_wait_for (guest_started, NULL, 60, "the guest to start");
  /* The same from the console page's Run. */
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  vireo_test_wait_for (guest_listed, NULL, 30, "the guest to stop");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "networks.stop", NULL));
  vireo_test_wait_for (stop_question_shown, NULL, 10, "the question");
  dialog = vireo_test_find_newest_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  gtk_window_destroy (dialog);
  vireo_test_wait_for (network_active, GINT_TO_POINTER (FALSE), 30, "the network to stop");
  {
    GtkWidget *window = adw_window_new ();
    GtkWidget *console = vireo_console_page_new ();

    adw_window_set_content (ADW_WINDOW (window), console);
    gtk_window_present (GTK_WINDOW (window));
    vireo_console_page_set_domain (VIREO_CONSOLE_PAGE (console), vireo_test_find_domain (conn, GUEST));
    vireo_test_wait_for (console_not_running, console, 30, "the console's Run");
    g_signal_emit_by_name (vireo_test_find_named (console, "status-button"), "clicked");
    vireo_test_wait_for (offer_shown, NULL, 30, "the offer from the console page");
    dialog = vireo_test_find_newest_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "start");
    gtk_window_destroy (dialog);
    vireo_test_wait_for (network_active, GINT_TO_POINTER (TRUE), 30, "the network to start");
    vireo_test_wait_for (guest_started, NULL, 60, "the guest to start");
    gtk_window_destroy (GTK_WINDOW (window));
  }

  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
}

/* Isolated: made from the form, running with its own bridge and no
 * <forward> in libvirt's definition. */
static void
test_isolated (void)
{
  VireoNetworksPage *page = vireo_host_window_get_networks_page (host_window);
  GtkWidget *dialog;
  g_autofree char *first24 = slot_first24 (7);
  g_autofree char *address = g_strdup_printf ("%s.1/24", first24);
  g_autofree char *bridge = bridge_name ("iso");
  g_autofree char *sys = NULL;
  g_autoptr(virNetwork) net = NULL;
  char *xml;

  vireo_host_window_show_page (host_window, "networks");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "networks.add", NULL));
  vireo_test_wait_for (window_shown, GSIZE_TO_POINTER (VIREO_TYPE_NETWORK_DIALOG), 10, "New Virtual Network");
  dialog = GTK_WIDGET (vireo_test_find_newest_toplevel (VIREO_TYPE_NETWORK_DIALOG));
  adw_combo_row_set_selected (ADW_COMBO_ROW (vireo_test_find_row_titled (dialog, "_Mode")), 3);
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_row_titled (dialog, "_Name")), "vui-isolated");
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_row_titled (dialog, "Host _Address / Prefix")), address);
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_row_titled (dialog, "Bridge _Name (empty: chosen by libvirt)")), bridge);
  vireo_test_save_window (dialog, "network-create-isolated");
  gtk_widget_activate_action (dialog, "network.create", NULL);
  vireo_test_wait_for (window_gone, GSIZE_TO_POINTER (VIREO_TYPE_NETWORK_DIALOG), 60, "the network to be made");

  net = virNetworkLookupByName (direct, "vui-isolated");
  g_assert_nonnull (net);
  g_assert_cmpint (virNetworkIsActive (net), ==, 1);
  xml = virNetworkGetXMLDesc (net, 0);
  g_assert_null (strstr (xml, "<forward"));
  free (xml);
  sys = g_build_filename ("/sys/class/net", bridge, NULL);
  g_assert_true (g_file_test (sys, G_FILE_TEST_IS_DIR));
  vireo_test_wait_for (selects_isolated, page, 30, "the new network in the list");
  vireo_test_save_window (GTK_WIDGET (host_window), "networks-list");

  /* Edited while running: the page shows the running range until Restart,
   * then the new one. */
  {
    g_autofree char *old_range = g_strdup_printf ("%s.2 – %s.254", first24, first24);
    g_autofree char *new_end = g_strdup_printf ("%s.99", first24);
    g_autofree char *new_range = g_strdup_printf ("%s.2 – %s.99", first24, first24);
    GtkWindow *question;

    wait_for_label (GTK_WIDGET (page), old_range, 10);
    dialog = vireo_networks_page_edit (page);
    g_assert_nonnull (dialog);
    gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_row_titled (dialog, "DHCP Range _End")), new_end);
    gtk_widget_activate_action (dialog, "network.create", NULL);
    vireo_test_wait_for (window_gone, GSIZE_TO_POINTER (VIREO_TYPE_NETWORK_DIALOG), 60, "the edit to be saved");
    wait_for_label (GTK_WIDGET (page), "Saved. The running network keeps its old settings until it restarts.", 10);
    wait_for_label (GTK_WIDGET (page), old_range, 10);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "networks.restart", NULL));
    /* No machine on it: restarted without a question. */
    question = vireo_test_find_newest_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    if (question != NULL)
      g_error ("unexpected question: %s — %s", adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (question)),
               adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (question)));
    wait_for_label (GTK_WIDGET (page), new_range, 30);
  }
}

static gboolean
pool_shown (gpointer data)
{
  return vireo_storage_page_select (data, "vui-pool") && !vireo_storage_page_get_loading (data);
}

static gboolean
volume_listed (gpointer data)
{
  return vireo_test_find_named (data, "disk1.qcow2") != NULL;
}

static gboolean
up_listed (gpointer data)
{
  return vireo_test_find_named (data, "up.img") != NULL;
}

static gboolean
no_transfer (gpointer data)
{
  return vireo_storage_page_get_transfer (data) == NULL;
}

/* Picks @format in New Volume's Format row. */
static void
select_format (GtkWidget  *dialog,
                          const char *format)
{
  AdwComboRow *row = ADW_COMBO_ROW (vireo_test_find_row_titled (dialog, "_Format"));
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), format) == 0)
      {
        adw_combo_row_set_selected (row, i);
        return;
      }
  g_error ("%s is not offered", format);
}

/* New Volume on a real directory pool makes a real qcow2 file. */
static void
test_new_volume (void)
{
  VireoStoragePage *page = vireo_host_window_get_storage_page (host_window);
  g_autofree char *dir = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "vui-pool", NULL);
  g_autofree char *pool_xml = g_strdup_printf ("<pool type='dir'><name>vui-pool</name><target><path>%s</path>"
                                               "</target></pool>", dir);
  g_autofree char *file = g_build_filename (dir, "disk1.qcow2", NULL);
  g_autofree char *head = NULL;
  g_autoptr(GError) error = NULL;
  virStoragePoolPtr pool;
  GtkWidget *dialog;
  gsize length = 0;

  pool = virStoragePoolDefineXML (direct, pool_xml, 0);
  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolBuild (pool, 0), ==, 0);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);

  vireo_host_window_show_page (host_window, "storage");
  vireo_storage_page_reload (page);
  vireo_test_wait_for (pool_shown, page, 30, "the pool");

  dialog = vireo_storage_page_new_volume (page);
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_row_titled (dialog, "_Name")), "disk1.qcow2");
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_row_titled (dialog, "_Size")), "1 GiB");
  vireo_test_save_window (dialog, "volume-create");
  gtk_widget_activate_action (dialog, "volume.create", NULL);
  vireo_test_wait_for (window_gone, GSIZE_TO_POINTER (VIREO_TYPE_VOLUME_DIALOG), 60, "the volume to be made");

  /* A qcow2 image on the host's disk, as qemu-img would make it. */
  g_file_get_contents (file, &head, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >=, 4);
  g_assert_cmpmem (head, 4, "QFI\xfb", 4);
  vireo_test_wait_for (volume_listed, page, 30, "the volume in the list");
  vireo_test_save_window (GTK_WIDGET (host_window), "storage-pools");

  /* Upload a file into a raw volume made the same way, and download it
   * back: the same bytes, with the progress shown meanwhile. */
  {
    g_autofree char *local = g_build_filename (g_get_tmp_dir (), "vireo-upload-XXXXXX", NULL);
    g_autofree char *back = NULL;
    g_autofree char *sent = NULL;
    g_autofree char *received = NULL;
    g_autoptr(GFile) source = NULL;
    g_autoptr(GFile) target = NULL;
    gsize sent_length = 4 << 20, received_length = 0;
    GtkRevealer *revealer;
    int fd;

    dialog = vireo_storage_page_new_volume (page);
    gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_row_titled (dialog, "_Name")), "up.img");
    select_format (dialog, "raw");
    gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_row_titled (dialog, "_Size")), "4 MiB");
    gtk_widget_activate_action (dialog, "volume.create", NULL);
    vireo_test_wait_for (window_gone, GSIZE_TO_POINTER (VIREO_TYPE_VOLUME_DIALOG), 60, "the raw volume");
    vireo_test_wait_for (up_listed, page, 30, "the raw volume in the list");

    sent = g_malloc (sent_length);
    for (gsize i = 0; i < sent_length; i++)
      sent[i] = (char) g_random_int ();
    fd = g_mkstemp (local);
    g_assert_cmpint (fd, >=, 0);
    close (fd);
    g_file_set_contents (local, sent, sent_length, &error);
    g_assert_no_error (error);
    source = g_file_new_for_path (local);
    vireo_storage_page_start_transfer (page, VIREO_VOLUME_TRANSFER_UPLOAD, "up.img", source);
    revealer = GTK_REVEALER (gtk_widget_get_ancestor (
      vireo_test_find_descendant (GTK_WIDGET (page), GTK_TYPE_PROGRESS_BAR), GTK_TYPE_REVEALER));
    g_assert_true (gtk_revealer_get_reveal_child (revealer));
    vireo_test_wait_for (no_transfer, page, 60, "the upload");

    back = g_strconcat (local, ".back", NULL);
    target = g_file_new_for_path (back);
    vireo_storage_page_start_transfer (page, VIREO_VOLUME_TRANSFER_DOWNLOAD, "up.img", target);
    vireo_test_wait_for (no_transfer, page, 60, "the download");
    g_assert_false (gtk_revealer_get_reveal_child (revealer));
    g_assert_null (vireo_test_find_newest_toplevel (ADW_TYPE_MESSAGE_DIALOG));
    g_file_get_contents (back, &received, &received_length, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (received, received_length, sent, sent_length);
    g_unlink (local);
    g_unlink (back);
  }

  virStoragePoolDestroy (pool);
  virStoragePoolFree (pool);
}

int
main (int   argc,
      char *argv[])
{
  int status;
  const char *uri;

  setlocale (LC_ALL, "C.UTF-8");
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
  main_window = VIREO_WINDOW (vireo_window_new (NULL, manager));
  gtk_window_present (GTK_WINDOW (main_window));
  vireo_test_wait_for ((VireoTestCondition) vireo_test_has_versions, conn, 60, "the connection");
  host_window = vireo_host_window_present_for (GTK_WINDOW (main_window), conn);

  g_test_add_func ("/networks-ui-integration/nat-lease", test_nat_lease);
  g_test_add_func ("/networks-ui-integration/start-offers-network", test_start_offers_network);
  g_test_add_func ("/networks-ui-integration/isolated", test_isolated);
  g_test_add_func ("/networks-ui-integration/new-volume", test_new_volume);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (host_window));
  gtk_window_destroy (GTK_WINDOW (main_window));
  vireo_connection_close (conn);
  g_clear_object (&manager);
  virConnectClose (direct);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return status;
}
