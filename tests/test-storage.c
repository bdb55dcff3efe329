/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Storage actions on libvirt's test driver (test:///default): what it
 * supports of them. Its "default-pool" is a dir pool with no volumes; it
 * has no pool capabilities and no secrets driver.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-storage.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define POOL "default-pool"

static VireoPoolInfo *
pool_named (GPtrArray  *pools,
            const char *name)
{
  for (guint i = 0; i < pools->len; i++)
    {
      VireoPoolInfo *p = g_ptr_array_index (pools, i);
      if (g_strcmp0 (p->name, name) == 0)
        return p;
    }
  g_error ("pool “%s” is not listed", name);
}

static GPtrArray *
list_pools (VireoConnection *conn)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *pools;

  vireo_connection_list_pools_with_users_async (conn, NULL, vireo_test_async_cb, &a);
  pools = vireo_connection_list_pools_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_object_unref (a.result);
  return pools;
}

static gboolean
pool_action (VireoConnection  *conn,
             VireoPoolAction   action,
             GError          **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_connection_pool_action_async (conn, POOL, action, NULL, vireo_test_async_cb, &a);
  ok = vireo_connection_pool_action_finish (conn, vireo_test_async_wait (&a, 30), error);
  g_object_unref (a.result);
  return ok;
}

static void
test_caps_fallback (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection ("test:///default", 0);
  g_autoptr(VireoPoolCaps) caps = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  vireo_connection_get_pool_caps_async (conn, NULL, vireo_test_async_cb, &a);
  caps = vireo_connection_get_pool_caps_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_object_unref (a.result);
  /* The test driver cannot say: Vireo's own list, marked as such. */
  g_assert_false (caps->known);
  g_assert_true (vireo_pool_caps_supports (caps, "dir"));
}

static void
test_pool_actions (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection ("test:///default", 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (pool_action (conn, VIREO_POOL_ACTION_STOP, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) pools = list_pools (conn);
    g_assert_false (pool_named (pools, POOL)->active);
  }
  /* Stopping twice is libvirt's refusal, passed on. */
  g_assert_false (pool_action (conn, VIREO_POOL_ACTION_STOP, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_clear_error (&error);

  g_assert_true (pool_action (conn, VIREO_POOL_ACTION_START, &error));
  g_assert_true (pool_action (conn, VIREO_POOL_ACTION_REFRESH, &error));
  g_assert_true (pool_action (conn, VIREO_POOL_ACTION_AUTOSTART_ON, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) pools = list_pools (conn);
    g_assert_true (pool_named (pools, POOL)->active);
    g_assert_true (pool_named (pools, POOL)->autostart);
  }

  /* An unknown pool: libvirt's words, with the name. */
  {
    VireoTestAsync a = { 0 };

    vireo_connection_pool_action_async (conn, "no-such-pool", VIREO_POOL_ACTION_START, NULL, vireo_test_async_cb, &a);
    g_assert_false (vireo_connection_pool_action_finish (conn, vireo_test_async_wait (&a, 30), &error));
    g_assert_nonnull (strstr (error->message, "no-such-pool"));
    g_object_unref (a.result);
  }
}

static void
test_define_and_delete_pool (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection ("test:///default", 0);
  g_autoptr(VireoPoolConfig) config = vireo_pool_config_new ("dir");
  g_autofree char *xml = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  vireo_pool_config_set_name (config, "extra");
  vireo_pool_config_set_target_path (config, "/extra");
  xml = vireo_pool_config_to_xml (config);
  vireo_connection_define_pool_async (conn, xml, FALSE, TRUE, TRUE, NULL, vireo_test_async_cb, &a);
  name = vireo_connection_define_pool_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_clear_object (&a.result);
  g_assert_cmpstr (name, ==, "extra");
  {
    g_autoptr(GPtrArray) pools = list_pools (conn);
    g_assert_true (pool_named (pools, "extra")->active);
    g_assert_true (pool_named (pools, "extra")->autostart);
  }

  /* The existing pool's name: refused on the name field. */
  {
    g_autofree char *again = NULL;

    vireo_pool_config_set_name (config, POOL);
    g_free (xml);
    xml = vireo_pool_config_to_xml (config);
    vireo_connection_define_pool_async (conn, xml, FALSE, TRUE, TRUE, NULL, vireo_test_async_cb, &a);
    again = vireo_connection_define_pool_finish (conn, vireo_test_async_wait (&a, 30), &error);
    g_assert_null (again);
    g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_NAME);
    g_clear_error (&error);
    g_clear_object (&a.result);
  }

  vireo_connection_delete_pool_async (conn, "extra", FALSE, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_connection_delete_pool_finish (conn, vireo_test_async_wait (&a, 30), &error));
  g_assert_no_error (error);
  g_clear_object (&a.result);
  {
    g_autoptr(GPtrArray) pools = list_pools (conn);
    for (guint i = 0; i < pools->len; i++)
      g_assert_cmpstr (((VireoPoolInfo *) g_ptr_array_index (pools, i))->name, !=, "extra");
  }
}

static void
test_volumes (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection ("test:///default", 0);
  g_autoptr(VireoVolumeConfig) config = vireo_volume_config_new ("disk.qcow2", "qcow2", 1 << 30);
  g_autofree char *xml = vireo_volume_config_to_xml (config);
  g_autoptr(VireoVolumeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  vireo_connection_create_volume_xml_async (conn, POOL, xml, NULL, NULL, vireo_test_async_cb, &a);
  info = vireo_connection_create_volume_xml_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_clear_object (&a.result);
  g_assert_cmpstr (info->name, ==, "disk.qcow2");
  g_assert_cmpstr (info->pool, ==, POOL);
  g_assert_cmpuint (info->capacity, ==, 1 << 30);

  /* The same name again: refused before libvirt is asked. */
  {
    g_autoptr(VireoVolumeInfo) again = NULL;

    vireo_connection_create_volume_xml_async (conn, POOL, xml, NULL, NULL, vireo_test_async_cb, &a);
    again = vireo_connection_create_volume_xml_finish (conn, vireo_test_async_wait (&a, 30), &error);
    g_assert_null (again);
    g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_NAME);
    g_clear_error (&error);
    g_clear_object (&a.result);
  }
  {
    g_autoptr(GPtrArray) pools = list_pools (conn);
    VireoPoolInfo *pool = pool_named (pools, POOL);

    g_assert_cmpuint (pool->volumes->len, ==, 1);
    /* No machine of the test driver's uses it. */
    g_assert_cmpuint (((VireoVolumeInfo *) g_ptr_array_index (pool->volumes, 0))->used_by->len, ==, 0);
  }

  vireo_connection_delete_volume_async (conn, POOL, "disk.qcow2", FALSE, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_connection_delete_volume_finish (conn, vireo_test_async_wait (&a, 30), &error));
  g_assert_no_error (error);
  g_clear_object (&a.result);
  {
    g_autoptr(GPtrArray) pools = list_pools (conn);
    g_assert_cmpuint (pool_named (pools, POOL)->volumes->len, ==, 0);
  }
}

static void
test_secrets_unsupported (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection ("test:///default", 0);
  g_autoptr(GPtrArray) secrets = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  /* No secrets driver: an empty list, not an error. */
  vireo_connection_list_secrets_async (conn, NULL, vireo_test_async_cb, &a);
  secrets = vireo_connection_list_secrets_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (secrets->len, ==, 0);
  g_object_unref (a.result);
}

/* virConnectFindStoragePoolSources' answer for an NFS server and for LVM,
 * in the shape libvirt 9.0 writes them. */
static void
test_sources_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nfs = vireo_pool_sources_parse (
    "<sources>\n"
    "  <source>\n"
    "    <host name='nas.example.org'/>\n"
    "    <dir path='/srv/images'/>\n"
    "    <format type='nfs'/>\n"
    "  </source>\n"
    "  <source>\n"
    "    <host name='nas.example.org'/>\n"
    "    <dir path='/srv/iso'/>\n"
    "    <format type='nfs'/>\n"
    "  </source>\n"
    "</sources>\n", &error);
  g_autoptr(GPtrArray) lvm = vireo_pool_sources_parse (
    "<sources>\n"
    "  <source>\n"
    "    <device path='/dev/sdb1'/>\n"
    "    <device path='/dev/sdc1'/>\n"
    "    <name>vg0</name>\n"
    "    <format type='lvm2'/>\n"
    "  </source>\n"
    "</sources>\n", &error);
  VireoPoolSource *s;

  g_assert_no_error (error);
  g_assert_cmpuint (nfs->len, ==, 2);
  s = g_ptr_array_index (nfs, 1);
  g_assert_cmpstr (s->host, ==, "nas.example.org");
  g_assert_cmpstr (s->dir, ==, "/srv/iso");
  g_assert_cmpstr (s->format, ==, "nfs");
  g_assert_true (g_str_has_prefix (s->xml, "<source>\n  <host name=\"nas.example.org\"/>"));
  s = g_ptr_array_index (lvm, 0);
  g_assert_cmpstr (s->name, ==, "vg0");
  g_assert_cmpstrv (s->devices, ((const char *[]) { "/dev/sdb1", "/dev/sdc1", NULL }));
  g_assert_null (vireo_pool_sources_parse ("<pool/>", &error));
  g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_PARSE);
}

static char *
lab_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-networks.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  return g_strconcat ("test://", abs, NULL);
}

static VireoVolumeInfo *
volume_named (VireoPoolInfo *pool,
              const char    *name)
{
  for (guint i = 0; i < pool->volumes->len; i++)
    {
      VireoVolumeInfo *v = g_ptr_array_index (pool->volumes, i);
      if (g_strcmp0 (v->name, name) == 0)
        return v;
    }
  g_error ("volume “%s” is not listed", name);
}

typedef struct
{
  VireoConnection *conn;
  const char      *volume;
  const char      *user;
} UsersWait;

static gboolean
users_are (gpointer data)
{
  UsersWait *w = data;
  g_autoptr(GPtrArray) pools = list_pools (w->conn);
  VireoVolumeInfo *v = volume_named (pool_named (pools, "lab-pool"), w->volume);

  return v->used_by->len == 1 && g_str_equal (g_ptr_array_index (v->used_by, 0), w->user);
}

/* Users come only with the Storage page's listing; a machine defined
 * anew (its disk moved) is seen at once, though definitions are cached. */
static void
test_volume_users (void)
{
  g_autofree char *uri = lab_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GPtrArray) plain = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GString) moved = NULL;
  g_autoptr(GError) error = NULL;
  VireoDomain *web = vireo_test_find_domain (conn, "web");
  VireoTestAsync a = { 0 };
  UsersWait before = { conn, "web.qcow2", "web" };
  UsersWait after = { conn, "base.img", "web" };

  vireo_connection_list_pools_async (conn, NULL, vireo_test_async_cb, &a);
  plain = vireo_connection_list_pools_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_clear_object (&a.result);
  g_assert_null (volume_named (pool_named (plain, "lab-pool"), "web.qcow2")->used_by);

  g_assert_true (users_are (&before));
  g_assert_true (users_are (&before));   /* from the cache this time */

  vireo_domain_read_xml_async (web, TRUE, NULL, vireo_test_async_cb, &a);
  xml = vireo_domain_read_xml_finish (web, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_clear_object (&a.result);
  moved = g_string_new (xml);
  g_assert_cmpuint (g_string_replace (moved, "/lab-pool/web.qcow2", "/lab-pool/base.img", 0), ==, 1);
  vireo_domain_define_xml_async (web, moved->str, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_define_xml_finish (web, vireo_test_async_wait (&a, 30), &error));
  g_assert_no_error (error);
  g_clear_object (&a.result);

  /* web runs (the test driver starts its machines): web.qcow2 stays in
   * use by the live machine, base.img is its next boot's. */
  vireo_test_wait_for (users_are, &after, 10, "base.img to be web's");
  g_assert_true (users_are (&before));
  vireo_connection_close (conn);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

  g_test_add_func ("/storage/caps-fallback", test_caps_fallback);
  g_test_add_func ("/storage/pool-actions", test_pool_actions);
  g_test_add_func ("/storage/define-and-delete-pool", test_define_and_delete_pool);
  g_test_add_func ("/storage/volumes", test_volumes);
  g_test_add_func ("/storage/secrets-unsupported", test_secrets_unsupported);
  g_test_add_func ("/storage/sources-parse", test_sources_parse);
  g_test_add_func ("/storage/volume-users", test_volume_users);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
