/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include <libvirt/libvirt.h>

#include "vireo-connection-private.h"
#include "vireo-host-private.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"
#include "vireo-virt.h"

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-node.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  return g_strconcat ("test://", abs, NULL);
}

static gboolean
has_facts (gpointer data)
{
  return vireo_host_get_has_facts (data);
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

static gboolean
not_in_flight (gpointer data)
{
  return !_vireo_host_get_in_flight (data);
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static void
spin_for (double seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  vireo_test_wait_for (time_passed, &until, seconds + 5, "time to pass");
}

/* The connection owns its host: both go together, and nothing is left
 * behind on a worker. */
static void
assert_finalized_with_host (VireoConnection *conn)
{
  GObject *weak_conn = G_OBJECT (conn);
  GObject *weak_host = G_OBJECT (vireo_host_get_for_connection (conn));

  g_object_add_weak_pointer (weak_conn, (gpointer *) &weak_conn);
  g_object_add_weak_pointer (weak_host, (gpointer *) &weak_host);
  g_object_unref (conn);
  for (int i = 0; (weak_conn != NULL || weak_host != NULL) && i < 2000; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak_conn);
  g_assert_null (weak_host);
}

/* ------------------------------------------------------------------------ */

static void
test_facts (void)
{
  g_autofree char *uri = node_uri ();
  VireoConnection *conn = vireo_test_open_connection (uri, 0);
  VireoHost *host = vireo_host_get_for_connection (conn);
  virConnectPtr outside = virConnectOpenReadOnly (uri);
  g_autofree char *hostname = virConnectGetHostname (outside);
  g_autoptr(VireoConnection) owner = vireo_host_dup_connection (host);

  g_assert_true (vireo_host_get_for_connection (conn) == host);
  g_assert_true (owner == conn);
  g_assert_cmpstr (vireo_host_get_uri (host), ==, uri);

  vireo_test_wait_for (has_facts, host, 10, "the host facts");

  /* tests/data/test-node.xml's <cpu> and <memory>, as `virsh nodeinfo` says. */
  g_assert_cmpuint (vireo_host_get_cpus (host), ==, 2);
  g_assert_cmpuint (vireo_host_get_numa_nodes (host), ==, 1);
  g_assert_cmpuint (vireo_host_get_sockets (host), ==, 1);
  g_assert_cmpuint (vireo_host_get_cores (host), ==, 2);
  g_assert_cmpuint (vireo_host_get_threads (host), ==, 1);
  g_assert_cmpuint (vireo_host_get_mhz (host), ==, 2000);
  g_assert_cmpuint (vireo_host_get_memory_kib (host), ==, 4194304);
  g_assert_cmpuint (vireo_host_get_memory_total_kib (host), ==, 4194304);
  g_assert_cmpstr (vireo_host_get_hostname (host), ==, hostname);
  g_assert_true (g_str_has_prefix (vireo_host_get_libvirt_version (host), "9."));
  g_assert_cmpstr (vireo_host_get_hypervisor (host), ==, "TEST 0.0.2");
  /* The test driver's capabilities name an architecture but no CPU model. */
  g_assert_nonnull (vireo_host_get_arch (host));
  g_assert_false (vireo_host_get_sampling (host));

  virConnectClose (outside);
  g_clear_object (&owner);
  vireo_connection_close (conn);
  assert_finalized_with_host (conn);
}

/* The test driver has no node memory statistics (VIR_ERR_NO_SUPPORT) and
 * answers CPU statistics with the same canned counters every time. Both
 * must end up "not reported", and then nothing is asked any more. */
static void
test_unsupported_stops (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoHost *host = vireo_host_get_for_connection (conn);
  guint requests;

  vireo_host_set_sample_interval (host, 20);
  vireo_host_start_sampling (host);
  g_assert_true (vireo_host_get_sampling (host));
  vireo_test_wait_for (not_sampling, host, 10, "sampling to give up");

  g_assert_false (vireo_host_get_has_cpu_stats (host));
  g_assert_false (vireo_host_get_has_memory_stats (host));
  g_assert_cmpuint (vireo_history_get_length (vireo_host_get_cpu_history (host)), ==, 0);
  g_assert_cmpuint (vireo_history_get_length (vireo_host_get_memory_history (host)), ==, 0);
  g_assert_cmpfloat (vireo_host_get_cpu_percent (host), ==, -1);

  /* Two samples are enough to tell: a baseline and one that did not move. */
  requests = _vireo_host_get_requests (host);
  g_assert_cmpuint (requests, <=, 3);
  spin_for (0.3);
  g_assert_cmpuint (_vireo_host_get_requests (host), ==, requests);

  vireo_host_stop_sampling (host);
  vireo_connection_close (conn);
}

static void
sleep_thread (GTask         *task,
              virConnectPtr  conn,
              gpointer       task_data,
              GCancellable  *cancellable)
{
  g_usleep (GPOINTER_TO_UINT (task_data) * 1000);
  g_task_return_boolean (task, TRUE);
}

/* A host that takes long to answer must not collect a queue of samples: the
 * timer skips beats while one is on its way. */
static void
test_no_piling_up (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoHost *host = vireo_host_get_for_connection (conn);
  GTask *stall = g_task_new (NULL, NULL, NULL, NULL);

  vireo_test_wait_for (has_facts, host, 10, "the host facts");

  /* Everything on the serial worker waits behind this for 0.8 s. */
  g_task_set_task_data (stall, GUINT_TO_POINTER (800), NULL);
  vireo_connection_run (conn, stall, sleep_thread);

  vireo_host_set_sample_interval (host, 10);
  vireo_host_start_sampling (host);
  spin_for (0.4);

  /* About 40 beats have passed; one request is waiting, no more. */
  g_assert_true (vireo_host_get_sampling (host));
  g_assert_true (_vireo_host_get_in_flight (host));
  g_assert_cmpuint (_vireo_host_get_requests (host), ==, 1);

  vireo_test_wait_for (not_in_flight, host, 10, "the first sample");
  vireo_host_stop_sampling (host);
  vireo_connection_close (conn);
}

/* Sampling pauses while the connection is down (facts stay readable) and
 * comes back by itself when it is up again. */
static void
test_follows_connection (void)
{
  g_autofree char *uri = node_uri ();
  VireoConnection *conn = vireo_test_open_connection (uri, 0);
  VireoHost *host = vireo_host_get_for_connection (conn);
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  /* Long enough that the test driver's second sample never comes. */
  vireo_host_set_sample_interval (host, 60 * 1000);
  vireo_host_start_sampling (host);
  vireo_host_start_sampling (host);
  g_assert_true (vireo_host_get_sampling (host));
  vireo_test_wait_for (has_facts, host, 10, "the host facts");

  vireo_connection_close (conn);
  g_assert_false (vireo_host_get_sampling (host));
  g_assert_true (vireo_host_get_has_facts (host));
  g_assert_cmpuint (vireo_host_get_cpus (host), ==, 2);

  vireo_connection_open_async (conn, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_connection_open_finish (conn, vireo_test_async_wait (&a, 10), &error));
  g_assert_no_error (error);
  g_clear_object (&a.result);
  vireo_test_wait_for (is_sampling, host, 10, "sampling to resume");
  /* What a driver could not report is asked again of the new connection. */
  g_assert_true (vireo_host_get_has_cpu_stats (host));

  /* Counted: the second consumer still wants samples. */
  vireo_host_stop_sampling (host);
  g_assert_true (vireo_host_get_sampling (host));
  vireo_host_stop_sampling (host);
  g_assert_false (vireo_host_get_sampling (host));

  vireo_connection_close (conn);
  assert_finalized_with_host (conn);
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

  g_test_add_func ("/virt/host/facts", test_facts);
  g_test_add_func ("/virt/host/unsupported-stops", test_unsupported_stops);
  g_test_add_func ("/virt/host/no-piling-up", test_no_piling_up);
  g_test_add_func ("/virt/host/follows-connection", test_follows_connection);

  ret = g_test_run ();
  /* Workers may still be closing connections; exit only once they are done. */
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
