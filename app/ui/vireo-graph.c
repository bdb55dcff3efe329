/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-graph"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-format.h"
#include "vireo-graph.h"
#include "vireo-ui-enums.h"

/*
 * A history as a filled line graph, newest sample at the right edge, on a
 * fixed scale (0 to `max`) so that a flat line at 5 % never looks like a
 * busy host. The colour is the widget's CSS `color`, so a stylesheet class
 * tells CPU from memory. GTK 4.8 has no GskPath, hence cairo.
 *
 * The history is borrowed: its owner (a VireoHost, a VireoDomain) outlives
 * the widget or unsets it, and calls vireo_graph_changed() after each sample.
 */
struct _VireoGraph
{
  GtkWidget           parent_instance;

  /* Borrowed */
  const VireoHistory *history;

  /* Owned */
  char               *label;

  double              max;       /* <= 0: scale to the largest sample */
  VireoGraphUnit      unit;
};

G_DEFINE_FINAL_TYPE (VireoGraph, vireo_graph, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LABEL,
  PROP_MAX,
  PROP_UNIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define MIN_WIDTH       120
#define NATURAL_WIDTH   320
#define MIN_HEIGHT       80
#define NATURAL_HEIGHT   96
#define GRID_LINES        4

static char *
format_value (VireoGraph *self,
              double      value)
{
  switch (self->unit)
    {
    case VIREO_GRAPH_UNIT_KIB:              return vireo_format_size_kib ((guint64) MAX (value, 0));
    case VIREO_GRAPH_UNIT_BYTES_PER_SECOND: return vireo_format_rate (value);
    case VIREO_GRAPH_UNIT_PERCENT:
    default:                                return vireo_format_percent (value);
    }
}

static double
effective_max (VireoGraph *self)
{
  double top;

  if (self->max > 0)
    return self->max;
  /* Headroom above the peak, so the line does not run along the top. */
  top = self->history ? vireo_history_get_max (self->history) * 1.2 : 0;
  return top > 0 ? top : 1;
}

/**
 * vireo_graph_dup_description:
 *
 * Returns: (transfer full): the latest value and the scale in words, as
 *   screen readers get it
 */
char *
vireo_graph_dup_description (VireoGraph *self)
{
  g_autofree char *latest = NULL;
  g_autofree char *scale = NULL;
  guint n;

  g_return_val_if_fail (VIREO_IS_GRAPH (self), NULL);

  n = self->history ? vireo_history_get_length (self->history) : 0;
  if (n == 0)
    return g_strdup (_("No data yet"));

  latest = format_value (self, vireo_history_get (self->history, n - 1));
  scale = format_value (self, effective_max (self));
  /* Translators: a graph's description for screen readers; the first %s is
   * its newest value ("23 %", "2.1 GiB"), the second the top of its scale */
  return g_strdup_printf (_("Latest %s, on a scale up to %s"), latest, scale);
}

static void
update_accessible (VireoGraph *self)
{
  g_autofree char *description = vireo_graph_dup_description (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->label ? self->label : "",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

/* The top of the scale, top left: new samples come in at the right, so
 * the text is in the way of old ones only. */
static void
draw_scale (VireoGraph    *self,
            GtkSnapshot   *snapshot,
            const GdkRGBA *color)
{
  g_autofree char *top = format_value (self, effective_max (self));
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), top);
  PangoAttrList *attrs = pango_attr_list_new ();
  GdkRGBA dim = *color;

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);

  dim.alpha *= 0.7;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (6, 3));
  gtk_snapshot_append_layout (snapshot, layout, &dim);
  gtk_snapshot_restore (snapshot);

  pango_attr_list_unref (attrs);
  g_object_unref (layout);
}

static void
vireo_graph_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  VireoGraph *self = VIREO_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n = self->history ? vireo_history_get_length (self->history) : 0;
  guint cap = self->history ? vireo_history_get_capacity (self->history) : 0;
  double max = effective_max (self);
  GdkRGBA color;
  cairo_t *cr;
  double step;

  if (width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Quarter lines: enough to read "about half" without a labelled axis. */
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.12);
  for (int i = 1; i < GRID_LINES; i++)
    {
      double y = (int) (height * i / (double) GRID_LINES) + 0.5;
      cairo_move_to (cr, 0, y);
      cairo_line_to (cr, width, y);
    }
  cairo_stroke (cr);

  if (n >= 2 && cap >= 2)
    {
      step = (double) width / (cap - 1);
      cairo_move_to (cr, width - (n - 1) * step, height);
      for (guint i = 0; i < n; i++)
        {
          double v = CLAMP (vireo_history_get (self->history, i) / max, 0, 1);
          cairo_line_to (cr, width - (n - 1 - i) * step, height - 1 - v * (height - 2));
        }
      cairo_line_to (cr, width, height);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.25);
      cairo_fill_preserve (cr);

      /* The outline without the closing edges along the bottom and right. */
      cairo_new_path (cr);
      for (guint i = 0; i < n; i++)
        {
          double v = CLAMP (vireo_history_get (self->history, i) / max, 0, 1);
          cairo_line_to (cr, width - (n - 1 - i) * step, height - 1 - v * (height - 2));
        }
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_set_line_width (cr, 1.5);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.9);
      cairo_stroke (cr);
    }

  cairo_destroy (cr);

  draw_scale (self, snapshot, &color);
}

static void
vireo_graph_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = NATURAL_WIDTH;
    }
  else
    {
      *minimum = MIN_HEIGHT;
      *natural = NATURAL_HEIGHT;
    }
}

static void
vireo_graph_finalize (GObject *object)
{
  VireoGraph *self = VIREO_GRAPH (object);

  g_free (self->label);

  G_OBJECT_CLASS (vireo_graph_parent_class)->finalize (object);
}

static void
vireo_graph_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VireoGraph *self = VIREO_GRAPH (object);

  switch (prop_id)
    {
    case PROP_LABEL: g_value_set_string (value, self->label); break;
    case PROP_MAX:   g_value_set_double (value, self->max); break;
    case PROP_UNIT:  g_value_set_enum (value, self->unit); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_graph_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VireoGraph *self = VIREO_GRAPH (object);

  switch (prop_id)
    {
    case PROP_LABEL: vireo_graph_set_label (self, g_value_get_string (value)); break;
    case PROP_MAX:   vireo_graph_set_max (self, g_value_get_double (value)); break;
    case PROP_UNIT:  vireo_graph_set_unit (self, g_value_get_enum (value)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_graph_class_init (VireoGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vireo_graph_finalize;
  object_class->get_property = vireo_graph_get_property;
  object_class->set_property = vireo_graph_set_property;
  widget_class->snapshot = vireo_graph_snapshot;
  widget_class->measure = vireo_graph_measure;

  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, rw);
  properties[PROP_MAX] = g_param_spec_double ("max", NULL, NULL, 0, G_MAXDOUBLE, 100, rw);
  properties[PROP_UNIT] = g_param_spec_enum ("unit", NULL, NULL, VIREO_TYPE_GRAPH_UNIT,
                                             VIREO_GRAPH_UNIT_PERCENT, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "vireograph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
vireo_graph_init (VireoGraph *self)
{
  self->max = 100;
  self->unit = VIREO_GRAPH_UNIT_PERCENT;
  gtk_widget_add_css_class (GTK_WIDGET (self), "vireo-graph");
  update_accessible (self);
}

GtkWidget *
vireo_graph_new (void)
{
  return g_object_new (VIREO_TYPE_GRAPH, NULL);
}

/**
 * vireo_graph_get_history:
 *
 * Returns: (transfer none) (nullable): the history drawn
 */
const VireoHistory *
vireo_graph_get_history (VireoGraph *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPH (self), NULL);
  return self->history;
}

/**
 * vireo_graph_set_history:
 * @history: (nullable) (transfer none): the samples to draw; must stay alive
 *   until it is replaced or the graph is gone
 */
void
vireo_graph_set_history (VireoGraph         *self,
                         const VireoHistory *history)
{
  g_return_if_fail (VIREO_IS_GRAPH (self));

  self->history = history;
  vireo_graph_changed (self);
}

const char *
vireo_graph_get_label (VireoGraph *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPH (self), NULL);
  return self->label;
}

/**
 * vireo_graph_set_label:
 * @label: (nullable): what the graph shows ("CPU usage"), for screen readers
 */
void
vireo_graph_set_label (VireoGraph *self,
                       const char *label)
{
  g_return_if_fail (VIREO_IS_GRAPH (self));

  if (g_strcmp0 (self->label, label) == 0)
    return;
  g_free (self->label);
  self->label = g_strdup (label);
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

double
vireo_graph_get_max (VireoGraph *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPH (self), 0);
  return self->max;
}

/**
 * vireo_graph_set_max:
 * @max: the value at the top edge (100 for a percentage, total memory for
 *   memory); 0 scales to the largest sample, for rates with no natural top
 */
void
vireo_graph_set_max (VireoGraph *self,
                     double      max)
{
  g_return_if_fail (VIREO_IS_GRAPH (self));

  max = MAX (max, 0);
  if (self->max == max)
    return;
  self->max = max;
  vireo_graph_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX]);
}

VireoGraphUnit
vireo_graph_get_unit (VireoGraph *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPH (self), VIREO_GRAPH_UNIT_PERCENT);
  return self->unit;
}

/**
 * vireo_graph_set_unit:
 *
 * How values read in the scale label and the accessible description.
 */
void
vireo_graph_set_unit (VireoGraph     *self,
                      VireoGraphUnit  unit)
{
  g_return_if_fail (VIREO_IS_GRAPH (self));

  if (self->unit == unit)
    return;
  self->unit = unit;
  vireo_graph_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNIT]);
}

/**
 * vireo_graph_changed:
 *
 * Tells the graph its history has new samples: one redraw, and a new
 * description for screen readers.
 */
void
vireo_graph_changed (VireoGraph *self)
{
  g_return_if_fail (VIREO_IS_GRAPH (self));

  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
