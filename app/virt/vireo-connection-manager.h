/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-connection.h"

G_BEGIN_DECLS

#define VIREO_TYPE_CONNECTION_MANAGER (vireo_connection_manager_get_type ())
G_DECLARE_FINAL_TYPE (VireoConnectionManager, vireo_connection_manager, VIREO, CONNECTION_MANAGER, GObject)

VireoConnectionManager *vireo_connection_manager_new              (void);
GListModel             *vireo_connection_manager_list_connections (VireoConnectionManager *self);
VireoConnection        *vireo_connection_manager_find             (VireoConnectionManager *self,
                                                                   const char             *uri);
VireoConnection        *vireo_connection_manager_add              (VireoConnectionManager *self,
                                                                   const char             *uri);
void                    vireo_connection_manager_remove           (VireoConnectionManager *self,
                                                                   VireoConnection        *connection);
void                    vireo_connection_manager_bind_settings    (VireoConnectionManager *self,
                                                                   GSettings              *settings,
                                                                   const char             *key);
guint                   vireo_connection_manager_open_autoconnect (VireoConnectionManager *self);
void                    vireo_connection_manager_set_stats_interval (VireoConnectionManager *self,
                                                                     guint                   seconds);
void                    vireo_connection_manager_open_default_async  (VireoConnectionManager *self,
                                                                      const char * const     *candidates,
                                                                      const char             *demo_uri,
                                                                      GCancellable           *cancellable,
                                                                      GAsyncReadyCallback     callback,
                                                                      gpointer                user_data);
VireoConnection        *vireo_connection_manager_open_default_finish (VireoConnectionManager *self,
                                                                      GAsyncResult           *result,
                                                                      GError                **error);

G_END_DECLS
