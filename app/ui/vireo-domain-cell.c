/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-domain-cell"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-domain-cell.h"
#include "vireo-format.h"

/*
 * One cell of the machine list. Cells are recycled as the list scrolls, so
 * each follows whichever domain it is bound to through a GSignalGroup and
 * only listens to the properties its column shows.
 */
struct _VireoDomainCell
{
  GtkWidget          parent_instance;

  VireoDomainColumn  column;
  GSignalGroup      *signals;
  GSignalGroup      *host_signals;  /* HOST only: follows the domain's connection */
  GtkListItem       *item;       /* Borrowed while bound */

  /* Children, laid out by a GtkBoxLayout: no box widget per cell, since
   * GTK 4.8 builds ~200 rows of cells up front */
  GtkWidget         *icon;
  GtkWidget         *label;
  GtkWidget         *sparkline;
};

G_DEFINE_FINAL_TYPE (VireoDomainCell, vireo_domain_cell, GTK_TYPE_WIDGET)

static VireoDomain *
current_domain (VireoDomainCell *self)
{
  return self->signals ? VIREO_DOMAIN (g_signal_group_dup_target (self->signals)) : NULL;
}

static void
update (VireoDomainCell *self)
{
  g_autoptr(VireoDomain) domain = current_domain (self);
  g_autofree char *text = NULL;

  if (domain == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->label), "");
      return;
    }

  switch (self->column)
    {
    case VIREO_DOMAIN_COLUMN_NAME:
      gtk_label_set_text (GTK_LABEL (self->label), vireo_domain_get_name (domain));
      return;
    case VIREO_DOMAIN_COLUMN_STATE:
      gtk_image_set_from_icon_name (GTK_IMAGE (self->icon),
                                    vireo_domain_state_to_icon_name (vireo_domain_get_state (domain)));
      gtk_label_set_text (GTK_LABEL (self->label),
                          vireo_domain_state_to_string (vireo_domain_get_state (domain)));
      return;
    case VIREO_DOMAIN_COLUMN_CPU:
      text = vireo_format_percent (vireo_domain_get_cpu_percent (domain));
      gtk_widget_queue_draw (self->sparkline);
      break;
    case VIREO_DOMAIN_COLUMN_MEMORY:
      {
        guint64 kib = vireo_domain_get_active (domain)
          ? vireo_domain_get_memory_kib (domain)
          : vireo_domain_get_max_memory_kib (domain);
        text = kib ? vireo_format_size_kib (kib) : g_strdup ("—");
        break;
      }
    case VIREO_DOMAIN_COLUMN_DISK:
      text = vireo_format_rate (vireo_domain_get_disk_rate (domain));
      break;
    case VIREO_DOMAIN_COLUMN_NET:
      text = vireo_format_rate (vireo_domain_get_net_rate (domain));
      break;
    case VIREO_DOMAIN_COLUMN_HOST:
      {
        VireoConnection *conn = vireo_domain_get_connection (domain);
        g_autofree char *name = conn != NULL ? vireo_connection_dup_display_name (conn) : NULL;
        gboolean connected = conn != NULL
                             && vireo_connection_get_state (conn) == VIREO_CONNECTION_STATE_CONNECTED;

        /* A host that is down greys its machines' host cell: the rows stay,
         * as they do in a single connection's view. */
        if (connected)
          gtk_widget_remove_css_class (self->label, "dim-label");
        else
          gtk_widget_add_css_class (self->label, "dim-label");
        text = g_strdup (name != NULL ? name : "—");
        break;
      }
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_text (GTK_LABEL (self->label), text);
}

static void
draw_sparkline (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  VireoDomainCell *self = user_data;
  g_autoptr(VireoDomain) domain = current_domain (self);
  const VireoHistory *history;
  GdkRGBA color;
  guint n, cap;
  double step;

  /* A shut-off machine keeps its last run's history (for its Performance
   * page); the list shows only what runs now. */
  if (domain == NULL || !vireo_domain_get_active (domain))
    return;

  history = vireo_domain_get_cpu_history (domain);
  n = vireo_history_get_length (history);
  cap = vireo_history_get_capacity (history);
  if (n < 2)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  step = (double) width / (cap - 1);

  /* Newest sample at the right edge; the graph scrolls in from the right. */
  cairo_move_to (cr, width - (n - 1) * step, height);
  for (guint i = 0; i < n; i++)
    {
      double v = CLAMP (vireo_history_get (history, i), 0, 100) / 100.0;
      cairo_line_to (cr, width - (n - 1 - i) * step, height - 1 - v * (height - 2));
    }
  cairo_line_to (cr, width, height);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.25);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.8);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
on_sampled (VireoDomainCell *self)
{
  if (self->sparkline != NULL)
    gtk_widget_queue_draw (self->sparkline);
}

static const char *
column_property (VireoDomainColumn column)
{
  switch (column)
    {
    case VIREO_DOMAIN_COLUMN_NAME:   return "notify::tooltip";
    case VIREO_DOMAIN_COLUMN_STATE:  return "notify::state";
    case VIREO_DOMAIN_COLUMN_CPU:    return "notify::cpu-percent";
    case VIREO_DOMAIN_COLUMN_MEMORY: return "notify::memory-kib";
    case VIREO_DOMAIN_COLUMN_DISK:   return "notify::disk-rate";
    case VIREO_DOMAIN_COLUMN_NET:    return "notify::net-rate";
    case VIREO_DOMAIN_COLUMN_HOST:   return NULL;
    default:                         g_return_val_if_reached (NULL);
    }
}

/* Tooltips are made when asked for. Setting one on every update costs GTK
 * 4.8 a pointer query to the display server (an X round trip), per cell:
 * seconds when thousands of rows arrive at once. */
static gboolean
on_query_tooltip (VireoDomainCell *self,
                  int              x,
                  int              y,
                  gboolean         keyboard,
                  GtkTooltip      *tooltip)
{
  g_autoptr(VireoDomain) domain = current_domain (self);

  if (domain == NULL)
    return FALSE;

  if (self->column == VIREO_DOMAIN_COLUMN_NAME)
    {
      g_autofree char *markup = NULL;

      g_object_get (domain, "tooltip", &markup, NULL);
      if (markup == NULL)
        return FALSE;
      gtk_tooltip_set_markup (tooltip, markup);
      return TRUE;
    }
  if (self->column == VIREO_DOMAIN_COLUMN_HOST && vireo_domain_get_connection (domain) != NULL)
    {
      gtk_tooltip_set_text (tooltip, vireo_connection_get_uri (vireo_domain_get_connection (domain)));
      return TRUE;
    }
  return FALSE;
}

static gboolean
is_numeric (VireoDomainColumn column)
{
  return column >= VIREO_DOMAIN_COLUMN_CPU && column <= VIREO_DOMAIN_COLUMN_NET;
}

static void
vireo_domain_cell_dispose (GObject *object)
{
  VireoDomainCell *self = VIREO_DOMAIN_CELL (object);

  GtkWidget *child;

  g_clear_object (&self->signals);
  g_clear_object (&self->host_signals);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (vireo_domain_cell_parent_class)->dispose (object);
}

static void
vireo_domain_cell_class_init (VireoDomainCellClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vireo_domain_cell_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BOX_LAYOUT);
}

static void
vireo_domain_cell_init (VireoDomainCell *self)
{
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);
}

GtkWidget *
vireo_domain_cell_new (VireoDomainColumn column)
{
  VireoDomainCell *self = g_object_new (VIREO_TYPE_DOMAIN_CELL, NULL);

  self->column = column;

  if (column == VIREO_DOMAIN_COLUMN_NAME || column == VIREO_DOMAIN_COLUMN_HOST)
    {
      gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
      g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
    }

  if (column == VIREO_DOMAIN_COLUMN_NAME)
    {
      self->icon = gtk_image_new_from_icon_name ("computer-symbolic");
      gtk_widget_set_parent (self->icon, GTK_WIDGET (self));
    }
  else if (column == VIREO_DOMAIN_COLUMN_STATE)
    {
      self->icon = gtk_image_new ();
      gtk_widget_set_parent (self->icon, GTK_WIDGET (self));
    }
  else if (column == VIREO_DOMAIN_COLUMN_CPU)
    {
      self->sparkline = gtk_drawing_area_new ();
      gtk_widget_add_css_class (self->sparkline, "vireo-sparkline");
      gtk_widget_set_valign (self->sparkline, GTK_ALIGN_CENTER);
      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->sparkline), 48);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->sparkline), 18);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->sparkline), draw_sparkline, self, NULL);
      gtk_widget_set_parent (self->sparkline, GTK_WIDGET (self));
    }

  self->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->label), is_numeric (column) ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->label, TRUE);
  if (is_numeric (column))
    gtk_widget_add_css_class (self->label, "vireo-numeric");
  if (column == VIREO_DOMAIN_COLUMN_NAME)
    gtk_label_set_width_chars (GTK_LABEL (self->label), 16);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));

  self->signals = g_signal_group_new (VIREO_TYPE_DOMAIN);
  if (column_property (column) != NULL)
    g_signal_group_connect_object (self->signals, column_property (column),
                                   G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  if (column == VIREO_DOMAIN_COLUMN_HOST)
    {
      self->host_signals = g_signal_group_new (VIREO_TYPE_CONNECTION);
      g_signal_group_connect_object (self->host_signals, "notify::state",
                                     G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_group_connect_object (self->host_signals, "notify::display-name",
                                     G_CALLBACK (update), self, G_CONNECT_SWAPPED);
    }
  if (column == VIREO_DOMAIN_COLUMN_MEMORY)
    g_signal_group_connect_object (self->signals, "notify::state",
                                   G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  if (column == VIREO_DOMAIN_COLUMN_CPU)
    g_signal_group_connect_object (self->signals, "sampled",
                                   G_CALLBACK (on_sampled), self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}

/**
 * vireo_domain_cell_get_domain:
 *
 * Returns: (transfer none) (nullable): the domain shown
 */
VireoDomain *
vireo_domain_cell_get_domain (VireoDomainCell *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CELL (self), NULL);
  return self->item ? gtk_list_item_get_item (self->item) : NULL;
}

void
vireo_domain_cell_bind (VireoDomainCell *self,
                        GtkListItem     *item)
{
  g_return_if_fail (VIREO_IS_DOMAIN_CELL (self));

  self->item = item;
  g_signal_group_set_target (self->signals, gtk_list_item_get_item (item));
  if (self->host_signals != NULL)
    g_signal_group_set_target (self->host_signals,
                               vireo_domain_get_connection (gtk_list_item_get_item (item)));
  update (self);
}

void
vireo_domain_cell_unbind (VireoDomainCell *self)
{
  g_return_if_fail (VIREO_IS_DOMAIN_CELL (self));

  self->item = NULL;
  g_signal_group_set_target (self->signals, NULL);
  if (self->host_signals != NULL)
    g_signal_group_set_target (self->host_signals, NULL);
}

/**
 * vireo_domain_cell_get_position:
 *
 * Returns: the row of the bound item, or %GTK_INVALID_LIST_POSITION
 */
guint
vireo_domain_cell_get_position (VireoDomainCell *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CELL (self), GTK_INVALID_LIST_POSITION);
  return self->item ? gtk_list_item_get_position (self->item) : GTK_INVALID_LIST_POSITION;
}
