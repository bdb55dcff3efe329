/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-connection-manager"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-connection-manager.h"
#include "vireo-connection-private.h"
#include "vireo-ssh-askpass.h"

/*
 * Every open connection, in the order they were added. Each connection has
 * its own workers, so many hosts can be slow at once without any of them
 * delaying another.
 */
struct _VireoConnectionManager
{
  GObject     parent_instance;

  GListStore *connections;
  guint       stats_interval;

  /* Where the list is kept, once bound */
  GSettings  *settings;
  char       *key;
  guint       loading : 1;
};

G_DEFINE_FINAL_TYPE (VireoConnectionManager, vireo_connection_manager, G_TYPE_OBJECT)

static void
vireo_connection_manager_dispose (GObject *object)
{
  VireoConnectionManager *self = VIREO_CONNECTION_MANAGER (object);

  vireo_ssh_askpass_unset_handler (self);
  g_clear_object (&self->connections);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->key, g_free);

  G_OBJECT_CLASS (vireo_connection_manager_parent_class)->dispose (object);
}

enum {
  AUTHENTICATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
vireo_connection_manager_class_init (VireoConnectionManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vireo_connection_manager_dispose;

  /**
   * VireoConnectionManager::authenticate:
   * @connection: the connection that asks
   * @request: the question
   *
   * Every connection's #VireoConnection::authenticate in one place, so the
   * UI answers for connections it never saw being added.
   */
  signals[AUTHENTICATE] =
    g_signal_new ("authenticate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 2, VIREO_TYPE_CONNECTION, VIREO_TYPE_AUTH_REQUEST);
}

static gboolean
forward_authenticate (VireoConnection        *connection,
                      VireoAuthRequest       *request,
                      VireoConnectionManager *self)
{
  gboolean handled = FALSE;

  g_signal_emit (self, signals[AUTHENTICATE], 0, connection, request, &handled);
  return handled;
}

static gboolean
same_or_default (const char *a,
                 const char *b,
                 const char *fallback)
{
  return g_strcmp0 (a != NULL ? a : fallback, b != NULL ? b : fallback) == 0;
}

/* OpenSSH asks through the askpass helper, which only knows the user, host
 * and port ssh was run with: find the connection being opened to them. */
static VireoConnection *
find_ssh_connection (VireoConnectionManager *self,
                     const char             *user,
                     const char             *host,
                     const char             *port)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoConnection) conn = g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      g_autoptr(GUri) uri = NULL;
      g_autofree char *uri_port = NULL;

      if (vireo_connection_get_state (conn) != VIREO_CONNECTION_STATE_CONNECTING)
        continue;
      uri = g_uri_parse (vireo_connection_get_uri (conn), G_URI_FLAGS_ENCODED_QUERY, NULL);
      if (uri == NULL || !g_str_has_suffix (g_uri_get_scheme (uri), "+ssh"))
        continue;
      if (g_uri_get_port (uri) > 0)
        uri_port = g_strdup_printf ("%d", g_uri_get_port (uri));
      if (g_strcmp0 (g_uri_get_host (uri), host) == 0
          && same_or_default (uri_port, port, "22")
          && same_or_default (g_uri_get_user (uri), user, ""))
        return conn;
    }
  return NULL;
}

static gboolean
on_ssh_question (VireoAuthRequest *request,
                 const char       *user,
                 const char       *host,
                 const char       *port,
                 gpointer          data)
{
  VireoConnectionManager *self = data;
  VireoConnection *conn = find_ssh_connection (self, user, host, port);
  gboolean handled = FALSE;

  if (conn != NULL)
    {
      /* Through the connection, so its connect timeout waits for the user. */
      _vireo_connection_ask (conn, request);
      return TRUE;
    }
  g_signal_emit (self, signals[AUTHENTICATE], 0, NULL, request, &handled);
  return handled;
}

static void
vireo_connection_manager_init (VireoConnectionManager *self)
{
  vireo_ssh_askpass_set_handler (on_ssh_question, self);
  self->connections = g_list_store_new (VIREO_TYPE_CONNECTION);
  self->stats_interval = 2;
}

VireoConnectionManager *
vireo_connection_manager_new (void)
{
  return g_object_new (VIREO_TYPE_CONNECTION_MANAGER, NULL);
}

/**
 * vireo_connection_manager_list_connections:
 *
 * Returns: (transfer full): a #GListModel of #VireoConnection
 */
GListModel *
vireo_connection_manager_list_connections (VireoConnectionManager *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION_MANAGER (self), NULL);
  return g_object_ref (G_LIST_MODEL (self->connections));
}

/**
 * vireo_connection_manager_find:
 *
 * Returns: (transfer none) (nullable): the connection to @uri
 */
VireoConnection *
vireo_connection_manager_find (VireoConnectionManager *self,
                               const char             *uri)
{
  guint n;

  g_return_val_if_fail (VIREO_IS_CONNECTION_MANAGER (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoConnection) conn = g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      if (g_strcmp0 (vireo_connection_get_uri (conn), uri) == 0)
        return conn;
    }
  return NULL;
}

/**
 * vireo_connection_manager_add:
 *
 * Adds a connection to @uri, or returns the one there is. The caller opens it.
 *
 * Returns: (transfer none): the connection
 */
VireoConnection *
vireo_connection_manager_add (VireoConnectionManager *self,
                              const char             *uri)
{
  g_autoptr(VireoConnection) conn = NULL;
  VireoConnection *existing;

  g_return_val_if_fail (VIREO_IS_CONNECTION_MANAGER (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  if ((existing = vireo_connection_manager_find (self, uri)) != NULL)
    return existing;

  conn = vireo_connection_new (uri);
  vireo_connection_set_stats_interval (conn, self->stats_interval);
  g_signal_connect_object (conn, "authenticate", G_CALLBACK (forward_authenticate), self, 0);
  g_list_store_append (self->connections, conn);
  return conn;
}

void
vireo_connection_manager_remove (VireoConnectionManager *self,
                                 VireoConnection        *connection)
{
  guint position;

  g_return_if_fail (VIREO_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (VIREO_IS_CONNECTION (connection));

  if (g_list_store_find (self->connections, connection, &position))
    {
      vireo_connection_close (connection);
      g_list_store_remove (self->connections, position);
    }
}

void
vireo_connection_manager_set_stats_interval (VireoConnectionManager *self,
                                             guint                   seconds)
{
  guint n;

  g_return_if_fail (VIREO_IS_CONNECTION_MANAGER (self));

  self->stats_interval = seconds;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoConnection) conn = g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      vireo_connection_set_stats_interval (conn, seconds);
    }
}

/* ------------------------------------------------------------------------ */
/* Saved connections                                                         */

static void
save (VireoConnectionManager *self)
{
  GVariantBuilder builder;
  guint n;

  if (self->settings == NULL || self->loading)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssbx)"));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoConnection) conn = g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      const char *name = vireo_connection_get_name (conn);

      /* The demo is what Vireo shows when there is nothing to save. */
      if (vireo_connection_get_is_demo (conn))
        continue;
      g_variant_builder_add (&builder, "(ssbx)",
                             vireo_connection_get_uri (conn),
                             name ? name : "",
                             vireo_connection_get_autoconnect (conn),
                             vireo_connection_get_last_connected (conn));
    }
  g_settings_set_value (self->settings, self->key, g_variant_builder_end (&builder));
}

static void
on_connection_notify (VireoConnectionManager *self,
                      GParamSpec             *pspec,
                      VireoConnection        *conn)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "name") || g_str_equal (name, "autoconnect") ||
      g_str_equal (name, "last-connected") || g_str_equal (name, "is-demo"))
    save (self);
}

static void
on_connections_changed (VireoConnectionManager *self,
                        guint                   position,
                        guint                   removed,
                        guint                   added,
                        GListModel             *model)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(VireoConnection) conn = g_list_model_get_item (model, i);
      g_signal_connect_object (conn, "notify", G_CALLBACK (on_connection_notify),
                               self, G_CONNECT_SWAPPED);
    }
  save (self);
}

/**
 * vireo_connection_manager_bind_settings:
 * @key: a key of type `a(ssbx)`: URI, name, autoconnect, last connected
 *
 * Adds the connections saved under @key (without opening them), then keeps
 * @key up to date as connections are added, removed, renamed or changed.
 */
void
vireo_connection_manager_bind_settings (VireoConnectionManager *self,
                                        GSettings              *settings,
                                        const char             *key)
{
  g_autoptr(GVariant) saved = NULL;
  GVariantIter iter;
  const char *uri, *name;
  gboolean autoconnect;
  gint64 last;

  g_return_if_fail (VIREO_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (self->settings == NULL);

  self->settings = g_object_ref (settings);
  self->key = g_strdup (key);
  g_signal_connect_object (self->connections, "items-changed",
                           G_CALLBACK (on_connections_changed), self, G_CONNECT_SWAPPED);

  self->loading = TRUE;
  saved = g_settings_get_value (settings, key);
  g_variant_iter_init (&iter, saved);
  while (g_variant_iter_next (&iter, "(&s&sbx)", &uri, &name, &autoconnect, &last))
    {
      VireoConnection *conn = vireo_connection_manager_add (self, uri);

      vireo_connection_set_name (conn, name);
      vireo_connection_set_autoconnect (conn, autoconnect);
      vireo_connection_set_last_connected (conn, last);
    }
  self->loading = FALSE;
}

/**
 * vireo_connection_manager_open_autoconnect:
 *
 * Opens every connection marked autoconnect, all at once: each has its own
 * workers, so a dead host never delays the others.
 *
 * Returns: how many were opened
 */
guint
vireo_connection_manager_open_autoconnect (VireoConnectionManager *self)
{
  guint n, opened = 0;

  g_return_val_if_fail (VIREO_IS_CONNECTION_MANAGER (self), 0);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoConnection) conn = g_list_model_get_item (G_LIST_MODEL (self->connections), i);

      if (vireo_connection_get_autoconnect (conn) &&
          vireo_connection_get_state (conn) == VIREO_CONNECTION_STATE_DISCONNECTED)
        {
          vireo_connection_open_async (conn, NULL, NULL, NULL);
          opened++;
        }
    }
  return opened;
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  GStrv  candidates;
  char  *demo_uri;
  guint  next;
} DefaultData;

static void
default_data_free (gpointer data)
{
  DefaultData *d = data;

  g_strfreev (d->candidates);
  g_free (d->demo_uri);
  g_free (d);
}

static void try_next_default (GTask *task);

static void
default_open_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VireoConnection *conn = VIREO_CONNECTION (object);
  g_autoptr(GTask) task = user_data;
  VireoConnectionManager *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (vireo_connection_open_finish (conn, result, &error))
    {
      g_task_return_pointer (task, g_object_ref (conn), g_object_unref);
      return;
    }

  g_message ("Could not open %s: %s", vireo_connection_get_uri (conn), error->message);
  vireo_connection_manager_remove (self, conn);
  try_next_default (g_steal_pointer (&task));
}

static void
try_next_default (GTask *task)
{
  VireoConnectionManager *self = g_task_get_source_object (task);
  DefaultData *d = g_task_get_task_data (task);
  VireoConnection *conn;

  if (d->candidates != NULL && d->candidates[d->next] != NULL)
    {
      conn = vireo_connection_manager_add (self, d->candidates[d->next++]);
    }
  else if (d->demo_uri != NULL)
    {
      conn = vireo_connection_manager_add (self, d->demo_uri);
      vireo_connection_set_is_demo (conn, TRUE);
      g_clear_pointer (&d->demo_uri, g_free);
    }
  else
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("No libvirt daemon could be reached"));
      g_object_unref (task);
      return;
    }

  vireo_connection_open_async (conn, g_task_get_cancellable (task), default_open_cb, task);
}

/**
 * vireo_connection_manager_open_default_async:
 * @candidates: URIs to try in order, e.g. qemu:///system then qemu:///session
 * @demo_uri: (nullable): opened, marked as a demo, when no candidate answers
 *
 * Opens the first URI that answers; the ones that do not are removed again.
 */
void
vireo_connection_manager_open_default_async (VireoConnectionManager *self,
                                             const char * const     *candidates,
                                             const char             *demo_uri,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data)
{
  GTask *task;
  DefaultData *d;

  g_return_if_fail (VIREO_IS_CONNECTION_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_manager_open_default_async);
  d = g_new0 (DefaultData, 1);
  d->candidates = g_strdupv ((char **) candidates);
  d->demo_uri = g_strdup (demo_uri);
  g_task_set_task_data (task, d, default_data_free);

  try_next_default (task);
}

/**
 * vireo_connection_manager_open_default_finish:
 *
 * Returns: (transfer full): the connection that answered
 */
VireoConnection *
vireo_connection_manager_open_default_finish (VireoConnectionManager  *self,
                                              GAsyncResult            *result,
                                              GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
