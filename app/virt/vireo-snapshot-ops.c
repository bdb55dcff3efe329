/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-snapshot-ops"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-connection-private.h"
#include "vireo-snapshot-ops.h"
#include "vireo-virt-error.h"

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
} SnapshotData;

static void
snapshot_data_free (gpointer data)
{
  SnapshotData *d = data;

  g_free (d->uuid);
  g_free (d->name);
  g_free (d->xml);
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
  switch (mode)
    {
    case VIREO_SNAPSHOT_DELETE_TREE:
      d->flags = VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN;
      break;
    case VIREO_SNAPSHOT_DELETE_METADATA_ONLY:
      d->flags = VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY;
      break;
    case VIREO_SNAPSHOT_DELETE_ONE:
    default:
      d->flags = 0;
      break;
    }
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
