/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Authentication against the real thing: the private sshd of
 * vireo-testenv.sh with a password-only account, libvirt's libssh2
 * transport asking through the credential callback, and a private
 * gnome-keyring (vireo-keyring-run.sh) for "Remember".
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vireo-secrets.h"
#include "vireo-ssh-askpass.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through vireo-testenv.sh run -- vireo-keyring-run.sh", name);
  return value;
}

/* Plays the user: answers each question from a script, after a delay. */
typedef struct
{
  GPtrArray  *requests;      /* VireoAuthRequest, in the order asked */
  const char *const *script; /* answers to password prompts, in order */
  guint       next;
  gboolean    remember;
  gboolean    accept_host_key;
  guint       delay_ms;
} User;

static void
user_clear (User *user)
{
  g_clear_pointer (&user->requests, g_ptr_array_unref);
}

typedef struct
{
  User             *user;
  VireoAuthRequest *request;
} Answer;

static gboolean
answer_now (gpointer data)
{
  Answer *a = data;
  User *user = a->user;
  VireoAuthRequest *request = a->request;

  if (vireo_auth_request_get_kind (request) == VIREO_AUTH_REQUEST_HOST_KEY)
    vireo_auth_request_accept_host_key (request, user->accept_host_key);
  else if (user->script == NULL || user->script[user->next] == NULL)
    vireo_auth_request_cancel (request);
  else
    {
      const char *answers[] = { user->script[user->next++], NULL };

      g_assert_cmpuint (vireo_auth_request_get_n_fields (request), ==, 1);
      vireo_auth_request_respond (request, answers, user->remember);
    }
  g_object_unref (request);
  g_free (a);
  return G_SOURCE_REMOVE;
}

static gboolean
on_authenticate (VireoConnection  *conn,
                 VireoAuthRequest *request,
                 User             *user)
{
  Answer *a = g_new0 (Answer, 1);

  g_assert_true (vireo_is_main_thread ());
  g_assert_true (vireo_connection_get_pending_auth (conn) == request);
  g_ptr_array_add (user->requests, g_object_ref (request));
  a->user = user;
  a->request = g_object_ref (request);
  /* Answer later, as a person would: the worker must simply wait. */
  g_timeout_add (user->delay_ms, answer_now, a);
  return TRUE;
}

static char *
password_uri (void)
{
  return g_strdup (require_env ("VIREO_TEST_LIBSSH2_PASSWORD_URI"));
}

/* The URI with its own, initially empty known_hosts: the host key is
 * unknown to it. */
static char *
unknown_host_uri (const char *known_hosts)
{
  return g_strdup_printf ("qemu+libssh2://%s@127.0.0.1:%s/system?known_hosts=%s&sshauth=password",
                          require_env ("VIREO_TEST_SSH_PASSWORD_USER"),
                          require_env ("VIREO_TEST_SSH_PORT"), known_hosts);
}

typedef struct
{
  const char *uri;
  const char *prompt;
  const char *secret;   /* store this; NULL: clear */
  char       *found;    /* lookup result */
  gboolean    lookup;
} KeyringJob;

/* libsecret's sync calls are for workers only (they block on D-Bus). */
static gpointer
keyring_thread (gpointer data)
{
  KeyringJob *job = data;
  g_autoptr(GError) error = NULL;

  if (job->lookup)
    job->found = vireo_secrets_lookup (job->uri, job->prompt, &error);
  else if (job->secret != NULL)
    vireo_secrets_store (job->uri, job->prompt, "vireo test", job->secret, &error);
  else
    vireo_secrets_clear (job->uri, job->prompt, &error);
  g_assert_no_error (error);
  return NULL;
}

static void
keyring_run (KeyringJob *job)
{
  g_thread_join (g_thread_new ("keyring", keyring_thread, job));
}

static char *
password_prompt (void)
{
  /* What libvirt 9.0's libssh2 transport asks, verbatim. */
  return g_strdup_printf ("Enter %s's password for 127.0.0.1", require_env ("VIREO_TEST_SSH_PASSWORD_USER"));
}

static void
forget_saved_password (const char *uri)
{
  g_autofree char *prompt = password_prompt ();
  KeyringJob job = { .uri = uri, .prompt = prompt };

  keyring_run (&job);
}

static char *
saved_password (const char *uri)
{
  g_autofree char *prompt = password_prompt ();
  KeyringJob job = { .uri = uri, .prompt = prompt, .lookup = TRUE };

  keyring_run (&job);
  return job.found;
}

/* Opens @uri answering as @user does; returns the connection, sets @error
 * when the open fails. */
static VireoConnection *
open_as (const char  *uri,
         User        *user,
         GError     **error)
{
  VireoConnection *conn = vireo_connection_new (uri);
  VireoTestAsync a = { 0 };

  vireo_connection_set_stats_interval (conn, 0);
  if (user != NULL)
    g_signal_connect (conn, "authenticate", G_CALLBACK (on_authenticate), user);
  vireo_connection_open_async (conn, NULL, vireo_test_async_cb, &a);
  vireo_connection_open_finish (conn, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return conn;
}

static void
test_wrong_then_right_remembered (void)
{
  g_autofree char *uri = password_uri ();
  g_autofree char *prompt = password_prompt ();
  g_autofree char *saved = NULL;
  const char *script[] = { "not-the-password", require_env ("VIREO_TEST_SSH_PASSWORD"), NULL };
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref), .script = script,
                .remember = TRUE, .delay_ms = 50 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  VireoAuthRequest *first, *second;

  forget_saved_password (uri);
  conn = open_as (uri, &user, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  g_assert_null (vireo_connection_get_pending_auth (conn));

  /* Asked twice: the second time says the first answer was refused. */
  g_assert_cmpuint (user.requests->len, ==, 2);
  first = g_ptr_array_index (user.requests, 0);
  second = g_ptr_array_index (user.requests, 1);
  g_assert_cmpint (vireo_auth_request_get_kind (first), ==, VIREO_AUTH_REQUEST_CREDENTIALS);
  g_assert_cmpint (vireo_auth_request_get_field_kind (first, 0), ==, VIREO_AUTH_FIELD_PASSWORD);
  g_assert_cmpstr (vireo_auth_request_get_field_label (first, 0), ==, prompt);
  g_assert_true (vireo_auth_request_get_can_remember (first));
  g_assert_false (vireo_auth_request_get_retry (first));
  g_assert_null (vireo_auth_request_get_message (first));
  g_assert_true (vireo_auth_request_get_retry (second));
  g_assert_nonnull (strstr (vireo_auth_request_get_message (second), "not accepted"));

  /* Remembered in the keyring: the right one, not the first try. */
  saved = saved_password (uri);
  g_assert_cmpstr (saved, ==, require_env ("VIREO_TEST_SSH_PASSWORD"));
  user_clear (&user);
}

static void
test_keyring_answers_next_time (void)
{
  g_autofree char *uri = password_uri ();
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref), .delay_ms = 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;

  /* Left there by the previous test; make this one stand alone too. */
  {
    g_autofree char *prompt = password_prompt ();
    KeyringJob job = { .uri = uri, .prompt = prompt, .secret = require_env ("VIREO_TEST_SSH_PASSWORD") };
    keyring_run (&job);
  }

  conn = open_as (uri, &user, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (user.requests->len, ==, 0);
  user_clear (&user);
}

static void
test_refused_saved_password_asks_again (void)
{
  g_autofree char *uri = password_uri ();
  g_autofree char *prompt = password_prompt ();
  g_autofree char *saved = NULL;
  const char *script[] = { require_env ("VIREO_TEST_SSH_PASSWORD"), NULL };
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref), .script = script,
                .remember = FALSE, .delay_ms = 20 };
  KeyringJob job = { .uri = uri, .prompt = prompt, .secret = "an-old-password" };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  VireoAuthRequest *request;

  keyring_run (&job);
  conn = open_as (uri, &user, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);

  g_assert_cmpuint (user.requests->len, ==, 1);
  request = g_ptr_array_index (user.requests, 0);
  g_assert_true (vireo_auth_request_get_retry (request));
  g_assert_nonnull (strstr (vireo_auth_request_get_message (request), "saved password"));

  /* The wrong saved one is gone, and the new one was not kept. */
  saved = saved_password (uri);
  g_assert_null (saved);
  user_clear (&user);
}

static void
test_cancel (void)
{
  g_autofree char *uri = password_uri ();
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref), .delay_ms = 20 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;

  forget_saved_password (uri);
  conn = open_as (uri, &user, &error);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "cancelled"));
  g_assert_cmpuint (user.requests->len, ==, 1);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);
  g_assert_nonnull (strstr (vireo_connection_get_error_message (conn), "cancelled"));
  user_clear (&user);
}

static void
test_nobody_to_ask (void)
{
  g_autofree char *uri = password_uri ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;

  /* No handler (say, a connection opened before any window exists): the
   * question is cancelled at once instead of hanging the attempt. */
  forget_saved_password (uri);
  conn = open_as (uri, NULL, &error);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_AUTH_FAILED);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);
}

static void
test_wrong_password_gives_up (void)
{
  g_autofree char *uri = password_uri ();
  const char *script[] = { "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9", "w10", NULL };
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref), .script = script,
                .remember = TRUE, .delay_ms = 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  g_autofree char *saved = NULL;
  const char *hint;

  forget_saved_password (uri);
  conn = open_as (uri, &user, &error);

  /* libvirt gives up after a few tries, with its own message, which
   * Vireo keeps, and a hint of its own. */
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "authentication failed"));
  g_assert_cmpuint (user.requests->len, >=, 2);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);
  hint = vireo_virt_connect_hint (uri, vireo_connection_get_error_message (conn));
  g_assert_nonnull (hint);
  g_assert_nonnull (strstr (hint, "password"));

  /* A refused password is never remembered. */
  saved = saved_password (uri);
  g_assert_null (saved);
  user_clear (&user);
}

static char *
empty_known_hosts (void)
{
  g_autofree char *path = g_build_filename (require_env ("VIREO_TEST_STATE"), "empty-known-hosts", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "", 0, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
test_unknown_host_key_refused (void)
{
  g_autofree char *known_hosts = empty_known_hosts ();
  g_autofree char *uri = unknown_host_uri (known_hosts);
  g_autofree char *after = NULL;
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref),
                .accept_host_key = FALSE, .delay_ms = 20 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  VireoAuthRequest *request;
  g_autofree char *want_host = g_strdup_printf ("127.0.0.1:%s", require_env ("VIREO_TEST_SSH_PORT"));

  conn = open_as (uri, &user, &error);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "not accepted"));
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);

  /* The question was a host-key decision with the real fingerprint. */
  g_assert_cmpuint (user.requests->len, ==, 1);
  request = g_ptr_array_index (user.requests, 0);
  g_assert_cmpint (vireo_auth_request_get_kind (request), ==, VIREO_AUTH_REQUEST_HOST_KEY);
  g_assert_cmpstr (vireo_auth_request_get_fingerprint (request), ==,
                   require_env ("VIREO_TEST_SSH_HOST_FINGERPRINT_MD5"));
  g_assert_cmpstr (vireo_auth_request_get_host (request), ==, want_host);

  /* Refused: nothing written. */
  g_file_get_contents (known_hosts, &after, NULL, NULL);
  g_assert_cmpstr (after, ==, "");
  user_clear (&user);
}

static void
test_unknown_host_key_accepted (void)
{
  g_autofree char *known_hosts = empty_known_hosts ();
  g_autofree char *uri = unknown_host_uri (known_hosts);
  g_autofree char *after = NULL;
  g_autofree char *want_entry = g_strdup_printf ("[127.0.0.1]:%s ", require_env ("VIREO_TEST_SSH_PORT"));
  const char *script[] = { require_env ("VIREO_TEST_SSH_PASSWORD"), NULL };
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref), .script = script,
                .accept_host_key = TRUE, .delay_ms = 20 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;

  forget_saved_password (uri);
  conn = open_as (uri, &user, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (user.requests->len, ==, 2);
  g_assert_cmpint (vireo_auth_request_get_kind (g_ptr_array_index (user.requests, 0)), ==,
                   VIREO_AUTH_REQUEST_HOST_KEY);
  g_assert_cmpint (vireo_auth_request_get_kind (g_ptr_array_index (user.requests, 1)), ==,
                   VIREO_AUTH_REQUEST_CREDENTIALS);

  /* Accepted: the transport recorded the key, so the next time is quiet. */
  g_file_get_contents (known_hosts, &after, NULL, NULL);
  g_assert_true (g_str_has_prefix (after, want_entry));
  user_clear (&user);
}

static void
test_prompt_pauses_timeout (void)
{
  g_autofree char *uri = password_uri ();
  const char *script[] = { require_env ("VIREO_TEST_SSH_PASSWORD"), NULL };
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref), .script = script,
                .delay_ms = 2500 };
  g_autoptr(VireoConnection) conn = vireo_connection_new (uri);
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  forget_saved_password (uri);
  /* The user takes longer than the timeout to type; that is not the
   * host's fault and must not fail the attempt. */
  vireo_connection_set_connect_timeout (conn, 1);
  vireo_connection_set_stats_interval (conn, 0);
  g_signal_connect (conn, "authenticate", G_CALLBACK (on_authenticate), &user);
  vireo_connection_open_async (conn, NULL, vireo_test_async_cb, &a);
  vireo_connection_open_finish (conn, vireo_test_async_wait (&a, 60), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (user.requests->len, ==, 1);
  user_clear (&user);
}

static void
test_close_while_asking (void)
{
  g_autofree char *uri = password_uri ();
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref), .delay_ms = 60000 };
  g_autoptr(VireoConnection) conn = vireo_connection_new (uri);
  VireoAuthRequest *request;
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  forget_saved_password (uri);
  vireo_connection_set_stats_interval (conn, 0);
  g_signal_connect (conn, "authenticate", G_CALLBACK (on_authenticate), &user);
  vireo_connection_open_async (conn, NULL, vireo_test_async_cb, &a);
  while (user.requests->len == 0)
    g_main_context_iteration (NULL, TRUE);
  request = g_ptr_array_index (user.requests, 0);

  /* Cancel from the sidebar while the dialog is up: the question ends
   * (so the dialog closes) and the worker is released. */
  vireo_connection_close (conn);
  g_assert_true (vireo_auth_request_get_finished (request));
  g_assert_null (vireo_connection_get_pending_auth (conn));
  vireo_connection_open_finish (conn, vireo_test_async_wait (&a, 10), &error);
  g_object_unref (a.result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);
  user_clear (&user);
}

/* ------------------------------------------------------------------------ */
/* OpenSSH (qemu+ssh): questions come through the askpass helper            */

static VireoConnectionManager *manager;

/* As the app does it: ssh's questions find their connection through the
 * manager, by the user, host and port ssh was run with. */
static VireoConnection *
open_managed (const char  *uri,
              User        *user,
              GError     **error)
{
  VireoConnection *conn = g_object_ref (vireo_connection_manager_add (manager, uri));
  VireoTestAsync a = { 0 };

  vireo_connection_set_stats_interval (conn, 0);
  g_signal_connect (conn, "authenticate", G_CALLBACK (on_authenticate), user);
  vireo_connection_open_async (conn, NULL, vireo_test_async_cb, &a);
  vireo_connection_open_finish (conn, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  g_signal_handlers_disconnect_by_func (conn, on_authenticate, user);
  vireo_connection_manager_remove (manager, conn);
  return conn;
}

static char *
openssh_uri (void)
{
  /* No command= of its own: Vireo runs ssh through its helper. */
  return g_strdup_printf ("qemu+ssh://%s@127.0.0.1:%s/system",
                          require_env ("VIREO_TEST_SSH_PASSWORD_USER"), require_env ("VIREO_TEST_SSH_PORT"));
}

static char *
openssh_keyring_uri (void)
{
  return g_strdup_printf ("ssh://%s@127.0.0.1:%s",
                          require_env ("VIREO_TEST_SSH_PASSWORD_USER"), require_env ("VIREO_TEST_SSH_PORT"));
}

static char *
openssh_prompt (void)
{
  return g_strdup_printf ("%s@127.0.0.1's password: ", require_env ("VIREO_TEST_SSH_PASSWORD_USER"));
}

/* Which ssh the helper runs; tests switch between the environment's
 * (host key known) and one with an empty known_hosts. */
static void
use_ssh_program (const char *program)
{
  g_autofree char *path = g_build_filename (vireo_ssh_askpass_get_dir (), "ssh-program", NULL);
  g_autofree char *line = g_strdup_printf ("%s\n", program);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, line, -1, &error);
  g_assert_no_error (error);
}

static void
test_openssh_password (void)
{
  g_autofree char *uri = openssh_uri ();
  g_autofree char *keyring_uri = openssh_keyring_uri ();
  g_autofree char *prompt = openssh_prompt ();
  g_autofree char *saved = NULL;
  const char *script[] = { "not-the-password", require_env ("VIREO_TEST_SSH_PASSWORD"), NULL };
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref), .script = script,
                .remember = TRUE, .delay_ms = 50 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  KeyringJob forget = { .uri = keyring_uri, .prompt = prompt };
  KeyringJob lookup = { .uri = keyring_uri, .prompt = prompt, .lookup = TRUE };
  VireoAuthRequest *second;

  use_ssh_program (require_env ("VIREO_TEST_SSH_COMMAND"));
  keyring_run (&forget);
  conn = open_managed (uri, &user, &error);
  g_assert_no_error (error);

  /* ssh asked twice through the helper, reached the right connection
   * (its handler saw it) and said the first answer was refused. */
  g_assert_cmpuint (user.requests->len, ==, 2);
  g_assert_nonnull (strstr (vireo_auth_request_get_field_label (g_ptr_array_index (user.requests, 0), 0),
                            "'s password"));
  second = g_ptr_array_index (user.requests, 1);
  g_assert_true (vireo_auth_request_get_retry (second));

  /* Only the password that worked is kept. */
  keyring_run (&lookup);
  g_assert_cmpstr (lookup.found, ==, require_env ("VIREO_TEST_SSH_PASSWORD"));
  g_free (lookup.found);
  user_clear (&user);
}

static void
test_openssh_keyring_answers (void)
{
  g_autofree char *uri = openssh_uri ();
  g_autofree char *keyring_uri = openssh_keyring_uri ();
  g_autofree char *prompt = openssh_prompt ();
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref), .delay_ms = 0 };
  KeyringJob store = { .uri = keyring_uri, .prompt = prompt, .secret = require_env ("VIREO_TEST_SSH_PASSWORD") };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;

  use_ssh_program (require_env ("VIREO_TEST_SSH_COMMAND"));
  keyring_run (&store);
  conn = open_managed (uri, &user, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (user.requests->len, ==, 0);
  user_clear (&user);
}

static char *
ssh_with_empty_known_hosts (char **known_hosts_out)
{
  g_autofree char *known_hosts = g_build_filename (require_env ("VIREO_TEST_STATE"), "openssh-known-hosts", NULL);
  g_autofree char *script_path = g_build_filename (require_env ("VIREO_TEST_STATE"), "ssh-ask-host-key", NULL);
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (known_hosts, "", 0, &error);
  g_assert_no_error (error);
  /* Like the environment's wrapper, but this host key is unknown and ssh
   * must ask about it. */
  script = g_strdup_printf ("#!/bin/sh\n"
                            "exec /usr/bin/ssh -F /dev/null -o UserKnownHostsFile=%s "
                            "-o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=ask "
                            "-o UpdateHostKeys=no -o CheckHostIP=no -o IdentityAgent=none "
                            "-o IdentitiesOnly=yes -o ControlMaster=no -o ControlPath=none "
                            "-o ConnectTimeout=20 \"$@\"\n", known_hosts);
  g_file_set_contents (script_path, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script_path, 0700), ==, 0);
  *known_hosts_out = g_steal_pointer (&known_hosts);
  return g_steal_pointer (&script_path);
}

static void
test_openssh_unknown_host_key (gconstpointer data)
{
  gboolean accept = GPOINTER_TO_INT (data);
  g_autofree char *uri = openssh_uri ();
  g_autofree char *known_hosts = NULL;
  g_autofree char *ssh = ssh_with_empty_known_hosts (&known_hosts);
  g_autofree char *keyring_uri = openssh_keyring_uri ();
  g_autofree char *prompt = openssh_prompt ();
  g_autofree char *after = NULL;
  g_autofree char *want_entry = g_strdup_printf ("[127.0.0.1]:%s ", require_env ("VIREO_TEST_SSH_PORT"));
  KeyringJob store = { .uri = keyring_uri, .prompt = prompt, .secret = require_env ("VIREO_TEST_SSH_PASSWORD") };
  User user = { .requests = g_ptr_array_new_with_free_func (g_object_unref),
                .accept_host_key = accept, .delay_ms = 20 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  VireoAuthRequest *request;

  use_ssh_program (ssh);
  keyring_run (&store);
  conn = open_managed (uri, &user, &error);

  g_assert_cmpuint (user.requests->len, ==, 1);
  request = g_ptr_array_index (user.requests, 0);
  g_assert_cmpint (vireo_auth_request_get_kind (request), ==, VIREO_AUTH_REQUEST_HOST_KEY);
  /* OpenSSH's own SHA256 fingerprint, as ssh-keygen -l shows it. */
  g_assert_cmpstr (vireo_auth_request_get_fingerprint (request), ==,
                   require_env ("VIREO_TEST_SSH_HOST_FINGERPRINT"));
  g_file_get_contents (known_hosts, &after, NULL, NULL);

  if (accept)
    {
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (after, want_entry));
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "Host key verification failed"));
      g_assert_cmpstr (after, ==, "");
    }
  use_ssh_program (require_env ("VIREO_TEST_SSH_COMMAND"));
  user_clear (&user);
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
  {
    g_autoptr(GError) error = NULL;

    vireo_ssh_askpass_init (require_env ("VIREO_ASKPASS_HELPER"), require_env ("VIREO_TEST_SSH_COMMAND"), &error);
    g_assert_no_error (error);
  }
  manager = vireo_connection_manager_new ();

  g_test_add_func ("/auth-remote/password/wrong-then-right-remembered", test_wrong_then_right_remembered);
  g_test_add_func ("/auth-remote/password/keyring-answers-next-time", test_keyring_answers_next_time);
  g_test_add_func ("/auth-remote/password/refused-saved-password-asks-again", test_refused_saved_password_asks_again);
  g_test_add_func ("/auth-remote/password/cancel", test_cancel);
  g_test_add_func ("/auth-remote/password/nobody-to-ask", test_nobody_to_ask);
  g_test_add_func ("/auth-remote/password/wrong-password-gives-up", test_wrong_password_gives_up);
  g_test_add_func ("/auth-remote/password/prompt-pauses-timeout", test_prompt_pauses_timeout);
  g_test_add_func ("/auth-remote/password/close-while-asking", test_close_while_asking);
  g_test_add_func ("/auth-remote/host-key/unknown-refused", test_unknown_host_key_refused);
  g_test_add_func ("/auth-remote/host-key/unknown-accepted", test_unknown_host_key_accepted);
  g_test_add_func ("/auth-remote/openssh/password-through-askpass", test_openssh_password);
  g_test_add_func ("/auth-remote/openssh/keyring-answers", test_openssh_keyring_answers);
  g_test_add_data_func ("/auth-remote/openssh/unknown-host-key-refused", GINT_TO_POINTER (FALSE),
                        test_openssh_unknown_host_key);
  g_test_add_data_func ("/auth-remote/openssh/unknown-host-key-accepted", GINT_TO_POINTER (TRUE),
                        test_openssh_unknown_host_key);

  ret = g_test_run ();
  g_clear_object (&manager);
  vireo_ssh_askpass_shutdown ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
