/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Graphical consoles' transport against the private libvirtd of
 * vireo-testenv.sh: a TCG guest whose VNC display listens nowhere
 * (<listen type='none'/>) is reached through the socket the daemon hands
 * over (vireo_domain_open_graphics_fd_async), spoken to with gvnc, and
 * its screen must show SeaBIOS's text (pixels that are not black). On a
 * qemu+tcp connection the same call is refused without asking the daemon,
 * and the connection stays usable.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <gvnc.h>
#include <libvirt/libvirt.h>

#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define GUEST "vireo-console-vnc"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

static const char guest_xml[] =
  "<domain type='qemu'>"
  "  <name>" GUEST "</name>"
  "  <memory unit='MiB'>96</memory>"
  "  <vcpu>1</vcpu>"
  "  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>"
  "  <devices>"
  "    <graphics type='vnc'><listen type='none'/></graphics>"
  "    <video><model type='vga'/></video>"
  "    <memballoon model='none'/>"
  "  </devices>"
  "</domain>";

typedef struct
{
  VncConnection      *vnc;
  VncBaseFramebuffer *fb;
  guint8             *pixels;
  int                 width;
  int                 height;
  gboolean            initialized;
  gboolean            closed;
  char               *error;
  guint               updates;
} Viewer;

static void
on_initialized (VncConnection *vnc,
                Viewer        *v)
{
  /* 32-bit BGRX, as the widget will hold it for a GdkMemoryTexture. */
  VncPixelFormat local = {
    .bits_per_pixel = 32, .depth = 24, .byte_order = G_LITTLE_ENDIAN, .true_color_flag = 1,
    .red_max = 255, .green_max = 255, .blue_max = 255,
    .red_shift = 16, .green_shift = 8, .blue_shift = 0,
  };
  gint32 encodings[] = { 0 /* raw */ };

  v->width = vnc_connection_get_width (vnc);
  v->height = vnc_connection_get_height (vnc);
  v->pixels = g_malloc0 ((gsize) v->width * v->height * 4);
  g_assert_true (vnc_connection_set_pixel_format (vnc, &local));
  v->fb = vnc_base_framebuffer_new (v->pixels, v->width, v->height, v->width * 4, &local, &local);
  g_assert_true (vnc_connection_set_framebuffer (vnc, VNC_FRAMEBUFFER (v->fb)));
  g_assert_true (vnc_connection_set_encodings (vnc, G_N_ELEMENTS (encodings), encodings));
  g_assert_true (vnc_connection_framebuffer_update_request (vnc, FALSE, 0, 0, v->width, v->height));
  v->initialized = TRUE;
}

static void
on_update (VncConnection *vnc,
           guint16 x, guint16 y, guint16 w, guint16 h,
           Viewer        *v)
{
  v->updates++;
}

/* The daemon's socket skips the display's own password (SKIPAUTH): QEMU
 * offers "none", and gvnc waits for the client to pick it. */
static void
on_auth_choose_type (VncConnection *vnc,
                     gpointer       types,
                     Viewer        *v)
{
  g_assert_true (vnc_connection_set_auth_type (vnc, VNC_CONNECTION_AUTH_NONE));
}

static void
on_error (VncConnection *vnc,
          const char    *message,
          Viewer        *v)
{
  g_free (v->error);
  v->error = g_strdup (message);
}

static void
on_disconnected (VncConnection *vnc,
                 Viewer        *v)
{
  v->closed = TRUE;
}

static gboolean
initialized_or_closed (gpointer data)
{
  Viewer *v = data;

  return v->initialized || v->closed;
}

static guint
lit_pixels (Viewer *v)
{
  guint n = 0;

  for (gsize i = 0; i < (gsize) v->width * v->height; i++)
    if ((v->pixels[i * 4] | v->pixels[i * 4 + 1] | v->pixels[i * 4 + 2]) != 0)
      n++;
  return n;
}

static gboolean
screen_has_text (gpointer data)
{
  Viewer *v = data;
  static guint asked;

  if (v->closed)
    return TRUE;
  /* The BIOS writes as it goes: keep asking for what changed. */
  if (v->updates != asked)
    {
      asked = v->updates;
      vnc_connection_framebuffer_update_request (v->vnc, TRUE, 0, 0, v->width, v->height);
    }
  return lit_pixels (v) > 200;
}

static gboolean
guest_listed (gpointer data)
{
  return vireo_test_find_domain (data, GUEST) != NULL;
}

static gboolean
had_update (gpointer data)
{
  return ((Viewer *) data)->updates > 0;
}

static gboolean
vnc_closed (gpointer data)
{
  return ((Viewer *) data)->closed;
}

static void
test_vnc_through_fd (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr dom;
  VireoDomain *domain;
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  Viewer v = { 0 };
  char *live;
  int fd;

  g_assert_nonnull (direct);
  dom = virDomainCreateXML (direct, guest_xml, 0);
  g_assert_nonnull (dom);
  /* No port was opened for it. */
  live = virDomainGetXMLDesc (dom, 0);
  g_assert_nonnull (strstr (live, "<listen type='none'/>"));
  g_assert_null (strstr (live, "port="));
  free (live);

  vireo_test_wait_for (guest_listed, conn, 10, "the guest in the list");
  domain = vireo_test_find_domain (conn, GUEST);
  vireo_domain_open_graphics_fd_async (domain, 0, NULL, vireo_test_async_cb, &a);
  fd = vireo_domain_open_graphics_fd_finish (domain, vireo_test_async_wait (&a, 30), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);

  v.vnc = vnc_connection_new ();
  g_signal_connect (v.vnc, "vnc-initialized", G_CALLBACK (on_initialized), &v);
  g_signal_connect (v.vnc, "vnc-framebuffer-update", G_CALLBACK (on_update), &v);
  g_signal_connect (v.vnc, "vnc-error", G_CALLBACK (on_error), &v);
  g_signal_connect (v.vnc, "vnc-auth-choose-type", G_CALLBACK (on_auth_choose_type), &v);
  g_signal_connect (v.vnc, "vnc-disconnected", G_CALLBACK (on_disconnected), &v);
  /* No credentials are set: the socket skips the display's own auth. */
  g_assert_true (vnc_connection_open_fd (v.vnc, fd));
  vireo_test_wait_for (initialized_or_closed, &v, 30, "the VNC handshake");
  if (!v.initialized)
    g_error ("the VNC connection closed: %s", v.error ? v.error : "(no message)");
  g_assert_cmpint (v.width, >, 0);
  g_assert_cmpint (v.height, >, 0);

  vireo_test_wait_for (screen_has_text, &v, 60, "SeaBIOS's text on the screen");
  if (v.closed)
    g_error ("the VNC connection closed: %s", v.error ? v.error : "(no message)");
  /* gvnc reports each rectangle from its own idle. */
  vireo_test_wait_for (had_update, &v, 10, "an update signal");

  vnc_connection_shutdown (v.vnc);
  vireo_test_wait_for (vnc_closed, &v, 10, "the VNC close");
  g_signal_handlers_disconnect_by_data (v.vnc, &v);
  g_object_unref (v.vnc);
  g_clear_object (&v.fb);
  g_free (v.pixels);
  g_free (v.error);

  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (direct);
}

/* libvirt cannot pass a descriptor over the network, and trying breaks
 * the connection: Vireo must not try. */
static void
test_remote_refused (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (require_env ("VIREO_TEST_TCP_URI"), 0);
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr dom = virDomainCreateXML (direct, guest_xml, 0);
  VireoDomain *domain;
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (dom);
  vireo_test_wait_for (guest_listed, conn, 10, "the guest in the list");
  domain = vireo_test_find_domain (conn, GUEST);
  vireo_domain_open_graphics_fd_async (domain, 0, NULL, vireo_test_async_cb, &a);
  g_assert_cmpint (vireo_domain_open_graphics_fd_finish (domain, vireo_test_async_wait (&a, 30), &error), ==, -1);
  g_clear_object (&a.result);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_SUPPORTED);

  /* Still connected: a stop through it arrives as an event. */
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  vireo_domain_action_async (domain, VIREO_DOMAIN_ACTION_DESTROY, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 30), NULL));
  g_clear_object (&a.result);
  virDomainFree (dom);
  virConnectClose (direct);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

  g_test_add_func ("/console-integration/vnc-through-fd", test_vnc_through_fd);
  g_test_add_func ("/console-integration/remote-refused", test_remote_refused);

  {
    int ret = g_test_run ();

    g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
    return ret;
  }
}
