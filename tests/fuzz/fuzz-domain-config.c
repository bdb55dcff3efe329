/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "vireo-disk.h"
#include "vireo-domain-config.h"
#include "vireo-fuzz.h"
#include "vireo-graphics.h"
#include "vireo-interface.h"

/*
 * Arbitrary bytes through VireoDomainConfig: whatever parses must survive
 * every getter, the editors' setters and a device text round trip without
 * a crash, a leak or a critical, and what the model writes must parse
 * again. The domain XML editor hands the model whatever a user pastes.
 */

static void
exercise_disk (VireoDisk *disk)
{
  g_autofree char *device = vireo_disk_dup_device (disk);
  g_autofree char *cache = vireo_disk_dup_cache (disk);

  g_free (vireo_disk_dup_target (disk));
  g_free (vireo_disk_dup_bus (disk));
  g_free (vireo_disk_dup_source_type (disk));
  g_free (vireo_disk_dup_source_path (disk));
  g_free (vireo_disk_dup_source_pool (disk));
  g_free (vireo_disk_dup_source_volume (disk));
  g_free (vireo_disk_dup_format (disk));
  g_free (vireo_disk_dup_serial (disk));

  (void) vireo_disk_get_readonly (disk);
  (void) vireo_disk_get_removable (disk);
  vireo_disk_set_cache (disk, "none");
  vireo_disk_set_cache (disk, cache);
  vireo_disk_set_shareable (disk, !vireo_disk_get_shareable (disk));
  vireo_disk_set_serial (disk, "fuzz-serial");
  if (g_strcmp0 (device, "cdrom") == 0)
    vireo_disk_set_source_file (disk, NULL);
  else
    vireo_disk_set_source_file (disk, "/var/lib/libvirt/images/fuzz.qcow2");
}

static void
exercise_interface (VireoInterface *nic)
{
  g_free (vireo_interface_dup_type (nic));
  g_free (vireo_interface_dup_source (nic));
  g_free (vireo_interface_dup_source_mode (nic));
  g_free (vireo_interface_dup_model (nic));
  g_free (vireo_interface_dup_mac (nic));

  (void) vireo_interface_get_link_up (nic);
  vireo_interface_set_source (nic, "network", "default", NULL);
  vireo_interface_set_model (nic, "virtio");
  vireo_interface_set_mac (nic, "52:54:00:12:34:56");
  vireo_interface_set_link_up (nic, FALSE);
}

static void
exercise_graphics (VireoGraphics *graphics)
{
  g_free (vireo_graphics_dup_type (graphics));
  g_free (vireo_graphics_dup_listen_type (graphics));
  g_free (vireo_graphics_dup_listen_address (graphics));

  (void) vireo_graphics_get_port (graphics);
  (void) vireo_graphics_get_has_password (graphics);
  (void) vireo_graphics_get_gl (graphics);
  vireo_graphics_set_listen (graphics, "address", "127.0.0.1");
  vireo_graphics_set_port (graphics, 5901);
  vireo_graphics_set_port (graphics, -1);
}

/* Set when the input has a DTD: a device's text on its own cannot use the
 * entities the document declares, so set_xml may refuse it. */
static gboolean has_doctype;

static void
exercise_device (VireoDevice *device)
{
  g_autofree char *text = vireo_device_to_xml (device);
  g_autoptr(GError) error = NULL;

  g_free (vireo_device_dup_title (device));
  g_free (vireo_device_dup_alias (device));
  (void) vireo_device_get_kind (device);
  (void) vireo_device_get_element_name (device);

  /* Its own text must be accepted back. */
  if (!vireo_device_set_xml (device, text, &error) && !has_doctype)
    g_error ("set_xml refused the device's own text (%s):\n%s", error->message, text);

  (void) vireo_device_get_boot_order (device);
  vireo_device_set_boot_order (device, 3);
  vireo_device_set_boot_order (device, 0);

  if (VIREO_IS_DISK (device))
    exercise_disk (VIREO_DISK (device));
  else if (VIREO_IS_INTERFACE (device))
    exercise_interface (VIREO_INTERFACE (device));
  else if (VIREO_IS_GRAPHICS (device))
    exercise_graphics (VIREO_GRAPHICS (device));
}

static void
exercise_getters (VireoDomainConfig *config)
{
  g_ptr_array_unref (vireo_domain_config_list_disks (config));
  g_free (vireo_domain_config_dup_arch (config));
  g_free (vireo_domain_config_dup_machine (config));
  g_free (vireo_domain_config_dup_firmware (config));
  g_free (vireo_domain_config_dup_emulator (config));
  g_free (vireo_domain_config_dup_cpu_mode (config));

  (void) vireo_domain_config_get_name (config);
  (void) vireo_domain_config_get_uuid (config);
  (void) vireo_domain_config_get_title (config);
  (void) vireo_domain_config_get_description (config);
  (void) vireo_domain_config_get_domain_type (config);
  (void) vireo_domain_config_has_nvram (config);
  (void) vireo_domain_config_get_memory_kib (config);
  (void) vireo_domain_config_get_current_memory_kib (config);
  (void) vireo_domain_config_get_vcpus (config);
  (void) vireo_domain_config_get_vcpus_max (config);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autofree char *xml = NULL;
  g_autofree char *out = NULL;
  g_autofree char *edited = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(VireoDomainConfig) again = NULL;
  g_autoptr(VireoDomainConfig) copy = NULL;
  g_autoptr(GListModel) devices = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  if (!initialized)
    {
      /* A critical is a contract broken inside the model: a crash here. */
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      initialized = TRUE;
    }

  /* The model takes a C string; an embedded NUL ends it. */
  xml = g_strndup ((const char *) data, size);
  has_doctype = strstr (xml, "<!DOCTYPE") != NULL;
  config = vireo_domain_config_new_from_xml (xml, &error);
  if (config == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }

  out = vireo_domain_config_to_xml (config);
  again = vireo_domain_config_new_from_xml (out, NULL);
  if (again == NULL)
    g_error ("the model's own output does not parse:\n%s", out);

  exercise_getters (config);
  devices = vireo_domain_config_list_devices (config);
  n = g_list_model_get_n_items (devices);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      exercise_device (device);
    }

  vireo_domain_config_set_title (config, "Fuzzed <title> & more\nsecond line");
  vireo_domain_config_set_description (config, NULL);
  vireo_domain_config_set_name (config, "fuzz");
  vireo_domain_config_set_memory_kib (config, 2097152, 1048576);
  vireo_domain_config_set_vcpus (config, 1, 2);
  vireo_domain_config_set_cpu_mode (config, "host-passthrough");
  if (vireo_domain_config_add_device (config,
                                      "<tpm model='tpm-crb'>\n"
                                      "  <backend type='emulator' version='2.0'/>\n"
                                      "</tpm>", &error) == NULL)
    g_error ("add_device: %s", error->message);

  /* Removal last: the device objects above are views that go with it. */
  if (g_list_model_get_n_items (devices) > 0)
    {
      g_autoptr(VireoDevice) first = g_list_model_get_item (devices, 0);
      vireo_domain_config_remove_device (config, first);
      g_assert (!vireo_device_get_attached (first));
    }

  copy = vireo_domain_config_copy (config);
  edited = vireo_domain_config_to_xml (config);
  if (copy == NULL)
    g_error ("the model's edited output does not parse:\n%s", edited);
  exercise_getters (copy);

  return 0;
}
