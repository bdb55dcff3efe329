/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection.h"
#include "vireo-lookup.h"
#include "vireo-storage-config.h"

G_BEGIN_DECLS

#define VIREO_TYPE_VOLUME_DIALOG (vireo_volume_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoVolumeDialog, vireo_volume_dialog, VIREO, VOLUME_DIALOG, AdwWindow)

GtkWidget  *vireo_volume_dialog_new            (VireoConnection         *connection,
                                                const VireoPoolInfo     *pool,
                                                const VireoPoolTypeCaps *type_caps);
const char *vireo_volume_dialog_get_error      (VireoVolumeDialog       *self);
int         vireo_volume_dialog_get_error_code (VireoVolumeDialog       *self);
char       *vireo_volume_dialog_dup_command    (VireoVolumeDialog       *self);

G_END_DECLS
