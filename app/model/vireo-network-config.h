/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A libvirt <network> definition, edited in place like VireoDomainConfig:
 * getters read the DOM, setters change only their own node, so everything
 * Vireo does not understand (<dnsmasq:options>, <portgroup>, <bandwidth>,
 * <tftp>, unknown attributes) survives a round trip.
 */

#define VIREO_NETWORK_CONFIG_ERROR (vireo_network_config_error_quark ())

/* Each code names the form field at fault. */
typedef enum
{
  VIREO_NETWORK_CONFIG_ERROR_PARSE,        /* the document itself */
  VIREO_NETWORK_CONFIG_ERROR_NAME,
  VIREO_NETWORK_CONFIG_ERROR_BRIDGE,       /* bridge name */
  VIREO_NETWORK_CONFIG_ERROR_DELAY,        /* STP forward delay */
  VIREO_NETWORK_CONFIG_ERROR_MTU,
  VIREO_NETWORK_CONFIG_ERROR_MAC,
  VIREO_NETWORK_CONFIG_ERROR_DOMAIN_NAME,  /* DNS domain */
  VIREO_NETWORK_CONFIG_ERROR_ADDRESS,      /* IPv4 address */
  VIREO_NETWORK_CONFIG_ERROR_PREFIX,       /* IPv4 prefix / netmask */
  VIREO_NETWORK_CONFIG_ERROR_DHCP_RANGE,   /* IPv4 DHCP range */
  VIREO_NETWORK_CONFIG_ERROR_DHCP_HOST,    /* IPv4 static host entry */
  VIREO_NETWORK_CONFIG_ERROR_IPV6_ADDRESS,
  VIREO_NETWORK_CONFIG_ERROR_IPV6_PREFIX,
  VIREO_NETWORK_CONFIG_ERROR_IPV6_DHCP_RANGE,
  VIREO_NETWORK_CONFIG_ERROR_IPV6_DHCP_HOST,
  VIREO_NETWORK_CONFIG_ERROR_DNS_HOST,
  VIREO_NETWORK_CONFIG_ERROR_FORWARDER,
  VIREO_NETWORK_CONFIG_ERROR_SRV,
  VIREO_NETWORK_CONFIG_ERROR_TXT,
  VIREO_NETWORK_CONFIG_ERROR_ROUTE,
  VIREO_NETWORK_CONFIG_ERROR_NAT_RANGE,    /* NAT address range */
  VIREO_NETWORK_CONFIG_ERROR_NAT_PORTS,    /* NAT port range */
  VIREO_NETWORK_CONFIG_ERROR_FORWARD_DEV,  /* forward device / SR-IOV PF */
  VIREO_NETWORK_CONFIG_ERROR_OVERLAP,      /* a subnet of another network */
  VIREO_NETWORK_CONFIG_ERROR_INTERFACES,   /* macvtap interface pool */
} VireoNetworkConfigError;

GQuark vireo_network_config_error_quark (void);

typedef enum
{
  VIREO_NETWORK_MODE_NAT,       /* <forward mode='nat'> */
  VIREO_NETWORK_MODE_ROUTE,     /* <forward mode='route'> */
  VIREO_NETWORK_MODE_OPEN,      /* <forward mode='open'> */
  VIREO_NETWORK_MODE_ISOLATED,  /* no <forward> */
  VIREO_NETWORK_MODE_BRIDGE,    /* <forward mode='bridge'> + <bridge name> of a host bridge */
  VIREO_NETWORK_MODE_MACVTAP,   /* <forward mode='bridge|private|vepa|passthrough'> + <interface dev> */
  VIREO_NETWORK_MODE_HOSTDEV,   /* <forward mode='hostdev'> + <pf dev> */
} VireoNetworkMode;

#define VIREO_NETWORK_N_MODES (VIREO_NETWORK_MODE_HOSTDEV + 1)

typedef enum
{
  VIREO_MACVTAP_MODE_BRIDGE,
  VIREO_MACVTAP_MODE_VEPA,
  VIREO_MACVTAP_MODE_PRIVATE,
  VIREO_MACVTAP_MODE_PASSTHROUGH,
} VireoMacvtapMode;

typedef enum
{
  VIREO_NETWORK_FAMILY_IPV4,
  VIREO_NETWORK_FAMILY_IPV6,
} VireoNetworkFamily;

const char *vireo_network_mode_get_label       (VireoNetworkMode mode);
const char *vireo_network_mode_get_description (VireoNetworkMode mode);
const char *vireo_macvtap_mode_to_string       (VireoMacvtapMode mode);

/* One static DHCP host entry. IPv4 entries match by @mac, IPv6 ones by @id
 * (a DUID) or @name. */
typedef struct
{
  char *mac;   /* (nullable) */
  char *id;    /* (nullable): IPv6 only */
  char *ip;    /* (nullable) */
  char *name;  /* (nullable) */
} VireoNetworkDhcpHost;

VireoNetworkDhcpHost *vireo_network_dhcp_host_new  (const char *mac,
                                                    const char *ip,
                                                    const char *name);
VireoNetworkDhcpHost *vireo_network_dhcp_host_copy (const VireoNetworkDhcpHost *host);
void                  vireo_network_dhcp_host_free (VireoNetworkDhcpHost       *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkDhcpHost, vireo_network_dhcp_host_free)
/* The `<host …/>` element virNetworkUpdate wants for a new entry. */
char                 *vireo_network_dhcp_host_to_xml (const VireoNetworkDhcpHost *host);

/* The first <ip> of one family. */
typedef struct
{
  char      *address;     /* the host side's address: "192.168.122.1" */
  guint      prefix;      /* read from prefix= or netmask=, written as prefix= */
  char      *dhcp_start;  /* (nullable): no DHCP range */
  char      *dhcp_end;    /* (nullable) */
  GPtrArray *hosts;       /* (element-type VireoNetworkDhcpHost) */
} VireoNetworkIp;

VireoNetworkIp *vireo_network_ip_new  (const char           *address,
                                       guint                 prefix);
VireoNetworkIp *vireo_network_ip_copy (const VireoNetworkIp *ip);
void            vireo_network_ip_free (VireoNetworkIp       *ip);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkIp, vireo_network_ip_free)

/* A DNS host entry: one address, one or more names. */
typedef struct
{
  char *ip;
  GStrv hostnames;
} VireoNetworkDnsHost;

VireoNetworkDnsHost *vireo_network_dns_host_new  (const char                *ip,
                                                  const char * const        *hostnames);
VireoNetworkDnsHost *vireo_network_dns_host_copy (const VireoNetworkDnsHost *host);
void                 vireo_network_dns_host_free (VireoNetworkDnsHost       *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkDnsHost, vireo_network_dns_host_free)
char                *vireo_network_dns_host_to_xml (const VireoNetworkDnsHost *host);

/* A DNS forwarder: queries (for @domain only, when set) go to @addr; a
 * @domain without @addr is answered locally only. */
typedef struct
{
  char *addr;    /* (nullable) */
  char *domain;  /* (nullable) */
} VireoNetworkForwarder;

VireoNetworkForwarder *vireo_network_forwarder_new  (const char *addr,
                                                     const char *domain);
void                   vireo_network_forwarder_free (VireoNetworkForwarder *forwarder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkForwarder, vireo_network_forwarder_free)

typedef struct
{
  char  *service;   /* "ldap" */
  char  *protocol;  /* "tcp" or "udp" */
  char  *domain;    /* (nullable) */
  char  *target;    /* (nullable) */
  guint  port;      /* 0: not set */
  guint  priority;
  guint  weight;
} VireoNetworkSrv;

VireoNetworkSrv *vireo_network_srv_new  (const char *service,
                                         const char *protocol);
void             vireo_network_srv_free (VireoNetworkSrv *srv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkSrv, vireo_network_srv_free)

typedef struct
{
  char *name;
  char *value;
} VireoNetworkTxt;

VireoNetworkTxt *vireo_network_txt_new  (const char *name,
                                         const char *value);
void             vireo_network_txt_free (VireoNetworkTxt *txt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkTxt, vireo_network_txt_free)

/* A static route: <route address prefix gateway [metric]>. */
typedef struct
{
  char  *address;
  guint  prefix;
  char  *gateway;
  guint  metric;  /* 0: not set */
} VireoNetworkRoute;

VireoNetworkRoute *vireo_network_route_new  (const char *address,
                                             guint       prefix,
                                             const char *gateway);
void               vireo_network_route_free (VireoNetworkRoute *route);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkRoute, vireo_network_route_free)

#define VIREO_TYPE_NETWORK_CONFIG (vireo_network_config_get_type ())
G_DECLARE_FINAL_TYPE (VireoNetworkConfig, vireo_network_config, VIREO, NETWORK_CONFIG, GObject)

VireoNetworkConfig *vireo_network_config_new            (VireoNetworkMode    mode);
VireoNetworkConfig *vireo_network_config_new_from_xml   (const char         *xml,
                                                         GError            **error);
VireoNetworkConfig *vireo_network_config_dup            (VireoNetworkConfig *self);
char               *vireo_network_config_to_xml         (VireoNetworkConfig *self);

char               *vireo_network_config_dup_name       (VireoNetworkConfig *self);
void                vireo_network_config_set_name       (VireoNetworkConfig *self,
                                                         const char         *name);
char               *vireo_network_config_dup_uuid       (VireoNetworkConfig *self);

VireoNetworkMode    vireo_network_config_get_mode       (VireoNetworkConfig *self);
void                vireo_network_config_set_mode       (VireoNetworkConfig *self,
                                                         VireoNetworkMode    mode);
char               *vireo_network_config_dup_forward_dev (VireoNetworkConfig *self);
void                vireo_network_config_set_forward_dev (VireoNetworkConfig *self,
                                                          const char         *dev);
gboolean            vireo_network_config_get_nat_range  (VireoNetworkConfig *self,
                                                         char              **start,
                                                         char              **end);
void                vireo_network_config_set_nat_range  (VireoNetworkConfig *self,
                                                         const char         *start,
                                                         const char         *end);
gboolean            vireo_network_config_get_nat_ports  (VireoNetworkConfig *self,
                                                         guint              *start,
                                                         guint              *end);
void                vireo_network_config_set_nat_ports  (VireoNetworkConfig *self,
                                                         guint               start,
                                                         guint               end);
VireoMacvtapMode    vireo_network_config_get_macvtap_mode (VireoNetworkConfig *self);
void                vireo_network_config_set_macvtap_mode (VireoNetworkConfig *self,
                                                           VireoMacvtapMode    mode);
GStrv               vireo_network_config_dup_interfaces (VireoNetworkConfig *self);
void                vireo_network_config_set_interfaces (VireoNetworkConfig *self,
                                                         const char * const *devs);
char               *vireo_network_config_dup_hostdev_pf (VireoNetworkConfig *self);
void                vireo_network_config_set_hostdev_pf (VireoNetworkConfig *self,
                                                         const char         *dev);

char               *vireo_network_config_dup_bridge_name (VireoNetworkConfig *self);
void                vireo_network_config_set_bridge_name (VireoNetworkConfig *self,
                                                          const char         *name);
gboolean            vireo_network_config_get_stp        (VireoNetworkConfig *self);
void                vireo_network_config_set_stp        (VireoNetworkConfig *self,
                                                         gboolean            stp);
guint               vireo_network_config_get_delay      (VireoNetworkConfig *self);
void                vireo_network_config_set_delay      (VireoNetworkConfig *self,
                                                         guint               delay);
guint               vireo_network_config_get_mtu        (VireoNetworkConfig *self);
void                vireo_network_config_set_mtu        (VireoNetworkConfig *self,
                                                         guint               mtu);
char               *vireo_network_config_dup_mac        (VireoNetworkConfig *self);
void                vireo_network_config_set_mac        (VireoNetworkConfig *self,
                                                         const char         *mac);
char               *vireo_network_config_dup_domain_name (VireoNetworkConfig *self,
                                                          gboolean           *local_only);
void                vireo_network_config_set_domain_name (VireoNetworkConfig *self,
                                                          const char         *name,
                                                          gboolean            local_only);

VireoNetworkIp     *vireo_network_config_dup_ip         (VireoNetworkConfig *self,
                                                         VireoNetworkFamily  family);
void                vireo_network_config_set_ip         (VireoNetworkConfig   *self,
                                                         VireoNetworkFamily    family,
                                                         const VireoNetworkIp *ip);
char               *vireo_network_config_dup_dhcp_host_xml (VireoNetworkConfig *self,
                                                            VireoNetworkFamily  family,
                                                            const char         *mac_or_id);

GPtrArray          *vireo_network_config_dup_dns_hosts  (VireoNetworkConfig *self);
void                vireo_network_config_set_dns_hosts  (VireoNetworkConfig *self,
                                                         GPtrArray          *hosts);
GPtrArray          *vireo_network_config_dup_forwarders (VireoNetworkConfig *self);
void                vireo_network_config_set_forwarders (VireoNetworkConfig *self,
                                                         GPtrArray          *forwarders);
GPtrArray          *vireo_network_config_dup_srvs       (VireoNetworkConfig *self);
void                vireo_network_config_set_srvs       (VireoNetworkConfig *self,
                                                         GPtrArray          *srvs);
GPtrArray          *vireo_network_config_dup_txts       (VireoNetworkConfig *self);
void                vireo_network_config_set_txts       (VireoNetworkConfig *self,
                                                         GPtrArray          *txts);
GPtrArray          *vireo_network_config_dup_routes     (VireoNetworkConfig *self);
void                vireo_network_config_set_routes     (VireoNetworkConfig *self,
                                                         GPtrArray          *routes);

GStrv               vireo_network_config_dup_subnets    (VireoNetworkConfig *self);
gboolean            vireo_network_config_choose_ipv4_subnet (VireoNetworkConfig *self,
                                                             const char * const *other_subnets);
gboolean            vireo_network_config_validate       (VireoNetworkConfig *self,
                                                         const char * const *other_subnets,
                                                         GError            **error);

char               *vireo_network_explain_start_error   (const char         *libvirt_message);
char               *vireo_network_inactive_from_error   (const char         *libvirt_message);

G_END_DECLS
