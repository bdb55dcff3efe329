/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  VIREO_DEVICE_OTHER,
  VIREO_DEVICE_DISK,
  VIREO_DEVICE_INTERFACE,
  VIREO_DEVICE_GRAPHICS,
  VIREO_DEVICE_VIDEO,
  VIREO_DEVICE_SOUND,
  VIREO_DEVICE_INPUT,
  VIREO_DEVICE_SERIAL,
  VIREO_DEVICE_CONSOLE,
  VIREO_DEVICE_CHANNEL,
  VIREO_DEVICE_CONTROLLER,
  VIREO_DEVICE_HOSTDEV,
  VIREO_DEVICE_REDIRDEV,
  VIREO_DEVICE_FILESYSTEM,
  VIREO_DEVICE_TPM,
  VIREO_DEVICE_RNG,
  VIREO_DEVICE_WATCHDOG,
  VIREO_DEVICE_PANIC,
  VIREO_DEVICE_SMARTCARD,
  VIREO_DEVICE_VSOCK,
  VIREO_DEVICE_MEMBALLOON,
  VIREO_DEVICE_EMULATOR,
} VireoDeviceKind;

#define VIREO_TYPE_DEVICE (vireo_device_get_type ())
G_DECLARE_DERIVABLE_TYPE (VireoDevice, vireo_device, VIREO, DEVICE, GObject)

struct _VireoDeviceClass
{
  GObjectClass parent_class;

  /* A short name for lists: "Disk vda", "NIC 52:54:00:…". */
  char *(*dup_title) (VireoDevice *self);
};

typedef struct _VireoDomainConfig VireoDomainConfig;

VireoDeviceKind    vireo_device_get_kind         (VireoDevice  *self);
const char        *vireo_device_get_element_name (VireoDevice  *self);
VireoDomainConfig *vireo_device_get_config       (VireoDevice  *self);
gboolean           vireo_device_get_attached     (VireoDevice  *self);
char              *vireo_device_dup_title        (VireoDevice  *self);
char              *vireo_device_dup_alias        (VireoDevice  *self);
int                vireo_device_get_boot_order   (VireoDevice  *self);
void               vireo_device_set_boot_order   (VireoDevice  *self,
                                                  int           order);
char              *vireo_device_to_xml           (VireoDevice  *self);
gboolean           vireo_device_set_xml          (VireoDevice  *self,
                                                  const char   *xml,
                                                  GError      **error);
VireoDeviceKind    vireo_device_kind_from_element (const char  *element);

G_END_DECLS
