/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-volume-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-format.h"
#include "vireo-storage.h"
#include "vireo-storage-command.h"
#include "vireo-virt-error.h"
#include "vireo-volume-dialog.h"

/*
 * New Volume in one pool: name, format (those the pool type takes, from
 * libvirt's pool capabilities), size, thin or fully allocated, and
 * optionally a qcow2 overlay on another volume of the pool. Validation is
 * the model's, with the pool's names and free space; a thin volume larger
 * than the free space is allowed after a warning (that is what thin is
 * for), a full one is refused. The virsh line under the form follows every
 * change.
 */
struct _VireoVolumeDialog
{
  AdwWindow            parent_instance;

  VireoConnection     *connection;
  char                *pool;
  char                *pool_type;
  guint64              available;
  GStrv                names;         /* the pool's volumes */
  GPtrArray           *volumes;       /* (element-type VireoVolumeInfo): backing candidates, copies */
  GStrv                formats;
  VireoPoolTypeCaps   *type_caps;     /* (nullable) a copy */
  GCancellable        *cancellable;
  char                *error;
  int                  error_code;
  gboolean             overcommit_ok; /* the warning was shown for these values */

  GtkWidget           *create_button;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  GtkWidget           *name_row;
  AdwComboRow         *format_row;
  GtkWidget           *capacity_row;
  GtkSwitch           *full_switch;
  AdwComboRow         *backing_row;
  GtkLabel            *command_label;
  AdwPreferencesGroup *group;
};

G_DEFINE_FINAL_TYPE (VireoVolumeDialog, vireo_volume_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
selected_format (VireoVolumeDialog *self)
{
  guint i = adw_combo_row_get_selected (self->format_row);

  return self->formats && i < g_strv_length (self->formats) ? self->formats[i] : NULL;
}

static VireoVolumeInfo *
selected_backing (VireoVolumeDialog *self)
{
  guint i = adw_combo_row_get_selected (self->backing_row);

  /* Item 0 is "None". */
  if (i == 0 || i == GTK_INVALID_LIST_POSITION || i - 1 >= self->volumes->len)
    return NULL;
  return g_ptr_array_index (self->volumes, i - 1);
}

static VireoVolumeConfig *
build_config (VireoVolumeDialog  *self,
              GError            **error)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  const char *format = selected_format (self);
  VireoVolumeInfo *backing = selected_backing (self);
  g_autoptr(VireoVolumeConfig) config = NULL;
  guint64 capacity;

  if (!vireo_parse_size (gtk_editable_get_text (GTK_EDITABLE (self->capacity_row)), G_GUINT64_CONSTANT (1) << 30,
                         &capacity))
    {
      g_set_error_literal (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_CAPACITY,
                           _("The size must be a size such as “20 GiB” or “512 MiB”."));
      return NULL;
    }
  config = vireo_volume_config_new (name, format ? format : "raw", capacity);
  vireo_volume_config_set_thin (config, !gtk_switch_get_active (self->full_switch));
  if (backing != NULL)
    vireo_volume_config_set_backing_store (config, backing->path, backing->format);
  return g_steal_pointer (&config);
}

static GtkWidget *
row_for (VireoVolumeDialog *self,
         int                code)
{
  switch (code)
    {
    case VIREO_STORAGE_CONFIG_ERROR_NAME:
      return self->name_row;
    case VIREO_STORAGE_CONFIG_ERROR_CAPACITY:
    case VIREO_STORAGE_CONFIG_ERROR_ALLOCATION:
    case VIREO_STORAGE_CONFIG_ERROR_OVERCOMMIT:
      return self->capacity_row;
    case VIREO_STORAGE_CONFIG_ERROR_FORMAT:
      return GTK_WIDGET (self->format_row);
    case VIREO_STORAGE_CONFIG_ERROR_BACKING:
      return GTK_WIDGET (self->backing_row);
    default:
      return NULL;
    }
}

static void
show_error (VireoVolumeDialog *self,
            int                code,
            const char        *message,
            gboolean           warning)
{
  GtkWidget *rows[] = {
    self->name_row, GTK_WIDGET (self->format_row), self->capacity_row, GTK_WIDGET (self->backing_row),
  };
  GtkWidget *bad = message ? row_for (self, code) : NULL;

  g_free (self->error);
  self->error = g_strdup (message);
  self->error_code = message ? code : -1;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gtk_widget_remove_css_class (rows[i], "error");
      gtk_widget_remove_css_class (rows[i], "warning");
    }
  if (bad != NULL)
    gtk_widget_add_css_class (bad, warning ? "warning" : "error");
  gtk_label_set_text (self->error_label, message ? message : "");
  if (warning)
    gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "vireo-error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "vireo-error");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
  gtk_button_set_label (GTK_BUTTON (self->create_button), warning ? _("C_reate Anyway") : _("C_reate"));
}

/**
 * vireo_volume_dialog_dup_command:
 *
 * Returns: the `virsh vol-create-as` line for the form as it is
 */
char *
vireo_volume_dialog_dup_command (VireoVolumeDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  VireoVolumeInfo *backing = selected_backing (self);
  guint64 capacity = 0;

  vireo_parse_size (gtk_editable_get_text (GTK_EDITABLE (self->capacity_row)), G_GUINT64_CONSTANT (1) << 30,
                    &capacity);
  return vireo_command_vol_create_as (vireo_connection_get_uri (self->connection), self->pool,
                                      *name ? name : "NAME", capacity, selected_format (self),
                                      gtk_switch_get_active (self->full_switch) ? capacity : 0,
                                      backing ? backing->name : NULL, backing ? backing->format : NULL);
}

static void
on_changed (VireoVolumeDialog *self)
{
  g_autofree char *command = vireo_volume_dialog_dup_command (self);
  VireoVolumeInfo *backing = selected_backing (self);

  gtk_label_set_text (self->command_label, command);
  /* A warning holds for the values it was about. */
  if (self->overcommit_ok)
    {
      self->overcommit_ok = FALSE;
      show_error (self, -1, NULL, FALSE);
    }
  /* An overlay is qcow2 and thin: it stores only what differs. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->full_switch), backing == NULL);
}

static void
on_backing_changed (VireoVolumeDialog *self)
{
  VireoVolumeInfo *backing = selected_backing (self);

  if (backing != NULL)
    {
      g_autofree char *size = g_format_size_full (backing->capacity, G_FORMAT_SIZE_IEC_UNITS);

      for (guint i = 0; self->formats && self->formats[i]; i++)
        if (g_str_equal (self->formats[i], "qcow2"))
          adw_combo_row_set_selected (self->format_row, i);
      gtk_switch_set_active (self->full_switch, FALSE);
      gtk_editable_set_text (GTK_EDITABLE (self->capacity_row), size);
    }
  on_changed (self);
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VireoVolumeDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoVolumeInfo) info = NULL;

  info = vireo_connection_create_volume_xml_finish (VIREO_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "volume.create", TRUE);
  if (info == NULL)
    {
      /* The worker checks again against the live pool: someone may have
       * made a volume of that name or used the space meanwhile. */
      int code = error->domain == VIREO_STORAGE_CONFIG_ERROR ? error->code
               : g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS) ? VIREO_STORAGE_CONFIG_ERROR_NAME
               : -1;

      show_error (self, code, error->message, FALSE);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, info->name);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoVolumeDialog *self = VIREO_VOLUME_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoVolumeConfig) config = build_config (self, &error);
  g_autofree char *xml = NULL;

  if (config != NULL)
    vireo_volume_config_validate (config, self->pool_type, self->type_caps, (const char * const *) self->names,
                                  self->available, &error);
  if (g_error_matches (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_OVERCOMMIT) &&
      !self->overcommit_ok)
    {
      show_error (self, error->code, error->message, TRUE);
      self->overcommit_ok = TRUE;
      return;
    }
  if (error != NULL && !g_error_matches (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_OVERCOMMIT))
    {
      GtkWidget *row = row_for (self, error->code);

      show_error (self, error->domain == VIREO_STORAGE_CONFIG_ERROR ? error->code : -1, error->message, FALSE);
      if (row != NULL)
        gtk_widget_grab_focus (row);
      return;
    }
  xml = vireo_volume_config_to_xml (config);
  gtk_widget_action_set_enabled (widget, "volume.create", FALSE);
  self->cancellable = g_cancellable_new ();
  vireo_connection_create_volume_xml_async (self->connection, self->pool, xml, NULL, self->cancellable,
                                            on_created, g_object_ref (self));
}

static void
vireo_volume_dialog_dispose (GObject *object)
{
  VireoVolumeDialog *self = VIREO_VOLUME_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->pool, g_free);
  g_clear_pointer (&self->pool_type, g_free);
  g_clear_pointer (&self->names, g_strfreev);
  g_clear_pointer (&self->formats, g_strfreev);
  g_clear_pointer (&self->volumes, g_ptr_array_unref);
  g_clear_pointer (&self->error, g_free);
  if (self->type_caps != NULL)
    {
      g_free (self->type_caps->type);
      g_strfreev (self->type_caps->source_formats);
      g_free (self->type_caps->default_source_format);
      g_strfreev (self->type_caps->volume_formats);
      g_free (self->type_caps->default_volume_format);
      g_clear_pointer (&self->type_caps, g_free);
    }

  G_OBJECT_CLASS (vireo_volume_dialog_parent_class)->dispose (object);
}

static void
vireo_volume_dialog_class_init (VireoVolumeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_volume_dialog_dispose;

  /**
   * VireoVolumeDialog::created:
   * @name: the new volume's name
   */
  signals[SIGNAL_CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "volume.create", NULL, create_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static GtkWidget *
entry_row (const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  return row;
}

static void
vireo_volume_dialog_init (VireoVolumeDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *command_group = adw_preferences_group_new ();
  GtkWidget *full_row = adw_action_row_new ();

  self->error_code = -1;
  gtk_window_set_title (GTK_WINDOW (self), _("New Volume"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 520, 560);

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->create_button = gtk_button_new_with_mnemonic (_("C_reate"));
  gtk_widget_add_css_class (self->create_button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->create_button), "volume.create");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->create_button);
  gtk_box_append (GTK_BOX (box), header);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "vireo-banner");
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "vireo-error");
  self->error_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->error_revealer, GTK_WIDGET (self->error_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_revealer));

  self->name_row = entry_row (_("_Name"));
  self->format_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->format_row), _("_Format"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->format_row), TRUE);
  self->capacity_row = entry_row (_("_Size"));
  self->full_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->full_switch), GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (full_row), _("_Allocate All Space Now"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (full_row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (full_row),
                               _("Off: the volume takes space only as the guest writes (thin)"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (full_row), GTK_WIDGET (self->full_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (full_row), GTK_WIDGET (self->full_switch));
  self->backing_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->backing_row), _("_Overlay On"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->backing_row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->backing_row),
                               _("A linked clone: reads what it lacks from that volume, which must then stay"));

  self->group = ADW_PREFERENCES_GROUP (group);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->name_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->format_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->capacity_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), full_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->backing_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (command_group), _("Equivalent Command"));
  self->command_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->command_label, TRUE);
  gtk_label_set_wrap_mode (self->command_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (self->command_label, TRUE);
  gtk_label_set_xalign (self->command_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->command_label), "monospace");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (command_group), GTK_WIDGET (self->command_label));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (command_group));
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  adw_window_set_content (ADW_WINDOW (self), box);
}

static VireoVolumeInfo *
copy_volume (const VireoVolumeInfo *volume)
{
  VireoVolumeInfo *copy = g_new0 (VireoVolumeInfo, 1);

  copy->name = g_strdup (volume->name);
  copy->path = g_strdup (volume->path);
  copy->format = g_strdup (volume->format);
  copy->type = g_strdup (volume->type);
  copy->capacity = volume->capacity;
  return copy;
}

/**
 * vireo_volume_dialog_new:
 * @pool: the pool to create the volume in, active
 * @type_caps: (nullable): what libvirt says the pool type takes
 */
GtkWidget *
vireo_volume_dialog_new (VireoConnection         *connection,
                         const VireoPoolInfo     *pool,
                         const VireoPoolTypeCaps *type_caps)
{
  VireoVolumeDialog *self;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GtkStringList) formats = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) backings = gtk_string_list_new (NULL);
  const char *fallback[] = { "qcow2", "raw", NULL };
  const char * const *list;
  const char *preferred;
  g_autofree char *suggestion = NULL;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (pool != NULL, NULL);

  self = g_object_new (VIREO_TYPE_VOLUME_DIALOG, NULL);
  self->connection = g_object_ref (connection);
  self->pool = g_strdup (pool->name);
  self->pool_type = g_strdup (pool->type);
  self->available = pool->available;
  self->volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_volume_info_free);
  if (type_caps != NULL)
    {
      self->type_caps = g_new0 (VireoPoolTypeCaps, 1);
      self->type_caps->type = g_strdup (type_caps->type);
      self->type_caps->supported = type_caps->supported;
      self->type_caps->source_formats = g_strdupv (type_caps->source_formats);
      self->type_caps->default_source_format = g_strdup (type_caps->default_source_format);
      self->type_caps->volume_formats = g_strdupv (type_caps->volume_formats);
      self->type_caps->default_volume_format = g_strdup (type_caps->default_volume_format);
    }

  gtk_string_list_append (backings, _("None"));
  for (guint i = 0; pool->volumes != NULL && i < pool->volumes->len; i++)
    {
      VireoVolumeInfo *volume = g_ptr_array_index (pool->volumes, i);

      g_strv_builder_add (names, volume->name);
      if (volume->path != NULL && g_strcmp0 (volume->type, "file") == 0)
        {
          g_ptr_array_add (self->volumes, copy_volume (volume));
          gtk_string_list_append (backings, volume->name);
        }
    }
  self->names = g_strv_builder_end (names);

  /* Formats this pool type takes, qcow2 first where it is one: snapshots
   * and thin copies need it. */
  list = type_caps && type_caps->volume_formats ? (const char * const *) type_caps->volume_formats : fallback;
  preferred = g_strv_contains (list, "qcow2") ? "qcow2" : (type_caps ? type_caps->default_volume_format : NULL);
  {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

    if (preferred != NULL && g_strv_contains (list, preferred))
      g_strv_builder_add (builder, preferred);
    for (guint i = 0; list[i] != NULL; i++)
      if (g_strcmp0 (list[i], preferred) != 0)
        g_strv_builder_add (builder, list[i]);
    self->formats = g_strv_builder_end (builder);
  }
  for (guint i = 0; self->formats[i] != NULL; i++)
    gtk_string_list_append (formats, self->formats[i]);
  adw_combo_row_set_model (self->format_row, G_LIST_MODEL (formats));
  adw_combo_row_set_model (self->backing_row, G_LIST_MODEL (backings));
  gtk_widget_set_visible (GTK_WIDGET (self->backing_row), self->volumes->len > 0 &&
                          g_strv_contains ((const char * const *) self->formats, "qcow2"));

  for (guint n = 1; suggestion == NULL || g_strv_contains ((const char * const *) self->names, suggestion); n++)
    {
      g_free (suggestion);
      suggestion = g_strdup_printf ("volume%u%s%s", n, self->formats[0] ? "." : "",
                                    self->formats[0] ? self->formats[0] : "");
    }
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), suggestion);
  gtk_editable_set_text (GTK_EDITABLE (self->capacity_row), "20 GiB");

  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->capacity_row, "changed", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->format_row, "notify::selected", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->full_switch, "notify::active", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->backing_row, "notify::selected", G_CALLBACK (on_backing_changed), self,
                           G_CONNECT_SWAPPED);
  on_changed (self);
  {
    /* Translators: the pool a new volume goes in, and its free space */
    g_autofree char *free_ = g_format_size_full (pool->available, G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *subtitle = g_strdup_printf (_("In %s, %s free"), pool->name, free_);

    adw_preferences_group_set_description (self->group, subtitle);
  }
  return GTK_WIDGET (self);
}

const char *
vireo_volume_dialog_get_error (VireoVolumeDialog *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_DIALOG (self), NULL);
  return self->error;
}

int
vireo_volume_dialog_get_error_code (VireoVolumeDialog *self)
{
  g_return_val_if_fail (VIREO_IS_VOLUME_DIALOG (self), -1);
  return self->error_code;
}
