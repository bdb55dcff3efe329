/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VIREO_VIRT_ERROR (vireo_virt_error_quark ())

typedef enum
{
  VIREO_VIRT_ERROR_FAILED,
  VIREO_VIRT_ERROR_NOT_CONNECTED,
  VIREO_VIRT_ERROR_CONNECTION_LOST,
  VIREO_VIRT_ERROR_AUTH_FAILED,
  VIREO_VIRT_ERROR_ACCESS_DENIED,
  VIREO_VIRT_ERROR_NO_DOMAIN,
  VIREO_VIRT_ERROR_NO_VOLUME,
  VIREO_VIRT_ERROR_OPERATION_INVALID,
  VIREO_VIRT_ERROR_NOT_SUPPORTED,
  VIREO_VIRT_ERROR_INVALID_ARG,
  VIREO_VIRT_ERROR_TIMED_OUT,
  VIREO_VIRT_ERROR_IN_USE,        /* a volume a machine uses; the message names them */
  VIREO_VIRT_ERROR_EXISTS,        /* a network, pool, volume or secret of that name exists */
  VIREO_VIRT_ERROR_NO_NETWORK,
  VIREO_VIRT_ERROR_NO_DOMAIN_SNAPSHOT,  /* a machine's snapshot of that name is gone */
  VIREO_VIRT_ERROR_NO_AGENT,      /* no guest agent answers in the machine (none configured, none running) */
  VIREO_VIRT_ERROR_UNSUPPORTED_CONFIG,  /* libvirt cannot do this with this machine's setup
                                           (VIR_ERR_CONFIG_UNSUPPORTED), e.g. reverting to an
                                           external snapshot before libvirt 9.7 */
} VireoVirtError;

GQuark  vireo_virt_error_quark     (void);
GError *vireo_virt_error_from_last (const char *fallback);
VireoVirtError vireo_virt_error_map (int domain,
                                     int code);
const char *vireo_virt_connect_hint (const char *uri,
                                     const char *message);

G_END_DECLS
