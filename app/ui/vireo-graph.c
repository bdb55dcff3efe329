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
 * A second history may be drawn over the first (reads and writes, received
 * and sent) in the named colour `vireo_graph_second_color` from the
 * stylesheet, with a small legend at the top right naming both.
 *
 * Histories are borrowed: their owner (a VireoHost, a VireoDomain) outlives
 * the widget or unsets them, and calls vireo_graph_changed() after each
 * sample.
 */
struct _VireoGraph
{
  GtkWidget           parent_instance;

  /* Borrowed */
  const VireoHistory *history;
  const VireoHistory *second_history;

  /* Owned */
  char               *label;
  char               *first_label;
  char               *second_label;

  double              max;       /* <= 0: scale to the largest sample */
  VireoGraphUnit      unit;
};

G_DEFINE_FINAL_TYPE (VireoGraph, vireo_graph, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LABEL,
  PROP_MAX,
  PROP_UNIT,
  PROP_FIRST_LABEL,
  PROP_SECOND_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define MIN_WIDTH       120
#define NATURAL_WIDTH   320
#define MIN_HEIGHT       80
#define NATURAL_HEIGHT   96
#define GRID_LINES        4
#define LEGEND_SWATCH     8

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
  double top = 0;

  if (self->max > 0)
    return self->max;
  if (self->history != NULL)
    top = vireo_history_get_max (self->history);
  if (self->second_history != NULL)
    top = MAX (top, vireo_history_get_max (self->second_history));
  /* Headroom above the peak, so the line does not run along the top. */
  top *= 1.2;
  return top > 0 ? top : 1;
}

static guint
history_length (const VireoHistory *history)
{
  return history != NULL ? vireo_history_get_length (history) : 0;
}

/* The series' names for the legend and screen readers. */
static const char *
first_name (VireoGraph *self)
{
  return self->first_label ? self->first_label : C_("graph series", "First");
}

static const char *
second_name (VireoGraph *self)
{
  return self->second_label ? self->second_label : C_("graph series", "Second");
}

static char *
dup_latest (VireoGraph         *self,
            const VireoHistory *history)
{
  guint n = history_length (history);

  if (n == 0)
    return g_strdup ("—");
  return format_value (self, vireo_history_get (history, n - 1));
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
  g_autofree char *second = NULL;
  g_autofree char *scale = NULL;

  g_return_val_if_fail (VIREO_IS_GRAPH (self), NULL);

  if (history_length (self->history) == 0 && history_length (self->second_history) == 0)
    return g_strdup (_("No data yet"));

  latest = dup_latest (self, self->history);
  scale = format_value (self, effective_max (self));
  if (self->second_history == NULL)
    /* Translators: a graph's description for screen readers; the first %s is
     * its newest value ("23 %", "2.1 GiB"), the second the top of its scale */
    return g_strdup_printf (_("Latest %s, on a scale up to %s"), latest, scale);

  second = dup_latest (self, self->second_history);
  /* Translators: a two-line graph's description for screen readers:
   * "Read: latest 1.2 MB/s; Write: latest 30 kB/s; on a scale up to 2 MB/s" */
  return g_strdup_printf (_("%s: latest %s; %s: latest %s; on a scale up to %s"),
                          first_name (self), latest, second_name (self), second, scale);
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

/* The colour of the second line: a named colour so that the stylesheet
 * (and a dark or high-contrast variant of it) decides, as `color` does for
 * the first. GTK 4.8 has no other way to give a widget two colours. */
static void
get_second_color (VireoGraph *self,
                  GdkRGBA    *color)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  if (!gtk_style_context_lookup_color (context, "vireo_graph_second_color", color))
    gdk_rgba_parse (color, "#e66100");
}

static void
draw_series (cairo_t            *cr,
             const VireoHistory *history,
             int                 width,
             int                 height,
             double              max,
             const GdkRGBA      *color,
             double              fill_alpha)
{
  guint n = history_length (history);
  guint cap = history != NULL ? vireo_history_get_capacity (history) : 0;
  double step;

  if (n < 2 || cap < 2)
    return;

  step = (double) width / (cap - 1);
  cairo_move_to (cr, width - (n - 1) * step, height);
  for (guint i = 0; i < n; i++)
    {
      double v = CLAMP (vireo_history_get (history, i) / max, 0, 1);
      cairo_line_to (cr, width - (n - 1 - i) * step, height - 1 - v * (height - 2));
    }
  cairo_line_to (cr, width, height);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, fill_alpha);
  cairo_fill (cr);

  /* The outline without the closing edges along the bottom and right. */
  cairo_new_path (cr);
  for (guint i = 0; i < n; i++)
    {
      double v = CLAMP (vireo_history_get (history, i) / max, 0, 1);
      cairo_line_to (cr, width - (n - 1 - i) * step, height - 1 - v * (height - 2));
    }
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 1.5);
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, 0.9);
  cairo_stroke (cr);
}

static PangoLayout *
create_small_layout (VireoGraph *self,
                     const char *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

/* The top of the scale, top left: new samples come in at the right, so
 * the text is in the way of old ones only. Returns the width it took. */
static int
draw_scale (VireoGraph    *self,
            GtkSnapshot   *snapshot,
            const GdkRGBA *color)
{
  g_autofree char *top = format_value (self, effective_max (self));
  PangoLayout *layout = create_small_layout (self, top);
  GdkRGBA dim = *color;
  int width;

  dim.alpha *= 0.7;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (6, 3));
  gtk_snapshot_append_layout (snapshot, layout, &dim);
  gtk_snapshot_restore (snapshot);

  pango_layout_get_pixel_size (layout, &width, NULL);
  g_object_unref (layout);
  return 6 + width;
}

/* One legend entry right-aligned at @right: a swatch, then the name.
 * Returns its left edge, or -1 when it would run into @left. */
static int
draw_legend_entry (VireoGraph    *self,
                   GtkSnapshot   *snapshot,
                   const char    *name,
                   const GdkRGBA *swatch,
                   const GdkRGBA *text_color,
                   int            right,
                   int            left)
{
  PangoLayout *layout = create_small_layout (self, name);
  GdkRGBA dim = *text_color;
  int width, height, x;

  pango_layout_get_pixel_size (layout, &width, &height);
  x = right - width - 4 - LEGEND_SWATCH;
  if (x < left)
    {
      g_object_unref (layout);
      return -1;
    }

  gtk_snapshot_append_color (snapshot, swatch,
                             &GRAPHENE_RECT_INIT (x, 3 + (height - LEGEND_SWATCH) / 2.0,
                                                  LEGEND_SWATCH, LEGEND_SWATCH));
  dim.alpha *= 0.7;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + LEGEND_SWATCH + 4, 3));
  gtk_snapshot_append_layout (snapshot, layout, &dim);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
  return x;
}

/* Top right, newest samples underneath: they are drawn first, so the text
 * stays readable over them. A graph too narrow for it keeps only the
 * lines; the page around it names them as well. */
static void
draw_legend (VireoGraph    *self,
             GtkSnapshot   *snapshot,
             const GdkRGBA *first,
             const GdkRGBA *second,
             const GdkRGBA *text_color,
             int            width,
             int            scale_right)
{
  int x = draw_legend_entry (self, snapshot, second_name (self), second, text_color,
                             width - 6, scale_right + 12);

  if (x >= 0)
    draw_legend_entry (self, snapshot, first_name (self), first, text_color, x - 10, scale_right + 12);
}

static void
vireo_graph_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  VireoGraph *self = VIREO_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double max = effective_max (self);
  GdkRGBA color;
  GdkRGBA second;
  cairo_t *cr;
  int scale_right;

  if (width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  get_second_color (self, &second);
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

  /* With two lines, lighter fills, so the second does not hide the first
   * where they cross. */
  draw_series (cr, self->history, width, height, max, &color,
               self->second_history != NULL ? 0.18 : 0.25);
  if (self->second_history != NULL)
    draw_series (cr, self->second_history, width, height, max, &second, 0.12);

  cairo_destroy (cr);

  scale_right = draw_scale (self, snapshot, &color);
  if (self->second_history != NULL)
    draw_legend (self, snapshot, &color, &second, &color, width, scale_right);
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
  g_free (self->first_label);
  g_free (self->second_label);

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
    case PROP_FIRST_LABEL:  g_value_set_string (value, self->first_label); break;
    case PROP_SECOND_LABEL: g_value_set_string (value, self->second_label); break;
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
    case PROP_FIRST_LABEL:  vireo_graph_set_first_label (self, g_value_get_string (value)); break;
    case PROP_SECOND_LABEL: vireo_graph_set_second_label (self, g_value_get_string (value)); break;
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
  properties[PROP_FIRST_LABEL] = g_param_spec_string ("first-label", NULL, NULL, NULL, rw);
  properties[PROP_SECOND_LABEL] = g_param_spec_string ("second-label", NULL, NULL, NULL, rw);
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

/**
 * vireo_graph_get_second_history:
 *
 * Returns: (transfer none) (nullable): the second line, if any
 */
const VireoHistory *
vireo_graph_get_second_history (VireoGraph *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPH (self), NULL);
  return self->second_history;
}

/**
 * vireo_graph_set_second_history:
 * @history: (nullable) (transfer none): samples for a second line on the
 *   same scale (writes beside reads); borrowed like the first
 *
 * Name both lines with vireo_graph_set_first_label() and
 * vireo_graph_set_second_label(): the legend and the description for
 * screen readers use the names.
 */
void
vireo_graph_set_second_history (VireoGraph         *self,
                                const VireoHistory *history)
{
  g_return_if_fail (VIREO_IS_GRAPH (self));

  self->second_history = history;
  vireo_graph_changed (self);
}

static void
set_series_label (VireoGraph  *self,
                  char       **field,
                  const char  *label,
                  guint        prop)
{
  if (g_strcmp0 (*field, label) == 0)
    return;
  g_free (*field);
  *field = g_strdup (label);
  vireo_graph_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

const char *
vireo_graph_get_first_label (VireoGraph *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPH (self), NULL);
  return self->first_label;
}

/**
 * vireo_graph_set_first_label:
 * @label: (nullable): the first line's name in the legend ("Read"); shown
 *   only when there is a second line
 */
void
vireo_graph_set_first_label (VireoGraph *self,
                             const char *label)
{
  g_return_if_fail (VIREO_IS_GRAPH (self));
  set_series_label (self, &self->first_label, label, PROP_FIRST_LABEL);
}

const char *
vireo_graph_get_second_label (VireoGraph *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPH (self), NULL);
  return self->second_label;
}

/**
 * vireo_graph_set_second_label:
 * @label: (nullable): the second line's name in the legend ("Write")
 */
void
vireo_graph_set_second_label (VireoGraph *self,
                              const char *label)
{
  g_return_if_fail (VIREO_IS_GRAPH (self));
  set_series_label (self, &self->second_label, label, PROP_SECOND_LABEL);
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
