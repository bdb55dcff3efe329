/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-auth-request.h"

G_BEGIN_DECLS

/* Built on a worker, handed to the main thread, answered there; the worker
 * blocks in _vireo_auth_request_wait() meanwhile. */
VireoAuthRequest *_vireo_auth_request_new            (VireoAuthRequestKind  kind,
                                                      const char           *uri,
                                                      guint                 generation);
void              _vireo_auth_request_add_field      (VireoAuthRequest     *self,
                                                      VireoAuthFieldKind    kind,
                                                      const char           *label,
                                                      const char           *default_value);
void              _vireo_auth_request_set_title      (VireoAuthRequest     *self,
                                                      const char           *title);
void              _vireo_auth_request_set_message    (VireoAuthRequest     *self,
                                                      const char           *message);
void              _vireo_auth_request_set_retry      (VireoAuthRequest     *self,
                                                      gboolean              retry);
void              _vireo_auth_request_set_can_remember (VireoAuthRequest   *self,
                                                        gboolean            can_remember);
void              _vireo_auth_request_set_host_key   (VireoAuthRequest     *self,
                                                      const char           *host,
                                                      const char           *fingerprint);
guint             _vireo_auth_request_get_generation (VireoAuthRequest     *self);
gboolean          _vireo_auth_request_wait           (VireoAuthRequest     *self,
                                                      GStrv                *answers,
                                                      gboolean             *remember);
void              _vireo_auth_request_abort          (VireoAuthRequest     *self);
gboolean          _vireo_auth_parse_host_key_prompt  (const char           *prompt,
                                                      char                **host,
                                                      char                **fingerprint);

G_END_DECLS
