/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Host Details › Map on the private libvirtd, under Xvfb: a host with a
 * NAT, an isolated and a routed network, and a TCG guest with a card on
 * NAT and one on isolated. The guest's DHCP lease appears on its card in
 * the map; a card hot-plugged into the running guest appears through
 * libvirt's device event; moving a card to another network from the map
 * changes the running guest and its definition, as the virsh line shown
 * says.
 *
 * With VIREO_SCREENSHOT_DIR set, the windows are saved there as PNGs (the
 * real-host pictures in docs/screenshots come from here).
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "vireo-dhcp-guest.h"
#include "vireo-network-ops.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (virNetwork, virNetworkFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virDomain, virDomainFree)

#define NAT        "vmap-nat"
#define ISOLATED   "vmap-isolated"
#define ROUTED     "vmap-routed"
#define GUEST      "vmap-guest"
#define NAT_MAC    "52:54:00:77:02:01"
#define ISO_MAC    "52:54:00:77:02:02"
#define PLUG_MAC   "52:54:00:77:02:03"

static VireoConnectionManager *manager;
static VireoConnection        *conn;
static VireoHostWindow        *host_window;
static VireoNetworkMapPage    *page;
static VireoNetworkMapView    *view;
static virConnectPtr           direct;

static void
start_network (const char *name,
               const char *forward,
               guint       slot,
               const char *bridge_suffix)
{
  g_autofree char *first24 = slot_first24 (slot);
  g_autofree char *bridge = bridge_name (bridge_suffix);
  g_autofree char *xml =
    g_strdup_printf ("<network><name>%s</name>%s<bridge name='%s'/>"
                     "<ip address='%s.1' prefix='24'><dhcp><range start='%s.10' end='%s.200'/></dhcp></ip>"
                     "</network>",
                     name, forward, bridge, first24, first24, first24);
  g_autoptr(virNetwork) net = virNetworkDefineXML (direct, xml);

  g_assert_nonnull (net);
  g_assert_cmpint (virNetworkCreate (net), ==, 0);
}

static char *
guest_uuid (void)
{
  g_autoptr(virDomain) dom = virDomainLookupByName (direct, GUEST);
  char uuid[VIR_UUID_STRING_BUFLEN];

  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainGetUUIDString (dom, uuid), ==, 0);
  return g_strdup (uuid);
}

static VireoMapNode *
nic_node (const char *mac)
{
  VireoNetMap *map = vireo_network_map_view_get_map (view);
  g_autofree char *uuid = guest_uuid ();
  g_autofree char *id = g_strdup_printf ("nic:%s/%s", uuid, mac);

  return map != NULL ? vireo_net_map_lookup (map, id) : NULL;
}

static gboolean
map_read (gpointer data)
{
  return vireo_network_map_page_get_reads (page) > 0;
}

typedef struct
{
  const char *mac;
  const char *prefix;    /* an address starting with this */
  const char *network;   /* (nullable): attached to "net:<network>" */
} NicWait;

static gboolean
nic_shown (gpointer data)
{
  NicWait *w = data;
  VireoMapNode *nic = nic_node (w->mac);
  g_autofree char *attached = w->network != NULL ? g_strconcat ("net:", w->network, NULL) : NULL;

  if (nic == NULL)
    return FALSE;
  if (attached != NULL && (nic->attached == NULL || g_strcmp0 (nic->attached->id, attached) != 0))
    return FALSE;
  if (w->prefix == NULL)
    return TRUE;
  for (guint i = 0; nic->addresses != NULL && i < nic->addresses->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (nic->addresses, i), w->prefix))
      return TRUE;
  return FALSE;
}

/* A guest on NAT and isolated: its lease shows on its card. */
static void
test_lease (void)
{
  g_autofree char *nat24 = slot_first24 (10);
  g_autofree char *nat_prefix = g_strconcat (nat24, ".", NULL);
  g_autofree char *guest = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GString) xml = NULL;
  g_autoptr(virDomain) dom = NULL;
  NicWait lease = { NAT_MAC, nat_prefix, NAT };
  VireoNetMap *map;
  VireoMapNode *machine;

  start_network (NAT, "<forward mode='nat'/>", 10, "mn");
  start_network (ISOLATED, "", 11, "mi");
  start_network (ROUTED, "<forward mode='route'/>", 12, "mr");

  guest = vireo_test_dhcp_guest_xml (GUEST, NAT_MAC, NAT);
  xml = g_string_new (guest);
  second = g_strdup_printf ("<interface type='network'><mac address='%s'/><source network='%s'/>"
                            "<model type='virtio'/></interface></devices>", ISO_MAC, ISOLATED);
  g_assert_cmpuint (g_string_replace (xml, "</devices>", second, 1), ==, 1);
  dom = virDomainDefineXML (direct, xml->str);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);

  vireo_host_window_show_page (host_window, "map");
  page = vireo_host_window_get_map_page (host_window);
  view = vireo_network_map_page_get_view (page);
  vireo_test_wait_for (map_read, NULL, 60, "the map");
  /* Leases raise no event: the page reads them again while it is shown. */
  vireo_test_wait_for (nic_shown, &lease, 150, "the guest's lease on its card");

  /* The lease came through the page's cheap question: the same key. */
  {
    g_auto(GStrv) keys = NULL;
    VireoTestAsync a = { 0 };
    g_autoptr(GError) error = NULL;
    gboolean found = FALSE;

    vireo_connection_list_lease_keys_async (conn, NULL, vireo_test_async_cb, &a);
    keys = vireo_connection_list_lease_keys_finish (conn, vireo_test_async_wait (&a, 30), &error);
    g_clear_object (&a.result);
    g_assert_no_error (error);
    for (guint i = 0; keys[i] != NULL; i++)
      {
        g_autofree char *want = g_strdup_printf ("%s %s", NAT_MAC,
                                                 (char *) g_ptr_array_index (nic_node (NAT_MAC)->addresses, 0));

        found |= g_strcmp0 (keys[i], want) == 0;
      }
    g_assert_true (found);
  }

  map = vireo_network_map_view_get_map (view);
  machine = nic_node (NAT_MAC)->parent;
  g_assert_cmpstr (machine->name, ==, GUEST);
  g_assert_true (machine->active);
  g_assert_cmpstr (nic_node (ISO_MAC)->attached->id, ==, "net:" ISOLATED);
  g_assert_true (vireo_net_map_lookup (map, "net:" ISOLATED)->isolated);
  g_assert_null (vireo_net_map_lookup_edge (map, "uplink:net:" ISOLATED));
  g_assert_nonnull (vireo_net_map_lookup_edge (map, "uplink:net:" NAT));
  g_assert_nonnull (vireo_net_map_lookup_edge (map, "uplink:net:" ROUTED));
  /* Out through NAT, nobody in: neither NAT nor isolated lets them. */
  g_assert_cmpint (machine->reach[VIREO_REACH_GUEST_OUTSIDE].verdict, ==, VIREO_REACH_YES);
  g_assert_cmpint (machine->reach[VIREO_REACH_OUTSIDE_GUEST].verdict, ==, VIREO_REACH_NO);
  g_assert_cmpint (vireo_net_map_lookup (map, "net:" ROUTED)->reach[VIREO_REACH_OUTSIDE_GUEST].verdict, ==,
                   VIREO_REACH_PARTLY);

  /* The card's panel lists the leased address. */
  g_assert_true (vireo_network_map_view_select (view, nic_node (NAT_MAC)->id));
  {
    GtkWidget *label = vireo_test_find_named (vireo_network_map_page_get_panel (page), "map-addresses");

    g_assert_nonnull (label);
    g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), nat_prefix));
  }
  vireo_network_map_view_select (view, NULL);
  vireo_test_save_window (GTK_WIDGET (host_window), "network-map-host");
  g_assert_true (vireo_network_map_view_select (view, "net:" NAT));
  vireo_test_save_window (GTK_WIDGET (host_window), "network-map-host-explanation");
}

static void
on_devices_changed (VireoConnection *connection,
                    VireoDomain     *domain,
                    gboolean        *seen)
{
  if (g_strcmp0 (vireo_domain_get_name (domain), GUEST) == 0)
    *seen = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
move_ready (gpointer data)
{
  return adw_message_dialog_get_response_enabled (data, "move");
}

typedef struct
{
  gboolean    live;
  const char *mac;
  const char *network;
} XmlWait;

static gboolean
definition_has (gpointer data)
{
  XmlWait *w = data;
  g_autoptr(virDomain) dom = virDomainLookupByName (direct, GUEST);
  g_autofree char *xml = NULL;
  g_autofree char *needle = g_strdup_printf ("<source network='%s'", w->network);
  char *raw = dom != NULL ? virDomainGetXMLDesc (dom, w->live ? 0 : VIR_DOMAIN_XML_INACTIVE) : NULL;
  const char *card;
  const char *end;

  if (raw == NULL)
    return FALSE;
  xml = g_strdup (raw);
  free (raw);
  card = strstr (xml, w->mac);
  end = card != NULL ? strstr (card, "</interface>") : NULL;
  return end != NULL && g_strstr_len (card, end - card, needle) != NULL;
}

/* A card plugged into the running guest reaches the map by its event;
 * moving a card from the map changes the guest now and for good. */
static void
test_hotplug_and_move (void)
{
  g_autoptr(virDomain) dom = virDomainLookupByName (direct, GUEST);
  g_autofree char *plug = g_strdup_printf ("<interface type='network'><mac address='%s'/>"
                                           "<source network='%s'/><model type='virtio'/></interface>",
                                           PLUG_MAC, ROUTED);
  NicWait plugged = { PLUG_MAC, NULL, ROUTED };
  NicWait moved = { ISO_MAC, NULL, ROUTED };
  XmlWait live = { TRUE, ISO_MAC, ROUTED };
  XmlWait config = { FALSE, ISO_MAC, ROUTED };
  gboolean seen = FALSE;
  gulong handler;
  GtkWidget *dialog;
  GtkWidget *command;

  g_assert_nonnull (dom);
  handler = g_signal_connect (conn, "domain-devices-changed", G_CALLBACK (on_devices_changed), &seen);
  g_assert_cmpint (virDomainAttachDeviceFlags (dom, plug, VIR_DOMAIN_AFFECT_LIVE), ==, 0);
  vireo_test_wait_for (flag_set, &seen, 30, "libvirt's device-added event");
  g_signal_handler_disconnect (conn, handler);
  vireo_test_wait_for (nic_shown, &plugged, 30, "the plugged card on the map");

  dialog = vireo_network_map_page_move_nic (page, nic_node (ISO_MAC)->id, ROUTED);
  g_assert_nonnull (dialog);
  vireo_test_wait_for (move_ready, dialog, 30, "the move's virsh line");
  command = vireo_test_find_named (dialog, "map-move-command");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (command)), "update-device " GUEST " /dev/stdin --live --config"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (command)), "network=\"" ROUTED "\""));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (command)), ISO_MAC));
  vireo_test_save_window (dialog, "network-map-move");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "move");

  vireo_test_wait_for (definition_has, &live, 30, "the running guest's card on " ROUTED);
  vireo_test_wait_for (definition_has, &config, 30, "the definition's card on " ROUTED);
  vireo_test_wait_for (nic_shown, &moved, 30, "the moved card on the map");
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
  vireo_test_wait_for ((VireoTestCondition) vireo_test_has_versions, conn, 60, "the connection");
  host_window = vireo_host_window_present_for (NULL, conn);
  gtk_window_set_default_size (GTK_WINDOW (host_window), 1300, 820);

  g_test_add_func ("/network-map-integration/lease", test_lease);
  g_test_add_func ("/network-map-integration/hotplug-and-move", test_hotplug_and_move);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (host_window));
  vireo_connection_close (conn);
  g_clear_object (&manager);
  virConnectClose (direct);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return status;
}
