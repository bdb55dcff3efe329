/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Storage pools, volumes and secrets as libvirt describes them. The two
 * config objects wrap a libxml2 document and edit it in place, as
 * VireoDomainConfig does: every element and attribute Vireo does not know
 * survives a round trip. Nothing here calls libvirt.
 */

#define VIREO_STORAGE_CONFIG_ERROR (vireo_storage_config_error_quark ())

/* Each code names the field at fault, so a form can mark it. */
typedef enum
{
  VIREO_STORAGE_CONFIG_ERROR_PARSE,          /* not a pool / volume / secret document */
  VIREO_STORAGE_CONFIG_ERROR_NAME,
  VIREO_STORAGE_CONFIG_ERROR_TYPE,           /* pool type unknown or not supported */
  VIREO_STORAGE_CONFIG_ERROR_TARGET_PATH,
  VIREO_STORAGE_CONFIG_ERROR_SOURCE_HOST,
  VIREO_STORAGE_CONFIG_ERROR_SOURCE_PATH,    /* <source><dir path>: an NFS export, a gluster folder */
  VIREO_STORAGE_CONFIG_ERROR_SOURCE_DEVICE,
  VIREO_STORAGE_CONFIG_ERROR_SOURCE_NAME,
  VIREO_STORAGE_CONFIG_ERROR_ADAPTER,
  VIREO_STORAGE_CONFIG_ERROR_IQN,
  VIREO_STORAGE_CONFIG_ERROR_INITIATOR,
  VIREO_STORAGE_CONFIG_ERROR_AUTH,
  VIREO_STORAGE_CONFIG_ERROR_CAPACITY,
  VIREO_STORAGE_CONFIG_ERROR_ALLOCATION,
  VIREO_STORAGE_CONFIG_ERROR_FORMAT,
  VIREO_STORAGE_CONFIG_ERROR_BACKING,
  /* Not a refusal: a thin volume larger than the pool's free space. Only
   * reported when everything else is valid, so the volume can be made. */
  VIREO_STORAGE_CONFIG_ERROR_OVERCOMMIT,
  VIREO_STORAGE_CONFIG_ERROR_USAGE,          /* a secret's usage type or id */
} VireoStorageConfigError;

GQuark vireo_storage_config_error_quark (void);

/* ------------------------------------------------------------------------ */
/* Pool types                                                                */

/* The fields a pool type has, for a form that shows only those. */
typedef enum /*< flags >*/
{
  VIREO_POOL_FIELD_NONE          = 0,
  VIREO_POOL_FIELD_TARGET_PATH   = 1 << 0,
  VIREO_POOL_FIELD_SOURCE_HOST   = 1 << 1,  /* host name and port */
  VIREO_POOL_FIELD_SOURCE_HOSTS  = 1 << 2,  /* several hosts (Ceph monitors) */
  VIREO_POOL_FIELD_SOURCE_PATH   = 1 << 3,  /* <source><dir path> */
  VIREO_POOL_FIELD_SOURCE_DEVICE = 1 << 4,  /* one device path */
  VIREO_POOL_FIELD_SOURCE_DEVICES = 1 << 5, /* several (LVM physical volumes) */
  VIREO_POOL_FIELD_SOURCE_NAME   = 1 << 6,  /* VG, RBD pool, gluster volume, zpool */
  VIREO_POOL_FIELD_FORMAT        = 1 << 7,  /* <source><format type> */
  VIREO_POOL_FIELD_IQN           = 1 << 8,  /* the iSCSI target */
  VIREO_POOL_FIELD_INITIATOR     = 1 << 9,
  VIREO_POOL_FIELD_AUTH          = 1 << 10,
  VIREO_POOL_FIELD_ADAPTER       = 1 << 11, /* SCSI host adapter */
} VireoPoolFields;

const char * const *vireo_pool_type_list              (void);
VireoPoolFields     vireo_pool_type_get_fields        (const char *type);
VireoPoolFields     vireo_pool_type_get_required_fields (const char *type);
const char * const *vireo_pool_type_get_source_formats (const char *type);
const char         *vireo_pool_type_get_default_target (const char *type);
const char         *vireo_pool_type_get_auth_type     (const char *type);
const char         *vireo_pool_type_get_label         (const char *type);
const char         *vireo_pool_type_get_description   (const char *type);

/* ------------------------------------------------------------------------ */
/* Pool capabilities (virConnectGetStoragePoolCapabilities)                  */

typedef struct
{
  char     *type;
  gboolean  supported;
  GStrv     source_formats;         /* (nullable): pool source formats */
  char     *default_source_format;  /* (nullable) */
  GStrv     volume_formats;         /* (nullable): volume target formats */
  char     *default_volume_format;  /* (nullable) */
} VireoPoolTypeCaps;

typedef struct
{
  /* FALSE when libvirt gave no document (before 5.2): types then holds
   * Vireo's own list, each marked supported, and the caller should say
   * that libvirt did not tell. */
  gboolean   known;
  GPtrArray *types;  /* (element-type VireoPoolTypeCaps) */
} VireoPoolCaps;

VireoPoolCaps           *vireo_pool_caps_new_from_xml    (const char          *xml,
                                                          GError             **error);
VireoPoolCaps           *vireo_pool_caps_new_fallback    (void);
void                     vireo_pool_caps_free            (VireoPoolCaps       *caps);
const VireoPoolTypeCaps *vireo_pool_caps_lookup          (const VireoPoolCaps *caps,
                                                          const char          *type);
gboolean                 vireo_pool_caps_supports        (const VireoPoolCaps *caps,
                                                          const char          *type);
GStrv                    vireo_pool_caps_dup_supported_types (const VireoPoolCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoPoolCaps, vireo_pool_caps_free)

/* ------------------------------------------------------------------------ */
/* Pool                                                                      */

#define VIREO_TYPE_POOL_CONFIG (vireo_pool_config_get_type ())
G_DECLARE_FINAL_TYPE (VireoPoolConfig, vireo_pool_config, VIREO, POOL_CONFIG, GObject)

VireoPoolConfig *vireo_pool_config_new_from_xml      (const char       *xml,
                                                      GError          **error);
VireoPoolConfig *vireo_pool_config_new               (const char       *type);
char            *vireo_pool_config_to_xml            (VireoPoolConfig  *self);
const char      *vireo_pool_config_get_pool_type     (VireoPoolConfig  *self);
char            *vireo_pool_config_dup_name          (VireoPoolConfig  *self);
void             vireo_pool_config_set_name          (VireoPoolConfig  *self,
                                                      const char       *name);
char            *vireo_pool_config_dup_target_path   (VireoPoolConfig  *self);
void             vireo_pool_config_set_target_path   (VireoPoolConfig  *self,
                                                      const char       *path);
char            *vireo_pool_config_dup_source_host   (VireoPoolConfig  *self,
                                                      guint            *port);
void             vireo_pool_config_set_source_host   (VireoPoolConfig  *self,
                                                      const char       *host,
                                                      guint             port);
GStrv            vireo_pool_config_dup_source_hosts  (VireoPoolConfig  *self);
void             vireo_pool_config_set_source_hosts  (VireoPoolConfig  *self,
                                                      const char * const *hosts);
char            *vireo_pool_config_dup_source_dir    (VireoPoolConfig  *self);
void             vireo_pool_config_set_source_dir    (VireoPoolConfig  *self,
                                                      const char       *path);
GStrv            vireo_pool_config_dup_source_devices (VireoPoolConfig *self);
void             vireo_pool_config_set_source_devices (VireoPoolConfig *self,
                                                       const char * const *paths);
char            *vireo_pool_config_dup_source_name   (VireoPoolConfig  *self);
void             vireo_pool_config_set_source_name   (VireoPoolConfig  *self,
                                                      const char       *name);
char            *vireo_pool_config_dup_format        (VireoPoolConfig  *self);
void             vireo_pool_config_set_format        (VireoPoolConfig  *self,
                                                      const char       *format);
char            *vireo_pool_config_dup_iqn           (VireoPoolConfig  *self);
void             vireo_pool_config_set_iqn           (VireoPoolConfig  *self,
                                                      const char       *iqn);
char            *vireo_pool_config_dup_initiator     (VireoPoolConfig  *self);
void             vireo_pool_config_set_initiator     (VireoPoolConfig  *self,
                                                      const char       *iqn);
gboolean         vireo_pool_config_get_auth          (VireoPoolConfig  *self,
                                                      char            **type,
                                                      char            **username,
                                                      char            **secret_usage,
                                                      char            **secret_uuid);
void             vireo_pool_config_set_auth          (VireoPoolConfig  *self,
                                                      const char       *type,
                                                      const char       *username,
                                                      const char       *secret_usage,
                                                      const char       *secret_uuid);
char            *vireo_pool_config_dup_adapter       (VireoPoolConfig  *self);
void             vireo_pool_config_set_adapter       (VireoPoolConfig  *self,
                                                      const char       *name);
gboolean         vireo_pool_config_validate          (VireoPoolConfig  *self,
                                                      const char * const *existing_names,
                                                      GError          **error);

/* ------------------------------------------------------------------------ */
/* Volume                                                                    */

#define VIREO_TYPE_VOLUME_CONFIG (vireo_volume_config_get_type ())
G_DECLARE_FINAL_TYPE (VireoVolumeConfig, vireo_volume_config, VIREO, VOLUME_CONFIG, GObject)

VireoVolumeConfig *vireo_volume_config_new_from_xml  (const char        *xml,
                                                      GError           **error);
VireoVolumeConfig *vireo_volume_config_new           (const char        *name,
                                                      const char        *format,
                                                      guint64            capacity_bytes);
char              *vireo_volume_config_to_xml        (VireoVolumeConfig *self);
char              *vireo_volume_config_dup_name      (VireoVolumeConfig *self);
void               vireo_volume_config_set_name      (VireoVolumeConfig *self,
                                                      const char        *name);
char              *vireo_volume_config_dup_format    (VireoVolumeConfig *self);
void               vireo_volume_config_set_format    (VireoVolumeConfig *self,
                                                      const char        *format);
guint64            vireo_volume_config_get_capacity  (VireoVolumeConfig *self);
void               vireo_volume_config_set_capacity  (VireoVolumeConfig *self,
                                                      guint64            bytes);
guint64            vireo_volume_config_get_allocation (VireoVolumeConfig *self);
void               vireo_volume_config_set_allocation (VireoVolumeConfig *self,
                                                       guint64            bytes);
gboolean           vireo_volume_config_get_thin      (VireoVolumeConfig *self);
void               vireo_volume_config_set_thin      (VireoVolumeConfig *self,
                                                      gboolean           thin);
char              *vireo_volume_config_dup_backing_path (VireoVolumeConfig *self);
char              *vireo_volume_config_dup_backing_format (VireoVolumeConfig *self);
void               vireo_volume_config_set_backing_store (VireoVolumeConfig *self,
                                                          const char        *path,
                                                          const char        *format);
gboolean           vireo_volume_config_validate      (VireoVolumeConfig       *self,
                                                      const char              *pool_type,
                                                      const VireoPoolTypeCaps *type_caps,
                                                      const char * const      *existing_names,
                                                      guint64                  available,
                                                      GError                 **error);

/* ------------------------------------------------------------------------ */
/* Secrets                                                                   */

typedef struct
{
  char     *uuid;         /* (nullable) in a document not yet defined */
  char     *usage_type;   /* (nullable): "iscsi", "ceph", "volume", "tls", "vtpm" */
  char     *usage_id;     /* (nullable): the target, name or volume path */
  char     *description;  /* (nullable) */
  gboolean  private_;
  gboolean  ephemeral;
} VireoSecretInfo;

void             vireo_secret_info_free          (VireoSecretInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoSecretInfo, vireo_secret_info_free)
VireoSecretInfo *vireo_secret_info_new_from_xml  (const char      *xml,
                                                  GError         **error);
char            *vireo_secret_xml                (const char      *usage_type,
                                                  const char      *usage_id,
                                                  const char      *description,
                                                  gboolean         private_);
gboolean         vireo_secret_validate_usage     (const char      *usage_type,
                                                  const char      *usage_id,
                                                  GError         **error);

G_END_DECLS
