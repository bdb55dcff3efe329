/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-delete-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-delete-dialog.h"

/*
 * Confirms deleting one or more machines and lets the user choose, disk by
 * disk, whether its storage goes too. Disks Vireo must keep are shown
 * unticked and insensitive, with the reason, so nothing disappears silently.
 */
struct _VireoDeleteDialog
{
  AdwMessageDialog  parent_instance;

  /* Owned */
  GPtrArray        *plans;     /* VireoDeletePlan */

  /* Template widgets */
  GtkBox           *disk_box;
};

G_DEFINE_FINAL_TYPE (VireoDeleteDialog, vireo_delete_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
on_check_toggled (GtkCheckButton *check,
                  VireoDeleteDisk *disk)
{
  disk->delete_storage = gtk_check_button_get_active (check);
}

static GtkWidget *
build_disk_row (VireoDeleteDisk *disk)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *title = NULL;

  /* Translators: %s is a disk's target name, such as "vda" */
  title = g_strdup_printf (_("Storage of %s"), disk->target ? disk->target : "?");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  if (disk->reason_kept != NULL)
    {
      g_autofree char *subtitle = g_strdup_printf ("%s\n%s",
                                                   disk->path ? disk->path : "",
                                                   disk->reason_kept);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_sensitive (check, FALSE);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
    }
  else
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), disk->path);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), disk->delete_storage);
      g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), disk);
    }

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  return row;
}

static void
vireo_delete_dialog_dispose (GObject *object)
{
  VireoDeleteDialog *self = VIREO_DELETE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_DELETE_DIALOG);
  g_clear_pointer (&self->plans, g_ptr_array_unref);

  G_OBJECT_CLASS (vireo_delete_dialog_parent_class)->dispose (object);
}

static void
vireo_delete_dialog_class_init (VireoDeleteDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = vireo_delete_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-delete-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoDeleteDialog, disk_box);
}

static void
vireo_delete_dialog_init (VireoDeleteDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * vireo_delete_dialog_new:
 * @plans: (element-type VireoDeletePlan): one plan per machine; the dialog
 *   flips their `delete_storage` flags as the user ticks boxes
 * @n_running: how many of them are running and will be forced off
 */
GtkWidget *
vireo_delete_dialog_new (GtkWindow *parent,
                         GPtrArray *plans,
                         guint      n_running)
{
  VireoDeleteDialog *self;
  g_autofree char *heading = NULL;
  GString *body = g_string_new (NULL);

  g_return_val_if_fail (plans != NULL && plans->len > 0, NULL);

  self = g_object_new (VIREO_TYPE_DELETE_DIALOG, "transient-for", parent, NULL);
  self->plans = g_ptr_array_ref (plans);

  if (plans->len == 1)
    /* Translators: %s is a virtual machine's name */
    heading = g_strdup_printf (_("Delete “%s”?"),
                               vireo_delete_plan_get_name (g_ptr_array_index (plans, 0)));
  else
    heading = g_strdup_printf (ngettext ("Delete %u Virtual Machine?",
                                         "Delete %u Virtual Machines?", plans->len),
                               plans->len);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);

  g_string_append (body, _("The definition, saved state, snapshot metadata and UEFI variables are removed. "
                           "This cannot be undone."));
  if (n_running > 0)
    {
      g_string_append (body, "\n\n");
      g_string_append_printf (body, ngettext ("%u machine is running and will be forced off first.",
                                              "%u machines are running and will be forced off first.",
                                              n_running),
                              n_running);
    }
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body->str);
  g_string_free (body, TRUE);

  for (guint i = 0; i < plans->len; i++)
    {
      VireoDeletePlan *plan = g_ptr_array_index (plans, i);
      GtkWidget *list;
      guint n = vireo_delete_plan_get_n_disks (plan);

      if (n == 0)
        continue;

      if (plans->len > 1)
        {
          GtkWidget *label = gtk_label_new (vireo_delete_plan_get_name (plan));
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_widget_add_css_class (label, "heading");
          gtk_box_append (self->disk_box, label);
        }

      list = gtk_list_box_new ();
      gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
      gtk_widget_add_css_class (list, "boxed-list");
      for (guint j = 0; j < n; j++)
        gtk_list_box_append (GTK_LIST_BOX (list), build_disk_row (vireo_delete_plan_get_disk (plan, j)));
      gtk_box_append (self->disk_box, list);
    }

  return GTK_WIDGET (self);
}

/**
 * vireo_delete_dialog_get_plans:
 *
 * Returns: (transfer none) (element-type VireoDeletePlan): the plans, with
 *   the user's choices applied
 */
GPtrArray *
vireo_delete_dialog_get_plans (VireoDeleteDialog *self)
{
  g_return_val_if_fail (VIREO_IS_DELETE_DIALOG (self), NULL);
  return self->plans;
}
