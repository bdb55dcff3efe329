/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-network-map-view"

#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>

#include "vireo-network-map-view.h"

/*
 * Draws a laid-out VireoNetMap and lets the user zoom, pan, select and
 * search it. All placement comes from the model (vireo_net_map_layout);
 * this widget only turns map units into pixels. The same cairo code
 * draws the screen and the PNG/SVG export, so what is saved is what was
 * seen, minus the selection.
 *
 * A new map (after an event) keeps the user's view: the zoom stays, and
 * the selected node (or the one nearest the middle) stays where it was on
 * screen, so a guest starting elsewhere does not throw the picture about.
 * Until the user zooms or pans, the view keeps fitting the whole map.
 */

#define MIN_ZOOM 0.05
#define MAX_ZOOM 4.0
#define KEY_ZOOM 1.25
/* Below this the boxes' text is too small to read: a map that only fits
 * smaller opens at this size, from its top-left corner, and Fit (or 0)
 * shows all of it. */
#define READABLE_ZOOM 0.55

typedef struct
{
  double r, g, b;
} Rgb;

typedef struct
{
  Rgb bg;
  Rgb fg;
  Rgb dim;
  Rgb box;
  Rgb border;
  Rgb band;
  Rgb accent;
  Rgb match;
  Rgb running;
  Rgb stopped;
} Palette;

static const Palette light_palette = {
  .bg = { 0.98, 0.98, 0.98 },     .fg = { 0.12, 0.12, 0.12 },     .dim = { 0.38, 0.38, 0.40 },
  .box = { 1.0, 1.0, 1.0 },       .border = { 0.75, 0.75, 0.74 }, .band = { 0.92, 0.92, 0.94 },
  .accent = { 0.21, 0.52, 0.89 }, .match = { 0.96, 0.83, 0.18 }, .running = { 0.18, 0.76, 0.49 },
  .stopped = { 0.60, 0.60, 0.60 },
};

static const Palette dark_palette = {
  .bg = { 0.14, 0.14, 0.14 },     .fg = { 0.94, 0.94, 0.94 },     .dim = { 0.66, 0.66, 0.68 },
  .box = { 0.20, 0.20, 0.21 },    .border = { 0.33, 0.33, 0.35 }, .band = { 0.17, 0.17, 0.20 },
  .accent = { 0.47, 0.68, 0.98 }, .match = { 0.80, 0.66, 0.05 }, .running = { 0.34, 0.89, 0.54 },
  .stopped = { 0.50, 0.50, 0.50 },
};

struct _VireoNetworkMapView
{
  GtkWidget             parent_instance;

  VireoNetMap          *map;
  VireoMapMetrics       metrics;
  double                zoom;
  double                offset_x;   /* map point at the widget's top-left */
  double                offset_y;
  gboolean              fitted;     /* follows the map and the window until the user moves the view */
  gboolean              fit_all;    /* the whole map even when its text gets too small */
  char                 *selected;
  char                 *search;
  GHashTable           *matches;    /* (nullable): ids of matching nodes, and of machines with a matching NIC */
  GHashTable           *layouts;    /* shaped text, see layout_for() */

  double                drag_offset_x;
  double                drag_offset_y;
  gboolean              dragged;
  double                pinch_zoom;
  double                pointer_x;
  double                pointer_y;
};

G_DEFINE_FINAL_TYPE (VireoNetworkMapView, vireo_network_map_view, GTK_TYPE_WIDGET)

enum
{
  SELECTION_CHANGED,
  NODE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------ */
/* Drawing                                                                   */

typedef struct
{
  const Palette        *palette;
  PangoLayout          *layout;     /* for text not cached */
  GHashTable           *layouts;    /* (nullable): the view's cache, "font|width|text" -> PangoLayout */
  PangoContext         *pango;      /* (nullable): the widget's, for cached layouts */
  PangoFontDescription *font;
  PangoFontDescription *bold;
  PangoFontDescription *small;
  const char           *selected;
  GHashTable           *matches;
  double                zoom;       /* for the level of detail */
  double                clip_x0, clip_y0, clip_x1, clip_y1;
} DrawContext;

static void
set_rgb (cairo_t    *cr,
         Rgb         c,
         double      alpha)
{
  cairo_set_source_rgba (cr, c.r, c.g, c.b, alpha);
}

/* Each way out has its own colour, used for the network's stripe, its
 * wires and its uplink, so a student can follow one network by eye. */
static Rgb
mode_rgb (const VireoMapNode *node)
{
  if (node == NULL)
    return (Rgb) { 0.47, 0.46, 0.48 };
  if (node->kind == VIREO_MAP_NODE_SEGMENT)
    switch (node->segment)
      {
      case VIREO_MAP_SEGMENT_BRIDGE:
        return (Rgb) { 0.57, 0.25, 0.67 };
      case VIREO_MAP_SEGMENT_DIRECT:
        return (Rgb) { 0.60, 0.42, 0.27 };
      case VIREO_MAP_SEGMENT_USER:
        return (Rgb) { 0.90, 0.65, 0.04 };
      case VIREO_MAP_SEGMENT_NONE:
      case VIREO_MAP_SEGMENT_OTHER:
      default:
        return (Rgb) { 0.47, 0.46, 0.48 };
      }
  if (node->kind != VIREO_MAP_NODE_NETWORK)
    return (Rgb) { 0.47, 0.46, 0.48 };
  switch (node->mode)
    {
    case VIREO_NETWORK_MODE_NAT:
      return (Rgb) { 0.21, 0.52, 0.89 };
    case VIREO_NETWORK_MODE_ROUTE:
      return (Rgb) { 0.15, 0.64, 0.41 };
    case VIREO_NETWORK_MODE_OPEN:
      return (Rgb) { 0.13, 0.56, 0.64 };
    case VIREO_NETWORK_MODE_ISOLATED:
      return (Rgb) { 0.90, 0.38, 0.0 };
    case VIREO_NETWORK_MODE_BRIDGE:
      return (Rgb) { 0.57, 0.25, 0.67 };
    case VIREO_NETWORK_MODE_MACVTAP:
      return (Rgb) { 0.60, 0.42, 0.27 };
    case VIREO_NETWORK_MODE_HOSTDEV:
      return (Rgb) { 0.78, 0.27, 0.0 };
    default:
      return (Rgb) { 0.47, 0.46, 0.48 };
    }
}

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r)
{
  r = MIN (r, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* Shaping text is most of a frame's cost: on screen, each text is shaped
 * once in the widget's own Pango context and kept, and cairo's transform
 * only scales it. The export shapes afresh in its own context. */
static PangoLayout *
layout_for (DrawContext                *ctx,
            const PangoFontDescription *font,
            const char                 *text,
            double                      width)
{
  g_autofree char *key = NULL;
  PangoLayout *layout;

  if (ctx->layouts == NULL)
    {
      layout = ctx->layout;
      pango_layout_set_font_description (layout, font);
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_text (layout, text, -1);
      return layout;
    }
  key = g_strdup_printf ("%c|%d|%s", font == ctx->bold ? 'b' : 's', (int) width, text);
  layout = g_hash_table_lookup (ctx->layouts, key);
  if (layout == NULL)
    {
      layout = pango_layout_new (ctx->pango);
      pango_layout_set_font_description (layout, font);
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_text (layout, text, -1);
      g_hash_table_insert (ctx->layouts, g_steal_pointer (&key), layout);
    }
  return layout;
}

static void
draw_text (cairo_t                    *cr,
           DrawContext                *ctx,
           const PangoFontDescription *font,
           const char                 *text,
           double                      x,
           double                      y,
           double                      width,
           Rgb                         color,
           double                      alpha)
{
  if (text == NULL || *text == '\0' || width <= 4)
    return;
  set_rgb (cr, color, alpha);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout_for (ctx, font, text, width));
}

static gboolean
visible (DrawContext *ctx,
         double       x,
         double       y,
         double       w,
         double       h)
{
  return x + w >= ctx->clip_x0 && x <= ctx->clip_x1 && y + h >= ctx->clip_y0 && y <= ctx->clip_y1;
}

static const char *
line_at (const VireoMapNode *node,
         guint               i)
{
  return node->lines != NULL && i < node->lines->len ? g_ptr_array_index (node->lines, i) : NULL;
}

/* Search dims what does not match; the machine of a matching NIC stays lit. */
static double
node_alpha (DrawContext        *ctx,
            const VireoMapNode *node)
{
  double alpha = node->active || node->kind == VIREO_MAP_NODE_HOST ? 1.0 : 0.6;

  if (ctx->matches != NULL && !g_hash_table_contains (ctx->matches, node->id))
    alpha *= 0.3;
  return alpha;
}

static void
draw_halo (cairo_t            *cr,
           DrawContext        *ctx,
           const VireoMapNode *node)
{
  if (ctx->matches != NULL && g_hash_table_contains (ctx->matches, node->id) && node->kind != VIREO_MAP_NODE_HOST)
    {
      rounded_rect (cr, node->x - 5, node->y - 5, node->width + 10, node->height + 10, 12);
      set_rgb (cr, ctx->palette->match, 0.55);
      cairo_fill (cr);
    }
  if (g_strcmp0 (ctx->selected, node->id) == 0)
    {
      rounded_rect (cr, node->x - 3, node->y - 3, node->width + 6, node->height + 6, 10);
      set_rgb (cr, ctx->palette->accent, 1.0);
      cairo_set_line_width (cr, 3);
      cairo_stroke (cr);
    }
}

static void
stroke_border (cairo_t     *cr,
               DrawContext *ctx,
               gboolean     active,
               double       alpha)
{
  static const double dashes[] = { 5, 3 };

  set_rgb (cr, ctx->palette->border, alpha);
  cairo_set_line_width (cr, 1.2);
  if (!active)
    cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

static void
draw_host (cairo_t            *cr,
           DrawContext        *ctx,
           const VireoMapNode *node)
{
  g_autofree char *label = g_strdup_printf (_("Host %s"), node->title != NULL ? node->title : node->name);

  rounded_rect (cr, node->x, node->y, node->width, node->height, 10);
  set_rgb (cr, ctx->palette->band, 1.0);
  cairo_fill_preserve (cr);
  stroke_border (cr, ctx, TRUE, 1.0);
  if (ctx->zoom >= 0.2)
    draw_text (cr, ctx, ctx->bold, label, node->x + 12, node->y + 8, MIN (node->width - 24, 400), ctx->palette->fg,
               1.0);
}

static void
draw_iface (cairo_t            *cr,
            DrawContext        *ctx,
            const VireoMapNode *node)
{
  double alpha = node_alpha (ctx, node);

  draw_halo (cr, ctx, node);
  rounded_rect (cr, node->x, node->y, node->width, node->height, 6);
  set_rgb (cr, ctx->palette->box, alpha);
  cairo_fill_preserve (cr);
  stroke_border (cr, ctx, node->active, alpha);
  if (ctx->zoom < 0.4)
    return;
  draw_text (cr, ctx, ctx->bold, node->title, node->x + 8, node->y + 5, node->width - 16, ctx->palette->fg, alpha);
  draw_text (cr, ctx, ctx->small, line_at (node, 0), node->x + 8, node->y + 23, node->width - 16, ctx->palette->dim,
             alpha);
}

/* Closed off: a stub where the uplink would be, ending in a bar. */
static void
draw_closed_mark (cairo_t            *cr,
                  DrawContext        *ctx,
                  const VireoMapNode *node,
                  double              alpha)
{
  double cx = node->x + node->width / 2;
  Rgb color = mode_rgb (node);

  set_rgb (cr, color, alpha);
  cairo_set_line_width (cr, 2.5);
  cairo_move_to (cr, cx, node->y);
  cairo_line_to (cr, cx, node->y - 14);
  cairo_stroke (cr);
  cairo_move_to (cr, cx - 10, node->y - 14);
  cairo_line_to (cr, cx + 10, node->y - 14);
  cairo_set_line_width (cr, 4);
  cairo_stroke (cr);
  if (ctx->zoom >= 0.4)
    draw_text (cr, ctx, ctx->small, _("no way out"), cx + 14, node->y - 24, 120, ctx->palette->dim, alpha);
}

static void
draw_segment (cairo_t            *cr,
              DrawContext        *ctx,
              const VireoMapNode *node)
{
  double alpha = node_alpha (ctx, node);
  Rgb color = mode_rgb (node);

  draw_halo (cr, ctx, node);
  rounded_rect (cr, node->x, node->y, node->width, node->height, 8);
  set_rgb (cr, ctx->palette->box, alpha);
  cairo_fill_preserve (cr);
  stroke_border (cr, ctx, node->active, alpha);
  /* The mode's colour along the top, and switch ports along the bottom. */
  cairo_save (cr);
  rounded_rect (cr, node->x, node->y, node->width, node->height, 8);
  cairo_clip (cr);
  cairo_rectangle (cr, node->x, node->y, node->width, 6);
  set_rgb (cr, color, alpha);
  cairo_fill (cr);
  cairo_restore (cr);
  for (int i = 0; i < 6; i++)
    {
      cairo_rectangle (cr, node->x + node->width - 14 - i * 9, node->y + node->height - 10, 6, 5);
      set_rgb (cr, color, alpha * 0.8);
      cairo_fill (cr);
    }
  if (node->isolated)
    draw_closed_mark (cr, ctx, node, alpha);
  if (ctx->zoom < 0.15)
    return;
  draw_text (cr, ctx, ctx->bold, node->title, node->x + 10, node->y + 11, node->width - 20, ctx->palette->fg, alpha);
  if (ctx->zoom < 0.4)
    return;
  for (guint i = 0; i < 4 && line_at (node, i) != NULL; i++)
    draw_text (cr, ctx, ctx->small, line_at (node, i), node->x + 10, node->y + 31 + i * 15, node->width - 20,
               i == 0 ? color : ctx->palette->dim, alpha);
}

static void
draw_domain (cairo_t            *cr,
             DrawContext        *ctx,
             const VireoMapNode *node,
             GPtrArray          *nics)
{
  double alpha = node_alpha (ctx, node);

  draw_halo (cr, ctx, node);
  rounded_rect (cr, node->x, node->y, node->width, node->height, 8);
  set_rgb (cr, ctx->palette->box, MAX (alpha, 0.3));
  cairo_fill_preserve (cr);
  stroke_border (cr, ctx, TRUE, alpha);
  cairo_arc (cr, node->x + 12, node->y + 15, 4, 0, 2 * G_PI);
  set_rgb (cr, node->active ? ctx->palette->running : ctx->palette->stopped, alpha);
  cairo_fill (cr);
  if (ctx->zoom >= 0.2)
    draw_text (cr, ctx, ctx->bold, node->title, node->x + 22, node->y + 6, node->width - 30, ctx->palette->fg, alpha);
  if (ctx->zoom >= 0.4)
    draw_text (cr, ctx, ctx->small, line_at (node, 0), node->x + 22, node->y + 24, node->width - 30,
               ctx->palette->dim, alpha);

  for (guint i = 0; i < nics->len; i++)
    {
      VireoMapNode *nic = g_ptr_array_index (nics, i);
      g_autofree char *text = NULL;

      cairo_move_to (cr, nic->x + 6, nic->y + 0.5);
      cairo_line_to (cr, nic->x + nic->width - 6, nic->y + 0.5);
      set_rgb (cr, ctx->palette->border, alpha);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
      /* The port the wire plugs into, in its network's colour. */
      cairo_rectangle (cr, nic->x - 3, nic->y + nic->height / 2 - 5, 6, 10);
      set_rgb (cr, mode_rgb (nic->attached), alpha);
      cairo_fill (cr);
      if (g_strcmp0 (ctx->selected, nic->id) == 0)
        {
          cairo_rectangle (cr, nic->x + 1.5, nic->y + 1.5, nic->width - 3, nic->height - 3);
          set_rgb (cr, ctx->palette->accent, 1.0);
          cairo_set_line_width (cr, 2);
          cairo_stroke (cr);
        }
      if (ctx->matches != NULL && g_hash_table_contains (ctx->matches, nic->id))
        {
          cairo_rectangle (cr, nic->x + 1, nic->y + 1, nic->width - 2, nic->height - 2);
          set_rgb (cr, ctx->palette->match, 0.45);
          cairo_fill (cr);
        }
      if (ctx->zoom < 0.4)
        continue;
      if (nic->addresses != NULL && nic->addresses->len > 0)
        text = g_strdup_printf ("%s  %s", (char *) g_ptr_array_index (nic->addresses, 0), nic->title);
      else
        text = g_strdup (nic->title);
      draw_text (cr, ctx, ctx->small, text, nic->x + 10, nic->y + 4, nic->width - 16,
                 nic->addresses != NULL && nic->addresses->len > 0 ? ctx->palette->fg : ctx->palette->dim, alpha);
    }
}

static void
edge_bounds (const VireoMapEdge *edge,
             double             *x0,
             double             *y0,
             double             *x1,
             double             *y1)
{
  *x0 = *y0 = G_MAXDOUBLE;
  *x1 = *y1 = -G_MAXDOUBLE;
  for (guint i = 0; i < edge->n_points; i++)
    {
      *x0 = MIN (*x0, edge->points[2 * i]);
      *x1 = MAX (*x1, edge->points[2 * i]);
      *y0 = MIN (*y0, edge->points[2 * i + 1]);
      *y1 = MAX (*y1, edge->points[2 * i + 1]);
    }
}

static void
polyline (cairo_t            *cr,
          const VireoMapEdge *edge)
{
  cairo_move_to (cr, edge->points[0], edge->points[1]);
  for (guint i = 1; i < edge->n_points; i++)
    cairo_line_to (cr, edge->points[2 * i], edge->points[2 * i + 1]);
}

static void
arrow_head (cairo_t *cr,
            double   x,
            double   y,
            double   dir)  /* -1 up, +1 down */
{
  cairo_move_to (cr, x, y + dir * 6);
  cairo_line_to (cr, x - 5, y - dir * 3);
  cairo_line_to (cr, x + 5, y - dir * 3);
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* Which way traffic may start on an uplink: NAT and user-mode only go
 * out; routed, open, bridged and macvtap go both ways. */
static void
draw_uplink_arrows (cairo_t            *cr,
                    const VireoMapEdge *edge)
{
  const VireoMapNode *from = edge->from;
  gboolean inbound = from->reach[VIREO_REACH_OUTSIDE_GUEST].verdict != VIREO_REACH_NO;
  gboolean outbound = from->reach[VIREO_REACH_GUEST_OUTSIDE].verdict != VIREO_REACH_NO;
  double x = edge->points[0];
  double y = edge->points[1] - 14;

  if (edge->n_points < 2 || edge->points[1] - edge->points[3] < 40)
    return;
  if (outbound)
    arrow_head (cr, x - (inbound ? 7 : 0), y - 4, -1);
  if (inbound)
    arrow_head (cr, x + (outbound ? 7 : 0), y, 1);
}

static gboolean
edge_lit (DrawContext        *ctx,
          const VireoMapEdge *edge)
{
  return ctx->selected != NULL
         && (g_strcmp0 (ctx->selected, edge->id) == 0 || g_strcmp0 (ctx->selected, edge->from->id) == 0
             || g_strcmp0 (ctx->selected, edge->to->id) == 0
             || (edge->from->parent != NULL && g_strcmp0 (ctx->selected, edge->from->parent->id) == 0));
}

static double
edge_alpha (DrawContext        *ctx,
            const VireoMapEdge *edge)
{
  double alpha = edge->active ? 1.0 : 0.55;

  if (ctx->matches != NULL && !g_hash_table_contains (ctx->matches, edge->from->id)
      && !g_hash_table_contains (ctx->matches, edge->to->id))
    alpha *= 0.3;
  return alpha;
}

static const VireoMapNode *
edge_colour_node (const VireoMapEdge *edge)
{
  return edge->kind == VIREO_MAP_EDGE_LINK ? edge->to : edge->from;
}

static void
stroke_edge_path (cairo_t            *cr,
                  const VireoMapEdge *like,
                  double              alpha,
                  gboolean            lit)
{
  static const double dashes[] = { 4, 3 };
  double width = like->kind == VIREO_MAP_EDGE_UPLINK ? 2.5 : 1.5;

  set_rgb (cr, mode_rgb (edge_colour_node (like)), alpha);
  cairo_set_line_width (cr, lit ? width + 1 : width);
  if (!like->active)
    cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

/* Wires that look the same (same network, kind, state and fade) are one
 * path and one stroke: a thousand strokes cost far more than one long
 * path. Lit wires, uplink arrows and labels go on top, one by one. */
static void
draw_edges (cairo_t     *cr,
            DrawContext *ctx,
            GPtrArray   *edges)
{
  g_autoptr(GPtrArray) order = g_ptr_array_sized_new (edges->len);
  g_autoptr(GPtrArray) lit = g_ptr_array_new ();
  const VireoMapEdge *batch = NULL;
  double batch_alpha = 0;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < edges->len; i++)
    {
      VireoMapEdge *edge = g_ptr_array_index (edges, i);
      double x0, y0, x1, y1;

      if (edge->n_points < 2)
        continue;
      edge_bounds (edge, &x0, &y0, &x1, &y1);
      if (!visible (ctx, x0 - 4, y0 - 4, x1 - x0 + 8, y1 - y0 + 8))
        continue;
      if (edge_lit (ctx, edge))
        g_ptr_array_add (lit, edge);
      else
        g_ptr_array_add (order, edge);
    }

  for (guint i = 0; i < order->len; i++)
    {
      const VireoMapEdge *edge = g_ptr_array_index (order, i);
      double alpha = edge_alpha (ctx, edge);

      if (batch != NULL
          && (edge_colour_node (edge) != edge_colour_node (batch) || edge->kind != batch->kind
              || edge->active != batch->active || alpha != batch_alpha))
        {
          stroke_edge_path (cr, batch, batch_alpha, FALSE);
          batch = NULL;
        }
      if (batch == NULL)
        batch = edge, batch_alpha = alpha;
      polyline (cr, edge);
    }
  if (batch != NULL)
    stroke_edge_path (cr, batch, batch_alpha, FALSE);

  for (guint i = 0; i < lit->len; i++)
    {
      const VireoMapEdge *edge = g_ptr_array_index (lit, i);
      double width = edge->kind == VIREO_MAP_EDGE_UPLINK ? 2.5 : 1.5;

      polyline (cr, edge);
      set_rgb (cr, ctx->palette->accent, 0.35);
      cairo_set_line_width (cr, width + 5);
      cairo_stroke (cr);
      polyline (cr, edge);
      stroke_edge_path (cr, edge, edge_alpha (ctx, edge), TRUE);
    }

  for (guint i = 0; i < order->len + lit->len; i++)
    {
      const VireoMapEdge *edge = i < order->len ? g_ptr_array_index (order, i)
                                                : g_ptr_array_index (lit, i - order->len);
      double alpha = edge_alpha (ctx, edge);

      if (edge->kind != VIREO_MAP_EDGE_UPLINK)
        continue;
      set_rgb (cr, mode_rgb (edge->from), alpha);
      draw_uplink_arrows (cr, edge);
      if (ctx->zoom >= 0.4 && edge->label != NULL)
        draw_text (cr, ctx, ctx->small, edge->label, edge->points[0] + 14, edge->points[1] - 22, 110,
                   ctx->palette->dim, alpha);
    }
}

static void
draw_map (cairo_t     *cr,
          DrawContext *ctx,
          VireoNetMap *map)
{
  GPtrArray *nodes = vireo_net_map_get_nodes (map);
  GPtrArray *edges = vireo_net_map_get_edges (map);
  g_autoptr(GPtrArray) nics = g_ptr_array_new ();

  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *node = g_ptr_array_index (nodes, i);

      if (node->kind == VIREO_MAP_NODE_HOST)
        draw_host (cr, ctx, node);
    }
  /* Wires under the boxes, so a box always reads whole. */
  draw_edges (cr, ctx, edges);

  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *node = g_ptr_array_index (nodes, i);

      if (!visible (ctx, node->x - 30, node->y - 30, node->width + 60, node->height + 60))
        continue;
      switch (node->kind)
        {
        case VIREO_MAP_NODE_HOST_IFACE:
          draw_iface (cr, ctx, node);
          break;
        case VIREO_MAP_NODE_NETWORK:
        case VIREO_MAP_NODE_SEGMENT:
          draw_segment (cr, ctx, node);
          break;
        case VIREO_MAP_NODE_DOMAIN:
          g_ptr_array_set_size (nics, 0);
          for (guint j = i + 1; j < nodes->len; j++)
            {
              VireoMapNode *nic = g_ptr_array_index (nodes, j);

              if (nic->kind != VIREO_MAP_NODE_NIC || nic->parent != node)
                break;
              g_ptr_array_add (nics, nic);
            }
          draw_domain (cr, ctx, node, nics);
          break;
        case VIREO_MAP_NODE_HOST:
        case VIREO_MAP_NODE_NIC:
        default:
          break;
        }
    }
}

static void
draw_context_init (DrawContext                *ctx,
                   cairo_t                    *cr,
                   const PangoFontDescription *base,
                   const Palette              *palette)
{
  int size = pango_font_description_get_size (base);

  if (size <= 0)
    size = 10 * PANGO_SCALE;
  ctx->palette = palette;
  ctx->layout = pango_cairo_create_layout (cr);
  ctx->font = pango_font_description_copy (base);
  pango_font_description_set_size (ctx->font, size);
  ctx->bold = pango_font_description_copy (ctx->font);
  pango_font_description_set_weight (ctx->bold, PANGO_WEIGHT_BOLD);
  ctx->small = pango_font_description_copy (ctx->font);
  /* Boxes are sized in map units for 10 pt text; larger system fonts
   * would overflow them. */
  pango_font_description_set_size (ctx->bold, MIN (size, 10 * PANGO_SCALE));
  pango_font_description_set_size (ctx->small, MIN (size, 10 * PANGO_SCALE) * 0.9);
  ctx->clip_x0 = ctx->clip_y0 = -G_MAXDOUBLE;
  ctx->clip_x1 = ctx->clip_y1 = G_MAXDOUBLE;
  ctx->zoom = 1.0;
}

static void
draw_context_clear (DrawContext *ctx)
{
  g_clear_object (&ctx->layout);
  g_clear_pointer (&ctx->font, pango_font_description_free);
  g_clear_pointer (&ctx->bold, pango_font_description_free);
  g_clear_pointer (&ctx->small, pango_font_description_free);
}

static const Palette *
current_palette (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ()) ? &dark_palette : &light_palette;
}

static void
vireo_network_map_view_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot)
{
  VireoNetworkMapView *self = VIREO_NETWORK_MAP_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  const Palette *palette = current_palette ();
  DrawContext ctx = { 0 };
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  set_rgb (cr, palette->bg, 1.0);
  cairo_paint (cr);
  if (self->map != NULL)
    {
      draw_context_init (&ctx, cr,
                         pango_context_get_font_description (gtk_widget_get_pango_context (widget)), palette);
      /* Bounded: a new map's texts replace the old ones'. */
      if (g_hash_table_size (self->layouts) > 8192)
        g_hash_table_remove_all (self->layouts);
      ctx.layouts = self->layouts;
      ctx.pango = gtk_widget_get_pango_context (widget);
      ctx.selected = self->selected;
      ctx.matches = self->matches;
      ctx.zoom = self->zoom;
      ctx.clip_x0 = self->offset_x;
      ctx.clip_y0 = self->offset_y;
      ctx.clip_x1 = self->offset_x + width / self->zoom;
      ctx.clip_y1 = self->offset_y + height / self->zoom;
      cairo_scale (cr, self->zoom, self->zoom);
      cairo_translate (cr, -self->offset_x, -self->offset_y);
      draw_map (cr, &ctx, self->map);
      draw_context_clear (&ctx);
    }
  cairo_destroy (cr);
}

/* ------------------------------------------------------------------------ */
/* View                                                                      */

static void
clamp_offset (VireoNetworkMapView *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom;
  double height = gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom;
  double map_width = 0, map_height = 0;
  double keep = 60 / self->zoom;

  if (self->map == NULL)
    return;
  vireo_net_map_get_size (self->map, &map_width, &map_height);
  /* Some of the map always stays in sight. */
  self->offset_x = CLAMP (self->offset_x, keep - width, MAX (keep - width, map_width - keep));
  self->offset_y = CLAMP (self->offset_y, keep - height, MAX (keep - height, map_height - keep));
}

static void
apply_fit (VireoNetworkMapView *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double map_width = 0, map_height = 0;

  if (self->map == NULL || width <= 0 || height <= 0)
    return;
  vireo_net_map_get_size (self->map, &map_width, &map_height);
  if (map_width <= 0 || map_height <= 0)
    return;
  /* Never larger than life: a small map stays readable, not blown up. */
  self->zoom = CLAMP (MIN (width / map_width, height / map_height), MIN_ZOOM, 1.0);
  if (!self->fit_all && self->zoom < READABLE_ZOOM)
    {
      self->zoom = READABLE_ZOOM;
      self->offset_x = 0;
      self->offset_y = 0;
      return;
    }
  /* Centred across, from the top down: the host is where eyes start. */
  self->offset_x = map_width / 2 - width / self->zoom / 2;
  self->offset_y = 0;
}

/**
 * vireo_network_map_view_fit:
 *
 * Shows the whole map, however small that makes it, and keeps doing so as
 * the map and the window change, until the user zooms or pans.
 */
void
vireo_network_map_view_fit (VireoNetworkMapView *self)
{
  g_return_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self));

  self->fitted = TRUE;
  self->fit_all = TRUE;
  apply_fit (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
vireo_network_map_view_get_fitted (VireoNetworkMapView *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self), FALSE);
  return self->fitted;
}

static void
zoom_at (VireoNetworkMapView *self,
         double               factor,
         double               wx,
         double               wy)
{
  double map_x = self->offset_x + wx / self->zoom;
  double map_y = self->offset_y + wy / self->zoom;

  self->zoom = CLAMP (self->zoom * factor, MIN_ZOOM, MAX_ZOOM);
  self->offset_x = map_x - wx / self->zoom;
  self->offset_y = map_y - wy / self->zoom;
  self->fitted = FALSE;
  clamp_offset (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Zooms around the middle of the view. */
void
vireo_network_map_view_zoom_by (VireoNetworkMapView *self,
                                double               factor)
{
  g_return_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self));
  zoom_at (self, factor, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

double
vireo_network_map_view_get_zoom (VireoNetworkMapView *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self), 1.0);
  return self->zoom;
}

void
vireo_network_map_view_get_offset (VireoNetworkMapView *self,
                                   double              *x,
                                   double              *y)
{
  g_return_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self));
  if (x != NULL)
    *x = self->offset_x;
  if (y != NULL)
    *y = self->offset_y;
}

/* In widget pixels. */
void
vireo_network_map_view_pan_by (VireoNetworkMapView *self,
                               double               dx,
                               double               dy)
{
  g_return_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self));
  self->offset_x -= dx / self->zoom;
  self->offset_y -= dy / self->zoom;
  self->fitted = FALSE;
  clamp_offset (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * vireo_network_map_view_map_to_widget:
 *
 * Returns: whether the map point is inside the widget now
 */
gboolean
vireo_network_map_view_map_to_widget (VireoNetworkMapView *self,
                                      double               map_x,
                                      double               map_y,
                                      double              *x,
                                      double              *y)
{
  double wx, wy;

  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self), FALSE);
  wx = (map_x - self->offset_x) * self->zoom;
  wy = (map_y - self->offset_y) * self->zoom;
  if (x != NULL)
    *x = wx;
  if (y != NULL)
    *y = wy;
  return wx >= 0 && wy >= 0 && wx <= gtk_widget_get_width (GTK_WIDGET (self))
         && wy <= gtk_widget_get_height (GTK_WIDGET (self));
}

static gboolean
item_bounds (VireoNetworkMapView *self,
             const char          *id,
             double              *x,
             double              *y,
             double              *w,
             double              *h)
{
  VireoMapNode *node = self->map != NULL && id != NULL ? vireo_net_map_lookup (self->map, id) : NULL;
  VireoMapEdge *edge = NULL;
  double x1, y1;

  if (node != NULL)
    {
      *x = node->x, *y = node->y, *w = node->width, *h = node->height;
      return TRUE;
    }
  edge = self->map != NULL && id != NULL ? vireo_net_map_lookup_edge (self->map, id) : NULL;
  if (edge == NULL || edge->n_points < 2)
    return FALSE;
  edge_bounds (edge, x, y, &x1, &y1);
  *w = x1 - *x, *h = y1 - *y;
  return TRUE;
}

/* Keyboard moves and search hits may land off screen: bring them in,
 * moving as little as possible. */
static void
reveal (VireoNetworkMapView *self,
        const char          *id)
{
  double x, y, w, h;
  double view_w = gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom;
  double view_h = gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom;
  double pad = 24 / self->zoom;

  if (view_w <= 0 || !item_bounds (self, id, &x, &y, &w, &h))
    return;
  if (x - pad < self->offset_x || x + w + pad > self->offset_x + view_w)
    self->offset_x = w + 2 * pad > view_w ? x - pad : MIN (MAX (self->offset_x, x + w + pad - view_w), x - pad);
  if (y - pad < self->offset_y || y + h + pad > self->offset_y + view_h)
    self->offset_y = h + 2 * pad > view_h ? y - pad : MIN (MAX (self->offset_y, y + h + pad - view_h), y - pad);
  if (self->fitted)
    self->fitted = x >= self->offset_x && y >= self->offset_y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
vireo_network_map_view_get_selected (VireoNetworkMapView *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self), NULL);
  return self->selected;
}

/**
 * vireo_network_map_view_select:
 * @id: (nullable): a node's or an edge's id; %NULL clears
 *
 * Returns: whether @id is on the map (or %NULL)
 */
gboolean
vireo_network_map_view_select (VireoNetworkMapView *self,
                               const char          *id)
{
  double x, y, w, h;

  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self), FALSE);

  if (id != NULL && !item_bounds (self, id, &x, &y, &w, &h))
    return FALSE;
  if (g_strcmp0 (id, self->selected) == 0)
    return TRUE;
  g_free (self->selected);
  self->selected = g_strdup (id);
  if (id != NULL)
    reveal (self, id);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
  return TRUE;
}

static void
update_matches (VireoNetworkMapView *self)
{
  g_autoptr(GPtrArray) found = NULL;

  g_clear_pointer (&self->matches, g_hash_table_unref);
  if (self->map == NULL || self->search == NULL || *self->search == '\0')
    return;
  self->matches = g_hash_table_new (g_str_hash, g_str_equal);
  found = vireo_net_map_find (self->map, self->search);
  for (guint i = 0; i < found->len; i++)
    {
      VireoMapNode *node = g_ptr_array_index (found, i);

      /* Ids belong to the map, which outlives the table. */
      g_hash_table_add (self->matches, node->id);
      if (node->kind == VIREO_MAP_NODE_NIC && node->parent != NULL)
        g_hash_table_add (self->matches, node->parent->id);
    }
}

/**
 * vireo_network_map_view_set_search:
 * @text: (nullable): what to light up; %NULL or "" shows everything
 *
 * Returns: how many nodes match; the first is brought into view
 */
guint
vireo_network_map_view_set_search (VireoNetworkMapView *self,
                                   const char          *text)
{
  g_autoptr(GPtrArray) found = NULL;

  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self), 0);

  g_free (self->search);
  self->search = g_strdup (text);
  update_matches (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->matches == NULL)
    return 0;
  found = vireo_net_map_find (self->map, self->search);
  if (found->len > 0)
    reveal (self, ((VireoMapNode *) g_ptr_array_index (found, 0))->id);
  return found->len;
}

gboolean
vireo_network_map_view_is_match (VireoNetworkMapView *self,
                                 const char          *id)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self), FALSE);
  return self->matches != NULL && id != NULL && g_hash_table_contains (self->matches, id);
}

/* The node that should not move when the map is replaced: the selection
 * if it is in sight, else the one nearest the middle of the view. */
static VireoMapNode *
anchor_node (VireoNetworkMapView *self)
{
  GPtrArray *nodes = vireo_net_map_get_nodes (self->map);
  double cx = self->offset_x + gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom / 2;
  double cy = self->offset_y + gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom / 2;
  VireoMapNode *best = NULL;
  double best_distance = G_MAXDOUBLE;

  if (self->selected != NULL)
    {
      VireoMapNode *node = vireo_net_map_lookup (self->map, self->selected);

      if (node != NULL && vireo_network_map_view_map_to_widget (self, node->x, node->y, NULL, NULL))
        return node;
    }
  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *node = g_ptr_array_index (nodes, i);
      double d;

      if (node->kind == VIREO_MAP_NODE_HOST || node->kind == VIREO_MAP_NODE_NIC)
        continue;
      d = hypot (node->x + node->width / 2 - cx, node->y + node->height / 2 - cy);
      if (d < best_distance)
        best_distance = d, best = node;
    }
  return best;
}

/**
 * vireo_network_map_view_set_map:
 * @map: (nullable): a finished map; the view lays it out
 *
 * Replaces the picture and keeps the user's view: zoom, the selection
 * (when it is still there) and the anchor node's place on screen.
 */
void
vireo_network_map_view_set_map (VireoNetworkMapView *self,
                                VireoNetMap         *map)
{
  g_autofree char *anchor_id = NULL;
  double anchor_x = 0, anchor_y = 0;
  double x, y, w, h;

  g_return_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self));

  if (self->map != NULL && !self->fitted)
    {
      VireoMapNode *anchor = anchor_node (self);

      if (anchor != NULL)
        {
          anchor_id = g_strdup (anchor->id);
          anchor_x = anchor->x - self->offset_x;
          anchor_y = anchor->y - self->offset_y;
        }
    }
  /* The old map's ids are in the match table until it is rebuilt; shaped
   * texts go too, so a changed system font is picked up at the latest
   * with the next map. */
  g_clear_pointer (&self->matches, g_hash_table_unref);
  g_hash_table_remove_all (self->layouts);
  g_clear_pointer (&self->map, vireo_net_map_unref);
  if (map != NULL)
    {
      self->map = vireo_net_map_ref (map);
      vireo_net_map_layout (self->map, &self->metrics);
    }
  update_matches (self);

  if (self->fitted)
    apply_fit (self);
  else if (anchor_id != NULL && self->map != NULL)
    {
      VireoMapNode *anchor = vireo_net_map_lookup (self->map, anchor_id);

      if (anchor != NULL)
        {
          self->offset_x = anchor->x - anchor_x;
          self->offset_y = anchor->y - anchor_y;
        }
      clamp_offset (self);
    }

  if (self->selected != NULL && !item_bounds (self, self->selected, &x, &y, &w, &h))
    {
      g_clear_pointer (&self->selected, g_free);
      g_signal_emit (self, signals[SELECTION_CHANGED], 0);
    }
  else if (self->selected != NULL)
    /* Same id, new details (an address arrived): the panel re-reads. */
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

VireoNetMap *
vireo_network_map_view_get_map (VireoNetworkMapView *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self), NULL);
  return self->map;
}

/* ------------------------------------------------------------------------ */
/* Export                                                                    */

static gboolean
cairo_ok (cairo_status_t   status,
          const char      *path,
          GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not save the map to %s: %s"), path,
               cairo_status_to_string (status));
  return FALSE;
}

/**
 * vireo_network_map_view_export:
 *
 * Saves the whole map at full size, without the selection or the search,
 * in the current light or dark colours.
 */
gboolean
vireo_network_map_view_export (VireoNetworkMapView  *self,
                               const char           *path,
                               VireoMapExportFormat  format,
                               GError              **error)
{
  const PangoFontDescription *font;
  const Palette *palette = current_palette ();
  double width = 0, height = 0;
  cairo_surface_t *surface;
  DrawContext ctx = { 0 };
  cairo_status_t status;
  double scale = 1;
  cairo_t *cr;

  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->map == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("The map has not been read yet"));
      return FALSE;
    }
  vireo_net_map_get_size (self->map, &width, &height);
  font = pango_context_get_font_description (gtk_widget_get_pango_context (GTK_WIDGET (self)));
  if (format == VIREO_MAP_EXPORT_SVG)
    surface = cairo_svg_surface_create (path, width, height);
  else
    {
      /* Twice the size reads well on a slide, within cairo's limits. */
      scale = MAX (width, height) * 2 <= 16000 ? 2 : MAX (0.1, 16000 / MAX (width, height));
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (width * scale),
                                            (int) ceil (height * scale));
    }
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return cairo_ok (status, path, error);
    }
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  set_rgb (cr, palette->bg, 1.0);
  cairo_paint (cr);
  draw_context_init (&ctx, cr, font, palette);
  draw_map (cr, &ctx, self->map);
  draw_context_clear (&ctx);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    {
      if (format == VIREO_MAP_EXPORT_SVG)
        {
          cairo_surface_finish (surface);
          status = cairo_surface_status (surface);
        }
      else
        status = cairo_surface_write_to_png (surface, path);
    }
  cairo_surface_destroy (surface);
  return cairo_ok (status, path, error);
}

/* ------------------------------------------------------------------------ */
/* Input                                                                     */

static const char *
hit (VireoNetworkMapView *self,
     double               wx,
     double               wy)
{
  double mx = self->offset_x + wx / self->zoom;
  double my = self->offset_y + wy / self->zoom;
  VireoMapNode *node;
  VireoMapEdge *edge;

  if (self->map == NULL)
    return NULL;
  node = vireo_net_map_node_at (self->map, mx, my);
  if (node != NULL && node->kind != VIREO_MAP_NODE_HOST)
    return node->id;
  edge = vireo_net_map_edge_at (self->map, mx, my, 6 / self->zoom);
  if (edge != NULL)
    return edge->id;
  return node != NULL ? node->id : NULL;
}

static void
on_click_released (GtkGestureClick     *gesture,
                   int                  n_press,
                   double               x,
                   double               y,
                   VireoNetworkMapView *self)
{
  const char *id;

  /* A press that became a pan selects nothing. */
  if (self->dragged)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  id = hit (self, x, y);
  vireo_network_map_view_select (self, id);
  if (n_press == 2 && id != NULL)
    g_signal_emit (self, signals[NODE_ACTIVATED], 0, id);
}

static void
on_drag_begin (GtkGestureDrag      *gesture,
               double               x,
               double               y,
               VireoNetworkMapView *self)
{
  self->drag_offset_x = self->offset_x;
  self->drag_offset_y = self->offset_y;
  self->dragged = FALSE;
}

static void
on_drag_update (GtkGestureDrag      *gesture,
                double               dx,
                double               dy,
                VireoNetworkMapView *self)
{
  if (!self->dragged && hypot (dx, dy) < 4)
    return;
  self->dragged = TRUE;
  self->offset_x = self->drag_offset_x - dx / self->zoom;
  self->offset_y = self->drag_offset_y - dy / self->zoom;
  self->fitted = FALSE;
  clamp_offset (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_pointer_motion (GtkEventControllerMotion *controller,
                   double                    x,
                   double                    y,
                   VireoNetworkMapView      *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           VireoNetworkMapView      *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean discrete = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;

  if (state & GDK_CONTROL_MASK)
    {
      zoom_at (self, pow (1.15, -dy), self->pointer_x, self->pointer_y);
      return TRUE;
    }
  vireo_network_map_view_pan_by (self, -dx * (discrete ? 40 : 1), -dy * (discrete ? 40 : 1));
  return TRUE;
}

static void
on_zoom_begin (GtkGesture          *gesture,
               GdkEventSequence    *sequence,
               VireoNetworkMapView *self)
{
  self->pinch_zoom = self->zoom;
}

static void
on_zoom_scale_changed (GtkGestureZoom      *gesture,
                       double               scale,
                       VireoNetworkMapView *self)
{
  double cx, cy;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    cx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0, cy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
  zoom_at (self, self->pinch_zoom * scale / self->zoom, cx, cy);
}

static gboolean
move_selection (VireoNetworkMapView *self,
                VireoMapDirection    direction)
{
  VireoMapNode *from = NULL;
  VireoMapNode *to;

  if (self->map == NULL)
    return FALSE;
  if (self->selected != NULL)
    {
      VireoMapEdge *edge = vireo_net_map_lookup_edge (self->map, self->selected);

      from = edge != NULL ? edge->from : vireo_net_map_lookup (self->map, self->selected);
    }
  to = vireo_net_map_neighbour (self->map, from, direction);
  if (to == NULL)
    return from != NULL;
  vireo_network_map_view_select (self, to->id);
  return TRUE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                VireoNetworkMapView   *self)
{
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      return move_selection (self, VIREO_MAP_UP);
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      return move_selection (self, VIREO_MAP_DOWN);
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      return move_selection (self, VIREO_MAP_LEFT);
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      return move_selection (self, VIREO_MAP_RIGHT);
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      if (self->selected == NULL)
        return FALSE;
      g_signal_emit (self, signals[NODE_ACTIVATED], 0, self->selected);
      return TRUE;
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      vireo_network_map_view_zoom_by (self, KEY_ZOOM);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      vireo_network_map_view_zoom_by (self, 1 / KEY_ZOOM);
      return TRUE;
    case GDK_KEY_0:
    case GDK_KEY_KP_0:
      vireo_network_map_view_fit (self);
      return TRUE;
    case GDK_KEY_Escape:
      if (self->selected == NULL)
        return FALSE;
      vireo_network_map_view_select (self, NULL);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
vireo_network_map_view_size_allocate (GtkWidget *widget,
                                      int        width,
                                      int        height,
                                      int        baseline)
{
  VireoNetworkMapView *self = VIREO_NETWORK_MAP_VIEW (widget);

  if (self->fitted)
    apply_fit (self);
  else
    clamp_offset (self);
}

static void
vireo_network_map_view_measure (GtkWidget      *widget,
                                GtkOrientation  orientation,
                                int             for_size,
                                int            *minimum,
                                int            *natural,
                                int            *minimum_baseline,
                                int            *natural_baseline)
{
  *minimum = 200;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 500;
}

static void
on_dark_changed (VireoNetworkMapView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
vireo_network_map_view_finalize (GObject *object)
{
  VireoNetworkMapView *self = VIREO_NETWORK_MAP_VIEW (object);

  g_clear_pointer (&self->matches, g_hash_table_unref);
  g_clear_pointer (&self->layouts, g_hash_table_unref);
  g_clear_pointer (&self->map, vireo_net_map_unref);
  g_free (self->selected);
  g_free (self->search);

  G_OBJECT_CLASS (vireo_network_map_view_parent_class)->finalize (object);
}

static void
vireo_network_map_view_class_init (VireoNetworkMapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = vireo_network_map_view_finalize;
  widget_class->snapshot = vireo_network_map_view_snapshot;
  widget_class->size_allocate = vireo_network_map_view_size_allocate;
  widget_class->measure = vireo_network_map_view_measure;

  /**
   * VireoNetworkMapView::selection-changed:
   *
   * The selected id changed, or the selected item got new details.
   */
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /**
   * VireoNetworkMapView::node-activated:
   * @id: the node or edge
   *
   * Double-click or Enter: open what it stands for.
   */
  signals[NODE_ACTIVATED] =
    g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_css_name (widget_class, "vireo-network-map");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
vireo_network_map_view_init (VireoNetworkMapView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *zoom = gtk_gesture_zoom_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *key = gtk_event_controller_key_new ();

  vireo_map_metrics_init_default (&self->metrics);
  self->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->zoom = 1.0;
  self->fitted = TRUE;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Network map"), -1);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_click_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_gesture_group (click, drag);

  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (motion, "motion", G_CALLBACK (on_pointer_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (on_dark_changed), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
vireo_network_map_view_new (void)
{
  return g_object_new (VIREO_TYPE_NETWORK_MAP_VIEW, NULL);
}
