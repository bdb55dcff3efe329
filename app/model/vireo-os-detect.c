/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-os-detect"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <osinfo/osinfo.h>

#include "vireo-os-detect.h"
#include "vireo-os-info-private.h"

/*
 * Which system an install medium or an install tree holds, for the New VM
 * wizard: libosinfo reads the ISO's primary volume descriptor or the
 * tree's .treeinfo and matches what it read against osinfo-db.
 *
 * Both run on a GTask thread and hand back plain data (an OS id, paths);
 * finish looks the id up in the VireoOsDb on the caller's thread. The I/O
 * runs unlocked, so a slow server holds up nobody; only the match against
 * the shared database holds the VireoOsDb's libosinfo lock.
 *
 * libosinfo 1.10's synchronous readers run a main loop on the
 * thread-default context until their own async version answers. On a pool
 * thread that is the application's main context, which the worker would
 * then wait for and dispatch (GTK's sources on the wrong thread), so each
 * call here runs with a private context pushed.
 *
 * A local tree's .treeinfo is read here with GIO and handed to libosinfo
 * as text; over HTTP libosinfo fetches it with its own libsoup client, so
 * no GVfs is needed.
 *
 * What libosinfo does that Vireo does not want, and works around:
 * - It takes any file of 34 KiB or more for an ISO (the "CD001" signature
 *   is never checked) and reads a volume id out of a disk image or a text
 *   file alike; the signature is checked here first.
 * - It refuses an ISO whose volume id is blank ("insufficient metadata"):
 *   here that is an ISO nothing matches.
 * - Trees: only file://, http:// and https:// locations, spelled in lower
 *   case, and only trees with a .treeinfo (or treeinfo) file. Debian and
 *   Ubuntu trees have none, and neither does a wrong address on a server
 *   that answers: both are "not recognised" (no error), since libosinfo
 *   reports any HTTP failure status (404, 403, 500) the same way.
 * - 1.10 leaks the location, the .treeinfo text and, when it falls back
 *   from ".treeinfo" to "treeinfo", the first error, on every read (the
 *   test suppressions list them); reading local trees here avoids most.
 * - osinfo-db's patterns are unanchored regular expressions searched in
 *   the volume id or .treeinfo values, so an entry also matches longer
 *   strings: Fedora 7's version is written ^7$ for that reason.
 */

/* ISO 9660: the volume descriptors start at sector 16 (2048-byte
 * sectors); the first is the primary one, type 1, "CD001". */
#define ISO_DESCRIPTORS_OFFSET (16 * 2048)

/* libosinfo's gettext domain, for its message prefixes. */
#define OSINFO_DOMAIN "libosinfo"

typedef struct
{
  char              *location;   /* what libosinfo reads: a path or a URL */
  char              *shown;      /* the caller's text, for messages (UTF-8) */

  /* Filled by the thread */
  char              *os_id;
  char              *kernel;
  char              *initrd;
  VireoOsMediaFacts  facts;
} Detection;

static void
detection_free (gpointer data)
{
  Detection *d = data;

  g_free (d->location);
  g_free (d->shown);
  g_free (d->os_id);
  g_free (d->kernel);
  g_free (d->initrd);
  vireo_os_media_facts_clear (&d->facts);
  g_free (d);
}

/**
 * vireo_os_media_facts_clear:
 *
 * Frees what @facts holds and zeroes it; the struct itself is the
 * caller's (g_auto() does this).
 */
void
vireo_os_media_facts_clear (VireoOsMediaFacts *facts)
{
  g_return_if_fail (facts != NULL);

  g_clear_pointer (&facts->volume_id, g_free);
  g_clear_pointer (&facts->arch, g_free);
  facts->bootable = facts->installer = facts->live = FALSE;
}

/* libosinfo puts its own words before GIO's ("Failed to load
 * .treeinfo|treeinfo file: ") in its own translation; Vireo says what
 * failed itself and keeps only the cause. */
static const char *
cause_of (const GError *error,
          const char   *osinfo_prefix)
{
  const char *translated = g_dgettext (OSINFO_DOMAIN, osinfo_prefix);

  if (g_str_has_prefix (error->message, translated))
    return error->message + strlen (translated);
  if (g_str_has_prefix (error->message, osinfo_prefix))
    return error->message + strlen (osinfo_prefix);
  return error->message;
}

/* Runs a libosinfo synchronous call's main loop on a context of its own
 * (see the top of the file). */
static GMainContext *
push_private_context (void)
{
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  return context;
}

static void
pop_private_context (GMainContext *context)
{
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
}

/* A file that could not be opened or read, in plain words; a GIO code is
 * kept so callers can tell "missing" from "not allowed". */
static void
return_read_error (GTask        *task,
                   const char   *shown,
                   const GError *cause,
                   const char   *cause_text)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (cause));
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("“%s” does not exist."), shown);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                             _("“%s” is a folder, not a disc image."), shown);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                             _("You are not allowed to read “%s”."), shown);
  else
    g_task_return_new_error (task, G_IO_ERROR,
                             cause->domain == G_IO_ERROR ? cause->code : G_IO_ERROR_FAILED,
                             _("Could not read “%s”: %s"), shown, cause_text);
}

/* ------------------------------------------------------------------------ */
/* Install media                                                            */

/* Is there an ISO 9660 primary volume descriptor where libosinfo will
 * look for one? FALSE with @error only when the file cannot be read. */
static gboolean
read_is_iso (GFile         *file,
             GCancellable  *cancellable,
             gboolean      *is_iso,
             GError       **error)
{
  g_autoptr(GFileInputStream) stream = g_file_read (file, cancellable, error);
  guint8 head[6];
  gsize skipped = 0;
  gsize got = 0;

  *is_iso = FALSE;
  if (stream == NULL)
    return FALSE;
  /* Skipping, not seeking: a file shorter than that is simply no ISO,
   * and a pipe has no seek. */
  while (skipped < ISO_DESCRIPTORS_OFFSET)
    {
      gssize n = g_input_stream_skip (G_INPUT_STREAM (stream), ISO_DESCRIPTORS_OFFSET - skipped,
                                      cancellable, error);
      if (n < 0)
        return FALSE;
      if (n == 0)
        return TRUE;
      skipped += (gsize) n;
    }
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), head, sizeof head, &got, cancellable, error))
    return FALSE;
  *is_iso = got == sizeof head && head[0] == 1 && memcmp (head + 1, "CD001", 5) == 0;
  return TRUE;
}

static void
identify_media_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  VireoOsDb *db = source_object;
  Detection *d = task_data;
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (d->location);
  g_autoptr(OsinfoMedia) media = NULL;
  g_autoptr(GError) error = NULL;
  GMainContext *context;
  gboolean is_iso = FALSE;
  OsinfoDb *osinfo;

  if (!read_is_iso (file, cancellable, &is_iso, &error))
    {
      return_read_error (task, d->shown, error, error->message);
      return;
    }
  if (!is_iso)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("“%s” is not a CD or DVD image: it has no ISO 9660 file system."),
                               d->shown);
      return;
    }

  context = push_private_context ();
  /* No "must be bootable" flag: media without an El Torito record (s390x
   * Debian, PPC) are still install media; the facts say which it is. */
  media = osinfo_media_create_from_location_with_flags (d->location, cancellable, 0, &error);
  pop_private_context (context);

  if (media == NULL)
    {
      /* A blank volume id: an ISO, but nothing to match it by. */
      if (g_error_matches (error, OSINFO_MEDIA_ERROR, OSINFO_MEDIA_ERROR_INSUFFICIENT_METADATA))
        g_task_return_boolean (task, TRUE);
      else if (error->domain == OSINFO_MEDIA_ERROR)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                 _("“%s” is a damaged or incomplete disc image: %s"),
                                 d->shown, error->message);
      else
        return_read_error (task, d->shown, error, cause_of (error, "Failed to open file: "));
      return;
    }

  d->facts.volume_id = g_strdup (osinfo_media_get_volume_id (media));
  d->facts.bootable = osinfo_media_is_bootable (media);

  osinfo = _vireo_os_db_lock_osinfo (db);
  if (osinfo_db_identify_media (osinfo, media))
    {
      g_autoptr(OsinfoOs) os = osinfo_media_get_os (media);

      if (os != NULL)
        {
          d->os_id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (os)));
          d->facts.arch = g_strdup (osinfo_media_get_architecture (media));
          d->facts.installer = osinfo_media_get_installer (media);
          d->facts.live = osinfo_media_get_live (media);
        }
    }
  _vireo_os_db_unlock_osinfo (db);

  g_task_return_boolean (task, TRUE);
}

/**
 * vireo_os_db_identify_media_async:
 * @path: a local ISO image or a block device (`/dev/sr0`); a file:// URI
 *   is read too
 * @cancellable: (nullable):
 *
 * Reads the medium's ISO 9660 volume descriptor on a thread and finds the
 * system osinfo-db knows it by (volume, system, publisher and application
 * ids). The main thread never calls libosinfo.
 */
void
vireo_os_db_identify_media_async (VireoOsDb           *db,
                                  const char          *path,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Detection *d;

  g_return_if_fail (VIREO_IS_OS_DB (db));
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (db, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_os_db_identify_media_async);
  g_task_set_name (task, "vireo_os_db_identify_media_async");

  d = g_new0 (Detection, 1);
  d->location = g_strdup (path);
  d->shown = g_filename_display_name (path);
  g_task_set_task_data (task, d, detection_free);
  g_task_run_in_thread (task, identify_media_thread);
}

/**
 * vireo_os_db_identify_media_finish_full:
 * @out_facts: (out caller-allocates) (optional): what else was read; to
 *   be cleared with vireo_os_media_facts_clear(), zeroed on error
 *
 * Returns: (transfer full) (nullable): the system on the medium, or %NULL
 *   without @error when it is an ISO that osinfo-db does not know (or
 *   whose volume id is blank). %NULL with @error, in words for people
 *   naming the file, when it cannot be read (`G_IO_ERROR_NOT_FOUND`,
 *   `_PERMISSION_DENIED`, `_IS_DIRECTORY`, …) or is not an ISO 9660 image
 *   (`G_IO_ERROR_INVALID_DATA`).
 */
VireoOsInfo *
vireo_os_db_identify_media_finish_full (VireoOsDb          *db,
                                        GAsyncResult       *result,
                                        VireoOsMediaFacts  *out_facts,
                                        GError            **error)
{
  Detection *d;

  g_return_val_if_fail (VIREO_IS_OS_DB (db), NULL);
  g_return_val_if_fail (g_task_is_valid (result, db), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vireo_os_db_identify_media_async, NULL);

  if (out_facts != NULL)
    memset (out_facts, 0, sizeof *out_facts);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  d = g_task_get_task_data (G_TASK (result));
  if (out_facts != NULL)
    {
      *out_facts = d->facts;
      memset (&d->facts, 0, sizeof d->facts);
    }
  return d->os_id != NULL ? vireo_os_db_find (db, d->os_id) : NULL;
}

/**
 * vireo_os_db_identify_media_finish:
 *
 * vireo_os_db_identify_media_finish_full() without the facts.
 *
 * Returns: (transfer full) (nullable):
 */
VireoOsInfo *
vireo_os_db_identify_media_finish (VireoOsDb     *db,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return vireo_os_db_identify_media_finish_full (db, result, NULL, error);
}

/* ------------------------------------------------------------------------ */
/* Install trees                                                            */

/* What libosinfo accepts for @url: a lower-case file://, http:// or
 * https:// URL without the trailing slash it would double before
 * ".treeinfo". A local folder may be given as a path. */
static char *
tree_location (const char  *url,
               const char  *shown,
               GError     **error)
{
  g_autofree char *scheme = NULL;
  g_autofree char *uri = NULL;
  const char *authority;
  gsize len;

  if (g_path_is_absolute (url))
    uri = g_filename_to_uri (url, NULL, NULL);
  else if ((scheme = g_uri_parse_scheme (url)) != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (scheme, -1);

      if (g_str_equal (lower, "file"))
        {
          g_autofree char *path = g_filename_from_uri (url, NULL, NULL);

          if (path != NULL)
            uri = g_filename_to_uri (path, NULL, NULL);
        }
      else if (g_str_equal (lower, "http") || g_str_equal (lower, "https"))
        uri = g_strconcat (lower, url + strlen (scheme), NULL);
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("“%s” is not an address Vireo can read an install tree from: use http://, https:// or a local folder."),
                       shown);
          return NULL;
        }
    }
  authority = uri != NULL ? strstr (uri, "://") : NULL;
  if (authority == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is neither an address nor a folder."), shown);
      return NULL;
    }

  len = strlen (uri);
  while (len > (gsize) (authority - uri) + strlen ("://") && uri[len - 1] == '/')
    len--;
  uri[len] = '\0';
  return g_steal_pointer (&uri);
}

/* A path inside the tree, as the wizard joins it to the tree's URL: not
 * absolute, not a URL, never out of the tree. */
static char *
tree_path (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (path == NULL || *path == '\0' || *path == '/' || strstr (path, "://") != NULL)
    return NULL;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return NULL;
  return g_strdup (path);
}

/* A local tree's .treeinfo (or treeinfo), read with GIO: libosinfo's own
 * reader drops an error each time it falls back from one name to the
 * other, and says "no .treeinfo" for a folder that is not there either.
 * TRUE with *@out_contents NULL when the folder has neither file. */
static gboolean
load_local_treeinfo (const char    *location,
                     const char    *shown,
                     GCancellable  *cancellable,
                     char         **out_contents,
                     GError       **error)
{
  static const char * const names[] = { ".treeinfo", "treeinfo" };
  g_autoptr(GFile) folder = g_file_new_for_uri (location);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;

  *out_contents = NULL;
  info = g_file_query_info (folder, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            cancellable, error);
  if (info == NULL)
    return FALSE;
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("“%s” is not a folder: an install tree is a folder with the installer in it."),
                   shown);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GFile) file = g_file_get_child (folder, names[i]);

      if (g_file_load_contents (file, cancellable, out_contents, NULL, NULL, &local_error))
        return TRUE;
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_clear_error (&local_error);
    }
  return TRUE;
}

static void
identify_tree_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  VireoOsDb *db = source_object;
  Detection *d = task_data;
  g_autoptr(OsinfoTree) tree = NULL;
  g_autoptr(GError) error = NULL;
  OsinfoDb *osinfo;

  if (g_str_has_prefix (d->location, "file://"))
    {
      g_autofree char *contents = NULL;

      if (!load_local_treeinfo (d->location, d->shown, cancellable, &contents, &error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            return_read_error (task, d->shown, error, error->message);
          else
            {
              /* GIO's message names the file at fault. */
              if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY)
                  && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
                g_prefix_error (&error, _("Could not read the install tree at “%s”: "), d->shown);
              g_task_return_error (task, g_steal_pointer (&error));
            }
          return;
        }
      /* No .treeinfo: a tree libosinfo cannot tell (Debian, Ubuntu). */
      if (contents == NULL)
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
      tree = osinfo_tree_create_from_treeinfo (contents, d->location, &error);
    }
  else
    {
      /* HTTP goes through libosinfo's own libsoup client, which needs no
       * GVfs. */
      GMainContext *context = push_private_context ();

      tree = osinfo_tree_create_from_location (d->location, cancellable, &error);
      pop_private_context (context);
    }

  if (tree == NULL)
    {
      /* The server answered, without a .treeinfo: a tree libosinfo cannot
       * tell. libosinfo reports every HTTP failure status this way. */
      if (g_error_matches (error, OSINFO_TREE_ERROR, OSINFO_TREE_ERROR_NO_TREEINFO))
        g_task_return_boolean (task, TRUE);
      else if (error->domain == G_KEY_FILE_ERROR)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                 _("The install tree at “%s” has a .treeinfo file that cannot be read: %s"),
                                 d->shown, cause_of (error, "Failed to process keyinfo file: "));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR,
                                 error->domain == G_IO_ERROR ? error->code : G_IO_ERROR_FAILED,
                                 _("Could not read the install tree at “%s”: %s"),
                                 d->shown, cause_of (error, "Failed to load .treeinfo|treeinfo file: "));
      return;
    }

  /* The tree's own word first; identifying overwrites both with the
   * matched database entry's, where it has any. */
  d->kernel = tree_path (osinfo_tree_get_kernel_path (tree));
  d->initrd = tree_path (osinfo_tree_get_initrd_path (tree));

  osinfo = _vireo_os_db_lock_osinfo (db);
  if (osinfo_db_identify_tree (osinfo, tree))
    {
      g_autoptr(OsinfoOs) os = osinfo_tree_get_os (tree);

      if (os != NULL)
        d->os_id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (os)));
      if (d->kernel == NULL)
        d->kernel = tree_path (osinfo_tree_get_kernel_path (tree));
      if (d->initrd == NULL)
        d->initrd = tree_path (osinfo_tree_get_initrd_path (tree));
    }
  _vireo_os_db_unlock_osinfo (db);

  g_task_return_boolean (task, TRUE);
}

/**
 * vireo_os_db_identify_tree_async:
 * @url: an install tree: http://, https://, file:// or a local folder's
 *   path
 * @cancellable: (nullable):
 *
 * Reads the tree's .treeinfo on a thread (over HTTP with libsoup, as
 * libosinfo does) and finds the system osinfo-db knows it by (family,
 * version, variant, architecture).
 */
void
vireo_os_db_identify_tree_async (VireoOsDb           *db,
                                 const char          *url,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Detection *d;

  g_return_if_fail (VIREO_IS_OS_DB (db));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (db, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_os_db_identify_tree_async);
  g_task_set_name (task, "vireo_os_db_identify_tree_async");

  d = g_new0 (Detection, 1);
  d->shown = g_utf8_make_valid (url, -1);
  g_task_set_task_data (task, d, detection_free);

  d->location = tree_location (url, d->shown, &error);
  if (d->location == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_run_in_thread (task, identify_tree_thread);
}

/**
 * vireo_os_db_identify_tree_finish:
 * @out_kernel: (out) (optional) (nullable) (transfer full): the kernel's
 *   path inside the tree, relative to its root (`images/pxeboot/vmlinuz`):
 *   from the tree's .treeinfo for its architecture, else from the matched
 *   osinfo-db entry; given whenever the tree names one, even when the
 *   system is not recognised; %NULL on error
 * @out_initrd: (out) (optional) (nullable) (transfer full): the same for
 *   the initrd
 *
 * Returns: (transfer full) (nullable): the system in the tree, or %NULL
 *   without @error when the tree has no .treeinfo or osinfo-db does not
 *   know it. %NULL with @error, in words for people naming the tree, when
 *   it cannot be reached or read (`G_IO_ERROR_NOT_FOUND`,
 *   `_NOT_DIRECTORY`, `_NOT_SUPPORTED` for other schemes,
 *   `_INVALID_DATA` for a .treeinfo that is no key file, …).
 */
VireoOsInfo *
vireo_os_db_identify_tree_finish (VireoOsDb     *db,
                                  GAsyncResult  *result,
                                  char         **out_kernel,
                                  char         **out_initrd,
                                  GError       **error)
{
  Detection *d;

  g_return_val_if_fail (VIREO_IS_OS_DB (db), NULL);
  g_return_val_if_fail (g_task_is_valid (result, db), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vireo_os_db_identify_tree_async, NULL);

  if (out_kernel != NULL)
    *out_kernel = NULL;
  if (out_initrd != NULL)
    *out_initrd = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  d = g_task_get_task_data (G_TASK (result));
  if (out_kernel != NULL)
    *out_kernel = g_steal_pointer (&d->kernel);
  if (out_initrd != NULL)
    *out_initrd = g_steal_pointer (&d->initrd);
  return d->os_id != NULL ? vireo_os_db_find (db, d->os_id) : NULL;
}
