/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-connection.h"
#include "vireo-domain.h"

G_BEGIN_DECLS

/*
 * Saving a machine's memory and bringing it back (issue 9).
 *
 * Managed save is VIREO_DOMAIN_ACTION_MANAGED_SAVE (vireo-domain.h): libvirt
 * keeps the image, Run (virDomainCreate) restores from it by itself and
 * then deletes it. This file adds asking whether a machine has one and
 * removing it ("Remove saved state": the next Run boots afresh).
 *
 * Saving to a file (`virsh save`) is a VireoSaveJob: the file's path is on
 * the host (for a remote connection, the remote machine's file system),
 * and progress is reported while the save runs. Restoring from a file
 * (`virsh restore`) is vireo_connection_restore_async(): the file says
 * which machine it holds, and that machine comes back (defined again if
 * it was undefined meanwhile, as a transient one).
 *
 * After a restore or a resume the guest's clock is as old as the save:
 * vireo_domain_sync_clock_async() asks the guest agent to set it from the
 * host's (`virsh domtime --sync`).
 *
 * Every call runs on the connection's ops worker and looks the machine up
 * by UUID there; results and errors (VIREO_VIRT_ERROR with libvirt's own
 * words) come back on the main context. The virsh lines are in
 * vireo-command.h: vireo_command_for_save(), _for_restore(),
 * _for_managed_save_remove(), _for_clock_sync().
 */

/* ------------------------------------------------------------------------ */
/* Managed save                                                              */

/* Whether libvirt holds a managed save image of the machine
 * (virDomainHasManagedSaveImage). `virsh list --all --with-managed-save`.
 * The finish returns FALSE both for "no" and on error: check @error. */
void          vireo_domain_has_managed_save_async     (VireoDomain          *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      vireo_domain_has_managed_save_finish    (VireoDomain          *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

/* Deletes the machine's managed save image (virDomainManagedSaveRemove,
 * `virsh managedsave-remove`): what the guest had in memory is lost and the
 * next Run boots it afresh. Removing when there is none succeeds. */
void          vireo_domain_remove_managed_save_async  (VireoDomain          *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      vireo_domain_remove_managed_save_finish (VireoDomain          *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

/* ------------------------------------------------------------------------ */
/* Saving to a file                                                          */

#define VIREO_TYPE_SAVE_JOB (vireo_save_job_get_type ())
G_DECLARE_FINAL_TYPE (VireoSaveJob, vireo_save_job, VIREO, SAVE_JOB, GObject)

/*
 * A save of a running or paused machine's memory into a file on the host
 * (virDomainSaveFlags). Afterwards the machine is shut off; restoring the
 * file brings it back as it was (or running or paused, as @restore_state
 * asked: that choice is written into the file). A transient machine is
 * gone from the list once saved; only its file holds it.
 *
 * Properties, main thread, notified when they change:
 * - "progress" (double, 0..1): how much of the memory is written, from
 *   libvirt's job statistics, polled about once a second while the save
 *   runs. It only grows, and it is 1 once the save succeeded. It can reach
 *   1 some seconds before the run ends: libvirt then finishes the file
 *   (libvirt 9.0, a 2 GiB TCG guest: memory written in 2 s, the call back
 *   after 4 to 9 s), so show "running" with a full bar as finishing. A
 *   driver without job statistics (the test driver) reports nothing in
 *   between: 0, then 1.
 * - "bytes-done", "bytes-total" (guint64): the same as bytes, 0 until
 *   libvirt reports them (QEMU: the guest's RAM; zero pages count but
 *   take no room in the file).
 * - "running" (boolean): between run_async() and its callback.
 * - "monitored" (boolean, fixed): progress in between and an abort, as
 *   above.
 *
 * The save is one blocking call on the connection's ops worker (other
 * actions on that connection wait for it, as for a managed save); the
 * statistics and the cancel are sent from a thread of its own meanwhile,
 * because libvirt answers job queries while a save is under way.
 *
 * That is only done on a local connection ("monitored", fixed at
 * creation): on libvirt 9.0 a second call beside the save keeps keepalive
 * from ever ending either when a remote link dies. On a remote connection
 * "progress" goes from 0 to 1 at the end and a cancel only stops a save
 * that has not begun (show a busy bar and no Cancel once it runs).
 *
 * libvirt pauses the machine while its memory is written: the list shows
 * it paused (from libvirt's event) until the save's end shuts it off.
 *
 * vireo_save_job_cancel() (or cancelling run_async()'s cancellable)
 * aborts a monitored save (virDomainAbortJob, `virsh domjobabort`): the
 * machine goes on as before (running, or paused if it was), no partial
 * file is left, and the run finishes with G_IO_ERROR_CANCELLED. Once the memory is
 * written libvirt no longer takes an abort: the save then stays done and
 * the run succeeds. A driver that cannot abort jobs (the test driver)
 * finishes its save regardless.
 *
 * An existing file at @path is replaced, as `virsh save` does: ask first.
 * libvirt 9.0 truncates it as the save begins, and if that save then
 * fails or is cancelled it leaves an incomplete image there (a restore
 * refuses it); Vireo removes that on a local connection and cannot on a
 * remote one. A file libvirt created for the save it removes itself.
 * The run is G_IO_ERROR_CANCELLED only when the save did not happen
 * because of the cancel; a save that failed on its own says why.
 * The run emits VireoDomain::action-requested with
 * VIREO_DOMAIN_ACTION_MANAGED_SAVE, so that an install watch
 * (vireo_domain_watch_install()) does not start the machine again once it
 * is shut off by the save.
 */
VireoSaveJob      *vireo_save_job_new               (VireoDomain          *domain,
                                                     const char           *path,
                                                     VireoRestoreState     restore_state);
VireoDomain       *vireo_save_job_get_domain        (VireoSaveJob         *self);
const char        *vireo_save_job_get_path          (VireoSaveJob         *self);
VireoRestoreState  vireo_save_job_get_restore_state (VireoSaveJob         *self);
double             vireo_save_job_get_progress      (VireoSaveJob         *self);
guint64            vireo_save_job_get_bytes_done    (VireoSaveJob         *self);
guint64            vireo_save_job_get_bytes_total   (VireoSaveJob         *self);
gboolean           vireo_save_job_get_running       (VireoSaveJob         *self);
gboolean           vireo_save_job_get_monitored     (VireoSaveJob         *self);
/* Runs the save once; a second run while one is under way fails with
 * G_IO_ERROR_PENDING. Errors: G_IO_ERROR_CANCELLED after a cancel;
 * VIREO_VIRT_ERROR_OPERATION_INVALID for a machine that is not running;
 * libvirt's own words when the host could not write the file. */
void               vireo_save_job_run_async         (VireoSaveJob         *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean           vireo_save_job_run_finish        (VireoSaveJob         *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void               vireo_save_job_cancel            (VireoSaveJob         *self);

/* ------------------------------------------------------------------------ */
/* Restoring from a file                                                     */

/* The definition of the machine a save file holds
 * (virDomainSaveImageGetXMLDesc, `virsh save-image-dumpxml`), e.g. to say
 * which machine a file will bring back before restoring it. */
void          vireo_connection_read_save_image_async  (VireoConnection      *self,
                                                       const char           *path,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
char         *vireo_connection_read_save_image_finish (VireoConnection      *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

/* Brings back the machine saved in @path, a file on the host
 * (virDomainRestoreFlags, `virsh restore`), running or paused as @state
 * says. The file stays where it is. The machine's new state arrives
 * through libvirt's events, as for Run. A machine of the same UUID that is
 * running refuses the restore (libvirt's words). */
void          vireo_connection_restore_async          (VireoConnection      *self,
                                                       const char           *path,
                                                       VireoRestoreState     state,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
/* Returns: (transfer full): the restored machine's UUID (find it with
 * vireo_connection_find_domain() once the list has it), or %NULL with
 * @error set */
char         *vireo_connection_restore_finish         (VireoConnection      *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

/* ------------------------------------------------------------------------ */
/* The guest's clock                                                         */

/* Sets the running guest's clock from the host's through the QEMU guest
 * agent (virDomainSetTime with VIR_DOMAIN_TIME_SYNC, `virsh domtime
 * --sync`), as is worth offering after a restore or a resume. Without an
 * agent (none configured, none connected, or one that does not answer) it
 * fails with VIREO_VIRT_ERROR_NO_AGENT and libvirt's words; a machine that
 * is not running with VIREO_VIRT_ERROR_OPERATION_INVALID. */
void          vireo_domain_sync_clock_async           (VireoDomain          *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean      vireo_domain_sync_clock_finish          (VireoDomain          *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

G_END_DECLS
