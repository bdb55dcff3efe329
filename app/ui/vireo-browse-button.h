/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *vireo_browse_button_new (GtkWidget *entry,
                                    gboolean   folder);

G_END_DECLS
