/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-device.h"

G_BEGIN_DECLS

#define VIREO_TYPE_GRAPHICS (vireo_graphics_get_type ())
G_DECLARE_FINAL_TYPE (VireoGraphics, vireo_graphics, VIREO, GRAPHICS, VireoDevice)

char     *vireo_graphics_dup_type        (VireoGraphics *self);
char     *vireo_graphics_dup_listen_type (VireoGraphics *self);
char     *vireo_graphics_dup_listen_address (VireoGraphics *self);
void      vireo_graphics_set_listen      (VireoGraphics *self,
                                          const char    *type,
                                          const char    *address);
int       vireo_graphics_get_port        (VireoGraphics *self);
void      vireo_graphics_set_port        (VireoGraphics *self,
                                          int            port);
gboolean  vireo_graphics_get_has_password (VireoGraphics *self);
void      vireo_graphics_set_password    (VireoGraphics *self,
                                          const char    *password);
gboolean  vireo_graphics_get_gl          (VireoGraphics *self);
void      vireo_graphics_set_gl          (VireoGraphics *self,
                                          gboolean       gl);

G_END_DECLS
