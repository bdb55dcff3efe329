/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-virt.h"
#include "vireo-domain-config.h"
#include "vireo-create-job.h"
#include "vireo-snapshots-page.h"

G_BEGIN_DECLS

#define VIREO_TYPE_VM_WINDOW (vireo_vm_window_get_type ())
G_DECLARE_FINAL_TYPE (VireoVmWindow, vireo_vm_window, VIREO, VM_WINDOW, AdwWindow)

VireoVmWindow     *vireo_vm_window_present_for     (GtkWindow     *parent,
                                                    VireoDomain   *domain);
VireoDomain       *vireo_vm_window_get_domain      (VireoVmWindow *self);
VireoDomainConfig *vireo_vm_window_get_edit_config (VireoVmWindow *self);
gboolean           vireo_vm_window_get_loaded      (VireoVmWindow *self);
gboolean           vireo_vm_window_get_modified    (VireoVmWindow *self);
gboolean           vireo_vm_window_show_page       (VireoVmWindow *self,
                                                    const char    *name);
GtkWidget         *vireo_vm_window_get_page        (VireoVmWindow *self,
                                                    const char    *name);
const char        *vireo_vm_window_get_error       (VireoVmWindow *self);
GStrv              vireo_vm_window_dup_commands    (VireoVmWindow *self);

void           vireo_vm_window_show_console      (VireoVmWindow  *self);
void           vireo_vm_window_customize_install (VireoVmWindow  *self,
                                                  VireoCreateJob *job,
                                                  VireoVmBuilder *builder);
gboolean       vireo_vm_window_get_customizing   (VireoVmWindow  *self);

guint          vireo_vm_window_count_pending     (VireoVmWindow *self);
VireoSnapshotsPage *vireo_vm_window_get_snapshots_page (VireoVmWindow *self);
void           vireo_vm_window_show_snapshots    (VireoVmWindow  *self);
const char    *vireo_vm_window_get_pending_text  (VireoVmWindow *self);

G_END_DECLS
