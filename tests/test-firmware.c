/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-command.h"
#include "vireo-domain-caps.h"
#include "vireo-domain-config.h"
#include "vireo-firmware.h"
#include "vireo-test-model.h"

static char *
load_text (const char *dir,
           const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static VireoDomainConfig *
load_domain (const char *name)
{
  g_autofree char *xml = load_text ("domains", name);
  g_autoptr(GError) error = NULL;
  VireoDomainConfig *config = vireo_domain_config_new_from_xml (xml, &error);

  g_assert_no_error (error);
  return config;
}

static VireoDomainConfig *
domain_from_string (const char *xml)
{
  g_autoptr(GError) error = NULL;
  VireoDomainConfig *config = vireo_domain_config_new_from_xml (xml, &error);

  g_assert_no_error (error);
  return config;
}

static VireoDomainCaps *
load_caps (const char *name)
{
  g_autofree char *xml = load_text ("domcaps", name);
  g_autoptr(GError) error = NULL;
  VireoDomainCaps *caps = vireo_domain_caps_new_from_xml (xml, &error);

  g_assert_no_error (error);
  return caps;
}

/* @base with each (from, to) pair replaced, each from found exactly once:
 * the whole expected document, so any other change fails the compare. */
static void
assert_edited (const char *base,
               const char *actual,
               ...)
{
  g_autoptr(GString) expected = g_string_new (base);
  va_list args;

  va_start (args, actual);
  for (const char *from = va_arg (args, const char *); from != NULL; from = va_arg (args, const char *))
    {
      const char *to = va_arg (args, const char *);
      const char *at = strstr (expected->str, from);

      if (at == NULL || strstr (at + 1, from) != NULL)
        g_error ("expected exactly one\n%s\nin\n%s", from, expected->str);
      g_string_replace (expected, from, to, 1);
    }
  va_end (args);

  if (g_strcmp0 (expected->str, actual) != 0)
    g_error ("expected\n%s\ngot\n%s", expected->str, actual);
}

/* The document without its <os> and <features> blocks. */
static char *
outside_os_and_features (const char *xml)
{
  g_autoptr(GString) out = g_string_new (xml);
  static const char * const blocks[][2] = {
    { "<os", "</os>" },
    { "<features>", "</features>" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    {
      char *start = strstr (out->str, blocks[i][0]);
      char *end = start != NULL ? strstr (start, blocks[i][1]) : NULL;

      if (start != NULL && end != NULL)
        g_string_erase (out, start - out->str, end + strlen (blocks[i][1]) - start);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_info (VireoDomainConfig *config,
             const char        *firmware,
             gboolean           autoselect,
             gboolean           secure_boot,
             gboolean           secure_boot_auto,
             gboolean           has_tpm,
             const char        *loader)
{
  g_autoptr(VireoFirmwareInfo) info = vireo_firmware_get_info (config);

  g_assert_cmpstr (info->firmware, ==, firmware);
  g_assert_cmpint (info->autoselect, ==, autoselect);
  g_assert_cmpint (info->secure_boot, ==, secure_boot);
  g_assert_cmpint (info->secure_boot_auto, ==, secure_boot_auto);
  g_assert_cmpint (info->has_tpm, ==, has_tpm);
  g_assert_cmpstr (info->loader, ==, loader);
}

static void
test_info_of_fixtures (void)
{
  static const struct {
    const char *name;
    const char *firmware;
    gboolean    autoselect, secure_boot, has_tpm;
    const char *loader;
  } cases[] = {
    { "aarch64-virt.xml", "efi", TRUE, FALSE, FALSE, "/usr/share/AAVMF/AAVMF_CODE.fd" },
    { "hostdev-passthrough.xml", "efi", FALSE, FALSE, FALSE, "/usr/share/OVMF/OVMF_CODE_4M.fd" },
    { "legacy-bios-ide.xml", "bios", FALSE, FALSE, FALSE, NULL },
    { "lxc-container.xml", NULL, FALSE, FALSE, FALSE, NULL },
    { "q35-pcie-topology.xml", "bios", FALSE, FALSE, FALSE, NULL },
    { "spice-desktop.xml", "bios", FALSE, FALSE, FALSE, NULL },
    { "uefi-secureboot-tpm.xml", "efi", FALSE, TRUE, TRUE, "/usr/share/OVMF/OVMF_CODE_4M.ms.fd" },
    { "windows11.xml", "efi", TRUE, TRUE, TRUE, "/usr/share/OVMF/OVMF_CODE_4M.ms.fd" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoDomainConfig) config = load_domain (cases[i].name);

      g_test_message ("%s", cases[i].name);
      assert_info (config, cases[i].firmware, cases[i].autoselect, cases[i].secure_boot, FALSE,
                   cases[i].has_tpm, cases[i].loader);
    }
}

/* The ways a definition says UEFI and Secure Boot without auto-selection,
 * and auto-selection that leaves Secure Boot to libvirt. */
static void
test_info_variants (void)
{
  static const struct {
    const char *os;
    const char *firmware;
    gboolean    autoselect, secure_boot, secure_boot_auto;
  } cases[] = {
    { "<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>", "efi", TRUE, FALSE, TRUE },
    { "<os firmware='efi'><type>hvm</type><loader secure='yes'/></os>", "efi", TRUE, TRUE, FALSE },
    { "<os firmware='efi'><type>hvm</type><firmware><feature enabled='no' name='secure-boot'/></firmware></os>",
      "efi", TRUE, FALSE, FALSE },
    { "<os><type>hvm</type><loader type='pflash'>/srv/fw/custom.bin</loader></os>", "efi", FALSE, FALSE, FALSE },
    { "<os><type>hvm</type><loader>/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd</loader></os>", "efi", FALSE, TRUE, FALSE },
    { "<os><type>hvm</type><loader>/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd</loader></os>", "efi", FALSE, TRUE, FALSE },
    { "<os><type>hvm</type><loader readonly='yes' type='pflash'>/usr/share/qemu/edk2-x86_64-secure-code.fd</loader></os>",
      "efi", FALSE, TRUE, FALSE },
    { "<os><type>hvm</type><loader type='rom'>/usr/share/seabios/bios-256k.bin</loader></os>", "bios", FALSE, FALSE, FALSE },
    { "<os firmware='bios'><type>hvm</type></os>", "bios", TRUE, FALSE, FALSE },
    { "<os><type>exe</type><init>/sbin/init</init></os>", NULL, FALSE, FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *xml = g_strdup_printf ("<domain type='qemu'><name>v</name>%s</domain>", cases[i].os);
      g_autoptr(VireoDomainConfig) config = domain_from_string (xml);
      g_autoptr(VireoFirmwareInfo) info = vireo_firmware_get_info (config);

      g_test_message ("%s", cases[i].os);
      g_assert_cmpstr (info->firmware, ==, cases[i].firmware);
      g_assert_cmpint (info->autoselect, ==, cases[i].autoselect);
      g_assert_cmpint (info->secure_boot, ==, cases[i].secure_boot);
      g_assert_cmpint (info->secure_boot_auto, ==, cases[i].secure_boot_auto);
      g_assert_false (info->has_tpm);
    }
}

static void
test_bios_to_efi (void)
{
  g_autoptr(VireoDomainConfig) config = load_domain ("q35-pcie-topology.xml");
  g_autofree char *base = vireo_domain_config_to_xml (config);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);
  g_assert_true (vireo_firmware_set (config, NULL, "efi", FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);

  out = vireo_domain_config_to_xml (config);
  /* Boot order and boot menu stay; <acpi/> was there already. */
  assert_edited (base, out,
                 "  <os>\n"
                 "    <type arch=\"x86_64\" machine=\"pc-q35-7.2\">hvm</type>\n",
                 "  <os firmware=\"efi\">\n"
                 "    <type arch=\"x86_64\" machine=\"pc-q35-7.2\">hvm</type>\n"
                 "    <firmware>\n"
                 "      <feature enabled=\"no\" name=\"enrolled-keys\"/>\n"
                 "      <feature enabled=\"no\" name=\"secure-boot\"/>\n"
                 "    </firmware>\n",
                 NULL);
  assert_info (config, "efi", TRUE, FALSE, FALSE, FALSE, NULL);
  g_assert_false (vireo_firmware_suggest_tpm (config));
}

static void
test_efi_secure_on_q35 (void)
{
  g_autoptr(VireoDomainConfig) config = load_domain ("hostdev-passthrough.xml");
  g_autoptr(VireoDomainCaps) caps = load_caps ("qemu-tcg-q35.x86_64.xml");
  g_autofree char *base = vireo_domain_config_to_xml (config);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_firmware_set (config, caps, "efi", TRUE, &error));
  g_assert_no_error (error);

  out = vireo_domain_config_to_xml (config);
  /* The explicit loader and its NVRAM go (libvirt 9.0 refuses them next to
   * auto-selection); SMM comes on, last in <features>. */
  assert_edited (base, out,
                 "  <os>\n", "  <os firmware=\"efi\">\n",
                 "    <loader readonly=\"yes\" type=\"pflash\">/usr/share/OVMF/OVMF_CODE_4M.fd</loader>\n"
                 "    <nvram template=\"/usr/share/OVMF/OVMF_VARS_4M.fd\">"
                 "/var/lib/libvirt/qemu/nvram/gpu-passthrough_VARS.fd</nvram>\n",
                 "    <firmware>\n"
                 "      <feature enabled=\"yes\" name=\"enrolled-keys\"/>\n"
                 "      <feature enabled=\"yes\" name=\"secure-boot\"/>\n"
                 "    </firmware>\n",
                 "    <ioapic driver=\"kvm\"/>\n",
                 "    <ioapic driver=\"kvm\"/>\n"
                 "    <smm state=\"on\"/>\n",
                 NULL);
  assert_info (config, "efi", TRUE, TRUE, FALSE, FALSE, NULL);
  g_assert_true (vireo_firmware_suggest_tpm (config));

  /* The editor then adds the TPM it offered. */
  g_assert_nonnull (vireo_domain_config_add_device (config, vireo_firmware_get_tpm_template (), &error));
  g_assert_no_error (error);
  g_assert_false (vireo_firmware_suggest_tpm (config));
  assert_info (config, "efi", TRUE, TRUE, FALSE, TRUE, NULL);
}

static void
test_efi_to_bios (void)
{
  g_autoptr(VireoDomainConfig) config = load_domain ("windows11.xml");
  g_autofree char *base = vireo_domain_config_to_xml (config);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_firmware_set (config, NULL, "bios", FALSE, &error));
  g_assert_no_error (error);

  out = vireo_domain_config_to_xml (config);
  /* Boot menu and SMBIOS stay; so do SMM and the TPM. */
  assert_edited (base, out,
                 "  <os firmware=\"efi\">\n", "  <os>\n",
                 "    <firmware>\n"
                 "      <feature enabled=\"yes\" name=\"enrolled-keys\"/>\n"
                 "      <feature enabled=\"yes\" name=\"secure-boot\"/>\n"
                 "    </firmware>\n"
                 "    <loader readonly=\"yes\" secure=\"yes\" type=\"pflash\">/usr/share/OVMF/OVMF_CODE_4M.ms.fd</loader>\n"
                 "    <nvram template=\"/usr/share/OVMF/OVMF_VARS_4M.ms.fd\">"
                 "/var/lib/libvirt/qemu/nvram/win11_VARS.fd</nvram>\n",
                 "",
                 NULL);
  assert_info (config, "bios", FALSE, FALSE, FALSE, TRUE, NULL);
}

static void
test_secure_to_plain_efi (void)
{
  g_autoptr(VireoDomainConfig) config = load_domain ("uefi-secureboot-tpm.xml");
  g_autoptr(VireoFirmwareInfo) before = vireo_firmware_get_info (config);
  g_autoptr(VireoFirmwareInfo) after = NULL;
  g_autofree char *base = vireo_domain_config_to_xml (config);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_firmware_set (config, NULL, "efi", FALSE, &error));
  g_assert_no_error (error);
  out = vireo_domain_config_to_xml (config);
  assert_edited (base, out,
                 "  <os>\n", "  <os firmware=\"efi\">\n",
                 "    <loader readonly=\"yes\" secure=\"yes\" type=\"pflash\">/usr/share/OVMF/OVMF_CODE_4M.ms.fd</loader>\n"
                 "    <nvram template=\"/usr/share/OVMF/OVMF_VARS_4M.ms.fd\">"
                 "/var/lib/libvirt/qemu/nvram/fedora39-sb_VARS.fd</nvram>\n",
                 "    <firmware>\n"
                 "      <feature enabled=\"no\" name=\"enrolled-keys\"/>\n"
                 "      <feature enabled=\"no\" name=\"secure-boot\"/>\n"
                 "    </firmware>\n",
                 NULL);
  after = vireo_firmware_get_info (config);
  g_assert_false (after->secure_boot);
  /* The old store holds Microsoft's keys for the .ms build. */
  g_assert_true (vireo_firmware_info_needs_nvram_reset (before, after));
}

/* Secure Boot on i440fx: refused with the field to change, with or
 * without capabilities, and nothing is touched. */
static void
test_secure_refused_on_pc (void)
{
  static const char * const fixtures[] = {
    "legacy-bios-ide.xml", "network-storage.xml", "qemu-namespace.xml",
  };
  g_autoptr(VireoDomainCaps) caps = load_caps ("qemu-tcg-pc.x86_64.xml");

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    for (guint with_caps = 0; with_caps < 2; with_caps++)
      {
        g_autoptr(VireoDomainConfig) config = load_domain (fixtures[i]);
        g_autofree char *base = vireo_domain_config_to_xml (config);
        g_autofree char *out = NULL;
        g_autoptr(GError) error = NULL;
        guint changed = 0;

        g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);
        g_assert_false (vireo_firmware_check (config, with_caps ? caps : NULL, "efi", TRUE, &error));
        g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
        g_clear_error (&error);
        g_assert_false (vireo_firmware_set (config, with_caps ? caps : NULL, "efi", TRUE, &error));
        g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
        g_assert_nonnull (strstr (error->message, "Q35"));
        g_assert_nonnull (strstr (error->message, "Machine type"));
        g_assert_nonnull (strstr (error->message, "pc-i440fx-7.2"));
        g_assert_cmpuint (changed, ==, 0);
        out = vireo_domain_config_to_xml (config);
        g_assert_cmpstr (out, ==, base);
      }
}

/* The machine type's default is i440fx. */
static void
test_secure_refused_without_machine (void)
{
  g_autoptr(VireoDomainConfig) config = domain_from_string (
    "<domain type='qemu'><name>v</name><os><type arch='x86_64'>hvm</type></os></domain>");
  g_autoptr(VireoDomainCaps) caps = load_caps ("qemu-tcg-q35.x86_64.xml");
  g_autoptr(GError) error = NULL;

  g_assert_false (vireo_firmware_set (config, NULL, "efi", TRUE, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  /* Capabilities queried for q35 stand in for the missing attribute. */
  g_assert_true (vireo_firmware_check (config, caps, "efi", TRUE, &error));
  g_assert_no_error (error);
}

static void
test_caps_refusals (void)
{
  g_autoptr(VireoDomainCaps) no_efi = vireo_domain_caps_new_from_xml (
    "<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>kvm</domain>"
    "<machine>pc-q35-7.2</machine><arch>x86_64</arch>"
    "<os supported='yes'><enum name='firmware'/><loader supported='yes'/></os>"
    "</domainCapabilities>", NULL);
  g_autoptr(VireoDomainCaps) no_os = vireo_domain_caps_new_from_xml (
    "<domainCapabilities><path>/usr/bin/qemu-system-x86_64</path><domain>kvm</domain>"
    "<machine>pc-q35-7.2</machine><arch>x86_64</arch><os supported='no'/>"
    "</domainCapabilities>", NULL);
  g_autoptr(VireoDomainCaps) arm = load_caps ("qemu-tcg-virt.aarch64.xml");
  g_autoptr(VireoDomainConfig) config = load_domain ("spice-desktop.xml");
  g_autoptr(VireoDomainConfig) arm_config = load_domain ("aarch64-virt.xml");
  g_autofree char *base = vireo_domain_config_to_xml (config);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (vireo_firmware_set (config, no_efi, "efi", FALSE, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "UEFI"));
  g_clear_error (&error);
  g_assert_false (vireo_firmware_set (config, no_os, "efi", TRUE, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  /* No SeaBIOS descriptor anywhere in these capabilities: BIOS still works. */
  g_assert_true (vireo_firmware_check (config, no_efi, "bios", FALSE, &error));
  g_assert_no_error (error);
  out = vireo_domain_config_to_xml (config);
  g_assert_cmpstr (out, ==, base);

  /* aarch64: UEFI only, and no Secure Boot build on this host. */
  g_assert_false (vireo_firmware_check (arm_config, arm, "bios", FALSE, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vireo_firmware_check (arm_config, arm, "efi", TRUE, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vireo_firmware_check (arm_config, NULL, "efi", TRUE, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (vireo_firmware_set (arm_config, arm, "efi", FALSE, &error));
  g_assert_no_error (error);
  assert_info (arm_config, "efi", TRUE, FALSE, FALSE, FALSE, NULL);
}

static void
test_container_refused (void)
{
  g_autoptr(VireoDomainConfig) config = load_domain ("lxc-container.xml");
  g_autoptr(GError) error = NULL;

  g_assert_false (vireo_firmware_set (config, NULL, "bios", FALSE, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vireo_firmware_set (config, NULL, "efi", FALSE, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
}

/* A domain with no <features> at all: UEFI on x86 needs ACPI (libvirt 9.0
 * refuses the define without it), so <features> comes in after <os>. An
 * SMM that was off comes on and keeps its settings. */
static void
test_features_created_and_smm_kept (void)
{
  g_autoptr(VireoDomainConfig) bare = domain_from_string (
    "<domain type='qemu'>\n"
    "  <name>bare</name>\n"
    "  <os>\n"
    "    <type arch='x86_64' machine='q35'>hvm</type>\n"
    "    <kernel>/boot/vmlinuz</kernel>\n"
    "  </os>\n"
    "  <devices/>\n"
    "</domain>\n");
  g_autoptr(VireoDomainConfig) smm_off = domain_from_string (
    "<domain type='qemu'>\n"
    "  <name>smm</name>\n"
    "  <os>\n"
    "    <type arch='x86_64' machine='q35'>hvm</type>\n"
    "  </os>\n"
    "  <features>\n"
    "    <acpi/>\n"
    "    <smm state='off'>\n"
    "      <tseg unit='MiB'>48</tseg>\n"
    "    </smm>\n"
    "  </features>\n"
    "</domain>\n");
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_firmware_set (bare, NULL, "efi", TRUE, &error));
  g_assert_no_error (error);
  out = vireo_domain_config_to_xml (bare);
  g_assert_cmpstr (out, ==,
                   "<domain type=\"qemu\">\n"
                   "  <name>bare</name>\n"
                   "  <os firmware=\"efi\">\n"
                   "    <type arch=\"x86_64\" machine=\"q35\">hvm</type>\n"
                   "    <firmware>\n"
                   "      <feature enabled=\"yes\" name=\"enrolled-keys\"/>\n"
                   "      <feature enabled=\"yes\" name=\"secure-boot\"/>\n"
                   "    </firmware>\n"
                   "    <kernel>/boot/vmlinuz</kernel>\n"
                   "  </os>\n"
                   "  <features>\n"
                   "    <acpi/>\n"
                   "    <smm state=\"on\"/>\n"
                   "  </features>\n"
                   "  <devices/>\n"
                   "</domain>\n");
  g_clear_pointer (&out, g_free);

  g_assert_true (vireo_firmware_set (smm_off, NULL, "efi", TRUE, &error));
  g_assert_no_error (error);
  out = vireo_domain_config_to_xml (smm_off);
  g_assert_nonnull (strstr (out,
                            "    <smm state=\"on\">\n"
                            "      <tseg unit=\"MiB\">48</tseg>\n"
                            "    </smm>\n"));
}

/* Features of the list Vireo does not set, and a custom BIOS ROM, stay. */
static void
test_foreign_content_kept (void)
{
  g_autoptr(VireoDomainConfig) efi = domain_from_string (
    "<domain type='kvm'>\n"
    "  <name>f</name>\n"
    "  <os firmware='efi'>\n"
    "    <type arch='x86_64' machine='q35'>hvm</type>\n"
    "    <firmware>\n"
    "      <feature enabled='yes' name='secure-boot'/>\n"
    "      <feature enabled='no' name='some-future-thing'/>\n"
    "    </firmware>\n"
    "    <acpi><table type='slic'>/srv/slic.dat</table></acpi>\n"
    "  </os>\n"
    "  <features><acpi/></features>\n"
    "</domain>\n");
  g_autoptr(VireoDomainConfig) rom = domain_from_string (
    "<domain type='kvm'>\n"
    "  <name>r</name>\n"
    "  <os>\n"
    "    <type arch='x86_64' machine='q35'>hvm</type>\n"
    "    <loader type='rom'>/srv/seabios-custom.bin</loader>\n"
    "  </os>\n"
    "</domain>\n");
  g_autofree char *out = NULL;
  g_autofree char *rom_before = vireo_domain_config_to_xml (rom);
  g_autofree char *rom_after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_firmware_set (efi, NULL, "efi", FALSE, &error));
  g_assert_no_error (error);
  out = vireo_domain_config_to_xml (efi);
  g_assert_nonnull (strstr (out,
                            "    <firmware>\n"
                            "      <feature enabled=\"no\" name=\"secure-boot\"/>\n"
                            "      <feature enabled=\"no\" name=\"some-future-thing\"/>\n"
                            "      <feature enabled=\"no\" name=\"enrolled-keys\"/>\n"
                            "    </firmware>\n"
                            "    <acpi><table"));
  g_assert_nonnull (strstr (out, "<table type=\"slic\">/srv/slic.dat</table>"));

  g_assert_true (vireo_firmware_set (rom, NULL, "bios", FALSE, &error));
  g_assert_no_error (error);
  rom_after = vireo_domain_config_to_xml (rom);
  g_assert_cmpstr (rom_after, ==, rom_before);
}

/* Every fixture, every choice: refused and untouched, or done, with
 * nothing outside <os> and <features> changed and nothing in <os> lost
 * but the firmware's own elements; the result reads back the same from
 * text, and setting it again is no edit. */
static void
test_every_fixture (void)
{
  static const char * const choices[] = { "bios", "efi", "efi-secure" };
  g_autoptr(GDir) dir = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "domains", NULL);
  const char *name;
  guint done = 0;

  dir = g_dir_open (path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    for (guint c = 0; c < G_N_ELEMENTS (choices); c++)
      {
        g_autoptr(VireoDomainConfig) config = NULL;
        g_autoptr(VireoDomainConfig) again = NULL;
        g_autoptr(VireoFirmwareInfo) info = NULL;
        g_autoptr(VireoFirmwareInfo) reread = NULL;
        g_autofree char *base = NULL;
        g_autofree char *out = NULL;
        g_autofree char *out2 = NULL;
        g_autofree char *base_rest = NULL;
        g_autofree char *out_rest = NULL;
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) lines = NULL;
        const char *firmware = c == 0 ? "bios" : "efi";
        gboolean secure = c == 2;
        guint changed = 0;

        if (!g_str_has_suffix (name, ".xml"))
          continue;
        g_test_message ("%s: %s", name, choices[c]);
        config = load_domain (name);
        base = vireo_domain_config_to_xml (config);

        if (!vireo_firmware_set (config, NULL, firmware, secure, &error))
          {
            g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
            out = vireo_domain_config_to_xml (config);
            g_assert_cmpstr (out, ==, base);
            continue;
          }
        done++;
        out = vireo_domain_config_to_xml (config);

        base_rest = outside_os_and_features (base);
        out_rest = outside_os_and_features (out);
        g_assert_cmpstr (out_rest, ==, base_rest);

        /* Each line of the old <os> that is not the firmware's own is
         * still there: boot order, menu, kernel, SMBIOS, … */
        lines = g_strsplit (base, "\n", -1);
        for (guint i = 0; lines[i] != NULL; i++)
          if ((strstr (lines[i], "<boot ") != NULL || strstr (lines[i], "<bootmenu") != NULL ||
               strstr (lines[i], "<smbios") != NULL || strstr (lines[i], "<kernel>") != NULL ||
               strstr (lines[i], "<cmdline>") != NULL || strstr (lines[i], "<initrd>") != NULL ||
               strstr (lines[i], "<acpi/>") != NULL || strstr (lines[i], "<apic") != NULL) &&
              strstr (out, lines[i]) == NULL)
            g_error ("%s %s: lost \"%s\"", name, choices[c], lines[i]);

        info = vireo_firmware_get_info (config);
        g_assert_cmpstr (info->firmware, ==, firmware);
        g_assert_cmpint (info->secure_boot, ==, secure);
        g_assert_false (info->secure_boot_auto);
        g_assert_null (info->nvram);
        if (secure)
          g_assert_nonnull (strstr (out, "<smm state=\"on\""));

        again = domain_from_string (out);
        reread = vireo_firmware_get_info (again);
        g_assert_cmpstr (reread->firmware, ==, info->firmware);
        g_assert_cmpint (reread->autoselect, ==, info->autoselect);
        g_assert_cmpint (reread->secure_boot, ==, info->secure_boot);
        g_assert_cmpint (reread->has_tpm, ==, info->has_tpm);
        g_assert_cmpstr (reread->loader, ==, info->loader);

        g_signal_connect (again, "changed", G_CALLBACK (on_changed), &changed);
        g_assert_true (vireo_firmware_set (again, NULL, firmware, secure, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (changed, ==, 0);
        out2 = vireo_domain_config_to_xml (again);
        g_assert_cmpstr (out2, ==, out);
      }
  /* 14 fixtures; refused: the container thrice, BIOS and Secure Boot on
   * aarch64, Secure Boot on the three i440fx machines. */
  g_assert_cmpuint (done, ==, 14 * 3 - 3 - 2 - 3);
}

static void
test_nvram_reset (void)
{
  VireoFirmwareInfo bios = { .firmware = (char *) "bios" };
  VireoFirmwareInfo efi_auto = { .firmware = (char *) "efi", .autoselect = TRUE };
  VireoFirmwareInfo efi_auto_sb = { .firmware = (char *) "efi", .autoselect = TRUE, .secure_boot = TRUE };
  VireoFirmwareInfo efi_auto_sb_recorded = { .firmware = (char *) "efi", .autoselect = TRUE, .secure_boot = TRUE,
                                             .loader = (char *) "/usr/share/OVMF/OVMF_CODE_4M.ms.fd" };
  VireoFirmwareInfo efi_undecided = { .firmware = (char *) "efi", .autoselect = TRUE, .secure_boot_auto = TRUE };
  VireoFirmwareInfo efi_explicit = { .firmware = (char *) "efi", .loader = (char *) "/usr/share/OVMF/OVMF_CODE.fd" };

  g_assert_true (vireo_firmware_info_needs_nvram_reset (&bios, &efi_auto));
  g_assert_true (vireo_firmware_info_needs_nvram_reset (&efi_auto, &efi_auto_sb));
  g_assert_true (vireo_firmware_info_needs_nvram_reset (&efi_auto_sb, &efi_auto));
  g_assert_true (vireo_firmware_info_needs_nvram_reset (&efi_undecided, &efi_auto_sb));
  g_assert_true (vireo_firmware_info_needs_nvram_reset (&efi_explicit, &efi_auto));
  g_assert_false (vireo_firmware_info_needs_nvram_reset (&efi_auto, &efi_auto));
  g_assert_false (vireo_firmware_info_needs_nvram_reset (&efi_auto_sb_recorded, &efi_auto_sb));
  g_assert_false (vireo_firmware_info_needs_nvram_reset (&efi_auto, &bios));
}

static void
test_tpm_template (void)
{
  g_autoptr(VireoDomainConfig) config = load_domain ("uefi-secureboot-tpm.xml");
  g_autoptr(VireoDomainConfig) bios = load_domain ("spice-desktop.xml");

  g_assert_cmpstr (vireo_firmware_get_tpm_template (), ==,
                   "<tpm model='tpm-crb'>\n"
                   "  <backend type='emulator' version='2.0'/>\n"
                   "</tpm>");
  /* Secure Boot with a TPM already: nothing to offer. */
  g_assert_false (vireo_firmware_suggest_tpm (config));
  g_assert_false (vireo_firmware_suggest_tpm (bios));
}

/* The request for a fresh varstore sits in Vireo's own metadata next to
 * everybody else's, which stays byte for byte; taking it back leaves the
 * document as it was. */
static void
test_nvram_note_lossless (void)
{
  g_autoptr(VireoDomainConfig) config = open_fixture ("metadata-apps.xml");
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autofree char *after = NULL;
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);
  g_assert_false (vireo_firmware_get_nvram_reset_pending (config));
  vireo_firmware_set_nvram_reset_pending (config, TRUE);
  g_assert_true (vireo_firmware_get_nvram_reset_pending (config));
  g_assert_cmpuint (changed, ==, 1);
  assert_edit (config, before, (const char *[]) {
    "    </acme:inventory>\n  </metadata>",
    "    </acme:inventory>\n"
    "    <vireo:vireo xmlns:vireo=\"" VIREO_METADATA_NS "\">\n"
    "      <vireo:reset-nvram/>\n"
    "    </vireo:vireo>\n"
    "  </metadata>",
    NULL });

  /* Twice is once. */
  vireo_firmware_set_nvram_reset_pending (config, TRUE);
  g_assert_cmpuint (changed, ==, 1);

  vireo_firmware_set_nvram_reset_pending (config, FALSE);
  g_assert_false (vireo_firmware_get_nvram_reset_pending (config));
  after = vireo_domain_config_to_xml (config);
  g_assert_cmpstr (after, ==, before);
}

/* A domain without <metadata> gets one where libvirt writes it. */
static void
test_nvram_note_new_metadata (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline ("<domain type='kvm'>\n"
                                                     "  <name>n</name>\n"
                                                     "  <memory unit='KiB'>1024</memory>\n"
                                                     "</domain>");
  g_autofree char *xml = NULL;

  vireo_firmware_set_nvram_reset_pending (config, TRUE);
  xml = vireo_domain_config_to_xml (config);
  g_assert_cmpstr (xml, ==, "<domain type=\"kvm\">\n"
                            "  <name>n</name>\n"
                            "  <metadata>\n"
                            "    <vireo:vireo xmlns:vireo=\"" VIREO_METADATA_NS "\">\n"
                            "      <vireo:reset-nvram/>\n"
                            "    </vireo:vireo>\n"
                            "  </metadata>\n"
                            "  <memory unit=\"KiB\">1024</memory>\n"
                            "</domain>\n");
}

/* What virDomainGetMetadata returns: libvirt drops the namespace. */
static void
test_nvram_note_parse (void)
{
  g_assert_true (vireo_firmware_note_wants_nvram_reset ("<vireo>\n  <reset-nvram/>\n</vireo>"));
  g_assert_true (vireo_firmware_note_wants_nvram_reset ("<vireo:vireo xmlns:vireo=\"" VIREO_METADATA_NS "\">"
                                                        "<vireo:reset-nvram/></vireo:vireo>"));
  g_assert_false (vireo_firmware_note_wants_nvram_reset ("<vireo/>"));
  g_assert_false (vireo_firmware_note_wants_nvram_reset ("<other><reset-nvram/></other>"));
  g_assert_false (vireo_firmware_note_wants_nvram_reset ("<vireo><reset-nvram"));
  g_assert_false (vireo_firmware_note_wants_nvram_reset (NULL));
}

/* The commands say what the next start does after a switch. */
static void
test_nvram_command (void)
{
  g_autoptr(VireoDomainConfig) before = open_fixture ("metadata-apps.xml");
  g_autoptr(VireoDomainConfig) after = vireo_domain_config_copy (before);
  g_autoptr(VireoFirmwareInfo) info = vireo_firmware_get_info (before);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = NULL;

  g_assert_true (vireo_firmware_set (after, NULL, g_strcmp0 (info->firmware, "efi") == 0 ? "bios" : "efi",
                                     FALSE, &error) || error != NULL);
  g_clear_error (&error);
  g_assert_true (vireo_firmware_set (after, NULL, "efi", FALSE, &error));
  g_assert_no_error (error);
  lines = vireo_command_for_config_changes ("qemu:///system", before, after);
  joined = g_strjoinv ("\n", lines);
  g_assert_nonnull (strstr (joined, "virsh -c qemu:///system start web-frontend --reset-nvram"));

  /* No switch, no such line. */
  g_clear_pointer (&lines, g_strfreev);
  g_clear_pointer (&joined, g_free);
  lines = vireo_command_for_config_changes (NULL, before, before);
  joined = g_strjoinv ("\n", lines);
  g_assert_null (strstr (joined, "--reset-nvram"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/firmware/info/fixtures", test_info_of_fixtures);
  g_test_add_func ("/firmware/info/variants", test_info_variants);
  g_test_add_func ("/firmware/set/bios-to-efi", test_bios_to_efi);
  g_test_add_func ("/firmware/set/efi-secure-on-q35", test_efi_secure_on_q35);
  g_test_add_func ("/firmware/set/efi-to-bios", test_efi_to_bios);
  g_test_add_func ("/firmware/set/secure-to-plain-efi", test_secure_to_plain_efi);
  g_test_add_func ("/firmware/set/secure-refused-on-pc", test_secure_refused_on_pc);
  g_test_add_func ("/firmware/set/secure-refused-without-machine", test_secure_refused_without_machine);
  g_test_add_func ("/firmware/set/caps-refusals", test_caps_refusals);
  g_test_add_func ("/firmware/set/container-refused", test_container_refused);
  g_test_add_func ("/firmware/set/features-created-smm-kept", test_features_created_and_smm_kept);
  g_test_add_func ("/firmware/set/foreign-content-kept", test_foreign_content_kept);
  g_test_add_func ("/firmware/set/every-fixture", test_every_fixture);
  g_test_add_func ("/firmware/nvram-reset", test_nvram_reset);
  g_test_add_func ("/firmware/tpm-template", test_tpm_template);
  g_test_add_func ("/firmware/nvram-note/lossless", test_nvram_note_lossless);
  g_test_add_func ("/firmware/nvram-note/new-metadata", test_nvram_note_new_metadata);
  g_test_add_func ("/firmware/nvram-note/parse", test_nvram_note_parse);
  g_test_add_func ("/firmware/nvram-note/command", test_nvram_command);

  return g_test_run ();
}
