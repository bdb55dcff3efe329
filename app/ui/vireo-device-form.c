/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "vireo-device-form.h"

/*
 * One editor for every device kind that has a field table
 * (vireo-device-fields.h): a row per field, of the kind its type asks for.
 * The table decides everything — which fields, their words, their rules —
 * so a new field in the model shows up here without code.
 *
 * Every edit goes straight to the device through vireo_device_set_field(),
 * whose refusal is the row's complaint: the form only reports it
 * ("row-invalid"), the window decides how it looks and holds Apply. Text
 * that was refused stays in its entry. A write may change other fields
 * (libvirt ties some together) or which fields apply, so after each one
 * the other rows are read back from the device.
 */
struct _VireoDeviceForm
{
  AdwPreferencesGroup  parent_instance;

  VireoDevice         *device;
  GPtrArray           *rows;        /* Borrowed: the group holds them */
  guint                refreshing;  /* writes from read-back are not edits */
};

G_DEFINE_FINAL_TYPE (VireoDeviceForm, vireo_device_form, ADW_TYPE_PREFERENCES_GROUP)

enum {
  ROW_INVALID,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const VireoDeviceField *
row_field (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "vireo-field");
}

static void
report (VireoDeviceForm *self,
        GtkWidget       *row,
        const char      *message)
{
  g_object_set_data_full (G_OBJECT (row), "vireo-form-invalid", g_strdup (message), g_free);
  g_signal_emit (self, signals[ROW_INVALID], 0, row, message);
}

static void refresh_except (VireoDeviceForm *self, GtkWidget *except);

static void
write_field (VireoDeviceForm *self,
       GtkWidget       *row,
       const char      *value)
{
  g_autoptr(GError) error = NULL;

  if (self->refreshing > 0)
    return;
  if (!vireo_device_set_field (self->device, row_field (row), value, &error))
    {
      report (self, row, error->message);
      return;
    }
  report (self, row, NULL);
  refresh_except (self, row);
}

static void
on_entry_changed (GtkEditable     *entry,
                  VireoDeviceForm *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (entry), "vireo-row");
  const char *text = gtk_editable_get_text (entry);

  write_field (self, row, *text != '\0' ? text : NULL);
}

static void
on_switch_changed (GtkSwitch       *sw,
                   GParamSpec      *pspec,
                   VireoDeviceForm *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (sw), "vireo-row");
  const VireoDeviceField *field = row_field (row);

  write_field (self, row, gtk_switch_get_active (sw) ? field->on_value : field->off_value);
}

static void
on_combo_changed (AdwComboRow     *combo,
                  GParamSpec      *pspec,
                  VireoDeviceForm *self)
{
  GStrv values = g_object_get_data (G_OBJECT (combo), "vireo-values");
  guint selected = adw_combo_row_get_selected (combo);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= g_strv_length (values))
    return;
  write_field (self, GTK_WIDGET (combo), *values[selected] != '\0' ? values[selected] : NULL);
}

/* A suggestion picked from the list of a free-text choice: into the entry,
 * which writes it like typing would. */
static void
on_suggestion_activated (GtkListBox    *list,
                         GtkListBoxRow *item,
                         GtkWidget     *row)
{
  GtkWidget *entry = g_object_get_data (G_OBJECT (row), "vireo-entry");
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (list), GTK_TYPE_POPOVER);

  gtk_editable_set_text (GTK_EDITABLE (entry), g_object_get_data (G_OBJECT (item), "vireo-value"));
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
}

static char *
shown_value (VireoDevice            *device,
             const VireoDeviceField *field)
{
  g_autofree char *value = vireo_device_dup_field (device, field);
  const char *label;

  if (field->type == VIREO_FIELD_SWITCH)
    return g_strdup (vireo_device_get_field_active (device, field) ? _("Yes") : _("No"));
  if (value == NULL)
    return NULL;
  label = vireo_device_field_choice_label (field, value);
  return label != NULL ? g_strdup (label) : g_steal_pointer (&value);
}

/* The combo's values and labels: libvirt's default first where the field
 * may be left out, then the table's choices, then — so that looking is
 * never changing — a value in the document the table does not know. */
static void
fill_combo (AdwComboRow            *combo,
            const VireoDeviceField *field,
            const char             *current)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  guint selected = 0, n = 0;
  gboolean found = FALSE;

  if (!(field->flags & VIREO_FIELD_REQUIRED))
    {
      gtk_string_list_append (labels, _("Default"));
      g_strv_builder_add (values, "");
      n++;
      found = current == NULL;
    }
  for (guint i = 0; field->choices != NULL && field->choices[i] != NULL; i++, n++)
    {
      const char *label = vireo_device_field_choice_label (field, field->choices[i]);

      gtk_string_list_append (labels, label != NULL ? label : field->choices[i]);
      g_strv_builder_add (values, field->choices[i]);
      if (!found && g_strcmp0 (current, field->choices[i]) == 0)
        {
          selected = n;
          found = TRUE;
        }
    }
  if (!found && current != NULL)
    {
      gtk_string_list_append (labels, current);
      g_strv_builder_add (values, current);
      selected = n;
    }
  g_object_set_data_full (G_OBJECT (combo), "vireo-values", g_strv_builder_end (values), (GDestroyNotify) g_strfreev);
  adw_combo_row_set_model (combo, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (combo, selected);
}

static GtkWidget *
add_entry (GtkWidget              *row,
           const VireoDeviceField *field)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), field->type == VIREO_FIELD_NUMBER ? 10 : 24);
  if (field->type == VIREO_FIELD_NUMBER)
    gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_DIGITS);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _(field->label), -1);
  g_object_set_data (G_OBJECT (entry), "vireo-row", row);
  g_object_set_data (G_OBJECT (row), "vireo-entry", entry);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), entry);
  return entry;
}

static GtkWidget *
suggestions_button (GtkWidget              *row,
                    const VireoDeviceField *field)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *list = gtk_list_box_new ();

  for (guint i = 0; field->choices[i] != NULL; i++)
    {
      const char *label = vireo_device_field_choice_label (field, field->choices[i]);
      GtkWidget *item = gtk_list_box_row_new ();
      GtkWidget *text = gtk_label_new (label != NULL ? label : field->choices[i]);

      gtk_label_set_xalign (GTK_LABEL (text), 0);
      gtk_widget_set_margin_start (text, 6);
      gtk_widget_set_margin_end (text, 6);
      gtk_widget_set_margin_top (text, 4);
      gtk_widget_set_margin_bottom (text, 4);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (item), text);
      g_object_set_data_full (G_OBJECT (item), "vireo-value", g_strdup (field->choices[i]), g_free);
      gtk_list_box_append (GTK_LIST_BOX (list), item);
    }
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  g_signal_connect (list, "row-activated", G_CALLBACK (on_suggestion_activated), row);
  gtk_popover_set_child (GTK_POPOVER (popover), list);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "pan-down-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  /* Translators: %s is a setting, e.g. "Source" */
  {
    g_autofree char *tip = g_strdup_printf (_("Usual values for %s"), _(field->label));

    gtk_widget_set_tooltip_text (button, tip);
  }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return button;
}

static GtkWidget *
build_row (VireoDeviceForm        *self,
           const VireoDeviceField *field)
{
  g_autofree char *value = vireo_device_dup_field (self->device, field);
  GtkWidget *row;

  if (field->flags & VIREO_FIELD_READONLY)
    {
      g_autofree char *shown = shown_value (self->device, field);
      GtkWidget *label = gtk_label_new (shown != NULL ? shown : "—");

      row = adw_action_row_new ();
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      g_object_set_data (G_OBJECT (row), "vireo-label", label);
    }
  else if (field->type == VIREO_FIELD_SWITCH)
    {
      GtkWidget *sw = gtk_switch_new ();

      row = adw_action_row_new ();
      gtk_switch_set_active (GTK_SWITCH (sw), vireo_device_get_field_active (self->device, field));
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (sw), "vireo-row", row);
      g_object_set_data (G_OBJECT (row), "vireo-switch", sw);
      g_signal_connect_object (sw, "notify::active", G_CALLBACK (on_switch_changed), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
    }
  else if (field->type == VIREO_FIELD_CHOICE && (field->flags & VIREO_FIELD_STRICT))
    {
      row = adw_combo_row_new ();
      fill_combo (ADW_COMBO_ROW (row), field, value);
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_combo_changed), self, 0);
    }
  else
    {
      GtkWidget *entry;

      row = adw_action_row_new ();
      entry = add_entry (row, field);
      gtk_editable_set_text (GTK_EDITABLE (entry), value != NULL ? value : "");
      if (field->type == VIREO_FIELD_CHOICE && field->choices != NULL)
        suggestions_button (row, field);
      g_signal_connect_object (entry, "changed", G_CALLBACK (on_entry_changed), self, 0);
    }

  gtk_widget_set_name (row, field->id);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->label));
  if (field->subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(field->subtitle));
  g_object_set_data (G_OBJECT (row), "vireo-field", (gpointer) field);
  gtk_widget_set_visible (row, vireo_device_field_is_relevant (self->device, field));
  return row;
}

/* One row back in line with the device. Text the device refused is the
 * user's and stays while its row shows; a row that goes out of sight
 * takes the device's value again, and its complaint goes with it. */
static void
refresh_row (VireoDeviceForm *self,
             GtkWidget       *row)
{
  const VireoDeviceField *field = row_field (row);
  gboolean relevant = vireo_device_field_is_relevant (self->device, field);
  gboolean invalid = g_object_get_data (G_OBJECT (row), "vireo-form-invalid") != NULL;
  g_autofree char *value = vireo_device_dup_field (self->device, field);
  GtkWidget *widget;

  gtk_widget_set_visible (row, relevant);
  if (invalid && relevant)
    return;
  if (invalid)
    report (self, row, NULL);

  if ((widget = g_object_get_data (G_OBJECT (row), "vireo-label")) != NULL)
    {
      g_autofree char *shown = shown_value (self->device, field);

      gtk_label_set_text (GTK_LABEL (widget), shown != NULL ? shown : "—");
    }
  else if ((widget = g_object_get_data (G_OBJECT (row), "vireo-switch")) != NULL)
    gtk_switch_set_active (GTK_SWITCH (widget), vireo_device_get_field_active (self->device, field));
  else if ((widget = g_object_get_data (G_OBJECT (row), "vireo-entry")) != NULL)
    {
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)), value != NULL ? value : "") != 0)
        gtk_editable_set_text (GTK_EDITABLE (widget), value != NULL ? value : "");
    }
  else if (ADW_IS_COMBO_ROW (row))
    {
      GStrv values = g_object_get_data (G_OBJECT (row), "vireo-values");
      guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));

      if (selected >= g_strv_length (values) || g_strcmp0 (values[selected], value != NULL ? value : "") != 0)
        fill_combo (ADW_COMBO_ROW (row), field, value);
    }
}

static void
refresh_except (VireoDeviceForm *self,
                GtkWidget       *except)
{
  if (!vireo_device_get_attached (self->device))
    return;
  self->refreshing++;
  for (guint i = 0; i < self->rows->len; i++)
    if (self->rows->pdata[i] != except)
      refresh_row (self, self->rows->pdata[i]);
  self->refreshing--;
}

/**
 * vireo_device_form_refresh:
 *
 * Reads every row back from the device, as after a change made elsewhere
 * (the XML view).
 */
void
vireo_device_form_refresh (VireoDeviceForm *self)
{
  g_return_if_fail (VIREO_IS_DEVICE_FORM (self));
  refresh_except (self, NULL);
}

static void
vireo_device_form_dispose (GObject *object)
{
  VireoDeviceForm *self = VIREO_DEVICE_FORM (object);

  g_clear_object (&self->device);
  G_OBJECT_CLASS (vireo_device_form_parent_class)->dispose (object);
}

static void
vireo_device_form_finalize (GObject *object)
{
  VireoDeviceForm *self = VIREO_DEVICE_FORM (object);

  g_ptr_array_unref (self->rows);
  G_OBJECT_CLASS (vireo_device_form_parent_class)->finalize (object);
}

static void
vireo_device_form_class_init (VireoDeviceFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vireo_device_form_dispose;
  object_class->finalize = vireo_device_form_finalize;

  /**
   * VireoDeviceForm::row-invalid:
   * @row: the row
   * @message: (nullable): why its value was refused, or %NULL when it no
   *   longer is
   */
  signals[ROW_INVALID] = g_signal_new ("row-invalid", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 2, GTK_TYPE_WIDGET, G_TYPE_STRING);
}

static void
vireo_device_form_init (VireoDeviceForm *self)
{
  self->rows = g_ptr_array_new ();
}

/**
 * vireo_device_form_new:
 * @device: a device whose kind has a field table
 *
 * Returns: (transfer floating): the form; without rows when the kind has
 *   no table
 */
GtkWidget *
vireo_device_form_new (VireoDevice *device)
{
  VireoDeviceForm *self;
  const VireoDeviceField *fields;
  guint n = 0;

  g_return_val_if_fail (VIREO_IS_DEVICE (device), NULL);

  self = g_object_new (VIREO_TYPE_DEVICE_FORM, NULL);
  self->device = g_object_ref (device);
  fields = vireo_device_fields_for (device, &n);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = build_row (self, &fields[i]);

      g_ptr_array_add (self->rows, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
    }
  return GTK_WIDGET (self);
}

gboolean
vireo_device_form_has_rows (VireoDeviceForm *self)
{
  g_return_val_if_fail (VIREO_IS_DEVICE_FORM (self), FALSE);
  return self->rows->len > 0;
}

VireoDevice *
vireo_device_form_get_device (VireoDeviceForm *self)
{
  g_return_val_if_fail (VIREO_IS_DEVICE_FORM (self), NULL);
  return self->device;
}

/**
 * vireo_device_form_get_rows:
 *
 * Returns: (transfer none) (element-type GtkWidget): one row per field, in
 *   the table's order, hidden ones included
 */
GPtrArray *
vireo_device_form_get_rows (VireoDeviceForm *self)
{
  g_return_val_if_fail (VIREO_IS_DEVICE_FORM (self), NULL);
  return self->rows;
}

/**
 * vireo_device_form_get_row:
 * @id: a field id, e.g. "video-model"
 *
 * Returns: (transfer none) (nullable): the row of that field
 */
GtkWidget *
vireo_device_form_get_row (VireoDeviceForm *self,
                           const char      *id)
{
  g_return_val_if_fail (VIREO_IS_DEVICE_FORM (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    if (g_str_equal (row_field (self->rows->pdata[i])->id, id))
      return self->rows->pdata[i];
  return NULL;
}

/**
 * vireo_device_form_row_get_field:
 *
 * Returns: (transfer none) (nullable): the field a form row edits
 */
const VireoDeviceField *
vireo_device_form_row_get_field (GtkWidget *row)
{
  g_return_val_if_fail (GTK_IS_WIDGET (row), NULL);
  return row_field (row);
}
