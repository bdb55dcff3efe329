/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-os-info.h"
#include "vireo-test-model.h"
#include "vireo-test-util.h"

/*
 * Against the real osinfo-db that Debian 12 installs (osinfo-db
 * 0.20221130): what these tests name is in that release and in every later
 * one. Dates are chosen so the results hold until 2031.
 */

#define GiB (G_GUINT64_CONSTANT (1) << 30)

#define ID_UBUNTU_2204 "http://ubuntu.com/ubuntu/22.04"
#define ID_WIN11       "http://microsoft.com/win/11"
#define ID_DEBIAN7     "http://debian.org/debian/7"
#define ID_LINUX2022   "http://libosinfo.org/linux/2022"

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

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */

typedef struct
{
  GMainContext *context;
  VireoOsDb    *db;
} ThreadLoad;

static gpointer
load_in_thread (gpointer data)
{
  ThreadLoad *t = data;
  VireoTestAsync a = { NULL };
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (t->context);
  vireo_os_db_load_async (NULL, vireo_test_async_cb, &a);
  while (a.result == NULL)
    g_main_context_iteration (t->context, TRUE);
  t->db = vireo_os_db_load_finish (a.result, &error);
  g_assert_no_error (error);
  g_object_unref (a.result);
  g_main_context_pop_thread_default (t->context);
  return NULL;
}

/* Runs first: nothing is loaded yet, and callers on three threads (each
 * with its own context) plus one that gives up all ask at once. */
static void
test_load_concurrent (void)
{
  ThreadLoad t[2];
  GThread *threads[2];
  VireoTestAsync main_call = { NULL };
  VireoTestAsync cancelled_call = { NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoOsDb) db = NULL;
  g_autoptr(VireoOsDb) none = NULL;

  g_assert_null (vireo_os_db_get_loaded ());

  vireo_os_db_load_async (cancellable, vireo_test_async_cb, &cancelled_call);
  vireo_os_db_load_async (NULL, vireo_test_async_cb, &main_call);
  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    {
      t[i].context = g_main_context_new ();
      t[i].db = NULL;
      threads[i] = g_thread_new ("os-db-test", load_in_thread, &t[i]);
    }
  g_cancellable_cancel (cancellable);

  none = vireo_os_db_load_finish (vireo_test_async_wait (&cancelled_call, 60), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (none);

  db = vireo_os_db_load_finish (vireo_test_async_wait (&main_call, 60), NULL);
  g_assert_true (VIREO_IS_OS_DB (db));
  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    {
      g_thread_join (threads[i]);
      g_assert_true (t[i].db == db);
      g_object_unref (t[i].db);
      g_main_context_unref (t[i].context);
    }
  g_clear_object (&main_call.result);
  g_clear_object (&cancelled_call.result);

  /* Debian 12's database has some 790 systems. */
  g_assert_cmpuint (vireo_os_db_get_n_os (db), >, 500);
}

static void
test_load_cached (void)
{
  g_autoptr(VireoOsDb) first = load_db ();
  g_autoptr(VireoOsDb) loaded = vireo_os_db_get_loaded ();
  VireoTestAsync a = { NULL };
  g_autoptr(VireoOsDb) again = NULL;
  guint turns = 0;

  g_assert_true (loaded == first);

  /* Loaded already: the answer is queued at once, no thread involved, so
   * a few non-blocking turns of the main loop deliver it. */
  vireo_os_db_load_async (NULL, vireo_test_async_cb, &a);
  while (a.result == NULL && turns < 10)
    {
      g_main_context_iteration (NULL, FALSE);
      turns++;
    }
  g_assert_nonnull (a.result);
  again = vireo_os_db_load_finish (a.result, NULL);
  g_assert_true (again == first);
  g_clear_object (&a.result);
}

static void
test_load_cancelled_after (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { NULL };

  g_cancellable_cancel (cancellable);
  vireo_os_db_load_async (cancellable, vireo_test_async_cb, &a);
  g_assert_null (vireo_os_db_load_finish (vireo_test_async_wait (&a, 10), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&a.result);
}

/* ------------------------------------------------------------------------ */
/* Search and lookup                                                        */

static VireoOsInfo *
nth (GListModel *model,
     guint       i)
{
  /* The list keeps it alive; tests read it while they hold the list. */
  g_autoptr(VireoOsInfo) info = g_list_model_get_item (model, i);

  g_assert_nonnull (info);
  return info;
}

static gboolean
contains_id (GListModel *model,
             const char *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (vireo_os_info_get_id (nth (model, i)), id))
      return TRUE;
  return FALSE;
}

static gboolean
contains_casefold (const char *haystack,
                   const char *needle)
{
  g_autofree char *h = haystack != NULL ? g_utf8_casefold (haystack, -1) : g_strdup ("");
  g_autofree char *n = g_utf8_casefold (needle, -1);

  return strstr (h, n) != NULL;
}

static void
test_search_ubuntu (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autoptr(GListModel) found = vireo_os_db_search (db, "ubuntu 22.04", VIREO_OS_SEARCH_DEFAULT, 0);

  g_assert_cmpuint (g_list_model_get_n_items (found), >=, 1);
  /* The short id ubuntu22.04, spaces aside, wins. */
  g_assert_cmpstr (vireo_os_info_get_id (nth (found, 0)), ==, ID_UBUNTU_2204);
  g_assert_cmpstr (vireo_os_info_get_short_id (nth (found, 0)), ==, "ubuntu22.04");
  g_assert_cmpstr (vireo_os_info_get_name (nth (found, 0)), ==, "Ubuntu 22.04 LTS");
  g_assert_cmpstr (vireo_os_info_get_vendor (nth (found, 0)), ==, "Canonical Ltd");
  g_assert_cmpstr (vireo_os_info_get_version (nth (found, 0)), ==, "22.04");
  g_assert_cmpstr (vireo_os_info_get_family (nth (found, 0)), ==, "linux");
  g_assert_cmpstr (vireo_os_info_get_distro (nth (found, 0)), ==, "ubuntu");
  g_assert_cmpstr (vireo_os_info_get_release_date (nth (found, 0)), ==, "2022-04-21");
  g_assert_cmpuint (vireo_os_info_get_release_year (nth (found, 0)), ==, 2022);

  /* Every word must match somewhere. */
  for (guint i = 0; i < g_list_model_get_n_items (found); i++)
    {
      VireoOsInfo *info = nth (found, i);
      g_autofree char *all = g_strjoin (" ", vireo_os_info_get_name (info),
                                        vireo_os_info_get_short_id (info),
                                        vireo_os_info_get_vendor (info),
                                        vireo_os_info_get_version (info), NULL);

      g_assert_true (contains_casefold (all, "22.04"));
    }

  /* Case does not matter. */
  {
    g_autoptr(GListModel) upper = vireo_os_db_search (db, "UBUNTU 22.04", VIREO_OS_SEARCH_DEFAULT, 0);
    g_assert_cmpstr (vireo_os_info_get_id (nth (upper, 0)), ==, ID_UBUNTU_2204);
  }
}

static void
test_search_win11 (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autoptr(GListModel) found = vireo_os_db_search (db, "win11", VIREO_OS_SEARCH_DEFAULT, 0);
  g_autoptr(GListModel) by_name = vireo_os_db_search (db, "windows 11", VIREO_OS_SEARCH_DEFAULT, 0);

  g_assert_cmpuint (g_list_model_get_n_items (found), >=, 1);
  g_assert_cmpstr (vireo_os_info_get_id (nth (found, 0)), ==, ID_WIN11);
  g_assert_cmpstr (vireo_os_info_get_name (nth (found, 0)), ==, "Microsoft Windows 11");
  g_assert_true (contains_id (by_name, ID_WIN11));
}

static void
test_search_fedora (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autoptr(GListModel) found = vireo_os_db_search (db, "fedora", VIREO_OS_SEARCH_DEFAULT, 0);
  g_autoptr(GListModel) all = vireo_os_db_search (db, "fedora", VIREO_OS_SEARCH_INCLUDE_EOL, 0);
  g_autoptr(GListModel) three = vireo_os_db_search (db, "fedora", VIREO_OS_SEARCH_DEFAULT, 3);
  guint n = g_list_model_get_n_items (found);
  guint previous_year = G_MAXUINT;
  gboolean in_named_run = TRUE;

  g_assert_cmpuint (n, >, 3);
  g_assert_true (contains_id (found, "http://fedoraproject.org/fedora/37"));

  /* Systems named Fedora come first, the newest first among them. */
  for (guint i = 0; i < n; i++)
    {
      VireoOsInfo *info = nth (found, i);
      gboolean named = contains_casefold (vireo_os_info_get_name (info), "fedora")
                       || contains_casefold (vireo_os_info_get_short_id (info), "fedora");
      guint year = vireo_os_info_get_release_year (info);

      g_assert_true (named || contains_casefold (vireo_os_info_get_vendor (info), "fedora"));
      g_assert_false (vireo_os_info_get_eol (info));
      if (!named)
        in_named_run = FALSE;
      else
        g_assert_true (in_named_run);
      if (in_named_run && year != 0)
        {
          g_assert_cmpuint (year, <=, previous_year);
          previous_year = year;
        }
    }
  /* The entry called just "Fedora" (releases newer than the database)
   * first, then the newest numbered release. */
  g_assert_cmpstr (vireo_os_info_get_name (nth (found, 0)), ==, "Fedora");
  g_assert_cmpstr (vireo_os_info_get_short_id (nth (found, 1)), ==, "fedora37");

  /* Out of support: hidden by default, listed when asked. */
  g_assert_false (contains_id (found, "http://fedoraproject.org/fedora/20"));
  g_assert_true (contains_id (all, "http://fedoraproject.org/fedora/20"));
  g_assert_cmpuint (g_list_model_get_n_items (all), >, n);

  /* max cuts the same order short. */
  g_assert_cmpuint (g_list_model_get_n_items (three), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (nth (three, i) == nth (found, i));
}

static void
test_search_eol (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autoptr(GListModel) hidden = vireo_os_db_search (db, "ubuntu14.04", VIREO_OS_SEARCH_DEFAULT, 0);
  g_autoptr(GListModel) shown = vireo_os_db_search (db, "ubuntu14.04", VIREO_OS_SEARCH_INCLUDE_EOL, 0);
  g_autoptr(GListModel) everything = vireo_os_db_search (db, "", VIREO_OS_SEARCH_DEFAULT, 0);
  g_autoptr(GListModel) spaces = vireo_os_db_search (db, "   ", VIREO_OS_SEARCH_DEFAULT, 0);
  g_autoptr(GListModel) nothing = vireo_os_db_search (db, "no such system anywhere", VIREO_OS_SEARCH_INCLUDE_EOL, 0);

  g_assert_false (contains_id (hidden, "http://ubuntu.com/ubuntu/14.04"));
  g_assert_cmpstr (vireo_os_info_get_id (nth (shown, 0)), ==, "http://ubuntu.com/ubuntu/14.04");
  g_assert_true (vireo_os_info_get_eol (nth (shown, 0)));
  g_assert_cmpstr (vireo_os_info_get_eol_date (nth (shown, 0)), ==, "2019-04-17");

  /* No words: every supported system, never the "unknown" entry. */
  g_assert_cmpuint (g_list_model_get_n_items (everything), >, 100);
  g_assert_cmpuint (g_list_model_get_n_items (spaces), ==, g_list_model_get_n_items (everything));
  g_assert_false (contains_id (everything, VIREO_OS_ID_UNKNOWN));
  g_assert_true (contains_id (everything, ID_WIN11));
  g_assert_cmpuint (g_list_model_get_n_items (nothing), ==, 0);
}

static void
test_find (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autoptr(VireoOsInfo) win11 = vireo_os_db_find (db, ID_WIN11);
  g_autoptr(VireoOsInfo) again = vireo_os_db_find (db, ID_WIN11);
  g_autoptr(VireoOsInfo) by_short = vireo_os_db_find_short_id (db, "win11");
  g_autoptr(VireoOsInfo) unknown = vireo_os_db_get_unknown (db);
  g_autoptr(VireoOsInfo) unknown_by_id = vireo_os_db_find (db, VIREO_OS_ID_UNKNOWN);
  g_autoptr(VireoOsInfo) newer = vireo_os_db_find (db, "http://fedoraproject.org/fedora/39");
  g_autoptr(VireoOsInfo) junk = vireo_os_db_find (db, "not an id");
  g_autoptr(GListModel) found = vireo_os_db_search (db, "win11", VIREO_OS_SEARCH_DEFAULT, 1);
  g_autofree char *name = NULL;
  gboolean eol = TRUE;

  g_assert_nonnull (win11);
  /* One object per system. */
  g_assert_true (win11 == again);
  g_assert_true (win11 == by_short);
  g_assert_true (win11 == nth (found, 0));
  g_assert_true (unknown == unknown_by_id);
  /* Fedora 39 came after this database. */
  g_assert_null (newer);
  g_assert_null (junk);

  g_assert_true (vireo_os_info_get_unknown (unknown));
  g_assert_true (vireo_os_info_get_generic (unknown));
  g_assert_false (vireo_os_info_get_unknown (win11));
  g_assert_false (vireo_os_info_get_generic (win11));

  /* Properties, for templates. */
  g_object_get (win11, "name", &name, "eol", &eol, NULL);
  g_assert_cmpstr (name, ==, "Microsoft Windows 11");
  g_assert_false (eol);
}

/* ------------------------------------------------------------------------ */
/* Resources and hints                                                      */

static VireoOsInfo *
find (VireoOsDb  *db,
      const char *id)
{
  VireoOsInfo *info = vireo_os_db_find (db, id);

  if (info == NULL)
    g_error ("%s is not in the database", id);
  return info;
}

static void
test_windows11 (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autoptr(VireoOsInfo) win11 = find (db, ID_WIN11);
  g_autoptr(VireoOsInfo) win10 = find (db, "http://microsoft.com/win/10");
  g_autoptr(VireoOsInfo) win7 = find (db, "http://microsoft.com/win/7");
  VireoOsResources min;
  VireoOsResources rec;

  g_assert_true (vireo_os_info_get_needs_tpm (win11));
  g_assert_true (vireo_os_info_get_needs_uefi (win11));
  g_assert_true (vireo_os_info_get_supports_uefi (win11));
  g_assert_true (vireo_os_info_get_secure_boot (win11));
  /* No virtio drivers in the box. */
  g_assert_false (vireo_os_info_get_virtio_disk (win11));
  g_assert_false (vireo_os_info_get_virtio_net (win11));
  g_assert_true (vireo_os_info_get_q35 (win11));
  g_assert_cmpstr (vireo_os_info_get_nic_model (win11), ==, "e1000e");
  g_assert_cmpstr (vireo_os_info_get_disk_bus (win11), ==, "sata");
  g_assert_cmpstr (vireo_os_info_get_video_model (win11), ==, "qxl");
  g_assert_cmpstr (vireo_os_info_get_sound_model (win11), ==, "ich9");

  vireo_os_info_get_minimum_resources (win11, &min);
  g_assert_cmpuint (min.ram, ==, 4 * GiB);
  g_assert_cmpuint (min.n_cpus, ==, 2);
  g_assert_cmpuint (min.storage, ==, 64 * GiB);
  /* The database recommends nothing for Windows 11: the minimum it is. */
  vireo_os_info_get_recommended_resources (win11, &rec);
  g_assert_cmpuint (rec.ram, ==, min.ram);
  g_assert_cmpuint (rec.n_cpus, ==, min.n_cpus);
  g_assert_cmpuint (rec.storage, ==, min.storage);

  /* Windows 10 boots either way, with Secure Boot too, without a TPM. */
  g_assert_false (vireo_os_info_get_needs_tpm (win10));
  g_assert_false (vireo_os_info_get_needs_uefi (win10));
  g_assert_true (vireo_os_info_get_secure_boot (win10));
  /* Windows 7 predates Secure Boot. */
  g_assert_false (vireo_os_info_get_secure_boot (win7));
  g_assert_false (vireo_os_info_get_needs_tpm (win7));
}

static void
test_old_linux (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autoptr(VireoOsInfo) debian7 = find (db, ID_DEBIAN7);
  VireoOsResources min;
  VireoOsResources rec;
  GDate day;

  /* Legacy (transitional) virtio, not 1.0. */
  g_assert_true (vireo_os_info_get_virtio_disk (debian7));
  g_assert_true (vireo_os_info_get_virtio_net (debian7));
  g_assert_false (vireo_os_info_get_virtio_1_0 (debian7));
  g_assert_cmpstr (vireo_os_info_get_nic_model (debian7), ==, "virtio");
  g_assert_cmpstr (vireo_os_info_get_disk_bus (debian7), ==, "virtio");
  g_assert_cmpstr (vireo_os_info_get_video_model (debian7), ==, "qxl");
  g_assert_cmpstr (vireo_os_info_get_sound_model (debian7), ==, "ich6");
  g_assert_false (vireo_os_info_get_needs_uefi (debian7));
  g_assert_false (vireo_os_info_get_needs_tpm (debian7));
  /* Debian signs its boot loader from 10 on. */
  g_assert_false (vireo_os_info_get_secure_boot (debian7));

  vireo_os_info_get_minimum_resources (debian7, &min);
  vireo_os_info_get_recommended_resources (debian7, &rec);
  g_assert_cmpuint (min.ram, ==, 128 * 1024 * 1024);
  g_assert_cmpuint (min.n_cpus, ==, 1);
  g_assert_cmpuint (min.storage, ==, 5 * GiB);
  g_assert_cmpuint (rec.ram, ==, 1 * GiB);
  g_assert_cmpuint (rec.storage, ==, 20 * GiB);

  /* Support ended on 2018-05-31. */
  g_assert_cmpstr (vireo_os_info_get_eol_date (debian7), ==, "2018-05-31");
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 31, G_DATE_MAY, 2018);
  g_assert_false (vireo_os_info_is_eol_on (debian7, &day));
  g_date_set_dmy (&day, 1, G_DATE_JUNE, 2018);
  g_assert_true (vireo_os_info_is_eol_on (debian7, &day));
  g_assert_true (vireo_os_info_get_eol (debian7));
}

static void
test_modern_linux (void)
{
  g_autoptr(VireoOsDb) db = load_db ();
  g_autoptr(VireoOsInfo) ubuntu = find (db, ID_UBUNTU_2204);
  g_autoptr(VireoOsInfo) generic = find (db, ID_LINUX2022);
  g_autoptr(VireoOsInfo) rawhide = find (db, "http://fedoraproject.org/fedora/rawhide");
  VireoOsResources min;
  VireoOsResources rec;
  GDate day;

  g_assert_true (vireo_os_info_get_virtio_1_0 (ubuntu));
  g_assert_cmpstr (vireo_os_info_get_nic_model (ubuntu), ==, "virtio");
  g_assert_cmpstr (vireo_os_info_get_disk_bus (ubuntu), ==, "virtio");
  g_assert_true (vireo_os_info_get_supports_uefi (ubuntu));
  g_assert_false (vireo_os_info_get_needs_uefi (ubuntu));
  g_assert_true (vireo_os_info_get_secure_boot (ubuntu));
  g_assert_false (vireo_os_info_get_needs_tpm (ubuntu));

  /* From the "all architectures" entry, as x86_64 has none of its own. */
  vireo_os_info_get_minimum_resources (ubuntu, &min);
  vireo_os_info_get_recommended_resources (ubuntu, &rec);
  g_assert_cmpuint (min.ram, ==, 2 * GiB);
  g_assert_cmpuint (min.n_cpus, ==, 1);
  g_assert_cmpuint (min.storage, ==, 10 * GiB);
  g_assert_cmpuint (rec.ram, ==, 4 * GiB);
  g_assert_cmpuint (rec.n_cpus, ==, 1);
  g_assert_cmpuint (rec.storage, ==, 25 * GiB);

  /* No EOL date: taken as supported for ten years. */
  g_assert_null (vireo_os_info_get_eol_date (ubuntu));
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 1, G_DATE_JANUARY, 2031);
  g_assert_false (vireo_os_info_is_eol_on (ubuntu, &day));
  g_date_set_dmy (&day, 1, G_DATE_JANUARY, 2033);
  g_assert_true (vireo_os_info_is_eol_on (ubuntu, &day));

  /* Generic Linux 2022 is Ubuntu 22.04 underneath, but with virtio-gpu,
   * and a product of libosinfo's, not of a vendor. */
  g_assert_true (vireo_os_info_get_generic (generic));
  g_assert_false (vireo_os_info_get_unknown (generic));
  g_assert_cmpstr (vireo_os_info_get_video_model (generic), ==, "virtio");
  g_assert_cmpstr (vireo_os_info_get_video_model (ubuntu), ==, "vga");
  g_assert_true (vireo_os_info_get_secure_boot (generic));
  vireo_os_info_get_recommended_resources (generic, &rec);
  g_assert_cmpuint (rec.ram, ==, 4 * GiB);

  /* A rolling release never goes out of support. */
  g_date_set_dmy (&day, 1, G_DATE_JANUARY, 2099);
  g_assert_false (vireo_os_info_is_eol_on (rawhide, &day));
  g_assert_true (vireo_os_info_get_secure_boot (rawhide));
}

/* ------------------------------------------------------------------------ */
/* The id in a domain's metadata                                            */

static void
test_metadata_read (void)
{
  g_autoptr(VireoDomainConfig) apps = open_fixture ("metadata-apps.xml");
  g_autoptr(VireoDomainConfig) win11 = open_fixture ("windows11.xml");
  g_autoptr(VireoDomainConfig) none = open_fixture ("legacy-bios-ide.xml");
  g_autoptr(VireoDomainConfig) other_prefix = open_inline (
    "<domain type='kvm'>\n"
    "  <name>p</name>\n"
    "  <metadata>\n"
    "    <os:libosinfo xmlns:os=\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">\n"
    "      <os:os id=\"http://debian.org/debian/11\"/>\n"
    "    </os:libosinfo>\n"
    "  </metadata>\n"
    "</domain>\n");
  g_autoptr(VireoDomainConfig) impostors = open_inline (
    "<domain type='kvm'>\n"
    "  <name>q</name>\n"
    "  <metadata>\n"
    "    <libosinfo:libosinfo xmlns:libosinfo=\"urn:not:libosinfo\">\n"
    "      <libosinfo:os id=\"http://debian.org/debian/11\"/>\n"
    "    </libosinfo:libosinfo>\n"
    "  </metadata>\n"
    "</domain>\n");
  g_autofree char *a = vireo_domain_config_dup_os_id (apps);
  g_autofree char *w = vireo_domain_config_dup_os_id (win11);
  g_autofree char *n = vireo_domain_config_dup_os_id (none);
  g_autofree char *p = vireo_domain_config_dup_os_id (other_prefix);
  g_autofree char *i = vireo_domain_config_dup_os_id (impostors);

  g_assert_cmpstr (a, ==, "http://almalinux.org/almalinux/9");
  g_assert_cmpstr (w, ==, ID_WIN11);
  g_assert_null (n);
  /* Found by namespace, whatever the prefix. */
  g_assert_cmpstr (p, ==, "http://debian.org/debian/11");
  g_assert_null (i);
}

/* Another program's metadata around ours: only the id moves. */
static void
test_metadata_change (void)
{
  g_autoptr(VireoDomainConfig) config = open_fixture ("metadata-apps.xml");
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  guint changes = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changes);

  g_assert_true (vireo_domain_config_set_os_id (config, "http://rockylinux.org/rocky/9", &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char * const[]) {
    "<libosinfo:os id=\"http://almalinux.org/almalinux/9\"/>",
    "<libosinfo:os id=\"http://rockylinux.org/rocky/9\"/>",
    NULL });
  g_assert_cmpuint (changes, ==, 1);
  id = vireo_domain_config_dup_os_id (config);
  g_assert_cmpstr (id, ==, "http://rockylinux.org/rocky/9");

  /* The same again changes nothing, not even a signal. */
  g_assert_true (vireo_domain_config_set_os_id (config, "http://rockylinux.org/rocky/9", &error));
  g_assert_cmpuint (changes, ==, 1);

  /* Back: every byte as it was. */
  g_assert_true (vireo_domain_config_set_os_id (config, "http://almalinux.org/almalinux/9", &error));
  {
    g_autofree char *after = vireo_domain_config_to_xml (config);
    g_assert_cmpstr (after, ==, before);
  }
}

static void
test_metadata_remove_keeps_others (void)
{
  g_autoptr(VireoDomainConfig) config = open_fixture ("metadata-apps.xml");
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_assert_true (vireo_domain_config_set_os_id (config, NULL, &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char * const[]) {
    "\n    <libosinfo:libosinfo xmlns:libosinfo=\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">\n"
    "      <libosinfo:os id=\"http://almalinux.org/almalinux/9\"/>\n"
    "    </libosinfo:libosinfo>",
    "",
    NULL });
  id = vireo_domain_config_dup_os_id (config);
  g_assert_null (id);

  /* Added again: after the other programs' elements, in the same style. */
  g_assert_true (vireo_domain_config_set_os_id (config, "http://almalinux.org/almalinux/9", &error));
  assert_edit (config, before, (const char * const[]) {
    "\n    <libosinfo:libosinfo xmlns:libosinfo=\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">\n"
    "      <libosinfo:os id=\"http://almalinux.org/almalinux/9\"/>\n"
    "    </libosinfo:libosinfo>",
    "",
    "    </acme:inventory>\n",
    "    </acme:inventory>\n"
    "    <libosinfo:libosinfo xmlns:libosinfo=\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">\n"
    "      <libosinfo:os id=\"http://almalinux.org/almalinux/9\"/>\n"
    "    </libosinfo:libosinfo>\n",
    NULL });
}

/* No <metadata> at all: Vireo adds it where libvirt writes it, and takes
 * it away again with the id. */
static void
test_metadata_add_and_remove (void)
{
  g_autoptr(VireoDomainConfig) config = open_fixture ("legacy-bios-ide.xml");
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) reread = NULL;
  g_autofree char *written = NULL;
  g_autofree char *id = NULL;

  g_assert_true (vireo_domain_config_set_os_id (config, "http://microsoft.com/win/xp", &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char * const[]) {
    "</uuid>\n",
    "</uuid>\n"
    "  <metadata>\n"
    "    <libosinfo:libosinfo xmlns:libosinfo=\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">\n"
    "      <libosinfo:os id=\"http://microsoft.com/win/xp\"/>\n"
    "    </libosinfo:libosinfo>\n"
    "  </metadata>\n",
    NULL });

  /* What is written reads back. */
  written = vireo_domain_config_to_xml (config);
  reread = open_inline (written);
  id = vireo_domain_config_dup_os_id (reread);
  g_assert_cmpstr (id, ==, "http://microsoft.com/win/xp");

  g_assert_true (vireo_domain_config_set_os_id (config, NULL, &error));
  {
    g_autofree char *after = vireo_domain_config_to_xml (config);
    g_assert_cmpstr (after, ==, before);
  }

  /* An empty string removes too, and removing nothing is no change. */
  g_assert_true (vireo_domain_config_set_os_id (config, "", &error));
  g_assert_no_error (error);
  {
    g_autofree char *after = vireo_domain_config_to_xml (config);
    g_assert_cmpstr (after, ==, before);
  }
}

/* A <metadata> someone else wrote stays, even once empty. */
static void
test_metadata_foreign_container_stays (void)
{
  g_autoptr(VireoDomainConfig) config = open_fixture ("windows11.xml");
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_domain_config_set_os_id (config, NULL, &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char * const[]) {
    "  <metadata>\n"
    "    <libosinfo:libosinfo xmlns:libosinfo=\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">\n"
    "      <libosinfo:os id=\"http://microsoft.com/win/11\"/>\n"
    "    </libosinfo:libosinfo>\n"
    "  </metadata>\n",
    "  <metadata>\n"
    "  </metadata>\n",
    NULL });

  /* Set again, into the container that is there. */
  g_assert_true (vireo_domain_config_set_os_id (config, ID_WIN11, &error));
  {
    g_autofree char *after = vireo_domain_config_to_xml (config);
    g_assert_cmpstr (after, ==, before);
  }
}

/* libosinfo's element with something else in it keeps that. */
static void
test_metadata_keeps_siblings_of_os (void)
{
  static const char xml[] =
    "<domain type=\"kvm\">\n"
    "  <name>s</name>\n"
    "  <metadata>\n"
    "    <libosinfo:libosinfo xmlns:libosinfo=\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">\n"
    "      <libosinfo:os id=\"http://debian.org/debian/11\"/>\n"
    "      <libosinfo:future answer=\"42\"/>\n"
    "    </libosinfo:libosinfo>\n"
    "  </metadata>\n"
    "</domain>\n";
  g_autoptr(VireoDomainConfig) config = open_inline (xml);
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_domain_config_set_os_id (config, NULL, &error));
  assert_edit (config, before, (const char * const[]) {
    "\n      <libosinfo:os id=\"http://debian.org/debian/11\"/>", "",
    NULL });

  g_assert_true (vireo_domain_config_set_os_id (config, "http://debian.org/debian/11", &error));
  assert_edit (config, before, (const char * const[]) {
    "\n      <libosinfo:os id=\"http://debian.org/debian/11\"/>", "",
    "<libosinfo:future answer=\"42\"/>\n",
    "<libosinfo:future answer=\"42\"/>\n"
    "      <libosinfo:os id=\"http://debian.org/debian/11\"/>\n",
    NULL });
}

static void
test_metadata_refuses (void)
{
  static const char * const bad[] = {
    "ubuntu22.04", "http://ubuntu.com/ubuntu 22.04", "http://x/\n", "/relative/path", NULL
  };
  g_autoptr(VireoDomainConfig) config = open_fixture ("metadata-apps.xml");
  g_autofree char *before = vireo_domain_config_to_xml (config);
  guint changes = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changes);
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;

      g_assert_false (vireo_domain_config_set_os_id (config, bad[i], &error));
      g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
      after = vireo_domain_config_to_xml (config);
      g_assert_cmpstr (after, ==, before);
    }
  g_assert_cmpuint (changes, ==, 0);
}

/* Every fixture: set, read back, remove; another program's elements and
 * everything outside <metadata> stay as they were. */
static void
test_metadata_every_fixture (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "domains", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(VireoDomainConfig) config = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *before = NULL;
      g_autofree char *original_id = NULL;
      g_autofree char *id = NULL;
      g_autofree char *after = NULL;

      if (!g_str_has_suffix (name, ".xml"))
        continue;
      config = open_fixture (name);
      before = vireo_domain_config_to_xml (config);
      original_id = vireo_domain_config_dup_os_id (config);

      g_assert_true (vireo_domain_config_set_os_id (config, ID_LINUX2022, &error));
      g_assert_no_error (error);
      id = vireo_domain_config_dup_os_id (config);
      g_assert_cmpstr (id, ==, ID_LINUX2022);

      g_assert_true (vireo_domain_config_set_os_id (config, original_id, &error));
      after = vireo_domain_config_to_xml (config);
      g_assert_cmpstr (after, ==, before);
      count++;
    }
  g_assert_cmpuint (count, >=, 10);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  /* First: nothing may be loaded before it. */
  g_test_add_func ("/os-info/load/concurrent", test_load_concurrent);
  g_test_add_func ("/os-info/load/cached", test_load_cached);
  g_test_add_func ("/os-info/load/cancelled-after", test_load_cancelled_after);
  g_test_add_func ("/os-info/search/ubuntu", test_search_ubuntu);
  g_test_add_func ("/os-info/search/win11", test_search_win11);
  g_test_add_func ("/os-info/search/fedora", test_search_fedora);
  g_test_add_func ("/os-info/search/eol", test_search_eol);
  g_test_add_func ("/os-info/search/find", test_find);
  g_test_add_func ("/os-info/hints/windows11", test_windows11);
  g_test_add_func ("/os-info/hints/old-linux", test_old_linux);
  g_test_add_func ("/os-info/hints/modern-linux", test_modern_linux);
  g_test_add_func ("/os-info/metadata/read", test_metadata_read);
  g_test_add_func ("/os-info/metadata/change", test_metadata_change);
  g_test_add_func ("/os-info/metadata/remove-keeps-others", test_metadata_remove_keeps_others);
  g_test_add_func ("/os-info/metadata/add-and-remove", test_metadata_add_and_remove);
  g_test_add_func ("/os-info/metadata/foreign-container-stays", test_metadata_foreign_container_stays);
  g_test_add_func ("/os-info/metadata/keeps-siblings-of-os", test_metadata_keeps_siblings_of_os);
  g_test_add_func ("/os-info/metadata/refuses", test_metadata_refuses);
  g_test_add_func ("/os-info/metadata/every-fixture", test_metadata_every_fixture);

  return g_test_run ();
}
