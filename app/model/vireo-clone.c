/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-clone"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libxml/tree.h>

#include "vireo-clone.h"
#include "vireo-command.h"
#include "vireo-disk.h"
#include "vireo-firmware.h"
#include "vireo-interface.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/*
 * What a clone changes, and why (checked against libvirt 9.0 and
 * virt-manager 4.1's virt-clone, which does the same for the parts it
 * has):
 *
 * - name and UUID must be unique on the host; an SMBIOS <sysinfo> that
 *   repeats the UUID must follow it, or libvirt refuses the definition;
 * - MAC addresses must be unique on a network; an interface's <target
 *   dev> names a host device only one machine can have;
 * - a graphics port fixed by number can be listened on by one machine;
 * - the NVRAM file holds one machine's UEFI variables: the clone gets its
 *   own file, named after it in the same folder as libvirt would name it,
 *   and the job copies the contents there;
 * - an emulated TPM's state lives in a folder named by UUID (so the new
 *   UUID is made here, before the job runs), and the job copies it;
 * - a disk is copied (a new volume, virStorageVolCreateXMLFrom: libvirt
 *   copies on the host, so it works the same over SSH), shared, or
 *   overlaid: a new qcow2 volume whose backing file is the original's
 *   image. An overlay is only safe while that image never changes again,
 *   so it is never the default.
 *
 * Copying needs the source as a volume of a pool (libvirt copies volumes,
 * not paths), and new volumes go into pools that hold files (dir, fs,
 * netfs), where a volume's path is the pool's folder plus its name.
 */

G_DEFINE_QUARK (vireo-clone-error-quark, vireo_clone_error)

#define NAME_MAX_BYTES 200
/* libvirt's dir pools name files after volumes: a file name's limit. */
#define VOLUME_NAME_MAX_BYTES 255

/* ------------------------------------------------------------------------ */
/* Pools and volumes                                                          */

/**
 * vireo_clone_volume_new:
 * @path: (nullable):
 * @format: (nullable):
 *
 * Returns: (transfer full):
 */
VireoCloneVolume *
vireo_clone_volume_new (const char *name,
                        const char *path,
                        const char *format,
                        guint64     capacity,
                        guint64     allocation)
{
  VireoCloneVolume *volume = g_new0 (VireoCloneVolume, 1);

  g_return_val_if_fail (name != NULL, NULL);

  volume->name = g_strdup (name);
  volume->path = g_strdup (path);
  volume->format = g_strdup (format);
  volume->capacity = capacity;
  volume->allocation = allocation;
  return volume;
}

static VireoCloneVolume *
clone_volume_copy (const VireoCloneVolume *volume)
{
  return vireo_clone_volume_new (volume->name, volume->path, volume->format, volume->capacity,
                                 volume->allocation);
}

void
vireo_clone_volume_free (VireoCloneVolume *volume)
{
  if (volume == NULL)
    return;
  g_free (volume->name);
  g_free (volume->path);
  g_free (volume->format);
  g_free (volume);
}

/**
 * vireo_clone_pool_new:
 * @target_path: (nullable):
 *
 * Returns: (transfer full): a pool without volumes; add them to its
 *   `volumes` array
 */
VireoClonePool *
vireo_clone_pool_new (const char *name,
                      const char *type,
                      const char *target_path,
                      gboolean    active)
{
  VireoClonePool *pool = g_new0 (VireoClonePool, 1);

  g_return_val_if_fail (name != NULL, NULL);

  pool->name = g_strdup (name);
  pool->type = g_strdup (type);
  pool->target_path = g_strdup (target_path);
  /* "/var/lib/libvirt/images/" and "/var/lib/libvirt/images" are one folder. */
  if (pool->target_path != NULL)
    {
      gsize len = strlen (pool->target_path);

      while (len > 1 && pool->target_path[len - 1] == '/')
        pool->target_path[--len] = '\0';
    }
  pool->active = active;
  pool->volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_clone_volume_free);
  return pool;
}

/** vireo_clone_pool_copy: Returns: (transfer full): */
VireoClonePool *
vireo_clone_pool_copy (const VireoClonePool *pool)
{
  VireoClonePool *copy;

  g_return_val_if_fail (pool != NULL, NULL);

  copy = vireo_clone_pool_new (pool->name, pool->type, pool->target_path, pool->active);
  for (guint i = 0; i < pool->volumes->len; i++)
    g_ptr_array_add (copy->volumes, clone_volume_copy (pool->volumes->pdata[i]));
  return copy;
}

static gpointer
pool_copy_func (gconstpointer pool,
                gpointer      unused)
{
  return vireo_clone_pool_copy (pool);
}

void
vireo_clone_pool_free (VireoClonePool *pool)
{
  if (pool == NULL)
    return;
  g_free (pool->name);
  g_free (pool->type);
  g_free (pool->target_path);
  g_clear_pointer (&pool->volumes, g_ptr_array_unref);
  g_free (pool);
}

/* A pool new volumes can go in, with a path the definition can name. */
static gboolean
pool_takes_files (const VireoClonePool *pool)
{
  static const char * const types[] = { "dir", "fs", "netfs", NULL };

  return pool != NULL && pool->active && pool->target_path != NULL && pool->type != NULL &&
         g_strv_contains (types, pool->type);
}

static const VireoClonePool *
find_pool (const VireoClonePlan *plan,
           const char           *name)
{
  for (guint i = 0; name != NULL && i < plan->pools->len; i++)
    {
      const VireoClonePool *pool = plan->pools->pdata[i];

      if (g_strcmp0 (pool->name, name) == 0)
        return pool;
    }
  return NULL;
}

static const VireoCloneVolume *
find_volume (const VireoClonePool *pool,
             const char           *name)
{
  for (guint i = 0; pool != NULL && name != NULL && i < pool->volumes->len; i++)
    {
      const VireoCloneVolume *volume = pool->volumes->pdata[i];

      if (g_strcmp0 (volume->name, name) == 0)
        return volume;
    }
  return NULL;
}

/* The pool and volume a path is, by the listing's paths first, then as a
 * file in a pool's folder (a file made after the last refresh). */
static gboolean
find_path (const VireoClonePlan     *plan,
           const char               *path,
           const VireoClonePool    **out_pool,
           const VireoCloneVolume  **out_volume,
           char                    **out_name)
{
  g_autofree char *dir = NULL;

  for (guint i = 0; i < plan->pools->len; i++)
    {
      const VireoClonePool *pool = plan->pools->pdata[i];

      for (guint j = 0; j < pool->volumes->len; j++)
        {
          const VireoCloneVolume *volume = pool->volumes->pdata[j];

          if (g_strcmp0 (volume->path, path) == 0)
            {
              *out_pool = pool;
              *out_volume = volume;
              *out_name = g_strdup (volume->name);
              return TRUE;
            }
        }
    }

  dir = g_path_get_dirname (path);
  for (guint i = 0; i < plan->pools->len; i++)
    {
      const VireoClonePool *pool = plan->pools->pdata[i];

      if (pool_takes_files (pool) && g_strcmp0 (pool->target_path, dir) == 0)
        {
          *out_pool = pool;
          *out_volume = NULL;
          *out_name = g_path_get_basename (path);
          return TRUE;
        }
    }
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */

static gboolean
name_error (GError     **error,
            const char  *message)
{
  g_set_error_literal (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_NAME, message);
  return FALSE;
}

/**
 * vireo_clone_name_validate:
 * @taken: (nullable) (array zero-terminated=1):
 *
 * Returns: %TRUE, or %FALSE with @error (%VIREO_CLONE_ERROR_NAME)
 */
gboolean
vireo_clone_name_validate (const char          *name,
                           const char * const  *taken,
                           GError             **error)
{
  gboolean digits = TRUE;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (name == NULL || *name == '\0')
    return name_error (error, _("Enter a name for the clone."));
  if (!g_utf8_validate (name, -1, NULL))
    return name_error (error, _("The name is not valid text."));
  if (strchr (name, '/') != NULL)
    return name_error (error, _("“/” cannot be part of a name."));
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        return name_error (error, _("Line breaks, tabs and other control characters cannot be part of a name."));
      digits = digits && g_unichar_isdigit (c);
    }
  if (g_unichar_isspace (g_utf8_get_char (name)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (name + strlen (name)))))
    return name_error (error, _("A name cannot start or end with a space."));
  if (digits)
    return name_error (error, _("A name of digits only reads as a machine’s ID in virsh; add a letter."));
  if (strlen (name) > NAME_MAX_BYTES)
    return name_error (error, _("The name is too long; libvirt names files after it. Use at most 200 letters."));
  if (taken != NULL && g_strv_contains (taken, name))
    {
      g_set_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_NAME,
                   /* Translators: %s is a virtual machine's name */
                   _("A machine called “%s” already exists on this host."), name);
      return FALSE;
    }
  return TRUE;
}

/* "x-clone" and "x-clone-7" are clones already: their clones are numbered,
 * not "x-clone-clone". Returns the base ("x") and the first number to try. */
static char *
clone_base (const char *source_name,
            guint      *first)
{
  const char *suffix = g_strrstr (source_name, "-clone");

  *first = 1;
  if (suffix == NULL || suffix == source_name)
    return g_strdup (source_name);
  if (suffix[6] == '\0')
    {
      *first = 2;
      return g_strndup (source_name, suffix - source_name);
    }
  if (suffix[6] == '-' && suffix[7] != '\0' && strspn (suffix + 7, "0123456789") == strlen (suffix + 7) &&
      suffix[7] != '0' && strlen (suffix + 7) < 9)
    {
      *first = (guint) g_ascii_strtoull (suffix + 7, NULL, 10) + 1;
      return g_strndup (source_name, suffix - source_name);
    }
  return g_strdup (source_name);
}

/**
 * vireo_clone_suggest_name:
 * @taken: (nullable) (array zero-terminated=1):
 *
 * Returns: (transfer full):
 */
char *
vireo_clone_suggest_name (const char         *source_name,
                          const char * const *taken)
{
  g_autofree char *base = NULL;
  guint n;

  g_return_val_if_fail (source_name != NULL, NULL);

  base = clone_base (source_name, &n);
  for (;; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup_printf ("%s-clone", base)
                                     : g_strdup_printf ("%s-clone-%u", base, n);

      if (g_strcmp0 (name, source_name) != 0 && (taken == NULL || !g_strv_contains (taken, name)))
        return g_steal_pointer (&name);
    }
}

/* ------------------------------------------------------------------------ */
/* The plan                                                                  */

static void
clone_disk_free (VireoCloneDisk *disk)
{
  if (disk == NULL)
    return;
  g_free (disk->target);
  g_free (disk->device);
  g_free (disk->source_type);
  g_free (disk->source_path);
  g_free (disk->source_pool);
  g_free (disk->source_volume);
  g_free (disk->format);
  for (guint i = 0; i < VIREO_CLONE_N_MODES; i++)
    g_free (disk->why_not[i]);
  g_free (disk->dest_pool);
  g_free (disk->dest_name);
  g_free (disk->dest_path);
  g_free (disk->dest_format);
  g_free (disk);
}

static gpointer
clone_disk_copy (gconstpointer data,
                 gpointer      unused)
{
  const VireoCloneDisk *disk = data;
  VireoCloneDisk *copy = g_new0 (VireoCloneDisk, 1);

  *copy = *disk;
  copy->target = g_strdup (disk->target);
  copy->device = g_strdup (disk->device);
  copy->source_type = g_strdup (disk->source_type);
  copy->source_path = g_strdup (disk->source_path);
  copy->source_pool = g_strdup (disk->source_pool);
  copy->source_volume = g_strdup (disk->source_volume);
  copy->format = g_strdup (disk->format);
  for (guint i = 0; i < VIREO_CLONE_N_MODES; i++)
    copy->why_not[i] = g_strdup (disk->why_not[i]);
  copy->dest_pool = g_strdup (disk->dest_pool);
  copy->dest_name = g_strdup (disk->dest_name);
  copy->dest_path = g_strdup (disk->dest_path);
  copy->dest_format = g_strdup (disk->dest_format);
  return copy;
}

void
vireo_clone_plan_free (VireoClonePlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->source_name);
  g_free (plan->source_uuid);
  g_free (plan->source_xml);
  g_free (plan->name);
  g_free (plan->uuid);
  g_strfreev (plan->macs);
  g_clear_pointer (&plan->disks, g_ptr_array_unref);
  g_free (plan->nvram_source);
  g_free (plan->nvram_path);
  g_free (plan->tpm_version);
  g_strfreev (plan->taken_names);
  g_clear_pointer (&plan->pools, g_ptr_array_unref);
  g_free (plan);
}

/** vireo_clone_plan_copy: Returns: (transfer full): */
VireoClonePlan *
vireo_clone_plan_copy (const VireoClonePlan *plan)
{
  VireoClonePlan *copy;

  g_return_val_if_fail (plan != NULL, NULL);

  copy = g_new0 (VireoClonePlan, 1);
  copy->source_name = g_strdup (plan->source_name);
  copy->source_uuid = g_strdup (plan->source_uuid);
  copy->source_xml = g_strdup (plan->source_xml);
  copy->source_state = plan->source_state;
  copy->name = g_strdup (plan->name);
  copy->uuid = g_strdup (plan->uuid);
  copy->macs = g_strdupv (plan->macs);
  copy->disks = g_ptr_array_copy (plan->disks, clone_disk_copy, NULL);
  g_ptr_array_set_free_func (copy->disks, (GDestroyNotify) clone_disk_free);
  copy->nvram_source = g_strdup (plan->nvram_source);
  copy->nvram_path = g_strdup (plan->nvram_path);
  copy->nvram_implicit = plan->nvram_implicit;
  copy->has_tpm = plan->has_tpm;
  copy->tpm_version = g_strdup (plan->tpm_version);
  copy->taken_names = g_strdupv (plan->taken_names);
  copy->pools = g_ptr_array_copy (plan->pools, pool_copy_func, NULL);
  g_ptr_array_set_free_func (copy->pools, (GDestroyNotify) vireo_clone_pool_free);
  return copy;
}

static gboolean
needs_volume (const VireoCloneDisk *disk)
{
  return disk->mode == VIREO_CLONE_MODE_COPY || disk->mode == VIREO_CLONE_MODE_OVERLAY;
}

/* The pool a new volume goes in when nobody chose: the source's own, so
 * the clone's disks sit beside the original's; else "default", as
 * virt-manager's; else the first that takes files. */
static const char *
default_dest_pool (const VireoClonePlan *plan,
                   const VireoCloneDisk *disk)
{
  const VireoClonePool *pool = find_pool (plan, disk->source_pool);

  if (pool_takes_files (pool))
    return pool->name;
  pool = find_pool (plan, "default");
  if (pool_takes_files (pool))
    return pool->name;
  for (guint i = 0; i < plan->pools->len; i++)
    if (pool_takes_files (plan->pools->pdata[i]))
      return ((VireoClonePool *) plan->pools->pdata[i])->name;
  return NULL;
}

/* ".qcow2" from "base.qcow2"; an extension is at most 7 characters, as
 * virt-clone reads one; else from the format. */
static char *
extension_for (const VireoCloneDisk *disk)
{
  g_autofree char *base = NULL;
  const char *dot;

  if (disk->mode == VIREO_CLONE_MODE_OVERLAY)
    return g_strdup (".qcow2");
  if (disk->source_volume != NULL)
    base = g_strdup (disk->source_volume);
  else if (disk->source_path != NULL)
    base = g_path_get_basename (disk->source_path);
  dot = base != NULL ? strrchr (base, '.') : NULL;
  if (dot != NULL && dot != base && dot[1] != '\0' && strlen (dot + 1) <= 7)
    {
      gboolean alnum = TRUE;

      for (const char *p = dot + 1; *p != '\0'; p++)
        alnum = alnum && g_ascii_isalnum (*p);
      if (alnum)
        return g_strdup (dot);
    }
  if (disk->dest_format == NULL || g_str_equal (disk->dest_format, "raw"))
    return g_strdup (".img");
  return g_strconcat (".", disk->dest_format, NULL);
}

static gboolean
volume_name_used (const VireoClonePlan *plan,
                  const VireoCloneDisk *except,
                  const char           *pool,
                  const char           *name)
{
  for (guint i = 0; i < plan->disks->len; i++)
    {
      const VireoCloneDisk *other = plan->disks->pdata[i];

      if (other != except && needs_volume (other) && other->dest_name != NULL &&
          g_strcmp0 (other->dest_pool, pool) == 0 && g_str_equal (other->dest_name, name))
        return TRUE;
    }
  return FALSE;
}

static void
update_dest_path (VireoCloneDisk       *disk,
                  const VireoClonePool *pool)
{
  g_clear_pointer (&disk->dest_path, g_free);
  if (needs_volume (disk) && pool != NULL && pool->target_path != NULL && disk->dest_name != NULL)
    disk->dest_path = g_build_filename (pool->target_path, disk->dest_name, NULL);
}

/* Suggested names for every new volume the user did not name, in disk
 * order: the n-th new volume starts at "<name>-n<ext>" ("<name><ext>" for
 * the first) and counts up past names its pool or an earlier disk has. */
static void
refresh_volume_names (VireoClonePlan *plan)
{
  guint k = 0;

  /* Names the user typed are theirs: suggestions go around them. */
  for (guint i = 0; i < plan->disks->len; i++)
    {
      VireoCloneDisk *disk = plan->disks->pdata[i];

      if (needs_volume (disk) && !disk->dest_name_set)
        g_clear_pointer (&disk->dest_name, g_free);
    }

  for (guint i = 0; i < plan->disks->len; i++)
    {
      VireoCloneDisk *disk = plan->disks->pdata[i];
      const VireoClonePool *pool;

      if (!needs_volume (disk))
        {
          g_clear_pointer (&disk->dest_name, g_free);
          g_clear_pointer (&disk->dest_path, g_free);
          disk->dest_name_set = FALSE;
          continue;
        }
      pool = find_pool (plan, disk->dest_pool);
      if (!disk->dest_name_set)
        {
          g_autofree char *ext = extension_for (disk);

          for (guint n = k;; n++)
            {
              g_autofree char *name = n == 0 ? g_strconcat (plan->name, ext, NULL)
                                             : g_strdup_printf ("%s-%u%s", plan->name, n, ext);

              if (find_volume (pool, name) == NULL && !volume_name_used (plan, disk, disk->dest_pool, name))
                {
                  disk->dest_name = g_steal_pointer (&name);
                  break;
                }
            }
        }
      update_dest_path (disk, pool);
      k++;
    }
}

/* The clone's NVRAM file: the original's folder, named after the clone
 * as libvirt names it ("<name>_VARS.fd"), keeping a different suffix
 * ("_VARS.qcow2") when the original's file has one. */
static void
refresh_nvram_path (VireoClonePlan *plan)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  const char *vars;

  g_clear_pointer (&plan->nvram_path, g_free);
  if (plan->nvram_source == NULL)
    return;
  dir = g_path_get_dirname (plan->nvram_source);
  base = g_path_get_basename (plan->nvram_source);
  vars = g_strrstr (base, "_VARS.");
  if (vars != NULL && strchr (vars + 6, '/') == NULL && vars[6] != '\0')
    {
      g_autofree char *file = g_strconcat (plan->name, vars, NULL);

      plan->nvram_path = g_build_filename (dir, file, NULL);
    }
  else
    {
      g_autofree char *file = g_strconcat (plan->name, "_VARS.fd", NULL);

      plan->nvram_path = g_build_filename (dir, file, NULL);
    }
}

static void
set_why_not (VireoCloneDisk *disk,
             VireoCloneMode  mode,
             char           *why)
{
  disk->allowed[mode] = FALSE;
  g_free (disk->why_not[mode]);
  disk->why_not[mode] = why;
}

/* What each mode needs of this disk, in the words a dialog shows. */
/* Formats libvirt 9.0 copies itself, reading the file: the others go
 * through `qemu-img convert`, which wants a lock the running QEMU of a
 * paused machine holds ("Failed to get shared "write" lock"). */
static gboolean
copied_by_libvirt (const VireoCloneDisk *disk)
{
  return disk->format == NULL || g_str_equal (disk->format, "raw") || g_str_equal (disk->format, "iso");
}

static void
judge_disk (const VireoClonePlan *plan,
            VireoCloneDisk       *disk)
{
  const char *t = disk->target != NULL ? disk->target : "?";
  gboolean local = disk->source_path != NULL &&
                   (g_strcmp0 (disk->source_type, "file") == 0 ||
                    g_strcmp0 (disk->source_type, "block") == 0 ||
                    g_strcmp0 (disk->source_type, "volume") == 0);
  gboolean has_dest = default_dest_pool (plan, disk) != NULL;

  for (guint i = 0; i < VIREO_CLONE_N_MODES; i++)
    disk->allowed[i] = TRUE;

  if (disk->empty)
    {
      /* Translators: %s is a disk's target, "sda" */
      set_why_not (disk, VIREO_CLONE_MODE_COPY, g_strdup_printf (_("%s has no media to copy."), t));
      set_why_not (disk, VIREO_CLONE_MODE_OVERLAY, g_strdup_printf (_("%s has no media to copy."), t));
      return;
    }
  if (g_strcmp0 (disk->device, "lun") == 0)
    {
      set_why_not (disk, VIREO_CLONE_MODE_COPY,
                   /* Translators: %s is a disk's target, "sda" */
                   g_strdup_printf (_("%s passes a host device through; the clone can only share it."), t));
      set_why_not (disk, VIREO_CLONE_MODE_OVERLAY,
                   g_strdup_printf (_("%s passes a host device through; the clone can only share it."), t));
      return;
    }

  /* COPY: libvirt copies volumes, so the source must be one. */
  if (g_strcmp0 (disk->source_type, "network") == 0)
    set_why_not (disk, VIREO_CLONE_MODE_COPY,
                 /* Translators: %s is a disk's target, "vda" */
                 g_strdup_printf (_("%s is a network disk, which libvirt cannot copy. Share it, or copy it "
                                    "with the storage system’s own tools."), t));
  else if (disk->source_pool == NULL || disk->source_volume == NULL)
    {
      g_autofree char *dir = disk->source_path != NULL ? g_path_get_dirname (disk->source_path) : NULL;

      if (g_strcmp0 (disk->source_type, "file") == 0 && dir != NULL)
        set_why_not (disk, VIREO_CLONE_MODE_COPY,
                     /* Translators: a path, then its folder */
                     g_strdup_printf (_("%s is in no storage pool, and libvirt copies only volumes of pools. "
                                        "Add a directory pool for %s (Host Details › Storage) to copy it, "
                                        "or share it, or overlay it."), disk->source_path, dir));
      else if (disk->source_path != NULL)
        set_why_not (disk, VIREO_CLONE_MODE_COPY,
                     /* Translators: %s is a block device's path */
                     g_strdup_printf (_("%s is in no storage pool, and libvirt copies only volumes of pools. "
                                        "Add a pool that holds it to copy it, or share it, or overlay it."),
                                      disk->source_path));
      else
        set_why_not (disk, VIREO_CLONE_MODE_COPY,
                     /* Translators: %s is a disk's target, "vda" */
                     g_strdup_printf (_("%s is not a volume of any storage pool on this host, so libvirt "
                                        "cannot copy it. Share it instead."), t));
    }
  else if (!has_dest)
    set_why_not (disk, VIREO_CLONE_MODE_COPY,
                 g_strdup (_("No active storage pool on this host holds files for the new volume. "
                             "Add or start a directory pool.")));
  else if (plan->source_state == VIREO_CLONE_SOURCE_PAUSED && !copied_by_libvirt (disk))
    set_why_not (disk, VIREO_CLONE_MODE_COPY,
                 /* Translators: a disk's target ("vda"), then an image format ("qcow2") */
                 g_strdup_printf (_("%s is a %s image the paused machine holds open, and libvirt copies "
                                    "those with qemu-img, which cannot read an image in use. Shut the "
                                    "machine down to copy it."), t, disk->format));

  /* OVERLAY: a qcow2 file whose backing file is the original's image,
   * which must be a local file or device, and one only this machine
   * writes to. */
  if (disk->removable || disk->readonly)
    set_why_not (disk, VIREO_CLONE_MODE_OVERLAY,
                 /* Translators: %s is a disk's target, "sda" */
                 g_strdup_printf (_("%s is read-only: the clone cannot change it either, so it shares it."), t));
  else if (disk->shareable)
    set_why_not (disk, VIREO_CLONE_MODE_OVERLAY,
                 /* Translators: %s is a disk's target, "vdb" */
                 g_strdup_printf (_("%s is shareable: other machines keep writing to it, which would "
                                    "corrupt an overlay on it."), t));
  else if (!local)
    set_why_not (disk, VIREO_CLONE_MODE_OVERLAY,
                 /* Translators: %s is a disk's target, "vda" */
                 g_strdup_printf (_("%s is not a file or device on the host, so an overlay has nothing "
                                    "to point at."), t));
  else if (!has_dest)
    set_why_not (disk, VIREO_CLONE_MODE_OVERLAY,
                 g_strdup (_("No active storage pool on this host holds files for the new volume. "
                             "Add or start a directory pool.")));
}

static char *
disk_source_path (VireoDisk *disk)
{
  g_autofree char *type = vireo_disk_dup_source_type (disk);

  if (g_strcmp0 (type, "file") == 0 || g_strcmp0 (type, "block") == 0)
    return vireo_disk_dup_source_path (disk);
  return NULL;
}

static VireoCloneDisk *
plan_disk (VireoClonePlan *plan,
           VireoDisk      *device)
{
  VireoCloneDisk *disk = g_new0 (VireoCloneDisk, 1);
  const VireoClonePool *pool = NULL;
  const VireoCloneVolume *volume = NULL;

  disk->target = vireo_disk_dup_target (device);
  disk->device = vireo_disk_dup_device (device);
  if (disk->device == NULL)
    disk->device = g_strdup ("disk");
  disk->source_type = vireo_disk_dup_source_type (device);
  if (disk->source_type == NULL)
    disk->source_type = g_strdup ("file");
  disk->format = vireo_disk_dup_format (device);
  disk->readonly = vireo_disk_get_readonly (device);
  disk->shareable = vireo_disk_get_shareable (device);
  disk->removable = g_strcmp0 (disk->device, "cdrom") == 0 || g_strcmp0 (disk->device, "floppy") == 0;

  if (g_str_equal (disk->source_type, "volume"))
    {
      disk->source_pool = vireo_disk_dup_source_pool (device);
      disk->source_volume = vireo_disk_dup_source_volume (device);
      disk->empty = disk->source_volume == NULL;
      pool = find_pool (plan, disk->source_pool);
      volume = find_volume (pool, disk->source_volume);
      if (volume != NULL)
        disk->source_path = g_strdup (volume->path);
    }
  else
    {
      disk->source_path = disk_source_path (device);
      if (g_str_equal (disk->source_type, "network"))
        {
          g_autofree char *protocol = NULL;

          /* A network disk has no path, but its <source> says it has media. */
          protocol = vireo_xml_get_child_prop (_vireo_device_get_node (VIREO_DEVICE (device)), "source", "protocol");
          disk->empty = protocol == NULL;
        }
      else
        disk->empty = disk->source_path == NULL;
      if (disk->source_path != NULL && find_path (plan, disk->source_path, &pool, &volume, &disk->source_volume))
        disk->source_pool = g_strdup (pool->name);
    }

  if (volume != NULL)
    {
      disk->capacity = volume->capacity;
      disk->allocation = volume->allocation;
      if (disk->format == NULL)
        disk->format = g_strdup (volume->format);
    }

  judge_disk (plan, disk);
  if (!disk->readonly && !disk->shareable && !disk->removable && disk->allowed[VIREO_CLONE_MODE_COPY])
    disk->mode = VIREO_CLONE_MODE_COPY;
  else
    disk->mode = VIREO_CLONE_MODE_SHARE;
  return disk;
}

/* Sets the destination of a disk that now makes a volume. */
static void
prepare_dest (VireoClonePlan *plan,
              VireoCloneDisk *disk)
{
  if (!needs_volume (disk))
    {
      g_clear_pointer (&disk->dest_pool, g_free);
      g_clear_pointer (&disk->dest_format, g_free);
      return;
    }
  if (disk->dest_pool == NULL)
    disk->dest_pool = g_strdup (default_dest_pool (plan, disk));
  g_free (disk->dest_format);
  if (disk->mode == VIREO_CLONE_MODE_OVERLAY)
    disk->dest_format = g_strdup ("qcow2");
  else
    disk->dest_format = g_strdup (disk->format != NULL ? disk->format : "raw");
}

static char *
new_mac (GPtrArray *used)
{
  for (;;)
    {
      g_autofree char *mac = vireo_interface_generate_mac ();
      gboolean clash = FALSE;

      for (guint i = 0; i < used->len && !clash; i++)
        clash = g_ascii_strcasecmp (used->pdata[i], mac) == 0;
      if (!clash)
        return g_steal_pointer (&mac);
    }
}

/* The emulated TPM, if any: <tpm><backend type='emulator' version=…>. */
static void
read_tpm (VireoClonePlan *plan,
          xmlNodePtr      devices)
{
  for (xmlNodePtr n = vireo_xml_child (devices, "tpm"); n != NULL; n = vireo_xml_next_sibling (n, "tpm"))
    {
      xmlNodePtr backend = vireo_xml_child (n, "backend");
      g_autofree char *type = vireo_xml_get_prop (backend, "type");

      if (g_strcmp0 (type, "emulator") == 0)
        {
          plan->has_tpm = TRUE;
          plan->tpm_version = vireo_xml_get_prop (backend, "version");
          return;
        }
    }
}

/* <nvram>PATH</nvram>, or libvirt 9.0's <nvram type='file'><source file=…/>. */
static xmlNodePtr
nvram_node (xmlNodePtr root)
{
  return vireo_xml_child (vireo_xml_child (root, "os"), "nvram");
}

static char *
read_nvram_path (xmlNodePtr nvram)
{
  g_autofree char *type = vireo_xml_get_prop (nvram, "type");
  g_autofree char *text = NULL;

  if (nvram == NULL)
    return NULL;
  if (vireo_xml_child (nvram, "source") != NULL)
    return g_strcmp0 (type, "file") == 0 || type == NULL
           ? vireo_xml_get_child_prop (nvram, "source", "file") : NULL;
  text = vireo_xml_get_text (nvram);
  if (text != NULL)
    g_strstrip (text);
  return text != NULL && *text != '\0' ? g_steal_pointer (&text) : NULL;
}

/**
 * vireo_clone_plan_new:
 * @name: (nullable):
 * @taken_names: (nullable) (array zero-terminated=1):
 * @pools: (nullable) (element-type VireoClonePool):
 *
 * Returns: (transfer full): the plan with its defaults
 */
VireoClonePlan *
vireo_clone_plan_new (VireoDomainConfig     *source,
                      VireoCloneSourceState  state,
                      const char            *name,
                      const char * const    *taken_names,
                      GPtrArray             *pools)
{
  g_autoptr(GListModel) devices = NULL;
  g_autoptr(GPtrArray) used_macs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) macs = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) taken = g_strv_builder_new ();
  xmlNodePtr root;
  VireoClonePlan *plan;
  guint n;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (source), NULL);

  plan = g_new0 (VireoClonePlan, 1);
  plan->source_name = g_strdup (vireo_domain_config_get_name (source));
  plan->source_uuid = g_strdup (vireo_domain_config_get_uuid (source));
  plan->source_xml = vireo_domain_config_to_xml (source);
  plan->source_state = state;
  plan->uuid = g_uuid_string_random ();

  /* The source's own name is taken, whether or not the caller said so. */
  if (taken_names != NULL)
    g_strv_builder_addv (taken, (const char **) taken_names);
  if (plan->source_name != NULL && (taken_names == NULL || !g_strv_contains (taken_names, plan->source_name)))
    g_strv_builder_add (taken, plan->source_name);
  plan->taken_names = g_strv_builder_end (taken);

  plan->pools = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_clone_pool_free);
  for (guint i = 0; pools != NULL && i < pools->len; i++)
    g_ptr_array_add (plan->pools, vireo_clone_pool_copy (pools->pdata[i]));

  plan->name = name != NULL ? g_strdup (name)
                            : vireo_clone_suggest_name (plan->source_name != NULL ? plan->source_name : "machine",
                                                        (const char * const *) plan->taken_names);

  plan->disks = g_ptr_array_new_with_free_func ((GDestroyNotify) clone_disk_free);
  devices = vireo_domain_config_list_devices (source);
  n = g_list_model_get_n_items (devices);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);

      if (VIREO_IS_DISK (device))
        {
          VireoCloneDisk *disk = plan_disk (plan, VIREO_DISK (device));

          prepare_dest (plan, disk);
          g_ptr_array_add (plan->disks, disk);
        }
      else if (VIREO_IS_INTERFACE (device))
        {
          char *mac = vireo_interface_dup_mac (VIREO_INTERFACE (device));

          if (mac != NULL)
            g_ptr_array_add (used_macs, mac);
        }
    }
  /* Every card gets a new address, unlike any of the original's. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);

      if (VIREO_IS_INTERFACE (device))
        {
          char *mac = new_mac (used_macs);

          g_ptr_array_add (used_macs, mac);
          g_ptr_array_add (macs, g_strdup (mac));
        }
    }
  g_ptr_array_add (macs, NULL);
  plan->macs = (GStrv) g_ptr_array_free (g_steal_pointer (&macs), FALSE);

  root = xmlDocGetRootElement (_vireo_domain_config_get_doc (source));
  plan->nvram_source = read_nvram_path (nvram_node (root));
  if (nvram_node (root) == NULL)
    {
      g_autoptr(VireoFirmwareInfo) firmware = vireo_firmware_get_info (source);
      g_autofree char *stateless =
        vireo_xml_get_child_prop (vireo_xml_child (root, "os"), "loader", "stateless");

      plan->nvram_implicit = g_strcmp0 (firmware->firmware, "efi") == 0 && g_strcmp0 (stateless, "yes") != 0;
    }
  read_tpm (plan, vireo_xml_child (root, "devices"));

  refresh_volume_names (plan);
  refresh_nvram_path (plan);
  return plan;
}

/**
 * vireo_clone_plan_set_name:
 */
void
vireo_clone_plan_set_name (VireoClonePlan *plan,
                           const char     *name)
{
  g_return_if_fail (plan != NULL);
  g_return_if_fail (name != NULL);

  if (g_strcmp0 (plan->name, name) == 0)
    return;
  g_free (plan->name);
  plan->name = g_strdup (name);
  refresh_volume_names (plan);
  refresh_nvram_path (plan);
}

static VireoCloneDisk *
disk_at (const VireoClonePlan *plan,
         guint                 index)
{
  return index < plan->disks->len ? plan->disks->pdata[index] : NULL;
}

/**
 * vireo_clone_plan_set_mode:
 *
 * Returns: %TRUE, or %FALSE with @error (%VIREO_CLONE_ERROR_MODE)
 */
gboolean
vireo_clone_plan_set_mode (VireoClonePlan  *plan,
                           guint            index,
                           VireoCloneMode   mode,
                           GError         **error)
{
  VireoCloneDisk *disk;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (mode < VIREO_CLONE_N_MODES, FALSE);
  g_return_val_if_fail ((disk = disk_at (plan, index)) != NULL, FALSE);

  if (!disk->allowed[mode])
    {
      g_set_error_literal (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_MODE, disk->why_not[mode]);
      return FALSE;
    }
  if (disk->mode == mode)
    return TRUE;
  disk->mode = mode;
  prepare_dest (plan, disk);
  refresh_volume_names (plan);
  return TRUE;
}

static gboolean pool_error (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
pool_error (GError     **error,
            const char  *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_POOL, message);
  return FALSE;
}

/* Why @name cannot take a new volume, or NULL. */
static gboolean
check_dest_pool (const VireoClonePlan  *plan,
                 const char            *name,
                 GError               **error)
{
  const VireoClonePool *pool = find_pool (plan, name);

  if (name == NULL)
    {
      g_set_error_literal (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_POOL,
                           _("Choose a storage pool for the new volume."));
      return FALSE;
    }
  if (pool == NULL)
    /* Translators: %s is a storage pool's name */
    return pool_error (error, _("There is no storage pool called “%s” on this host."), name);
  if (!pool->active)
    /* Translators: %s is a storage pool's name */
    return pool_error (error, _("The storage pool “%s” is not active: start it first."), name);
  if (!pool_takes_files (pool))
    /* Translators: %s is a storage pool's name */
    return pool_error (error, _("The storage pool “%s” does not hold image files; choose a directory pool."),
                       name);
  return TRUE;
}

/**
 * vireo_clone_plan_set_pool:
 *
 * Returns: %TRUE, or %FALSE with @error (%VIREO_CLONE_ERROR_POOL)
 */
gboolean
vireo_clone_plan_set_pool (VireoClonePlan  *plan,
                           guint            index,
                           const char      *pool,
                           GError         **error)
{
  VireoCloneDisk *disk;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail ((disk = disk_at (plan, index)) != NULL, FALSE);

  if (!check_dest_pool (plan, pool, error))
    return FALSE;
  g_free (disk->dest_pool);
  disk->dest_pool = g_strdup (pool);
  refresh_volume_names (plan);
  return TRUE;
}

/**
 * vireo_clone_plan_set_volume_name:
 * @name: (nullable):
 */
void
vireo_clone_plan_set_volume_name (VireoClonePlan *plan,
                                  guint           index,
                                  const char     *name)
{
  VireoCloneDisk *disk;

  g_return_if_fail (plan != NULL);
  g_return_if_fail ((disk = disk_at (plan, index)) != NULL);

  g_free (disk->dest_name);
  disk->dest_name = NULL;
  disk->dest_name_set = name != NULL && *name != '\0' && needs_volume (disk);
  if (disk->dest_name_set)
    disk->dest_name = g_strdup (name);
  refresh_volume_names (plan);
}

static gboolean volume_name_error (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
volume_name_error (GError     **error,
                   const char  *format,
                   ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_VOLUME_NAME, message);
  return FALSE;
}

static gboolean
check_volume_name (const VireoClonePlan  *plan,
                   const VireoCloneDisk  *disk,
                   GError               **error)
{
  const char *t = disk->target != NULL ? disk->target : "?";
  const char *name = disk->dest_name;

  if (name == NULL || *name == '\0')
    {
      g_set_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_VOLUME_NAME,
                   /* Translators: %s is a disk's target, "vda" */
                   _("Enter a name for the new volume of %s."), t);
      return FALSE;
    }
  /* A dir pool makes a file of that name in its folder. */
  if (!g_utf8_validate (name, -1, NULL) || strchr (name, '/') != NULL || name[0] == '.' ||
      strlen (name) > VOLUME_NAME_MAX_BYTES)
    /* Translators: a disk's target ("vda"), then a volume name */
    return volume_name_error (error, _("%s: “%s” cannot be a volume’s name: it becomes a file name, so no “/”, "
                                       "no leading “.”, and at most 255 bytes."), t, name);
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return volume_name_error (error, _("%s: “%s” cannot be a volume’s name: it becomes a file name, so no “/”, "
                                         "no leading “.”, and at most 255 bytes."), t, name);
  if (find_volume (find_pool (plan, disk->dest_pool), name) != NULL)
    {
      g_set_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_VOLUME_NAME,
                   /* Translators: a disk's target ("vda"), a volume name, then a pool name */
                   _("%1$s: the pool “%3$s” has a volume called “%2$s” already."), t, name, disk->dest_pool);
      return FALSE;
    }
  if (volume_name_used (plan, disk, disk->dest_pool, name))
    /* Translators: a disk's target ("vda"), then a volume name */
    return volume_name_error (error, _("%s: another disk of the clone is to be called “%s” too."), t, name);
  return TRUE;
}

/**
 * vireo_clone_plan_validate:
 *
 * Returns: %TRUE, or %FALSE with @error (#VireoCloneError)
 */
gboolean
vireo_clone_plan_validate (const VireoClonePlan  *plan,
                           GError               **error)
{
  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (plan->source_state == VIREO_CLONE_SOURCE_RUNNING)
    {
      g_set_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_STATE,
                   /* Translators: %s is a virtual machine's name */
                   _("“%s” is running. Shut it down, or pause it, to clone it."), plan->source_name);
      return FALSE;
    }
  if (!vireo_clone_name_validate (plan->name, (const char * const *) plan->taken_names, error))
    return FALSE;

  for (guint i = 0; i < plan->disks->len; i++)
    {
      const VireoCloneDisk *disk = plan->disks->pdata[i];

      if (!disk->allowed[disk->mode])
        {
          g_set_error_literal (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_MODE, disk->why_not[disk->mode]);
          return FALSE;
        }
      if (!needs_volume (disk))
        continue;
      if (!check_dest_pool (plan, disk->dest_pool, error))
        {
          g_prefix_error (error, "%s: ", disk->target != NULL ? disk->target : "?");
          return FALSE;
        }
      if (!check_volume_name (plan, disk, error))
        return FALSE;
    }

  if (plan->nvram_path != NULL)
    {
      g_autofree char *name = NULL;
      const VireoClonePool *pool = NULL;
      const VireoCloneVolume *volume = NULL;

      if (find_path (plan, plan->nvram_path, &pool, &volume, &name) &&
          find_volume (pool, name) != NULL)
        {
          g_set_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_NAME,
                       /* Translators: %s is a file's path */
                       _("The clone’s NVRAM file %s exists already, left by another machine of that name. "
                         "Choose another name, or delete the file."), plan->nvram_path);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * vireo_clone_plan_dup_warnings:
 *
 * Returns: (transfer full): translated sentences, possibly none
 */
GStrv
vireo_clone_plan_dup_warnings (const VireoClonePlan *plan)
{
  g_autoptr(GStrvBuilder) warnings = g_strv_builder_new ();

  g_return_val_if_fail (plan != NULL, NULL);

  if (plan->source_state == VIREO_CLONE_SOURCE_PAUSED)
    {
      g_autofree char *warning =
        /* Translators: %s is a virtual machine's name */
        g_strdup_printf (_("“%s” is paused: its disks are copied as the host has them, without what the "
                           "guest has not written yet, so the clone starts as after a power cut. Shut it "
                           "down first for a clean copy."), plan->source_name);
      g_strv_builder_add (warnings, warning);
    }
  for (guint i = 0; i < plan->disks->len; i++)
    {
      const VireoCloneDisk *disk = plan->disks->pdata[i];
      const char *t = disk->target != NULL ? disk->target : "?";
      g_autofree char *warning = NULL;

      if (disk->mode == VIREO_CLONE_MODE_OVERLAY)
        warning =
          /* Translators: a disk's target ("vda"), a path, then a machine's name */
          g_strdup_printf (_("%s of the clone is an overlay on %s: that image must never change again, or the "
                             "clone’s disk breaks. Do not start “%s” again, or make it a template."),
                           t, disk->source_path, plan->source_name);
      else if (disk->mode == VIREO_CLONE_MODE_SHARE && !disk->empty && !disk->readonly && !disk->shareable &&
               !disk->removable)
        warning =
          /* Translators: a disk's target ("vda") */
          g_strdup_printf (_("%s is shared by both machines and neither knows: only one of them can run at a "
                             "time."), t);
      if (warning != NULL)
        g_strv_builder_add (warnings, warning);
    }
  return g_strv_builder_end (warnings);
}

/* ------------------------------------------------------------------------ */
/* The clone's definition                                                    */

/* Removes what only a running machine's XML has, and what names the
 * original: an alias libvirt gave the device (a user's "ua-" alias is
 * part of the definition), and a NIC's host device name. */
static void
strip_device (xmlNodePtr node)
{
  xmlNodePtr alias = vireo_xml_child (node, "alias");
  g_autofree char *alias_name = vireo_xml_get_prop (alias, "name");

  if (alias != NULL && (alias_name == NULL || !g_str_has_prefix (alias_name, "ua-")))
    vireo_xml_remove (alias);
}

static void
reset_graphics (xmlNodePtr node)
{
  static const char * const ports[] = { "port", "tlsPort", "websocket" };
  gboolean fixed = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      g_autofree char *value = vireo_xml_get_prop (node, ports[i]);

      if (value != NULL && !g_str_equal (value, "-1"))
        {
          vireo_xml_set_prop (node, ports[i], "-1");
          fixed = TRUE;
        }
    }
  if (fixed)
    vireo_xml_set_prop (node, "autoport", "yes");
}

/* An agent's socket named after the original (or its channel) would be
 * bound by both machines; without a path libvirt makes one per machine. */
static void
reset_channel (xmlNodePtr  node,
               const char *source_name)
{
  g_autofree char *type = vireo_xml_get_prop (node, "type");
  xmlNodePtr source = vireo_xml_child (node, "source");
  g_autofree char *path = vireo_xml_get_prop (source, "path");
  g_autofree char *target = vireo_xml_get_child_prop (node, "target", "name");

  if (g_strcmp0 (type, "unix") != 0 || path == NULL)
    return;
  if ((target != NULL && strstr (path, target) != NULL) ||
      (source_name != NULL && strstr (path, source_name) != NULL))
    vireo_xml_set_prop (source, "path", NULL);
}

/* A dynamic label is made at each start: the one in the XML was the
 * original's. */
static void
reset_seclabels (xmlNodePtr root)
{
  for (xmlNodePtr n = vireo_xml_child (root, "seclabel"); n != NULL; n = vireo_xml_next_sibling (n, "seclabel"))
    {
      g_autofree char *type = vireo_xml_get_prop (n, "type");

      if (g_strcmp0 (type, "dynamic") != 0)
        continue;
      vireo_xml_remove (vireo_xml_child (n, "label"));
      vireo_xml_remove (vireo_xml_child (n, "imagelabel"));
    }
}

static void
replace_sysinfo_uuid (xmlNodePtr  root,
                      const char *old_uuid,
                      const char *new_uuid)
{
  for (xmlNodePtr sysinfo = vireo_xml_child (root, "sysinfo"); sysinfo != NULL;
       sysinfo = vireo_xml_next_sibling (sysinfo, "sysinfo"))
    {
      xmlNodePtr system = vireo_xml_child (sysinfo, "system");

      for (xmlNodePtr entry = vireo_xml_child (system, "entry"); entry != NULL;
           entry = vireo_xml_next_sibling (entry, "entry"))
        {
          g_autofree char *name = vireo_xml_get_prop (entry, "name");
          g_autofree char *value = vireo_xml_get_text (entry);

          if (g_strcmp0 (name, "uuid") == 0 && value != NULL && old_uuid != NULL &&
              g_ascii_strcasecmp (g_strstrip (value), old_uuid) == 0)
            vireo_xml_set_text (entry, new_uuid);
        }
    }
}

static void
switch_disk (VireoDisk            *device,
             const VireoCloneDisk *disk)
{
  xmlNodePtr node = _vireo_device_get_node (VIREO_DEVICE (device));

  if (g_strcmp0 (disk->source_type, "volume") == 0)
    vireo_disk_set_source_volume (device, disk->dest_pool, disk->dest_name);
  else
    vireo_disk_set_source_file (device, disk->dest_path);
  vireo_disk_set_format (device, disk->dest_format);
  /* A copy is a whole image, an overlay's chain is read from its header:
   * a <backingStore> given for the original would be wrong for either. */
  vireo_xml_remove (vireo_xml_child (node, "backingStore"));
}

/**
 * vireo_clone_plan_build_xml:
 *
 * Returns: (transfer full): the clone's `<domain>`, or %NULL with @error
 */
char *
vireo_clone_plan_build_xml (const VireoClonePlan  *plan,
                            GError               **error)
{
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GListModel) devices = NULL;
  g_autoptr(GError) local = NULL;
  xmlNodePtr root;
  xmlNodePtr nvram;
  guint disk_index = 0;
  guint mac_index = 0;
  guint n;

  g_return_val_if_fail (plan != NULL, NULL);

  if (!vireo_clone_plan_validate (plan, error))
    return NULL;
  config = vireo_domain_config_new_from_xml (plan->source_xml, &local);
  if (config == NULL)
    {
      g_set_error_literal (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_PARSE, local->message);
      return NULL;
    }

  root = xmlDocGetRootElement (_vireo_domain_config_get_doc (config));
  vireo_xml_set_prop (root, "id", NULL);
  vireo_domain_config_set_name (config, plan->name);
  vireo_xml_set_child_text (root, "uuid", plan->uuid);
  replace_sysinfo_uuid (root, plan->source_uuid, plan->uuid);
  vireo_domain_config_set_title (config, NULL);
  reset_seclabels (root);

  nvram = nvram_node (root);
  if (nvram != NULL && plan->nvram_path != NULL)
    {
      if (vireo_xml_child (nvram, "source") != NULL)
        vireo_xml_set_child_prop (nvram, "source", "file", plan->nvram_path);
      else
        vireo_xml_set_text (nvram, plan->nvram_path);
    }

  devices = vireo_domain_config_list_devices (config);
  n = g_list_model_get_n_items (devices);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      xmlNodePtr node = _vireo_device_get_node (device);
      const char *element = vireo_device_get_element_name (device);

      strip_device (node);
      if (VIREO_IS_DISK (device))
        {
          const VireoCloneDisk *disk = disk_at (plan, disk_index++);
          g_autofree char *target = vireo_disk_dup_target (VIREO_DISK (device));

          if (disk == NULL || g_strcmp0 (disk->target, target) != 0)
            {
              g_set_error_literal (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_PARSE,
                                   _("The plan’s disks are not the machine’s disks."));
              return NULL;
            }
          if (needs_volume (disk))
            switch_disk (VIREO_DISK (device), disk);
        }
      else if (VIREO_IS_INTERFACE (device))
        {
          if (plan->macs[mac_index] == NULL)
            {
              g_set_error_literal (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_PARSE,
                                   _("The plan’s network cards are not the machine’s cards."));
              return NULL;
            }
          vireo_interface_set_mac (VIREO_INTERFACE (device), plan->macs[mac_index++]);
          vireo_xml_remove (vireo_xml_child (node, "target"));
        }
      else if (g_strcmp0 (element, "graphics") == 0)
        reset_graphics (node);
      else if (g_strcmp0 (element, "channel") == 0)
        reset_channel (node, plan->source_name);
    }
  if (disk_index != plan->disks->len || plan->macs[mac_index] != NULL)
    {
      g_set_error_literal (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_PARSE,
                           _("The plan’s devices are not the machine’s devices."));
      return NULL;
    }
  return vireo_domain_config_to_xml (config);
}

/**
 * vireo_clone_disk_dup_volume_xml:
 *
 * Returns: (transfer full): a `<volume>` document
 */
char *
vireo_clone_disk_dup_volume_xml (const VireoCloneDisk *disk,
                                 guint64               capacity)
{
  xmlDocPtr doc;
  xmlNodePtr root, node, target;
  g_autofree char *bytes = NULL;
  xmlChar *out = NULL;
  int len = 0;
  char *xml;

  g_return_val_if_fail (disk != NULL, NULL);
  g_return_val_if_fail (disk->dest_name != NULL && disk->dest_format != NULL, NULL);

  doc = xmlNewDoc (BAD_CAST "1.0");
  root = xmlNewDocNode (doc, NULL, BAD_CAST "volume", NULL);
  xmlDocSetRootElement (doc, root);
  xmlNewTextChild (root, NULL, BAD_CAST "name", BAD_CAST disk->dest_name);
  bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, capacity);
  node = xmlNewTextChild (root, NULL, BAD_CAST "capacity", BAD_CAST bytes);
  xmlNewProp (node, BAD_CAST "unit", BAD_CAST "bytes");
  node = xmlNewTextChild (root, NULL, BAD_CAST "allocation", BAD_CAST "0");
  xmlNewProp (node, BAD_CAST "unit", BAD_CAST "bytes");
  target = xmlNewChild (root, NULL, BAD_CAST "target", NULL);
  node = xmlNewChild (target, NULL, BAD_CAST "format", NULL);
  xmlNewProp (node, BAD_CAST "type", BAD_CAST disk->dest_format);
  if (disk->mode == VIREO_CLONE_MODE_OVERLAY && disk->source_path != NULL)
    {
      xmlNodePtr backing = xmlNewChild (root, NULL, BAD_CAST "backingStore", NULL);

      xmlNewTextChild (backing, NULL, BAD_CAST "path", BAD_CAST disk->source_path);
      node = xmlNewChild (backing, NULL, BAD_CAST "format", NULL);
      xmlNewProp (node, BAD_CAST "type", BAD_CAST (disk->format != NULL ? disk->format : "raw"));
    }

  xmlDocDumpFormatMemoryEnc (doc, &out, &len, "UTF-8", 1);
  xmlFreeDoc (doc);
  /* libvirt wants the element, not an XML declaration in front of it. */
  xml = g_strdup (strstr ((const char *) out, "<volume"));
  xmlFree (out);
  return xml;
}

/* ------------------------------------------------------------------------ */
/* virt-clone                                                                */

/* What virt-clone 4.1 does with a disk when not told: it shares one that
 * is empty, read-only (every CD-ROM) or shareable, and copies the rest. */
static gboolean
virt_clone_copies (const VireoCloneDisk *disk)
{
  return !disk->empty && !disk->readonly && !disk->shareable;
}

static void
add_word (GString    *line,
          const char *word)
{
  g_autofree char *quoted = vireo_command_quote (word);

  g_string_append_c (line, ' ');
  g_string_append (line, quoted);
}

static void
add_option (GString    *line,
            const char *option,
            const char *value)
{
  add_word (line, option);
  add_word (line, value);
}

/* A comment is text for people: no line break may end it early. */
static void
add_comment (GString    *text,
             const char *comment)
{
  g_autofree char *flat = g_strdup (comment);

  g_strdelimit (flat, "\r\n", ' ');
  g_string_append_printf (text, "# %s\n", flat);
}

static gboolean
nvram_in_pool (const VireoClonePlan *plan)
{
  g_autofree char *name = NULL;
  const VireoClonePool *pool = NULL;
  const VireoCloneVolume *volume = NULL;

  return find_path (plan, plan->nvram_source, &pool, &volume, &name) && find_volume (pool, name) != NULL;
}

/**
 * vireo_clone_plan_dup_command:
 * @uri: (nullable):
 *
 * Returns: (transfer full): comment lines, then the virt-clone line
 */
char *
vireo_clone_plan_dup_command (const VireoClonePlan *plan,
                              const char           *uri)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) line = g_string_new ("virt-clone");

  g_return_val_if_fail (plan != NULL, NULL);

  if (plan->source_state != VIREO_CLONE_SOURCE_SHUT_OFF)
    {
      g_autofree char *comment =
        /* Translators: %s is a virtual machine's name; this is a shell comment */
        g_strdup_printf (_("virt-clone only clones a machine that is shut off: shut “%s” down first."),
                         plan->source_name);
      add_comment (text, comment);
    }
  for (guint i = 0; i < plan->disks->len; i++)
    {
      const VireoCloneDisk *disk = plan->disks->pdata[i];

      if (disk->mode == VIREO_CLONE_MODE_OVERLAY)
        {
          g_autofree char *comment =
            /* Translators: a disk's target, a volume, a pool, then the image it overlays; a shell comment */
            g_strdup_printf (_("%s: virt-clone has no linked overlays, so this line shares the disk; "
                               "Vireo makes %s in pool %s on top of %s instead."),
                             disk->target, disk->dest_name, disk->dest_pool, disk->source_path);
          add_comment (text, comment);
        }
    }
  if (plan->nvram_implicit || (plan->nvram_source != NULL && !nvram_in_pool (plan)))
    add_comment (text, _("virt-clone leaves the UEFI variables behind (it copies an NVRAM file only when it "
                         "is a pool’s volume): its clone starts with the firmware’s defaults."));
  if (plan->has_tpm)
    add_comment (text, _("virt-clone does not copy the TPM’s state: its clone starts with an empty TPM."));

  if (uri != NULL)
    add_option (line, "--connect", uri);
  add_option (line, "--original", plan->source_name);
  add_option (line, "--name", plan->name);
  for (guint i = 0; i < plan->disks->len; i++)
    {
      const VireoCloneDisk *disk = plan->disks->pdata[i];
      gboolean copy = disk->mode == VIREO_CLONE_MODE_COPY;
      g_autofree char *word = NULL;

      if (copy == virt_clone_copies (disk) || disk->target == NULL)
        continue;
      word = g_strconcat (copy ? "--force-copy=" : "--skip-copy=", disk->target, NULL);
      add_word (line, word);
    }
  for (guint i = 0; i < plan->disks->len; i++)
    {
      const VireoCloneDisk *disk = plan->disks->pdata[i];

      if (disk->mode == VIREO_CLONE_MODE_COPY && disk->dest_path != NULL)
        add_option (line, "--file", disk->dest_path);
    }
  if (plan->nvram_path != NULL)
    add_option (line, "--nvram", plan->nvram_path);

  g_string_append (text, line->str);
  return g_string_free (g_steal_pointer (&text), FALSE);
}
