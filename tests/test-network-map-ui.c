/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Host Details › Map on test-driver hosts, under Xvfb: a host with a
 * network of every mode (tests/data/test-net-map.xml) and the demo
 * connection (data/vireo-demo.xml). The map shows every network and
 * machine without boxes on top of each other; selecting explains; search
 * lights up; the user's zoom survives a new map; a machine stopping
 * reaches the map through its event; PNG and SVG export what is drawn,
 * in light and dark.
 *
 * With VIREO_SCREENSHOT_DIR set, the windows are saved there as PNGs.
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

typedef struct
{
  VireoConnection     *conn;
  VireoHostWindow     *window;
  VireoNetworkMapPage *page;
  VireoNetworkMapView *view;
} Fixture;

static char *
data_uri (const char *dir,
          const char *file)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, dir, file, NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  return g_strconcat ("test://", abs, NULL);
}

/* Read, and on screen at its size. */
static gboolean
map_read (gpointer data)
{
  VireoNetworkMapPage *page = data;

  return vireo_network_map_page_get_reads (page) > 0 && !vireo_network_map_page_get_loading (page)
         && gtk_widget_get_width (GTK_WIDGET (vireo_network_map_page_get_view (page))) > 0;
}

static void
open_map (Fixture    *f,
          const char *uri)
{
  f->conn = vireo_test_open_connection (uri, 0);
  f->window = vireo_host_window_present_for (NULL, f->conn);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1300, 820);
  vireo_host_window_show_page (f->window, "map");
  f->page = vireo_host_window_get_map_page (f->window);
  f->view = vireo_network_map_page_get_view (f->page);
  vireo_test_wait_for (map_read, f->page, 20, "the map");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *uri = data_uri ("data", "test-net-map.xml");

  open_map (f, uri);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->conn);
}

static gboolean
overlap (const VireoMapNode *a,
         const VireoMapNode *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height && b->y < a->y + a->height;
}

/* Every machine and network box is drawn where no other box is. */
static void
assert_no_overlaps (VireoNetMap *map)
{
  GPtrArray *nodes = vireo_net_map_get_nodes (map);
  guint boxes = 0;

  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *a = g_ptr_array_index (nodes, i);

      if (a->kind != VIREO_MAP_NODE_DOMAIN && a->kind != VIREO_MAP_NODE_NETWORK && a->kind != VIREO_MAP_NODE_SEGMENT)
        continue;
      boxes++;
      g_assert_cmpfloat (a->width, >, 0);
      g_assert_cmpfloat (a->height, >, 0);
      for (guint j = i + 1; j < nodes->len; j++)
        {
          VireoMapNode *b = g_ptr_array_index (nodes, j);

          if (b->kind != VIREO_MAP_NODE_DOMAIN && b->kind != VIREO_MAP_NODE_NETWORK
              && b->kind != VIREO_MAP_NODE_SEGMENT)
            continue;
          if (overlap (a, b))
            g_error ("%s and %s overlap", a->id, b->id);
        }
    }
  g_assert_cmpuint (boxes, >, 0);
}

static VireoMapNode *
domain_node (VireoNetMap *map,
             const char  *name)
{
  GPtrArray *nodes = vireo_net_map_get_nodes (map);

  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *node = g_ptr_array_index (nodes, i);

      if (node->kind == VIREO_MAP_NODE_DOMAIN && g_strcmp0 (node->name, name) == 0)
        return node;
    }
  return NULL;
}

static VireoReachVerdict
panel_verdict (Fixture *f,
               guint    path)
{
  g_autofree char *name = g_strdup_printf ("map-reach-%u", path);
  GtkWidget *row = vireo_test_find_named (vireo_network_map_page_get_panel (f->page), name);

  g_assert_nonnull (row);
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "vireo-verdict"));
}

static const char *
panel_title (Fixture *f)
{
  GtkWidget *label = vireo_test_find_named (vireo_network_map_page_get_panel (f->page), "map-panel-title");

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* ------------------------------------------------------------------------ */

static void
test_every_mode (Fixture       *f,
                 gconstpointer  data)
{
  static const char *networks[] = { "default", "routed", "open", "isolated", "isolated-noip", "lan", "macvtap",
                                    "private" };
  static const char *machines[] = { "web", "db", "edge", "tap", "solo", "user", "ghost" };
  VireoNetMap *map = vireo_network_map_view_get_map (f->view);
  GtkWidget *drawn;

  g_assert_nonnull (map);
  for (guint i = 0; i < G_N_ELEMENTS (networks); i++)
    {
      g_autofree char *id = g_strconcat ("net:", networks[i], NULL);
      VireoMapNode *node = vireo_net_map_lookup (map, id);

      g_assert_nonnull (node);
      g_assert_cmpint (node->kind, ==, VIREO_MAP_NODE_NETWORK);
    }
  for (guint i = 0; i < G_N_ELEMENTS (machines); i++)
    g_assert_nonnull (domain_node (map, machines[i]));
  g_assert_true (vireo_net_map_lookup (map, "net:isolated")->isolated);
  g_assert_null (vireo_net_map_lookup_edge (map, "uplink:net:isolated"));
  g_assert_nonnull (vireo_net_map_lookup_edge (map, "uplink:net:default"));
  assert_no_overlaps (map);

  /* The whole map is in sight until the user moves it. */
  g_assert_true (vireo_network_map_view_get_fitted (f->view));
  drawn = GTK_WIDGET (f->view);
  g_assert_true (gtk_widget_is_drawable (drawn));
  {
    VireoMapNode *web = domain_node (map, "web");

    g_assert_true (vireo_network_map_view_map_to_widget (f->view, web->x + web->width / 2, web->y + web->height / 2,
                                                         NULL, NULL));
  }
  /* Opened readable; Fit shows all of it however small. */
  g_assert_cmpfloat (vireo_network_map_view_get_zoom (f->view), >=, 0.55);
  vireo_test_save_window (GTK_WIDGET (f->window), "network-map-modes");
  vireo_network_map_view_fit (f->view);
  {
    double width, height;

    vireo_net_map_get_size (map, &width, &height);
    g_assert_true (vireo_network_map_view_map_to_widget (f->view, 1, 1, NULL, NULL));
    g_assert_true (vireo_network_map_view_map_to_widget (f->view, width - 1, height - 1, NULL, NULL));
  }
}

static void
test_explains (Fixture       *f,
               gconstpointer  data)
{
  VireoNetMap *map = vireo_network_map_view_get_map (f->view);
  VireoMapNode *web = domain_node (map, "web");
  GtkWidget *explanation;

  /* Nothing selected: how to read it. */
  g_assert_cmpstr (panel_title (f), ==, "How to read the map");

  g_assert_true (vireo_network_map_view_select (f->view, "net:isolated"));
  g_assert_cmpstr (panel_title (f), ==, "isolated");
  g_assert_cmpint (panel_verdict (f, VIREO_REACH_GUEST_GUEST), ==, VIREO_REACH_YES);
  g_assert_cmpint (panel_verdict (f, VIREO_REACH_GUEST_OUTSIDE), ==, VIREO_REACH_NO);
  g_assert_cmpint (panel_verdict (f, VIREO_REACH_OUTSIDE_GUEST), ==, VIREO_REACH_NO);

  g_assert_true (vireo_network_map_view_select (f->view, "net:default"));
  g_assert_cmpint (panel_verdict (f, VIREO_REACH_GUEST_OUTSIDE), ==, VIREO_REACH_YES);
  g_assert_cmpint (panel_verdict (f, VIREO_REACH_OUTSIDE_GUEST), ==, VIREO_REACH_NO);
  explanation = vireo_test_find_named (vireo_network_map_page_get_panel (f->page), "map-explanation");
  g_assert_nonnull (explanation);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (explanation)), "default"));
  vireo_test_save_window (GTK_WIDGET (f->window), "network-map-explanation");

  g_assert_true (vireo_network_map_view_select (f->view, "net:routed"));
  g_assert_cmpint (panel_verdict (f, VIREO_REACH_OUTSIDE_GUEST), ==, VIREO_REACH_PARTLY);
  g_assert_true (vireo_network_map_view_select (f->view, "net:lan"));
  g_assert_cmpint (panel_verdict (f, VIREO_REACH_OUTSIDE_GUEST), ==, VIREO_REACH_YES);
  g_assert_true (vireo_network_map_view_select (f->view, "net:macvtap"));
  g_assert_cmpint (panel_verdict (f, VIREO_REACH_GUEST_HOST), ==, VIREO_REACH_NO);

  /* A machine: its own verdicts and a way to its details. */
  g_assert_true (vireo_network_map_view_select (f->view, web->id));
  g_assert_cmpstr (panel_title (f), ==, "web");
  g_assert_nonnull (vireo_test_find_named (vireo_network_map_page_get_panel (f->page), "map-open-domain"));

  /* A link stands for its card: the panel offers to move it. */
  {
    GPtrArray *edges = vireo_net_map_get_edges (map);
    VireoMapEdge *link = NULL;

    for (guint i = 0; i < edges->len && link == NULL; i++)
      {
        VireoMapEdge *edge = g_ptr_array_index (edges, i);

        if (edge->kind == VIREO_MAP_EDGE_LINK && edge->from->parent == web)
          link = edge;
      }
    if (link == NULL)
      g_error ("web has no link on the map");
    g_assert_true (vireo_network_map_view_select (f->view, link->id));
    g_assert_nonnull (vireo_test_find_named (vireo_network_map_page_get_panel (f->page), "map-move"));
  }
  g_assert_false (vireo_network_map_view_select (f->view, "net:no-such-network"));
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  VireoNetMap *map = vireo_network_map_view_get_map (f->view);
  VireoMapNode *db = domain_node (map, "db");
  VireoMapNode *web = domain_node (map, "web");
  GtkWidget *entry = vireo_test_find_named (GTK_WIDGET (f->page), "map-search");

  g_assert_nonnull (entry);
  g_assert_cmpuint (vireo_network_map_view_set_search (f->view, "db"), >=, 1);
  g_assert_true (vireo_network_map_view_is_match (f->view, db->id));
  g_assert_false (vireo_network_map_view_is_match (f->view, web->id));
  g_assert_cmpuint (vireo_network_map_view_set_search (f->view, "no such thing"), ==, 0);
  g_assert_cmpuint (vireo_network_map_view_set_search (f->view, NULL), ==, 0);
  g_assert_false (vireo_network_map_view_is_match (f->view, db->id));
}

static gboolean
send_key (VireoNetworkMapView *view,
          guint                keyval)
{
  gboolean handled = FALSE;
  GListModel *controllers = gtk_widget_observe_controllers (GTK_WIDGET (view));

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
    }
  g_object_unref (controllers);
  return handled;
}

static gboolean
vm_window_open (gpointer data)
{
  return vireo_test_find_toplevel (VIREO_TYPE_VM_WINDOW) != NULL;
}

/* Arrow keys go from box to box, Enter on a machine opens its window,
 * Escape clears, + and - zoom, 0 fits. */
static void
test_keyboard (Fixture       *f,
               gconstpointer  data)
{
  VireoNetMap *map = vireo_network_map_view_get_map (f->view);
  const char *first;
  VireoMapNode *node;
  double zoom;
  GtkWindow *window;

  g_assert_null (vireo_network_map_view_get_selected (f->view));
  g_assert_true (send_key (f->view, GDK_KEY_Right));
  first = vireo_network_map_view_get_selected (f->view);
  g_assert_nonnull (first);
  g_assert_cmpint (vireo_net_map_lookup (map, first)->kind, ==, VIREO_MAP_NODE_NETWORK);

  /* Down from a network reaches what hangs below it, on to a machine. */
  for (guint i = 0; i < 4; i++)
    {
      node = vireo_net_map_lookup (map, vireo_network_map_view_get_selected (f->view));
      if (node->kind == VIREO_MAP_NODE_DOMAIN)
        break;
      g_assert_true (send_key (f->view, GDK_KEY_Down));
    }
  node = vireo_net_map_lookup (map, vireo_network_map_view_get_selected (f->view));
  if (node->kind == VIREO_MAP_NODE_NIC)
    node = node->parent;
  g_assert_true (vireo_network_map_view_select (f->view, node->id));
  g_assert_cmpint (node->kind, ==, VIREO_MAP_NODE_DOMAIN);

  g_assert_true (send_key (f->view, GDK_KEY_Return));
  vireo_test_wait_for (vm_window_open, NULL, 10, "the machine's window");
  window = GTK_WINDOW (vireo_test_find_toplevel (VIREO_TYPE_VM_WINDOW));
  g_assert_cmpstr (vireo_domain_get_name (vireo_vm_window_get_domain (VIREO_VM_WINDOW (window))), ==, node->name);
  gtk_window_destroy (window);

  g_assert_true (send_key (f->view, GDK_KEY_Escape));
  g_assert_null (vireo_network_map_view_get_selected (f->view));
  g_assert_false (send_key (f->view, GDK_KEY_Escape));

  zoom = vireo_network_map_view_get_zoom (f->view);
  g_assert_true (send_key (f->view, GDK_KEY_plus));
  g_assert_cmpfloat (vireo_network_map_view_get_zoom (f->view), >, zoom);
  g_assert_false (vireo_network_map_view_get_fitted (f->view));
  g_assert_true (send_key (f->view, GDK_KEY_minus));
  g_assert_true (send_key (f->view, GDK_KEY_0));
  g_assert_true (vireo_network_map_view_get_fitted (f->view));
}

static gboolean
reads_above (gpointer data)
{
  Fixture *f = data;

  return vireo_network_map_page_get_reads (f->page) > GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (f->page),
                                                                                            "test-reads"))
         && !vireo_network_map_page_get_loading (f->page);
}

static void
wait_next_map (Fixture *f)
{
  g_object_set_data (G_OBJECT (f->page), "test-reads", GUINT_TO_POINTER (vireo_network_map_page_get_reads (f->page)));
  vireo_test_wait_for (reads_above, f, 20, "a new map");
}

static gboolean
domain_stopped_on_map (gpointer data)
{
  Fixture *f = data;
  VireoMapNode *node = domain_node (vireo_network_map_view_get_map (f->view), "db");

  return node != NULL && !node->active;
}

/* A new map keeps the user's zoom and view, and events bring new maps. */
static void
test_live (Fixture       *f,
           gconstpointer  data)
{
  VireoDomain *db = vireo_test_find_domain (f->conn, "db");
  double zoom, x0, y0, x1, y1;
  VireoTestAsync async = { 0 };

  vireo_network_map_view_zoom_by (f->view, 1.6);
  vireo_network_map_view_pan_by (f->view, -40, -30);
  g_assert_false (vireo_network_map_view_get_fitted (f->view));
  g_assert_true (vireo_network_map_view_select (f->view, "net:default"));
  zoom = vireo_network_map_view_get_zoom (f->view);
  vireo_network_map_view_get_offset (f->view, &x0, &y0);

  vireo_network_map_page_reload (f->page);
  wait_next_map (f);
  g_assert_cmpfloat (vireo_network_map_view_get_zoom (f->view), ==, zoom);
  vireo_network_map_view_get_offset (f->view, &x1, &y1);
  g_assert_cmpfloat (x1, ==, x0);
  g_assert_cmpfloat (y1, ==, y0);
  g_assert_cmpstr (vireo_network_map_view_get_selected (f->view), ==, "net:default");

  /* db stops: its lifecycle event redraws the map, view kept. */
  g_assert_nonnull (db);
  g_assert_true (vireo_domain_get_active (db));
  vireo_domain_action_async (db, VIREO_DOMAIN_ACTION_DESTROY, NULL, vireo_test_async_cb, &async);
  vireo_test_async_wait (&async, 20);
  g_assert_true (vireo_domain_action_finish (db, async.result, NULL));
  vireo_test_wait_for (domain_stopped_on_map, f, 20, "db shown as stopped");
  g_assert_cmpfloat (vireo_network_map_view_get_zoom (f->view), ==, zoom);
  g_assert_cmpstr (vireo_network_map_view_get_selected (f->view), ==, "net:default");

  vireo_network_map_view_fit (f->view);
  g_assert_true (vireo_network_map_view_get_fitted (f->view));
}

static GdkTexture *
load_png (const char *path)
{
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = gdk_texture_new_from_filename (path, &error);

  g_assert_no_error (error);
  return texture;
}

/* The colour of the exported picture's top-left pixel: the background. */
static guint
corner_brightness (GdkTexture *texture)
{
  gsize stride = gdk_texture_get_width (texture) * 4;
  g_autofree guchar *pixels = g_malloc (stride * gdk_texture_get_height (texture));

  gdk_texture_download (texture, pixels, stride);
  return pixels[0] + pixels[1] + pixels[2];
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("vireo-map-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "map.png", NULL);
  g_autofree char *dark_png = g_build_filename (dir, "dark.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "map.svg", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GdkTexture) light = NULL;
  g_autoptr(GdkTexture) dark = NULL;
  g_autoptr(GError) error = NULL;
  double width, height;

  vireo_net_map_get_size (vireo_network_map_view_get_map (f->view), &width, &height);
  g_assert_true (vireo_network_map_view_export (f->view, png, VIREO_MAP_EXPORT_PNG, &error));
  g_assert_no_error (error);
  light = load_png (png);
  /* At twice the size, for slides. */
  g_assert_cmpint (gdk_texture_get_width (light), ==, (int) ceil (width * 2));
  g_assert_cmpint (gdk_texture_get_height (light), ==, (int) ceil (height * 2));
  g_assert_cmpuint (corner_brightness (light), >, 600);

  g_assert_true (vireo_network_map_view_export (f->view, svg, VIREO_MAP_EXPORT_SVG, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "<svg"));
  /* Text is drawn as glyphs, and there are many of them. */
  g_assert_nonnull (strstr (text, "glyph"));

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  vireo_test_save_window (GTK_WIDGET (f->window), "network-map-dark");
  g_assert_true (vireo_network_map_view_export (f->view, dark_png, VIREO_MAP_EXPORT_PNG, &error));
  dark = load_png (dark_png);
  g_assert_cmpuint (corner_brightness (dark), <, 150);

  /* A folder that is not there says so. */
  {
    g_autofree char *bad = g_build_filename (dir, "missing", "map.png", NULL);

    g_assert_false (vireo_network_map_view_export (f->view, bad, VIREO_MAP_EXPORT_PNG, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, bad));
  }
  g_unlink (png);
  g_unlink (dark_png);
  g_unlink (svg);
  g_rmdir (dir);
}

/* The demo connection Vireo opens when no libvirtd is reachable. */
static void
test_demo (void)
{
  g_autofree char *uri = data_uri ("../data", "vireo-demo.xml");
  Fixture f = { 0 };
  VireoNetMap *map;

  open_map (&f, uri);
  map = vireo_network_map_view_get_map (f.view);
  g_assert_nonnull (vireo_net_map_lookup (map, "net:default"));
  assert_no_overlaps (map);
  vireo_test_save_window (GTK_WIDGET (f.window), "network-map-demo");
  fixture_teardown (&f, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();

#define ADD(path, func) g_test_add ("/network-map-ui/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("every-mode", test_every_mode);
  ADD ("explains", test_explains);
  ADD ("search", test_search);
  ADD ("keyboard", test_keyboard);
  ADD ("live", test_live);
  ADD ("export", test_export);
#undef ADD
  g_test_add_func ("/network-map-ui/demo", test_demo);

  status = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return status;
}
