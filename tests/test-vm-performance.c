/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Performance page under Xvfb: the placeholder for a machine that is
 * off, graphs and figures for one that runs (libvirt's test driver, and
 * fake samples for the figures the test driver does not have), the last
 * run after a stop, and the two-line graph it is built from.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-connection-private.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-node.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  return g_strconcat ("test://", abs, NULL);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("expected to find\n  %s\nin\n  %s", needle, haystack ? haystack : "(null)");
}

static gboolean
is_allocated (gpointer data)
{
  return gtk_widget_get_width (data) > 0 && gtk_widget_get_height (data) > 0;
}

/* A window around a new page for @domain, on screen and laid out. */
static GtkWidget *
show_page (VireoDomain *domain,
           GtkWidget  **window_out)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = vireo_vm_performance_new (domain);

  g_assert_true (vireo_vm_performance_get_domain (VIREO_VM_PERFORMANCE (page)) == domain);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 1000);
  gtk_window_present (GTK_WINDOW (window));
  vireo_test_wait_for (is_allocated, page, 10, "the page to get a size");
  *window_out = window;
  return page;
}

static GtkWidget *
named (GtkWidget  *root,
       const char *name)
{
  GtkWidget *widget = vireo_test_find_named (root, name);

  if (widget == NULL)
    g_error ("no widget named %s", name);
  return widget;
}

static gboolean
shown (GtkWidget  *root,
       const char *name)
{
  return gtk_widget_is_drawable (named (root, name));
}

static const char *
text_of (GtkWidget  *root,
         const char *name)
{
  return gtk_label_get_text (GTK_LABEL (named (root, name)));
}

static char *
description_of (GtkWidget  *root,
                const char *name)
{
  return vireo_graph_dup_description (VIREO_GRAPH (named (root, name)));
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
two_ticks (gpointer data)
{
  return *(guint *) data >= 2;
}

/* Drawn for real: a snapshot of the whole page, once a frame has laid out
 * what the last change put on screen. */
static void
assert_renders (GtkWidget *widget)
{
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  guint ticks = 0;
  guint id = gtk_widget_add_tick_callback (widget, on_tick, &ticks, NULL);

  vireo_test_wait_for (two_ticks, &ticks, 10, "a frame");
  gtk_widget_remove_tick_callback (widget, id);

  snapshot = gtk_snapshot_new ();
  gtk_widget_snapshot_child (gtk_widget_get_parent (widget), widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  gsk_render_node_unref (node);
}

/* ------------------------------------------------------------------------ */

static void
test_shut_off_placeholder (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *beta = vireo_test_find_domain (conn, "beta");
  GtkWidget *window;
  GtkWidget *page;

  g_assert_nonnull (beta);
  g_assert_false (vireo_domain_get_active (beta));
  page = show_page (beta, &window);

  g_assert_true (shown (page, "performance-placeholder"));
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (named (page, "performance-placeholder"))),
                   ==, "Start the virtual machine to see its activity.");
  g_assert_false (shown (page, "cpu-graph"));
  /* Never ran while Vireo watched: no last run to offer. */
  g_assert_false (shown (page, "performance-last-run"));
  assert_renders (page);

  gtk_window_destroy (GTK_WINDOW (window));
  vireo_connection_close (conn);
}

static gboolean
has_two_samples (gpointer data)
{
  return vireo_domain_get_has_stats (data) &&
         vireo_history_get_length (vireo_domain_get_cpu_history (data)) >= 1 &&
         vireo_history_get_length (vireo_domain_get_memory_history (data)) >= 2;
}

static void
test_running_test_driver (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection ("test:///default", 1);
  VireoDomain *domain = vireo_test_find_domain (conn, "test");
  g_autofree char *cpu_description = NULL;
  GtkWidget *window;
  GtkWidget *page;

  g_assert_nonnull (domain);
  page = show_page (domain, &window);
  g_assert_false (shown (page, "performance-placeholder"));
  g_assert_true (shown (page, "cpu-graph"));
  vireo_test_wait_for (has_two_samples, domain, 10, "two samples of the test domain");

  /* CPU and memory come from the test driver, with their figures beside
   * the titles... */
  g_assert_true (shown (page, "cpu-graph"));
  g_assert_true (shown (page, "memory-graph"));
  assert_contains (text_of (page, "cpu-value"), "%");
  g_assert_cmpstr (text_of (page, "memory-value"), ==, "2.0\u00a0GiB of 8.0\u00a0GiB");
  cpu_description = description_of (page, "cpu-graph");
  assert_contains (cpu_description, "Latest ");

  /* ...disks and network do not, and the page says so instead of drawing
   * a flat line; memory is what the guest was given, and says that too. */
  g_assert_false (shown (page, "disk-graph"));
  g_assert_true (shown (page, "disk-note"));
  assert_contains (text_of (page, "disk-note"), "does not report disk activity");
  g_assert_false (shown (page, "net-graph"));
  assert_contains (text_of (page, "net-note"), "does not report network traffic");
  g_assert_cmpstr (text_of (page, "disk-value"), ==, "—");
  g_assert_true (shown (page, "memory-note"));
  assert_contains (text_of (page, "memory-note"), "the memory it was given");
  assert_renders (page);

  gtk_window_destroy (GTK_WINDOW (window));
  vireo_connection_close (conn);
}

static gboolean
is_active (gpointer data)
{
  return vireo_domain_get_active (data);
}

static gboolean
is_off (gpointer data)
{
  return !vireo_domain_get_active (data);
}

static void
run_action (VireoDomain       *domain,
            VireoDomainAction  action)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  vireo_domain_action_async (domain, action, NULL, vireo_test_async_cb, &a);
  vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 10), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
}

/* Stopped: the placeholder, and the last run on request; started again: a
 * fresh history. */
static void
test_stop_and_last_run (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 1);
  VireoDomain *alpha = vireo_test_find_domain (conn, "alpha");
  GtkWidget *window;
  GtkWidget *page;

  page = show_page (alpha, &window);
  vireo_test_wait_for (has_two_samples, alpha, 10, "two samples of alpha");

  run_action (alpha, VIREO_DOMAIN_ACTION_DESTROY);
  vireo_test_wait_for (is_off, alpha, 10, "alpha to stop");
  g_assert_true (shown (page, "performance-placeholder"));
  g_assert_true (shown (page, "performance-last-run"));
  g_assert_cmpuint (vireo_history_get_length (vireo_domain_get_cpu_history (alpha)), >=, 1);

  g_signal_emit_by_name (named (page, "performance-last-run"), "clicked");
  g_assert_false (shown (page, "performance-placeholder"));
  g_assert_true (shown (page, "cpu-graph"));
  g_assert_true (shown (page, "performance-last-run-label"));
  /* No current figures for a machine that is off. */
  g_assert_cmpstr (text_of (page, "cpu-value"), ==, "—");
  g_assert_cmpstr (text_of (page, "memory-value"), ==, "—");

  run_action (alpha, VIREO_DOMAIN_ACTION_START);
  vireo_test_wait_for (is_active, alpha, 10, "alpha to start");
  g_assert_true (shown (page, "cpu-graph"));
  g_assert_false (shown (page, "performance-last-run-label"));
  g_assert_cmpuint (vireo_history_get_length (vireo_domain_get_cpu_history (alpha)), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  vireo_connection_close (conn);
}

/* Figures the test driver lacks, through the private sample path. */
static VireoDomainSample *
fake_sample (gint64  us,
             guint64 cpu_ns,
             guint64 rd,
             guint64 wr,
             guint64 rx,
             guint64 tx)
{
  VireoDomainSample *s = g_new0 (VireoDomainSample, 1);

  s->uuid = g_strdup ("9d1cd7c3-4c55-4c4b-8b0f-6e1f51a0c0de");
  s->name = g_strdup ("fake");
  s->state = VIREO_DOMAIN_STATE_RUNNING;
  s->sampled_us = us;
  s->has_info = s->has_cpu = s->has_block = s->has_net = s->has_memory_used = TRUE;
  s->max_memory_kib = 1024 * 1024;
  s->memory_kib = 1024 * 1024;
  s->memory_used_kib = 256 * 1024;
  s->vcpus = 1;
  s->cpu_time_ns = cpu_ns;
  s->block_rd_bytes = rd;
  s->block_wr_bytes = wr;
  s->net_rx_bytes = rx;
  s->net_tx_bytes = tx;
  s->block_count = s->net_count = 1;
  return s;
}

static void
test_all_figures (void)
{
  g_autoptr(VireoDomainSample) first = fake_sample (G_USEC_PER_SEC, 0, 0, 0, 0, 0);
  g_autoptr(VireoDomainSample) second = fake_sample (3 * G_USEC_PER_SEC, 500000000, 2000, 6000, 4000, 1000);
  g_autoptr(VireoDomain) domain = _vireo_domain_new (NULL, first);
  g_autofree char *disk = NULL;
  g_autofree char *net = NULL;
  GtkWidget *window;
  GtkWidget *page;
  guint sampled_id = g_signal_lookup ("sampled", VIREO_TYPE_DOMAIN);
  guint notify_id = g_signal_lookup ("notify", G_TYPE_OBJECT);

  page = show_page (domain, &window);
  _vireo_domain_apply_sample (domain, second);

  g_assert_cmpstr (text_of (page, "cpu-value"), ==, "25 %");
  g_assert_cmpstr (text_of (page, "memory-value"), ==, "256.0\u00a0MiB of 1.0\u00a0GiB");
  g_assert_cmpstr (text_of (page, "disk-value"), ==, "Read 1.0\u00a0kB/s · Write 3.0\u00a0kB/s");
  g_assert_cmpstr (text_of (page, "net-value"), ==, "Received 2.0\u00a0kB/s · Sent 500 B/s");
  g_assert_true (shown (page, "disk-graph"));
  g_assert_true (shown (page, "net-graph"));
  g_assert_false (shown (page, "memory-note"));
  g_assert_false (shown (page, "disk-note"));

  /* Each two-line graph tells screen readers both lines. */
  disk = description_of (page, "disk-graph");
  g_assert_cmpstr (disk, ==, "Read: latest 1.0\u00a0kB/s; Write: latest 3.0\u00a0kB/s; on a scale up to 3.6\u00a0kB/s");
  net = description_of (page, "net-graph");
  assert_contains (net, "Received: latest 2.0\u00a0kB/s");
  assert_contains (net, "Sent: latest 500 B/s");
  assert_renders (page);

  /* The page lets go of the domain's signals when it goes. */
  g_assert_true (g_signal_has_handler_pending (domain, sampled_id, 0, FALSE));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_false (g_signal_has_handler_pending (domain, sampled_id, 0, FALSE));
  g_assert_false (g_signal_has_handler_pending (domain, notify_id, 0, FALSE));
}

/* ------------------------------------------------------------------------ */

static GskRenderNode *
render (GtkWidget *widget)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  return gtk_snapshot_free_to_node (snapshot);
}

static guint
count_text_nodes (GskRenderNode *node)
{
  guint n = 0;

  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_TEXT_NODE:
      return 1;
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        n += count_text_nodes (gsk_container_node_get_child (node, i));
      return n;
    case GSK_TRANSFORM_NODE:
      return count_text_nodes (gsk_transform_node_get_child (node));
    default:
      return 0;
    }
}

static void
test_graph_two_series (void)
{
  g_autoptr(VireoHistory) reads = vireo_history_new (16);
  g_autoptr(VireoHistory) writes = vireo_history_new (16);
  GtkWidget *window = gtk_window_new ();
  VireoGraph *graph = VIREO_GRAPH (vireo_graph_new ());
  g_autofree char *description = NULL;
  GskRenderNode *node;
  guint one_line_texts;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (graph));
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 100);
  gtk_window_present (GTK_WINDOW (window));
  vireo_test_wait_for (is_allocated, graph, 10, "the graph to get a size");

  vireo_graph_set_unit (graph, VIREO_GRAPH_UNIT_BYTES_PER_SECOND);
  vireo_graph_set_max (graph, 0);
  vireo_graph_set_history (graph, reads);
  for (guint i = 0; i < 20; i++)
    vireo_history_push (reads, 100 * i);
  vireo_graph_changed (graph);
  node = render (GTK_WIDGET (graph));
  one_line_texts = count_text_nodes (node);
  gsk_render_node_unref (node);
  /* One line: the description is as it always was. */
  description = vireo_graph_dup_description (graph);
  g_assert_cmpstr (description, ==, "Latest 1.9\u00a0kB/s, on a scale up to 2.3\u00a0kB/s");
  g_clear_pointer (&description, g_free);

  /* A second line, higher than the first: the scale follows it, and the
   * legend adds the two names. */
  vireo_graph_set_first_label (graph, "Read");
  vireo_graph_set_second_label (graph, "Write");
  vireo_graph_set_second_history (graph, writes);
  g_assert_true (vireo_graph_get_second_history (graph) == writes);
  g_assert_cmpstr (vireo_graph_get_second_label (graph), ==, "Write");
  for (guint i = 0; i < 20; i++)
    vireo_history_push (writes, 5000);
  vireo_graph_changed (graph);
  description = vireo_graph_dup_description (graph);
  g_assert_cmpstr (description, ==, "Read: latest 1.9\u00a0kB/s; Write: latest 5.0\u00a0kB/s; on a scale up to 6.0\u00a0kB/s");
  g_clear_pointer (&description, g_free);
  node = render (GTK_WIDGET (graph));
  g_assert_cmpuint (count_text_nodes (node), ==, one_line_texts + 2);
  gsk_render_node_unref (node);

  /* Unset: back to one line, nothing borrowed. */
  vireo_graph_set_second_history (graph, NULL);
  description = vireo_graph_dup_description (graph);
  assert_contains (description, "Latest ");
  vireo_graph_set_history (graph, NULL);
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

  g_test_add_func ("/ui/performance/shut-off-placeholder", test_shut_off_placeholder);
  g_test_add_func ("/ui/performance/running-test-driver", test_running_test_driver);
  g_test_add_func ("/ui/performance/stop-and-last-run", test_stop_and_last_run);
  g_test_add_func ("/ui/performance/all-figures", test_all_figures);
  g_test_add_func ("/ui/graph/two-series", test_graph_two_series);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
