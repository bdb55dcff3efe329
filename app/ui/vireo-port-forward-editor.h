/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-domain-caps.h"
#include "vireo-interface.h"

G_BEGIN_DECLS

#define VIREO_TYPE_PORT_FORWARD_EDITOR (vireo_port_forward_editor_get_type ())
G_DECLARE_FINAL_TYPE (VireoPortForwardEditor, vireo_port_forward_editor, VIREO, PORT_FORWARD_EDITOR, AdwPreferencesGroup)

GtkWidget      *vireo_port_forward_editor_new           (VireoInterface         *nic);
VireoInterface *vireo_port_forward_editor_get_interface (VireoPortForwardEditor *self);
void            vireo_port_forward_editor_set_caps      (VireoPortForwardEditor *self,
                                                         VireoDomainCaps        *caps);
void            vireo_port_forward_editor_refresh       (VireoPortForwardEditor *self);
void            vireo_port_forward_editor_set_passt_refusal (VireoPortForwardEditor *self,
                                                             const char             *refusal);

G_END_DECLS
