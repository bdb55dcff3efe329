/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Host details against the private libvirtd of vireo-testenv.sh. The test
 * driver reports no host statistics at all, so only a real daemon shows
 * that the figures are read and computed right.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-test-virt.h"
#include "vireo-worker.h"
#include "vireo-virt.h"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

static gboolean
has_facts (gpointer data)
{
  return vireo_host_get_has_facts (data);
}

static gboolean
has_two_samples (gpointer data)
{
  return vireo_history_get_length (vireo_host_get_cpu_history (data)) >= 2 &&
         vireo_history_get_length (vireo_host_get_memory_history (data)) >= 2;
}

static gboolean
is_sampling (gpointer data)
{
  return vireo_host_get_sampling (data);
}

static gboolean
not_sampling (gpointer data)
{
  return !vireo_host_get_sampling (data);
}

static void
assert_real_figures (const char *uri)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoHost *host = vireo_host_get_for_connection (conn);
  const VireoHistory *cpu = vireo_host_get_cpu_history (host);
  const VireoHistory *memory = vireo_host_get_memory_history (host);
  guint64 total;

  vireo_test_wait_for (has_facts, host, 10, "the host facts");
  g_assert_true (g_str_has_prefix (vireo_host_get_hypervisor (host), "QEMU "));
  g_assert_true (g_str_has_prefix (vireo_host_get_libvirt_version (host), "9."));
  g_assert_nonnull (vireo_host_get_hostname (host));
  g_assert_nonnull (vireo_host_get_arch (host));
  g_assert_cmpuint (vireo_host_get_cpus (host), >, 0);
  g_assert_cmpuint (vireo_host_get_memory_kib (host), >, 0);

  vireo_host_set_sample_interval (host, 250);
  vireo_host_start_sampling (host);
  vireo_test_wait_for (has_two_samples, host, 20, "two CPU and memory samples");

  g_assert_true (vireo_host_get_has_cpu_stats (host));
  g_assert_true (vireo_host_get_has_memory_stats (host));
  g_assert_cmpfloat (vireo_host_get_cpu_percent (host), >=, 0);
  g_assert_cmpfloat (vireo_host_get_cpu_percent (host), <=, 100);
  for (guint i = 0; i < vireo_history_get_length (cpu); i++)
    {
      g_assert_cmpfloat (vireo_history_get (cpu, i), >=, 0);
      g_assert_cmpfloat (vireo_history_get (cpu, i), <=, 100);
    }

  total = vireo_host_get_memory_total_kib (host);
  g_assert_cmpuint (vireo_host_get_memory_used_kib (host), >, 0);
  g_assert_cmpuint (vireo_host_get_memory_used_kib (host), <, total);
  for (guint i = 0; i < vireo_history_get_length (memory); i++)
    {
      g_assert_cmpfloat (vireo_history_get (memory, i), >, 0);
      g_assert_cmpfloat (vireo_history_get (memory, i), <, (double) total);
    }

  vireo_host_stop_sampling (host);
  g_assert_false (vireo_host_get_sampling (host));
  vireo_connection_close (conn);
}

static void
test_stats_local (void)
{
  assert_real_figures (require_env ("VIREO_TEST_URI"));
}

/* Over TCP every call is a round trip through the remote driver, and the
 * remembered field counts must fit what the daemon sends. */
static void
test_stats_over_tcp (void)
{
  assert_real_figures (require_env ("VIREO_TEST_TCP_URI"));
}

static void
testenv (const char *verb)
{
  const char *argv[] = { require_env ("VIREO_TESTENV"), verb, require_env ("VIREO_TEST_STATE"), NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The daemon dies: sampling stops with the connection, the facts stay, and
 * both come back with the daemon. */
static void
test_daemon_killed_and_back (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (require_env ("VIREO_TEST_URI"), 0);
  VireoHost *host = vireo_host_get_for_connection (conn);

  vireo_host_set_sample_interval (host, 250);
  vireo_host_start_sampling (host);
  vireo_test_wait_for (has_two_samples, host, 20, "samples before the kill");

  testenv ("kill-daemon");
  vireo_test_wait_for (not_sampling, host, 20, "sampling to stop with the connection");
  g_assert_true (vireo_host_get_has_facts (host));
  g_assert_cmpuint (vireo_host_get_cpus (host), >, 0);

  testenv ("restart-daemon");
  vireo_test_wait_for (is_sampling, host, 60, "sampling to resume after the reconnect");
  vireo_test_wait_for (has_two_samples, host, 20, "samples after the reconnect");
  g_assert_true (vireo_host_get_has_cpu_stats (host));

  vireo_host_stop_sampling (host);
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

  g_test_add_func ("/integration/host/stats-local", test_stats_local);
  g_test_add_func ("/integration/host/stats-over-tcp", test_stats_over_tcp);
  g_test_add_func ("/integration/host/daemon-killed-and-back", test_daemon_killed_and_back);

  ret = g_test_run ();
  /* Workers may still be closing connections; exit only once they are done. */
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
