/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fixed-size ring of recent samples, oldest first when read back. */
typedef struct _VireoHistory VireoHistory;

VireoHistory *vireo_history_new      (guint               capacity);
void          vireo_history_free     (VireoHistory       *self);
void          vireo_history_push     (VireoHistory       *self,
                                      double              value);
void          vireo_history_clear    (VireoHistory       *self);
guint         vireo_history_get_length   (const VireoHistory *self);
guint         vireo_history_get_capacity (const VireoHistory *self);
double        vireo_history_get      (const VireoHistory *self,
                                      guint               index);
double        vireo_history_get_max  (const VireoHistory *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoHistory, vireo_history_free)

G_END_DECLS
