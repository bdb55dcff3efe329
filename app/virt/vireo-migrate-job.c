/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-migrate-job"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-connection-private.h"
#include "vireo-job-watch-private.h"
#include "vireo-migrate-job.h"
#include "vireo-virt-error.h"
#include "vireo-worker.h"

/*
 * A migration (see the header for what it means to the user).
 *
 * The migration is one blocking call (virDomainMigrate3 or
 * virDomainMigrateToURI3) on the source connection's ops worker, under the
 * link's call lock like every worker call. As for a save
 * (vireo-save-restore.c), everything asked meanwhile (job statistics,
 * abort, post-copy, downtime, speed) is sent from a VireoJobWatch
 * (vireo-job-watch.c), a thread of its own that the migration's thread
 * starts just before the call and waits for just after, and only on a
 * local source connection. virt-manager polls job information during a
 * migration the same way (its migrate dialog's timer); libvirt's QEMU
 * driver answers job queries and aborts beside a migration (they take no
 * async job of their own).
 *
 * What is the migration's own here: the reading (job statistics as text
 * pairs for the model's parser, post-copy from the state reason), the
 * maximum downtime set once the job shows, the requests (carried out on
 * the watch's thread, each answered on the main thread through a
 * vireo_main_invoke() of its own) and what the result means. Set
 * G_MESSAGES_DEBUG=vireo-migrate-job to see each reading as "name=value"
 * lines (the model tests' fixtures are such recordings).
 */

typedef enum
{
  REQUEST_POSTCOPY,
  REQUEST_DOWNTIME,
  REQUEST_BANDWIDTH,
} RequestKind;

typedef struct
{
  RequestKind  kind;
  guint64      value;
  GTask       *task;     /* main thread only: created and answered there */
  GError      *error;    /* the watch thread's answer */
} Request;

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_DESTINATION,
  PROP_OPTIONS,
  PROP_PROGRESS,
  PROP_PHASE,
  PROP_FRACTION,
  PROP_RUNNING,
  PROP_POSTCOPY_ACTIVE,
  PROP_MONITORED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
request_free (gpointer data)
{
  Request *r = data;

  g_clear_object (&r->task);
  g_clear_error (&r->error);
  g_free (r);
}

struct _VireoMigrateJob
{
  GObject               parent_instance;

  /* Owned */
  VireoDomain          *domain;
  VireoConnection      *destination;
  VireoMigrateOptions  *options;
  VireoMigrateProgress *progress;
  char                 *dest_uuid;
  char                 *dest_name;
  VireoJobWatch        *watch;         /* of the running migration */

  VireoMigratePhase     phase;
  double                fraction;
  gboolean              running;
  gboolean              postcopy_active;
  gboolean              monitored;
};

/* Plain data, owned by the run's watch; freed on any thread. */
typedef struct
{
  /* Set before the migration starts, then read-only. */
  char                 *uuid;
  unsigned int          flags;
  virTypedParameterPtr  params;
  int                   nparams;
  virConnectPtr         dconn;        /* DIRECT only */
  char                 *dest_uri;     /* the peer-to-peer ones */
  guint64               max_downtime_ms;
  gboolean              monitored;

  /* The watch thread only. */
  gboolean              supported;    /* the driver has job statistics */
  gboolean              downtime_set;

  /* Main thread only. */
  VireoMigrateJob      *job;
} Shared;

static void
shared_free (gpointer data)
{
  Shared *s = data;

  g_free (s->uuid);
  g_free (s->dest_uri);
  virTypedParamsFree (s->params, s->nparams);
  if (s->dconn != NULL)
    virConnectClose (s->dconn);
  g_free (s);
}

/* ------------------------------------------------------------------------ */
/* libvirt's side of the options                                             */

/**
 * vireo_migrate_options_to_flags:
 *
 * Returns: the VIR_MIGRATE_* flags of @options
 */
unsigned int
vireo_migrate_options_to_flags (const VireoMigrateOptions *options)
{
  unsigned int flags = 0;

  g_return_val_if_fail (options != NULL, 0);

  if (options->mode == VIREO_MIGRATE_MODE_LIVE)
    flags |= VIR_MIGRATE_LIVE;
  else if (options->mode == VIREO_MIGRATE_MODE_OFFLINE)
    flags |= VIR_MIGRATE_OFFLINE;
  if (options->persistent_on_dest)
    flags |= VIR_MIGRATE_PERSIST_DEST;
  if (options->undefine_source)
    flags |= VIR_MIGRATE_UNDEFINE_SOURCE;
  if (options->storage == VIREO_MIGRATE_STORAGE_COPY_ALL)
    flags |= VIR_MIGRATE_NON_SHARED_DISK;
  else if (options->storage == VIREO_MIGRATE_STORAGE_COPY_INCREMENTAL)
    flags |= VIR_MIGRATE_NON_SHARED_INC;
  if (options->transport != VIREO_MIGRATE_TRANSPORT_DIRECT)
    flags |= VIR_MIGRATE_PEER2PEER;
  if (options->transport == VIREO_MIGRATE_TRANSPORT_TUNNELLED)
    flags |= VIR_MIGRATE_TUNNELLED;
  if (options->allow_unsafe)
    flags |= VIR_MIGRATE_UNSAFE;
  if (options->postcopy)
    flags |= VIR_MIGRATE_POSTCOPY;
  if (options->auto_converge)
    flags |= VIR_MIGRATE_AUTO_CONVERGE;
  return flags;
}

/* Main thread: the typed parameters of @options. Returns: whether they
 * could be made (libvirt only fails on memory). */
static gboolean
options_to_params (const VireoMigrateOptions  *options,
                   virTypedParameterPtr       *params,
                   int                        *nparams)
{
  int max = 0;

  *params = NULL;
  *nparams = 0;
  if (options->dest_name != NULL &&
      virTypedParamsAddString (params, nparams, &max, VIR_MIGRATE_PARAM_DEST_NAME, options->dest_name) < 0)
    return FALSE;
  if (options->migrate_uri != NULL && options->transport != VIREO_MIGRATE_TRANSPORT_TUNNELLED &&
      virTypedParamsAddString (params, nparams, &max, VIR_MIGRATE_PARAM_URI, options->migrate_uri) < 0)
    return FALSE;
  if (options->bandwidth_mib_s > 0 && options->mode != VIREO_MIGRATE_MODE_OFFLINE &&
      virTypedParamsAddULLong (params, nparams, &max, VIR_MIGRATE_PARAM_BANDWIDTH, options->bandwidth_mib_s) < 0)
    return FALSE;
  return TRUE;
}

/**
 * vireo_migrate_explain_error:
 * @libvirt_code: a virErrorNumber
 * @message: (nullable): libvirt's message
 * @sentence: (out) (optional) (transfer full): the user's sentence
 *
 * Returns: what the failure means
 */
VireoMigrateErrorKind
vireo_migrate_explain_error (int          libvirt_code,
                             const char  *message,
                             char       **sentence)
{
  VireoMigrateErrorKind kind;

  switch (libvirt_code)
    {
    case VIR_ERR_MIGRATE_UNSAFE:
      kind = VIREO_MIGRATE_ERROR_UNSAFE;
      break;
    case VIR_ERR_OPERATION_ABORTED:
      kind = VIREO_MIGRATE_ERROR_CANCELLED;
      break;
    case VIR_ERR_CPU_INCOMPATIBLE:
      kind = VIREO_MIGRATE_ERROR_CPU_INCOMPATIBLE;
      break;
    case VIR_ERR_NO_SUPPORT:   /* a driver that cannot migrate (test, ...) */
      kind = VIREO_MIGRATE_ERROR_UNSUPPORTED;
      break;
    default:
      kind = vireo_migrate_classify_message (message);
      break;
    }
  if (sentence != NULL)
    *sentence = g_strdup (vireo_migrate_error_kind_explain (kind));
  return kind;
}

/* Worker threads: libvirt's last error as the run's GError. */
static GError *
migrate_error_from_last (void)
{
  const char *message = virGetLastErrorMessage ();
  g_autofree char *sentence = NULL;
  VireoMigrateErrorKind kind;

  kind = vireo_migrate_explain_error (virGetLastErrorCode (), message, &sentence);
  if (sentence[0] == '\0')
    /* Translators: %s is libvirt's own message */
    return g_error_new (VIREO_MIGRATE_ERROR, kind, _("The migration failed: %s"), message);
  /* Translators: the first %s says what the failure means, the second is
   * libvirt's own message */
  return g_error_new (VIREO_MIGRATE_ERROR, kind, _("%s (libvirt: %s)"), sentence, message);
}

static GError *
cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The migration was cancelled"));
}

/* ------------------------------------------------------------------------ */
/* The watch                                                                 */

/* A typed parameter as text, for the model's parser. */
static char *
param_to_text (const virTypedParameter *param)
{
  switch (param->type)
    {
    case VIR_TYPED_PARAM_INT:     return g_strdup_printf ("%d", param->value.i);
    case VIR_TYPED_PARAM_UINT:    return g_strdup_printf ("%u", param->value.ui);
    case VIR_TYPED_PARAM_LLONG:   return g_strdup_printf ("%lld", param->value.l);
    case VIR_TYPED_PARAM_ULLONG:  return g_strdup_printf ("%llu", param->value.ul);
    case VIR_TYPED_PARAM_DOUBLE:  return g_strdup_printf ("%.0f", param->value.d);
    case VIR_TYPED_PARAM_BOOLEAN: return g_strdup (param->value.b ? "1" : "0");
    case VIR_TYPED_PARAM_STRING:  return g_strdup (param->value.s);
    default:                      return NULL;
    }
}

/* Watch thread (and ops, for the completed job): one reading, or NULL
 * when libvirt gave none. */
static VireoMigrateProgress *
read_job (virDomainPtr  dom,
          unsigned int  flags,
          gboolean     *supported)
{
  virTypedParameterPtr params = NULL;
  int nparams = 0, type = VIR_DOMAIN_JOB_NONE, state = 0, reason = 0, i;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) stats = g_array_new (FALSE, FALSE, sizeof (VireoMigrateStat));
  gboolean postcopy;

  if (virDomainGetJobStats (dom, &type, &params, &nparams, flags) < 0)
    {
      if (virGetLastErrorCode () == VIR_ERR_NO_SUPPORT)
        *supported = FALSE;
      virResetLastError ();
      return NULL;
    }
  if (virDomainGetState (dom, &state, &reason, 0) < 0)
    virResetLastError ();
  postcopy = (state == VIR_DOMAIN_RUNNING && reason == VIR_DOMAIN_RUNNING_POSTCOPY) ||
             (state == VIR_DOMAIN_PAUSED && reason == VIR_DOMAIN_PAUSED_POSTCOPY);

  for (i = 0; i < nparams; i++)
    {
      VireoMigrateStat stat = { params[i].field, param_to_text (&params[i]) };

      if (stat.value == NULL)
        continue;
      g_ptr_array_add (texts, (char *) stat.value);
      g_array_append_val (stats, stat);
      g_debug ("%s=%s", stat.name, stat.value);
    }
  g_debug ("type=%d\npostcopy=%d\n", type, postcopy);
  {
    VireoMigrateProgress *p = vireo_migrate_progress_parse ((VireoMigrateJobType) CLAMP (type, 0, 5),
                                                            (const VireoMigrateStat *) (gpointer) stats->data,
                                                            stats->len, postcopy);
    virTypedParamsFree (params, nparams);
    return p;
  }
}

static void apply_reading (VireoMigrateJob            *self,
                           const VireoMigrateProgress *reading);

/* Main thread. */
static void
deliver_reading (gpointer reading,
                 gpointer data)
{
  Shared *s = data;

  apply_reading (s->job, reading);
}

static gboolean
answer_request (gpointer data)
{
  Request *r = data;

  if (r->error != NULL)
    g_task_return_error (r->task, g_steal_pointer (&r->error));
  else
    {
      if (r->kind == REQUEST_POSTCOPY)
        {
          VireoMigrateJob *self = g_task_get_source_object (r->task);

          if (!self->postcopy_active)
            {
              self->postcopy_active = TRUE;
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSTCOPY_ACTIVE]);
            }
        }
      g_task_return_boolean (r->task, TRUE);
    }
  return G_SOURCE_REMOVE;
}

/* Watch thread: carries out one request; the answer goes to the main
 * thread. */
static void
run_request (virDomainPtr  dom,
             gpointer      request,
             gpointer      data)
{
  Request *r = request;
  int rc;

  switch (r->kind)
    {
    case REQUEST_POSTCOPY:
      rc = virDomainMigrateStartPostCopy (dom, 0);
      break;
    case REQUEST_DOWNTIME:
      rc = virDomainMigrateSetMaxDowntime (dom, r->value, 0);
      break;
    case REQUEST_BANDWIDTH:
    default:
      rc = virDomainMigrateSetMaxSpeed (dom, r->value, 0);
      break;
    }
  if (rc < 0)
    r->error = _vireo_error_from_last (r->kind == REQUEST_POSTCOPY ? _("Could not switch to post-copy")
                                       : r->kind == REQUEST_DOWNTIME ? _("Could not change the maximum downtime")
                                       : _("Could not change the bandwidth"));
  virResetLastError ();
  vireo_main_invoke (answer_request, r, request_free, G_PRIORITY_DEFAULT);
}

/* Watch thread. */
static VireoJobWatchPoll
poll_migration (virDomainPtr  dom,
                gpointer      data,
                gpointer     *reading)
{
  Shared *s = data;
  VireoMigrateProgress *p = read_job (dom, 0, &s->supported);

  if (p != NULL && p->phase != VIREO_MIGRATE_PHASE_NONE)
    {
      /* libvirt 9.0 has no parameter for it: set once running. */
      if (!s->downtime_set)
        {
          if (virDomainMigrateSetMaxDowntime (dom, s->max_downtime_ms, 0) < 0)
            g_debug ("Could not set the maximum downtime: %s", virGetLastErrorMessage ());
          virResetLastError ();
          s->downtime_set = TRUE;
        }
      *reading = p;
      return VIREO_JOB_WATCH_SEEN;
    }
  vireo_migrate_progress_free (p);
  return s->supported ? VIREO_JOB_WATCH_NOTHING : VIREO_JOB_WATCH_UNSUPPORTED;
}

static const VireoJobWatchSpec migrate_watch = {
  .thread_name    = "vireo-migrate-poll",
  .first_poll_ms  = 200,
  .poll_ms        = 500,
  .abort_retry_ms = 100,
  .poll           = poll_migration,
  .run_request    = run_request,
  .deliver        = deliver_reading,
  .reading_free   = (GDestroyNotify) vireo_migrate_progress_free,
};

/* ------------------------------------------------------------------------ */
/* The migration, on the source's ops worker                                 */

typedef struct
{
  char                 *name;        /* on the destination */
  VireoMigrateProgress *completed;   /* (nullable) */
} MigrateResult;

static void
migrate_result_free (gpointer data)
{
  MigrateResult *r = data;

  g_free (r->name);
  vireo_migrate_progress_free (r->completed);
  g_free (r);
}

static void
migrate_thread (GTask        *task,
                virConnectPtr conn,
                gpointer      task_data,
                GCancellable *cancellable)
{
  VireoJobWatch *watch = task_data;
  Shared *s = _vireo_job_watch_get_data (watch);
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, s->uuid);
  g_autoptr(virDomain) ddom = NULL;
  MigrateResult *result;
  GError *error = NULL;
  gboolean cancelled, ok, connected, supported = TRUE;
  const char *name;

  if (dom == NULL)
    return;

  /* A cancel that came first wins over a missing destination. */
  connected = s->dest_uri != NULL || s->dconn != NULL;
  if (!_vireo_job_watch_begin (watch, s->monitored && connected ? dom : NULL))
    {
      g_task_return_error (task, cancelled_error ());
      return;
    }
  if (!connected)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED,
                               _("Not connected to the destination host"));
      return;
    }

  if (s->dest_uri != NULL)
    ok = virDomainMigrateToURI3 (dom, s->dest_uri, s->params, s->nparams, s->flags) == 0;
  else
    ok = (ddom = virDomainMigrate3 (dom, s->dconn, s->params, s->nparams, s->flags)) != NULL;
  if (!ok)
    error = migrate_error_from_last ();
  virResetLastError ();
  cancelled = _vireo_job_watch_end (watch);

  if (error != NULL)
    {
      /* Cancelled is what libvirt took an abort for. */
      if (cancelled || g_error_matches (error, VIREO_MIGRATE_ERROR, VIREO_MIGRATE_ERROR_CANCELLED))
        {
          g_debug ("Migration of %s aborted: %s", s->uuid, error->message);
          g_error_free (error);
          error = cancelled_error ();
        }
      g_task_return_error (task, error);
      return;
    }

  result = g_new0 (MigrateResult, 1);
  name = ddom != NULL ? virDomainGetName (ddom) : NULL;
  if (name == NULL)
    {
      int i;

      for (i = 0; i < s->nparams; i++)
        if (strcmp (s->params[i].field, VIR_MIGRATE_PARAM_DEST_NAME) == 0)
          name = s->params[i].value.s;
      if (name == NULL)
        name = virDomainGetName (dom);
    }
  result->name = g_strdup (name);
  /* The completed job's figures stay with the source's machine while it
   * is defined there; gone with it otherwise. */
  if (s->monitored)
    result->completed = read_job (dom, VIR_DOMAIN_JOB_STATS_COMPLETED, &supported);
  virResetLastError ();
  g_task_return_pointer (task, result, migrate_result_free);
}

/* ------------------------------------------------------------------------ */
/* The job (main thread)                                                     */

G_DEFINE_FINAL_TYPE (VireoMigrateJob, vireo_migrate_job, G_TYPE_OBJECT)

static void
set_phase (VireoMigrateJob   *self,
           VireoMigratePhase  phase)
{
  if (self->phase == phase)
    return;
  self->phase = phase;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

static void
set_fraction (VireoMigrateJob *self,
              double           fraction)
{
  if (self->fraction == fraction)
    return;
  self->fraction = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static void
set_running (VireoMigrateJob *self,
             gboolean         running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
apply_reading (VireoMigrateJob            *self,
               const VireoMigrateProgress *reading)
{
  vireo_migrate_progress_free (self->progress);
  self->progress = vireo_migrate_progress_copy (reading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  set_phase (self, reading->phase);
  set_fraction (self, reading->fraction);
  if (reading->postcopy_active && !self->postcopy_active)
    {
      self->postcopy_active = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSTCOPY_ACTIVE]);
    }
}

static void
end_run (VireoMigrateJob *self)
{
  Request *r;

  if (self->watch == NULL)
    return;
  /* Requests the watch never took: the migration is over. */
  while ((r = _vireo_job_watch_pop_request (self->watch)) != NULL)
    {
      g_task_return_new_error (r->task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID,
                               _("The migration is over"));
      request_free (r);
    }
  /* Late deliveries do nothing from here on. */
  _vireo_job_watch_detach (self->watch);
  g_clear_pointer (&self->watch, _vireo_job_watch_unref);
}

static void
on_migrated (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VireoMigrateJob *self = g_task_get_source_object (task);
  MigrateResult *r;
  GError *error = NULL;

  end_run (self);
  r = g_task_propagate_pointer (G_TASK (result), &error);
  if (r != NULL)
    {
      if (r->completed != NULL && r->completed->phase == VIREO_MIGRATE_PHASE_COMPLETED)
        apply_reading (self, r->completed);
      g_free (self->dest_uuid);
      self->dest_uuid = g_strdup (vireo_domain_get_uuid (self->domain));
      g_free (self->dest_name);
      self->dest_name = g_strdup (r->name);
      set_fraction (self, 1.0);
      set_phase (self, VIREO_MIGRATE_PHASE_COMPLETED);
      migrate_result_free (r);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_phase (self, VIREO_MIGRATE_PHASE_CANCELLED);
  else
    set_phase (self, VIREO_MIGRATE_PHASE_FAILED);
  set_running (self, FALSE);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_migrate_job_new:
 * @domain: the machine to move
 * @destination: the connection it goes to
 * @options: the choices (copied)
 *
 * Returns: (transfer full): a migration; nothing happens before
 *   vireo_migrate_job_run_async()
 */
VireoMigrateJob *
vireo_migrate_job_new (VireoDomain               *domain,
                       VireoConnection           *destination,
                       const VireoMigrateOptions *options)
{
  VireoMigrateJob *self;
  VireoConnection *source;

  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), NULL);
  g_return_val_if_fail (VIREO_IS_CONNECTION (destination), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  self = g_object_new (VIREO_TYPE_MIGRATE_JOB, NULL);
  self->domain = g_object_ref (domain);
  self->destination = g_object_ref (destination);
  self->options = vireo_migrate_options_copy (options);
  source = vireo_domain_get_connection (domain);
  self->monitored = source != NULL && !vireo_connection_get_is_remote (source);
  return self;
}

/**
 * vireo_migrate_job_run_async:
 * @cancellable: (nullable): cancels like vireo_migrate_job_cancel()
 *
 * Migrates the machine (`virsh migrate`), notifying "progress" as it goes.
 */
void
vireo_migrate_job_run_async (VireoMigrateJob     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VireoConnection *connection;
  GTask *migrate_task;
  Shared *s;

  g_return_if_fail (VIREO_IS_MIGRATE_JOB (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_migrate_job_run_async);
  g_task_set_check_cancellable (task, FALSE);
  if (self->running)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("The migration is already running"));
      return;
    }
  connection = vireo_domain_get_connection (self->domain);
  if (connection == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN,
                               _("The virtual machine no longer exists"));
      return;
    }

  s = g_new0 (Shared, 1);
  s->uuid = g_strdup (vireo_domain_get_uuid (self->domain));
  s->flags = vireo_migrate_options_to_flags (self->options);
  s->monitored = self->monitored;
  s->supported = TRUE;
  if (self->options->mode == VIREO_MIGRATE_MODE_LIVE)
    s->max_downtime_ms = self->options->max_downtime_ms;
  s->downtime_set = s->max_downtime_ms == 0;
  if (self->options->transport == VIREO_MIGRATE_TRANSPORT_DIRECT)
    s->dconn = _vireo_connection_dup_virconnect (self->destination);
  else
    s->dest_uri = g_strdup (self->options->dest_uri);
  s->job = self;
  if (!options_to_params (self->options, &s->params, &s->nparams))
    {
      shared_free (s);
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                               _("The migration’s parameters could not be made"));
      return;
    }
  self->watch = _vireo_job_watch_new (&migrate_watch, s, shared_free);
  /* The watch hears a cancel whichever way it comes: this one or
   * vireo_migrate_job_cancel(). */
  _vireo_job_watch_follow_cancellable (self->watch, cancellable);

  g_clear_pointer (&self->progress, vireo_migrate_progress_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  set_phase (self, VIREO_MIGRATE_PHASE_NONE);
  set_fraction (self, 0.0);
  set_running (self, TRUE);

  /* No cancellable on the worker's task: only migrate_thread knows whether
   * the migration happened. */
  migrate_task = g_task_new (connection, NULL, on_migrated, g_steal_pointer (&task));
  g_task_set_source_tag (migrate_task, migrate_thread);
  g_task_set_task_data (migrate_task, _vireo_job_watch_ref (self->watch), _vireo_job_watch_unref);
  vireo_connection_run (connection, migrate_task, migrate_thread);
}

/**
 * vireo_migrate_job_run_finish:
 *
 * Returns: whether the machine moved; %FALSE with @error set otherwise
 */
gboolean
vireo_migrate_job_run_finish (VireoMigrateJob  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_migrate_job_run_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_migrate_job_cancel:
 *
 * Aborts a running migration; the machine stays where it was.
 */
void
vireo_migrate_job_cancel (VireoMigrateJob *self)
{
  g_return_if_fail (VIREO_IS_MIGRATE_JOB (self));

  if (self->watch != NULL)
    _vireo_job_watch_cancel (self->watch);
}

static void
push_request (VireoMigrateJob     *self,
              gpointer             source_tag,
              RequestKind          kind,
              guint64              value,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Request *r;

  g_task_set_source_tag (task, source_tag);
  if (!self->running || self->watch == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID,
                               _("No migration is running"));
      return;
    }
  if (!self->monitored)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID,
                               _("A migration from a remote host cannot be changed while it runs"));
      return;
    }
  if (kind == REQUEST_POSTCOPY && !self->options->postcopy)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID,
                               _("The migration was started without post-copy"));
      return;
    }
  r = g_new0 (Request, 1);
  r->kind = kind;
  r->value = value;
  r->task = g_steal_pointer (&task);
  _vireo_job_watch_push_request (self->watch, r);
}

/**
 * vireo_migrate_job_start_postcopy_async:
 *
 * Switches the running migration to post-copy (`virsh migrate-postcopy`).
 */
void
vireo_migrate_job_start_postcopy_async (VireoMigrateJob     *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (VIREO_IS_MIGRATE_JOB (self));
  push_request (self, vireo_migrate_job_start_postcopy_async, REQUEST_POSTCOPY, 0,
                cancellable, callback, user_data);
}

gboolean
vireo_migrate_job_start_postcopy_finish (VireoMigrateJob  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_migrate_job_start_postcopy_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_migrate_job_set_max_downtime_async:
 * @downtime_ms: the longest the guest may stop, in milliseconds
 *
 * `virsh migrate-setmaxdowntime` on the running migration.
 */
void
vireo_migrate_job_set_max_downtime_async (VireoMigrateJob     *self,
                                          guint64              downtime_ms,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (VIREO_IS_MIGRATE_JOB (self));
  push_request (self, vireo_migrate_job_set_max_downtime_async, REQUEST_DOWNTIME, downtime_ms,
                cancellable, callback, user_data);
}

gboolean
vireo_migrate_job_set_max_downtime_finish (VireoMigrateJob  *self,
                                           GAsyncResult     *result,
                                           GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_migrate_job_set_max_downtime_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_migrate_job_set_bandwidth_async:
 * @bandwidth_mib_s: MiB/s, 0 for unlimited
 *
 * `virsh migrate-setspeed` on the running migration.
 */
void
vireo_migrate_job_set_bandwidth_async (VireoMigrateJob     *self,
                                       guint64              bandwidth_mib_s,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (VIREO_IS_MIGRATE_JOB (self));
  /* libvirt's "unlimited" is the largest value it takes: 8 PiB/s. */
  push_request (self, vireo_migrate_job_set_bandwidth_async, REQUEST_BANDWIDTH,
                bandwidth_mib_s > 0 ? bandwidth_mib_s : G_MAXINT64 / (1024 * 1024),
                cancellable, callback, user_data);
}

gboolean
vireo_migrate_job_set_bandwidth_finish (VireoMigrateJob  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, vireo_migrate_job_set_bandwidth_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

VireoDomain *
vireo_migrate_job_get_domain (VireoMigrateJob *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_JOB (self), NULL);
  return self->domain;
}

VireoConnection *
vireo_migrate_job_get_destination (VireoMigrateJob *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_JOB (self), NULL);
  return self->destination;
}

const VireoMigrateOptions *
vireo_migrate_job_get_options (VireoMigrateJob *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_JOB (self), NULL);
  return self->options;
}

const VireoMigrateProgress *
vireo_migrate_job_get_progress (VireoMigrateJob *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_JOB (self), NULL);
  return self->progress;
}

VireoMigratePhase
vireo_migrate_job_get_phase (VireoMigrateJob *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_JOB (self), VIREO_MIGRATE_PHASE_NONE);
  return self->phase;
}

double
vireo_migrate_job_get_fraction (VireoMigrateJob *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_JOB (self), 0.0);
  return self->fraction;
}

gboolean
vireo_migrate_job_get_running (VireoMigrateJob *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_JOB (self), FALSE);
  return self->running;
}

gboolean
vireo_migrate_job_get_postcopy_active (VireoMigrateJob *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_JOB (self), FALSE);
  return self->postcopy_active;
}

gboolean
vireo_migrate_job_get_monitored (VireoMigrateJob *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_JOB (self), FALSE);
  return self->monitored;
}

const char *
vireo_migrate_job_get_dest_uuid (VireoMigrateJob *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_JOB (self), NULL);
  return self->dest_uuid;
}

const char *
vireo_migrate_job_get_dest_name (VireoMigrateJob *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_JOB (self), NULL);
  return self->dest_name;
}

static void
vireo_migrate_job_finalize (GObject *object)
{
  VireoMigrateJob *self = (VireoMigrateJob *) object;

  g_assert (self->watch == NULL);
  g_clear_object (&self->domain);
  g_clear_object (&self->destination);
  vireo_migrate_options_free (self->options);
  vireo_migrate_progress_free (self->progress);
  g_free (self->dest_uuid);
  g_free (self->dest_name);

  G_OBJECT_CLASS (vireo_migrate_job_parent_class)->finalize (object);
}

static void
vireo_migrate_job_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VireoMigrateJob *self = VIREO_MIGRATE_JOB (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_object (value, self->domain);
      break;
    case PROP_DESTINATION:
      g_value_set_object (value, self->destination);
      break;
    case PROP_OPTIONS:
      g_value_set_boxed (value, self->options);
      break;
    case PROP_PROGRESS:
      g_value_set_boxed (value, self->progress);
      break;
    case PROP_PHASE:
      g_value_set_int (value, self->phase);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_POSTCOPY_ACTIVE:
      g_value_set_boolean (value, self->postcopy_active);
      break;
    case PROP_MONITORED:
      g_value_set_boolean (value, self->monitored);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_migrate_job_class_init (VireoMigrateJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_migrate_job_finalize;
  object_class->get_property = vireo_migrate_job_get_property;

  properties[PROP_DOMAIN] =
    g_param_spec_object ("domain", NULL, NULL, VIREO_TYPE_DOMAIN,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESTINATION] =
    g_param_spec_object ("destination", NULL, NULL, VIREO_TYPE_CONNECTION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPTIONS] =
    g_param_spec_boxed ("options", NULL, NULL, VIREO_TYPE_MIGRATE_OPTIONS,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_boxed ("progress", NULL, NULL, VIREO_TYPE_MIGRATE_PROGRESS,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A VireoMigratePhase (no enum GType in the model layer). */
  properties[PROP_PHASE] =
    g_param_spec_int ("phase", NULL, NULL, VIREO_MIGRATE_PHASE_NONE, VIREO_MIGRATE_PHASE_CANCELLED,
                      VIREO_MIGRATE_PHASE_NONE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POSTCOPY_ACTIVE] =
    g_param_spec_boolean ("postcopy-active", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MONITORED] =
    g_param_spec_boolean ("monitored", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vireo_migrate_job_init (VireoMigrateJob *self)
{
}
