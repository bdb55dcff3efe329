/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-lookup"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "vireo-connection-private.h"
#include "vireo-lookup-private.h"
#include "vireo-lookup.h"
#include "vireo-virt-error.h"
#include "vireo-xml.h"

/*
 * Lookups for the details pages and Add Hardware: each one is a GTask whose
 * thread function runs on the connection's ops worker (vireo_connection_run)
 * and returns plain structs. libvirt's XML is read with XPath on the worker;
 * nothing here touches a GObject's state.
 *
 * Equivalent virsh commands, for the "equivalent command" generator (not
 * run by Vireo; shown for students):
 *   set_autostart TRUE / FALSE   virsh -c URI autostart NAME
 *                                virsh -c URI autostart --disable NAME
 *   create_volume                virsh -c URI vol-create-as POOL NAME CAPACITY_BYTES
 *                                  --allocation 0 --format FORMAT
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (virNetwork, virNetworkFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virInterface, virInterfaceFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virNodeDevice, virNodeDeviceFree)

/* ------------------------------------------------------------------------ */
/* Result structs                                                            */

void
vireo_network_info_free (VireoNetworkInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->uuid);
  g_free (info->forward_mode);
  g_free (info->bridge);
  g_free (info);
}

void
vireo_host_interface_info_free (VireoHostInterfaceInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->type);
  g_free (info->mac);
  g_free (info);
}

void
vireo_volume_info_free (VireoVolumeInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->path);
  g_free (info->key);
  g_free (info->type);
  g_free (info->format);
  g_free (info->pool);
  g_free (info->backing_path);
  g_free (info->backing_format);
  g_clear_pointer (&info->used_by, g_ptr_array_unref);
  g_free (info);
}

void
vireo_pool_info_free (VireoPoolInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->uuid);
  g_free (info->type);
  g_free (info->target_path);
  g_clear_pointer (&info->volumes, g_ptr_array_unref);
  g_free (info);
}

void
vireo_node_device_info_free (VireoNodeDeviceInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->bus);
  g_free (info->vendor);
  g_free (info->product);
  g_free (info->driver);
  g_free (info);
}

void
vireo_guest_interface_free (VireoGuestInterface *iface)
{
  if (iface == NULL)
    return;
  g_free (iface->name);
  g_free (iface->mac);
  g_clear_pointer (&iface->addresses, g_ptr_array_unref);
  g_free (iface);
}

/* Every result struct starts with its name, so one comparison sorts them
 * all: a pointer to a struct is a pointer to its first member. libvirt
 * lists in hash order, which would reshuffle a dialog's rows each time. */
static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  const char *name_a = **(char * const * const *) a;
  const char *name_b = **(char * const * const *) b;

  return g_strcmp0 (name_a, name_b);
}

/* ------------------------------------------------------------------------ */
/* Reading libvirt's XML                                                     */

typedef struct
{
  xmlDocPtr          doc;
  xmlXPathContextPtr ctx;
} Xml;

static void
xml_clear (Xml *x)
{
  g_clear_pointer (&x->ctx, xmlXPathFreeContext);
  g_clear_pointer (&x->doc, xmlFreeDoc);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Xml, xml_clear)

static gboolean
xml_open (Xml        *x,
          const char *text)
{
  x->doc = text != NULL ? vireo_xml_read (text, NULL) : NULL;
  x->ctx = x->doc != NULL ? xmlXPathNewContext (x->doc) : NULL;
  return x->ctx != NULL;
}

/* Returns: (nullable): the string value of @expr, NULL when empty */
static char *
xml_string (Xml        *x,
            const char *expr)
{
  xmlXPathObjectPtr obj = xmlXPathEvalExpression ((const xmlChar *) expr, x->ctx);
  char *value = NULL;

  if (obj != NULL && obj->type == XPATH_STRING && obj->stringval != NULL && obj->stringval[0] != '\0')
    value = g_strdup ((const char *) obj->stringval);
  xmlXPathFreeObject (obj);
  return value;
}

static gboolean
xml_exists (Xml        *x,
            const char *expr)
{
  xmlXPathObjectPtr obj = xmlXPathEvalExpression ((const xmlChar *) expr, x->ctx);
  gboolean found = obj != NULL && obj->type == XPATH_NODESET &&
                   obj->nodesetval != NULL && obj->nodesetval->nodeNr > 0;

  xmlXPathFreeObject (obj);
  return found;
}

/* libvirt writes ids in hex ("0x8086") and addresses in decimal; a leading
 * zero must not turn decimal into octal. */
static guint64
parse_number (const char *text)
{
  if (text == NULL)
    return 0;
  if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    return g_ascii_strtoull (text + 2, NULL, 16);
  return g_ascii_strtoull (text, NULL, 10);
}

static guint64
xml_number (Xml        *x,
            const char *expr)
{
  g_autofree char *text = xml_string (x, expr);

  return parse_number (text);
}

/* libvirt formats pool and volume sizes in bytes (unit='bytes') whatever
 * unit they were defined with. */
static guint64
xml_size (Xml        *x,
          const char *element)
{
  g_autofree char *expr = g_strdup_printf ("string(%s)", element);

  return xml_number (x, expr);
}

/* ------------------------------------------------------------------------ */
/* Worker-side readers                                                       */

static VireoNetworkInfo *
read_network (virNetworkPtr net)
{
  g_autoptr(VireoNetworkInfo) info = g_new0 (VireoNetworkInfo, 1);
  g_autofree char *xml = NULL;
  g_auto(Xml) x = { 0 };
  char uuid[VIR_UUID_STRING_BUFLEN];
  int active = 0, persistent = 0, autostart = 0;

  info->name = g_strdup (virNetworkGetName (net));
  if (virNetworkGetUUIDString (net, uuid) == 0)
    info->uuid = g_strdup (uuid);
  if ((active = virNetworkIsActive (net)) < 0 ||
      (persistent = virNetworkIsPersistent (net)) < 0 ||
      virNetworkGetAutostart (net, &autostart) < 0 ||
      (xml = virNetworkGetXMLDesc (net, 0)) == NULL)
    return NULL;
  info->active = active == 1;
  info->persistent = persistent == 1;
  info->autostart = autostart != 0;

  if (xml_open (&x, xml))
    {
      /* No <forward> is an isolated network; <forward> without a mode is NAT. */
      if (!xml_exists (&x, "/network/forward"))
        info->forward_mode = g_strdup ("none");
      else if ((info->forward_mode = xml_string (&x, "string(/network/forward/@mode)")) == NULL)
        info->forward_mode = g_strdup ("nat");
      info->bridge = xml_string (&x, "string(/network/bridge/@name)");
    }
  if (info->forward_mode == NULL)
    info->forward_mode = g_strdup ("none");
  return g_steal_pointer (&info);
}

static VireoHostInterfaceInfo *
read_host_interface (virInterfacePtr iface)
{
  g_autoptr(VireoHostInterfaceInfo) info = g_new0 (VireoHostInterfaceInfo, 1);
  g_autofree char *xml = NULL;
  g_auto(Xml) x = { 0 };
  const char *mac = virInterfaceGetMACString (iface);
  int active = 0;

  info->name = g_strdup (virInterfaceGetName (iface));
  if ((active = virInterfaceIsActive (iface)) < 0 ||
      (xml = virInterfaceGetXMLDesc (iface, 0)) == NULL)
    return NULL;
  info->active = active == 1;
  if (xml_open (&x, xml))
    {
      info->type = xml_string (&x, "string(/interface/@type)");
      if (mac == NULL || *mac == '\0')
        info->mac = xml_string (&x, "string(/interface/mac/@address)");
    }
  if (info->mac == NULL && mac != NULL && *mac != '\0')
    info->mac = g_strdup (mac);
  if (info->type == NULL)
    info->type = g_strdup ("ethernet");
  return g_steal_pointer (&info);
}

static VireoVolumeInfo *
volume_from_xml (const char *xml,
                 const char *pool)
{
  g_autoptr(VireoVolumeInfo) info = NULL;
  g_auto(Xml) x = { 0 };

  if (!xml_open (&x, xml))
    return NULL;
  info = g_new0 (VireoVolumeInfo, 1);
  info->name = xml_string (&x, "string(/volume/name)");
  info->key = xml_string (&x, "string(/volume/key)");
  info->path = xml_string (&x, "string(/volume/target/path)");
  info->type = xml_string (&x, "string(/volume/@type)");
  info->format = xml_string (&x, "string(/volume/target/format/@type)");
  info->capacity = xml_size (&x, "/volume/capacity");
  info->allocation = xml_size (&x, "/volume/allocation");
  info->pool = g_strdup (pool);
  info->backing_path = xml_string (&x, "string(/volume/backingStore/path)");
  info->backing_format = xml_string (&x, "string(/volume/backingStore/format/@type)");
  if (info->type == NULL)
    info->type = g_strdup ("file");
  return g_steal_pointer (&info);
}

/* Returns: (nullable): NULL with libvirt's error set when it failed */
static VireoVolumeInfo *
read_volume (virStorageVolPtr  vol,
             const char       *pool)
{
  g_autofree char *xml = virStorageVolGetXMLDesc (vol, 0);
  VireoVolumeInfo *info;

  if (xml == NULL)
    return NULL;
  info = volume_from_xml (xml, pool);
  if (info != NULL && info->name == NULL)
    info->name = g_strdup (virStorageVolGetName (vol));
  return info;
}

VireoVolumeInfo *
_vireo_volume_info_read (virStorageVolPtr  vol,
                         const char       *pool)
{
  return read_volume (vol, pool);
}

/* Returns: (nullable): NULL with libvirt's error set when it failed */
static GPtrArray *
read_volumes (virStoragePoolPtr  pool,
              const char        *pool_name)
{
  g_autoptr(GPtrArray) volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_volume_info_free);
  virStorageVolPtr *vols = NULL;
  int n = virStoragePoolListAllVolumes (pool, &vols, 0);
  gboolean failed = FALSE;

  if (n < 0)
    return NULL;
  for (int i = 0; i < n; i++)
    {
      if (!failed)
        {
          VireoVolumeInfo *info = read_volume (vols[i], pool_name);

          if (info != NULL)
            g_ptr_array_add (volumes, info);
          else if (!_vireo_item_vanished ())
            failed = TRUE;
        }
      virStorageVolFree (vols[i]);
    }
  free (vols);
  if (failed)
    return NULL;
  g_ptr_array_sort (volumes, compare_by_name);
  return g_steal_pointer (&volumes);
}

/* Returns: (nullable): NULL with libvirt's error set when it failed */
static VireoPoolInfo *
read_pool (virStoragePoolPtr pool)
{
  g_autoptr(VireoPoolInfo) info = g_new0 (VireoPoolInfo, 1);
  g_autofree char *xml = NULL;
  g_auto(Xml) x = { 0 };
  char uuid[VIR_UUID_STRING_BUFLEN];
  int active = 0, autostart = 0;

  info->name = g_strdup (virStoragePoolGetName (pool));
  if (virStoragePoolGetUUIDString (pool, uuid) == 0)
    info->uuid = g_strdup (uuid);
  if ((active = virStoragePoolIsActive (pool)) < 0 ||
      virStoragePoolGetAutostart (pool, &autostart) < 0)
    return NULL;
  info->active = active == 1;
  info->autostart = autostart != 0;

  /* Files copied into a directory pool by hand appear only after a
   * refresh. A pool that cannot refresh (its NFS server is slow, its
   * backend refuses) still lists what libvirt knew before. */
  if (info->active && virStoragePoolRefresh (pool, 0) < 0)
    virResetLastError ();

  if ((xml = virStoragePoolGetXMLDesc (pool, 0)) == NULL)
    return NULL;
  if (xml_open (&x, xml))
    {
      info->type = xml_string (&x, "string(/pool/@type)");
      info->target_path = xml_string (&x, "string(/pool/target/path)");
      info->capacity = xml_size (&x, "/pool/capacity");
      info->allocation = xml_size (&x, "/pool/allocation");
      info->available = xml_size (&x, "/pool/available");
    }

  if (info->active)
    info->volumes = read_volumes (pool, info->name);
  else
    info->volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_volume_info_free);
  if (info->volumes == NULL)
    return NULL;
  return g_steal_pointer (&info);
}

/* ------------------------------------------------------------------------ */
/* Networks                                                                  */

static void
list_networks_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_info_free);
  virNetworkPtr *nets = NULL;
  GError *error = NULL;
  int n;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  n = virConnectListAllNetworks (conn, &nets, 0);
  if (n < 0 && !_vireo_driver_lacks_it ())
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not list the virtual networks")));
      return;
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(virNetwork) net = nets[i];
      VireoNetworkInfo *info;

      if (error != NULL)
        continue;
      info = read_network (net);
      if (info != NULL)
        g_ptr_array_add (list, info);
      else if (!_vireo_item_vanished ())
        error = _vireo_error_from_last (_("Could not read a virtual network"));
    }
  free (nets);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_sort (list, compare_by_name);
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_connection_list_networks_async:
 *
 * Every virtual network of the host, active or not, sorted by name
 * (`virsh net-list --all`).
 */
void
vireo_connection_list_networks_async (VireoConnection     *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_list_networks_async);
  vireo_connection_run (self, task, list_networks_thread);
}

/**
 * vireo_connection_list_networks_finish:
 *
 * Returns: (transfer container) (element-type VireoNetworkInfo): the
 *   networks; empty when the driver has no network support
 */
GPtrArray *
vireo_connection_list_networks_finish (VireoConnection  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Host interfaces                                                           */

static void
list_host_interfaces_thread (GTask        *task,
                             virConnectPtr conn,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_host_interface_info_free);
  virInterfacePtr *ifaces = NULL;
  GError *error = NULL;
  int n;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  /* Hosts without an interface driver (a session daemon, some remotes)
   * answer VIR_ERR_NO_SUPPORT: that is an empty list, not an error. The
   * user can still type a device name for a bridge or macvtap NIC. */
  n = virConnectListAllInterfaces (conn, &ifaces, 0);
  if (n < 0 && !_vireo_driver_lacks_it ())
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not list the host's network interfaces")));
      return;
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(virInterface) iface = ifaces[i];
      VireoHostInterfaceInfo *info;

      /* A guest can be neither bridged nor macvtap'd onto loopback. */
      if (error != NULL || g_strcmp0 (virInterfaceGetName (iface), "lo") == 0)
        continue;
      info = read_host_interface (iface);
      if (info != NULL)
        g_ptr_array_add (list, info);
      else if (!_vireo_item_vanished ())
        error = _vireo_error_from_last (_("Could not read a host network interface"));
    }
  free (ifaces);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_sort (list, compare_by_name);
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_connection_list_host_interfaces_async:
 *
 * The host's own network interfaces (`virsh iface-list --all`), loopback
 * left out, sorted by name: what a bridge or macvtap NIC can use.
 */
void
vireo_connection_list_host_interfaces_async (VireoConnection     *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_list_host_interfaces_async);
  vireo_connection_run (self, task, list_host_interfaces_thread);
}

/**
 * vireo_connection_list_host_interfaces_finish:
 *
 * Returns: (transfer container) (element-type VireoHostInterfaceInfo): the
 *   interfaces; empty when the driver has no interface support
 */
GPtrArray *
vireo_connection_list_host_interfaces_finish (VireoConnection  *self,
                                              GAsyncResult     *result,
                                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Storage pools                                                             */

static void
list_pools_thread (GTask        *task,
                   virConnectPtr conn,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_pool_info_free);
  g_autoptr(GHashTable) users = NULL;
  virStoragePoolPtr *pools = NULL;
  GError *error = NULL;
  int n;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  n = virConnectListAllStoragePools (conn, &pools, 0);
  /* Which machines use each volume, for the Storage page only (the disk
   * pickers need no such thing): every domain's disks read once per
   * listing, not once per volume, definitions from the cache. */
  if (n > 0 && GPOINTER_TO_INT (task_data))
    users = _vireo_collect_volume_users (VIREO_CONNECTION (g_task_get_source_object (task)), conn);
  if (n < 0 && !_vireo_driver_lacks_it ())
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not list the storage pools")));
      return;
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(virStoragePool) pool = pools[i];
      VireoPoolInfo *info;

      if (error != NULL || g_cancellable_is_cancelled (cancellable))
        continue;
      info = read_pool (pool);
      if (info != NULL)
        {
          /* Not asked for: used_by stays NULL ("not known"), never an
           * empty "nobody". */
          for (guint j = 0; users != NULL && j < info->volumes->len; j++)
            _vireo_volume_info_set_users (g_ptr_array_index (info->volumes, j), users);
          g_ptr_array_add (list, info);
        }
      else if (!_vireo_item_vanished ())
        error = _vireo_error_from_last (_("Could not read a storage pool"));
    }
  free (pools);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  g_ptr_array_sort (list, compare_by_name);
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_connection_list_pools_async:
 *
 * Every storage pool of the host, sorted by name, each active one
 * refreshed first and listed with its volumes (`virsh pool-list --all`,
 * `pool-refresh`, `vol-list`). Refreshing may take a while on network
 * pools; @cancellable stops between pools.
 */
void
vireo_connection_list_pools_async (VireoConnection     *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_list_pools_async);
  vireo_connection_run (self, task, list_pools_thread);
}

/**
 * vireo_connection_list_pools_with_users_async:
 *
 * As vireo_connection_list_pools_async(), and each volume's `used_by` says
 * which machines use it (every machine's XML is read for that; the
 * definitions are cached by the connection). Finish with
 * vireo_connection_list_pools_finish().
 */
void
vireo_connection_list_pools_with_users_async (VireoConnection     *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_list_pools_async);
  g_task_set_task_data (task, GINT_TO_POINTER (TRUE), NULL);
  vireo_connection_run (self, task, list_pools_thread);
}

/**
 * vireo_connection_list_pools_finish:
 *
 * Returns: (transfer container) (element-type VireoPoolInfo): the pools
 */
GPtrArray *
vireo_connection_list_pools_finish (VireoConnection  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Volume by path                                                            */

/* A disk image made outside libvirt (qemu-img, a copy) in a pool's
 * directory is unknown to the pool until it is refreshed: refresh the
 * active pools whose target directory holds @path, so that one lookup
 * finds it. Only after a miss, so the common case stays one round trip. */
static void
refresh_pools_holding (virConnectPtr  conn,
                       const char    *path)
{
  virStoragePoolPtr *pools = NULL;
  int n = virConnectListAllStoragePools (conn, &pools, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE);

  for (int i = 0; i < n; i++)
    {
      g_autoptr(virStoragePool) pool = pools[i];
      g_autofree char *xml = virStoragePoolGetXMLDesc (pool, 0);
      g_autofree char *target = NULL;
      g_autofree char *prefix = NULL;
      g_auto(Xml) x = { 0 };

      if (!xml_open (&x, xml))
        continue;
      target = xml_string (&x, "string(/pool/target/path)");
      if (target == NULL)
        continue;
      prefix = g_str_has_suffix (target, "/") ? g_strdup (target) : g_strconcat (target, "/", NULL);
      if (g_str_has_prefix (path, prefix))
        virStoragePoolRefresh (pool, 0);
    }
  free (pools);
  virResetLastError ();
}

static VireoVolumeInfo *
read_volume_with_pool (virStorageVolPtr vol)
{
  g_autoptr(virStoragePool) pool = virStoragePoolLookupByVolume (vol);

  if (pool == NULL)
    virResetLastError ();
  return read_volume (vol, pool != NULL ? virStoragePoolGetName (pool) : NULL);
}

static void
lookup_volume_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(virStorageVol) vol = NULL;
  VireoVolumeInfo *info;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  vol = virStorageVolLookupByPath (conn, path);
  if (vol == NULL && virGetLastErrorCode () == VIR_ERR_NO_STORAGE_VOL)
    {
      virResetLastError ();
      refresh_pools_holding (conn, path);
      vol = virStorageVolLookupByPath (conn, path);
    }
  if (vol == NULL)
    {
      if (virGetLastErrorCode () == VIR_ERR_NO_STORAGE_VOL)
        {
          virResetLastError ();
          g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_VOLUME,
                                   /* Translators: %s is a file or device path */
                                   _("“%s” is not in any active storage pool of this host"), path);
        }
      else
        g_task_return_error (task, _vireo_error_from_last (_("Could not look up the storage volume")));
      return;
    }
  info = read_volume_with_pool (vol);
  if (info == NULL)
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not read the storage volume")));
      return;
    }
  g_task_return_pointer (task, info, (GDestroyNotify) vireo_volume_info_free);
}

/**
 * vireo_connection_lookup_volume_async:
 * @path: a disk's source path
 *
 * The storage volume behind a disk path (`virsh vol-info PATH`), with
 * the pool it is in. A path in no active pool fails with
 * %VIREO_VIRT_ERROR_NO_VOLUME: the disk is a plain file, not an error.
 */
void
vireo_connection_lookup_volume_async (VireoConnection     *self,
                                      const char          *path,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_lookup_volume_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  vireo_connection_run (self, task, lookup_volume_thread);
}

/**
 * vireo_connection_lookup_volume_finish:
 *
 * Returns: (transfer full): the volume
 */
VireoVolumeInfo *
vireo_connection_lookup_volume_finish (VireoConnection  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Create volume                                                             */

typedef struct
{
  char    *pool;
  char    *name;
  guint64  capacity;
  char    *format;
} CreateVolumeData;

static void
create_volume_data_free (gpointer data)
{
  CreateVolumeData *d = data;

  g_free (d->pool);
  g_free (d->name);
  g_free (d->format);
  g_free (d);
}

/* The name is the user's text: libxml2 escapes it, so "<", "&" and quotes
 * reach libvirt as characters of the name, never as markup. Allocation 0
 * makes the image sparse (qcow2 grows as the guest writes; raw is a hole
 * until then), as `vol-create-as --allocation 0` does. */
static char *
volume_xml (const char *name,
            guint64     capacity,
            const char *format)
{
  xmlDocPtr doc = xmlNewDoc ((const xmlChar *) "1.0");
  xmlNodePtr root = xmlNewDocNode (doc, NULL, (const xmlChar *) "volume", NULL);
  xmlNodePtr node;
  xmlNodePtr target;
  g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, capacity);
  char *text;

  xmlDocSetRootElement (doc, root);
  xmlNewTextChild (root, NULL, (const xmlChar *) "name", (const xmlChar *) name);
  node = xmlNewTextChild (root, NULL, (const xmlChar *) "capacity", (const xmlChar *) bytes);
  xmlSetProp (node, (const xmlChar *) "unit", (const xmlChar *) "bytes");
  node = xmlNewTextChild (root, NULL, (const xmlChar *) "allocation", (const xmlChar *) "0");
  xmlSetProp (node, (const xmlChar *) "unit", (const xmlChar *) "bytes");
  target = xmlNewChild (root, NULL, (const xmlChar *) "target", NULL);
  node = xmlNewChild (target, NULL, (const xmlChar *) "format", NULL);
  xmlSetProp (node, (const xmlChar *) "type", (const xmlChar *) format);
  text = vireo_xml_node_to_string (root);
  xmlFreeDoc (doc);
  return text;
}

static void
create_volume_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  CreateVolumeData *d = task_data;
  g_autoptr(virStoragePool) pool = NULL;
  g_autoptr(virStorageVol) vol = NULL;
  g_autofree char *xml = NULL;
  VireoVolumeInfo *info;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  pool = virStoragePoolLookupByName (conn, d->pool);
  if (pool == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Could not find the storage pool “%s”"), d->pool);
      g_task_return_error (task, _vireo_error_from_last (what));
      return;
    }
  xml = volume_xml (d->name, d->capacity, d->format);
  vol = virStorageVolCreateXML (pool, xml, 0);
  if (vol == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Could not create the volume “%s”"), d->name);
      g_task_return_error (task, _vireo_error_from_last (what));
      return;
    }
  info = read_volume (vol, d->pool);
  if (info == NULL)
    {
      g_task_return_error (task, _vireo_error_from_last (_("The volume was created but could not be read")));
      return;
    }
  g_task_return_pointer (task, info, (GDestroyNotify) vireo_volume_info_free);
}

/**
 * vireo_connection_create_volume_async:
 * @pool_name: the pool to create it in
 * @name: the new volume's name (for a directory pool, its file name)
 * @capacity_bytes: its size as the guest sees it
 * @format: (nullable): "qcow2" (the default), "raw", …
 *
 * Creates a sparse volume, as `virsh vol-create-as POOL NAME
 * CAPACITY_BYTES --allocation 0 --format FORMAT` does.
 */
void
vireo_connection_create_volume_async (VireoConnection     *self,
                                      const char          *pool_name,
                                      const char          *name,
                                      guint64              capacity_bytes,
                                      const char          *format,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;
  CreateVolumeData *d;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (pool_name != NULL);
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_create_volume_async);
  d = g_new0 (CreateVolumeData, 1);
  d->pool = g_strdup (pool_name);
  d->name = g_strdup (name);
  d->capacity = capacity_bytes;
  d->format = g_strdup (format != NULL && *format != '\0' ? format : "qcow2");
  g_task_set_task_data (task, d, create_volume_data_free);
  vireo_connection_run (self, task, create_volume_thread);
}

/**
 * vireo_connection_create_volume_finish:
 *
 * Returns: (transfer full): the new volume, as libvirt reports it
 */
VireoVolumeInfo *
vireo_connection_create_volume_finish (VireoConnection  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Node devices                                                              */

/**
 * vireo_node_device_info_new_from_xml:
 * @xml: a node device's XML (`virsh nodedev-dumpxml`)
 *
 * Reads a USB or PCI device. Pure: no libvirt call.
 *
 * Returns: (transfer full) (nullable): the device, or %NULL when @xml is
 *   not a USB or PCI node device
 */
VireoNodeDeviceInfo *
vireo_node_device_info_new_from_xml (const char  *xml,
                                     GError     **error)
{
  g_autoptr(VireoNodeDeviceInfo) info = NULL;
  g_auto(Xml) x = { 0 };
  const char *cap;

  g_return_val_if_fail (xml != NULL, NULL);

  if (!xml_open (&x, xml) || !xml_exists (&x, "/device"))
    {
      g_set_error_literal (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG,
                           _("The node device description could not be read"));
      return NULL;
    }

  info = g_new0 (VireoNodeDeviceInfo, 1);
  if (xml_exists (&x, "/device/capability[@type='usb_device']"))
    {
      cap = "/device/capability[@type='usb_device']";
      info->bus = g_strdup ("usb");
    }
  else if (xml_exists (&x, "/device/capability[@type='pci']"))
    {
      cap = "/device/capability[@type='pci']";
      info->bus = g_strdup ("pci");
    }
  else
    {
      g_set_error_literal (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG,
                           _("The node device is neither a USB nor a PCI device"));
      return NULL;
    }

  {
    g_autofree char *vendor_id = g_strdup_printf ("string(%s/vendor/@id)", cap);
    g_autofree char *product_id = g_strdup_printf ("string(%s/product/@id)", cap);
    g_autofree char *vendor = g_strdup_printf ("string(%s/vendor)", cap);
    g_autofree char *product = g_strdup_printf ("string(%s/product)", cap);
    g_autofree char *bus = g_strdup_printf ("string(%s/bus)", cap);
    g_autofree char *usb_device = g_strdup_printf ("string(%s/device)", cap);
    g_autofree char *pci_domain = g_strdup_printf ("string(%s/domain)", cap);
    g_autofree char *pci_slot = g_strdup_printf ("string(%s/slot)", cap);
    g_autofree char *pci_function = g_strdup_printf ("string(%s/function)", cap);
    g_autofree char *pci_class = g_strdup_printf ("string(%s/class)", cap);

    info->name = xml_string (&x, "string(/device/name)");
    info->driver = xml_string (&x, "normalize-space(/device/driver/name)");
    info->vendor_id = (guint) xml_number (&x, vendor_id);
    info->product_id = (guint) xml_number (&x, product_id);
    info->vendor = xml_string (&x, vendor);
    info->product = xml_string (&x, product);
    if (g_str_equal (info->bus, "usb"))
      {
        info->usb_bus = (guint) xml_number (&x, bus);
        info->usb_device = (guint) xml_number (&x, usb_device);
      }
    else
      {
        info->pci_domain = (guint) xml_number (&x, pci_domain);
        info->pci_bus = (guint) xml_number (&x, bus);
        info->pci_slot = (guint) xml_number (&x, pci_slot);
        info->pci_function = (guint) xml_number (&x, pci_function);
        info->pci_class = (guint) xml_number (&x, pci_class);
      }
  }
  return g_steal_pointer (&info);
}

/**
 * vireo_node_device_hostdev_xml:
 *
 * The `<hostdev>` element that passes @info's device through to a guest,
 * with `managed='yes'` (libvirt detaches it from its host driver at start
 * and gives it back at stop). A USB device is named by vendor and product
 * id, which survives replugging into another port; a PCI device by its
 * address. Numbers only: no text of the device's goes into the XML.
 *
 * Returns: (transfer full) (nullable): the XML, %NULL for another bus
 */
char *
vireo_node_device_hostdev_xml (const VireoNodeDeviceInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  if (g_strcmp0 (info->bus, "usb") == 0)
    return g_strdup_printf ("<hostdev mode='subsystem' type='usb' managed='yes'>\n"
                            "  <source>\n"
                            "    <vendor id='0x%04x'/>\n"
                            "    <product id='0x%04x'/>\n"
                            "  </source>\n"
                            "</hostdev>",
                            info->vendor_id & 0xffff, info->product_id & 0xffff);
  if (g_strcmp0 (info->bus, "pci") == 0)
    return g_strdup_printf ("<hostdev mode='subsystem' type='pci' managed='yes'>\n"
                            "  <source>\n"
                            "    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n"
                            "  </source>\n"
                            "</hostdev>",
                            info->pci_domain & 0xffff, info->pci_bus & 0xff,
                            info->pci_slot & 0x1f, info->pci_function & 0x7);
  return NULL;
}

/**
 * vireo_node_device_dup_label:
 *
 * A device as a list shows it: "Logitech, Inc. Unifying Receiver
 * (046d:c52b)", the names as the host's database has them.
 *
 * Returns: (transfer full): the label
 */
char *
vireo_node_device_dup_label (const VireoNodeDeviceInfo *info)
{
  g_autofree char *names = NULL;

  g_return_val_if_fail (info != NULL, NULL);

  if (info->vendor != NULL && info->product != NULL)
    names = g_strdup_printf ("%s %s", info->vendor, info->product);
  else if (info->vendor != NULL || info->product != NULL)
    names = g_strdup (info->vendor != NULL ? info->vendor : info->product);
  else
    names = g_strdup (_("Unknown device"));
  return g_strdup_printf ("%s (%04x:%04x)", names, info->vendor_id & 0xffff, info->product_id & 0xffff);
}

/* Linux Foundation's virtual root hubs (USB 1.1, 2.0, 3.x): every bus has
 * one, and none can be given to a guest. */
static gboolean
is_usb_root_hub (const VireoNodeDeviceInfo *info)
{
  return g_str_equal (info->bus, "usb") && info->vendor_id == 0x1d6b &&
         info->product_id >= 0x0001 && info->product_id <= 0x0003;
}

static void
list_node_devices_thread (GTask        *task,
                          virConnectPtr conn,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  const char *bus = task_data;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_node_device_info_free);
  virNodeDevicePtr *devs = NULL;
  GError *error = NULL;
  unsigned int flags = g_str_equal (bus, "usb") ? VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV
                                                 : VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV;
  int n;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  n = virConnectListAllNodeDevices (conn, &devs, flags);
  if (n < 0 && !_vireo_driver_lacks_it ())
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not list the host's devices")));
      return;
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(virNodeDevice) dev = devs[i];
      g_autofree char *xml = NULL;
      g_autoptr(VireoNodeDeviceInfo) info = NULL;

      if (error != NULL)
        continue;
      xml = virNodeDeviceGetXMLDesc (dev, 0);
      if (xml == NULL)
        {
          if (!_vireo_item_vanished ())
            error = _vireo_error_from_last (_("Could not read a host device"));
          continue;
        }
      info = vireo_node_device_info_new_from_xml (xml, NULL);
      if (info != NULL && !is_usb_root_hub (info))
        g_ptr_array_add (list, g_steal_pointer (&info));
    }
  free (devs);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_sort (list, compare_by_name);
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_connection_list_node_devices_async:
 * @bus: "usb" or "pci"
 *
 * The host's USB or PCI devices that a guest could be given
 * (`virsh nodedev-list --cap usb_device|pci`), USB root hubs left out,
 * sorted by libvirt's device name.
 */
void
vireo_connection_list_node_devices_async (VireoConnection     *self,
                                          const char          *bus,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_list_node_devices_async);
  if (g_strcmp0 (bus, "usb") != 0 && g_strcmp0 (bus, "pci") != 0)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG,
                               "Node devices are listed by bus “usb” or “pci”, not “%s”",
                               bus != NULL ? bus : "(null)");
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, g_strdup (bus), g_free);
  vireo_connection_run (self, task, list_node_devices_thread);
}

/**
 * vireo_connection_list_node_devices_finish:
 *
 * Returns: (transfer container) (element-type VireoNodeDeviceInfo): the devices
 */
GPtrArray *
vireo_connection_list_node_devices_finish (VireoConnection  *self,
                                           GAsyncResult     *result,
                                           GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Domain lookups                                                            */

typedef struct
{
  char               *uuid;
  VireoAddressSource  source;
  gboolean            autostart;
} DomainData;

static void
domain_data_free (gpointer data)
{
  DomainData *d = data;

  g_free (d->uuid);
  g_free (d);
}

/* Returns: (transfer full) (nullable): a task for @domain carrying its
 * UUID, or NULL when the domain is gone (the callback then has its error) */
static GTask *
domain_task_new (VireoDomain         *domain,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (domain, cancellable, callback, user_data);
  DomainData *d;

  g_task_set_source_tag (task, source_tag);
  if (vireo_domain_get_connection (domain) == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN,
                               _("The virtual machine no longer exists"));
      g_object_unref (task);
      return NULL;
    }
  d = g_new0 (DomainData, 1);
  d->uuid = g_strdup (vireo_domain_get_uuid (domain));
  g_task_set_task_data (task, d, domain_data_free);
  return task;
}

typedef struct
{
  GPtrArray          *interfaces;
  VireoAddressSource  source;
} AddressResult;

static void
address_result_free (AddressResult *r)
{
  g_clear_pointer (&r->interfaces, g_ptr_array_unref);
  g_free (r);
}

static unsigned int
address_source_flag (VireoAddressSource source)
{
  switch (source)
    {
    case VIREO_ADDRESS_SOURCE_AGENT: return VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT;
    case VIREO_ADDRESS_SOURCE_ARP:   return VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP;
    case VIREO_ADDRESS_SOURCE_LEASE:
    case VIREO_ADDRESS_SOURCE_AUTO:
    default:                         return VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE;
    }
}

static GError *
address_error (VireoAddressSource source)
{
  virErrorPtr err = virGetLastError ();

  switch (source)
    {
    case VIREO_ADDRESS_SOURCE_AGENT:
      return _vireo_error_from_last (_("Could not ask the guest agent for the guest's addresses"));
    case VIREO_ADDRESS_SOURCE_ARP:
      /* libvirt up to at least 9.0 rejects the NLMSG_DONE that newer
       * kernels (6.9 on) put in the same reply as the last neighbour: its
       * ARP source then fails on every guest. Say so in plain words, as a
       * missing feature of this host rather than a failure of this guest. */
      if (err != NULL && err->code == VIR_ERR_INTERNAL_ERROR &&
          err->message != NULL && strstr (err->message, "nlmsg len") != NULL)
        {
          GError *error = g_error_new (VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_SUPPORTED,
                                       /* Translators: %s is libvirt's own message */
                                       _("This host's libvirt cannot read its ARP table (%s); "
                                         "the DHCP leases or the guest agent can tell the addresses instead"),
                                       err->message);
          virResetLastError ();
          return error;
        }
      return _vireo_error_from_last (_("Could not read the guest's addresses from the host's ARP table"));
    case VIREO_ADDRESS_SOURCE_LEASE:
    case VIREO_ADDRESS_SOURCE_AUTO:
    default:
      return _vireo_error_from_last (_("Could not read the guest's addresses from the DHCP leases"));
    }
}

/* Returns: (nullable): the interfaces, NULL with @error set on failure */
static GPtrArray *
read_addresses (virDomainPtr         dom,
                VireoAddressSource   source,
                GError             **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_guest_interface_free);
  virDomainInterfacePtr *ifaces = NULL;
  int n = virDomainInterfaceAddresses (dom, &ifaces, address_source_flag (source), 0);

  if (n < 0)
    {
      g_propagate_error (error, address_error (source));
      return NULL;
    }
  for (int i = 0; i < n; i++)
    {
      virDomainInterfacePtr src = ifaces[i];
      VireoGuestInterface *iface;

      /* The agent reports the guest's loopback too: never a way in. */
      if (g_strcmp0 (src->name, "lo") != 0)
        {
          iface = g_new0 (VireoGuestInterface, 1);
          iface->name = g_strdup (src->name);
          iface->mac = src->hwaddr != NULL && *src->hwaddr != '\0' ? g_strdup (src->hwaddr) : NULL;
          iface->addresses = g_ptr_array_new_with_free_func (g_free);
          for (unsigned int j = 0; j < src->naddrs; j++)
            if (src->addrs[j].addr != NULL)
              g_ptr_array_add (iface->addresses,
                               g_strdup_printf ("%s/%u", src->addrs[j].addr, src->addrs[j].prefix));
          g_ptr_array_add (list, iface);
        }
      virDomainInterfaceFree (src);
    }
  free (ifaces);
  g_ptr_array_sort (list, compare_by_name);
  return g_steal_pointer (&list);
}

static gboolean
has_addresses (GPtrArray *interfaces)
{
  for (guint i = 0; i < interfaces->len; i++)
    if (((VireoGuestInterface *) g_ptr_array_index (interfaces, i))->addresses->len > 0)
      return TRUE;
  return FALSE;
}

/* Errors that no other source could get round: the guest or the host is
 * gone, the guest is not running, or the user may not ask. */
static gboolean
ends_auto (const GError *error)
{
  return g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED) ||
         g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_CONNECTION_LOST) ||
         g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN) ||
         g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID) ||
         g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_ACCESS_DENIED);
}

static void
list_addresses_thread (GTask        *task,
                       virConnectPtr conn,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  static const VireoAddressSource order[] = {
    VIREO_ADDRESS_SOURCE_LEASE, VIREO_ADDRESS_SOURCE_AGENT, VIREO_ADDRESS_SOURCE_ARP,
  };
  DomainData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GPtrArray) empty = NULL;
  AddressResult *result;

  if (dom == NULL)
    return;

  result = g_new0 (AddressResult, 1);
  if (d->source != VIREO_ADDRESS_SOURCE_AUTO)
    {
      GError *error = NULL;

      result->interfaces = read_addresses (dom, d->source, &error);
      result->source = d->source;
      if (result->interfaces == NULL)
        {
          address_result_free (result);
          g_task_return_error (task, error);
          return;
        }
      g_task_return_pointer (task, result, (GDestroyNotify) address_result_free);
      return;
    }

  /* AUTO: the first source with an address answers. A source that cannot
   * answer for this guest (no agent channel, an agent not running yet, an
   * ARP table libvirt cannot read) just passes to the next. */
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = read_addresses (dom, order[i], &error);

      if (list == NULL)
        {
          if (ends_auto (error))
            {
              address_result_free (result);
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          if (first_error == NULL)
            first_error = g_steal_pointer (&error);
          continue;
        }
      if (has_addresses (list))
        {
          result->interfaces = g_steal_pointer (&list);
          result->source = order[i];
          break;
        }
      if (empty == NULL)
        empty = g_steal_pointer (&list);
    }

  if (result->interfaces == NULL && empty == NULL)
    {
      address_result_free (result);
      g_task_return_error (task, g_steal_pointer (&first_error));
      return;
    }
  /* Nobody knew an address: the interfaces the first source that answered
   * listed (often none), and no source to name. */
  if (result->interfaces == NULL)
    {
      result->interfaces = g_steal_pointer (&empty);
      result->source = VIREO_ADDRESS_SOURCE_AUTO;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) address_result_free);
}

/**
 * vireo_domain_list_addresses_async:
 * @source: where to look; %VIREO_ADDRESS_SOURCE_AUTO tries the DHCP
 *   leases, then the guest agent, then the host's ARP table
 *
 * A running guest's network interfaces and their addresses (`virsh
 * domifaddr --source lease|agent|arp`). The guest's loopback is left out.
 */
void
vireo_domain_list_addresses_async (VireoDomain         *self,
                                   VireoAddressSource   source,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (source <= VIREO_ADDRESS_SOURCE_ARP);

  task = domain_task_new (self, vireo_domain_list_addresses_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  ((DomainData *) g_task_get_task_data (task))->source = source;
  vireo_connection_run (vireo_domain_get_connection (self), task, list_addresses_thread);
}

/**
 * vireo_domain_list_addresses_finish:
 * @out_source: (out) (optional): the source that answered; for AUTO, the
 *   first one that knew an address, or %VIREO_ADDRESS_SOURCE_AUTO when
 *   none did (the list is then that of the first source that worked)
 *
 * Returns: (transfer container) (element-type VireoGuestInterface): the
 *   interfaces, sorted by name
 */
GPtrArray *
vireo_domain_list_addresses_finish (VireoDomain         *self,
                                    GAsyncResult        *result,
                                    VireoAddressSource  *out_source,
                                    GError             **error)
{
  AddressResult *r;
  GPtrArray *interfaces;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;
  if (out_source != NULL)
    *out_source = r->source;
  interfaces = g_steal_pointer (&r->interfaces);
  address_result_free (r);
  return interfaces;
}

static void
get_autostart_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  DomainData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  int autostart = 0;

  if (dom == NULL)
    return;
  if (virDomainGetAutostart (dom, &autostart) < 0)
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not read whether the machine starts with the host")));
      return;
    }
  /* An int, not a boolean: a returned FALSE could not be told from a
   * failure by a caller that passes no GError. */
  g_task_return_int (task, autostart != 0 ? 1 : 0);
}

/**
 * vireo_domain_get_autostart_async:
 *
 * Whether the machine starts when the host boots (`virsh dominfo`'s
 * Autostart line).
 */
void
vireo_domain_get_autostart_async (VireoDomain         *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  task = domain_task_new (self, vireo_domain_get_autostart_async, cancellable, callback, user_data);
  if (task != NULL)
    vireo_connection_run (vireo_domain_get_connection (self), task, get_autostart_thread);
}

/**
 * vireo_domain_get_autostart_finish:
 * @out_autostart: (out): the flag
 *
 * Returns: %TRUE when it was read
 */
gboolean
vireo_domain_get_autostart_finish (VireoDomain   *self,
                                   GAsyncResult  *result,
                                   gboolean      *out_autostart,
                                   GError       **error)
{
  g_autoptr(GError) local = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_int (G_TASK (result), &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (out_autostart != NULL)
    *out_autostart = value != 0;
  return TRUE;
}

static void
set_autostart_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  DomainData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);

  if (dom == NULL)
    return;
  if (virDomainSetAutostart (dom, d->autostart ? 1 : 0) < 0)
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not change whether the machine starts with the host")));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * vireo_domain_set_autostart_async:
 *
 * Makes the machine start, or not, when the host boots (`virsh autostart
 * NAME`, `virsh autostart --disable NAME`). Only a persistent machine can.
 */
void
vireo_domain_set_autostart_async (VireoDomain         *self,
                                  gboolean             autostart,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  task = domain_task_new (self, vireo_domain_set_autostart_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  ((DomainData *) g_task_get_task_data (task))->autostart = autostart;
  vireo_connection_run (vireo_domain_get_connection (self), task, set_autostart_thread);
}

/**
 * vireo_domain_set_autostart_finish:
 *
 * Returns: %TRUE when libvirt took the change
 */
gboolean
vireo_domain_set_autostart_finish (VireoDomain   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* passt                                                                     */

/* A domain with a passt card, parsed by the driver and turned into a
 * QEMU command line that nothing runs: the parser is what refuses passt
 * where it is built out (Debian 12's libvirt 9.0 is, by a distribution
 * patch), and it says so with a word about <backend>. Other failures
 * (no emulator, a driver without this call) say nothing about passt. */
static void
probe_passt_thread (GTask        *task,
                    virConnectPtr conn,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  static const char probe_xml[] =
    "<domain type='qemu'><name>vireo-passt-probe</name><memory unit='MiB'>64</memory>"
    "<os><type>hvm</type></os><devices>"
    "<interface type='user'><backend type='passt'/></interface>"
    "</devices></domain>";
  char *native = virConnectDomainXMLToNative (conn, "qemu-argv", probe_xml, 0);
  virErrorPtr error;

  if (native != NULL)
    {
      free (native);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  error = virGetLastError ();
  if (error != NULL && error->message != NULL && strstr (error->message, "'backend'") != NULL
      && strstr (error->message, "passt") != NULL)
    {
      g_task_return_pointer (task, g_strdup (error->message), g_free);
      return;
    }
  g_task_return_pointer (task, NULL, NULL);
}

/**
 * vireo_connection_probe_passt_async:
 *
 * Whether this host's libvirt takes the passt backend for usermode
 * network cards, asked without defining anything.
 */
void
vireo_connection_probe_passt_async (VireoConnection     *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_probe_passt_async);
  vireo_connection_run (self, task, probe_passt_thread);
}

/**
 * vireo_connection_probe_passt_finish:
 *
 * Returns: (transfer full) (nullable): libvirt's refusal of passt, or
 *   %NULL when it takes passt or says nothing about it
 */
char *
vireo_connection_probe_passt_finish (VireoConnection  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Host capabilities                                                         */

/* Parsed here, on the worker: QEMU's document is 300 lines with every
 * machine type of every arch, and the result never changes once made. */
static void
read_capabilities_thread (GTask        *task,
                          virConnectPtr conn,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  g_autoptr(VireoGuestCaps) caps = NULL;
  GError *error = NULL;
  char *xml;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  xml = virConnectGetCapabilities (conn);
  if (xml == NULL)
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not read what the host can run")));
      return;
    }
  caps = vireo_guest_caps_new_from_xml (xml, &error);
  free (xml);
  if (caps == NULL)
    {
      g_prefix_error (&error, "%s: ", _("Could not read what the host can run"));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&caps), g_object_unref);
}

/**
 * vireo_connection_read_capabilities_async:
 *
 * What the host can run (`virsh capabilities`): its arches, their
 * emulators, machine types and virtualization types, for the New VM
 * wizard's "Architecture options".
 */
void
vireo_connection_read_capabilities_async (VireoConnection     *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_read_capabilities_async);
  vireo_connection_run (self, task, read_capabilities_thread);
}

/**
 * vireo_connection_read_capabilities_finish:
 *
 * Returns: (transfer full): the host's capabilities, or %NULL with @error
 *   set
 */
VireoGuestCaps *
vireo_connection_read_capabilities_finish (VireoConnection  *self,
                                           GAsyncResult     *result,
                                           GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
