/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vireo-virt.h"

G_BEGIN_DECLS

typedef enum
{
  VIREO_DOMAIN_COLUMN_NAME,
  VIREO_DOMAIN_COLUMN_STATE,
  VIREO_DOMAIN_COLUMN_CPU,
  VIREO_DOMAIN_COLUMN_MEMORY,
  VIREO_DOMAIN_COLUMN_DISK,
  VIREO_DOMAIN_COLUMN_NET,
  VIREO_DOMAIN_COLUMN_HOST,   /* the connection, in the "All connections" view */
} VireoDomainColumn;

#define VIREO_TYPE_DOMAIN_CELL (vireo_domain_cell_get_type ())
G_DECLARE_FINAL_TYPE (VireoDomainCell, vireo_domain_cell, VIREO, DOMAIN_CELL, GtkWidget)

GtkWidget   *vireo_domain_cell_new           (VireoDomainColumn  column);
VireoDomain *vireo_domain_cell_get_domain    (VireoDomainCell   *self);
void         vireo_domain_cell_bind          (VireoDomainCell   *self,
                                              GtkListItem       *item);
void         vireo_domain_cell_unbind        (VireoDomainCell   *self);
guint        vireo_domain_cell_get_position  (VireoDomainCell   *self);

G_END_DECLS
