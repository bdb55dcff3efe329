/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-virt-error"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-virt-error.h"

G_DEFINE_QUARK (vireo-virt-error-quark, vireo_virt_error)

/**
 * vireo_virt_error_map:
 * @domain: libvirt's error domain (`virErrorDomain`)
 * @code: libvirt's error code (`virErrorNumber`)
 *
 * Returns: the Vireo code. VIR_ERR_SYSTEM_ERROR is any failed system call,
 *   a missing disk image as much as a broken socket; only when the RPC
 *   layer raised it does it mean the connection is gone.
 */
VireoVirtError
vireo_virt_error_map (int domain,
                      int code)
{
  if (code == VIR_ERR_SYSTEM_ERROR)
    return domain == VIR_FROM_RPC || domain == VIR_FROM_REMOTE
      ? VIREO_VIRT_ERROR_CONNECTION_LOST
      : VIREO_VIRT_ERROR_FAILED;

  switch (code)
    {
    case VIR_ERR_NO_DOMAIN:
      return VIREO_VIRT_ERROR_NO_DOMAIN;
    case VIR_ERR_NO_STORAGE_VOL:
      return VIREO_VIRT_ERROR_NO_VOLUME;
    case VIR_ERR_OPERATION_INVALID:
      return VIREO_VIRT_ERROR_OPERATION_INVALID;
    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
      return VIREO_VIRT_ERROR_NOT_SUPPORTED;
    case VIR_ERR_INVALID_ARG:
      return VIREO_VIRT_ERROR_INVALID_ARG;
    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_AUTH_CANCELLED:
    case VIR_ERR_AUTH_UNAVAILABLE:
      return VIREO_VIRT_ERROR_AUTH_FAILED;
    case VIR_ERR_ACCESS_DENIED:
    case VIR_ERR_OPERATION_DENIED:
      return VIREO_VIRT_ERROR_ACCESS_DENIED;
    case VIR_ERR_OPERATION_TIMEOUT:
    case VIR_ERR_AGENT_UNRESPONSIVE:
      return VIREO_VIRT_ERROR_TIMED_OUT;
    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_INVALID_CONN:
      return VIREO_VIRT_ERROR_NOT_CONNECTED;
    case VIR_ERR_RPC:
      return VIREO_VIRT_ERROR_CONNECTION_LOST;
    default:
      return VIREO_VIRT_ERROR_FAILED;
    }
}

/**
 * vireo_virt_error_from_last:
 * @fallback: what failed, used when libvirt left no message
 *
 * Turns libvirt's last error into a #GError. libvirt keeps its last error
 * per thread, so this must run on the thread that made the failing call.
 *
 * Returns: (transfer full): a new error carrying libvirt's own message.
 */
GError *
vireo_virt_error_from_last (const char *fallback)
{
  virErrorPtr err = virGetLastError ();
  GError *error;

  if (err == NULL || err->message == NULL)
    {
      return g_error_new_literal (VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                                  fallback ? fallback : "Unknown libvirt error");
    }

  error = g_error_new_literal (VIREO_VIRT_ERROR, vireo_virt_error_map (err->domain, err->code), err->message);
  virResetLastError ();
  return error;
}


static gboolean
contains (const char *haystack,
          const char *needle)
{
  return haystack != NULL && strstr (haystack, needle) != NULL;
}

/**
 * vireo_virt_connect_hint:
 * @uri: the URI that failed to open
 * @message: libvirt's message
 *
 * libvirt says what failed; this says what to do about it, for the failures
 * people actually meet. Matches libvirt 9.0's (untranslated) messages.
 *
 * Returns: (nullable): a hint, or %NULL when there is nothing useful to add
 */
const char *
vireo_virt_connect_hint (const char *uri,
                         const char *message)
{
  gboolean remote = uri != NULL && strstr (uri, "://") != NULL &&
                    strncmp (strstr (uri, "://"), ":///", 4) != 0;

  if (message == NULL)
    return NULL;

  if (contains (message, "Host key verification failed") ||
      contains (message, "authenticity of host") ||
      contains (message, "host key"))
    return _("The host's SSH key is not known or has changed. Check its fingerprint with the host's administrator, "
             "then connect once with ssh in a terminal to accept it.");
  if (contains (message, "Permission denied (publickey") ||
      contains (message, "authentication failed") ||
      contains (message, "Authentication failed"))
    return _("The host refused the login. Check the user name, and that your key or password is right for it.");
  if (contains (message, "Permission denied") && !remote)
    return _("Your account may not use the system libvirt daemon. Join the “libvirt” group "
             "(sudo usermod -aG libvirt $USER), then log out and in again.");
  if (contains (message, "Failed to connect socket") && contains (message, "No such file or directory"))
    return _("The libvirt daemon is not running on this computer. Install libvirt-daemon-system, "
             "or start it with: sudo systemctl start libvirtd");
  if (contains (message, "Connection refused"))
    return remote
      ? _("Nothing answered on that host and port. Check the port, and that libvirtd (or sshd) runs there and accepts remote connections.")
      : _("The libvirt daemon is not accepting connections. Start it with: sudo systemctl start libvirtd");
  if (contains (message, "Name or service not known") || contains (message, "Could not resolve") ||
      contains (message, "Temporary failure in name resolution"))
    return _("The host name could not be found. Check its spelling, or use its IP address.");
  if (contains (message, "timed out") || contains (message, "No route to host") ||
      contains (message, "keepalive"))
    return _("The host did not answer. Check that it is up and reachable from here (network, VPN, firewall).");
  return NULL;
}
