/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection.h"
#include "vireo-storage-config.h"

G_BEGIN_DECLS

#define VIREO_TYPE_POOL_DIALOG (vireo_pool_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoPoolDialog, vireo_pool_dialog, VIREO, POOL_DIALOG, AdwWindow)

GtkWidget  *vireo_pool_dialog_new            (VireoConnection     *connection,
                                              const VireoPoolCaps *caps,
                                              const char * const  *taken_names);
const char *vireo_pool_dialog_get_error      (VireoPoolDialog     *self);
int         vireo_pool_dialog_get_error_code (VireoPoolDialog     *self);
char       *vireo_pool_dialog_dup_xml        (VireoPoolDialog     *self);
char       *vireo_pool_dialog_dup_command    (VireoPoolDialog     *self);
const char *vireo_pool_dialog_get_pool_type  (VireoPoolDialog     *self);
gboolean    vireo_pool_dialog_select_type    (VireoPoolDialog     *self,
                                              const char          *type);
gboolean    vireo_pool_dialog_get_ready      (VireoPoolDialog     *self);

G_END_DECLS
