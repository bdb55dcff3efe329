/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-memory"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-memory.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/*
 * Shared guest memory: <memoryBacking><source type='memfd'/><access
 * mode='shared'/>. virtiofs needs it (virtiofsd maps the guest's RAM), and
 * libvirt refuses to define a virtiofs filesystem without it. memfd is
 * the backing libvirt documents for that case and needs no hugepages or
 * file path; an existing <source> (hugepages, a file) is the user's and
 * stays.
 */

static const char * const domain_order[] = {
  "name", "uuid", "genid", "title", "description", "metadata", "maxMemory",
  "memory", "currentMemory", "blkiotune", "memtune", "memoryBacking",
  "vcpu", "vcpus", "iothreads", "os", "features", "cpu", "devices", NULL
};

static const char * const backing_order[] = {
  "hugepages", "nosharepages", "locked", "source", "access", "allocation", "discard", NULL
};

static xmlNodePtr
backing_of (VireoDomainConfig *config)
{
  return vireo_xml_child (xmlDocGetRootElement (_vireo_domain_config_get_doc (config)), "memoryBacking");
}

gboolean
vireo_memory_get_shared (VireoDomainConfig *config)
{
  g_autofree char *mode = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);

  mode = vireo_xml_get_child_prop (backing_of (config), "access", "mode");
  return g_strcmp0 (mode, "shared") == 0;
}

/* The first virtiofs filesystem's title, or NULL. */
static char *
dup_virtiofs_title (VireoDomainConfig *config)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *driver = NULL;

      if (vireo_device_get_kind (device) != VIREO_DEVICE_FILESYSTEM)
        continue;
      driver = vireo_xml_get_child_prop (_vireo_device_get_node (device), "driver", "type");
      if (g_strcmp0 (driver, "virtiofs") == 0)
        return vireo_device_dup_title (device);
    }
  return NULL;
}

/**
 * vireo_memory_needs_shared:
 *
 * Returns: whether a virtiofs filesystem is there and the memory is not
 *   shared: the state libvirt refuses to define
 */
gboolean
vireo_memory_needs_shared (VireoDomainConfig *config)
{
  g_autofree char *title = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);

  if (vireo_memory_get_shared (config))
    return FALSE;
  title = dup_virtiofs_title (config);
  return title != NULL;
}

/**
 * vireo_memory_set_shared:
 *
 * Shares the guest's memory, or stops sharing it. Refused, with the
 * document untouched, while a virtiofs filesystem needs it. Turning it
 * off removes <access> and, when nothing else is left in it, the
 * <memoryBacking> itself.
 *
 * Returns: %TRUE when the document says @shared
 */
gboolean
vireo_memory_set_shared (VireoDomainConfig  *config,
                         gboolean            shared,
                         GError            **error)
{
  xmlNodePtr root, backing;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);

  if (vireo_memory_get_shared (config) == !!shared)
    return TRUE;
  root = xmlDocGetRootElement (_vireo_domain_config_get_doc (config));
  backing = backing_of (config);

  if (!shared)
    {
      g_autofree char *title = dup_virtiofs_title (config);
      gboolean empty = TRUE;

      if (title != NULL)
        {
          g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                       /* Translators: %s is a device, e.g. "Filesystem shared" */
                       _("%s shares a directory through virtiofs, which needs shared memory. Remove it first."),
                       title);
          return FALSE;
        }
      vireo_xml_remove (vireo_xml_child (backing, "access"));
      for (xmlNodePtr n = backing->children; n != NULL; n = n->next)
        empty = empty && n->type != XML_ELEMENT_NODE;
      if (empty)
        vireo_xml_remove (backing);
      _vireo_domain_config_changed (config);
      return TRUE;
    }

  if (backing == NULL)
    backing = vireo_xml_insert_ordered (root, xmlNewNode (NULL, BAD_CAST "memoryBacking"), domain_order);
  if (vireo_xml_child (backing, "source") == NULL)
    {
      xmlNodePtr source = xmlNewNode (NULL, BAD_CAST "source");

      xmlNewProp (source, BAD_CAST "type", BAD_CAST "memfd");
      vireo_xml_insert_ordered (backing, source, backing_order);
    }
  {
    xmlNodePtr access = vireo_xml_child (backing, "access");

    if (access == NULL)
      access = vireo_xml_insert_ordered (backing, xmlNewNode (NULL, BAD_CAST "access"), backing_order);
    vireo_xml_set_prop (access, "mode", "shared");
  }
  _vireo_domain_config_changed (config);
  return TRUE;
}
