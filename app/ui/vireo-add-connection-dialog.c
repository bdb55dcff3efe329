/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-add-connection-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-add-connection-dialog.h"

/*
 * Add Connection: the fields and the URI they make are two views of one
 * VireoConnectionUri. Editing a field rewrites the URI; pasting a URI fills
 * the fields. A wrong field gets its message right under its group and
 * Connect stays off until everything is valid; the user's typing is never
 * replaced while they type it.
 */
struct _VireoAddConnectionDialog
{
  AdwWindow       parent_instance;

  /* Owned */
  char           *error;
  VireoUriField   error_field;
  GHashTable     *taken;         /* URI -> sidebar name: connections already there */
  guint           syncing : 1;
  guint           touched : 1;   /* the user has typed or pasted something */

  /* Template widgets */
  GtkWidget      *connect_button;
  AdwComboRow    *hypervisor_row;
  AdwComboRow    *transport_row;
  GtkWidget      *remote_group;
  GtkWidget      *host_row;
  GtkWidget      *user_row;
  GtkWidget      *port_row;
  GtkWidget      *keyfile_row;
  GtkLabel       *remote_error;
  GtkWidget      *uri_row;
  GtkLabel       *uri_error;
  GtkWidget      *name_row;
  GtkSwitch      *autoconnect_switch;
};

G_DEFINE_FINAL_TYPE (VireoAddConnectionDialog, vireo_add_connection_dialog, ADW_TYPE_WINDOW)

enum {
  CONNECTION_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
text_of (GtkWidget *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_text (VireoAddConnectionDialog *self,
          GtkWidget                *row,
          const char               *text)
{
  if (g_strcmp0 (text_of (row), text ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

/* The fields as a URI, or NULL (with the field at fault) when the port is
 * not a number at all, which the URI model cannot even represent. */
static VireoConnectionUri *
uri_from_fields (VireoAddConnectionDialog  *self,
                 GError                   **error,
                 VireoUriField             *field)
{
  g_autoptr(VireoConnectionUri) uri = vireo_connection_uri_new ();
  const char *port = text_of (self->port_row);

  uri->hypervisor = adw_combo_row_get_selected (self->hypervisor_row);
  uri->transport = adw_combo_row_get_selected (self->transport_row);

  if (uri->hypervisor == VIREO_HYPERVISOR_CUSTOM)
    {
      uri->custom_uri = g_strdup (text_of (self->uri_row));
      return g_steal_pointer (&uri);
    }

  if (vireo_transport_is_remote (uri->transport))
    {
      uri->host = g_strstrip (g_strdup (text_of (self->host_row)));
      uri->user = g_strstrip (g_strdup (text_of (self->user_row)));
      uri->keyfile = g_strstrip (g_strdup (text_of (self->keyfile_row)));
      if (*port != '\0')
        {
          char *end = NULL;
          guint64 value = g_ascii_strtoull (port, &end, 10);

          if (end == NULL || *end != '\0' || value == 0 || value > 65535)
            {
              *field = VIREO_URI_FIELD_PORT;
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("A port is a number from 1 to 65535."));
              return NULL;
            }
          uri->port = (guint) value;
        }
    }

  /* Parameters without a field survive edits of the fields. */
  {
    g_autoptr(VireoConnectionUri) typed = vireo_connection_uri_parse (text_of (self->uri_row), NULL);
    if (typed != NULL && typed->hypervisor != VIREO_HYPERVISOR_CUSTOM)
      uri->extra_query = g_steal_pointer (&typed->extra_query);
  }

  return g_steal_pointer (&uri);
}

static void
show_error (VireoAddConnectionDialog *self,
            VireoUriField             field,
            const char               *message)
{
  GtkWidget *rows[] = { self->host_row, self->user_row, self->port_row, self->keyfile_row, self->uri_row };
  GtkWidget *bad = NULL;
  gboolean remote;

  g_free (self->error);
  self->error = g_strdup (message);
  self->error_field = message ? field : VIREO_URI_FIELD_NONE;

  switch (self->error_field)
    {
    case VIREO_URI_FIELD_HOST:    bad = self->host_row; break;
    case VIREO_URI_FIELD_USER:    bad = self->user_row; break;
    case VIREO_URI_FIELD_PORT:    bad = self->port_row; break;
    case VIREO_URI_FIELD_KEYFILE: bad = self->keyfile_row; break;
    case VIREO_URI_FIELD_URI:     bad = self->uri_row; break;
    case VIREO_URI_FIELD_NONE:
    default:                      break;
    }
  /* Connect stays off either way, but a form the user has not started on
   * is not shouted at in red. */
  if (!self->touched)
    bad = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (rows[i] == bad)
      gtk_widget_add_css_class (rows[i], "error");
    else
      gtk_widget_remove_css_class (rows[i], "error");

  remote = bad != NULL && bad != self->uri_row;
  gtk_label_set_text (self->remote_error, remote ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->remote_error), remote);
  gtk_label_set_text (self->uri_error, bad == self->uri_row ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->uri_error), bad == self->uri_row);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.connect", message == NULL);
}

/* A valid URI can still be one the sidebar has: saying so beats silently
 * showing the existing entry. */
static void
check_taken (VireoAddConnectionDialog *self)
{
  g_autofree char *uri = g_strstrip (g_strdup (text_of (self->uri_row)));
  const char *name = self->taken != NULL ? g_hash_table_lookup (self->taken, uri) : NULL;
  g_autofree char *message = NULL;

  if (name == NULL)
    {
      show_error (self, VIREO_URI_FIELD_NONE, NULL);
      return;
    }
  /* Translators: %s is a connection's name in the sidebar */
  message = g_strdup_printf (_("Already in the sidebar as “%s”. Change the host, user or port."), name);
  show_error (self, VIREO_URI_FIELD_URI, message);
}

static void
update_visibility (VireoAddConnectionDialog *self)
{
  gboolean custom = adw_combo_row_get_selected (self->hypervisor_row) == VIREO_HYPERVISOR_CUSTOM;
  gboolean remote = vireo_transport_is_remote (adw_combo_row_get_selected (self->transport_row));
  VireoTransport transport = adw_combo_row_get_selected (self->transport_row);

  gtk_widget_set_visible (GTK_WIDGET (self->transport_row), !custom);
  gtk_widget_set_visible (self->remote_group, !custom && remote);
  gtk_widget_set_visible (self->keyfile_row,
                          transport == VIREO_TRANSPORT_SSH ||
                          transport == VIREO_TRANSPORT_LIBSSH2 ||
                          transport == VIREO_TRANSPORT_LIBSSH);
}

/* A field changed: rewrite the URI from the fields. */
static void
on_field_changed (VireoAddConnectionDialog *self)
{
  g_autoptr(VireoConnectionUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  VireoUriField field = VIREO_URI_FIELD_NONE;

  if (self->syncing)
    return;

  update_visibility (self);
  uri = uri_from_fields (self, &error, &field);
  if (uri == NULL)
    {
      show_error (self, field, error->message);
      return;
    }

  if (uri->hypervisor != VIREO_HYPERVISOR_CUSTOM)
    {
      g_autofree char *text = vireo_connection_uri_to_string (uri);

      self->syncing = TRUE;
      set_text (self, self->uri_row, text);
      self->syncing = FALSE;
    }

  if (vireo_connection_uri_validate (uri, &field, &error))
    check_taken (self);
  else
    show_error (self, field, error->message);
}

/* The URI was typed or pasted: fill the fields from it. */
static void
on_uri_changed (VireoAddConnectionDialog *self)
{
  g_autoptr(VireoConnectionUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  VireoUriField field = VIREO_URI_FIELD_NONE;

  if (self->syncing)
    return;

  uri = vireo_connection_uri_parse (text_of (self->uri_row), &error);
  if (uri == NULL)
    {
      show_error (self, VIREO_URI_FIELD_URI, error->message);
      return;
    }

  self->syncing = TRUE;
  adw_combo_row_set_selected (self->hypervisor_row, uri->hypervisor);
  if (uri->hypervisor != VIREO_HYPERVISOR_CUSTOM)
    {
      g_autofree char *port = uri->port ? g_strdup_printf ("%u", uri->port) : NULL;

      adw_combo_row_set_selected (self->transport_row, uri->transport);
      set_text (self, self->host_row, uri->host);
      set_text (self, self->user_row, uri->user);
      set_text (self, self->port_row, port);
      set_text (self, self->keyfile_row, uri->keyfile);
    }
  self->syncing = FALSE;
  update_visibility (self);

  if (vireo_connection_uri_validate (uri, &field, &error))
    check_taken (self);
  else
    show_error (self, field, error->message);
}

static void
on_text_edited (VireoAddConnectionDialog *self)
{
  if (!self->syncing)
    self->touched = TRUE;
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  VireoAddConnectionDialog *self = VIREO_ADD_CONNECTION_DIALOG (widget);
  g_autofree char *uri = vireo_add_connection_dialog_dup_uri (self);

  if (uri == NULL)
    return;

  g_signal_emit (self, signals[CONNECTION_CHOSEN], 0, uri,
                 text_of (self->name_row), gtk_switch_get_active (self->autoconnect_switch));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_keyfile_chosen (GtkNativeDialog          *chooser,
                   int                       response,
                   VireoAddConnectionDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->keyfile_row), path);
    }
  g_object_unref (chooser);
}

static void
choose_keyfile_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  VireoAddConnectionDialog *self = VIREO_ADD_CONNECTION_DIALOG (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (ssh_dir);

  chooser = gtk_file_chooser_native_new (_("Choose an SSH Key File"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_signal_connect (chooser, "response", G_CALLBACK (on_keyfile_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
vireo_add_connection_dialog_finalize (GObject *object)
{
  VireoAddConnectionDialog *self = VIREO_ADD_CONNECTION_DIALOG (object);

  g_free (self->error);
  g_clear_pointer (&self->taken, g_hash_table_unref);

  G_OBJECT_CLASS (vireo_add_connection_dialog_parent_class)->finalize (object);
}

static void
vireo_add_connection_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VIREO_TYPE_ADD_CONNECTION_DIALOG);

  G_OBJECT_CLASS (vireo_add_connection_dialog_parent_class)->dispose (object);
}

static void
vireo_add_connection_dialog_class_init (VireoAddConnectionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_add_connection_dialog_dispose;
  object_class->finalize = vireo_add_connection_dialog_finalize;

  /**
   * VireoAddConnectionDialog::connection-chosen:
   * @uri: the libvirt URI
   * @name: the name for the sidebar, possibly empty
   * @autoconnect: whether to connect at start-up
   */
  signals[CONNECTION_CHOSEN] =
    g_signal_new ("connection-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-add-connection-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, connect_button);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, hypervisor_row);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, transport_row);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, remote_group);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, host_row);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, port_row);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, keyfile_row);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, remote_error);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, uri_row);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, uri_error);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, VireoAddConnectionDialog, autoconnect_switch);

  gtk_widget_class_install_action (widget_class, "dialog.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "dialog.choose-keyfile", NULL, choose_keyfile_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vireo_add_connection_dialog_init (VireoAddConnectionDialog *self)
{
  GtkWidget *fields[4];

  gtk_widget_init_template (GTK_WIDGET (self));

  fields[0] = self->host_row;
  fields[1] = self->user_row;
  fields[2] = self->port_row;
  fields[3] = self->keyfile_row;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_signal_connect_object (fields[i], "changed", G_CALLBACK (on_text_edited), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (fields[i], "changed", G_CALLBACK (on_field_changed), self, G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (self->uri_row, "changed", G_CALLBACK (on_text_edited), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hypervisor_row, "notify::selected", G_CALLBACK (on_field_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->transport_row, "notify::selected", G_CALLBACK (on_field_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->uri_row, "changed", G_CALLBACK (on_uri_changed), self, G_CONNECT_SWAPPED);

  /* Most people add a remote host: start there. */
  adw_combo_row_set_selected (self->transport_row, VIREO_TRANSPORT_SSH);
  on_field_changed (self);
}

GtkWidget *
vireo_add_connection_dialog_new (GtkWindow *parent)
{
  return g_object_new (VIREO_TYPE_ADD_CONNECTION_DIALOG, "transient-for", parent, NULL);
}

/**
 * vireo_add_connection_dialog_dup_uri:
 *
 * Returns: (transfer full) (nullable): the URI, or %NULL while a field is wrong
 */
char *
vireo_add_connection_dialog_dup_uri (VireoAddConnectionDialog *self)
{
  g_return_val_if_fail (VIREO_IS_ADD_CONNECTION_DIALOG (self), NULL);

  if (self->error != NULL)
    return NULL;
  return g_strstrip (g_strdup (text_of (self->uri_row)));
}

VireoUriField
vireo_add_connection_dialog_get_error_field (VireoAddConnectionDialog *self)
{
  g_return_val_if_fail (VIREO_IS_ADD_CONNECTION_DIALOG (self), VIREO_URI_FIELD_NONE);
  return self->error_field;
}

/**
 * vireo_add_connection_dialog_get_error:
 *
 * Returns: (nullable): the message shown for the wrong field
 */
const char *
vireo_add_connection_dialog_get_error (VireoAddConnectionDialog *self)
{
  g_return_val_if_fail (VIREO_IS_ADD_CONNECTION_DIALOG (self), NULL);
  return self->error;
}

/**
 * vireo_add_connection_dialog_set_field:
 *
 * Fills one field as if typed (to pre-fill a host, or from tests).
 */
void
vireo_add_connection_dialog_set_field (VireoAddConnectionDialog *self,
                                       VireoUriField             field,
                                       const char               *text)
{
  GtkWidget *row = NULL;

  g_return_if_fail (VIREO_IS_ADD_CONNECTION_DIALOG (self));

  switch (field)
    {
    case VIREO_URI_FIELD_HOST:    row = self->host_row; break;
    case VIREO_URI_FIELD_USER:    row = self->user_row; break;
    case VIREO_URI_FIELD_PORT:    row = self->port_row; break;
    case VIREO_URI_FIELD_KEYFILE: row = self->keyfile_row; break;
    case VIREO_URI_FIELD_URI:     row = self->uri_row; break;
    case VIREO_URI_FIELD_NONE:
    default:                      g_return_if_reached ();
    }
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

/**
 * vireo_add_connection_dialog_add_taken:
 * @uri: a connection already in the sidebar
 * @name: its name there
 *
 * Refuses @uri with a message naming the existing entry.
 */
void
vireo_add_connection_dialog_add_taken (VireoAddConnectionDialog *self,
                                       const char               *uri,
                                       const char               *name)
{
  g_return_if_fail (VIREO_IS_ADD_CONNECTION_DIALOG (self));
  g_return_if_fail (uri != NULL);

  if (self->taken == NULL)
    self->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (self->taken, g_strdup (uri), g_strdup (name != NULL ? name : uri));
}

/**
 * vireo_add_connection_dialog_prefill:
 *
 * Starts from an existing connection (to edit it, or to make another like
 * it). Shows no error until the user changes something.
 */
void
vireo_add_connection_dialog_prefill (VireoAddConnectionDialog *self,
                                     const char               *uri,
                                     const char               *name,
                                     gboolean                  autoconnect)
{
  g_return_if_fail (VIREO_IS_ADD_CONNECTION_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->uri_row), uri != NULL ? uri : "");
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
  gtk_switch_set_active (self->autoconnect_switch, autoconnect);
  self->touched = FALSE;
  /* Recomputed with touched off: a duplicate's URI error waits for a key. */
  check_taken (self);
}

/**
 * vireo_add_connection_dialog_set_editing:
 *
 * Edits an existing connection: "Save" instead of "Connect".
 */
void
vireo_add_connection_dialog_set_editing (VireoAddConnectionDialog *self,
                                         gboolean                  editing)
{
  g_return_if_fail (VIREO_IS_ADD_CONNECTION_DIALOG (self));

  gtk_window_set_title (GTK_WINDOW (self), editing ? _("Edit Connection") : _("Add Connection"));
  gtk_button_set_label (GTK_BUTTON (self->connect_button), editing ? _("_Save") : _("C_onnect"));
}
