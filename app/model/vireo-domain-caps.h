/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define VIREO_TYPE_DOMAIN_CAPS (vireo_domain_caps_get_type ())
G_DECLARE_FINAL_TYPE (VireoDomainCaps, vireo_domain_caps, VIREO, DOMAIN_CAPS, GObject)

VireoDomainCaps *vireo_domain_caps_new_from_xml            (const char       *xml,
                                                            GError          **error);

const char      *vireo_domain_caps_get_path                (VireoDomainCaps  *self);
const char      *vireo_domain_caps_get_domain_type         (VireoDomainCaps  *self);
const char      *vireo_domain_caps_get_machine             (VireoDomainCaps  *self);
const char      *vireo_domain_caps_get_arch                (VireoDomainCaps  *self);
guint            vireo_domain_caps_get_max_vcpus           (VireoDomainCaps  *self);

gboolean         vireo_domain_caps_os_supported            (VireoDomainCaps  *self);
char           **vireo_domain_caps_dup_firmware_values     (VireoDomainCaps  *self);
gboolean         vireo_domain_caps_supports_firmware       (VireoDomainCaps  *self,
                                                            const char       *firmware);
gboolean         vireo_domain_caps_supports_secure_boot    (VireoDomainCaps  *self);
gboolean         vireo_domain_caps_loader_supported        (VireoDomainCaps  *self);
char           **vireo_domain_caps_dup_loader_values       (VireoDomainCaps  *self);
char           **vireo_domain_caps_dup_loader_enum         (VireoDomainCaps  *self,
                                                            const char       *name);

gboolean         vireo_domain_caps_cpu_mode_supported      (VireoDomainCaps  *self,
                                                            const char       *mode);
const char      *vireo_domain_caps_get_host_model          (VireoDomainCaps  *self);
char           **vireo_domain_caps_dup_usable_cpu_models   (VireoDomainCaps  *self);
char           **vireo_domain_caps_dup_unusable_cpu_models (VireoDomainCaps  *self);

gboolean         vireo_domain_caps_device_supported        (VireoDomainCaps  *self,
                                                            const char       *device);
gboolean         vireo_domain_caps_device_reported         (VireoDomainCaps  *self,
                                                            const char       *device);
char           **vireo_domain_caps_dup_enum                (VireoDomainCaps  *self,
                                                            const char       *device,
                                                            const char       *name);
gboolean         vireo_domain_caps_feature_supported       (VireoDomainCaps  *self,
                                                            const char       *feature);
char           **vireo_domain_caps_dup_feature_enum        (VireoDomainCaps  *self,
                                                            const char       *feature,
                                                            const char       *name);

G_END_DECLS
