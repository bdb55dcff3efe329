/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The pieces of authentication and connect timeouts that need no real
 * host: the request hand-off between a worker and the main thread, and an
 * open stuck on a host that accepts and never answers. The real prompts
 * (libssh2 passwords, host keys, the keyring) are proven in
 * tests/integration/test-auth.c against sshd and libvirtd.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-auth-request-private.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

static void
test_parse_host_key_prompt (void)
{
  g_autofree char *host = NULL;
  g_autofree char *fingerprint = NULL;

  /* libvirt 9.0's libssh2 transport, verbatim. */
  g_assert_true (_vireo_auth_parse_host_key_prompt (
    "Accept SSH host key with hash '75:99:1F:86:6A:5A:60:A9:4E:A3:E9:A2:B6:D9:2B:63' "
    "for host '127.0.0.1:24101' (y/n)?", &host, &fingerprint));
  g_assert_cmpstr (host, ==, "127.0.0.1:24101");
  g_assert_cmpstr (fingerprint, ==, "75:99:1F:86:6A:5A:60:A9:4E:A3:E9:A2:B6:D9:2B:63");
  g_clear_pointer (&host, g_free);
  g_clear_pointer (&fingerprint, g_free);

  /* A host-key question Vireo cannot pick apart is still one. */
  g_assert_true (_vireo_auth_parse_host_key_prompt ("Trust this Host Key?", &host, &fingerprint));
  g_assert_null (host);
  g_assert_null (fingerprint);

  g_assert_false (_vireo_auth_parse_host_key_prompt ("Enter root's password for h", &host, &fingerprint));
  g_assert_false (_vireo_auth_parse_host_key_prompt (NULL, &host, &fingerprint));
}

typedef struct
{
  VireoAuthRequest *request;
  gboolean          ok;
  GStrv             answers;
  gboolean          remember;
  gboolean          done;
} Waiter;

static gpointer
wait_thread (gpointer data)
{
  Waiter *w = data;

  w->ok = _vireo_auth_request_wait (w->request, &w->answers, &w->remember);
  g_atomic_int_set (&w->done, TRUE);
  return NULL;
}

static gboolean
waiter_done (gpointer data)
{
  return g_atomic_int_get (&((Waiter *) data)->done);
}

static void
on_notify_finished (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    data)
{
  (*(guint *) data)++;
}

static VireoAuthRequest *
password_request (gboolean can_remember)
{
  VireoAuthRequest *request = _vireo_auth_request_new (VIREO_AUTH_REQUEST_CREDENTIALS,
                                                       "qemu+libssh2://u@h/system", 1);

  _vireo_auth_request_add_field (request, VIREO_AUTH_FIELD_USERNAME, "user", "u");
  _vireo_auth_request_add_field (request, VIREO_AUTH_FIELD_PASSWORD, "Enter u's password for h", NULL);
  _vireo_auth_request_set_can_remember (request, can_remember);
  return request;
}

static void
test_respond_wakes_worker (void)
{
  g_autoptr(VireoAuthRequest) request = password_request (FALSE);
  const char *answers[] = { "u", "secret", NULL };
  Waiter w = { .request = request };
  GThread *thread;
  guint notified = 0;

  g_signal_connect (request, "notify::finished", G_CALLBACK (on_notify_finished), &notified);
  thread = g_thread_new ("waiter", wait_thread, &w);

  /* The worker stays blocked until the user answers. */
  g_usleep (G_USEC_PER_SEC / 20);
  g_assert_false (g_atomic_int_get (&w.done));
  g_assert_false (vireo_auth_request_get_finished (request));

  /* Remember is dropped when no keyring can honour it. */
  vireo_auth_request_respond (request, answers, TRUE);
  vireo_test_wait_for (waiter_done, &w, 5, "the worker to wake");
  g_thread_join (thread);

  g_assert_true (w.ok);
  g_assert_cmpstrv (w.answers, answers);
  g_assert_false (w.remember);
  g_assert_true (vireo_auth_request_get_finished (request));
  g_assert_cmpuint (notified, ==, 1);

  /* Late answers and cancels are ignored. */
  vireo_auth_request_cancel (request);
  g_assert_cmpuint (notified, ==, 1);
  g_strfreev (w.answers);
}

static void
test_cancel_and_abort (void)
{
  g_autoptr(VireoAuthRequest) cancelled = password_request (TRUE);
  g_autoptr(VireoAuthRequest) remembered = password_request (TRUE);
  const char *answers[] = { "u", "secret", NULL };
  Waiter w = { .request = cancelled };
  GThread *thread = g_thread_new ("waiter", wait_thread, &w);

  vireo_auth_request_cancel (cancelled);
  vireo_test_wait_for (waiter_done, &w, 5, "the worker to wake");
  g_thread_join (thread);
  g_assert_false (w.ok);
  g_assert_null (w.answers);

  /* Remember survives when a keyring is there to keep it. */
  w = (Waiter) { .request = remembered };
  thread = g_thread_new ("waiter", wait_thread, &w);
  vireo_auth_request_respond (remembered, answers, TRUE);
  vireo_test_wait_for (waiter_done, &w, 5, "the worker to wake");
  g_thread_join (thread);
  g_assert_true (w.ok);
  g_assert_true (w.remember);
  g_strfreev (w.answers);
}

static gboolean
hold_connection (GSocketService    *service,
                 GSocketConnection *connection,
                 GObject           *source_object,
                 gpointer           user_data)
{
  GPtrArray *held = user_data;

  /* Accept and never answer: what a host behind a dead link looks like to
   * a client before keepalive is running. */
  g_ptr_array_add (held, g_object_ref (connection));
  return TRUE;
}

typedef struct
{
  VireoConnection *conn;
  GPtrArray       *held;
  guint            n;
} Stuck;

static gboolean
is_disconnected (gpointer data)
{
  return vireo_connection_get_state (((Stuck *) data)->conn) == VIREO_CONNECTION_STATE_DISCONNECTED;
}

static gboolean
has_n_held (gpointer data)
{
  Stuck *s = data;
  return s->held->len >= s->n;
}

static void
test_timeout_abandons_stuck_open (void)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) want = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  g_autofree char *uri = NULL;
  VireoTestAsync a = { 0 };
  Stuck s = { .held = held };
  gint64 start;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), want, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &got, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (hold_connection), held);
  uri = g_strdup_printf ("qemu+tcp://127.0.0.1:%u/system",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (got)));

  conn = s.conn = vireo_connection_new (uri);
  g_assert_cmpuint (vireo_connection_get_connect_timeout (conn), ==, 30);
  vireo_connection_set_connect_timeout (conn, 1);
  vireo_connection_open_async (conn, NULL, vireo_test_async_cb, &a);

  /* The attempt is given up after the timeout, not when (if ever) the
   * stuck call returns, and the caller hears why. */
  vireo_connection_open_finish (conn, vireo_test_async_wait (&a, 10), &error);
  g_clear_object (&a.result);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_TIMED_OUT);
  g_clear_error (&error);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);
  g_assert_nonnull (strstr (vireo_connection_get_error_message (conn), "did not answer within 1 second"));
  g_assert_cmpuint (held->len, ==, 1);

  /* A new attempt is not queued behind the stuck one: it reaches the host
   * (a second TCP connection) and times out on its own. */
  vireo_connection_reconnect (conn);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTING);
  s.n = 2;
  vireo_test_wait_for (has_n_held, &s, 10, "a second attempt to reach the host");
  vireo_test_wait_for (is_disconnected, &s, 10, "the second attempt to time out");
  g_assert_nonnull (strstr (vireo_connection_get_error_message (conn), "did not answer"));

  /* The host hangs up at last; the abandoned calls return into nothing. */
  g_ptr_array_set_size (held, 0);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < G_USEC_PER_SEC / 2)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);
  g_assert_nonnull (strstr (vireo_connection_get_error_message (conn), "did not answer"));

  /* Every thread, the abandoned ones included, ends. */
  g_clear_object (&conn);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
}

static void
test_connect_timeout_property (void)
{
  g_autoptr(VireoConnection) conn = vireo_connection_new ("test:///default");
  guint notified = 0;

  g_signal_connect (conn, "notify::connect-timeout", G_CALLBACK (on_notify_finished), &notified);
  vireo_connection_set_connect_timeout (conn, 5);
  vireo_connection_set_connect_timeout (conn, 5);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_null (vireo_connection_get_pending_auth (conn));

  /* A quick open is not hurt by a short timeout. */
  {
    g_autoptr(VireoConnection) opened = vireo_test_open_connection ("test:///default", 0);
    g_assert_cmpint (vireo_connection_get_state (opened), ==, VIREO_CONNECTION_STATE_CONNECTED);
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

  g_test_add_func ("/auth/request/parse-host-key-prompt", test_parse_host_key_prompt);
  g_test_add_func ("/auth/request/respond-wakes-worker", test_respond_wakes_worker);
  g_test_add_func ("/auth/request/cancel-and-abort", test_cancel_and_abort);
  g_test_add_func ("/auth/connection/timeout-abandons-stuck-open", test_timeout_abandons_stuck_open);
  g_test_add_func ("/auth/connection/connect-timeout-property", test_connect_timeout_property);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
