/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Remote faults and latency (issue 3), with real parts: runs inside
 * tests/integration/vireo-testenv.sh, a private libvirtd and sshd on
 * loopback, with vireo-relay.py in between to add latency or play dead.
 *
 * Every wait here runs the main loop until a callback or an event makes the
 * condition true, bounded by a timer; nothing sleeps and polls. Timings are
 * printed as TAP comments and never decide pass or fail, except where the
 * bound is the behaviour under test (a refused port must fail fast, a dead
 * link must be noticed within the keepalive window) and is generous.
 */
#include "config.h"

#include <arpa/inet.h>
#include <locale.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-test-virt.h"
#include "vireo-worker.h"
#include "vireo-virt.h"

/* Each way: a request/reply round trip costs 300 ms more. */
#define LATENCY_MS 150

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

/* ------------------------------------------------------------------------ */
/* Waiting on the main loop                                                  */

static gboolean
deadline_passed (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context until @cond holds: every state this file
 * waits for is changed by something the main loop dispatches (a GTask
 * callback, an event, a child watch), so blocking in the loop loses nothing,
 * and the timer wakes it when the time is up. Returns the seconds waited. */
static double
wait_until (VireoTestCondition  cond,
            gpointer            data,
            double              timeout_s,
            const char         *what)
{
  gint64 start = g_get_monotonic_time ();
  gboolean expired = FALSE;
  guint timer = g_timeout_add ((guint) (timeout_s * 1000), deadline_passed, &expired);

  while (!cond (data))
    {
      if (expired)
        g_error ("Timed out after %.1f s waiting for %s", timeout_s, what);
      g_main_context_iteration (NULL, TRUE);
    }
  if (!expired)
    g_source_remove (timer);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* ------------------------------------------------------------------------ */
/* Main-loop stall probe                                                     */

/* Wraps the default context's poll: the time from one poll's return to the
 * next poll's start is one stretch of work during which the loop could not
 * react to anything. That covers Vireo's callbacks and this file's own code
 * between two iterations, which is kept to cheap checks while the probe runs
 * (setup and cleanup that block happen outside its window). It adds no
 * wake-ups of its own. A prepare/check source would miss iterations: GLib
 * skips every check when the set of polled fds changed meanwhile. */
typedef struct
{
  GPollFunc saved;
  gint64    last_return;   /* when the previous poll returned */
  gint64    longest_us;
  guint     polls;
} StallProbe;

static StallProbe probe;

static gint
probe_poll (GPollFD *fds,
            guint    nfds,
            gint     timeout)
{
  gint ret;

  if (probe.last_return != 0)
    probe.longest_us = MAX (probe.longest_us, g_get_monotonic_time () - probe.last_return);
  probe.polls++;
  ret = probe.saved (fds, nfds, timeout);
  probe.last_return = g_get_monotonic_time ();
  return ret;
}

static void
stall_probe_start (void)
{
  g_assert_null (probe.saved);
  probe = (StallProbe) { .saved = g_main_context_get_poll_func (NULL) };
  g_main_context_set_poll_func (NULL, probe_poll);
}

/* Prints, never asserts: timing stays out of pass/fail. */
static void
stall_probe_stop (const char *label)
{
  g_main_context_set_poll_func (NULL, probe.saved);
  g_test_message ("longest main-loop stall: %.1f ms (%s, %u polls)",
                  probe.longest_us / 1000.0, label, probe.polls);
  probe = (StallProbe) { NULL };
}

/* ------------------------------------------------------------------------ */
/* The environment: relays, guests                                           */

typedef struct
{
  GAsyncResult *result;
} Pending;

static void
pending_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ((Pending *) user_data)->result = g_object_ref (result);
}

static gboolean
pending_done (gpointer data)
{
  return ((Pending *) data)->result != NULL;
}

/* Runs `vireo-testenv.sh VERB STATE ARGS…` without blocking the main loop
 * (the probe would count the wait as a stall). Returns its stdout. */
static char *
testenv (const char *verb,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  Pending p = { NULL };
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) require_env ("VIREO_TESTENV"));
  g_ptr_array_add (argv, (char *) verb);
  g_ptr_array_add (argv, (char *) require_env ("VIREO_TEST_STATE"));
  va_start (args, verb);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* stderr is inherited: the script's messages belong in the test log. */
  proc = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, pending_cb, &p);
  wait_until (pending_done, &p, 60, verb);
  g_subprocess_communicate_utf8_finish (proc, p.result, &out, NULL, &error);
  g_object_unref (p.result);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc))
    g_error ("vireo-testenv.sh %s failed", verb);
  return g_steal_pointer (&out);
}

typedef struct
{
  char  pid[16];
  guint port;
} Relay;

/* @target: "tcp" or "ssh", the environment's listener to put it in front of */
static Relay
relay_start (const char *target,
             guint       delay_ms)
{
  g_autofree char *delay = g_strdup_printf ("%u", delay_ms);
  g_autofree char *out = testenv ("relay", target, delay, NULL);
  Relay relay = { { 0 }, 0 };
  guint pid = 0;

  if (sscanf (out, "port=%u pid=%u", &relay.port, &pid) != 2)
    g_error ("vireo-testenv.sh relay printed '%s', not 'port=P pid=PID'", out);
  g_snprintf (relay.pid, sizeof relay.pid, "%u", pid);
  return relay;
}

/* @action: block, resume, reset or stop; returns once the relay acted */
static void
relay_ctl (const Relay *relay,
           const char  *action)
{
  g_free (testenv ("relay-ctl", relay->pid, action, NULL));
}

static char *
guest_xml (const char *name)
{
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) re = g_regex_new ("<name>[^<]*</name>", 0, 0, NULL);
  g_autofree char *replacement = g_strdup_printf ("<name>%s</name>", name);

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  return g_regex_replace_literal (re, xml, -1, 0, replacement, G_REGEX_MATCH_DEFAULT, NULL);
}

/* Setup and cleanup go straight to the daemon's unix socket, not through
 * Vireo or a relay, and before or after the probe's window (they block). */
static virConnectPtr
direct_open (void)
{
  virConnectPtr raw = virConnectOpen (require_env ("VIREO_TEST_URI"));

  if (raw == NULL)
    g_error ("Could not open the direct URI: %s", virGetLastErrorMessage ());
  return raw;
}

static void
define_guests (const char * const *names)
{
  virConnectPtr raw = direct_open ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *xml = guest_xml (names[i]);
      virDomainPtr dom = virDomainDefineXML (raw, xml);

      if (dom == NULL)
        g_error ("Could not define %s: %s", names[i], virGetLastErrorMessage ());
      virDomainFree (dom);
    }
  virConnectClose (raw);
}

static void
remove_guests (const char * const *names)
{
  virConnectPtr raw = direct_open ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      virDomainPtr dom = virDomainLookupByName (raw, names[i]);

      if (dom == NULL)
        g_error ("%s is gone already: %s", names[i], virGetLastErrorMessage ());
      if (virDomainIsActive (dom) == 1 && virDomainDestroy (dom) < 0)
        g_error ("Could not destroy %s: %s", names[i], virGetLastErrorMessage ());
      if (virDomainUndefine (dom) < 0)
        g_error ("Could not undefine %s: %s", names[i], virGetLastErrorMessage ());
      virDomainFree (dom);
    }
  virConnectClose (raw);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* Returns: (transfer full): every domain name the daemon has, sorted */
static GStrv
direct_names (void)
{
  virConnectPtr raw = direct_open ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  virDomainPtr *doms = NULL;
  GStrv names;
  int n = virConnectListAllDomains (raw, &doms, 0);

  g_assert_cmpint (n, >=, 0);
  for (int i = 0; i < n; i++)
    {
      g_strv_builder_add (builder, virDomainGetName (doms[i]));
      virDomainFree (doms[i]);
    }
  free (doms);
  virConnectClose (raw);
  names = g_strv_builder_end (builder);
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  return names;
}

/* The list is complete: exactly the daemon's domains, no more, no fewer. */
static void
assert_list_complete (VireoConnection    *conn,
                      const char * const *want)
{
  g_autoptr(GListModel) list = vireo_connection_list_domains (conn);
  g_autoptr(GPtrArray) have = g_ptr_array_new_with_free_func (g_free);
  guint n = g_list_model_get_n_items (list);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDomain) d = g_list_model_get_item (list, i);
      g_ptr_array_add (have, g_strdup (vireo_domain_get_name (d)));
    }
  g_ptr_array_sort (have, compare_names);
  g_ptr_array_add (have, NULL);
  g_assert_cmpstrv ((const char * const *) have->pdata, want);
}

/* ------------------------------------------------------------------------ */
/* Vireo, through the public API                                             */

static GError *
open_expecting_failure (const char *uri,
                        double      timeout_s,
                        double     *elapsed_s,
                        char      **message)
{
  g_autoptr(VireoConnection) conn = vireo_connection_new (uri);
  GError *error = NULL;
  Pending p = { NULL };

  vireo_connection_set_stats_interval (conn, 0);
  vireo_connection_open_async (conn, NULL, pending_cb, &p);
  *elapsed_s = wait_until (pending_done, &p, timeout_s, "the open to fail");
  g_assert_false (vireo_connection_open_finish (conn, p.result, &error));
  g_object_unref (p.result);
  g_assert_nonnull (error);
  g_assert_true (error->domain == VIREO_VIRT_ERROR);

  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);
  g_assert_false (vireo_connection_get_populated (conn));
  /* Never connected: nothing to come back to, so no retry loop either. */
  g_assert_cmpuint (vireo_connection_get_reconnect_in (conn), ==, 0);
  g_assert_nonnull (vireo_connection_get_error_message (conn));
  *message = g_strdup (vireo_connection_get_error_message (conn));
  return error;
}

static VireoConnection *
open_connection (const char *uri,
                 double      timeout_s,
                 const char *label)
{
  VireoConnection *conn = vireo_connection_new (uri);
  g_autoptr(GError) error = NULL;
  Pending p = { NULL };
  double elapsed;

  /* Statistics off: a state change can only arrive through an event. */
  vireo_connection_set_stats_interval (conn, 0);
  vireo_connection_open_async (conn, NULL, pending_cb, &p);
  elapsed = wait_until (pending_done, &p, timeout_s, "the connection to open");
  vireo_connection_open_finish (conn, p.result, &error);
  g_object_unref (p.result);
  g_assert_no_error (error);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  g_assert_true (vireo_connection_get_populated (conn));
  g_test_message ("open and list %s: %.2f s", label, elapsed);
  return conn;
}

typedef struct
{
  VireoConnection      *conn;
  const char           *name;
  VireoDomainState      state;
  VireoConnectionState  conn_state;
} Want;

static gboolean
domain_in_state (gpointer data)
{
  Want *w = data;
  VireoDomain *d = vireo_test_find_domain (w->conn, w->name);

  return d != NULL && vireo_domain_get_state (d) == w->state;
}

static gboolean
connection_in_state (gpointer data)
{
  Want *w = data;

  return vireo_connection_get_state (w->conn) == w->conn_state;
}

static void
act (VireoDomain       *domain,
     VireoDomainAction  action,
     const char        *label)
{
  g_autoptr(GError) error = NULL;
  Pending p = { NULL };
  double elapsed;

  vireo_domain_action_async (domain, action, NULL, pending_cb, &p);
  elapsed = wait_until (pending_done, &p, 60, label);
  vireo_domain_action_finish (domain, p.result, &error);
  g_object_unref (p.result);
  g_assert_no_error (error);
  g_test_message ("%s: %.2f s", label, elapsed);
}

/* ------------------------------------------------------------------------ */
/* 1, 2: a refused port and a name that does not resolve                     */

/* Bound but not listening: connecting to it is refused, and nothing else
 * can take the port while the test runs. */
static int
closed_port (guint *port)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sa;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &sa, sizeof sa), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sa, &len), ==, 0);
  *port = ntohs (sa.sin_port);
  return fd;
}

/* The three remote transports Vireo offers over plain sockets; the ssh one
 * runs the environment's wrapper, so ~/.ssh is never read or written. */
static char *
remote_uri (const char *transport,
            const char *host_port)
{
  if (g_str_equal (transport, "tcp"))
    return g_strdup_printf ("qemu+tcp://%s/system", host_port);
  if (g_str_equal (transport, "ssh"))
    return g_strdup_printf ("qemu+ssh://root@%s/system?keyfile=%s&command=%s&no_tty=1", host_port,
                            require_env ("VIREO_TEST_SSH_KEY"), require_env ("VIREO_TEST_SSH_COMMAND"));
  g_assert_cmpstr (transport, ==, "libssh2");
  return g_strdup_printf ("qemu+libssh2://root@%s/system?keyfile=%s&known_hosts=%s&sshauth=privkey", host_port,
                          require_env ("VIREO_TEST_SSH_KEY"), require_env ("VIREO_TEST_SSH_KNOWN_HOSTS"));
}

static void
refused (gconstpointer data)
{
  const char *transport = data;
  guint port;
  int fd = closed_port (&port);
  g_autofree char *host_port = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *uri = remote_uri (transport, host_port);
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  const char *hint;
  double elapsed;

  error = open_expecting_failure (uri, 30, &elapsed, &message);
  close (fd);
  g_test_message ("%s, refused: failed after %.2f s: %s", transport, elapsed, message);

  /* A refusal is an answer: it must not wait for any timeout. */
  g_assert_cmpfloat (elapsed, <, 5);
  g_assert_nonnull (strstr (message, "refused the connection"));
  hint = vireo_virt_connect_hint (uri, message);
  g_assert_nonnull (hint);
  g_assert_nonnull (strstr (hint, "Check the port"));
}

static void
unknown_host (gconstpointer data)
{
  const char *transport = data;
  g_autofree char *uri = remote_uri (transport, "no-such-host.invalid");
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  const char *hint;
  double elapsed;

  /* .invalid never resolves (RFC 6761). How fast the resolver says so
   * depends on the machine's resolver, so the bound only rules out a hang. */
  error = open_expecting_failure (uri, 60, &elapsed, &message);
  g_test_message ("%s, unknown host: failed after %.2f s: %s", transport, elapsed, message);

  g_assert_nonnull (strstr (message, "could not find host “no-such-host.invalid”"));
  hint = vireo_virt_connect_hint (uri, message);
  g_assert_nonnull (hint);
  g_assert_nonnull (strstr (hint, "Check its spelling"));
}

/* ------------------------------------------------------------------------ */
/* 3: latency                                                                */

/* The environment's URI for @transport with the relay's port instead. */
static char *
relayed_uri (const char *transport,
             guint       port)
{
  g_autofree char *host_port = g_strdup_printf ("127.0.0.1:%u", port);

  return remote_uri (transport, host_port);
}

static void
latency (gconstpointer data)
{
  const char *transport = data;
  g_autofree char *label = g_strdup_printf ("qemu+%s, %u ms each way", transport, LATENCY_MS);
  g_autofree char *first = g_strdup_printf ("vireo-rt-%s-1", transport);
  g_autofree char *second = g_strdup_printf ("vireo-rt-%s-2", transport);
  const char *names[] = { first, second, NULL };
  g_auto(GStrv) want = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  g_autofree char *uri = NULL;
  VireoDomain *domain;
  Want w = { NULL, first };
  Relay relay;

  define_guests (names);
  want = direct_names ();

  stall_probe_start ();
  relay = relay_start (transport, LATENCY_MS);
  uri = relayed_uri (transport, relay.port);
  conn = open_connection (uri, 60, label);
  w.conn = conn;
  assert_list_complete (conn, (const char * const *) want);

  domain = vireo_test_find_domain (conn, first);
  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_SHUTOFF);

  act (domain, VIREO_DOMAIN_ACTION_START, "start through the delayed link");
  w.state = VIREO_DOMAIN_STATE_RUNNING;
  g_test_message ("running arrived %.2f s after the start returned",
                  wait_until (domain_in_state, &w, 30, "running, through an event"));

  act (domain, VIREO_DOMAIN_ACTION_DESTROY, "force off through the delayed link");
  w.state = VIREO_DOMAIN_STATE_SHUTOFF;
  g_test_message ("shut off arrived %.2f s after the force off returned",
                  wait_until (domain_in_state, &w, 30, "shut off, through an event"));

  /* Only the one that was acted on changed. */
  g_assert_cmpint (vireo_domain_get_state (vireo_test_find_domain (conn, second)), ==,
                   VIREO_DOMAIN_STATE_SHUTOFF);
  assert_list_complete (conn, (const char * const *) want);

  vireo_connection_close (conn);
  stall_probe_stop (label);
  relay_ctl (&relay, "stop");
  remove_guests (names);
}

/* ------------------------------------------------------------------------ */
/* 4: an established link goes dead, then comes back                         */

static void
blackhole (void)
{
  const char *names[] = { "vireo-rt-bh-1", "vireo-rt-bh-2", NULL };
  g_auto(GStrv) want = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  g_autoptr(VireoDomain) kept = NULL;
  g_autofree char *uri = NULL;
  Want w = { NULL };
  Relay relay;
  double elapsed;

  define_guests (names);
  want = direct_names ();

  stall_probe_start ();
  relay = relay_start ("tcp", 50);
  uri = relayed_uri ("tcp", relay.port);
  conn = open_connection (uri, 60, "qemu+tcp, 50 ms each way");
  w.conn = conn;
  assert_list_complete (conn, (const char * const *) want);
  kept = g_object_ref (vireo_test_find_domain (conn, names[0]));

  /* No byte passes any more, and nothing closes: only keepalive can tell.
   * (2, 3) gives up after about 8 s; 20 s leaves room for a slow machine. */
  relay_ctl (&relay, "block");
  w.conn_state = VIREO_CONNECTION_STATE_DISCONNECTED;
  elapsed = wait_until (connection_in_state, &w, 20, "the dead link to show as disconnected");
  g_test_message ("dead link noticed after %.2f s: %s", elapsed, vireo_connection_get_error_message (conn));
  g_assert_nonnull (strstr (vireo_connection_get_error_message (conn), "stopped answering"));
  /* Still listed, the same objects, so selections survive. */
  g_assert_true (vireo_test_find_domain (conn, names[0]) == kept);
  assert_list_complete (conn, (const char * const *) want);

  /* The link comes back: Vireo reconnects by itself (no reconnect call).
   * An attempt it started while the link was dead is held by the relay and
   * goes through now, like a retransmission after a partition heals. */
  relay_ctl (&relay, "resume");
  w.conn_state = VIREO_CONNECTION_STATE_CONNECTED;
  elapsed = wait_until (connection_in_state, &w, 60, "Vireo to reconnect by itself");
  g_test_message ("reconnected %.2f s after the link came back", elapsed);
  g_assert_null (vireo_connection_get_error_message (conn));
  g_assert_true (vireo_test_find_domain (conn, names[0]) == kept);
  assert_list_complete (conn, (const char * const *) want);

  vireo_connection_close (conn);
  stall_probe_stop ("qemu+tcp blackholed and back");
  relay_ctl (&relay, "stop");
  remove_guests (names);
}

/* The link dies while the workers are busy: right after the open, when the
 * host's versions (ops) and the machines' titles (bulk) are still being
 * read, with statistics every second on top. On libvirt 9.0, two calls in
 * flight on a dead link are never ended by keepalive; Vireo keeps it to
 * one at a time, so this must be noticed like the idle case. */
static void
blackhole_busy (void)
{
  const char *names[] = { "vireo-rt-bb-1", "vireo-rt-bb-2", "vireo-rt-bb-3", NULL };
  g_autoptr(VireoConnection) conn = NULL;
  g_autofree char *uri = NULL;
  Want w = { NULL };
  Relay relay;
  double elapsed;

  define_guests (names);
  /* Slow enough that the calls after the open are surely still in flight
   * when the link dies. */
  relay = relay_start ("tcp", 300);
  uri = relayed_uri ("tcp", relay.port);
  conn = open_connection (uri, 90, "qemu+tcp, 300 ms each way, then dead at once");
  vireo_connection_set_stats_interval (conn, 1);
  relay_ctl (&relay, "block");

  w.conn = conn;
  w.conn_state = VIREO_CONNECTION_STATE_DISCONNECTED;
  elapsed = wait_until (connection_in_state, &w, 20, "the dead link to show as disconnected while busy");
  g_test_message ("dead link noticed while busy after %.2f s", elapsed);
  g_assert_nonnull (strstr (vireo_connection_get_error_message (conn), "stopped answering"));

  vireo_connection_close (conn);
  relay_ctl (&relay, "stop");
  remove_guests (names);
}

/* The link is dead before the open starts, so there is no keepalive yet to
 * notice: only the connect timeout ends the attempt, and a fresh worker
 * must be free to try again once the link is back. */
static void
blackhole_during_open (void)
{
  const char *names[] = { "vireo-rt-bho-1", NULL };
  g_auto(GStrv) want = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  Pending p = { NULL };
  Want w = { NULL };
  Relay relay;
  double elapsed;

  define_guests (names);
  want = direct_names ();

  relay = relay_start ("tcp", 50);
  uri = relayed_uri ("tcp", relay.port);
  relay_ctl (&relay, "block");

  conn = vireo_connection_new (uri);
  vireo_connection_set_stats_interval (conn, 0);
  vireo_connection_set_connect_timeout (conn, 3);
  vireo_connection_open_async (conn, NULL, pending_cb, &p);
  elapsed = wait_until (pending_done, &p, 30, "the open to give up");
  vireo_connection_open_finish (conn, p.result, &error);
  g_clear_object (&p.result);
  g_test_message ("open through a dead link gave up after %.2f s: %s", elapsed,
                  error != NULL ? error->message : "(no error)");
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_TIMED_OUT);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);
  g_assert_nonnull (strstr (vireo_connection_get_error_message (conn), "did not answer within 3 seconds"));

  /* The link heals. The abandoned attempt's late reply changes nothing;
   * a new attempt (not queued behind the stuck one) connects. */
  relay_ctl (&relay, "resume");
  vireo_connection_reconnect (conn);
  w.conn = conn;
  w.conn_state = VIREO_CONNECTION_STATE_CONNECTED;
  elapsed = wait_until (connection_in_state, &w, 60, "the retry to connect");
  g_test_message ("connected %.2f s after the link came back", elapsed);
  assert_list_complete (conn, (const char * const *) want);

  /* And it stays connected once the stale attempt has finished too. */
  {
    gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);

  vireo_connection_close (conn);
  relay_ctl (&relay, "stop");
  remove_guests (names);
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

  g_test_add_data_func ("/remote/refused/tcp", "tcp", refused);
  g_test_add_data_func ("/remote/refused/ssh", "ssh", refused);
  g_test_add_data_func ("/remote/refused/libssh2", "libssh2", refused);
  g_test_add_data_func ("/remote/unknown-host/tcp", "tcp", unknown_host);
  g_test_add_data_func ("/remote/unknown-host/ssh", "ssh", unknown_host);
  g_test_add_data_func ("/remote/unknown-host/libssh2", "libssh2", unknown_host);
  g_test_add_data_func ("/remote/latency/tcp", "tcp", latency);
  g_test_add_data_func ("/remote/latency/ssh", "ssh", latency);
  g_test_add_func ("/remote/blackhole/keepalive-and-back", blackhole);
  g_test_add_func ("/remote/blackhole/during-open", blackhole_during_open);
  g_test_add_func ("/remote/blackhole/while-busy", blackhole_busy);

  ret = g_test_run ();
  /* Workers may still be closing connections; exit only once they are done. */
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
