/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-domain.h"
#include "vireo-graphics-session.h"

G_BEGIN_DECLS

#define VIREO_TYPE_SPICE_SESSION (vireo_spice_session_get_type ())
G_DECLARE_FINAL_TYPE (VireoSpiceSession, vireo_spice_session, VIREO, SPICE_SESSION, VireoGraphicsSession)

VireoSpiceSession *vireo_spice_session_new                  (VireoDomain         *domain,
                                                             guint                graphics_index);
void               vireo_spice_session_connect              (VireoSpiceSession   *self);
VireoDomain       *vireo_spice_session_get_domain           (VireoSpiceSession   *self);

gboolean           vireo_spice_session_get_audio            (VireoSpiceSession   *self);
void               vireo_spice_session_set_audio            (VireoSpiceSession   *self,
                                                             gboolean             audio);

gboolean           vireo_spice_session_get_usb_available    (VireoSpiceSession   *self,
                                                             char               **reason);
GPtrArray         *vireo_spice_session_list_usb_devices     (VireoSpiceSession   *self);
gboolean           vireo_spice_session_get_usb_device_connected (VireoSpiceSession *self,
                                                             guint                index);
void               vireo_spice_session_connect_usb_device_async (VireoSpiceSession *self,
                                                             guint                index,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean           vireo_spice_session_connect_usb_device_finish (VireoSpiceSession *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void               vireo_spice_session_disconnect_usb_device_async (VireoSpiceSession *self,
                                                             guint                index,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean           vireo_spice_session_disconnect_usb_device_finish (VireoSpiceSession *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

G_END_DECLS
