/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Snapshots through Vireo's worker calls against libvirt's test driver
 * (test:///default). It keeps snapshots in memory with their tree and
 * current one, reverts, deletes and redefines them, and answers
 * virDomainScreenshot with a PNG; it refuses DISK_ONLY and METADATA_ONLY,
 * which proves those flags reach libvirt. External snapshots on real
 * images are the integration test's (test-snapshot-integration.c).
 *
 * test:///default is shared by every connection of the process: each test
 * defines a machine of its own through a plain libvirt connection.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-test-snapshot.h"
#include "vireo-worker.h"

#define DEFAULT_URI "test:///default"

static const char guest_template[] =
  "<domain type='test'><name>%s</name><memory>65536</memory>"
  "<os><type>hvm</type></os>"
  "<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
  "<source file='/guest/%s.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>";

/* What vireo_snapshot_build_xml() makes for an internal snapshot with the
 * memory of a running machine. */
static char *
internal_doc (const char *name,
              const char *description)
{
  return g_strdup_printf ("<domainsnapshot><name>%s</name><description>%s</description>"
                          "<memory snapshot='internal'/>"
                          "<disks><disk name='vda' snapshot='internal'/></disks></domainsnapshot>",
                          name, description);
}

typedef struct
{
  VireoConnection *conn;
  virConnectPtr    outside;
  virDomainPtr     dom;
  VireoDomain     *domain;   /* a reference: it outlives its listing */
  char            *name;
} Guest;

static gboolean
guest_listed (gpointer data)
{
  Guest *g = data;
  return vireo_test_find_domain (g->conn, g->name) != NULL;
}

static gboolean
guest_unlisted (gpointer data)
{
  return !guest_listed (data);
}

static void
guest_open (Guest      *g,
            const char *name,
            gboolean    running)
{
  g_autofree char *xml = g_strdup_printf (guest_template, name, name);

  g->name = g_strdup (name);
  g->conn = vireo_test_open_connection (DEFAULT_URI, 0);
  g->outside = virConnectOpen (DEFAULT_URI);
  g_assert_nonnull (g->outside);
  g->dom = virDomainDefineXML (g->outside, xml);
  g_assert_nonnull (g->dom);
  if (running)
    g_assert_cmpint (virDomainCreate (g->dom), ==, 0);
  vireo_test_wait_for (guest_listed, g, 10, "the machine to be listed");
  g->domain = g_object_ref (vireo_test_find_domain (g->conn, name));
}

static void
guest_close (Guest *g)
{
  if (virDomainIsActive (g->dom) == 1)
    g_assert_cmpint (virDomainDestroy (g->dom), ==, 0);
  g_assert_cmpint (virDomainUndefineFlags (g->dom, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA), ==, 0);
  vireo_test_wait_for (guest_unlisted, g, 10, "the machine to go");
  g_clear_object (&g->domain);
  virDomainFree (g->dom);
  virConnectClose (g->outside);
  vireo_connection_close (g->conn);
  g_clear_object (&g->conn);
  g_free (g->name);
}

typedef struct
{
  Guest            *guest;
  VireoDomainState  want;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *w = data;
  return vireo_domain_get_state (w->guest->domain) == w->want;
}

static void
wait_state (Guest            *g,
            VireoDomainState  want)
{
  StateWait w = { g, want };
  vireo_test_wait_for (state_is, &w, 10, vireo_domain_state_to_string (want));
}

static void
create_ok (VireoDomain *domain,
           const char  *name,
           const char  *description)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = internal_doc (name, description);
  g_autofree char *made = vireo_test_create_snapshot (domain, xml, FALSE, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (made, ==, name);
}

/* ------------------------------------------------------------------------ */

/* Create, list with parents and current, redefine, revert, delete one
 * (its children move up) and a tree. */
static void
test_lifecycle (void)
{
  Guest g = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *order = NULL;
  VireoSnapshotInfo *info;

  guest_open (&g, "snap-life", TRUE);

  list = vireo_test_list_snapshots_ok (g.domain);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  create_ok (g.domain, "s1", "first");
  create_ok (g.domain, "s2", "second");
  list = vireo_test_list_snapshots_ok (g.domain);
  order = vireo_test_snapshot_names (list);
  g_assert_cmpstr (order, ==, "s1,s2");
  g_assert_cmpstr (vireo_test_current_snapshot (list), ==, "s2");
  info = vireo_test_find_snapshot (list, "s1");
  g_assert_null (info->parent);
  g_assert_cmpstr (info->description, ==, "first");
  g_assert_cmpstr (info->state, ==, "running");
  g_assert_true (info->has_memory);
  g_assert_cmpint (info->location, ==, VIREO_SNAPSHOT_INTERNAL);
  g_assert_cmpint (info->creation_time, >, 0);
  g_assert_nonnull (info->domain_xml);
  g_assert_nonnull (strstr (info->xml, "<name>s1</name>"));
  g_assert_cmpstr (vireo_test_find_snapshot (list, "s2")->parent, ==, "s1");
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_pointer (&order, g_free);

  /* Back to s1, paused: the machine is, and s1 is current; a snapshot
   * taken now is s1's child beside s2. */
  g_assert_true (vireo_test_revert_snapshot (g.domain, "s1", VIREO_SNAPSHOT_REVERT_PAUSED, &error));
  g_assert_no_error (error);
  wait_state (&g, VIREO_DOMAIN_STATE_PAUSED);
  list = vireo_test_list_snapshots_ok (g.domain);
  g_assert_cmpstr (vireo_test_current_snapshot (list), ==, "s1");
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_true (vireo_test_revert_snapshot (g.domain, "s1", VIREO_SNAPSHOT_REVERT_RUNNING, &error));
  g_assert_no_error (error);
  wait_state (&g, VIREO_DOMAIN_STATE_RUNNING);
  /* Both at once reach libvirt, which refuses them. */
  g_assert_false (vireo_test_revert_snapshot (g.domain, "s1", VIREO_SNAPSHOT_REVERT_RUNNING | VIREO_SNAPSHOT_REVERT_PAUSED, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
  g_assert_nonnull (strstr (error->message, "mutually exclusive"));
  g_clear_error (&error);
  g_assert_true (vireo_test_revert_snapshot (g.domain, "s1", VIREO_SNAPSHOT_REVERT_FORCE, &error));
  g_assert_no_error (error);

  create_ok (g.domain, "s3", "third");
  list = vireo_test_list_snapshots_ok (g.domain);
  g_assert_cmpstr (vireo_test_find_snapshot (list, "s3")->parent, ==, "s1");
  g_assert_cmpstr (vireo_test_current_snapshot (list), ==, "s3");

  /* A new description for s2 (not current) and for s3 (current): the
   * rest of each document, and which one is current, stay. */
  {
    g_autofree char *xml2 = vireo_snapshot_xml_set_description (vireo_test_find_snapshot (list, "s2")->xml, "second, edited", &error);
    g_autofree char *xml3 = NULL;
    g_autoptr(GPtrArray) after = NULL;

    g_assert_no_error (error);
    g_assert_true (vireo_test_redefine_snapshot (g.domain, xml2, FALSE, &error));
    g_assert_no_error (error);
    xml3 = vireo_snapshot_xml_set_description (vireo_test_find_snapshot (list, "s3")->xml, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (vireo_test_redefine_snapshot (g.domain, xml3, TRUE, &error));
    g_assert_no_error (error);

    after = vireo_test_list_snapshots_ok (g.domain);
    g_assert_cmpstr (vireo_test_find_snapshot (after, "s2")->description, ==, "second, edited");
    g_assert_cmpstr (vireo_test_find_snapshot (after, "s2")->parent, ==, "s1");
    g_assert_cmpint (vireo_test_find_snapshot (after, "s2")->creation_time, ==, vireo_test_find_snapshot (list, "s2")->creation_time);
    g_assert_null (vireo_test_find_snapshot (after, "s3")->description);
    g_assert_cmpstr (vireo_test_current_snapshot (after), ==, "s3");
    g_assert_cmpuint (after->len, ==, 3);
  }

  /* Redefined with an older creation time, a snapshot sorts first
   * whatever its name: oldest first, ties by name. */
  {
    g_autoptr(GRegex) re = g_regex_new ("<creationTime>[0-9]+</creationTime>", 0, 0, NULL);
    g_autoptr(GRegex) name_re = g_regex_new ("<name>s2</name>", 0, 0, NULL);
    g_autofree char *renamed = NULL;
    g_autofree char *older = NULL;
    g_autoptr(GPtrArray) after = NULL;

    /* The snapshot's <name> comes first; the machine's own is further in. */
    renamed = g_regex_replace_literal (name_re, vireo_test_find_snapshot (list, "s2")->xml, -1, 0, "<name>z-old</name>", 0, NULL);
    older = g_regex_replace_literal (re, renamed, -1, 0, "<creationTime>1000</creationTime>", 0, NULL);
    g_assert_true (vireo_test_redefine_snapshot (g.domain, older, FALSE, &error));
    g_assert_no_error (error);
    after = vireo_test_list_snapshots_ok (g.domain);
    order = vireo_test_snapshot_names (after);
    g_assert_cmpstr (order, ==, "z-old,s1,s2,s3");
    g_assert_cmpint (vireo_test_find_snapshot (after, "z-old")->creation_time, ==, 1000);
    g_clear_pointer (&order, g_free);
    g_assert_true (vireo_test_delete_snapshot (g.domain, "z-old", VIREO_SNAPSHOT_DELETE_ONE, &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Delete s1 alone: s2 and s3 become roots. */
  g_assert_true (vireo_test_delete_snapshot (g.domain, "s1", VIREO_SNAPSHOT_DELETE_ONE, &error));
  g_assert_no_error (error);
  list = vireo_test_list_snapshots_ok (g.domain);
  order = vireo_test_snapshot_names (list);
  g_assert_cmpstr (order, ==, "s2,s3");
  g_assert_null (vireo_test_find_snapshot (list, "s2")->parent);
  g_assert_null (vireo_test_find_snapshot (list, "s3")->parent);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_pointer (&order, g_free);

  /* s2 -> s4 -> s5, then the tree at s2 goes and s3 stays. */
  g_assert_true (vireo_test_revert_snapshot (g.domain, "s2", VIREO_SNAPSHOT_REVERT_DEFAULT, &error));
  g_assert_no_error (error);
  create_ok (g.domain, "s4", "fourth");
  create_ok (g.domain, "s5", "fifth");
  list = vireo_test_list_snapshots_ok (g.domain);
  g_assert_cmpstr (vireo_test_find_snapshot (list, "s4")->parent, ==, "s2");
  g_assert_cmpstr (vireo_test_find_snapshot (list, "s5")->parent, ==, "s4");
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_true (vireo_test_delete_snapshot (g.domain, "s2", VIREO_SNAPSHOT_DELETE_TREE, &error));
  g_assert_no_error (error);
  list = vireo_test_list_snapshots_ok (g.domain);
  order = vireo_test_snapshot_names (list);
  g_assert_cmpstr (order, ==, "s3");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* The test driver has no METADATA_ONLY: its refusal shows the flag
   * (0x2) reached it, and that nothing was deleted. */
  g_assert_false (vireo_test_delete_snapshot (g.domain, "s3", VIREO_SNAPSHOT_DELETE_METADATA_ONLY, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
  g_assert_nonnull (strstr (error->message, "(0x2)"));
  g_clear_error (&error);
  list = vireo_test_list_snapshots_ok (g.domain);
  g_assert_cmpuint (list->len, ==, 1);

  guest_close (&g);
}

/* A missing snapshot is NO_DOMAIN_SNAPSHOT with its name; bad documents and
 * DISK_ONLY (the test driver has no external snapshots) come back with
 * libvirt's words; a machine that is gone is NO_DOMAIN. */
static void
test_refusals (void)
{
  Guest g = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *made = NULL;
  g_autofree char *doc = internal_doc ("ext", "disk only");
  g_autoptr(GPtrArray) list = NULL;

  g_assert_cmpint (vireo_virt_error_map (VIR_FROM_DOMAIN_SNAPSHOT, VIR_ERR_NO_DOMAIN_SNAPSHOT), ==,
                   VIREO_VIRT_ERROR_NO_DOMAIN_SNAPSHOT);

  guest_open (&g, "snap-refusals", TRUE);

  g_assert_false (vireo_test_revert_snapshot (g.domain, "nope", VIREO_SNAPSHOT_REVERT_DEFAULT, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN_SNAPSHOT);
  g_assert_nonnull (strstr (error->message, "nope"));
  g_clear_error (&error);
  g_assert_false (vireo_test_delete_snapshot (g.domain, "nope", VIREO_SNAPSHOT_DELETE_TREE, &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN_SNAPSHOT);
  g_clear_error (&error);

  made = vireo_test_create_snapshot (g.domain, "<domainsnapshot><name>half", FALSE, &error);
  g_assert_null (made);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "The snapshot could not be taken: "));
  g_clear_error (&error);

  /* DISK_ONLY is 0x10; ATOMIC (0x80), always asked, the driver takes. */
  made = vireo_test_create_snapshot (g.domain, doc, TRUE, &error);
  g_assert_null (made);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
  g_assert_nonnull (strstr (error->message, "(0x10)"));
  g_clear_error (&error);

  list = vireo_test_list_snapshots_ok (g.domain);
  g_assert_cmpuint (list->len, ==, 0);

  /* Undefined behind Vireo's back, before the event is in. */
  g_assert_cmpint (virDomainDestroy (g.dom), ==, 0);
  g_assert_cmpint (virDomainUndefine (g.dom), ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = vireo_test_list_snapshots (g.domain, &error);
  g_assert_null (list);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN);
  g_clear_error (&error);

  vireo_test_wait_for (guest_unlisted, &g, 10, "the machine to go");
  /* The domain object, now detached, still answers. */
  list = vireo_test_list_snapshots (g.domain, &error);
  g_assert_null (list);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN);
  g_clear_error (&error);

  g_clear_object (&g.domain);
  virDomainFree (g.dom);
  virConnectClose (g.outside);
  vireo_connection_close (g.conn);
  g_clear_object (&g.conn);
  g_free (g.name);
}

static void
assert_png_size (GBytes *png,
                 guint   want_width,
                 guint   want_height)
{
  guint width, height;

  vireo_test_assert_png (png, &width, &height);
  g_assert_cmpuint (width, ==, want_width);
  g_assert_cmpuint (height, ==, want_height);
}

/* The test driver's screen is a 1120×832 PNG: scaled down into the box
 * with its shape kept, never enlarged. */
/* Another machine whose disk is an overlay of this one's image, and that
 * machine's snapshot which needs it: both found; the machine itself is
 * not its own user. */
static void
test_file_users (void)
{
  static const char other_xml[] =
    "<domain type='test'><name>users-other</name><memory>65536</memory><os><type>hvm</type></os>"
    "<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
    "<source file='/guest/users-other.qcow2'/>"
    "<backingStore type='file'><format type='qcow2'/><source file='/guest/users-me.qcow2'/><backingStore/>"
    "</backingStore><target dev='vda' bus='virtio'/></disk></devices></domain>";
  const char *files[] = { "/guest/users-me.qcow2", "/guest/nobody.qcow2", NULL };
  const char *own[] = { "/guest/users-other.qcow2", NULL };
  Guest g = { 0 };
  virDomainPtr other;
  virDomainSnapshotPtr snap;
  g_auto(GStrv) users = NULL;
  g_autofree char *joined = NULL;

  guest_open (&g, "users-me", FALSE);
  users = vireo_test_find_file_users (g.domain, files);
  g_assert_cmpuint (g_strv_length (users), ==, 0);
  g_clear_pointer (&users, g_strfreev);

  other = virDomainDefineXML (g.outside, other_xml);
  g_assert_nonnull (other);
  snap = virDomainSnapshotCreateXML (other, "<domainsnapshot><name>kept</name></domainsnapshot>", 0);
  g_assert_nonnull (snap);
  virDomainSnapshotFree (snap);

  users = vireo_test_find_file_users (g.domain, files);
  joined = g_strjoinv ("\n", users);
  g_assert_cmpstr (joined, ==,
                   "/guest/users-me.qcow2|users-other|-\n"
                   "/guest/users-me.qcow2|users-other|kept");
  g_clear_pointer (&users, g_strfreev);
  /* The other machine's own image: its disk and its snapshot read it. */
  users = vireo_test_find_file_users (g.domain, own);
  g_assert_cmpuint (g_strv_length (users), ==, 2);
  g_clear_pointer (&users, g_strfreev);

  g_assert_cmpint (virDomainUndefineFlags (other, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA), ==, 0);
  virDomainFree (other);
  guest_close (&g);
}

/* The test driver's default pool holds /default-pool; its made-up paths
 * are never measured on this computer. */
static void
test_space (void)
{
  Guest g = { 0 };
  g_autoptr(VireoSnapshotSpace) in_pool = NULL;
  g_autoptr(VireoSnapshotSpace) outside = NULL;

  guest_open (&g, "space", TRUE);
  in_pool = vireo_test_snapshot_space (g.domain, "/default-pool/memory");
  g_assert_true (in_pool->known);
  g_assert_cmpstr (in_pool->pool, ==, "default-pool");
  g_assert_cmpstr (in_pool->folder, ==, "/default-pool/memory");
  g_assert_cmpuint (in_pool->available, >, 0);
  outside = vireo_test_snapshot_space (g.domain, "/default-pool2");
  g_assert_false (outside->known);
  g_assert_null (outside->pool);
  guest_close (&g);
}

/* An internal snapshot merges nothing: no progress, the data released
 * once, the snapshot gone. */
static void
test_delete_with_progress (void)
{
  Guest g = { 0 };
  VireoTestProgress progress = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  guest_open (&g, "snap-progress", TRUE);
  create_ok (g.domain, "one", "d");
  g_assert_true (vireo_test_delete_snapshot_with_progress (g.domain, "one", VIREO_SNAPSHOT_DELETE_ONE, &progress,
                                                           &error));
  g_assert_no_error (error);
  g_assert_cmpuint (progress.calls, ==, 0);
  g_assert_true (progress.released);
  list = vireo_test_list_snapshots_ok (g.domain);
  g_assert_cmpuint (list->len, ==, 0);

  /* A snapshot that is not there: the error, and still released. */
  progress = (VireoTestProgress) { 0 };
  g_assert_false (vireo_test_delete_snapshot_with_progress (g.domain, "gone", VIREO_SNAPSHOT_DELETE_ONE, &progress,
                                                            &error));
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN_SNAPSHOT);
  g_assert_true (progress.released);
  guest_close (&g);
}

static void
test_screenshot (void)
{
  Guest g = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) small = NULL;
  g_autoptr(GBytes) tall = NULL;
  g_autoptr(GBytes) whole = NULL;

  guest_open (&g, "snap-screen", TRUE);

  small = vireo_test_screenshot (g.domain, 320, 240, &error);
  g_assert_no_error (error);
  assert_png_size (small, 320, 238);   /* 832 × 320 / 1120 = 237.7 */
  g_assert_cmpuint (g_bytes_get_size (small), <, 320 * 240 * 4);

  tall = vireo_test_screenshot (g.domain, 400, 104, &error);
  g_assert_no_error (error);
  assert_png_size (tall, 140, 104);    /* the height decides: 1120 / 8 */

  whole = vireo_test_screenshot (g.domain, 4000, 4000, &error);
  g_assert_no_error (error);
  assert_png_size (whole, 1120, 832);

  guest_close (&g);
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

  g_test_add_func ("/virt/snapshot/lifecycle", test_lifecycle);
  g_test_add_func ("/virt/snapshot/refusals", test_refusals);
  g_test_add_func ("/virt/snapshot/screenshot", test_screenshot);
  g_test_add_func ("/virt/snapshot/file-users", test_file_users);
  g_test_add_func ("/virt/snapshot/space", test_space);
  g_test_add_func ("/virt/snapshot/delete-with-progress", test_delete_with_progress);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
