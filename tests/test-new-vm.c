/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-connection-private.h"
#include "vireo-create-job.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"

/*
 * The New VM wizard on the test driver (tests/data/new-vm-node.xml): every
 * install method walked through the widgets, what each step refuses and
 * says, the summary and the virt-install line, Create through the job,
 * and a failure and a cancel that leave the user on the step with their
 * answers. The same code path against real QEMU guests is in
 * tests/integration/test-create-integration.c.
 */

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "new-vm-node.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  return g_strconcat ("test://", abs, NULL);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("expected to find\n  %s\nin\n%s", needle, haystack ? haystack : "(null)");
}

static GtkWidget *
find (VireoNewVmDialog *dialog,
      const char       *name)
{
  GtkWidget *w = vireo_test_find_named (GTK_WIDGET (dialog), name);

  if (w == NULL)
    g_error ("no widget named %s", name);
  return w;
}

static GtkWidget *
find_in (GtkWidget  *root,
         const char *name)
{
  GtkWidget *w = vireo_test_find_named (root, name);

  if (w == NULL)
    g_error ("no widget named %s", name);
  return w;
}

static void
drain (void)
{
  for (int i = 0; i < 50; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static gboolean
dialog_ready (gpointer data)
{
  return vireo_new_vm_dialog_get_ready (data);
}

static gboolean
os_db_loaded (gpointer data)
{
  return vireo_os_db_get_loaded () != NULL;
}

static gboolean
forward_enabled (VireoNewVmDialog *dialog)
{
  drain ();
  return gtk_widget_get_sensitive (find (dialog, "forward"));
}

static void
forward (VireoNewVmDialog *dialog)
{
  g_assert_true (forward_enabled (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.forward", NULL);
  drain ();
}

static const char *
problem (VireoNewVmDialog *dialog,
         const char       *page)
{
  g_autofree char *name = g_strdup_printf ("problem-%s", page);
  GtkWidget *label = find (dialog, name);

  drain ();
  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static void
set_text (VireoNewVmDialog *dialog,
          const char       *name,
          const char       *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find (dialog, name)), text);
  drain ();
}

static const char *
subtitle (VireoNewVmDialog *dialog,
          const char       *name)
{
  drain ();
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (find (dialog, name)));
}

/* Picks the combo item whose label contains @part. */
static void
select_label (VireoNewVmDialog *dialog,
              const char       *name,
              const char       *part)
{
  AdwComboRow *row = ADW_COMBO_ROW (find (dialog, name));
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (strstr (gtk_string_list_get_string (GTK_STRING_LIST (model), i), part) != NULL)
      {
        adw_combo_row_set_selected (row, i);
        drain ();
        return;
      }
  g_error ("%s offers nothing like %s", name, part);
}

static const char *
selected_label (VireoNewVmDialog *dialog,
                const char       *name)
{
  AdwComboRow *row = ADW_COMBO_ROW (find (dialog, name));

  return gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (row)),
                                     adw_combo_row_get_selected (row));
}

static void
choose_method (VireoNewVmDialog *dialog,
               const char       *id)
{
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (dialog, id)), TRUE);
  drain ();
}

static void
choose_os (VireoNewVmDialog *dialog,
           const char       *short_id)
{
  VireoOsInfo *os = vireo_os_db_find_short_id (vireo_os_db_get_loaded (), short_id);

  g_assert_nonnull (os);
  g_signal_emit_by_name (find (dialog, "os-picker"), "os-selected", os);
  drain ();
}

static void
stop_network_thread (GTask        *task,
                     virConnectPtr conn,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  virNetworkPtr net = virNetworkLookupByName (conn, task_data);

  g_assert_nonnull (net);
  g_assert_cmpint (virNetworkDestroy (net), ==, 0);
  virNetworkFree (net);
  g_task_return_boolean (task, TRUE);
}

static void
network_is_active_thread (GTask        *task,
                          virConnectPtr conn,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  virNetworkPtr net = virNetworkLookupByName (conn, task_data);

  g_assert_nonnull (net);
  g_task_return_boolean (task, virNetworkIsActive (net) == 1);
  virNetworkFree (net);
}

static void
make_volume_thread (GTask        *task,
                    virConnectPtr conn,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, "default");
  g_autofree char *xml = g_strdup_printf ("<volume><name>%s</name><capacity>1048576</capacity>"
                                          "<target><format type='qcow2'/></target></volume>",
                                          (char *) task_data);
  virStorageVolPtr vol = virStorageVolCreateXML (pool, xml, 0);

  g_assert_nonnull (vol);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
  g_task_return_boolean (task, TRUE);
}

/* Something the connection's own host does behind the wizard's back: the
 * test driver keeps a file node's state per connection. */
static void
on_host (VireoConnection    *conn,
         VireoConnectionFunc func,
         const char         *arg)
{
  VireoTestAsync a = { 0 };
  GTask *task = g_task_new (conn, NULL, vireo_test_async_cb, &a);

  g_task_set_task_data (task, g_strdup (arg), g_free);
  vireo_connection_run (conn, task, func);
  g_assert_true (g_task_propagate_boolean (G_TASK (vireo_test_async_wait (&a, 10)), NULL));
  g_object_unref (a.result);
}

static VireoNewVmDialog *
open_dialog (VireoConnection *conn)
{
  g_autoptr(VireoConnectionManager) manager = vireo_connection_manager_new ();
  VireoNewVmDialog *dialog = vireo_new_vm_dialog_new (NULL, manager, conn);

  gtk_window_present (GTK_WINDOW (dialog));
  vireo_test_wait_for (dialog_ready, dialog, 60, "the host's lists");
  vireo_test_wait_for (os_db_loaded, NULL, 30, "osinfo-db");
  drain ();
  return dialog;
}

static gboolean
dialog_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static VireoDomain *
find_domain (VireoConnection *conn,
             const char      *name)
{
  GListModel *list = vireo_connection_list_domains (conn);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(VireoDomain) domain = g_list_model_get_item (list, i);

      if (g_str_equal (vireo_domain_get_name (domain), name))
        return domain;
    }
  return NULL;
}

static gboolean
domain_listed (gpointer data)
{
  gpointer *args = data;

  return find_domain (args[0], args[1]) != NULL;
}

/* ISO install, the whole way: every step's refusals, the network that is
 * not running, the summary and the command, then Create. */
static void
test_media (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoNewVmDialog *dialog;
  gpointer weak;
  gpointer args[2];
  VireoDomain *domain;

  on_host (conn, stop_network_thread, "default");
  dialog = open_dialog (conn);
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  g_assert_cmpstr (vireo_new_vm_dialog_get_page (dialog), ==, "method");

  /* Step 1: an empty path is a question, said plainly; a relative one is
   * wrong, and the row says so. */
  g_assert_false (forward_enabled (dialog));
  assert_contains (problem (dialog, "method"), "Install media");
  g_assert_false (gtk_widget_has_css_class (find (dialog, "media-path"), "error"));
  set_text (dialog, "media-path", "isos/fedora.iso");
  g_assert_nonnull (problem (dialog, "method"));
  g_assert_true (gtk_widget_has_css_class (find (dialog, "media-path"), "error"));
  g_assert_false (forward_enabled (dialog));
  /* A real ISO whose volume id is Debian 11's netinst: detected on a
   * worker, and the system's defaults follow. */
  {
    g_autofree char *dir = g_dir_make_tmp ("vireo-new-vm-XXXXXX", NULL);
    g_autofree char *readme = g_build_filename (dir, "README", NULL);
    g_autofree char *iso = g_strconcat (dir, ".iso", NULL);
    const char *argv[] = { "xorriso", "-as", "mkisofs", "-quiet", "-V", "Debian 11.5.0 amd64 n",
                           "-o", iso, dir, NULL };
    int status = 0;

    g_assert_true (g_file_set_contents (readme, "netinst\n", -1, NULL));
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                                 &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    set_text (dialog, "media-path", iso);
    vireo_test_wait_for (dialog_ready, dialog, 60, "the media's system");
    drain ();
    g_assert_cmpstr (vireo_os_info_get_short_id (vireo_vm_builder_get_os (vireo_new_vm_dialog_get_builder (dialog))),
                     ==, "debian11");
    assert_contains (subtitle (dialog, "os-detected"), "Debian 11");
    assert_contains (subtitle (dialog, "os-chosen"), "Debian 11");
    g_assert_cmpint (g_unlink (iso), ==, 0);
    g_assert_cmpint (g_unlink (readme), ==, 0);
    g_assert_cmpint (g_rmdir (dir), ==, 0);
  }
  /* Media that is not there says so on the OS step. */
  set_text (dialog, "media-path", "/isos/Fedora-Workstation-Live-x86_64-37.iso");
  vireo_test_wait_for (dialog_ready, dialog, 60, "the media read");
  assert_contains (subtitle (dialog, "os-detected"), "/isos/Fedora-Workstation-Live-x86_64-37.iso");
  g_assert_null (problem (dialog, "method"));
  g_assert_false (gtk_widget_has_css_class (find (dialog, "media-path"), "error"));
  /* A volume of the pool instead, then back. */
  select_label (dialog, "media-kind", "Storage volume");
  assert_contains (selected_label (dialog, "media-volume"), "debian-12.iso");
  g_assert_true (forward_enabled (dialog));
  select_label (dialog, "media-kind", "ISO file");
  g_assert_cmpstr (vireo_vm_builder_get_media_path (vireo_new_vm_dialog_get_builder (dialog)), ==,
                   "/isos/Fedora-Workstation-Live-x86_64-37.iso");
  /* The demo's test driver cannot report domain capabilities: the
   * expander says what is assumed. */
  assert_contains (subtitle (dialog, "arch-emulator"), "does not report");
  forward (dialog);

  /* Step 2: the system moves the defaults. */
  g_assert_cmpstr (vireo_new_vm_dialog_get_page (dialog), ==, "os");
  choose_os (dialog, "fedora37");
  assert_contains (subtitle (dialog, "os-chosen"), "Fedora");
  forward (dialog);

  /* Step 3: the OS's memory, and a warning (not a refusal) past the
   * host's 8 GiB. */
  g_assert_cmpstr (vireo_new_vm_dialog_get_page (dialog), ==, "resources");
  {
    GtkSpinButton *spin = vireo_test_find_spin (find (dialog, "memory"));
    GtkWidget *warning = find (dialog, "resources-warning");

    g_assert_nonnull (spin);
    g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==,
                       vireo_vm_builder_get_memory_mib (vireo_new_vm_dialog_get_builder (dialog)));
    if (gtk_widget_get_visible (warning))
      g_error ("unexpected warning: %s", gtk_label_get_text (GTK_LABEL (warning)));
    gtk_spin_button_set_value (spin, 12 * 1024);
    drain ();
    g_assert_true (gtk_widget_get_visible (warning));
    assert_contains (gtk_label_get_text (GTK_LABEL (warning)), "more than the host has");
    g_assert_true (forward_enabled (dialog));
    /* Recommended puts the system's figure back. */
    g_signal_emit_by_name (find (dialog, "recommended"), "clicked");
    drain ();
    g_assert_false (gtk_widget_get_visible (warning));
    g_assert_cmpuint (vireo_vm_builder_get_memory_mib (vireo_new_vm_dialog_get_builder (dialog)), <, 12 * 1024);
  }
  forward (dialog);

  /* Step 4: a new disk in "default"; more than its free space is
   * refused on the step. */
  g_assert_cmpstr (vireo_new_vm_dialog_get_page (dialog), ==, "storage");
  assert_contains (selected_label (dialog, "pool"), "default");
  {
    GtkWidget *row = find (dialog, "disk-size");
    GtkSpinButton *spin = vireo_test_find_spin (row);

    g_assert_nonnull (spin);
    gtk_spin_button_set_value (spin, 500);
    drain ();
    assert_contains (problem (dialog, "storage"), "does not fit in pool “default”");
    g_assert_true (gtk_widget_has_css_class (row, "error"));
    g_assert_false (forward_enabled (dialog));
    gtk_spin_button_set_value (spin, 12);
    drain ();
    g_assert_null (problem (dialog, "storage"));
  }
  forward (dialog);

  /* Step 5: a suggested name; names libvirt or this host refuse are
   * refused here, with the reason. */
  g_assert_cmpstr (vireo_new_vm_dialog_get_page (dialog), ==, "finish");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (dialog, "name"))), ==, "fedora37");
  set_text (dialog, "name", "webserver");
  assert_contains (problem (dialog, "finish"), "already exists");
  g_assert_false (forward_enabled (dialog));
  set_text (dialog, "name", "a/b");
  assert_contains (problem (dialog, "finish"), "“/”");
  set_text (dialog, "name", "fedora-desk");
  g_assert_null (problem (dialog, "finish"));

  /* "default" is not running: said, with a way to start it. */
  assert_contains (selected_label (dialog, "network"), "default: NAT");
  assert_contains (selected_label (dialog, "network"), "not running");
  g_assert_true (gtk_widget_get_visible (find (dialog, "network-start")));

  /* The summary and the command say what will be made. */
  assert_contains (subtitle (dialog, "summary-install"), "/isos/Fedora-Workstation-Live-x86_64-37.iso");
  assert_contains (subtitle (dialog, "summary-os"), "Fedora");
  assert_contains (subtitle (dialog, "summary-storage"), "12.0");
  assert_contains (subtitle (dialog, "summary-storage"), "default");
  assert_contains (subtitle (dialog, "summary-network"), "default");
  assert_contains (subtitle (dialog, "summary-firmware"), "BIOS");
  {
    const char *command = gtk_label_get_text (GTK_LABEL (find (dialog, "command")));

    assert_contains (command, "virt-install");
    assert_contains (command, "--name fedora-desk");
    assert_contains (command, "--cdrom /isos/Fedora-Workstation-Live-x86_64-37.iso");
    assert_contains (command, "--osinfo fedora37");
    assert_contains (command, "network=default");
  }

  /* Create with the network stopped: it is started first, then the
   * machine is made (rather than failing at the end). */
  /* Create: the dialog goes, the machine is there, installing. */
  forward (dialog);
  vireo_test_wait_for (dialog_gone, &weak, 20, "the creation job");
  args[0] = conn;
  args[1] = (gpointer) "fedora-desk";
  vireo_test_wait_for (domain_listed, args, 10, "the new machine in the list");
  domain = find_domain (conn, "fedora-desk");
  g_assert_true (vireo_domain_get_watching_install (domain));
  on_host (conn, network_is_active_thread, "default");

  /* Its window opened. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    gboolean found = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (VIREO_IS_VM_WINDOW (w))
          {
            found = TRUE;
            gtk_window_destroy (w);
          }
      }
    g_assert_true (found);
  }
}

/* The other methods: what each asks, and what each makes. */
static void
test_methods (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoNewVmDialog *dialog = open_dialog (conn);
  VireoVmBuilder *builder = vireo_new_vm_dialog_get_builder (dialog);
  const char *command;

  /* Network install: a URL, and optional kernel arguments. */
  choose_method (dialog, "method-network");
  g_assert_true (gtk_widget_get_visible (find (dialog, "location")));
  g_assert_false (gtk_widget_is_visible (find (dialog, "media-path")));
  g_assert_false (forward_enabled (dialog));
  set_text (dialog, "location", "not a url");
  g_assert_nonnull (problem (dialog, "method"));
  g_assert_true (gtk_widget_has_css_class (find (dialog, "location"), "error"));
  set_text (dialog, "location", "http://127.0.0.1:9/fedora/37/os/");
  set_text (dialog, "kernel-args", "inst.text console=ttyS0");
  g_assert_true (forward_enabled (dialog));
  /* The tree is read for its system too; one that cannot be reached says
   * so, naming it, and does not hold the user. */
  vireo_test_wait_for (dialog_ready, dialog, 60, "the tree read");
  assert_contains (subtitle (dialog, "os-detected"), "127.0.0.1:9");
  g_assert_cmpint (vireo_vm_builder_get_method (builder), ==, VIREO_INSTALL_NETWORK);
  command = gtk_label_get_text (GTK_LABEL (find (dialog, "command")));
  assert_contains (command, "--location http://127.0.0.1:9/fedora/37/os/");
  assert_contains (command, "inst.text console=ttyS0");

  /* PXE: nothing to ask here; the network is chosen at the end. */
  choose_method (dialog, "method-pxe");
  g_assert_true (forward_enabled (dialog));
  assert_contains (subtitle (dialog, "summary-install"), "PXE");
  assert_contains (gtk_label_get_text (GTK_LABEL (find (dialog, "command"))), "--pxe");

  /* Import: the disk is the storage; a disk another machine uses is
   * warned about (not refused: it may be meant). */
  choose_method (dialog, "method-import");
  g_assert_false (forward_enabled (dialog));
  set_text (dialog, "import-path", "/var/lib/libvirt/images/webserver.qcow2");
  g_assert_true (forward_enabled (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.forward", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.forward", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.forward", NULL);
  drain ();
  g_assert_cmpstr (vireo_new_vm_dialog_get_page (dialog), ==, "storage");
  vireo_test_wait_for (dialog_ready, dialog, 60, "who uses the disk");
  drain ();
  g_assert_true (gtk_widget_get_visible (find (dialog, "disk-users")));
  assert_contains (gtk_label_get_text (GTK_LABEL (find (dialog, "disk-users"))), "“webserver”");
  g_assert_false (gtk_widget_is_visible (find (dialog, "pool")));
  assert_contains (gtk_label_get_text (GTK_LABEL (find (dialog, "command"))), "--import");
  assert_contains (subtitle (dialog, "summary-storage"), "webserver.qcow2");

  /* Manual: nothing to ask; the machine is only defined. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.back", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.back", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.back", NULL);
  drain ();
  g_assert_cmpstr (vireo_new_vm_dialog_get_page (dialog), ==, "method");
  choose_method (dialog, "method-manual");
  g_assert_true (forward_enabled (dialog));
  assert_contains (subtitle (dialog, "summary-install"), "Defined only");

  /* Storage choices: an existing image must be absolute; no disk is
   * allowed. */
  forward (dialog);
  forward (dialog);
  forward (dialog);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (dialog, "storage-existing")), TRUE);
  drain ();
  g_assert_false (forward_enabled (dialog));
  set_text (dialog, "existing-path", "relative.img");
  assert_contains (problem (dialog, "storage"), "“/”");
  set_text (dialog, "existing-path", "/var/lib/libvirt/images/other.img");
  g_assert_true (forward_enabled (dialog));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (dialog, "storage-none")), TRUE);
  drain ();
  g_assert_true (forward_enabled (dialog));
  assert_contains (subtitle (dialog, "summary-storage"), "No disk");

  /* Network choices are the host's: the running "lab" network, with its
   * mode; usermode and none are always there. */
  forward (dialog);
  select_label (dialog, "network", "lab:");
  assert_contains (selected_label (dialog, "network"), "isolated");
  g_assert_false (gtk_widget_get_visible (find (dialog, "network-start")));
  assert_contains (gtk_label_get_text (GTK_LABEL (find (dialog, "command"))), "network=lab");
  select_label (dialog, "network", "No network");
  assert_contains (gtk_label_get_text (GTK_LABEL (find (dialog, "command"))), "--network none");

  /* Windows 11 moves the firmware to UEFI and adds a TPM (Secure Boot
   * only where the host's firmware list has it: not on the test driver);
   * the summary says so. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.back", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.back", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.back", NULL);
  drain ();
  choose_os (dialog, "win11");
  g_assert_cmpint (vireo_vm_builder_get_firmware (builder), !=, VIREO_FIRMWARE_BIOS);
  g_assert_true (vireo_vm_builder_get_tpm (builder));
  assert_contains (subtitle (dialog, "summary-firmware"), "UEFI");
  assert_contains (subtitle (dialog, "summary-firmware"), "TPM");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (find (dialog, "firmware"))), ==,
                    vireo_vm_builder_get_firmware (builder));
  /* The user's BIOS stays whatever system comes next. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find (dialog, "firmware")), 0);
  drain ();
  choose_os (dialog, "win11");
  g_assert_cmpint (vireo_vm_builder_get_firmware (builder), ==, VIREO_FIRMWARE_BIOS);
  assert_contains (subtitle (dialog, "summary-firmware"), "BIOS");

  gtk_window_destroy (GTK_WINDOW (dialog));
  drain ();
}

/* A create that fails (the volume's name was taken behind the wizard's
 * back) and one that is cancelled: back on the last step, answers as
 * they were, a banner saying why, and nothing left on the host. */
static void
test_failure_and_cancel (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoNewVmDialog *dialog = open_dialog (conn);
  VireoVmBuilder *builder = vireo_new_vm_dialog_get_builder (dialog);
  g_autoptr(GPtrArray) volumes = NULL;
  const char *volume;
  g_autofree char *volume_name = NULL;

  set_text (dialog, "media-path", "/isos/debian.iso");
  choose_os (dialog, "debian11");
  forward (dialog);
  forward (dialog);
  forward (dialog);
  forward (dialog);
  set_text (dialog, "name", "deb-failing");
  select_label (dialog, "network", "lab:");
  volumes = vireo_vm_builder_list_volumes (builder);
  g_assert_cmpuint (volumes->len, ==, 1);
  volume = ((VireoVolumePlan *) g_ptr_array_index (volumes, 0))->name;
  volume_name = g_strdup (volume);
  on_host (conn, make_volume_thread, volume_name);

  forward (dialog);
  vireo_test_wait_for (dialog_ready, dialog, 60, "the job to fail");
  drain ();
  g_assert_cmpstr (vireo_new_vm_dialog_get_page (dialog), ==, "finish");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (find (dialog, "failure"),
                                                                                         GTK_TYPE_REVEALER))));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (find (dialog, "failure"))), !=, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (dialog, "name"))), ==, "deb-failing");
  g_assert_null (find_domain (conn, "deb-failing"));

  /* Cancel: asked before the job's first step runs. */
  set_text (dialog, "name", "deb-cancelled");
  vireo_test_wait_for (dialog_ready, dialog, 60, "the pools again");
  drain ();
  g_assert_true (forward_enabled (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.forward", NULL);
  g_assert_cmpstr (vireo_new_vm_dialog_get_page (dialog), ==, "progress");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.cancel", NULL);
  vireo_test_wait_for (dialog_ready, dialog, 60, "the job to stop");
  drain ();
  g_assert_cmpstr (vireo_new_vm_dialog_get_page (dialog), ==, "finish");
  assert_contains (gtk_label_get_text (GTK_LABEL (find (dialog, "failure"))), "cancelled");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (dialog, "name"))), ==, "deb-cancelled");
  g_assert_null (find_domain (conn, "deb-cancelled"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  drain ();
}

/* The install watch starts the machine again when its install run ends,
 * and not when the user stopped it. */
static void
stop_domain_thread (GTask        *task,
                    virConnectPtr conn,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  virDomainPtr dom = virDomainLookupByName (conn, task_data);

  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  virDomainFree (dom);
  g_task_return_boolean (task, TRUE);
}

static gboolean
is_running (gpointer data)
{
  return vireo_domain_get_state (data) == VIREO_DOMAIN_STATE_RUNNING;
}

static gboolean
is_shut_off (gpointer data)
{
  return vireo_domain_get_state (data) == VIREO_DOMAIN_STATE_SHUTOFF;
}

static void
test_install_watch (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-node.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_strconcat ("test://", abs, NULL);
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *alpha = find_domain (conn, "alpha");
  VireoTestAsync a = { 0 };

  g_assert_nonnull (alpha);
  g_assert_true (is_running (alpha));
  vireo_domain_watch_install (alpha);
  g_assert_true (vireo_domain_get_watching_install (alpha));

  /* The guest's end of install (the host destroys it: on_reboot). */
  on_host (conn, stop_domain_thread, "alpha");
  vireo_test_wait_for (is_shut_off, alpha, 10, "the stop");
  vireo_test_wait_for (is_running, alpha, 10, "the restart");
  g_assert_false (vireo_domain_get_watching_install (alpha));

  /* The user's own Force Off ends the watch. */
  vireo_domain_watch_install (alpha);
  vireo_domain_action_async (alpha, VIREO_DOMAIN_ACTION_DESTROY, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_action_finish (alpha, vireo_test_async_wait (&a, 10), NULL));
  g_object_unref (a.result);
  g_assert_false (vireo_domain_get_watching_install (alpha));
  vireo_test_wait_for (is_shut_off, alpha, 10, "the stop");
  for (int i = 0; i < 20; i++)
    {
      drain ();
      g_usleep (10000);
    }
  g_assert_true (is_shut_off (alpha));
}

/* Start Network on the last step, on its own: the network runs, the row
 * goes, the choice says so; nothing else is made. */
static void
test_start_network_button (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoNewVmDialog *dialog;

  on_host (conn, stop_network_thread, "default");
  dialog = open_dialog (conn);
  set_text (dialog, "media-path", "/isos/debian.iso");
  choose_os (dialog, "debian11");
  forward (dialog);
  forward (dialog);
  forward (dialog);
  forward (dialog);
  select_label (dialog, "network", "default:");
  assert_contains (selected_label (dialog, "network"), "not running");
  g_assert_true (gtk_widget_get_visible (find (dialog, "network-start")));

  g_signal_emit_by_name (find (dialog, "network-start-button"), "clicked");
  vireo_test_wait_for (dialog_ready, dialog, 30, "the network to start");
  drain ();
  on_host (conn, network_is_active_thread, "default");
  g_assert_false (gtk_widget_get_visible (find (dialog, "network-start")));
  g_assert_null (strstr (selected_label (dialog, "network"), "not running"));
  g_assert_cmpstr (vireo_new_vm_dialog_get_page (dialog), ==, "finish");
  g_assert_null (find_domain (conn, "debian11"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  drain ();
}

/* ------------------------------------------------------------------------ */
/* Customize configuration before install                                    */

static gboolean
has_toplevel (gpointer data)
{
  drain ();
  return vireo_test_find_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
no_toplevel (gpointer data)
{
  return !has_toplevel (data);
}

static void
volume_exists_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, "default");
  virStorageVolPtr vol = virStorageVolLookupByName (pool, task_data);

  g_task_return_boolean (task, vol != NULL);
  if (vol != NULL)
    virStorageVolFree (vol);
  virStoragePoolFree (pool);
}

static gboolean
volume_exists (VireoConnection *conn,
               const char      *name)
{
  VireoTestAsync a = { 0 };
  GTask *task = g_task_new (conn, NULL, vireo_test_async_cb, &a);
  gboolean exists;

  g_task_set_task_data (task, g_strdup (name), g_free);
  vireo_connection_run (conn, task, volume_exists_thread);
  exists = g_task_propagate_boolean (G_TASK (vireo_test_async_wait (&a, 10)), NULL);
  g_object_unref (a.result);
  return exists;
}

static void
domain_xml_thread (GTask        *task,
                   virConnectPtr conn,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *name = task_data;
  gboolean inactive = name[0] == '-';
  virDomainPtr dom = virDomainLookupByName (conn, inactive ? name + 1 : name);
  char *xml;

  g_assert_nonnull (dom);
  xml = virDomainGetXMLDesc (dom, inactive ? VIR_DOMAIN_XML_INACTIVE : 0);
  g_task_return_pointer (task, g_strdup (xml), g_free);
  free (xml);
  virDomainFree (dom);
}

/* The domain's XML; its definition's with @inactive. */
static char *
domain_xml (VireoConnection *conn,
            const char      *name,
            gboolean         inactive)
{
  VireoTestAsync a = { 0 };
  GTask *task = g_task_new (conn, NULL, vireo_test_async_cb, &a);
  char *xml;

  g_task_set_task_data (task, g_strconcat (inactive ? "-" : "", name, NULL), g_free);
  vireo_connection_run (conn, task, domain_xml_thread);
  xml = g_task_propagate_pointer (G_TASK (vireo_test_async_wait (&a, 10)), NULL);
  g_object_unref (a.result);
  return xml;
}

/* Walks the wizard to its last step with customizing on, then Customize:
 * the machine is defined, not started, and its window waits for Begin. */
static VireoVmWindow *
customize_new (VireoConnection *conn,
               const char      *name,
               char           **out_volume)
{
  VireoNewVmDialog *dialog = open_dialog (conn);
  g_autoptr(GPtrArray) volumes = NULL;
  VireoNewVmDialog *weak = dialog;
  gpointer args[2] = { conn, (gpointer) name };
  VireoVmWindow *window;
  VireoDomain *domain;

  set_text (dialog, "media-path", "/isos/debian.iso");
  choose_os (dialog, "debian11");
  forward (dialog);
  forward (dialog);
  forward (dialog);
  forward (dialog);
  set_text (dialog, "name", name);
  select_label (dialog, "network", "lab:");
  g_assert_true (gtk_widget_get_visible (find (dialog, "customize")));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (find (dialog, "forward"))), ==, "_Create");
  gtk_switch_set_active (vireo_test_find_switch (find (dialog, "customize")), TRUE);
  volumes = vireo_vm_builder_list_volumes (vireo_new_vm_dialog_get_builder (dialog));
  *out_volume = g_strdup (((VireoVolumePlan *) g_ptr_array_index (volumes, 0))->name);
  drain ();
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (find (dialog, "forward"))), ==, "_Customize…");

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &weak);
  forward (dialog);
  vireo_test_wait_for (dialog_gone, &weak, 20, "the creation job");
  vireo_test_wait_for (domain_listed, args, 10, "the new machine in the list");
  domain = find_domain (conn, name);
  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_SHUTOFF);
  g_assert_false (vireo_domain_get_watching_install (domain));
  g_assert_true (volume_exists (conn, *out_volume));

  window = VIREO_VM_WINDOW (vireo_test_find_toplevel (VIREO_TYPE_VM_WINDOW));
  g_assert_nonnull (window);
  g_assert_true (vireo_vm_window_get_domain (window) == domain);
  g_assert_true (vireo_vm_window_get_customizing (window));
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 20, "the machine's details");
  drain ();
  g_assert_true (gtk_widget_is_visible (find_in (GTK_WIDGET (window), "install-banner")));
  assert_contains (gtk_label_get_text (GTK_LABEL (find_in (GTK_WIDGET (window), "install-banner"))),
                   "Begin Installation");
  return window;
}

static gboolean
not_customizing (gpointer data)
{
  drain ();
  return !vireo_vm_window_get_customizing (data);
}

/* Customize, change the title (not applied: Begin applies it), Begin:
 * the install runs with the change, the definition keeps it with the
 * media ejected. */
static void
test_customize_begin (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autofree char *volume = NULL;
  VireoVmWindow *window = customize_new (conn, "deb-custom", &volume);
  VireoDomain *domain = vireo_vm_window_get_domain (window);
  g_autofree char *live = NULL;
  g_autofree char *inactive = NULL;

  g_assert_true (vireo_vm_window_show_page (window, "overview"));
  gtk_editable_set_text (GTK_EDITABLE (find_in (GTK_WIDGET (window), "title")), "Customized first");
  drain ();
  g_assert_true (vireo_vm_window_get_modified (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.begin-install", NULL));
  vireo_test_wait_for (not_customizing, window, 60, "Begin Installation");
  vireo_test_wait_for (is_running, domain, 10, "the install to start");
  g_assert_null (vireo_vm_window_get_error (window));
  g_assert_true (vireo_domain_get_watching_install (domain));
  live = domain_xml (conn, "deb-custom", FALSE);
  inactive = domain_xml (conn, "deb-custom", TRUE);
  assert_contains (live, "<title>Customized first</title>");
  assert_contains (live, "/isos/debian.iso");
  assert_contains (live, "<on_reboot>destroy</on_reboot>");
  assert_contains (inactive, "<title>Customized first</title>");
  g_assert_null (strstr (inactive, "/isos/debian.iso"));
  g_assert_true (volume_exists (conn, volume));
  drain ();
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (
    find_in (GTK_WIDGET (window), "install-banner"), GTK_TYPE_REVEALER))));

  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
}

/* Cancel Installation asks, then deletes the machine and its new disk;
 * closing the window asks too, and can keep the machine uninstalled. */
static void
test_customize_cancel (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autofree char *volume = NULL;
  g_autofree char *kept_volume = NULL;
  VireoVmWindow *window = customize_new (conn, "deb-dropped", &volume);
  GtkWidget *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.cancel-install", NULL));
  vireo_test_wait_for (has_toplevel, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5, "the question");
  dialog = vireo_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  assert_contains (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), "deb-dropped");
  assert_contains (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), volume);
  /* Nothing yet. */
  g_assert_nonnull (find_domain (conn, "deb-dropped"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  gtk_window_destroy (GTK_WINDOW (dialog));
  vireo_test_wait_for (no_toplevel, GSIZE_TO_POINTER (VIREO_TYPE_VM_WINDOW), 20, "the window to close");
  g_assert_null (find_domain (conn, "deb-dropped"));
  g_assert_false (volume_exists (conn, volume));

  /* Closing: Keep Uninstalled leaves it defined, its disk there. */
  window = customize_new (conn, "deb-kept", &kept_volume);
  gtk_window_close (GTK_WINDOW (window));
  vireo_test_wait_for (has_toplevel, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5, "the question");
  dialog = vireo_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_true (vireo_test_find_toplevel (VIREO_TYPE_VM_WINDOW) == GTK_WIDGET (window));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  gtk_window_destroy (GTK_WINDOW (dialog));
  vireo_test_wait_for (no_toplevel, GSIZE_TO_POINTER (VIREO_TYPE_VM_WINDOW), 20, "the window to close");
  g_assert_nonnull (find_domain (conn, "deb-kept"));
  g_assert_cmpint (vireo_domain_get_state (find_domain (conn, "deb-kept")), ==, VIREO_DOMAIN_STATE_SHUTOFF);
  g_assert_true (volume_exists (conn, kept_volume));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();
  vireo_os_db_load_async (NULL, NULL, NULL);

  g_test_add_func ("/new-vm/media", test_media);
  g_test_add_func ("/new-vm/methods", test_methods);
  g_test_add_func ("/new-vm/failure-and-cancel", test_failure_and_cancel);
  g_test_add_func ("/new-vm/install-watch", test_install_watch);
  g_test_add_func ("/new-vm/start-network", test_start_network_button);
  g_test_add_func ("/new-vm/customize/begin", test_customize_begin);
  g_test_add_func ("/new-vm/customize/cancel", test_customize_cancel);
  return g_test_run ();
}
