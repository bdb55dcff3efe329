/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The details pages' and Add Hardware's lookups against the private
 * libvirtd of vireo-testenv.sh: its networks and pools, a qcow2 volume
 * made in a directory pool and found again by path, autostart on a defined
 * machine, the host's real PCI devices, and a running TCG guest's
 * addresses. Every answer is checked against something other than Vireo:
 * libvirt through a second connection, qemu-img, sysfs, the daemon's files.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-domain-config.h"
#include "vireo-lookup.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define NAT_NET      "vireo-lk-nat"
#define ISOLATED_NET "vireo-lk-isolated"
#define POOL         "vireo-lk-pool"
#define AUTO_GUEST   "vireo-lk-autostart"
#define NET_GUEST    "vireo-lk-net"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

static char *
bridge_name (void)
{
  return g_strconcat (require_env ("VIREO_TEST_BRIDGE_PREFIX"), "lk", NULL);
}

static char *
pool_dir (void)
{
  return g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "lookup-pool", NULL);
}

/* Returns: (transfer none): the item called @name; its absence fails */
static gpointer
find_named (GPtrArray  *list,
            const char *name)
{
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (*(char **) g_ptr_array_index (list, i), name) == 0)
      return g_ptr_array_index (list, i);
  g_error ("“%s” is not in the list", name);
}

static gboolean
has_named (GPtrArray  *list,
           const char *name)
{
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (*(char **) g_ptr_array_index (list, i), name) == 0)
      return TRUE;
  return FALSE;
}

typedef void (*ListAsync) (VireoConnection *, GCancellable *, GAsyncReadyCallback, gpointer);
typedef GPtrArray *(*ListFinish) (VireoConnection *, GAsyncResult *, GError **);

static GPtrArray *
run_list (VireoConnection *conn,
          ListAsync        start,
          ListFinish       finish)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  start (conn, NULL, vireo_test_async_cb, &a);
  list = finish (conn, vireo_test_async_wait (&a, 60), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  g_assert (list != NULL);
  return list;
}

static GPtrArray *
list_node_devices (VireoConnection *conn,
                   const char      *bus)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  vireo_connection_list_node_devices_async (conn, bus, NULL, vireo_test_async_cb, &a);
  list = vireo_connection_list_node_devices_finish (conn, vireo_test_async_wait (&a, 60), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  g_assert (list != NULL);
  return list;
}

static VireoVolumeInfo *
lookup_volume (VireoConnection  *conn,
               const char       *path,
               GError          **error)
{
  VireoTestAsync a = { 0 };
  VireoVolumeInfo *info;

  vireo_connection_lookup_volume_async (conn, path, NULL, vireo_test_async_cb, &a);
  info = vireo_connection_lookup_volume_finish (conn, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return info;
}

static GPtrArray *
list_addresses (VireoDomain         *domain,
                VireoAddressSource   source,
                VireoAddressSource  *answered,
                GError             **error)
{
  VireoTestAsync a = { 0 };
  GPtrArray *list;

  vireo_domain_list_addresses_async (domain, source, NULL, vireo_test_async_cb, &a);
  list = vireo_domain_list_addresses_finish (domain, vireo_test_async_wait (&a, 60), answered, error);
  g_object_unref (a.result);
  return list;
}

static gboolean
read_autostart (VireoDomain *domain)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean autostart = FALSE;

  vireo_domain_get_autostart_async (domain, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_get_autostart_finish (domain, vireo_test_async_wait (&a, 30), &autostart, &error));
  g_object_unref (a.result);
  g_assert_no_error (error);
  return autostart;
}

static gboolean
write_autostart (VireoDomain  *domain,
                 gboolean      autostart,
                 GError      **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_domain_set_autostart_async (domain, autostart, NULL, vireo_test_async_cb, &a);
  ok = vireo_domain_set_autostart_finish (domain, vireo_test_async_wait (&a, 30), error);
  g_object_unref (a.result);
  return ok;
}

static VireoDomain *
wait_for_domain (VireoConnection *conn,
                 const char      *name)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  VireoDomain *domain;

  while ((domain = vireo_test_find_domain (conn, name)) == NULL && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  if (domain == NULL)
    g_error ("Vireo never heard of %s", name);
  return domain;
}

/* The environment's guest under another name, built with Vireo's model;
 * with a NIC on @network when given. */
static char *
guest_xml (const char *name,
           const char *network)
{
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, name);
  if (network != NULL)
    {
      g_autofree char *nic = g_strdup_printf ("<interface type='network'>\n"
                                              "  <source network='%s'/>\n"
                                              "  <model type='virtio'/>\n"
                                              "</interface>", network);

      g_assert_nonnull (vireo_domain_config_add_device (config, nic, &error));
      g_assert_no_error (error);
    }
  return vireo_domain_config_to_xml (config);
}

static void
run_tool (const char * const *argv,
          char              **out)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | (out == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0),
                NULL, NULL, out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* ------------------------------------------------------------------------ */

static void
test_networks (void)
{
  const char *first24 = require_env ("VIREO_TEST_IPV4_FIRST24");
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *bridge = bridge_name ();
  g_autofree char *nat_xml = NULL;
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GPtrArray) nets = NULL;
  g_autoptr(GPtrArray) ifaces = NULL;
  virConnectPtr direct = virConnectOpen (uri);
  virNetworkPtr nat, isolated;
  VireoNetworkInfo *net;
  VireoHostInterfaceInfo *iface;
  char uuid[VIR_UUID_STRING_BUFLEN];

  g_assert_nonnull (direct);
  nat_xml = g_strdup_printf ("<network><name>" NAT_NET "</name><forward mode='nat'/>"
                             "<bridge name='%s'/>"
                             "<ip address='%s.1' netmask='255.255.255.0'>"
                             "<dhcp><range start='%s.10' end='%s.50'/></dhcp></ip></network>",
                             bridge, first24, first24, first24);
  nat = virNetworkDefineXML (direct, nat_xml);
  g_assert_nonnull (nat);
  g_assert_cmpint (virNetworkCreate (nat), ==, 0);
  isolated = virNetworkDefineXML (direct, "<network><name>" ISOLATED_NET "</name></network>");
  g_assert_nonnull (isolated);

  nets = run_list (conn, vireo_connection_list_networks_async, vireo_connection_list_networks_finish);
  net = find_named (nets, NAT_NET);
  g_assert_true (virNetworkGetUUIDString (nat, uuid) == 0);
  g_assert_cmpstr (net->uuid, ==, uuid);
  g_assert_true (net->active);
  g_assert_true (net->persistent);
  g_assert_false (net->autostart);
  g_assert_cmpstr (net->forward_mode, ==, "nat");
  g_assert_cmpstr (net->bridge, ==, bridge);
  /* Defined, never started: libvirt picked its bridge name already. */
  net = find_named (nets, ISOLATED_NET);
  g_assert_false (net->active);
  g_assert_cmpstr (net->forward_mode, ==, "none");
  g_assert_nonnull (net->bridge);

  /* The NAT network's bridge is a host interface now, of type bridge;
   * every interface listed is one the kernel has, loopback left out, and
   * active when the kernel says its link is up (a bridge with no port
   * yet is not). */
  ifaces = run_list (conn, vireo_connection_list_host_interfaces_async,
                     vireo_connection_list_host_interfaces_finish);
  iface = find_named (ifaces, bridge);
  g_assert_cmpstr (iface->type, ==, "bridge");
  g_assert_nonnull (iface->mac);
  g_assert_false (has_named (ifaces, "lo"));
  for (guint i = 0; i < ifaces->len; i++)
    {
      VireoHostInterfaceInfo *info = g_ptr_array_index (ifaces, i);
      g_autofree char *operstate_file = g_build_filename ("/sys/class/net", info->name, "operstate", NULL);
      g_autofree char *operstate = NULL;
      g_autofree char *address_file = g_build_filename ("/sys/class/net", info->name, "address", NULL);
      g_autofree char *address = NULL;

      g_assert_true (g_file_get_contents (operstate_file, &operstate, NULL, NULL));
      g_assert_true (g_file_get_contents (address_file, &address, NULL, NULL));
      g_assert_nonnull (info->type);
      g_assert_cmpint (info->active, ==, g_str_has_prefix (operstate, "up"));
      g_assert_cmpstr (info->mac, ==, g_strstrip (address));
    }

  g_assert_cmpint (virNetworkUndefine (isolated), ==, 0);
  virNetworkFree (isolated);
  virNetworkFree (nat);   /* NET_GUEST uses it; the environment's stop removes it */
  virConnectClose (direct);
}

static void
test_storage (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *dir = pool_dir ();
  g_autofree char *pool_xml = NULL;
  g_autofree char *outside = NULL;
  g_autofree char *loose = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "loose.img", NULL);
  g_autofree char *info_json = NULL;
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GPtrArray) pools = NULL;
  g_autoptr(VireoVolumeInfo) created = NULL;
  g_autoptr(VireoVolumeInfo) found = NULL;
  g_autoptr(VireoVolumeInfo) copied = NULL;
  g_autoptr(GError) error = NULL;
  virConnectPtr direct = virConnectOpen (uri);
  virStoragePoolPtr pool;
  VireoPoolInfo *info;

  g_assert_nonnull (direct);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  pool_xml = g_strdup_printf ("<pool type='dir'><name>" POOL "</name><target><path>%s</path></target></pool>", dir);
  pool = virStoragePoolDefineXML (direct, pool_xml, 0);
  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);

  pools = run_list (conn, vireo_connection_list_pools_async, vireo_connection_list_pools_finish);
  info = find_named (pools, POOL);
  g_assert_cmpstr (info->type, ==, "dir");
  g_assert_true (info->active);
  g_assert_cmpstr (info->target_path, ==, dir);
  g_assert_cmpuint (info->capacity, >, 0);
  g_assert_cmpuint (info->available, >, 0);
  g_assert_cmpuint (info->available, <=, info->capacity);
  g_assert_cmpuint (info->volumes->len, ==, 0);
  g_clear_pointer (&pools, g_ptr_array_unref);

  /* A qcow2 volume, as Add Hardware makes it. */
  {
    VireoTestAsync a = { 0 };

    vireo_connection_create_volume_async (conn, POOL, "disk1.qcow2", 64 << 20, NULL, NULL, vireo_test_async_cb, &a);
    created = vireo_connection_create_volume_finish (conn, vireo_test_async_wait (&a, 60), &error);
    g_object_unref (a.result);
  }
  g_assert_no_error (error);
  g_assert (created != NULL);
  g_assert_cmpstr (created->name, ==, "disk1.qcow2");
  g_assert_cmpstr (created->format, ==, "qcow2");
  g_assert_cmpstr (created->type, ==, "file");
  g_assert_cmpstr (created->pool, ==, POOL);
  g_assert_cmpuint (created->capacity, ==, 64 << 20);
  g_assert_true (g_str_has_prefix (created->path, dir));
  /* qemu-img, not libvirt, says what the file is: qcow2 of 64 MiB. */
  run_tool ((const char *[]) { "qemu-img", "info", "--output=json", created->path, NULL }, &info_json);
  g_assert_nonnull (strstr (info_json, "\"format\": \"qcow2\""));
  g_assert_nonnull (strstr (info_json, "\"virtual-size\": 67108864"));

  found = lookup_volume (conn, created->path, &error);
  g_assert_no_error (error);
  g_assert (found != NULL);
  g_assert_cmpstr (found->name, ==, "disk1.qcow2");
  g_assert_cmpstr (found->pool, ==, POOL);
  g_assert_cmpstr (found->path, ==, created->path);
  g_assert_cmpstr (found->key, ==, created->key);

  /* An image made in the pool's directory behind libvirt's back is found
   * too: the lookup refreshes the pool that holds the path. */
  outside = g_build_filename (dir, "copied.qcow2", NULL);
  run_tool ((const char *[]) { "qemu-img", "create", "-q", "-f", "qcow2", outside, "8M", NULL }, NULL);
  g_assert_null (virStorageVolLookupByPath (direct, outside));   /* libvirt alone: not yet */
  copied = lookup_volume (conn, outside, &error);
  g_assert_no_error (error);
  g_assert (copied != NULL);
  g_assert_cmpstr (copied->name, ==, "copied.qcow2");
  g_assert_cmpstr (copied->format, ==, "qcow2");
  g_assert_cmpuint (copied->capacity, ==, 8 << 20);

  /* A file in no pool. */
  run_tool ((const char *[]) { "qemu-img", "create", "-q", "-f", "raw", loose, "1M", NULL }, NULL);
  g_assert_null (lookup_volume (conn, loose, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_VOLUME);
  g_assert_nonnull (strstr (error->message, loose));
  g_clear_error (&error);

  pools = run_list (conn, vireo_connection_list_pools_async, vireo_connection_list_pools_finish);
  info = find_named (pools, POOL);
  g_assert_cmpuint (info->volumes->len, ==, 2);
  g_assert_cmpstr (((VireoVolumeInfo *) g_ptr_array_index (info->volumes, 0))->name, ==, "copied.qcow2");
  g_assert_cmpstr (((VireoVolumeInfo *) g_ptr_array_index (info->volumes, 1))->name, ==, "disk1.qcow2");
  g_assert_cmpuint (info->allocation, >, 0);

  virStoragePoolFree (pool);
  virConnectClose (direct);
}

static void
test_autostart (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *xml = guest_xml (AUTO_GUEST, NULL);
  g_autofree char *transient_xml = guest_xml (AUTO_GUEST "-transient", NULL);
  g_autofree char *link = g_build_filename (require_env ("VIREO_TEST_STATE"), "etc", "libvirt", "qemu",
                                            "autostart", AUTO_GUEST ".xml", NULL);
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GError) error = NULL;
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr dom, transient;
  VireoDomain *domain;
  int flag = -1;

  g_assert_nonnull (direct);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  domain = wait_for_domain (conn, AUTO_GUEST);

  g_assert_false (read_autostart (domain));
  g_assert_true (write_autostart (domain, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (virDomainGetAutostart (dom, &flag), ==, 0);
  g_assert_cmpint (flag, ==, 1);
  /* The daemon keeps it as a link in its autostart folder. */
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (read_autostart (domain));

  g_assert_true (write_autostart (domain, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (virDomainGetAutostart (dom, &flag), ==, 0);
  g_assert_cmpint (flag, ==, 0);
  g_assert_false (g_file_test (link, G_FILE_TEST_EXISTS));
  g_assert_false (read_autostart (domain));

  /* QEMU refuses autostart for a machine that has no definition to keep. */
  transient = virDomainCreateXML (direct, transient_xml, 0);
  g_assert_nonnull (transient);
  domain = wait_for_domain (conn, AUTO_GUEST "-transient");
  g_assert_false (write_autostart (domain, TRUE, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Could not change whether the machine starts with the host: "));
  g_test_message ("transient: %s", error->message);

  g_assert_cmpint (virDomainDestroy (transient), ==, 0);
  virDomainFree (transient);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (direct);
}

/* "0000:00:1f.3" for every PCI device sysfs shows. */
static GHashTable *
sysfs_pci_addresses (void)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = g_dir_open ("/sys/bus/pci/devices", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_hash_table_add (set, g_strdup (name));
  return set;
}

/* USB devices sysfs shows that are not root hubs (vendor 1d6b, products
 * 1 to 3). Interfaces ("1-1:1.0") have no idVendor and are not counted. */
static guint
sysfs_usb_devices (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/sys/bus/usb/devices", 0, NULL);
  const char *name;
  guint count = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *vendor_file = g_build_filename ("/sys/bus/usb/devices", name, "idVendor", NULL);
      g_autofree char *product_file = g_build_filename ("/sys/bus/usb/devices", name, "idProduct", NULL);
      g_autofree char *vendor = NULL;
      g_autofree char *product = NULL;
      guint64 product_id;

      if (!g_file_get_contents (vendor_file, &vendor, NULL, NULL) ||
          !g_file_get_contents (product_file, &product, NULL, NULL))
        continue;
      product_id = g_ascii_strtoull (product, NULL, 16);
      if (g_str_has_prefix (vendor, "1d6b") && product_id >= 1 && product_id <= 3)
        continue;
      count++;
    }
  return count;
}

static void
test_node_devices (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GHashTable) sysfs = sysfs_pci_addresses ();
  g_autoptr(GPtrArray) pci = list_node_devices (conn, "pci");
  g_autoptr(GPtrArray) usb = list_node_devices (conn, "usb");

  /* The private daemon loads the node device driver (libvirt-daemon ships
   * it): it sees exactly the PCI devices sysfs shows. These machines have
   * half a dozen virtio devices; a host without PCI would prove nothing. */
  g_assert_cmpuint (g_hash_table_size (sysfs), >, 0);
  g_assert_cmpuint (pci->len, ==, g_hash_table_size (sysfs));
  for (guint i = 0; i < pci->len; i++)
    {
      VireoNodeDeviceInfo *dev = g_ptr_array_index (pci, i);
      g_autofree char *address = g_strdup_printf ("%04x:%02x:%02x.%x", dev->pci_domain, dev->pci_bus,
                                                  dev->pci_slot, dev->pci_function);
      g_autofree char *hostdev = vireo_node_device_hostdev_xml (dev);
      g_autofree char *source = g_strdup_printf ("<address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>",
                                                 dev->pci_domain, dev->pci_bus, dev->pci_slot, dev->pci_function);
      g_autofree char *label = vireo_node_device_dup_label (dev);
      g_autofree char *ids = g_strdup_printf ("(%04x:%04x)", dev->vendor_id, dev->product_id);

      g_assert_cmpstr (dev->bus, ==, "pci");
      g_assert_true (g_hash_table_contains (sysfs, address));
      g_assert_cmpuint (dev->vendor_id, !=, 0);
      g_assert_nonnull (strstr (hostdev, source));
      g_assert_true (g_str_has_suffix (label, ids));
      g_test_message ("%s: %s%s%s", address, label,
                      dev->driver != NULL ? ", driver " : "", dev->driver != NULL ? dev->driver : "");
    }

  /* USB: whatever the host has, root hubs left out (none on these machines). */
  g_assert_cmpuint (usb->len, ==, sysfs_usb_devices ());
}

static void
assert_well_formed (GPtrArray *ifaces)
{
  for (guint i = 0; i < ifaces->len; i++)
    {
      VireoGuestInterface *iface = g_ptr_array_index (ifaces, i);

      g_assert_nonnull (iface->name);
      g_assert_cmpstr (iface->name, !=, "lo");
      g_assert_nonnull (iface->addresses);
      for (guint j = 0; j < iface->addresses->len; j++)
        {
          const char *text = g_ptr_array_index (iface->addresses, j);
          g_autoptr(GInetAddressMask) mask = g_inet_address_mask_new_from_string (text, NULL);

          /* "192.0.2.3/24": an address and a prefix GIO can read back. */
          g_assert_nonnull (strchr (text, '/'));
          g_assert_nonnull (mask);
        }
    }
}

static guint
count_addresses (GPtrArray *ifaces)
{
  guint count = 0;

  for (guint i = 0; i < ifaces->len; i++)
    count += ((VireoGuestInterface *) g_ptr_array_index (ifaces, i))->addresses->len;
  return count;
}

static gboolean
is_running (gpointer data)
{
  return vireo_domain_get_state (data) == VIREO_DOMAIN_STATE_RUNNING;
}

static void
test_addresses (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *xml = guest_xml (NET_GUEST, NAT_NET);
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GPtrArray) ifaces = NULL;
  g_autoptr(GError) error = NULL;
  virConnectPtr direct = virConnectOpen (uri);
  VireoAddressSource answered = VIREO_ADDRESS_SOURCE_ARP;
  virDomainPtr dom;
  VireoDomain *domain;

  g_assert_nonnull (direct);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  domain = wait_for_domain (conn, NET_GUEST);
  vireo_test_wait_for (is_running, domain, 20, "the guest to run");

  /* The firmware asks no DHCP lease: the list may be empty, the call
   * must work. */
  ifaces = list_addresses (domain, VIREO_ADDRESS_SOURCE_LEASE, &answered, &error);
  g_assert_no_error (error);
  g_assert (ifaces != NULL);
  g_assert_cmpint (answered, ==, VIREO_ADDRESS_SOURCE_LEASE);
  assert_well_formed (ifaces);
  g_test_message ("lease: %u interfaces", ifaces->len);
  g_clear_pointer (&ifaces, g_ptr_array_unref);

  /* libvirt 9.0 cannot read the ARP table of these machines' kernel (it
   * takes the NLMSG_DONE that the kernel puts after the last neighbour
   * for a short message): Vireo says so as NOT_SUPPORTED. On a host where
   * it works, the answer must be well-formed. */
  ifaces = list_addresses (domain, VIREO_ADDRESS_SOURCE_ARP, &answered, &error);
  if (ifaces != NULL)
    {
      g_assert_no_error (error);
      g_assert_cmpint (answered, ==, VIREO_ADDRESS_SOURCE_ARP);
      assert_well_formed (ifaces);
      g_test_message ("arp: %u interfaces", ifaces->len);
      g_clear_pointer (&ifaces, g_ptr_array_unref);
    }
  else
    {
      g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_SUPPORTED);
      g_assert_nonnull (strstr (error->message, "ARP table"));
      g_test_message ("arp: %s", error->message);
      g_clear_error (&error);
    }

  /* No agent channel: asked directly, that is the error ... */
  g_assert_null (list_addresses (domain, VIREO_ADDRESS_SOURCE_AGENT, NULL, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_SUPPORTED);
  g_assert_true (g_str_has_prefix (error->message, "Could not ask the guest agent"));
  g_clear_error (&error);

  /* ... and for AUTO it is no error at all: leases worked, nobody knew an
   * address, so no source is named. */
  ifaces = list_addresses (domain, VIREO_ADDRESS_SOURCE_AUTO, &answered, &error);
  g_assert_no_error (error);
  g_assert (ifaces != NULL);
  assert_well_formed (ifaces);
  if (count_addresses (ifaces) == 0)
    g_assert_cmpint (answered, ==, VIREO_ADDRESS_SOURCE_AUTO);
  else
    g_assert_cmpint (answered, !=, VIREO_ADDRESS_SOURCE_AUTO);

  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (direct);
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

  /* In this order: the addresses test's guest uses the NAT network. */
  g_test_add_func ("/lookup-integration/1-networks", test_networks);
  g_test_add_func ("/lookup-integration/2-storage", test_storage);
  g_test_add_func ("/lookup-integration/3-autostart", test_autostart);
  g_test_add_func ("/lookup-integration/4-node-devices", test_node_devices);
  g_test_add_func ("/lookup-integration/5-addresses", test_addresses);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
