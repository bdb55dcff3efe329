/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-host"

#include "config.h"

#include <math.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "vireo-connection-private.h"
#include "vireo-host-private.h"
#include "vireo-virt-enums.h"
#include "vireo-virt-error.h"
#include "vireo-worker.h"

/*
 * What a connection's host is (facts, read once per connect) and how busy it
 * is (samples, read only while someone shows them). Both are read on the
 * connection's serial worker, which hands back plain structs; this object is
 * main-thread state and only changes there.
 *
 * A sample is two libvirt calls, one round trip each: the number of fields
 * each call returns is learnt from the first answer and sent along after
 * that, instead of asking for the count every time.
 */

#define HISTORY_LENGTH          120
#define DEFAULT_INTERVAL_MS    1000
#define HOST_QUARK_NAME        "vireo-host"

struct _VireoHost
{
  GObject       parent_instance;

  /* Weak: the connection owns its host through object data */
  GWeakRef      connection;

  /* Owned */
  char         *uri;
  char         *hostname;
  char         *libvirt_version;
  char         *hypervisor;
  char         *cpu_model;
  char         *cpu_vendor;
  char         *arch;
  VireoHistory *cpu_history;
  VireoHistory *memory_history;

  guint         cpus;
  guint         numa_nodes;
  guint         sockets;
  guint         cores;
  guint         threads;
  guint         mhz;
  guint64       memory_kib;

  double        cpu_percent;
  guint64       memory_used_kib;
  guint64       memory_total_kib;

  guint         sample_interval;   /* ms */
  guint         sample_source;
  guint         consumers;
  guint         generation;        /* bumped whenever the connection goes or comes */
  guint         requests;
  int           n_cpu_params;      /* 0 until libvirt told us */
  int           n_memory_params;
  guint64       last_busy_ns;
  guint64       last_total_ns;

  guint         connected : 1;
  guint         has_facts : 1;
  guint         has_cpu_stats : 1;
  guint         has_memory_stats : 1;
  guint         have_cpu_baseline : 1;
  guint         in_flight : 1;
};

G_DEFINE_FINAL_TYPE (VireoHost, vireo_host, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_URI,
  PROP_HAS_FACTS,
  PROP_HOSTNAME,
  PROP_LIBVIRT_VERSION,
  PROP_HYPERVISOR,
  PROP_CPU_MODEL,
  PROP_CPU_VENDOR,
  PROP_ARCH,
  PROP_CPUS,
  PROP_NUMA_NODES,
  PROP_SOCKETS,
  PROP_CORES,
  PROP_THREADS,
  PROP_MHZ,
  PROP_MEMORY_KIB,
  PROP_HAS_CPU_STATS,
  PROP_HAS_MEMORY_STATS,
  PROP_CPU_PERCENT,
  PROP_MEMORY_USED_KIB,
  PROP_MEMORY_TOTAL_KIB,
  PROP_SAMPLING,
  PROP_SAMPLE_INTERVAL,
  N_PROPS
};

enum {
  SAMPLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update_timer (VireoHost *self);

/* ------------------------------------------------------------------------ */
/* Worker side: plain data only                                              */

typedef struct
{
  char    *hostname;
  char    *libvirt_version;
  char    *hypervisor;
  char    *cpu_model;
  char    *cpu_vendor;
  char    *arch;
  guint    cpus;
  guint    numa_nodes;
  guint    sockets;
  guint    cores;
  guint    threads;
  guint    mhz;
  guint64  memory_kib;
} HostFacts;

static void
host_facts_free (gpointer data)
{
  HostFacts *facts = data;

  g_free (facts->hostname);
  g_free (facts->libvirt_version);
  g_free (facts->hypervisor);
  g_free (facts->cpu_model);
  g_free (facts->cpu_vendor);
  g_free (facts->arch);
  g_free (facts);
}

typedef struct
{
  int       n_cpu_params;
  int       n_memory_params;
  gboolean  want_cpu;
  gboolean  want_memory;
} SampleRequest;

typedef struct
{
  gint64   sampled_us;
  int      n_cpu_params;
  int      n_memory_params;
  guint64  busy_ns;
  guint64  total_ns;
  double   utilization;      /* drivers that give a percentage directly */
  guint64  mem_total_kib;
  guint64  mem_free_kib;
  guint64  mem_buffers_kib;
  guint64  mem_cached_kib;
  guint    cpu_ok : 1;
  guint    cpu_unsupported : 1;
  guint    has_utilization : 1;
  guint    memory_ok : 1;
  guint    memory_unsupported : 1;
} SampleResult;

static char *
format_version (unsigned long v)
{
  return g_strdup_printf ("%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

static char *
xpath_string (xmlXPathContextPtr  ctx,
              const char         *expr)
{
  xmlXPathObjectPtr obj = xmlXPathEvalExpression (BAD_CAST expr, ctx);
  char *value = NULL;

  if (obj != NULL && obj->type == XPATH_STRING && obj->stringval != NULL && obj->stringval[0] != '\0')
    value = g_strstrip (g_strdup ((const char *) obj->stringval));
  if (obj != NULL)
    xmlXPathFreeObject (obj);
  if (value != NULL && *value == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

/* Reads a few strings out of an XML document libvirt produced. */
static void
read_xml (const char  *xml,
          const char **exprs,
          char       **values,
          guint        n)
{
  xmlDocPtr doc;
  xmlXPathContextPtr ctx;

  if (xml == NULL)
    return;
  doc = xmlReadMemory (xml, (int) strlen (xml), "host.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    return;
  ctx = xmlXPathNewContext (doc);
  if (ctx != NULL)
    {
      for (guint i = 0; i < n; i++)
        if (values[i] == NULL)
          values[i] = xpath_string (ctx, exprs[i]);
      xmlXPathFreeContext (ctx);
    }
  xmlFreeDoc (doc);
}

/* SMBIOS tables are filled in by vendors, and some fill in nothing: a
 * placeholder (or QEMU's machine type, on a host that is itself a VM) is no
 * processor name. */
static gboolean
is_placeholder (const char *name)
{
  static const char * const placeholders[] = {
    "Not Specified", "To Be Filled By O.E.M.", "Default string", "Unknown", "None",
  };

  for (guint i = 0; i < G_N_ELEMENTS (placeholders); i++)
    if (g_ascii_strcasecmp (name, placeholders[i]) == 0)
      return TRUE;
  return g_str_has_prefix (name, "pc-");
}

/* ops worker. Every fact is optional: a driver that cannot answer one
 * question still answers the others. */
static void
facts_thread (GTask         *task,
              virConnectPtr  conn,
              gpointer       task_data,
              GCancellable  *cancellable)
{
  HostFacts *facts;
  virNodeInfo info;
  unsigned long lib = 0, hv = 0;
  const char *type;
  g_autofree char *caps = NULL;
  g_autofree char *sysinfo = NULL;
  /* The processor's own name ("Intel(R) Xeon(R) …") is what people know;
   * SMBIOS has it when the daemon can read it, capabilities have libvirt's
   * CPU model name otherwise. */
  const char *exprs[] = {
    "string(/sysinfo/processor[1]/entry[@name='version'])",
    "string(/capabilities/host/cpu/model)",
    "string(/capabilities/host/cpu/vendor)",
    "string(/capabilities/host/cpu/arch)",
  };
  char *values[G_N_ELEMENTS (exprs)] = { NULL, };

  if (conn == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED,
                               "Not connected");
      return;
    }

  facts = g_new0 (HostFacts, 1);
  facts->hostname = virConnectGetHostname (conn);

  if (virConnectGetLibVersion (conn, &lib) == 0)
    facts->libvirt_version = format_version (lib);
  type = virConnectGetType (conn);
  if (type != NULL && virConnectGetVersion (conn, &hv) == 0 && hv != 0)
    {
      g_autofree char *hv_s = format_version (hv);
      facts->hypervisor = g_strdup_printf ("%s %s", type, hv_s);
    }
  else if (type != NULL)
    facts->hypervisor = g_strdup (type);

  if (virNodeGetInfo (conn, &info) == 0)
    {
      facts->cpus = info.cpus;
      facts->numa_nodes = info.nodes;
      facts->sockets = info.sockets;
      facts->cores = info.cores;
      facts->threads = info.threads;
      facts->mhz = info.mhz;
      facts->memory_kib = info.memory;
      facts->arch = g_strndup (info.model, sizeof info.model);
    }
  virResetLastError ();

  sysinfo = virConnectGetSysinfo (conn, 0);
  virResetLastError ();
  read_xml (sysinfo, exprs, values, 1);
  if (values[0] != NULL && is_placeholder (values[0]))
    g_clear_pointer (&values[0], g_free);

  caps = virConnectGetCapabilities (conn);
  virResetLastError ();
  read_xml (caps, exprs, values, G_N_ELEMENTS (exprs));

  if (values[0] != NULL)
    facts->cpu_model = g_steal_pointer (&values[0]);
  else
    facts->cpu_model = g_steal_pointer (&values[1]);
  facts->cpu_vendor = g_steal_pointer (&values[2]);
  /* nodeinfo's "model" is the machine type uname reports (x86_64); the
   * capabilities' arch says the same in libvirt's words and wins. */
  if (values[3] != NULL)
    {
      g_free (facts->arch);
      facts->arch = g_steal_pointer (&values[3]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_free (values[i]);

  g_task_return_pointer (task, facts, host_facts_free);
}

/* What a failed node statistics call means for the next one. */
static void
classify_stats_error (gboolean *unsupported,
                      int      *n_params)
{
  virErrorPtr err = virGetLastError ();
  VireoVirtError code = err ? vireo_virt_error_map (err->domain, err->code) : VIREO_VIRT_ERROR_FAILED;

  if (code == VIREO_VIRT_ERROR_NOT_SUPPORTED)
    *unsupported = TRUE;
  else
    {
      /* Anything else may pass (a reconnecting daemon, a remembered field
       * count that no longer fits): ask for the count again next time. */
      g_debug ("node statistics failed: %s", err && err->message ? err->message : "unknown error");
      *n_params = 0;
    }
  virResetLastError ();
}

static void
read_cpu_stats (virConnectPtr  conn,
                int            n,
                SampleResult  *result)
{
  g_autofree virNodeCPUStatsPtr params = NULL;
  gboolean unsupported = FALSE;

  if (n <= 0 && virNodeGetCPUStats (conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0) < 0)
    goto failed;
  if (n <= 0)
    {
      result->cpu_unsupported = TRUE;
      return;
    }

  params = g_new0 (virNodeCPUStats, n);
  if (virNodeGetCPUStats (conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &n, 0) < 0)
    goto failed;

  for (int i = 0; i < n; i++)
    {
      const char *field = params[i].field;
      guint64 value = params[i].value;

      /* Busy is what `top` calls used: iowait is time a CPU could not do
       * anything else, so it counts against the host, not as idle. */
      if (strcmp (field, VIR_NODE_CPU_STATS_KERNEL) == 0 ||
          strcmp (field, VIR_NODE_CPU_STATS_USER) == 0 ||
          strcmp (field, VIR_NODE_CPU_STATS_IOWAIT) == 0)
        {
          result->busy_ns += value;
          result->total_ns += value;
        }
      else if (strcmp (field, VIR_NODE_CPU_STATS_IDLE) == 0)
        result->total_ns += value;
      else if (strcmp (field, VIR_NODE_CPU_STATS_UTILIZATION) == 0)
        {
          result->utilization = (double) value;
          result->has_utilization = TRUE;
        }
    }

  result->n_cpu_params = n;
  result->cpu_ok = TRUE;
  return;

failed:
  classify_stats_error (&unsupported, &result->n_cpu_params);
  result->cpu_unsupported = unsupported;
}

static void
read_memory_stats (virConnectPtr  conn,
                   int            n,
                   SampleResult  *result)
{
  g_autofree virNodeMemoryStatsPtr params = NULL;
  gboolean unsupported = FALSE;

  if (n <= 0 && virNodeGetMemoryStats (conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n, 0) < 0)
    goto failed;
  if (n <= 0)
    {
      result->memory_unsupported = TRUE;
      return;
    }

  params = g_new0 (virNodeMemoryStats, n);
  if (virNodeGetMemoryStats (conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, params, &n, 0) < 0)
    goto failed;

  for (int i = 0; i < n; i++)
    {
      const char *field = params[i].field;
      guint64 value = params[i].value;

      if (strcmp (field, VIR_NODE_MEMORY_STATS_TOTAL) == 0)
        result->mem_total_kib = value;
      else if (strcmp (field, VIR_NODE_MEMORY_STATS_FREE) == 0)
        result->mem_free_kib = value;
      else if (strcmp (field, VIR_NODE_MEMORY_STATS_BUFFERS) == 0)
        result->mem_buffers_kib = value;
      else if (strcmp (field, VIR_NODE_MEMORY_STATS_CACHED) == 0)
        result->mem_cached_kib = value;
    }

  result->n_memory_params = n;
  result->memory_ok = TRUE;
  return;

failed:
  classify_stats_error (&unsupported, &result->n_memory_params);
  result->memory_unsupported = unsupported;
}

static void
sample_thread (GTask         *task,
               virConnectPtr  conn,
               gpointer       task_data,
               GCancellable  *cancellable)
{
  const SampleRequest *request = task_data;
  SampleResult *result;

  if (conn == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED,
                               "Not connected");
      return;
    }

  result = g_new0 (SampleResult, 1);
  if (request->want_cpu)
    read_cpu_stats (conn, request->n_cpu_params, result);
  if (request->want_memory)
    read_memory_stats (conn, request->n_memory_params, result);
  result->sampled_us = g_get_monotonic_time ();

  g_task_return_pointer (task, result, g_free);
}

/* ------------------------------------------------------------------------ */
/* Main thread                                                               */

static gboolean
set_string (VireoHost   *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

static void
set_uint (VireoHost *self,
          guint     *field,
          guint      value,
          guint      prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_uint64 (VireoHost *self,
            guint64   *field,
            guint64    value,
            guint      prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_flag (VireoHost *self,
          gboolean   current,
          gboolean   value,
          guint      prop)
{
  if (!!current == !!value)
    return;
  switch (prop)
    {
    case PROP_HAS_FACTS:        self->has_facts = !!value; break;
    case PROP_HAS_CPU_STATS:    self->has_cpu_stats = !!value; break;
    case PROP_HAS_MEMORY_STATS: self->has_memory_stats = !!value; break;
    default:                    g_assert_not_reached ();
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_cpu_percent (VireoHost *self,
                 double     percent)
{
  /* Shown rounded; smaller changes would only cost redraws. */
  if (fabs (self->cpu_percent - percent) < 0.05)
    return;
  self->cpu_percent = percent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CPU_PERCENT]);
}

static void
facts_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  VireoHost *self = VIREO_HOST (object);
  g_autoptr(GError) error = NULL;
  HostFacts *facts;

  g_assert (vireo_is_main_thread ());

  facts = g_task_propagate_pointer (G_TASK (result), &error);
  if (facts == NULL)
    {
      g_debug ("%s: host facts: %s", self->uri, error->message);
      return;
    }
  if (GPOINTER_TO_UINT (user_data) != self->generation)
    {
      host_facts_free (facts);
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->hostname, facts->hostname, PROP_HOSTNAME);
  set_string (self, &self->libvirt_version, facts->libvirt_version, PROP_LIBVIRT_VERSION);
  set_string (self, &self->hypervisor, facts->hypervisor, PROP_HYPERVISOR);
  set_string (self, &self->cpu_model, facts->cpu_model, PROP_CPU_MODEL);
  set_string (self, &self->cpu_vendor, facts->cpu_vendor, PROP_CPU_VENDOR);
  set_string (self, &self->arch, facts->arch, PROP_ARCH);
  set_uint (self, &self->cpus, facts->cpus, PROP_CPUS);
  set_uint (self, &self->numa_nodes, facts->numa_nodes, PROP_NUMA_NODES);
  set_uint (self, &self->sockets, facts->sockets, PROP_SOCKETS);
  set_uint (self, &self->cores, facts->cores, PROP_CORES);
  set_uint (self, &self->threads, facts->threads, PROP_THREADS);
  set_uint (self, &self->mhz, facts->mhz, PROP_MHZ);
  set_uint64 (self, &self->memory_kib, facts->memory_kib, PROP_MEMORY_KIB);
  set_flag (self, self->has_facts, TRUE, PROP_HAS_FACTS);
  g_object_thaw_notify (G_OBJECT (self));

  host_facts_free (facts);
}

static void
fetch_facts (VireoHost       *self,
             VireoConnection *connection)
{
  GTask *task = g_task_new (self, NULL, facts_cb, GUINT_TO_POINTER (self->generation));

  g_task_set_source_tag (task, facts_thread);
  vireo_connection_run (connection, task, facts_thread);
}

static void
apply_cpu (VireoHost          *self,
           const SampleResult *r,
           gboolean           *pushed)
{
  double percent = -1;

  if (r->cpu_unsupported)
    {
      set_flag (self, self->has_cpu_stats, FALSE, PROP_HAS_CPU_STATS);
      return;
    }

  self->n_cpu_params = r->n_cpu_params;
  if (!r->cpu_ok)
    return;

  if (r->has_utilization)
    percent = CLAMP (r->utilization, 0, 100);
  else if (self->have_cpu_baseline && r->total_ns == self->last_total_ns)
    {
      /* Idle time alone advances by a CPU-second per CPU every second: a
       * total that stands still is a canned figure (the test driver's),
       * not a measurement. */
      set_flag (self, self->has_cpu_stats, FALSE, PROP_HAS_CPU_STATS);
      return;
    }
  else if (self->have_cpu_baseline && r->total_ns > self->last_total_ns &&
           r->busy_ns >= self->last_busy_ns)
    percent = CLAMP (100.0 * (r->busy_ns - self->last_busy_ns) / (r->total_ns - self->last_total_ns),
                     0, 100);

  /* Counters that went backwards (a host that rebooted behind the same
   * daemon address) start a new baseline. */
  self->last_busy_ns = r->busy_ns;
  self->last_total_ns = r->total_ns;
  self->have_cpu_baseline = TRUE;

  if (percent >= 0)
    {
      vireo_history_push (self->cpu_history, percent);
      set_cpu_percent (self, percent);
      *pushed = TRUE;
    }
}

static void
apply_memory (VireoHost          *self,
              const SampleResult *r,
              gboolean           *pushed)
{
  guint64 reclaimable, used;

  if (r->memory_unsupported || (r->memory_ok && r->mem_total_kib == 0))
    {
      set_flag (self, self->has_memory_stats, FALSE, PROP_HAS_MEMORY_STATS);
      return;
    }

  self->n_memory_params = r->n_memory_params;
  if (!r->memory_ok)
    return;

  /* Buffers and page cache are given back the moment a guest needs them;
   * counting them as used would show every long-running host as full. */
  reclaimable = r->mem_free_kib + r->mem_buffers_kib + r->mem_cached_kib;
  used = reclaimable <= r->mem_total_kib
    ? r->mem_total_kib - reclaimable
    : r->mem_total_kib - MIN (r->mem_free_kib, r->mem_total_kib);

  vireo_history_push (self->memory_history, (double) used);
  set_uint64 (self, &self->memory_total_kib, r->mem_total_kib, PROP_MEMORY_TOTAL_KIB);
  set_uint64 (self, &self->memory_used_kib, used, PROP_MEMORY_USED_KIB);
  *pushed = TRUE;
}

static void
sample_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  VireoHost *self = VIREO_HOST (object);
  g_autoptr(GError) error = NULL;
  g_autofree SampleResult *r = NULL;
  gboolean pushed = FALSE;

  g_assert (vireo_is_main_thread ());

  self->in_flight = FALSE;
  r = g_task_propagate_pointer (G_TASK (result), &error);
  if (r == NULL)
    {
      g_debug ("%s: host sample: %s", self->uri, error->message);
      return;
    }
  if (GPOINTER_TO_UINT (user_data) != self->generation)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->has_cpu_stats)
    apply_cpu (self, r, &pushed);
  if (self->has_memory_stats)
    apply_memory (self, r, &pushed);
  g_object_thaw_notify (G_OBJECT (self));

  if (pushed)
    g_signal_emit (self, signals[SAMPLED], 0);

  /* Nothing left to measure: stop asking. */
  if (!self->has_cpu_stats && !self->has_memory_stats)
    update_timer (self);
}

static void
queue_sample (VireoHost *self)
{
  g_autoptr(VireoConnection) connection = g_weak_ref_get (&self->connection);
  SampleRequest *request;
  GTask *task;

  /* A slow host skips beats instead of piling up requests behind the one
   * it is still answering. */
  if (connection == NULL || self->in_flight)
    return;

  request = g_new0 (SampleRequest, 1);
  request->n_cpu_params = self->n_cpu_params;
  request->n_memory_params = self->n_memory_params;
  request->want_cpu = self->has_cpu_stats;
  request->want_memory = self->has_memory_stats;

  task = g_task_new (self, NULL, sample_cb, GUINT_TO_POINTER (self->generation));
  g_task_set_source_tag (task, sample_thread);
  g_task_set_task_data (task, request, g_free);
  self->in_flight = TRUE;
  self->requests++;
  vireo_connection_run (connection, task, sample_thread);
}

static gboolean
sample_timeout (gpointer data)
{
  queue_sample (data);
  return G_SOURCE_CONTINUE;
}

/* @restart: the interval changed, so a running timer must be made anew */
static void
sync_timer (VireoHost *self,
            gboolean   restart)
{
  gboolean want = self->consumers > 0 && self->connected && self->sample_interval > 0 &&
                  (self->has_cpu_stats || self->has_memory_stats);
  gboolean was = self->sample_source != 0;

  if (restart)
    g_clear_handle_id (&self->sample_source, g_source_remove);

  if (want && self->sample_source == 0)
    {
      self->sample_source = g_timeout_add (self->sample_interval, sample_timeout, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->sample_source),
                                "[vireo] host sample");
      /* A first counter reading now, so the first percentage comes after
       * one interval rather than two. */
      queue_sample (self);
    }
  else if (!want)
    g_clear_handle_id (&self->sample_source, g_source_remove);

  if (was != (self->sample_source != 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLING]);
}

static void
update_timer (VireoHost *self)
{
  sync_timer (self, FALSE);
}

/* A new connection may be a different daemon (or a different machine behind
 * the same address): forget what the last one could do and measured. */
static void
reset_statistics (VireoHost *self)
{
  self->have_cpu_baseline = FALSE;
  self->n_cpu_params = 0;
  self->n_memory_params = 0;
  vireo_history_clear (self->cpu_history);
  vireo_history_clear (self->memory_history);
  set_flag (self, self->has_cpu_stats, TRUE, PROP_HAS_CPU_STATS);
  set_flag (self, self->has_memory_stats, TRUE, PROP_HAS_MEMORY_STATS);
  set_cpu_percent (self, -1);
  set_uint64 (self, &self->memory_used_kib, 0, PROP_MEMORY_USED_KIB);
  g_signal_emit (self, signals[SAMPLED], 0);
}

static void
on_state_changed (VireoHost       *self,
                  GParamSpec      *pspec,
                  VireoConnection *connection)
{
  gboolean connected = vireo_connection_get_state (connection) == VIREO_CONNECTION_STATE_CONNECTED;

  if (connected == self->connected)
    return;

  self->connected = connected;
  /* Whatever is still on its way belongs to the connection that just
   * went away (or to no connection at all). */
  self->generation++;

  g_object_freeze_notify (G_OBJECT (self));
  if (connected)
    {
      reset_statistics (self);
      fetch_facts (self, connection);
    }
  /* Disconnected: facts and the last figures stay, for people to read. */
  update_timer (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
vireo_host_constructed (GObject *object)
{
  VireoHost *self = VIREO_HOST (object);
  g_autoptr(VireoConnection) connection = g_weak_ref_get (&self->connection);

  G_OBJECT_CLASS (vireo_host_parent_class)->constructed (object);

  g_assert (connection != NULL);
  self->uri = g_strdup (vireo_connection_get_uri (connection));
  g_signal_connect_object (connection, "notify::state", G_CALLBACK (on_state_changed),
                           self, G_CONNECT_SWAPPED);
  on_state_changed (self, NULL, connection);
}

static void
vireo_host_dispose (GObject *object)
{
  VireoHost *self = VIREO_HOST (object);

  g_clear_handle_id (&self->sample_source, g_source_remove);

  G_OBJECT_CLASS (vireo_host_parent_class)->dispose (object);
}

static void
vireo_host_finalize (GObject *object)
{
  VireoHost *self = VIREO_HOST (object);

  g_weak_ref_clear (&self->connection);
  g_free (self->uri);
  g_free (self->hostname);
  g_free (self->libvirt_version);
  g_free (self->hypervisor);
  g_free (self->cpu_model);
  g_free (self->cpu_vendor);
  g_free (self->arch);
  g_clear_pointer (&self->cpu_history, vireo_history_free);
  g_clear_pointer (&self->memory_history, vireo_history_free);

  G_OBJECT_CLASS (vireo_host_parent_class)->finalize (object);
}

static void
vireo_host_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VireoHost *self = VIREO_HOST (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:       g_value_take_object (value, vireo_host_dup_connection (self)); break;
    case PROP_URI:              g_value_set_string (value, self->uri); break;
    case PROP_HAS_FACTS:        g_value_set_boolean (value, self->has_facts); break;
    case PROP_HOSTNAME:         g_value_set_string (value, self->hostname); break;
    case PROP_LIBVIRT_VERSION:  g_value_set_string (value, self->libvirt_version); break;
    case PROP_HYPERVISOR:       g_value_set_string (value, self->hypervisor); break;
    case PROP_CPU_MODEL:        g_value_set_string (value, self->cpu_model); break;
    case PROP_CPU_VENDOR:       g_value_set_string (value, self->cpu_vendor); break;
    case PROP_ARCH:             g_value_set_string (value, self->arch); break;
    case PROP_CPUS:             g_value_set_uint (value, self->cpus); break;
    case PROP_NUMA_NODES:       g_value_set_uint (value, self->numa_nodes); break;
    case PROP_SOCKETS:          g_value_set_uint (value, self->sockets); break;
    case PROP_CORES:            g_value_set_uint (value, self->cores); break;
    case PROP_THREADS:          g_value_set_uint (value, self->threads); break;
    case PROP_MHZ:              g_value_set_uint (value, self->mhz); break;
    case PROP_MEMORY_KIB:       g_value_set_uint64 (value, self->memory_kib); break;
    case PROP_HAS_CPU_STATS:    g_value_set_boolean (value, self->has_cpu_stats); break;
    case PROP_HAS_MEMORY_STATS: g_value_set_boolean (value, self->has_memory_stats); break;
    case PROP_CPU_PERCENT:      g_value_set_double (value, self->cpu_percent); break;
    case PROP_MEMORY_USED_KIB:  g_value_set_uint64 (value, self->memory_used_kib); break;
    case PROP_MEMORY_TOTAL_KIB: g_value_set_uint64 (value, vireo_host_get_memory_total_kib (self)); break;
    case PROP_SAMPLING:         g_value_set_boolean (value, self->sample_source != 0); break;
    case PROP_SAMPLE_INTERVAL:  g_value_set_uint (value, self->sample_interval); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_host_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VireoHost *self = VIREO_HOST (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_weak_ref_set (&self->connection, g_value_get_object (value));
      break;
    case PROP_SAMPLE_INTERVAL:
      vireo_host_set_sample_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_host_class_init (VireoHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = vireo_host_constructed;
  object_class->dispose = vireo_host_dispose;
  object_class->finalize = vireo_host_finalize;
  object_class->get_property = vireo_host_get_property;
  object_class->set_property = vireo_host_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, VIREO_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL, ro);
  properties[PROP_HAS_FACTS] = g_param_spec_boolean ("has-facts", NULL, NULL, FALSE, ro);
  properties[PROP_HOSTNAME] = g_param_spec_string ("hostname", NULL, NULL, NULL, ro);
  properties[PROP_LIBVIRT_VERSION] = g_param_spec_string ("libvirt-version", NULL, NULL, NULL, ro);
  properties[PROP_HYPERVISOR] = g_param_spec_string ("hypervisor", NULL, NULL, NULL, ro);
  properties[PROP_CPU_MODEL] = g_param_spec_string ("cpu-model", NULL, NULL, NULL, ro);
  properties[PROP_CPU_VENDOR] = g_param_spec_string ("cpu-vendor", NULL, NULL, NULL, ro);
  properties[PROP_ARCH] = g_param_spec_string ("arch", NULL, NULL, NULL, ro);
  properties[PROP_CPUS] = g_param_spec_uint ("cpus", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_NUMA_NODES] = g_param_spec_uint ("numa-nodes", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_SOCKETS] = g_param_spec_uint ("sockets", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CORES] = g_param_spec_uint ("cores", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_THREADS] = g_param_spec_uint ("threads", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_MHZ] = g_param_spec_uint ("mhz", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_MEMORY_KIB] = g_param_spec_uint64 ("memory-kib", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_HAS_CPU_STATS] = g_param_spec_boolean ("has-cpu-stats", NULL, NULL, TRUE, ro);
  properties[PROP_HAS_MEMORY_STATS] = g_param_spec_boolean ("has-memory-stats", NULL, NULL, TRUE, ro);
  properties[PROP_CPU_PERCENT] = g_param_spec_double ("cpu-percent", NULL, NULL, -1, 100, -1, ro);
  properties[PROP_MEMORY_USED_KIB] = g_param_spec_uint64 ("memory-used-kib", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_MEMORY_TOTAL_KIB] = g_param_spec_uint64 ("memory-total-kib", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_SAMPLING] = g_param_spec_boolean ("sampling", NULL, NULL, FALSE, ro);
  properties[PROP_SAMPLE_INTERVAL] =
    g_param_spec_uint ("sample-interval", NULL, NULL, 0, 3600 * 1000, DEFAULT_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VireoHost::sampled:
   *
   * Emitted after a sample added to a history (or the histories were
   * cleared), so graphs redraw once per sample rather than per property.
   */
  signals[SAMPLED] = g_signal_new ("sampled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
vireo_host_init (VireoHost *self)
{
  g_weak_ref_init (&self->connection, NULL);
  self->cpu_history = vireo_history_new (HISTORY_LENGTH);
  self->memory_history = vireo_history_new (HISTORY_LENGTH);
  self->cpu_percent = -1;
  self->sample_interval = DEFAULT_INTERVAL_MS;
  self->has_cpu_stats = TRUE;
  self->has_memory_stats = TRUE;
}

/**
 * vireo_host_get_for_connection:
 * @connection: a connection
 *
 * The one host object of @connection, made on first use and kept for the
 * connection's life, so every window showing the host shares its samples.
 *
 * Returns: (transfer none): the host
 */
VireoHost *
vireo_host_get_for_connection (VireoConnection *connection)
{
  static GQuark quark;
  VireoHost *self;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);
  g_assert (vireo_is_main_thread ());

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string (HOST_QUARK_NAME);

  self = g_object_get_qdata (G_OBJECT (connection), quark);
  if (self == NULL)
    {
      self = g_object_new (VIREO_TYPE_HOST, "connection", connection, NULL);
      g_object_set_qdata_full (G_OBJECT (connection), quark, self, g_object_unref);
    }
  return self;
}

/**
 * vireo_host_dup_connection:
 *
 * Returns: (transfer full) (nullable): the connection, or %NULL once it is gone
 */
VireoConnection *
vireo_host_dup_connection (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), NULL);
  return g_weak_ref_get (&self->connection);
}

/**
 * vireo_host_get_has_facts:
 *
 * Returns: whether the facts (hostname, versions, CPU, memory) were read at
 *   least once. They stay readable while the connection is down.
 */
gboolean
vireo_host_get_has_facts (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), FALSE);
  return self->has_facts;
}

const char *
vireo_host_get_hostname (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), NULL);
  return self->hostname;
}

const char *
vireo_host_get_uri (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), NULL);
  return self->uri;
}

/**
 * vireo_host_get_libvirt_version:
 *
 * Returns: (nullable): the daemon's libvirt version, "9.0.0"
 */
const char *
vireo_host_get_libvirt_version (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), NULL);
  return self->libvirt_version;
}

/**
 * vireo_host_get_hypervisor:
 *
 * Returns: (nullable): the driver and its version, "QEMU 7.2.0"
 */
const char *
vireo_host_get_hypervisor (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), NULL);
  return self->hypervisor;
}

/**
 * vireo_host_get_cpu_model:
 *
 * Returns: (nullable): the processor's name from SMBIOS, else libvirt's
 *   name for the host CPU model ("Skylake-Client-IBRS")
 */
const char *
vireo_host_get_cpu_model (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), NULL);
  return self->cpu_model;
}

const char *
vireo_host_get_cpu_vendor (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), NULL);
  return self->cpu_vendor;
}

/**
 * vireo_host_get_arch:
 *
 * Returns: (nullable): the host architecture, "x86_64"
 */
const char *
vireo_host_get_arch (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), NULL);
  return self->arch;
}

/**
 * vireo_host_get_cpus:
 *
 * Returns: active logical CPUs, 0 when unknown
 */
guint
vireo_host_get_cpus (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), 0);
  return self->cpus;
}

guint
vireo_host_get_numa_nodes (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), 0);
  return self->numa_nodes;
}

/**
 * vireo_host_get_sockets:
 *
 * Returns: CPU sockets per NUMA node, as libvirt counts them
 */
guint
vireo_host_get_sockets (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), 0);
  return self->sockets;
}

guint
vireo_host_get_cores (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), 0);
  return self->cores;
}

guint
vireo_host_get_threads (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), 0);
  return self->threads;
}

guint
vireo_host_get_mhz (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), 0);
  return self->mhz;
}

guint64
vireo_host_get_memory_kib (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), 0);
  return self->memory_kib;
}

/**
 * vireo_host_get_has_cpu_stats:
 *
 * Returns: %FALSE once the driver turned out not to report host CPU usage
 *   (%TRUE until then, and again after each reconnect)
 */
gboolean
vireo_host_get_has_cpu_stats (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), FALSE);
  return self->has_cpu_stats;
}

/**
 * vireo_host_get_has_memory_stats:
 *
 * Returns: %FALSE once the driver turned out not to report host memory use
 */
gboolean
vireo_host_get_has_memory_stats (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), FALSE);
  return self->has_memory_stats;
}

/**
 * vireo_host_get_cpu_percent:
 *
 * Returns: host CPU usage over the last interval, 0–100, or -1 before the
 *   second sample
 */
double
vireo_host_get_cpu_percent (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), -1);
  return self->cpu_percent;
}

/**
 * vireo_host_get_memory_used_kib:
 *
 * Returns: memory in use, not counting buffers and page cache; 0 before the
 *   first sample
 */
guint64
vireo_host_get_memory_used_kib (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), 0);
  return self->memory_used_kib;
}

/**
 * vireo_host_get_memory_total_kib:
 *
 * Returns: usable memory as the statistics report it, or the installed
 *   memory from the facts before the first sample
 */
guint64
vireo_host_get_memory_total_kib (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), 0);
  return self->memory_total_kib ? self->memory_total_kib : self->memory_kib;
}

/**
 * vireo_host_get_cpu_history:
 *
 * Returns: (transfer none): CPU usage in percent, oldest first; lives as
 *   long as the host
 */
const VireoHistory *
vireo_host_get_cpu_history (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), NULL);
  return self->cpu_history;
}

/**
 * vireo_host_get_memory_history:
 *
 * Returns: (transfer none): memory in use in KiB, oldest first
 */
const VireoHistory *
vireo_host_get_memory_history (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), NULL);
  return self->memory_history;
}

/**
 * vireo_host_get_sampling:
 *
 * Returns: whether samples are being taken right now: someone wants them,
 *   the connection is up and the driver reports something
 */
gboolean
vireo_host_get_sampling (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), FALSE);
  return self->sample_source != 0;
}

guint
vireo_host_get_sample_interval (VireoHost *self)
{
  g_return_val_if_fail (VIREO_IS_HOST (self), 0);
  return self->sample_interval;
}

/**
 * vireo_host_set_sample_interval:
 * @msec: milliseconds between samples; 0 stops sampling
 */
void
vireo_host_set_sample_interval (VireoHost *self,
                                guint      msec)
{
  g_return_if_fail (VIREO_IS_HOST (self));

  if (self->sample_interval == msec)
    return;
  self->sample_interval = msec;
  sync_timer (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLE_INTERVAL]);
}

/**
 * vireo_host_start_sampling:
 *
 * Asks for samples while the connection is up; counted, so each consumer
 * (a window on screen, say) calls vireo_host_stop_sampling() once when done.
 * Nothing is read while nobody asks.
 */
void
vireo_host_start_sampling (VireoHost *self)
{
  g_return_if_fail (VIREO_IS_HOST (self));

  self->consumers++;
  update_timer (self);
}

void
vireo_host_stop_sampling (VireoHost *self)
{
  g_return_if_fail (VIREO_IS_HOST (self));
  g_return_if_fail (self->consumers > 0);

  self->consumers--;
  update_timer (self);
}

guint
_vireo_host_get_requests (VireoHost *self)
{
  return self->requests;
}

gboolean
_vireo_host_get_in_flight (VireoHost *self)
{
  return self->in_flight;
}
