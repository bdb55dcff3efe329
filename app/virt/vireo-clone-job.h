/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-clone.h"
#include "vireo-connection.h"
#include "vireo-domain.h"

G_BEGIN_DECLS

/*
 * Cloning a machine from a VireoClonePlan (app/model/vireo-clone.h):
 *
 *   1. check the host as it is now: the machine exists and is not running,
 *      the clone's name and UUID are free, each source volume and each
 *      destination pool is there (pools refreshed first), no new volume's
 *      name is taken, and the clone's NVRAM file does not exist yet;
 *   2. per disk in order: copy (virStorageVolCreateXMLFrom, thin) or make
 *      the overlay (virStorageVolCreateXML with a <backingStore>);
 *   3. define the clone (vireo_clone_plan_build_xml());
 *   4. copy the NVRAM file and the emulated TPM's state, through libvirt's
 *      storage API on the host (works over SSH as locally). A file that
 *      cannot be copied is not a failure: the clone then starts with the
 *      firmware's defaults or an empty TPM, and the result says so.
 *
 * The source machine is never changed. Each step is reported (the "step"
 * property, then "detail") before it starts. Progress is the share of the
 * copies' bytes written ("fraction", "bytes-done"; at most once a second
 * during a copy). A cancel takes effect between steps: libvirt cannot
 * stop a copy under way, so a cancel during one waits for it. A failure
 * or cancel removes exactly what the job made (its volumes; the
 * definition, with the NVRAM file and TPM state only if the job made
 * them) and says in the error what could not be removed.
 */

typedef enum
{
  VIREO_CLONE_STEP_NONE,
  VIREO_CLONE_STEP_CHECKING,       /* the host as it is now (detail: the clone's name) */
  VIREO_CLONE_STEP_COPYING,        /* a disk being copied (detail: the new volume's name) */
  VIREO_CLONE_STEP_OVERLAYING,     /* an overlay being made (detail: the new volume's name) */
  VIREO_CLONE_STEP_DEFINING,       /* (detail: the clone's name) */
  VIREO_CLONE_STEP_COPYING_NVRAM,  /* (detail: the clone's NVRAM file) */
  VIREO_CLONE_STEP_COPYING_TPM,
  VIREO_CLONE_STEP_ROLLING_BACK,   /* failed or cancelled: removing what it made */
  VIREO_CLONE_STEP_DONE,
  VIREO_CLONE_STEP_FAILED,
} VireoCloneStep;

const char *vireo_clone_step_get_label (VireoCloneStep step);

/* What became of state the machine keeps outside its disks. */
typedef enum
{
  VIREO_CLONE_STATE_NONE,    /* the machine has none: no UEFI variables / no emulated TPM */
  VIREO_CLONE_STATE_COPIED,  /* the clone has a copy */
  VIREO_CLONE_STATE_FRESH,   /* the original has none yet (never started): the clone makes its own at its
                                first start, as the original would have */
  VIREO_CLONE_STATE_RESET,   /* not copied (the note says why): the clone starts with the firmware's
                                default settings / an empty TPM */
} VireoCloneStateOutcome;

typedef struct
{
  char                   *uuid;        /* the clone's */
  char                   *name;
  GStrv                   volumes;     /* the new volumes' paths (or "pool/name" where a pool has no paths) */
  VireoCloneStateOutcome  nvram;
  char                   *nvram_path;  /* (nullable): the clone's NVRAM file, where known */
  char                   *nvram_note;  /* (nullable): translated; why not copied */
  VireoCloneStateOutcome  tpm;
  char                   *tpm_note;    /* (nullable): translated; why not copied */
} VireoCloneResult;

void              vireo_clone_result_free (VireoCloneResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoCloneResult, vireo_clone_result_free)

#define VIREO_TYPE_CLONE_JOB (vireo_clone_job_get_type ())
G_DECLARE_FINAL_TYPE (VireoCloneJob, vireo_clone_job, VIREO, CLONE_JOB, GObject)

/* @plan: copied; it should pass vireo_clone_plan_validate() (the run
 * fails with its error otherwise, having made nothing). */
VireoCloneJob        *vireo_clone_job_new            (VireoConnection       *connection,
                                                      const VireoClonePlan  *plan);
VireoConnection      *vireo_clone_job_get_connection (VireoCloneJob         *self);
const VireoClonePlan *vireo_clone_job_get_plan       (VireoCloneJob         *self);
VireoCloneStep        vireo_clone_job_get_step       (VireoCloneJob         *self);
/* 0 to 1: the copies' bytes (95 %) and the other steps (5 %); never goes
 * back. */
double                vireo_clone_job_get_fraction   (VireoCloneJob         *self);
/* Bytes the copies wrote so far and will write in all, by the new
 * volumes' allocation on the host against the sources' (0 before the
 * check or without copies). */
guint64               vireo_clone_job_get_bytes_done  (VireoCloneJob        *self);
guint64               vireo_clone_job_get_bytes_total (VireoCloneJob        *self);
const char           *vireo_clone_job_get_detail     (VireoCloneJob         *self);

/* Runs once per job. @cancellable: (nullable): see the top of this file;
 * a cancelled run fails with %G_IO_ERROR_CANCELLED once everything it
 * made is gone. Errors: %VIREO_VIRT_ERROR_OPERATION_INVALID for a running
 * machine, %VIREO_VIRT_ERROR_EXISTS for a name, UUID, volume or NVRAM
 * file taken meanwhile, %VIREO_VIRT_ERROR_NO_DOMAIN / _NO_VOLUME for what
 * went away (a destination pool gone or stopped: _FAILED, naming it), the
 * plan's %VIREO_CLONE_ERROR when it does not validate, else libvirt's
 * words prefixed with the disk and what was being done ("vdb: Could not
 * make the overlay: …"). */
void                  vireo_clone_job_run_async      (VireoCloneJob         *self,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
VireoCloneResult     *vireo_clone_job_run_finish     (VireoCloneJob         *self,
                                                      GAsyncResult          *result,
                                                      GError               **error);

/* The model's view of vireo_connection_list_pools_finish()'s answer
 * (@pool_infos: (element-type VireoPoolInfo)), for vireo_clone_plan_new().
 * Returns: (transfer full) (element-type VireoClonePool) */
GPtrArray            *vireo_clone_pools_from_pool_infos (GPtrArray          *pool_infos);
/* A machine's state as the plan wants it: running, blocked, shutting
 * down, crashed and suspended-to-RAM guests are all running for this. */
VireoCloneSourceState vireo_clone_source_state_for   (VireoDomainState       state);

G_END_DECLS
