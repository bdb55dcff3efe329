/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Port forwarding of a usermode NIC on the private libvirtd
 * (vireo-testenv.sh), with the forwards written by Vireo's model the way
 * the port-forward editor writes them.
 *
 * passt: where libvirt takes <backend type='passt'/>, the guest is
 * started and the forwarded host port must be listened on (passt binds
 * it before QEMU starts, so once virDomainCreate returns it is there).
 * Debian 12's libvirt 9.0.0 does not take it: Debian's
 * "Disable-passt-support.patch" makes the parser refuse the backend in
 * every driver ("not quite ready for prime time yet"). On that libvirt,
 * and only there, the refusal itself is what is checked, word for word,
 * and it is printed; any other refusal fails.
 *
 * SLIRP: without passt, libvirt 9.0 takes <portForward> and gives QEMU no
 * forward at all; nothing listens. That is why the model refuses forwards
 * on such a card, and this test holds libvirt to it.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <gio/gio.h>

#include "vireo-domain-config.h"
#include "vireo-interface.h"
#include "vireo-test-util.h"

#define GUEST "vireo-it-forwards"
#define GUEST_MAC "52:54:00:7e:57:10"

/* What Debian's patch makes libvirt 9.0.0 say for any passt backend. */
#define DEBIAN_PASST_REFUSAL "XML error: Invalid value for attribute 'type' in element 'backend': 'passt'."

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

/* The last display port of the environment's slot: reserved for it, and
 * its one guest's VNC takes the first. */
static guint
forward_port (void)
{
  guint64 port = 0;

  g_assert_true (g_ascii_string_to_unsigned (require_env ("VIREO_TEST_DISPLAY_PORT_MAX"), 10, 1024, 65535,
                                             &port, NULL));
  return port;
}

/* Whether anything listens on TCP @port, IPv4 or IPv6, read from the
 * kernel's own tables rather than by connecting (a connect could be
 * answered by a guest that is not there). */
static gboolean
port_listening (guint port)
{
  const char *tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (tables[t], &text, NULL, NULL))
        continue;
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
          g_autoptr(GPtrArray) words = g_ptr_array_new ();
          const char *colon;

          for (guint f = 0; fields[f] != NULL; f++)
            if (*fields[f] != '\0')
              g_ptr_array_add (words, fields[f]);
          /* sl local_address rem_address st ... */
          if (words->len < 4 || (colon = strrchr (words->pdata[1], ':')) == NULL)
            continue;
          if (g_ascii_strtoull (colon + 1, NULL, 16) == port && g_str_equal (words->pdata[3], "0A"))
            return TRUE;
        }
    }
  return FALSE;
}

/* "Nothing listens" proves something only if a listener would be seen:
 * listen on @port ourselves (every address, as passt does) and look. */
static void
assert_listener_seen (guint port)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_inet_port (listener, port, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (port_listening (port));
  g_socket_listener_close (listener);
  g_assert_false (port_listening (port));
}

/* The environment's guest, renamed, with a usermode NIC that forwards
 * @port to the guest's SSH port: passt on, the forward added through the
 * model as the editor adds it; then passt as @passt says. */
static char *
forwarding_guest_xml (guint    port,
                      gboolean passt)
{
  g_autofree char *xml = NULL;
  g_autofree char *host_port = g_strdup_printf ("%u", port);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(VireoPortForward) forward = vireo_port_forward_new ("tcp");
  VireoInterface *nic;

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, GUEST);
  nic = VIREO_INTERFACE (vireo_domain_config_add_device (config,
                                                         "<interface type='user'>\n"
                                                         "  <mac address='" GUEST_MAC "'/>\n"
                                                         "  <model type='virtio'/>\n"
                                                         "</interface>", &error));
  g_assert_no_error (error);
  g_assert_nonnull (nic);
  g_assert_true (vireo_interface_set_passt (nic, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (vireo_port_forward_set_simple (forward, "tcp", NULL, host_port, "22", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vireo_interface_add_port_forward (nic, forward, NULL, &error));
  g_assert_no_error (error);
  if (!passt)
    {
      g_assert_true (vireo_interface_set_passt (nic, FALSE, &error));
      /* What the editor shows on such a card. */
      g_assert_false (vireo_interface_can_forward_ports (nic, NULL));
    }
  return vireo_domain_config_to_xml (config);
}

static void
destroy_and_undefine (virDomainPtr dom)
{
  if (virDomainIsActive (dom) == 1)
    g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
}

static void
test_passt (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  guint port = forward_port ();
  g_autofree char *xml = forwarding_guest_xml (port, TRUE);
  virConnectPtr conn = virConnectOpen (uri);
  unsigned long version = 0;
  virDomainPtr dom;

  g_assert_nonnull (conn);
  g_assert_cmpint (virConnectGetLibVersion (conn, &version), ==, 0);
  assert_listener_seen (port);

  /* VALIDATE: libvirt holds the document to its RNG schema before its
   * parser reads it, so a parser's refusal also says the schema took it. */
  dom = virDomainDefineXMLFlags (conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
  if (dom == NULL)
    {
      const char *message = virGetLastErrorMessage ();

      g_test_message ("libvirt %lu.%lu.%lu refuses the passt backend: %s",
                      version / 1000000, version / 1000 % 1000, version % 1000, message);
      if (version != 9000000 || g_strcmp0 (message, DEBIAN_PASST_REFUSAL) != 0)
        g_error ("libvirt refused the passt guest Vireo wrote: %s\n%s", message, xml);
      g_test_message ("This is Debian 12's libvirt 9.0.0 (Disable-passt-support.patch): no passt guest "
                      "can be defined on it, whatever the XML. On a libvirt that takes passt, this "
                      "test starts the guest and checks that port %u is listened on.", port);
      virConnectClose (conn);
      return;
    }

  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  /* passt is started, and has bound its ports, before QEMU. */
  if (!port_listening (port))
    {
      g_autofree char *live = virDomainGetXMLDesc (dom, 0);
      g_error ("the guest runs, but nothing listens on forwarded port %u:\n%s", port, live);
    }
  destroy_and_undefine (dom);
  g_assert_false (port_listening (port));
  virConnectClose (conn);
}

static void
test_slirp_ignores_forwards (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  guint port = forward_port ();
  g_autofree char *xml = forwarding_guest_xml (port, FALSE);
  virConnectPtr conn = virConnectOpen (uri);
  virDomainPtr dom;
  g_autofree char *saved = NULL;

  g_assert_nonnull (conn);
  assert_listener_seen (port);
  dom = virDomainDefineXMLFlags (conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
  if (dom == NULL)
    {
      /* A libvirt that refuses forwards without passt agrees with the
       * model all the more; it must say that is why. */
      const char *message = virGetLastErrorMessage ();

      g_test_message ("libvirt refuses <portForward> without passt: %s", message);
      if (strstr (message, "passt") == NULL)
        g_error ("libvirt refused the SLIRP guest Vireo wrote: %s\n%s", message, xml);
      virConnectClose (conn);
      return;
    }
  /* Taken and kept... */
  saved = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (strstr (saved, "<portForward proto='tcp'>"));
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  /* ...and ignored: QEMU's SLIRP got no host forward. */
  g_assert_false (port_listening (port));
  g_test_message ("libvirt kept <portForward> on a SLIRP card and forwarded nothing (port %u)", port);
  destroy_and_undefine (dom);
  virConnectClose (conn);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/port-forward/passt", test_passt);
  g_test_add_func ("/port-forward/slirp-ignores-forwards", test_slirp_ignores_forwards);

  return g_test_run ();
}
