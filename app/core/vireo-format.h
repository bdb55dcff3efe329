/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *vireo_format_size_kib  (guint64 kib);
char *vireo_format_rate      (double  bytes_per_second);
char *vireo_format_percent   (double  percent);
gboolean vireo_parse_size     (const char *text,
                               guint64     default_unit,
                               guint64    *bytes);

G_END_DECLS
