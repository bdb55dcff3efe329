/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-job-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-job-dialog.h"

static GtkWidget *
named_button (const char *label,
              const char *action,
              const char *name,
              const char *suffix)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);
  g_autofree char *full = g_strconcat (name, "-", suffix, NULL);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_name (button, full);
  return button;
}

void
vireo_job_dialog_build (VireoJobDialogParts *parts,
                        const char          *name,
                        const char          *close_action,
                        const char          *run_label,
                        const char          *run_action,
                        const char          *open_label,
                        const char          *open_action,
                        const char          *loading_text)
{
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *loading = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *spinner = gtk_spinner_new ();
  g_autofree char *banner_name = g_strconcat (name, "-banner", NULL);

  g_return_if_fail (parts != NULL);

  parts->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  /* Closing is the dialog's to decide (a job under way is cancelled
   * first), so no title-bar close button. */
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  parts->close_button = named_button (_("_Cancel"), close_action, name, "close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), parts->close_button);
  parts->run_button = named_button (run_label, run_action, name, "run");
  gtk_widget_add_css_class (parts->run_button, "suggested-action");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), parts->run_button);
  parts->open_button = named_button (open_label, open_action, name, "open");
  gtk_widget_add_css_class (parts->open_button, "suggested-action");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), parts->open_button);
  gtk_box_append (GTK_BOX (parts->box), header);

  parts->banner_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (parts->banner_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (parts->banner_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (parts->banner_label), 0);
  gtk_widget_add_css_class (parts->banner_label, "vireo-banner");
  gtk_widget_set_name (parts->banner_label, banner_name);
  parts->banner_revealer = gtk_revealer_new ();
  gtk_revealer_set_child (GTK_REVEALER (parts->banner_revealer), parts->banner_label);
  gtk_box_append (GTK_BOX (parts->box), parts->banner_revealer);

  parts->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (parts->stack, TRUE);
  gtk_widget_set_valign (loading, GTK_ALIGN_CENTER);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_box_append (GTK_BOX (loading), spinner);
  gtk_box_append (GTK_BOX (loading), gtk_label_new (loading_text));
  gtk_stack_add_named (GTK_STACK (parts->stack), loading, "loading");
  gtk_box_append (GTK_BOX (parts->box), parts->stack);
}
