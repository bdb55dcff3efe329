/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-migrate"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vireo-command.h"
#include "vireo-disk.h"
#include "vireo-migrate.h"

/*
 * The rules below are libvirt 9.0's, read in src/qemu/qemu_migration.c
 * and found word for word in Debian 12's libvirt_driver_qemu.so:
 *
 * - "offline migration must be specified with the persistent flag set"
 * - "offline migration cannot handle non-shared storage"
 * - "tunnelled offline migration does not make sense"
 * - "post-copy migration is not supported with non-live or paused migration"
 * - "post-copy is not supported with tunnelled migration"
 * - "cannot migrate domain with %d snapshots" (to another host)
 * - "Migration without shared storage is unsafe" (VIR_ERR_MIGRATE_UNSAFE):
 *   a writable file image not copied and not on a shared file system
 *   (qemuMigrationSrcIsSafe; network disks are safe, block devices are
 *   judged by their cache mode only)
 * - tunnelled migration with storage copied: the QEMU driver checks QEMU
 *   ("migration of non-shared storage is not supported with tunnelled
 *   migration and this QEMU"), and with QEMU 7.2 it gets past that and
 *   fails: `virsh migrate --live --p2p --tunnelled --copy-storage-all`
 *   between the two test daemons says "internal error: argument key
 *   'host' must not have null value". Refused here.
 *
 * Offline migration is offered for shut-off machines only; a running one
 * migrates live or paused.
 */

G_DEFINE_QUARK (vireo-migrate-error-quark, vireo_migrate_error)

/* ------------------------------------------------------------------------ */
/* Options                                                                   */

G_DEFINE_BOXED_TYPE (VireoMigrateOptions, vireo_migrate_options,
                     vireo_migrate_options_copy, vireo_migrate_options_free)

/**
 * vireo_migrate_options_new:
 *
 * Returns: (transfer full): the dialog's defaults: a live move of the
 *   machine (defined on the destination, gone from the source) over shared
 *   storage, Vireo talking to both hosts
 */
VireoMigrateOptions *
vireo_migrate_options_new (void)
{
  VireoMigrateOptions *options = g_new0 (VireoMigrateOptions, 1);

  options->mode = VIREO_MIGRATE_MODE_LIVE;
  options->storage = VIREO_MIGRATE_STORAGE_SHARED;
  options->transport = VIREO_MIGRATE_TRANSPORT_DIRECT;
  options->persistent_on_dest = TRUE;
  options->undefine_source = TRUE;
  return options;
}

VireoMigrateOptions *
vireo_migrate_options_copy (const VireoMigrateOptions *options)
{
  VireoMigrateOptions *copy;

  g_return_val_if_fail (options != NULL, NULL);

  copy = g_memdup2 (options, sizeof *options);
  copy->dest_name = g_strdup (options->dest_name);
  copy->dest_uri = g_strdup (options->dest_uri);
  copy->migrate_uri = g_strdup (options->migrate_uri);
  return copy;
}

void
vireo_migrate_options_free (VireoMigrateOptions *options)
{
  if (options == NULL)
    return;
  g_free (options->dest_name);
  g_free (options->dest_uri);
  g_free (options->migrate_uri);
  g_free (options);
}

/* ------------------------------------------------------------------------ */
/* Checks                                                                    */

static gboolean
refuse (char       **reason,
        const char  *text)
{
  if (reason != NULL)
    *reason = g_strdup (text);
  return FALSE;
}

static gboolean
is_active (const VireoMigrateSource *source)
{
  return source->state == VIREO_MIGRATE_MACHINE_RUNNING ||
         source->state == VIREO_MIGRATE_MACHINE_PAUSED;
}

static gboolean
copies_storage (VireoMigrateStorage storage)
{
  return storage != VIREO_MIGRATE_STORAGE_SHARED;
}

static gboolean
peer_to_peer (VireoMigrateTransport transport)
{
  return transport != VIREO_MIGRATE_TRANSPORT_DIRECT;
}

/* The check of one choice with @o as the other answers. */
static gboolean
check_choice (const VireoMigrateSource  *source,
              const VireoMigrateOptions *o,
              VireoMigrateChoice         choice,
              char                     **reason)
{
  switch (choice)
    {
    case VIREO_MIGRATE_CHOICE_MODE_LIVE:
    case VIREO_MIGRATE_CHOICE_MODE_PAUSED:
      if (!is_active (source))
        return refuse (reason, _("Only a running or paused machine can be moved with its memory; "
                                 "a shut-off machine moves offline"));
      if (choice == VIREO_MIGRATE_CHOICE_MODE_PAUSED && o->postcopy)
        return refuse (reason, _("Post-copy needs a live migration"));
      if (choice == VIREO_MIGRATE_CHOICE_MODE_LIVE && source->state == VIREO_MIGRATE_MACHINE_PAUSED &&
          o->postcopy)
        return refuse (reason, _("Post-copy needs a running machine; this one is paused"));
      return TRUE;

    case VIREO_MIGRATE_CHOICE_MODE_OFFLINE:
      if (source->state != VIREO_MIGRATE_MACHINE_SHUT_OFF)
        return refuse (reason, _("Only a shut-off machine moves offline; a running one moves with its memory"));
      if (!source->persistent)
        return refuse (reason, _("A transient machine has no definition to move"));
      if (copies_storage (o->storage))
        return refuse (reason, _("An offline migration moves only the definition: it cannot copy storage"));
      if (o->transport == VIREO_MIGRATE_TRANSPORT_TUNNELLED)
        return refuse (reason, _("An offline migration moves no data: it cannot be tunnelled"));
      if (!o->persistent_on_dest)
        return refuse (reason, _("An offline migration must define the machine on the destination"));
      return TRUE;

    case VIREO_MIGRATE_CHOICE_STORAGE_SHARED:
      return TRUE;

    case VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL:
    case VIREO_MIGRATE_CHOICE_STORAGE_COPY_INCREMENTAL:
      if (o->mode == VIREO_MIGRATE_MODE_OFFLINE || !is_active (source))
        return refuse (reason, _("Storage is copied by the running machine's hypervisor: "
                                 "a shut-off machine cannot copy its disks"));
      if (o->transport == VIREO_MIGRATE_TRANSPORT_TUNNELLED)
        return refuse (reason, _("libvirt 9.0 cannot copy storage through a tunnelled migration"));
      return TRUE;

    case VIREO_MIGRATE_CHOICE_TRANSPORT_DIRECT:
    case VIREO_MIGRATE_CHOICE_TRANSPORT_PEER_TO_PEER:
      return TRUE;

    case VIREO_MIGRATE_CHOICE_TRANSPORT_TUNNELLED:
      if (o->mode == VIREO_MIGRATE_MODE_OFFLINE)
        return refuse (reason, _("An offline migration moves no data: it cannot be tunnelled"));
      if (o->postcopy)
        return refuse (reason, _("Post-copy cannot be tunnelled"));
      if (copies_storage (o->storage))
        return refuse (reason, _("libvirt 9.0 cannot copy storage through a tunnelled migration"));
      return TRUE;

    case VIREO_MIGRATE_CHOICE_PERSISTENT_ON_DEST:
      return TRUE;

    case VIREO_MIGRATE_CHOICE_TRANSIENT_ON_DEST:
      if (o->mode == VIREO_MIGRATE_MODE_OFFLINE)
        return refuse (reason, _("An offline migration must define the machine on the destination"));
      return TRUE;

    case VIREO_MIGRATE_CHOICE_UNDEFINE_SOURCE:
      if (!source->persistent)
        return refuse (reason, _("A transient machine has no definition to remove"));
      return TRUE;

    case VIREO_MIGRATE_CHOICE_POSTCOPY:
      if (o->mode != VIREO_MIGRATE_MODE_LIVE)
        return refuse (reason, _("Post-copy needs a live migration"));
      if (source->state == VIREO_MIGRATE_MACHINE_PAUSED)
        return refuse (reason, _("Post-copy needs a running machine; this one is paused"));
      if (o->transport == VIREO_MIGRATE_TRANSPORT_TUNNELLED)
        return refuse (reason, _("Post-copy cannot be tunnelled"));
      return TRUE;

    case VIREO_MIGRATE_CHOICE_AUTO_CONVERGE:
    case VIREO_MIGRATE_CHOICE_MAX_DOWNTIME:
      if (o->mode != VIREO_MIGRATE_MODE_LIVE)
        return refuse (reason, _("Only a live migration has a last pass to shorten"));
      return TRUE;

    case VIREO_MIGRATE_CHOICE_BANDWIDTH:
      if (o->mode == VIREO_MIGRATE_MODE_OFFLINE)
        return refuse (reason, _("An offline migration moves no data"));
      return TRUE;

    case VIREO_MIGRATE_CHOICE_DEST_URI:
      if (!peer_to_peer (o->transport))
        return refuse (reason, _("Vireo connects to the destination itself; the source host does not"));
      return TRUE;

    case VIREO_MIGRATE_CHOICE_DEST_NAME:
      return TRUE;

    default:
      g_return_val_if_reached (FALSE);
    }
}

/* The options with the choice itself taken, so that check_choice() sees
 * the combination it would make. */
static void
apply_choice (VireoMigrateOptions *o,
              VireoMigrateChoice   choice)
{
  switch (choice)
    {
    case VIREO_MIGRATE_CHOICE_MODE_LIVE:    o->mode = VIREO_MIGRATE_MODE_LIVE; break;
    case VIREO_MIGRATE_CHOICE_MODE_PAUSED:  o->mode = VIREO_MIGRATE_MODE_PAUSED; break;
    case VIREO_MIGRATE_CHOICE_MODE_OFFLINE: o->mode = VIREO_MIGRATE_MODE_OFFLINE; break;
    case VIREO_MIGRATE_CHOICE_STORAGE_SHARED: o->storage = VIREO_MIGRATE_STORAGE_SHARED; break;
    case VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL: o->storage = VIREO_MIGRATE_STORAGE_COPY_ALL; break;
    case VIREO_MIGRATE_CHOICE_STORAGE_COPY_INCREMENTAL: o->storage = VIREO_MIGRATE_STORAGE_COPY_INCREMENTAL; break;
    case VIREO_MIGRATE_CHOICE_TRANSPORT_DIRECT: o->transport = VIREO_MIGRATE_TRANSPORT_DIRECT; break;
    case VIREO_MIGRATE_CHOICE_TRANSPORT_PEER_TO_PEER: o->transport = VIREO_MIGRATE_TRANSPORT_PEER_TO_PEER; break;
    case VIREO_MIGRATE_CHOICE_TRANSPORT_TUNNELLED: o->transport = VIREO_MIGRATE_TRANSPORT_TUNNELLED; break;
    case VIREO_MIGRATE_CHOICE_PERSISTENT_ON_DEST: o->persistent_on_dest = TRUE; break;
    case VIREO_MIGRATE_CHOICE_TRANSIENT_ON_DEST: o->persistent_on_dest = FALSE; break;
    case VIREO_MIGRATE_CHOICE_UNDEFINE_SOURCE: o->undefine_source = TRUE; break;
    case VIREO_MIGRATE_CHOICE_POSTCOPY: o->postcopy = TRUE; break;
    case VIREO_MIGRATE_CHOICE_AUTO_CONVERGE: o->auto_converge = TRUE; break;
    case VIREO_MIGRATE_CHOICE_BANDWIDTH:
    case VIREO_MIGRATE_CHOICE_MAX_DOWNTIME:
    case VIREO_MIGRATE_CHOICE_DEST_URI:
    case VIREO_MIGRATE_CHOICE_DEST_NAME:
    default:
      break;
    }
}

/**
 * vireo_migrate_check_choice:
 * @source: the machine
 * @options: the other answers
 * @choice: the choice to ask about
 * @reason: (out) (optional) (transfer full): why not
 *
 * Returns: whether the dialog may offer @choice
 */
gboolean
vireo_migrate_check_choice (const VireoMigrateSource  *source,
                            const VireoMigrateOptions *options,
                            VireoMigrateChoice         choice,
                            char                     **reason)
{
  g_autoptr(VireoMigrateOptions) o = NULL;

  g_return_val_if_fail (source != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  if (reason != NULL)
    *reason = NULL;

  o = vireo_migrate_options_copy (options);
  apply_choice (o, choice);
  return check_choice (source, o, choice, reason);
}

/* libvirt's QEMU driver refuses '/' in a name; an empty one is no name. */
static gboolean
name_is_valid (const char *name)
{
  return *name != '\0' && strchr (name, '/') == NULL && g_utf8_validate (name, -1, NULL);
}

/**
 * vireo_migrate_options_check:
 * @at_fault: (out) (optional): the choice to change
 * @reason: (out) (optional) (transfer full): why
 *
 * Returns: whether libvirt 9.0 takes the combination for @source
 */
gboolean
vireo_migrate_options_check (const VireoMigrateSource  *source,
                             const VireoMigrateOptions *options,
                             VireoMigrateChoice        *at_fault,
                             char                     **reason)
{
  struct { VireoMigrateChoice choice; gboolean taken; } taken[] = {
    { VIREO_MIGRATE_CHOICE_MODE_LIVE, options->mode == VIREO_MIGRATE_MODE_LIVE },
    { VIREO_MIGRATE_CHOICE_MODE_PAUSED, options->mode == VIREO_MIGRATE_MODE_PAUSED },
    { VIREO_MIGRATE_CHOICE_MODE_OFFLINE, options->mode == VIREO_MIGRATE_MODE_OFFLINE },
    { VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL, options->storage == VIREO_MIGRATE_STORAGE_COPY_ALL },
    { VIREO_MIGRATE_CHOICE_STORAGE_COPY_INCREMENTAL, options->storage == VIREO_MIGRATE_STORAGE_COPY_INCREMENTAL },
    { VIREO_MIGRATE_CHOICE_TRANSPORT_TUNNELLED, options->transport == VIREO_MIGRATE_TRANSPORT_TUNNELLED },
    { VIREO_MIGRATE_CHOICE_TRANSIENT_ON_DEST, !options->persistent_on_dest },
    { VIREO_MIGRATE_CHOICE_UNDEFINE_SOURCE, options->undefine_source },
    { VIREO_MIGRATE_CHOICE_POSTCOPY, options->postcopy },
    { VIREO_MIGRATE_CHOICE_AUTO_CONVERGE, options->auto_converge },
    { VIREO_MIGRATE_CHOICE_BANDWIDTH, options->bandwidth_mib_s > 0 },
    { VIREO_MIGRATE_CHOICE_MAX_DOWNTIME, options->max_downtime_ms > 0 },
  };
  VireoMigrateChoice fault = VIREO_MIGRATE_CHOICE_MODE_LIVE;
  g_autofree char *why = NULL;
  gsize i;

  g_return_val_if_fail (source != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  for (i = 0; i < G_N_ELEMENTS (taken); i++)
    if (taken[i].taken && !check_choice (source, options, taken[i].choice, &why))
      {
        fault = taken[i].choice;
        goto refused;
      }

  if (peer_to_peer (options->transport) &&
      (options->dest_uri == NULL || *options->dest_uri == '\0'))
    {
      fault = VIREO_MIGRATE_CHOICE_DEST_URI;
      why = g_strdup (_("Peer-to-peer migration needs the destination’s address as the source host sees it"));
      goto refused;
    }
  if (options->dest_name != NULL && !name_is_valid (options->dest_name))
    {
      fault = VIREO_MIGRATE_CHOICE_DEST_NAME;
      why = g_strdup (_("A machine’s name cannot be empty or contain “/”"));
      goto refused;
    }
  if (source->n_snapshots > 0)
    {
      fault = (VireoMigrateChoice) (VIREO_MIGRATE_CHOICE_MODE_LIVE + options->mode);
      why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "The machine has %u snapshot: libvirt does not migrate machines with snapshots",
                                          "The machine has %u snapshots: libvirt does not migrate machines with snapshots",
                                          source->n_snapshots),
                             source->n_snapshots);
      goto refused;
    }
  if (at_fault != NULL)
    *at_fault = fault;
  if (reason != NULL)
    *reason = NULL;
  return TRUE;

refused:
  if (at_fault != NULL)
    *at_fault = fault;
  if (reason != NULL)
    *reason = g_steal_pointer (&why);
  return FALSE;
}

/**
 * vireo_migrate_unsafe_reason:
 *
 * Returns: (transfer full) (nullable): why libvirt would refuse the
 *   migration as unsafe, or %NULL
 */
char *
vireo_migrate_unsafe_reason (const VireoMigrateSource  *source,
                             const VireoMigrateOptions *options)
{
  g_autoptr(GPtrArray) targets = NULL;
  g_autofree char *list = NULL;
  g_autoptr(GListModel) devices = NULL;
  guint i, n;

  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  /* Offline, only the definition moves; a copy takes every writable disk. */
  if (source->config == NULL || options->mode == VIREO_MIGRATE_MODE_OFFLINE ||
      copies_storage (options->storage))
    return NULL;

  targets = g_ptr_array_new_with_free_func (g_free);
  devices = vireo_domain_config_list_devices (source->config);
  n = g_list_model_get_n_items (devices);
  for (i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *type = NULL;
      g_autofree char *path = NULL;
      VireoDisk *disk;

      if (!VIREO_IS_DISK (device))
        continue;
      disk = VIREO_DISK (device);
      if (vireo_disk_get_readonly (disk))
        continue;
      type = vireo_disk_dup_source_type (disk);
      path = vireo_disk_dup_source_path (disk);
      /* An empty drive and a network disk are safe; a volume is a file or
       * a device of a pool only the host knows, judged like a file. */
      if (g_strcmp0 (type, "network") == 0 || g_strcmp0 (type, "block") == 0)
        continue;
      if (g_strcmp0 (type, "volume") != 0 && (path == NULL || *path == '\0'))
        continue;
      g_ptr_array_add (targets, vireo_disk_dup_target (disk) ?: g_strdup (path));
    }
  if (targets->len == 0)
    return NULL;
  g_ptr_array_add (targets, NULL);
  list = g_strjoinv (", ", (char **) targets->pdata);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       /* Translators: %s names a disk, e.g. vda */
                                       "Disk %s is not copied. Unless its image is on a file system both hosts share "
                                       "(NFS, GFS2, OCFS2, CephFS…), libvirt refuses this as unsafe: "
                                       "the destination would not see the source’s last writes.",
                                       /* Translators: %s is a list of disks, e.g. vda, vdb */
                                       "Disks %s are not copied. Unless their images are on a file system both hosts "
                                       "share (NFS, GFS2, OCFS2, CephFS…), libvirt refuses this as unsafe: "
                                       "the destination would not see the source’s last writes.",
                                       targets->len - 1),
                          list);
}

/* ------------------------------------------------------------------------ */
/* The virsh line                                                            */

static void
append_word (GString    *line,
             const char *word)
{
  g_autofree char *quoted = vireo_command_quote (word);

  g_string_append_c (line, ' ');
  g_string_append (line, quoted);
}

/**
 * vireo_command_for_migrate:
 * @source_uri: (nullable): the source connection's URI
 * @dest_uri: the destination as this machine sees it
 * @domain_name: the machine
 * @options: the choices
 *
 * Returns: (transfer full): the `virsh migrate` line (and a
 *   `migrate-setmaxdowntime` line for a max downtime)
 */
char *
vireo_command_for_migrate (const char                *source_uri,
                           const char                *dest_uri,
                           const char                *domain_name,
                           const VireoMigrateOptions *options)
{
  g_autoptr(GString) line = g_string_new ("virsh");
  const char *target = dest_uri;

  g_return_val_if_fail (dest_uri != NULL, NULL);
  g_return_val_if_fail (domain_name != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  if (source_uri != NULL)
    {
      g_string_append (line, " -c");
      append_word (line, source_uri);
    }
  g_string_append (line, " migrate");
  if (options->mode == VIREO_MIGRATE_MODE_LIVE)
    g_string_append (line, " --live");
  else if (options->mode == VIREO_MIGRATE_MODE_OFFLINE)
    g_string_append (line, " --offline");
  if (options->persistent_on_dest)
    g_string_append (line, " --persistent");
  if (options->undefine_source)
    g_string_append (line, " --undefinesource");
  if (options->storage == VIREO_MIGRATE_STORAGE_COPY_ALL)
    g_string_append (line, " --copy-storage-all");
  else if (options->storage == VIREO_MIGRATE_STORAGE_COPY_INCREMENTAL)
    g_string_append (line, " --copy-storage-inc");
  if (peer_to_peer (options->transport))
    {
      g_string_append (line, " --p2p");
      if (options->transport == VIREO_MIGRATE_TRANSPORT_TUNNELLED)
        g_string_append (line, " --tunnelled");
      if (options->dest_uri != NULL && *options->dest_uri != '\0')
        target = options->dest_uri;
    }
  if (options->allow_unsafe)
    g_string_append (line, " --unsafe");
  if (options->postcopy)
    g_string_append (line, " --postcopy");
  if (options->auto_converge)
    g_string_append (line, " --auto-converge");
  if (options->bandwidth_mib_s > 0)
    g_string_append_printf (line, " --bandwidth %" G_GUINT64_FORMAT, options->bandwidth_mib_s);
  if (options->dest_name != NULL)
    {
      g_string_append (line, " --dname");
      append_word (line, options->dest_name);
    }
  if (options->migrate_uri != NULL && options->transport != VIREO_MIGRATE_TRANSPORT_TUNNELLED)
    {
      g_string_append (line, " --migrateuri");
      append_word (line, options->migrate_uri);
    }
  /* "--" so that a name starting with a dash is not taken for an option. */
  g_string_append (line, " --");
  append_word (line, domain_name);
  append_word (line, target);

  if (options->max_downtime_ms > 0 && options->mode == VIREO_MIGRATE_MODE_LIVE)
    {
      g_string_append (line, "\nvirsh");
      if (source_uri != NULL)
        {
          g_string_append (line, " -c");
          append_word (line, source_uri);
        }
      g_string_append (line, " migrate-setmaxdowntime --");
      append_word (line, domain_name);
      g_string_append_printf (line, " %" G_GUINT64_FORMAT, options->max_downtime_ms);
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* ------------------------------------------------------------------------ */
/* Progress                                                                  */

G_DEFINE_BOXED_TYPE (VireoMigrateProgress, vireo_migrate_progress,
                     vireo_migrate_progress_copy, vireo_migrate_progress_free)

VireoMigrateProgress *
vireo_migrate_progress_new (void)
{
  return g_new0 (VireoMigrateProgress, 1);
}

VireoMigrateProgress *
vireo_migrate_progress_copy (const VireoMigrateProgress *progress)
{
  VireoMigrateProgress *copy;

  g_return_val_if_fail (progress != NULL, NULL);

  copy = g_memdup2 (progress, sizeof *progress);
  copy->error_message = g_strdup (progress->error_message);
  return copy;
}

void
vireo_migrate_progress_free (VireoMigrateProgress *progress)
{
  if (progress == NULL)
    return;
  g_free (progress->error_message);
  g_free (progress);
}

static gboolean
parse_u64 (const char *text,
           guint64    *value)
{
  guint64 v;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &v, NULL))
    return FALSE;
  *value = v;
  return TRUE;
}

/* The job-statistics names (libvirt's VIR_DOMAIN_JOB_* macros) and where
 * each goes. */
static const struct
{
  const char *name;
  gsize       offset;
  int         group;   /* 1 data, 2 memory, 3 disk, 0 none */
} fields[] = {
  { "time_elapsed",             G_STRUCT_OFFSET (VireoMigrateProgress, elapsed_ms), 0 },
  { "data_total",               G_STRUCT_OFFSET (VireoMigrateProgress, data_total), 1 },
  { "data_processed",           G_STRUCT_OFFSET (VireoMigrateProgress, data_processed), 1 },
  { "data_remaining",           G_STRUCT_OFFSET (VireoMigrateProgress, data_remaining), 1 },
  { "memory_total",             G_STRUCT_OFFSET (VireoMigrateProgress, memory_total), 2 },
  { "memory_processed",         G_STRUCT_OFFSET (VireoMigrateProgress, memory_processed), 2 },
  { "memory_remaining",         G_STRUCT_OFFSET (VireoMigrateProgress, memory_remaining), 2 },
  { "memory_bps",               G_STRUCT_OFFSET (VireoMigrateProgress, memory_bps), 2 },
  { "memory_dirty_rate",        G_STRUCT_OFFSET (VireoMigrateProgress, memory_dirty_rate), 2 },
  { "memory_iteration",         G_STRUCT_OFFSET (VireoMigrateProgress, memory_iteration), 2 },
  { "memory_postcopy_requests", G_STRUCT_OFFSET (VireoMigrateProgress, postcopy_requests), 2 },
  { "disk_total",               G_STRUCT_OFFSET (VireoMigrateProgress, disk_total), 3 },
  { "disk_processed",           G_STRUCT_OFFSET (VireoMigrateProgress, disk_processed), 3 },
  { "disk_remaining",           G_STRUCT_OFFSET (VireoMigrateProgress, disk_remaining), 3 },
  { "disk_bps",                 G_STRUCT_OFFSET (VireoMigrateProgress, disk_bps), 3 },
  { "auto_converge_throttle",   G_STRUCT_OFFSET (VireoMigrateProgress, auto_converge_throttle), 0 },
};

/**
 * vireo_migrate_progress_parse:
 * @type: the job's type
 * @stats: (array length=n_stats): the statistics as text
 * @postcopy: the machine's state reason is post-copy
 *
 * Returns: (transfer full): the reading
 */
VireoMigrateProgress *
vireo_migrate_progress_parse (VireoMigrateJobType     type,
                              const VireoMigrateStat *stats,
                              gsize                   n_stats,
                              gboolean                postcopy)
{
  VireoMigrateProgress *p = vireo_migrate_progress_new ();
  guint64 downtime = 0;
  gboolean has_downtime = FALSE;
  gsize i, f;

  g_return_val_if_fail (stats != NULL || n_stats == 0, p);

  for (i = 0; i < n_stats; i++)
    {
      guint64 value;

      if (stats[i].name == NULL)
        continue;
      if (strcmp (stats[i].name, "errmsg") == 0)
        {
          g_free (p->error_message);
          p->error_message = g_strdup (stats[i].value);
          continue;
        }
      if (!parse_u64 (stats[i].value, &value))
        continue;
      if (strcmp (stats[i].name, "downtime") == 0)
        {
          downtime = value;
          has_downtime = TRUE;
          continue;
        }
      for (f = 0; f < G_N_ELEMENTS (fields); f++)
        if (strcmp (stats[i].name, fields[f].name) == 0)
          {
            G_STRUCT_MEMBER (guint64, p, fields[f].offset) = value;
            p->has_data |= fields[f].group == 1;
            p->has_memory |= fields[f].group == 2;
            p->has_disk |= fields[f].group == 3;
            break;
          }
    }

  /* "downtime" is the expected one while the job runs and the real one
   * once it completed (libvirt's VIR_DOMAIN_JOB_DOWNTIME). */
  if (has_downtime)
    {
      if (type == VIREO_MIGRATE_JOB_COMPLETED)
        p->downtime_ms = downtime;
      else
        p->expected_downtime_ms = downtime;
    }

  if (p->data_total > 0)
    p->fraction = (double) (p->data_total - MIN (p->data_remaining, p->data_total)) / (double) p->data_total;

  p->postcopy_active = postcopy;
  switch (type)
    {
    case VIREO_MIGRATE_JOB_BOUNDED:
    case VIREO_MIGRATE_JOB_UNBOUNDED:
      if (postcopy)
        p->phase = VIREO_MIGRATE_PHASE_POSTCOPY;
      /* With copy storage the disks go first (libvirt's NBD mirror) and
       * QEMU's memory passes start once they are in step. */
      else if (p->disk_total > 0 && p->memory_processed == 0 && p->memory_iteration == 0)
        p->phase = VIREO_MIGRATE_PHASE_STORAGE;
      else
        p->phase = VIREO_MIGRATE_PHASE_MEMORY;
      break;
    case VIREO_MIGRATE_JOB_COMPLETED:
      p->phase = VIREO_MIGRATE_PHASE_COMPLETED;
      p->fraction = 1.0;
      break;
    case VIREO_MIGRATE_JOB_FAILED:
      p->phase = VIREO_MIGRATE_PHASE_FAILED;
      break;
    case VIREO_MIGRATE_JOB_CANCELLED:
      p->phase = VIREO_MIGRATE_PHASE_CANCELLED;
      break;
    case VIREO_MIGRATE_JOB_NONE:
    default:
      p->phase = VIREO_MIGRATE_PHASE_NONE;
      break;
    }
  return p;
}

/**
 * vireo_migrate_progress_parse_text:
 * @text: "name=value" lines
 *
 * Returns: (transfer full): the reading
 */
VireoMigrateProgress *
vireo_migrate_progress_parse_text (const char *text)
{
  g_auto(GStrv) lines = NULL;
  g_autoptr(GArray) stats = g_array_new (FALSE, FALSE, sizeof (VireoMigrateStat));
  guint64 type = VIREO_MIGRATE_JOB_NONE, postcopy = 0;
  gsize i;

  g_return_val_if_fail (text != NULL, vireo_migrate_progress_new ());

  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *eq;
      VireoMigrateStat stat;

      if (*line == '\0' || *line == '#' || (eq = strchr (line, '=')) == NULL)
        continue;
      *eq = '\0';
      if (strcmp (line, "type") == 0)
        parse_u64 (eq + 1, &type);
      else if (strcmp (line, "postcopy") == 0)
        parse_u64 (eq + 1, &postcopy);
      else
        {
          stat.name = line;
          stat.value = eq + 1;
          g_array_append_val (stats, stat);
        }
    }
  return vireo_migrate_progress_parse ((VireoMigrateJobType) MIN (type, VIREO_MIGRATE_JOB_CANCELLED),
                                       (const VireoMigrateStat *) (gpointer) stats->data, stats->len,
                                       postcopy != 0);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */

/* libvirt 9.0's words (libvirt.so and libvirt_driver_qemu.so), the first
 * that a message contains deciding; case is ignored. */
static const struct
{
  const char            *words;
  VireoMigrateErrorKind  kind;
} messages[] = {
  { "canceled by client", VIREO_MIGRATE_ERROR_CANCELLED },
  { "migration to the same host", VIREO_MIGRATE_ERROR_SAME_HOST },
  { "migrate guest to the same host", VIREO_MIGRATE_ERROR_SAME_HOST },
  { "already exists with uuid", VIREO_MIGRATE_ERROR_NAME_TAKEN },
  { "is already defined with uuid", VIREO_MIGRATE_ERROR_NAME_TAKEN },
  { "domain with name", VIREO_MIGRATE_ERROR_NAME_TAKEN },   /* "... '%s' already exists" */
  { "is already active", VIREO_MIGRATE_ERROR_NAME_TAKEN },
  { "migration is unsafe", VIREO_MIGRATE_ERROR_UNSAFE },
  { "migration without shared storage is unsafe", VIREO_MIGRATE_ERROR_UNSAFE },
  { "may lead to data corruption", VIREO_MIGRATE_ERROR_UNSAFE },
  { "cpus are incompatible", VIREO_MIGRATE_ERROR_CPU_INCOMPATIBLE },
  { "cpu is incompatible", VIREO_MIGRATE_ERROR_CPU_INCOMPATIBLE },
  { "does not provide required features", VIREO_MIGRATE_ERROR_CPU_INCOMPATIBLE },
  { "guest cpu doesn't match", VIREO_MIGRATE_ERROR_CPU_INCOMPATIBLE },
  { "cannot access storage file", VIREO_MIGRATE_ERROR_STORAGE_MISSING },
  { "cannot precreate storage", VIREO_MIGRATE_ERROR_STORAGE_MISSING },
  { "unable to stat", VIREO_MIGRATE_ERROR_STORAGE_MISSING },
  { "could not open", VIREO_MIGRATE_ERROR_STORAGE_MISSING },
  { "no storage pool with matching target path", VIREO_MIGRATE_ERROR_STORAGE_MISSING },
  { "unable to connect to server", VIREO_MIGRATE_ERROR_UNREACHABLE },
  { "connection refused", VIREO_MIGRATE_ERROR_UNREACHABLE },
  { "no route to host", VIREO_MIGRATE_ERROR_UNREACHABLE },
  { "network is unreachable", VIREO_MIGRATE_ERROR_UNREACHABLE },
  { "failed to connect", VIREO_MIGRATE_ERROR_UNREACHABLE },
  { "lost connection to destination host", VIREO_MIGRATE_ERROR_UNREACHABLE },
  { "cannot migrate domain with", VIREO_MIGRATE_ERROR_UNSUPPORTED },
  { "cannot migrate a domain with", VIREO_MIGRATE_ERROR_UNSUPPORTED },
  { "is not supported with", VIREO_MIGRATE_ERROR_UNSUPPORTED },
  { "offline migration", VIREO_MIGRATE_ERROR_UNSUPPORTED },
  { "does not make sense", VIREO_MIGRATE_ERROR_UNSUPPORTED },
  { "cannot be migrated", VIREO_MIGRATE_ERROR_UNSUPPORTED },
};

/**
 * vireo_migrate_classify_message:
 * @message: (nullable): libvirt's message
 *
 * Returns: what it means
 */
VireoMigrateErrorKind
vireo_migrate_classify_message (const char *message)
{
  g_autofree char *folded = NULL;
  gsize i;

  if (message == NULL)
    return VIREO_MIGRATE_ERROR_OTHER;
  folded = g_ascii_strdown (message, -1);
  for (i = 0; i < G_N_ELEMENTS (messages); i++)
    if (strstr (folded, messages[i].words) != NULL)
      return messages[i].kind;
  return VIREO_MIGRATE_ERROR_OTHER;
}

/**
 * vireo_migrate_error_kind_explain:
 *
 * Returns: (transfer none): the user's sentence, "" for OTHER
 */
const char *
vireo_migrate_error_kind_explain (VireoMigrateErrorKind kind)
{
  switch (kind)
    {
    case VIREO_MIGRATE_ERROR_CPU_INCOMPATIBLE:
      return _("The destination’s processor lacks features the machine uses. "
               "Choose a CPU model both hosts have for the machine, or migrate to a similar host.");
    case VIREO_MIGRATE_ERROR_STORAGE_MISSING:
      return _("A disk image of the machine is not on the destination. "
               "Copy storage, or make the image reachable there at the same path.");
    case VIREO_MIGRATE_ERROR_NAME_TAKEN:
      return _("The destination already has a machine of that name. "
               "Migrate under another name, or rename or remove the other machine.");
    case VIREO_MIGRATE_ERROR_SAME_HOST:
      return _("Both connections lead to the same host: a machine cannot migrate to where it is.");
    case VIREO_MIGRATE_ERROR_UNSAFE:
      return _("libvirt calls this migration unsafe: the disks are neither copied nor on storage both hosts share. "
               "Copy storage, or allow unsafe migration if the storage is shared after all.");
    case VIREO_MIGRATE_ERROR_UNREACHABLE:
      return _("The destination could not be reached. Check its address and that it accepts migrations.");
    case VIREO_MIGRATE_ERROR_UNSUPPORTED:
      return _("libvirt cannot migrate this machine with these options.");
    case VIREO_MIGRATE_ERROR_CANCELLED:
      return _("The migration was cancelled.");
    case VIREO_MIGRATE_ERROR_OTHER:
    default:
      return "";
    }
}
