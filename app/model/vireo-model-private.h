/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libxml/tree.h>

#include "vireo-device.h"
#include "vireo-domain-config.h"

G_BEGIN_DECLS

/* Devices are views of nodes in their config's document; the config owns
 * both and detaches its devices when a node goes away. */
VireoDevice *_vireo_device_new               (VireoDomainConfig *config,
                                              xmlNodePtr         node);
xmlNodePtr   _vireo_device_get_node          (VireoDevice       *self);
void         _vireo_device_detach            (VireoDevice       *self);
void         _vireo_device_changed           (VireoDevice       *self);
xmlDocPtr    _vireo_domain_config_get_doc    (VireoDomainConfig *self);
void         _vireo_domain_config_changed    (VireoDomainConfig *self);

G_END_DECLS
