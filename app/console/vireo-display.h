/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vireo-graphics-session.h"

G_BEGIN_DECLS

typedef enum
{
  VIREO_DISPLAY_SCALE_FIT,           /* the whole guest screen, aspect kept */
  VIREO_DISPLAY_SCALE_ONE_TO_ONE,    /* one guest pixel per screen pixel; scroll */
  VIREO_DISPLAY_SCALE_RESIZE_GUEST,  /* the guest follows the window's size */
} VireoDisplayScale;

#define VIREO_TYPE_DISPLAY (vireo_display_get_type ())
G_DECLARE_FINAL_TYPE (VireoDisplay, vireo_display, VIREO, DISPLAY, GtkWidget)

GtkWidget            *vireo_display_new                  (void);
VireoGraphicsSession *vireo_display_get_session          (VireoDisplay         *self);
void                  vireo_display_set_session          (VireoDisplay         *self,
                                                          VireoGraphicsSession *session);
VireoDisplayScale     vireo_display_get_scale_mode       (VireoDisplay         *self);
void                  vireo_display_set_scale_mode       (VireoDisplay         *self,
                                                          VireoDisplayScale     mode);
gboolean              vireo_display_get_grabbed          (VireoDisplay         *self);
void                  vireo_display_grab                 (VireoDisplay         *self);
void                  vireo_display_ungrab               (VireoDisplay         *self);
const char           *vireo_display_get_release_accel    (VireoDisplay         *self);
void                  vireo_display_set_release_accel    (VireoDisplay         *self,
                                                          const char           *accel);
char                 *vireo_display_dup_release_label    (VireoDisplay         *self);
gboolean              vireo_display_get_guest_size       (VireoDisplay         *self,
                                                          int                  *width,
                                                          int                  *height);
gboolean              vireo_display_get_guest_area       (VireoDisplay         *self,
                                                          graphene_rect_t      *area);
GdkTexture           *vireo_display_get_texture          (VireoDisplay         *self);
gboolean              vireo_display_widget_to_guest      (VireoDisplay         *self,
                                                          double                x,
                                                          double                y,
                                                          double               *guest_x,
                                                          double               *guest_y);

G_END_DECLS
