/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection-manager.h"
#include "vireo-vm-builder.h"

G_BEGIN_DECLS

#define VIREO_TYPE_NEW_VM_DIALOG (vireo_new_vm_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoNewVmDialog, vireo_new_vm_dialog, VIREO, NEW_VM_DIALOG, AdwWindow)

VireoNewVmDialog *vireo_new_vm_dialog_new          (GtkWindow              *parent,
                                                    VireoConnectionManager *manager,
                                                    VireoConnection        *connection);
VireoVmBuilder   *vireo_new_vm_dialog_get_builder  (VireoNewVmDialog       *self);
VireoConnection  *vireo_new_vm_dialog_get_connection (VireoNewVmDialog     *self);
const char       *vireo_new_vm_dialog_get_page     (VireoNewVmDialog       *self);
gboolean          vireo_new_vm_dialog_get_ready    (VireoNewVmDialog       *self);

G_END_DECLS
