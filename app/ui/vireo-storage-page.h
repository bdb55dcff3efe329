/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection.h"
#include "vireo-storage.h"

G_BEGIN_DECLS

#define VIREO_TYPE_STORAGE_PAGE (vireo_storage_page_get_type ())
G_DECLARE_FINAL_TYPE (VireoStoragePage, vireo_storage_page, VIREO, STORAGE_PAGE, GtkWidget)

GtkWidget  *vireo_storage_page_new          (VireoConnection  *connection);
void        vireo_storage_page_reload       (VireoStoragePage *self);
gboolean    vireo_storage_page_select       (VireoStoragePage *self,
                                             const char       *pool);
const char *vireo_storage_page_get_selected (VireoStoragePage *self);
gboolean    vireo_storage_page_get_loading  (VireoStoragePage *self);
GtkWidget  *vireo_storage_page_new_volume   (VireoStoragePage *self);
GtkWidget  *vireo_storage_page_add_pool     (VireoStoragePage *self);
void        vireo_storage_page_start_transfer (VireoStoragePage             *self,
                                               VireoVolumeTransferDirection  direction,
                                               const char                   *volume,
                                               GFile                        *file);
VireoVolumeTransfer *vireo_storage_page_get_transfer (VireoStoragePage *self);

G_END_DECLS
