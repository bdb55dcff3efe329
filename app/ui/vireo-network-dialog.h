/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection.h"

G_BEGIN_DECLS

#define VIREO_TYPE_NETWORK_DIALOG (vireo_network_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoNetworkDialog, vireo_network_dialog, VIREO, NETWORK_DIALOG, AdwWindow)

GtkWidget  *vireo_network_dialog_new          (VireoConnection    *connection,
                                               const char * const *other_subnets,
                                               const char * const *taken_names);
GtkWidget  *vireo_network_dialog_new_for_edit (VireoConnection    *connection,
                                               const char         *xml,
                                               gboolean            autostart,
                                               const char * const *other_subnets,
                                               const char * const *taken_names);
char       *vireo_network_dialog_dup_xml      (VireoNetworkDialog *self);
const char *vireo_network_dialog_get_error    (VireoNetworkDialog *self);
int         vireo_network_dialog_get_error_code (VireoNetworkDialog *self);
char       *vireo_network_dialog_dup_command  (VireoNetworkDialog *self);

G_END_DECLS
