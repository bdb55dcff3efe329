/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-connection.h"
#include "vireo-net-map.h"

G_BEGIN_DECLS

/*
 * Managing a host's virtual networks: the list with each network's
 * definition and the machines on it, lifecycle actions, define (create,
 * edit, rename), live updates of DHCP and DNS host entries, DHCP leases,
 * and the host's interfaces with their addresses. Every call runs on the
 * connection's ops worker and comes back as plain data.
 */

/* One virtual network, as the Networks page shows it. */
typedef struct
{
  char      *name;
  char      *uuid;
  gboolean   active;
  gboolean   autostart;
  gboolean   persistent;
  char      *xml;       /* the definition: inactive XML when persistent, else live */
  char      *live_xml;  /* (nullable): when active */
  GPtrArray *domains;   /* (element-type utf8): machines with a NIC on it
                           (persistent or live XML), sorted */
  GHashTable *mac_owners; /* (element-type utf8 utf8): lower-case MAC of
                             each of those NICs -> machine name */
} VireoNetworkDetails;

void vireo_network_details_free (VireoNetworkDetails *details);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkDetails, vireo_network_details_free)

typedef enum
{
  VIREO_NETWORK_ACTION_START,
  VIREO_NETWORK_ACTION_STOP,
  VIREO_NETWORK_ACTION_AUTOSTART_ON,
  VIREO_NETWORK_ACTION_AUTOSTART_OFF,
  VIREO_NETWORK_ACTION_UNDEFINE,     /* stops an active network first */
  VIREO_NETWORK_ACTION_RESTART,      /* stop + start: applies a changed definition */
} VireoNetworkAction;

typedef enum
{
  VIREO_NETWORK_UPDATE_DHCP_HOST,
  VIREO_NETWORK_UPDATE_DNS_HOST,
} VireoNetworkUpdateSection;

typedef enum
{
  VIREO_NETWORK_UPDATE_ADD,
  VIREO_NETWORK_UPDATE_MODIFY,
  VIREO_NETWORK_UPDATE_DELETE,
} VireoNetworkUpdateCommand;

/* One DHCP lease (virNetworkGetDHCPLeases). */
typedef struct
{
  char   *iface;     /* the network's bridge */
  gint64  expiry;    /* seconds since the epoch; 0: never */
  char   *type;      /* "ipv4" or "ipv6" */
  char   *mac;       /* (nullable) */
  char   *iaid;      /* (nullable) */
  char   *ipaddr;
  guint   prefix;
  char   *hostname;  /* (nullable) */
  char   *clientid;  /* (nullable) */
} VireoNetworkLease;

void vireo_network_lease_free (VireoNetworkLease *lease);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkLease, vireo_network_lease_free)

/* One host interface with its addresses (for bridge and macvtap forms). */
typedef struct
{
  char      *name;
  char      *type;       /* "bridge", "ethernet", "bond", "vlan" */
  char      *mac;        /* (nullable) */
  gboolean   active;
  GPtrArray *addresses;  /* (element-type utf8): "192.0.2.3/24", "fe80::1/64" */
} VireoHostInterfaceDetails;

void vireo_host_interface_details_free (VireoHostInterfaceDetails *details);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoHostInterfaceDetails, vireo_host_interface_details_free)

void       vireo_connection_list_network_details_async   (VireoConnection     *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GPtrArray *vireo_connection_list_network_details_finish  (VireoConnection     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void       vireo_connection_network_action_async         (VireoConnection     *self,
                                                          const char          *name,
                                                          VireoNetworkAction   action,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean   vireo_connection_network_action_finish        (VireoConnection     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void       vireo_connection_define_network_async         (VireoConnection     *self,
                                                          const char          *xml,
                                                          const char          *old_name,
                                                          gboolean             start,
                                                          gboolean             autostart,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
char      *vireo_connection_define_network_finish        (VireoConnection     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void       vireo_connection_update_network_async         (VireoConnection          *self,
                                                          const char               *name,
                                                          VireoNetworkUpdateSection section,
                                                          VireoNetworkUpdateCommand command,
                                                          const char               *xml,
                                                          gboolean                  live,
                                                          gboolean                  config,
                                                          GCancellable             *cancellable,
                                                          GAsyncReadyCallback       callback,
                                                          gpointer                  user_data);
gboolean   vireo_connection_update_network_finish        (VireoConnection     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void       vireo_connection_list_network_leases_async    (VireoConnection     *self,
                                                          const char          *name,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GPtrArray *vireo_connection_list_network_leases_finish   (VireoConnection     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void       vireo_connection_list_host_interface_details_async  (VireoConnection     *self,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
GPtrArray *vireo_connection_list_host_interface_details_finish (VireoConnection     *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* Everything the network map draws, read in one go: networks, machines
 * (live XML when running), host interfaces, DHCP leases of the running
 * networks, and the guest agent's addresses where an agent is connected.
 * Returns a finished VireoNetMap (not laid out). */
void         vireo_connection_read_network_map_async  (VireoConnection     *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
VireoNetMap *vireo_connection_read_network_map_finish (VireoConnection     *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Every DHCP lease of every running network, as "mac ip/prefix" (MAC in
 * lower case), sorted: one call per running network, and no machine read.
 * The map asks this on its timer and reads itself again only when a lease
 * it does not show has appeared. */
void         vireo_connection_list_lease_keys_async   (VireoConnection     *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GStrv        vireo_connection_list_lease_keys_finish  (VireoConnection     *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
