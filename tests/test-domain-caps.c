/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include "vireo-domain-caps.h"
#include "vireo-domain-config.h"

/*
 * The fixtures in data/domcaps are libvirt 9.0's own output on Debian 12
 * (private daemon, `virsh domcapabilities --virttype qemu|kvm --machine
 * q35|pc`), plus a hand-written aarch64 one. test:///default has no
 * domcapabilities in 9.0 ("this function is not supported by the
 * connection driver"), so there is no fixture for it.
 */

static VireoDomainCaps *
load_caps (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "domcaps", name, NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  VireoDomainCaps *caps;

  g_file_get_contents (path, &xml, NULL, &error);
  g_assert_no_error (error);
  caps = vireo_domain_caps_new_from_xml (xml, &error);
  g_assert_no_error (error);
  g_assert_true (VIREO_IS_DOMAIN_CAPS (caps));
  return caps;
}

/* @expected: NULL-terminated */
static void
assert_strv (char       **actual,
             const char  *first,
             ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) expected = NULL;
  g_auto(GStrv) owned = actual;
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    g_strv_builder_add (builder, s);
  va_end (args);
  expected = g_strv_builder_end (builder);

  g_assert_nonnull (owned);
  if (!g_strv_equal ((const char * const *) owned, (const char * const *) expected))
    {
      g_autofree char *a = g_strjoinv (", ", owned);
      g_autofree char *e = g_strjoinv (", ", expected);
      g_error ("expected [%s], got [%s]", e, a);
    }
}

static void
test_q35_tcg (void)
{
  g_autoptr(VireoDomainCaps) caps = load_caps ("qemu-tcg-q35.x86_64.xml");
  g_auto(GStrv) usable = NULL;
  g_auto(GStrv) unusable = NULL;

  g_assert_cmpstr (vireo_domain_caps_get_path (caps), ==, "/usr/bin/qemu-system-x86_64");
  g_assert_cmpstr (vireo_domain_caps_get_domain_type (caps), ==, "qemu");
  g_assert_cmpstr (vireo_domain_caps_get_machine (caps), ==, "pc-q35-7.2");
  g_assert_cmpstr (vireo_domain_caps_get_arch (caps), ==, "x86_64");
  g_assert_cmpuint (vireo_domain_caps_get_max_vcpus (caps), ==, 288);

  /* No SeaBIOS descriptor on Debian 12: "bios" is not listed. */
  g_assert_true (vireo_domain_caps_os_supported (caps));
  assert_strv (vireo_domain_caps_dup_firmware_values (caps), "efi", NULL);
  g_assert_true (vireo_domain_caps_supports_firmware (caps, "efi"));
  g_assert_false (vireo_domain_caps_supports_firmware (caps, "bios"));
  g_assert_true (vireo_domain_caps_supports_secure_boot (caps));
  g_assert_true (vireo_domain_caps_loader_supported (caps));
  assert_strv (vireo_domain_caps_dup_loader_values (caps),
               "/usr/share/OVMF/OVMF_CODE_4M.ms.fd", "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
               "/usr/share/OVMF/OVMF_CODE_4M.fd", NULL);
  assert_strv (vireo_domain_caps_dup_loader_enum (caps, "type"), "rom", "pflash", NULL);
  assert_strv (vireo_domain_caps_dup_loader_enum (caps, "readonly"), "yes", "no", NULL);
  assert_strv (vireo_domain_caps_dup_loader_enum (caps, "secure"), "yes", "no", NULL);
  assert_strv (vireo_domain_caps_dup_loader_enum (caps, "nonsense"), NULL);

  /* TCG: no host CPU to pass through. */
  g_assert_false (vireo_domain_caps_cpu_mode_supported (caps, "host-passthrough"));
  g_assert_true (vireo_domain_caps_cpu_mode_supported (caps, "maximum"));
  g_assert_true (vireo_domain_caps_cpu_mode_supported (caps, "host-model"));
  g_assert_true (vireo_domain_caps_cpu_mode_supported (caps, "custom"));
  g_assert_false (vireo_domain_caps_cpu_mode_supported (caps, "no-such-mode"));
  g_assert_cmpstr (vireo_domain_caps_get_host_model (caps), ==, "EPYC");

  usable = vireo_domain_caps_dup_usable_cpu_models (caps);
  unusable = vireo_domain_caps_dup_unusable_cpu_models (caps);
  g_assert_cmpuint (g_strv_length (usable), ==, 18);
  g_assert_cmpuint (g_strv_length (unusable), ==, 35);
  g_assert_cmpstr (usable[0], ==, "qemu64");
  g_assert_cmpstr (usable[17], ==, "486");
  g_assert_true (g_strv_contains ((const char * const *) usable, "Westmere"));
  g_assert_false (g_strv_contains ((const char * const *) usable, "Westmere-IBRS"));
  g_assert_true (g_strv_contains ((const char * const *) unusable, "Westmere-IBRS"));
  g_assert_true (g_strv_contains ((const char * const *) unusable, "EPYC"));
  g_assert_cmpstr (unusable[34], ==, "Broadwell");

  /* Devices. */
  g_assert_true (vireo_domain_caps_device_supported (caps, "disk"));
  g_assert_true (vireo_domain_caps_device_supported (caps, "tpm"));
  g_assert_true (vireo_domain_caps_device_supported (caps, "redirdev"));
  g_assert_true (vireo_domain_caps_device_supported (caps, "channel"));
  /* Not reported by 9.0 at all: says nothing, so not "supported". */
  g_assert_false (vireo_domain_caps_device_supported (caps, "crypto"));
  g_assert_false (vireo_domain_caps_device_reported (caps, "crypto"));
  g_assert_true (vireo_domain_caps_device_reported (caps, "tpm"));
  assert_strv (vireo_domain_caps_dup_enum (caps, "disk", "diskDevice"), "disk", "cdrom", "floppy", "lun", NULL);
  /* q35 has no IDE controller. */
  assert_strv (vireo_domain_caps_dup_enum (caps, "disk", "bus"), "fdc", "scsi", "virtio", "usb", "sata", NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "graphics", "type"),
               "sdl", "vnc", "spice", "egl-headless", "dbus", NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "video", "modelType"),
               "vga", "cirrus", "vmvga", "qxl", "virtio", "none", "bochs", "ramfb", NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "hostdev", "subsysType"), "usb", "pci", "scsi", NULL);
  /* An empty <enum/> is an empty list. */
  assert_strv (vireo_domain_caps_dup_enum (caps, "hostdev", "capsType"), NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "rng", "model"),
               "virtio", "virtio-transitional", "virtio-non-transitional", NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "rng", "backendModel"), "random", "egd", "builtin", NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "tpm", "model"), "tpm-tis", "tpm-crb", NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "tpm", "backendModel"), "passthrough", "emulator", "external", NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "tpm", "backendVersion"), "1.2", "2.0", NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "filesystem", "driverType"), "path", "handle", "virtiofs", NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "redirdev", "bus"), "usb", NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "crypto", "model"), NULL);

  /* Features. */
  g_assert_false (vireo_domain_caps_feature_supported (caps, "gic"));
  g_assert_true (vireo_domain_caps_feature_supported (caps, "vmcoreinfo"));
  g_assert_true (vireo_domain_caps_feature_supported (caps, "genid"));
  g_assert_true (vireo_domain_caps_feature_supported (caps, "backingStoreInput"));
  g_assert_true (vireo_domain_caps_feature_supported (caps, "backup"));
  g_assert_false (vireo_domain_caps_feature_supported (caps, "sev"));
  g_assert_false (vireo_domain_caps_feature_supported (caps, "sgx"));
  g_assert_true (vireo_domain_caps_feature_supported (caps, "hyperv"));
  assert_strv (vireo_domain_caps_dup_feature_enum (caps, "hyperv", "features"), "spinlocks", "vendor_id", NULL);
  /* Same names in another section are not mixed up. */
  g_assert_false (vireo_domain_caps_device_supported (caps, "vmcoreinfo"));
  g_assert_false (vireo_domain_caps_feature_supported (caps, "disk"));
}

static void
test_pc_tcg (void)
{
  g_autoptr(VireoDomainCaps) caps = load_caps ("qemu-tcg-pc.x86_64.xml");

  g_assert_cmpstr (vireo_domain_caps_get_machine (caps), ==, "pc-i440fx-7.2");
  g_assert_cmpuint (vireo_domain_caps_get_max_vcpus (caps), ==, 255);
  /* UEFI yes, but no Secure Boot build for i440fx: its descriptors need SMM
   * and list pc-q35-* only. */
  g_assert_true (vireo_domain_caps_supports_firmware (caps, "efi"));
  g_assert_false (vireo_domain_caps_supports_secure_boot (caps));
  assert_strv (vireo_domain_caps_dup_loader_values (caps), "/usr/share/OVMF/OVMF_CODE_4M.fd", NULL);
  assert_strv (vireo_domain_caps_dup_loader_enum (caps, "secure"), "no", NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "disk", "bus"), "ide", "fdc", "scsi", "virtio", "usb", "sata", NULL);
}

static void
test_q35_kvm (void)
{
  g_autoptr(VireoDomainCaps) caps = load_caps ("qemu-kvm-q35.x86_64.xml");
  g_auto(GStrv) usable = vireo_domain_caps_dup_usable_cpu_models (caps);

  g_assert_cmpstr (vireo_domain_caps_get_domain_type (caps), ==, "kvm");
  g_assert_true (vireo_domain_caps_cpu_mode_supported (caps, "host-passthrough"));
  g_assert_cmpstr (vireo_domain_caps_get_host_model (caps), ==, "kvm64");
  g_assert_cmpuint (g_strv_length (usable), ==, 4);
}

static void
test_aarch64 (void)
{
  g_autoptr(VireoDomainCaps) caps = load_caps ("qemu-tcg-virt.aarch64.xml");
  g_auto(GStrv) unusable = vireo_domain_caps_dup_unusable_cpu_models (caps);

  g_assert_cmpstr (vireo_domain_caps_get_path (caps), ==, "/usr/bin/qemu-system-aarch64");
  g_assert_cmpstr (vireo_domain_caps_get_machine (caps), ==, "virt-7.2");
  g_assert_cmpstr (vireo_domain_caps_get_arch (caps), ==, "aarch64");
  g_assert_cmpuint (vireo_domain_caps_get_max_vcpus (caps), ==, 512);
  g_assert_true (vireo_domain_caps_supports_firmware (caps, "efi"));
  g_assert_false (vireo_domain_caps_supports_secure_boot (caps));
  assert_strv (vireo_domain_caps_dup_loader_values (caps), "/usr/share/AAVMF/AAVMF_CODE.fd", NULL);

  g_assert_false (vireo_domain_caps_cpu_mode_supported (caps, "host-passthrough"));
  g_assert_false (vireo_domain_caps_cpu_mode_supported (caps, "host-model"));
  g_assert_null (vireo_domain_caps_get_host_model (caps));
  /* usable='unknown' is offered, not hidden. */
  assert_strv (vireo_domain_caps_dup_usable_cpu_models (caps), "cortex-a53", "cortex-a57", "cortex-a72", "max", NULL);
  g_assert_cmpuint (g_strv_length (unusable), ==, 0);

  g_assert_false (vireo_domain_caps_device_supported (caps, "hostdev"));
  assert_strv (vireo_domain_caps_dup_enum (caps, "hostdev", "subsysType"), NULL);
  assert_strv (vireo_domain_caps_dup_enum (caps, "tpm", "model"), "tpm-tis", NULL);
  g_assert_true (vireo_domain_caps_feature_supported (caps, "gic"));
  assert_strv (vireo_domain_caps_dup_feature_enum (caps, "gic", "version"), "2", "3", NULL);
  g_assert_false (vireo_domain_caps_feature_supported (caps, "genid"));
}

/* A driver that reports only the four required elements: everything else
 * is "not reported", never a crash or a NULL list. */
static void
test_minimal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainCaps) caps = vireo_domain_caps_new_from_xml (
    "<domainCapabilities>\n"
    "  <path>/usr/bin/true</path>\n"
    "  <domain>test</domain>\n"
    "  <arch>x86_64</arch>\n"
    "  <vcpu max='not a number'/>\n"
    "  <features>\n"
    "    <sev>\n"
    "      <cbitpos>47</cbitpos>\n"
    "    </sev>\n"
    "  </features>\n"
    "</domainCapabilities>\n", &error);

  g_assert_no_error (error);
  g_assert_null (vireo_domain_caps_get_machine (caps));
  g_assert_cmpuint (vireo_domain_caps_get_max_vcpus (caps), ==, 0);
  g_assert_false (vireo_domain_caps_os_supported (caps));
  g_assert_false (vireo_domain_caps_supports_firmware (caps, "efi"));
  g_assert_false (vireo_domain_caps_supports_secure_boot (caps));
  assert_strv (vireo_domain_caps_dup_firmware_values (caps), NULL);
  assert_strv (vireo_domain_caps_dup_loader_values (caps), NULL);
  assert_strv (vireo_domain_caps_dup_usable_cpu_models (caps), NULL);
  assert_strv (vireo_domain_caps_dup_unusable_cpu_models (caps), NULL);
  g_assert_false (vireo_domain_caps_cpu_mode_supported (caps, "custom"));
  g_assert_false (vireo_domain_caps_device_supported (caps, "disk"));
  g_assert_false (vireo_domain_caps_device_reported (caps, "disk"));
  assert_strv (vireo_domain_caps_dup_enum (caps, "disk", "bus"), NULL);
  /* The docs' own example: a present <sev> without supported='…'. */
  g_assert_true (vireo_domain_caps_feature_supported (caps, "sev"));
}

static void
test_malformed (void)
{
  static const char * const bad[] = {
    "",
    "   \n",
    "<domainCapabilities>",
    "<domainCapabilities><path>x</domainCapabilities>",
    "not xml at all",
    "<domain type='kvm'><name>x</name></domain>",
    "<capabilities><host/></capabilities>",
    "<?xml version='1.0'?><!DOCTYPE domainCapabilities [<!ENTITY a 'aaaa'>]>"
    "<domainCapabilities><path>&a;</path></domainCapabilities>",
    "<x:domainCapabilities xmlns:x='urn:x'/>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VireoDomainCaps) caps = vireo_domain_caps_new_from_xml (bad[i], &error);

      if (caps != NULL || error == NULL)
        g_error ("accepted: %s", bad[i]);
      g_assert_true (error->domain == VIREO_MODEL_ERROR);
      g_assert_true (error->code == VIREO_MODEL_ERROR_PARSE || error->code == VIREO_MODEL_ERROR_INVALID);
      g_assert_cmpstr (error->message, !=, "");
    }
}

/* Returned lists are copies: freeing or changing one leaves the next. */
static void
test_lists_are_copies (void)
{
  g_autoptr(VireoDomainCaps) caps = load_caps ("qemu-tcg-q35.x86_64.xml");
  g_auto(GStrv) first = vireo_domain_caps_dup_enum (caps, "tpm", "model");

  g_free (first[0]);
  first[0] = g_strdup ("changed");
  assert_strv (vireo_domain_caps_dup_enum (caps, "tpm", "model"), "tpm-tis", "tpm-crb", NULL);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/domain-caps/q35-tcg", test_q35_tcg);
  g_test_add_func ("/domain-caps/pc-tcg", test_pc_tcg);
  g_test_add_func ("/domain-caps/q35-kvm", test_q35_kvm);
  g_test_add_func ("/domain-caps/aarch64", test_aarch64);
  g_test_add_func ("/domain-caps/minimal", test_minimal);
  g_test_add_func ("/domain-caps/malformed", test_malformed);
  g_test_add_func ("/domain-caps/lists-are-copies", test_lists_are_copies);

  return g_test_run ();
}
