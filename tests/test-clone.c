/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-clone.h"
#include "vireo-interface.h"

/*
 * tests/data/clone/uefi-two-disks.xml is a machine with every kind of
 * disk a clone treats differently: vda a qcow2 file in the "default"
 * pool's folder, vdb a raw volume named by pool ("data"), sda a CD-ROM
 * with an ISO of "default", vdc a shareable raw file in no pool. UEFI
 * with an NVRAM file, an emulated TPM 2.0, two NICs (one with a user alias
 * and a tap name, one with libvirt's alias and a vnet name), a VNC display
 * on a fixed port, an agent socket named after the machine, an SMBIOS
 * UUID and a dynamic DAC label.
 */

#define FIXTURE_UUID "8c3e2a41-5b7d-4f19-a6c2-91d0e4b7f305"
#define GIB (G_GUINT64_CONSTANT (1) << 30)

enum { VDA, VDB, SDA, VDC };

static char *
load_fixture (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "clone", "uefi-two-disks.xml", NULL);
  g_autoptr(GError) error = NULL;
  char *xml = NULL;

  g_file_get_contents (path, &xml, NULL, &error);
  g_assert_no_error (error);
  return xml;
}

static VireoDomainConfig *
open_source (void)
{
  g_autofree char *xml = load_fixture ();
  g_autoptr(GError) error = NULL;
  VireoDomainConfig *config = vireo_domain_config_new_from_xml (xml, &error);

  g_assert_no_error (error);
  return config;
}

static void
add_volume (VireoClonePool *pool,
            const char     *name,
            const char     *format,
            guint64         capacity)
{
  g_autofree char *path = g_build_filename (pool->target_path, name, NULL);

  g_ptr_array_add (pool->volumes, vireo_clone_volume_new (name, path, format, capacity, capacity / 4));
}

/* The host: "default" (with a trailing slash, as people type it), "data",
 * an LVM pool and a stopped one, neither of which takes files; @extra
 * volumes (nullable) go into "default" too. */
static GPtrArray *
host_pools (const char * const *extra)
{
  GPtrArray *pools = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_clone_pool_free);
  VireoClonePool *pool;

  pool = vireo_clone_pool_new ("default", "dir", "/var/lib/libvirt/images/", TRUE);
  add_volume (pool, "web01.qcow2", "qcow2", 20 * GIB);
  add_volume (pool, "debian-12.iso", "iso", GIB / 2);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    add_volume (pool, extra[i], "qcow2", GIB);
  g_ptr_array_add (pools, pool);

  pool = vireo_clone_pool_new ("data", "dir", "/srv/data", TRUE);
  add_volume (pool, "web01-data.raw", "raw", 10 * GIB);
  g_ptr_array_add (pools, pool);

  g_ptr_array_add (pools, vireo_clone_pool_new ("lvm", "logical", "/dev/vg0", TRUE));
  g_ptr_array_add (pools, vireo_clone_pool_new ("stopped", "dir", "/srv/stopped", FALSE));
  return pools;
}

static const char * const taken_names[] = { "web01", "db01", NULL };

static VireoClonePlan *
plan_for (VireoCloneSourceState  state,
          const char            *name,
          const char * const    *extra_volumes)
{
  g_autoptr(VireoDomainConfig) source = open_source ();
  g_autoptr(GPtrArray) pools = host_pools (extra_volumes);

  return vireo_clone_plan_new (source, state, name, taken_names, pools);
}

static VireoCloneDisk *
disk (VireoClonePlan *plan,
      guint           i)
{
  g_assert_cmpuint (i, <, plan->disks->len);
  return plan->disks->pdata[i];
}

static void
assert_valid (VireoClonePlan *plan)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_clone_plan_validate (plan, &error));
  g_assert_no_error (error);
}

static void
assert_invalid (VireoClonePlan *plan,
                VireoCloneError code,
                const char     *words)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (vireo_clone_plan_validate (plan, &error));
  g_assert_error (error, VIREO_CLONE_ERROR, (int) code);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” is not in “%s”", words, error->message);
}

/* ------------------------------------------------------------------------ */

static void
test_suggest_name (void)
{
  const char * const taken[] = { "web", "web-clone", "web-clone-2", "db-clone-4", NULL };
  struct { const char *source; const char *want; } cases[] = {
    { "web", "web-clone-3" },
    { "mail", "mail-clone" },
    { "web-clone", "web-clone-3" },          /* a clone's clone is numbered */
    { "db-clone-3", "db-clone-5" },
    { "x-clone-0", "x-clone-0-clone" },      /* not a number Vireo would make */
    { "-clone", "-clone-clone" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = vireo_clone_suggest_name (cases[i].source, taken);

      g_assert_cmpstr (name, ==, cases[i].want);
    }
}

static void
test_name_validate (void)
{
  const char * const bad[] = { "", "a/b", "12345", " web", "web ", "tab\there", NULL };
  g_autofree char *long_name = g_strnfill (201, 'x');
  g_autoptr(GError) error = NULL;

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_assert_false (vireo_clone_name_validate (bad[i], taken_names, &error));
      g_assert_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_NAME);
      g_clear_error (&error);
    }
  g_assert_false (vireo_clone_name_validate (long_name, NULL, &error));
  g_assert_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_NAME);
  g_clear_error (&error);
  g_assert_false (vireo_clone_name_validate ("db01", taken_names, &error));
  g_assert_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_NAME);
  g_assert_nonnull (strstr (error->message, "“db01”"));
  g_clear_error (&error);
  /* Names are compared exactly, as libvirt does. */
  g_assert_true (vireo_clone_name_validate ("DB01", taken_names, &error));
  g_assert_true (vireo_clone_name_validate ("web01 copy ünïcode", taken_names, &error));
  g_assert_no_error (error);
}

static void
test_defaults (void)
{
  g_autoptr(VireoClonePlan) plan = plan_for (VIREO_CLONE_SOURCE_SHUT_OFF, NULL, NULL);
  g_auto(GStrv) warnings = NULL;
  VireoCloneDisk *d;

  g_assert_cmpstr (plan->source_name, ==, "web01");
  g_assert_cmpstr (plan->source_uuid, ==, FIXTURE_UUID);
  g_assert_cmpstr (plan->name, ==, "web01-clone");
  g_assert_true (g_uuid_string_is_valid (plan->uuid));
  g_assert_cmpstr (plan->uuid, !=, FIXTURE_UUID);
  g_assert_cmpuint (plan->disks->len, ==, 4);

  /* vda: a qcow2 file in default's folder, copied beside it */
  d = disk (plan, VDA);
  g_assert_cmpstr (d->target, ==, "vda");
  g_assert_cmpstr (d->source_type, ==, "file");
  g_assert_cmpstr (d->source_path, ==, "/var/lib/libvirt/images/web01.qcow2");
  g_assert_cmpstr (d->source_pool, ==, "default");
  g_assert_cmpstr (d->source_volume, ==, "web01.qcow2");
  g_assert_cmpstr (d->format, ==, "qcow2");
  g_assert_cmpuint (d->capacity, ==, 20 * GIB);
  g_assert_false (d->readonly || d->shareable || d->removable || d->empty);
  g_assert_cmpint (d->mode, ==, VIREO_CLONE_MODE_COPY);
  g_assert_true (d->allowed[VIREO_CLONE_MODE_COPY] && d->allowed[VIREO_CLONE_MODE_SHARE] &&
                 d->allowed[VIREO_CLONE_MODE_OVERLAY]);
  g_assert_cmpstr (d->dest_pool, ==, "default");
  g_assert_cmpstr (d->dest_name, ==, "web01-clone.qcow2");
  g_assert_cmpstr (d->dest_path, ==, "/var/lib/libvirt/images/web01-clone.qcow2");
  g_assert_cmpstr (d->dest_format, ==, "qcow2");

  /* vdb: a raw volume named by its pool; the second new volume is "-1",
   * keeping the source's extension */
  d = disk (plan, VDB);
  g_assert_cmpstr (d->source_type, ==, "volume");
  g_assert_cmpstr (d->source_pool, ==, "data");
  g_assert_cmpstr (d->source_volume, ==, "web01-data.raw");
  g_assert_cmpstr (d->source_path, ==, "/srv/data/web01-data.raw");
  g_assert_cmpstr (d->format, ==, "raw");
  g_assert_cmpint (d->mode, ==, VIREO_CLONE_MODE_COPY);
  g_assert_cmpstr (d->dest_pool, ==, "data");
  g_assert_cmpstr (d->dest_name, ==, "web01-clone-1.raw");
  g_assert_cmpstr (d->dest_path, ==, "/srv/data/web01-clone-1.raw");
  g_assert_cmpstr (d->dest_format, ==, "raw");

  /* sda: the CD-ROM is shared; copying the ISO is allowed, an overlay not */
  d = disk (plan, SDA);
  g_assert_true (d->removable && d->readonly);
  g_assert_cmpint (d->mode, ==, VIREO_CLONE_MODE_SHARE);
  g_assert_true (d->allowed[VIREO_CLONE_MODE_COPY]);
  g_assert_false (d->allowed[VIREO_CLONE_MODE_OVERLAY]);
  g_assert_nonnull (strstr (d->why_not[VIREO_CLONE_MODE_OVERLAY], "sda is read-only"));
  g_assert_null (d->dest_name);
  g_assert_null (d->dest_pool);

  /* vdc: shareable and in no pool: shared, and the why-nots say what to do */
  d = disk (plan, VDC);
  g_assert_true (d->shareable);
  g_assert_null (d->source_pool);
  g_assert_cmpint (d->mode, ==, VIREO_CLONE_MODE_SHARE);
  g_assert_false (d->allowed[VIREO_CLONE_MODE_COPY]);
  g_assert_cmpstr (d->why_not[VIREO_CLONE_MODE_COPY], ==,
                   "/srv/shared/cluster.img is in no storage pool, and libvirt copies only volumes of pools. "
                   "Add a directory pool for /srv/shared (Host Details › Storage) to copy it, or share it, "
                   "or overlay it.");
  g_assert_false (d->allowed[VIREO_CLONE_MODE_OVERLAY]);
  g_assert_nonnull (strstr (d->why_not[VIREO_CLONE_MODE_OVERLAY], "vdc is shareable"));

  /* New addresses for both cards, unlike the old ones and each other */
  g_assert_cmpuint (g_strv_length (plan->macs), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (vireo_interface_mac_is_valid (plan->macs[i]));
      g_assert_cmpstr (plan->macs[i], !=, "52:54:00:6b:3c:1a");
      g_assert_cmpstr (plan->macs[i], !=, "52:54:00:6b:3c:1b");
    }
  g_assert_cmpstr (plan->macs[0], !=, plan->macs[1]);

  g_assert_cmpstr (plan->nvram_source, ==, "/var/lib/libvirt/qemu/nvram/web01_VARS.fd");
  g_assert_cmpstr (plan->nvram_path, ==, "/var/lib/libvirt/qemu/nvram/web01-clone_VARS.fd");
  g_assert_true (plan->has_tpm);
  g_assert_cmpstr (plan->tpm_version, ==, "2.0");

  assert_valid (plan);
  warnings = vireo_clone_plan_dup_warnings (plan);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);
}

static void
test_refusals (void)
{
  g_autoptr(VireoClonePlan) plan = plan_for (VIREO_CLONE_SOURCE_SHUT_OFF, NULL, NULL);
  g_autoptr(GError) error = NULL;

  /* Modes a disk does not allow, with its own reason */
  g_assert_false (vireo_clone_plan_set_mode (plan, VDC, VIREO_CLONE_MODE_COPY, &error));
  g_assert_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_MODE);
  g_assert_cmpstr (error->message, ==, disk (plan, VDC)->why_not[VIREO_CLONE_MODE_COPY]);
  g_clear_error (&error);
  g_assert_false (vireo_clone_plan_set_mode (plan, VDC, VIREO_CLONE_MODE_OVERLAY, &error));
  g_assert_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_MODE);
  g_clear_error (&error);
  g_assert_false (vireo_clone_plan_set_mode (plan, SDA, VIREO_CLONE_MODE_OVERLAY, &error));
  g_assert_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_MODE);
  g_clear_error (&error);
  g_assert_cmpint (disk (plan, VDC)->mode, ==, VIREO_CLONE_MODE_SHARE);

  /* Pools that cannot take the new volume */
  g_assert_false (vireo_clone_plan_set_pool (plan, VDA, "lvm", &error));
  g_assert_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_POOL);
  g_assert_nonnull (strstr (error->message, "does not hold image files"));
  g_clear_error (&error);
  g_assert_false (vireo_clone_plan_set_pool (plan, VDA, "stopped", &error));
  g_assert_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_POOL);
  g_assert_nonnull (strstr (error->message, "not active"));
  g_clear_error (&error);
  g_assert_false (vireo_clone_plan_set_pool (plan, VDA, "nowhere", &error));
  g_assert_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_POOL);
  g_clear_error (&error);
  g_assert_cmpstr (disk (plan, VDA)->dest_pool, ==, "default");
  assert_valid (plan);

  /* The name */
  vireo_clone_plan_set_name (plan, "db01");
  assert_invalid (plan, VIREO_CLONE_ERROR_NAME, "“db01” already exists");
  vireo_clone_plan_set_name (plan, "web01");
  assert_invalid (plan, VIREO_CLONE_ERROR_NAME, "“web01” already exists");
  vireo_clone_plan_set_name (plan, "a/b");
  assert_invalid (plan, VIREO_CLONE_ERROR_NAME, "“/”");
  vireo_clone_plan_set_name (plan, "web02");
  assert_valid (plan);

  /* Volume names: taken in the pool, used twice, not a file name */
  vireo_clone_plan_set_volume_name (plan, VDA, "web01.qcow2");
  assert_invalid (plan, VIREO_CLONE_ERROR_VOLUME_NAME, "vda: the pool “default” has a volume called “web01.qcow2”");
  g_assert_true (vireo_clone_plan_set_pool (plan, VDB, "default", &error));
  vireo_clone_plan_set_volume_name (plan, VDA, "same.img");
  vireo_clone_plan_set_volume_name (plan, VDB, "same.img");
  assert_invalid (plan, VIREO_CLONE_ERROR_VOLUME_NAME, "another disk of the clone is to be called “same.img”");
  vireo_clone_plan_set_volume_name (plan, VDB, "../etc/passwd");
  assert_invalid (plan, VIREO_CLONE_ERROR_VOLUME_NAME, "cannot be a volume’s name");
  vireo_clone_plan_set_volume_name (plan, VDB, ".hidden");
  assert_invalid (plan, VIREO_CLONE_ERROR_VOLUME_NAME, "cannot be a volume’s name");
  vireo_clone_plan_set_volume_name (plan, VDB, NULL);
  g_assert_cmpstr (disk (plan, VDB)->dest_name, ==, "web02-1.raw");
  assert_valid (plan);
}

static void
test_running (void)
{
  g_autoptr(VireoClonePlan) running = plan_for (VIREO_CLONE_SOURCE_RUNNING, NULL, NULL);
  g_autoptr(VireoClonePlan) paused = plan_for (VIREO_CLONE_SOURCE_PAUSED, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *xml = NULL;

  assert_invalid (running, VIREO_CLONE_ERROR_STATE, "“web01” is running. Shut it down, or pause it");
  xml = vireo_clone_plan_build_xml (running, &error);
  g_assert_null (xml);
  g_assert_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_STATE);

  /* libvirt 9.0 copies qcow2 with qemu-img, which the paused QEMU's lock
   * keeps out; raw it copies itself, and an overlay only reads a header. */
  g_assert_false (disk (paused, VDA)->allowed[VIREO_CLONE_MODE_COPY]);
  g_assert_cmpstr (disk (paused, VDA)->why_not[VIREO_CLONE_MODE_COPY], ==,
                   "vda is a qcow2 image the paused machine holds open, and libvirt copies those with qemu-img, "
                   "which cannot read an image in use. Shut the machine down to copy it.");
  g_assert_true (disk (paused, VDA)->allowed[VIREO_CLONE_MODE_OVERLAY]);
  g_assert_cmpint (disk (paused, VDA)->mode, ==, VIREO_CLONE_MODE_SHARE);
  g_assert_cmpint (disk (paused, VDB)->mode, ==, VIREO_CLONE_MODE_COPY);
  g_assert_cmpstr (disk (paused, VDB)->dest_name, ==, "web01-clone.raw");
  g_assert_true (disk (paused, SDA)->allowed[VIREO_CLONE_MODE_COPY]);

  assert_valid (paused);
  warnings = vireo_clone_plan_dup_warnings (paused);
  g_assert_cmpuint (g_strv_length (warnings), ==, 2);
  g_assert_true (g_str_has_prefix (warnings[0], "“web01” is paused: its disks are copied as the host has them"));
  g_assert_cmpstr (warnings[1], ==, "vda is shared by both machines and neither knows: only one of them can run "
                                    "at a time.");
}

/* Names follow the clone's name until the user types one; suggestions
 * step past volumes the pool has and go around the user's. */
static void
test_names_follow (void)
{
  const char * const extra[] = { "web01-clone.qcow2", NULL };
  g_autoptr(VireoClonePlan) plan = plan_for (VIREO_CLONE_SOURCE_SHUT_OFF, NULL, extra);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (disk (plan, VDA)->dest_name, ==, "web01-clone-1.qcow2");
  g_assert_cmpstr (disk (plan, VDB)->dest_name, ==, "web01-clone-1.raw");

  vireo_clone_plan_set_name (plan, "shop");
  g_assert_cmpstr (disk (plan, VDA)->dest_name, ==, "shop.qcow2");
  g_assert_cmpstr (disk (plan, VDA)->dest_path, ==, "/var/lib/libvirt/images/shop.qcow2");
  g_assert_cmpstr (disk (plan, VDB)->dest_name, ==, "shop-1.raw");
  g_assert_cmpstr (plan->nvram_path, ==, "/var/lib/libvirt/qemu/nvram/shop_VARS.fd");

  vireo_clone_plan_set_volume_name (plan, VDA, "shop-1.raw");
  g_assert_true (vireo_clone_plan_set_pool (plan, VDB, "default", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (disk (plan, VDA)->dest_name, ==, "shop-1.raw");
  g_assert_true (disk (plan, VDA)->dest_name_set);
  g_assert_cmpstr (disk (plan, VDB)->dest_name, ==, "shop-2.raw");
  g_assert_cmpstr (disk (plan, VDB)->dest_path, ==, "/var/lib/libvirt/images/shop-2.raw");

  vireo_clone_plan_set_name (plan, "shop2");
  g_assert_cmpstr (disk (plan, VDA)->dest_name, ==, "shop-1.raw");
  g_assert_cmpstr (disk (plan, VDB)->dest_name, ==, "shop2-1.raw");

  /* An overlay is qcow2, whatever the source's format; sharing frees the name */
  g_assert_true (vireo_clone_plan_set_mode (plan, VDB, VIREO_CLONE_MODE_OVERLAY, &error));
  g_assert_cmpstr (disk (plan, VDB)->dest_name, ==, "shop2-1.qcow2");
  g_assert_cmpstr (disk (plan, VDB)->dest_format, ==, "qcow2");
  g_assert_true (vireo_clone_plan_set_mode (plan, VDA, VIREO_CLONE_MODE_SHARE, &error));
  g_assert_null (disk (plan, VDA)->dest_name);
  g_assert_null (disk (plan, VDA)->dest_path);
  g_assert_false (disk (plan, VDA)->dest_name_set);
  g_assert_true (vireo_clone_plan_set_mode (plan, VDA, VIREO_CLONE_MODE_COPY, &error));
  g_assert_cmpstr (disk (plan, VDA)->dest_name, ==, "shop2.qcow2");
  g_assert_no_error (error);
  assert_valid (plan);
}

/* The clone's NVRAM file exists already in a pool Vireo was told about. */
static void
test_nvram_taken (void)
{
  g_autoptr(VireoDomainConfig) source = open_source ();
  g_autoptr(GPtrArray) pools = host_pools (NULL);
  g_autoptr(VireoClonePlan) plan = NULL;
  VireoClonePool *nvram = vireo_clone_pool_new ("nvram", "dir", "/var/lib/libvirt/qemu/nvram", TRUE);

  add_volume (nvram, "web01_VARS.fd", "raw", 540672);
  add_volume (nvram, "web01-clone_VARS.fd", "raw", 540672);
  g_ptr_array_add (pools, nvram);
  plan = vireo_clone_plan_new (source, VIREO_CLONE_SOURCE_SHUT_OFF, NULL, taken_names, pools);
  assert_invalid (plan, VIREO_CLONE_ERROR_NAME, "NVRAM file /var/lib/libvirt/qemu/nvram/web01-clone_VARS.fd exists");
  vireo_clone_plan_set_name (plan, "web03");
  assert_valid (plan);
}

static char *
replace_once (const char *text,
              const char *old,
              const char *new)
{
  g_autoptr(GString) s = g_string_new (text);
  guint n = g_string_replace (s, old, new, 0);

  if (n != 1)
    g_error ("expected “%s” once, found it %u times", old, n);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The clone's whole document: the source's, as the model writes it, with
 * exactly these lines changed. */
static void
test_xml (void)
{
  g_autoptr(VireoDomainConfig) source = open_source ();
  g_autoptr(GPtrArray) pools = host_pools (NULL);
  g_autoptr(VireoClonePlan) plan = vireo_clone_plan_new (source, VIREO_CLONE_SOURCE_SHUT_OFF, NULL,
                                                         taken_names, pools);
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *want = vireo_domain_config_to_xml (source);
  g_autofree char *uuid_line = g_strdup_printf ("<uuid>%s</uuid>", plan->uuid);
  g_autofree char *sysinfo_line = g_strdup_printf ("<entry name=\"uuid\">%s</entry>", plan->uuid);
  g_autofree char *mac1 = g_strdup_printf ("<mac address=\"%s\"/>", plan->macs[0]);
  g_autofree char *mac2 = g_strdup_printf ("<mac address=\"%s\"/>", plan->macs[1]);
  const char *pairs[] = {
    "<name>web01</name>", "<name>web01-clone</name>",
    "<uuid>" FIXTURE_UUID "</uuid>", uuid_line,
    "  <title>Web server</title>\n", "",
    "<entry name=\"uuid\">" FIXTURE_UUID "</entry>", sysinfo_line,
    "/var/lib/libvirt/qemu/nvram/web01_VARS.fd", "/var/lib/libvirt/qemu/nvram/web01-clone_VARS.fd",
    "<source file=\"/var/lib/libvirt/images/web01.qcow2\"/>",
    "<source file=\"/var/lib/libvirt/images/web01-clone.qcow2\"/>",
    "<source pool=\"data\" volume=\"web01-data.raw\"/>", "<source pool=\"data\" volume=\"web01-clone-1.raw\"/>",
    "<mac address=\"52:54:00:6b:3c:1a\"/>", mac1,
    "<mac address=\"52:54:00:6b:3c:1b\"/>", mac2,
    "      <target dev=\"web01-tap\"/>\n", "",
    "      <target dev=\"vnet7\"/>\n", "",
    "      <alias name=\"net1\"/>\n", "",
    "<source mode=\"bind\" path=\"/var/lib/libvirt/qemu/channel/target/web01.org.qemu.guest_agent.0\"/>",
    "<source mode=\"bind\"/>",
    "<graphics type=\"vnc\" port=\"5905\" autoport=\"no\" listen=\"127.0.0.1\">",
    "<graphics type=\"vnc\" port=\"-1\" autoport=\"yes\" listen=\"127.0.0.1\">",
    "    <label>+64055:+64055</label>\n", "",
    "    <imagelabel>+64055:+64055</imagelabel>\n", "",
    NULL,
  };

  xml = vireo_clone_plan_build_xml (plan, &error);
  g_assert_no_error (error);
  for (guint i = 0; pairs[i] != NULL; i += 2)
    {
      char *next = replace_once (want, pairs[i], pairs[i + 1]);

      g_free (want);
      want = next;
    }
  g_assert_cmpstr (xml, ==, want);
  /* What the user's alias and the rest are: kept, as the comparison says. */
  g_assert_nonnull (strstr (xml, "<alias name=\"ua-frontend\"/>"));
  g_assert_nonnull (strstr (xml, "<description>Keeps the shop running.</description>"));
}

/* An overlay and a copied ISO: sources, formats, and the new volumes'
 * documents. */
static void
test_xml_modes (void)
{
  g_autoptr(VireoClonePlan) plan = plan_for (VIREO_CLONE_SOURCE_SHUT_OFF, "web02", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *volume = NULL;

  g_assert_true (vireo_clone_plan_set_mode (plan, VDA, VIREO_CLONE_MODE_OVERLAY, &error));
  g_assert_true (vireo_clone_plan_set_mode (plan, SDA, VIREO_CLONE_MODE_COPY, &error));
  g_assert_true (vireo_clone_plan_set_mode (plan, VDB, VIREO_CLONE_MODE_SHARE, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (disk (plan, VDA)->dest_name, ==, "web02.qcow2");
  g_assert_cmpstr (disk (plan, SDA)->dest_name, ==, "web02-1.iso");
  g_assert_cmpstr (disk (plan, SDA)->dest_format, ==, "raw");

  xml = vireo_clone_plan_build_xml (plan, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (xml, "<driver name=\"qemu\" type=\"qcow2\" discard=\"unmap\"/>\n"
                                 "      <source file=\"/var/lib/libvirt/images/web02.qcow2\"/>"));
  g_assert_nonnull (strstr (xml, "<source pool=\"data\" volume=\"web01-data.raw\"/>"));
  g_assert_nonnull (strstr (xml, "<source file=\"/var/lib/libvirt/images/web02-1.iso\"/>"));
  g_assert_nonnull (strstr (xml, "<source file=\"/srv/shared/cluster.img\"/>"));

  volume = vireo_clone_disk_dup_volume_xml (disk (plan, VDA), 20 * GIB);
  g_assert_cmpstr (volume, ==,
                   "<volume>\n"
                   "  <name>web02.qcow2</name>\n"
                   "  <capacity unit=\"bytes\">21474836480</capacity>\n"
                   "  <allocation unit=\"bytes\">0</allocation>\n"
                   "  <target>\n"
                   "    <format type=\"qcow2\"/>\n"
                   "  </target>\n"
                   "  <backingStore>\n"
                   "    <path>/var/lib/libvirt/images/web01.qcow2</path>\n"
                   "    <format type=\"qcow2\"/>\n"
                   "  </backingStore>\n"
                   "</volume>\n");
  g_clear_pointer (&volume, g_free);

  /* Names are text, never markup */
  vireo_clone_plan_set_volume_name (plan, SDA, "a<b>&c.iso");
  volume = vireo_clone_disk_dup_volume_xml (disk (plan, SDA), 1024);
  g_assert_cmpstr (volume, ==,
                   "<volume>\n"
                   "  <name>a&lt;b&gt;&amp;c.iso</name>\n"
                   "  <capacity unit=\"bytes\">1024</capacity>\n"
                   "  <allocation unit=\"bytes\">0</allocation>\n"
                   "  <target>\n"
                   "    <format type=\"raw\"/>\n"
                   "  </target>\n"
                   "</volume>\n");
}

static void
test_command (void)
{
  g_autoptr(VireoClonePlan) plan = plan_for (VIREO_CLONE_SOURCE_SHUT_OFF, NULL, NULL);
  g_autoptr(VireoClonePlan) paused = plan_for (VIREO_CLONE_SOURCE_PAUSED, "web's copy", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = vireo_clone_plan_dup_command (plan, "qemu:///system");
  g_autofree char *other = NULL;

  g_assert_cmpstr (line, ==,
                   "# virt-clone leaves the UEFI variables behind (it copies an NVRAM file only when it is a "
                   "pool’s volume): its clone starts with the firmware’s defaults.\n"
                   "# virt-clone does not copy the TPM’s state: its clone starts with an empty TPM.\n"
                   "virt-clone --connect qemu:///system --original web01 --name web01-clone"
                   " --file /var/lib/libvirt/images/web01-clone.qcow2 --file /srv/data/web01-clone-1.raw"
                   " --nvram /var/lib/libvirt/qemu/nvram/web01-clone_VARS.fd");

  /* Overlay vda, copy the CD-ROM, share vdb; paused; a name to quote */
  g_assert_true (vireo_clone_plan_set_mode (paused, VDA, VIREO_CLONE_MODE_OVERLAY, &error));
  g_assert_true (vireo_clone_plan_set_mode (paused, SDA, VIREO_CLONE_MODE_COPY, &error));
  g_assert_true (vireo_clone_plan_set_mode (paused, VDB, VIREO_CLONE_MODE_SHARE, &error));
  g_assert_no_error (error);
  other = vireo_clone_plan_dup_command (paused, NULL);
  g_assert_cmpstr (other, ==,
                   "# virt-clone only clones a machine that is shut off: shut “web01” down first.\n"
                   "# vda: virt-clone has no linked overlays, so this line shares the disk; Vireo makes "
                   "web's copy.qcow2 in pool default on top of /var/lib/libvirt/images/web01.qcow2 instead.\n"
                   "# virt-clone leaves the UEFI variables behind (it copies an NVRAM file only when it is a "
                   "pool’s volume): its clone starts with the firmware’s defaults.\n"
                   "# virt-clone does not copy the TPM’s state: its clone starts with an empty TPM.\n"
                   "virt-clone --original web01 --name 'web'\\''s copy' --skip-copy=vda --skip-copy=vdb"
                   " --force-copy=sda --file '/var/lib/libvirt/images/web'\\''s copy-1.iso'"
                   " --nvram '/var/lib/libvirt/qemu/nvram/web'\\''s copy_VARS.fd'");
}

/* libvirt 9.0 keeps <os firmware='efi'> as it is: no <nvram> in the
 * definition, the file named after the machine in libvirt's folder. */
static void
test_nvram_implicit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) source =
    vireo_domain_config_new_from_xml ("<domain type='qemu'>\n  <name>efi</name>\n"
                                      "  <uuid>0b7f6a58-7a47-4a0e-8d4f-1f8f2d0f6a12</uuid>\n"
                                      "  <memory unit='KiB'>131072</memory>\n"
                                      "  <os firmware='efi'>\n    <type arch='x86_64' machine='q35'>hvm</type>\n"
                                      "  </os>\n  <devices/>\n</domain>\n", &error);
  g_autoptr(VireoDomainConfig) stateless =
    vireo_domain_config_new_from_xml ("<domain type='qemu'>\n  <name>efi</name>\n"
                                      "  <uuid>0b7f6a58-7a47-4a0e-8d4f-1f8f2d0f6a13</uuid>\n"
                                      "  <memory unit='KiB'>131072</memory>\n"
                                      "  <os firmware='efi'>\n    <type arch='x86_64' machine='q35'>hvm</type>\n"
                                      "    <loader stateless='yes'/>\n  </os>\n  <devices/>\n</domain>\n",
                                      &error);
  g_autoptr(VireoClonePlan) plan = NULL;
  g_autoptr(VireoClonePlan) plan2 = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *line = NULL;

  g_assert_no_error (error);
  plan = vireo_clone_plan_new (source, VIREO_CLONE_SOURCE_SHUT_OFF, "efi2", NULL, NULL);
  g_assert_true (plan->nvram_implicit);
  g_assert_null (plan->nvram_source);
  g_assert_null (plan->nvram_path);
  xml = vireo_clone_plan_build_xml (plan, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (xml, "nvram"));
  line = vireo_clone_plan_dup_command (plan, NULL);
  g_assert_cmpstr (line, ==,
                   "# virt-clone leaves the UEFI variables behind (it copies an NVRAM file only when it is a "
                   "pool’s volume): its clone starts with the firmware’s defaults.\n"
                   "virt-clone --original efi --name efi2");

  plan2 = vireo_clone_plan_new (stateless, VIREO_CLONE_SOURCE_SHUT_OFF, "efi2", NULL, NULL);
  g_assert_false (plan2->nvram_implicit);
}

/* A machine with no disk, NIC, NVRAM or TPM: nothing to plan but the
 * name and UUID; and what a copy of a plan keeps. */
static void
test_bare (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) source =
    vireo_domain_config_new_from_xml ("<domain type='qemu'>\n  <name>tiny</name>\n"
                                      "  <uuid>0b7f6a58-7a47-4a0e-8d4f-1f8f2d0f6a11</uuid>\n"
                                      "  <memory unit='KiB'>65536</memory>\n"
                                      "  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n"
                                      "  <devices/>\n</domain>\n", &error);
  g_autoptr(VireoClonePlan) plan = NULL;
  g_autoptr(VireoClonePlan) copy = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *line = NULL;

  g_assert_no_error (error);
  plan = vireo_clone_plan_new (source, VIREO_CLONE_SOURCE_SHUT_OFF, NULL, NULL, NULL);
  g_assert_cmpstr (plan->name, ==, "tiny-clone");
  g_assert_cmpuint (plan->disks->len, ==, 0);
  g_assert_cmpuint (g_strv_length (plan->macs), ==, 0);
  g_assert_null (plan->nvram_path);
  g_assert_false (plan->has_tpm);
  copy = vireo_clone_plan_copy (plan);
  xml = vireo_clone_plan_build_xml (copy, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (xml, "<name>tiny-clone</name>"));
  g_assert_nonnull (strstr (xml, plan->uuid));
  line = vireo_clone_plan_dup_command (copy, "test:///default");
  g_assert_cmpstr (line, ==, "virt-clone --connect test:///default --original tiny --name tiny-clone");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/clone/suggest-name", test_suggest_name);
  g_test_add_func ("/clone/name-validate", test_name_validate);
  g_test_add_func ("/clone/defaults", test_defaults);
  g_test_add_func ("/clone/refusals", test_refusals);
  g_test_add_func ("/clone/running", test_running);
  g_test_add_func ("/clone/names-follow", test_names_follow);
  g_test_add_func ("/clone/nvram-taken", test_nvram_taken);
  g_test_add_func ("/clone/nvram-implicit", test_nvram_implicit);
  g_test_add_func ("/clone/xml", test_xml);
  g_test_add_func ("/clone/xml-modes", test_xml_modes);
  g_test_add_func ("/clone/command", test_command);
  g_test_add_func ("/clone/bare", test_bare);
  return g_test_run ();
}
