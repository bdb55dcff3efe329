/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-spice-session.h"

G_BEGIN_DECLS

/* For tests: the surface conversion, on plain memory. */
void _vireo_spice_copy_pixels (int           format,
                               const guint8 *src,
                               gsize         src_stride,
                               guint8       *dst,
                               gsize         dst_stride,
                               int           width,
                               int           height);

G_END_DECLS
