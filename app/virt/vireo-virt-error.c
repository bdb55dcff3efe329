/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-virt-error"

#include "config.h"

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

