/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * VireoSpiceSession against the private libvirtd of vireo-testenv.sh: TCG
 * guests whose SPICE display listens nowhere (<listen type='none'/>) and
 * that boot the key-echo ISO of vireo-test-bootsector.h. Every channel's
 * socket comes from the daemon ("open-fd"); the screen must show SeaBIOS's
 * text; keys typed through the session must come back on the guest's
 * serial port; closing, a destroyed guest and a remote connection each end
 * the session with the right reason.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "vireo-spice-session.h"
#include "vireo-test-bootsector.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define GUEST          "vireo-spice"
#define GUEST_RELATIVE "vireo-spice-relative"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

/* @usb: a USB tablet, as new machines get, and a USB redirection
 * channel. */
static char *
guest_xml (const char *name,
           const char *iso,
           gboolean    usb)
{
  return g_strdup_printf (
    "<domain type='qemu'>"
    "  <name>%s</name>"
    "  <memory unit='MiB'>96</memory>"
    "  <vcpu>1</vcpu>"
    "  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/></os>"
    "  <devices>"
    "    <disk type='file' device='cdrom'>"
    "      <source file='%s'/><target dev='hdc' bus='ide'/><readonly/>"
    "    </disk>"
    "    <graphics type='spice'><listen type='none'/></graphics>"
    "    <video><model type='qxl'/></video>"
    "    %s"
    "    <serial type='pty'/>"
    "    <memballoon model='none'/>"
    "  </devices>"
    "</domain>",
    name, iso,
    usb ? "<input type='tablet' bus='usb'/><redirdev bus='usb' type='spicevmc'/>" : "");
}

static char *
build_iso (void)
{
  g_autofree char *dir = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "spice", NULL);

  return vireo_test_build_key_echo_iso (dir);
}

static gboolean
guest_listed (gpointer data)
{
  return vireo_test_find_domain (data, GUEST) != NULL ||
         vireo_test_find_domain (data, GUEST_RELATIVE) != NULL;
}

static gboolean
state_settled (gpointer data)
{
  return vireo_graphics_session_get_state (data) != VIREO_GRAPHICS_STATE_CONNECTING;
}

static gboolean
disconnected (gpointer data)
{
  return vireo_graphics_session_get_state (data) == VIREO_GRAPHICS_STATE_DISCONNECTED;
}

static void
wait_connected (VireoGraphicsSession *session)
{
  vireo_test_wait_for (state_settled, session, 60, "the SPICE session to connect");
  if (vireo_graphics_session_get_state (session) != VIREO_GRAPHICS_STATE_CONNECTED)
    g_error ("the SPICE session ended: %s", vireo_graphics_session_get_error (session));
}

/* Pixels with any colour; the fourth byte is undefined, so never read. */
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

/* The <graphics> element of the live definition, which must name no
 * port: nothing listens for this display. */
static char *
graphics_element (virDomainPtr dom)
{
  char *live = virDomainGetXMLDesc (dom, 0);
  const char *start, *end;
  char *element;

  g_assert_nonnull (live);
  start = strstr (live, "<graphics");
  g_assert_nonnull (start);
  end = strstr (start, "</graphics>");
  g_assert_nonnull (end);
  element = g_strndup (start, end - start);
  free (live);
  return element;
}

static gboolean
finalized (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
type_keys (VireoGraphicsSession *session,
           const guint16        *xt,
           gsize                 n)
{
  for (gsize i = 0; i < n; i++)
    {
      vireo_graphics_session_key (session, xt[i], 0, TRUE);
      vireo_graphics_session_key (session, xt[i], 0, FALSE);
    }
  g_assert_cmpuint (vireo_graphics_session_get_n_keys_down (session), ==, 0);
}

/* a) The screen through "open-fd", b) keys reach the guest, USB
 * redirection is offered, c) close ends the session without an error. */
static void
test_screen_keys_close (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *iso = build_iso ();
  g_autofree char *xml = guest_xml (GUEST, iso, TRUE);
  g_autofree char *graphics = NULL;
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(VireoSpiceSession) spice = NULL;
  GdkTexture *texture;
  g_autoptr(GPtrArray) devices = NULL;
  g_autofree char *reason = NULL;
  VireoGraphicsSession *session;
  virConnectPtr direct = virConnectOpen (uri);
  VireoTestSerial *serial;
  VireoFramebuffer *fb;
  virDomainPtr dom;
  gpointer weak;
  /* v i r e o, Enter */
  static const guint16 keys[] = { 0x2f, 0x17, 0x13, 0x12, 0x18, 0x1c };

  g_assert_nonnull (direct);
  dom = virDomainCreateXML (direct, xml, 0);
  if (dom == NULL)
    g_error ("could not start the guest: %s", virGetLastErrorMessage ());
  graphics = graphics_element (dom);
  g_assert_nonnull (strstr (graphics, "type='spice'"));
  g_assert_nonnull (strstr (graphics, "<listen type='none'/>"));
  g_assert_null (strstr (graphics, "port="));
  g_assert_null (strstr (graphics, "Port="));
  serial = vireo_test_serial_open (direct, dom);

  vireo_test_wait_for (guest_listed, conn, 10, "the guest in the list");
  spice = vireo_spice_session_new (vireo_test_find_domain (conn, GUEST), 0);
  session = VIREO_GRAPHICS_SESSION (spice);
  g_assert_cmpstr (vireo_graphics_session_get_protocol (session), ==, "spice");
  g_assert_cmpint (vireo_graphics_session_get_state (session), ==, VIREO_GRAPHICS_STATE_CONNECTING);
  vireo_spice_session_connect (spice);
  wait_connected (session);

  /* a) SeaBIOS's text, copied out of spice-glib's surface. */
  vireo_test_wait_for (screen_has_text, session, 60, "SeaBIOS's text on the screen");
  fb = vireo_graphics_session_get_framebuffer (session);
  g_assert_nonnull (fb);
  g_assert_cmpint (vireo_graphics_session_get_state (session), ==, VIREO_GRAPHICS_STATE_CONNECTED);
  g_assert_cmpint (vireo_framebuffer_get_width (fb), >=, 640);
  g_assert_cmpint (vireo_framebuffer_get_height (fb), >=, 400);
  texture = vireo_framebuffer_get_texture (fb);
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, vireo_framebuffer_get_width (fb));
  g_assert_cmpint (gdk_texture_get_height (texture), ==, vireo_framebuffer_get_height (fb));
  /* What the widget draws is what the framebuffer holds. */
  {
    gsize stride = (gsize) gdk_texture_get_width (texture) * 4;
    g_autofree guint8 *pixels = g_malloc (stride * gdk_texture_get_height (texture));
    guint lit = 0, same = 0, total = 0;

    gdk_texture_download (texture, pixels, stride);
    for (int y = 0; y < gdk_texture_get_height (texture); y++)
      for (int x = 0; x < gdk_texture_get_width (texture); x++)
        {
          const guint8 *t = pixels + y * stride + x * 4;
          const guint8 *f = vireo_framebuffer_get_data (fb) + y * vireo_framebuffer_get_stride (fb) + x * 4;

          total++;
          lit += (t[0] | t[1] | t[2]) != 0;
          same += t[0] == f[0] && t[1] == f[1] && t[2] == f[2];
        }
    g_assert_cmpuint (lit, >, 200);
    g_assert_cmpuint (same, ==, total);
  }

  /* QEMU offers SPICE's client (absolute) mouse mode only once the guest
   * drives the tablet, and SeaBIOS does not (a tablet is no boot
   * protocol mouse): the server stays in its own mode, and the session
   * must say relative, not the base class's default. */
  g_assert_false (vireo_graphics_session_get_absolute_pointer (session));

  /* b) The boot code echoes what the BIOS reads on COM1. */
  vireo_test_serial_wait_for (serial, VIREO_TEST_KEYS_BANNER, 60);
  type_keys (session, keys, G_N_ELEMENTS (keys));
  /* Lower case: not the banner's VIREO. */
  vireo_test_serial_wait_for (serial, "vireo", 30);

  /* The guest has a USB redirection channel. This computer's devices may
   * be none (a container without /dev/bus/usb): what is listed is what
   * spice-glib sees, and an index past it is refused. */
  if (!vireo_spice_session_get_usb_available (spice, &reason))
    g_error ("USB redirection should be available: %s", reason);
  g_assert_null (reason);
  devices = vireo_spice_session_list_usb_devices (spice);
  g_assert_nonnull (devices);
  g_test_message ("%u USB device(s) on this computer", devices->len);
  for (guint i = 0; i < devices->len; i++)
    {
      g_assert_true (g_utf8_validate (devices->pdata[i], -1, NULL));
      g_assert_false (vireo_spice_session_get_usb_device_connected (spice, i));
    }
  {
    VireoTestAsync a = { 0 };
    g_autoptr(GError) error = NULL;

    vireo_spice_session_connect_usb_device_async (spice, devices->len, NULL, vireo_test_async_cb, &a);
    g_assert_false (vireo_spice_session_connect_usb_device_finish (spice, vireo_test_async_wait (&a, 10),
                                                                   &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_object (&a.result);
  }

  /* What this guest cannot show, said rather than faked. */
  g_test_message ("not exercised here: guest resizing and the clipboard need the SPICE agent "
                  "(spice-vdagent) in a guest OS, and this guest is a boot sector; audio playback "
                  "needs a guest sound driver and, on this host, a GStreamer audio sink (only "
                  "GStreamer's core elements are installed, and there is no sound server)");
  g_assert_false (vireo_graphics_session_get_can_resize_guest (session));

  /* c) Asked to close: no error to show. */
  vireo_graphics_session_close (session);
  g_assert_cmpint (vireo_graphics_session_get_state (session), ==, VIREO_GRAPHICS_STATE_DISCONNECTED);
  g_assert_null (vireo_graphics_session_get_error (session));
  /* Keys after the end go nowhere, and nothing is left held. */
  vireo_graphics_session_key (session, 0x1e, 0, TRUE);
  g_assert_cmpuint (vireo_graphics_session_get_n_keys_down (session), ==, 0);
  /* Dropped, the session goes once the socket requests still on the
   * worker have answered (the spice-glib session finishes on its own). */
  weak = spice;
  g_object_add_weak_pointer (G_OBJECT (spice), &weak);
  g_clear_object (&spice);
  vireo_test_wait_for (finalized, &weak, 10, "the session to be finalized");

  vireo_test_serial_close (serial);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (direct);
}

/* c) The guest goes away under a connected session: the session says so.
 * This guest has no USB redirection channel either. */
static void
test_guest_destroyed (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *iso = build_iso ();
  g_autofree char *xml = guest_xml (GUEST_RELATIVE, iso, FALSE);
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(VireoSpiceSession) spice = NULL;
  g_autofree char *reason = NULL;
  VireoGraphicsSession *session;
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr dom;
  const char *error;

  g_assert_nonnull (direct);
  dom = virDomainCreateXML (direct, xml, 0);
  if (dom == NULL)
    g_error ("could not start the guest: %s", virGetLastErrorMessage ());
  vireo_test_wait_for (guest_listed, conn, 10, "the guest in the list");
  spice = vireo_spice_session_new (vireo_test_find_domain (conn, GUEST_RELATIVE), 0);
  session = VIREO_GRAPHICS_SESSION (spice);
  vireo_spice_session_connect (spice);
  wait_connected (session);
  vireo_test_wait_for (screen_has_text, session, 60, "SeaBIOS's text on the screen");

  g_assert_false (vireo_spice_session_get_usb_available (spice, &reason));
  g_assert_nonnull (reason);
  g_assert_nonnull (strstr (reason, "no USB redirection channel"));

  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  vireo_test_wait_for (disconnected, session, 30, "the session to notice the guest is gone");
  error = vireo_graphics_session_get_error (session);
  g_assert_nonnull (error);
  g_assert_cmpstr (error, !=, "");
  g_test_message ("a destroyed guest ends the session with: %s", error);

  virDomainFree (dom);
  virConnectClose (direct);
}

/* d) A remote connection cannot hand over the display's socket: the
 * session ends with that reason, without asking the daemon, and the
 * connection stays usable. */
static void
test_remote_refused (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *iso = build_iso ();
  g_autofree char *xml = guest_xml (GUEST_RELATIVE, iso, FALSE);
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (require_env ("VIREO_TEST_TCP_URI"), 0);
  g_autoptr(VireoSpiceSession) spice = NULL;
  g_autoptr(GError) expected = NULL;
  VireoGraphicsSession *session;
  virConnectPtr direct = virConnectOpen (uri);
  VireoDomain *domain;
  VireoTestAsync a = { 0 };
  virDomainPtr dom;

  g_assert_nonnull (direct);
  dom = virDomainCreateXML (direct, xml, 0);
  g_assert_nonnull (dom);
  vireo_test_wait_for (guest_listed, conn, 10, "the guest in the list");
  domain = vireo_test_find_domain (conn, GUEST_RELATIVE);

  /* What the session must say: the domain's own refusal. */
  vireo_domain_open_graphics_fd_async (domain, 0, NULL, vireo_test_async_cb, &a);
  g_assert_cmpint (vireo_domain_open_graphics_fd_finish (domain, vireo_test_async_wait (&a, 30), &expected),
                   ==, -1);
  g_clear_object (&a.result);
  g_assert_error (expected, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_SUPPORTED);

  spice = vireo_spice_session_new (domain, 0);
  session = VIREO_GRAPHICS_SESSION (spice);
  vireo_spice_session_connect (spice);
  vireo_test_wait_for (disconnected, session, 30, "the session to give up");
  g_assert_cmpstr (vireo_graphics_session_get_error (session), ==, expected->message);
  g_assert_null (vireo_graphics_session_get_framebuffer (session));

  /* Still connected: a stop through it works and arrives as an event. */
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  vireo_domain_action_async (domain, VIREO_DOMAIN_ACTION_DESTROY, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 30), NULL));
  g_clear_object (&a.result);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
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

  g_test_add_func ("/spice-integration/screen-keys-close", test_screen_keys_close);
  g_test_add_func ("/spice-integration/guest-destroyed", test_guest_destroyed);
  g_test_add_func ("/spice-integration/remote-refused", test_remote_refused);

  {
    int ret = g_test_run ();

    g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
    return ret;
  }
}
