/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "vireo-disk.h"
#include "vireo-domain-config.h"

/*
 * Every fixture in tests/data/domains is a domain as `virsh dumpxml
 * --inactive` prints it. The model promises that whatever it does not edit
 * comes back as it was read. libxml2 rewrites attribute quotes, so "as it
 * was" means: to_xml is a fixpoint, and its canonical form (C14N 1.0 with
 * comments) is the input's.
 */

static char *
load (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "domains", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* Parsed with the model's own options: blanks kept, no network. */
static xmlDocPtr
parse (const char *xml)
{
  xmlDocPtr doc = xmlReadMemory (xml, (int) strlen (xml), "test.xml", NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

  if (doc == NULL)
    g_error ("not well-formed:\n%s", xml);
  return doc;
}

static xmlNodePtr
child_element (xmlNodePtr  parent,
               const char *name)
{
  for (xmlNodePtr n = parent->children; n != NULL; n = n->next)
    if (n->type == XML_ELEMENT_NODE && n->ns == NULL && xmlStrcmp (n->name, BAD_CAST name) == 0)
      return n;
  return NULL;
}

static char *
c14n_doc (xmlDocPtr doc)
{
  xmlChar *out = NULL;
  char *ret;
  int len;

  len = xmlC14NDocDumpMemory (doc, NULL, XML_C14N_1_0, NULL, 1, &out);
  g_assert_cmpint (len, >=, 0);
  ret = g_strdup ((const char *) out);
  xmlFree (out);
  return ret;
}

static char *
c14n (const char *xml)
{
  xmlDocPtr doc = parse (xml);
  char *ret = c14n_doc (doc);

  xmlFreeDoc (doc);
  return ret;
}

/* The canonical form with the domain's own @element taken out, together with
 * the line break before it: what must be left alone by an edit of @element. */
static char *
c14n_without (const char *xml,
              const char *element)
{
  xmlDocPtr doc = parse (xml);
  xmlNodePtr node = child_element (xmlDocGetRootElement (doc), element);
  char *ret;

  if (node != NULL)
    {
      xmlNodePtr ws = node->prev;

      if (ws != NULL && ws->type == XML_TEXT_NODE && xmlIsBlankNode (ws))
        {
          xmlUnlinkNode (ws);
          xmlFreeNode (ws);
        }
      xmlUnlinkNode (node);
      xmlFreeNode (node);
    }
  ret = c14n_doc (doc);
  xmlFreeDoc (doc);
  return ret;
}

/* Element children of <devices> in no namespace: what list_devices shows. */
static guint
count_device_elements (const char *xml)
{
  xmlDocPtr doc = parse (xml);
  xmlNodePtr devices = child_element (xmlDocGetRootElement (doc), "devices");
  guint count = 0;

  for (xmlNodePtr n = devices != NULL ? devices->children : NULL; n != NULL; n = n->next)
    if (n->type == XML_ELEMENT_NODE && n->ns == NULL)
      count++;
  xmlFreeDoc (doc);
  return count;
}

static VireoDomainConfig *
open_fixture (const char  *name,
              char       **xml_out)
{
  g_autofree char *xml = load (name);
  g_autoptr(GError) error = NULL;
  VireoDomainConfig *config = vireo_domain_config_new_from_xml (xml, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  if (xml_out != NULL)
    *xml_out = g_steal_pointer (&xml);
  return config;
}

/* parse -> to_xml -> parse -> to_xml is a fixpoint, and C14N(input) ==
 * C14N(output). */
static void
test_fixpoint (gconstpointer data)
{
  const char *name = data;
  g_autofree char *input = NULL;
  g_autoptr(VireoDomainConfig) config = open_fixture (name, &input);
  g_autofree char *once = vireo_domain_config_to_xml (config);
  g_autoptr(VireoDomainConfig) again = vireo_domain_config_new_from_xml (once, NULL);
  g_autofree char *twice = NULL;
  g_autofree char *c14n_in = c14n (input);
  g_autofree char *c14n_out = c14n (once);

  g_assert_nonnull (again);
  twice = vireo_domain_config_to_xml (again);
  g_assert_cmpstr (twice, ==, once);
  g_assert_cmpstr (c14n_out, ==, c14n_in);
}

/* One device object per element of <devices>, and a device's own text put
 * back through set_xml changes nothing at all. */
static void
test_devices (gconstpointer data)
{
  const char *name = data;
  g_autofree char *input = NULL;
  g_autoptr(VireoDomainConfig) config = open_fixture (name, &input);
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autoptr(GPtrArray) disks = vireo_domain_config_list_disks (config);
  g_autofree char *original = vireo_domain_config_to_xml (config);
  g_autofree char *original_c14n = c14n (original);
  guint n = g_list_model_get_n_items (devices);
  guint n_disks = 0;

  g_assert_cmpuint (n, ==, count_device_elements (input));
  g_assert_cmpuint (n, >, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *text = vireo_device_to_xml (device);
      g_autofree char *title = vireo_device_dup_title (device);
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;
      g_autofree char *after_c14n = NULL;

      g_assert_true (vireo_device_get_attached (device));
      g_assert_true (vireo_device_get_config (device) == config);
      g_assert_nonnull (title);
      g_assert_nonnull (text);
      if (VIREO_IS_DISK (device))
        n_disks++;

      g_assert_true (vireo_device_set_xml (device, text, &error));
      g_assert_no_error (error);

      after = vireo_domain_config_to_xml (config);
      after_c14n = c14n (after);
      if (g_strcmp0 (after, original) != 0)
        g_error ("%s: device %u (%s) put back as\n%s\nchanged the document to\n%s",
                 name, i, title, text, after);
      g_assert_cmpstr (after_c14n, ==, original_c14n);

      /* Still the same node's view, reading the same text. */
      {
        g_autofree char *again = vireo_device_to_xml (device);
        g_assert_cmpstr (again, ==, text);
      }
    }

  g_assert_cmpuint (n_disks, ==, disks->len);
}

/* A copy is equal and independent. */
static void
test_copy (gconstpointer data)
{
  const char *name = data;
  g_autoptr(VireoDomainConfig) config = open_fixture (name, NULL);
  g_autoptr(VireoDomainConfig) copy = vireo_domain_config_copy (config);
  g_autofree char *original = vireo_domain_config_to_xml (config);
  g_autofree char *copied = NULL;
  g_autofree char *after = NULL;

  g_assert_nonnull (copy);
  g_assert_true (copy != config);
  copied = vireo_domain_config_to_xml (copy);
  g_assert_cmpstr (copied, ==, original);
  g_assert_cmpstr (vireo_domain_config_get_name (copy), ==, vireo_domain_config_get_name (config));
  g_assert_cmpstr (vireo_domain_config_get_uuid (copy), ==, vireo_domain_config_get_uuid (config));

  vireo_domain_config_set_title (copy, "Edited in the copy only");
  after = vireo_domain_config_to_xml (config);
  g_assert_cmpstr (after, ==, original);
}

/* Editing a top-level text element (<title>, <description>) changes that
 * element and nothing else, and putting the old value back restores every
 * byte. */
static void
check_text_edit (const char *name,
                 const char *element,
                 void      (*set) (VireoDomainConfig *, const char *),
                 const char *(*get) (VireoDomainConfig *),
                 const char *value,
                 const char *escaped)
{
  g_autoptr(VireoDomainConfig) config = open_fixture (name, NULL);
  g_autofree char *original = vireo_domain_config_to_xml (config);
  g_autofree char *old_value = g_strdup (get (config));
  g_autofree char *edited = NULL;
  g_autofree char *restored = NULL;
  g_autofree char *rest_before = c14n_without (original, element);
  g_autofree char *rest_after = NULL;
  g_autofree char *want = g_strdup_printf ("<%s>%s</%s>", element, escaped, element);

  set (config, value);
  edited = vireo_domain_config_to_xml (config);
  rest_after = c14n_without (edited, element);
  g_assert_cmpstr (get (config), ==, value);
  if (strstr (edited, want) == NULL)
    g_error ("%s: no %s in\n%s", name, want, edited);
  g_assert_cmpstr (rest_after, ==, rest_before);

  set (config, old_value);
  restored = vireo_domain_config_to_xml (config);
  g_assert_cmpstr (restored, ==, original);
  g_assert_cmpstr (get (config), ==, old_value);
}

static void
test_title (gconstpointer data)
{
  check_text_edit (data, "title",
                   vireo_domain_config_set_title, vireo_domain_config_get_title,
                   "Edited by <Vireo> & co", "Edited by &lt;Vireo&gt; &amp; co");
}

static void
test_description (gconstpointer data)
{
  check_text_edit (data, "description",
                   vireo_domain_config_set_description, vireo_domain_config_get_description,
                   "Two lines\nof \"notes\"", "Two lines\nof \"notes\"");
}

/* Every disk: a new cache mode shows, the old one (or none) put back gives
 * the original document byte for byte. */
static void
test_disk_cache (gconstpointer data)
{
  const char *name = data;
  g_autoptr(VireoDomainConfig) config = open_fixture (name, NULL);
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autofree char *original = vireo_domain_config_to_xml (config);
  guint n = g_list_model_get_n_items (devices);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *old_cache = NULL;
      g_autofree char *now = NULL;
      g_autofree char *edited = NULL;
      g_autofree char *restored = NULL;
      const char *cache;

      if (!VIREO_IS_DISK (device))
        continue;
      old_cache = vireo_disk_dup_cache (VIREO_DISK (device));
      cache = g_strcmp0 (old_cache, "none") == 0 ? "writeback" : "none";

      vireo_disk_set_cache (VIREO_DISK (device), cache);
      now = vireo_disk_dup_cache (VIREO_DISK (device));
      g_assert_cmpstr (now, ==, cache);
      edited = vireo_domain_config_to_xml (config);
      g_assert_cmpstr (edited, !=, original);

      vireo_disk_set_cache (VIREO_DISK (device), old_cache);
      restored = vireo_domain_config_to_xml (config);
      if (g_strcmp0 (restored, original) != 0)
        g_error ("%s: disk %u cache %s -> %s -> back left\n%s", name, i,
                 old_cache ? old_cache : "(none)", cache, restored);
    }
}

/* Memory and vCPUs changed and changed back: the original bytes. */
static void
test_memory_vcpus (gconstpointer data)
{
  const char *name = data;
  g_autoptr(VireoDomainConfig) config = open_fixture (name, NULL);
  g_autofree char *original = vireo_domain_config_to_xml (config);
  guint64 memory = vireo_domain_config_get_memory_kib (config);
  guint64 current = vireo_domain_config_get_current_memory_kib (config);
  guint vcpus = vireo_domain_config_get_vcpus (config);
  guint vcpus_max = vireo_domain_config_get_vcpus_max (config);
  g_autofree char *restored = NULL;

  g_assert_cmpuint (memory, >, 0);
  g_assert_cmpuint (current, <=, memory);
  g_assert_cmpuint (vcpus, <=, vcpus_max);

  vireo_domain_config_set_memory_kib (config, memory * 2, current);
  g_assert_cmpuint (vireo_domain_config_get_memory_kib (config), ==, memory * 2);
  vireo_domain_config_set_vcpus (config, 1, vcpus_max + 1);
  g_assert_cmpuint (vireo_domain_config_get_vcpus (config), ==, 1);
  g_assert_cmpuint (vireo_domain_config_get_vcpus_max (config), ==, vcpus_max + 1);

  vireo_domain_config_set_memory_kib (config, memory, current);
  vireo_domain_config_set_vcpus (config, vcpus, vcpus_max);
  restored = vireo_domain_config_to_xml (config);
  g_assert_cmpstr (restored, ==, original);
}

static GPtrArray *
list_fixtures (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "domains", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, &error);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  g_assert_no_error (error);
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (entry, ".xml"))
      g_ptr_array_add (names, g_strdup (entry));
  /* The brief for the fixtures: a wide range, at least ten. */
  g_assert_cmpuint (names->len, >=, 10);
  return names;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  static const struct {
    const char *what;
    GTestDataFunc func;
  } checks[] = {
    { "fixpoint", test_fixpoint },
    { "devices", test_devices },
    { "copy", test_copy },
    { "title", test_title },
    { "description", test_description },
    { "disk-cache", test_disk_cache },
    { "memory-vcpus", test_memory_vcpus },
  };
  g_autoptr(GPtrArray) fixtures = NULL;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  fixtures = list_fixtures ();
  g_ptr_array_sort (fixtures, compare_names);
  for (guint i = 0; i < fixtures->len; i++)
    for (guint c = 0; c < G_N_ELEMENTS (checks); c++)
      {
        const char *name = fixtures->pdata[i];
        g_autofree char *base = g_strndup (name, strlen (name) - strlen (".xml"));
        g_autofree char *path = g_strdup_printf ("/model/roundtrip/%s/%s", base, checks[c].what);

        g_test_add_data_func (path, name, checks[c].func);
      }

  return g_test_run ();
}
