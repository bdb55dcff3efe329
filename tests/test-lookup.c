/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The lookups behind the details pages and Add Hardware, against libvirt's
 * test driver: test:///default (shared by every connection of the process,
 * so a second, direct connection sees what Vireo changed) and
 * tests/data/lookup-node.xml (networks of each forward mode, a host bridge,
 * a pool with a volume, PCI and USB devices).
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-lookup.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define DEFAULT_URI "test:///default"

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "lookup-node.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  return g_strconcat ("test://", abs, NULL);
}

typedef void (*ListAsync) (VireoConnection *, GCancellable *, GAsyncReadyCallback, gpointer);
typedef GPtrArray *(*ListFinish) (VireoConnection *, GAsyncResult *, GError **);

static GPtrArray *
run_list (VireoConnection  *conn,
          ListAsync         start,
          ListFinish        finish,
          GError          **error)
{
  VireoTestAsync a = { 0 };
  GPtrArray *list;

  start (conn, NULL, vireo_test_async_cb, &a);
  list = finish (conn, vireo_test_async_wait (&a, 30), error);
  g_object_unref (a.result);
  return list;
}

static GPtrArray *
list_node_devices (VireoConnection  *conn,
                   const char       *bus,
                   GError          **error)
{
  VireoTestAsync a = { 0 };
  GPtrArray *list;

  vireo_connection_list_node_devices_async (conn, bus, NULL, vireo_test_async_cb, &a);
  list = vireo_connection_list_node_devices_finish (conn, vireo_test_async_wait (&a, 30), error);
  g_object_unref (a.result);
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
  info = vireo_connection_lookup_volume_finish (conn, vireo_test_async_wait (&a, 30), error);
  g_object_unref (a.result);
  return info;
}

static VireoVolumeInfo *
create_volume (VireoConnection  *conn,
               const char       *pool,
               const char       *name,
               guint64           capacity,
               const char       *format,
               GError          **error)
{
  VireoTestAsync a = { 0 };
  VireoVolumeInfo *info;

  vireo_connection_create_volume_async (conn, pool, name, capacity, format, NULL, vireo_test_async_cb, &a);
  info = vireo_connection_create_volume_finish (conn, vireo_test_async_wait (&a, 30), error);
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
  list = vireo_domain_list_addresses_finish (domain, vireo_test_async_wait (&a, 30), answered, error);
  g_object_unref (a.result);
  return list;
}

static gboolean
get_autostart (VireoDomain *domain)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean autostart = -1;

  vireo_domain_get_autostart_async (domain, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_get_autostart_finish (domain, vireo_test_async_wait (&a, 30), &autostart, &error));
  g_assert_no_error (error);
  g_object_unref (a.result);
  g_assert_true (autostart == TRUE || autostart == FALSE);
  return autostart;
}

static void
set_autostart (VireoDomain *domain,
               gboolean     autostart)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  vireo_domain_set_autostart_async (domain, autostart, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_set_autostart_finish (domain, vireo_test_async_wait (&a, 30), &error));
  g_assert_no_error (error);
  g_object_unref (a.result);
}

/* Returns: (transfer none): the item called @name; its absence fails */
static gpointer
find_named (GPtrArray  *list,
            const char *name)
{
  /* Every result struct starts with its name. */
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (*(char **) g_ptr_array_index (list, i), name) == 0)
      return g_ptr_array_index (list, i);
  g_error ("“%s” is not in the list", name);
}

static void
assert_sorted (GPtrArray *list)
{
  for (guint i = 1; i < list->len; i++)
    g_assert_cmpint (g_strcmp0 (*(char **) g_ptr_array_index (list, i - 1),
                                *(char **) g_ptr_array_index (list, i)), <, 0);
}

/* ------------------------------------------------------------------------ */

static void
test_networks_default (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (DEFAULT_URI, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nets = run_list (conn, vireo_connection_list_networks_async,
                                        vireo_connection_list_networks_finish, &error);
  VireoNetworkInfo *net;

  g_assert_no_error (error);
  g_assert_cmpuint (nets->len, ==, 1);
  net = g_ptr_array_index (nets, 0);
  g_assert_cmpstr (net->name, ==, "default");
  g_assert_cmpstr (net->uuid, ==, "dd8fe884-6c02-601e-7551-cca97df1c5df");
  g_assert_true (net->active);
  g_assert_true (net->persistent);
  g_assert_false (net->autostart);
  g_assert_cmpstr (net->forward_mode, ==, "nat");
  g_assert_cmpstr (net->bridge, ==, "virbr0");
}

static void
test_networks_modes (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nets = run_list (conn, vireo_connection_list_networks_async,
                                        vireo_connection_list_networks_finish, &error);
  VireoNetworkInfo *net;

  g_assert_no_error (error);
  g_assert_cmpuint (nets->len, ==, 4);
  assert_sorted (nets);

  net = find_named (nets, "nat");
  g_assert_cmpstr (net->forward_mode, ==, "nat");
  g_assert_cmpstr (net->bridge, ==, "virbr7");
  g_assert_cmpstr (net->uuid, ==, "aaaaaaaa-0000-4000-8000-000000000001");
  /* No <forward> at all: guests talk to each other and the host only. */
  net = find_named (nets, "isolated");
  g_assert_cmpstr (net->forward_mode, ==, "none");
  g_assert_cmpstr (net->bridge, ==, "virbr8");
  /* A network over a bridge the host already has. */
  net = find_named (nets, "lan");
  g_assert_cmpstr (net->forward_mode, ==, "bridge");
  g_assert_cmpstr (net->bridge, ==, "br0");
  /* macvtap onto a device: bridge mode, but no bridge to name. */
  net = find_named (nets, "macvtap");
  g_assert_cmpstr (net->forward_mode, ==, "bridge");
  g_assert_null (net->bridge);
}

static void
test_host_interfaces (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (DEFAULT_URI, 0);
  g_autoptr(VireoConnection) node = vireo_test_open_connection (uri, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ifaces = run_list (conn, vireo_connection_list_host_interfaces_async,
                                          vireo_connection_list_host_interfaces_finish, &error);
  g_autoptr(GPtrArray) bridges = NULL;
  VireoHostInterfaceInfo *iface;

  /* test:///default has one interface, eth1. */
  g_assert_no_error (error);
  g_assert_cmpuint (ifaces->len, ==, 1);
  iface = g_ptr_array_index (ifaces, 0);
  g_assert_cmpstr (iface->name, ==, "eth1");
  g_assert_cmpstr (iface->type, ==, "ethernet");
  g_assert_cmpstr (iface->mac, ==, "aa:bb:cc:dd:ee:ff");
  g_assert_true (iface->active);

  bridges = run_list (node, vireo_connection_list_host_interfaces_async,
                      vireo_connection_list_host_interfaces_finish, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bridges->len, ==, 1);
  iface = g_ptr_array_index (bridges, 0);
  g_assert_cmpstr (iface->name, ==, "br0");
  g_assert_cmpstr (iface->type, ==, "bridge");
  g_assert_true (iface->active);
}

static void
test_pools (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (DEFAULT_URI, 0);
  virConnectPtr direct = virConnectOpen (DEFAULT_URI);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pools = NULL;
  VireoPoolInfo *pool;
  virStoragePoolPtr offline;

  /* A pool defined but not started, from outside Vireo. */
  g_assert_nonnull (direct);
  offline = virStoragePoolDefineXML (direct, "<pool type='dir'><name>offline-pool</name>"
                                             "<target><path>/offline</path></target></pool>", 0);
  g_assert_nonnull (offline);

  pools = run_list (conn, vireo_connection_list_pools_async, vireo_connection_list_pools_finish, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pools->len, >=, 2);
  assert_sorted (pools);

  pool = find_named (pools, "default-pool");
  g_assert_nonnull (pool);
  g_assert_cmpstr (pool->uuid, ==, "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566");
  g_assert_cmpstr (pool->type, ==, "dir");
  g_assert_true (pool->active);
  g_assert_false (pool->autostart);
  g_assert_cmpstr (pool->target_path, ==, "/default-pool");
  g_assert_cmpuint (pool->capacity, ==, G_GUINT64_CONSTANT (107374182400));
  g_assert_cmpuint (pool->allocation + pool->available, ==, pool->capacity);
  g_assert_nonnull (pool->volumes);

  pool = find_named (pools, "offline-pool");
  g_assert_nonnull (pool);
  g_assert_false (pool->active);
  g_assert_cmpstr (pool->target_path, ==, "/offline");
  g_assert_nonnull (pool->volumes);
  g_assert_cmpuint (pool->volumes->len, ==, 0);

  g_assert_cmpint (virStoragePoolUndefine (offline), ==, 0);
  virStoragePoolFree (offline);
  virConnectClose (direct);
}

static void
test_pool_volumes (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pools = run_list (conn, vireo_connection_list_pools_async,
                                         vireo_connection_list_pools_finish, &error);
  VireoPoolInfo *pool;
  VireoVolumeInfo *vol;

  g_assert_no_error (error);
  g_assert_cmpuint (pools->len, ==, 1);
  pool = g_ptr_array_index (pools, 0);
  g_assert_cmpstr (pool->name, ==, "images");
  /* The node file says GiB; libvirt answers in bytes, and the test driver
   * counts the allocation from the volumes, not from the file. */
  g_assert_cmpuint (pool->capacity, ==, G_GUINT64_CONSTANT (100) << 30);
  g_assert_cmpuint (pool->allocation, ==, G_GUINT64_CONSTANT (2) << 30);
  g_assert_cmpuint (pool->available, ==, G_GUINT64_CONSTANT (98) << 30);
  g_assert_cmpuint (pool->volumes->len, ==, 1);
  vol = g_ptr_array_index (pool->volumes, 0);
  g_assert_cmpstr (vol->name, ==, "disk.qcow2");
  g_assert_cmpstr (vol->path, ==, "/images/disk.qcow2");
  g_assert_cmpstr (vol->key, ==, "/images/disk.qcow2");
  g_assert_cmpstr (vol->type, ==, "file");
  g_assert_cmpstr (vol->format, ==, "qcow2");
  g_assert_cmpstr (vol->pool, ==, "images");
  g_assert_cmpuint (vol->capacity, ==, G_GUINT64_CONSTANT (20) << 30);
  g_assert_cmpuint (vol->allocation, ==, G_GUINT64_CONSTANT (2) << 30);
}

static void
test_volumes (void)
{
  /* The user's text, with every character XML cares about. */
  static const char name[] = "a&b<c>'d\" e.qcow2";
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (DEFAULT_URI, 0);
  virConnectPtr direct = virConnectOpen (DEFAULT_URI);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoVolumeInfo) created = NULL;
  g_autoptr(VireoVolumeInfo) found = NULL;
  g_autoptr(VireoVolumeInfo) raw = NULL;
  g_autoptr(GPtrArray) pools = NULL;
  VireoPoolInfo *pool;
  virStorageVolPtr vol;

  created = create_volume (conn, "default-pool", name, 1 << 20, NULL, &error);
  g_assert_no_error (error);
  g_assert (created != NULL);
  g_assert_cmpstr (created->name, ==, name);
  g_assert_cmpstr (created->path, ==, "/default-pool/a&b<c>'d\" e.qcow2");
  g_assert_cmpstr (created->format, ==, "qcow2");
  g_assert_cmpstr (created->pool, ==, "default-pool");
  g_assert_cmpuint (created->capacity, ==, 1 << 20);

  /* libvirt has it, under exactly that name. */
  g_assert_nonnull (direct);
  vol = virStorageVolLookupByPath (direct, created->path);
  g_assert_nonnull (vol);
  g_assert_cmpstr (virStorageVolGetName (vol), ==, name);
  virStorageVolFree (vol);

  found = lookup_volume (conn, created->path, &error);
  g_assert_no_error (error);
  g_assert (found != NULL);
  g_assert_cmpstr (found->name, ==, name);
  g_assert_cmpstr (found->pool, ==, "default-pool");
  g_assert_cmpstr (found->format, ==, "qcow2");
  g_assert_cmpuint (found->capacity, ==, 1 << 20);

  raw = create_volume (conn, "default-pool", "plain.img", 4 << 20, "raw", &error);
  g_assert_no_error (error);
  g_assert (raw != NULL);
  g_assert_cmpstr (raw->format, ==, "raw");

  pools = run_list (conn, vireo_connection_list_pools_async, vireo_connection_list_pools_finish, &error);
  g_assert_no_error (error);
  pool = find_named (pools, "default-pool");
  g_assert_nonnull (find_named (pool->volumes, name));
  g_assert_nonnull (find_named (pool->volumes, "plain.img"));
  assert_sorted (pool->volumes);

  /* A path in no pool: a plain file, which the UI says in those words. */
  g_assert_null (lookup_volume (conn, "/elsewhere/loose.img", &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_VOLUME);
  g_assert_nonnull (strstr (error->message, "/elsewhere/loose.img"));
  g_assert_nonnull (strstr (error->message, "storage pool"));
  g_clear_error (&error);

  /* An unknown pool: the message names it. */
  g_assert_null (create_volume (conn, "no-such-pool", "x.qcow2", 1 << 20, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == VIREO_VIRT_ERROR);
  g_assert_nonnull (strstr (error->message, "no-such-pool"));
  g_clear_error (&error);

  /* The same name twice: libvirt's refusal, after what Vireo tried. */
  g_assert_null (create_volume (conn, "default-pool", "plain.img", 1 << 20, "raw", &error));
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "Could not create the volume “plain.img”: "));
  g_clear_error (&error);

  virConnectClose (direct);
}

/* ------------------------------------------------------------------------ */
/* Node devices                                                              */

static void
test_node_devices_default (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (DEFAULT_URI, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pci = list_node_devices (conn, "pci", &error);
  g_autoptr(GPtrArray) usb = NULL;

  /* test:///default has only a "computer" and SCSI hosts. */
  g_assert_no_error (error);
  g_assert_cmpuint (pci->len, ==, 0);
  usb = list_node_devices (conn, "usb", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (usb->len, ==, 0);

  g_assert_null (list_node_devices (conn, "scsi", &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
}

static void
test_node_devices (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pci = list_node_devices (conn, "pci", &error);
  g_autoptr(GPtrArray) usb = NULL;
  g_autofree char *label = NULL;
  VireoNodeDeviceInfo *dev;

  g_assert_no_error (error);
  g_assert_cmpuint (pci->len, ==, 1);
  dev = g_ptr_array_index (pci, 0);
  g_assert_cmpstr (dev->name, ==, "pci_0000_00_1f_3");
  g_assert_cmpstr (dev->bus, ==, "pci");
  g_assert_cmpuint (dev->vendor_id, ==, 0x8086);
  g_assert_cmpuint (dev->product_id, ==, 0xa348);
  g_assert_cmpstr (dev->vendor, ==, "Intel Corporation");
  g_assert_cmpstr (dev->product, ==, "Cannon Lake PCH cAVS");
  g_assert_cmpuint (dev->pci_domain, ==, 0);
  g_assert_cmpuint (dev->pci_bus, ==, 0);
  g_assert_cmpuint (dev->pci_slot, ==, 31);
  g_assert_cmpuint (dev->pci_function, ==, 3);
  g_assert_cmpuint (dev->pci_class, ==, 0x040300);
  label = vireo_node_device_dup_label (dev);
  g_assert_cmpstr (label, ==, "Intel Corporation Cannon Lake PCH cAVS (8086:a348)");

  /* The root hub is left out; the receiver behind it is not. */
  usb = list_node_devices (conn, "usb", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (usb->len, ==, 1);
  dev = g_ptr_array_index (usb, 0);
  g_assert_cmpstr (dev->name, ==, "usb_1_4");
  g_assert_cmpstr (dev->bus, ==, "usb");
  g_assert_cmpuint (dev->vendor_id, ==, 0x046d);
  g_assert_cmpuint (dev->product_id, ==, 0xc52b);
  g_assert_cmpuint (dev->usb_bus, ==, 1);
  g_assert_cmpuint (dev->usb_device, ==, 4);
  g_assert_cmpstr (dev->vendor, ==, "Logitech, Inc.");
  g_assert_cmpstr (dev->product, ==, "Unifying Receiver");
}

/* What libvirt 9.0's udev backend writes for a real PCI device of these
 * machines: a product with an id and no name, an empty <driver>. */
static const char real_pci_xml[] =
  "<device>\n"
  "  <name>pci_0000_00_00_0</name>\n"
  "  <path>/sys/devices/pci0000:00/0000:00:00.0</path>\n"
  "  <parent>computer</parent>\n"
  "  <driver>\n"
  "  </driver>\n"
  "  <capability type='pci'>\n"
  "    <class>0x060000</class>\n"
  "    <domain>0</domain>\n"
  "    <bus>0</bus>\n"
  "    <slot>0</slot>\n"
  "    <function>0</function>\n"
  "    <product id='0x0d57'/>\n"
  "    <vendor id='0x8086'>Intel Corporation</vendor>\n"
  "    <pci-express/>\n"
  "  </capability>\n"
  "</device>\n";

static const char usb_xml[] =
  "<device>\n"
  "  <name>usb_3_7</name>\n"
  "  <path>/sys/devices/pci0000:00/0000:00:14.0/usb3/3-7</path>\n"
  "  <devnode type='dev'>/dev/bus/usb/003/009</devnode>\n"
  "  <parent>usb_usb3</parent>\n"
  "  <driver>\n"
  "    <name>usb</name>\n"
  "  </driver>\n"
  "  <capability type='usb_device'>\n"
  "    <bus>3</bus>\n"
  "    <device>9</device>\n"
  "    <product id='0x0a2b'>Bluetooth wireless interface</product>\n"
  "    <vendor id='0x8087'>Intel Corp.</vendor>\n"
  "  </capability>\n"
  "</device>\n";

static const char busy_pci_xml[] =
  "<device>\n"
  "  <name>pci_0001_3a_1f_6</name>\n"
  "  <parent>pci_0001_00_01_0</parent>\n"
  "  <driver>\n"
  "    <name>e1000e</name>\n"
  "  </driver>\n"
  "  <capability type='pci'>\n"
  "    <class>0x020000</class>\n"
  "    <domain>1</domain>\n"
  "    <bus>58</bus>\n"
  "    <slot>31</slot>\n"
  "    <function>6</function>\n"
  "    <product id='0x15bb'>Ethernet Connection (7) I219-LM</product>\n"
  "    <vendor id='0x8086'>Intel Corporation</vendor>\n"
  "  </capability>\n"
  "</device>\n";

static void
test_node_device_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoNodeDeviceInfo) pci = vireo_node_device_info_new_from_xml (real_pci_xml, &error);
  g_autoptr(VireoNodeDeviceInfo) usb = NULL;
  g_autoptr(VireoNodeDeviceInfo) busy = NULL;
  g_autoptr(VireoNodeDeviceInfo) none = NULL;
  g_autofree char *label = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (pci->name, ==, "pci_0000_00_00_0");
  g_assert_null (pci->driver);
  g_assert_null (pci->product);
  g_assert_cmpuint (pci->product_id, ==, 0x0d57);
  g_assert_cmpuint (pci->pci_class, ==, 0x060000);
  label = vireo_node_device_dup_label (pci);
  g_assert_cmpstr (label, ==, "Intel Corporation (8086:0d57)");
  g_clear_pointer (&label, g_free);

  usb = vireo_node_device_info_new_from_xml (usb_xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (usb->bus, ==, "usb");
  g_assert_cmpstr (usb->driver, ==, "usb");
  g_assert_cmpuint (usb->usb_bus, ==, 3);
  g_assert_cmpuint (usb->usb_device, ==, 9);
  label = vireo_node_device_dup_label (usb);
  g_assert_cmpstr (label, ==, "Intel Corp. Bluetooth wireless interface (8087:0a2b)");
  g_clear_pointer (&label, g_free);

  busy = vireo_node_device_info_new_from_xml (busy_pci_xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (busy->driver, ==, "e1000e");
  g_assert_cmpuint (busy->pci_domain, ==, 1);
  g_assert_cmpuint (busy->pci_bus, ==, 58);
  g_assert_cmpuint (busy->pci_slot, ==, 31);
  g_assert_cmpuint (busy->pci_function, ==, 6);

  /* Nameless: the ids alone still tell devices apart. */
  g_clear_pointer (&busy->vendor, g_free);
  g_clear_pointer (&busy->product, g_free);
  label = vireo_node_device_dup_label (busy);
  g_assert_cmpstr (label, ==, "Unknown device (8086:15bb)");

  /* Neither USB nor PCI, and not XML at all. */
  none = vireo_node_device_info_new_from_xml ("<device><name>computer</name>"
                                              "<capability type='system'/></device>", &error);
  g_assert_null (none);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
  g_clear_error (&error);
  g_assert_null (vireo_node_device_info_new_from_xml ("<device", &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
}

static void
test_hostdev_xml (void)
{
  g_autoptr(VireoNodeDeviceInfo) usb = vireo_node_device_info_new_from_xml (usb_xml, NULL);
  g_autoptr(VireoNodeDeviceInfo) pci = vireo_node_device_info_new_from_xml (busy_pci_xml, NULL);
  g_autofree char *usb_hostdev = vireo_node_device_hostdev_xml (usb);
  g_autofree char *pci_hostdev = vireo_node_device_hostdev_xml (pci);
  VireoNodeDeviceInfo other = { .bus = (char *) "scsi" };

  g_assert_cmpstr (usb_hostdev, ==,
                   "<hostdev mode='subsystem' type='usb' managed='yes'>\n"
                   "  <source>\n"
                   "    <vendor id='0x8087'/>\n"
                   "    <product id='0x0a2b'/>\n"
                   "  </source>\n"
                   "</hostdev>");
  g_assert_cmpstr (pci_hostdev, ==,
                   "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
                   "  <source>\n"
                   "    <address domain='0x0001' bus='0x3a' slot='0x1f' function='0x6'/>\n"
                   "  </source>\n"
                   "</hostdev>");
  g_assert_null (vireo_node_device_hostdev_xml (&other));
}

static char *
domain_with_devices (const char *name,
                     const char *devices)
{
  return g_strdup_printf ("<domain type='test'><name>%s</name><memory unit='KiB'>65536</memory>"
                          "<os><type arch='x86_64'>hvm</type></os><devices>%s</devices></domain>",
                          name, devices);
}

/* libvirt's schema accepts both elements, and so does its parser: the
 * test driver defines a machine with them and gives the same ids back. */
static void
test_hostdev_accepted (void)
{
  g_autoptr(VireoNodeDeviceInfo) usb = vireo_node_device_info_new_from_xml (usb_xml, NULL);
  g_autoptr(VireoNodeDeviceInfo) pci = vireo_node_device_info_new_from_xml (busy_pci_xml, NULL);
  g_autofree char *usb_hostdev = vireo_node_device_hostdev_xml (usb);
  g_autofree char *pci_hostdev = vireo_node_device_hostdev_xml (pci);
  g_autofree char *both = g_strconcat (usb_hostdev, pci_hostdev, NULL);
  g_autofree char *xml = domain_with_devices ("hostdevs", both);
  g_autofree char *tmpdir = g_dir_make_tmp ("vireo-lookup-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (tmpdir, "hostdevs.xml", NULL);
  g_autofree char *out = NULL;
  g_autofree char *dumped = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "virt-xml-validate", file, "domain", NULL };
  virConnectPtr direct = virConnectOpen (DEFAULT_URI);
  virDomainPtr dom;
  int status = -1;

  g_assert_true (g_file_set_contents (file, xml, -1, &error));
  g_assert_no_error (error);
  /* A machine without virt-xml-validate fails here: libvirt-clients has it. */
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("virt-xml-validate refused:\n%s\n%s", xml, out);
  g_unlink (file);
  g_rmdir (tmpdir);

  g_assert_nonnull (direct);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  dumped = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (strstr (dumped, "<vendor id='0x8087'/>"));
  g_assert_nonnull (strstr (dumped, "<product id='0x0a2b'/>"));
  g_assert_nonnull (strstr (dumped, "<address domain='0x0001' bus='0x3a' slot='0x1f' function='0x6'/>"));
  g_assert_nonnull (strstr (dumped, "type='usb' managed='yes'"));
  g_assert_nonnull (strstr (dumped, "type='pci' managed='yes'"));
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (direct);
}

/* ------------------------------------------------------------------------ */
/* Domains                                                                   */

static void
assert_test_guest (GPtrArray  *ifaces,
                   const char *name,
                   const char *mac,
                   const char *address)
{
  VireoGuestInterface *iface;

  g_assert_cmpuint (ifaces->len, ==, 1);
  iface = g_ptr_array_index (ifaces, 0);
  g_assert_cmpstr (iface->name, ==, name);
  g_assert_cmpstr (iface->mac, ==, mac);
  g_assert_cmpuint (iface->addresses->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (iface->addresses, 0), ==, address);
}

/* The test driver answers every source alike, from the network's range. */
static void
test_addresses (void)
{
  static const VireoAddressSource sources[] = {
    VIREO_ADDRESS_SOURCE_LEASE, VIREO_ADDRESS_SOURCE_AGENT, VIREO_ADDRESS_SOURCE_ARP,
  };
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (DEFAULT_URI, 0);
  g_autoptr(VireoConnection) node = vireo_test_open_connection (uri, 0);
  VireoDomain *test = vireo_test_find_domain (conn, "test");
  VireoDomain *gamma = vireo_test_find_domain (node, "gamma");
  VireoDomain *delta = vireo_test_find_domain (node, "delta");
  VireoAddressSource answered = VIREO_ADDRESS_SOURCE_ARP;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ifaces = NULL;

  g_assert_nonnull (test);
  ifaces = list_addresses (test, VIREO_ADDRESS_SOURCE_AUTO, &answered, &error);
  g_assert_no_error (error);
  g_assert_cmpint (answered, ==, VIREO_ADDRESS_SOURCE_LEASE);
  assert_test_guest (ifaces, "testnet0", "aa:bb:cc:dd:ee:ff", "192.168.122.3/24");
  g_clear_pointer (&ifaces, g_ptr_array_unref);

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      answered = VIREO_ADDRESS_SOURCE_AUTO;
      ifaces = list_addresses (test, sources[i], &answered, &error);
      g_assert_no_error (error);
      g_assert_cmpint (answered, ==, sources[i]);
      assert_test_guest (ifaces, "testnet0", "aa:bb:cc:dd:ee:ff", "192.168.122.3/24");
      g_clear_pointer (&ifaces, g_ptr_array_unref);
    }

  g_assert_nonnull (gamma);
  ifaces = list_addresses (gamma, VIREO_ADDRESS_SOURCE_AUTO, NULL, &error);
  g_assert_no_error (error);
  assert_test_guest (ifaces, "testnet0", "52:54:00:00:00:03", "192.0.2.2/24");
  g_clear_pointer (&ifaces, g_ptr_array_unref);

  /* A shut-off guest has no addresses to ask for: AUTO stops at once and
   * says what it could not read. */
  g_assert_nonnull (delta);
  g_assert_null (list_addresses (delta, VIREO_ADDRESS_SOURCE_AUTO, NULL, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Could not read the guest's addresses from the DHCP leases: "));
  g_clear_error (&error);
  g_assert_null (list_addresses (delta, VIREO_ADDRESS_SOURCE_AGENT, NULL, &error));
  g_assert_true (g_str_has_prefix (error->message, "Could not ask the guest agent"));
}

static void
test_autostart (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (DEFAULT_URI, 0);
  virConnectPtr direct = virConnectOpen (DEFAULT_URI);
  VireoDomain *test = vireo_test_find_domain (conn, "test");
  virDomainPtr dom;
  int flag = -1;

  g_assert_nonnull (test);
  g_assert_nonnull (direct);
  dom = virDomainLookupByName (direct, "test");
  g_assert_nonnull (dom);

  g_assert_false (get_autostart (test));
  set_autostart (test, TRUE);
  /* libvirt itself says so, not just Vireo's reading of it. */
  g_assert_cmpint (virDomainGetAutostart (dom, &flag), ==, 0);
  g_assert_cmpint (flag, ==, 1);
  g_assert_true (get_autostart (test));

  set_autostart (test, FALSE);
  g_assert_cmpint (virDomainGetAutostart (dom, &flag), ==, 0);
  g_assert_cmpint (flag, ==, 0);
  g_assert_false (get_autostart (test));

  /* Changed from outside: read afresh, never cached. */
  g_assert_cmpint (virDomainSetAutostart (dom, 1), ==, 0);
  g_assert_true (get_autostart (test));
  g_assert_cmpint (virDomainSetAutostart (dom, 0), ==, 0);

  virDomainFree (dom);
  virConnectClose (direct);
}

static VireoGuestCaps *
read_capabilities (VireoConnection  *conn,
                   GError          **error)
{
  VireoTestAsync a = { 0 };
  VireoGuestCaps *caps;

  vireo_connection_read_capabilities_async (conn, NULL, vireo_test_async_cb, &a);
  caps = vireo_connection_read_capabilities_finish (conn, vireo_test_async_wait (&a, 30), error);
  g_object_unref (a.result);
  return caps;
}

/* The test driver's capabilities, read on the worker and parsed there. */
static void
test_capabilities (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (DEFAULT_URI, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoGuestCaps) caps = read_capabilities (conn, &error);
  g_auto(GStrv) arches = NULL;
  g_auto(GStrv) types = NULL;
  g_auto(GStrv) machines = NULL;
  GWeakRef weak;

  g_assert_no_error (error);
  g_assert_true (VIREO_IS_GUEST_CAPS (caps));
  g_assert_cmpstr (vireo_guest_caps_get_host_arch (caps), ==, "i686");
  arches = vireo_guest_caps_dup_arches (caps);
  g_assert_cmpstrv (arches, ((const char * const []) { "i686", NULL }));
  types = vireo_guest_caps_dup_virt_types (caps, "i686");
  g_assert_cmpstrv (types, ((const char * const []) { "test", NULL }));
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "i686", "test"), ==, "/usr/bin/test-hv");
  machines = vireo_guest_caps_dup_machines (caps, "i686", "test");
  g_assert_cmpuint (g_strv_length (machines), ==, 0);

  /* The caller holds the only reference: none stayed with the task. */
  g_weak_ref_init (&weak, caps);
  g_clear_object (&caps);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

/* A connection that never opened answers every lookup with NOT_CONNECTED. */
static void
test_not_connected (void)
{
  g_autoptr(VireoConnection) conn = vireo_connection_new ("test:///default");
  g_autoptr(GError) error = NULL;

  g_assert_null (run_list (conn, vireo_connection_list_networks_async,
                           vireo_connection_list_networks_finish, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  g_assert_null (run_list (conn, vireo_connection_list_pools_async,
                           vireo_connection_list_pools_finish, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  g_assert_null (lookup_volume (conn, "/x", &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  g_assert_null (list_node_devices (conn, "usb", &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  g_assert_null (read_capabilities (conn, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED);
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

  g_test_add_func ("/virt/lookup/networks/default", test_networks_default);
  g_test_add_func ("/virt/lookup/networks/modes", test_networks_modes);
  g_test_add_func ("/virt/lookup/host-interfaces", test_host_interfaces);
  g_test_add_func ("/virt/lookup/pools", test_pools);
  g_test_add_func ("/virt/lookup/pools/volumes", test_pool_volumes);
  g_test_add_func ("/virt/lookup/volumes", test_volumes);
  g_test_add_func ("/virt/lookup/node-devices/default", test_node_devices_default);
  g_test_add_func ("/virt/lookup/node-devices/node", test_node_devices);
  g_test_add_func ("/virt/lookup/node-devices/parse", test_node_device_parse);
  g_test_add_func ("/virt/lookup/hostdev/xml", test_hostdev_xml);
  g_test_add_func ("/virt/lookup/hostdev/accepted", test_hostdev_accepted);
  g_test_add_func ("/virt/lookup/addresses", test_addresses);
  g_test_add_func ("/virt/lookup/autostart", test_autostart);
  g_test_add_func ("/virt/lookup/capabilities", test_capabilities);
  g_test_add_func ("/virt/lookup/not-connected", test_not_connected);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
