/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-diff"

#include "config.h"

#include <string.h>

#include "vireo-diff.h"

/*
 * Myers' O(ND) difference algorithm in its linear-space form: find the
 * middle snake of an optimal edit path by running the search from both ends
 * at once, then recurse on the two halves. Memory stays O(N + M) however
 * different the texts are, which matters because a user can paste a whole
 * new 2,000-line domain over the old one. The bisection follows Neil
 * Fraser's diff-match-patch, whose bookkeeping of paths that run off the
 * edit graph is well tested.
 *
 * Lines are compared as whole lines including their newline, as GNU diff
 * does: a last line without a newline differs from the same text with one.
 * Each distinct line is interned to an integer first, so the search
 * compares integers, not strings.
 */

typedef struct
{
  char      *buf;          /* the text, each newline replaced by a nul */
  GPtrArray *lines;        /* (element-type utf8) borrowed from buf */
  guint     *ids;
  gboolean   no_newline;   /* the last line has no newline */
  gboolean  *changed;
} Side;

struct _VireoDiffHunk
{
  guint   old_start;
  guint   old_lines;
  guint   new_start;
  guint   new_lines;
  GArray *lines;           /* (element-type VireoDiffLine) */
};

struct _VireoDiff
{
  Side       old_side;
  Side       new_side;
  GPtrArray *hunks;        /* (element-type VireoDiffHunk) */
  guint      n_removed;
  guint      n_added;
};

typedef struct
{
  const guint *a;
  const guint *b;
  gboolean    *a_changed;
  gboolean    *b_changed;
  int         *v1;
  int         *v2;
} Search;

static void
side_init (Side       *side,
           const char *text)
{
  gsize len = strlen (text);
  char *p;
  char *end;

  side->buf = g_strndup (text, len);
  side->lines = g_ptr_array_new ();
  end = side->buf + len;
  p = side->buf;
  while (p < end)
    {
      char *nl = memchr (p, '\n', end - p);

      g_ptr_array_add (side->lines, p);
      if (nl == NULL)
        {
          side->no_newline = TRUE;
          break;
        }
      *nl = '\0';
      p = nl + 1;
    }
  side->ids = g_new0 (guint, side->lines->len + 1);
  side->changed = g_new0 (gboolean, side->lines->len + 1);
}

static void
side_clear (Side *side)
{
  g_clear_pointer (&side->lines, g_ptr_array_unref);
  g_clear_pointer (&side->buf, g_free);
  g_clear_pointer (&side->ids, g_free);
  g_clear_pointer (&side->changed, g_free);
}

static guint
intern (GHashTable *table,
        const char *line)
{
  gpointer id;

  if (g_hash_table_lookup_extended (table, line, NULL, &id))
    return GPOINTER_TO_UINT (id);
  id = GUINT_TO_POINTER (g_hash_table_size (table) + 1);
  g_hash_table_insert (table, (gpointer) line, id);
  return GPOINTER_TO_UINT (id);
}

static void
side_intern (Side       *side,
             GHashTable *lines,
             GHashTable *last_lines)
{
  for (guint i = 0; i < side->lines->len; i++)
    {
      gboolean last = i + 1 == side->lines->len;
      /* A line without its newline is a different line: a table of its own,
       * and ids that cannot collide with the other table's. */
      if (last && side->no_newline)
        side->ids[i] = G_MAXUINT - intern (last_lines, side->lines->pdata[i]);
      else
        side->ids[i] = intern (lines, side->lines->pdata[i]);
    }
}

static void
mark_changed (gboolean *changed,
              int       from,
              int       to)
{
  for (int i = from; i < to; i++)
    changed[i] = TRUE;
}

static void compare (Search *s,
                     int     xoff,
                     int     xlim,
                     int     yoff,
                     int     ylim);

/* Finds a point (x, y) strictly inside the edit graph of a[xoff..xlim) and
 * b[yoff..ylim) that lies on a shortest edit path, and diffs both halves.
 * The caller has stripped the common prefix and suffix, so neither range is
 * empty and their first and last lines differ. */
static void
bisect (Search *s,
        int     xoff,
        int     xlim,
        int     yoff,
        int     ylim)
{
  const guint *a = s->a + xoff;
  const guint *b = s->b + yoff;
  int n = xlim - xoff;
  int m = ylim - yoff;
  int max_d = (n + m + 1) / 2;
  int v_offset = max_d;
  int v_length = 2 * max_d + 2;
  int *v1 = s->v1;
  int *v2 = s->v2;
  int delta = n - m;
  /* With an odd delta the paths meet on a forward step, else backward. */
  gboolean front = (delta % 2) != 0;
  int k1start = 0, k1end = 0, k2start = 0, k2end = 0;

  for (int i = 0; i < v_length; i++)
    v1[i] = v2[i] = -1;
  v1[v_offset + 1] = 0;
  v2[v_offset + 1] = 0;

  for (int d = 0; d < max_d; d++)
    {
      for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2)
        {
          int k1_offset = v_offset + k1;
          int x1, y1;

          if (k1 == -d || (k1 != d && v1[k1_offset - 1] < v1[k1_offset + 1]))
            x1 = v1[k1_offset + 1];
          else
            x1 = v1[k1_offset - 1] + 1;
          y1 = x1 - k1;
          while (x1 < n && y1 < m && a[x1] == b[y1])
            {
              x1++;
              y1++;
            }
          v1[k1_offset] = x1;
          if (x1 > n)
            k1end += 2;           /* ran off the right of the graph */
          else if (y1 > m)
            k1start += 2;         /* ran off the bottom */
          else if (front)
            {
              int k2_offset = v_offset + delta - k1;
              if (k2_offset >= 0 && k2_offset < v_length && v2[k2_offset] != -1)
                {
                  int x2 = n - v2[k2_offset];
                  if (x1 >= x2)
                    {
                      compare (s, xoff, xoff + x1, yoff, yoff + y1);
                      compare (s, xoff + x1, xlim, yoff + y1, ylim);
                      return;
                    }
                }
            }
        }

      for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2)
        {
          int k2_offset = v_offset + k2;
          int x2, y2;

          if (k2 == -d || (k2 != d && v2[k2_offset - 1] < v2[k2_offset + 1]))
            x2 = v2[k2_offset + 1];
          else
            x2 = v2[k2_offset - 1] + 1;
          y2 = x2 - k2;
          while (x2 < n && y2 < m && a[n - x2 - 1] == b[m - y2 - 1])
            {
              x2++;
              y2++;
            }
          v2[k2_offset] = x2;
          if (x2 > n)
            k2end += 2;
          else if (y2 > m)
            k2start += 2;
          else if (!front)
            {
              int k1_offset = v_offset + delta - k2;
              if (k1_offset >= 0 && k1_offset < v_length && v1[k1_offset] != -1)
                {
                  int x1 = v1[k1_offset];
                  int y1 = v_offset + x1 - k1_offset;
                  if (x1 >= n - x2)
                    {
                      compare (s, xoff, xoff + x1, yoff, yoff + y1);
                      compare (s, xoff + x1, xlim, yoff + y1, ylim);
                      return;
                    }
                }
            }
        }
    }

  /* The paths only fail to meet when nothing is in common. */
  mark_changed (s->a_changed, xoff, xlim);
  mark_changed (s->b_changed, yoff, ylim);
}

static void
compare (Search *s,
         int     xoff,
         int     xlim,
         int     yoff,
         int     ylim)
{
  while (xoff < xlim && yoff < ylim && s->a[xoff] == s->b[yoff])
    {
      xoff++;
      yoff++;
    }
  while (xoff < xlim && yoff < ylim && s->a[xlim - 1] == s->b[ylim - 1])
    {
      xlim--;
      ylim--;
    }

  if (xoff == xlim)
    mark_changed (s->b_changed, yoff, ylim);
  else if (yoff == ylim)
    mark_changed (s->a_changed, xoff, xlim);
  else
    bisect (s, xoff, xlim, yoff, ylim);
}

static void
hunk_free (gpointer data)
{
  VireoDiffHunk *hunk = data;

  g_array_unref (hunk->lines);
  g_free (hunk);
}

/* The edit script in diff's order: within a change, removals first. */
static GArray *
build_script (VireoDiff *self)
{
  GArray *script = g_array_new (FALSE, TRUE, sizeof (VireoDiffLine));
  Side *o = &self->old_side;
  Side *n = &self->new_side;
  guint i = 0, j = 0;

  while (i < o->lines->len || j < n->lines->len)
    {
      VireoDiffLine line = { 0, };

      if (i < o->lines->len && o->changed[i])
        {
          line.op = VIREO_DIFF_REMOVED;
          line.text = o->lines->pdata[i];
          line.old_line = ++i;
          line.no_newline = o->no_newline && i == o->lines->len;
          self->n_removed++;
        }
      else if (j < n->lines->len && n->changed[j])
        {
          line.op = VIREO_DIFF_ADDED;
          line.text = n->lines->pdata[j];
          line.new_line = ++j;
          line.no_newline = n->no_newline && j == n->lines->len;
          self->n_added++;
        }
      else
        {
          g_assert (i < o->lines->len && j < n->lines->len);
          line.op = VIREO_DIFF_SAME;
          line.text = o->lines->pdata[i];
          line.old_line = ++i;
          line.new_line = ++j;
          line.no_newline = o->no_newline && i == o->lines->len;
        }
      g_array_append_val (script, line);
    }

  return script;
}

/* Cuts the script into hunks: each change with up to @context lines either
 * side, and changes whose context would touch or overlap (at most
 * 2 * @context unchanged lines apart) in one hunk, as diff -u does. */
static void
build_hunks (VireoDiff *self,
             GArray    *script,
             guint      context)
{
  const VireoDiffLine *lines = (const VireoDiffLine *) (gpointer) script->data;
  guint len = script->len;
  guint pos = 0;

  while (pos < len)
    {
      VireoDiffHunk *hunk;
      guint first, last, start, end;
      guint old_before = 0, new_before = 0;

      while (pos < len && lines[pos].op == VIREO_DIFF_SAME)
        pos++;
      if (pos == len)
        break;

      first = pos;
      last = pos;     /* one past the last change of this hunk */
      for (;;)
        {
          guint next;

          while (last < len && lines[last].op != VIREO_DIFF_SAME)
            last++;
          next = last;
          while (next < len && lines[next].op == VIREO_DIFF_SAME)
            next++;
          if (next < len && next - last <= 2 * context)
            last = next;
          else
            break;
        }

      start = first > context ? first - context : 0;
      end = MIN (len, last + context);

      hunk = g_new0 (VireoDiffHunk, 1);
      hunk->lines = g_array_sized_new (FALSE, FALSE, sizeof (VireoDiffLine), end - start);
      g_array_append_vals (hunk->lines, lines + start, end - start);

      /* Lines of each text before the hunk: the numbers the @@ line counts
       * from. */
      for (guint k = start; k-- > 0;)
        {
          if (old_before == 0 && lines[k].old_line != 0)
            old_before = lines[k].old_line;
          if (new_before == 0 && lines[k].new_line != 0)
            new_before = lines[k].new_line;
          if (old_before != 0 && new_before != 0)
            break;
        }
      for (guint k = start; k < end; k++)
        {
          if (lines[k].op != VIREO_DIFF_ADDED)
            hunk->old_lines++;
          if (lines[k].op != VIREO_DIFF_REMOVED)
            hunk->new_lines++;
        }
      /* An empty range names the line it follows, as diff does. */
      hunk->old_start = old_before + (hunk->old_lines > 0 ? 1 : 0);
      hunk->new_start = new_before + (hunk->new_lines > 0 ? 1 : 0);

      g_ptr_array_add (self->hunks, hunk);
      pos = last;
    }
}

/**
 * vireo_diff_new:
 * @before: the old text
 * @after: the new text
 * @context: unchanged lines to show around each change
 *   (%VIREO_DIFF_DEFAULT_CONTEXT is what `diff -u` shows)
 *
 * Compares two texts line by line. The result is a shortest edit script,
 * cut into hunks the way `diff -u` cuts it.
 *
 * Returns: (transfer full): the differences
 */
VireoDiff *
vireo_diff_new (const char *before,
                const char *after,
                guint       context)
{
  g_autoptr(GHashTable) lines = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) last_lines = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) script = NULL;
  g_autofree int *v1 = NULL;
  g_autofree int *v2 = NULL;
  VireoDiff *self;
  Search search;
  int n, m;

  g_return_val_if_fail (before != NULL, NULL);
  g_return_val_if_fail (after != NULL, NULL);
  g_return_val_if_fail (context <= G_MAXINT / 4, NULL);

  self = g_new0 (VireoDiff, 1);
  self->hunks = g_ptr_array_new_with_free_func (hunk_free);
  side_init (&self->old_side, before);
  side_init (&self->new_side, after);
  side_intern (&self->old_side, lines, last_lines);
  side_intern (&self->new_side, lines, last_lines);

  n = self->old_side.lines->len;
  m = self->new_side.lines->len;
  /* Large enough for the first bisection, the largest one. */
  v1 = g_new (int, n + m + 4);
  v2 = g_new (int, n + m + 4);
  search = (Search) {
    .a = self->old_side.ids,
    .b = self->new_side.ids,
    .a_changed = self->old_side.changed,
    .b_changed = self->new_side.changed,
    .v1 = v1,
    .v2 = v2,
  };
  compare (&search, 0, n, 0, m);

  script = build_script (self);
  build_hunks (self, script, context);

  return self;
}

void
vireo_diff_free (VireoDiff *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->hunks, g_ptr_array_unref);
  side_clear (&self->old_side);
  side_clear (&self->new_side);
  g_free (self);
}

/**
 * vireo_diff_is_empty:
 *
 * Returns: whether the two texts are the same
 */
gboolean
vireo_diff_is_empty (const VireoDiff *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->hunks->len == 0;
}

guint
vireo_diff_get_n_hunks (const VireoDiff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->hunks->len;
}

/**
 * vireo_diff_get_hunk:
 *
 * Returns: (transfer none): the hunk at @index, valid as long as @self
 */
const VireoDiffHunk *
vireo_diff_get_hunk (const VireoDiff *self,
                     guint            index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->hunks->len, NULL);

  return g_ptr_array_index (self->hunks, index);
}

/**
 * vireo_diff_get_n_removed:
 *
 * Returns: how many lines of the old text are not in the new one
 */
guint
vireo_diff_get_n_removed (const VireoDiff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_removed;
}

/**
 * vireo_diff_get_n_added:
 *
 * Returns: how many lines of the new text are not in the old one
 */
guint
vireo_diff_get_n_added (const VireoDiff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_added;
}

static void
append_range (GString *out,
              guint    start,
              guint    lines)
{
  if (lines == 1)
    g_string_append_printf (out, "%u", start);
  else
    g_string_append_printf (out, "%u,%u", start, lines);
}

/**
 * vireo_diff_hunk_dup_header:
 *
 * Returns: (transfer full): the hunk's `@@ -1,4 +1,5 @@` line, without a
 *   newline
 */
char *
vireo_diff_hunk_dup_header (const VireoDiffHunk *hunk)
{
  GString *out;

  g_return_val_if_fail (hunk != NULL, NULL);

  out = g_string_new ("@@ -");
  append_range (out, hunk->old_start, hunk->old_lines);
  g_string_append (out, " +");
  append_range (out, hunk->new_start, hunk->new_lines);
  g_string_append (out, " @@");
  return g_string_free (out, FALSE);
}

/**
 * vireo_diff_to_unified:
 * @old_label: the name on the `---` line
 * @new_label: the name on the `+++` line
 *
 * Writes the differences in the unified format of `diff -u`, which `patch`
 * applies. Equal texts give an empty string, as diff prints nothing.
 *
 * Returns: (transfer full): the unified diff
 */
char *
vireo_diff_to_unified (const VireoDiff *self,
                       const char      *old_label,
                       const char      *new_label)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (old_label != NULL, NULL);
  g_return_val_if_fail (new_label != NULL, NULL);

  out = g_string_new (NULL);
  if (self->hunks->len == 0)
    return g_string_free (out, FALSE);

  g_string_append_printf (out, "--- %s\n+++ %s\n", old_label, new_label);
  for (guint h = 0; h < self->hunks->len; h++)
    {
      const VireoDiffHunk *hunk = g_ptr_array_index (self->hunks, h);
      g_autofree char *header = vireo_diff_hunk_dup_header (hunk);

      g_string_append (out, header);
      g_string_append_c (out, '\n');
      for (guint i = 0; i < hunk->lines->len; i++)
        {
          const VireoDiffLine *line = &g_array_index (hunk->lines, VireoDiffLine, i);
          static const char prefix[] = { ' ', '-', '+' };

          g_string_append_c (out, prefix[line->op]);
          g_string_append (out, line->text);
          g_string_append_c (out, '\n');
          if (line->no_newline)
            g_string_append (out, "\\ No newline at end of file\n");
        }
    }

  return g_string_free (out, FALSE);
}

/**
 * vireo_diff_hunk_get_old_start:
 *
 * Returns: the 1-based number of the hunk's first line in the old text, or
 *   of the line it follows when it has no old lines (0: the very start)
 */
guint
vireo_diff_hunk_get_old_start (const VireoDiffHunk *hunk)
{
  g_return_val_if_fail (hunk != NULL, 0);

  return hunk->old_start;
}

guint
vireo_diff_hunk_get_old_lines (const VireoDiffHunk *hunk)
{
  g_return_val_if_fail (hunk != NULL, 0);

  return hunk->old_lines;
}

/**
 * vireo_diff_hunk_get_new_start:
 *
 * Returns: like vireo_diff_hunk_get_old_start(), in the new text
 */
guint
vireo_diff_hunk_get_new_start (const VireoDiffHunk *hunk)
{
  g_return_val_if_fail (hunk != NULL, 0);

  return hunk->new_start;
}

guint
vireo_diff_hunk_get_new_lines (const VireoDiffHunk *hunk)
{
  g_return_val_if_fail (hunk != NULL, 0);

  return hunk->new_lines;
}

/**
 * vireo_diff_hunk_get_n_lines:
 *
 * Returns: how many lines the hunk shows, context included
 */
guint
vireo_diff_hunk_get_n_lines (const VireoDiffHunk *hunk)
{
  g_return_val_if_fail (hunk != NULL, 0);

  return hunk->lines->len;
}

/**
 * vireo_diff_hunk_get_line:
 *
 * Returns: (transfer none): the hunk's line at @index, valid as long as the
 *   diff
 */
const VireoDiffLine *
vireo_diff_hunk_get_line (const VireoDiffHunk *hunk,
                          guint                index)
{
  g_return_val_if_fail (hunk != NULL, NULL);
  g_return_val_if_fail (index < hunk->lines->len, NULL);

  return &g_array_index (hunk->lines, VireoDiffLine, index);
}
