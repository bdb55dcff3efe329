/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-interface"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

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
