/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-snapshot-ops"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-connection-private.h"
#include "vireo-snapshot-ops.h"
#include "vireo-job-watch-private.h"
#include "vireo-virt-error.h"
#include "vireo-worker.h"
#include "vireo-xml.h"

/*
 * A machine's snapshots. Each call is a GTask whose thread function runs on
 * the connection's ops worker (vireo_connection_run), looks the machine up
 * by UUID there (so a VireoDomain stays usable across reconnects) and
 * returns plain data; the UI builds the documents with
 * app/model/vireo-snapshot.h and the virsh lines with
 * vireo_command_for_snapshot().
 *
 * The screenshot is read whole on the worker, decoded, scaled and encoded
 * as PNG with gdk-pixbuf (GLib-only, no GTK), because libvirt hands over
 * whatever the hypervisor wrote at full size: a PNG from QEMU 7.2 under
 * libvirt 9.0 and from the test driver, a PPM from older QEMU.
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (virDomainSnapshot, virDomainSnapshotFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virStream, virStreamFree)

/* A screen is at most a few megabytes (a 4K PPM is 24 MiB); anything
 * larger is not a picture Vireo should hold in memory for a thumbnail. */
#define SCREENSHOT_MAX_BYTES (64 * 1024 * 1024)
#define CHUNK                (64 * 1024)

typedef struct
{
  char         *uuid;
  char         *name;        /* the snapshot's */
  char         *xml;
  unsigned int  flags;       /* libvirt's */
  guint         max_width;
  guint         max_height;
  GStrv         files;       /* find_file_users */
  char         *folder;      /* snapshot_space */
  gboolean      local;       /* the host's files are this computer's */
  gboolean      measure;     /* snapshot_space: statvfs may be asked */
  VireoJobWatch *watch;      /* (nullable) delete with progress */
} SnapshotData;

static void
snapshot_data_free (gpointer data)
{
  SnapshotData *d = data;

  g_free (d->uuid);
  g_free (d->name);
  g_free (d->xml);
  g_strfreev (d->files);
  g_free (d->folder);
  g_clear_pointer (&d->watch, _vireo_job_watch_unref);
  g_free (d);
}

/* ------------------------------------------------------------------------ */
/* Shared steps                                                              */

/* Main thread: a domain its connection dropped has nothing to act on. */
static GTask *
task_for (VireoDomain         *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          SnapshotData       **data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (vireo_domain_get_connection (self) == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN,
                               _("The virtual machine no longer exists"));
      g_object_unref (task);
      return NULL;
    }
  *data = g_new0 (SnapshotData, 1);
  (*data)->uuid = g_strdup (vireo_domain_get_uuid (self));
  (*data)->local = !vireo_connection_get_is_remote (vireo_domain_get_connection (self));
  g_task_set_task_data (task, *data, snapshot_data_free);
  return task;
}

static virDomainSnapshotPtr
lookup_snapshot (GTask        *task,
                 virDomainPtr  dom,
                 const char   *name)
{
  virDomainSnapshotPtr snap = virDomainSnapshotLookupByName (dom, name, 0);

  if (snap == NULL)
    {
      /* Translators: %s is a snapshot's name */
      g_autofree char *what = g_strdup_printf (_("Could not find the snapshot “%s”"), name);
      g_task_return_error (task, _vireo_error_from_last (what));
    }
  return snap;
}

/* A snapshot listed a moment ago and deleted (by virsh, another Vireo)
 * before its document was read: skipped, not a failed listing. Not
 * _vireo_item_vanished(): a machine that is gone must fail the listing. */
static gboolean
snapshot_vanished (void)
{
  if (virGetLastErrorCode () != VIR_ERR_NO_DOMAIN_SNAPSHOT)
    return FALSE;
  virResetLastError ();
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* List                                                                      */

static int
compare_snapshots (gconstpointer a,
                   gconstpointer b)
{
  const VireoSnapshotInfo *sa = *(VireoSnapshotInfo * const *) a;
  const VireoSnapshotInfo *sb = *(VireoSnapshotInfo * const *) b;

  if (sa->creation_time != sb->creation_time)
    return sa->creation_time < sb->creation_time ? -1 : 1;
  return g_strcmp0 (sa->name, sb->name);
}

/* Returns: (nullable): the snapshot's data; NULL with @error unset when it
 * vanished meanwhile */
static VireoSnapshotInfo *
read_snapshot (virDomainSnapshotPtr   snap,
               GError               **error)
{
  g_autoptr(VireoSnapshotInfo) info = NULL;
  g_autoptr(GError) parse_error = NULL;
  char *xml;
  int current;

  xml = virDomainSnapshotGetXMLDesc (snap, 0);
  if (xml == NULL)
    {
      if (!snapshot_vanished ())
        g_propagate_error (error, _vireo_error_from_last (_("Could not read a snapshot")));
      return NULL;
    }
  info = vireo_snapshot_info_new_from_xml (xml, &parse_error);
  free (xml);
  if (info == NULL)
    {
      g_set_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                   /* Translators: the first %s is a snapshot's name, the second why */
                   _("The snapshot “%s” could not be read: %s"),
                   virDomainSnapshotGetName (snap), parse_error->message);
      return NULL;
    }
  current = virDomainSnapshotIsCurrent (snap, 0);
  if (current < 0)
    {
      if (!snapshot_vanished ())
        g_propagate_error (error, _vireo_error_from_last (_("Could not read a snapshot")));
      return NULL;
    }
  info->current = current == 1;
  return g_steal_pointer (&info);
}

static void
list_snapshots_thread (GTask        *task,
                       virConnectPtr conn,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  SnapshotData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  g_autoptr(GPtrArray) list = NULL;
  virDomainSnapshotPtr *snaps = NULL;
  GError *error = NULL;
  int n;

  if (dom == NULL)
    return;
  n = virDomainListAllSnapshots (dom, &snaps, 0);
  if (n < 0)
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not list the snapshots")));
      return;
    }

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_snapshot_info_free);
  for (int i = 0; i < n; i++)
    {
      if (error == NULL)
        {
          VireoSnapshotInfo *info = read_snapshot (snaps[i], &error);

          if (info != NULL)
            g_ptr_array_add (list, info);
        }
      virDomainSnapshotFree (snaps[i]);
    }
  free (snaps);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_sort (list, compare_snapshots);
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_domain_list_snapshots_async:
 *
 * Reads every snapshot of the machine (`virsh snapshot-list`), each
 * document parsed, with `current` set on the one libvirt calls current.
 */
void
vireo_domain_list_snapshots_async (VireoDomain         *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  SnapshotData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  task = task_for (self, vireo_domain_list_snapshots_async, cancellable, callback, user_data, &d);
  if (task != NULL)
    vireo_connection_run (vireo_domain_get_connection (self), task, list_snapshots_thread);
}

/**
 * vireo_domain_list_snapshots_finish:
 *
 * Returns: (transfer container) (element-type VireoSnapshotInfo): the
 *   snapshots, oldest first (ties by name), or %NULL with @error set
 */
GPtrArray *
vireo_domain_list_snapshots_finish (VireoDomain   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Create and redefine                                                       */

static void
create_snapshot_thread (GTask        *task,
                        virConnectPtr conn,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  SnapshotData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  g_autoptr(virDomainSnapshot) snap = NULL;

  if (dom == NULL)
    return;
  snap = virDomainSnapshotCreateXML (dom, d->xml, d->flags);
  if (snap == NULL)
    {
      g_task_return_error (task, _vireo_error_from_last ((d->flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE) != 0
                                                         ? _("The snapshot could not be changed")
                                                         : _("The snapshot could not be taken")));
      return;
    }
  g_task_return_pointer (task, g_strdup (virDomainSnapshotGetName (snap)), g_free);
}

/**
 * vireo_domain_create_snapshot_async:
 * @xml: a `<domainsnapshot>` document (vireo_snapshot_build_xml())
 * @disk_only: an external snapshot of the disks alone
 *
 * Takes a snapshot (`virsh snapshot-create`). ATOMIC: should any disk
 * fail, libvirt undoes the others and removes the overlays it made.
 */
void
vireo_domain_create_snapshot_async (VireoDomain         *self,
                                    const char          *xml,
                                    gboolean             disk_only,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  SnapshotData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (xml != NULL);

  task = task_for (self, vireo_domain_create_snapshot_async, cancellable, callback, user_data, &d);
  if (task == NULL)
    return;
  d->xml = g_strdup (xml);
  d->flags = VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC | (disk_only ? VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY : 0);
  vireo_connection_run (vireo_domain_get_connection (self), task, create_snapshot_thread);
}

/**
 * vireo_domain_create_snapshot_finish:
 *
 * Returns: (transfer full): the new snapshot's name, or %NULL with @error
 *   set (libvirt's message)
 */
char *
vireo_domain_create_snapshot_finish (VireoDomain   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_domain_create_snapshot_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * vireo_domain_redefine_snapshot_async:
 * @xml: a snapshot's whole document as libvirt wrote it, edited
 * @current: it is the current snapshot, and stays so
 *
 * `virsh snapshot-create --redefine`: replaces libvirt's record of an
 * existing snapshot (its description, say); the images are untouched.
 */
void
vireo_domain_redefine_snapshot_async (VireoDomain         *self,
                                      const char          *xml,
                                      gboolean             current,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  SnapshotData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (xml != NULL);

  task = task_for (self, vireo_domain_redefine_snapshot_async, cancellable, callback, user_data, &d);
  if (task == NULL)
    return;
  d->xml = g_strdup (xml);
  /* Without CURRENT a redefined current snapshot would stop being it. */
  d->flags = VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | (current ? VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT : 0);
  vireo_connection_run (vireo_domain_get_connection (self), task, create_snapshot_thread);
}

gboolean
vireo_domain_redefine_snapshot_finish (VireoDomain   *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_domain_redefine_snapshot_async), FALSE);
  name = g_task_propagate_pointer (G_TASK (result), error);
  return name != NULL;
}

/* ------------------------------------------------------------------------ */
/* Revert and delete                                                         */

static void
revert_snapshot_thread (GTask        *task,
                        virConnectPtr conn,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  SnapshotData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  g_autoptr(virDomainSnapshot) snap = NULL;

  if (dom == NULL || (snap = lookup_snapshot (task, dom, d->name)) == NULL)
    return;
  if (virDomainRevertToSnapshot (snap, d->flags) < 0)
    {
      /* Translators: %s is a snapshot's name */
      g_autofree char *what = g_strdup_printf (_("Could not go back to the snapshot “%s”"), d->name);
      g_task_return_error (task, _vireo_error_from_last (what));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * vireo_domain_revert_snapshot_async:
 * @name: the snapshot
 * @flags: RUNNING or PAUSED to say how the machine should be afterwards
 *   (default: as the snapshot recorded it); FORCE to go ahead where
 *   libvirt calls the revert risky
 *
 * `virsh snapshot-revert`. The machine's new state arrives through
 * libvirt's events. libvirt 9.0 reverts to internal snapshots only ("revert
 * to external snapshot not supported yet").
 */
void
vireo_domain_revert_snapshot_async (VireoDomain              *self,
                                    const char               *name,
                                    VireoSnapshotRevertFlags  flags,
                                    GCancellable             *cancellable,
                                    GAsyncReadyCallback       callback,
                                    gpointer                  user_data)
{
  SnapshotData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (name != NULL);

  task = task_for (self, vireo_domain_revert_snapshot_async, cancellable, callback, user_data, &d);
  if (task == NULL)
    return;
  d->name = g_strdup (name);
  if (flags & VIREO_SNAPSHOT_REVERT_RUNNING)
    d->flags |= VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING;
  if (flags & VIREO_SNAPSHOT_REVERT_PAUSED)
    d->flags |= VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED;
  if (flags & VIREO_SNAPSHOT_REVERT_FORCE)
    d->flags |= VIR_DOMAIN_SNAPSHOT_REVERT_FORCE;
  vireo_connection_run (vireo_domain_get_connection (self), task, revert_snapshot_thread);
}

gboolean
vireo_domain_revert_snapshot_finish (VireoDomain   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static unsigned int
delete_flags (VireoSnapshotDeleteMode mode)
{
  switch (mode)
    {
    case VIREO_SNAPSHOT_DELETE_TREE:
      return VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN;
    case VIREO_SNAPSHOT_DELETE_METADATA_ONLY:
      return VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY;
    case VIREO_SNAPSHOT_DELETE_ONE:
    default:
      return 0;
    }
}

static void
delete_snapshot_thread (GTask        *task,
                        virConnectPtr conn,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  SnapshotData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  g_autoptr(virDomainSnapshot) snap = NULL;

  if (dom == NULL || (snap = lookup_snapshot (task, dom, d->name)) == NULL)
    return;
  if (virDomainSnapshotDelete (snap, d->flags) < 0)
    {
      /* Translators: %s is a snapshot's name */
      g_autofree char *what = g_strdup_printf (_("Could not delete the snapshot “%s”"), d->name);
      g_task_return_error (task, _vireo_error_from_last (what));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * vireo_domain_delete_snapshot_async:
 * @name: the snapshot
 * @mode: the snapshot alone, with everything under it, or libvirt's
 *   record only
 *
 * `virsh snapshot-delete`. libvirt 9.0 deletes external snapshots of a
 * QEMU machine too, running or shut off, merging each overlay into the
 * image below and removing it. It refuses (and changes nothing): a shut
 * off machine's external snapshot that has children ("could not find base
 * disk source in disk source chain"; running, it works), TREE over
 * external ones ("deletion of external children disk snapshots not
 * supported"), and an external one whose parent is internal. libvirt's
 * words come back as they are.
 */
void
vireo_domain_delete_snapshot_async (VireoDomain             *self,
                                    const char              *name,
                                    VireoSnapshotDeleteMode  mode,
                                    GCancellable            *cancellable,
                                    GAsyncReadyCallback      callback,
                                    gpointer                 user_data)
{
  SnapshotData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (name != NULL);

  task = task_for (self, vireo_domain_delete_snapshot_async, cancellable, callback, user_data, &d);
  if (task == NULL)
    return;
  d->name = g_strdup (name);
  d->flags = delete_flags (mode);
  vireo_connection_run (vireo_domain_get_connection (self), task, delete_snapshot_thread);
}

gboolean
vireo_domain_delete_snapshot_finish (VireoDomain   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Delete with progress                                                      */

/* libvirt 9.0 runs the merge of an external snapshot's overlay as a block
 * commit job of each disk in turn, inside virDomainSnapshotDelete, and
 * answers virDomainGetBlockJobInfo about it meanwhile (checked: 700 MiB
 * merged in about 150 ms, both on a running machine and on a shut-off
 * one, for which libvirt starts QEMU paused; before that QEMU runs, the
 * query says "domain is not running"). It is followed from a
 * VireoJobWatch (vireo-job-watch.c) beside the delete, on local
 * connections only, as a save is (vireo-save-restore.c says why). */
#define DELETE_POLL_MS 100

/* Plain data, owned by the delete's watch. The last reference may go on
 * any thread: func_data is released before, on the main thread
 * (release_progress). */
typedef struct
{
  /* Set by the delete's thread before the watch starts, then read-only. */
  GStrv                      targets;

  /* The watch thread only. */
  gboolean                  *seen;         /* per target: its merge was seen */
  double                    *part;         /* per target: how far it is */
  double                     fraction;     /* delivered last; < 0 until a job was seen */

  /* Main thread only. */
  VireoSnapshotProgressFunc  func;
  gpointer                   func_data;
  GDestroyNotify             func_notify;
} DeleteShared;

static void
delete_shared_free (gpointer data)
{
  DeleteShared *s = data;

  g_strfreev (s->targets);
  g_free (s->seen);
  g_free (s->part);
  g_free (s);
}

/* Main thread. */
static void
deliver_delete_progress (gpointer reading,
                         gpointer data)
{
  DeleteShared *s = data;

  if (s->func != NULL)
    s->func (*(double *) reading, s->func_data);
}

/* Main thread: no more progress; later deliveries find no function. */
static gboolean
release_progress (gpointer data)
{
  DeleteShared *s = _vireo_job_watch_get_data (data);
  GDestroyNotify notify = s->func_notify;
  gpointer func_data = s->func_data;

  s->func = NULL;
  s->func_data = NULL;
  s->func_notify = NULL;
  if (notify != NULL)
    notify (func_data);
  return G_SOURCE_REMOVE;
}

/* Watch thread: each merged disk's block job, the whole as the mean. */
static VireoJobWatchPoll
poll_merge (virDomainPtr  dom,
            gpointer      data,
            gpointer     *reading)
{
  DeleteShared *s = data;
  guint n = g_strv_length (s->targets);
  gboolean any = FALSE, supported = TRUE;
  double sum = 0;

  for (guint i = 0; i < n; i++)
    {
      virDomainBlockJobInfo info;
      int r = virDomainGetBlockJobInfo (dom, s->targets[i], &info, 0);

      if (r == 1 && info.end > 0)
        {
          s->seen[i] = TRUE;
          s->part[i] = MAX (s->part[i], MIN (1.0, (double) info.cur / (double) info.end));
        }
      else if (r == 0 && s->seen[i])
        s->part[i] = 1.0;   /* its merge is over; the next disk's may follow */
      else if (r < 0)
        {
          /* Before QEMU runs (a shut-off machine) the query fails; go on. */
          if (virGetLastErrorCode () == VIR_ERR_NO_SUPPORT)
            supported = FALSE;
          virResetLastError ();
        }
      any |= s->seen[i];
      sum += s->part[i];
    }

  if (any && sum / n > s->fraction)
    {
      s->fraction = sum / n;
      *reading = g_memdup2 (&s->fraction, sizeof s->fraction);
    }
  if (!supported)
    return VIREO_JOB_WATCH_UNSUPPORTED;
  return any ? VIREO_JOB_WATCH_SEEN : VIREO_JOB_WATCH_NOTHING;
}

static const VireoJobWatchSpec delete_watch = {
  .thread_name    = "vireo-snapshot-poll",
  .first_poll_ms  = DELETE_POLL_MS,
  .poll_ms        = DELETE_POLL_MS,
  .abort_retry_ms = 0,   /* nothing cancels a delete */
  .poll           = poll_merge,
  .deliver        = deliver_delete_progress,
  .reading_free   = g_free,
};

/* The disks whose overlays a delete of @snap merges: NULL when none (an
 * internal snapshot). */
static GStrv
merged_targets (virDomainSnapshotPtr snap)
{
  g_autoptr(VireoSnapshotInfo) info = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) targets = NULL;
  char *xml = virDomainSnapshotGetXMLDesc (snap, 0);

  if (xml == NULL)
    {
      virResetLastError ();
      return NULL;
    }
  info = vireo_snapshot_info_new_from_xml (xml, NULL);
  free (xml);
  if (info == NULL || info->location != VIREO_SNAPSHOT_EXTERNAL)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < info->disks->len; i++)
    {
      VireoSnapshotDisk *disk = g_ptr_array_index (info->disks, i);

      if (g_strcmp0 (disk->snapshot, "external") == 0 && disk->target != NULL)
        g_strv_builder_add (builder, disk->target);
    }
  targets = g_strv_builder_end (builder);
  return targets[0] != NULL ? g_steal_pointer (&targets) : NULL;
}

static void
delete_with_progress_thread (GTask        *task,
                             virConnectPtr conn,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  SnapshotData *d = task_data;
  DeleteShared *s = _vireo_job_watch_get_data (d->watch);
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  g_autoptr(virDomainSnapshot) snap = NULL;
  GError *error = NULL;

  if (dom != NULL && (snap = lookup_snapshot (task, dom, d->name)) != NULL)
    {
      if (d->local && (d->flags & VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY) == 0)
        s->targets = merged_targets (snap);
      if (s->targets != NULL)
        {
          s->seen = g_new0 (gboolean, g_strv_length (s->targets));
          s->part = g_new0 (double, g_strv_length (s->targets));
        }
      /* Nothing cancels a delete: it always begins. Without external
       * disks there is no merge to follow. */
      _vireo_job_watch_begin (d->watch, s->targets != NULL ? dom : NULL);
      if (virDomainSnapshotDelete (snap, d->flags) < 0)
        {
          /* Translators: %s is a snapshot's name */
          g_autofree char *what = g_strdup_printf (_("Could not delete the snapshot “%s”"), d->name);
          error = _vireo_error_from_last (what);
        }
      _vireo_job_watch_end (d->watch);
    }
  vireo_main_invoke (release_progress, _vireo_job_watch_ref (d->watch), _vireo_job_watch_unref,
                     G_PRIORITY_DEFAULT);
  if (dom == NULL || snap == NULL)
    return;   /* the task is answered */
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_domain_delete_snapshot_with_progress_async:
 * @progress: (nullable): called on the main thread as the merge goes on
 * @progress_notify: (nullable): frees @progress_data
 *
 * `virsh snapshot-delete`, with the merge's progress.
 */
void
vireo_domain_delete_snapshot_with_progress_async (VireoDomain               *self,
                                                  const char                *name,
                                                  VireoSnapshotDeleteMode    mode,
                                                  VireoSnapshotProgressFunc  progress,
                                                  gpointer                   progress_data,
                                                  GDestroyNotify             progress_notify,
                                                  GCancellable              *cancellable,
                                                  GAsyncReadyCallback        callback,
                                                  gpointer                   user_data)
{
  SnapshotData *d;
  DeleteShared *s;
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (name != NULL);

  task = task_for (self, vireo_domain_delete_snapshot_async, cancellable, callback, user_data, &d);
  if (task == NULL)
    {
      if (progress_notify != NULL)
        progress_notify (progress_data);
      return;
    }
  d->name = g_strdup (name);
  d->flags = delete_flags (mode);
  s = g_new0 (DeleteShared, 1);
  s->fraction = -1;
  s->func = progress;
  s->func_data = progress_data;
  s->func_notify = progress_notify;
  d->watch = _vireo_job_watch_new (&delete_watch, s, delete_shared_free);
  vireo_connection_run (vireo_domain_get_connection (self), task, delete_with_progress_thread);
}

/* ------------------------------------------------------------------------ */
/* Who else reads a file                                                     */

void
vireo_snapshot_file_user_free (VireoSnapshotFileUser *user)
{
  if (user == NULL)
    return;
  g_free (user->path);
  g_free (user->machine);
  g_free (user->snapshot);
  g_free (user);
}

/* The backing file named in a qcow2 image's header (local files only), or
 * NULL. Relative names are relative to the image's folder, as in QEMU. */
static char *
qcow2_backing_file (const char *path)
{
  guint8 head[20];
  guint64 offset;
  guint32 size;
  g_autofree char *name = NULL;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return NULL;
  if (pread (fd, head, sizeof head, 0) != (ssize_t) sizeof head || memcmp (head, "QFI\xfb", 4) != 0)
    {
      close (fd);
      return NULL;
    }
  memcpy (&offset, head + 8, sizeof offset);
  memcpy (&size, head + 16, sizeof size);
  offset = GUINT64_FROM_BE (offset);
  size = GUINT32_FROM_BE (size);
  /* QEMU refuses names over 1023 bytes. */
  if (offset == 0 || size == 0 || size > 1023)
    {
      close (fd);
      return NULL;
    }
  name = g_malloc0 (size + 1);
  if (pread (fd, name, size, offset) != (ssize_t) size)
    g_clear_pointer (&name, g_free);
  close (fd);
  if (name == NULL || g_str_has_prefix (name, "json:") || strchr (name, ':') != NULL)
    return NULL;
  if (!g_path_is_absolute (name))
    {
      g_autofree char *dir = g_path_get_dirname (path);

      return g_build_filename (dir, name, NULL);
    }
  return g_steal_pointer (&name);
}

/* The image @path is an overlay of: from its pool's volume, else (local
 * connections) from its header. */
static char *
backing_file_of (virConnectPtr conn,
                 const char   *path,
                 gboolean      local)
{
  g_autoptr(virStorageVol) vol = virStorageVolLookupByPath (conn, path);
  char *xml;

  if (vol != NULL && (xml = virStorageVolGetXMLDesc (vol, 0)) != NULL)
    {
      xmlDocPtr doc = vireo_xml_read (xml, "volume.xml");
      char *backing = NULL;

      free (xml);
      if (doc != NULL)
        {
          xmlNodePtr store = vireo_xml_child (xmlDocGetRootElement (doc), "backingStore");

          backing = vireo_xml_get_child_text (store, "path");
          xmlFreeDoc (doc);
        }
      return backing;
    }
  virResetLastError ();
  return local ? qcow2_backing_file (path) : NULL;
}

static void
add_user (GPtrArray  *users,
          const char *path,
          const char *machine,
          const char *snapshot)
{
  VireoSnapshotFileUser *user = g_new0 (VireoSnapshotFileUser, 1);

  user->path = g_strdup (path);
  user->machine = g_strdup (machine);
  user->snapshot = g_strdup (snapshot);
  g_ptr_array_add (users, user);
}

static void
find_users_of (virConnectPtr  conn,
               virDomainPtr   dom,
               SnapshotData  *d,
               GPtrArray     *users)
{
  const char *name = virDomainGetName (dom);
  g_autoptr(GHashTable) chain = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();
  g_auto(GStrv) images = NULL;
  virDomainSnapshotPtr *snaps = NULL;
  char *xml;
  int n;

  /* A running machine's live definition has its whole chain. */
  xml = virDomainGetXMLDesc (dom, 0);
  if (xml == NULL)
    {
      virResetLastError ();
      return;
    }
  images = vireo_snapshot_dup_domain_images (xml);
  free (xml);
  /* Each once (sorted, unique), so no key is ever replaced under the queue. */
  for (guint i = 0; images[i] != NULL; i++)
    {
      char *key = g_strdup (images[i]);

      g_hash_table_add (chain, key);
      g_ptr_array_add (queue, key);
    }
  /* Backing files the definition does not show; 64 steps at most. */
  for (guint i = 0; i < queue->len && i < 64; i++)
    {
      g_autofree char *backing = backing_file_of (conn, g_ptr_array_index (queue, i), d->local);

      if (backing != NULL && !g_hash_table_contains (chain, backing))
        {
          char *key = g_strdup (backing);

          g_hash_table_add (chain, key);
          g_ptr_array_add (queue, key);
        }
    }
  for (guint i = 0; d->files[i] != NULL; i++)
    if (g_hash_table_contains (chain, d->files[i]))
      add_user (users, d->files[i], name, NULL);

  n = virDomainListAllSnapshots (dom, &snaps, 0);
  if (n < 0)
    virResetLastError ();
  for (int i = 0; i < n; i++)
    {
      char *doc = virDomainSnapshotGetXMLDesc (snaps[i], 0);
      g_autoptr(VireoSnapshotInfo) info = doc != NULL ? vireo_snapshot_info_new_from_xml (doc, NULL) : NULL;
      g_auto(GStrv) needed = info != NULL ? vireo_snapshot_dup_needed_files (info) : NULL;

      if (doc == NULL)
        virResetLastError ();
      free (doc);
      for (guint j = 0; needed != NULL && d->files[j] != NULL; j++)
        if (g_strv_contains ((const char * const *) needed, d->files[j]))
          add_user (users, d->files[j], name, info->name);
      virDomainSnapshotFree (snaps[i]);
    }
  free (snaps);
}

static void
find_file_users_thread (GTask        *task,
                        virConnectPtr conn,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  SnapshotData *d = task_data;
  GPtrArray *users;
  virDomainPtr *doms = NULL;
  int n = virConnectListAllDomains (conn, &doms, 0);

  if (n < 0)
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not list the machines")));
      return;
    }
  users = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_snapshot_file_user_free);
  for (int i = 0; i < n; i++)
    {
      char uuid[VIR_UUID_STRING_BUFLEN];

      if (virDomainGetUUIDString (doms[i], uuid) == 0 && g_ascii_strcasecmp (uuid, d->uuid) != 0)
        find_users_of (conn, doms[i], d, users);
      else
        virResetLastError ();
      virDomainFree (doms[i]);
    }
  free (doms);
  g_task_return_pointer (task, users, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_domain_find_file_users_async:
 * @files: absolute paths on the host (vireo_snapshot_dup_merge_files())
 *
 * Looks for other machines and their snapshots that read @files.
 */
void
vireo_domain_find_file_users_async (VireoDomain         *self,
                                    const char * const  *files,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  SnapshotData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (files != NULL);

  task = task_for (self, vireo_domain_find_file_users_async, cancellable, callback, user_data, &d);
  if (task == NULL)
    return;
  d->files = g_strdupv ((char **) files);
  vireo_connection_run (vireo_domain_get_connection (self), task, find_file_users_thread);
}

/**
 * vireo_domain_find_file_users_finish:
 *
 * Returns: (transfer container) (element-type VireoSnapshotFileUser): who
 *   reads the files, or %NULL with @error set
 */
GPtrArray *
vireo_domain_find_file_users_finish (VireoDomain   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Free space for a memory file                                              */

static char *
pool_target (virStoragePoolPtr pool)
{
  char *xml = virStoragePoolGetXMLDesc (pool, 0);
  xmlDocPtr doc;
  char *path = NULL;

  if (xml == NULL)
    {
      virResetLastError ();
      return NULL;
    }
  doc = vireo_xml_read (xml, "pool.xml");
  free (xml);
  if (doc != NULL)
    {
      path = vireo_xml_get_child_text (vireo_xml_child (xmlDocGetRootElement (doc), "target"), "path");
      xmlFreeDoc (doc);
    }
  return path;
}

static void
snapshot_space_thread (GTask        *task,
                       virConnectPtr conn,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  SnapshotData *d = task_data;
  g_autoptr(VireoSnapshotSpace) space = g_new0 (VireoSnapshotSpace, 1);
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  virStoragePoolPtr *pools = NULL;
  int n = virConnectListAllStoragePools (conn, &pools, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE);
  int holder;

  space->folder = g_strdup (d->folder);
  if (n < 0)
    virResetLastError ();
  for (int i = 0; i < n; i++)
    {
      char *target = pool_target (pools[i]);

      /* A pool without a folder (iscsi, rbd) holds no files. */
      g_ptr_array_add (targets, target != NULL ? target : g_strdup (""));
    }
  g_ptr_array_add (targets, NULL);
  holder = vireo_snapshot_find_holder (d->folder, (const char * const *) targets->pdata);
  if (holder >= 0)
    {
      virStoragePoolInfo info;

      /* libvirt counts free space when the pool was last refreshed; files
       * written beside its volumes since (memory files) are not in it. */
      if (virStoragePoolRefresh (pools[holder], 0) < 0)
        virResetLastError ();
      if (virStoragePoolGetInfo (pools[holder], &info) == 0)
        {
          space->known = TRUE;
          space->available = info.available;
          space->pool = g_strdup (virStoragePoolGetName (pools[holder]));
        }
      else
        virResetLastError ();
    }
  for (int i = 0; i < n; i++)
    virStoragePoolFree (pools[i]);
  free (pools);

  if (!space->known && d->measure)
    {
      g_autofree char *dir = g_strdup (d->folder);
      struct statvfs st;

      /* The folder may not exist yet: QEMU writes the file, libvirt does
       * not make folders. The nearest one that does tells the disk. */
      while (!g_file_test (dir, G_FILE_TEST_IS_DIR) && strcmp (dir, "/") != 0)
        {
          char *up = g_path_get_dirname (dir);

          g_free (dir);
          dir = up;
        }
      if (statvfs (dir, &st) == 0)
        {
          space->known = TRUE;
          space->available = (guint64) st.f_bavail * st.f_frsize;
        }
      else
        g_debug ("statvfs %s: %s", dir, g_strerror (errno));
    }
  g_task_return_pointer (task, g_steal_pointer (&space), (GDestroyNotify) vireo_snapshot_space_free);
}

/**
 * vireo_domain_snapshot_space_async:
 * @folder: an absolute folder on the host
 *
 * How much room there is for a memory file in @folder.
 */
void
vireo_domain_snapshot_space_async (VireoDomain         *self,
                                   const char          *folder,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  VireoConnection *conn;
  SnapshotData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (folder != NULL && g_path_is_absolute (folder));

  task = task_for (self, vireo_domain_snapshot_space_async, cancellable, callback, user_data, &d);
  if (task == NULL)
    return;
  conn = vireo_domain_get_connection (self);
  d->folder = g_strdup (folder);
  /* The test driver's paths are made up: nothing on this computer to measure. */
  d->measure = d->local && !g_str_has_prefix (vireo_connection_get_uri (conn), "test:");
  vireo_connection_run (conn, task, snapshot_space_thread);
}

/**
 * vireo_domain_snapshot_space_finish:
 *
 * Returns: (transfer full): what was found (`known` FALSE when nothing
 *   could say), or %NULL with @error set
 */
VireoSnapshotSpace *
vireo_domain_snapshot_space_finish (VireoDomain   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Screenshot                                                                */

/* Returns: (transfer full): the image as the hypervisor wrote it */
static GBytes *
receive_all (virStreamPtr   stream,
             GError       **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *buf = g_malloc (CHUNK);

  for (;;)
    {
      int n = virStreamRecv (stream, buf, CHUNK);

      if (n < 0)
        {
          g_propagate_error (error, _vireo_error_from_last (_("Could not read the screenshot")));
          virStreamAbort (stream);
          return NULL;
        }
      if (n == 0)
        break;
      if (bytes->len + (guint) n > SCREENSHOT_MAX_BYTES)
        {
          g_set_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                       _("The screenshot is larger than %u MiB"), SCREENSHOT_MAX_BYTES / (1024 * 1024));
          virStreamAbort (stream);
          return NULL;
        }
      g_byte_array_append (bytes, (const guint8 *) buf, n);
    }
  if (virStreamFinish (stream) < 0)
    {
      g_propagate_error (error, _vireo_error_from_last (_("Could not read the screenshot")));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* Returns: (transfer full): @image scaled to fit @max_width × @max_height
 * (never enlarged, the shape kept) as PNG */
static GBytes *
encode_thumbnail (GBytes     *image,
                  const char *mime,
                  guint       max_width,
                  guint       max_height,
                  GError    **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GError) local_error = NULL;
  GdkPixbuf *pixbuf = NULL;
  g_autofree char *png = NULL;
  gsize png_len = 0;
  int width, height;
  double scale;

  /* The loader sniffs the format from the bytes; libvirt's MIME type is
   * only for the message should it know none. */
  if (!gdk_pixbuf_loader_write_bytes (loader, image, &local_error))
    /* Closed all the same: the loader warns when finalized open. */
    gdk_pixbuf_loader_close (loader, NULL);
  else if (gdk_pixbuf_loader_close (loader, &local_error))
    pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                   /* Translators: the first %s is an image type such as image/png, the second why */
                   _("The screenshot (%s) could not be read: %s"),
                   mime != NULL ? mime : "?", local_error != NULL ? local_error->message : "no image");
      return NULL;
    }

  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  scale = MIN (1.0, MIN ((double) max_width / width, (double) max_height / height));
  if (scale < 1.0)
    scaled = gdk_pixbuf_scale_simple (pixbuf,
                                      MAX (1, (int) (width * scale + 0.5)),
                                      MAX (1, (int) (height * scale + 0.5)),
                                      GDK_INTERP_BILINEAR);
  else
    scaled = g_object_ref (pixbuf);
  if (scaled == NULL)
    {
      g_set_error_literal (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                           _("Not enough memory to scale the screenshot"));
      return NULL;
    }
  if (!gdk_pixbuf_save_to_buffer (scaled, &png, &png_len, "png", &local_error, NULL))
    {
      g_set_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                   _("The screenshot could not be saved as PNG: %s"), local_error->message);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&png), png_len);
}

static void
screenshot_thread (GTask        *task,
                   virConnectPtr conn,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SnapshotData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  g_autoptr(virStream) stream = NULL;
  g_autoptr(GBytes) image = NULL;
  GBytes *png = NULL;
  GError *error = NULL;
  char *mime;

  if (dom == NULL)
    return;
  stream = virStreamNew (conn, 0);
  if (stream == NULL)
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not take a screenshot")));
      return;
    }
  mime = virDomainScreenshot (dom, stream, 0, 0);
  if (mime == NULL)
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not take a screenshot")));
      return;
    }
  image = receive_all (stream, &error);
  if (image != NULL)
    png = encode_thumbnail (image, mime, d->max_width, d->max_height, &error);
  free (mime);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, png, (GDestroyNotify) g_bytes_unref);
}

/**
 * vireo_domain_screenshot_async:
 * @max_width: @max_height: the box the picture is scaled down to fit
 *
 * A picture of the machine's first screen (`virsh screenshot`), for a
 * snapshot's thumbnail.
 */
void
vireo_domain_screenshot_async (VireoDomain         *self,
                               guint                max_width,
                               guint                max_height,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  SnapshotData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (max_width > 0 && max_height > 0);

  task = task_for (self, vireo_domain_screenshot_async, cancellable, callback, user_data, &d);
  if (task == NULL)
    return;
  d->max_width = max_width;
  d->max_height = max_height;
  vireo_connection_run (vireo_domain_get_connection (self), task, screenshot_thread);
}

/**
 * vireo_domain_screenshot_finish:
 *
 * Returns: (transfer full): a PNG image, or %NULL with @error set
 */
GBytes *
vireo_domain_screenshot_finish (VireoDomain   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
