/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-graphics"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-graphics.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/* A <graphics> display: VNC or SPICE, and where it listens. */
struct _VireoGraphics
{
  VireoDevice parent_instance;
};

G_DEFINE_FINAL_TYPE (VireoGraphics, vireo_graphics, VIREO_TYPE_DEVICE)

#define NODE(self) _vireo_device_get_node (VIREO_DEVICE (self))

static char *
vireo_graphics_dup_title (VireoDevice *device)
{
  g_autofree char *type = vireo_graphics_dup_type (VIREO_GRAPHICS (device));
  g_autofree char *upper = type != NULL ? g_ascii_strup (type, -1) : NULL;

  /* Translators: a graphical display, e.g. "Display SPICE" */
  return upper != NULL ? g_strdup_printf (_("Display %s"), upper) : g_strdup (_("Display"));
}

static void
vireo_graphics_class_init (VireoGraphicsClass *klass)
{
  VIREO_DEVICE_CLASS (klass)->dup_title = vireo_graphics_dup_title;
}

static void
vireo_graphics_init (VireoGraphics *self)
{
}

char *
vireo_graphics_dup_type (VireoGraphics *self)
{
  g_return_val_if_fail (VIREO_IS_GRAPHICS (self), NULL);
  return vireo_xml_get_prop (NODE (self), "type");
}

/* "none" (only through libvirt, e.g. virDomainOpenGraphicsFD), "address",
 * "socket", "network"; an old-style listen attribute reads as "address". */
char *
vireo_graphics_dup_listen_type (VireoGraphics *self)
{
  char *type;

  g_return_val_if_fail (VIREO_IS_GRAPHICS (self), NULL);
  type = vireo_xml_get_child_prop (NODE (self), "listen", "type");
  if (type == NULL)
    {
      g_autofree char *listen = vireo_xml_get_prop (NODE (self), "listen");
      if (listen != NULL)
        return g_strdup ("address");
    }
  return type;
}

char *
vireo_graphics_dup_listen_address (VireoGraphics *self)
{
  char *address;

  g_return_val_if_fail (VIREO_IS_GRAPHICS (self), NULL);
  address = vireo_xml_get_child_prop (NODE (self), "listen", "address");
  return address != NULL ? address : vireo_xml_get_prop (NODE (self), "listen");
}

/**
 * vireo_graphics_set_listen:
 * @type: "none" or "address"
 * @address: (nullable): for "address", e.g. "127.0.0.1"
 *
 * libvirt keeps the old `listen` attribute and the first <listen> in step;
 * both are written so that neither contradicts the other.
 */
void
vireo_graphics_set_listen (VireoGraphics *self,
                           const char    *type,
                           const char    *address)
{
  xmlNodePtr node;
  xmlNodePtr listen;

  g_return_if_fail (VIREO_IS_GRAPHICS (self));
  g_return_if_fail (type != NULL);
  node = NODE (self);

  {
    g_autofree char *old_type = vireo_graphics_dup_listen_type (self);
    g_autofree char *old_address = vireo_graphics_dup_listen_address (self);

    if (g_strcmp0 (old_type, type) == 0
        && (g_strcmp0 (type, "address") != 0 || g_strcmp0 (old_address, address) == 0))
      return;
  }

  listen = vireo_xml_ensure_child (node, "listen");
  /* A socket listen says where in its own attribute; an address listen
   * with it left over is refused by libvirt's schema. */
  vireo_xml_set_prop (listen, "socket", NULL);
  vireo_xml_set_prop (node, "socket", NULL);
  vireo_xml_set_prop (listen, "type", type);
  if (g_strcmp0 (type, "address") == 0)
    {
      vireo_xml_set_prop (listen, "address", address);
      vireo_xml_set_prop (node, "listen", address);
    }
  else
    {
      vireo_xml_set_prop (listen, "address", NULL);
      vireo_xml_set_prop (node, "listen", NULL);
    }
  _vireo_device_changed (VIREO_DEVICE (self));
}

/**
 * vireo_graphics_get_port:
 *
 * Returns: the fixed port, or -1 for automatic
 */
int
vireo_graphics_get_port (VireoGraphics *self)
{
  g_autofree char *autoport = NULL;
  g_autofree char *port = NULL;

  g_return_val_if_fail (VIREO_IS_GRAPHICS (self), -1);
  autoport = vireo_xml_get_prop (NODE (self), "autoport");
  port = vireo_xml_get_prop (NODE (self), "port");
  if (g_strcmp0 (autoport, "yes") == 0 || port == NULL)
    return -1;
  return (int) g_ascii_strtoll (port, NULL, 10);
}

void
vireo_graphics_set_port (VireoGraphics *self,
                         int            port)
{
  g_autofree char *text = NULL;

  g_return_if_fail (VIREO_IS_GRAPHICS (self));
  g_return_if_fail (port == -1 || (port > 0 && port < 65536));
  if (vireo_graphics_get_port (self) == port)
    return;
  if (port == -1)
    {
      vireo_xml_set_prop (NODE (self), "port", "-1");
      vireo_xml_set_prop (NODE (self), "autoport", "yes");
    }
  else
    {
      text = g_strdup_printf ("%d", port);
      vireo_xml_set_prop (NODE (self), "port", text);
      vireo_xml_set_prop (NODE (self), "autoport", "no");
    }
  _vireo_device_changed (VIREO_DEVICE (self));
}

/* The password itself is not handed out: it lives in the XML only as long
 * as libvirt needs it, and Vireo keeps its copy in the keyring. */
gboolean
vireo_graphics_get_has_password (VireoGraphics *self)
{
  g_autofree char *passwd = NULL;

  g_return_val_if_fail (VIREO_IS_GRAPHICS (self), FALSE);
  passwd = vireo_xml_get_prop (NODE (self), "passwd");
  return passwd != NULL;
}

void
vireo_graphics_set_password (VireoGraphics *self,
                             const char    *password)
{
  g_return_if_fail (VIREO_IS_GRAPHICS (self));
  vireo_xml_set_prop (NODE (self), "passwd", password);
  _vireo_device_changed (VIREO_DEVICE (self));
}

gboolean
vireo_graphics_get_gl (VireoGraphics *self)
{
  g_autofree char *enable = NULL;

  g_return_val_if_fail (VIREO_IS_GRAPHICS (self), FALSE);
  enable = vireo_xml_get_child_prop (NODE (self), "gl", "enable");
  return g_strcmp0 (enable, "yes") == 0;
}

void
vireo_graphics_set_gl (VireoGraphics *self,
                       gboolean       gl)
{
  g_return_if_fail (VIREO_IS_GRAPHICS (self));
  if (vireo_graphics_get_gl (self) == !!gl)
    return;
  vireo_xml_set_child_prop (NODE (self), "gl", "enable", gl ? "yes" : NULL);
  _vireo_device_changed (VIREO_DEVICE (self));
}
