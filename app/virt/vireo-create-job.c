/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-create-job"

#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-connection-private.h"
#include "vireo-create-job.h"
#include "vireo-virt-enums.h"
#include "vireo-virt-error.h"

/*
 * Making a new machine from a VireoCreatePlan (see vireo-vm-builder.c for
 * the two definitions and why they are applied in this order):
 *
 *   1. fetch a network install's kernel and initrd into a temp dir (GIO,
 *      on a GTask thread: file:// always, http/https/ftp/nfs where gvfs
 *      is installed, as on every GNOME desktop);
 *   2. create each volume in its pool, uploading the fetched files into
 *      theirs (virStorageVolUpload, so this works on remote hosts too);
 *   3. define the final definition;
 *   4. start: virDomainCreateXML with the install definition over the
 *      defined one, or virDomainCreate (import); a manual install stops
 *      after 3;
 *   5. remove the boot-file volumes, which QEMU read at start.
 *
 * "Customize configuration before install" splits that in two. The run
 * makes the volumes and defines the machine as the answers give it, media
 * in its drive, and waits (VIREO_CREATE_STEP_CUSTOMIZING) while the user
 * changes it in its window. Begin Installation then takes a plan made
 * from the changed definition and starts the install over it first, and
 * only then defines the final definition (the media ejected) as the
 * next boot's: a start that fails leaves the definition as the user left
 * it, to try again. Volumes the job made that the changed machine no
 * longer uses go with the boot files. A failed Begin undoes nothing;
 * Cancel Installation (abandon) removes the machine and every volume the
 * job made.
 *
 * The job is a state machine on the main thread: each libvirt step is
 * its own task on the connection's serial worker, queued once the step
 * before it came back, and each step is announced (the "step" property)
 * before it is queued. Cancelling takes effect between steps: a cancel
 * seen before a step starts undoes everything made so far; one that comes
 * while the machine is being started is too late, and the machine stays.
 * A failure or cancel removes exactly the volumes this job created and
 * undefines the machine if this job defined it (with its NVRAM and TPM
 * state), and nothing else: a name or UUID that exists already is refused
 * before anything is defined, and a volume name that exists makes the
 * create fail rather than touch it.
 *
 * Equivalent virsh commands (for the "equivalent command" generator; the
 * wizard shows virt-install's line instead, which does all of this):
 *   vol-create POOL VOLUME.xml; vol-upload --pool POOL NAME FILE
 *   define FINAL.xml; create INSTALL.xml (or start NAME)
 *   rollback: undefine --nvram --tpm NAME; vol-delete --pool POOL NAME
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (virStream, virStreamFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virNetwork, virNetworkFree)

#define UPLOAD_CHUNK (256 * 1024)

typedef struct
{
  char            *pool;
  char            *name;
  VireoVolumeRole  role;
} MadeVolume;

static void
made_volume_free (MadeVolume *made)
{
  g_free (made->pool);
  g_free (made->name);
  g_free (made);
}

struct _VireoCreateJob
{
  GObject parent_instance;

  /* Owned */
  VireoConnection *connection;
  VireoCreatePlan *plan;
  GTask           *task;        /* the run, while it runs */
  GPtrArray       *made;        /* (element-type MadeVolume) */
  GPtrArray       *downloads;   /* (element-type filename) (nullable elements): per plan volume */
  char            *tmpdir;
  GError          *error;       /* the failure being rolled back */
  char            *detail;

  VireoCreateStep  step;
  guint            next_volume;
  guint            done_units;
  guint            total_units;
  gboolean         defined;
  gboolean         beginning;   /* in begin_install: a failure undoes nothing */
};

G_DEFINE_FINAL_TYPE (VireoCreateJob, vireo_create_job, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STEP,
  PROP_FRACTION,
  PROP_DETAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * vireo_create_step_get_label:
 *
 * Returns: the step in words for a progress line, "" for none
 */
const char *
vireo_create_step_get_label (VireoCreateStep step)
{
  switch (step)
    {
    case VIREO_CREATE_STEP_DOWNLOADING:
      return _("Fetching the installer’s kernel…");
    case VIREO_CREATE_STEP_CREATING_VOLUMES:
      return _("Creating the storage…");
    case VIREO_CREATE_STEP_DEFINING:
      return _("Defining the machine…");
    case VIREO_CREATE_STEP_STARTING:
      return _("Starting the machine…");
    case VIREO_CREATE_STEP_CLEANING_UP:
      return _("Removing the installer’s boot files…");
    case VIREO_CREATE_STEP_ROLLING_BACK:
      return _("Undoing what was made…");
    case VIREO_CREATE_STEP_CUSTOMIZING:
      return _("The machine is defined and waits for its installation to begin.");
    case VIREO_CREATE_STEP_DONE:
      return _("The machine was created.");
    case VIREO_CREATE_STEP_ABANDONED:
      return _("The machine and its new storage were deleted.");
    case VIREO_CREATE_STEP_FAILED:
      return _("The machine could not be created.");
    case VIREO_CREATE_STEP_NONE:
    default:
      return "";
    }
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
vireo_create_job_dispose (GObject *object)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (object);

  g_clear_object (&self->connection);

  G_OBJECT_CLASS (vireo_create_job_parent_class)->dispose (object);
}

static void
remove_tmpdir (VireoCreateJob *self)
{
  if (self->tmpdir == NULL)
    return;
  for (guint i = 0; self->downloads != NULL && i < self->downloads->len; i++)
    if (self->downloads->pdata[i] != NULL)
      g_unlink (self->downloads->pdata[i]);
  g_rmdir (self->tmpdir);
  g_clear_pointer (&self->tmpdir, g_free);
}

static void
vireo_create_job_finalize (GObject *object)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (object);

  remove_tmpdir (self);
  g_clear_pointer (&self->plan, vireo_create_plan_free);
  g_clear_pointer (&self->made, g_ptr_array_unref);
  g_clear_pointer (&self->downloads, g_ptr_array_unref);
  g_clear_error (&self->error);
  g_free (self->detail);

  G_OBJECT_CLASS (vireo_create_job_parent_class)->finalize (object);
}

static void
vireo_create_job_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_enum (value, self->step);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, vireo_create_job_get_fraction (self));
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_create_job_class_init (VireoCreateJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vireo_create_job_dispose;
  object_class->finalize = vireo_create_job_finalize;
  object_class->get_property = vireo_create_job_get_property;

  properties[PROP_STEP] =
    g_param_spec_enum ("step", NULL, NULL, VIREO_TYPE_CREATE_STEP, VIREO_CREATE_STEP_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAIL] =
    g_param_spec_string ("detail", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vireo_create_job_init (VireoCreateJob *self)
{
  self->made = g_ptr_array_new_with_free_func ((GDestroyNotify) made_volume_free);
  self->downloads = g_ptr_array_new_with_free_func (g_free);
}

/**
 * vireo_create_job_new:
 * @plan: what to make (vireo_vm_builder_dup_plan()); copied
 *
 * Returns: (transfer full): a job, not yet started
 */
VireoCreateJob *
vireo_create_job_new (VireoConnection       *connection,
                      const VireoCreatePlan *plan)
{
  VireoCreateJob *self;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (plan != NULL && plan->final_xml != NULL && plan->uuid != NULL, NULL);

  self = g_object_new (VIREO_TYPE_CREATE_JOB, NULL);
  self->connection = g_object_ref (connection);
  self->plan = vireo_create_plan_copy (plan);
  return self;
}

/** vireo_create_job_get_connection: Returns: (transfer none): */
VireoConnection *
vireo_create_job_get_connection (VireoCreateJob *self)
{
  g_return_val_if_fail (VIREO_IS_CREATE_JOB (self), NULL);
  return self->connection;
}

/** vireo_create_job_get_plan: Returns: (transfer none): the job's own copy */
const VireoCreatePlan *
vireo_create_job_get_plan (VireoCreateJob *self)
{
  g_return_val_if_fail (VIREO_IS_CREATE_JOB (self), NULL);
  return self->plan;
}

VireoCreateStep
vireo_create_job_get_step (VireoCreateJob *self)
{
  g_return_val_if_fail (VIREO_IS_CREATE_JOB (self), VIREO_CREATE_STEP_NONE);
  return self->step;
}

/** vireo_create_job_get_fraction: Returns: the share of the steps done, 0 to 1 */
double
vireo_create_job_get_fraction (VireoCreateJob *self)
{
  g_return_val_if_fail (VIREO_IS_CREATE_JOB (self), 0.0);

  if (self->step == VIREO_CREATE_STEP_DONE || self->step == VIREO_CREATE_STEP_CUSTOMIZING)
    return 1.0;
  if (self->total_units == 0)
    return 0.0;
  return MIN ((double) self->done_units / self->total_units, 1.0);
}

/**
 * vireo_create_job_get_detail:
 *
 * Returns: (nullable): what the current step works on: a volume's name,
 *   a URL being fetched, the machine's name
 */
const char *
vireo_create_job_get_detail (VireoCreateJob *self)
{
  g_return_val_if_fail (VIREO_IS_CREATE_JOB (self), NULL);
  return self->detail;
}

/* ------------------------------------------------------------------------ */
/* Worker side: plain data in, plain data out                                */

static GError *
error_from_last (const char *what)
{
  GError *error = vireo_virt_error_from_last (what);

  if (g_strcmp0 (error->message, what) != 0)
    g_prefix_error (&error, "%s: ", what);
  return error;
}

static gboolean
return_if_not_connected (GTask         *task,
                         virConnectPtr  conn)
{
  if (conn != NULL)
    return FALSE;
  g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED,
                           _("Not connected to the host"));
  return TRUE;
}

typedef struct
{
  VireoVolumePlan *plan;
  char            *upload;   /* (nullable): a local file to upload into it */
} VolumeData;

static void
volume_data_free (gpointer data)
{
  VolumeData *d = data;

  vireo_volume_plan_free (d->plan);
  g_free (d->upload);
  g_free (d);
}

static gboolean
upload_file (virConnectPtr      conn,
             virStorageVolPtr   vol,
             const char        *path,
             guint64            size,
             GError           **error)
{
  g_autoptr(virStream) stream = virStreamNew (conn, 0);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree char *buffer = g_malloc (UPLOAD_CHUNK);
  gssize n;

  if (stream == NULL || virStorageVolUpload (vol, stream, 0, size, 0) < 0)
    {
      g_propagate_error (error, error_from_last (_("Could not upload into the volume")));
      return FALSE;
    }
  in = g_file_read (file, NULL, error);
  if (in == NULL)
    {
      virStreamAbort (stream);
      return FALSE;
    }
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, UPLOAD_CHUNK, NULL, error)) > 0)
    {
      for (gssize offset = 0; offset < n;)
        {
          int sent = virStreamSend (stream, buffer + offset, n - offset);

          if (sent < 0)
            {
              g_propagate_error (error, error_from_last (_("Could not upload into the volume")));
              virStreamAbort (stream);
              return FALSE;
            }
          offset += sent;
        }
    }
  if (n < 0)
    {
      virStreamAbort (stream);
      return FALSE;
    }
  if (virStreamFinish (stream) < 0)
    {
      g_propagate_error (error, error_from_last (_("Could not upload into the volume")));
      return FALSE;
    }
  return TRUE;
}

/* Removes a volume this step made and could not finish; says so in @error
 * when even that fails, so that nobody believes it is gone. */
static void
remove_half_made (virStorageVolPtr   vol,
                  const char        *name,
                  GError           **error)
{
  g_autoptr(GError) left = NULL;
  GError *failure;

  if (virStorageVolDelete (vol, 0) == 0)
    return;
  left = error_from_last (_("It could not be removed"));
  failure = *error;
  /* Translators: an error, a volume's name, then why it is still there */
  *error = g_error_new (failure->domain, failure->code, _("%s. The volume “%s” was left behind. %s"),
                        failure->message, name, left->message);
  g_error_free (failure);
}

static void
create_volume_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  VolumeData *d = task_data;
  g_autoptr(virStoragePool) pool = NULL;
  g_autoptr(virStorageVol) vol = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  char *path;

  if (return_if_not_connected (task, conn))
    return;
  pool = virStoragePoolLookupByName (conn, d->plan->pool);
  if (pool == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Could not find the storage pool “%s”"), d->plan->pool);
      g_task_return_error (task, error_from_last (what));
      return;
    }
  if (d->upload != NULL)
    {
      g_autoptr(GFileInfo) info = NULL;
      g_autoptr(GFile) file = g_file_new_for_path (d->upload);

      info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, &error);
      if (info == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      d->plan->capacity = (guint64) g_file_info_get_size (info);
      d->plan->allocation = d->plan->capacity;
    }

  xml = vireo_volume_plan_to_xml (d->plan);
  vol = virStorageVolCreateXML (pool, xml, 0);
  if (vol == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Could not create the volume “%s”"), d->plan->name);
      g_task_return_error (task, error_from_last (what));
      return;
    }

  /* The definition names the volume by the path the builder expected. */
  path = virStorageVolGetPath (vol);
  if (d->plan->path != NULL && g_strcmp0 (path, d->plan->path) != 0)
    {
      g_set_error (&error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                   /* Translators: a volume's name, a pool's name, then two paths */
                   _("The volume “%s” was made at %s in pool “%s”, not at %s as the definition says"),
                   d->plan->name, path != NULL ? path : "?", d->plan->pool, d->plan->path);
      free (path);
      remove_half_made (vol, d->plan->name, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  free (path);

  if (d->upload != NULL && !upload_file (conn, vol, d->upload, d->plan->capacity, &error))
    {
      remove_half_made (vol, d->plan->name, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

typedef struct
{
  char     *uuid;
  char     *name;
  char     *xml;
  gboolean  ours;   /* the job defined it: replace it, start it only if it is still there */
} DomainData;

static void
domain_data_free (gpointer data)
{
  DomainData *d = data;

  g_free (d->uuid);
  g_free (d->name);
  g_free (d->xml);
  g_free (d);
}

static void
define_thread (GTask        *task,
               virConnectPtr conn,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DomainData *d = task_data;
  g_autoptr(virDomain) existing = NULL;
  g_autoptr(virDomain) dom = NULL;
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (return_if_not_connected (task, conn))
    return;

  /* Defining over an existing UUID would replace that machine. */
  existing = d->ours ? NULL : virDomainLookupByUUIDString (conn, d->uuid);
  if (existing != NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID,
                               /* Translators: %s is a UUID */
                               _("Could not define the machine: a machine with the UUID %s exists already"),
                               d->uuid);
      return;
    }
  virResetLastError ();

  dom = virDomainDefineXML (conn, d->xml);
  if (dom == NULL)
    {
      g_task_return_error (task, error_from_last (_("Could not define the machine")));
      return;
    }
  if (virDomainGetUUIDString (dom, uuid) < 0 || g_ascii_strcasecmp (uuid, d->uuid) != 0)
    {
      /* Nothing Vireo wrote can do this; refuse to call it ours. */
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                               _("The machine was defined with another UUID than the one asked for"));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
start_thread (GTask        *task,
              virConnectPtr conn,
              gpointer      task_data,
              GCancellable *cancellable)
{
  DomainData *d = task_data;
  g_autoptr(virDomain) dom = NULL;

  if (return_if_not_connected (task, conn))
    return;

  if (d->xml != NULL && d->ours)
    {
      /* Deleted while it was being customized: CreateXML would make a
       * transient machine of the same name instead. */
      g_autoptr(virDomain) defined = virDomainLookupByUUIDString (conn, d->uuid);

      if (defined == NULL)
        {
          virResetLastError ();
          g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN,
                                   /* Translators: %s is a machine's name */
                                   _("The machine “%s” no longer exists; it was deleted while it was being customized"),
                                   d->name);
          return;
        }
      if (virDomainIsActive (defined) == 1)
        {
          g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID,
                                   /* Translators: %s is a machine's name */
                                   _("The machine “%s” is running already; shut it down to begin its installation"),
                                   d->name);
          return;
        }
    }
  if (d->xml != NULL)
    {
      /* Over the inactive definition: libvirt runs this document and keeps
       * the defined one for the next start. */
      dom = virDomainCreateXML (conn, d->xml, 0);
      if (dom == NULL)
        {
          g_task_return_error (task, error_from_last (_("Could not start the installation")));
          return;
        }
    }
  else
    {
      dom = virDomainLookupByUUIDString (conn, d->uuid);
      if (dom == NULL || virDomainCreate (dom) < 0)
        {
          g_task_return_error (task, error_from_last (_("Could not start the machine")));
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

typedef struct
{
  char      *uuid;   /* (nullable): undefine it */
  GPtrArray *made;   /* (element-type MadeVolume): delete them */
} RemoveData;

static void
remove_data_free (gpointer data)
{
  RemoveData *d = data;

  g_free (d->uuid);
  g_clear_pointer (&d->made, g_ptr_array_unref);
  g_free (d);
}

static gboolean
is_unsupported_flag (void)
{
  int code = virGetLastErrorCode ();

  return code == VIR_ERR_INVALID_ARG || code == VIR_ERR_NO_SUPPORT || code == VIR_ERR_ARGUMENT_UNSUPPORTED;
}

/* Undefine with the NVRAM file and the TPM's state, which exist only
 * because this machine was defined (and started); a driver without those
 * flags (the test driver, libvirt before 8.9 for the TPM) is asked with
 * fewer. */
static gboolean
undefine_all (virDomainPtr dom)
{
  static const unsigned int flags[] = {
    VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_TPM,
    VIR_DOMAIN_UNDEFINE_NVRAM,
    0,
  };

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      if (virDomainUndefineFlags (dom, flags[i]) == 0)
        return TRUE;
      if (!is_unsupported_flag ())
        return FALSE;
    }
  return FALSE;
}

static void
append_problem (GString    *problems,
                const char *what)
{
  g_autoptr(GError) error = vireo_virt_error_from_last (what);

  if (problems->len > 0)
    g_string_append_c (problems, '\n');
  g_string_append (problems, what);
  if (g_strcmp0 (error->message, what) != 0)
    g_string_append_printf (problems, ": %s", error->message);
}

/* Removes what the job made. Returns the problems, as text, or NULL
 * when everything went. */
static void
remove_thread (GTask        *task,
               virConnectPtr conn,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RemoveData *d = task_data;
  g_autoptr(GString) problems = g_string_new (NULL);

  if (conn == NULL)
    {
      g_string_append (problems, _("Not connected to the host, so nothing could be removed:"));
      if (d->uuid != NULL)
        g_string_append_printf (problems, " %s", _("the machine’s definition"));
      for (guint i = 0; i < d->made->len; i++)
        g_string_append_printf (problems, " “%s”", ((MadeVolume *) d->made->pdata[i])->name);
      g_task_return_pointer (task, g_string_free (g_steal_pointer (&problems), FALSE), g_free);
      return;
    }

  if (d->uuid != NULL)
    {
      g_autoptr(virDomain) dom = virDomainLookupByUUIDString (conn, d->uuid);

      if (dom == NULL)
        virResetLastError ();   /* gone already */
      else
        {
          if (virDomainIsActive (dom) == 1 && virDomainDestroy (dom) < 0)
            append_problem (problems, _("The machine could not be stopped"));
          if (!undefine_all (dom))
            append_problem (problems, _("The machine’s definition could not be removed"));
        }
    }

  for (guint i = 0; i < d->made->len; i++)
    {
      MadeVolume *made = d->made->pdata[i];
      g_autoptr(virStoragePool) pool = virStoragePoolLookupByName (conn, made->pool);
      g_autoptr(virStorageVol) vol = NULL;

      if (pool != NULL)
        vol = virStorageVolLookupByName (pool, made->name);
      if (vol == NULL && virGetLastErrorCode () == VIR_ERR_NO_STORAGE_VOL)
        {
          virResetLastError ();
          continue;
        }
      if (vol == NULL || virStorageVolDelete (vol, 0) < 0)
        {
          g_autofree char *what = g_strdup_printf (_("The volume “%s” could not be removed"), made->name);
          append_problem (problems, what);
        }
    }

  if (problems->len == 0)
    g_task_return_pointer (task, NULL, NULL);
  else
    g_task_return_pointer (task, g_string_free (g_steal_pointer (&problems), FALSE), g_free);
}

typedef struct
{
  GPtrArray *uris;    /* (element-type utf8) */
  GPtrArray *dests;   /* (element-type filename) */
} DownloadData;

static void
download_data_free (gpointer data)
{
  DownloadData *d = data;

  g_ptr_array_unref (d->uris);
  g_ptr_array_unref (d->dests);
  g_free (d);
}

/* Not on the connection's worker: fetching takes as long as the network
 * does, and needs no libvirt. */
static void
download_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DownloadData *d = task_data;

  for (guint i = 0; i < d->uris->len; i++)
    {
      g_autoptr(GFile) from = g_file_new_for_uri (d->uris->pdata[i]);
      g_autoptr(GFile) to = g_file_new_for_path (d->dests->pdata[i]);
      g_autoptr(GError) error = NULL;

      if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, &error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
            g_prefix_error (&error, "%s ",
                            _("This URL can only be read with gvfs installed (package gvfs-backends)."));
          /* Translators: %s is a URL; the error follows */
          g_prefix_error (&error, _("Could not fetch %s: "), (const char *) d->uris->pdata[i]);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Main side: the state machine                                              */

static void create_next_volume (VireoCreateJob *self);
static void define_machine     (VireoCreateJob *self);
static void start_machine      (VireoCreateJob *self);
static void remove_boot_files  (VireoCreateJob *self);

static void
set_step (VireoCreateJob  *self,
          VireoCreateStep  step,
          const char      *detail)
{
  gboolean step_changed = self->step != step;
  gboolean detail_changed = g_strcmp0 (self->detail, detail) != 0;

  g_assert (vireo_is_main_thread ());

  self->step = step;
  if (detail_changed)
    {
      g_free (self->detail);
      self->detail = g_strdup (detail);
    }
  if (step_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
  if (detail_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAIL]);
}

static void
unit_done (VireoCreateJob *self)
{
  self->done_units++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static void
finish (VireoCreateJob *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  remove_tmpdir (self);
  if (self->error != NULL && self->beginning)
    {
      /* Back to customizing, everything in place, to try again. */
      self->beginning = FALSE;
      set_step (self, VIREO_CREATE_STEP_CUSTOMIZING, self->plan->name);
      g_task_return_error (task, g_steal_pointer (&self->error));
    }
  else if (self->error != NULL)
    {
      set_step (self, VIREO_CREATE_STEP_FAILED, NULL);
      g_task_return_error (task, g_steal_pointer (&self->error));
    }
  else if (self->plan->customize && !self->beginning)
    {
      set_step (self, VIREO_CREATE_STEP_CUSTOMIZING, self->plan->name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
      g_task_return_pointer (task, g_strdup (self->plan->uuid), g_free);
    }
  else
    {
      self->beginning = FALSE;
      set_step (self, VIREO_CREATE_STEP_DONE, self->plan->name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
      g_task_return_pointer (task, g_strdup (self->plan->uuid), g_free);
    }
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *problems = g_task_propagate_pointer (G_TASK (result), &error);

  if (error != NULL)
    problems = g_strdup (error->message);
  if (problems != NULL)
    {
      /* The user must know what is left, and where. */
      g_autoptr(GError) failure = g_steal_pointer (&self->error);

      self->error = g_error_new (failure->domain, failure->code, "%s\n%s %s", failure->message,
                                 _("Not everything could be undone:"), problems);
    }
  else
    self->defined = FALSE;
  finish (self);
}

/* Takes @error as the job's outcome and undoes what the job made. */
static void
fail (VireoCreateJob *self,
      GError         *error)
{
  GTask *task;
  RemoveData *d;

  g_assert (self->error == NULL);
  self->error = error;

  if (self->beginning || (!self->defined && self->made->len == 0))
    {
      finish (self);
      return;
    }

  set_step (self, VIREO_CREATE_STEP_ROLLING_BACK, NULL);
  d = g_new0 (RemoveData, 1);
  d->uuid = self->defined ? g_strdup (self->plan->uuid) : NULL;
  d->made = g_ptr_array_ref (self->made);
  task = g_task_new (self, NULL, removed_cb, NULL);
  g_task_set_source_tag (task, fail);
  g_task_set_task_data (task, d, remove_data_free);
  vireo_connection_run (self->connection, task, remove_thread);
}

static gboolean
stop_if_cancelled (VireoCreateJob *self)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  if (cancellable == NULL || !g_cancellable_is_cancelled (cancellable))
    return FALSE;
  fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Creating the machine was cancelled")));
  return TRUE;
}

/* A worker step's own task: no cancellable, so that a cancel never hides
 * what the step did (a volume made, a machine defined). */
static GTask *
step_task (VireoCreateJob      *self,
           GAsyncReadyCallback  callback,
           gpointer             source_tag)
{
  GTask *task = g_task_new (self, NULL, callback, NULL);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static void
boot_files_removed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (source);
  g_autofree char *problems = g_task_propagate_pointer (G_TASK (result), NULL);

  /* The machine runs; files left over are not worth failing it for. */
  if (problems != NULL)
    g_message ("%s", problems);
  finish (self);
}

/* Whether @made is still wanted: a disk dropped while customizing is not. */
static gboolean
plan_has_volume (const VireoCreatePlan *plan,
                 const MadeVolume      *made)
{
  for (guint i = 0; i < plan->volumes->len; i++)
    {
      VireoVolumePlan *volume = plan->volumes->pdata[i];

      if (g_strcmp0 (volume->pool, made->pool) == 0 && g_strcmp0 (volume->name, made->name) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
remove_boot_files (VireoCreateJob *self)
{
  g_autoptr(GPtrArray) boot_files = g_ptr_array_new ();
  GTask *task;
  RemoveData *d;

  for (guint i = 0; i < self->made->len; i++)
    {
      MadeVolume *made = self->made->pdata[i];

      if (made->role != VIREO_VOLUME_ROLE_DISK || !plan_has_volume (self->plan, made))
        g_ptr_array_add (boot_files, made);
    }
  if (boot_files->len == 0)
    {
      finish (self);
      return;
    }

  set_step (self, VIREO_CREATE_STEP_CLEANING_UP, NULL);
  d = g_new0 (RemoveData, 1);
  d->made = g_ptr_array_new_with_free_func ((GDestroyNotify) made_volume_free);
  for (guint i = 0; i < boot_files->len; i++)
    {
      MadeVolume *made = boot_files->pdata[i];
      MadeVolume *copy = g_new0 (MadeVolume, 1);

      copy->pool = g_strdup (made->pool);
      copy->name = g_strdup (made->name);
      copy->role = made->role;
      g_ptr_array_add (d->made, copy);
      g_ptr_array_remove (self->made, made);
    }
  task = step_task (self, boot_files_removed_cb, remove_boot_files);
  g_task_set_task_data (task, d, remove_data_free);
  vireo_connection_run (self->connection, task, remove_thread);
}

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (source);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (self, error);
      return;
    }
  unit_done (self);
  remove_boot_files (self);
}

static void
start_machine (VireoCreateJob *self)
{
  GTask *task;
  DomainData *d;

  if (!self->plan->start)
    {
      finish (self);
      return;
    }
  set_step (self, VIREO_CREATE_STEP_STARTING, self->plan->name);
  if (stop_if_cancelled (self))
    return;

  d = g_new0 (DomainData, 1);
  d->uuid = g_strdup (self->plan->uuid);
  d->xml = g_strdup (self->plan->install_xml);
  task = step_task (self, started_cb, start_machine);
  g_task_set_task_data (task, d, domain_data_free);
  vireo_connection_run (self->connection, task, start_thread);
}

static void
defined_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (source);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (self, error);
      return;
    }
  self->defined = TRUE;
  unit_done (self);
  start_machine (self);
}

static void
define_machine (VireoCreateJob *self)
{
  GTask *task;
  DomainData *d;

  set_step (self, VIREO_CREATE_STEP_DEFINING, self->plan->name);
  if (stop_if_cancelled (self))
    return;

  d = g_new0 (DomainData, 1);
  d->uuid = g_strdup (self->plan->uuid);
  d->name = g_strdup (self->plan->name);
  d->xml = g_strdup (self->plan->final_xml);
  task = step_task (self, defined_cb, define_machine);
  g_task_set_task_data (task, d, domain_data_free);
  vireo_connection_run (self->connection, task, define_thread);
}

static void
volume_created_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (source);
  VolumeData *d = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  MadeVolume *made;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (self, error);
      return;
    }
  made = g_new0 (MadeVolume, 1);
  made->pool = g_strdup (d->plan->pool);
  made->name = g_strdup (d->plan->name);
  made->role = d->plan->role;
  g_ptr_array_add (self->made, made);
  unit_done (self);
  create_next_volume (self);
}

static void
create_next_volume (VireoCreateJob *self)
{
  VireoVolumePlan *plan;
  GTask *task;
  VolumeData *d;
  guint i;

  if (self->next_volume >= self->plan->volumes->len)
    {
      define_machine (self);
      return;
    }
  i = self->next_volume++;
  plan = self->plan->volumes->pdata[i];
  set_step (self, VIREO_CREATE_STEP_CREATING_VOLUMES, plan->name);
  if (stop_if_cancelled (self))
    return;

  d = g_new0 (VolumeData, 1);
  d->plan = vireo_volume_plan_copy (plan);
  d->upload = i < self->downloads->len ? g_strdup (self->downloads->pdata[i]) : NULL;
  task = step_task (self, volume_created_cb, create_next_volume);
  g_task_set_task_data (task, d, volume_data_free);
  vireo_connection_run (self->connection, task, create_volume_thread);
}

static void
downloaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (source);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (self, error);
      return;
    }
  self->done_units++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  create_next_volume (self);
}

static gboolean
download_boot_files (VireoCreateJob *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  DownloadData *d;

  d = g_new0 (DownloadData, 1);
  d->uris = g_ptr_array_new_with_free_func (g_free);
  d->dests = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->plan->volumes->len; i++)
    {
      VireoVolumePlan *plan = self->plan->volumes->pdata[i];
      char *dest = NULL;

      if (plan->source_uri != NULL)
        {
          if (self->tmpdir == NULL)
            self->tmpdir = g_dir_make_tmp ("vireo-create-XXXXXX", &error);
          if (self->tmpdir == NULL)
            {
              download_data_free (d);
              fail (self, g_steal_pointer (&error));
              return TRUE;
            }
          dest = g_build_filename (self->tmpdir, plan->name, NULL);
          g_ptr_array_add (d->uris, g_strdup (plan->source_uri));
          g_ptr_array_add (d->dests, g_strdup (dest));
        }
      g_ptr_array_add (self->downloads, dest);
    }
  if (d->uris->len == 0)
    {
      download_data_free (d);
      return FALSE;
    }

  set_step (self, VIREO_CREATE_STEP_DOWNLOADING, d->uris->pdata[0]);
  task = g_task_new (self, g_task_get_cancellable (self->task), downloaded_cb, NULL);
  g_task_set_source_tag (task, download_boot_files);
  g_task_set_task_data (task, d, download_data_free);
  g_task_run_in_thread (task, download_thread);
  return TRUE;
}

/**
 * vireo_create_job_run_async:
 * @cancellable: (nullable): cancels between steps (see the top of
 *   vireo-create-job.c): what was made is removed and the job fails with
 *   %G_IO_ERROR_CANCELLED; once the machine is being started it is too
 *   late, and the job succeeds
 *
 * Makes the machine. Runs once per job.
 */
void
vireo_create_job_run_async (VireoCreateJob      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (VIREO_IS_CREATE_JOB (self));
  g_return_if_fail (self->task == NULL && self->step == VIREO_CREATE_STEP_NONE);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, vireo_create_job_run_async);
  /* A machine that got made is the answer even if a cancel came late. */
  g_task_set_check_cancellable (self->task, FALSE);

  self->total_units = self->plan->volumes->len + 1 + (self->plan->start ? 1 : 0);
  for (guint i = 0; i < self->plan->volumes->len; i++)
    if (((VireoVolumePlan *) self->plan->volumes->pdata[i])->source_uri != NULL)
      {
        self->total_units++;
        break;
      }

  if (stop_if_cancelled (self))
    return;
  if (!download_boot_files (self))
    create_next_volume (self);
}

/**
 * vireo_create_job_run_finish:
 *
 * Returns: (transfer full): the new machine's UUID, or %NULL with @error
 *   (after everything the job made was removed, or with what could not
 *   be in the message)
 */
char *
vireo_create_job_run_finish (VireoCreateJob  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* After customizing                                                         */

static void
begin_defined_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The install runs; only its next boot keeps the media in the
       * drive. Not worth calling the whole thing a failure. */
      g_message ("%s", error->message);
    }
  unit_done (self);
  remove_boot_files (self);
}

static void
begin_define (VireoCreateJob *self)
{
  GTask *task;
  DomainData *d;

  set_step (self, VIREO_CREATE_STEP_DEFINING, self->plan->name);
  d = g_new0 (DomainData, 1);
  d->uuid = g_strdup (self->plan->uuid);
  d->name = g_strdup (self->plan->name);
  d->xml = g_strdup (self->plan->final_xml);
  d->ours = TRUE;
  task = step_task (self, begin_defined_cb, begin_define);
  g_task_set_task_data (task, d, domain_data_free);
  vireo_connection_run (self->connection, task, define_thread);
}

static void
begin_started_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (source);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (self, error);
      return;
    }
  unit_done (self);
  begin_define (self);
}

/**
 * vireo_create_job_begin_install_async:
 * @plan: vireo_vm_builder_dup_plan() of the machine's definition as the
 *   user left it; copied
 * @cancellable: (nullable): heeded before the machine is started
 *
 * Begin Installation: starts the install over the customized definition,
 * then makes the final definition the next boot's and removes the boot
 * files and any new disk the user took out. A failure leaves the job
 * customizing, with nothing undone.
 */
void
vireo_create_job_begin_install_async (VireoCreateJob        *self,
                                      const VireoCreatePlan *plan,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data)
{
  g_return_if_fail (VIREO_IS_CREATE_JOB (self));
  g_return_if_fail (plan != NULL && g_strcmp0 (plan->uuid, self->plan->uuid) == 0);
  g_return_if_fail (self->task == NULL && self->step == VIREO_CREATE_STEP_CUSTOMIZING);

  g_clear_pointer (&self->plan, vireo_create_plan_free);
  self->plan = vireo_create_plan_copy (plan);
  self->plan->customize = FALSE;
  self->beginning = TRUE;
  self->done_units = 0;
  self->total_units = 2;

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, vireo_create_job_begin_install_async);
  g_task_set_check_cancellable (self->task, FALSE);

  if (!self->plan->start)
    {
      /* A manual install: nothing to boot, the definition is all. */
      self->done_units++;
      begin_define (self);
      return;
    }

  set_step (self, VIREO_CREATE_STEP_STARTING, self->plan->name);
  if (stop_if_cancelled (self))
    return;
  {
    DomainData *d = g_new0 (DomainData, 1);
    GTask *task;

    d->uuid = g_strdup (self->plan->uuid);
    d->name = g_strdup (self->plan->name);
    d->xml = g_strdup (self->plan->install_xml);
    d->ours = TRUE;
    task = step_task (self, begin_started_cb, vireo_create_job_begin_install_async);
    g_task_set_task_data (task, d, domain_data_free);
    vireo_connection_run (self->connection, task, start_thread);
  }
}

gboolean
vireo_create_job_begin_install_finish (VireoCreateJob  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_autofree char *uuid = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  uuid = g_task_propagate_pointer (G_TASK (result), error);
  return uuid != NULL;
}

static void
abandoned_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  VireoCreateJob *self = VIREO_CREATE_JOB (source);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autoptr(GError) error = NULL;
  g_autofree char *problems = g_task_propagate_pointer (G_TASK (result), &error);

  if (error == NULL && problems == NULL)
    {
      self->defined = FALSE;
      g_ptr_array_set_size (self->made, 0);
      set_step (self, VIREO_CREATE_STEP_ABANDONED, self->plan->name);
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* Still customizing: what is left can be tried again, or kept. */
  set_step (self, VIREO_CREATE_STEP_CUSTOMIZING, self->plan->name);
  g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED, "%s %s",
                           _("Not everything could be deleted:"),
                           problems != NULL ? problems : error->message);
}

/**
 * vireo_create_job_abandon_async:
 *
 * Cancel Installation: stops the machine if the user started it, and
 * removes its definition (NVRAM and TPM state too) and every volume the
 * job made. Anything else the user added while customizing stays.
 */
void
vireo_create_job_abandon_async (VireoCreateJob      *self,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  RemoveData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_CREATE_JOB (self));
  g_return_if_fail (self->task == NULL && self->step == VIREO_CREATE_STEP_CUSTOMIZING);

  self->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->task, vireo_create_job_abandon_async);
  set_step (self, VIREO_CREATE_STEP_ROLLING_BACK, self->plan->name);

  d = g_new0 (RemoveData, 1);
  d->uuid = self->defined ? g_strdup (self->plan->uuid) : NULL;
  d->made = g_ptr_array_ref (self->made);
  task = step_task (self, abandoned_cb, vireo_create_job_abandon_async);
  g_task_set_task_data (task, d, remove_data_free);
  vireo_connection_run (self->connection, task, remove_thread);
}

gboolean
vireo_create_job_abandon_finish (VireoCreateJob  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vireo_create_job_dup_made_volumes:
 *
 * Returns: (transfer full): the names of the volumes the job made and
 *   has not removed, for telling the user what Cancel deletes
 */
GStrv
vireo_create_job_dup_made_volumes (VireoCreateJob *self)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  g_return_val_if_fail (VIREO_IS_CREATE_JOB (self), NULL);
  for (guint i = 0; i < self->made->len; i++)
    g_strv_builder_add (names, ((MadeVolume *) self->made->pdata[i])->name);
  return g_strv_builder_end (names);
}

/* ------------------------------------------------------------------------ */
/* Host questions for the wizard                                             */

/**
 * vireo_connection_read_domain_caps_async:
 * @emulator: (nullable): @arch: (nullable): @machine: (nullable):
 * @virttype: (nullable): "kvm" or "qemu"; %NULL for the host's default
 *
 * What the host can give a new machine set up like this (`virsh
 * domcapabilities`), for vireo_domain_caps_new_from_xml() and
 * vireo_vm_builder_set_caps().
 */
void
vireo_connection_read_domain_caps_async (VireoConnection     *self,
                                         const char          *emulator,
                                         const char          *arch,
                                         const char          *machine,
                                         const char          *virttype,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_read_domain_caps_async);
  _vireo_task_read_domain_caps (task, emulator, arch, machine, virttype);
  vireo_connection_run (self, task, _vireo_read_domain_caps_thread);
}

/**
 * vireo_connection_read_domain_caps_finish:
 *
 * Returns: (transfer full): the domain capabilities XML
 */
char *
vireo_connection_read_domain_caps_finish (VireoConnection  *self,
                                          GAsyncResult     *result,
                                          GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_network_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  const char *name = task_data;
  g_autoptr(virNetwork) net = NULL;

  if (return_if_not_connected (task, conn))
    return;
  net = virNetworkLookupByName (conn, name);
  if (net == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Could not find the network “%s”"), name);
      g_task_return_error (task, error_from_last (what));
      return;
    }
  /* Started by someone else meanwhile: what was asked for is true. */
  if (virNetworkIsActive (net) == 1)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (virNetworkCreate (net) < 0)
    {
      g_autofree char *what = g_strdup_printf (_("Could not start the network “%s”"), name);
      g_task_return_error (task, error_from_last (what));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * vireo_connection_start_network_async:
 *
 * Starts an inactive virtual network (`virsh net-start NAME`), so that
 * the wizard can offer it before creating a machine on it rather than
 * fail at the end.
 */
void
vireo_connection_start_network_async (VireoConnection     *self,
                                      const char          *name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_start_network_async);
  g_task_set_task_data (task, g_strdup (name), g_free);
  vireo_connection_run (self, task, start_network_thread);
}

gboolean
vireo_connection_start_network_finish (VireoConnection  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Who uses a disk                                                           */

static void
find_disk_users_thread (GTask        *task,
                        virConnectPtr conn,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GHashTable) paths = NULL;
  const char *user;
  g_autoptr(GStrvBuilder) users = g_strv_builder_new ();

  if (return_if_not_connected (task, conn))
    return;
  paths = _vireo_collect_disk_paths (conn, NULL);
  /* One name is enough to warn; the table keeps one per path. */
  user = g_hash_table_lookup (paths, path);
  if (user != NULL)
    g_strv_builder_add (users, user);
  g_task_return_pointer (task, g_strv_builder_end (users), (GDestroyNotify) g_strfreev);
}

/**
 * vireo_connection_find_disk_users_async:
 * @path: a disk image or device on the host
 *
 * Which machines of the connection name @path as a disk, so that the
 * wizard can warn before two guests write the same image.
 */
void
vireo_connection_find_disk_users_async (VireoConnection     *self,
                                        const char          *path,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_CONNECTION (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_connection_find_disk_users_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  vireo_connection_run (self, task, find_disk_users_thread);
}

/**
 * vireo_connection_find_disk_users_finish:
 *
 * Returns: (transfer full): the names of the machines using the path;
 *   empty when none
 */
GStrv
vireo_connection_find_disk_users_finish (VireoConnection  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* After the install                                                         */

/*
 * The install definition ends its run at the guest's first reboot
 * (<on_reboot>destroy</on_reboot>), and the next start boots the defined
 * one: from the disk, the media ejected. The watch makes that start, as
 * virt-install --wait and virt-manager do, once: when the machine goes
 * from running to shut off. A stop the user asked for through Vireo
 * (Shut Down, Force Off, Save, Delete) ends the watch instead, so a user
 * who stops an install is not overruled; a Reboot does not, since the
 * user wants the machine back. The watch lives on the domain object, so
 * it ends with Vireo: a machine whose install finishes while Vireo is not
 * running stays off, as it does with virt-install killed.
 */

#define INSTALL_WATCH_KEY "vireo-install-watch"

typedef struct
{
  VireoDomain *domain;  /* Weak: the watch is its qdata */
  gulong       state_id;
  gulong       action_id;
  gboolean     seen_running;
} InstallWatch;

static void
install_watch_free (InstallWatch *watch)
{
  g_clear_signal_handler (&watch->state_id, watch->domain);
  g_clear_signal_handler (&watch->action_id, watch->domain);
  g_free (watch);
}

static void
install_watch_end (VireoDomain *domain)
{
  g_object_set_data (G_OBJECT (domain), INSTALL_WATCH_KEY, NULL);
}

static void
on_restart_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!vireo_domain_action_finish (VIREO_DOMAIN (source), result, &error))
    g_warning ("Could not start %s after its install: %s",
               vireo_domain_get_name (VIREO_DOMAIN (source)), error->message);
}

static void
on_install_state (VireoDomain  *domain,
                  GParamSpec   *pspec,
                  InstallWatch *watch)
{
  VireoDomainState state = vireo_domain_get_state (domain);

  if (state == VIREO_DOMAIN_STATE_RUNNING || state == VIREO_DOMAIN_STATE_PAUSED ||
      state == VIREO_DOMAIN_STATE_BLOCKED)
    {
      watch->seen_running = TRUE;
      return;
    }
  if (state != VIREO_DOMAIN_STATE_SHUTOFF || !watch->seen_running)
    return;

  install_watch_end (domain);
  vireo_domain_action_async (domain, VIREO_DOMAIN_ACTION_START, NULL, on_restart_done, NULL);
}

static void
on_install_action (VireoDomain  *domain,
                   int           action,
                   InstallWatch *watch)
{
  switch ((VireoDomainAction) action)
    {
    case VIREO_DOMAIN_ACTION_SHUTDOWN:
    case VIREO_DOMAIN_ACTION_DESTROY:
    case VIREO_DOMAIN_ACTION_MANAGED_SAVE:
    case VIREO_DOMAIN_ACTION_UNDEFINE:
      install_watch_end (domain);
      break;
    case VIREO_DOMAIN_ACTION_START:
    case VIREO_DOMAIN_ACTION_PAUSE:
    case VIREO_DOMAIN_ACTION_RESUME:
    case VIREO_DOMAIN_ACTION_REBOOT:
    case VIREO_DOMAIN_ACTION_RESET:
    default:
      break;
    }
}

/**
 * vireo_domain_watch_install:
 * @domain: a machine a creation job has just started on its install
 *   definition
 *
 * Starts @domain again when its install run ends (see above).
 */
void
vireo_domain_watch_install (VireoDomain *domain)
{
  InstallWatch *watch;

  g_return_if_fail (VIREO_IS_DOMAIN (domain));

  watch = g_new0 (InstallWatch, 1);
  watch->domain = domain;
  /* The event saying it runs may have come before the job's result. */
  watch->seen_running = vireo_domain_get_active (domain);
  watch->state_id = g_signal_connect (domain, "notify::state", G_CALLBACK (on_install_state), watch);
  watch->action_id = g_signal_connect (domain, "action-requested", G_CALLBACK (on_install_action), watch);
  g_object_set_data_full (G_OBJECT (domain), INSTALL_WATCH_KEY, watch, (GDestroyNotify) install_watch_free);
}

gboolean
vireo_domain_get_watching_install (VireoDomain *domain)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), FALSE);
  return g_object_get_data (G_OBJECT (domain), INSTALL_WATCH_KEY) != NULL;
}
