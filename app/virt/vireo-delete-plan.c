/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-delete-plan"

#include "config.h"

#include "vireo-delete-plan.h"

struct _VireoDeletePlan
{
  gatomicrefcount  ref_count;
  char            *uuid;
  char            *name;
  GArray          *disks;   /* of VireoDeleteDisk */
};

G_DEFINE_BOXED_TYPE (VireoDeletePlan, vireo_delete_plan,
                     vireo_delete_plan_ref, vireo_delete_plan_unref)

static void
clear_disk (gpointer data)
{
  VireoDeleteDisk *disk = data;

  g_free (disk->target);
  g_free (disk->device);
  g_free (disk->path);
  g_free (disk->volume_key);
  g_free (disk->reason_kept);
}

VireoDeletePlan *
vireo_delete_plan_new (const char *uuid,
                       const char *name)
{
  VireoDeletePlan *self = g_new0 (VireoDeletePlan, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->uuid = g_strdup (uuid);
  self->name = g_strdup (name);
  self->disks = g_array_new (FALSE, TRUE, sizeof (VireoDeleteDisk));
  g_array_set_clear_func (self->disks, clear_disk);
  return self;
}

VireoDeletePlan *
vireo_delete_plan_ref (VireoDeletePlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
vireo_delete_plan_unref (VireoDeletePlan *self)
{
  /* NULL-safe: plans are collected into arrays with gaps for failures. */
  if (self == NULL)
    return;

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_array_unref (self->disks);
  g_free (self->uuid);
  g_free (self->name);
  g_free (self);
}

const char *
vireo_delete_plan_get_uuid (VireoDeletePlan *self)
{
  return self->uuid;
}

const char *
vireo_delete_plan_get_name (VireoDeletePlan *self)
{
  return self->name;
}

guint
vireo_delete_plan_get_n_disks (VireoDeletePlan *self)
{
  return self->disks->len;
}

VireoDeleteDisk *
vireo_delete_plan_get_disk (VireoDeletePlan *self,
                            guint            index)
{
  g_return_val_if_fail (index < self->disks->len, NULL);
  return &g_array_index (self->disks, VireoDeleteDisk, index);
}

/**
 * vireo_delete_plan_add_disk:
 * @reason_kept: (nullable): why this disk's storage must stay; %NULL makes
 *   it deletable, and selected by default for ordinary disks (not CD-ROMs)
 */
void
vireo_delete_plan_add_disk (VireoDeletePlan *self,
                            const char      *target,
                            const char      *device,
                            const char      *path,
                            const char      *volume_key,
                            const char      *reason_kept)
{
  VireoDeleteDisk disk = {
    .target = g_strdup (target),
    .device = g_strdup (device),
    .path = g_strdup (path),
    .volume_key = g_strdup (volume_key),
    .reason_kept = g_strdup (reason_kept),
    .delete_storage = reason_kept == NULL && g_strcmp0 (device, "disk") == 0,
  };

  g_array_append_val (self->disks, disk);
}

/**
 * vireo_delete_plan_dup_selected_targets:
 *
 * Returns: (transfer full): targets whose storage will be deleted.
 */
char **
vireo_delete_plan_dup_selected_targets (VireoDeletePlan *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->disks->len; i++)
    {
      VireoDeleteDisk *disk = &g_array_index (self->disks, VireoDeleteDisk, i);
      if (disk->delete_storage && disk->reason_kept == NULL)
        g_strv_builder_add (builder, disk->target);
    }
  return g_strv_builder_end (builder);
}
