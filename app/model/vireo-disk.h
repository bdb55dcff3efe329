/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-device.h"

G_BEGIN_DECLS

#define VIREO_TYPE_DISK (vireo_disk_get_type ())
G_DECLARE_FINAL_TYPE (VireoDisk, vireo_disk, VIREO, DISK, VireoDevice)

/* Every getter returns a new string or %NULL when the XML does not say;
 * every setter takes %NULL to remove the value (libvirt's default then). */
char     *vireo_disk_dup_device       (VireoDisk  *self);
void      vireo_disk_set_device       (VireoDisk  *self,
                                       const char *device);
char     *vireo_disk_dup_target       (VireoDisk  *self);
void      vireo_disk_set_target       (VireoDisk  *self,
                                       const char *dev);
char     *vireo_disk_dup_bus          (VireoDisk  *self);
void      vireo_disk_set_bus          (VireoDisk  *self,
                                       const char *bus);
char     *vireo_disk_dup_source_type  (VireoDisk  *self);
char     *vireo_disk_dup_source_path  (VireoDisk  *self);
char     *vireo_disk_dup_source_pool  (VireoDisk  *self);
char     *vireo_disk_dup_source_volume (VireoDisk *self);
void      vireo_disk_set_source_file  (VireoDisk  *self,
                                       const char *path);
void      vireo_disk_set_source_block (VireoDisk  *self,
                                       const char *dev);
void      vireo_disk_set_source_volume (VireoDisk *self,
                                        const char *pool,
                                        const char *volume);
char     *vireo_disk_dup_format       (VireoDisk  *self);
void      vireo_disk_set_format       (VireoDisk  *self,
                                       const char *format);
char     *vireo_disk_dup_cache        (VireoDisk  *self);
void      vireo_disk_set_cache        (VireoDisk  *self,
                                       const char *cache);
char     *vireo_disk_dup_io           (VireoDisk  *self);
void      vireo_disk_set_io           (VireoDisk  *self,
                                       const char *io);
char     *vireo_disk_dup_discard      (VireoDisk  *self);
void      vireo_disk_set_discard      (VireoDisk  *self,
                                       const char *discard);
gboolean  vireo_disk_get_readonly     (VireoDisk  *self);
void      vireo_disk_set_readonly     (VireoDisk  *self,
                                       gboolean    readonly);
gboolean  vireo_disk_get_shareable    (VireoDisk  *self);
void      vireo_disk_set_shareable    (VireoDisk  *self,
                                       gboolean    shareable);
gboolean  vireo_disk_get_removable    (VireoDisk  *self);
void      vireo_disk_set_removable    (VireoDisk  *self,
                                       gboolean    removable);
char     *vireo_disk_dup_serial       (VireoDisk  *self);
gboolean  vireo_disk_is_removable_media (VireoDisk *self);
void      vireo_disk_set_serial       (VireoDisk  *self,
                                       const char *serial);

G_END_DECLS
