/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The New VM wizard's model and creation job against the private libvirtd
 * of vireo-testenv.sh: real TCG guests made from an ISO built here with
 * xorriso, from an imported disk, from an install tree (a multiboot
 * kernel fetched through file:// and uploaded into the pool), and UEFI +
 * Secure Boot + TPM as Windows 11 gets them; then forced failures (a name
 * that exists, an emulator that does not, media that is missing) and a
 * cancel, after which nothing the job made may be left: no domain, no
 * volume in libvirt's list, no file in the pool's directory, no NVRAM.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-boot.h"
#include "vireo-create-job.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define POOL "vireo-cr-pool"
#define MIB (G_GUINT64_CONSTANT (1) << 20)

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

static void
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
}

/* Shared by the tests, made once. */
static struct
{
  virConnectPtr    direct;
  VireoConnection *conn;
  VireoDomainCaps *caps;
  VireoOsDb       *db;
  char            *pool_dir;
  char            *iso;
} env;

static char *
pool_file (const char *name)
{
  return g_build_filename (env.pool_dir, name, NULL);
}

static guint64
pool_available (void)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (env.direct, POOL);
  virStoragePoolInfo info;

  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolRefresh (pool, 0), ==, 0);
  g_assert_cmpint (virStoragePoolGetInfo (pool, &info), ==, 0);
  virStoragePoolFree (pool);
  return info.available;
}

static gboolean
volume_listed (const char *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (env.direct, POOL);
  virStorageVolPtr vol;

  g_assert_cmpint (virStoragePoolRefresh (pool, 0), ==, 0);
  vol = virStorageVolLookupByName (pool, name);
  virStoragePoolFree (pool);
  if (vol == NULL)
    return FALSE;
  virStorageVolFree (vol);
  return TRUE;
}

static void
set_up_env (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *tree = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "create-iso-root", NULL);
  g_autofree char *readme = g_build_filename (tree, "README", NULL);
  g_autofree char *pool_xml = NULL;
  g_autofree char *caps_xml = NULL;
  g_autoptr(GError) error = NULL;
  virStoragePoolPtr pool;

  env.direct = virConnectOpen (uri);
  g_assert_nonnull (env.direct);
  env.conn = vireo_test_open_connection (uri, 0);

  env.pool_dir = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "create-pool", NULL);
  g_assert_cmpint (g_mkdir_with_parents (env.pool_dir, 0755), ==, 0);
  pool_xml = g_strdup_printf ("<pool type='dir'><name>" POOL "</name><target><path>%s</path></target></pool>",
                              env.pool_dir);
  pool = virStoragePoolDefineXML (env.direct, pool_xml, 0);
  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);
  virStoragePoolFree (pool);

  /* Install media: a real ISO 9660 image (not bootable: SeaBIOS moves on
   * to the next device, which keeps the guest running). */
  g_assert_cmpint (g_mkdir_with_parents (tree, 0755), ==, 0);
  g_assert_true (g_file_set_contents (readme, "Vireo's test install media\n", -1, NULL));
  env.iso = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "vireo-install.iso", NULL);
  run_tool ((const char *[]) { "xorriso", "-as", "mkisofs", "-quiet", "-V", "VIREO_TEST", "-o", env.iso, tree, NULL });

  /* TCG on Q35, as the wizard asks for it through the helper. */
  {
    VireoTestAsync a = { 0 };

    vireo_connection_read_domain_caps_async (env.conn, NULL, "x86_64", "q35", "qemu", NULL,
                                             vireo_test_async_cb, &a);
    caps_xml = vireo_connection_read_domain_caps_finish (env.conn, vireo_test_async_wait (&a, 60), &error);
    g_object_unref (a.result);
  }
  g_assert_no_error (error);
  env.caps = vireo_domain_caps_new_from_xml (caps_xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vireo_domain_caps_get_domain_type (env.caps), ==, "qemu");

  {
    VireoTestAsync a = { 0 };

    vireo_os_db_load_async (NULL, vireo_test_async_cb, &a);
    env.db = vireo_os_db_load_finish (vireo_test_async_wait (&a, 60), &error);
    g_object_unref (a.result);
  }
  g_assert_no_error (error);
}

static VireoVmBuilder *
builder_new (const char *name)
{
  VireoVmBuilder *b = vireo_vm_builder_new ();

  vireo_vm_builder_set_caps (b, env.caps);
  vireo_vm_builder_set_pool (b, POOL, env.pool_dir, pool_available (), NULL);
  vireo_vm_builder_set_media (b, VIREO_MEDIA_FILE, env.iso);
  vireo_vm_builder_set_memory_mib (b, 128);
  vireo_vm_builder_set_vcpus (b, 1);
  vireo_vm_builder_set_disk_size (b, 64 * MIB);
  /* The environment has no "default" network; guests need none here. */
  vireo_vm_builder_set_network (b, VIREO_NETWORK_NONE, NULL, NULL);
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

typedef struct
{
  GArray          *steps;
  GCancellable    *cancellable;
  VireoCreateStep  cancel_at;
} Watch;

static void
on_step (VireoCreateJob *job,
         GParamSpec     *pspec,
         Watch          *w)
{
  VireoCreateStep step = vireo_create_job_get_step (job);

  g_array_append_val (w->steps, step);
  if (step == w->cancel_at)
    g_cancellable_cancel (w->cancellable);
}

static char *
run_plan (const VireoCreatePlan  *plan,
          VireoCreateStep         cancel_at,
          GArray                **out_steps,
          GError                **error)
{
  g_autoptr(VireoCreateJob) job = vireo_create_job_new (env.conn, plan);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  VireoTestAsync a = { 0 };
  Watch w = { g_array_new (FALSE, FALSE, sizeof (VireoCreateStep)), cancellable, cancel_at };
  char *uuid;

  g_signal_connect (job, "notify::step", G_CALLBACK (on_step), &w);
  vireo_create_job_run_async (job, cancellable, vireo_test_async_cb, &a);
  uuid = vireo_create_job_run_finish (job, vireo_test_async_wait (&a, 120), error);
  g_object_unref (a.result);
  g_signal_handlers_disconnect_by_data (job, &w);
  if (out_steps != NULL)
    *out_steps = w.steps;
  else
    g_array_unref (w.steps);
  return uuid;
}

static gboolean
has_step (GArray          *steps,
          VireoCreateStep  step)
{
  for (guint i = 0; i < steps->len; i++)
    if (g_array_index (steps, VireoCreateStep, i) == step)
      return TRUE;
  return FALSE;
}

static char *
nvram_path (const char *name)
{
  g_autofree char *file = g_strconcat (name, "_VARS.fd", NULL);

  return g_build_filename (require_env ("VIREO_TEST_STATE"), "lib", "libvirt", "qemu", "nvram", file, NULL);
}

static void
remove_domain (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (env.direct, name);

  g_assert_nonnull (dom);
  if (virDomainIsActive (dom) == 1)
    g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_TPM), ==, 0);
  virDomainFree (dom);
}

static void
remove_volume (const char *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (env.direct, POOL);
  virStorageVolPtr vol = virStorageVolLookupByName (pool, name);

  g_assert_nonnull (vol);
  g_assert_cmpint (virStorageVolDelete (vol, 0), ==, 0);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
}

/* Nothing of @name is left: domain, volume (listed or as a file), NVRAM. */
static void
assert_no_trace (const char *name,
                 const char *volume)
{
  virDomainPtr dom = virDomainLookupByName (env.direct, name);
  g_autofree char *file = pool_file (volume);
  g_autofree char *nvram = nvram_path (name);

  if (dom != NULL)
    g_error ("the domain “%s” is still defined", name);
  g_assert_false (volume_listed (volume));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (nvram, G_FILE_TEST_EXISTS));
}

/* ------------------------------------------------------------------------ */

static void
test_iso (void)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("vireo-cr-iso");
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree char *uuid = run_plan (plan, VIREO_CREATE_STEP_NONE, &steps, &error);
  g_autofree char *disk = pool_file ("vireo-cr-iso.qcow2");
  virDomainPtr dom;
  char *live, *inactive;

  g_assert_no_error (error);
  g_assert_cmpstr (uuid, ==, plan->uuid);
  g_assert_true (has_step (steps, VIREO_CREATE_STEP_STARTING));
  g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
  g_assert_true (volume_listed ("vireo-cr-iso.qcow2"));

  dom = virDomainLookupByName (env.direct, "vireo-cr-iso");
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  live = virDomainGetXMLDesc (dom, 0);
  inactive = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  /* QEMU runs the install definition: the ISO in, booted first, and a
   * reboot that ends the run. */
  g_assert_nonnull (strstr (live, "<on_reboot>destroy</on_reboot>"));
  g_assert_nonnull (strstr (live, env.iso));
  g_assert_nonnull (strstr (live, "<boot order='1'/>"));
  /* The definition kept for later boots the disk, the drive empty. */
  g_assert_null (strstr (inactive, "<on_reboot>destroy</on_reboot>"));
  g_assert_null (strstr (inactive, env.iso));
  g_assert_nonnull (strstr (inactive, disk));
  free (live);
  free (inactive);

  /* The install's end (the guest's reboot, which the install definition
   * turns into a stop), then the next start: the final definition. */
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  live = virDomainGetXMLDesc (dom, 0);
  g_assert_null (strstr (live, "<on_reboot>destroy</on_reboot>"));
  g_assert_null (strstr (live, env.iso));
  free (live);
  virDomainFree (dom);

  remove_domain ("vireo-cr-iso");
  remove_volume ("vireo-cr-iso.qcow2");
}

static void
test_import (void)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("vireo-cr-import");
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image = pool_file ("appliance.qcow2");
  g_autofree char *uuid = NULL;
  virDomainPtr dom;
  char *live;

  /* The ISO, converted: a disk with something on it. */
  run_tool ((const char *[]) { "qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", env.iso, image, NULL });
  vireo_vm_builder_set_import_disk (b, image, "qcow2");
  plan = plan_of (b);
  g_assert_cmpuint (plan->volumes->len, ==, 0);
  uuid = run_plan (plan, VIREO_CREATE_STEP_NONE, NULL, &error);
  g_assert_no_error (error);

  dom = virDomainLookupByName (env.direct, "vireo-cr-import");
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  live = virDomainGetXMLDesc (dom, 0);
  g_assert_nonnull (strstr (live, image));
  g_assert_null (strstr (live, "<on_reboot>destroy"));
  free (live);
  virDomainFree (dom);
  remove_domain ("vireo-cr-import");
  /* Imported, so not the job's to remove, nor the test's to keep. */
  g_assert_true (g_file_test (image, G_FILE_TEST_IS_REGULAR));
  g_unlink (image);
}

/* A minimal multiboot kernel (QEMU loads it with -kernel, as it does a
 * Linux bzImage): the header, then cli; hlt; jmp $-1. */
static void
write_multiboot_kernel (const char *path)
{
  guint32 header[8];
  guint8 image[64] = { 0 };
  const guint32 load = 0x100000;

  header[0] = GUINT32_TO_LE (0x1BADB002);
  header[1] = GUINT32_TO_LE (0x00010000);   /* the address fields below are valid */
  header[2] = GUINT32_TO_LE ((guint32) -(0x1BADB002u + 0x00010000u));
  header[3] = GUINT32_TO_LE (load);         /* header_addr */
  header[4] = GUINT32_TO_LE (load);         /* load_addr */
  header[5] = 0;                            /* load_end_addr: the whole file */
  header[6] = 0;                            /* bss_end_addr */
  header[7] = GUINT32_TO_LE (load + sizeof header);
  memcpy (image, header, sizeof header);
  image[32] = 0xfa;
  image[33] = 0xf4;
  image[34] = 0xeb;
  image[35] = 0xfd;
  g_assert_true (g_file_set_contents (path, (const char *) image, sizeof image, NULL));
}

static void
test_network_install (void)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("vireo-cr-tree");
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree char *tree = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "create-tree", NULL);
  g_autofree char *images = g_build_filename (tree, "images", "pxeboot", NULL);
  g_autofree char *kernel = g_build_filename (images, "vmlinuz", NULL);
  g_autofree char *initrd = g_build_filename (images, "initrd.img", NULL);
  g_autofree char *url = g_filename_to_uri (tree, NULL, NULL);
  g_autofree char *uuid = NULL;
  g_autofree char *kernel_file = NULL;
  virDomainPtr dom;
  char *live;

  g_assert_cmpint (g_mkdir_with_parents (images, 0755), ==, 0);
  write_multiboot_kernel (kernel);
  g_assert_true (g_file_set_contents (initrd, "not really an initrd\n", -1, NULL));

  vireo_vm_builder_set_os (b, vireo_os_db_find_short_id (env.db, "fedora37"));
  vireo_vm_builder_set_memory_mib (b, 128);
  vireo_vm_builder_set_method (b, VIREO_INSTALL_NETWORK);
  vireo_vm_builder_set_location (b, url, "console=ttyS0");
  plan = plan_of (b);
  g_assert_cmpuint (plan->volumes->len, ==, 3);
  kernel_file = g_strdup (((VireoVolumePlan *) plan->volumes->pdata[1])->path);

  uuid = run_plan (plan, VIREO_CREATE_STEP_NONE, &steps, &error);
  g_assert_no_error (error);
  g_assert_true (has_step (steps, VIREO_CREATE_STEP_DOWNLOADING));
  g_assert_true (has_step (steps, VIREO_CREATE_STEP_CLEANING_UP));

  dom = virDomainLookupByName (env.direct, "vireo-cr-tree");
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  live = virDomainGetXMLDesc (dom, 0);
  g_assert_nonnull (strstr (live, kernel_file));
  g_assert_nonnull (strstr (live, "inst.repo="));
  free (live);
  /* QEMU read them at start: the boot files are gone, the disk stays. */
  g_assert_false (volume_listed ("vireo-cr-tree-install-kernel"));
  g_assert_false (volume_listed ("vireo-cr-tree-install-initrd"));
  g_assert_false (g_file_test (kernel_file, G_FILE_TEST_EXISTS));
  g_assert_true (volume_listed ("vireo-cr-tree.qcow2"));
  virDomainFree (dom);

  remove_domain ("vireo-cr-tree");
  remove_volume ("vireo-cr-tree.qcow2");
}

/* What Windows 11 gets, on TCG: UEFI with Secure Boot (SMM on Q35) and
 * a TPM 2.0 from swtpm. */
static void
test_uefi_tpm (void)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("vireo-cr-win11");
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *nvram = nvram_path ("vireo-cr-win11");
  virDomainPtr dom;
  char *live;

  vireo_vm_builder_set_os (b, vireo_os_db_find_short_id (env.db, "win11"));
  vireo_vm_builder_set_memory_mib (b, 256);
  g_assert_cmpint (vireo_vm_builder_get_firmware (b), ==, VIREO_FIRMWARE_UEFI_SECURE);
  g_assert_true (vireo_vm_builder_get_tpm (b));
  plan = plan_of (b);
  uuid = run_plan (plan, VIREO_CREATE_STEP_NONE, NULL, &error);
  g_assert_no_error (error);

  dom = virDomainLookupByName (env.direct, "vireo-cr-win11");
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  live = virDomainGetXMLDesc (dom, 0);
  /* libvirt picked the Secure Boot build and made the variable store. */
  g_assert_nonnull (strstr (live, "secure='yes'"));
  g_assert_nonnull (strstr (live, "<tpm model='tpm-crb'>"));
  free (live);
  g_assert_true (g_file_test (nvram, G_FILE_TEST_EXISTS));
  virDomainFree (dom);

  remove_domain ("vireo-cr-win11");
  remove_volume ("vireo-cr-win11.qcow2");
}

/* ------------------------------------------------------------------------ */
/* Customize configuration before install                                    */

static VireoCreateJob *
run_customize (VireoVmBuilder *b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoCreatePlan) plan = vireo_vm_builder_dup_customize_plan (b, &error);
  VireoCreateJob *job;
  VireoTestAsync a = { 0 };
  g_autofree char *uuid = NULL;

  g_assert_no_error (error);
  job = vireo_create_job_new (env.conn, plan);
  vireo_create_job_run_async (job, NULL, vireo_test_async_cb, &a);
  uuid = vireo_create_job_run_finish (job, vireo_test_async_wait (&a, 120), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_cmpint (vireo_create_job_get_step (job), ==, VIREO_CREATE_STEP_CUSTOMIZING);
  return job;
}

static VireoDomainConfig *
read_definition (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (env.direct, name);
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

/* A network install customized: the installer's kernel and initrd stay in
 * the pool while the user edits (the definition names them), the user's
 * change (more memory) is defined by libvirt like an Apply, and Begin
 * boots the installer with it, then removes the boot files. */
static void
test_customize_network_install (void)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("vireo-cr-custom");
  g_autoptr(VireoCreateJob) job = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tree = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "create-tree", NULL);
  g_autofree char *url = g_filename_to_uri (tree, NULL, NULL);
  VireoTestAsync a = { 0 };
  virDomainPtr dom;
  char *live, *inactive;

  /* test_network_install made the tree. */
  g_assert_true (g_file_test (tree, G_FILE_TEST_IS_DIR));
  vireo_vm_builder_set_os (b, vireo_os_db_find_short_id (env.db, "fedora37"));
  vireo_vm_builder_set_memory_mib (b, 128);
  vireo_vm_builder_set_method (b, VIREO_INSTALL_NETWORK);
  vireo_vm_builder_set_location (b, url, "console=ttyS0");
  job = run_customize (b);

  dom = virDomainLookupByName (env.direct, "vireo-cr-custom");
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainIsActive (dom), ==, 0);
  g_assert_true (volume_listed ("vireo-cr-custom.qcow2"));
  g_assert_true (volume_listed ("vireo-cr-custom-install-kernel"));
  g_assert_true (volume_listed ("vireo-cr-custom-install-initrd"));

  config = read_definition ("vireo-cr-custom");
  vireo_domain_config_set_memory_kib (config, 160 * 1024, 160 * 1024);
  {
    g_autofree char *xml = vireo_domain_config_to_xml (config);
    virDomainPtr redefined = virDomainDefineXML (env.direct, xml);

    g_assert_nonnull (redefined);
    virDomainFree (redefined);
  }
  g_clear_object (&config);
  config = read_definition ("vireo-cr-custom");

  plan = vireo_vm_builder_dup_plan (b, config, &error);
  g_assert_no_error (error);
  vireo_create_job_begin_install_async (job, plan, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_create_job_begin_install_finish (job, vireo_test_async_wait (&a, 120), &error));
  g_clear_object (&a.result);
  g_assert_no_error (error);

  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  live = virDomainGetXMLDesc (dom, 0);
  inactive = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (strstr (live, "<memory unit='KiB'>163840</memory>"));
  g_assert_nonnull (strstr (live, "-install-kernel"));
  g_assert_nonnull (strstr (live, "<on_reboot>destroy</on_reboot>"));
  g_assert_nonnull (strstr (inactive, "<memory unit='KiB'>163840</memory>"));
  g_assert_null (strstr (inactive, "-install-kernel"));
  free (live);
  free (inactive);
  g_assert_false (volume_listed ("vireo-cr-custom-install-kernel"));
  g_assert_false (volume_listed ("vireo-cr-custom-install-initrd"));
  g_assert_true (volume_listed ("vireo-cr-custom.qcow2"));
  virDomainFree (dom);

  remove_domain ("vireo-cr-custom");
  remove_volume ("vireo-cr-custom.qcow2");
}

/* Cancel Installation of a UEFI + TPM machine the user started meanwhile:
 * stopped, undefined with its NVRAM and TPM state, its disk gone. */
static void
test_customize_abandon (void)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("vireo-cr-dropped");
  g_autoptr(VireoCreateJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nvram = nvram_path ("vireo-cr-dropped");
  VireoTestAsync a = { 0 };
  virDomainPtr dom;

  vireo_vm_builder_set_os (b, vireo_os_db_find_short_id (env.db, "win11"));
  vireo_vm_builder_set_memory_mib (b, 256);
  job = run_customize (b);
  dom = virDomainLookupByName (env.direct, "vireo-cr-dropped");
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  virDomainFree (dom);
  g_assert_true (g_file_test (nvram, G_FILE_TEST_EXISTS));

  vireo_create_job_abandon_async (job, vireo_test_async_cb, &a);
  g_assert_true (vireo_create_job_abandon_finish (job, vireo_test_async_wait (&a, 120), &error));
  g_clear_object (&a.result);
  g_assert_no_error (error);
  assert_no_trace ("vireo-cr-dropped", "vireo-cr-dropped.qcow2");
}

/* ------------------------------------------------------------------------ */
/* Forced failures                                                           */

/* A machine with the name exists: define fails, the new disk goes, the
 * other machine stays. */
static void
test_name_clash (void)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("vireo-cr-clash");
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *file = pool_file ("vireo-cr-clash.qcow2");
  g_autofree char *guest = NULL;
  g_autoptr(GString) xml = NULL;
  virDomainPtr other;

  g_assert_true (g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &guest, NULL, NULL));
  xml = g_string_new (guest);
  g_string_replace (xml, "<name>vireo-it-guest</name>", "<name>vireo-cr-clash</name>", 1);
  other = virDomainDefineXML (env.direct, xml->str);
  g_assert_nonnull (other);

  uuid = run_plan (plan, VIREO_CREATE_STEP_NONE, NULL, &error);
  g_assert_null (uuid);
  g_assert_nonnull (strstr (error->message, "already"));
  g_assert_false (volume_listed ("vireo-cr-clash.qcow2"));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  /* The other machine is untouched. */
  {
    virDomainPtr again = virDomainLookupByName (env.direct, "vireo-cr-clash");
    char *text = virDomainGetXMLDesc (again, VIR_DOMAIN_XML_INACTIVE);

    g_assert_nonnull (strstr (text, "Vireo integration-test guest"));
    free (text);
    virDomainFree (again);
  }
  g_assert_cmpint (virDomainUndefine (other), ==, 0);
  virDomainFree (other);
}

/* An emulator that does not exist: libvirt refuses the definition. */
static void
test_bad_emulator (void)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("vireo-cr-emu");
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(GString) final = g_string_new (plan->final_xml);

  g_assert_cmpuint (g_string_replace (final, "/usr/bin/qemu-system-x86_64", "/usr/bin/vireo-no-such-qemu", 0), ==, 1);
  g_free (plan->final_xml);
  plan->final_xml = g_strdup (final->str);

  uuid = run_plan (plan, VIREO_CREATE_STEP_NONE, NULL, &error);
  g_assert_null (uuid);
  g_assert_true (g_str_has_prefix (error->message, "Could not define the machine"));
  g_assert_nonnull (strstr (error->message, "vireo-no-such-qemu"));
  assert_no_trace ("vireo-cr-emu", "vireo-cr-emu.qcow2");
}

/* The media is gone by the time it starts: the UEFI + TPM machine was
 * defined, and goes with its NVRAM and TPM state. */
static void
test_start_failure (void)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("vireo-cr-nomedia");
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *missing = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "missing.iso", NULL);
  g_autofree char *tpm_dir = NULL;

  vireo_vm_builder_set_os (b, vireo_os_db_find_short_id (env.db, "win11"));
  vireo_vm_builder_set_memory_mib (b, 256);
  vireo_vm_builder_set_media (b, VIREO_MEDIA_FILE, missing);
  plan = plan_of (b);
  tpm_dir = g_build_filename (require_env ("VIREO_TEST_STATE"), "lib", "libvirt", "swtpm", plan->uuid, NULL);

  uuid = run_plan (plan, VIREO_CREATE_STEP_NONE, &steps, &error);
  g_assert_null (uuid);
  g_assert_true (g_str_has_prefix (error->message, "Could not start the installation"));
  g_assert_nonnull (strstr (error->message, "missing.iso"));
  g_assert_true (has_step (steps, VIREO_CREATE_STEP_ROLLING_BACK));
  assert_no_trace ("vireo-cr-nomedia", "vireo-cr-nomedia.qcow2");
  g_assert_false (g_file_test (tpm_dir, G_FILE_TEST_EXISTS));
}

/* QEMU itself refuses to start (its kernel is not one), after libvirt
 * made the NVRAM file and started swtpm: those go too, with the fetched
 * boot files and the disk. */
static void
test_qemu_failure (void)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("vireo-cr-badkernel");
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = NULL;
  g_autofree char *tree = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "bad-tree", NULL);
  g_autofree char *images = g_build_filename (tree, "images", "pxeboot", NULL);
  g_autofree char *kernel = g_build_filename (images, "vmlinuz", NULL);
  g_autofree char *initrd = g_build_filename (images, "initrd.img", NULL);
  g_autofree char *url = g_filename_to_uri (tree, NULL, NULL);
  g_autofree char *uuid = NULL;
  g_autofree char *tpm_dir = NULL;

  g_assert_cmpint (g_mkdir_with_parents (images, 0755), ==, 0);
  g_assert_true (g_file_set_contents (kernel, "this is no kernel\n", -1, NULL));
  g_assert_true (g_file_set_contents (initrd, "nor an initrd\n", -1, NULL));

  vireo_vm_builder_set_os (b, vireo_os_db_find_short_id (env.db, "win11"));
  vireo_vm_builder_set_memory_mib (b, 256);
  vireo_vm_builder_set_method (b, VIREO_INSTALL_NETWORK);
  vireo_vm_builder_set_location (b, url, NULL);
  plan = plan_of (b);
  g_assert_cmpuint (plan->volumes->len, ==, 3);
  tpm_dir = g_build_filename (require_env ("VIREO_TEST_STATE"), "lib", "libvirt", "swtpm", plan->uuid, NULL);

  uuid = run_plan (plan, VIREO_CREATE_STEP_NONE, &steps, &error);
  g_assert_null (uuid);
  g_assert_true (g_str_has_prefix (error->message, "Could not start the installation"));
  g_assert_true (has_step (steps, VIREO_CREATE_STEP_ROLLING_BACK));
  g_assert_false (has_step (steps, VIREO_CREATE_STEP_CLEANING_UP));
  assert_no_trace ("vireo-cr-badkernel", "vireo-cr-badkernel.qcow2");
  g_assert_false (volume_listed ("vireo-cr-badkernel-install-kernel"));
  g_assert_false (volume_listed ("vireo-cr-badkernel-install-initrd"));
  g_assert_false (g_file_test (tpm_dir, G_FILE_TEST_EXISTS));
}

static void
test_cancel (void)
{
  g_autoptr(VireoVmBuilder) b = builder_new ("vireo-cr-cancel");
  g_autoptr(VireoCreatePlan) plan = plan_of (b);
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  uuid = run_plan (plan, VIREO_CREATE_STEP_STARTING, NULL, &error);
  g_assert_null (uuid);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_no_trace ("vireo-cr-cancel", "vireo-cr-cancel.qcow2");
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
  set_up_env ();

  g_test_add_func ("/create-integration/iso", test_iso);
  g_test_add_func ("/create-integration/import", test_import);
  g_test_add_func ("/create-integration/network-install", test_network_install);
  g_test_add_func ("/create-integration/uefi-tpm", test_uefi_tpm);
  g_test_add_func ("/create-integration/customize/network-install", test_customize_network_install);
  g_test_add_func ("/create-integration/customize/abandon", test_customize_abandon);
  g_test_add_func ("/create-integration/fail/name-clash", test_name_clash);
  g_test_add_func ("/create-integration/fail/bad-emulator", test_bad_emulator);
  g_test_add_func ("/create-integration/fail/start", test_start_failure);
  g_test_add_func ("/create-integration/fail/qemu", test_qemu_failure);
  g_test_add_func ("/create-integration/fail/cancel", test_cancel);

  ret = g_test_run ();
  g_clear_object (&env.conn);
  g_clear_object (&env.caps);
  g_clear_object (&env.db);
  virConnectClose (env.direct);
  g_free (env.pool_dir);
  g_free (env.iso);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
