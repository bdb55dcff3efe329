/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-vm-performance"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-format.h"
#include "vireo-graph.h"
#include "vireo-vm-performance.h"

/*
 * A machine's Performance page: CPU, memory, disk and network over time.
 * Everything comes from the VireoDomain's figures and histories, which its
 * connection samples once per statistics interval for every running
 * machine; the page only listens (notify, "sampled") and never asks libvirt
 * anything, so opening it costs no extra call and no timer.
 *
 * A shut-off machine shows a placeholder. Its last run's histories stay on
 * the domain until it starts again, and "Show Last Run" puts them on screen,
 * dimmed. A figure the driver does not report (the test driver reports
 * neither disks nor network) says so instead of drawing an empty graph that
 * would read as "idle".
 */
struct _VireoVmPerformance
{
  AdwBin          parent_instance;

  /* Owned */
  VireoDomain    *domain;
  gulong          notify_handler;
  gulong          sampled_handler;
  guint           show_last_run : 1;

  /* Template widgets */
  GtkStack       *stack;
  AdwStatusPage  *status_page;
  GtkWidget      *last_run_button;
  GtkWidget      *last_run_label;
  GtkWidget      *group;
  GtkLabel       *cpu_value;
  GtkStack       *cpu_stack;
  VireoGraph     *cpu_graph;
  GtkLabel       *cpu_note;
  GtkLabel       *memory_value;
  VireoGraph     *memory_graph;
  GtkLabel       *memory_note;
  GtkLabel       *disk_value;
  GtkStack       *disk_stack;
  VireoGraph     *disk_graph;
  GtkLabel       *disk_note;
  GtkLabel       *net_value;
  GtkStack       *net_stack;
  VireoGraph     *net_graph;
  GtkLabel       *net_note;
};

G_DEFINE_FINAL_TYPE (VireoVmPerformance, vireo_vm_performance, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_DOMAIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
has_points (const VireoHistory *history)
{
  return vireo_history_get_length (history) > 0;
}

static gboolean
has_last_run (VireoDomain *domain)
{
  return has_points (vireo_domain_get_cpu_history (domain)) ||
         has_points (vireo_domain_get_memory_history (domain)) ||
         has_points (vireo_domain_get_disk_read_history (domain)) ||
         has_points (vireo_domain_get_net_rx_history (domain));
}

/* A figure the driver does not report shows a note in place of its graph.
 * Only once a sample arrived since the machine started: before that,
 * "not reported" would only mean "not yet". */
static void
show_graph_or_note (GtkStack   *stack,
                    GtkLabel   *note,
                    gboolean    reported,
                    gboolean    known,
                    const char *text)
{
  gboolean unsupported = known && !reported;

  gtk_label_set_text (note, unsupported ? text : "");
  gtk_stack_set_visible_child_name (stack, unsupported ? "unsupported" : "graph");
}

static void
update_figures (VireoVmPerformance *self)
{
  VireoDomain *d = self->domain;
  gboolean active = vireo_domain_get_active (d);
  gboolean known = vireo_domain_get_has_stats (d);
  /* What the last run reported still holds while it is off. */
  gboolean judged = known || (!active && self->show_last_run);
  guint64 used = vireo_domain_get_memory_used_kib (d);
  guint64 total = vireo_domain_get_max_memory_kib (d);
  g_autofree char *cpu = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *net = NULL;

  show_graph_or_note (self->cpu_stack, self->cpu_note, vireo_domain_get_has_cpu (d), judged,
                      _("This host’s driver does not report the machine’s CPU use."));
  show_graph_or_note (self->disk_stack, self->disk_note, vireo_domain_get_has_disk_io (d), judged,
                      _("This host’s driver does not report disk activity."));
  show_graph_or_note (self->net_stack, self->net_note, vireo_domain_get_has_net_io (d), judged,
                      _("This host’s driver does not report network traffic."));

  /* Memory always has a figure: the allocation when nothing better. */
  gtk_widget_set_visible (GTK_WIDGET (self->memory_note),
                          judged && !vireo_domain_get_has_memory_used (d));
  gtk_label_set_text (self->memory_note,
                      _("Neither the guest nor the host reports the memory it uses: "
                        "this is the memory it was given."));

  /* Current figures only for a machine that runs: the graphs of a last
   * run speak for themselves. */
  if (active && vireo_domain_get_has_cpu (d))
    cpu = vireo_format_percent (vireo_domain_get_cpu_percent (d));
  if (active && used > 0)
    {
      g_autofree char *used_s = vireo_format_size_kib (used);
      g_autofree char *total_s = vireo_format_size_kib (total);

      /* Translators: memory in use, "1.2 GiB of 2.0 GiB" */
      memory = total > 0 ? g_strdup_printf (_("%s of %s"), used_s, total_s) : g_strdup (used_s);
    }
  if (active && vireo_domain_get_has_disk_io (d))
    {
      g_autofree char *rd = vireo_format_rate (vireo_domain_get_disk_read_rate (d));
      g_autofree char *wr = vireo_format_rate (vireo_domain_get_disk_write_rate (d));

      /* Translators: disk rates, "Read 1.2 MB/s · Write 0 B/s" */
      disk = g_strdup_printf (_("Read %s · Write %s"), rd, wr);
    }
  if (active && vireo_domain_get_has_net_io (d))
    {
      g_autofree char *rx = vireo_format_rate (vireo_domain_get_net_rx_rate (d));
      g_autofree char *tx = vireo_format_rate (vireo_domain_get_net_tx_rate (d));

      /* Translators: network rates, "Received 1.2 kB/s · Sent 300 B/s" */
      net = g_strdup_printf (_("Received %s · Sent %s"), rx, tx);
    }

  gtk_label_set_text (self->cpu_value, cpu ? cpu : "—");
  gtk_label_set_text (self->memory_value, memory ? memory : "—");
  gtk_label_set_text (self->disk_value, disk ? disk : "—");
  gtk_label_set_text (self->net_value, net ? net : "—");

  /* The top of the memory scale is all the guest could have. */
  vireo_graph_set_max (self->memory_graph, (double) total);
}

static void
update_state (VireoVmPerformance *self)
{
  gboolean active = vireo_domain_get_active (self->domain);
  gboolean last_run = !active && has_last_run (self->domain);

  if (active)
    self->show_last_run = FALSE;

  gtk_stack_set_visible_child_name (self->stack,
                                    active || (last_run && self->show_last_run) ? "graphs" : "stopped");
  gtk_widget_set_visible (self->last_run_button, last_run);
  gtk_widget_set_visible (self->last_run_label, !active);
  if (active)
    gtk_widget_remove_css_class (self->group, "vireo-stale");
  else
    gtk_widget_add_css_class (self->group, "vireo-stale");
}

static void
on_domain_notify (VireoVmPerformance *self)
{
  /* A sample notifies several figures at once (frozen, then thawed): each
   * update is a handful of label texts, cheap enough to redo. */
  update_state (self);
  update_figures (self);
}

static void
on_sampled (VireoVmPerformance *self)
{
  vireo_graph_changed (self->cpu_graph);
  vireo_graph_changed (self->memory_graph);
  vireo_graph_changed (self->disk_graph);
  vireo_graph_changed (self->net_graph);
  /* A first point since start decides whether there is a last run. */
  update_state (self);
}

static void
on_last_run_clicked (VireoVmPerformance *self)
{
  self->show_last_run = TRUE;
  update_state (self);
  update_figures (self);
}

static void
vireo_vm_performance_constructed (GObject *object)
{
  VireoVmPerformance *self = VIREO_VM_PERFORMANCE (object);

  G_OBJECT_CLASS (vireo_vm_performance_parent_class)->constructed (object);

  g_assert (self->domain != NULL);

  /* The histories belong to the domain, which this page holds on to. */
  vireo_graph_set_history (self->cpu_graph, vireo_domain_get_cpu_history (self->domain));
  vireo_graph_set_history (self->memory_graph, vireo_domain_get_memory_history (self->domain));
  vireo_graph_set_history (self->disk_graph, vireo_domain_get_disk_read_history (self->domain));
  vireo_graph_set_second_history (self->disk_graph, vireo_domain_get_disk_write_history (self->domain));
  vireo_graph_set_history (self->net_graph, vireo_domain_get_net_rx_history (self->domain));
  vireo_graph_set_second_history (self->net_graph, vireo_domain_get_net_tx_history (self->domain));

  self->notify_handler = g_signal_connect_swapped (self->domain, "notify",
                                                   G_CALLBACK (on_domain_notify), self);
  self->sampled_handler = g_signal_connect_swapped (self->domain, "sampled",
                                                    G_CALLBACK (on_sampled), self);

  update_state (self);
  update_figures (self);
}

static void
vireo_vm_performance_dispose (GObject *object)
{
  VireoVmPerformance *self = VIREO_VM_PERFORMANCE (object);

  if (self->domain != NULL)
    {
      g_clear_signal_handler (&self->notify_handler, self->domain);
      g_clear_signal_handler (&self->sampled_handler, self->domain);
    }

  /* The graphs borrow the domain's histories: let go before the domain. */
  if (self->cpu_graph != NULL)
    {
      vireo_graph_set_history (self->cpu_graph, NULL);
      vireo_graph_set_history (self->memory_graph, NULL);
      vireo_graph_set_history (self->disk_graph, NULL);
      vireo_graph_set_second_history (self->disk_graph, NULL);
      vireo_graph_set_history (self->net_graph, NULL);
      vireo_graph_set_second_history (self->net_graph, NULL);
    }

  /* AdwBin unparents its child in its own dispose: hand the child back
   * first, or the template would unparent it twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_VM_PERFORMANCE);

  g_clear_object (&self->domain);

  G_OBJECT_CLASS (vireo_vm_performance_parent_class)->dispose (object);
}

static void
vireo_vm_performance_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VireoVmPerformance *self = VIREO_VM_PERFORMANCE (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_object (value, self->domain);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_vm_performance_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VireoVmPerformance *self = VIREO_VM_PERFORMANCE (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      self->domain = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_vm_performance_class_init (VireoVmPerformanceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vireo_vm_performance_constructed;
  object_class->dispose = vireo_vm_performance_dispose;
  object_class->get_property = vireo_vm_performance_get_property;
  object_class->set_property = vireo_vm_performance_set_property;

  properties[PROP_DOMAIN] =
    g_param_spec_object ("domain", NULL, NULL, VIREO_TYPE_DOMAIN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VIREO_TYPE_GRAPH);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-vm-performance.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, stack);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, status_page);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, last_run_button);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, last_run_label);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, group);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, cpu_value);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, cpu_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, cpu_graph);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, cpu_note);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, memory_value);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, memory_graph);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, memory_note);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, disk_value);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, disk_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, disk_graph);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, disk_note);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, net_value);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, net_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, net_graph);
  gtk_widget_class_bind_template_child (widget_class, VireoVmPerformance, net_note);
  gtk_widget_class_bind_template_callback (widget_class, on_last_run_clicked);
}

static void
vireo_vm_performance_init (VireoVmPerformance *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * vireo_vm_performance_new:
 * @domain: the machine to show
 *
 * Returns: (transfer floating): the Performance page for @domain
 */
GtkWidget *
vireo_vm_performance_new (VireoDomain *domain)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), NULL);

  return g_object_new (VIREO_TYPE_VM_PERFORMANCE, "domain", domain, NULL);
}

/**
 * vireo_vm_performance_get_domain:
 *
 * Returns: (transfer none): the machine shown
 */
VireoDomain *
vireo_vm_performance_get_domain (VireoVmPerformance *self)
{
  g_return_val_if_fail (VIREO_IS_VM_PERFORMANCE (self), NULL);
  return self->domain;
}
