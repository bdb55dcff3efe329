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
    case VIR_ERR_NO_NETWORK:
      return VIREO_VIRT_ERROR_NO_NETWORK;
    case VIR_ERR_NO_DOMAIN_SNAPSHOT:
      return VIREO_VIRT_ERROR_NO_DOMAIN_SNAPSHOT;
    case VIR_ERR_NETWORK_EXIST:
    case VIR_ERR_STORAGE_VOL_EXIST:
      return VIREO_VIRT_ERROR_EXISTS;
    case VIR_ERR_OPERATION_INVALID:
      return VIREO_VIRT_ERROR_OPERATION_INVALID;
    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
      return VIREO_VIRT_ERROR_NOT_SUPPORTED;
    case VIR_ERR_INVALID_ARG:
      return VIREO_VIRT_ERROR_INVALID_ARG;
    case VIR_ERR_CONFIG_UNSUPPORTED:
      return VIREO_VIRT_ERROR_UNSUPPORTED_CONFIG;
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

static gboolean
contains (const char *haystack,
          const char *needle)
{
  return haystack != NULL && strstr (haystack, needle) != NULL;
}

static gboolean
name_not_resolved (const char *message)
{
  return contains (message, "Name or service not known") || contains (message, "Could not resolve") ||
         contains (message, "Temporary failure in name resolution") ||
         contains (message, "No address associated with hostname");
}

/* Returns: (nullable): the text of @message between @start and @end */
static char *
between (const char *message,
         const char *start,
         const char *end)
{
  const char *from = strstr (message, start);
  const char *to;

  if (from == NULL)
    return NULL;
  from += strlen (start);
  to = strstr (from, end);
  return to != NULL && to > from ? g_strndup (from, to - from) : NULL;
}

/*
 * libvirt words the two commonest remote failures for developers: "Unable
 * to resolve address 'h' service '16509': Name or service not known", or
 * over ssh "Cannot recv data: ssh: connect to host h port 22: Connection
 * refused: Connection reset by peer". Say first, in plain words, what
 * happened, and keep libvirt's message after it for whoever digs further.
 * Matches libvirt 9.0's (untranslated) messages, as the hints do.
 *
 * Returns: (nullable): the message to use instead of @message
 */
static char *
plain_message (int         domain,
               const char *message)
{
  g_autofree char *host = NULL;

  if (domain != VIR_FROM_RPC && domain != VIR_FROM_REMOTE &&
      domain != VIR_FROM_SSH && domain != VIR_FROM_LIBSSH)
    return NULL;

  /* A local daemon's socket: vireo_virt_connect_hint() explains that. */
  if (contains (message, "Failed to connect socket"))
    return NULL;

  if (contains (message, "Connection refused"))
    /* Translators: %s is libvirt's own message */
    return g_strdup_printf (_("the host refused the connection (%s)"), message);

  if (name_not_resolved (message))
    {
      host = between (message, "Unable to resolve address '", "'");
      if (host == NULL)
        host = between (message, "Could not resolve hostname ", ":");
      if (host != NULL)
        /* Translators: the first %s is a host name, the second libvirt's own message */
        return g_strdup_printf (_("could not find host “%s” (%s)"), host, message);
      /* Translators: %s is libvirt's own message */
      return g_strdup_printf (_("could not find the host (%s)"), message);
    }

  return NULL;
}

/**
 * vireo_virt_error_from_last:
 * @fallback: what failed, used when libvirt left no message
 *
 * Turns libvirt's last error into a #GError. libvirt keeps its last error
 * per thread, so this must run on the thread that made the failing call.
 *
 * Returns: (transfer full): a new error carrying libvirt's own message,
 *   after a plain-words summary for a refused connection or an unknown host.
 */
GError *
vireo_virt_error_from_last (const char *fallback)
{
  virErrorPtr err = virGetLastError ();
  g_autofree char *plain = NULL;
  GError *error;

  if (err == NULL || err->message == NULL)
    {
      return g_error_new_literal (VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                                  fallback ? fallback : "Unknown libvirt error");
    }

  plain = plain_message (err->domain, err->message);
  error = g_error_new_literal (VIREO_VIRT_ERROR, vireo_virt_error_map (err->domain, err->code),
                               plain != NULL ? plain : err->message);
  virResetLastError ();
  return error;
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
  gboolean ssh = uri != NULL && (strstr (uri, "+ssh:") != NULL || strstr (uri, "+libssh2:") != NULL ||
                                 strstr (uri, "+libssh:") != NULL);

  if (message == NULL)
    return NULL;

  if (contains (message, "Host key verification failed") ||
      contains (message, "authenticity of host") ||
      contains (message, "host key"))
    return _("The host's SSH key was refused, or it is not the key accepted before. If the host was "
             "reinstalled, remove its old key with “ssh-keygen -R HOST” and connect again to be asked about "
             "the new one; otherwise ask the host's administrator before trusting it.");
  if (contains (message, "Permission denied (publickey") ||
      (remote && contains (message, "Permission denied (")) ||
      contains (message, "authentication failed") ||
      contains (message, "Authentication failed"))
    return _("The host refused the login. Check the user name, and that your key or password is right for it.");
  if (contains (message, "Permission denied") && !remote)
    return _("Your account may not use the system libvirt daemon. Join the “libvirt” group "
             "(sudo usermod -aG libvirt $USER), then log out and in again.");
  if (contains (message, "Failed to connect socket") && contains (message, "No such file or directory"))
    return _("The libvirt daemon is not running on this computer. Install libvirt-daemon-system, "
             "or start it with: sudo systemctl start libvirtd");
  if (contains (message, "Connection refused") && !remote)
    return _("The libvirt daemon is not accepting connections. Start it with: sudo systemctl start libvirtd");
  /* The host answered, so it is up: the port is wrong or nothing listens. */
  if (contains (message, "Connection refused") && ssh)
    return _("Nothing is listening on that port. Check the port, and that the host runs an SSH server there.");
  if (contains (message, "Connection refused"))
    return _("Nothing is listening on that port. Check the port, and that libvirt on the host accepts remote "
             "connections (libvirtd listening for TCP or TLS).");
  if (name_not_resolved (message))
    return _("The host name could not be found. Check its spelling, or use its IP address.");
  if (contains (message, "timed out") || contains (message, "No route to host") ||
      contains (message, "keepalive") || contains (message, "did not answer"))
    return _("The host did not answer. Check that it is up and reachable from here (network, VPN, firewall).");
  return NULL;
}
