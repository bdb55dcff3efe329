/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-graphics-session.h"

G_BEGIN_DECLS

#define VIREO_TYPE_VNC_SESSION (vireo_vnc_session_get_type ())
G_DECLARE_FINAL_TYPE (VireoVncSession, vireo_vnc_session, VIREO, VNC_SESSION, VireoGraphicsSession)

VireoVncSession *vireo_vnc_session_new          (void);
gboolean         vireo_vnc_session_open_fd      (VireoVncSession *self,
                                                 int              fd,
                                                 gboolean         local,
                                                 GError         **error);

G_END_DECLS
