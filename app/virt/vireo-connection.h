/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-auth-request.h"
#include "vireo-domain.h"

G_BEGIN_DECLS

typedef enum
{
  VIREO_CONNECTION_STATE_DISCONNECTED,
  VIREO_CONNECTION_STATE_CONNECTING,
  VIREO_CONNECTION_STATE_CONNECTED,
} VireoConnectionState;

#define VIREO_TYPE_CONNECTION (vireo_connection_get_type ())
G_DECLARE_FINAL_TYPE (VireoConnection, vireo_connection, VIREO, CONNECTION, GObject)

VireoConnection      *vireo_connection_new               (const char       *uri);
const char           *vireo_connection_get_uri           (VireoConnection  *self);
gboolean              vireo_connection_get_is_remote     (VireoConnection  *self);
char                 *vireo_connection_dup_display_name  (VireoConnection  *self);
const char           *vireo_connection_get_hostname      (VireoConnection  *self);
const char           *vireo_connection_get_versions      (VireoConnection  *self);
VireoConnectionState  vireo_connection_get_state         (VireoConnection  *self);
const char           *vireo_connection_get_error_message (VireoConnection  *self);
gboolean              vireo_connection_get_is_demo       (VireoConnection  *self);
void                  vireo_connection_set_is_demo       (VireoConnection  *self,
                                                          gboolean          is_demo);
gboolean              vireo_connection_get_populated     (VireoConnection  *self);
const char           *vireo_connection_get_name          (VireoConnection  *self);
void                  vireo_connection_set_name          (VireoConnection  *self,
                                                          const char       *name);
gboolean              vireo_connection_get_autoconnect   (VireoConnection  *self);
void                  vireo_connection_set_autoconnect   (VireoConnection  *self,
                                                          gboolean          autoconnect);
gint64                vireo_connection_get_last_connected (VireoConnection *self);
void                  vireo_connection_set_last_connected (VireoConnection *self,
                                                           gint64           unix_time);
guint                 vireo_connection_get_stats_interval (VireoConnection *self);
void                  vireo_connection_set_stats_interval (VireoConnection *self,
                                                           guint            seconds);
guint                 vireo_connection_get_reconnect_in  (VireoConnection  *self);
guint                 vireo_connection_get_connect_timeout (VireoConnection *self);
void                  vireo_connection_set_connect_timeout (VireoConnection *self,
                                                            guint            seconds);
VireoAuthRequest     *vireo_connection_get_pending_auth  (VireoConnection  *self);
gint64                vireo_connection_get_connecting_since (VireoConnection *self);
GListModel           *vireo_connection_list_domains      (VireoConnection  *self);
VireoDomain          *vireo_connection_find_domain       (VireoConnection  *self,
                                                          const char       *uuid);
void                  vireo_connection_open_async        (VireoConnection  *self,
                                                          GCancellable     *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer          user_data);
gboolean              vireo_connection_open_finish       (VireoConnection  *self,
                                                          GAsyncResult     *result,
                                                          GError          **error);
void                  vireo_connection_reconnect         (VireoConnection  *self);
void                  vireo_connection_close             (VireoConnection  *self);

G_END_DECLS
