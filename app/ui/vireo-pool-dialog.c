/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-pool-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-pool-dialog.h"
#include "vireo-secrets-dialog.h"
#include "vireo-storage.h"
#include "vireo-storage-command.h"
#include "vireo-virt-error.h"

/*
 * New Storage Pool. The types offered are those libvirt's pool
 * capabilities call supported (all Vireo knows, said so, when libvirt
 * cannot tell); each type shows only the fields vireo_pool_type_get_fields()
 * gives it. The form is a view of one VireoPoolConfig built again from the
 * fields on every change, so the XML and the virsh lines under it always say
 * what Create would do. Create validates with the model (the host's pool
 * names included), marks the field at fault and keeps the typing; libvirt's
 * own refusal goes in the banner. For the types libvirt can discover
 * (virConnectFindStoragePoolSources: logical, netfs and iscsi backends),
 * Find asks the host and offers what it found; picking one fills the fields.
 */
struct _VireoPoolDialog
{
  AdwWindow            parent_instance;

  /* Owned */
  VireoConnection     *connection;
  GStrv                types;          /* offered, in the type row's order */
  GStrv                taken_names;
  GStrv                formats;        /* the current type's, in the format row's order */
  GPtrArray           *secrets;        /* (element-type VireoSecretInfo): the host's */
  GPtrArray           *auth_secrets;   /* (element-type VireoSecretInfo) borrowed: auth row items after "None" */
  GPtrArray           *sources;        /* (element-type VireoPoolSource): the last Find */
  GCancellable        *cancellable;
  char                *error;
  int                  error_code;     /* VireoStorageConfigError, -1: none */
  char                *find_message;
  char                *shown_type;     /* the type the rows were last laid out for */
  guint                filling : 1;
  guint                busy : 1;
  guint                finding : 1;
  guint                caps_read : 1;
  guint                secrets_read : 1;
  guint                target_auto : 1; /* the target follows the name and type */
  guint                bad_port : 1;

  /* Widgets (owned by the window) */
  GtkWidget           *create_button;
  GtkSpinner          *spinner;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  AdwPreferencesGroup *general_group;
  GtkWidget           *name_row;
  AdwComboRow         *type_row;
  AdwPreferencesGroup *source_group;
  GtkWidget           *target_row;
  GtkWidget           *host_row;
  GtkWidget           *port_row;
  GtkWidget           *hosts_row;
  GtkWidget           *source_path_row;
  GtkWidget           *device_row;
  GtkWidget           *source_name_row;
  AdwComboRow         *format_row;
  GtkWidget           *iqn_row;
  GtkWidget           *initiator_row;
  AdwComboRow         *auth_row;
  GtkWidget           *username_row;
  GtkWidget           *adapter_row;
  AdwActionRow        *find_row;
  GtkWidget           *find_button;
  GtkSpinner          *find_spinner;
  GtkMenuButton       *sources_button;
  GtkWidget           *sources_box;
  GtkWidget           *build_row;
  GtkSwitch           *build_switch;
  GtkSwitch           *start_switch;
  GtkSwitch           *autostart_switch;
  GtkLabel            *command_label;
  GtkLabel            *xml_label;
};

G_DEFINE_FINAL_TYPE (VireoPoolDialog, vireo_pool_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void on_changed (VireoPoolDialog *self);

/* ------------------------------------------------------------------------ */
/* Reading the form                                                          */

static char *
stripped (GtkWidget *row)
{
  char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static void
set_text (GtkWidget  *row,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

/* "a, b c" -> { "a", "b", "c" } */
static GStrv
split_list (GtkWidget *row)
{
  g_autofree char *text = stripped (row);
  g_auto(GStrv) parts = g_strsplit_set (text ? text : "", ", ", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (builder, parts[i]);
  return g_strv_builder_end (builder);
}

static const char *
current_type (VireoPoolDialog *self)
{
  guint i = adw_combo_row_get_selected (self->type_row);

  return self->types != NULL && i < g_strv_length (self->types) ? self->types[i] : NULL;
}

static const char *
current_format (VireoPoolDialog *self)
{
  guint i = adw_combo_row_get_selected (self->format_row);

  return self->formats != NULL && i < g_strv_length (self->formats) ? self->formats[i] : NULL;
}

static const VireoSecretInfo *
current_secret (VireoPoolDialog *self)
{
  guint i = adw_combo_row_get_selected (self->auth_row);

  /* Item 0 is "None". */
  if (i == 0 || i == GTK_INVALID_LIST_POSITION || self->auth_secrets == NULL || i - 1 >= self->auth_secrets->len)
    return NULL;
  return g_ptr_array_index (self->auth_secrets, i - 1);
}

static gboolean
type_can_find (const char *type)
{
  /* The storage backends with a findPoolSources in libvirt 9.0. */
  return g_strcmp0 (type, "logical") == 0 || g_strcmp0 (type, "netfs") == 0 || g_strcmp0 (type, "iscsi") == 0;
}

static gboolean
type_can_build (const char *type)
{
  const char *buildable[] = { "dir", "fs", "netfs", "logical", "disk", NULL };

  return type != NULL && g_strv_contains (buildable, type);
}

/* Building a folder or a mount point costs nothing; building a file
 * system, a volume group or a partition table erases what was there, so
 * that is the user's choice. */
static gboolean
type_builds_by_default (const char *type)
{
  return g_strcmp0 (type, "dir") == 0 || g_strcmp0 (type, "netfs") == 0;
}

static const char *
build_subtitle (const char *type)
{
  if (g_strcmp0 (type, "dir") == 0)
    return _("Create the target folder if it does not exist");
  if (g_strcmp0 (type, "netfs") == 0)
    return _("Create the mount point if it does not exist");
  if (g_strcmp0 (type, "fs") == 0)
    return _("Make a new file system on the device: this erases it");
  if (g_strcmp0 (type, "logical") == 0)
    return _("Make a new volume group on the devices: this erases them");
  if (g_strcmp0 (type, "disk") == 0)
    return _("Write a new partition table: this erases the disk");
  return NULL;
}

static const char *
source_path_title (const char *type)
{
  if (g_strcmp0 (type, "netfs") == 0)
    return _("_Export Path");
  if (g_strcmp0 (type, "gluster") == 0)
    return _("_Folder in the Volume");
  return _("Source _Path");
}

static const char *
source_name_title (const char *type)
{
  if (g_strcmp0 (type, "logical") == 0)
    return _("_Volume Group");
  if (g_strcmp0 (type, "rbd") == 0)
    return _("Ceph _Pool");
  if (g_strcmp0 (type, "gluster") == 0)
    return _("Gluster _Volume");
  if (g_strcmp0 (type, "zfs") == 0)
    return _("ZFS _Pool");
  return _("Source _Name");
}

/* Where a pool's volumes appear: a folder named after the pool for the
 * file-backed types (a mount point for fs and netfs), libvirt's usual
 * device folder for the block types. */
static char *
default_target (const char *type,
                const char *name)
{
  const char *base;

  if (g_strcmp0 (type, "dir") == 0 || g_strcmp0 (type, "fs") == 0 || g_strcmp0 (type, "netfs") == 0)
    return g_build_filename (vireo_pool_type_get_default_target ("dir"), name ? name : "", NULL);
  base = vireo_pool_type_get_default_target (type);
  return g_strdup (base);
}

/* The form as a pool definition. A port that is not a number is reported
 * here, on its own row, since the model only sees numbers. */
static VireoPoolConfig *
build_config (VireoPoolDialog  *self,
              GError          **error)
{
  const char *type = current_type (self);
  VireoPoolFields fields;
  g_autoptr(VireoPoolConfig) config = NULL;
  g_autofree char *name = stripped (self->name_row);

  self->bad_port = FALSE;
  if (type == NULL)
    {
      g_set_error_literal (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_TYPE,
                           _("Choose the type of the pool."));
      return NULL;
    }
  fields = vireo_pool_type_get_fields (type);
  config = vireo_pool_config_new (type);
  vireo_pool_config_set_name (config, name ? name : "");

  if (fields & VIREO_POOL_FIELD_TARGET_PATH)
    {
      g_autofree char *target = stripped (self->target_row);

      vireo_pool_config_set_target_path (config, target);
    }
  if (fields & VIREO_POOL_FIELD_SOURCE_HOST)
    {
      g_autofree char *host = stripped (self->host_row);
      g_autofree char *port_text = stripped (self->port_row);
      guint64 port = 0;

      if (port_text != NULL &&
          (!g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &port, NULL)))
        {
          self->bad_port = TRUE;
          g_set_error_literal (error, VIREO_STORAGE_CONFIG_ERROR, VIREO_STORAGE_CONFIG_ERROR_SOURCE_HOST,
                               _("The port must be a number from 1 to 65535, or empty for the usual one."));
          return NULL;
        }
      vireo_pool_config_set_source_host (config, host, (guint) port);
    }
  if (fields & VIREO_POOL_FIELD_SOURCE_HOSTS)
    {
      g_auto(GStrv) hosts = split_list (self->hosts_row);

      vireo_pool_config_set_source_hosts (config, (const char * const *) hosts);
    }
  if (fields & VIREO_POOL_FIELD_SOURCE_PATH)
    {
      g_autofree char *dir = stripped (self->source_path_row);

      vireo_pool_config_set_source_dir (config, dir);
    }
  if (fields & (VIREO_POOL_FIELD_SOURCE_DEVICE | VIREO_POOL_FIELD_SOURCE_DEVICES))
    {
      g_auto(GStrv) devices = NULL;

      if (fields & VIREO_POOL_FIELD_SOURCE_DEVICES)
        devices = split_list (self->device_row);
      else
        {
          g_autofree char *device = stripped (self->device_row);
          const char *one[] = { device, NULL };

          devices = g_strdupv ((char **) (device ? one : one + 1));
        }
      vireo_pool_config_set_source_devices (config, (const char * const *) devices);
    }
  if (fields & VIREO_POOL_FIELD_SOURCE_NAME)
    {
      g_autofree char *source_name = stripped (self->source_name_row);

      vireo_pool_config_set_source_name (config, source_name);
    }
  if ((fields & VIREO_POOL_FIELD_FORMAT) && current_format (self) != NULL)
    vireo_pool_config_set_format (config, current_format (self));
  if (fields & VIREO_POOL_FIELD_IQN)
    {
      g_autofree char *iqn = stripped (self->iqn_row);

      vireo_pool_config_set_iqn (config, iqn);
    }
  if (fields & VIREO_POOL_FIELD_INITIATOR)
    {
      g_autofree char *initiator = stripped (self->initiator_row);

      vireo_pool_config_set_initiator (config, initiator);
    }
  if (fields & VIREO_POOL_FIELD_AUTH)
    {
      const VireoSecretInfo *secret = current_secret (self);
      g_autofree char *username = stripped (self->username_row);

      if (secret != NULL)
        vireo_pool_config_set_auth (config, vireo_pool_type_get_auth_type (type), username ? username : "",
                                    secret->usage_id, NULL);
    }
  if (fields & VIREO_POOL_FIELD_ADAPTER)
    {
      g_autofree char *adapter = stripped (self->adapter_row);

      vireo_pool_config_set_adapter (config, adapter);
    }
  return g_steal_pointer (&config);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */

static GtkWidget *
row_for_error (VireoPoolDialog *self,
               int              code)
{
  VireoPoolFields fields = vireo_pool_type_get_fields (current_type (self));

  switch (code)
    {
    case VIREO_STORAGE_CONFIG_ERROR_NAME:
      return self->name_row;
    case VIREO_STORAGE_CONFIG_ERROR_TYPE:
      return GTK_WIDGET (self->type_row);
    case VIREO_STORAGE_CONFIG_ERROR_TARGET_PATH:
      return self->target_row;
    case VIREO_STORAGE_CONFIG_ERROR_SOURCE_HOST:
      if (self->bad_port)
        return self->port_row;
      return (fields & VIREO_POOL_FIELD_SOURCE_HOSTS) ? self->hosts_row : self->host_row;
    case VIREO_STORAGE_CONFIG_ERROR_SOURCE_PATH:
      return self->source_path_row;
    case VIREO_STORAGE_CONFIG_ERROR_SOURCE_DEVICE:
      return self->device_row;
    case VIREO_STORAGE_CONFIG_ERROR_SOURCE_NAME:
      return self->source_name_row;
    case VIREO_STORAGE_CONFIG_ERROR_ADAPTER:
      return self->adapter_row;
    case VIREO_STORAGE_CONFIG_ERROR_IQN:
      return self->iqn_row;
    case VIREO_STORAGE_CONFIG_ERROR_INITIATOR:
      return self->initiator_row;
    case VIREO_STORAGE_CONFIG_ERROR_AUTH:
      {
        g_autofree char *username = stripped (self->username_row);

        return username == NULL ? self->username_row : GTK_WIDGET (self->auth_row);
      }
    case VIREO_STORAGE_CONFIG_ERROR_FORMAT:
      return GTK_WIDGET (self->format_row);
    default:
      return NULL;
    }
}

static void
show_error (VireoPoolDialog *self,
            int              code,
            const char      *message)
{
  GtkWidget *rows[] = {
    self->name_row, GTK_WIDGET (self->type_row), self->target_row, self->host_row, self->port_row,
    self->hosts_row, self->source_path_row, self->device_row, self->source_name_row,
    GTK_WIDGET (self->format_row), self->iqn_row, self->initiator_row, GTK_WIDGET (self->auth_row),
    self->username_row, self->adapter_row,
  };
  GtkWidget *bad = message ? row_for_error (self, code) : NULL;

  g_free (self->error);
  self->error = g_strdup (message);
  self->error_code = message ? code : -1;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (rows[i] == bad)
      gtk_widget_add_css_class (rows[i], "error");
    else
      gtk_widget_remove_css_class (rows[i], "error");
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* ------------------------------------------------------------------------ */
/* Laying out the form                                                       */

static void
set_title (GtkWidget  *row,
           const char *title)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
}

static void
fill_auth (VireoPoolDialog *self)
{
  const char *type = current_type (self);
  const char *auth_type = vireo_pool_type_get_auth_type (type);
  const char *usage_type = g_strcmp0 (auth_type, "chap") == 0 ? "iscsi"
                         : g_strcmp0 (auth_type, "ceph") == 0 ? "ceph" : NULL;
  const VireoSecretInfo *old = current_secret (self);
  g_autofree char *old_usage = old ? g_strdup (old->usage_id) : NULL;
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  guint selected = 0;

  g_clear_pointer (&self->auth_secrets, g_ptr_array_unref);
  self->auth_secrets = g_ptr_array_new ();
  gtk_string_list_append (model, _("None"));
  for (guint i = 0; usage_type != NULL && self->secrets != NULL && i < self->secrets->len; i++)
    {
      VireoSecretInfo *secret = g_ptr_array_index (self->secrets, i);
      g_autofree char *label = NULL;

      if (g_strcmp0 (secret->usage_type, usage_type) != 0 || secret->usage_id == NULL)
        continue;
      g_ptr_array_add (self->auth_secrets, secret);
      label = secret->description && *secret->description
        ? g_strdup_printf ("%s — %s", secret->usage_id, secret->description)
        : g_strdup (secret->usage_id);
      gtk_string_list_append (model, label);
      if (g_strcmp0 (secret->usage_id, old_usage) == 0)
        selected = self->auth_secrets->len;
    }
  adw_combo_row_set_model (self->auth_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->auth_row, selected);
  if (!self->secrets_read)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->auth_row), _("Reading the host’s secrets…"));
  else if (self->auth_secrets->len == 0)
    /* Translators: %s is a secret usage type, "iscsi" or "ceph" */
    {
      g_autofree char *text = g_strdup_printf (_("The host has no %s secret: add one with Secrets…"),
                                               usage_type ? usage_type : "");

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->auth_row), text);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->auth_row), _("A libvirt secret holds the password or key"));
}

static void
clear_sources (VireoPoolDialog *self)
{
  GtkWidget *child;

  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->find_message, g_free);
  while ((child = gtk_widget_get_first_child (self->sources_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->sources_box), child);
  gtk_widget_set_visible (GTK_WIDGET (self->sources_button), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->find_row), "error");
}

/* What the rows show for @type: only the fields it has, titled for it. */
static void
lay_out_type (VireoPoolDialog *self)
{
  const char *type = current_type (self);
  VireoPoolFields fields = vireo_pool_type_get_fields (type);
  const char * const *formats = vireo_pool_type_get_source_formats (type);
  g_autoptr(GtkStringList) format_model = gtk_string_list_new (NULL);
  gboolean several = (fields & VIREO_POOL_FIELD_SOURCE_DEVICES) != 0;

  g_free (self->shown_type);
  self->shown_type = g_strdup (type);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->type_row), type ? vireo_pool_type_get_description (type) : "");
  gtk_widget_set_visible (self->target_row, (fields & VIREO_POOL_FIELD_TARGET_PATH) != 0);
  gtk_widget_set_visible (self->host_row, (fields & VIREO_POOL_FIELD_SOURCE_HOST) != 0);
  gtk_widget_set_visible (self->port_row, (fields & VIREO_POOL_FIELD_SOURCE_HOST) != 0);
  gtk_widget_set_visible (self->hosts_row, (fields & VIREO_POOL_FIELD_SOURCE_HOSTS) != 0);
  gtk_widget_set_visible (self->source_path_row, (fields & VIREO_POOL_FIELD_SOURCE_PATH) != 0);
  set_title (self->source_path_row, source_path_title (type));
  gtk_widget_set_visible (self->device_row,
                          (fields & (VIREO_POOL_FIELD_SOURCE_DEVICE | VIREO_POOL_FIELD_SOURCE_DEVICES)) != 0);
  set_title (self->device_row, several ? _("Source _Devices (comma-separated)") : _("Source _Device"));
  gtk_widget_set_visible (self->source_name_row, (fields & VIREO_POOL_FIELD_SOURCE_NAME) != 0);
  set_title (self->source_name_row, source_name_title (type));
  gtk_widget_set_visible (self->iqn_row, (fields & VIREO_POOL_FIELD_IQN) != 0);
  gtk_widget_set_visible (self->initiator_row, (fields & VIREO_POOL_FIELD_INITIATOR) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->auth_row), (fields & VIREO_POOL_FIELD_AUTH) != 0);
  gtk_widget_set_visible (self->adapter_row, (fields & VIREO_POOL_FIELD_ADAPTER) != 0);

  g_clear_pointer (&self->formats, g_strfreev);
  self->formats = g_strdupv ((char **) formats);
  for (guint i = 0; self->formats != NULL && self->formats[i] != NULL; i++)
    gtk_string_list_append (format_model, self->formats[i]);
  adw_combo_row_set_model (self->format_row, G_LIST_MODEL (format_model));
  gtk_widget_set_visible (GTK_WIDGET (self->format_row),
                          (fields & VIREO_POOL_FIELD_FORMAT) != 0 && self->formats != NULL);

  fill_auth (self);
  clear_sources (self);
  gtk_widget_set_visible (GTK_WIDGET (self->find_row), type_can_find (type));
  adw_action_row_set_subtitle (self->find_row,
                               g_strcmp0 (type, "logical") == 0 ? _("Ask the host for its volume groups")
                               : g_strcmp0 (type, "netfs") == 0 ? _("Ask the server above for its exports")
                               : _("Ask the portal above for its targets"));

  gtk_widget_set_visible (self->build_row, type_can_build (type));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->build_row), build_subtitle (type) ? build_subtitle (type) : "");
  gtk_switch_set_active (self->build_switch, type_builds_by_default (type));

  if (self->target_auto)
    {
      g_autofree char *name = stripped (self->name_row);
      g_autofree char *target = default_target (type, name);

      set_text (self->target_row, target);
    }
}

static void
update_preview (VireoPoolDialog *self)
{
  g_autoptr(VireoPoolConfig) config = build_config (self, NULL);
  g_autofree char *xml = config ? vireo_pool_config_to_xml (config) : NULL;
  g_autofree char *command = vireo_pool_dialog_dup_command (self);

  gtk_label_set_text (self->xml_label, xml ? xml : "");
  gtk_label_set_text (self->command_label, command);
}

static void
update_sensitivity (VireoPoolDialog *self)
{
  gboolean secret = current_secret (self) != NULL;

  gtk_widget_set_visible (self->username_row, gtk_widget_get_visible (GTK_WIDGET (self->auth_row)) && secret);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pool.create",
                                 !self->busy && current_type (self) != NULL);
  gtk_widget_set_sensitive (self->find_button, !self->finding);
}

static void
on_changed (VireoPoolDialog *self)
{
  if (self->filling)
    return;
  self->filling = TRUE;
  if (g_strcmp0 (self->shown_type, current_type (self)) != 0)
    lay_out_type (self);
  self->filling = FALSE;
  update_sensitivity (self);
  update_preview (self);
}

static void
on_name_changed (VireoPoolDialog *self)
{
  if (!self->filling && self->target_auto)
    {
      g_autofree char *name = stripped (self->name_row);
      g_autofree char *target = default_target (current_type (self), name);

      self->filling = TRUE;
      set_text (self->target_row, target);
      self->filling = FALSE;
    }
  on_changed (self);
}

/* Once the user types a target, it is theirs. */
static void
on_target_changed (VireoPoolDialog *self)
{
  if (!self->filling)
    self->target_auto = FALSE;
  on_changed (self);
}

/* ------------------------------------------------------------------------ */
/* Host answers                                                              */

static void
set_types (VireoPoolDialog     *self,
           const VireoPoolCaps *caps)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  guint selected = 0;

  g_clear_pointer (&self->types, g_strfreev);
  self->types = vireo_pool_caps_dup_supported_types (caps);
  for (guint i = 0; self->types[i] != NULL; i++)
    {
      gtk_string_list_append (model, vireo_pool_type_get_label (self->types[i]));
      if (g_str_equal (self->types[i], "dir"))
        selected = i;
    }
  self->caps_read = TRUE;
  self->filling = TRUE;
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->type_row, selected);
  self->filling = FALSE;

  if (self->types[0] == NULL)
    adw_preferences_group_set_description (self->general_group,
                                           _("This host supports none of the pool types Vireo can create."));
  else if (!caps->known)
    adw_preferences_group_set_description (self->general_group,
                                           _("libvirt did not say which types it supports: these are all the "
                                             "types Vireo knows, and the host may refuse some."));
  else
    adw_preferences_group_set_description (self->general_group, NULL);
  on_changed (self);
}

static void
on_caps (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(VireoPoolDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoPoolCaps) caps = vireo_connection_get_pool_caps_finish (VIREO_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (caps == NULL)
    {
      /* Vireo's own list, said to be a guess, with the reason shown. */
      show_error (self, -1, error->message);
      caps = vireo_pool_caps_new_fallback ();
    }
  set_types (self, caps);
}

static void
on_secrets (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VireoPoolDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) secrets = vireo_connection_list_secrets_finish (VIREO_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (secrets == NULL)
    g_debug ("No secrets: %s", error->message);
  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  self->secrets = g_steal_pointer (&secrets);
  self->secrets_read = TRUE;
  self->filling = TRUE;
  fill_auth (self);
  self->filling = FALSE;
  on_changed (self);
}

static void
read_secrets (VireoPoolDialog *self)
{
  vireo_connection_list_secrets_async (self->connection, self->cancellable, on_secrets, g_object_ref (self));
}

/* ------------------------------------------------------------------------ */
/* Find                                                                      */

static char *
source_label (const VireoPoolSource *source)
{
  g_autofree char *devices = source->devices && source->devices[0] ? g_strjoinv (", ", source->devices) : NULL;

  if (source->name != NULL)
    return devices ? g_strdup_printf ("%s (%s)", source->name, devices) : g_strdup (source->name);
  if (source->dir != NULL)
    return g_strdup_printf ("%s:%s", source->host ? source->host : "", source->dir);
  if (devices != NULL)
    return source->host ? g_strdup_printf ("%s on %s", devices, source->host) : g_steal_pointer (&devices);
  return g_strdup (source->host ? source->host : "?");
}

static void
select_format (VireoPoolDialog *self,
               const char      *format)
{
  for (guint i = 0; format != NULL && self->formats != NULL && self->formats[i] != NULL; i++)
    if (g_str_equal (self->formats[i], format))
      adw_combo_row_set_selected (self->format_row, i);
}

static void
on_source_clicked (GtkButton       *button,
                   VireoPoolDialog *self)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "vireo-index"));
  const char *type = current_type (self);
  VireoPoolSource *source;

  if (self->sources == NULL || i >= self->sources->len)
    return;
  source = g_ptr_array_index (self->sources, i);
  gtk_menu_button_popdown (self->sources_button);

  if (g_strcmp0 (type, "logical") == 0)
    {
      g_autofree char *devices = source->devices ? g_strjoinv (", ", source->devices) : NULL;

      set_text (self->source_name_row, source->name);
      set_text (self->device_row, devices);
    }
  else if (g_strcmp0 (type, "netfs") == 0)
    {
      if (source->host != NULL)
        set_text (self->host_row, source->host);
      set_text (self->source_path_row, source->dir);
    }
  else if (g_strcmp0 (type, "iscsi") == 0)
    {
      if (source->host != NULL)
        set_text (self->host_row, source->host);
      set_text (self->iqn_row, source->devices ? source->devices[0] : NULL);
    }
  select_format (self, source->format);
  on_changed (self);
}

static void
on_found (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VireoPoolDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sources = vireo_connection_find_pool_sources_finish (VIREO_CONNECTION (object), result,
                                                                             &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->finding = FALSE;
  gtk_spinner_stop (self->find_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->find_spinner), FALSE);
  clear_sources (self);
  if (sources == NULL)
    {
      /* libvirt's words: "no NFS here" or "iscsiadm not found" is the
       * answer, not a crash. */
      self->find_message = g_strdup (error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->find_row), "error");
    }
  else if (sources->len == 0)
    self->find_message = g_strdup (_("The host found nothing."));
  else
    {
      self->sources = g_steal_pointer (&sources);
      self->find_message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Found %u source: pick it from the list",
                                                         "Found %u sources: pick one from the list",
                                                         self->sources->len),
                                            self->sources->len);
      for (guint i = 0; i < self->sources->len; i++)
        {
          g_autofree char *label = source_label (g_ptr_array_index (self->sources, i));
          g_autofree char *name = g_strdup_printf ("pool-source-%u", i);
          GtkWidget *button = gtk_button_new_with_label (label);

          gtk_widget_set_name (button, name);
          gtk_widget_add_css_class (button, "flat");
          gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), 0);
          g_object_set_data (G_OBJECT (button), "vireo-index", GUINT_TO_POINTER (i));
          g_signal_connect_object (button, "clicked", G_CALLBACK (on_source_clicked), self, 0);
          gtk_box_append (GTK_BOX (self->sources_box), button);
        }
      gtk_widget_set_visible (GTK_WIDGET (self->sources_button), TRUE);
      if (gtk_widget_get_mapped (GTK_WIDGET (self->sources_button)))
        gtk_menu_button_popup (self->sources_button);
    }
  adw_action_row_set_subtitle (self->find_row, self->find_message);
  update_sensitivity (self);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VireoPoolDialog *self = VIREO_POOL_DIALOG (widget);
  const char *type = current_type (self);
  g_autofree char *host = NULL;

  if (self->finding || !type_can_find (type))
    return;
  clear_sources (self);
  if (vireo_pool_type_get_fields (type) & VIREO_POOL_FIELD_SOURCE_HOST)
    {
      host = stripped (self->host_row);
      if (host == NULL)
        {
          self->find_message = g_strdup (_("Enter the server’s host name first."));
          adw_action_row_set_subtitle (self->find_row, self->find_message);
          gtk_widget_add_css_class (GTK_WIDGET (self->find_row), "error");
          gtk_widget_grab_focus (self->host_row);
          return;
        }
    }
  self->finding = TRUE;
  adw_action_row_set_subtitle (self->find_row, _("Looking…"));
  gtk_widget_set_visible (GTK_WIDGET (self->find_spinner), TRUE);
  gtk_spinner_start (self->find_spinner);
  update_sensitivity (self);
  vireo_connection_find_pool_sources_async (self->connection, type, host, self->cancellable, on_found,
                                            g_object_ref (self));
}

/* ------------------------------------------------------------------------ */
/* Create                                                                    */

static void
on_defined (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VireoPoolDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = vireo_connection_define_pool_finish (VIREO_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  gtk_spinner_stop (self->spinner);
  update_sensitivity (self);
  if (name == NULL)
    {
      int code = error->domain == VIREO_STORAGE_CONFIG_ERROR ? error->code
               : g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_EXISTS) ? VIREO_STORAGE_CONFIG_ERROR_NAME
               : -1;

      show_error (self, code, error->message);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, name);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoPoolDialog *self = VIREO_POOL_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoPoolConfig) config = NULL;
  g_autofree char *xml = NULL;
  gboolean build;

  if (self->busy)
    return;
  config = build_config (self, &error);
  if (config != NULL)
    vireo_pool_config_validate (config, (const char * const *) self->taken_names, &error);
  if (error != NULL)
    {
      GtkWidget *row = row_for_error (self, error->code);

      show_error (self, error->domain == VIREO_STORAGE_CONFIG_ERROR ? error->code : -1, error->message);
      /* Take the user to the field, keeping what was typed. */
      if (row != NULL)
        gtk_widget_grab_focus (row);
      return;
    }
  show_error (self, -1, NULL);

  xml = vireo_pool_config_to_xml (config);
  build = gtk_widget_get_visible (self->build_row) && gtk_switch_get_active (self->build_switch);
  self->busy = TRUE;
  gtk_spinner_start (self->spinner);
  update_sensitivity (self);
  vireo_connection_define_pool_async (self->connection, xml, build,
                                      gtk_switch_get_active (self->start_switch),
                                      gtk_switch_get_active (self->autostart_switch),
                                      self->cancellable, on_defined, g_object_ref (self));
}

static void
copy_command_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_autofree char *command = vireo_pool_dialog_dup_command (VIREO_POOL_DIALOG (widget));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), command);
}

static void
on_secrets_closed (VireoPoolDialog *self)
{
  read_secrets (self);
}

static void
secrets_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VireoPoolDialog *self = VIREO_POOL_DIALOG (widget);
  GtkWidget *dialog = vireo_secrets_dialog_new (self->connection);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  /* A secret made there is offered here at once. */
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (on_secrets_closed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */

static void
vireo_pool_dialog_dispose (GObject *object)
{
  VireoPoolDialog *self = VIREO_POOL_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->types, g_strfreev);
  g_clear_pointer (&self->taken_names, g_strfreev);
  g_clear_pointer (&self->formats, g_strfreev);
  g_clear_pointer (&self->auth_secrets, g_ptr_array_unref);
  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->find_message, g_free);
  g_clear_pointer (&self->shown_type, g_free);

  G_OBJECT_CLASS (vireo_pool_dialog_parent_class)->dispose (object);
}

static void
vireo_pool_dialog_class_init (VireoPoolDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_pool_dialog_dispose;

  /**
   * VireoPoolDialog::created:
   * @name: the new pool's name
   *
   * The pool is defined (and built, started, set to autostart as asked);
   * the dialog closes.
   */
  signals[SIGNAL_CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "pool.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "pool.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "pool.secrets", NULL, secrets_action);
  gtk_widget_class_install_action (widget_class, "pool.copy-command", NULL, copy_command_action);
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

static AdwComboRow *
combo_row (const char *title,
           const char *name)
{
  GtkWidget *row = adw_combo_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  gtk_widget_set_name (row, name);
  return ADW_COMBO_ROW (row);
}

static GtkWidget *
switch_row (const char  *title,
            const char  *subtitle,
            const char  *name,
            GtkSwitch  **out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_widget_set_name (sw, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  *out = GTK_SWITCH (sw);
  return row;
}

static GtkWidget *
mono_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  return label;
}

/* The type popup: each type's label with its description under it. */
static void
type_item_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *description = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (description), 40);
  gtk_widget_add_css_class (description, "caption");
  gtk_widget_add_css_class (description, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), description);
  gtk_list_item_set_child (item, box);
}

static void
type_item_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  VireoPoolDialog *self = user_data;
  GtkWidget *box = gtk_list_item_get_child (item);
  guint i = gtk_list_item_get_position (item);
  const char *type = self->types && i < g_strv_length (self->types) ? self->types[i] : NULL;

  gtk_label_set_text (GTK_LABEL (gtk_widget_get_first_child (box)), type ? vireo_pool_type_get_label (type) : "");
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_last_child (box)), type ? vireo_pool_type_get_description (type) : "");
}

static void
vireo_pool_dialog_init (VireoPoolDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *options_group = adw_preferences_group_new ();
  GtkWidget *command_group = adw_preferences_group_new ();
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  GtkWidget *expander = gtk_expander_new_with_mnemonic (_("Pool _XML"));
  GtkWidget *secrets_button = gtk_button_new_with_mnemonic (_("_Secrets…"));
  GtkWidget *popover = gtk_popover_new ();
  g_autoptr(GtkListItemFactory) type_factory = gtk_signal_list_item_factory_new ();

  self->error_code = -1;
  self->target_auto = TRUE;
  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("New Storage Pool"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 720);

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->create_button = gtk_button_new_with_mnemonic (_("C_reate"));
  gtk_widget_add_css_class (self->create_button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->create_button), "pool.create");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->create_button);
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->spinner));
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

  /* General: name and type. */
  self->general_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  self->name_row = entry_row (_("_Name"), "pool-name");
  self->type_row = combo_row (_("_Type"), "pool-type");
  g_signal_connect (type_factory, "setup", G_CALLBACK (type_item_setup), self);
  g_signal_connect (type_factory, "bind", G_CALLBACK (type_item_bind), self);
  adw_combo_row_set_list_factory (self->type_row, type_factory);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->type_row), _("Reading the types this host supports…"));
  adw_preferences_group_add (self->general_group, self->name_row);
  adw_preferences_group_add (self->general_group, GTK_WIDGET (self->type_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->general_group);

  /* Source and target: only the rows the type has are shown. */
  self->source_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->source_group, _("Source and Target"));
  self->target_row = entry_row (_("_Target Path"), "pool-target");
  self->host_row = entry_row (_("Source _Host"), "pool-host");
  self->port_row = entry_row (_("P_ort (empty: the usual one)"), "pool-port");
  self->hosts_row = entry_row (_("Monitor _Hosts (comma-separated)"), "pool-hosts");
  self->source_path_row = entry_row (_("Source _Path"), "pool-source-path");
  self->device_row = entry_row (_("Source _Device"), "pool-device");
  self->source_name_row = entry_row (_("Source _Name"), "pool-source-name");
  self->format_row = combo_row (_("_Format"), "pool-format");
  self->iqn_row = entry_row (_("Target _IQN"), "pool-iqn");
  self->initiator_row = entry_row (_("I_nitiator IQN"), "pool-initiator");
  self->auth_row = combo_row (_("_Authentication"), "pool-auth");
  gtk_widget_set_valign (secrets_button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (secrets_button), "pool.secrets");
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->auth_row), secrets_button);
  self->username_row = entry_row (_("_User Name"), "pool-username");
  self->adapter_row = entry_row (_("SCSI _Adapter (such as host0)"), "pool-adapter");

  self->find_row = ADW_ACTION_ROW (adw_action_row_new ());
  gtk_widget_set_name (GTK_WIDGET (self->find_row), "pool-find");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->find_row), _("Existing Sources"));
  self->find_spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->find_spinner), FALSE);
  adw_action_row_add_suffix (self->find_row, GTK_WIDGET (self->find_spinner));
  self->sources_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_popover_set_child (GTK_POPOVER (popover), self->sources_box);
  self->sources_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_widget_set_name (GTK_WIDGET (self->sources_button), "pool-sources-button");
  gtk_menu_button_set_label (self->sources_button, _("Pick"));
  gtk_menu_button_set_popover (self->sources_button, popover);
  gtk_widget_set_valign (GTK_WIDGET (self->sources_button), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self->sources_button), FALSE);
  adw_action_row_add_suffix (self->find_row, GTK_WIDGET (self->sources_button));
  self->find_button = gtk_button_new_with_mnemonic (_("_Find…"));
  gtk_widget_set_name (self->find_button, "pool-find-button");
  gtk_widget_set_valign (self->find_button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->find_button), "pool.find");
  adw_action_row_add_suffix (self->find_row, self->find_button);

  {
    GtkWidget *rows[] = {
      self->host_row, self->port_row, GTK_WIDGET (self->find_row), self->hosts_row, self->source_path_row,
      self->iqn_row, self->device_row, self->source_name_row, GTK_WIDGET (self->format_row),
      self->initiator_row, GTK_WIDGET (self->auth_row), self->username_row, self->adapter_row,
      self->target_row,
    };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      adw_preferences_group_add (self->source_group, rows[i]);
  }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->source_group);

  /* Build, start, autostart. */
  self->build_row = switch_row (_("_Build the Pool"), NULL, "pool-build", &self->build_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (options_group), self->build_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (options_group),
                             switch_row (_("Start _Now"), NULL, "pool-start", &self->start_switch));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (options_group),
                             switch_row (_("Start with the _Host"), NULL, "pool-autostart",
                                         &self->autostart_switch));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (options_group));

  /* What Create does, as virsh lines. */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (command_group), _("Equivalent Commands"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (command_group),
                                         _("What Create does, as virsh commands: save the XML below in the file "
                                           "named, then run them."));
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (copy, _("Copy the Commands"));
  gtk_widget_add_css_class (copy, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "pool.copy-command");
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (command_group), copy);
  self->command_label = GTK_LABEL (mono_label ());
  gtk_widget_set_name (GTK_WIDGET (self->command_label), "pool-command");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (command_group), GTK_WIDGET (self->command_label));
  self->xml_label = GTK_LABEL (mono_label ());
  gtk_widget_set_name (GTK_WIDGET (self->xml_label), "pool-xml");
  gtk_widget_set_margin_top (expander, 6);
  gtk_expander_set_child (GTK_EXPANDER (expander), GTK_WIDGET (self->xml_label));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (command_group), expander);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (command_group));

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (self), box);

  gtk_switch_set_active (self->start_switch, TRUE);
  gtk_switch_set_active (self->autostart_switch, TRUE);

  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (on_name_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->target_row, "changed", G_CALLBACK (on_target_changed), self, G_CONNECT_SWAPPED);
  {
    GtkWidget *rows[] = {
      self->host_row, self->port_row, self->hosts_row, self->source_path_row, self->device_row,
      self->source_name_row, self->iqn_row, self->initiator_row, self->username_row, self->adapter_row,
    };
    GObject *selects[] = {
      G_OBJECT (self->type_row), G_OBJECT (self->format_row), G_OBJECT (self->auth_row),
    };
    GtkSwitch *switches[] = { self->build_switch, self->start_switch, self->autostart_switch };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      g_signal_connect_object (rows[i], "changed", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
    for (guint i = 0; i < G_N_ELEMENTS (selects); i++)
      g_signal_connect_object (selects[i], "notify::selected", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
    for (guint i = 0; i < G_N_ELEMENTS (switches); i++)
      g_signal_connect_object (switches[i], "notify::active", G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
  }
}

/**
 * vireo_pool_dialog_new:
 * @connection: the host to create the pool on
 * @caps: (nullable): the host's pool capabilities; %NULL: the dialog reads
 *   them itself
 * @taken_names: (nullable): the host's pool names
 */
GtkWidget *
vireo_pool_dialog_new (VireoConnection     *connection,
                       const VireoPoolCaps *caps,
                       const char * const  *taken_names)
{
  VireoPoolDialog *self;
  g_autofree char *name = NULL;

  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);

  self = g_object_new (VIREO_TYPE_POOL_DIALOG, NULL);
  self->connection = g_object_ref (connection);
  self->taken_names = g_strdupv ((char **) taken_names);

  for (guint n = 1; name == NULL || (self->taken_names != NULL &&
                                     g_strv_contains ((const char * const *) self->taken_names, name)); n++)
    {
      g_free (name);
      name = g_strdup_printf ("pool%u", n);
    }
  self->filling = TRUE;
  set_text (self->name_row, name);
  self->filling = FALSE;

  if (caps != NULL)
    set_types (self, caps);
  else
    {
      update_sensitivity (self);
      vireo_connection_get_pool_caps_async (connection, self->cancellable, on_caps, g_object_ref (self));
    }
  read_secrets (self);
  return GTK_WIDGET (self);
}

const char *
vireo_pool_dialog_get_error (VireoPoolDialog *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_DIALOG (self), NULL);
  return self->error;
}

/**
 * vireo_pool_dialog_get_error_code:
 *
 * Returns: the #VireoStorageConfigError of the field shown as wrong, or -1
 *   (nothing wrong, or an error no field is at fault for)
 */
int
vireo_pool_dialog_get_error_code (VireoPoolDialog *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_DIALOG (self), -1);
  return self->error_code;
}

/**
 * vireo_pool_dialog_dup_xml:
 *
 * Returns: (nullable): the pool the form describes now; %NULL before the
 *   types are known or while the port is not a number
 */
char *
vireo_pool_dialog_dup_xml (VireoPoolDialog *self)
{
  g_autoptr(VireoPoolConfig) config = NULL;

  g_return_val_if_fail (VIREO_IS_POOL_DIALOG (self), NULL);

  config = build_config (self, NULL);
  return config ? vireo_pool_config_to_xml (config) : NULL;
}

/**
 * vireo_pool_dialog_dup_command:
 *
 * Returns: what Create does, as virsh lines: pool-define of the XML saved
 *   as NAME.xml, then pool-build, pool-start and pool-autostart as switched
 */
char *
vireo_pool_dialog_dup_command (VireoPoolDialog *self)
{
  const char *uri;
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;
  g_autofree char *define = NULL;
  GString *text;

  g_return_val_if_fail (VIREO_IS_POOL_DIALOG (self), NULL);

  uri = vireo_connection_get_uri (self->connection);
  name = stripped (self->name_row);
  if (name == NULL)
    name = g_strdup ("NAME");
  file = g_strdup_printf ("%s.xml", name);
  define = vireo_command_pool_define (uri, file);
  text = g_string_new (define);
  if (gtk_widget_get_visible (self->build_row) && gtk_switch_get_active (self->build_switch))
    {
      g_autofree char *line = vireo_command_pool_build (uri, name);

      g_string_append_printf (text, "\n%s", line);
    }
  if (gtk_switch_get_active (self->start_switch))
    {
      g_autofree char *line = vireo_command_pool_start (uri, name);

      g_string_append_printf (text, "\n%s", line);
    }
  if (gtk_switch_get_active (self->autostart_switch))
    {
      g_autofree char *line = vireo_command_pool_autostart (uri, name, TRUE);

      g_string_append_printf (text, "\n%s", line);
    }
  return g_string_free (text, FALSE);
}

/**
 * vireo_pool_dialog_get_pool_type:
 *
 * Returns: (nullable): the type chosen, such as "dir"; %NULL before the
 *   host said which it supports
 */
const char *
vireo_pool_dialog_get_pool_type (VireoPoolDialog *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_DIALOG (self), NULL);
  return current_type (self);
}

/**
 * vireo_pool_dialog_select_type:
 * @type: a pool type, such as "netfs"
 *
 * Returns: %FALSE when the dialog does not offer @type
 */
gboolean
vireo_pool_dialog_select_type (VireoPoolDialog *self,
                               const char      *type)
{
  g_return_val_if_fail (VIREO_IS_POOL_DIALOG (self), FALSE);

  for (guint i = 0; self->types != NULL && self->types[i] != NULL; i++)
    if (g_strcmp0 (self->types[i], type) == 0)
      {
        adw_combo_row_set_selected (self->type_row, i);
        return TRUE;
      }
  return FALSE;
}

/**
 * vireo_pool_dialog_get_ready:
 *
 * Returns: whether the host's pool types and secrets are read
 */
gboolean
vireo_pool_dialog_get_ready (VireoPoolDialog *self)
{
  g_return_val_if_fail (VIREO_IS_POOL_DIALOG (self), FALSE);
  return self->caps_read && self->secrets_read;
}
