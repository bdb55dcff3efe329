/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "vireo-domain-caps.h"
#include "vireo-domain-config.h"

G_BEGIN_DECLS

/* What a domain's definition says about its firmware. */
typedef struct
{
  char     *firmware;         /* "efi", "bios", or NULL when the guest boots
                                 no firmware (containers, os type not hvm) */
  gboolean  autoselect;       /* <os firmware='…'>: libvirt picks the binary */
  gboolean  secure_boot;      /* Secure Boot asked for, one way or another */
  gboolean  secure_boot_auto; /* efi auto-selection that says nothing about
                                 Secure Boot: libvirt decides at start */
  gboolean  has_tpm;
  char     *loader;           /* an explicit <loader> path, or NULL */
  char     *nvram;            /* an explicit <nvram> path, or NULL */
} VireoFirmwareInfo;

void               vireo_firmware_info_free              (VireoFirmwareInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoFirmwareInfo, vireo_firmware_info_free)

VireoFirmwareInfo *vireo_firmware_get_info               (VireoDomainConfig       *config);
gboolean           vireo_firmware_check                  (VireoDomainConfig       *config,
                                                          VireoDomainCaps         *caps,
                                                          const char              *firmware,
                                                          gboolean                 secure_boot,
                                                          GError                 **error);
gboolean           vireo_firmware_set                    (VireoDomainConfig       *config,
                                                          VireoDomainCaps         *caps,
                                                          const char              *firmware,
                                                          gboolean                 secure_boot,
                                                          GError                 **error);
gboolean           vireo_firmware_info_needs_nvram_reset (const VireoFirmwareInfo *before,
                                                          const VireoFirmwareInfo *after);
gboolean           vireo_firmware_suggest_tpm            (VireoDomainConfig       *config);
const char        *vireo_firmware_get_tpm_template       (void);

/* Vireo's own <metadata> namespace: notes that must outlive the window
 * that wrote them, kept in the definition itself. */
#define VIREO_METADATA_NS     "https://vireo.app/xmlns/libvirt/domain/1.0"
#define VIREO_METADATA_PREFIX "vireo"

gboolean           vireo_firmware_get_nvram_reset_pending (VireoDomainConfig      *config);
void               vireo_firmware_set_nvram_reset_pending (VireoDomainConfig      *config,
                                                           gboolean                pending);
gboolean           vireo_firmware_note_wants_nvram_reset  (const char             *metadata);

G_END_DECLS
