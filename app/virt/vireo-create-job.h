/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-connection.h"
#include "vireo-domain.h"
#include "vireo-vm-builder.h"

G_BEGIN_DECLS

/* Where a creation job is. Each step is reported on the main context, as
 * the job's "step" property, before its work is queued. */
typedef enum
{
  VIREO_CREATE_STEP_NONE,
  VIREO_CREATE_STEP_DOWNLOADING,       /* fetching a network install's kernel and initrd */
  VIREO_CREATE_STEP_CREATING_VOLUMES,  /* making the disk (and uploading boot files) */
  VIREO_CREATE_STEP_DEFINING,
  VIREO_CREATE_STEP_STARTING,
  VIREO_CREATE_STEP_CLEANING_UP,       /* removing the boot files QEMU has loaded */
  VIREO_CREATE_STEP_ROLLING_BACK,      /* failed or cancelled: undoing what it made */
  VIREO_CREATE_STEP_CUSTOMIZING,       /* defined, waiting for begin_install or abandon */
  VIREO_CREATE_STEP_DONE,
  VIREO_CREATE_STEP_FAILED,
  VIREO_CREATE_STEP_ABANDONED,         /* customized, then deleted at the user's word */
} VireoCreateStep;

const char     *vireo_create_step_get_label       (VireoCreateStep      step);

#define VIREO_TYPE_CREATE_JOB (vireo_create_job_get_type ())
G_DECLARE_FINAL_TYPE (VireoCreateJob, vireo_create_job, VIREO, CREATE_JOB, GObject)

VireoCreateJob *vireo_create_job_new              (VireoConnection       *connection,
                                                   const VireoCreatePlan *plan);
VireoConnection *vireo_create_job_get_connection  (VireoCreateJob        *self);
const VireoCreatePlan *vireo_create_job_get_plan  (VireoCreateJob        *self);
VireoCreateStep vireo_create_job_get_step         (VireoCreateJob        *self);
double          vireo_create_job_get_fraction     (VireoCreateJob        *self);
const char     *vireo_create_job_get_detail       (VireoCreateJob        *self);
void            vireo_create_job_run_async        (VireoCreateJob        *self,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
char           *vireo_create_job_run_finish       (VireoCreateJob        *self,
                                                   GAsyncResult          *result,
                                                   GError               **error);

/* "Customize configuration before install": after a run of a plan with
 * customize set, the job waits in VIREO_CREATE_STEP_CUSTOMIZING. */
void            vireo_create_job_begin_install_async  (VireoCreateJob        *self,
                                                       const VireoCreatePlan *plan,
                                                       GCancellable          *cancellable,
                                                       GAsyncReadyCallback    callback,
                                                       gpointer               user_data);
gboolean        vireo_create_job_begin_install_finish (VireoCreateJob        *self,
                                                       GAsyncResult          *result,
                                                       GError               **error);
void            vireo_create_job_abandon_async        (VireoCreateJob        *self,
                                                       GAsyncReadyCallback    callback,
                                                       gpointer               user_data);
gboolean        vireo_create_job_abandon_finish       (VireoCreateJob        *self,
                                                       GAsyncResult          *result,
                                                       GError               **error);
GStrv           vireo_create_job_dup_made_volumes     (VireoCreateJob        *self);

/* What the New VM wizard asks the host before there is a machine. */
void            vireo_connection_read_domain_caps_async  (VireoConnection     *self,
                                                          const char          *emulator,
                                                          const char          *arch,
                                                          const char          *machine,
                                                          const char          *virttype,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
char           *vireo_connection_read_domain_caps_finish (VireoConnection     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
void            vireo_connection_start_network_async     (VireoConnection     *self,
                                                          const char          *name,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean        vireo_connection_start_network_finish    (VireoConnection     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void            vireo_connection_find_disk_users_async   (VireoConnection     *self,
                                                          const char          *path,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GStrv           vireo_connection_find_disk_users_finish  (VireoConnection     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* After the install run: see vireo-create-job.c. */
void            vireo_domain_watch_install               (VireoDomain         *domain);
gboolean        vireo_domain_get_watching_install        (VireoDomain         *domain);

G_END_DECLS
