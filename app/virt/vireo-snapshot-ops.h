/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-domain.h"
#include "vireo-snapshot.h"

G_BEGIN_DECLS

/*
 * A machine's snapshots through libvirt, each call a GTask on the
 * connection's ops worker (vireo_connection_run), results as plain data
 * (app/model/vireo-snapshot.h). Errors are VIREO_VIRT_ERROR with libvirt's
 * words; a snapshot that is gone is VIREO_VIRT_ERROR_NO_DOMAIN_SNAPSHOT
 * (add it to vireo-virt-error.h, mapped from VIR_ERR_NO_DOMAIN_SNAPSHOT).
 */

typedef enum
{
  VIREO_SNAPSHOT_DELETE_ONE,            /* the snapshot; its children move up to its parent */
  VIREO_SNAPSHOT_DELETE_TREE,           /* the snapshot and everything under it (CHILDREN) */
  VIREO_SNAPSHOT_DELETE_METADATA_ONLY,  /* libvirt forgets it; the images keep the data */
} VireoSnapshotDeleteMode;

typedef enum /*< flags >*/
{
  VIREO_SNAPSHOT_REVERT_DEFAULT = 0,    /* the state the snapshot recorded */
  VIREO_SNAPSHOT_REVERT_RUNNING = 1 << 0,
  VIREO_SNAPSHOT_REVERT_PAUSED  = 1 << 1,
  VIREO_SNAPSHOT_REVERT_FORCE   = 1 << 2,  /* libvirt's FORCE: when it says the revert is risky */
} VireoSnapshotRevertFlags;

/* Every snapshot of the machine with `current` set, oldest first
 * (`virsh snapshot-list --tree`). (element-type VireoSnapshotInfo) */
void        vireo_domain_list_snapshots_async    (VireoDomain              *self,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
GPtrArray  *vireo_domain_list_snapshots_finish   (VireoDomain              *self,
                                                  GAsyncResult             *result,
                                                  GError                  **error);

/* Creates from a document made by vireo_snapshot_build_xml(); @disk_only
 * adds DISK_ONLY (external, no memory), and ATOMIC is always asked.
 * Returns the new snapshot's name. A failed external snapshot leaves no
 * overlay file behind that it made. */
void        vireo_domain_create_snapshot_async   (VireoDomain              *self,
                                                  const char               *xml,
                                                  gboolean                  disk_only,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
char       *vireo_domain_create_snapshot_finish  (VireoDomain              *self,
                                                  GAsyncResult             *result,
                                                  GError                  **error);

void        vireo_domain_revert_snapshot_async   (VireoDomain              *self,
                                                  const char               *name,
                                                  VireoSnapshotRevertFlags  flags,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
gboolean    vireo_domain_revert_snapshot_finish  (VireoDomain              *self,
                                                  GAsyncResult             *result,
                                                  GError                  **error);

void        vireo_domain_delete_snapshot_async   (VireoDomain              *self,
                                                  const char               *name,
                                                  VireoSnapshotDeleteMode   mode,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
gboolean    vireo_domain_delete_snapshot_finish  (VireoDomain              *self,
                                                  GAsyncResult             *result,
                                                  GError                  **error);

/* Progress of a long delete, on the main thread: @fraction from 0 to 1.
 * Until the first call the amount is unknown (a pulse). */
typedef void (*VireoSnapshotProgressFunc) (double   fraction,
                                           gpointer user_data);

/* vireo_domain_delete_snapshot_async() with progress: deleting an
 * external snapshot merges each overlay into the image below it (a block
 * commit inside virDomainSnapshotDelete), which a thread of its own
 * follows with virDomainGetBlockJobInfo on the snapshot's disks. Only on
 * local connections (see vireo-save-restore.c on queries beside a long
 * call over a network link) and only for external snapshots; otherwise
 * @progress is never called. @progress_notify frees @progress_data on the
 * main thread once no more calls come. Finish with
 * vireo_domain_delete_snapshot_finish(). */
void        vireo_domain_delete_snapshot_with_progress_async (VireoDomain               *self,
                                                              const char                *name,
                                                              VireoSnapshotDeleteMode    mode,
                                                              VireoSnapshotProgressFunc  progress,
                                                              gpointer                   progress_data,
                                                              GDestroyNotify             progress_notify,
                                                              GCancellable              *cancellable,
                                                              GAsyncReadyCallback        callback,
                                                              gpointer                   user_data);

/* Who else reads one of @files: another machine's disk (its source and
 * backing chain: from the live definition of a running machine, else the
 * inactive one, each image's backing file followed through the storage
 * pools' volumes and, on a local connection, the qcow2 header), or a
 * snapshot of another machine (vireo_snapshot_dup_needed_files()). The
 * machine itself is left out: its own snapshots' chain is libvirt's. */
typedef struct
{
  char *path;      /* which of the files */
  char *machine;   /* the other machine's name */
  char *snapshot;  /* (nullable) the snapshot of it that needs @path; NULL: its disks */
} VireoSnapshotFileUser;

void        vireo_snapshot_file_user_free        (VireoSnapshotFileUser     *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoSnapshotFileUser, vireo_snapshot_file_user_free)

void        vireo_domain_find_file_users_async   (VireoDomain              *self,
                                                  const char * const       *files,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
/* (element-type VireoSnapshotFileUser) (transfer container): empty when none */
GPtrArray  *vireo_domain_find_file_users_finish  (VireoDomain              *self,
                                                  GAsyncResult             *result,
                                                  GError                  **error);

/* Free space where a memory file would go (@folder, absolute, on the
 * host): the active storage pool whose target path holds it, refreshed
 * first; failing that, on a local QEMU connection, statvfs of the nearest
 * folder of it that exists; else unknown. Never measures this computer
 * for a remote host or the test driver's made-up paths. */
void                vireo_domain_snapshot_space_async  (VireoDomain         *self,
                                                        const char          *folder,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
VireoSnapshotSpace *vireo_domain_snapshot_space_finish (VireoDomain         *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Redefines a snapshot from @xml (REDEFINE, and REDEFINE_CURRENT when it
 * is the current one), e.g. after vireo_snapshot_xml_set_description(). */
void        vireo_domain_redefine_snapshot_async (VireoDomain              *self,
                                                  const char               *xml,
                                                  gboolean                  current,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
gboolean    vireo_domain_redefine_snapshot_finish (VireoDomain             *self,
                                                   GAsyncResult            *result,
                                                   GError                 **error);

/* A picture of the running machine's first screen (virDomainScreenshot
 * through a stream), scaled to fit @max_width × @max_height and encoded as
 * PNG, for a snapshot's thumbnail. Not running, or a driver without
 * screenshots: VIREO_VIRT_ERROR_NOT_SUPPORTED or OPERATION_INVALID. */
void        vireo_domain_screenshot_async        (VireoDomain              *self,
                                                  guint                     max_width,
                                                  guint                     max_height,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
GBytes     *vireo_domain_screenshot_finish       (VireoDomain              *self,
                                                  GAsyncResult             *result,
                                                  GError                  **error);

G_END_DECLS
