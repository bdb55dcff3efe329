/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "vireo-net-map.h"

/*
 * The network map's model over tests/data/test-net-map.xml, a test-driver
 * node file read here element by element: each <network> and <domain> as
 * the XML libvirt would hand over, each <interface> as a host interface.
 * A few interfaces a real host has and the node file cannot say (lo, a
 * libvirt bridge, one that is down, one no network uses), DHCP leases and
 * guest-agent addresses are added on top.
 */

#define WEB_UUID   "a1a1a1a1-0000-4000-8000-000000000001"
#define DB_UUID    "a1a1a1a1-0000-4000-8000-000000000002"
#define EDGE_UUID  "a1a1a1a1-0000-4000-8000-000000000003"
#define TAP_UUID   "a1a1a1a1-0000-4000-8000-000000000004"
#define SOLO_UUID  "a1a1a1a1-0000-4000-8000-000000000005"
#define USER_UUID  "a1a1a1a1-0000-4000-8000-000000000006"
#define GHOST_UUID "a1a1a1a1-0000-4000-8000-000000000007"

#define WEB_NIC0   "nic:" WEB_UUID "/52:54:00:0a:01:01"
#define WEB_NIC1   "nic:" WEB_UUID "/52:54:00:0a:01:02"
#define DB_NIC     "nic:" DB_UUID "/52:54:00:0a:02:01"
#define EDGE_NIC0  "nic:" EDGE_UUID "/52:54:00:0a:03:01"
#define EDGE_NIC1  "nic:" EDGE_UUID "/52:54:00:0a:03:02"
#define TAP_NIC    "nic:" TAP_UUID "/52:54:00:0a:04:01"
#define USER_NIC   "nic:" USER_UUID "/52:54:00:0a:06:01"
#define GHOST_NIC  "nic:" GHOST_UUID "/52:54:00:0a:07:01"

#define Y VIREO_REACH_YES
#define P VIREO_REACH_PARTLY
#define N VIREO_REACH_NO

static char *
dump_node (xmlDocPtr  doc,
           xmlNodePtr node)
{
  xmlBufferPtr buf = xmlBufferCreate ();
  char *xml;

  xmlNodeDump (buf, doc, node, 0, 0);
  xml = g_strdup ((const char *) xmlBufferContent (buf));
  xmlBufferFree (buf);
  return xml;
}

static char *
prop (xmlNodePtr  node,
      const char *name)
{
  xmlChar *value = xmlGetProp (node, BAD_CAST name);
  char *copy = g_strdup ((const char *) value);

  xmlFree (value);
  return copy;
}

static xmlNodePtr
child (xmlNodePtr  node,
       const char *name)
{
  for (xmlNodePtr c = node != NULL ? node->children : NULL; c != NULL; c = c->next)
    if (c->type == XML_ELEMENT_NODE && xmlStrEqual (c->name, BAD_CAST name))
      return c;
  return NULL;
}

static void
add_host_interface (VireoNetMap *map,
                    xmlNodePtr   node)
{
  g_autofree char *name = prop (node, "name");
  g_autofree char *type = prop (node, "type");
  g_autofree char *mac = prop (child (node, "mac"), "address");
  g_autoptr(GStrvBuilder) addresses = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (xmlNodePtr proto = node->children; proto != NULL; proto = proto->next)
    {
      if (proto->type != XML_ELEMENT_NODE || !xmlStrEqual (proto->name, BAD_CAST "protocol"))
        continue;
      for (xmlNodePtr ip = proto->children; ip != NULL; ip = ip->next)
        if (ip->type == XML_ELEMENT_NODE && xmlStrEqual (ip->name, BAD_CAST "ip"))
          {
            g_autofree char *address = prop (ip, "address");
            g_autofree char *prefix = prop (ip, "prefix");
            g_autofree char *entry = g_strdup_printf ("%s/%s", address, prefix);

            g_strv_builder_add (addresses, entry);
          }
    }
  strv = g_strv_builder_end (addresses);
  vireo_net_map_add_host_interface (map, name, type, mac, TRUE, (const char * const *) strv);
}

/* The domain as libvirt would give it: without the test driver's own
 * <test:runstate>, which says whether it runs. */
static void
add_domain (VireoNetMap *map,
            xmlDocPtr    doc,
            xmlNodePtr   node)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  gboolean active = TRUE;
  xmlNodePtr runstate = child (node, "runstate");

  if (runstate != NULL)
    {
      xmlChar *text = xmlNodeGetContent (runstate);

      active = g_strcmp0 ((const char *) text, "5") != 0;
      xmlFree (text);
      xmlUnlinkNode (runstate);
      xmlFreeNode (runstate);
    }
  xml = dump_node (doc, node);
  g_assert_true (vireo_net_map_add_domain (map, xml, active, &error));
  g_assert_no_error (error);
}

static void
add_fixture (VireoNetMap *map)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-net-map.xml", NULL);
  xmlDocPtr doc = xmlReadFile (path, NULL, XML_PARSE_NONET);
  guint n_networks = 0, n_domains = 0, n_ifaces = 0;

  g_assert_nonnull (doc);
  for (xmlNodePtr n = xmlDocGetRootElement (doc)->children; n != NULL; n = n->next)
    {
      if (n->type != XML_ELEMENT_NODE)
        continue;
      if (xmlStrEqual (n->name, BAD_CAST "network"))
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *xml = dump_node (doc, n);

          g_assert_true (vireo_net_map_add_network (map, xml, TRUE, &error));
          g_assert_no_error (error);
          n_networks++;
        }
      else if (xmlStrEqual (n->name, BAD_CAST "domain"))
        {
          add_domain (map, doc, n);
          n_domains++;
        }
      else if (xmlStrEqual (n->name, BAD_CAST "interface"))
        {
          add_host_interface (map, n);
          n_ifaces++;
        }
    }
  xmlFreeDoc (doc);
  /* The fixture is what the tests below count on. */
  g_assert_cmpuint (n_networks, ==, 8);
  g_assert_cmpuint (n_domains, ==, 7);
  g_assert_cmpuint (n_ifaces, ==, 2);
}

static VireoNetMap *
fixture_map (void)
{
  VireoNetMap *map = vireo_net_map_new ("lab-host");
  const char *lo[] = { "127.0.0.1/8", NULL };
  const char *virbr0[] = { "192.168.122.1/24", NULL };
  const char *wlan0[] = { "203.0.113.7/24", NULL };

  /* Leases and agent addresses first: adds may come in any order. */
  vireo_net_map_add_lease (map, "default", "52:54:00:0A:01:01", "192.168.122.45", 24, "web");
  vireo_net_map_add_lease (map, "isolated", "52:54:00:0a:01:02", "10.30.0.17", 24, "web");
  /* web's isolated card has no lease on default: it must not land there. */
  vireo_net_map_add_lease (map, "default", "52:54:00:0a:01:02", "192.168.122.99", 24, NULL);
  vireo_net_map_add_lease (map, "default", "52:54:00:ff:ff:ff", "192.168.122.200", 24, "stranger");

  add_fixture (map);

  vireo_net_map_add_guest_address (map, WEB_UUID, "52:54:00:0a:01:01", "192.168.122.45", 24);
  vireo_net_map_add_guest_address (map, WEB_UUID, "52:54:00:0a:01:01", "FE80::5054:FF:FE0A:101", 64);
  vireo_net_map_add_guest_address (map, WEB_UUID, "52:54:00:0a:01:02", "10.30.0.17", 24);
  /* db's agent cannot speak for web's card. */
  vireo_net_map_add_guest_address (map, DB_UUID, "52:54:00:0a:01:01", "10.99.0.1", 24);
  vireo_net_map_add_guest_address (map, EDGE_UUID, "52:54:00:0A:03:01", "198.51.100.77", 24);

  vireo_net_map_add_host_interface (map, "lo", "ethernet", NULL, TRUE, lo);
  vireo_net_map_add_host_interface (map, "virbr0", "bridge", "52:54:00:99:99:99", TRUE, virbr0);
  vireo_net_map_add_host_interface (map, "eth9", "ethernet", NULL, FALSE, NULL);
  vireo_net_map_add_host_interface (map, "wlan0", "ethernet", NULL, TRUE, wlan0);

  vireo_net_map_finish (map);
  return map;
}

static VireoMapNode *
node (VireoNetMap *map,
      const char  *id)
{
  VireoMapNode *n = vireo_net_map_lookup (map, id);

  if (n == NULL)
    g_error ("no node %s", id);
  g_assert_cmpstr (n->id, ==, id);
  return n;
}

static void
assert_strings (GPtrArray          *got,
                const char * const *want)
{
  guint n = g_strv_length ((char **) want);

  for (guint i = 0; i < MIN (got->len, n); i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, want[i]);
  g_assert_cmpuint (got->len, ==, n);
}

#define ASSERT_LINES(n, ...) \
  G_STMT_START { const char *want_[] = { __VA_ARGS__, NULL }; assert_strings ((n)->lines, want_); } G_STMT_END
#define ASSERT_ADDRESSES(n, ...) \
  G_STMT_START { const char *want_[] = { __VA_ARGS__, NULL }; assert_strings ((n)->addresses, want_); } G_STMT_END

static void
assert_reach (VireoMapNode      *n,
              VireoReachVerdict  gg,
              VireoReachVerdict  gh,
              VireoReachVerdict  go,
              VireoReachVerdict  og)
{
  VireoReachVerdict want[] = { gg, gh, go, og };

  for (guint p = 0; p < VIREO_REACH_N_PATHS; p++)
    {
      if (n->reach[p].verdict != want[p])
        g_error ("%s, %s: verdict %d, want %d (%s)", n->id, vireo_reach_path_get_label (p),
                 n->reach[p].verdict, want[p], n->reach[p].why);
      g_assert_nonnull (n->reach[p].why);
      g_assert_cmpstr (n->reach[p].why, !=, "");
    }
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack, needle);
}

static VireoMapEdge *
edge (VireoNetMap *map,
      const char  *id)
{
  VireoMapEdge *e = vireo_net_map_lookup_edge (map, id);

  if (e == NULL)
    g_error ("no edge %s", id);
  return e;
}

/* ------------------------------------------------------------------------ */

static void
test_nodes (void)
{
  g_autoptr(VireoNetMap) map = fixture_map ();
  GPtrArray *nodes = vireo_net_map_get_nodes (map);
  /* Host, shown interfaces, networks by name, segments by id, then the
   * machines in placement order: web and edge are groups under default
   * (ordered by their sets' ids), db is isolated's home block, then the
   * segments' machines, solo (on nothing) last. */
  const char *want[] = {
    "host",
    "iface:br0", "iface:eth0", "iface:wlan0",
    "net:default", "net:isolated", "net:isolated-noip", "net:lan", "net:macvtap", "net:open",
    "net:private", "net:routed",
    "seg:bridge:br0", "seg:direct:eth0:vepa", "seg:other:missing:nowhere", "seg:user",
    "dom:" WEB_UUID, WEB_NIC0, WEB_NIC1,
    "dom:" EDGE_UUID, EDGE_NIC0, EDGE_NIC1,
    "dom:" DB_UUID, DB_NIC,
    "dom:" TAP_UUID, TAP_NIC,
    "dom:" GHOST_UUID, GHOST_NIC,
    "dom:" USER_UUID, USER_NIC,
    "dom:" SOLO_UUID,
    NULL
  };
  VireoMapNode *n;

  for (guint i = 0; i < MIN (nodes->len, G_N_ELEMENTS (want) - 1); i++)
    g_assert_cmpstr (((VireoMapNode *) g_ptr_array_index (nodes, i))->id, ==, want[i]);
  g_assert_cmpuint (nodes->len, ==, G_N_ELEMENTS (want) - 1);

  /* Interfaces nothing needs are not on the map: lo, a libvirt network's
   * own bridge (drawn as the network), one that is down without address. */
  g_assert_null (vireo_net_map_lookup (map, "iface:lo"));
  g_assert_null (vireo_net_map_lookup (map, "iface:virbr0"));
  g_assert_null (vireo_net_map_lookup (map, "iface:eth9"));

  n = node (map, "host");
  g_assert_cmpint (n->kind, ==, VIREO_MAP_NODE_HOST);
  g_assert_cmpstr (n->title, ==, "lab-host");
  n = node (map, "iface:eth0");
  g_assert_cmpint (n->kind, ==, VIREO_MAP_NODE_HOST_IFACE);
  g_assert_true (n->parent == node (map, "host"));
  g_assert_cmpstr (n->mac, ==, "52:54:00:11:22:33");
  ASSERT_ADDRESSES (n, "192.0.2.10/24");
  ASSERT_LINES (n, "Ethernet", "192.0.2.10/24");

  /* Networks: what each says, its mode and bridge. */
  n = node (map, "net:default");
  g_assert_cmpint (n->kind, ==, VIREO_MAP_NODE_NETWORK);
  g_assert_cmpint (n->mode, ==, VIREO_NETWORK_MODE_NAT);
  g_assert_cmpint (n->segment, ==, VIREO_MAP_SEGMENT_NONE);
  g_assert_cmpstr (n->name, ==, "default");
  g_assert_cmpstr (n->title, ==, "default");
  g_assert_cmpstr (n->bridge, ==, "virbr0");
  g_assert_true (n->active);
  ASSERT_LINES (n, "NAT · virbr0", "192.168.122.0/24", "DHCP .2 – .254");
  g_assert_cmpstr (n->explanation, ==,
                   "Guests on “default” reach out through this host's address; machines outside cannot "
                   "start a connection to them.");

  /* A /23 from its host address, a range across two /24s in full, IPv6. */
  n = node (map, "net:routed");
  g_assert_cmpint (n->mode, ==, VIREO_NETWORK_MODE_ROUTE);
  ASSERT_LINES (n, "Routed · virbr1", "10.10.0.0/23", "DHCP 10.10.0.100 – 10.10.1.199", "fd00:10::/64");
  assert_contains (n->explanation, "10.10.0.0/23");
  assert_contains (n->explanation, "eth0");

  ASSERT_LINES (node (map, "net:open"), "Open · virbr2", "10.20.0.0/24");
  ASSERT_LINES (node (map, "net:isolated"), "Isolated · virbr3", "10.30.0.0/24", "DHCP .2 – .254");
  ASSERT_LINES (node (map, "net:isolated-noip"), "Isolated · virbr4");
  n = node (map, "net:lan");
  g_assert_cmpint (n->mode, ==, VIREO_NETWORK_MODE_BRIDGE);
  g_assert_cmpstr (n->bridge, ==, "br0");
  ASSERT_LINES (n, "Host bridge · br0");
  n = node (map, "net:macvtap");
  g_assert_cmpint (n->mode, ==, VIREO_NETWORK_MODE_MACVTAP);
  g_assert_null (n->bridge);
  ASSERT_LINES (n, "macvtap (bridge) on eth0");
  ASSERT_LINES (node (map, "net:private"), "macvtap (private) on eth0");

  /* Segments, made for the cards that need them. */
  n = node (map, "seg:bridge:br0");
  g_assert_cmpint (n->kind, ==, VIREO_MAP_NODE_SEGMENT);
  g_assert_cmpint (n->segment, ==, VIREO_MAP_SEGMENT_BRIDGE);
  g_assert_cmpint (n->mode, ==, VIREO_NETWORK_MODE_BRIDGE);
  g_assert_cmpstr (n->title, ==, "br0");
  g_assert_cmpstr (n->bridge, ==, "br0");
  ASSERT_LINES (n, "host bridge");
  n = node (map, "seg:direct:eth0:vepa");
  g_assert_cmpint (n->segment, ==, VIREO_MAP_SEGMENT_DIRECT);
  g_assert_cmpint (n->mode, ==, VIREO_NETWORK_MODE_MACVTAP);
  g_assert_cmpstr (n->title, ==, "eth0");
  ASSERT_LINES (n, "macvtap (vepa) on eth0");
  n = node (map, "seg:user");
  g_assert_cmpint (n->segment, ==, VIREO_MAP_SEGMENT_USER);
  ASSERT_LINES (n, "user-mode (passt or slirp)");

  /* Machines and their cards. */
  n = node (map, "dom:" WEB_UUID);
  g_assert_cmpint (n->kind, ==, VIREO_MAP_NODE_DOMAIN);
  g_assert_cmpstr (n->name, ==, "web");
  g_assert_cmpstr (n->title, ==, "web");
  g_assert_cmpstr (n->uuid, ==, WEB_UUID);
  g_assert_true (n->active);
  ASSERT_LINES (n, "running", "2 NICs");
  ASSERT_LINES (node (map, "dom:" DB_UUID), "running", "1 NIC");
  n = node (map, "dom:" SOLO_UUID);
  g_assert_false (n->active);
  ASSERT_LINES (n, "shut off", "no network");

  /* The fixture writes this MAC in capitals. */
  n = node (map, WEB_NIC0);
  g_assert_cmpint (n->kind, ==, VIREO_MAP_NODE_NIC);
  g_assert_true (n->parent == node (map, "dom:" WEB_UUID));
  g_assert_cmpstr (n->mac, ==, "52:54:00:0a:01:01");
  g_assert_cmpstr (n->model, ==, "virtio");
  g_assert_cmpstr (n->title, ==, "virtio 52:54:00:0a:01:01");
  g_assert_cmpstr (n->source_type, ==, "network");
  g_assert_cmpstr (n->source, ==, "default");
  g_assert_true (n->attached == node (map, "net:default"));
  g_assert_true (node (map, WEB_NIC1)->attached == node (map, "net:isolated"));

  n = node (map, EDGE_NIC0);
  g_assert_cmpstr (n->source_type, ==, "bridge");
  g_assert_cmpstr (n->source, ==, "br0");
  g_assert_true (n->attached == node (map, "seg:bridge:br0"));
  n = node (map, TAP_NIC);
  g_assert_cmpstr (n->source_type, ==, "direct");
  g_assert_cmpstr (n->source, ==, "eth0");
  g_assert_null (n->model);
  g_assert_cmpstr (n->title, ==, "default 52:54:00:0a:04:01");
  g_assert_true (n->attached == node (map, "seg:direct:eth0:vepa"));
  n = node (map, USER_NIC);
  g_assert_cmpstr (n->source_type, ==, "user");
  g_assert_null (n->source);
  g_assert_true (n->attached == node (map, "seg:user"));
  /* A NIC is as active as its machine. */
  g_assert_true (node (map, DB_NIC)->active);
  g_assert_false (node (map, GHOST_NIC)->active);
}

static void
test_reach_per_mode (void)
{
  g_autoptr(VireoNetMap) map = fixture_map ();
  VireoMapNode *n;

  assert_reach (node (map, "net:default"), Y, Y, Y, N);
  assert_contains (node (map, "net:default")->reach[VIREO_REACH_GUEST_HOST].why, "192.168.122.1");
  assert_contains (node (map, "net:default")->reach[VIREO_REACH_GUEST_OUTSIDE].why, "“default”");
  assert_contains (node (map, "net:default")->reach[VIREO_REACH_OUTSIDE_GUEST].why, "forwarded");

  n = node (map, "net:routed");
  assert_reach (n, Y, Y, P, P);
  assert_contains (n->reach[VIREO_REACH_GUEST_OUTSIDE].why, "10.10.0.0/23");
  assert_contains (n->reach[VIREO_REACH_OUTSIDE_GUEST].why, "router");

  n = node (map, "net:open");
  assert_reach (n, Y, Y, P, P);
  assert_contains (n->reach[VIREO_REACH_GUEST_OUTSIDE].why, "no firewall rules");
  assert_contains (n->reach[VIREO_REACH_OUTSIDE_GUEST].why, "no firewall rules");
  assert_contains (n->explanation, "no firewall rules");

  n = node (map, "net:isolated");
  assert_reach (n, Y, Y, N, N);
  g_assert_cmpstr (n->explanation, ==, "Guests on “isolated” reach each other and this host only.");
  n = node (map, "net:isolated-noip");
  assert_reach (n, Y, N, N, N);
  assert_contains (n->reach[VIREO_REACH_GUEST_HOST].why, "no address");

  n = node (map, "net:lan");
  assert_reach (n, Y, Y, Y, Y);
  assert_contains (n->explanation, "like physical machines");
  assert_contains (n->reach[VIREO_REACH_OUTSIDE_GUEST].why, "br0");
  assert_reach (node (map, "seg:bridge:br0"), Y, Y, Y, Y);

  n = node (map, "net:macvtap");
  assert_reach (n, Y, N, Y, Y);
  assert_contains (n->explanation, "not this host");
  assert_contains (n->reach[VIREO_REACH_GUEST_OUTSIDE].why, "eth0");
  assert_reach (node (map, "net:private"), N, N, Y, Y);
  n = node (map, "seg:direct:eth0:vepa");
  assert_reach (n, P, N, Y, Y);
  assert_contains (n->reach[VIREO_REACH_GUEST_GUEST].why, "hairpin");

  n = node (map, "seg:user");
  assert_reach (n, N, Y, Y, N);
  assert_contains (n->reach[VIREO_REACH_OUTSIDE_GUEST].why, "forwarded");

  assert_reach (node (map, "seg:other:missing:nowhere"), N, N, N, N);

  /* Every network and segment explains itself. */
  for (guint i = 0; i < vireo_net_map_get_nodes (map)->len; i++)
    {
      n = g_ptr_array_index (vireo_net_map_get_nodes (map), i);
      if (n->kind == VIREO_MAP_NODE_NETWORK || n->kind == VIREO_MAP_NODE_SEGMENT)
        {
          g_assert_nonnull (n->explanation);
          g_assert_cmpuint (strlen (n->explanation), >, 20);
        }
    }

  g_assert_cmpstr (vireo_reach_path_get_label (VIREO_REACH_GUEST_GUEST), ==, "Guest → guest");
  g_assert_cmpstr (vireo_reach_path_get_label (VIREO_REACH_OUTSIDE_GUEST), ==, "Outside → guest");
}

static void
test_isolated_and_uplinks (void)
{
  g_autoptr(VireoNetMap) map = fixture_map ();
  const struct {
    const char *id;
    gboolean    isolated;
    const char *to;     /* NULL: no uplink */
    const char *label;
  } cases[] = {
    { "net:default", FALSE, "host", "any interface" },
    { "net:routed", FALSE, "iface:eth0", "routed" },
    { "net:open", FALSE, "host", "any interface" },
    { "net:isolated", TRUE, NULL, NULL },
    { "net:isolated-noip", TRUE, NULL, NULL },
    { "net:lan", FALSE, "iface:br0", "bridged" },
    { "net:macvtap", FALSE, "iface:eth0", "macvtap" },
    { "net:private", TRUE, "iface:eth0", "macvtap" },
    { "seg:bridge:br0", FALSE, "iface:br0", "bridged" },
    { "seg:direct:eth0:vepa", FALSE, "iface:eth0", "macvtap" },
    { "seg:user", FALSE, "host", "host's address" },
    { "seg:other:missing:nowhere", TRUE, NULL, NULL },
  };
  guint n_uplinks = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VireoMapNode *n = node (map, cases[i].id);
      g_autofree char *id = g_strconcat ("uplink:", cases[i].id, NULL);
      VireoMapEdge *e = vireo_net_map_lookup_edge (map, id);

      if (n->isolated != cases[i].isolated)
        g_error ("%s: isolated %d", cases[i].id, n->isolated);
      if (cases[i].to == NULL)
        {
          g_assert_null (e);
          continue;
        }
      g_assert_nonnull (e);
      g_assert_cmpint (e->kind, ==, VIREO_MAP_EDGE_UPLINK);
      g_assert_true (e->from == n);
      g_assert_cmpstr (e->to->id, ==, cases[i].to);
      g_assert_cmpstr (e->label, ==, cases[i].label);
      g_assert_true (e->active);
    }

  for (guint i = 0; i < vireo_net_map_get_edges (map)->len; i++)
    {
      VireoMapEdge *e = g_ptr_array_index (vireo_net_map_get_edges (map), i);

      if (e->kind == VIREO_MAP_EDGE_UPLINK)
        n_uplinks++;
    }
  g_assert_cmpuint (n_uplinks, ==, 9);
  /* Shown only because nothing goes through it yet it has an address. */
  g_assert_nonnull (node (map, "iface:wlan0"));
  g_assert_null (vireo_net_map_lookup_edge (map, "uplink:iface:wlan0"));
}

static void
test_links (void)
{
  g_autoptr(VireoNetMap) map = fixture_map ();
  const struct {
    const char *nic;
    const char *to;
    gboolean    active;
  } cases[] = {
    { WEB_NIC0, "net:default", TRUE },
    { WEB_NIC1, "net:isolated", TRUE },
    { DB_NIC, "net:isolated", TRUE },
    { EDGE_NIC0, "seg:bridge:br0", TRUE },
    { EDGE_NIC1, "net:default", TRUE },
    { TAP_NIC, "seg:direct:eth0:vepa", TRUE },
    { USER_NIC, "seg:user", TRUE },
    { GHOST_NIC, "seg:other:missing:nowhere", FALSE },  /* shut off, on nothing that exists */
  };
  guint n_links = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = g_strconcat ("link:", cases[i].nic, NULL);
      VireoMapEdge *e = edge (map, id);

      g_assert_cmpint (e->kind, ==, VIREO_MAP_EDGE_LINK);
      g_assert_cmpstr (e->from->id, ==, cases[i].nic);
      g_assert_cmpstr (e->to->id, ==, cases[i].to);
      g_assert_cmpint (e->active, ==, cases[i].active);
      g_assert_null (e->label);
    }
  for (guint i = 0; i < vireo_net_map_get_edges (map)->len; i++)
    if (((VireoMapEdge *) g_ptr_array_index (vireo_net_map_get_edges (map), i))->kind == VIREO_MAP_EDGE_LINK)
      n_links++;
  g_assert_cmpuint (n_links, ==, G_N_ELEMENTS (cases));
}

/* A machine on two networks can do the best of both, path by path, and
 * says which network gives it. */
static void
test_multi_homed (void)
{
  g_autoptr(VireoNetMap) map = fixture_map ();
  VireoMapNode *web = node (map, "dom:" WEB_UUID);
  VireoMapNode *edge_dom = node (map, "dom:" EDGE_UUID);
  VireoMapNode *db = node (map, "dom:" DB_UUID);

  /* NAT + isolated: out through NAT, nothing in. */
  assert_reach (web, Y, Y, Y, N);
  assert_contains (web->reach[VIREO_REACH_GUEST_OUTSIDE].why, "“default”");
  g_assert_cmpstr (web->reach[VIREO_REACH_GUEST_OUTSIDE].why, ==,
                   node (map, "net:default")->reach[VIREO_REACH_GUEST_OUTSIDE].why);

  /* A VM on a bridge and on a NAT network at once: reachable from
   * outside through the bridge, though NAT alone would say no. */
  assert_reach (edge_dom, Y, Y, Y, Y);
  assert_contains (edge_dom->reach[VIREO_REACH_OUTSIDE_GUEST].why, "br0");
  g_assert_cmpstr (edge_dom->reach[VIREO_REACH_OUTSIDE_GUEST].why, ==,
                   node (map, "seg:bridge:br0")->reach[VIREO_REACH_OUTSIDE_GUEST].why);

  assert_reach (db, Y, Y, N, N);
  assert_reach (node (map, "dom:" TAP_UUID), P, N, Y, Y);
  assert_reach (node (map, "dom:" USER_UUID), N, Y, Y, N);
  assert_reach (node (map, "dom:" SOLO_UUID), N, N, N, N);
  assert_contains (node (map, "dom:" SOLO_UUID)->reach[VIREO_REACH_GUEST_OUTSIDE].why, "no network card");
}

static void
test_addresses (void)
{
  g_autoptr(VireoNetMap) map = fixture_map ();
  VireoMapNode *n;

  /* The lease first, the agent's repeat of it dropped, its IPv6 after. */
  n = node (map, WEB_NIC0);
  ASSERT_ADDRESSES (n, "192.168.122.45/24", "fe80::5054:ff:fe0a:101/64");
  ASSERT_LINES (n, "192.168.122.45/24", "fe80::5054:ff:fe0a:101/64");
  /* Its lease on isolated only, not the one default has for its MAC. */
  n = node (map, WEB_NIC1);
  ASSERT_ADDRESSES (n, "10.30.0.17/24");
  /* An agent speaks for its own machine's cards only. */
  g_assert_cmpuint (node (map, DB_NIC)->addresses->len, ==, 0);
  g_assert_cmpuint (node (map, DB_NIC)->lines->len, ==, 0);
  ASSERT_ADDRESSES (node (map, EDGE_NIC0), "198.51.100.77/24");
  g_assert_cmpuint (node (map, EDGE_NIC1)->addresses->len, ==, 0);
}

static void
test_missing_network (void)
{
  g_autoptr(VireoNetMap) map = fixture_map ();
  VireoMapNode *seg = node (map, "seg:other:missing:nowhere");
  VireoMapNode *ghost = node (map, "dom:" GHOST_UUID);

  g_assert_cmpint (seg->kind, ==, VIREO_MAP_NODE_SEGMENT);
  g_assert_cmpint (seg->segment, ==, VIREO_MAP_SEGMENT_OTHER);
  g_assert_cmpstr (seg->name, ==, "nowhere");
  g_assert_cmpstr (seg->title, ==, "nowhere");
  ASSERT_LINES (seg, "network not defined");
  g_assert_false (seg->active);
  g_assert_true (node (map, GHOST_NIC)->attached == seg);
  g_assert_null (vireo_net_map_lookup_edge (map, "uplink:seg:other:missing:nowhere"));
  assert_contains (seg->reach[VIREO_REACH_GUEST_GUEST].why, "“nowhere” is not defined");
  assert_contains (seg->explanation, "“nowhere”");
  assert_reach (ghost, N, N, N, N);
  assert_contains (ghost->reach[VIREO_REACH_GUEST_OUTSIDE].why, "“nowhere”");
  /* And nowhere a network of that name appears. */
  g_assert_null (vireo_net_map_lookup (map, "net:nowhere"));
}

static void
test_domain_can_reach (void)
{
  g_autoptr(VireoNetMap) map = fixture_map ();
  VireoMapNode *web = node (map, "dom:" WEB_UUID);
  VireoMapNode *db = node (map, "dom:" DB_UUID);
  VireoMapNode *edge_dom = node (map, "dom:" EDGE_UUID);
  VireoMapNode *tap = node (map, "dom:" TAP_UUID);
  VireoMapNode *user = node (map, "dom:" USER_UUID);
  VireoMapNode *solo = node (map, "dom:" SOLO_UUID);
  g_autofree char *why = NULL;

  /* They share isolated, where guests see each other. */
  g_assert_cmpint (vireo_net_map_domain_can_reach (map, web, db, &why), ==, Y);
  assert_contains (why, "“isolated”");
  g_clear_pointer (&why, g_free);
  g_assert_cmpint (vireo_net_map_domain_can_reach (map, db, web, NULL), ==, Y);

  /* web and edge share default. */
  g_assert_cmpint (vireo_net_map_domain_can_reach (map, web, edge_dom, &why), ==, Y);
  assert_contains (why, "“default”");
  g_clear_pointer (&why, g_free);

  /* db shares nothing with edge and cannot reach out of isolated, though
   * edge is reachable from outside through br0: no. */
  g_assert_cmpint (vireo_net_map_domain_can_reach (map, db, edge_dom, &why), ==, N);
  assert_contains (why, "“isolated”");
  g_clear_pointer (&why, g_free);
  /* edge reaches out, but nothing outside reaches db: no either way. */
  g_assert_cmpint (vireo_net_map_domain_can_reach (map, edge_dom, db, &why), ==, N);
  assert_contains (why, "“isolated”");
  g_clear_pointer (&why, g_free);

  /* tap reaches out on eth0, edge is reachable from outside on br0. */
  g_assert_cmpint (vireo_net_map_domain_can_reach (map, tap, edge_dom, &why), ==, P);
  assert_contains (why, "eth0");
  assert_contains (why, "br0");
  g_clear_pointer (&why, g_free);
  g_assert_cmpint (vireo_net_map_domain_can_reach (map, edge_dom, tap, NULL), ==, P);

  /* user reaches out, web is behind NAT. */
  g_assert_cmpint (vireo_net_map_domain_can_reach (map, user, web, &why), ==, N);
  assert_contains (why, "“default”");
  g_clear_pointer (&why, g_free);
  g_assert_cmpint (vireo_net_map_domain_can_reach (map, solo, web, &why), ==, N);
  assert_contains (why, "no network card");
  g_clear_pointer (&why, g_free);
  g_assert_cmpint (vireo_net_map_domain_can_reach (map, web, web, NULL), ==, Y);
}

/* Modes and cards the fixture does not have, on a map of their own. */
static void
test_other_modes (void)
{
  g_autoptr(VireoNetMap) map = vireo_net_map_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *eth0[] = { "192.0.2.10/24", NULL };
  VireoMapNode *n;
  VireoMapEdge *e;

  vireo_net_map_add_host_interface (map, "eth0", "ethernet", NULL, TRUE, eth0);
  vireo_net_map_add_host_interface (map, "enp1s0", "ethernet", NULL, TRUE, NULL);
  g_assert_true (vireo_net_map_add_network (map,
    "<network><name>nat-eth0</name><forward mode='nat' dev='eth0'/><bridge name='virbr7'/>"
    "<ip address='10.70.0.1' prefix='24'/></network>", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (vireo_net_map_add_network (map,
    "<network><name>sriov</name><forward mode='hostdev' managed='yes'><pf dev='enp1s0'/></forward>"
    "</network>", TRUE, &error));
  g_assert_true (vireo_net_map_add_network (map,
    "<network><name>pass</name><forward mode='passthrough'><interface dev='eth0'/></forward></network>",
    TRUE, &error));
  g_assert_true (vireo_net_map_add_network (map,
    "<network><name>stopped</name><forward mode='nat'/><bridge name='virbr8'/>"
    "<ip address='10.80.0.1' prefix='24'/></network>", FALSE, &error));
  /* The same network twice: the first stays. */
  g_assert_true (vireo_net_map_add_network (map,
    "<network><name>stopped</name><forward mode='route'/></network>", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (vireo_net_map_add_domain (map,
    "<domain type='kvm'><name>nouuid</name><devices>"
    "<interface type='ethernet'><mac address='52:54:00:00:00:01'/></interface>"
    "<interface type='bridge'><source bridge='virbr7'/></interface>"
    "<interface type='direct'><mac address='52:54:00:00:00:03'/><source dev='eth0'/></interface>"
    "<interface type='network'><mac address='52:54:00:00:00:04'/><source network='stopped'/></interface>"
    "</devices></domain>", FALSE, &error));
  g_assert_no_error (error);
  vireo_net_map_finish (map);

  g_assert_cmpstr (node (map, "host")->title, ==, "This host");

  /* NAT through a named device leaves through that device. */
  n = node (map, "net:nat-eth0");
  assert_reach (n, Y, Y, Y, N);
  assert_contains (n->reach[VIREO_REACH_GUEST_OUTSIDE].why, "eth0");
  e = edge (map, "uplink:net:nat-eth0");
  g_assert_cmpstr (e->to->id, ==, "iface:eth0");
  g_assert_cmpstr (e->label, ==, "NAT");

  n = node (map, "net:sriov");
  g_assert_cmpint (n->mode, ==, VIREO_NETWORK_MODE_HOSTDEV);
  assert_reach (n, P, P, Y, Y);
  ASSERT_LINES (n, "SR-IOV pool · enp1s0");
  e = edge (map, "uplink:net:sriov");
  g_assert_cmpstr (e->to->id, ==, "iface:enp1s0");
  g_assert_cmpstr (e->label, ==, "SR-IOV");
  /* Shown because an uplink ends at it, though it has no address. */
  g_assert_nonnull (vireo_net_map_lookup (map, "iface:enp1s0"));

  n = node (map, "net:pass");
  assert_reach (n, N, N, Y, Y);
  assert_contains (n->reach[VIREO_REACH_GUEST_GUEST].why, "passthrough");
  g_assert_false (n->isolated);

  n = node (map, "net:stopped");
  g_assert_cmpint (n->mode, ==, VIREO_NETWORK_MODE_NAT);
  g_assert_false (n->active);
  ASSERT_LINES (n, "NAT · virbr8", "10.80.0.0/24", "stopped");
  assert_reach (n, N, N, N, N);
  assert_contains (n->reach[VIREO_REACH_GUEST_OUTSIDE].why, "“stopped” is stopped");
  g_assert_false (edge (map, "uplink:net:stopped")->active);

  /* Without a uuid a machine goes by its name; a card without a MAC by
   * its position. */
  n = node (map, "dom:nouuid");
  g_assert_null (n->uuid);
  n = node (map, "nic:nouuid/52:54:00:00:00:01");
  g_assert_cmpstr (n->attached->id, ==, "seg:other:ethernet");
  g_assert_cmpint (n->attached->segment, ==, VIREO_MAP_SEGMENT_OTHER);
  assert_reach (n->attached, P, P, P, P);
  assert_contains (n->attached->reach[VIREO_REACH_GUEST_GUEST].why, "Vireo cannot tell");
  g_assert_null (vireo_net_map_lookup_edge (map, "uplink:seg:other:ethernet"));
  /* A card on a libvirt network's own bridge is on that network. */
  n = node (map, "nic:nouuid/#1");
  g_assert_null (n->mac);
  g_assert_cmpstr (n->title, ==, "default");
  g_assert_cmpstr (n->name, ==, "default");
  g_assert_cmpstr (n->attached->id, ==, "net:nat-eth0");
  g_assert_null (vireo_net_map_lookup (map, "seg:bridge:virbr7"));
  /* macvtap's mode defaults to vepa, as libvirt's does. */
  g_assert_cmpstr (node (map, "nic:nouuid/52:54:00:00:00:03")->attached->id, ==, "seg:direct:eth0:vepa");
  g_assert_false (edge (map, "link:nic:nouuid/52:54:00:00:00:04")->active);
}

static void
test_parse_failure (void)
{
  g_autoptr(VireoNetMap) map = vireo_net_map_new ("h");
  g_autoptr(GError) error = NULL;

  g_assert_false (vireo_net_map_add_domain (map, "<domain><name>broken", TRUE, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (vireo_net_map_add_domain (map, "<domain type='kvm'><devices/></domain>", TRUE, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (vireo_net_map_add_network (map, "not xml at all", TRUE, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Nothing of them stays, and the map goes on. */
  g_assert_true (vireo_net_map_add_domain (map,
    "<domain type='kvm'><name>ok</name><uuid>c3c3c3c3-0000-4000-8000-000000000001</uuid></domain>",
    TRUE, &error));
  g_assert_no_error (error);
  vireo_net_map_finish (map);
  vireo_net_map_layout (map, NULL);
  g_assert_cmpuint (vireo_net_map_get_nodes (map)->len, ==, 2);
  g_assert_nonnull (vireo_net_map_lookup (map, "dom:c3c3c3c3-0000-4000-8000-000000000001"));
}

static void
test_refcount (void)
{
  VireoNetMap *map = vireo_net_map_new ("h");
  VireoNetMap *copy = g_boxed_copy (VIREO_TYPE_NET_MAP, map);

  g_assert_true (copy == map);
  g_boxed_free (VIREO_TYPE_NET_MAP, copy);
  /* Still alive: the first reference holds it. */
  g_assert_nonnull (vireo_net_map_lookup (map, "host"));
  vireo_net_map_unref (map);
}

/* ------------------------------------------------------------------------ */
/* Layout                                                                    */

static gboolean
overlap (const VireoMapNode *a,
         const VireoMapNode *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width &&
         a->y < b->y + b->height && b->y < a->y + a->height;
}

static gboolean
inside (const VireoMapNode *inner,
        const VireoMapNode *outer)
{
  return inner->x >= outer->x && inner->y >= outer->y &&
         inner->x + inner->width <= outer->x + outer->width &&
         inner->y + inner->height <= outer->y + outer->height;
}

static gboolean
on_border (const VireoMapNode *n,
           double              x,
           double              y)
{
  gboolean in_x = x >= n->x && x <= n->x + n->width;
  gboolean in_y = y >= n->y && y <= n->y + n->height;

  return (in_x && (y == n->y || y == n->y + n->height)) ||
         (in_y && (x == n->x || x == n->x + n->width));
}

static gboolean
is_row (const VireoMapNode *n)
{
  return n->kind == VIREO_MAP_NODE_NETWORK || n->kind == VIREO_MAP_NODE_SEGMENT;
}

/* What every layout must hold, whatever the map. */
static void
check_layout (VireoNetMap *map)
{
  GPtrArray *nodes = vireo_net_map_get_nodes (map);
  GPtrArray *edges = vireo_net_map_get_edges (map);
  g_autoptr(GPtrArray) domains = g_ptr_array_new ();
  g_autoptr(GPtrArray) row = g_ptr_array_new ();
  g_autoptr(GPtrArray) chips = g_ptr_array_new ();
  VireoMapNode *host = vireo_net_map_lookup (map, "host");
  double width, height;

  vireo_net_map_get_size (map, &width, &height);
  g_assert_cmpfloat (width, >, 0);
  g_assert_cmpfloat (height, >, 0);

  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *n = g_ptr_array_index (nodes, i);

      g_assert_cmpfloat (n->width, >, 0);
      g_assert_cmpfloat (n->height, >, 0);
      g_assert_cmpfloat (n->x, >=, 0);
      g_assert_cmpfloat (n->y, >=, 0);
      g_assert_cmpfloat (n->x + n->width, <=, width);
      g_assert_cmpfloat (n->y + n->height, <=, height);
      if (n->kind == VIREO_MAP_NODE_DOMAIN)
        g_ptr_array_add (domains, n);
      else if (is_row (n))
        g_ptr_array_add (row, n);
      else if (n->kind == VIREO_MAP_NODE_HOST_IFACE)
        g_ptr_array_add (chips, n);
      else if (n->kind == VIREO_MAP_NODE_NIC)
        {
          if (!inside (n, n->parent))
            g_error ("%s is outside its machine", n->id);
          g_assert_cmpfloat (n->width, ==, n->parent->width);
        }
    }

  for (guint i = 0; i < domains->len; i++)
    {
      VireoMapNode *a = g_ptr_array_index (domains, i);

      for (guint j = i + 1; j < domains->len; j++)
        if (overlap (a, g_ptr_array_index (domains, j)))
          g_error ("%s overlaps %s", a->id, ((VireoMapNode *) g_ptr_array_index (domains, j))->id);
      for (guint j = 0; j < row->len; j++)
        if (overlap (a, g_ptr_array_index (row, j)))
          g_error ("%s overlaps %s", a->id, ((VireoMapNode *) g_ptr_array_index (row, j))->id);
      g_assert_false (overlap (a, host));
    }
  for (guint i = 0; i < row->len; i++)
    {
      VireoMapNode *a = g_ptr_array_index (row, i);

      g_assert_false (overlap (a, host));
      for (guint j = i + 1; j < row->len; j++)
        g_assert_false (overlap (a, g_ptr_array_index (row, j)));
    }
  for (guint i = 0; i < chips->len; i++)
    {
      VireoMapNode *a = g_ptr_array_index (chips, i);

      g_assert_true (inside (a, host));
      for (guint j = i + 1; j < chips->len; j++)
        g_assert_false (overlap (a, g_ptr_array_index (chips, j)));
    }

  for (guint i = 0; i < edges->len; i++)
    {
      VireoMapEdge *e = g_ptr_array_index (edges, i);

      g_assert_cmpuint (e->n_points, >=, 2);
      for (guint k = 0; k + 1 < e->n_points; k++)
        {
          double x0 = e->points[2 * k], y0 = e->points[2 * k + 1];
          double x1 = e->points[2 * k + 2], y1 = e->points[2 * k + 3];

          if (x0 != x1 && y0 != y1)
            g_error ("%s: segment %u is not orthogonal", e->id, k);
          if (x0 == x1 && y0 == y1)
            g_error ("%s: point %u repeated", e->id, k);
        }
      if (!on_border (e->from, e->points[0], e->points[1]))
        g_error ("%s does not start on %s", e->id, e->from->id);
      if (!on_border (e->to, e->points[2 * e->n_points - 2], e->points[2 * e->n_points - 1]))
        g_error ("%s does not end on %s", e->id, e->to->id);
    }
}

static void
assert_points (VireoMapEdge *e,
               const double *want,
               guint         n_points)
{
  g_assert_cmpuint (e->n_points, ==, n_points);
  for (guint i = 0; i < 2 * n_points; i++)
    g_assert_cmpfloat (e->points[i], ==, want[i]);
}

static void
test_layout (void)
{
  g_autoptr(VireoNetMap) map = fixture_map ();
  VireoMapNode *host = node (map, "host");
  VireoMapNode *def = node (map, "net:default");
  VireoMapNode *isolated = node (map, "net:isolated");
  VireoMapNode *web = node (map, "dom:" WEB_UUID);
  VireoMapNode *nic0 = node (map, WEB_NIC0);
  VireoMapNode *nic1 = node (map, WEB_NIC1);
  VireoMapNode *db = node (map, "dom:" DB_UUID);
  VireoMapNode *solo = node (map, "dom:" SOLO_UUID);
  GPtrArray *nodes;
  double width, height;

  vireo_net_map_layout (map, NULL);
  check_layout (map);
  vireo_net_map_get_size (map, &width, &height);

  /* The scheme with the default metrics, worked by hand. */
  g_assert_cmpfloat (host->x, ==, 24);
  g_assert_cmpfloat (host->y, ==, 24);
  g_assert_cmpfloat (host->width, ==, width - 48);
  g_assert_cmpfloat (host->height, ==, 84);
  /* default's home block is empty: segment_width at the left margin. */
  g_assert_cmpfloat (def->x, ==, 24);
  g_assert_cmpfloat (def->y, ==, 24 + 84 + 64);
  g_assert_cmpfloat (def->width, ==, 220);
  g_assert_cmpfloat (def->height, ==, 96);
  /* Then web's group (two networks: gutter 24 + 10), edge's group, then
   * isolated over its home block, db alone in it. Twelve lanes under
   * the row, then two lane gaps. */
  g_assert_cmpfloat (web->x, ==, 24 + 220 + 40 + 34);
  g_assert_cmpfloat (web->y, ==, 172 + 96 + 10 * 14);
  g_assert_cmpfloat (web->width, ==, 210);
  g_assert_cmpfloat (web->height, ==, 44 + 2 * 22);
  g_assert_cmpfloat (nic0->x, ==, web->x);
  g_assert_cmpfloat (nic0->y, ==, web->y + 44);
  g_assert_cmpfloat (nic1->y, ==, web->y + 44 + 22);
  g_assert_cmpfloat (nic1->height, ==, 22);
  g_assert_cmpfloat (db->x, ==, 852 + 24);
  g_assert_cmpfloat (isolated->x, ==, 852 + 7);
  /* A machine without NICs still has a line's height. */
  g_assert_cmpfloat (solo->height, ==, 44 + 22);
  /* Everything else is to the right of these. */
  g_assert_cmpfloat (node (map, "net:isolated-noip")->x, ==, 852 + 234 + 40);

  {
    /* NIC left side -> gutter line -> default's lane -> up into default. */
    const double link0[] = { 318, 463, 296, 463, 296, 278, 134, 278, 134, 268 };
    /* The second network of web's block: next gutter line, next lane. */
    const double link1[] = { 318, 485, 306, 485, 306, 288, 969, 288, 969, 268 };
    /* Straight up into the band. */
    const double uplink[] = { 134, 172, 134, 108 };

    assert_points (edge (map, "link:" WEB_NIC0), link0, 5);
    assert_points (edge (map, "link:" WEB_NIC1), link1, 5);
    assert_points (edge (map, "uplink:net:default"), uplink, 2);
  }

  /* Chips sit over what uplinks to them, connected ones first. */
  {
    VireoMapNode *br0 = node (map, "iface:br0");
    VireoMapNode *eth0 = node (map, "iface:eth0");
    VireoMapNode *wlan0 = node (map, "iface:wlan0");
    VireoMapNode *lan = node (map, "net:lan");
    VireoMapNode *seg = node (map, "seg:bridge:br0");
    double want = (lan->x + seg->x + 220) / 2 - 75;  /* centred on the mean of the two centres */

    g_assert_cmpfloat (br0->y + br0->height, ==, 24 + 84 - 6);
    g_assert_cmpfloat (br0->x, ==, want);
    g_assert_cmpfloat (wlan0->x, >, br0->x);
    g_assert_cmpfloat (wlan0->x, >, eth0->x);
    nodes = vireo_net_map_get_nodes (map);
    /* get_nodes follows the chips' order after layout. */
    g_assert_cmpstr (((VireoMapNode *) g_ptr_array_index (nodes, 3))->id, ==, "iface:wlan0");
  }
}

/* Two chips that want the same place: the second moves right, and each
 * uplink gets its own lane in the gap, by where it starts. */
static void
test_layout_chips (void)
{
  g_autoptr(VireoNetMap) map = vireo_net_map_new ("h");
  const char *names[] = { "na", "nb", "nc" };
  const char *devs[] = { "a", "b", "a" };
  VireoMapNode *a, *b;

  vireo_net_map_add_host_interface (map, "a", "ethernet", NULL, TRUE, NULL);
  vireo_net_map_add_host_interface (map, "b", "ethernet", NULL, TRUE, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *xml = g_strdup_printf ("<network><name>%s</name><forward mode='route' dev='%s'/>"
                                              "</network>", names[i], devs[i]);

      g_assert_true (vireo_net_map_add_network (map, xml, TRUE, &error));
      g_assert_no_error (error);
    }
  vireo_net_map_finish (map);
  vireo_net_map_layout (map, NULL);
  check_layout (map);

  /* na, nb, nc at 24, 284, 544: "a" wants the middle of na and nc, "b"
   * the middle of nb, the same place. */
  a = node (map, "iface:a");
  b = node (map, "iface:b");
  g_assert_cmpfloat (a->x, ==, 394 - 75);
  g_assert_cmpfloat (b->x, ==, 394 - 75 + 150 + 12);
  g_assert_cmpfloat (a->y, ==, 24 + 84 - 6 - 44);

  {
    const double first[] = { 134, 172, 134, 124, 394, 124, 394, 102 };
    const double second[] = { 394, 172, 394, 140, 556, 140, 556, 102 };
    const double third[] = { 654, 172, 654, 156, 394, 156, 394, 102 };

    assert_points (edge (map, "uplink:net:na"), first, 4);
    assert_points (edge (map, "uplink:net:nb"), second, 4);
    assert_points (edge (map, "uplink:net:nc"), third, 4);
  }
}

static void
snapshot_layout (VireoNetMap *map,
                 GArray      *out)
{
  GPtrArray *nodes = vireo_net_map_get_nodes (map);
  GPtrArray *edges = vireo_net_map_get_edges (map);
  double width, height;

  vireo_net_map_get_size (map, &width, &height);
  g_array_append_val (out, width);
  g_array_append_val (out, height);
  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *n = g_ptr_array_index (nodes, i);

      g_array_append_val (out, n->x);
      g_array_append_val (out, n->y);
      g_array_append_val (out, n->width);
      g_array_append_val (out, n->height);
    }
  for (guint i = 0; i < edges->len; i++)
    {
      VireoMapEdge *e = g_ptr_array_index (edges, i);

      g_array_append_vals (out, e->points, 2 * e->n_points);
    }
}

static void
test_layout_deterministic (void)
{
  g_autoptr(VireoNetMap) a = fixture_map ();
  g_autoptr(VireoNetMap) b = fixture_map ();
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) second = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) third = g_array_new (FALSE, FALSE, sizeof (double));
  VireoMapMetrics big;

  vireo_net_map_layout (a, NULL);
  vireo_net_map_layout (b, NULL);
  snapshot_layout (a, first);
  snapshot_layout (b, second);
  g_assert_cmpuint (first->len, ==, second->len);
  g_assert_cmpmem (first->data, first->len * sizeof (double), second->data, second->len * sizeof (double));

  /* Other metrics move things; coming back to these restores them. */
  vireo_map_metrics_init_default (&big);
  big.domain_width *= 1.5;
  big.segment_height *= 2;
  vireo_net_map_layout (a, &big);
  check_layout (a);
  g_assert_cmpfloat (node (a, "dom:" WEB_UUID)->width, ==, 315);
  vireo_net_map_layout (a, NULL);
  snapshot_layout (a, third);
  g_assert_cmpmem (first->data, first->len * sizeof (double), third->data, third->len * sizeof (double));
}

static void
centre (VireoMapNode *n,
        double       *x,
        double       *y)
{
  *x = n->x + n->width / 2;
  *y = n->y + n->height / 2;
}

static void
test_queries (void)
{
  g_autoptr(VireoNetMap) map = fixture_map ();
  g_autoptr(GPtrArray) found = NULL;
  VireoMapNode *web = node (map, "dom:" WEB_UUID);
  VireoMapNode *nic0 = node (map, WEB_NIC0);
  VireoMapNode *nic1 = node (map, WEB_NIC1);
  VireoMapNode *def = node (map, "net:default");
  VireoMapNode *eth0 = node (map, "iface:eth0");
  VireoMapNode *host = node (map, "host");
  double x, y, width, height;

  g_assert_null (vireo_net_map_node_at (map, 30, 30));  /* not laid out yet */
  vireo_net_map_layout (map, NULL);
  vireo_net_map_get_size (map, &width, &height);

  /* node_at: a NIC before its machine, a chip before the band. */
  centre (nic0, &x, &y);
  g_assert_true (vireo_net_map_node_at (map, x, y) == nic0);
  g_assert_true (vireo_net_map_node_at (map, web->x + 5, web->y + 5) == web);
  centre (def, &x, &y);
  g_assert_true (vireo_net_map_node_at (map, x, y) == def);
  centre (eth0, &x, &y);
  g_assert_true (vireo_net_map_node_at (map, x, y) == eth0);
  g_assert_true (vireo_net_map_node_at (map, host->x + 2, host->y + 2) == host);
  g_assert_null (vireo_net_map_node_at (map, 2, 2));
  g_assert_null (vireo_net_map_node_at (map, width + 10, height + 10));

  /* edge_at: on default's lane right of web's gutter only edge's card
   * runs; off by 2 is within 3, off by 4 is not. */
  g_assert_cmpstr (vireo_net_map_edge_at (map, 450, 278, 3)->id, ==, "link:" EDGE_NIC1);
  g_assert_cmpstr (vireo_net_map_edge_at (map, 450, 280, 3)->id, ==, "link:" EDGE_NIC1);
  g_assert_null (vireo_net_map_edge_at (map, 450, 282, 3));
  g_assert_cmpstr (vireo_net_map_edge_at (map, 134, 140, 1)->id, ==, "uplink:net:default");
  g_assert_null (vireo_net_map_edge_at (map, 2, 2, 3));

  /* find: names, lines, MACs (any case), addresses. */
  found = vireo_net_map_find (map, "VIRBR0");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == def);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = vireo_net_map_find (map, "52:54:00:0A:01:01");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == nic0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = vireo_net_map_find (map, "10.30.0.17");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == nic1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = vireo_net_map_find (map, "fd00:10");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((VireoMapNode *) g_ptr_array_index (found, 0))->id, ==, "net:routed");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = vireo_net_map_find (map, "eth0");
  g_assert_cmpuint (found->len, ==, 4);
  g_assert_cmpstr (((VireoMapNode *) g_ptr_array_index (found, 0))->id, ==, "iface:eth0");
  g_assert_cmpstr (((VireoMapNode *) g_ptr_array_index (found, 1))->id, ==, "net:macvtap");
  g_assert_cmpstr (((VireoMapNode *) g_ptr_array_index (found, 2))->id, ==, "net:private");
  g_assert_cmpstr (((VireoMapNode *) g_ptr_array_index (found, 3))->id, ==, "seg:direct:eth0:vepa");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = vireo_net_map_find (map, "no such thing");
  g_assert_cmpuint (found->len, ==, 0);

  /* neighbour: into a machine's cards and back, never the band. */
  g_assert_true (vireo_net_map_neighbour (map, NULL, VIREO_MAP_RIGHT) == def);
  g_assert_true (vireo_net_map_neighbour (map, web, VIREO_MAP_DOWN) == nic0);
  g_assert_true (vireo_net_map_neighbour (map, nic0, VIREO_MAP_DOWN) == nic1);
  g_assert_true (vireo_net_map_neighbour (map, nic1, VIREO_MAP_UP) == nic0);
  g_assert_true (vireo_net_map_neighbour (map, web, VIREO_MAP_UP) == def);
  g_assert_true (vireo_net_map_neighbour (map, def, VIREO_MAP_DOWN) == web);
  g_assert_true (vireo_net_map_neighbour (map, web, VIREO_MAP_RIGHT) == node (map, "dom:" EDGE_UUID));
  g_assert_true (vireo_net_map_neighbour (map, node (map, "dom:" EDGE_UUID), VIREO_MAP_LEFT) == web);
  g_assert_null (vireo_net_map_neighbour (map, def, VIREO_MAP_LEFT));
  g_assert_null (vireo_net_map_neighbour (map, eth0, VIREO_MAP_UP));
}

/* A big host: 300 machines over 6 networks, 30 of them also on a second
 * network, either all on the same pair (a web tier on "net0" and "net1")
 * or spread over many pairs (each pair's machines get a column block of
 * their own). Every block gets the same number of rows, so either way the
 * map keeps a screen's shape instead of growing sideways. */
static void
check_large (gboolean spread)
{
  g_autoptr(VireoNetMap) map = vireo_net_map_new ("big");
  g_autoptr(GError) error = NULL;
  double width, height;
  guint n_domains = 0;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *xml = g_strdup_printf ("<network><name>net%u</name><forward mode='nat'/>"
                                              "<bridge name='virbr%u'/><ip address='10.%u.0.1' prefix='16'/>"
                                              "</network>", i, i, i);

      g_assert_true (vireo_net_map_add_network (map, xml, TRUE, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(GString) xml = g_string_new (NULL);
      guint first = i % 10 == 0 && !spread ? 0 : i % 6;
      guint second = spread ? (first + 1 + (i / 10) % 5) % 6 : 1;

      g_string_append_printf (xml, "<domain type='kvm'><name>vm%03u</name>"
                              "<uuid>00000000-0000-4000-8000-%012u</uuid><devices>", i, i);
      g_string_append_printf (xml, "<interface type='network'><mac address='52:54:00:00:%02x:%02x'/>"
                              "<source network='net%u'/></interface>", i / 256, i % 256, first);
      if (i % 10 == 0)
        g_string_append_printf (xml, "<interface type='network'><mac address='52:54:01:00:%02x:%02x'/>"
                                "<source network='net%u'/></interface>", i / 256, i % 256, second);
      g_string_append (xml, "</devices></domain>");
      g_assert_true (vireo_net_map_add_domain (map, xml->str, i % 3 != 0, &error));
      g_assert_no_error (error);
    }
  vireo_net_map_finish (map);
  vireo_net_map_layout (map, NULL);
  check_layout (map);

  for (guint i = 0; i < vireo_net_map_get_nodes (map)->len; i++)
    if (((VireoMapNode *) g_ptr_array_index (vireo_net_map_get_nodes (map), i))->kind == VIREO_MAP_NODE_DOMAIN)
      n_domains++;
  g_assert_cmpuint (n_domains, ==, 300);
  vireo_net_map_get_size (map, &width, &height);
  g_test_message ("300 machines (%s): %.0f × %.0f, ratio %.2f", spread ? "spread" : "one pair", width, height,
                  width / height);
  /* The machines' area is at most 2.5 : 1; the host band and the network
   * row add height, never width. */
  g_assert_cmpfloat (width / height, <, 3);
  g_assert_cmpfloat (width / height, >, 1);
}

static void
test_layout_large (void)
{
  check_large (FALSE);
  check_large (TRUE);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/net-map/nodes", test_nodes);
  g_test_add_func ("/model/net-map/reach-per-mode", test_reach_per_mode);
  g_test_add_func ("/model/net-map/isolated-and-uplinks", test_isolated_and_uplinks);
  g_test_add_func ("/model/net-map/links", test_links);
  g_test_add_func ("/model/net-map/multi-homed", test_multi_homed);
  g_test_add_func ("/model/net-map/addresses", test_addresses);
  g_test_add_func ("/model/net-map/missing-network", test_missing_network);
  g_test_add_func ("/model/net-map/domain-can-reach", test_domain_can_reach);
  g_test_add_func ("/model/net-map/other-modes", test_other_modes);
  g_test_add_func ("/model/net-map/parse-failure", test_parse_failure);
  g_test_add_func ("/model/net-map/refcount", test_refcount);
  g_test_add_func ("/model/net-map/layout", test_layout);
  g_test_add_func ("/model/net-map/layout-chips", test_layout_chips);
  g_test_add_func ("/model/net-map/layout-deterministic", test_layout_deterministic);
  g_test_add_func ("/model/net-map/queries", test_queries);
  g_test_add_func ("/model/net-map/layout-large", test_layout_large);

  return g_test_run ();
}
