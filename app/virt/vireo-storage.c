/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-storage"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/tree.h>

#include "vireo-connection-private.h"
#include "vireo-domain-config.h"
#include "vireo-lookup-private.h"
#include "vireo-storage.h"
#include "vireo-virt-error.h"
#include "vireo-xml.h"

/*
 * Storage management. Each call is a GTask whose thread function runs on the
 * connection's ops worker (vireo_connection_run) and returns plain data; the
 * virsh equivalents are in vireo-storage-command.
 *
 * Refusals that belong to a form field (a name that is taken, a size beyond
 * the pool's free space) come back in VIREO_STORAGE_CONFIG_ERROR with the
 * field's code, checked on the worker against the pool as it is now, before
 * anything is made.
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (virSecret, virSecretFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virStream, virStreamFree)

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */

static void
return_last (GTask      *task,
             const char *what)
{
  g_task_return_error (task, _vireo_error_from_last (what));
}

static virStoragePoolPtr
lookup_pool (GTask         *task,
             virConnectPtr  conn,
             const char    *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, name);

  if (pool == NULL)
    {
      /* Translators: %s is a storage pool's name */
      g_autofree char *what = g_strdup_printf (_("Could not find the storage pool “%s”"), name);
      return_last (task, what);
    }
  return pool;
}

static virStorageVolPtr
lookup_volume (GTask             *task,
               virStoragePoolPtr  pool,
               const char        *name)
{
  virStorageVolPtr vol = virStorageVolLookupByName (pool, name);

  if (vol == NULL)
    {
      /* Translators: %s is a storage volume's name */
      g_autofree char *what = g_strdup_printf (_("Could not find the volume “%s”"), name);
      return_last (task, what);
    }
  return vol;
}

static gboolean
task_return_cancelled (GTask *task)
{
  return g_task_return_error_if_cancelled (task);
}

/* ------------------------------------------------------------------------ */
/* Who uses a volume                                                         */

static char *
volume_key (const char *pool,
            const char *volume)
{
  return g_strconcat (pool, "\x1f", volume, NULL);
}

static void
add_user (GHashTable *users,
          char       *key,
          const char *name)
{
  GPtrArray *names = g_hash_table_lookup (users, key);

  if (names == NULL)
    {
      names = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (users, key, names);
    }
  else
    g_free (key);
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return;
  g_ptr_array_add (names, g_strdup (name));
}

static void
add_disks_of (GHashTable *users,
              const char *xml,
              const char *name)
{
  g_autoptr(VireoDomainConfig) config = xml != NULL ? vireo_domain_config_new_from_xml (xml, NULL) : NULL;
  g_autoptr(GPtrArray) disks = NULL;

  if (config == NULL)
    return;
  disks = vireo_domain_config_list_disks (config);
  for (guint j = 0; j < disks->len; j++)
    {
      VireoDiskInfo *disk = g_ptr_array_index (disks, j);

      if (disk->path != NULL)
        add_user (users, g_strdup (disk->path), name);
      if (disk->pool != NULL && disk->volume != NULL)
        add_user (users, volume_key (disk->pool, disk->volume), name);
    }
}

/**
 * _vireo_collect_volume_users:
 *
 * Every disk of every machine, by path and by pool/volume pair (a
 * `<disk type='volume'>`), each to the names of the machines using it: the
 * persistent definition, and for a running machine its live one too (a
 * disk plugged in for this run only).
 *
 * Returns: (transfer full): key → GPtrArray of names
 */
GHashTable *
_vireo_collect_volume_users (VireoConnection *self,
                             virConnectPtr    conn)
{
  GHashTable *users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) xmls = _vireo_connection_read_domain_xmls (self, conn);

  for (guint i = 0; xmls != NULL && i < xmls->len; i++)
    {
      VireoDomainXmls *domain = g_ptr_array_index (xmls, i);

      add_disks_of (users, domain->inactive, domain->name);
      add_disks_of (users, domain->live, domain->name);
    }
  virResetLastError ();
  return users;
}

static GPtrArray *
users_of (GHashTable *users,
          const char *pool,
          const char *volume,
          const char *path)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *key = pool != NULL && volume != NULL ? volume_key (pool, volume) : NULL;
  const char *keys[] = { path, key };

  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      GPtrArray *found = keys[k] != NULL && users != NULL ? g_hash_table_lookup (users, keys[k]) : NULL;

      for (guint i = 0; found != NULL && i < found->len; i++)
        if (!g_ptr_array_find_with_equal_func (names, g_ptr_array_index (found, i), g_str_equal, NULL))
          g_ptr_array_add (names, g_strdup (g_ptr_array_index (found, i)));
    }
  return names;
}

void
_vireo_volume_info_set_users (VireoVolumeInfo *info,
                              GHashTable      *users)
{
  g_clear_pointer (&info->used_by, g_ptr_array_unref);
  info->used_by = users_of (users, info->pool, info->name, info->path);
}

/* ------------------------------------------------------------------------ */
/* Pool capabilities                                                         */

static void
get_pool_caps_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  g_autofree char *xml = NULL;
  GError *error = NULL;
  VireoPoolCaps *caps;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  xml = virConnectGetStoragePoolCapabilities (conn, 0);
  /* Before libvirt 5.2 (and in the test driver) there is no such call:
   * Vireo's own list, marked as a guess. */
  if (xml == NULL && !_vireo_driver_lacks_it ())
    {
      return_last (task, _("Could not read the storage pool types of the host"));
      return;
    }
  caps = vireo_pool_caps_new_from_xml (xml, &error);
  if (caps == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, caps, (GDestroyNotify) vireo_pool_caps_free);
}

/**
 * vireo_connection_get_pool_caps_async:
 *
 * The pool types this host supports, with their source and volume formats
 * (`virsh pool-capabilities`). A host that cannot say gives Vireo's own
 * list with `known` FALSE.
 */
void
vireo_connection_get_pool_caps_async (VireoConnection     *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_get_pool_caps_async);
  vireo_connection_run (self, task, get_pool_caps_thread);
}

/**
 * vireo_connection_get_pool_caps_finish:
 *
 * Returns: (transfer full): the capabilities
 */
VireoPoolCaps *
vireo_connection_get_pool_caps_finish (VireoConnection  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Pool actions                                                              */

typedef struct
{
  char            *name;
  char            *xml;
  VireoPoolAction  action;
  gboolean         with_volumes;
  gboolean         build;
  gboolean         start;
  gboolean         autostart;
} PoolData;

static void
pool_data_free (gpointer data)
{
  PoolData *d = data;

  g_free (d->name);
  g_free (d->xml);
  g_free (d);
}

static void
pool_action_thread (GTask        *task,
                    virConnectPtr conn,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  PoolData *d = task_data;
  g_autoptr(virStoragePool) pool = NULL;
  const char *what = NULL;
  int rc = -1;

  if (_vireo_return_if_not_connected (task, conn) || task_return_cancelled (task))
    return;
  if ((pool = lookup_pool (task, conn, d->name)) == NULL)
    return;

  switch (d->action)
    {
    case VIREO_POOL_ACTION_START:
      what = _("Could not start the storage pool");
      rc = virStoragePoolCreate (pool, 0);
      break;
    case VIREO_POOL_ACTION_STOP:
      what = _("Could not stop the storage pool");
      rc = virStoragePoolDestroy (pool);
      break;
    case VIREO_POOL_ACTION_REFRESH:
      what = _("Could not refresh the storage pool");
      rc = virStoragePoolRefresh (pool, 0);
      break;
    case VIREO_POOL_ACTION_AUTOSTART_ON:
    case VIREO_POOL_ACTION_AUTOSTART_OFF:
      what = _("Could not change whether the storage pool starts with the host");
      rc = virStoragePoolSetAutostart (pool, d->action == VIREO_POOL_ACTION_AUTOSTART_ON);
      break;
    case VIREO_POOL_ACTION_BUILD:
      what = _("Could not build the storage pool");
      rc = virStoragePoolBuild (pool, 0);
      break;
    case VIREO_POOL_ACTION_UNDEFINE:
      what = _("Could not delete the storage pool’s definition");
      rc = virStoragePoolUndefine (pool);
      break;
    default:
      g_assert_not_reached ();
    }
  if (rc < 0)
    return_last (task, what);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_connection_pool_action_async:
 * @name: the pool's name
 *
 * Starts, stops, refreshes, builds or undefines a pool, or turns its
 * autostart on or off (`virsh pool-start`, `pool-destroy`, `pool-refresh`,
 * `pool-build`, `pool-undefine`, `pool-autostart [--disable]`). Stopping a
 * pool leaves its data alone.
 */
void
vireo_connection_pool_action_async (VireoConnection     *self,
                                    const char          *name,
                                    VireoPoolAction      action,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  PoolData *d;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (action <= VIREO_POOL_ACTION_UNDEFINE);

  d = g_new0 (PoolData, 1);
  d->name = g_strdup (name);
  d->action = action;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_pool_action_async);
  g_task_set_task_data (task, d, pool_data_free);
  vireo_connection_run (self, task, pool_action_thread);
}

gboolean
vireo_connection_pool_action_finish (VireoConnection  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Names of the machines using any volume of @pool, "" when none. */
static char *
pool_users (VireoConnection   *self,
            virConnectPtr      conn,
            virStoragePoolPtr  pool,
            virStorageVolPtr  *vols,
            int                n)
{
  g_autoptr(GHashTable) users = _vireo_collect_volume_users (self, conn);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *path = virStorageVolGetPath (vols[i]);
      g_autoptr(GPtrArray) names = users_of (users, virStoragePoolGetName (pool),
                                             virStorageVolGetName (vols[i]), path);

      for (guint j = 0; j < names->len; j++)
        if (!g_ptr_array_find_with_equal_func (all, g_ptr_array_index (names, j), g_str_equal, NULL))
          g_ptr_array_add (all, g_strdup (g_ptr_array_index (names, j)));
    }
  virResetLastError ();
  g_ptr_array_add (all, NULL);
  return g_strjoinv (", ", (char **) all->pdata);
}

static void
delete_pool_thread (GTask        *task,
                    virConnectPtr conn,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  PoolData *d = task_data;
  g_autoptr(virStoragePool) pool = NULL;
  g_autofree char *pool_xml = NULL;
  g_autofree char *type = NULL;
  int active, persistent;

  if (_vireo_return_if_not_connected (task, conn) || task_return_cancelled (task))
    return;
  if ((pool = lookup_pool (task, conn, d->name)) == NULL)
    return;
  if ((active = virStoragePoolIsActive (pool)) < 0 ||
      (persistent = virStoragePoolIsPersistent (pool)) < 0 ||
      (pool_xml = virStoragePoolGetXMLDesc (pool, 0)) == NULL)
    {
      return_last (task, _("Could not read the storage pool"));
      return;
    }
  {
    g_autoptr(VireoPoolConfig) config = vireo_pool_config_new_from_xml (pool_xml, NULL);
    type = config != NULL ? g_strdup (vireo_pool_config_get_pool_type (config)) : NULL;
  }

  if (d->with_volumes && active)
    {
      virStorageVolPtr *vols = NULL;
      int n = virStoragePoolListAllVolumes (pool, &vols, 0);
      g_autofree char *users = NULL;
      GError *error = NULL;

      if (n < 0)
        {
          return_last (task, _("Could not list the storage pool’s volumes"));
          return;
        }
      /* A machine's disk is never deleted behind its back: the user deletes
       * or detaches it first, or keeps the volumes. */
      users = pool_users (VIREO_CONNECTION (g_task_get_source_object (task)), conn, pool, vols, n);
      if (*users != '\0')
        error = g_error_new (VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_IN_USE,
                             /* Translators: %s is a list of machine names */
                             _("The pool’s volumes are disks of %s: remove those disks first, or keep the volumes."),
                             users);
      for (int i = 0; i < n; i++)
        {
          if (error == NULL && virStorageVolDelete (vols[i], 0) < 0)
            {
              /* Translators: %s is a volume's name */
              g_autofree char *what = g_strdup_printf (_("Could not delete the volume “%s”"),
                                                       virStorageVolGetName (vols[i]));
              error = _vireo_error_from_last (what);
            }
          virStorageVolFree (vols[i]);
        }
      free (vols);
      if (error != NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  if (active && virStoragePoolDestroy (pool) < 0)
    {
      return_last (task, _("Could not stop the storage pool"));
      return;
    }
  /* A folder pool's folder goes too once its volumes are gone; what
   * virStoragePoolDelete would do to a disk or LVM pool (wipe a label,
   * remove a volume group) is not asked for here. */
  if (d->with_volumes && g_strcmp0 (type, "dir") == 0 && virStoragePoolDelete (pool, 0) < 0)
    {
      return_last (task, _("Could not remove the storage pool’s folder"));
      return;
    }
  if (persistent && virStoragePoolUndefine (pool) < 0)
    {
      return_last (task, _("Could not delete the storage pool’s definition"));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * vireo_connection_delete_pool_async:
 * @with_volumes: delete every volume first (refused when a machine uses
 *   one), and a dir pool's folder
 *
 * Stops the pool if it runs and removes its definition (`virsh
 * pool-destroy`, `vol-delete` for each volume, `pool-delete`,
 * `pool-undefine`).
 */
void
vireo_connection_delete_pool_async (VireoConnection     *self,
                                    const char          *name,
                                    gboolean             with_volumes,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  PoolData *d;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (name != NULL);

  d = g_new0 (PoolData, 1);
  d->name = g_strdup (name);
  d->with_volumes = with_volumes;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_delete_pool_async);
  g_task_set_task_data (task, d, pool_data_free);
  vireo_connection_run (self, task, delete_pool_thread);
}

gboolean
vireo_connection_delete_pool_finish (VireoConnection  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
define_pool_thread (GTask        *task,
                    virConnectPtr conn,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  PoolData *d = task_data;
  g_autoptr(VireoPoolConfig) config = NULL;
  g_autoptr(virStoragePool) existing = NULL;
  g_autoptr(virStoragePool) pool = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;
  const char *what = NULL;

  if (_vireo_return_if_not_connected (task, conn) || task_return_cancelled (task))
    return;
  if ((config = vireo_pool_config_new_from_xml (d->xml, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  name = vireo_pool_config_dup_name (config);
  /* virStoragePoolDefineXML replaces the definition of a pool of the same
   * name and UUID: look first, never overwrite. */
  if (name != NULL && (existing = virStoragePoolLookupByName (conn, name)) != NULL)
    {
      g_task_return_new_error (task, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_NAME,
                               _("There is already a pool named “%s”."), name);
      return;
    }
  virResetLastError ();

  if ((pool = virStoragePoolDefineXML (conn, d->xml, 0)) == NULL)
    {
      return_last (task, _("Could not define the storage pool"));
      return;
    }
  if (d->build && virStoragePoolBuild (pool, 0) < 0)
    what = _("Could not build the storage pool");
  else if (d->start && virStoragePoolCreate (pool, 0) < 0)
    what = _("Could not start the storage pool");
  else if (d->autostart && virStoragePoolSetAutostart (pool, 1) < 0)
    what = _("Could not make the storage pool start with the host");
  if (what != NULL)
    {
      /* Nothing half-made stays behind: the error is the user's to fix in
       * the form, and the next try must not find the name taken. */
      error = _vireo_error_from_last (what);
      if (virStoragePoolIsActive (pool) == 1)
        virStoragePoolDestroy (pool);
      virStoragePoolUndefine (pool);
      virResetLastError ();
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_strdup (virStoragePoolGetName (pool)), g_free);
}

/**
 * vireo_connection_define_pool_async:
 * @xml: a `<pool>` document
 * @build: build it first (make a dir pool's folder, format a disk)
 * @start: start it
 * @autostart: start it with the host
 *
 * Defines a new pool (`virsh pool-define`, `pool-build`, `pool-start`,
 * `pool-autostart`). A pool of that name is refused with
 * %VIREO_STORAGE_CONFIG_ERROR_NAME, never overwritten; when a later step
 * fails the definition is removed again.
 */
void
vireo_connection_define_pool_async (VireoConnection     *self,
                                    const char          *xml,
                                    gboolean             build,
                                    gboolean             start,
                                    gboolean             autostart,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  PoolData *d;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (xml != NULL);

  d = g_new0 (PoolData, 1);
  d->xml = g_strdup (xml);
  d->build = build;
  d->start = start;
  d->autostart = autostart;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_define_pool_async);
  g_task_set_task_data (task, d, pool_data_free);
  vireo_connection_run (self, task, define_pool_thread);
}

/**
 * vireo_connection_define_pool_finish:
 *
 * Returns: (transfer full): the new pool's name
 */
char *
vireo_connection_define_pool_finish (VireoConnection  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Source discovery                                                          */

void
vireo_pool_source_free (VireoPoolSource *source)
{
  if (source == NULL)
    return;
  g_free (source->xml);
  g_free (source->host);
  g_free (source->dir);
  g_strfreev (source->devices);
  g_free (source->name);
  g_free (source->format);
  g_free (source);
}

/**
 * vireo_pool_sources_parse:
 * @xml: virConnectFindStoragePoolSources() output, `<sources>`
 *
 * Returns: (transfer full) (element-type VireoPoolSource): the sources
 */
GPtrArray *
vireo_pool_sources_parse (const char  *xml,
                          GError     **error)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_pool_source_free);
  xmlDocPtr doc;
  xmlNodePtr root;

  g_return_val_if_fail (xml != NULL, NULL);

  doc = vireo_xml_read (xml, NULL);
  root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  if (root == NULL || doc->intSubset != NULL || xmlStrcmp (root->name, BAD_CAST "sources") != 0)
    {
      g_clear_pointer (&doc, xmlFreeDoc);
      g_set_error_literal (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_PARSE,
                           _("The host’s answer is not a list of storage sources"));
      return NULL;
    }
  for (xmlNodePtr s = vireo_xml_child (root, "source"); s != NULL; s = vireo_xml_next_sibling (s, "source"))
    {
      VireoPoolSource *source = g_new0 (VireoPoolSource, 1);
      g_autoptr(GStrvBuilder) devices = g_strv_builder_new ();

      source->xml = vireo_xml_node_to_string (s);
      source->host = vireo_xml_get_child_prop (s, "host", "name");
      source->dir = vireo_xml_get_child_prop (s, "dir", "path");
      source->name = vireo_xml_get_child_text (s, "name");
      source->format = vireo_xml_get_child_prop (s, "format", "type");
      for (xmlNodePtr dev = vireo_xml_child (s, "device"); dev != NULL; dev = vireo_xml_next_sibling (dev, "device"))
        {
          g_autofree char *path = vireo_xml_get_prop (dev, "path");
          if (path != NULL)
            g_strv_builder_add (devices, path);
        }
      source->devices = g_strv_builder_end (devices);
      g_ptr_array_add (sources, source);
    }
  xmlFreeDoc (doc);
  return g_steal_pointer (&sources);
}

typedef struct
{
  char *type;
  char *host;
} FindData;

static void
find_data_free (gpointer data)
{
  FindData *d = data;

  g_free (d->type);
  g_free (d->host);
  g_free (d);
}

static void
find_pool_sources_thread (GTask        *task,
                          virConnectPtr conn,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  FindData *d = task_data;
  g_autofree char *spec = NULL;
  g_autofree char *xml = NULL;
  GPtrArray *sources;
  GError *error = NULL;

  if (_vireo_return_if_not_connected (task, conn) || task_return_cancelled (task))
    return;
  if (d->host != NULL)
    {
      /* Through libxml2, so a host name is never markup. */
      xmlDocPtr doc = vireo_xml_read ("<source>\n</source>", NULL);
      xmlNodePtr host = xmlNewNode (NULL, BAD_CAST "host");

      vireo_xml_set_prop (host, "name", d->host);
      xmlAddChild (xmlDocGetRootElement (doc), host);
      spec = vireo_xml_node_to_string (xmlDocGetRootElement (doc));
      xmlFreeDoc (doc);
    }
  xml = virConnectFindStoragePoolSources (conn, d->type, spec, 0);
  if (xml == NULL)
    {
      return_last (task, _("Could not look for storage sources"));
      return;
    }
  if ((sources = vireo_pool_sources_parse (xml, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sources, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_connection_find_pool_sources_async:
 * @type: "logical", "netfs", "iscsi", …
 * @host: (nullable): the server to ask, for network types
 *
 * What the host can find for a pool of @type (`virsh
 * find-storage-pool-sources-as`): volume groups, an NFS server's exports,
 * an iSCSI portal's targets.
 */
void
vireo_connection_find_pool_sources_async (VireoConnection     *self,
                                          const char          *type,
                                          const char          *host,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;
  FindData *d;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (type != NULL);

  d = g_new0 (FindData, 1);
  d->type = g_strdup (type);
  d->host = g_strdup (host);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_find_pool_sources_async);
  g_task_set_task_data (task, d, find_data_free);
  vireo_connection_run (self, task, find_pool_sources_thread);
}

/**
 * vireo_connection_find_pool_sources_finish:
 *
 * Returns: (transfer container) (element-type VireoPoolSource): the sources
 */
GPtrArray *
vireo_connection_find_pool_sources_finish (VireoConnection  *self,
                                           GAsyncResult     *result,
                                           GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Volumes                                                                   */

typedef struct
{
  char     *pool;
  char     *volume;
  char     *xml;
  char     *clone_from;
  guint64   capacity;
  gboolean  flag;      /* allocate (resize), force (delete) */
} VolumeData;

static void
volume_data_free (gpointer data)
{
  VolumeData *d = data;

  g_free (d->pool);
  g_free (d->volume);
  g_free (d->xml);
  g_free (d->clone_from);
  g_free (d);
}

static VolumeData *
volume_data_new (const char *pool,
                 const char *volume)
{
  VolumeData *d = g_new0 (VolumeData, 1);

  d->pool = g_strdup (pool);
  d->volume = g_strdup (volume);
  return d;
}

/* The names of the pool's volumes, as a NULL-terminated array. */
static GStrv
volume_names (virStoragePoolPtr pool)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  virStorageVolPtr *vols = NULL;
  int n = virStoragePoolListAllVolumes (pool, &vols, 0);

  for (int i = 0; i < n; i++)
    {
      g_strv_builder_add (builder, virStorageVolGetName (vols[i]));
      virStorageVolFree (vols[i]);
    }
  free (vols);
  virResetLastError ();
  return g_strv_builder_end (builder);
}

static void
create_volume_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  VolumeData *d = task_data;
  g_autoptr(virStoragePool) pool = NULL;
  g_autoptr(virStorageVol) source = NULL;
  g_autoptr(virStorageVol) vol = NULL;
  g_autoptr(VireoVolumeConfig) config = NULL;
  g_autoptr(VireoPoolConfig) pool_config = NULL;
  g_autofree char *pool_xml = NULL;
  g_auto(GStrv) names = NULL;
  virStoragePoolInfo info;
  GError *error = NULL;
  VireoVolumeInfo *result;

  if (_vireo_return_if_not_connected (task, conn) || task_return_cancelled (task))
    return;
  if ((config = vireo_volume_config_new_from_xml (d->xml, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if ((pool = lookup_pool (task, conn, d->pool)) == NULL)
    return;
  if (d->clone_from != NULL && (source = lookup_volume (task, pool, d->clone_from)) == NULL)
    return;

  /* Checked against the pool as it is now: a name taken since the dialog
   * listed the pool, free space gone meanwhile. A refresh first, so files
   * made outside libvirt count. libvirt itself would overwrite nothing but
   * would start a full allocation that cannot fit and fail halfway. */
  if (virStoragePoolRefresh (pool, 0) < 0)
    virResetLastError ();
  if (virStoragePoolGetInfo (pool, &info) < 0 || (pool_xml = virStoragePoolGetXMLDesc (pool, 0)) == NULL)
    {
      return_last (task, _("Could not read the storage pool"));
      return;
    }
  pool_config = vireo_pool_config_new_from_xml (pool_xml, NULL);
  names = volume_names (pool);
  if (!vireo_volume_config_validate (config,
                                     pool_config != NULL ? vireo_pool_config_get_pool_type (pool_config) : NULL,
                                     NULL, (const char * const *) names,
                                     info.state == VIR_STORAGE_POOL_RUNNING ? info.available : G_MAXUINT64,
                                     &error) &&
      !g_error_matches (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_OVERCOMMIT))
    {
      g_task_return_error (task, error);
      return;
    }
  g_clear_error (&error);

  if (source != NULL)
    vol = virStorageVolCreateXMLFrom (pool, d->xml, source, 0);
  else
    vol = virStorageVolCreateXML (pool, d->xml, 0);
  if (vol == NULL)
    {
      return_last (task, source != NULL ? _("Could not copy the volume") : _("Could not create the volume"));
      return;
    }
  if ((result = _vireo_volume_info_read (vol, d->pool)) == NULL)
    {
      return_last (task, _("Could not read the new volume"));
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) vireo_volume_info_free);
}

/**
 * vireo_connection_create_volume_xml_async:
 * @pool: the pool's name
 * @xml: a `<volume>` document (vireo_volume_config_to_xml())
 * @clone_from: (nullable): a volume of the same pool to copy
 *
 * Makes a volume (`virsh vol-create-as`, or `vol-clone` with
 * @clone_from). A taken name or an allocation beyond the pool's free space
 * is refused before anything is made, with the field's
 * %VIREO_STORAGE_CONFIG_ERROR code; a thin volume that could outgrow the
 * pool is made (the dialog warns about it).
 */
void
vireo_connection_create_volume_xml_async (VireoConnection     *self,
                                          const char          *pool,
                                          const char          *xml,
                                          const char          *clone_from,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;
  VolumeData *d;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (pool != NULL && xml != NULL);

  d = volume_data_new (pool, NULL);
  d->xml = g_strdup (xml);
  d->clone_from = g_strdup (clone_from);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_create_volume_xml_async);
  g_task_set_task_data (task, d, volume_data_free);
  vireo_connection_run (self, task, create_volume_thread);
}

/**
 * vireo_connection_create_volume_xml_finish:
 *
 * Returns: (transfer full): the new volume
 */
VireoVolumeInfo *
vireo_connection_create_volume_xml_finish (VireoConnection  *self,
                                           GAsyncResult     *result,
                                           GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef enum
{
  VOLUME_RESIZE,
  VOLUME_WIPE,
  VOLUME_DELETE,
} VolumeOp;

static void
volume_op (GTask         *task,
           virConnectPtr  conn,
           VolumeData    *d,
           VolumeOp       op)
{
  g_autoptr(virStoragePool) pool = NULL;
  g_autoptr(virStorageVol) vol = NULL;
  int rc = -1;
  const char *what = NULL;

  if (_vireo_return_if_not_connected (task, conn) || task_return_cancelled (task))
    return;
  if ((pool = lookup_pool (task, conn, d->pool)) == NULL ||
      (vol = lookup_volume (task, pool, d->volume)) == NULL)
    return;

  switch (op)
    {
    case VOLUME_RESIZE:
      what = _("Could not resize the volume");
      rc = virStorageVolResize (vol, d->capacity, d->flag ? VIR_STORAGE_VOL_RESIZE_ALLOCATE : 0);
      break;
    case VOLUME_WIPE:
      what = _("Could not wipe the volume");
      rc = virStorageVolWipe (vol, 0);
      break;
    case VOLUME_DELETE:
      if (!d->flag)
        {
          g_autoptr(GHashTable) users =
            _vireo_collect_volume_users (VIREO_CONNECTION (g_task_get_source_object (task)), conn);
          g_autofree char *path = virStorageVolGetPath (vol);
          g_autoptr(GPtrArray) names = users_of (users, d->pool, d->volume, path);

          virResetLastError ();
          if (names->len > 0)
            {
              g_autofree char *list = NULL;

              g_ptr_array_add (names, NULL);
              list = g_strjoinv (", ", (char **) names->pdata);
              g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_IN_USE,
                                       /* Translators: the first %s is a volume, the second machine names */
                                       _("“%s” is a disk of %s: remove it from the machine first, or delete it anyway."),
                                       d->volume, list);
              return;
            }
        }
      what = _("Could not delete the volume");
      rc = virStorageVolDelete (vol, 0);
      break;
    default:
      g_assert_not_reached ();
    }
  if (rc < 0)
    return_last (task, what);
  else
    g_task_return_boolean (task, TRUE);
}

static void
resize_volume_thread (GTask *task, virConnectPtr conn, gpointer task_data, GCancellable *cancellable)
{
  volume_op (task, conn, task_data, VOLUME_RESIZE);
}

static void
wipe_volume_thread (GTask *task, virConnectPtr conn, gpointer task_data, GCancellable *cancellable)
{
  volume_op (task, conn, task_data, VOLUME_WIPE);
}

static void
delete_volume_thread (GTask *task, virConnectPtr conn, gpointer task_data, GCancellable *cancellable)
{
  volume_op (task, conn, task_data, VOLUME_DELETE);
}

static void
run_volume_op (VireoConnection     *self,
               VolumeData          *d,
               gpointer             source_tag,
               VireoConnectionFunc  func,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, d, volume_data_free);
  vireo_connection_run (self, task, func);
}

/**
 * vireo_connection_resize_volume_async:
 * @capacity: the new size in bytes
 * @allocate: allocate the added bytes now rather than as the guest writes
 *
 * `virsh vol-resize [--allocate]`. Shrinking is refused by libvirt.
 */
void
vireo_connection_resize_volume_async (VireoConnection     *self,
                                      const char          *pool,
                                      const char          *volume,
                                      guint64              capacity,
                                      gboolean             allocate,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  VolumeData *d;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (pool != NULL && volume != NULL);

  d = volume_data_new (pool, volume);
  d->capacity = capacity;
  d->flag = allocate;
  run_volume_op (self, d, vireo_connection_resize_volume_async, resize_volume_thread,
                 cancellable, callback, user_data);
}

gboolean
vireo_connection_resize_volume_finish (VireoConnection  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_connection_wipe_volume_async:
 *
 * Overwrites the volume's data with zeros (`virsh vol-wipe`).
 */
void
vireo_connection_wipe_volume_async (VireoConnection     *self,
                                    const char          *pool,
                                    const char          *volume,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (pool != NULL && volume != NULL);

  run_volume_op (self, volume_data_new (pool, volume), vireo_connection_wipe_volume_async,
                 wipe_volume_thread, cancellable, callback, user_data);
}

gboolean
vireo_connection_wipe_volume_finish (VireoConnection  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_connection_delete_volume_async:
 * @force: delete it even when a machine's disk names it
 *
 * `virsh vol-delete`. Without @force a volume some machine uses (its
 * persistent or live definition) is refused with
 * %VIREO_VIRT_ERROR_IN_USE, naming the machines.
 */
void
vireo_connection_delete_volume_async (VireoConnection     *self,
                                      const char          *pool,
                                      const char          *volume,
                                      gboolean             force,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  VolumeData *d;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (pool != NULL && volume != NULL);

  d = volume_data_new (pool, volume);
  d->flag = force;
  run_volume_op (self, d, vireo_connection_delete_volume_async, delete_volume_thread,
                 cancellable, callback, user_data);
}

gboolean
vireo_connection_delete_volume_finish (VireoConnection  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Secrets                                                                   */

typedef struct
{
  char   *uuid;
  char   *xml;
  GBytes *value;
} SecretData;

static void
secret_data_free (gpointer data)
{
  SecretData *d = data;

  g_free (d->uuid);
  g_free (d->xml);
  g_clear_pointer (&d->value, g_bytes_unref);
  g_free (d);
}

static SecretData *
secret_data_new (const char *uuid,
                 const char *xml,
                 GBytes     *value)
{
  SecretData *d = g_new0 (SecretData, 1);

  d->uuid = g_strdup (uuid);
  d->xml = g_strdup (xml);
  d->value = value != NULL ? g_bytes_ref (value) : NULL;
  return d;
}

static int
compare_secrets (gconstpointer a,
                 gconstpointer b)
{
  const VireoSecretInfo *sa = *(VireoSecretInfo * const *) a;
  const VireoSecretInfo *sb = *(VireoSecretInfo * const *) b;
  int c = g_strcmp0 (sa->usage_type, sb->usage_type);

  return c != 0 ? c : g_strcmp0 (sa->usage_id, sb->usage_id);
}

static void
list_secrets_thread (GTask        *task,
                     virConnectPtr conn,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_secret_info_free);
  virSecretPtr *secrets = NULL;
  GError *error = NULL;
  int n;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  n = virConnectListAllSecrets (conn, &secrets, 0);
  if (n < 0 && !_vireo_driver_lacks_it ())
    {
      return_last (task, _("Could not list the secrets"));
      return;
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(virSecret) secret = secrets[i];
      g_autofree char *xml = NULL;
      VireoSecretInfo *info;

      if (error != NULL)
        continue;
      if ((xml = virSecretGetXMLDesc (secret, 0)) == NULL)
        {
          /* Undefined since the listing: skip it. */
          if (virGetLastErrorCode () == VIR_ERR_NO_SECRET)
            virResetLastError ();
          else
            error = _vireo_error_from_last (_("Could not read a secret"));
          continue;
        }
      if ((info = vireo_secret_info_new_from_xml (xml, &error)) != NULL)
        g_ptr_array_add (list, info);
    }
  free (secrets);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_sort (list, compare_secrets);
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_connection_list_secrets_async:
 *
 * The host's secrets, without their values (`virsh secret-list`); empty
 * when the driver keeps none.
 */
void
vireo_connection_list_secrets_async (VireoConnection     *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_list_secrets_async);
  vireo_connection_run (self, task, list_secrets_thread);
}

/**
 * vireo_connection_list_secrets_finish:
 *
 * Returns: (transfer container) (element-type VireoSecretInfo): the secrets
 */
GPtrArray *
vireo_connection_list_secrets_finish (VireoConnection  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
define_secret_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  SecretData *d = task_data;
  g_autoptr(virSecret) secret = NULL;
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (_vireo_return_if_not_connected (task, conn) || task_return_cancelled (task))
    return;
  if ((secret = virSecretDefineXML (conn, d->xml, 0)) == NULL)
    {
      return_last (task, _("Could not create the secret"));
      return;
    }
  if (d->value != NULL)
    {
      gsize size = 0;
      const guchar *bytes = g_bytes_get_data (d->value, &size);

      if (virSecretSetValue (secret, bytes, size, 0) < 0)
        {
          GError *error = _vireo_error_from_last (_("Could not set the secret’s value"));

          /* A secret without its value would only fail later, elsewhere. */
          virSecretUndefine (secret);
          virResetLastError ();
          g_task_return_error (task, error);
          return;
        }
    }
  if (virSecretGetUUIDString (secret, uuid) < 0)
    {
      return_last (task, _("Could not read the secret"));
      return;
    }
  g_task_return_pointer (task, g_strdup (uuid), g_free);
}

/**
 * vireo_connection_define_secret_async:
 * @xml: a `<secret>` document (vireo_secret_xml())
 * @value: (nullable): its value (a CHAP password, a Ceph key, a passphrase)
 *
 * `virsh secret-define` and `secret-set-value`. When the value cannot be
 * set the secret is removed again.
 */
void
vireo_connection_define_secret_async (VireoConnection     *self,
                                      const char          *xml,
                                      GBytes              *value,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (xml != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_define_secret_async);
  g_task_set_task_data (task, secret_data_new (NULL, xml, value), secret_data_free);
  vireo_connection_run (self, task, define_secret_thread);
}

/**
 * vireo_connection_define_secret_finish:
 *
 * Returns: (transfer full): the secret's UUID
 */
char *
vireo_connection_define_secret_finish (VireoConnection  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
secret_op_thread (GTask        *task,
                  virConnectPtr conn,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SecretData *d = task_data;
  g_autoptr(virSecret) secret = NULL;
  int rc;

  if (_vireo_return_if_not_connected (task, conn) || task_return_cancelled (task))
    return;
  if ((secret = virSecretLookupByUUIDString (conn, d->uuid)) == NULL)
    {
      return_last (task, _("Could not find the secret"));
      return;
    }
  if (d->value != NULL)
    {
      gsize size = 0;
      const guchar *bytes = g_bytes_get_data (d->value, &size);

      rc = virSecretSetValue (secret, bytes, size, 0);
    }
  else
    rc = virSecretUndefine (secret);
  if (rc < 0)
    return_last (task, d->value != NULL ? _("Could not set the secret’s value") : _("Could not delete the secret"));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_connection_set_secret_value_async:
 *
 * `virsh secret-set-value`.
 */
void
vireo_connection_set_secret_value_async (VireoConnection     *self,
                                         const char          *uuid,
                                         GBytes              *value,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (uuid != NULL && value != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_set_secret_value_async);
  g_task_set_task_data (task, secret_data_new (uuid, NULL, value), secret_data_free);
  vireo_connection_run (self, task, secret_op_thread);
}

gboolean
vireo_connection_set_secret_value_finish (VireoConnection  *self,
                                          GAsyncResult     *result,
                                          GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_connection_undefine_secret_async:
 *
 * `virsh secret-undefine`.
 */
void
vireo_connection_undefine_secret_async (VireoConnection     *self,
                                        const char          *uuid,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (uuid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_undefine_secret_async);
  g_task_set_task_data (task, secret_data_new (uuid, NULL, NULL), secret_data_free);
  vireo_connection_run (self, task, secret_op_thread);
}

gboolean
vireo_connection_undefine_secret_finish (VireoConnection  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
