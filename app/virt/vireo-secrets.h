/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Connection secrets in the desktop keyring (the Secret Service, through
 * libsecret). Never a plain file, never GSettings. Every call blocks on
 * D-Bus: workers only.
 *
 * A secret is keyed by the connection URI and the question it answers
 * (for example "Enter root's password for host"), so two prompts on one
 * host never get each other's answer.
 */

gboolean  vireo_secrets_available (void);
char     *vireo_secrets_lookup    (const char  *uri,
                                   const char  *prompt,
                                   GError     **error);
gboolean  vireo_secrets_store     (const char  *uri,
                                   const char  *prompt,
                                   const char  *label,
                                   const char  *secret,
                                   GError     **error);
gboolean  vireo_secrets_clear     (const char  *uri,
                                   const char  *prompt,
                                   GError     **error);

char     *vireo_secrets_console_prompt (const char *uuid,
                                        const char *graphics_type);
void      vireo_secrets_keep_console_password_async  (const char          *uri,
                                                      const char          *uuid,
                                                      const char          *graphics_type,
                                                      const char          *machine_name,
                                                      const char          *password,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
void      vireo_secrets_find_console_password_async  (const char          *uri,
                                                      const char          *uuid,
                                                      const char          *graphics_type,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
char     *vireo_secrets_find_console_password_finish (GAsyncResult        *result,
                                                      gboolean            *keyring_available,
                                                      GError             **error);
gboolean  vireo_secrets_keep_console_password_finish (GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
