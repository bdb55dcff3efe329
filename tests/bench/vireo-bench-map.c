/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vireo-bench-map: what the network map costs for 10, 100 and 1,000
 * machines over six networks (every seventh machine on two): building the
 * map from XML (what the worker does after its libvirt reads), laying it
 * out, drawing all of it (a PNG export at twice the size, encoding
 * included, and an SVG), and one frame of a 1280 × 800 view (snapshot and
 * render) as first opened and zoomed out to the whole map. Prints figures,
 * never pass or fail: they depend on the machine. Needs a display for GTK
 * (run it under Xvfb).
 *
 *   build/tests/bench/vireo-bench-map [--sizes 10,100,1000] [--runs 3]
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "vireo-net-map.h"
#include "vireo-network-map-view.h"

static const char *modes[] = { "<forward mode='nat'/>", "<forward mode='route'/>", "", "<forward mode='open'/>",
                               "<forward mode='nat'/>", "" };

static GPtrArray *
make_documents (guint machines)
{
  GPtrArray *docs = g_ptr_array_new_with_free_func (g_free);

  for (guint n = 0; n < G_N_ELEMENTS (modes); n++)
    g_ptr_array_add (docs, g_strdup_printf ("<network><name>net%u</name>%s<bridge name='virbr%u'/>"
                                            "<ip address='10.%u.0.1' prefix='16'><dhcp>"
                                            "<range start='10.%u.0.2' end='10.%u.255.254'/></dhcp></ip></network>",
                                            n, modes[n], n + 10, n, n, n));
  for (guint i = 0; i < machines; i++)
    {
      guint net = i % G_N_ELEMENTS (modes);
      g_autoptr(GString) xml = g_string_new (NULL);

      g_string_append_printf (xml, "<domain type='kvm'><name>vm-%04u</name>"
                              "<uuid>00000000-0000-4000-8000-%012u</uuid><devices>"
                              "<interface type='network'><mac address='52:54:00:%02x:%02x:01'/>"
                              "<source network='net%u'/><model type='virtio'/></interface>",
                              i, i, (i >> 8) & 0xff, i & 0xff, net);
      if (i % 7 == 0)
        g_string_append_printf (xml, "<interface type='network'><mac address='52:54:00:%02x:%02x:02'/>"
                                "<source network='net%u'/><model type='virtio'/></interface>",
                                (i >> 8) & 0xff, i & 0xff, (net + 1) % (guint) G_N_ELEMENTS (modes));
      g_string_append (xml, "</devices></domain>");
      g_ptr_array_add (docs, g_string_free (g_steal_pointer (&xml), FALSE));
    }
  return docs;
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

static VireoNetMap *
map_for_frames (GPtrArray *docs)
{
  VireoNetMap *map = vireo_net_map_new ("bench");

  for (guint i = 0; i < docs->len; i++)
    {
      const char *xml = g_ptr_array_index (docs, i);

      if (i < G_N_ELEMENTS (modes))
        vireo_net_map_add_network (map, xml, TRUE, NULL);
      else
        vireo_net_map_add_domain (map, xml, TRUE, NULL);
    }
  vireo_net_map_finish (map);
  return map;
}

/* One frame of a 1280 × 800 view as the window draws it: the view's
 * snapshot, then the window's renderer turning it into pixels. Median of
 * 15, in ms; @all: zoomed out to the whole map, else opened as a user
 * first sees it. */
static double
frame_cost (VireoNetMap *map,
            gboolean     all)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = vireo_network_map_view_new ();
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  double result;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (window), view);
  vireo_network_map_view_set_map (VIREO_NETWORK_MAP_VIEW (view), map);
  vireo_net_map_unref (map);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (view) == 0 && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  if (all)
    vireo_network_map_view_fit (VIREO_NETWORK_MAP_VIEW (view));
  for (guint i = 0; i < 15; i++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      gint64 start = g_get_monotonic_time ();
      double t;

      GTK_WIDGET_GET_CLASS (view)->snapshot (view, snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                             &GRAPHENE_RECT_INIT (0, 0, 1280, 800));
      t = ms_since (start);
      g_array_append_val (times, t);
    }
  result = median (times);
  gtk_window_destroy (GTK_WINDOW (window));
  return result;
}

static void
measure (guint machines,
         guint runs)
{
  g_autoptr(GPtrArray) docs = make_documents (machines);
  g_autoptr(GArray) build = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) layout = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) png = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) svg = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = g_dir_make_tmp ("vireo-bench-map-XXXXXX", NULL);
  g_autofree char *png_path = g_build_filename (dir, "map.png", NULL);
  g_autofree char *svg_path = g_build_filename (dir, "map.svg", NULL);
  double width = 0, height = 0;
  double frame_readable, frame_all;

  for (guint r = 0; r < runs; r++)
    {
      g_autoptr(VireoNetMap) map = vireo_net_map_new ("bench");
      g_autoptr(GError) error = NULL;
      GtkWidget *view;
      gint64 start = g_get_monotonic_time ();
      double t;

      for (guint i = 0; i < docs->len; i++)
        {
          const char *xml = g_ptr_array_index (docs, i);
          gboolean ok = i < G_N_ELEMENTS (modes) ? vireo_net_map_add_network (map, xml, TRUE, &error)
                                                 : vireo_net_map_add_domain (map, xml, TRUE, &error);

          if (!ok)
            g_error ("bad generated document: %s", error->message);
        }
      vireo_net_map_finish (map);
      t = ms_since (start);
      g_array_append_val (build, t);

      start = g_get_monotonic_time ();
      vireo_net_map_layout (map, NULL);
      t = ms_since (start);
      g_array_append_val (layout, t);
      vireo_net_map_get_size (map, &width, &height);

      /* The view lays the map out again with its own metrics; the draw is
       * what is timed here. */
      view = g_object_ref_sink (vireo_network_map_view_new ());
      vireo_network_map_view_set_map (VIREO_NETWORK_MAP_VIEW (view), map);
      start = g_get_monotonic_time ();
      if (!vireo_network_map_view_export (VIREO_NETWORK_MAP_VIEW (view), png_path, VIREO_MAP_EXPORT_PNG, &error))
        g_error ("%s", error->message);
      t = ms_since (start);
      g_array_append_val (png, t);
      start = g_get_monotonic_time ();
      if (!vireo_network_map_view_export (VIREO_NETWORK_MAP_VIEW (view), svg_path, VIREO_MAP_EXPORT_SVG, &error))
        g_error ("%s", error->message);
      t = ms_since (start);
      g_array_append_val (svg, t);
      g_object_unref (view);
    }
  frame_readable = frame_cost (map_for_frames (docs), FALSE);
  frame_all = frame_cost (map_for_frames (docs), TRUE);
  g_print ("%8u %10.2f %10.2f %10.1f %10.1f %7.0f x %-7.0f %10.2f %10.2f\n", machines, median (build),
           median (layout), median (png), median (svg), width, height, frame_readable, frame_all);
  g_unlink (png_path);
  g_unlink (svg_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sizes = NULL;
  int runs = 3;
  GOptionEntry entries[] = {
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes, "Machine counts (default 10,100,1000)", "LIST" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per size; figures are medians (default 3)", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) list = NULL;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  adw_init ();
  list = g_strsplit (sizes != NULL ? sizes : "10,100,1000", ",", -1);
  g_print ("network map, 6 networks, every 7th machine on two; medians of %d runs (ms)\n", runs);
  g_print ("%8s %10s %10s %10s %10s %17s %10s %10s\n", "machines", "build", "layout", "draw+png", "draw+svg",
           "map size", "frame", "frame-all");
  for (guint i = 0; list[i] != NULL; i++)
    measure ((guint) atoi (list[i]), MAX (runs, 1));
  return 0;
}
