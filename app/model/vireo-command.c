/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-command"

#include "config.h"

#include <string.h>

#include "vireo-command.h"
#include "vireo-firmware.h"
#include "vireo-live-change.h"
#include "vireo-domain-config.h"

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
    case VIREO_HOST_COMMAND_IFACE_LIST:   verb = "iface-list --all"; break;
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

static GString *
virsh_line (const char *uri,
            const char *verb,
            const char *domain_name)
{
  GString *line = g_string_new ("virsh");
  g_autofree char *name = vireo_command_quote (domain_name);

  if (uri != NULL)
    {
      g_autofree char *quoted = vireo_command_quote (uri);
      g_string_append_printf (line, " -c %s", quoted);
    }
  g_string_append_printf (line, " %s %s", verb, name);
  return line;
}

/**
 * vireo_command_for_device_update:
 *
 * `virsh update-device` for one changed device, its element fed on
 * standard input so the line pastes as it is.
 *
 * Returns: (transfer full): the command
 */
char *
vireo_command_for_device_update (const char *uri,
                                 const char *domain_name,
                                 const char *xml,
                                 gboolean    live,
                                 gboolean    config)
{
  g_autoptr(GString) line = NULL;

  g_return_val_if_fail (domain_name != NULL, NULL);
  g_return_val_if_fail (xml != NULL, NULL);

  line = virsh_line (uri, "update-device", domain_name);
  g_string_append (line, " /dev/stdin");
  if (live)
    g_string_append (line, " --live");
  if (config)
    g_string_append (line, " --config");
  g_string_append_printf (line, " <<'EOF'\n%s\nEOF", xml);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static gboolean
same_text (const char *a,
           const char *b)
{
  return g_strcmp0 (a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/**
 * vireo_command_for_config_changes:
 * @before: the definition as libvirt has it
 * @after: the edited copy
 *
 * What Apply does, as commands a student could type: one per field virsh
 * has a command for (`desc`, `setmaxmem`, `setmem`, `setvcpus`), and for
 * anything else the define of the whole edited document, which is what
 * Vireo itself does. All with `--config`: they change the definition.
 *
 * Returns: (transfer full): the lines, empty when nothing changed
 */
GStrv
vireo_command_for_config_changes (const char        *uri,
                                  VireoDomainConfig *before,
                                  VireoDomainConfig *after)
{
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();
  g_autoptr(VireoDomainConfig) rest_before = NULL;
  g_autoptr(VireoDomainConfig) rest_after = NULL;
  g_autofree char *xml_before = NULL;
  g_autofree char *xml_after = NULL;
  const char *name;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (before), NULL);
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (after), NULL);

  name = vireo_domain_config_get_name (before);
  /* Copies to strike off what a command covers: what is left over is
   * what only a define can carry. */
  rest_before = vireo_domain_config_copy (before);
  rest_after = vireo_domain_config_copy (after);

  /* A rename comes first, as Vireo does it: the rest is then about the
   * machine under its new name. */
  if (g_strcmp0 (name, vireo_domain_config_get_name (after)) != 0)
    {
      g_autoptr(GString) line = virsh_line (uri, "domrename", name);
      g_autofree char *new_name = vireo_command_quote (vireo_domain_config_get_name (after));

      g_string_append_printf (line, " %s", new_name);
      g_strv_builder_add (lines, line->str);
      name = vireo_domain_config_get_name (after);
      vireo_domain_config_set_name (rest_before, name);
    }

  if (!same_text (vireo_domain_config_get_title (before), vireo_domain_config_get_title (after)))
    {
      g_autoptr(GString) line = virsh_line (uri, "desc", name);
      g_autofree char *text = vireo_command_quote (vireo_domain_config_get_title (after) ?: "");

      g_string_append_printf (line, " --config --title %s", text);
      g_strv_builder_add (lines, line->str);
      vireo_domain_config_set_title (rest_after, vireo_domain_config_get_title (before));
    }
  if (!same_text (vireo_domain_config_get_description (before), vireo_domain_config_get_description (after)))
    {
      g_autoptr(GString) line = virsh_line (uri, "desc", name);
      g_autofree char *text = vireo_command_quote (vireo_domain_config_get_description (after) ?: "");

      g_string_append_printf (line, " --config %s", text);
      g_strv_builder_add (lines, line->str);
      vireo_domain_config_set_description (rest_after, vireo_domain_config_get_description (before));
    }
  if (vireo_domain_config_get_memory_kib (before) != vireo_domain_config_get_memory_kib (after))
    {
      g_autoptr(GString) line = virsh_line (uri, "setmaxmem", name);

      g_string_append_printf (line, " %" G_GUINT64_FORMAT "KiB --config", vireo_domain_config_get_memory_kib (after));
      g_strv_builder_add (lines, line->str);
    }
  if (vireo_domain_config_get_current_memory_kib (before) != vireo_domain_config_get_current_memory_kib (after))
    {
      g_autoptr(GString) line = virsh_line (uri, "setmem", name);

      g_string_append_printf (line, " %" G_GUINT64_FORMAT "KiB --config", vireo_domain_config_get_current_memory_kib (after));
      g_strv_builder_add (lines, line->str);
    }
  if (vireo_domain_config_get_memory_kib (before) != vireo_domain_config_get_memory_kib (after)
      || vireo_domain_config_get_current_memory_kib (before) != vireo_domain_config_get_current_memory_kib (after))
    vireo_domain_config_set_memory_kib (rest_after, vireo_domain_config_get_memory_kib (before),
                                        vireo_domain_config_get_current_memory_kib (before));
  if (vireo_domain_config_get_vcpus_max (before) != vireo_domain_config_get_vcpus_max (after))
    {
      g_autoptr(GString) line = virsh_line (uri, "setvcpus", name);

      g_string_append_printf (line, " %u --config --maximum", vireo_domain_config_get_vcpus_max (after));
      g_strv_builder_add (lines, line->str);
    }
  if (vireo_domain_config_get_vcpus (before) != vireo_domain_config_get_vcpus (after))
    {
      g_autoptr(GString) line = virsh_line (uri, "setvcpus", name);

      g_string_append_printf (line, " %u --config", vireo_domain_config_get_vcpus (after));
      g_strv_builder_add (lines, line->str);
    }
  if (vireo_domain_config_get_vcpus_max (before) != vireo_domain_config_get_vcpus_max (after)
      || vireo_domain_config_get_vcpus (before) != vireo_domain_config_get_vcpus (after))
    vireo_domain_config_set_vcpus (rest_after, vireo_domain_config_get_vcpus (before),
                                   vireo_domain_config_get_vcpus_max (before));

  xml_before = vireo_domain_config_to_xml (rest_before);
  xml_after = vireo_domain_config_to_xml (rest_after);
  if (g_strcmp0 (xml_before, xml_after) != 0)
    {
      g_autoptr(GString) dump = virsh_line (uri, "dumpxml", name);
      g_autoptr(GString) define = g_string_new ("virsh");
      g_autofree char *file = g_strconcat (name, ".xml", NULL);
      g_autofree char *quoted = vireo_command_quote (file);

      /* The rest has no command of its own: edit the XML and define it. */
      g_string_append_printf (dump, " --inactive --security-info > %s", quoted);
      g_strv_builder_add (lines, dump->str);
      if (uri != NULL)
        {
          g_autofree char *quoted_uri = vireo_command_quote (uri);
          g_string_append_printf (define, " -c %s", quoted_uri);
        }
      g_string_append_printf (define, " define %s", quoted);
      g_strv_builder_add (lines, define->str);
    }

  /* Not run now: what Vireo's next start of the machine does. */
  {
    g_autoptr(VireoFirmwareInfo) firmware_before = vireo_firmware_get_info (before);
    g_autoptr(VireoFirmwareInfo) firmware_after = vireo_firmware_get_info (after);

    if (vireo_firmware_info_needs_nvram_reset (firmware_before, firmware_after)
        || (vireo_firmware_get_nvram_reset_pending (after) && !vireo_firmware_get_nvram_reset_pending (before)))
      {
        g_autoptr(GString) start = virsh_line (uri, "start", name);

        g_string_append (start, " --reset-nvram");
        g_strv_builder_add (lines, start->str);
      }
  }
  return g_strv_builder_end (lines);
}

/**
 * vireo_live_change_to_command:
 *
 * The change as a shell command: device changes feed their element to
 * virsh on standard input through a here-document, so the line can be
 * pasted as it is.
 *
 * Returns: (transfer full): the command
 */
char *
vireo_live_change_to_command (VireoLiveChange *change,
                              const char      *uri,
                              const char      *domain_name)
{
  static const char *verbs[] = {
    [VIREO_LIVE_ATTACH] = "attach-device",
    [VIREO_LIVE_DETACH] = "detach-device",
    [VIREO_LIVE_UPDATE] = "update-device",
    [VIREO_LIVE_MEMORY] = "setmem",
    [VIREO_LIVE_VCPUS] = "setvcpus",
    [VIREO_LIVE_TITLE] = "desc",
    [VIREO_LIVE_DESCRIPTION] = "desc",
  };
  g_autoptr(GString) line = NULL;

  g_return_val_if_fail (change != NULL, NULL);
  g_return_val_if_fail (change->kind < G_N_ELEMENTS (verbs), NULL);

  line = virsh_line (uri, verbs[change->kind], domain_name);
  switch (change->kind)
    {
    case VIREO_LIVE_ATTACH:
    case VIREO_LIVE_DETACH:
    case VIREO_LIVE_UPDATE:
      g_string_append_printf (line, " /dev/stdin --live <<'EOF'\n%s\nEOF", change->xml);
      break;
    case VIREO_LIVE_MEMORY:
      g_string_append_printf (line, " %" G_GUINT64_FORMAT "KiB --live", change->value);
      break;
    case VIREO_LIVE_VCPUS:
      g_string_append_printf (line, " %" G_GUINT64_FORMAT " --live", change->value);
      break;
    case VIREO_LIVE_TITLE:
    case VIREO_LIVE_DESCRIPTION:
      {
        g_autofree char *text = vireo_command_quote (change->text != NULL ? change->text : "");

        g_string_append_printf (line, " --live%s %s", change->kind == VIREO_LIVE_TITLE ? " --title" : "", text);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* ------------------------------------------------------------------------ */
/* Virtual networks                                                          */

static void
append_uri (GString    *line,
            const char *uri)
{
  if (uri != NULL)
    {
      g_autofree char *quoted = vireo_command_quote (uri);
      g_string_append_printf (line, " -c %s", quoted);
    }
}

/**
 * vireo_command_for_network:
 * @uri: (nullable): the connection's URI
 * @name: (nullable): the network; unused for %VIREO_NETWORK_COMMAND_LIST
 *
 * Returns: the `virsh net-*` line for @command. For
 *   %VIREO_NETWORK_COMMAND_DEFINE it names a file, NAME.xml, that the
 *   definition would be saved in first: virsh takes no XML inline.
 */
char *
vireo_command_for_network (const char          *uri,
                           VireoNetworkCommand  command,
                           const char          *name)
{
  g_autoptr(GString) line = g_string_new ("virsh");
  g_autofree char *quoted = NULL;
  const char *verb;

  switch (command)
    {
    case VIREO_NETWORK_COMMAND_START:         verb = "net-start"; break;
    case VIREO_NETWORK_COMMAND_STOP:          verb = "net-destroy"; break;
    case VIREO_NETWORK_COMMAND_AUTOSTART_ON:  verb = "net-autostart"; break;
    case VIREO_NETWORK_COMMAND_AUTOSTART_OFF: verb = "net-autostart --disable"; break;
    case VIREO_NETWORK_COMMAND_UNDEFINE:      verb = "net-undefine"; break;
    case VIREO_NETWORK_COMMAND_DUMPXML:       verb = "net-dumpxml"; break;
    case VIREO_NETWORK_COMMAND_DHCP_LEASES:   verb = "net-dhcp-leases"; break;
    case VIREO_NETWORK_COMMAND_LIST:          verb = "net-list --all"; break;
    case VIREO_NETWORK_COMMAND_DEFINE:        verb = "net-define"; break;
    default:
      g_return_val_if_reached (NULL);
    }

  append_uri (line, uri);
  g_string_append_printf (line, " %s", verb);
  if (command == VIREO_NETWORK_COMMAND_LIST)
    return g_string_free (g_steal_pointer (&line), FALSE);

  g_return_val_if_fail (name != NULL, NULL);
  if (command == VIREO_NETWORK_COMMAND_DEFINE)
    {
      g_autofree char *file = g_strconcat (name, ".xml", NULL);
      quoted = vireo_command_quote (file);
    }
  else
    quoted = vireo_command_quote (name);
  g_string_append_printf (line, " %s", quoted);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/**
 * vireo_command_for_network_update:
 * @section: virsh's name of the section: "ip-dhcp-host", "dns-host"
 * @xml: the element, quoted as one word
 * @live: the running network (`--live`)
 * @config: its definition (`--config`)
 *
 * Returns: the `virsh net-update` line for a live change
 */
char *
vireo_command_for_network_update (const char             *uri,
                                  const char             *name,
                                  const char             *section,
                                  VireoNetworkUpdateVerb  verb,
                                  const char             *xml,
                                  gboolean                live,
                                  gboolean                config)
{
  g_autoptr(GString) line = g_string_new ("virsh");
  g_autofree char *quoted_name = NULL;
  g_autofree char *quoted_section = NULL;
  g_autofree char *quoted_xml = NULL;
  const char *command;

  g_return_val_if_fail (name != NULL && section != NULL && xml != NULL, NULL);

  switch (verb)
    {
    case VIREO_NETWORK_UPDATE_COMMAND_ADD:    command = "add-last"; break;
    case VIREO_NETWORK_UPDATE_COMMAND_MODIFY: command = "modify"; break;
    case VIREO_NETWORK_UPDATE_COMMAND_DELETE: command = "delete"; break;
    default:
      g_return_val_if_reached (NULL);
    }

  quoted_name = vireo_command_quote (name);
  quoted_section = vireo_command_quote (section);
  quoted_xml = vireo_command_quote (xml);
  append_uri (line, uri);
  g_string_append_printf (line, " net-update %s %s %s %s", quoted_name, command, quoted_section, quoted_xml);
  if (live)
    g_string_append (line, " --live");
  if (config)
    g_string_append (line, " --config");
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static void
append_restore_state (GString           *line,
                      VireoRestoreState  state)
{
  switch (state)
    {
    case VIREO_RESTORE_AS_SAVED:
      break;
    case VIREO_RESTORE_RUNNING:
      g_string_append (line, " --running");
      break;
    case VIREO_RESTORE_PAUSED:
      g_string_append (line, " --paused");
      break;
    default:
      g_return_if_reached ();
    }
}

/**
 * vireo_command_for_save:
 * @uri: (nullable): the connection's URI
 * @file: the file on the host the memory goes to
 * @state: how a restore brings the machine back
 *
 * Returns: `virsh save DOMAIN FILE [--running|--paused]`
 */
char *
vireo_command_for_save (const char        *uri,
                        const char        *domain_name,
                        const char        *file,
                        VireoRestoreState  state)
{
  g_autoptr(GString) line = g_string_new ("virsh");
  g_autofree char *quoted_name = NULL;
  g_autofree char *quoted_file = NULL;

  g_return_val_if_fail (domain_name != NULL && file != NULL, NULL);

  quoted_name = vireo_command_quote (domain_name);
  quoted_file = vireo_command_quote (file);
  append_uri (line, uri);
  g_string_append_printf (line, " save %s %s", quoted_name, quoted_file);
  append_restore_state (line, state);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/**
 * vireo_command_for_restore:
 * @uri: (nullable): the connection's URI
 * @file: a file on the host written by a save
 * @state: running or paused whatever the file says, or as saved
 *
 * Returns: `virsh restore FILE [--running|--paused]`
 */
char *
vireo_command_for_restore (const char        *uri,
                           const char        *file,
                           VireoRestoreState  state)
{
  g_autoptr(GString) line = g_string_new ("virsh");
  g_autofree char *quoted_file = NULL;

  g_return_val_if_fail (file != NULL, NULL);

  quoted_file = vireo_command_quote (file);
  append_uri (line, uri);
  g_string_append_printf (line, " restore %s", quoted_file);
  append_restore_state (line, state);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/**
 * vireo_command_for_managed_save_remove:
 * @uri: (nullable): the connection's URI
 *
 * Returns: `virsh managedsave-remove DOMAIN`: the next start boots afresh
 */
char *
vireo_command_for_managed_save_remove (const char *uri,
                                       const char *domain_name)
{
  g_autoptr(GString) line = g_string_new ("virsh");
  g_autofree char *quoted_name = NULL;

  g_return_val_if_fail (domain_name != NULL, NULL);

  quoted_name = vireo_command_quote (domain_name);
  append_uri (line, uri);
  g_string_append_printf (line, " managedsave-remove %s", quoted_name);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/**
 * vireo_command_for_clock_sync:
 * @uri: (nullable): the connection's URI
 *
 * Returns: `virsh domtime DOMAIN --sync`: the guest agent sets the guest's
 *   clock from the host's
 */
char *
vireo_command_for_clock_sync (const char *uri,
                              const char *domain_name)
{
  g_autoptr(GString) line = g_string_new ("virsh");
  g_autofree char *quoted_name = NULL;

  g_return_val_if_fail (domain_name != NULL, NULL);

  quoted_name = vireo_command_quote (domain_name);
  append_uri (line, uri);
  g_string_append_printf (line, " domtime %s --sync", quoted_name);
  return g_string_free (g_steal_pointer (&line), FALSE);
}
