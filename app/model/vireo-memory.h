/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-domain-config.h"

G_BEGIN_DECLS

gboolean vireo_memory_get_shared      (VireoDomainConfig  *config);
gboolean vireo_memory_set_shared      (VireoDomainConfig  *config,
                                       gboolean            shared,
                                       GError            **error);
gboolean vireo_memory_needs_shared    (VireoDomainConfig  *config);

G_END_DECLS
