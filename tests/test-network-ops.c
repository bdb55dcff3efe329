/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Network management against libvirt's test driver (test:///default, whose
 * "default" network the machine "test" uses). The test driver runs no
 * dnsmasq and keeps no leases; the private-daemon integration test covers
 * those.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "vireo-network-config.h"
#include "vireo-network-ops.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define DEFAULT_URI "test:///default"

static GPtrArray *
list_details (VireoConnection  *conn,
              GError          **error)
{
  VireoTestAsync a = { 0 };
  GPtrArray *list;

  vireo_connection_list_network_details_async (conn, NULL, vireo_test_async_cb, &a);
  list = vireo_connection_list_network_details_finish (conn, vireo_test_async_wait (&a, 30), error);
  g_object_unref (a.result);
  return list;
}

static gboolean
has_details (GPtrArray  *list,
             const char *name)
{
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (((VireoNetworkDetails *) g_ptr_array_index (list, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* Returns: (transfer none): the network called @name; aborts without one */
static VireoNetworkDetails *
find_details (GPtrArray  *list,
              const char *name)
{
  for (guint i = 0; i < list->len; i++)
    {
      VireoNetworkDetails *d = g_ptr_array_index (list, i);
      if (g_strcmp0 (d->name, name) == 0)
        return d;
    }
  g_error ("no network %s", name);
}

static char *
define (VireoConnection  *conn,
        const char       *xml,
        const char       *old_name,
        gboolean          start,
        GError          **error)
{
  VireoTestAsync a = { 0 };
  char *name;

  vireo_connection_define_network_async (conn, xml, old_name, start, FALSE, NULL, vireo_test_async_cb, &a);
  name = vireo_connection_define_network_finish (conn, vireo_test_async_wait (&a, 30), error);
  g_object_unref (a.result);
  return name;
}

static gboolean
action (VireoConnection     *conn,
        const char          *name,
        VireoNetworkAction   act,
        GError             **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_connection_network_action_async (conn, name, act, NULL, vireo_test_async_cb, &a);
  ok = vireo_connection_network_action_finish (conn, vireo_test_async_wait (&a, 30), error);
  g_object_unref (a.result);
  return ok;
}

static void
test_default_network (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (DEFAULT_URI, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = list_details (conn, &error);
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autoptr(VireoNetworkIp) ip = NULL;
  VireoNetworkDetails *d;

  g_assert_no_error (error);
  d = find_details (list, "default");
  g_assert_cmpstr (d->uuid, ==, "dd8fe884-6c02-601e-7551-cca97df1c5df");
  g_assert_true (d->active);
  g_assert_true (d->persistent);
  g_assert_nonnull (d->live_xml);
  g_assert_cmpuint (d->domains->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (d->domains, 0), ==, "test");

  config = vireo_network_config_new_from_xml (d->xml, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vireo_network_config_get_mode (config), ==, VIREO_NETWORK_MODE_NAT);
  ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
  g_assert_cmpstr (ip->address, ==, "192.168.122.1");
  g_assert_cmpuint (ip->prefix, ==, 24);
}

static void
on_network_changed (VireoConnection *conn,
                    const char      *name,
                    GPtrArray       *seen)
{
  g_ptr_array_add (seen, g_strdup (name));
}

static gboolean
saw_name (gpointer data)
{
  GPtrArray **args = data;
  GPtrArray *seen = args[0];

  for (guint i = 0; i < seen->len; i++)
    if (g_strcmp0 (g_ptr_array_index (seen, i), (const char *) args[1]) == 0)
      return TRUE;
  return FALSE;
}

/* Create, refuse a taken name, start/stop, rename while inactive, delete;
 * each change is announced by network-changed. */
static void
test_lifecycle (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (DEFAULT_URI, 0);
  g_autoptr(VireoNetworkConfig) config = vireo_network_config_new (VIREO_NETWORK_MODE_ISOLATED);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *name = NULL;
  g_autofree char *taken = NULL;
  g_autofree char *renamed = NULL;
  gpointer args[2] = { seen, (gpointer) "vireo-unit" };
  VireoNetworkDetails *d;

  g_signal_connect (conn, "network-changed", G_CALLBACK (on_network_changed), seen);

  vireo_network_config_set_name (config, "vireo-unit");
  vireo_network_config_choose_ipv4_subnet (config, NULL);
  xml = vireo_network_config_to_xml (config);
  name = define (conn, xml, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "vireo-unit");
  vireo_test_wait_for (saw_name, args, 10, "network-changed for vireo-unit");

  list = list_details (conn, &error);
  d = find_details (list, "vireo-unit");
  g_assert_true (d->active);
  g_assert_cmpuint (d->domains->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* The same name again is refused, not an overwrite. */
  taken = define (conn, xml, NULL, FALSE, &error);
  g_assert_null (taken);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS);
  g_clear_error (&error);

  /* A rename needs it stopped. */
  vireo_network_config_set_name (config, "vireo-unit2");
  g_free (xml);
  xml = vireo_network_config_to_xml (config);
  renamed = define (conn, xml, "vireo-unit", FALSE, &error);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_clear_error (&error);

  g_ptr_array_set_size (seen, 0);
  g_assert_true (action (conn, "vireo-unit", VIREO_NETWORK_ACTION_STOP, &error));
  g_assert_no_error (error);
  vireo_test_wait_for (saw_name, args, 10, "network-changed on stop");

  renamed = define (conn, xml, "vireo-unit", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (renamed, ==, "vireo-unit2");
  list = list_details (conn, &error);
  g_assert_false (has_details (list, "vireo-unit"));
  g_assert_true (has_details (list, "vireo-unit2"));
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (action (conn, "vireo-unit2", VIREO_NETWORK_ACTION_AUTOSTART_ON, &error));
  g_assert_no_error (error);
  list = list_details (conn, &error);
  g_assert_true (find_details (list, "vireo-unit2")->autostart);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (action (conn, "vireo-unit2", VIREO_NETWORK_ACTION_UNDEFINE, &error));
  g_assert_no_error (error);
  list = list_details (conn, &error);
  g_assert_false (has_details (list, "vireo-unit2"));

  g_assert_false (action (conn, "vireo-unit2", VIREO_NETWORK_ACTION_START, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_NETWORK);
}

static void
test_interfaces (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (DEFAULT_URI, 0);
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  VireoHostInterfaceDetails *eth1 = NULL;

  vireo_connection_list_host_interface_details_async (conn, NULL, vireo_test_async_cb, &a);
  list = vireo_connection_list_host_interface_details_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      VireoHostInterfaceDetails *d = g_ptr_array_index (list, i);

      g_assert_cmpstr (d->name, !=, "lo");
      if (g_strcmp0 (d->name, "eth1") == 0)
        eth1 = d;
    }
  /* test:///default has eth1 with 192.168.0.5/24. */
  g_assert_nonnull (eth1);
  g_assert_true (eth1->active);
  g_assert_cmpstr (eth1->mac, ==, "aa:bb:cc:dd:ee:ff");
  g_assert_cmpuint (eth1->addresses->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (eth1->addresses, 0), ==, "192.168.0.5/24");
}

/* One worker job gives the map everything: networks, machines with their
 * cards wired, host interfaces as uplinks. */
static void
test_network_map (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-net-map.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_strconcat ("test://", abs, NULL);
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoNetMap) map = NULL;
  GPtrArray *nodes;
  VireoMapNode *web = NULL;
  guint nics = 0;

  vireo_connection_read_network_map_async (conn, NULL, vireo_test_async_cb, &a);
  map = vireo_connection_read_network_map_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_nonnull (map);

  nodes = vireo_net_map_get_nodes (map);
  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *node = g_ptr_array_index (nodes, i);

      if (node->kind == VIREO_MAP_NODE_DOMAIN && g_strcmp0 (node->name, "web") == 0)
        web = node;
      if (node->kind == VIREO_MAP_NODE_NIC && node->parent == web && web != NULL)
        {
          nics++;
          g_assert_nonnull (node->attached);
        }
    }
  g_assert_nonnull (web);
  g_assert_nonnull (web->uuid);
  /* web is on NAT and isolated. */
  g_assert_cmpuint (nics, ==, 2);
  g_assert_nonnull (vireo_net_map_lookup (map, "net:default"));
  g_assert_true (vireo_net_map_lookup (map, "net:default")->active);
  g_assert_true (vireo_net_map_lookup (map, "net:isolated")->isolated);
  /* The host's interfaces are read: routed forwards through eth0. */
  g_assert_nonnull (vireo_net_map_lookup (map, "iface:eth0"));
  g_assert_cmpstr (vireo_net_map_lookup_edge (map, "uplink:net:routed")->to->id, ==, "iface:eth0");
  g_assert_cmpstr (vireo_net_map_lookup (map, "host")->name, !=, "");

  /* The test driver hands out no leases: none, and no error. */
  {
    g_auto(GStrv) keys = NULL;

    vireo_connection_list_lease_keys_async (conn, NULL, vireo_test_async_cb, &a);
    keys = vireo_connection_list_lease_keys_finish (conn, vireo_test_async_wait (&a, 30), &error);
    g_clear_object (&a.result);
    g_assert_no_error (error);
    g_assert_nonnull (keys);
    g_assert_cmpuint (g_strv_length (keys), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

  g_test_add_func ("/virt/network/default", test_default_network);
  g_test_add_func ("/virt/network/lifecycle", test_lifecycle);
  g_test_add_func ("/virt/network/interfaces", test_interfaces);
  g_test_add_func ("/virt/network/map", test_network_map);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
