/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection.h"

G_BEGIN_DECLS

#define VIREO_TYPE_SECRETS_DIALOG (vireo_secrets_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoSecretsDialog, vireo_secrets_dialog, VIREO, SECRETS_DIALOG, AdwWindow)

GtkWidget  *vireo_secrets_dialog_new            (VireoConnection    *connection);
gboolean    vireo_secrets_dialog_get_loading    (VireoSecretsDialog *self);
guint       vireo_secrets_dialog_get_n_secrets  (VireoSecretsDialog *self);
const char *vireo_secrets_dialog_get_error      (VireoSecretsDialog *self);
int         vireo_secrets_dialog_get_error_code (VireoSecretsDialog *self);
char       *vireo_secrets_dialog_dup_command    (VireoSecretsDialog *self);

G_END_DECLS
