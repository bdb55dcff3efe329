/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-connection.h"
#include "vireo-lookup.h"
#include "vireo-storage-config.h"

G_BEGIN_DECLS

/*
 * Managing storage: pools, volumes and secrets. Every call runs on the
 * connection's ops worker and comes back as plain data; volume uploads and
 * downloads run on a thread of their own (VireoVolumeTransfer). Listing
 * pools and volumes is vireo_connection_list_pools_async() in vireo-lookup.
 */

typedef enum
{
  VIREO_POOL_ACTION_START,
  VIREO_POOL_ACTION_STOP,
  VIREO_POOL_ACTION_REFRESH,
  VIREO_POOL_ACTION_AUTOSTART_ON,
  VIREO_POOL_ACTION_AUTOSTART_OFF,
  VIREO_POOL_ACTION_BUILD,
  VIREO_POOL_ACTION_UNDEFINE,
} VireoPoolAction;

/* One source virConnectFindStoragePoolSources found. */
typedef struct
{
  char  *xml;          /* the <source> element, to paste into a pool */
  char  *host;         /* (nullable) */
  char  *dir;          /* (nullable): an NFS export */
  GStrv  devices;      /* (nullable): device paths, or an iSCSI IQN */
  char  *name;         /* (nullable): a volume group */
  char  *format;       /* (nullable) */
} VireoPoolSource;

void vireo_pool_source_free (VireoPoolSource *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoPoolSource, vireo_pool_source_free)
GPtrArray *vireo_pool_sources_parse (const char  *xml,
                                     GError     **error);

void           vireo_connection_get_pool_caps_async    (VireoConnection     *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
VireoPoolCaps *vireo_connection_get_pool_caps_finish   (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

void       vireo_connection_pool_action_async          (VireoConnection     *self,
                                                        const char          *name,
                                                        VireoPoolAction      action,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean   vireo_connection_pool_action_finish         (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void       vireo_connection_delete_pool_async          (VireoConnection     *self,
                                                        const char          *name,
                                                        gboolean             with_volumes,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean   vireo_connection_delete_pool_finish         (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void       vireo_connection_define_pool_async          (VireoConnection     *self,
                                                        const char          *xml,
                                                        gboolean             build,
                                                        gboolean             start,
                                                        gboolean             autostart,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
char      *vireo_connection_define_pool_finish         (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void       vireo_connection_find_pool_sources_async    (VireoConnection     *self,
                                                        const char          *type,
                                                        const char          *host,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray *vireo_connection_find_pool_sources_finish   (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* vireo_connection_create_volume_async() (vireo-lookup) makes a sparse
 * volume from a name and a size; this one takes a whole document. */
void             vireo_connection_create_volume_xml_async  (VireoConnection     *self,
                                                            const char          *pool,
                                                            const char          *xml,
                                                            const char          *clone_from,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
VireoVolumeInfo *vireo_connection_create_volume_xml_finish (VireoConnection     *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
void       vireo_connection_resize_volume_async        (VireoConnection     *self,
                                                        const char          *pool,
                                                        const char          *volume,
                                                        guint64              capacity,
                                                        gboolean             allocate,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean   vireo_connection_resize_volume_finish       (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void       vireo_connection_wipe_volume_async          (VireoConnection     *self,
                                                        const char          *pool,
                                                        const char          *volume,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean   vireo_connection_wipe_volume_finish         (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void       vireo_connection_delete_volume_async        (VireoConnection     *self,
                                                        const char          *pool,
                                                        const char          *volume,
                                                        gboolean             force,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean   vireo_connection_delete_volume_finish       (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Secrets: list as VireoSecretInfo; values are never read back. */
void       vireo_connection_list_secrets_async         (VireoConnection     *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray *vireo_connection_list_secrets_finish        (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void       vireo_connection_define_secret_async        (VireoConnection     *self,
                                                        const char          *xml,
                                                        GBytes              *value,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
char      *vireo_connection_define_secret_finish       (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void       vireo_connection_set_secret_value_async     (VireoConnection     *self,
                                                        const char          *uuid,
                                                        GBytes              *value,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean   vireo_connection_set_secret_value_finish    (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void       vireo_connection_undefine_secret_async      (VireoConnection     *self,
                                                        const char          *uuid,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean   vireo_connection_undefine_secret_finish     (VireoConnection     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* ------------------------------------------------------------------------ */
/* Upload and download                                                       */

typedef enum
{
  VIREO_VOLUME_TRANSFER_UPLOAD,    /* local file -> volume */
  VIREO_VOLUME_TRANSFER_DOWNLOAD,  /* volume -> local file */
} VireoVolumeTransferDirection;

#define VIREO_TYPE_VOLUME_TRANSFER (vireo_volume_transfer_get_type ())
G_DECLARE_FINAL_TYPE (VireoVolumeTransfer, vireo_volume_transfer, VIREO, VOLUME_TRANSFER, GObject)

/* Properties (main thread, notified as the bytes go): "fraction" (double),
 * "bytes-done" (guint64), "bytes-total" (guint64, 0 until known), "running"
 * (boolean). */
VireoVolumeTransfer *vireo_volume_transfer_new        (VireoConnection              *connection,
                                                       VireoVolumeTransferDirection  direction,
                                                       const char                   *pool,
                                                       const char                   *volume,
                                                       GFile                        *file);
void                 vireo_volume_transfer_run_async  (VireoVolumeTransfer          *self,
                                                       GCancellable                 *cancellable,
                                                       GAsyncReadyCallback           callback,
                                                       gpointer                      user_data);
gboolean             vireo_volume_transfer_run_finish (VireoVolumeTransfer          *self,
                                                       GAsyncResult                 *result,
                                                       GError                      **error);
void                 vireo_volume_transfer_cancel     (VireoVolumeTransfer          *self);
VireoVolumeTransferDirection vireo_volume_transfer_get_direction (VireoVolumeTransfer *self);
const char          *vireo_volume_transfer_get_pool   (VireoVolumeTransfer          *self);
const char          *vireo_volume_transfer_get_volume (VireoVolumeTransfer          *self);
GFile               *vireo_volume_transfer_get_file   (VireoVolumeTransfer          *self);
double               vireo_volume_transfer_get_fraction (VireoVolumeTransfer        *self);
guint64              vireo_volume_transfer_get_bytes_done (VireoVolumeTransfer      *self);
guint64              vireo_volume_transfer_get_bytes_total (VireoVolumeTransfer     *self);
gboolean             vireo_volume_transfer_get_running (VireoVolumeTransfer         *self);

G_END_DECLS
