/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean vireo_perf_enabled          (void);
void     vireo_perf_mark             (const char *event,
                                      const char *format,
                                      ...) G_GNUC_PRINTF (2, 3);
void     vireo_perf_start_stall_probe (void);

G_END_DECLS
