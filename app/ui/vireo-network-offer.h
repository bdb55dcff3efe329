/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-domain.h"

G_BEGIN_DECLS

void vireo_offer_network_start (GtkWindow   *parent,
                                VireoDomain *domain,
                                const char  *network);

G_END_DECLS
