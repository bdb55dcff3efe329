/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-domain-config.h"

G_BEGIN_DECLS

/* A serial port or text console that virDomainOpenConsole can attach to. */
typedef struct
{
  char *dev_name;   /* what virDomainOpenConsole takes: the alias, "serial0" */
  char *label;      /* "Serial Port 1", "Text Console 1" */
} VireoTextConsole;

void       vireo_text_console_free                (VireoTextConsole  *console);
GPtrArray *vireo_domain_config_list_text_consoles (VireoDomainConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoTextConsole, vireo_text_console_free)

G_END_DECLS
