/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  VIREO_AUTH_REQUEST_CREDENTIALS,
  VIREO_AUTH_REQUEST_HOST_KEY,
} VireoAuthRequestKind;

typedef enum
{
  VIREO_AUTH_FIELD_USERNAME,
  VIREO_AUTH_FIELD_PASSWORD,
  VIREO_AUTH_FIELD_TEXT,         /* an answer that may be shown as typed */
  VIREO_AUTH_FIELD_SECRET_TEXT,  /* an answer that must not be shown */
} VireoAuthFieldKind;

#define VIREO_TYPE_AUTH_REQUEST (vireo_auth_request_get_type ())
G_DECLARE_FINAL_TYPE (VireoAuthRequest, vireo_auth_request, VIREO, AUTH_REQUEST, GObject)

VireoAuthRequestKind  vireo_auth_request_get_kind          (VireoAuthRequest   *self);
const char           *vireo_auth_request_get_uri           (VireoAuthRequest   *self);
const char           *vireo_auth_request_get_title         (VireoAuthRequest   *self);
const char           *vireo_auth_request_get_message       (VireoAuthRequest   *self);
gboolean              vireo_auth_request_get_retry         (VireoAuthRequest   *self);
gboolean              vireo_auth_request_get_can_remember  (VireoAuthRequest   *self);
const char           *vireo_auth_request_get_host          (VireoAuthRequest   *self);
const char           *vireo_auth_request_get_fingerprint   (VireoAuthRequest   *self);
guint                 vireo_auth_request_get_n_fields      (VireoAuthRequest   *self);
VireoAuthFieldKind    vireo_auth_request_get_field_kind    (VireoAuthRequest   *self,
                                                            guint               index);
const char           *vireo_auth_request_get_field_label   (VireoAuthRequest   *self,
                                                            guint               index);
const char           *vireo_auth_request_get_field_default (VireoAuthRequest   *self,
                                                            guint               index);
gboolean              vireo_auth_request_get_finished      (VireoAuthRequest   *self);
void                  vireo_auth_request_respond           (VireoAuthRequest   *self,
                                                            const char * const *answers,
                                                            gboolean            remember);
void                  vireo_auth_request_accept_host_key   (VireoAuthRequest   *self,
                                                            gboolean            accept);
void                  vireo_auth_request_cancel            (VireoAuthRequest   *self);

G_END_DECLS
