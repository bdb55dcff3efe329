/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-command"

#include "config.h"

#include <string.h>

#include "vireo-command.h"

/*
 * Students learn libvirt by seeing which virsh command each click equals.
 * These strings are for display only; Vireo never runs them through a shell.
 */

/**
 * vireo_domain_action_get_verb:
 *
 * Returns: the virsh sub-command that performs @action.
 */
const char *
vireo_domain_action_get_verb (VireoDomainAction action)
{
  switch (action)
    {
    case VIREO_DOMAIN_ACTION_START:        return "start";
    case VIREO_DOMAIN_ACTION_PAUSE:        return "suspend";
    case VIREO_DOMAIN_ACTION_RESUME:       return "resume";
    case VIREO_DOMAIN_ACTION_SHUTDOWN:     return "shutdown";
    case VIREO_DOMAIN_ACTION_REBOOT:       return "reboot";
    case VIREO_DOMAIN_ACTION_RESET:        return "reset";
    case VIREO_DOMAIN_ACTION_DESTROY:      return "destroy";
    case VIREO_DOMAIN_ACTION_MANAGED_SAVE: return "managedsave";
    case VIREO_DOMAIN_ACTION_UNDEFINE:     return "undefine";
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * vireo_command_quote:
 *
 * Returns: @word as a POSIX shell would need it typed: unchanged when it is
 *   made only of characters no shell treats specially, single-quoted otherwise.
 */
char *
vireo_command_quote (const char *word)
{
  static const char safe[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "-_./:=@%+,";

  g_return_val_if_fail (word != NULL, NULL);

  if (*word != '\0' && strspn (word, safe) == strlen (word))
    return g_strdup (word);
  return g_shell_quote (word);
}

/**
 * vireo_command_for_domain_action:
 * @uri: (nullable): the connection URI; omitted from the line when %NULL
 * @storage_targets: (nullable): for undefine, disk targets whose storage goes too
 *
 * Returns: the virsh command line equal to @action on @domain_name.
 */
char *
vireo_command_for_domain_action (const char         *uri,
                                 VireoDomainAction   action,
                                 const char         *domain_name,
                                 const char * const *storage_targets)
{
  g_autoptr(GString) line = g_string_new ("virsh");
  g_autofree char *name = NULL;

  g_return_val_if_fail (domain_name != NULL, NULL);

  if (uri != NULL)
    {
      g_autofree char *quoted = vireo_command_quote (uri);
      g_string_append_printf (line, " -c %s", quoted);
    }

  name = vireo_command_quote (domain_name);
  g_string_append_printf (line, " %s %s", vireo_domain_action_get_verb (action), name);

  if (action == VIREO_DOMAIN_ACTION_UNDEFINE)
    {
      g_string_append (line, " --managed-save --snapshots-metadata --checkpoints-metadata --nvram");
      if (storage_targets != NULL && storage_targets[0] != NULL)
        {
          g_autofree char *joined = g_strjoinv (",", (char **) storage_targets);
          g_autofree char *quoted = vireo_command_quote (joined);
          g_string_append_printf (line, " --storage %s", quoted);
        }
    }

  return g_string_free (g_steal_pointer (&line), FALSE);
}

/**
 * vireo_command_for_host:
 * @uri: (nullable): the connection URI; omitted from the line when %NULL
 *
 * Returns: the virsh command line that asks the host what @command names.
 *   CPU statistics come with `--percent`, which is what the usage graph
 *   shows; plain counters mean little to someone learning.
 */
char *
vireo_command_for_host (const char       *uri,
                        VireoHostCommand  command)
{
  g_autoptr(GString) line = g_string_new ("virsh");
  const char *verb;

  switch (command)
    {
    case VIREO_HOST_COMMAND_NODEINFO:     verb = "nodeinfo"; break;
    case VIREO_HOST_COMMAND_NODECPUSTATS: verb = "nodecpustats --percent"; break;
    case VIREO_HOST_COMMAND_NODEMEMSTATS: verb = "nodememstats"; break;
    case VIREO_HOST_COMMAND_HOSTNAME:     verb = "hostname"; break;
    case VIREO_HOST_COMMAND_VERSION:      verb = "version"; break;
    case VIREO_HOST_COMMAND_CAPABILITIES: verb = "capabilities"; break;
    default:
      g_return_val_if_reached (NULL);
    }

  if (uri != NULL)
    {
      g_autofree char *quoted = vireo_command_quote (uri);
      g_string_append_printf (line, " -c %s", quoted);
    }
  g_string_append_printf (line, " %s", verb);

  return g_string_free (g_steal_pointer (&line), FALSE);
}
