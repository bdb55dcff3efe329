/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The New VM creation job against libvirt's test driver (test:///default,
 * shared by every connection of the process, so a second, direct
 * connection sees what the job made): steps in order, both definitions in
 * place, and after a failure or a cancel at each step, nothing the job
 * made left behind and nothing it did not make touched.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-create-job.h"
#include "vireo-disk.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define DEFAULT_URI "test:///default"
#define POOL "default-pool"
#define POOL_PATH "/default-pool"
/* The domain test:///default comes with. */
#define TEST_DOMAIN "test"
#define TEST_DOMAIN_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"

#define GIB (G_GUINT64_CONSTANT (1) << 30)

typedef struct
{
  VireoConnection *conn;
  virConnectPtr    direct;
} Fixture;

/* One connection for every test: the test driver's state lives as long
 * as a connection to it does, and opening is not what is tested here. */
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

static VireoDomainCaps *
load_caps (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "domcaps", "qemu-tcg-q35.x86_64.xml", NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  VireoDomainCaps *caps;

  g_file_get_contents (path, &xml, NULL, &error);
  g_assert_no_error (error);
  caps = vireo_domain_caps_new_from_xml (xml, &error);
  g_assert_no_error (error);
  return caps;
}

/* An ISO install named @name into the test driver's pool. The test
 * driver takes <domain type='qemu'> and checks no paths. */
static VireoVmBuilder *
builder_new (const char *name)
{
  VireoVmBuilder *b = vireo_vm_builder_new ();
  g_autoptr(VireoDomainCaps) caps = load_caps ();

  vireo_vm_builder_set_caps (b, caps);
  vireo_vm_builder_set_pool (b, POOL, POOL_PATH, 100 * GIB, NULL);
  vireo_vm_builder_set_media (b, VIREO_MEDIA_FILE, "/isos/install.iso");
  vireo_vm_builder_set_disk_size (b, 2 * GIB);
  vireo_vm_builder_set_name (b, name);
  return b;
}

static VireoCreatePlan *
plan_of (VireoVmBuilder *b)
{
  g_autoptr(GError) error = NULL;
  VireoCreatePlan *plan = vireo_vm_builder_dup_plan (b, NULL, &error);

  g_assert_no_error (error);
  return plan;
}

/* What a run saw, and a step at which to cancel it. */
typedef struct
{
  GArray          *steps;
  GCancellable    *cancellable;
  VireoCreateStep  cancel_at;
  double           last_fraction;
  gboolean         fraction_went_down;
} Watch;

static void
on_step (VireoCreateJob *job,
         GParamSpec     *pspec,
         Watch          *w)
{
  VireoCreateStep step = vireo_create_job_get_step (job);

  g_assert_true (vireo_is_main_thread ());
  g_array_append_val (w->steps, step);
  if (step == w->cancel_at)
    g_cancellable_cancel (w->cancellable);
}

static void
on_fraction (VireoCreateJob *job,
             GParamSpec     *pspec,
             Watch          *w)
{
  double fraction = vireo_create_job_get_fraction (job);

  if (fraction < w->last_fraction)
    w->fraction_went_down = TRUE;
  w->last_fraction = fraction;
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Runs @plan to its end; returns the new UUID or NULL with @error. The
 * job must be gone once the run is. */
static char *
run_plan (VireoConnection        *conn,
          const VireoCreatePlan  *plan,
          VireoCreateStep         cancel_at,
          GArray                **out_steps,
          GError                **error)
{
  g_autoptr(VireoCreateJob) job = vireo_create_job_new (conn, plan);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  VireoTestAsync a = { 0 };
  Watch w = { 0 };
  VireoCreateJob *weak;
  char *uuid;

  w.steps = g_array_new (FALSE, FALSE, sizeof (VireoCreateStep));
  w.cancellable = cancellable;
  w.cancel_at = cancel_at;
  g_signal_connect (job, "notify::step", G_CALLBACK (on_step), &w);
  g_signal_connect (job, "notify::fraction", G_CALLBACK (on_fraction), &w);

  if (cancel_at == VIREO_CREATE_STEP_NONE + 100)
    g_cancellable_cancel (cancellable);
  vireo_create_job_run_async (job, cancellable, vireo_test_async_cb, &a);
  uuid = vireo_create_job_run_finish (job, vireo_test_async_wait (&a, 30), error);
  g_object_unref (a.result);

  g_assert_false (w.fraction_went_down);
  if (uuid != NULL)
    g_assert_cmpfloat (vireo_create_job_get_fraction (job), ==, 1.0);
  g_signal_handlers_disconnect_by_data (job, &w);
  /* The last step's task lets go of the job a main-loop turn after the
   * answer: then it must be gone. */
  weak = job;
  g_object_add_weak_pointer (G_OBJECT (job), (gpointer *) &weak);
  g_clear_object (&job);
  vireo_test_wait_for (pointer_is_null, &weak, 10, "the job to be finalized");

  if (out_steps != NULL)
    *out_steps = w.steps;
  else
    g_array_unref (w.steps);
  return uuid;
}

#define CANCEL_AT_ONCE (VIREO_CREATE_STEP_NONE + 100)

static void
assert_steps (GArray                *steps,
              const VireoCreateStep *expected,
              guint                  n)
{
  g_autoptr(GString) seen = g_string_new (NULL);

  for (guint i = 0; i < steps->len; i++)
    g_string_append_printf (seen, " %d", g_array_index (steps, VireoCreateStep, i));
  if (steps->len != n)
    g_error ("steps:%s", seen->str);
  for (guint i = 0; i < n; i++)
    if (g_array_index (steps, VireoCreateStep, i) != expected[i])
      g_error ("steps:%s", seen->str);
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

static virDomainPtr
lookup_domain (virConnectPtr  direct,
               const char    *name)
{
  return virDomainLookupByName (direct, name);
}

static void
assert_no_trace (Fixture    *f,
                 const char *name,
                 const char *volume)
{
  virDomainPtr dom = lookup_domain (f->direct, name);

  if (dom != NULL)
    {
      virDomainFree (dom);
      g_error ("the domain “%s” is still there", name);
    }
  g_assert_false (volume_exists (f->direct, volume));
}

static void
assert_test_domain_untouched (Fixture *f)
{
  virDomainPtr dom = lookup_domain (f->direct, TEST_DOMAIN);
  char uuid[VIR_UUID_STRING_BUFLEN];

  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainGetUUIDString (dom, uuid), ==, 0);
  g_assert_cmpstr (uuid, ==, TEST_DOMAIN_UUID);
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  virDomainFree (dom);
}

static gboolean
has_iso_domain (gpointer data)
{
  return vireo_test_find_domain (data, "cj-iso") != NULL;
}

/* ------------------------------------------------------------------------ */

static void
test_iso (Fixture       *f,
          gconstpointer  data)
{
  static const VireoCreateStep expected[] = {
    VIREO_CREATE_STEP_CREATING_VOLUMES, VIREO_CREATE_STEP_DEFINING, VIREO_CREATE_STEP_STARTING,
    VIREO_CREATE_STEP_DONE,
  };
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-iso");
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree char *uuid = run_plan (f->conn, plan, VIREO_CREATE_STEP_NONE, &steps, &error);
  virDomainPtr dom;
  char *live, *inactive;

  g_assert_no_error (error);
  g_assert_cmpstr (uuid, ==, plan->uuid);
  assert_steps (steps, expected, G_N_ELEMENTS (expected));

  g_assert_true (volume_exists (f->direct, "cj-iso.qcow2"));
  dom = lookup_domain (f->direct, "cj-iso");
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  g_assert_cmpint (virDomainIsPersistent (dom), ==, 1);
  /* Running the install definition over the defined one. */
  live = virDomainGetXMLDesc (dom, 0);
  inactive = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (strstr (live, "<on_reboot>destroy</on_reboot>"));
  g_assert_nonnull (strstr (live, "/isos/install.iso"));
  g_assert_null (strstr (inactive, "<on_reboot>destroy</on_reboot>"));
  g_assert_null (strstr (inactive, "/isos/install.iso"));
  g_assert_nonnull (strstr (inactive, "device='cdrom'"));
  g_assert_nonnull (strstr (inactive, POOL_PATH "/cj-iso.qcow2"));
  free (live);
  free (inactive);

  /* The connection shows it, from libvirt's events. */
  vireo_test_wait_for (has_iso_domain, f->conn, 10, "the new machine in the list");

  virDomainDestroy (dom);
  virDomainUndefine (dom);
  virDomainFree (dom);
}

static void
test_manual (Fixture       *f,
             gconstpointer  data)
{
  static const VireoCreateStep expected[] = {
    VIREO_CREATE_STEP_CREATING_VOLUMES, VIREO_CREATE_STEP_DEFINING, VIREO_CREATE_STEP_DONE,
  };
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-manual");
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree char *uuid = NULL;
  virDomainPtr dom;

  vireo_vm_builder_set_method (b, VIREO_INSTALL_MANUAL);
  plan = plan_of (b);
  uuid = run_plan (f->conn, plan, VIREO_CREATE_STEP_NONE, &steps, &error);
  g_assert_no_error (error);
  assert_steps (steps, expected, G_N_ELEMENTS (expected));
  dom = lookup_domain (f->direct, "cj-manual");
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainIsActive (dom), ==, 0);
  virDomainUndefine (dom);
  virDomainFree (dom);
}

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  static const VireoCreateStep expected[] = {
    VIREO_CREATE_STEP_DEFINING, VIREO_CREATE_STEP_STARTING, VIREO_CREATE_STEP_DONE,
  };
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-import");
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree char *uuid = NULL;
  virDomainPtr dom;
  char *live;

  vireo_vm_builder_set_import_disk (b, "/images/appliance.qcow2", "qcow2");
  plan = plan_of (b);
  g_assert_null (plan->install_xml);
  uuid = run_plan (f->conn, plan, VIREO_CREATE_STEP_NONE, &steps, &error);
  g_assert_no_error (error);
  assert_steps (steps, expected, G_N_ELEMENTS (expected));
  dom = lookup_domain (f->direct, "cj-import");
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  live = virDomainGetXMLDesc (dom, 0);
  g_assert_nonnull (strstr (live, "/images/appliance.qcow2"));
  g_assert_null (strstr (live, "<on_reboot>destroy"));
  free (live);
  virDomainDestroy (dom);
  virDomainUndefine (dom);
  virDomainFree (dom);
}

/* A name another machine has: define fails, the new disk goes, the other
 * machine stays as it was. */
static void
test_name_clash (Fixture       *f,
                 gconstpointer  data)
{
  static const VireoCreateStep expected[] = {
    VIREO_CREATE_STEP_CREATING_VOLUMES, VIREO_CREATE_STEP_DEFINING, VIREO_CREATE_STEP_ROLLING_BACK,
    VIREO_CREATE_STEP_FAILED,
  };
  g_autoptr(VireoVmBuilder) b = builder_new (TEST_DOMAIN);
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree char *uuid = run_plan (f->conn, plan, VIREO_CREATE_STEP_NONE, &steps, &error);

  g_assert_null (uuid);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Could not define the machine"));
  assert_steps (steps, expected, G_N_ELEMENTS (expected));
  g_assert_false (volume_exists (f->direct, TEST_DOMAIN ".qcow2"));
  assert_test_domain_untouched (f);
}

/* The UUID of another machine: refused before define, which would have
 * replaced that machine's definition. */
static void
test_uuid_exists (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-uuid");
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  vireo_vm_builder_set_identity (b, TEST_DOMAIN_UUID, NULL);
  plan = plan_of (b);
  uuid = run_plan (f->conn, plan, VIREO_CREATE_STEP_NONE, NULL, &error);
  g_assert_null (uuid);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_assert_nonnull (strstr (error->message, TEST_DOMAIN_UUID));
  assert_no_trace (f, "cj-uuid", "cj-uuid.qcow2");
  assert_test_domain_untouched (f);
}

/* The start fails: the definition goes too (the test driver refuses the
 * NVRAM flag: the job asks again with fewer flags). */
static void
test_start_failure (Fixture       *f,
                    gconstpointer  data)
{
  static const VireoCreateStep expected[] = {
    VIREO_CREATE_STEP_CREATING_VOLUMES, VIREO_CREATE_STEP_DEFINING, VIREO_CREATE_STEP_STARTING,
    VIREO_CREATE_STEP_ROLLING_BACK, VIREO_CREATE_STEP_FAILED,
  };
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-start");
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(GString) install = g_string_new (plan->install_xml);

  /* Another UUID under the same name: libvirt refuses to start it. */
  g_assert_cmpuint (g_string_replace (install, plan->uuid, "11111111-2222-4333-8444-555555555555", 0), ==, 1);
  g_free (plan->install_xml);
  plan->install_xml = g_strdup (install->str);

  uuid = run_plan (f->conn, plan, VIREO_CREATE_STEP_NONE, &steps, &error);
  g_assert_null (uuid);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Could not start the installation"));
  assert_steps (steps, expected, G_N_ELEMENTS (expected));
  assert_no_trace (f, "cj-start", "cj-start.qcow2");
}

/* The second volume's name is taken: the first goes, the one that was
 * there stays. */
static void
test_volume_failure (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-vol");
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  VireoVolumePlan *second;
  virStoragePoolPtr pool = virStoragePoolLookupByName (f->direct, POOL);
  virStorageVolPtr keep;

  keep = virStorageVolCreateXML (pool,
                                 "<volume><name>cj-keep.img</name><capacity>1048576</capacity></volume>", 0);
  g_assert_nonnull (keep);
  second = vireo_volume_plan_copy (plan->volumes->pdata[0]);
  g_free (second->name);
  second->name = g_strdup ("cj-keep.img");
  g_clear_pointer (&second->path, g_free);
  g_ptr_array_add (plan->volumes, second);

  uuid = run_plan (f->conn, plan, VIREO_CREATE_STEP_NONE, NULL, &error);
  g_assert_null (uuid);
  g_assert_true (g_str_has_prefix (error->message, "Could not create the volume “cj-keep.img”"));
  assert_no_trace (f, "cj-vol", "cj-vol.qcow2");
  g_assert_true (volume_exists (f->direct, "cj-keep.img"));

  virStorageVolDelete (keep, 0);
  virStorageVolFree (keep);
  virStoragePoolFree (pool);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  VireoCreateStep at = GPOINTER_TO_INT (data);
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-cancel");
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree char *uuid = run_plan (f->conn, plan, at, &steps, &error);

  g_assert_null (uuid);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_no_trace (f, "cj-cancel", "cj-cancel.qcow2");
  g_assert_cmpint (g_array_index (steps, VireoCreateStep, steps->len - 1), ==, VIREO_CREATE_STEP_FAILED);
  if (at == CANCEL_AT_ONCE)
    g_assert_cmpuint (steps->len, ==, 1);
  else
    g_assert_cmpint (g_array_index (steps, VireoCreateStep, steps->len - 2), ==,
                     at == VIREO_CREATE_STEP_CREATING_VOLUMES ? at : VIREO_CREATE_STEP_ROLLING_BACK);
}

/* A cancel while the machine starts comes too late: it is made. */
static void
test_cancel_late (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-late");
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoCreateJob) job = vireo_create_job_new (f->conn, plan);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  VireoTestAsync a = { 0 };
  g_autofree char *uuid = NULL;
  virDomainPtr dom;

  vireo_create_job_run_async (job, cancellable, vireo_test_async_cb, &a);
  while (vireo_create_job_get_step (job) != VIREO_CREATE_STEP_STARTING && a.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* Queued already: the worker starts it whatever happens now. */
  g_cancellable_cancel (cancellable);
  uuid = vireo_create_job_run_finish (job, vireo_test_async_wait (&a, 30), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  g_assert_cmpstr (uuid, ==, plan->uuid);
  dom = lookup_domain (f->direct, "cj-late");
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  virDomainDestroy (dom);
  virDomainUndefine (dom);
  virDomainFree (dom);
}

/* A tree that cannot be read fails before anything is made. */
static void
test_download_failure (Fixture       *f,
                       gconstpointer  data)
{
  static const VireoCreateStep expected[] = { VIREO_CREATE_STEP_DOWNLOADING, VIREO_CREATE_STEP_FAILED };
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-tree");
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *tree = g_dir_make_tmp ("vireo-tree-XXXXXX", NULL);
  g_autofree char *url = g_filename_to_uri (tree, NULL, NULL);

  vireo_vm_builder_set_method (b, VIREO_INSTALL_NETWORK);
  vireo_vm_builder_set_location (b, url, NULL);
  plan = plan_of (b);
  g_assert_cmpuint (plan->volumes->len, ==, 3);
  uuid = run_plan (f->conn, plan, VIREO_CREATE_STEP_NONE, &steps, &error);
  g_assert_null (uuid);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "images/pxeboot/vmlinuz"));
  assert_steps (steps, expected, G_N_ELEMENTS (expected));
  assert_no_trace (f, "cj-tree", "cj-tree.qcow2");
  g_rmdir (tree);
}

static void
test_not_connected (void)
{
  g_autoptr(VireoConnection) conn = vireo_connection_new (DEFAULT_URI);
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-offline");
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = run_plan (conn, plan, VIREO_CREATE_STEP_NONE, NULL, &error);

  g_assert_null (uuid);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED);
}

static void
test_start_network (Fixture       *f,
                    gconstpointer  data)
{
  virNetworkPtr net = virNetworkDefineXML (f->direct,
                                           "<network><name>cj-net</name>"
                                           "<bridge name='cjbr0'/></network>");
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (net);
  g_assert_cmpint (virNetworkIsActive (net), ==, 0);
  vireo_connection_start_network_async (f->conn, "cj-net", NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_connection_start_network_finish (f->conn, vireo_test_async_wait (&a, 30), &error));
  g_assert_no_error (error);
  g_clear_object (&a.result);
  g_assert_cmpint (virNetworkIsActive (net), ==, 1);

  /* Started already: nothing to do, no error. */
  vireo_connection_start_network_async (f->conn, "cj-net", NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_connection_start_network_finish (f->conn, vireo_test_async_wait (&a, 30), &error));
  g_clear_object (&a.result);

  vireo_connection_start_network_async (f->conn, "cj-none", NULL, vireo_test_async_cb, &a);
  g_assert_false (vireo_connection_start_network_finish (f->conn, vireo_test_async_wait (&a, 30), &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "cj-none"));
  g_clear_object (&a.result);

  virNetworkDestroy (net);
  virNetworkUndefine (net);
  virNetworkFree (net);
}

/* ------------------------------------------------------------------------ */
/* Customize configuration before install                                   */

/* Runs a customize plan of @b: the job comes back customizing. */
static VireoCreateJob *
run_customize (Fixture        *f,
               VireoVmBuilder *b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoCreatePlan) plan = vireo_vm_builder_dup_customize_plan (b, &error);
  VireoCreateJob *job;
  VireoTestAsync a = { 0 };
  g_autofree char *uuid = NULL;

  g_assert_no_error (error);
  job = vireo_create_job_new (f->conn, plan);
  vireo_create_job_run_async (job, NULL, vireo_test_async_cb, &a);
  uuid = vireo_create_job_run_finish (job, vireo_test_async_wait (&a, 30), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_cmpstr (uuid, ==, plan->uuid);
  g_assert_cmpint (vireo_create_job_get_step (job), ==, VIREO_CREATE_STEP_CUSTOMIZING);
  g_assert_cmpfloat (vireo_create_job_get_fraction (job), ==, 1.0);
  return job;
}

/* The definition as the user left it in the machine's window. */
static VireoDomainConfig *
read_definition (Fixture    *f,
                 const char *name)
{
  virDomainPtr dom = lookup_domain (f->direct, name);
  g_autoptr(GError) error = NULL;
  VireoDomainConfig *config;
  char *xml;

  g_assert_nonnull (dom);
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  free (xml);
  virDomainFree (dom);
  return config;
}

static void
define_config (Fixture           *f,
               VireoDomainConfig *config)
{
  g_autofree char *xml = vireo_domain_config_to_xml (config);
  virDomainPtr dom = virDomainDefineXML (f->direct, xml);

  g_assert_nonnull (dom);
  virDomainFree (dom);
}

static gboolean
begin_install (VireoCreateJob     *job,
               VireoVmBuilder     *b,
               VireoDomainConfig  *config,
               GError            **error)
{
  g_autoptr(VireoCreatePlan) plan = vireo_vm_builder_dup_plan (b, config, error);
  VireoTestAsync a = { 0 };
  gboolean ok;

  g_assert_nonnull (plan);
  vireo_create_job_begin_install_async (job, plan, NULL, vireo_test_async_cb, &a);
  ok = vireo_create_job_begin_install_finish (job, vireo_test_async_wait (&a, 30), error);
  g_clear_object (&a.result);
  return ok;
}

/* Defined with the media in, not started; Begin starts the install over
 * the user's changes and leaves the media ejected for the next boot. A
 * Begin that fails (the user started it meanwhile) undoes nothing and can
 * be tried again. */
static void
test_customize_begin (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-custom");
  g_autoptr(VireoCreateJob) job = run_customize (f, b);
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) made = vireo_create_job_dup_made_volumes (job);
  virDomainPtr dom = lookup_domain (f->direct, "cj-custom");
  char *live, *inactive;

  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainIsActive (dom), ==, 0);
  g_assert_true (volume_exists (f->direct, "cj-custom.qcow2"));
  g_assert_cmpuint (g_strv_length (made), ==, 1);
  g_assert_cmpstr (made[0], ==, "cj-custom.qcow2");
  inactive = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (strstr (inactive, "/isos/install.iso"));
  free (inactive);

  config = read_definition (f, "cj-custom");
  vireo_domain_config_set_title (config, "Customized");
  define_config (f, config);

  /* Started by the user from the list: Begin says so and changes nothing. */
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  g_assert_false (begin_install (job, b, config, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_assert_nonnull (strstr (error->message, "running"));
  g_clear_error (&error);
  g_assert_cmpint (vireo_create_job_get_step (job), ==, VIREO_CREATE_STEP_CUSTOMIZING);
  g_assert_true (volume_exists (f->direct, "cj-custom.qcow2"));
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);

  g_assert_true (begin_install (job, b, config, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vireo_create_job_get_step (job), ==, VIREO_CREATE_STEP_DONE);
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  live = virDomainGetXMLDesc (dom, 0);
  inactive = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (strstr (live, "<title>Customized</title>"));
  g_assert_nonnull (strstr (live, "<on_reboot>destroy</on_reboot>"));
  g_assert_nonnull (strstr (live, "/isos/install.iso"));
  g_assert_nonnull (strstr (inactive, "<title>Customized</title>"));
  g_assert_null (strstr (inactive, "/isos/install.iso"));
  g_assert_null (strstr (inactive, "<on_reboot>destroy</on_reboot>"));
  g_assert_true (volume_exists (f->direct, "cj-custom.qcow2"));
  free (live);
  free (inactive);

  virDomainDestroy (dom);
  virDomainUndefine (dom);
  virDomainFree (dom);
}

/* The new disk taken out while customizing: Begin removes its volume. */
static void
test_customize_drop_disk (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-nodisk");
  g_autoptr(VireoCreateJob) job = run_customize (f, b);
  g_autoptr(VireoDomainConfig) config = read_definition (f, "cj-nodisk");
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autoptr(VireoDevice) disk = NULL;
  g_autoptr(GError) error = NULL;
  virDomainPtr dom;

  g_assert_true (volume_exists (f->direct, "cj-nodisk.qcow2"));
  for (guint i = 0; i < g_list_model_get_n_items (devices) && disk == NULL; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *kind = VIREO_IS_DISK (device) ? vireo_disk_dup_device (VIREO_DISK (device)) : NULL;

      if (g_strcmp0 (kind, "disk") == 0)
        disk = g_steal_pointer (&device);
    }
  g_assert_nonnull (disk);
  vireo_domain_config_remove_device (config, disk);
  define_config (f, config);
  g_assert_true (begin_install (job, b, config, &error));
  g_assert_no_error (error);
  g_assert_false (volume_exists (f->direct, "cj-nodisk.qcow2"));

  dom = lookup_domain (f->direct, "cj-nodisk");
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  virDomainDestroy (dom);
  virDomainUndefine (dom);
  virDomainFree (dom);
}

/* Cancel Installation: the machine and its new disk go, nothing else. */
static void
test_customize_abandon (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-abandon");
  g_autoptr(VireoCreateJob) job = run_customize (f, b);
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };
  virDomainPtr dom = lookup_domain (f->direct, "cj-abandon");

  /* Even started by the user meanwhile. */
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  virDomainFree (dom);
  vireo_create_job_abandon_async (job, vireo_test_async_cb, &a);
  g_assert_true (vireo_create_job_abandon_finish (job, vireo_test_async_wait (&a, 30), &error));
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_cmpint (vireo_create_job_get_step (job), ==, VIREO_CREATE_STEP_ABANDONED);
  assert_no_trace (f, "cj-abandon", "cj-abandon.qcow2");
  assert_test_domain_untouched (f);
}

/* Deleted from the list while customizing: Begin must not make a
 * transient machine of the same name out of the install definition. */
static void
test_customize_deleted (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("cj-deleted");
  g_autoptr(VireoCreateJob) job = run_customize (f, b);
  g_autoptr(VireoDomainConfig) config = read_definition (f, "cj-deleted");
  g_autoptr(GError) error = NULL;
  virDomainPtr dom = lookup_domain (f->direct, "cj-deleted");

  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  g_assert_false (begin_install (job, b, config, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN);
  g_clear_error (&error);
  g_assert_null (lookup_domain (f->direct, "cj-deleted"));
  g_assert_cmpint (vireo_create_job_get_step (job), ==, VIREO_CREATE_STEP_CUSTOMIZING);

  /* Cancel still cleans the disk up. */
  {
    VireoTestAsync a = { 0 };

    vireo_create_job_abandon_async (job, vireo_test_async_cb, &a);
    g_assert_true (vireo_create_job_abandon_finish (job, vireo_test_async_wait (&a, 30), &error));
    g_clear_object (&a.result);
    g_assert_no_error (error);
  }
  assert_no_trace (f, "cj-deleted", "cj-deleted.qcow2");
}

static void
test_labels (void)
{
  for (VireoCreateStep s = VIREO_CREATE_STEP_DOWNLOADING; s <= VIREO_CREATE_STEP_ABANDONED; s++)
    g_assert_cmpstr (vireo_create_step_get_label (s), !=, "");
  g_assert_cmpstr (vireo_create_step_get_label (VIREO_CREATE_STEP_NONE), ==, "");
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

#define ADD(path, func, data) \
  g_test_add ("/create-job/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("iso", test_iso, NULL);
  ADD ("manual", test_manual, NULL);
  ADD ("import", test_import, NULL);
  ADD ("name-clash", test_name_clash, NULL);
  ADD ("uuid-exists", test_uuid_exists, NULL);
  ADD ("start-failure", test_start_failure, NULL);
  ADD ("volume-failure", test_volume_failure, NULL);
  ADD ("cancel/at-once", test_cancel, GINT_TO_POINTER (CANCEL_AT_ONCE));
  ADD ("cancel/before-volumes", test_cancel, GINT_TO_POINTER (VIREO_CREATE_STEP_CREATING_VOLUMES));
  ADD ("cancel/before-define", test_cancel, GINT_TO_POINTER (VIREO_CREATE_STEP_DEFINING));
  ADD ("cancel/before-start", test_cancel, GINT_TO_POINTER (VIREO_CREATE_STEP_STARTING));
  ADD ("cancel/late", test_cancel_late, NULL);
  ADD ("download-failure", test_download_failure, NULL);
  ADD ("start-network", test_start_network, NULL);
  ADD ("customize/begin", test_customize_begin, NULL);
  ADD ("customize/drop-disk", test_customize_drop_disk, NULL);
  ADD ("customize/abandon", test_customize_abandon, NULL);
  ADD ("customize/deleted", test_customize_deleted, NULL);
#undef ADD
  g_test_add_func ("/create-job/not-connected", test_not_connected);
  g_test_add_func ("/create-job/labels", test_labels);

  ret = g_test_run ();
  g_clear_object (&shared_conn);
  /* Connections close on their workers: let them, so nothing leaks. */
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
