/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VireoConsoleStream without a daemon: libvirt's test driver has no
 * consoles, and the refusal must come back through finish as an error,
 * with the connection untouched. The byte traffic is tested on a real
 * guest in tests/integration/test-serial-console-integration.c.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-test-virt.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

#define ALPHA_UUID "11111111-1111-4111-8111-111111111111"

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-node.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  return g_strconcat ("test://", abs, NULL);
}

static void
test_unsupported_driver (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *alpha = vireo_connection_find_domain (conn, ALPHA_UUID);
  g_autoptr(VireoConsoleStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  g_assert_nonnull (alpha);
  g_assert_true (vireo_domain_get_active (alpha));
  vireo_console_stream_open_async (alpha, NULL, VIREO_CONSOLE_OPEN_NONE, NULL, vireo_test_async_cb, &a);
  stream = vireo_console_stream_open_finish (alpha, vireo_test_async_wait (&a, 10), &error);
  g_clear_object (&a.result);
  g_assert_null (stream);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_SUPPORTED);
  /* libvirt's own words, not an empty string. */
  g_assert_nonnull (strstr (error->message, "virDomainOpenConsole"));
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);

  /* A named device and FORCE are refused the same way. */
  g_clear_error (&error);
  vireo_console_stream_open_async (alpha, "serial0", VIREO_CONSOLE_OPEN_FORCE, NULL, vireo_test_async_cb, &a);
  stream = vireo_console_stream_open_finish (alpha, vireo_test_async_wait (&a, 10), &error);
  g_clear_object (&a.result);
  g_assert_null (stream);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_SUPPORTED);
}

static gboolean
is_disconnected (gpointer data)
{
  return vireo_connection_get_state (data) == VIREO_CONNECTION_STATE_DISCONNECTED;
}

static void
test_not_connected (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *alpha = vireo_connection_find_domain (conn, ALPHA_UUID);
  g_autoptr(VireoConsoleStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  g_assert_nonnull (alpha);
  vireo_connection_close (conn);
  vireo_test_wait_for (is_disconnected, conn, 10, "the close");
  vireo_console_stream_open_async (alpha, NULL, VIREO_CONSOLE_OPEN_NONE, NULL, vireo_test_async_cb, &a);
  stream = vireo_console_stream_open_finish (alpha, vireo_test_async_wait (&a, 10), &error);
  g_clear_object (&a.result);
  g_assert_null (stream);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED);
}

static void
test_cancelled (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *alpha = vireo_connection_find_domain (conn, ALPHA_UUID);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VireoConsoleStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  vireo_console_stream_open_async (alpha, NULL, VIREO_CONSOLE_OPEN_NONE, cancellable, vireo_test_async_cb, &a);
  g_cancellable_cancel (cancellable);
  stream = vireo_console_stream_open_finish (alpha, vireo_test_async_wait (&a, 10), &error);
  g_clear_object (&a.result);
  g_assert_null (stream);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

  g_test_add_func ("/console-stream/unsupported-driver", test_unsupported_driver);
  g_test_add_func ("/console-stream/not-connected", test_not_connected);
  g_test_add_func ("/console-stream/cancelled", test_cancelled);

  {
    int ret = g_test_run ();

    /* Every worker and stream thread ended. */
    g_assert_true (vireo_worker_wait_all (10 * G_USEC_PER_SEC));
    /* What the threads handed back to the main thread last. */
    while (g_main_context_iteration (NULL, FALSE))
      ;
    return ret;
  }
}
