/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Remote graphical consoles over qemu+ssh, against the private libvirtd and
 * sshd of vireo-testenv.sh. vireo_domain_open_graphics_fd_async() on an
 * SSH connection must give a socket that reaches the display on the far
 * side: QEMU's SPICE server answers a link message (four channels at once,
 * with one SSH login between them), VNC greets with its RFB banner over a
 * TCP port and over a Unix socket, and the real consumers work on it
 * (VireoSpiceSession, whose every channel asks for its own socket, and
 * VireoVncSession: connected, SeaBIOS's text on screen). A display that
 * listens nowhere and a qemu+tcp connection are refused in words, without
 * hurting the connection. With a password login (no key), Vireo's askpass
 * dialog is asked once for the connection and once for all the channels.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-graphics-tunnel.h"
#include "vireo-spice-session.h"
#include "vireo-ssh-askpass.h"
#include "vireo-test-virt.h"
#include "vireo-vnc-session.h"
#include "vireo-worker.h"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

static char *
guest_xml (const char *name,
           const char *graphics)
{
  return g_strdup_printf ("<domain type='qemu'>"
                          "  <name>%s</name>"
                          "  <memory unit='MiB'>96</memory>"
                          "  <vcpu>1</vcpu>"
                          "  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>"
                          "  <devices>"
                          "    %s"
                          "    <video><model type='vga'/></video>"
                          "    <memballoon model='none'/>"
                          "  </devices>"
                          "</domain>",
                          name, graphics);
}

typedef struct
{
  virConnectPtr  direct;
  virDomainPtr   dom;
  char          *name;
} Guest;

static void
guest_start (Guest      *g,
             const char *name,
             const char *graphics)
{
  g_autofree char *xml = guest_xml (name, graphics);

  g->direct = virConnectOpen (require_env ("VIREO_TEST_URI"));
  g_assert_nonnull (g->direct);
  g->dom = virDomainCreateXML (g->direct, xml, 0);
  if (g->dom == NULL)
    g_error ("could not start %s: %s", name, virGetLastErrorMessage ());
  g->name = g_strdup (name);
}

static void
guest_stop (Guest *g)
{
  virDomainDestroy (g->dom);
  virDomainFree (g->dom);
  virConnectClose (g->direct);
  g_free (g->name);
}

typedef struct
{
  VireoConnection *conn;
  const char      *name;
} Lookup;

static gboolean
listed (gpointer data)
{
  Lookup *l = data;

  return vireo_test_find_domain (l->conn, l->name) != NULL;
}

static VireoDomain *
find_listed (VireoConnection *conn,
             const char      *name)
{
  Lookup l = { conn, name };

  vireo_test_wait_for (listed, &l, 10, "the guest in the list");
  return vireo_test_find_domain (conn, name);
}

static int
open_fd (VireoDomain  *domain,
         GError      **error)
{
  VireoTestAsync a = { 0 };
  int fd;

  vireo_domain_open_graphics_fd_async (domain, 0, NULL, vireo_test_async_cb, &a);
  fd = vireo_domain_open_graphics_fd_finish (domain, vireo_test_async_wait (&a, 60), error);
  g_clear_object (&a.result);
  return fd;
}

/* Reads exactly @len bytes; a guard against a hang, not a measurement. */
static void
read_exactly (int     fd,
              void   *buf,
              gsize   len,
              const char *what)
{
  struct timeval tv = { .tv_sec = 60 };
  gsize have = 0;

  g_assert_cmpint (setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), ==, 0);
  while (have < len)
    {
      ssize_t n = read (fd, (char *) buf + have, len - have);

      if (n <= 0)
        g_error ("%s: the tunnel closed after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes (%s); "
                 "ssh's reason is in the log above", what, have, len, n < 0 ? g_strerror (errno) : "EOF");
      have += (gsize) n;
    }
}

static void
assert_rfb_banner (int fd)
{
  char banner[12];

  read_exactly (fd, banner, sizeof banner, "the RFB banner");
  g_assert_cmpmem (banner, sizeof banner, "RFB 003.008\n", 12);
}

static void
put32 (guint8  *p,
       guint32  v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static guint32
get32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

/* A SPICE link message for the main channel; the server's link reply
 * must start with the same magic and protocol version, and no error. */
static void
assert_spice_link (int fd)
{
  guint8 msg[16 + 18] = { 'R', 'E', 'D', 'Q' };
  guint8 reply[16 + 4];

  put32 (msg + 4, 2);              /* major version */
  put32 (msg + 8, 2);              /* minor version */
  put32 (msg + 12, 18);            /* size of SpiceLinkMess */
  put32 (msg + 16, 0);             /* connection id: a new session */
  msg[20] = 1;                     /* channel type: main */
  msg[21] = 0;                     /* channel id */
  put32 (msg + 22, 0);             /* common caps */
  put32 (msg + 26, 0);             /* channel caps */
  put32 (msg + 30, 18);            /* caps offset */
  g_assert_cmpint (write (fd, msg, sizeof msg), ==, (ssize_t) sizeof msg);

  read_exactly (fd, reply, sizeof reply, "the SPICE link reply");
  g_assert_cmpmem (reply, 4, "REDQ", 4);
  g_assert_cmpuint (get32 (reply + 4), ==, 2);
  g_assert_cmpuint (get32 (reply + 12), >, 4);
  g_assert_cmpuint (get32 (reply + 16), ==, 0);    /* SPICE_LINK_ERR_OK */
}

/* Logins sshd accepted so far (its log runs with LogLevel VERBOSE). */
static guint
count_logins (const char *line)
{
  g_autofree char *path = g_build_filename (require_env ("VIREO_TEST_STATE"), "log", "sshd.stderr", NULL);
  g_autofree char *log = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &log, NULL, &error));
  for (const char *p = log; (p = strstr (p, line)) != NULL; p++)
    n++;
  return n;
}

static guint
ssh_logins (void)
{
  return count_logins ("Accepted publickey for root ");
}

/* ------------------------------------------------------------------------ */

#define SPICE_GUEST "vireo-tunnel-spice"
#define SPICE_TCP   "<graphics type='spice' autoport='yes'><listen type='address' address='127.0.0.1'/></graphics>"

typedef struct
{
  VireoTestAsync a;
  int            fd;
} Open;

/* Four channels asked at once, as a SPICE session asks them: one login
 * between them. It runs first, so no shared login exists yet. */
static void
test_spice_parallel (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (require_env ("VIREO_TEST_SSH_URI"), 0);
  VireoDomain *domain;
  Open opens[4] = { 0 };
  Guest g = { 0 };
  guint before;

  guest_start (&g, SPICE_GUEST, SPICE_TCP);
  domain = find_listed (conn, SPICE_GUEST);
  before = ssh_logins ();

  for (guint i = 0; i < G_N_ELEMENTS (opens); i++)
    vireo_domain_open_graphics_fd_async (domain, 0, NULL, vireo_test_async_cb, &opens[i].a);
  for (guint i = 0; i < G_N_ELEMENTS (opens); i++)
    {
      g_autoptr(GError) error = NULL;

      opens[i].fd = vireo_domain_open_graphics_fd_finish (domain, vireo_test_async_wait (&opens[i].a, 60), &error);
      g_clear_object (&opens[i].a.result);
      g_assert_no_error (error);
      g_assert_cmpint (opens[i].fd, >=, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (opens); i++)
    {
      assert_spice_link (opens[i].fd);
      close (opens[i].fd);
    }
  g_test_message ("sshd logins: %u before, %u after four channels", before, ssh_logins ());
  g_assert_cmpuint (ssh_logins (), ==, before + 1);

  /* A fifth, later: the same login again. */
  {
    g_autoptr(GError) error = NULL;
    int fd = open_fd (domain, &error);

    g_assert_no_error (error);
    assert_spice_link (fd);
    close (fd);
    g_assert_cmpuint (ssh_logins (), ==, before + 1);
  }
  guest_stop (&g);
}

static gboolean
session_settled (gpointer data)
{
  return vireo_graphics_session_get_state (data) != VIREO_GRAPHICS_STATE_CONNECTING;
}

static guint
lit_pixels (VireoFramebuffer *fb)
{
  const guint8 *data = vireo_framebuffer_get_data (fb);
  gsize stride = vireo_framebuffer_get_stride (fb);
  guint n = 0;

  for (int y = 0; y < vireo_framebuffer_get_height (fb); y++)
    for (int x = 0; x < vireo_framebuffer_get_width (fb); x++)
      {
        const guint8 *p = data + y * stride + x * 4;

        if ((p[0] | p[1] | p[2]) != 0)
          n++;
      }
  return n;
}

static gboolean
screen_has_text (gpointer data)
{
  VireoGraphicsSession *session = data;
  VireoFramebuffer *fb = vireo_graphics_session_get_framebuffer (session);

  return vireo_graphics_session_get_state (session) == VIREO_GRAPHICS_STATE_DISCONNECTED ||
         (fb != NULL && lit_pixels (fb) > 200);
}

static void
assert_session_shows_bios (VireoGraphicsSession *session,
                           const char           *what)
{
  vireo_test_wait_for (session_settled, session, 60, what);
  if (vireo_graphics_session_get_state (session) != VIREO_GRAPHICS_STATE_CONNECTED)
    g_error ("%s ended: %s", what, vireo_graphics_session_get_error (session));
  vireo_test_wait_for (screen_has_text, session, 60, "SeaBIOS's text on the screen");
  if (vireo_graphics_session_get_state (session) != VIREO_GRAPHICS_STATE_CONNECTED)
    g_error ("%s ended: %s", what, vireo_graphics_session_get_error (session));
  vireo_graphics_session_close (session);
}

/* The real SPICE consumer: a socket per channel, all through the tunnel. */
static void
test_spice_session (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (require_env ("VIREO_TEST_SSH_URI"), 0);
  g_autoptr(VireoSpiceSession) spice = NULL;
  Guest g = { 0 };

  guest_start (&g, SPICE_GUEST, SPICE_TCP);
  spice = vireo_spice_session_new (find_listed (conn, SPICE_GUEST), 0);
  vireo_spice_session_connect (spice);
  assert_session_shows_bios (VIREO_GRAPHICS_SESSION (spice), "the SPICE session over SSH");
  guest_stop (&g);
}

#define VNC_GUEST "vireo-tunnel-vnc"

/* VNC on 127.0.0.1 with a port libvirt chose: the banner, then the real
 * consumer on a second socket. */
static void
test_vnc_tcp (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (require_env ("VIREO_TEST_SSH_URI"), 0);
  g_autoptr(VireoVncSession) vnc = NULL;
  g_autoptr(GError) error = NULL;
  VireoDomain *domain;
  Guest g = { 0 };
  int fd;

  guest_start (&g, VNC_GUEST,
               "<graphics type='vnc' autoport='yes'><listen type='address' address='127.0.0.1'/></graphics>");
  domain = find_listed (conn, VNC_GUEST);
  fd = open_fd (domain, &error);
  g_assert_no_error (error);
  assert_rfb_banner (fd);
  close (fd);

  fd = open_fd (domain, &error);
  g_assert_no_error (error);
  vnc = vireo_vnc_session_new ();
  g_assert_true (vireo_vnc_session_open_fd (vnc, fd, FALSE, &error));
  g_assert_no_error (error);
  assert_session_shows_bios (VIREO_GRAPHICS_SESSION (vnc), "the VNC session over SSH");
  guest_stop (&g);
}

/* A display on a Unix socket of the far side: a relay program there
 * (python3, socat or nc -U) connects to it. */
static void
test_vnc_socket (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (require_env ("VIREO_TEST_SSH_URI"), 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *live = NULL;
  g_autofree char *python3 = g_find_program_in_path ("python3");
  g_autofree char *socat = g_find_program_in_path ("socat");
  g_autofree char *nc = g_find_program_in_path ("nc");
  Guest g = { 0 };
  int fd;

  /* The far side is this machine, seen from the environment's sshd. */
  if (python3 == NULL && socat == NULL && nc == NULL)
    g_error ("the SSH far side has none of python3, socat or nc: a display on a Unix socket cannot be "
             "reached there (install python3, or socat, or netcat-openbsd)");
  g_test_message ("relay programs on the far side: python3 %s, socat %s, nc %s",
                  python3 ? python3 : "-", socat ? socat : "-", nc ? nc : "-");

  guest_start (&g, VNC_GUEST "-socket", "<graphics type='vnc'><listen type='socket'/></graphics>");
  live = virDomainGetXMLDesc (g.dom, 0);
  g_assert_nonnull (strstr (live, "<listen type='socket' socket='/"));
  fd = open_fd (find_listed (conn, VNC_GUEST "-socket"), &error);
  g_assert_no_error (error);
  assert_rfb_banner (fd);
  close (fd);
  guest_stop (&g);
}

static void
assert_still_connected (VireoConnection *conn,
                        VireoDomain     *domain)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;

  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  vireo_domain_read_xml_async (domain, FALSE, NULL, vireo_test_async_cb, &a);
  xml = vireo_domain_read_xml_finish (domain, vireo_test_async_wait (&a, 30), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (xml, "<graphics"));
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
}

/* A password login through Vireo's askpass helper, as the app runs ssh:
 * the connection asks once, the four channels of a SPICE session once
 * between them (the tunnel's question comes through the manager, with no
 * connection: that one is connected already). */
typedef struct
{
  guint            asked;
  VireoConnection *last_connection;
  char            *last_label;
} Asker;

static gboolean
answer_password (VireoConnectionManager *manager,
                 VireoConnection        *connection,
                 VireoAuthRequest       *request,
                 Asker                  *asker)
{
  const char *answers[] = { require_env ("VIREO_TEST_SSH_PASSWORD"), NULL };

  g_assert_cmpint (vireo_auth_request_get_kind (request), ==, VIREO_AUTH_REQUEST_CREDENTIALS);
  asker->asked++;
  asker->last_connection = connection;
  g_free (asker->last_label);
  asker->last_label = g_strdup (vireo_auth_request_get_field_label (request, 0));
  vireo_auth_request_respond (request, answers, FALSE);
  return TRUE;
}

static void
test_password_asked_once (void)
{
  g_autoptr(VireoConnectionManager) manager = vireo_connection_manager_new ();
  g_autofree char *uri = g_strdup_printf ("qemu+ssh://%s@127.0.0.1:%s/system",
                                          require_env ("VIREO_TEST_SSH_PASSWORD_USER"),
                                          require_env ("VIREO_TEST_SSH_PORT"));
  g_autofree char *accepted = g_strdup_printf ("Accepted password for %s ",
                                               require_env ("VIREO_TEST_SSH_PASSWORD_USER"));
  g_autoptr(VireoConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };
  Asker asker = { 0 };
  Open opens[4] = { 0 };
  VireoDomain *domain;
  Guest g = { 0 };
  guint logins;

  g_signal_connect (manager, "authenticate", G_CALLBACK (answer_password), &asker);
  /* No command= of its own: opened through Vireo's ssh helper. */
  conn = g_object_ref (vireo_connection_manager_add (manager, uri));
  vireo_connection_set_stats_interval (conn, 0);
  vireo_connection_open_async (conn, NULL, vireo_test_async_cb, &a);
  vireo_connection_open_finish (conn, vireo_test_async_wait (&a, 60), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_cmpuint (asker.asked, ==, 1);
  g_assert_true (asker.last_connection == conn);

  guest_start (&g, SPICE_GUEST, SPICE_TCP);
  domain = find_listed (conn, SPICE_GUEST);
  logins = count_logins (accepted);
  for (guint i = 0; i < G_N_ELEMENTS (opens); i++)
    vireo_domain_open_graphics_fd_async (domain, 0, NULL, vireo_test_async_cb, &opens[i].a);
  for (guint i = 0; i < G_N_ELEMENTS (opens); i++)
    {
      opens[i].fd = vireo_domain_open_graphics_fd_finish (domain, vireo_test_async_wait (&opens[i].a, 60), &error);
      g_clear_object (&opens[i].a.result);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (opens); i++)
    {
      assert_spice_link (opens[i].fd);
      close (opens[i].fd);
    }
  g_assert_cmpuint (asker.asked, ==, 2);
  g_assert_null (asker.last_connection);
  g_assert_nonnull (strstr (asker.last_label, "'s password"));
  g_assert_cmpuint (count_logins (accepted), ==, logins + 1);

  vireo_connection_manager_remove (manager, conn);
  g_free (asker.last_label);
  guest_stop (&g);
}

/* A login that fails is the error, in ssh's own words, for every request
 * that waited for it. */
static void
test_login_fails (void)
{
  g_autofree char *uri = g_strdup_printf ("qemu+ssh://root@127.0.0.1:%s/system?command=%s&no_tty=1",
                                          require_env ("VIREO_TEST_SSH_PORT"),
                                          require_env ("VIREO_TEST_SSH_COMMAND"));
  VireoGraphicsTarget target = { .type = (char *) "vnc", .kind = VIREO_GRAPHICS_LISTEN_ADDRESS,
                                 .address = (char *) "127.0.0.1", .port = 5900 };
  VireoTestAsync a[2] = { 0 };

  /* Key login only, and no key given: sshd refuses. */
  for (guint i = 0; i < G_N_ELEMENTS (a); i++)
    vireo_graphics_tunnel_open_async (uri, &target, NULL, vireo_test_async_cb, &a[i]);
  for (guint i = 0; i < G_N_ELEMENTS (a); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (vireo_graphics_tunnel_open_finish (vireo_test_async_wait (&a[i], 60), &error), ==, -1);
      g_clear_object (&a[i].result);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, "SSH could not log in to the host for the display: "));
      g_assert_nonnull (strstr (error->message, "Permission denied (publickey)"));
    }
}

/* Refusals in words, and the connection goes on. */
static void
test_refusals (void)
{
  g_autoptr(VireoConnection) ssh = vireo_test_open_connection (require_env ("VIREO_TEST_SSH_URI"), 0);
  g_autoptr(VireoConnection) tcp = vireo_test_open_connection (require_env ("VIREO_TEST_TCP_URI"), 0);
  g_autoptr(GError) error = NULL;
  VireoDomain *domain;
  Guest g = { 0 };

  guest_start (&g, "vireo-tunnel-none", "<graphics type='vnc'><listen type='none'/></graphics>");

  domain = find_listed (ssh, "vireo-tunnel-none");
  g_assert_cmpint (open_fd (domain, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_true (g_str_has_prefix (error->message, "This display accepts no network or socket connections"));
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_clear_error (&error);
  assert_still_connected (ssh, domain);

  domain = find_listed (tcp, "vireo-tunnel-none");
  g_assert_cmpint (open_fd (domain, &error), ==, -1);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_SUPPORTED);
  g_assert_true (g_str_has_prefix (error->message,
                                   "Consoles of remote machines are reached through SSH; this connection "
                                   "uses “tcp”"));
  assert_still_connected (tcp, domain);
  guest_stop (&g);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *runtime = NULL;
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  /* The shared logins' control sockets go below the runtime folder: a
   * fresh one, so no login from an earlier run is reused. */
  runtime = g_dir_make_tmp ("vireo-rt-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);

  g_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();
  /* As the app: ssh's questions come to Vireo. URIs with a command= of
   * their own (the environment's key login) are left alone. */
  vireo_ssh_askpass_init (require_env ("VIREO_ASKPASS_HELPER"), require_env ("VIREO_TEST_SSH_COMMAND"), &error);
  g_assert_no_error (error);

  g_test_add_func ("/graphics-tunnel/spice-parallel", test_spice_parallel);
  g_test_add_func ("/graphics-tunnel/spice-session", test_spice_session);
  g_test_add_func ("/graphics-tunnel/vnc-tcp", test_vnc_tcp);
  g_test_add_func ("/graphics-tunnel/vnc-socket", test_vnc_socket);
  g_test_add_func ("/graphics-tunnel/password-asked-once", test_password_asked_once);
  g_test_add_func ("/graphics-tunnel/login-fails", test_login_fails);
  g_test_add_func ("/graphics-tunnel/refusals", test_refusals);

  ret = g_test_run ();
  vireo_ssh_askpass_shutdown ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
