/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Performance figures of a real running TCG guest on the private libvirtd
 * (vireo-testenv.sh): after two statistics samples QEMU has reported CPU,
 * memory, disk and network figures, each split as the Performance page
 * shows them; a stop keeps the histories and ends the current figures.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "vireo-domain-config.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define GUEST "vireo-it-perf"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
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

/* The environment's guest with a virtio disk (SeaBIOS reads it while
 * looking for something to boot) and a NIC on a tap device of its own:
 * libvirt counts traffic only for interfaces with a host-side device, so
 * user-mode networking would report none. */
static char *
perf_guest_xml (const char *image)
{
  g_autofree char *xml = NULL;
  g_autofree char *disk = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, GUEST);
  disk = g_strdup_printf ("<disk type='file' device='disk'>\n"
                          "  <driver name='qemu' type='qcow2'/>\n"
                          "  <source file='%s'/>\n"
                          "  <target dev='vda' bus='virtio'/>\n"
                          "</disk>", image);
  g_assert_nonnull (vireo_domain_config_add_device (config, disk, &error));
  g_assert_no_error (error);
  g_assert_nonnull (vireo_domain_config_add_device (config,
                                                    "<interface type='ethernet'>\n"
                                                    "  <model type='virtio'/>\n"
                                                    "</interface>", &error));
  g_assert_no_error (error);
  return vireo_domain_config_to_xml (config);
}

static gboolean
is_running (gpointer data)
{
  return vireo_domain_get_state (data) == VIREO_DOMAIN_STATE_RUNNING;
}

static gboolean
is_shut_off (gpointer data)
{
  return !vireo_domain_get_active (data);
}

/* Two bulk samples since the guest started: a rate needs two readings. */
static gboolean
has_two_samples (gpointer data)
{
  return vireo_domain_get_has_stats (data) &&
         vireo_history_get_length (vireo_domain_get_cpu_history (data)) >= 1 &&
         vireo_history_get_length (vireo_domain_get_disk_read_history (data)) >= 1 &&
         vireo_history_get_length (vireo_domain_get_net_rx_history (data)) >= 1;
}

static void
test_real_guest_figures (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *image = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "perf-vda.qcow2", NULL);
  g_autofree char *xml = NULL;
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 1);
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr created;
  VireoDomain *domain = NULL;
  guint cpu_points;

  run_tool ((const char *[]) { "qemu-img", "create", "-q", "-f", "qcow2", image, "16M", NULL });
  xml = perf_guest_xml (image);

  /* Defined and started outside Vireo; Vireo hears of it by events. */
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
  vireo_test_wait_for (has_two_samples, domain, 20, "two samples of the running guest");

  /* QEMU reports every figure; disk and network may well be idle, but
   * reported idle is not "not reported". */
  g_assert_true (vireo_domain_get_has_cpu (domain));
  g_assert_true (vireo_domain_get_has_disk_io (domain));
  g_assert_true (vireo_domain_get_has_net_io (domain));
  g_assert_cmpfloat (vireo_domain_get_cpu_percent (domain), >=, 0);
  g_assert_cmpfloat (vireo_domain_get_cpu_percent (domain), <=, 100);
  g_assert_cmpfloat (vireo_domain_get_disk_read_rate (domain), >=, 0);
  g_assert_cmpfloat (vireo_domain_get_disk_write_rate (domain), >=, 0);
  g_assert_cmpfloat (vireo_domain_get_net_rx_rate (domain), >=, 0);
  g_assert_cmpfloat (vireo_domain_get_net_tx_rate (domain), >=, 0);
  g_assert_cmpfloat (vireo_domain_get_disk_rate (domain), >=, 0);
  g_assert_cmpfloat (vireo_domain_get_net_rate (domain), >=, 0);
  g_assert_cmpuint (vireo_history_get_length (vireo_domain_get_disk_write_history (domain)), ==,
                    vireo_history_get_length (vireo_domain_get_disk_read_history (domain)));
  g_assert_cmpuint (vireo_history_get_length (vireo_domain_get_net_tx_history (domain)), ==,
                    vireo_history_get_length (vireo_domain_get_net_rx_history (domain)));

  /* No balloon driver in this guest, but the host knows what the QEMU
   * process holds ("balloon.rss"): more than nothing, at most the 96 MiB
   * it was given. */
  g_assert_true (vireo_domain_get_has_memory_used (domain));
  g_assert_cmpuint (vireo_domain_get_memory_used_kib (domain), >, 0);
  g_assert_cmpuint (vireo_domain_get_memory_used_kib (domain), <=, 96 * 1024);
  g_test_message ("CPU %.1f %%, memory %" G_GUINT64_FORMAT " KiB, disk %.0f/%.0f B/s, net %.0f/%.0f B/s",
                  vireo_domain_get_cpu_percent (domain), vireo_domain_get_memory_used_kib (domain),
                  vireo_domain_get_disk_read_rate (domain), vireo_domain_get_disk_write_rate (domain),
                  vireo_domain_get_net_rx_rate (domain), vireo_domain_get_net_tx_rate (domain));

  /* Stopped: the last run stays drawn, the present is unknown. */
  cpu_points = vireo_history_get_length (vireo_domain_get_cpu_history (domain));
  created = virDomainLookupByName (direct, GUEST);
  g_assert_cmpint (virDomainDestroy (created), ==, 0);
  vireo_test_wait_for (is_shut_off, domain, 20, "the guest to stop");
  g_assert_false (vireo_domain_get_has_stats (domain));
  g_assert_cmpfloat (vireo_domain_get_cpu_percent (domain), <, 0);
  g_assert_cmpfloat (vireo_domain_get_disk_rate (domain), <, 0);
  g_assert_cmpuint (vireo_history_get_length (vireo_domain_get_cpu_history (domain)), >=, cpu_points);
  g_assert_true (vireo_domain_get_has_disk_io (domain));

  virDomainUndefine (created);
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

  g_test_add_func ("/performance/real-guest-figures", test_real_guest_figures);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
