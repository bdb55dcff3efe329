/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Cloning real TCG guests on the private libvirtd of vireo-testenv.sh,
 * with plans made by the model from what Vireo's worker calls read
 * (definition, pools) and run by VireoCloneJob. What the job says is held
 * against the host: the images (qemu-img compare, backing files,
 * checksums of the originals), libvirt's own XML of both machines, the
 * clone booting, the NVRAM and TPM files in the daemon's folders, and the
 * pool's listing and folder after a failure or a cancel.
 *
 *   two-disks: a qcow2 disk copied and a raw one overlaid, the clone boots
 *     (SeaBIOS), and the equivalent virt-clone line is one virt-clone takes;
 *   failure and cancel: a volume name taken by someone else between the
 *     two disks, and a cancel after the first copy, each leave nothing the
 *     job made (and the other volume alone);
 *   uefi-tpm: a UEFI guest with a TPM that has run once, cloned while
 *     paused: its NVRAM and TPM state copied byte for byte with their
 *     owners, the clone boots on them; a never-started one's clone makes
 *     its own.
 */
#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-clone-job.h"
#include "vireo-domain-config.h"
#include "vireo-lookup.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define POOL  "vireo-cl-pool"
#define GUEST "vireo-it-clone-src"
#define EFI   "vireo-it-clone-efi"

static VireoConnection *conn;
static virConnectPtr direct;

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

static char *
pool_dir (void)
{
  return g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "clone-pool", NULL);
}

static char *
in_pool (const char *name)
{
  g_autofree char *dir = pool_dir ();
  return g_build_filename (dir, name, NULL);
}

/* The daemon's /var/lib/libvirt, as this process sees it. */
static char *
daemon_lib (const char *first,
            ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (parts, (gpointer) require_env ("VIREO_TEST_STATE"));
  g_ptr_array_add (parts, "lib");
  g_ptr_array_add (parts, "libvirt");
  va_start (args, first);
  for (const char *p = first; p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

/* ------------------------------------------------------------------------ */
/* Tools and files                                                           */

static char *
run_tool_status (const char * const *argv,
                 gboolean           *ok)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  *ok = g_spawn_check_wait_status (status, NULL);
  if (!*ok)
    g_test_message ("%s: %s%s", argv[0], out, err);
  return g_steal_pointer (&out);
}

static char *
run_tool (const char * const *argv)
{
  gboolean ok;
  char *out = run_tool_status (argv, &ok);

  if (!ok)
    g_error ("%s %s failed", argv[0], argv[1]);
  return out;
}

static char *
sha256_of (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

static void
assert_sum (const char *path,
            const char *sum)
{
  g_autofree char *now = sha256_of (path);

  g_assert_cmpstr (now, ==, sum);
}

static char *
image_info (const char *path,
            const char *field)
{
  g_autofree char *out = run_tool ((const char *[]) { "qemu-img", "info", "-U", path, NULL });
  g_autofree char *pattern = g_strdup_printf ("^%s: (.*)$", field);
  g_autoptr(GRegex) re = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (!g_regex_match (re, out, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* The pool's folder, sorted: what is on the disk, whatever libvirt lists. */
static char *
folder_listing (void)
{
  g_autofree char *dir = pool_dir ();
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

/* ------------------------------------------------------------------------ */
/* Guests                                                                    */

static gboolean
is_listed (gpointer data)
{
  return vireo_test_find_domain (conn, data) != NULL;
}

typedef struct
{
  const char       *name;
  VireoDomainState  want;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *w = data;
  VireoDomain *domain = vireo_test_find_domain (conn, w->name);

  return domain != NULL && vireo_domain_get_state (domain) == w->want;
}

static void
wait_state (const char       *name,
            VireoDomainState  want)
{
  StateWait w = { name, want };
  vireo_test_wait_for (state_is, &w, 60, vireo_domain_state_to_string (want));
}

static void
refresh_pool (void)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (direct, POOL);

  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolRefresh (pool, 0), ==, 0);
  virStoragePoolFree (pool);
}

/* The environment's guest renamed, with @disks (device XML) and a user
 * network card; defined outside Vireo. */
static void
define_guest (const char         *name,
              const char * const *disks,
              gboolean            uefi_tpm)
{
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  virDomainPtr dom;

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  if (uefi_tpm)
    {
      /* libvirt 9.0 keeps <os firmware='efi'> and no <nvram>: the file is
       * named after the machine in its own folder. */
      GString *s = g_string_new (xml);

      g_string_replace (s, "<os>", "<os firmware='efi'>", 1);
      g_string_replace (s, "machine='pc'>hvm</type>\n",
                        "machine='q35'>hvm</type>\n    <firmware>\n"
                        "      <feature enabled='no' name='secure-boot'/>\n    </firmware>\n", 1);
      g_string_replace (s, "    <bios useserial='yes'/>\n", "", 1);
      g_free (xml);
      xml = g_string_free (s, FALSE);
    }
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, name);
  for (guint i = 0; disks != NULL && disks[i] != NULL; i++)
    {
      g_assert_nonnull (vireo_domain_config_add_device (config, disks[i], &error));
      g_assert_no_error (error);
    }
  g_assert_nonnull (vireo_domain_config_add_device (config, "<interface type='user'><model type='e1000'/></interface>",
                                                    &error));
  if (uefi_tpm)
    g_assert_nonnull (vireo_domain_config_add_device (config, "<tpm model='tpm-crb'><backend type='emulator' "
                                                              "version='2.0'/></tpm>", &error));
  g_assert_no_error (error);
  g_clear_pointer (&xml, g_free);
  xml = vireo_domain_config_to_xml (config);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  virDomainFree (dom);
  vireo_test_wait_for (is_listed, (gpointer) name, 10, "the guest to be listed");
}

static void
domain_call (const char *name,
             int       (*call) (virDomainPtr))
{
  virDomainPtr dom = virDomainLookupByName (direct, name);

  g_assert_nonnull (dom);
  g_assert_cmpint (call (dom), ==, 0);
  virDomainFree (dom);
}

static int
undefine_all (virDomainPtr dom)
{
  if (virDomainIsActive (dom) == 1 && virDomainDestroy (dom) < 0)
    return -1;
  return virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_TPM);
}

static gboolean
domain_exists (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (direct, name);

  if (dom == NULL)
    return FALSE;
  virDomainFree (dom);
  return TRUE;
}

static char *
inactive_xml (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (direct, name);
  char *xml;

  g_assert_nonnull (dom);
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  virDomainFree (dom);
  return xml;
}

static void
delete_volume (const char *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (direct, POOL);
  virStorageVolPtr vol = virStorageVolLookupByName (pool, name);

  g_assert_nonnull (vol);
  g_assert_cmpint (virStorageVolDelete (vol, 0), ==, 0);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
}

/* ------------------------------------------------------------------------ */
/* The plan, as the dialog will make it                                      */

static VireoClonePlan *
plan_for (const char            *name,
          VireoCloneSourceState  state)
{
  VireoDomain *domain = vireo_test_find_domain (conn, name);
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GPtrArray) pools = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GListModel) list = vireo_connection_list_domains (conn);
  g_autoptr(GStrvBuilder) taken = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  g_assert_nonnull (domain);
  vireo_domain_read_xml_async (domain, TRUE, NULL, vireo_test_async_cb, &a);
  xml = vireo_domain_read_xml_finish (domain, vireo_test_async_wait (&a, 30), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);

  vireo_connection_list_pools_async (conn, NULL, vireo_test_async_cb, &a);
  infos = vireo_connection_list_pools_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  pools = vireo_clone_pools_from_pool_infos (infos);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(VireoDomain) d = g_list_model_get_item (list, i);
      g_strv_builder_add (taken, vireo_domain_get_name (d));
    }
  names = g_strv_builder_end (taken);
  return vireo_clone_plan_new (config, state, NULL, (const char * const *) names, pools);
}

typedef struct
{
  GArray         *steps;
  GCancellable   *cancellable;
  char           *last_detail;
  /* At this (step, detail), cancel, or run @hook */
  VireoCloneStep  at_step;
  const char     *at_detail;
  gboolean        cancel;
  void          (*hook) (void);
  double          last_fraction;
  gboolean        fraction_went_down;
} Watch;

static void
on_step (VireoCloneJob *job,
         GParamSpec    *pspec,
         Watch         *w)
{
  VireoCloneStep step = vireo_clone_job_get_step (job);
  const char *detail = vireo_clone_job_get_detail (job);

  if (w->steps->len > 0 && g_array_index (w->steps, VireoCloneStep, w->steps->len - 1) == step &&
      g_strcmp0 (w->last_detail, detail) == 0)
    return;
  g_free (w->last_detail);
  w->last_detail = g_strdup (detail);
  g_array_append_val (w->steps, step);
  if (step == w->at_step && g_strcmp0 (detail, w->at_detail) == 0)
    {
      if (w->cancel)
        g_cancellable_cancel (w->cancellable);
      if (w->hook != NULL)
        w->hook ();
    }
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

static VireoCloneResult *
run_plan (const VireoClonePlan  *plan,
          Watch                 *w,
          GError               **error)
{
  g_autoptr(VireoCloneJob) job = vireo_clone_job_new (conn, plan);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  VireoTestAsync a = { 0 };
  VireoCloneResult *result;

  w->steps = g_array_new (FALSE, FALSE, sizeof (VireoCloneStep));
  w->cancellable = cancellable;
  w->last_fraction = 0.0;
  w->fraction_went_down = FALSE;
  g_signal_connect (job, "notify::step", G_CALLBACK (on_step), w);
  g_signal_connect (job, "notify::detail", G_CALLBACK (on_step), w);
  g_signal_connect (job, "notify::fraction", G_CALLBACK (on_fraction), w);
  vireo_clone_job_run_async (job, cancellable, vireo_test_async_cb, &a);
  result = vireo_clone_job_run_finish (job, vireo_test_async_wait (&a, 240), error);
  g_object_unref (a.result);
  g_signal_handlers_disconnect_by_data (job, w);
  g_assert_false (w->fraction_went_down);
  if (result != NULL)
    g_assert_cmpfloat (vireo_clone_job_get_fraction (job), ==, 1.0);
  g_clear_pointer (&w->last_detail, g_free);
  w->cancellable = NULL;
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

/* The two base images with something in them, and the guest on them. */
static void
make_source (void)
{
  g_autofree char *a = in_pool ("src-a.qcow2");
  g_autofree char *b = in_pool ("src-b.raw");
  g_autofree char *disk_a = NULL;
  g_autofree char *disk_b = NULL;

  g_free (run_tool ((const char *[]) { "qemu-img", "create", "-q", "-f", "qcow2", a, "64M", NULL }));
  g_free (run_tool ((const char *[]) { "qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 1M 3M", a, NULL }));
  g_free (run_tool ((const char *[]) { "qemu-img", "create", "-q", "-f", "raw", b, "16M", NULL }));
  g_free (run_tool ((const char *[]) { "qemu-io", "-f", "raw", "-c", "write -P 0xa5 0 2M", b, NULL }));
  refresh_pool ();
  disk_a = g_strdup_printf ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                            "<source file='%s'/><target dev='vda' bus='virtio'/></disk>", a);
  disk_b = g_strdup_printf ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                            "<source file='%s'/><target dev='vdb' bus='virtio'/></disk>", b);
  define_guest (GUEST, (const char *[]) { disk_a, disk_b, NULL }, FALSE);
}

/* virt-clone reads the line's options and would make that clone
 * (--print-xml: it prints the definition and makes nothing). */
static void
check_virt_clone_line (const VireoClonePlan *plan)
{
  g_autofree char *text = vireo_clone_plan_dup_command (plan, require_env ("VIREO_TEST_URI"));
  const char *line = strrchr (text, '\n') != NULL ? strrchr (text, '\n') + 1 : text;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_auto(GStrv) full = NULL;
  g_autofree char *out = NULL;
  const VireoCloneDisk *vda = plan->disks->pdata[0];
  const VireoCloneDisk *vdb = plan->disks->pdata[1];
  g_autofree char *want_a = g_strdup_printf ("<source file=\"%s\"/>", vda->dest_path);
  g_autofree char *want_b = g_strdup_printf ("<source file=\"%s\"/>", vdb->source_path);

  g_assert_true (g_str_has_prefix (text, "# vdb: virt-clone has no linked overlays"));
  g_assert_true (g_shell_parse_argv (line, NULL, &argv, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (argv[0], ==, "virt-clone");
  g_strv_builder_addv (b, (const char **) argv);
  g_strv_builder_add (b, "--print-xml");
  full = g_strv_builder_end (b);
  out = run_tool ((const char * const *) full);
  g_assert_nonnull (strstr (out, want_a));
  /* virt-clone shares what Vireo overlays, as the comment says. */
  g_assert_nonnull (strstr (out, want_b));
}

static void
test_two_disks (void)
{
  static const VireoCloneStep expected[] = {
    VIREO_CLONE_STEP_CHECKING, VIREO_CLONE_STEP_COPYING, VIREO_CLONE_STEP_OVERLAYING, VIREO_CLONE_STEP_DEFINING,
    VIREO_CLONE_STEP_DONE,
  };
  g_autofree char *a = in_pool ("src-a.qcow2");
  g_autofree char *b = in_pool ("src-b.raw");
  g_autofree char *sum_a = NULL;
  g_autofree char *sum_b = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *clone_xml = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *overlay = NULL;
  g_autofree char *backing = NULL;
  g_autofree char *backing_format = NULL;
  g_autofree char *format = NULL;
  g_autoptr(VireoClonePlan) plan = NULL;
  g_autoptr(VireoCloneResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) clone_config = NULL;
  g_autoptr(VireoDomainConfig) source_config = NULL;
  g_autoptr(GPtrArray) disks = NULL;
  Watch w = { 0 };
  gboolean ok;
  g_autofree char *out = NULL;

  make_source ();
  sum_a = sha256_of (a);
  sum_b = sha256_of (b);
  before = inactive_xml (GUEST);

  plan = plan_for (GUEST, VIREO_CLONE_SOURCE_SHUT_OFF);
  g_assert_cmpstr (plan->name, ==, GUEST "-clone");
  g_assert_cmpint (((VireoCloneDisk *) plan->disks->pdata[0])->mode, ==, VIREO_CLONE_MODE_COPY);
  g_assert_true (vireo_clone_plan_set_mode (plan, 1, VIREO_CLONE_MODE_OVERLAY, &error));
  g_assert_no_error (error);
  g_assert_true (vireo_clone_plan_validate (plan, &error));
  g_assert_no_error (error);
  copy = g_strdup (((VireoCloneDisk *) plan->disks->pdata[0])->dest_path);
  overlay = g_strdup (((VireoCloneDisk *) plan->disks->pdata[1])->dest_path);
  {
    g_autofree char *want = in_pool (GUEST "-clone.qcow2");

    g_assert_cmpstr (copy, ==, want);
  }
  check_virt_clone_line (plan);

  result = run_plan (plan, &w, &error);
  g_assert_no_error (error);
  assert_steps (w.steps, expected, G_N_ELEMENTS (expected));
  g_array_unref (w.steps);
  g_assert_cmpstr (result->uuid, ==, plan->uuid);
  g_assert_cmpstr (result->volumes[0], ==, copy);
  g_assert_cmpstr (result->volumes[1], ==, overlay);

  /* The copy: a qcow2 of its own with the same contents; the overlay: a
   * qcow2 on the raw original. The originals did not change. */
  format = image_info (copy, "file format");
  g_assert_cmpstr (format, ==, "qcow2");
  g_assert_null (image_info (copy, "backing file"));
  out = run_tool_status ((const char *[]) { "qemu-img", "compare", "-q", a, copy, NULL }, &ok);
  g_assert_true (ok);
  g_clear_pointer (&out, g_free);
  backing = image_info (overlay, "backing file");
  backing_format = image_info (overlay, "backing file format");
  g_assert_cmpstr (backing, ==, b);
  g_assert_cmpstr (backing_format, ==, "raw");
  out = run_tool_status ((const char *[]) { "qemu-img", "compare", "-q", b, overlay, NULL }, &ok);
  g_assert_true (ok);
  g_clear_pointer (&out, g_free);
  assert_sum (a, sum_a);
  assert_sum (b, sum_b);

  /* libvirt's own view of both machines */
  after = inactive_xml (GUEST);
  g_assert_cmpstr (after, ==, before);
  clone_xml = inactive_xml (GUEST "-clone");
  clone_config = vireo_domain_config_new_from_xml (clone_xml, &error);
  source_config = vireo_domain_config_new_from_xml (before, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vireo_domain_config_get_uuid (clone_config), ==, plan->uuid);
  disks = vireo_domain_config_list_disks (clone_config);
  g_assert_cmpuint (disks->len, ==, 2);
  g_assert_cmpstr (((VireoDiskInfo *) disks->pdata[0])->path, ==, copy);
  g_assert_cmpstr (((VireoDiskInfo *) disks->pdata[1])->path, ==, overlay);
  g_assert_nonnull (strstr (clone_xml, "<driver name='qemu' type='qcow2'/>\n      <source file='"));
  {
    g_autofree char *mac = g_strdup_printf ("<mac address='%s'/>", plan->macs[0]);
    g_autoptr(GRegex) re = g_regex_new ("<mac address='([^']*)'/>", 0, 0, NULL);
    g_autoptr(GMatchInfo) match = NULL;
    g_autofree char *old_mac = NULL;

    g_assert_nonnull (strstr (clone_xml, mac));
    g_assert_true (g_regex_match (re, before, 0, &match));
    old_mac = g_match_info_fetch (match, 1);
    g_assert_cmpstr (old_mac, !=, plan->macs[0]);
  }

  /* It boots, on its own disks. */
  domain_call (GUEST "-clone", virDomainCreate);
  wait_state (GUEST "-clone", VIREO_DOMAIN_STATE_RUNNING);
  domain_call (GUEST "-clone", virDomainDestroy);
  wait_state (GUEST "-clone", VIREO_DOMAIN_STATE_SHUTOFF);
  assert_sum (a, sum_a);
  assert_sum (b, sum_b);

  domain_call (GUEST "-clone", undefine_all);
  delete_volume (GUEST "-clone.qcow2");
  delete_volume (GUEST "-clone-1.qcow2");
}

/* Someone takes the overlay's name while the first disk is being copied:
 * the overlay fails, the copy goes, the other volume stays. */
static void
take_overlay_name (void)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (direct, POOL);
  virStorageVolPtr vol = virStorageVolCreateXML (pool, "<volume><name>" GUEST "-clone-1.qcow2</name>"
                                                       "<capacity unit='MiB'>1</capacity>"
                                                       "<target><format type='qcow2'/></target></volume>", 0);

  g_assert_nonnull (vol);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
}

static void
test_failure (void)
{
  static const VireoCloneStep expected[] = {
    VIREO_CLONE_STEP_CHECKING, VIREO_CLONE_STEP_COPYING, VIREO_CLONE_STEP_OVERLAYING,
    VIREO_CLONE_STEP_ROLLING_BACK, VIREO_CLONE_STEP_FAILED,
  };
  g_autoptr(VireoClonePlan) plan = plan_for (GUEST, VIREO_CLONE_SOURCE_SHUT_OFF);
  g_autoptr(VireoCloneResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *taken = in_pool (GUEST "-clone-1.qcow2");
  g_autofree char *after = NULL;
  Watch w = { 0 };

  g_assert_true (vireo_clone_plan_set_mode (plan, 1, VIREO_CLONE_MODE_OVERLAY, &error));
  listing = folder_listing ();
  w.at_step = VIREO_CLONE_STEP_COPYING;
  w.at_detail = GUEST "-clone.qcow2";
  w.hook = take_overlay_name;
  result = run_plan (plan, &w, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "vdb: "));
  g_assert_nonnull (strstr (error->message, "exists"));
  assert_steps (w.steps, expected, G_N_ELEMENTS (expected));
  g_array_unref (w.steps);

  g_assert_false (domain_exists (GUEST "-clone"));
  g_assert_true (g_file_test (taken, G_FILE_TEST_EXISTS));
  delete_volume (GUEST "-clone-1.qcow2");
  after = folder_listing ();
  g_assert_cmpstr (after, ==, listing);
}

static void
test_cancel (void)
{
  static const VireoCloneStep expected[] = {
    VIREO_CLONE_STEP_CHECKING, VIREO_CLONE_STEP_COPYING, VIREO_CLONE_STEP_OVERLAYING,
    VIREO_CLONE_STEP_ROLLING_BACK, VIREO_CLONE_STEP_FAILED,
  };
  g_autoptr(VireoClonePlan) plan = plan_for (GUEST, VIREO_CLONE_SOURCE_SHUT_OFF);
  g_autoptr(VireoCloneResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = folder_listing ();
  g_autofree char *after = NULL;
  Watch w = { 0 };

  g_assert_true (vireo_clone_plan_set_mode (plan, 1, VIREO_CLONE_MODE_OVERLAY, &error));
  w.at_step = VIREO_CLONE_STEP_OVERLAYING;
  w.at_detail = GUEST "-clone-1.qcow2";
  w.cancel = TRUE;
  result = run_plan (plan, &w, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_steps (w.steps, expected, G_N_ELEMENTS (expected));
  g_array_unref (w.steps);
  g_assert_false (domain_exists (GUEST "-clone"));
  after = folder_listing ();
  g_assert_cmpstr (after, ==, listing);

  domain_call (GUEST, undefine_all);
}

/* ------------------------------------------------------------------------ */

static void
assert_same_file (const char *a,
                  const char *b)
{
  g_autofree char *sa = sha256_of (a);
  g_autofree char *sb = sha256_of (b);
  struct stat st_a, st_b;

  g_assert_cmpstr (sa, ==, sb);
  g_assert_cmpint (g_stat (a, &st_a), ==, 0);
  g_assert_cmpint (g_stat (b, &st_b), ==, 0);
  g_assert_cmpuint (st_a.st_uid, ==, st_b.st_uid);
  g_assert_cmpuint (st_a.st_gid, ==, st_b.st_gid);
  g_assert_cmpuint (st_a.st_mode & 07777, ==, st_b.st_mode & 07777);
}

static void
test_uefi_tpm (void)
{
  static const VireoCloneStep expected[] = {
    VIREO_CLONE_STEP_CHECKING, VIREO_CLONE_STEP_DEFINING, VIREO_CLONE_STEP_COPYING_NVRAM,
    VIREO_CLONE_STEP_COPYING_TPM, VIREO_CLONE_STEP_DONE,
  };
  g_autoptr(VireoClonePlan) fresh_plan = NULL;
  g_autoptr(VireoClonePlan) plan = NULL;
  g_autoptr(VireoCloneResult) fresh = NULL;
  g_autoptr(VireoCloneResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nvram = daemon_lib ("qemu", "nvram", EFI "_VARS.fd", NULL);
  g_autofree char *clone_nvram = daemon_lib ("qemu", "nvram", EFI "-clone_VARS.fd", NULL);
  g_autofree char *source_uuid = NULL;
  g_autofree char *tpm = NULL;
  g_autofree char *clone_tpm = NULL;
  g_autofree char *clone_tpm_dir = NULL;
  Watch w = { 0 };

  define_guest (EFI, NULL, TRUE);

  /* Never started: nothing to copy yet; the clone makes its own. */
  fresh_plan = plan_for (EFI, VIREO_CLONE_SOURCE_SHUT_OFF);
  g_assert_true (fresh_plan->nvram_implicit);
  g_assert_true (fresh_plan->has_tpm);
  vireo_clone_plan_set_name (fresh_plan, EFI "-fresh");
  fresh = run_plan (fresh_plan, &w, &error);
  g_assert_no_error (error);
  g_array_unref (w.steps);
  g_assert_cmpint (fresh->nvram, ==, VIREO_CLONE_STATE_FRESH);
  g_assert_cmpint (fresh->tpm, ==, VIREO_CLONE_STATE_FRESH);
  domain_call (EFI "-fresh", undefine_all);

  /* Run once, so the NVRAM and the TPM's state exist; cloned paused. */
  domain_call (EFI, virDomainCreate);
  wait_state (EFI, VIREO_DOMAIN_STATE_RUNNING);
  domain_call (EFI, virDomainSuspend);
  wait_state (EFI, VIREO_DOMAIN_STATE_PAUSED);
  source_uuid = g_strdup (vireo_domain_get_uuid (vireo_test_find_domain (conn, EFI)));
  tpm = daemon_lib ("swtpm", source_uuid, "tpm2", "tpm2-00.permall", NULL);
  g_assert_true (g_file_test (nvram, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (tpm, G_FILE_TEST_EXISTS));

  /* Cancelled once the NVRAM is copied: the rollback takes the clone's
   * NVRAM file with its definition, and leaves the original's files. */
  {
    static const VireoCloneStep cancelled[] = {
      VIREO_CLONE_STEP_CHECKING, VIREO_CLONE_STEP_DEFINING, VIREO_CLONE_STEP_COPYING_NVRAM,
      VIREO_CLONE_STEP_COPYING_TPM, VIREO_CLONE_STEP_ROLLING_BACK, VIREO_CLONE_STEP_FAILED,
    };
    g_autoptr(VireoClonePlan) first = plan_for (EFI, VIREO_CLONE_SOURCE_PAUSED);
    g_autoptr(VireoCloneResult) none = NULL;
    g_autofree char *nvram_sum = sha256_of (nvram);
    g_autofree char *tpm_sum = sha256_of (tpm);
    g_autofree char *first_tpm = daemon_lib ("swtpm", first->uuid, NULL);

    w.at_step = VIREO_CLONE_STEP_COPYING_TPM;
    w.at_detail = EFI "-clone";
    w.cancel = TRUE;
    none = run_plan (first, &w, &error);
    g_assert_null (none);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    assert_steps (w.steps, cancelled, G_N_ELEMENTS (cancelled));
    g_array_unref (w.steps);
    w.at_step = VIREO_CLONE_STEP_NONE;
    w.cancel = FALSE;
    g_assert_false (domain_exists (EFI "-clone"));
    g_assert_false (g_file_test (clone_nvram, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (first_tpm, G_FILE_TEST_EXISTS));
    assert_sum (nvram, nvram_sum);
    assert_sum (tpm, tpm_sum);
  }

  plan = plan_for (EFI, VIREO_CLONE_SOURCE_PAUSED);
  g_assert_true (vireo_clone_plan_validate (plan, &error));
  g_assert_no_error (error);
  result = run_plan (plan, &w, &error);
  g_assert_no_error (error);
  assert_steps (w.steps, expected, G_N_ELEMENTS (expected));
  g_array_unref (w.steps);
  g_assert_cmpint (result->nvram, ==, VIREO_CLONE_STATE_COPIED);
  g_assert_null (result->nvram_note);
  g_assert_cmpstr (result->nvram_path, ==, "/var/lib/libvirt/qemu/nvram/" EFI "-clone_VARS.fd");
  g_assert_cmpint (result->tpm, ==, VIREO_CLONE_STATE_COPIED);
  g_assert_null (result->tpm_note);

  assert_same_file (nvram, clone_nvram);
  clone_tpm = daemon_lib ("swtpm", plan->uuid, "tpm2", "tpm2-00.permall", NULL);
  assert_same_file (tpm, clone_tpm);
  clone_tpm_dir = g_path_get_dirname (clone_tpm);
  {
    g_autofree char *tpm_dir = g_path_get_dirname (tpm);
    struct stat st_a, st_b;

    g_assert_cmpint (g_stat (tpm_dir, &st_a), ==, 0);
    g_assert_cmpint (g_stat (clone_tpm_dir, &st_b), ==, 0);
    g_assert_cmpuint (st_a.st_uid, ==, st_b.st_uid);
    g_assert_cmpuint (st_a.st_mode & 07777, ==, st_b.st_mode & 07777);
  }
  /* No temporary pool is left behind. */
  {
    virStoragePoolPtr *pools = NULL;
    int n = virConnectListAllStoragePools (direct, &pools, 0);

    g_assert_cmpint (n, >=, 0);
    for (int i = 0; i < n; i++)
      {
        g_assert_false (g_str_has_prefix (virStoragePoolGetName (pools[i]), "vireo-clone-"));
        virStoragePoolFree (pools[i]);
      }
    free (pools);
  }

  /* The original goes on; the clone boots on the copies. */
  domain_call (EFI, virDomainResume);
  wait_state (EFI, VIREO_DOMAIN_STATE_RUNNING);
  domain_call (EFI "-clone", virDomainCreate);
  wait_state (EFI "-clone", VIREO_DOMAIN_STATE_RUNNING);

  domain_call (EFI "-clone", undefine_all);
  g_assert_false (g_file_test (clone_nvram, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (clone_tpm_dir, G_FILE_TEST_EXISTS));
  domain_call (EFI, undefine_all);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *pool_xml = NULL;
  virStoragePoolPtr pool;
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

  conn = vireo_test_open_connection (require_env ("VIREO_TEST_URI"), 0);
  direct = virConnectOpen (require_env ("VIREO_TEST_URI"));
  g_assert_nonnull (direct);
  dir = pool_dir ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  pool_xml = g_strdup_printf ("<pool type='dir'><name>" POOL "</name><target><path>%s</path></target></pool>", dir);
  pool = virStoragePoolCreateXML (direct, pool_xml, 0);
  g_assert_nonnull (pool);

  g_test_add_func ("/integration/clone/two-disks", test_two_disks);
  g_test_add_func ("/integration/clone/failure", test_failure);
  g_test_add_func ("/integration/clone/cancel", test_cancel);
  g_test_add_func ("/integration/clone/uefi-tpm", test_uefi_tpm);
  ret = g_test_run ();

  virStoragePoolDestroy (pool);
  virStoragePoolFree (pool);
  virConnectClose (direct);
  g_clear_object (&conn);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
