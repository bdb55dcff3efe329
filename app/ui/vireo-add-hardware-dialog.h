/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-device.h"
#include "vireo-domain-caps.h"
#include "vireo-domain-config.h"

G_BEGIN_DECLS

/*
 * What Add Hardware hands its caller: one device element, plus what the
 * caller has to do around it, which the dialog cannot (it never calls
 * libvirt): create a volume first, and share the guest's memory.
 */
typedef struct _VireoHardwareRequest VireoHardwareRequest;

#define VIREO_TYPE_HARDWARE_REQUEST (vireo_hardware_request_get_type ())

GType                 vireo_hardware_request_get_type            (void) G_GNUC_CONST;
VireoHardwareRequest *vireo_hardware_request_ref                 (VireoHardwareRequest *req);
void                  vireo_hardware_request_unref               (VireoHardwareRequest *req);
VireoDeviceKind       vireo_hardware_request_get_kind            (VireoHardwareRequest *req);
const char           *vireo_hardware_request_get_xml             (VireoHardwareRequest *req);
gboolean              vireo_hardware_request_get_needs_shared_memory (VireoHardwareRequest *req);
gboolean              vireo_hardware_request_has_volume          (VireoHardwareRequest *req);
const char           *vireo_hardware_request_get_volume_pool     (VireoHardwareRequest *req);
const char           *vireo_hardware_request_get_volume_name     (VireoHardwareRequest *req);
guint64               vireo_hardware_request_get_volume_capacity (VireoHardwareRequest *req);
const char           *vireo_hardware_request_get_volume_format   (VireoHardwareRequest *req);
char                 *vireo_hardware_request_dup_xml_with_path   (VireoHardwareRequest *req,
                                                                  const char           *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoHardwareRequest, vireo_hardware_request_unref)

#define VIREO_TYPE_ADD_HARDWARE_DIALOG (vireo_add_hardware_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoAddHardwareDialog, vireo_add_hardware_dialog, VIREO, ADD_HARDWARE_DIALOG, AdwWindow)

VireoAddHardwareDialog *vireo_add_hardware_dialog_new              (GtkWindow              *parent,
                                                                    VireoDomainConfig      *config);
void                    vireo_add_hardware_dialog_set_caps         (VireoAddHardwareDialog *self,
                                                                    VireoDomainCaps        *caps);
void                    vireo_add_hardware_dialog_set_is_local     (VireoAddHardwareDialog *self,
                                                                    gboolean                is_local);
void                    vireo_add_hardware_dialog_set_networks     (VireoAddHardwareDialog *self,
                                                                    const char * const     *names);
void                    vireo_add_hardware_dialog_set_bridges      (VireoAddHardwareDialog *self,
                                                                    const char * const     *names);
void                    vireo_add_hardware_dialog_set_pools        (VireoAddHardwareDialog *self,
                                                                    const char * const     *names);
void                    vireo_add_hardware_dialog_set_host_devices (VireoAddHardwareDialog *self,
                                                                    const char             *bus,
                                                                    const char * const     *labels,
                                                                    const char * const     *xmls);

const char * const     *vireo_add_hardware_dialog_list_kinds       (void);
gboolean                vireo_add_hardware_dialog_select_kind      (VireoAddHardwareDialog *self,
                                                                    const char             *kind);
const char             *vireo_add_hardware_dialog_get_kind         (VireoAddHardwareDialog *self);
char                  **vireo_add_hardware_dialog_dup_variants     (VireoAddHardwareDialog *self);
gboolean                vireo_add_hardware_dialog_select_variant   (VireoAddHardwareDialog *self,
                                                                    const char             *variant);
const char             *vireo_add_hardware_dialog_get_problem      (VireoAddHardwareDialog *self);
VireoHardwareRequest   *vireo_add_hardware_dialog_dup_request      (VireoAddHardwareDialog *self);

G_END_DECLS
