/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-os-info.h"

G_BEGIN_DECLS

#define VIREO_TYPE_OS_PICKER (vireo_os_picker_get_type ())
G_DECLARE_FINAL_TYPE (VireoOsPicker, vireo_os_picker, VIREO, OS_PICKER, AdwBin)

GtkWidget   *vireo_os_picker_new          (void);
gboolean     vireo_os_picker_get_loaded   (VireoOsPicker *self);
VireoOsInfo *vireo_os_picker_get_selected (VireoOsPicker *self);
gboolean     vireo_os_picker_get_show_eol (VireoOsPicker *self);
void         vireo_os_picker_set_show_eol (VireoOsPicker *self,
                                           gboolean       show_eol);
GListModel  *vireo_os_picker_get_results  (VireoOsPicker *self);

G_END_DECLS
