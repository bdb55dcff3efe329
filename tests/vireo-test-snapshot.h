/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-snapshot-ops.h"
#include "vireo-test-virt.h"

G_BEGIN_DECLS

static inline int
vireo_test_compare_strings (gconstpointer a,
                            gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The snapshot calls of vireo-snapshot-ops.h, waited for, and readers of
 * their answers: shared by test-snapshot-ops (test driver) and
 * test-snapshot-integration (QEMU). */

static inline GPtrArray *
vireo_test_list_snapshots (VireoDomain  *domain,
                           GError      **error)
{
  VireoTestAsync a = { 0 };
  GPtrArray *list;

  vireo_domain_list_snapshots_async (domain, NULL, vireo_test_async_cb, &a);
  list = vireo_domain_list_snapshots_finish (domain, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return list;
}

/* Returns: (transfer container): the list; a failure fails the test */
static inline GPtrArray *
vireo_test_list_snapshots_ok (VireoDomain *domain)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = vireo_test_list_snapshots (domain, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static inline char *
vireo_test_create_snapshot (VireoDomain  *domain,
                            const char   *xml,
                            gboolean      disk_only,
                            GError      **error)
{
  VireoTestAsync a = { 0 };
  char *name;

  vireo_domain_create_snapshot_async (domain, xml, disk_only, NULL, vireo_test_async_cb, &a);
  name = vireo_domain_create_snapshot_finish (domain, vireo_test_async_wait (&a, 120), error);
  g_object_unref (a.result);
  return name;
}

static inline gboolean
vireo_test_revert_snapshot (VireoDomain               *domain,
                            const char                *name,
                            VireoSnapshotRevertFlags   flags,
                            GError                   **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_domain_revert_snapshot_async (domain, name, flags, NULL, vireo_test_async_cb, &a);
  ok = vireo_domain_revert_snapshot_finish (domain, vireo_test_async_wait (&a, 120), error);
  g_object_unref (a.result);
  return ok;
}

/* What a delete with progress reported. */
typedef struct
{
  guint    calls;
  double   first;
  double   last;
  gboolean backwards;   /* a fraction lower than the one before */
  gboolean released;    /* the notify ran */
  gboolean late;        /* a call after the notify */
} VireoTestProgress;

static inline void
vireo_test_progress_cb (double   fraction,
                        gpointer user_data)
{
  VireoTestProgress *p = user_data;

  if (p->released)
    p->late = TRUE;
  if (p->calls == 0)
    p->first = fraction;
  else if (fraction < p->last)
    p->backwards = TRUE;
  p->last = fraction;
  p->calls++;
}

static inline void
vireo_test_progress_released (gpointer user_data)
{
  ((VireoTestProgress *) user_data)->released = TRUE;
}

static inline gboolean
vireo_test_delete_snapshot_with_progress (VireoDomain              *domain,
                                          const char               *name,
                                          VireoSnapshotDeleteMode   mode,
                                          VireoTestProgress        *progress,
                                          GError                  **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_domain_delete_snapshot_with_progress_async (domain, name, mode, vireo_test_progress_cb, progress,
                                                    vireo_test_progress_released, NULL, vireo_test_async_cb, &a);
  ok = vireo_domain_delete_snapshot_finish (domain, vireo_test_async_wait (&a, 300), error);
  g_object_unref (a.result);
  /* The release is queued before the answer; let it run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return ok;
}

/* Returns: (transfer container): "path|machine|snapshot" lines, sorted */
static inline GStrv
vireo_test_find_file_users (VireoDomain        *domain,
                            const char * const *files)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();

  vireo_domain_find_file_users_async (domain, files, NULL, vireo_test_async_cb, &a);
  users = vireo_domain_find_file_users_finish (domain, vireo_test_async_wait (&a, 120), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  for (guint i = 0; i < users->len; i++)
    {
      VireoSnapshotFileUser *user = g_ptr_array_index (users, i);

      g_ptr_array_add (lines, g_strdup_printf ("%s|%s|%s", user->path, user->machine,
                                               user->snapshot != NULL ? user->snapshot : "-"));
    }
  g_ptr_array_sort (lines, (GCompareFunc) vireo_test_compare_strings);
  g_ptr_array_add (lines, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}

static inline VireoSnapshotSpace *
vireo_test_snapshot_space (VireoDomain *domain,
                           const char  *folder)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  VireoSnapshotSpace *space;

  vireo_domain_snapshot_space_async (domain, folder, NULL, vireo_test_async_cb, &a);
  space = vireo_domain_snapshot_space_finish (domain, vireo_test_async_wait (&a, 60), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  return space;
}

static inline gboolean
vireo_test_delete_snapshot (VireoDomain              *domain,
                            const char               *name,
                            VireoSnapshotDeleteMode   mode,
                            GError                  **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_domain_delete_snapshot_async (domain, name, mode, NULL, vireo_test_async_cb, &a);
  ok = vireo_domain_delete_snapshot_finish (domain, vireo_test_async_wait (&a, 120), error);
  g_object_unref (a.result);
  return ok;
}

static inline gboolean
vireo_test_redefine_snapshot (VireoDomain  *domain,
                              const char   *xml,
                              gboolean      current,
                              GError      **error)
{
  VireoTestAsync a = { 0 };
  gboolean ok;

  vireo_domain_redefine_snapshot_async (domain, xml, current, NULL, vireo_test_async_cb, &a);
  ok = vireo_domain_redefine_snapshot_finish (domain, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return ok;
}

static inline GBytes *
vireo_test_screenshot (VireoDomain  *domain,
                       guint         max_width,
                       guint         max_height,
                       GError      **error)
{
  VireoTestAsync a = { 0 };
  GBytes *png;

  vireo_domain_screenshot_async (domain, max_width, max_height, NULL, vireo_test_async_cb, &a);
  png = vireo_domain_screenshot_finish (domain, vireo_test_async_wait (&a, 60), error);
  g_object_unref (a.result);
  return png;
}

/* Returns: (transfer none): the snapshot called @name; aborts without one */
static inline VireoSnapshotInfo *
vireo_test_find_snapshot (GPtrArray  *list,
                          const char *name)
{
  for (guint i = 0; i < list->len; i++)
    {
      VireoSnapshotInfo *info = g_ptr_array_index (list, i);
      if (g_strcmp0 (info->name, name) == 0)
        return info;
    }
  g_error ("no snapshot %s", name);
}

/* "s1,s2,s3": the names in list order ("" for none) */
static inline char *
vireo_test_snapshot_names (GPtrArray *list)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? "," : "",
                            ((VireoSnapshotInfo *) g_ptr_array_index (list, i))->name);
  return g_string_free (s, FALSE);
}

/* The one with `current` set (NULL for none); two would fail the test. */
static inline const char *
vireo_test_current_snapshot (GPtrArray *list)
{
  const char *current = NULL;

  for (guint i = 0; i < list->len; i++)
    {
      VireoSnapshotInfo *info = g_ptr_array_index (list, i);
      if (info->current)
        {
          g_assert_null (current);
          current = info->name;
        }
    }
  return current;
}

static inline guint32
vireo_test_read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* A PNG's signature and the IHDR chunk that must come first; its size. */
static inline void
vireo_test_assert_png (GBytes *png,
                       guint  *width,
                       guint  *height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  gsize len;
  const guint8 *data = g_bytes_get_data (png, &len);

  g_assert_cmpuint (len, >, 33);
  g_assert_cmpmem (data, 8, signature, 8);
  g_assert_cmpmem (data + 12, 4, "IHDR", 4);
  *width = vireo_test_read_be32 (data + 16);
  *height = vireo_test_read_be32 (data + 20);
}

G_END_DECLS
