/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The clone job against libvirt's test driver (test:///default, shared by
 * every connection of the process, so a second, direct connection sees
 * what the job made): a plan read from the host's own pools, steps in
 * order, the clone defined on new volumes with new MACs and the original
 * untouched; a running machine refused, and failures and cancels that
 * leave nothing the job made and touch nothing it did not.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "vireo-clone-job.h"
#include "vireo-connection-private.h"
#include "vireo-lookup.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define DEFAULT_URI "test:///default"
#define POOL "default-pool"
/* The domain test:///default comes with: running. */
#define TEST_DOMAIN "test"

typedef struct
{
  VireoConnection *conn;
  virConnectPtr    direct;
} Fixture;

static VireoConnection *shared_conn;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  if (shared_conn == NULL)
    shared_conn = vireo_test_open_connection (DEFAULT_URI, 0);
  f->conn = g_object_ref (shared_conn);
  f->direct = virConnectOpen (DEFAULT_URI);
  g_assert_nonnull (f->direct);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->conn);
  virConnectClose (f->direct);
}

static void
make_volume (virConnectPtr  direct,
             const char    *name,
             const char    *format)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (direct, POOL);
  g_autofree char *xml = g_strdup_printf ("<volume><name>%s</name><capacity unit='MiB'>64</capacity>"
                                          "<target><format type='%s'/></target></volume>", name, format);
  virStorageVolPtr vol;

  g_assert_nonnull (pool);
  vol = virStorageVolCreateXML (pool, xml, 0);
  g_assert_nonnull (vol);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
}

static gboolean
volume_exists (virConnectPtr  direct,
               const char    *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (direct, POOL);
  virStorageVolPtr vol;

  g_assert_nonnull (pool);
  vol = virStorageVolLookupByName (pool, name);
  virStoragePoolFree (pool);
  if (vol == NULL)
    return FALSE;
  virStorageVolFree (vol);
  return TRUE;
}

static void
delete_volume (virConnectPtr  direct,
               const char    *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (direct, POOL);
  virStorageVolPtr vol = virStorageVolLookupByName (pool, name);

  g_assert_nonnull (vol);
  g_assert_cmpint (virStorageVolDelete (vol, 0), ==, 0);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
}

static gboolean
domain_exists (virConnectPtr  direct,
               const char    *name)
{
  virDomainPtr dom = virDomainLookupByName (direct, name);

  if (dom == NULL)
    return FALSE;
  virDomainFree (dom);
  return TRUE;
}

/* A machine with a qcow2 file and a raw volume of the pool, a CD-ROM and
 * a NIC, defined on the test driver. Returns its inactive XML. */
static char *
define_source (Fixture    *f,
               const char *name)
{
  g_autofree char *qcow2 = g_strdup_printf ("%s.qcow2", name);
  g_autofree char *raw = g_strdup_printf ("%s-data.raw", name);
  g_autofree char *xml = g_strdup_printf (
    "<domain type='test'>\n"
    "  <name>%s</name>\n"
    "  <memory unit='MiB'>64</memory>\n"
    "  <os><type arch='x86_64'>hvm</type></os>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='qcow2'/>\n"
    "      <source file='/default-pool/%s'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "    </disk>\n"
    "    <disk type='volume' device='disk'>\n"
    "      <driver name='qemu' type='raw'/>\n"
    "      <source pool='default-pool' volume='%s'/>\n"
    "      <target dev='vdb' bus='virtio'/>\n"
    "    </disk>\n"
    "    <disk type='file' device='cdrom'>\n"
    "      <source file='/isos/installer.iso'/>\n"
    "      <target dev='sda' bus='sata'/>\n"
    "      <readonly/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='52:54:00:aa:bb:01'/>\n"
    "      <source network='default'/>\n"
    "    </interface>\n"
    "  </devices>\n"
    "</domain>\n", name, qcow2, raw);
  virDomainPtr dom;
  char *inactive;

  make_volume (f->direct, qcow2, "qcow2");
  make_volume (f->direct, raw, "raw");
  dom = virDomainDefineXML (f->direct, xml);
  g_assert_nonnull (dom);
  inactive = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  virDomainFree (dom);
  return inactive;
}

static void
remove_source (Fixture    *f,
               const char *name)
{
  g_autofree char *qcow2 = g_strdup_printf ("%s.qcow2", name);
  g_autofree char *raw = g_strdup_printf ("%s-data.raw", name);
  virDomainPtr dom = virDomainLookupByName (f->direct, name);

  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  delete_volume (f->direct, qcow2);
  delete_volume (f->direct, raw);
}

static char *
inactive_xml (Fixture    *f,
              const char *name)
{
  virDomainPtr dom = virDomainLookupByName (f->direct, name);
  char *xml;

  g_assert_nonnull (dom);
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  virDomainFree (dom);
  return xml;
}

/* The host's pools, read through the worker as the dialog will. */
static GPtrArray *
read_pools (Fixture *f)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = NULL;

  vireo_connection_list_pools_async (f->conn, NULL, vireo_test_async_cb, &a);
  infos = vireo_connection_list_pools_finish (f->conn, vireo_test_async_wait (&a, 30), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  return vireo_clone_pools_from_pool_infos (infos);
}

static VireoClonePlan *
plan_for (Fixture               *f,
          const char            *xml,
          VireoCloneSourceState  state,
          const char            *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (xml, &error);
  g_autoptr(GPtrArray) pools = read_pools (f);
  const char * const taken[] = { TEST_DOMAIN, NULL };

  g_assert_no_error (error);
  return vireo_clone_plan_new (config, state, name, taken, pools);
}

/* What a run saw, and where to cancel it. */
typedef struct
{
  GArray         *steps;
  GCancellable   *cancellable;
  VireoCloneStep  cancel_at;
  guint           cancel_nth;     /* at the nth time the step comes (from 1) */
  guint           seen_cancel_step;
  char           *last_detail;
  double          last_fraction;
  gboolean        fraction_went_down;
} Watch;

/* A step is announced again for each volume, with its name as the
 * detail: each new (step, detail) counts. */
static void
on_step (VireoCloneJob *job,
         GParamSpec    *pspec,
         Watch         *w)
{
  VireoCloneStep step = vireo_clone_job_get_step (job);
  const char *detail = vireo_clone_job_get_detail (job);

  g_assert_true (vireo_is_main_thread ());
  if (w->steps->len > 0 && g_array_index (w->steps, VireoCloneStep, w->steps->len - 1) == step &&
      g_strcmp0 (w->last_detail, detail) == 0)
    return;
  g_free (w->last_detail);
  w->last_detail = g_strdup (detail);
  g_array_append_val (w->steps, step);
  if (step == w->cancel_at && ++w->seen_cancel_step == w->cancel_nth)
    g_cancellable_cancel (w->cancellable);
}

static void
on_fraction (VireoCloneJob *job,
             GParamSpec    *pspec,
             Watch         *w)
{
  double fraction = vireo_clone_job_get_fraction (job);

  if (fraction < w->last_fraction)
    w->fraction_went_down = TRUE;
  w->last_fraction = fraction;
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static VireoCloneResult *
run_plan (VireoConnection       *conn,
          const VireoClonePlan  *plan,
          VireoCloneStep         cancel_at,
          guint                  cancel_nth,
          GArray               **out_steps,
          GError               **error)
{
  g_autoptr(VireoCloneJob) job = vireo_clone_job_new (conn, plan);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  VireoTestAsync a = { 0 };
  Watch w = { 0 };
  VireoCloneJob *weak;
  VireoCloneResult *result;

  w.steps = g_array_new (FALSE, FALSE, sizeof (VireoCloneStep));
  w.cancellable = cancellable;
  w.cancel_at = cancel_at;
  w.cancel_nth = cancel_nth;
  g_signal_connect (job, "notify::step", G_CALLBACK (on_step), &w);
  g_signal_connect (job, "notify::detail", G_CALLBACK (on_step), &w);
  g_signal_connect (job, "notify::fraction", G_CALLBACK (on_fraction), &w);

  vireo_clone_job_run_async (job, cancellable, vireo_test_async_cb, &a);
  result = vireo_clone_job_run_finish (job, vireo_test_async_wait (&a, 30), error);
  g_object_unref (a.result);

  g_assert_false (w.fraction_went_down);
  if (result != NULL)
    {
      g_assert_cmpfloat (vireo_clone_job_get_fraction (job), ==, 1.0);
      g_assert_cmpuint (vireo_clone_job_get_bytes_done (job), ==, vireo_clone_job_get_bytes_total (job));
    }
  g_signal_handlers_disconnect_by_data (job, &w);
  g_free (w.last_detail);
  weak = job;
  g_object_add_weak_pointer (G_OBJECT (job), (gpointer *) &weak);
  g_clear_object (&job);
  vireo_test_wait_for (pointer_is_null, &weak, 10, "the job to be finalized");

  if (out_steps != NULL)
    *out_steps = w.steps;
  else
    g_array_unref (w.steps);
  return result;
}

static void
assert_steps (GArray               *steps,
              const VireoCloneStep *expected,
              guint                 n)
{
  g_autoptr(GString) seen = g_string_new (NULL);

  for (guint i = 0; i < steps->len; i++)
    g_string_append_printf (seen, " %d", g_array_index (steps, VireoCloneStep, i));
  if (steps->len != n)
    g_error ("steps:%s", seen->str);
  for (guint i = 0; i < n; i++)
    if (g_array_index (steps, VireoCloneStep, i) != expected[i])
      g_error ("steps:%s", seen->str);
}

/* ------------------------------------------------------------------------ */

static void
test_clone (Fixture       *f,
            gconstpointer  data)
{
  static const VireoCloneStep expected[] = {
    VIREO_CLONE_STEP_CHECKING, VIREO_CLONE_STEP_COPYING, VIREO_CLONE_STEP_COPYING, VIREO_CLONE_STEP_DEFINING,
    VIREO_CLONE_STEP_DONE,
  };
  g_autofree char *source_xml = define_source (f, "cl-src");
  g_autoptr(VireoClonePlan) plan = plan_for (f, source_xml, VIREO_CLONE_SOURCE_SHUT_OFF, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autoptr(VireoCloneResult) result = NULL;
  g_autofree char *after = NULL;
  g_autofree char *clone_xml = NULL;
  g_autofree char *mac = NULL;
  VireoCloneDisk *vda, *vdb;

  /* The plan, from the pool listing: both disks are the pool's volumes */
  g_assert_cmpstr (plan->name, ==, "cl-src-clone");
  vda = plan->disks->pdata[0];
  vdb = plan->disks->pdata[1];
  g_assert_cmpstr (vda->source_pool, ==, POOL);
  g_assert_cmpstr (vda->source_volume, ==, "cl-src.qcow2");
  g_assert_cmpint (vda->mode, ==, VIREO_CLONE_MODE_COPY);
  g_assert_cmpstr (vda->dest_path, ==, "/default-pool/cl-src-clone.qcow2");
  g_assert_cmpint (vdb->mode, ==, VIREO_CLONE_MODE_COPY);
  g_assert_cmpstr (vdb->dest_name, ==, "cl-src-clone-1.raw");
  g_assert_cmpint (((VireoCloneDisk *) plan->disks->pdata[2])->mode, ==, VIREO_CLONE_MODE_SHARE);

  result = run_plan (f->conn, plan, VIREO_CLONE_STEP_NONE, 0, &steps, &error);
  g_assert_no_error (error);
  assert_steps (steps, expected, G_N_ELEMENTS (expected));
  g_assert_cmpstr (result->uuid, ==, plan->uuid);
  g_assert_cmpstr (result->name, ==, "cl-src-clone");
  g_assert_cmpuint (g_strv_length (result->volumes), ==, 2);
  g_assert_cmpstr (result->volumes[0], ==, "/default-pool/cl-src-clone.qcow2");
  g_assert_cmpstr (result->volumes[1], ==, "/default-pool/cl-src-clone-1.raw");
  g_assert_cmpint (result->nvram, ==, VIREO_CLONE_STATE_NONE);
  g_assert_cmpint (result->tpm, ==, VIREO_CLONE_STATE_NONE);

  g_assert_true (volume_exists (f->direct, "cl-src-clone.qcow2"));
  g_assert_true (volume_exists (f->direct, "cl-src-clone-1.raw"));
  clone_xml = inactive_xml (f, "cl-src-clone");
  g_assert_nonnull (strstr (clone_xml, plan->uuid));
  g_assert_nonnull (strstr (clone_xml, "<source file='/default-pool/cl-src-clone.qcow2'/>"));
  g_assert_nonnull (strstr (clone_xml, "<source pool='default-pool' volume='cl-src-clone-1.raw'/>"));
  g_assert_nonnull (strstr (clone_xml, "<source file='/isos/installer.iso'/>"));
  mac = g_strdup_printf ("<mac address='%s'/>", plan->macs[0]);
  g_assert_nonnull (strstr (clone_xml, mac));
  g_assert_null (strstr (clone_xml, "52:54:00:aa:bb:01"));

  /* The original is as it was. */
  after = inactive_xml (f, "cl-src");
  g_assert_cmpstr (after, ==, source_xml);

  {
    virDomainPtr dom = virDomainLookupByName (f->direct, "cl-src-clone");

    g_assert_cmpint (virDomainUndefine (dom), ==, 0);
    virDomainFree (dom);
  }
  delete_volume (f->direct, "cl-src-clone.qcow2");
  delete_volume (f->direct, "cl-src-clone-1.raw");
  remove_source (f, "cl-src");
}

/* The host says running, whatever the plan believed: nothing is made. */
static void
test_running (Fixture       *f,
              gconstpointer  data)
{
  static const VireoCloneStep expected[] = { VIREO_CLONE_STEP_CHECKING, VIREO_CLONE_STEP_FAILED };
  g_autofree char *xml = inactive_xml (f, TEST_DOMAIN);
  g_autoptr(VireoClonePlan) plan = plan_for (f, xml, VIREO_CLONE_SOURCE_SHUT_OFF, "test-copy");
  g_autoptr(VireoClonePlan) known = plan_for (f, xml, VIREO_CLONE_SOURCE_RUNNING, "test-copy");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autoptr(VireoCloneResult) result = NULL;

  result = run_plan (f->conn, plan, VIREO_CLONE_STEP_NONE, 0, &steps, &error);
  g_assert_null (result);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_assert_cmpstr (error->message, ==, "“test” is running. Shut it down, or pause it, to clone it.");
  assert_steps (steps, expected, G_N_ELEMENTS (expected));
  g_assert_false (domain_exists (f->direct, "test-copy"));
  g_clear_error (&error);

  /* A plan that knows is refused by the model, before the host is asked. */
  result = run_plan (f->conn, known, VIREO_CLONE_STEP_NONE, 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_STATE);
  g_assert_false (domain_exists (f->direct, "test-copy"));
}

/* A volume name taken after the plan was made: the check refuses it and
 * leaves the volume that was there alone. */
static void
test_volume_taken (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *xml = define_source (f, "cl-taken");
  g_autoptr(VireoClonePlan) plan = plan_for (f, xml, VIREO_CLONE_SOURCE_SHUT_OFF, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoCloneResult) result = NULL;

  make_volume (f->direct, "cl-taken-clone-1.raw", "raw");
  result = run_plan (f->conn, plan, VIREO_CLONE_STEP_NONE, 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS);
  g_assert_cmpstr (error->message, ==, "vdb: the pool “default-pool” has a volume called “cl-taken-clone-1.raw” already.");
  g_assert_true (volume_exists (f->direct, "cl-taken-clone-1.raw"));
  g_assert_false (volume_exists (f->direct, "cl-taken-clone.qcow2"));
  g_assert_false (domain_exists (f->direct, "cl-taken-clone"));

  delete_volume (f->direct, "cl-taken-clone-1.raw");
  remove_source (f, "cl-taken");
}

/* A machine of the clone's name defined after the plan was made. */
static void
test_name_taken (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *xml = define_source (f, "cl-name");
  g_autoptr(VireoClonePlan) plan = plan_for (f, xml, VIREO_CLONE_SOURCE_SHUT_OFF, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoCloneResult) result = NULL;
  virDomainPtr other;

  other = virDomainDefineXML (f->direct, "<domain type='test'><name>cl-name-clone</name><memory>65536</memory>"
                                         "<os><type>hvm</type></os></domain>");
  g_assert_nonnull (other);
  result = run_plan (f->conn, plan, VIREO_CLONE_STEP_NONE, 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS);
  g_assert_false (volume_exists (f->direct, "cl-name-clone.qcow2"));
  /* The other machine is still the other machine. */
  g_assert_cmpint (virDomainIsPersistent (other), ==, 1);
  g_assert_cmpint (virDomainUndefine (other), ==, 0);
  virDomainFree (other);
  remove_source (f, "cl-name");
}

/* A cancel at each step removes what came before it. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  /* @made: something was made before the cancel, so it is rolled back */
  struct { VireoCloneStep step; guint nth; gboolean made; } at[] = {
    { VIREO_CLONE_STEP_CHECKING, 1, FALSE },
    { VIREO_CLONE_STEP_COPYING, 1, FALSE },
    { VIREO_CLONE_STEP_COPYING, 2, TRUE },
    { VIREO_CLONE_STEP_DEFINING, 1, TRUE },
  };
  g_autofree char *xml = define_source (f, "cl-cancel");

  for (guint i = 0; i < G_N_ELEMENTS (at); i++)
    {
      g_autoptr(VireoClonePlan) plan = plan_for (f, xml, VIREO_CLONE_SOURCE_SHUT_OFF, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) steps = NULL;
      g_autoptr(VireoCloneResult) result = NULL;
      VireoCloneStep last;

      result = run_plan (f->conn, plan, at[i].step, at[i].nth, &steps, &error);
      g_assert_null (result);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      last = g_array_index (steps, VireoCloneStep, steps->len - 1);
      g_assert_cmpint (last, ==, VIREO_CLONE_STEP_FAILED);
      /* Rolled back when something was made */
      g_assert_cmpint (g_array_index (steps, VireoCloneStep, steps->len - 2), ==,
                       at[i].made ? VIREO_CLONE_STEP_ROLLING_BACK : at[i].step);
      g_assert_false (volume_exists (f->direct, "cl-cancel-clone.qcow2"));
      g_assert_false (volume_exists (f->direct, "cl-cancel-clone-1.raw"));
      g_assert_false (domain_exists (f->direct, "cl-cancel-clone"));
    }
  remove_source (f, "cl-cancel");
}

/* Cancelled while the define waits for the worker (here: behind a
 * task that holds it): nothing is defined and the copies go, as for a
 * cancel between steps. */
typedef struct
{
  GMutex           lock;
  GCond            cond;
  gboolean         open;
  VireoConnection *conn;
  GCancellable    *cancellable;
  gboolean         gated;
} Gate;

static void
gate_thread (GTask        *task,
             virConnectPtr conn,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Gate *gate = task_data;

  g_mutex_lock (&gate->lock);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
  g_task_return_boolean (task, TRUE);
}

static gboolean
cancel_then_open (gpointer data)
{
  Gate *gate = data;

  g_cancellable_cancel (gate->cancellable);
  g_mutex_lock (&gate->lock);
  gate->open = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
  return G_SOURCE_REMOVE;
}

static void
on_step_gate (VireoCloneJob *job,
              GParamSpec    *pspec,
              Gate          *gate)
{
  GTask *task;

  if (vireo_clone_job_get_step (job) != VIREO_CLONE_STEP_DEFINING || gate->gated)
    return;
  /* Queued ahead of the define, which the job queues when this returns;
   * the cancel comes once it is queued. */
  gate->gated = TRUE;
  task = g_task_new (gate->conn, NULL, NULL, NULL);
  g_task_set_task_data (task, gate, NULL);
  vireo_connection_run (gate->conn, task, gate_thread);
  g_idle_add (cancel_then_open, gate);
}

static void
test_cancel_queued_define (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *xml = define_source (f, "cl-queued");
  g_autoptr(VireoClonePlan) plan = plan_for (f, xml, VIREO_CLONE_SOURCE_SHUT_OFF, NULL);
  g_autoptr(VireoCloneJob) job = vireo_clone_job_new (f->conn, plan);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };
  Gate gate = { 0 };
  VireoCloneResult *result;

  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  gate.conn = f->conn;
  gate.cancellable = cancellable;
  g_signal_connect (job, "notify::step", G_CALLBACK (on_step_gate), &gate);
  vireo_clone_job_run_async (job, cancellable, vireo_test_async_cb, &a);
  result = vireo_clone_job_run_finish (job, vireo_test_async_wait (&a, 30), &error);
  g_object_unref (a.result);
  g_signal_handlers_disconnect_by_data (job, &gate);
  g_assert_true (gate.gated);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (domain_exists (f->direct, "cl-queued-clone"));
  g_assert_false (volume_exists (f->direct, "cl-queued-clone.qcow2"));
  g_assert_false (volume_exists (f->direct, "cl-queued-clone-1.raw"));
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
  remove_source (f, "cl-queued");
}

/* Cancelled once the clone is defined (before its TPM state): the
 * definition goes too. The test driver keeps no TPM state: the job only
 * knows that from the URI. */
static void
test_cancel_defined (Fixture       *f,
                     gconstpointer  data)
{
  static const VireoCloneStep expected[] = {
    VIREO_CLONE_STEP_CHECKING, VIREO_CLONE_STEP_DEFINING, VIREO_CLONE_STEP_COPYING_TPM,
    VIREO_CLONE_STEP_ROLLING_BACK, VIREO_CLONE_STEP_FAILED,
  };
  virDomainPtr dom = virDomainDefineXML (f->direct,
                                         "<domain type='test'><name>cl-tpm</name><memory>65536</memory>"
                                         "<os><type>hvm</type></os><devices><tpm model='tpm-crb'>"
                                         "<backend type='emulator' version='2.0'/></tpm></devices></domain>");
  g_autofree char *xml = NULL;
  g_autoptr(VireoClonePlan) plan = NULL;
  g_autoptr(VireoClonePlan) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autoptr(VireoCloneResult) result = NULL;

  g_assert_nonnull (dom);
  virDomainFree (dom);
  xml = inactive_xml (f, "cl-tpm");
  plan = plan_for (f, xml, VIREO_CLONE_SOURCE_SHUT_OFF, NULL);
  g_assert_true (plan->has_tpm);
  result = run_plan (f->conn, plan, VIREO_CLONE_STEP_COPYING_TPM, 1, &steps, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_steps (steps, expected, G_N_ELEMENTS (expected));
  g_assert_false (domain_exists (f->direct, "cl-tpm-clone"));
  g_clear_error (&error);

  /* Uncancelled: made, and the result says the TPM starts empty, and why. */
  again = plan_for (f, xml, VIREO_CLONE_SOURCE_SHUT_OFF, NULL);
  result = run_plan (f->conn, again, VIREO_CLONE_STEP_NONE, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->tpm, ==, VIREO_CLONE_STATE_RESET);
  g_assert_cmpstr (result->tpm_note, ==, "This kind of host keeps no UEFI variables or TPM state where Vireo can find them.");
  g_assert_true (domain_exists (f->direct, "cl-tpm-clone"));

  dom = virDomainLookupByName (f->direct, "cl-tpm-clone");
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  dom = virDomainLookupByName (f->direct, "cl-tpm");
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
}

static void
test_labels (void)
{
  for (int step = VIREO_CLONE_STEP_CHECKING; step <= VIREO_CLONE_STEP_FAILED; step++)
    g_assert_cmpstr (vireo_clone_step_get_label (step), !=, "");
  g_assert_cmpstr (vireo_clone_step_get_label (VIREO_CLONE_STEP_NONE), ==, "");
  g_assert_cmpint (vireo_clone_source_state_for (VIREO_DOMAIN_STATE_SHUTOFF), ==, VIREO_CLONE_SOURCE_SHUT_OFF);
  g_assert_cmpint (vireo_clone_source_state_for (VIREO_DOMAIN_STATE_PAUSED), ==, VIREO_CLONE_SOURCE_PAUSED);
  g_assert_cmpint (vireo_clone_source_state_for (VIREO_DOMAIN_STATE_RUNNING), ==, VIREO_CLONE_SOURCE_RUNNING);
  g_assert_cmpint (vireo_clone_source_state_for (VIREO_DOMAIN_STATE_PMSUSPENDED), ==,
                   VIREO_CLONE_SOURCE_RUNNING);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

#define ADD(path, func) \
  g_test_add ("/clone-job/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("clone", test_clone);
  ADD ("running", test_running);
  ADD ("volume-taken", test_volume_taken);
  ADD ("name-taken", test_name_taken);
  ADD ("cancel", test_cancel);
  ADD ("cancel-defined", test_cancel_defined);
  ADD ("cancel-queued-define", test_cancel_queued_define);
#undef ADD
  g_test_add_func ("/clone-job/labels", test_labels);

  ret = g_test_run ();
  g_clear_object (&shared_conn);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
