/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-domain-caps"

#include "config.h"

#include <glib/gi18n.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "vireo-domain-caps.h"
#include "vireo-domain-config.h"
#include "vireo-xml.h"

/*
 * What one emulator/arch/machine/virt-type combination can do, from
 * virConnectGetDomainCapabilities. Everything is read once at parse time
 * into plain GLib data and the document is dropped: the object never
 * changes afterwards, so it can be shared between editors (and threads)
 * without a lock.
 *
 * libvirt's rule for reading it (formatdomaincaps): act only on what is
 * reported. An element left out says nothing either way; the accessors
 * answer FALSE or an empty list for it, so a caller that needs to tell
 * "not reported" from "no" must not use this to refuse a choice outright.
 */
struct _VireoDomainCaps
{
  GObject      parent_instance;

  /* Owned */
  char        *path;
  char        *domain_type;
  char        *machine;
  char        *arch;
  char        *host_model;
  guint        max_vcpus;
  char       **loader_values;
  char       **usable_models;
  char       **unusable_models;
  /* "os", "os/loader", "cpu/host-model", "devices/tpm", "features/sev", …
   * -> GINT_TO_POINTER (supported) */
  GHashTable  *supported;
  /* "os/firmware", "os/loader/secure", "devices/disk/bus",
   * "features/gic/version", … -> char ** */
  GHashTable  *enums;
};

G_DEFINE_FINAL_TYPE (VireoDomainCaps, vireo_domain_caps, G_TYPE_OBJECT)

static void
vireo_domain_caps_finalize (GObject *object)
{
  VireoDomainCaps *self = (VireoDomainCaps *) object;

  g_free (self->path);
  g_free (self->domain_type);
  g_free (self->machine);
  g_free (self->arch);
  g_free (self->host_model);
  g_strfreev (self->loader_values);
  g_strfreev (self->usable_models);
  g_strfreev (self->unusable_models);
  g_clear_pointer (&self->supported, g_hash_table_unref);
  g_clear_pointer (&self->enums, g_hash_table_unref);

  G_OBJECT_CLASS (vireo_domain_caps_parent_class)->finalize (object);
}

static void
vireo_domain_caps_class_init (VireoDomainCapsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vireo_domain_caps_finalize;
}

static void
vireo_domain_caps_init (VireoDomainCaps *self)
{
  self->supported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->enums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
}

static gboolean
is_element (xmlNodePtr  node,
            const char *name)
{
  return node->type == XML_ELEMENT_NODE && node->ns == NULL
         && (name == NULL || xmlStrcmp (node->name, BAD_CAST name) == 0);
}

static char *
stripped_text (xmlNodePtr node)
{
  char *text = vireo_xml_get_text (node);

  return text != NULL ? g_strstrip (text) : NULL;
}

/* The text of every <value> child of @parent, in document order. */
static char **
collect_values (xmlNodePtr parent)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (xmlNodePtr n = parent->children; n != NULL; n = n->next)
    if (is_element (n, "value"))
      {
        g_autofree char *text = stripped_text (n);

        if (text != NULL && *text != '\0')
          g_strv_builder_add (builder, text);
      }
  return g_strv_builder_end (builder);
}

/* Records @node's supported='yes|no' under @key and each of its
 * <enum name='N'> lists under "@key/N". An element without the attribute
 * counts as supported: the docs' own <sev> example has none, and a
 * reported element with nothing to say about it is a yes. */
static void
record (VireoDomainCaps *self,
        const char      *key,
        xmlNodePtr       node)
{
  g_autofree char *supported = vireo_xml_get_prop (node, "supported");

  g_hash_table_replace (self->supported, g_strdup (key),
                        GINT_TO_POINTER (supported == NULL || g_str_equal (supported, "yes")));

  for (xmlNodePtr n = node->children; n != NULL; n = n->next)
    {
      g_autofree char *name = NULL;

      if (!is_element (n, "enum"))
        continue;
      name = vireo_xml_get_prop (n, "name");
      if (name == NULL)
        continue;
      g_hash_table_replace (self->enums, g_strconcat (key, "/", name, NULL), collect_values (n));
    }
}

/* Each element child of @parent (<devices>, <features>) under
 * "@prefix/NAME". */
static void
record_children (VireoDomainCaps *self,
                 const char      *prefix,
                 xmlNodePtr       parent)
{
  for (xmlNodePtr n = parent->children; n != NULL; n = n->next)
    {
      g_autofree char *key = NULL;

      if (!is_element (n, NULL))
        continue;
      key = g_strconcat (prefix, "/", (const char *) n->name, NULL);
      record (self, key, n);
    }
}

static void
parse_os (VireoDomainCaps *self,
          xmlNodePtr       os)
{
  xmlNodePtr loader = vireo_xml_child (os, "loader");

  record (self, "os", os);
  if (loader != NULL)
    {
      record (self, "os/loader", loader);
      g_strfreev (self->loader_values);
      self->loader_values = collect_values (loader);
    }
}

static void
parse_cpu (VireoDomainCaps *self,
           xmlNodePtr       cpu)
{
  g_autoptr(GStrvBuilder) usable = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) unusable = g_strv_builder_new ();

  for (xmlNodePtr mode = cpu->children; mode != NULL; mode = mode->next)
    {
      g_autofree char *name = NULL;
      g_autofree char *key = NULL;
      gboolean supported;

      if (!is_element (mode, "mode"))
        continue;
      name = vireo_xml_get_prop (mode, "name");
      if (name == NULL)
        continue;
      key = g_strconcat ("cpu/", name, NULL);
      record (self, key, mode);
      supported = GPOINTER_TO_INT (g_hash_table_lookup (self->supported, key));

      if (g_str_equal (name, "host-model") && supported)
        {
          g_free (self->host_model);
          self->host_model = stripped_text (vireo_xml_child (mode, "model"));
        }
      else if (g_str_equal (name, "custom") && supported)
        {
          for (xmlNodePtr m = mode->children; m != NULL; m = m->next)
            {
              g_autofree char *model = NULL;
              g_autofree char *is_usable = NULL;

              if (!is_element (m, "model"))
                continue;
              model = stripped_text (m);
              if (model == NULL || *model == '\0')
                continue;
              /* 'unknown' (TCG on most targets) is offered: libvirt only
               * cannot tell, and refusing every model there would leave
               * nothing to choose. */
              is_usable = vireo_xml_get_prop (m, "usable");
              g_strv_builder_add (g_strcmp0 (is_usable, "no") == 0 ? unusable : usable, model);
            }
        }
    }

  g_strfreev (self->usable_models);
  g_strfreev (self->unusable_models);
  self->usable_models = g_strv_builder_end (usable);
  self->unusable_models = g_strv_builder_end (unusable);
}

static guint
parse_uint (const char *text)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &value, NULL))
    return 0;
  return (guint) value;
}

/**
 * vireo_domain_caps_new_from_xml:
 * @xml: what virConnectGetDomainCapabilities returned
 *
 * Returns: (transfer full): the capabilities, or %NULL with @error set
 *   when @xml is not a well-formed `<domainCapabilities>` document
 */
VireoDomainCaps *
vireo_domain_caps_new_from_xml (const char  *xml,
                                GError     **error)
{
  g_autoptr(VireoDomainCaps) self = NULL;
  xmlDocPtr doc;
  xmlNodePtr root;

  g_return_val_if_fail (xml != NULL, NULL);

  /* The last error is per thread and outlives its parse: without the reset
   * an empty document would report an earlier document's problem. */
  xmlResetLastError ();
  doc = vireo_xml_read (xml, "domcapabilities.xml");
  if (doc == NULL)
    {
      const xmlError *err = xmlGetLastError ();

      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_PARSE,
                   _("Not well-formed XML: %s"),
                   err != NULL && err->message != NULL ? g_strchomp (err->message) : _("empty document"));
      return NULL;
    }
  /* libvirt writes no DOCTYPE; one here could only declare entities. */
  if (doc->intSubset != NULL)
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("A <!DOCTYPE> is not accepted in domain capabilities"));
      return NULL;
    }
  root = xmlDocGetRootElement (doc);
  if (root == NULL || !is_element (root, "domainCapabilities"))
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("The document is not a <domainCapabilities> description"));
      return NULL;
    }

  self = g_object_new (VIREO_TYPE_DOMAIN_CAPS, NULL);
  self->path = stripped_text (vireo_xml_child (root, "path"));
  self->domain_type = stripped_text (vireo_xml_child (root, "domain"));
  self->machine = stripped_text (vireo_xml_child (root, "machine"));
  self->arch = stripped_text (vireo_xml_child (root, "arch"));
  {
    g_autofree char *max = vireo_xml_get_child_prop (root, "vcpu", "max");
    self->max_vcpus = parse_uint (max);
  }

  for (xmlNodePtr n = root->children; n != NULL; n = n->next)
    {
      if (is_element (n, "os"))
        parse_os (self, n);
      else if (is_element (n, "cpu"))
        parse_cpu (self, n);
      else if (is_element (n, "devices"))
        record_children (self, "devices", n);
      else if (is_element (n, "features"))
        record_children (self, "features", n);
    }

  xmlFreeDoc (doc);
  return g_steal_pointer (&self);
}

/* A copy of the list under @key, empty when libvirt did not report it. */
static char **
dup_list (VireoDomainCaps *self,
          const char      *key)
{
  const char * const *values = g_hash_table_lookup (self->enums, key);

  return values != NULL ? g_strdupv ((char **) values) : g_new0 (char *, 1);
}

static gboolean
list_contains (VireoDomainCaps *self,
               const char      *key,
               const char      *value)
{
  const char * const *values = g_hash_table_lookup (self->enums, key);

  return values != NULL && g_strv_contains (values, value);
}

static gboolean
is_supported (VireoDomainCaps *self,
              const char      *key)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (self->supported, key));
}

/* The emulator binary, e.g. "/usr/bin/qemu-system-x86_64". */
const char *
vireo_domain_caps_get_path (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  return self->path;
}

/* The virtualization type: "kvm", "qemu" (TCG), … */
const char *
vireo_domain_caps_get_domain_type (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  return self->domain_type;
}

/* The machine type with aliases expanded ("q35" comes back as
 * "pc-q35-7.2"); %NULL for drivers without machine types. */
const char *
vireo_domain_caps_get_machine (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  return self->machine;
}

const char *
vireo_domain_caps_get_arch (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  return self->arch;
}

/* 0 when not reported. */
guint
vireo_domain_caps_get_max_vcpus (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), 0);
  return self->max_vcpus;
}

gboolean
vireo_domain_caps_os_supported (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), FALSE);
  return is_supported (self, "os");
}

/**
 * vireo_domain_caps_dup_firmware_values:
 *
 * The values `<os firmware='…'>` auto-selection can satisfy. libvirt lists
 * only those with a firmware descriptor on the host: Debian 12 ships
 * descriptors for OVMF but none for SeaBIOS, so "bios" is missing there
 * although a domain without the attribute boots SeaBIOS fine.
 *
 * Returns: (transfer full): the values, empty when not reported
 */
char **
vireo_domain_caps_dup_firmware_values (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  return dup_list (self, "os/firmware");
}

/* Whether auto-selection can find @firmware ("efi", "bios") on this host. */
gboolean
vireo_domain_caps_supports_firmware (VireoDomainCaps *self,
                                     const char      *firmware)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), FALSE);
  g_return_val_if_fail (firmware != NULL, FALSE);
  return is_supported (self, "os") && list_contains (self, "os/firmware", firmware);
}

/* libvirt lists secure='yes' only when a descriptor offers a Secure Boot
 * build for this arch and machine type: on Debian 12 for q35, never for
 * i440fx. */
gboolean
vireo_domain_caps_supports_secure_boot (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), FALSE);
  return is_supported (self, "os/loader") && list_contains (self, "os/loader/secure", "yes");
}

gboolean
vireo_domain_caps_loader_supported (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), FALSE);
  return is_supported (self, "os/loader");
}

/**
 * vireo_domain_caps_dup_loader_values:
 *
 * Returns: (transfer full): the firmware binaries libvirt knows of for an
 *   explicit `<loader>`, empty when none
 */
char **
vireo_domain_caps_dup_loader_values (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  return self->loader_values != NULL ? g_strdupv (self->loader_values) : g_new0 (char *, 1);
}

/**
 * vireo_domain_caps_dup_loader_enum:
 * @name: "type", "readonly" or "secure"
 *
 * Returns: (transfer full): the values `<loader @name='…'>` accepts, empty
 *   when not reported
 */
char **
vireo_domain_caps_dup_loader_enum (VireoDomainCaps *self,
                                   const char      *name)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  key = g_strconcat ("os/loader/", name, NULL);
  return dup_list (self, key);
}

/* @mode: "host-passthrough", "maximum", "host-model" or "custom" */
gboolean
vireo_domain_caps_cpu_mode_supported (VireoDomainCaps *self,
                                      const char      *mode)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), FALSE);
  g_return_val_if_fail (mode != NULL, FALSE);

  key = g_strconcat ("cpu/", mode, NULL);
  return is_supported (self, key);
}

/* The named model host-model stands for here ("EPYC"), %NULL when
 * host-model is not supported. */
const char *
vireo_domain_caps_get_host_model (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  return self->host_model;
}

/**
 * vireo_domain_caps_dup_usable_cpu_models:
 *
 * Returns: (transfer full): the custom-mode models marked usable='yes' or
 *   'unknown', in libvirt's order; empty when custom mode is not supported
 */
char **
vireo_domain_caps_dup_usable_cpu_models (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  return self->usable_models != NULL ? g_strdupv (self->usable_models) : g_new0 (char *, 1);
}

/**
 * vireo_domain_caps_dup_unusable_cpu_models:
 *
 * Returns: (transfer full): the custom-mode models marked usable='no': the
 *   host cannot give them without dropping features
 */
char **
vireo_domain_caps_dup_unusable_cpu_models (VireoDomainCaps *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  return self->unusable_models != NULL ? g_strdupv (self->unusable_models) : g_new0 (char *, 1);
}

/* @device: an element name under <devices>: "disk", "tpm", "redirdev", … */
gboolean
vireo_domain_caps_device_supported (VireoDomainCaps *self,
                                    const char      *device)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), FALSE);
  g_return_val_if_fail (device != NULL, FALSE);

  key = g_strconcat ("devices/", device, NULL);
  return is_supported (self, key);
}

/* Whether <devices> has an element for @device at all. An absent one
 * says nothing (older libvirt lists fewer devices), where a present one
 * with supported='no' is a refusal; vireo_domain_caps_device_supported()
 * answers FALSE to both. */
gboolean
vireo_domain_caps_device_reported (VireoDomainCaps *self,
                                   const char      *device)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), FALSE);
  g_return_val_if_fail (device != NULL, FALSE);

  key = g_strconcat ("devices/", device, NULL);
  return g_hash_table_contains (self->supported, key);
}

/**
 * vireo_domain_caps_dup_enum:
 * @device: an element name under <devices>: "disk", "graphics", "tpm", …
 * @name: the enum's name: "bus", "type", "modelType", "backendVersion", …
 *
 * Returns: (transfer full): the values libvirt lists, empty when it lists
 *   none or does not report that enum
 */
char **
vireo_domain_caps_dup_enum (VireoDomainCaps *self,
                            const char      *device,
                            const char      *name)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  g_return_val_if_fail (device != NULL && name != NULL, NULL);

  key = g_strconcat ("devices/", device, "/", name, NULL);
  return dup_list (self, key);
}

/* @feature: an element name under <features>: "gic", "sev", "vmcoreinfo",
 * "genid", "backingStoreInput", "backup", … */
gboolean
vireo_domain_caps_feature_supported (VireoDomainCaps *self,
                                     const char      *feature)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), FALSE);
  g_return_val_if_fail (feature != NULL, FALSE);

  key = g_strconcat ("features/", feature, NULL);
  return is_supported (self, key);
}

/**
 * vireo_domain_caps_dup_feature_enum:
 * @feature: "gic", "hyperv", …
 * @name: "version", "features", …
 *
 * Returns: (transfer full): the values, empty when not reported
 */
char **
vireo_domain_caps_dup_feature_enum (VireoDomainCaps *self,
                                    const char      *feature,
                                    const char      *name)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CAPS (self), NULL);
  g_return_val_if_fail (feature != NULL && name != NULL, NULL);

  key = g_strconcat ("features/", feature, "/", name, NULL);
  return dup_list (self, key);
}
