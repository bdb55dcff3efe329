/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-volume-transfer"

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-connection-private.h"
#include "vireo-storage.h"
#include "vireo-virt-error.h"
#include "vireo-worker.h"

/*
 * Uploading a local file into a volume, or downloading a volume into one
 * (virStorageVolUpload / virStorageVolDownload over a virStream).
 *
 * The stream is opened on ops (a lookup and one RPC), then one thread of
 * its own (vireo_thread_start(), counted by vireo_worker_wait_all()) moves
 * the bytes with blocking stream calls and GIO, so neither the UI nor the
 * other storage actions wait for a multi-gigabyte copy. Progress reaches
 * the main thread through one idle at a time; the thread never runs more
 * than WINDOW bytes ahead of what the main thread has shown, so a cancel
 * takes effect within that many bytes of where the user saw it, and a busy
 * main loop is never flooded.
 *
 * A download is written to a ".part" file beside the destination and
 * renamed over it at the end: a cancelled or failed download leaves neither
 * a partial file nor a damaged older one.
 */

#define CHUNK  (256 * 1024)
#define WINDOW (4 * 1024 * 1024)

struct _VireoVolumeTransfer
{
  GObject                       parent_instance;

  VireoConnection              *connection;
  VireoVolumeTransferDirection  direction;
  char                         *pool;
  char                         *volume;
  GFile                        *file;
  GCancellable                 *cancellable;   /* of the running transfer */
  GCancellable                 *outer;         /* the caller's, forwarded */
  gulong                        outer_handler;
  guint64                       bytes_done;
  guint64                       bytes_total;
  gboolean                      running;
};

G_DEFINE_FINAL_TYPE (VireoVolumeTransfer, vireo_volume_transfer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FRACTION,
  PROP_BYTES_DONE,
  PROP_BYTES_TOTAL,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the thread and the main thread share. References: the thread
 * holds one and hands it to the final idle, each queued progress idle
 * holds one, so the last release is always on the main thread. */
typedef struct
{
  gint                          ref;
  GMutex                        lock;
  GCond                         cond;
  guint64                       done;       /* written by the thread */
  guint64                       total;
  guint64                       shown;      /* acknowledged by the main thread */
  gboolean                      queued;     /* a progress idle is pending */

  /* Set before the thread starts, then read-only. */
  VireoVolumeTransferDirection  direction;
  GFile                        *file;
  GCancellable                 *cancellable;
  virConnectPtr                 conn;
  virStreamPtr                  stream;

  /* Main thread only. */
  GTask                        *task;

  /* The thread's result, read by the final idle. */
  GError                       *error;
} Shared;

static Shared *
shared_ref (Shared *s)
{
  g_atomic_int_inc (&s->ref);
  return s;
}

static void
shared_unref (gpointer data)
{
  Shared *s = data;

  if (!g_atomic_int_dec_and_test (&s->ref))
    return;
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
  g_clear_object (&s->file);
  g_clear_object (&s->cancellable);
  g_clear_object (&s->task);
  g_clear_error (&s->error);
  if (s->stream != NULL)
    virStreamFree (s->stream);
  if (s->conn != NULL)
    virConnectClose (s->conn);
  g_free (s);
}

/* ------------------------------------------------------------------------ */
/* Main thread                                                               */

static void
apply_progress (VireoVolumeTransfer *self,
                guint64              done,
                guint64              total)
{
  gboolean done_changed = self->bytes_done != done;
  gboolean total_changed = self->bytes_total != total;

  self->bytes_done = done;
  self->bytes_total = total;
  if (total_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
  if (done_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_DONE]);
  if (done_changed || total_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static gboolean
deliver_progress (gpointer data)
{
  Shared *s = data;
  guint64 done, total;

  g_mutex_lock (&s->lock);
  done = s->done;
  total = s->total;
  s->shown = done;
  s->queued = FALSE;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);

  if (s->task != NULL)
    apply_progress (g_task_get_source_object (s->task), done, total);
  return G_SOURCE_REMOVE;
}

static void
forward_cancel (GCancellable *outer,
                gpointer      inner)
{
  g_cancellable_cancel (inner);
}

static void
set_running (VireoVolumeTransfer *self,
             gboolean             running)
{
  if (!running)
    {
      if (self->outer != NULL)
        g_cancellable_disconnect (self->outer, self->outer_handler);
      self->outer_handler = 0;
      g_clear_object (&self->outer);
      g_clear_object (&self->cancellable);
    }
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static gboolean
deliver_end (gpointer data)
{
  Shared *s = data;
  g_autoptr(GTask) task = g_steal_pointer (&s->task);
  VireoVolumeTransfer *self = g_task_get_source_object (task);

  apply_progress (self, s->done, s->total);
  set_running (self, FALSE);
  if (s->error != NULL)
    g_task_return_error (task, g_steal_pointer (&s->error));
  else
    g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------------ */
/* The transfer thread                                                       */

/* Counts @n more bytes and waits while the main thread is too far
 * behind. Returns FALSE once cancelled. */
static gboolean
progress (Shared *s,
          gsize   n)
{
  gboolean go_on;

  g_mutex_lock (&s->lock);
  s->done += n;
  if (!s->queued)
    {
      s->queued = TRUE;
      vireo_main_invoke (deliver_progress, shared_ref (s), shared_unref, G_PRIORITY_DEFAULT);
    }
  while (s->done - s->shown > WINDOW && !g_cancellable_is_cancelled (s->cancellable))
    g_cond_wait_until (&s->cond, &s->lock, g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
  g_mutex_unlock (&s->lock);
  go_on = !g_cancellable_is_cancelled (s->cancellable);
  return go_on;
}

static GError *
stream_error (const char *what)
{
  GError *error = vireo_virt_error_from_last (what);

  if (g_strcmp0 (error->message, what) != 0)
    g_prefix_error (&error, "%s: ", what);
  return error;
}

static GError *
cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The transfer was cancelled"));
}

static GError *
upload (Shared *s)
{
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *buf = g_malloc (CHUNK);
  GError *error = NULL;

  if ((in = g_file_read (s->file, s->cancellable, &error)) == NULL)
    return error;
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  if (info != NULL)
    {
      g_mutex_lock (&s->lock);
      s->total = g_file_info_get_size (info);
      g_mutex_unlock (&s->lock);
    }

  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buf, CHUNK, s->cancellable, &error);
      gssize sent = 0;

      if (n < 0)
        return error;
      if (n == 0)
        break;
      while (sent < n)
        {
          int rc = virStreamSend (s->stream, buf + sent, n - sent);

          if (rc < 0)
            return stream_error (_("Could not send the file to the host"));
          sent += rc;
        }
      if (!progress (s, n))
        return cancelled_error ();
    }
  if (virStreamFinish (s->stream) < 0)
    return stream_error (_("The host could not finish writing the volume"));
  return NULL;
}

static GError *
download_into (Shared *s,
               GFile  *partial)
{
  g_autoptr(GFileOutputStream) out = NULL;
  g_autofree char *buf = g_malloc (CHUNK);
  GError *error = NULL;

  out = g_file_replace (partial, NULL, FALSE, G_FILE_CREATE_NONE, s->cancellable, &error);
  if (out == NULL)
    return error;
  for (;;)
    {
      int n = virStreamRecv (s->stream, buf, CHUNK);

      if (n < 0)
        return stream_error (_("Could not read the volume from the host"));
      if (n == 0)
        break;
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), buf, n, NULL, s->cancellable, &error))
        return error;
      if (!progress (s, n))
        return cancelled_error ();
    }
  if (virStreamFinish (s->stream) < 0)
    return stream_error (_("The host could not finish reading the volume"));
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), s->cancellable, &error))
    return error;
  return NULL;
}

static GFile *
partial_file (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *part = g_strconcat (path, ".part", NULL);

  return g_file_new_for_path (part);
}

static gpointer
transfer_thread (gpointer data)
{
  Shared *s = data;
  GError *error = NULL;

  if (s->direction == VIREO_VOLUME_TRANSFER_UPLOAD)
    error = upload (s);
  else
    {
      g_autoptr(GFile) partial = partial_file (s->file);

      error = download_into (s, partial);
      if (error == NULL &&
          !g_file_move (partial, s->file, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
        g_prefix_error (&error, _("Could not save the download: "));
      if (error != NULL)
        g_file_delete (partial, NULL, NULL);
    }
  if (error != NULL)
    {
      /* Tells the daemon to drop the transfer; a stream that already
       * failed refuses, which is fine. */
      virStreamAbort (s->stream);
      virResetLastError ();
      if (g_cancellable_is_cancelled (s->cancellable) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&error);
          error = cancelled_error ();
        }
    }
  s->error = error;
  vireo_main_invoke (deliver_end, s, shared_unref, G_PRIORITY_DEFAULT);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Opening the stream, on ops                                                */

typedef struct
{
  VireoVolumeTransferDirection  direction;
  char                         *pool;
  char                         *volume;
} OpenData;

typedef struct
{
  virConnectPtr  conn;
  virStreamPtr   stream;
  guint64        total;
} Opened;

static void
open_data_free (gpointer data)
{
  OpenData *d = data;

  g_free (d->pool);
  g_free (d->volume);
  g_free (d);
}

/* An opened stream nobody collected (the caller went away): abort it. */
static void
opened_free (gpointer data)
{
  Opened *o = data;

  if (o->stream != NULL)
    {
      virStreamAbort (o->stream);
      virStreamFree (o->stream);
    }
  if (o->conn != NULL)
    virConnectClose (o->conn);
  virResetLastError ();
  g_free (o);
}

static void
open_thread (GTask        *task,
             virConnectPtr conn,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *d = task_data;
  g_autoptr(virStoragePool) pool = NULL;
  g_autoptr(virStorageVol) vol = NULL;
  virStorageVolInfo info;
  Opened *o;
  int rc;

  if (conn == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED,
                               _("Not connected to the host"));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if ((pool = virStoragePoolLookupByName (conn, d->pool)) == NULL ||
      (vol = virStorageVolLookupByName (pool, d->volume)) == NULL)
    {
      g_task_return_error (task, stream_error (_("Could not find the volume")));
      return;
    }
  o = g_new0 (Opened, 1);
  /* A download sends the image file as it is on the host: its physical
   * size, not the guest-visible capacity. */
  if (d->direction == VIREO_VOLUME_TRANSFER_DOWNLOAD &&
      (virStorageVolGetInfoFlags (vol, &info, VIR_STORAGE_VOL_GET_PHYSICAL) == 0 ||
       virStorageVolGetInfo (vol, &info) == 0))
    o->total = info.allocation;
  virResetLastError ();

  o->stream = virStreamNew (conn, 0);
  if (o->stream == NULL)
    rc = -1;
  else if (d->direction == VIREO_VOLUME_TRANSFER_UPLOAD)
    rc = virStorageVolUpload (vol, o->stream, 0, 0, 0);
  else
    rc = virStorageVolDownload (vol, o->stream, 0, 0, 0);
  if (rc < 0)
    {
      GError *error = stream_error (d->direction == VIREO_VOLUME_TRANSFER_UPLOAD
                                    ? _("Could not start the upload") : _("Could not start the download"));
      if (o->stream != NULL)
        virStreamFree (g_steal_pointer (&o->stream));
      opened_free (o);
      g_task_return_error (task, error);
      return;
    }
  o->conn = conn;
  virConnectRef (conn);
  g_task_return_pointer (task, o, opened_free);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VireoVolumeTransfer *self = g_task_get_source_object (task);
  GError *error = NULL;
  Opened *o = g_task_propagate_pointer (G_TASK (result), &error);
  Shared *s;

  if (o == NULL)
    {
      set_running (self, FALSE);
      g_task_return_error (task, error);
      return;
    }

  s = g_new0 (Shared, 1);
  s->ref = 1;
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->direction = self->direction;
  s->file = g_object_ref (self->file);
  s->cancellable = g_object_ref (self->cancellable);
  s->conn = g_steal_pointer (&o->conn);
  s->stream = g_steal_pointer (&o->stream);
  s->total = o->total;
  s->task = g_steal_pointer (&task);
  opened_free (o);
  apply_progress (self, 0, s->total);
  vireo_thread_start ("vireo-transfer", transfer_thread, s);
}

/* ------------------------------------------------------------------------ */
/* Public                                                                    */

/**
 * vireo_volume_transfer_new:
 * @direction: upload (@file into the volume) or download (the volume into
 *   @file)
 * @file: a local file
 *
 * Returns: (transfer full): a transfer; nothing happens before
 *   vireo_volume_transfer_run_async()
 */
VireoVolumeTransfer *
vireo_volume_transfer_new (VireoConnection              *connection,
                           VireoVolumeTransferDirection  direction,
                           const char                   *pool,
                           const char                   *volume,
                           GFile                        *file)
{
  VireoVolumeTransfer *self;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (pool != NULL && volume != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (VIREO_TYPE_VOLUME_TRANSFER, NULL);
  self->connection = g_object_ref (connection);
  self->direction = direction;
  self->pool = g_strdup (pool);
  self->volume = g_strdup (volume);
  self->file = g_object_ref (file);
  return self;
}

/**
 * vireo_volume_transfer_run_async:
 * @cancellable: (nullable): cancels like vireo_volume_transfer_cancel()
 *
 * Copies the bytes (`virsh vol-upload` / `vol-download`), notifying
 * "bytes-done" and "fraction" as they go. A cancelled or failed download
 * leaves no file behind; a cancelled upload leaves the volume partly
 * written.
 */
void
vireo_volume_transfer_run_async (VireoVolumeTransfer *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GTask *open_task;
  OpenData *d;

  g_return_if_fail (VIREO_IS_VOLUME_TRANSFER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_volume_transfer_run_async);
  if (self->running)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("The transfer is already running"));
      return;
    }
  if (self->direction == VIREO_VOLUME_TRANSFER_DOWNLOAD && !g_file_is_native (self->file))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Downloads go to a local folder"));
      return;
    }

  /* One cancellable the thread watches, whichever way the cancel comes. */
  self->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      self->outer = g_object_ref (cancellable);
      self->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                                                   g_object_ref (self->cancellable), g_object_unref);
    }
  self->bytes_done = 0;
  set_running (self, TRUE);

  d = g_new0 (OpenData, 1);
  d->direction = self->direction;
  d->pool = g_strdup (self->pool);
  d->volume = g_strdup (self->volume);
  open_task = g_task_new (self->connection, self->cancellable, on_opened, g_steal_pointer (&task));
  g_task_set_task_data (open_task, d, open_data_free);
  vireo_connection_run (self->connection, open_task, open_thread);
}

gboolean
vireo_volume_transfer_run_finish (VireoVolumeTransfer  *self,
                                  GAsyncResult         *result,
                                  GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_volume_transfer_cancel:
 *
 * Stops a running transfer; it finishes with %G_IO_ERROR_CANCELLED.
 */
void
vireo_volume_transfer_cancel (VireoVolumeTransfer *self)
{
  g_return_if_fail (VIREO_IS_VOLUME_TRANSFER (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

VireoVolumeTransferDirection
vireo_volume_transfer_get_direction (VireoVolumeTransfer *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_TRANSFER (self), 0);
  return self->direction;
}

const char *
vireo_volume_transfer_get_pool (VireoVolumeTransfer *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_TRANSFER (self), NULL);
  return self->pool;
}

const char *
vireo_volume_transfer_get_volume (VireoVolumeTransfer *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_TRANSFER (self), NULL);
  return self->volume;
}

/**
 * vireo_volume_transfer_get_file:
 *
 * Returns: (transfer none): the local file
 */
GFile *
vireo_volume_transfer_get_file (VireoVolumeTransfer *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_TRANSFER (self), NULL);
  return self->file;
}

/**
 * vireo_volume_transfer_get_fraction:
 *
 * Returns: 0 to 1; 0 while the size is unknown
 */
double
vireo_volume_transfer_get_fraction (VireoVolumeTransfer *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_TRANSFER (self), 0.0);

  if (self->bytes_total == 0)
    return 0.0;
  return MIN (1.0, (double) self->bytes_done / (double) self->bytes_total);
}

guint64
vireo_volume_transfer_get_bytes_done (VireoVolumeTransfer *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_TRANSFER (self), 0);
  return self->bytes_done;
}

guint64
vireo_volume_transfer_get_bytes_total (VireoVolumeTransfer *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_TRANSFER (self), 0);
  return self->bytes_total;
}

gboolean
vireo_volume_transfer_get_running (VireoVolumeTransfer *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_TRANSFER (self), FALSE);
  return self->running;
}

static void
vireo_volume_transfer_finalize (GObject *object)
{
  VireoVolumeTransfer *self = (VireoVolumeTransfer *) object;

  g_clear_object (&self->connection);
  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->outer);
  g_free (self->pool);
  g_free (self->volume);

  G_OBJECT_CLASS (vireo_volume_transfer_parent_class)->finalize (object);
}

static void
vireo_volume_transfer_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  VireoVolumeTransfer *self = VIREO_VOLUME_TRANSFER (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, vireo_volume_transfer_get_fraction (self));
      break;
    case PROP_BYTES_DONE:
      g_value_set_uint64 (value, self->bytes_done);
      break;
    case PROP_BYTES_TOTAL:
      g_value_set_uint64 (value, self->bytes_total);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_volume_transfer_class_init (VireoVolumeTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_volume_transfer_finalize;
  object_class->get_property = vireo_volume_transfer_get_property;

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_DONE] =
    g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_TOTAL] =
    g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vireo_volume_transfer_init (VireoVolumeTransfer *self)
{
}
