/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-connection.h"
#include "vireo-domain.h"
#include "vireo-migrate.h"

G_BEGIN_DECLS

/*
 * Moving a machine between two connections Vireo has open (issue 9,
 * "Migrate"). The choices are a VireoMigrateOptions (vireo-migrate.h,
 * which also says which of them a machine allows, and gives the virsh
 * line); this runs them.
 *
 * DIRECT: virDomainMigrate3 with the source's and the destination's
 * libvirt connections (Vireo is the client of both; the destination
 * connection is used from the source's worker thread, which libvirt
 * allows). PEER_TO_PEER and TUNNELLED: virDomainMigrateToURI3 on the
 * source with options->dest_uri, the destination as the SOURCE host sees
 * it (its libvirtd connects there itself); @destination is then only
 * where Vireo looks for the machine afterwards.
 *
 * The migration is one blocking call on the source connection's ops
 * worker (other actions on that connection wait for it). Progress, the
 * cancel, the switch to post-copy and changes of speed and downtime are
 * sent from a thread of its own meanwhile, as VireoSaveJob does, and only
 * when the source connection is local ("monitored", fixed at creation):
 * on libvirt 9.0 a second call in flight beside a long one on a remote
 * connection keeps keepalive from ever ending either when the link dies
 * (see vireo-save-restore.h). A migration from a remote source therefore
 * shows no progress until it ends and cannot be cancelled once it runs.
 *
 * When it fails libvirt leaves the machine where it was, running (or
 * paused, or shut off) as before, and nothing on the destination; the
 * error is VIREO_MIGRATE_ERROR with a VireoMigrateErrorKind code and a
 * message that starts with what it means and ends with libvirt's words.
 * After a switch to post-copy a failure leaves the machine paused on
 * the destination: libvirt cannot go back.
 *
 * On success the machine runs (or is defined, offline) on the
 * destination and arrives in its list through libvirt's events; it
 * leaves the source's list (undefine_source) or stays there shut off.
 */

#define VIREO_TYPE_MIGRATE_JOB (vireo_migrate_job_get_type ())
G_DECLARE_FINAL_TYPE (VireoMigrateJob, vireo_migrate_job, VIREO, MIGRATE_JOB, GObject)

/*
 * Properties, main thread, notified when they change:
 * - "progress" (VireoMigrateProgress, boxed, nullable): the last reading
 *   of libvirt's job statistics, polled about every 500 ms while it runs
 *   (a monitored job); NULL before the first. Once it succeeded, the
 *   completed job's figures (real downtime, totals) when libvirt kept
 *   them.
 * - "phase" (VireoMigratePhase): NONE, then from the readings; COMPLETED,
 *   FAILED or CANCELLED at the end.
 * - "fraction" (double, 0..1): the progress's fraction; 1 on success.
 * - "running" (boolean): between run_async() and its callback.
 * - "postcopy-active" (boolean): the switch to post-copy was made.
 * - "monitored" (boolean, fixed): see above.
 */

/* @options is copied; the dialog can go on editing its own. */
VireoMigrateJob            *vireo_migrate_job_new                  (VireoDomain                *domain,
                                                                    VireoConnection            *destination,
                                                                    const VireoMigrateOptions  *options);
VireoDomain                *vireo_migrate_job_get_domain           (VireoMigrateJob            *self);
VireoConnection            *vireo_migrate_job_get_destination      (VireoMigrateJob            *self);
const VireoMigrateOptions  *vireo_migrate_job_get_options          (VireoMigrateJob            *self);
/* Returns: (transfer none) (nullable): the last reading */
const VireoMigrateProgress *vireo_migrate_job_get_progress         (VireoMigrateJob            *self);
VireoMigratePhase           vireo_migrate_job_get_phase            (VireoMigrateJob            *self);
double                      vireo_migrate_job_get_fraction         (VireoMigrateJob            *self);
gboolean                    vireo_migrate_job_get_running          (VireoMigrateJob            *self);
gboolean                    vireo_migrate_job_get_postcopy_active  (VireoMigrateJob            *self);
gboolean                    vireo_migrate_job_get_monitored        (VireoMigrateJob            *self);
/* After a successful run: the machine's UUID and name on the destination
 * (find it with vireo_connection_find_domain() once the list has it);
 * NULL before. */
const char                 *vireo_migrate_job_get_dest_uuid        (VireoMigrateJob            *self);
const char                 *vireo_migrate_job_get_dest_name        (VireoMigrateJob            *self);

/*
 * Migrates once; a second run while one is under way fails with
 * G_IO_ERROR_PENDING. Errors: G_IO_ERROR_CANCELLED after a cancel that
 * libvirt took (the machine is still where it was); VIREO_MIGRATE_ERROR
 * (see above) otherwise, with the kind as code.
 */
void                        vireo_migrate_job_run_async            (VireoMigrateJob            *self,
                                                                    GCancellable               *cancellable,
                                                                    GAsyncReadyCallback         callback,
                                                                    gpointer                    user_data);
gboolean                    vireo_migrate_job_run_finish           (VireoMigrateJob            *self,
                                                                    GAsyncResult               *result,
                                                                    GError                    **error);
/*
 * Aborts a running migration (virDomainAbortJob, `virsh domjobabort`):
 * the machine goes on running on the source and nothing is left on the
 * destination; the run finishes with G_IO_ERROR_CANCELLED. libvirt 9.0
 * refuses once post-copy began ("cannot abort migration in post-copy
 * mode"); the migration then goes on and the run says how it ended.
 */
void                        vireo_migrate_job_cancel               (VireoMigrateJob            *self);

/*
 * Switches a running migration started with options->postcopy to
 * post-copy (virDomainMigrateStartPostCopy, `virsh migrate-postcopy`):
 * the machine runs on the destination from then on and fetches the pages
 * it still lacks from the source; it cannot be cancelled any more.
 * Errors: VIREO_VIRT_ERROR_OPERATION_INVALID when no migration runs, it
 * is not monitored, or it was started without post-copy; libvirt's words
 * otherwise.
 */
void                        vireo_migrate_job_start_postcopy_async (VireoMigrateJob            *self,
                                                                    GCancellable               *cancellable,
                                                                    GAsyncReadyCallback         callback,
                                                                    gpointer                    user_data);
gboolean                    vireo_migrate_job_start_postcopy_finish (VireoMigrateJob           *self,
                                                                     GAsyncResult              *result,
                                                                     GError                   **error);
/*
 * Changes the running migration's maximum downtime in milliseconds
 * (virDomainMigrateSetMaxDowntime, `virsh migrate-setmaxdowntime`) or its
 * bandwidth in MiB/s, 0 for unlimited (virDomainMigrateSetMaxSpeed,
 * `virsh migrate-setspeed`). Same errors as start_postcopy.
 */
void                        vireo_migrate_job_set_max_downtime_async  (VireoMigrateJob         *self,
                                                                       guint64                  downtime_ms,
                                                                       GCancellable            *cancellable,
                                                                       GAsyncReadyCallback      callback,
                                                                       gpointer                 user_data);
gboolean                    vireo_migrate_job_set_max_downtime_finish (VireoMigrateJob         *self,
                                                                       GAsyncResult            *result,
                                                                       GError                 **error);
void                        vireo_migrate_job_set_bandwidth_async     (VireoMigrateJob         *self,
                                                                       guint64                  bandwidth_mib_s,
                                                                       GCancellable            *cancellable,
                                                                       GAsyncReadyCallback      callback,
                                                                       gpointer                 user_data);
gboolean                    vireo_migrate_job_set_bandwidth_finish    (VireoMigrateJob         *self,
                                                                       GAsyncResult            *result,
                                                                       GError                 **error);

/* ------------------------------------------------------------------------ */
/* libvirt's side of the options and errors                                  */

/* Returns: the VIR_MIGRATE_* flags @options stand for */
unsigned int                vireo_migrate_options_to_flags         (const VireoMigrateOptions  *options);

/*
 * What a failed migration means, from libvirt's error code
 * (virErrorNumber) and message: VIR_ERR_MIGRATE_UNSAFE is UNSAFE,
 * VIR_ERR_OPERATION_ABORTED CANCELLED, VIR_ERR_CPU_INCOMPATIBLE
 * CPU_INCOMPATIBLE, VIR_ERR_NO_SUPPORT UNSUPPORTED, the rest by vireo_migrate_classify_message().
 * *@sentence (nullable) gets the user's sentence
 * (vireo_migrate_error_kind_explain()).
 */
VireoMigrateErrorKind       vireo_migrate_explain_error            (int                         libvirt_code,
                                                                    const char                 *message,
                                                                    char                      **sentence);

G_END_DECLS
