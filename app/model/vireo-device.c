/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-device"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-disk.h"
#include "vireo-graphics.h"
#include "vireo-interface.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/*
 * One element under <devices>. The element is the state: every getter
 * reads it and every setter edits it in place, so attributes and children
 * Vireo has no field for stay exactly as they were.
 */
typedef struct
{
  VireoDomainConfig *config;  /* Borrowed: the config owns its devices */
  xmlNodePtr         node;    /* Owned by the config's document */
} VireoDevicePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (VireoDevice, vireo_device, G_TYPE_OBJECT)

static const struct {
  const char      *element;
  VireoDeviceKind  kind;
} kinds[] = {
  { "disk", VIREO_DEVICE_DISK },
  { "interface", VIREO_DEVICE_INTERFACE },
  { "graphics", VIREO_DEVICE_GRAPHICS },
  { "video", VIREO_DEVICE_VIDEO },
  { "sound", VIREO_DEVICE_SOUND },
  { "input", VIREO_DEVICE_INPUT },
  { "serial", VIREO_DEVICE_SERIAL },
  { "console", VIREO_DEVICE_CONSOLE },
  { "channel", VIREO_DEVICE_CHANNEL },
  { "controller", VIREO_DEVICE_CONTROLLER },
  { "hostdev", VIREO_DEVICE_HOSTDEV },
  { "redirdev", VIREO_DEVICE_REDIRDEV },
  { "filesystem", VIREO_DEVICE_FILESYSTEM },
  { "tpm", VIREO_DEVICE_TPM },
  { "rng", VIREO_DEVICE_RNG },
  { "watchdog", VIREO_DEVICE_WATCHDOG },
  { "panic", VIREO_DEVICE_PANIC },
  { "smartcard", VIREO_DEVICE_SMARTCARD },
  { "vsock", VIREO_DEVICE_VSOCK },
  { "memballoon", VIREO_DEVICE_MEMBALLOON },
  { "emulator", VIREO_DEVICE_EMULATOR },
};

VireoDeviceKind
vireo_device_kind_from_element (const char *element)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i].element, element) == 0)
      return kinds[i].kind;
  return VIREO_DEVICE_OTHER;
}

static char *
vireo_device_real_dup_title (VireoDevice *self)
{
  VireoDevicePrivate *priv = vireo_device_get_instance_private (self);
  g_autofree char *type = vireo_xml_get_prop (priv->node, "type");
  g_autofree char *model = vireo_xml_get_prop (priv->node, "model");
  const char *element = (const char *) priv->node->name;
  const char *detail = type != NULL ? type : model;

  switch (vireo_device_get_kind (self))
    {
    case VIREO_DEVICE_VIDEO:
      {
        g_autofree char *video_type = vireo_xml_get_child_prop (priv->node, "model", "type");
        /* Translators: %s is a video model such as "virtio" */
        return video_type ? g_strdup_printf (_("Video %s"), video_type) : g_strdup (_("Video"));
      }
    case VIREO_DEVICE_SOUND:
      return model ? g_strdup_printf (_("Sound %s"), model) : g_strdup (_("Sound"));
    case VIREO_DEVICE_INPUT:
      {
        g_autofree char *bus = vireo_xml_get_prop (priv->node, "bus");
        /* Translators: input device, e.g. "Tablet (usb)" */
        if (g_strcmp0 (type, "tablet") == 0)
          return bus ? g_strdup_printf (_("Tablet (%s)"), bus) : g_strdup (_("Tablet"));
        if (g_strcmp0 (type, "keyboard") == 0)
          return bus ? g_strdup_printf (_("Keyboard (%s)"), bus) : g_strdup (_("Keyboard"));
        return bus ? g_strdup_printf (_("Mouse (%s)"), bus) : g_strdup (_("Mouse"));
      }
    case VIREO_DEVICE_SERIAL:
      return g_strdup (_("Serial"));
    case VIREO_DEVICE_CONSOLE:
      return g_strdup (_("Console"));
    case VIREO_DEVICE_CHANNEL:
      {
        g_autofree char *name = vireo_xml_get_child_prop (priv->node, "target", "name");
        return name ? g_strdup_printf (_("Channel %s"), name) : g_strdup (_("Channel"));
      }
    case VIREO_DEVICE_CONTROLLER:
      {
        g_autofree char *index = vireo_xml_get_prop (priv->node, "index");
        /* Translators: controller type and index, e.g. "Controller usb 0" */
        return g_strdup_printf (_("Controller %s %s"), type ? type : "", index ? index : "");
      }
    case VIREO_DEVICE_HOSTDEV:
      return g_strdup_printf (_("Host device %s"), type ? type : "");
    case VIREO_DEVICE_REDIRDEV:
      return g_strdup (_("USB redirector"));
    case VIREO_DEVICE_FILESYSTEM:
      {
        g_autofree char *dir = vireo_xml_get_child_prop (priv->node, "target", "dir");
        return dir ? g_strdup_printf (_("Filesystem %s"), dir) : g_strdup (_("Filesystem"));
      }
    case VIREO_DEVICE_TPM:
      return g_strdup (_("TPM"));
    case VIREO_DEVICE_RNG:
      return g_strdup (_("Random number generator"));
    case VIREO_DEVICE_WATCHDOG:
      return g_strdup (_("Watchdog"));
    case VIREO_DEVICE_PANIC:
      return g_strdup (_("Panic notifier"));
    case VIREO_DEVICE_SMARTCARD:
      return g_strdup (_("Smartcard"));
    case VIREO_DEVICE_VSOCK:
      return g_strdup (_("VirtIO socket"));
    case VIREO_DEVICE_MEMBALLOON:
      return g_strdup (_("Memory balloon"));
    case VIREO_DEVICE_EMULATOR:
      return g_strdup (_("Emulator"));
    default:
      return detail ? g_strdup_printf ("%s %s", element, detail) : g_strdup (element);
    }
}

static void
vireo_device_class_init (VireoDeviceClass *klass)
{
  klass->dup_title = vireo_device_real_dup_title;
}

static void
vireo_device_init (VireoDevice *self)
{
}

VireoDevice *
_vireo_device_new (VireoDomainConfig *config,
                   xmlNodePtr         node)
{
  VireoDevice *self;
  VireoDevicePrivate *priv;
  GType type;

  switch (vireo_device_kind_from_element ((const char *) node->name))
    {
    case VIREO_DEVICE_DISK:      type = VIREO_TYPE_DISK; break;
    case VIREO_DEVICE_INTERFACE: type = VIREO_TYPE_INTERFACE; break;
    case VIREO_DEVICE_GRAPHICS:  type = VIREO_TYPE_GRAPHICS; break;
    default:                     type = VIREO_TYPE_DEVICE; break;
    }
  self = g_object_new (type, NULL);
  priv = vireo_device_get_instance_private (self);
  priv->config = config;
  priv->node = node;
  return self;
}

xmlNodePtr
_vireo_device_get_node (VireoDevice *self)
{
  VireoDevicePrivate *priv = vireo_device_get_instance_private (self);

  return priv->node;
}

void
_vireo_device_detach (VireoDevice *self)
{
  VireoDevicePrivate *priv = vireo_device_get_instance_private (self);

  priv->config = NULL;
  priv->node = NULL;
}

void
_vireo_device_changed (VireoDevice *self)
{
  VireoDevicePrivate *priv = vireo_device_get_instance_private (self);

  if (priv->config != NULL)
    _vireo_domain_config_changed (priv->config);
}

VireoDeviceKind
vireo_device_get_kind (VireoDevice *self)
{
  VireoDevicePrivate *priv;

  g_return_val_if_fail (VIREO_IS_DEVICE (self), VIREO_DEVICE_OTHER);
  priv = vireo_device_get_instance_private (self);
  return priv->node != NULL ? vireo_device_kind_from_element ((const char *) priv->node->name) : VIREO_DEVICE_OTHER;
}

const char *
vireo_device_get_element_name (VireoDevice *self)
{
  VireoDevicePrivate *priv;

  g_return_val_if_fail (VIREO_IS_DEVICE (self), NULL);
  priv = vireo_device_get_instance_private (self);
  return priv->node != NULL ? (const char *) priv->node->name : NULL;
}

/**
 * vireo_device_get_config:
 *
 * Returns: (transfer none) (nullable): the config, or %NULL once removed
 */
VireoDomainConfig *
vireo_device_get_config (VireoDevice *self)
{
  VireoDevicePrivate *priv;

  g_return_val_if_fail (VIREO_IS_DEVICE (self), NULL);
  priv = vireo_device_get_instance_private (self);
  return priv->config;
}

gboolean
vireo_device_get_attached (VireoDevice *self)
{
  VireoDevicePrivate *priv;

  g_return_val_if_fail (VIREO_IS_DEVICE (self), FALSE);
  priv = vireo_device_get_instance_private (self);
  return priv->node != NULL;
}

char *
vireo_device_dup_title (VireoDevice *self)
{
  VireoDevicePrivate *priv;

  g_return_val_if_fail (VIREO_IS_DEVICE (self), NULL);
  priv = vireo_device_get_instance_private (self);
  if (priv->node == NULL)
    return NULL;
  return VIREO_DEVICE_GET_CLASS (self)->dup_title (self);
}

/* libvirt's name for the device on a running guest, e.g. "virtio-disk0". */
char *
vireo_device_dup_alias (VireoDevice *self)
{
  VireoDevicePrivate *priv;

  g_return_val_if_fail (VIREO_IS_DEVICE (self), NULL);
  priv = vireo_device_get_instance_private (self);
  return vireo_xml_get_child_prop (priv->node, "alias", "name");
}

/**
 * vireo_device_get_boot_order:
 *
 * Returns: the device's `<boot order>`, or 0 when it has none
 */
int
vireo_device_get_boot_order (VireoDevice *self)
{
  VireoDevicePrivate *priv;
  g_autofree char *order = NULL;

  g_return_val_if_fail (VIREO_IS_DEVICE (self), 0);
  priv = vireo_device_get_instance_private (self);
  order = vireo_xml_get_child_prop (priv->node, "boot", "order");
  return order != NULL ? (int) g_ascii_strtoll (order, NULL, 10) : 0;
}

/**
 * vireo_device_set_boot_order:
 * @order: 1 and up, or 0 for none
 */
void
vireo_device_set_boot_order (VireoDevice *self,
                             int          order)
{
  VireoDevicePrivate *priv;
  g_autofree char *text = NULL;

  g_return_if_fail (VIREO_IS_DEVICE (self));
  g_return_if_fail (order >= 0);
  priv = vireo_device_get_instance_private (self);
  g_return_if_fail (priv->node != NULL);

  if (order == vireo_device_get_boot_order (self))
    return;
  text = order > 0 ? g_strdup_printf ("%d", order) : NULL;
  vireo_xml_set_child_prop (priv->node, "boot", "order", text);
  _vireo_device_changed (self);
}

/**
 * vireo_device_to_xml:
 *
 * Returns: (transfer full): the device's element, as in the document but
 *   starting at column 0
 */
char *
vireo_device_to_xml (VireoDevice *self)
{
  VireoDevicePrivate *priv;

  g_return_val_if_fail (VIREO_IS_DEVICE (self), NULL);
  priv = vireo_device_get_instance_private (self);
  g_return_val_if_fail (priv->node != NULL, NULL);

  return vireo_xml_node_to_string (priv->node);
}

/**
 * vireo_device_set_xml:
 * @xml: the element as the user edited it
 *
 * Replaces the device's element in place (same position, indented like its
 * neighbours). It must stay the same kind of element: a disk's editor
 * cannot turn it into a network card.
 */
gboolean
vireo_device_set_xml (VireoDevice  *self,
                      const char   *xml,
                      GError      **error)
{
  VireoDevicePrivate *priv;
  xmlNodePtr replacement;
  xmlNodePtr probe;

  g_return_val_if_fail (VIREO_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (xml != NULL, FALSE);
  priv = vireo_device_get_instance_private (self);
  g_return_val_if_fail (priv->node != NULL && priv->config != NULL, FALSE);

  replacement = vireo_xml_parse_fragment (priv->node->doc, xml, error);
  if (replacement == NULL)
    return FALSE;
  if (xmlStrcmp (replacement->name, priv->node->name) != 0 || replacement->ns != NULL)
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   /* Translators: both are XML element names, e.g. <disk> */
                   _("Line 1: this editor holds a <%s> element, not <%s>."),
                   priv->node->name, replacement->name);
      xmlFreeNode (replacement);
      return FALSE;
    }

  /* Put it where the old one was, at the old one's indentation. */
  probe = xmlNewNode (NULL, BAD_CAST "vireo-probe");
  xmlAddNextSibling (priv->node, probe);
  xmlReplaceNode (probe, replacement);
  xmlFreeNode (probe);
  {
    xmlNodePtr ws = priv->node->prev;
    g_autofree char *indent = NULL;

    if (ws != NULL && ws->type == XML_TEXT_NODE && ws->content != NULL && strrchr ((const char *) ws->content, '\n'))
      indent = g_strdup (strrchr ((const char *) ws->content, '\n') + 1);
    xmlUnlinkNode (priv->node);
    xmlFreeNode (priv->node);
    priv->node = replacement;
    if (indent != NULL && *indent != '\0')
      /* Line breaks inside the edited text get the element's indent. */
      vireo_xml_reindent (replacement, indent);
  }
  _vireo_device_changed (self);
  return TRUE;
}
