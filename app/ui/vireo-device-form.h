/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-device-fields.h"

G_BEGIN_DECLS

#define VIREO_TYPE_DEVICE_FORM (vireo_device_form_get_type ())
G_DECLARE_FINAL_TYPE (VireoDeviceForm, vireo_device_form, VIREO, DEVICE_FORM, AdwPreferencesGroup)

GtkWidget              *vireo_device_form_new       (VireoDevice     *device);
gboolean                vireo_device_form_has_rows  (VireoDeviceForm *self);
VireoDevice            *vireo_device_form_get_device (VireoDeviceForm *self);
GPtrArray              *vireo_device_form_get_rows  (VireoDeviceForm *self);
GtkWidget              *vireo_device_form_get_row   (VireoDeviceForm *self,
                                                     const char      *id);
const VireoDeviceField *vireo_device_form_row_get_field (GtkWidget   *row);
void                    vireo_device_form_refresh   (VireoDeviceForm *self);

G_END_DECLS
