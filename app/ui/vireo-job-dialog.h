/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * The frame the Clone and Migrate dialogs share: a header bar with a
 * close button at the start and Run and Open (shown on success) at the
 * end, a banner under it for libvirt's words, and a stack whose "loading"
 * page says what is being read. Each dialog fills the stack with its own
 * pages.
 */
typedef struct
{
  GtkWidget *box;              /* header, banner revealer, stack: the content */
  GtkWidget *close_button;
  GtkWidget *run_button;
  GtkWidget *open_button;
  GtkWidget *banner_label;
  GtkWidget *banner_revealer;
  GtkWidget *stack;
} VireoJobDialogParts;

/* @name: the prefix of the widgets' names ("clone": "clone-close",
 * "clone-run", "clone-open", "clone-banner"); the actions are given whole. */
void vireo_job_dialog_build (VireoJobDialogParts *parts,
                             const char          *name,
                             const char          *close_action,
                             const char          *run_label,
                             const char          *run_action,
                             const char          *open_label,
                             const char          *open_action,
                             const char          *loading_text);

G_END_DECLS
