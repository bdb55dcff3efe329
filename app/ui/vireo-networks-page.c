/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-networks-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-command.h"
#include "vireo-network-config.h"
#include "vireo-network-dialog.h"
#include "vireo-network-ops.h"
#include "vireo-networks-page.h"
#include "vireo-page-util.h"
#include "vireo-virt-error.h"
#include "vireo-xml-editor.h"

/*
 * Host Details › Networks: every virtual network of one connection, what it
 * is (mode in plain words, bridge, subnets, DHCP), which machines use it and
 * who holds a lease, with the actions `virsh net-*` has. The list is read
 * in one worker call (each network's XML and the machines on it) and read
 * again on the connection's network events, so a network started from a
 * shell shows up as started. The selection is kept by name across reloads.
 */
struct _VireoNetworksPage
{
  GtkWidget             parent_instance;

  /* Owned */
  VireoConnection      *connection;
  VireoReload           reload;             /* the list read */
  GCancellable         *leases_cancellable;
  GPtrArray            *networks;           /* (element-type VireoNetworkDetails) */
  char                 *selected;           /* name */
  guint                 reload_source;
  guint                 loading : 1;
  guint                 wanted : 1;         /* shown once: reads and follows events from then on */
  guint                 updating : 1;       /* setting widgets, not the user */

  /* Template widgets */
  GtkListBox           *list_box;
  GtkWidget            *list_command_button;
  GtkStack             *details_stack;
  AdwStatusPage        *empty_page;
  AdwPreferencesPage   *details_page;
  AdwPreferencesGroup  *overview_group;
  GtkWidget            *start_button;
  GtkWidget            *stop_button;
  GtkWidget            *command_button;
  AdwActionRow         *mode_row;
  GtkLabel             *mode_label;
  GtkLabel             *state_label;
  GtkWidget            *autostart_row;
  GtkSwitch            *autostart_switch;
  GtkWidget            *bridge_row;
  GtkLabel             *bridge_label;
  GtkWidget            *forward_row;
  GtkLabel             *forward_label;
  GtkWidget            *domain_row;
  GtkLabel             *domain_label;
  GtkWidget            *ipv4_group;
  GtkLabel             *ipv4_network_label;
  GtkLabel             *ipv4_dhcp_label;
  GtkWidget            *ipv6_group;
  GtkLabel             *ipv6_network_label;
  GtkLabel             *ipv6_dhcp_label;
  AdwPreferencesGroup  *machines_group;
  GtkListBox           *machines_list;
  GtkWidget            *leases_group;
  GtkWidget            *leases_command_button;
  GtkStack             *leases_stack;
  GtkLabel             *leases_empty_label;
  GtkGrid              *leases_grid;
  GtkWidget            *hosts_group;
  GtkListBox           *hosts_list;
  GtkWidget            *dns_group;
  GtkListBox           *dns_list;
  GtkRevealer          *restart_revealer;

  GHashTable           *edited;             /* names saved while running: the change waits for a restart */
};

G_DEFINE_FINAL_TYPE (VireoNetworksPage, vireo_networks_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload_leases (VireoNetworksPage *self);

/* ------------------------------------------------------------------------ */

static VireoNetworkDetails *
find_network (VireoNetworksPage *self,
              const char        *name)
{
  if (self->networks == NULL || name == NULL)
    return NULL;
  for (guint i = 0; i < self->networks->len; i++)
    {
      VireoNetworkDetails *details = g_ptr_array_index (self->networks, i);

      if (g_strcmp0 (details->name, name) == 0)
        return details;
    }
  return NULL;
}

static VireoNetworkDetails *
selected_network (VireoNetworksPage *self)
{
  return find_network (self, self->selected);
}

/* The configuration a network runs with: its live XML while active (a
 * live update may not be in the definition), else its definition. */
static VireoNetworkConfig *
parse_config (const VireoNetworkDetails *details)
{
  g_autoptr(GError) error = NULL;
  const char *xml = details->live_xml != NULL ? details->live_xml : details->xml;
  VireoNetworkConfig *config = vireo_network_config_new_from_xml (xml, &error);

  if (config == NULL)
    g_warning ("Could not read network %s: %s", details->name, error->message);
  return config;
}

/* "192.168.122.0/24": the subnet, host bits cleared, from the host's
 * address and the prefix. */
static char *
format_subnet (const VireoNetworkIp *ip)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GInetAddress) network = NULL;
  g_autofree char *text = NULL;
  guint8 bytes[16];
  gsize size;

  if (ip == NULL || ip->address == NULL || (address = g_inet_address_new_from_string (ip->address)) == NULL)
    return NULL;
  size = g_inet_address_get_native_size (address);
  if (ip->prefix > size * 8)
    return g_strdup_printf ("%s/%u", ip->address, ip->prefix);
  memcpy (bytes, g_inet_address_to_bytes (address), size);
  for (gsize i = 0; i < size; i++)
    {
      guint keep = ip->prefix > i * 8 ? MIN (ip->prefix - i * 8, 8u) : 0;

      bytes[i] &= (guint8) (0xff00u >> keep);
    }
  network = g_inet_address_new_from_bytes (bytes, g_inet_address_get_family (address));
  text = g_inet_address_to_string (network);
  return g_strdup_printf ("%s/%u", text, ip->prefix);
}

static char *
format_range (const VireoNetworkIp *ip)
{
  if (ip == NULL || ip->dhcp_start == NULL || ip->dhcp_end == NULL)
    return NULL;
  /* Translators: a DHCP address range, "192.168.122.2 – 192.168.122.254" */
  return g_strdup_printf (_("%s – %s"), ip->dhcp_start, ip->dhcp_end);
}

static char *
row_subtitle (const VireoNetworkDetails *details)
{
  g_autoptr(VireoNetworkConfig) config = parse_config (details);
  g_autoptr(VireoNetworkIp) ip4 = NULL;
  g_autofree char *subnet = NULL;

  if (config == NULL)
    return g_strdup ("");
  ip4 = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
  subnet = format_subnet (ip4);
  if (subnet == NULL)
    return g_strdup (vireo_network_mode_get_label (vireo_network_config_get_mode (config)));
  /* Translators: a network's mode and subnet in the list, "NAT · 192.168.122.0/24" */
  return g_strdup_printf (_("%s · %s"), vireo_network_mode_get_label (vireo_network_config_get_mode (config)), subnet);
}

static void
set_command (VireoNetworksPage *self,
             GtkWidget         *button,
             const char        *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *markup = NULL;

  if (strchr (text, '\n') != NULL)
    markup = g_strdup_printf ("<tt>%s</tt>\n%s", escaped, _("Click to copy these commands"));
  else
    markup = g_strdup_printf ("<tt>%s</tt>\n%s", escaped, _("Click to copy this command"));
  gtk_widget_set_tooltip_markup (button, markup);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (text));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "host.copy-command");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy the equivalent virsh command"),
                                  -1);
}

static char *
commands_for (VireoNetworksPage   *self,
              const char          *name,
              const VireoNetworkCommand *commands,
              guint                n_commands)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *uri = vireo_connection_get_uri (self->connection);

  for (guint i = 0; i < n_commands; i++)
    {
      g_autofree char *line = vireo_command_for_network (uri, commands[i], name);

      g_string_append_printf (text, "%s%s", i ? "\n" : "", line);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ------------------------------------------------------------------------ */
/* Details                                                                   */

static void
set_label (GtkLabel   *label,
           GtkWidget  *row,
           const char *text)
{
  gtk_label_set_text (label, text != NULL && *text != '\0' ? text : "—");
  if (row != NULL)
    gtk_widget_set_visible (row, text != NULL && *text != '\0');
}

static void
update_ip_group (GtkWidget               *group,
                 GtkLabel                *network_label,
                 GtkLabel                *dhcp_label,
                 const VireoNetworkIp    *ip)
{
  g_autofree char *subnet = format_subnet (ip);
  g_autofree char *range = format_range (ip);

  gtk_widget_set_visible (group, subnet != NULL);
  if (subnet == NULL)
    return;
  /* The host's own address on the network is what guests use as their
   * gateway: show it beside the subnet. */
  if (ip->address != NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: a subnet and the host's address on it, "192.168.122.0/24, host 192.168.122.1" */
      text = g_strdup_printf (_("%s, host %s"), subnet, ip->address);
      gtk_label_set_text (network_label, text);
    }
  gtk_label_set_text (dhcp_label, range != NULL ? range : _("Off"));
}

static void
update_machines (VireoNetworksPage         *self,
                 const VireoNetworkDetails *details)
{
  vireo_list_box_clear (self->machines_list);
  if (details->domains == NULL || details->domains->len == 0)
    {
      adw_preferences_group_set_description (self->machines_group, _("No virtual machine has a network card on this network."));
      gtk_widget_set_visible (GTK_WIDGET (self->machines_list), FALSE);
      return;
    }
  adw_preferences_group_set_description (self->machines_group, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->machines_list), TRUE);
  for (guint i = 0; i < details->domains->len; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (details->domains, i));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("computer-symbolic"));
      gtk_list_box_append (self->machines_list, row);
    }
}

static void
update_hosts (VireoNetworksPage         *self,
              const VireoNetworkDetails *details,
              const VireoNetworkIp      *ip4)
{
  vireo_list_box_clear (self->hosts_list);
  /* Static entries belong to libvirt's DHCP server, which needs a range. */
  gtk_widget_set_visible (self->hosts_group, ip4 != NULL && ip4->dhcp_start != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->hosts_list), ip4 != NULL && ip4->hosts != NULL && ip4->hosts->len > 0);
  for (guint i = 0; ip4 != NULL && ip4->hosts != NULL && i < ip4->hosts->len; i++)
    {
      VireoNetworkDhcpHost *host = g_ptr_array_index (ip4->hosts, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *title = NULL;
      g_autofree char *mac = host->mac ? g_ascii_strdown (host->mac, -1) : NULL;
      const char *owner = mac && details->mac_owners ? g_hash_table_lookup (details->mac_owners, mac) : NULL;
      g_autofree char *subtitle = NULL;

      /* Translators: a static DHCP entry, "192.168.122.10 — web" */
      title = host->name ? g_strdup_printf (_("%s — %s"), host->ip ? host->ip : "—", host->name)
                         : g_strdup (host->ip ? host->ip : "—");
      /* Translators: the card a static DHCP entry is for, and its machine */
      subtitle = owner ? g_strdup_printf (_("%s (%s)"), host->mac ? host->mac : "", owner)
                       : g_strdup (host->mac ? host->mac : "");
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove"));
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (remove), g_variant_new_string (host->mac ? host->mac
                                                                                                        : ""));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "networks.remove-host");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_widget_set_name (row, host->mac ? host->mac : "");
      gtk_list_box_append (self->hosts_list, row);
    }
}

static void
update_dns_hosts (VireoNetworksPage  *self,
                  VireoNetworkConfig *config,
                  gboolean            has_ip)
{
  g_autoptr(GPtrArray) hosts = vireo_network_config_dup_dns_hosts (config);

  vireo_list_box_clear (self->dns_list);
  /* libvirt's DNS server runs where libvirt has an address on the network. */
  gtk_widget_set_visible (self->dns_group, has_ip);
  gtk_widget_set_visible (GTK_WIDGET (self->dns_list), hosts != NULL && hosts->len > 0);
  for (guint i = 0; hosts != NULL && i < hosts->len; i++)
    {
      VireoNetworkDnsHost *host = g_ptr_array_index (hosts, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *names = host->hostnames ? g_strjoinv (", ", host->hostnames) : g_strdup ("");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), names);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), host->ip);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove"));
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (remove), g_variant_new_string (host->ip));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "networks.remove-dns-host");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_widget_set_name (row, host->ip);
      gtk_list_box_append (self->dns_list, row);
    }
}

static void
update_details (VireoNetworksPage *self)
{
  VireoNetworkDetails *details = selected_network (self);
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autoptr(VireoNetworkIp) ip4 = NULL;
  g_autoptr(VireoNetworkIp) ip6 = NULL;
  g_autofree char *forward = NULL;
  g_autofree char *bridge = NULL;
  g_autofree char *dns_domain = NULL;
  g_autofree char *command = NULL;
  VireoNetworkMode mode;
  gboolean connected = vireo_connection_get_state (self->connection) == VIREO_CONNECTION_STATE_CONNECTED;
  static const VireoNetworkCommand start_cmds[] = { VIREO_NETWORK_COMMAND_START };
  static const VireoNetworkCommand stop_cmds[] = { VIREO_NETWORK_COMMAND_STOP };
  static const VireoNetworkCommand info_cmds[] = { VIREO_NETWORK_COMMAND_DUMPXML };

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.start", connected && details && !details->active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.stop", connected && details && details->active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.restart", connected && details && details->active &&
                                 details->persistent);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.delete", connected && details != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.refresh-leases", connected && details && details->active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.add-host", connected && details != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.remove-host", connected && details != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.add-dns-host", connected && details != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.remove-dns-host", connected && details != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.edit-xml", connected && details != NULL &&
                                 details->persistent);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "networks.edit", connected && details != NULL &&
                                 details->persistent);

  if (details == NULL || (config = parse_config (details)) == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "empty");
      adw_status_page_set_title (self->empty_page,
                                 self->networks != NULL && self->networks->len == 0
                                   ? _("No Virtual Networks") : _("No Network Selected"));
      return;
    }
  gtk_stack_set_visible_child_name (self->details_stack, "details");

  self->updating = TRUE;

  mode = vireo_network_config_get_mode (config);
  adw_preferences_group_set_title (self->overview_group, details->name);
  gtk_label_set_text (self->mode_label, vireo_network_mode_get_label (mode));
  adw_action_row_set_subtitle (self->mode_row, vireo_network_mode_get_description (mode));
  gtk_label_set_text (self->state_label,
                      details->active
                        ? (details->persistent ? _("Active") : _("Active, transient (gone when stopped)"))
                        : _("Inactive"));
  gtk_widget_set_visible (self->start_button, !details->active);
  gtk_widget_set_visible (self->stop_button, details->active);

  gtk_widget_set_sensitive (self->autostart_row, connected && details->persistent);
  gtk_switch_set_active (self->autostart_switch, details->autostart);

  bridge = vireo_network_config_dup_bridge_name (config);
  set_label (self->bridge_label, self->bridge_row, bridge);
  switch (mode)
    {
    case VIREO_NETWORK_MODE_NAT:
    case VIREO_NETWORK_MODE_ROUTE:
    case VIREO_NETWORK_MODE_OPEN:
      forward = vireo_network_config_dup_forward_dev (config);
      if (forward == NULL)
        forward = g_strdup (_("Any host interface"));
      break;
    case VIREO_NETWORK_MODE_MACVTAP:
    case VIREO_NETWORK_MODE_HOSTDEV:
      {
        g_auto(GStrv) devs = vireo_network_config_dup_interfaces (config);

        if (devs != NULL && devs[0] != NULL)
          forward = g_strjoinv (", ", devs);
      }
      break;
    case VIREO_NETWORK_MODE_ISOLATED:
    case VIREO_NETWORK_MODE_BRIDGE:
    default:
      break;
    }
  set_label (self->forward_label, self->forward_row, forward);
  dns_domain = vireo_network_config_dup_domain_name (config, NULL);
  set_label (self->domain_label, self->domain_row, dns_domain);

  ip4 = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
  ip6 = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV6);
  update_ip_group (self->ipv4_group, self->ipv4_network_label, self->ipv4_dhcp_label, ip4);
  update_ip_group (self->ipv6_group, self->ipv6_network_label, self->ipv6_dhcp_label, ip6);

  update_machines (self, details);
  update_hosts (self, details, ip4);
  update_dns_hosts (self, config, ip4 != NULL || ip6 != NULL);
  gtk_revealer_set_reveal_child (self->restart_revealer,
                                 details->active && g_hash_table_contains (self->edited, details->name));

  command = commands_for (self, details->name, details->active ? stop_cmds : start_cmds, 1);
  set_command (self, self->command_button, command);
  g_free (command);
  command = commands_for (self, details->name, info_cmds, G_N_ELEMENTS (info_cmds));
  set_command (self, self->list_command_button, command);
  g_free (command);
  {
    static const VireoNetworkCommand leases_cmds[] = { VIREO_NETWORK_COMMAND_DHCP_LEASES };

    command = commands_for (self, details->name, leases_cmds, 1);
    set_command (self, self->leases_command_button, command);
  }

  /* Leases exist only where libvirt's dnsmasq hands out addresses. */
  gtk_widget_set_visible (self->leases_group, ip4 != NULL || ip6 != NULL);
  self->updating = FALSE;

  reload_leases (self);
}

/* ------------------------------------------------------------------------ */
/* Leases                                                                    */

static GtkWidget *
cell (const char *text,
      gboolean    header)
{
  GtkWidget *label = gtk_label_new (text != NULL && *text != '\0' ? text : "—");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), !header);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, header ? "heading" : "vireo-numeric");
  return label;
}

static char *
format_expiry (gint64 expiry)
{
  g_autoptr(GDateTime) when = NULL;

  if (expiry <= 0)
    return g_strdup (_("Never"));
  when = g_date_time_new_from_unix_local (expiry);
  if (when == NULL)
    return NULL;
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();

    /* Leases last an hour by default: the time is what matters. */
    if (g_date_time_get_year (now) == g_date_time_get_year (when) &&
        g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (when))
      return g_date_time_format (when, "%X");
  }
  return g_date_time_format (when, "%x %X");
}

static void
show_leases (VireoNetworksPage *self,
             GPtrArray         *leases)
{
  GtkWidget *child;
  static const char *headers[] = {
    N_("IP Address"), N_("MAC Address"), N_("Machine"), N_("Hostname"), N_("Expires"),
  };
  VireoNetworkDetails *details = selected_network (self);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->leases_grid))) != NULL)
    gtk_grid_remove (self->leases_grid, child);

  if (leases == NULL || leases->len == 0)
    {
      gtk_stack_set_visible_child_name (self->leases_stack, "none");
      return;
    }
  gtk_stack_set_visible_child_name (self->leases_stack, "table");

  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    gtk_grid_attach (self->leases_grid, cell (_(headers[c]), TRUE), c, 0, 1, 1);
  for (guint i = 0; i < leases->len; i++)
    {
      VireoNetworkLease *lease = g_ptr_array_index (leases, i);
      g_autofree char *address = NULL;
      g_autofree char *expiry = format_expiry (lease->expiry);

      address = lease->prefix > 0 ? g_strdup_printf ("%s/%u", lease->ipaddr, lease->prefix)
                                  : g_strdup (lease->ipaddr);
      {
        GtkWidget *address_cell = cell (address, FALSE);

        gtk_label_set_ellipsize (GTK_LABEL (address_cell), PANGO_ELLIPSIZE_NONE);
        gtk_grid_attach (self->leases_grid, address_cell, 0, i + 1, 1, 1);
      }
      g_autofree char *mac = lease->mac ? g_ascii_strdown (lease->mac, -1) : NULL;
      /* The lease's MAC is the link to the machine: a guest's hostname is
       * whatever its DHCP client sends. */
      const char *owner = mac && details && details->mac_owners ? g_hash_table_lookup (details->mac_owners, mac)
                                                               : NULL;

      GtkWidget *mac_cell = cell (lease->mac, FALSE);

      /* Addresses are never cut short; the client ID (long, rarely needed)
       * is the MAC's tooltip. */
      gtk_label_set_ellipsize (GTK_LABEL (mac_cell), PANGO_ELLIPSIZE_NONE);
      if (lease->clientid != NULL)
        {
          g_autofree char *tip = g_strdup_printf (_("Client ID: %s"), lease->clientid);

          gtk_widget_set_tooltip_text (mac_cell, tip);
        }
      gtk_grid_attach (self->leases_grid, mac_cell, 1, i + 1, 1, 1);
      gtk_grid_attach (self->leases_grid, cell (owner, FALSE), 2, i + 1, 1, 1);
      gtk_grid_attach (self->leases_grid, cell (lease->hostname, FALSE), 3, i + 1, 1, 1);
      gtk_grid_attach (self->leases_grid, cell (expiry, FALSE), 4, i + 1, 1, 1);
    }
}

static void
on_leases_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VireoNetworksPage) self = user_data;
  g_autoptr(GPtrArray) leases = NULL;
  g_autoptr(GError) error = NULL;

  leases = vireo_connection_list_network_leases_finish (VIREO_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      gtk_label_set_text (self->leases_empty_label, error->message);
      show_leases (self, NULL);
      return;
    }
  gtk_label_set_text (self->leases_empty_label, _("No machine holds a lease on this network."));
  show_leases (self, leases);
}

static void
reload_leases (VireoNetworksPage *self)
{
  VireoNetworkDetails *details = selected_network (self);

  g_cancellable_cancel (self->leases_cancellable);
  g_clear_object (&self->leases_cancellable);

  if (details == NULL || !details->active ||
      vireo_connection_get_state (self->connection) != VIREO_CONNECTION_STATE_CONNECTED)
    {
      gtk_label_set_text (self->leases_empty_label,
                          details != NULL && !details->active
                            ? _("Leases are handed out while the network is active.")
                            : _("No machine holds a lease on this network."));
      show_leases (self, NULL);
      return;
    }
  self->leases_cancellable = g_cancellable_new ();
  vireo_connection_list_network_leases_async (self->connection, details->name, self->leases_cancellable,
                                              on_leases_listed, g_object_ref (self));
}

/* ------------------------------------------------------------------------ */
/* The list                                                                  */

static GtkWidget *
make_row (const VireoNetworkDetails *details)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = row_subtitle (details);
  GtkWidget *icon = gtk_image_new_from_icon_name ("network-workgroup-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), details->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  if (!details->active)
    {
      GtkWidget *state = gtk_label_new (_("Inactive"));

      gtk_widget_add_css_class (state, "dim-label");
      gtk_widget_add_css_class (state, "caption");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
      gtk_widget_add_css_class (icon, "dim-label");
    }
  g_object_set_data_full (G_OBJECT (row), "vireo-network", g_strdup (details->name), g_free);
  gtk_widget_set_name (row, details->name);
  return row;
}

static void
rebuild_list (VireoNetworksPage *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  for (guint i = 0; self->networks != NULL && i < self->networks->len; i++)
    g_ptr_array_add (rows, make_row (g_ptr_array_index (self->networks, i)));
  self->updating = TRUE;
  vireo_list_box_refill (self->list_box, rows, &self->selected);
  self->updating = FALSE;
  update_details (self);
}

static void
set_loading (VireoNetworksPage *self,
             gboolean           loading)
{
  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoNetworksPage) self = user_data;
  g_autoptr(GPtrArray) networks = NULL;
  g_autoptr(GError) error = NULL;

  networks = vireo_connection_list_network_details_finish (VIREO_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      /* Keep what was on screen: a dropped connection is said by the
       * window's banner. */
      if (!g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED))
        g_warning ("Could not list networks: %s", error->message);
    }
  else
    {
      g_clear_pointer (&self->networks, g_ptr_array_unref);
      self->networks = g_steal_pointer (&networks);
      rebuild_list (self);
    }

  if (vireo_reload_finish (&self->reload))
    {
      vireo_networks_page_reload (self);
      return;
    }
  set_loading (self, FALSE);
}

/**
 * vireo_networks_page_reload:
 *
 * Reads the networks again. A reload asked for while one runs starts when
 * it ends, so the last state wins and a burst of events is two reads.
 */
void
vireo_networks_page_reload (VireoNetworksPage *self)
{
  GCancellable *cancellable;

  g_return_if_fail (VIREO_IS_NETWORKS_PAGE (self));

  if (self->reload.cancellable != NULL)
    {
      vireo_reload_start (&self->reload);
      return;
    }
  if (vireo_connection_get_state (self->connection) != VIREO_CONNECTION_STATE_CONNECTED)
    {
      update_details (self);
      return;
    }
  set_loading (self, TRUE);
  cancellable = vireo_reload_start (&self->reload);
  vireo_connection_list_network_details_async (self->connection, cancellable, on_listed, g_object_ref (self));
}

static gboolean
reload_cb (gpointer user_data)
{
  VireoNetworksPage *self = user_data;

  self->reload_source = 0;
  vireo_networks_page_reload (self);
  return G_SOURCE_REMOVE;
}

/* Events come in bursts (define, then start): one read for the burst. */
static void
queue_reload (VireoNetworksPage *self)
{
  if (!self->wanted)
    return;
  if (self->reload_source == 0)
    self->reload_source = g_timeout_add (100, reload_cb, self);
}

static void
on_row_selected (VireoNetworksPage *self,
                 GtkListBoxRow     *row)
{
  /* Rows are removed, and selections change, while the page is disposed. */
  if (self->details_stack == NULL)
    return;
  if (self->updating)
    return;
  g_free (self->selected);
  self->selected = row ? g_strdup (gtk_widget_get_name (GTK_WIDGET (row))) : NULL;
  update_details (self);
}

/* ------------------------------------------------------------------------ */
/* Actions                                                                   */

typedef struct
{
  VireoNetworksPage  *self;
  char               *name;
  VireoNetworkAction  action;
} ActionData;

static void
action_data_free (ActionData *data)
{
  g_object_unref (data->self);
  g_free (data->name);
  g_free (data);
}

static void
show_error (VireoNetworksPage *self,
            const char        *heading,
            const char        *message,
            const char        *hint)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *body = hint ? g_strdup_printf ("%s\n\n%s", message, hint) : g_strdup (message);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_action_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ActionData *data = user_data;
  VireoNetworksPage *self = data->self;
  g_autoptr(GError) error = NULL;

  if (!vireo_connection_network_action_finish (VIREO_CONNECTION (source), result, &error))
    {
      g_autofree char *heading = NULL;
      g_autofree char *hint = NULL;

      switch (data->action)
        {
        case VIREO_NETWORK_ACTION_START:
        case VIREO_NETWORK_ACTION_RESTART:
          /* Translators: %s is a network's name */
          heading = g_strdup_printf (_("Could Not Start “%s”"), data->name);
          hint = vireo_network_explain_start_error (error->message);
          break;
        case VIREO_NETWORK_ACTION_STOP:
          heading = g_strdup_printf (_("Could Not Stop “%s”"), data->name);
          break;
        case VIREO_NETWORK_ACTION_UNDEFINE:
          heading = g_strdup_printf (_("Could Not Delete “%s”"), data->name);
          break;
        case VIREO_NETWORK_ACTION_AUTOSTART_ON:
        case VIREO_NETWORK_ACTION_AUTOSTART_OFF:
        default:
          heading = g_strdup_printf (_("Could Not Change “%s”"), data->name);
          break;
        }
      show_error (self, heading, error->message, hint);
    }
  else if (data->action == VIREO_NETWORK_ACTION_STOP || data->action == VIREO_NETWORK_ACTION_RESTART ||
           data->action == VIREO_NETWORK_ACTION_UNDEFINE)
    g_hash_table_remove (self->edited, data->name);
  /* Events will say it too; a driver without them (test:///) must not
   * leave the page stale. */
  queue_reload (self);
  action_data_free (data);
}

static void
run_action (VireoNetworksPage  *self,
            const char         *name,
            VireoNetworkAction  action)
{
  ActionData *data = g_new0 (ActionData, 1);

  data->self = g_object_ref (self);
  data->name = g_strdup (name);
  data->action = action;
  vireo_connection_network_action_async (self->connection, name, action, NULL, on_action_done, data);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (widget);

  if (self->selected != NULL)
    run_action (self, self->selected, VIREO_NETWORK_ACTION_START);
}

static void
on_stop_response (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (user_data);
  const char *name = g_object_get_data (G_OBJECT (dialog), "vireo-network");
  VireoNetworkAction action = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "vireo-action"));

  if (g_strcmp0 (response, "confirm") == 0)
    run_action (self, name, action);
}

/* Stopping a network takes every running guest on it off the wire; a
 * restart does too, briefly. Say who, before doing it. */
static void
confirm_disruption (VireoNetworksPage  *self,
                    VireoNetworkAction  action)
{
  VireoNetworkDetails *details = selected_network (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  AdwMessageDialog *dialog;
  gboolean restart = action == VIREO_NETWORK_ACTION_RESTART;

  if (details == NULL)
    return;
  if (details->domains == NULL || details->domains->len == 0)
    {
      if (!details->persistent && !restart)
        ; /* fall through to the question: a transient network is gone for good */
      else
        {
          run_action (self, details->name, action);
          return;
        }
    }

  heading = restart ? g_strdup_printf (_("Restart “%s”?"), details->name)
                    : g_strdup_printf (_("Stop “%s”?"), details->name);
  if (details->domains != NULL && details->domains->len > 0)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (details->domains, NULL);
      names = g_strjoinv (", ", (char **) details->domains->pdata);
      g_ptr_array_remove_index (details->domains, details->domains->len - 1);
      g_string_append_printf (body,
                              restart
                                ? _("Running machines on it lose their connection until it is back and "
                                    "may need to be reconnected: %s.")
                                : _("Running machines on it lose their connection: %s."),
                              names);
    }
  if (!details->persistent && !restart)
    {
      if (body->len > 0)
        g_string_append (body, "\n\n");
      g_string_append (body, _("This network is transient: once stopped, it is gone."));
    }

  {
    static const VireoNetworkCommand stop_cmds[] = { VIREO_NETWORK_COMMAND_STOP };
    static const VireoNetworkCommand restart_cmds[] = { VIREO_NETWORK_COMMAND_STOP, VIREO_NETWORK_COMMAND_START };
    g_autofree char *command = commands_for (self, details->name, restart ? restart_cmds : stop_cmds,
                                             restart ? 2 : 1);

    g_string_append_printf (body, "%s%s\n%s", body->len ? "\n\n" : "", _("The same with virsh:"), command);
  }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body->str));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "confirm", restart ? _("_Restart") : _("S_top"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "confirm", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vireo-network", g_strdup (details->name), g_free);
  g_object_set_data (G_OBJECT (dialog), "vireo-action", GINT_TO_POINTER (action));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_stop_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  confirm_disruption (VIREO_NETWORKS_PAGE (widget), VIREO_NETWORK_ACTION_STOP);
}

static void
restart_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  confirm_disruption (VIREO_NETWORKS_PAGE (widget), VIREO_NETWORK_ACTION_RESTART);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (user_data);
  const char *name = g_object_get_data (G_OBJECT (dialog), "vireo-network");

  if (g_strcmp0 (response, "delete") == 0)
    run_action (self, name, VIREO_NETWORK_ACTION_UNDEFINE);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (widget);
  VireoNetworkDetails *details = selected_network (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  AdwMessageDialog *dialog;

  if (details == NULL)
    return;

  /* Translators: %s is a network's name */
  heading = g_strdup_printf (_("Delete “%s”?"), details->name);
  if (details->active)
    g_string_append (body, _("The network is stopped first. "));
  g_string_append (body, _("Its definition is removed from the host; this cannot be undone."));
  if (details->domains != NULL && details->domains->len > 0)
    {
      g_string_append (body, "\n\n");
      g_string_append (body, ngettext ("This machine has a network card on it and will not start until the card "
                                       "is moved to another network:",
                                       "These machines have network cards on it and will not start until the "
                                       "cards are moved to another network:",
                                       details->domains->len));
      for (guint i = 0; i < details->domains->len; i++)
        g_string_append_printf (body, "\n• %s", (const char *) g_ptr_array_index (details->domains, i));
    }

  {
    static const VireoNetworkCommand active_cmds[] = { VIREO_NETWORK_COMMAND_STOP, VIREO_NETWORK_COMMAND_UNDEFINE };
    static const VireoNetworkCommand cmds[] = { VIREO_NETWORK_COMMAND_UNDEFINE };
    g_autofree char *command = details->active ? commands_for (self, details->name, active_cmds, 2)
                                               : commands_for (self, details->name, cmds, 1);

    g_string_append_printf (body, "\n\n%s\n%s", _("The same with virsh:"), command);
  }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body->str));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vireo-network", g_strdup (details->name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_autostart_changed (VireoNetworksPage *self)
{
  VireoNetworkDetails *details = selected_network (self);
  gboolean on = gtk_switch_get_active (self->autostart_switch);

  if (self->updating || details == NULL || details->autostart == on)
    return;
  details->autostart = on;
  run_action (self, details->name, on ? VIREO_NETWORK_ACTION_AUTOSTART_ON : VIREO_NETWORK_ACTION_AUTOSTART_OFF);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  vireo_networks_page_reload (VIREO_NETWORKS_PAGE (widget));
}

static void
refresh_leases_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  reload_leases (VIREO_NETWORKS_PAGE (widget));
}

static GStrv
other_subnets (VireoNetworksPage *self,
               const char        *except)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; self->networks != NULL && i < self->networks->len; i++)
    {
      VireoNetworkDetails *details = g_ptr_array_index (self->networks, i);
      g_autoptr(VireoNetworkConfig) config = NULL;
      g_auto(GStrv) subnets = NULL;

      if (g_strcmp0 (details->name, except) == 0 || (config = parse_config (details)) == NULL)
        continue;
      subnets = vireo_network_config_dup_subnets (config);
      for (guint j = 0; subnets != NULL && subnets[j] != NULL; j++)
        g_strv_builder_add (builder, subnets[j]);
    }
  return g_strv_builder_end (builder);
}

static void
on_dialog_created (VireoNetworksPage *self,
                   const char        *name)
{
  g_free (self->selected);
  self->selected = g_strdup (name);
  queue_reload (self);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_auto(GStrv) subnets = other_subnets (self, NULL);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) taken = NULL;
  GtkWidget *dialog;

  for (guint i = 0; self->networks != NULL && i < self->networks->len; i++)
    g_strv_builder_add (names, ((VireoNetworkDetails *) g_ptr_array_index (self->networks, i))->name);
  taken = g_strv_builder_end (names);

  dialog = vireo_network_dialog_new (self->connection, (const char * const *) subnets,
                                     (const char * const *) taken);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_dialog_created), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* Static DHCP entries: live through virNetworkUpdate, no restart           */

typedef struct
{
  VireoNetworksPage *self;
  char              *network;
  char              *heading;
} UpdateData;

static void
update_data_free (UpdateData *data)
{
  g_object_unref (data->self);
  g_free (data->network);
  g_free (data->heading);
  g_free (data);
}

static void
on_updated (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  UpdateData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_connection_update_network_finish (VIREO_CONNECTION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (data->self, data->heading, error->message, NULL);
  queue_reload (data->self);
  update_data_free (data);
}

static void
run_host_update (VireoNetworksPage         *self,
                 const VireoNetworkDetails *details,
                 VireoNetworkUpdateCommand  command,
                 const VireoNetworkDhcpHost *host,
                 char                      *heading)
{
  UpdateData *data = g_new0 (UpdateData, 1);
  g_autofree char *xml = vireo_network_dhcp_host_to_xml (host);

  data->self = g_object_ref (self);
  data->network = g_strdup (details->name);
  data->heading = heading;
  /* The running dnsmasq and the definition both, so it holds after a
   * restart too. */
  vireo_connection_update_network_async (self->connection, details->name, VIREO_NETWORK_UPDATE_DHCP_HOST, command,
                                         xml, details->active, details->persistent, NULL, on_updated, data);
}

/* A live-update question: the entries in @box (named @box_name for tests),
 * why it was asked again if it was, what Add does, and its virsh line. */
static void
present_entry_question (VireoNetworksPage *self,
                        const char        *heading,
                        const char        *error,
                        const char        *explanation,
                        const char        *command,
                        GtkWidget         *box,
                        const char        *box_name,
                        GCallback          on_response)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GString) body = g_string_new (NULL);
  AdwMessageDialog *dialog;

  gtk_widget_set_name (box, box_name);
  if (error != NULL)
    g_string_append_printf (body, "%s\n\n", error);
  g_string_append_printf (body, "%s\n\n%s\n%s", explanation, _("The same with virsh:"), command);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body->str));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "add", _("_Add"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "add");
  adw_message_dialog_set_close_response (dialog, "cancel");
  adw_message_dialog_set_extra_child (dialog, box);
  g_signal_connect_object (dialog, "response", on_response, self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void ask_for_host (VireoNetworksPage *self, const char *mac, const char *ip, const char *name,
                          const char *error);

static void
on_host_response (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (user_data);
  VireoNetworkDetails *details = selected_network (self);
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  GtkWidget *mac_entry = gtk_widget_get_first_child (box);
  GtkWidget *ip_entry = gtk_widget_get_next_sibling (mac_entry);
  GtkWidget *name_entry = gtk_widget_get_next_sibling (ip_entry);
  g_autofree char *mac = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (mac_entry))));
  g_autofree char *ip = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (ip_entry))));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (name_entry))));
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autoptr(VireoNetworkIp) ip4 = NULL;
  g_autoptr(VireoNetworkDhcpHost) host = NULL;
  g_auto(GStrv) others = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "add") != 0 || details == NULL)
    return;

  host = vireo_network_dhcp_host_new (*mac ? mac : NULL, *ip ? ip : NULL, *name ? name : NULL);
  /* Checked as part of the whole network: inside the subnet, not the
   * host's own address, no MAC or address twice. */
  config = parse_config (details);
  ip4 = config ? vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4) : NULL;
  if (ip4 == NULL)
    return;
  g_ptr_array_add (ip4->hosts, vireo_network_dhcp_host_copy (host));
  vireo_network_config_set_ip (config, VIREO_NETWORK_FAMILY_IPV4, ip4);
  others = other_subnets (self, details->name);
  if (!vireo_network_config_validate (config, (const char * const *) others, &error))
    {
      /* Asked again with what was typed, and why. */
      ask_for_host (self, mac, ip, name, error->message);
      return;
    }
  run_host_update (self, details, VIREO_NETWORK_UPDATE_ADD, host,
                   g_strdup_printf (_("Could Not Add the Address to “%s”"), details->name));
}

static GtkWidget *
host_entry (const char *placeholder,
            const char *text)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_text (GTK_EDITABLE (entry), text ? text : "");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, placeholder, -1);
  return entry;
}

static void
ask_for_host (VireoNetworksPage *self,
              const char        *mac,
              const char        *ip,
              const char        *name,
              const char        *error)
{
  VireoNetworkDetails *details = selected_network (self);
  GtkWidget *box;
  g_autofree char *heading = NULL;
  g_autoptr(VireoNetworkDhcpHost) host = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *command = NULL;

  if (details == NULL)
    return;
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), host_entry (_("MAC address, such as 52:54:00:12:34:56"), mac));
  gtk_box_append (GTK_BOX (box), host_entry (_("IPv4 address"), ip));
  gtk_box_append (GTK_BOX (box), host_entry (_("Host name (optional)"), name));
  /* What Add runs, with what is typed so far (placeholders before). */
  host = vireo_network_dhcp_host_new (mac && *mac ? mac : "52:54:00:00:00:00", ip && *ip ? ip : "IP",
                                      name && *name ? name : NULL);
  xml = vireo_network_dhcp_host_to_xml (host);
  command = vireo_command_for_network_update (vireo_connection_get_uri (self->connection), details->name,
                                              "ip-dhcp-host", VIREO_NETWORK_UPDATE_COMMAND_ADD, xml,
                                              details->active, details->persistent);
  heading = g_strdup_printf (_("Static Address on “%s”"), details->name);
  present_entry_question (self, heading, error,
                          details->active ? _("The card with this MAC address gets this address from its next "
                                              "DHCP request on; the network keeps running.")
                                          : _("The card with this MAC address gets this address once the "
                                              "network runs."),
                          command, box, "host-entries", G_CALLBACK (on_host_response));
}

static void
add_host_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ask_for_host (VIREO_NETWORKS_PAGE (widget), NULL, NULL, NULL, NULL);
}

static void
remove_host_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (widget);
  VireoNetworkDetails *details = selected_network (self);
  const char *mac = g_variant_get_string (parameter, NULL);
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autoptr(VireoNetworkIp) ip4 = NULL;

  if (details == NULL || (config = parse_config (details)) == NULL ||
      (ip4 = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4)) == NULL)
    return;
  for (guint i = 0; i < ip4->hosts->len; i++)
    {
      VireoNetworkDhcpHost *host = g_ptr_array_index (ip4->hosts, i);

      if (host->mac != NULL && g_ascii_strcasecmp (host->mac, mac) == 0)
        {
          run_host_update (self, details, VIREO_NETWORK_UPDATE_DELETE, host,
                           g_strdup_printf (_("Could Not Remove the Address from “%s”"), details->name));
          return;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* DNS names: live too ("dns-host" in virsh net-update)                     */

static void
run_dns_update (VireoNetworksPage         *self,
                const VireoNetworkDetails *details,
                VireoNetworkUpdateCommand  command,
                const VireoNetworkDnsHost *host,
                char                      *heading)
{
  UpdateData *data = g_new0 (UpdateData, 1);
  g_autofree char *xml = vireo_network_dns_host_to_xml (host);

  data->self = g_object_ref (self);
  data->network = g_strdup (details->name);
  data->heading = heading;
  vireo_connection_update_network_async (self->connection, details->name, VIREO_NETWORK_UPDATE_DNS_HOST, command,
                                         xml, details->active, details->persistent, NULL, on_updated, data);
}

static void ask_for_dns_host (VireoNetworksPage *self, const char *ip, const char *names, const char *error);

static void
on_dns_host_response (AdwMessageDialog *dialog,
                      const char       *response,
                      gpointer          user_data)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (user_data);
  VireoNetworkDetails *details = selected_network (self);
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  GtkWidget *ip_entry = gtk_widget_get_first_child (box);
  GtkWidget *names_entry = gtk_widget_get_next_sibling (ip_entry);
  g_autofree char *ip = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (ip_entry))));
  g_autofree char *names = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (names_entry))));
  g_auto(GStrv) split = g_strsplit_set (names, ", ", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) hostnames = NULL;
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(VireoNetworkDnsHost) host = NULL;
  g_auto(GStrv) others = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "add") != 0 || details == NULL || (config = parse_config (details)) == NULL)
    return;
  for (guint i = 0; split[i] != NULL; i++)
    if (*split[i] != '\0')
      g_strv_builder_add (builder, split[i]);
  hostnames = g_strv_builder_end (builder);
  host = vireo_network_dns_host_new (ip, (const char * const *) hostnames);
  hosts = vireo_network_config_dup_dns_hosts (config);
  if (hosts == NULL)
    hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_dns_host_free);
  g_ptr_array_add (hosts, vireo_network_dns_host_copy (host));
  vireo_network_config_set_dns_hosts (config, hosts);
  others = other_subnets (self, details->name);
  if (!vireo_network_config_validate (config, (const char * const *) others, &error))
    {
      /* Asked again with what was typed, and why. */
      ask_for_dns_host (self, ip, names, error->message);
      return;
    }
  run_dns_update (self, details, VIREO_NETWORK_UPDATE_ADD, host,
                  g_strdup_printf (_("Could Not Add the Name to “%s”"), details->name));
}

static void
ask_for_dns_host (VireoNetworksPage *self,
                  const char        *ip,
                  const char        *names,
                  const char        *error)
{
  VireoNetworkDetails *details = selected_network (self);
  const char *placeholder[] = { "NAME", NULL };
  g_auto(GStrv) typed = names && *names ? g_strsplit_set (names, ", ", -1) : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) hostnames = NULL;
  g_autoptr(VireoNetworkDnsHost) host = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *command = NULL;
  g_autofree char *heading = NULL;
  GtkWidget *box;

  if (details == NULL)
    return;
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), host_entry (_("IP address"), ip));
  gtk_box_append (GTK_BOX (box), host_entry (_("Names, such as db, db.lab"), names));
  for (guint i = 0; typed != NULL && typed[i] != NULL; i++)
    if (*typed[i] != '\0')
      g_strv_builder_add (builder, typed[i]);
  hostnames = g_strv_builder_end (builder);
  host = vireo_network_dns_host_new (ip && *ip ? ip : "IP",
                                     hostnames[0] != NULL ? (const char * const *) hostnames : placeholder);
  xml = vireo_network_dns_host_to_xml (host);
  command = vireo_command_for_network_update (vireo_connection_get_uri (self->connection), details->name,
                                              "dns-host", VIREO_NETWORK_UPDATE_COMMAND_ADD, xml,
                                              details->active, details->persistent);
  heading = g_strdup_printf (_("DNS Name on “%s”"), details->name);
  present_entry_question (self, heading, error,
                          _("Machines on this network that ask its DNS server for one of these names get this "
                            "address."),
                          command, box, "dns-entries", G_CALLBACK (on_dns_host_response));
}

static void
add_dns_host_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ask_for_dns_host (VIREO_NETWORKS_PAGE (widget), NULL, NULL, NULL);
}

static void
remove_dns_host_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (widget);
  VireoNetworkDetails *details = selected_network (self);
  const char *ip = g_variant_get_string (parameter, NULL);
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autoptr(GPtrArray) hosts = NULL;

  if (details == NULL || (config = parse_config (details)) == NULL ||
      (hosts = vireo_network_config_dup_dns_hosts (config)) == NULL)
    return;
  for (guint i = 0; i < hosts->len; i++)
    {
      VireoNetworkDnsHost *host = g_ptr_array_index (hosts, i);

      if (g_strcmp0 (host->ip, ip) == 0)
        {
          run_dns_update (self, details, VIREO_NETWORK_UPDATE_DELETE, host,
                          g_strdup_printf (_("Could Not Remove the Name from “%s”"), details->name));
          return;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Edit XML                                                                  */

/* The Save button's copy borrows the window and editor it lives in (a
 * reference would keep the window alive forever); the copy a define runs
 * with owns them, since the user may close the window meanwhile. */
typedef struct
{
  VireoNetworksPage *self;
  VireoXmlEditor    *editor;
  GtkWindow         *window;
  char              *name;
  gboolean           active;
  gboolean           autostart;
  gboolean           owns_widgets;
} EditData;

static void
edit_data_free (EditData *data)
{
  g_object_unref (data->self);
  if (data->owns_widgets)
    {
      g_object_unref (data->window);
      g_object_unref (data->editor);
    }
  g_free (data->name);
  g_free (data);
}

static void
edit_data_closure_free (gpointer  data,
                        GClosure *closure)
{
  edit_data_free (data);
}

static void
on_edit_defined (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  EditData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = vireo_connection_define_network_finish (VIREO_CONNECTION (source), result, &error);

  if (name == NULL)
    {
      vireo_xml_editor_set_error (data->editor, vireo_xml_editor_parse_error_line (error->message), error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (data->window), TRUE);
    }
  else
    {
      /* libvirt changes a running network's definition only: say so and
       * offer the restart, rather than restarting guests' network behind
       * the user's back. */
      if (data->active)
        g_hash_table_add (data->self->edited, g_strdup (name));
      gtk_window_destroy (data->window);
      queue_reload (data->self);
    }
  edit_data_free (data);
}

static void
apply_edit (GtkWidget *button,
            EditData  *data)
{
  g_autofree char *text = vireo_xml_editor_dup_text (data->editor);
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) others = NULL;
  EditData *copy;

  config = vireo_network_config_new_from_xml (text, &error);
  if (config == NULL)
    {
      vireo_xml_editor_set_error (data->editor, vireo_xml_editor_parse_error_line (error->message), error->message);
      return;
    }
  others = other_subnets (data->self, data->name);
  if (!vireo_network_config_validate (config, (const char * const *) others, &error))
    {
      vireo_xml_editor_set_error (data->editor, 0, error->message);
      return;
    }
  vireo_xml_editor_clear_error (data->editor);
  gtk_widget_set_sensitive (GTK_WIDGET (data->window), FALSE);

  copy = g_new0 (EditData, 1);
  copy->self = g_object_ref (data->self);
  copy->editor = g_object_ref (data->editor);
  copy->owns_widgets = TRUE;
  copy->window = g_object_ref (data->window);
  copy->name = g_strdup (data->name);
  copy->active = data->active;
  vireo_connection_define_network_async (data->self->connection, text, data->name, FALSE, data->autostart,
                                         NULL, on_edit_defined, copy);
}

static void
edit_xml_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (widget);
  VireoNetworkDetails *details = selected_network (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *window, *header, *box, *editor, *apply, *cancel;
  g_autofree char *title = NULL;
  EditData *data;

  if (details == NULL)
    return;
  window = adw_window_new ();
  /* Translators: a window title; %s is a network's name */
  title = g_strdup_printf (_("Edit “%s”"), details->name);
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));

  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  apply = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (apply, "suggested-action");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), apply);

  editor = vireo_xml_editor_new ();
  gtk_widget_set_vexpand (editor, TRUE);
  /* The definition, not the running state: that is what Save replaces. */
  vireo_xml_editor_set_original (VIREO_XML_EDITOR (editor), details->xml);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), editor);
  adw_window_set_content (ADW_WINDOW (window), box);

  data = g_new0 (EditData, 1);
  data->self = g_object_ref (self);
  data->editor = VIREO_XML_EDITOR (editor);
  data->window = GTK_WINDOW (window);
  data->name = g_strdup (details->name);
  data->active = details->active;
  data->autostart = details->autostart;
  g_signal_connect_data (apply, "clicked", G_CALLBACK (apply_edit), data, edit_data_closure_free, 0);
  gtk_widget_set_name (window, "network-xml-editor");
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_edited (VireoNetworksPage *self,
           const char        *name)
{
  VireoNetworkDetails *details = selected_network (self);

  /* A running network keeps its old settings until it restarts. */
  if (details != NULL && details->active)
    g_hash_table_add (self->edited, g_strdup (name));
  g_free (self->selected);
  self->selected = g_strdup (name);
  queue_reload (self);
}

/**
 * vireo_networks_page_edit:
 *
 * Opens the selected network in the New Virtual Network form, to edit.
 *
 * Returns: (transfer none) (nullable): the dialog
 */
GtkWidget *
vireo_networks_page_edit (VireoNetworksPage *self)
{
  VireoNetworkDetails *details;
  GtkRoot *root;
  g_auto(GStrv) subnets = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) taken = NULL;
  GtkWidget *dialog;

  g_return_val_if_fail (VIREO_IS_NETWORKS_PAGE (self), NULL);

  details = selected_network (self);
  if (details == NULL || !details->persistent)
    return NULL;
  subnets = other_subnets (self, details->name);
  for (guint i = 0; i < self->networks->len; i++)
    g_strv_builder_add (names, ((VireoNetworkDetails *) g_ptr_array_index (self->networks, i))->name);
  taken = g_strv_builder_end (names);
  dialog = vireo_network_dialog_new_for_edit (self->connection, details->xml, details->autostart,
                                              (const char * const *) subnets, (const char * const *) taken);
  if (dialog == NULL)
    return NULL;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_edited), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  vireo_networks_page_edit (VIREO_NETWORKS_PAGE (widget));
}

/* ------------------------------------------------------------------------ */

static void
on_connection_state (VireoNetworksPage *self)
{
  if (vireo_connection_get_state (self->connection) == VIREO_CONNECTION_STATE_CONNECTED)
    queue_reload (self);
  else
    update_details (self);
}

static void
vireo_networks_page_constructed (GObject *object)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (object);
  static const VireoNetworkCommand list_cmds[] = { VIREO_NETWORK_COMMAND_LIST };
  g_autofree char *command = NULL;

  G_OBJECT_CLASS (vireo_networks_page_parent_class)->constructed (object);

  g_assert (self->connection != NULL);
  g_signal_connect_object (self->connection, "network-changed", G_CALLBACK (queue_reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::state", G_CALLBACK (on_connection_state), self,
                           G_CONNECT_SWAPPED);

  command = commands_for (self, NULL, list_cmds, 1);
  set_command (self, self->list_command_button, command);

}

/* A host with hundreds of machines makes the list a long read (each
 * machine's XML, for who uses what): only once someone looks. */
static void
vireo_networks_page_map (GtkWidget *widget)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (widget);

  GTK_WIDGET_CLASS (vireo_networks_page_parent_class)->map (widget);
  if (!self->wanted)
    {
      self->wanted = TRUE;
      vireo_networks_page_reload (self);
    }
}

static void
vireo_networks_page_dispose (GObject *object)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (object);

  vireo_reload_stop (&self->reload);
  g_cancellable_cancel (self->leases_cancellable);
  g_clear_object (&self->leases_cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  /* The connection outlives the page: no event may reach a disposed one. */
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_NETWORKS_PAGE);
  /* The template's top box has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);

  g_clear_pointer (&self->networks, g_ptr_array_unref);
  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->edited, g_hash_table_unref);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (vireo_networks_page_parent_class)->dispose (object);
}

static void
vireo_networks_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (object);

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
vireo_networks_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VireoNetworksPage *self = VIREO_NETWORKS_PAGE (object);

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
vireo_networks_page_class_init (VireoNetworksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vireo_networks_page_constructed;
  object_class->dispose = vireo_networks_page_dispose;
  object_class->get_property = vireo_networks_page_get_property;
  object_class->set_property = vireo_networks_page_set_property;
  widget_class->map = vireo_networks_page_map;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, VIREO_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-networks-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, list_command_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, details_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, details_page);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, overview_group);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, command_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, mode_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, mode_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, autostart_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, autostart_switch);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, bridge_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, bridge_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, forward_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, forward_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, domain_row);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, domain_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, ipv4_group);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, ipv4_network_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, ipv4_dhcp_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, ipv6_group);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, ipv6_network_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, ipv6_dhcp_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, machines_group);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, machines_list);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, leases_group);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, leases_command_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, leases_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, leases_empty_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, leases_grid);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, hosts_group);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, hosts_list);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, dns_group);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, dns_list);
  gtk_widget_class_bind_template_child (widget_class, VireoNetworksPage, restart_revealer);

  gtk_widget_class_install_action (widget_class, "networks.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "networks.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "networks.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "networks.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "networks.restart", NULL, restart_action);
  gtk_widget_class_install_action (widget_class, "networks.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "networks.refresh-leases", NULL, refresh_leases_action);
  gtk_widget_class_install_action (widget_class, "networks.add-host", NULL, add_host_action);
  gtk_widget_class_install_action (widget_class, "networks.remove-host", "s", remove_host_action);
  gtk_widget_class_install_action (widget_class, "networks.add-dns-host", NULL, add_dns_host_action);
  gtk_widget_class_install_action (widget_class, "networks.remove-dns-host", "s", remove_dns_host_action);
  gtk_widget_class_install_action (widget_class, "networks.edit-xml", NULL, edit_xml_action);
  gtk_widget_class_install_action (widget_class, "networks.edit", NULL, edit_action);
}

static void
vireo_networks_page_init (VireoNetworksPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->edited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_signal_connect_object (self->list_box, "row-selected", G_CALLBACK (on_row_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->autostart_switch, "notify::active", G_CALLBACK (on_autostart_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_label_set_text (self->leases_empty_label, _("No machine holds a lease on this network."));
}

GtkWidget *
vireo_networks_page_new (VireoConnection *connection)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);

  return g_object_new (VIREO_TYPE_NETWORKS_PAGE, "connection", connection, NULL);
}

/**
 * vireo_networks_page_select:
 *
 * Shows the network called @name.
 *
 * Returns: whether the list has it
 */
gboolean
vireo_networks_page_select (VireoNetworksPage *self,
                            const char        *name)
{
  GtkWidget *child;

  g_return_val_if_fail (VIREO_IS_NETWORKS_PAGE (self), FALSE);

  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (child), "vireo-network"), name) == 0)
      {
        gtk_list_box_select_row (self->list_box, GTK_LIST_BOX_ROW (child));
        return TRUE;
      }
  return FALSE;
}

const char *
vireo_networks_page_get_selected (VireoNetworksPage *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORKS_PAGE (self), NULL);
  return self->selected;
}

gboolean
vireo_networks_page_get_loading (VireoNetworksPage *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORKS_PAGE (self), FALSE);
  return self->loading;
}
