/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gdk/gdk.h>

G_BEGIN_DECLS

#define VIREO_TYPE_FRAMEBUFFER (vireo_framebuffer_get_type ())
G_DECLARE_FINAL_TYPE (VireoFramebuffer, vireo_framebuffer, VIREO, FRAMEBUFFER, GObject)

/*
 * A guest screen in host memory: 32-bit pixels, blue in the lowest byte
 * (BGRX), the fourth byte never read. The display protocol writes into
 * vireo_framebuffer_get_data() and reports what it wrote with
 * vireo_framebuffer_damage(); the widget draws the screen as tiles of
 * VIREO_FRAMEBUFFER_TILE_SIZE, each a texture that changes only when
 * something in it did.
 */

#define VIREO_FRAMEBUFFER_TILE_SIZE 256

VireoFramebuffer *vireo_framebuffer_new          (int               width,
                                                  int               height);
int               vireo_framebuffer_get_width    (VireoFramebuffer *self);
int               vireo_framebuffer_get_height   (VireoFramebuffer *self);
gsize             vireo_framebuffer_get_stride   (VireoFramebuffer *self);
guint8           *vireo_framebuffer_get_data     (VireoFramebuffer *self);
void              vireo_framebuffer_damage       (VireoFramebuffer *self,
                                                  int               x,
                                                  int               y,
                                                  int               width,
                                                  int               height);
gboolean          vireo_framebuffer_has_damage   (VireoFramebuffer *self);
void              vireo_framebuffer_set_texture_format (VireoFramebuffer *self,
                                                        GdkMemoryFormat   format);
void              vireo_framebuffer_update       (VireoFramebuffer *self);
guint             vireo_framebuffer_get_n_tiles  (VireoFramebuffer *self);
GdkTexture       *vireo_framebuffer_get_tile     (VireoFramebuffer      *self,
                                                  guint                  i,
                                                  cairo_rectangle_int_t *rect);
GdkTexture       *vireo_framebuffer_get_texture  (VireoFramebuffer *self);
guint64           vireo_framebuffer_get_copied_bytes (VireoFramebuffer *self);
guint             vireo_framebuffer_get_n_buffers (VireoFramebuffer *self);

G_END_DECLS
