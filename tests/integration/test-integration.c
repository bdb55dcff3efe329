/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Runs inside tests/integration/vireo-testenv.sh: a private libvirtd with
 * real QEMU (TCG) guests. Everything here is the real thing; the test driver
 * proves nothing about events, keepalive or a daemon going away.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

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

static char *
guest_xml (const char *name)
{
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) re = g_regex_new ("<name>[^<]*</name>", 0, 0, NULL);
  g_autofree char *replacement = g_strdup_printf ("<name>%s</name>", name);

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  /* Each test defines its own guest; libvirt assigns a fresh UUID. */
  return g_regex_replace_literal (re, xml, -1, 0, replacement, G_REGEX_MATCH_DEFAULT, NULL);
}

typedef struct
{
  VireoConnection  *conn;
  const char       *name;
  VireoDomainState  want;
} Wait;

static gboolean
listed (gpointer data)
{
  Wait *w = data;
  return vireo_test_find_domain (w->conn, w->name) != NULL;
}

static gboolean
not_listed (gpointer data)
{
  return !listed (data);
}

static gboolean
in_state (gpointer data)
{
  Wait *w = data;
  VireoDomain *d = vireo_test_find_domain (w->conn, w->name);
  return d != NULL && vireo_domain_get_state (d) == w->want;
}

static void
act (VireoDomain       *domain,
     VireoDomainAction  action)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  vireo_domain_action_async (domain, action, NULL, vireo_test_async_cb, &a);
  vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 60), &error);
  g_assert_no_error (error);
  g_object_unref (a.result);
}

static void
delete_domain (VireoDomain *domain)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDeletePlan) plan = NULL;

  vireo_domain_plan_delete_async (domain, NULL, vireo_test_async_cb, &a);
  plan = vireo_domain_plan_delete_finish (domain, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_clear_object (&a.result);

  vireo_domain_delete_async (domain, plan, NULL, vireo_test_async_cb, &a);
  vireo_domain_delete_finish (domain, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_object_unref (a.result);
}

static void
define_outside (const char *uri,
                const char *name)
{
  virConnectPtr raw = virConnectOpen (uri);
  g_autofree char *xml = guest_xml (name);
  virDomainPtr dom;

  g_assert_nonnull (raw);
  dom = virDomainDefineXML (raw, xml);
  if (dom == NULL)
    g_error ("Could not define %s: %s", name, virGetLastErrorMessage ());
  virDomainFree (dom);
  virConnectClose (raw);
}

typedef struct
{
  VireoConnection *conn;
  const char      *name;
  gboolean         want;
} PersistentWait;

static gboolean
persistent_is (gpointer data)
{
  PersistentWait *w = data;
  VireoDomain *d = vireo_test_find_domain (w->conn, w->name);

  return d != NULL && vireo_domain_get_persistent (d) == w->want;
}

/* A machine started without a definition is transient (the migrate form
 * then offers no "remove from source"): known from a fresh listing, and
 * followed through the define event once it gets one. */
static void
test_transient_on_qemu (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  virConnectPtr raw = virConnectOpen (uri);
  g_autofree char *xml = guest_xml ("vireo-it-transient");
  g_autoptr(VireoConnection) conn = NULL;
  PersistentWait p = { NULL, "vireo-it-transient", FALSE };
  virDomainPtr dom;

  g_assert_nonnull (raw);
  dom = virDomainCreateXML (raw, xml, 0);
  if (dom == NULL)
    g_error ("Could not start the transient guest: %s", virGetLastErrorMessage ());

  conn = vireo_test_open_connection (uri, 0);
  p.conn = conn;
  g_assert_nonnull (vireo_test_find_domain (conn, p.name));
  g_assert_false (vireo_domain_get_persistent (vireo_test_find_domain (conn, p.name)));
  /* libvirt keeps no managed save of a machine it forgets on stop. */
  g_assert_false (vireo_domain_can_do (vireo_test_find_domain (conn, p.name), VIREO_DOMAIN_ACTION_MANAGED_SAVE));

  {
    /* Its own document, UUID included: the running machine gets it. */
    g_autofree char *own = virDomainGetXMLDesc (dom, 0);

    virDomainFree (dom);
    dom = virDomainDefineXML (raw, own);
    if (dom == NULL)
      g_error ("Could not define the transient guest: %s", virGetLastErrorMessage ());
  }
  p.want = TRUE;
  vireo_test_wait_for (persistent_is, &p, 10, "the define to be seen");
  g_assert_true (vireo_domain_can_do (vireo_test_find_domain (conn, p.name), VIREO_DOMAIN_ACTION_MANAGED_SAVE));

  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (raw);
}

/* Issue 2's acceptance path: define, start, see `running` arrive through an
 * event, force off, delete. Statistics are off, so nothing polls. */
static void
test_lifecycle_on_qemu (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  Wait w = { conn, "vireo-it-lifecycle" };
  VireoDomain *domain;

  define_outside (uri, w.name);
  vireo_test_wait_for (listed, &w, 10, "the defined guest to be listed");
  domain = vireo_test_find_domain (conn, w.name);
  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_SHUTOFF);

  act (domain, VIREO_DOMAIN_ACTION_START);
  w.want = VIREO_DOMAIN_STATE_RUNNING;
  vireo_test_wait_for (in_state, &w, 10, "running, through an event");

  /* libvirt's own reason, mapped to a code the UI can explain. */
  {
    VireoTestAsync a = { 0 };
    g_autoptr(GError) error = NULL;

    vireo_domain_action_async (domain, VIREO_DOMAIN_ACTION_START, NULL, vireo_test_async_cb, &a);
    g_assert_false (vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 30), &error));
    g_object_unref (a.result);
    g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
    g_assert_nonnull (strstr (error->message, "already running"));
  }

  act (domain, VIREO_DOMAIN_ACTION_PAUSE);
  w.want = VIREO_DOMAIN_STATE_PAUSED;
  vireo_test_wait_for (in_state, &w, 10, "paused");
  act (domain, VIREO_DOMAIN_ACTION_RESUME);
  w.want = VIREO_DOMAIN_STATE_RUNNING;
  vireo_test_wait_for (in_state, &w, 10, "running again");

  act (domain, VIREO_DOMAIN_ACTION_DESTROY);
  w.want = VIREO_DOMAIN_STATE_SHUTOFF;
  vireo_test_wait_for (in_state, &w, 10, "shut off");

  delete_domain (domain);
  vireo_test_wait_for (not_listed, &w, 10, "the guest to leave the list");

  vireo_connection_close (conn);
}

static gboolean
has_figures (gpointer data)
{
  VireoDomain *d = vireo_test_find_domain (((Wait *) data)->conn, ((Wait *) data)->name);
  return d != NULL && vireo_domain_get_cpu_percent (d) >= 0 && vireo_domain_get_memory_kib (d) > 0;
}

/* Over TCP, the remote driver: one bulk statistics call gives real figures. */
static void
test_stats_over_tcp (void)
{
  const char *uri = require_env ("VIREO_TEST_TCP_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  Wait w = { conn, "vireo-it-stats" };
  VireoDomain *domain;

  /* A real hypervisor reports its own version beside libvirt's. */
  vireo_test_wait_for_versions (conn);
  g_assert_nonnull (strstr (vireo_connection_get_versions (conn), "QEMU"));

  define_outside (uri, w.name);
  vireo_test_wait_for (listed, &w, 10, "the defined guest to be listed over TCP");
  domain = vireo_test_find_domain (conn, w.name);
  act (domain, VIREO_DOMAIN_ACTION_START);

  vireo_connection_set_stats_interval (conn, 1);
  vireo_test_wait_for (has_figures, &w, 20, "CPU and memory figures");
  g_assert_cmpfloat (vireo_domain_get_cpu_percent (domain), <=, 100);
  g_assert_cmpuint (vireo_domain_get_memory_kib (domain), >=, 64 * 1024);
  g_assert_cmpuint (vireo_domain_get_vcpus (domain), ==, 1);

  act (domain, VIREO_DOMAIN_ACTION_DESTROY);
  w.want = VIREO_DOMAIN_STATE_SHUTOFF;
  vireo_test_wait_for (in_state, &w, 10, "shut off");
  delete_domain (domain);
  vireo_connection_close (conn);
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

static gboolean
conn_state_is (gpointer data)
{
  gpointer *pair = data;
  return vireo_connection_get_state (pair[0]) == (VireoConnectionState) GPOINTER_TO_INT (pair[1]);
}

/* The daemon dies under us: Vireo notices within seconds, keeps the list,
 * greys nothing away, and comes back by itself when the daemon returns. */
static void
test_daemon_killed_and_back (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  Wait w = { conn, "vireo-it-survivor" };
  gpointer pair[2] = { conn, GINT_TO_POINTER (VIREO_CONNECTION_STATE_DISCONNECTED) };
  VireoDomain *domain;

  define_outside (uri, w.name);
  vireo_test_wait_for (listed, &w, 10, "the survivor to be listed");
  domain = vireo_test_find_domain (conn, w.name);
  act (domain, VIREO_DOMAIN_ACTION_START);
  w.want = VIREO_DOMAIN_STATE_RUNNING;
  vireo_test_wait_for (in_state, &w, 10, "survivor running");

  testenv ("kill-daemon");
  vireo_test_wait_for (conn_state_is, pair, 15, "the connection to be marked disconnected");
  g_assert_nonnull (vireo_connection_get_error_message (conn));
  g_assert_true (vireo_test_find_domain (conn, w.name) == domain);

  testenv ("restart-daemon");
  pair[1] = GINT_TO_POINTER (VIREO_CONNECTION_STATE_CONNECTED);
  vireo_test_wait_for (conn_state_is, pair, 60, "Vireo to reconnect by itself");

  /* Same object, still running: QEMU outlived the daemon. */
  g_assert_true (vireo_test_find_domain (conn, w.name) == domain);
  g_assert_cmpint (vireo_domain_get_state (domain), ==, VIREO_DOMAIN_STATE_RUNNING);

  /* And events flow again on the new connection. */
  act (domain, VIREO_DOMAIN_ACTION_DESTROY);
  w.want = VIREO_DOMAIN_STATE_SHUTOFF;
  vireo_test_wait_for (in_state, &w, 10, "shut off after reconnect");
  delete_domain (domain);
  vireo_connection_close (conn);
}

/* Over SSH (issue 3): the same private daemon through sshd on loopback, with
 * the environment's own key and known_hosts. Cutting the SSH session must
 * read as a dropped connection that comes back by itself. */
static void
ssh_lists_and_survives_cut (const char *uri_var,
                            const char *guest)
{
  const char *uri = require_env (uri_var);
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  Wait w = { conn, guest };
  gpointer pair[2] = { conn, GINT_TO_POINTER (VIREO_CONNECTION_STATE_DISCONNECTED) };
  VireoDomain *domain;

  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  define_outside (require_env ("VIREO_TEST_URI"), guest);
  vireo_test_wait_for (listed, &w, 10, "a guest defined elsewhere, seen over SSH");
  domain = vireo_test_find_domain (conn, guest);

  testenv ("cut-ssh");
  vireo_test_wait_for (conn_state_is, pair, 15, "the cut SSH link to show as disconnected");
  g_assert_nonnull (vireo_connection_get_error_message (conn));
  g_assert_true (vireo_test_find_domain (conn, guest) == domain);

  pair[1] = GINT_TO_POINTER (VIREO_CONNECTION_STATE_CONNECTED);
  vireo_test_wait_for (conn_state_is, pair, 60, "Vireo to reconnect over SSH by itself");
  g_assert_true (vireo_test_find_domain (conn, guest) == domain);

  delete_domain (domain);
  vireo_test_wait_for (not_listed, &w, 10, "the guest to leave the list");
  vireo_connection_close (conn);
}

static void
test_ssh_openssh (void)
{
  ssh_lists_and_survives_cut ("VIREO_TEST_SSH_URI", "vireo-it-ssh");
}

static void
test_ssh_libssh2 (void)
{
  ssh_lists_and_survives_cut ("VIREO_TEST_LIBSSH2_URI", "vireo-it-libssh2");
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

  g_test_add_func ("/integration/qemu/lifecycle", test_lifecycle_on_qemu);
  g_test_add_func ("/integration/qemu/transient", test_transient_on_qemu);
  g_test_add_func ("/integration/qemu/stats-over-tcp", test_stats_over_tcp);
  g_test_add_func ("/integration/qemu/daemon-killed-and-back", test_daemon_killed_and_back);
  g_test_add_func ("/integration/ssh/openssh-cut-and-back", test_ssh_openssh);
  g_test_add_func ("/integration/ssh/libssh2-cut-and-back", test_ssh_libssh2);

  ret = g_test_run ();
  /* Workers may still be closing connections; exit only once they are done. */
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
