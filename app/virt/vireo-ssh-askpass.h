/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-auth-request.h"

G_BEGIN_DECLS

/*
 * OpenSSH's password and host-key questions, routed to Vireo's dialog (see
 * app/vireo-askpass.c for the other end). Process-wide: one private
 * directory and socket per Vireo process.
 */

/* Main thread. Answers with TRUE when it will handle @request; @user,
 * @host and @port say who ssh is talking to (from ssh's command line;
 * any may be NULL). */
typedef gboolean (*VireoSshAskpassHandler) (VireoAuthRequest *request,
                                            const char       *user,
                                            const char       *host,
                                            const char       *port,
                                            gpointer          data);

gboolean    vireo_ssh_askpass_init          (const char              *helper,
                                             const char              *ssh_program,
                                             GError                 **error);
void        vireo_ssh_askpass_set_handler   (VireoSshAskpassHandler   handler,
                                             gpointer                 data);
void        vireo_ssh_askpass_unset_handler (gpointer                 data);
const char *vireo_ssh_askpass_get_dir       (void);
char       *vireo_ssh_askpass_amend_uri     (const char              *uri);
char       *vireo_ssh_askpass_find_helper   (void);
void        vireo_ssh_askpass_shutdown      (void);

G_END_DECLS
