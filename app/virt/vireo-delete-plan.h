/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * What deleting one VM will do to each of its disks. Built on the worker from
 * the inactive XML, the storage pools and every other VM's disks; the UI only
 * flips `delete_storage` on entries whose `reason_kept` is NULL.
 */
typedef struct
{
  char     *target;        /* "vda" */
  char     *device;        /* "disk", "cdrom", ... */
  char     *path;          /* what the user recognises; may be pool/volume */
  char     *volume_key;    /* storage volume key, NULL when not a volume */
  char     *reason_kept;   /* why Vireo will not delete it, or NULL */
  gboolean  delete_storage;
} VireoDeleteDisk;

typedef struct _VireoDeletePlan VireoDeletePlan;

#define VIREO_TYPE_DELETE_PLAN (vireo_delete_plan_get_type ())

GType            vireo_delete_plan_get_type    (void) G_GNUC_CONST;
VireoDeletePlan *vireo_delete_plan_new         (const char      *uuid,
                                                const char      *name);
VireoDeletePlan *vireo_delete_plan_ref         (VireoDeletePlan *self);
void             vireo_delete_plan_unref       (VireoDeletePlan *self);
const char      *vireo_delete_plan_get_uuid    (VireoDeletePlan *self);
const char      *vireo_delete_plan_get_name    (VireoDeletePlan *self);
guint            vireo_delete_plan_get_n_disks (VireoDeletePlan *self);
VireoDeleteDisk *vireo_delete_plan_get_disk    (VireoDeletePlan *self,
                                                guint            index);
void             vireo_delete_plan_add_disk    (VireoDeletePlan *self,
                                                const char      *target,
                                                const char      *device,
                                                const char      *path,
                                                const char      *volume_key,
                                                const char      *reason_kept);
char           **vireo_delete_plan_dup_selected_targets (VireoDeletePlan *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoDeletePlan, vireo_delete_plan_unref)

G_END_DECLS
