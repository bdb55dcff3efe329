/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-auth-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-auth-dialog.h"

/*
 * Asks the user what a host (or its SSH transport) wants to know while the
 * connection's worker waits: credentials, or whether to trust a host key
 * seen for the first time. Closes by itself when the attempt it belongs to
 * ends some other way (cancelled, timed out, connection removed).
 */
struct _VireoAuthDialog
{
  AdwMessageDialog  parent_instance;

  /* Owned */
  VireoAuthRequest *request;
  GPtrArray        *entries;   /* GtkEditable, one per field */

  /* Borrowed */
  GtkWidget        *remember;
};

G_DEFINE_FINAL_TYPE (VireoAuthDialog, vireo_auth_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
on_response (VireoAuthDialog *self,
             const char      *response)
{
  /* Disposed already: the dialog closes once, whatever it is told after. */
  if (self->request == NULL || vireo_auth_request_get_finished (self->request))
    return;

  /* libadwaita 1.2's entry rows follow their text's focus with a handler
   * that outlives them when the window is destroyed while they hold it;
   * let go of the focus before the dialog goes. */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);

  if (g_strcmp0 (response, "accept") == 0)
    vireo_auth_request_accept_host_key (self->request, TRUE);
  else if (g_strcmp0 (response, "refuse") == 0)
    vireo_auth_request_accept_host_key (self->request, FALSE);
  else if (g_strcmp0 (response, "connect") == 0)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) answers = NULL;
      gboolean remember = self->remember != NULL
                          && gtk_check_button_get_active (GTK_CHECK_BUTTON (self->remember));

      for (guint i = 0; i < self->entries->len; i++)
        g_strv_builder_add (builder, gtk_editable_get_text (g_ptr_array_index (self->entries, i)));
      answers = g_strv_builder_end (builder);
      vireo_auth_request_respond (self->request, (const char * const *) answers, remember);
    }
  else
    vireo_auth_request_cancel (self->request);
}

static void
on_request_finished (VireoAuthDialog *self)
{
  if (vireo_auth_request_get_finished (self->request))
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
build_credentials (VireoAuthDialog *self,
                   const char      *connection_name)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *group = adw_preferences_group_new ();
  guint n = vireo_auth_request_get_n_fields (self->request);
  const char *message = vireo_auth_request_get_message (self->request);
  GtkWidget *focus = NULL;
  g_autofree char *body = NULL;

  adw_message_dialog_set_heading (dialog, _("Authentication Required"));
  /* Translators: %s is the connection's name, e.g. "root@host.example (QEMU/KVM)" */
  body = g_strdup_printf (_("%s needs credentials to connect."), connection_name);
  adw_message_dialog_set_body (dialog, body);

  if (message != NULL)
    {
      GtkWidget *label = gtk_label_new (message);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, vireo_auth_request_get_retry (self->request) ? "error" : "dim-label");
      gtk_box_append (GTK_BOX (box), label);
    }

  for (guint i = 0; i < n; i++)
    {
      VireoAuthFieldKind kind = vireo_auth_request_get_field_kind (self->request, i);
      const char *label = vireo_auth_request_get_field_label (self->request, i);
      const char *def = vireo_auth_request_get_field_default (self->request, i);
      gboolean secret = kind == VIREO_AUTH_FIELD_PASSWORD || kind == VIREO_AUTH_FIELD_SECRET_TEXT;
      GtkWidget *row = secret ? adw_password_entry_row_new () : adw_entry_row_new ();

      /* libvirt's prompts are plain text, sometimes with '&' or '<' in them. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (kind == VIREO_AUTH_FIELD_USERNAME)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("User name"));
      else if (kind == VIREO_AUTH_FIELD_PASSWORD && (label == NULL || *label == '\0'))
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Password"));
      else
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
      if (def != NULL)
        gtk_editable_set_text (GTK_EDITABLE (row), def);
      adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      g_ptr_array_add (self->entries, row);

      /* Land on the first thing still to type, usually the password. */
      if (focus == NULL && (def == NULL || *def == '\0'))
        focus = row;
    }
  gtk_box_append (GTK_BOX (box), group);

  if (vireo_auth_request_get_can_remember (self->request))
    {
      self->remember = gtk_check_button_new_with_mnemonic (_("_Remember in the keyring"));
      gtk_widget_set_tooltip_text (self->remember,
                                   _("Kept by the desktop's password keyring, never in a plain file."));
      gtk_box_append (GTK_BOX (box), self->remember);
    }

  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "connect", _("C_onnect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "connect", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "connect");
  adw_message_dialog_set_close_response (dialog, "cancel");
  if (focus != NULL)
    gtk_window_set_focus (GTK_WINDOW (self), focus);
}

static void
build_host_key (VireoAuthDialog *self,
                const char      *connection_name)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  const char *host = vireo_auth_request_get_host (self->request);
  const char *fingerprint = vireo_auth_request_get_fingerprint (self->request);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *label;
  g_autofree char *body = NULL;

  adw_message_dialog_set_heading (dialog, _("Unknown Host Key"));
  /* Translators: the first %s is a host (and port), the second the connection's name */
  body = g_strdup_printf (_("The SSH server %s, reached for “%s”, presented a key Vireo has not seen "
                            "before. Compare its fingerprint below with the one the host's "
                            "administrator gives you, and accept only if they match."),
                          host != NULL ? host : _("of this host"), connection_name);
  adw_message_dialog_set_body (dialog, body);

  if (fingerprint != NULL)
    {
      label = gtk_label_new (fingerprint);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
      gtk_widget_add_css_class (label, "monospace");
      gtk_box_append (GTK_BOX (box), label);
    }
  else
    {
      /* Not a prompt Vireo knows how to read: show it as the transport said it. */
      label = gtk_label_new (vireo_auth_request_get_message (self->request));
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (box), label);
    }

  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog,
                                    "refuse", _("_Refuse"),
                                    "accept", _("_Accept and Connect"),
                                    NULL);
  /* Enter must not trust a key by accident. */
  adw_message_dialog_set_default_response (dialog, "refuse");
  adw_message_dialog_set_close_response (dialog, "refuse");
}

static void
vireo_auth_dialog_dispose (GObject *object)
{
  VireoAuthDialog *self = VIREO_AUTH_DIALOG (object);

  /* A dialog closed any other way must not leave the worker waiting. */
  if (self->request != NULL && !vireo_auth_request_get_finished (self->request))
    vireo_auth_request_cancel (self->request);
  g_clear_object (&self->request);
  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (vireo_auth_dialog_parent_class)->dispose (object);
}

static void
vireo_auth_dialog_class_init (VireoAuthDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vireo_auth_dialog_dispose;
}

static void
vireo_auth_dialog_init (VireoAuthDialog *self)
{
  self->entries = g_ptr_array_new ();
}

VireoAuthDialog *
vireo_auth_dialog_new (GtkWindow        *parent,
                       const char       *connection_name,
                       VireoAuthRequest *request)
{
  VireoAuthDialog *self;

  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (request), NULL);

  self = g_object_new (VIREO_TYPE_AUTH_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->request = g_object_ref (request);

  if (vireo_auth_request_get_kind (request) == VIREO_AUTH_REQUEST_HOST_KEY)
    build_host_key (self, connection_name);
  else
    build_credentials (self, connection_name);

  g_signal_connect (self, "response", G_CALLBACK (on_response), NULL);
  g_signal_connect_object (request, "notify::finished", G_CALLBACK (on_request_finished),
                           self, G_CONNECT_SWAPPED);
  return self;
}

VireoAuthRequest *
vireo_auth_dialog_get_request (VireoAuthDialog *self)
{
  g_return_val_if_fail (VIREO_IS_AUTH_DIALOG (self), NULL);
  return self->request;
}

/**
 * vireo_auth_dialog_get_entry:
 *
 * Returns: (transfer none) (nullable): the entry for field @index
 */
GtkEditable *
vireo_auth_dialog_get_entry (VireoAuthDialog *self,
                             guint            index)
{
  g_return_val_if_fail (VIREO_IS_AUTH_DIALOG (self), NULL);
  return index < self->entries->len ? g_ptr_array_index (self->entries, index) : NULL;
}

/**
 * vireo_auth_dialog_get_remember:
 *
 * Returns: (transfer none) (nullable): the "Remember" check, if offered
 */
GtkCheckButton *
vireo_auth_dialog_get_remember (VireoAuthDialog *self)
{
  g_return_val_if_fail (VIREO_IS_AUTH_DIALOG (self), NULL);
  return self->remember != NULL ? GTK_CHECK_BUTTON (self->remember) : NULL;
}
