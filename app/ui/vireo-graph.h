/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vireo-history.h"

G_BEGIN_DECLS

typedef enum
{
  VIREO_GRAPH_UNIT_PERCENT,
  VIREO_GRAPH_UNIT_KIB,
  VIREO_GRAPH_UNIT_BYTES_PER_SECOND,
} VireoGraphUnit;

#define VIREO_TYPE_GRAPH (vireo_graph_get_type ())
G_DECLARE_FINAL_TYPE (VireoGraph, vireo_graph, VIREO, GRAPH, GtkWidget)

GtkWidget          *vireo_graph_new             (void);
const VireoHistory *vireo_graph_get_history     (VireoGraph         *self);
void                vireo_graph_set_history     (VireoGraph         *self,
                                                 const VireoHistory *history);
const char         *vireo_graph_get_label       (VireoGraph         *self);
void                vireo_graph_set_label       (VireoGraph         *self,
                                                 const char         *label);
double              vireo_graph_get_max         (VireoGraph         *self);
void                vireo_graph_set_max         (VireoGraph         *self,
                                                 double              max);
VireoGraphUnit      vireo_graph_get_unit        (VireoGraph         *self);
void                vireo_graph_set_unit        (VireoGraph         *self,
                                                 VireoGraphUnit      unit);
void                vireo_graph_changed         (VireoGraph         *self);
char               *vireo_graph_dup_description (VireoGraph         *self);
const VireoHistory *vireo_graph_get_second_history (VireoGraph      *self);
void                vireo_graph_set_second_history (VireoGraph      *self,
                                                    const VireoHistory *history);
const char         *vireo_graph_get_first_label    (VireoGraph      *self);
void                vireo_graph_set_first_label    (VireoGraph      *self,
                                                    const char      *label);
const char         *vireo_graph_get_second_label   (VireoGraph      *self);
void                vireo_graph_set_second_label   (VireoGraph      *self,
                                                    const char      *label);

G_END_DECLS
