/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-connection"

#include "config.h"

#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <glib/gi18n.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-auth-request-private.h"
#include "vireo-connection-private.h"
#include "vireo-connection-uri.h"
#include "vireo-domain-config.h"
#include "vireo-secrets.h"
#include "vireo-ssh-askpass.h"
#include "vireo-virt-enums.h"
#include "vireo-virt-error.h"

/*
 * Threads: a VireoConnection lives on the main thread. Everything that talks
 * to libvirt runs on one of its two workers: `ops` (serial: open, close,
 * actions, statistics) and `bulk` (per-domain detail reads that may take
 * minutes on a slow remote host and must not hold up a click). Both share a
 * VireoLink, the only place the virConnectPtr lives.
 *
 * libvirt events are dispatched by libvirt-glib on the main context; the
 * handlers only turn them into property changes and list updates.
 */

#define RECONNECT_MIN_S  1
#define RECONNECT_MAX_S 30
#define DETAIL_CHUNK    64
#define CONNECT_TIMEOUT_S 30
/* Pseudo lifecycle events: reboot is -1 */
#define EVENT_METADATA  (-2)
#define EVENT_DEVICES   (-3)

typedef struct
{
  gatomicrefcount ref_count;
  GMutex          lock;
  virConnectPtr   conn;          /* guarded by lock; written by ops only */
  guint           generation;    /* guarded by lock */
  GWeakRef        owner;         /* the VireoConnection */
  /* Held by whichever worker is inside libvirt: one call at a time. Checked
   * on libvirt 9.0: with two calls in flight when the link goes dead,
   * keepalive never fires and both hang; with one, it does within ~8 s. */
  GMutex          call_lock;
  /* ops worker only */
  int             lifecycle_id;
  int             reboot_id;
  int             metadata_id;
  int             device_added_id;
  int             network_id;
  int             pool_id;
  int             pool_refresh_id;
} VireoLink;

struct _VireoConnection
{
  GObject               parent_instance;

  /* Owned */
  char                 *uri;
  char                 *hostname;
  char                 *error_message;
  char                 *versions;
  char                 *name;           /* the user's name for it, or NULL */
  gint64                last_connected; /* Unix time */
  VireoLink            *link;
  VireoWorker          *ops;
  VireoWorker          *bulk;
  GListStore           *domains;
  GHashTable           *by_uuid;      /* uuid -> VireoDomain (borrowed) */
  /* Definitions (inactive XML) by UUID, for what uses which network or
   * volume; read by workers, forgotten on the main thread by events. */
  GMutex                xml_lock;
  GHashTable           *xml_cache;    /* uuid -> char *; guarded by xml_lock */
  guint64               xml_epoch;    /* forgets so far; guarded by xml_lock */

  VireoConnectionState  state;
  guint                 stats_interval;
  guint                 stats_source;
  guint                 reconnect_source;
  guint                 reconnect_in;
  guint                 generation;   /* bumped on every open and close */
  gint64                connecting_since; /* monotonic µs; 0 unless connecting */
  GTask                *open_task;    /* the caller's open_async, if any */
  VireoAuthRequest     *pending_auth; /* the question the user sees now */
  guint                 connect_timeout;
  guint                 connect_timeout_source;
  guint                 is_demo : 1;
  guint                 autoconnect : 1;
  guint                 populated : 1;
  guint                 want_connected : 1;
  guint                 stats_in_flight : 1;
};

G_DEFINE_FINAL_TYPE (VireoConnection, vireo_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URI,
  PROP_DISPLAY_NAME,
  PROP_HOSTNAME,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_IS_DEMO,
  PROP_POPULATED,
  PROP_STATS_INTERVAL,
  PROP_RECONNECT_IN,
  PROP_NAME,
  PROP_AUTOCONNECT,
  PROP_LAST_CONNECTED,
  PROP_VERSIONS,
  PROP_CONNECT_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  DOMAIN_STATE_CHANGED,
  DOMAIN_DEVICES_CHANGED,
  AUTHENTICATE,
  NETWORK_CHANGED,
  POOL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void vireo_connection_start_open (VireoConnection *self,
                                         GTask           *task);
static void schedule_reconnect          (VireoConnection *self);
static void update_stats_timer          (VireoConnection *self);
static void arm_connect_timeout         (VireoConnection *self);
static void finish_open_task            (VireoConnection *self,
                                         GError          *error);

/* ------------------------------------------------------------------------ */
/* VireoLink: shared between the main thread and the workers                 */

static VireoLink *
vireo_link_new (VireoConnection *owner)
{
  VireoLink *link = g_new0 (VireoLink, 1);

  g_atomic_ref_count_init (&link->ref_count);
  g_mutex_init (&link->lock);
  g_mutex_init (&link->call_lock);
  g_weak_ref_init (&link->owner, owner);
  link->lifecycle_id = link->reboot_id = link->metadata_id = -1;
  link->device_added_id = -1;
  link->network_id = link->pool_id = link->pool_refresh_id = -1;
  return link;
}

static VireoLink *
vireo_link_ref (VireoLink *link)
{
  g_atomic_ref_count_inc (&link->ref_count);
  return link;
}

static void
vireo_link_unref (gpointer data)
{
  VireoLink *link = data;

  if (!g_atomic_ref_count_dec (&link->ref_count))
    return;

  /* The ops worker drops the connection before it exits (dispose queues
   * that first), so by the time event structs release their references on
   * the main thread there is nothing left to close. This is a last resort. */
  if (link->conn != NULL)
    virConnectClose (link->conn);
  g_weak_ref_clear (&link->owner);
  g_mutex_clear (&link->lock);
  g_mutex_clear (&link->call_lock);
  g_free (link);
}

static virConnectPtr
vireo_link_dup_conn (VireoLink *link,
                     guint     *generation)
{
  virConnectPtr conn;

  g_mutex_lock (&link->lock);
  conn = link->conn;
  if (conn != NULL)
    virConnectRef (conn);
  if (generation != NULL)
    *generation = link->generation;
  g_mutex_unlock (&link->lock);
  return conn;
}

static void on_close (virConnectPtr conn,
                      int           reason,
                      void         *opaque);

/* ops worker only */
static void
vireo_link_drop_conn (VireoLink *link)
{
  virConnectPtr conn;

  g_mutex_lock (&link->lock);
  conn = g_steal_pointer (&link->conn);
  g_mutex_unlock (&link->lock);

  if (conn == NULL)
    return;

  /* A dead connection fails these quickly; errors are of no interest. */
  if (link->lifecycle_id >= 0)
    virConnectDomainEventDeregisterAny (conn, link->lifecycle_id);
  if (link->reboot_id >= 0)
    virConnectDomainEventDeregisterAny (conn, link->reboot_id);
  if (link->metadata_id >= 0)
    virConnectDomainEventDeregisterAny (conn, link->metadata_id);
  if (link->device_added_id >= 0)
    virConnectDomainEventDeregisterAny (conn, link->device_added_id);
  if (link->network_id >= 0)
    virConnectNetworkEventDeregisterAny (conn, link->network_id);
  if (link->pool_id >= 0)
    virConnectStoragePoolEventDeregisterAny (conn, link->pool_id);
  if (link->pool_refresh_id >= 0)
    virConnectStoragePoolEventDeregisterAny (conn, link->pool_refresh_id);
  link->lifecycle_id = link->reboot_id = link->metadata_id = -1;
  link->device_added_id = -1;
  link->network_id = link->pool_id = link->pool_refresh_id = -1;
  /* The close callback holds no reference on the link (see the open):
   * gone before the link can be. */
  virConnectUnregisterCloseCallback (conn, on_close);
  virResetLastError ();
  virConnectClose (conn);
  virResetLastError ();
}

/* A full listing parses every domain's XML once; on a big host that is tens
 * of megabytes freed again at once, which glibc keeps resident in whichever
 * arena the worker used. Hand it back after the bulk passes. */
static void
release_freed_memory (void)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
}

/* ------------------------------------------------------------------------ */
/* Samples                                                                   */

void
vireo_domain_sample_free (VireoDomainSample *sample)
{
  if (sample == NULL)
    return;
  g_free (sample->uuid);
  g_free (sample->name);
  g_free (sample->title);
  g_free (sample->description);
  g_free (sample);
}

static gboolean
typed_param_as_u64 (const virTypedParameter *param,
                    guint64                 *value)
{
  switch (param->type)
    {
    case VIR_TYPED_PARAM_INT:     *value = (guint64) MAX (param->value.i, 0); return TRUE;
    case VIR_TYPED_PARAM_UINT:    *value = param->value.ui; return TRUE;
    case VIR_TYPED_PARAM_LLONG:   *value = (guint64) MAX (param->value.l, 0); return TRUE;
    case VIR_TYPED_PARAM_ULLONG:  *value = param->value.ul; return TRUE;
    default:                      return FALSE;
    }
}

/* What the guest uses, from the balloon group, in the order of trust: the
 * guest's own figures (its balloon driver reports them once a statistics
 * period is set), else what the QEMU process holds on the host ("rss", which
 * counts only pages the guest has touched), capped at what the guest was
 * given, since QEMU's own overhead is not the guest's. */
typedef struct
{
  guint64 available;
  guint64 usable;
  guint64 unused;
  guint64 rss;
  guint   has_available : 1;
  guint   has_usable : 1;
  guint   has_unused : 1;
  guint   has_rss : 1;
} BalloonStats;

static void
sample_set_memory_used (VireoDomainSample  *sample,
                        const BalloonStats *b)
{
  if (b->has_available && b->has_usable && b->usable <= b->available)
    /* What `free` calls used: caches the guest can drop are not counted. */
    sample->memory_used_kib = b->available - b->usable;
  else if (b->has_available && b->has_unused && b->unused <= b->available)
    sample->memory_used_kib = b->available - b->unused;
  else if (b->has_rss && sample->memory_kib > 0)
    sample->memory_used_kib = MIN (b->rss, sample->memory_kib);
  else
    return;
  sample->has_memory_used = TRUE;
}

/**
 * _vireo_domain_sample_read_stats: (skip)
 *
 * Fills @sample from one domain's bulk statistics. The driver decides which
 * groups it reports: the test driver only knows "state", QEMU knows all.
 */
void
_vireo_domain_sample_read_stats (VireoDomainSample       *sample,
                                 const virTypedParameter *params,
                                 int                      nparams)
{
  BalloonStats balloon = { 0 };

  for (int i = 0; i < nparams; i++)
    {
      const virTypedParameter *p = &params[i];
      const char *f = p->field;
      guint64 v;

      if (!typed_param_as_u64 (p, &v))
        continue;

      if (strcmp (f, "state.state") == 0)
        sample->state = (int) v;
      else if (strcmp (f, "cpu.time") == 0)
        sample->cpu_time_ns = v, sample->has_cpu = TRUE;
      else if (strcmp (f, "balloon.current") == 0)
        sample->memory_kib = v;
      else if (strcmp (f, "balloon.maximum") == 0)
        sample->max_memory_kib = v, sample->has_info = TRUE;
      else if (strcmp (f, "balloon.available") == 0)
        balloon.available = v, balloon.has_available = TRUE;
      else if (strcmp (f, "balloon.usable") == 0)
        balloon.usable = v, balloon.has_usable = TRUE;
      else if (strcmp (f, "balloon.unused") == 0)
        balloon.unused = v, balloon.has_unused = TRUE;
      else if (strcmp (f, "balloon.rss") == 0)
        balloon.rss = v, balloon.has_rss = TRUE;
      else if (strcmp (f, "vcpu.current") == 0)
        sample->vcpus = (guint) v;
      /* A count of 0 is a report too: a guest without disks reads 0 B/s,
       * not "not reported". */
      else if (strcmp (f, "block.count") == 0)
        sample->block_count = (guint) v, sample->has_block = TRUE;
      else if (g_str_has_prefix (f, "block.") && g_str_has_suffix (f, ".rd.bytes"))
        sample->block_rd_bytes += v, sample->has_block = TRUE;
      else if (g_str_has_prefix (f, "block.") && g_str_has_suffix (f, ".wr.bytes"))
        sample->block_wr_bytes += v, sample->has_block = TRUE;
      else if (strcmp (f, "net.count") == 0)
        sample->net_count = (guint) v, sample->has_net = TRUE;
      else if (g_str_has_prefix (f, "net.") && g_str_has_suffix (f, ".rx.bytes"))
        sample->net_rx_bytes += v, sample->has_net = TRUE;
      else if (g_str_has_prefix (f, "net.") && g_str_has_suffix (f, ".tx.bytes"))
        sample->net_tx_bytes += v, sample->has_net = TRUE;
    }

  if (sample->memory_kib == 0)
    sample->memory_kib = sample->max_memory_kib;
  sample_set_memory_used (sample, &balloon);
}

/* Reads one virDomainStatsRecord into plain data. */
static VireoDomainSample *
sample_from_stats (virDomainStatsRecordPtr record,
                   gint64                  now)
{
  VireoDomainSample *sample = g_new0 (VireoDomainSample, 1);
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (virDomainGetUUIDString (record->dom, uuid) == 0)
    sample->uuid = g_strdup (uuid);
  sample->name = g_strdup (virDomainGetName (record->dom));
  sample->id = virDomainGetID (record->dom) == (unsigned int) -1 ? -1 : (int) virDomainGetID (record->dom);
  sample->sampled_us = now;
  _vireo_domain_sample_read_stats (sample, record->params, record->nparams);

  return sample;
}

/* For drivers whose bulk statistics lack memory and CPU figures (the test
 * driver): one virDomainGetInfo. Costs a round trip per domain, so it is only
 * used where the bulk call had nothing to say. */
static void
sample_fill_info (VireoDomainSample *sample,
                  virDomainPtr       dom)
{
  virDomainInfo info;

  if (virDomainGetInfo (dom, &info) < 0)
    {
      virResetLastError ();
      return;
    }

  sample->state = info.state;
  sample->max_memory_kib = info.maxMem;
  sample->memory_kib = info.memory ? info.memory : info.maxMem;
  sample->vcpus = info.nrVirtCpu;
  sample->has_info = TRUE;
  if (!sample->has_cpu && info.state != VIR_DOMAIN_SHUTOFF)
    {
      sample->cpu_time_ns = info.cpuTime;
      sample->has_cpu = TRUE;
    }
}

static void
sample_fill_details (VireoDomainSample *sample,
                     virDomainPtr       dom)
{
  g_autofree char *xml = virDomainGetXMLDesc (dom, 0);
  g_autoptr(VireoDomainConfig) config = NULL;

  if (xml == NULL)
    {
      virResetLastError ();
      return;
    }

  config = vireo_domain_config_new_from_xml (xml, NULL);
  if (config == NULL)
    return;

  sample->title = g_strdup (vireo_domain_config_get_title (config));
  sample->description = g_strdup (vireo_domain_config_get_description (config));
  sample->has_details = TRUE;
}

#define STATS_GROUPS (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | \
                      VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU | \
                      VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

/* Samples @doms with one bulk call; NULL-terminated array as libvirt wants. */
static GPtrArray *
sample_domains (virConnectPtr  conn,
                virDomainPtr  *doms,
                gboolean       active_only,
                GError       **error)
{
  virDomainStatsRecordPtr *records = NULL;
  GPtrArray *samples;
  gint64 now;
  int n;

  if (doms != NULL)
    n = virDomainListGetStats (doms, STATS_GROUPS, &records, 0);
  else
    n = virConnectGetAllDomainStats (conn, STATS_GROUPS, &records,
                                     active_only ? VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE : 0);
  now = g_get_monotonic_time ();

  if (n < 0)
    {
      *error = vireo_virt_error_from_last (_("Could not read domain statistics"));
      return NULL;
    }

  samples = g_ptr_array_new_full (n, (GDestroyNotify) vireo_domain_sample_free);
  for (int i = 0; i < n; i++)
    {
      VireoDomainSample *sample = sample_from_stats (records[i], now);

      if (!sample->has_info || (!sample->has_cpu && sample->state != VIR_DOMAIN_SHUTOFF))
        sample_fill_info (sample, records[i]->dom);
      if (sample->uuid != NULL)
        g_ptr_array_add (samples, sample);
      else
        vireo_domain_sample_free (sample);
    }
  virDomainStatsRecordListFree (records);

  return samples;
}

/* The UUIDs of the machines a filtered listing names, or NULL when the
 * driver cannot filter so. */
static GHashTable *
list_uuids (virConnectPtr conn,
            unsigned int  flags)
{
  GHashTable *uuids;
  virDomainPtr *doms = NULL;
  int n;

  n = virConnectListAllDomains (conn, &doms, flags);
  if (n < 0)
    {
      virResetLastError ();
      return NULL;
    }

  uuids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < n; i++)
    {
      char uuid[VIR_UUID_STRING_BUFLEN];

      if (virDomainGetUUIDString (doms[i], uuid) == 0)
        g_hash_table_add (uuids, g_strdup (uuid));
      virDomainFree (doms[i]);
    }
  free (doms);
  return uuids;
}

/* Which shut-off machines libvirt keeps a managed save image of, and which
 * running ones are transient: one more listing each for all of them, not
 * a question per machine (a thousand round trips on a remote host). A
 * driver that cannot filter leaves it unknown. */
static void
mark_saved_states (virConnectPtr  conn,
                   GPtrArray     *samples)
{
  g_autoptr(GHashTable) saved =
    list_uuids (conn, VIR_CONNECT_LIST_DOMAINS_INACTIVE | VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE);
  g_autoptr(GHashTable) transient = list_uuids (conn, VIR_CONNECT_LIST_DOMAINS_TRANSIENT);

  for (guint i = 0; i < samples->len; i++)
    {
      VireoDomainSample *sample = g_ptr_array_index (samples, i);

      if (saved != NULL)
        {
          sample->has_saved_state = TRUE;
          sample->saved_state = g_hash_table_contains (saved, sample->uuid);
        }
      if (transient != NULL)
        {
          sample->has_persistent = TRUE;
          sample->persistent = !g_hash_table_contains (transient, sample->uuid);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Events: run on the main context                                           */

typedef struct
{
  VireoLink *link;
  char      *uuid;
  char      *name;
  int        event;
  int        detail;
} LifecycleEvent;

static void
lifecycle_event_free (gpointer data)
{
  LifecycleEvent *ev = data;

  vireo_link_unref (ev->link);
  g_free (ev->uuid);
  g_free (ev->name);
  g_free (ev);
}

static void remove_domain (VireoConnection *self,
                           const char      *uuid);

static gboolean
handle_lifecycle (gpointer data)
{
  LifecycleEvent *ev = data;

  g_assert (vireo_is_main_thread ());
  g_autoptr(VireoConnection) self = g_weak_ref_get (&ev->link->owner);
  VireoDomain *domain;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  domain = g_hash_table_lookup (self->by_uuid, ev->uuid);
  g_debug ("%s: lifecycle %s event %d detail %d", self->uri, ev->name, ev->event, ev->detail);
  /* Defined again, undefined, renamed: the cached definition may be old. */
  _vireo_connection_forget_domain_xml (self, ev->uuid);

  switch (ev->event)
    {
    case VIR_DOMAIN_EVENT_STARTED:
    case VIR_DOMAIN_EVENT_RESUMED:
      if (domain != NULL)
        _vireo_domain_set_state (domain, VIREO_DOMAIN_STATE_RUNNING);
      break;
    case VIR_DOMAIN_EVENT_SUSPENDED:
      if (domain != NULL)
        _vireo_domain_set_state (domain, VIREO_DOMAIN_STATE_PAUSED);
      break;
    case VIR_DOMAIN_EVENT_STOPPED:
      if (domain != NULL)
        _vireo_domain_set_state (domain, VIREO_DOMAIN_STATE_SHUTOFF);
      break;
    case VIR_DOMAIN_EVENT_PMSUSPENDED:
      if (domain != NULL)
        _vireo_domain_set_state (domain, VIREO_DOMAIN_STATE_PMSUSPENDED);
      break;
    case VIR_DOMAIN_EVENT_CRASHED:
      if (domain != NULL)
        _vireo_domain_set_state (domain, VIREO_DOMAIN_STATE_CRASHED);
      break;
    case VIR_DOMAIN_EVENT_UNDEFINED:
      /* A running domain that loses its definition turns transient and
       * stays; the refresh below removes it once it is really gone. */
      if (domain != NULL && !vireo_domain_get_active (domain)
          && ev->detail != VIR_DOMAIN_EVENT_UNDEFINED_RENAMED)
        remove_domain (self, ev->uuid);
      /* A rename undefines the old name and defines the new one under the
       * same UUID: the machine (and any window open on it) stays, and the
       * refresh below gives it its new name. */
      break;
    case VIR_DOMAIN_EVENT_DEFINED:
      if (domain == NULL)
        {
          VireoDomainSample sample = {
            .uuid = ev->uuid, .name = ev->name, .id = -1,
            .state = VIR_DOMAIN_SHUTOFF,
          };
          domain = _vireo_domain_new (self, &sample);
          g_hash_table_insert (self->by_uuid, g_strdup (ev->uuid), domain);
          g_list_store_append (self->domains, domain);
          g_object_unref (domain);
        }
      break;
    case EVENT_DEVICES:
      /* A hot-plug changes the live XML only; the map and the details
       * window re-read it. */
      if (domain != NULL)
        g_signal_emit (self, signals[DOMAIN_DEVICES_CHANGED], 0, domain);
      return G_SOURCE_REMOVE;
    default:
      break;
    }

  /* The event says what happened; the refresh reads what is true now (memory,
   * vCPUs, a transient domain's disappearance; title and description only
   * when the definition or metadata changed). */
  vireo_connection_refresh_domain (self, ev->uuid,
                                   ev->event == VIR_DOMAIN_EVENT_DEFINED || ev->event == EVENT_METADATA);

  return G_SOURCE_REMOVE;
}

static void
post_lifecycle (VireoLink    *link,
                virDomainPtr  dom,
                int           event,
                int           detail)
{
  LifecycleEvent *ev = g_new0 (LifecycleEvent, 1);
  char uuid[VIR_UUID_STRING_BUFLEN];

  /* virDomainGetUUIDString and virDomainGetName read the handle libvirt
   * gave us; they never touch the network. */
  if (virDomainGetUUIDString (dom, uuid) < 0)
    {
      g_free (ev);
      return;
    }

  ev->link = vireo_link_ref (link);
  ev->uuid = g_strdup (uuid);
  ev->name = g_strdup (virDomainGetName (dom));
  ev->event = event;
  ev->detail = detail;

  /* libvirt-glib dispatches on the main context already; the hop keeps
   * that true should a driver ever call from elsewhere. */
  vireo_main_invoke (handle_lifecycle, ev, lifecycle_event_free, G_PRIORITY_DEFAULT);
}

static int
on_lifecycle_event (virConnectPtr  conn,
                    virDomainPtr   dom,
                    int            event,
                    int            detail,
                    void          *opaque)
{
  post_lifecycle (opaque, dom, event, detail);
  return 0;
}

static void
on_reboot_event (virConnectPtr  conn,
                 virDomainPtr   dom,
                 void          *opaque)
{
  post_lifecycle (opaque, dom, -1, 0);
}

static void
on_metadata_event (virConnectPtr  conn,
                   virDomainPtr   dom,
                   int            type,
                   const char    *nsuri,
                   void          *opaque)
{
  post_lifecycle (opaque, dom, EVENT_METADATA, 0);
}

static void
on_device_event (virConnectPtr  conn,
                 virDomainPtr   dom,
                 const char    *alias,
                 void          *opaque)
{
  post_lifecycle (opaque, dom, EVENT_DEVICES, 0);
}

/* Networks and pools: the signal only says which one changed; the pages
 * that show them read what is true now (one list call), so the event's
 * kind is not carried. */
typedef struct
{
  VireoLink *link;
  char      *name;
  guint      signal;
} ObjectEvent;

static void
object_event_free (gpointer data)
{
  ObjectEvent *ev = data;

  vireo_link_unref (ev->link);
  g_free (ev->name);
  g_free (ev);
}

static gboolean
handle_object_event (gpointer data)
{
  ObjectEvent *ev = data;
  g_autoptr(VireoConnection) self = g_weak_ref_get (&ev->link->owner);

  g_assert (vireo_is_main_thread ());
  if (self != NULL)
    g_signal_emit (self, signals[ev->signal], 0, ev->name);
  return G_SOURCE_REMOVE;
}

static void
post_object_event (VireoLink  *link,
                   const char *name,
                   guint       signal)
{
  ObjectEvent *ev = g_new0 (ObjectEvent, 1);

  ev->link = vireo_link_ref (link);
  ev->name = g_strdup (name);
  ev->signal = signal;
  vireo_main_invoke (handle_object_event, ev, object_event_free, G_PRIORITY_DEFAULT);
}

static void
on_network_event (virConnectPtr  conn,
                  virNetworkPtr  net,
                  int            event,
                  int            detail,
                  void          *opaque)
{
  /* virNetworkGetName reads the handle; no RPC. */
  post_object_event (opaque, virNetworkGetName (net), NETWORK_CHANGED);
}

static void
on_pool_event (virConnectPtr     conn,
               virStoragePoolPtr pool,
               int               event,
               int               detail,
               void             *opaque)
{
  post_object_event (opaque, virStoragePoolGetName (pool), POOL_CHANGED);
}

static void
on_pool_refresh_event (virConnectPtr     conn,
                       virStoragePoolPtr pool,
                       void             *opaque)
{
  post_object_event (opaque, virStoragePoolGetName (pool), POOL_CHANGED);
}

typedef struct
{
  VireoLink     *link;
  virConnectPtr  conn;   /* identity only, never dereferenced here */
  int            reason;
} CloseEvent;

static void
close_event_free (gpointer data)
{
  CloseEvent *ev = data;

  vireo_link_unref (ev->link);
  g_free (ev);
}

static const char *
close_reason_to_string (int reason)
{
  switch (reason)
    {
    case VIR_CONNECT_CLOSE_REASON_ERROR:
      return _("the connection failed");
    case VIR_CONNECT_CLOSE_REASON_EOF:
      return _("the libvirt daemon closed the connection (it may have stopped or restarted)");
    case VIR_CONNECT_CLOSE_REASON_KEEPALIVE:
      return _("the host stopped answering (keepalive timeout)");
    case VIR_CONNECT_CLOSE_REASON_CLIENT:
    default:
      return _("the connection was closed");
    }
}

static void
set_error_message (VireoConnection *self,
                   const char      *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
set_state (VireoConnection      *self,
           VireoConnectionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  self->connecting_since = state == VIREO_CONNECTION_STATE_CONNECTING ? g_get_monotonic_time () : 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  update_stats_timer (self);
}

static void
drop_conn_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable,
                  gpointer      worker_data,
                  gpointer      func_data)
{
  VireoLink *link = worker_data;

  g_mutex_lock (&link->call_lock);
  vireo_link_drop_conn (link);
  g_mutex_unlock (&link->call_lock);
  g_task_return_boolean (task, TRUE);
}

static void
push_drop_conn (VireoConnection *self)
{
  /* No source object: this also runs from dispose. */
  vireo_worker_push (self->ops, g_task_new (NULL, NULL, NULL, NULL),
                     drop_conn_thread, NULL);
}

static gboolean
handle_close (gpointer data)
{
  CloseEvent *ev = data;

  g_assert (vireo_is_main_thread ());
  g_autoptr(VireoConnection) self = g_weak_ref_get (&ev->link->owner);
  g_autofree char *message = NULL;
  gboolean current;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  g_mutex_lock (&ev->link->lock);
  current = ev->link->conn == ev->conn;
  g_mutex_unlock (&ev->link->lock);
  if (!current || self->state != VIREO_CONNECTION_STATE_CONNECTED)
    return G_SOURCE_REMOVE;

  /* Translators: %s says why, e.g. "the host stopped answering" */
  message = g_strdup_printf (_("Disconnected: %s."), close_reason_to_string (ev->reason));
  g_message ("%s: %s", self->uri, message);

  self->generation++;
  push_drop_conn (self);
  set_error_message (self, message);
  set_state (self, VIREO_CONNECTION_STATE_DISCONNECTED);
  if (self->want_connected)
    schedule_reconnect (self);

  return G_SOURCE_REMOVE;
}

/* May run on any thread: libvirt calls it from whichever one notices. */
static void
on_close (virConnectPtr  conn,
          int            reason,
          void          *opaque)
{
  CloseEvent *ev = g_new0 (CloseEvent, 1);

  ev->link = vireo_link_ref (opaque);
  ev->conn = conn;
  ev->reason = reason;
  vireo_main_invoke (handle_close, ev, close_event_free, G_PRIORITY_DEFAULT);
}

/* ------------------------------------------------------------------------ */
/* Authentication                                                            */

typedef struct
{
  char *prompt;
  char *label;
  char *secret;
} PendingSecret;

static void
pending_secret_free (gpointer data)
{
  PendingSecret *p = data;

  g_free (p->prompt);
  g_free (p->label);
  if (p->secret != NULL)
    memset (p->secret, 0, strlen (p->secret));
  g_free (p->secret);
  g_free (p);
}

/* One open attempt's view of the questions libvirt asks; lives on the ops
 * worker's stack for the length of virConnectOpenAuth. */
typedef struct
{
  VireoLink  *link;
  const char *uri;
  guint       generation;
  int         keyring;        /* -1 not yet known, 0 absent, 1 reachable */
  GHashTable *asked;          /* prompt -> times asked in this attempt */
  GHashTable *from_keyring;   /* prompts answered from the keyring */
  GHashTable *refused_saved;  /* prompts whose saved answer was refused */
  GPtrArray  *to_remember;    /* PendingSecret, stored once the open works */
  gboolean    user_cancelled;
} AuthContext;

static gboolean
credential_is_secret (int type)
{
  return type == VIR_CRED_PASSPHRASE || type == VIR_CRED_NOECHOPROMPT;
}

static const char *
credential_prompt (virConnectCredentialPtr cred)
{
  return cred->prompt != NULL && *cred->prompt != '\0' ? cred->prompt : "password";
}

static gboolean
keyring_reachable (AuthContext *ctx)
{
  if (ctx->keyring < 0)
    ctx->keyring = vireo_secrets_available () ? 1 : 0;
  return ctx->keyring == 1;
}

static gboolean
set_credential_result (virConnectCredentialPtr  cred,
                       const char              *value)
{
  /* libvirt releases results with free(). */
  cred->result = strdup (value != NULL ? value : "");
  if (cred->result == NULL)
    return FALSE;
  cred->resultlen = strlen (cred->result);
  return TRUE;
}

/* Fills every credential from the keyring, or none: a half-filled answer
 * would still have to ask, and asking for all at once reads better. */
static gboolean
answer_from_keyring (AuthContext             *ctx,
                     virConnectCredentialPtr  cred,
                     unsigned int             ncred)
{
  g_auto(GStrv) found = g_new0 (char *, ncred + 1);

  for (unsigned int i = 0; i < ncred; i++)
    {
      const char *prompt = credential_prompt (&cred[i]);

      if (!credential_is_secret (cred[i].type)
          || g_hash_table_contains (ctx->asked, prompt))
        return FALSE;
    }
  if (!keyring_reachable (ctx))
    return FALSE;

  for (unsigned int i = 0; i < ncred; i++)
    {
      g_autoptr(GError) error = NULL;

      found[i] = vireo_secrets_lookup (ctx->uri, credential_prompt (&cred[i]), &error);
      if (found[i] == NULL)
        {
          if (error != NULL)
            g_debug ("Keyring lookup failed: %s", error->message);
          return FALSE;
        }
    }

  for (unsigned int i = 0; i < ncred; i++)
    {
      const char *prompt = credential_prompt (&cred[i]);

      if (!set_credential_result (&cred[i], found[i]))
        return FALSE;
      memset (found[i], 0, strlen (found[i]));
      g_hash_table_insert (ctx->asked, g_strdup (prompt), GUINT_TO_POINTER (1));
      g_hash_table_add (ctx->from_keyring, g_strdup (prompt));
    }
  return TRUE;
}

typedef struct
{
  VireoLink        *link;
  VireoAuthRequest *request;
} AuthDelivery;

static void
auth_delivery_free (gpointer data)
{
  AuthDelivery *delivery = data;

  vireo_link_unref (delivery->link);
  g_object_unref (delivery->request);
  g_free (delivery);
}

static void
on_auth_finished (VireoConnection  *self,
                  GParamSpec       *pspec,
                  VireoAuthRequest *request)
{
  if (self->pending_auth != request)
    return;
  g_signal_handlers_disconnect_by_func (request, on_auth_finished, self);
  g_clear_object (&self->pending_auth);
  /* The clock restarts: the user's think time is not the host's fault. */
  arm_connect_timeout (self);
}

static gboolean
deliver_auth (gpointer data)
{
  AuthDelivery *delivery = data;

  g_assert (vireo_is_main_thread ());
  g_autoptr(VireoConnection) self = g_weak_ref_get (&delivery->link->owner);
  VireoAuthRequest *request = delivery->request;

  if (self == NULL
      || self->generation != _vireo_auth_request_get_generation (request)
      || self->state != VIREO_CONNECTION_STATE_CONNECTING)
    {
      _vireo_auth_request_abort (request);
      return G_SOURCE_REMOVE;
    }

  _vireo_connection_ask (self, request);
  return G_SOURCE_REMOVE;
}

/**
 * _vireo_connection_ask:
 *
 * Shows @request to whoever answers for this connection, pausing the
 * connect timeout meanwhile; cancels it when nobody does. Also used for
 * the questions OpenSSH asks through Vireo's askpass helper.
 */
void
_vireo_connection_ask (VireoConnection  *self,
                       VireoAuthRequest *request)
{
  gboolean handled = FALSE;

  g_assert (vireo_is_main_thread ());

  if (self->pending_auth != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->pending_auth, on_auth_finished, self);
      _vireo_auth_request_abort (self->pending_auth);
      g_clear_object (&self->pending_auth);
    }

  self->pending_auth = g_object_ref (request);
  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);
  g_signal_connect_object (request, "notify::finished", G_CALLBACK (on_auth_finished),
                           self, G_CONNECT_SWAPPED);

  g_signal_emit (self, signals[AUTHENTICATE], 0, request, &handled);
  if (!handled)
    vireo_auth_request_cancel (request);
}

static VireoAuthFieldKind
field_kind_for (int type)
{
  switch (type)
    {
    case VIR_CRED_AUTHNAME:
    case VIR_CRED_USERNAME:
      return VIREO_AUTH_FIELD_USERNAME;
    case VIR_CRED_PASSPHRASE:
      return VIREO_AUTH_FIELD_PASSWORD;
    case VIR_CRED_NOECHOPROMPT:
      return VIREO_AUTH_FIELD_SECRET_TEXT;
    default:
      return VIREO_AUTH_FIELD_TEXT;
    }
}

/* ops worker: libvirt calls this from inside virConnectOpenAuth. */
static int
on_auth (virConnectCredentialPtr cred,
         unsigned int            ncred,
         void                   *cbdata)
{
  AuthContext *ctx = cbdata;
  g_autoptr(VireoAuthRequest) request = NULL;
  g_autofree char *host = NULL;
  g_autofree char *fingerprint = NULL;
  g_auto(GStrv) answers = NULL;
  AuthDelivery *delivery;
  gboolean remember = FALSE;
  gboolean retry = FALSE;
  gboolean stale_saved = FALSE;

  if (ncred == 1 && cred[0].type == VIR_CRED_ECHOPROMPT
      && _vireo_auth_parse_host_key_prompt (cred[0].prompt, &host, &fingerprint))
    {
      request = _vireo_auth_request_new (VIREO_AUTH_REQUEST_HOST_KEY, ctx->uri, ctx->generation);
      _vireo_auth_request_set_host_key (request, host, fingerprint);
      _vireo_auth_request_set_title (request, _("Unknown Host Key"));
      _vireo_auth_request_set_message (request, cred[0].prompt);
    }
  else
    {
      if (answer_from_keyring (ctx, cred, ncred))
        return 0;

      request = _vireo_auth_request_new (VIREO_AUTH_REQUEST_CREDENTIALS, ctx->uri, ctx->generation);
      for (unsigned int i = 0; i < ncred; i++)
        {
          const char *prompt = credential_prompt (&cred[i]);
          const char *def = cred[i].defresult;

          if (cred[i].type == VIR_CRED_EXTERNAL)
            return -1;
          if (g_hash_table_contains (ctx->asked, prompt))
            retry = TRUE;
          if (g_hash_table_contains (ctx->from_keyring, prompt))
            {
              stale_saved = TRUE;
              g_hash_table_add (ctx->refused_saved, g_strdup (prompt));
            }
          if (def == NULL && field_kind_for (cred[i].type) == VIREO_AUTH_FIELD_USERNAME)
            def = g_get_user_name ();
          _vireo_auth_request_add_field (request, field_kind_for (cred[i].type), prompt, def);
        }
      _vireo_auth_request_set_title (request, _("Authentication Required"));
      _vireo_auth_request_set_retry (request, retry);
      if (stale_saved)
        _vireo_auth_request_set_message (request, _("The saved password was not accepted."));
      else if (retry && ncred == 1 && credential_is_secret (cred[0].type))
        _vireo_auth_request_set_message (request, _("The password was not accepted. Try again."));
      else if (retry)
        _vireo_auth_request_set_message (request, _("That was not accepted. Try again."));
      for (unsigned int i = 0; i < ncred; i++)
        if (credential_is_secret (cred[i].type))
          {
            _vireo_auth_request_set_can_remember (request, keyring_reachable (ctx));
            break;
          }
    }

  delivery = g_new0 (AuthDelivery, 1);
  delivery->link = vireo_link_ref (ctx->link);
  delivery->request = g_object_ref (request);
  vireo_main_invoke (deliver_auth, delivery, auth_delivery_free, G_PRIORITY_DEFAULT);

  if (!_vireo_auth_request_wait (request, &answers, &remember))
    {
      ctx->user_cancelled = TRUE;
      return -1;
    }

  for (unsigned int i = 0; i < ncred; i++)
    {
      const char *prompt = credential_prompt (&cred[i]);
      guint times = GPOINTER_TO_UINT (g_hash_table_lookup (ctx->asked, prompt));

      if (!set_credential_result (&cred[i], answers[i]))
        return -1;
      g_hash_table_insert (ctx->asked, g_strdup (prompt), GUINT_TO_POINTER (times + 1));
      g_hash_table_remove (ctx->from_keyring, prompt);

      if (remember && credential_is_secret (cred[i].type))
        {
          PendingSecret *p = g_new0 (PendingSecret, 1);

          p->prompt = g_strdup (prompt);
          /* Translators: the keyring's label; %s is a libvirt URI */
          p->label = g_strdup_printf (_("Vireo: password for %s"), ctx->uri);
          p->secret = g_strdup (answers[i]);
          g_ptr_array_add (ctx->to_remember, p);
        }
      memset (answers[i], 0, strlen (answers[i]));
    }
  return 0;
}

/* ops worker, after the open: keep what the user asked to remember, and
 * forget a saved secret the host refused so that next time the user is
 * asked instead of failing again. */
static void
auth_context_settle (AuthContext *ctx,
                     gboolean     opened,
                     gboolean     auth_failed)
{
  GHashTableIter iter;
  gpointer prompt;

  if (opened)
    {
      for (guint i = 0; i < ctx->to_remember->len; i++)
        {
          PendingSecret *p = g_ptr_array_index (ctx->to_remember, i);
          g_autoptr(GError) error = NULL;

          g_hash_table_remove (ctx->refused_saved, p->prompt);
          if (!vireo_secrets_store (ctx->uri, p->prompt, p->label, p->secret, &error))
            g_warning ("Could not save the password in the keyring: %s", error->message);
        }
      /* The host said no to these and the user typed another answer
       * without keeping it: the saved one is wrong, keep it no more. */
      g_hash_table_iter_init (&iter, ctx->refused_saved);
      while (g_hash_table_iter_next (&iter, &prompt, NULL))
        vireo_secrets_clear (ctx->uri, prompt, NULL);
    }
  else if (auth_failed)
    {
      g_hash_table_iter_init (&iter, ctx->from_keyring);
      while (g_hash_table_iter_next (&iter, &prompt, NULL))
        vireo_secrets_clear (ctx->uri, prompt, NULL);
      g_hash_table_iter_init (&iter, ctx->refused_saved);
      while (g_hash_table_iter_next (&iter, &prompt, NULL))
        vireo_secrets_clear (ctx->uri, prompt, NULL);
    }
}

static void
auth_context_clear (AuthContext *ctx)
{
  g_clear_pointer (&ctx->asked, g_hash_table_unref);
  g_clear_pointer (&ctx->from_keyring, g_hash_table_unref);
  g_clear_pointer (&ctx->refused_saved, g_hash_table_unref);
  g_clear_pointer (&ctx->to_remember, g_ptr_array_unref);
}

/* ------------------------------------------------------------------------ */
/* Open                                                                      */

typedef struct
{
  char      *uri;
  guint      generation;
} OpenData;

typedef struct
{
  GPtrArray *samples;   /* VireoDomainSample */
  GPtrArray *doms;      /* virDomainPtr, for the detail pass */
  guint      generation;
} OpenResult;

static void
free_domain (gpointer data)
{
  virDomainFree (data);
}

static void
open_data_free (gpointer data)
{
  OpenData *d = data;

  g_free (d->uri);
  g_free (d);
}

static void
open_result_free (gpointer data)
{
  OpenResult *r = data;

  g_clear_pointer (&r->samples, g_ptr_array_unref);
  g_clear_pointer (&r->doms, g_ptr_array_unref);
  g_free (r);
}

static char *
format_version (unsigned long v)
{
  return g_strdup_printf ("%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

/* ops worker: what admins ask first about a host. Two local calls, no
 * extra round trip for the type, one each for the versions. */
static char *
read_versions (virConnectPtr conn)
{
  unsigned long lib = 0, hv = 0;
  const char *type = virConnectGetType (conn);
  g_autofree char *lib_s = NULL;
  g_autofree char *hv_s = NULL;

  if (virConnectGetLibVersion (conn, &lib) < 0)
    return NULL;
  lib_s = format_version (lib);
  if (type != NULL && virConnectGetVersion (conn, &hv) == 0 && hv != 0)
    {
      hv_s = format_version (hv);
      return g_strdup_printf ("libvirt %s, %s %s", lib_s, type, hv_s);
    }
  return g_strdup_printf ("libvirt %s", lib_s);
}

static void
open_thread_locked (GTask        *task,
                    gpointer      task_data,
                    VireoLink    *link);

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable,
             gpointer      worker_data,
             gpointer      func_data)
{
  VireoLink *link = worker_data;

  g_mutex_lock (&link->call_lock);
  open_thread_locked (task, task_data, link);
  g_mutex_unlock (&link->call_lock);
}

static void
open_thread_locked (GTask        *task,
                    gpointer      task_data,
                    VireoLink    *link)
{
  OpenData *d = task_data;
  g_autoptr(GError) error = NULL;
  OpenResult *result;
  virDomainPtr *doms = NULL;
  virConnectPtr conn;
  g_autofree char *open_uri = NULL;
  int n;
  int cred_types[] = {
    VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE, VIR_CRED_ECHOPROMPT,
    VIR_CRED_NOECHOPROMPT, VIR_CRED_REALM,
  };
  AuthContext ctx = {
    .link = link,
    .uri = d->uri,
    .generation = d->generation,
    .keyring = -1,
    .asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .from_keyring = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .refused_saved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .to_remember = g_ptr_array_new_with_free_func (pending_secret_free),
  };
  virConnectAuth auth = {
    .credtype = cred_types,
    .ncredtype = G_N_ELEMENTS (cred_types),
    .cb = on_auth,
    .cbdata = &ctx,
  };

  vireo_link_drop_conn (link);

  /* Only what is opened changes: events, errors and the keyring keep the
   * URI the user knows. */
  open_uri = vireo_ssh_askpass_amend_uri (d->uri);
  conn = virConnectOpenAuth (open_uri, &auth, 0);
  if (conn == NULL)
    {
      error = vireo_virt_error_from_last (_("Could not connect"));
      auth_context_settle (&ctx, FALSE,
                           g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_AUTH_FAILED));
      if (ctx.user_cancelled)
        {
          g_clear_error (&error);
          error = g_error_new_literal (VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_AUTH_FAILED,
                                       _("Authentication was cancelled."));
        }
      auth_context_clear (&ctx);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  auth_context_settle (&ctx, TRUE, FALSE);
  auth_context_clear (&ctx);

  result = g_new0 (OpenResult, 1);
  result->generation = d->generation;

  /* Without keepalive a silently dropped link hangs calls for minutes; with
   * it the close callback fires within about 8 s. Drivers without a
   * network (test, local unix socket) may refuse it; that is fine. */
  if (virConnectSetKeepAlive (conn, 2, 3) < 0)
    virResetLastError ();
  /* No reference for libvirt to hold: drivers without close callbacks
   * (test) accept the registration and never free what they were given.
   * vireo_link_drop_conn() unregisters before the link can go. */
  if (virConnectRegisterCloseCallback (conn, on_close, link, NULL) < 0)
    virResetLastError ();

  /* Register before listing so that nothing happening in between is lost;
   * a domain seen twice is merged by UUID. */
  link->lifecycle_id =
    virConnectDomainEventRegisterAny (conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      VIR_DOMAIN_EVENT_CALLBACK (on_lifecycle_event),
                                      vireo_link_ref (link), vireo_link_unref);
  if (link->lifecycle_id < 0)
    {
      /* Without events the list would silently go stale; refuse instead. */
      error = vireo_virt_error_from_last (_("Could not register for domain events"));
      vireo_link_unref (link);
      goto fail;
    }
  link->reboot_id =
    virConnectDomainEventRegisterAny (conn, NULL, VIR_DOMAIN_EVENT_ID_REBOOT,
                                      VIR_DOMAIN_EVENT_CALLBACK (on_reboot_event),
                                      vireo_link_ref (link), vireo_link_unref);
  if (link->reboot_id < 0)
    {
      vireo_link_unref (link);
      virResetLastError ();
    }
  link->metadata_id =
    virConnectDomainEventRegisterAny (conn, NULL, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                      VIR_DOMAIN_EVENT_CALLBACK (on_metadata_event),
                                      vireo_link_ref (link), vireo_link_unref);
  if (link->metadata_id < 0)
    {
      vireo_link_unref (link);
      virResetLastError ();
    }

  /* Hot-plugged NICs and disks. Only additions: on libvirt 9.0 the free
   * callback of a device-removed registration never ran, not even on
   * deregistration (LeakSanitizer showed the link left behind), and an
   * unplug is rarely live-only anyway (the definition changes too, and
   * that is a DEFINED event). A driver without device events (test) just
   * has nothing to say. */
  link->device_added_id =
    virConnectDomainEventRegisterAny (conn, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
                                      VIR_DOMAIN_EVENT_CALLBACK (on_device_event),
                                      vireo_link_ref (link), vireo_link_unref);
  if (link->device_added_id < 0)
    {
      vireo_link_unref (link);
      virResetLastError ();
    }
  /* Drivers without networks or storage (some remotes) refuse these; the
   * pages then have nothing to follow. */
  link->network_id =
    virConnectNetworkEventRegisterAny (conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                       VIR_NETWORK_EVENT_CALLBACK (on_network_event),
                                       vireo_link_ref (link), vireo_link_unref);
  if (link->network_id < 0)
    {
      vireo_link_unref (link);
      virResetLastError ();
    }
  link->pool_id =
    virConnectStoragePoolEventRegisterAny (conn, NULL, VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                           VIR_STORAGE_POOL_EVENT_CALLBACK (on_pool_event),
                                           vireo_link_ref (link), vireo_link_unref);
  if (link->pool_id < 0)
    {
      vireo_link_unref (link);
      virResetLastError ();
    }
  link->pool_refresh_id =
    virConnectStoragePoolEventRegisterAny (conn, NULL, VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                           VIR_STORAGE_POOL_EVENT_CALLBACK (on_pool_refresh_event),
                                           vireo_link_ref (link), vireo_link_unref);
  if (link->pool_refresh_id < 0)
    {
      vireo_link_unref (link);
      virResetLastError ();
    }

  n = virConnectListAllDomains (conn, &doms, 0);
  if (n < 0)
    {
      error = vireo_virt_error_from_last (_("Could not list domains"));
      goto fail;
    }

  result->doms = g_ptr_array_new_full (n, free_domain);
  for (int i = 0; i < n; i++)
    g_ptr_array_add (result->doms, doms[i]);

  if (n > 0)
    {
      /* libvirt wants a NULL-terminated list; `doms` has the room. */
      doms = g_realloc_n (doms, n + 1, sizeof (virDomainPtr));
      doms[n] = NULL;
      result->samples = sample_domains (conn, doms, FALSE, &error);
      if (result->samples == NULL)
        {
          free (doms);
          goto fail;
        }
    }
  else
    result->samples = g_ptr_array_new ();
  free (doms);
  mark_saved_states (conn, result->samples);

  g_mutex_lock (&link->lock);
  link->conn = conn;
  link->generation = d->generation;
  g_mutex_unlock (&link->lock);

  release_freed_memory ();
  g_task_return_pointer (task, result, open_result_free);
  return;

fail:
  g_mutex_lock (&link->lock);
  link->conn = conn;
  g_mutex_unlock (&link->lock);
  vireo_link_drop_conn (link);
  open_result_free (result);
  g_task_return_error (task, g_steal_pointer (&error));
}

/* After the list is up: what can wait a few round trips (the host's name
 * and versions). On a host 300 ms away that is about a second the user no
 * longer waits for. Event registrations stay in the open: checked on
 * libvirt 9.0, keepalive does not rescue a virConnectDomainEventRegisterAny
 * in flight when the link dies (a GetHostname it does), and during the
 * open the connect timeout covers them. ops worker. */
typedef struct
{
  char  *hostname;
  char  *versions;
  guint  generation;
} Extras;

static void
extras_free (gpointer data)
{
  Extras *extras = data;

  g_free (extras->hostname);
  g_free (extras->versions);
  g_free (extras);
}

static void
extras_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable,
               gpointer      worker_data,
               gpointer      func_data)
{
  VireoLink *link = worker_data;
  guint generation = GPOINTER_TO_UINT (func_data);
  guint current = 0;
  virConnectPtr conn;
  Extras *extras;

  g_mutex_lock (&link->call_lock);
  conn = vireo_link_dup_conn (link, &current);
  if (conn == NULL || current != generation)
    {
      if (conn != NULL)
        virConnectClose (conn);
      g_mutex_unlock (&link->call_lock);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Superseded");
      return;
    }

  extras = g_new0 (Extras, 1);
  extras->generation = generation;
  extras->hostname = virConnectGetHostname (conn);
  extras->versions = read_versions (conn);
  virResetLastError ();
  virConnectClose (conn);
  g_mutex_unlock (&link->call_lock);
  g_task_return_pointer (task, extras, extras_free);
}

static void
extras_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  VireoConnection *self = VIREO_CONNECTION (object);
  Extras *extras = g_task_propagate_pointer (G_TASK (result), NULL);

  if (extras == NULL)
    return;
  if (extras->generation == self->generation)
    {
      if (g_strcmp0 (self->versions, extras->versions) != 0)
        {
          g_free (self->versions);
          self->versions = g_strdup (extras->versions);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSIONS]);
        }
      if (g_strcmp0 (self->hostname, extras->hostname) != 0)
        {
          g_free (self->hostname);
          self->hostname = g_strdup (extras->hostname);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOSTNAME]);
        }
    }
  extras_free (extras);
}

typedef struct
{
  VireoLink *link;
  guint      generation;
  GPtrArray *samples;
} DetailChunk;

static void
detail_chunk_free (gpointer data)
{
  DetailChunk *chunk = data;

  vireo_link_unref (chunk->link);
  g_ptr_array_unref (chunk->samples);
  g_free (chunk);
}

static gboolean
apply_detail_chunk (gpointer data)
{
  DetailChunk *chunk = data;

  g_assert (vireo_is_main_thread ());
  g_autoptr(VireoConnection) self = g_weak_ref_get (&chunk->link->owner);

  if (self == NULL || chunk->generation != self->generation)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < chunk->samples->len; i++)
    {
      VireoDomainSample *sample = g_ptr_array_index (chunk->samples, i);
      VireoDomain *domain = g_hash_table_lookup (self->by_uuid, sample->uuid);

      if (domain != NULL)
        _vireo_domain_apply_sample (domain, sample);
    }

  return G_SOURCE_REMOVE;
}

static void
post_detail_chunk (VireoLink *link,
                   guint      generation,
                   GPtrArray *samples)
{
  DetailChunk *chunk = g_new0 (DetailChunk, 1);

  chunk->link = vireo_link_ref (link);
  chunk->generation = generation;
  chunk->samples = samples;
  vireo_main_invoke (apply_detail_chunk, chunk, detail_chunk_free, G_PRIORITY_DEFAULT_IDLE);
}

/* bulk worker: titles and descriptions, one XML read per domain, posted back
 * in chunks so a long list fills in progressively. */
static void
details_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable,
                gpointer      worker_data,
                gpointer      func_data)
{
  VireoLink *link = worker_data;
  GPtrArray *doms = task_data;
  g_autoptr(GPtrArray) chunk = NULL;
  guint generation = GPOINTER_TO_UINT (func_data);

  for (guint i = 0; i < doms->len; i++)
    {
      virDomainPtr dom = g_ptr_array_index (doms, i);
      VireoDomainSample *sample;
      char uuid[VIR_UUID_STRING_BUFLEN];
      guint current;
      virConnectPtr conn = vireo_link_dup_conn (link, &current);

      /* Stop as soon as the connection this list came from is gone. */
      if (conn == NULL || current != generation || g_cancellable_is_cancelled (cancellable))
        {
          if (conn != NULL)
            virConnectClose (conn);
          break;
        }
      virConnectClose (conn);

      if (virDomainGetUUIDString (dom, uuid) < 0)
        continue;

      sample = g_new0 (VireoDomainSample, 1);
      sample->uuid = g_strdup (uuid);
      /* Per domain, not per chunk: a click on ops waits one call at most. */
      g_mutex_lock (&link->call_lock);
      sample_fill_details (sample, dom);
      g_mutex_unlock (&link->call_lock);
      if (chunk == NULL)
        chunk = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_domain_sample_free);
      g_ptr_array_add (chunk, sample);

      if (chunk->len >= DETAIL_CHUNK)
        post_detail_chunk (link, generation, g_steal_pointer (&chunk));
    }

  if (chunk != NULL && chunk->len > 0)
    post_detail_chunk (link, generation, g_steal_pointer (&chunk));

  /* A handle may hold the last reference to a connection that has since
   * been dropped; releasing that one closes it, which is a round trip on a
   * remote host. Do it here, not wherever the task happens to be freed. */
  g_mutex_lock (&link->call_lock);
  g_ptr_array_set_size (doms, 0);
  g_mutex_unlock (&link->call_lock);
  release_freed_memory ();

  g_task_return_boolean (task, TRUE);
}

static void
release_handles_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable,
                        gpointer      worker_data,
                        gpointer      func_data)
{
  VireoLink *link = worker_data;

  /* Dropping the last handle of a closed connection is a round trip. */
  g_mutex_lock (&link->call_lock);
  g_ptr_array_set_size (task_data, 0);
  g_mutex_unlock (&link->call_lock);
  g_task_return_boolean (task, TRUE);
}

/* Frees libvirt handles on the bulk worker (see details_thread). */
static void
release_handles (VireoConnection *self,
                 GPtrArray       *doms)
{
  GTask *task;

  if (doms == NULL)
    return;

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_task_data (task, doms, (GDestroyNotify) g_ptr_array_unref);
  vireo_worker_push (self->bulk, task, release_handles_thread, NULL);
}

static void
remove_domain (VireoConnection *self,
               const char      *uuid)
{
  VireoDomain *domain = g_hash_table_lookup (self->by_uuid, uuid);
  guint position;

  if (domain == NULL)
    return;

  if (g_list_store_find (self->domains, domain, &position))
    {
      _vireo_domain_detach (domain);
      g_hash_table_remove (self->by_uuid, uuid);
      g_list_store_remove (self->domains, position);
    }
}

/* Brings the list in line with a full listing: updates what is known, adds
 * what is new in one splice, removes what is gone. Objects survive a
 * reconnect, so a selection or an open details window stays valid. */
static void
merge_samples (VireoConnection *self,
               GPtrArray       *samples)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < samples->len; i++)
    {
      VireoDomainSample *sample = g_ptr_array_index (samples, i);
      VireoDomain *domain = g_hash_table_lookup (self->by_uuid, sample->uuid);

      g_hash_table_add (seen, sample->uuid);
      if (domain != NULL)
        _vireo_domain_apply_sample (domain, sample);
      else
        {
          domain = _vireo_domain_new (self, sample);
          g_hash_table_insert (self->by_uuid, g_strdup (sample->uuid), domain);
          g_ptr_array_add (added, domain);
        }
    }

  g_hash_table_iter_init (&iter, self->by_uuid);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      g_ptr_array_add (gone, g_strdup (key));
  for (guint i = 0; i < gone->len; i++)
    remove_domain (self, g_ptr_array_index (gone, i));

  if (added->len > 0)
    g_list_store_splice (self->domains,
                         g_list_model_get_n_items (G_LIST_MODEL (self->domains)),
                         0, added->pdata, added->len);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VireoConnection *self = VIREO_CONNECTION (object);
  g_autoptr(GError) error = NULL;
  OpenData *attempt = g_task_get_task_data (G_TASK (result));
  gboolean stale = attempt->generation != self->generation || !self->want_connected;
  OpenResult *res;

  res = g_task_propagate_pointer (G_TASK (result), &error);

  /* A cancelled or superseded attempt changes nothing, success or failure:
   * its worker may have been stuck long after the user moved on. */
  if (stale)
    {
      if (res != NULL)
        release_handles (self, g_steal_pointer (&res->doms));
      g_clear_pointer (&res, open_result_free);
      return;
    }

  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);

  if (res == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not connect: %s"), error->message);

      set_error_message (self, message);
      set_state (self, VIREO_CONNECTION_STATE_DISCONNECTED);
      if (self->populated)
        schedule_reconnect (self);
      finish_open_task (self, g_steal_pointer (&error));
      return;
    }

  merge_samples (self, res->samples);
  self->reconnect_in = 0;
  set_error_message (self, NULL);
  set_state (self, VIREO_CONNECTION_STATE_CONNECTED);
  vireo_connection_set_last_connected (self, g_get_real_time () / G_USEC_PER_SEC);
  if (!self->populated)
    {
      self->populated = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POPULATED]);
    }

  {
    GTask *extras = g_task_new (self, NULL, extras_cb, NULL);

    g_task_set_source_tag (extras, extras_thread);
    vireo_worker_push (self->ops, extras, extras_thread, GUINT_TO_POINTER (self->generation));
  }

  if (res->doms != NULL && res->doms->len > 0)
    {
      GTask *details = g_task_new (self, NULL, NULL, NULL);

      g_task_set_source_tag (details, details_thread);
      g_task_set_task_data (details, g_steal_pointer (&res->doms), (GDestroyNotify) g_ptr_array_unref);
      vireo_worker_push (self->bulk, details, details_thread, GUINT_TO_POINTER (self->generation));
    }

  release_handles (self, g_steal_pointer (&res->doms));
  open_result_free (res);

  finish_open_task (self, NULL);
}

/* Completes the caller's open_async, if one is waiting: with success, the
 * attempt's error, or why the attempt was given up. Takes @error. */
static void
finish_open_task (VireoConnection *self,
                  GError          *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->open_task);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
abort_pending_auth (VireoConnection *self)
{
  g_autoptr(VireoAuthRequest) request = g_steal_pointer (&self->pending_auth);

  if (request == NULL)
    return;
  g_signal_handlers_disconnect_by_func (request, on_auth_finished, self);
  _vireo_auth_request_abort (request);
}

/* The workers are stuck in a call that may never return (an open through a
 * link that swallows packets has no keepalive yet to end it). Leave them
 * to it with a link of their own, and carry on with fresh ones. */
static void
abandon_workers (VireoConnection *self)
{
  g_autofree char *ops_name = g_strdup_printf ("vireo-ops %s", self->uri);
  g_autofree char *bulk_name = g_strdup_printf ("vireo-bulk %s", self->uri);
  VireoLink *old_link = g_steal_pointer (&self->link);

  /* Nothing the old link delivers from now on may reach this object. */
  g_weak_ref_set (&old_link->owner, NULL);
  /* Should the stuck call ever return, close what it opened. */
  push_drop_conn (self);
  vireo_worker_shutdown (self->ops);
  vireo_worker_shutdown (self->bulk);
  g_clear_pointer (&self->ops, vireo_worker_unref);
  g_clear_pointer (&self->bulk, vireo_worker_unref);
  vireo_link_unref (old_link);

  self->link = vireo_link_new (self);
  self->ops = vireo_worker_new (ops_name, vireo_link_ref (self->link), vireo_link_unref);
  self->bulk = vireo_worker_new (bulk_name, vireo_link_ref (self->link), vireo_link_unref);
}

static gboolean
connect_timeout_cb (gpointer data)
{
  VireoConnection *self = data;
  g_autofree char *message = NULL;

  self->connect_timeout_source = 0;
  g_message ("%s: no answer after %u s; giving up on this attempt", self->uri, self->connect_timeout);

  self->generation++;
  abort_pending_auth (self);
  abandon_workers (self);
  message = g_strdup_printf (ngettext ("The host did not answer within %u second.",
                                       "The host did not answer within %u seconds.",
                                       self->connect_timeout),
                             self->connect_timeout);
  set_error_message (self, message);
  set_state (self, VIREO_CONNECTION_STATE_DISCONNECTED);
  if (self->populated && self->want_connected)
    schedule_reconnect (self);
  finish_open_task (self, g_error_new_literal (VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_TIMED_OUT, message));
  return G_SOURCE_REMOVE;
}

static void
arm_connect_timeout (VireoConnection *self)
{
  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);
  if (self->connect_timeout == 0
      || self->state != VIREO_CONNECTION_STATE_CONNECTING
      || self->pending_auth != NULL)
    return;
  self->connect_timeout_source = g_timeout_add_seconds (self->connect_timeout, connect_timeout_cb, self);
}

static void
vireo_connection_start_open (VireoConnection *self,
                             GTask           *outer)
{
  OpenData *d;
  GTask *task;

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->want_connected = TRUE;
  self->generation++;
  /* Events missed while away could have changed any definition. */
  _vireo_connection_forget_domain_xml (self, NULL);
  abort_pending_auth (self);
  if (self->open_task != NULL)
    finish_open_task (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 "Superseded by a newer attempt"));
  self->open_task = outer;
  set_state (self, VIREO_CONNECTION_STATE_CONNECTING);
  arm_connect_timeout (self);

  d = g_new0 (OpenData, 1);
  d->uri = g_strdup (self->uri);
  d->generation = self->generation;

  task = g_task_new (self, NULL, open_cb, NULL);
  g_task_set_source_tag (task, open_thread);
  g_task_set_task_data (task, d, open_data_free);
  vireo_worker_push (self->ops, task, open_thread, NULL);
}

/**
 * vireo_connection_open_async:
 *
 * Connects on the worker, registers for events and lists the domains. On a
 * later drop Vireo reconnects by itself with backoff.
 */
void
vireo_connection_open_async (VireoConnection     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *outer;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, vireo_connection_open_async);
  vireo_connection_start_open (self, outer);
}

gboolean
vireo_connection_open_finish (VireoConnection  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
reconnect_timeout (gpointer data)
{
  VireoConnection *self = data;

  self->reconnect_source = 0;
  vireo_connection_start_open (self, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (VireoConnection *self)
{
  self->reconnect_in = self->reconnect_in == 0
    ? RECONNECT_MIN_S
    : MIN (self->reconnect_in * 2, RECONNECT_MAX_S);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_IN]);

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->reconnect_source = g_timeout_add_seconds (self->reconnect_in, reconnect_timeout, self);
}

/**
 * vireo_connection_reconnect:
 *
 * Connects now, skipping any backoff delay still to run.
 */
void
vireo_connection_reconnect (VireoConnection *self)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));

  if (self->state == VIREO_CONNECTION_STATE_CONNECTING)
    return;
  self->reconnect_in = 0;
  vireo_connection_start_open (self, NULL);
}

/**
 * vireo_connection_close:
 *
 * Disconnects and stops reconnecting. The domains stay listed. Also cancels
 * an attempt in progress: the UI is free at once, and whatever the worker's
 * blocked call eventually returns is discarded.
 */
void
vireo_connection_close (VireoConnection *self)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));

  self->want_connected = FALSE;
  self->generation++;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);
  abort_pending_auth (self);
  push_drop_conn (self);
  if (self->state == VIREO_CONNECTION_STATE_CONNECTING)
    set_error_message (self, _("The connection attempt was cancelled."));
  set_state (self, VIREO_CONNECTION_STATE_DISCONNECTED);
  finish_open_task (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                               _("The connection attempt was cancelled.")));
}

/* ------------------------------------------------------------------------ */
/* Jobs and refreshes                                                        */

static void
run_with_conn_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable,
                      gpointer      worker_data,
                      gpointer      func_data)
{
  VireoConnectionFunc func = (VireoConnectionFunc) func_data;
  VireoLink *link = worker_data;
  virConnectPtr conn;

  g_mutex_lock (&link->call_lock);
  conn = vireo_link_dup_conn (link, NULL);
  func (task, conn, task_data, cancellable);
  if (conn != NULL)
    virConnectClose (conn);
  g_mutex_unlock (&link->call_lock);
}

/**
 * vireo_connection_run: (skip)
 *
 * Queues @func on the serial worker. Used by VireoDomain for its actions.
 */
void
vireo_connection_run (VireoConnection     *self,
                      GTask               *task,
                      VireoConnectionFunc  func)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));

  vireo_worker_push (self->ops, task, run_with_conn_thread, (gpointer) func);
}

virConnectPtr
_vireo_connection_dup_virconnect (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);

  return self->link != NULL ? vireo_link_dup_conn (self->link, NULL) : NULL;
}

typedef struct
{
  char     *uuid;
  gboolean  details;
} RefreshData;

static void
refresh_data_free (gpointer data)
{
  RefreshData *refresh = data;

  g_free (refresh->uuid);
  g_free (refresh);
}

static void
refresh_thread (GTask        *task,
                virConnectPtr conn,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_autoptr(VireoDomainSample) sample = NULL;
  g_autoptr(virDomain) dom = NULL;
  RefreshData *refresh = task_data;
  const char *uuid = refresh->uuid;
  int state, reason;

  if (conn == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED,
                               "Not connected");
      return;
    }

  sample = g_new0 (VireoDomainSample, 1);
  sample->uuid = g_strdup (uuid);
  dom = virDomainLookupByUUIDString (conn, uuid);
  if (dom == NULL)
    {
      /* Gone: an empty sample (no name) tells the main thread to drop it. */
      virResetLastError ();
      g_task_return_pointer (task, g_steal_pointer (&sample), (GDestroyNotify) vireo_domain_sample_free);
      return;
    }

  sample->name = g_strdup (virDomainGetName (dom));
  sample->id = virDomainGetID (dom) == (unsigned int) -1 ? -1 : (int) virDomainGetID (dom);
  sample->sampled_us = g_get_monotonic_time ();
  /* Every call is a round trip on a remote host: GetInfo has the state
   * too, and the XML (for title and description) only when it changed. */
  sample_fill_info (sample, dom);
  if (!sample->has_info)
    {
      if (virDomainGetState (dom, &state, &reason, 0) == 0)
        sample->state = state;
      else
        virResetLastError ();
    }
  if (refresh->details)
    sample_fill_details (sample, dom);
  /* One round trip more per refresh, whichever it is. Only a shut-off
   * machine has a managed save image (a save just ended, or it was
   * removed; starting consumes it), and only a defined one can be shut
   * off; a running one may have been defined or undefined. */
  if (sample->state == VIR_DOMAIN_SHUTOFF)
    {
      int saved = virDomainHasManagedSaveImage (dom, 0);

      sample->has_persistent = TRUE;
      sample->persistent = TRUE;
      if (saved >= 0)
        {
          sample->has_saved_state = TRUE;
          sample->saved_state = saved > 0;
        }
      else
        virResetLastError ();
    }
  else if (sample->has_info)
    {
      int persistent = virDomainIsPersistent (dom);

      sample->has_saved_state = TRUE;
      if (persistent >= 0)
        {
          sample->has_persistent = TRUE;
          sample->persistent = persistent > 0;
        }
      else
        virResetLastError ();
    }

  g_task_return_pointer (task, g_steal_pointer (&sample), (GDestroyNotify) vireo_domain_sample_free);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoConnection *self = VIREO_CONNECTION (object);
  g_autoptr(VireoDomainSample) sample = NULL;
  VireoDomain *domain;

  sample = g_task_propagate_pointer (G_TASK (result), NULL);
  if (sample == NULL || GPOINTER_TO_UINT (user_data) != self->generation)
    return;

  domain = g_hash_table_lookup (self->by_uuid, sample->uuid);
  if (sample->name == NULL)
    remove_domain (self, sample->uuid);
  else if (domain != NULL)
    _vireo_domain_apply_sample (domain, sample);
  else
    {
      domain = _vireo_domain_new (self, sample);
      g_hash_table_insert (self->by_uuid, g_strdup (sample->uuid), domain);
      g_list_store_append (self->domains, domain);
      g_object_unref (domain);
    }
}

/**
 * vireo_connection_refresh_domain: (skip)
 *
 * Re-reads one domain on the worker; adds or removes it as needed.
 */
void
vireo_connection_refresh_domain (VireoConnection *self,
                                 const char      *uuid,
                                 gboolean         details)
{
  RefreshData *refresh;
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  refresh = g_new0 (RefreshData, 1);
  refresh->uuid = g_strdup (uuid);
  refresh->details = details;
  task = g_task_new (self, NULL, refresh_cb, GUINT_TO_POINTER (self->generation));
  g_task_set_source_tag (task, refresh_thread);
  g_task_set_task_data (task, refresh, refresh_data_free);
  /* On bulk, not ops: a refresh follows every event, and the user's next
   * click (Force Off right after Run) must not wait behind it. */
  vireo_worker_push (self->bulk, task, run_with_conn_thread, (gpointer) refresh_thread);
}

static void
stats_thread (GTask        *task,
              virConnectPtr conn,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *samples;

  if (conn == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED,
                               "Not connected");
      return;
    }

  /* One call for every running domain: on a remote host this is one round
   * trip per interval however many domains there are. */
  samples = sample_domains (conn, NULL, TRUE, &error);
  if (samples == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, samples, (GDestroyNotify) g_ptr_array_unref);
}

static void
stats_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  VireoConnection *self = VIREO_CONNECTION (object);
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GError) error = NULL;

  self->stats_in_flight = FALSE;
  samples = g_task_propagate_pointer (G_TASK (result), &error);
  if (samples == NULL)
    {
      g_debug ("%s: statistics failed: %s", self->uri, error->message);
      return;
    }
  if (GPOINTER_TO_UINT (user_data) != self->generation)
    return;

  for (guint i = 0; i < samples->len; i++)
    {
      VireoDomainSample *sample = g_ptr_array_index (samples, i);
      VireoDomain *domain = g_hash_table_lookup (self->by_uuid, sample->uuid);

      if (domain != NULL)
        _vireo_domain_apply_sample (domain, sample);
    }
}

static gboolean
stats_timeout (gpointer data)
{
  VireoConnection *self = data;
  GTask *task;

  /* Skip a beat rather than queue up behind a slow host. */
  if (self->stats_in_flight || self->state != VIREO_CONNECTION_STATE_CONNECTED)
    return G_SOURCE_CONTINUE;

  self->stats_in_flight = TRUE;
  task = g_task_new (self, NULL, stats_cb, GUINT_TO_POINTER (self->generation));
  g_task_set_source_tag (task, stats_thread);
  vireo_connection_run (self, task, stats_thread);

  return G_SOURCE_CONTINUE;
}

static void
update_stats_timer (VireoConnection *self)
{
  g_clear_handle_id (&self->stats_source, g_source_remove);
  if (self->state == VIREO_CONNECTION_STATE_CONNECTED && self->stats_interval > 0)
    self->stats_source = g_timeout_add_seconds (self->stats_interval, stats_timeout, self);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
vireo_connection_constructed (GObject *object)
{
  VireoConnection *self = VIREO_CONNECTION (object);
  g_autofree char *ops_name = g_strdup_printf ("vireo-ops %s", self->uri);
  g_autofree char *bulk_name = g_strdup_printf ("vireo-bulk %s", self->uri);

  G_OBJECT_CLASS (vireo_connection_parent_class)->constructed (object);

  self->link = vireo_link_new (self);
  self->ops = vireo_worker_new (ops_name, vireo_link_ref (self->link), vireo_link_unref);
  self->bulk = vireo_worker_new (bulk_name, vireo_link_ref (self->link), vireo_link_unref);
}

static void
vireo_connection_dispose (GObject *object)
{
  VireoConnection *self = VIREO_CONNECTION (object);

  g_clear_handle_id (&self->stats_source, g_source_remove);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);
  abort_pending_auth (self);
  finish_open_task (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                               "The connection is gone"));

  if (self->ops != NULL)
    {
      push_drop_conn (self);
      vireo_worker_shutdown (self->ops);
      vireo_worker_shutdown (self->bulk);
      g_clear_pointer (&self->ops, vireo_worker_unref);
      g_clear_pointer (&self->bulk, vireo_worker_unref);
    }

  if (self->domains != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->domains));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(VireoDomain) domain = g_list_model_get_item (G_LIST_MODEL (self->domains), i);
          _vireo_domain_detach (domain);
        }
    }
  g_clear_pointer (&self->by_uuid, g_hash_table_unref);
  g_clear_object (&self->domains);

  G_OBJECT_CLASS (vireo_connection_parent_class)->dispose (object);
}

static void
vireo_connection_finalize (GObject *object)
{
  VireoConnection *self = VIREO_CONNECTION (object);

  g_clear_pointer (&self->link, vireo_link_unref);
  g_clear_pointer (&self->xml_cache, g_hash_table_unref);
  g_mutex_clear (&self->xml_lock);
  g_free (self->uri);
  g_free (self->hostname);
  g_free (self->error_message);
  g_free (self->versions);
  g_free (self->name);

  G_OBJECT_CLASS (vireo_connection_parent_class)->finalize (object);
}

static void
vireo_connection_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VireoConnection *self = VIREO_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_DISPLAY_NAME:
      g_value_take_string (value, vireo_connection_dup_display_name (self));
      break;
    case PROP_HOSTNAME:
      g_value_set_string (value, self->hostname);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_IS_DEMO:
      g_value_set_boolean (value, self->is_demo);
      break;
    case PROP_POPULATED:
      g_value_set_boolean (value, self->populated);
      break;
    case PROP_STATS_INTERVAL:
      g_value_set_uint (value, self->stats_interval);
      break;
    case PROP_RECONNECT_IN:
      g_value_set_uint (value, self->reconnect_in);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_AUTOCONNECT:
      g_value_set_boolean (value, self->autoconnect);
      break;
    case PROP_LAST_CONNECTED:
      g_value_set_int64 (value, self->last_connected);
      break;
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout);
      break;
    case PROP_VERSIONS:
      g_value_set_string (value, self->versions);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_connection_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VireoConnection *self = VIREO_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri = g_value_dup_string (value);
      break;
    case PROP_IS_DEMO:
      vireo_connection_set_is_demo (self, g_value_get_boolean (value));
      break;
    case PROP_STATS_INTERVAL:
      vireo_connection_set_stats_interval (self, g_value_get_uint (value));
      break;
    case PROP_NAME:
      vireo_connection_set_name (self, g_value_get_string (value));
      break;
    case PROP_AUTOCONNECT:
      vireo_connection_set_autoconnect (self, g_value_get_boolean (value));
      break;
    case PROP_LAST_CONNECTED:
      vireo_connection_set_last_connected (self, g_value_get_int64 (value));
      break;
    case PROP_CONNECT_TIMEOUT:
      vireo_connection_set_connect_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_connection_class_init (VireoConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vireo_connection_constructed;
  object_class->dispose = vireo_connection_dispose;
  object_class->finalize = vireo_connection_finalize;
  object_class->get_property = vireo_connection_get_property;
  object_class->set_property = vireo_connection_set_property;

  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOSTNAME] =
    g_param_spec_string ("hostname", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       VIREO_TYPE_CONNECTION_STATE, VIREO_CONNECTION_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_DEMO] =
    g_param_spec_boolean ("is-demo", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POPULATED] =
    g_param_spec_boolean ("populated", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATS_INTERVAL] =
    g_param_spec_uint ("stats-interval", NULL, NULL, 0, 3600, 2,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECONNECT_IN] =
    g_param_spec_uint ("reconnect-in", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTOCONNECT] =
    g_param_spec_boolean ("autoconnect", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_CONNECTED] =
    g_param_spec_int64 ("last-connected", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_VERSIONS] =
    g_param_spec_string ("versions", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Seconds an open may take before the attempt is given up (0: never);
   * time spent waiting for the user's answer to a prompt does not count. */
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 0, 3600, CONNECT_TIMEOUT_S,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VireoConnection::domain-state-changed:
   * @domain: the domain whose state changed
   *
   * One signal for all domains, so a view that filters or sorts by state
   * does not need a handler on each of a thousand objects.
   */
  signals[DOMAIN_STATE_CHANGED] =
    g_signal_new ("domain-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, VIREO_TYPE_DOMAIN);

  /**
   * VireoConnection::domain-devices-changed:
   * @domain: the machine a device was hot-plugged into
   *
   * libvirt's device-added event: the live XML changed without a
   * lifecycle event.
   */
  signals[DOMAIN_DEVICES_CHANGED] =
    g_signal_new ("domain-devices-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, VIREO_TYPE_DOMAIN);

  /**
   * VireoConnection::authenticate:
   * @request: the question; answer it with vireo_auth_request_respond()
   *   now or later, or cancel it
   *
   * The host (or the transport) wants credentials or a host-key decision.
   * A handler returns TRUE when it will answer; with none, the attempt is
   * cancelled. The worker waits meanwhile and the connect timeout is paused.
   */
  signals[AUTHENTICATE] =
    g_signal_new ("authenticate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 1, VIREO_TYPE_AUTH_REQUEST);

  /**
   * VireoConnection::network-changed:
   * @name: the virtual network's name
   *
   * A network was defined, undefined, started or stopped (libvirt's
   * network lifecycle event, registered before the first listing). The
   * Networks page re-reads its list; nothing is polled.
   */
  signals[NETWORK_CHANGED] =
    g_signal_new ("network-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * VireoConnection::pool-changed:
   * @name: the storage pool's name
   *
   * A pool was defined, undefined, started, stopped, created, deleted or
   * refreshed (libvirt's pool lifecycle and refresh events).
   */
  signals[POOL_CHANGED] =
    g_signal_new ("pool-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

void
_vireo_connection_domain_state_changed (VireoConnection *self,
                                        VireoDomain     *domain)
{
  g_signal_emit (self, signals[DOMAIN_STATE_CHANGED], 0, domain);
}

static void
vireo_connection_init (VireoConnection *self)
{
  self->domains = g_list_store_new (VIREO_TYPE_DOMAIN);
  self->by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&self->xml_lock);
  self->xml_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->stats_interval = 2;
  self->autoconnect = TRUE;
  self->connect_timeout = CONNECT_TIMEOUT_S;
}

VireoConnection *
vireo_connection_new (const char *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return g_object_new (VIREO_TYPE_CONNECTION, "uri", uri, NULL);
}

const char *
vireo_connection_get_uri (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);
  return self->uri;
}

/**
 * vireo_connection_get_is_remote:
 *
 * Whether the host is reached over a network transport (ssh, tls, tcp…)
 * rather than on this computer: its files are not this computer's, and the
 * daemon cannot hand file descriptors over.
 */
gboolean
vireo_connection_get_is_remote (VireoConnection *self)
{
  g_autoptr(VireoConnectionUri) uri = NULL;

  g_return_val_if_fail (VIREO_IS_CONNECTION (self), FALSE);
  uri = vireo_connection_uri_parse (self->uri, NULL);
  return uri != NULL && vireo_transport_is_remote (uri->transport);
}

/**
 * vireo_connection_dup_display_name:
 *
 * Returns: (transfer full): how people name this connection: "QEMU/KVM",
 *   "QEMU/KVM user session", "host.example.org (QEMU/KVM)", "Demo".
 */
char *
vireo_connection_dup_display_name (VireoConnection *self)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;
  const char *path;
  g_autofree char *driver = NULL;
  char *plus;

  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);

  if (self->name != NULL && *self->name != '\0')
    return g_strdup (self->name);
  if (self->is_demo)
    return g_strdup (_("Demo"));

  uri = g_uri_parse (self->uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    return g_strdup (self->uri);

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  path = g_uri_get_path (uri);
  driver = g_strdup (scheme);
  if ((plus = strchr (driver, '+')) != NULL)
    *plus = '\0';

  if (g_str_equal (driver, "qemu"))
    {
      g_free (driver);
      driver = g_strdup ("QEMU/KVM");
    }
  else if (g_str_equal (driver, "test"))
    {
      g_free (driver);
      driver = g_strdup (_("Test driver"));
    }

  if (host != NULL && *host != '\0' && !g_str_equal (host, "localhost"))
    {
      /* An explicit port tells apart hosts behind one address (and the
       * transports of one host). */
      g_autofree char *where = g_uri_get_port (uri) > 0
                               ? g_strdup_printf ("%s:%d", host, g_uri_get_port (uri))
                               : g_strdup (host);

      if (g_strcmp0 (path, "/session") == 0)
        /* Translators: first %s is a host name, second a hypervisor */
        return g_strdup_printf (_("%s (%s user session)"), where, driver);
      return g_strdup_printf ("%s (%s)", where, driver);
    }

  if (g_strcmp0 (path, "/session") == 0)
    /* Translators: %s is a hypervisor such as QEMU/KVM */
    return g_strdup_printf (_("%s user session"), driver);

  /* test:///path/node.xml: two of them side by side must not look alike. */
  if (g_str_equal (scheme, "test") && path != NULL && g_str_has_suffix (path, ".xml"))
    {
      g_autofree char *base = g_path_get_basename (path);
      return g_strdup_printf ("%s (%s)", driver, base);
    }

  return g_steal_pointer (&driver);
}

/**
 * vireo_connection_get_versions:
 *
 * Returns: (nullable): "libvirt 9.0.0, QEMU 7.2.0", read when connecting
 */
const char *
vireo_connection_get_versions (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);
  return self->versions;
}

const char *
vireo_connection_get_hostname (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);
  return self->hostname;
}

VireoConnectionState
vireo_connection_get_state (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), VIREO_CONNECTION_STATE_DISCONNECTED);
  return self->state;
}

const char *
vireo_connection_get_error_message (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);
  return self->error_message;
}

gboolean
vireo_connection_get_is_demo (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), FALSE);
  return self->is_demo;
}

void
vireo_connection_set_is_demo (VireoConnection *self,
                              gboolean         is_demo)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));

  is_demo = !!is_demo;
  if (self->is_demo == is_demo)
    return;
  self->is_demo = is_demo;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_DEMO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

gboolean
vireo_connection_get_populated (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), FALSE);
  return self->populated;
}

/**
 * vireo_connection_get_name:
 *
 * Returns: (nullable): the name the user gave this connection
 */
const char *
vireo_connection_get_name (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);
  return self->name;
}

void
vireo_connection_set_name (VireoConnection *self,
                           const char      *name)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));

  if (name != NULL && *name == '\0')
    name = NULL;
  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

gboolean
vireo_connection_get_autoconnect (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), FALSE);
  return self->autoconnect;
}

/**
 * vireo_connection_set_autoconnect:
 *
 * Whether to connect at start-up; stored by whoever saves connections.
 */
void
vireo_connection_set_autoconnect (VireoConnection *self,
                                  gboolean         autoconnect)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));

  autoconnect = !!autoconnect;
  if (self->autoconnect == autoconnect)
    return;
  self->autoconnect = autoconnect;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTOCONNECT]);
}

gint64
vireo_connection_get_last_connected (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), 0);
  return self->last_connected;
}

void
vireo_connection_set_last_connected (VireoConnection *self,
                                     gint64           unix_time)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));

  if (self->last_connected == unix_time)
    return;
  self->last_connected = unix_time;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_CONNECTED]);
}

guint
vireo_connection_get_stats_interval (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), 0);
  return self->stats_interval;
}

/**
 * vireo_connection_set_stats_interval:
 * @seconds: seconds between statistics samples; 0 stops sampling
 */
void
vireo_connection_set_stats_interval (VireoConnection *self,
                                     guint            seconds)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));

  if (self->stats_interval == seconds)
    return;
  self->stats_interval = seconds;
  update_stats_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATS_INTERVAL]);
}

/**
 * vireo_connection_get_connecting_since:
 *
 * Returns: when the current attempt started (g_get_monotonic_time()), or 0
 *   when not connecting; for showing how long a slow host has been tried
 */
gint64
vireo_connection_get_connecting_since (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), 0);
  return self->connecting_since;
}

guint
vireo_connection_get_reconnect_in (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), 0);
  return self->reconnect_in;
}

/**
 * vireo_connection_list_domains:
 *
 * Returns: (transfer full): a #GListModel of #VireoDomain. Domains stay in
 *   it while the connection is down.
 */
GListModel *
vireo_connection_list_domains (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);
  return g_object_ref (G_LIST_MODEL (self->domains));
}

/**
 * vireo_connection_find_domain:
 *
 * Returns: (transfer none) (nullable): the domain with @uuid
 */
VireoDomain *
vireo_connection_find_domain (VireoConnection *self,
                              const char      *uuid)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);
  return g_hash_table_lookup (self->by_uuid, uuid);
}

guint
vireo_connection_get_connect_timeout (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), 0);

  return self->connect_timeout;
}

void
vireo_connection_set_connect_timeout (VireoConnection *self,
                                      guint            seconds)
{
  g_return_if_fail (VIREO_IS_CONNECTION (self));

  if (self->connect_timeout == seconds)
    return;
  self->connect_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_TIMEOUT]);
  if (self->connect_timeout_source != 0)
    arm_connect_timeout (self);
}

/**
 * vireo_connection_get_pending_auth:
 *
 * Returns: (transfer none) (nullable): the question waiting for the user's
 *   answer, if any
 */
VireoAuthRequest *
vireo_connection_get_pending_auth (VireoConnection *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (self), NULL);

  return self->pending_auth;
}

/* ------------------------------------------------------------------------ */
/* Domain definitions, for who uses what                                     */

void
_vireo_domain_xmls_free (VireoDomainXmls *xmls)
{
  if (xmls == NULL)
    return;
  g_free (xmls->name);
  g_free (xmls->uuid);
  g_free (xmls->inactive);
  g_free (xmls->live);
  g_free (xmls);
}

/**
 * _vireo_connection_forget_domain_xml: (skip)
 * @uuid: (nullable): a domain, or %NULL for all
 *
 * Any thread. The next _vireo_connection_read_domain_xmls() reads that
 * definition again.
 */
void
_vireo_connection_forget_domain_xml (VireoConnection *self,
                                     const char      *uuid)
{
  g_mutex_lock (&self->xml_lock);
  self->xml_epoch++;
  if (uuid != NULL)
    g_hash_table_remove (self->xml_cache, uuid);
  else
    g_hash_table_remove_all (self->xml_cache);
  g_mutex_unlock (&self->xml_lock);
}

/**
 * _vireo_connection_read_domain_xmls: (skip)
 * @conn: the worker's libvirt connection
 *
 * Worker threads. Every domain's definition and, for a running one, its
 * live XML: what the Networks and Storage pages need to say which machines
 * use a network or a volume. A definition changes only through a define
 * (an event forgets it here), so each is read once and kept; live XML is
 * read every time (hot-plugs and media changes raise no event Vireo
 * follows). On a host with hundreds of stopped machines the second listing
 * costs one round trip instead of hundreds.
 *
 * Returns: (transfer full) (element-type VireoDomainXmls) (nullable): the
 *   domains; %NULL when they could not be listed
 */
GPtrArray *
_vireo_connection_read_domain_xmls (VireoConnection *self,
                                    virConnectPtr    conn)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) _vireo_domain_xmls_free);
  virDomainPtr *doms = NULL;
  int n = virConnectListAllDomains (conn, &doms, 0);

  if (n < 0)
    return NULL;
  for (int i = 0; i < n; i++)
    {
      g_autoptr(virDomain) dom = doms[i];
      char uuid[VIR_UUID_STRING_BUFLEN];
      VireoDomainXmls *xmls;
      guint64 epoch;
      char *xml;

      if (virDomainGetUUIDString (dom, uuid) < 0)
        continue;
      xmls = g_new0 (VireoDomainXmls, 1);
      xmls->name = g_strdup (virDomainGetName (dom));
      xmls->uuid = g_strdup (uuid);

      g_mutex_lock (&self->xml_lock);
      xmls->inactive = g_strdup (g_hash_table_lookup (self->xml_cache, uuid));
      epoch = self->xml_epoch;
      g_mutex_unlock (&self->xml_lock);
      if (xmls->inactive == NULL && (xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE)) != NULL)
        {
          xmls->inactive = g_strdup (xml);
          free (xml);
          /* Kept only if nothing was forgotten while it was read: that
           * forget may have been about this very definition. */
          g_mutex_lock (&self->xml_lock);
          if (self->xml_epoch == epoch)
            g_hash_table_replace (self->xml_cache, g_strdup (uuid), g_strdup (xmls->inactive));
          g_mutex_unlock (&self->xml_lock);
        }
      if (virDomainIsActive (dom) == 1 && (xml = virDomainGetXMLDesc (dom, 0)) != NULL)
        {
          xmls->live = g_strdup (xml);
          free (xml);
        }
      /* A machine undefined meanwhile just uses nothing. */
      virResetLastError ();
      g_ptr_array_add (list, xmls);
    }
  free (doms);
  return g_steal_pointer (&list);
}
