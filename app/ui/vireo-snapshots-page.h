/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-domain.h"

G_BEGIN_DECLS

#define VIREO_TYPE_SNAPSHOTS_PAGE (vireo_snapshots_page_get_type ())
G_DECLARE_FINAL_TYPE (VireoSnapshotsPage, vireo_snapshots_page, VIREO, SNAPSHOTS_PAGE, GtkWidget)

GtkWidget  *vireo_snapshots_page_new           (VireoDomain        *domain);
void        vireo_snapshots_page_reload        (VireoSnapshotsPage *self);
gboolean    vireo_snapshots_page_get_loading   (VireoSnapshotsPage *self);
guint       vireo_snapshots_page_get_reads     (VireoSnapshotsPage *self);
/* (element-type VireoSnapshotInfo) (transfer none) (nullable): as last read */
GPtrArray  *vireo_snapshots_page_get_snapshots (VireoSnapshotsPage *self);
gboolean    vireo_snapshots_page_select        (VireoSnapshotsPage *self,
                                                const char         *name);
const char *vireo_snapshots_page_get_selected  (VireoSnapshotsPage *self);
/* The Take Snapshot window (transfer none) */
GtkWidget  *vireo_snapshots_page_take          (VireoSnapshotsPage *self);
/* The questions (transfer none) (nullable when nothing is selected) */
GtkWidget  *vireo_snapshots_page_revert        (VireoSnapshotsPage *self);
GtkWidget  *vireo_snapshots_page_delete        (VireoSnapshotsPage *self);

G_END_DECLS
