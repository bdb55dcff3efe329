/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-domain-config"

#include "config.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "vireo-domain-config.h"

/*
 * The document is the state. Getters read the DOM and setters change it in
 * place, so any element or attribute Vireo does not know about is written
 * back exactly as libvirt gave it.
 */
struct _VireoDomainConfig
{
  GObject    parent_instance;

  xmlDocPtr  doc;
  /* Cached strings for the borrowed getters; refreshed on every set. */
  char      *name;
  char      *uuid;
  char      *title;
  char      *description;
};

G_DEFINE_TYPE (VireoDomainConfig, vireo_domain_config, G_TYPE_OBJECT)
G_DEFINE_QUARK (vireo-model-error-quark, vireo_model_error)

void
vireo_disk_info_free (VireoDiskInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->target);
  g_free (info->device);
  g_free (info->source_type);
  g_free (info->path);
  g_free (info->pool);
  g_free (info->volume);
  g_free (info);
}

static xmlNodePtr
first_child_element (xmlNodePtr  parent,
                     const char *name)
{
  for (xmlNodePtr n = parent ? parent->children : NULL; n != NULL; n = n->next)
    if (n->type == XML_ELEMENT_NODE && xmlStrcmp (n->name, BAD_CAST name) == 0)
      return n;
  return NULL;
}

static char *
dup_content (xmlNodePtr node)
{
  xmlChar *content;
  char *ret;

  if (node == NULL)
    return NULL;
  content = xmlNodeGetContent (node);
  ret = g_strdup ((const char *) content);
  xmlFree (content);
  return ret;
}

static char *
dup_prop (xmlNodePtr  node,
          const char *name)
{
  xmlChar *value;
  char *ret;

  if (node == NULL)
    return NULL;
  value = xmlGetProp (node, BAD_CAST name);
  ret = g_strdup ((const char *) value);
  xmlFree (value);
  return ret;
}

static void
refresh_cache (VireoDomainConfig *self)
{
  xmlNodePtr root = xmlDocGetRootElement (self->doc);

  g_free (self->name);
  g_free (self->uuid);
  g_free (self->title);
  g_free (self->description);
  self->name = dup_content (first_child_element (root, "name"));
  self->uuid = dup_content (first_child_element (root, "uuid"));
  self->title = dup_content (first_child_element (root, "title"));
  self->description = dup_content (first_child_element (root, "description"));
}

static void
vireo_domain_config_finalize (GObject *object)
{
  VireoDomainConfig *self = (VireoDomainConfig *) object;

  g_clear_pointer (&self->doc, xmlFreeDoc);
  g_free (self->name);
  g_free (self->uuid);
  g_free (self->title);
  g_free (self->description);

  G_OBJECT_CLASS (vireo_domain_config_parent_class)->finalize (object);
}

static void
vireo_domain_config_class_init (VireoDomainConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vireo_domain_config_finalize;
}

static void
vireo_domain_config_init (VireoDomainConfig *self)
{
}

/**
 * vireo_domain_config_new_from_xml:
 * @xml: a libvirt domain document
 *
 * Returns: (transfer full): the config, or %NULL with @error set when @xml is
 *   not a well-formed `<domain>` document.
 */
VireoDomainConfig *
vireo_domain_config_new_from_xml (const char  *xml,
                                  GError     **error)
{
  g_autoptr(VireoDomainConfig) self = NULL;
  xmlDocPtr doc;
  xmlNodePtr root;

  g_return_val_if_fail (xml != NULL, NULL);

  /* NONET: a domain document never needs the network to parse; NOBLANKS is
   * deliberately absent so whitespace survives a round trip. */
  doc = xmlReadMemory (xml, (int) strlen (xml), "domain.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    {
      const xmlError *err = xmlGetLastError ();
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_PARSE,
                   "Not well-formed XML: %s",
                   err && err->message ? g_strchomp (err->message) : "unknown error");
      return NULL;
    }

  root = xmlDocGetRootElement (doc);
  if (root == NULL || xmlStrcmp (root->name, BAD_CAST "domain") != 0)
    {
      xmlFreeDoc (doc);
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   "The document is not a <domain> definition");
      return NULL;
    }

  self = g_object_new (VIREO_TYPE_DOMAIN_CONFIG, NULL);
  self->doc = doc;
  refresh_cache (self);

  return g_steal_pointer (&self);
}

/**
 * vireo_domain_config_to_xml:
 *
 * Returns: (transfer full): the document, everything Vireo did not change
 *   exactly as it was read.
 */
char *
vireo_domain_config_to_xml (VireoDomainConfig *self)
{
  xmlChar *buf = NULL;
  int len = 0;
  char *ret;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);

  xmlDocDumpMemoryEnc (self->doc, &buf, &len, "UTF-8");
  ret = g_strndup ((const char *) buf, len);
  xmlFree (buf);
  return ret;
}

const char *
vireo_domain_config_get_name (VireoDomainConfig *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  return self->name;
}

const char *
vireo_domain_config_get_uuid (VireoDomainConfig *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  return self->uuid;
}

const char *
vireo_domain_config_get_title (VireoDomainConfig *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  return self->title;
}

const char *
vireo_domain_config_get_description (VireoDomainConfig *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  return self->description;
}

/* libvirt wants <title> and <description> right after <uuid>/<name>; an
 * empty value removes the element, as `virsh desc` does. */
static void
set_simple_child (VireoDomainConfig *self,
                  const char        *element,
                  const char        *value)
{
  xmlNodePtr root = xmlDocGetRootElement (self->doc);
  xmlNodePtr node = first_child_element (root, element);

  if (value == NULL || *value == '\0')
    {
      if (node != NULL)
        {
          xmlUnlinkNode (node);
          xmlFreeNode (node);
        }
    }
  else if (node != NULL)
    {
      xmlNodeSetContent (node, NULL);
      xmlNodeAddContent (node, BAD_CAST value);
    }
  else
    {
      xmlNodePtr anchor = first_child_element (root, "uuid");

      if (anchor == NULL)
        anchor = first_child_element (root, "name");
      node = xmlNewDocNode (self->doc, NULL, BAD_CAST element, NULL);
      xmlNodeAddContent (node, BAD_CAST value);
      if (anchor != NULL)
        xmlAddNextSibling (anchor, node);
      else
        xmlAddChild (root, node);
    }

  refresh_cache (self);
}

void
vireo_domain_config_set_title (VireoDomainConfig *self,
                               const char        *title)
{
  g_return_if_fail (VIREO_IS_DOMAIN_CONFIG (self));

  /* libvirt rejects a multi-line title; keep the first line only. */
  if (title != NULL && strchr (title, '\n') != NULL)
    {
      g_autofree char *line = g_strndup (title, strcspn (title, "\n"));
      set_simple_child (self, "title", line);
      return;
    }
  set_simple_child (self, "title", title);
}

void
vireo_domain_config_set_description (VireoDomainConfig *self,
                                     const char        *description)
{
  g_return_if_fail (VIREO_IS_DOMAIN_CONFIG (self));
  set_simple_child (self, "description", description);
}

/**
 * vireo_domain_config_list_disks:
 *
 * Returns: (transfer full) (element-type VireoDiskInfo): one entry per
 *   `<disk>` in document order.
 */
GPtrArray *
vireo_domain_config_list_disks (VireoDomainConfig *self)
{
  GPtrArray *disks;
  xmlNodePtr devices;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);

  disks = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_disk_info_free);
  devices = first_child_element (xmlDocGetRootElement (self->doc), "devices");

  for (xmlNodePtr n = devices ? devices->children : NULL; n != NULL; n = n->next)
    {
      VireoDiskInfo *info;
      xmlNodePtr source;

      if (n->type != XML_ELEMENT_NODE || xmlStrcmp (n->name, BAD_CAST "disk") != 0)
        continue;

      info = g_new0 (VireoDiskInfo, 1);
      info->source_type = dup_prop (n, "type");
      info->device = dup_prop (n, "device");
      if (info->device == NULL)
        info->device = g_strdup ("disk");
      info->target = dup_prop (first_child_element (n, "target"), "dev");
      info->readonly = first_child_element (n, "readonly") != NULL;
      info->shareable = first_child_element (n, "shareable") != NULL;

      source = first_child_element (n, "source");
      if (g_strcmp0 (info->source_type, "file") == 0)
        info->path = dup_prop (source, "file");
      else if (g_strcmp0 (info->source_type, "block") == 0)
        info->path = dup_prop (source, "dev");
      else if (g_strcmp0 (info->source_type, "volume") == 0)
        {
          info->pool = dup_prop (source, "pool");
          info->volume = dup_prop (source, "volume");
        }

      g_ptr_array_add (disks, info);
    }

  return disks;
}

/**
 * vireo_domain_config_has_nvram:
 *
 * Returns: whether the domain keeps UEFI variables in an NVRAM file, which
 *   libvirt refuses to undefine without being told what to do with it.
 */
gboolean
vireo_domain_config_has_nvram (VireoDomainConfig *self)
{
  xmlNodePtr os;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), FALSE);

  os = first_child_element (xmlDocGetRootElement (self->doc), "os");
  return first_child_element (os, "nvram") != NULL ||
         first_child_element (os, "loader") != NULL;
}
