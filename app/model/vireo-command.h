/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VIREO_DOMAIN_ACTION_START,
  VIREO_DOMAIN_ACTION_PAUSE,
  VIREO_DOMAIN_ACTION_RESUME,
  VIREO_DOMAIN_ACTION_SHUTDOWN,
  VIREO_DOMAIN_ACTION_REBOOT,
  VIREO_DOMAIN_ACTION_RESET,
  VIREO_DOMAIN_ACTION_DESTROY,
  VIREO_DOMAIN_ACTION_MANAGED_SAVE,
  VIREO_DOMAIN_ACTION_UNDEFINE,
} VireoDomainAction;

/* Read-only questions about a host, for the Host Details window. */
typedef enum
{
  VIREO_HOST_COMMAND_NODEINFO,
  VIREO_HOST_COMMAND_NODECPUSTATS,
  VIREO_HOST_COMMAND_NODEMEMSTATS,
  VIREO_HOST_COMMAND_HOSTNAME,
  VIREO_HOST_COMMAND_VERSION,
  VIREO_HOST_COMMAND_CAPABILITIES,
} VireoHostCommand;

const char *vireo_domain_action_get_verb (VireoDomainAction   action);
char       *vireo_command_quote          (const char         *word);
char       *vireo_command_for_domain_action (const char       *uri,
                                             VireoDomainAction action,
                                             const char       *domain_name,
                                             const char * const *storage_targets);
char       *vireo_command_for_host       (const char         *uri,
                                          VireoHostCommand    command);

typedef struct _VireoDomainConfig VireoDomainConfig;

GStrv       vireo_command_for_config_changes (const char        *uri,
                                              VireoDomainConfig *before,
                                              VireoDomainConfig *after);

G_END_DECLS
