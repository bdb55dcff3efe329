/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-domain-config"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "vireo-domain-config.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/*
 * The document is the state. Getters read the DOM and setters change it in
 * place, so any element or attribute Vireo does not know about is written
 * back exactly as libvirt gave it.
 */
struct _VireoDomainConfig
{
  GObject    parent_instance;

  xmlDocPtr  doc;
  GListStore *devices;  /* VireoDevice; built on first use */
  char      *domain_type;
  /* Cached strings for the borrowed getters; refreshed on every set. */
  char      *name;
  char      *uuid;
  char      *title;
  char      *description;
};

G_DEFINE_FINAL_TYPE (VireoDomainConfig, vireo_domain_config, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
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

static void
refresh_cache (VireoDomainConfig *self)
{
  xmlNodePtr root = xmlDocGetRootElement (self->doc);

  g_free (self->name);
  g_free (self->uuid);
  g_free (self->title);
  g_free (self->description);
  self->name = vireo_xml_get_text (vireo_xml_child (root, "name"));
  self->uuid = vireo_xml_get_text (vireo_xml_child (root, "uuid"));
  self->title = vireo_xml_get_text (vireo_xml_child (root, "title"));
  self->description = vireo_xml_get_text (vireo_xml_child (root, "description"));
  g_free (self->domain_type);
  self->domain_type = vireo_xml_get_prop (root, "type");
}

xmlDocPtr
_vireo_domain_config_get_doc (VireoDomainConfig *self)
{
  return self->doc;
}

void
_vireo_domain_config_changed (VireoDomainConfig *self)
{
  refresh_cache (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
vireo_domain_config_dispose (GObject *object)
{
  VireoDomainConfig *self = (VireoDomainConfig *) object;

  /* Device objects may outlive the document they point into. */
  if (self->devices != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->devices));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(VireoDevice) device = g_list_model_get_item (G_LIST_MODEL (self->devices), i);
          _vireo_device_detach (device);
        }
      g_clear_object (&self->devices);
    }

  G_OBJECT_CLASS (vireo_domain_config_parent_class)->dispose (object);
}

static void
vireo_domain_config_finalize (GObject *object)
{
  VireoDomainConfig *self = (VireoDomainConfig *) object;

  g_clear_pointer (&self->doc, xmlFreeDoc);
  g_free (self->domain_type);
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
  G_OBJECT_CLASS (klass)->dispose = vireo_domain_config_dispose;

  /**
   * VireoDomainConfig::changed:
   *
   * Any edit, through the config or one of its devices: editors use it to
   * enable Apply and to refresh what they show.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
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
  doc = vireo_xml_read (xml, "domain.xml");
  if (doc == NULL)
    {
      const xmlError *err = xmlGetLastError ();
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_PARSE,
                   _("Not well-formed XML: %s"),
                   err && err->message ? g_strchomp (err->message) : _("unknown error"));
      return NULL;
    }

  /* libvirt never writes a DOCTYPE; one here can only declare entities,
   * and expanding those is how a few KB of text become gigabytes. */
  if (doc->intSubset != NULL)
    {
      xmlFreeDoc (doc);
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   _("A <!DOCTYPE> is not accepted in a domain definition"));
      return NULL;
    }

  root = xmlDocGetRootElement (doc);
  if (root == NULL || xmlStrcmp (root->name, BAD_CAST "domain") != 0)
    {
      xmlFreeDoc (doc);
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   _("The document is not a <domain> definition"));
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
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);

  /* Top-level nodes as they are, without the <?xml?> declaration libvirt
   * never writes, so that its own output comes back byte for byte. */
  for (xmlNodePtr n = self->doc->children; n != NULL; n = n->next)
    {
      xmlBufferPtr buf = xmlBufferCreate ();

      xmlNodeDump (buf, self->doc, n, 0, 0);
      g_string_append (out, (const char *) xmlBufferContent (buf));
      g_string_append_c (out, '\n');
      xmlBufferFree (buf);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
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
  xmlNodePtr node = vireo_xml_child (root, element);

  g_autofree char *old = vireo_xml_get_text (node);

  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (old, value) == 0)
    return;

  if (value == NULL)
    vireo_xml_remove (node);
  else if (node != NULL)
    vireo_xml_set_text (node, value);
  else
    {
      xmlNodePtr anchor = vireo_xml_child (root, "title");

      if (anchor == NULL || g_str_equal (element, "title"))
        anchor = vireo_xml_child (root, "uuid");
      if (anchor == NULL)
        anchor = vireo_xml_child (root, "name");
      node = xmlNewDocNode (self->doc, NULL, BAD_CAST element, NULL);
      xmlNodeAddContent (node, BAD_CAST value);
      if (anchor != NULL)
        vireo_xml_insert_after (anchor, node);
      else
        vireo_xml_append_child (root, node);
    }

  _vireo_domain_config_changed (self);
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
  devices = vireo_xml_child (xmlDocGetRootElement (self->doc), "devices");

  for (xmlNodePtr n = devices ? devices->children : NULL; n != NULL; n = n->next)
    {
      VireoDiskInfo *info;
      xmlNodePtr source;

      if (n->type != XML_ELEMENT_NODE || xmlStrcmp (n->name, BAD_CAST "disk") != 0)
        continue;

      info = g_new0 (VireoDiskInfo, 1);
      info->source_type = vireo_xml_get_prop (n, "type");
      info->device = vireo_xml_get_prop (n, "device");
      if (info->device == NULL)
        info->device = g_strdup ("disk");
      info->target = vireo_xml_get_prop (vireo_xml_child (n, "target"), "dev");
      info->readonly = vireo_xml_child (n, "readonly") != NULL;
      info->shareable = vireo_xml_child (n, "shareable") != NULL;

      source = vireo_xml_child (n, "source");
      if (g_strcmp0 (info->source_type, "file") == 0)
        info->path = vireo_xml_get_prop (source, "file");
      else if (g_strcmp0 (info->source_type, "block") == 0)
        info->path = vireo_xml_get_prop (source, "dev");
      else if (g_strcmp0 (info->source_type, "volume") == 0)
        {
          info->pool = vireo_xml_get_prop (source, "pool");
          info->volume = vireo_xml_get_prop (source, "volume");
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

  os = vireo_xml_child (xmlDocGetRootElement (self->doc), "os");
  return vireo_xml_child (os, "nvram") != NULL ||
         vireo_xml_child (os, "loader") != NULL;
}

/* ------------------------------------------------------------------------ */
/* Domain-wide fields                                                        */

static xmlNodePtr
root_of (VireoDomainConfig *self)
{
  return xmlDocGetRootElement (self->doc);
}

/**
 * vireo_domain_config_set_name:
 *
 * Renaming a defined domain is virDomainRename, not a define; this only
 * edits the document (for a domain not yet defined, or the XML editor).
 */
void
vireo_domain_config_set_name (VireoDomainConfig *self,
                              const char        *name)
{
  g_return_if_fail (VIREO_IS_DOMAIN_CONFIG (self));
  g_return_if_fail (name != NULL && *name != '\0');

  if (g_strcmp0 (self->name, name) == 0)
    return;
  vireo_xml_set_child_text (root_of (self), "name", name);
  _vireo_domain_config_changed (self);
}

/* "kvm", "qemu" (TCG), "test", … */
const char *
vireo_domain_config_get_domain_type (VireoDomainConfig *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  return self->domain_type;
}

/* libvirt's scaled integers: the unit attribute, KiB when absent. */
static guint64
read_kib (xmlNodePtr node)
{
  g_autofree char *text = vireo_xml_get_text (node);
  g_autofree char *unit = vireo_xml_get_prop (node, "unit");
  static const struct { const char *unit; guint64 num, den; } units[] = {
    { "b", 1, 1024 }, { "bytes", 1, 1024 },
    { "KB", 1000, 1024 }, { "k", 1, 1 }, { "KiB", 1, 1 },
    { "MB", 1000000, 1024 }, { "M", 1024, 1 }, { "MiB", 1024, 1 },
    { "GB", 1000000000, 1024 }, { "G", 1048576, 1 }, { "GiB", 1048576, 1 },
    { "TB", G_GUINT64_CONSTANT (1000000000000), 1024 }, { "T", 1073741824, 1 }, { "TiB", 1073741824, 1 },
  };
  guint64 value;

  if (text == NULL)
    return 0;
  value = g_ascii_strtoull (g_strstrip (text), NULL, 10);
  if (unit == NULL)
    return value;
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_strcmp0 (units[i].unit, unit) == 0)
      return value * units[i].num / units[i].den;
  return value;
}

static void
write_kib (xmlNodePtr  root,
           const char *element,
           guint64     kib)
{
  xmlNodePtr node = vireo_xml_ensure_child (root, element);
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, kib);
  g_autofree char *old = vireo_xml_get_text (node);

  /* Unchanged amounts keep their unit as written. */
  if (old != NULL && *old != '\0' && read_kib (node) == kib)
    return;
  vireo_xml_set_prop (node, "unit", "KiB");
  vireo_xml_set_text (node, text);
}

guint64
vireo_domain_config_get_memory_kib (VireoDomainConfig *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), 0);
  return read_kib (vireo_xml_child (root_of (self), "memory"));
}

guint64
vireo_domain_config_get_current_memory_kib (VireoDomainConfig *self)
{
  xmlNodePtr current;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), 0);
  current = vireo_xml_child (root_of (self), "currentMemory");
  return current != NULL ? read_kib (current) : vireo_domain_config_get_memory_kib (self);
}

/**
 * vireo_domain_config_set_memory_kib:
 * @maximum: `<memory>`
 * @current: `<currentMemory>`, at most @maximum
 */
void
vireo_domain_config_set_memory_kib (VireoDomainConfig *self,
                                    guint64            maximum,
                                    guint64            current)
{
  xmlNodePtr root;

  g_return_if_fail (VIREO_IS_DOMAIN_CONFIG (self));
  g_return_if_fail (maximum > 0 && current > 0 && current <= maximum);

  if (vireo_domain_config_get_memory_kib (self) == maximum
      && vireo_domain_config_get_current_memory_kib (self) == current)
    return;
  root = root_of (self);
  write_kib (root, "memory", maximum);
  if (current != maximum || vireo_xml_has_child (root, "currentMemory"))
    write_kib (root, "currentMemory", current);
  _vireo_domain_config_changed (self);
}

guint
vireo_domain_config_get_vcpus_max (VireoDomainConfig *self)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), 0);
  text = vireo_xml_get_child_text (root_of (self), "vcpu");
  return text != NULL ? (guint) g_ascii_strtoull (g_strstrip (text), NULL, 10) : 1;
}

guint
vireo_domain_config_get_vcpus (VireoDomainConfig *self)
{
  g_autofree char *current = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), 0);
  current = vireo_xml_get_child_prop (root_of (self), "vcpu", "current");
  return current != NULL ? (guint) g_ascii_strtoull (current, NULL, 10) : vireo_domain_config_get_vcpus_max (self);
}

/**
 * vireo_domain_config_set_vcpus:
 * @current: vCPUs online at boot
 * @maximum: vCPUs that can be hot-plugged up to
 */
void
vireo_domain_config_set_vcpus (VireoDomainConfig *self,
                               guint              current,
                               guint              maximum)
{
  xmlNodePtr vcpu;
  g_autofree char *max_text = NULL;
  g_autofree char *current_text = NULL;

  g_return_if_fail (VIREO_IS_DOMAIN_CONFIG (self));
  g_return_if_fail (current > 0 && current <= maximum);

  if (vireo_domain_config_get_vcpus (self) == current && vireo_domain_config_get_vcpus_max (self) == maximum)
    return;
  vcpu = vireo_xml_ensure_child (root_of (self), "vcpu");
  max_text = g_strdup_printf ("%u", maximum);
  vireo_xml_set_text (vcpu, max_text);
  current_text = current != maximum ? g_strdup_printf ("%u", current) : NULL;
  vireo_xml_set_prop (vcpu, "current", current_text);
  _vireo_domain_config_changed (self);
}

char *
vireo_domain_config_dup_arch (VireoDomainConfig *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  return vireo_xml_get_prop (vireo_xml_child (vireo_xml_child (root_of (self), "os"), "type"), "arch");
}

char *
vireo_domain_config_dup_machine (VireoDomainConfig *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  return vireo_xml_get_prop (vireo_xml_child (vireo_xml_child (root_of (self), "os"), "type"), "machine");
}

/**
 * vireo_domain_config_dup_firmware:
 *
 * Returns: "efi" or "bios": the firmware auto-selection when set, else
 *   what the loader says
 */
char *
vireo_domain_config_dup_firmware (VireoDomainConfig *self)
{
  xmlNodePtr os;
  char *firmware;
  g_autofree char *loader_type = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  os = vireo_xml_child (root_of (self), "os");
  firmware = vireo_xml_get_prop (os, "firmware");
  if (firmware != NULL)
    return firmware;
  loader_type = vireo_xml_get_child_prop (os, "loader", "type");
  if (g_strcmp0 (loader_type, "pflash") == 0)
    return g_strdup ("efi");
  return g_strdup ("bios");
}

char *
vireo_domain_config_dup_emulator (VireoDomainConfig *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  return vireo_xml_get_child_text (vireo_xml_child (root_of (self), "devices"), "emulator");
}

char *
vireo_domain_config_dup_cpu_mode (VireoDomainConfig *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  return vireo_xml_get_child_prop (root_of (self), "cpu", "mode");
}

void
vireo_domain_config_set_cpu_mode (VireoDomainConfig *self,
                                  const char        *mode)
{
  g_autofree char *old = NULL;

  g_return_if_fail (VIREO_IS_DOMAIN_CONFIG (self));
  old = vireo_domain_config_dup_cpu_mode (self);
  if (g_strcmp0 (old, mode) == 0)
    return;
  vireo_xml_set_child_prop (root_of (self), "cpu", "mode", mode);
  _vireo_domain_config_changed (self);
}

/* ------------------------------------------------------------------------ */
/* Devices                                                                   */

static void
ensure_devices (VireoDomainConfig *self)
{
  xmlNodePtr devices;

  if (self->devices != NULL)
    return;
  self->devices = g_list_store_new (VIREO_TYPE_DEVICE);
  devices = vireo_xml_child (root_of (self), "devices");
  for (xmlNodePtr n = devices != NULL ? devices->children : NULL; n != NULL; n = n->next)
    {
      /* Namespaced extensions under <devices> are not devices to edit. */
      if (n->type != XML_ELEMENT_NODE || n->ns != NULL)
        continue;
      {
        g_autoptr(VireoDevice) device = _vireo_device_new (self, n);
        g_list_store_append (self->devices, device);
      }
    }
}

/**
 * vireo_domain_config_list_devices:
 *
 * Returns: (transfer full): a #GListModel of #VireoDevice, in document order
 */
GListModel *
vireo_domain_config_list_devices (VireoDomainConfig *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);

  ensure_devices (self);
  return g_object_ref (G_LIST_MODEL (self->devices));
}

/**
 * vireo_domain_config_add_device:
 * @xml: one device element
 *
 * Appends the device after the last one of its kind (libvirt lists them
 * grouped), or at the end of <devices>.
 *
 * Returns: (transfer none) (nullable): the new device
 */
VireoDevice *
vireo_domain_config_add_device (VireoDomainConfig  *self,
                                const char         *xml,
                                GError            **error)
{
  xmlNodePtr devices;
  xmlNodePtr node;
  xmlNodePtr last_same = NULL;
  g_autoptr(VireoDevice) device = NULL;
  guint position = 0;
  guint n;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  g_return_val_if_fail (xml != NULL, NULL);

  node = vireo_xml_parse_fragment (self->doc, xml, error);
  if (node == NULL)
    return NULL;
  if (node->ns != NULL || vireo_device_kind_from_element ((const char *) node->name) == VIREO_DEVICE_OTHER)
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   _("<%s> is not a device element"), node->name);
      xmlFreeNode (node);
      return NULL;
    }

  ensure_devices (self);
  devices = vireo_xml_ensure_child (root_of (self), "devices");
  n = g_list_model_get_n_items (G_LIST_MODEL (self->devices));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) d = g_list_model_get_item (G_LIST_MODEL (self->devices), i);

      if (g_strcmp0 (vireo_device_get_element_name (d), (const char *) node->name) == 0)
        {
          last_same = _vireo_device_get_node (d);
          position = i + 1;
        }
    }

  if (last_same != NULL)
    /* Next to its kin, at their indentation. */
    vireo_xml_insert_after (last_same, node);
  else
    {
      vireo_xml_append_child (devices, node);
      position = n;
    }

  device = _vireo_device_new (self, node);
  g_list_store_insert (self->devices, position, device);
  _vireo_domain_config_changed (self);
  return device;
}

void
vireo_domain_config_remove_device (VireoDomainConfig *self,
                                   VireoDevice       *device)
{
  guint position;

  g_return_if_fail (VIREO_IS_DOMAIN_CONFIG (self));
  g_return_if_fail (VIREO_IS_DEVICE (device));
  g_return_if_fail (vireo_device_get_config (device) == self);

  ensure_devices (self);
  vireo_xml_remove (_vireo_device_get_node (device));
  _vireo_device_detach (device);
  if (g_list_store_find (self->devices, device, &position))
    g_list_store_remove (self->devices, position);
  _vireo_domain_config_changed (self);
}

/**
 * vireo_domain_config_copy:
 *
 * Returns: (transfer full): an independent copy, for editing without
 *   touching the original until Apply
 */
VireoDomainConfig *
vireo_domain_config_copy (VireoDomainConfig *self)
{
  g_autofree char *xml = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  xml = vireo_domain_config_to_xml (self);
  return vireo_domain_config_new_from_xml (xml, NULL);
}

static guint
parse_index (const char *text)
{
  if (text == NULL)
    return 0;
  return (guint) g_ascii_strtoull (text, NULL, 0);   /* "0x01" for PCI buses */
}

/* Does @device sit on controller @type/@index, by its <address> or, with
 * none yet, by its bus (libvirt puts it on index 0 of that type)? */
static gboolean
uses_controller (VireoDevice *device,
                 const char  *type,
                 guint        index)
{
  xmlNodePtr node = _vireo_device_get_node (device);
  xmlNodePtr address = vireo_xml_child (node, "address");
  g_autofree char *address_type = vireo_xml_get_prop (address, "type");

  if (g_strcmp0 (type, "pci") == 0)
    {
      g_autofree char *bus = vireo_xml_get_prop (address, "bus");
      return g_strcmp0 (address_type, "pci") == 0 && parse_index (bus) == index;
    }
  if (g_strcmp0 (type, "usb") == 0)
    {
      g_autofree char *bus = vireo_xml_get_prop (address, "bus");
      g_autofree char *input_bus = vireo_xml_get_prop (node, "bus");
      g_autofree char *target_bus = vireo_xml_get_child_prop (node, "target", "bus");

      if (g_strcmp0 (address_type, "usb") == 0)
        return parse_index (bus) == index;
      return address == NULL && index == 0
             && (g_strcmp0 (input_bus, "usb") == 0 || g_strcmp0 (target_bus, "usb") == 0
                 || vireo_device_get_kind (device) == VIREO_DEVICE_REDIRDEV);
    }
  if (g_strcmp0 (type, "virtio-serial") == 0)
    {
      g_autofree char *controller = vireo_xml_get_prop (address, "controller");
      g_autofree char *target_type = vireo_xml_get_child_prop (node, "target", "type");

      if (g_strcmp0 (address_type, "virtio-serial") == 0)
        return parse_index (controller) == index;
      return index == 0 && g_strcmp0 (target_type, "virtio") == 0;
    }
  /* Disk controllers: sata, scsi, ide, fdc. */
  if (vireo_device_get_kind (device) == VIREO_DEVICE_DISK)
    {
      g_autofree char *controller = vireo_xml_get_prop (address, "controller");
      g_autofree char *bus = vireo_xml_get_child_prop (node, "target", "bus");

      if (g_strcmp0 (bus, type) != 0)
        return FALSE;
      return g_strcmp0 (address_type, "drive") == 0 ? parse_index (controller) == index : index == 0;
    }
  return FALSE;
}

/**
 * vireo_domain_config_list_controller_devices:
 * @controller: a controller of @self
 *
 * The devices that sit on @controller, by their addresses or, before
 * libvirt has given them one, by their bus.
 *
 * Returns: (transfer container) (element-type VireoDevice): the devices,
 *   in document order; empty for anything that is not a controller
 */
GPtrArray *
vireo_domain_config_list_controller_devices (VireoDomainConfig *self,
                                             VireoDevice       *controller)
{
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GListModel) devices = NULL;
  g_autofree char *type = NULL;
  g_autofree char *index_text = NULL;
  guint n, index;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), result);
  g_return_val_if_fail (VIREO_IS_DEVICE (controller), result);

  if (vireo_device_get_kind (controller) != VIREO_DEVICE_CONTROLLER)
    return result;
  type = vireo_xml_get_prop (_vireo_device_get_node (controller), "type");
  index_text = vireo_xml_get_prop (_vireo_device_get_node (controller), "index");
  index = parse_index (index_text);
  devices = vireo_domain_config_list_devices (self);
  n = g_list_model_get_n_items (devices);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) d = g_list_model_get_item (devices, i);

      if (d != controller && uses_controller (d, type, index))
        g_ptr_array_add (result, g_steal_pointer (&d));
    }
  return result;
}

/**
 * vireo_domain_config_dup_removal_refusal:
 *
 * Why @device should not be removed, in words for the user, or %NULL when
 * it may go: the last video device of a machine with a display, a
 * controller that still has devices on it, the PCI root.
 *
 * Returns: (transfer full) (nullable): the reason
 */
char *
vireo_domain_config_dup_removal_refusal (VireoDomainConfig *self,
                                         VireoDevice       *device)
{
  g_autoptr(GListModel) devices = NULL;
  guint n, videos = 0, graphics = 0;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  g_return_val_if_fail (VIREO_IS_DEVICE (device), NULL);

  devices = vireo_domain_config_list_devices (self);
  n = g_list_model_get_n_items (devices);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) d = g_list_model_get_item (devices, i);

      videos += vireo_device_get_kind (d) == VIREO_DEVICE_VIDEO;
      graphics += vireo_device_get_kind (d) == VIREO_DEVICE_GRAPHICS;
    }

  switch (vireo_device_get_kind (device))
    {
    case VIREO_DEVICE_VIDEO:
      if (videos == 1 && graphics > 0)
        return g_strdup (_("The display needs a video device. Remove the display first, or add another video device."));
      return NULL;
    case VIREO_DEVICE_EMULATOR:
      return g_strdup (_("The emulator is not a device that can be removed."));
    case VIREO_DEVICE_CONTROLLER:
      {
        xmlNodePtr node = _vireo_device_get_node (device);
        g_autofree char *type = vireo_xml_get_prop (node, "type");
        g_autofree char *model = vireo_xml_get_prop (node, "model");
        g_autoptr(GPtrArray) on_it = NULL;

        if (g_strcmp0 (type, "pci") == 0 && (g_strcmp0 (model, "pci-root") == 0 || g_strcmp0 (model, "pcie-root") == 0))
          return g_strdup (_("The PCI root is part of the machine type; it cannot be removed."));
        on_it = vireo_domain_config_list_controller_devices (self, device);
        if (on_it->len > 0)
          return g_strdup_printf (ngettext ("%u device is still attached to this controller. Remove it first.",
                                            "%u devices are still attached to this controller. Remove them first.",
                                            on_it->len), on_it->len);
        return NULL;
      }
    default:
      return NULL;
    }
}

/* Who a device is, across two versions of one machine (persistent and
 * live, or before and after an edit): libvirt's own identity where it has
 * one (target, MAC, controller index, host address), otherwise its place
 * among devices of the same element. NULL: not identifiable (a new NIC
 * before libvirt gives it a MAC), so never matched. */
static char *
device_key (VireoDomainConfig *self,
            VireoDevice       *device)
{
  xmlNodePtr node = _vireo_device_get_node (device);
  const char *element = vireo_device_get_element_name (device);
  guint ordinal = 0;

  switch (vireo_device_get_kind (device))
    {
    case VIREO_DEVICE_DISK:
      {
        g_autofree char *dev = vireo_xml_get_child_prop (node, "target", "dev");
        return dev != NULL ? g_strconcat ("disk:", dev, NULL) : NULL;
      }
    case VIREO_DEVICE_INTERFACE:
      {
        g_autofree char *mac = vireo_xml_get_child_prop (node, "mac", "address");
        return mac != NULL ? g_strconcat ("interface:", mac, NULL) : NULL;
      }
    case VIREO_DEVICE_CONTROLLER:
      {
        g_autofree char *type = vireo_xml_get_prop (node, "type");
        g_autofree char *index = vireo_xml_get_prop (node, "index");
        return g_strdup_printf ("controller:%s:%s", type ? type : "", index ? index : "0");
      }
    case VIREO_DEVICE_HOSTDEV:
      {
        xmlNodePtr source = vireo_xml_child (node, "source");
        g_autofree char *text = source != NULL ? vireo_xml_node_to_string (source) : NULL;
        return text != NULL ? g_strconcat ("hostdev:", text, NULL) : NULL;
      }
    default:
      break;
    }

  ensure_devices (self);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->devices)); i++)
    {
      g_autoptr(VireoDevice) d = g_list_model_get_item (G_LIST_MODEL (self->devices), i);

      if (d == device)
        break;
      if (g_strcmp0 (vireo_device_get_element_name (d), element) == 0)
        ordinal++;
    }
  return g_strdup_printf ("%s#%u", element, ordinal);
}

/**
 * vireo_domain_config_find_device_like:
 * @other: a device of another config of the same machine
 *
 * Returns: (transfer none) (nullable): the device in @self that is @other
 */
VireoDevice *
vireo_domain_config_find_device_like (VireoDomainConfig *self,
                                      VireoDevice       *other)
{
  VireoDomainConfig *other_config;
  g_autofree char *key = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (self), NULL);
  g_return_val_if_fail (VIREO_IS_DEVICE (other), NULL);

  other_config = vireo_device_get_config (other);
  if (other_config == NULL || !vireo_device_get_attached (other))
    return NULL;
  key = device_key (other_config, other);
  if (key == NULL)
    return NULL;

  ensure_devices (self);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->devices)); i++)
    {
      g_autoptr(VireoDevice) d = g_list_model_get_item (G_LIST_MODEL (self->devices), i);
      g_autofree char *k = device_key (self, d);

      if (g_strcmp0 (k, key) == 0)
        return d;   /* the config keeps it */
    }
  return NULL;
}
