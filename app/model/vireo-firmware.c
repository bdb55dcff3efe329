/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-firmware"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-firmware.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/*
 * Switching BIOS/UEFI/Secure Boot on a defined domain through libvirt's
 * firmware auto-selection rather than by naming binaries, so the choice
 * survives host upgrades and distributions that name OVMF differently.
 *
 * What libvirt 9.0 (Debian 12, OVMF 2022.11) did with the results, on a
 * private daemon, TCG q35 and pc guests:
 *
 * - <os firmware='efi'> is accepted together with nothing more on <loader>
 *   than secure='yes'; readonly, type, a path (which implies a type) or an
 *   nvram template are refused at define ("loader attribute 'readonly'
 *   cannot be specified when firmware autoselection is enabled"), and so is
 *   secure='no' next to a secure-boot feature. Newer libvirt writes the
 *   resolved <loader>/<nvram> back into the inactive XML; 9.0 refuses that
 *   very document. So both go, whole.
 * - <firmware><feature …/></firmware> without firmware='efi' is refused.
 * - Nothing is resolved at define: Secure Boot on an i440fx machine, or
 *   with <smm state='off'/>, defines fine and fails only at start ("Unable
 *   to find any firmware to satisfy 'efi'", "domain has SMM turned off but
 *   chosen firmware requires it"). Hence the checks here.
 * - firmware='efi' with no feature list picks the enrolled Secure Boot
 *   build (descriptor 40-edk2-x86_64-secure-enrolled.json sorts first), so
 *   Vireo always writes both features, yes or no.
 * - firmware='bios' fails at start: Debian ships no SeaBIOS descriptor, and
 *   domcapabilities lists only "efi". BIOS means no attribute at all.
 * - UEFI without <acpi/> is refused on x86 ("UEFI requires ACPI on this
 *   architecture").
 * - The NVRAM file stays when the firmware changes: a varstore made from
 *   OVMF_VARS_4M.fd is reused, without enrolled keys, by the Secure Boot
 *   build; only a start with VIR_DOMAIN_START_RESET_NVRAM makes it again
 *   from the new template. See vireo_firmware_info_needs_nvram_reset().
 */

#define TPM_TEMPLATE \
  "<tpm model='tpm-crb'>\n" \
  "  <backend type='emulator' version='2.0'/>\n" \
  "</tpm>"

void
vireo_firmware_info_free (VireoFirmwareInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->firmware);
  g_free (info->loader);
  g_free (info->nvram);
  g_free (info);
}

static xmlNodePtr
os_of (VireoDomainConfig *config)
{
  return vireo_xml_child (xmlDocGetRootElement (_vireo_domain_config_get_doc (config)), "os");
}

static gboolean
contains_any (const char         *haystack,
              const char * const *needles)
{
  g_autofree char *lower = NULL;

  if (haystack == NULL)
    return FALSE;
  lower = g_ascii_strdown (haystack, -1);
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (lower, needles[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* The binaries distributions and QEMU install (Debian's OVMF/AAVMF and
 * QEMU_EFI.fd, Fedora's /usr/share/edk2, QEMU's edk2-*-code.fd). */
static gboolean
path_is_uefi (const char *path)
{
  static const char * const names[] = { "ovmf", "aavmf", "edk2", "qemu_efi", NULL };
  return contains_any (path, names);
}

/* Secure Boot builds: OVMF_CODE.secboot.fd, OVMF_CODE_4M.ms.fd (Microsoft
 * keys), OVMF_CODE_4M.snakeoil.fd (test keys), edk2-x86_64-secure-code.fd. */
static gboolean
path_is_secure_boot (const char *path)
{
  static const char * const names[] = { ".secboot", ".ms.", ".snakeoil", "secure-code", NULL };
  return contains_any (path, names);
}

static gboolean
arch_is_x86 (const char *arch)
{
  /* libvirt's default is the host's, and Vireo's hosts are x86. */
  return arch == NULL || g_str_equal (arch, "x86_64") || g_str_equal (arch, "i686");
}

/* The <firmware><feature name=@name …/> of @os, or NULL. */
static xmlNodePtr
firmware_feature (xmlNodePtr  os,
                  const char *name)
{
  xmlNodePtr firmware = vireo_xml_child (os, "firmware");

  for (xmlNodePtr f = vireo_xml_child (firmware, "feature"); f != NULL; f = vireo_xml_next_sibling (f, "feature"))
    {
      g_autofree char *fname = vireo_xml_get_prop (f, "name");

      if (g_strcmp0 (fname, name) == 0)
        return f;
    }
  return NULL;
}

static char *
stripped_text (xmlNodePtr node)
{
  char *text = vireo_xml_get_text (node);

  if (text == NULL)
    return NULL;
  g_strstrip (text);
  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

/**
 * vireo_firmware_get_info:
 *
 * Reads the firmware the way libvirt would boot it: auto-selection when
 * `<os firmware=…>` is set, else what an explicit `<loader>` names.
 *
 * Returns: (transfer full): the firmware state
 */
VireoFirmwareInfo *
vireo_firmware_get_info (VireoDomainConfig *config)
{
  g_autoptr(VireoFirmwareInfo) info = NULL;
  xmlNodePtr os;
  xmlNodePtr loader;
  xmlNodePtr devices;
  g_autofree char *os_type = NULL;
  g_autofree char *auto_firmware = NULL;
  g_autofree char *loader_type = NULL;
  g_autofree char *loader_secure = NULL;
  g_autofree char *sb_enabled = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);

  info = g_new0 (VireoFirmwareInfo, 1);
  os = os_of (config);
  devices = vireo_xml_child (xmlDocGetRootElement (_vireo_domain_config_get_doc (config)), "devices");
  info->has_tpm = vireo_xml_child (devices, "tpm") != NULL;

  os_type = stripped_text (vireo_xml_child (os, "type"));
  if (g_strcmp0 (os_type, "hvm") != 0)
    return g_steal_pointer (&info);

  loader = vireo_xml_child (os, "loader");
  auto_firmware = vireo_xml_get_prop (os, "firmware");
  loader_type = vireo_xml_get_prop (loader, "type");
  loader_secure = vireo_xml_get_prop (loader, "secure");
  info->loader = stripped_text (loader);
  info->nvram = stripped_text (vireo_xml_child (os, "nvram"));
  sb_enabled = vireo_xml_get_prop (firmware_feature (os, "secure-boot"), "enabled");

  info->autoselect = auto_firmware != NULL;
  if (g_strcmp0 (auto_firmware, "efi") == 0 || g_strcmp0 (loader_type, "pflash") == 0 ||
      path_is_uefi (info->loader))
    info->firmware = g_strdup ("efi");
  else
    info->firmware = g_strdup ("bios");

  if (g_str_equal (info->firmware, "efi"))
    {
      info->secure_boot = g_strcmp0 (sb_enabled, "yes") == 0 || g_strcmp0 (loader_secure, "yes") == 0 ||
                          path_is_secure_boot (info->loader);
      info->secure_boot_auto = info->autoselect && sb_enabled == NULL && loader_secure == NULL &&
                               info->loader == NULL;
    }

  return g_steal_pointer (&info);
}

/**
 * vireo_firmware_check:
 * @caps: (nullable): the capabilities for the domain's emulator, arch,
 *   machine type and virt type, when known
 * @firmware: "bios" or "efi"
 * @secure_boot: for "efi" only
 *
 * Whether vireo_firmware_set() would accept the change, without making it:
 * for greying out choices the domain cannot take.
 *
 * Returns: %TRUE, or %FALSE with @error saying which field stands in the
 *   way, in words for the user
 */
gboolean
vireo_firmware_check (VireoDomainConfig  *config,
                      VireoDomainCaps    *caps,
                      const char         *firmware,
                      gboolean            secure_boot,
                      GError            **error)
{
  xmlNodePtr os;
  xmlNodePtr type;
  g_autofree char *os_type = NULL;
  g_autofree char *arch = NULL;
  g_autofree char *machine = NULL;
  gboolean efi;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  g_return_val_if_fail (caps == NULL || VIREO_IS_DOMAIN_CAPS (caps), FALSE);
  g_return_val_if_fail (g_strcmp0 (firmware, "bios") == 0 || g_strcmp0 (firmware, "efi") == 0, FALSE);
  g_return_val_if_fail (!secure_boot || g_str_equal (firmware, "efi"), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  efi = g_str_equal (firmware, "efi");
  os = os_of (config);
  type = vireo_xml_child (os, "type");
  os_type = stripped_text (type);
  if (g_strcmp0 (os_type, "hvm") != 0)
    {
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("Firmware: only full virtual machines boot a firmware; "
                             "this guest is a container or boots its kernel directly as a process"));
      return FALSE;
    }

  arch = vireo_xml_get_prop (type, "arch");
  if (arch == NULL && caps != NULL)
    arch = g_strdup (vireo_domain_caps_get_arch (caps));
  machine = vireo_xml_get_prop (type, "machine");
  if (machine == NULL && caps != NULL)
    machine = g_strdup (vireo_domain_caps_get_machine (caps));

  if (!efi && !arch_is_x86 (arch))
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   /* Translators: %s is an architecture such as aarch64 */
                   _("Firmware: BIOS exists only for x86 machines; this one is %s and boots UEFI"),
                   arch);
      return FALSE;
    }
  if (!efi)
    return TRUE;

  /* Without the firmware enum libvirt cannot auto-select, and an empty one
   * means no descriptor matches this arch and machine type. */
  if (caps != NULL && !vireo_domain_caps_supports_firmware (caps, "efi"))
    {
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("Firmware: the host has no UEFI firmware for this architecture and machine type "
                             "(on x86 hosts it comes with the “ovmf” package)"));
      return FALSE;
    }
  if (!secure_boot)
    return TRUE;

  /* Secure Boot needs SMM to keep the guest from writing the variable
   * store behind the firmware's back, and QEMU emulates that on q35 only. */
  if (arch_is_x86 (arch) && (machine == NULL || strstr (machine, "q35") == NULL))
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   /* Translators: %s is a machine type such as pc-i440fx-7.2 */
                   _("Secure Boot needs a Q35 machine type, and this machine is %s (i440FX); "
                     "change the Machine type to Q35 first"),
                   machine != NULL ? machine : "pc");
      return FALSE;
    }
  if (caps != NULL && !vireo_domain_caps_supports_secure_boot (caps))
    {
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("Secure Boot: the host has no Secure Boot firmware for this architecture "
                             "and machine type"));
      return FALSE;
    }
  /* Off x86 there is no machine type rule to go by: only the host knows. */
  if (caps == NULL && !arch_is_x86 (arch))
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   /* Translators: %s is an architecture such as aarch64 */
                   _("Secure Boot: whether the host has Secure Boot firmware for %s is not known"),
                   arch);
      return FALSE;
    }
  return TRUE;
}

static void
remove_all (xmlNodePtr  parent,
            const char *name)
{
  xmlNodePtr node;

  while ((node = vireo_xml_child (parent, name)) != NULL)
    vireo_xml_remove (node);
}

/* <features>, created right after <os> where libvirt puts it. */
static xmlNodePtr
ensure_features (xmlNodePtr root,
                 xmlNodePtr os)
{
  xmlNodePtr features = vireo_xml_child (root, "features");

  if (features == NULL)
    features = vireo_xml_insert_after (os, xmlNewNode (NULL, BAD_CAST "features"));
  return features;
}

static void
set_firmware_feature (xmlNodePtr  firmware,
                      const char *name,
                      gboolean    enabled)
{
  xmlNodePtr feature = firmware_feature (firmware->parent, name);

  if (feature == NULL)
    {
      feature = vireo_xml_append_child (firmware, xmlNewNode (NULL, BAD_CAST "feature"));
      vireo_xml_set_prop (feature, "enabled", enabled ? "yes" : "no");
      vireo_xml_set_prop (feature, "name", name);
    }
  else
    vireo_xml_set_prop (feature, "enabled", enabled ? "yes" : "no");
}

static void
switch_to_efi (xmlNodePtr root,
               xmlNodePtr os,
               gboolean   x86,
               gboolean   secure_boot)
{
  xmlNodePtr firmware;
  xmlNodePtr features;
  xmlNodePtr smm;

  vireo_xml_set_prop (os, "firmware", "efi");
  remove_all (os, "loader");
  remove_all (os, "nvram");

  firmware = vireo_xml_child (os, "firmware");
  if (firmware == NULL)
    {
      xmlNodePtr type = vireo_xml_child (os, "type");

      firmware = xmlNewNode (NULL, BAD_CAST "firmware");
      if (type != NULL)
        vireo_xml_insert_after (type, firmware);
      else
        vireo_xml_append_child (os, firmware);
    }
  /* Both, always: with neither, libvirt 9.0 on Debian picks the enrolled
   * Secure Boot build. Other features in the list stay as they are. */
  set_firmware_feature (firmware, "enrolled-keys", secure_boot);
  set_firmware_feature (firmware, "secure-boot", secure_boot);

  if (!x86)
    return;
  features = ensure_features (root, os);
  vireo_xml_ensure_child (features, "acpi");
  if (secure_boot)
    {
      /* An existing <smm> keeps its <tseg>. */
      smm = vireo_xml_ensure_child (features, "smm");
      vireo_xml_set_prop (smm, "state", "on");
    }
}

static void
switch_to_bios (xmlNodePtr os)
{
  xmlNodePtr loader = vireo_xml_child (os, "loader");
  g_autofree char *type = vireo_xml_get_prop (loader, "type");
  g_autofree char *path = stripped_text (loader);

  vireo_xml_set_prop (os, "firmware", NULL);
  remove_all (os, "firmware");
  remove_all (os, "nvram");
  /* A ROM loader that is not UEFI is a custom BIOS: it stays. */
  if (loader != NULL && (g_strcmp0 (type, "pflash") == 0 || path_is_uefi (path) || path == NULL))
    remove_all (os, "loader");
}

/**
 * vireo_firmware_set:
 * @caps: (nullable): the capabilities for the domain's emulator, arch,
 *   machine type and virt type, when known
 * @firmware: "bios" or "efi"
 * @secure_boot: for "efi" only
 *
 * Switches the firmware through libvirt's auto-selection: UEFI becomes
 * `<os firmware='efi'>` with the secure-boot and enrolled-keys features
 * spelled out, any explicit `<loader>` and `<nvram>` removed (libvirt 9.0
 * refuses them next to auto-selection), `<acpi/>` on x86, and `<smm
 * state='on'/>` for Secure Boot. BIOS removes all of that except SMM and
 * ACPI. Boot order, boot menu, kernel, SMBIOS and anything unknown in
 * `<os>` stay.
 *
 * The domain's NVRAM file is not touched: see
 * vireo_firmware_info_needs_nvram_reset().
 *
 * Returns: %TRUE when the definition now asks for @firmware, %FALSE with
 *   @error when vireo_firmware_check() refuses it (nothing is changed)
 */
gboolean
vireo_firmware_set (VireoDomainConfig  *config,
                    VireoDomainCaps    *caps,
                    const char         *firmware,
                    gboolean            secure_boot,
                    GError            **error)
{
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlNodePtr os;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *arch = NULL;

  if (!vireo_firmware_check (config, caps, firmware, secure_boot, error))
    return FALSE;

  doc = _vireo_domain_config_get_doc (config);
  root = xmlDocGetRootElement (doc);
  os = vireo_xml_child (root, "os");
  arch = vireo_xml_get_child_prop (os, "type", "arch");
  if (arch == NULL && caps != NULL)
    arch = g_strdup (vireo_domain_caps_get_arch (caps));

  /* Setting what is already there is no edit: no "changed" for it. */
  before = vireo_domain_config_to_xml (config);
  if (g_str_equal (firmware, "efi"))
    switch_to_efi (root, os, arch_is_x86 (arch), secure_boot);
  else
    switch_to_bios (os);
  after = vireo_domain_config_to_xml (config);

  if (g_strcmp0 (before, after) != 0)
    _vireo_domain_config_changed (config);
  return TRUE;
}

/**
 * vireo_firmware_info_needs_nvram_reset:
 * @before: the firmware as it was when the domain last ran
 * @after: the firmware as it will be defined
 *
 * libvirt creates the NVRAM file from the firmware's template only when
 * the file is missing, so after a switch the guest would boot the new
 * firmware with the old variable store: Secure Boot without its keys, or a
 * 2 MB store under a 4 MB build. Starting once with
 * VIR_DOMAIN_START_RESET_NVRAM (libvirt 8.1) makes it again; that loses
 * the boot entries the guest stored there, which OVMF rebuilds from the
 * removable-media path on most installs.
 *
 * Returns: whether the next start should reset the NVRAM
 */
gboolean
vireo_firmware_info_needs_nvram_reset (const VireoFirmwareInfo *before,
                                       const VireoFirmwareInfo *after)
{
  g_return_val_if_fail (before != NULL && after != NULL, FALSE);

  if (g_strcmp0 (after->firmware, "efi") != 0)
    return FALSE;
  /* An explicit loader gave way to libvirt's choice, which may be another
   * build (2 MB or 4 MB, other keys), and an undecided auto-selection may
   * have picked either. A <loader> next to firmware='efi' is newer
   * libvirt's record of its own choice: the same features pick it again. */
  return g_strcmp0 (before->firmware, "efi") != 0 ||
         !before->autoselect ||
         before->secure_boot_auto ||
         before->secure_boot != after->secure_boot;
}

/**
 * vireo_firmware_suggest_tpm:
 *
 * Returns: whether the domain boots UEFI with Secure Boot and has no TPM:
 *   the pair Windows 11 and measured-boot Linux installs expect, so the
 *   firmware editor offers vireo_firmware_get_tpm_template() with it
 */
gboolean
vireo_firmware_suggest_tpm (VireoDomainConfig *config)
{
  g_autoptr(VireoFirmwareInfo) info = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);

  info = vireo_firmware_get_info (config);
  return g_strcmp0 (info->firmware, "efi") == 0 && info->secure_boot && !info->has_tpm;
}

/* A TPM 2.0 emulated by swtpm (packages swtpm and swtpm-tools), CRB
 * interface, for vireo_domain_config_add_device(). */
const char *
vireo_firmware_get_tpm_template (void)
{
  return TPM_TEMPLATE;
}

/* ---------------------------------------------------------- NVRAM note */

/*
 * A firmware switch leaves the old NVRAM file in place (see the top of
 * this file), and only the start itself can have it made again. The
 * definition carries the request, <vireo:vireo><vireo:reset-nvram/>, so
 * that whichever Vireo starts the machine next — this window's "Shut Down
 * and Apply", the main list, another host's Vireo — honours it once.
 */

static gboolean
is_vireo_element (xmlNodePtr  node,
                  const char *name)
{
  return node->type == XML_ELEMENT_NODE && node->ns != NULL && node->ns->href != NULL
         && xmlStrcmp (node->ns->href, BAD_CAST VIREO_METADATA_NS) == 0
         && xmlStrcmp (node->name, BAD_CAST name) == 0;
}

static xmlNodePtr
vireo_child (xmlNodePtr  parent,
             const char *name)
{
  for (xmlNodePtr n = parent != NULL ? parent->children : NULL; n != NULL; n = n->next)
    if (is_vireo_element (n, name))
      return n;
  return NULL;
}

gboolean
vireo_firmware_get_nvram_reset_pending (VireoDomainConfig *config)
{
  xmlNodePtr root;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);

  root = xmlDocGetRootElement (_vireo_domain_config_get_doc (config));
  return vireo_child (vireo_child (vireo_xml_child (root, "metadata"), "vireo"), "reset-nvram") != NULL;
}

/**
 * vireo_firmware_set_nvram_reset_pending:
 *
 * Asks (or stops asking) for the next start to make the NVRAM file anew
 * from the firmware's template. Other applications' metadata, and an
 * empty <metadata> that was there before, stay as they are.
 */
void
vireo_firmware_set_nvram_reset_pending (VireoDomainConfig *config,
                                        gboolean           pending)
{
  static const char * const order[] = {
    "name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory", NULL
  };
  xmlNodePtr root, metadata, note, reset;

  g_return_if_fail (VIREO_IS_DOMAIN_CONFIG (config));

  if (vireo_firmware_get_nvram_reset_pending (config) == !!pending)
    return;
  root = xmlDocGetRootElement (_vireo_domain_config_get_doc (config));
  metadata = vireo_xml_child (root, "metadata");
  note = vireo_child (metadata, "vireo");

  if (!pending)
    {
      gboolean empty = TRUE;

      vireo_xml_remove (vireo_child (note, "reset-nvram"));
      for (xmlNodePtr n = note->children; n != NULL; n = n->next)
        empty = empty && n->type != XML_ELEMENT_NODE;
      if (empty)
        vireo_xml_remove (note);
      _vireo_domain_config_changed (config);
      return;
    }

  if (metadata == NULL)
    metadata = vireo_xml_insert_ordered (root, xmlNewNode (NULL, BAD_CAST "metadata"), order);
  if (note == NULL)
    {
      xmlNsPtr ns;

      note = xmlNewNode (NULL, BAD_CAST "vireo");
      ns = xmlNewNs (note, BAD_CAST VIREO_METADATA_NS, BAD_CAST VIREO_METADATA_PREFIX);
      xmlSetNs (note, ns);
      vireo_xml_append_child (metadata, note);
    }
  reset = xmlNewNode (note->ns, BAD_CAST "reset-nvram");
  vireo_xml_append_child (note, reset);
  _vireo_domain_config_changed (config);
}

/**
 * vireo_firmware_note_wants_nvram_reset:
 * @metadata: (nullable): Vireo's metadata element as libvirt returns it
 *   (virDomainGetMetadata with %VIREO_METADATA_NS): with or without its
 *   namespace
 *
 * Returns: whether the note asks for a fresh NVRAM file
 */
gboolean
vireo_firmware_note_wants_nvram_reset (const char *metadata)
{
  xmlDocPtr doc;
  xmlNodePtr root;
  gboolean wants;

  if (metadata == NULL || (doc = vireo_xml_read (metadata, NULL)) == NULL)
    return FALSE;
  /* libvirt hands the element back without its namespace: having asked
   * for Vireo's, whatever comes is Vireo's. */
  root = xmlDocGetRootElement (doc);
  wants = FALSE;
  if (root != NULL && xmlStrcmp (root->name, BAD_CAST "vireo") == 0)
    for (xmlNodePtr n = root->children; n != NULL; n = n->next)
      wants = wants || (n->type == XML_ELEMENT_NODE && xmlStrcmp (n->name, BAD_CAST "reset-nvram") == 0);
  xmlFreeDoc (doc);
  return wants;
}
