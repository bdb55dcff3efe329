/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Host Details › Networks and Storage on a test-driver host
 * (tests/data/test-networks.xml): what each network shows, stop and start
 * with the machines named, New Virtual Network's refusals (overlap, DHCP
 * range, taken name) with the field marked and the typing kept, creating
 * NAT and isolated networks, delete; pools with usage, volumes with their
 * users, New Volume's refusals and its overcommit warning, deleting a
 * volume a machine uses. The same pages on a real daemon are in
 * tests/integration.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-network-config.h"
#include "vireo-network-dialog.h"
#include "vireo-pool-dialog.h"
#include "vireo-xml-editor.h"
#include "vireo-storage-config.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-volume-dialog.h"
#include "vireo-worker.h"

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-networks.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  return g_strconcat ("test://", abs, NULL);
}

/* An AdwEntryRow or AdwActionRow by its title. */
static GtkWidget *
find_group (GtkWidget  *widget,
            const char *title)
{
  if (ADW_IS_PREFERENCES_GROUP (widget) &&
      g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_group (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
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
                const char *text)
{
  Wait w = { root, text };

  vireo_test_wait_for (label_shown, &w, 10, text);
}

static gboolean
named_present (gpointer data)
{
  Wait *w = data;

  return vireo_test_find_named (w->root, w->text) != NULL;
}

static gboolean
named_absent (gpointer data)
{
  return !named_present (data);
}

static void
wait_for_named (GtkWidget  *root,
                const char *name,
                gboolean    present)
{
  Wait w = { root, name };

  vireo_test_wait_for (present ? named_present : named_absent, &w, 10, name);
}

static GType message_dialog_type;

/* Returns: (transfer none): the newest toplevel of @type */
static gboolean
window_shown (gpointer data)
{
  return vireo_test_find_newest_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

static GtkWindow *
wait_for_window (GType type)
{
  vireo_test_wait_for (window_shown, GSIZE_TO_POINTER (type), 10, g_type_name (type));
  return vireo_test_find_newest_toplevel (type);
}

static gboolean
window_gone (gpointer data)
{
  return vireo_test_find_newest_toplevel (GPOINTER_TO_SIZE (data)) == NULL;
}

static gboolean
not_loading_networks (gpointer data)
{
  return !vireo_networks_page_get_loading (data) && vireo_networks_page_get_selected (data) != NULL;
}

static gboolean
not_loading_storage (gpointer data)
{
  return !vireo_storage_page_get_loading (data) && vireo_storage_page_get_selected (data) != NULL;
}

typedef struct
{
  VireoConnection   *conn;
  VireoHostWindow   *window;
  VireoNetworksPage *networks;
  VireoStoragePage  *storage;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *uri = node_uri ();

  f->conn = vireo_test_open_connection (uri, 0);
  f->window = vireo_host_window_present_for (NULL, f->conn);
  f->networks = vireo_host_window_get_networks_page (f->window);
  f->storage = vireo_host_window_get_storage_page (f->window);
  /* Pages read the host only once shown. */
  g_assert_null (vireo_networks_page_get_selected (f->networks));
  vireo_host_window_show_page (f->window, "networks");
  vireo_test_wait_for (not_loading_networks, f->networks, 10, "the networks");
  vireo_host_window_show_page (f->window, "storage");
  vireo_test_wait_for (not_loading_storage, f->storage, 10, "the pools");
  vireo_host_window_show_page (f->window, "overview");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GtkWindow *dialog;

  while ((dialog = vireo_test_find_newest_toplevel (message_dialog_type)) != NULL)
    gtk_window_destroy (dialog);
  gtk_window_destroy (GTK_WINDOW (f->window));
  vireo_connection_close (f->conn);
  g_clear_object (&f->conn);
}

static void
select_network (Fixture    *f,
                const char *name)
{
  g_assert_true (vireo_networks_page_select (f->networks, name));
  g_assert_cmpstr (vireo_networks_page_get_selected (f->networks), ==, name);
}

static void
respond (const char *response)
{
  GtkWindow *dialog = wait_for_window (message_dialog_type);

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (dialog);
}

/* ------------------------------------------------------------------------ */

/* Each mode says what it is, with the host's addresses, DHCP and the
 * machines on it. */
static void
test_networks_show (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->networks);
  GtkWidget *ipv4 = NULL;
  GtkWidget *ipv6 = NULL;

  vireo_host_window_show_page (f->window, "networks");
  for (guint i = 0; i < 4; i++)
    wait_for_named (page, (const char *[]) { "backend", "default", "dmz", "lan" }[i], TRUE);

  select_network (f, "default");
  wait_for_label (page, "NAT");
  wait_for_label (page, "Active");
  wait_for_label (page, "virbr0");
  wait_for_label (page, "lab");
  wait_for_label (page, "192.168.122.0/24, host 192.168.122.1");
  wait_for_label (page, "192.168.122.2 – 192.168.122.254");
  g_assert_nonnull (vireo_test_find_row_titled (page, "web"));
  g_assert_null (vireo_test_find_row_titled (page, "db"));
  /* The row's subtitle says who can reach whom. */
  g_assert_nonnull (vireo_test_find_row_titled (page, "Mode"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (vireo_test_find_row_titled (page, "Mode"))), ==,
                   vireo_network_mode_get_description (VIREO_NETWORK_MODE_NAT));

  select_network (f, "backend");
  wait_for_label (page, "Isolated");
  wait_for_label (page, "10.20.0.0/24, host 10.20.0.1");
  g_assert_nonnull (vireo_test_find_row_titled (page, "web"));
  g_assert_nonnull (vireo_test_find_row_titled (page, "db"));

  select_network (f, "dmz");
  wait_for_label (page, "Routed");
  wait_for_label (page, "fd00:30::/64, host fd00:30::1");
  wait_for_label (page, "No machine holds a lease on this network.");

  select_network (f, "lan");
  wait_for_label (page, "Host bridge");
  wait_for_label (page, "br0");
  /* A bridge to the LAN has no addresses of libvirt's. */
  ipv4 = find_group (page, "IPv4");
  ipv6 = find_group (page, "IPv6");
  g_assert_nonnull (ipv4);
  g_assert_false (gtk_widget_get_visible (ipv4));
  g_assert_false (gtk_widget_get_visible (ipv6));
}

static gboolean
state_is (gpointer data)
{
  Wait *w = data;

  return label_shown (w);
}

/* Stopping names the machines that lose their network first. */
static void
test_networks_stop_start (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->networks);
  GtkWindow *dialog;
  Wait inactive = { page, "Inactive" };

  vireo_host_window_show_page (f->window, "networks");
  select_network (f, "backend");
  wait_for_label (page, "Active");

  g_assert_true (gtk_widget_activate_action (page, "networks.stop", NULL));
  dialog = wait_for_window (message_dialog_type);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Stop “backend”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "db, web"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "net-destroy backend"));
  /* Cancel does nothing. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (dialog);
  g_assert_true (gtk_widget_activate_action (page, "networks.stop", NULL));
  respond ("confirm");
  vireo_test_wait_for (state_is, &inactive, 10, "the network to stop");

  g_assert_true (gtk_widget_activate_action (page, "networks.start", NULL));
  wait_for_label (page, "Active");
}

static void
set_row (GtkWidget  *root,
         const char *title,
         const char *text)
{
  GtkWidget *row = vireo_test_find_row_titled (root, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static const char *
row_text (GtkWidget  *root,
          const char *title)
{
  return gtk_editable_get_text (GTK_EDITABLE (vireo_test_find_row_titled (root, title)));
}

static gboolean
has_error_class (GtkWidget  *root,
                 const char *title)
{
  return gtk_widget_has_css_class (vireo_test_find_row_titled (root, title), "error");
}

static guint
n_rows (GtkWidget *page)
{
  GtkWidget *list = vireo_test_find_descendant (page, GTK_TYPE_LIST_BOX);
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (list); child; child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

/* Bad input is refused on the field at fault, the typing kept, nothing
 * created; good input makes a running NAT network, selected. */
static void
test_networks_create (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->networks);
  GtkWidget *dialog;
  VireoNetworkDialog *nd;
  g_autofree char *xml = NULL;
  g_autofree char *command = NULL;
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autoptr(VireoNetworkIp) ip = NULL;

  vireo_host_window_show_page (f->window, "networks");
  g_assert_cmpuint (n_rows (page), ==, 4);
  g_assert_true (gtk_widget_activate_action (page, "networks.add", NULL));
  dialog = GTK_WIDGET (wait_for_window (VIREO_TYPE_NETWORK_DIALOG));
  nd = VIREO_NETWORK_DIALOG (dialog);

  /* The defaults are a valid NAT network on a free subnet. */
  g_assert_cmpstr (row_text (dialog, "_Name"), ==, "network1");
  xml = vireo_network_dialog_dup_xml (nd);
  config = vireo_network_config_new_from_xml (xml, NULL);
  g_assert_nonnull (config);
  g_assert_cmpint (vireo_network_config_get_mode (config), ==, VIREO_NETWORK_MODE_NAT);
  ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
  g_assert_nonnull (ip);
  g_assert_false (g_str_has_prefix (ip->address, "192.168.122."));
  g_assert_false (g_str_has_prefix (ip->address, "10.20.0."));
  command = vireo_network_dialog_dup_command (nd);
  g_assert_nonnull (strstr (command, "net-define"));
  g_assert_nonnull (strstr (command, "net-start network1"));

  /* Overlap with "default". */
  set_row (dialog, "_Name", "lab2");
  set_row (dialog, "Host _Address / Prefix", "192.168.122.50/24");
  gtk_widget_activate_action (dialog, "network.create", NULL);
  g_assert_cmpint (vireo_network_dialog_get_error_code (nd), ==, VIREO_NETWORK_CONFIG_ERROR_OVERLAP);
  g_assert_nonnull (strstr (vireo_network_dialog_get_error (nd), "default"));
  g_assert_true (has_error_class (dialog, "Host _Address / Prefix"));
  g_assert_cmpstr (row_text (dialog, "Host _Address / Prefix"), ==, "192.168.122.50/24");
  /* The default DHCP range followed the address; nothing else is wrong. */
  g_assert_cmpstr (row_text (dialog, "DHCP Range _Start"), ==, "192.168.122.2");
  g_assert_cmpstr (row_text (dialog, "DHCP Range _End"), ==, "192.168.122.254");

  /* A DHCP range the wrong way round. */
  set_row (dialog, "Host _Address / Prefix", "10.50.0.1/24");
  set_row (dialog, "DHCP Range _Start", "10.50.0.200");
  set_row (dialog, "DHCP Range _End", "10.50.0.100");
  gtk_widget_activate_action (dialog, "network.create", NULL);
  g_assert_cmpint (vireo_network_dialog_get_error_code (nd), ==, VIREO_NETWORK_CONFIG_ERROR_DHCP_RANGE);
  g_assert_true (has_error_class (dialog, "DHCP Range _Start"));
  g_assert_false (has_error_class (dialog, "Host _Address / Prefix"));
  g_assert_cmpstr (row_text (dialog, "DHCP Range _End"), ==, "10.50.0.100");

  /* A name the host has. */
  set_row (dialog, "DHCP Range _End", "10.50.0.250");
  set_row (dialog, "_Name", "default");
  gtk_widget_activate_action (dialog, "network.create", NULL);
  g_assert_cmpint (vireo_network_dialog_get_error_code (nd), ==, VIREO_NETWORK_CONFIG_ERROR_NAME);
  g_assert_true (has_error_class (dialog, "_Name"));
  g_assert_cmpuint (n_rows (page), ==, 4);

  set_row (dialog, "_Name", "lab2");

  /* NAT ports that are not ports. */
  set_row (dialog, "NAT _Ports, first – last (empty: 1024 – 65535)", "1024 – 70000");
  gtk_widget_activate_action (dialog, "network.create", NULL);
  g_assert_cmpint (vireo_network_dialog_get_error_code (nd), ==, VIREO_NETWORK_CONFIG_ERROR_NAT_PORTS);
  g_assert_true (has_error_class (dialog, "NAT _Ports, first – last (empty: 1024 – 65535)"));
  set_row (dialog, "NAT _Ports, first – last (empty: 1024 – 65535)", "20000 – 29999");
  set_row (dialog, "NAT A_ddresses, first – last (empty: the host’s)", "192.0.2.5 – 192.0.2.9");
  g_free (xml);
  xml = vireo_network_dialog_dup_xml (nd);
  g_assert_nonnull (strstr (xml, "<address start=\"192.0.2.5\" end=\"192.0.2.9\"/>"));
  g_assert_nonnull (strstr (xml, "<port start=\"20000\" end=\"29999\"/>"));

  /* DNS extras and routes: refused when unreadable, on their own field. */
  set_row (dialog, "S_RV Records, such as ldap/tcp ldap.lab:389", "ldap");
  gtk_widget_activate_action (dialog, "network.create", NULL);
  g_assert_cmpint (vireo_network_dialog_get_error_code (nd), ==, VIREO_NETWORK_CONFIG_ERROR_SRV);
  g_assert_true (has_error_class (dialog, "S_RV Records, such as ldap/tcp ldap.lab:389"));
  set_row (dialog, "S_RV Records, such as ldap/tcp ldap.lab:389", "ldap/tcp ldap.lab:389");
  set_row (dialog, "Static _Routes, such as 10.1.0.0/24 via 192.168.100.254", "10.1.0.0/24");
  gtk_widget_activate_action (dialog, "network.create", NULL);
  g_assert_cmpint (vireo_network_dialog_get_error_code (nd), ==, VIREO_NETWORK_CONFIG_ERROR_ROUTE);
  set_row (dialog, "Static _Routes, such as 10.1.0.0/24 via 192.168.100.254", "10.1.0.0/24 via 10.50.0.254");
  set_row (dialog, "_Forwarders, such as 9.9.9.9, corp.lan=10.0.0.53", "9.9.9.9, corp.lan=10.0.0.53");
  set_row (dialog, "T_XT Records, such as info=hello; other=text", "info=hello, world");
  g_free (xml);
  xml = vireo_network_dialog_dup_xml (nd);
  g_assert_nonnull (strstr (xml, "<forwarder addr=\"9.9.9.9\"/>"));
  g_assert_nonnull (strstr (xml, "domain=\"corp.lan\""));
  g_assert_nonnull (strstr (xml, "service=\"ldap\""));
  g_assert_nonnull (strstr (xml, "port=\"389\""));
  g_assert_nonnull (strstr (xml, "value=\"hello, world\""));
  g_assert_nonnull (strstr (xml, "gateway=\"10.50.0.254\""));

  gtk_widget_activate_action (dialog, "network.create", NULL);
  vireo_test_wait_for (window_gone, GSIZE_TO_POINTER (VIREO_TYPE_NETWORK_DIALOG), 10, "the dialog to close");
  wait_for_named (page, "lab2", TRUE);
  vireo_test_wait_for (not_loading_networks, f->networks, 10, "the networks");
  g_assert_cmpstr (vireo_networks_page_get_selected (f->networks), ==, "lab2");
  wait_for_label (page, "10.50.0.0/24, host 10.50.0.1");
  wait_for_label (page, "10.50.0.200 – 10.50.0.250");
  wait_for_label (page, "Active");
}

/* Isolated: no forward device, no uplink, still DHCP. */
static void
test_networks_create_isolated (Fixture       *f,
                               gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->networks);
  GtkWidget *dialog;
  AdwComboRow *mode;

  vireo_host_window_show_page (f->window, "networks");
  g_assert_true (gtk_widget_activate_action (page, "networks.add", NULL));
  dialog = GTK_WIDGET (wait_for_window (VIREO_TYPE_NETWORK_DIALOG));
  mode = ADW_COMBO_ROW (vireo_test_find_row_titled (dialog, "_Mode"));
  adw_combo_row_set_selected (mode, 3);
  g_assert_false (gtk_widget_get_visible (vireo_test_find_row_titled (dialog, "_Forward Through")));
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (
                     gtk_widget_get_ancestor (GTK_WIDGET (mode), ADW_TYPE_PREFERENCES_GROUP))), ==,
                   vireo_network_mode_get_description (VIREO_NETWORK_MODE_ISOLATED));
  set_row (dialog, "_Name", "private");
  gtk_widget_activate_action (dialog, "network.create", NULL);
  vireo_test_wait_for (window_gone, GSIZE_TO_POINTER (VIREO_TYPE_NETWORK_DIALOG), 10, "the dialog to close");
  wait_for_named (page, "private", TRUE);
  vireo_test_wait_for (not_loading_networks, f->networks, 10, "the networks");
  g_assert_cmpstr (vireo_networks_page_get_selected (f->networks), ==, "private");
  wait_for_label (page, "Isolated");
}

static void
test_networks_delete (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->networks);
  GtkWindow *dialog;

  vireo_host_window_show_page (f->window, "networks");
  select_network (f, "backend");
  g_assert_true (gtk_widget_activate_action (page, "networks.delete", NULL));
  dialog = wait_for_window (message_dialog_type);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Delete “backend”?");
  /* Both machines with a card on it are listed. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "• db"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "• web"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "net-undefine backend"));
  respond ("delete");
  wait_for_named (page, "backend", FALSE);
  g_assert_cmpuint (n_rows (page), ==, 3);
}

/* The Overview lists the host's interfaces with their addresses. */
static void
test_host_interfaces (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  GtkWidget *row;

  wait_for_named (window, "eth0", TRUE);
  wait_for_named (window, "br0", TRUE);
  row = vireo_test_find_named (window, "eth0");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "52:54:00:11:22:33"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "192.0.2.10/24"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (vireo_test_find_named (window, "br0"))), "bridge"));
}

/* ------------------------------------------------------------------------ */

static void
test_storage_show (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->storage);
  GtkWidget *row, *volume;

  vireo_host_window_show_page (f->window, "storage");
  wait_for_named (page, "lab-pool", TRUE);
  row = vireo_test_find_named (page, "lab-pool");
  /* The list shows how full each pool is. */
  g_assert_nonnull (vireo_test_find_descendant (row, GTK_TYPE_LEVEL_BAR));
  wait_for_label (page, "/lab-pool");
  wait_for_label (page, "14.0 GiB of 100.0 GiB used, 86.0 GiB free");

  wait_for_named (page, "web.qcow2", TRUE);
  volume = vireo_test_find_named (page, "web.qcow2");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (volume)), "qcow2"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (volume)), "Used by web"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (volume)), "/lab-pool/web.qcow2"));
  volume = vireo_test_find_named (page, "base.img");
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (volume)), "Used by"));
}

static void
test_storage_new_volume (Fixture       *f,
                         gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->storage);
  GtkWidget *dialog;
  VireoVolumeDialog *vd;
  GtkWidget *full;
  g_autofree char *command = NULL;

  vireo_host_window_show_page (f->window, "storage");
  dialog = vireo_storage_page_new_volume (f->storage);
  g_assert_nonnull (dialog);
  vd = VIREO_VOLUME_DIALOG (dialog);
  g_assert_cmpstr (row_text (dialog, "_Name"), ==, "volume1.qcow2");

  /* A name the pool has. */
  set_row (dialog, "_Name", "web.qcow2");
  gtk_widget_activate_action (dialog, "volume.create", NULL);
  g_assert_cmpint (vireo_volume_dialog_get_error_code (vd), ==, VIREO_STORAGE_CONFIG_ERROR_NAME);
  g_assert_true (has_error_class (dialog, "_Name"));

  /* Fully allocated beyond the free space: refused. */
  set_row (dialog, "_Name", "data.qcow2");
  set_row (dialog, "_Size", "500 GiB");
  full = vireo_test_find_descendant (vireo_test_find_row_titled (dialog, "_Allocate All Space Now"), GTK_TYPE_SWITCH);
  gtk_switch_set_active (GTK_SWITCH (full), TRUE);
  gtk_widget_activate_action (dialog, "volume.create", NULL);
  g_assert_cmpint (vireo_volume_dialog_get_error_code (vd), ==, VIREO_STORAGE_CONFIG_ERROR_CAPACITY);
  g_assert_true (has_error_class (dialog, "_Size"));
  g_assert_cmpstr (row_text (dialog, "_Size"), ==, "500 GiB");

  /* Not a size. */
  set_row (dialog, "_Size", "lots");
  gtk_widget_activate_action (dialog, "volume.create", NULL);
  g_assert_cmpint (vireo_volume_dialog_get_error_code (vd), ==, VIREO_STORAGE_CONFIG_ERROR_CAPACITY);

  /* Thin: a warning first, then made. */
  set_row (dialog, "_Size", "500 GiB");
  gtk_switch_set_active (GTK_SWITCH (full), FALSE);
  command = vireo_volume_dialog_dup_command (vd);
  g_assert_nonnull (strstr (command, "vol-create-as"));
  g_assert_nonnull (strstr (command, "data.qcow2"));
  gtk_widget_activate_action (dialog, "volume.create", NULL);
  g_assert_cmpint (vireo_volume_dialog_get_error_code (vd), ==, VIREO_STORAGE_CONFIG_ERROR_OVERCOMMIT);
  g_assert_true (vireo_test_find_newest_toplevel (VIREO_TYPE_VOLUME_DIALOG) != NULL);
  gtk_widget_activate_action (dialog, "volume.create", NULL);
  vireo_test_wait_for (window_gone, GSIZE_TO_POINTER (VIREO_TYPE_VOLUME_DIALOG), 10, "the dialog to close");
  wait_for_named (page, "data.qcow2", TRUE);
}

/* A volume a machine uses is deleted only after naming the machine. */
static void
test_storage_delete_used (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->storage);
  GtkWindow *dialog;

  vireo_host_window_show_page (f->window, "storage");
  wait_for_named (page, "web.qcow2", TRUE);
  g_assert_true (gtk_widget_activate_action (page, "storage.volume-delete", "s", "web.qcow2"));
  dialog = wait_for_window (message_dialog_type);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Delete “web.qcow2”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "• web"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "vol-delete"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "ok"), ==, "_Delete Anyway");
  respond ("ok");
  wait_for_named (page, "web.qcow2", FALSE);
  g_assert_nonnull (vireo_test_find_named (page, "base.img"));
}

/* The page opens New Storage Pool; the pool made there is shown. */
static void
test_storage_add_pool (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->storage);
  GtkWidget *dialog;

  vireo_host_window_show_page (f->window, "storage");
  g_assert_true (gtk_widget_activate_action (page, "storage.add-pool", NULL));
  dialog = GTK_WIDGET (wait_for_window (VIREO_TYPE_POOL_DIALOG));
  vireo_test_wait_for ((VireoTestCondition) vireo_pool_dialog_get_ready, dialog, 10, "the pool dialog");
  g_assert_true (vireo_pool_dialog_select_type (VIREO_POOL_DIALOG (dialog), "dir"));
  set_row (dialog, "_Name", "isos");
  set_row (dialog, "_Target Path", "/srv/isos");
  gtk_widget_activate_action (dialog, "pool.create", NULL);
  vireo_test_wait_for (window_gone, GSIZE_TO_POINTER (VIREO_TYPE_POOL_DIALOG), 10, "the dialog to close");
  wait_for_named (page, "isos", TRUE);
  vireo_test_wait_for (not_loading_storage, f->storage, 10, "the pools");
  g_assert_cmpstr (vireo_storage_page_get_selected (f->storage), ==, "isos");
  wait_for_label (page, "/srv/isos");
}

static gboolean
has_host_entries (gpointer data)
{
  GtkWindow *dialog = vireo_test_find_newest_toplevel (message_dialog_type);

  return dialog != NULL && vireo_test_find_named (GTK_WIDGET (dialog), "host-entries") != NULL;
}

/* Fills the three entries of the static address question and adds. */
static void
answer_host (const char *mac,
             const char *ip,
             const char *name)
{
  GtkWindow *dialog;
  GtkWidget *box, *entry;

  vireo_test_wait_for (has_host_entries, NULL, 10, "the static address question");
  dialog = vireo_test_find_newest_toplevel (message_dialog_type);
  box = vireo_test_find_named (GTK_WIDGET (dialog), "host-entries");
  entry = gtk_widget_get_first_child (box);
  gtk_editable_set_text (GTK_EDITABLE (entry), mac);
  entry = gtk_widget_get_next_sibling (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), ip);
  entry = gtk_widget_get_next_sibling (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "add");
  gtk_window_destroy (dialog);
}

/* A static address outside the subnet is asked again with the reason and
 * the typing; a good one is listed; removing it takes it away. */
static void
test_networks_static_hosts (Fixture       *f,
                            gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->networks);
  GtkWindow *dialog;
  GtkWidget *box;

  vireo_host_window_show_page (f->window, "networks");
  select_network (f, "backend");
  wait_for_label (page, "Isolated");

  g_assert_true (gtk_widget_activate_action (page, "networks.add-host", NULL));
  answer_host ("52:54:00:aa:00:03", "10.99.0.5", "db");
  vireo_test_wait_for (has_host_entries, NULL, 10, "the question again");
  dialog = vireo_test_find_newest_toplevel (message_dialog_type);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "10.99.0.5"));
  /* The virsh line carries what was typed. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "net-update backend add-last ip-dhcp-host"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "52:54:00:aa:00:03"));
  box = vireo_test_find_named (GTK_WIDGET (dialog), "host-entries");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_first_child (box))), ==,
                   "52:54:00:aa:00:03");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (dialog);

  g_assert_true (gtk_widget_activate_action (page, "networks.add-host", NULL));
  answer_host ("52:54:00:aa:00:03", "10.20.0.30", "db");
  wait_for_named (page, "52:54:00:aa:00:03", TRUE);
  /* The row names the machine whose card has that MAC. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (vireo_test_find_named (page, "52:54:00:aa:00:03"))), ==,
                   "52:54:00:aa:00:03 (db)");

  g_assert_true (gtk_widget_activate_action (page, "networks.remove-host", "s", "52:54:00:aa:00:03"));
  wait_for_named (page, "52:54:00:aa:00:03", FALSE);
}

static gboolean
dialog_has_error (gpointer data)
{
  return vireo_network_dialog_get_error (data) != NULL;
}

static gboolean
widget_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static gboolean
has_dns_entries (gpointer data)
{
  GtkWindow *dialog = vireo_test_find_newest_toplevel (message_dialog_type);

  return dialog != NULL && vireo_test_find_named (GTK_WIDGET (dialog), "dns-entries") != NULL;
}

static void
answer_dns (const char *ip,
            const char *names)
{
  GtkWindow *dialog;
  GtkWidget *box;

  vireo_test_wait_for (has_dns_entries, NULL, 10, "the DNS name question");
  dialog = vireo_test_find_newest_toplevel (message_dialog_type);
  box = vireo_test_find_named (GTK_WIDGET (dialog), "dns-entries");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_first_child (box)), ip);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_last_child (box)), names);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "add");
  gtk_window_destroy (dialog);
}

/* DNS names: a bad address is asked again with the typing kept; a good
 * entry is listed with its names, and removed. */
static void
test_networks_dns_hosts (Fixture       *f,
                         gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->networks);
  GtkWindow *dialog;
  GtkWidget *box;

  vireo_host_window_show_page (f->window, "networks");
  select_network (f, "backend");
  wait_for_label (page, "Isolated");

  g_assert_true (gtk_widget_activate_action (page, "networks.add-dns-host", NULL));
  answer_dns ("10.20.0.999", "db, db.lab");
  vireo_test_wait_for (has_dns_entries, NULL, 10, "the question again");
  dialog = vireo_test_find_newest_toplevel (message_dialog_type);
  box = vireo_test_find_named (GTK_WIDGET (dialog), "dns-entries");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_last_child (box))), ==, "db, db.lab");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "10.20.0.999"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (dialog);

  g_assert_true (gtk_widget_activate_action (page, "networks.add-dns-host", NULL));
  answer_dns ("10.20.0.40", "db, db.lab");
  wait_for_named (page, "10.20.0.40", TRUE);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (vireo_test_find_named (page, "10.20.0.40"))), ==,
                   "db, db.lab");
  g_assert_true (gtk_widget_activate_action (page, "networks.remove-dns-host", "s", "10.20.0.40"));
  wait_for_named (page, "10.20.0.40", FALSE);
}

static gboolean
revealer_hidden (gpointer data)
{
  return !gtk_revealer_get_reveal_child (data);
}

/* The form edits a network in place: the fields it changes, and nothing
 * it does not show is lost (a static host, the DNS domain). */
static void
test_networks_edit_form (Fixture       *f,
                         gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->networks);
  GtkWidget *dialog;
  g_autofree char *xml = NULL;
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autoptr(VireoNetworkIp) ip = NULL;
  g_autofree char *domain = NULL;
  gboolean local_only = FALSE;
  GtkRevealer *banner;

  vireo_host_window_show_page (f->window, "networks");
  select_network (f, "default");
  wait_for_label (page, "NAT");
  dialog = vireo_networks_page_edit (f->networks);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Edit “default”");
  g_assert_cmpstr (row_text (dialog, "_Name"), ==, "default");
  g_assert_cmpstr (row_text (dialog, "Host _Address / Prefix"), ==, "192.168.122.1/24");
  g_assert_cmpstr (row_text (dialog, "DHCP Range _End"), ==, "192.168.122.254");
  g_assert_cmpstr (row_text (dialog, "DNS _Domain"), ==, "lab");

  /* Its own subnet and name are not "taken". */
  set_row (dialog, "DHCP Range _End", "192.168.122.200");
  xml = vireo_network_dialog_dup_xml (VIREO_NETWORK_DIALOG (dialog));
  config = vireo_network_config_new_from_xml (xml, NULL);
  ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
  g_assert_cmpuint (ip->hosts->len, ==, 1);
  g_assert_cmpstr (((VireoNetworkDhcpHost *) g_ptr_array_index (ip->hosts, 0))->mac, ==, "52:54:00:aa:00:01");
  domain = vireo_network_config_dup_domain_name (config, &local_only);
  g_assert_cmpstr (domain, ==, "lab");
  g_assert_true (local_only);
  g_assert_nonnull (strstr (xml, "71717171-7171-4171-8171-717171717171"));

  gtk_widget_activate_action (dialog, "network.create", NULL);
  vireo_test_wait_for (window_gone, GSIZE_TO_POINTER (VIREO_TYPE_NETWORK_DIALOG), 10, "the dialog to close");
  g_assert_null (vireo_test_find_newest_toplevel (VIREO_TYPE_NETWORK_DIALOG));
  /* Running: the change waits for a restart, and the page says so; it
   * shows what runs until then. */
  banner = GTK_REVEALER (gtk_widget_get_ancestor (vireo_test_find_label (page, "Saved. The running network keeps its old "
                                                                    "settings until it restarts."),
                                                  GTK_TYPE_REVEALER));
  vireo_test_wait_for ((VireoTestCondition) gtk_revealer_get_reveal_child, banner, 10, "the restart banner");
  wait_for_label (page, "192.168.122.2 – 192.168.122.254");
  g_assert_true (gtk_widget_activate_action (page, "networks.restart", NULL));
  respond ("confirm");
  /* (The test driver restarts with the old definition; the new range
   * after a restart is checked on the real daemon.) */
  vireo_test_wait_for (revealer_hidden, banner, 10, "the banner to go");
  g_assert_nonnull (vireo_test_find_named (page, "52:54:00:aa:00:01"));
}

/* A stopped network is renamed from the form; a running one is refused
 * in libvirt's words and keeps its name. */
static void
test_networks_rename (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->networks);
  GtkWidget *dialog;
  Wait inactive = { page, "Inactive" };

  vireo_host_window_show_page (f->window, "networks");
  select_network (f, "dmz");
  dialog = vireo_networks_page_edit (f->networks);
  /* What the form shows of DNS and routes comes back as it was. */
  g_assert_cmpstr (row_text (dialog, "_Forwarders, such as 9.9.9.9, corp.lan=10.0.0.53"), ==, "8.8.8.8");
  g_assert_cmpstr (row_text (dialog, "T_XT Records, such as info=hello; other=text"), ==, "site=dmz");
  g_assert_cmpstr (row_text (dialog, "Static _Routes, such as 10.1.0.0/24 via 192.168.100.254"), ==,
                   "10.9.0.0/24 via 10.30.0.254");
  {
    g_autofree char *xml = vireo_network_dialog_dup_xml (VIREO_NETWORK_DIALOG (dialog));

    g_assert_nonnull (strstr (xml, "<route address=\"10.9.0.0\" prefix=\"24\" gateway=\"10.30.0.254\"/>"));
    g_assert_nonnull (strstr (xml, "<forwarder addr=\"8.8.8.8\"/>"));
  }
  set_row (dialog, "_Name", "dmz2");
  gtk_widget_activate_action (dialog, "network.create", NULL);
  vireo_test_wait_for (dialog_has_error, dialog, 10, "the refusal");
  g_assert_nonnull (strstr (vireo_network_dialog_get_error (VIREO_NETWORK_DIALOG (dialog)), "Stop"));
  g_assert_cmpstr (row_text (dialog, "_Name"), ==, "dmz2");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_true (gtk_widget_activate_action (page, "networks.stop", NULL));
  vireo_test_wait_for (state_is, &inactive, 10, "the network to stop");
  dialog = vireo_networks_page_edit (f->networks);
  set_row (dialog, "_Name", "dmz2");
  gtk_widget_activate_action (dialog, "network.create", NULL);
  vireo_test_wait_for (window_gone, GSIZE_TO_POINTER (VIREO_TYPE_NETWORK_DIALOG), 10, "the dialog to close");
  wait_for_named (page, "dmz2", TRUE);
  wait_for_named (page, "dmz", FALSE);
  g_assert_cmpuint (n_rows (page), ==, 4);
}

/* Delete Pool and Volumes lists the volumes first, then removes both. */
static void
test_storage_delete_pool (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->storage);
  GtkWindow *dialog;

  vireo_host_window_show_page (f->window, "storage");
  g_assert_true (vireo_storage_page_select (f->storage, "lab-pool"));
  g_assert_true (gtk_widget_activate_action (page, "storage.delete", NULL));
  dialog = wait_for_window (message_dialog_type);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Delete “lab-pool”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "• base.img"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "• web.qcow2 (used by web)"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "delete-all"));
  /* A volume a machine uses: refused, in words, the pool kept. */
  respond ("delete-all");
  dialog = wait_for_window (message_dialog_type);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Could Not Delete “lab-pool”");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "web"));
  respond ("close");
  g_assert_nonnull (vireo_test_find_named (page, "lab-pool"));

  /* The pool alone: forgotten. */
  g_assert_true (gtk_widget_activate_action (page, "storage.delete", NULL));
  respond ("delete");
  wait_for_named (page, "lab-pool", FALSE);
}

/* Edit XML refuses what the model refuses, on the editor; a good edit is
 * saved, and a running network says it waits for a restart. */
static void
test_networks_edit_xml (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (f->networks);
  GtkWindow *window;
  VireoXmlEditor *editor;
  GtkWidget *save;
  g_autofree char *text = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *good = NULL;
  g_auto(GStrv) parts = NULL;
  GtkRevealer *banner;

  vireo_host_window_show_page (f->window, "networks");
  select_network (f, "dmz");
  wait_for_label (page, "Routed");
  banner = GTK_REVEALER (gtk_widget_get_ancestor (vireo_test_find_label (page, "Saved. The running network keeps its old "
                                                                    "settings until it restarts."),
                                                  GTK_TYPE_REVEALER));
  g_assert_false (gtk_revealer_get_reveal_child (banner));

  g_assert_true (gtk_widget_activate_action (page, "networks.edit-xml", NULL));
  window = wait_for_window (ADW_TYPE_WINDOW);
  g_object_ref (window);
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (window)), ==, "network-xml-editor");
  editor = VIREO_XML_EDITOR (vireo_test_find_descendant (GTK_WIDGET (window), VIREO_TYPE_XML_EDITOR));
  save = vireo_test_find_label (GTK_WIDGET (window), "Save") ? gtk_widget_get_parent (vireo_test_find_label (GTK_WIDGET (window), "Save"))
                                                : NULL;
  g_assert_nonnull (save);
  text = vireo_xml_editor_dup_text (editor);

  /* Into the subnet of "default": refused on the editor, text kept. */
  parts = g_strsplit (text, "10.30.0.", -1);
  bad = g_strjoinv ("192.168.122.", parts);
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (vireo_xml_editor_get_buffer (editor)), bad, -1);
  g_signal_emit_by_name (save, "clicked");
  g_assert_nonnull (vireo_xml_editor_get_error_message (editor));
  g_assert_nonnull (strstr (vireo_xml_editor_get_error_message (editor), "default"));
  g_assert_true (vireo_test_find_newest_toplevel (ADW_TYPE_WINDOW) == window);

  good = g_strjoinv ("10.31.0.", parts);
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (vireo_xml_editor_get_buffer (editor)), good, -1);
  g_signal_emit_by_name (save, "clicked");
  vireo_test_wait_for (widget_hidden, window, 10, "the editor to close");
  g_object_unref (window);
  vireo_test_wait_for ((VireoTestCondition) gtk_revealer_get_reveal_child, banner, 10, "the restart banner");
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
  message_dialog_type = ADW_TYPE_MESSAGE_DIALOG;

#define ADD(path, func) g_test_add ("/ui/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("networks/show", test_networks_show);
  ADD ("networks/stop-start", test_networks_stop_start);
  ADD ("networks/create", test_networks_create);
  ADD ("networks/create-isolated", test_networks_create_isolated);
  ADD ("networks/delete", test_networks_delete);
  ADD ("networks/static-hosts", test_networks_static_hosts);
  ADD ("networks/edit-xml", test_networks_edit_xml);
  ADD ("networks/edit-form", test_networks_edit_form);
  ADD ("networks/rename", test_networks_rename);
  ADD ("storage/delete-pool", test_storage_delete_pool);
  ADD ("networks/dns-hosts", test_networks_dns_hosts);
  ADD ("storage/add-pool", test_storage_add_pool);
  ADD ("host/interfaces", test_host_interfaces);
  ADD ("storage/show", test_storage_show);
  ADD ("storage/new-volume", test_storage_new_volume);
  ADD ("storage/delete-used", test_storage_delete_used);
#undef ADD

  status = g_test_run ();
  /* Workers may still be closing connections; exit only once they are done. */
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return status;
}
