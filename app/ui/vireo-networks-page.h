/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection.h"

G_BEGIN_DECLS

#define VIREO_TYPE_NETWORKS_PAGE (vireo_networks_page_get_type ())
G_DECLARE_FINAL_TYPE (VireoNetworksPage, vireo_networks_page, VIREO, NETWORKS_PAGE, GtkWidget)

GtkWidget  *vireo_networks_page_new           (VireoConnection   *connection);
void        vireo_networks_page_reload        (VireoNetworksPage *self);
gboolean    vireo_networks_page_select        (VireoNetworksPage *self,
                                               const char        *name);
const char *vireo_networks_page_get_selected  (VireoNetworksPage *self);
gboolean    vireo_networks_page_get_loading   (VireoNetworksPage *self);
GtkWidget  *vireo_networks_page_edit          (VireoNetworksPage *self);

G_END_DECLS
