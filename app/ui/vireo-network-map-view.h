/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vireo-net-map.h"

G_BEGIN_DECLS

#define VIREO_TYPE_NETWORK_MAP_VIEW (vireo_network_map_view_get_type ())
G_DECLARE_FINAL_TYPE (VireoNetworkMapView, vireo_network_map_view, VIREO, NETWORK_MAP_VIEW, GtkWidget)

typedef enum
{
  VIREO_MAP_EXPORT_PNG,
  VIREO_MAP_EXPORT_SVG,
} VireoMapExportFormat;

GtkWidget   *vireo_network_map_view_new           (void);
void         vireo_network_map_view_set_map       (VireoNetworkMapView  *self,
                                                   VireoNetMap          *map);
VireoNetMap *vireo_network_map_view_get_map       (VireoNetworkMapView  *self);

double       vireo_network_map_view_get_zoom      (VireoNetworkMapView  *self);
void         vireo_network_map_view_zoom_by       (VireoNetworkMapView  *self,
                                                   double                factor);
void         vireo_network_map_view_fit           (VireoNetworkMapView  *self);
gboolean     vireo_network_map_view_get_fitted    (VireoNetworkMapView  *self);
void         vireo_network_map_view_get_offset    (VireoNetworkMapView  *self,
                                                   double               *x,
                                                   double               *y);
void         vireo_network_map_view_pan_by        (VireoNetworkMapView  *self,
                                                   double                dx,
                                                   double                dy);
gboolean     vireo_network_map_view_map_to_widget (VireoNetworkMapView  *self,
                                                   double                map_x,
                                                   double                map_y,
                                                   double               *x,
                                                   double               *y);

const char  *vireo_network_map_view_get_selected  (VireoNetworkMapView  *self);
gboolean     vireo_network_map_view_select        (VireoNetworkMapView  *self,
                                                   const char           *id);
guint        vireo_network_map_view_set_search    (VireoNetworkMapView  *self,
                                                   const char           *text);
gboolean     vireo_network_map_view_is_match      (VireoNetworkMapView  *self,
                                                   const char           *id);

gboolean     vireo_network_map_view_export        (VireoNetworkMapView  *self,
                                                   const char           *path,
                                                   VireoMapExportFormat  format,
                                                   GError              **error);

G_END_DECLS
