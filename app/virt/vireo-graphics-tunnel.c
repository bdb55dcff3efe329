/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-graphics-tunnel"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "vireo-graphics-tunnel.h"
#include "vireo-ssh-askpass.h"
#include "vireo-worker.h"

/*
 * A remote display through the connection's OpenSSH transport.
 *
 * The ssh command line is the one libvirt's own openssh transport builds
 * for the URI (virNetSocketNewConnectSSH in libvirt 9.0: `ssh [-p PORT]
 * [-l USER] [-i KEYFILE] -T -e none [-o BatchMode=yes]
 * [-o StrictHostKeyChecking=no] -- HOST …`, the program from `command=`),
 * so a console authenticates exactly as the connection did. Vireo's
 * askpass helper is put in front of it the same way as for the
 * connection (vireo_ssh_askpass_amend_uri()), so a password is asked in
 * Vireo's dialog.
 *
 * One SPICE session opens a channel per feature (main, display, inputs,
 * cursor…), each with its own socket. So that only the first one
 * authenticates, a master connection is started first (`-N -f`, which
 * returns once it is logged in, ControlPersist 60 s) and every channel is
 * an `ssh -W` through it (ControlMaster=no: if the master went away,
 * the channel logs in by itself rather than failing). Masters being
 * started are remembered per control path on the main thread, so four
 * channels asked at once wait for one login instead of racing to four.
 *
 * The channel's standard input and output are one end of a socketpair;
 * the other end is the descriptor the caller gets, as from
 * virDomainOpenGraphicsFD. ssh's standard error is read until it exits
 * and logged, so a channel that dies says why in the log.
 *
 * A display on a Unix socket: OpenSSH 9.2's `-W /path` through a master
 * runs a login shell instead of forwarding (checked here), so the channel
 * runs a small command on the far side instead, with whichever of
 * python3, socat or nc (OpenBSD/Nmap, with -U) is there.
 */

/* The control socket's name is a hash of the ssh settings, so two URIs
 * with different keys or programs never share a master. ssh binds to
 * "PATH.XXXXXXXXXXXXXXXX" first; sun_path holds 108 bytes. */
#define CONTROL_NAME_LEN 32
#define CONTROL_DIR_MAX  (sizeof ((struct sockaddr_un *) 0)->sun_path - 1 - CONTROL_NAME_LEN - 18)
#define CONTROL_PERSIST  "60"

/* ------------------------------------------------------------------------ */
/* Where the display listens                                                 */

void
vireo_graphics_target_free (VireoGraphicsTarget *target)
{
  if (target == NULL)
    return;
  g_free (target->type);
  g_free (target->address);
  g_free (target->socket);
  g_free (target);
}

static xmlNode *
child_element (xmlNode    *parent,
               const char *name,
               guint       nth)
{
  for (xmlNode *n = parent != NULL ? parent->children : NULL; n != NULL; n = n->next)
    if (n->type == XML_ELEMENT_NODE && n->ns == NULL && g_str_equal ((const char *) n->name, name))
      {
        if (nth == 0)
          return n;
        nth--;
      }
  return NULL;
}

static char *
prop (xmlNode    *node,
      const char *name)
{
  xmlChar *value = node != NULL ? xmlGetNoNsProp (node, (const xmlChar *) name) : NULL;
  char *ret = value != NULL ? g_strdup ((const char *) value) : NULL;

  xmlFree (value);
  return ret;
}

static gboolean
is_wildcard (const char *address)
{
  return address == NULL || *address == '\0'
         || g_str_equal (address, "0.0.0.0") || g_str_equal (address, "::") || g_str_equal (address, "[::]");
}

/**
 * vireo_graphics_target_parse:
 * @domain_xml: a running machine's live XML
 * @index: which `<graphics>`, counted as libvirt counts them
 *
 * Where that display listens. A wildcard address becomes 127.0.0.1: the
 * channel connects from the display's own host. A display that listens
 * nowhere (`<listen type='none'/>`, only reachable through the daemon's
 * own socket) is a %G_IO_ERROR_NOT_SUPPORTED with what to change.
 */
VireoGraphicsTarget *
vireo_graphics_target_parse (const char  *domain_xml,
                             guint        index,
                             GError     **error)
{
  g_autoptr(VireoGraphicsTarget) target = g_new0 (VireoGraphicsTarget, 1);
  g_autofree char *listen_type = NULL;
  g_autofree char *port = NULL;
  xmlDocPtr doc;
  xmlNode *graphics;
  xmlNode *listen;
  gboolean ok = FALSE;

  g_return_val_if_fail (domain_xml != NULL, NULL);

  doc = xmlReadMemory (domain_xml, (int) strlen (domain_xml), "domain.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The machine’s description could not be read"));
      return NULL;
    }

  graphics = child_element (child_element (xmlDocGetRootElement (doc), "devices", 0), "graphics", index);
  if (graphics == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The machine has no display number %u"), index + 1);
      goto out;
    }

  target->type = prop (graphics, "type");
  if (g_strcmp0 (target->type, "vnc") != 0 && g_strcmp0 (target->type, "spice") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Vireo shows VNC and SPICE displays; this one is “%s”"),
                   target->type != NULL ? target->type : "");
      goto out;
    }

  /* libvirt writes every listen as a <listen> element in live XML; the
   * graphics element's own attributes are the older form of the first. */
  listen = child_element (graphics, "listen", 0);
  listen_type = listen != NULL ? prop (listen, "type") : NULL;
  if (listen == NULL)
    {
      target->socket = prop (graphics, "socket");
      listen_type = g_strdup (target->socket != NULL ? "socket" : "address");
      if (target->socket == NULL)
        target->address = prop (graphics, "listen");
    }
  else if (g_strcmp0 (listen_type, "socket") == 0)
    {
      target->socket = prop (listen, "socket");
      if (target->socket == NULL)
        target->socket = prop (graphics, "socket");
    }
  else if (g_strcmp0 (listen_type, "address") == 0 || g_strcmp0 (listen_type, "network") == 0)
    {
      target->address = prop (listen, "address");
      if (target->address == NULL)
        target->address = prop (graphics, "listen");
    }

  if (g_strcmp0 (listen_type, "socket") == 0)
    {
      if (target->socket == NULL || *target->socket == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The display listens on a socket whose path is not known yet: is the "
                                 "machine running?"));
          goto out;
        }
      target->kind = VIREO_GRAPHICS_LISTEN_SOCKET;
      ok = TRUE;
      goto out;
    }
  if (g_strcmp0 (listen_type, "address") != 0 && g_strcmp0 (listen_type, "network") != 0)
    {
      /* "none": QEMU opened no listener at all. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("This display accepts no network or socket connections, so it cannot be "
                             "reached from another computer. In the machine’s display settings, make "
                             "it listen on the address 127.0.0.1 or on a socket, then restart the "
                             "machine."));
      goto out;
    }

  port = prop (graphics, "port");
  {
    gint64 n = 0;

    if (port == NULL || !g_ascii_string_to_signed (port, 10, 1, 65535, &n, NULL))
      {
        g_autofree char *tls_port = prop (graphics, "tlsPort");

        if (tls_port != NULL && g_strcmp0 (tls_port, "-1") != 0)
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("This SPICE display only accepts TLS connections, which Vireo cannot "
                                 "make yet. Give it a plain port as well."));
        else
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The display has no port yet: is the machine running?"));
        goto out;
      }
    target->port = (guint) n;
  }

  if (is_wildcard (target->address))
    {
      g_free (target->address);
      target->address = g_strdup ("127.0.0.1");
    }
  target->kind = VIREO_GRAPHICS_LISTEN_ADDRESS;
  ok = TRUE;

out:
  xmlFreeDoc (doc);
  return ok ? g_steal_pointer (&target) : NULL;
}

/* ------------------------------------------------------------------------ */
/* The URI's ssh settings                                                    */

typedef struct
{
  char     *program;   /* command=, else "ssh" */
  char     *user;
  char     *host;
  char     *port;
  char     *keyfile;
  gboolean  no_verify;
  gboolean  no_tty;
} SshSettings;

static void
ssh_settings_clear (SshSettings *s)
{
  g_clear_pointer (&s->program, g_free);
  g_clear_pointer (&s->user, g_free);
  g_clear_pointer (&s->host, g_free);
  g_clear_pointer (&s->port, g_free);
  g_clear_pointer (&s->keyfile, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SshSettings, ssh_settings_clear)

/* The transport part of "driver+transport://…", NULL without one. */
static GUri *
parse_uri (const char  *uri,
           char       **transport,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GUri *parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_NON_DNS, &local_error);
  const char *plus;

  if (parsed == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The connection’s address is not a URI: %s"), local_error->message);
      return NULL;
    }
  plus = strchr (g_uri_get_scheme (parsed), '+');
  *transport = plus != NULL ? g_ascii_strdown (plus + 1, -1) : NULL;
  return parsed;
}

static gboolean
has_host (GUri *uri)
{
  const char *host = g_uri_get_host (uri);

  return host != NULL && *host != '\0';
}

/**
 * vireo_graphics_route_for_uri:
 *
 * How a display of a machine on @uri's host is reached: handed over by
 * a local daemon, through the OpenSSH transport, or not at all (another
 * remote transport; @error says so in words for people).
 */
VireoGraphicsRoute
vireo_graphics_route_for_uri (const char  *uri,
                              GError     **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *transport = NULL;

  g_return_val_if_fail (uri != NULL, VIREO_GRAPHICS_ROUTE_REFUSED);

  parsed = parse_uri (uri, &transport, error);
  if (parsed == NULL)
    return VIREO_GRAPHICS_ROUTE_REFUSED;

  /* libvirt: no transport means a Unix socket without a host, TLS with. */
  if (transport == NULL)
    {
      if (!has_host (parsed))
        return VIREO_GRAPHICS_ROUTE_LOCAL;
      transport = g_strdup ("tls");
    }
  if (g_str_equal (transport, "unix"))
    return VIREO_GRAPHICS_ROUTE_LOCAL;
  if (g_str_equal (transport, "ssh"))
    return VIREO_GRAPHICS_ROUTE_SSH;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               /* Translators: %s is a libvirt transport such as "tcp", "tls" or "libssh2" */
               _("Consoles of remote machines are reached through SSH; this connection uses “%s”. "
                 "Connect with a qemu+ssh:// address to see this machine’s screen."),
               transport);
  return VIREO_GRAPHICS_ROUTE_REFUSED;
}

static gboolean
parse_ssh_settings (const char   *uri,
                    SshSettings  *s,
                    GError      **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *transport = NULL;
  const char *query;
  const char *value;

  parsed = parse_uri (uri, &transport, error);
  if (parsed == NULL)
    return FALSE;
  if (g_strcmp0 (transport, "ssh") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The connection does not use SSH: %s"), uri);
      return FALSE;
    }

  /* libvirt's remote driver, too, goes to localhost without a host. */
  s->host = g_strdup (has_host (parsed) ? g_uri_get_host (parsed) : "localhost");
  if (g_uri_get_user (parsed) != NULL && *g_uri_get_user (parsed) != '\0')
    s->user = g_strdup (g_uri_get_user (parsed));
  if (g_uri_get_port (parsed) > 0)
    s->port = g_strdup_printf ("%d", g_uri_get_port (parsed));

  query = g_uri_get_query (parsed);
  if (query != NULL)
    {
      /* As libvirt reads them: names in any case, '&' or ';' between. */
      params = g_uri_parse_params (query, -1, "&;", G_URI_PARAMS_CASE_INSENSITIVE, error);
      if (params == NULL)
        return FALSE;
    }
  if (params != NULL && (value = g_hash_table_lookup (params, "command")) != NULL && *value != '\0')
    s->program = g_strdup (value);
  else
    s->program = g_strdup ("ssh");
  if (params != NULL && (value = g_hash_table_lookup (params, "keyfile")) != NULL && *value != '\0')
    s->keyfile = g_strdup (value);
  if (params != NULL && (value = g_hash_table_lookup (params, "no_verify")) != NULL)
    s->no_verify = g_ascii_strtoll (value, NULL, 10) != 0;
  if (params != NULL && (value = g_hash_table_lookup (params, "no_tty")) != NULL)
    s->no_tty = g_ascii_strtoll (value, NULL, 10) != 0;
  return TRUE;
}

/**
 * vireo_graphics_tunnel_control_name:
 *
 * The file name of the control socket of @uri's master connection: a hash
 * of everything that decides how ssh logs in.
 */
char *
vireo_graphics_tunnel_control_name (const char  *uri,
                                    GError     **error)
{
  g_auto(SshSettings) s = { 0 };
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *fields[5];

  if (!parse_ssh_settings (uri, &s, error))
    return NULL;
  fields[0] = s.program;
  fields[1] = s.user != NULL ? s.user : "";
  fields[2] = s.host;
  fields[3] = s.port != NULL ? s.port : "";
  fields[4] = s.keyfile != NULL ? s.keyfile : "";
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_checksum_update (sum, (const guchar *) fields[i], (gssize) strlen (fields[i]) + 1);
  g_checksum_update (sum, (const guchar *) (s.no_verify ? "v1" : "v0"), 2);
  g_checksum_update (sum, (const guchar *) (s.no_tty ? "t1" : "t0"), 2);
  return g_strndup (g_checksum_get_string (sum), CONTROL_NAME_LEN);
}

/* What libvirt passes for the same URI, up to the destination. */
static GPtrArray *
base_argv (const SshSettings *s,
           const char        *control_path)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup (s->program));
  if (s->port != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("-p"));
      g_ptr_array_add (argv, g_strdup (s->port));
    }
  if (s->user != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("-l"));
      g_ptr_array_add (argv, g_strdup (s->user));
    }
  if (s->keyfile != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("-i"));
      g_ptr_array_add (argv, g_strdup (s->keyfile));
    }
  g_ptr_array_add (argv, g_strdup ("-T"));
  g_ptr_array_add (argv, g_strdup ("-e"));
  g_ptr_array_add (argv, g_strdup ("none"));
  if (s->no_tty)
    {
      g_ptr_array_add (argv, g_strdup ("-o"));
      g_ptr_array_add (argv, g_strdup ("BatchMode=yes"));
    }
  if (s->no_verify)
    {
      g_ptr_array_add (argv, g_strdup ("-o"));
      g_ptr_array_add (argv, g_strdup ("StrictHostKeyChecking=no"));
    }
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup_printf ("ControlPath=%s", control_path));
  return argv;
}

static GStrv
finish_argv (GPtrArray *argv)
{
  g_ptr_array_add (argv, NULL);
  return (GStrv) g_ptr_array_free (argv, FALSE);
}

/**
 * vireo_graphics_tunnel_master_argv:
 * @control_path: the master's control socket
 *
 * The command line of the master connection for @uri: it logs in, then
 * goes to the background (so its exit says the login is done) and stays
 * for %CONTROL_PERSIST seconds after its last channel.
 */
GStrv
vireo_graphics_tunnel_master_argv (const char  *uri,
                                   const char  *control_path,
                                   GError     **error)
{
  g_auto(SshSettings) s = { 0 };
  GPtrArray *argv;

  g_return_val_if_fail (uri != NULL && control_path != NULL, NULL);

  if (!parse_ssh_settings (uri, &s, error))
    return NULL;
  argv = base_argv (&s, control_path);
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("ControlMaster=yes"));
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("ControlPersist=" CONTROL_PERSIST));
  /* A master on a dead link would hold every console frozen. */
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("ServerAliveInterval=10"));
  g_ptr_array_add (argv, g_strdup ("-N"));
  g_ptr_array_add (argv, g_strdup ("-f"));
  g_ptr_array_add (argv, g_strdup ("--"));
  g_ptr_array_add (argv, g_strdup (s.host));
  return finish_argv (argv);
}

/* A small relay with well-defined ends: the display's close ends it, and
 * the client's end (EOF on stdin) half-closes the socket so the display
 * closes in turn. No backslashes or quotes: it is quoted twice for remote
 * shells, and not every login shell is POSIX. */
static const char relay_py[] =
  "import os,socket,sys,threading\n"
  "s=socket.socket(socket.AF_UNIX)\n"
  "s.connect(sys.argv[1])\n"
  "def up():\n"
  "    while True:\n"
  "        d=os.read(0,65536)\n"
  "        if not d:\n"
  "            break\n"
  "        s.sendall(d)\n"
  "    s.shutdown(socket.SHUT_WR)\n"
  "threading.Thread(target=up,daemon=True).start()\n"
  "o=sys.stdout.buffer\n"
  "while True:\n"
  "    d=s.recv(65536)\n"
  "    if not d:\n"
  "        break\n"
  "    o.write(d)\n"
  "    o.flush()\n";

/* socat splits its address at these; such a path goes to the others. */
static gboolean
socat_safe (const char *path)
{
  return strpbrk (path, ":,!\"'\\()[]{}% \t\n") == NULL;
}

/**
 * vireo_graphics_tunnel_socket_command:
 * @path: the display's socket on the far side
 *
 * The command the far side runs to connect its standard input and output
 * to @path: `sh -c SCRIPT`, the script trying python3, socat and nc -U
 * in turn, with the path quoted for the shell (twice: ssh hands the
 * command to the user's login shell as one string).
 */
char *
vireo_graphics_tunnel_socket_command (const char *path)
{
  g_autoptr(GString) script = g_string_new (NULL);
  g_autofree char *quoted_path = NULL;
  g_autofree char *quoted_py = NULL;
  g_autofree char *quoted_script = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  quoted_path = g_shell_quote (path);
  quoted_py = g_shell_quote (relay_py);
  g_string_append_printf (script, "p=%s\n", quoted_path);
  g_string_append_printf (script,
                          "if command -v python3 >/dev/null 2>&1; then exec python3 -c %s \"$p\"; fi\n",
                          quoted_py);
  if (socat_safe (path))
    g_string_append (script,
                     "if command -v socat >/dev/null 2>&1; then exec socat STDIO \"UNIX-CONNECT:$p\"; fi\n");
  g_string_append (script,
                   "if command -v nc >/dev/null 2>&1; then exec nc -U \"$p\"; fi\n"
                   "echo \"vireo: the display's socket $p can only be reached with python3, socat or nc "
                   "(OpenBSD or Nmap, with -U) on this host; none is installed\" >&2\n"
                   "exit 127\n");
  quoted_script = g_shell_quote (script->str);
  return g_strconcat ("sh -c ", quoted_script, NULL);
}

/**
 * vireo_graphics_tunnel_channel_argv:
 * @control_path: the master's control socket
 *
 * The command line of one channel to @target through @uri's master: `-W`
 * to a TCP port (no command on the far side), or the relay command of
 * vireo_graphics_tunnel_socket_command() for a Unix socket.
 */
GStrv
vireo_graphics_tunnel_channel_argv (const char                 *uri,
                                    const VireoGraphicsTarget  *target,
                                    const char                 *control_path,
                                    GError                    **error)
{
  g_auto(SshSettings) s = { 0 };
  GPtrArray *argv;

  g_return_val_if_fail (uri != NULL && target != NULL && control_path != NULL, NULL);

  if (!parse_ssh_settings (uri, &s, error))
    return NULL;
  argv = base_argv (&s, control_path);
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("ControlMaster=no"));
  if (target->kind == VIREO_GRAPHICS_LISTEN_ADDRESS)
    {
      gboolean v6 = strchr (target->address, ':') != NULL;

      g_ptr_array_add (argv, g_strdup ("-W"));
      g_ptr_array_add (argv, g_strdup_printf (v6 ? "[%s]:%u" : "%s:%u", target->address, target->port));
      g_ptr_array_add (argv, g_strdup ("--"));
      g_ptr_array_add (argv, g_strdup (s.host));
    }
  else
    {
      g_ptr_array_add (argv, g_strdup ("--"));
      g_ptr_array_add (argv, g_strdup (s.host));
      g_ptr_array_add (argv, vireo_graphics_tunnel_socket_command (target->socket));
    }
  return finish_argv (argv);
}

/* ------------------------------------------------------------------------ */
/* Control sockets                                                           */

/* Characters ssh's option parser and its %-expansion leave alone. */
static gboolean
plain_path (const char *path)
{
  for (const char *p = path; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("/._+-", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* A directory only this user can enter: made, or checked if it is there. */
static gboolean
private_dir (const char *path)
{
  struct stat st;

  if (g_mkdir (path, 0700) < 0 && errno != EEXIST)
    return FALSE;
  if (g_lstat (path, &st) < 0 || !S_ISDIR (st.st_mode) || st.st_uid != getuid ())
    return FALSE;
  if ((st.st_mode & 077) != 0 && g_chmod (path, 0700) < 0)
    return FALSE;
  return TRUE;
}

/* Main thread (GLib caches the runtime dir). */
static const char *
control_dir (GError **error)
{
  static char *dir;

  if (dir == NULL)
    {
      g_autofree char *parent = g_build_filename (g_get_user_runtime_dir (), "vireo", NULL);
      g_autofree char *runtime = g_build_filename (parent, "ssh", NULL);
      g_autofree char *tmp_name = g_strdup_printf ("vireo-ssh-%u", (guint) getuid ());
      g_autofree char *tmp = g_build_filename (g_get_tmp_dir (), tmp_name, NULL);
      g_autofree char *fallback = g_build_filename ("/tmp", tmp_name, NULL);

      if (strlen (runtime) <= CONTROL_DIR_MAX && plain_path (runtime)
          && private_dir (parent) && private_dir (runtime))
        dir = g_steal_pointer (&runtime);
      else if (strlen (tmp) <= CONTROL_DIR_MAX && plain_path (tmp) && private_dir (tmp))
        dir = g_steal_pointer (&tmp);
      else if (private_dir (fallback))
        dir = g_steal_pointer (&fallback);
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       _("No private folder for SSH connection sharing could be made in %s or %s"),
                       g_get_user_runtime_dir (), g_get_tmp_dir ());
          return NULL;
        }
      g_debug ("SSH control sockets in %s", dir);
    }
  return dir;
}

/* Is a master answering on @path? A stale socket (the master was killed)
 * is removed, as ssh itself would. */
static gboolean
master_alive (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;
  int ret;

  if (strlen (path) >= sizeof addr.sun_path)
    return FALSE;
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  ret = connect (fd, (struct sockaddr *) &addr, sizeof addr);
  if (ret < 0 && errno == ECONNREFUSED)
    g_unlink (path);
  close (fd);
  return ret == 0;
}

/* ------------------------------------------------------------------------ */
/* Spawning                                                                  */

/* No controlling terminal: ssh must never ask on the terminal Vireo was
 * started from (or stop with it). It asks through askpass or fails. */
static void
child_setup (gpointer data)
{
  setsid ();
}

/* ssh's last words without its debug noise, for a message. */
static char *
ssh_message (const char *err)
{
  g_auto(GStrv) lines = g_strsplit (err != NULL ? err : "", "\n", -1);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] == '\0' || g_str_has_prefix (lines[i], "debug") || g_str_has_prefix (lines[i], "Warning: Permanently added"))
        continue;
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, lines[i]);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GSubprocess *
spawn (const char * const *argv,
       int                 stdio_fd,
       GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GString) line = g_string_new (NULL);

  /* The far side's relay script would take a screen of the log. */
  for (guint i = 0; argv[i] != NULL; i++)
    g_string_append_printf (line, "%s%s", i > 0 ? " " : "",
                            strchr (argv[i], '\n') != NULL ? "'<relay script>'" : argv[i]);
  g_debug ("running %s", line->str);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE
                                        | (stdio_fd < 0 ? G_SUBPROCESS_FLAGS_STDOUT_SILENCE : 0));
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  if (stdio_fd >= 0)
    {
      int out = fcntl (stdio_fd, F_DUPFD_CLOEXEC, 3);

      if (out < 0)
        {
          int saved_errno = errno;

          close (stdio_fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "dup: %s",
                       g_strerror (saved_errno));
          return NULL;
        }
      g_subprocess_launcher_take_stdin_fd (launcher, stdio_fd);
      g_subprocess_launcher_take_stdout_fd (launcher, out);
    }
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

typedef struct
{
  char                *uri;          /* amended for askpass */
  char                *control_path;
  VireoGraphicsTarget *target;
} OpenData;

static void
open_data_free (gpointer data)
{
  OpenData *d = data;

  g_free (d->uri);
  g_free (d->control_path);
  vireo_graphics_target_free (d->target);
  g_free (d);
}

static void
fd_free (gpointer data)
{
  int *fd = data;

  if (*fd >= 0)
    close (*fd);
  g_free (fd);
}

/* A channel lives as long as the console: its stderr goes to the log
 * once it ends, as a warning if it failed. */
static void
channel_ended_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  GSubprocess *proc = G_SUBPROCESS (source);
  g_autofree char *target = data;
  g_autofree char *err = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_communicate_utf8_finish (proc, result, NULL, &err, &error))
    {
      g_debug ("SSH channel to %s: %s", target, error->message);
      return;
    }
  message = ssh_message (err);
  if (g_subprocess_get_if_exited (proc) && g_subprocess_get_exit_status (proc) != 0)
    g_warning ("The SSH channel to the display at %s failed (exit status %d): %s", target,
               g_subprocess_get_exit_status (proc), *message != '\0' ? message : "no message");
  else
    g_debug ("SSH channel to %s ended%s%s", target, *message != '\0' ? ": " : "", message);
}

static char *
describe (const VireoGraphicsTarget *target)
{
  if (target->kind == VIREO_GRAPHICS_LISTEN_SOCKET)
    return g_strdup (target->socket);
  return g_strdup_printf (strchr (target->address, ':') != NULL ? "[%s]:%u" : "%s:%u",
                          target->address, target->port);
}

static void
open_channel (GTask *task)
{
  OpenData *d = g_task_get_task_data (task);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  int pair[2];
  int *fd;

  if (g_task_return_error_if_cancelled (task))
    return;

  argv = vireo_graphics_tunnel_channel_argv (d->uri, d->target, d->control_path, &error);
  if (argv == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Could not open a channel to the display: %s"), g_strerror (saved_errno));
      return;
    }
  proc = spawn ((const char * const *) argv, pair[1], &error);
  if (proc == NULL)
    {
      close (pair[0]);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not run “%s” for the display: %s"), argv[0], error->message);
      return;
    }
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, channel_ended_cb, describe (d->target));
  fd = g_new (int, 1);
  *fd = pair[0];
  g_task_return_pointer (task, fd, fd_free);
}

/* Masters being started, by control path, each with the tasks waiting
 * for it. Main thread only. */
static GHashTable *starting;

static void
master_started_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  GSubprocess *proc = G_SUBPROCESS (source);
  g_autofree char *control_path = data;
  g_autofree char *key = NULL;
  g_autoptr(GPtrArray) waiters = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *message = NULL;

  g_assert (vireo_is_main_thread ());

  if (!g_hash_table_steal_extended (starting, control_path, (gpointer *) &key, (gpointer *) &waiters))
    g_assert_not_reached ();
  if (!g_subprocess_communicate_utf8_finish (proc, result, NULL, &err, &error))
    {
      for (guint i = 0; i < waiters->len; i++)
        g_task_return_error (g_ptr_array_index (waiters, i), g_error_copy (error));
      return;
    }

  message = ssh_message (err);
  if (!g_subprocess_get_if_exited (proc) || g_subprocess_get_exit_status (proc) != 0)
    {
      g_debug ("SSH master for %s failed: %s", control_path, err);
      for (guint i = 0; i < waiters->len; i++)
        g_task_return_new_error (g_ptr_array_index (waiters, i), G_IO_ERROR, G_IO_ERROR_FAILED,
                                 _("SSH could not log in to the host for the display: %s"),
                                 *message != '\0' ? message : _("ssh gave no reason"));
      return;
    }
  if (*message != '\0')
    g_debug ("SSH master for %s: %s", control_path, message);
  for (guint i = 0; i < waiters->len; i++)
    open_channel (g_ptr_array_index (waiters, i));
}

/**
 * vireo_graphics_tunnel_open_async:
 * @uri: a qemu+ssh connection URI, as the user gave it
 * @target: where the display listens on that host
 *
 * A socket connected, through an SSH channel, to @target: the caller's to
 * close, like one from virDomainOpenGraphicsFD. The first channel to a
 * host logs in (asking through Vireo's dialog if ssh needs a password);
 * later ones reuse that login. Main thread; no libvirt call.
 */
void
vireo_graphics_tunnel_open_async (const char                *uri,
                                  const VireoGraphicsTarget *target,
                                  GCancellable              *cancellable,
                                  GAsyncReadyCallback        callback,
                                  gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) argv = NULL;
  const char *dir;
  GPtrArray *waiters;
  OpenData *d;

  g_return_if_fail (uri != NULL && target != NULL);
  g_return_if_fail (vireo_is_main_thread ());

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_graphics_tunnel_open_async);

  d = g_new0 (OpenData, 1);
  d->uri = vireo_ssh_askpass_amend_uri (uri);
  d->target = g_new0 (VireoGraphicsTarget, 1);
  d->target->type = g_strdup (target->type);
  d->target->kind = target->kind;
  d->target->address = g_strdup (target->address);
  d->target->port = target->port;
  d->target->socket = g_strdup (target->socket);
  g_task_set_task_data (task, d, open_data_free);

  if ((dir = control_dir (&error)) == NULL
      || (name = vireo_graphics_tunnel_control_name (d->uri, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  d->control_path = g_build_filename (dir, name, NULL);

  if (starting == NULL)
    starting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  waiters = g_hash_table_lookup (starting, d->control_path);
  if (waiters != NULL)
    {
      g_ptr_array_add (waiters, g_steal_pointer (&task));
      return;
    }
  if (master_alive (d->control_path))
    {
      open_channel (task);
      return;
    }

  argv = vireo_graphics_tunnel_master_argv (d->uri, d->control_path, &error);
  if (argv != NULL)
    proc = spawn ((const char * const *) argv, -1, &error);
  if (proc == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not run SSH for the display: %s"), error->message);
      return;
    }
  waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (waiters, g_steal_pointer (&task));
  g_hash_table_insert (starting, g_strdup (d->control_path), waiters);
  /* Not cancellable: other consoles may be waiting for the same login. */
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, master_started_cb, g_strdup (d->control_path));
}

/**
 * vireo_graphics_tunnel_open_finish:
 *
 * Returns: the connected socket, the caller's to close; -1 with @error
 */
int
vireo_graphics_tunnel_open_finish (GAsyncResult  *result,
                                   GError       **error)
{
  int *fd;
  int ret;

  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);

  fd = g_task_propagate_pointer (G_TASK (result), error);
  if (fd == NULL)
    return -1;
  ret = *fd;
  g_free (fd);
  return ret;
}
