/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "vireo-network-config.h"

G_BEGIN_DECLS

/*
 * The network map's model: what is wired to what on one host, who can
 * reach whom, and where every box and line goes. Pure: it is built from
 * the XML and plain values the virt layer read, so each mode and each
 * layout is tested on fixtures without a host, and the widget only draws.
 *
 * Use: vireo_net_map_new (), add the host's interfaces, networks,
 * machines, leases and agent addresses in any order, then
 * vireo_net_map_finish () (wires and derives reachability), then
 * vireo_net_map_layout (). After finish the map is read-only and may be
 * shared between threads.
 */

typedef enum
{
  VIREO_MAP_NODE_HOST,        /* the host itself; exactly one, id "host" */
  VIREO_MAP_NODE_HOST_IFACE,  /* one of its interfaces or bridges; id "iface:<name>" */
  VIREO_MAP_NODE_NETWORK,     /* a libvirt virtual network; id "net:<name>" */
  VIREO_MAP_NODE_SEGMENT,     /* something guests join without a libvirt network:
                                 a host bridge (interface type='bridge'), id "seg:bridge:<br>";
                                 macvtap on a device (type='direct'), id "seg:direct:<dev>:<mode>";
                                 user-mode networking (type='user'), id "seg:user";
                                 anything else (ethernet, vhostuser...), id "seg:other:<type>" */
  VIREO_MAP_NODE_DOMAIN,      /* a machine; id "dom:<uuid>" (name when it has no uuid) */
  VIREO_MAP_NODE_NIC,         /* one NIC, drawn inside its machine; id "nic:<uuid>/<mac>"
                                 ("nic:<uuid>/#<index>" without a MAC) */
} VireoMapNodeKind;

/* What a segment is, for SEGMENT nodes (NETWORK nodes use their mode). */
typedef enum
{
  VIREO_MAP_SEGMENT_NONE,     /* not a segment */
  VIREO_MAP_SEGMENT_BRIDGE,   /* a host bridge joined directly */
  VIREO_MAP_SEGMENT_DIRECT,   /* macvtap on a host device */
  VIREO_MAP_SEGMENT_USER,     /* user-mode (slirp or passt) */
  VIREO_MAP_SEGMENT_OTHER,
} VireoMapSegmentKind;

/* The four questions the explanation panel answers. */
typedef enum
{
  VIREO_REACH_GUEST_GUEST,    /* a guest here -> another guest here */
  VIREO_REACH_GUEST_HOST,     /* a guest here -> this host */
  VIREO_REACH_GUEST_OUTSIDE,  /* a guest here -> the LAN and beyond */
  VIREO_REACH_OUTSIDE_GUEST,  /* a machine outside -> a guest here */
} VireoReachPath;

#define VIREO_REACH_N_PATHS (VIREO_REACH_OUTSIDE_GUEST + 1)

typedef enum
{
  VIREO_REACH_NO,
  VIREO_REACH_PARTLY,         /* under a condition the reason names (a route, a switch, port forwards) */
  VIREO_REACH_YES,
} VireoReachVerdict;

typedef struct
{
  VireoReachVerdict  verdict;
  char              *why;     /* translated, one sentence, names the network/device where useful */
} VireoReach;

typedef struct _VireoMapNode VireoMapNode;

struct _VireoMapNode
{
  VireoMapNodeKind     kind;
  char                *id;        /* stable across rebuilds of the same host (see the kinds) */
  char                *name;      /* host name, interface, network, bridge/device, machine, MAC */
  gboolean             active;    /* interface up, network or machine running; NIC: its machine's */
  VireoMapNode        *parent;    /* (nullable) NIC: its DOMAIN; HOST_IFACE: the HOST */

  /* What is drawn: a title and up to a few short lines, already
   * translated and formatted ("NAT · virbr0", "192.168.122.0/24",
   * "DHCP .2 – .254"). NIC: title is "<model> <mac>", lines its addresses. */
  char                *title;
  GPtrArray           *lines;     /* (element-type utf8) */

  /* NETWORK and SEGMENT */
  VireoNetworkMode     mode;      /* NETWORK: its mode; SEGMENT BRIDGE: BRIDGE; DIRECT: MACVTAP */
  VireoMapSegmentKind  segment;   /* NONE for networks */
  gboolean             isolated;  /* no way out: drawn closed off (isolated networks, private macvtap) */
  char                *bridge;    /* (nullable) the host bridge device: "virbr0", "br0" */
  char                *explanation; /* (nullable) plain words: what this mode means here, with names */
  VireoReach           reach[VIREO_REACH_N_PATHS];  /* NETWORK, SEGMENT, DOMAIN (the best over its NICs) */

  /* DOMAIN */
  char                *uuid;      /* (nullable) */

  /* NIC */
  char                *mac;       /* (nullable) lower case */
  char                *model;     /* (nullable) "virtio" */
  char                *source_type;  /* "network", "bridge", "direct", "user", ... */
  char                *source;    /* (nullable) network name, bridge or device */
  GPtrArray           *addresses; /* (element-type utf8) "192.168.122.45/24", leases first, then the agent's;
                                     no duplicates */
  VireoMapNode        *attached;  /* (nullable) the NETWORK or SEGMENT it is wired to */

  /* Set by vireo_net_map_layout (), in map units (pixels at zoom 1); the
   * top-left corner. */
  double               x, y, width, height;
};

typedef enum
{
  VIREO_MAP_EDGE_LINK,        /* NIC -> its NETWORK or SEGMENT */
  VIREO_MAP_EDGE_UPLINK,      /* NETWORK or SEGMENT -> the HOST_IFACE it forwards through,
                                 or the HOST when it forwards through any interface */
} VireoMapEdgeKind;

typedef struct
{
  VireoMapEdgeKind  kind;
  char             *id;       /* "link:<nic id>" or "uplink:<node id>" */
  VireoMapNode     *from;     /* NIC, or the NETWORK/SEGMENT for an uplink */
  VireoMapNode     *to;
  gboolean          active;   /* both ends up: drawn solid, else dashed */
  char             *label;    /* (nullable) uplink: "NAT", "routed", "open", "bridged", "macvtap", "any interface" */

  /* Set by vireo_net_map_layout (): an orthogonal polyline (every
   * segment horizontal or vertical), x0,y0,x1,y1,..., from @from to @to. */
  double           *points;
  guint             n_points; /* number of points, not doubles; >= 2 */
} VireoMapEdge;

/* Sizes the layout uses, in map units. The widget may scale them with
 * its font. */
typedef struct
{
  double margin;         /* around everything */
  double host_height;    /* the host band across the top */
  double iface_width;    /* an interface chip inside the host band */
  double iface_height;
  double uplink_gap;     /* between the host band and the network row; uplinks are routed in it */
  double segment_width;  /* a network or segment box */
  double segment_height;
  double lane_gap;       /* between the buses under the network row, and between lines in a gutter */
  double domain_width;
  double domain_header;  /* a machine box: header, then one nic_height line per NIC */
  double nic_height;
  double gutter;         /* left of each column of machines, for the drops */
  double row_gap;        /* between rows of machines */
  double block_gap;      /* between the blocks of machines under different networks */
} VireoMapMetrics;

void vireo_map_metrics_init_default (VireoMapMetrics *metrics);

typedef enum
{
  VIREO_MAP_UP,
  VIREO_MAP_DOWN,
  VIREO_MAP_LEFT,
  VIREO_MAP_RIGHT,
} VireoMapDirection;

typedef struct _VireoNetMap VireoNetMap;

#define VIREO_TYPE_NET_MAP (vireo_net_map_get_type ())

GType         vireo_net_map_get_type (void) G_GNUC_CONST;

VireoNetMap  *vireo_net_map_new        (const char  *host_name);
VireoNetMap  *vireo_net_map_ref        (VireoNetMap *self);
void          vireo_net_map_unref      (VireoNetMap *self);

/* @type: "ethernet", "bridge", "bond", "vlan"...; @addresses: (nullable)
 * NULL-terminated "192.0.2.3/24". */
void          vireo_net_map_add_host_interface (VireoNetMap        *self,
                                                const char         *name,
                                                const char         *type,
                                                const char         *mac,
                                                gboolean            active,
                                                const char * const *addresses);
/* @xml: the network's live XML when active, else its definition. */
gboolean      vireo_net_map_add_network        (VireoNetMap        *self,
                                                const char         *xml,
                                                gboolean            active,
                                                GError            **error);
/* @xml: the machine's live XML when running, else its definition. */
gboolean      vireo_net_map_add_domain         (VireoNetMap        *self,
                                                const char         *xml,
                                                gboolean            active,
                                                GError            **error);
/* A DHCP lease of @network (its MAC may belong to no machine). */
void          vireo_net_map_add_lease          (VireoNetMap        *self,
                                                const char         *network,
                                                const char         *mac,
                                                const char         *ip,
                                                guint               prefix,
                                                const char         *hostname);
/* An address the guest agent reported for the NIC with @mac of the
 * machine with @uuid. */
void          vireo_net_map_add_guest_address  (VireoNetMap        *self,
                                                const char         *uuid,
                                                const char         *mac,
                                                const char         *ip,
                                                guint               prefix);
/* Wires NICs to networks and segments, uplinks to interfaces, fills the
 * lines and derives reachability. Call once, after every add. */
void          vireo_net_map_finish             (VireoNetMap        *self);

/* Places every node and routes every edge; may be called again with other
 * metrics. */
void          vireo_net_map_layout             (VireoNetMap           *self,
                                                const VireoMapMetrics *metrics);
void          vireo_net_map_get_size           (VireoNetMap        *self,
                                                double             *width,
                                                double             *height);

/* (element-type VireoMapNode) (transfer none): host, host interfaces,
 * networks and segments in row order, then each machine followed by its
 * NICs, machines in placement order. */
GPtrArray    *vireo_net_map_get_nodes          (VireoNetMap        *self);
/* (element-type VireoMapEdge) (transfer none) */
GPtrArray    *vireo_net_map_get_edges          (VireoNetMap        *self);
VireoMapNode *vireo_net_map_lookup             (VireoNetMap        *self,
                                                const char         *id);
VireoMapEdge *vireo_net_map_lookup_edge        (VireoNetMap        *self,
                                                const char         *id);
/* The topmost node at a map point: a NIC before its machine. (nullable) */
VireoMapNode *vireo_net_map_node_at            (VireoNetMap        *self,
                                                double              x,
                                                double              y);
/* The edge passing within @tolerance of a map point. (nullable) */
VireoMapEdge *vireo_net_map_edge_at            (VireoNetMap        *self,
                                                double              x,
                                                double              y,
                                                double              tolerance);
/* Nodes matching @text, case-insensitively, in name, title, lines, MAC or
 * addresses. (element-type VireoMapNode) (transfer container) */
GPtrArray    *vireo_net_map_find               (VireoNetMap        *self,
                                                const char         *text);
/* Keyboard navigation between nodes that can be selected (not the host
 * band itself): the nearest node whose centre lies in @direction of
 * @from's centre, preferring small sideways offsets. NULL @from gives the
 * first network. (nullable) */
VireoMapNode *vireo_net_map_neighbour          (VireoNetMap        *self,
                                                VireoMapNode       *from,
                                                VireoMapDirection   direction);
/* Whether a guest on machine @from can reach machine @to: YES when they
 * share a network or segment that lets guests see each other, PARTLY when
 * only through the outside (one reaches out, the other is reachable from
 * outside), else NO; @why (out, transfer full, nullable) says which. */
VireoReachVerdict vireo_net_map_domain_can_reach (VireoNetMap      *self,
                                                  VireoMapNode     *from,
                                                  VireoMapNode     *to,
                                                  char            **why);

const char   *vireo_reach_path_get_label       (VireoReachPath      path);  /* "Guest → guest" */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetMap, vireo_net_map_unref)

G_END_DECLS
