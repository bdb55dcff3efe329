/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * What the Host Details pages share: a read of the host that events may
 * ask for again while it runs, and a list refilled with the selection
 * kept.
 */

/* A read asked for while one runs is started when that one ends, so the
 * last state of the host wins and reads never pile up. */
typedef struct
{
  GCancellable *cancellable;   /* the read under way, or NULL */
  gboolean      again;
} VireoReload;

/* Returns: (transfer none) (nullable): the cancellable for a read to start
 * now, or NULL when one runs (it is asked for again when that ends) */
GCancellable *vireo_reload_start  (VireoReload *reload);
/* In the read's callback, once it was not cancelled: the read is over;
 * returns whether another was asked for meanwhile (start it now). */
gboolean      vireo_reload_finish (VireoReload *reload);
/* Cancels the read under way and forgets any asked for. */
void          vireo_reload_stop   (VireoReload *reload);

void          vireo_list_box_clear  (GtkListBox  *box);
/* Empties @box, appends @rows (each named with gtk_widget_set_name() by
 * what identifies it) and selects the one named *@selected, else the
 * first; *@selected then names the selected row (NULL for none). */
void          vireo_list_box_refill (GtkListBox  *box,
                                     GPtrArray   *rows,
                                     char       **selected);

G_END_DECLS
