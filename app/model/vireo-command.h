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
  VIREO_HOST_COMMAND_IFACE_LIST,
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

/* Virtual networks (display only, like everything here). */
typedef enum
{
  VIREO_NETWORK_COMMAND_START,          /* net-start NAME */
  VIREO_NETWORK_COMMAND_STOP,           /* net-destroy NAME */
  VIREO_NETWORK_COMMAND_AUTOSTART_ON,   /* net-autostart NAME */
  VIREO_NETWORK_COMMAND_AUTOSTART_OFF,  /* net-autostart --disable NAME */
  VIREO_NETWORK_COMMAND_UNDEFINE,       /* net-undefine NAME */
  VIREO_NETWORK_COMMAND_DUMPXML,        /* net-dumpxml NAME */
  VIREO_NETWORK_COMMAND_DHCP_LEASES,    /* net-dhcp-leases NAME */
  VIREO_NETWORK_COMMAND_LIST,           /* net-list --all (NAME unused) */
  VIREO_NETWORK_COMMAND_DEFINE,         /* net-define NAME.xml: the file to save the XML in */
} VireoNetworkCommand;

/* virNetworkUpdate's sections and commands, as virsh net-update names them. */
typedef enum
{
  VIREO_NETWORK_UPDATE_COMMAND_ADD,
  VIREO_NETWORK_UPDATE_COMMAND_MODIFY,
  VIREO_NETWORK_UPDATE_COMMAND_DELETE,
} VireoNetworkUpdateVerb;

char       *vireo_command_for_device_update (const char      *uri,
                                             const char      *domain_name,
                                             const char      *xml,
                                             gboolean         live,
                                             gboolean         config);
char       *vireo_command_for_network    (const char          *uri,
                                          VireoNetworkCommand  command,
                                          const char          *name);
char       *vireo_command_for_network_update (const char     *uri,
                                              const char     *name,
                                              const char     *section,
                                              VireoNetworkUpdateVerb verb,
                                              const char     *xml,
                                              gboolean        live,
                                              gboolean        config);

/* How a machine comes back from a saved state: as it was when saved, or
 * running or paused whatever it was (virsh save / restore --running,
 * --paused; VIR_DOMAIN_SAVE_RUNNING / _PAUSED). */
typedef enum
{
  VIREO_RESTORE_AS_SAVED,
  VIREO_RESTORE_RUNNING,
  VIREO_RESTORE_PAUSED,
} VireoRestoreState;

/* Saving a machine's memory to a file on the host and back. */
char       *vireo_command_for_save       (const char          *uri,
                                          const char          *domain_name,
                                          const char          *file,
                                          VireoRestoreState    state);
char       *vireo_command_for_restore    (const char          *uri,
                                          const char          *file,
                                          VireoRestoreState    state);
char       *vireo_command_for_managed_save_remove (const char *uri,
                                                   const char *domain_name);
char       *vireo_command_for_clock_sync (const char          *uri,
                                          const char          *domain_name);

G_END_DECLS
