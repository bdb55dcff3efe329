/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-host-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-command.h"
#include "vireo-format.h"
#include "vireo-graph.h"
#include "vireo-host-window.h"
#include "vireo-networks-page.h"
#include "vireo-storage-page.h"

/*
 * Host Details: one window per connection, a view stack of the Overview
 * (facts and usage graphs), Networks (VireoNetworksPage) and Storage
 * (VireoStoragePage). Everything shown comes from the connection's VireoHost, which
 * samples only while this window is mapped. When the connection drops, the
 * last values stay on screen, dimmed, under a banner that says so.
 */
struct _VireoHostWindow
{
  AdwWindow             parent_instance;

  /* Owned */
  VireoConnection      *connection;
  VireoHost            *host;
  guint                 sampling : 1;   /* holds one vireo_host_start_sampling() */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  GtkRevealer          *banner_revealer;
  GtkLabel             *banner_label;
  GtkWidget            *banner_button;
  GtkStack             *overview_stack;
  AdwStatusPage        *status_page;
  GtkWidget            *status_button;
  GtkWidget            *details_page;
  GtkWidget            *host_command_button;
  GtkWidget            *processor_command_button;
  GtkLabel             *hostname_label;
  GtkLabel             *uri_label;
  GtkLabel             *libvirt_label;
  GtkLabel             *hypervisor_label;
  GtkLabel             *model_label;
  GtkLabel             *arch_label;
  GtkLabel             *cpus_label;
  GtkLabel             *frequency_label;
  GtkLabel             *memory_label;
  GtkLabel             *cpu_value_label;
  GtkWidget            *cpu_command_button;
  GtkStack             *cpu_stack;
  VireoGraph           *cpu_graph;
  GtkLabel             *memory_value_label;
  GtkWidget            *memory_command_button;
  GtkStack             *memory_stack;
  VireoGraph           *memory_graph;
  GtkWidget            *interfaces_group;
  GtkListBox           *interfaces_list;
  GtkWidget            *interfaces_command_button;
  GCancellable         *interfaces_cancellable;
  AdwBin               *networks_bin;
  AdwBin               *map_bin;
  AdwBin               *storage_bin;
  AdwViewStack         *stack;
  VireoNetworksPage    *networks_page;
  VireoNetworkMapPage  *map_page;
  VireoStoragePage     *storage_page;
};

G_DEFINE_FINAL_TYPE (VireoHostWindow, vireo_host_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GQuark
window_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("vireo-host-window");
  return quark;
}

static void
set_value (GtkLabel   *label,
           const char *text)
{
  gtk_label_set_text (label, text != NULL && *text != '\0' ? text : "—");
}

/* "8 (1 socket × 4 cores × 2 threads)": the count people compare with a
 * guest's vCPUs, and where it comes from. */
static char *
format_cpus (VireoHost *host)
{
  guint cpus = vireo_host_get_cpus (host);
  guint sockets = vireo_host_get_sockets (host) * MAX (vireo_host_get_numa_nodes (host), 1);
  guint cores = vireo_host_get_cores (host);
  guint threads = vireo_host_get_threads (host);
  g_autofree char *s = NULL;
  g_autofree char *c = NULL;
  g_autofree char *t = NULL;

  if (cpus == 0)
    return NULL;
  if (sockets == 0 || cores == 0 || threads == 0)
    return g_strdup_printf ("%u", cpus);

  s = g_strdup_printf (ngettext ("%u socket", "%u sockets", sockets), sockets);
  c = g_strdup_printf (ngettext ("%u core", "%u cores", cores), cores);
  t = g_strdup_printf (ngettext ("%u thread", "%u threads", threads), threads);
  /* Translators: CPU count and topology, "8 (1 socket × 4 cores × 2 threads)" */
  return g_strdup_printf (_("%u (%s × %s × %s)"), cpus, s, c, t);
}

static char *
format_frequency (guint mhz)
{
  if (mhz == 0)
    return NULL;
  if (mhz >= 1000)
    /* Translators: a CPU clock frequency */
    return g_strdup_printf (_("%.2f GHz"), mhz / 1000.0);
  /* Translators: a CPU clock frequency */
  return g_strdup_printf (_("%u MHz"), mhz);
}

static char *
format_model (VireoHost *host)
{
  const char *model = vireo_host_get_cpu_model (host);
  const char *vendor = vireo_host_get_cpu_vendor (host);

  if (model == NULL)
    return NULL;
  /* SMBIOS names carry the vendor already ("Intel(R) Xeon(R) …"); libvirt's
   * model names do not ("Skylake-Client-IBRS"). */
  if (vendor == NULL || g_str_has_prefix (model, vendor))
    return g_strdup (model);
  return g_strdup_printf ("%s %s", vendor, model);
}

static void
set_command (GtkWidget              *button,
             const char             *uri,
             const VireoHostCommand *commands,
             guint                   n_commands)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) markup = g_string_new (NULL);

  for (guint i = 0; i < n_commands; i++)
    {
      g_autofree char *line = vireo_command_for_host (uri, commands[i]);
      g_autofree char *escaped = g_markup_escape_text (line, -1);

      g_string_append_printf (text, "%s%s", i ? "\n" : "", line);
      g_string_append_printf (markup, "<tt>%s</tt>\n", escaped);
    }
  /* Students learn the command line from what the window shows. */
  g_string_append (markup, n_commands > 1 ? _("Click to copy these commands") : _("Click to copy this command"));

  gtk_widget_set_tooltip_markup (button, markup->str);
  /* Target before name: a name without its target warns at once. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (text->str));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "host.copy-command");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy the equivalent virsh command"),
                                  -1);
}

static void
update_title (VireoHostWindow *self)
{
  g_autofree char *name = vireo_connection_dup_display_name (self->connection);
  /* Translators: a window title; %s is a connection's name */
  g_autofree char *title = g_strdup_printf (_("%s — Host Details"), name);

  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_view_switcher_title_set_title (self->switcher_title, title);
}

static void
update_state (VireoHostWindow *self)
{
  VireoConnectionState state = vireo_connection_get_state (self->connection);
  gboolean has_facts = vireo_host_get_has_facts (self->host);
  gboolean connected = state == VIREO_CONNECTION_STATE_CONNECTED;

  gtk_stack_set_visible_child_name (self->overview_stack, has_facts ? "details" : "status");

  if (!has_facts)
    {
      const char *error = vireo_connection_get_error_message (self->connection);

      switch (state)
        {
        case VIREO_CONNECTION_STATE_CONNECTED:
          adw_status_page_set_icon_name (self->status_page, "computer-symbolic");
          adw_status_page_set_title (self->status_page, _("Reading Host Details…"));
          adw_status_page_set_description (self->status_page, NULL);
          break;
        case VIREO_CONNECTION_STATE_CONNECTING:
          adw_status_page_set_icon_name (self->status_page, "network-transmit-receive-symbolic");
          adw_status_page_set_title (self->status_page, _("Connecting…"));
          adw_status_page_set_description (self->status_page, vireo_connection_get_uri (self->connection));
          break;
        case VIREO_CONNECTION_STATE_DISCONNECTED:
        default:
          adw_status_page_set_icon_name (self->status_page, "network-offline-symbolic");
          adw_status_page_set_title (self->status_page, _("Not Connected"));
          adw_status_page_set_description (self->status_page,
                                           error ? error : _("Connect to see this host’s details."));
          break;
        }
      gtk_widget_set_visible (self->status_button, state == VIREO_CONNECTION_STATE_DISCONNECTED);
    }

  /* AdwBanner is libadwaita 1.3; this is the window's own, as in the main
   * window. */
  gtk_revealer_set_reveal_child (self->banner_revealer, has_facts && !connected);
  gtk_label_set_text (self->banner_label,
                      state == VIREO_CONNECTION_STATE_CONNECTING
                        ? _("Reconnecting — values are from the last connection")
                        : _("Disconnected — values are from the last connection"));
  gtk_widget_set_visible (self->banner_button, state == VIREO_CONNECTION_STATE_DISCONNECTED);

  if (connected)
    gtk_widget_remove_css_class (self->details_page, "vireo-stale");
  else
    gtk_widget_add_css_class (self->details_page, "vireo-stale");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "host.connect",
                                 state == VIREO_CONNECTION_STATE_DISCONNECTED);
}

static void
update_facts (VireoHostWindow *self)
{
  g_autofree char *model = format_model (self->host);
  g_autofree char *cpus = format_cpus (self->host);
  g_autofree char *frequency = format_frequency (vireo_host_get_mhz (self->host));
  g_autofree char *memory = NULL;

  if (vireo_host_get_memory_kib (self->host) > 0)
    memory = vireo_format_size_kib (vireo_host_get_memory_kib (self->host));

  set_value (self->hostname_label, vireo_host_get_hostname (self->host));
  set_value (self->uri_label, vireo_host_get_uri (self->host));
  set_value (self->libvirt_label, vireo_host_get_libvirt_version (self->host));
  set_value (self->hypervisor_label, vireo_host_get_hypervisor (self->host));
  set_value (self->model_label, model);
  set_value (self->arch_label, vireo_host_get_arch (self->host));
  set_value (self->cpus_label, cpus);
  set_value (self->frequency_label, frequency);
  set_value (self->memory_label, memory);
}

static void
update_usage (VireoHostWindow *self)
{
  gboolean has_cpu = vireo_host_get_has_cpu_stats (self->host);
  gboolean has_memory = vireo_host_get_has_memory_stats (self->host);
  guint64 used = vireo_host_get_memory_used_kib (self->host);
  guint64 total = vireo_host_get_memory_total_kib (self->host);
  g_autofree char *cpu_text = NULL;
  g_autofree char *memory_text = NULL;

  /* "Not reported" is a fact about the driver; an empty graph would read
   * as "idle". */
  gtk_stack_set_visible_child_name (self->cpu_stack, has_cpu ? "graph" : "unsupported");
  gtk_stack_set_visible_child_name (self->memory_stack, has_memory ? "graph" : "unsupported");

  if (has_cpu)
    cpu_text = vireo_format_percent (vireo_host_get_cpu_percent (self->host));
  gtk_label_set_text (self->cpu_value_label, cpu_text ? cpu_text : "");

  if (has_memory && used > 0 && total > 0)
    {
      g_autofree char *used_s = vireo_format_size_kib (used);
      g_autofree char *total_s = vireo_format_size_kib (total);
      /* Translators: memory in use, "2.1 GiB of 7.8 GiB" */
      memory_text = g_strdup_printf (_("%s of %s"), used_s, total_s);
    }
  gtk_label_set_text (self->memory_value_label, memory_text ? memory_text : (has_memory ? "—" : ""));
  if (has_cpu && cpu_text == NULL)
    gtk_label_set_text (self->cpu_value_label, "—");

  vireo_graph_set_max (self->memory_graph, (double) total);
}

static void
on_host_notify (VireoHostWindow *self)
{
  update_state (self);
  update_facts (self);
  update_usage (self);
}

static void
on_sampled (VireoHostWindow *self)
{
  vireo_graph_changed (self->cpu_graph);
  vireo_graph_changed (self->memory_graph);
}

static void
on_interfaces_listed (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  VireoHostWindow *self;
  g_autoptr(GPtrArray) interfaces = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  /* The window holds no reference for the read (closing it must free it
   * at once); dispose cancels, and a cancelled read never looks at it. */
  interfaces = vireo_connection_list_host_interface_details_finish (VIREO_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  g_clear_object (&self->interfaces_cancellable);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->interfaces_list))) != NULL)
    gtk_list_box_remove (self->interfaces_list, child);
  /* A host without an interface driver (a session daemon) lists nothing:
   * no group rather than an empty one. */
  gtk_widget_set_visible (self->interfaces_group, interfaces != NULL && interfaces->len > 0);
  for (guint i = 0; interfaces != NULL && i < interfaces->len; i++)
    {
      VireoHostInterfaceDetails *iface = g_ptr_array_index (interfaces, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *state = gtk_label_new (iface->active ? _("Up") : _("Down"));
      g_autoptr(GString) subtitle = g_string_new (iface->type ? iface->type : "");

      if (iface->mac != NULL)
        g_string_append_printf (subtitle, " · %s", iface->mac);
      for (guint j = 0; iface->addresses != NULL && j < iface->addresses->len; j++)
        g_string_append_printf (subtitle, "%s%s", j == 0 ? "\n" : ", ",
                                (const char *) g_ptr_array_index (iface->addresses, j));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), iface->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_widget_add_css_class (state, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
      gtk_widget_set_name (row, iface->name);
      gtk_list_box_append (self->interfaces_list, row);
    }
}

static void
load_interfaces (VireoHostWindow *self)
{
  if (vireo_connection_get_state (self->connection) != VIREO_CONNECTION_STATE_CONNECTED ||
      self->interfaces_cancellable != NULL)
    return;
  self->interfaces_cancellable = g_cancellable_new ();
  vireo_connection_list_host_interface_details_async (self->connection, self->interfaces_cancellable,
                                                      on_interfaces_listed, self);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VireoHostWindow *self = VIREO_HOST_WINDOW (widget);

  vireo_connection_reconnect (self->connection);
}

static void
copy_text (VireoHostWindow *self,
           const char      *text,
           const char      *toast)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (toast));
}

static void
copy_uri_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VireoHostWindow *self = VIREO_HOST_WINDOW (widget);

  copy_text (self, vireo_connection_get_uri (self->connection), _("URI copied"));
}

static void
copy_command_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VireoHostWindow *self = VIREO_HOST_WINDOW (widget);

  copy_text (self, g_variant_get_string (parameter, NULL), _("Command copied"));
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VireoHostWindow *self = VIREO_HOST_WINDOW (widget);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (g_variant_get_string (parameter, NULL)));
}

static void
vireo_host_window_map (GtkWidget *widget)
{
  VireoHostWindow *self = VIREO_HOST_WINDOW (widget);

  GTK_WIDGET_CLASS (vireo_host_window_parent_class)->map (widget);

  /* Graphs on screen are the only reason to sample a host. */
  if (!self->sampling)
    {
      self->sampling = TRUE;
      vireo_host_start_sampling (self->host);
    }
}

static void
vireo_host_window_unmap (GtkWidget *widget)
{
  VireoHostWindow *self = VIREO_HOST_WINDOW (widget);

  if (self->sampling)
    {
      self->sampling = FALSE;
      vireo_host_stop_sampling (self->host);
    }

  GTK_WIDGET_CLASS (vireo_host_window_parent_class)->unmap (widget);
}

static void
vireo_host_window_constructed (GObject *object)
{
  VireoHostWindow *self = VIREO_HOST_WINDOW (object);
  const char *uri;
  static const VireoHostCommand host_commands[] = { VIREO_HOST_COMMAND_HOSTNAME, VIREO_HOST_COMMAND_VERSION };
  static const VireoHostCommand nodeinfo[] = { VIREO_HOST_COMMAND_NODEINFO };
  static const VireoHostCommand cpu[] = { VIREO_HOST_COMMAND_NODECPUSTATS };
  static const VireoHostCommand memory[] = { VIREO_HOST_COMMAND_NODEMEMSTATS };
  static const VireoHostCommand ifaces[] = { VIREO_HOST_COMMAND_IFACE_LIST };

  G_OBJECT_CLASS (vireo_host_window_parent_class)->constructed (object);

  g_assert (self->connection != NULL);
  self->host = g_object_ref (vireo_host_get_for_connection (self->connection));
  uri = vireo_connection_get_uri (self->connection);

  set_command (self->host_command_button, uri, host_commands, G_N_ELEMENTS (host_commands));
  set_command (self->processor_command_button, uri, nodeinfo, G_N_ELEMENTS (nodeinfo));
  set_command (self->cpu_command_button, uri, cpu, G_N_ELEMENTS (cpu));
  set_command (self->memory_command_button, uri, memory, G_N_ELEMENTS (memory));
  set_command (self->interfaces_command_button, uri, ifaces, G_N_ELEMENTS (ifaces));
  gtk_widget_set_visible (self->interfaces_group, FALSE);

  vireo_graph_set_history (self->cpu_graph, vireo_host_get_cpu_history (self->host));
  vireo_graph_set_history (self->memory_graph, vireo_host_get_memory_history (self->host));

  g_signal_connect_object (self->host, "notify", G_CALLBACK (on_host_notify), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->host, "sampled", G_CALLBACK (on_sampled), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::state", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::state", G_CALLBACK (load_interfaces), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::error-message", G_CALLBACK (update_state),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::display-name", G_CALLBACK (update_title),
                           self, G_CONNECT_SWAPPED);

  self->networks_page = VIREO_NETWORKS_PAGE (vireo_networks_page_new (self->connection));
  adw_bin_set_child (self->networks_bin, GTK_WIDGET (self->networks_page));
  self->map_page = VIREO_NETWORK_MAP_PAGE (vireo_network_map_page_new (self->connection));
  adw_bin_set_child (self->map_bin, GTK_WIDGET (self->map_page));
  self->storage_page = VIREO_STORAGE_PAGE (vireo_storage_page_new (self->connection));
  adw_bin_set_child (self->storage_bin, GTK_WIDGET (self->storage_page));

  update_title (self);
  on_host_notify (self);
  load_interfaces (self);
}

static void
vireo_host_window_dispose (GObject *object)
{
  VireoHostWindow *self = VIREO_HOST_WINDOW (object);

  if (self->connection != NULL &&
      g_object_get_qdata (G_OBJECT (self->connection), window_quark ()) == self)
    g_object_set_qdata (G_OBJECT (self->connection), window_quark (), NULL);

  if (self->sampling)
    {
      self->sampling = FALSE;
      vireo_host_stop_sampling (self->host);
    }
  g_cancellable_cancel (self->interfaces_cancellable);
  g_clear_object (&self->interfaces_cancellable);
  /* The graphs borrow the host's histories. */
  if (self->cpu_graph != NULL)
    vireo_graph_set_history (self->cpu_graph, NULL);
  if (self->memory_graph != NULL)
    vireo_graph_set_history (self->memory_graph, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_HOST_WINDOW);

  g_clear_object (&self->host);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (vireo_host_window_parent_class)->dispose (object);
}

static void
vireo_host_window_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VireoHostWindow *self = VIREO_HOST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_host_window_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VireoHostWindow *self = VIREO_HOST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_host_window_class_init (VireoHostWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vireo_host_window_constructed;
  object_class->dispose = vireo_host_window_dispose;
  object_class->get_property = vireo_host_window_get_property;
  object_class->set_property = vireo_host_window_set_property;
  widget_class->map = vireo_host_window_map;
  widget_class->unmap = vireo_host_window_unmap;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, VIREO_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VIREO_TYPE_GRAPH);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-host-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, banner_button);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, overview_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, status_button);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, details_page);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, host_command_button);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, processor_command_button);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, hostname_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, uri_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, libvirt_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, hypervisor_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, model_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, arch_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, cpus_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, frequency_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, memory_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, cpu_value_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, cpu_command_button);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, cpu_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, cpu_graph);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, memory_value_label);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, memory_command_button);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, memory_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, memory_graph);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, networks_bin);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, map_bin);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, interfaces_group);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, interfaces_list);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, interfaces_command_button);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, storage_bin);
  gtk_widget_class_bind_template_child (widget_class, VireoHostWindow, stack);

  gtk_widget_class_install_action (widget_class, "host.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "host.copy-uri", NULL, copy_uri_action);
  gtk_widget_class_install_action (widget_class, "host.copy-command", "s", copy_command_action);
  gtk_widget_class_install_action (widget_class, "host.toast", "s", toast_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
vireo_host_window_init (VireoHostWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vireo_host_window_new (VireoConnection *connection)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);

  return g_object_new (VIREO_TYPE_HOST_WINDOW, "connection", connection, NULL);
}

/**
 * vireo_host_window_present_for:
 * @parent: (nullable): the window asking, whose application the new window
 *   joins
 * @connection: the connection whose host to show
 *
 * Shows the Host Details window of @connection, bringing an open one to the
 * front rather than opening a second.
 *
 * Returns: (transfer none): the window
 */
VireoHostWindow *
vireo_host_window_present_for (GtkWindow       *parent,
                               VireoConnection *connection)
{
  VireoHostWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);

  self = g_object_get_qdata (G_OBJECT (connection), window_quark ());
  if (self == NULL)
    {
      GtkApplication *app = parent ? gtk_window_get_application (parent) : NULL;

      self = VIREO_HOST_WINDOW (vireo_host_window_new (connection));
      /* Not transient: it is a window of its own, to keep beside the main
       * one, and it keeps the application running while open. */
      if (app != NULL)
        gtk_window_set_application (GTK_WINDOW (self), app);
      g_object_set_qdata (G_OBJECT (connection), window_quark (), self);
    }

  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/**
 * vireo_host_window_get_connection:
 *
 * Returns: (transfer none): the connection shown
 */
VireoConnection *
vireo_host_window_get_connection (VireoHostWindow *self)
{
  g_return_val_if_fail (VIREO_IS_HOST_WINDOW (self), NULL);
  return self->connection;
}

/**
 * vireo_host_window_get_host:
 *
 * Returns: (transfer none): the host shown
 */
VireoHost *
vireo_host_window_get_host (VireoHostWindow *self)
{
  g_return_val_if_fail (VIREO_IS_HOST_WINDOW (self), NULL);
  return self->host;
}

/**
 * vireo_host_window_show_page:
 * @name: "overview", "networks", "map" or "storage"
 *
 * Returns: (transfer none): that page's widget
 */
GtkWidget *
vireo_host_window_show_page (VireoHostWindow *self,
                             const char      *name)
{
  g_return_val_if_fail (VIREO_IS_HOST_WINDOW (self), NULL);

  adw_view_stack_set_visible_child_name (self->stack, name);
  return adw_view_stack_get_visible_child (self->stack);
}

VireoNetworksPage *
vireo_host_window_get_networks_page (VireoHostWindow *self)
{
  g_return_val_if_fail (VIREO_IS_HOST_WINDOW (self), NULL);
  return self->networks_page;
}

VireoStoragePage *
vireo_host_window_get_storage_page (VireoHostWindow *self)
{
  g_return_val_if_fail (VIREO_IS_HOST_WINDOW (self), NULL);
  return self->storage_page;
}

VireoNetworkMapPage *
vireo_host_window_get_map_page (VireoHostWindow *self)
{
  g_return_val_if_fail (VIREO_IS_HOST_WINDOW (self), NULL);
  return self->map_page;
}
