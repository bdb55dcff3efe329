/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vireo-os-detect.h"
#include "vireo-test-util.h"

/*
 * Detection against the real osinfo-db that Debian 12 installs (osinfo-db
 * 0.20221130): ISO images built here with xorriso carry the volume,
 * system, publisher and application ids of that database's <media>
 * entries, and install trees carry the .treeinfo of its <tree> entries.
 * Debian 12 itself came after that database, so Debian 11 stands in.
 *
 * xorriso's mkisofs mode writes the system, publisher and application ids
 * in upper case (ISO 9660's a-characters) but the volume id as given; the
 * entries used here match that.
 */

static char *tmpdir;
static char *iso_root;

static VireoOsDb *
load_db (void)
{
  VireoTestAsync a = { NULL };
  g_autoptr(GError) error = NULL;
  VireoOsDb *db;

  vireo_os_db_load_async (NULL, vireo_test_async_cb, &a);
  db = vireo_os_db_load_finish (vireo_test_async_wait (&a, 60), &error);
  g_assert_no_error (error);
  g_assert_true (VIREO_IS_OS_DB (db));
  g_clear_object (&a.result);
  return db;
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* An ISO 9660 image of a small tree, with @options (mkisofs's -V, -sysid,
 * -publisher, -A) and an El Torito boot record if @bootable. */
static char *
make_iso (const char         *name,
          const char * const *options,
          gboolean            bootable)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *path = tmp_path (name);
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "xorriso");
  g_ptr_array_add (argv, (gpointer) "-as");
  g_ptr_array_add (argv, (gpointer) "mkisofs");
  g_ptr_array_add (argv, (gpointer) "-quiet");
  for (guint i = 0; options[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) options[i]);
  if (bootable)
    {
      g_ptr_array_add (argv, (gpointer) "-b");
      g_ptr_array_add (argv, (gpointer) "isolinux/boot.bin");
      g_ptr_array_add (argv, (gpointer) "-no-emul-boot");
      g_ptr_array_add (argv, (gpointer) "-boot-load-size");
      g_ptr_array_add (argv, (gpointer) "4");
    }
  g_ptr_array_add (argv, (gpointer) "-o");
  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, iso_root);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  if (g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
    g_error ("This test builds ISO images with xorriso: install it (./vireo-dev test does)");
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("xorriso failed: %s", err);
  return path;
}

typedef struct
{
  VireoOsInfo       *info;
  VireoOsMediaFacts  facts;
  GError            *error;
} MediaResult;

static void
media_result_clear (MediaResult *r)
{
  g_clear_object (&r->info);
  vireo_os_media_facts_clear (&r->facts);
  g_clear_error (&r->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MediaResult, media_result_clear)

static void
identify_media (VireoOsDb    *db,
                const char   *path,
                GCancellable *cancellable,
                MediaResult  *out)
{
  VireoTestAsync a = { NULL };

  vireo_os_db_identify_media_async (db, path, cancellable, vireo_test_async_cb, &a);
  out->info = vireo_os_db_identify_media_finish_full (db, vireo_test_async_wait (&a, 60), &out->facts,
                                                      &out->error);
  g_clear_object (&a.result);
}

static void
assert_error_names (const GError *error,
                    const char   *shown)
{
  g_assert_nonnull (error);
  if (strstr (error->message, shown) == NULL)
    g_error ("“%s” does not name “%s”", error->message, shown);
}

/* ------------------------------------------------------------------------ */
/* Install media                                                            */

static void
test_media_fedora_dvd (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *iso = make_iso ("fedora-37-server.iso", (const char *[]) {
    "-V", "Fedora-S-dvd-x86_64-37", "-sysid", "LINUX", NULL }, TRUE);
  g_auto(MediaResult) r = { NULL };

  identify_media (db, iso, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.info);
  g_assert_cmpstr (vireo_os_info_get_short_id (r.info), ==, "fedora37");
  g_assert_cmpstr (vireo_os_info_get_id (r.info), ==, "http://fedoraproject.org/fedora/37");
  /* The same object the database hands out. */
  {
    g_autoptr(VireoOsInfo) same = vireo_os_db_find_short_id (db, "fedora37");
    g_assert_true (same == r.info);
  }

  g_assert_cmpstr (r.facts.volume_id, ==, "Fedora-S-dvd-x86_64-37");
  g_assert_true (r.facts.bootable);
  g_assert_cmpstr (r.facts.arch, ==, "x86_64");
  g_assert_true (r.facts.installer);
  g_assert_false (r.facts.live);
}

/* The architecture is the matched entry's: the image says nothing else. */
static void
test_media_arch (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *iso = make_iso ("fedora-37-aarch64.iso", (const char *[]) {
    "-V", "Fedora-S-dvd-aarch64-37", "-sysid", "LINUX", NULL }, FALSE);
  g_auto(MediaResult) r = { NULL };

  identify_media (db, iso, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (vireo_os_info_get_short_id (r.info), ==, "fedora37");
  g_assert_cmpstr (r.facts.arch, ==, "aarch64");
  /* No El Torito record: read all the same. */
  g_assert_false (r.facts.bootable);
}

static void
test_media_debian (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *iso = make_iso ("debian-11-netinst.iso", (const char *[]) {
    "-V", "Debian 11.5.0 amd64 n", NULL }, TRUE);
  VireoTestAsync a = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoOsInfo) info = NULL;

  /* The short form, without the facts. */
  vireo_os_db_identify_media_async (db, iso, NULL, vireo_test_async_cb, &a);
  info = vireo_os_db_identify_media_finish (db, vireo_test_async_wait (&a, 60), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_cmpstr (vireo_os_info_get_short_id (info), ==, "debian11");
  g_assert_cmpstr (vireo_os_info_get_id (info), ==, "http://debian.org/debian/11");
}

static void
test_media_live (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *iso = make_iso ("fedora-37-workstation-live.iso", (const char *[]) {
    "-V", "Fedora-WS-Live-37-1-7", NULL }, FALSE);
  g_auto(MediaResult) r = { NULL };

  identify_media (db, iso, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (vireo_os_info_get_short_id (r.info), ==, "fedora37");
  g_assert_true (r.facts.live);
  /* Fedora's live media install too. */
  g_assert_true (r.facts.installer);
  g_assert_cmpstr (r.facts.arch, ==, "x86_64");
}

/* An entry that names all four ids: each one counts. */
static void
test_media_all_ids (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *iso = make_iso ("alt-p9.iso", (const char *[]) {
    "-V", "ALT p9 xfce/x86_64", "-sysid", "LINUX", "-publisher", "ALT LINUX TEAM",
    "-A", "ALT-P9-XFCE 20220310", NULL }, FALSE);
  g_autofree char *other_publisher = make_iso ("alt-p9-publisher.iso", (const char *[]) {
    "-V", "ALT p9 xfce/x86_64", "-sysid", "LINUX", "-publisher", "BASEALT LTD",
    "-A", "ALT-P9-XFCE 20220310", NULL }, FALSE);
  g_autofree char *no_application = make_iso ("alt-p9-no-application.iso", (const char *[]) {
    "-V", "ALT p9 xfce/x86_64", "-sysid", "LINUX", "-publisher", "ALT LINUX TEAM", NULL }, FALSE);
  g_autofree char *no_system = make_iso ("alt-p9-no-system.iso", (const char *[]) {
    "-V", "ALT p9 xfce/x86_64", "-publisher", "ALT LINUX TEAM", "-A", "ALT-P9-XFCE 20220310", NULL }, FALSE);
  const char *misses[] = { other_publisher, no_application, no_system };
  g_auto(MediaResult) r = { NULL };

  identify_media (db, iso, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.info);
  g_assert_cmpstr (vireo_os_info_get_short_id (r.info), ==, "alt.p9");
  g_assert_cmpstr (vireo_os_info_get_id (r.info), ==, "http://altlinux.org/alt/p9.starterkits");
  g_assert_true (r.facts.live);

  for (guint i = 0; i < G_N_ELEMENTS (misses); i++)
    {
      g_auto(MediaResult) miss = { NULL };

      identify_media (db, misses[i], NULL, &miss);
      g_assert_no_error (miss.error);
      g_assert_null (miss.info);
      g_assert_cmpstr (miss.facts.volume_id, ==, "ALT p9 xfce/x86_64");
    }
}

/* A readable ISO nothing matches: no system, no error. */
static void
test_media_unknown (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *iso = make_iso ("vireo-test.iso", (const char *[]) { "-V", "VIREO_TEST_DISC", NULL }, TRUE);
  g_autofree char *blank = make_iso ("blank-volume.iso", (const char *[]) { "-V", "", NULL }, FALSE);
  g_auto(MediaResult) r = { NULL };
  g_auto(MediaResult) b = { NULL };

  identify_media (db, iso, NULL, &r);
  g_assert_no_error (r.error);
  g_assert_null (r.info);
  g_assert_cmpstr (r.facts.volume_id, ==, "VIREO_TEST_DISC");
  g_assert_true (r.facts.bootable);
  g_assert_null (r.facts.arch);
  g_assert_false (r.facts.installer);
  g_assert_false (r.facts.live);

  /* libosinfo refuses a blank volume id; it is still an ISO. */
  identify_media (db, blank, NULL, &b);
  g_assert_no_error (b.error);
  g_assert_null (b.info);
  g_assert_null (b.facts.volume_id);
}

static void
test_media_unreadable (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *missing = tmp_path ("no such image.iso");
  g_autofree char *text = tmp_path ("notes.iso");
  g_autofree char *empty = tmp_path ("empty.iso");
  g_autofree char *unsigned_iso = make_iso ("no-signature.iso", (const char *[]) {
    "-V", "Debian 11.5.0 amd64 n", NULL }, FALSE);
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autofree char *image = NULL;
  gsize image_len = 0;

  /* Bigger than the 34 KiB libosinfo reads, so it would find a
   * "volume id" in it. */
  while (lines->len < 100 * 1024)
    g_string_append (lines, "This is not a disc image, only text that goes on and on.\n");
  g_assert_true (g_file_set_contents (text, lines->str, lines->len, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  /* A whole image but for the signature of its primary volume descriptor
   * (as a UDF-only image would be): libosinfo alone reads it as Debian. */
  g_assert_true (g_file_get_contents (unsigned_iso, &image, &image_len, NULL));
  g_assert_cmpuint (image_len, >, 16 * 2048 + 6);
  g_assert_cmpmem (image + 16 * 2048, 6, "\001CD001", 6);
  memcpy (image + 16 * 2048 + 1, "BEA01", 5);
  g_assert_true (g_file_set_contents (unsigned_iso, image, image_len, NULL));

  {
    g_auto(MediaResult) r = { NULL };

    identify_media (db, missing, NULL, &r);
    g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    assert_error_names (r.error, missing);
    g_assert_null (r.info);
    g_assert_null (r.facts.volume_id);
  }
  {
    g_auto(MediaResult) r = { NULL };

    identify_media (db, text, NULL, &r);
    g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    assert_error_names (r.error, text);
    g_assert_null (r.info);
  }
  {
    g_auto(MediaResult) r = { NULL };

    identify_media (db, unsigned_iso, NULL, &r);
    g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    assert_error_names (r.error, unsigned_iso);
    g_assert_null (r.info);
  }
  {
    g_auto(MediaResult) r = { NULL };

    identify_media (db, empty, NULL, &r);
    g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    assert_error_names (r.error, empty);
  }
  {
    g_auto(MediaResult) r = { NULL };

    identify_media (db, tmpdir, NULL, &r);
    g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
    assert_error_names (r.error, tmpdir);
  }
}

static void
test_media_cancelled (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *iso = make_iso ("cancelled.iso", (const char *[]) {
    "-V", "Debian 11.5.0 amd64 n", NULL }, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(MediaResult) r = { NULL };

  g_cancellable_cancel (cancellable);
  identify_media (db, iso, cancellable, &r);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (r.info);
}

static GThread *main_thread;

static gboolean
note_thread (gpointer data)
{
  gboolean *elsewhere = data;

  if (g_thread_self () != main_thread)
    *elsewhere = TRUE;
  return G_SOURCE_CONTINUE;
}

/* Several at once, and libosinfo's own main loop never runs the
 * caller's context: a source of the main context is only ever dispatched
 * on the main thread. */
static void
test_media_concurrent (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  const struct
  {
    const char *name;
    const char *volume;
    const char *short_id;
  } images[] = {
    { "c-fedora.iso", "Fedora-S-dvd-x86_64-37", "fedora37" },
    { "c-debian.iso", "Debian 11.5.0 amd64 n", "debian11" },
    { "c-live.iso", "Fedora-WS-Live-37-1-7", "fedora37" },
    { "c-none.iso", "NOTHING_KNOWN", NULL },
  };
  VireoTestAsync a[G_N_ELEMENTS (images)] = { { NULL } };
  char *paths[G_N_ELEMENTS (images)];
  gboolean elsewhere = FALSE;
  guint idle;

  main_thread = g_thread_self ();
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    paths[i] = make_iso (images[i].name, (const char *[]) { "-V", images[i].volume, NULL }, FALSE);

  idle = g_idle_add (note_thread, &elsewhere);
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    vireo_os_db_identify_media_async (db, paths[i], NULL, vireo_test_async_cb, &a[i]);
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VireoOsInfo) info = vireo_os_db_identify_media_finish (db, vireo_test_async_wait (&a[i], 60),
                                                                       &error);

      g_assert_no_error (error);
      if (images[i].short_id == NULL)
        g_assert_null (info);
      else
        g_assert_cmpstr (vireo_os_info_get_short_id (info), ==, images[i].short_id);
      g_clear_object (&a[i].result);
      g_free (paths[i]);
    }
  g_source_remove (idle);
  g_assert_false (elsewhere);
}

/* ------------------------------------------------------------------------ */
/* Install trees                                                            */

/* A Fedora 37 Server tree's .treeinfo (productmd 1.2, with the [general]
 * section older readers use), version and paths made replaceable. */
static char *
fedora_treeinfo (const char *version,
                 const char *kernel,
                 const char *initrd)
{
  return g_strdup_printf ("[header]\n"
                          "type = productmd.treeinfo\n"
                          "version = 1.2\n"
                          "\n"
                          "[release]\n"
                          "name = Fedora\n"
                          "short = Fedora\n"
                          "version = %s\n"
                          "\n"
                          "[tree]\n"
                          "arch = x86_64\n"
                          "platforms = x86_64,xen\n"
                          "variants = Server\n"
                          "\n"
                          "[general]\n"
                          "arch = x86_64\n"
                          "family = Fedora\n"
                          "name = Fedora %s\n"
                          "packagedir = Packages\n"
                          "platforms = x86_64,xen\n"
                          "repository = .\n"
                          "variant = Server\n"
                          "variants = Server\n"
                          "version = %s\n"
                          "\n"
                          "[images-x86_64]\n"
                          "boot.iso = images/boot.iso\n"
                          "initrd = %s\n"
                          "kernel = %s\n"
                          "\n"
                          "[images-xen]\n"
                          "initrd = images/pxeboot/xen-initrd.img\n"
                          "kernel = images/pxeboot/xen-vmlinuz\n"
                          "\n"
                          "[stage2]\n"
                          "mainimage = images/install.img\n",
                          version, version, version, initrd, kernel);
}

/* A folder in the temporary one with @file_name holding @contents (none
 * if NULL); returns its path. */
static char *
make_tree (const char *name,
           const char *file_name,
           const char *contents)
{
  char *dir = tmp_path (name);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  if (file_name != NULL)
    {
      g_autofree char *file = g_build_filename (dir, file_name, NULL);
      g_assert_true (g_file_set_contents (file, contents, -1, NULL));
    }
  return dir;
}

typedef struct
{
  VireoOsInfo *info;
  char        *kernel;
  char        *initrd;
  GError      *error;
} TreeResult;

static void
tree_result_clear (TreeResult *r)
{
  g_clear_object (&r->info);
  g_clear_pointer (&r->kernel, g_free);
  g_clear_pointer (&r->initrd, g_free);
  g_clear_error (&r->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TreeResult, tree_result_clear)

static void
identify_tree (VireoOsDb  *db,
               const char *url,
               TreeResult *out)
{
  VireoTestAsync a = { NULL };

  vireo_os_db_identify_tree_async (db, url, NULL, vireo_test_async_cb, &a);
  out->info = vireo_os_db_identify_tree_finish (db, vireo_test_async_wait (&a, 60), &out->kernel, &out->initrd,
                                                &out->error);
  g_clear_object (&a.result);
}

static void
test_tree_fedora (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *treeinfo = fedora_treeinfo ("37", "images/pxeboot/vmlinuz", "images/pxeboot/initrd.img");
  g_autofree char *dir = make_tree ("fedora-37-tree", ".treeinfo", treeinfo);
  g_autofree char *uri = g_filename_to_uri (dir, NULL, NULL);
  g_autofree char *slash = g_strconcat (uri, "/", NULL);
  g_autofree char *upper = g_strconcat ("FILE", uri + strlen ("file"), NULL);
  /* Every spelling of the same folder. */
  const char *urls[] = { uri, slash, dir, upper };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_auto(TreeResult) r = { NULL };

      identify_tree (db, urls[i], &r);
      g_assert_no_error (r.error);
      g_assert_nonnull (r.info);
      g_assert_cmpstr (vireo_os_info_get_short_id (r.info), ==, "fedora37");
      g_assert_cmpstr (r.kernel, ==, "images/pxeboot/vmlinuz");
      g_assert_cmpstr (r.initrd, ==, "images/pxeboot/initrd.img");
    }
}

/* Newer than the database: its catch-all entry for later Fedoras. */
static void
test_tree_newer_fedora (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *treeinfo = fedora_treeinfo ("39", "images/pxeboot/vmlinuz", "images/pxeboot/initrd.img");
  g_autofree char *dir = make_tree ("fedora-39-tree", ".treeinfo", treeinfo);
  g_autofree char *uri = g_filename_to_uri (dir, NULL, NULL);
  g_auto(TreeResult) r = { NULL };

  identify_tree (db, uri, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (vireo_os_info_get_short_id (r.info), ==, "fedora-unknown");
  g_assert_cmpstr (vireo_os_info_get_id (r.info), ==, "http://fedoraproject.org/fedora/unknown");
}

/* "treeinfo" without the dot; the paths are the file's (osinfo-db's
 * entry names none), for the tree's own architecture. */
static void
test_tree_centos (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *dir = make_tree ("centos-stream-9-tree", "treeinfo",
                                    "[general]\n"
                                    "family = CentOS Stream\n"
                                    "version = 9\n"
                                    "arch = aarch64\n"
                                    "variant = BaseOS\n"
                                    "\n"
                                    "[images-x86_64]\n"
                                    "kernel = wrong/x86_64/vmlinuz\n"
                                    "initrd = wrong/x86_64/initrd.img\n"
                                    "\n"
                                    "[images-aarch64]\n"
                                    "kernel = boot/aarch64/vmlinuz\n"
                                    "initrd = boot/aarch64/initrd.img\n");
  g_autofree char *uri = g_filename_to_uri (dir, NULL, NULL);
  g_auto(TreeResult) r = { NULL };

  identify_tree (db, uri, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (vireo_os_info_get_short_id (r.info), ==, "centos-stream9");
  g_assert_cmpstr (r.kernel, ==, "boot/aarch64/vmlinuz");
  g_assert_cmpstr (r.initrd, ==, "boot/aarch64/initrd.img");
}

static void
test_tree_unknown (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *dir = make_tree ("vireo-linux-tree", ".treeinfo",
                                    "[general]\n"
                                    "family = Vireo Linux\n"
                                    "version = 1\n"
                                    "arch = x86_64\n"
                                    "\n"
                                    "[images-x86_64]\n"
                                    "kernel = images/pxeboot/vmlinuz\n"
                                    "initrd = images/pxeboot/initrd.img\n");
  g_autofree char *bare = make_tree ("bare-tree", "README", "No .treeinfo here, as on a Debian mirror.\n");
  g_autofree char *unsafe = make_tree ("unsafe-tree", ".treeinfo",
                                       "[general]\n"
                                       "family = Fedora\n"
                                       "version = 37\n"
                                       "variant = Server\n"
                                       "arch = x86_64\n"
                                       "\n"
                                       "[images-x86_64]\n"
                                       "kernel = ../../../boot/vmlinuz\n"
                                       "initrd = /boot/initrd.img\n");
  g_autofree char *uri = g_filename_to_uri (dir, NULL, NULL);
  g_autofree char *bare_uri = g_filename_to_uri (bare, NULL, NULL);
  g_autofree char *unsafe_uri = g_filename_to_uri (unsafe, NULL, NULL);

  /* Not recognised, but the paths are the tree's and still useful. */
  {
    g_auto(TreeResult) r = { NULL };

    identify_tree (db, uri, &r);
    g_assert_no_error (r.error);
    g_assert_null (r.info);
    g_assert_cmpstr (r.kernel, ==, "images/pxeboot/vmlinuz");
    g_assert_cmpstr (r.initrd, ==, "images/pxeboot/initrd.img");
  }
  /* No .treeinfo: libosinfo cannot tell, and that is no error. */
  {
    g_auto(TreeResult) r = { NULL };

    identify_tree (db, bare_uri, &r);
    g_assert_no_error (r.error);
    g_assert_null (r.info);
    g_assert_null (r.kernel);
    g_assert_null (r.initrd);
  }
  /* Paths that leave the tree or start at the root are not given. */
  {
    g_auto(TreeResult) r = { NULL };

    identify_tree (db, unsafe_uri, &r);
    g_assert_no_error (r.error);
    g_assert_cmpstr (vireo_os_info_get_short_id (r.info), ==, "fedora37");
    g_assert_null (r.kernel);
    g_assert_null (r.initrd);
  }
}

static void
test_tree_unreadable (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autofree char *missing = tmp_path ("no such tree");
  g_autofree char *missing_uri = g_filename_to_uri (missing, NULL, NULL);
  g_autofree char *broken = make_tree ("broken-tree", ".treeinfo", "this is not a key file\n");
  g_autofree char *broken_uri = g_filename_to_uri (broken, NULL, NULL);
  g_autofree char *file = tmp_path ("a-file");
  g_autofree char *file_uri = g_filename_to_uri (file, NULL, NULL);
  const struct
  {
    const char *url;
    GIOErrorEnum code;
  } cases[] = {
    { missing_uri, G_IO_ERROR_NOT_FOUND },
    { missing, G_IO_ERROR_NOT_FOUND },
    { broken_uri, G_IO_ERROR_INVALID_DATA },
    { file_uri, G_IO_ERROR_NOT_DIRECTORY },
    { "ftp://mirror.example.org/fedora/37/Server/x86_64/os", G_IO_ERROR_NOT_SUPPORTED },
    { "nfs:server:/export/tree", G_IO_ERROR_NOT_SUPPORTED },
    { "http:no-authority", G_IO_ERROR_INVALID_ARGUMENT },
    { "relative/folder", G_IO_ERROR_INVALID_ARGUMENT },
  };

  g_assert_true (g_file_set_contents (file, "not a folder\n", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(TreeResult) r = { NULL };

      identify_tree (db, cases[i].url, &r);
      g_assert_error (r.error, G_IO_ERROR, (gint) cases[i].code);
      assert_error_names (r.error, cases[i].url);
      g_assert_null (r.info);
      g_assert_null (r.kernel);
      g_assert_null (r.initrd);
    }
}

/* Over HTTP, from a server on the loopback interface. */

typedef struct
{
  GSocketService *service;
  guint16         port;
  char           *treeinfo;
  guint           requests;
} Server;

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  Server *server = user_data;
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autofree char *request = NULL;
  g_autofree char *reply = NULL;
  char *line;

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  request = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  while ((line = g_data_input_stream_read_line (in, NULL, NULL, NULL)) != NULL && *line != '\0')
    g_free (line);
  g_free (line);
  server->requests++;

  if (request != NULL && g_str_has_prefix (request, "GET /fedora/37/os/.treeinfo "))
    reply = g_strdup_printf ("HTTP/1.1 200 OK\r\n"
                             "Content-Type: text/plain\r\n"
                             "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                             "Connection: close\r\n"
                             "\r\n%s",
                             strlen (server->treeinfo), server->treeinfo);
  else
    reply = g_strdup ("HTTP/1.1 404 Not Found\r\n"
                      "Content-Type: text/plain\r\n"
                      "Content-Length: 10\r\n"
                      "Connection: close\r\n"
                      "\r\nNot found\n");
  g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static guint16
bind_loopback (GSocketListener *listener)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &bound, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_tree_http (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  Server server = { NULL };
  g_autofree char *url = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *refused = NULL;

  server.treeinfo = fedora_treeinfo ("37", "images/pxeboot/vmlinuz", "images/pxeboot/initrd.img");
  server.service = g_socket_service_new ();
  server.port = bind_loopback (G_SOCKET_LISTENER (server.service));
  g_signal_connect (server.service, "incoming", G_CALLBACK (on_incoming), &server);
  g_socket_service_start (server.service);

  url = g_strdup_printf ("http://127.0.0.1:%u/fedora/37/os/", server.port);
  {
    g_auto(TreeResult) r = { NULL };

    identify_tree (db, url, &r);
    g_assert_no_error (r.error);
    g_assert_cmpstr (vireo_os_info_get_short_id (r.info), ==, "fedora37");
    g_assert_cmpstr (r.kernel, ==, "images/pxeboot/vmlinuz");
    g_assert_cmpstr (r.initrd, ==, "images/pxeboot/initrd.img");
    g_assert_cmpuint (server.requests, ==, 1);
  }

  /* The server answers, without a .treeinfo (nor a treeinfo). */
  missing = g_strdup_printf ("http://127.0.0.1:%u/debian/dists/bookworm/main/installer-amd64", server.port);
  {
    g_auto(TreeResult) r = { NULL };

    identify_tree (db, missing, &r);
    g_assert_no_error (r.error);
    g_assert_null (r.info);
    g_assert_null (r.kernel);
    g_assert_cmpuint (server.requests, ==, 3);
  }

  g_socket_service_stop (server.service);
  g_socket_listener_close (G_SOCKET_LISTENER (server.service));

  /* Nobody listens there any more. */
  refused = g_strdup_printf ("http://127.0.0.1:%u/fedora/37/os", server.port);
  {
    g_auto(TreeResult) r = { NULL };

    identify_tree (db, refused, &r);
    g_assert_nonnull (r.error);
    g_assert_true (r.error->domain == G_IO_ERROR);
    assert_error_names (r.error, refused);
    g_assert_null (r.info);
  }

  g_clear_object (&server.service);
  g_free (server.treeinfo);
}

/* ------------------------------------------------------------------------ */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const proxies[] = {
    "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", NULL
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *isolinux = NULL;
  g_autofree char *boot = NULL;
  g_autofree char *readme = NULL;
  g_autofree char *zeros = g_malloc0 (2048);
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  /* The HTTP test talks to 127.0.0.1 directly, never through a proxy. */
  for (guint i = 0; proxies[i] != NULL; i++)
    g_unsetenv (proxies[i]);
  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("vireo-os-detect-XXXXXX", &error);
  g_assert_no_error (error);
  /* What the images hold; a boot image for those with El Torito. */
  iso_root = tmp_path ("iso-root");
  isolinux = g_build_filename (iso_root, "isolinux", NULL);
  boot = g_build_filename (isolinux, "boot.bin", NULL);
  readme = g_build_filename (iso_root, "README", NULL);
  g_assert_cmpint (g_mkdir_with_parents (isolinux, 0755), ==, 0);
  g_assert_true (g_file_set_contents (boot, zeros, 2048, NULL));
  g_assert_true (g_file_set_contents (readme, "Vireo's test media\n", -1, NULL));

  g_test_add_func ("/os-detect/media/fedora-dvd", test_media_fedora_dvd);
  g_test_add_func ("/os-detect/media/arch", test_media_arch);
  g_test_add_func ("/os-detect/media/debian", test_media_debian);
  g_test_add_func ("/os-detect/media/live", test_media_live);
  g_test_add_func ("/os-detect/media/all-ids", test_media_all_ids);
  g_test_add_func ("/os-detect/media/unknown", test_media_unknown);
  g_test_add_func ("/os-detect/media/unreadable", test_media_unreadable);
  g_test_add_func ("/os-detect/media/cancelled", test_media_cancelled);
  g_test_add_func ("/os-detect/media/concurrent", test_media_concurrent);
  g_test_add_func ("/os-detect/tree/fedora", test_tree_fedora);
  g_test_add_func ("/os-detect/tree/newer-fedora", test_tree_newer_fedora);
  g_test_add_func ("/os-detect/tree/centos", test_tree_centos);
  g_test_add_func ("/os-detect/tree/unknown", test_tree_unknown);
  g_test_add_func ("/os-detect/tree/unreadable", test_tree_unreadable);
  g_test_add_func ("/os-detect/tree/http", test_tree_http);

  status = g_test_run ();

  remove_tree (tmpdir);
  g_free (iso_root);
  g_free (tmpdir);
  return status;
}
