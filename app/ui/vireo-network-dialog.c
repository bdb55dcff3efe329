/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-network-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "vireo-command.h"
#include "vireo-network-config.h"
#include "vireo-network-dialog.h"
#include "vireo-network-ops.h"
#include "vireo-virt-error.h"

/*
 * New Virtual Network. The form is a view of one VireoNetworkConfig, built
 * again from the fields on every change, so the XML and the virsh commands
 * under the form always say what Create would do. Create validates with the
 * host's other subnets (an overlap is refused before libvirt sees it), marks
 * the field at fault and leaves the typing as it was; libvirt's own refusal
 * is shown in its words, with a likely fix where one is known.
 */
struct _VireoNetworkDialog
{
  AdwWindow            parent_instance;

  /* Owned */
  VireoConnection     *connection;
  GStrv                other_subnets;
  GStrv                taken_names;
  VireoNetworkConfig  *original;       /* (nullable): editing this network */
  char                *original_name;
  gboolean             autostart;      /* an edited network's, kept */
  GPtrArray           *interfaces;     /* (element-type VireoHostInterfaceDetails) */
  GCancellable        *cancellable;
  char                *error;
  int                  error_code;     /* VireoNetworkConfigError, -1: none */
  guint                filling : 1;
  guint                busy : 1;
  guint                dhcp4_auto : 1;  /* the range is ours: it follows the address */

  /* Template widgets */
  GtkWidget           *create_button;
  GtkSpinner          *spinner;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  AdwPreferencesGroup *general_group;
  GtkWidget           *name_row;
  AdwComboRow         *mode_row;
  AdwComboRow         *forward_row;
  GtkWidget           *nat_range_row;
  GtkWidget           *nat_ports_row;
  GtkWidget           *host_bridge_row;
  AdwComboRow         *macvtap_mode_row;
  GtkWidget           *interfaces_row;
  GtkWidget           *pf_row;
  GtkWidget           *ipv4_group;
  GtkSwitch           *ipv4_switch;
  GtkWidget           *ipv4_address_row;
  GtkWidget           *dhcp4_row;
  GtkSwitch           *dhcp4_switch;
  GtkWidget           *dhcp4_start_row;
  GtkWidget           *dhcp4_end_row;
  GtkWidget           *ipv6_group;
  GtkSwitch           *ipv6_switch;
  GtkWidget           *ipv6_address_row;
  GtkWidget           *dhcp6_row;
  GtkSwitch           *dhcp6_switch;
  GtkWidget           *dhcp6_start_row;
  GtkWidget           *dhcp6_end_row;
  GtkWidget           *dns_group;
  GtkWidget           *domain_row;
  GtkSwitch           *local_only_switch;
  GtkWidget           *forwarders_row;
  GtkWidget           *srv_row;
  GtkWidget           *txt_row;
  GtkWidget           *routes_row;
  GtkWidget           *bridge_group;
  GtkWidget           *bridge_name_row;
  GtkSwitch           *stp_switch;
  GtkWidget           *delay_row;
  GtkWidget           *mtu_row;
  GtkWidget           *mac_row;
  GtkSwitch           *start_switch;
  GtkSwitch           *autostart_switch;
  GtkLabel            *command_label;
  GtkLabel            *xml_label;
};

G_DEFINE_FINAL_TYPE (VireoNetworkDialog, vireo_network_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The modes in the Mode row, in this order. */
static const VireoNetworkMode modes[] = {
  VIREO_NETWORK_MODE_NAT,
  VIREO_NETWORK_MODE_ROUTE,
  VIREO_NETWORK_MODE_OPEN,
  VIREO_NETWORK_MODE_ISOLATED,
  VIREO_NETWORK_MODE_BRIDGE,
  VIREO_NETWORK_MODE_MACVTAP,
  VIREO_NETWORK_MODE_HOSTDEV,
};

static const VireoMacvtapMode macvtap_modes[] = {
  VIREO_MACVTAP_MODE_BRIDGE,
  VIREO_MACVTAP_MODE_VEPA,
  VIREO_MACVTAP_MODE_PRIVATE,
  VIREO_MACVTAP_MODE_PASSTHROUGH,
};

static VireoNetworkMode
current_mode (VireoNetworkDialog *self)
{
  guint i = adw_combo_row_get_selected (self->mode_row);

  return i < G_N_ELEMENTS (modes) ? modes[i] : VIREO_NETWORK_MODE_NAT;
}

static const char *
text_of (GtkWidget *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static char *
stripped (GtkWidget *row)
{
  char *text = g_strstrip (g_strdup (text_of (row)));

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static void
set_text (GtkWidget  *row,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static gboolean
mode_has_ip (VireoNetworkMode mode)
{
  return mode == VIREO_NETWORK_MODE_NAT || mode == VIREO_NETWORK_MODE_ROUTE ||
         mode == VIREO_NETWORK_MODE_OPEN || mode == VIREO_NETWORK_MODE_ISOLATED;
}

/* "192.168.100.1/24" or "192.168.100.1/255.255.255.0" -> address, prefix.
 * What cannot be read is left for validation to name: an address without a
 * prefix gets 0, which the model refuses as a prefix. */
static void
split_address (const char  *text,
               char       **address,
               guint       *prefix)
{
  g_auto(GStrv) parts = NULL;

  *address = NULL;
  *prefix = 0;
  if (text == NULL)
    return;
  parts = g_strsplit (text, "/", 2);
  *address = g_strstrip (g_strdup (parts[0]));
  if (parts[1] == NULL)
    return;
  g_strstrip (parts[1]);
  if (strchr (parts[1], '.') != NULL)
    {
      g_autoptr(GInetAddress) mask = g_inet_address_new_from_string (parts[1]);
      const guint8 *bytes;

      if (mask == NULL || g_inet_address_get_family (mask) != G_SOCKET_FAMILY_IPV4)
        return;
      bytes = g_inet_address_to_bytes (mask);
      for (guint i = 0; i < 4; i++)
        for (guint bit = 0; bit < 8; bit++)
          if (bytes[i] & (0x80 >> bit))
            (*prefix)++;
      return;
    }
  {
    char *end = NULL;
    guint64 value = g_ascii_strtoull (parts[1], &end, 10);

    if (end != parts[1] && *end == '\0' && value <= 128)
      *prefix = (guint) value;
    else
      *prefix = G_MAXUINT;  /* refused by validation, named as the prefix */
  }
}

/* A number field: empty is 0 (unset); anything else must be a number. */
static gboolean
parse_number (GtkWidget *row,
              guint     *value)
{
  g_autofree char *text = stripped (row);
  char *end = NULL;
  guint64 v;

  *value = 0;
  if (text == NULL)
    return TRUE;
  v = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '\0' || v > G_MAXUINT)
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

static void
fill_ip (VireoNetworkDialog *self,
         VireoNetworkConfig *config,
         VireoNetworkFamily  family)
{
  gboolean v4 = family == VIREO_NETWORK_FAMILY_IPV4;
  GtkSwitch *enabled = v4 ? self->ipv4_switch : self->ipv6_switch;
  GtkSwitch *dhcp = v4 ? self->dhcp4_switch : self->dhcp6_switch;
  g_autofree char *text = stripped (v4 ? self->ipv4_address_row : self->ipv6_address_row);
  g_autofree char *address = NULL;
  g_autoptr(VireoNetworkIp) ip = NULL;
  g_autoptr(VireoNetworkIp) old = vireo_network_config_dup_ip (config, family);
  guint prefix;

  if (!gtk_switch_get_active (enabled))
    {
      vireo_network_config_set_ip (config, family, NULL);
      return;
    }
  split_address (text, &address, &prefix);
  ip = vireo_network_ip_new (address ? address : "", prefix);
  if (gtk_switch_get_active (dhcp))
    {
      ip->dhcp_start = stripped (v4 ? self->dhcp4_start_row : self->dhcp6_start_row);
      ip->dhcp_end = stripped (v4 ? self->dhcp4_end_row : self->dhcp6_end_row);
      /* An empty end is a missing field, not "no DHCP". */
      if (ip->dhcp_start == NULL)
        ip->dhcp_start = g_strdup ("");
      if (ip->dhcp_end == NULL)
        ip->dhcp_end = g_strdup ("");
    }
  /* Static hosts are not on this form: keep what the document had. */
  if (old != NULL && old->hosts != NULL)
    for (guint i = 0; i < old->hosts->len; i++)
      g_ptr_array_add (ip->hosts, vireo_network_dhcp_host_copy (g_ptr_array_index (old->hosts, i)));
  vireo_network_config_set_ip (config, family, ip);
}

/* "a – b", "a-b", "a..b": two halves, either empty. */
static void
split_range (GtkWidget  *row,
             char      **first,
             char      **last)
{
  g_autofree char *text = stripped (row);
  g_autoptr(GString) normal = NULL;
  g_auto(GStrv) parts = NULL;

  *first = *last = NULL;
  if (text == NULL)
    return;
  normal = g_string_new (text);
  g_string_replace (normal, "–", "-", 0);
  g_string_replace (normal, "..", "-", 0);
  parts = g_strsplit (normal->str, "-", 2);
  *first = g_strstrip (g_strdup (parts[0]));
  *last = parts[1] ? g_strstrip (g_strdup (parts[1])) : g_strdup (*first);
}

/* Items of a list field, trimmed, empty ones dropped. */
static GStrv
split_items (GtkWidget  *row,
             const char *separators)
{
  g_autofree char *text = stripped (row);
  g_auto(GStrv) parts = g_strsplit_set (text ? text : "", separators, -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

/* DNS extras and routes: the text fields as the model's lists. What cannot
 * be read is named here; what can is checked by the model. */
static gboolean
fill_lists (VireoNetworkDialog  *self,
            VireoNetworkConfig  *config,
            GError             **error)
{
  g_auto(GStrv) forwarders = split_items (self->forwarders_row, ",");
  g_auto(GStrv) srvs = split_items (self->srv_row, ",");
  g_auto(GStrv) txts = split_items (self->txt_row, ";");
  g_auto(GStrv) routes = split_items (self->routes_row, ",");
  g_autoptr(GPtrArray) list = NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_forwarder_free);
  for (guint i = 0; forwarders[i] != NULL; i++)
    {
      const char *eq = strchr (forwarders[i], '=');
      g_autofree char *domain = eq ? g_strstrip (g_strndup (forwarders[i], eq - forwarders[i])) : NULL;

      g_ptr_array_add (list, vireo_network_forwarder_new (eq ? g_strstrip ((char *) eq + 1) : forwarders[i], domain));
    }
  vireo_network_config_set_forwarders (config, list);
  g_clear_pointer (&list, g_ptr_array_unref);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_srv_free);
  for (guint i = 0; srvs[i] != NULL; i++)
    {
      /* "service/protocol [target[:port]]" */
      g_auto(GStrv) words = g_strsplit (srvs[i], " ", 2);
      g_auto(GStrv) sp = g_strsplit (words[0], "/", 2);
      VireoNetworkSrv *srv;

      if (sp[1] == NULL)
        {
          g_set_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_SRV,
                       _("“%s” is not an SRV record: write service/protocol, then the target and port, "
                         "such as ldap/tcp ldap.lab:389."), srvs[i]);
          return FALSE;
        }
      srv = vireo_network_srv_new (sp[0], sp[1]);
      if (words[1] != NULL)
        {
          char *colon = strrchr (g_strstrip (words[1]), ':');
          guint64 port = 0;

          if (colon != NULL)
            {
              if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
                {
                  vireo_network_srv_free (srv);
                  g_set_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_SRV,
                               _("“%s” is not a port number (1 to 65535)."), colon + 1);
                  return FALSE;
                }
              *colon = '\0';
            }
          srv->target = g_strdup (words[1]);
          srv->port = (guint) port;
        }
      g_ptr_array_add (list, srv);
    }
  vireo_network_config_set_srvs (config, list);
  g_clear_pointer (&list, g_ptr_array_unref);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_txt_free);
  for (guint i = 0; txts[i] != NULL; i++)
    {
      const char *eq = strchr (txts[i], '=');
      g_autofree char *name = NULL;

      if (eq == NULL || eq == txts[i])
        {
          g_set_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_TXT,
                       _("“%s” is not a TXT record: write name=text."), txts[i]);
          return FALSE;
        }
      name = g_strstrip (g_strndup (txts[i], eq - txts[i]));
      g_ptr_array_add (list, vireo_network_txt_new (name, eq + 1));
    }
  vireo_network_config_set_txts (config, list);
  g_clear_pointer (&list, g_ptr_array_unref);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_route_free);
  for (guint i = 0; routes[i] != NULL; i++)
    {
      /* "a.b.c.d/p via g.h.i.j" */
      g_auto(GStrv) words = g_strsplit (routes[i], " via ", 2);
      g_autofree char *address = NULL;
      guint prefix = 0;

      if (words[1] == NULL)
        {
          g_set_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_ROUTE,
                       _("“%s” is not a route: write the subnet, “via” and the gateway, such as "
                         "10.1.0.0/24 via 192.168.100.254."), routes[i]);
          return FALSE;
        }
      split_address (g_strstrip (words[0]), &address, &prefix);
      g_ptr_array_add (list, vireo_network_route_new (address, prefix, g_strstrip (words[1])));
    }
  vireo_network_config_set_routes (config, list);
  return TRUE;
}

/* The lists back as the fields' text, for an edit. */
static void
show_lists (VireoNetworkDialog *self,
            VireoNetworkConfig *config)
{
  g_autoptr(GPtrArray) forwarders = vireo_network_config_dup_forwarders (config);
  g_autoptr(GPtrArray) srvs = vireo_network_config_dup_srvs (config);
  g_autoptr(GPtrArray) txts = vireo_network_config_dup_txts (config);
  g_autoptr(GPtrArray) routes = vireo_network_config_dup_routes (config);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; forwarders != NULL && i < forwarders->len; i++)
    {
      VireoNetworkForwarder *f = g_ptr_array_index (forwarders, i);

      g_string_append_printf (text, "%s%s%s%s", i ? ", " : "", f->domain ? f->domain : "", f->domain ? "=" : "",
                              f->addr ? f->addr : "");
    }
  set_text (self->forwarders_row, text->str);
  g_string_truncate (text, 0);
  for (guint i = 0; srvs != NULL && i < srvs->len; i++)
    {
      VireoNetworkSrv *srv = g_ptr_array_index (srvs, i);

      g_string_append_printf (text, "%s%s/%s", i ? ", " : "", srv->service, srv->protocol);
      if (srv->target != NULL)
        g_string_append_printf (text, " %s", srv->target);
      if (srv->target != NULL && srv->port != 0)
        g_string_append_printf (text, ":%u", srv->port);
    }
  set_text (self->srv_row, text->str);
  g_string_truncate (text, 0);
  for (guint i = 0; txts != NULL && i < txts->len; i++)
    {
      VireoNetworkTxt *txt = g_ptr_array_index (txts, i);

      g_string_append_printf (text, "%s%s=%s", i ? "; " : "", txt->name, txt->value ? txt->value : "");
    }
  set_text (self->txt_row, text->str);
  g_string_truncate (text, 0);
  for (guint i = 0; routes != NULL && i < routes->len; i++)
    {
      VireoNetworkRoute *route = g_ptr_array_index (routes, i);

      g_string_append_printf (text, "%s%s/%u via %s", i ? ", " : "", route->address, route->prefix,
                              route->gateway ? route->gateway : "");
    }
  set_text (self->routes_row, text->str);
}

/* The form as a network definition. Numbers that are not numbers are
 * reported here, with their field, since the model only sees numbers. */
static VireoNetworkConfig *
build_config (VireoNetworkDialog  *self,
              GError             **error)
{
  VireoNetworkMode mode = current_mode (self);
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autofree char *name = stripped (self->name_row);
  g_autofree char *bridge = stripped (self->bridge_name_row);
  g_autofree char *mac = stripped (self->mac_row);
  g_autofree char *domain = stripped (self->domain_row);
  guint mtu, delay;

  /* An edit changes the network's own document in place, so everything
   * the form does not show survives. */
  if (self->original != NULL)
    {
      config = vireo_network_config_dup (self->original);
      vireo_network_config_set_mode (config, mode);
    }
  else
    config = vireo_network_config_new (mode);
  vireo_network_config_set_name (config, name ? name : "");

  switch (mode)
    {
    case VIREO_NETWORK_MODE_NAT:
    case VIREO_NETWORK_MODE_ROUTE:
    case VIREO_NETWORK_MODE_OPEN:
      {
        guint i = adw_combo_row_get_selected (self->forward_row);

        /* Item 0 is "any interface". */
        if (i > 0 && self->interfaces != NULL && i - 1 < self->interfaces->len)
          vireo_network_config_set_forward_dev (config,
                                                ((VireoHostInterfaceDetails *)
                                                 g_ptr_array_index (self->interfaces, i - 1))->name);
        else if (i == 0)
          vireo_network_config_set_forward_dev (config, NULL);
      }
      if (mode == VIREO_NETWORK_MODE_NAT)
        {
          g_autofree char *first = NULL;
          g_autofree char *last = NULL;
          g_autofree char *port_first = NULL;
          g_autofree char *port_last = NULL;
          guint64 a = 0, b = 0;

          split_range (self->nat_range_row, &first, &last);
          vireo_network_config_set_nat_range (config, first, last);
          split_range (self->nat_ports_row, &port_first, &port_last);
          if (port_first != NULL &&
              (!g_ascii_string_to_unsigned (port_first, 10, 1, 65535, &a, NULL) ||
               !g_ascii_string_to_unsigned (port_last, 10, 1, 65535, &b, NULL)))
            {
              g_set_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_NAT_PORTS,
                           _("NAT ports are two numbers from 1 to 65535, such as 1024 – 65535."));
              return NULL;
            }
          vireo_network_config_set_nat_ports (config, (guint) a, (guint) b);
        }
      break;
    case VIREO_NETWORK_MODE_BRIDGE:
      {
        g_autofree char *host_bridge = stripped (self->host_bridge_row);

        vireo_network_config_set_bridge_name (config, host_bridge);
      }
      break;
    case VIREO_NETWORK_MODE_MACVTAP:
      {
        g_autofree char *text = stripped (self->interfaces_row);
        g_auto(GStrv) devs = g_strsplit_set (text ? text : "", ", ", -1);
        g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
        g_auto(GStrv) clean = NULL;
        guint i = adw_combo_row_get_selected (self->macvtap_mode_row);

        for (guint j = 0; devs[j] != NULL; j++)
          if (*devs[j] != '\0')
            g_strv_builder_add (builder, devs[j]);
        clean = g_strv_builder_end (builder);
        vireo_network_config_set_macvtap_mode (config, i < G_N_ELEMENTS (macvtap_modes) ? macvtap_modes[i]
                                                                                        : VIREO_MACVTAP_MODE_BRIDGE);
        vireo_network_config_set_interfaces (config, (const char * const *) clean);
      }
      break;
    case VIREO_NETWORK_MODE_HOSTDEV:
      {
        g_autofree char *pf = stripped (self->pf_row);

        vireo_network_config_set_hostdev_pf (config, pf);
      }
      break;
    case VIREO_NETWORK_MODE_ISOLATED:
    default:
      break;
    }

  if (mode_has_ip (mode))
    {
      fill_ip (self, config, VIREO_NETWORK_FAMILY_IPV4);
      fill_ip (self, config, VIREO_NETWORK_FAMILY_IPV6);
      vireo_network_config_set_domain_name (config, domain, gtk_switch_get_active (self->local_only_switch));
      if (!fill_lists (self, config, error))
        return NULL;
      vireo_network_config_set_bridge_name (config, bridge);
      vireo_network_config_set_stp (config, gtk_switch_get_active (self->stp_switch));
      if (!parse_number (self->delay_row, &delay))
        {
          g_set_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_DELAY,
                       _("The forward delay must be a whole number of seconds."));
          return NULL;
        }
      vireo_network_config_set_delay (config, delay);
      if (!parse_number (self->mtu_row, &mtu))
        {
          g_set_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_MTU,
                       _("The MTU must be a whole number of bytes, such as 1500."));
          return NULL;
        }
      vireo_network_config_set_mtu (config, mtu);
      vireo_network_config_set_mac (config, mac);
    }
  return g_steal_pointer (&config);
}

static GtkWidget *
row_for_error (VireoNetworkDialog *self,
               int                 code)
{
  switch (code)
    {
    case VIREO_NETWORK_CONFIG_ERROR_NAME:
      return self->name_row;
    case VIREO_NETWORK_CONFIG_ERROR_BRIDGE:
      return current_mode (self) == VIREO_NETWORK_MODE_BRIDGE ? self->host_bridge_row : self->bridge_name_row;
    case VIREO_NETWORK_CONFIG_ERROR_DELAY:
      return self->delay_row;
    case VIREO_NETWORK_CONFIG_ERROR_MTU:
      return self->mtu_row;
    case VIREO_NETWORK_CONFIG_ERROR_MAC:
      return self->mac_row;
    case VIREO_NETWORK_CONFIG_ERROR_DOMAIN_NAME:
      return self->domain_row;
    case VIREO_NETWORK_CONFIG_ERROR_ADDRESS:
    case VIREO_NETWORK_CONFIG_ERROR_PREFIX:
    case VIREO_NETWORK_CONFIG_ERROR_OVERLAP:
      return self->ipv4_address_row;
    case VIREO_NETWORK_CONFIG_ERROR_DHCP_RANGE:
      return self->dhcp4_start_row;
    case VIREO_NETWORK_CONFIG_ERROR_IPV6_ADDRESS:
    case VIREO_NETWORK_CONFIG_ERROR_IPV6_PREFIX:
      return self->ipv6_address_row;
    case VIREO_NETWORK_CONFIG_ERROR_IPV6_DHCP_RANGE:
      return self->dhcp6_start_row;
    case VIREO_NETWORK_CONFIG_ERROR_FORWARD_DEV:
      return current_mode (self) == VIREO_NETWORK_MODE_HOSTDEV ? self->pf_row : GTK_WIDGET (self->forward_row);
    case VIREO_NETWORK_CONFIG_ERROR_INTERFACES:
      return self->interfaces_row;
    case VIREO_NETWORK_CONFIG_ERROR_NAT_RANGE:
      return self->nat_range_row;
    case VIREO_NETWORK_CONFIG_ERROR_FORWARDER:
      return self->forwarders_row;
    case VIREO_NETWORK_CONFIG_ERROR_SRV:
      return self->srv_row;
    case VIREO_NETWORK_CONFIG_ERROR_TXT:
      return self->txt_row;
    case VIREO_NETWORK_CONFIG_ERROR_ROUTE:
      return self->routes_row;
    case VIREO_NETWORK_CONFIG_ERROR_NAT_PORTS:
      return self->nat_ports_row;
    default:
      return NULL;
    }
}

static void
show_error (VireoNetworkDialog *self,
            int                 code,
            const char         *message)
{
  GtkWidget *rows[] = {
    self->name_row, self->host_bridge_row, self->bridge_name_row, self->delay_row, self->mtu_row,
    self->mac_row, self->domain_row, self->ipv4_address_row, self->dhcp4_start_row, self->dhcp4_end_row,
    self->ipv6_address_row, self->dhcp6_start_row, self->dhcp6_end_row, self->pf_row,
    GTK_WIDGET (self->forward_row), self->interfaces_row, self->nat_range_row, self->nat_ports_row,
    self->forwarders_row, self->srv_row, self->txt_row, self->routes_row,
  };
  GtkWidget *bad = message ? row_for_error (self, code) : NULL;

  g_free (self->error);
  self->error = g_strdup (message);
  self->error_code = message ? code : -1;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (rows[i] == bad)
      gtk_widget_add_css_class (rows[i], "error");
    else
      gtk_widget_remove_css_class (rows[i], "error");
  /* A DHCP range is two fields; the end is as much at fault. */
  if (code == VIREO_NETWORK_CONFIG_ERROR_DHCP_RANGE && message)
    gtk_widget_add_css_class (self->dhcp4_end_row, "error");
  if (code == VIREO_NETWORK_CONFIG_ERROR_IPV6_DHCP_RANGE && message)
    gtk_widget_add_css_class (self->dhcp6_end_row, "error");

  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static void
update_preview (VireoNetworkDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoNetworkConfig) config = build_config (self, &error);
  g_autofree char *xml = NULL;
  g_autofree char *command = NULL;

  if (config == NULL)
    return;
  xml = vireo_network_config_to_xml (config);
  gtk_label_set_text (self->xml_label, xml);
  command = vireo_network_dialog_dup_command (self);
  gtk_label_set_text (self->command_label, command);
}

static void
update_visibility (VireoNetworkDialog *self)
{
  VireoNetworkMode mode = current_mode (self);
  gboolean ip = mode_has_ip (mode);
  gboolean forward = mode == VIREO_NETWORK_MODE_NAT || mode == VIREO_NETWORK_MODE_ROUTE ||
                     mode == VIREO_NETWORK_MODE_OPEN;

  adw_preferences_group_set_description (self->general_group, vireo_network_mode_get_description (mode));
  gtk_widget_set_visible (GTK_WIDGET (self->forward_row), forward);
  gtk_widget_set_visible (self->nat_range_row, mode == VIREO_NETWORK_MODE_NAT);
  gtk_widget_set_visible (self->nat_ports_row, mode == VIREO_NETWORK_MODE_NAT);
  gtk_widget_set_visible (self->host_bridge_row, mode == VIREO_NETWORK_MODE_BRIDGE);
  gtk_widget_set_visible (GTK_WIDGET (self->macvtap_mode_row), mode == VIREO_NETWORK_MODE_MACVTAP);
  gtk_widget_set_visible (self->interfaces_row, mode == VIREO_NETWORK_MODE_MACVTAP);
  gtk_widget_set_visible (self->pf_row, mode == VIREO_NETWORK_MODE_HOSTDEV);
  gtk_widget_set_visible (self->ipv4_group, ip);
  gtk_widget_set_visible (self->ipv6_group, ip);
  gtk_widget_set_visible (self->dns_group, ip);
  gtk_widget_set_visible (self->bridge_group, ip);

  gtk_widget_set_sensitive (self->ipv4_address_row, gtk_switch_get_active (self->ipv4_switch));
  gtk_widget_set_sensitive (self->dhcp4_row, gtk_switch_get_active (self->ipv4_switch));
  gtk_widget_set_sensitive (self->dhcp4_start_row, gtk_switch_get_active (self->ipv4_switch) &&
                            gtk_switch_get_active (self->dhcp4_switch));
  gtk_widget_set_sensitive (self->dhcp4_end_row, gtk_switch_get_active (self->ipv4_switch) &&
                            gtk_switch_get_active (self->dhcp4_switch));
  gtk_widget_set_sensitive (self->ipv6_address_row, gtk_switch_get_active (self->ipv6_switch));
  gtk_widget_set_sensitive (self->dhcp6_row, gtk_switch_get_active (self->ipv6_switch));
  gtk_widget_set_sensitive (self->dhcp6_start_row, gtk_switch_get_active (self->ipv6_switch) &&
                            gtk_switch_get_active (self->dhcp6_switch));
  gtk_widget_set_sensitive (self->dhcp6_end_row, gtk_switch_get_active (self->ipv6_switch) &&
                            gtk_switch_get_active (self->dhcp6_switch));
  gtk_widget_set_sensitive (GTK_WIDGET (self->autostart_switch), TRUE);
}

/* The usual range for a subnet, as libvirt's default network has it: from
 * the second address to the last before broadcast. */
static void
follow_address (VireoNetworkDialog *self)
{
  g_autofree char *text = stripped (self->ipv4_address_row);
  g_autofree char *address = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  guint prefix;
  guint32 host, mask, first, last;
  const guint8 *bytes;

  split_address (text, &address, &prefix);
  if (address == NULL || prefix < 8 || prefix > 30 ||
      (inet = g_inet_address_new_from_string (address)) == NULL ||
      g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV4)
    return;
  bytes = g_inet_address_to_bytes (inet);
  host = ((guint32) bytes[0] << 24) | ((guint32) bytes[1] << 16) | ((guint32) bytes[2] << 8) | bytes[3];
  mask = prefix == 0 ? 0 : G_MAXUINT32 << (32 - prefix);
  first = (host & mask) + 2;
  last = (host | ~mask) - 1;
  if (first >= last)
    return;
  {
    g_autofree char *start = g_strdup_printf ("%u.%u.%u.%u", first >> 24, (first >> 16) & 0xff,
                                              (first >> 8) & 0xff, first & 0xff);
    g_autofree char *end = g_strdup_printf ("%u.%u.%u.%u", last >> 24, (last >> 16) & 0xff,
                                            (last >> 8) & 0xff, last & 0xff);

    self->filling = TRUE;
    set_text (self->dhcp4_start_row, start);
    set_text (self->dhcp4_end_row, end);
    self->filling = FALSE;
  }
}

static void
on_address_changed (VireoNetworkDialog *self)
{
  if (!self->filling && self->dhcp4_auto)
    follow_address (self);
}

/* Once the user types a range, it is theirs. */
static void
on_range_changed (VireoNetworkDialog *self)
{
  if (!self->filling)
    self->dhcp4_auto = FALSE;
}

static void
on_changed (VireoNetworkDialog *self)
{
  if (self->filling)
    return;
  update_visibility (self);
  update_preview (self);
}

/* A first network on a host gets what libvirt's default would; later
 * ones a free /24 of their own, so Create works without typing. */
static void
fill_defaults (VireoNetworkDialog *self)
{
  g_autoptr(VireoNetworkConfig) config = vireo_network_config_new (VIREO_NETWORK_MODE_NAT);
  g_autoptr(VireoNetworkIp) ip = NULL;
  g_autofree char *name = NULL;

  self->filling = TRUE;
  for (guint n = 1; name == NULL || (self->taken_names && g_strv_contains ((const char * const *) self->taken_names,
                                                                             name)); n++)
    {
      g_free (name);
      name = g_strdup_printf ("network%u", n);
    }
  set_text (self->name_row, name);

  vireo_network_config_choose_ipv4_subnet (config, (const char * const *) self->other_subnets);
  ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
  gtk_switch_set_active (self->ipv4_switch, ip != NULL);
  if (ip != NULL)
    {
      g_autofree char *address = g_strdup_printf ("%s/%u", ip->address, ip->prefix);

      set_text (self->ipv4_address_row, address);
      gtk_switch_set_active (self->dhcp4_switch, ip->dhcp_start != NULL);
      set_text (self->dhcp4_start_row, ip->dhcp_start);
      set_text (self->dhcp4_end_row, ip->dhcp_end);
    }
  self->dhcp4_auto = TRUE;
  gtk_switch_set_active (self->ipv6_switch, FALSE);
  gtk_switch_set_active (self->dhcp6_switch, TRUE);
  gtk_switch_set_active (self->stp_switch, TRUE);
  gtk_switch_set_active (self->start_switch, TRUE);
  gtk_switch_set_active (self->autostart_switch, TRUE);
  self->filling = FALSE;
  on_changed (self);
}

/* ------------------------------------------------------------------------ */

static void
on_interfaces_listed (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(VireoNetworkDialog) self = user_data;
  g_autoptr(GPtrArray) interfaces = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) ethernet = g_strv_builder_new ();
  g_auto(GStrv) ethernet_names = NULL;
  GtkStringList *model;
  const char *first_bridge = NULL;

  interfaces = vireo_connection_list_host_interface_details_finish (VIREO_CONNECTION (source), result, &error);
  if (interfaces == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No host interfaces: %s", error->message);
      return;
    }
  self->interfaces = g_steal_pointer (&interfaces);

  self->filling = TRUE;
  model = GTK_STRING_LIST (adw_combo_row_get_model (self->forward_row));
  for (guint i = 0; i < self->interfaces->len; i++)
    {
      VireoHostInterfaceDetails *iface = g_ptr_array_index (self->interfaces, i);

      gtk_string_list_append (model, iface->name);
      if (self->original != NULL)
        {
          g_autofree char *dev = vireo_network_config_dup_forward_dev (self->original);

          if (g_strcmp0 (dev, iface->name) == 0)
            adw_combo_row_set_selected (self->forward_row, i + 1);
        }
      if (g_strcmp0 (iface->type, "bridge") == 0 && first_bridge == NULL)
        first_bridge = iface->name;
      if (g_strcmp0 (iface->type, "ethernet") == 0)
        g_strv_builder_add (ethernet, iface->name);
    }
  /* Offer what the host has; the user may still type another name. */
  if (*text_of (self->host_bridge_row) == '\0' && first_bridge != NULL)
    set_text (self->host_bridge_row, first_bridge);
  ethernet_names = g_strv_builder_end (ethernet);
  if (*text_of (self->interfaces_row) == '\0' && ethernet_names[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", ethernet_names);

      set_text (self->interfaces_row, joined);
    }
  self->filling = FALSE;
  on_changed (self);
}

static void
on_defined (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VireoNetworkDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  name = vireo_connection_define_network_finish (VIREO_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_sensitive (self->create_button, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "network.create", TRUE);

  if (name == NULL)
    {
      g_autofree char *hint = vireo_network_explain_start_error (error->message);
      g_autofree char *message = hint ? g_strdup_printf ("%s\n%s", error->message, hint) : g_strdup (error->message);

      show_error (self, g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS)
                          ? VIREO_NETWORK_CONFIG_ERROR_NAME : -1,
                  message);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, name);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoNetworkDialog *self = VIREO_NETWORK_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;

  if (self->busy)
    return;
  config = build_config (self, &error);
  if (config != NULL)
    {
      name = vireo_network_config_dup_name (config);
      if (self->taken_names != NULL && name != NULL && g_strcmp0 (name, self->original_name) != 0 &&
          g_strv_contains ((const char * const *) self->taken_names, name))
        g_set_error (&error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_NAME,
                     /* Translators: %s is a network's name */
                     _("This host already has a network called “%s”."), name);
      else
        vireo_network_config_validate (config, (const char * const *) self->other_subnets, &error);
    }
  if (error != NULL)
    {
      GtkWidget *row;

      show_error (self, error->domain == VIREO_NETWORK_CONFIG_ERROR ? error->code : -1, error->message);
      /* Take the user to the field, keeping what was typed. */
      row = row_for_error (self, error->code);
      if (row != NULL)
        gtk_widget_grab_focus (row);
      return;
    }
  show_error (self, -1, NULL);

  xml = vireo_network_config_to_xml (config);
  self->busy = TRUE;
  gtk_spinner_start (self->spinner);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "network.create", FALSE);
  self->cancellable = g_cancellable_new ();
  vireo_connection_define_network_async (self->connection, xml, self->original_name,
                                         self->original == NULL && gtk_switch_get_active (self->start_switch),
                                         gtk_switch_get_active (self->autostart_switch),
                                         self->cancellable, on_defined, g_object_ref (self));
}

static void
copy_command_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VireoNetworkDialog *self = VIREO_NETWORK_DIALOG (widget);
  g_autofree char *command = vireo_network_dialog_dup_command (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), command);
}

/* ------------------------------------------------------------------------ */

static void
vireo_network_dialog_dispose (GObject *object)
{
  VireoNetworkDialog *self = VIREO_NETWORK_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_NETWORK_DIALOG);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->interfaces, g_ptr_array_unref);
  g_clear_pointer (&self->other_subnets, g_strfreev);
  g_clear_pointer (&self->taken_names, g_strfreev);
  g_clear_object (&self->original);
  g_clear_pointer (&self->original_name, g_free);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (vireo_network_dialog_parent_class)->dispose (object);
}

static void
vireo_network_dialog_class_init (VireoNetworkDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_network_dialog_dispose;

  /**
   * VireoNetworkDialog::created:
   * @name: the new network's name
   *
   * The network is defined (and started, if asked); the dialog closes.
   */
  signals[SIGNAL_CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-network-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VireoNetworkDialog, name)
  BIND (create_button);
  BIND (spinner);
  BIND (error_revealer);
  BIND (error_label);
  BIND (general_group);
  BIND (name_row);
  BIND (mode_row);
  BIND (forward_row);
  BIND (nat_range_row);
  BIND (nat_ports_row);
  BIND (host_bridge_row);
  BIND (macvtap_mode_row);
  BIND (interfaces_row);
  BIND (pf_row);
  BIND (ipv4_group);
  BIND (ipv4_switch);
  BIND (ipv4_address_row);
  BIND (dhcp4_row);
  BIND (dhcp4_switch);
  BIND (dhcp4_start_row);
  BIND (dhcp4_end_row);
  BIND (ipv6_group);
  BIND (ipv6_switch);
  BIND (ipv6_address_row);
  BIND (dhcp6_row);
  BIND (dhcp6_switch);
  BIND (dhcp6_start_row);
  BIND (dhcp6_end_row);
  BIND (dns_group);
  BIND (domain_row);
  BIND (local_only_switch);
  BIND (forwarders_row);
  BIND (srv_row);
  BIND (txt_row);
  BIND (routes_row);
  BIND (bridge_group);
  BIND (bridge_name_row);
  BIND (stp_switch);
  BIND (delay_row);
  BIND (mtu_row);
  BIND (mac_row);
  BIND (start_switch);
  BIND (autostart_switch);
  BIND (command_label);
  BIND (xml_label);
#undef BIND

  gtk_widget_class_install_action (widget_class, "network.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "network.copy-command", NULL, copy_command_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vireo_network_dialog_init (VireoNetworkDialog *self)
{
  g_autoptr(GtkStringList) mode_model = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) forward_model = gtk_string_list_new (NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->error_code = -1;

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    gtk_string_list_append (mode_model, vireo_network_mode_get_label (modes[i]));
  adw_combo_row_set_model (self->mode_row, G_LIST_MODEL (mode_model));
  gtk_string_list_append (forward_model, _("Any host interface"));
  adw_combo_row_set_model (self->forward_row, G_LIST_MODEL (forward_model));

  {
    GtkWidget *rows[] = {
      self->name_row, self->host_bridge_row, self->interfaces_row, self->pf_row, self->ipv4_address_row,
      self->nat_range_row, self->nat_ports_row, self->forwarders_row, self->srv_row, self->txt_row,
      self->routes_row,
      self->dhcp4_start_row, self->dhcp4_end_row, self->ipv6_address_row, self->dhcp6_start_row,
      self->dhcp6_end_row, self->domain_row, self->bridge_name_row, self->delay_row, self->mtu_row,
      self->mac_row,
    };
    GtkSwitch *switches[] = {
      self->ipv4_switch, self->dhcp4_switch, self->ipv6_switch, self->dhcp6_switch, self->local_only_switch,
      self->stp_switch,
    };

    /* Before on_changed, so the preview sees the range that follows. */
    g_signal_connect_object (self->ipv4_address_row, "changed", G_CALLBACK (on_address_changed), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->dhcp4_start_row, "changed", G_CALLBACK (on_range_changed), self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (self->dhcp4_end_row, "changed", G_CALLBACK (on_range_changed), self,
                             G_CONNECT_SWAPPED);
    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      g_signal_connect_object (rows[i], "changed", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
    for (guint i = 0; i < G_N_ELEMENTS (switches); i++)
      g_signal_connect_object (switches[i], "notify::active", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  }
  g_signal_connect_object (self->mode_row, "notify::selected", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->forward_row, "notify::selected", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->macvtap_mode_row, "notify::selected", G_CALLBACK (on_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->start_switch, "notify::active", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->autostart_switch, "notify::active", G_CALLBACK (on_changed), self,
                           G_CONNECT_SWAPPED);
}

/**
 * vireo_network_dialog_new:
 * @connection: the host to create the network on
 * @other_subnets: (nullable): the host's networks' subnets, as
 *   vireo_network_config_dup_subnets() gives them, for the overlap check
 *   and a free default subnet
 * @taken_names: (nullable): names of the host's networks
 */
GtkWidget *
vireo_network_dialog_new (VireoConnection    *connection,
                          const char * const *other_subnets,
                          const char * const *taken_names)
{
  VireoNetworkDialog *self;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);

  self = g_object_new (VIREO_TYPE_NETWORK_DIALOG, NULL);
  self->connection = g_object_ref (connection);
  self->other_subnets = g_strdupv ((char **) other_subnets);
  self->taken_names = g_strdupv ((char **) taken_names);
  fill_defaults (self);
  vireo_connection_list_host_interface_details_async (connection, NULL, on_interfaces_listed,
                                                      g_object_ref (self));
  return GTK_WIDGET (self);
}

static void
fill_ip_rows (VireoNetworkDialog *self,
              VireoNetworkFamily  family)
{
  gboolean v4 = family == VIREO_NETWORK_FAMILY_IPV4;
  g_autoptr(VireoNetworkIp) ip = vireo_network_config_dup_ip (self->original, family);

  gtk_switch_set_active (v4 ? self->ipv4_switch : self->ipv6_switch, ip != NULL);
  gtk_switch_set_active (v4 ? self->dhcp4_switch : self->dhcp6_switch, ip == NULL || ip->dhcp_start != NULL);
  if (ip == NULL)
    return;
  {
    g_autofree char *address = g_strdup_printf ("%s/%u", ip->address, ip->prefix);

    set_text (v4 ? self->ipv4_address_row : self->ipv6_address_row, address);
  }
  set_text (v4 ? self->dhcp4_start_row : self->dhcp6_start_row, ip->dhcp_start);
  set_text (v4 ? self->dhcp4_end_row : self->dhcp6_end_row, ip->dhcp_end);
}

/* The form shows the network being edited. */
static void
fill_from_original (VireoNetworkDialog *self)
{
  VireoNetworkConfig *config = self->original;
  VireoNetworkMode mode = vireo_network_config_get_mode (config);
  g_autofree char *bridge = vireo_network_config_dup_bridge_name (config);
  g_autofree char *mac = vireo_network_config_dup_mac (config);
  g_autofree char *domain = NULL;
  g_autofree char *pf = vireo_network_config_dup_hostdev_pf (config);
  g_autofree char *nat_start = NULL;
  g_autofree char *nat_end = NULL;
  g_auto(GStrv) devs = vireo_network_config_dup_interfaces (config);
  gboolean local_only = FALSE;
  guint port_start = 0, port_end = 0;

  self->filling = TRUE;
  set_text (self->name_row, self->original_name);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (modes[i] == mode)
      adw_combo_row_set_selected (self->mode_row, i);
  for (guint i = 0; i < G_N_ELEMENTS (macvtap_modes); i++)
    if (macvtap_modes[i] == vireo_network_config_get_macvtap_mode (config))
      adw_combo_row_set_selected (self->macvtap_mode_row, i);
  if (devs != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", devs);

      set_text (self->interfaces_row, joined);
    }
  set_text (self->pf_row, pf);
  if (vireo_network_config_get_nat_range (config, &nat_start, &nat_end) && nat_start != NULL)
    {
      g_autofree char *range = g_strdup_printf ("%s – %s", nat_start, nat_end ? nat_end : nat_start);

      set_text (self->nat_range_row, range);
    }
  if (vireo_network_config_get_nat_ports (config, &port_start, &port_end) && port_start != 0)
    {
      g_autofree char *ports = g_strdup_printf ("%u – %u", port_start, port_end);

      set_text (self->nat_ports_row, ports);
    }
  if (mode == VIREO_NETWORK_MODE_BRIDGE)
    set_text (self->host_bridge_row, bridge);
  else
    set_text (self->bridge_name_row, bridge);
  fill_ip_rows (self, VIREO_NETWORK_FAMILY_IPV4);
  fill_ip_rows (self, VIREO_NETWORK_FAMILY_IPV6);
  domain = vireo_network_config_dup_domain_name (config, &local_only);
  set_text (self->domain_row, domain);
  gtk_switch_set_active (self->local_only_switch, local_only);
  show_lists (self, config);
  gtk_switch_set_active (self->stp_switch, vireo_network_config_get_stp (config));
  if (vireo_network_config_get_delay (config) > 0)
    {
      g_autofree char *delay = g_strdup_printf ("%u", vireo_network_config_get_delay (config));

      set_text (self->delay_row, delay);
    }
  if (vireo_network_config_get_mtu (config) > 0)
    {
      g_autofree char *mtu = g_strdup_printf ("%u", vireo_network_config_get_mtu (config));

      set_text (self->mtu_row, mtu);
    }
  set_text (self->mac_row, mac);
  /* Saving never starts or stops it; autostart is its own. */
  gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->start_switch), ADW_TYPE_ACTION_ROW), FALSE);
  gtk_switch_set_active (self->start_switch, FALSE);
  gtk_switch_set_active (self->autostart_switch, self->autostart);
  self->dhcp4_auto = FALSE;
  self->filling = FALSE;
  on_changed (self);
}

/**
 * vireo_network_dialog_new_for_edit:
 * @connection: the network's host
 * @xml: the network's definition
 * @autostart: whether it starts with the host
 * @other_subnets: (nullable): the subnets of the host's other networks
 * @taken_names: (nullable): names of the host's networks
 *
 * The same form, showing one network; Save defines it again under its name
 * (or a new one: libvirt renames only stopped networks). Everything the
 * form does not show is kept.
 *
 * Returns: (transfer floating) (nullable): the dialog, %NULL when @xml is
 *   not a network
 */
GtkWidget *
vireo_network_dialog_new_for_edit (VireoConnection    *connection,
                                   const char         *xml,
                                   gboolean            autostart,
                                   const char * const *other_subnets,
                                   const char * const *taken_names)
{
  VireoNetworkDialog *self;
  g_autoptr(VireoNetworkConfig) original = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);

  original = vireo_network_config_new_from_xml (xml, NULL);
  if (original == NULL)
    return NULL;
  self = g_object_new (VIREO_TYPE_NETWORK_DIALOG, NULL);
  self->connection = g_object_ref (connection);
  self->other_subnets = g_strdupv ((char **) other_subnets);
  self->taken_names = g_strdupv ((char **) taken_names);
  self->original = g_steal_pointer (&original);
  self->original_name = vireo_network_config_dup_name (self->original);
  self->autostart = autostart;
  /* Translators: a window title; %s is a network's name */
  title = g_strdup_printf (_("Edit “%s”"), self->original_name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_button_set_label (GTK_BUTTON (self->create_button), _("_Save"));
  fill_from_original (self);
  vireo_connection_list_host_interface_details_async (connection, NULL, on_interfaces_listed,
                                                      g_object_ref (self));
  return GTK_WIDGET (self);
}

/**
 * vireo_network_dialog_dup_xml:
 *
 * Returns: (nullable): the network the form describes now; %NULL when a
 *   number field holds something else
 */
char *
vireo_network_dialog_dup_xml (VireoNetworkDialog *self)
{
  g_autoptr(VireoNetworkConfig) config = NULL;

  g_return_val_if_fail (VIREO_IS_NETWORK_DIALOG (self), NULL);

  config = build_config (self, NULL);
  return config ? vireo_network_config_to_xml (config) : NULL;
}

const char *
vireo_network_dialog_get_error (VireoNetworkDialog *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_DIALOG (self), NULL);
  return self->error;
}

/**
 * vireo_network_dialog_get_error_code:
 *
 * Returns: the #VireoNetworkConfigError of the field shown as wrong, or -1
 */
int
vireo_network_dialog_get_error_code (VireoNetworkDialog *self)
{
  g_return_val_if_fail (VIREO_IS_NETWORK_DIALOG (self), -1);
  return self->error_code;
}

/**
 * vireo_network_dialog_dup_command:
 *
 * Returns: what Create does, as virsh commands
 */
char *
vireo_network_dialog_dup_command (VireoNetworkDialog *self)
{
  const char *uri;
  g_autofree char *name = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *define = NULL;

  g_return_val_if_fail (VIREO_IS_NETWORK_DIALOG (self), NULL);

  uri = vireo_connection_get_uri (self->connection);
  name = stripped (self->name_row);
  if (name == NULL)
    name = g_strdup ("NAME");
  define = vireo_command_for_network (uri, VIREO_NETWORK_COMMAND_DEFINE, name);
  g_string_append (text, define);
  if (gtk_switch_get_active (self->start_switch))
    {
      g_autofree char *line = vireo_command_for_network (uri, VIREO_NETWORK_COMMAND_START, name);

      g_string_append_printf (text, "\n%s", line);
    }
  if (gtk_switch_get_active (self->autostart_switch))
    {
      g_autofree char *line = vireo_command_for_network (uri, VIREO_NETWORK_COMMAND_AUTOSTART_ON, name);

      g_string_append_printf (text, "\n%s", line);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
