/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-snapshot"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/tree.h>

#include "vireo-command.h"
#include "vireo-disk.h"
#include "vireo-firmware.h"
#include "vireo-model-private.h"
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

/* ------------------------------------------------------------ the tree */

static VireoSnapshotInfo *
find_snapshot (GPtrArray  *all,
               const char *name)
{
  for (guint i = 0; name != NULL && i < all->len; i++)
    {
      VireoSnapshotInfo *info = g_ptr_array_index (all, i);

      if (g_strcmp0 (info->name, name) == 0)
        return info;
    }
  return NULL;
}

static int
compare_age (gconstpointer a,
             gconstpointer b)
{
  const VireoSnapshotInfo *x = *(VireoSnapshotInfo * const *) a;
  const VireoSnapshotInfo *y = *(VireoSnapshotInfo * const *) b;

  if (x->creation_time != y->creation_time)
    return x->creation_time < y->creation_time ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

/**
 * vireo_snapshot_children:
 * @all: (element-type VireoSnapshotInfo): every snapshot of one machine
 * @parent: (nullable): a snapshot's name, or %NULL for the roots
 *
 * Returns: (transfer container) (element-type VireoSnapshotInfo): the
 *   snapshots directly under @parent, oldest first, ties by name. A
 *   snapshot whose parent is missing from @all (deleted with
 *   --children-only, or a partial list) counts as a root, so that no
 *   snapshot falls out of the tree.
 */
GPtrArray *
vireo_snapshot_children (GPtrArray  *all,
                         const char *parent)
{
  GPtrArray *children;

  g_return_val_if_fail (all != NULL, NULL);

  children = g_ptr_array_new ();
  for (guint i = 0; i < all->len; i++)
    {
      VireoSnapshotInfo *info = g_ptr_array_index (all, i);
      gboolean under;

      if (parent == NULL)
        under = info->parent == NULL || find_snapshot (all, info->parent) == NULL;
      else
        under = g_strcmp0 (info->parent, parent) == 0;
      if (under)
        g_ptr_array_add (children, info);
    }
  g_ptr_array_sort (children, compare_age);
  return children;
}

static void
add_subtree (GPtrArray         *all,
             VireoSnapshotInfo *info,
             GHashTable        *seen,
             GPtrArray         *out)
{
  g_autoptr(GPtrArray) children = NULL;

  /* A hand-edited document can make a snapshot its own ancestor. */
  if (!g_hash_table_add (seen, info))
    return;
  children = vireo_snapshot_children (all, info->name);
  for (guint i = 0; i < children->len; i++)
    add_subtree (all, g_ptr_array_index (children, i), seen, out);
  g_ptr_array_add (out, info);
}

/**
 * vireo_snapshot_subtree:
 * @all: (element-type VireoSnapshotInfo): every snapshot of one machine
 * @name: the snapshot at the top
 *
 * Returns: (transfer container) (element-type VireoSnapshotInfo): @name
 *   and everything under it, each child before its parent, siblings
 *   oldest first; empty when @name is not in @all
 */
GPtrArray *
vireo_snapshot_subtree (GPtrArray  *all,
                        const char *name)
{
  g_autoptr(GHashTable) seen = NULL;
  VireoSnapshotInfo *top;
  GPtrArray *out;

  g_return_val_if_fail (all != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  out = g_ptr_array_new ();
  top = find_snapshot (all, name);
  if (top == NULL)
    return out;
  seen = g_hash_table_new (NULL, NULL);
  add_subtree (all, top, seen, out);
  return out;
}

/* -------------------------------------------------------------- names */

#define NAME_MAX_BYTES 200

/**
 * vireo_snapshot_name_validate:
 * @taken: (nullable) (array zero-terminated=1): the machine's snapshots
 *
 * libvirt keeps each snapshot's metadata in a file named after it, hence
 * no '/' and no leading '.'; Vireo's external overlays put the name into
 * a file name too.
 *
 * Returns: %TRUE, or %FALSE with %VIREO_SNAPSHOT_ERROR_NAME saying what is
 *   wrong, in words for the user
 */
gboolean
vireo_snapshot_name_validate (const char          *name,
                              const char * const  *taken,
                              GError             **error)
{
  g_autofree char *trimmed = NULL;

  if (name == NULL || *(trimmed = g_strstrip (g_strdup (name))) == '\0')
    {
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_NAME,
                           _("The name cannot be empty"));
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_NAME,
                           _("The name is not valid text"));
      return FALSE;
    }
  if (strchr (name, '/') != NULL)
    {
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_NAME,
                           _("The name cannot contain “/”"));
      return FALSE;
    }
  if (name[0] == '.')
    {
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_NAME,
                           _("The name cannot start with “.”"));
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_NAME,
                             _("The name cannot contain control characters such as tabs or line breaks"));
        return FALSE;
      }
  if (strlen (name) > NAME_MAX_BYTES)
    {
      g_set_error (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_NAME,
                   /* Translators: %d is the most bytes a name may have (200) */
                   _("The name is too long: at most %d bytes"), NAME_MAX_BYTES);
      return FALSE;
    }
  if (taken != NULL && g_strv_contains (taken, name))
    {
      g_set_error (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_NAME,
                   _("A snapshot named “%s” exists"), name);
      return FALSE;
    }
  return TRUE;
}

/**
 * vireo_snapshot_suggest_name:
 * @taken: (nullable) (array zero-terminated=1): the machine's snapshots
 *
 * Returns: (transfer full): "snapshot1", "snapshot2", … the first free
 */
char *
vireo_snapshot_suggest_name (const char * const *taken)
{
  for (guint n = 1;; n++)
    {
      g_autofree char *name = g_strdup_printf ("snapshot%u", n);

      if (taken == NULL || !g_strv_contains (taken, name))
        return g_steal_pointer (&name);
    }
}

/* ---------------------------------------------------------- the plan */

/* What a snapshot needs to know about one <disk> of the machine. */
typedef struct
{
  char     *target;
  char     *type;       /* the source type; "file" when unset, as in libvirt */
  char     *path;       /* file or block device */
  char     *format;     /* driver type; "raw" when unset: what libvirt runs it as */
  char     *protocol;   /* network disks */
  char     *pool;
  char     *volume;
  gboolean  counted;    /* writable data a snapshot takes */
  gboolean  left_out;   /* writable data a snapshot cannot take (shared, LUN) */
} DiskFacts;

static void
disk_facts_free (DiskFacts *facts)
{
  g_free (facts->target);
  g_free (facts->type);
  g_free (facts->path);
  g_free (facts->format);
  g_free (facts->protocol);
  g_free (facts->pool);
  g_free (facts->volume);
  g_free (facts);
}

static GPtrArray *
list_disk_facts (VireoDomainConfig *config)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  GPtrArray *disks = g_ptr_array_new_with_free_func ((GDestroyNotify) disk_facts_free);
  guint n = g_list_model_get_n_items (devices);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *kind = NULL;
      VireoDisk *disk;
      DiskFacts *facts;
      gboolean has_source;
      gboolean readonly;

      if (!VIREO_IS_DISK (device))
        continue;
      disk = VIREO_DISK (device);
      facts = g_new0 (DiskFacts, 1);
      facts->target = vireo_disk_dup_target (disk);
      facts->type = vireo_disk_dup_source_type (disk);
      if (facts->type == NULL)
        facts->type = g_strdup ("file");
      facts->path = vireo_disk_dup_source_path (disk);
      facts->format = vireo_disk_dup_format (disk);
      if (facts->format == NULL)
        facts->format = g_strdup ("raw");
      facts->protocol = vireo_xml_get_child_prop (_vireo_device_get_node (device), "source", "protocol");
      facts->pool = vireo_disk_dup_source_pool (disk);
      facts->volume = vireo_disk_dup_source_volume (disk);

      kind = vireo_disk_dup_device (disk);
      has_source = facts->path != NULL || facts->volume != NULL || facts->protocol != NULL;
      readonly = vireo_disk_get_readonly (disk);
      /* A CD-ROM or floppy counts only when it holds a writable medium. */
      facts->counted = has_source && !readonly && !vireo_disk_get_shareable (disk) &&
                       (kind == NULL || g_str_equal (kind, "disk") || vireo_disk_is_removable_media (disk));
      /* libvirt refuses an internal snapshot that would leave such a disk
       * out ("internal and full system snapshots require all disks"). */
      facts->left_out = has_source && !readonly && !facts->counted;
      if (facts->target != NULL)
        g_ptr_array_add (disks, facts);
      else
        disk_facts_free (facts);
    }
  return disks;
}

static gboolean
is_uefi (VireoDomainConfig *config)
{
  g_autoptr(VireoFirmwareInfo) firmware = vireo_firmware_get_info (config);

  /* "efi" covers <os firmware='efi'> and <loader type='pflash'>. */
  return g_strcmp0 (firmware->firmware, "efi") == 0;
}

/* Why an internal snapshot cannot be taken, or NULL. */
static char *
internal_refusal (GPtrArray *disks,
                  gboolean   uefi,
                  gboolean   active,
                  gboolean   internal_pflash)
{
  guint counted = 0;

  if (uefi && !internal_pflash)
    return g_strdup (_("UEFI keeps its variables in a flash file, which libvirt before 10.10 cannot snapshot "
                       "internally; take an external snapshot"));

  for (guint i = 0; i < disks->len; i++)
    {
      DiskFacts *disk = g_ptr_array_index (disks, i);

      if (disk->left_out)
        /* Translators: %s is a disk such as "vdb" */
        return g_strdup_printf (_("%s is shared or passed through, so no snapshot can include it, and an "
                                  "internal snapshot must include every writable disk"), disk->target);
      if (!disk->counted)
        continue;
      counted++;
      if (!g_str_equal (disk->format, "qcow2"))
        /* Translators: "vdb is a raw image: …"; the second %s is a disk image format */
        return g_strdup_printf (_("%s is a %s image: internal snapshots need qcow2"), disk->target, disk->format);
      /* A stopped machine's internal snapshot is made by qemu-img, which
       * reaches only local files. */
      if (!active && g_str_equal (disk->type, "network"))
        return g_strdup_printf (_("%s is on network storage: an internal snapshot of it needs the machine "
                                  "running"), disk->target);
    }

  /* The memory of an internal snapshot lives in the disk images, so
   * libvirt needs at least one. */
  if (counted == 0)
    return g_strdup (_("There is no writable disk to keep an internal snapshot in"));
  return NULL;
}

/* Why an external snapshot cannot be taken, or NULL. */
static char *
external_refusal (GPtrArray *disks,
                  gboolean   active)
{
  guint counted = 0;

  for (guint i = 0; i < disks->len; i++)
    {
      DiskFacts *disk = g_ptr_array_index (disks, i);

      if (!disk->counted)
        continue;
      counted++;
      if (g_str_equal (disk->type, "file") && disk->path != NULL)
        continue;
      if (g_str_equal (disk->type, "network"))
        /* Translators: "vdb is on network storage (rbd): …" */
        return g_strdup_printf (_("%s is on network storage (%s): external snapshots need a local file"),
                                disk->target, disk->protocol != NULL ? disk->protocol : "network");
      if (g_str_equal (disk->type, "volume"))
        /* A volume's file is known only to its pool: the model cannot
         * place an overlay beside it. */
        return g_strdup_printf (_("%s is a storage pool volume (%s/%s): take an internal snapshot"),
                                disk->target, disk->pool != NULL ? disk->pool : "?",
                                disk->volume != NULL ? disk->volume : "?");
      if (g_str_equal (disk->type, "block"))
        /* An overlay beside /dev/vg/lv would be a file in /dev. */
        return g_strdup_printf (_("%s is a block device: there is no folder beside it for an external "
                                  "snapshot's overlay file; take an internal snapshot"), disk->target);
      /* Translators: "vdb is a dir disk: …"; the second %s is libvirt's disk type */
      return g_strdup_printf (_("%s is a %s disk: external snapshots need a local file"), disk->target,
                              disk->type);
    }

  /* A running machine's memory alone makes a snapshot. */
  if (counted == 0 && !active)
    return g_strdup (_("There is no disk to snapshot"));
  return NULL;
}

/**
 * vireo_snapshot_plan_for:
 *
 * Returns: (transfer full): which kinds of snapshot @config can take now,
 *   and in words why not the others
 */
VireoSnapshotPlan *
vireo_snapshot_plan_for (VireoDomainConfig *config,
                         gboolean           active,
                         gboolean           internal_pflash)
{
  g_autoptr(GPtrArray) disks = NULL;
  VireoSnapshotPlan *plan;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);

  disks = list_disk_facts (config);
  plan = g_new0 (VireoSnapshotPlan, 1);
  plan->internal_why_not = internal_refusal (disks, is_uefi (config), active, internal_pflash);
  plan->internal_ok = plan->internal_why_not == NULL;
  plan->external_why_not = external_refusal (disks, active);
  plan->external_ok = plan->external_why_not == NULL;
  plan->memory_ok = active;
  plan->recommended = plan->internal_ok ? VIREO_SNAPSHOT_INTERNAL : VIREO_SNAPSHOT_EXTERNAL;
  return plan;
}

void
vireo_snapshot_plan_free (VireoSnapshotPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->internal_why_not);
  g_free (plan->external_why_not);
  g_free (plan);
}

/* ------------------------------------------------ the create document */

/* "<dir>/<stem>.<name>.qcow2" beside @image; the stem is the file name
 * without its last extension (a leading dot is no extension). */
static char *
overlay_path (const char *image,
              const char *name,
              const char *target,
              GHashTable *used)
{
  g_autofree char *dir = g_path_get_dirname (image);
  g_autofree char *base = g_path_get_basename (image);
  const char *dot = strrchr (base, '.');
  g_autofree char *file = NULL;
  char *path;

  if (dot != NULL && dot != base)
    base[dot - base] = '\0';
  file = g_strdup_printf ("%s.%s.qcow2", base, name);
  path = g_build_filename (dir, file, NULL);
  /* web.qcow2 and web.img side by side would get the same overlay. */
  if (g_hash_table_contains (used, path))
    {
      g_free (path);
      g_free (file);
      file = g_strdup_printf ("%s.%s.%s.qcow2", base, target, name);
      path = g_build_filename (dir, file, NULL);
    }
  g_hash_table_add (used, g_strdup (path));
  return path;
}

static xmlNodePtr
new_text_element (const char *name,
                  const char *text)
{
  xmlNodePtr node = xmlNewNode (NULL, BAD_CAST name);

  vireo_xml_set_text (node, text);
  return node;
}

/**
 * vireo_snapshot_build_xml:
 *
 * Whether the host's libvirt takes internal snapshots of UEFI machines is
 * the plan's question (vireo_snapshot_plan_for()); this function does not
 * know the host and leaves that refusal to libvirt.
 *
 * An external snapshot of a running machine without its memory must be
 * created with VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY: without the flag
 * libvirt 9.0 takes <memory snapshot='no'/> on a running machine for an
 * internal snapshot and refuses it.
 *
 * Returns: (transfer full): the document for virDomainSnapshotCreateXML,
 *   or %NULL with %VIREO_SNAPSHOT_ERROR_NAME or %VIREO_SNAPSHOT_ERROR_KIND
 */
char *
vireo_snapshot_build_xml (VireoDomainConfig     *config,
                          const char            *name,
                          const char            *description,
                          VireoSnapshotLocation  location,
                          gboolean               with_memory,
                          gboolean               active,
                          const char            *memory_file,
                          GError               **error)
{
  static const char template[] =
    "<domainsnapshot>\n"
    "  <name></name>\n"
    "</domainsnapshot>\n";
  g_autoptr(VireoSnapshotPlan) plan = NULL;
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GHashTable) used = NULL;
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlNodePtr name_node;
  xmlNodePtr memory;
  xmlNodePtr disks_node;
  gboolean external = location == VIREO_SNAPSHOT_EXTERNAL;
  guint counted = 0;
  char *xml;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);
  g_return_val_if_fail (location == VIREO_SNAPSHOT_INTERNAL || location == VIREO_SNAPSHOT_EXTERNAL, NULL);

  if (!vireo_snapshot_name_validate (name, NULL, error))
    return NULL;

  plan = vireo_snapshot_plan_for (config, active, TRUE);
  if (with_memory && !active)
    {
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_KIND,
                           _("The machine is not running: there is no memory to save"));
      return NULL;
    }
  if (!external && !plan->internal_ok)
    {
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_KIND, plan->internal_why_not);
      return NULL;
    }
  if (!external && active && !with_memory)
    {
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_KIND,
                           _("An internal snapshot of a running machine always includes its memory"));
      return NULL;
    }
  if (external && !plan->external_ok)
    {
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_KIND, plan->external_why_not);
      return NULL;
    }
  if (external && with_memory && (memory_file == NULL || !g_path_is_absolute (memory_file)))
    {
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_KIND,
                           _("An external snapshot with memory needs a full path for the memory file"));
      return NULL;
    }

  disks = list_disk_facts (config);
  for (guint i = 0; i < disks->len; i++)
    if (((DiskFacts *) g_ptr_array_index (disks, i))->counted)
      counted++;
  if (external && counted == 0 && !with_memory)
    {
      g_set_error_literal (error, VIREO_SNAPSHOT_ERROR, VIREO_SNAPSHOT_ERROR_KIND,
                           _("There is no disk to snapshot: only the memory could be saved"));
      return NULL;
    }

  /* Built as a tree, so that libxml2 escapes every name and path. */
  doc = vireo_xml_read (template, "snapshot.xml");
  root = xmlDocGetRootElement (doc);
  name_node = vireo_xml_child (root, "name");
  vireo_xml_set_text (name_node, name);
  if (description != NULL && *description != '\0')
    vireo_xml_insert_after (name_node, new_text_element ("description", description));

  memory = vireo_xml_append_child (root, xmlNewNode (NULL, BAD_CAST "memory"));
  if (!with_memory)
    vireo_xml_set_prop (memory, "snapshot", "no");
  else if (!external)
    vireo_xml_set_prop (memory, "snapshot", "internal");
  else
    {
      vireo_xml_set_prop (memory, "snapshot", "external");
      vireo_xml_set_prop (memory, "file", memory_file);
    }

  used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  disks_node = vireo_xml_append_child (root, xmlNewNode (NULL, BAD_CAST "disks"));
  for (guint i = 0; i < disks->len; i++)
    {
      DiskFacts *facts = g_ptr_array_index (disks, i);
      xmlNodePtr disk = vireo_xml_append_child (disks_node, xmlNewNode (NULL, BAD_CAST "disk"));

      vireo_xml_set_prop (disk, "name", facts->target);
      if (!facts->counted)
        vireo_xml_set_prop (disk, "snapshot", "no");
      else if (!external)
        vireo_xml_set_prop (disk, "snapshot", "internal");
      else
        {
          g_autofree char *overlay = overlay_path (facts->path, name, facts->target, used);
          xmlNodePtr node;

          vireo_xml_set_prop (disk, "snapshot", "external");
          vireo_xml_set_prop (disk, "type", "file");
          node = vireo_xml_append_child (disk, xmlNewNode (NULL, BAD_CAST "driver"));
          vireo_xml_set_prop (node, "type", "qcow2");
          node = vireo_xml_append_child (disk, xmlNewNode (NULL, BAD_CAST "source"));
          vireo_xml_set_prop (node, "file", overlay);
        }
    }

  xml = vireo_xml_node_to_string (root);
  xmlFreeDoc (doc);
  return xml;
}

/* ------------------------------------------------------- description */

static char *
doc_to_string (xmlDocPtr doc)
{
  g_autoptr(GString) out = g_string_new (NULL);

  /* Top-level nodes as they are, without an <?xml?> declaration libvirt
   * never writes, as vireo_domain_config_to_xml() does. */
  for (xmlNodePtr n = doc->children; n != NULL; n = n->next)
    {
      xmlBufferPtr buf = xmlBufferCreate ();

      xmlNodeDump (buf, doc, n, 0, 0);
      g_string_append (out, (const char *) xmlBufferContent (buf));
      g_string_append_c (out, '\n');
      xmlBufferFree (buf);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * vireo_snapshot_xml_set_description:
 * @description: (nullable): %NULL or empty removes it
 *
 * Returns: (transfer full): @xml with the new description, or %NULL with
 *   %VIREO_SNAPSHOT_ERROR_PARSE
 */
char *
vireo_snapshot_xml_set_description (const char  *xml,
                                    const char  *description,
                                    GError     **error)
{
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlNodePtr node;
  char *out;

  g_return_val_if_fail (xml != NULL, NULL);

  if ((doc = read_snapshot (xml, error)) == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  node = vireo_xml_child (root, "description");

  if (description == NULL || *description == '\0')
    vireo_xml_remove (node);
  else if (node != NULL)
    vireo_xml_set_text (node, description);
  else
    {
      xmlNodePtr name = vireo_xml_child (root, "name");

      node = new_text_element ("description", description);
      if (name != NULL)
        vireo_xml_insert_after (name, node);
      else
        vireo_xml_insert_ordered (root, node, (const char * const[]) { "description", NULL });
    }

  out = doc_to_string (doc);
  xmlFreeDoc (doc);
  return out;
}

/* ----------------------------------------------------------- the files */

static void
add_source_chain (xmlNodePtr  node,
                  GPtrArray  *files)
{
  /* <disk> and each <backingStore> under it: the whole chain a disk
   * reads from. */
  while (node != NULL)
    {
      xmlNodePtr source = vireo_xml_child (node, "source");
      char *path;

      if ((path = vireo_xml_get_prop (source, "file")) != NULL
          || (path = vireo_xml_get_prop (source, "dev")) != NULL)
        g_ptr_array_add (files, path);
      node = vireo_xml_child (node, "backingStore");
    }
}

static gboolean
took_part (const VireoSnapshotInfo *info,
           const char              *target)
{
  /* Documents without <disks> (libvirt before 0.9.5) took every disk. */
  if (info->disks == NULL || info->disks->len == 0)
    return TRUE;
  for (guint i = 0; i < info->disks->len; i++)
    {
      VireoSnapshotDisk *disk = g_ptr_array_index (info->disks, i);

      if (g_strcmp0 (disk->target, target) == 0)
        return g_strcmp0 (disk->snapshot, "internal") == 0 || g_strcmp0 (disk->snapshot, "external") == 0;
    }
  return FALSE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * vireo_snapshot_dup_needed_files:
 *
 * Only disks that took part count (a read-only ISO is not the snapshot's
 * to need); the machine's disks come with their backing chains. The
 * memory file of an external snapshot is not an image and is not listed
 * (it is @info->memory_file).
 *
 * Returns: (transfer full): the paths, sorted, each once
 */
GStrv
vireo_snapshot_dup_needed_files (const VireoSnapshotInfo *info)
{
  g_autoptr(GPtrArray) files = NULL;
  GPtrArray *unique;

  g_return_val_if_fail (info != NULL, NULL);

  files = g_ptr_array_new_with_free_func (g_free);
  if (info->domain_xml != NULL)
    {
      xmlDocPtr doc = vireo_xml_read (info->domain_xml, "domain.xml");
      xmlNodePtr devices = vireo_xml_child (xmlDocGetRootElement (doc), "devices");

      for (xmlNodePtr disk = vireo_xml_child (devices, "disk"); disk != NULL;
           disk = vireo_xml_next_sibling (disk, "disk"))
        {
          g_autofree char *target = vireo_xml_get_child_prop (disk, "target", "dev");

          if (target != NULL && took_part (info, target))
            add_source_chain (disk, files);
        }
      if (doc != NULL)
        xmlFreeDoc (doc);
    }
  for (guint i = 0; info->disks != NULL && i < info->disks->len; i++)
    {
      VireoSnapshotDisk *disk = g_ptr_array_index (info->disks, i);

      if (disk->source != NULL && g_strcmp0 (disk->snapshot, "no") != 0)
        g_ptr_array_add (files, g_strdup (disk->source));
    }

  g_ptr_array_sort (files, compare_strings);
  unique = g_ptr_array_new ();
  for (guint i = 0; i < files->len; i++)
    {
      char *path = g_ptr_array_index (files, i);

      if (unique->len == 0 || strcmp (g_ptr_array_index (unique, unique->len - 1), path) != 0)
        g_ptr_array_add (unique, g_strdup (path));
    }
  g_ptr_array_add (unique, NULL);
  return (GStrv) g_ptr_array_free (unique, FALSE);
}

/**
 * vireo_snapshot_estimate_memory_bytes:
 *
 * Returns: the whole RAM plus a tenth for device state and the format's
 *   own overhead, rounded up to a MiB
 */
guint64
vireo_snapshot_estimate_memory_bytes (guint64 memory_kib)
{
  const guint64 mib = 1024 * 1024;
  guint64 bytes = memory_kib * 1024;

  bytes += (bytes + 9) / 10;
  return (bytes + mib - 1) / mib * mib;
}

/* @files sorted, each once, NULL-terminated. (transfer full) */
static GStrv
sorted_unique (GPtrArray *files)
{
  GPtrArray *unique;

  g_ptr_array_sort (files, compare_strings);
  unique = g_ptr_array_new ();
  for (guint i = 0; i < files->len; i++)
    {
      char *path = g_ptr_array_index (files, i);

      if (unique->len == 0 || strcmp (g_ptr_array_index (unique, unique->len - 1), path) != 0)
        g_ptr_array_add (unique, g_strdup (path));
    }
  g_ptr_array_add (unique, NULL);
  return (GStrv) g_ptr_array_free (unique, FALSE);
}

/**
 * vireo_snapshot_dup_merge_files:
 *
 * Returns: (transfer full): the overlays and the images below them
 */
GStrv
vireo_snapshot_dup_merge_files (const VireoSnapshotInfo *info)
{
  g_autoptr(GPtrArray) files = NULL;
  xmlDocPtr doc = NULL;
  xmlNodePtr devices = NULL;

  g_return_val_if_fail (info != NULL, NULL);

  files = g_ptr_array_new_with_free_func (g_free);
  if (info->domain_xml != NULL)
    {
      doc = vireo_xml_read (info->domain_xml, "domain.xml");
      devices = doc != NULL ? vireo_xml_child (xmlDocGetRootElement (doc), "devices") : NULL;
    }
  for (guint i = 0; info->disks != NULL && i < info->disks->len; i++)
    {
      VireoSnapshotDisk *disk = g_ptr_array_index (info->disks, i);

      if (g_strcmp0 (disk->snapshot, "external") != 0)
        continue;
      if (disk->source != NULL)
        g_ptr_array_add (files, g_strdup (disk->source));
      for (xmlNodePtr node = vireo_xml_child (devices, "disk"); node != NULL;
           node = vireo_xml_next_sibling (node, "disk"))
        {
          g_autofree char *target = vireo_xml_get_child_prop (node, "target", "dev");
          xmlNodePtr source = vireo_xml_child (node, "source");
          char *path;

          if (g_strcmp0 (target, disk->target) != 0)
            continue;
          if ((path = vireo_xml_get_prop (source, "file")) != NULL ||
              (path = vireo_xml_get_prop (source, "dev")) != NULL)
            g_ptr_array_add (files, path);
        }
    }
  if (doc != NULL)
    xmlFreeDoc (doc);
  return sorted_unique (files);
}

/**
 * vireo_snapshot_dup_domain_images:
 *
 * Returns: (transfer full): the paths; empty when @domain_xml is no domain
 */
GStrv
vireo_snapshot_dup_domain_images (const char *domain_xml)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  xmlDocPtr doc;

  g_return_val_if_fail (domain_xml != NULL, NULL);

  doc = vireo_xml_read (domain_xml, "domain.xml");
  if (doc != NULL)
    {
      xmlNodePtr devices = vireo_xml_child (xmlDocGetRootElement (doc), "devices");

      for (xmlNodePtr disk = vireo_xml_child (devices, "disk"); disk != NULL;
           disk = vireo_xml_next_sibling (disk, "disk"))
        add_source_chain (disk, files);
      xmlFreeDoc (doc);
    }
  return sorted_unique (files);
}

/**
 * vireo_snapshot_default_memory_file:
 *
 * Returns: (transfer full): an absolute path
 */
char *
vireo_snapshot_default_memory_file (VireoDomainConfig *config,
                                    const char        *machine,
                                    const char        *name)
{
  g_autoptr(GPtrArray) disks = NULL;
  g_autofree char *file = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);
  g_return_val_if_fail (machine != NULL && name != NULL, NULL);

  file = g_strdup_printf ("%s.%s.mem", machine, name);
  disks = list_disk_facts (config);
  for (guint i = 0; i < disks->len && dir == NULL; i++)
    {
      DiskFacts *facts = g_ptr_array_index (disks, i);

      if (facts->counted && g_str_equal (facts->type, "file") && facts->path != NULL &&
          g_path_is_absolute (facts->path))
        dir = g_path_get_dirname (facts->path);
    }
  return g_build_filename (dir != NULL ? dir : "/var/lib/libvirt/qemu/snapshot", file, NULL);
}

/* @folder without trailing slashes ("/" stays "/"). */
static char *
trim_folder (const char *folder)
{
  gsize len = strlen (folder);

  while (len > 1 && folder[len - 1] == '/')
    len--;
  return g_strndup (folder, len);
}

/**
 * vireo_snapshot_find_holder:
 *
 * Returns: the index in @folders, or -1
 */
int
vireo_snapshot_find_holder (const char         *path,
                            const char * const *folders)
{
  g_autofree char *canon = NULL;
  int best = -1;
  gsize best_len = 0;

  g_return_val_if_fail (path != NULL, -1);

  if (!g_path_is_absolute (path) || folders == NULL)
    return -1;
  canon = g_canonicalize_filename (path, NULL);
  for (int i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *folder = NULL;
      gsize len;
      gboolean holds;

      if (!g_path_is_absolute (folders[i]))
        continue;
      folder = trim_folder (folders[i]);
      len = strlen (folder);
      if (g_str_equal (folder, "/"))
        {
          holds = TRUE;
          len = 0;
        }
      else
        holds = strncmp (canon, folder, len) == 0 && (canon[len] == '\0' || canon[len] == '/');
      if (holds && (best < 0 || len > best_len))
        {
          best = i;
          best_len = len;
        }
    }
  return best;
}

void
vireo_snapshot_space_free (VireoSnapshotSpace *space)
{
  if (space == NULL)
    return;
  g_free (space->pool);
  g_free (space->folder);
  g_free (space);
}

/**
 * vireo_snapshot_space_verdict:
 *
 * Returns: whether the memory file fits
 */
VireoSnapshotSpaceVerdict
vireo_snapshot_space_verdict (guint64                   needed,
                              const VireoSnapshotSpace *space,
                              char                    **text)
{
  const guint64 margin = G_GUINT64_CONSTANT (1) << 30;
  g_autofree char *need = g_format_size_full (needed, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *free_text = NULL;
  g_autofree char *where = NULL;
  VireoSnapshotSpaceVerdict verdict;

  if (space == NULL || !space->known)
    {
      if (text != NULL)
        /* Translators: %s is a size such as "1.1 GiB" */
        *text = g_strdup_printf (_("Needs about %s; the free space there is unknown (no storage pool holds "
                                   "that folder)."), need);
      return VIREO_SNAPSHOT_SPACE_UNKNOWN;
    }
  if (space->available < needed)
    verdict = VIREO_SNAPSHOT_SPACE_SHORT;
  else if (space->available - needed < margin)
    verdict = VIREO_SNAPSHOT_SPACE_TIGHT;
  else
    verdict = VIREO_SNAPSHOT_SPACE_FITS;
  if (text == NULL)
    return verdict;

  free_text = g_format_size_full (space->available, G_FORMAT_SIZE_IEC_UNITS);
  if (space->pool != NULL)
    /* Translators: %s is a storage pool's name */
    where = g_strdup_printf (_("on pool “%s”"), space->pool);
  else
    /* Translators: %s is a folder on the host */
    where = g_strdup_printf (_("in %s"), space->folder != NULL ? space->folder : "/");
  switch (verdict)
    {
    case VIREO_SNAPSHOT_SPACE_SHORT:
      /* Translators: "Needs about 4.4 GiB, but only 1.0 GiB is free on pool “default”: …" */
      *text = g_strdup_printf (_("Needs about %s, but only %s is free %s: put the memory file elsewhere, or "
                                 "leave the memory out."), need, free_text, where);
      break;
    case VIREO_SNAPSHOT_SPACE_TIGHT:
      /* Translators: "Needs about 1.1 GiB; 1.5 GiB free on pool “default”. …" */
      *text = g_strdup_printf (_("Needs about %s; %s free %s. That leaves little room for the machine's "
                                 "disks to grow."), need, free_text, where);
      break;
    case VIREO_SNAPSHOT_SPACE_FITS:
    case VIREO_SNAPSHOT_SPACE_UNKNOWN:
    default:
      /* Translators: "Needs about 1.1 GiB; 40.0 GiB free on pool “default”." */
      *text = g_strdup_printf (_("Needs about %s; %s free %s."), need, free_text, where);
      break;
    }
  return verdict;
}

/* --------------------------------------------------------- virsh lines */

/* The here-document's closing word: "EOF", unless a line of @xml (a
 * description can hold anything) is exactly that, which would end the
 * document early and run the rest as commands. */
static char *
heredoc_word (const char *xml)
{
  g_auto(GStrv) lines = g_strsplit (xml, "\n", -1);

  for (guint n = 0;; n++)
    {
      g_autofree char *word = n == 0 ? g_strdup ("EOF") : g_strdup_printf ("EOF%u", n);

      if (!g_strv_contains ((const char * const *) lines, word))
        return g_steal_pointer (&word);
    }
}

/* An external snapshot without memory: libvirt wants --disk-only for it
 * on a running machine (and sets it itself on a stopped one). */
static gboolean
is_disk_only (const char *xml)
{
  xmlDocPtr doc = vireo_xml_read (xml, "snapshot.xml");
  xmlNodePtr root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  g_autofree char *memory = vireo_xml_get_child_prop (root, "memory", "snapshot");
  gboolean external = FALSE;

  for (xmlNodePtr disk = vireo_xml_child (vireo_xml_child (root, "disks"), "disk"); disk != NULL;
       disk = vireo_xml_next_sibling (disk, "disk"))
    {
      g_autofree char *kind = vireo_xml_get_prop (disk, "snapshot");

      external |= g_strcmp0 (kind, "external") == 0;
    }
  if (doc != NULL)
    xmlFreeDoc (doc);
  return external && g_strcmp0 (memory, "no") == 0;
}

/**
 * vireo_command_for_snapshot:
 * @uri: (nullable): the connection URI; omitted from the line when %NULL
 * @name: (nullable): the snapshot; unused for LIST
 * @xml: (nullable): the document, for CREATE and EDIT
 *
 * Returns: (transfer full): the virsh line, every word quoted
 */
char *
vireo_command_for_snapshot (const char           *uri,
                            VireoSnapshotCommand  command,
                            const char           *domain_name,
                            const char           *name,
                            const char           *xml)
{
  g_autoptr(GString) line = g_string_new ("virsh");
  g_autofree char *domain = NULL;
  g_autofree char *snapshot = NULL;

  g_return_val_if_fail (domain_name != NULL, NULL);
  g_return_val_if_fail (command == VIREO_SNAPSHOT_COMMAND_LIST || command == VIREO_SNAPSHOT_COMMAND_CREATE ||
                        command == VIREO_SNAPSHOT_COMMAND_EDIT || name != NULL, NULL);
  g_return_val_if_fail ((command != VIREO_SNAPSHOT_COMMAND_CREATE && command != VIREO_SNAPSHOT_COMMAND_EDIT) ||
                        xml != NULL, NULL);

  if (uri != NULL)
    {
      g_autofree char *quoted = vireo_command_quote (uri);
      g_string_append_printf (line, " -c %s", quoted);
    }
  domain = vireo_command_quote (domain_name);
  if (name != NULL)
    snapshot = vireo_command_quote (name);

  switch (command)
    {
    case VIREO_SNAPSHOT_COMMAND_LIST:
      g_string_append_printf (line, " snapshot-list --tree %s", domain);
      break;
    case VIREO_SNAPSHOT_COMMAND_REVERT:
      g_string_append_printf (line, " snapshot-revert %s --snapshotname %s", domain, snapshot);
      break;
    case VIREO_SNAPSHOT_COMMAND_DELETE:
      g_string_append_printf (line, " snapshot-delete %s --snapshotname %s", domain, snapshot);
      break;
    case VIREO_SNAPSHOT_COMMAND_DELETE_TREE:
      g_string_append_printf (line, " snapshot-delete %s --snapshotname %s --children", domain, snapshot);
      break;
    case VIREO_SNAPSHOT_COMMAND_CREATE:
    case VIREO_SNAPSHOT_COMMAND_EDIT:
      {
        g_autofree char *word = heredoc_word (xml);
        int len = (int) strlen (xml);

        /* A document read back from libvirt ends in a line break: one is
         * enough before the closing word. */
        while (len > 0 && xml[len - 1] == '\n')
          len--;

        g_string_append_printf (line, " snapshot-create %s /dev/stdin", domain);
        if (command == VIREO_SNAPSHOT_COMMAND_EDIT)
          g_string_append (line, " --redefine");
        else
          {
            if (is_disk_only (xml))
              g_string_append (line, " --disk-only");
            g_string_append (line, " --atomic");
          }
        g_string_append_printf (line, " <<'%s'\n%.*s\n%s", word, len, xml, word);
      }
      break;
    default:
      g_return_val_if_reached (NULL);
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}
