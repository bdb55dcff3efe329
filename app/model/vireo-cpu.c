/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-cpu"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-cpu.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/*
 * The guest CPU: <cpu mode match check migratable> with its model, vendor,
 * topology, cache, features and NUMA cells. Each edit changes what it is
 * about and removes only what libvirt would refuse after it; features,
 * NUMA cells and anything Vireo has no field for stay as they were.
 */

/* Top-level elements, in the order libvirt writes them, as far as finding
 * a place for a new <cpu> goes. */
static const char * const domain_order[] = {
  "name", "uuid", "genid", "title", "description", "metadata", "maxMemory",
  "memory", "currentMemory", "blkiotune", "memtune", "memoryBacking",
  "vcpu", "vcpus", "iothreads", "iothreadids", "defaultiothread", "cputune",
  "numatune", "resource", "sysinfo", "bootloader", "bootloader_args", "os",
  "idmap", "features", "cpu", "clock", "on_poweroff", "on_reboot",
  "on_crash", "on_lockfailure", "pm", "perf", "devices", NULL
};

/* The children of <cpu>, in the order libvirt writes them. */
static const char * const cpu_order[] = {
  "model", "vendor", "topology", "cache", "maxphysaddr", "feature", "numa", NULL
};

static const char * const modes[] = {
  "custom", "host-model", "host-passthrough", "maximum", NULL
};

static xmlNodePtr
root_of (VireoDomainConfig *config)
{
  return xmlDocGetRootElement (_vireo_domain_config_get_doc (config));
}

static xmlNodePtr
cpu_of (VireoDomainConfig *config)
{
  return vireo_xml_child (root_of (config), "cpu");
}

static xmlNodePtr
ensure_cpu (VireoDomainConfig *config)
{
  xmlNodePtr cpu = cpu_of (config);

  if (cpu != NULL)
    return cpu;
  cpu = xmlNewDocNode (_vireo_domain_config_get_doc (config), NULL, BAD_CAST "cpu", NULL);
  return vireo_xml_insert_ordered (root_of (config), cpu, domain_order);
}

/* A <cpu> left with no attribute and no element says nothing; libvirt
 * drops it, and so does Vireo once its own edit emptied it. */
static void
remove_if_empty (xmlNodePtr cpu)
{
  if (cpu == NULL || cpu->properties != NULL)
    return;
  for (xmlNodePtr n = cpu->children; n != NULL; n = n->next)
    if (n->type != XML_TEXT_NODE || !xmlIsBlankNode (n))
      return;
  vireo_xml_remove (cpu);
}

/* Sets or removes an attribute; returns whether it changed. */
static gboolean
update_prop (xmlNodePtr  node,
             const char *name,
             const char *value)
{
  g_autofree char *old = vireo_xml_get_prop (node, name);

  if (g_strcmp0 (old, value) == 0)
    return FALSE;
  vireo_xml_set_prop (node, name, value);
  return TRUE;
}

static gboolean
has_prop (xmlNodePtr  node,
          const char *name)
{
  return node != NULL && xmlHasNsProp (node, BAD_CAST name, NULL) != NULL;
}

static gboolean
remove_child (xmlNodePtr  parent,
              const char *name)
{
  xmlNodePtr child = vireo_xml_child (parent, name);

  if (child == NULL)
    return FALSE;
  vireo_xml_remove (child);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Topology                                                                  */

static guint
read_uint (xmlNodePtr  node,
           const char *name,
           guint       fallback)
{
  g_autofree char *text = vireo_xml_get_prop (node, name);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &value, NULL))
    return fallback;
  return (guint) value;
}

/**
 * vireo_cpu_get_topology:
 * @topology: (out): the topology
 *
 * Without a `<topology>`, libvirt gives QEMU one socket per vCPU, and that
 * is what @topology is set to.
 *
 * Returns: whether the document has a `<topology>`
 */
gboolean
vireo_cpu_get_topology (VireoDomainConfig *config,
                        VireoCpuTopology  *topology)
{
  xmlNodePtr node;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  g_return_val_if_fail (topology != NULL, FALSE);

  node = vireo_xml_child (cpu_of (config), "topology");
  if (node == NULL)
    {
      topology->sockets = vireo_domain_config_get_vcpus_max (config);
      topology->dies = 1;
      topology->cores = 1;
      topology->threads = 1;
      return FALSE;
    }
  topology->sockets = read_uint (node, "sockets", 1);
  topology->dies = read_uint (node, "dies", 1);
  topology->cores = read_uint (node, "cores", 1);
  topology->threads = read_uint (node, "threads", 1);
  return TRUE;
}

static guint64
product (const VireoCpuTopology *topology)
{
  return (guint64) topology->sockets * topology->dies * topology->cores * topology->threads;
}

/**
 * vireo_cpu_topology_validate:
 * @vcpus_max: the maximum vCPU count the topology is for
 *
 * Returns: whether libvirt would take @topology for a machine of
 *   @vcpus_max vCPUs: every count at least 1, and their product exactly
 *   @vcpus_max. Otherwise @error names the field, or gives the product.
 */
gboolean
vireo_cpu_topology_validate (const VireoCpuTopology  *topology,
                             guint                    vcpus_max,
                             GError                 **error)
{
  g_autofree char *total = NULL;
  struct {
    guint       value;
    const char *message;
  } fields[] = {
    { 0, N_("CPU topology: sockets must be at least 1.") },
    { 0, N_("CPU topology: dies per socket must be at least 1.") },
    { 0, N_("CPU topology: cores per die must be at least 1.") },
    { 0, N_("CPU topology: threads per core must be at least 1.") },
  };

  g_return_val_if_fail (topology != NULL, FALSE);

  fields[0].value = topology->sockets;
  fields[1].value = topology->dies;
  fields[2].value = topology->cores;
  fields[3].value = topology->threads;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].value == 0)
      {
        g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                             _(fields[i].message));
        return FALSE;
      }

  if (product (topology) == vcpus_max)
    return TRUE;

  /* As text: four guints multiply past what a guint holds. */
  total = g_strdup_printf ("%" G_GUINT64_FORMAT, product (topology));
  g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
               /* Translators: sockets × dies × cores × threads = product, then the vCPU count */
               _("CPU topology: sockets × dies × cores × threads = %u × %u × %u × %u = %s, "
                 "but the maximum vCPU count is %u. The two must be equal."),
               topology->sockets, topology->dies, topology->cores, topology->threads,
               total, vcpus_max);
  return FALSE;
}

/**
 * vireo_cpu_topology_suggest:
 * @topology: (out): the suggestion
 *
 * One socket of @vcpus cores, one thread each: guests license and schedule
 * by socket, and a core is what a vCPU is on the host anyway.
 */
void
vireo_cpu_topology_suggest (guint             vcpus,
                            VireoCpuTopology *topology)
{
  g_return_if_fail (topology != NULL);

  topology->sockets = 1;
  topology->dies = 1;
  topology->cores = MAX (vcpus, 1);
  topology->threads = 1;
}

/**
 * vireo_cpu_topology_fits:
 * @vcpus_max: a new maximum vCPU count
 *
 * For the vCPU editor: whether the document's topology still holds once
 * the maximum becomes @vcpus_max. Without a `<topology>` it always does.
 */
gboolean
vireo_cpu_topology_fits (VireoDomainConfig *config,
                         guint              vcpus_max)
{
  VireoCpuTopology topology;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);

  if (!vireo_cpu_get_topology (config, &topology))
    return TRUE;
  return product (&topology) == vcpus_max;
}

/**
 * vireo_cpu_set_topology:
 * @topology: (nullable): the topology, or %NULL to remove `<topology>`
 *
 * Writes `<topology sockets dies cores threads>`, `dies` only when it is
 * not 1 or already written. Counts that did not change keep their text.
 *
 * Returns: %FALSE with @error set, and the document untouched, when
 *   vireo_cpu_topology_validate() refuses @topology for the machine's
 *   maximum vCPU count
 */
gboolean
vireo_cpu_set_topology (VireoDomainConfig       *config,
                        const VireoCpuTopology  *topology,
                        GError                 **error)
{
  xmlNodePtr cpu;
  xmlNodePtr node;
  gboolean changed = FALSE;
  VireoCpuTopology old;
  const struct {
    const char *name;
    guint       value;
  } counts[] = {
    { "sockets", topology != NULL ? topology->sockets : 0 },
    { "dies", topology != NULL ? topology->dies : 0 },
    { "cores", topology != NULL ? topology->cores : 0 },
    { "threads", topology != NULL ? topology->threads : 0 },
  };

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cpu = cpu_of (config);
  node = vireo_xml_child (cpu, "topology");

  if (topology == NULL)
    {
      if (node == NULL)
        return TRUE;
      vireo_xml_remove (node);
      remove_if_empty (cpu);
      _vireo_domain_config_changed (config);
      return TRUE;
    }

  if (!vireo_cpu_topology_validate (topology, vireo_domain_config_get_vcpus_max (config), error))
    return FALSE;

  if (node == NULL)
    {
      cpu = ensure_cpu (config);
      node = xmlNewDocNode (cpu->doc, NULL, BAD_CAST "topology", NULL);
      vireo_xml_insert_ordered (cpu, node, cpu_order);
      changed = TRUE;
    }
  else
    {
      vireo_cpu_get_topology (config, &old);
      if (old.sockets == topology->sockets && old.dies == topology->dies
          && old.cores == topology->cores && old.threads == topology->threads)
        return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autofree char *text = NULL;

      /* libvirt's default is one die per socket; a document without
       * the attribute keeps not having it. */
      if (g_str_equal (counts[i].name, "dies") && counts[i].value == 1
          && !has_prop (node, "dies"))
        continue;
      text = g_strdup_printf ("%u", counts[i].value);
      /* A count written as "02" is still 2: leave its text alone. */
      if (read_uint (node, counts[i].name, 0) == counts[i].value)
        continue;
      changed |= update_prop (node, counts[i].name, text);
    }

  if (changed)
    _vireo_domain_config_changed (config);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Model and mode                                                            */

static char *
dup_mode (xmlNodePtr cpu)
{
  char *mode = vireo_xml_get_prop (cpu, "mode");

  /* No mode is libvirt's custom. */
  return mode != NULL ? mode : g_strdup ("custom");
}

static char *
dup_model_name (xmlNodePtr cpu)
{
  g_autofree char *text = vireo_xml_get_child_text (cpu, "model");

  if (text == NULL || *g_strstrip (text) == '\0')
    return NULL;
  return g_steal_pointer (&text);
}

/**
 * vireo_cpu_dup_model:
 *
 * Returns: (transfer full) (nullable): the named CPU model, such as
 *   "Skylake-Client", when the mode is custom; %NULL otherwise, since the
 *   other modes take the model from the host
 */
char *
vireo_cpu_dup_model (VireoDomainConfig *config)
{
  xmlNodePtr cpu;
  g_autofree char *mode = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);

  cpu = cpu_of (config);
  mode = dup_mode (cpu);
  if (!g_str_equal (mode, "custom"))
    return NULL;
  return dup_model_name (cpu);
}

/* Removes what libvirt refuses, or silently drops, in @mode. Returns
 * whether anything changed. */
static gboolean
fit_to_mode (xmlNodePtr  cpu,
             const char *mode)
{
  gboolean changed = FALSE;
  gboolean from_host = !g_str_equal (mode, "custom");
  gboolean passthrough = g_str_equal (mode, "host-passthrough") || g_str_equal (mode, "maximum");

  /* "The match attribute can't be used in this mode" (host-model), and
   * libvirt never writes it for any mode but custom. */
  if (from_host)
    changed |= update_prop (cpu, "match", NULL);

  if (!passthrough)
    {
      xmlNodePtr cache = vireo_xml_child (cpu, "cache");
      g_autofree char *cache_mode = vireo_xml_get_prop (cache, "mode");

      /* "Attribute migratable is only allowed for 'host-passthrough' /
       * 'maximum' CPU mode", and likewise a passed-through cache. */
      changed |= update_prop (cpu, "migratable", NULL);
      if (g_strcmp0 (cache_mode, "passthrough") == 0)
        {
          vireo_xml_remove (cache);
          changed = TRUE;
        }
    }

  if (passthrough)
    {
      /* The host's CPU as it is: libvirt drops a model and vendor here. */
      changed |= remove_child (cpu, "model");
      changed |= remove_child (cpu, "vendor");
    }
  else if (g_str_equal (mode, "host-model"))
    {
      xmlNodePtr model = vireo_xml_child (cpu, "model");
      g_autofree char *name = dup_model_name (cpu);

      /* host-model takes no model name, but a <model fallback> it does;
       * and a vendor without a model name is an error. */
      if (name != NULL)
        {
          vireo_xml_set_text (model, NULL);
          changed = TRUE;
        }
      if (model != NULL && model->properties == NULL)
        {
          vireo_xml_remove (model);
          changed = TRUE;
        }
      changed |= remove_child (cpu, "vendor");
    }
  return changed;
}

/**
 * vireo_cpu_set_mode:
 * @mode: "custom", "host-model", "host-passthrough" or "maximum"
 *
 * Switches the CPU mode and removes what libvirt would refuse, or drop,
 * in the new one: the model and vendor for host-passthrough and maximum,
 * the model's name for host-model, `match` for all but custom, `migratable`
 * and a passed-through cache for all but host-passthrough and maximum.
 * Topology, NUMA cells and features stay.
 *
 * Returns: %FALSE with @error set when @mode is unknown, or when it is
 *   custom and the CPU lists features but names no model (libvirt's
 *   "Non-empty feature list specified without CPU model")
 */
gboolean
vireo_cpu_set_mode (VireoDomainConfig  *config,
                    const char         *mode,
                    GError            **error)
{
  xmlNodePtr cpu;
  g_autofree char *old = NULL;
  g_autofree char *model = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  g_return_val_if_fail (mode != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_strv_contains (modes, mode))
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   _("CPU mode: “%s” is not one of custom, host-model, host-passthrough or maximum."),
                   mode);
      return FALSE;
    }

  cpu = cpu_of (config);
  model = dup_model_name (cpu);
  if (g_str_equal (mode, "custom") && model == NULL && vireo_xml_child (cpu, "feature") != NULL)
    {
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("CPU mode: a custom CPU that lists features needs a model. Choose the model instead."));
      return FALSE;
    }

  old = dup_mode (cpu);
  if (cpu == NULL && g_str_equal (mode, "custom"))
    return TRUE;   /* No <cpu> is the hypervisor's default custom CPU. */
  cpu = ensure_cpu (config);
  if (!g_str_equal (old, mode))
    changed |= update_prop (cpu, "mode", mode);
  changed |= fit_to_mode (cpu, mode);

  if (changed)
    _vireo_domain_config_changed (config);
  return TRUE;
}

static gboolean
is_model_name (const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      return FALSE;
  return TRUE;
}

/**
 * vireo_cpu_set_model:
 * @model: a CPU model as QEMU names it, such as "Skylake-Client"
 *
 * Makes the CPU a custom one of @model: `<cpu mode='custom' match='exact'>`
 * (an existing `match` is kept) with `<model fallback='allow'>` (an existing
 * `fallback` is kept). Features, topology and NUMA cells stay; a `<vendor>`
 * goes when the model changes, as the new model may be another vendor's
 * and libvirt refuses a mismatch.
 *
 * Returns: %FALSE with @error set when @model is empty or not a name
 */
gboolean
vireo_cpu_set_model (VireoDomainConfig  *config,
                     const char         *model,
                     GError            **error)
{
  xmlNodePtr cpu;
  xmlNodePtr node;
  g_autofree char *old_mode = NULL;
  g_autofree char *old_model = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (model == NULL || *model == '\0')
    {
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("CPU model: choose a model; a custom CPU needs one."));
      return FALSE;
    }
  if (!is_model_name (model))
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   _("CPU model: “%s” is not a model name. Names such as “Skylake-Client” have no spaces."),
                   model);
      return FALSE;
    }

  cpu = ensure_cpu (config);
  old_mode = vireo_xml_get_prop (cpu, "mode");
  old_model = dup_model_name (cpu);

  /* A CPU that was another mode, or had no model yet, gets the attributes
   * libvirt writes with a model; one that was custom already keeps its. */
  if ((old_mode != NULL && !g_str_equal (old_mode, "custom"))
      || vireo_xml_child (cpu, "model") == NULL)
    {
      changed |= update_prop (cpu, "mode", "custom");
      if (!has_prop (cpu, "match"))
        changed |= update_prop (cpu, "match", "exact");
    }
  changed |= fit_to_mode (cpu, "custom");

  node = vireo_xml_child (cpu, "model");
  if (node == NULL)
    {
      node = xmlNewDocNode (cpu->doc, NULL, BAD_CAST "model", NULL);
      vireo_xml_set_prop (node, "fallback", "allow");
      vireo_xml_insert_ordered (cpu, node, cpu_order);
    }
  if (g_strcmp0 (old_model, model) != 0)
    {
      vireo_xml_set_text (node, model);
      if (old_model != NULL)
        remove_child (cpu, "vendor");
      changed = TRUE;
    }

  if (changed)
    _vireo_domain_config_changed (config);
  return TRUE;
}
