/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-boot.h"
#include "vireo-disk.h"
#include "vireo-domain-config.h"
#include "vireo-test-model.h"

/*
 * Boot order, boot menu and direct kernel boot. Every edit is checked
 * against the whole document: what it must change, and that nothing else
 * moved.
 */


/* "target" for disks, the element name otherwise, "+" when enabled: a
 * whole boot list in one comparable string. */
static char *
describe_order (VireoDomainConfig *config)
{
  g_autoptr(GPtrArray) order = vireo_boot_dup_order (config);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < order->len; i++)
    {
      VireoBootEntry *entry = order->pdata[i];
      g_autofree char *name = NULL;

      if (VIREO_IS_DISK (entry->device))
        name = vireo_disk_dup_target (VIREO_DISK (entry->device));
      else
        name = g_strdup (vireo_device_get_element_name (entry->device));
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "%s%s", entry->enabled ? "+" : "-", name);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Writes back @order with @enabled_count leading entries enabled. */
static gboolean
set_from_entries (VireoDomainConfig  *config,
                  GPtrArray          *order,
                  guint               enabled_count,
                  GError            **error)
{
  g_autofree VireoDevice **devices = g_new0 (VireoDevice *, order->len);
  g_autofree gboolean *enabled = g_new0 (gboolean, order->len);

  for (guint i = 0; i < order->len; i++)
    {
      devices[i] = ((VireoBootEntry *) order->pdata[i])->device;
      enabled[i] = i < enabled_count;
    }
  return vireo_boot_set_order (config, devices, enabled, order->len, error);
}

/* Every bootable kind, the old-style order and things Vireo does not know. */
static const char legacy_xml[] =
  "<domain type='kvm'>\n"
  "  <name>boot-test</name>\n"
  "  <vcpu placement='static'>2</vcpu>\n"
  "  <os>\n"
  "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n"
  "    <boot dev='network'/>\n"
  "    <boot dev='cdrom'/>\n"
  "    <boot dev='hd'/>\n"
  "    <vt:hint xmlns:vt='urn:vireo:test'>keep me</vt:hint>\n"
  "  </os>\n"
  "  <devices>\n"
  "    <disk type='file' device='cdrom'>\n"
  "      <target dev='sda' bus='sata'/>\n"
  "      <readonly/>\n"
  "    </disk>\n"
  "    <disk type='file' device='disk'>\n"
  "      <source file='/var/lib/libvirt/images/a.qcow2'/>\n"
  "      <target dev='vda' bus='virtio'/>\n"
  "      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n"
  "    </disk>\n"
  "    <disk type='file' device='disk'>\n"
  "      <source file='/var/lib/libvirt/images/b.qcow2'/>\n"
  "      <target dev='vdb' bus='virtio'/>\n"
  "      <future-knob level='3'/>\n"
  "    </disk>\n"
  "    <interface type='network'>\n"
  "      <mac address='52:54:00:00:00:01'/>\n"
  "      <source network='default'/>\n"
  "      <model type='virtio'/>\n"
  "      <alias name='ua-net0'/>\n"
  "    </interface>\n"
  "    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>\n"
  "      <source><address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source>\n"
  "    </hostdev>\n"
  "    <hostdev mode='subsystem' type='usb' managed='yes'>\n"
  "      <source><vendor id='0x046d'/><product id='0xc52b'/></source>\n"
  "    </hostdev>\n"
  "    <filesystem type='mount' accessmode='passthrough'>\n"
  "      <driver type='virtiofs'/>\n"
  "      <source dir='/srv/share'/>\n"
  "      <target dir='share'/>\n"
  "    </filesystem>\n"
  "    <filesystem type='mount' accessmode='mapped'>\n"
  "      <source dir='/srv/old'/>\n"
  "      <target dir='old'/>\n"
  "    </filesystem>\n"
  "    <redirdev bus='usb' type='spicevmc'/>\n"
  "    <video><model type='virtio'/></video>\n"
  "  </devices>\n"
  "</domain>\n";

static void
test_legacy_read (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (legacy_xml);
  g_autofree char *order = describe_order (config);

  /* network, cdrom, hd: the first NIC, the first CD-ROM, the first disk;
   * the rest in document order. The mediated device and the 9p share
   * cannot boot, the video card is no boot device at all. */
  g_assert_true (vireo_boot_is_supported (config));
  g_assert_true (vireo_boot_has_legacy_order (config));
  g_assert_cmpstr (order, ==, "+interface +sda +vda -vdb -hostdev -filesystem -redirdev");
}

static void
test_legacy_fixtures (void)
{
  static const struct {
    const char *fixture;
    const char *order;
  } cases[] = {
    /* cdrom, hd; the floppy and the NIC not tried. */
    { "legacy-bios-ide.xml", "+hdc +hda -fda -interface" },
    /* hd: the first disk or LUN, here vda; cdrom is not listed. */
    { "network-storage.xml", "+hdb +vda -sda -vdb -hdc -fda -fdb -interface" },
    /* Both styles at once, which libvirt refuses: the device orders win,
     * as they are what an edit keeps. */
    { "q35-pcie-topology.xml", "+vda +interface -interface" },
    { "windows11.xml", "+sda +sdb -sdc -interface -redirdev -redirdev" },
    /* Two virtiofs shares can boot, the 9p one cannot. */
    { "virtiofs-shared-memory.xml", "+vda -filesystem -filesystem -interface" },
    { "hostdev-passthrough.xml", "+hostdev -vda -interface -hostdev -hostdev -hostdev" },
    /* A container boots nothing. */
    { "lxc-container.xml", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoDomainConfig) config = open_fixture (cases[i].fixture);
      g_autofree char *order = describe_order (config);

      g_test_message ("%s", cases[i].fixture);
      g_assert_cmpstr (order, ==, cases[i].order);
    }
}

/* A kind listed twice takes its later place, as in libvirt's loop over the
 * list; with no order at all, libvirt boots the first disk. */
static void
test_legacy_edge_cases (void)
{
  g_autoptr(GString) twice = g_string_new (legacy_xml);
  g_autoptr(GString) none = g_string_new (legacy_xml);
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autofree char *order = NULL;

  g_string_replace (twice, "<boot dev='network'/>", "<boot dev='hd'/>", 1);
  config = open_inline (twice->str);
  order = describe_order (config);
  g_assert_cmpstr (order, ==, "+sda +vda -vdb -interface -hostdev -filesystem -redirdev");
  g_clear_object (&config);
  g_clear_pointer (&order, g_free);

  g_string_replace (none, "    <boot dev='network'/>\n    <boot dev='cdrom'/>\n    <boot dev='hd'/>\n", "", 1);
  config = open_inline (none->str);
  g_assert_false (vireo_boot_has_legacy_order (config));
  order = describe_order (config);
  g_assert_cmpstr (order, ==, "+vda -sda -vdb -interface -hostdev -filesystem -redirdev");
}

static void
test_convert_to_per_device (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (legacy_xml);
  g_autoptr(GPtrArray) order = vireo_boot_dup_order (config);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autofree char *after = NULL;
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);

  /* The same order, written the new way: the <os> list goes, each device
   * gets its <boot> where libvirt writes it (before alias and address),
   * and nothing else moves. */
  g_assert_true (set_from_entries (config, order, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  assert_edit (config, before, (const char *[]) {
    "    <boot dev=\"network\"/>\n    <boot dev=\"cdrom\"/>\n    <boot dev=\"hd\"/>\n", "",
    "      <readonly/>\n", "      <readonly/>\n      <boot order=\"2\"/>\n",
    "      <target dev=\"vda\" bus=\"virtio\"/>\n",
    "      <target dev=\"vda\" bus=\"virtio\"/>\n      <boot order=\"3\"/>\n",
    "      <model type=\"virtio\"/>\n      <alias",
    "      <model type=\"virtio\"/>\n      <boot order=\"1\"/>\n      <alias",
    NULL });
  g_assert_false (vireo_boot_has_legacy_order (config));
  {
    g_autofree char *text = describe_order (config);
    g_assert_cmpstr (text, ==, "+interface +sda +vda -vdb -hostdev -filesystem -redirdev");
  }

  /* Unknown content, namespaced or not, is still there. */
  after = vireo_domain_config_to_xml (config);
  g_assert_nonnull (strstr (after, "<vt:hint xmlns:vt=\"urn:vireo:test\">keep me</vt:hint>"));
  g_assert_nonnull (strstr (after, "<future-knob level=\"3\"/>"));

  /* Writing the same order again changes nothing, not even a signal. */
  g_clear_pointer (&order, g_ptr_array_unref);
  order = vireo_boot_dup_order (config);
  g_assert_true (set_from_entries (config, order, 3, &error));
  g_assert_cmpuint (changed, ==, 1);
}

static void
test_reorder_and_disable (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (legacy_xml);
  g_autoptr(GPtrArray) order = vireo_boot_dup_order (config);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  VireoDevice *devices[4];
  gboolean enabled[4] = { TRUE, TRUE, TRUE, FALSE };
  VireoDevice *nic, *sda, *vda, *fs;

  nic = ((VireoBootEntry *) order->pdata[0])->device;
  sda = ((VireoBootEntry *) order->pdata[1])->device;
  vda = ((VireoBootEntry *) order->pdata[2])->device;
  fs = ((VireoBootEntry *) order->pdata[5])->device;
  g_assert_true (set_from_entries (config, order, 3, &error));

  /* vda first, then the virtiofs share, then the NIC; the CD-ROM off. Only
   * the numbers that differ change; the CD-ROM's <boot> goes. */
  before = vireo_domain_config_to_xml (config);
  devices[0] = vda;
  devices[1] = fs;
  devices[2] = nic;
  devices[3] = sda;
  g_assert_true (vireo_boot_set_order (config, devices, enabled, 4, &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char *[]) {
    "      <boot order=\"2\"/>\n", "",
    "      <boot order=\"3\"/>\n", "      <boot order=\"1\"/>\n",
    "      <boot order=\"1\"/>\n      <alias", "      <boot order=\"3\"/>\n      <alias",
    "      <target dir=\"share\"/>\n", "      <target dir=\"share\"/>\n      <boot order=\"2\"/>\n",
    NULL });
  {
    g_autofree char *text = describe_order (config);
    g_assert_cmpstr (text, ==, "+vda +filesystem +interface -sda -vdb -hostdev -redirdev");
  }

  /* Nothing enabled: no <boot> anywhere, and libvirt's default (the first
   * disk) is what the list shows. */
  g_assert_true (vireo_boot_set_order (config, NULL, NULL, 0, &error));
  {
    g_autofree char *xml = vireo_domain_config_to_xml (config);
    g_autofree char *text = describe_order (config);

    g_assert_null (strstr (xml, "<boot"));
    g_assert_cmpstr (text, ==, "+vda -sda -vdb -interface -hostdev -filesystem -redirdev");
  }
}

/* q35-pcie-topology has both styles; setting its order drops the <os>
 * list and leaves the device orders as they were. */
static void
test_mixed_fixture (void)
{
  g_autoptr(VireoDomainConfig) config = open_fixture ("q35-pcie-topology.xml");
  g_autoptr(GPtrArray) order = vireo_boot_dup_order (config);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = vireo_domain_config_to_xml (config);

  g_assert_true (set_from_entries (config, order, 2, &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char *[]) {
    "    <boot dev=\"network\"/>\n    <boot dev=\"hd\"/>\n", "",
    NULL });
}

static void
test_order_errors (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (legacy_xml);
  g_autoptr(VireoDomainConfig) other = open_inline (legacy_xml);
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autoptr(GListModel) other_devices = vireo_domain_config_list_devices (other);
  g_autoptr(VireoDevice) vda = g_list_model_get_item (devices, 1);
  g_autoptr(VireoDevice) mdev = g_list_model_get_item (devices, 4);
  g_autoptr(VireoDevice) video = g_list_model_get_item (devices, 9);
  g_autoptr(VireoDevice) foreign = g_list_model_get_item (other_devices, 1);
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autofree char *after = NULL;
  gboolean on[2] = { TRUE, TRUE };
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (vireo_device_get_element_name (video), ==, "video");

  g_assert_false (vireo_boot_set_order (config, (VireoDevice *[]) { vda, mdev }, on, 2, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Boot order: the firmware cannot boot from “Host device mdev”"));
  g_clear_error (&error);

  g_assert_false (vireo_boot_set_order (config, (VireoDevice *[]) { video }, on, 1, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (vireo_boot_set_order (config, (VireoDevice *[]) { vda, vda }, on, 2, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“Disk vda” is listed twice"));
  g_clear_error (&error);

  g_assert_false (vireo_boot_set_order (config, (VireoDevice *[]) { foreign }, on, 1, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no longer part of this machine"));
  g_clear_error (&error);

  /* A refused order leaves the document as it was. */
  after = vireo_domain_config_to_xml (config);
  g_assert_cmpstr (after, ==, before);
}

static void
test_boot_menu (void)
{
  g_autoptr(VireoDomainConfig) q35 = open_fixture ("q35-pcie-topology.xml");
  g_autoptr(VireoDomainConfig) win = open_fixture ("windows11.xml");
  g_autoptr(VireoDomainConfig) config = open_inline (legacy_xml);
  g_autoptr(VireoDomainConfig) lxc = open_fixture ("lxc-container.xml");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  guint changed = 0;

  g_assert_true (vireo_boot_get_menu_enabled (q35));
  g_assert_cmpint (vireo_boot_get_menu_timeout (q35), ==, 3000);
  g_assert_true (vireo_boot_get_menu_enabled (win));
  g_assert_cmpint (vireo_boot_get_menu_timeout (win), ==, -1);
  g_assert_false (vireo_boot_get_menu_enabled (config));
  g_assert_cmpint (vireo_boot_get_menu_timeout (config), ==, -1);

  /* A new timeout: one attribute. */
  before = vireo_domain_config_to_xml (q35);
  g_assert_true (vireo_boot_set_menu (q35, TRUE, 5000, &error));
  g_assert_no_error (error);
  assert_edit (q35, before, (const char *[]) { "timeout=\"3000\"", "timeout=\"5000\"", NULL });
  g_assert_cmpint (vireo_boot_get_menu_timeout (q35), ==, 5000);

  /* Off: enable='no', and the timeout libvirt would ignore goes. */
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (q35);
  g_assert_true (vireo_boot_set_menu (q35, FALSE, -1, &error));
  assert_edit (q35, before, (const char *[]) {
    "<bootmenu enable=\"yes\" timeout=\"5000\"/>", "<bootmenu enable=\"no\"/>", NULL });
  g_assert_cmpint (vireo_boot_get_menu_timeout (q35), ==, -1);

  /* Out of range: refused, naming the field and the value. */
  g_assert_false (vireo_boot_set_menu (win, TRUE, 65536, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Boot menu timeout: 65536 ms"));
  g_clear_error (&error);
  g_assert_false (vireo_boot_set_menu (win, TRUE, -2, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (vireo_boot_set_menu (win, TRUE, 65535, &error));
  g_assert_true (vireo_boot_set_menu (win, TRUE, 0, &error));
  g_assert_cmpint (vireo_boot_get_menu_timeout (win), ==, 0);

  /* A new <bootmenu> lands after the <os><boot> list, where libvirt puts
   * it; turning off a menu that is not there changes nothing. */
  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);
  g_assert_true (vireo_boot_set_menu (config, FALSE, -1, &error));
  g_assert_cmpuint (changed, ==, 0);
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (config);
  g_assert_true (vireo_boot_set_menu (config, TRUE, 3000, &error));
  assert_edit (config, before, (const char *[]) {
    "    <boot dev=\"hd\"/>\n", "    <boot dev=\"hd\"/>\n    <bootmenu enable=\"yes\" timeout=\"3000\"/>\n",
    NULL });
  g_assert_cmpuint (changed, ==, 1);

  /* A container has no firmware to show a menu. */
  g_assert_false (vireo_boot_is_supported (lxc));
  g_assert_false (vireo_boot_set_menu (lxc, TRUE, -1, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (vireo_boot_set_menu (lxc, FALSE, -1, &error));
}

static void
test_kernel_fields (void)
{
  g_autoptr(VireoDomainConfig) direct = open_fixture ("qemu-namespace.xml");
  g_autoptr(VireoDomainConfig) config = open_inline (legacy_xml);
  g_autoptr(VireoDomainConfig) lxc = open_fixture ("lxc-container.xml");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;

  {
    g_autofree char *kernel = vireo_boot_dup_kernel (direct);
    g_autofree char *initrd = vireo_boot_dup_initrd (direct);
    g_autofree char *cmdline = vireo_boot_dup_cmdline (direct);
    g_autofree char *dtb = vireo_boot_dup_dtb (direct);

    g_assert_cmpstr (kernel, ==, "/var/lib/libvirt/boot/vmlinuz-6.1.0-13-amd64");
    g_assert_cmpstr (initrd, ==, "/var/lib/libvirt/boot/initrd.img-6.1.0-13-amd64");
    g_assert_cmpstr (cmdline, ==, "console=ttyS0 root=/dev/vda1 ro quiet");
    g_assert_null (dtb);
  }

  /* Changing one: its text only. Emptying one: its line goes. */
  before = vireo_domain_config_to_xml (direct);
  g_assert_true (vireo_boot_set_kernel (direct, "/boot/vmlinuz-6.5", &error));
  g_assert_true (vireo_boot_set_cmdline (direct, "", &error));
  g_assert_no_error (error);
  assert_edit (direct, before, (const char *[]) {
    "<kernel>/var/lib/libvirt/boot/vmlinuz-6.1.0-13-amd64</kernel>", "<kernel>/boot/vmlinuz-6.5</kernel>",
    "    <cmdline>console=ttyS0 root=/dev/vda1 ro quiet</cmdline>\n", "",
    NULL });

  /* New ones in libvirt's order: after <type>, before the <boot> list. */
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (config);
  g_assert_true (vireo_boot_set_dtb (config, "/boot/virt.dtb", &error));
  g_assert_true (vireo_boot_set_kernel (config, "/boot/vmlinuz", &error));
  g_assert_true (vireo_boot_set_cmdline (config, "console=ttyAMA0 quiet & <splash>", &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char *[]) {
    ">hvm</type>\n",
    ">hvm</type>\n"
    "    <kernel>/boot/vmlinuz</kernel>\n"
    "    <cmdline>console=ttyAMA0 quiet &amp; &lt;splash&gt;</cmdline>\n"
    "    <dtb>/boot/virt.dtb</dtb>\n",
    NULL });
  {
    g_autofree char *cmdline = vireo_boot_dup_cmdline (config);
    g_assert_cmpstr (cmdline, ==, "console=ttyAMA0 quiet & <splash>");
  }

  /* Paths must be absolute and on one line; the error names the field. */
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (config);
  g_assert_false (vireo_boot_set_kernel (config, "boot/vmlinuz", &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Kernel path: “boot/vmlinuz” is not an absolute path"));
  g_clear_error (&error);
  g_assert_false (vireo_boot_set_initrd (config, "/boot/initrd\n.img", &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Initrd path:"));
  g_clear_error (&error);
  g_assert_false (vireo_boot_set_dtb (config, "/", &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Device tree path:"));
  g_clear_error (&error);
  {
    g_autofree char *after = vireo_domain_config_to_xml (config);
    g_assert_cmpstr (after, ==, before);
  }

  /* A container runs the host's kernel. */
  g_assert_false (vireo_boot_set_kernel (lxc, "/boot/vmlinuz", &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Kernel path:"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/boot/legacy-read", test_legacy_read);
  g_test_add_func ("/model/boot/legacy-fixtures", test_legacy_fixtures);
  g_test_add_func ("/model/boot/legacy-edge-cases", test_legacy_edge_cases);
  g_test_add_func ("/model/boot/convert-to-per-device", test_convert_to_per_device);
  g_test_add_func ("/model/boot/reorder-and-disable", test_reorder_and_disable);
  g_test_add_func ("/model/boot/mixed-fixture", test_mixed_fixture);
  g_test_add_func ("/model/boot/order-errors", test_order_errors);
  g_test_add_func ("/model/boot/menu", test_boot_menu);
  g_test_add_func ("/model/boot/kernel", test_kernel_fields);

  return g_test_run ();
}
