/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The pure half of remote consoles (vireo-graphics-tunnel): which route a
 * URI takes, the ssh command lines built from a URI the way libvirt's
 * openssh transport builds its own, the far side's command for a Unix
 * socket (run here through a real shell against a real socket whose path
 * needs quoting), and where a display listens according to live XML.
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "vireo-graphics-tunnel.h"

#define CP "/run/user/1000/vireo/ssh/0123456789abcdef0123456789abcdef"

static VireoGraphicsTarget *
tcp_target (const char *address,
            guint       port)
{
  VireoGraphicsTarget *t = g_new0 (VireoGraphicsTarget, 1);

  t->type = g_strdup ("vnc");
  t->kind = VIREO_GRAPHICS_LISTEN_ADDRESS;
  t->address = g_strdup (address);
  t->port = port;
  return t;
}

static VireoGraphicsTarget *
socket_target (const char *path)
{
  VireoGraphicsTarget *t = g_new0 (VireoGraphicsTarget, 1);

  t->type = g_strdup ("spice");
  t->kind = VIREO_GRAPHICS_LISTEN_SOCKET;
  t->socket = g_strdup (path);
  return t;
}

static char *
joined (GStrv argv)
{
  return g_strjoinv ("|", argv);
}

static char *
channel_line (const char                *uri,
              const VireoGraphicsTarget *target)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = vireo_graphics_tunnel_channel_argv (uri, target, CP, &error);

  g_assert_no_error (error);
  g_assert_nonnull (argv);
  return joined (argv);
}

/* ------------------------------------------------------------------------ */
/* Routes                                                                    */

static void
test_route (void)
{
  static const char * const local[] = {
    "qemu:///system", "qemu:///session", "qemu+unix:///system", "test:///default",
    "qemu:///system?socket=/tmp/vt/run/libvirt/libvirt-sock", "lxc:///",
  };
  static const struct { const char *uri; const char *transport; } refused[] = {
    { "qemu+tcp://127.0.0.1:24001/system", "tcp" },
    { "qemu+tls://host.example/system", "tls" },
    { "qemu://host.example/system", "tls" },
    { "qemu+libssh2://root@host/system?known_hosts=/k&sshauth=privkey", "libssh2" },
    { "qemu+libssh://root@host/system", "libssh" },
    { "qemu+ext:///system?command=/bin/true", "ext" },
    { "QEMU+TCP://host/system", "tcp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (local); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (vireo_graphics_route_for_uri (local[i], &error), ==, VIREO_GRAPHICS_ROUTE_LOCAL);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *quoted = g_strdup_printf ("“%s”", refused[i].transport);

      g_assert_cmpint (vireo_graphics_route_for_uri (refused[i].uri, &error), ==, VIREO_GRAPHICS_ROUTE_REFUSED);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
      g_assert_true (g_str_has_prefix (error->message, "Consoles of remote machines are reached through SSH"));
      g_assert_nonnull (strstr (error->message, quoted));
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (vireo_graphics_route_for_uri ("qemu+ssh://root@host:2222/system?keyfile=/k", &error),
                     ==, VIREO_GRAPHICS_ROUTE_SSH);
    g_assert_no_error (error);
    g_assert_cmpint (vireo_graphics_route_for_uri ("qemu+SSH://host/system", NULL), ==, VIREO_GRAPHICS_ROUTE_SSH);
    g_assert_cmpint (vireo_graphics_route_for_uri ("not a uri", &error), ==, VIREO_GRAPHICS_ROUTE_REFUSED);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
}

/* ------------------------------------------------------------------------ */
/* Command lines                                                             */

static void
test_argv_plain (void)
{
  g_autoptr(VireoGraphicsTarget) t = tcp_target ("127.0.0.1", 5900);
  g_autofree char *line = channel_line ("qemu+ssh://host.example/system", t);
  g_autofree char *no_host = channel_line ("qemu+ssh:///system", t);

  /* libvirt's own: no -p, -l, -i without them; -T -e none always. */
  g_assert_cmpstr (line, ==,
                   "ssh|-T|-e|none|-o|ControlPath=" CP "|-o|ControlMaster=no|-W|127.0.0.1:5900|--|host.example");
  /* No host: libvirt's remote driver goes to localhost. */
  g_assert_true (g_str_has_suffix (no_host, "|--|localhost"));
}

static void
test_argv_settings (void)
{
  g_autoptr(VireoGraphicsTarget) t = tcp_target ("192.168.1.20", 5901);
  g_autofree char *line = channel_line ("qemu+ssh://alice@kvm.example:2222/system"
                                        "?keyfile=%2Fhome%2Falice%2Fmy%20keys%2Fid_ed25519"
                                        "&command=/opt/ssh/bin/ssh&no_verify=1&no_tty=1"
                                        "&known_hosts=/ignored&netcat=/usr/bin/nc&mode=direct",
                                        t);

  /* In libvirt's order. known_hosts, netcat and mode are not openssh
   * settings (libssh/libssh2 and the far side's helper): left out. */
  g_assert_cmpstr (line, ==,
                   "/opt/ssh/bin/ssh|-p|2222|-l|alice|-i|/home/alice/my keys/id_ed25519|-T|-e|none"
                   "|-o|BatchMode=yes|-o|StrictHostKeyChecking=no|-o|ControlPath=" CP
                   "|-o|ControlMaster=no|-W|192.168.1.20:5901|--|kvm.example");
}

static void
test_argv_flags (void)
{
  g_autoptr(VireoGraphicsTarget) t = tcp_target ("127.0.0.1", 5900);
  g_autofree char *zero = channel_line ("qemu+ssh://h/system?no_verify=0&no_tty=0", t);
  g_autofree char *cased = channel_line ("qemu+ssh://h/system?No_Verify=1;KEYFILE=/k", t);

  g_assert_null (strstr (zero, "BatchMode"));
  g_assert_null (strstr (zero, "StrictHostKeyChecking"));
  /* libvirt compares parameter names without case and splits at ';' too. */
  g_assert_nonnull (strstr (cased, "|-i|/k|"));
  g_assert_nonnull (strstr (cased, "|-o|StrictHostKeyChecking=no|"));
  g_assert_null (strstr (cased, "BatchMode"));
}

static void
test_argv_ipv6 (void)
{
  g_autoptr(VireoGraphicsTarget) t = tcp_target ("::1", 5902);
  g_autofree char *line = channel_line ("qemu+ssh://root@[::1]:22/system", t);

  /* ssh takes a bare IPv6 host; -W wants brackets around one. */
  g_assert_cmpstr (line, ==,
                   "ssh|-p|22|-l|root|-T|-e|none|-o|ControlPath=" CP
                   "|-o|ControlMaster=no|-W|[::1]:5902|--|::1");
}

static void
test_argv_master (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = vireo_graphics_tunnel_master_argv ("qemu+ssh://bob@h:2200/system?keyfile=/k&no_tty=1",
                                                          CP, &error);
  g_autofree char *line = NULL;

  g_assert_no_error (error);
  line = joined (argv);
  g_assert_cmpstr (line, ==,
                   "ssh|-p|2200|-l|bob|-i|/k|-T|-e|none|-o|BatchMode=yes|-o|ControlPath=" CP
                   "|-o|ControlMaster=yes|-o|ControlPersist=60|-o|ServerAliveInterval=10|-N|-f|--|h");

  g_clear_pointer (&argv, g_strfreev);
  argv = vireo_graphics_tunnel_master_argv ("qemu+tcp://h/system", CP, &error);
  g_assert_null (argv);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_argv_socket (void)
{
  g_autoptr(VireoGraphicsTarget) t = socket_target ("/var/lib/libvirt/qemu/domain-3-web/spice.sock");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = vireo_graphics_tunnel_channel_argv ("qemu+ssh://root@h/system", t, CP, &error);
  g_autofree char *command = NULL;
  guint n;

  g_assert_no_error (error);
  n = g_strv_length (argv);
  /* A remote command rather than -W: no forwarding of a path. */
  g_assert_false (g_strv_contains ((const char * const *) argv, "-W"));
  g_assert_cmpstr (argv[n - 3], ==, "--");
  g_assert_cmpstr (argv[n - 2], ==, "h");
  command = vireo_graphics_tunnel_socket_command (t->socket);
  g_assert_cmpstr (argv[n - 1], ==, command);
  g_assert_true (g_str_has_prefix (command, "sh -c '"));
}

static void
test_control_name (void)
{
  g_autofree char *a = vireo_graphics_tunnel_control_name ("qemu+ssh://root@h:22/system?keyfile=/k", NULL);
  g_autofree char *a2 = vireo_graphics_tunnel_control_name ("qemu+ssh://root@h:22/session?keyfile=/k&mode=legacy", NULL);
  g_autofree char *b = vireo_graphics_tunnel_control_name ("qemu+ssh://root@h:22/system?keyfile=/other", NULL);
  g_autofree char *c = vireo_graphics_tunnel_control_name ("qemu+ssh://root@h:22/system?keyfile=/k&command=/w", NULL);
  g_autofree char *d = vireo_graphics_tunnel_control_name ("qemu+ssh://admin@h:22/system?keyfile=/k", NULL);

  g_assert_cmpuint (strlen (a), ==, 32);
  for (const char *p = a; *p != '\0'; p++)
    g_assert_true (g_ascii_isxdigit (*p));
  /* One login per way of logging in, whatever the driver path. */
  g_assert_cmpstr (a, ==, a2);
  g_assert_cmpstr (a, !=, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_cmpstr (a, !=, d);
}

/* ------------------------------------------------------------------------ */
/* The far side's command for a Unix socket, run through a real shell       */

typedef struct
{
  GSocket *listener;
  char    *got;
} EchoServer;

/* Answers one client: reads "ping\n", writes "pong:" and what it read. */
static gpointer
echo_thread (gpointer data)
{
  EchoServer *s = data;
  g_autoptr(GSocket) client = g_socket_accept (s->listener, NULL, NULL);
  char buf[64] = { 0 };
  gssize n;
  gsize have = 0;

  g_assert_nonnull (client);
  while (have < 5 && (n = g_socket_receive (client, buf + have, sizeof buf - 1 - have, NULL, NULL)) > 0)
    have += (gsize) n;
  s->got = g_strndup (buf, have);
  g_assert_cmpint (g_socket_send (client, "pong:", 5, NULL, NULL), ==, 5);
  g_assert_cmpint (g_socket_send (client, buf, have, NULL, NULL), ==, (gssize) have);
  return NULL;
}

static char *
run_command (const char  *command,
             const char  *path_env,
             const char  *input,
             int         *status,
             char       **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  if (path_env != NULL)
    g_subprocess_launcher_setenv (launcher, "PATH", path_env, TRUE);
  /* What ssh does on the far side: the login shell runs the string. */
  proc = g_subprocess_launcher_spawn (launcher, &error, "/bin/sh", "-c", command, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, input, NULL, &out, err, &error));
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (proc);
  return out;
}

static void
test_socket_command_quoting (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vireo-tunnel-XXXXXX", &error);
  /* Everything a shell would take apart: spaces, quotes, $, `, ;, \, *. */
  g_autofree char *path = g_build_filename (dir, "it's a \"$HOME\" `x`;\\*.sock", NULL);
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  EchoServer server = { 0 };
  GThread *thread;
  int status;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (path), <, sizeof ((struct sockaddr_un *) 0)->sun_path);
  server.listener = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (path);
  g_assert_true (g_socket_bind (server.listener, address, TRUE, &error));
  g_assert_true (g_socket_listen (server.listener, &error));
  thread = g_thread_new ("echo", echo_thread, &server);

  command = vireo_graphics_tunnel_socket_command (path);
  /* The path with a ':' and friends is never handed to socat. */
  g_assert_null (strstr (command, "exec socat"));
  out = run_command (command, NULL, "ping\n", &status, &err);
  g_thread_join (thread);
  g_assert_cmpstr (server.got, ==, "ping\n");
  g_assert_cmpstr (out, ==, "pong:ping\n");
  g_assert_cmpint (status, ==, 0);

  g_free (server.got);
  g_object_unref (server.listener);
  g_unlink (path);
  g_rmdir (dir);
}

/* Without any relay program on the far side: a message that says so. */
static void
test_socket_command_missing_tools (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = g_dir_make_tmp ("vireo-tunnel-XXXXXX", &error);
  g_autofree char *sh = g_build_filename (empty, "sh", NULL);
  g_autofree char *command = vireo_graphics_tunnel_socket_command ("/run/vnc.sock");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_assert_no_error (error);
  /* A far side with a shell and nothing else. */
  g_assert_cmpint (symlink ("/bin/sh", sh), ==, 0);
  g_assert_nonnull (strstr (command, "exec socat"));
  out = run_command (command, empty, "", &status, &err);
  g_assert_cmpint (status, ==, 127);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==,
                   "vireo: the display's socket /run/vnc.sock can only be reached with python3, socat or nc "
                   "(OpenBSD or Nmap, with -U) on this host; none is installed\n");
  g_unlink (sh);
  g_rmdir (empty);
}

/* ------------------------------------------------------------------------ */
/* Where a display listens                                                   */

#define DOMAIN(devices) \
  "<domain type='qemu' id='4'><name>g</name><devices>" \
  "<emulator>/usr/bin/qemu-system-x86_64</emulator>" devices \
  "<video><model type='vga'/></video></devices></domain>"

static VireoGraphicsTarget *
parse_ok (const char *xml,
          guint       index)
{
  g_autoptr(GError) error = NULL;
  VireoGraphicsTarget *t = vireo_graphics_target_parse (xml, index, &error);

  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

static void
assert_tcp (const char *xml,
            guint       index,
            const char *type,
            const char *address,
            guint       port)
{
  g_autoptr(VireoGraphicsTarget) t = parse_ok (xml, index);

  g_assert_cmpstr (t->type, ==, type);
  g_assert_cmpint (t->kind, ==, VIREO_GRAPHICS_LISTEN_ADDRESS);
  g_assert_cmpstr (t->address, ==, address);
  g_assert_cmpuint (t->port, ==, port);
  g_assert_null (t->socket);
}

static void
assert_fails (const char *xml,
              guint       index,
              int         code,
              const char *words)
{
  g_autoptr(GError) error = NULL;
  VireoGraphicsTarget *t = vireo_graphics_target_parse (xml, index, &error);

  g_assert_null (t);
  g_assert_error (error, G_IO_ERROR, code);
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("“%s” is not in: %s", words, error->message);
}

static void
test_listen_address (void)
{
  /* Live XML as libvirt 9.0 writes it for an autoport display. */
  assert_tcp (DOMAIN ("<graphics type='vnc' port='24232' autoport='yes' listen='127.0.0.1'>"
                      "<listen type='address' address='127.0.0.1'/></graphics>"),
              0, "vnc", "127.0.0.1", 24232);
  assert_tcp (DOMAIN ("<graphics type='spice' port='5901' autoport='no' listen='192.168.1.5'>"
                      "<listen type='address' address='192.168.1.5'/><image compression='off'/></graphics>"),
              0, "spice", "192.168.1.5", 5901);
  assert_tcp (DOMAIN ("<graphics type='vnc' port='5903' autoport='yes' listen='::1'>"
                      "<listen type='address' address='::1'/></graphics>"),
              0, "vnc", "::1", 5903);
  /* A network listen: libvirt fills in the network's address. */
  assert_tcp (DOMAIN ("<graphics type='vnc' port='5904' autoport='yes' listen='192.168.122.1'>"
                      "<listen type='network' address='192.168.122.1' network='default'/></graphics>"),
              0, "vnc", "192.168.122.1", 5904);
  /* The older form, without a <listen> element. */
  assert_tcp (DOMAIN ("<graphics type='vnc' port='5905' listen='10.0.0.2'/>"), 0, "vnc", "10.0.0.2", 5905);
}

static void
test_listen_wildcard (void)
{
  static const char * const wildcards[] = {
    DOMAIN ("<graphics type='vnc' port='5900' autoport='yes' listen='0.0.0.0'>"
            "<listen type='address' address='0.0.0.0'/></graphics>"),
    DOMAIN ("<graphics type='spice' port='5900' autoport='yes' listen='::'>"
            "<listen type='address' address='::'/></graphics>"),
    DOMAIN ("<graphics type='vnc' port='5900' autoport='yes'><listen type='address'/></graphics>"),
    DOMAIN ("<graphics type='vnc' port='5900'/>"),
  };

  /* Listening everywhere includes loopback, which the channel reaches
   * from the display's own host. */
  for (guint i = 0; i < G_N_ELEMENTS (wildcards); i++)
    {
      g_autoptr(VireoGraphicsTarget) t = parse_ok (wildcards[i], 0);

      g_assert_cmpstr (t->address, ==, "127.0.0.1");
      g_assert_cmpuint (t->port, ==, 5900);
    }
}

static void
test_listen_socket (void)
{
  g_autoptr(VireoGraphicsTarget) vnc =
    parse_ok (DOMAIN ("<graphics type='vnc' socket='/var/lib/libvirt/qemu/domain-4-g/vnc.sock'>"
                      "<listen type='socket' socket='/var/lib/libvirt/qemu/domain-4-g/vnc.sock'/></graphics>"),
              0);
  g_autoptr(VireoGraphicsTarget) spice =
    parse_ok (DOMAIN ("<graphics type='spice' autoport='no'>"
                      "<listen type='socket' socket='/run/spice/g.sock'/></graphics>"),
              0);

  g_assert_cmpint (vnc->kind, ==, VIREO_GRAPHICS_LISTEN_SOCKET);
  g_assert_cmpstr (vnc->socket, ==, "/var/lib/libvirt/qemu/domain-4-g/vnc.sock");
  g_assert_null (vnc->address);
  g_assert_cmpstr (spice->type, ==, "spice");
  g_assert_cmpstr (spice->socket, ==, "/run/spice/g.sock");
  /* Not started: libvirt has not chosen the path yet. */
  assert_fails (DOMAIN ("<graphics type='vnc'><listen type='socket'/></graphics>"), 0,
                G_IO_ERROR_NOT_FOUND, "is the machine running?");
}

static void
test_listen_none (void)
{
  assert_fails (DOMAIN ("<graphics type='vnc'><listen type='none'/></graphics>"), 0,
                G_IO_ERROR_NOT_SUPPORTED, "accepts no network or socket connections");
  assert_fails (DOMAIN ("<graphics type='spice' autoport='no'><listen type='none'/></graphics>"), 0,
                G_IO_ERROR_NOT_SUPPORTED, "listen on the address 127.0.0.1 or on a socket");
}

static void
test_listen_index (void)
{
  const char *xml = DOMAIN ("<graphics type='vnc' port='5900' autoport='yes' listen='127.0.0.1'>"
                            "<listen type='address' address='127.0.0.1'/></graphics>"
                            "<graphics type='spice' port='5901' autoport='yes' listen='127.0.0.1'>"
                            "<listen type='address' address='127.0.0.1'/></graphics>"
                            "<graphics type='rdp' port='3389'/>");

  assert_tcp (xml, 0, "vnc", "127.0.0.1", 5900);
  assert_tcp (xml, 1, "spice", "127.0.0.1", 5901);
  assert_fails (xml, 2, G_IO_ERROR_NOT_SUPPORTED, "“rdp”");
  assert_fails (xml, 3, G_IO_ERROR_NOT_FOUND, "no display number 4");
  assert_fails (DOMAIN (""), 0, G_IO_ERROR_NOT_FOUND, "no display number 1");
}

static void
test_listen_no_port (void)
{
  /* Inactive XML of an autoport display: no port chosen yet. */
  assert_fails (DOMAIN ("<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>"
                        "<listen type='address' address='127.0.0.1'/></graphics>"),
                0, G_IO_ERROR_NOT_FOUND, "is the machine running?");
  assert_fails (DOMAIN ("<graphics type='spice' tlsPort='5902' autoport='no' listen='127.0.0.1'>"
                        "<listen type='address' address='127.0.0.1'/></graphics>"),
                0, G_IO_ERROR_NOT_SUPPORTED, "TLS");
  assert_fails ("<domain", 0, G_IO_ERROR_INVALID_DATA, NULL);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/graphics-tunnel/route", test_route);
  g_test_add_func ("/graphics-tunnel/argv/plain", test_argv_plain);
  g_test_add_func ("/graphics-tunnel/argv/settings", test_argv_settings);
  g_test_add_func ("/graphics-tunnel/argv/flags", test_argv_flags);
  g_test_add_func ("/graphics-tunnel/argv/ipv6", test_argv_ipv6);
  g_test_add_func ("/graphics-tunnel/argv/master", test_argv_master);
  g_test_add_func ("/graphics-tunnel/argv/socket", test_argv_socket);
  g_test_add_func ("/graphics-tunnel/control-name", test_control_name);
  g_test_add_func ("/graphics-tunnel/socket-command/quoting", test_socket_command_quoting);
  g_test_add_func ("/graphics-tunnel/socket-command/missing-tools", test_socket_command_missing_tools);
  g_test_add_func ("/graphics-tunnel/listen/address", test_listen_address);
  g_test_add_func ("/graphics-tunnel/listen/wildcard", test_listen_wildcard);
  g_test_add_func ("/graphics-tunnel/listen/socket", test_listen_socket);
  g_test_add_func ("/graphics-tunnel/listen/none", test_listen_none);
  g_test_add_func ("/graphics-tunnel/listen/index", test_listen_index);
  g_test_add_func ("/graphics-tunnel/listen/no-port", test_listen_no_port);

  return g_test_run ();
}
