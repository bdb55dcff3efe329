/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-display.h"
#include "vireo-virt.h"

G_BEGIN_DECLS

#define VIREO_TYPE_CONSOLE_PAGE (vireo_console_page_get_type ())
G_DECLARE_FINAL_TYPE (VireoConsolePage, vireo_console_page, VIREO, CONSOLE_PAGE, AdwBin)

GtkWidget            *vireo_console_page_new         (void);
void                  vireo_console_page_set_domain  (VireoConsolePage *self,
                                                      VireoDomain      *domain);
VireoDisplay         *vireo_console_page_get_display (VireoConsolePage *self);
VireoGraphicsSession *vireo_console_page_get_session (VireoConsolePage *self);
const char           *vireo_console_page_get_status_title (VireoConsolePage *self);
void                  vireo_console_page_reconnect   (VireoConsolePage *self);

G_END_DECLS
