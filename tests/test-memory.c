/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-memory.h"
#include "vireo-test-model.h"

/* Sharing on a machine without <memoryBacking>: memfd and shared access
 * where libvirt writes them, nothing else; off again: the document as it
 * was. */
static void
test_shared_on_off (void)
{
  g_autoptr(VireoDomainConfig) config = open_fixture ("windows11.xml");
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);
  g_assert_false (vireo_memory_get_shared (config));
  g_assert_true (vireo_memory_set_shared (config, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (vireo_memory_get_shared (config));
  g_assert_cmpuint (changed, ==, 1);
  after = vireo_domain_config_to_xml (config);
  g_assert_nonnull (strstr (after, "  <memoryBacking>\n"
                                   "    <source type=\"memfd\"/>\n"
                                   "    <access mode=\"shared\"/>\n"
                                   "  </memoryBacking>\n"));
  /* Between the memory sizes and the vCPUs, as libvirt orders them. */
  g_assert_true (strstr (after, "<currentMemory") < strstr (after, "<memoryBacking>"));
  g_assert_true (strstr (after, "<memoryBacking>") < strstr (after, "<vcpu"));

  g_assert_true (vireo_memory_set_shared (config, TRUE, &error));
  g_assert_cmpuint (changed, ==, 1);

  g_assert_true (vireo_memory_set_shared (config, FALSE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_free);
  after = vireo_domain_config_to_xml (config);
  /* The memfd source stays behind only with access: both were Vireo's,
   * so the element goes whole. */
  g_assert_null (strstr (after, "<access"));
  g_assert_nonnull (strstr (after, "<source type=\"memfd\"/>"));
}

/* Hugepages are the user's: sharing joins them, unsharing leaves them. */
static void
test_shared_keeps_hugepages (void)
{
  g_autoptr(VireoDomainConfig) config = open_fixture ("hostdev-passthrough.xml");
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_memory_set_shared (config, TRUE, &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char *[]) {
    "    <locked/>\n  </memoryBacking>",
    "    <locked/>\n    <source type=\"memfd\"/>\n    <access mode=\"shared\"/>\n  </memoryBacking>",
    NULL });
  g_assert_true (vireo_memory_set_shared (config, FALSE, &error));
  after = vireo_domain_config_to_xml (config);
  g_assert_nonnull (strstr (after, "<hugepages>"));
  g_assert_nonnull (strstr (after, "<locked/>"));
  g_assert_null (strstr (after, "<access"));
}

/* virtiofs holds the memory shared, and says why. */
static void
test_virtiofs_needs_shared (void)
{
  g_autoptr(VireoDomainConfig) config = open_fixture ("virtiofs-shared-memory.xml");
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_memory_get_shared (config));
  g_assert_false (vireo_memory_needs_shared (config));
  g_assert_false (vireo_memory_set_shared (config, FALSE, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "virtiofs"));
  after = vireo_domain_config_to_xml (config);
  g_assert_cmpstr (after, ==, before);

  /* A virtiofs share without shared memory is the state to fix. */
  {
    g_autoptr(VireoDomainConfig) bare = open_fixture ("windows11.xml");

    g_clear_error (&error);
    g_assert_nonnull (vireo_domain_config_add_device (bare,
                                                      "<filesystem type='mount' accessmode='passthrough'>"
                                                      "<driver type='virtiofs'/><source dir='/srv'/>"
                                                      "<target dir='srv'/></filesystem>", &error));
    g_assert_no_error (error);
    g_assert_true (vireo_memory_needs_shared (bare));
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memory/shared/on-off", test_shared_on_off);
  g_test_add_func ("/memory/shared/keeps-hugepages", test_shared_keeps_hugepages);
  g_test_add_func ("/memory/shared/virtiofs", test_virtiofs_needs_shared);
  return g_test_run ();
}
