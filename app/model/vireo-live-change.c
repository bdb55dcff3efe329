/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-live-change"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-command.h"
#include "vireo-disk.h"
#include "vireo-live-change.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/*
 * What of an edit a running guest can take at once. Apply defines the
 * whole edited document (the persistent side, where nothing is lost);
 * then these are tried on the live side one by one, the way virt-manager
 * hot-plugs after a define. What is not listed here, or fails, waits for
 * the next boot, and the details pages say so field by field because they
 * compare the persistent definition with the live one afterwards.
 */

void
vireo_live_change_free (VireoLiveChange *change)
{
  if (change == NULL)
    return;
  g_free (change->what);
  g_free (change->xml);
  g_free (change->text);
  g_clear_error (&change->error);
  g_free (change);
}

static VireoLiveChange *
change_new (GPtrArray           *changes,
            VireoLiveChangeKind  kind,
            char                *what)
{
  VireoLiveChange *change = g_new0 (VireoLiveChange, 1);

  change->kind = kind;
  change->what = what;
  g_ptr_array_add (changes, change);
  return change;
}

/* Devices QEMU (through libvirt 9) hot-plugs and unplugs. Video, sound,
 * graphics, TPM and the like exist only from boot. */
static gboolean
can_plug (VireoDevice *device)
{
  switch (vireo_device_get_kind (device))
    {
    case VIREO_DEVICE_DISK:
    case VIREO_DEVICE_INTERFACE:
    case VIREO_DEVICE_HOSTDEV:
    case VIREO_DEVICE_REDIRDEV:
    case VIREO_DEVICE_SERIAL:
    case VIREO_DEVICE_CHANNEL:
    case VIREO_DEVICE_RNG:
    case VIREO_DEVICE_WATCHDOG:
    case VIREO_DEVICE_INPUT:
    case VIREO_DEVICE_VSOCK:
    case VIREO_DEVICE_FILESYSTEM:
      return TRUE;
    case VIREO_DEVICE_CONTROLLER:
      {
        /* Only controllers with nothing fixed behind them. */
        g_autofree char *type = vireo_xml_get_prop (_vireo_device_get_node (device), "type");
        return g_strcmp0 (type, "scsi") == 0 || g_strcmp0 (type, "virtio-serial") == 0;
      }
    default:
      return FALSE;
    }
}

/* Devices whose settings libvirt changes in place on a running guest:
 * removable media, a NIC's link, source and bandwidth, a display's
 * password. Anything else about a device waits for the next boot. */
static gboolean
can_update (VireoDevice *device)
{
  switch (vireo_device_get_kind (device))
    {
    case VIREO_DEVICE_DISK:
      return vireo_disk_is_removable_media (VIREO_DISK (device));
    case VIREO_DEVICE_INTERFACE:
    case VIREO_DEVICE_GRAPHICS:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The element as text with the attributes a live update may change taken
 * out: if the rest differs too, the update would be refused as a whole
 * (a new NIC model, a display's new listen address), so it is left for
 * the next boot rather than tried and reported as failed. */
static char *
dup_fixed_part (VireoDevice *device)
{
  g_autofree char *xml = vireo_device_to_xml (device);
  g_autoptr(GRegex) re = NULL;
  g_autoptr(GRegex) blanks = NULL;
  g_autofree char *stripped = NULL;
  const char *pattern;

  switch (vireo_device_get_kind (device))
    {
    case VIREO_DEVICE_GRAPHICS:
      pattern = " (passwd|passwdValidTo|connected)=\"[^\"]*\"";
      break;
    case VIREO_DEVICE_DISK:
      /* Removable media: what is in the drive, and its format. */
      pattern = "<source( [^>]*)?/>|<source( [^>]*)?>.*?</source>|<driver [^>]*/>";
      break;
    case VIREO_DEVICE_INTERFACE:
      pattern = "<link [^>]*/>|<source [^>]*/>|<bandwidth>.*?</bandwidth>|<filterref [^>]*/>";
      break;
    default:
      return g_steal_pointer (&xml);
    }
  re = g_regex_new (pattern, G_REGEX_DOTALL, 0, NULL);
  stripped = g_regex_replace_literal (re, xml, -1, 0, "", 0, NULL);
  /* A removed element leaves its indentation behind; layout is not a
   * difference. */
  blanks = g_regex_new (">\\s+<", 0, 0, NULL);
  return g_regex_replace_literal (blanks, stripped, -1, 0, "><", 0, NULL);
}

/**
 * vireo_live_changes_between:
 * @before: the definition as libvirt had it
 * @after: the edited copy, as defined
 *
 * Returns: (transfer full) (element-type VireoLiveChange): what to try on
 *   the running guest, unplugs first (they may free what a plug needs)
 */
GPtrArray *
vireo_live_changes_between (VireoDomainConfig *before,
                            VireoDomainConfig *after)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_live_change_free);
  g_autoptr(GListModel) old_devices = NULL;
  g_autoptr(GListModel) new_devices = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (before), NULL);
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (after), NULL);

  old_devices = vireo_domain_config_list_devices (before);
  new_devices = vireo_domain_config_list_devices (after);

  for (guint i = 0; i < g_list_model_get_n_items (old_devices); i++)
    {
      g_autoptr(VireoDevice) old = g_list_model_get_item (old_devices, i);

      if (vireo_domain_config_find_device_like (after, old) == NULL && can_plug (old))
        change_new (changes, VIREO_LIVE_DETACH, vireo_device_dup_title (old))->xml = vireo_device_to_xml (old);
    }

  for (guint i = 0; i < g_list_model_get_n_items (new_devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (new_devices, i);
      VireoDevice *old = vireo_domain_config_find_device_like (before, device);

      if (old == NULL)
        {
          if (can_plug (device))
            change_new (changes, VIREO_LIVE_ATTACH, vireo_device_dup_title (device))->xml = vireo_device_to_xml (device);
        }
      else if (can_update (device))
        {
          g_autofree char *was = vireo_device_to_xml (old);
          g_autofree char *now = vireo_device_to_xml (device);

          g_autofree char *was_fixed = dup_fixed_part (old);
          g_autofree char *now_fixed = dup_fixed_part (device);

          if (g_strcmp0 (was, now) != 0 && g_strcmp0 (was_fixed, now_fixed) == 0)
            change_new (changes, VIREO_LIVE_UPDATE, vireo_device_dup_title (device))->xml = g_steal_pointer (&now);
        }
    }

  /* The live maximum is fixed at boot: only a new current value within
   * the old maximum can happen now. */
  if (vireo_domain_config_get_current_memory_kib (after) != vireo_domain_config_get_current_memory_kib (before)
      && vireo_domain_config_get_current_memory_kib (after) <= vireo_domain_config_get_memory_kib (before))
    change_new (changes, VIREO_LIVE_MEMORY, g_strdup (_("Memory")))->value =
      vireo_domain_config_get_current_memory_kib (after);
  if (vireo_domain_config_get_vcpus (after) != vireo_domain_config_get_vcpus (before)
      && vireo_domain_config_get_vcpus (after) <= vireo_domain_config_get_vcpus_max (before))
    change_new (changes, VIREO_LIVE_VCPUS, g_strdup (_("vCPUs")))->value = vireo_domain_config_get_vcpus (after);
  if (g_strcmp0 (vireo_domain_config_get_title (after), vireo_domain_config_get_title (before)) != 0)
    change_new (changes, VIREO_LIVE_TITLE, g_strdup (_("Title")))->text =
      g_strdup (vireo_domain_config_get_title (after));
  if (g_strcmp0 (vireo_domain_config_get_description (after), vireo_domain_config_get_description (before)) != 0)
    change_new (changes, VIREO_LIVE_DESCRIPTION, g_strdup (_("Description")))->text =
      g_strdup (vireo_domain_config_get_description (after));

  return g_steal_pointer (&changes);
}
