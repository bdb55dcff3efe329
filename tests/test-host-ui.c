/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "vireo-test-virt.h"
#include "vireo-worker.h"
#include "vireo-ui.h"
#include "vireo-virt.h"

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-node.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  return g_strconcat ("test://", abs, NULL);
}

/* Returns: (transfer none) (nullable): the first label under @widget showing
 * exactly @text */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_drawable (gpointer data)
{
  LabelWait *w = data;
  GtkWidget *label = find_label (w->root, w->text);
  return label != NULL && gtk_widget_is_drawable (label);
}

static void
wait_for_label (GtkWidget  *root,
                const char *text)
{
  LabelWait w = { root, text };
  vireo_test_wait_for (label_drawable, &w, 10, text);
}

static gboolean
has_facts (gpointer data)
{
  return vireo_host_get_has_facts (data);
}

static gboolean
not_sampling (gpointer data)
{
  return !vireo_host_get_sampling (data);
}

static gboolean
is_sampling (gpointer data)
{
  return vireo_host_get_sampling (data);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
connected (gpointer data)
{
  return vireo_connection_get_state (data) == VIREO_CONNECTION_STATE_CONNECTED;
}

static gboolean
is_allocated (gpointer data)
{
  return gtk_widget_get_width (data) > 0 && gtk_widget_get_height (data) > 0;
}

static GtkWidget *
ancestor_revealer (GtkWidget *widget)
{
  return gtk_widget_get_ancestor (widget, GTK_TYPE_REVEALER);
}

/* ------------------------------------------------------------------------ */

/* The Overview shows what the test driver's node file says. */
static void
test_shows_facts (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoHostWindow *window = vireo_host_window_present_for (NULL, conn);
  VireoHost *host = vireo_host_window_get_host (window);
  virConnectPtr outside = virConnectOpenReadOnly (uri);
  g_autofree char *hostname = virConnectGetHostname (outside);

  g_assert_true (vireo_host_window_get_connection (window) == conn);
  g_assert_true (host == vireo_host_get_for_connection (conn));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Test driver (test-node.xml) — Host Details");

  vireo_test_wait_for (has_facts, host, 10, "the host facts");
  wait_for_label (GTK_WIDGET (window), hostname);
  wait_for_label (GTK_WIDGET (window), uri);
  wait_for_label (GTK_WIDGET (window), "2 (1 socket × 2 cores × 1 thread)");
  wait_for_label (GTK_WIDGET (window), "2.00 GHz");
  /* GLib puts a no-break space between a size and its unit. */
  wait_for_label (GTK_WIDGET (window), "4.0\u00a0GiB");
  wait_for_label (GTK_WIDGET (window), "TEST 0.0.2");

  /* The test driver reports no host statistics: the window says so instead
   * of drawing an empty graph, and stops asking. */
  vireo_test_wait_for (not_sampling, host, 10, "sampling to give up");
  wait_for_label (GTK_WIDGET (window), "Not reported by this driver");

  virConnectClose (outside);
  gtk_window_destroy (GTK_WINDOW (window));
  vireo_connection_close (conn);
}

static void
test_one_window_per_connection (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) a = vireo_test_open_connection (uri, 0);
  g_autoptr(VireoConnection) b = vireo_test_open_connection ("test:///default", 0);
  VireoHostWindow *wa = vireo_host_window_present_for (NULL, a);
  VireoHostWindow *wb = vireo_host_window_present_for (NULL, b);
  GtkWidget *weak = GTK_WIDGET (wa);

  g_assert_true (vireo_host_window_present_for (NULL, a) == wa);
  g_assert_true (vireo_host_window_present_for (NULL, b) == wb);
  g_assert_true (wa != wb);

  /* Closed, it is forgotten: the next request opens a fresh one. */
  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
  gtk_window_destroy (GTK_WINDOW (wa));
  g_assert_null (weak);
  wa = vireo_host_window_present_for (NULL, a);
  g_assert_nonnull (wa);
  g_assert_true (vireo_host_window_get_connection (wa) == a);

  gtk_window_destroy (GTK_WINDOW (wa));
  gtk_window_destroy (GTK_WINDOW (wb));
  vireo_connection_close (a);
  vireo_connection_close (b);
}

/* Only a window on screen samples; a hidden one costs the host nothing. */
static void
test_samples_while_mapped (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoHost *host = vireo_host_get_for_connection (conn);
  VireoHostWindow *window;

  /* Long enough that the test driver's second (give-up) sample never comes. */
  vireo_host_set_sample_interval (host, 60 * 1000);
  g_assert_false (vireo_host_get_sampling (host));

  window = vireo_host_window_present_for (NULL, conn);
  vireo_test_wait_for (is_mapped, window, 10, "the window to map");
  vireo_test_wait_for (is_sampling, host, 10, "sampling to start");

  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  g_assert_false (vireo_host_get_sampling (host));
  gtk_window_present (GTK_WINDOW (window));
  vireo_test_wait_for (is_sampling, host, 10, "sampling to start again");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_false (vireo_host_get_sampling (host));
  vireo_connection_close (conn);
}

/* A dropped connection leaves the last values readable under a banner. */
static void
test_disconnected_banner (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoHostWindow *window = vireo_host_window_present_for (NULL, conn);
  VireoHost *host = vireo_host_window_get_host (window);
  const char *banner = "Disconnected — values are from the last connection";
  GtkWidget *label;

  vireo_test_wait_for (has_facts, host, 10, "the host facts");
  label = find_label (GTK_WIDGET (window), banner);
  g_assert_nonnull (label);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (ancestor_revealer (label))));

  vireo_connection_close (conn);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (ancestor_revealer (label))));
  wait_for_label (GTK_WIDGET (window), "2 (1 socket × 2 cores × 1 thread)");

  /* The banner's Connect button brings it back, and the banner goes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "host.connect", NULL));
  vireo_test_wait_for (connected, conn, 10, "the connection to come back");
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (ancestor_revealer (label))));

  gtk_window_destroy (GTK_WINDOW (window));
  vireo_connection_close (conn);
}

/* Never connected: a status page, not a form full of dashes. */
static void
test_never_connected (void)
{
  g_autoptr(VireoConnection) conn = vireo_connection_new ("test:///no/such/node-file.xml");
  VireoHostWindow *window = vireo_host_window_present_for (NULL, conn);

  wait_for_label (GTK_WIDGET (window), "Not Connected");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ------------------------------------------------------------------------ */

/* The graph's own drawing, at its current size, as a render node. */
static GskRenderNode *
render (GtkWidget *widget)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  return gtk_snapshot_free_to_node (snapshot);
}

static void
test_graph_draws (void)
{
  g_autoptr(VireoHistory) history = vireo_history_new (16);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *graph = vireo_graph_new ();
  g_autofree char *description = NULL;
  GskRenderNode *node;

  gtk_window_set_child (GTK_WINDOW (window), graph);
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 100);
  vireo_graph_set_label (VIREO_GRAPH (graph), "CPU usage");
  gtk_window_present (GTK_WINDOW (window));
  vireo_test_wait_for (is_allocated, graph, 10, "the graph to get a size");
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (graph)), ==, GTK_ACCESSIBLE_ROLE_IMG);

  /* No history at all, then an empty one. */
  node = render (graph);
  g_clear_pointer (&node, gsk_render_node_unref);
  vireo_graph_set_history (VIREO_GRAPH (graph), history);
  node = render (graph);
  g_assert_nonnull (node);
  g_clear_pointer (&node, gsk_render_node_unref);
  description = vireo_graph_dup_description (VIREO_GRAPH (graph));
  g_assert_cmpstr (description, ==, "No data yet");
  g_clear_pointer (&description, g_free);

  /* One sample, then a full ring with values off the scale both ways. */
  vireo_history_push (history, 50);
  vireo_graph_changed (VIREO_GRAPH (graph));
  node = render (graph);
  g_clear_pointer (&node, gsk_render_node_unref);
  for (guint i = 0; i < 42; i++)
    vireo_history_push (history, i % 3 == 0 ? -5 : i % 3 == 1 ? 150 : 23);
  vireo_graph_changed (VIREO_GRAPH (graph));
  node = render (graph);
  g_assert_nonnull (node);
  g_clear_pointer (&node, gsk_render_node_unref);
  description = vireo_graph_dup_description (VIREO_GRAPH (graph));
  g_assert_cmpstr (description, ==, "Latest 23 %, on a scale up to 100 %");
  g_clear_pointer (&description, g_free);

  /* Memory: a fixed total in KiB; rates: scaled to the peak. */
  vireo_graph_set_unit (VIREO_GRAPH (graph), VIREO_GRAPH_UNIT_KIB);
  vireo_graph_set_max (VIREO_GRAPH (graph), 4 * 1024 * 1024);
  description = vireo_graph_dup_description (VIREO_GRAPH (graph));
  g_assert_cmpstr (description, ==, "Latest 23.0\u00a0KiB, on a scale up to 4.0\u00a0GiB");
  g_clear_pointer (&description, g_free);
  vireo_graph_set_unit (VIREO_GRAPH (graph), VIREO_GRAPH_UNIT_BYTES_PER_SECOND);
  vireo_graph_set_max (VIREO_GRAPH (graph), 0);
  node = render (graph);
  g_assert_nonnull (node);
  g_clear_pointer (&node, gsk_render_node_unref);

  /* A zero-sized graph draws nothing and does not divide by zero. */
  vireo_history_clear (history);
  gtk_widget_set_size_request (graph, 0, 0);
  node = render (graph);
  g_clear_pointer (&node, gsk_render_node_unref);

  vireo_graph_set_history (VIREO_GRAPH (graph), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();

  g_test_add_func ("/ui/host/shows-facts", test_shows_facts);
  g_test_add_func ("/ui/host/one-window-per-connection", test_one_window_per_connection);
  g_test_add_func ("/ui/host/samples-while-mapped", test_samples_while_mapped);
  g_test_add_func ("/ui/host/disconnected-banner", test_disconnected_banner);
  g_test_add_func ("/ui/host/never-connected", test_never_connected);
  g_test_add_func ("/ui/graph/draws", test_graph_draws);

  ret = g_test_run ();
  /* Workers may still be closing connections; exit only once they are done. */
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
