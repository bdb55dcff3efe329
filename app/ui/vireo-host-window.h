/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-network-map-page.h"
#include "vireo-networks-page.h"
#include "vireo-storage-page.h"
#include "vireo-virt.h"

G_BEGIN_DECLS

#define VIREO_TYPE_HOST_WINDOW (vireo_host_window_get_type ())
G_DECLARE_FINAL_TYPE (VireoHostWindow, vireo_host_window, VIREO, HOST_WINDOW, AdwWindow)

GtkWidget       *vireo_host_window_new            (VireoConnection *connection);
VireoHostWindow *vireo_host_window_present_for    (GtkWindow       *parent,
                                                   VireoConnection *connection);
VireoConnection *vireo_host_window_get_connection (VireoHostWindow *self);
VireoHost       *vireo_host_window_get_host       (VireoHostWindow *self);
GtkWidget       *vireo_host_window_show_page      (VireoHostWindow *self,
                                                   const char      *name);
VireoNetworksPage *vireo_host_window_get_networks_page (VireoHostWindow *self);
VireoStoragePage  *vireo_host_window_get_storage_page  (VireoHostWindow *self);
VireoNetworkMapPage *vireo_host_window_get_map_page    (VireoHostWindow *self);

G_END_DECLS
