/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-network-config"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/tree.h>

#include "vireo-network-config.h"
#include "vireo-xml.h"

/*
 * A <network> document edited in place. Every setter touches only the
 * nodes its field lives in and leaves a value that did not change alone
 * (a netmask stays a netmask while the prefix it means is the same), so a
 * form that writes all its fields back changes only what the user changed.
 *
 * How modes map onto libvirt's <forward>:
 *   NAT, routed, open   <forward mode='nat|route|open' [dev]>, libvirt makes the bridge
 *   isolated            no <forward>
 *   bridge              <forward mode='bridge'/> + <bridge name='br0'/>: an existing host bridge
 *   macvtap             <forward mode='bridge|vepa|private|passthrough'> with <interface dev>
 *                       children and no <bridge> (that is how libvirt tells it from the above)
 *   SR-IOV              <forward mode='hostdev' managed='yes'><pf dev/></forward>
 * The last three have no addresses of their own (the LAN gives them), so
 * switching to them drops <ip>, <dns>, <domain>, <route> and <mac>, which
 * libvirt would refuse there; STP and delay go too.
 */

struct _VireoNetworkConfig
{
  GObject   parent_instance;

  xmlDocPtr doc;
};

G_DEFINE_FINAL_TYPE (VireoNetworkConfig, vireo_network_config, G_TYPE_OBJECT)
G_DEFINE_QUARK (vireo-network-config-error-quark, vireo_network_config_error)

/* The order libvirt writes a network's children in, for new elements. */
static const char * const network_order[] = {
  "name", "uuid", "title", "description", "metadata", "forward", "bridge", "mtu", "mac",
  "domain", "dns", "ip", "route", NULL
};
static const char * const forward_order[] = { "nat", "pf", "interface", "address", NULL };
static const char * const dhcp_order[] = { "range", "host", "bootp", NULL };
static const char * const dns_order[] = { "forwarder", "txt", "srv", "host", NULL };
static const char * const ip_order[] = { "tftp", "dhcp", NULL };

/* ------------------------------------------------------------------------ */
/* Modes                                                                     */

/**
 * vireo_network_mode_get_label:
 *
 * Returns: the mode's short name, translated
 */
const char *
vireo_network_mode_get_label (VireoNetworkMode mode)
{
  switch (mode)
    {
    case VIREO_NETWORK_MODE_NAT:
      return _("NAT");
    case VIREO_NETWORK_MODE_ROUTE:
      return _("Routed");
    case VIREO_NETWORK_MODE_OPEN:
      return _("Open");
    case VIREO_NETWORK_MODE_ISOLATED:
      return _("Isolated");
    case VIREO_NETWORK_MODE_BRIDGE:
      return _("Host bridge");
    case VIREO_NETWORK_MODE_MACVTAP:
      return _("Direct (macvtap)");
    case VIREO_NETWORK_MODE_HOSTDEV:
      return _("SR-IOV pool");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * vireo_network_mode_get_description:
 *
 * Returns: one sentence saying who can reach whom in @mode, translated
 */
const char *
vireo_network_mode_get_description (VireoNetworkMode mode)
{
  switch (mode)
    {
    case VIREO_NETWORK_MODE_NAT:
      return _("Machines reach the host, each other and the outside world through the host's address; "
               "nothing outside can reach them.");
    case VIREO_NETWORK_MODE_ROUTE:
      return _("Machines get their own subnet routed through the host: they reach the LAN and the LAN "
               "reaches them, once the LAN's router has a route back to this subnet.");
    case VIREO_NETWORK_MODE_OPEN:
      return _("Like routed, but libvirt adds no firewall rules: whatever the host's own firewall allows "
               "gets through.");
    case VIREO_NETWORK_MODE_ISOLATED:
      return _("Machines reach each other and the host, nothing else.");
    case VIREO_NETWORK_MODE_BRIDGE:
      return _("Machines join the host bridge's LAN as if plugged into the same switch: they reach it "
               "and it reaches them.");
    case VIREO_NETWORK_MODE_MACVTAP:
      return _("Machines sit directly on a host interface's LAN and reach it both ways, but cannot talk "
               "to the host itself through it.");
    case VIREO_NETWORK_MODE_HOSTDEV:
      return _("Each machine gets a virtual function of an SR-IOV card to itself, on the card's LAN; "
               "the host cannot talk to it through the card.");
    default:
      g_return_val_if_reached (NULL);
    }
}

static const char * const macvtap_modes[] = { "bridge", "vepa", "private", "passthrough", NULL };

const char *
vireo_macvtap_mode_to_string (VireoMacvtapMode mode)
{
  g_return_val_if_fail (mode <= VIREO_MACVTAP_MODE_PASSTHROUGH, NULL);
  return macvtap_modes[mode];
}

/* ------------------------------------------------------------------------ */
/* Plain structs                                                             */

VireoNetworkDhcpHost *
vireo_network_dhcp_host_new (const char *mac,
                             const char *ip,
                             const char *name)
{
  VireoNetworkDhcpHost *host = g_new0 (VireoNetworkDhcpHost, 1);

  host->mac = g_strdup (mac);
  host->ip = g_strdup (ip);
  host->name = g_strdup (name);
  return host;
}

VireoNetworkDhcpHost *
vireo_network_dhcp_host_copy (const VireoNetworkDhcpHost *host)
{
  VireoNetworkDhcpHost *copy = vireo_network_dhcp_host_new (host->mac, host->ip, host->name);

  copy->id = g_strdup (host->id);
  return copy;
}

void
vireo_network_dhcp_host_free (VireoNetworkDhcpHost *host)
{
  if (host == NULL)
    return;
  g_free (host->mac);
  g_free (host->id);
  g_free (host->ip);
  g_free (host->name);
  g_free (host);
}

static void apply_dhcp_host (xmlNodePtr node, gconstpointer item);
static void apply_dns_host (xmlNodePtr node, gconstpointer item);

static char *
element_to_xml (const char  *name,
                void       (*apply) (xmlNodePtr, gconstpointer),
                gconstpointer item)
{
  xmlDocPtr doc = xmlNewDoc (BAD_CAST "1.0");
  xmlNodePtr node = xmlNewNode (NULL, BAD_CAST name);
  char *xml;

  xmlDocSetRootElement (doc, node);
  apply (node, item);
  xml = vireo_xml_node_to_string (node);
  xmlFreeDoc (doc);
  return xml;
}

/**
 * vireo_network_dhcp_host_to_xml:
 *
 * Returns: (transfer full): `<host mac='…' name='…' ip='…'/>`, the XML
 *   virNetworkUpdate takes for a new entry (attributes escaped by libxml2)
 */
char *
vireo_network_dhcp_host_to_xml (const VireoNetworkDhcpHost *host)
{
  g_return_val_if_fail (host != NULL, NULL);
  return element_to_xml ("host", apply_dhcp_host, host);
}

VireoNetworkIp *
vireo_network_ip_new (const char *address,
                      guint       prefix)
{
  VireoNetworkIp *ip = g_new0 (VireoNetworkIp, 1);

  ip->address = g_strdup (address);
  ip->prefix = prefix;
  ip->hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_dhcp_host_free);
  return ip;
}

VireoNetworkIp *
vireo_network_ip_copy (const VireoNetworkIp *ip)
{
  VireoNetworkIp *copy = vireo_network_ip_new (ip->address, ip->prefix);

  copy->dhcp_start = g_strdup (ip->dhcp_start);
  copy->dhcp_end = g_strdup (ip->dhcp_end);
  for (guint i = 0; ip->hosts != NULL && i < ip->hosts->len; i++)
    g_ptr_array_add (copy->hosts, vireo_network_dhcp_host_copy (g_ptr_array_index (ip->hosts, i)));
  return copy;
}

void
vireo_network_ip_free (VireoNetworkIp *ip)
{
  if (ip == NULL)
    return;
  g_free (ip->address);
  g_free (ip->dhcp_start);
  g_free (ip->dhcp_end);
  g_clear_pointer (&ip->hosts, g_ptr_array_unref);
  g_free (ip);
}

VireoNetworkDnsHost *
vireo_network_dns_host_new (const char         *ip,
                            const char * const *hostnames)
{
  VireoNetworkDnsHost *host = g_new0 (VireoNetworkDnsHost, 1);

  host->ip = g_strdup (ip);
  host->hostnames = hostnames != NULL ? g_strdupv ((char **) hostnames) : g_new0 (char *, 1);
  return host;
}

VireoNetworkDnsHost *
vireo_network_dns_host_copy (const VireoNetworkDnsHost *host)
{
  return vireo_network_dns_host_new (host->ip, (const char * const *) host->hostnames);
}

void
vireo_network_dns_host_free (VireoNetworkDnsHost *host)
{
  if (host == NULL)
    return;
  g_free (host->ip);
  g_strfreev (host->hostnames);
  g_free (host);
}

/**
 * vireo_network_dns_host_to_xml:
 *
 * Returns: (transfer full): `<host ip='…'><hostname>…</hostname></host>`
 *   as virNetworkUpdate takes it
 */
char *
vireo_network_dns_host_to_xml (const VireoNetworkDnsHost *host)
{
  g_return_val_if_fail (host != NULL, NULL);
  return element_to_xml ("host", apply_dns_host, host);
}

VireoNetworkForwarder *
vireo_network_forwarder_new (const char *addr,
                             const char *domain)
{
  VireoNetworkForwarder *forwarder = g_new0 (VireoNetworkForwarder, 1);

  forwarder->addr = g_strdup (addr);
  forwarder->domain = g_strdup (domain);
  return forwarder;
}

void
vireo_network_forwarder_free (VireoNetworkForwarder *forwarder)
{
  if (forwarder == NULL)
    return;
  g_free (forwarder->addr);
  g_free (forwarder->domain);
  g_free (forwarder);
}

VireoNetworkSrv *
vireo_network_srv_new (const char *service,
                       const char *protocol)
{
  VireoNetworkSrv *srv = g_new0 (VireoNetworkSrv, 1);

  srv->service = g_strdup (service);
  srv->protocol = g_strdup (protocol);
  return srv;
}

void
vireo_network_srv_free (VireoNetworkSrv *srv)
{
  if (srv == NULL)
    return;
  g_free (srv->service);
  g_free (srv->protocol);
  g_free (srv->domain);
  g_free (srv->target);
  g_free (srv);
}

VireoNetworkTxt *
vireo_network_txt_new (const char *name,
                       const char *value)
{
  VireoNetworkTxt *txt = g_new0 (VireoNetworkTxt, 1);

  txt->name = g_strdup (name);
  txt->value = g_strdup (value);
  return txt;
}

void
vireo_network_txt_free (VireoNetworkTxt *txt)
{
  if (txt == NULL)
    return;
  g_free (txt->name);
  g_free (txt->value);
  g_free (txt);
}

VireoNetworkRoute *
vireo_network_route_new (const char *address,
                         guint       prefix,
                         const char *gateway)
{
  VireoNetworkRoute *route = g_new0 (VireoNetworkRoute, 1);

  route->address = g_strdup (address);
  route->prefix = prefix;
  route->gateway = g_strdup (gateway);
  return route;
}

void
vireo_network_route_free (VireoNetworkRoute *route)
{
  if (route == NULL)
    return;
  g_free (route->address);
  g_free (route->gateway);
  g_free (route);
}

/* ------------------------------------------------------------------------ */
/* Addresses                                                                 */

typedef struct
{
  gsize  len;        /* 4 or 16; 0: not an address */
  guint8 bytes[16];
} Addr;

static gboolean
addr_parse (const char *text,
            Addr       *out)
{
  g_autoptr(GInetAddress) inet = NULL;

  memset (out, 0, sizeof *out);
  if (text == NULL || *text == '\0')
    return FALSE;
  inet = g_inet_address_new_from_string (text);
  if (inet == NULL)
    return FALSE;
  out->len = g_inet_address_get_native_size (inet);
  memcpy (out->bytes, g_inet_address_to_bytes (inet), out->len);
  return TRUE;
}

static char *
addr_to_string (const Addr *addr)
{
  g_autoptr(GInetAddress) inet =
    g_inet_address_new_from_bytes (addr->bytes, addr->len == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);

  return g_inet_address_to_string (inet);
}

/* Keeps the first @prefix bits: the subnet's own address. */
static Addr
addr_mask (const Addr *addr,
           guint       prefix)
{
  Addr out = *addr;

  for (gsize i = 0; i < out.len; i++)
    {
      guint bits = prefix > i * 8 ? MIN (prefix - i * 8, 8) : 0;

      out.bytes[i] &= (guint8) (0xff00 >> bits);
    }
  return out;
}

/* Are the bits after @prefix all set (the IPv4 broadcast address)? */
static gboolean
addr_host_all_ones (const Addr *addr,
                    guint       prefix)
{
  for (gsize i = 0; i < addr->len; i++)
    {
      guint bits = prefix > i * 8 ? MIN (prefix - i * 8, 8) : 0;
      guint8 host = (guint8) ~(0xff00 >> bits);

      if ((addr->bytes[i] & host) != host)
        return FALSE;
    }
  return TRUE;
}

static gboolean
addr_equal (const Addr *a,
            const Addr *b)
{
  return a->len == b->len && memcmp (a->bytes, b->bytes, a->len) == 0;
}

static int
addr_compare (const Addr *a,
              const Addr *b)
{
  return memcmp (a->bytes, b->bytes, MIN (a->len, b->len));
}

static gboolean
addr_in_subnet (const Addr *addr,
                const Addr *net,
                guint       prefix)
{
  Addr a = addr_mask (addr, prefix);
  Addr b = addr_mask (net, prefix);

  return addr_equal (&a, &b);
}

static char *
subnet_to_string (const Addr *addr,
                  guint       prefix)
{
  Addr net = addr_mask (addr, prefix);
  g_autofree char *text = addr_to_string (&net);

  return g_strdup_printf ("%s/%u", text, prefix);
}

/* "255.255.255.0" -> 24; -1 when not a contiguous IPv4 mask. */
static int
netmask_to_prefix (const char *netmask)
{
  Addr mask;
  guint32 bits;
  int prefix = 0;

  if (!addr_parse (netmask, &mask) || mask.len != 4)
    return -1;
  bits = ((guint32) mask.bytes[0] << 24) | ((guint32) mask.bytes[1] << 16)
       | ((guint32) mask.bytes[2] << 8) | mask.bytes[3];
  while (bits & 0x80000000u)
    {
      prefix++;
      bits <<= 1;
    }
  return bits == 0 ? prefix : -1;
}

static gboolean
parse_uint (const char *text,
            guint      *out)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static gboolean
mac_parse (const char *text,
           guint8      out[6])
{
  if (text == NULL || strlen (text) != 17)
    return FALSE;
  for (int i = 0; i < 6; i++)
    {
      const char *p = text + i * 3;

      if (!g_ascii_isxdigit (p[0]) || !g_ascii_isxdigit (p[1]) || (i < 5 && p[2] != ':'))
        return FALSE;
      out[i] = (guint8) (g_ascii_xdigit_value (p[0]) * 16 + g_ascii_xdigit_value (p[1]));
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Document                                                                  */

static xmlNodePtr
root (VireoNetworkConfig *self)
{
  return xmlDocGetRootElement (self->doc);
}

static xmlNodePtr
ensure_ordered (xmlNodePtr          parent,
                const char         *name,
                const char * const *order)
{
  xmlNodePtr child = vireo_xml_child (parent, name);

  if (child != NULL)
    return child;
  return vireo_xml_insert_ordered (parent, xmlNewNode (NULL, BAD_CAST name), order);
}

static gboolean
is_empty (xmlNodePtr node)
{
  if (node->properties != NULL)
    return FALSE;
  for (xmlNodePtr n = node->children; n != NULL; n = n->next)
    if (n->type != XML_TEXT_NODE || !xmlIsBlankNode (n))
      return FALSE;
  return TRUE;
}

static void
remove_if_empty (xmlNodePtr node)
{
  if (node != NULL && is_empty (node))
    vireo_xml_remove (node);
}

/* Sets @name on @node unless it already holds @value: an unchanged value
 * keeps its place and its spelling. */
static void
set_prop_if_changed (xmlNodePtr  node,
                     const char *name,
                     const char *value)
{
  g_autofree char *old = vireo_xml_get_prop (node, name);

  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (old, value) != 0)
    vireo_xml_set_prop (node, name, value);
}

static void
set_uint_prop (xmlNodePtr  node,
               const char *name,
               guint       value)
{
  g_autofree char *old = vireo_xml_get_prop (node, name);
  guint old_value;

  if (value == 0)
    {
      vireo_xml_set_prop (node, name, NULL);
      return;
    }
  if (parse_uint (old, &old_value) && old_value == value)
    return;
  {
    g_autofree char *text = g_strdup_printf ("%u", value);
    vireo_xml_set_prop (node, name, text);
  }
}

static void
remove_all (xmlNodePtr  parent,
            const char *name)
{
  xmlNodePtr n = vireo_xml_child (parent, name);

  while (n != NULL)
    {
      xmlNodePtr next = vireo_xml_next_sibling (n, name);

      vireo_xml_remove (n);
      n = next;
    }
}

static VireoNetworkConfig *
config_new_for_doc (xmlDocPtr doc)
{
  VireoNetworkConfig *self = g_object_new (VIREO_TYPE_NETWORK_CONFIG, NULL);

  self->doc = doc;
  return self;
}

/**
 * vireo_network_config_new_from_xml:
 * @xml: a libvirt `<network>` document
 *
 * Returns: (transfer full): the config, or %NULL with
 *   %VIREO_NETWORK_CONFIG_ERROR_PARSE when @xml is not a well-formed
 *   `<network>` document
 */
VireoNetworkConfig *
vireo_network_config_new_from_xml (const char  *xml,
                                   GError     **error)
{
  xmlDocPtr doc;
  xmlNodePtr node;

  g_return_val_if_fail (xml != NULL, NULL);

  doc = vireo_xml_read (xml, "network.xml");
  if (doc == NULL)
    {
      const xmlError *err = xmlGetLastError ();

      g_set_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_PARSE,
                   _("Not well-formed XML: %s"),
                   err && err->message ? g_strchomp (err->message) : _("unknown error"));
      return NULL;
    }
  /* No DOCTYPE: it could only declare entities (a billion laughs). */
  if (doc->intSubset != NULL)
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_PARSE,
                           _("A <!DOCTYPE> is not accepted in a network definition"));
      return NULL;
    }
  node = xmlDocGetRootElement (doc);
  if (node == NULL || node->ns != NULL || xmlStrcmp (node->name, BAD_CAST "network") != 0)
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_PARSE,
                           _("The document is not a <network> definition"));
      return NULL;
    }
  return config_new_for_doc (doc);
}

/**
 * vireo_network_config_new:
 * @mode: the kind of network
 *
 * A new network of @mode with libvirt's usual defaults: a bridge libvirt
 * names itself (STP on, no delay) and, for NAT, routed, open and isolated
 * networks, 192.168.100.1/24 with DHCP over .2–.254 (see
 * vireo_network_config_choose_ipv4_subnet() for a free one). The name is
 * empty until set.
 *
 * Returns: (transfer full): the config
 */
VireoNetworkConfig *
vireo_network_config_new (VireoNetworkMode mode)
{
  static const char template[] =
    "<network>\n"
    "  <name></name>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge stp='on' delay='0'/>\n"
    "  <ip address='192.168.100.1' prefix='24'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.100.2' end='192.168.100.254'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "</network>\n";
  VireoNetworkConfig *self = config_new_for_doc (vireo_xml_read (template, "network.xml"));

  g_return_val_if_fail (mode < VIREO_NETWORK_N_MODES, self);

  vireo_network_config_set_mode (self, mode);
  if (mode == VIREO_NETWORK_MODE_MACVTAP)
    vireo_network_config_set_macvtap_mode (self, VIREO_MACVTAP_MODE_BRIDGE);
  return self;
}

/**
 * vireo_network_config_dup:
 *
 * Returns: (transfer full): an independent copy
 */
VireoNetworkConfig *
vireo_network_config_dup (VireoNetworkConfig *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);
  return config_new_for_doc (xmlCopyDoc (self->doc, 1));
}

/**
 * vireo_network_config_to_xml:
 *
 * Returns: (transfer full): the document, everything Vireo did not change
 *   exactly as it was read
 */
char *
vireo_network_config_to_xml (VireoNetworkConfig *self)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);

  for (xmlNodePtr n = self->doc->children; n != NULL; n = n->next)
    {
      xmlBufferPtr buf = xmlBufferCreate ();

      xmlNodeDump (buf, self->doc, n, 0, 0);
      g_string_append (out, (const char *) xmlBufferContent (buf));
      g_string_append_c (out, '\n');
      xmlBufferFree (buf);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
vireo_network_config_dup_name (VireoNetworkConfig *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);
  return vireo_xml_get_child_text (root (self), "name");
}

void
vireo_network_config_set_name (VireoNetworkConfig *self,
                               const char         *name)
{
  g_autofree char *old = NULL;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  old = vireo_network_config_dup_name (self);
  if (g_strcmp0 (old, name ? name : "") != 0)
    vireo_xml_set_text (ensure_ordered (root (self), "name", network_order), name ? name : "");
}

/**
 * vireo_network_config_dup_uuid:
 *
 * Returns: (transfer full) (nullable): the UUID; a new network has none
 *   until libvirt gives it one
 */
char *
vireo_network_config_dup_uuid (VireoNetworkConfig *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);
  return vireo_xml_get_child_text (root (self), "uuid");
}

/* ------------------------------------------------------------------------ */
/* Forward mode                                                              */

static xmlNodePtr
forward (VireoNetworkConfig *self)
{
  return vireo_xml_child (root (self), "forward");
}

VireoNetworkMode
vireo_network_config_get_mode (VireoNetworkConfig *self)
{
  xmlNodePtr fwd;
  g_autofree char *mode = NULL;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), VIREO_NETWORK_MODE_ISOLATED);

  fwd = forward (self);
  if (fwd == NULL)
    return VIREO_NETWORK_MODE_ISOLATED;
  mode = vireo_xml_get_prop (fwd, "mode");
  /* <forward> without a mode is NAT, as libvirt reads it. */
  if (mode == NULL || g_str_equal (mode, "nat"))
    return VIREO_NETWORK_MODE_NAT;
  if (g_str_equal (mode, "route"))
    return VIREO_NETWORK_MODE_ROUTE;
  if (g_str_equal (mode, "open"))
    return VIREO_NETWORK_MODE_OPEN;
  if (g_str_equal (mode, "hostdev"))
    return VIREO_NETWORK_MODE_HOSTDEV;
  if (g_str_equal (mode, "bridge") && vireo_xml_child (root (self), "bridge") != NULL)
    return VIREO_NETWORK_MODE_BRIDGE;
  if (g_strv_contains (macvtap_modes, mode))
    return VIREO_NETWORK_MODE_MACVTAP;
  /* An unknown mode of a newer libvirt: shown as the nearest, NAT-like. */
  return VIREO_NETWORK_MODE_NAT;
}

static void
drop_addressing (VireoNetworkConfig *self)
{
  xmlNodePtr net = root (self);

  remove_all (net, "ip");
  remove_all (net, "route");
  vireo_xml_remove (vireo_xml_child (net, "dns"));
  vireo_xml_remove (vireo_xml_child (net, "domain"));
  vireo_xml_remove (vireo_xml_child (net, "mac"));
}

/**
 * vireo_network_config_set_mode:
 *
 * Switches the network to @mode, keeping what the new mode can use and
 * dropping what libvirt would refuse in it (see the top of this file).
 */
void
vireo_network_config_set_mode (VireoNetworkConfig *self,
                               VireoNetworkMode    mode)
{
  VireoNetworkMode old;
  xmlNodePtr net;
  xmlNodePtr fwd;
  xmlNodePtr bridge;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));
  g_return_if_fail (mode < VIREO_NETWORK_N_MODES);

  old = vireo_network_config_get_mode (self);
  if (old == mode)
    return;
  net = root (self);
  bridge = vireo_xml_child (net, "bridge");

  /* A bridge-mode name is a host bridge libvirt must not create or own. */
  if (old == VIREO_NETWORK_MODE_BRIDGE && bridge != NULL)
    vireo_xml_set_prop (bridge, "name", NULL);

  if (mode == VIREO_NETWORK_MODE_ISOLATED)
    {
      vireo_xml_remove (forward (self));
      if (old >= VIREO_NETWORK_MODE_BRIDGE)
        ensure_ordered (net, "bridge", network_order);
      return;
    }

  fwd = ensure_ordered (net, "forward", network_order);
  if (mode != VIREO_NETWORK_MODE_NAT)
    vireo_xml_remove (vireo_xml_child (fwd, "nat"));
  if (mode != VIREO_NETWORK_MODE_MACVTAP)
    remove_all (fwd, "interface");
  if (mode != VIREO_NETWORK_MODE_HOSTDEV)
    {
      vireo_xml_remove (vireo_xml_child (fwd, "pf"));
      remove_all (fwd, "address");
      vireo_xml_set_prop (fwd, "managed", NULL);
    }

  switch (mode)
    {
    case VIREO_NETWORK_MODE_NAT:
    case VIREO_NETWORK_MODE_ROUTE:
    case VIREO_NETWORK_MODE_OPEN:
      vireo_xml_set_prop (fwd, "mode", mode == VIREO_NETWORK_MODE_NAT ? "nat"
                                     : mode == VIREO_NETWORK_MODE_ROUTE ? "route" : "open");
      if (old >= VIREO_NETWORK_MODE_BRIDGE)
        {
          vireo_xml_set_prop (fwd, "dev", NULL);
          ensure_ordered (net, "bridge", network_order);
        }
      break;

    case VIREO_NETWORK_MODE_BRIDGE:
      vireo_xml_set_prop (fwd, "mode", "bridge");
      vireo_xml_set_prop (fwd, "dev", NULL);
      bridge = ensure_ordered (net, "bridge", network_order);
      vireo_xml_set_prop (bridge, "stp", NULL);
      vireo_xml_set_prop (bridge, "delay", NULL);
      drop_addressing (self);
      break;

    case VIREO_NETWORK_MODE_MACVTAP:
      vireo_xml_set_prop (fwd, "mode", "bridge");
      vireo_xml_remove (vireo_xml_child (net, "bridge"));
      drop_addressing (self);
      break;

    case VIREO_NETWORK_MODE_HOSTDEV:
      vireo_xml_set_prop (fwd, "mode", "hostdev");
      vireo_xml_set_prop (fwd, "managed", "yes");
      vireo_xml_set_prop (fwd, "dev", NULL);
      vireo_xml_remove (vireo_xml_child (net, "bridge"));
      drop_addressing (self);
      break;

    case VIREO_NETWORK_MODE_ISOLATED:
    default:
      g_assert_not_reached ();
    }
}

/**
 * vireo_network_config_dup_forward_dev:
 *
 * Returns: (transfer full) (nullable): the host interface NAT or routed
 *   traffic leaves through; %NULL for any
 */
char *
vireo_network_config_dup_forward_dev (VireoNetworkConfig *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);
  return vireo_xml_get_prop (forward (self), "dev");
}

void
vireo_network_config_set_forward_dev (VireoNetworkConfig *self,
                                      const char         *dev)
{
  xmlNodePtr fwd;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  fwd = forward (self);
  if (fwd == NULL)
    return;  /* isolated: nothing is forwarded */
  set_prop_if_changed (fwd, "dev", dev);
}

/**
 * vireo_network_config_get_nat_range:
 * @start: (out) (optional) (transfer full): the first public address
 * @end: (out) (optional) (transfer full): the last
 *
 * Returns: whether `<nat><address>` limits the addresses NAT uses
 */
gboolean
vireo_network_config_get_nat_range (VireoNetworkConfig *self,
                                    char              **start,
                                    char              **end)
{
  xmlNodePtr address;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), FALSE);

  address = vireo_xml_child (vireo_xml_child (forward (self), "nat"), "address");
  if (start != NULL)
    *start = vireo_xml_get_prop (address, "start");
  if (end != NULL)
    *end = vireo_xml_get_prop (address, "end");
  return address != NULL;
}

static void
set_nat_child (VireoNetworkConfig *self,
               const char         *child,
               const char         *start,
               const char         *end)
{
  xmlNodePtr fwd = forward (self);
  xmlNodePtr nat = vireo_xml_child (fwd, "nat");
  xmlNodePtr node;

  if (fwd == NULL)
    return;
  if (start == NULL || end == NULL)
    {
      vireo_xml_remove (vireo_xml_child (nat, child));
      remove_if_empty (nat);
      return;
    }
  if (nat == NULL)
    nat = ensure_ordered (fwd, "nat", forward_order);
  node = vireo_xml_child (nat, child);
  if (node == NULL)
    node = vireo_xml_insert_ordered (nat, xmlNewNode (NULL, BAD_CAST child),
                                     (const char * const[]) { "address", "port", NULL });
  set_prop_if_changed (node, "start", start);
  set_prop_if_changed (node, "end", end);
}

/**
 * vireo_network_config_set_nat_range:
 * @start: (nullable): the first address, %NULL for the host's own
 * @end: (nullable): the last
 */
void
vireo_network_config_set_nat_range (VireoNetworkConfig *self,
                                    const char         *start,
                                    const char         *end)
{
  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));
  set_nat_child (self, "address", start, end);
}

/**
 * vireo_network_config_get_nat_ports:
 *
 * Returns: whether `<nat><port>` limits the source ports NAT uses
 *   (libvirt's default is 1024–65535)
 */
gboolean
vireo_network_config_get_nat_ports (VireoNetworkConfig *self,
                                    guint              *start,
                                    guint              *end)
{
  xmlNodePtr port;
  g_autofree char *s = NULL;
  g_autofree char *e = NULL;
  guint a = 0, b = 0;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), FALSE);

  port = vireo_xml_child (vireo_xml_child (forward (self), "nat"), "port");
  s = vireo_xml_get_prop (port, "start");
  e = vireo_xml_get_prop (port, "end");
  parse_uint (s, &a);
  parse_uint (e, &b);
  if (start != NULL)
    *start = a;
  if (end != NULL)
    *end = b;
  return port != NULL;
}

/**
 * vireo_network_config_set_nat_ports:
 *
 * @start and @end 0 remove the limit.
 */
void
vireo_network_config_set_nat_ports (VireoNetworkConfig *self,
                                    guint               start,
                                    guint               end)
{
  g_autofree char *s = NULL;
  g_autofree char *e = NULL;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  if (start != 0 || end != 0)
    {
      s = g_strdup_printf ("%u", start);
      e = g_strdup_printf ("%u", end);
    }
  set_nat_child (self, "port", s, e);
}

VireoMacvtapMode
vireo_network_config_get_macvtap_mode (VireoNetworkConfig *self)
{
  g_autofree char *mode = NULL;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), VIREO_MACVTAP_MODE_BRIDGE);

  mode = vireo_xml_get_prop (forward (self), "mode");
  for (guint i = 0; macvtap_modes[i] != NULL; i++)
    if (g_strcmp0 (mode, macvtap_modes[i]) == 0)
      return (VireoMacvtapMode) i;
  return VIREO_MACVTAP_MODE_BRIDGE;
}

/**
 * vireo_network_config_set_macvtap_mode:
 *
 * Changes how a macvtap network's guests share their host interface; does
 * nothing in other modes.
 */
void
vireo_network_config_set_macvtap_mode (VireoNetworkConfig *self,
                                       VireoMacvtapMode    mode)
{
  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));
  g_return_if_fail (mode <= VIREO_MACVTAP_MODE_PASSTHROUGH);

  if (vireo_network_config_get_mode (self) != VIREO_NETWORK_MODE_MACVTAP)
    return;
  set_prop_if_changed (forward (self), "mode", macvtap_modes[mode]);
}

/**
 * vireo_network_config_dup_interfaces:
 *
 * Returns: (transfer full): the macvtap pool's host interfaces
 *   (`<forward><interface dev>`; the forward `dev` when there are none)
 */
GStrv
vireo_network_config_dup_interfaces (VireoNetworkConfig *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  xmlNodePtr fwd;
  gboolean any = FALSE;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);

  fwd = forward (self);
  for (xmlNodePtr n = vireo_xml_child (fwd, "interface"); n != NULL; n = vireo_xml_next_sibling (n, "interface"))
    {
      g_autofree char *dev = vireo_xml_get_prop (n, "dev");

      if (dev != NULL)
        {
          g_strv_builder_add (builder, dev);
          any = TRUE;
        }
    }
  if (!any)
    {
      g_autofree char *dev = vireo_xml_get_prop (fwd, "dev");

      if (dev != NULL)
        g_strv_builder_add (builder, dev);
    }
  return g_strv_builder_end (builder);
}

/**
 * vireo_network_config_set_interfaces:
 * @devs: (nullable): host interface names
 *
 * Sets the macvtap pool: an `<interface>` that stays keeps its attributes
 * and place; does nothing outside macvtap mode.
 */
void
vireo_network_config_set_interfaces (VireoNetworkConfig *self,
                                     const char * const *devs)
{
  xmlNodePtr fwd;
  xmlNodePtr n;
  g_autofree char *dev = NULL;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  if (vireo_network_config_get_mode (self) != VIREO_NETWORK_MODE_MACVTAP)
    return;
  fwd = forward (self);
  n = vireo_xml_child (fwd, "interface");
  while (n != NULL)
    {
      xmlNodePtr next = vireo_xml_next_sibling (n, "interface");
      g_autofree char *name = vireo_xml_get_prop (n, "dev");

      if (devs == NULL || name == NULL || !g_strv_contains (devs, name))
        vireo_xml_remove (n);
      n = next;
    }
  for (guint i = 0; devs != NULL && devs[i] != NULL; i++)
    {
      gboolean found = FALSE;

      if (*devs[i] == '\0')
        continue;
      for (n = vireo_xml_child (fwd, "interface"); n != NULL && !found; n = vireo_xml_next_sibling (n, "interface"))
        {
          g_autofree char *name = vireo_xml_get_prop (n, "dev");
          found = g_strcmp0 (name, devs[i]) == 0;
        }
      if (!found)
        {
          n = vireo_xml_insert_ordered (fwd, xmlNewNode (NULL, BAD_CAST "interface"), forward_order);
          vireo_xml_set_prop (n, "dev", devs[i]);
        }
    }
  /* libvirt takes the forward dev as the pool's first member: one that
   * left the pool would come back. */
  dev = vireo_xml_get_prop (fwd, "dev");
  if (dev != NULL && (devs == NULL || !g_strv_contains (devs, dev)))
    vireo_xml_set_prop (fwd, "dev", NULL);
}

char *
vireo_network_config_dup_hostdev_pf (VireoNetworkConfig *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);
  return vireo_xml_get_child_prop (forward (self), "pf", "dev");
}

/**
 * vireo_network_config_set_hostdev_pf:
 *
 * Sets the SR-IOV card (physical function) whose virtual functions make
 * the pool; does nothing outside hostdev mode.
 */
void
vireo_network_config_set_hostdev_pf (VireoNetworkConfig *self,
                                     const char         *dev)
{
  xmlNodePtr fwd;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  if (vireo_network_config_get_mode (self) != VIREO_NETWORK_MODE_HOSTDEV)
    return;
  fwd = forward (self);
  if (dev == NULL || *dev == '\0')
    {
      vireo_xml_remove (vireo_xml_child (fwd, "pf"));
      return;
    }
  set_prop_if_changed (ensure_ordered (fwd, "pf", forward_order), "dev", dev);
}

/* ------------------------------------------------------------------------ */
/* Bridge, MTU, MAC, domain                                                  */

char *
vireo_network_config_dup_bridge_name (VireoNetworkConfig *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);
  return vireo_xml_get_child_prop (root (self), "bridge", "name");
}

/**
 * vireo_network_config_set_bridge_name:
 * @name: (nullable): %NULL lets libvirt choose (virbrN); in bridge mode,
 *   the existing host bridge
 */
void
vireo_network_config_set_bridge_name (VireoNetworkConfig *self,
                                      const char         *name)
{
  xmlNodePtr bridge;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  bridge = vireo_xml_child (root (self), "bridge");
  if (name == NULL || *name == '\0')
    {
      /* In bridge mode the element itself says "bridge, not macvtap". */
      if (bridge != NULL)
        vireo_xml_set_prop (bridge, "name", NULL);
      return;
    }
  if (vireo_network_config_get_mode (self) == VIREO_NETWORK_MODE_MACVTAP
      || vireo_network_config_get_mode (self) == VIREO_NETWORK_MODE_HOSTDEV)
    return;
  if (bridge == NULL)
    bridge = ensure_ordered (root (self), "bridge", network_order);
  set_prop_if_changed (bridge, "name", name);
}

gboolean
vireo_network_config_get_stp (VireoNetworkConfig *self)
{
  g_autofree char *stp = NULL;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), TRUE);

  /* libvirt's default is on. */
  stp = vireo_xml_get_child_prop (root (self), "bridge", "stp");
  return g_strcmp0 (stp, "off") != 0;
}

void
vireo_network_config_set_stp (VireoNetworkConfig *self,
                              gboolean            stp)
{
  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  if (vireo_network_config_get_stp (self) == !!stp)
    return;
  vireo_xml_set_prop (ensure_ordered (root (self), "bridge", network_order), "stp", stp ? "on" : "off");
}

guint
vireo_network_config_get_delay (VireoNetworkConfig *self)
{
  g_autofree char *delay = NULL;
  guint value = 0;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), 0);

  delay = vireo_xml_get_child_prop (root (self), "bridge", "delay");
  parse_uint (delay, &value);
  return value;
}

void
vireo_network_config_set_delay (VireoNetworkConfig *self,
                                guint               delay)
{
  xmlNodePtr bridge;
  g_autofree char *text = NULL;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  if (vireo_network_config_get_delay (self) == delay)
    return;
  bridge = ensure_ordered (root (self), "bridge", network_order);
  text = g_strdup_printf ("%u", delay);
  vireo_xml_set_prop (bridge, "delay", text);
}

/**
 * vireo_network_config_get_mtu:
 *
 * Returns: the bridge's MTU, 0 for the default (1500)
 */
guint
vireo_network_config_get_mtu (VireoNetworkConfig *self)
{
  g_autofree char *size = NULL;
  guint value = 0;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), 0);

  size = vireo_xml_get_child_prop (root (self), "mtu", "size");
  parse_uint (size, &value);
  return value;
}

void
vireo_network_config_set_mtu (VireoNetworkConfig *self,
                              guint               mtu)
{
  xmlNodePtr net;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  net = root (self);
  if (mtu == 0)
    {
      vireo_xml_remove (vireo_xml_child (net, "mtu"));
      return;
    }
  set_uint_prop (ensure_ordered (net, "mtu", network_order), "size", mtu);
}

char *
vireo_network_config_dup_mac (VireoNetworkConfig *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);
  return vireo_xml_get_child_prop (root (self), "mac", "address");
}

/**
 * vireo_network_config_set_mac:
 * @mac: (nullable): the bridge's MAC address; %NULL lets libvirt choose
 */
void
vireo_network_config_set_mac (VireoNetworkConfig *self,
                              const char         *mac)
{
  xmlNodePtr net;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  net = root (self);
  if (mac == NULL || *mac == '\0')
    {
      vireo_xml_remove (vireo_xml_child (net, "mac"));
      return;
    }
  set_prop_if_changed (ensure_ordered (net, "mac", network_order), "address", mac);
}

/**
 * vireo_network_config_dup_domain_name:
 * @local_only: (out) (optional): whether names in the domain are never
 *   forwarded to the host's resolver
 *
 * Returns: (transfer full) (nullable): the DNS domain of the network
 */
char *
vireo_network_config_dup_domain_name (VireoNetworkConfig *self,
                                      gboolean           *local_only)
{
  xmlNodePtr domain;
  g_autofree char *local = NULL;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);

  domain = vireo_xml_child (root (self), "domain");
  local = vireo_xml_get_prop (domain, "localOnly");
  if (local_only != NULL)
    *local_only = g_strcmp0 (local, "yes") == 0;
  return vireo_xml_get_prop (domain, "name");
}

void
vireo_network_config_set_domain_name (VireoNetworkConfig *self,
                                      const char         *name,
                                      gboolean            local_only)
{
  xmlNodePtr domain;
  gboolean old_local = FALSE;
  g_autofree char *old = NULL;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  if (name == NULL || *name == '\0')
    {
      vireo_xml_remove (vireo_xml_child (root (self), "domain"));
      return;
    }
  old = vireo_network_config_dup_domain_name (self, &old_local);
  domain = ensure_ordered (root (self), "domain", network_order);
  set_prop_if_changed (domain, "name", name);
  if (old == NULL || old_local != !!local_only)
    vireo_xml_set_prop (domain, "localOnly", local_only ? "yes" : NULL);
}

/* ------------------------------------------------------------------------ */
/* Lists of child elements                                                   */

/* How well @node stands for @item: 2 by its key (a host's MAC), 1 by a
 * weaker hint (its address), 0 not at all. */
typedef int  (*MatchFunc) (xmlNodePtr node, gconstpointer item);
typedef void (*ApplyFunc) (xmlNodePtr node, gconstpointer item);

/*
 * Makes @parent's @name children say what @items say: an element that
 * matches an item is updated in place (its other attributes and children
 * kept), the rest are removed, items without one get a new element where
 * libvirt would write it.
 */
static void
sync_children (xmlNodePtr          parent,
               const char         *name,
               GPtrArray          *items,
               MatchFunc           match,
               ApplyFunc           apply,
               const char * const *order)
{
  guint n_items = items != NULL ? items->len : 0;
  g_autofree xmlNodePtr *chosen = g_new0 (xmlNodePtr, n_items + 1);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

  for (xmlNodePtr n = vireo_xml_child (parent, name); n != NULL; n = vireo_xml_next_sibling (n, name))
    g_ptr_array_add (nodes, n);

  for (int score = 2; score >= 1; score--)
    for (guint i = 0; i < nodes->len; i++)
      {
        xmlNodePtr node = g_ptr_array_index (nodes, i);

        if (node == NULL)
          continue;
        for (guint j = 0; j < n_items; j++)
          if (chosen[j] == NULL && match (node, g_ptr_array_index (items, j)) >= score)
            {
              chosen[j] = node;
              g_ptr_array_index (nodes, i) = NULL;
              break;
            }
      }

  for (guint i = 0; i < nodes->len; i++)
    if (g_ptr_array_index (nodes, i) != NULL)
      vireo_xml_remove (g_ptr_array_index (nodes, i));

  for (guint j = 0; j < n_items; j++)
    {
      xmlNodePtr node = chosen[j];

      if (node == NULL)
        node = vireo_xml_insert_ordered (parent, xmlNewNode (NULL, BAD_CAST name), order);
      apply (node, g_ptr_array_index (items, j));
    }
}

static int
match_prop (xmlNodePtr  node,
            const char *prop,
            const char *value,
            gboolean    fold)
{
  g_autofree char *have = vireo_xml_get_prop (node, prop);

  if (value == NULL || have == NULL)
    return FALSE;
  return fold ? g_ascii_strcasecmp (have, value) == 0 : g_strcmp0 (have, value) == 0;
}

static int
match_dhcp_host (xmlNodePtr    node,
                 gconstpointer item)
{
  const VireoNetworkDhcpHost *host = item;

  if (match_prop (node, "mac", host->mac, TRUE) || match_prop (node, "id", host->id, TRUE))
    return 2;
  if (host->mac == NULL && host->id == NULL && match_prop (node, "name", host->name, FALSE))
    return 2;
  return match_prop (node, "ip", host->ip, FALSE) ? 1 : 0;
}

static void
apply_dhcp_host (xmlNodePtr    node,
                 gconstpointer item)
{
  const VireoNetworkDhcpHost *host = item;
  g_autofree char *old_mac = vireo_xml_get_prop (node, "mac");

  /* Same MAC in other letters: keep libvirt's spelling. */
  if (old_mac == NULL || host->mac == NULL || g_ascii_strcasecmp (old_mac, host->mac) != 0)
    set_prop_if_changed (node, "mac", host->mac);
  set_prop_if_changed (node, "id", host->id);
  set_prop_if_changed (node, "name", host->name);
  set_prop_if_changed (node, "ip", host->ip);
}

static int
match_dns_host (xmlNodePtr    node,
                gconstpointer item)
{
  const VireoNetworkDnsHost *host = item;

  return match_prop (node, "ip", host->ip, FALSE) ? 2 : 0;
}

static void
apply_dns_host (xmlNodePtr    node,
                gconstpointer item)
{
  const VireoNetworkDnsHost *host = item;
  const char * const *names = (const char * const *) host->hostnames;
  xmlNodePtr n;

  set_prop_if_changed (node, "ip", host->ip);
  n = vireo_xml_child (node, "hostname");
  while (n != NULL)
    {
      xmlNodePtr next = vireo_xml_next_sibling (n, "hostname");
      g_autofree char *text = vireo_xml_get_text (n);

      if (names == NULL || text == NULL || !g_strv_contains (names, text))
        vireo_xml_remove (n);
      n = next;
    }
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (n = vireo_xml_child (node, "hostname"); n != NULL && !found; n = vireo_xml_next_sibling (n, "hostname"))
        {
          g_autofree char *text = vireo_xml_get_text (n);
          found = g_strcmp0 (text, names[i]) == 0;
        }
      if (!found)
        {
          xmlNodePtr child = xmlNewNode (NULL, BAD_CAST "hostname");

          /* A host on one line (<host ip='…'><hostname>a</hostname></host>)
           * stays on one line; libvirt's own layout gets one per line. */
          vireo_xml_append_child (node, child);
          vireo_xml_set_text (child, names[i]);
        }
    }
}

static int
match_forwarder (xmlNodePtr    node,
                 gconstpointer item)
{
  const VireoNetworkForwarder *fwd = item;
  g_autofree char *addr = vireo_xml_get_prop (node, "addr");
  g_autofree char *domain = vireo_xml_get_prop (node, "domain");

  if (g_strcmp0 (addr, fwd->addr) == 0 && g_strcmp0 (domain, fwd->domain) == 0)
    return 2;
  return 0;
}

static void
apply_forwarder (xmlNodePtr    node,
                 gconstpointer item)
{
  const VireoNetworkForwarder *fwd = item;

  set_prop_if_changed (node, "domain", fwd->domain);
  set_prop_if_changed (node, "addr", fwd->addr);
}

static int
match_srv (xmlNodePtr    node,
           gconstpointer item)
{
  const VireoNetworkSrv *srv = item;
  g_autofree char *service = vireo_xml_get_prop (node, "service");
  g_autofree char *protocol = vireo_xml_get_prop (node, "protocol");
  g_autofree char *domain = vireo_xml_get_prop (node, "domain");

  if (g_strcmp0 (service, srv->service) == 0 && g_strcmp0 (protocol, srv->protocol) == 0)
    return g_strcmp0 (domain, srv->domain) == 0 ? 2 : 1;
  return 0;
}

static void
apply_srv (xmlNodePtr    node,
           gconstpointer item)
{
  const VireoNetworkSrv *srv = item;

  set_prop_if_changed (node, "service", srv->service);
  set_prop_if_changed (node, "protocol", srv->protocol);
  set_prop_if_changed (node, "domain", srv->domain);
  set_prop_if_changed (node, "target", srv->target);
  set_uint_prop (node, "port", srv->port);
  set_uint_prop (node, "priority", srv->priority);
  set_uint_prop (node, "weight", srv->weight);
}

static int
match_txt (xmlNodePtr    node,
           gconstpointer item)
{
  const VireoNetworkTxt *txt = item;

  return match_prop (node, "name", txt->name, FALSE) ? 2 : 0;
}

static void
apply_txt (xmlNodePtr    node,
           gconstpointer item)
{
  const VireoNetworkTxt *txt = item;

  set_prop_if_changed (node, "name", txt->name);
  set_prop_if_changed (node, "value", txt->value);
}

static int
match_route (xmlNodePtr    node,
             gconstpointer item)
{
  const VireoNetworkRoute *route = item;
  g_autofree char *prefix = vireo_xml_get_prop (node, "prefix");
  guint value = 0;

  if (!match_prop (node, "address", route->address, TRUE))
    return 0;
  return parse_uint (prefix, &value) && value == route->prefix ? 2 : 1;
}

static void
apply_route (xmlNodePtr    node,
             gconstpointer item)
{
  const VireoNetworkRoute *route = item;
  g_autofree char *family = vireo_xml_get_prop (node, "family");

  if (family == NULL && route->address != NULL && strchr (route->address, ':') != NULL)
    vireo_xml_set_prop (node, "family", "ipv6");
  set_prop_if_changed (node, "address", route->address);
  set_uint_prop (node, "prefix", route->prefix);
  set_prop_if_changed (node, "gateway", route->gateway);
  set_uint_prop (node, "metric", route->metric);
}

/* ------------------------------------------------------------------------ */
/* IP blocks                                                                 */

static gboolean
ip_is_ipv6 (xmlNodePtr ip)
{
  g_autofree char *family = vireo_xml_get_prop (ip, "family");
  g_autofree char *address = NULL;

  if (family != NULL)
    return g_str_equal (family, "ipv6");
  address = vireo_xml_get_prop (ip, "address");
  return address != NULL && strchr (address, ':') != NULL;
}

static xmlNodePtr
find_ip (VireoNetworkConfig *self,
         VireoNetworkFamily  family)
{
  for (xmlNodePtr n = vireo_xml_child (root (self), "ip"); n != NULL; n = vireo_xml_next_sibling (n, "ip"))
    if (ip_is_ipv6 (n) == (family == VIREO_NETWORK_FAMILY_IPV6))
      return n;
  return NULL;
}

/* The prefix an <ip> means, whether written as prefix= or netmask= (or,
 * for IPv4 without either, the address class libvirt falls back to). */
static guint
ip_prefix (xmlNodePtr ip)
{
  g_autofree char *prefix = vireo_xml_get_prop (ip, "prefix");
  g_autofree char *netmask = vireo_xml_get_prop (ip, "netmask");
  g_autofree char *address = NULL;
  guint value;
  Addr addr;
  int from_mask;

  if (parse_uint (prefix, &value))
    return value;
  from_mask = netmask_to_prefix (netmask);
  if (from_mask >= 0)
    return (guint) from_mask;
  address = vireo_xml_get_prop (ip, "address");
  if (!addr_parse (address, &addr) || addr.len != 4)
    return ip_is_ipv6 (ip) ? 64 : 0;
  return addr.bytes[0] < 128 ? 8 : addr.bytes[0] < 192 ? 16 : 24;
}

/**
 * vireo_network_config_dup_ip:
 * @family: IPv4 or IPv6
 *
 * Returns: (transfer full) (nullable): the network's first address block of
 *   @family, %NULL when it has none
 */
VireoNetworkIp *
vireo_network_config_dup_ip (VireoNetworkConfig *self,
                             VireoNetworkFamily  family)
{
  xmlNodePtr node;
  xmlNodePtr dhcp;
  g_autofree char *address = NULL;
  VireoNetworkIp *ip;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);

  node = find_ip (self, family);
  if (node == NULL)
    return NULL;
  address = vireo_xml_get_prop (node, "address");
  ip = vireo_network_ip_new (address, ip_prefix (node));
  dhcp = vireo_xml_child (node, "dhcp");
  ip->dhcp_start = vireo_xml_get_child_prop (dhcp, "range", "start");
  ip->dhcp_end = vireo_xml_get_child_prop (dhcp, "range", "end");
  for (xmlNodePtr h = vireo_xml_child (dhcp, "host"); h != NULL; h = vireo_xml_next_sibling (h, "host"))
    {
      VireoNetworkDhcpHost *host = g_new0 (VireoNetworkDhcpHost, 1);

      host->mac = vireo_xml_get_prop (h, "mac");
      host->id = vireo_xml_get_prop (h, "id");
      host->ip = vireo_xml_get_prop (h, "ip");
      host->name = vireo_xml_get_prop (h, "name");
      g_ptr_array_add (ip->hosts, host);
    }
  return ip;
}

/**
 * vireo_network_config_set_ip:
 * @ip: (nullable): the block; %NULL removes the first `<ip>` of @family
 *
 * Edits the first `<ip>` of @family in place (or adds one): a netmask that
 * still means the same prefix stays, as do `<tftp>`, `<bootp>`, other
 * ranges' absence and a host entry's unknown attributes when the entry
 * matches by MAC (or DUID), else by address. Other `<ip>` elements are
 * left alone.
 */
void
vireo_network_config_set_ip (VireoNetworkConfig   *self,
                             VireoNetworkFamily    family,
                             const VireoNetworkIp *ip)
{
  xmlNodePtr node;
  xmlNodePtr dhcp;
  xmlNodePtr range;
  GPtrArray *hosts;

  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));

  node = find_ip (self, family);
  if (ip == NULL)
    {
      vireo_xml_remove (node);
      return;
    }
  if (node == NULL)
    {
      node = vireo_xml_insert_ordered (root (self), xmlNewNode (NULL, BAD_CAST "ip"), network_order);
      if (family == VIREO_NETWORK_FAMILY_IPV6)
        vireo_xml_set_prop (node, "family", "ipv6");
    }
  set_prop_if_changed (node, "address", ip->address);
  {
    g_autofree char *prefix = vireo_xml_get_prop (node, "prefix");
    g_autofree char *netmask = vireo_xml_get_prop (node, "netmask");

    /* A netmask that still means the same prefix stays as written. */
    if ((prefix == NULL && netmask == NULL) || ip_prefix (node) != ip->prefix)
      {
        vireo_xml_set_prop (node, "netmask", NULL);
        set_uint_prop (node, "prefix", ip->prefix);
      }
  }

  dhcp = vireo_xml_child (node, "dhcp");
  hosts = ip->hosts;
  if (ip->dhcp_start != NULL && ip->dhcp_end != NULL)
    {
      if (dhcp == NULL)
        dhcp = vireo_xml_insert_ordered (node, xmlNewNode (NULL, BAD_CAST "dhcp"), ip_order);
      range = vireo_xml_child (dhcp, "range");
      if (range == NULL)
        range = vireo_xml_insert_ordered (dhcp, xmlNewNode (NULL, BAD_CAST "range"), dhcp_order);
      set_prop_if_changed (range, "start", ip->dhcp_start);
      set_prop_if_changed (range, "end", ip->dhcp_end);
    }
  else
    vireo_xml_remove (vireo_xml_child (dhcp, "range"));

  if (dhcp == NULL && hosts != NULL && hosts->len > 0)
    dhcp = vireo_xml_insert_ordered (node, xmlNewNode (NULL, BAD_CAST "dhcp"), ip_order);
  if (dhcp != NULL)
    {
      sync_children (dhcp, "host", hosts, match_dhcp_host, apply_dhcp_host, dhcp_order);
      remove_if_empty (dhcp);
    }
}

/**
 * vireo_network_config_dup_dhcp_host_xml:
 * @mac_or_id: the entry's MAC (IPv4) or DUID (IPv6), or its name
 *
 * Returns: (transfer full) (nullable): the entry as it stands in the
 *   document (unknown attributes included), for virNetworkUpdate's
 *   modify and delete
 */
char *
vireo_network_config_dup_dhcp_host_xml (VireoNetworkConfig *self,
                                        VireoNetworkFamily  family,
                                        const char         *mac_or_id)
{
  xmlNodePtr dhcp;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);
  g_return_val_if_fail (mac_or_id != NULL, NULL);

  dhcp = vireo_xml_child (find_ip (self, family), "dhcp");
  for (xmlNodePtr h = vireo_xml_child (dhcp, "host"); h != NULL; h = vireo_xml_next_sibling (h, "host"))
    if (match_prop (h, "mac", mac_or_id, TRUE) || match_prop (h, "id", mac_or_id, TRUE)
        || match_prop (h, "name", mac_or_id, FALSE))
      return vireo_xml_node_to_string (h);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* DNS and routes                                                            */

static xmlNodePtr
dns (VireoNetworkConfig *self)
{
  return vireo_xml_child (root (self), "dns");
}

static void
set_dns_list (VireoNetworkConfig *self,
              const char         *name,
              GPtrArray          *items,
              MatchFunc           match,
              ApplyFunc           apply)
{
  xmlNodePtr node = dns (self);

  if (node == NULL && (items == NULL || items->len == 0))
    return;
  if (node == NULL)
    node = ensure_ordered (root (self), "dns", network_order);
  sync_children (node, name, items, match, apply, dns_order);
  remove_if_empty (node);
}

/**
 * vireo_network_config_dup_dns_hosts:
 *
 * Returns: (transfer container) (element-type VireoNetworkDnsHost): the
 *   names the network's DNS answers for
 */
GPtrArray *
vireo_network_config_dup_dns_hosts (VireoNetworkConfig *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_dns_host_free);

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), list);

  for (xmlNodePtr h = vireo_xml_child (dns (self), "host"); h != NULL; h = vireo_xml_next_sibling (h, "host"))
    {
      g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
      VireoNetworkDnsHost *host = g_new0 (VireoNetworkDnsHost, 1);

      host->ip = vireo_xml_get_prop (h, "ip");
      for (xmlNodePtr n = vireo_xml_child (h, "hostname"); n != NULL; n = vireo_xml_next_sibling (n, "hostname"))
        {
          g_autofree char *text = vireo_xml_get_text (n);
          if (text != NULL)
            g_strv_builder_add (names, text);
        }
      host->hostnames = g_strv_builder_end (names);
      g_ptr_array_add (list, host);
    }
  return list;
}

/**
 * vireo_network_config_set_dns_hosts:
 * @hosts: (element-type VireoNetworkDnsHost) (nullable): the entries
 *
 * An entry with the same address as one in the document is edited in
 * place.
 */
void
vireo_network_config_set_dns_hosts (VireoNetworkConfig *self,
                                    GPtrArray          *hosts)
{
  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));
  set_dns_list (self, "host", hosts, match_dns_host, apply_dns_host);
}

/**
 * vireo_network_config_dup_forwarders:
 *
 * Returns: (transfer container) (element-type VireoNetworkForwarder)
 */
GPtrArray *
vireo_network_config_dup_forwarders (VireoNetworkConfig *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_forwarder_free);

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), list);

  for (xmlNodePtr n = vireo_xml_child (dns (self), "forwarder"); n != NULL; n = vireo_xml_next_sibling (n, "forwarder"))
    {
      VireoNetworkForwarder *fwd = g_new0 (VireoNetworkForwarder, 1);

      fwd->addr = vireo_xml_get_prop (n, "addr");
      fwd->domain = vireo_xml_get_prop (n, "domain");
      g_ptr_array_add (list, fwd);
    }
  return list;
}

void
vireo_network_config_set_forwarders (VireoNetworkConfig *self,
                                     GPtrArray          *forwarders)
{
  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));
  set_dns_list (self, "forwarder", forwarders, match_forwarder, apply_forwarder);
}

/**
 * vireo_network_config_dup_srvs:
 *
 * Returns: (transfer container) (element-type VireoNetworkSrv)
 */
GPtrArray *
vireo_network_config_dup_srvs (VireoNetworkConfig *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_srv_free);

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), list);

  for (xmlNodePtr n = vireo_xml_child (dns (self), "srv"); n != NULL; n = vireo_xml_next_sibling (n, "srv"))
    {
      VireoNetworkSrv *srv = g_new0 (VireoNetworkSrv, 1);
      g_autofree char *port = vireo_xml_get_prop (n, "port");
      g_autofree char *priority = vireo_xml_get_prop (n, "priority");
      g_autofree char *weight = vireo_xml_get_prop (n, "weight");

      srv->service = vireo_xml_get_prop (n, "service");
      srv->protocol = vireo_xml_get_prop (n, "protocol");
      srv->domain = vireo_xml_get_prop (n, "domain");
      srv->target = vireo_xml_get_prop (n, "target");
      parse_uint (port, &srv->port);
      parse_uint (priority, &srv->priority);
      parse_uint (weight, &srv->weight);
      g_ptr_array_add (list, srv);
    }
  return list;
}

void
vireo_network_config_set_srvs (VireoNetworkConfig *self,
                               GPtrArray          *srvs)
{
  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));
  set_dns_list (self, "srv", srvs, match_srv, apply_srv);
}

/**
 * vireo_network_config_dup_txts:
 *
 * Returns: (transfer container) (element-type VireoNetworkTxt)
 */
GPtrArray *
vireo_network_config_dup_txts (VireoNetworkConfig *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_txt_free);

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), list);

  for (xmlNodePtr n = vireo_xml_child (dns (self), "txt"); n != NULL; n = vireo_xml_next_sibling (n, "txt"))
    {
      VireoNetworkTxt *txt = g_new0 (VireoNetworkTxt, 1);

      txt->name = vireo_xml_get_prop (n, "name");
      txt->value = vireo_xml_get_prop (n, "value");
      g_ptr_array_add (list, txt);
    }
  return list;
}

void
vireo_network_config_set_txts (VireoNetworkConfig *self,
                               GPtrArray          *txts)
{
  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));
  set_dns_list (self, "txt", txts, match_txt, apply_txt);
}

/**
 * vireo_network_config_dup_routes:
 *
 * Returns: (transfer container) (element-type VireoNetworkRoute)
 */
GPtrArray *
vireo_network_config_dup_routes (VireoNetworkConfig *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_route_free);

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), list);

  for (xmlNodePtr n = vireo_xml_child (root (self), "route"); n != NULL; n = vireo_xml_next_sibling (n, "route"))
    {
      VireoNetworkRoute *route = g_new0 (VireoNetworkRoute, 1);

      route->address = vireo_xml_get_prop (n, "address");
      route->gateway = vireo_xml_get_prop (n, "gateway");
      route->prefix = ip_prefix (n);
      {
        g_autofree char *metric = vireo_xml_get_prop (n, "metric");
        parse_uint (metric, &route->metric);
      }
      g_ptr_array_add (list, route);
    }
  return list;
}

void
vireo_network_config_set_routes (VireoNetworkConfig *self,
                                 GPtrArray          *routes)
{
  g_return_if_fail (VIREO_IS_NETWORK_CONFIG (self));
  sync_children (root (self), "route", routes, match_route, apply_route, network_order);
}

/* ------------------------------------------------------------------------ */
/* Subnets and validation                                                    */

/**
 * vireo_network_config_dup_subnets:
 *
 * Returns: (transfer full): every subnet of the network as
 *   "NAME=a.b.c.d/prefix" (IPv6 too), for another network's overlap check
 */
GStrv
vireo_network_config_dup_subnets (VireoNetworkConfig *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *name = NULL;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), NULL);

  name = vireo_network_config_dup_name (self);
  for (xmlNodePtr n = vireo_xml_child (root (self), "ip"); n != NULL; n = vireo_xml_next_sibling (n, "ip"))
    {
      g_autofree char *address = vireo_xml_get_prop (n, "address");
      g_autofree char *subnet = NULL;
      Addr addr;

      if (!addr_parse (address, &addr))
        continue;
      subnet = subnet_to_string (&addr, MIN (ip_prefix (n), addr.len * 8));
      {
        g_autofree char *entry = g_strdup_printf ("%s=%s", name ? name : "", subnet);
        g_strv_builder_add (builder, entry);
      }
    }
  return g_strv_builder_end (builder);
}

typedef struct
{
  char  *name;  /* (nullable) */
  Addr   addr;
  guint  prefix;
} Subnet;

static gboolean
subnet_parse (const char *text,
              Subnet     *out)
{
  const char *eq = strchr (text, '=');
  const char *spec = eq != NULL ? eq + 1 : text;
  const char *slash = strrchr (spec, '/');
  g_autofree char *address = NULL;

  memset (out, 0, sizeof *out);
  if (slash == NULL || !parse_uint (slash + 1, &out->prefix))
    return FALSE;
  address = g_strndup (spec, slash - spec);
  if (!addr_parse (address, &out->addr) || out->prefix > out->addr.len * 8)
    return FALSE;
  out->name = eq != NULL ? g_strndup (text, eq - text) : NULL;
  return TRUE;
}

static gboolean
subnets_overlap (const Addr *a,
                 guint       prefix_a,
                 const Addr *b,
                 guint       prefix_b)
{
  if (a->len != b->len)
    return FALSE;
  return addr_in_subnet (a, b, MIN (prefix_a, prefix_b));
}

/**
 * vireo_network_config_choose_ipv4_subnet:
 * @other_subnets: (nullable): the host's other networks, as
 *   vireo_network_config_dup_subnets() gives them
 *
 * Gives the network the first 192.168.N.0/24 (N from 100) that no other
 * network uses: address .1, DHCP .2–.254; static host entries are kept.
 *
 * Returns: %FALSE when every candidate is taken (nothing changed)
 */
gboolean
vireo_network_config_choose_ipv4_subnet (VireoNetworkConfig *self,
                                         const char * const *other_subnets)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), FALSE);

  for (guint third = 100; third < 255; third++)
    {
      g_autofree char *address = g_strdup_printf ("192.168.%u.1", third);
      g_autoptr(VireoNetworkIp) ip = NULL;
      gboolean taken = FALSE;
      Addr addr;

      addr_parse (address, &addr);
      for (guint i = 0; other_subnets != NULL && other_subnets[i] != NULL && !taken; i++)
        {
          Subnet other;

          if (subnet_parse (other_subnets[i], &other))
            {
              taken = subnets_overlap (&addr, 24, &other.addr, other.prefix);
              g_free (other.name);
            }
        }
      if (taken)
        continue;
      ip = vireo_network_config_dup_ip (self, VIREO_NETWORK_FAMILY_IPV4);
      if (ip == NULL)
        ip = vireo_network_ip_new (NULL, 24);
      g_free (ip->address);
      ip->address = g_steal_pointer (&address);
      ip->prefix = 24;
      g_free (ip->dhcp_start);
      g_free (ip->dhcp_end);
      ip->dhcp_start = g_strdup_printf ("192.168.%u.2", third);
      ip->dhcp_end = g_strdup_printf ("192.168.%u.254", third);
      vireo_network_config_set_ip (self, VIREO_NETWORK_FAMILY_IPV4, ip);
      return TRUE;
    }
  return FALSE;
}

static gboolean
fail (GError                 **error,
      VireoNetworkConfigError  code,
      const char              *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError                 **error,
      VireoNetworkConfigError  code,
      const char              *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (VIREO_NETWORK_CONFIG_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.';
}

static gboolean
validate_name (const char  *name,
               GError     **error)
{
  if (name == NULL || *name == '\0')
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_NAME, _("The network needs a name"));
  if (strlen (name) > 64)
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_NAME, _("The name is longer than 64 characters"));
  if (g_str_equal (name, ".") || g_str_equal (name, ".."))
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_NAME, _("“%s” cannot be a network's name"), name);
  for (const char *p = name; *p != '\0'; p++)
    if (!is_name_char (*p))
      return fail (error, VIREO_NETWORK_CONFIG_ERROR_NAME,
                   _("The name may only have letters, digits, “-”, “_” and “.” (not “%c”)"),
                   g_ascii_isprint (*p) ? *p : '?');
  return TRUE;
}

static gboolean
validate_bridge (VireoNetworkConfig *self,
                 VireoNetworkMode    mode,
                 GError            **error)
{
  g_autofree char *name = vireo_network_config_dup_bridge_name (self);
  guint delay = vireo_network_config_get_delay (self);

  if (mode == VIREO_NETWORK_MODE_BRIDGE && (name == NULL || *name == '\0'))
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_BRIDGE,
                 _("Choose the host bridge the machines join"));
  if (name != NULL)
    {
      /* Linux interface names: IFNAMSIZ is 16 with the final NUL. */
      if (strlen (name) > 15)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_BRIDGE,
                     _("The bridge name “%s” is longer than 15 characters"), name);
      if (*name == '\0' || g_str_equal (name, ".") || g_str_equal (name, ".."))
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_BRIDGE, _("“%s” cannot be a bridge name"), name);
      for (const char *p = name; *p != '\0'; p++)
        if (!is_name_char (*p) && *p != '%')
          return fail (error, VIREO_NETWORK_CONFIG_ERROR_BRIDGE,
                       _("The bridge name may only have letters, digits, “-”, “_” and “.”"));
    }
  /* The kernel's STP forward delay is 2–30 s; 0 means "no delay" to
   * libvirt, which sets the bridge's delay to the minimum. */
  if (delay > 30)
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_DELAY,
                 _("The forward delay is %u seconds; the most a bridge takes is 30"), delay);
  return TRUE;
}

static gboolean
validate_mac (const char  *mac,
              GError     **error)
{
  guint8 bytes[6];
  static const guint8 zero[6] = { 0 };

  if (mac == NULL)
    return TRUE;
  if (!mac_parse (mac, bytes))
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_MAC,
                 _("“%s” is not a MAC address (six pairs of hex digits, like 52:54:00:12:34:56)"), mac);
  if (bytes[0] & 1)
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_MAC,
                 _("%s is a multicast address; the first byte must be even"), mac);
  if (memcmp (bytes, zero, 6) == 0)
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_MAC, _("00:00:00:00:00:00 is not a usable MAC address"));
  return TRUE;
}

static gboolean
is_hostname (const char *name,
             gboolean    allow_dots)
{
  gsize len;

  if (name == NULL || *name == '\0' || (len = strlen (name)) > 253)
    return FALSE;
  if (name[0] == '-' || name[0] == '.' || name[len - 1] == '-' || name[len - 1] == '.')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '-' || (allow_dots && *p == '.')))
      return FALSE;
  return strstr (name, "..") == NULL;
}

typedef struct
{
  VireoNetworkConfigError address, prefix, range, host;
} FamilyCodes;

static const FamilyCodes ipv4_codes = {
  VIREO_NETWORK_CONFIG_ERROR_ADDRESS, VIREO_NETWORK_CONFIG_ERROR_PREFIX,
  VIREO_NETWORK_CONFIG_ERROR_DHCP_RANGE, VIREO_NETWORK_CONFIG_ERROR_DHCP_HOST,
};
static const FamilyCodes ipv6_codes = {
  VIREO_NETWORK_CONFIG_ERROR_IPV6_ADDRESS, VIREO_NETWORK_CONFIG_ERROR_IPV6_PREFIX,
  VIREO_NETWORK_CONFIG_ERROR_IPV6_DHCP_RANGE, VIREO_NETWORK_CONFIG_ERROR_IPV6_DHCP_HOST,
};

/* A usable address inside the subnet: not the subnet's own address and,
 * for IPv4, not its broadcast. */
static gboolean
check_inside (const char              *text,
              const Addr              *net,
              guint                    prefix,
              const char              *subnet,
              VireoNetworkConfigError  code,
              Addr                    *out,
              GError                 **error)
{
  Addr network = addr_mask (net, prefix);

  if (!addr_parse (text, out) || out->len != net->len)
    return fail (error, code, net->len == 4 ? _("“%s” is not an IPv4 address") : _("“%s” is not an IPv6 address"),
                 text ? text : "");
  if (!addr_in_subnet (out, net, prefix))
    return fail (error, code, _("%s is outside %s"), text, subnet);
  if (addr_equal (out, &network))
    return fail (error, code, _("%s is the address of the subnet %s itself, which no machine can use"), text, subnet);
  if (out->len == 4 && addr_host_all_ones (out, prefix))
    return fail (error, code, _("%s is the broadcast address of %s, which no machine can use"), text, subnet);
  return TRUE;
}

/*
 * Prefix sizes: IPv4 8–30. Under /8 a network would swallow whole
 * public address blocks, and /31 and /32 leave no address for a guest
 * beside the host's own (libvirt gives the bridge one). IPv6 8–126 in
 * general, but exactly /64 with DHCP: libvirt refuses DHCPv6 ranges on
 * any other prefix (dnsmasq's router advertisements need /64).
 */
static gboolean
validate_ip (const VireoNetworkIp *ip,
             VireoNetworkFamily    family,
             GError              **error)
{
  const FamilyCodes *codes = family == VIREO_NETWORK_FAMILY_IPV4 ? &ipv4_codes : &ipv6_codes;
  gboolean v4 = family == VIREO_NETWORK_FAMILY_IPV4;
  g_autoptr(GHashTable) macs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) ips = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *subnet = NULL;
  Addr addr, start, end;
  gboolean has_dhcp;

  if (!addr_parse (ip->address, &addr) || addr.len != (v4 ? 4u : 16u))
    return fail (error, codes->address,
                 v4 ? _("“%s” is not an IPv4 address") : _("“%s” is not an IPv6 address"),
                 ip->address ? ip->address : "");
  has_dhcp = ip->dhcp_start != NULL || ip->dhcp_end != NULL || (ip->hosts != NULL && ip->hosts->len > 0);
  if (v4 && (ip->prefix < 8 || ip->prefix > 30))
    return fail (error, codes->prefix,
                 _("The prefix /%u does not fit a network of machines: use 8 to 30 (24 is usual)"), ip->prefix);
  if (!v4 && (ip->prefix < 8 || ip->prefix > 126))
    return fail (error, codes->prefix, _("The prefix /%u does not fit a network of machines: use 64"), ip->prefix);
  if (!v4 && has_dhcp && ip->prefix != 64)
    return fail (error, codes->prefix, _("DHCP for IPv6 needs the prefix /64, not /%u"), ip->prefix);

  subnet = subnet_to_string (&addr, ip->prefix);
  if (!check_inside (ip->address, &addr, ip->prefix, subnet, codes->address, &addr, error))
    return FALSE;

  if ((ip->dhcp_start == NULL) != (ip->dhcp_end == NULL))
    return fail (error, codes->range, _("The DHCP range needs both a start and an end"));
  if (ip->dhcp_start != NULL)
    {
      if (!check_inside (ip->dhcp_start, &addr, ip->prefix, subnet, codes->range, &start, error)
          || !check_inside (ip->dhcp_end, &addr, ip->prefix, subnet, codes->range, &end, error))
        return FALSE;
      if (addr_compare (&end, &start) < 0)
        return fail (error, codes->range, _("The DHCP range end %s comes before its start %s"),
                     ip->dhcp_end, ip->dhcp_start);
    }

  for (guint i = 0; ip->hosts != NULL && i < ip->hosts->len; i++)
    {
      const VireoNetworkDhcpHost *host = g_ptr_array_index (ip->hosts, i);
      g_autofree char *ip_key = NULL;
      Addr host_addr;

      if (v4 && host->mac == NULL && host->name == NULL)
        return fail (error, codes->host, _("A static host entry needs a MAC address or a name"));
      if (!v4 && host->id == NULL && host->name == NULL)
        return fail (error, codes->host, _("An IPv6 static host entry needs a DUID or a name"));
      if (host->ip == NULL)
        return fail (error, codes->host, _("The static host entry %s needs an address"),
                     host->mac ? host->mac : host->id ? host->id : host->name);
      if (!check_inside (host->ip, &addr, ip->prefix, subnet, codes->host, &host_addr, error))
        return FALSE;
      if (addr_equal (&host_addr, &addr))
        return fail (error, codes->host, _("%s is the network's own address"), host->ip);
      if (host->mac != NULL)
        {
          guint8 bytes[6];

          if (!mac_parse (host->mac, bytes))
            return fail (error, codes->host, _("“%s” is not a MAC address"), host->mac);
          if (!g_hash_table_add (macs, g_ascii_strdown (host->mac, -1)))
            return fail (error, codes->host, _("The MAC address %s has two entries"), host->mac);
        }
      ip_key = addr_to_string (&host_addr);
      if (!g_hash_table_add (ips, g_steal_pointer (&ip_key)))
        return fail (error, codes->host, _("The address %s is given to two hosts"), host->ip);
      if (host->name != NULL && !is_hostname (host->name, TRUE))
        return fail (error, codes->host, _("“%s” is not a host name"), host->name);
    }
  return TRUE;
}

static gboolean
validate_overlap (VireoNetworkConfig *self,
                  const char * const *other_subnets,
                  GError            **error)
{
  g_auto(GStrv) mine = vireo_network_config_dup_subnets (self);

  for (guint i = 0; mine[i] != NULL; i++)
    {
      Subnet subnet;

      if (!subnet_parse (mine[i], &subnet))
        continue;
      g_free (subnet.name);
      for (guint j = 0; other_subnets != NULL && other_subnets[j] != NULL; j++)
        {
          Subnet other;
          gboolean overlap;

          if (!subnet_parse (other_subnets[j], &other))
            continue;
          overlap = subnets_overlap (&subnet.addr, subnet.prefix, &other.addr, other.prefix);
          if (overlap)
            {
              g_autofree char *a = subnet_to_string (&subnet.addr, subnet.prefix);
              g_autofree char *b = subnet_to_string (&other.addr, other.prefix);

              if (other.name != NULL && *other.name != '\0')
                fail (error, VIREO_NETWORK_CONFIG_ERROR_OVERLAP,
                      _("%s overlaps the network %s (%s)"), a, other.name, b);
              else
                fail (error, VIREO_NETWORK_CONFIG_ERROR_OVERLAP, _("%s overlaps %s, which the host already uses"), a, b);
              g_free (other.name);
              return FALSE;
            }
          g_free (other.name);
        }
    }
  return TRUE;
}

static gboolean
validate_dns (VireoNetworkConfig *self,
              GError            **error)
{
  g_autoptr(GPtrArray) hosts = vireo_network_config_dup_dns_hosts (self);
  g_autoptr(GPtrArray) forwarders = vireo_network_config_dup_forwarders (self);
  g_autoptr(GPtrArray) srvs = vireo_network_config_dup_srvs (self);
  g_autoptr(GPtrArray) txts = vireo_network_config_dup_txts (self);
  g_autofree char *domain = vireo_network_config_dup_domain_name (self, NULL);

  if (domain != NULL && !is_hostname (domain, TRUE))
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_DOMAIN_NAME, _("“%s” is not a DNS domain name"), domain);

  for (guint i = 0; i < hosts->len; i++)
    {
      const VireoNetworkDnsHost *host = g_ptr_array_index (hosts, i);
      Addr addr;

      if (!addr_parse (host->ip, &addr))
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_DNS_HOST, _("“%s” is not an IP address"),
                     host->ip ? host->ip : "");
      if (host->hostnames == NULL || host->hostnames[0] == NULL)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_DNS_HOST, _("The DNS entry for %s needs a host name"), host->ip);
      for (guint j = 0; host->hostnames[j] != NULL; j++)
        if (!is_hostname (host->hostnames[j], TRUE))
          return fail (error, VIREO_NETWORK_CONFIG_ERROR_DNS_HOST, _("“%s” is not a host name"), host->hostnames[j]);
    }

  for (guint i = 0; i < forwarders->len; i++)
    {
      const VireoNetworkForwarder *fwd = g_ptr_array_index (forwarders, i);
      Addr addr;

      if (fwd->addr == NULL && fwd->domain == NULL)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_FORWARDER, _("A forwarder needs an address, a domain or both"));
      if (fwd->addr != NULL && !addr_parse (fwd->addr, &addr))
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_FORWARDER, _("“%s” is not an IP address"), fwd->addr);
      if (fwd->domain != NULL && !is_hostname (fwd->domain, TRUE))
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_FORWARDER, _("“%s” is not a DNS domain name"), fwd->domain);
    }

  for (guint i = 0; i < srvs->len; i++)
    {
      const VireoNetworkSrv *srv = g_ptr_array_index (srvs, i);

      /* libvirt's limits: a service name of up to 15 characters. */
      if (srv->service == NULL || !is_hostname (srv->service, FALSE) || strlen (srv->service) > 15)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_SRV,
                     _("An SRV record needs a service name of up to 15 letters, digits or “-”"));
      if (g_strcmp0 (srv->protocol, "tcp") != 0 && g_strcmp0 (srv->protocol, "udp") != 0)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_SRV, _("The SRV record %s needs the protocol tcp or udp"),
                     srv->service);
      if (srv->port > 65535)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_SRV, _("The port %u is beyond 65535"), srv->port);
      if (srv->target != NULL && !is_hostname (srv->target, TRUE))
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_SRV, _("“%s” is not a host name"), srv->target);
      if (srv->domain != NULL && !is_hostname (srv->domain, TRUE))
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_SRV, _("“%s” is not a DNS domain name"), srv->domain);
      if (srv->priority > 65535 || srv->weight > 65535)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_SRV, _("Priority and weight go up to 65535"));
    }

  for (guint i = 0; i < txts->len; i++)
    {
      const VireoNetworkTxt *txt = g_ptr_array_index (txts, i);

      if (txt->name == NULL || !is_hostname (txt->name, TRUE))
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_TXT,
                     _("A TXT record needs a name of letters, digits, “-” and “.”"));
      if (txt->value == NULL || *txt->value == '\0')
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_TXT, _("The TXT record %s needs a value"), txt->name);
    }
  return TRUE;
}

static gboolean
validate_routes (VireoNetworkConfig *self,
                 const VireoNetworkIp *v4,
                 const VireoNetworkIp *v6,
                 GError            **error)
{
  g_autoptr(GPtrArray) routes = vireo_network_config_dup_routes (self);

  for (guint i = 0; i < routes->len; i++)
    {
      const VireoNetworkRoute *route = g_ptr_array_index (routes, i);
      const VireoNetworkIp *on;
      Addr addr, gateway, net, masked;
      g_autofree char *subnet = NULL;

      if (!addr_parse (route->address, &addr))
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_ROUTE, _("“%s” is not an IP address"),
                     route->address ? route->address : "");
      if (route->prefix > addr.len * 8)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_ROUTE, _("The prefix /%u is too long for %s"),
                     route->prefix, route->address);
      masked = addr_mask (&addr, route->prefix);
      if (!addr_equal (&masked, &addr))
        {
          g_autofree char *right = subnet_to_string (&addr, route->prefix);
          return fail (error, VIREO_NETWORK_CONFIG_ERROR_ROUTE,
                       _("%s/%u is not the start of a subnet: did you mean %s?"), route->address, route->prefix, right);
        }
      if (!addr_parse (route->gateway, &gateway) || gateway.len != addr.len)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_ROUTE, _("The route to %s needs a gateway of the same family"),
                     route->address);
      /* The kernel only routes through a gateway it can reach directly. */
      on = addr.len == 4 ? v4 : v6;
      if (on == NULL || !addr_parse (on->address, &net))
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_ROUTE,
                     _("The route's gateway %s must be on this network, which has no such addresses"), route->gateway);
      subnet = subnet_to_string (&net, on->prefix);
      if (!addr_in_subnet (&gateway, &net, on->prefix))
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_ROUTE, _("%s is outside %s: the gateway must be on this network"),
                     route->gateway, subnet);
    }
  return TRUE;
}

static gboolean
validate_nat (VireoNetworkConfig *self,
              GError            **error)
{
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  guint port_start, port_end;
  Addr a, b;

  if (vireo_network_config_get_nat_range (self, &start, &end))
    {
      if (!addr_parse (start, &a) || a.len != 4)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_NAT_RANGE, _("“%s” is not an IPv4 address"), start ? start : "");
      if (!addr_parse (end, &b) || b.len != 4)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_NAT_RANGE, _("“%s” is not an IPv4 address"), end ? end : "");
      if (addr_compare (&b, &a) < 0)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_NAT_RANGE, _("The NAT range end %s comes before its start %s"),
                     end, start);
    }
  if (vireo_network_config_get_nat_ports (self, &port_start, &port_end))
    {
      if (port_start == 0 || port_end == 0 || port_start > 65535 || port_end > 65535)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_NAT_PORTS, _("NAT ports go from 1 to 65535"));
      if (port_end < port_start)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_NAT_PORTS, _("The NAT port range end %u comes before its start %u"),
                     port_end, port_start);
    }
  return TRUE;
}

/**
 * vireo_network_config_validate:
 * @other_subnets: (nullable): the subnets of the host's *other* networks,
 *   "NAME=a.b.c.d/prefix" or just "a.b.c.d/prefix" (leave the network
 *   being edited out)
 *
 * Checks what libvirt would refuse, or accept and then fail to start, and
 * a few things that can only be mistakes. The error's code names the field
 * at fault and its message says why in plain words.
 *
 * Returns: %TRUE when the network looks right
 */
gboolean
vireo_network_config_validate (VireoNetworkConfig *self,
                               const char * const *other_subnets,
                               GError            **error)
{
  VireoNetworkMode mode;
  g_autofree char *name = NULL;
  g_autofree char *mac = NULL;
  g_autoptr(VireoNetworkIp) v4 = NULL;
  g_autoptr(VireoNetworkIp) v6 = NULL;
  guint mtu;

  g_return_val_if_fail (VIREO_IS_NETWORK_CONFIG (self), FALSE);

  mode = vireo_network_config_get_mode (self);
  name = vireo_network_config_dup_name (self);
  if (!validate_name (name, error))
    return FALSE;

  if (mode == VIREO_NETWORK_MODE_MACVTAP)
    {
      g_auto(GStrv) devs = vireo_network_config_dup_interfaces (self);

      if (devs[0] == NULL)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_INTERFACES,
                     _("Choose at least one host interface for the machines to use"));
    }
  if (mode == VIREO_NETWORK_MODE_HOSTDEV)
    {
      g_autofree char *pf = vireo_network_config_dup_hostdev_pf (self);

      if (pf == NULL && vireo_xml_child (forward (self), "address") == NULL)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_FORWARD_DEV,
                     _("Choose the SR-IOV card whose virtual functions the machines get"));
    }
  if (!validate_bridge (self, mode, error))
    return FALSE;

  mtu = vireo_network_config_get_mtu (self);
  if (mtu != 0 && (mtu < 68 || mtu > 65535))
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_MTU, _("The MTU %u is outside 68 to 65535 (1500 is usual)"), mtu);

  mac = vireo_network_config_dup_mac (self);
  if (!validate_mac (mac, error))
    return FALSE;

  v4 = vireo_network_config_dup_ip (self, VIREO_NETWORK_FAMILY_IPV4);
  v6 = vireo_network_config_dup_ip (self, VIREO_NETWORK_FAMILY_IPV6);
  if (v4 != NULL)
    {
      g_autofree char *netmask = vireo_xml_get_prop (find_ip (self, VIREO_NETWORK_FAMILY_IPV4), "netmask");

      /* The prefix read from a bad netmask would be a guess. */
      if (netmask != NULL && netmask_to_prefix (netmask) < 0)
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_PREFIX, _("“%s” is not a netmask"), netmask);
    }
  if (mode >= VIREO_NETWORK_MODE_BRIDGE && (v4 != NULL || v6 != NULL))
    return fail (error, v4 != NULL ? VIREO_NETWORK_CONFIG_ERROR_ADDRESS : VIREO_NETWORK_CONFIG_ERROR_IPV6_ADDRESS,
                 _("This kind of network takes its addresses from the host's LAN: remove its own"));
  if ((mode == VIREO_NETWORK_MODE_ROUTE || mode == VIREO_NETWORK_MODE_NAT || mode == VIREO_NETWORK_MODE_OPEN)
      && v4 == NULL && v6 == NULL)
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_ADDRESS,
                 _("A %s network needs an address for the host on it"), vireo_network_mode_get_label (mode));
  if (v4 != NULL && !validate_ip (v4, VIREO_NETWORK_FAMILY_IPV4, error))
    return FALSE;
  if (v6 != NULL && !validate_ip (v6, VIREO_NETWORK_FAMILY_IPV6, error))
    return FALSE;
  if (v6 != NULL && mtu != 0 && mtu < 1280)
    return fail (error, VIREO_NETWORK_CONFIG_ERROR_MTU, _("IPv6 needs an MTU of at least 1280"));
  if (!validate_overlap (self, other_subnets, error))
    return FALSE;

  if (forward (self) != NULL && mode <= VIREO_NETWORK_MODE_OPEN)
    {
      g_autofree char *dev = vireo_network_config_dup_forward_dev (self);

      if (dev != NULL && (*dev == '\0' || strlen (dev) > 15))
        return fail (error, VIREO_NETWORK_CONFIG_ERROR_FORWARD_DEV, _("“%s” is not a host interface name"), dev);
    }
  if (!validate_nat (self, error))
    return FALSE;
  if (!validate_dns (self, error))
    return FALSE;
  return validate_routes (self, v4, v6, error);
}

/* ------------------------------------------------------------------------ */
/* Start failures                                                            */

/**
 * vireo_network_explain_start_error:
 * @libvirt_message: what libvirt said when the network did not start
 *
 * Returns: (transfer full) (nullable): the likely fix in plain words, or
 *   %NULL when Vireo does not recognise the message
 */
char *
vireo_network_explain_start_error (const char *libvirt_message)
{
  g_autofree char *m = NULL;

  if (libvirt_message == NULL)
    return NULL;
  m = g_ascii_strdown (libvirt_message, -1);

  if (strstr (m, "dnsmasq") != NULL
      && (strstr (m, "no such file") != NULL || strstr (m, "not found") != NULL
          || strstr (m, "cannot find") != NULL || strstr (m, "failed to find") != NULL))
    return g_strdup (_("dnsmasq is missing on the host. Install it (the dnsmasq-base package on Debian and "
                       "Ubuntu), or use a network without DHCP and DNS."));
  if (strstr (m, "iptables") != NULL || strstr (m, "ip6tables") != NULL || strstr (m, "nft") != NULL
      || strstr (m, "firewall") != NULL || strstr (m, "ebtables") != NULL)
    return g_strdup (_("libvirt could not set up the firewall rules this network needs. Install iptables on "
                       "the host (or set firewall_backend in network.conf to one the host has) and restart "
                       "libvirtd; an open network needs no rules."));
  if (strstr (m, "already in use by interface") != NULL)
    return g_strdup (_("A host interface already uses this subnet. Choose another subnet for the network."));
  if (strstr (m, "address already in use") != NULL)
    return g_strdup (_("Another program already listens on this network's address, often a DNS or DHCP "
                       "server such as a system-wide dnsmasq, or another network has the same address. "
                       "Stop that program or choose another subnet."));
  if ((strstr (m, "already exists") != NULL || strstr (m, "file exists") != NULL)
      && (strstr (m, "bridge") != NULL || strstr (m, "virbr") != NULL || strstr (m, "interface") != NULL))
    return g_strdup (_("A bridge with this name already exists on the host. Choose another bridge name, or "
                       "leave it empty so libvirt picks a free one."));
  if (strstr (m, "cannot get interface flags") != NULL || strstr (m, "no such device") != NULL
      || strstr (m, "cannot find device") != NULL)
    return g_strdup (_("A host interface this network uses does not exist (any more). Check the bridge or "
                       "forward device it names."));
  return NULL;
}

/**
 * vireo_network_inactive_from_error:
 * @libvirt_message: (nullable): why a machine did not start
 *
 * libvirt refuses to start a machine whose network is not running with
 * "network 'NAME' is not active"; the window then offers to start that
 * network. The words are libvirt's own (not translated by it).
 *
 * Returns: (nullable): the network's name, or %NULL when the message is
 *   about something else
 */
char *
vireo_network_inactive_from_error (const char *libvirt_message)
{
  static const char prefix[] = "network '";
  static const char suffix[] = "' is not active";
  const char *start, *end;

  if (libvirt_message == NULL || (start = strstr (libvirt_message, prefix)) == NULL)
    return NULL;
  start += strlen (prefix);
  end = strstr (start, suffix);
  if (end == NULL || end == start)
    return NULL;
  return g_strndup (start, end - start);
}

/* ------------------------------------------------------------------------ */

static void
vireo_network_config_finalize (GObject *object)
{
  VireoNetworkConfig *self = VIREO_NETWORK_CONFIG (object);

  g_clear_pointer (&self->doc, xmlFreeDoc);
  G_OBJECT_CLASS (vireo_network_config_parent_class)->finalize (object);
}

static void
vireo_network_config_class_init (VireoNetworkConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vireo_network_config_finalize;
}

static void
vireo_network_config_init (VireoNetworkConfig *self)
{
}
