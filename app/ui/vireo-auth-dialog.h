/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection.h"

G_BEGIN_DECLS

#define VIREO_TYPE_AUTH_DIALOG (vireo_auth_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoAuthDialog, vireo_auth_dialog, VIREO, AUTH_DIALOG, AdwMessageDialog)

VireoAuthDialog  *vireo_auth_dialog_new         (GtkWindow        *parent,
                                                 const char       *connection_name,
                                                 VireoAuthRequest *request);
VireoAuthRequest *vireo_auth_dialog_get_request (VireoAuthDialog  *self);
GtkEditable      *vireo_auth_dialog_get_entry   (VireoAuthDialog  *self,
                                                 guint             index);
GtkCheckButton   *vireo_auth_dialog_get_remember (VireoAuthDialog *self);

G_END_DECLS
