/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-storage-command.h"
#include "vireo-storage-config.h"

/* Fixtures in tests/data/storage: pools and a volume as libvirt 9.0 dumps
 * them (double-quoted, as libxml2 writes attributes), with elements and
 * attributes Vireo does not know; the pool capabilities are the private
 * QEMU daemon's own output. */

static char *
read_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "storage", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static VireoPoolConfig *
open_pool (const char *name,
           char      **xml_out)
{
  g_autofree char *xml = read_fixture (name);
  g_autoptr(GError) error = NULL;
  VireoPoolConfig *pool = vireo_pool_config_new_from_xml (xml, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pool);
  if (xml_out != NULL)
    *xml_out = g_steal_pointer (&xml);
  return pool;
}

static VireoVolumeConfig *
open_volume (const char *name,
             char      **xml_out)
{
  g_autofree char *xml = read_fixture (name);
  g_autoptr(GError) error = NULL;
  VireoVolumeConfig *volume = vireo_volume_config_new_from_xml (xml, &error);

  g_assert_no_error (error);
  g_assert_nonnull (volume);
  if (xml_out != NULL)
    *xml_out = g_steal_pointer (&xml);
  return volume;
}

/* @got must be @before with each (old, new) pair of @pairs replaced, each
 * old text found exactly once, and nothing else changed. */
static void
assert_edit (const char         *got,
             const char         *before,
             const char * const *pairs)
{
  g_autoptr(GString) want = g_string_new (before);

  for (guint i = 0; pairs[i] != NULL; i += 2)
    {
      guint n = g_string_replace (want, pairs[i], pairs[i + 1], 0);

      if (n != 1)
        g_error ("expected “%s” once in the document, found it %u times", pairs[i], n);
    }
  g_assert_cmpstr (got, ==, want->str);
}

static void
assert_pool_edit (VireoPoolConfig    *pool,
                  const char         *before,
                  const char * const *pairs)
{
  g_autofree char *got = vireo_pool_config_to_xml (pool);
  assert_edit (got, before, pairs);
}

static void
assert_volume_edit (VireoVolumeConfig  *volume,
                    const char         *before,
                    const char * const *pairs)
{
  g_autofree char *got = vireo_volume_config_to_xml (volume);
  assert_edit (got, before, pairs);
}

/* ------------------------------------------------------------------------ */

static void
test_round_trip (void)
{
  const char *pools[] = { "pool-dir.xml", "pool-netfs.xml", "pool-iscsi.xml" };

  for (guint i = 0; i < G_N_ELEMENTS (pools); i++)
    {
      g_autofree char *xml = NULL;
      g_autoptr(VireoPoolConfig) pool = open_pool (pools[i], &xml);
      g_autofree char *out = vireo_pool_config_to_xml (pool);

      g_assert_cmpstr (out, ==, xml);
    }
  {
    g_autofree char *xml = NULL;
    g_autoptr(VireoVolumeConfig) volume = open_volume ("volume-qcow2.xml", &xml);
    g_autofree char *out = vireo_volume_config_to_xml (volume);

    g_assert_cmpstr (out, ==, xml);
  }
}

static void
test_parse_errors (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (vireo_pool_config_new_from_xml ("<pool type='dir'>", &error));
  g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (vireo_pool_config_new_from_xml ("<volume/>", &error));
  g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (vireo_volume_config_new_from_xml ("<!DOCTYPE v [<!ENTITY a 'x'>]><volume><name>&a;</name></volume>", &error));
  g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_PARSE);
}

static void
test_pool_read (void)
{
  g_autoptr(VireoPoolConfig) dir = open_pool ("pool-dir.xml", NULL);
  g_autoptr(VireoPoolConfig) netfs = open_pool ("pool-netfs.xml", NULL);
  g_autoptr(VireoPoolConfig) iscsi = open_pool ("pool-iscsi.xml", NULL);
  g_autofree char *name = vireo_pool_config_dup_name (dir);
  g_autofree char *target = vireo_pool_config_dup_target_path (dir);
  g_autofree char *host = vireo_pool_config_dup_source_host (netfs, NULL);
  g_autofree char *export = vireo_pool_config_dup_source_dir (netfs);
  g_autofree char *format = vireo_pool_config_dup_format (netfs);
  g_autofree char *iqn = vireo_pool_config_dup_iqn (iscsi);
  g_autofree char *initiator = vireo_pool_config_dup_initiator (iscsi);
  g_autofree char *iscsi_host = NULL;
  g_autofree char *auth_type = NULL, *user = NULL, *usage = NULL, *uuid = NULL;
  g_auto(GStrv) no_hosts = vireo_pool_config_dup_source_hosts (dir);
  guint port = 0;

  g_assert_cmpstr (vireo_pool_config_get_pool_type (dir), ==, "dir");
  g_assert_cmpstr (name, ==, "default");
  g_assert_cmpstr (target, ==, "/var/lib/libvirt/images");
  g_assert_cmpuint (g_strv_length (no_hosts), ==, 0);
  g_assert_false (vireo_pool_config_get_auth (dir, NULL, NULL, NULL, NULL));

  g_assert_cmpstr (host, ==, "nas.example.org");
  g_assert_cmpstr (export, ==, "/srv/nfs/images");
  g_assert_cmpstr (format, ==, "nfs");

  iscsi_host = vireo_pool_config_dup_source_host (iscsi, &port);
  g_assert_cmpstr (iscsi_host, ==, "192.0.2.10");
  g_assert_cmpuint (port, ==, 3260);
  g_assert_cmpstr (iqn, ==, "iqn.2013-06.com.example:iscsi-pool");
  g_assert_cmpstr (initiator, ==, "iqn.2013-06.com.example:client");
  g_assert_true (vireo_pool_config_get_auth (iscsi, &auth_type, &user, &usage, &uuid));
  g_assert_cmpstr (auth_type, ==, "chap");
  g_assert_cmpstr (user, ==, "myname");
  g_assert_cmpstr (usage, ==, "libvirtiscsi");
  g_assert_null (uuid);
}

/* Each setter changes its own line and nothing else. */
static void
test_pool_setters (void)
{
  g_autofree char *xml = NULL;

  {
    g_autoptr(VireoPoolConfig) pool = open_pool ("pool-netfs.xml", &xml);

    vireo_pool_config_set_source_host (pool, "files.example.org", 0);
    assert_pool_edit (pool, xml, (const char *[]) {
      "<host name=\"nas.example.org\"/>", "<host name=\"files.example.org\"/>", NULL });
    vireo_pool_config_set_source_dir (pool, "/export/vm");
    vireo_pool_config_set_format (pool, "cifs");
    vireo_pool_config_set_target_path (pool, "/mnt/vm");
    vireo_pool_config_set_name (pool, "nas & co");
    assert_pool_edit (pool, xml, (const char *[]) {
      "<host name=\"nas.example.org\"/>", "<host name=\"files.example.org\"/>",
      "<dir path=\"/srv/nfs/images\"/>", "<dir path=\"/export/vm\"/>",
      "<format type=\"nfs\"/>", "<format type=\"cifs\"/>",
      "<path>/var/lib/libvirt/nfs-images</path>", "<path>/mnt/vm</path>",
      "<name>nfs-images</name>", "<name>nas &amp; co</name>", NULL });
    g_clear_pointer (&xml, g_free);
  }
  {
    g_autoptr(VireoPoolConfig) pool = open_pool ("pool-iscsi.xml", &xml);

    /* Setting what is there already changes nothing at all. */
    vireo_pool_config_set_source_host (pool, "192.0.2.10", 3260);
    vireo_pool_config_set_auth (pool, "chap", "myname", "libvirtiscsi", NULL);
    assert_pool_edit (pool, xml, (const char *[]) { NULL });

    vireo_pool_config_set_source_host (pool, "192.0.2.10", 0);
    vireo_pool_config_set_iqn (pool, "iqn.2024-01.org.example:lun");
    vireo_pool_config_set_initiator (pool, "iqn.2024-01.org.example:me");
    vireo_pool_config_set_auth (pool, "chap", "other", NULL, "11111111-2222-4333-8444-555555555555");
    assert_pool_edit (pool, xml, (const char *[]) {
      " port=\"3260\"", "",
      "iqn.2013-06.com.example:iscsi-pool", "iqn.2024-01.org.example:lun",
      "iqn.2013-06.com.example:client", "iqn.2024-01.org.example:me",
      "username=\"myname\"", "username=\"other\"",
      "<secret usage=\"libvirtiscsi\"/>", "<secret uuid=\"11111111-2222-4333-8444-555555555555\"/>", NULL });

    vireo_pool_config_set_auth (pool, NULL, NULL, NULL, NULL);
    vireo_pool_config_set_initiator (pool, NULL);
    {
      g_autofree char *out = vireo_pool_config_to_xml (pool);
      g_assert_null (strstr (out, "<auth"));
      g_assert_null (strstr (out, "<initiator"));
      g_assert_null (strstr (out, "<iqn"));
      /* Their lines went with them. */
      g_assert_nonnull (strstr (out, "lun\"/>\n  </source>"));
    }
    g_clear_pointer (&xml, g_free);
  }
  {
    /* libvirt's empty <source> of a dir pool opens up for hosts, and closes
     * again as it was. */
    g_autoptr(VireoPoolConfig) pool = open_pool ("pool-dir.xml", &xml);

    vireo_pool_config_set_source_hosts (pool, (const char *[]) { "a", "b", NULL });
    {
      g_autofree char *out = vireo_pool_config_to_xml (pool);
      g_assert_nonnull (strstr (out, "  <source>\n    <host name=\"a\"/>\n    <host name=\"b\"/>\n  </source>\n"));
    }
    vireo_pool_config_set_source_hosts (pool, (const char *[]) { "c", NULL });
    {
      g_auto(GStrv) hosts = vireo_pool_config_dup_source_hosts (pool);
      g_assert_cmpstrv (hosts, ((const char *[]) { "c", NULL }));
    }
    vireo_pool_config_set_source_hosts (pool, NULL);
    assert_pool_edit (pool, xml, (const char *[]) { NULL });
    g_clear_pointer (&xml, g_free);
  }
}

static void
test_pool_new (void)
{
  g_autoptr(VireoPoolConfig) dir = vireo_pool_config_new ("dir");
  g_autoptr(VireoPoolConfig) netfs = vireo_pool_config_new ("netfs");
  g_autoptr(VireoPoolConfig) logical = vireo_pool_config_new ("logical");
  g_autoptr(VireoPoolConfig) rbd = vireo_pool_config_new ("rbd");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir_xml = NULL;
  g_autofree char *netfs_xml = NULL;
  g_autofree char *logical_xml = NULL;
  g_autofree char *rbd_xml = NULL;

  vireo_pool_config_set_name (dir, "images");
  vireo_pool_config_set_target_path (dir, "/srv/images");
  dir_xml = vireo_pool_config_to_xml (dir);
  g_assert_cmpstr (dir_xml, ==,
                   "<pool type=\"dir\">\n"
                   "  <name>images</name>\n"
                   "  <target>\n"
                   "    <path>/srv/images</path>\n"
                   "  </target>\n"
                   "</pool>\n");

  vireo_pool_config_set_name (netfs, "nfs");
  vireo_pool_config_set_target_path (netfs, "/mnt/nfs");
  vireo_pool_config_set_format (netfs, "nfs");
  vireo_pool_config_set_source_dir (netfs, "/export");
  vireo_pool_config_set_source_host (netfs, "nas", 2049);
  netfs_xml = vireo_pool_config_to_xml (netfs);
  /* In libvirt's order whatever order the setters ran in. */
  g_assert_cmpstr (netfs_xml, ==,
                   "<pool type=\"netfs\">\n"
                   "  <name>nfs</name>\n"
                   "  <source>\n"
                   "    <host name=\"nas\" port=\"2049\"/>\n"
                   "    <dir path=\"/export\"/>\n"
                   "    <format type=\"nfs\"/>\n"
                   "  </source>\n"
                   "  <target>\n"
                   "    <path>/mnt/nfs</path>\n"
                   "  </target>\n"
                   "</pool>\n");
  g_assert_true (vireo_pool_config_validate (netfs, NULL, &error));
  g_assert_no_error (error);

  vireo_pool_config_set_name (logical, "vg");
  vireo_pool_config_set_source_name (logical, "vg0");
  vireo_pool_config_set_source_devices (logical, (const char *[]) { "/dev/sdb", "/dev/sdc", NULL });
  logical_xml = vireo_pool_config_to_xml (logical);
  g_assert_cmpstr (logical_xml, ==,
                   "<pool type=\"logical\">\n"
                   "  <name>vg</name>\n"
                   "  <source>\n"
                   "    <device path=\"/dev/sdb\"/>\n"
                   "    <device path=\"/dev/sdc\"/>\n"
                   "    <name>vg0</name>\n"
                   "  </source>\n"
                   "</pool>\n");
  g_assert_true (vireo_pool_config_validate (logical, NULL, &error));

  vireo_pool_config_set_name (rbd, "ceph");
  vireo_pool_config_set_source_hosts (rbd, (const char *[]) { "mon1", "mon2", NULL });
  vireo_pool_config_set_source_name (rbd, "rbd");
  vireo_pool_config_set_auth (rbd, "ceph", "admin", NULL, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  rbd_xml = vireo_pool_config_to_xml (rbd);
  g_assert_cmpstr (rbd_xml, ==,
                   "<pool type=\"rbd\">\n"
                   "  <name>ceph</name>\n"
                   "  <source>\n"
                   "    <host name=\"mon1\"/>\n"
                   "    <host name=\"mon2\"/>\n"
                   "    <name>rbd</name>\n"
                   "    <auth type=\"ceph\" username=\"admin\">\n"
                   "      <secret uuid=\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\"/>\n"
                   "    </auth>\n"
                   "  </source>\n"
                   "</pool>\n");
  g_assert_true (vireo_pool_config_validate (rbd, NULL, &error));
  g_assert_no_error (error);
}

static void
test_pool_types (void)
{
  const char * const *types = vireo_pool_type_list ();

  g_assert_cmpstr (types[0], ==, "dir");
  g_assert_true (g_strv_contains (types, "iscsi-direct"));
  g_assert_false (g_strv_contains (types, "sheepdog"));
  for (guint i = 0; types[i] != NULL; i++)
    {
      VireoPoolFields fields = vireo_pool_type_get_fields (types[i]);
      VireoPoolFields required = vireo_pool_type_get_required_fields (types[i]);

      /* Nothing required that the form does not show. */
      g_assert_cmpint (required & ~fields, ==, 0);
      g_assert_nonnull (vireo_pool_type_get_description (types[i]));
    }
  g_assert_cmpint (vireo_pool_type_get_fields ("dir"), ==, VIREO_POOL_FIELD_TARGET_PATH);
  g_assert_cmpint (vireo_pool_type_get_fields ("netfs"), ==,
                   VIREO_POOL_FIELD_TARGET_PATH | VIREO_POOL_FIELD_SOURCE_HOST |
                   VIREO_POOL_FIELD_SOURCE_PATH | VIREO_POOL_FIELD_FORMAT);
  g_assert_true (vireo_pool_type_get_fields ("iscsi") & VIREO_POOL_FIELD_AUTH);
  g_assert_true (vireo_pool_type_get_required_fields ("iscsi-direct") & VIREO_POOL_FIELD_INITIATOR);
  g_assert_cmpint (vireo_pool_type_get_fields ("nonsense"), ==, VIREO_POOL_FIELD_NONE);
  g_assert_cmpstr (vireo_pool_type_get_auth_type ("rbd"), ==, "ceph");
  g_assert_cmpstr (vireo_pool_type_get_default_target ("iscsi"), ==, "/dev/disk/by-path");
  g_assert_cmpstr (vireo_pool_type_get_source_formats ("netfs")[1], ==, "nfs");
}

typedef struct
{
  const char              *type;
  void                   (*edit) (VireoPoolConfig *pool);
  VireoStorageConfigError  code;
  const char              *words;  /* the message says why */
} PoolCase;

static void edit_none (VireoPoolConfig *p) { }
static void edit_slash (VireoPoolConfig *p) { vireo_pool_config_set_name (p, "a/b"); }
static void edit_taken (VireoPoolConfig *p) { vireo_pool_config_set_name (p, "default"); }
static void edit_blank (VireoPoolConfig *p) { vireo_pool_config_set_name (p, "  "); }
static void edit_relative (VireoPoolConfig *p) { vireo_pool_config_set_target_path (p, "images"); }
static void edit_no_target (VireoPoolConfig *p) { vireo_pool_config_set_target_path (p, NULL); }
static void edit_bad_host (VireoPoolConfig *p) { vireo_pool_config_set_source_host (p, "nas example", 0); vireo_pool_config_set_source_dir (p, "/e"); }
static void edit_no_export (VireoPoolConfig *p) { vireo_pool_config_set_source_host (p, "nas", 0); }
static void edit_bad_format (VireoPoolConfig *p) { vireo_pool_config_set_source_host (p, "nas", 0); vireo_pool_config_set_source_dir (p, "/e"); vireo_pool_config_set_format (p, "ext4"); }
static void edit_no_device (VireoPoolConfig *p) { }
static void edit_rel_device (VireoPoolConfig *p) { vireo_pool_config_set_source_devices (p, (const char *[]) { "sdb", NULL }); }
static void edit_iscsi_host (VireoPoolConfig *p) { vireo_pool_config_set_source_host (p, "san", 0); }
static void edit_bad_iqn (VireoPoolConfig *p) { edit_iscsi_host (p); vireo_pool_config_set_iqn (p, "target1"); }
static void edit_good_iqn (VireoPoolConfig *p) { edit_iscsi_host (p); vireo_pool_config_set_iqn (p, "iqn.2024-01.org.example:t"); }
static void edit_bad_initiator (VireoPoolConfig *p) { edit_good_iqn (p); vireo_pool_config_set_initiator (p, "me"); }
static void edit_no_secret (VireoPoolConfig *p) { edit_good_iqn (p); vireo_pool_config_set_auth (p, "chap", "user", NULL, NULL); }
static void edit_ceph_auth (VireoPoolConfig *p) { edit_good_iqn (p); vireo_pool_config_set_auth (p, "ceph", "user", "x", NULL); }
static void edit_no_user (VireoPoolConfig *p) { edit_good_iqn (p); vireo_pool_config_set_auth (p, "chap", NULL, "x", NULL); }

static void
test_pool_validate (void)
{
  const char * const existing[] = { "default", NULL };
  const PoolCase cases[] = {
    { "dir", edit_none, VIREO_STORAGE_CONFIG_ERROR_NAME, "name" },
    { "dir", edit_blank, VIREO_STORAGE_CONFIG_ERROR_NAME, "name" },
    { "dir", edit_slash, VIREO_STORAGE_CONFIG_ERROR_NAME, "“/”" },
    { "dir", edit_taken, VIREO_STORAGE_CONFIG_ERROR_NAME, "already" },
    { "dir", edit_relative, VIREO_STORAGE_CONFIG_ERROR_TARGET_PATH, "absolute" },
    { "dir", edit_no_target, VIREO_STORAGE_CONFIG_ERROR_TARGET_PATH, "folder" },
    { "netfs", edit_none, VIREO_STORAGE_CONFIG_ERROR_SOURCE_HOST, "host name" },
    { "netfs", edit_no_export, VIREO_STORAGE_CONFIG_ERROR_SOURCE_PATH, "exports" },
    { "netfs", edit_bad_host, VIREO_STORAGE_CONFIG_ERROR_SOURCE_HOST, "spaces" },
    { "gluster", edit_none, VIREO_STORAGE_CONFIG_ERROR_SOURCE_HOST, "host name" },
    { "disk", edit_no_device, VIREO_STORAGE_CONFIG_ERROR_SOURCE_DEVICE, "device" },
    { "fs", edit_rel_device, VIREO_STORAGE_CONFIG_ERROR_SOURCE_DEVICE, "“sdb”" },
    { "logical", edit_none, VIREO_STORAGE_CONFIG_ERROR_SOURCE_NAME, "volume group" },
    { "rbd", edit_iscsi_host, VIREO_STORAGE_CONFIG_ERROR_SOURCE_NAME, "Ceph pool" },
    { "iscsi", edit_iscsi_host, VIREO_STORAGE_CONFIG_ERROR_IQN, "IQN" },
    { "iscsi", edit_bad_iqn, VIREO_STORAGE_CONFIG_ERROR_IQN, "iqn.YYYY-MM" },
    { "iscsi", edit_bad_initiator, VIREO_STORAGE_CONFIG_ERROR_INITIATOR, "initiator" },
    { "iscsi-direct", edit_good_iqn, VIREO_STORAGE_CONFIG_ERROR_INITIATOR, "initiator" },
    { "iscsi", edit_no_secret, VIREO_STORAGE_CONFIG_ERROR_AUTH, "secret" },
    { "iscsi", edit_no_user, VIREO_STORAGE_CONFIG_ERROR_AUTH, "user name" },
    { "iscsi", edit_ceph_auth, VIREO_STORAGE_CONFIG_ERROR_AUTH, "“chap”" },
    { "scsi", edit_none, VIREO_STORAGE_CONFIG_ERROR_ADAPTER, "adapter" },
    { "nonsense", edit_none, VIREO_STORAGE_CONFIG_ERROR_TYPE, "nonsense" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoPoolConfig) pool = vireo_pool_config_new (cases[i].type);
      g_autoptr(GError) error = NULL;

      /* A good name first, so each case fails on its own field. */
      if (cases[i].edit != edit_none || i > 0)
        vireo_pool_config_set_name (pool, "fresh");
      /* And a target where the type has no usual one. */
      if ((vireo_pool_type_get_fields (cases[i].type) & VIREO_POOL_FIELD_TARGET_PATH) &&
          vireo_pool_type_get_default_target (cases[i].type) == NULL)
        vireo_pool_config_set_target_path (pool, "/mnt/x");
      cases[i].edit (pool);
      g_test_message ("case %u (%s)", i, cases[i].type);
      g_assert_false (vireo_pool_config_validate (pool, existing, &error));
      g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, (int) cases[i].code);
      if (strstr (error->message, cases[i].words) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].words);
    }

  /* The netfs case with a bad format: the message lists the right ones. */
  {
    g_autoptr(VireoPoolConfig) pool = vireo_pool_config_new ("netfs");
    g_autoptr(GError) error = NULL;

    vireo_pool_config_set_name (pool, "n");
    vireo_pool_config_set_target_path (pool, "/mnt/n");
    edit_bad_format (pool);
    g_assert_false (vireo_pool_config_validate (pool, existing, &error));
    g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "auto, nfs, glusterfs, cifs"));
  }
  /* And the fixtures themselves pass. */
  {
    const char *fixtures[] = { "pool-dir.xml", "pool-netfs.xml", "pool-iscsi.xml" };

    for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
      {
        g_autoptr(VireoPoolConfig) pool = open_pool (fixtures[i], NULL);
        g_autoptr(GError) error = NULL;

        g_assert_true (vireo_pool_config_validate (pool, NULL, &error));
        g_assert_no_error (error);
      }
  }
}

/* ------------------------------------------------------------------------ */

static void
test_caps (void)
{
  g_autofree char *xml = read_fixture ("pool-caps-libvirt-9.0.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoPoolCaps) caps = vireo_pool_caps_new_from_xml (xml, &error);
  g_autoptr(VireoPoolCaps) fallback = vireo_pool_caps_new_from_xml (NULL, &error);
  g_auto(GStrv) supported = NULL;
  g_auto(GStrv) fallback_types = NULL;
  const VireoPoolTypeCaps *dir;
  const VireoPoolTypeCaps *logical;
  const VireoPoolTypeCaps *netfs;

  g_assert_no_error (error);
  g_assert_true (caps->known);
  dir = vireo_pool_caps_lookup (caps, "dir");
  g_assert_nonnull (dir);
  g_assert_true (dir->supported);
  g_assert_cmpstr (dir->default_volume_format, ==, "raw");
  g_assert_true (g_strv_contains ((const char * const *) dir->volume_formats, "qcow2"));
  g_assert_null (dir->source_formats);
  logical = vireo_pool_caps_lookup (caps, "logical");
  g_assert_cmpstr (logical->default_source_format, ==, "lvm2");
  g_assert_null (logical->volume_formats);
  netfs = vireo_pool_caps_lookup (caps, "netfs");
  g_assert_cmpstrv (netfs->source_formats, ((const char *[]) { "auto", "nfs", "glusterfs", "cifs", NULL }));

  /* libvirt 9.0 as built by Debian: no RBD, gluster, ZFS; sheepdog is
   * listed (unsupported) but Vireo has no form for it. */
  supported = vireo_pool_caps_dup_supported_types (caps);
  g_assert_cmpstrv (supported, ((const char *[]) { "dir", "fs", "netfs", "logical", "disk", "iscsi", "scsi", "mpath", NULL }));
  g_assert_false (vireo_pool_caps_supports (caps, "rbd"));
  g_assert_false (vireo_pool_caps_supports (caps, "nonsense"));

  g_assert_false (fallback->known);
  fallback_types = vireo_pool_caps_dup_supported_types (fallback);
  g_assert_cmpstrv (fallback_types, vireo_pool_type_list ());
  g_assert_true (g_strv_contains ((const char * const *) vireo_pool_caps_lookup (fallback, "dir")->volume_formats, "qcow2"));

  g_assert_null (vireo_pool_caps_new_from_xml ("<capabilities/>", &error));
  g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_PARSE);
}

/* ------------------------------------------------------------------------ */

static void
test_volume_read (void)
{
  g_autoptr(VireoVolumeConfig) volume = open_volume ("volume-qcow2.xml", NULL);
  g_autofree char *name = vireo_volume_config_dup_name (volume);
  g_autofree char *format = vireo_volume_config_dup_format (volume);
  g_autofree char *backing = vireo_volume_config_dup_backing_path (volume);
  g_autofree char *backing_format = vireo_volume_config_dup_backing_format (volume);

  g_assert_cmpstr (name, ==, "overlay.qcow2");
  g_assert_cmpstr (format, ==, "qcow2");
  g_assert_cmpuint (vireo_volume_config_get_capacity (volume), ==, 20 * (G_GUINT64_CONSTANT (1) << 30));
  g_assert_cmpuint (vireo_volume_config_get_allocation (volume), ==, 200704);
  g_assert_true (vireo_volume_config_get_thin (volume));
  g_assert_cmpstr (backing, ==, "/var/lib/libvirt/images/base.qcow2");
  g_assert_cmpstr (backing_format, ==, "qcow2");
}

static void
test_volume_units (void)
{
  struct { const char *unit; guint64 bytes; } cases[] = {
    { NULL, 5 }, { "bytes", 5 }, { "b", 5 }, { "KiB", 5 << 10 }, { "k", 5 << 10 }, { "KB", 5000 },
    { "M", 5 << 20 }, { "MB", 5000000 }, { "G", G_GUINT64_CONSTANT (5) << 30 },
    { "GiB", G_GUINT64_CONSTANT (5) << 30 }, { "TiB", G_GUINT64_CONSTANT (5) << 40 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *xml = cases[i].unit != NULL
        ? g_strdup_printf ("<volume><name>v</name><capacity unit='%s'>5</capacity></volume>", cases[i].unit)
        : g_strdup ("<volume><name>v</name><capacity>5</capacity></volume>");
      g_autoptr(VireoVolumeConfig) volume = vireo_volume_config_new_from_xml (xml, NULL);

      g_assert_cmpuint (vireo_volume_config_get_capacity (volume), ==, cases[i].bytes);
    }
  {
    g_autoptr(VireoVolumeConfig) volume =
      vireo_volume_config_new_from_xml ("<volume><name>v</name><capacity unit='G'>5</capacity></volume>", NULL);
    g_autofree char *out = NULL;

    /* The same size in other words is no change. */
    vireo_volume_config_set_capacity (volume, G_GUINT64_CONSTANT (5) << 30);
    out = vireo_volume_config_to_xml (volume);
    g_assert_nonnull (strstr (out, "<capacity unit=\"G\">5</capacity>"));
  }
}

static void
test_volume_setters (void)
{
  g_autofree char *xml = NULL;
  g_autoptr(VireoVolumeConfig) volume = open_volume ("volume-qcow2.xml", &xml);

  vireo_volume_config_set_capacity (volume, G_GUINT64_CONSTANT (30) << 30);
  assert_volume_edit (volume, xml, (const char *[]) {
    "<capacity unit=\"bytes\">21474836480</capacity>", "<capacity unit=\"bytes\">32212254720</capacity>", NULL });
  vireo_volume_config_set_name (volume, "copy.qcow2");
  vireo_volume_config_set_backing_store (volume, "/images/base.raw", "raw");
  vireo_volume_config_set_thin (volume, FALSE);
  assert_volume_edit (volume, xml, (const char *[]) {
    "<capacity unit=\"bytes\">21474836480</capacity>", "<capacity unit=\"bytes\">32212254720</capacity>",
    "<name>overlay.qcow2</name>", "<name>copy.qcow2</name>",
    "<path>/var/lib/libvirt/images/base.qcow2</path>\n    <format type=\"qcow2\"/>",
    "<path>/images/base.raw</path>\n    <format type=\"raw\"/>",
    "<allocation unit=\"bytes\">200704</allocation>", "<allocation unit=\"bytes\">32212254720</allocation>", NULL });
  vireo_volume_config_set_backing_store (volume, NULL, NULL);
  {
    g_autofree char *out = vireo_volume_config_to_xml (volume);

    g_assert_null (strstr (out, "backingStore"));
    /* The encryption, features and unknown elements are still there. */
    g_assert_nonnull (strstr (out, "<encryption format=\"luks\">"));
    g_assert_nonnull (strstr (out, "<extended_l2/>"));
    g_assert_nonnull (strstr (out, "</target>\n  <vireo-future flag=\"kept\"/>\n</volume>"));
  }
}

static void
test_volume_new (void)
{
  g_autoptr(VireoVolumeConfig) volume = vireo_volume_config_new ("disk <1>.qcow2", "qcow2", 1 << 30);
  g_autofree char *xml = NULL;
  g_autofree char *overlay_xml = NULL;

  xml = vireo_volume_config_to_xml (volume);
  g_assert_cmpstr (xml, ==,
                   "<volume>\n"
                   "  <name>disk &lt;1&gt;.qcow2</name>\n"
                   "  <capacity unit=\"bytes\">1073741824</capacity>\n"
                   "  <allocation unit=\"bytes\">0</allocation>\n"
                   "  <target>\n"
                   "    <format type=\"qcow2\"/>\n"
                   "  </target>\n"
                   "</volume>\n");
  vireo_volume_config_set_backing_store (volume, "/images/base.qcow2", "qcow2");
  overlay_xml = vireo_volume_config_to_xml (volume);
  g_assert_cmpstr (overlay_xml, ==,
                   "<volume>\n"
                   "  <name>disk &lt;1&gt;.qcow2</name>\n"
                   "  <capacity unit=\"bytes\">1073741824</capacity>\n"
                   "  <allocation unit=\"bytes\">0</allocation>\n"
                   "  <target>\n"
                   "    <format type=\"qcow2\"/>\n"
                   "  </target>\n"
                   "  <backingStore>\n"
                   "    <path>/images/base.qcow2</path>\n"
                   "    <format type=\"qcow2\"/>\n"
                   "  </backingStore>\n"
                   "</volume>\n");
}

static void
test_volume_validate (void)
{
  g_autofree char *caps_xml = read_fixture ("pool-caps-libvirt-9.0.xml");
  g_autoptr(VireoPoolCaps) caps = vireo_pool_caps_new_from_xml (caps_xml, NULL);
  const VireoPoolTypeCaps *dir = vireo_pool_caps_lookup (caps, "dir");
  const char * const existing[] = { "taken.qcow2", NULL };
  const guint64 GiB = G_GUINT64_CONSTANT (1) << 30;
  struct {
    const char *name;
    const char *format;
    guint64 capacity;
    gboolean full;
    const char *backing;
    VireoStorageConfigError code;
    const char *words;
  } cases[] = {
    { "", "qcow2", GiB, FALSE, NULL, VIREO_STORAGE_CONFIG_ERROR_NAME, "name" },
    { "a/b", "qcow2", GiB, FALSE, NULL, VIREO_STORAGE_CONFIG_ERROR_NAME, "“/”" },
    { "..", "qcow2", GiB, FALSE, NULL, VIREO_STORAGE_CONFIG_ERROR_NAME, "“..”" },
    { "taken.qcow2", "qcow2", GiB, FALSE, NULL, VIREO_STORAGE_CONFIG_ERROR_NAME, "already a volume named “taken.qcow2”" },
    { "v", "vhdx", GiB, FALSE, NULL, VIREO_STORAGE_CONFIG_ERROR_FORMAT, "“vhdx”" },
    { "v", "qcow2", 0, FALSE, NULL, VIREO_STORAGE_CONFIG_ERROR_CAPACITY, "more than zero" },
    { "v", "raw", 20 * GiB, TRUE, NULL, VIREO_STORAGE_CONFIG_ERROR_CAPACITY, "GiB free; allocating 20.0" },
    { "v", "raw", GiB, FALSE, "/images/base.qcow2", VIREO_STORAGE_CONFIG_ERROR_BACKING, "“raw”" },
    { "v", "qcow2", GiB, FALSE, "base.qcow2", VIREO_STORAGE_CONFIG_ERROR_BACKING, "full path" },
    { "v", "qcow2", GiB, TRUE, "/images/base.qcow2", VIREO_STORAGE_CONFIG_ERROR_BACKING, "fully allocated" },
    { "v", "qcow2", 20 * GiB, FALSE, NULL, VIREO_STORAGE_CONFIG_ERROR_OVERCOMMIT, "can grow to 20.0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoVolumeConfig) volume = vireo_volume_config_new (cases[i].name, cases[i].format, cases[i].capacity);
      g_autoptr(GError) error = NULL;

      vireo_volume_config_set_thin (volume, !cases[i].full);
      if (cases[i].backing != NULL)
        vireo_volume_config_set_backing_store (volume, cases[i].backing, "qcow2");
      g_assert_false (vireo_volume_config_validate (volume, "dir", dir, existing, 10 * GiB, &error));
      g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, (int) cases[i].code);
      if (strstr (error->message, cases[i].words) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].words);
    }

  /* Thin and full within the free space, an overlay, and an unknown free
   * space all pass. */
  {
    g_autoptr(VireoVolumeConfig) thin = vireo_volume_config_new ("a.qcow2", "qcow2", 5 * GiB);
    g_autoptr(VireoVolumeConfig) full = vireo_volume_config_new ("b.raw", "raw", 5 * GiB);
    g_autoptr(VireoVolumeConfig) overlay = vireo_volume_config_new ("c.qcow2", "qcow2", 5 * GiB);
    g_autoptr(VireoVolumeConfig) big = vireo_volume_config_new ("d.qcow2", "qcow2", 500 * GiB);
    g_autoptr(GError) error = NULL;

    vireo_volume_config_set_thin (full, FALSE);
    vireo_volume_config_set_backing_store (overlay, "/images/base.qcow2", "qcow2");
    g_assert_true (vireo_volume_config_validate (thin, "dir", dir, existing, 10 * GiB, &error));
    g_assert_true (vireo_volume_config_validate (full, "dir", dir, existing, 10 * GiB, &error));
    g_assert_true (vireo_volume_config_validate (overlay, "dir", dir, existing, 10 * GiB, &error));
    g_assert_true (vireo_volume_config_validate (big, "dir", NULL, NULL, G_MAXUINT64, &error));
    g_assert_no_error (error);
  }
}

/* ------------------------------------------------------------------------ */

static void
test_secrets (void)
{
  g_autofree char *iscsi = vireo_secret_xml ("iscsi", "libvirt<iscsi>", "CHAP for the SAN", TRUE);
  g_autofree char *luks = vireo_secret_xml ("volume", "/images/secret.qcow2", NULL, FALSE);
  g_autoptr(VireoSecretInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (iscsi, ==,
                   "<secret ephemeral=\"no\" private=\"yes\">\n"
                   "  <description>CHAP for the SAN</description>\n"
                   "  <usage type=\"iscsi\">\n"
                   "    <target>libvirt&lt;iscsi&gt;</target>\n"
                   "  </usage>\n"
                   "</secret>\n");
  g_assert_cmpstr (luks, ==,
                   "<secret ephemeral=\"no\" private=\"no\">\n"
                   "  <usage type=\"volume\">\n"
                   "    <volume>/images/secret.qcow2</volume>\n"
                   "  </usage>\n"
                   "</secret>\n");

  info = vireo_secret_info_new_from_xml ("<secret ephemeral='no' private='yes'>\n"
                                         "  <uuid>3e2f0c7a-1b2c-4d5e-8f90-a1b2c3d4e5f6</uuid>\n"
                                         "  <description>key</description>\n"
                                         "  <usage type='ceph'>\n"
                                         "    <name>client.admin secret</name>\n"
                                         "  </usage>\n"
                                         "</secret>\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->uuid, ==, "3e2f0c7a-1b2c-4d5e-8f90-a1b2c3d4e5f6");
  g_assert_cmpstr (info->usage_type, ==, "ceph");
  g_assert_cmpstr (info->usage_id, ==, "client.admin secret");
  g_assert_cmpstr (info->description, ==, "key");
  g_assert_true (info->private_);
  g_assert_false (info->ephemeral);

  g_assert_true (vireo_secret_validate_usage ("iscsi", "t", &error));
  g_assert_false (vireo_secret_validate_usage ("iscsi", "", &error));
  g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_USAGE);
  g_clear_error (&error);
  g_assert_false (vireo_secret_validate_usage ("volume", "relative.img", &error));
  g_assert_nonnull (strstr (error->message, "full path"));
  g_clear_error (&error);
  g_assert_false (vireo_secret_validate_usage ("kerberos", "x", &error));
  g_assert_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_USAGE);
}

static void
test_commands (void)
{
  const char *uri = "qemu:///system";
  struct { char *got; const char *want; } cases[] = {
    { vireo_command_pool_define (uri, "pool.xml"), "virsh -c qemu:///system pool-define pool.xml" },
    { vireo_command_pool_build (NULL, "my pool"), "virsh pool-build 'my pool'" },
    { vireo_command_pool_start (uri, "default"), "virsh -c qemu:///system pool-start default" },
    { vireo_command_pool_destroy (uri, "default"), "virsh -c qemu:///system pool-destroy default" },
    { vireo_command_pool_refresh (uri, "default"), "virsh -c qemu:///system pool-refresh default" },
    { vireo_command_pool_autostart (uri, "default", TRUE), "virsh -c qemu:///system pool-autostart default" },
    { vireo_command_pool_autostart (uri, "default", FALSE), "virsh -c qemu:///system pool-autostart --disable default" },
    { vireo_command_pool_delete (uri, "default"), "virsh -c qemu:///system pool-delete default" },
    { vireo_command_pool_undefine (uri, "it's"), "virsh -c qemu:///system pool-undefine 'it'\\''s'" },
    { vireo_command_vol_create_as (uri, "default", "a.qcow2", 1073741824, "qcow2", 0, NULL, NULL),
      "virsh -c qemu:///system vol-create-as default a.qcow2 1073741824 --allocation 0 --format qcow2" },
    { vireo_command_vol_create_as (NULL, "default", "o.qcow2", 10, "qcow2", 0, "/i/base 1.qcow2", "qcow2"),
      "virsh vol-create-as default o.qcow2 10 --allocation 0 --format qcow2 --backing-vol '/i/base 1.qcow2' --backing-vol-format qcow2" },
    { vireo_command_vol_create_as (NULL, "default", "r.raw", 10, NULL, 10, NULL, NULL),
      "virsh vol-create-as default r.raw 10 --allocation 10" },
    { vireo_command_vol_clone (NULL, "default", "a.qcow2", "b.qcow2"), "virsh vol-clone --pool default a.qcow2 b.qcow2" },
    { vireo_command_vol_resize (NULL, "default", "a.qcow2", 2048, FALSE), "virsh vol-resize --pool default a.qcow2 2048" },
    { vireo_command_vol_resize (NULL, "default", "a.raw", 2048, TRUE), "virsh vol-resize --pool default a.raw 2048 --allocate" },
    { vireo_command_vol_wipe (NULL, "default", "a.qcow2"), "virsh vol-wipe --pool default a.qcow2" },
    { vireo_command_vol_delete (NULL, "default", "$(rm -rf ~)"), "virsh vol-delete --pool default '$(rm -rf ~)'" },
    { vireo_command_vol_upload (NULL, "default", "a.raw", "/tmp/in.img"), "virsh vol-upload --pool default a.raw /tmp/in.img" },
    { vireo_command_vol_download (NULL, "default", "a.raw", "/tmp/out.img"), "virsh vol-download --pool default a.raw /tmp/out.img" },
    { vireo_command_secret_define (NULL, "secret.xml"), "virsh secret-define secret.xml" },
    { vireo_command_secret_set_value (NULL, "3e2f0c7a-1b2c-4d5e-8f90-a1b2c3d4e5f6", "key.bin"),
      "virsh secret-set-value 3e2f0c7a-1b2c-4d5e-8f90-a1b2c3d4e5f6 --file key.bin --plain" },
    { vireo_command_secret_undefine (NULL, "3e2f0c7a-1b2c-4d5e-8f90-a1b2c3d4e5f6"),
      "virsh secret-undefine 3e2f0c7a-1b2c-4d5e-8f90-a1b2c3d4e5f6" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpstr (cases[i].got, ==, cases[i].want);
      g_free (cases[i].got);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/storage-config/round-trip", test_round_trip);
  g_test_add_func ("/storage-config/parse-errors", test_parse_errors);
  g_test_add_func ("/storage-config/pool/read", test_pool_read);
  g_test_add_func ("/storage-config/pool/setters", test_pool_setters);
  g_test_add_func ("/storage-config/pool/new", test_pool_new);
  g_test_add_func ("/storage-config/pool/types", test_pool_types);
  g_test_add_func ("/storage-config/pool/validate", test_pool_validate);
  g_test_add_func ("/storage-config/caps", test_caps);
  g_test_add_func ("/storage-config/volume/read", test_volume_read);
  g_test_add_func ("/storage-config/volume/units", test_volume_units);
  g_test_add_func ("/storage-config/volume/setters", test_volume_setters);
  g_test_add_func ("/storage-config/volume/new", test_volume_new);
  g_test_add_func ("/storage-config/volume/validate", test_volume_validate);
  g_test_add_func ("/storage-config/secrets", test_secrets);
  g_test_add_func ("/storage-config/commands", test_commands);

  return g_test_run ();
}
