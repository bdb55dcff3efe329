/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-virt.h"

G_BEGIN_DECLS

#define VIREO_TYPE_WINDOW (vireo_window_get_type ())
G_DECLARE_FINAL_TYPE (VireoWindow, vireo_window, VIREO, WINDOW, AdwApplicationWindow)

GtkWidget         *vireo_window_new              (GtkApplication         *application,
                                                  VireoConnectionManager *manager);
GtkSelectionModel *vireo_window_get_selection    (VireoWindow            *self);
GPtrArray         *vireo_window_dup_selected     (VireoWindow            *self);
VireoConnection   *vireo_window_get_connection   (VireoWindow            *self);
VireoConnectionManager *vireo_window_get_manager (VireoWindow            *self);
void               vireo_window_show_all_connections (VireoWindow        *self);
gboolean           vireo_window_get_showing_all  (VireoWindow            *self);
const char        *vireo_window_get_visible_page (VireoWindow            *self);
GtkWidget         *vireo_window_show_add_connection (VireoWindow          *self);
GtkWidget         *vireo_window_edit_connection  (VireoWindow            *self,
                                                  VireoConnection        *connection,
                                                  gboolean                duplicate);
GtkWidget         *vireo_window_popup_context_menu (VireoWindow          *self,
                                                    GtkWidget            *anchor,
                                                    double                x,
                                                    double                y);

G_END_DECLS
