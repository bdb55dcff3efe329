/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-connection.h"
#include "vireo-domain.h"
#include "vireo-guest-caps.h"

G_BEGIN_DECLS

/*
 * What the VM details pages and the Add Hardware dialog look up on a host:
 * networks, host interfaces, storage pools and volumes, node devices, a
 * guest's addresses and a machine's autostart flag. Every call runs on the
 * connection's ops worker and comes back as plain structs; nothing here
 * keeps state.
 */

/* One virtual network. */
typedef struct
{
  char     *name;
  char     *uuid;
  gboolean  active;
  gboolean  autostart;
  gboolean  persistent;
  char     *forward_mode;  /* "nat", "route", "open", "bridge", "passthrough", "private",
                              "vepa", "hostdev"; "none" for an isolated network */
  char     *bridge;        /* (nullable): the bridge device guests plug into */
} VireoNetworkInfo;

void vireo_network_info_free (VireoNetworkInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNetworkInfo, vireo_network_info_free)

/* One of the host's own network interfaces. */
typedef struct
{
  char     *name;
  char     *type;    /* "bridge", "ethernet", "bond", "vlan" */
  char     *mac;     /* (nullable) */
  gboolean  active;
} VireoHostInterfaceInfo;

void vireo_host_interface_info_free (VireoHostInterfaceInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoHostInterfaceInfo, vireo_host_interface_info_free)

/* One storage volume. Sizes in bytes. */
typedef struct
{
  char    *name;
  char    *path;     /* (nullable) */
  char    *key;      /* (nullable) */
  char    *type;     /* "file", "block", "dir", "network", "netdir", "ploop" */
  guint64  capacity;
  guint64  allocation;
  char    *format;   /* (nullable): "qcow2", "raw", "iso", … */
  char    *pool;     /* (nullable): the name of the pool it is in */
  char    *backing_path;    /* (nullable): the image this one is an overlay of */
  char    *backing_format;  /* (nullable) */
  GPtrArray *used_by;       /* (element-type utf8) (nullable): the machines whose
                               disks name this volume; filled by list_pools */
} VireoVolumeInfo;

void vireo_volume_info_free (VireoVolumeInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoVolumeInfo, vireo_volume_info_free)

/* One storage pool. Sizes in bytes; an inactive pool reports 0. */
typedef struct
{
  char      *name;
  char      *uuid;
  char      *type;         /* "dir", "fs", "logical", "netfs", "iscsi", … */
  gboolean   active;
  gboolean   autostart;
  char      *target_path;  /* (nullable) */
  guint64    capacity;
  guint64    allocation;
  guint64    available;
  GPtrArray *volumes;      /* (element-type VireoVolumeInfo): empty unless active */
} VireoPoolInfo;

void vireo_pool_info_free (VireoPoolInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoPoolInfo, vireo_pool_info_free)

/* One USB or PCI device of the host, as libvirt's node device driver sees
 * it. Numbers are 0 when the device did not report them. */
typedef struct
{
  char  *name;          /* libvirt's node device name: "pci_0000_00_1f_3", "usb_1_4" */
  char  *bus;           /* "usb" or "pci" */
  guint  vendor_id;
  guint  product_id;
  char  *vendor;        /* (nullable): the vendor's name */
  char  *product;       /* (nullable): the product's name */
  guint  usb_bus;
  guint  usb_device;
  guint  pci_domain;
  guint  pci_bus;
  guint  pci_slot;
  guint  pci_function;
  guint  pci_class;     /* e.g. 0x040300 (audio) */
  char  *driver;        /* (nullable): the host driver bound to it now */
} VireoNodeDeviceInfo;

void                 vireo_node_device_info_free     (VireoNodeDeviceInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoNodeDeviceInfo, vireo_node_device_info_free)
VireoNodeDeviceInfo *vireo_node_device_info_new_from_xml (const char           *xml,
                                                          GError              **error);
char                *vireo_node_device_hostdev_xml   (const VireoNodeDeviceInfo *info);
char                *vireo_node_device_dup_label     (const VireoNodeDeviceInfo *info);

/* Where a guest's addresses come from (virDomainInterfaceAddresses). */
typedef enum
{
  VIREO_ADDRESS_SOURCE_AUTO,   /* leases, then the agent, then ARP */
  VIREO_ADDRESS_SOURCE_LEASE,  /* the DHCP leases of libvirt's networks */
  VIREO_ADDRESS_SOURCE_AGENT,  /* the QEMU guest agent, from inside */
  VIREO_ADDRESS_SOURCE_ARP,    /* the host's ARP table */
} VireoAddressSource;

/* One network interface of a guest. */
typedef struct
{
  char      *name;
  char      *mac;        /* (nullable) */
  GPtrArray *addresses;  /* (element-type utf8): "192.0.2.3/24", "fe80::1/64" */
} VireoGuestInterface;

void vireo_guest_interface_free (VireoGuestInterface *iface);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoGuestInterface, vireo_guest_interface_free)

void       vireo_connection_list_networks_async         (VireoConnection     *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray *vireo_connection_list_networks_finish        (VireoConnection     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void       vireo_connection_list_host_interfaces_async  (VireoConnection     *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray *vireo_connection_list_host_interfaces_finish (VireoConnection     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void       vireo_connection_list_pools_with_users_async (VireoConnection     *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
void       vireo_connection_list_pools_async            (VireoConnection     *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray *vireo_connection_list_pools_finish           (VireoConnection     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void       vireo_connection_lookup_volume_async         (VireoConnection     *self,
                                                         const char          *path,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
VireoVolumeInfo *vireo_connection_lookup_volume_finish  (VireoConnection     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void       vireo_connection_create_volume_async         (VireoConnection     *self,
                                                         const char          *pool_name,
                                                         const char          *name,
                                                         guint64              capacity_bytes,
                                                         const char          *format,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
VireoVolumeInfo *vireo_connection_create_volume_finish  (VireoConnection     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void       vireo_connection_list_node_devices_async     (VireoConnection     *self,
                                                         const char          *bus,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray *vireo_connection_list_node_devices_finish    (VireoConnection     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

void       vireo_domain_list_addresses_async            (VireoDomain         *self,
                                                         VireoAddressSource   source,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray *vireo_domain_list_addresses_finish           (VireoDomain         *self,
                                                         GAsyncResult        *result,
                                                         VireoAddressSource  *out_source,
                                                         GError             **error);
void       vireo_domain_get_autostart_async             (VireoDomain         *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean   vireo_domain_get_autostart_finish            (VireoDomain         *self,
                                                         GAsyncResult        *result,
                                                         gboolean            *out_autostart,
                                                         GError             **error);
void       vireo_domain_set_autostart_async             (VireoDomain         *self,
                                                         gboolean             autostart,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean   vireo_domain_set_autostart_finish            (VireoDomain         *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

void       vireo_connection_probe_passt_async           (VireoConnection     *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
char      *vireo_connection_probe_passt_finish          (VireoConnection     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

void            vireo_connection_read_capabilities_async  (VireoConnection     *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
VireoGuestCaps *vireo_connection_read_capabilities_finish (VireoConnection     *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

G_END_DECLS
