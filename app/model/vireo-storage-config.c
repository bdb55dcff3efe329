/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-storage-config"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <libxml/tree.h>

#include "vireo-storage-config.h"
#include "vireo-xml.h"

/*
 * Pool and volume documents, edited in place: a setter touches only its own
 * element or attribute, so a pool read from libvirt and written back keeps
 * whatever Vireo does not know (features, permissions, encryption,
 * elements of a newer libvirt).
 *
 * Which fields a pool type has follows libvirt's storage pool format
 * documentation (formatstorage.html) and its storage_conf.c options table;
 * types libvirt 9.0 no longer builds (sheepdog) are left out.
 */

G_DEFINE_QUARK (vireo-storage-config-error-quark, vireo_storage_config_error)

/* ------------------------------------------------------------------------ */
/* Pool types                                                                */

static const char * const fs_formats[] = {
  "auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf", "gfs", "gfs2",
  "vfat", "hfs+", "xfs", "ocfs2", "vmfs", NULL
};
static const char * const netfs_formats[] = { "auto", "nfs", "glusterfs", "cifs", NULL };
static const char * const disk_formats[] = {
  "unknown", "dos", "dvh", "gpt", "mac", "bsd", "pc98", "sun", "lvm2", NULL
};
static const char * const logical_formats[] = { "lvm2", "unknown", NULL };

typedef struct
{
  const char         *type;
  const char         *label;
  const char         *description;
  VireoPoolFields     fields;
  VireoPoolFields     required;
  const char         *default_target;
  const char         *auth_type;
  const char * const *source_formats;
} PoolType;

#define F(x) VIREO_POOL_FIELD_##x

static const PoolType pool_types[] = {
  { "dir", N_("Folder"), N_("A folder on the host; each volume is a file in it."),
    F (TARGET_PATH), F (TARGET_PATH), "/var/lib/libvirt/images", NULL, NULL },
  { "fs", N_("File System"), N_("A block device with a file system the host mounts; volumes are files on it."),
    F (TARGET_PATH) | F (SOURCE_DEVICE) | F (FORMAT), F (TARGET_PATH) | F (SOURCE_DEVICE),
    NULL, NULL, fs_formats },
  { "netfs", N_("Network File System"), N_("An NFS, CIFS or GlusterFS export the host mounts; volumes are files on it."),
    F (TARGET_PATH) | F (SOURCE_HOST) | F (SOURCE_PATH) | F (FORMAT),
    F (TARGET_PATH) | F (SOURCE_HOST) | F (SOURCE_PATH), NULL, NULL, netfs_formats },
  { "logical", N_("LVM Volume Group"), N_("An LVM volume group; each volume is a logical volume."),
    F (SOURCE_NAME) | F (SOURCE_DEVICES) | F (FORMAT), F (SOURCE_NAME), NULL, NULL, logical_formats },
  { "disk", N_("Physical Disk"), N_("A whole disk; each volume is a partition."),
    F (TARGET_PATH) | F (SOURCE_DEVICE) | F (FORMAT), F (SOURCE_DEVICE), "/dev", NULL, disk_formats },
  { "iscsi", N_("iSCSI Target"), N_("The LUNs of an iSCSI target, logged in by the host."),
    F (TARGET_PATH) | F (SOURCE_HOST) | F (IQN) | F (INITIATOR) | F (AUTH), F (SOURCE_HOST) | F (IQN),
    "/dev/disk/by-path", "chap", NULL },
  { "iscsi-direct", N_("iSCSI Target, Direct"), N_("The LUNs of an iSCSI target, reached by QEMU itself without the host's initiator."),
    F (SOURCE_HOST) | F (IQN) | F (INITIATOR) | F (AUTH), F (SOURCE_HOST) | F (IQN) | F (INITIATOR),
    NULL, "chap", NULL },
  { "scsi", N_("SCSI Host Adapter"), N_("The LUNs behind a SCSI or Fibre Channel host adapter."),
    F (TARGET_PATH) | F (ADAPTER), F (ADAPTER), "/dev/disk/by-path", NULL, NULL },
  { "mpath", N_("Multipath Devices"), N_("The host's multipath devices."),
    F (TARGET_PATH), F (TARGET_PATH), "/dev/mapper", NULL, NULL },
  { "rbd", N_("Ceph RBD"), N_("A Ceph RADOS block device pool, reached over the network."),
    F (SOURCE_HOSTS) | F (SOURCE_NAME) | F (AUTH), F (SOURCE_HOSTS) | F (SOURCE_NAME), NULL, "ceph", NULL },
  { "gluster", N_("Gluster Volume"), N_("A GlusterFS volume, reached by QEMU over the network."),
    F (SOURCE_HOST) | F (SOURCE_NAME) | F (SOURCE_PATH), F (SOURCE_HOST) | F (SOURCE_NAME), NULL, NULL, NULL },
  { "zfs", N_("ZFS Pool"), N_("A ZFS pool; each volume is a ZFS volume."),
    F (SOURCE_NAME) | F (SOURCE_DEVICES), F (SOURCE_NAME), NULL, NULL, NULL },
  { "vstorage", N_("Virtuozzo Storage"), N_("A Virtuozzo Storage cluster the host mounts."),
    F (TARGET_PATH) | F (SOURCE_NAME), F (TARGET_PATH) | F (SOURCE_NAME), NULL, NULL, NULL },
};

#undef F

static const PoolType *
find_pool_type (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (pool_types); i++)
    if (g_strcmp0 (pool_types[i].type, type) == 0)
      return &pool_types[i];
  return NULL;
}

/**
 * vireo_pool_type_list:
 *
 * Returns: (transfer none): every pool type Vireo has a form for, most
 *   common first
 */
const char * const *
vireo_pool_type_list (void)
{
  static const char *names[G_N_ELEMENTS (pool_types) + 1];

  if (names[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (pool_types); i++)
      names[i] = pool_types[i].type;
  return names;
}

/**
 * vireo_pool_type_get_fields:
 *
 * Returns: the fields a pool of @type has; %VIREO_POOL_FIELD_NONE for a
 *   type Vireo does not know
 */
VireoPoolFields
vireo_pool_type_get_fields (const char *type)
{
  const PoolType *t = find_pool_type (type);

  return t != NULL ? t->fields : VIREO_POOL_FIELD_NONE;
}

/**
 * vireo_pool_type_get_required_fields:
 *
 * Returns: the fields that may not be left empty for @type
 */
VireoPoolFields
vireo_pool_type_get_required_fields (const char *type)
{
  const PoolType *t = find_pool_type (type);

  return t != NULL ? t->required : VIREO_POOL_FIELD_NONE;
}

/**
 * vireo_pool_type_get_source_formats:
 *
 * Returns: (transfer none) (nullable): the source formats a pool of @type
 *   may name, first the default; %NULL when it has none. Pool capabilities,
 *   when libvirt gives them, say the same for that host.
 */
const char * const *
vireo_pool_type_get_source_formats (const char *type)
{
  const PoolType *t = find_pool_type (type);

  return t != NULL ? t->source_formats : NULL;
}

/**
 * vireo_pool_type_get_default_target:
 *
 * Returns: (nullable): the usual target path of @type ("/dev/disk/by-path"
 *   for iSCSI), %NULL where the user must choose one or there is none
 */
const char *
vireo_pool_type_get_default_target (const char *type)
{
  const PoolType *t = find_pool_type (type);

  return t != NULL ? t->default_target : NULL;
}

/**
 * vireo_pool_type_get_auth_type:
 *
 * Returns: (nullable): "chap" for iSCSI, "ceph" for RBD, else %NULL
 */
const char *
vireo_pool_type_get_auth_type (const char *type)
{
  const PoolType *t = find_pool_type (type);

  return t != NULL ? t->auth_type : NULL;
}

/**
 * vireo_pool_type_get_label:
 *
 * Returns: a translated name for @type, @type itself when unknown
 */
const char *
vireo_pool_type_get_label (const char *type)
{
  const PoolType *t = find_pool_type (type);

  return t != NULL ? _(t->label) : type;
}

/**
 * vireo_pool_type_get_description:
 *
 * Returns: (nullable): one translated sentence on what a pool of @type is
 */
const char *
vireo_pool_type_get_description (const char *type)
{
  const PoolType *t = find_pool_type (type);

  return t != NULL ? _(t->description) : NULL;
}

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */

static gboolean
is_element (xmlNodePtr  node,
            const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE && node->ns == NULL &&
         xmlStrcmp (node->name, BAD_CAST name) == 0;
}

static gboolean
is_empty (const char *text)
{
  return text == NULL || *text == '\0';
}

static gboolean
strv_has (const char * const *strv,
          const char         *s)
{
  return strv != NULL && s != NULL && g_strv_contains (strv, s);
}

static char *
to_string (xmlDocPtr doc)
{
  g_autoptr(GString) out = g_string_new (NULL);

  /* As VireoDomainConfig does: top-level nodes without an <?xml?>
   * declaration, so libvirt's own output comes back byte for byte. */
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

static xmlDocPtr
read_document (const char  *xml,
               const char  *root_name,
               GError     **error)
{
  xmlDocPtr doc = vireo_xml_read (xml, NULL);
  xmlNodePtr root;

  if (doc == NULL)
    {
      const xmlError *err = xmlGetLastError ();

      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_PARSE,
                   _("Not well-formed XML: %s"),
                   err != NULL && err->message != NULL ? g_strchomp (err->message) : _("unknown error"));
      return NULL;
    }
  /* A DOCTYPE can only declare entities, and expanding those is how a few
   * KB become gigabytes; libvirt never writes one. */
  root = xmlDocGetRootElement (doc);
  if (doc->intSubset != NULL || !is_element (root, root_name))
    {
      xmlFreeDoc (doc);
      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_PARSE,
                   /* Translators: %s is an XML element name such as "pool" */
                   _("The document is not a <%s> definition"), root_name);
      return NULL;
    }
  return doc;
}

/* libvirt's scaled integers (virScaleInteger): bytes by default; the
 * first letter is the power, case-insensitive; "KB" is 1000, "K" and
 * "KiB" 1024. */
static guint64
unit_factor (const char *unit)
{
  static const char powers[] = "kmgtpe";
  const char *p;
  guint64 base;
  guint64 factor = 1;

  if (is_empty (unit) || g_ascii_strcasecmp (unit, "b") == 0 ||
      g_ascii_strcasecmp (unit, "byte") == 0 || g_ascii_strcasecmp (unit, "bytes") == 0)
    return 1;
  p = strchr (powers, g_ascii_tolower (unit[0]));
  if (p == NULL)
    return 1;
  if (unit[1] == '\0' || g_ascii_strcasecmp (unit + 1, "iB") == 0)
    base = 1024;
  else if (g_ascii_strcasecmp (unit + 1, "B") == 0)
    base = 1000;
  else
    return 1;
  for (long i = 0; i <= p - powers; i++)
    factor *= base;
  return factor;
}

static xmlNodePtr insert_child (xmlNodePtr          parent,
                                xmlNodePtr          node,
                                const char * const *order);

static guint64
get_size (xmlNodePtr parent,
          const char *element)
{
  xmlNodePtr node = vireo_xml_child (parent, element);
  g_autofree char *text = vireo_xml_get_text (node);
  g_autofree char *unit = vireo_xml_get_prop (node, "unit");
  guint64 value;
  guint64 factor;

  if (text == NULL)
    return 0;
  value = g_ascii_strtoull (g_strstrip (text), NULL, 10);
  factor = unit_factor (unit);
  if (factor > 1 && value > G_MAXUINT64 / factor)
    return G_MAXUINT64;
  return value * factor;
}

static void
set_size (xmlNodePtr          parent,
          const char         *element,
          guint64             bytes,
          const char * const *order)
{
  xmlNodePtr node = vireo_xml_child (parent, element);
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);

  if (node != NULL && get_size (parent, element) == bytes)
    return;
  if (node == NULL)
    node = insert_child (parent, xmlNewNode (NULL, BAD_CAST element), order);
  vireo_xml_set_text (node, text);
  vireo_xml_set_prop (node, "unit", "bytes");
}

/* Sets the attribute only when it changes, so an unchanged value keeps
 * its quoting and place. */
static void
set_prop_if_changed (xmlNodePtr  node,
                     const char *name,
                     const char *value)
{
  g_autofree char *old = vireo_xml_get_prop (node, name);

  if (g_strcmp0 (old, value) != 0)
    vireo_xml_set_prop (node, name, value);
}

static void
set_text_if_changed (xmlNodePtr  node,
                     const char *text)
{
  g_autofree char *old = vireo_xml_get_text (node);

  if (g_strcmp0 (old, text) != 0)
    vireo_xml_set_text (node, text);
}

/* Inserts @node where libvirt would write it. A parent holding only
 * blank text (libvirt writes an empty dir pool's <source> on two lines)
 * is cleared first, so the child gets a line and indentation of its own. */
static xmlNodePtr
insert_child (xmlNodePtr          parent,
              xmlNodePtr          node,
              const char * const *order)
{
  if (xmlFirstElementChild (parent) == NULL)
    {
      xmlNodePtr n = parent->children;

      while (n != NULL)
        {
          xmlNodePtr next = n->next;

          if (n->type == XML_TEXT_NODE && xmlIsBlankNode (n))
            {
              xmlUnlinkNode (n);
              xmlFreeNode (n);
            }
          n = next;
        }
    }
  return vireo_xml_insert_ordered (parent, node, order);
}

static gboolean
is_absolute_path (const char *path)
{
  return path != NULL && path[0] == '/';
}

/* An iSCSI qualified name (RFC 3720): "iqn.YYYY-MM.reversed.domain[:id]",
 * or the EUI-64 / NAA forms. */
static gboolean
is_iscsi_name (const char *name)
{
  if (is_empty (name) || strchr (name, ' ') != NULL)
    return FALSE;
  if (g_str_has_prefix (name, "iqn."))
    return strlen (name) > 12 && g_ascii_isdigit (name[4]) && name[8] == '-' && name[11] == '.';
  if (g_str_has_prefix (name, "eui.") || g_str_has_prefix (name, "naa."))
    {
      for (const char *p = name + 4; *p != '\0'; p++)
        if (!g_ascii_isxdigit (*p))
          return FALSE;
      return name[4] != '\0';
    }
  return FALSE;
}

static gboolean
is_host_name (const char *host)
{
  if (is_empty (host))
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || *p == '/' || *p == '\'' || *p == '"')
      return FALSE;
  return TRUE;
}

/* The name rules libvirt applies to pools and volumes: a name is a file
 * name in a dir pool, so no "/" and not "." or "..". */
static gboolean
check_name (const char          *name,
            const char * const  *existing,
            const char          *what,
            GError             **error)
{
  gboolean blank = TRUE;

  for (const char *p = name; p != NULL && *p != '\0'; p++)
    blank = blank && g_ascii_isspace (*p);
  if (blank)
    {
      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_NAME,
                   /* Translators: %s is "pool" or "volume" */
                   _("Give the %s a name."), what);
      return FALSE;
    }
  if (strchr (name, '/') != NULL)
    {
      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_NAME,
                   _("A name cannot contain “/”."));
      return FALSE;
    }
  if (g_str_equal (name, ".") || g_str_equal (name, ".."))
    {
      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_NAME,
                   _("“%s” cannot be used as a name."), name);
      return FALSE;
    }
  if (strv_has (existing, name))
    {
      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_NAME,
                   /* Translators: the first %s is a name, the second "pool" or "volume" */
                   _("There is already a %2$s named “%1$s”."), name, what);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Pool capabilities                                                         */

static void
pool_type_caps_free (VireoPoolTypeCaps *caps)
{
  g_free (caps->type);
  g_strfreev (caps->source_formats);
  g_free (caps->default_source_format);
  g_strfreev (caps->volume_formats);
  g_free (caps->default_volume_format);
  g_free (caps);
}

void
vireo_pool_caps_free (VireoPoolCaps *caps)
{
  if (caps == NULL)
    return;
  g_clear_pointer (&caps->types, g_ptr_array_unref);
  g_free (caps);
}

static VireoPoolCaps *
pool_caps_new (gboolean known)
{
  VireoPoolCaps *caps = g_new0 (VireoPoolCaps, 1);

  caps->known = known;
  caps->types = g_ptr_array_new_with_free_func ((GDestroyNotify) pool_type_caps_free);
  return caps;
}

/* <poolOptions> or <volOptions>: the default and the enum of formats. */
static void
read_format_options (xmlNodePtr   options,
                     GStrv       *formats,
                     char       **default_format)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  if (options == NULL)
    return;
  *default_format = vireo_xml_get_child_prop (options, "defaultFormat", "type");
  for (xmlNodePtr e = vireo_xml_child (options, "enum"); e != NULL; e = vireo_xml_next_sibling (e, "enum"))
    for (xmlNodePtr v = vireo_xml_child (e, "value"); v != NULL; v = vireo_xml_next_sibling (v, "value"))
      {
        g_autofree char *text = vireo_xml_get_text (v);

        if (!is_empty (text))
          {
            g_strv_builder_add (builder, g_strstrip (text));
            any = TRUE;
          }
      }
  if (any)
    *formats = g_strv_builder_end (builder);
}

/**
 * vireo_pool_caps_new_from_xml:
 * @xml: (nullable): virConnectGetStoragePoolCapabilities() output; %NULL
 *   (a libvirt older than 5.2) gives the fallback
 *
 * Returns: (transfer full): the capabilities, or %NULL with @error set
 */
VireoPoolCaps *
vireo_pool_caps_new_from_xml (const char  *xml,
                              GError     **error)
{
  g_autoptr(VireoPoolCaps) caps = NULL;
  xmlDocPtr doc;
  xmlNodePtr root;

  if (xml == NULL)
    return vireo_pool_caps_new_fallback ();
  doc = read_document (xml, "storagepoolCapabilities", error);
  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  caps = pool_caps_new (TRUE);
  for (xmlNodePtr p = vireo_xml_child (root, "pool"); p != NULL; p = vireo_xml_next_sibling (p, "pool"))
    {
      VireoPoolTypeCaps *t = g_new0 (VireoPoolTypeCaps, 1);
      g_autofree char *supported = vireo_xml_get_prop (p, "supported");

      t->type = vireo_xml_get_prop (p, "type");
      t->supported = g_strcmp0 (supported, "yes") == 0;
      read_format_options (vireo_xml_child (p, "poolOptions"), &t->source_formats, &t->default_source_format);
      read_format_options (vireo_xml_child (p, "volOptions"), &t->volume_formats, &t->default_volume_format);
      if (t->type == NULL)
        pool_type_caps_free (t);
      else
        g_ptr_array_add (caps->types, t);
    }
  xmlFreeDoc (doc);
  return g_steal_pointer (&caps);
}

/**
 * vireo_pool_caps_new_fallback:
 *
 * What Vireo assumes when libvirt cannot say: every type of
 * vireo_pool_type_list(), file-backed ones with raw and qcow2 volumes.
 *
 * Returns: (transfer full): capabilities with @known FALSE
 */
VireoPoolCaps *
vireo_pool_caps_new_fallback (void)
{
  static const char * const file_formats[] = { "raw", "qcow2", "qed", "vmdk", "vpc", "vdi", "iso", NULL };
  VireoPoolCaps *caps = pool_caps_new (FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (pool_types); i++)
    {
      VireoPoolTypeCaps *t = g_new0 (VireoPoolTypeCaps, 1);
      const char *type = pool_types[i].type;

      t->type = g_strdup (type);
      t->supported = TRUE;
      if (pool_types[i].source_formats != NULL)
        {
          t->source_formats = g_strdupv ((char **) pool_types[i].source_formats);
          t->default_source_format = g_strdup (pool_types[i].source_formats[0]);
        }
      if (g_str_equal (type, "dir") || g_str_equal (type, "fs") || g_str_equal (type, "netfs") ||
          g_str_equal (type, "gluster") || g_str_equal (type, "vstorage"))
        {
          t->volume_formats = g_strdupv ((char **) file_formats);
          t->default_volume_format = g_strdup ("raw");
        }
      g_ptr_array_add (caps->types, t);
    }
  return caps;
}

/**
 * vireo_pool_caps_lookup:
 *
 * Returns: (transfer none) (nullable): what @caps says of @type
 */
const VireoPoolTypeCaps *
vireo_pool_caps_lookup (const VireoPoolCaps *caps,
                        const char          *type)
{
  g_return_val_if_fail (caps != NULL, NULL);

  for (guint i = 0; i < caps->types->len; i++)
    {
      const VireoPoolTypeCaps *t = g_ptr_array_index (caps->types, i);

      if (g_strcmp0 (t->type, type) == 0)
        return t;
    }
  return NULL;
}

gboolean
vireo_pool_caps_supports (const VireoPoolCaps *caps,
                          const char          *type)
{
  const VireoPoolTypeCaps *t = vireo_pool_caps_lookup (caps, type);

  return t != NULL && t->supported;
}

/**
 * vireo_pool_caps_dup_supported_types:
 *
 * Returns: (transfer full): the supported types Vireo has a form for, in
 *   the order of vireo_pool_type_list()
 */
GStrv
vireo_pool_caps_dup_supported_types (const VireoPoolCaps *caps)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char * const *types = vireo_pool_type_list ();

  g_return_val_if_fail (caps != NULL, NULL);

  for (guint i = 0; types[i] != NULL; i++)
    if (vireo_pool_caps_supports (caps, types[i]))
      g_strv_builder_add (builder, types[i]);
  return g_strv_builder_end (builder);
}

/* ------------------------------------------------------------------------ */
/* Pool                                                                      */

struct _VireoPoolConfig
{
  GObject    parent_instance;

  xmlDocPtr  doc;
  char      *type;
};

G_DEFINE_FINAL_TYPE (VireoPoolConfig, vireo_pool_config, G_TYPE_OBJECT)

/* The order libvirt writes (storage_conf.c), so a new element lands where a
 * later dump would put it. */
static const char * const pool_order[] = {
  "name", "uuid", "capacity", "allocation", "available", "features", "source", "target", NULL
};
static const char * const pool_source_order[] = {
  "host", "device", "dir", "adapter", "name", "initiator", "format", "auth", "vendor", "product", NULL
};

static void
vireo_pool_config_finalize (GObject *object)
{
  VireoPoolConfig *self = (VireoPoolConfig *) object;

  g_clear_pointer (&self->doc, xmlFreeDoc);
  g_free (self->type);

  G_OBJECT_CLASS (vireo_pool_config_parent_class)->finalize (object);
}

static void
vireo_pool_config_class_init (VireoPoolConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vireo_pool_config_finalize;
}

static void
vireo_pool_config_init (VireoPoolConfig *self)
{
}

/**
 * vireo_pool_config_new_from_xml:
 * @xml: a libvirt `<pool>` document
 *
 * Returns: (transfer full): the config, or %NULL with @error set
 */
VireoPoolConfig *
vireo_pool_config_new_from_xml (const char  *xml,
                                GError     **error)
{
  VireoPoolConfig *self;
  xmlDocPtr doc;

  g_return_val_if_fail (xml != NULL, NULL);

  if ((doc = read_document (xml, "pool", error)) == NULL)
    return NULL;
  self = g_object_new (VIREO_TYPE_POOL_CONFIG, NULL);
  self->doc = doc;
  self->type = vireo_xml_get_prop (xmlDocGetRootElement (doc), "type");
  return self;
}

/**
 * vireo_pool_config_new:
 * @type: a pool type ("dir", "netfs", "iscsi", …)
 *
 * A new pool without a name, with the usual target path of @type.
 *
 * Returns: (transfer full): the config
 */
VireoPoolConfig *
vireo_pool_config_new (const char *type)
{
  VireoPoolConfig *self;
  const char *target;
  xmlDocPtr doc;
  xmlNodePtr root;

  g_return_val_if_fail (type != NULL, NULL);

  /* A name line to indent by: everything added later copies its
   * indentation. The type goes in through libxml2, never into the text. */
  doc = vireo_xml_read ("<pool>\n  <name></name>\n</pool>", NULL);
  root = xmlDocGetRootElement (doc);
  vireo_xml_set_prop (root, "type", type);
  self = g_object_new (VIREO_TYPE_POOL_CONFIG, NULL);
  self->doc = doc;
  self->type = g_strdup (type);
  target = vireo_pool_type_get_default_target (type);
  if (target != NULL)
    vireo_pool_config_set_target_path (self, target);
  return self;
}

/**
 * vireo_pool_config_to_xml:
 *
 * Returns: (transfer full): the document, what Vireo did not change exactly
 *   as it was read
 */
char *
vireo_pool_config_to_xml (VireoPoolConfig *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);
  return to_string (self->doc);
}

static xmlNodePtr
pool_root (VireoPoolConfig *self)
{
  return xmlDocGetRootElement (self->doc);
}

static xmlNodePtr
pool_source (VireoPoolConfig *self,
             gboolean         create)
{
  xmlNodePtr root = pool_root (self);
  xmlNodePtr source = vireo_xml_child (root, "source");

  if (source == NULL && create)
    source = insert_child (root, xmlNewNode (NULL, BAD_CAST "source"), pool_order);
  return source;
}

static void
source_set_child_prop (VireoPoolConfig *self,
                       const char      *child,
                       const char      *prop,
                       const char      *value)
{
  xmlNodePtr source = pool_source (self, value != NULL);
  xmlNodePtr node;

  if (source == NULL)
    return;
  node = vireo_xml_child (source, child);
  if (value == NULL)
    {
      if (node != NULL)
        {
          vireo_xml_set_prop (node, prop, NULL);
          if (node->properties == NULL && node->children == NULL)
            vireo_xml_remove (node);
        }
      return;
    }
  if (node == NULL)
    node = insert_child (source, xmlNewNode (NULL, BAD_CAST child), pool_source_order);
  set_prop_if_changed (node, prop, value);
}

const char *
vireo_pool_config_get_pool_type (VireoPoolConfig *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);
  return self->type;
}

char *
vireo_pool_config_dup_name (VireoPoolConfig *self)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);
  name = vireo_xml_get_child_text (pool_root (self), "name");
  return is_empty (name) ? NULL : g_steal_pointer (&name);
}

void
vireo_pool_config_set_name (VireoPoolConfig *self,
                            const char      *name)
{
  xmlNodePtr node;

  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));

  node = vireo_xml_child (pool_root (self), "name");
  if (node == NULL)
    node = insert_child (pool_root (self), xmlNewNode (NULL, BAD_CAST "name"), pool_order);
  set_text_if_changed (node, name != NULL ? name : "");
}

char *
vireo_pool_config_dup_target_path (VireoPoolConfig *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);
  return vireo_xml_get_child_text (vireo_xml_child (pool_root (self), "target"), "path");
}

/**
 * vireo_pool_config_set_target_path:
 * @path: (nullable): %NULL removes the path (and `<target>` once empty)
 */
void
vireo_pool_config_set_target_path (VireoPoolConfig *self,
                                   const char      *path)
{
  xmlNodePtr root;
  xmlNodePtr target;

  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));

  root = pool_root (self);
  target = vireo_xml_child (root, "target");
  if (path == NULL)
    {
      if (target == NULL)
        return;
      vireo_xml_remove (vireo_xml_child (target, "path"));
      if (vireo_xml_child (target, "permissions") == NULL && target->properties == NULL &&
          xmlFirstElementChild (target) == NULL)
        vireo_xml_remove (target);
      return;
    }
  if (target == NULL)
    target = insert_child (root, xmlNewNode (NULL, BAD_CAST "target"), pool_order);
  if (vireo_xml_child (target, "path") == NULL)
    {
      static const char * const target_order[] = { "path", "permissions", "timestamps", "encryption", NULL };
      insert_child (target, xmlNewNode (NULL, BAD_CAST "path"), target_order);
    }
  set_text_if_changed (vireo_xml_child (target, "path"), path);
}

/**
 * vireo_pool_config_dup_source_host:
 * @port: (out) (optional): the port, 0 when not given
 *
 * Returns: (transfer full) (nullable): the first source host
 */
char *
vireo_pool_config_dup_source_host (VireoPoolConfig *self,
                                   guint           *port)
{
  xmlNodePtr host;
  g_autofree char *port_text = NULL;

  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);

  host = vireo_xml_child (pool_source (self, FALSE), "host");
  port_text = vireo_xml_get_prop (host, "port");
  if (port != NULL)
    *port = port_text != NULL ? (guint) g_ascii_strtoull (port_text, NULL, 10) : 0;
  return vireo_xml_get_prop (host, "name");
}

/**
 * vireo_pool_config_set_source_host:
 * @host: (nullable): %NULL removes every host
 * @port: 0 for the protocol's default
 *
 * Sets the first source host; other hosts (Ceph monitors) stay.
 */
void
vireo_pool_config_set_source_host (VireoPoolConfig *self,
                                   const char      *host,
                                   guint            port)
{
  g_autofree char *port_text = port != 0 ? g_strdup_printf ("%u", port) : NULL;
  xmlNodePtr node;

  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));

  if (host == NULL)
    {
      vireo_pool_config_set_source_hosts (self, NULL);
      return;
    }
  source_set_child_prop (self, "host", "name", host);
  node = vireo_xml_child (pool_source (self, FALSE), "host");
  set_prop_if_changed (node, "port", port_text);
}

/**
 * vireo_pool_config_dup_source_hosts:
 *
 * Returns: (transfer full): every source host's name, perhaps none
 */
GStrv
vireo_pool_config_dup_source_hosts (VireoPoolConfig *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  xmlNodePtr source;

  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);

  source = pool_source (self, FALSE);
  for (xmlNodePtr h = vireo_xml_child (source, "host"); h != NULL; h = vireo_xml_next_sibling (h, "host"))
    {
      g_autofree char *name = vireo_xml_get_prop (h, "name");
      if (name != NULL)
        g_strv_builder_add (builder, name);
    }
  return g_strv_builder_end (builder);
}

/* Makes the @element children of <source> carry @values in @prop, in
 * order: existing ones are changed in place (their other attributes and
 * children stay), new ones follow the last, extra ones go. */
static void
source_set_list (VireoPoolConfig    *self,
                 const char         *element,
                 const char         *prop,
                 const char * const *values)
{
  guint n = values != NULL ? g_strv_length ((char **) values) : 0;
  xmlNodePtr source = pool_source (self, n > 0);
  xmlNodePtr node;
  xmlNodePtr last = NULL;
  guint i = 0;

  if (source == NULL)
    return;
  node = vireo_xml_child (source, element);
  while (node != NULL)
    {
      xmlNodePtr next = vireo_xml_next_sibling (node, element);

      if (i < n)
        {
          set_prop_if_changed (node, prop, values[i++]);
          last = node;
        }
      else
        vireo_xml_remove (node);
      node = next;
    }
  for (; i < n; i++)
    {
      xmlNodePtr fresh = xmlNewNode (NULL, BAD_CAST element);

      vireo_xml_set_prop (fresh, prop, values[i]);
      if (last != NULL)
        last = vireo_xml_insert_after (last, fresh);
      else
        last = insert_child (source, fresh, pool_source_order);
    }
}

/**
 * vireo_pool_config_set_source_hosts:
 * @hosts: (nullable): host names; %NULL or empty removes them all
 */
void
vireo_pool_config_set_source_hosts (VireoPoolConfig    *self,
                                    const char * const *hosts)
{
  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));
  source_set_list (self, "host", "name", hosts);
}

char *
vireo_pool_config_dup_source_dir (VireoPoolConfig *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);
  return vireo_xml_get_child_prop (pool_source (self, FALSE), "dir", "path");
}

void
vireo_pool_config_set_source_dir (VireoPoolConfig *self,
                                  const char      *path)
{
  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));
  source_set_child_prop (self, "dir", "path", path);
}

/**
 * vireo_pool_config_dup_source_devices:
 *
 * Returns: (transfer full): the source device paths (for iSCSI the one
 *   "device" is the target IQN: see vireo_pool_config_dup_iqn())
 */
GStrv
vireo_pool_config_dup_source_devices (VireoPoolConfig *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  xmlNodePtr source;

  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);

  source = pool_source (self, FALSE);
  for (xmlNodePtr d = vireo_xml_child (source, "device"); d != NULL; d = vireo_xml_next_sibling (d, "device"))
    {
      g_autofree char *path = vireo_xml_get_prop (d, "path");
      if (path != NULL)
        g_strv_builder_add (builder, path);
    }
  return g_strv_builder_end (builder);
}

void
vireo_pool_config_set_source_devices (VireoPoolConfig    *self,
                                      const char * const *paths)
{
  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));
  source_set_list (self, "device", "path", paths);
}

char *
vireo_pool_config_dup_source_name (VireoPoolConfig *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);
  return vireo_xml_get_child_text (pool_source (self, FALSE), "name");
}

void
vireo_pool_config_set_source_name (VireoPoolConfig *self,
                                   const char      *name)
{
  xmlNodePtr source;
  xmlNodePtr node;

  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));

  source = pool_source (self, name != NULL);
  if (source == NULL)
    return;
  node = vireo_xml_child (source, "name");
  if (name == NULL)
    {
      vireo_xml_remove (node);
      return;
    }
  if (node == NULL)
    node = insert_child (source, xmlNewNode (NULL, BAD_CAST "name"), pool_source_order);
  set_text_if_changed (node, name);
}

char *
vireo_pool_config_dup_format (VireoPoolConfig *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);
  return vireo_xml_get_child_prop (pool_source (self, FALSE), "format", "type");
}

void
vireo_pool_config_set_format (VireoPoolConfig *self,
                              const char      *format)
{
  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));
  source_set_child_prop (self, "format", "type", format);
}

/**
 * vireo_pool_config_dup_iqn:
 *
 * Returns: (transfer full) (nullable): the iSCSI target's IQN (the
 *   source device path of an iSCSI pool)
 */
char *
vireo_pool_config_dup_iqn (VireoPoolConfig *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);
  return vireo_xml_get_child_prop (pool_source (self, FALSE), "device", "path");
}

void
vireo_pool_config_set_iqn (VireoPoolConfig *self,
                           const char      *iqn)
{
  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));
  source_set_child_prop (self, "device", "path", iqn);
}

char *
vireo_pool_config_dup_initiator (VireoPoolConfig *self)
{
  xmlNodePtr initiator;

  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);

  initiator = vireo_xml_child (pool_source (self, FALSE), "initiator");
  return vireo_xml_get_child_prop (initiator, "iqn", "name");
}

void
vireo_pool_config_set_initiator (VireoPoolConfig *self,
                                 const char      *iqn)
{
  xmlNodePtr source;
  xmlNodePtr initiator;

  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));

  source = pool_source (self, iqn != NULL);
  if (source == NULL)
    return;
  initiator = vireo_xml_child (source, "initiator");
  if (iqn == NULL)
    {
      vireo_xml_remove (initiator);
      return;
    }
  if (initiator == NULL)
    initiator = insert_child (source, xmlNewNode (NULL, BAD_CAST "initiator"), pool_source_order);
  set_prop_if_changed (vireo_xml_ensure_child (initiator, "iqn"), "name", iqn);
}

/**
 * vireo_pool_config_get_auth:
 * @type: (out) (optional): "chap" or "ceph"
 * @username: (out) (optional)
 * @secret_usage: (out) (optional): the secret's usage id, when named so
 * @secret_uuid: (out) (optional): the secret's UUID, when named so
 *
 * Returns: whether the pool has an `<auth>`
 */
gboolean
vireo_pool_config_get_auth (VireoPoolConfig  *self,
                            char            **type,
                            char            **username,
                            char            **secret_usage,
                            char            **secret_uuid)
{
  xmlNodePtr auth;

  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), FALSE);

  auth = vireo_xml_child (pool_source (self, FALSE), "auth");
  if (type != NULL)
    *type = vireo_xml_get_prop (auth, "type");
  if (username != NULL)
    *username = vireo_xml_get_prop (auth, "username");
  if (secret_usage != NULL)
    *secret_usage = vireo_xml_get_child_prop (auth, "secret", "usage");
  if (secret_uuid != NULL)
    *secret_uuid = vireo_xml_get_child_prop (auth, "secret", "uuid");
  return auth != NULL;
}

/**
 * vireo_pool_config_set_auth:
 * @type: (nullable): "chap" or "ceph"; %NULL removes the authentication
 * @secret_usage: (nullable): the secret by its usage id
 * @secret_uuid: (nullable): the secret by UUID (wins over @secret_usage)
 */
void
vireo_pool_config_set_auth (VireoPoolConfig *self,
                            const char      *type,
                            const char      *username,
                            const char      *secret_usage,
                            const char      *secret_uuid)
{
  xmlNodePtr source;
  xmlNodePtr auth;
  xmlNodePtr secret;

  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));

  source = pool_source (self, type != NULL);
  if (source == NULL)
    return;
  auth = vireo_xml_child (source, "auth");
  if (type == NULL)
    {
      vireo_xml_remove (auth);
      return;
    }
  if (auth == NULL)
    auth = insert_child (source, xmlNewNode (NULL, BAD_CAST "auth"), pool_source_order);
  set_prop_if_changed (auth, "type", type);
  set_prop_if_changed (auth, "username", username);
  secret = vireo_xml_ensure_child (auth, "secret");
  set_prop_if_changed (secret, "uuid", secret_uuid);
  set_prop_if_changed (secret, "usage", secret_uuid == NULL ? secret_usage : NULL);
}

char *
vireo_pool_config_dup_adapter (VireoPoolConfig *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), NULL);
  return vireo_xml_get_child_prop (pool_source (self, FALSE), "adapter", "name");
}

/**
 * vireo_pool_config_set_adapter:
 * @name: (nullable): a SCSI host ("host0"); %NULL removes the adapter
 */
void
vireo_pool_config_set_adapter (VireoPoolConfig *self,
                               const char      *name)
{
  xmlNodePtr source;
  xmlNodePtr adapter;

  g_return_if_fail (VIREO_IS_POOL_CONFIG (self));

  source = pool_source (self, name != NULL);
  if (source == NULL)
    return;
  adapter = vireo_xml_child (source, "adapter");
  if (name == NULL)
    {
      vireo_xml_remove (adapter);
      return;
    }
  if (adapter == NULL)
    {
      adapter = insert_child (source, xmlNewNode (NULL, BAD_CAST "adapter"), pool_source_order);
      vireo_xml_set_prop (adapter, "type", "scsi_host");
    }
  set_prop_if_changed (adapter, "name", name);
}

static gboolean
fail (GError                  **error,
      VireoStorageConfigError   code,
      const char               *message)
{
  g_set_error_literal (error, VIREO_STORAGE_CONFIG_ERROR, code, message);
  return FALSE;
}

/**
 * vireo_pool_config_validate:
 * @existing_names: (nullable): the names of the host's pools
 *
 * Checks what libvirt would refuse, or accept and then fail to start, with
 * the field at fault as the error code.
 *
 * Returns: %TRUE when the pool can be defined
 */
gboolean
vireo_pool_config_validate (VireoPoolConfig     *self,
                            const char * const  *existing_names,
                            GError             **error)
{
  const PoolType *t;
  g_autofree char *name = NULL;
  g_autofree char *target = NULL;
  g_autofree char *host = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *source_name = NULL;
  g_autofree char *format = NULL;
  g_autofree char *initiator = NULL;
  g_autofree char *adapter = NULL;
  g_auto(GStrv) hosts = NULL;
  g_auto(GStrv) devices = NULL;
  g_autofree char *auth_type = NULL;
  g_autofree char *auth_user = NULL;
  g_autofree char *auth_usage = NULL;
  g_autofree char *auth_uuid = NULL;
  VireoPoolFields fields;
  VireoPoolFields required;
  gboolean iscsi;

  g_return_val_if_fail (VIREO_IS_POOL_CONFIG (self), FALSE);

  name = vireo_pool_config_dup_name (self);
  if (!check_name (name, existing_names, _("pool"), error))
    return FALSE;

  if ((t = find_pool_type (self->type)) == NULL)
    {
      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_TYPE,
                   _("“%s” is not a pool type Vireo can create."), self->type != NULL ? self->type : "");
      return FALSE;
    }
  fields = t->fields;
  required = t->required;
  iscsi = (fields & VIREO_POOL_FIELD_IQN) != 0;

  target = vireo_pool_config_dup_target_path (self);
  if ((required & VIREO_POOL_FIELD_TARGET_PATH) && is_empty (target))
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_TARGET_PATH, _("Choose the folder where the pool’s volumes appear on the host."));
  if (!is_empty (target) && !is_absolute_path (target))
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_TARGET_PATH, _("The target path must be absolute: it starts with “/”."));

  host = vireo_pool_config_dup_source_host (self, NULL);
  hosts = vireo_pool_config_dup_source_hosts (self);
  if ((required & (VIREO_POOL_FIELD_SOURCE_HOST | VIREO_POOL_FIELD_SOURCE_HOSTS)) && is_empty (host))
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_SOURCE_HOST, _("Enter the host name or address of the server."));
  for (guint i = 0; hosts[i] != NULL; i++)
    if (!is_host_name (hosts[i]))
      {
        g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_SOURCE_HOST,
                     _("“%s” is not a host name or address: it may not contain spaces, quotes or “/”."), hosts[i]);
        return FALSE;
      }

  dir = vireo_pool_config_dup_source_dir (self);
  if ((required & VIREO_POOL_FIELD_SOURCE_PATH) && is_empty (dir))
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_SOURCE_PATH, _("Enter the path the server exports, such as /srv/nfs/images."));
  if (!is_empty (dir) && !is_absolute_path (dir))
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_SOURCE_PATH, _("The source path must be absolute: it starts with “/”."));

  devices = vireo_pool_config_dup_source_devices (self);
  if (iscsi)
    {
      if (is_empty (devices[0]))
        return fail (error, VIREO_STORAGE_CONFIG_ERROR_IQN, _("Enter the target’s IQN, such as iqn.2024-01.org.example:storage."));
      if (!is_iscsi_name (devices[0]))
        return fail (error, VIREO_STORAGE_CONFIG_ERROR_IQN, _("The target IQN must look like iqn.YYYY-MM.reversed.domain[:name]."));
    }
  else
    {
      if ((required & (VIREO_POOL_FIELD_SOURCE_DEVICE | VIREO_POOL_FIELD_SOURCE_DEVICES)) && devices[0] == NULL)
        return fail (error, VIREO_STORAGE_CONFIG_ERROR_SOURCE_DEVICE, _("Choose the host device the pool is on, such as /dev/sdb."));
      for (guint i = 0; devices[i] != NULL; i++)
        if (!is_absolute_path (devices[i]))
          {
            g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_SOURCE_DEVICE,
                         _("“%s” is not a device path: it starts with “/”."), devices[i]);
            return FALSE;
          }
    }

  source_name = vireo_pool_config_dup_source_name (self);
  if ((required & VIREO_POOL_FIELD_SOURCE_NAME) && is_empty (source_name))
    {
      const char *message = g_str_equal (t->type, "logical") ? _("Enter the name of the volume group.")
                          : g_str_equal (t->type, "rbd") ? _("Enter the name of the Ceph pool.")
                          : g_str_equal (t->type, "gluster") ? _("Enter the name of the Gluster volume.")
                          : g_str_equal (t->type, "zfs") ? _("Enter the name of the ZFS pool.")
                          : _("Enter the source name.");
      return fail (error, VIREO_STORAGE_CONFIG_ERROR_SOURCE_NAME, message);
    }
  if (!is_empty (source_name) && strchr (source_name, '/') != NULL && !g_str_equal (t->type, "zfs"))
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_SOURCE_NAME, _("The source name cannot contain “/”."));

  format = vireo_pool_config_dup_format (self);
  if (!is_empty (format) && t->source_formats != NULL && !strv_has (t->source_formats, format))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) t->source_formats);
      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_FORMAT,
                   /* Translators: the first %s is a format, the second a list of formats */
                   _("“%s” is not a format this pool type knows; use one of %s."), format, list);
      return FALSE;
    }

  initiator = vireo_pool_config_dup_initiator (self);
  if ((required & VIREO_POOL_FIELD_INITIATOR) && is_empty (initiator))
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_INITIATOR, _("Enter the initiator IQN this host logs in with."));
  if (!is_empty (initiator) && !is_iscsi_name (initiator))
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_INITIATOR, _("The initiator IQN must look like iqn.YYYY-MM.reversed.domain[:name]."));

  adapter = vireo_pool_config_dup_adapter (self);
  if ((required & VIREO_POOL_FIELD_ADAPTER) && is_empty (adapter))
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_ADAPTER, _("Choose the SCSI host adapter, such as host0."));

  if (vireo_pool_config_get_auth (self, &auth_type, &auth_user, &auth_usage, &auth_uuid))
    {
      if (t->auth_type == NULL)
        return fail (error, VIREO_STORAGE_CONFIG_ERROR_AUTH, _("This pool type does not take a user name and secret."));
      if (g_strcmp0 (auth_type, t->auth_type) != 0)
        {
          g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_AUTH,
                       _("This pool type authenticates with “%s”."), t->auth_type);
          return FALSE;
        }
      if (is_empty (auth_user))
        return fail (error, VIREO_STORAGE_CONFIG_ERROR_AUTH, _("Enter the user name to log in with."));
      if (is_empty (auth_usage) && is_empty (auth_uuid))
        return fail (error, VIREO_STORAGE_CONFIG_ERROR_AUTH, _("Choose the secret that holds the password or key."));
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Volume                                                                    */

struct _VireoVolumeConfig
{
  GObject    parent_instance;

  xmlDocPtr  doc;
};

G_DEFINE_FINAL_TYPE (VireoVolumeConfig, vireo_volume_config, G_TYPE_OBJECT)

static const char * const volume_order[] = {
  "name", "key", "source", "capacity", "allocation", "physical", "target", "backingStore", NULL
};
static const char * const volume_target_order[] = {
  "path", "format", "permissions", "timestamps", "compat", "clusterSize", "nocow", "features", "encryption", NULL
};

static void
vireo_volume_config_finalize (GObject *object)
{
  VireoVolumeConfig *self = (VireoVolumeConfig *) object;

  g_clear_pointer (&self->doc, xmlFreeDoc);

  G_OBJECT_CLASS (vireo_volume_config_parent_class)->finalize (object);
}

static void
vireo_volume_config_class_init (VireoVolumeConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vireo_volume_config_finalize;
}

static void
vireo_volume_config_init (VireoVolumeConfig *self)
{
}

static xmlNodePtr
volume_root (VireoVolumeConfig *self)
{
  return xmlDocGetRootElement (self->doc);
}

/**
 * vireo_volume_config_new_from_xml:
 * @xml: a libvirt `<volume>` document
 *
 * Returns: (transfer full): the config, or %NULL with @error set
 */
VireoVolumeConfig *
vireo_volume_config_new_from_xml (const char  *xml,
                                  GError     **error)
{
  VireoVolumeConfig *self;
  xmlDocPtr doc;

  g_return_val_if_fail (xml != NULL, NULL);

  if ((doc = read_document (xml, "volume", error)) == NULL)
    return NULL;
  self = g_object_new (VIREO_TYPE_VOLUME_CONFIG, NULL);
  self->doc = doc;
  return self;
}

/**
 * vireo_volume_config_new:
 * @format: (nullable): "qcow2", "raw", …; %NULL leaves it to the pool
 *
 * A thin volume (allocation 0).
 *
 * Returns: (transfer full): the config
 */
VireoVolumeConfig *
vireo_volume_config_new (const char *name,
                         const char *format,
                         guint64     capacity_bytes)
{
  VireoVolumeConfig *self = g_object_new (VIREO_TYPE_VOLUME_CONFIG, NULL);

  self->doc = vireo_xml_read ("<volume>\n  <name></name>\n</volume>", NULL);
  vireo_volume_config_set_name (self, name);
  vireo_volume_config_set_capacity (self, capacity_bytes);
  vireo_volume_config_set_allocation (self, 0);
  if (format != NULL)
    vireo_volume_config_set_format (self, format);
  return self;
}

char *
vireo_volume_config_to_xml (VireoVolumeConfig *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_CONFIG (self), NULL);
  return to_string (self->doc);
}

char *
vireo_volume_config_dup_name (VireoVolumeConfig *self)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (VIREO_IS_VOLUME_CONFIG (self), NULL);
  name = vireo_xml_get_child_text (volume_root (self), "name");
  return is_empty (name) ? NULL : g_steal_pointer (&name);
}

void
vireo_volume_config_set_name (VireoVolumeConfig *self,
                              const char        *name)
{
  xmlNodePtr node;

  g_return_if_fail (VIREO_IS_VOLUME_CONFIG (self));

  node = vireo_xml_child (volume_root (self), "name");
  if (node == NULL)
    node = insert_child (volume_root (self), xmlNewNode (NULL, BAD_CAST "name"), volume_order);
  set_text_if_changed (node, name != NULL ? name : "");
}

char *
vireo_volume_config_dup_format (VireoVolumeConfig *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_CONFIG (self), NULL);
  return vireo_xml_get_child_prop (vireo_xml_child (volume_root (self), "target"), "format", "type");
}

/**
 * vireo_volume_config_set_format:
 * @format: (nullable): %NULL removes it (the pool's default applies)
 */
void
vireo_volume_config_set_format (VireoVolumeConfig *self,
                                const char        *format)
{
  xmlNodePtr root;
  xmlNodePtr target;
  xmlNodePtr node;

  g_return_if_fail (VIREO_IS_VOLUME_CONFIG (self));

  root = volume_root (self);
  target = vireo_xml_child (root, "target");
  if (format == NULL)
    {
      if (target != NULL)
        vireo_xml_remove (vireo_xml_child (target, "format"));
      return;
    }
  if (target == NULL)
    target = insert_child (root, xmlNewNode (NULL, BAD_CAST "target"), volume_order);
  node = vireo_xml_child (target, "format");
  if (node == NULL)
    node = insert_child (target, xmlNewNode (NULL, BAD_CAST "format"), volume_target_order);
  set_prop_if_changed (node, "type", format);
}

/**
 * vireo_volume_config_get_capacity:
 *
 * Returns: the size the guest sees, in bytes, whatever unit the document
 *   uses
 */
guint64
vireo_volume_config_get_capacity (VireoVolumeConfig *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_CONFIG (self), 0);
  return get_size (volume_root (self), "capacity");
}

void
vireo_volume_config_set_capacity (VireoVolumeConfig *self,
                                  guint64            bytes)
{
  g_return_if_fail (VIREO_IS_VOLUME_CONFIG (self));
  set_size (volume_root (self), "capacity", bytes, volume_order);
}

/**
 * vireo_volume_config_get_allocation:
 *
 * Returns: the bytes reserved on the host at creation: 0 for a thin
 *   (sparse) volume, the capacity for a fully allocated one
 */
guint64
vireo_volume_config_get_allocation (VireoVolumeConfig *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_CONFIG (self), 0);
  return get_size (volume_root (self), "allocation");
}

void
vireo_volume_config_set_allocation (VireoVolumeConfig *self,
                                    guint64            bytes)
{
  g_return_if_fail (VIREO_IS_VOLUME_CONFIG (self));
  set_size (volume_root (self), "allocation", bytes, volume_order);
}

gboolean
vireo_volume_config_get_thin (VireoVolumeConfig *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_CONFIG (self), FALSE);
  return vireo_volume_config_get_allocation (self) < vireo_volume_config_get_capacity (self);
}

/**
 * vireo_volume_config_set_thin:
 *
 * Thin: allocation 0; full: allocation = capacity (set the capacity
 * first).
 */
void
vireo_volume_config_set_thin (VireoVolumeConfig *self,
                              gboolean           thin)
{
  g_return_if_fail (VIREO_IS_VOLUME_CONFIG (self));
  vireo_volume_config_set_allocation (self, thin ? 0 : vireo_volume_config_get_capacity (self));
}

char *
vireo_volume_config_dup_backing_path (VireoVolumeConfig *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_CONFIG (self), NULL);
  return vireo_xml_get_child_text (vireo_xml_child (volume_root (self), "backingStore"), "path");
}

char *
vireo_volume_config_dup_backing_format (VireoVolumeConfig *self)
{
  xmlNodePtr backing;

  g_return_val_if_fail (VIREO_IS_VOLUME_CONFIG (self), NULL);

  backing = vireo_xml_child (volume_root (self), "backingStore");
  return vireo_xml_get_child_prop (backing, "format", "type");
}

/**
 * vireo_volume_config_set_backing_store:
 * @path: (nullable): the image this volume overlays; %NULL removes it
 * @format: (nullable): that image's format ("qcow2", "raw")
 *
 * Makes the volume a linked overlay: it holds only what the guest changes,
 * reading the rest from @path.
 */
void
vireo_volume_config_set_backing_store (VireoVolumeConfig *self,
                                       const char        *path,
                                       const char        *format)
{
  xmlNodePtr root;
  xmlNodePtr backing;
  xmlNodePtr node;

  g_return_if_fail (VIREO_IS_VOLUME_CONFIG (self));

  root = volume_root (self);
  backing = vireo_xml_child (root, "backingStore");
  if (path == NULL)
    {
      vireo_xml_remove (backing);
      return;
    }
  if (backing == NULL)
    backing = insert_child (root, xmlNewNode (NULL, BAD_CAST "backingStore"), volume_order);
  node = vireo_xml_child (backing, "path");
  if (node == NULL)
    node = insert_child (backing, xmlNewNode (NULL, BAD_CAST "path"), volume_target_order);
  set_text_if_changed (node, path);
  node = vireo_xml_child (backing, "format");
  if (format == NULL)
    vireo_xml_remove (node);
  else
    {
      if (node == NULL)
        node = insert_child (backing, xmlNewNode (NULL, BAD_CAST "format"), volume_target_order);
      set_prop_if_changed (node, "type", format);
    }
}

/* Formats whose images can name a backing file. */
static gboolean
format_takes_backing (const char *format)
{
  static const char * const formats[] = { "qcow2", "qcow", "qed", "vmdk", NULL };

  return strv_has (formats, format);
}

/**
 * vireo_volume_config_validate:
 * @pool_type: (nullable): the pool's type
 * @type_caps: (nullable): what the host says of that type
 * @existing_names: (nullable): the names of the pool's volumes
 * @available: the pool's free bytes; %G_MAXUINT64 when unknown
 *
 * Checks a new volume against its pool, with the field at fault as the
 * error code. %VIREO_STORAGE_CONFIG_ERROR_OVERCOMMIT is a warning, not a
 * refusal: a thin volume that could outgrow the free space. It is only
 * reported when nothing else is wrong.
 *
 * Returns: %TRUE when the volume can be made as it is
 */
gboolean
vireo_volume_config_validate (VireoVolumeConfig        *self,
                              const char               *pool_type,
                              const VireoPoolTypeCaps  *type_caps,
                              const char * const       *existing_names,
                              guint64                   available,
                              GError                  **error)
{
  g_autofree char *name = NULL;
  g_autofree char *format = NULL;
  g_autofree char *backing = NULL;
  g_autofree char *backing_format = NULL;
  guint64 capacity;
  guint64 allocation;

  g_return_val_if_fail (VIREO_IS_VOLUME_CONFIG (self), FALSE);

  name = vireo_volume_config_dup_name (self);
  if (!check_name (name, existing_names, _("volume"), error))
    return FALSE;

  format = vireo_volume_config_dup_format (self);
  if (format != NULL && type_caps != NULL && type_caps->volume_formats != NULL &&
      !strv_has ((const char * const *) type_caps->volume_formats, format))
    {
      g_autofree char *list = g_strjoinv (", ", type_caps->volume_formats);
      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_FORMAT,
                   /* Translators: %s are a format, a pool type and a list of formats */
                   _("A “%s” pool cannot hold “%s” volumes; it takes %s."),
                   pool_type != NULL ? pool_type : type_caps->type, format, list);
      return FALSE;
    }

  capacity = vireo_volume_config_get_capacity (self);
  allocation = vireo_volume_config_get_allocation (self);
  if (capacity == 0)
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_CAPACITY, _("The size must be more than zero."));
  if (allocation > capacity)
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_ALLOCATION, _("The allocation cannot be larger than the size."));
  if (available != G_MAXUINT64 && allocation > available)
    {
      g_autofree char *need = g_format_size_full (allocation, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *have = g_format_size_full (available, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR,
                   allocation == capacity ? VIREO_STORAGE_CONFIG_ERROR_CAPACITY : VIREO_STORAGE_CONFIG_ERROR_ALLOCATION,
                   /* Translators: both %s are sizes such as "20 GiB" */
                   _("The pool has %2$s free; allocating %1$s now does not fit. Choose a smaller size or thin allocation."),
                   need, have);
      return FALSE;
    }

  backing = vireo_volume_config_dup_backing_path (self);
  backing_format = vireo_volume_config_dup_backing_format (self);
  if (backing != NULL)
    {
      if (!is_absolute_path (backing))
        return fail (error, VIREO_STORAGE_CONFIG_ERROR_BACKING, _("The backing image must be given by its full path."));
      if (!format_takes_backing (format))
        {
          g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_BACKING,
                       _("A “%s” volume cannot be an overlay of another image; choose qcow2."),
                       format != NULL ? format : "raw");
          return FALSE;
        }
      if (allocation == capacity)
        return fail (error, VIREO_STORAGE_CONFIG_ERROR_BACKING, _("An overlay cannot be fully allocated: it only holds what the guest changes."));
    }

  if (available != G_MAXUINT64 && capacity > available)
    {
      g_autofree char *size = g_format_size_full (capacity, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *have = g_format_size_full (available, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_OVERCOMMIT,
                   /* Translators: both %s are sizes such as "20 GiB" */
                   _("The volume can grow to %s, but the pool has only %s free: the guest will fail writing once it is full."),
                   size, have);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Secrets                                                                   */

/* Which element of <usage> holds its id. */
static const char *
usage_id_element (const char *usage_type)
{
  if (g_strcmp0 (usage_type, "iscsi") == 0)
    return "target";
  if (g_strcmp0 (usage_type, "volume") == 0)
    return "volume";
  if (g_strcmp0 (usage_type, "ceph") == 0 || g_strcmp0 (usage_type, "tls") == 0 ||
      g_strcmp0 (usage_type, "vtpm") == 0)
    return "name";
  return NULL;
}

void
vireo_secret_info_free (VireoSecretInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->uuid);
  g_free (info->usage_type);
  g_free (info->usage_id);
  g_free (info->description);
  g_free (info);
}

/**
 * vireo_secret_info_new_from_xml:
 * @xml: a `<secret>` document (virSecretGetXMLDesc)
 *
 * Returns: (transfer full): the secret's description, or %NULL with @error
 */
VireoSecretInfo *
vireo_secret_info_new_from_xml (const char  *xml,
                                GError     **error)
{
  VireoSecretInfo *info;
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlNodePtr usage;
  g_autofree char *priv = NULL;
  g_autofree char *ephemeral = NULL;
  const char *id_element;

  g_return_val_if_fail (xml != NULL, NULL);

  if ((doc = read_document (xml, "secret", error)) == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  info = g_new0 (VireoSecretInfo, 1);
  priv = vireo_xml_get_prop (root, "private");
  ephemeral = vireo_xml_get_prop (root, "ephemeral");
  info->private_ = g_strcmp0 (priv, "yes") == 0;
  info->ephemeral = g_strcmp0 (ephemeral, "yes") == 0;
  info->uuid = vireo_xml_get_child_text (root, "uuid");
  info->description = vireo_xml_get_child_text (root, "description");
  usage = vireo_xml_child (root, "usage");
  info->usage_type = vireo_xml_get_prop (usage, "type");
  id_element = usage_id_element (info->usage_type);
  if (id_element != NULL)
    info->usage_id = vireo_xml_get_child_text (usage, id_element);
  xmlFreeDoc (doc);
  return info;
}

/**
 * vireo_secret_validate_usage:
 *
 * Returns: whether @usage_type and @usage_id make a secret libvirt takes;
 *   the error's code is %VIREO_STORAGE_CONFIG_ERROR_USAGE
 */
gboolean
vireo_secret_validate_usage (const char  *usage_type,
                             const char  *usage_id,
                             GError     **error)
{
  if (usage_type == NULL)
    return TRUE;
  if (usage_id_element (usage_type) == NULL)
    {
      g_set_error (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_USAGE,
                   _("“%s” is not a kind of secret libvirt knows."), usage_type);
      return FALSE;
    }
  if (is_empty (usage_id))
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_USAGE,
                 g_str_equal (usage_type, "volume") ? _("Enter the path of the encrypted volume.")
                 : g_str_equal (usage_type, "iscsi") ? _("Enter a name for the iSCSI secret; pools refer to it by that name.")
                 : _("Enter a name for the secret; pools and disks refer to it by that name."));
  if (g_str_equal (usage_type, "volume") && !is_absolute_path (usage_id))
    return fail (error, VIREO_STORAGE_CONFIG_ERROR_USAGE, _("The volume must be given by its full path."));
  return TRUE;
}

/**
 * vireo_secret_xml:
 * @usage_type: (nullable): "iscsi" (CHAP), "ceph" (RBD key), "volume"
 *   (LUKS passphrase), "tls", "vtpm"; %NULL for a secret without usage
 * @usage_id: (nullable): the id pools and disks refer to it by
 * @description: (nullable)
 * @private_: whether libvirt refuses to give the value back
 *
 * Returns: (transfer full): a `<secret>` document for virSecretDefineXML,
 *   every text escaped by libxml2
 */
char *
vireo_secret_xml (const char *usage_type,
                  const char *usage_id,
                  const char *description,
                  gboolean    private_)
{
  xmlDocPtr doc = vireo_xml_read ("<secret ephemeral='no' private='no'>\n</secret>", NULL);
  xmlNodePtr root = xmlDocGetRootElement (doc);
  char *xml;

  vireo_xml_set_prop (root, "private", private_ ? "yes" : "no");
  /* The first child cannot copy a sibling's indentation. */
  xmlNodeSetContent (root, NULL);
  if (description != NULL)
    {
      xmlAddChild (root, xmlNewText (BAD_CAST "\n  "));
      vireo_xml_set_text (xmlAddChild (root, xmlNewNode (NULL, BAD_CAST "description")), description);
    }
  if (usage_type != NULL)
    {
      const char *id_element = usage_id_element (usage_type);
      xmlNodePtr usage = xmlNewNode (NULL, BAD_CAST "usage");

      xmlAddChild (root, xmlNewText (BAD_CAST "\n  "));
      xmlAddChild (root, usage);
      vireo_xml_set_prop (usage, "type", usage_type);
      if (id_element != NULL && usage_id != NULL)
        {
          xmlAddChild (usage, xmlNewText (BAD_CAST "\n    "));
          vireo_xml_set_text (xmlAddChild (usage, xmlNewNode (NULL, BAD_CAST id_element)), usage_id);
          xmlAddChild (usage, xmlNewText (BAD_CAST "\n  "));
        }
    }
  xmlAddChild (root, xmlNewText (BAD_CAST "\n"));
  xml = to_string (doc);
  xmlFreeDoc (doc);
  return xml;
}
