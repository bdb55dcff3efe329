/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A line diff between two texts, grouped into hunks with context lines the
 * way `diff -u` groups them. */
typedef struct _VireoDiff     VireoDiff;
typedef struct _VireoDiffHunk VireoDiffHunk;

typedef enum
{
  VIREO_DIFF_SAME,
  VIREO_DIFF_REMOVED,
  VIREO_DIFF_ADDED,
} VireoDiffOp;

/**
 * VireoDiffLine:
 * @op: whether the line is context, only in the old text or only in the new
 * @text: the line without its newline, nul-terminated, owned by the diff
 * @old_line: the line's 1-based number in the old text, or 0 for %VIREO_DIFF_ADDED
 * @new_line: the line's 1-based number in the new text, or 0 for %VIREO_DIFF_REMOVED
 * @no_newline: the line ends its text without a newline
 */
typedef struct
{
  VireoDiffOp  op;
  const char  *text;
  guint        old_line;
  guint        new_line;
  gboolean     no_newline;
} VireoDiffLine;

#define VIREO_DIFF_DEFAULT_CONTEXT 3

VireoDiff           *vireo_diff_new                (const char          *before,
                                                    const char          *after,
                                                    guint                context);
void                 vireo_diff_free               (VireoDiff           *self);
gboolean             vireo_diff_is_empty           (const VireoDiff     *self);
guint                vireo_diff_get_n_hunks        (const VireoDiff     *self);
const VireoDiffHunk *vireo_diff_get_hunk           (const VireoDiff     *self,
                                                    guint                index);
guint                vireo_diff_get_n_removed      (const VireoDiff     *self);
guint                vireo_diff_get_n_added        (const VireoDiff     *self);
char                *vireo_diff_to_unified         (const VireoDiff     *self,
                                                    const char          *old_label,
                                                    const char          *new_label);

guint                vireo_diff_hunk_get_old_start (const VireoDiffHunk *hunk);
guint                vireo_diff_hunk_get_old_lines (const VireoDiffHunk *hunk);
guint                vireo_diff_hunk_get_new_start (const VireoDiffHunk *hunk);
guint                vireo_diff_hunk_get_new_lines (const VireoDiffHunk *hunk);
guint                vireo_diff_hunk_get_n_lines   (const VireoDiffHunk *hunk);
const VireoDiffLine *vireo_diff_hunk_get_line      (const VireoDiffHunk *hunk,
                                                    guint                index);
char                *vireo_diff_hunk_dup_header    (const VireoDiffHunk *hunk);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoDiff, vireo_diff_free)

G_END_DECLS
