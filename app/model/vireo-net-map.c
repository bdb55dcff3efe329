/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-net-map"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "vireo-domain-config.h"
#include "vireo-interface.h"
#include "vireo-net-map.h"

/*
 * The map is built in three steps: the adds only record what each object
 * says about itself; finish resolves the references between them (a NIC's
 * source names a network, a network's forward device names an interface)
 * once everything is known, so the virt layer may read the host in any
 * order; layout only places what finish decided.
 */

#define CHIP_SPACING 12.0  /* between interface chips, and inside the band's ends */
#define CHIP_INSET    6.0  /* from a chip's bottom to the band's */

typedef struct _Block Block;
typedef struct _MapNode MapNode;

/* Every node the map hands out is the public part of one of these. */
struct _MapNode
{
  VireoMapNode      pub;

  /* How reasons and explanations name it: "“default”", "“lan” on br0", "br0". */
  char             *place;

  /* NETWORK (and the segments that have the same facts) */
  char             *forward_dev;   /* NAT/ROUTE/OPEN: <forward dev> */
  char             *device;        /* MACVTAP: first pool interface; HOSTDEV: the PF; DIRECT: the device */
  VireoMacvtapMode  macvtap_mode;  /* MACVTAP network, DIRECT segment */
  char             *host_address;  /* the host's address on it, IPv4 first; NULL: none */
  char             *subnet;        /* "192.168.122.0/24", IPv4 first; NULL: none */
  gboolean          missing;       /* a SEGMENT standing in for a network that is not defined */
  guint             row_index;

  /* DOMAIN */
  GPtrArray        *nics;          /* (element-type MapNode) borrowed, document order */
  MapNode          *best[VIREO_REACH_N_PATHS];  /* the attached node giving each verdict */
  Block            *block;
  double            gutter_left;   /* of its grid column, set by layout */

  /* NIC */
  char             *source_mode;   /* direct: bridge, vepa, private, passthrough */

  /* HOST_IFACE */
  gboolean          shown;
};

#define PUB(n) (&(n)->pub)

struct _Block
{
  GPtrArray *nets;      /* (element-type MapNode) borrowed, row order; empty: not connected */
  GPtrArray *machines;  /* (element-type MapNode) borrowed, by name */
  MapNode   *home_of;   /* (nullable) the network or segment this is the home block of */
  char      *key;       /* the nets' ids, for ordering groups */
  double     x, width;
};

/* A lease (@key: the network's name) or an agent's address (@key: the
 * machine's uuid). */
typedef struct
{
  char  *key;
  char  *mac;   /* lower case */
  char  *ip;
  guint  prefix;
} Address;

struct _VireoNetMap
{
  grefcount    ref_count;
  gboolean     finished;
  gboolean     laid_out;

  MapNode     *host;
  GPtrArray   *all;         /* (element-type MapNode) owned, in the order added */
  GHashTable  *by_id;       /* id -> MapNode, what lookup finds: dropped interfaces are not in it */
  GPtrArray   *ifaces;      /* (element-type MapNode) borrowed, as added */
  GPtrArray   *networks;    /* (element-type MapNode) borrowed, as added */
  GPtrArray   *domains;     /* (element-type MapNode) borrowed, as added */
  GPtrArray   *leases;      /* (element-type Address) owned */
  GPtrArray   *guest_addrs; /* (element-type Address) owned */

  /* Set by finish */
  GPtrArray   *row;         /* (element-type MapNode) borrowed: networks by name, then segments by id */
  GPtrArray   *blocks;      /* (element-type Block) owned, placement order */
  GPtrArray   *nodes;       /* (element-type VireoMapNode) borrowed, get_nodes () order */
  GPtrArray   *edges;       /* (element-type VireoMapEdge) owned */
  GHashTable  *edge_by_id;

  double       width, height;
};

G_DEFINE_BOXED_TYPE (VireoNetMap, vireo_net_map, vireo_net_map_ref, vireo_net_map_unref)

/* ------------------------------------------------------------------------ */
/* Nodes, edges, small helpers                                               */

static void
map_node_free (MapNode *n)
{
  VireoMapNode *p = PUB (n);

  g_free (p->id);
  g_free (p->name);
  g_free (p->title);
  g_ptr_array_unref (p->lines);
  g_free (p->bridge);
  g_free (p->explanation);
  for (guint i = 0; i < VIREO_REACH_N_PATHS; i++)
    g_free (p->reach[i].why);
  g_free (p->uuid);
  g_free (p->mac);
  g_free (p->model);
  g_free (p->source_type);
  g_free (p->source);
  g_ptr_array_unref (p->addresses);
  g_free (n->place);
  g_free (n->forward_dev);
  g_free (n->device);
  g_free (n->host_address);
  g_free (n->subnet);
  g_clear_pointer (&n->nics, g_ptr_array_unref);
  g_free (n->source_mode);
  g_free (n);
}

static void
edge_free (VireoMapEdge *e)
{
  g_free (e->id);
  g_free (e->label);
  g_free (e->points);
  g_free (e);
}

static void
block_free (Block *b)
{
  g_ptr_array_unref (b->nets);
  g_ptr_array_unref (b->machines);
  g_free (b->key);
  g_free (b);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Block, block_free)

static void
address_free (Address *a)
{
  g_free (a->key);
  g_free (a->mac);
  g_free (a->ip);
  g_free (a);
}

/* A new node, registered under @id unless another has it (then NULL). */
static MapNode *
node_new (VireoNetMap      *self,
          VireoMapNodeKind  kind,
          const char       *id,
          const char       *name)
{
  MapNode *n;

  if (g_hash_table_contains (self->by_id, id))
    return NULL;
  n = g_new0 (MapNode, 1);
  PUB (n)->kind = kind;
  PUB (n)->id = g_strdup (id);
  PUB (n)->name = g_strdup (name);
  PUB (n)->title = g_strdup (name);
  PUB (n)->lines = g_ptr_array_new_with_free_func (g_free);
  PUB (n)->addresses = g_ptr_array_new_with_free_func (g_free);
  PUB (n)->active = TRUE;
  g_ptr_array_add (self->all, n);
  g_hash_table_insert (self->by_id, PUB (n)->id, n);
  return n;
}

static void
add_line (MapNode    *n,
          const char *line)
{
  g_ptr_array_add (PUB (n)->lines, g_strdup (line));
}

static void
take_line (MapNode *n,
           char    *line)
{
  g_ptr_array_add (PUB (n)->lines, line);
}

static void
set_reach (MapNode           *n,
           VireoReachPath     path,
           VireoReachVerdict  verdict,
           char              *why)
{
  g_free (PUB (n)->reach[path].why);
  PUB (n)->reach[path].verdict = verdict;
  PUB (n)->reach[path].why = why;
}

static void
set_all_reach (MapNode           *n,
               VireoReachVerdict  verdict,
               const char        *why)
{
  for (guint p = 0; p < VIREO_REACH_N_PATHS; p++)
    set_reach (n, p, verdict, g_strdup (why));
}

static MapNode *
lookup_iface (VireoNetMap *self,
              const char  *name)
{
  g_autofree char *id = NULL;
  MapNode *n;

  if (name == NULL)
    return NULL;
  id = g_strconcat ("iface:", name, NULL);
  n = g_hash_table_lookup (self->by_id, id);
  return n != NULL && PUB (n)->kind == VIREO_MAP_NODE_HOST_IFACE ? n : NULL;
}

/* "192.168.122.1" + 24 -> "192.168.122.0/24"; NULL if @address is not one. */
static char *
subnet_of (const char *address,
           guint       prefix)
{
  g_autoptr(GInetAddress) addr = address != NULL ? g_inet_address_new_from_string (address) : NULL;
  g_autoptr(GInetAddress) net = NULL;
  g_autofree char *text = NULL;
  guint8 bytes[16];
  gsize len;

  if (addr == NULL)
    return NULL;
  len = g_inet_address_get_native_size (addr);
  memcpy (bytes, g_inet_address_to_bytes (addr), len);
  prefix = MIN (prefix, len * 8);
  for (gsize i = 0; i < len; i++)
    {
      guint keep = prefix > i * 8 ? MIN (prefix - i * 8, 8) : 0;

      bytes[i] &= (guint8) (0xff00 >> keep);
    }
  net = g_inet_address_new_from_bytes (bytes, g_inet_address_get_family (addr));
  text = g_inet_address_to_string (net);
  return g_strdup_printf ("%s/%u", text, prefix);
}

/* "192.168.122.2", "192.168.122.254" -> "DHCP .2 – .254": the part both
 * share says nothing the subnet line above has not said. */
static char *
dhcp_line (const char *start,
           const char *end)
{
  const char *s = strrchr (start, '.');
  const char *e = strrchr (end, '.');

  if (s != NULL && e != NULL && strchr (start, ':') == NULL &&
      s - start == e - end && strncmp (start, end, s - start) == 0)
    /* Translators: the DHCP range of a network: ".2 – .254" */
    return g_strdup_printf (_("DHCP %s – %s"), s, e);
  return g_strdup_printf (_("DHCP %s – %s"), start, end);
}

/* The same address written two ways ("FE80::1", "fe80::1") is one. */
static char *
normalize_ip (const char *ip)
{
  g_autoptr(GInetAddress) addr = g_inet_address_new_from_string (ip);

  return addr != NULL ? g_inet_address_to_string (addr) : g_ascii_strdown (ip, -1);
}

static void
add_address (MapNode    *nic,
             const char *ip,
             guint       prefix)
{
  g_autofree char *norm = normalize_ip (ip);
  GPtrArray *addrs = PUB (nic)->addresses;

  for (guint i = 0; i < addrs->len; i++)
    {
      const char *have = g_ptr_array_index (addrs, i);
      const char *slash = strchr (have, '/');
      g_autofree char *have_ip = g_strndup (have, slash != NULL ? (gsize) (slash - have) : strlen (have));

      if (g_str_equal (have_ip, norm))
        return;
    }
  g_ptr_array_add (addrs, g_strdup_printf ("%s/%u", norm, prefix));
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  const MapNode *na = *(MapNode **) a;
  const MapNode *nb = *(MapNode **) b;
  int r = g_strcmp0 (PUB (na)->name, PUB (nb)->name);

  return r != 0 ? r : g_strcmp0 (PUB (na)->id, PUB (nb)->id);
}

static int
compare_by_id (gconstpointer a,
               gconstpointer b)
{
  const MapNode *na = *(MapNode **) a;
  const MapNode *nb = *(MapNode **) b;

  return g_strcmp0 (PUB (na)->id, PUB (nb)->id);
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                                */

/**
 * vireo_net_map_new:
 * @host_name: (nullable): what the host band is titled
 *
 * Returns: (transfer full): an empty map holding only the host
 */
VireoNetMap *
vireo_net_map_new (const char *host_name)
{
  VireoNetMap *self = g_new0 (VireoNetMap, 1);

  g_ref_count_init (&self->ref_count);
  self->all = g_ptr_array_new_with_free_func ((GDestroyNotify) map_node_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->ifaces = g_ptr_array_new ();
  self->networks = g_ptr_array_new ();
  self->domains = g_ptr_array_new ();
  self->leases = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);
  self->guest_addrs = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);
  self->row = g_ptr_array_new ();
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  self->nodes = g_ptr_array_new ();
  self->edges = g_ptr_array_new_with_free_func ((GDestroyNotify) edge_free);
  self->edge_by_id = g_hash_table_new (g_str_hash, g_str_equal);

  self->host = node_new (self, VIREO_MAP_NODE_HOST, "host",
                         host_name != NULL && *host_name != '\0' ? host_name : _("This host"));
  return self;
}

VireoNetMap *
vireo_net_map_ref (VireoNetMap *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
vireo_net_map_unref (VireoNetMap *self)
{
  g_return_if_fail (self != NULL);

  if (!g_ref_count_dec (&self->ref_count))
    return;
  g_hash_table_unref (self->edge_by_id);
  g_ptr_array_unref (self->edges);
  g_ptr_array_unref (self->nodes);
  g_ptr_array_unref (self->blocks);
  g_ptr_array_unref (self->row);
  g_ptr_array_unref (self->guest_addrs);
  g_ptr_array_unref (self->leases);
  g_ptr_array_unref (self->domains);
  g_ptr_array_unref (self->networks);
  g_ptr_array_unref (self->ifaces);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->all);
  g_free (self);
}

/* ------------------------------------------------------------------------ */
/* Adding what the host has                                                  */

static const char *
iface_type_label (const char *type)
{
  if (g_strcmp0 (type, "ethernet") == 0)
    return _("Ethernet");
  if (g_strcmp0 (type, "bridge") == 0)
    return _("Bridge");
  if (g_strcmp0 (type, "bond") == 0)
    return _("Bond");
  if (g_strcmp0 (type, "vlan") == 0)
    return _("VLAN");
  return type;
}

void
vireo_net_map_add_host_interface (VireoNetMap        *self,
                                  const char         *name,
                                  const char         *type,
                                  const char         *mac,
                                  gboolean            active,
                                  const char * const *addresses)
{
  g_autofree char *id = NULL;
  const char *type_label;
  MapNode *n;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->finished);
  g_return_if_fail (name != NULL);

  id = g_strconcat ("iface:", name, NULL);
  n = node_new (self, VIREO_MAP_NODE_HOST_IFACE, id, name);
  if (n == NULL)
    {
      g_debug ("Host interface %s added twice; keeping the first", name);
      return;
    }
  PUB (n)->active = active;
  PUB (n)->parent = PUB (self->host);
  PUB (n)->mac = mac != NULL ? g_ascii_strdown (mac, -1) : NULL;
  n->place = g_strdup (name);
  type_label = iface_type_label (type);
  if (type_label != NULL)
    add_line (n, type_label);
  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    {
      g_ptr_array_add (PUB (n)->addresses, g_strdup (addresses[i]));
      add_line (n, addresses[i]);
    }
  if (!active)
    add_line (n, _("down"));
  g_ptr_array_add (self->ifaces, n);
}

/* How a NIC of a network's mode leaves it, for the uplink's label. */
static const char *
uplink_label_for_mode (VireoNetworkMode mode)
{
  switch (mode)
    {
    case VIREO_NETWORK_MODE_NAT:
      return _("NAT");
    case VIREO_NETWORK_MODE_ROUTE:
      return _("routed");
    case VIREO_NETWORK_MODE_OPEN:
      return _("open");
    case VIREO_NETWORK_MODE_BRIDGE:
      return _("bridged");
    case VIREO_NETWORK_MODE_MACVTAP:
      return _("macvtap");
    case VIREO_NETWORK_MODE_HOSTDEV:
      return _("SR-IOV");
    case VIREO_NETWORK_MODE_ISOLATED:
    default:
      return NULL;
    }
}

/**
 * vireo_net_map_add_network:
 * @xml: the network's live XML when active, else its definition
 *
 * Returns: %FALSE (with @error set) when @xml is not a network; the map
 *   stays usable
 */
gboolean
vireo_net_map_add_network (VireoNetMap  *self,
                           const char   *xml,
                           gboolean      active,
                           GError      **error)
{
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autoptr(VireoNetworkIp) ip4 = NULL;
  g_autoptr(VireoNetworkIp) ip6 = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  g_autofree char *subnet4 = NULL;
  g_autofree char *subnet6 = NULL;
  VireoMapNode *p;
  MapNode *n;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (xml != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  config = vireo_network_config_new_from_xml (xml, error);
  if (config == NULL)
    return FALSE;
  name = vireo_network_config_dup_name (config);
  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_NAME,
                           _("The network has no name."));
      return FALSE;
    }

  id = g_strconcat ("net:", name, NULL);
  n = node_new (self, VIREO_MAP_NODE_NETWORK, id, name);
  if (n == NULL)
    {
      g_debug ("Network %s added twice; keeping the first", name);
      return TRUE;
    }
  p = PUB (n);
  p->active = active;
  p->mode = vireo_network_config_get_mode (config);
  p->segment = VIREO_MAP_SEGMENT_NONE;
  p->bridge = vireo_network_config_dup_bridge_name (config);
  n->forward_dev = vireo_network_config_dup_forward_dev (config);

  switch (p->mode)
    {
    case VIREO_NETWORK_MODE_MACVTAP:
      {
        g_auto(GStrv) devs = vireo_network_config_dup_interfaces (config);

        n->device = devs != NULL && devs[0] != NULL ? g_strdup (devs[0]) : NULL;
        n->macvtap_mode = vireo_network_config_get_macvtap_mode (config);
        /* macvtap takes no bridge; a stray <bridge> would only mislead. */
        g_clear_pointer (&p->bridge, g_free);
      }
      break;
    case VIREO_NETWORK_MODE_HOSTDEV:
      n->device = vireo_network_config_dup_hostdev_pf (config);
      g_clear_pointer (&p->bridge, g_free);
      break;
    default:
      break;
    }
  p->isolated = p->mode == VIREO_NETWORK_MODE_ISOLATED ||
                (p->mode == VIREO_NETWORK_MODE_MACVTAP && n->macvtap_mode == VIREO_MACVTAP_MODE_PRIVATE);

  if (p->mode == VIREO_NETWORK_MODE_BRIDGE || p->mode == VIREO_NETWORK_MODE_MACVTAP ||
      p->mode == VIREO_NETWORK_MODE_HOSTDEV)
    {
      const char *dev = p->mode == VIREO_NETWORK_MODE_BRIDGE ? p->bridge : n->device;

      /* Translators: a network and the host device it sits on: "“lan” on br0" */
      n->place = dev != NULL ? g_strdup_printf (_("“%s” on %s"), name, dev)
                             : g_strdup_printf (_("“%s”"), name);
    }
  else
    /* Translators: a network's name, quoted */
    n->place = g_strdup_printf (_("“%s”"), name);

  /* What it is and where: "NAT · virbr0", "macvtap (private) on eth0". */
  if (p->mode == VIREO_NETWORK_MODE_MACVTAP && n->device != NULL)
    /* Translators: macvtap mode and host device: "macvtap (bridge) on eth0" */
    take_line (n, g_strdup_printf (_("macvtap (%s) on %s"),
                                   vireo_macvtap_mode_to_string (n->macvtap_mode), n->device));
  else
    {
      const char *dev = p->mode == VIREO_NETWORK_MODE_HOSTDEV ? n->device : p->bridge;
      const char *label = vireo_network_mode_get_label (p->mode);

      /* Translators: a network's mode and its bridge: "NAT · virbr0" */
      take_line (n, dev != NULL ? g_strdup_printf (_("%s · %s"), label, dev) : g_strdup (label));
    }

  ip4 = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
  ip6 = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV6);
  if (ip4 != NULL && (subnet4 = subnet_of (ip4->address, ip4->prefix)) != NULL)
    {
      add_line (n, subnet4);
      if (ip4->dhcp_start != NULL && ip4->dhcp_end != NULL)
        take_line (n, dhcp_line (ip4->dhcp_start, ip4->dhcp_end));
    }
  if (ip6 != NULL && (subnet6 = subnet_of (ip6->address, ip6->prefix)) != NULL)
    add_line (n, subnet6);
  if (subnet4 != NULL)
    {
      n->subnet = g_steal_pointer (&subnet4);
      n->host_address = g_strdup (ip4->address);
    }
  else if (subnet6 != NULL)
    {
      n->subnet = g_steal_pointer (&subnet6);
      n->host_address = g_strdup (ip6->address);
    }
  if (!active)
    add_line (n, _("stopped"));

  g_ptr_array_add (self->networks, n);
  return TRUE;
}

/**
 * vireo_net_map_add_domain:
 * @xml: the machine's live XML when running, else its definition
 *
 * Adds the machine and one NIC node per `<interface>`, in document order.
 *
 * Returns: %FALSE (with @error set) when @xml is not a domain; the map
 *   stays usable
 */
gboolean
vireo_net_map_add_domain (VireoNetMap  *self,
                          const char   *xml,
                          gboolean      active,
                          GError      **error)
{
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GListModel) devices = NULL;
  g_autofree char *id = NULL;
  const char *name;
  const char *uuid;
  const char *key;
  MapNode *dom;
  guint n_nics;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (xml != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  config = vireo_domain_config_new_from_xml (xml, error);
  if (config == NULL)
    return FALSE;
  name = vireo_domain_config_get_name (config);
  uuid = vireo_domain_config_get_uuid (config);
  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("The machine has no name."));
      return FALSE;
    }
  key = uuid != NULL && *uuid != '\0' ? uuid : name;
  id = g_strconcat ("dom:", key, NULL);
  dom = node_new (self, VIREO_MAP_NODE_DOMAIN, id, name);
  if (dom == NULL)
    {
      g_debug ("Machine %s added twice; keeping the first", key);
      return TRUE;
    }
  PUB (dom)->active = active;
  PUB (dom)->uuid = uuid != NULL && *uuid != '\0' ? g_strdup (uuid) : NULL;
  dom->place = g_strdup_printf (_("“%s”"), name);
  dom->nics = g_ptr_array_new ();

  devices = vireo_domain_config_list_devices (config);
  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      VireoInterface *iface;
      g_autofree char *mac = NULL;
      g_autofree char *nic_id = NULL;
      g_autofree char *type = NULL;
      VireoMapNode *p;
      MapNode *nic = NULL;
      guint index = dom->nics->len;

      if (vireo_device_get_kind (device) != VIREO_DEVICE_INTERFACE)
        continue;
      iface = VIREO_INTERFACE (device);
      mac = vireo_interface_dup_mac (iface);
      if (mac != NULL)
        {
          g_autofree char *lower = g_ascii_strdown (mac, -1);

          g_free (mac);
          mac = g_steal_pointer (&lower);
          nic_id = g_strdup_printf ("nic:%s/%s", key, mac);
          nic = node_new (self, VIREO_MAP_NODE_NIC, nic_id, mac);
        }
      if (nic == NULL)
        {
          /* No MAC (a definition libvirt has not filled in), or the same
           * one twice: the position still tells the cards apart. */
          g_free (nic_id);
          nic_id = g_strdup_printf ("nic:%s/#%u", key, index);
          nic = node_new (self, VIREO_MAP_NODE_NIC, nic_id, mac != NULL ? mac : nic_id);
          if (nic == NULL)
            continue;
        }
      p = PUB (nic);
      p->active = active;
      p->parent = PUB (dom);
      p->mac = g_steal_pointer (&mac);
      p->model = vireo_interface_dup_model (iface);
      type = vireo_interface_dup_type (iface);
      p->source_type = g_strdup (type != NULL ? type : "other");
      p->source = vireo_interface_dup_source (iface);
      nic->source_mode = vireo_interface_dup_source_mode (iface);
      g_free (p->title);
      if (p->mac != NULL)
        /* Translators: a NIC: its model and MAC address, "virtio 52:54:00:…" */
        p->title = g_strdup_printf (_("%s %s"), p->model != NULL ? p->model : _("default"), p->mac);
      else
        {
          p->title = g_strdup (p->model != NULL ? p->model : _("default"));
          g_free (p->name);
          p->name = g_strdup (p->title);
        }
      g_ptr_array_add (dom->nics, nic);
    }

  add_line (dom, active ? _("running") : _("shut off"));
  n_nics = dom->nics->len;
  if (n_nics == 0)
    add_line (dom, _("no network"));
  else
    take_line (dom, g_strdup_printf (ngettext ("%u NIC", "%u NICs", n_nics), n_nics));

  g_ptr_array_add (self->domains, dom);
  return TRUE;
}

static Address *
address_new (const char *key,
             const char *mac,
             const char *ip,
             guint       prefix)
{
  Address *a = g_new0 (Address, 1);

  a->key = g_strdup (key);
  a->mac = g_ascii_strdown (mac, -1);
  a->ip = g_strdup (ip);
  a->prefix = prefix;
  return a;
}

void
vireo_net_map_add_lease (VireoNetMap *self,
                         const char  *network,
                         const char  *mac,
                         const char  *ip,
                         guint        prefix,
                         const char  *hostname)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->finished);
  g_return_if_fail (network != NULL && mac != NULL && ip != NULL);

  /* The hostname is what the guest asked for; the map names machines by
   * their definition, so it is not shown. */
  (void) hostname;
  g_ptr_array_add (self->leases, address_new (network, mac, ip, prefix));
}

void
vireo_net_map_add_guest_address (VireoNetMap *self,
                                 const char  *uuid,
                                 const char  *mac,
                                 const char  *ip,
                                 guint        prefix)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->finished);
  g_return_if_fail (uuid != NULL && mac != NULL && ip != NULL);

  g_ptr_array_add (self->guest_addrs, address_new (uuid, mac, ip, prefix));
}

/* ------------------------------------------------------------------------ */
/* Segments                                                                  */

static MapNode *
ensure_segment (VireoNetMap         *self,
                const char          *id,
                VireoMapSegmentKind  kind,
                const char          *name,
                gboolean            *created)
{
  MapNode *n = g_hash_table_lookup (self->by_id, id);

  *created = FALSE;
  if (n != NULL)
    return n;
  n = node_new (self, VIREO_MAP_NODE_SEGMENT, id, name);
  PUB (n)->segment = kind;
  *created = TRUE;
  return n;
}

static VireoMacvtapMode
macvtap_mode_from_string (const char *mode)
{
  for (VireoMacvtapMode m = VIREO_MACVTAP_MODE_BRIDGE; m <= VIREO_MACVTAP_MODE_PASSTHROUGH; m++)
    if (g_strcmp0 (mode, vireo_macvtap_mode_to_string (m)) == 0)
      return m;
  return VIREO_MACVTAP_MODE_VEPA;
}

/* The network a bridge device belongs to when libvirt made it (virbr0):
 * a card on that bridge is on that network. Host bridges that a
 * bridge-mode network merely names stay segments of their own. */
static MapNode *
network_owning_bridge (VireoNetMap *self,
                       const char  *bridge)
{
  for (guint i = 0; bridge != NULL && i < self->networks->len; i++)
    {
      MapNode *net = g_ptr_array_index (self->networks, i);

      if (PUB (net)->mode != VIREO_NETWORK_MODE_BRIDGE && g_strcmp0 (PUB (net)->bridge, bridge) == 0)
        return net;
    }
  return NULL;
}

/* The NETWORK or SEGMENT a NIC is wired to, made on demand. */
static MapNode *
attach_nic (VireoNetMap *self,
            MapNode     *nic)
{
  const char *type = PUB (nic)->source_type;
  const char *source = PUB (nic)->source;
  g_autofree char *id = NULL;
  gboolean created;
  MapNode *n;

  if (g_str_equal (type, "network"))
    {
      const char *name = source != NULL ? source : "";

      id = g_strconcat ("net:", name, NULL);
      n = g_hash_table_lookup (self->by_id, id);
      if (n != NULL && PUB (n)->kind == VIREO_MAP_NODE_NETWORK)
        return n;
      /* Drawn anyway, so a card on a deleted or misspelt network shows
       * rather than silently vanishing. */
      g_free (id);
      id = g_strconcat ("seg:other:missing:", name, NULL);
      n = ensure_segment (self, id, VIREO_MAP_SEGMENT_OTHER, name, &created);
      if (created)
        {
          PUB (n)->mode = VIREO_NETWORK_MODE_ISOLATED;
          PUB (n)->active = FALSE;
          PUB (n)->isolated = TRUE;
          n->missing = TRUE;
          n->place = g_strdup_printf (_("“%s”"), name);
          add_line (n, _("network not defined"));
        }
      return n;
    }

  if (g_str_equal (type, "bridge") && source != NULL)
    {
      MapNode *owner = network_owning_bridge (self, source);

      if (owner != NULL)
        return owner;
      id = g_strconcat ("seg:bridge:", source, NULL);
      n = ensure_segment (self, id, VIREO_MAP_SEGMENT_BRIDGE, source, &created);
      if (created)
        {
          MapNode *iface = lookup_iface (self, source);

          PUB (n)->mode = VIREO_NETWORK_MODE_BRIDGE;
          PUB (n)->bridge = g_strdup (source);
          PUB (n)->active = iface == NULL || PUB (iface)->active;
          n->place = g_strdup (source);
          add_line (n, _("host bridge"));
        }
      return n;
    }

  if (g_str_equal (type, "direct") && source != NULL)
    {
      VireoMacvtapMode mode = macvtap_mode_from_string (nic->source_mode);
      const char *mode_text = vireo_macvtap_mode_to_string (mode);

      id = g_strdup_printf ("seg:direct:%s:%s", source, mode_text);
      n = ensure_segment (self, id, VIREO_MAP_SEGMENT_DIRECT, source, &created);
      if (created)
        {
          MapNode *iface = lookup_iface (self, source);

          PUB (n)->mode = VIREO_NETWORK_MODE_MACVTAP;
          PUB (n)->active = iface == NULL || PUB (iface)->active;
          PUB (n)->isolated = mode == VIREO_MACVTAP_MODE_PRIVATE;
          n->macvtap_mode = mode;
          n->device = g_strdup (source);
          n->place = g_strdup (source);
          take_line (n, g_strdup_printf (_("macvtap (%s) on %s"), mode_text, source));
        }
      return n;
    }

  if (g_str_equal (type, "user"))
    {
      n = ensure_segment (self, "seg:user", VIREO_MAP_SEGMENT_USER, "user", &created);
      if (created)
        {
          /* It behaves like NAT: out through the host's address, nothing in. */
          PUB (n)->mode = VIREO_NETWORK_MODE_NAT;
          g_free (PUB (n)->title);
          PUB (n)->title = g_strdup (_("User mode"));
          n->place = g_strdup (_("user-mode networking"));
          add_line (n, _("user-mode (passt or slirp)"));
        }
      return n;
    }

  id = g_strconcat ("seg:other:", type, NULL);
  n = ensure_segment (self, id, VIREO_MAP_SEGMENT_OTHER, type, &created);
  if (created)
    {
      PUB (n)->mode = VIREO_NETWORK_MODE_ISOLATED;
      n->device = g_strdup (type);
      n->place = g_strdup_printf (_("“%s”"), type);
      add_line (n, _("Vireo cannot tell where this leads"));
    }
  return n;
}

/* ------------------------------------------------------------------------ */
/* Reachability                                                              */

static void
derive_macvtap (MapNode *n)
{
  const char *place = n->place;

  switch (n->macvtap_mode)
    {
    case VIREO_MACVTAP_MODE_BRIDGE:
      set_reach (n, VIREO_REACH_GUEST_GUEST, VIREO_REACH_YES,
                 g_strdup_printf (_("Guests on %s reach each other inside this host."), place));
      break;
    case VIREO_MACVTAP_MODE_VEPA:
      set_reach (n, VIREO_REACH_GUEST_GUEST, VIREO_REACH_PARTLY,
                 g_strdup_printf (_("Guests on %s reach each other only if the switch outside sends "
                                    "their traffic back (“hairpin” mode)."), place));
      break;
    case VIREO_MACVTAP_MODE_PRIVATE:
      set_reach (n, VIREO_REACH_GUEST_GUEST, VIREO_REACH_NO,
                 g_strdup_printf (_("Guests on %s cannot reach each other: private mode keeps them apart."),
                                  place));
      break;
    case VIREO_MACVTAP_MODE_PASSTHROUGH:
    default:
      set_reach (n, VIREO_REACH_GUEST_GUEST, VIREO_REACH_NO,
                 g_strdup_printf (_("One guest owns the device of %s in passthrough mode, so there is "
                                    "no other guest to reach."), place));
      break;
    }
  set_reach (n, VIREO_REACH_GUEST_HOST, VIREO_REACH_NO,
             g_strdup_printf (_("Guests on %s cannot reach this host through that device: macvtap keeps "
                                "the host out, so they need a second network for it."), place));
  set_reach (n, VIREO_REACH_GUEST_OUTSIDE, VIREO_REACH_YES,
             g_strdup_printf (_("Guests on %s reach the LAN directly."), place));
  set_reach (n, VIREO_REACH_OUTSIDE_GUEST, VIREO_REACH_YES,
             g_strdup_printf (_("Machines on the LAN reach guests on %s directly."), place));
  PUB (n)->explanation = g_strdup_printf (_("Guests on %s reach the LAN directly, like machines plugged "
                                            "into it, but not this host."), place);
}

static void
derive_bridge (MapNode *n)
{
  const char *place = n->place;

  set_reach (n, VIREO_REACH_GUEST_GUEST, VIREO_REACH_YES,
             g_strdup_printf (_("Guests on %s reach each other like machines on one switch."), place));
  set_reach (n, VIREO_REACH_GUEST_HOST, VIREO_REACH_YES,
             g_strdup_printf (_("Guests on %s reach this host through the bridge."), place));
  set_reach (n, VIREO_REACH_GUEST_OUTSIDE, VIREO_REACH_YES,
             g_strdup_printf (_("Guests on %s sit on the LAN and reach it like physical machines."), place));
  set_reach (n, VIREO_REACH_OUTSIDE_GUEST, VIREO_REACH_YES,
             g_strdup_printf (_("Machines on the LAN reach guests on %s like physical machines."), place));
  PUB (n)->explanation = g_strdup_printf (_("Guests on %s sit on the LAN like physical machines: they "
                                            "reach it, this host and each other, and the LAN reaches them."),
                                          place);
}

static void
derive_routed (MapNode  *n,
               gboolean  open)
{
  const char *place = n->place;
  const char *subnet = n->subnet != NULL ? n->subnet : _("their subnet");

  if (open)
    {
      set_reach (n, VIREO_REACH_GUEST_OUTSIDE, VIREO_REACH_PARTLY,
                 g_strdup_printf (_("Guests on %s reach the LAN with their own addresses if the LAN's "
                                    "router routes %s back via this host; libvirt adds no firewall "
                                    "rules, so this host's own firewall decides."), place, subnet));
      set_reach (n, VIREO_REACH_OUTSIDE_GUEST, VIREO_REACH_PARTLY,
                 g_strdup_printf (_("Machines outside reach guests on %s once the LAN's router has a "
                                    "route to %s via this host; libvirt adds no firewall rules for it."),
                                  place, subnet));
      PUB (n)->explanation =
        g_strdup_printf (_("Guests on %s keep their own addresses and this host routes them, with no "
                           "firewall rules from libvirt; the LAN needs a route to %s via this host."),
                         place, subnet);
      return;
    }
  set_reach (n, VIREO_REACH_GUEST_OUTSIDE, VIREO_REACH_PARTLY,
             g_strdup_printf (_("Guests on %s reach the LAN with their own addresses if the LAN's "
                                "router routes %s back via this host."), place, subnet));
  set_reach (n, VIREO_REACH_OUTSIDE_GUEST, VIREO_REACH_PARTLY,
             g_strdup_printf (_("Machines outside reach guests on %s once the LAN's router has a "
                                "route to %s via this host."), place, subnet));
  if (n->forward_dev != NULL)
    PUB (n)->explanation =
      g_strdup_printf (_("Guests on %s keep their own addresses and this host routes them through %s; "
                         "the LAN needs a route to %s via this host."), place, n->forward_dev, subnet);
  else
    PUB (n)->explanation =
      g_strdup_printf (_("Guests on %s keep their own addresses and this host routes them; "
                         "the LAN needs a route to %s via this host."), place, subnet);
}

static void
derive_reach (MapNode *n)
{
  VireoMapNode *p = PUB (n);
  const char *place = n->place;

  if (p->kind == VIREO_MAP_NODE_SEGMENT)
    {
      switch (p->segment)
        {
        case VIREO_MAP_SEGMENT_BRIDGE:
          derive_bridge (n);
          break;
        case VIREO_MAP_SEGMENT_DIRECT:
          derive_macvtap (n);
          break;
        case VIREO_MAP_SEGMENT_USER:
          set_reach (n, VIREO_REACH_GUEST_GUEST, VIREO_REACH_NO,
                     g_strdup (_("Each guest with user-mode networking is alone: guests cannot reach "
                                 "each other through it.")));
          set_reach (n, VIREO_REACH_GUEST_HOST, VIREO_REACH_YES,
                     g_strdup (_("Guests reach this host's services through user-mode networking.")));
          set_reach (n, VIREO_REACH_GUEST_OUTSIDE, VIREO_REACH_YES,
                     g_strdup (_("Guests with user-mode networking reach the LAN and beyond through "
                                 "this host's address.")));
          set_reach (n, VIREO_REACH_OUTSIDE_GUEST, VIREO_REACH_NO,
                     g_strdup (_("Machines outside reach a guest with user-mode networking only "
                                 "through ports forwarded to it.")));
          p->explanation = g_strdup (_("Each guest gets a private user-mode network (passt or slirp): it "
                                       "reaches out through this host's address, and nothing reaches it "
                                       "except forwarded ports."));
          break;
        case VIREO_MAP_SEGMENT_OTHER:
        case VIREO_MAP_SEGMENT_NONE:
        default:
          if (n->missing)
            {
              g_autofree char *why = g_strdup_printf (_("The network %s is not defined on this host."), place);

              set_all_reach (n, VIREO_REACH_NO, why);
              p->explanation = g_strdup_printf (_("Machines have a card on the network %s, which is not "
                                                  "defined on this host: they cannot start until it "
                                                  "exists or the card moves to another network."), place);
              return;
            }
          else
            {
              g_autofree char *why = g_strdup_printf (_("Vireo cannot tell what a %s connection reaches."),
                                                      place);

              set_all_reach (n, VIREO_REACH_PARTLY, why);
              p->explanation = g_strdup (why);
            }
          break;
        }
      if (!p->active)
        {
          g_autofree char *why = g_strdup_printf (_("%s is down on this host."), place);

          set_all_reach (n, VIREO_REACH_NO, why);
        }
      return;
    }

  switch (p->mode)
    {
    case VIREO_NETWORK_MODE_NAT:
    case VIREO_NETWORK_MODE_ROUTE:
    case VIREO_NETWORK_MODE_OPEN:
    case VIREO_NETWORK_MODE_ISOLATED:
      set_reach (n, VIREO_REACH_GUEST_GUEST, VIREO_REACH_YES,
                 g_strdup_printf (_("Guests on %s reach each other directly."), place));
      if (n->host_address != NULL)
        set_reach (n, VIREO_REACH_GUEST_HOST, VIREO_REACH_YES,
                   g_strdup_printf (_("Guests on %s reach this host at %s."), place, n->host_address));
      else if (p->mode != VIREO_NETWORK_MODE_ISOLATED)
        set_reach (n, VIREO_REACH_GUEST_HOST, VIREO_REACH_YES,
                   g_strdup_printf (_("Guests on %s reach this host."), place));
      else
        set_reach (n, VIREO_REACH_GUEST_HOST, VIREO_REACH_NO,
                   g_strdup_printf (_("%s has no address on this host, so guests cannot reach the host "
                                      "through it."), place));
      break;
    default:
      break;
    }

  switch (p->mode)
    {
    case VIREO_NETWORK_MODE_NAT:
      if (n->forward_dev != NULL)
        {
          set_reach (n, VIREO_REACH_GUEST_OUTSIDE, VIREO_REACH_YES,
                     g_strdup_printf (_("Guests on %s reach the LAN and beyond through %s, with this "
                                        "host's address."), place, n->forward_dev));
          p->explanation = g_strdup_printf (_("Guests on %s reach out through %s with this host's address; "
                                              "machines outside cannot start a connection to them."),
                                            place, n->forward_dev);
        }
      else
        {
          set_reach (n, VIREO_REACH_GUEST_OUTSIDE, VIREO_REACH_YES,
                     g_strdup_printf (_("Guests on %s reach the LAN and beyond through this host's address."),
                                      place));
          p->explanation = g_strdup_printf (_("Guests on %s reach out through this host's address; "
                                              "machines outside cannot start a connection to them."), place);
        }
      set_reach (n, VIREO_REACH_OUTSIDE_GUEST, VIREO_REACH_NO,
                 g_strdup_printf (_("Machines outside cannot start a connection to guests on %s, except "
                                    "through ports forwarded on this host."), place));
      break;
    case VIREO_NETWORK_MODE_ROUTE:
      derive_routed (n, FALSE);
      break;
    case VIREO_NETWORK_MODE_OPEN:
      derive_routed (n, TRUE);
      break;
    case VIREO_NETWORK_MODE_ISOLATED:
      set_reach (n, VIREO_REACH_GUEST_OUTSIDE, VIREO_REACH_NO,
                 g_strdup_printf (_("%s has no way out: guests cannot reach the LAN through it."), place));
      set_reach (n, VIREO_REACH_OUTSIDE_GUEST, VIREO_REACH_NO,
                 g_strdup_printf (_("Nothing outside this host can reach guests on %s."), place));
      p->explanation = n->host_address != NULL
        ? g_strdup_printf (_("Guests on %s reach each other and this host only."), place)
        : g_strdup_printf (_("Guests on %s reach each other only: the network has no address on this host."),
                           place);
      break;
    case VIREO_NETWORK_MODE_BRIDGE:
      derive_bridge (n);
      break;
    case VIREO_NETWORK_MODE_MACVTAP:
      derive_macvtap (n);
      break;
    case VIREO_NETWORK_MODE_HOSTDEV:
      set_reach (n, VIREO_REACH_GUEST_GUEST, VIREO_REACH_PARTLY,
                 g_strdup_printf (_("Guests on %s reach each other only through the card's own switch, "
                                    "if it passes traffic between its virtual functions."), place));
      set_reach (n, VIREO_REACH_GUEST_HOST, VIREO_REACH_PARTLY,
                 g_strdup_printf (_("Guests on %s reach this host only through the LAN, if this host is "
                                    "on it."), place));
      set_reach (n, VIREO_REACH_GUEST_OUTSIDE, VIREO_REACH_YES,
                 g_strdup_printf (_("Guests on %s reach the LAN directly through their own virtual "
                                    "function."), place));
      set_reach (n, VIREO_REACH_OUTSIDE_GUEST, VIREO_REACH_YES,
                 g_strdup_printf (_("Machines on the LAN reach guests on %s directly."), place));
      p->explanation = g_strdup_printf (_("Each guest on %s gets a virtual function of the card: it sits "
                                          "on the LAN directly, bypassing this host."), place);
      break;
    default:
      break;
    }

  if (!p->active)
    {
      g_autofree char *why = g_strdup_printf (_("The network %s is stopped."), place);

      set_all_reach (n, VIREO_REACH_NO, why);
    }
}

/* A machine can do what the best of its networks allows, for each path
 * on its own: one card on a bridge and one on NAT make it reachable from
 * outside through the bridge. */
static void
derive_domain_reach (MapNode *dom)
{
  for (guint path = 0; path < VIREO_REACH_N_PATHS; path++)
    {
      MapNode *best = NULL;

      for (guint i = 0; i < dom->nics->len; i++)
        {
          MapNode *nic = g_ptr_array_index (dom->nics, i);
          MapNode *net = (MapNode *) PUB (nic)->attached;

          if (net == NULL)
            continue;
          if (best == NULL || PUB (net)->reach[path].verdict > PUB (best)->reach[path].verdict)
            best = net;
        }
      dom->best[path] = best;
      if (best != NULL)
        set_reach (dom, path, PUB (best)->reach[path].verdict, g_strdup (PUB (best)->reach[path].why));
      else
        set_reach (dom, path, VIREO_REACH_NO,
                   g_strdup_printf (_("%s has no network card."), dom->place));
    }
}

/* ------------------------------------------------------------------------ */
/* Finish                                                                    */

static void
add_edge (VireoNetMap      *self,
          VireoMapEdgeKind  kind,
          MapNode          *from,
          MapNode          *to,
          const char       *label)
{
  VireoMapEdge *e = g_new0 (VireoMapEdge, 1);

  e->kind = kind;
  e->id = g_strconcat (kind == VIREO_MAP_EDGE_LINK ? "link:" : "uplink:", PUB (from)->id, NULL);
  e->from = PUB (from);
  e->to = PUB (to);
  e->active = PUB (from)->active && PUB (to)->active;
  e->label = g_strdup (label);
  g_ptr_array_add (self->edges, e);
  g_hash_table_insert (self->edge_by_id, e->id, e);
}

/* Where a network or segment leaves the host, and what the line says;
 * NULL: it does not (isolated, or Vireo cannot tell). */
static MapNode *
uplink_target (VireoNetMap  *self,
               MapNode      *n,
               const char  **label)
{
  VireoMapNode *p = PUB (n);
  MapNode *iface;

  *label = NULL;
  if (p->kind == VIREO_MAP_NODE_SEGMENT)
    {
      switch (p->segment)
        {
        case VIREO_MAP_SEGMENT_BRIDGE:
          *label = _("bridged");
          iface = lookup_iface (self, p->bridge);
          return iface != NULL ? iface : self->host;
        case VIREO_MAP_SEGMENT_DIRECT:
          *label = _("macvtap");
          iface = lookup_iface (self, n->device);
          return iface != NULL ? iface : self->host;
        case VIREO_MAP_SEGMENT_USER:
          *label = _("host's address");
          return self->host;
        case VIREO_MAP_SEGMENT_OTHER:
        case VIREO_MAP_SEGMENT_NONE:
        default:
          return NULL;
        }
    }

  switch (p->mode)
    {
    case VIREO_NETWORK_MODE_NAT:
    case VIREO_NETWORK_MODE_ROUTE:
    case VIREO_NETWORK_MODE_OPEN:
      if (n->forward_dev == NULL)
        {
          *label = _("any interface");
          return self->host;
        }
      *label = uplink_label_for_mode (p->mode);
      iface = lookup_iface (self, n->forward_dev);
      return iface != NULL ? iface : self->host;
    case VIREO_NETWORK_MODE_BRIDGE:
      *label = uplink_label_for_mode (p->mode);
      iface = lookup_iface (self, p->bridge);
      return iface != NULL ? iface : self->host;
    case VIREO_NETWORK_MODE_MACVTAP:
    case VIREO_NETWORK_MODE_HOSTDEV:
      *label = uplink_label_for_mode (p->mode);
      iface = lookup_iface (self, n->device);
      return iface != NULL ? iface : self->host;
    case VIREO_NETWORK_MODE_ISOLATED:
    default:
      return NULL;
    }
}

static gboolean
is_libvirt_bridge (VireoNetMap *self,
                   const char  *name)
{
  return network_owning_bridge (self, name) != NULL;
}

static void
apply_addresses (VireoNetMap *self,
                 MapNode     *dom)
{
  for (guint i = 0; i < dom->nics->len; i++)
    {
      MapNode *nic = g_ptr_array_index (dom->nics, i);
      VireoMapNode *p = PUB (nic);
      MapNode *net = (MapNode *) p->attached;

      if (p->mac == NULL)
        continue;
      /* Leases first: they are what the network handed out, the agent's
       * list is what the guest claims and comes later. */
      if (net != NULL && PUB (net)->kind == VIREO_MAP_NODE_NETWORK)
        for (guint j = 0; j < self->leases->len; j++)
          {
            Address *a = g_ptr_array_index (self->leases, j);

            if (g_str_equal (a->key, PUB (net)->name) && g_str_equal (a->mac, p->mac))
              add_address (nic, a->ip, a->prefix);
          }
      if (PUB (dom)->uuid != NULL)
        for (guint j = 0; j < self->guest_addrs->len; j++)
          {
            Address *a = g_ptr_array_index (self->guest_addrs, j);

            if (g_ascii_strcasecmp (a->key, PUB (dom)->uuid) == 0 && g_str_equal (a->mac, p->mac))
              add_address (nic, a->ip, a->prefix);
          }
      for (guint j = 0; j < p->addresses->len; j++)
        add_line (nic, g_ptr_array_index (p->addresses, j));
    }
}

static int
compare_blocks (gconstpointer a,
                gconstpointer b)
{
  const Block *ba = *(Block **) a;
  const Block *bb = *(Block **) b;

  return strcmp (ba->key, bb->key);
}

static Block *
block_new (GPtrArray *nets)
{
  Block *b = g_new0 (Block, 1);
  g_autoptr(GString) key = g_string_new (NULL);

  b->nets = nets;
  b->machines = g_ptr_array_new ();
  for (guint i = 0; i < nets->len; i++)
    {
      if (i > 0)
        g_string_append_c (key, '\n');
      g_string_append (key, PUB ((MapNode *) g_ptr_array_index (nets, i))->id);
    }
  b->key = g_string_free (g_steal_pointer (&key), FALSE);
  return b;
}

/* The blocks of machines under the row, in placement order: each network
 * or segment's home block, then the groups of machines on several whose
 * leftmost one it is, then the machines on none. */
static void
build_blocks (VireoNetMap *self)
{
  g_autoptr(GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);  /* key -> Block */
  g_autoptr(GPtrArray) all_groups = g_ptr_array_new ();
  g_autoptr(GPtrArray) sorted_domains = g_ptr_array_copy (self->domains, NULL, NULL);
  Block **home = g_new0 (Block *, self->row->len + 1);
  Block *loose = block_new (g_ptr_array_new ());

  for (guint i = 0; i < self->row->len; i++)
    {
      MapNode *r = g_ptr_array_index (self->row, i);
      GPtrArray *nets = g_ptr_array_new ();

      g_ptr_array_add (nets, r);
      home[i] = block_new (nets);
      home[i]->home_of = r;
    }

  g_ptr_array_sort (sorted_domains, compare_by_name);
  for (guint d = 0; d < sorted_domains->len; d++)
    {
      MapNode *dom = g_ptr_array_index (sorted_domains, d);
      g_autofree gboolean *on = g_new0 (gboolean, self->row->len + 1);
      GPtrArray *nets = g_ptr_array_new ();
      Block *block;

      for (guint i = 0; i < dom->nics->len; i++)
        {
          MapNode *net = (MapNode *) PUB ((MapNode *) g_ptr_array_index (dom->nics, i))->attached;

          if (net != NULL)
            on[net->row_index] = TRUE;
        }
      for (guint i = 0; i < self->row->len; i++)
        if (on[i])
          g_ptr_array_add (nets, g_ptr_array_index (self->row, i));

      if (nets->len == 0)
        {
          block = loose;
          g_ptr_array_unref (nets);
        }
      else if (nets->len == 1)
        {
          block = home[((MapNode *) g_ptr_array_index (nets, 0))->row_index];
          g_ptr_array_unref (nets);
        }
      else
        {
          g_autoptr(Block) probe = NULL;

          block = block_new (nets);
          if (g_hash_table_lookup (groups, block->key) != NULL)
            {
              probe = block;
              block = g_hash_table_lookup (groups, probe->key);
            }
          else
            {
              g_hash_table_insert (groups, block->key, block);
              g_ptr_array_add (all_groups, block);
            }
        }
      g_ptr_array_add (block->machines, dom);
      dom->block = block;
    }

  g_ptr_array_sort (all_groups, compare_blocks);
  for (guint i = 0; i < self->row->len; i++)
    {
      MapNode *r = g_ptr_array_index (self->row, i);

      g_ptr_array_add (self->blocks, home[i]);
      for (guint g = 0; g < all_groups->len; g++)
        {
          Block *group = g_ptr_array_index (all_groups, g);

          if (g_ptr_array_index (group->nets, 0) == r)
            g_ptr_array_add (self->blocks, group);
        }
    }
  if (loose->machines->len > 0)
    g_ptr_array_add (self->blocks, loose);
  else
    block_free (loose);
  g_free (home);
}

/* The nodes in get_nodes () order: host, shown interfaces (@ifaces
 * order), the row, then each machine in placement order with its NICs. */
static void
rebuild_node_order (VireoNetMap *self,
                    GPtrArray   *ifaces)
{
  g_ptr_array_set_size (self->nodes, 0);
  g_ptr_array_add (self->nodes, PUB (self->host));
  for (guint i = 0; i < ifaces->len; i++)
    g_ptr_array_add (self->nodes, PUB ((MapNode *) g_ptr_array_index (ifaces, i)));
  for (guint i = 0; i < self->row->len; i++)
    g_ptr_array_add (self->nodes, PUB ((MapNode *) g_ptr_array_index (self->row, i)));
  for (guint b = 0; b < self->blocks->len; b++)
    {
      Block *block = g_ptr_array_index (self->blocks, b);

      for (guint m = 0; m < block->machines->len; m++)
        {
          MapNode *dom = g_ptr_array_index (block->machines, m);

          g_ptr_array_add (self->nodes, PUB (dom));
          for (guint i = 0; i < dom->nics->len; i++)
            g_ptr_array_add (self->nodes, PUB ((MapNode *) g_ptr_array_index (dom->nics, i)));
        }
    }
}

/**
 * vireo_net_map_finish:
 *
 * Wires every NIC to its network or to a segment made for it, every
 * network and segment to where it leaves the host, puts leases and guest
 * addresses on their NICs, drops the host interfaces nothing needs, and
 * derives who can reach whom. Call once, after every add.
 */
void
vireo_net_map_finish (VireoNetMap *self)
{
  g_autoptr(GPtrArray) segments = g_ptr_array_new ();
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_autoptr(GPtrArray) nets = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->finished);

  self->finished = TRUE;

  /* Wire the NICs, making segments as they are needed. */
  for (guint d = 0; d < self->domains->len; d++)
    {
      MapNode *dom = g_ptr_array_index (self->domains, d);

      for (guint i = 0; i < dom->nics->len; i++)
        {
          MapNode *nic = g_ptr_array_index (dom->nics, i);
          MapNode *net = attach_nic (self, nic);

          PUB (nic)->attached = PUB (net);
          if (PUB (net)->kind == VIREO_MAP_NODE_SEGMENT && !g_ptr_array_find (segments, net, NULL))
            g_ptr_array_add (segments, net);
        }
    }

  nets = g_ptr_array_copy (self->networks, NULL, NULL);
  g_ptr_array_sort (nets, compare_by_name);
  g_ptr_array_sort (segments, compare_by_id);
  g_ptr_array_extend (self->row, nets, NULL, NULL);
  g_ptr_array_extend (self->row, segments, NULL, NULL);
  for (guint i = 0; i < self->row->len; i++)
    {
      MapNode *n = g_ptr_array_index (self->row, i);

      n->row_index = i;
      derive_reach (n);
    }

  for (guint d = 0; d < self->domains->len; d++)
    {
      MapNode *dom = g_ptr_array_index (self->domains, d);

      apply_addresses (self, dom);
      derive_domain_reach (dom);
    }

  /* Uplinks, in row order. */
  for (guint i = 0; i < self->row->len; i++)
    {
      MapNode *n = g_ptr_array_index (self->row, i);
      const char *label;
      MapNode *target = uplink_target (self, n, &label);

      if (target == NULL)
        continue;
      add_edge (self, VIREO_MAP_EDGE_UPLINK, n, target, label);
      if (PUB (target)->kind == VIREO_MAP_NODE_HOST_IFACE)
        target->shown = TRUE;
    }

  /* Interfaces worth a chip: the ones lines end at, and the ones with an
   * address. A libvirt network's own bridge is drawn as that network. */
  for (guint i = 0; i < self->ifaces->len; i++)
    {
      MapNode *iface = g_ptr_array_index (self->ifaces, i);
      VireoMapNode *p = PUB (iface);

      if (!iface->shown && p->active && p->addresses->len > 0 &&
          !g_str_equal (p->name, "lo") && !is_libvirt_bridge (self, p->name))
        iface->shown = TRUE;
      if (iface->shown)
        g_ptr_array_add (shown, iface);
      else
        g_hash_table_remove (self->by_id, p->id);
    }
  g_ptr_array_sort (shown, compare_by_name);

  build_blocks (self);
  rebuild_node_order (self, shown);

  /* Links, in node order. */
  for (guint i = 0; i < self->nodes->len; i++)
    {
      VireoMapNode *p = g_ptr_array_index (self->nodes, i);

      if (p->kind == VIREO_MAP_NODE_NIC && p->attached != NULL)
        add_edge (self, VIREO_MAP_EDGE_LINK, (MapNode *) p, (MapNode *) p->attached, NULL);
    }
}

/* ------------------------------------------------------------------------ */
/* Layout                                                                    */

/**
 * vireo_map_metrics_init_default:
 *
 * Fills @metrics with the sizes the map uses at zoom 1 with the default
 * font.
 */
void
vireo_map_metrics_init_default (VireoMapMetrics *metrics)
{
  g_return_if_fail (metrics != NULL);

  metrics->margin = 24;
  metrics->host_height = 84;
  metrics->iface_width = 150;
  metrics->iface_height = 44;
  metrics->uplink_gap = 64;
  metrics->segment_width = 220;
  metrics->segment_height = 96;
  metrics->lane_gap = 10;
  metrics->domain_width = 210;
  metrics->domain_header = 44;
  metrics->nic_height = 22;
  metrics->gutter = 24;
  metrics->row_gap = 16;
  metrics->block_gap = 40;
}

static void
place (MapNode *n,
       double   x,
       double   y,
       double   width,
       double   height)
{
  PUB (n)->x = x;
  PUB (n)->y = y;
  PUB (n)->width = width;
  PUB (n)->height = height;
}

static double
centre_x (const VireoMapNode *n)
{
  return n->x + n->width / 2;
}

static double
centre_y (const VireoMapNode *n)
{
  return n->y + n->height / 2;
}

/* A polyline under construction: consecutive duplicates never enter. */
static void
push_point (GArray *points,
            double  x,
            double  y)
{
  guint n = points->len / 2;

  if (n > 0 && g_array_index (points, double, 2 * n - 2) == x && g_array_index (points, double, 2 * n - 1) == y)
    return;
  g_array_append_val (points, x);
  g_array_append_val (points, y);
}

static void
set_points (VireoMapEdge *e,
            GArray       *points)
{
  /* A line between two boxes that touch still has two ends. */
  if (points->len == 2)
    {
      double x = g_array_index (points, double, 0);
      double y = g_array_index (points, double, 1);

      g_array_append_val (points, x);
      g_array_append_val (points, y);
    }
  g_free (e->points);
  e->n_points = points->len / 2;
  e->points = (double *) (void *) g_array_free (points, FALSE);
}

static double
domain_box_height (const VireoMapMetrics *m,
                   const MapNode         *dom)
{
  return m->domain_header + m->nic_height * MAX (dom->nics->len, 1);
}

static double
lane_y (const VireoMapMetrics *m,
        const MapNode         *n)
{
  return PUB (n)->y + m->segment_height + m->lane_gap * (n->row_index + 1);
}

/* Lays the blocks out left to right under the row; returns the bottom of
 * the lowest machine. */
static double
block_column_width (const VireoMapMetrics *m,
                    const Block           *block)
{
  return m->gutter + m->lane_gap * (MAX (block->nets->len, 1) - 1) + m->domain_width;
}

/* How many rows of machines every block gets: the fewest that keep the
 * whole area no more than MAX_AREA_ASPECT times as wide as it is tall. One
 * count for all blocks, so that a network with many machines grows down
 * like the others instead of sideways, and 300 machines over many pairs
 * of networks still fit a screen's shape once zoomed out. */
#define MAX_AREA_ASPECT 2.5

static guint
choose_rows (VireoNetMap           *self,
             const VireoMapMetrics *m)
{
  guint most = 0;
  guint machines = 0;
  double heights = 0;
  double row_height;

  for (guint b = 0; b < self->blocks->len; b++)
    {
      Block *block = g_ptr_array_index (self->blocks, b);

      most = MAX (most, block->machines->len);
      for (guint i = 0; i < block->machines->len; i++)
        heights += domain_box_height (m, g_ptr_array_index (block->machines, i));
      machines += block->machines->len;
    }
  if (most == 0)
    return 1;
  row_height = heights / machines + m->row_gap;
  for (guint rows = 1; rows < most; rows++)
    {
      double width = 0;

      for (guint b = 0; b < self->blocks->len; b++)
        {
          Block *block = g_ptr_array_index (self->blocks, b);
          guint cols = (block->machines->len + rows - 1) / rows;

          width += MAX (cols * block_column_width (m, block), m->segment_width) + m->block_gap;
        }
      if (width <= MAX_AREA_ASPECT * rows * row_height)
        return rows;
    }
  return most;
}

static double
layout_blocks (VireoNetMap           *self,
               const VireoMapMetrics *m,
               double                 row_y,
               double                 area_top)
{
  double x = m->margin;
  double bottom = area_top;
  guint rows = choose_rows (self, m);

  for (guint b = 0; b < self->blocks->len; b++)
    {
      Block *block = g_ptr_array_index (self->blocks, b);
      guint n = block->machines->len;
      guint k = MAX (block->nets->len, 1);
      double gutter_width = m->gutter + m->lane_gap * (k - 1);
      double column_width = block_column_width (m, block);
      guint cols = (n + rows - 1) / rows;
      double grid_width;
      double grid_x;
      double y = area_top;

      grid_width = cols * column_width;
      block->x = x;
      block->width = MAX (grid_width, m->segment_width);
      grid_x = x + (block->width - grid_width) / 2;

      for (guint first = 0; first < n; first += cols)
        {
          double row_height = 0;

          for (guint i = first; i < MIN (first + cols, n); i++)
            row_height = MAX (row_height, domain_box_height (m, g_ptr_array_index (block->machines, i)));
          for (guint i = first; i < MIN (first + cols, n); i++)
            {
              MapNode *dom = g_ptr_array_index (block->machines, i);
              double left = grid_x + (i - first) * column_width;
              double box_x = left + gutter_width;

              dom->gutter_left = left;
              place (dom, box_x, y, m->domain_width, domain_box_height (m, dom));
              bottom = MAX (bottom, y + PUB (dom)->height);
              for (guint j = 0; j < dom->nics->len; j++)
                place (g_ptr_array_index (dom->nics, j), box_x, y + m->domain_header + j * m->nic_height,
                       m->domain_width, m->nic_height);
            }
          y += row_height + m->row_gap;
        }

      if (block->home_of != NULL)
        place (block->home_of, x + (block->width - m->segment_width) / 2, row_y,
               m->segment_width, m->segment_height);
      x += block->width + m->block_gap;
    }
  return bottom;
}

static void
layout_links (VireoNetMap           *self,
              const VireoMapMetrics *m)
{
  for (guint i = 0; i < self->edges->len; i++)
    {
      VireoMapEdge *e = g_ptr_array_index (self->edges, i);
      MapNode *nic = (MapNode *) e->from;
      MapNode *net = (MapNode *) e->to;
      MapNode *dom;
      GArray *points;
      guint j = 0;
      double gx, ny, ly;

      if (e->kind != VIREO_MAP_EDGE_LINK)
        continue;
      dom = (MapNode *) PUB (nic)->parent;
      g_ptr_array_find (dom->block->nets, net, &j);
      gx = dom->gutter_left + m->gutter / 2 + m->lane_gap * j;
      ny = centre_y (PUB (nic));
      ly = lane_y (m, net);

      points = g_array_new (FALSE, FALSE, sizeof (double));
      push_point (points, PUB (nic)->x, ny);
      push_point (points, gx, ny);
      push_point (points, gx, ly);
      push_point (points, centre_x (PUB (net)), ly);
      push_point (points, centre_x (PUB (net)), PUB (net)->y + PUB (net)->height);
      set_points (e, points);
    }
}

typedef struct
{
  MapNode *iface;
  double   want;     /* mean centre x of what ends at it */
  gboolean connected;
} Chip;

static int
compare_chips (gconstpointer a,
               gconstpointer b)
{
  const Chip *ca = a;
  const Chip *cb = b;

  if (ca->connected != cb->connected)
    return ca->connected ? -1 : 1;
  if (ca->connected && ca->want != cb->want)
    return ca->want < cb->want ? -1 : 1;
  return g_strcmp0 (PUB (ca->iface)->name, PUB (cb->iface)->name);
}

/* Chips along the band's bottom, each as near as it can be above what
 * uplinks to it; returns the rightmost chip edge. */
static double
layout_chips (VireoNetMap           *self,
              const VireoMapMetrics *m,
              GPtrArray             *order)
{
  g_autoptr(GArray) chips = g_array_new (FALSE, TRUE, sizeof (Chip));
  double y = m->margin + m->host_height - CHIP_INSET - m->iface_height;
  double next = m->margin + CHIP_SPACING;
  double right = 0;

  for (guint i = 1; i < self->nodes->len; i++)
    {
      VireoMapNode *p = g_ptr_array_index (self->nodes, i);
      Chip chip = { (MapNode *) p, 0, FALSE };
      guint count = 0;

      if (p->kind != VIREO_MAP_NODE_HOST_IFACE)
        continue;
      for (guint e = 0; e < self->edges->len; e++)
        {
          VireoMapEdge *edge = g_ptr_array_index (self->edges, e);

          if (edge->kind == VIREO_MAP_EDGE_UPLINK && edge->to == p)
            {
              chip.want += centre_x (edge->from);
              count++;
            }
        }
      chip.connected = count > 0;
      if (count > 0)
        chip.want /= count;
      g_array_append_val (chips, chip);
    }
  g_array_sort (chips, compare_chips);

  for (guint i = 0; i < chips->len; i++)
    {
      Chip *chip = &g_array_index (chips, Chip, i);
      double x = next;

      if (chip->connected)
        x = MAX (x, chip->want - m->iface_width / 2);
      place (chip->iface, x, y, m->iface_width, m->iface_height);
      next = x + m->iface_width + CHIP_SPACING;
      right = x + m->iface_width;
      g_ptr_array_add (order, chip->iface);
    }
  return right;
}

typedef struct
{
  VireoMapEdge *edge;
  double        x;
  guint         row_index;
} Uplink;

static int
compare_uplinks (gconstpointer a,
                 gconstpointer b)
{
  const Uplink *ua = a;
  const Uplink *ub = b;

  if (ua->x != ub->x)
    return ua->x < ub->x ? -1 : 1;
  return (int) ua->row_index - (int) ub->row_index;
}

static void
layout_uplinks (VireoNetMap           *self,
                const VireoMapMetrics *m)
{
  g_autoptr(GArray) lanes = g_array_new (FALSE, TRUE, sizeof (Uplink));
  double band_bottom = m->margin + m->host_height;

  for (guint i = 0; i < self->edges->len; i++)
    {
      VireoMapEdge *e = g_ptr_array_index (self->edges, i);

      if (e->kind != VIREO_MAP_EDGE_UPLINK)
        continue;
      if (e->to->kind == VIREO_MAP_NODE_HOST)
        {
          GArray *points = g_array_new (FALSE, FALSE, sizeof (double));

          push_point (points, centre_x (e->from), e->from->y);
          push_point (points, centre_x (e->from), band_bottom);
          set_points (e, points);
        }
      else
        {
          Uplink u = { e, centre_x (e->from), ((MapNode *) e->from)->row_index };

          g_array_append_val (lanes, u);
        }
    }
  g_array_sort (lanes, compare_uplinks);

  for (guint k = 0; k < lanes->len; k++)
    {
      VireoMapEdge *e = g_array_index (lanes, Uplink, k).edge;
      double y = band_bottom + m->uplink_gap * (k + 1) / (lanes->len + 1);
      GArray *points = g_array_new (FALSE, FALSE, sizeof (double));

      push_point (points, centre_x (e->from), e->from->y);
      push_point (points, centre_x (e->from), y);
      push_point (points, centre_x (e->to), y);
      push_point (points, centre_x (e->to), e->to->y + e->to->height);
      set_points (e, points);
    }
}

/**
 * vireo_net_map_layout:
 * @metrics: (nullable): the sizes to use; %NULL for the defaults
 *
 * Places every node and routes every edge. The result depends only on
 * what the map holds and @metrics.
 */
void
vireo_net_map_layout (VireoNetMap           *self,
                      const VireoMapMetrics *metrics)
{
  g_autoptr(GPtrArray) chip_order = g_ptr_array_new ();
  VireoMapMetrics defaults;
  const VireoMapMetrics *m = metrics;
  double row_y, row_bottom, area_top, bottom, right, chips_right;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->finished);

  if (m == NULL)
    {
      vireo_map_metrics_init_default (&defaults);
      m = &defaults;
    }

  row_y = m->margin + m->host_height + m->uplink_gap;
  row_bottom = row_y + m->segment_height;
  area_top = row_bottom + m->lane_gap * (self->row->len + 2);
  bottom = layout_blocks (self, m, row_y, area_top);
  bottom = MAX (bottom, self->row->len > 0 ? row_bottom : m->margin + m->host_height);

  right = m->margin + m->segment_width;
  for (guint b = 0; b < self->blocks->len; b++)
    {
      Block *block = g_ptr_array_index (self->blocks, b);

      right = MAX (right, block->x + block->width);
    }

  chips_right = layout_chips (self, m, chip_order);
  right = MAX (right, chips_right + CHIP_SPACING);

  self->width = right + m->margin;
  self->height = bottom + m->margin;
  place (self->host, m->margin, m->margin, self->width - 2 * m->margin, m->host_height);

  layout_links (self, m);
  layout_uplinks (self, m);
  rebuild_node_order (self, chip_order);
  self->laid_out = TRUE;
}

void
vireo_net_map_get_size (VireoNetMap *self,
                        double      *width,
                        double      *height)
{
  g_return_if_fail (self != NULL);

  if (width != NULL)
    *width = self->width;
  if (height != NULL)
    *height = self->height;
}

/* ------------------------------------------------------------------------ */
/* Queries                                                                   */

GPtrArray *
vireo_net_map_get_nodes (VireoNetMap *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->nodes;
}

GPtrArray *
vireo_net_map_get_edges (VireoNetMap *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->edges;
}

VireoMapNode *
vireo_net_map_lookup (VireoNetMap *self,
                      const char  *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, id);
}

VireoMapEdge *
vireo_net_map_lookup_edge (VireoNetMap *self,
                           const char  *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->edge_by_id, id);
}

static gboolean
contains (const VireoMapNode *n,
          double              x,
          double              y)
{
  return x >= n->x && x < n->x + n->width && y >= n->y && y < n->y + n->height;
}

/* Which kinds lie on top of which: NICs on machines, chips on the band. */
static const VireoMapNodeKind hit_order[] = {
  VIREO_MAP_NODE_NIC, VIREO_MAP_NODE_DOMAIN, VIREO_MAP_NODE_HOST_IFACE,
  VIREO_MAP_NODE_NETWORK, VIREO_MAP_NODE_SEGMENT, VIREO_MAP_NODE_HOST,
};

VireoMapNode *
vireo_net_map_node_at (VireoNetMap *self,
                       double       x,
                       double       y)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (!self->laid_out)
    return NULL;
  for (guint k = 0; k < G_N_ELEMENTS (hit_order); k++)
    for (guint i = 0; i < self->nodes->len; i++)
      {
        VireoMapNode *n = g_ptr_array_index (self->nodes, i);

        if (n->kind == hit_order[k] && contains (n, x, y))
          return n;
      }
  return NULL;
}

/* Squared, so no square root is needed to compare it. */
static double
distance2_to_segment (double px,
                     double py,
                     double x0,
                     double y0,
                     double x1,
                     double y1)
{
  double dx = x1 - x0;
  double dy = y1 - y0;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;

  t = CLAMP (t, 0, 1);
  dx = px - (x0 + t * dx);
  dy = py - (y0 + t * dy);
  return dx * dx + dy * dy;
}

VireoMapEdge *
vireo_net_map_edge_at (VireoNetMap *self,
                       double       x,
                       double       y,
                       double       tolerance)
{
  VireoMapEdge *best = NULL;
  double best_distance = tolerance * tolerance;

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->edges->len; i++)
    {
      VireoMapEdge *e = g_ptr_array_index (self->edges, i);

      for (guint j = 0; j + 1 < e->n_points; j++)
        {
          double d = distance2_to_segment (x, y, e->points[2 * j], e->points[2 * j + 1],
                                          e->points[2 * j + 2], e->points[2 * j + 3]);

          if (d <= best_distance && (best == NULL || d < best_distance))
            {
              best = e;
              best_distance = d;
            }
        }
    }
  return best;
}

static gboolean
matches (const char *haystack,
         const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

static gboolean
array_matches (GPtrArray  *strings,
               const char *needle)
{
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    if (matches (g_ptr_array_index (strings, i), needle))
      return TRUE;
  return FALSE;
}

/**
 * vireo_net_map_find:
 *
 * Returns: (transfer container) (element-type VireoMapNode): the nodes
 *   whose name, title, lines, MAC or addresses contain @text, in
 *   vireo_net_map_get_nodes () order
 */
GPtrArray *
vireo_net_map_find (VireoNetMap *self,
                    const char  *text)
{
  g_autofree char *needle = NULL;
  GPtrArray *found;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  needle = g_utf8_casefold (text, -1);
  found = g_ptr_array_new ();
  for (guint i = 0; i < self->nodes->len; i++)
    {
      VireoMapNode *n = g_ptr_array_index (self->nodes, i);

      if (matches (n->name, needle) || matches (n->title, needle) || matches (n->mac, needle) ||
          array_matches (n->lines, needle) || array_matches (n->addresses, needle))
        g_ptr_array_add (found, n);
    }
  return found;
}

static gboolean
is_selectable (const VireoMapNode *n)
{
  return n->kind != VIREO_MAP_NODE_HOST;
}

VireoMapNode *
vireo_net_map_neighbour (VireoNetMap       *self,
                         VireoMapNode      *from,
                         VireoMapDirection  direction)
{
  VireoMapNode *best = NULL;
  double best_score = 0;
  double fx, fy;

  g_return_val_if_fail (self != NULL, NULL);

  if (from == NULL)
    {
      if (self->row->len > 0)
        return PUB ((MapNode *) g_ptr_array_index (self->row, 0));
      for (guint i = 0; i < self->nodes->len; i++)
        if (is_selectable (g_ptr_array_index (self->nodes, i)))
          return g_ptr_array_index (self->nodes, i);
      return NULL;
    }

  fx = centre_x (from);
  fy = centre_y (from);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      VireoMapNode *n = g_ptr_array_index (self->nodes, i);
      double dx, dy, along, sideways, score;

      if (n == from || !is_selectable (n))
        continue;
      dx = centre_x (n) - fx;
      dy = centre_y (n) - fy;
      switch (direction)
        {
        case VIREO_MAP_UP:
          along = -dy;
          sideways = dx;
          break;
        case VIREO_MAP_DOWN:
          along = dy;
          sideways = dx;
          break;
        case VIREO_MAP_LEFT:
          along = -dx;
          sideways = dy;
          break;
        case VIREO_MAP_RIGHT:
        default:
          along = dx;
          sideways = dy;
          break;
        }
      if (along <= 0)
        continue;
      score = along + 2 * ABS (sideways);
      if (best == NULL || score < best_score)
        {
          best = n;
          best_score = score;
        }
    }
  return best;
}

/**
 * vireo_net_map_domain_can_reach:
 * @why: (out) (transfer full) (optional): one or two sentences naming
 *   the network that decides
 *
 * Returns: %VIREO_REACH_YES when @from and @to share a network or segment
 *   that lets guests see each other (%VIREO_REACH_PARTLY when it does only
 *   under a condition), %VIREO_REACH_PARTLY when @from reaches out and @to
 *   is reachable from outside, else %VIREO_REACH_NO
 */
VireoReachVerdict
vireo_net_map_domain_can_reach (VireoNetMap   *self,
                                VireoMapNode  *from,
                                VireoMapNode  *to,
                                char         **why)
{
  MapNode *f = (MapNode *) from;
  MapNode *t = (MapNode *) to;
  MapNode *shared = NULL;
  MapNode *shared_no = NULL;
  VireoReachVerdict out_verdict, in_verdict;

  g_return_val_if_fail (self != NULL, VIREO_REACH_NO);
  g_return_val_if_fail (self->finished, VIREO_REACH_NO);
  g_return_val_if_fail (from != NULL && from->kind == VIREO_MAP_NODE_DOMAIN, VIREO_REACH_NO);
  g_return_val_if_fail (to != NULL && to->kind == VIREO_MAP_NODE_DOMAIN, VIREO_REACH_NO);

  if (from == to)
    {
      if (why != NULL)
        *why = g_strdup_printf (_("%s is the same machine."), f->place);
      return VIREO_REACH_YES;
    }

  for (guint i = 0; i < f->nics->len; i++)
    for (guint j = 0; j < t->nics->len; j++)
      {
        VireoMapNode *a = PUB ((MapNode *) g_ptr_array_index (f->nics, i))->attached;
        VireoMapNode *b = PUB ((MapNode *) g_ptr_array_index (t->nics, j))->attached;

        if (a == NULL || a != b)
          continue;
        if (a->reach[VIREO_REACH_GUEST_GUEST].verdict == VIREO_REACH_NO)
          {
            if (shared_no == NULL)
              shared_no = (MapNode *) a;
          }
        else if (shared == NULL ||
                 a->reach[VIREO_REACH_GUEST_GUEST].verdict > PUB (shared)->reach[VIREO_REACH_GUEST_GUEST].verdict)
          shared = (MapNode *) a;
      }

  if (shared != NULL)
    {
      if (why != NULL)
        *why = g_strdup (PUB (shared)->reach[VIREO_REACH_GUEST_GUEST].why);
      return PUB (shared)->reach[VIREO_REACH_GUEST_GUEST].verdict;
    }

  out_verdict = PUB (f)->reach[VIREO_REACH_GUEST_OUTSIDE].verdict;
  in_verdict = PUB (t)->reach[VIREO_REACH_OUTSIDE_GUEST].verdict;
  if (out_verdict != VIREO_REACH_NO && in_verdict != VIREO_REACH_NO)
    {
      if (why != NULL)
        /* Translators: machine, its network, machine, its network */
        *why = g_strdup_printf (_("They share no network that joins them: %s reaches out through %s, and "
                                  "%s is reachable from outside through %s."),
                                f->place, f->best[VIREO_REACH_GUEST_OUTSIDE]->place,
                                t->place, t->best[VIREO_REACH_OUTSIDE_GUEST]->place);
      return VIREO_REACH_PARTLY;
    }

  if (why != NULL)
    {
      g_autofree char *first = shared_no != NULL
        ? g_strdup (PUB (shared_no)->reach[VIREO_REACH_GUEST_GUEST].why)
        : g_strdup (_("They share no network that joins them."));
      const char *second = out_verdict == VIREO_REACH_NO
        ? PUB (f)->reach[VIREO_REACH_GUEST_OUTSIDE].why
        : PUB (t)->reach[VIREO_REACH_OUTSIDE_GUEST].why;

      /* Translators: two sentences, one after the other */
      *why = g_strdup_printf (_("%s %s"), first, second);
    }
  return VIREO_REACH_NO;
}

/**
 * vireo_reach_path_get_label:
 *
 * Returns: the path's name for the explanation panel, translated
 */
const char *
vireo_reach_path_get_label (VireoReachPath path)
{
  switch (path)
    {
    case VIREO_REACH_GUEST_GUEST:
      return _("Guest → guest");
    case VIREO_REACH_GUEST_HOST:
      return _("Guest → host");
    case VIREO_REACH_GUEST_OUTSIDE:
      return _("Guest → outside");
    case VIREO_REACH_OUTSIDE_GUEST:
      return _("Outside → guest");
    default:
      g_return_val_if_reached (NULL);
    }
}
