/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-device.h"
#include "vireo-port-forward.h"

G_BEGIN_DECLS

#define VIREO_TYPE_INTERFACE (vireo_interface_get_type ())
G_DECLARE_FINAL_TYPE (VireoInterface, vireo_interface, VIREO, INTERFACE, VireoDevice)

char     *vireo_interface_dup_type        (VireoInterface *self);
char     *vireo_interface_dup_source      (VireoInterface *self);
char     *vireo_interface_dup_source_mode (VireoInterface *self);
void      vireo_interface_set_source      (VireoInterface *self,
                                           const char     *type,
                                           const char     *source,
                                           const char     *mode);
char     *vireo_interface_dup_model       (VireoInterface *self);
void      vireo_interface_set_model       (VireoInterface *self,
                                           const char     *model);
char     *vireo_interface_dup_mac         (VireoInterface *self);
void      vireo_interface_set_mac         (VireoInterface *self,
                                           const char     *mac);
gboolean  vireo_interface_get_link_up     (VireoInterface *self);
void      vireo_interface_set_link_up     (VireoInterface *self,
                                           gboolean        up);
char     *vireo_interface_generate_mac    (void);
char     *vireo_interface_dup_moved_xml   (const char     *domain_xml,
                                           const char     *mac,
                                           const char     *network,
                                           GError        **error);
gboolean  vireo_interface_mac_is_valid    (const char     *mac);

gboolean   vireo_interface_get_passt            (VireoInterface          *self);
gboolean   vireo_interface_set_passt            (VireoInterface          *self,
                                                 gboolean                 passt,
                                                 GError                 **error);
gboolean   vireo_interface_can_forward_ports    (VireoInterface          *self,
                                                 GError                 **error);
GPtrArray *vireo_interface_dup_port_forwards    (VireoInterface          *self);
gboolean   vireo_interface_add_port_forward     (VireoInterface          *self,
                                                 const VireoPortForward  *forward,
                                                 VireoPortForwardField   *field,
                                                 GError                 **error);
gboolean   vireo_interface_replace_port_forward (VireoInterface          *self,
                                                 guint                    index,
                                                 const VireoPortForward  *forward,
                                                 VireoPortForwardField   *field,
                                                 GError                 **error);
gboolean   vireo_interface_remove_port_forward  (VireoInterface          *self,
                                                 guint                    index);

G_END_DECLS
