/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-network-ops"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/tree.h>

#include "vireo-connection-private.h"
#include "vireo-network-config.h"
#include "vireo-network-ops.h"
#include "vireo-virt-error.h"
#include "vireo-xml.h"

/*
 * Virtual network management, each call a GTask whose thread function runs
 * on the connection's ops worker (vireo_connection_run) and returns plain
 * data. Equivalent virsh lines come from vireo_command_for_network().
 *
 * Define is never an overwrite: libvirt's virNetworkDefineXML replaces a
 * network of the same name, so a create whose name is taken is refused
 * here first (VIREO_VIRT_ERROR_EXISTS). A rename (only of an inactive
 * network; libvirt has no rename) undefines the old definition, then
 * defines the new one with the same UUID; should that fail the old one is
 * put back. Undefining first matters: libvirt refuses a second definition
 * that names the same bridge.
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (virNetwork, virNetworkFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virInterface, virInterfaceFree)

/* ------------------------------------------------------------------------ */
/* Result structs                                                            */

void
vireo_network_details_free (VireoNetworkDetails *details)
{
  if (details == NULL)
    return;
  g_free (details->name);
  g_free (details->uuid);
  g_free (details->xml);
  g_free (details->live_xml);
  g_clear_pointer (&details->domains, g_ptr_array_unref);
  g_clear_pointer (&details->mac_owners, g_hash_table_unref);
  g_free (details);
}

void
vireo_network_lease_free (VireoNetworkLease *lease)
{
  if (lease == NULL)
    return;
  g_free (lease->iface);
  g_free (lease->type);
  g_free (lease->mac);
  g_free (lease->iaid);
  g_free (lease->ipaddr);
  g_free (lease->hostname);
  g_free (lease->clientid);
  g_free (lease);
}

void
vireo_host_interface_details_free (VireoHostInterfaceDetails *details)
{
  if (details == NULL)
    return;
  g_free (details->name);
  g_free (details->type);
  g_free (details->mac);
  g_clear_pointer (&details->addresses, g_ptr_array_unref);
  g_free (details);
}

/* Each struct starts with its name: one comparison sorts them all. */
static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  const char *name_a = **(char * const * const *) a;
  const char *name_b = **(char * const * const *) b;

  return g_strcmp0 (name_a, name_b);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* ------------------------------------------------------------------------ */
/* Lookups                                                                   */

static virNetworkPtr
lookup_network (virConnectPtr  conn,
                const char    *name,
                GError       **error)
{
  virNetworkPtr net = virNetworkLookupByName (conn, name);

  if (net == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Could not find the network “%s”"), name);
      g_propagate_error (error, _vireo_error_from_last (what));
    }
  return net;
}

/* ------------------------------------------------------------------------ */
/* Network list                                                              */

/* Adds to @users (network name -> GHashTable of domain names) the networks
 * the <interface type='network'> devices of @xml use, and to @owners
 * (network name -> GHashTable of lower-case MAC -> domain name) their
 * MACs, so a lease can name its machine. */
static void
collect_domain_networks (GHashTable *users,
                         GHashTable *owners,
                         const char *domain_name,
                         const char *xml)
{
  xmlDocPtr doc;
  xmlNodePtr devices;

  if (xml == NULL || (doc = vireo_xml_read (xml, "domain.xml")) == NULL)
    return;
  devices = vireo_xml_child (xmlDocGetRootElement (doc), "devices");
  for (xmlNodePtr n = vireo_xml_child (devices, "interface"); n != NULL; n = vireo_xml_next_sibling (n, "interface"))
    {
      g_autofree char *type = vireo_xml_get_prop (n, "type");
      g_autofree char *network = NULL;
      GHashTable *names;

      if (g_strcmp0 (type, "network") != 0)
        continue;
      network = vireo_xml_get_child_prop (n, "source", "network");
      if (network == NULL)
        continue;
      names = g_hash_table_lookup (users, network);
      if (names == NULL)
        {
          names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_insert (users, g_strdup (network), names);
        }
      g_hash_table_add (names, g_strdup (domain_name));

      {
        g_autofree char *mac = vireo_xml_get_child_prop (n, "mac", "address");
        GHashTable *macs;

        if (mac == NULL)
          continue;
        macs = g_hash_table_lookup (owners, network);
        if (macs == NULL)
          {
            macs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
            g_hash_table_insert (owners, g_strdup (network), macs);
          }
        g_hash_table_replace (macs, g_ascii_strdown (mac, -1), g_strdup (domain_name));
      }
    }
  xmlFreeDoc (doc);
}

/* Which machines use which network, from every domain's persistent and
 * live definition: a NIC hot-plugged into a running guest counts too.
 * Definitions come from the connection's cache (read once). */
static GHashTable *
read_network_users (VireoConnection *self,
                    virConnectPtr    conn,
                    GHashTable      *owners,
                    GError         **error)
{
  g_autoptr(GHashTable) users =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GPtrArray) xmls = _vireo_connection_read_domain_xmls (self, conn);

  if (xmls == NULL)
    {
      if (_vireo_driver_lacks_it ())
        return g_steal_pointer (&users);
      g_propagate_error (error, _vireo_error_from_last (_("Could not list the machines")));
      return NULL;
    }
  for (guint i = 0; i < xmls->len; i++)
    {
      VireoDomainXmls *domain = g_ptr_array_index (xmls, i);

      collect_domain_networks (users, owners, domain->name, domain->inactive);
      collect_domain_networks (users, owners, domain->name, domain->live);
    }
  return g_steal_pointer (&users);
}

/* The test driver (and older remotes) refuse INACTIVE: their networks
 * have one definition only. */
static char *
dup_network_xml (virNetworkPtr net,
                 unsigned int  flags)
{
  char *xml = virNetworkGetXMLDesc (net, flags);
  char *ret;

  if (xml == NULL && flags != 0
      && (virGetLastErrorCode () == VIR_ERR_INVALID_ARG || virGetLastErrorCode () == VIR_ERR_ARGUMENT_UNSUPPORTED))
    {
      virResetLastError ();
      xml = virNetworkGetXMLDesc (net, 0);
    }
  if (xml == NULL)
    return NULL;
  ret = g_strdup (xml);
  free (xml);
  return ret;
}

static VireoNetworkDetails *
read_network_details (virNetworkPtr  net,
                      GHashTable    *users,
                      GHashTable    *owners)
{
  g_autoptr(VireoNetworkDetails) details = g_new0 (VireoNetworkDetails, 1);
  char uuid[VIR_UUID_STRING_BUFLEN];
  int active, persistent, autostart = 0;
  GHashTable *names;

  details->name = g_strdup (virNetworkGetName (net));
  if (virNetworkGetUUIDString (net, uuid) < 0)
    return NULL;
  details->uuid = g_strdup (uuid);
  if ((active = virNetworkIsActive (net)) < 0 || (persistent = virNetworkIsPersistent (net)) < 0
      || virNetworkGetAutostart (net, &autostart) < 0)
    return NULL;
  details->active = active == 1;
  details->persistent = persistent == 1;
  details->autostart = autostart != 0;

  details->xml = dup_network_xml (net, details->persistent ? VIR_NETWORK_XML_INACTIVE : 0);
  if (details->xml == NULL)
    return NULL;
  if (details->active && (details->live_xml = dup_network_xml (net, 0)) == NULL)
    return NULL;

  details->domains = g_ptr_array_new_with_free_func (g_free);
  names = g_hash_table_lookup (users, details->name);
  if (names != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, names);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (details->domains, g_strdup (key));
      g_ptr_array_sort (details->domains, compare_strings);
    }
  details->mac_owners = g_hash_table_lookup (owners, details->name);
  if (details->mac_owners != NULL)
    g_hash_table_ref (details->mac_owners);
  else
    details->mac_owners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return g_steal_pointer (&details);
}

static void
list_network_details_thread (GTask        *task,
                             virConnectPtr conn,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_details_free);
  g_autoptr(GHashTable) users = NULL;
  g_autoptr(GHashTable) owners =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  virNetworkPtr *nets = NULL;
  GError *error = NULL;
  int n;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  n = virConnectListAllNetworks (conn, &nets, 0);
  if (n < 0)
    {
      if (_vireo_driver_lacks_it ())
        g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_error (task, _vireo_error_from_last (_("Could not list the virtual networks")));
      return;
    }
  if (n > 0)
    users = read_network_users (VIREO_CONNECTION (g_task_get_source_object (task)), conn, owners, &error);
  for (int i = 0; i < n; i++)
    {
      g_autoptr(virNetwork) net = nets[i];
      VireoNetworkDetails *details;

      if (error != NULL)
        continue;
      details = read_network_details (net, users, owners);
      if (details != NULL)
        g_ptr_array_add (list, details);
      else if (!_vireo_item_vanished ())
        error = _vireo_error_from_last (_("Could not read a virtual network"));
    }
  free (nets);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_sort (list, compare_by_name);
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_connection_list_network_details_async:
 *
 * Every virtual network with its definition, live XML and the machines
 * whose NICs use it, sorted by name (`virsh net-list --all` and
 * `net-dumpxml`). Reads every machine's XML once, so call it when the
 * Networks page is shown or a `network-changed` arrives, not on a timer.
 */
void
vireo_connection_list_network_details_async (VireoConnection     *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_list_network_details_async);
  vireo_connection_run (self, task, list_network_details_thread);
}

/**
 * vireo_connection_list_network_details_finish:
 *
 * Returns: (transfer container) (element-type VireoNetworkDetails): the
 *   networks; empty when the driver has no network support
 */
GPtrArray *
vireo_connection_list_network_details_finish (VireoConnection  *self,
                                              GAsyncResult     *result,
                                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Actions                                                                   */

typedef struct
{
  char               *name;
  VireoNetworkAction  action;
} ActionData;

static void
action_data_free (gpointer data)
{
  ActionData *d = data;

  g_free (d->name);
  g_free (d);
}

static void
network_action_thread (GTask        *task,
                       virConnectPtr conn,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  ActionData *d = task_data;
  g_autoptr(virNetwork) net = NULL;
  GError *error = NULL;
  int active;
  int rc = 0;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  net = lookup_network (conn, d->name, &error);
  if (net == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  switch (d->action)
    {
    case VIREO_NETWORK_ACTION_START:
      rc = virNetworkCreate (net);
      if (rc < 0)
        error = _vireo_error_from_last (_("Could not start the network"));
      break;

    case VIREO_NETWORK_ACTION_STOP:
      rc = virNetworkDestroy (net);
      if (rc < 0)
        error = _vireo_error_from_last (_("Could not stop the network"));
      break;

    case VIREO_NETWORK_ACTION_AUTOSTART_ON:
    case VIREO_NETWORK_ACTION_AUTOSTART_OFF:
      rc = virNetworkSetAutostart (net, d->action == VIREO_NETWORK_ACTION_AUTOSTART_ON);
      if (rc < 0)
        error = _vireo_error_from_last (_("Could not change whether the network starts with the host"));
      break;

    case VIREO_NETWORK_ACTION_UNDEFINE:
      active = virNetworkIsActive (net);
      if (active == 1 && virNetworkDestroy (net) < 0)
        {
          error = _vireo_error_from_last (_("Could not stop the network before deleting it"));
          break;
        }
      /* A transient network is gone once stopped. */
      if (virNetworkIsPersistent (net) == 1 && virNetworkUndefine (net) < 0)
        error = _vireo_error_from_last (_("Could not delete the network"));
      break;

    case VIREO_NETWORK_ACTION_RESTART:
      active = virNetworkIsActive (net);
      if (active == 1 && virNetworkDestroy (net) < 0)
        {
          error = _vireo_error_from_last (_("Could not stop the network"));
          break;
        }
      if (virNetworkCreate (net) < 0)
        error = _vireo_error_from_last (_("Could not start the network again"));
      break;

    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_connection_network_action_async:
 * @name: the network
 * @action: what to do
 *
 * Starts, stops, restarts (applies a changed definition), sets autostart
 * or deletes (stopping it first) a network. A failed start keeps
 * libvirt's message; vireo_network_explain_start_error() turns the common
 * ones into a likely fix.
 */
void
vireo_connection_network_action_async (VireoConnection     *self,
                                       const char          *name,
                                       VireoNetworkAction   action,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;
  ActionData *d;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (action <= VIREO_NETWORK_ACTION_RESTART);

  d = g_new0 (ActionData, 1);
  d->name = g_strdup (name);
  d->action = action;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_network_action_async);
  g_task_set_task_data (task, d, action_data_free);
  vireo_connection_run (self, task, network_action_thread);
}

gboolean
vireo_connection_network_action_finish (VireoConnection  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Define                                                                    */

typedef struct
{
  char     *xml;
  char     *old_name;
  gboolean  start;
  gboolean  autostart;
} DefineData;

static void
define_data_free (gpointer data)
{
  DefineData *d = data;

  g_free (d->xml);
  g_free (d->old_name);
  g_free (d);
}

static virNetworkPtr
define_xml (virConnectPtr conn,
            const char   *xml)
{
  virNetworkPtr net = virNetworkDefineXMLFlags (conn, xml, VIR_NETWORK_DEFINE_VALIDATE);

  /* Drivers without the flag (older or remote daemons) define unchecked. */
  if (net == NULL && (virGetLastErrorCode () == VIR_ERR_NO_SUPPORT
                      || virGetLastErrorCode () == VIR_ERR_INVALID_ARG))
    {
      virResetLastError ();
      net = virNetworkDefineXML (conn, xml);
    }
  return net;
}

static void
define_network_thread (GTask        *task,
                       virConnectPtr conn,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  DefineData *d = task_data;
  g_autoptr(VireoNetworkConfig) config = NULL;
  g_autoptr(virNetwork) existing = NULL;
  g_autoptr(virNetwork) old = NULL;
  g_autoptr(virNetwork) net = NULL;
  g_autofree char *name = NULL;
  g_autofree char *old_xml = NULL;
  gboolean renaming;
  GError *error = NULL;
  int autostart = 0;

  if (_vireo_return_if_not_connected (task, conn))
    return;

  config = vireo_network_config_new_from_xml (d->xml, &error);
  if (config == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  name = vireo_network_config_dup_name (config);
  if (name == NULL || *name == '\0')
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG,
                               _("The network needs a name"));
      return;
    }
  renaming = d->old_name != NULL && g_strcmp0 (d->old_name, name) != 0;

  /* virNetworkDefineXML would replace a network of that name. */
  if (d->old_name == NULL || renaming)
    {
      existing = virNetworkLookupByName (conn, name);
      if (existing != NULL)
        {
          g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS,
                                   _("A network named “%s” already exists"), name);
          return;
        }
      if (virGetLastErrorCode () != VIR_ERR_NO_NETWORK)
        {
          g_task_return_error (task, _vireo_error_from_last (_("Could not check the network's name")));
          return;
        }
      virResetLastError ();
    }

  if (renaming)
    {
      old = lookup_network (conn, d->old_name, &error);
      if (old == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (virNetworkIsActive (old) == 1)
        {
          g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID,
                                   _("Stop the network “%s” before renaming it"), d->old_name);
          return;
        }
      old_xml = dup_network_xml (old, VIR_NETWORK_XML_INACTIVE);
      if (old_xml == NULL)
        {
          g_task_return_error (task, _vireo_error_from_last (_("Could not read the network")));
          return;
        }
      virNetworkGetAutostart (old, &autostart);
      if (virNetworkUndefine (old) < 0)
        {
          g_task_return_error (task, _vireo_error_from_last (_("Could not rename the network")));
          return;
        }
    }

  net = define_xml (conn, d->xml);
  if (net == NULL)
    {
      error = _vireo_error_from_last (_("Could not save the network"));
      if (old_xml != NULL)
        {
          g_autoptr(virNetwork) back = virNetworkDefineXML (conn, old_xml);

          if (back == NULL)
            g_prefix_error (&error, _("The network “%s” is lost (%s): "), d->old_name,
                            virGetLastErrorMessage ());
          else if (autostart)
            virNetworkSetAutostart (back, 1);
          virResetLastError ();
        }
      g_task_return_error (task, error);
      return;
    }

  if (virNetworkGetAutostart (net, &autostart) == 0 && !!autostart != !!d->autostart
      && virNetworkSetAutostart (net, d->autostart) < 0)
    {
      g_task_return_error (task, _vireo_error_from_last (_("The network was saved, but autostart could not be set")));
      return;
    }
  if (d->start && virNetworkIsActive (net) != 1 && virNetworkCreate (net) < 0)
    {
      g_task_return_error (task, _vireo_error_from_last (_("The network was saved, but could not start")));
      return;
    }
  g_task_return_pointer (task, g_strdup (virNetworkGetName (net)), g_free);
}

/**
 * vireo_connection_define_network_async:
 * @xml: the definition
 * @old_name: (nullable): %NULL to create; the network's current name to
 *   edit it (a different name in @xml renames it, which needs it stopped)
 * @start: start it afterwards, unless it runs already
 * @autostart: whether it starts with the host
 *
 * Defines a network with libvirt's schema check. A create (no @old_name)
 * or a rename to a name that is taken fails with %VIREO_VIRT_ERROR_EXISTS
 * and changes nothing. When the start fails, the definition stays saved
 * and the error says so.
 */
void
vireo_connection_define_network_async (VireoConnection     *self,
                                       const char          *xml,
                                       const char          *old_name,
                                       gboolean             start,
                                       gboolean             autostart,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;
  DefineData *d;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (xml != NULL);

  d = g_new0 (DefineData, 1);
  d->xml = g_strdup (xml);
  d->old_name = g_strdup (old_name);
  d->start = start;
  d->autostart = autostart;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_define_network_async);
  g_task_set_task_data (task, d, define_data_free);
  vireo_connection_run (self, task, define_network_thread);
}

/**
 * vireo_connection_define_network_finish:
 *
 * Returns: (transfer full): the network's name
 */
char *
vireo_connection_define_network_finish (VireoConnection  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Live updates                                                              */

typedef struct
{
  char                     *name;
  VireoNetworkUpdateSection section;
  VireoNetworkUpdateCommand command;
  char                     *xml;
  gboolean                  live;
  gboolean                  config;
} UpdateData;

static void
update_data_free (gpointer data)
{
  UpdateData *d = data;

  g_free (d->name);
  g_free (d->xml);
  g_free (d);
}

static void
update_network_thread (GTask        *task,
                       virConnectPtr conn,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  UpdateData *d = task_data;
  g_autoptr(virNetwork) net = NULL;
  GError *error = NULL;
  unsigned int command, section, flags = 0;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  net = lookup_network (conn, d->name, &error);
  if (net == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  command = d->command == VIREO_NETWORK_UPDATE_ADD ? VIR_NETWORK_UPDATE_COMMAND_ADD_LAST
          : d->command == VIREO_NETWORK_UPDATE_MODIFY ? VIR_NETWORK_UPDATE_COMMAND_MODIFY
          : VIR_NETWORK_UPDATE_COMMAND_DELETE;
  section = d->section == VIREO_NETWORK_UPDATE_DHCP_HOST ? VIR_NETWORK_SECTION_IP_DHCP_HOST
          : VIR_NETWORK_SECTION_DNS_HOST;
  if (d->live)
    flags |= VIR_NETWORK_UPDATE_AFFECT_LIVE;
  if (d->config)
    flags |= VIR_NETWORK_UPDATE_AFFECT_CONFIG;

  /* parentIndex -1: the first <ip> of the family the host entry is for. */
  if (virNetworkUpdate (net, command, section, -1, d->xml, flags) < 0)
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not change the running network")));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * vireo_connection_update_network_async:
 * @section: what the element is: a DHCP host or a DNS host entry
 * @command: add (last), modify (matched by MAC / address) or delete
 * @xml: the element: vireo_network_dhcp_host_to_xml(),
 *   vireo_network_dns_host_to_xml() or
 *   vireo_network_config_dup_dhcp_host_xml()
 * @live: change the running network (dnsmasq is told at once)
 * @config: change its definition too
 *
 * virNetworkUpdate: the changes libvirt can make without a restart. With
 * neither @live nor @config, libvirt's "current" state is changed.
 */
void
vireo_connection_update_network_async (VireoConnection          *self,
                                       const char               *name,
                                       VireoNetworkUpdateSection section,
                                       VireoNetworkUpdateCommand command,
                                       const char               *xml,
                                       gboolean                  live,
                                       gboolean                  config,
                                       GCancellable             *cancellable,
                                       GAsyncReadyCallback       callback,
                                       gpointer                  user_data)
{
  GTask *task;
  UpdateData *d;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (name != NULL && xml != NULL);
  g_return_if_fail (section <= VIREO_NETWORK_UPDATE_DNS_HOST);
  g_return_if_fail (command <= VIREO_NETWORK_UPDATE_DELETE);

  d = g_new0 (UpdateData, 1);
  d->name = g_strdup (name);
  d->section = section;
  d->command = command;
  d->xml = g_strdup (xml);
  d->live = live;
  d->config = config;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_update_network_async);
  g_task_set_task_data (task, d, update_data_free);
  vireo_connection_run (self, task, update_network_thread);
}

gboolean
vireo_connection_update_network_finish (VireoConnection  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Leases                                                                    */

static void
list_leases_thread (GTask        *task,
                    virConnectPtr conn,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  const char *name = task_data;
  g_autoptr(virNetwork) net = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_network_lease_free);
  virNetworkDHCPLeasePtr *leases = NULL;
  GError *error = NULL;
  int n;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  net = lookup_network (conn, name, &error);
  if (net == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  n = virNetworkGetDHCPLeases (net, NULL, &leases, 0);
  if (n < 0)
    {
      if (_vireo_driver_lacks_it ())
        g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_error (task, _vireo_error_from_last (_("Could not read the network's DHCP leases")));
      return;
    }
  for (int i = 0; i < n; i++)
    {
      virNetworkDHCPLeasePtr l = leases[i];
      VireoNetworkLease *lease = g_new0 (VireoNetworkLease, 1);

      lease->iface = g_strdup (l->iface);
      lease->expiry = l->expirytime;
      lease->type = g_strdup (l->type == VIR_IP_ADDR_TYPE_IPV6 ? "ipv6" : "ipv4");
      lease->mac = g_strdup (l->mac);
      lease->iaid = g_strdup (l->iaid);
      lease->ipaddr = g_strdup (l->ipaddr);
      lease->prefix = l->prefix;
      lease->hostname = g_strdup (l->hostname);
      lease->clientid = g_strdup (l->clientid);
      g_ptr_array_add (list, lease);
      virNetworkDHCPLeaseFree (l);
    }
  free (leases);
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_connection_list_network_leases_async:
 *
 * The DHCP leases dnsmasq handed out on the network
 * (`virsh net-dhcp-leases`), in libvirt's order.
 */
void
vireo_connection_list_network_leases_async (VireoConnection     *self,
                                            const char          *name,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_list_network_leases_async);
  g_task_set_task_data (task, g_strdup (name), g_free);
  vireo_connection_run (self, task, list_leases_thread);
}

/**
 * vireo_connection_list_network_leases_finish:
 *
 * Returns: (transfer container) (element-type VireoNetworkLease)
 */
GPtrArray *
vireo_connection_list_network_leases_finish (VireoConnection  *self,
                                             GAsyncResult     *result,
                                             GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Host interfaces                                                           */

static VireoHostInterfaceDetails *
read_interface_details (virInterfacePtr iface)
{
  g_autoptr(VireoHostInterfaceDetails) details = g_new0 (VireoHostInterfaceDetails, 1);
  const char *mac = virInterfaceGetMACString (iface);
  xmlDocPtr doc;
  xmlNodePtr root;
  char *xml;
  int active;

  details->name = g_strdup (virInterfaceGetName (iface));
  details->addresses = g_ptr_array_new_with_free_func (g_free);
  if ((active = virInterfaceIsActive (iface)) < 0 || (xml = virInterfaceGetXMLDesc (iface, 0)) == NULL)
    return NULL;
  details->active = active == 1;
  doc = vireo_xml_read (xml, "interface.xml");
  free (xml);
  root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  if (root != NULL)
    {
      details->type = vireo_xml_get_prop (root, "type");
      if (mac == NULL || *mac == '\0')
        details->mac = vireo_xml_get_child_prop (root, "mac", "address");
      for (xmlNodePtr p = vireo_xml_child (root, "protocol"); p != NULL; p = vireo_xml_next_sibling (p, "protocol"))
        for (xmlNodePtr ip = vireo_xml_child (p, "ip"); ip != NULL; ip = vireo_xml_next_sibling (ip, "ip"))
          {
            g_autofree char *address = vireo_xml_get_prop (ip, "address");
            g_autofree char *prefix = vireo_xml_get_prop (ip, "prefix");

            if (address != NULL)
              g_ptr_array_add (details->addresses,
                               prefix != NULL ? g_strdup_printf ("%s/%s", address, prefix) : g_strdup (address));
          }
    }
  if (doc != NULL)
    xmlFreeDoc (doc);
  if (details->mac == NULL && mac != NULL && *mac != '\0')
    details->mac = g_strdup (mac);
  if (details->type == NULL)
    details->type = g_strdup ("ethernet");
  return g_steal_pointer (&details);
}

static void
list_interface_details_thread (GTask        *task,
                               virConnectPtr conn,
                               gpointer      task_data,
                               GCancellable *cancellable)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_host_interface_details_free);
  virInterfacePtr *ifaces = NULL;
  GError *error = NULL;
  int n;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  n = virConnectListAllInterfaces (conn, &ifaces, 0);
  if (n < 0 && !_vireo_driver_lacks_it ())
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not list the host's network interfaces")));
      return;
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(virInterface) iface = ifaces[i];
      VireoHostInterfaceDetails *details;

      /* Loopback can carry no guest. */
      if (error != NULL || g_strcmp0 (virInterfaceGetName (iface), "lo") == 0)
        continue;
      details = read_interface_details (iface);
      if (details != NULL)
        g_ptr_array_add (list, details);
      else if (!_vireo_item_vanished ())
        error = _vireo_error_from_last (_("Could not read a host network interface"));
    }
  free (ifaces);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_sort (list, compare_by_name);
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_connection_list_host_interface_details_async:
 *
 * The host's interfaces and bridges (loopback left out) with their MAC,
 * state and addresses (`virsh iface-list --all`, `iface-dumpxml`), sorted
 * by name, for the bridge and macvtap forms.
 */
void
vireo_connection_list_host_interface_details_async (VireoConnection     *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_list_host_interface_details_async);
  vireo_connection_run (self, task, list_interface_details_thread);
}

/**
 * vireo_connection_list_host_interface_details_finish:
 *
 * Returns: (transfer container) (element-type VireoHostInterfaceDetails):
 *   the interfaces; empty when the driver has no interface support
 */
GPtrArray *
vireo_connection_list_host_interface_details_finish (VireoConnection  *self,
                                                     GAsyncResult     *result,
                                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* The network map                                                           */

/* Only a connected agent is asked: a machine without one would hold the
 * worker for libvirt's agent timeout, once per machine, per refresh. */
static gboolean
agent_connected (const char *live_xml)
{
  xmlDocPtr doc = live_xml != NULL ? vireo_xml_read (live_xml, "domain.xml") : NULL;
  xmlNodePtr devices = doc != NULL ? vireo_xml_child (xmlDocGetRootElement (doc), "devices") : NULL;
  gboolean connected = FALSE;

  for (xmlNodePtr ch = vireo_xml_child (devices, "channel"); ch != NULL && !connected;
       ch = vireo_xml_next_sibling (ch, "channel"))
    {
      xmlNodePtr target = vireo_xml_child (ch, "target");
      g_autofree char *name = vireo_xml_get_prop (target, "name");
      g_autofree char *state = vireo_xml_get_prop (target, "state");

      connected = g_strcmp0 (name, "org.qemu.guest_agent.0") == 0 && g_strcmp0 (state, "connected") == 0;
    }
  if (doc != NULL)
    xmlFreeDoc (doc);
  return connected;
}

static void
add_agent_addresses (VireoNetMap   *map,
                     virConnectPtr  conn,
                     const char    *uuid)
{
  g_autoptr(virDomain) dom = virDomainLookupByUUIDString (conn, uuid);
  virDomainInterfacePtr *ifaces = NULL;
  int n;

  /* An agent that does not answer costs the addresses, not the map. */
  if (dom == NULL || (n = virDomainInterfaceAddresses (dom, &ifaces, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT, 0)) < 0)
    {
      virResetLastError ();
      return;
    }
  for (int i = 0; i < n; i++)
    {
      virDomainInterfacePtr iface = ifaces[i];

      for (guint j = 0; iface->hwaddr != NULL && j < iface->naddrs; j++)
        {
          const char *addr = iface->addrs[j].addr;

          if (addr != NULL && !g_str_has_prefix (addr, "127.") && g_strcmp0 (addr, "::1") != 0
              && !g_str_has_prefix (addr, "fe80:"))
            vireo_net_map_add_guest_address (map, uuid, iface->hwaddr, addr, iface->addrs[j].prefix);
        }
      virDomainInterfaceFree (iface);
    }
  free (ifaces);
}

static void
add_map_leases (VireoNetMap   *map,
                virNetworkPtr  net)
{
  virNetworkDHCPLeasePtr *leases = NULL;
  int n = virNetworkGetDHCPLeases (net, NULL, &leases, 0);

  if (n < 0)
    {
      virResetLastError ();
      return;
    }
  for (int i = 0; i < n; i++)
    {
      if (leases[i]->mac != NULL && leases[i]->ipaddr != NULL)
        vireo_net_map_add_lease (map, virNetworkGetName (net), leases[i]->mac, leases[i]->ipaddr,
                                 leases[i]->prefix, leases[i]->hostname);
      virNetworkDHCPLeaseFree (leases[i]);
    }
  free (leases);
}

static gboolean
add_map_networks (VireoNetMap   *map,
                  virConnectPtr  conn,
                  GError       **error)
{
  virNetworkPtr *nets = NULL;
  int n = virConnectListAllNetworks (conn, &nets, 0);

  if (n < 0)
    {
      if (_vireo_driver_lacks_it ())
        return TRUE;
      g_propagate_error (error, _vireo_error_from_last (_("Could not list the virtual networks")));
      return FALSE;
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(virNetwork) net = nets[i];
      g_autofree char *xml = NULL;
      int active = virNetworkIsActive (net);

      if (active < 0 || (xml = dup_network_xml (net, 0)) == NULL)
        {
          /* Gone between the list and the read: the next event redraws. */
          virResetLastError ();
          continue;
        }
      if (!vireo_net_map_add_network (map, xml, active == 1, NULL))
        g_debug ("Network %s: unreadable XML left off the map", virNetworkGetName (net));
      if (active == 1)
        add_map_leases (map, net);
    }
  free (nets);
  return TRUE;
}

static void
add_map_interfaces (VireoNetMap   *map,
                    virConnectPtr  conn)
{
  virInterfacePtr *ifaces = NULL;
  int n = virConnectListAllInterfaces (conn, &ifaces, 0);

  /* A host that cannot list its interfaces still has networks and
   * machines worth drawing; uplinks then go to the host itself. */
  if (n < 0)
    virResetLastError ();
  for (int i = 0; i < n; i++)
    {
      g_autoptr(virInterface) iface = ifaces[i];
      g_autoptr(VireoHostInterfaceDetails) details = NULL;

      if (g_strcmp0 (virInterfaceGetName (iface), "lo") == 0 || (details = read_interface_details (iface)) == NULL)
        {
          virResetLastError ();
          continue;
        }
      g_ptr_array_add (details->addresses, NULL);
      vireo_net_map_add_host_interface (map, details->name, details->type, details->mac, details->active,
                                        (const char * const *) details->addresses->pdata);
    }
  free (ifaces);
}

static void
read_network_map_thread (GTask        *task,
                         virConnectPtr conn,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  VireoConnection *self = g_task_get_source_object (task);
  g_autoptr(VireoNetMap) map = vireo_net_map_new (task_data);
  g_autoptr(GPtrArray) xmls = NULL;
  GError *error = NULL;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  if (!add_map_networks (map, conn, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  add_map_interfaces (map, conn);
  xmls = _vireo_connection_read_domain_xmls (self, conn);
  if (xmls == NULL && !_vireo_driver_lacks_it ())
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not list the machines")));
      return;
    }
  for (guint i = 0; xmls != NULL && i < xmls->len; i++)
    {
      VireoDomainXmls *domain = g_ptr_array_index (xmls, i);
      const char *xml = domain->live != NULL ? domain->live : domain->inactive;

      if (g_task_return_error_if_cancelled (task))
        return;
      if (xml == NULL || !vireo_net_map_add_domain (map, xml, domain->live != NULL, NULL))
        continue;
      if (agent_connected (domain->live))
        add_agent_addresses (map, conn, domain->uuid);
    }
  vireo_net_map_finish (map);
  g_task_return_pointer (task, g_steal_pointer (&map), (GDestroyNotify) vireo_net_map_unref);
}

/**
 * vireo_connection_read_network_map_async:
 *
 * What the network map draws, in one worker job. Machines' definitions
 * come from the connection's cache; live XML, leases and agent addresses
 * are read afresh, so call it on events and on a slow timer for leases,
 * not per frame.
 */
void
vireo_connection_read_network_map_async (VireoConnection     *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  const char *hostname;
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  /* Read here: the connection's fields belong to the main thread. */
  hostname = vireo_connection_get_hostname (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_read_network_map_async);
  g_task_set_task_data (task, hostname != NULL ? g_strdup (hostname) : vireo_connection_dup_display_name (self),
                        g_free);
  vireo_connection_run (self, task, read_network_map_thread);
}

/**
 * vireo_connection_read_network_map_finish:
 *
 * Returns: (transfer full): the finished map, not laid out
 */
VireoNetMap *
vireo_connection_read_network_map_finish (VireoConnection  *self,
                                          GAsyncResult     *result,
                                          GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_lease_keys_thread (GTask        *task,
                        virConnectPtr conn,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  virNetworkPtr *nets = NULL;
  int n;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  n = virConnectListAllNetworks (conn, &nets, VIR_CONNECT_LIST_NETWORKS_ACTIVE);
  if (n < 0)
    {
      if (_vireo_driver_lacks_it ())
        g_task_return_pointer (task, g_new0 (char *, 1), (GDestroyNotify) g_strfreev);
      else
        g_task_return_error (task, _vireo_error_from_last (_("Could not list the virtual networks")));
      return;
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(virNetwork) net = nets[i];
      virNetworkDHCPLeasePtr *leases = NULL;
      int m = virNetworkGetDHCPLeases (net, NULL, &leases, 0);

      /* A network stopped meanwhile has no leases to show. */
      if (m < 0)
        virResetLastError ();
      for (int j = 0; j < m; j++)
        {
          if (leases[j]->mac != NULL && leases[j]->ipaddr != NULL)
            {
              g_autofree char *mac = g_ascii_strdown (leases[j]->mac, -1);
              g_autoptr(GInetAddress) address = g_inet_address_new_from_string (leases[j]->ipaddr);
              /* Written as the map writes it: IPv6 has many spellings. */
              g_autofree char *ip = address != NULL ? g_inet_address_to_string (address)
                                                    : g_ascii_strdown (leases[j]->ipaddr, -1);

              g_ptr_array_add (keys, g_strdup_printf ("%s %s/%u", mac, ip, leases[j]->prefix));
            }
          virNetworkDHCPLeaseFree (leases[j]);
        }
      free (leases);
    }
  free (nets);
  g_ptr_array_sort (keys, compare_strings);
  g_ptr_array_add (keys, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&keys), FALSE), (GDestroyNotify) g_strfreev);
}

void
vireo_connection_list_lease_keys_async (VireoConnection     *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_list_lease_keys_async);
  vireo_connection_run (self, task, list_lease_keys_thread);
}

/**
 * vireo_connection_list_lease_keys_finish:
 *
 * Returns: (transfer full): the keys, sorted; empty without network support
 */
GStrv
vireo_connection_list_lease_keys_finish (VireoConnection  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
