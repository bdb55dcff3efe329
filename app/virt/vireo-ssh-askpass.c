/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-ssh-askpass"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gunixsocketaddress.h>

#include "vireo-auth-request-private.h"
#include "vireo-secrets.h"
#include "vireo-ssh-askpass.h"
#include "vireo-worker.h"

/*
 * The Vireo end of app/vireo-askpass.c. Each question arrives on its own
 * connection to a private Unix socket and is served on a thread of a
 * GThreadedSocketService: that thread may block (reading, the keyring,
 * waiting for the user); the main thread only ever sees a VireoAuthRequest.
 */

#define MAX_MESSAGE (64 * 1024)

static GMutex                  lock;
static char                   *askpass_dir;     /* set once by init; read by workers */
static gboolean                running;         /* atomic */
static GSocketService         *service;         /* main thread */
static VireoSshAskpassHandler  handler;         /* main thread */
static gpointer                handler_data;
static GHashTable             *asked;           /* "ssh-pid\nprompt" -> "k" from keyring, "u" user; guarded by lock */

const char *
vireo_ssh_askpass_get_dir (void)
{
  return askpass_dir;
}

/**
 * vireo_ssh_askpass_find_helper:
 *
 * The vireo-askpass program: next to the running executable (a build
 * tree), else where it is installed.
 */
char *
vireo_ssh_askpass_find_helper (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *env = g_getenv ("VIREO_ASKPASS_HELPER");

  if (env != NULL && g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (env);
  if (exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (exe);
      g_autofree char *beside = g_build_filename (dir, "vireo-askpass", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  {
    g_autofree char *installed = g_build_filename (VIREO_LIBEXECDIR, "vireo-askpass", NULL);

    if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
      return g_steal_pointer (&installed);
  }
  return NULL;
}

/**
 * vireo_ssh_askpass_amend_uri:
 *
 * For an OpenSSH transport URI without a `command=` of its own, the same URI
 * running ssh through Vireo's helper, so that ssh's questions reach the
 * user. Any other URI comes back unchanged. Any thread.
 */
char *
vireo_ssh_askpass_amend_uri (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *command = NULL;
  g_autofree char *escaped = NULL;
  const char *scheme;
  const char *query;

  if (!g_atomic_int_get (&running) || uri == NULL)
    return g_strdup (uri);

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  if (parsed == NULL)
    return g_strdup (uri);
  scheme = g_uri_get_scheme (parsed);
  if (!g_str_has_suffix (scheme, "+ssh"))
    return g_strdup (uri);

  query = g_uri_get_query (parsed);
  if (query != NULL)
    {
      params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
      if (params == NULL || g_hash_table_contains (params, "command"))
        return g_strdup (uri);
    }

  command = g_build_filename (askpass_dir, "ssh", NULL);
  escaped = g_uri_escape_string (command, "/", FALSE);
  return g_strdup_printf ("%s%scommand=%s", uri, query != NULL ? "&" : "?", escaped);
}

/* ------------------------------------------------------------------------ */
/* One question, on a service thread                                         */

static char *
read_block (GInputStream  *in,
            gsize         *len_out,
            GError       **error)
{
  guint32 len;
  gsize got;
  g_autofree char *data = NULL;

  if (!g_input_stream_read_all (in, &len, sizeof len, &got, NULL, error))
    return NULL;
  if (got != sizeof len || len > MAX_MESSAGE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad askpass message");
      return NULL;
    }
  data = g_malloc (len + 1);
  if (!g_input_stream_read_all (in, data, len, &got, NULL, error))
    return NULL;
  if (got != len)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "short askpass message");
      return NULL;
    }
  data[len] = '\0';
  if (len_out != NULL)
    *len_out = len;
  return g_steal_pointer (&data);
}

typedef struct
{
  char *user;
  char *host;
  char *port;
} Peer;

static void
peer_clear (Peer *peer)
{
  g_clear_pointer (&peer->user, g_free);
  g_clear_pointer (&peer->host, g_free);
  g_clear_pointer (&peer->port, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Peer, peer_clear)

/* libvirt runs `ssh [-p PORT] [-l USER] [options] -- HOST sh -c …`. */
static void
parse_ssh_cmdline (const char *cmdline,
                   gsize       len,
                   Peer       *peer)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  for (gsize i = 0; i < len; i += strlen (cmdline + i) + 1)
    g_ptr_array_add (argv, (gpointer) (cmdline + i));

  for (guint i = 1; i < argv->len; i++)
    {
      const char *arg = g_ptr_array_index (argv, i);
      const char *next = i + 1 < argv->len ? g_ptr_array_index (argv, i + 1) : NULL;

      if (g_str_equal (arg, "-p") && next != NULL && peer->port == NULL)
        peer->port = g_strdup (next);
      else if (g_str_equal (arg, "-l") && next != NULL && peer->user == NULL)
        peer->user = g_strdup (next);
      else if (g_str_equal (arg, "--") && next != NULL)
        {
          const char *at = strrchr (next, '@');

          if (at != NULL && peer->user == NULL)
            peer->user = g_strndup (next, at - next);
          peer->host = g_strdup (at != NULL ? at + 1 : next);
          break;
        }
    }
}

static char *
between (const char *text,
         const char *start,
         const char *end)
{
  const char *s = strstr (text, start);
  const char *e;

  if (s == NULL)
    return NULL;
  s += strlen (start);
  e = strstr (s, end);
  return e != NULL ? g_strndup (s, e - s) : NULL;
}

static VireoAuthRequest *
request_for_prompt (const char *prompt,
                    const Peer *peer,
                    const char *keyring_uri,
                    gboolean    retry,
                    gboolean    refused_saved,
                    gboolean    can_remember)
{
  VireoAuthRequest *request;

  /* OpenSSH: "The authenticity of host 'h (1.2.3.4)' can't be established.
   * ED25519 key fingerprint is SHA256:….\n…(yes/no/[fingerprint])?" */
  if (strstr (prompt, "authenticity of host") != NULL || strstr (prompt, "(yes/no") != NULL)
    {
      g_autofree char *host = between (prompt, "authenticity of host '", "'");
      g_autofree char *fingerprint = between (prompt, "key fingerprint is ", "\n");

      if (fingerprint != NULL && g_str_has_suffix (fingerprint, "."))
        fingerprint[strlen (fingerprint) - 1] = '\0';
      request = _vireo_auth_request_new (VIREO_AUTH_REQUEST_HOST_KEY, keyring_uri, 0);
      _vireo_auth_request_set_host_key (request, host, fingerprint);
      _vireo_auth_request_set_title (request, _("Unknown Host Key"));
      _vireo_auth_request_set_message (request, prompt);
      return request;
    }

  request = _vireo_auth_request_new (VIREO_AUTH_REQUEST_CREDENTIALS, keyring_uri, 0);
  {
    g_autofree char *label = g_strstrip (g_strdup (prompt));

    if (g_str_has_suffix (label, ":"))
      label[strlen (label) - 1] = '\0';
    _vireo_auth_request_add_field (request, VIREO_AUTH_FIELD_PASSWORD, label, NULL);
  }
  _vireo_auth_request_set_title (request, _("Authentication Required"));
  _vireo_auth_request_set_retry (request, retry);
  _vireo_auth_request_set_can_remember (request, can_remember);
  if (refused_saved)
    _vireo_auth_request_set_message (request, _("The saved password was not accepted."));
  else if (retry)
    _vireo_auth_request_set_message (request, _("The password was not accepted. Try again."));
  return request;
}

typedef struct
{
  VireoAuthRequest *request;
  Peer              peer;
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *d = data;

  g_object_unref (d->request);
  peer_clear (&d->peer);
  g_free (d);
}

static gboolean
deliver (gpointer data)
{
  Delivery *d = data;
  gboolean handled = FALSE;

  g_assert (vireo_is_main_thread ());

  if (handler != NULL)
    handled = handler (d->request, d->peer.user, d->peer.host, d->peer.port, handler_data);
  if (!handled)
    vireo_auth_request_cancel (d->request);
  return G_SOURCE_REMOVE;
}

static gboolean
reply (GOutputStream *out,
       const char    *answer)
{
  char status = answer != NULL ? '+' : '-';
  guint32 len = answer != NULL ? (guint32) strlen (answer) : 0;

  if (!g_output_stream_write_all (out, &status, 1, NULL, NULL, NULL))
    return FALSE;
  if (answer == NULL)
    return TRUE;
  return g_output_stream_write_all (out, &len, sizeof len, NULL, NULL, NULL)
         && g_output_stream_write_all (out, answer, len, NULL, NULL, NULL);
}

static gboolean
on_run (GThreadedSocketService *svc,
        GSocketConnection      *connection,
        GObject                *source_object,
        gpointer                user_data)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoAuthRequest) request = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *cmdline = NULL;
  g_autofree char *ssh_pid = NULL;
  g_autofree char *key = NULL;
  g_autofree char *keyring_uri = NULL;
  g_autofree char *saved = NULL;
  g_auto(GStrv) answers = NULL;
  g_auto(Peer) peer = { 0 };
  const char *before;
  gboolean remember = FALSE;
  gboolean is_host_key;
  gsize cmdline_len = 0;
  Delivery *d;

  /* The directory is private already; this makes sure of the peer too. */
  creds = g_socket_get_credentials (socket, &error);
  if (creds == NULL || g_credentials_get_unix_user (creds, NULL) != getuid ())
    {
      g_warning ("Refusing an askpass client that is not this user: %s",
                 error != NULL ? error->message : "different uid");
      return TRUE;
    }

  if ((prompt = read_block (in, NULL, &error)) == NULL
      || (cmdline = read_block (in, &cmdline_len, &error)) == NULL
      || (ssh_pid = read_block (in, NULL, &error)) == NULL)
    {
      g_debug ("Bad askpass request: %s", error->message);
      return TRUE;
    }

  parse_ssh_cmdline (cmdline, cmdline_len, &peer);
  keyring_uri = g_strdup_printf ("ssh://%s%s%s%s%s", peer.user ? peer.user : "", peer.user ? "@" : "",
                                 peer.host ? peer.host : "", peer.port ? ":" : "", peer.port ? peer.port : "");
  key = g_strdup_printf ("%s\n%s", ssh_pid, prompt);
  is_host_key = strstr (prompt, "authenticity of host") != NULL || strstr (prompt, "(yes/no") != NULL;

  g_mutex_lock (&lock);
  before = asked != NULL ? g_hash_table_lookup (asked, key) : NULL;
  g_mutex_unlock (&lock);

  if (!is_host_key)
    {
      if (before == NULL)
        {
          /* First time this ssh asks: the keyring may know. */
          saved = vireo_secrets_lookup (keyring_uri, prompt, NULL);
          if (saved != NULL)
            {
              g_mutex_lock (&lock);
              g_hash_table_insert (asked, g_strdup (key), (gpointer) "k");
              g_mutex_unlock (&lock);
              reply (out, saved);
              memset (saved, 0, strlen (saved));
              return TRUE;
            }
        }
      else
        /* Asked again by the same ssh: the last answer was refused. Never
         * keep a refused password. */
        vireo_secrets_clear (keyring_uri, prompt, NULL);
    }

  request = request_for_prompt (prompt, &peer, keyring_uri, before != NULL,
                                before != NULL && g_str_equal (before, "k"),
                                !is_host_key && vireo_secrets_available ());

  d = g_new0 (Delivery, 1);
  d->request = g_object_ref (request);
  d->peer.user = g_strdup (peer.user);
  d->peer.host = g_strdup (peer.host);
  d->peer.port = g_strdup (peer.port);
  vireo_main_invoke (deliver, d, delivery_free, G_PRIORITY_DEFAULT);

  if (!_vireo_auth_request_wait (request, &answers, &remember))
    {
      reply (out, NULL);
      return TRUE;
    }

  g_mutex_lock (&lock);
  g_hash_table_insert (asked, g_strdup (key), (gpointer) "u");
  g_mutex_unlock (&lock);

  if (is_host_key)
    reply (out, g_str_equal (answers[0], "y") ? "yes" : "no");
  else
    {
      /* ssh never says whether the password worked; it asks again if not,
       * and that clears it (above). */
      if (remember)
        {
          /* Translators: the keyring's label; %s is user@host */
          g_autofree char *label = g_strdup_printf (_("Vireo: SSH password for %s"), keyring_uri + 6);
          g_autoptr(GError) store_error = NULL;

          if (!vireo_secrets_store (keyring_uri, prompt, label, answers[0], &store_error))
            g_warning ("Could not save the password in the keyring: %s", store_error->message);
        }
      reply (out, answers[0]);
      memset (answers[0], 0, strlen (answers[0]));
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Set-up                                                                    */

/**
 * vireo_ssh_askpass_init:
 * @helper: the vireo-askpass program
 * @ssh_program: (nullable): the ssh to run; "ssh" from PATH by default
 *
 * Main thread, once, before any connection opens.
 */
gboolean
vireo_ssh_askpass_init (const char  *helper,
                        const char  *ssh_program,
                        GError     **error)
{
  g_autofree char *tmpl = NULL;
  g_autofree char *ssh_link = NULL;
  g_autofree char *askpass_link = NULL;
  g_autofree char *program_file = NULL;
  g_autofree char *sock_path = NULL;
  g_autofree char *program_line = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  char *dir;

  g_return_val_if_fail (vireo_is_main_thread (), FALSE);
  g_return_val_if_fail (helper != NULL && g_path_is_absolute (helper), FALSE);

  if (askpass_dir != NULL)
    return TRUE;

  tmpl = g_build_filename (g_get_user_runtime_dir (), "vireo-ssh-XXXXXX", NULL);
  /* sun_path holds 108 bytes: a deep runtime dir would not fit. */
  if (strlen (tmpl) + strlen ("/askpass.sock") >= 100)
    {
      g_free (tmpl);
      tmpl = g_build_filename (g_get_tmp_dir (), "vireo-ssh-XXXXXX", NULL);
    }
  dir = g_mkdtemp_full (tmpl, 0700);
  if (dir == NULL)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create %s: %s", tmpl, g_strerror (saved_errno));
      return FALSE;
    }

  ssh_link = g_build_filename (dir, "ssh", NULL);
  askpass_link = g_build_filename (dir, "askpass", NULL);
  program_file = g_build_filename (dir, "ssh-program", NULL);
  sock_path = g_build_filename (dir, "askpass.sock", NULL);
  program_line = g_strdup_printf ("%s\n", ssh_program != NULL ? ssh_program : "ssh");

  if (symlink (helper, ssh_link) < 0 || symlink (helper, askpass_link) < 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not link the SSH helper: %s", g_strerror (saved_errno));
      return FALSE;
    }
  if (!g_file_set_contents_full (program_file, program_line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;

  service = g_threaded_socket_service_new (4);
  address = g_unix_socket_address_new (sock_path);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL, error))
    {
      g_clear_object (&service);
      return FALSE;
    }
  g_signal_connect (service, "run", G_CALLBACK (on_run), NULL);
  g_socket_service_start (service);

  g_mutex_lock (&lock);
  asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_unlock (&lock);
  /* g_mkdtemp_full() fills in and returns the template itself. */
  askpass_dir = g_strdup (dir);
  g_atomic_int_set (&running, TRUE);
  return TRUE;
}

void
vireo_ssh_askpass_set_handler (VireoSshAskpassHandler handler_func,
                               gpointer               data)
{
  g_return_if_fail (vireo_is_main_thread ());

  handler = handler_func;
  handler_data = data;
}

void
vireo_ssh_askpass_unset_handler (gpointer data)
{
  g_return_if_fail (vireo_is_main_thread ());

  if (handler_data == data)
    {
      handler = NULL;
      handler_data = NULL;
    }
}

/**
 * vireo_ssh_askpass_shutdown:
 *
 * Stops listening and removes the private directory. Questions still
 * being served end with "cancelled" as their ssh goes away.
 */
void
vireo_ssh_askpass_shutdown (void)
{
  const char *names[] = { "ssh", "askpass", "ssh-program", "askpass.sock" };

  g_return_if_fail (vireo_is_main_thread ());

  g_atomic_int_set (&running, FALSE);
  if (service != NULL)
    {
      g_socket_service_stop (service);
      g_socket_listener_close (G_SOCKET_LISTENER (service));
      g_clear_object (&service);
    }
  if (askpass_dir != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *path = g_build_filename (askpass_dir, names[i], NULL);
          g_unlink (path);
        }
      g_rmdir (askpass_dir);
    }
  /* askpass_dir itself stays: URIs amended with it may still be in use
   * by connections closing down, and it is a few bytes. */
}
