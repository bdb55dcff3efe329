/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-page-util"

#include "config.h"

#include "vireo-page-util.h"

GCancellable *
vireo_reload_start (VireoReload *reload)
{
  g_return_val_if_fail (reload != NULL, NULL);

  if (reload->cancellable != NULL)
    {
      reload->again = TRUE;
      return NULL;
    }
  reload->cancellable = g_cancellable_new ();
  return reload->cancellable;
}

gboolean
vireo_reload_finish (VireoReload *reload)
{
  gboolean again;

  g_return_val_if_fail (reload != NULL, FALSE);

  g_clear_object (&reload->cancellable);
  again = reload->again;
  reload->again = FALSE;
  return again;
}

void
vireo_reload_stop (VireoReload *reload)
{
  g_return_if_fail (reload != NULL);

  if (reload->cancellable != NULL)
    g_cancellable_cancel (reload->cancellable);
  g_clear_object (&reload->cancellable);
  reload->again = FALSE;
}

void
vireo_list_box_clear (GtkListBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_list_box_remove (box, child);
}

void
vireo_list_box_refill (GtkListBox  *box,
                       GPtrArray   *rows,
                       char       **selected)
{
  GtkListBoxRow *select = NULL;

  g_return_if_fail (GTK_IS_LIST_BOX (box));
  g_return_if_fail (selected != NULL);

  vireo_list_box_clear (box);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      gtk_list_box_append (box, row);
      if (select == NULL && g_strcmp0 (gtk_widget_get_name (row), *selected) == 0)
        select = GTK_LIST_BOX_ROW (row);
    }
  /* Something is always shown when there is something to show. */
  if (select == NULL)
    {
      select = gtk_list_box_get_row_at_index (box, 0);
      g_free (*selected);
      *selected = select ? g_strdup (gtk_widget_get_name (GTK_WIDGET (select))) : NULL;
    }
  gtk_list_box_select_row (box, select);
}
