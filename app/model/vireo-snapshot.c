/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-snapshot"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/tree.h>

#include "vireo-snapshot.h"
#include "vireo-xml.h"

/*
 * libvirt's <domainsnapshot>, as virDomainSnapshotGetXMLDesc writes it
 * (libvirt 9.0):
 *
 *   <domainsnapshot>
 *     <name>, <description>?, <state>, <parent><name>?, <creationTime>,
 *     <memory snapshot='no|internal|external' file=?/>,
 *     <disks><disk name='vda' snapshot='internal|external|no|manual' type=?>
 *       <driver type='qcow2'/>? <source file=|dev=/>?</disk>...</disks>,
 *     <domain>: the definition as it was, <inactiveDomain>?, <cookie>?
 *   </domainsnapshot>
 *
 * Anything else is kept, never interpreted: the document is only read
 * here, and edited in place by vireo_snapshot_xml_set_description().
 */

G_DEFINE_QUARK (vireo-snapshot-error-quark, vireo_snapshot_error)

static void
snapshot_disk_free (VireoSnapshotDisk *disk)
{
  if (disk == NULL)
    return;
  g_free (disk->target);
  g_free (disk->snapshot);
  g_free (disk->source);
  g_free (disk);
}

void
vireo_snapshot_info_free (VireoSnapshotInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->description);
  g_free (info->state);
  g_free (info->parent);
  g_free (info->memory_file);
  g_clear_pointer (&info->disks, g_ptr_array_unref);
  g_free (info->domain_xml);
  g_free (info->xml);
  g_free (info);
}

/* Parses a snapshot document the way every function here wants it: no
 * DOCTYPE (it could only declare entities), root <domainsnapshot>. */
static xmlDocPtr
read_snapshot (const char  *xml,
               GError     **error)
{
  xmlDocPtr doc = vireo_xml_read (xml, "snapshot.xml");
  xmlNodePtr root;

  if (doc == NULL)
    {
      const xmlError *err = xmlGetLastError ();

      g_set_error (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_PARSE,
                   _("Not well-formed XML: %s"),
                   err != NULL && err->message != NULL ? g_strchomp (err->message) : _("unknown error"));
      return NULL;
    }
  if (doc->intSubset != NULL)
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_PARSE,
                           _("A <!DOCTYPE> is not accepted in a snapshot document"));
      return NULL;
    }
  root = xmlDocGetRootElement (doc);
  if (root == NULL || root->ns != NULL || xmlStrcmp (root->name, BAD_CAST "domainsnapshot") != 0)
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_PARSE,
                           _("The document is not a <domainsnapshot>"));
      return NULL;
    }
  return doc;
}

static char *
stripped_child_text (xmlNodePtr  parent,
                     const char *child)
{
  char *text = vireo_xml_get_child_text (parent, child);

  if (text == NULL)
    return NULL;
  g_strstrip (text);
  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

/* The file or device an external disk's overlay is in. */
static char *
dup_source_path (xmlNodePtr disk)
{
  xmlNodePtr source = vireo_xml_child (disk, "source");
  char *path;

  if ((path = vireo_xml_get_prop (source, "file")) != NULL
      || (path = vireo_xml_get_prop (source, "dev")) != NULL)
    return path;
  return NULL;
}

/**
 * vireo_snapshot_info_new_from_xml:
 * @xml: a `<domainsnapshot>` as libvirt writes it
 *
 * Returns: (transfer full): the snapshot, or %NULL with
 *   %VIREO_SNAPSHOT_ERROR_PARSE when @xml is not one
 */
VireoSnapshotInfo *
vireo_snapshot_info_new_from_xml (const char  *xml,
                                  GError     **error)
{
  g_autoptr(VireoSnapshotInfo) info = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *created = NULL;
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlNodePtr node;
  gboolean any_external = FALSE;

  g_return_val_if_fail (xml != NULL, NULL);

  if ((doc = read_snapshot (xml, error)) == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);

  info = g_new0 (VireoSnapshotInfo, 1);
  info->xml = g_strdup (xml);
  info->name = vireo_xml_get_child_text (root, "name");
  if (info->name == NULL)
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_PARSE,
                           _("The snapshot document has no <name>"));
      return NULL;
    }
  info->description = vireo_xml_get_child_text (root, "description");
  info->state = stripped_child_text (root, "state");
  info->parent = stripped_child_text (vireo_xml_child (root, "parent"), "name");

  created = stripped_child_text (root, "creationTime");
  if (created != NULL)
    info->creation_time = g_ascii_strtoll (created, NULL, 10);

  node = vireo_xml_child (root, "memory");
  memory = vireo_xml_get_prop (node, "snapshot");
  info->memory_file = vireo_xml_get_prop (node, "file");
  /* The schema lets a file imply snapshot='external'. */
  if (memory == NULL && info->memory_file != NULL)
    memory = g_strdup ("external");
  if (node == NULL)
    /* Only documents older than libvirt 1.0.1 lack <memory>: a running
     * machine's snapshot then kept its memory in the images. */
    info->has_memory = g_strcmp0 (info->state, "running") == 0 || g_strcmp0 (info->state, "paused") == 0;
  else
    info->has_memory = g_strcmp0 (memory, "internal") == 0 || g_strcmp0 (memory, "external") == 0;
  any_external = g_strcmp0 (memory, "external") == 0;

  info->disks = g_ptr_array_new_with_free_func ((GDestroyNotify) snapshot_disk_free);
  for (node = vireo_xml_child (vireo_xml_child (root, "disks"), "disk");
       node != NULL;
       node = vireo_xml_next_sibling (node, "disk"))
    {
      VireoSnapshotDisk *disk = g_new0 (VireoSnapshotDisk, 1);

      disk->target = vireo_xml_get_prop (node, "name");
      disk->snapshot = vireo_xml_get_prop (node, "snapshot");
      disk->source = dup_source_path (node);
      /* libvirt always writes the attribute; without it a disk follows the
       * memory, as libvirt's own default does. */
      if (disk->snapshot == NULL)
        disk->snapshot = g_strdup (any_external ? "external" : "internal");
      if (g_str_equal (disk->snapshot, "external"))
        any_external = TRUE;
      g_ptr_array_add (info->disks, disk);
    }
  info->location = any_external ? VIREO_SNAPSHOT_EXTERNAL : VIREO_SNAPSHOT_INTERNAL;

  node = vireo_xml_child (root, "domain");
  /* A redefined snapshot may carry only <domain><uuid/></domain>: that is
   * no machine. */
  if (node != NULL && vireo_xml_child (node, "name") != NULL)
    info->domain_xml = vireo_xml_node_to_string (node);

  xmlFreeDoc (doc);
  return g_steal_pointer (&info);
}
