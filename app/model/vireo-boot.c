/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-boot"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-boot.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/*
 * What the firmware boots from, and how. libvirt has two ways to say the
 * order: the old <os><boot dev='hd|cdrom|network|fd'/> list, by kind of
 * device, and <boot order='N'/> inside each device. It refuses a document
 * with both ("per-device boot elements cannot be used together with os/boot
 * elements"), so Vireo reads either and always writes the per-device one,
 * which is the only one that can name a second disk or a host device.
 */

/* The children of <os>, in the order libvirt writes them. */
static const char * const os_order[] = {
  "type", "firmware", "init", "initarg", "initenv", "initdir", "inituser",
  "initgroup", "loader", "nvram", "kernel", "initrd", "cmdline", "shim",
  "dtb", "root", "acpi", "boot", "bootmenu", "smbios", "bios", NULL
};

/* libvirt writes a device's <boot> just before its alias and address. */
static const char * const device_boot_order[] = {
  "boot", "alias", "acpi", "address", NULL
};

/* The kinds of <os><boot dev>, and the at most four entries libvirt reads. */
typedef enum
{
  LEGACY_HD,
  LEGACY_CDROM,
  LEGACY_NETWORK,
  LEGACY_FD,
  N_LEGACY
} LegacyKind;

static const char * const legacy_names[N_LEGACY] = { "hd", "cdrom", "network", "fd" };

void
vireo_boot_entry_free (VireoBootEntry *entry)
{
  if (entry == NULL)
    return;
  g_clear_object (&entry->device);
  g_free (entry);
}

static xmlNodePtr
os_of (VireoDomainConfig *config)
{
  return vireo_xml_child (xmlDocGetRootElement (_vireo_domain_config_get_doc (config)), "os");
}

static char *
dup_os_type (VireoDomainConfig *config)
{
  g_autofree char *type = vireo_xml_get_child_text (os_of (config), "type");

  return type != NULL ? g_strdup (g_strstrip (type)) : NULL;
}

/**
 * vireo_boot_is_supported:
 *
 * Returns: whether the machine boots through firmware (`<os><type>hvm`), so
 *   that a boot order and a boot menu mean something. Containers and Xen
 *   paravirtual guests have neither.
 */
gboolean
vireo_boot_is_supported (VireoDomainConfig *config)
{
  g_autofree char *type = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);

  type = dup_os_type (config);
  /* libvirt requires the type; without one, assume the common case. */
  return type == NULL || g_str_equal (type, "hvm");
}

static gboolean
refuse_unsupported (VireoDomainConfig  *config,
                    GError            **error)
{
  if (vireo_boot_is_supported (config))
    return FALSE;
  g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                       _("This machine does not boot through firmware, so it has no boot order or boot menu."));
  return TRUE;
}

/**
 * vireo_boot_device_is_bootable:
 *
 * Returns: whether @device can take a place in the boot order: disks,
 *   network interfaces, USB redirectors, host devices other than mediated
 *   ones (libvirt refuses "booting from assigned devices" for those), and
 *   virtiofs shares (libvirt's "boot order is only supported for virtiofs")
 */
gboolean
vireo_boot_device_is_bootable (VireoDevice *device)
{
  VireoDomainConfig *config;
  xmlNodePtr node;

  g_return_val_if_fail (VIREO_IS_DEVICE (device), FALSE);

  node = _vireo_device_get_node (device);
  config = vireo_device_get_config (device);
  if (node == NULL || config == NULL || !vireo_boot_is_supported (config))
    return FALSE;

  switch (vireo_device_get_kind (device))
    {
    case VIREO_DEVICE_DISK:
    case VIREO_DEVICE_INTERFACE:
    case VIREO_DEVICE_REDIRDEV:
      return TRUE;
    case VIREO_DEVICE_HOSTDEV:
      {
        g_autofree char *mode = vireo_xml_get_prop (node, "mode");
        g_autofree char *type = vireo_xml_get_prop (node, "type");

        return g_strcmp0 (mode, "capabilities") != 0 && g_strcmp0 (type, "mdev") != 0;
      }
    case VIREO_DEVICE_FILESYSTEM:
      {
        g_autofree char *driver = vireo_xml_get_child_prop (node, "driver", "type");

        return g_strcmp0 (driver, "virtiofs") == 0;
      }
    default:
      return FALSE;
    }
}

/* The bootable devices, in document order. */
static GPtrArray *
list_bootable (VireoDomainConfig *config)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  GPtrArray *bootable = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (devices);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);

      if (vireo_boot_device_is_bootable (device))
        g_ptr_array_add (bootable, g_steal_pointer (&device));
    }
  return bootable;
}

/* Which <os><boot dev> a device answers to: the first disk (or LUN) for
 * "hd", the first CD-ROM, the first floppy, the first network interface;
 * the same choice libvirt's QEMU driver makes when it turns the list into
 * per-device boot indexes. */
static int
legacy_kind_of (VireoDevice *device)
{
  switch (vireo_device_get_kind (device))
    {
    case VIREO_DEVICE_DISK:
      {
        g_autofree char *kind = vireo_xml_get_prop (_vireo_device_get_node (device), "device");

        if (kind == NULL || g_str_equal (kind, "disk") || g_str_equal (kind, "lun"))
          return LEGACY_HD;
        if (g_str_equal (kind, "cdrom"))
          return LEGACY_CDROM;
        if (g_str_equal (kind, "floppy"))
          return LEGACY_FD;
        return -1;
      }
    case VIREO_DEVICE_INTERFACE:
      return LEGACY_NETWORK;
    default:
      return -1;
    }
}

/**
 * vireo_boot_has_legacy_order:
 *
 * Returns: whether the order is written the old way, as `<os><boot dev>`
 *   elements; vireo_boot_set_order() replaces them with per-device orders
 */
gboolean
vireo_boot_has_legacy_order (VireoDomainConfig *config)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  return vireo_xml_child (os_of (config), "boot") != NULL;
}

/* Where each kind stands in the <os><boot dev> list, -1 when absent. As
 * in libvirt, a kind listed twice takes its later place. */
static void
read_legacy_positions (VireoDomainConfig *config,
                       int                positions[N_LEGACY])
{
  xmlNodePtr os = os_of (config);
  int i = 0;

  for (guint k = 0; k < N_LEGACY; k++)
    positions[k] = -1;

  for (xmlNodePtr boot = vireo_xml_child (os, "boot");
       boot != NULL && i < N_LEGACY;
       boot = vireo_xml_next_sibling (boot, "boot"), i++)
    {
      g_autofree char *dev = vireo_xml_get_prop (boot, "dev");

      for (guint k = 0; k < N_LEGACY; k++)
        if (g_strcmp0 (dev, legacy_names[k]) == 0)
          positions[k] = i;
    }
}

static int
compare_boot_order (gconstpointer a,
                    gconstpointer b)
{
  VireoDevice *da = *(VireoDevice * const *) a;
  VireoDevice *db = *(VireoDevice * const *) b;

  return vireo_device_get_boot_order (da) - vireo_device_get_boot_order (db);
}

/* The devices the firmware tries, in order (borrowed from @bootable). */
static GPtrArray *
effective_order (VireoDomainConfig *config,
                 GPtrArray         *bootable)
{
  GPtrArray *order = g_ptr_array_new ();
  int positions[N_LEGACY];
  gboolean per_device = FALSE;

  for (guint i = 0; i < bootable->len; i++)
    if (vireo_device_get_boot_order (bootable->pdata[i]) > 0)
      {
        g_ptr_array_add (order, bootable->pdata[i]);
        per_device = TRUE;
      }
  if (per_device)
    {
      /* A document with both styles is one libvirt refuses; the device
       * orders are what Vireo keeps when it writes, so they are what it
       * shows. The sort is stable: equal orders stay in document order. */
      g_ptr_array_sort (order, compare_boot_order);
      return order;
    }

  if (vireo_boot_has_legacy_order (config))
    read_legacy_positions (config, positions);
  else
    {
      /* Neither: libvirt fills in <boot dev='hd'/>. */
      for (guint k = 0; k < N_LEGACY; k++)
        positions[k] = -1;
      positions[LEGACY_HD] = 0;
    }

  for (int place = 0; place < N_LEGACY; place++)
    for (guint k = 0; k < N_LEGACY; k++)
      {
        if (positions[k] != place)
          continue;
        for (guint i = 0; i < bootable->len; i++)
          if (legacy_kind_of (bootable->pdata[i]) == (int) k)
            {
              g_ptr_array_add (order, bootable->pdata[i]);
              break;
            }
      }
  return order;
}

/**
 * vireo_boot_dup_order:
 *
 * The boot list as the firmware will see it, whichever way the document
 * writes it: the devices it tries, in order, then every other bootable
 * device, in document order, not enabled. A legacy `<os><boot dev='hd'/>`
 * shows as the first disk enabled; with no order at all, libvirt boots the
 * first disk, and so does this list.
 *
 * Returns: (transfer full) (element-type VireoBootEntry): the list, empty
 *   when vireo_boot_is_supported() is %FALSE
 */
GPtrArray *
vireo_boot_dup_order (VireoDomainConfig *config)
{
  g_autoptr(GPtrArray) bootable = NULL;
  g_autoptr(GPtrArray) order = NULL;
  GPtrArray *entries;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_boot_entry_free);
  bootable = list_bootable (config);
  order = effective_order (config, bootable);

  for (guint i = 0; i < order->len; i++)
    {
      VireoBootEntry *entry = g_new0 (VireoBootEntry, 1);

      entry->device = g_object_ref (order->pdata[i]);
      entry->enabled = TRUE;
      g_ptr_array_add (entries, entry);
    }
  for (guint i = 0; i < bootable->len; i++)
    {
      VireoBootEntry *entry;

      if (g_ptr_array_find (order, bootable->pdata[i], NULL))
        continue;
      entry = g_new0 (VireoBootEntry, 1);
      entry->device = g_object_ref (bootable->pdata[i]);
      g_ptr_array_add (entries, entry);
    }
  return entries;
}

/* Sets or removes the device's <boot>. Returns whether anything changed. */
static gboolean
write_device_order (xmlNodePtr node,
                    guint      order)
{
  xmlNodePtr boot = vireo_xml_child (node, "boot");
  g_autofree char *text = NULL;
  g_autofree char *old = NULL;

  if (order == 0)
    {
      if (boot == NULL)
        return FALSE;
      /* The whole element: a loadparm left behind without its order is
       * something libvirt's schema refuses. */
      vireo_xml_remove (boot);
      return TRUE;
    }

  text = g_strdup_printf ("%u", order);
  if (boot != NULL)
    {
      old = vireo_xml_get_prop (boot, "order");
      if (g_strcmp0 (old, text) == 0)
        return FALSE;
      vireo_xml_set_prop (boot, "order", text);
      return TRUE;
    }
  boot = xmlNewDocNode (node->doc, NULL, BAD_CAST "boot", NULL);
  vireo_xml_set_prop (boot, "order", text);
  vireo_xml_insert_ordered (node, boot, device_boot_order);
  return TRUE;
}

/**
 * vireo_boot_set_order:
 * @devices: (array length=n): bootable devices of @config, each at most once
 * @enabled: (array length=n): whether the firmware tries each of them
 *
 * Writes the order the per-device way: `<boot order='1'/>` and up on the
 * enabled devices, in the order given, none on any other device, and no
 * `<os><boot dev>` left (libvirt refuses the two together). An order
 * already written the same way is left as it is, and a `loadparm` next to
 * it survives. With nothing enabled, libvirt boots the first disk.
 *
 * Returns: %FALSE with @error set, and the document untouched, when a
 *   device is not bootable, not in @config, or listed twice
 */
gboolean
vireo_boot_set_order (VireoDomainConfig  *config,
                      VireoDevice       **devices,
                      const gboolean     *enabled,
                      guint               n,
                      GError            **error)
{
  g_autoptr(GHashTable) orders = NULL;
  g_autoptr(GListModel) all = NULL;
  gboolean changed = FALSE;
  guint next = 1;
  xmlNodePtr os;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  g_return_val_if_fail (n == 0 || (devices != NULL && enabled != NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n > 0 && refuse_unsupported (config, error))
    return FALSE;

  orders = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_return_val_if_fail (VIREO_IS_DEVICE (devices[i]), FALSE);

      if (vireo_device_get_config (devices[i]) != config)
        {
          g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                               _("Boot order: a device in the list is no longer part of this machine."));
          return FALSE;
        }
      if (!vireo_boot_device_is_bootable (devices[i]))
        {
          g_autofree char *title = vireo_device_dup_title (devices[i]);

          g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                       /* Translators: %s is a device, such as "Disk vda" */
                       _("Boot order: the firmware cannot boot from “%s”."), title);
          return FALSE;
        }
      if (g_hash_table_contains (orders, devices[i]))
        {
          g_autofree char *title = vireo_device_dup_title (devices[i]);

          g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                       /* Translators: %s is a device, such as "Disk vda" */
                       _("Boot order: “%s” is listed twice; each device can have one place."), title);
          return FALSE;
        }
      g_hash_table_insert (orders, devices[i], GUINT_TO_POINTER (enabled[i] ? next++ : 0));
    }

  /* Every device, not only the bootable ones: an order left on any other
   * would clash with the new numbers. */
  all = vireo_domain_config_list_devices (config);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (all, i);
      guint order = GPOINTER_TO_UINT (g_hash_table_lookup (orders, device));

      changed |= write_device_order (_vireo_device_get_node (device), order);
    }

  os = os_of (config);
  for (xmlNodePtr boot = vireo_xml_child (os, "boot"), next_boot; boot != NULL; boot = next_boot)
    {
      next_boot = vireo_xml_next_sibling (boot, "boot");
      vireo_xml_remove (boot);
      changed = TRUE;
    }

  if (changed)
    _vireo_domain_config_changed (config);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Boot menu                                                                 */

gboolean
vireo_boot_get_menu_enabled (VireoDomainConfig *config)
{
  g_autofree char *enable = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  enable = vireo_xml_get_child_prop (os_of (config), "bootmenu", "enable");
  return g_strcmp0 (enable, "yes") == 0;
}

/**
 * vireo_boot_get_menu_timeout:
 *
 * Returns: how long the boot menu waits, in milliseconds, or -1 when it is
 *   off or waits for as long as the firmware likes
 */
int
vireo_boot_get_menu_timeout (VireoDomainConfig *config)
{
  g_autofree char *timeout = NULL;
  guint64 value;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), -1);

  if (!vireo_boot_get_menu_enabled (config))
    return -1;
  timeout = vireo_xml_get_child_prop (os_of (config), "bootmenu", "timeout");
  if (timeout == NULL || !g_ascii_string_to_unsigned (timeout, 10, 0, 65535, &value, NULL))
    return -1;
  return (int) value;
}

/**
 * vireo_boot_set_menu:
 * @timeout_ms: 0 to 65535, or -1 for none; only written when @enabled
 *
 * Turns the firmware's boot menu on or off. Off, with no `<bootmenu>` in
 * the document, stays without one: that is the default already.
 */
gboolean
vireo_boot_set_menu (VireoDomainConfig  *config,
                     gboolean            enabled,
                     int                 timeout_ms,
                     GError            **error)
{
  xmlNodePtr os;
  xmlNodePtr menu;
  g_autofree char *timeout = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (enabled && (timeout_ms < -1 || timeout_ms > 65535))
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   _("Boot menu timeout: %d ms is out of range; it must be between 0 and 65535 ms (about a minute)."),
                   timeout_ms);
      return FALSE;
    }

  os = os_of (config);
  menu = vireo_xml_child (os, "bootmenu");
  /* Turning it off is never refused: that is where an unsupported
   * machine should be anyway. */
  if (enabled && refuse_unsupported (config, error))
    return FALSE;
  if (!enabled)
    {
      g_autofree char *enable = vireo_xml_get_prop (menu, "enable");

      if (menu == NULL || g_strcmp0 (enable, "no") == 0)
        return TRUE;
      vireo_xml_set_prop (menu, "enable", "no");
      /* libvirt reads the timeout only when the menu is on. */
      vireo_xml_set_prop (menu, "timeout", NULL);
      _vireo_domain_config_changed (config);
      return TRUE;
    }

  timeout = timeout_ms >= 0 ? g_strdup_printf ("%d", timeout_ms) : NULL;
  if (menu != NULL)
    {
      g_autofree char *old_enable = vireo_xml_get_prop (menu, "enable");
      g_autofree char *old_timeout = vireo_xml_get_prop (menu, "timeout");

      if (g_strcmp0 (old_enable, "yes") == 0 && g_strcmp0 (old_timeout, timeout) == 0)
        return TRUE;
    }
  else
    {
      if (os == NULL)
        os = vireo_xml_ensure_child (xmlDocGetRootElement (_vireo_domain_config_get_doc (config)), "os");
      menu = xmlNewDocNode (os->doc, NULL, BAD_CAST "bootmenu", NULL);
      vireo_xml_insert_ordered (os, menu, os_order);
    }
  vireo_xml_set_prop (menu, "enable", "yes");
  vireo_xml_set_prop (menu, "timeout", timeout);
  _vireo_domain_config_changed (config);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Direct kernel boot                                                        */

static char *
dup_os_text (VireoDomainConfig *config,
             const char        *element)
{
  return vireo_xml_get_child_text (os_of (config), element);
}

/* libvirt's absFilePath, as far as a host path goes: "/" and at least one
 * more character, on one line (the schema's "." stops at a line break). */
static gboolean
is_absolute_path (const char *path)
{
  return path[0] == '/' && path[1] != '\0' && strpbrk (path, "\r\n") == NULL;
}

/* @label names the field in errors; @is_path asks for an absolute path. */
static gboolean
set_os_text (VireoDomainConfig  *config,
             const char         *element,
             const char         *label,
             gboolean            is_path,
             const char         *value,
             GError            **error)
{
  g_autofree char *type = dup_os_type (config);
  g_autofree char *old = NULL;
  xmlNodePtr os;
  xmlNodePtr node;

  if (value != NULL && *value == '\0')
    value = NULL;

  if (value != NULL && is_path && !is_absolute_path (value))
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   /* Translators: the first %s is a field such as "Kernel path", the second what was typed */
                   _("%s: “%s” is not an absolute path on the host. Give the whole path, starting with “/”, on one line."),
                   label, value);
      return FALSE;
    }
  if (value != NULL && g_strcmp0 (type, "exe") == 0)
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   /* Translators: %s is a field such as "Kernel path" */
                   _("%s: a container runs on the host's kernel and has none of its own to boot."),
                   label);
      return FALSE;
    }

  os = os_of (config);
  node = vireo_xml_child (os, element);
  old = vireo_xml_get_text (node);
  if (g_strcmp0 (old, value) == 0)
    return TRUE;

  if (value == NULL)
    vireo_xml_remove (node);
  else if (node != NULL)
    vireo_xml_set_text (node, value);
  else
    {
      if (os == NULL)
        os = vireo_xml_ensure_child (xmlDocGetRootElement (_vireo_domain_config_get_doc (config)), "os");
      node = xmlNewDocNode (os->doc, NULL, BAD_CAST element, NULL);
      xmlNodeAddContent (node, BAD_CAST value);
      vireo_xml_insert_ordered (os, node, os_order);
    }
  _vireo_domain_config_changed (config);
  return TRUE;
}

/**
 * vireo_boot_dup_kernel:
 *
 * Returns: (transfer full) (nullable): the host path of the kernel QEMU
 *   loads directly, skipping the guest's boot loader
 */
char *
vireo_boot_dup_kernel (VireoDomainConfig *config)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);
  return dup_os_text (config, "kernel");
}

/**
 * vireo_boot_set_kernel:
 * @path: (nullable): an absolute host path; %NULL or "" removes `<kernel>`
 */
gboolean
vireo_boot_set_kernel (VireoDomainConfig  *config,
                       const char         *path,
                       GError            **error)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  return set_os_text (config, "kernel", _("Kernel path"), TRUE, path, error);
}

char *
vireo_boot_dup_initrd (VireoDomainConfig *config)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);
  return dup_os_text (config, "initrd");
}

/**
 * vireo_boot_set_initrd:
 * @path: (nullable): an absolute host path; %NULL or "" removes `<initrd>`
 */
gboolean
vireo_boot_set_initrd (VireoDomainConfig  *config,
                       const char         *path,
                       GError            **error)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  return set_os_text (config, "initrd", _("Initrd path"), TRUE, path, error);
}

char *
vireo_boot_dup_dtb (VireoDomainConfig *config)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);
  return dup_os_text (config, "dtb");
}

/**
 * vireo_boot_set_dtb:
 * @path: (nullable): an absolute host path to a device tree blob (ARM and
 *   other boards without ACPI); %NULL or "" removes `<dtb>`
 */
gboolean
vireo_boot_set_dtb (VireoDomainConfig  *config,
                    const char         *path,
                    GError            **error)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  return set_os_text (config, "dtb", _("Device tree path"), TRUE, path, error);
}

char *
vireo_boot_dup_cmdline (VireoDomainConfig *config)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);
  return dup_os_text (config, "cmdline");
}

/**
 * vireo_boot_set_cmdline:
 * @cmdline: (nullable): the directly booted kernel's arguments, as they
 *   are; %NULL or "" removes `<cmdline>`
 */
gboolean
vireo_boot_set_cmdline (VireoDomainConfig  *config,
                        const char         *cmdline,
                        GError            **error)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  return set_os_text (config, "cmdline", _("Kernel command line"), FALSE, cmdline, error);
}
