/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-virt.h"

G_BEGIN_DECLS

#define VIREO_TYPE_DELETE_DIALOG (vireo_delete_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoDeleteDialog, vireo_delete_dialog, VIREO, DELETE_DIALOG, AdwMessageDialog)

GtkWidget *vireo_delete_dialog_new       (GtkWindow *parent,
                                          GPtrArray *plans,
                                          guint      n_running);
GPtrArray *vireo_delete_dialog_get_plans (VireoDeleteDialog *self);

G_END_DECLS
