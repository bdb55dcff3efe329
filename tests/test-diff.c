/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "vireo-diff.h"

/* The lines of @text as diff sees them: the last one may lack a newline. */
static GPtrArray *
split_lines (const char *text,
             gboolean   *no_newline)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  *no_newline = FALSE;
  while (*p != '\0')
    {
      const char *nl = strchr (p, '\n');
      if (nl == NULL)
        {
          g_ptr_array_add (lines, g_strdup (p));
          *no_newline = TRUE;
          break;
        }
      g_ptr_array_add (lines, g_strndup (p, nl - p));
      p = nl + 1;
    }
  return lines;
}

static void
copy_old_line (GString   *out,
               GPtrArray *old,
               gboolean   old_no_newline,
               guint      number)
{
  g_string_append (out, old->pdata[number - 1]);
  if (!(old_no_newline && number == old->len))
    g_string_append_c (out, '\n');
}

/* Rebuilds the new text from the old one and the hunks alone, checking that
 * every context and removed line is where the hunk says it is. */
static char *
apply_hunks (const VireoDiff *diff,
             const char      *before)
{
  gboolean no_newline;
  g_autoptr(GPtrArray) old = split_lines (before, &no_newline);
  GString *out = g_string_new (NULL);
  guint next = 1;
  guint new_line = 1;

  for (guint h = 0; h < vireo_diff_get_n_hunks (diff); h++)
    {
      const VireoDiffHunk *hunk = vireo_diff_get_hunk (diff, h);
      guint old_start = vireo_diff_hunk_get_old_start (hunk);
      guint first = vireo_diff_hunk_get_old_lines (hunk) > 0 ? old_start : old_start + 1;
      guint new_first = vireo_diff_hunk_get_new_lines (hunk) > 0
                        ? vireo_diff_hunk_get_new_start (hunk)
                        : vireo_diff_hunk_get_new_start (hunk) + 1;
      guint n_old = 0, n_new = 0;

      g_assert_cmpuint (first, >=, next);
      for (; next < first; next++, new_line++)
        copy_old_line (out, old, no_newline, next);
      g_assert_cmpuint (new_line, ==, new_first);

      for (guint i = 0; i < vireo_diff_hunk_get_n_lines (hunk); i++)
        {
          const VireoDiffLine *line = vireo_diff_hunk_get_line (hunk, i);

          if (line->op != VIREO_DIFF_ADDED)
            {
              g_assert_cmpuint (line->old_line, ==, next);
              g_assert_cmpstr (line->text, ==, old->pdata[next - 1]);
              g_assert_cmpint (line->no_newline, ==, no_newline && next == old->len);
              n_old++;
            }
          else
            g_assert_cmpuint (line->old_line, ==, 0);

          if (line->op != VIREO_DIFF_REMOVED)
            {
              g_assert_cmpuint (line->new_line, ==, new_line);
              g_string_append (out, line->text);
              if (!line->no_newline)
                g_string_append_c (out, '\n');
              new_line++;
              n_new++;
            }
          else
            g_assert_cmpuint (line->new_line, ==, 0);

          if (line->op != VIREO_DIFF_ADDED)
            next++;
        }
      g_assert_cmpuint (n_old, ==, vireo_diff_hunk_get_old_lines (hunk));
      g_assert_cmpuint (n_new, ==, vireo_diff_hunk_get_new_lines (hunk));
    }
  for (; next <= old->len; next++)
    copy_old_line (out, old, no_newline, next);

  return g_string_free (out, FALSE);
}

static void
assert_applies (const char *before,
                const char *after,
                guint       context)
{
  g_autoptr(VireoDiff) diff = vireo_diff_new (before, after, context);
  g_autofree char *rebuilt = apply_hunks (diff, before);

  g_assert_cmpstr (rebuilt, ==, after);
}

static char *
unified (const char *before,
         const char *after)
{
  g_autoptr(VireoDiff) diff = vireo_diff_new (before, after, VIREO_DIFF_DEFAULT_CONTEXT);
  return vireo_diff_to_unified (diff, "a", "b");
}

/* ------------------------------------------------------------------------ */

static void
test_identical (void)
{
  const char *text = "<domain>\n  <name>a</name>\n</domain>\n";
  g_autoptr(VireoDiff) diff = vireo_diff_new (text, text, 3);
  g_autofree char *u = vireo_diff_to_unified (diff, "a", "b");

  g_assert_true (vireo_diff_is_empty (diff));
  g_assert_cmpuint (vireo_diff_get_n_hunks (diff), ==, 0);
  g_assert_cmpuint (vireo_diff_get_n_added (diff), ==, 0);
  g_assert_cmpuint (vireo_diff_get_n_removed (diff), ==, 0);
  g_assert_cmpstr (u, ==, "");
}

static void
test_insert (void)
{
  g_autoptr(VireoDiff) diff = vireo_diff_new ("a\nb\nc\nd\ne\nf\n", "a\nb\nc\nX\nd\ne\nf\n", 3);
  g_autofree char *u = vireo_diff_to_unified (diff, "old", "new");
  const VireoDiffHunk *hunk;
  const VireoDiffLine *line;

  g_assert_false (vireo_diff_is_empty (diff));
  g_assert_cmpuint (vireo_diff_get_n_hunks (diff), ==, 1);
  g_assert_cmpuint (vireo_diff_get_n_added (diff), ==, 1);
  g_assert_cmpuint (vireo_diff_get_n_removed (diff), ==, 0);
  hunk = vireo_diff_get_hunk (diff, 0);
  g_assert_cmpuint (vireo_diff_hunk_get_old_start (hunk), ==, 1);
  g_assert_cmpuint (vireo_diff_hunk_get_old_lines (hunk), ==, 6);
  g_assert_cmpuint (vireo_diff_hunk_get_new_start (hunk), ==, 1);
  g_assert_cmpuint (vireo_diff_hunk_get_new_lines (hunk), ==, 7);
  g_assert_cmpuint (vireo_diff_hunk_get_n_lines (hunk), ==, 7);
  line = vireo_diff_hunk_get_line (hunk, 3);
  g_assert_cmpint (line->op, ==, VIREO_DIFF_ADDED);
  g_assert_cmpstr (line->text, ==, "X");
  g_assert_cmpuint (line->new_line, ==, 4);
  g_assert_cmpuint (line->old_line, ==, 0);
  line = vireo_diff_hunk_get_line (hunk, 4);
  g_assert_cmpint (line->op, ==, VIREO_DIFF_SAME);
  g_assert_cmpuint (line->old_line, ==, 4);
  g_assert_cmpuint (line->new_line, ==, 5);

  g_assert_cmpstr (u, ==,
                   "--- old\n+++ new\n"
                   "@@ -1,6 +1,7 @@\n a\n b\n c\n+X\n d\n e\n f\n");
}

static void
test_delete (void)
{
  g_autofree char *u = unified ("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n6\n7\n8\n9\n");
  g_autofree char *u0 = NULL;
  g_autoptr(VireoDiff) diff0 = vireo_diff_new ("1\n2\n3\n", "1\n3\n", 0);

  g_assert_cmpstr (u, ==,
                   "--- a\n+++ b\n"
                   "@@ -2,7 +2,6 @@\n 2\n 3\n 4\n-5\n 6\n 7\n 8\n");

  /* Without context an empty range names the line before it. */
  u0 = vireo_diff_to_unified (diff0, "a", "b");
  g_assert_cmpstr (u0, ==, "--- a\n+++ b\n@@ -2 +1,0 @@\n-2\n");
}

static char *
numbered_lines (guint n,
                ...)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GHashTable) changed = g_hash_table_new (NULL, NULL);
  va_list ap;
  guint c;

  va_start (ap, n);
  while ((c = va_arg (ap, guint)) != 0)
    g_hash_table_add (changed, GUINT_TO_POINTER (c));
  va_end (ap);

  for (guint i = 1; i <= n; i++)
    g_string_append_printf (out, g_hash_table_contains (changed, GUINT_TO_POINTER (i))
                                 ? "line %u changed\n" : "line %u\n", i);
  return g_string_free (out, FALSE);
}

static void
test_change_in_middle (void)
{
  g_autofree char *before = numbered_lines (30, 0);
  /* Lines 5 and 12 are 6 unchanged lines apart: their contexts touch, one
   * hunk. Line 20 is 7 lines after 12: a hunk of its own. */
  g_autofree char *after = numbered_lines (30, 5, 12, 20, 0);
  g_autoptr(VireoDiff) diff = vireo_diff_new (before, after, 3);
  g_autofree char *u = vireo_diff_to_unified (diff, "a", "b");
  const VireoDiffHunk *hunk;
  char *at;

  g_assert_cmpuint (vireo_diff_get_n_hunks (diff), ==, 2);
  g_assert_cmpuint (vireo_diff_get_n_removed (diff), ==, 3);
  g_assert_cmpuint (vireo_diff_get_n_added (diff), ==, 3);

  hunk = vireo_diff_get_hunk (diff, 0);
  g_assert_cmpuint (vireo_diff_hunk_get_old_start (hunk), ==, 2);
  g_assert_cmpuint (vireo_diff_hunk_get_old_lines (hunk), ==, 14);
  hunk = vireo_diff_get_hunk (diff, 1);
  g_assert_cmpuint (vireo_diff_hunk_get_old_start (hunk), ==, 17);
  g_assert_cmpuint (vireo_diff_hunk_get_old_lines (hunk), ==, 7);

  at = strstr (u, "@@ -2,14 +2,14 @@\n line 2\n line 3\n line 4\n-line 5\n+line 5 changed\n line 6\n");
  g_assert_nonnull (at);
  at = strstr (u, "@@ -17,7 +17,7 @@\n line 17\n line 18\n line 19\n-line 20\n+line 20 changed\n"
                  " line 21\n line 22\n line 23\n");
  g_assert_nonnull (at);

  /* With one line of context they are three hunks. */
  {
    g_autoptr(VireoDiff) tight = vireo_diff_new (before, after, 1);
    g_assert_cmpuint (vireo_diff_get_n_hunks (tight), ==, 3);
  }

  assert_applies (before, after, 3);
  assert_applies (before, after, 0);
  assert_applies (before, after, 1);
}

static void
test_empty_inputs (void)
{
  g_autofree char *both = unified ("", "");
  g_autofree char *to = unified ("", "a\nb\n");
  g_autofree char *from = unified ("a\nb\n", "");
  g_autofree char *nl = unified ("", "\n");

  g_assert_cmpstr (both, ==, "");
  g_assert_cmpstr (to, ==, "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  g_assert_cmpstr (from, ==, "--- a\n+++ b\n@@ -1,2 +0,0 @@\n-a\n-b\n");
  g_assert_cmpstr (nl, ==, "--- a\n+++ b\n@@ -0,0 +1 @@\n+\n");
  assert_applies ("", "a\nb\n", 3);
  assert_applies ("a\nb\n", "", 3);
}

static void
test_no_trailing_newline (void)
{
  g_autofree char *added = unified ("a\nb", "a\nb\n");
  g_autofree char *removed = unified ("a\nb\n", "a\nb");
  g_autofree char *both = unified ("a\nb", "a\nc");
  g_autofree char *same = unified ("x\na\nb", "y\na\nb");

  g_assert_cmpstr (added, ==,
                   "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
  g_assert_cmpstr (removed, ==,
                   "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n");
  g_assert_cmpstr (both, ==,
                   "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
                   "+c\n\\ No newline at end of file\n");
  g_assert_cmpstr (same, ==,
                   "--- a\n+++ b\n@@ -1,3 +1,3 @@\n-x\n+y\n a\n b\n\\ No newline at end of file\n");
  assert_applies ("a\nb", "a\nb\n", 3);
  assert_applies ("a\nb\n", "a\nb", 3);
  assert_applies ("a\nb", "a\nc", 0);
}

/* Big inputs must stay linear in memory: two unrelated 2,000-line texts,
 * and a 2,000-line text with scattered edits. */
static void
test_large (void)
{
  GString *a = g_string_new (NULL);
  GString *b = g_string_new (NULL);
  GString *c = g_string_new (NULL);
  g_autoptr(VireoDiff) unrelated = NULL;
  g_autoptr(VireoDiff) edited = NULL;

  for (guint i = 0; i < 2000; i++)
    {
      g_string_append_printf (a, "  <line n='%u'/>\n", i);
      g_string_append_printf (b, "  <other n='%u'/>\n", i);
      if (i % 97 == 0)
        g_string_append_printf (c, "  <edited n='%u'/>\n", i);
      else if (i % 89 != 0)
        g_string_append_printf (c, "  <line n='%u'/>\n", i);
    }

  unrelated = vireo_diff_new (a->str, b->str, 3);
  g_assert_cmpuint (vireo_diff_get_n_removed (unrelated), ==, 2000);
  g_assert_cmpuint (vireo_diff_get_n_added (unrelated), ==, 2000);
  assert_applies (a->str, b->str, 3);

  edited = vireo_diff_new (a->str, c->str, 3);
  g_assert_cmpuint (vireo_diff_get_n_added (edited), ==, 21);
  assert_applies (a->str, c->str, 3);

  g_string_free (a, TRUE);
  g_string_free (b, TRUE);
  g_string_free (c, TRUE);
}

/* ------------------------------------------------------------------------ */

static char *
random_text (GRand *rand)
{
  static const char *words[] = { "a", "b", "c", "d", "<e/>", "" };
  GString *out = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 0, 14);

  for (guint i = 0; i < n; i++)
    {
      g_string_append (out, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
      g_string_append_c (out, '\n');
    }
  if (out->len > 0 && g_rand_int_range (rand, 0, 5) == 0)
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

static void
count_changes (const char *unified_text,
               guint      *removed,
               guint      *added)
{
  g_auto(GStrv) lines = g_strsplit (unified_text, "\n", -1);

  *removed = *added = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "---") || g_str_has_prefix (lines[i], "+++"))
        continue;
      if (lines[i][0] == '-')
        (*removed)++;
      else if (lines[i][0] == '+')
        (*added)++;
    }
}

static int
run (const char * const *argv,
     char              **out)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* Random pairs of short texts from a small set of lines, so that lines
 * repeat and the alignment is ambiguous, compared with GNU diff: the same
 * number of changed lines (both minimal), diff's hunks and ours apply, and
 * GNU patch accepts our unified output. The alignment itself may differ
 * where two are equally short, so the text is not compared. */
static void
test_against_gnu_diff (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vireo-diff-XXXXXX", &error);
  g_autofree char *old_path = g_build_filename (dir, "old", NULL);
  g_autofree char *new_path = g_build_filename (dir, "new", NULL);
  g_autofree char *patch_path = g_build_filename (dir, "patch", NULL);
  g_autofree char *out_path = g_build_filename (dir, "out", NULL);
  guint same_text = 0;
  const guint rounds = 200;

  g_assert_no_error (error);

  for (guint round = 0; round < rounds; round++)
    {
      g_autofree char *before = random_text (rand);
      g_autofree char *after = random_text (rand);
      g_autoptr(VireoDiff) diff = vireo_diff_new (before, after, 3);
      g_autofree char *ours = vireo_diff_to_unified (diff, "old", "new");
      g_autofree char *theirs = NULL;
      const char *diff_argv[] = { "/usr/bin/diff", "-u", "--minimal", "--label", "old",
                                  "--label", "new", old_path, new_path, NULL };
      guint gnu_removed, gnu_added;
      int status;

      g_file_set_contents (old_path, before, -1, &error);
      g_assert_no_error (error);
      g_file_set_contents (new_path, after, -1, &error);
      g_assert_no_error (error);

      status = run (diff_argv, &theirs);
      g_assert_cmpint (status, ==, vireo_diff_is_empty (diff) ? 0 : 1);

      count_changes (theirs, &gnu_removed, &gnu_added);
      g_assert_cmpuint (vireo_diff_get_n_removed (diff), ==, gnu_removed);
      g_assert_cmpuint (vireo_diff_get_n_added (diff), ==, gnu_added);
      if (g_strcmp0 (ours, theirs) == 0)
        same_text++;

      assert_applies (before, after, 3);
      assert_applies (before, after, 0);

      if (!vireo_diff_is_empty (diff))
        {
          const char *patch_argv[] = { "/usr/bin/patch", "-s", "-f", "-o", out_path,
                                       "-i", patch_path, old_path, NULL };
          g_autofree char *patched = NULL;
          g_autofree char *patch_out = NULL;

          g_file_set_contents (patch_path, ours, -1, &error);
          g_assert_no_error (error);
          if (g_file_test (patch_argv[0], G_FILE_TEST_IS_EXECUTABLE))
            {
              g_assert_cmpint (run (patch_argv, &patch_out), ==, 0);
              g_file_get_contents (out_path, &patched, NULL, &error);
              g_assert_no_error (error);
              g_assert_cmpstr (patched, ==, after);
            }
        }
    }

  g_test_message ("%u of %u diffs byte-identical to GNU diff's", same_text, rounds);

  g_unlink (old_path);
  g_unlink (new_path);
  g_unlink (patch_path);
  g_unlink (out_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/diff/identical", test_identical);
  g_test_add_func ("/core/diff/insert", test_insert);
  g_test_add_func ("/core/diff/delete", test_delete);
  g_test_add_func ("/core/diff/change-in-middle", test_change_in_middle);
  g_test_add_func ("/core/diff/empty-inputs", test_empty_inputs);
  g_test_add_func ("/core/diff/no-trailing-newline", test_no_trailing_newline);
  g_test_add_func ("/core/diff/large", test_large);
  g_test_add_func ("/core/diff/against-gnu-diff", test_against_gnu_diff);

  return g_test_run ();
}
