/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-clone-job"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/tree.h>

#include "vireo-clone-job.h"
#include "vireo-connection-private.h"
#include "vireo-lookup.h"
#include "vireo-virt-enums.h"
#include "vireo-virt-error.h"
#include "vireo-xml.h"

/*
 * The job is a state machine on the main thread, as VireoCreateJob is:
 * each step is one task on the connection's ops worker, queued once the
 * step before came back, and announced before it is queued, so a cancel
 * is seen between steps.
 *
 * Except the copies. virStorageVolCreateXMLFrom returns when the whole
 * image is copied, minutes for a big disk, and on ops it would hold every
 * other action on this host (a click on Shut Down) that long. So the
 * handles are looked up on ops and the one call runs on a thread of its
 * own (vireo_thread_start(), as a volume transfer's stream does), with
 * its own reference on the connection; ops stays free, and asks the new
 * volume's allocation once a second for the progress (libvirt 9.0
 * answers virStorageVolGetInfo on a volume it is still building, and a
 * thin copy grows as it is written). libvirt cannot stop a copy, so a
 * cancel waits for it.
 *
 * NVRAM and TPM state are files of the host outside any pool
 * (/var/lib/libvirt/qemu/nvram, /var/lib/libvirt/swtpm/<uuid>/tpm2 for
 * qemu:///system; ~/.config/libvirt/qemu/… for a session). They are
 * copied through the storage API all the same: a pool that already
 * holds the folder, else a transient dir pool made on it for the copy
 * and destroyed after (its target built for the clone's TPM folder, with
 * the original's owner and mode, which swtpm needs). libvirt does the
 * copy on the host with its own rights, so it works for an unprivileged
 * user and over SSH, and the files keep their owner and mode. Checked on
 * libvirt 9.0: transient pools on those folders list the files, and a
 * clone started on a copied TPM state keeps it (swtpm_setup is not run).
 *
 * Rollback undefines with VIR_DOMAIN_UNDEFINE_NVRAM / _TPM only when the
 * job made those files, else with _KEEP_NVRAM / _KEEP_TPM: what was there
 * before the job is never removed. (A clone's NVRAM file that exists
 * already is refused at the check, before anything is made.)
 */

#define COPY_WEIGHT 0.95
#define POLL_SECONDS 1

typedef struct
{
  char *pool;
  char *name;
} MadeVolume;

static void
made_volume_free (gpointer data)
{
  MadeVolume *made = data;

  g_free (made->pool);
  g_free (made->name);
  g_free (made);
}

/* What the check found of one disk's source. */
typedef struct
{
  guint64  capacity;
  guint64  allocation;
} SourceInfo;

/* The host's answer to the check. */
typedef struct
{
  GArray *sources;             /* (element-type SourceInfo): one per plan disk */
  char   *nvram_source;        /* (nullable): the original's NVRAM file, resolved */
  char   *nvram_dest;          /* (nullable): the clone's */
  char   *nvram_note;          /* (nullable): why it will not be copied */
} Checked;

static void
checked_free (gpointer data)
{
  Checked *c = data;

  if (c == NULL)
    return;
  g_clear_pointer (&c->sources, g_array_unref);
  g_free (c->nvram_source);
  g_free (c->nvram_dest);
  g_free (c->nvram_note);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Checked, checked_free)

struct _VireoCloneJob
{
  GObject parent_instance;

  /* Owned */
  VireoConnection *connection;
  VireoClonePlan  *plan;
  char            *xml;          /* the clone's definition */
  GTask           *task;         /* the run, while it runs */
  Checked         *checked;
  GPtrArray       *made;         /* (element-type MadeVolume) */
  GError          *error;        /* the failure being rolled back */
  char            *detail;
  VireoCloneResult *result;
  char            *nvram_dir;    /* (nullable): libvirt's NVRAM folder on this host */
  char            *swtpm_dir;    /* (nullable): libvirt's TPM state folder */
  char            *dirs_note;    /* (nullable): why they are not known */

  VireoCloneStep   step;
  guint            next_disk;
  guint            steps_done;
  guint            steps_total;
  guint64          bytes_total;
  guint64          bytes_finished;  /* by copies that are done */
  guint64          bytes_current;   /* of the copy under way */
  guint64          current_source;  /* the source allocation of the copy under way */
  double           fraction;
  guint            poll_source;
  guint            copy_serial;     /* tells a late poll from the copy it was for */
  gboolean         poll_in_flight;
  gboolean         defined;
  gboolean         made_nvram;
  gboolean         made_tpm;
};

G_DEFINE_FINAL_TYPE (VireoCloneJob, vireo_clone_job, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STEP,
  PROP_FRACTION,
  PROP_BYTES_DONE,
  PROP_DETAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * vireo_clone_step_get_label:
 *
 * Returns: the step in words for a progress line, "" for none
 */
const char *
vireo_clone_step_get_label (VireoCloneStep step)
{
  switch (step)
    {
    case VIREO_CLONE_STEP_CHECKING:
      return _("Checking the machine and its storage…");
    case VIREO_CLONE_STEP_COPYING:
      return _("Copying a disk…");
    case VIREO_CLONE_STEP_OVERLAYING:
      return _("Making an overlay…");
    case VIREO_CLONE_STEP_DEFINING:
      return _("Defining the clone…");
    case VIREO_CLONE_STEP_COPYING_NVRAM:
      return _("Copying the UEFI variables…");
    case VIREO_CLONE_STEP_COPYING_TPM:
      return _("Copying the TPM’s state…");
    case VIREO_CLONE_STEP_ROLLING_BACK:
      return _("Undoing what was made…");
    case VIREO_CLONE_STEP_DONE:
      return _("The clone was made.");
    case VIREO_CLONE_STEP_FAILED:
      return _("The machine could not be cloned.");
    case VIREO_CLONE_STEP_NONE:
    default:
      return "";
    }
}

void
vireo_clone_result_free (VireoCloneResult *result)
{
  if (result == NULL)
    return;
  g_free (result->uuid);
  g_free (result->name);
  g_strfreev (result->volumes);
  g_free (result->nvram_path);
  g_free (result->nvram_note);
  g_free (result->tpm_note);
  g_free (result);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
vireo_clone_job_dispose (GObject *object)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (object);

  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (vireo_clone_job_parent_class)->dispose (object);
}

static void
vireo_clone_job_finalize (GObject *object)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (object);

  g_clear_pointer (&self->plan, vireo_clone_plan_free);
  g_free (self->xml);
  g_clear_pointer (&self->checked, checked_free);
  g_clear_pointer (&self->made, g_ptr_array_unref);
  g_clear_error (&self->error);
  g_free (self->detail);
  g_clear_pointer (&self->result, vireo_clone_result_free);
  g_free (self->nvram_dir);
  g_free (self->swtpm_dir);
  g_free (self->dirs_note);

  G_OBJECT_CLASS (vireo_clone_job_parent_class)->finalize (object);
}

static void
vireo_clone_job_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_enum (value, self->step);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_BYTES_DONE:
      g_value_set_uint64 (value, vireo_clone_job_get_bytes_done (self));
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_clone_job_class_init (VireoCloneJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vireo_clone_job_dispose;
  object_class->finalize = vireo_clone_job_finalize;
  object_class->get_property = vireo_clone_job_get_property;

  properties[PROP_STEP] =
    g_param_spec_enum ("step", NULL, NULL, VIREO_TYPE_CLONE_STEP, VIREO_CLONE_STEP_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_DONE] =
    g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAIL] =
    g_param_spec_string ("detail", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vireo_clone_job_init (VireoCloneJob *self)
{
  self->made = g_ptr_array_new_with_free_func (made_volume_free);
}

/* Where libvirt keeps NVRAM files and TPM state on this host, from the
 * URI (libvirt's qemu_conf.c): the system instance's folders on any host,
 * a session's in this user's config folder only when it runs here. */
static void
read_host_dirs (VireoCloneJob *self)
{
  const char *uri = vireo_connection_get_uri (self->connection);
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  const char *scheme = parsed != NULL ? g_uri_get_scheme (parsed) : NULL;
  const char *path = parsed != NULL ? g_uri_get_path (parsed) : NULL;
  const char *host = parsed != NULL ? g_uri_get_host (parsed) : NULL;

  if (scheme == NULL || (!g_str_equal (scheme, "qemu") && !g_str_has_prefix (scheme, "qemu+")))
    self->dirs_note = g_strdup (_("This kind of host keeps no UEFI variables or TPM state where Vireo can find them."));
  else if (g_strcmp0 (path, "/system") == 0)
    {
      self->nvram_dir = g_strdup ("/var/lib/libvirt/qemu/nvram");
      self->swtpm_dir = g_strdup ("/var/lib/libvirt/swtpm");
    }
  else if (g_strcmp0 (path, "/session") == 0 && (host == NULL || *host == '\0'))
    {
      self->nvram_dir = g_build_filename (g_get_user_config_dir (), "libvirt", "qemu", "nvram", NULL);
      self->swtpm_dir = g_build_filename (g_get_user_config_dir (), "libvirt", "qemu", "swtpm", NULL);
    }
  else
    self->dirs_note = g_strdup (_("A session on another computer keeps UEFI variables and TPM state in that "
                                  "user’s home folder, which Vireo cannot name."));
}

/**
 * vireo_clone_job_new:
 * @plan: copied
 *
 * Returns: (transfer full): a job, not yet started
 */
VireoCloneJob *
vireo_clone_job_new (VireoConnection      *connection,
                     const VireoClonePlan *plan)
{
  VireoCloneJob *self;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (plan != NULL && plan->uuid != NULL, NULL);

  self = g_object_new (VIREO_TYPE_CLONE_JOB, NULL);
  self->connection = g_object_ref (connection);
  self->plan = vireo_clone_plan_copy (plan);
  read_host_dirs (self);
  return self;
}

/** vireo_clone_job_get_connection: Returns: (transfer none): */
VireoConnection *
vireo_clone_job_get_connection (VireoCloneJob *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_JOB (self), NULL);
  return self->connection;
}

/** vireo_clone_job_get_plan: Returns: (transfer none): the job's own copy */
const VireoClonePlan *
vireo_clone_job_get_plan (VireoCloneJob *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_JOB (self), NULL);
  return self->plan;
}

VireoCloneStep
vireo_clone_job_get_step (VireoCloneJob *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_JOB (self), VIREO_CLONE_STEP_NONE);
  return self->step;
}

double
vireo_clone_job_get_fraction (VireoCloneJob *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_JOB (self), 0.0);
  return self->fraction;
}

guint64
vireo_clone_job_get_bytes_done (VireoCloneJob *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_JOB (self), 0);
  return MIN (self->bytes_finished + self->bytes_current, self->bytes_total);
}

guint64
vireo_clone_job_get_bytes_total (VireoCloneJob *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_JOB (self), 0);
  return self->bytes_total;
}

/** vireo_clone_job_get_detail: Returns: (nullable): what the step works on */
const char *
vireo_clone_job_get_detail (VireoCloneJob *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_JOB (self), NULL);
  return self->detail;
}

/* ------------------------------------------------------------------------ */
/* Worker side: plain data in, plain data out                                */

static gboolean
needs_volume (const VireoCloneDisk *disk)
{
  return disk->mode == VIREO_CLONE_MODE_COPY || disk->mode == VIREO_CLONE_MODE_OVERLAY;
}

static GError *
disk_error (const VireoCloneDisk *disk,
            const char           *what)
{
  GError *error = _vireo_error_from_last (what);

  g_prefix_error (&error, "%s: ", disk->target != NULL ? disk->target : "?");
  return error;
}

static char *
strip_slashes (const char *path)
{
  char *copy = g_strdup (path);
  gsize len = strlen (copy);

  while (len > 1 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

/* A pool's <target><path>, or NULL. */
static char *
pool_target_path (virStoragePoolPtr pool)
{
  g_autofree char *xml = virStoragePoolGetXMLDesc (pool, 0);
  xmlDocPtr doc;
  g_autofree char *path = NULL;

  if (xml == NULL)
    {
      virResetLastError ();
      return NULL;
    }
  doc = vireo_xml_read (xml, "pool.xml");
  if (doc == NULL)
    return NULL;
  path = vireo_xml_get_child_text (vireo_xml_child (xmlDocGetRootElement (doc), "target"), "path");
  xmlFreeDoc (doc);
  return path != NULL ? strip_slashes (g_strstrip (path)) : NULL;
}

/* <target><permissions> of a pool's or volume's document, copied into
 * @target of a new one, so a copy keeps its owner and mode. */
static void
copy_permissions (const char *xml,
                  xmlNodePtr  target)
{
  xmlDocPtr doc;
  xmlNodePtr permissions;
  xmlNodePtr copy;

  if (xml == NULL || (doc = vireo_xml_read (xml, "source.xml")) == NULL)
    return;
  permissions = vireo_xml_child (vireo_xml_child (xmlDocGetRootElement (doc), "target"), "permissions");
  if (permissions != NULL)
    {
      copy = xmlNewChild (target, NULL, BAD_CAST "permissions", NULL);
      for (xmlNodePtr n = permissions->children; n != NULL; n = n->next)
        {
          g_autofree char *value = NULL;

          /* The SELinux label belongs to the original's file. */
          if (n->type != XML_ELEMENT_NODE || n->ns != NULL || xmlStrcmp (n->name, BAD_CAST "label") == 0)
            continue;
          value = vireo_xml_get_text (n);
          xmlNewTextChild (copy, NULL, n->name, BAD_CAST g_strstrip (value));
        }
    }
  xmlFreeDoc (doc);
}

/* The document's element, without an XML declaration libvirt does not want. */
static char *
doc_to_string (xmlDocPtr doc)
{
  return vireo_xml_node_to_string (xmlDocGetRootElement (doc));
}

/* A new volume for a file copied as it is: same size, owner and mode. */
static char *
file_volume_xml (const char       *name,
                 virStorageVolPtr  source,
                 guint64           capacity)
{
  g_autofree char *source_xml = virStorageVolGetXMLDesc (source, 0);
  g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, capacity);
  xmlDocPtr doc = xmlNewDoc (BAD_CAST "1.0");
  xmlNodePtr root = xmlNewDocNode (doc, NULL, BAD_CAST "volume", NULL);
  xmlNodePtr node, target;
  char *xml;

  virResetLastError ();
  xmlDocSetRootElement (doc, root);
  xmlNewTextChild (root, NULL, BAD_CAST "name", BAD_CAST name);
  node = xmlNewTextChild (root, NULL, BAD_CAST "capacity", BAD_CAST bytes);
  xmlNewProp (node, BAD_CAST "unit", BAD_CAST "bytes");
  node = xmlNewTextChild (root, NULL, BAD_CAST "allocation", BAD_CAST "0");
  xmlNewProp (node, BAD_CAST "unit", BAD_CAST "bytes");
  target = xmlNewChild (root, NULL, BAD_CAST "target", NULL);
  node = xmlNewChild (target, NULL, BAD_CAST "format", NULL);
  xmlNewProp (node, BAD_CAST "type", BAD_CAST "raw");
  copy_permissions (source_xml, target);
  xml = doc_to_string (doc);
  xmlFreeDoc (doc);
  return xml;
}

/* A pool over one folder of the host, for as long as a copy needs it: an
 * active pool that already has that folder as its target, else a transient
 * dir pool made for it (destroyed by hold_release). */
typedef struct
{
  virStoragePoolPtr pool;
  gboolean          transient;
} Hold;

static void
hold_release (Hold *hold)
{
  if (hold->pool == NULL)
    return;
  if (hold->transient && virStoragePoolDestroy (hold->pool) < 0)
    {
      g_warning ("Could not remove the temporary storage pool %s: %s", virStoragePoolGetName (hold->pool),
                 virGetLastErrorMessage ());
      virResetLastError ();
    }
  virStoragePoolFree (hold->pool);
  hold->pool = NULL;
}

/* @build: make the folder (and those above it) for the pool; @like: a
 * pool whose folder's owner and mode the new folder gets. */
static gboolean last_error_is_missing (void);

/* @missing: (out) (optional): the folder is not there */
static gboolean
hold_folder (virConnectPtr      conn,
             const char        *folder,
             gboolean           build,
             virStoragePoolPtr  like,
             Hold              *hold,
             gboolean          *missing,
             GError           **error)
{
  g_autofree char *dir = strip_slashes (folder);
  virStoragePoolPtr *pools = NULL;
  int n = virConnectListAllStoragePools (conn, &pools, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE);
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;
  xmlDocPtr doc;
  xmlNodePtr root, target;

  hold->pool = NULL;
  hold->transient = FALSE;
  if (n < 0)
    {
      if (!_vireo_driver_lacks_it ())
        {
          g_propagate_error (error, _vireo_error_from_last (_("Could not list the storage pools")));
          return FALSE;
        }
      n = 0;
    }
  for (int i = 0; i < n; i++)
    {
      g_autofree char *path = NULL;

      if (hold->pool == NULL && (path = pool_target_path (pools[i])) != NULL && g_str_equal (path, dir))
        {
          hold->pool = pools[i];
          if (virStoragePoolRefresh (hold->pool, 0) < 0)
            virResetLastError ();
        }
      else
        virStoragePoolFree (pools[i]);
    }
  free (pools);
  if (hold->pool != NULL)
    return TRUE;

  /* A name nobody else would pick, so the pool list shows whose it is. */
  name = g_strdup_printf ("vireo-clone-%08x", g_random_int ());
  doc = xmlNewDoc (BAD_CAST "1.0");
  root = xmlNewDocNode (doc, NULL, BAD_CAST "pool", NULL);
  xmlDocSetRootElement (doc, root);
  xmlNewProp (root, BAD_CAST "type", BAD_CAST "dir");
  xmlNewTextChild (root, NULL, BAD_CAST "name", BAD_CAST name);
  target = xmlNewChild (root, NULL, BAD_CAST "target", NULL);
  xmlNewTextChild (target, NULL, BAD_CAST "path", BAD_CAST dir);
  if (like != NULL)
    {
      g_autofree char *like_xml = virStoragePoolGetXMLDesc (like, 0);

      virResetLastError ();
      copy_permissions (like_xml, target);
    }
  xml = doc_to_string (doc);
  xmlFreeDoc (doc);

  hold->pool = virStoragePoolCreateXML (conn, xml, build ? VIR_STORAGE_POOL_CREATE_WITH_BUILD : 0);
  if (hold->pool == NULL)
    {
      if (missing != NULL)
        *missing = last_error_is_missing ();
      g_autofree char *what = g_strdup_printf (_("Could not reach the folder %s through libvirt"), dir);

      g_propagate_error (error, _vireo_error_from_last (what));
      return FALSE;
    }
  hold->transient = TRUE;
  return TRUE;
}

/* Whether libvirt's last error is a folder that is not there. */
static gboolean
last_error_is_missing (void)
{
  const virError *err = virGetLastError ();

  return err != NULL && ((err->code == VIR_ERR_SYSTEM_ERROR && err->int1 == ENOENT) ||
                         (err->message != NULL && strstr (err->message, "No such file or directory") != NULL));
}

typedef struct
{
  VireoClonePlan *plan;
  char           *nvram_source;  /* (nullable) */
  char           *nvram_dest;    /* (nullable) */
} CheckData;

static void
check_data_free (gpointer data)
{
  CheckData *d = data;

  vireo_clone_plan_free (d->plan);
  g_free (d->nvram_source);
  g_free (d->nvram_dest);
  g_free (d);
}

static virStorageVolPtr
find_source (virConnectPtr         conn,
             const VireoCloneDisk *disk)
{
  virStorageVolPtr vol = NULL;

  if (disk->source_pool != NULL && disk->source_volume != NULL)
    {
      g_autoptr(virStoragePool) pool = virStoragePoolLookupByName (conn, disk->source_pool);

      if (pool != NULL)
        vol = virStorageVolLookupByName (pool, disk->source_volume);
    }
  if (vol == NULL && disk->source_path != NULL)
    {
      virResetLastError ();
      vol = virStorageVolLookupByPath (conn, disk->source_path);
    }
  return vol;
}

/* Refreshes each pool the plan reads from or writes to, so volumes made
 * since the last refresh are seen (and a name taken by one is refused). */
static void
refresh_pools (virConnectPtr         conn,
               const VireoClonePlan *plan)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < plan->disks->len; i++)
    {
      const VireoCloneDisk *disk = plan->disks->pdata[i];
      const char *names[] = { disk->source_pool, disk->dest_pool };

      if (!needs_volume (disk))
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        {
          g_autoptr(virStoragePool) pool = NULL;

          if (names[j] == NULL || !g_hash_table_add (seen, (gpointer) names[j]))
            continue;
          pool = virStoragePoolLookupByName (conn, names[j]);
          if (pool != NULL && virStoragePoolIsActive (pool) == 1 && virStoragePoolRefresh (pool, 0) == 0)
            continue;
          virResetLastError ();
        }
    }
}

static void
check_thread (GTask        *task,
              virConnectPtr conn,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *d = task_data;
  const VireoClonePlan *plan = d->plan;
  g_autoptr(virDomain) source = NULL;
  g_autoptr(virDomain) existing = NULL;
  g_autoptr(Checked) checked = NULL;
  int state = 0;
  int reason = 0;

  if (_vireo_return_if_not_connected (task, conn))
    return;

  source = virDomainLookupByUUIDString (conn, plan->source_uuid);
  if (source == NULL)
    {
      virResetLastError ();
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN,
                               /* Translators: %s is a virtual machine's name */
                               _("The machine “%s” no longer exists."), plan->source_name);
      return;
    }
  if (virDomainGetState (source, &state, &reason, 0) < 0)
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not read the machine’s state")));
      return;
    }
  if (state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_PAUSED)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID,
                               /* Translators: %s is a virtual machine's name */
                               _("“%s” is running. Shut it down, or pause it, to clone it."), plan->source_name);
      return;
    }

  /* Defining over a name or UUID would replace that machine. */
  existing = virDomainLookupByName (conn, plan->name);
  if (existing == NULL)
    existing = virDomainLookupByUUIDString (conn, plan->uuid);
  virResetLastError ();
  if (existing != NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS,
                               /* Translators: %s is a virtual machine's name */
                               _("A machine called “%s” (or with the clone’s UUID) exists already."),
                               virDomainGetName (existing));
      return;
    }

  refresh_pools (conn, plan);
  checked = g_new0 (Checked, 1);
  checked->sources = g_array_sized_new (FALSE, TRUE, sizeof (SourceInfo), plan->disks->len);
  g_array_set_size (checked->sources, plan->disks->len);
  for (guint i = 0; i < plan->disks->len; i++)
    {
      const VireoCloneDisk *disk = plan->disks->pdata[i];
      SourceInfo *info = &g_array_index (checked->sources, SourceInfo, i);
      g_autoptr(virStorageVol) vol = NULL;
      g_autoptr(virStorageVol) taken = NULL;
      g_autoptr(virStoragePool) dest = NULL;
      virStorageVolInfo vol_info;

      if (!needs_volume (disk))
        continue;

      vol = find_source (conn, disk);
      if (vol == NULL && disk->mode == VIREO_CLONE_MODE_COPY)
        {
          virResetLastError ();
          g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_VOLUME,
                                   /* Translators: a disk's target ("vda"), then a path or volume name */
                                   _("%s: %s is not a volume of any storage pool on the host (any more), so "
                                     "libvirt cannot copy it."), disk->target,
                                   disk->source_path != NULL ? disk->source_path : disk->source_volume);
          return;
        }
      if (vol != NULL && virStorageVolGetInfo (vol, &vol_info) == 0)
        {
          info->capacity = vol_info.capacity;
          info->allocation = vol_info.allocation;
        }
      virResetLastError ();

      dest = virStoragePoolLookupByName (conn, disk->dest_pool);
      if (dest == NULL || virStoragePoolIsActive (dest) != 1)
        {
          virResetLastError ();
          g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                                   /* Translators: a disk's target ("vda"), then a storage pool's name */
                                   _("%s: the storage pool “%s” is not there or not active."), disk->target,
                                   disk->dest_pool);
          return;
        }
      taken = virStorageVolLookupByName (dest, disk->dest_name);
      virResetLastError ();
      if (taken != NULL)
        {
          g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS,
                                   /* Translators: a disk's target, a pool's name, then a volume's */
                                   _("%s: the pool “%s” has a volume called “%s” already."), disk->target,
                                   disk->dest_pool, disk->dest_name);
          return;
        }
    }

  /* The clone's NVRAM file must not exist: it would be someone else's,
   * and the rollback must never take it for the job's. */
  checked->nvram_source = g_strdup (d->nvram_source);
  checked->nvram_dest = g_strdup (d->nvram_dest);
  if (d->nvram_dest != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (d->nvram_dest);
      g_autofree char *base = g_path_get_basename (d->nvram_dest);
      g_autoptr(GError) error = NULL;
      Hold hold;

      if (!hold_folder (conn, dir, FALSE, NULL, &hold, NULL, &error))
        checked->nvram_note = g_strdup (error->message);
      else
        {
          g_autoptr(virStorageVol) taken = virStorageVolLookupByName (hold.pool, base);

          virResetLastError ();
          hold_release (&hold);
          if (taken != NULL)
            {
              g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS,
                                       /* Translators: %s is a file's path */
                                       _("The clone’s NVRAM file %s exists already, left by another machine of "
                                         "that name. Choose another name, or delete the file."), d->nvram_dest);
              return;
            }
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&checked), checked_free);
}

/* A copy: the handles, looked up on ops, for the copy thread. */
typedef struct
{
  virConnectPtr     conn;
  virStoragePoolPtr pool;
  virStorageVolPtr  source;
} Prepared;

static void
prepared_free (gpointer data)
{
  Prepared *p = data;

  if (p->source != NULL)
    virStorageVolFree (p->source);
  if (p->pool != NULL)
    virStoragePoolFree (p->pool);
  if (p->conn != NULL)
    virConnectClose (p->conn);
  g_free (p);
}

typedef struct
{
  const VireoCloneDisk *disk;   /* borrowed from the job's plan, read-only */
  char                 *xml;    /* the new volume */
} VolumeData;

static void
volume_data_free (gpointer data)
{
  VolumeData *d = data;

  g_free (d->xml);
  g_free (d);
}

static void
prepare_copy_thread (GTask        *task,
                     virConnectPtr conn,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  VolumeData *d = task_data;
  Prepared *p;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  p = g_new0 (Prepared, 1);
  p->source = find_source (conn, d->disk);
  if (p->source == NULL)
    {
      prepared_free (p);
      g_task_return_error (task, disk_error (d->disk, _("The image to copy is gone")));
      return;
    }
  p->pool = virStoragePoolLookupByName (conn, d->disk->dest_pool);
  if (p->pool == NULL)
    {
      prepared_free (p);
      g_task_return_error (task, disk_error (d->disk, _("Could not find the storage pool")));
      return;
    }
  p->conn = conn;
  virConnectRef (conn);
  g_task_return_pointer (task, p, prepared_free);
}

/* Deletes a volume the step made but cannot call finished; says so in
 * @error when even that fails. */
static void
remove_half_made (virStorageVolPtr   vol,
                  const char        *name,
                  GError           **error)
{
  g_autoptr(GError) left = NULL;
  GError *failure;

  if (virStorageVolDelete (vol, 0) == 0)
    return;
  left = _vireo_error_from_last (_("It could not be removed"));
  failure = *error;
  /* Translators: an error, a volume's name, then why it is still there */
  *error = g_error_new (failure->domain, failure->code, _("%s. The volume “%s” was left behind. %s"),
                        failure->message, name, left->message);
  g_error_free (failure);
}

/* The definition names the new volume by the path the plan worked out. */
static gboolean
check_made_path (virStorageVolPtr       vol,
                 const VireoCloneDisk  *disk,
                 GError               **error)
{
  char *path;

  if (disk->dest_path == NULL)
    return TRUE;
  path = virStorageVolGetPath (vol);
  if (g_strcmp0 (path, disk->dest_path) == 0)
    {
      free (path);
      return TRUE;
    }
  g_set_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
               /* Translators: a volume's name, a pool's name, then two paths */
               _("The volume “%s” was made at %s in pool “%s”, not at %s as the clone’s definition says"),
               disk->dest_name, path != NULL ? path : "?", disk->dest_pool, disk->dest_path);
  free (path);
  virResetLastError ();
  remove_half_made (vol, disk->dest_name, error);
  return FALSE;
}

typedef struct
{
  VireoCloneJob *job;       /* a reference, dropped on the main thread */
  Prepared      *prepared;
  VolumeData    *data;
  GError        *error;     /* out */
} CopyRun;

static void
copy_run_free (gpointer user_data)
{
  CopyRun *run = user_data;

  g_assert (vireo_is_main_thread ());
  g_clear_pointer (&run->prepared, prepared_free);
  g_clear_pointer (&run->data, volume_data_free);
  g_clear_error (&run->error);
  g_object_unref (run->job);
  g_free (run);
}

static gboolean copy_finished (gpointer user_data);

/* The one long call, on its own thread (see the top of the file). */
static gpointer
copy_thread (gpointer user_data)
{
  CopyRun *run = user_data;
  virStorageVolPtr vol;

  vol = virStorageVolCreateXMLFrom (run->prepared->pool, run->data->xml, run->prepared->source, 0);
  if (vol == NULL)
    run->error = disk_error (run->data->disk, _("Could not copy the disk"));
  else
    {
      check_made_path (vol, run->data->disk, &run->error);
      virStorageVolFree (vol);
    }
  vireo_main_invoke (copy_finished, run, copy_run_free, G_PRIORITY_DEFAULT);
  return NULL;
}

static void
overlay_thread (GTask        *task,
                virConnectPtr conn,
                gpointer      task_data,
                GCancellable *cancellable)
{
  VolumeData *d = task_data;
  g_autoptr(virStoragePool) pool = NULL;
  g_autoptr(virStorageVol) vol = NULL;
  GError *error = NULL;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  pool = virStoragePoolLookupByName (conn, d->disk->dest_pool);
  if (pool == NULL)
    {
      g_task_return_error (task, disk_error (d->disk, _("Could not find the storage pool")));
      return;
    }
  vol = virStorageVolCreateXML (pool, d->xml, 0);
  if (vol == NULL)
    {
      g_task_return_error (task, disk_error (d->disk, _("Could not make the overlay")));
      return;
    }
  if (!check_made_path (vol, d->disk, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

typedef struct
{
  char *pool;
  char *name;
} PollData;

static void
poll_data_free (gpointer data)
{
  PollData *d = data;

  g_free (d->pool);
  g_free (d->name);
  g_free (d);
}

static void
poll_thread (GTask        *task,
             virConnectPtr conn,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PollData *d = task_data;
  g_autoptr(virStoragePool) pool = NULL;
  g_autoptr(virStorageVol) vol = NULL;
  virStorageVolInfo info;
  guint64 *allocation;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  if ((pool = virStoragePoolLookupByName (conn, d->pool)) == NULL ||
      (vol = virStorageVolLookupByName (pool, d->name)) == NULL ||
      virStorageVolGetInfo (vol, &info) < 0)
    {
      /* Not there yet, or a driver that will not say: no news. */
      g_task_return_error (task, _vireo_error_from_last (_("Could not read the new volume’s size")));
      return;
    }
  allocation = g_new (guint64, 1);
  *allocation = info.allocation;
  g_task_return_pointer (task, allocation, g_free);
}

typedef struct
{
  char         *uuid;
  char         *xml;
  GCancellable *cancellable;   /* (nullable) the run's */
} DefineData;

static void
define_data_free (gpointer data)
{
  DefineData *d = data;

  g_clear_object (&d->cancellable);
  g_free (d->uuid);
  g_free (d->xml);
  g_free (d);
}

static void
define_thread (GTask        *task,
               virConnectPtr conn,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DefineData *d = task_data;
  g_autoptr(virDomain) existing = NULL;
  g_autoptr(virDomain) dom = NULL;
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (_vireo_return_if_not_connected (task, conn))
    return;
  /* A cancel while this step waited for the worker still counts: nothing
   * is defined, and the rollback removes the copies. */
  if (d->cancellable != NULL && g_cancellable_is_cancelled (d->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cloning was cancelled"));
      return;
    }
  /* Checked already, but a define over a UUID would replace that machine. */
  existing = virDomainLookupByUUIDString (conn, d->uuid);
  virResetLastError ();
  if (existing != NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS,
                               /* Translators: %s is a UUID */
                               _("Could not define the clone: a machine with the UUID %s exists already"), d->uuid);
      return;
    }
  /* Not VALIDATE: libvirt's own XML of some machines fails its own
   * schema, and the clone's is that XML with a few values changed. */
  dom = virDomainDefineXML (conn, d->xml);
  if (dom == NULL)
    {
      g_task_return_error (task, _vireo_error_from_last (_("Could not define the clone")));
      return;
    }
  if (virDomainGetUUIDString (dom, uuid) < 0 || g_ascii_strcasecmp (uuid, d->uuid) != 0)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                               _("The clone was defined with another UUID than the one asked for"));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* What a copy of outside state came to. */
typedef struct
{
  VireoCloneStateOutcome  outcome;
  char                   *note;
} StateCopied;

static void
state_copied_free (gpointer data)
{
  StateCopied *s = data;

  g_free (s->note);
  g_free (s);
}

static StateCopied *
state_copied_new (VireoCloneStateOutcome  outcome,
                  char                   *note)
{
  StateCopied *s = g_new0 (StateCopied, 1);

  s->outcome = outcome;
  s->note = note;
  return s;
}

typedef struct
{
  char *source;
  char *dest;
} NvramData;

static void
nvram_data_free (gpointer data)
{
  NvramData *d = data;

  g_free (d->source);
  g_free (d->dest);
  g_free (d);
}

static void
nvram_thread (GTask        *task,
              virConnectPtr conn,
              gpointer      task_data,
              GCancellable *cancellable)
{
  NvramData *d = task_data;
  g_autofree char *source_dir = g_path_get_dirname (d->source);
  g_autofree char *dest_dir = g_path_get_dirname (d->dest);
  g_autofree char *source_name = g_path_get_basename (d->source);
  g_autofree char *dest_name = g_path_get_basename (d->dest);
  g_autoptr(virStorageVol) source = NULL;
  g_autoptr(virStorageVol) made = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  Hold from = { 0 };
  Hold to = { 0 };
  Hold *into = &from;
  virStorageVolInfo info;

  if (_vireo_return_if_not_connected (task, conn))
    return;
  if (!hold_folder (conn, source_dir, FALSE, NULL, &from, NULL, &error))
    {
      g_task_return_pointer (task, state_copied_new (VIREO_CLONE_STATE_RESET, g_strdup (error->message)),
                             state_copied_free);
      return;
    }
  source = virStorageVolLookupByName (from.pool, source_name);
  if (source == NULL)
    {
      virResetLastError ();
      hold_release (&from);
      g_task_return_pointer (task, state_copied_new (VIREO_CLONE_STATE_FRESH, NULL), state_copied_free);
      return;
    }
  if (!g_str_equal (source_dir, dest_dir))
    {
      if (!hold_folder (conn, dest_dir, FALSE, NULL, &to, NULL, &error))
        {
          g_clear_pointer (&source, virStorageVolFree);
          hold_release (&from);
          g_task_return_pointer (task, state_copied_new (VIREO_CLONE_STATE_RESET, g_strdup (error->message)),
                                 state_copied_free);
          return;
        }
      into = &to;
    }

  if (virStorageVolGetInfo (source, &info) < 0)
    info.capacity = 0;
  virResetLastError ();
  xml = file_volume_xml (dest_name, source, info.capacity);
  made = virStorageVolCreateXMLFrom (into->pool, xml, source, 0);
  if (made == NULL)
    error = _vireo_error_from_last (_("Could not copy the NVRAM file"));
  g_clear_pointer (&source, virStorageVolFree);
  hold_release (&to);
  hold_release (&from);
  if (made == NULL)
    g_task_return_pointer (task, state_copied_new (VIREO_CLONE_STATE_RESET, g_strdup (error->message)),
                           state_copied_free);
  else
    g_task_return_pointer (task, state_copied_new (VIREO_CLONE_STATE_COPIED, NULL), state_copied_free);
}

typedef struct
{
  char *base;       /* libvirt's TPM state folder */
  char *source;     /* the original's UUID */
  char *dest;       /* the clone's */
  char *version;    /* (nullable) */
} TpmData;

static void
tpm_data_free (gpointer data)
{
  TpmData *d = data;

  g_free (d->base);
  g_free (d->source);
  g_free (d->dest);
  g_free (d->version);
  g_free (d);
}

static void
free_vol (gpointer vol)
{
  virStorageVolFree (vol);
}

/* Copies every file of @from's folder into @to's but the lock swtpm holds
 * while it runs; on a failure removes what it made. */
static gboolean
copy_folder (virStoragePoolPtr   from,
             virStoragePoolPtr   to,
             GError            **error)
{
  virStorageVolPtr *vols = NULL;
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func (free_vol);
  int n = virStoragePoolListAllVolumes (from, &vols, 0);
  gboolean ok = n >= 0;

  if (n < 0)
    g_propagate_error (error, _vireo_error_from_last (_("Could not list the TPM’s state files")));
  for (int i = 0; i < n; i++)
    {
      const char *name = virStorageVolGetName (vols[i]);
      virStorageVolInfo info;

      if (ok && name != NULL && name[0] != '.' && virStorageVolGetInfo (vols[i], &info) == 0 &&
          info.type == VIR_STORAGE_VOL_FILE)
        {
          g_autofree char *xml = file_volume_xml (name, vols[i], info.capacity);
          virStorageVolPtr copy = virStorageVolCreateXMLFrom (to, xml, vols[i], 0);

          if (copy == NULL)
            {
              g_propagate_error (error, _vireo_error_from_last (_("Could not copy the TPM’s state")));
              ok = FALSE;
            }
          else
            g_ptr_array_add (made, copy);
        }
      virResetLastError ();
      virStorageVolFree (vols[i]);
    }
  free (vols);
  /* Half a state is worse than none: swtpm starts afresh without one. */
  for (guint i = 0; !ok && i < made->len; i++)
    if (virStorageVolDelete (made->pdata[i], 0) < 0)
      virResetLastError ();
  return ok;
}

static void
tpm_thread (GTask        *task,
            virConnectPtr conn,
            gpointer      task_data,
            GCancellable *cancellable)
{
  TpmData *d = task_data;
  const char *versions[] = { "tpm2", "tpm1.2" };
  g_autoptr(GError) error = NULL;

  if (_vireo_return_if_not_connected (task, conn))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autofree char *from_dir = NULL;
      g_autofree char *to_dir = NULL;
      Hold from = { 0 };
      Hold to = { 0 };
      gboolean missing = FALSE;
      gboolean ok;

      if (d->version != NULL && !g_str_equal (d->version, i == 0 ? "2.0" : "1.2"))
        continue;
      from_dir = g_build_filename (d->base, d->source, versions[i], NULL);
      to_dir = g_build_filename (d->base, d->dest, versions[i], NULL);
      if (!hold_folder (conn, from_dir, FALSE, NULL, &from, &missing, &error))
        {
          /* Never started with this TPM: nothing to copy. */
          if (missing)
            {
              g_clear_error (&error);
              continue;
            }
          g_task_return_pointer (task, state_copied_new (VIREO_CLONE_STATE_RESET, g_strdup (error->message)),
                                 state_copied_free);
          return;
        }
      /* The clone's folder is new (so is its UUID): made with the
       * original's owner and mode, which swtpm runs as. */
      if (!hold_folder (conn, to_dir, TRUE, from.pool, &to, NULL, &error))
        {
          hold_release (&from);
          g_task_return_pointer (task, state_copied_new (VIREO_CLONE_STATE_RESET, g_strdup (error->message)),
                                 state_copied_free);
          return;
        }
      ok = copy_folder (from.pool, to.pool, &error);
      hold_release (&to);
      hold_release (&from);
      g_task_return_pointer (task,
                             ok ? state_copied_new (VIREO_CLONE_STATE_COPIED, NULL)
                                : state_copied_new (VIREO_CLONE_STATE_RESET, g_strdup (error->message)),
                             state_copied_free);
      return;
    }
  g_task_return_pointer (task, state_copied_new (VIREO_CLONE_STATE_FRESH, NULL), state_copied_free);
}

typedef struct
{
  char      *uuid;         /* (nullable): undefine it */
  gboolean   made_nvram;
  gboolean   made_tpm;
  GPtrArray *made;         /* (element-type MadeVolume) */
} RemoveData;

static void
remove_data_free (gpointer data)
{
  RemoveData *d = data;

  g_free (d->uuid);
  g_ptr_array_unref (d->made);
  g_free (d);
}

static gboolean
is_unsupported_flag (void)
{
  int code = virGetLastErrorCode ();

  return code == VIR_ERR_INVALID_ARG || code == VIR_ERR_NO_SUPPORT || code == VIR_ERR_ARGUMENT_UNSUPPORTED;
}

/* Removes the files the job made with the definition, and keeps those it
 * did not; drivers that know fewer flags are asked with fewer. */
static gboolean
undefine_clone (virDomainPtr dom,
                gboolean     made_nvram,
                gboolean     made_tpm)
{
  unsigned int nvram = made_nvram ? VIR_DOMAIN_UNDEFINE_NVRAM : VIR_DOMAIN_UNDEFINE_KEEP_NVRAM;
  unsigned int tpm = made_tpm ? VIR_DOMAIN_UNDEFINE_TPM : VIR_DOMAIN_UNDEFINE_KEEP_TPM;
  const unsigned int flags[] = { nvram | tpm, nvram, 0 };

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
        g_string_append_printf (problems, " %s", _("the clone’s definition"));
      for (guint i = 0; i < d->made->len; i++)
        g_string_append_printf (problems, " “%s”", ((MadeVolume *) d->made->pdata[i])->name);
      g_task_return_pointer (task, g_string_free (g_steal_pointer (&problems), FALSE), g_free);
      return;
    }

  if (d->uuid != NULL)
    {
      g_autoptr(virDomain) dom = virDomainLookupByUUIDString (conn, d->uuid);

      if (dom == NULL)
        virResetLastError ();
      else
        {
          if (virDomainIsActive (dom) == 1 && virDomainDestroy (dom) < 0)
            append_problem (problems, _("The clone could not be stopped"));
          if (!undefine_clone (dom, d->made_nvram, d->made_tpm))
            append_problem (problems, _("The clone’s definition could not be removed"));
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

/* ------------------------------------------------------------------------ */
/* Main side: the state machine                                              */

static void next_disk      (VireoCloneJob *self);
static void define_clone   (VireoCloneJob *self);
static void copy_nvram     (VireoCloneJob *self);
static void copy_tpm       (VireoCloneJob *self);

static void
set_step (VireoCloneJob  *self,
          VireoCloneStep  step,
          const char     *detail)
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
update_fraction (VireoCloneJob *self)
{
  double steps = self->steps_total > 0 ? (double) self->steps_done / self->steps_total : 0.0;
  double fraction;
  gboolean moved;

  if (self->bytes_total > 0)
    fraction = COPY_WEIGHT * ((double) vireo_clone_job_get_bytes_done (self) / self->bytes_total) +
               (1.0 - COPY_WEIGHT) * steps;
  else
    fraction = steps;
  fraction = CLAMP (fraction, 0.0, 1.0);
  moved = fraction > self->fraction;
  if (moved)
    self->fraction = fraction;
  /* Both are set before either is announced. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_DONE]);
  if (moved)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static void
step_done (VireoCloneJob *self)
{
  self->steps_done++;
  update_fraction (self);
}

static void
finish (VireoCloneJob *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (self->error != NULL)
    {
      set_step (self, VIREO_CLONE_STEP_FAILED, NULL);
      g_task_return_error (task, g_steal_pointer (&self->error));
      return;
    }
  self->steps_done = self->steps_total;
  self->bytes_finished = self->bytes_total;
  update_fraction (self);
  set_step (self, VIREO_CLONE_STEP_DONE, self->plan->name);
  g_task_return_pointer (task, g_steal_pointer (&self->result), (GDestroyNotify) vireo_clone_result_free);
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (source);
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
    {
      self->defined = FALSE;
      g_ptr_array_set_size (self->made, 0);
    }
  finish (self);
}

/* Takes @error as the job's outcome and undoes what the job made. */
static void
fail (VireoCloneJob *self,
      GError        *error)
{
  GTask *task;
  RemoveData *d;

  g_assert (self->error == NULL);
  self->error = error;
  g_clear_handle_id (&self->poll_source, g_source_remove);

  if (!self->defined && self->made->len == 0)
    {
      finish (self);
      return;
    }

  set_step (self, VIREO_CLONE_STEP_ROLLING_BACK, NULL);
  d = g_new0 (RemoveData, 1);
  d->uuid = self->defined ? g_strdup (self->plan->uuid) : NULL;
  d->made_nvram = self->made_nvram;
  d->made_tpm = self->made_tpm;
  d->made = g_ptr_array_ref (self->made);
  task = g_task_new (self, NULL, removed_cb, NULL);
  g_task_set_source_tag (task, fail);
  g_task_set_task_data (task, d, remove_data_free);
  vireo_connection_run (self->connection, task, remove_thread);
}

static gboolean
stop_if_cancelled (VireoCloneJob *self)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  if (cancellable == NULL || !g_cancellable_is_cancelled (cancellable))
    return FALSE;
  fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cloning was cancelled")));
  return TRUE;
}

/* A worker step's own task: no cancellable, so that a cancel never hides
 * what the step did (a volume made, a clone defined). */
static GTask *
step_task (VireoCloneJob       *self,
           GAsyncReadyCallback  callback,
           gpointer             source_tag)
{
  GTask *task = g_task_new (self, NULL, callback, NULL);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static void
record_made (VireoCloneJob        *self,
             const VireoCloneDisk *disk)
{
  MadeVolume *made = g_new0 (MadeVolume, 1);

  made->pool = g_strdup (disk->dest_pool);
  made->name = g_strdup (disk->dest_name);
  g_ptr_array_add (self->made, made);
}

static void
tpm_copied_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (source);
  g_autoptr(GError) error = NULL;
  StateCopied *copied = g_task_propagate_pointer (G_TASK (result), &error);

  if (copied == NULL)
    {
      /* Not connected: the clone is defined; only its TPM starts empty. */
      self->result->tpm = VIREO_CLONE_STATE_RESET;
      self->result->tpm_note = g_strdup (error->message);
    }
  else
    {
      self->result->tpm = copied->outcome;
      self->result->tpm_note = g_steal_pointer (&copied->note);
      self->made_tpm = copied->outcome == VIREO_CLONE_STATE_COPIED;
      state_copied_free (copied);
    }
  /* The last step: a cancel now comes too late to undo a finished clone. */
  step_done (self);
  finish (self);
}

static void
copy_tpm (VireoCloneJob *self)
{
  TpmData *d;
  GTask *task;

  if (!self->plan->has_tpm)
    {
      finish (self);
      return;
    }
  set_step (self, VIREO_CLONE_STEP_COPYING_TPM, self->plan->name);
  if (stop_if_cancelled (self))
    return;
  if (self->swtpm_dir == NULL)
    {
      self->result->tpm = VIREO_CLONE_STATE_RESET;
      self->result->tpm_note = g_strdup (self->dirs_note);
      step_done (self);
      finish (self);
      return;
    }
  d = g_new0 (TpmData, 1);
  d->base = g_strdup (self->swtpm_dir);
  d->source = g_strdup (self->plan->source_uuid);
  d->dest = g_strdup (self->plan->uuid);
  d->version = g_strdup (self->plan->tpm_version);
  task = step_task (self, tpm_copied_cb, copy_tpm);
  g_task_set_task_data (task, d, tpm_data_free);
  vireo_connection_run (self->connection, task, tpm_thread);
}

static void
nvram_copied_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (source);
  g_autoptr(GError) error = NULL;
  StateCopied *copied = g_task_propagate_pointer (G_TASK (result), &error);

  if (copied == NULL)
    {
      self->result->nvram = VIREO_CLONE_STATE_RESET;
      self->result->nvram_note = g_strdup (error->message);
    }
  else
    {
      self->result->nvram = copied->outcome;
      self->result->nvram_note = g_steal_pointer (&copied->note);
      self->made_nvram = copied->outcome == VIREO_CLONE_STATE_COPIED;
      state_copied_free (copied);
    }
  step_done (self);
  copy_tpm (self);
}

static void
copy_nvram (VireoCloneJob *self)
{
  const Checked *checked = self->checked;
  NvramData *d;
  GTask *task;

  if (self->plan->nvram_source == NULL && !self->plan->nvram_implicit)
    {
      copy_tpm (self);
      return;
    }
  set_step (self, VIREO_CLONE_STEP_COPYING_NVRAM, checked->nvram_dest);
  if (stop_if_cancelled (self))
    return;
  if (checked->nvram_source == NULL || checked->nvram_dest == NULL || checked->nvram_note != NULL)
    {
      /* The folder is unknown (a remote session) or out of libvirt's reach. */
      self->result->nvram = VIREO_CLONE_STATE_RESET;
      self->result->nvram_note = g_strdup (checked->nvram_note != NULL ? checked->nvram_note : self->dirs_note);
      step_done (self);
      copy_tpm (self);
      return;
    }
  d = g_new0 (NvramData, 1);
  d->source = g_strdup (checked->nvram_source);
  d->dest = g_strdup (checked->nvram_dest);
  task = step_task (self, nvram_copied_cb, copy_nvram);
  g_task_set_task_data (task, d, nvram_data_free);
  vireo_connection_run (self->connection, task, nvram_thread);
}

static void
defined_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (source);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (self, error);
      return;
    }
  self->defined = TRUE;
  step_done (self);
  copy_nvram (self);
}

static void
define_clone (VireoCloneJob *self)
{
  DefineData *d;
  GTask *task;

  set_step (self, VIREO_CLONE_STEP_DEFINING, self->plan->name);
  if (stop_if_cancelled (self))
    return;
  d = g_new0 (DefineData, 1);
  d->uuid = g_strdup (self->plan->uuid);
  d->xml = g_strdup (self->xml);
  if (g_task_get_cancellable (self->task) != NULL)
    d->cancellable = g_object_ref (g_task_get_cancellable (self->task));
  task = step_task (self, defined_cb, define_clone);
  g_task_set_task_data (task, d, define_data_free);
  vireo_connection_run (self->connection, task, define_thread);
}

static void
overlay_made_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (source);
  VolumeData *d = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (self, error);
      return;
    }
  record_made (self, d->disk);
  step_done (self);
  next_disk (self);
}

static void
polled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (source);
  g_autofree guint64 *allocation = g_task_propagate_pointer (G_TASK (result), NULL);

  self->poll_in_flight = FALSE;
  /* A late answer about a copy that is over, or no answer: no news. */
  if (allocation == NULL || GPOINTER_TO_UINT (user_data) != self->copy_serial ||
      self->step != VIREO_CLONE_STEP_COPYING)
    return;
  self->bytes_current = MIN (*allocation, self->current_source);
  update_fraction (self);
}

static gboolean
poll_cb (gpointer user_data)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (user_data);
  const VireoCloneDisk *disk = self->plan->disks->pdata[self->next_disk - 1];
  PollData *d;
  GTask *task;

  if (self->poll_in_flight)
    return G_SOURCE_CONTINUE;
  self->poll_in_flight = TRUE;
  d = g_new0 (PollData, 1);
  d->pool = g_strdup (disk->dest_pool);
  d->name = g_strdup (disk->dest_name);
  task = g_task_new (self, NULL, polled_cb, GUINT_TO_POINTER (self->copy_serial));
  g_task_set_source_tag (task, poll_cb);
  g_task_set_task_data (task, d, poll_data_free);
  vireo_connection_run (self->connection, task, poll_thread);
  return G_SOURCE_CONTINUE;
}

static gboolean
copy_finished (gpointer user_data)
{
  CopyRun *run = user_data;
  VireoCloneJob *self = run->job;

  g_clear_handle_id (&self->poll_source, g_source_remove);
  self->copy_serial++;
  if (run->error != NULL)
    {
      fail (self, g_steal_pointer (&run->error));
      return G_SOURCE_REMOVE;
    }
  record_made (self, run->data->disk);
  self->bytes_finished += self->current_source;
  self->bytes_current = 0;
  self->current_source = 0;
  step_done (self);
  next_disk (self);
  return G_SOURCE_REMOVE;
}

static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (source);
  VolumeData *d = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  Prepared *prepared = g_task_propagate_pointer (G_TASK (result), &error);
  CopyRun *run;

  if (prepared == NULL)
    {
      fail (self, error);
      return;
    }
  run = g_new0 (CopyRun, 1);
  run->job = g_object_ref (self);
  run->prepared = prepared;
  run->data = g_new0 (VolumeData, 1);
  run->data->disk = d->disk;
  run->data->xml = g_strdup (d->xml);
  self->poll_source = g_timeout_add_seconds (POLL_SECONDS, poll_cb, self);
  vireo_thread_start ("vireo-clone-copy", copy_thread, run);
}

/* The next disk that makes a volume, or the definition after the last. */
static void
next_disk (VireoCloneJob *self)
{
  const VireoCloneDisk *disk = NULL;
  const SourceInfo *info;
  VolumeData *d;
  GTask *task;

  while (self->next_disk < self->plan->disks->len)
    {
      disk = self->plan->disks->pdata[self->next_disk++];
      if (needs_volume (disk))
        break;
      disk = NULL;
    }
  if (disk == NULL)
    {
      define_clone (self);
      return;
    }

  info = &g_array_index (self->checked->sources, SourceInfo, self->next_disk - 1);
  set_step (self, disk->mode == VIREO_CLONE_MODE_COPY ? VIREO_CLONE_STEP_COPYING : VIREO_CLONE_STEP_OVERLAYING,
            disk->dest_name);
  if (stop_if_cancelled (self))
    return;

  d = g_new0 (VolumeData, 1);
  d->disk = disk;
  if (disk->mode == VIREO_CLONE_MODE_COPY)
    {
      d->xml = vireo_clone_disk_dup_volume_xml (disk, info->capacity);
      self->current_source = info->allocation > 0 ? info->allocation : info->capacity;
      self->bytes_current = 0;
      task = step_task (self, prepared_cb, next_disk);
      g_task_set_task_data (task, d, volume_data_free);
      vireo_connection_run (self->connection, task, prepare_copy_thread);
    }
  else
    {
      /* 0: the overlay is as big as its backing image, whatever it is. */
      d->xml = vireo_clone_disk_dup_volume_xml (disk, 0);
      task = step_task (self, overlay_made_cb, next_disk);
      g_task_set_task_data (task, d, volume_data_free);
      vireo_connection_run (self->connection, task, overlay_thread);
    }
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VireoCloneJob *self = VIREO_CLONE_JOB (source);
  GError *error = NULL;
  Checked *checked = g_task_propagate_pointer (G_TASK (result), &error);

  if (checked == NULL)
    {
      fail (self, error);
      return;
    }
  self->checked = checked;
  for (guint i = 0; i < self->plan->disks->len; i++)
    {
      const VireoCloneDisk *disk = self->plan->disks->pdata[i];
      const SourceInfo *info = &g_array_index (checked->sources, SourceInfo, i);

      if (disk->mode == VIREO_CLONE_MODE_COPY)
        self->bytes_total += info->allocation > 0 ? info->allocation : info->capacity;
    }
  step_done (self);
  next_disk (self);
}

/* The clone's NVRAM file and the original's, where the host keeps them. */
static void
resolve_nvram (VireoCloneJob  *self,
               char          **source,
               char          **dest)
{
  const VireoClonePlan *plan = self->plan;

  *source = NULL;
  *dest = NULL;
  if (plan->nvram_source != NULL)
    {
      *source = g_strdup (plan->nvram_source);
      *dest = g_strdup (plan->nvram_path);
    }
  else if (plan->nvram_implicit && self->nvram_dir != NULL)
    {
      g_autofree char *from = g_strconcat (plan->source_name, "_VARS.fd", NULL);
      g_autofree char *to = g_strconcat (plan->name, "_VARS.fd", NULL);

      *source = g_build_filename (self->nvram_dir, from, NULL);
      *dest = g_build_filename (self->nvram_dir, to, NULL);
    }
}

static char **
result_volumes (const VireoClonePlan *plan)
{
  g_autoptr(GStrvBuilder) volumes = g_strv_builder_new ();

  for (guint i = 0; i < plan->disks->len; i++)
    {
      const VireoCloneDisk *disk = plan->disks->pdata[i];
      g_autofree char *pool_name = NULL;

      if (!needs_volume (disk))
        continue;
      if (disk->dest_path != NULL)
        g_strv_builder_add (volumes, disk->dest_path);
      else
        {
          pool_name = g_strdup_printf ("%s/%s", disk->dest_pool, disk->dest_name);
          g_strv_builder_add (volumes, pool_name);
        }
    }
  return g_strv_builder_end (volumes);
}

/**
 * vireo_clone_job_run_async:
 * @cancellable: (nullable):
 *
 * Makes the clone. Runs once per job.
 */
void
vireo_clone_job_run_async (VireoCloneJob       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GError *error = NULL;
  CheckData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_CLONE_JOB (self));
  g_return_if_fail (self->task == NULL && self->step == VIREO_CLONE_STEP_NONE);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, vireo_clone_job_run_async);
  /* A clone that got made is the answer even if a cancel came late. */
  g_task_set_check_cancellable (self->task, FALSE);

  self->result = g_new0 (VireoCloneResult, 1);
  self->result->uuid = g_strdup (self->plan->uuid);
  self->result->name = g_strdup (self->plan->name);
  self->result->volumes = result_volumes (self->plan);

  self->steps_total = 2;   /* check, define */
  for (guint i = 0; i < self->plan->disks->len; i++)
    if (needs_volume (self->plan->disks->pdata[i]))
      self->steps_total++;
  if (self->plan->nvram_source != NULL || self->plan->nvram_implicit)
    self->steps_total++;
  if (self->plan->has_tpm)
    self->steps_total++;

  set_step (self, VIREO_CLONE_STEP_CHECKING, self->plan->name);
  if (stop_if_cancelled (self))
    return;
  self->xml = vireo_clone_plan_build_xml (self->plan, &error);
  if (self->xml == NULL)
    {
      fail (self, error);
      return;
    }

  d = g_new0 (CheckData, 1);
  d->plan = vireo_clone_plan_copy (self->plan);
  resolve_nvram (self, &d->nvram_source, &d->nvram_dest);
  if (self->plan->nvram_implicit || self->plan->nvram_source != NULL)
    self->result->nvram_path = g_strdup (d->nvram_dest);
  task = step_task (self, checked_cb, vireo_clone_job_run_async);
  g_task_set_task_data (task, d, check_data_free);
  vireo_connection_run (self->connection, task, check_thread);
}

/**
 * vireo_clone_job_run_finish:
 *
 * Returns: (transfer full): what was made, or %NULL with @error (after
 *   everything the job made was removed, or with what could not be in
 *   the message)
 */
VireoCloneResult *
vireo_clone_job_run_finish (VireoCloneJob  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* For the dialog                                                            */

/**
 * vireo_clone_pools_from_pool_infos:
 * @pool_infos: (element-type VireoPoolInfo)
 *
 * Returns: (transfer full) (element-type VireoClonePool):
 */
GPtrArray *
vireo_clone_pools_from_pool_infos (GPtrArray *pool_infos)
{
  GPtrArray *pools = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_clone_pool_free);

  g_return_val_if_fail (pool_infos != NULL, pools);

  for (guint i = 0; i < pool_infos->len; i++)
    {
      const VireoPoolInfo *info = pool_infos->pdata[i];
      VireoClonePool *pool = vireo_clone_pool_new (info->name, info->type, info->target_path, info->active);

      for (guint j = 0; info->volumes != NULL && j < info->volumes->len; j++)
        {
          const VireoVolumeInfo *volume = info->volumes->pdata[j];

          g_ptr_array_add (pool->volumes, vireo_clone_volume_new (volume->name, volume->path, volume->format,
                                                                  volume->capacity, volume->allocation));
        }
      g_ptr_array_add (pools, pool);
    }
  return pools;
}

VireoCloneSourceState
vireo_clone_source_state_for (VireoDomainState state)
{
  switch (state)
    {
    case VIREO_DOMAIN_STATE_SHUTOFF:
      return VIREO_CLONE_SOURCE_SHUT_OFF;
    case VIREO_DOMAIN_STATE_PAUSED:
      return VIREO_CLONE_SOURCE_PAUSED;
    default:
      return VIREO_CLONE_SOURCE_RUNNING;
    }
}
