/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-device.h"
#include "vireo-domain-config.h"

G_BEGIN_DECLS

/* One line of the boot list: a device, and whether the firmware tries it. */
typedef struct
{
  VireoDevice *device;   /* Owned */
  gboolean     enabled;
} VireoBootEntry;

void        vireo_boot_entry_free          (VireoBootEntry     *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoBootEntry, vireo_boot_entry_free)

gboolean    vireo_boot_is_supported        (VireoDomainConfig  *config);
gboolean    vireo_boot_device_is_bootable  (VireoDevice        *device);
GPtrArray  *vireo_boot_dup_order           (VireoDomainConfig  *config);
gboolean    vireo_boot_has_legacy_order    (VireoDomainConfig  *config);
gboolean    vireo_boot_set_order           (VireoDomainConfig  *config,
                                            VireoDevice       **devices,
                                            const gboolean     *enabled,
                                            guint               n,
                                            GError            **error);

gboolean    vireo_boot_get_menu_enabled    (VireoDomainConfig  *config);
int         vireo_boot_get_menu_timeout    (VireoDomainConfig  *config);
gboolean    vireo_boot_set_menu            (VireoDomainConfig  *config,
                                            gboolean            enabled,
                                            int                 timeout_ms,
                                            GError            **error);

char       *vireo_boot_dup_kernel          (VireoDomainConfig  *config);
gboolean    vireo_boot_set_kernel          (VireoDomainConfig  *config,
                                            const char         *path,
                                            GError            **error);
char       *vireo_boot_dup_initrd          (VireoDomainConfig  *config);
gboolean    vireo_boot_set_initrd          (VireoDomainConfig  *config,
                                            const char         *path,
                                            GError            **error);
char       *vireo_boot_dup_dtb             (VireoDomainConfig  *config);
gboolean    vireo_boot_set_dtb             (VireoDomainConfig  *config,
                                            const char         *path,
                                            GError            **error);
char       *vireo_boot_dup_cmdline         (VireoDomainConfig  *config);
gboolean    vireo_boot_set_cmdline         (VireoDomainConfig  *config,
                                            const char         *cmdline,
                                            GError            **error);

G_END_DECLS
