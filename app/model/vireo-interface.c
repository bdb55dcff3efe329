/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-interface"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "vireo-domain-config.h"
#include "vireo-interface.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/* An <interface>: a network card and what it is plugged into. */
struct _VireoInterface
{
  VireoDevice parent_instance;
};

G_DEFINE_FINAL_TYPE (VireoInterface, vireo_interface, VIREO_TYPE_DEVICE)

#define NODE(self) _vireo_device_get_node (VIREO_DEVICE (self))

/* Which <source> attribute names the thing an interface type plugs into. */
static const char *
source_attr_for (const char *type)
{
  if (g_strcmp0 (type, "network") == 0)
    return "network";
  if (g_strcmp0 (type, "bridge") == 0)
    return "bridge";
  if (g_strcmp0 (type, "direct") == 0)
    return "dev";
  return NULL;
}

static char *
vireo_interface_dup_title (VireoDevice *device)
{
  g_autofree char *mac = vireo_interface_dup_mac (VIREO_INTERFACE (device));

  /* Translators: a network card and its MAC address */
  return mac != NULL ? g_strdup_printf (_("NIC %s"), mac) : g_strdup (_("NIC"));
}

static void
vireo_interface_class_init (VireoInterfaceClass *klass)
{
  VIREO_DEVICE_CLASS (klass)->dup_title = vireo_interface_dup_title;
}

static void
vireo_interface_init (VireoInterface *self)
{
}

/* Where libvirt writes <interface>'s children (virDomainNetDefFormat), for
 * the ones Vireo adds. */
static const char * const interface_order[] = {
  "mac", "source", "vlan", "virtualport", "ip", "route", "portForward",
  "script", "downscript", "backenddomain", "target", "guest", "model",
  "driver", "backend", "filterref", "tune", "teaming", "link", "mtu",
  "coalesce", "boot", "rom", "alias", "address", "acpi", NULL
};

static gboolean
backend_is_passt (xmlNodePtr node)
{
  g_autofree char *type = vireo_xml_get_child_prop (node, "backend", "type");

  return g_strcmp0 (type, "passt") == 0;
}

/* Takes off what is passt's own (its type and its log file) and the
 * <backend> with them once it says nothing else. */
static void
drop_passt (xmlNodePtr node)
{
  if (!backend_is_passt (node))
    return;
  vireo_xml_set_child_prop (node, "backend", "logFile", NULL);
  vireo_xml_set_child_prop (node, "backend", "type", NULL);
}

char *
vireo_interface_dup_type (VireoInterface *self)
{
  g_return_val_if_fail (VIREO_IS_INTERFACE (self), NULL);
  return vireo_xml_get_prop (NODE (self), "type");
}

/* The network's name, the bridge, or the host device for macvtap. */
char *
vireo_interface_dup_source (VireoInterface *self)
{
  g_autofree char *type = NULL;
  const char *attr;

  g_return_val_if_fail (VIREO_IS_INTERFACE (self), NULL);
  type = vireo_interface_dup_type (self);
  attr = source_attr_for (type);
  return attr != NULL ? vireo_xml_get_child_prop (NODE (self), "source", attr) : NULL;
}

char *
vireo_interface_dup_source_mode (VireoInterface *self)
{
  g_return_val_if_fail (VIREO_IS_INTERFACE (self), NULL);
  return vireo_xml_get_child_prop (NODE (self), "source", "mode");
}

/**
 * vireo_interface_set_source:
 * @type: "network", "bridge", "direct", "user", …
 * @source: (nullable): the network, bridge or host device
 * @mode: (nullable): for "direct": bridge, vepa, private, passthrough
 *
 * Same type: only the named attribute changes, the rest of <source> (a
 * portgroup, say) stays. Another type: <source> starts over, since what
 * one type's source says means nothing to another.
 */
void
vireo_interface_set_source (VireoInterface *self,
                            const char     *type,
                            const char     *source,
                            const char     *mode)
{
  xmlNodePtr node;
  g_autofree char *old_type = NULL;
  const char *attr;

  g_return_if_fail (VIREO_IS_INTERFACE (self));
  g_return_if_fail (type != NULL);
  node = NODE (self);
  g_return_if_fail (node != NULL);

  old_type = vireo_xml_get_prop (node, "type");
  attr = source_attr_for (type);

  if (g_strcmp0 (old_type, type) != 0)
    {
      vireo_xml_set_prop (node, "type", type);
      vireo_xml_remove (vireo_xml_child (node, "source"));
      /* libvirt refuses passt on anything but usermode networking. The
       * port forwards stay: without passt they do nothing, and they are
       * the user's to remove or to take back to usermode. */
      if (!g_str_equal (type, "user"))
        drop_passt (node);
    }
  if (attr != NULL)
    vireo_xml_set_child_prop (node, "source", attr, source);
  if (g_strcmp0 (type, "direct") == 0)
    vireo_xml_set_child_prop (node, "source", "mode", mode);
  _vireo_device_changed (VIREO_DEVICE (self));
}

char *
vireo_interface_dup_model (VireoInterface *self)
{
  g_return_val_if_fail (VIREO_IS_INTERFACE (self), NULL);
  return vireo_xml_get_child_prop (NODE (self), "model", "type");
}

void
vireo_interface_set_model (VireoInterface *self,
                           const char     *model)
{
  g_autofree char *old = NULL;

  g_return_if_fail (VIREO_IS_INTERFACE (self));
  old = vireo_interface_dup_model (self);
  if (g_strcmp0 (old, model) == 0)
    return;
  vireo_xml_set_child_prop (NODE (self), "model", "type", model);
  _vireo_device_changed (VIREO_DEVICE (self));
}

char *
vireo_interface_dup_mac (VireoInterface *self)
{
  g_return_val_if_fail (VIREO_IS_INTERFACE (self), NULL);
  return vireo_xml_get_child_prop (NODE (self), "mac", "address");
}

/**
 * vireo_interface_mac_is_valid:
 *
 * Six colon-separated hex pairs, and not a multicast address (libvirt
 * refuses those for a NIC).
 */
gboolean
vireo_interface_mac_is_valid (const char *mac)
{
  if (mac == NULL || strlen (mac) != 17)
    return FALSE;
  for (guint i = 0; i < 17; i++)
    {
      if (i % 3 == 2)
        {
          if (mac[i] != ':')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (mac[i]))
        return FALSE;
    }
  return (g_ascii_xdigit_value (mac[1]) & 1) == 0;
}

void
vireo_interface_set_mac (VireoInterface *self,
                         const char     *mac)
{
  g_autofree char *old = NULL;

  g_return_if_fail (VIREO_IS_INTERFACE (self));
  g_return_if_fail (mac == NULL || vireo_interface_mac_is_valid (mac));
  old = vireo_interface_dup_mac (self);
  if (g_ascii_strcasecmp (old ? old : "", mac ? mac : "") == 0 && (old == NULL) == (mac == NULL))
    return;
  vireo_xml_set_child_prop (NODE (self), "mac", "address", mac);
  _vireo_device_changed (VIREO_DEVICE (self));
}

/* In QEMU/KVM's locally administered range, as libvirt picks them. */
char *
vireo_interface_generate_mac (void)
{
  return g_strdup_printf ("52:54:00:%02x:%02x:%02x",
                          g_random_int_range (0, 256), g_random_int_range (0, 256),
                          g_random_int_range (0, 256));
}

gboolean
vireo_interface_get_link_up (VireoInterface *self)
{
  g_autofree char *state = NULL;

  g_return_val_if_fail (VIREO_IS_INTERFACE (self), TRUE);
  state = vireo_xml_get_child_prop (NODE (self), "link", "state");
  return g_strcmp0 (state, "down") != 0;
}

void
vireo_interface_set_link_up (VireoInterface *self,
                             gboolean        up)
{
  g_return_if_fail (VIREO_IS_INTERFACE (self));
  if (vireo_interface_get_link_up (self) == !!up)
    return;
  /* Up is libvirt's default: say only "down". */
  vireo_xml_set_child_prop (NODE (self), "link", "state", up ? NULL : "down");
  _vireo_device_changed (VIREO_DEVICE (self));
}

/* ------------------------------------------------------------------------ */
/* passt and its port forwards                                              */

/**
 * vireo_interface_get_passt:
 *
 * Returns: %TRUE if the card's backend is passt (`<backend type='passt'>`)
 */
gboolean
vireo_interface_get_passt (VireoInterface *self)
{
  g_return_val_if_fail (VIREO_IS_INTERFACE (self), FALSE);
  return backend_is_passt (NODE (self));
}

/**
 * vireo_interface_set_passt:
 * @passt: %TRUE for passt, %FALSE for the hypervisor's own (SLIRP)
 *
 * passt is a backend of usermode networking only: another connection type
 * is refused. On, `<backend>` gets type='passt' and keeps its other
 * attributes; off, the type and passt's log file go, and `<backend>` with
 * them when nothing else is left on it. Port forwards stay either way.
 *
 * Returns: %TRUE unless refused
 */
gboolean
vireo_interface_set_passt (VireoInterface  *self,
                           gboolean         passt,
                           GError         **error)
{
  xmlNodePtr node;
  g_autofree char *type = NULL;

  g_return_val_if_fail (VIREO_IS_INTERFACE (self), FALSE);
  node = NODE (self);
  g_return_val_if_fail (node != NULL, FALSE);

  if (vireo_interface_get_passt (self) == !!passt)
    return TRUE;
  if (!passt)
    {
      drop_passt (node);
      _vireo_device_changed (VIREO_DEVICE (self));
      return TRUE;
    }

  type = vireo_interface_dup_type (self);
  if (g_strcmp0 (type, "user") != 0)
    {
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("passt is a backend of usermode networking: connect the card to Usermode first."));
      return FALSE;
    }
  if (vireo_xml_child (node, "backend") == NULL)
    vireo_xml_insert_ordered (node, xmlNewNode (NULL, BAD_CAST "backend"), interface_order);
  vireo_xml_set_child_prop (node, "backend", "type", "passt");
  _vireo_device_changed (VIREO_DEVICE (self));
  return TRUE;
}

/**
 * vireo_interface_can_forward_ports:
 *
 * libvirt hands port forwards to passt only: with QEMU's own usermode
 * stack (SLIRP), libvirt 9.0 takes `<portForward>` and silently ignores
 * it. An editor offers forwarding where this holds, and says why not
 * (the error's message) where it does not.
 *
 * Returns: %TRUE on a usermode card with the passt backend
 */
gboolean
vireo_interface_can_forward_ports (VireoInterface  *self,
                                   GError         **error)
{
  g_autofree char *type = NULL;

  g_return_val_if_fail (VIREO_IS_INTERFACE (self), FALSE);

  type = vireo_interface_dup_type (self);
  if (g_strcmp0 (type, "user") != 0)
    {
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("Ports are forwarded only by usermode networking with the passt backend."));
      return FALSE;
    }
  if (!vireo_interface_get_passt (self))
    {
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("Usermode networking forwards ports only with the passt backend."));
      return FALSE;
    }
  return TRUE;
}

static guint
get_port_prop (xmlNodePtr  node,
               const char *name)
{
  g_autofree char *text = vireo_xml_get_prop (node, name);
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &value, NULL))
    return 0;
  return value;
}

static VireoPortForward *
read_forward (xmlNodePtr node)
{
  g_autofree char *proto = vireo_xml_get_prop (node, "proto");
  VireoPortForward *forward = vireo_port_forward_new (proto);

  forward->address = vireo_xml_get_prop (node, "address");
  forward->dev = vireo_xml_get_prop (node, "dev");
  for (xmlNodePtr range = vireo_xml_child (node, "range"); range != NULL;
       range = vireo_xml_next_sibling (range, "range"))
    {
      g_autofree char *exclude = vireo_xml_get_prop (range, "exclude");

      vireo_port_forward_add_range (forward, get_port_prop (range, "start"), get_port_prop (range, "end"),
                                    get_port_prop (range, "to"), g_strcmp0 (exclude, "yes") == 0);
    }
  return forward;
}

/**
 * vireo_interface_dup_port_forwards:
 *
 * Returns: (transfer container) (element-type VireoPortForward): the
 *   card's `<portForward>`s in document order; an index into this array
 *   is what replace and remove take
 */
GPtrArray *
vireo_interface_dup_port_forwards (VireoInterface *self)
{
  GPtrArray *forwards;

  g_return_val_if_fail (VIREO_IS_INTERFACE (self), NULL);

  forwards = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_port_forward_free);
  for (xmlNodePtr node = vireo_xml_child (NODE (self), "portForward"); node != NULL;
       node = vireo_xml_next_sibling (node, "portForward"))
    g_ptr_array_add (forwards, read_forward (node));
  return forwards;
}

static xmlNodePtr
nth_forward (VireoInterface *self,
             guint           index)
{
  xmlNodePtr node = vireo_xml_child (NODE (self), "portForward");

  for (guint i = 0; node != NULL && i < index; i++)
    node = vireo_xml_next_sibling (node, "portForward");
  return node;
}

/* A forward on this card (but @skip, the one being replaced) or on
 * another passt card of the machine that takes one of @forward's ports:
 * both cannot listen. */
static gboolean
check_conflicts (VireoInterface          *self,
                 xmlNodePtr               skip,
                 const VireoPortForward  *forward,
                 VireoPortForwardField   *field,
                 GError                 **error)
{
  VireoDomainConfig *config = vireo_device_get_config (VIREO_DEVICE (self));
  g_autoptr(GListModel) devices = config != NULL ? vireo_domain_config_list_devices (config) : NULL;
  guint n = devices != NULL ? g_list_model_get_n_items (devices) : 0;
  g_autofree char *proto = g_ascii_strup (forward->proto, -1);

  for (guint d = 0; d < n; d++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, d);
      VireoInterface *card = VIREO_IS_INTERFACE (device) ? VIREO_INTERFACE (device) : NULL;

      if (card == NULL || (card != self && !vireo_interface_get_passt (card)))
        continue;
      for (xmlNodePtr node = vireo_xml_child (NODE (card), "portForward"); node != NULL;
           node = vireo_xml_next_sibling (node, "portForward"))
        {
          g_autoptr(VireoPortForward) other = NULL;
          guint port = 0;

          if (node == skip)
            continue;
          other = read_forward (node);
          if (!vireo_port_forward_overlaps (forward, other, &port))
            continue;
          if (field != NULL)
            *field = VIREO_PORT_FORWARD_FIELD_HOST_PORTS;
          if (card == self)
            g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                         /* Translators: "Host port: 2222 (TCP) is already forwarded by another rule." */
                         _("Host port: %u (%s) is already forwarded by another rule."), port, proto);
          else
            {
              g_autofree char *title = vireo_device_dup_title (device);

              g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           /* Translators: the last %s is a network card, "NIC 52:54:00:12:34:56" */
                           _("Host port: %u (%s) is already forwarded by %s."), port, proto, title);
            }
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_forward (VireoInterface          *self,
               xmlNodePtr               skip,
               const VireoPortForward  *forward,
               VireoPortForwardField   *field,
               GError                 **error)
{
  if (field != NULL)
    *field = VIREO_PORT_FORWARD_FIELD_NONE;
  return vireo_interface_can_forward_ports (self, error)
         && vireo_port_forward_validate (forward, field, error)
         && check_conflicts (self, skip, forward, field, error);
}

/* Writes an attribute only when its value changes, so "022" read as 22
 * and written back as 22 stays "022". */
static void
set_port_prop (xmlNodePtr  node,
               const char *name,
               guint       value)
{
  g_autofree char *old = vireo_xml_get_prop (node, name);
  g_autofree char *text = NULL;

  if ((old != NULL) == (value != 0) && get_port_prop (node, name) == value)
    return;
  if (value != 0)
    text = g_strdup_printf ("%u", value);
  vireo_xml_set_prop (node, name, text);
}

static void
set_text_prop (xmlNodePtr  node,
               const char *name,
               const char *value)
{
  g_autofree char *old = vireo_xml_get_prop (node, name);

  if (g_strcmp0 (old, value) != 0)
    vireo_xml_set_prop (node, name, value);
}

static void
write_range (xmlNodePtr            node,
             const VireoPortRange *range)
{
  g_autofree char *exclude = vireo_xml_get_prop (node, "exclude");

  set_port_prop (node, "start", range->start);
  set_port_prop (node, "end", range->end);
  set_port_prop (node, "to", range->to);
  /* "no" is libvirt's default: an explicit one stays, none is added. */
  if (range->exclude)
    set_text_prop (node, "exclude", "yes");
  else if (g_strcmp0 (exclude, "no") != 0)
    vireo_xml_set_prop (node, "exclude", NULL);
}

/* @node's attributes and ranges become @forward's, each range element
 * rewritten in place: what Vireo does not know on them stays. */
static void
write_forward (xmlNodePtr              node,
               const VireoPortForward *forward)
{
  xmlNodePtr range = vireo_xml_child (node, "range");
  xmlNodePtr last = NULL;

  set_text_prop (node, "address", forward->address);
  set_text_prop (node, "proto", forward->proto);
  set_text_prop (node, "dev", forward->dev);

  for (guint i = 0; i < forward->ranges->len; i++)
    {
      if (range == NULL)
        {
          range = xmlNewNode (NULL, BAD_CAST "range");
          if (last != NULL)
            vireo_xml_insert_after (last, range);
          else
            vireo_xml_append_child (node, range);
        }
      write_range (range, &g_array_index (forward->ranges, VireoPortRange, i));
      last = range;
      range = vireo_xml_next_sibling (range, "range");
    }
  while (range != NULL)
    {
      xmlNodePtr next = vireo_xml_next_sibling (range, "range");

      vireo_xml_remove (range);
      range = next;
    }
}

/**
 * vireo_interface_add_port_forward:
 * @field: (out) (optional): which field is wrong, when refused
 *
 * Adds a `<portForward>` after the card's others. Refused (with a message
 * naming the field) on a card that cannot forward ports (see
 * vireo_interface_can_forward_ports()), for a forward
 * vireo_port_forward_validate() refuses, and for a host port another
 * forward of the machine already takes.
 *
 * Returns: %TRUE if added
 */
gboolean
vireo_interface_add_port_forward (VireoInterface          *self,
                                  const VireoPortForward  *forward,
                                  VireoPortForwardField   *field,
                                  GError                 **error)
{
  xmlNodePtr node;
  xmlNodePtr last = NULL;

  g_return_val_if_fail (VIREO_IS_INTERFACE (self), FALSE);
  g_return_val_if_fail (forward != NULL, FALSE);

  if (!check_forward (self, NULL, forward, field, error))
    return FALSE;

  for (xmlNodePtr n = vireo_xml_child (NODE (self), "portForward"); n != NULL;
       n = vireo_xml_next_sibling (n, "portForward"))
    last = n;
  node = xmlNewNode (NULL, BAD_CAST "portForward");
  /* Placed first, so its ranges are indented from where it sits. */
  if (last != NULL)
    vireo_xml_insert_after (last, node);
  else
    vireo_xml_insert_ordered (NODE (self), node, interface_order);
  write_forward (node, forward);
  _vireo_device_changed (VIREO_DEVICE (self));
  return TRUE;
}

/**
 * vireo_interface_replace_port_forward:
 * @index: the forward's place in vireo_interface_dup_port_forwards()
 * @field: (out) (optional): which field is wrong, when refused
 *
 * Rewrites that one `<portForward>` in place: attributes and ranges that
 * change are set, everything else on it (unknown attributes, children
 * other than `<range>`, attributes of its ranges) stays. Checked as
 * vireo_interface_add_port_forward() checks, against the others.
 *
 * Returns: %TRUE if @forward is now at @index
 */
gboolean
vireo_interface_replace_port_forward (VireoInterface          *self,
                                      guint                    index,
                                      const VireoPortForward  *forward,
                                      VireoPortForwardField   *field,
                                      GError                 **error)
{
  xmlNodePtr node;
  g_autoptr(VireoPortForward) old = NULL;

  g_return_val_if_fail (VIREO_IS_INTERFACE (self), FALSE);
  g_return_val_if_fail (forward != NULL, FALSE);
  node = nth_forward (self, index);
  g_return_val_if_fail (node != NULL, FALSE);

  if (field != NULL)
    *field = VIREO_PORT_FORWARD_FIELD_NONE;
  old = read_forward (node);
  if (vireo_port_forward_equal (old, forward))
    return TRUE;
  if (!check_forward (self, node, forward, field, error))
    return FALSE;
  write_forward (node, forward);
  _vireo_device_changed (VIREO_DEVICE (self));
  return TRUE;
}

/**
 * vireo_interface_remove_port_forward:
 * @index: the forward's place in vireo_interface_dup_port_forwards()
 *
 * Returns: %TRUE if there was a forward at @index
 */
gboolean
vireo_interface_remove_port_forward (VireoInterface *self,
                                     guint           index)
{
  xmlNodePtr node;

  g_return_val_if_fail (VIREO_IS_INTERFACE (self), FALSE);

  node = nth_forward (self, index);
  if (node == NULL)
    return FALSE;
  vireo_xml_remove (node);
  _vireo_device_changed (VIREO_DEVICE (self));
  return TRUE;
}

/**
 * vireo_interface_dup_moved_xml:
 * @domain_xml: the machine's definition
 * @mac: the NIC to move
 * @network: the virtual network it moves to
 *
 * The NIC's own element with its source pointing at @network, for
 * update-device: everything else it carries (model, MAC, filters, boot
 * order) stays, so the guest sees the same card on another wire.
 *
 * Returns: (transfer full): the element, or %NULL with @error when the
 *   definition cannot be read or has no NIC with that MAC
 */
char *
vireo_interface_dup_moved_xml (const char  *domain_xml,
                               const char  *mac,
                               const char  *network,
                               GError     **error)
{
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GListModel) devices = NULL;

  g_return_val_if_fail (domain_xml != NULL, NULL);
  g_return_val_if_fail (mac != NULL, NULL);
  g_return_val_if_fail (network != NULL, NULL);

  config = vireo_domain_config_new_from_xml (domain_xml, error);
  if (config == NULL)
    return NULL;
  devices = vireo_domain_config_list_devices (config);
  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *device_mac = NULL;

      if (!VIREO_IS_INTERFACE (device))
        continue;
      device_mac = vireo_interface_dup_mac (VIREO_INTERFACE (device));
      if (device_mac == NULL || g_ascii_strcasecmp (device_mac, mac) != 0)
        continue;
      vireo_interface_set_source (VIREO_INTERFACE (device), "network", network, NULL);
      return vireo_device_to_xml (device);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The machine has no network card with MAC address %s"), mac);
  return NULL;
}
