/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection-uri.h"

G_BEGIN_DECLS

#define VIREO_TYPE_ADD_CONNECTION_DIALOG (vireo_add_connection_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoAddConnectionDialog, vireo_add_connection_dialog, VIREO, ADD_CONNECTION_DIALOG, AdwWindow)

GtkWidget     *vireo_add_connection_dialog_new            (GtkWindow                *parent);
char          *vireo_add_connection_dialog_dup_uri        (VireoAddConnectionDialog *self);
VireoUriField  vireo_add_connection_dialog_get_error_field (VireoAddConnectionDialog *self);
const char    *vireo_add_connection_dialog_get_error      (VireoAddConnectionDialog *self);
void           vireo_add_connection_dialog_set_field      (VireoAddConnectionDialog *self,
                                                           VireoUriField             field,
                                                           const char               *text);
void           vireo_add_connection_dialog_add_taken      (VireoAddConnectionDialog *self,
                                                           const char               *uri,
                                                           const char               *name);
void           vireo_add_connection_dialog_prefill        (VireoAddConnectionDialog *self,
                                                           const char               *uri,
                                                           const char               *name,
                                                           gboolean                  autoconnect);
void           vireo_add_connection_dialog_set_editing    (VireoAddConnectionDialog *self,
                                                           gboolean                  editing);

G_END_DECLS
