/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-device.h"

G_BEGIN_DECLS

#define VIREO_MODEL_ERROR (vireo_model_error_quark ())

typedef enum
{
  VIREO_MODEL_ERROR_PARSE,
  VIREO_MODEL_ERROR_INVALID,
} VireoModelError;

GQuark vireo_model_error_quark (void);

/* What one <disk> says about its storage, as far as deleting it goes. */
typedef struct
{
  char     *target;       /* "vda" */
  char     *device;       /* "disk", "cdrom", "floppy", "lun" */
  char     *source_type;  /* "file", "block", "volume", "network", ... */
  char     *path;         /* file or block path, NULL otherwise */
  char     *pool;         /* for source type "volume" */
  char     *volume;       /* for source type "volume" */
  gboolean  readonly;
  gboolean  shareable;
} VireoDiskInfo;

void vireo_disk_info_free (VireoDiskInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoDiskInfo, vireo_disk_info_free)

#define VIREO_TYPE_DOMAIN_CONFIG (vireo_domain_config_get_type ())
G_DECLARE_FINAL_TYPE (VireoDomainConfig, vireo_domain_config, VIREO, DOMAIN_CONFIG, GObject)

VireoDomainConfig *vireo_domain_config_new_from_xml    (const char        *xml,
                                                        GError           **error);
char              *vireo_domain_config_to_xml          (VireoDomainConfig *self);
const char        *vireo_domain_config_get_name        (VireoDomainConfig *self);
const char        *vireo_domain_config_get_uuid        (VireoDomainConfig *self);
const char        *vireo_domain_config_get_title       (VireoDomainConfig *self);
void               vireo_domain_config_set_title       (VireoDomainConfig *self,
                                                        const char        *title);
const char        *vireo_domain_config_get_description (VireoDomainConfig *self);
void               vireo_domain_config_set_description (VireoDomainConfig *self,
                                                        const char        *description);
GPtrArray         *vireo_domain_config_list_disks      (VireoDomainConfig *self);
gboolean           vireo_domain_config_has_nvram       (VireoDomainConfig *self);

void               vireo_domain_config_set_name        (VireoDomainConfig *self,
                                                        const char        *name);
const char        *vireo_domain_config_get_domain_type (VireoDomainConfig *self);
guint64            vireo_domain_config_get_memory_kib  (VireoDomainConfig *self);
guint64            vireo_domain_config_get_current_memory_kib (VireoDomainConfig *self);
void               vireo_domain_config_set_memory_kib  (VireoDomainConfig *self,
                                                        guint64            maximum,
                                                        guint64            current);
guint              vireo_domain_config_get_vcpus_max   (VireoDomainConfig *self);
guint              vireo_domain_config_get_vcpus       (VireoDomainConfig *self);
void               vireo_domain_config_set_vcpus       (VireoDomainConfig *self,
                                                        guint              current,
                                                        guint              maximum);
char              *vireo_domain_config_dup_arch        (VireoDomainConfig *self);
char              *vireo_domain_config_dup_machine     (VireoDomainConfig *self);
char              *vireo_domain_config_dup_firmware    (VireoDomainConfig *self);
char              *vireo_domain_config_dup_emulator    (VireoDomainConfig *self);
char              *vireo_domain_config_dup_cpu_mode    (VireoDomainConfig *self);
void               vireo_domain_config_set_cpu_mode    (VireoDomainConfig *self,
                                                        const char        *mode);

GListModel        *vireo_domain_config_list_devices    (VireoDomainConfig *self);
VireoDevice       *vireo_domain_config_add_device      (VireoDomainConfig *self,
                                                        const char        *xml,
                                                        GError           **error);
void               vireo_domain_config_remove_device   (VireoDomainConfig *self,
                                                        VireoDevice       *device);
GPtrArray         *vireo_domain_config_list_controller_devices (VireoDomainConfig *self,
                                                                VireoDevice       *controller);
char              *vireo_domain_config_dup_removal_refusal (VireoDomainConfig *self,
                                                            VireoDevice       *device);
VireoDomainConfig *vireo_domain_config_copy            (VireoDomainConfig *self);
VireoDevice       *vireo_domain_config_find_device_like (VireoDomainConfig *self,
                                                         VireoDevice       *other);

G_END_DECLS
