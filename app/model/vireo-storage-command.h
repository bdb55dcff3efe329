/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The `virsh` lines equivalent to Vireo's storage actions, for students to
 * read and copy. Each word is quoted for a POSIX shell; nothing here is
 * ever run. @uri may be NULL (no -c).
 */

char *vireo_command_pool_define      (const char *uri,
                                      const char *xml_file);
char *vireo_command_pool_build       (const char *uri,
                                      const char *pool);
char *vireo_command_pool_start       (const char *uri,
                                      const char *pool);
char *vireo_command_pool_destroy     (const char *uri,
                                      const char *pool);
char *vireo_command_pool_refresh     (const char *uri,
                                      const char *pool);
char *vireo_command_pool_autostart   (const char *uri,
                                      const char *pool,
                                      gboolean    enable);
char *vireo_command_pool_delete      (const char *uri,
                                      const char *pool);
char *vireo_command_pool_undefine    (const char *uri,
                                      const char *pool);
char *vireo_command_vol_create_as    (const char *uri,
                                      const char *pool,
                                      const char *name,
                                      guint64     capacity,
                                      const char *format,
                                      guint64     allocation,
                                      const char *backing_vol,
                                      const char *backing_format);
char *vireo_command_vol_clone        (const char *uri,
                                      const char *pool,
                                      const char *volume,
                                      const char *new_name);
char *vireo_command_vol_resize       (const char *uri,
                                      const char *pool,
                                      const char *volume,
                                      guint64     capacity,
                                      gboolean    allocate);
char *vireo_command_vol_wipe         (const char *uri,
                                      const char *pool,
                                      const char *volume);
char *vireo_command_vol_delete       (const char *uri,
                                      const char *pool,
                                      const char *volume);
char *vireo_command_vol_upload       (const char *uri,
                                      const char *pool,
                                      const char *volume,
                                      const char *local_file);
char *vireo_command_vol_download     (const char *uri,
                                      const char *pool,
                                      const char *volume,
                                      const char *local_file);
char *vireo_command_secret_define    (const char *uri,
                                      const char *xml_file);
char *vireo_command_secret_set_value (const char *uri,
                                      const char *uuid,
                                      const char *value_file);
char *vireo_command_secret_undefine  (const char *uri,
                                      const char *uuid);

G_END_DECLS
