/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-network-map-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-command.h"
#include "vireo-host-window.h"
#include "vireo-interface.h"
#include "vireo-network-map-page.h"
#include "vireo-page-util.h"
#include "vireo-network-ops.h"
#include "vireo-virt-error.h"
#include "vireo-vm-window.h"

/*
 * The Map tab of Host Details: the map view, a toolbar (search, zoom,
 * fit, export) and a side panel that explains what is selected.
 *
 * The map is read in one worker job (vireo_connection_read_network_map)
 * once the tab is first shown, then again on the events that change it:
 * networks and machines starting, stopping, being defined, and NICs being
 * hot-plugged. A burst of events is one read. DHCP leases and agent
 * addresses raise no event, so while the tab is on screen the leases are
 * asked every LEASE_POLL_SECONDS (see poll_cb).
 */

#define LEASE_POLL_SECONDS 10

struct _VireoNetworkMapPage
{
  GtkWidget             parent_instance;

  VireoConnection      *connection;
  GListModel           *domains;
  VireoNetworkMapView  *view;
  GtkSearchEntry       *search_entry;
  GtkLabel             *match_label;
  GtkStack             *view_stack;
  AdwStatusPage        *status_page;
  GtkBox               *panel;
  VireoReload           reload;             /* the map's read */
  GCancellable         *poll_cancellable;
  guint                 ticks;
  guint                 reload_source;
  guint                 poll_source;
  guint                 reads;
  gboolean              wanted;
  gboolean              loading;
};

G_DEFINE_FINAL_TYPE (VireoNetworkMapPage, vireo_network_map_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_CONNECTION,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_panel (VireoNetworkMapPage *self);

/* ------------------------------------------------------------------------ */
/* Reading                                                                   */

static void
set_loading (VireoNetworkMapPage *self,
             gboolean             loading)
{
  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
on_map_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VireoNetworkMapPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoNetMap) map = NULL;

  map = vireo_connection_read_network_map_finish (VIREO_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (map != NULL)
    {
      self->reads++;
      vireo_network_map_view_set_map (self->view, map);
      gtk_stack_set_visible_child_name (self->view_stack, "map");
      if (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
        {
          guint n = vireo_network_map_view_set_search (self->view,
                                                       gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
          g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u match", "%u matches", n), n);

          gtk_label_set_text (self->match_label, text);
        }
    }
  else if (vireo_network_map_view_get_map (self->view) == NULL)
    {
      /* Keep an old picture over an error; a dropped connection is said
       * by the window's banner. */
      adw_status_page_set_title (self->status_page, _("Could not read the network map"));
      adw_status_page_set_description (self->status_page, error->message);
      gtk_stack_set_visible_child_name (self->view_stack, "status");
    }
  else if (!g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED))
    g_warning ("Could not read the network map: %s", error->message);

  if (vireo_reload_finish (&self->reload))
    {
      vireo_network_map_page_reload (self);
      return;
    }
  set_loading (self, FALSE);
}

/**
 * vireo_network_map_page_reload:
 *
 * Reads the map again. A reload asked for while one runs starts when it
 * ends, so the last state wins.
 */
void
vireo_network_map_page_reload (VireoNetworkMapPage *self)
{
  g_return_if_fail (VIREO_IS_NETWORK_MAP_PAGE (self));

  if (self->reload.cancellable != NULL)
    {
      vireo_reload_start (&self->reload);
      return;
    }
  if (vireo_connection_get_state (self->connection) != VIREO_CONNECTION_STATE_CONNECTED)
    return;
  set_loading (self, TRUE);
  vireo_connection_read_network_map_async (self->connection, vireo_reload_start (&self->reload), on_map_read,
                                           g_object_ref (self));
}

static gboolean
reload_cb (gpointer user_data)
{
  VireoNetworkMapPage *self = user_data;

  self->reload_source = 0;
  vireo_network_map_page_reload (self);
  return G_SOURCE_REMOVE;
}

/* Starting a machine is a burst (defined, started, device added): one
 * read for the burst. */
static void
queue_reload (VireoNetworkMapPage *self)
{
  if (!self->wanted)
    return;
  if (self->reload_source == 0)
    self->reload_source = g_timeout_add (150, reload_cb, self);
}

/* Whether the map shows every lease of a machine's card: a key is
 * "mac ip/prefix"; leases of MACs no card has (a PXE client, a machine
 * gone) are not the map's to show. */
static gboolean
shows_leases (VireoNetMap        *map,
              const char * const *keys)
{
  GPtrArray *nodes = vireo_net_map_get_nodes (map);
  g_autoptr(GHashTable) cards = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *node = g_ptr_array_index (nodes, i);

      if (node->kind == VIREO_MAP_NODE_NIC && node->mac != NULL)
        g_hash_table_insert (cards, node->mac, node);
    }
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (keys[i], " ", 2);
      VireoMapNode *card = parts[1] != NULL ? g_hash_table_lookup (cards, parts[0]) : NULL;
      guint index;

      if (card != NULL
          && (card->addresses == NULL
              || !g_ptr_array_find_with_equal_func (card->addresses, parts[1], g_str_equal, &index)))
        return FALSE;
    }
  return TRUE;
}

static void
on_lease_keys (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VireoNetworkMapPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) keys = vireo_connection_list_lease_keys_finish (VIREO_CONNECTION (source), result, &error);
  VireoNetMap *map;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->poll_cancellable);
  map = vireo_network_map_view_get_map (self->view);
  if (keys != NULL && map != NULL && !shows_leases (map, (const char * const *) keys))
    vireo_network_map_page_reload (self);
}

/* Leases and agent addresses raise no event. The cheap question (the
 * leases alone, one call per running network) is asked every tick; the
 * whole map, which reads every running machine, only when a lease is new,
 * and otherwise every FULL_READ_TICKS ticks for agent addresses and leases
 * that ended. A host with hundreds of machines over a slow link stays
 * free for everything else. */
#define FULL_READ_TICKS 6

static gboolean
poll_cb (gpointer user_data)
{
  VireoNetworkMapPage *self = user_data;

  if (self->reload.cancellable != NULL || self->poll_cancellable != NULL)
    return G_SOURCE_CONTINUE;
  if (++self->ticks % FULL_READ_TICKS == 0)
    {
      vireo_network_map_page_reload (self);
      return G_SOURCE_CONTINUE;
    }
  if (vireo_connection_get_state (self->connection) != VIREO_CONNECTION_STATE_CONNECTED)
    return G_SOURCE_CONTINUE;
  self->poll_cancellable = g_cancellable_new ();
  vireo_connection_list_lease_keys_async (self->connection, self->poll_cancellable, on_lease_keys,
                                          g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

static void
on_connection_state (VireoNetworkMapPage *self)
{
  if (vireo_connection_get_state (self->connection) == VIREO_CONNECTION_STATE_CONNECTED)
    queue_reload (self);
}

static void
on_domains_changed (VireoNetworkMapPage *self,
                    guint                position,
                    guint                removed,
                    guint                added)
{
  queue_reload (self);
}

gboolean
vireo_network_map_page_get_loading (VireoNetworkMapPage *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_PAGE (self), FALSE);
  return self->loading;
}

/* How many maps arrived: tests wait for the next one. */
guint
vireo_network_map_page_get_reads (VireoNetworkMapPage *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_PAGE (self), 0);
  return self->reads;
}

VireoNetworkMapView *
vireo_network_map_page_get_view (VireoNetworkMapPage *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_PAGE (self), NULL);
  return self->view;
}

GtkWidget *
vireo_network_map_page_get_panel (VireoNetworkMapPage *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_PAGE (self), NULL);
  return GTK_WIDGET (self->panel);
}

/* ------------------------------------------------------------------------ */
/* Side panel                                                                */

static void
clear_panel (VireoNetworkMapPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->panel))) != NULL)
    gtk_box_remove (self->panel, child);
}

static GtkWidget *
add_label (VireoNetworkMapPage *self,
           const char          *text,
           const char          *css_class,
           const char          *name)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), css_class == NULL || g_str_equal (css_class, "monospace"));
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  if (name != NULL)
    gtk_widget_set_name (label, name);
  gtk_box_append (self->panel, label);
  return label;
}

static const char *
verdict_icon (VireoReachVerdict verdict)
{
  switch (verdict)
    {
    case VIREO_REACH_YES:
      return "emblem-ok-symbolic";
    case VIREO_REACH_PARTLY:
      return "dialog-warning-symbolic";
    case VIREO_REACH_NO:
    default:
      return "action-unavailable-symbolic";
    }
}

static const char *
verdict_label (VireoReachVerdict verdict)
{
  switch (verdict)
    {
    case VIREO_REACH_YES:
      return C_("reach", "Yes");
    case VIREO_REACH_PARTLY:
      return C_("reach", "Only if");
    case VIREO_REACH_NO:
    default:
      return C_("reach", "No");
    }
}

/* "Who can reach whom": one row per direction, the verdict first, the
 * reason under it. */
static void
add_reach (VireoNetworkMapPage *self,
           const VireoMapNode  *node)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Who can reach whom"));
  gtk_widget_set_name (group, "map-reach");
  for (guint i = 0; i < VIREO_REACH_N_PATHS; i++)
    {
      const VireoReach *reach = &node->reach[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name (verdict_icon (reach->verdict));
      GtkWidget *verdict = gtk_label_new (verdict_label (reach->verdict));
      g_autofree char *name = g_strdup_printf ("map-reach-%u", i);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), vireo_reach_path_get_label (i));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reach->why != NULL ? reach->why : "");
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (icon, reach->verdict == VIREO_REACH_YES     ? "success"
                                      : reach->verdict == VIREO_REACH_PARTLY ? "warning"
                                                                             : "error");
      gtk_widget_add_css_class (verdict, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), verdict);
      gtk_widget_set_name (row, name);
      g_object_set_data (G_OBJECT (row), "vireo-verdict", GINT_TO_POINTER (reach->verdict));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_box_append (self->panel, group);
}

static void
add_lines (VireoNetworkMapPage *self,
           const VireoMapNode  *node)
{
  for (guint i = 0; node->lines != NULL && i < node->lines->len; i++)
    add_label (self, g_ptr_array_index (node->lines, i), NULL, NULL);
}

static void
on_select_clicked (GtkButton           *button,
                   VireoNetworkMapPage *self)
{
  vireo_network_map_view_select (self->view, g_object_get_data (G_OBJECT (button), "vireo-id"));
}

static void
add_select_button (VireoNetworkMapPage *self,
                   GtkWidget           *box,
                   const VireoMapNode  *node)
{
  GtkWidget *button = gtk_button_new_with_label (node->title != NULL ? node->title : node->name);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  g_object_set_data_full (G_OBJECT (button), "vireo-id", g_strdup (node->id), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_select_clicked), self, 0);
  gtk_box_append (GTK_BOX (box), button);
}

static void
open_domain (VireoNetworkMapPage *self,
             const VireoMapNode  *node)
{
  VireoDomain *domain = node->uuid != NULL ? vireo_connection_find_domain (self->connection, node->uuid) : NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (domain != NULL)
    vireo_vm_window_present_for (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, domain);
}

static void
on_open_domain_clicked (GtkButton           *button,
                        VireoNetworkMapPage *self)
{
  VireoNetMap *map = vireo_network_map_view_get_map (self->view);
  VireoMapNode *node = map != NULL ? vireo_net_map_lookup (map, g_object_get_data (G_OBJECT (button), "vireo-id"))
                                   : NULL;

  if (node != NULL)
    open_domain (self, node);
}

static void
on_open_network_clicked (GtkButton           *button,
                         VireoNetworkMapPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!VIREO_IS_HOST_WINDOW (root))
    return;
  vireo_host_window_show_page (VIREO_HOST_WINDOW (root), "networks");
  vireo_networks_page_select (vireo_host_window_get_networks_page (VIREO_HOST_WINDOW (root)),
                              g_object_get_data (G_OBJECT (button), "vireo-network"));
}

static GtkWidget *
add_button (VireoNetworkMapPage *self,
            const char          *label,
            const char          *name,
            GCallback            callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_set_name (button, name);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  gtk_box_append (self->panel, button);
  return button;
}

static void
panel_for_segment (VireoNetworkMapPage *self,
                   VireoNetMap         *map,
                   const VireoMapNode  *node)
{
  GPtrArray *nodes = vireo_net_map_get_nodes (map);
  GtkWidget *machines = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gboolean any = FALSE;

  add_label (self, node->title, "title-2", "map-panel-title");
  add_lines (self, node);
  if (node->explanation != NULL)
    add_label (self, node->explanation, NULL, "map-explanation");
  add_reach (self, node);

  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *nic = g_ptr_array_index (nodes, i);

      if (nic->kind == VIREO_MAP_NODE_NIC && nic->attached == node && nic->parent != NULL)
        {
          add_select_button (self, machines, nic->parent);
          any = TRUE;
        }
    }
  add_label (self, any ? _("Machines on it") : _("No machine is on it."), "heading", NULL);
  gtk_box_append (self->panel, machines);
  if (node->kind == VIREO_MAP_NODE_NETWORK)
    {
      GtkWidget *button = add_button (self, _("Show in _Networks"), "map-open-network",
                                      G_CALLBACK (on_open_network_clicked));

      g_object_set_data_full (G_OBJECT (button), "vireo-network", g_strdup (node->name), g_free);
    }
}

static void
on_move_clicked (GtkButton           *button,
                 VireoNetworkMapPage *self)
{
  GtkDropDown *drop = g_object_get_data (G_OBJECT (button), "vireo-drop-down");
  GtkStringObject *item = gtk_drop_down_get_selected_item (drop);

  if (item != NULL)
    vireo_network_map_page_move_nic (self, g_object_get_data (G_OBJECT (button), "vireo-id"),
                                     gtk_string_object_get_string (item));
}

static void
panel_for_nic (VireoNetworkMapPage *self,
               VireoNetMap         *map,
               const VireoMapNode  *nic)
{
  GPtrArray *nodes = vireo_net_map_get_nodes (map);
  g_autoptr(GtkStringList) networks = gtk_string_list_new (NULL);
  g_autofree char *heading = g_strdup_printf (_("Network card %s"), nic->mac != NULL ? nic->mac : "");
  g_autofree char *wired = NULL;
  GtkWidget *button;
  GtkWidget *drop;
  GtkWidget *box;

  add_label (self, heading, "title-3", "map-panel-title");
  if (nic->parent != NULL)
    add_select_button (self, GTK_WIDGET (self->panel), nic->parent);
  if (nic->model != NULL)
    {
      g_autofree char *model = g_strdup_printf (_("Model: %s"), nic->model);

      add_label (self, model, NULL, NULL);
    }
  wired = g_strdup_printf (_("Wired to: %s"), nic->attached != NULL ? nic->attached->title : _("nothing"));
  add_label (self, wired, NULL, NULL);
  if (nic->addresses == NULL || nic->addresses->len == 0)
    add_label (self, _("No address known: no DHCP lease, and no guest agent answered."), "dim-label",
               "map-addresses");
  else
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < nic->addresses->len; i++)
        g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", (char *) g_ptr_array_index (nic->addresses, i));
      add_label (self, text->str, "monospace", "map-addresses");
    }

  /* Moving is offered between virtual networks, which update-device
   * can switch on a running guest. */
  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *node = g_ptr_array_index (nodes, i);

      if (node->kind == VIREO_MAP_NODE_NETWORK && node != nic->attached)
        gtk_string_list_append (networks, node->name);
    }
  if (nic->mac == NULL || nic->parent == NULL || nic->parent->uuid == NULL
      || g_list_model_get_n_items (G_LIST_MODEL (networks)) == 0)
    return;
  add_label (self, _("Move to another network"), "heading", NULL);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  drop = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (networks)), NULL);
  gtk_widget_set_name (drop, "map-move-network");
  gtk_widget_set_hexpand (drop, TRUE);
  button = gtk_button_new_with_mnemonic (_("_Move…"));
  gtk_widget_set_name (button, "map-move");
  g_object_set_data (G_OBJECT (button), "vireo-drop-down", drop);
  g_object_set_data_full (G_OBJECT (button), "vireo-id", g_strdup (nic->id), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_move_clicked), self, 0);
  gtk_box_append (GTK_BOX (box), drop);
  gtk_box_append (GTK_BOX (box), button);
  gtk_box_append (self->panel, box);
}

static void
panel_for_domain (VireoNetworkMapPage *self,
                  VireoNetMap         *map,
                  const VireoMapNode  *node)
{
  GPtrArray *nodes = vireo_net_map_get_nodes (map);
  GtkWidget *nics = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *button;

  add_label (self, node->title, "title-2", "map-panel-title");
  add_lines (self, node);
  for (guint i = 0; i < nodes->len; i++)
    {
      VireoMapNode *nic = g_ptr_array_index (nodes, i);

      if (nic->kind == VIREO_MAP_NODE_NIC && nic->parent == node)
        {
          g_autoptr(GString) text = g_string_new (nic->title);

          if (nic->attached != NULL)
            g_string_append_printf (text, " → %s", nic->attached->title);
          for (guint j = 0; nic->addresses != NULL && j < nic->addresses->len; j++)
            g_string_append_printf (text, "\n    %s", (char *) g_ptr_array_index (nic->addresses, j));
          add_label (self, text->str, "monospace", NULL);
        }
    }
  gtk_box_append (self->panel, nics);
  add_reach (self, node);
  if (node->uuid != NULL && vireo_connection_find_domain (self->connection, node->uuid) != NULL)
    {
      button = add_button (self, _("Open _Details"), "map-open-domain", G_CALLBACK (on_open_domain_clicked));
      g_object_set_data_full (G_OBJECT (button), "vireo-id", g_strdup (node->id), g_free);
    }
}

static void
panel_for_iface (VireoNetworkMapPage *self,
                 VireoNetMap         *map,
                 const VireoMapNode  *node)
{
  GPtrArray *edges = vireo_net_map_get_edges (map);
  GtkWidget *users = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gboolean any = FALSE;

  add_label (self, node->title, "title-2", "map-panel-title");
  add_lines (self, node);
  add_label (self, node->active ? _("Up") : _("Down"), "dim-label", NULL);
  for (guint i = 0; i < edges->len; i++)
    {
      VireoMapEdge *edge = g_ptr_array_index (edges, i);

      if (edge->kind == VIREO_MAP_EDGE_UPLINK && edge->to == node)
        {
          add_select_button (self, users, edge->from);
          any = TRUE;
        }
    }
  add_label (self, any ? _("Networks that go out through it") : _("No virtual network goes out through it."),
             "heading", NULL);
  gtk_box_append (self->panel, users);
}

static void
add_legend_row (VireoNetworkMapPage *self,
                const char          *css_class,
                const char          *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *swatch = gtk_label_new (NULL);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_size_request (swatch, 18, 10);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (swatch, "map-swatch");
  gtk_widget_add_css_class (swatch, css_class);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (self->panel, box);
}

static void
panel_for_nothing (VireoNetworkMapPage *self)
{
  add_label (self, _("How to read the map"), "title-3", "map-panel-title");
  add_label (self,
             _("The host is at the top, with its network interfaces. Each virtual network is a switch in the "
               "middle row; machines hang below, wired to the networks their cards are on. Lines going up are "
               "the ways out through the host."),
             NULL, NULL);
  add_legend_row (self, "map-nat", _("NAT: guests go out through the host's address"));
  add_legend_row (self, "map-route", _("Routed: guests have their own addresses on the LAN"));
  add_legend_row (self, "map-open", _("Open: routed, without firewall rules"));
  add_legend_row (self, "map-isolated", _("Isolated: guests and the host only"));
  add_legend_row (self, "map-bridge", _("Bridged: guests sit on the LAN"));
  add_legend_row (self, "map-macvtap", _("Macvtap: the LAN, but not this host"));
  add_legend_row (self, "map-user", _("User-mode: each guest alone behind the host"));
  add_label (self,
             _("Solid lines are up, dashed ones are stopped. An arrow up means guests can start connections "
               "out; an arrow down means machines outside can start connections in."),
             "dim-label", NULL);
  add_label (self, _("Select a network to see who can reach whom. Arrow keys move between boxes; Enter opens."),
             "dim-label", NULL);
}

static void
update_panel (VireoNetworkMapPage *self)
{
  VireoNetMap *map = vireo_network_map_view_get_map (self->view);
  const char *selected = vireo_network_map_view_get_selected (self->view);
  VireoMapNode *node = map != NULL && selected != NULL ? vireo_net_map_lookup (map, selected) : NULL;
  VireoMapEdge *edge = map != NULL && selected != NULL ? vireo_net_map_lookup_edge (map, selected) : NULL;

  if (self->panel == NULL)
    return;
  clear_panel (self);
  /* A link stands for the card it plugs in (that is what moves); an
   * uplink for its network. */
  if (edge != NULL)
    node = edge->from;
  if (node == NULL)
    {
      panel_for_nothing (self);
      return;
    }
  switch (node->kind)
    {
    case VIREO_MAP_NODE_NETWORK:
    case VIREO_MAP_NODE_SEGMENT:
      panel_for_segment (self, map, node);
      break;
    case VIREO_MAP_NODE_NIC:
      panel_for_nic (self, map, node);
      break;
    case VIREO_MAP_NODE_DOMAIN:
      panel_for_domain (self, map, node);
      break;
    case VIREO_MAP_NODE_HOST_IFACE:
      panel_for_iface (self, map, node);
      break;
    case VIREO_MAP_NODE_HOST:
    default:
      add_label (self, node->title, "title-2", "map-panel-title");
      add_lines (self, node);
      break;
    }
}

static void
on_node_activated (VireoNetworkMapPage *self,
                   const char          *id)
{
  VireoNetMap *map = vireo_network_map_view_get_map (self->view);
  VireoMapNode *node = map != NULL ? vireo_net_map_lookup (map, id) : NULL;
  VireoMapEdge *edge = map != NULL && node == NULL ? vireo_net_map_lookup_edge (map, id) : NULL;

  if (edge != NULL)
    node = edge->from;
  if (node != NULL && node->kind == VIREO_MAP_NODE_NIC)
    node = node->parent;
  if (node != NULL && node->kind == VIREO_MAP_NODE_DOMAIN)
    open_domain (self, node);
}

/* ------------------------------------------------------------------------ */
/* Moving a NIC                                                              */

/* Owned by the confirmation dialog. */
typedef struct
{
  VireoNetworkMapPage *self;
  VireoDomain         *domain;
  GtkLabel            *command;
  char                *mac;
  char                *network;
  char                *xml;      /* (nullable): until the definition is read */
  VireoApplyFlags      flags;
} MoveData;

static void
move_data_free (MoveData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->domain);
  g_free (data->mac);
  g_free (data->network);
  g_free (data->xml);
  g_free (data);
}

static void
show_error (VireoNetworkMapPage *self,
            const char          *heading,
            const char          *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_moved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VireoNetworkMapPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_domain_change_device_finish (VIREO_DOMAIN (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->panel != NULL)
        show_error (self, _("The network card was not moved"), error->message);
      return;
    }
  /* A definition-only update raises no event to follow. */
  if (self->panel != NULL)
    vireo_network_map_page_reload (self);
}

static void
on_move_response (AdwMessageDialog *dialog,
                  const char       *response,
                  MoveData         *data)
{
  if (g_strcmp0 (response, "move") != 0 || data->xml == NULL)
    return;
  vireo_domain_change_device_async (data->domain, VIREO_DEVICE_CHANGE_UPDATE, data->xml, data->flags, NULL,
                                    on_moved, g_object_ref (data->self));
}

static void
on_definition_read (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AdwMessageDialog) dialog = user_data;
  MoveData *data = g_object_get_data (G_OBJECT (dialog), "vireo-move");
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = vireo_domain_read_xml_finish (VIREO_DOMAIN (source), result, &error);
  g_autofree char *command = NULL;

  if (data == NULL)
    return;
  if (xml != NULL)
    data->xml = vireo_interface_dup_moved_xml (xml, data->mac, data->network, &error);
  if (data->xml == NULL)
    {
      gtk_label_set_text (data->command, error->message);
      return;
    }
  command = vireo_command_for_device_update (vireo_connection_get_uri (data->self->connection),
                                             vireo_domain_get_name (data->domain), data->xml,
                                             (data->flags & VIREO_APPLY_LIVE) != 0,
                                             (data->flags & VIREO_APPLY_CONFIG) != 0);
  gtk_label_set_text (data->command, command);
  adw_message_dialog_set_response_enabled (dialog, "move", TRUE);
}

/**
 * vireo_network_map_page_move_nic:
 * @nic_id: a NIC node's id
 * @network: the virtual network it moves to
 *
 * Asks before moving, with the virsh line that does the same; the line
 * and the Move button appear once the machine's definition is read.
 *
 * Returns: (transfer none) (nullable): the question, or %NULL when the
 *   NIC or its machine is no longer there
 */
GtkWidget *
vireo_network_map_page_move_nic (VireoNetworkMapPage *self,
                                 const char          *nic_id,
                                 const char          *network)
{
  VireoNetMap *map;
  VireoMapNode *nic;
  VireoDomain *domain;
  GtkRoot *root;
  GtkWidget *dialog;
  GtkWidget *label;
  GtkWidget *scroller;
  MoveData *data;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  g_return_val_if_fail (VIREO_IS_NETWORK_MAP_PAGE (self), NULL);
  g_return_val_if_fail (nic_id != NULL && network != NULL, NULL);

  map = vireo_network_map_view_get_map (self->view);
  nic = map != NULL ? vireo_net_map_lookup (map, nic_id) : NULL;
  if (nic == NULL || nic->kind != VIREO_MAP_NODE_NIC || nic->mac == NULL || nic->parent == NULL
      || nic->parent->uuid == NULL)
    return NULL;
  domain = vireo_connection_find_domain (self->connection, nic->parent->uuid);
  if (domain == NULL)
    return NULL;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  /* Translators: the card's MAC, its machine, the network */
  heading = g_strdup_printf (_("Move %s of %s to “%s”?"), nic->mac, vireo_domain_get_name (domain), network);
  body = g_strdup (vireo_domain_get_active (domain)
                     ? _("The card keeps its MAC address and model. The running guest sees its link go down and "
                         "up, and may need to renew its address on the new network. The change is kept in the "
                         "definition too.")
                     : _("The card keeps its MAC address and model; the machine is on the new network from its "
                         "next start."));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "move", _("_Move"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "move", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "move", FALSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  label = gtk_label_new (_("Reading the machine's definition…"));
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_name (label, "map-move-command");
  /* The line carries the card's whole element: room for it from the
   * start, so the dialog does not grow under the pointer. */
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 220);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scroller);

  data = g_new0 (MoveData, 1);
  data->self = g_object_ref (self);
  data->domain = g_object_ref (domain);
  data->command = GTK_LABEL (label);
  data->mac = g_strdup (nic->mac);
  data->network = g_strdup (network);
  data->flags = VIREO_APPLY_CONFIG | (vireo_domain_get_active (domain) ? VIREO_APPLY_LIVE : 0);
  g_object_set_data_full (G_OBJECT (dialog), "vireo-move", data, (GDestroyNotify) move_data_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_move_response), data);

  vireo_domain_read_xml_async (domain, TRUE, NULL, on_definition_read, g_object_ref (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/* ------------------------------------------------------------------------ */
/* Toolbar                                                                   */

static void
on_search_changed (VireoNetworkMapPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint n = vireo_network_map_view_set_search (self->view, text);
  g_autofree char *label = NULL;

  if (*text != '\0')
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u match", "%u matches", n), n);
  gtk_label_set_text (self->match_label, label != NULL ? label : "");
}

static void
on_search_activate (VireoNetworkMapPage *self)
{
  VireoNetMap *map = vireo_network_map_view_get_map (self->view);
  g_autoptr(GPtrArray) found = NULL;

  if (map == NULL)
    return;
  found = vireo_net_map_find (map, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  if (found->len > 0)
    {
      vireo_network_map_view_select (self->view, ((VireoMapNode *) g_ptr_array_index (found, 0))->id);
      gtk_widget_grab_focus (GTK_WIDGET (self->view));
    }
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  vireo_network_map_view_zoom_by (VIREO_NETWORK_MAP_PAGE (widget)->view, 1.25);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  vireo_network_map_view_zoom_by (VIREO_NETWORK_MAP_PAGE (widget)->view, 0.8);
}

static void
fit_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  vireo_network_map_view_fit (VIREO_NETWORK_MAP_PAGE (widget)->view);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  vireo_network_map_page_reload (VIREO_NETWORK_MAP_PAGE (widget));
}

static void
on_export_response (GtkNativeDialog *chooser,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(VireoNetworkMapPage) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  VireoMapExportFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "vireo-format"));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (file == NULL || (path = g_file_get_path (file)) == NULL || self->panel == NULL)
    return;
  if (!vireo_network_map_view_export (self->view, path, format, &error))
    show_error (self, _("The map was not saved"), error->message);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoNetworkMapPage *self = VIREO_NETWORK_MAP_PAGE (widget);
  gboolean svg = g_str_equal (g_variant_get_string (parameter, NULL), "svg");
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  g_autofree char *display = vireo_connection_dup_display_name (self->connection);

  if (vireo_network_map_view_get_map (self->view) == NULL)
    return;
  chooser = gtk_file_chooser_native_new (svg ? _("Export the Map as SVG") : _("Export the Map as PNG"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  /* Translators: a file name; %s is the connection's name */
  name = g_strdup_printf (_("network-map-%s.%s"), display != NULL ? display : "host", svg ? "svg" : "png");
  g_strdelimit (name, "/:", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "vireo-format",
                     GINT_TO_POINTER (svg ? VIREO_MAP_EXPORT_SVG : VIREO_MAP_EXPORT_PNG));
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *action)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkWidget *
build_toolbar (VireoNetworkMapPage *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *export = gtk_menu_button_new ();
  g_autoptr(GMenu) menu = g_menu_new ();

  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_top (bar, 6);
  gtk_widget_set_margin_bottom (bar, 6);

  self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search_entry, "placeholder-text", _("Find a machine, network, MAC or address"), NULL);
  gtk_widget_set_size_request (GTK_WIDGET (self->search_entry), 300, -1);
  gtk_widget_set_name (GTK_WIDGET (self->search_entry), "map-search");
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "activate", G_CALLBACK (on_search_activate), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->search_entry));
  self->match_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->match_label), "dim-label");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->match_label));

  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (bar), spacer);
  gtk_box_append (GTK_BOX (bar), icon_button ("view-refresh-symbolic", _("Read the map again"), "map.refresh"));
  gtk_box_append (GTK_BOX (bar), icon_button ("zoom-out-symbolic", _("Zoom out"), "map.zoom-out"));
  gtk_box_append (GTK_BOX (bar), icon_button ("zoom-in-symbolic", _("Zoom in"), "map.zoom-in"));
  gtk_box_append (GTK_BOX (bar), icon_button ("zoom-fit-best-symbolic", _("Show the whole map"), "map.fit"));

  g_menu_append (menu, _("Export as _PNG…"), "map.export::png");
  g_menu_append (menu, _("Export as _SVG…"), "map.export::svg");
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (export), "document-save-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (export), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (export, _("Export the map"));
  gtk_box_append (GTK_BOX (bar), export);
  return bar;
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                                */

static void
vireo_network_map_page_map (GtkWidget *widget)
{
  VireoNetworkMapPage *self = VIREO_NETWORK_MAP_PAGE (widget);

  GTK_WIDGET_CLASS (vireo_network_map_page_parent_class)->map (widget);
  /* A host with hundreds of machines makes the map a long read: only
   * once someone looks, and leases only while they do. */
  if (!self->wanted)
    {
      self->wanted = TRUE;
      vireo_network_map_page_reload (self);
    }
  else
    queue_reload (self);
  if (self->poll_source == 0)
    self->poll_source = g_timeout_add_seconds (LEASE_POLL_SECONDS, poll_cb, self);
}

static void
vireo_network_map_page_unmap (GtkWidget *widget)
{
  VireoNetworkMapPage *self = VIREO_NETWORK_MAP_PAGE (widget);

  g_clear_handle_id (&self->poll_source, g_source_remove);
  GTK_WIDGET_CLASS (vireo_network_map_page_parent_class)->unmap (widget);
}

static void
vireo_network_map_page_constructed (GObject *object)
{
  VireoNetworkMapPage *self = VIREO_NETWORK_MAP_PAGE (object);

  G_OBJECT_CLASS (vireo_network_map_page_parent_class)->constructed (object);

  self->domains = vireo_connection_list_domains (self->connection);
  g_signal_connect_object (self->connection, "network-changed", G_CALLBACK (queue_reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "domain-state-changed", G_CALLBACK (queue_reload), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "domain-devices-changed", G_CALLBACK (queue_reload), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::state", G_CALLBACK (on_connection_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->domains, "items-changed", G_CALLBACK (on_domains_changed), self,
                           G_CONNECT_SWAPPED);
}

static void
vireo_network_map_page_dispose (GObject *object)
{
  VireoNetworkMapPage *self = VIREO_NETWORK_MAP_PAGE (object);
  GtkWidget *child;

  vireo_reload_stop (&self->reload);
  g_cancellable_cancel (self->poll_cancellable);
  g_clear_object (&self->poll_cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  /* The connection outlives the page: no event may reach a disposed one. */
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  if (self->domains != NULL)
    g_signal_handlers_disconnect_by_data (self->domains, self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->panel = NULL;
  g_clear_object (&self->domains);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (vireo_network_map_page_parent_class)->dispose (object);
}

static void
vireo_network_map_page_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  VireoNetworkMapPage *self = VIREO_NETWORK_MAP_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_network_map_page_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  VireoNetworkMapPage *self = VIREO_NETWORK_MAP_PAGE (object);

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
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (VIREO_NETWORK_MAP_PAGE (widget)->search_entry));
}

static void
vireo_network_map_page_class_init (VireoNetworkMapPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vireo_network_map_page_constructed;
  object_class->dispose = vireo_network_map_page_dispose;
  object_class->get_property = vireo_network_map_page_get_property;
  object_class->set_property = vireo_network_map_page_set_property;
  widget_class->map = vireo_network_map_page_map;
  widget_class->unmap = vireo_network_map_page_unmap;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, VIREO_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "map.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "map.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "map.fit", NULL, fit_action);
  gtk_widget_class_install_action (widget_class, "map.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "map.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "map.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "map.search", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
vireo_network_map_page_init (VireoNetworkMapPage *self)
{
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *loading = adw_status_page_new ();
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_box_append (GTK_BOX (outer), build_toolbar (self));
  gtk_box_append (GTK_BOX (outer), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->view_stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->view_stack), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->view_stack), TRUE);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_size_request (spinner, 32, 32);
  adw_status_page_set_title (ADW_STATUS_PAGE (loading), _("Reading the network map…"));
  adw_status_page_set_child (ADW_STATUS_PAGE (loading), spinner);
  gtk_stack_add_named (self->view_stack, loading, "loading");
  self->view = VIREO_NETWORK_MAP_VIEW (vireo_network_map_view_new ());
  gtk_stack_add_named (self->view_stack, GTK_WIDGET (self->view), "map");
  self->status_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->status_page, "dialog-warning-symbolic");
  gtk_stack_add_named (self->view_stack, GTK_WIDGET (self->status_page), "status");
  gtk_stack_set_visible_child_name (self->view_stack, "loading");
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->view_stack));
  gtk_box_append (GTK_BOX (body), gtk_separator_new (GTK_ORIENTATION_VERTICAL));

  self->panel = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 10));
  gtk_widget_set_name (GTK_WIDGET (self->panel), "map-panel");
  gtk_widget_set_margin_start (GTK_WIDGET (self->panel), 14);
  gtk_widget_set_margin_end (GTK_WIDGET (self->panel), 14);
  gtk_widget_set_margin_top (GTK_WIDGET (self->panel), 14);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->panel), 14);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->panel));
  /* A fixed width: long explanations wrap instead of squeezing the map. */
  gtk_widget_set_size_request (scroller, 340, -1);
  gtk_widget_set_hexpand (scroller, FALSE);
  gtk_box_append (GTK_BOX (body), scroller);
  gtk_box_append (GTK_BOX (outer), body);
  gtk_widget_set_parent (outer, GTK_WIDGET (self));

  g_signal_connect_object (self->view, "selection-changed", G_CALLBACK (update_panel), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "node-activated", G_CALLBACK (on_node_activated), self, G_CONNECT_SWAPPED);
  update_panel (self);
}

GtkWidget *
vireo_network_map_page_new (VireoConnection *connection)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);
  return g_object_new (VIREO_TYPE_NETWORK_MAP_PAGE, "connection", connection, NULL);
}
