/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-save-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-browse-button.h"
#include "vireo-command.h"
#include "vireo-domain-config.h"
#include "vireo-format.h"
#include "vireo-lookup.h"
#include "vireo-save-dialog.h"
#include "vireo-save-restore.h"
#include "vireo-virt-error.h"

/*
 * The save file lives on the machine's host, not necessarily this one: for
 * a remote connection the path is typed, not browsed, and nothing here
 * looks at the local file system. For a local one Browse helps, and an
 * existing file is asked about before libvirt replaces it.
 *
 * The suggested folder is a storage pool's ("default" first): libvirt can
 * write there, and the file then shows in the Storage page.
 */

static const char *
state_label (VireoRestoreState state)
{
  switch (state)
    {
    case VIREO_RESTORE_RUNNING: return _("Running");
    case VIREO_RESTORE_PAUSED:  return _("Paused");
    case VIREO_RESTORE_AS_SAVED:
    default:                    return _("As It Was");
    }
}

static GtkWidget *
state_row_new (const char *title,
               const char *subtitle)
{
  const char *labels[] = { state_label (VIREO_RESTORE_AS_SAVED),
                           state_label (VIREO_RESTORE_RUNNING),
                           state_label (VIREO_RESTORE_PAUSED), NULL };
  g_autoptr(GtkStringList) model = gtk_string_list_new (labels);
  GtkWidget *row = adw_combo_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  return row;
}

static GtkWidget *
command_group_new (GtkLabel **label)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Equivalent Command"));
  *label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_selectable (*label, TRUE);
  gtk_label_set_wrap (*label, TRUE);
  gtk_label_set_wrap_mode (*label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (*label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (*label), "monospace");
  gtk_widget_add_css_class (GTK_WIDGET (*label), "dim-label");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (*label));
  return group;
}

/* The message under the form: libvirt's words or why the input is
 * refused. The user's typing stays. */
static GtkWidget *
message_label_new (GtkLabel **label)
{
  *label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (*label, TRUE);
  gtk_label_set_xalign (*label, 0);
  gtk_label_set_selectable (*label, TRUE);
  gtk_widget_set_margin_top (GTK_WIDGET (*label), 6);
  gtk_widget_set_visible (GTK_WIDGET (*label), FALSE);
  return GTK_WIDGET (*label);
}

static void
show_message (GtkLabel   *label,
              GtkWidget  *row,
              const char *text,
              gboolean    is_error)
{
  gtk_label_set_text (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
  if (is_error && text != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  if (row != NULL)
    {
      if (is_error && text != NULL)
        gtk_widget_add_css_class (row, "error");
      else
        gtk_widget_remove_css_class (row, "error");
    }
}

/* Why @path cannot name a save file, or NULL. */
static const char *
path_problem (const char *path)
{
  if (path == NULL || *path == '\0')
    return _("File: type where the file goes, on the host.");
  if (*path != '/')
    return _("File: the path must start with “/” (it is a path on the host).");
  if (g_str_has_suffix (path, "/"))
    return _("File: that names a folder; add a file name.");
  return NULL;
}

static const char *
pick_folder (GPtrArray *pools)
{
  const char *any = NULL;

  for (guint i = 0; pools != NULL && i < pools->len; i++)
    {
      VireoPoolInfo *pool = g_ptr_array_index (pools, i);

      if (!pool->active || pool->target_path == NULL || g_strcmp0 (pool->type, "dir") != 0)
        continue;
      if (g_str_equal (pool->name, "default"))
        return pool->target_path;
      if (any == NULL)
        any = pool->target_path;
    }
  return any;
}

/* ------------------------------------------------------------------------ */
/* Save to File                                                              */

struct _VireoSaveDialog
{
  AdwWindow        parent_instance;

  VireoDomain     *domain;
  VireoSaveJob    *job;
  GCancellable    *cancellable;
  char            *error;
  gboolean         touched;     /* the user typed a path: no suggestion replaces it */
  gboolean         suggesting;
  /* Closed by the user: pending answers only let go of it. A destroyed
   * window is not disposed while callbacks hold it, so this is the flag
   * they check. */
  gboolean         closed;
  gboolean         checking;    /* asking about the file before the save */
  gboolean         stopping;
  guint            pulse_id;

  GtkWidget       *cancel_button;
  GtkWidget       *save_button;
  GtkWidget       *form;
  GtkWidget       *path_row;
  AdwComboRow     *state_row;
  GtkLabel        *message_label;
  GtkLabel        *space_label;
  GtkLabel        *command_label;
  GtkWidget       *progress_box;
  GtkProgressBar  *progress_bar;
  GtkLabel        *progress_label;
};

G_DEFINE_FINAL_TYPE (VireoSaveDialog, vireo_save_dialog, ADW_TYPE_WINDOW)

enum {
  SAVE_SIGNAL_SAVED,
  SAVE_N_SIGNALS
};

static guint save_signals[SAVE_N_SIGNALS];

static VireoRestoreState
save_state (VireoSaveDialog *self)
{
  return (VireoRestoreState) adw_combo_row_get_selected (self->state_row);
}

char *
vireo_save_dialog_dup_command (VireoSaveDialog *self)
{
  VireoConnection *connection = vireo_domain_get_connection (self->domain);
  const char *path = gtk_editable_get_text (GTK_EDITABLE (self->path_row));

  g_return_val_if_fail (VIREO_IS_SAVE_DIALOG (self), NULL);

  return vireo_command_for_save (connection ? vireo_connection_get_uri (connection) : NULL,
                                 vireo_domain_get_name (self->domain),
                                 *path ? path : "FILE", save_state (self));
}

static void
save_set_error (VireoSaveDialog *self,
                const char      *text)
{
  g_free (self->error);
  self->error = g_strdup (text);
  show_message (self->message_label, self->path_row, text, TRUE);
}

static void
save_update (VireoSaveDialog *self)
{
  g_autofree char *command = vireo_save_dialog_dup_command (self);
  const char *path = gtk_editable_get_text (GTK_EDITABLE (self->path_row));
  gboolean running = self->job != NULL;
  gboolean active = vireo_domain_get_active (self->domain) &&
                    vireo_domain_get_state (self->domain) != VIREO_DOMAIN_STATE_PMSUSPENDED;

  gtk_label_set_text (self->command_label, command);
  gtk_widget_set_sensitive (self->save_button,
                            !running && !self->checking && active && path_problem (path) == NULL);
  gtk_widget_set_sensitive (self->form, !running && !self->checking);
}

static void
on_save_path_changed (VireoSaveDialog *self)
{
  if (!self->suggesting)
    self->touched = TRUE;
  /* A message about the previous text no longer applies; a refusal is
   * shown again when Save is pressed. */
  if (self->error != NULL && self->job == NULL)
    save_set_error (self, NULL);
  save_update (self);
}

static void
suggest_path (VireoSaveDialog *self,
              const char      *folder)
{
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  if (self->touched || folder == NULL)
    return;
  file = g_strdup_printf ("%s.save", vireo_domain_get_name (self->domain));
  path = g_build_filename (folder, file, NULL);
  self->suggesting = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->path_row), path);
  self->suggesting = FALSE;
}

static void
save_pools_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VireoSaveDialog) self = user_data;
  g_autoptr(GPtrArray) pools = NULL;
  g_autoptr(GError) error = NULL;
  VireoConnection *connection = VIREO_CONNECTION (object);
  const char *folder;

  pools = vireo_connection_list_pools_finish (connection, result, &error);
  if (self->closed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  folder = pick_folder (pools);
  if (folder == NULL && !vireo_connection_get_is_remote (connection))
    folder = g_get_home_dir ();
  suggest_path (self, folder);

  if (folder != NULL && pools != NULL)
    for (guint i = 0; i < pools->len; i++)
      {
        VireoPoolInfo *pool = g_ptr_array_index (pools, i);

        if (g_strcmp0 (pool->target_path, folder) == 0)
          {
            /* The file holds the guest's memory, at most: say whether the
             * pool has room before libvirt finds out halfway. */
            guint64 need = vireo_domain_get_max_memory_kib (self->domain);
            g_autofree char *need_text = vireo_format_size_kib (need);
            g_autofree char *free_text = vireo_format_size_kib (pool->available / 1024);
            g_autofree char *text =
              g_strdup_printf (_("Needs up to %s (the machine’s memory); %s free in pool “%s”."),
                               need_text, free_text, pool->name);

            gtk_label_set_text (self->space_label, text);
            gtk_widget_set_visible (GTK_WIDGET (self->space_label), TRUE);
            if (need * 1024 > pool->available)
              gtk_widget_add_css_class (GTK_WIDGET (self->space_label), "warning");
            break;
          }
      }
}

static gboolean
pulse_cb (gpointer user_data)
{
  VireoSaveDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
set_pulsing (VireoSaveDialog *self,
             gboolean         on)
{
  if (on && self->pulse_id == 0)
    self->pulse_id = g_timeout_add (150, pulse_cb, self);
  else if (!on)
    g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static void
on_job_progress (VireoSaveDialog *self)
{
  VireoSaveJob *job = self->job;
  double progress;
  guint64 done, total;

  if (job == NULL || self->stopping)
    return;

  progress = vireo_save_job_get_progress (job);
  done = vireo_save_job_get_bytes_done (job);
  total = vireo_save_job_get_bytes_total (job);

  if (!vireo_save_job_get_monitored (job))
    {
      set_pulsing (self, TRUE);
      gtk_label_set_text (self->progress_label,
                          _("Saving… A remote host does not report progress; this takes about as long as writing the machine’s memory."));
      return;
    }

  if (progress >= 1.0)
    {
      /* libvirt reports the memory written some seconds before the file
       * is complete. */
      set_pulsing (self, FALSE);
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      gtk_label_set_text (self->progress_label, _("Finishing the file…"));
    }
  else if (total > 0)
    {
      g_autofree char *done_text = vireo_format_size_kib (done / 1024);
      g_autofree char *total_text = vireo_format_size_kib (total / 1024);
      /* Translators: save progress, "1.2 GiB of 2.0 GiB written" */
      g_autofree char *text = g_strdup_printf (_("%s of %s written"), done_text, total_text);

      set_pulsing (self, FALSE);
      gtk_progress_bar_set_fraction (self->progress_bar, progress);
      gtk_label_set_text (self->progress_label, text);
    }
  else
    {
      set_pulsing (self, TRUE);
      gtk_label_set_text (self->progress_label, _("Starting…"));
    }
}

static void
save_run_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VireoSaveDialog) self = user_data;
  g_autoptr(VireoSaveJob) job = VIREO_SAVE_JOB (object);
  g_autoptr(GError) error = NULL;

  vireo_save_job_run_finish (job, result, &error);
  g_signal_handlers_disconnect_by_data (job, self);
  if (self->closed)
    return;
  set_pulsing (self, FALSE);
  self->stopping = FALSE;
  g_clear_object (&self->job);
  gtk_widget_set_visible (self->progress_box, FALSE);
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Cancel"));
  gtk_widget_set_sensitive (self->cancel_button, TRUE);

  if (error == NULL)
    {
      g_signal_emit (self, save_signals[SAVE_SIGNAL_SAVED], 0, vireo_save_job_get_path (job));
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (self->error);
      self->error = NULL;
      show_message (self->message_label, self->path_row,
                    _("The save was stopped. The machine goes on as before, and no file was left."), FALSE);
    }
  else
    save_set_error (self, error->message);
  save_update (self);
}

static void
start_save (VireoSaveDialog *self)
{
  const char *path = gtk_editable_get_text (GTK_EDITABLE (self->path_row));

  self->checking = FALSE;
  if (self->closed || self->job != NULL)
    return;
  /* It may have stopped while the file was asked about. */
  if (!vireo_domain_get_active (self->domain))
    {
      save_update (self);
      return;
    }

  save_set_error (self, NULL);
  self->job = vireo_save_job_new (self->domain, path, save_state (self));
  g_signal_connect_swapped (self->job, "notify::progress", G_CALLBACK (on_job_progress), self);
  g_signal_connect_swapped (self->job, "notify::bytes-done", G_CALLBACK (on_job_progress), self);

  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (self->progress_box, TRUE);
  if (vireo_save_job_get_monitored (self->job))
    gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Stop"));
  else
    gtk_widget_set_sensitive (self->cancel_button, FALSE);
  on_job_progress (self);
  save_update (self);

  vireo_save_job_run_async (self->job, self->cancellable, save_run_cb,
                            g_object_ref (self));
  /* The callback owns the job's last reference from here on. */
  g_object_ref (self->job);
}

static void
on_replace_response (AdwMessageDialog *dialog,
                     const char       *response,
                     VireoSaveDialog  *self)
{
  if (g_str_equal (response, "replace"))
    start_save (self);
  else
    {
      self->checking = FALSE;
      save_update (self);
    }
}

static void
save_query_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VireoSaveDialog) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file = G_FILE (object);
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  info = g_file_query_info_finish (file, result, &error);
  if (self->closed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info == NULL)
    {
      /* No such file: normal. No such folder is libvirt's to report,
       * with its own words, as for a remote host. */
      start_save (self);
      return;
    }
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      self->checking = FALSE;
      save_set_error (self, _("File: that is a folder; add a file name."));
      save_update (self);
      return;
    }

  body = g_strdup_printf (_("“%s” exists. Saving replaces what it holds."),
                          gtk_editable_get_text (GTK_EDITABLE (self->path_row)));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Replace the File?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "replace", _("_Replace"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "replace",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_replace_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_save_clicked (VireoSaveDialog *self)
{
  const char *path = gtk_editable_get_text (GTK_EDITABLE (self->path_row));
  VireoConnection *connection = vireo_domain_get_connection (self->domain);
  const char *problem = path_problem (path);

  if (problem != NULL)
    {
      save_set_error (self, problem);
      return;
    }
  if (connection == NULL || vireo_connection_get_is_remote (connection))
    {
      start_save (self);
      return;
    }

  {
    g_autoptr(GFile) file = g_file_new_for_path (path);

    /* One question at a time: a second click waits for this answer. */
    self->checking = TRUE;
    save_update (self);
    g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                             G_PRIORITY_DEFAULT, self->cancellable, save_query_cb,
                             g_object_ref (self));
  }
}

void
vireo_save_dialog_stop (VireoSaveDialog *self)
{
  g_return_if_fail (VIREO_IS_SAVE_DIALOG (self));

  if (self->job == NULL)
    return;
  if (!vireo_save_job_get_monitored (self->job))
    {
      /* libvirt 9.0 cannot be asked to stop a remote save once it runs. */
      gtk_label_set_text (self->progress_label,
                          _("A save on a remote host cannot be stopped once it runs; the dialog closes when it ends."));
      return;
    }
  vireo_save_job_cancel (self->job);
  self->stopping = TRUE;
  set_pulsing (self, TRUE);
  gtk_label_set_text (self->progress_label, _("Stopping…"));
}

static void
close_dialog (VireoSaveDialog *self)
{
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_cancel_clicked (VireoSaveDialog *self)
{
  if (self->job != NULL)
    vireo_save_dialog_stop (self);
  else
    close_dialog (self);
}

static gboolean
on_save_close_request (GtkWindow *window)
{
  VireoSaveDialog *self = VIREO_SAVE_DIALOG (window);

  /* A save under way is stopped, not orphaned: the dialog stays until
   * libvirt says how it ended. */
  if (self->job != NULL)
    {
      vireo_save_dialog_stop (self);
      return TRUE;
    }
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  return FALSE;
}

static void
vireo_save_dialog_dispose (GObject *object)
{
  VireoSaveDialog *self = VIREO_SAVE_DIALOG (object);

  self->closed = TRUE;
  set_pulsing (self, FALSE);
  g_cancellable_cancel (self->cancellable);
  if (self->domain != NULL)
    g_signal_handlers_disconnect_by_data (self->domain, self);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);

  G_OBJECT_CLASS (vireo_save_dialog_parent_class)->dispose (object);
}

static void
vireo_save_dialog_finalize (GObject *object)
{
  VireoSaveDialog *self = VIREO_SAVE_DIALOG (object);

  g_clear_object (&self->domain);
  g_clear_object (&self->cancellable);
  g_free (self->error);

  G_OBJECT_CLASS (vireo_save_dialog_parent_class)->finalize (object);
}

static void
vireo_save_dialog_class_init (VireoSaveDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = vireo_save_dialog_dispose;
  object_class->finalize = vireo_save_dialog_finalize;
  window_class->close_request = on_save_close_request;

  save_signals[SAVE_SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vireo_save_dialog_init (VireoSaveDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *command_group;

  self->cancellable = g_cancellable_new ();

  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 520);

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  self->cancel_button = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->cancel_button);
  self->save_button = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (on_save_clicked), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->save_button);
  gtk_box_append (GTK_BOX (box), header);

  self->path_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->path_row), _("_File on the Host"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->path_row), TRUE);
  g_signal_connect_swapped (self->path_row, "changed", G_CALLBACK (on_save_path_changed), self);
  self->state_row = ADW_COMBO_ROW (state_row_new (_("When _Restored"),
                                                  _("How the machine comes back from this file")));
  g_signal_connect_swapped (self->state_row, "notify::selected", G_CALLBACK (save_update), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->path_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->state_row));
  self->space_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->space_label, TRUE);
  gtk_label_set_xalign (self->space_label, 0);
  gtk_widget_set_margin_top (GTK_WIDGET (self->space_label), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self->space_label), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->space_label), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->space_label));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), message_label_new (&self->message_label));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  self->form = group;

  command_group = command_group_new (&self->command_label);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (command_group));

  self->progress_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (self->progress_box, 24);
  gtk_widget_set_margin_end (self->progress_box, 24);
  gtk_widget_set_margin_bottom (self->progress_box, 18);
  self->progress_bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  self->progress_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->progress_label, TRUE);
  gtk_label_set_xalign (self->progress_label, 0);
  gtk_box_append (GTK_BOX (self->progress_box), GTK_WIDGET (self->progress_bar));
  gtk_box_append (GTK_BOX (self->progress_box), GTK_WIDGET (self->progress_label));
  gtk_widget_set_visible (self->progress_box, FALSE);

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  gtk_box_append (GTK_BOX (box), self->progress_box);
  adw_window_set_content (ADW_WINDOW (self), box);
}

GtkWidget *
vireo_save_dialog_new (GtkWindow   *parent,
                       VireoDomain *domain)
{
  VireoSaveDialog *self;
  VireoConnection *connection;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), NULL);

  self = g_object_new (VIREO_TYPE_SAVE_DIALOG, "transient-for", parent, NULL);
  self->domain = g_object_ref (domain);
  connection = vireo_domain_get_connection (domain);

  title = g_strdup_printf (_("Save “%s” to a File"), vireo_domain_get_name (domain));
  gtk_window_set_title (GTK_WINDOW (self), title);
  description = g_strdup (connection && vireo_connection_get_is_remote (connection)
                          ? _("The machine’s memory is written to a file on its host and the machine stops. "
                              "Restoring the file brings it back where it was. "
                              "An existing file of that name is replaced.")
                          : _("The machine’s memory is written to a file on this computer and the machine stops. "
                              "Restoring the file brings it back where it was. "
                              "An existing file of that name is replaced."));
  if (!vireo_domain_get_persistent (domain))
    {
      /* libvirt forgets a transient machine once it stops. */
      g_autofree char *more = g_strdup_printf ("%s %s", description,
                                               _("This machine is transient: it leaves the list once saved, "
                                                 "and only the file holds it."));
      g_free (description);
      description = g_steal_pointer (&more);
    }
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->form), description);

  if (connection != NULL && !vireo_connection_get_is_remote (connection))
    adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->path_row),
                              vireo_browse_button_new (self->path_row, FALSE));

  /* The list's Save button only runs for machines that can; a machine
   * stopping meanwhile makes Save insensitive rather than fail. */
  g_signal_connect_swapped (domain, "notify::state", G_CALLBACK (save_update), self);

  if (connection != NULL)
    vireo_connection_list_pools_async (connection, self->cancellable, save_pools_cb,
                                       g_object_ref (self));
  save_update (self);
  return GTK_WIDGET (self);
}

GtkEditable *
vireo_save_dialog_get_path_entry (VireoSaveDialog *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_DIALOG (self), NULL);
  return GTK_EDITABLE (self->path_row);
}

GtkWidget *
vireo_save_dialog_get_save_button (VireoSaveDialog *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_DIALOG (self), NULL);
  return self->save_button;
}

GtkProgressBar *
vireo_save_dialog_get_progress_bar (VireoSaveDialog *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_DIALOG (self), NULL);
  return self->progress_bar;
}

const char *
vireo_save_dialog_get_error (VireoSaveDialog *self)
{
  g_return_val_if_fail (VIREO_IS_SAVE_DIALOG (self), NULL);
  return self->error;
}

/* ------------------------------------------------------------------------ */
/* Restore from File                                                         */

struct _VireoRestoreDialog
{
  AdwWindow        parent_instance;

  VireoConnection *connection;
  GCancellable    *cancellable;   /* the dialog's life */
  GCancellable    *read_cancellable;
  char            *error;
  char            *summary;
  char            *read_path;     /* the path summary/error are about */
  gboolean         busy;
  gboolean         closed;        /* see VireoSaveDialog */
  gboolean         refused;       /* the error is the last restore's: a new choice may do */
  guint            read_id;

  GtkWidget       *restore_button;
  GtkWidget       *cancel_button;
  GtkWidget       *form;
  GtkWidget       *path_row;
  AdwComboRow     *state_row;
  GtkLabel        *summary_label;
  GtkLabel        *message_label;
  GtkLabel        *command_label;
};

G_DEFINE_FINAL_TYPE (VireoRestoreDialog, vireo_restore_dialog, ADW_TYPE_WINDOW)

enum {
  RESTORE_SIGNAL_RESTORED,
  RESTORE_N_SIGNALS
};

static guint restore_signals[RESTORE_N_SIGNALS];

static void
restore_update (VireoRestoreDialog *self)
{
  const char *path = gtk_editable_get_text (GTK_EDITABLE (self->path_row));
  g_autofree char *command =
    vireo_command_for_restore (vireo_connection_get_uri (self->connection), *path ? path : "FILE",
                               (VireoRestoreState) adw_combo_row_get_selected (self->state_row));
  gboolean ready = !self->busy && self->summary != NULL && (self->error == NULL || self->refused) &&
                   g_strcmp0 (self->read_path, path) == 0;

  gtk_label_set_text (self->command_label, command);
  gtk_widget_set_sensitive (self->restore_button, ready);
  gtk_widget_set_sensitive (self->form, !self->busy);
  /* A restore under way cannot be stopped: no Cancel that would lie. */
  gtk_widget_set_sensitive (self->cancel_button, !self->busy);
  gtk_label_set_text (self->summary_label, self->summary ? self->summary : "");
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), self->summary != NULL);
  /* A refused restore is not the path's fault: the field stays unmarked. */
  show_message (self->message_label, self->refused ? NULL : self->path_row, self->error, TRUE);
  if (self->refused)
    gtk_widget_remove_css_class (self->path_row, "error");
}

static void
restore_set (VireoRestoreDialog *self,
             const char         *summary,
             const char         *error)
{
  /* Either may be the current one, passed back: copy before freeing. */
  char *new_summary = g_strdup (summary);
  char *new_error = g_strdup (error);

  g_free (self->summary);
  self->summary = new_summary;
  g_free (self->error);
  self->error = new_error;
  self->refused = FALSE;
  restore_update (self);
}

static void
read_image_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VireoRestoreDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *summary = NULL;
  VireoDomain *existing;

  xml = vireo_connection_read_save_image_finish (VIREO_CONNECTION (object), result, &error);
  if (self->closed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (xml == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("File: it cannot be restored. %s"), error->message);

      restore_set (self, NULL, text);
      return;
    }

  config = vireo_domain_config_new_from_xml (xml, &error);
  if (config == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("File: the machine it holds cannot be read. %s"),
                                               error->message);
      restore_set (self, NULL, text);
      return;
    }

  memory = vireo_format_size_kib (vireo_domain_config_get_memory_kib (config));
  /* Translators: what a save file holds: machine name, memory size */
  summary = g_strdup_printf (_("Holds “%s” with %s of memory."),
                             vireo_domain_config_get_name (config), memory);

  existing = vireo_connection_find_domain (self->connection, vireo_domain_config_get_uuid (config));
  if (existing != NULL && vireo_domain_get_active (existing))
    {
      g_autofree char *text =
        g_strdup_printf (_("“%s” is running: libvirt does not restore over a running machine. Stop it first."),
                         vireo_domain_get_name (existing));
      restore_set (self, summary, text);
      return;
    }
  restore_set (self, summary, NULL);
}

static gboolean
read_image (gpointer user_data)
{
  VireoRestoreDialog *self = user_data;
  const char *path = gtk_editable_get_text (GTK_EDITABLE (self->path_row));

  self->read_id = 0;
  g_free (self->read_path);
  self->read_path = g_strdup (path);
  vireo_connection_read_save_image_async (self->connection, path, self->read_cancellable,
                                          read_image_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
on_restore_path_changed (VireoRestoreDialog *self)
{
  const char *path = gtk_editable_get_text (GTK_EDITABLE (self->path_row));
  const char *problem = path_problem (path);

  g_clear_handle_id (&self->read_id, g_source_remove);
  g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->read_cancellable);
  self->read_cancellable = g_cancellable_new ();
  g_clear_pointer (&self->read_path, g_free);

  /* Only a finished path is worth a round trip to the host. */
  if (problem != NULL)
    {
      restore_set (self, NULL, *path ? problem : NULL);
      return;
    }
  restore_set (self, NULL, NULL);
  self->read_id = g_timeout_add (300, read_image, self);
}

static void
restore_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VireoRestoreDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  uuid = vireo_connection_restore_finish (VIREO_CONNECTION (object), result, &error);
  if (self->closed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (uuid == NULL)
    {
      restore_set (self, self->summary, error->message);
      self->refused = TRUE;
      restore_update (self);
      return;
    }
  g_signal_emit (self, restore_signals[RESTORE_SIGNAL_RESTORED], 0, uuid);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_restore_clicked (VireoRestoreDialog *self)
{
  if (self->busy)
    return;
  self->busy = TRUE;
  restore_update (self);
  vireo_connection_restore_async (self->connection,
                                  gtk_editable_get_text (GTK_EDITABLE (self->path_row)),
                                  (VireoRestoreState) adw_combo_row_get_selected (self->state_row),
                                  self->cancellable, restore_cb, g_object_ref (self));
}

void
vireo_restore_dialog_set_state (VireoRestoreDialog *self,
                                VireoRestoreState   state)
{
  g_return_if_fail (VIREO_IS_RESTORE_DIALOG (self));
  adw_combo_row_set_selected (self->state_row, state);
}

static void
close_restore_dialog (VireoRestoreDialog *self)
{
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
on_restore_close_request (GtkWindow *window)
{
  VireoRestoreDialog *self = VIREO_RESTORE_DIALOG (window);

  if (self->busy)
    return TRUE;
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);
  return FALSE;
}

static void
vireo_restore_dialog_dispose (GObject *object)
{
  VireoRestoreDialog *self = VIREO_RESTORE_DIALOG (object);

  self->closed = TRUE;
  g_clear_handle_id (&self->read_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->read_cancellable != NULL)
    g_cancellable_cancel (self->read_cancellable);

  G_OBJECT_CLASS (vireo_restore_dialog_parent_class)->dispose (object);
}

static void
vireo_restore_dialog_finalize (GObject *object)
{
  VireoRestoreDialog *self = VIREO_RESTORE_DIALOG (object);

  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->read_cancellable);
  g_free (self->error);
  g_free (self->summary);
  g_free (self->read_path);

  G_OBJECT_CLASS (vireo_restore_dialog_parent_class)->finalize (object);
}

static void
vireo_restore_dialog_class_init (VireoRestoreDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vireo_restore_dialog_dispose;
  object_class->finalize = vireo_restore_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = on_restore_close_request;

  restore_signals[RESTORE_SIGNAL_RESTORED] =
    g_signal_new ("restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vireo_restore_dialog_init (VireoRestoreDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

  self->cancellable = g_cancellable_new ();
  self->read_cancellable = g_cancellable_new ();

  gtk_window_set_title (GTK_WINDOW (self), _("Restore from a File"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 480);

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  self->cancel_button = cancel;
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (close_restore_dialog), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->restore_button = gtk_button_new_with_mnemonic (_("_Restore"));
  gtk_widget_add_css_class (self->restore_button, "suggested-action");
  g_signal_connect_swapped (self->restore_button, "clicked", G_CALLBACK (on_restore_clicked), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->restore_button);
  gtk_box_append (GTK_BOX (box), header);

  self->path_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->path_row), _("_File on the Host"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->path_row), TRUE);
  g_signal_connect_swapped (self->path_row, "changed", G_CALLBACK (on_restore_path_changed), self);
  self->state_row = ADW_COMBO_ROW (state_row_new (_("_Start"),
                                                  _("As it was when saved, or running or paused")));
  g_signal_connect_swapped (self->state_row, "notify::selected", G_CALLBACK (restore_update), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->path_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->state_row));
  self->summary_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->summary_label, TRUE);
  gtk_label_set_xalign (self->summary_label, 0);
  gtk_widget_set_margin_top (GTK_WIDGET (self->summary_label), 6);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->summary_label));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), message_label_new (&self->message_label));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("A file made by Save to File (or virsh save) brings its machine back where it was. "
                                           "The file stays where it is."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  self->form = group;
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (command_group_new (&self->command_label)));

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (self), box);
}

GtkWidget *
vireo_restore_dialog_new (GtkWindow       *parent,
                          VireoConnection *connection)
{
  VireoRestoreDialog *self;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);

  self = g_object_new (VIREO_TYPE_RESTORE_DIALOG, "transient-for", parent, NULL);
  self->connection = g_object_ref (connection);
  if (!vireo_connection_get_is_remote (connection))
    adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->path_row),
                              vireo_browse_button_new (self->path_row, FALSE));
  restore_update (self);
  return GTK_WIDGET (self);
}

GtkEditable *
vireo_restore_dialog_get_path_entry (VireoRestoreDialog *self)
{
  g_return_val_if_fail (VIREO_IS_RESTORE_DIALOG (self), NULL);
  return GTK_EDITABLE (self->path_row);
}

GtkWidget *
vireo_restore_dialog_get_restore_button (VireoRestoreDialog *self)
{
  g_return_val_if_fail (VIREO_IS_RESTORE_DIALOG (self), NULL);
  return self->restore_button;
}

const char *
vireo_restore_dialog_get_summary (VireoRestoreDialog *self)
{
  g_return_val_if_fail (VIREO_IS_RESTORE_DIALOG (self), NULL);
  return self->summary;
}

const char *
vireo_restore_dialog_get_error (VireoRestoreDialog *self)
{
  g_return_val_if_fail (VIREO_IS_RESTORE_DIALOG (self), NULL);
  return self->error;
}

/* ------------------------------------------------------------------------ */
/* The guest's clock                                                         */

typedef struct
{
  GWeakRef   overlay;
  GPtrArray *domains;
  guint      pending;
  guint      synced;
  char      *first_failure;
  gboolean   no_agent;
} ClockSync;

static void
clock_sync_free (gpointer data)
{
  ClockSync *sync = data;

  g_weak_ref_clear (&sync->overlay);
  g_ptr_array_unref (sync->domains);
  g_free (sync->first_failure);
  g_free (sync);
}

static void
clock_sync_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ClockSync *sync = user_data;
  VireoDomain *domain = VIREO_DOMAIN (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(AdwToastOverlay) overlay = NULL;
  g_autofree char *text = NULL;

  if (vireo_domain_sync_clock_finish (domain, result, &error))
    sync->synced++;
  else if (sync->first_failure == NULL)
    {
      sync->no_agent = g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_AGENT);
      sync->first_failure = sync->no_agent
        /* Translators: %s is a machine's name */
        ? g_strdup_printf (_("“%s” has no guest agent answering: install qemu-guest-agent in the guest to set its clock from here."),
                           vireo_domain_get_name (domain))
        : g_strdup_printf (_("Could not set the clock of “%s”: %s"), vireo_domain_get_name (domain), error->message);
    }

  if (--sync->pending > 0)
    return;

  overlay = g_weak_ref_get (&sync->overlay);
  if (overlay != NULL)
    {
      AdwToast *toast;

      if (sync->first_failure != NULL)
        text = g_strdup (sync->first_failure);
      else
        text = g_strdup (ngettext ("Clock set from the host’s", "Clocks set from the host’s", sync->synced));
      toast = adw_toast_new (text);
      if (sync->first_failure != NULL)
        adw_toast_set_timeout (toast, 10);
      adw_toast_overlay_add_toast (overlay, toast);
    }
  clock_sync_free (sync);
}

static void
on_sync_clicked (AdwToast  *toast,
                 ClockSync *offer)
{
  ClockSync *sync = g_new0 (ClockSync, 1);
  g_autoptr(AdwToastOverlay) overlay = g_weak_ref_get (&offer->overlay);

  g_weak_ref_init (&sync->overlay, overlay);
  sync->domains = g_ptr_array_ref (offer->domains);
  sync->pending = 1;
  for (guint i = 0; i < sync->domains->len; i++)
    {
      VireoDomain *domain = g_ptr_array_index (sync->domains, i);

      if (vireo_domain_get_connection (domain) == NULL)
        continue;
      /* Paused again meanwhile: the agent cannot answer; say so. */
      if (vireo_domain_get_state (domain) != VIREO_DOMAIN_STATE_RUNNING)
        {
          if (sync->first_failure == NULL)
            sync->first_failure = g_strdup_printf (_("“%s” is not running: resume it, then set its clock."),
                                                   vireo_domain_get_name (domain));
          continue;
        }
      sync->pending++;
      vireo_domain_sync_clock_async (domain, NULL, clock_sync_cb, sync);
    }
  if (--sync->pending == 0)
    {
      g_autoptr(AdwToastOverlay) still = g_weak_ref_get (&sync->overlay);

      if (still != NULL && sync->first_failure != NULL)
        adw_toast_overlay_add_toast (still, adw_toast_new (sync->first_failure));
      clock_sync_free (sync);
    }
}

/* Shows the offer for those of @offer's machines that run now. */
static gboolean
offer_now (gpointer data)
{
  ClockSync *offer = data;
  g_autoptr(AdwToastOverlay) overlay = g_weak_ref_get (&offer->overlay);
  g_autoptr(GPtrArray) running = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *title = NULL;
  AdwToast *toast;

  /* Only a running guest's agent can set its clock; a paused one is
   * offered it when it resumes. */
  for (guint i = 0; i < offer->domains->len; i++)
    if (vireo_domain_get_state (g_ptr_array_index (offer->domains, i)) == VIREO_DOMAIN_STATE_RUNNING)
      g_ptr_array_add (running, g_object_ref (g_ptr_array_index (offer->domains, i)));
  if (overlay == NULL || running->len == 0)
    {
      clock_sync_free (offer);
      return G_SOURCE_REMOVE;
    }
  g_ptr_array_unref (offer->domains);
  offer->domains = g_steal_pointer (&running);

  if (offer->domains->len == 1)
    /* Translators: %s is a machine's name */
    title = g_strdup_printf (_("“%s” is back; its clock is as old as when it stopped"),
                             vireo_domain_get_name (g_ptr_array_index (offer->domains, 0)));
  else
    title = g_strdup_printf (ngettext ("%u machine is back; its clock is as old as when it stopped",
                                       "%u machines are back; their clocks are as old as when they stopped",
                                       offer->domains->len), offer->domains->len);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, offer->domains->len == 1 ? _("Sync _Clock") : _("Sync _Clocks"));
  adw_toast_set_timeout (toast, 10);
  /* Normal priority, queued behind news already shown: libadwaita 1.2
   * aborts (show_toast: !info->widget) when a toast a HIGH one pushed back
   * comes up again. */
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_sync_clicked), offer,
                         (GClosureNotify) (void (*) (void)) clock_sync_free, 0);
  adw_toast_overlay_add_toast (overlay, toast);
  return G_SOURCE_REMOVE;
}

/* The states the action left arrive through libvirt's events a moment
 * after it returns: the offer waits for them. */
#define SETTLE_MS 400

void
vireo_offer_clock_sync (AdwToastOverlay *overlay,
                        GPtrArray       *domains)
{
  ClockSync *offer;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (domains != NULL);

  if (domains->len == 0)
    return;
  offer = g_new0 (ClockSync, 1);
  g_weak_ref_init (&offer->overlay, overlay);
  offer->domains = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < domains->len; i++)
    g_ptr_array_add (offer->domains, g_object_ref (g_ptr_array_index (domains, i)));
  g_timeout_add (SETTLE_MS, offer_now, offer);
}

/* A restore's machine is shut off until libvirt's events say otherwise:
 * wait for it to be active, then offer (which waits for the state to
 * settle: a machine saved while paused passes through running). */
#define GIVE_UP_S 15

typedef struct
{
  GWeakRef     overlay;
  VireoDomain *domain;
  gulong       handler;
  guint        give_up_id;
} ClockWait;

static void
clock_wait_free (ClockWait *wait)
{
  g_clear_signal_handler (&wait->handler, wait->domain);
  g_clear_handle_id (&wait->give_up_id, g_source_remove);
  g_weak_ref_clear (&wait->overlay);
  g_object_unref (wait->domain);
  g_free (wait);
}

static void
clock_wait_check (ClockWait *wait)
{
  g_autoptr(AdwToastOverlay) overlay = NULL;

  if (!vireo_domain_get_active (wait->domain))
    return;
  overlay = g_weak_ref_get (&wait->overlay);
  if (overlay != NULL)
    {
      g_autoptr(GPtrArray) domains = g_ptr_array_new ();

      g_ptr_array_add (domains, wait->domain);
      vireo_offer_clock_sync (overlay, domains);
    }
  clock_wait_free (wait);
}

static gboolean
clock_wait_give_up (gpointer data)
{
  ClockWait *wait = data;

  wait->give_up_id = 0;
  clock_wait_free (wait);
  return G_SOURCE_REMOVE;
}

void
vireo_offer_clock_sync_when_back (AdwToastOverlay *overlay,
                                  VireoDomain     *domain)
{
  ClockWait *wait;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (VIREO_IS_DOMAIN (domain));

  wait = g_new0 (ClockWait, 1);
  g_weak_ref_init (&wait->overlay, overlay);
  wait->domain = g_object_ref (domain);
  wait->handler = g_signal_connect_swapped (domain, "notify::state", G_CALLBACK (clock_wait_check), wait);
  wait->give_up_id = g_timeout_add_seconds (GIVE_UP_S, clock_wait_give_up, wait);
  clock_wait_check (wait);
}
