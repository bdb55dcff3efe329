/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Live and persistent device changes on a real running TCG guest of the
 * private libvirtd (vireo-testenv.sh): hot-plug a disk and a NIC, insert
 * and eject CD-ROM media, set memory, and read both the live and the
 * persistent XML back through Vireo's own model.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "vireo-disk.h"
#include "vireo-domain-config.h"
#include "vireo-firmware.h"
#include "vireo-interface.h"
#include "vireo-live-change.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define GUEST "vireo-it-details"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

/* The environment's guest, renamed, with a balloon and an empty CD-ROM
 * drive: built with Vireo's own model, which is half the point. */
static char *
details_guest_xml (void)
{
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GListModel) devices = NULL;

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, GUEST);
  devices = vireo_domain_config_list_devices (config);
  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);

      if (vireo_device_get_kind (device) == VIREO_DEVICE_MEMBALLOON)
        {
          g_assert_true (vireo_device_set_xml (device, "<memballoon model='virtio'/>", &error));
          g_assert_no_error (error);
          break;
        }
    }
  g_assert_nonnull (vireo_domain_config_add_device (config,
                                                    "<disk type='file' device='cdrom'>\n"
                                                    "  <driver name='qemu' type='raw'/>\n"
                                                    "  <target dev='hdc' bus='ide'/>\n"
                                                    "  <readonly/>\n"
                                                    "</disk>", &error));
  g_assert_no_error (error);
  return vireo_domain_config_to_xml (config);
}

static VireoDomainConfig *
read_config (VireoDomain *domain,
             gboolean     inactive)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  VireoDomainConfig *config;

  vireo_domain_read_xml_async (domain, inactive, NULL, vireo_test_async_cb, &a);
  xml = vireo_domain_read_xml_finish (domain, vireo_test_async_wait (&a, 30), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  return config;
}

static VireoDevice *
find_device (VireoDomainConfig *config,
             GType              type,
             const char        *key)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *id = NULL;

      if (!G_TYPE_CHECK_INSTANCE_TYPE (device, type))
        continue;
      id = VIREO_IS_DISK (device) ? vireo_disk_dup_target (VIREO_DISK (device))
                                  : vireo_interface_dup_mac (VIREO_INTERFACE (device));
      if (g_strcmp0 (id, key) == 0)
        return device;   /* the config keeps it */
    }
  return NULL;
}

static void
change (VireoDomain       *domain,
        VireoDeviceChange  what,
        const char        *xml,
        VireoApplyFlags    flags)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  vireo_domain_change_device_async (domain, what, xml, flags, NULL, vireo_test_async_cb, &a);
  vireo_domain_change_device_finish (domain, vireo_test_async_wait (&a, 60), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
}

/* New media, or none, for the running guest's CD-ROM. SeaBIOS locks the
 * drive's tray while it probes it at boot and again while it retries its
 * boot order, and QEMU then refuses the change ("Tray of the device is not
 * open") even forced: retry, as a user would, until the firmware lets go.
 * On a loaded machine that took over 20 s once; SeaBIOS's own boot retry
 * comes after 60. Seen on the insert and on the eject alike. */
static void
change_media (VireoDomain *domain,
              const char  *xml)
{
  gint64 until = g_get_monotonic_time () + 75 * G_USEC_PER_SEC;

  for (;;)
    {
      VireoTestAsync a = { 0 };
      g_autoptr(GError) error = NULL;

      vireo_domain_change_device_async (domain, VIREO_DEVICE_CHANGE_UPDATE, xml, VIREO_APPLY_LIVE,
                                        NULL, vireo_test_async_cb, &a);
      vireo_domain_change_device_finish (domain, vireo_test_async_wait (&a, 60), &error);
      g_object_unref (a.result);
      if (error == NULL)
        return;
      if (strstr (error->message, "Tray") == NULL || g_get_monotonic_time () > until)
        g_assert_no_error (error);
      g_test_message ("media refused while the firmware holds the tray; retrying");
      g_usleep (G_USEC_PER_SEC / 2);
    }
}

static gboolean
is_running (gpointer data)
{
  return vireo_domain_get_state (data) == VIREO_DOMAIN_STATE_RUNNING;
}

static void
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
test_live_and_persistent (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *xml = details_guest_xml ();
  g_autofree char *image = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "details-vdb.qcow2", NULL);
  g_autofree char *media = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "details-media.iso", NULL);
  g_autofree char *disk_xml = NULL;
  g_autofree char *insert_xml = NULL;
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr created;
  VireoDomain *domain;

  /* Define and start the guest outside Vireo; Vireo hears of it by events. */
  g_assert_nonnull (direct);
  created = virDomainDefineXML (direct, xml);
  g_assert_nonnull (created);
  g_assert_cmpint (virDomainCreate (created), ==, 0);
  virDomainFree (created);
  {
    gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    while ((domain = vireo_test_find_domain (conn, GUEST)) == NULL && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_nonnull (domain);
  vireo_test_wait_for (is_running, domain, 20, "the guest to run");

  /* Hot-plug a disk, running guest and definition both. */
  run_tool ((const char *[]) { "qemu-img", "create", "-q", "-f", "qcow2", image, "16M", NULL });
  disk_xml = g_strdup_printf ("<disk type='file' device='disk'>"
                              "<driver name='qemu' type='qcow2'/>"
                              "<source file='%s'/><target dev='vdb' bus='virtio'/></disk>", image);
  change (domain, VIREO_DEVICE_CHANGE_ATTACH, disk_xml, VIREO_APPLY_LIVE | VIREO_APPLY_CONFIG);
  {
    g_autoptr(VireoDomainConfig) live = read_config (domain, FALSE);
    g_autoptr(VireoDomainConfig) saved = read_config (domain, TRUE);
    VireoDevice *live_disk = find_device (live, VIREO_TYPE_DISK, "vdb");
    VireoDevice *saved_disk = find_device (saved, VIREO_TYPE_DISK, "vdb");
    g_autofree char *path = NULL;

    g_assert_nonnull (live_disk);
    g_assert_nonnull (saved_disk);
    path = vireo_disk_dup_source_path (VIREO_DISK (live_disk));
    g_assert_cmpstr (path, ==, image);
    /* A running guest's device has the name QEMU knows it by. */
    {
      g_autofree char *alias = vireo_device_dup_alias (live_disk);
      g_assert_nonnull (alias);
    }
  }

  /* Hot-plug a NIC into the running guest only: the definition does not
   * get it, which is what "applies now, not at next boot" means. */
  change (domain, VIREO_DEVICE_CHANGE_ATTACH,
          "<interface type='user'><mac address='52:54:00:7e:57:01'/><model type='virtio'/></interface>",
          VIREO_APPLY_LIVE);
  {
    g_autoptr(VireoDomainConfig) live = read_config (domain, FALSE);
    g_autoptr(VireoDomainConfig) saved = read_config (domain, TRUE);

    g_assert_nonnull (find_device (live, VIREO_TYPE_INTERFACE, "52:54:00:7e:57:01"));
    g_assert_null (find_device (saved, VIREO_TYPE_INTERFACE, "52:54:00:7e:57:01"));
  }

  /* CD-ROM: insert media into the running guest, then eject it. */
  run_tool ((const char *[]) { "qemu-img", "create", "-q", "-f", "raw", media, "1M", NULL });
  insert_xml = g_strdup_printf ("<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
                                "<source file='%s'/><target dev='hdc' bus='ide'/><readonly/></disk>", media);
  change_media (domain, insert_xml);
  {
    g_autoptr(VireoDomainConfig) live = read_config (domain, FALSE);
    VireoDevice *cdrom = find_device (live, VIREO_TYPE_DISK, "hdc");
    g_autofree char *path = vireo_disk_dup_source_path (VIREO_DISK (cdrom));

    g_assert_cmpstr (path, ==, media);
  }
  change_media (domain, "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
                        "<target dev='hdc' bus='ide'/><readonly/></disk>");
  {
    g_autoptr(VireoDomainConfig) live = read_config (domain, FALSE);
    VireoDevice *cdrom = find_device (live, VIREO_TYPE_DISK, "hdc");
    g_autofree char *path = vireo_disk_dup_source_path (VIREO_DISK (cdrom));

    g_assert_null (path);
  }

  /* Memory: the definition takes the new amount. (The running guest's
   * balloon target is accepted too, but this guest runs no OS, so no
   * balloon driver reports the change back: nothing to read live.) */
  {
    VireoTestAsync a = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(VireoDomainConfig) saved = NULL;

    vireo_domain_set_memory_async (domain, 80 * 1024, VIREO_APPLY_LIVE | VIREO_APPLY_CONFIG,
                                   NULL, vireo_test_async_cb, &a);
    vireo_domain_set_memory_finish (domain, vireo_test_async_wait (&a, 30), &error);
    g_object_unref (a.result);
    g_assert_no_error (error);
    saved = read_config (domain, TRUE);
    g_assert_cmpuint (vireo_domain_config_get_current_memory_kib (saved), ==, 80 * 1024);
    g_assert_cmpuint (vireo_domain_config_get_memory_kib (saved), ==, 96 * 1024);
  }

  /* libvirt's refusal comes back as a message, not a hang: a second disk
   * on the same target. */
  {
    VireoTestAsync a = { 0 };
    g_autoptr(GError) error = NULL;

    vireo_domain_change_device_async (domain, VIREO_DEVICE_CHANGE_ATTACH, disk_xml, VIREO_APPLY_LIVE,
                                      NULL, vireo_test_async_cb, &a);
    g_assert_false (vireo_domain_change_device_finish (domain, vireo_test_async_wait (&a, 30), &error));
    g_object_unref (a.result);
    g_assert_nonnull (error);
    g_test_message ("refused as expected: %s", error->message);
  }

  created = virDomainLookupByName (direct, GUEST);
  virDomainDestroy (created);
  virDomainUndefine (created);
  virDomainFree (created);
  virConnectClose (direct);
}

static void
define_config (VireoDomain       *domain,
               VireoDomainConfig *config)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = vireo_domain_config_to_xml (config);

  vireo_domain_define_xml_async (domain, xml, NULL, vireo_test_async_cb, &a);
  vireo_domain_define_xml_finish (domain, vireo_test_async_wait (&a, 30), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
}

static gboolean
is_named_renamed (gpointer data)
{
  return g_strcmp0 (vireo_domain_get_name (data), GUEST "-renamed") == 0;
}

static gboolean
is_shut_off (gpointer data)
{
  return !vireo_domain_get_active (data);
}

/* What Apply does on a running guest: define the edited document, then
 * try its live changes; what QEMU cannot take now stays a difference
 * between the live and the persistent XML, which the badges show. */
static void
test_apply_edit_live_then_rename (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *xml = details_guest_xml ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(VireoDomainConfig) saved = NULL;
  g_autoptr(VireoDomainConfig) edit = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GError) error = NULL;
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr created;
  VireoDomain *domain;
  VireoTestAsync a = { 0 };
  VireoDevice *video;

  g_assert_nonnull (direct);
  created = virDomainDefineXML (direct, xml);
  g_assert_nonnull (created);
  g_assert_cmpint (virDomainCreate (created), ==, 0);
  virDomainFree (created);
  {
    gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    while ((domain = vireo_test_find_domain (conn, GUEST)) == NULL && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_nonnull (domain);
  vireo_test_wait_for (is_running, domain, 20, "the guest to run");

  saved = read_config (domain, TRUE);
  edit = vireo_domain_config_copy (saved);
  g_assert_nonnull (vireo_domain_config_add_device (edit,
    "<interface type='user'><mac address='52:54:00:7e:57:02'/><model type='virtio'/></interface>", &error));
  g_assert_no_error (error);
  vireo_domain_config_set_title (edit, "Applied live");
  video = NULL;
  {
    g_autoptr(GListModel) devices = vireo_domain_config_list_devices (edit);
    for (guint i = 0; i < g_list_model_get_n_items (devices) && video == NULL; i++)
      {
        g_autoptr(VireoDevice) d = g_list_model_get_item (devices, i);
        if (vireo_device_get_kind (d) == VIREO_DEVICE_VIDEO)
          video = d;
      }
  }
  g_assert_nonnull (video);
  g_assert_true (vireo_device_set_xml (video, "<video><model type='vga' vram='32768' heads='1'/></video>", &error));
  g_assert_no_error (error);

  define_config (domain, edit);
  changes = vireo_live_changes_between (saved, edit);
  vireo_domain_apply_live_async (domain, g_steal_pointer (&changes), NULL, vireo_test_async_cb, &a);
  done = vireo_domain_apply_live_finish (domain, vireo_test_async_wait (&a, 60), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_cmpuint (done->len, ==, 2);   /* the NIC and the title; not the video */
  for (guint i = 0; i < done->len; i++)
    g_assert_no_error (((VireoLiveChange *) done->pdata[i])->error);

  {
    g_autoptr(VireoDomainConfig) live = read_config (domain, FALSE);
    g_autoptr(VireoDomainConfig) now_saved = read_config (domain, TRUE);
    VireoDevice *live_video;
    VireoDevice *saved_video;
    g_autofree char *live_video_xml = NULL;
    g_autofree char *saved_video_xml = NULL;

    g_assert_nonnull (find_device (live, VIREO_TYPE_INTERFACE, "52:54:00:7e:57:02"));
    g_assert_nonnull (find_device (now_saved, VIREO_TYPE_INTERFACE, "52:54:00:7e:57:02"));
    g_assert_cmpstr (vireo_domain_config_get_title (live), ==, "Applied live");
    g_assert_cmpstr (vireo_domain_config_get_title (now_saved), ==, "Applied live");

    /* The video card exists from boot only: saved has the new one. */
    live_video = vireo_domain_config_find_device_like (live, video);
    saved_video = vireo_domain_config_find_device_like (now_saved, video);
    g_assert_nonnull (live_video);
    g_assert_nonnull (saved_video);
    live_video_xml = vireo_device_to_xml (live_video);
    saved_video_xml = vireo_device_to_xml (saved_video);
    g_assert_nonnull (strstr (live_video_xml, "vram=\"16384\""));
    g_assert_nonnull (strstr (saved_video_xml, "vram=\"32768\""));
  }

  /* Rename: refused while it runs, done once it is off, and the same
   * machine object follows the new name. */
  vireo_domain_rename_async (domain, GUEST "-renamed", NULL, vireo_test_async_cb, &a);
  g_assert_false (vireo_domain_rename_finish (domain, vireo_test_async_wait (&a, 30), &error));
  g_clear_object (&a.result);
  g_assert_nonnull (error);
  g_test_message ("rename refused while running: %s", error->message);
  g_clear_error (&error);

  created = virDomainLookupByName (direct, GUEST);
  g_assert_cmpint (virDomainDestroy (created), ==, 0);
  virDomainFree (created);
  vireo_test_wait_for (is_shut_off, domain, 20, "the guest to stop");
  g_object_ref (domain);
  vireo_domain_rename_async (domain, GUEST "-renamed", NULL, vireo_test_async_cb, &a);
  vireo_domain_rename_finish (domain, vireo_test_async_wait (&a, 30), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  vireo_test_wait_for (is_named_renamed, domain, 10, "the new name");
  g_assert_true (vireo_test_find_domain (conn, GUEST "-renamed") == domain);
  g_object_unref (domain);

  created = virDomainLookupByName (direct, GUEST "-renamed");
  g_assert_nonnull (created);
  virDomainUndefine (created);
  virDomainFree (created);
  virConnectClose (direct);
}

static void
start_with_vireo (VireoDomain *domain)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  vireo_domain_action_async (domain, VIREO_DOMAIN_ACTION_START, NULL, vireo_test_async_cb, &a);
  vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 60), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  vireo_test_wait_for (is_running, domain, 30, "the guest to run");
}

/* The varstore the running guest uses, read after it stopped. */
static char *
stop_and_read_nvram (virConnectPtr  direct,
                     VireoDomain   *domain,
                     const char    *name,
                     gsize         *length)
{
  g_autoptr(VireoDomainConfig) live = read_config (domain, FALSE);
  g_autofree char *xml = vireo_domain_config_to_xml (live);
  g_autoptr(GError) error = NULL;
  const char *start = strstr (xml, "<nvram");
  const char *path, *end;
  g_autofree char *file = NULL;
  char *contents = NULL;
  virDomainPtr dom;

  g_assert_nonnull (start);
  path = strchr (start, '>') + 1;
  end = strstr (path, "</nvram>");
  g_assert_nonnull (end);
  file = g_strndup (path, end - path);
  /* The daemon sees its state directory as /var/lib/libvirt (a bind
   * mount in its namespace, vireo-testenv.sh); this process does not. */
  if (g_str_has_prefix (file, "/var/lib/libvirt/"))
    {
      g_autofree char *state = g_path_get_dirname (require_env ("VIREO_TEST_IMAGE_DIR"));
      char *mapped = g_build_filename (state, "lib", "libvirt", file + strlen ("/var/lib/libvirt/"), NULL);

      g_free (file);
      file = mapped;
    }
  dom = virDomainLookupByName (direct, name);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  virDomainFree (dom);
  vireo_test_wait_for (is_shut_off, domain, 30, "the guest to stop");
  g_file_get_contents (file, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static gboolean
has_microsoft_keys (const char *data,
                    gsize       length)
{
  static const char needle[] = "Microsoft Corporation";

  for (gsize i = 0; i + sizeof needle - 1 <= length; i++)
    if (memcmp (data + i, needle, sizeof needle - 1) == 0)
      return TRUE;
  return FALSE;
}

/* BIOS -> UEFI -> UEFI with Secure Boot on one existing machine, each
 * started by Vireo: the second switch must bring the enrolled keys,
 * which only a fresh varstore has (libvirt keeps the old file). */
static void
test_firmware_switch (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *base = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(VireoDomainConfig) config = NULL;
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr created;
  VireoDomain *domain = NULL;
  g_autofree char *vars = NULL;
  gsize length = 0;

  g_assert_nonnull (direct);
  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &base, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (base, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, GUEST "-fw");
  xml = vireo_domain_config_to_xml (config);
  /* Secure Boot needs Q35's SMM. */
  {
    g_auto(GStrv) parts = g_strsplit (xml, "machine=\"pc\"", 2);

    g_assert_cmpuint (g_strv_length (parts), ==, 2);
    g_free (xml);
    xml = g_strjoinv ("machine=\"q35\"", parts);
  }
  created = virDomainDefineXML (direct, xml);
  g_assert_nonnull (created);
  virDomainFree (created);
  {
    gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    while ((domain = vireo_test_find_domain (conn, GUEST "-fw")) == NULL && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_nonnull (domain);

  /* UEFI without Secure Boot: the plain varstore. */
  g_clear_object (&config);
  config = read_config (domain, TRUE);
  g_assert_true (vireo_firmware_set (config, NULL, "efi", FALSE, &error));
  g_assert_no_error (error);
  define_config (domain, config);
  start_with_vireo (domain);
  vars = stop_and_read_nvram (direct, domain, GUEST "-fw", &length);
  g_assert_false (has_microsoft_keys (vars, length));
  g_clear_pointer (&vars, g_free);

  /* Secure Boot, asked the way the details window asks. */
  {
    g_autoptr(VireoDomainConfig) saved = read_config (domain, TRUE);
    g_autoptr(VireoDomainConfig) edit = vireo_domain_config_copy (saved);
    g_autoptr(VireoFirmwareInfo) before = NULL;
    g_autoptr(VireoFirmwareInfo) after = NULL;

    g_assert_true (vireo_firmware_set (edit, NULL, "efi", TRUE, &error));
    g_assert_no_error (error);
    before = vireo_firmware_get_info (saved);
    after = vireo_firmware_get_info (edit);
    g_assert_true (vireo_firmware_info_needs_nvram_reset (before, after));
    vireo_firmware_set_nvram_reset_pending (edit, TRUE);
    define_config (domain, edit);
  }
  {
    g_autoptr(VireoDomainConfig) saved = read_config (domain, TRUE);
    virDomainPtr dom = virDomainLookupByName (direct, GUEST "-fw");
    char *note = virDomainGetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT, VIREO_METADATA_NS, VIR_DOMAIN_AFFECT_CONFIG);

    g_assert_true (vireo_firmware_get_nvram_reset_pending (saved));
    g_assert_true (vireo_firmware_note_wants_nvram_reset (note));
    free (note);
    virDomainFree (dom);
  }
  start_with_vireo (domain);
  vars = stop_and_read_nvram (direct, domain, GUEST "-fw", &length);
  g_assert_true (has_microsoft_keys (vars, length));

  /* The request is spent. */
  {
    g_autoptr(VireoDomainConfig) saved = read_config (domain, TRUE);

    g_assert_false (vireo_firmware_get_nvram_reset_pending (saved));
  }

  created = virDomainLookupByName (direct, GUEST "-fw");
  g_assert_cmpint (virDomainUndefineFlags (created, VIR_DOMAIN_UNDEFINE_NVRAM), ==, 0);
  virDomainFree (created);
  virConnectClose (direct);
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

  g_test_add_func ("/details/live-and-persistent", test_live_and_persistent);
  g_test_add_func ("/details/apply-edit-live-then-rename", test_apply_edit_live_then_rename);
  g_test_add_func ("/details/firmware-switch", test_firmware_switch);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
