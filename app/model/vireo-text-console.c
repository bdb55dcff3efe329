/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-text-console"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-model-private.h"
#include "vireo-text-console.h"
#include "vireo-xml.h"

void
vireo_text_console_free (VireoTextConsole *console)
{
  if (console == NULL)
    return;
  g_free (console->dev_name);
  g_free (console->label);
  g_free (console);
}

static VireoTextConsole *
text_console_new (char *dev_name,
                  char *label)
{
  VireoTextConsole *console = g_new0 (VireoTextConsole, 1);

  console->dev_name = dev_name;
  console->label = label;
  return console;
}

/*
 * The serial ports and consoles a user can open, in the order the machine
 * lists them. Only pseudo-terminal ones: libvirt attaches a console stream
 * to nothing else (a file, socket or TCP backend belongs to someone else).
 *
 * A <console> whose target is a serial port is libvirt's second name for
 * a <serial> (both end on the same pty); it is listed once, as the serial
 * port. Live XML names each device by alias; an inactive one does
 * not, and then the name libvirt would give ("serial0", "console1") is
 * used.
 */
GPtrArray *
vireo_domain_config_list_text_consoles (VireoDomainConfig *config)
{
  g_autoptr(GListModel) devices = NULL;
  GPtrArray *consoles = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_text_console_free);
  guint n_serial = 0, n_console = 0, n_virtio = 0;
  gboolean have_serial_pty = FALSE;

  g_return_val_if_fail (config != NULL, consoles);

  devices = vireo_domain_config_list_devices (config);
  for (guint i = 0; i < g_list_model_get_n_items (devices) && !have_serial_pty; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *type = vireo_xml_get_prop (_vireo_device_get_node (device), "type");

      have_serial_pty = vireo_device_get_kind (device) == VIREO_DEVICE_SERIAL && g_strcmp0 (type, "pty") == 0;
    }

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      VireoDeviceKind kind = vireo_device_get_kind (device);
      xmlNodePtr node;
      g_autofree char *type = NULL;
      g_autofree char *alias = NULL;
      g_autofree char *target_type = NULL;
      guint index;

      if (kind != VIREO_DEVICE_SERIAL && kind != VIREO_DEVICE_CONSOLE)
        continue;
      node = _vireo_device_get_node (device);
      index = kind == VIREO_DEVICE_SERIAL ? n_serial++ : n_console++;
      type = vireo_xml_get_prop (node, "type");
      if (g_strcmp0 (type, "pty") != 0)
        continue;

      alias = vireo_device_dup_alias (device);
      if (alias == NULL)
        alias = g_strdup_printf (kind == VIREO_DEVICE_SERIAL ? "serial%u" : "console%u", index);

      if (kind == VIREO_DEVICE_SERIAL)
        {
          /* Translators: the guest's first serial port is "Serial Port 1" */
          g_ptr_array_add (consoles, text_console_new (g_steal_pointer (&alias),
                                                       g_strdup_printf (_("Serial Port %u"), index + 1)));
          continue;
        }

      target_type = vireo_xml_get_child_prop (node, "target", "type");
      if ((target_type == NULL || g_str_equal (target_type, "serial")) && have_serial_pty)
        continue;
      /* Translators: a virtio (or other non-serial) text console of the guest */
      g_ptr_array_add (consoles, text_console_new (g_steal_pointer (&alias),
                                                   g_strdup_printf (_("Text Console %u"), ++n_virtio)));
    }
  return consoles;
}
