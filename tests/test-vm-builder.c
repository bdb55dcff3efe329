/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The New VM wizard's model: answers + domain capabilities (libvirt 9.0's
 * own output in data/domcaps) + osinfo-db's real entries -> the install
 * and final definitions, the volumes to make and the virt-install line.
 *
 * Each scenario's definitions are compared with the files in data/vm-builder,
 * whole. After a deliberate change, regenerate them with
 *   build/tests/test-vm-builder --dump tests/data/vm-builder
 * and read the diff (and delete the *-volume-*.xml files it also writes):
 * the same --dump feeds check-rng.sh, which holds every definition and
 * volume against libvirt's schemas.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vireo-boot.h"
#include "vireo-disk.h"
#include "vireo-firmware.h"
#include "vireo-test-builder.h"

static VireoOsDb *db;

#define MIB (G_GUINT64_CONSTANT (1) << 20)

static void
assert_builder_error (GError              *error,
                      VireoVmBuilderError  code,
                      const char          *fragment)
{
  g_assert_error (error, VIREO_VM_BUILDER_ERROR, (int) code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” is not in the error “%s”", fragment, error->message);
}

static VireoCreatePlan *
plan_of (VireoVmBuilder *b)
{
  g_autoptr(GError) error = NULL;
  VireoCreatePlan *plan = vireo_vm_builder_dup_plan (b, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

static VireoDomainConfig *
config_of (const char *xml)
{
  g_autoptr(GError) error = NULL;
  VireoDomainConfig *config = vireo_domain_config_new_from_xml (xml, &error);

  g_assert_no_error (error);
  return config;
}

/* The first device the firmware boots, as "disk:cdrom", "disk:disk",
 * "interface", or "" with none. */
static char *
first_boot (VireoDomainConfig *config)
{
  g_autoptr(GPtrArray) order = vireo_boot_dup_order (config);
  VireoBootEntry *entry;

  if (order->len == 0 || !((VireoBootEntry *) order->pdata[0])->enabled)
    return g_strdup ("");
  entry = order->pdata[0];
  if (VIREO_IS_DISK (entry->device))
    {
      g_autofree char *device = vireo_disk_dup_device (VIREO_DISK (entry->device));
      return g_strconcat ("disk:", device, NULL);
    }
  return g_strdup (vireo_device_get_element_name (entry->device));
}

static gboolean
has_text (const char *xml,
          const char *text)
{
  return strstr (xml, text) != NULL;
}

/* ------------------------------------------------------------------------ */
/* Scenarios against their expected documents                               */

static char *
expected_path (const char *scenario,
               const char *which)
{
  g_autofree char *file = g_strdup_printf ("%s-%s.xml", scenario, which);
  return g_test_build_filename (G_TEST_DIST, "data", "vm-builder", file, NULL);
}

static void
assert_document (const char *scenario,
                 const char *which,
                 const char *actual)
{
  g_autofree char *path = expected_path (scenario, which);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  if (actual == NULL)
    {
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      return;
    }
  g_file_get_contents (path, &expected, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (actual, ==, expected);
}

static void
test_scenario (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autoptr(VireoVmBuilder) b = vireo_test_scenarios[i].make (db);
  g_autoptr(VireoCreatePlan) plan = plan_of (b);

  assert_document (vireo_test_scenarios[i].name, "final", plan->final_xml);
  assert_document (vireo_test_scenarios[i].name, "install", plan->install_xml);
  /* The two runs are one machine. */
  g_assert_cmpstr (plan->uuid, ==, "c7a5fdbd-cdaf-9455-926a-d65c16db1809");
  if (plan->install_xml != NULL)
    {
      g_autoptr(VireoDomainConfig) install = config_of (plan->install_xml);
      g_autoptr(VireoDomainConfig) final = config_of (plan->final_xml);

      g_assert_cmpstr (vireo_domain_config_get_uuid (install), ==, vireo_domain_config_get_uuid (final));
      g_assert_cmpstr (vireo_domain_config_get_name (install), ==, vireo_domain_config_get_name (final));
    }
}

/* ------------------------------------------------------------------------ */
/* Defaults                                                                  */

static void
test_defaults_fedora (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_iso (db);
  g_autofree char *name = vireo_vm_builder_dup_name (b);

  /* fedora-37.xml: 2 GiB and 20 GiB recommended, 1 CPU minimum. */
  g_assert_cmpuint (vireo_vm_builder_get_memory_mib (b), ==, 2048);
  g_assert_cmpuint (vireo_vm_builder_get_vcpus (b), ==, 2);
  g_assert_cmpuint (vireo_vm_builder_get_disk_size (b), ==, 20 * GIB);
  g_assert_cmpint (vireo_vm_builder_get_firmware (b), ==, VIREO_FIRMWARE_BIOS);
  g_assert_false (vireo_vm_builder_get_tpm (b));
  g_assert_cmpstr (name, ==, "fedora37");
  g_assert_cmpstr (vireo_vm_builder_get_preferred_machine (b, NULL), ==, "q35");
  g_assert_null (vireo_vm_builder_dup_resource_warning (b));
}

static void
test_defaults_win11 (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_win11 (db);
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(VireoDomainConfig) final = config_of (plan->final_xml);
  g_autoptr(VireoFirmwareInfo) info = vireo_firmware_get_info (final);

  g_assert_cmpuint (vireo_vm_builder_get_memory_mib (b), ==, 4096);
  g_assert_cmpuint (vireo_vm_builder_get_disk_size (b), ==, 64 * GIB);
  g_assert_cmpint (vireo_vm_builder_get_firmware (b), ==, VIREO_FIRMWARE_UEFI_SECURE);
  g_assert_true (vireo_vm_builder_get_tpm (b));
  g_assert_cmpstr (info->firmware, ==, "efi");
  g_assert_true (info->autoselect);
  g_assert_true (info->secure_boot);
  g_assert_true (info->has_tpm);
  /* Windows 11 ships no virtio drivers: SATA, e1000e, localtime. */
  g_assert_true (has_text (plan->final_xml, "bus=\"sata\""));
  g_assert_true (has_text (plan->final_xml, "<model type=\"e1000e\"/>"));
  g_assert_true (has_text (plan->final_xml, "<clock offset=\"localtime\">"));
  g_assert_true (has_text (plan->final_xml, "<hyperv>"));
  /* Its setup reads the media again after the first reboot: kept. */
  g_assert_true (has_text (plan->final_xml, "<source file=\"/srv/isos/Win11_22H2.iso\"/>"));
}

static void
test_defaults_win11_i440fx (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_win11 (db);
  g_autoptr(VireoDomainCaps) pc = vireo_test_load_caps ("qemu-tcg-pc.x86_64.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;

  /* Secure Boot needs SMM, which QEMU has on Q35 only. */
  vireo_vm_builder_set_caps (b, pc);
  g_assert_cmpint (vireo_vm_builder_get_firmware (b), ==, VIREO_FIRMWARE_UEFI);
  config = vireo_vm_builder_dup_config (b, &error);
  g_assert_no_error (error);

  /* Chosen by hand it is refused, with the reason. */
  g_clear_object (&config);
  vireo_vm_builder_set_firmware (b, VIREO_FIRMWARE_UEFI_SECURE);
  config = vireo_vm_builder_dup_config (b, &error);
  g_assert_null (config);
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_FIRMWARE, "Q35");
  g_clear_error (&error);

  /* And BIOS is not for Windows 11. */
  vireo_vm_builder_set_firmware (b, VIREO_FIRMWARE_BIOS);
  config = vireo_vm_builder_dup_config (b, &error);
  g_assert_null (config);
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_FIRMWARE, "Windows 11");
}

static void
test_defaults_generic (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_builder_new ("qemu-tcg-q35.x86_64.xml");
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autofree char *name = NULL;

  vireo_vm_builder_set_media (b, VIREO_MEDIA_FILE, "/isos/any.iso");
  for (guint round = 0; round < 2; round++)
    {
      /* No system, then libosinfo's "unknown": the same safe defaults. */
      if (round == 1)
        vireo_vm_builder_set_os (b, vireo_os_db_get_unknown (db));
      name = vireo_vm_builder_dup_name (b);
      g_assert_cmpstr (name, ==, "vm");
      g_clear_pointer (&name, g_free);
      g_assert_cmpuint (vireo_vm_builder_get_memory_mib (b), ==, 2048);
      g_assert_cmpuint (vireo_vm_builder_get_vcpus (b), ==, 2);
      g_assert_cmpuint (vireo_vm_builder_get_disk_size (b), ==, 20 * GIB);
      g_assert_cmpint (vireo_vm_builder_get_firmware (b), ==, VIREO_FIRMWARE_BIOS);
      g_assert_false (vireo_vm_builder_get_tpm (b));
    }

  /* Nothing virtio without a system that is known to drive it. */
  plan = plan_of (b);
  g_assert_false (has_text (plan->final_xml, "virtio\"/>\n    </video>"));
  g_assert_true (has_text (plan->final_xml, "bus=\"sata\""));
  g_assert_true (has_text (plan->final_xml, "<model type=\"e1000e\"/>"));
  g_assert_true (has_text (plan->final_xml, "<model type=\"vga\"/>"));
  g_assert_false (has_text (plan->final_xml, "guest_agent"));
}

static void
test_defaults_small_host (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_iso (db);

  /* Never half the host or more by default: 2 GiB recommended on a 2 GiB
   * host gives 1 GiB, Fedora's minimum; one CPU on a one-CPU host. */
  vireo_vm_builder_set_host (b, 2 * GIB, 1);
  g_assert_cmpuint (vireo_vm_builder_get_memory_mib (b), ==, 1024);
  g_assert_cmpuint (vireo_vm_builder_get_vcpus (b), ==, 1);

  /* Unless the system needs more: Windows 11's minimum is 4 GiB. */
  vireo_vm_builder_set_os (b, vireo_test_os (db, "win11"));
  g_assert_cmpuint (vireo_vm_builder_get_memory_mib (b), ==, 4096);
}

/* ------------------------------------------------------------------------ */
/* The user's values                                                         */

static void
count_changed (VireoVmBuilder *b,
               guint          *count)
{
  (*count)++;
}

static void
test_overrides_survive_os_change (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_iso (db);
  g_autofree char *name = NULL;
  guint changes = 0;

  g_signal_connect (b, "changed", G_CALLBACK (count_changed), &changes);

  vireo_vm_builder_set_memory_mib (b, 3000);
  vireo_vm_builder_set_tpm (b, FALSE);
  vireo_vm_builder_set_name (b, "my-machine");
  g_assert_cmpuint (changes, ==, 3);
  /* The same value again is no change. */
  vireo_vm_builder_set_memory_mib (b, 3000);
  g_assert_cmpuint (changes, ==, 3);
  /* Setting the default's own value still makes it the user's. */
  vireo_vm_builder_set_vcpus (b, 2);
  g_assert_cmpuint (changes, ==, 4);
  g_assert_true (vireo_vm_builder_is_user_set (b, VIREO_VM_FIELD_VCPUS));

  vireo_vm_builder_set_os (b, vireo_test_os (db, "win11"));
  vireo_vm_builder_set_os (b, vireo_test_os (db, "ubuntu22.04"));
  vireo_vm_builder_set_os (b, vireo_test_os (db, "win11"));
  g_assert_cmpuint (changes, ==, 7);

  /* Kept: memory, vCPUs, TPM, name. Followed the OS: disk, firmware. */
  g_assert_cmpuint (vireo_vm_builder_get_memory_mib (b), ==, 3000);
  g_assert_cmpuint (vireo_vm_builder_get_vcpus (b), ==, 2);
  g_assert_false (vireo_vm_builder_get_tpm (b));
  name = vireo_vm_builder_dup_name (b);
  g_assert_cmpstr (name, ==, "my-machine");
  g_clear_pointer (&name, g_free);
  g_assert_cmpuint (vireo_vm_builder_get_disk_size (b), ==, 64 * GIB);
  g_assert_cmpint (vireo_vm_builder_get_firmware (b), ==, VIREO_FIRMWARE_UEFI_SECURE);
  g_assert_false (vireo_vm_builder_is_user_set (b, VIREO_VM_FIELD_DISK_SIZE));

  /* Back to the system's value on request. */
  vireo_vm_builder_reset_field (b, VIREO_VM_FIELD_MEMORY | VIREO_VM_FIELD_TPM | VIREO_VM_FIELD_NAME);
  g_assert_cmpuint (vireo_vm_builder_get_memory_mib (b), ==, 4096);
  g_assert_true (vireo_vm_builder_get_tpm (b));
  name = vireo_vm_builder_dup_name (b);
  g_assert_cmpstr (name, ==, "win11");
  g_assert_true (vireo_vm_builder_is_user_set (b, VIREO_VM_FIELD_VCPUS));
}

static void
test_overrides_in_definition (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_win11 (db);
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_auto(GStrv) argv = NULL;

  vireo_vm_builder_set_memory_mib (b, 6144);
  vireo_vm_builder_set_vcpus (b, 4);
  vireo_vm_builder_set_firmware (b, VIREO_FIRMWARE_UEFI);
  vireo_vm_builder_set_tpm (b, FALSE);
  vireo_vm_builder_set_os (b, vireo_test_os (db, "win11"));
  plan = plan_of (b);
  g_assert_true (has_text (plan->final_xml, "<memory unit=\"KiB\">6291456</memory>"));
  g_assert_true (has_text (plan->final_xml, "<vcpu>4</vcpu>"));
  g_assert_true (has_text (plan->final_xml, "<feature enabled=\"no\" name=\"secure-boot\"/>"));
  g_assert_false (has_text (plan->final_xml, "<tpm"));

  argv = vireo_vm_builder_dup_virt_install_command (b, NULL, NULL);
  g_assert_true (g_strv_contains ((const char * const *) argv, "none"));
}

/* ------------------------------------------------------------------------ */
/* Each method's two documents                                               */

static void
test_method_media (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_iso (db);
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(VireoDomainConfig) install = config_of (plan->install_xml);
  g_autoptr(VireoDomainConfig) final = config_of (plan->final_xml);
  g_autofree char *install_first = first_boot (install);
  g_autofree char *final_first = first_boot (final);

  g_assert_true (plan->start);
  g_assert_cmpstr (install_first, ==, "disk:cdrom");
  g_assert_cmpstr (final_first, ==, "disk:disk");
  g_assert_true (has_text (plan->install_xml, "<on_reboot>destroy</on_reboot>"));
  g_assert_false (has_text (plan->final_xml, "<on_reboot>"));
  /* The drive stays, empty. */
  g_assert_true (has_text (plan->install_xml, "Fedora-Workstation-Live-x86_64-37.iso"));
  g_assert_false (has_text (plan->final_xml, "Fedora-Workstation-Live-x86_64-37.iso"));
  g_assert_true (has_text (plan->final_xml, "device=\"cdrom\""));

  g_assert_cmpuint (plan->volumes->len, ==, 1);
  {
    VireoVolumePlan *disk = plan->volumes->pdata[0];

    g_assert_cmpint (disk->role, ==, VIREO_VOLUME_ROLE_DISK);
    g_assert_cmpstr (disk->pool, ==, "default");
    g_assert_cmpstr (disk->name, ==, "fedora37.qcow2");
    g_assert_cmpstr (disk->format, ==, "qcow2");
    g_assert_cmpuint (disk->capacity, ==, 20 * GIB);
    g_assert_cmpuint (disk->allocation, ==, 0);
    g_assert_cmpstr (disk->path, ==, "/var/lib/libvirt/images/fedora37.qcow2");
    g_assert_null (disk->source_uri);
  }
}

static void
test_method_live_media (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_live_cd (db);
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(VireoDomainConfig) final = config_of (plan->final_xml);
  g_autofree char *final_first = first_boot (final);

  /* No disk: the media is the machine, and stays its boot device. */
  g_assert_cmpstr (final_first, ==, "disk:cdrom");
  g_assert_true (has_text (plan->final_xml, "<source dev=\"/dev/sr0\"/>"));
  g_assert_true (has_text (plan->final_xml, "<disk type=\"block\" device=\"cdrom\">"));
  g_assert_cmpuint (plan->volumes->len, ==, 0);
}

static void
test_method_network (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_tree (db);
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(VireoDomainConfig) install = config_of (plan->install_xml);
  g_autoptr(VireoDomainConfig) final = config_of (plan->final_xml);
  g_autofree char *kernel = vireo_boot_dup_kernel (install);
  g_autofree char *initrd = vireo_boot_dup_initrd (install);
  g_autofree char *cmdline = vireo_boot_dup_cmdline (install);
  g_autofree char *final_kernel = vireo_boot_dup_kernel (final);
  VireoVolumePlan *k, *i;

  g_assert_cmpuint (plan->volumes->len, ==, 3);
  k = plan->volumes->pdata[1];
  i = plan->volumes->pdata[2];
  g_assert_cmpint (k->role, ==, VIREO_VOLUME_ROLE_KERNEL);
  g_assert_cmpint (i->role, ==, VIREO_VOLUME_ROLE_INITRD);
  g_assert_cmpstr (k->source_uri, ==,
                   "https://dl.fedoraproject.org/pub/fedora/linux/releases/37/Everything/x86_64/os/images/pxeboot/vmlinuz");
  g_assert_cmpstr (i->source_uri, ==,
                   "https://dl.fedoraproject.org/pub/fedora/linux/releases/37/Everything/x86_64/os/images/pxeboot/initrd.img");
  g_assert_cmpstr (k->format, ==, "raw");
  g_assert_cmpstr (kernel, ==, k->path);
  g_assert_cmpstr (initrd, ==, i->path);
  g_assert_cmpstr (kernel, ==, "/var/lib/libvirt/images/fedora37-install-kernel");
  g_assert_cmpstr (cmdline, ==,
                   "inst.repo=https://dl.fedoraproject.org/pub/fedora/linux/releases/37/Everything/x86_64/os");
  g_assert_null (final_kernel);
  g_assert_true (has_text (plan->install_xml, "<on_reboot>destroy</on_reboot>"));

  /* Files named by hand, and the user's own arguments after the URL's. */
  vireo_vm_builder_set_location_files (b, "isolinux/vmlinuz", "isolinux/initrd.img");
  vireo_vm_builder_set_location (b, "http://mirror.example.org/fedora/", "inst.text console=ttyS0");
  {
    g_autoptr(GPtrArray) volumes = vireo_vm_builder_list_volumes (b);
    g_autofree char *args = vireo_vm_builder_dup_kernel_args (b);

    g_assert_cmpstr (((VireoVolumePlan *) volumes->pdata[1])->source_uri, ==,
                     "http://mirror.example.org/fedora/isolinux/vmlinuz");
    g_assert_cmpstr (args, ==, "inst.repo=http://mirror.example.org/fedora/ inst.text console=ttyS0");
  }
}

static void
test_method_pxe (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_debian_pxe (db);
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(VireoDomainConfig) install = config_of (plan->install_xml);
  g_autoptr(VireoDomainConfig) final = config_of (plan->final_xml);
  g_autofree char *install_first = first_boot (install);
  g_autofree char *final_first = first_boot (final);
  g_autoptr(VireoVmBuilder) diskless = vireo_test_scenario_generic_pxe (db);
  g_autoptr(VireoCreatePlan) diskless_plan = plan_of (diskless);
  g_autoptr(VireoDomainConfig) diskless_final = config_of (diskless_plan->final_xml);
  g_autofree char *diskless_first = first_boot (diskless_final);

  g_assert_cmpstr (install_first, ==, "interface");
  g_assert_cmpstr (final_first, ==, "disk:disk");
  /* A diskless machine keeps booting from the network. */
  g_assert_cmpstr (diskless_first, ==, "interface");
  g_assert_true (has_text (diskless_plan->final_xml, "<source bridge=\"br0\"/>"));
}

static void
test_method_import (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_debian_import (db);
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(VireoDomainConfig) final = config_of (plan->final_xml);
  g_autoptr(GPtrArray) disks = vireo_domain_config_list_disks (final);
  VireoDiskInfo *disk;

  g_assert_null (plan->install_xml);
  g_assert_true (plan->start);
  g_assert_cmpuint (plan->volumes->len, ==, 0);
  g_assert_cmpuint (disks->len, ==, 1);
  disk = disks->pdata[0];
  g_assert_cmpstr (disk->path, ==, "/srv/images/debian-11-generic-amd64.qcow2");
  g_assert_cmpstr (disk->device, ==, "disk");
  g_assert_true (has_text (plan->final_xml, "<driver name=\"qemu\" type=\"qcow2\"/>"));
  g_assert_true (has_text (plan->final_xml, "<source dev=\"eth0\" mode=\"vepa\"/>"));
  g_assert_true (has_text (plan->final_xml, "<cpu mode=\"host-passthrough\"/>"));
}

static void
test_method_manual (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_manual (db);
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(VireoDomainConfig) final = config_of (plan->final_xml);
  VireoVolumePlan *disk;
  g_autofree char *xml = NULL;

  g_assert_null (plan->install_xml);
  g_assert_false (plan->start);
  g_assert_cmpstr (plan->name, ==, "Lab <A&B> 'test'");
  g_assert_cmpstr (vireo_domain_config_get_name (final), ==, "Lab <A&B> 'test'");
  g_assert_false (has_text (plan->final_xml, "<interface"));
  g_assert_cmpuint (plan->volumes->len, ==, 1);
  disk = plan->volumes->pdata[0];
  g_assert_cmpstr (disk->name, ==, "Lab <A&B> 'test'.img");
  g_assert_cmpuint (disk->allocation, ==, 8 * GIB);
  /* Fully allocated: no discard, which would punch holes into it. */
  g_assert_false (has_text (plan->final_xml, "discard"));

  xml = vireo_volume_plan_to_xml (disk);
  g_assert_cmpstr (xml, ==,
                   "<volume>\n"
                   "  <name>Lab &lt;A&amp;B&gt; &apos;test&apos;.img</name>\n"
                   "  <capacity unit='bytes'>8589934592</capacity>\n"
                   "  <allocation unit='bytes'>8589934592</allocation>\n"
                   "  <target>\n"
                   "    <format type='raw'/>\n"
                   "  </target>\n"
                   "</volume>\n");
}

/* ------------------------------------------------------------------------ */
/* Customize before install                                                  */

static void
test_customized (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_iso (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = vireo_vm_builder_dup_config (b, &error);
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(VireoDevice) disk = NULL;
  g_autoptr(VireoDevice) cdrom = NULL;
  g_autoptr(GListModel) devices = NULL;
  g_autoptr(GPtrArray) order = NULL;

  g_assert_no_error (error);
  /* The machine as Customize shows it: the media in its drive, booting
   * as it will after the install (libvirt's default: the first disk). */
  {
    g_autofree char *shown = vireo_domain_config_to_xml (config);
    g_autofree char *first = first_boot (config);

    g_assert_true (has_text (shown, "Fedora-Workstation-Live-x86_64-37.iso"));
    g_assert_false (has_text (shown, "<on_reboot>"));
    g_assert_cmpstr (first, ==, "disk:disk");
  }
  vireo_domain_config_set_memory_kib (config, 3 * 1024 * 1024, 3 * 1024 * 1024);
  vireo_domain_config_set_title (config, "Customized");

  plan = vireo_vm_builder_dup_plan (b, config, &error);
  g_assert_no_error (error);
  g_assert_true (has_text (plan->final_xml, "<title>Customized</title>"));
  g_assert_true (has_text (plan->install_xml, "<title>Customized</title>"));
  g_assert_true (has_text (plan->install_xml, "<memory unit=\"KiB\">3145728</memory>"));
  g_assert_true (has_text (plan->install_xml, "<on_reboot>destroy</on_reboot>"));
  g_assert_cmpuint (plan->volumes->len, ==, 1);
  g_clear_pointer (&plan, vireo_create_plan_free);

  /* A boot order set in Customize: the install still boots the CD first,
   * then the rest of that order. */
  devices = vireo_domain_config_list_devices (config);
  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *kind = VIREO_IS_DISK (device) ? vireo_disk_dup_device (VIREO_DISK (device)) : NULL;

      if (g_strcmp0 (kind, "disk") == 0)
        g_set_object (&disk, device);
      else if (g_strcmp0 (kind, "cdrom") == 0)
        g_set_object (&cdrom, device);
    }
  {
    VireoDevice *list[] = { disk };
    gboolean on[] = { TRUE };

    g_assert_true (vireo_boot_set_order (config, list, on, 1, &error));
  }
  plan = vireo_vm_builder_dup_plan (b, config, &error);
  g_assert_no_error (error);
  {
    g_autoptr(VireoDomainConfig) install = config_of (plan->install_xml);
    g_autofree char *first = first_boot (install);

    order = vireo_boot_dup_order (install);
    g_assert_cmpstr (first, ==, "disk:cdrom");
    g_assert_true (((VireoBootEntry *) order->pdata[1])->enabled);
    g_assert_true (VIREO_IS_DISK (((VireoBootEntry *) order->pdata[1])->device));
  }
  g_clear_pointer (&plan, vireo_create_plan_free);

  /* The new disk removed in Customize: no volume is made for it. */
  vireo_domain_config_remove_device (config, disk);
  plan = vireo_vm_builder_dup_plan (b, config, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->volumes->len, ==, 0);
  g_clear_pointer (&plan, vireo_create_plan_free);

  /* Other media put in the drive: the install boots that. */
  vireo_disk_set_source_file (VIREO_DISK (cdrom), "/isos/other.iso");
  plan = vireo_vm_builder_dup_plan (b, config, &error);
  g_assert_no_error (error);
  g_assert_true (has_text (plan->install_xml, "/isos/other.iso"));
  {
    g_autoptr(VireoDomainConfig) install = config_of (plan->install_xml);
    g_autofree char *first = first_boot (install);

    g_assert_cmpstr (first, ==, "disk:cdrom");
  }
  g_clear_pointer (&plan, vireo_create_plan_free);

  /* The install media's drive removed: there is nothing to install from. */
  vireo_domain_config_remove_device (config, cdrom);
  plan = vireo_vm_builder_dup_plan (b, config, &error);
  g_assert_null (plan);
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_MEDIA, "CD-ROM");
}

/* Customize: the machine is defined as the answers give it, media in its
 * drive, not started; every volume is made first, the installer's kernel
 * and initrd included, so the definition names files that exist. */
static void
test_customize_plan (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_iso (db);
  g_autoptr(VireoVmBuilder) tree = vireo_test_scenario_fedora_tree (db);
  g_autoptr(VireoVmBuilder) imported = vireo_test_scenario_debian_import (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoCreatePlan) plan = vireo_vm_builder_dup_customize_plan (b, &error);
  g_autoptr(VireoCreatePlan) copy = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autofree char *first = NULL;

  g_assert_no_error (error);
  g_assert_true (plan->customize);
  g_assert_false (plan->start);
  g_assert_null (plan->install_xml);
  g_assert_true (has_text (plan->final_xml, "Fedora-Workstation-Live-x86_64-37.iso"));
  g_assert_false (has_text (plan->final_xml, "<on_reboot>"));
  config = config_of (plan->final_xml);
  first = first_boot (config);
  g_assert_cmpstr (first, ==, "disk:disk");
  g_assert_cmpuint (plan->volumes->len, ==, 1);
  g_assert_true (vireo_vm_builder_get_has_install_phase (b));

  copy = vireo_create_plan_copy (plan);
  g_assert_true (copy->customize);
  g_clear_pointer (&plan, vireo_create_plan_free);

  plan = vireo_vm_builder_dup_customize_plan (tree, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->volumes->len, ==, 3);
  g_assert_true (vireo_vm_builder_get_has_install_phase (tree));
  g_clear_pointer (&plan, vireo_create_plan_free);

  g_assert_false (vireo_vm_builder_get_has_install_phase (imported));

  /* Refused like Create is, naming the field. */
  vireo_vm_builder_set_name (b, "bad/name");
  plan = vireo_vm_builder_dup_customize_plan (b, &error);
  g_assert_null (plan);
  g_assert_error (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_NAME);
}

/* ------------------------------------------------------------------------ */
/* virt-install                                                              */

/* Whether @argv has @option followed by @value. */
static gboolean
has_option (char       **argv,
            const char  *option,
            const char  *value)
{
  for (guint i = 0; argv[i] != NULL; i++)
    if (g_str_equal (argv[i], option) && (value == NULL || g_strcmp0 (argv[i + 1], value) == 0))
      return TRUE;
  return FALSE;
}

static void
assert_display_round_trips (char       **argv,
                            const char  *line)
{
  g_auto(GStrv) parsed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_shell_parse_argv (line, NULL, &parsed, &error));
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) parsed, (const char * const *) argv));
}

static void
test_virt_install (void)
{
  static const struct
  {
    VireoTestScenarioFunc make;
    const char *options[12];   /* option, value (NULL: none) pairs */
  } cases[] = {
    { vireo_test_scenario_fedora_iso,
      { "--cdrom", "/isos/Fedora-Workstation-Live-x86_64-37.iso",
        "--disk", "size=20,format=qcow2,pool=default",
        "--network", "network=default",
        "--osinfo", "fedora37",
        "--virt-type", "qemu" } },
    { vireo_test_scenario_win11,
      { "--cdrom", "/srv/isos/Win11_22H2.iso",
        "--boot", "uefi,firmware.feature0.name=secure-boot,firmware.feature0.enabled=yes,"
                  "firmware.feature1.name=enrolled-keys,firmware.feature1.enabled=yes",
        "--tpm", "emulator,model=tpm-crb,version=2.0",
        "--memory", "4096",
        "--disk", "size=64,format=qcow2,pool=default" } },
    { vireo_test_scenario_ubuntu_tree,
      { "--location", "http://archive.ubuntu.com/ubuntu/dists/jammy/main/installer-amd64/",
        "--extra-args", "console=ttyS0" } },
    { vireo_test_scenario_generic_pxe,
      { "--pxe", NULL, "--disk", "none", "--network", "bridge=br0", "--osinfo", "generic",
        "--machine", "pc-i440fx-7.2" } },
    { vireo_test_scenario_debian_import,
      { "--import", NULL, "--disk", "path=/srv/images/debian-11-generic-amd64.qcow2,format=qcow2",
        "--network", "type=direct,source=eth0,source.mode=vepa" } },
    { vireo_test_scenario_manual,
      { "--install", "no_install=yes", "--disk", "size=8,format=raw,pool=default,sparse=no",
        "--network", "none", "--name", "Lab <A&B> 'test'" } },
    { vireo_test_scenario_live_cd,
      { "--cdrom", "/dev/sr0", "--network", "user", "--tpm", "none" } },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(VireoVmBuilder) b = cases[c].make (db);
      g_autofree char *line = NULL;
      g_auto(GStrv) argv = vireo_vm_builder_dup_virt_install_command (b, "qemu:///system", &line);

      g_assert_cmpstr (argv[0], ==, "virt-install");
      g_assert_true (has_option (argv, "--connect", "qemu:///system"));
      for (guint i = 0; i < G_N_ELEMENTS (cases[c].options) && cases[c].options[i] != NULL; i += 2)
        if (!has_option (argv, cases[c].options[i], cases[c].options[i + 1]))
          g_error ("case %u: no “%s %s” in: %s", c, cases[c].options[i],
                   cases[c].options[i + 1] ? cases[c].options[i + 1] : "", line);
      assert_display_round_trips (argv, line);
    }

  /* A disk size that is not whole GiB, and no --connect without a URI. */
  {
    g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_iso (db);
    g_auto(GStrv) argv = NULL;

    vireo_vm_builder_set_disk_size (b, 7 * GIB + GIB / 2);
    argv = vireo_vm_builder_dup_virt_install_command (b, NULL, NULL);
    g_assert_true (has_option (argv, "--disk", "size=7.500,format=qcow2,pool=default"));
    g_assert_false (has_option (argv, "--connect", NULL));
  }
}

/* ------------------------------------------------------------------------ */
/* Name                                                                      */

static void
test_name_validation (void)
{
  static const struct
  {
    const char *name;
    const char *fragment;   /* NULL: accepted */
  } cases[] = {
    { "", "enter a name" },
    { "a/b", "“/”" },
    { "line\nbreak", "control characters" },
    { "tab\there", "control characters" },
    { " lead", "start or end" },
    { "trail ", "start or end" },
    { "12345", "digits" },
    { "web", "already exists" },
    { "Web", NULL },               /* libvirt's names are case-sensitive */
    { "Mon ordinateur à moi", NULL },
    { "db-2.example_test:1+x", NULL },
    { "7of9", NULL },
  };
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_iso (db);
  g_autofree char *long_name = g_strnfill (201, 'x');
  g_autofree char *max_name = g_strnfill (200, 'x');

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      vireo_vm_builder_set_name (b, cases[i].name);
      if (cases[i].fragment == NULL)
        {
          g_assert_true (vireo_vm_builder_check_name (b, &error));
          g_assert_no_error (error);
        }
      else
        {
          g_assert_false (vireo_vm_builder_check_name (b, &error));
          assert_builder_error (error, VIREO_VM_BUILDER_ERROR_NAME, cases[i].fragment);
          g_clear_error (&error);
          /* And the whole answer set is refused on that field. */
          g_assert_false (vireo_vm_builder_validate (b, &error));
          assert_builder_error (error, VIREO_VM_BUILDER_ERROR_NAME, cases[i].fragment);
        }
    }

  {
    g_autoptr(GError) error = NULL;

    vireo_vm_builder_set_name (b, long_name);
    g_assert_false (vireo_vm_builder_check_name (b, &error));
    assert_builder_error (error, VIREO_VM_BUILDER_ERROR_NAME, "too long");
    g_clear_error (&error);
    vireo_vm_builder_set_name (b, max_name);
    g_assert_true (vireo_vm_builder_check_name (b, &error));
  }
}

static void
test_name_suggestion (void)
{
  static const char * const none[] = { NULL };
  static const char * const one[] = { "win11", NULL };
  static const char * const two[] = { "win11", "win11-2", "vm", NULL };
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_win11 (db);
  g_autofree char *a = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  g_autofree char *e = NULL;
  g_autoptr(GError) error = NULL;

  vireo_vm_builder_set_existing_names (b, none);
  a = vireo_vm_builder_suggest_name (b);
  g_assert_cmpstr (a, ==, "win11");
  vireo_vm_builder_set_existing_names (b, one);
  c = vireo_vm_builder_suggest_name (b);
  g_assert_cmpstr (c, ==, "win11-2");
  vireo_vm_builder_set_existing_names (b, two);
  d = vireo_vm_builder_suggest_name (b);
  g_assert_cmpstr (d, ==, "win11-3");
  /* The suggestion is the name until the user types one, and it is free. */
  g_assert_true (vireo_vm_builder_check_name (b, &error));
  g_assert_no_error (error);

  vireo_vm_builder_set_os (b, NULL);
  e = vireo_vm_builder_suggest_name (b);
  g_assert_cmpstr (e, ==, "vm-2");
}

/* ------------------------------------------------------------------------ */
/* Resources and storage                                                     */

static void
test_overcommit_warning (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_iso (db);
  g_autoptr(GError) error = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *cpus = NULL;
  g_autofree char *small = NULL;

  vireo_vm_builder_set_memory_mib (b, 16384);
  g_assert_null (vireo_vm_builder_dup_resource_warning (b));

  vireo_vm_builder_set_memory_mib (b, 32768);
  memory = vireo_vm_builder_dup_resource_warning (b);
  g_assert_nonnull (memory);
  g_assert_true (g_str_has_prefix (memory, "Memory:"));
  g_assert_true (strstr (memory, "more than the host") != NULL);
  /* A warning, not a refusal. */
  g_assert_true (vireo_vm_builder_validate (b, &error));
  g_assert_no_error (error);

  vireo_vm_builder_set_memory_mib (b, 2048);
  vireo_vm_builder_set_vcpus (b, 12);
  cpus = vireo_vm_builder_dup_resource_warning (b);
  g_assert_nonnull (cpus);
  g_assert_true (g_str_has_prefix (cpus, "CPUs:"));
  g_assert_true (strstr (cpus, "12") != NULL && strstr (cpus, "8") != NULL);

  vireo_vm_builder_set_vcpus (b, 2);
  vireo_vm_builder_set_memory_mib (b, 512);
  small = vireo_vm_builder_dup_resource_warning (b);
  g_assert_nonnull (small);
  g_assert_true (strstr (small, "Fedora") != NULL);

  /* More vCPUs than the machine type takes is an error. */
  vireo_vm_builder_set_vcpus (b, 1000);
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_VCPUS, "288");
}

static void
test_pool_space (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_iso (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoCreatePlan) plan = NULL;

  vireo_vm_builder_set_pool (b, "small", "/srv/small", 10 * GIB, NULL);
  g_assert_false (vireo_vm_builder_check_storage (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_STORAGE, "“small”");
  g_assert_true (g_str_has_prefix (error->message, "Storage:"));
  g_clear_error (&error);

  /* Thin or not: a disk that cannot grow to its size fails the guest later. */
  vireo_vm_builder_set_allocate_now (b, TRUE);
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_STORAGE, "does not fit");
  g_clear_error (&error);
  plan = vireo_vm_builder_dup_plan (b, NULL, &error);
  g_assert_null (plan);
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_STORAGE, NULL);
  g_clear_error (&error);

  vireo_vm_builder_set_disk_size (b, 10 * GIB);
  g_assert_true (vireo_vm_builder_check_storage (b, &error));
  g_assert_no_error (error);
  /* No disk: nothing to fit. */
  vireo_vm_builder_set_disk_size (b, 100 * GIB);
  vireo_vm_builder_set_storage (b, VIREO_STORAGE_NONE);
  g_assert_true (vireo_vm_builder_check_storage (b, &error));
  /* Free space unknown: not refused. */
  vireo_vm_builder_set_storage (b, VIREO_STORAGE_NEW);
  vireo_vm_builder_set_pool (b, "small", "/srv/small", G_MAXUINT64, NULL);
  g_assert_true (vireo_vm_builder_check_storage (b, &error));
}

static void
test_volume_names (void)
{
  static const char * const taken[] = { "fedora37.qcow2", "fedora37-1.qcow2", "fedora37-install-kernel", NULL };
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_tree (db);
  g_autoptr(GPtrArray) volumes = NULL;
  g_autoptr(VireoCreatePlan) plan = NULL;

  vireo_vm_builder_set_pool (b, "default", "/var/lib/libvirt/images", 500 * GIB, taken);
  volumes = vireo_vm_builder_list_volumes (b);
  g_assert_cmpstr (((VireoVolumePlan *) volumes->pdata[0])->name, ==, "fedora37-2.qcow2");
  g_assert_cmpstr (((VireoVolumePlan *) volumes->pdata[1])->name, ==, "fedora37-1-install-kernel");
  g_assert_cmpstr (((VireoVolumePlan *) volumes->pdata[2])->name, ==, "fedora37-install-initrd");
  plan = plan_of (b);
  g_assert_true (has_text (plan->final_xml, "/var/lib/libvirt/images/fedora37-2.qcow2"));
  g_assert_true (has_text (plan->install_xml, "/var/lib/libvirt/images/fedora37-1-install-kernel"));

  /* A pool that is not a directory: the disk is named by pool and volume. */
  g_clear_pointer (&plan, vireo_create_plan_free);
  vireo_vm_builder_set_method (b, VIREO_INSTALL_MEDIA);
  vireo_vm_builder_set_media (b, VIREO_MEDIA_FILE, "/isos/f.iso");
  vireo_vm_builder_set_pool (b, "vg0", NULL, 500 * GIB, NULL);
  plan = plan_of (b);
  g_assert_true (has_text (plan->final_xml, "<source pool=\"vg0\" volume=\"fedora37.qcow2\"/>"));
  g_assert_true (has_text (plan->final_xml, "<disk type=\"volume\" device=\"disk\">"));
  g_assert_null (((VireoVolumePlan *) plan->volumes->pdata[0])->path);
}

static void
test_refusals (void)
{
  g_autoptr(VireoVmBuilder) b = vireo_test_scenario_fedora_iso (db);
  g_autoptr(GError) error = NULL;

  vireo_vm_builder_set_media (b, VIREO_MEDIA_FILE, NULL);
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_MEDIA, "ISO");
  g_clear_error (&error);
  vireo_vm_builder_set_media (b, VIREO_MEDIA_FILE, "relative.iso");
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_MEDIA, "/");
  g_clear_error (&error);

  vireo_vm_builder_set_method (b, VIREO_INSTALL_NETWORK);
  vireo_vm_builder_set_location (b, "smb://server/tree", NULL);
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_MEDIA, "http://");
  g_clear_error (&error);
  vireo_vm_builder_set_location (b, "http://server/tree", "a\nb");
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_MEDIA, "one line");
  g_clear_error (&error);
  vireo_vm_builder_set_location (b, "http://server/tree", NULL);
  vireo_vm_builder_set_pool (b, "vg0", NULL, 500 * GIB, NULL);
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_MEDIA, "directory");
  g_clear_error (&error);

  vireo_vm_builder_set_method (b, VIREO_INSTALL_PXE);
  vireo_vm_builder_set_network (b, VIREO_NETWORK_NONE, NULL, NULL);
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_NETWORK, "PXE");
  g_clear_error (&error);

  vireo_vm_builder_set_method (b, VIREO_INSTALL_MANUAL);
  vireo_vm_builder_set_network (b, VIREO_NETWORK_BRIDGE, NULL, NULL);
  vireo_vm_builder_set_pool (b, "default", "/var/lib/libvirt/images", 500 * GIB, NULL);
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_NETWORK, "bridge");
  g_clear_error (&error);
  vireo_vm_builder_set_network (b, VIREO_NETWORK_VIRTUAL, "default", NULL);

  vireo_vm_builder_set_method (b, VIREO_INSTALL_IMPORT);
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_MEDIA, "import");
  g_clear_error (&error);

  vireo_vm_builder_set_method (b, VIREO_INSTALL_MANUAL);
  vireo_vm_builder_set_memory_mib (b, 0);
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_MEMORY, NULL);
  g_clear_error (&error);
  vireo_vm_builder_reset_field (b, VIREO_VM_FIELD_MEMORY);

  vireo_vm_builder_set_caps (b, NULL);
  g_assert_false (vireo_vm_builder_validate (b, &error));
  assert_builder_error (error, VIREO_VM_BUILDER_ERROR_ARCH, NULL);
  g_clear_error (&error);
}

/* ------------------------------------------------------------------------ */

static int
dump (const char *dir)
{
  g_autoptr(VireoOsDb) loaded = vireo_test_load_os_db ();

  if (g_mkdir_with_parents (dir, 0755) != 0)
    g_error ("cannot make %s", dir);
  for (guint i = 0; i < G_N_ELEMENTS (vireo_test_scenarios); i++)
    {
      g_autoptr(VireoVmBuilder) b = vireo_test_scenarios[i].make (loaded);
      g_autoptr(GError) error = NULL;
      g_autoptr(VireoCreatePlan) plan = vireo_vm_builder_dup_plan (b, NULL, &error);
      g_autofree char *path = NULL;

      if (plan == NULL)
        g_error ("%s: %s", vireo_test_scenarios[i].name, error->message);
      path = g_strdup_printf ("%s/%s-final.xml", dir, vireo_test_scenarios[i].name);
      if (!g_file_set_contents (path, plan->final_xml, -1, &error))
        g_error ("%s", error->message);
      if (plan->install_xml != NULL)
        {
          g_free (path);
          path = g_strdup_printf ("%s/%s-install.xml", dir, vireo_test_scenarios[i].name);
          if (!g_file_set_contents (path, plan->install_xml, -1, &error))
            g_error ("%s", error->message);
        }
      /* Not compared (test_method_manual has one whole): only validated. */
      for (guint v = 0; v < plan->volumes->len; v++)
        {
          g_autofree char *xml = vireo_volume_plan_to_xml (plan->volumes->pdata[v]);

          g_free (path);
          path = g_strdup_printf ("%s/%s-volume-%u.xml", dir, vireo_test_scenarios[i].name, v);
          if (!g_file_set_contents (path, xml, -1, &error))
            g_error ("%s", error->message);
        }
    }
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  if (argc == 3 && g_str_equal (argv[1], "--dump"))
    return dump (argv[2]);

  db = vireo_test_load_os_db ();

  for (guint i = 0; i < G_N_ELEMENTS (vireo_test_scenarios); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vm-builder/scenario/%s", vireo_test_scenarios[i].name);
      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_scenario);
    }
  g_test_add_func ("/vm-builder/defaults/fedora", test_defaults_fedora);
  g_test_add_func ("/vm-builder/defaults/win11", test_defaults_win11);
  g_test_add_func ("/vm-builder/defaults/win11-i440fx", test_defaults_win11_i440fx);
  g_test_add_func ("/vm-builder/defaults/generic", test_defaults_generic);
  g_test_add_func ("/vm-builder/defaults/small-host", test_defaults_small_host);
  g_test_add_func ("/vm-builder/overrides/survive-os-change", test_overrides_survive_os_change);
  g_test_add_func ("/vm-builder/overrides/in-definition", test_overrides_in_definition);
  g_test_add_func ("/vm-builder/method/media", test_method_media);
  g_test_add_func ("/vm-builder/method/live-media", test_method_live_media);
  g_test_add_func ("/vm-builder/method/network", test_method_network);
  g_test_add_func ("/vm-builder/method/pxe", test_method_pxe);
  g_test_add_func ("/vm-builder/method/import", test_method_import);
  g_test_add_func ("/vm-builder/method/manual", test_method_manual);
  g_test_add_func ("/vm-builder/customized", test_customized);
  g_test_add_func ("/vm-builder/customize-plan", test_customize_plan);
  g_test_add_func ("/vm-builder/virt-install", test_virt_install);
  g_test_add_func ("/vm-builder/name/validation", test_name_validation);
  g_test_add_func ("/vm-builder/name/suggestion", test_name_suggestion);
  g_test_add_func ("/vm-builder/resources/overcommit", test_overcommit_warning);
  g_test_add_func ("/vm-builder/storage/pool-space", test_pool_space);
  g_test_add_func ("/vm-builder/storage/volume-names", test_volume_names);
  g_test_add_func ("/vm-builder/refusals", test_refusals);

  status = g_test_run ();
  g_clear_object (&db);
  return status;
}
