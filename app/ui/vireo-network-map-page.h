/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection.h"
#include "vireo-network-map-view.h"

G_BEGIN_DECLS

#define VIREO_TYPE_NETWORK_MAP_PAGE (vireo_network_map_page_get_type ())
G_DECLARE_FINAL_TYPE (VireoNetworkMapPage, vireo_network_map_page, VIREO, NETWORK_MAP_PAGE, GtkWidget)

GtkWidget           *vireo_network_map_page_new         (VireoConnection     *connection);
VireoNetworkMapView *vireo_network_map_page_get_view    (VireoNetworkMapPage *self);
GtkWidget           *vireo_network_map_page_get_panel   (VireoNetworkMapPage *self);
void                 vireo_network_map_page_reload      (VireoNetworkMapPage *self);
gboolean             vireo_network_map_page_get_loading (VireoNetworkMapPage *self);
guint                vireo_network_map_page_get_reads   (VireoNetworkMapPage *self);
GtkWidget           *vireo_network_map_page_move_nic    (VireoNetworkMapPage *self,
                                                         const char          *nic_id,
                                                         const char          *network);

G_END_DECLS
