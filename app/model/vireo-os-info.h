/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-domain-config.h"

G_BEGIN_DECLS

/* libosinfo's id for "not listed": what the picker's "Unknown / generic"
 * entry stands for, and what virt-install writes when it knows nothing. */
#define VIREO_OS_ID_UNKNOWN "http://libosinfo.org/unknown"

/* The namespace of <libosinfo:libosinfo> in a domain's <metadata>, as
 * virt-install, virt-manager, GNOME Boxes and Cockpit write it. */
#define VIREO_OS_METADATA_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"

/* Sizes and counts for x86_64 (or libosinfo's "all architectures" entry);
 * 0 where the database does not say. */
typedef struct
{
  guint64 ram;       /* bytes */
  guint   n_cpus;
  guint64 storage;   /* bytes */
} VireoOsResources;

typedef enum
{
  VIREO_OS_SEARCH_DEFAULT     = 0,
  VIREO_OS_SEARCH_INCLUDE_EOL = 1 << 0,
} VireoOsSearchFlags;

#define VIREO_TYPE_OS_INFO (vireo_os_info_get_type ())
G_DECLARE_FINAL_TYPE (VireoOsInfo, vireo_os_info, VIREO, OS_INFO, GObject)

const char *vireo_os_info_get_id                 (VireoOsInfo      *self);
const char *vireo_os_info_get_short_id           (VireoOsInfo      *self);
const char *vireo_os_info_get_name               (VireoOsInfo      *self);
const char *vireo_os_info_get_vendor             (VireoOsInfo      *self);
const char *vireo_os_info_get_version            (VireoOsInfo      *self);
const char *vireo_os_info_get_family             (VireoOsInfo      *self);
const char *vireo_os_info_get_distro             (VireoOsInfo      *self);
const char *vireo_os_info_get_release_date       (VireoOsInfo      *self);
const char *vireo_os_info_get_eol_date           (VireoOsInfo      *self);
guint       vireo_os_info_get_release_year       (VireoOsInfo      *self);
gboolean    vireo_os_info_get_eol                (VireoOsInfo      *self);
gboolean    vireo_os_info_is_eol_on              (VireoOsInfo      *self,
                                                  const GDate      *day);
gboolean    vireo_os_info_get_generic            (VireoOsInfo      *self);
gboolean    vireo_os_info_get_unknown            (VireoOsInfo      *self);

void        vireo_os_info_get_minimum_resources  (VireoOsInfo      *self,
                                                  VireoOsResources *out);
void        vireo_os_info_get_recommended_resources (VireoOsInfo   *self,
                                                  VireoOsResources *out);

gboolean    vireo_os_info_get_virtio_disk        (VireoOsInfo      *self);
gboolean    vireo_os_info_get_virtio_net         (VireoOsInfo      *self);
gboolean    vireo_os_info_get_virtio_1_0         (VireoOsInfo      *self);
gboolean    vireo_os_info_get_q35                (VireoOsInfo      *self);
const char *vireo_os_info_get_nic_model          (VireoOsInfo      *self);
const char *vireo_os_info_get_disk_bus           (VireoOsInfo      *self);
const char *vireo_os_info_get_video_model        (VireoOsInfo      *self);
const char *vireo_os_info_get_sound_model        (VireoOsInfo      *self);
gboolean    vireo_os_info_get_supports_uefi      (VireoOsInfo      *self);
gboolean    vireo_os_info_get_needs_uefi         (VireoOsInfo      *self);
gboolean    vireo_os_info_get_secure_boot        (VireoOsInfo      *self);
gboolean    vireo_os_info_get_needs_tpm          (VireoOsInfo      *self);

#define VIREO_TYPE_OS_DB (vireo_os_db_get_type ())
G_DECLARE_FINAL_TYPE (VireoOsDb, vireo_os_db, VIREO, OS_DB, GObject)

void         vireo_os_db_load_async        (GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
VireoOsDb   *vireo_os_db_load_finish       (GAsyncResult        *result,
                                            GError             **error);
VireoOsDb   *vireo_os_db_get_loaded        (void);
guint        vireo_os_db_get_n_os          (VireoOsDb           *self);
VireoOsInfo *vireo_os_db_find              (VireoOsDb           *self,
                                            const char          *id);
VireoOsInfo *vireo_os_db_find_short_id     (VireoOsDb           *self,
                                            const char          *short_id);
VireoOsInfo *vireo_os_db_get_unknown       (VireoOsDb           *self);
GListModel  *vireo_os_db_search            (VireoOsDb           *self,
                                            const char          *text,
                                            VireoOsSearchFlags   flags,
                                            guint                max);

char        *vireo_domain_config_dup_os_id (VireoDomainConfig   *config);
gboolean     vireo_domain_config_set_os_id (VireoDomainConfig   *config,
                                            const char          *id,
                                            GError             **error);

G_END_DECLS
