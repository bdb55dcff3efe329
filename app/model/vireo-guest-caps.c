/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-guest-caps"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "vireo-domain-config.h"
#include "vireo-guest-caps.h"
#include "vireo-xml.h"

/*
 * What a host can run, from virConnectGetCapabilities: its arch and, per
 * <guest>, an OS type on an arch with its emulator, machine types and
 * virtualization types. It is what the New VM wizard offers under
 * "Architecture options"; what one combination can do in detail is
 * VireoDomainCaps (virConnectGetDomainCapabilities). The document is read
 * once into plain data and dropped; nothing changes afterwards, so the
 * object may be made on a worker and shared without a lock.
 *
 * Lookups by arch and virt type mean full virtualization (os_type 'hvm'),
 * the only kind the wizard makes, and follow libvirt's own
 * (virCapabilitiesDomainDataLookup): the first <guest> of that arch with
 * that <domain type>, whose own <emulator> and <machine> list, when it has
 * them, replace the arch's.
 *
 * Machine types are listed in the order a person picks from:
 *   1. aliases ("pc", "q35", "virt"), by name: the short names that follow
 *      QEMU's newest version, and what virt-install and the builder write;
 *   2. versioned types ("pc-q35-7.2", RHEL's "pc-q35-rhel8.6.0"), by
 *      family ("pc-i440fx" before "pc-q35"), newest first in each, version
 *      parts compared as numbers (2.12 before 2.9, 4.0.1 before 4.0);
 *   3. the rest (boards and one-offs: "isapc", "microvm", "raspi3b"), by
 *      name;
 *   4. deprecated ones, ordered the same way among themselves. They are
 *      kept rather than dropped: a machine defined years ago may still
 *      use one, and QEMU still runs them.
 */

struct _VireoGuestCaps
{
  GObject    parent_instance;

  /* Owned */
  char      *host_arch;
  GPtrArray *guests;      /* (element-type VireoCapsGuest) */
};

G_DEFINE_FINAL_TYPE (VireoGuestCaps, vireo_guest_caps, G_TYPE_OBJECT)

static void
caps_machine_free (VireoCapsMachine *machine)
{
  g_free (machine->name);
  g_free (machine->canonical);
  g_free (machine);
}

static void
caps_domain_free (VireoCapsDomain *domain)
{
  g_free (domain->type);
  g_free (domain->emulator);
  g_clear_pointer (&domain->machines, g_ptr_array_unref);
  g_free (domain);
}

static void
caps_guest_free (VireoCapsGuest *guest)
{
  g_free (guest->os_type);
  g_free (guest->arch);
  g_free (guest->emulator);
  g_clear_pointer (&guest->machines, g_ptr_array_unref);
  g_clear_pointer (&guest->domains, g_ptr_array_unref);
  g_free (guest);
}

static void
vireo_guest_caps_finalize (GObject *object)
{
  VireoGuestCaps *self = (VireoGuestCaps *) object;

  g_free (self->host_arch);
  g_clear_pointer (&self->guests, g_ptr_array_unref);

  G_OBJECT_CLASS (vireo_guest_caps_parent_class)->finalize (object);
}

static void
vireo_guest_caps_class_init (VireoGuestCapsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vireo_guest_caps_finalize;
}

static void
vireo_guest_caps_init (VireoGuestCaps *self)
{
  self->guests = g_ptr_array_new_with_free_func ((GDestroyNotify) caps_guest_free);
}

/* ------------------------------------------------------------------------ */
/* Parsing                                                                   */

static gboolean
is_element (xmlNodePtr  node,
            const char *name)
{
  return node->type == XML_ELEMENT_NODE && node->ns == NULL
         && xmlStrcmp (node->name, BAD_CAST name) == 0;
}

/* The text of @node with its blanks trimmed; %NULL for a missing node or
 * an empty text, so that "not said" has one spelling. */
static char *
stripped_text (xmlNodePtr node)
{
  char *text = vireo_xml_get_text (node);

  if (text == NULL)
    return NULL;
  g_strstrip (text);
  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static guint
parse_uint (const char *text)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &value, NULL))
    return 0;
  return (guint) value;
}

/* Every <machine> child of @parent, in document order. */
static GPtrArray *
parse_machines (xmlNodePtr parent)
{
  GPtrArray *machines = g_ptr_array_new_with_free_func ((GDestroyNotify) caps_machine_free);

  for (xmlNodePtr n = parent->children; n != NULL; n = n->next)
    {
      g_autofree char *name = NULL;
      g_autofree char *max_cpus = NULL;
      g_autofree char *deprecated = NULL;
      VireoCapsMachine *machine;

      if (!is_element (n, "machine") || (name = stripped_text (n)) == NULL)
        continue;
      max_cpus = vireo_xml_get_prop (n, "maxCpus");
      deprecated = vireo_xml_get_prop (n, "deprecated");

      machine = g_new0 (VireoCapsMachine, 1);
      machine->name = g_steal_pointer (&name);
      machine->canonical = vireo_xml_get_prop (n, "canonical");
      machine->max_cpus = parse_uint (max_cpus);
      machine->deprecated = g_strcmp0 (deprecated, "yes") == 0;
      g_ptr_array_add (machines, machine);
    }
  return machines;
}

static VireoCapsGuest *
parse_guest (xmlNodePtr node)
{
  g_autofree char *os_type = stripped_text (vireo_xml_child (node, "os_type"));
  xmlNodePtr arch_node = vireo_xml_child (node, "arch");
  g_autofree char *arch = NULL;
  g_autofree char *wordsize = NULL;
  VireoCapsGuest *guest;

  /* libvirt always writes both; a guest without them cannot be looked
   * up, so it is left out rather than half-kept. */
  if (os_type == NULL || arch_node == NULL
      || (arch = vireo_xml_get_prop (arch_node, "name")) == NULL || *arch == '\0')
    return NULL;

  guest = g_new0 (VireoCapsGuest, 1);
  guest->os_type = g_steal_pointer (&os_type);
  guest->arch = g_steal_pointer (&arch);
  wordsize = stripped_text (vireo_xml_child (arch_node, "wordsize"));
  guest->wordsize = parse_uint (wordsize);
  guest->emulator = stripped_text (vireo_xml_child (arch_node, "emulator"));
  guest->machines = parse_machines (arch_node);
  guest->domains = g_ptr_array_new_with_free_func ((GDestroyNotify) caps_domain_free);

  for (xmlNodePtr n = arch_node->children; n != NULL; n = n->next)
    {
      g_autofree char *type = NULL;
      VireoCapsDomain *domain;

      if (!is_element (n, "domain"))
        continue;
      type = vireo_xml_get_prop (n, "type");
      if (type == NULL || *type == '\0')
        continue;
      domain = g_new0 (VireoCapsDomain, 1);
      domain->type = g_steal_pointer (&type);
      domain->emulator = stripped_text (vireo_xml_child (n, "emulator"));
      domain->machines = parse_machines (n);
      g_ptr_array_add (guest->domains, domain);
    }
  return guest;
}

/**
 * vireo_guest_caps_new_from_xml:
 * @xml: what virConnectGetCapabilities returned
 *
 * Returns: (transfer full): the capabilities, or %NULL with @error set
 *   when @xml is not a well-formed `<capabilities>` document
 */
VireoGuestCaps *
vireo_guest_caps_new_from_xml (const char  *xml,
                               GError     **error)
{
  g_autoptr(VireoGuestCaps) self = NULL;
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlNodePtr host;

  g_return_val_if_fail (xml != NULL, NULL);

  /* The last error is per thread and outlives its parse: without the reset
   * an empty document would report an earlier document's problem. */
  xmlResetLastError ();
  doc = vireo_xml_read (xml, "capabilities.xml");
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
                           _("A <!DOCTYPE> is not accepted in host capabilities"));
      return NULL;
    }
  root = xmlDocGetRootElement (doc);
  if (root == NULL || !is_element (root, "capabilities"))
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("The document is not a <capabilities> description"));
      return NULL;
    }

  self = g_object_new (VIREO_TYPE_GUEST_CAPS, NULL);
  host = vireo_xml_child (root, "host");
  if (host != NULL)
    {
      xmlNodePtr cpu = vireo_xml_child (host, "cpu");

      if (cpu != NULL)
        self->host_arch = stripped_text (vireo_xml_child (cpu, "arch"));
    }

  for (xmlNodePtr n = root->children; n != NULL; n = n->next)
    {
      VireoCapsGuest *guest;

      if (is_element (n, "guest") && (guest = parse_guest (n)) != NULL)
        g_ptr_array_add (self->guests, guest);
    }

  xmlFreeDoc (doc);
  return g_steal_pointer (&self);
}

/* ------------------------------------------------------------------------ */
/* Machine order                                                             */

/* Where the version at the end of @name starts ("7.2" in "pc-q35-7.2",
 * "8.6.0" in RHEL's "pc-q35-rhel8.6.0"), or %NULL when it has none: after
 * the last '-' and any letters, numbers joined by dots to the end. */
static const char *
version_suffix (const char *name)
{
  const char *dash = strrchr (name, '-');
  const char *start;
  const char *p;

  if (dash == NULL || dash == name)
    return NULL;
  for (start = dash + 1; g_ascii_isalpha (*start); start++)
    ;
  p = start;
  for (;;)
    {
      if (!g_ascii_isdigit (*p))
        return NULL;
      while (g_ascii_isdigit (*p))
        p++;
      if (*p == '\0')
        return start;
      if (*p != '.')
        return NULL;
      p++;
    }
}

/* How long the family of a versioned name is: "pc-q35" of "pc-q35-7.2",
 * "pc-q35-rhel" of "pc-q35-rhel8.6.0". */
static gsize
family_length (const char *name,
               const char *version)
{
  gsize len = (gsize) (version - name);

  return name[len - 1] == '-' ? len - 1 : len;
}

/* Numbers part by part; a version that runs out first is the older one
 * ("4.0" < "4.0.1"). */
static int
compare_versions (const char *a,
                  const char *b)
{
  while (*a != '\0' || *b != '\0')
    {
      guint64 na, nb;
      char *end;

      if (*a == '\0')
        return -1;
      if (*b == '\0')
        return 1;
      na = g_ascii_strtoull (a, &end, 10);
      a = *end == '.' ? end + 1 : end;
      nb = g_ascii_strtoull (b, &end, 10);
      b = *end == '.' ? end + 1 : end;
      if (na != nb)
        return na < nb ? -1 : 1;
    }
  return 0;
}

enum {
  GROUP_ALIAS,
  GROUP_VERSIONED,
  GROUP_OTHER,
};

static int
machine_group (const VireoCapsMachine *machine,
               const char             *version)
{
  if (machine->canonical != NULL)
    return GROUP_ALIAS;
  return version != NULL ? GROUP_VERSIONED : GROUP_OTHER;
}

/* See the top of the file. */
static int
compare_machines (gconstpointer pa,
                  gconstpointer pb)
{
  const VireoCapsMachine *a = *(const VireoCapsMachine * const *) pa;
  const VireoCapsMachine *b = *(const VireoCapsMachine * const *) pb;
  const char *va = version_suffix (a->name);
  const char *vb = version_suffix (b->name);
  int group_a = machine_group (a, va);
  int group_b = machine_group (b, vb);

  if (a->deprecated != b->deprecated)
    return a->deprecated ? 1 : -1;
  if (group_a != group_b)
    return group_a < group_b ? -1 : 1;
  if (group_a == GROUP_VERSIONED)
    {
      gsize len_a = family_length (a->name, va);
      gsize len_b = family_length (b->name, vb);
      int cmp = strncmp (a->name, b->name, MIN (len_a, len_b));

      if (cmp == 0 && len_a != len_b)
        cmp = len_a < len_b ? -1 : 1;
      if (cmp != 0)
        return cmp;
      cmp = compare_versions (vb, va);
      if (cmp != 0)
        return cmp;
    }
  return strcmp (a->name, b->name);
}

/* ------------------------------------------------------------------------ */
/* Lookups                                                                   */

static gboolean
is_hvm_of (const VireoCapsGuest *guest,
           const char           *arch)
{
  return g_str_equal (guest->os_type, "hvm") && g_str_equal (guest->arch, arch);
}

static int
compare_strings (gconstpointer pa,
                 gconstpointer pb)
{
  return strcmp (*(const char * const *) pa, *(const char * const *) pb);
}

static int
compare_virt_types (gconstpointer pa,
                    gconstpointer pb)
{
  const char *a = *(const char * const *) pa;
  const char *b = *(const char * const *) pb;
  gboolean kvm_a = g_str_equal (a, "kvm");
  gboolean kvm_b = g_str_equal (b, "kvm");

  if (kvm_a != kvm_b)
    return kvm_a ? -1 : 1;
  return strcmp (a, b);
}

/* The virt types of @arch's hvm guests, each once: kvm (hardware
 * acceleration) first, then by name. Borrowed strings. */
static GPtrArray *
list_virt_types (VireoGuestCaps *self,
                 const char     *arch)
{
  GPtrArray *types = g_ptr_array_new ();

  for (guint i = 0; i < self->guests->len; i++)
    {
      VireoCapsGuest *guest = g_ptr_array_index (self->guests, i);

      if (!is_hvm_of (guest, arch))
        continue;
      for (guint j = 0; j < guest->domains->len; j++)
        {
          VireoCapsDomain *domain = g_ptr_array_index (guest->domains, j);

          if (!g_ptr_array_find_with_equal_func (types, domain->type, g_str_equal, NULL))
            g_ptr_array_add (types, domain->type);
        }
    }
  g_ptr_array_sort (types, compare_virt_types);
  return types;
}

/* The first hvm guest of @arch with a domain of @virttype (%NULL: the
 * first of list_virt_types()), as libvirt looks it up. */
static gboolean
lookup (VireoGuestCaps   *self,
        const char       *arch,
        const char       *virttype,
        VireoCapsGuest  **out_guest,
        VireoCapsDomain **out_domain)
{
  g_autoptr(GPtrArray) types = NULL;

  if (virttype == NULL)
    {
      types = list_virt_types (self, arch);
      if (types->len == 0)
        return FALSE;
      virttype = g_ptr_array_index (types, 0);
    }

  for (guint i = 0; i < self->guests->len; i++)
    {
      VireoCapsGuest *guest = g_ptr_array_index (self->guests, i);

      if (!is_hvm_of (guest, arch))
        continue;
      for (guint j = 0; j < guest->domains->len; j++)
        {
          VireoCapsDomain *domain = g_ptr_array_index (guest->domains, j);

          if (g_str_equal (domain->type, virttype))
            {
              *out_guest = guest;
              *out_domain = domain;
              return TRUE;
            }
        }
    }
  return FALSE;
}

/* The machine list that applies to @domain of @guest (borrowed). */
static GPtrArray *
machines_of (VireoCapsGuest  *guest,
             VireoCapsDomain *domain)
{
  return domain->machines->len > 0 ? domain->machines : guest->machines;
}

/**
 * vireo_guest_caps_get_host_arch:
 *
 * Returns: (nullable): the host's own arch ("x86_64"), as its CPU reports it
 */
const char *
vireo_guest_caps_get_host_arch (VireoGuestCaps *self)
{
  g_return_val_if_fail (VIREO_IS_GUEST_CAPS (self), NULL);
  return self->host_arch;
}

/**
 * vireo_guest_caps_get_guests:
 *
 * Every `<guest>` as libvirt listed it, whatever its OS type.
 *
 * Returns: (transfer none) (element-type VireoCapsGuest): the guests, not
 *   to be changed
 */
GPtrArray *
vireo_guest_caps_get_guests (VireoGuestCaps *self)
{
  g_return_val_if_fail (VIREO_IS_GUEST_CAPS (self), NULL);
  return self->guests;
}

/**
 * vireo_guest_caps_dup_arches:
 *
 * The arches the host can run fully virtualized guests of: the host's own
 * first (the one that can be fast), then the others by name.
 *
 * Returns: (transfer full): the arches, each once; empty for a driver
 *   without hvm guests (LXC, for one)
 */
char **
vireo_guest_caps_dup_arches (VireoGuestCaps *self)
{
  g_autoptr(GPtrArray) arches = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  gboolean has_host = FALSE;

  g_return_val_if_fail (VIREO_IS_GUEST_CAPS (self), NULL);

  arches = g_ptr_array_new ();
  for (guint i = 0; i < self->guests->len; i++)
    {
      VireoCapsGuest *guest = g_ptr_array_index (self->guests, i);

      if (!g_str_equal (guest->os_type, "hvm")
          || g_ptr_array_find_with_equal_func (arches, guest->arch, g_str_equal, NULL))
        continue;
      if (g_strcmp0 (guest->arch, self->host_arch) == 0)
        has_host = TRUE;
      else
        g_ptr_array_add (arches, guest->arch);
    }
  g_ptr_array_sort (arches, compare_strings);

  builder = g_strv_builder_new ();
  if (has_host)
    g_strv_builder_add (builder, self->host_arch);
  for (guint i = 0; i < arches->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (arches, i));
  return g_strv_builder_end (builder);
}

/**
 * vireo_guest_caps_dup_virt_types:
 * @arch: "x86_64", …
 *
 * The virtualization types for fully virtualized @arch guests: "kvm"
 * (hardware acceleration) first when the host has it, then the others by
 * name ("qemu" is TCG, plain emulation).
 *
 * Returns: (transfer full): the types, empty when @arch is not offered
 */
char **
vireo_guest_caps_dup_virt_types (VireoGuestCaps *self,
                                 const char     *arch)
{
  g_autoptr(GPtrArray) types = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;

  g_return_val_if_fail (VIREO_IS_GUEST_CAPS (self), NULL);
  g_return_val_if_fail (arch != NULL, NULL);

  types = list_virt_types (self, arch);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < types->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (types, i));
  return g_strv_builder_end (builder);
}

/**
 * vireo_guest_caps_dup_machines:
 * @arch: "x86_64", …
 * @virttype: (nullable): "kvm", "qemu", …; %NULL for the first of
 *   vireo_guest_caps_dup_virt_types()
 *
 * The machine types for this arch and virt type, in the order explained at
 * the top of this file: aliases, versioned types newest first, the rest,
 * deprecated ones last.
 *
 * Returns: (transfer full): the names, empty when the combination is not
 *   offered or the driver has no machine types (the test driver)
 */
char **
vireo_guest_caps_dup_machines (VireoGuestCaps *self,
                               const char     *arch,
                               const char     *virttype)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GHashTable) seen = NULL;
  VireoCapsGuest *guest;
  VireoCapsDomain *domain;

  g_return_val_if_fail (VIREO_IS_GUEST_CAPS (self), NULL);
  g_return_val_if_fail (arch != NULL, NULL);

  builder = g_strv_builder_new ();
  if (!lookup (self, arch, virttype, &guest, &domain))
    return g_strv_builder_end (builder);

  /* A shallow copy keeps the original's free function: drop it, the
   * entries stay the caps'. */
  sorted = g_ptr_array_copy (machines_of (guest, domain), NULL, NULL);
  g_ptr_array_set_free_func (sorted, NULL);
  g_ptr_array_sort (sorted, compare_machines);
  /* libvirt never lists a name twice; a list that did would offer it once. */
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < sorted->len; i++)
    {
      const VireoCapsMachine *machine = g_ptr_array_index (sorted, i);

      if (g_hash_table_add (seen, machine->name))
        g_strv_builder_add (builder, machine->name);
    }
  return g_strv_builder_end (builder);
}

/**
 * vireo_guest_caps_get_emulator:
 * @arch: "x86_64", …
 * @virttype: (nullable): as for vireo_guest_caps_dup_machines()
 *
 * Returns: (nullable): the emulator binary libvirt runs for this
 *   combination ("/usr/bin/qemu-system-x86_64"), %NULL when it is not
 *   offered
 */
const char *
vireo_guest_caps_get_emulator (VireoGuestCaps *self,
                               const char     *arch,
                               const char     *virttype)
{
  VireoCapsGuest *guest;
  VireoCapsDomain *domain;

  g_return_val_if_fail (VIREO_IS_GUEST_CAPS (self), NULL);
  g_return_val_if_fail (arch != NULL, NULL);

  if (!lookup (self, arch, virttype, &guest, &domain))
    return NULL;
  return domain->emulator != NULL ? domain->emulator : guest->emulator;
}

/**
 * vireo_guest_caps_lookup_machine:
 * @arch: "x86_64", …
 * @virttype: (nullable): as for vireo_guest_caps_dup_machines()
 * @machine: a machine type's name, alias or not
 *
 * Returns: (transfer none) (nullable): the entry named @machine (its CPU
 *   limit, whether it is deprecated, what it is an alias of), %NULL when
 *   this combination does not offer it
 */
const VireoCapsMachine *
vireo_guest_caps_lookup_machine (VireoGuestCaps *self,
                                 const char     *arch,
                                 const char     *virttype,
                                 const char     *machine)
{
  VireoCapsGuest *guest;
  VireoCapsDomain *domain;
  GPtrArray *machines;

  g_return_val_if_fail (VIREO_IS_GUEST_CAPS (self), NULL);
  g_return_val_if_fail (arch != NULL, NULL);
  g_return_val_if_fail (machine != NULL, NULL);

  if (!lookup (self, arch, virttype, &guest, &domain))
    return NULL;
  machines = machines_of (guest, domain);
  for (guint i = 0; i < machines->len; i++)
    {
      const VireoCapsMachine *entry = g_ptr_array_index (machines, i);

      if (g_str_equal (entry->name, machine))
        return entry;
    }
  return NULL;
}

/**
 * vireo_guest_caps_dup_canonical_machine:
 * @arch: "x86_64", …
 * @virttype: (nullable): as for vireo_guest_caps_dup_machines()
 * @machine: a machine type's name, alias or not
 *
 * What libvirt will write in a definition for @machine: "q35" becomes
 * "pc-q35-7.2" on QEMU 7.2; a name that is no alias stays itself.
 *
 * Returns: (transfer full) (nullable): the canonical name, %NULL when this
 *   combination does not offer @machine
 */
char *
vireo_guest_caps_dup_canonical_machine (VireoGuestCaps *self,
                                        const char     *arch,
                                        const char     *virttype,
                                        const char     *machine)
{
  const VireoCapsMachine *entry;

  g_return_val_if_fail (VIREO_IS_GUEST_CAPS (self), NULL);
  g_return_val_if_fail (arch != NULL, NULL);
  g_return_val_if_fail (machine != NULL, NULL);

  entry = vireo_guest_caps_lookup_machine (self, arch, virttype, machine);
  if (entry == NULL)
    return NULL;
  return g_strdup (entry->canonical != NULL ? entry->canonical : entry->name);
}
