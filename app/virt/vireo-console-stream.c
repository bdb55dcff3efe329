/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-console-stream"

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-connection-private.h"
#include "vireo-console-stream.h"
#include "vireo-virt-error.h"
#include "vireo-worker.h"

/*
 * A guest's serial or text console as a byte stream (virDomainOpenConsole).
 *
 * Where each libvirt call runs, and why (read in libvirt's
 * src/remote/remote_driver.c and src/rpc/virnetclientstream.c, which are
 * what every qemu:// connection goes through, local ones included):
 *
 * - Every ordinary RPC holds the remote driver's lock (priv->lock) for its
 *   whole round trip. virStreamSend and virStreamRecv take that lock only
 *   to count a "local use", then do their I/O without it; so a *blocking*
 *   virStreamRecv would not freeze the connection's other calls (virNetClient
 *   passes the socket between waiting threads). But each Send/Recv still
 *   waits for the lock, i.e. for any RPC in flight, and
 *   virStreamEventAdd/Update/RemoveCallback, virStreamFinish and
 *   virStreamAbort take it too. None of them may run on the main thread:
 *   a 300 ms call on a slow host would stall the window.
 * - A blocking Recv cannot be interrupted: it sends a dummy packet and
 *   waits for the daemon's data, and aborting the stream from another
 *   thread meanwhile races with that wait. Hence a NONBLOCK stream: Recv
 *   answers -2 at once when nothing is queued, and the thread sleeps on its
 *   own condition variable, which a close can always wake.
 * - The READABLE event is a libvirt timer on the main context
 *   (gvir_event_register) armed at 0 ms while the client holds unread data
 *   or the end of the stream; its callback here only wakes the thread. It
 *   keeps firing until the thread has drained the queue (at most as long as
 *   one RPC in flight holds the driver lock), so it must stay that cheap.
 *   WRITABLE is never asked for: that timer would fire on every turn of the
 *   main loop. A remote Send is fire and forget (never -2); other drivers'
 *   -2 is retried after a short pause.
 *
 * So: the open runs on the connection's ops worker (lookup, virStreamNew,
 * virDomainOpenConsole), and from then on one thread of the stream's own
 * does every virStream* call, so typing never queues behind the ops
 * worker's calls. Bytes reach the main thread in order, through one idle at
 * a time that takes everything read so far (data-received), and the end
 * after the last bytes (closed). The thread is never joined by the UI (it
 * may be waiting on a dead host); it is counted for vireo_worker_wait_all()
 * and frees what it shares with the object when it ends.
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (virStream, virStreamFree)

#define READ_CHUNK   (16 * 1024)
/* Read no further while this much waits for the main thread: a guest that
 * floods its console must not grow Vireo's memory without bound. */
#define INBOX_LIMIT  (256 * 1024)

/* What the object and its thread share. Reference counted: the object,
 * the thread, libvirt's event callback (until the main thread is past it)
 * and each queued delivery hold one. */
typedef struct
{
  gatomicrefcount     ref_count;
  GMutex              lock;
  GCond               cond;

  /* Under lock */
  GByteArray         *outbox;          /* typed, not yet sent */
  GByteArray         *inbox;           /* read, not yet delivered */
  GError             *error;           /* why it ended */
  guint               quit : 1;        /* the owner closed it */
  guint               readable : 1;    /* libvirt said data (or the end) is there */
  guint               ended : 1;       /* the thread is done with the stream */
  guint               ended_cleanly : 1;
  guint               delivery_queued : 1;

  /* The thread's only */
  virStreamPtr        stream;

  /* Main thread only; borrowed, cleared when the object closes it */
  VireoConsoleStream *owner;
} Shared;

struct _VireoConsoleStream
{
  GObject      parent_instance;

  /* Owned */
  Shared      *shared;
  VireoDomain *domain;
  char        *dev_name;

  gboolean     open;
};

enum {
  PROP_0,
  PROP_OPEN,
  N_PROPS
};

enum {
  DATA_RECEIVED,
  CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VireoConsoleStream, vireo_console_stream, G_TYPE_OBJECT)

static Shared *
shared_new (virStreamPtr stream)
{
  Shared *s = g_new0 (Shared, 1);

  g_atomic_ref_count_init (&s->ref_count);
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->outbox = g_byte_array_new ();
  s->inbox = g_byte_array_new ();
  s->stream = stream;
  return s;
}

static Shared *
shared_ref (Shared *s)
{
  g_atomic_ref_count_inc (&s->ref_count);
  return s;
}

static void
shared_unref (gpointer data)
{
  Shared *s = data;

  if (!g_atomic_ref_count_dec (&s->ref_count))
    return;
  g_assert (s->stream == NULL);
  g_byte_array_unref (s->outbox);
  g_byte_array_unref (s->inbox);
  g_clear_error (&s->error);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
  g_free (s);
}

/* ------------------------------------------------------------------------ */
/* Main thread: deliveries                                                   */

static gboolean
deliver (gpointer data)
{
  Shared *s = data;
  g_autoptr(VireoConsoleStream) self = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ended = FALSE;

  g_assert (vireo_is_main_thread ());

  g_mutex_lock (&s->lock);
  s->delivery_queued = FALSE;
  if (s->inbox->len > 0)
    {
      bytes = g_byte_array_free_to_bytes (g_steal_pointer (&s->inbox));
      s->inbox = g_byte_array_new ();
      g_cond_signal (&s->cond);   /* room again, should the thread wait for it */
    }
  if (s->ended)
    {
      ended = TRUE;
      error = g_steal_pointer (&s->error);
      if (error == NULL && !s->ended_cleanly)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, _("The console stopped"));
    }
  g_mutex_unlock (&s->lock);

  /* The owner may close it (or drop it) from a handler: keep it alive and
   * look again before each emission. */
  if (s->owner == NULL)
    return G_SOURCE_REMOVE;
  self = g_object_ref (s->owner);

  if (bytes != NULL)
    g_signal_emit (self, signals[DATA_RECEIVED], 0, bytes);

  if (ended && s->owner == self)
    {
      s->owner = NULL;
      self->open = FALSE;
      g_clear_pointer (&self->shared, shared_unref);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN]);
      g_signal_emit (self, signals[CLOSED], 0, error);
    }
  return G_SOURCE_REMOVE;
}

/* With s->lock held. */
static void
queue_delivery_locked (Shared *s)
{
  if (s->delivery_queued)
    return;
  s->delivery_queued = TRUE;
  vireo_main_invoke (deliver, shared_ref (s), shared_unref, G_PRIORITY_DEFAULT);
}

/* ------------------------------------------------------------------------ */
/* The stream's thread                                                       */

/* libvirt calls this on the main thread (its event loop is GLib's). */
static void
on_stream_event (virStreamPtr  stream,
                 int           events,
                 void         *opaque)
{
  Shared *s = opaque;

  g_mutex_lock (&s->lock);
  s->readable = TRUE;
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);
}

/* Returns: FALSE when the stream failed (@error set) */
static gboolean
send_all (Shared      *s,
          GByteArray  *out,
          GError     **error)
{
  gsize done = 0;

  while (done < out->len)
    {
      int n = virStreamSend (s->stream, (const char *) out->data + done, out->len - done);

      if (n == -2)
        {
          /* Only local drivers' fd streams say "later"; no WRITABLE event
           * is asked for (see the top of the file), so try again soon,
           * unless the owner is closing it. */
          gboolean quit;

          g_mutex_lock (&s->lock);
          quit = s->quit;
          g_mutex_unlock (&s->lock);
          if (quit)
            return TRUE;
          g_usleep (10 * 1000);
          continue;
        }
      if (n < 0)
        {
          *error = vireo_virt_error_from_last (_("Could not send to the console"));
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

/* Returns: FALSE when the stream ended (@eof) or failed (@error set) */
static gboolean
receive_all (Shared    *s,
             char      *buf,
             gboolean  *eof,
             GError   **error)
{
  for (;;)
    {
      int n = virStreamRecv (s->stream, buf, READ_CHUNK);

      if (n == -2)
        return TRUE;
      if (n == 0)
        {
          *eof = TRUE;
          return FALSE;
        }
      if (n < 0)
        {
          virErrorPtr err = virGetLastError ();

          /* The daemon's "stream had I/O failure": its end of the console
           * was cut while the guest runs (a stopped guest ends the stream
           * cleanly). What does that is another client opening the console
           * with FORCE (seen with a second console opened that way). */
          if (err != NULL && err->domain == VIR_FROM_STREAMS && err->code == VIR_ERR_RPC)
            {
              *error = g_error_new (G_IO_ERROR, G_IO_ERROR_BUSY,
                                    _("The host closed this console, most likely because another "
                                      "client opened it (%s)"), err->message);
              virResetLastError ();
              return FALSE;
            }
          *error = vireo_virt_error_from_last (_("Could not read from the console"));
          return FALSE;
        }

      g_mutex_lock (&s->lock);
      g_byte_array_append (s->inbox, (const guint8 *) buf, n);
      queue_delivery_locked (s);
      if (s->inbox->len >= INBOX_LIMIT)
        {
          /* Come back to it once the main thread has caught up. */
          s->readable = TRUE;
          g_mutex_unlock (&s->lock);
          return TRUE;
        }
      g_mutex_unlock (&s->lock);
    }
}

static gboolean
drop_callback_ref (gpointer data)
{
  return G_SOURCE_REMOVE;   /* the source's destroy notify drops it */
}

static gpointer
stream_thread (gpointer data)
{
  Shared *s = data;
  g_autofree char *buf = g_malloc (READ_CHUNK);
  g_autoptr(GError) error = NULL;
  gboolean have_callback = FALSE;
  gboolean eof = FALSE;
  gboolean quit;

  g_mutex_lock (&s->lock);
  quit = s->quit;
  g_mutex_unlock (&s->lock);

  if (!quit)
    {
      /* The callback holds a reference of its own, dropped below; no free
       * function is given to libvirt (see there). */
      if (virStreamEventAddCallback (s->stream,
                                     VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR |
                                     VIR_STREAM_EVENT_HANGUP,
                                     on_stream_event, shared_ref (s), NULL) < 0)
        {
          shared_unref (s);
          error = vireo_virt_error_from_last (_("Could not watch the console"));
        }
      else
        have_callback = TRUE;
    }

  while (have_callback)
    {
      g_autoptr(GByteArray) out = NULL;
      gboolean read_now;

      g_mutex_lock (&s->lock);
      while (!s->quit && s->outbox->len == 0 &&
             !(s->readable && s->inbox->len < INBOX_LIMIT))
        g_cond_wait (&s->cond, &s->lock);
      if (s->quit)
        {
          g_mutex_unlock (&s->lock);
          break;
        }
      if (s->outbox->len > 0)
        {
          out = g_steal_pointer (&s->outbox);
          s->outbox = g_byte_array_new ();
        }
      read_now = s->readable && s->inbox->len < INBOX_LIMIT;
      if (read_now)
        s->readable = FALSE;
      g_mutex_unlock (&s->lock);

      if (out != NULL && !send_all (s, out, &error))
        break;
      if (read_now && !receive_all (s, buf, &eof, &error))
        break;
    }

  if (have_callback)
    {
      /* libvirt's remote driver never calls a callback's free function
       * (remoteStreamCallbackFree only calls it when the callback is NULL,
       * which it never is; so in every version read, 4.x to 10.x), and a
       * dispatch that began before the removal may still be running on
       * the main thread. So the callback's reference is dropped on the
       * main thread, after any such dispatch has returned; none starts
       * after this. */
      virStreamEventRemoveCallback (s->stream);
      vireo_main_invoke (drop_callback_ref, s, shared_unref, G_PRIORITY_DEFAULT);
    }
  /* A stream the daemon finished is finished back; anything else (the
   * owner's close, an error) is aborted, which also tells the daemon to
   * let the console go. Failures here change nothing for anyone. */
  if (eof)
    virStreamFinish (s->stream);
  else
    virStreamAbort (s->stream);
  virResetLastError ();
  g_clear_pointer (&s->stream, virStreamFree);

  g_mutex_lock (&s->lock);
  s->ended = TRUE;
  s->ended_cleanly = eof;
  s->error = g_steal_pointer (&error);
  if (!s->quit)
    queue_delivery_locked (s);
  g_mutex_unlock (&s->lock);

  shared_unref (s);
  return NULL;
}

static void
start_thread (Shared *s)
{
  vireo_thread_start ("vireo-console", stream_thread, shared_ref (s));
}

/* ------------------------------------------------------------------------ */
/* Open                                                                      */

typedef struct
{
  char                  *uuid;
  char                  *dev_name;
  VireoConsoleOpenFlags  flags;
} OpenData;

static void
open_data_free (gpointer data)
{
  OpenData *d = data;

  g_free (d->uuid);
  g_free (d->dev_name);
  g_free (d);
}

/* A stream opened for a caller that went away (cancelled meanwhile) must
 * still be aborted, which is an RPC: never on the main thread, where a
 * task's result is freed. A thread told to quit at once does it. */
static void
abandon_stream (gpointer data)
{
  Shared *s = shared_new (data);

  s->quit = TRUE;
  start_thread (s);
  shared_unref (s);
}

static int
open_console (virDomainPtr  dom,
              const char   *dev_name,
              virStreamPtr  stream,
              unsigned int  flags)
{
  return virDomainOpenConsole (dom, dev_name, stream, flags);
}

static void
open_thread (GTask        *task,
             virConnectPtr conn,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *d = task_data;
  g_autoptr(virDomain) dom = NULL;
  g_autoptr(virStream) stream = NULL;
  unsigned int flags;
  virErrorPtr err;

  if (conn == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED,
                               _("Not connected to the host"));
      return;
    }
  dom = virDomainLookupByUUIDString (conn, d->uuid);
  if (dom == NULL)
    {
      g_task_return_error (task, vireo_virt_error_from_last (_("The virtual machine no longer exists")));
      return;
    }

  /* SAFE: refuse rather than share a console with another client where the
   * driver cannot keep them apart (two readers would each get half of the
   * bytes). FORCE only when the user asked to take it over: whoever holds
   * it may be an administrator in the middle of something, and libvirt
   * would close their console without a word. */
  flags = VIR_DOMAIN_CONSOLE_SAFE;
  if (d->flags & VIREO_CONSOLE_OPEN_FORCE)
    flags |= VIR_DOMAIN_CONSOLE_FORCE;

  stream = virStreamNew (conn, VIR_STREAM_NONBLOCK);
  if (stream == NULL)
    {
      g_task_return_error (task, vireo_virt_error_from_last (_("Could not open the console")));
      return;
    }
  if (open_console (dom, d->dev_name, stream, flags) < 0)
    {
      err = virGetLastError ();
      /* Drivers with no notion of a console's owner (LXC) take no flags
       * at all; they still open it. */
      if (err != NULL && err->code == VIR_ERR_INVALID_ARG)
        {
          g_clear_pointer (&stream, virStreamFree);
          stream = virStreamNew (conn, VIR_STREAM_NONBLOCK);
          if (stream != NULL && open_console (dom, d->dev_name, stream, 0) == 0)
            goto opened;
          err = virGetLastError ();
        }

      /* QEMU's only OPERATION_FAILED here: "Active console session exists
       * for this domain". */
      if (err != NULL && err->code == VIR_ERR_OPERATION_FAILED)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                                   _("Another client is connected to this console (%s)"),
                                   err->message);
          virResetLastError ();
          return;
        }
      g_task_return_error (task, vireo_virt_error_from_last (_("Could not open the console")));
      return;
    }

opened:
  g_task_return_pointer (task, g_steal_pointer (&stream), abandon_stream);
}

/**
 * vireo_console_stream_open_async:
 * @domain: a running machine
 * @dev_name: (nullable): the device's alias ("serial0", "console0", …), or
 *   %NULL for the machine's first console
 * @flags: %VIREO_CONSOLE_OPEN_FORCE to take the console from another client
 *
 * Opens a console of @domain (virDomainOpenConsole) on the connection's
 * worker; local and remote connections alike. Without
 * %VIREO_CONSOLE_OPEN_FORCE a console that another client holds is
 * refused with %G_IO_ERROR_BUSY, so the caller can ask the user first.
 */
void
vireo_console_stream_open_async (VireoDomain           *domain,
                                 const char            *dev_name,
                                 VireoConsoleOpenFlags  flags,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data)
{
  VireoConnection *connection;
  OpenData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (domain));

  task = g_task_new (domain, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_console_stream_open_async);

  connection = vireo_domain_get_connection (domain);
  if (connection == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN,
                               _("The virtual machine no longer exists"));
      g_object_unref (task);
      return;
    }

  d = g_new0 (OpenData, 1);
  d->uuid = g_strdup (vireo_domain_get_uuid (domain));
  d->dev_name = g_strdup (dev_name);
  d->flags = flags;
  g_task_set_task_data (task, d, open_data_free);
  vireo_connection_run (connection, task, open_thread);
}

static void
on_connection_state (VireoConsoleStream *self,
                     GParamSpec         *pspec,
                     VireoConnection    *connection)
{
  g_autoptr(GError) error = NULL;

  if (!self->open || vireo_connection_get_state (connection) == VIREO_CONNECTION_STATE_CONNECTED)
    return;

  /* The stream holds the old libvirt connection open: let it go, so a
   * reconnect really starts afresh, and say why the console stopped. */
  error = g_error_new_literal (VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_CONNECTION_LOST,
                               _("The connection to the host was closed"));
  g_object_ref (self);
  vireo_console_stream_close (self);
  g_signal_emit (self, signals[CLOSED], 0, error);
  g_object_unref (self);
}

/**
 * vireo_console_stream_open_finish:
 *
 * Returns: (transfer full): the open stream; its thread is running
 */
VireoConsoleStream *
vireo_console_stream_open_finish (VireoDomain   *domain,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  VireoConsoleStream *self;
  VireoConnection *connection;
  virStreamPtr stream;

  g_return_val_if_fail (g_task_is_valid (result, domain), NULL);

  stream = g_task_propagate_pointer (G_TASK (result), error);
  if (stream == NULL)
    return NULL;

  self = g_object_new (VIREO_TYPE_CONSOLE_STREAM, NULL);
  self->domain = g_object_ref (domain);
  self->dev_name = g_strdup (((OpenData *) g_task_get_task_data (G_TASK (result)))->dev_name);
  self->shared = shared_new (stream);
  self->shared->owner = self;
  self->open = TRUE;
  start_thread (self->shared);

  connection = vireo_domain_get_connection (domain);
  if (connection != NULL)
    g_signal_connect_object (connection, "notify::state", G_CALLBACK (on_connection_state), self,
                             G_CONNECT_SWAPPED);
  return self;
}

/* ------------------------------------------------------------------------ */
/* Public                                                                    */

/**
 * vireo_console_stream_write:
 *
 * Queues @data for the guest; never blocks. Ignored once closed.
 */
void
vireo_console_stream_write (VireoConsoleStream *self,
                            const char         *data,
                            gsize               len)
{
  g_return_if_fail (VIREO_IS_CONSOLE_STREAM (self));
  g_return_if_fail (data != NULL || len == 0);

  if (self->shared == NULL || len == 0)
    return;
  g_mutex_lock (&self->shared->lock);
  g_byte_array_append (self->shared->outbox, (const guint8 *) data, len);
  g_cond_signal (&self->shared->cond);
  g_mutex_unlock (&self->shared->lock);
}

/**
 * vireo_console_stream_close:
 *
 * Ends the stream: nothing more is delivered, and no "closed" is emitted
 * for it. The stream's thread lets the console go (abort) on its own time,
 * so this never waits for the host.
 */
void
vireo_console_stream_close (VireoConsoleStream *self)
{
  Shared *s;

  g_return_if_fail (VIREO_IS_CONSOLE_STREAM (self));

  s = g_steal_pointer (&self->shared);
  if (s == NULL)
    return;
  s->owner = NULL;
  g_mutex_lock (&s->lock);
  s->quit = TRUE;
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);
  shared_unref (s);

  if (self->open)
    {
      self->open = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN]);
    }
}

VireoDomain *
vireo_console_stream_get_domain (VireoConsoleStream *self)
{
  g_return_val_if_fail (VIREO_IS_CONSOLE_STREAM (self), NULL);
  return self->domain;
}

const char *
vireo_console_stream_get_dev_name (VireoConsoleStream *self)
{
  g_return_val_if_fail (VIREO_IS_CONSOLE_STREAM (self), NULL);
  return self->dev_name;
}

/**
 * vireo_console_stream_get_open:
 *
 * Returns: whether bytes still flow: neither closed nor ended
 */
gboolean
vireo_console_stream_get_open (VireoConsoleStream *self)
{
  g_return_val_if_fail (VIREO_IS_CONSOLE_STREAM (self), FALSE);
  return self->open;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
vireo_console_stream_dispose (GObject *object)
{
  VireoConsoleStream *self = VIREO_CONSOLE_STREAM (object);

  if (self->shared != NULL)
    {
      /* No notify from dispose. */
      self->open = FALSE;
      vireo_console_stream_close (self);
    }
  g_clear_object (&self->domain);

  G_OBJECT_CLASS (vireo_console_stream_parent_class)->dispose (object);
}

static void
vireo_console_stream_finalize (GObject *object)
{
  VireoConsoleStream *self = VIREO_CONSOLE_STREAM (object);

  g_free (self->dev_name);

  G_OBJECT_CLASS (vireo_console_stream_parent_class)->finalize (object);
}

static void
vireo_console_stream_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VireoConsoleStream *self = VIREO_CONSOLE_STREAM (object);

  switch (prop_id)
    {
    case PROP_OPEN:
      g_value_set_boolean (value, self->open);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_console_stream_class_init (VireoConsoleStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vireo_console_stream_dispose;
  object_class->finalize = vireo_console_stream_finalize;
  object_class->get_property = vireo_console_stream_get_property;

  properties[PROP_OPEN] =
    g_param_spec_boolean ("open", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VireoConsoleStream::data-received:
   * @bytes: what the guest wrote, in order, as it came
   */
  signals[DATA_RECEIVED] =
    g_signal_new ("data-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);

  /**
   * VireoConsoleStream::closed:
   * @error: (nullable): why, or %NULL when the host ended the stream
   *   normally (the guest stopped, the console went away)
   *
   * The stream ended without the owner closing it; emitted after the last
   * data-received. Another client taking the console over ends it with
   * %G_IO_ERROR_BUSY.
   */
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
vireo_console_stream_init (VireoConsoleStream *self)
{
}
