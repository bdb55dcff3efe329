/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-browse-button"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-browse-button.h"

/*
 * A button beside a path entry that fills it from a file chooser. A file
 * chooser only knows this computer's files, so callers show the button
 * only while the connection is local (its name is "browse" for that).
 */

static void
on_file_chosen (GtkNativeDialog *chooser,
                int              response,
                GtkEditable     *entry)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (entry, path);
    }
  g_object_unref (entry);
  g_object_unref (chooser);
}

static void
on_browse_clicked (GtkButton *button,
                   GtkWidget *entry)
{
  gboolean folder = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "vireo-folder"));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));
  GtkFileChooserNative *chooser;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  chooser = gtk_file_chooser_native_new (folder ? _("Choose a Folder to Share") : _("Choose a File"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (text != NULL && *text == '/')
    {
      g_autoptr(GFile) file = g_file_new_for_path (text);
      g_autoptr(GFile) parent = folder ? g_object_ref (file) : g_file_get_parent (file);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), parent, NULL);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), g_object_ref (entry));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/**
 * vireo_browse_button_new:
 * @entry: a #GtkEditable the chosen path goes into
 * @folder: choose a folder rather than a file
 */
GtkWidget *
vireo_browse_button_new (GtkWidget *entry,
                         gboolean   folder)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("document-open-symbolic");
  const char *label = folder ? _("Choose a folder") : _("Choose a file");

  g_return_val_if_fail (GTK_IS_EDITABLE (entry), NULL);

  gtk_widget_set_name (button, "browse");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "vireo-folder", GINT_TO_POINTER (folder));
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_browse_clicked), entry, 0);
  return button;
}
