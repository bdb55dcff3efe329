/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-secrets-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-secrets-dialog.h"
#include "vireo-storage.h"
#include "vireo-storage-command.h"

/*
 * The host's libvirt secrets: the CHAP passwords, Ceph keys and LUKS
 * passphrases pools and disks refer to by usage id. Values are typed in a
 * GtkPasswordEntry and go to libvirt only: they are handed to the worker
 * as bytes and the entry is emptied; nothing logs or keeps them, and
 * libvirt never gives a private one back. Each action says its virsh line.
 */
struct _VireoSecretsDialog
{
  AdwWindow            parent_instance;

  /* Owned */
  VireoConnection     *connection;
  GCancellable        *cancellable;
  GPtrArray           *secrets;        /* (element-type VireoSecretInfo) */
  char                *error;
  int                  error_code;     /* VireoStorageConfigError, -1: none */
  char                *setting_uuid;   /* the form sets this secret's value; NULL: it makes a new one */
  guint                loading : 1;
  guint                busy : 1;

  /* Widgets (owned by the window) */
  AdwToastOverlay     *toasts;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  GtkStack            *list_stack;
  AdwStatusPage       *empty_page;
  GtkListBox          *list;
  GtkToggleButton     *new_button;
  AdwPreferencesGroup *form_group;
  AdwComboRow         *usage_type_row;
  GtkWidget           *usage_id_row;
  GtkWidget           *description_row;
  GtkWidget           *private_row;
  GtkWidget           *value_row;
  GtkWidget           *value_entry;
  GtkSwitch           *private_switch;
  GtkWidget           *create_button;
  GtkWidget           *command_group;
  GtkLabel            *command_label;
};

G_DEFINE_FINAL_TYPE (VireoSecretsDialog, vireo_secrets_dialog, ADW_TYPE_WINDOW)

typedef struct
{
  const char *type;
  const char *label;
  const char *hint;
} UsageType;

static const UsageType usage_types[] = {
  { "iscsi", N_("iSCSI (CHAP password)"), N_("The name iSCSI pools refer to it by, such as “chap-storage1”.") },
  { "ceph", N_("Ceph (RBD key)"), N_("The name Ceph pools and disks refer to it by, such as “client.libvirt secret”.") },
  { "volume", N_("Volume Encryption (LUKS passphrase)"), N_("The full path of the encrypted volume.") },
  { "tls", N_("TLS (private key passphrase)"), N_("The name the TLS settings refer to it by.") },
  { "vtpm", N_("Virtual TPM (state passphrase)"), N_("The name the machine’s TPM refers to it by.") },
};

static const char *
usage_label (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (usage_types); i++)
    if (g_strcmp0 (usage_types[i].type, type) == 0)
      return _(usage_types[i].label);
  return type ? type : _("No usage");
}

static const UsageType *
current_usage (VireoSecretsDialog *self)
{
  guint i = adw_combo_row_get_selected (self->usage_type_row);

  return i < G_N_ELEMENTS (usage_types) ? &usage_types[i] : &usage_types[0];
}

static char *
stripped (GtkWidget *editable)
{
  char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static const VireoSecretInfo *
find_secret (VireoSecretsDialog *self,
             const char         *uuid)
{
  for (guint i = 0; self->secrets != NULL && i < self->secrets->len; i++)
    {
      const VireoSecretInfo *info = g_ptr_array_index (self->secrets, i);

      if (g_strcmp0 (info->uuid, uuid) == 0)
        return info;
    }
  return NULL;
}

static const char *
secret_title (const VireoSecretInfo *info)
{
  return info->usage_id ? info->usage_id : info->uuid;
}

static void
show_error (VireoSecretsDialog *self,
            int                 code,
            const char         *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  self->error_code = message ? code : -1;
  if (message != NULL && code == VIREO_STORAGE_CONFIG_ERROR_USAGE)
    gtk_widget_add_css_class (self->usage_id_row, "error");
  else
    gtk_widget_remove_css_class (self->usage_id_row, "error");
  if (message != NULL && code == -2)
    gtk_widget_add_css_class (self->value_row, "error");
  else
    gtk_widget_remove_css_class (self->value_row, "error");
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static void
toast (VireoSecretsDialog *self,
       const char         *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

static void
update_actions (VireoSecretsDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "secrets.create", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "secrets.set-value", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "secrets.delete", !self->busy);
}

/* ------------------------------------------------------------------------ */
/* The list                                                                  */

static GtkWidget *
secret_row (const VireoSecretInfo *info)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *set = gtk_button_new_from_icon_name ("document-edit-symbolic");
  GtkWidget *delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autoptr(GString) subtitle = g_string_new (usage_label (info->usage_type));
  g_autofree char *name = g_strdup_printf ("secret-%s", info->uuid);

  if (info->description != NULL && *info->description != '\0')
    g_string_append_printf (subtitle, " · %s", info->description);
  g_string_append_printf (subtitle, "\n%s", info->uuid);
  if (info->private_)
    g_string_append_printf (subtitle, " · %s", _("private"));
  if (info->ephemeral)
    g_string_append_printf (subtitle, " · %s", _("ephemeral"));

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), secret_title (info));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);

  gtk_widget_set_valign (set, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (set, "flat");
  gtk_widget_set_tooltip_text (set, _("Set the Value"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (set), "secrets.set-value");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (set), "s", info->uuid);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), set);

  gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (delete, "flat");
  gtk_widget_set_tooltip_text (delete, _("Delete the Secret"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (delete), "secrets.delete");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (delete), "s", info->uuid);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete);
  return row;
}

static void
fill_list (VireoSecretsDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; self->secrets != NULL && i < self->secrets->len; i++)
    gtk_list_box_append (self->list, secret_row (g_ptr_array_index (self->secrets, i)));
  gtk_stack_set_visible_child_name (self->list_stack,
                                    self->secrets != NULL && self->secrets->len > 0 ? "list" : "empty");
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoSecretsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) secrets = vireo_connection_list_secrets_finish (VIREO_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  if (secrets == NULL)
    show_error (self, -1, error->message);
  self->secrets = g_steal_pointer (&secrets);
  fill_list (self);
}

static void
reload (VireoSecretsDialog *self)
{
  self->loading = TRUE;
  vireo_connection_list_secrets_async (self->connection, self->cancellable, on_listed, g_object_ref (self));
}

/* ------------------------------------------------------------------------ */
/* New Secret                                                                */

/**
 * vireo_secrets_dialog_dup_command:
 *
 * Returns: what creating the secret in the form does, as virsh lines
 */
char *
vireo_secrets_dialog_dup_command (VireoSecretsDialog *self)
{
  const char *uri;
  g_autofree char *define = NULL;
  g_autofree char *set = NULL;

  g_return_val_if_fail (VIREO_IS_SECRETS_DIALOG (self), NULL);

  uri = vireo_connection_get_uri (self->connection);
  define = vireo_command_secret_define (uri, "secret.xml");
  /* virsh prints the UUID secret-define gave; the value goes in a file
   * so that it never lands in the shell's history. */
  set = vireo_command_secret_set_value (uri, "UUID", "value.txt");
  return g_strdup_printf ("%s\n%s", define, set);
}

static void
on_form_changed (VireoSecretsDialog *self)
{
  const VireoSecretInfo *info = self->setting_uuid ? find_secret (self, self->setting_uuid) : NULL;
  g_autofree char *text = NULL;

  if (info != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Set the Value of “%s”"), secret_title (info));

      adw_preferences_group_set_title (self->form_group, title);
      adw_preferences_group_set_description (self->form_group,
                                             _("The new value replaces the old one. Pools and disks that use "
                                               "this secret read it the next time they log in or open the "
                                               "volume."));
      gtk_button_set_label (GTK_BUTTON (self->create_button), _("_Set Value"));
      text = vireo_command_secret_set_value (vireo_connection_get_uri (self->connection), info->uuid,
                                             "value.txt");
    }
  else
    {
      g_autofree char *usage_id = stripped (self->usage_id_row);
      g_autofree char *description = stripped (self->description_row);
      g_autofree char *xml = vireo_secret_xml (current_usage (self)->type, usage_id, description,
                                               gtk_switch_get_active (self->private_switch));
      g_autofree char *command = vireo_secrets_dialog_dup_command (self);

      adw_preferences_group_set_title (self->form_group, _("New Secret"));
      adw_preferences_group_set_description (self->form_group, _(current_usage (self)->hint));
      gtk_button_set_label (GTK_BUTTON (self->create_button), _("C_reate Secret"));
      text = g_strdup_printf ("%s\n\nsecret.xml:\n%s", command, xml);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->usage_type_row), info == NULL);
  gtk_widget_set_visible (self->usage_id_row, info == NULL);
  gtk_widget_set_visible (self->description_row, info == NULL);
  gtk_widget_set_visible (self->private_row, info == NULL);
  gtk_label_set_text (self->command_label, text);
}

static void
on_new_toggled (VireoSecretsDialog *self)
{
  gboolean active = gtk_toggle_button_get_active (self->new_button);

  /* Closed: the next opening is New Secret again. */
  if (!active)
    {
      g_clear_pointer (&self->setting_uuid, g_free);
      gtk_editable_set_text (GTK_EDITABLE (self->value_entry), "");
    }
  on_form_changed (self);
  gtk_widget_set_visible (GTK_WIDGET (self->form_group), active);
  gtk_widget_set_visible (self->command_group, active);
  if (active)
    gtk_widget_grab_focus (self->setting_uuid ? self->value_entry : self->usage_id_row);
}

static GBytes *
take_value (GtkWidget *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  GBytes *value = g_bytes_new (text, strlen (text));

  /* The value now lives only in the bytes on their way to libvirt. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  return value;
}

static void
on_defined (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VireoSecretsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = vireo_connection_define_secret_finish (VIREO_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  update_actions (self);
  if (uuid == NULL)
    {
      show_error (self, error->domain == VIREO_STORAGE_CONFIG_ERROR ? error->code : -1, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->usage_id_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), "");
  gtk_toggle_button_set_active (self->new_button, FALSE);
  toast (self, _("Secret created"));
  reload (self);
}

static void
on_value_set (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VireoSecretsDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_connection_set_secret_value_finish (VIREO_CONNECTION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->busy = FALSE;
      update_actions (self);
      show_error (self, -1, error->message);
      return;
    }
  self->busy = FALSE;
  update_actions (self);
  show_error (self, -1, NULL);
  gtk_toggle_button_set_active (self->new_button, FALSE);
  toast (self, _("Value set"));
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoSecretsDialog *self = VIREO_SECRETS_DIALOG (widget);
  const UsageType *usage = current_usage (self);
  g_autofree char *usage_id = stripped (self->usage_id_row);
  g_autofree char *description = stripped (self->description_row);
  g_autofree char *xml = NULL;
  g_autoptr(GBytes) value = NULL;
  g_autoptr(GError) error = NULL;

  if (self->busy)
    return;
  if (self->setting_uuid != NULL)
    {
      if (*gtk_editable_get_text (GTK_EDITABLE (self->value_entry)) == '\0')
        {
          show_error (self, -2, _("Type the secret’s new value."));
          gtk_widget_grab_focus (self->value_entry);
          return;
        }
      show_error (self, -1, NULL);
      value = take_value (self->value_entry);
      self->busy = TRUE;
      update_actions (self);
      vireo_connection_set_secret_value_async (self->connection, self->setting_uuid, value, self->cancellable,
                                               on_value_set, g_object_ref (self));
      return;
    }
  if (!vireo_secret_validate_usage (usage->type, usage_id, &error))
    {
      show_error (self, error->code, error->message);
      gtk_widget_grab_focus (self->usage_id_row);
      return;
    }
  if (*gtk_editable_get_text (GTK_EDITABLE (self->value_entry)) == '\0')
    {
      /* -2: the value's row; not a model error. */
      show_error (self, -2, _("Type the secret’s value: the password, key or passphrase."));
      gtk_widget_grab_focus (self->value_entry);
      return;
    }
  show_error (self, -1, NULL);
  xml = vireo_secret_xml (usage->type, usage_id, description, gtk_switch_get_active (self->private_switch));
  value = take_value (self->value_entry);
  self->busy = TRUE;
  update_actions (self);
  vireo_connection_define_secret_async (self->connection, xml, value, self->cancellable, on_defined,
                                        g_object_ref (self));
}

/* ------------------------------------------------------------------------ */
/* Set Value and Delete                                                      */

/* Set Value reuses the form: only the value row, and its own virsh line. */
static void
set_value_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VireoSecretsDialog *self = VIREO_SECRETS_DIALOG (widget);
  const char *uuid = g_variant_get_string (parameter, NULL);
  const VireoSecretInfo *info = find_secret (self, uuid);

  if (info == NULL || self->busy)
    return;
  g_free (self->setting_uuid);
  self->setting_uuid = g_strdup (uuid);
  gtk_editable_set_text (GTK_EDITABLE (self->value_entry), "");
  show_error (self, -1, NULL);
  if (gtk_toggle_button_get_active (self->new_button))
    on_new_toggled (self);
  else
    gtk_toggle_button_set_active (self->new_button, TRUE);
}

static void
on_undefined (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VireoSecretsDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_connection_undefine_secret_finish (VIREO_CONNECTION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, -1, error->message);
    }
  else
    {
      show_error (self, -1, NULL);
      toast (self, _("Secret deleted"));
    }
  self->busy = FALSE;
  update_actions (self);
  reload (self);
}

static void
on_delete_response (AdwMessageDialog   *dialog,
                    const char         *response,
                    VireoSecretsDialog *self)
{
  const char *uuid = g_object_get_data (G_OBJECT (dialog), "vireo-uuid");

  if (g_strcmp0 (response, "delete") != 0)
    return;
  self->busy = TRUE;
  update_actions (self);
  vireo_connection_undefine_secret_async (self->connection, uuid, self->cancellable, on_undefined,
                                          g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoSecretsDialog *self = VIREO_SECRETS_DIALOG (widget);
  const char *uuid = g_variant_get_string (parameter, NULL);
  const VireoSecretInfo *info = find_secret (self, uuid);
  g_autofree char *heading = NULL;
  g_autofree char *command = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (info == NULL || self->busy)
    return;
  /* Translators: %s is a secret's usage id or UUID */
  heading = g_strdup_printf (_("Delete “%s”?"), secret_title (info));
  command = vireo_command_secret_undefine (vireo_connection_get_uri (self->connection), uuid);
  body = g_strdup_printf ("%s\n\n%s", _("Pools and disks that use this secret will no longer be able to log in "
                                        "or open their volume. The value cannot be recovered."),
                          command);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vireo-uuid", g_strdup (uuid), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */

static void
vireo_secrets_dialog_dispose (GObject *object)
{
  VireoSecretsDialog *self = VIREO_SECRETS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->setting_uuid, g_free);

  G_OBJECT_CLASS (vireo_secrets_dialog_parent_class)->dispose (object);
}

static void
vireo_secrets_dialog_class_init (VireoSecretsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_secrets_dialog_dispose;

  gtk_widget_class_install_action (widget_class, "secrets.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "secrets.set-value", "s", set_value_action);
  gtk_widget_class_install_action (widget_class, "secrets.delete", "s", delete_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static GtkWidget *
entry_row (const char *title,
           const char *name)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  gtk_widget_set_name (row, name);
  return row;
}

static void
vireo_secrets_dialog_init (VireoSecretsDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *list_group = adw_preferences_group_new ();
  GtkWidget *loading = gtk_spinner_new ();
  g_autoptr(GtkStringList) usage_model = gtk_string_list_new (NULL);

  self->error_code = -1;
  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Secrets"));
  gtk_window_set_default_size (GTK_WINDOW (self), 600, 640);

  self->new_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_("_New Secret")));
  gtk_widget_set_name (GTK_WIDGET (self->new_button), "secret-new");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->new_button));
  gtk_box_append (GTK_BOX (box), header);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_label_set_selectable (self->error_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "vireo-banner");
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "vireo-error");
  self->error_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->error_revealer, GTK_WIDGET (self->error_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_revealer));

  /* New Secret, shown by the header's toggle. */
  self->form_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->form_group, _("New Secret"));
  for (guint i = 0; i < G_N_ELEMENTS (usage_types); i++)
    gtk_string_list_append (usage_model, _(usage_types[i].label));
  self->usage_type_row = ADW_COMBO_ROW (adw_combo_row_new ());
  gtk_widget_set_name (GTK_WIDGET (self->usage_type_row), "secret-usage-type");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->usage_type_row), _("_Used For"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->usage_type_row), TRUE);
  adw_combo_row_set_model (self->usage_type_row, G_LIST_MODEL (usage_model));
  self->usage_id_row = entry_row (_("Usage _ID"), "secret-usage-id");
  self->description_row = entry_row (_("_Description"), "secret-description");
  self->value_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->value_row), _("_Value"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->value_row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->value_row), _("Goes to libvirt only; Vireo keeps no copy"));
  self->value_entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (self->value_entry), TRUE);
  gtk_widget_set_name (self->value_entry, "secret-value");
  gtk_widget_set_valign (self->value_entry, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (self->value_entry, TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->value_row), self->value_entry);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self->value_row), self->value_entry);
  self->private_row = adw_action_row_new ();
  self->private_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_name (GTK_WIDGET (self->private_switch), "secret-private");
  gtk_widget_set_valign (GTK_WIDGET (self->private_switch), GTK_ALIGN_CENTER);
  gtk_switch_set_active (self->private_switch, TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->private_row), _("_Private"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->private_row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->private_row), _("libvirt never gives the value back to anyone"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->private_row), GTK_WIDGET (self->private_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self->private_row), GTK_WIDGET (self->private_switch));
  self->create_button = gtk_button_new_with_mnemonic (_("C_reate Secret"));
  gtk_widget_set_name (self->create_button, "secret-create");
  gtk_widget_add_css_class (self->create_button, "suggested-action");
  gtk_widget_set_valign (self->create_button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->create_button), "secrets.create");
  adw_preferences_group_set_header_suffix (self->form_group, self->create_button);
  adw_preferences_group_add (self->form_group, GTK_WIDGET (self->usage_type_row));
  adw_preferences_group_add (self->form_group, self->usage_id_row);
  adw_preferences_group_add (self->form_group, self->description_row);
  adw_preferences_group_add (self->form_group, self->value_row);
  adw_preferences_group_add (self->form_group, self->private_row);
  gtk_widget_set_visible (GTK_WIDGET (self->form_group), FALSE);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->form_group));

  self->command_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->command_group), _("Equivalent Commands"));
  self->command_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (self->command_label), "secret-command");
  gtk_label_set_wrap (self->command_label, TRUE);
  gtk_label_set_wrap_mode (self->command_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (self->command_label, TRUE);
  gtk_label_set_xalign (self->command_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->command_label), "monospace");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->command_group), GTK_WIDGET (self->command_label));
  gtk_widget_set_visible (self->command_group, FALSE);
  gtk_box_append (GTK_BOX (content), self->command_group);

  /* The host's secrets. */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (list_group), _("Secrets on This Host"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (list_group),
                                         _("Pools and disks refer to a secret by its usage ID or UUID."));
  self->list_stack = GTK_STACK (gtk_stack_new ());
  /* As tall as what it shows, not as the empty page. */
  gtk_stack_set_vhomogeneous (self->list_stack, FALSE);
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_name (GTK_WIDGET (self->list), "secret-list");
  self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
  gtk_widget_set_name (GTK_WIDGET (self->empty_page), "secret-empty");
  adw_status_page_set_icon_name (self->empty_page, "dialog-password-symbolic");
  adw_status_page_set_title (self->empty_page, _("No Secrets"));
  adw_status_page_set_description (self->empty_page,
                                   _("This host keeps no libvirt secrets, or its driver has no secrets at all. "
                                     "iSCSI CHAP passwords, Ceph keys and LUKS passphrases go here."));
  gtk_widget_set_halign (loading, GTK_ALIGN_CENTER);
  gtk_spinner_set_spinning (GTK_SPINNER (loading), TRUE);
  gtk_stack_add_named (self->list_stack, loading, "loading");
  gtk_stack_add_named (self->list_stack, GTK_WIDGET (self->empty_page), "empty");
  gtk_stack_add_named (self->list_stack, GTK_WIDGET (self->list), "list");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (list_group), GTK_WIDGET (self->list_stack));
  gtk_box_append (GTK_BOX (content), list_group);

  gtk_widget_set_margin_top (content, 18);
  gtk_widget_set_margin_bottom (content, 18);
  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, box);
  adw_window_set_content (ADW_WINDOW (self), GTK_WIDGET (self->toasts));

  g_signal_connect_object (self->new_button, "toggled", G_CALLBACK (on_new_toggled), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->usage_type_row, "notify::selected", G_CALLBACK (on_form_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->usage_id_row, "changed", G_CALLBACK (on_form_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->description_row, "changed", G_CALLBACK (on_form_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->private_switch, "notify::active", G_CALLBACK (on_form_changed), self,
                           G_CONNECT_SWAPPED);
}

/**
 * vireo_secrets_dialog_new:
 * @connection: the host whose secrets to manage
 */
GtkWidget *
vireo_secrets_dialog_new (VireoConnection *connection)
{
  VireoSecretsDialog *self;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);

  self = g_object_new (VIREO_TYPE_SECRETS_DIALOG, NULL);
  self->connection = g_object_ref (connection);
  on_form_changed (self);
  reload (self);
  return GTK_WIDGET (self);
}

/**
 * vireo_secrets_dialog_get_loading:
 *
 * Returns: whether the list is being read or an action is under way
 */
gboolean
vireo_secrets_dialog_get_loading (VireoSecretsDialog *self)
{
  g_return_val_if_fail (VIREO_IS_SECRETS_DIALOG (self), FALSE);
  return self->loading || self->busy;
}

guint
vireo_secrets_dialog_get_n_secrets (VireoSecretsDialog *self)
{
  g_return_val_if_fail (VIREO_IS_SECRETS_DIALOG (self), 0);
  return self->secrets ? self->secrets->len : 0;
}

const char *
vireo_secrets_dialog_get_error (VireoSecretsDialog *self)
{
  g_return_val_if_fail (VIREO_IS_SECRETS_DIALOG (self), NULL);
  return self->error;
}

/**
 * vireo_secrets_dialog_get_error_code:
 *
 * Returns: %VIREO_STORAGE_CONFIG_ERROR_USAGE when the usage ID is at
 *   fault, -2 when the value is missing, else -1
 */
int
vireo_secrets_dialog_get_error_code (VireoSecretsDialog *self)
{
  g_return_val_if_fail (VIREO_IS_SECRETS_DIALOG (self), -1);
  return self->error_code;
}
