/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libvirt/libvirt.h>

#include "vireo-lookup.h"

G_BEGIN_DECLS

/* Worker-side readers vireo-storage shares with vireo-lookup. Each returns
 * NULL with libvirt's error set when it failed. */
VireoVolumeInfo *_vireo_volume_info_read      (virStorageVolPtr  vol,
                                               const char       *pool);
GHashTable      *_vireo_collect_volume_users  (VireoConnection  *self,
                                               virConnectPtr     conn);
void             _vireo_volume_info_set_users (VireoVolumeInfo  *info,
                                               GHashTable       *users);

G_END_DECLS
