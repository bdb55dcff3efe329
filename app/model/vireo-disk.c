/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-disk"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-disk.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/* A <disk>: storage, CD-ROM, floppy or LUN. */
struct _VireoDisk
{
  VireoDevice parent_instance;
};

G_DEFINE_FINAL_TYPE (VireoDisk, vireo_disk, VIREO_TYPE_DEVICE)

#define NODE(self) _vireo_device_get_node (VIREO_DEVICE (self))

static gboolean
same (const char *a,
      const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

/* Sets @prop of @child (or of the disk itself when @child is NULL), and
 * tells the config only when something really changed. */
static void
set_value (VireoDisk  *self,
           const char *child,
           const char *prop,
           const char *value)
{
  xmlNodePtr node = NODE (self);
  g_autofree char *old = NULL;

  g_return_if_fail (node != NULL);

  old = child != NULL ? vireo_xml_get_child_prop (node, child, prop) : vireo_xml_get_prop (node, prop);
  if (same (old, value))
    return;
  if (child != NULL)
    vireo_xml_set_child_prop (node, child, prop, value);
  else
    vireo_xml_set_prop (node, prop, value);
  _vireo_device_changed (VIREO_DEVICE (self));
}

static char *
vireo_disk_dup_title (VireoDevice *device)
{
  VireoDisk *self = VIREO_DISK (device);
  g_autofree char *kind = vireo_disk_dup_device (self);
  g_autofree char *target = vireo_disk_dup_target (self);
  const char *what;

  if (same (kind, "cdrom"))
    what = _("CD-ROM");
  else if (same (kind, "floppy"))
    what = _("Floppy");
  else if (same (kind, "lun"))
    what = _("LUN");
  else
    what = _("Disk");
  /* Translators: a disk and its guest device name, e.g. "Disk vda" */
  return target != NULL ? g_strdup_printf (_("%s %s"), what, target) : g_strdup (what);
}

static void
vireo_disk_class_init (VireoDiskClass *klass)
{
  VIREO_DEVICE_CLASS (klass)->dup_title = vireo_disk_dup_title;
}

static void
vireo_disk_init (VireoDisk *self)
{
}

char *
vireo_disk_dup_device (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);
  return vireo_xml_get_prop (NODE (self), "device");
}

void
vireo_disk_set_device (VireoDisk  *self,
                       const char *device)
{
  g_return_if_fail (VIREO_IS_DISK (self));
  set_value (self, NULL, "device", device);
}

char *
vireo_disk_dup_target (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);
  return vireo_xml_get_child_prop (NODE (self), "target", "dev");
}

void
vireo_disk_set_target (VireoDisk  *self,
                       const char *dev)
{
  g_return_if_fail (VIREO_IS_DISK (self));
  set_value (self, "target", "dev", dev);
}

char *
vireo_disk_dup_bus (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);
  return vireo_xml_get_child_prop (NODE (self), "target", "bus");
}

void
vireo_disk_set_bus (VireoDisk  *self,
                    const char *bus)
{
  g_return_if_fail (VIREO_IS_DISK (self));
  set_value (self, "target", "bus", bus);
}

char *
vireo_disk_dup_source_type (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);
  return vireo_xml_get_prop (NODE (self), "type");
}

/* The file, block device or directory, whichever the source type uses. */
char *
vireo_disk_dup_source_path (VireoDisk *self)
{
  xmlNodePtr source;
  char *path;

  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);

  source = vireo_xml_child (NODE (self), "source");
  if ((path = vireo_xml_get_prop (source, "file")) != NULL
      || (path = vireo_xml_get_prop (source, "dev")) != NULL
      || (path = vireo_xml_get_prop (source, "dir")) != NULL)
    return path;
  return NULL;
}

char *
vireo_disk_dup_source_pool (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);
  return vireo_xml_get_child_prop (NODE (self), "source", "pool");
}

char *
vireo_disk_dup_source_volume (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);
  return vireo_xml_get_child_prop (NODE (self), "source", "volume");
}

/* Points <source> at one thing of one kind. What else <source> holds that
 * belongs to the same kind (a <seclabel>, say) stays; the attributes of
 * the kind it was before go. */
static void
set_source (VireoDisk   *self,
            const char  *type,
            const char **names,
            const char **values)
{
  static const char *kind_attrs[] = { "file", "dev", "dir", "pool", "volume", "protocol", "name", NULL };
  xmlNodePtr node = NODE (self);
  g_autofree char *old_type = vireo_xml_get_prop (node, "type");
  xmlNodePtr source;
  gboolean changed = !same (old_type, type);

  if (values[0] == NULL)
    {
      /* No media: a CD-ROM with nothing inserted has no <source> at all,
       * and an empty network drive is not a thing libvirt knows; an empty
       * drive of the asked kind is. */
      source = vireo_xml_child (node, "source");
      if (source == NULL && !changed)
        return;
      vireo_xml_remove (source);
      if (changed)
        vireo_xml_set_prop (node, "type", type);
      _vireo_device_changed (VIREO_DEVICE (self));
      return;
    }

  /* Another kind of source: what the old <source> said (hosts, auth,
   * query, timeouts) means nothing to the new one. */
  if (changed)
    vireo_xml_remove (vireo_xml_child (node, "source"));
  source = vireo_xml_ensure_child (node, "source");
  for (guint i = 0; kind_attrs[i] != NULL; i++)
    {
      gboolean wanted = g_strv_contains (names, kind_attrs[i]);
      g_autofree char *old = vireo_xml_get_prop (source, kind_attrs[i]);

      if (!wanted && old != NULL)
        {
          vireo_xml_set_prop (source, kind_attrs[i], NULL);
          changed = TRUE;
        }
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *old = vireo_xml_get_prop (source, names[i]);

      if (!same (old, values[i]))
        {
          vireo_xml_set_prop (source, names[i], values[i]);
          changed = TRUE;
        }
    }
  if (!same (old_type, type))
    vireo_xml_set_prop (node, "type", type);
  if (changed)
    _vireo_device_changed (VIREO_DEVICE (self));
}

/**
 * vireo_disk_set_source_file:
 * @path: (nullable): an image file, or %NULL to eject the media
 */
void
vireo_disk_set_source_file (VireoDisk  *self,
                            const char *path)
{
  const char *names[] = { "file", NULL };
  const char *values[] = { path, NULL };

  g_return_if_fail (VIREO_IS_DISK (self));
  set_source (self, "file", names, values);
}

void
vireo_disk_set_source_block (VireoDisk  *self,
                             const char *dev)
{
  const char *names[] = { "dev", NULL };
  const char *values[] = { dev, NULL };

  g_return_if_fail (VIREO_IS_DISK (self));
  set_source (self, "block", names, values);
}

void
vireo_disk_set_source_volume (VireoDisk  *self,
                              const char *pool,
                              const char *volume)
{
  const char *names[] = { "pool", "volume", NULL };
  const char *values[] = { pool, volume, NULL };

  g_return_if_fail (VIREO_IS_DISK (self));
  g_return_if_fail ((pool == NULL) == (volume == NULL));
  set_source (self, "volume", names, values);
}

char *
vireo_disk_dup_format (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);
  return vireo_xml_get_child_prop (NODE (self), "driver", "type");
}

void
vireo_disk_set_format (VireoDisk  *self,
                       const char *format)
{
  g_return_if_fail (VIREO_IS_DISK (self));
  set_value (self, "driver", "type", format);
}

char *
vireo_disk_dup_cache (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);
  return vireo_xml_get_child_prop (NODE (self), "driver", "cache");
}

void
vireo_disk_set_cache (VireoDisk  *self,
                      const char *cache)
{
  g_return_if_fail (VIREO_IS_DISK (self));
  set_value (self, "driver", "cache", cache);
}

char *
vireo_disk_dup_io (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);
  return vireo_xml_get_child_prop (NODE (self), "driver", "io");
}

void
vireo_disk_set_io (VireoDisk  *self,
                   const char *io)
{
  g_return_if_fail (VIREO_IS_DISK (self));
  set_value (self, "driver", "io", io);
}

char *
vireo_disk_dup_discard (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);
  return vireo_xml_get_child_prop (NODE (self), "driver", "discard");
}

void
vireo_disk_set_discard (VireoDisk  *self,
                        const char *discard)
{
  g_return_if_fail (VIREO_IS_DISK (self));
  set_value (self, "driver", "discard", discard);
}

static void
set_flag (VireoDisk  *self,
          const char *child,
          gboolean    present)
{
  xmlNodePtr node = NODE (self);

  g_return_if_fail (node != NULL);
  if (vireo_xml_has_child (node, child) == !!present)
    return;
  vireo_xml_set_flag_child (node, child, present);
  _vireo_device_changed (VIREO_DEVICE (self));
}

gboolean
vireo_disk_get_readonly (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), FALSE);
  return vireo_xml_has_child (NODE (self), "readonly");
}

void
vireo_disk_set_readonly (VireoDisk *self,
                         gboolean   readonly)
{
  g_return_if_fail (VIREO_IS_DISK (self));
  set_flag (self, "readonly", readonly);
}

gboolean
vireo_disk_get_shareable (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), FALSE);
  return vireo_xml_has_child (NODE (self), "shareable");
}

void
vireo_disk_set_shareable (VireoDisk *self,
                          gboolean   shareable)
{
  g_return_if_fail (VIREO_IS_DISK (self));
  set_flag (self, "shareable", shareable);
}

gboolean
vireo_disk_get_removable (VireoDisk *self)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (VIREO_IS_DISK (self), FALSE);
  value = vireo_xml_get_child_prop (NODE (self), "target", "removable");
  return same (value, "on");
}

void
vireo_disk_set_removable (VireoDisk *self,
                          gboolean   removable)
{
  g_return_if_fail (VIREO_IS_DISK (self));
  set_value (self, "target", "removable", removable ? "on" : NULL);
}

char *
vireo_disk_dup_serial (VireoDisk *self)
{
  g_return_val_if_fail (VIREO_IS_DISK (self), NULL);
  return vireo_xml_get_child_text (NODE (self), "serial");
}

void
vireo_disk_set_serial (VireoDisk  *self,
                       const char *serial)
{
  g_autofree char *old = NULL;

  g_return_if_fail (VIREO_IS_DISK (self));
  old = vireo_disk_dup_serial (self);
  if (same (old, serial))
    return;
  vireo_xml_set_child_text (NODE (self), "serial", serial);
  _vireo_device_changed (VIREO_DEVICE (self));
}

/* A drive whose media comes and goes: CD-ROM and floppy. */
gboolean
vireo_disk_is_removable_media (VireoDisk *self)
{
  g_autofree char *device = NULL;

  g_return_val_if_fail (VIREO_IS_DISK (self), FALSE);
  device = vireo_disk_dup_device (self);
  return g_strcmp0 (device, "cdrom") == 0 || g_strcmp0 (device, "floppy") == 0;
}
