/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  VIREO_HYPERVISOR_QEMU_SYSTEM,
  VIREO_HYPERVISOR_QEMU_SESSION,
  VIREO_HYPERVISOR_LXC,
  VIREO_HYPERVISOR_CUSTOM,
} VireoHypervisor;

typedef enum
{
  VIREO_TRANSPORT_LOCAL,
  VIREO_TRANSPORT_SSH,
  VIREO_TRANSPORT_LIBSSH2,
  VIREO_TRANSPORT_LIBSSH,
  VIREO_TRANSPORT_TLS,
  VIREO_TRANSPORT_TCP,
} VireoTransport;

/* Which field an invalid connection is wrong in, so the dialog can put the
 * message next to it. */
typedef enum
{
  VIREO_URI_FIELD_NONE,
  VIREO_URI_FIELD_URI,
  VIREO_URI_FIELD_USER,
  VIREO_URI_FIELD_HOST,
  VIREO_URI_FIELD_PORT,
  VIREO_URI_FIELD_KEYFILE,
} VireoUriField;

typedef struct
{
  VireoHypervisor  hypervisor;
  VireoTransport   transport;
  char            *user;        /* nullable */
  char            *host;        /* nullable for local */
  guint            port;        /* 0: the transport's default */
  char            *keyfile;     /* nullable; SSH transports only */
  char            *custom_uri;  /* the whole URI, for VIREO_HYPERVISOR_CUSTOM */
  char            *extra_query; /* query parameters Vireo has no field for, kept */
} VireoConnectionUri;

#define VIREO_TYPE_CONNECTION_URI (vireo_connection_uri_get_type ())

GType               vireo_connection_uri_get_type  (void) G_GNUC_CONST;
VireoConnectionUri *vireo_connection_uri_new       (void);
VireoConnectionUri *vireo_connection_uri_copy      (const VireoConnectionUri  *self);
void                vireo_connection_uri_free      (VireoConnectionUri        *self);
VireoConnectionUri *vireo_connection_uri_parse     (const char                *uri,
                                                    GError                   **error);
char               *vireo_connection_uri_to_string (const VireoConnectionUri  *self);
gboolean            vireo_connection_uri_validate  (const VireoConnectionUri  *self,
                                                    VireoUriField             *field,
                                                    GError                   **error);
const char         *vireo_transport_get_scheme_suffix (VireoTransport          transport);
gboolean            vireo_transport_is_remote      (VireoTransport             transport);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoConnectionUri, vireo_connection_uri_free)

G_END_DECLS
