/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libvirt/libvirt.h>

#include "vireo-connection.h"
#include "vireo-worker.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (virConnect, virConnectClose)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virDomain, virDomainFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virStorageVol, virStorageVolFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virStoragePool, virStoragePoolFree)

/*
 * Plain data about one domain, produced on a worker and applied on the main
 * thread. Fields with has_* FALSE were not reported by the driver.
 */
typedef struct
{
  char     *uuid;
  char     *name;
  char     *title;
  char     *description;
  int       id;
  int       state;
  guint64   max_memory_kib;
  guint64   memory_kib;
  guint     vcpus;
  guint64   cpu_time_ns;
  guint64   block_rd_bytes;   /* sums over the domain's disks */
  guint64   block_wr_bytes;
  guint64   net_rx_bytes;     /* sums over its interfaces, as the guest sees them */
  guint64   net_tx_bytes;
  guint     block_count;      /* devices summed: a hot-plug changes the sums */
  guint     net_count;
  guint64   memory_used_kib;  /* see has_memory_used */
  gint64    sampled_us;       /* g_get_monotonic_time() when read */
  guint     has_info : 1;
  guint     has_cpu : 1;
  guint     has_block : 1;
  guint     has_net : 1;
  guint     has_memory_used : 1;  /* the guest or the host said how much it uses */
  guint     has_details : 1;  /* title and description are meaningful */
  guint     has_saved_state : 1;  /* saved_state is meaningful */
  guint     saved_state : 1;      /* libvirt keeps a managed save image */
  guint     has_persistent : 1;   /* persistent is meaningful */
  guint     persistent : 1;       /* defined, not only running (transient) */
} VireoDomainSample;

void               vireo_domain_sample_free (VireoDomainSample *sample);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoDomainSample, vireo_domain_sample_free)
void               _vireo_domain_sample_read_stats (VireoDomainSample       *sample,
                                                    const virTypedParameter *params,
                                                    int                      nparams);

/* Runs @func on the connection's serial worker with a new reference to the
 * libvirt connection (NULL when not connected: the func must then return
 * VIREO_VIRT_ERROR_NOT_CONNECTED). */
typedef void (*VireoConnectionFunc) (GTask        *task,
                                     virConnectPtr conn,
                                     gpointer      task_data,
                                     GCancellable *cancellable);

void          vireo_connection_run          (VireoConnection     *self,
                                             GTask               *task,
                                             VireoConnectionFunc  func);
/* Any thread: the connection's libvirt handle, ref'd (virConnectClose it),
 * or NULL when not connected. For a call that needs two connections at
 * once (a direct migration runs on the source's worker with the
 * destination's handle); libvirt connections are thread-safe. */
virConnectPtr _vireo_connection_dup_virconnect (VireoConnection *self);
void          vireo_connection_refresh_domain (VireoConnection   *self,
                                               const char        *uuid,
                                               gboolean           details);

void          _vireo_connection_domain_state_changed (VireoConnection *self,
                                                      VireoDomain     *domain);
/* Worker threads: every domain's definition (cached) and live XML. */
typedef struct
{
  char *name;
  char *uuid;
  char *inactive;  /* (nullable) */
  char *live;      /* (nullable): running machines only */
} VireoDomainXmls;

void          _vireo_domain_xmls_free        (VireoDomainXmls *xmls);

/* Worker threads: libvirt's last error as a GError that says what failed;
 * a task answered "not connected" when there is no connection; a driver
 * that has no such objects (an empty list, not an error); an object gone
 * between a listing and its read (skipped, not a failed listing). The
 * last two reset libvirt's error when they say yes. */
GError       *_vireo_error_from_last         (const char      *what);
gboolean      _vireo_return_if_not_connected (GTask           *task,
                                              virConnectPtr    conn);
gboolean      _vireo_driver_lacks_it         (void);
gboolean      _vireo_item_vanished           (void);
/* The machine with @uuid, or NULL with @task answered (not connected, or
 * the machine is gone). */
virDomainPtr  _vireo_task_lookup_domain      (GTask           *task,
                                              virConnectPtr    conn,
                                              const char      *uuid);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoDomainXmls, _vireo_domain_xmls_free)
GPtrArray    *_vireo_connection_read_domain_xmls (VireoConnection *self,
                                                  virConnectPtr    conn);
void          _vireo_connection_forget_domain_xml (VireoConnection *self,
                                                   const char      *uuid);

void          _vireo_connection_ask          (VireoConnection         *self,
                                             VireoAuthRequest        *request);

VireoDomain  *_vireo_domain_new             (VireoConnection         *connection,
                                             const VireoDomainSample *sample);
void          _vireo_domain_apply_sample    (VireoDomain             *self,
                                             const VireoDomainSample *sample);
void          _vireo_domain_set_state       (VireoDomain             *self,
                                             VireoDomainState         state);
void          _vireo_domain_detach          (VireoDomain             *self);
void          _vireo_domain_set_saved_state (VireoDomain             *self,
                                             gboolean                 saved);
GHashTable   *_vireo_collect_disk_paths     (virConnectPtr            conn,
                                             const char              *except_uuid);
void          _vireo_task_read_domain_caps  (GTask                   *task,
                                             const char              *emulator,
                                             const char              *arch,
                                             const char              *machine,
                                             const char              *virttype);
void          _vireo_read_domain_caps_thread (GTask                  *task,
                                              virConnectPtr           conn,
                                              gpointer                task_data,
                                              GCancellable           *cancellable);

G_END_DECLS
