/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-connection-manager"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-connection-manager.h"

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
};

G_DEFINE_FINAL_TYPE (VireoConnectionManager, vireo_connection_manager, G_TYPE_OBJECT)

static void
vireo_connection_manager_dispose (GObject *object)
{
  VireoConnectionManager *self = VIREO_CONNECTION_MANAGER (object);

  g_clear_object (&self->connections);

  G_OBJECT_CLASS (vireo_connection_manager_parent_class)->dispose (object);
}

static void
vireo_connection_manager_class_init (VireoConnectionManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vireo_connection_manager_dispose;
}

static void
vireo_connection_manager_init (VireoConnectionManager *self)
{
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
