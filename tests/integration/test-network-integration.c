/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Virtual networks on the private libvirtd of vireo-testenv.sh, through
 * Vireo's API only: NAT, routed, open and isolated networks built with
 * VireoNetworkConfig, defined, started, stopped and deleted; bridge mode
 * onto a host bridge made here; macvtap as far as the sandbox allows; a
 * TCG guest (Debian's cloud kernel and a busybox initramfs running udhcpc,
 * made by vireo-dhcp-guest.sh) that gets a DHCP lease and then the fixed
 * address of a static host entry added live; refusals that create nothing.
 * The kernel's view (/sys/class/net) and a second libvirt connection check
 * what Vireo reports.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-domain-config.h"
#include "vireo-network-config.h"
#include "vireo-network-ops.h"
#include "vireo-dhcp-guest.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define GUEST     "vireo-nt-guest"
#define GUEST_MAC "52:54:00:77:00:01"

static GPtrArray *
list_details (VireoConnection *conn)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  vireo_connection_list_network_details_async (conn, NULL, vireo_test_async_cb, &a);
  list = vireo_connection_list_network_details_finish (conn, vireo_test_async_wait (&a, 60), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  g_assert (list != NULL);
  return list;
}

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

static gboolean
has_details (GPtrArray  *list,
             const char *name)
{
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (((VireoNetworkDetails *) g_ptr_array_index (list, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* Every subnet of the host's networks but @except, for validation. */
static GStrv
host_subnets (VireoConnection *conn,
              const char      *except)
{
  g_autoptr(GPtrArray) list = list_details (conn);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < list->len; i++)
    {
      VireoNetworkDetails *d = g_ptr_array_index (list, i);
      g_autoptr(VireoNetworkConfig) config = NULL;
      g_auto(GStrv) subnets = NULL;

      if (g_strcmp0 (d->name, except) == 0)
        continue;
      config = vireo_network_config_new_from_xml (d->xml, NULL);
      g_assert_nonnull (config);
      subnets = vireo_network_config_dup_subnets (config);
      g_strv_builder_addv (builder, (const char **) subnets);
    }
  return g_strv_builder_end (builder);
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
  name = vireo_connection_define_network_finish (conn, vireo_test_async_wait (&a, 60), error);
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
  ok = vireo_connection_network_action_finish (conn, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return ok;
}

static void
must (VireoConnection    *conn,
      const char         *name,
      VireoNetworkAction  act)
{
  g_autoptr(GError) error = NULL;

  if (!action (conn, name, act, &error))
    g_error ("%s: %s", name, error->message);
}

static gboolean
link_exists (const char *dev)
{
  g_autofree char *path = g_build_filename ("/sys/class/net", dev, NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
run_ip (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s %s %s failed: %s", argv[0], argv[1], argv[2], err);
}

/* network-changed, as seen on the main thread */
typedef struct
{
  GPtrArray  *names;
  const char *wanted;
} Seen;

static void
on_network_changed (VireoConnection *conn,
                    const char      *name,
                    Seen            *seen)
{
  g_ptr_array_add (seen->names, g_strdup (name));
}

static gboolean
saw_wanted (gpointer data)
{
  Seen *seen = data;

  for (guint i = 0; i < seen->names->len; i++)
    if (g_strcmp0 (g_ptr_array_index (seen->names, i), seen->wanted) == 0)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------ */

static VireoNetworkConfig *
routed_config (VireoNetworkMode mode,
               const char      *name,
               const char      *bridge,
               guint            slot24)
{
  VireoNetworkConfig *config = vireo_network_config_new (mode);
  g_autofree char *first24 = slot_first24 (slot24);
  g_autoptr(VireoNetworkIp) ip = NULL;

  vireo_network_config_set_name (config, name);
  vireo_network_config_set_bridge_name (config, bridge);
  ip = vireo_network_ip_new (NULL, 24);
  ip->address = g_strdup_printf ("%s.1", first24);
  ip->dhcp_start = g_strdup_printf ("%s.10", first24);
  ip->dhcp_end = g_strdup_printf ("%s.50", first24);
  vireo_network_config_set_ip (config, VIREO_NETWORK_FAMILY_IPV4, ip);
  return config;
}

static void
test_modes (void)
{
  static const struct { VireoNetworkMode mode; const char *suffix; } modes[] = {
    { VIREO_NETWORK_MODE_NAT, "nn" },
    { VIREO_NETWORK_MODE_ROUTE, "nr" },
    { VIREO_NETWORK_MODE_OPEN, "no" },
    { VIREO_NETWORK_MODE_ISOLATED, "ni" },
  };
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  Seen seen = { g_ptr_array_new_with_free_func (g_free), NULL };

  g_signal_connect (conn, "network-changed", G_CALLBACK (on_network_changed), &seen);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *name = g_strdup_printf ("vireo-nt-%s", modes[i].suffix);
      g_autofree char *bridge = bridge_name (modes[i].suffix);
      g_autoptr(VireoNetworkConfig) config = routed_config (modes[i].mode, name, bridge, 4 + i);
      g_autoptr(VireoNetworkConfig) back = NULL;
      g_autoptr(GPtrArray) list = NULL;
      g_auto(GStrv) others = host_subnets (conn, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *xml = NULL;
      g_autofree char *defined = NULL;
      g_autofree char *live_bridge = NULL;
      VireoNetworkDetails *d;

      vireo_network_config_validate (config, (const char * const *) others, &error);
      g_assert_no_error (error);
      xml = vireo_network_config_to_xml (config);

      g_ptr_array_set_size (seen.names, 0);
      seen.wanted = name;
      defined = define (conn, xml, NULL, TRUE, &error);
      if (defined == NULL)
        {
          g_autofree char *hint = vireo_network_explain_start_error (error->message);
          g_error ("%s: %s (%s)", name, error->message, hint ? hint : "no hint");
        }
      vireo_test_wait_for (saw_wanted, &seen, 20, "network-changed on define/start");

      list = list_details (conn);
      d = find_details (list, name);
      g_assert_true (d->active);
      g_assert_true (d->persistent);
      g_assert_false (d->autostart);
      g_assert_nonnull (d->live_xml);
      back = vireo_network_config_new_from_xml (d->xml, &error);
      g_assert_no_error (error);
      g_assert_cmpint (vireo_network_config_get_mode (back), ==, modes[i].mode);
      live_bridge = vireo_network_config_dup_bridge_name (back);
      g_assert_cmpstr (live_bridge, ==, bridge);
      g_assert_true (link_exists (bridge));
      g_test_message ("%s (%s): running on %s", name, vireo_network_mode_get_label (modes[i].mode), bridge);

      g_ptr_array_set_size (seen.names, 0);
      must (conn, name, VIREO_NETWORK_ACTION_STOP);
      vireo_test_wait_for (saw_wanted, &seen, 20, "network-changed on stop");
      g_assert_false (link_exists (bridge));
      g_clear_pointer (&list, g_ptr_array_unref);
      list = list_details (conn);
      g_assert_false (find_details (list, name)->active);

      must (conn, name, VIREO_NETWORK_ACTION_UNDEFINE);
      g_clear_pointer (&list, g_ptr_array_unref);
      list = list_details (conn);
      g_assert_false (has_details (list, name));
    }
  g_ptr_array_unref (seen.names);
}

static void
test_bridge_mode (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *bridge = bridge_name ("hb");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(VireoNetworkConfig) config = vireo_network_config_new (VIREO_NETWORK_MODE_BRIDGE);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *defined = NULL;

  run_ip ((const char *[]) { "ip", "link", "add", bridge, "type", "bridge", NULL });
  run_ip ((const char *[]) { "ip", "link", "set", bridge, "up", NULL });

  vireo_network_config_set_name (config, "vireo-nt-bridge");
  vireo_network_config_validate (config, NULL, &error);
  g_assert_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_BRIDGE);
  g_clear_error (&error);
  vireo_network_config_set_bridge_name (config, bridge);
  vireo_network_config_validate (config, NULL, &error);
  g_assert_no_error (error);
  xml = vireo_network_config_to_xml (config);
  defined = define (conn, xml, NULL, TRUE, &error);
  g_assert_no_error (error);

  list = list_details (conn);
  g_assert_true (find_details (list, "vireo-nt-bridge")->active);
  must (conn, "vireo-nt-bridge", VIREO_NETWORK_ACTION_STOP);
  /* The host's bridge is the host's: libvirt leaves it be. */
  g_assert_true (link_exists (bridge));
  must (conn, "vireo-nt-bridge", VIREO_NETWORK_ACTION_UNDEFINE);

  run_ip ((const char *[]) { "ip", "link", "del", bridge, NULL });
}

static void
test_macvtap (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *dummy = bridge_name ("dm");
  g_autofree char *peer = bridge_name ("dp");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(VireoNetworkConfig) config = vireo_network_config_new (VIREO_NETWORK_MODE_MACVTAP);
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *defined = NULL;
  g_autoptr(GPtrArray) list = NULL;

  /* One end of a veth pair stands for the LAN interface (this kernel has
   * no dummy links). */
  run_ip ((const char *[]) { "ip", "link", "add", dummy, "type", "veth", "peer", "name", peer, NULL });
  run_ip ((const char *[]) { "ip", "link", "set", dummy, "up", NULL });

  vireo_network_config_set_name (config, "vireo-nt-macvtap");
  vireo_network_config_set_macvtap_mode (config, VIREO_MACVTAP_MODE_VEPA);
  vireo_network_config_set_interfaces (config, (const char *[]) { dummy, NULL });
  vireo_network_config_validate (config, NULL, &error);
  g_assert_no_error (error);
  xml = vireo_network_config_to_xml (config);
  defined = define (conn, xml, NULL, TRUE, &error);
  if (defined == NULL)
    {
      /* Say what libvirt said; the definition must not be left behind
       * unless it was saved (then delete it). */
      g_test_message ("macvtap network could not start here: %s", error->message);
      g_clear_error (&error);
      list = list_details (conn);
      if (has_details (list, "vireo-nt-macvtap"))
        must (conn, "vireo-nt-macvtap", VIREO_NETWORK_ACTION_UNDEFINE);
    }
  else
    {
      g_autoptr(VireoNetworkConfig) back = NULL;
      g_auto(GStrv) devs = NULL;

      list = list_details (conn);
      g_assert_true (find_details (list, "vireo-nt-macvtap")->active);
      back = vireo_network_config_new_from_xml (find_details (list, "vireo-nt-macvtap")->xml, &error);
      g_assert_no_error (error);
      g_assert_cmpint (vireo_network_config_get_mode (back), ==, VIREO_NETWORK_MODE_MACVTAP);
      g_assert_cmpint (vireo_network_config_get_macvtap_mode (back), ==, VIREO_MACVTAP_MODE_VEPA);
      devs = vireo_network_config_dup_interfaces (back);
      g_assert_cmpstr (devs[0], ==, dummy);
      g_test_message ("macvtap (vepa) network on %s started; a guest's macvtap device is not tried here", dummy);
      must (conn, "vireo-nt-macvtap", VIREO_NETWORK_ACTION_UNDEFINE);
    }
  run_ip ((const char *[]) { "ip", "link", "del", dummy, NULL });
}

static void
test_refusals (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autofree char *bridge = bridge_name ("rf");
  g_autoptr(VireoNetworkConfig) first = routed_config (VIREO_NETWORK_MODE_ISOLATED, "vireo-nt-first", bridge, 10);
  g_autoptr(VireoNetworkConfig) second = routed_config (VIREO_NETWORK_MODE_NAT, "vireo-nt-second", NULL, 10);
  g_autoptr(VireoNetworkConfig) bad_range = routed_config (VIREO_NETWORK_MODE_NAT, "vireo-nt-range", NULL, 11);
  g_autoptr(VireoNetworkIp) ip = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *defined = NULL;
  g_autofree char *again = NULL;
  g_autofree char *first24 = slot_first24 (10);
  g_autofree char *expected = NULL;
  g_auto(GStrv) others = NULL;

  xml = vireo_network_config_to_xml (first);
  defined = define (conn, xml, NULL, FALSE, &error);
  g_assert_no_error (error);
  before = list_details (conn);

  /* An overlapping subnet, named with the network that has it. */
  others = host_subnets (conn, NULL);
  g_assert_false (vireo_network_config_validate (second, (const char * const *) others, &error));
  g_assert_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_OVERLAP);
  expected = g_strdup_printf ("%s.0/24 overlaps the network vireo-nt-first (%s.0/24)", first24, first24);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  /* A DHCP range out of order. */
  ip = vireo_network_config_dup_ip (bad_range, VIREO_NETWORK_FAMILY_IPV4);
  {
    char *tmp = ip->dhcp_start;
    ip->dhcp_start = ip->dhcp_end;
    ip->dhcp_end = tmp;
  }
  vireo_network_config_set_ip (bad_range, VIREO_NETWORK_FAMILY_IPV4, ip);
  g_assert_false (vireo_network_config_validate (bad_range, (const char * const *) others, &error));
  g_assert_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_DHCP_RANGE);
  g_assert_nonnull (strstr (error->message, "comes before its start"));
  g_clear_error (&error);

  /* An existing name on create: refused, the first network unchanged. */
  g_free (xml);
  vireo_network_config_set_name (second, "vireo-nt-first");
  xml = vireo_network_config_to_xml (second);
  again = define (conn, xml, NULL, FALSE, &error);
  g_assert_null (again);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS);
  g_clear_error (&error);

  after = list_details (conn);
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_cmpstr (find_details (after, "vireo-nt-first")->xml, ==, find_details (before, "vireo-nt-first")->xml);
  g_assert_false (has_details (after, "vireo-nt-second"));
  g_assert_false (has_details (after, "vireo-nt-range"));

  must (conn, "vireo-nt-first", VIREO_NETWORK_ACTION_UNDEFINE);
}

static GPtrArray *
list_leases (VireoConnection *conn,
             const char      *network)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  vireo_connection_list_network_leases_async (conn, network, NULL, vireo_test_async_cb, &a);
  list = vireo_connection_list_network_leases_finish (conn, vireo_test_async_wait (&a, 60), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  g_assert (list != NULL);
  return list;
}

typedef struct
{
  VireoConnection *conn;
  const char      *network;
  const char      *ip;      /* NULL: any */
  char            *found;
} LeaseWait;

static gboolean
has_lease (gpointer data)
{
  LeaseWait *w = data;
  g_autoptr(GPtrArray) leases = NULL;

  /* Ask about once a second, not on every main-loop turn. */
  g_usleep (G_USEC_PER_SEC);
  leases = list_leases (w->conn, w->network);
  for (guint i = 0; i < leases->len; i++)
    {
      VireoNetworkLease *l = g_ptr_array_index (leases, i);

      if (g_ascii_strcasecmp (l->mac ? l->mac : "", GUEST_MAC) != 0 || g_strcmp0 (l->type, "ipv4") != 0)
        continue;
      g_assert_cmpuint (l->prefix, ==, 24);
      g_assert_cmpint (l->expiry, >, 0);
      if (w->ip == NULL || g_strcmp0 (l->ipaddr, w->ip) == 0)
        {
          g_free (w->found);
          w->found = g_strdup (l->ipaddr);
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_leases (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *bridge = bridge_name ("ld");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(VireoNetworkConfig) config = routed_config (VIREO_NETWORK_MODE_NAT, "vireo-nt-dhcp", bridge, 12);
  g_autofree char *first24 = slot_first24 (12);
  g_autofree char *fixed = g_strdup_printf ("%s.200", first24);
  g_autoptr(VireoNetworkDhcpHost) host = vireo_network_dhcp_host_new (GUEST_MAC, fixed, "fixed");
  g_autofree char *host_xml = vireo_network_dhcp_host_to_xml (host);
  g_autofree char *xml = vireo_network_config_to_xml (config);
  g_autofree char *guest = NULL;
  g_autofree char *defined = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(VireoNetworkConfig) saved = NULL;
  g_autoptr(VireoNetworkIp) saved_ip = NULL;
  LeaseWait wait = { conn, "vireo-nt-dhcp", NULL, NULL };
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr dom;
  VireoTestAsync a = { 0 };

  g_assert_nonnull (direct);
  defined = define (conn, xml, NULL, TRUE, &error);
  g_assert_no_error (error);

  guest = vireo_test_dhcp_guest_xml (GUEST, GUEST_MAC, "vireo-nt-dhcp");
  dom = virDomainCreateXML (direct, guest, 0);
  g_assert_nonnull (dom);

  /* The machine shows on the network it uses. */
  list = list_details (conn);
  g_assert_cmpuint (find_details (list, "vireo-nt-dhcp")->domains->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (find_details (list, "vireo-nt-dhcp")->domains, 0), ==, GUEST);

  vireo_test_wait_for (has_lease, &wait, 120, "the guest's DHCP lease");
  g_test_message ("lease: %s", wait.found);
  g_assert_true (g_str_has_prefix (wait.found, first24));
  g_assert_cmpstr (wait.found, !=, fixed);

  /* A static host entry, live and in the definition. */
  vireo_connection_update_network_async (conn, "vireo-nt-dhcp", VIREO_NETWORK_UPDATE_DHCP_HOST,
                                         VIREO_NETWORK_UPDATE_ADD, host_xml, TRUE, TRUE,
                                         NULL, vireo_test_async_cb, &a);
  vireo_connection_update_network_finish (conn, vireo_test_async_wait (&a, 60), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);

  g_clear_pointer (&list, g_ptr_array_unref);
  list = list_details (conn);
  saved = vireo_network_config_new_from_xml (find_details (list, "vireo-nt-dhcp")->xml, &error);
  g_assert_no_error (error);
  saved_ip = vireo_network_config_dup_ip (saved, VIREO_NETWORK_FAMILY_IPV4);
  g_assert_cmpuint (saved_ip->hosts->len, ==, 1);
  g_assert_cmpstr (((VireoNetworkDhcpHost *) saved_ip->hosts->pdata[0])->ip, ==, fixed);

  /* The guest asks again every few seconds and gets the fixed address. */
  wait.ip = fixed;
  vireo_test_wait_for (has_lease, &wait, 120, "the fixed address's lease");
  g_test_message ("after the static entry: %s", wait.found);

  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (direct);
  must (conn, "vireo-nt-dhcp", VIREO_NETWORK_ACTION_UNDEFINE);
  g_free (wait.found);
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

  g_test_add_func ("/network-integration/1-modes", test_modes);
  g_test_add_func ("/network-integration/2-bridge", test_bridge_mode);
  g_test_add_func ("/network-integration/3-macvtap", test_macvtap);
  g_test_add_func ("/network-integration/4-refusals", test_refusals);
  g_test_add_func ("/network-integration/5-leases", test_leases);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
