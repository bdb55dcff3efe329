/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-cpu.h"
#include "vireo-domain-config.h"
#include "vireo-test-model.h"

/*
 * CPU topology, model and mode. Each edit is checked against the whole
 * document: features, NUMA cells and unknown content must come through.
 */


static const char custom_xml[] =
  "<domain type='kvm'>\n"
  "  <name>cpu-test</name>\n"
  "  <vcpu placement='static'>4</vcpu>\n"
  "  <os>\n"
  "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n"
  "  </os>\n"
  "  <features>\n"
  "    <acpi/>\n"
  "  </features>\n"
  "  <cpu mode='custom' match='exact' check='partial'>\n"
  "    <model fallback='forbid'>Skylake-Client</model>\n"
  "    <vendor>Intel</vendor>\n"
  "    <topology sockets='1' cores='4' threads='1'/>\n"
  "    <cache level='3' mode='emulate'/>\n"
  "    <feature policy='require' name='vmx'/>\n"
  "    <feature policy='disable' name='hle'/>\n"
  "    <vt:tuning xmlns:vt='urn:vireo:test' knob='11'/>\n"
  "    <numa>\n"
  "      <cell id='0' cpus='0-3' memory='1048576' unit='KiB'/>\n"
  "    </numa>\n"
  "  </cpu>\n"
  "  <clock offset='utc'/>\n"
  "</domain>\n";

static const char bare_xml[] =
  "<domain type='kvm'>\n"
  "  <name>bare</name>\n"
  "  <vcpu placement='static'>2</vcpu>\n"
  "  <os>\n"
  "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n"
  "  </os>\n"
  "  <features>\n"
  "    <acpi/>\n"
  "  </features>\n"
  "  <clock offset='utc'/>\n"
  "</domain>\n";

static void
test_topology_read (void)
{
  g_autoptr(VireoDomainConfig) numa = open_fixture ("numa-pinned.xml");
  g_autoptr(VireoDomainConfig) bare = open_inline (bare_xml);
  g_autoptr(VireoDomainConfig) custom = open_inline (custom_xml);
  VireoCpuTopology t;

  g_assert_true (vireo_cpu_get_topology (numa, &t));
  g_assert_cmpuint (t.sockets, ==, 2);
  g_assert_cmpuint (t.dies, ==, 1);
  g_assert_cmpuint (t.cores, ==, 2);
  g_assert_cmpuint (t.threads, ==, 2);

  /* No dies attribute: one die per socket. */
  g_assert_true (vireo_cpu_get_topology (custom, &t));
  g_assert_cmpuint (t.sockets, ==, 1);
  g_assert_cmpuint (t.dies, ==, 1);
  g_assert_cmpuint (t.cores, ==, 4);

  /* No topology: libvirt gives one socket per vCPU. */
  g_assert_false (vireo_cpu_get_topology (bare, &t));
  g_assert_cmpuint (t.sockets, ==, 2);
  g_assert_cmpuint (t.cores, ==, 1);
  g_assert_cmpuint (t.threads, ==, 1);

  /* When the vCPU maximum changes, does the topology still fit? */
  g_assert_true (vireo_cpu_topology_fits (numa, 8));
  g_assert_false (vireo_cpu_topology_fits (numa, 6));
  g_assert_true (vireo_cpu_topology_fits (bare, 6));
}

static void
test_topology_validate (void)
{
  g_autoptr(GError) error = NULL;
  VireoCpuTopology t = { 2, 1, 2, 1 };
  VireoCpuTopology big = { 65536, 65536, 2, 1 };
  VireoCpuTopology zero = { 1, 1, 0, 1 };

  g_assert_true (vireo_cpu_topology_validate (&t, 4, &error));
  g_assert_no_error (error);

  /* The error gives the product and what it should have been. */
  g_assert_false (vireo_cpu_topology_validate (&t, 6, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "CPU topology: sockets × dies × cores × threads = 2 × 1 × 2 × 1 = 4, "
                   "but the maximum vCPU count is 6. The two must be equal.");
  g_clear_error (&error);

  /* A product past 32 bits is not taken for a small one. */
  g_assert_false (vireo_cpu_topology_validate (&big, 0, &error));
  g_assert_nonnull (strstr (error->message, "= 8589934592,"));
  g_clear_error (&error);

  /* A zero names its field. */
  g_assert_false (vireo_cpu_topology_validate (&zero, 0, &error));
  g_assert_cmpstr (error->message, ==, "CPU topology: cores per die must be at least 1.");
  g_clear_error (&error);

  vireo_cpu_topology_suggest (6, &t);
  g_assert_cmpuint (t.sockets, ==, 1);
  g_assert_cmpuint (t.dies, ==, 1);
  g_assert_cmpuint (t.cores, ==, 6);
  g_assert_cmpuint (t.threads, ==, 1);
  g_assert_true (vireo_cpu_topology_validate (&t, 6, NULL));
}

static void
test_topology_edits (void)
{
  g_autoptr(VireoDomainConfig) numa = open_fixture ("numa-pinned.xml");
  g_autoptr(VireoDomainConfig) custom = open_inline (custom_xml);
  g_autoptr(VireoDomainConfig) bare = open_inline (bare_xml);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  guint changed = 0;

  /* dies is written: it is in the document already. */
  before = vireo_domain_config_to_xml (numa);
  g_assert_true (vireo_cpu_set_topology (numa, &(VireoCpuTopology) { 1, 1, 4, 2 }, &error));
  g_assert_no_error (error);
  assert_edit (numa, before, (const char *[]) {
    "<topology sockets=\"2\" dies=\"1\" cores=\"2\" threads=\"2\"/>",
    "<topology sockets=\"1\" dies=\"1\" cores=\"4\" threads=\"2\"/>",
    NULL });

  /* A topology that does not multiply to the vCPUs is refused whole. */
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (numa);
  g_assert_false (vireo_cpu_set_topology (numa, &(VireoCpuTopology) { 1, 1, 4, 1 }, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "= 4, but the maximum vCPU count is 8"));
  g_clear_error (&error);
  assert_edit (numa, before, (const char *[]) { NULL });

  /* dies absent and 1: stays absent; one count changes, one attribute. */
  g_signal_connect (custom, "changed", G_CALLBACK (on_changed), &changed);
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (custom);
  g_assert_true (vireo_cpu_set_topology (custom, &(VireoCpuTopology) { 2, 1, 2, 1 }, &error));
  assert_edit (custom, before, (const char *[]) {
    "<topology sockets=\"1\" cores=\"4\" threads=\"1\"/>",
    "<topology sockets=\"2\" cores=\"2\" threads=\"1\"/>",
    NULL });
  g_assert_cmpuint (changed, ==, 1);
  g_assert_true (vireo_cpu_set_topology (custom, &(VireoCpuTopology) { 2, 1, 2, 1 }, &error));
  g_assert_cmpuint (changed, ==, 1);

  /* dies other than 1 is written. */
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (custom);
  g_assert_true (vireo_cpu_set_topology (custom, &(VireoCpuTopology) { 1, 2, 2, 1 }, &error));
  assert_edit (custom, before, (const char *[]) {
    "<topology sockets=\"2\" cores=\"2\" threads=\"1\"/>",
    "<topology sockets=\"1\" cores=\"2\" threads=\"1\" dies=\"2\"/>",
    NULL });

  /* No <cpu> at all: one appears where libvirt writes it, holding only
   * the topology; taking the topology away takes it away again. */
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (bare);
  g_assert_true (vireo_cpu_set_topology (bare, &(VireoCpuTopology) { 1, 1, 2, 1 }, &error));
  assert_edit (bare, before, (const char *[]) {
    "  </features>\n",
    "  </features>\n"
    "  <cpu>\n"
    "    <topology sockets=\"1\" cores=\"2\" threads=\"1\"/>\n"
    "  </cpu>\n",
    NULL });
  g_assert_true (vireo_cpu_set_topology (bare, NULL, &error));
  assert_edit (bare, before, (const char *[]) { NULL });
}

static void
test_model (void)
{
  g_autoptr(VireoDomainConfig) qemu = open_fixture ("qemu-namespace.xml");
  g_autoptr(VireoDomainConfig) passthrough = open_fixture ("hostdev-passthrough.xml");
  g_autoptr(VireoDomainConfig) bare = open_inline (bare_xml);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;

  {
    g_autofree char *model = vireo_cpu_dup_model (qemu);
    g_autofree char *none = vireo_cpu_dup_model (passthrough);

    g_assert_cmpstr (model, ==, "Skylake-Client-IBRS");
    g_assert_null (none);
  }

  /* Another model: its name changes and the vendor goes (the new model
   * could be another vendor's); fallback, match, check and the features
   * stay. */
  before = vireo_domain_config_to_xml (qemu);
  g_assert_true (vireo_cpu_set_model (qemu, "Skylake-Client", &error));
  g_assert_no_error (error);
  assert_edit (qemu, before, (const char *[]) {
    "<model fallback=\"forbid\">Skylake-Client-IBRS</model>\n    <vendor>Intel</vendor>\n",
    "<model fallback=\"forbid\">Skylake-Client</model>\n",
    NULL });

  /* From host-passthrough: custom with match, a model first; migratable
   * and the passed-through cache go, as libvirt refuses them in custom;
   * topology and features stay. */
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (passthrough);
  g_assert_true (vireo_cpu_set_model (passthrough, "EPYC-Rome", &error));
  assert_edit (passthrough, before, (const char *[]) {
    "  <cpu mode=\"host-passthrough\" check=\"none\" migratable=\"off\">\n"
    "    <topology sockets=\"1\" dies=\"1\" cores=\"4\" threads=\"2\"/>\n"
    "    <cache mode=\"passthrough\"/>\n"
    "    <feature policy=\"require\" name=\"topoext\"/>\n",
    "  <cpu mode=\"custom\" check=\"none\" match=\"exact\">\n"
    "    <model fallback=\"allow\">EPYC-Rome</model>\n"
    "    <topology sockets=\"1\" dies=\"1\" cores=\"4\" threads=\"2\"/>\n"
    "    <feature policy=\"require\" name=\"topoext\"/>\n",
    NULL });
  {
    g_autofree char *model = vireo_cpu_dup_model (passthrough);
    g_assert_cmpstr (model, ==, "EPYC-Rome");
  }

  /* No <cpu>: the one libvirt would write for a named model. */
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (bare);
  g_assert_true (vireo_cpu_set_model (bare, "Skylake-Client", &error));
  assert_edit (bare, before, (const char *[]) {
    "  </features>\n",
    "  </features>\n"
    "  <cpu mode=\"custom\" match=\"exact\">\n"
    "    <model fallback=\"allow\">Skylake-Client</model>\n"
    "  </cpu>\n",
    NULL });

  g_assert_false (vireo_cpu_set_model (bare, "", &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "CPU model:"));
  g_clear_error (&error);
  g_assert_false (vireo_cpu_set_model (bare, "Skylake Client", &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“Skylake Client” is not a model name"));
}

static void
test_mode_switch (void)
{
  g_autoptr(VireoDomainConfig) custom = open_inline (custom_xml);
  g_autoptr(VireoDomainConfig) numa = open_fixture ("numa-pinned.xml");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* To host-passthrough: model, vendor and match go; topology, cache,
   * features, NUMA and the unknown element stay. */
  before = vireo_domain_config_to_xml (custom);
  g_assert_true (vireo_cpu_set_mode (custom, "host-passthrough", &error));
  g_assert_no_error (error);
  assert_edit (custom, before, (const char *[]) {
    "<cpu mode=\"custom\" match=\"exact\" check=\"partial\">\n"
    "    <model fallback=\"forbid\">Skylake-Client</model>\n"
    "    <vendor>Intel</vendor>\n",
    "<cpu mode=\"host-passthrough\" check=\"partial\">\n",
    NULL });
  after = vireo_domain_config_to_xml (custom);
  g_assert_nonnull (strstr (after, "<feature policy=\"disable\" name=\"hle\"/>"));
  g_assert_nonnull (strstr (after, "<cell id=\"0\" cpus=\"0-3\" memory=\"1048576\" unit=\"KiB\"/>"));
  g_assert_nonnull (strstr (after, "<vt:tuning xmlns:vt=\"urn:vireo:test\" knob=\"11\"/>"));
  g_assert_null (vireo_cpu_dup_model (custom));

  /* Back to custom with features and no model: libvirt's "Non-empty
   * feature list specified without CPU model". Refused, untouched. */
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (custom);
  g_assert_false (vireo_cpu_set_mode (custom, "custom", &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "CPU mode:"));
  g_clear_error (&error);
  assert_edit (custom, before, (const char *[]) { NULL });

  /* host-passthrough to host-model: migratable goes (libvirt allows it
   * only for host-passthrough and maximum); topology and NUMA stay. */
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (numa);
  g_assert_true (vireo_cpu_set_mode (numa, "host-model", &error));
  assert_edit (numa, before, (const char *[]) {
    "<cpu mode=\"host-passthrough\" check=\"none\" migratable=\"off\">",
    "<cpu mode=\"host-model\" check=\"none\">",
    NULL });
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (numa);
  g_assert_true (vireo_cpu_set_mode (numa, "maximum", &error));
  assert_edit (numa, before, (const char *[]) {
    "<cpu mode=\"host-model\" check=\"none\">", "<cpu mode=\"maximum\" check=\"none\">", NULL });
  /* The same mode again: nothing. */
  g_assert_true (vireo_cpu_set_mode (numa, "maximum", &error));
  g_clear_pointer (&before, g_free);
  before = vireo_domain_config_to_xml (numa);
  g_assert_true (vireo_cpu_set_mode (numa, "maximum", &error));
  assert_edit (numa, before, (const char *[]) { NULL });

  /* To host-model from a named model: the name goes (libvirt takes the
   * host's), a fallback stays, and so does the emulated cache. */
  {
    g_autoptr(VireoDomainConfig) again = open_inline (custom_xml);

    g_clear_pointer (&before, g_free);
    before = vireo_domain_config_to_xml (again);
    g_assert_true (vireo_cpu_set_mode (again, "host-model", &error));
    assert_edit (again, before, (const char *[]) {
      "<cpu mode=\"custom\" match=\"exact\" check=\"partial\">\n"
      "    <model fallback=\"forbid\">Skylake-Client</model>\n"
      "    <vendor>Intel</vendor>\n",
      "<cpu mode=\"host-model\" check=\"partial\">\n"
      "    <model fallback=\"forbid\"/>\n",
      NULL });
  }

  g_assert_false (vireo_cpu_set_mode (numa, "host", &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“host” is not one of"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/cpu/topology-read", test_topology_read);
  g_test_add_func ("/model/cpu/topology-validate", test_topology_validate);
  g_test_add_func ("/model/cpu/topology-edits", test_topology_edits);
  g_test_add_func ("/model/cpu/model", test_model);
  g_test_add_func ("/model/cpu/mode-switch", test_mode_switch);

  return g_test_run ();
}
