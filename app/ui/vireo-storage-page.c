/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-storage-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vireo-command.h"
#include "vireo-format.h"
#include "vireo-lookup.h"
#include "vireo-pool-dialog.h"
#include "vireo-secrets-dialog.h"
#include "vireo-storage.h"
#include "vireo-storage-command.h"
#include "vireo-page-util.h"
#include "vireo-storage-page.h"
#include "vireo-virt-error.h"
#include "vireo-volume-dialog.h"

/*
 * Host Details › Storage: the pools of one connection with their usage,
 * and each pool's volumes (format, sizes, backing file, the machines that
 * use it), with what `virsh pool-*` and `vol-*` do. One worker call reads
 * every pool with its volumes and their users
 * (vireo_connection_list_pools_with_users_async), again on
 * the connection's pool events. Uploads and downloads run as a
 * VireoVolumeTransfer with a progress bar and Cancel above the page; one at
 * a time per window.
 */
struct _VireoStoragePage
{
  GtkWidget             parent_instance;

  /* Owned */
  VireoConnection      *connection;
  VireoReload           reload;             /* the pools' read */
  GPtrArray            *pools;              /* (element-type VireoPoolInfo) */
  VireoPoolCaps        *caps;
  char                 *selected;
  VireoVolumeTransfer  *transfer;
  GCancellable         *transfer_cancellable;
  guint                 reload_source;
  guint                 loading : 1;
  guint                 wanted : 1;         /* shown once: reads and follows events from then on */
  guint                 updating : 1;

  /* Template widgets */
  GtkListBox           *list_box;
  GtkWidget            *list_command_button;
  GtkRevealer          *transfer_revealer;
  GtkLabel             *transfer_label;
  GtkProgressBar       *transfer_progress;
  GtkStack             *details_stack;
  AdwStatusPage        *empty_page;
  AdwPreferencesGroup  *pool_group;
  GtkWidget            *start_button;
  GtkWidget            *stop_button;
  GtkWidget            *command_button;
  GtkLabel             *type_label;
  GtkLabel             *state_label;
  GtkWidget            *autostart_row;
  GtkSwitch            *autostart_switch;
  GtkWidget            *path_row;
  GtkLabel             *path_label;
  GtkWidget            *usage_row;
  GtkLevelBar          *usage_bar;
  GtkLabel             *usage_label;
  AdwPreferencesGroup  *volumes_group;
  GtkWidget            *volumes_command_button;
  GtkListBox           *volumes_list;
};

G_DEFINE_FINAL_TYPE (VireoStoragePage, vireo_storage_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void queue_reload (VireoStoragePage *self);

/* ------------------------------------------------------------------------ */

static VireoPoolInfo *
find_pool (VireoStoragePage *self,
           const char       *name)
{
  for (guint i = 0; self->pools != NULL && name != NULL && i < self->pools->len; i++)
    {
      VireoPoolInfo *pool = g_ptr_array_index (self->pools, i);

      if (g_strcmp0 (pool->name, name) == 0)
        return pool;
    }
  return NULL;
}

static VireoPoolInfo *
selected_pool (VireoStoragePage *self)
{
  return find_pool (self, self->selected);
}

static VireoVolumeInfo *
find_volume (VireoPoolInfo *pool,
             const char    *name)
{
  for (guint i = 0; pool != NULL && pool->volumes != NULL && i < pool->volumes->len; i++)
    {
      VireoVolumeInfo *volume = g_ptr_array_index (pool->volumes, i);

      if (g_strcmp0 (volume->name, name) == 0)
        return volume;
    }
  return NULL;
}

static char *
size_text (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static void
set_command (GtkWidget  *button,
             const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *markup = g_strdup_printf ("<tt>%s</tt>\n%s", escaped,
                                             strchr (text, '\n') ? _("Click to copy these commands")
                                                                 : _("Click to copy this command"));

  gtk_widget_set_tooltip_markup (button, markup);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (text));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "host.copy-command");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy the equivalent virsh command"),
                                  -1);
}

static const char *
uri_of (VireoStoragePage *self)
{
  return vireo_connection_get_uri (self->connection);
}

/* "virsh [-c URI] VERB [NAME]", quoted for a shell: display only. */
static char *
virsh_line (VireoStoragePage *self,
            const char       *verb,
            const char       *name)
{
  g_autoptr(GString) line = g_string_new ("virsh");

  if (uri_of (self) != NULL)
    {
      g_autofree char *uri = vireo_command_quote (uri_of (self));

      g_string_append_printf (line, " -c %s", uri);
    }
  g_string_append_printf (line, " %s", verb);
  if (name != NULL)
    {
      g_autofree char *quoted = vireo_command_quote (name);

      g_string_append_printf (line, " %s", quoted);
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static void
show_error (VireoStoragePage *self,
            const char       *heading,
            const char       *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* Details                                                                   */

static double
used_fraction (const VireoPoolInfo *pool)
{
  if (pool->capacity == 0)
    return 0;
  return CLAMP ((double) pool->allocation / (double) pool->capacity, 0.0, 1.0);
}

static GtkWidget *
make_volume_row (VireoStoragePage    *self,
                 const VireoPoolInfo *pool,
                 VireoVolumeInfo     *volume)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *capacity = size_text (volume->capacity);
  g_autofree char *allocation = size_text (volume->allocation);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GMenu) danger = g_menu_new ();
  GtkWidget *button;
  GVariant *target = g_variant_new_string (volume->name);
  struct { const char *label; const char *action; GMenu *in; } items[] = {
    { N_("_Clone…"), "storage.volume-clone", section },
    { N_("_Resize…"), "storage.volume-resize", section },
    { N_("_Upload From File…"), "storage.volume-upload", section },
    { N_("Do_wnload To File…"), "storage.volume-download", section },
    { N_("Copy _Path"), "storage.volume-copy-path", section },
    { N_("_Wipe…"), "storage.volume-wipe", danger },
    { N_("_Delete…"), "storage.volume-delete", danger },
  };

  g_variant_ref_sink (target);
  /* Translators: a volume's format and sizes, "qcow2 · 20 GiB, 1.2 GiB allocated" */
  g_string_printf (subtitle, _("%s · %s, %s allocated"), volume->format ? volume->format : volume->type,
                   capacity, allocation);
  /* Where it is on the host: what a disk's source names. */
  if (volume->path != NULL)
    g_string_append_printf (subtitle, "\n%s", volume->path);
  if (volume->backing_path != NULL)
    /* Translators: the image a volume is an overlay of */
    g_string_append_printf (subtitle, "\n%s %s", _("Overlay on"), volume->backing_path);
  if (volume->used_by != NULL && volume->used_by->len > 0)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (volume->used_by, NULL);
      names = g_strjoinv (", ", (char **) volume->used_by->pdata);
      g_ptr_array_remove_index (volume->used_by, volume->used_by->len - 1);
      /* Translators: the machines whose disks are this volume */
      g_string_append_printf (subtitle, "\n%s %s", _("Used by"), names);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), volume->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name (volume->backing_path ? "edit-copy-symbolic"
                                                                                : "drive-harddisk-symbolic"));
  gtk_widget_set_tooltip_text (row, volume->path);
  gtk_widget_set_name (row, volume->name);

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(items[i].label), NULL);

      g_menu_item_set_action_and_target_value (item, items[i].action, target);
      g_menu_append_item (items[i].in, item);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (danger));
  g_variant_unref (target);

  button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Volume Actions"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  (void) pool;
  (void) self;
  return row;
}

static void
update_details (VireoStoragePage *self)
{
  VireoPoolInfo *pool = selected_pool (self);
  gboolean connected = vireo_connection_get_state (self->connection) == VIREO_CONNECTION_STATE_CONNECTED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.start", connected && pool && !pool->active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.stop", connected && pool && pool->active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.refresh", connected && pool && pool->active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.build", connected && pool && !pool->active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.delete", connected && pool != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.new-volume", connected && pool && pool->active);

  if (pool == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "empty");
      adw_status_page_set_title (self->empty_page, self->pools != NULL && self->pools->len == 0
                                                     ? _("No Storage Pools") : _("No Pool Selected"));
      return;
    }
  gtk_stack_set_visible_child_name (self->details_stack, "details");
  self->updating = TRUE;

  adw_preferences_group_set_title (self->pool_group, pool->name);
  adw_preferences_group_set_description (self->pool_group, vireo_pool_type_get_description (pool->type));
  gtk_label_set_text (self->type_label, vireo_pool_type_get_label (pool->type));
  gtk_label_set_text (self->state_label, pool->active ? _("Active") : _("Inactive"));
  gtk_widget_set_visible (self->start_button, !pool->active);
  gtk_widget_set_visible (self->stop_button, pool->active);
  gtk_switch_set_active (self->autostart_switch, pool->autostart);
  gtk_widget_set_sensitive (self->autostart_row, connected);
  gtk_label_set_text (self->path_label, pool->target_path ? pool->target_path : "—");
  gtk_widget_set_visible (self->path_row, pool->target_path != NULL);

  gtk_widget_set_visible (self->usage_row, pool->active);
  if (pool->active)
    {
      g_autofree char *used = size_text (pool->allocation);
      g_autofree char *total = size_text (pool->capacity);
      g_autofree char *free_ = size_text (pool->available);
      g_autofree char *text = NULL;

      gtk_level_bar_set_value (self->usage_bar, used_fraction (pool));
      /* Translators: a pool's usage, "43 GiB of 120 GiB used, 77 GiB free" */
      text = g_strdup_printf (_("%s of %s used, %s free"), used, total, free_);
      gtk_label_set_text (self->usage_label, text);
    }

  {
    g_autofree char *line = pool->active ? vireo_command_pool_destroy (uri_of (self), pool->name)
                                         : vireo_command_pool_start (uri_of (self), pool->name);

    set_command (self->command_button, line);
  }

  vireo_list_box_clear (self->volumes_list);
  if (!pool->active)
    adw_preferences_group_set_description (self->volumes_group, _("Start the pool to see its volumes."));
  else if (pool->volumes == NULL || pool->volumes->len == 0)
    adw_preferences_group_set_description (self->volumes_group, _("This pool has no volumes."));
  else
    adw_preferences_group_set_description (self->volumes_group, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->volumes_list), pool->active && pool->volumes && pool->volumes->len > 0);
  for (guint i = 0; pool->active && pool->volumes != NULL && i < pool->volumes->len; i++)
    gtk_list_box_append (self->volumes_list, make_volume_row (self, pool, g_ptr_array_index (pool->volumes, i)));
  {
    g_autofree char *line = virsh_line (self, "vol-list --details", pool->name);
    g_autofree char *create = vireo_command_vol_create_as (uri_of (self), pool->name, "NAME", 20ull << 30,
                                                           "qcow2", 0, NULL, NULL);
    g_autofree char *both = g_strdup_printf ("%s\n%s", line, create);

    set_command (self->volumes_command_button, both);
  }
  self->updating = FALSE;
}

/* ------------------------------------------------------------------------ */
/* The list                                                                  */

static GtkWidget *
make_pool_row (const VireoPoolInfo *pool)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pool->name);
  if (pool->active)
    {
      g_autofree char *free_ = size_text (pool->available);

      /* Translators: a pool's type and free space, "Directory · 77 GiB free" */
      subtitle = g_strdup_printf (_("%s · %s free"), vireo_pool_type_get_label (pool->type), free_);
    }
  else
    /* Translators: a pool's type, and that it is stopped */
    subtitle = g_strdup_printf (_("%s · inactive"), vireo_pool_type_get_label (pool->type));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("drive-harddisk-symbolic"));
  if (pool->active && pool->capacity > 0)
    {
      GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
      g_autofree char *percent = g_strdup_printf ("%.0f %%", used_fraction (pool) * 100);

      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), used_fraction (pool));
      gtk_widget_set_size_request (bar, 56, -1);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (bar, percent);
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Space used"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
    }
  g_object_set_data_full (G_OBJECT (row), "vireo-pool", g_strdup (pool->name), g_free);
  gtk_widget_set_name (row, pool->name);
  return row;
}

static void
rebuild_list (VireoStoragePage *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  for (guint i = 0; self->pools != NULL && i < self->pools->len; i++)
    g_ptr_array_add (rows, make_pool_row (g_ptr_array_index (self->pools, i)));
  self->updating = TRUE;
  vireo_list_box_refill (self->list_box, rows, &self->selected);
  self->updating = FALSE;
  update_details (self);
}

static void
set_loading (VireoStoragePage *self,
             gboolean          loading)
{
  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoStoragePage) self = user_data;
  g_autoptr(GPtrArray) pools = NULL;
  g_autoptr(GError) error = NULL;

  pools = vireo_connection_list_pools_finish (VIREO_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      if (!g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED))
        g_warning ("Could not list storage pools: %s", error->message);
    }
  else
    {
      g_clear_pointer (&self->pools, g_ptr_array_unref);
      self->pools = g_steal_pointer (&pools);
      rebuild_list (self);
    }
  if (vireo_reload_finish (&self->reload))
    {
      vireo_storage_page_reload (self);
      return;
    }
  set_loading (self, FALSE);
}

static void
on_caps (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(VireoStoragePage) self = user_data;
  g_autoptr(GError) error = NULL;
  VireoPoolCaps *caps = vireo_connection_get_pool_caps_finish (VIREO_CONNECTION (source), result, &error);

  if (caps == NULL)
    {
      g_debug ("No pool capabilities: %s", error->message);
      return;
    }
  g_clear_pointer (&self->caps, vireo_pool_caps_free);
  self->caps = caps;
}

/**
 * vireo_storage_page_reload:
 *
 * Reads the pools and their volumes again; as for networks, a reload asked
 * for during one runs after it.
 */
void
vireo_storage_page_reload (VireoStoragePage *self)
{
  GCancellable *cancellable;

  g_return_if_fail (VIREO_IS_STORAGE_PAGE (self));

  if (self->reload.cancellable != NULL)
    {
      vireo_reload_start (&self->reload);
      return;
    }
  if (vireo_connection_get_state (self->connection) != VIREO_CONNECTION_STATE_CONNECTED)
    {
      update_details (self);
      return;
    }
  set_loading (self, TRUE);
  cancellable = vireo_reload_start (&self->reload);
  vireo_connection_list_pools_with_users_async (self->connection, cancellable, on_listed, g_object_ref (self));
  if (self->caps == NULL)
    vireo_connection_get_pool_caps_async (self->connection, NULL, on_caps, g_object_ref (self));
}

static gboolean
reload_cb (gpointer user_data)
{
  VireoStoragePage *self = user_data;

  self->reload_source = 0;
  vireo_storage_page_reload (self);
  return G_SOURCE_REMOVE;
}

static void
queue_reload (VireoStoragePage *self)
{
  if (!self->wanted)
    return;
  if (self->reload_source == 0)
    self->reload_source = g_timeout_add (100, reload_cb, self);
}

static void
on_row_selected (VireoStoragePage *self,
                 GtkListBoxRow    *row)
{
  /* Rows are removed, and selections change, while the page is disposed. */
  if (self->details_stack == NULL)
    return;
  if (self->updating)
    return;
  g_free (self->selected);
  self->selected = row ? g_strdup (gtk_widget_get_name (GTK_WIDGET (row))) : NULL;
  update_details (self);
}

/* ------------------------------------------------------------------------ */
/* Pool actions                                                              */

typedef struct
{
  VireoStoragePage *self;
  char             *heading;
} Pending;

static Pending *
pending_new (VireoStoragePage *self,
             char             *heading)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = g_object_ref (self);
  pending->heading = heading;
  return pending;
}

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->self);
  g_free (pending->heading);
  g_free (pending);
}

static void
pending_done (Pending *pending,
              GError  *error)
{
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (pending->self, pending->heading, error->message);
  queue_reload (pending->self);
  pending_free (pending);
}

static void
on_pool_action_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  vireo_connection_pool_action_finish (VIREO_CONNECTION (source), result, &error);
  pending_done (user_data, error);
}

static void
run_pool_action (VireoStoragePage *self,
                 VireoPoolAction   action,
                 char             *heading)
{
  if (self->selected == NULL)
    {
      g_free (heading);
      return;
    }
  vireo_connection_pool_action_async (self->connection, self->selected, action, NULL, on_pool_action_done,
                                      pending_new (self, heading));
}

static void
pool_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (widget);
  const char *name = self->selected;

  if (g_str_equal (action_name, "storage.start"))
    run_pool_action (self, VIREO_POOL_ACTION_START, g_strdup_printf (_("Could Not Start “%s”"), name));
  else if (g_str_equal (action_name, "storage.stop"))
    run_pool_action (self, VIREO_POOL_ACTION_STOP, g_strdup_printf (_("Could Not Stop “%s”"), name));
  else if (g_str_equal (action_name, "storage.refresh"))
    run_pool_action (self, VIREO_POOL_ACTION_REFRESH, g_strdup_printf (_("Could Not Refresh “%s”"), name));
  else if (g_str_equal (action_name, "storage.build"))
    run_pool_action (self, VIREO_POOL_ACTION_BUILD, g_strdup_printf (_("Could Not Build “%s”"), name));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  vireo_storage_page_reload (VIREO_STORAGE_PAGE (widget));
}

static void
on_autostart_changed (VireoStoragePage *self)
{
  VireoPoolInfo *pool = selected_pool (self);
  gboolean on = gtk_switch_get_active (self->autostart_switch);

  if (self->updating || pool == NULL || pool->autostart == on)
    return;
  pool->autostart = on;
  run_pool_action (self, on ? VIREO_POOL_ACTION_AUTOSTART_ON : VIREO_POOL_ACTION_AUTOSTART_OFF,
                   g_strdup_printf (_("Could Not Change “%s”"), pool->name));
}

static void
on_pool_deleted (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  vireo_connection_delete_pool_finish (VIREO_CONNECTION (source), result, &error);
  pending_done (user_data, error);
}

static void
on_delete_pool_response (AdwMessageDialog *dialog,
                         const char       *response,
                         gpointer          user_data)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (user_data);
  const char *name = g_object_get_data (G_OBJECT (dialog), "vireo-pool");
  gboolean with_volumes = g_strcmp0 (response, "delete-all") == 0;

  if (!with_volumes && g_strcmp0 (response, "delete") != 0)
    return;
  vireo_connection_delete_pool_async (self->connection, name, with_volumes, NULL, on_pool_deleted,
                                      pending_new (self, g_strdup_printf (_("Could Not Delete “%s”"), name)));
}

/* Deleting a pool only forgets it; deleting its volumes too is a separate,
 * named choice, with the volumes listed first. */
static void
delete_pool_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (widget);
  VireoPoolInfo *pool = selected_pool (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *heading = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  AdwMessageDialog *dialog;
  guint n = pool && pool->volumes ? pool->volumes->len : 0;

  if (pool == NULL)
    return;
  heading = g_strdup_printf (_("Delete “%s”?"), pool->name);
  g_string_append (body, _("The pool is stopped and its definition removed. Its volumes stay where they are "
                           "unless you delete them too."));
  if (n > 0)
    {
      g_string_append (body, "\n\n");
      g_string_append (body, ngettext ("It holds this volume:", "It holds these volumes:", n));
      for (guint i = 0; i < n; i++)
        {
          VireoVolumeInfo *volume = g_ptr_array_index (pool->volumes, i);

          g_string_append_printf (body, "\n• %s", volume->name);
          if (volume->used_by != NULL && volume->used_by->len > 0)
            g_string_append_printf (body, _(" (used by %s)"), (const char *) g_ptr_array_index (volume->used_by, 0));
        }
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body->str));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete Pool"), NULL);
  if (n > 0)
    {
      adw_message_dialog_add_response (dialog, "delete-all", _("Delete Pool and _Volumes"));
      adw_message_dialog_set_response_appearance (dialog, "delete-all", ADW_RESPONSE_DESTRUCTIVE);
    }
  else
    adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vireo-pool", g_strdup (pool->name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_pool_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_pool_created (VireoStoragePage *self,
                 const char       *name)
{
  g_free (self->selected);
  self->selected = g_strdup (name);
  queue_reload (self);
}

/**
 * vireo_storage_page_add_pool:
 *
 * Opens New Storage Pool.
 *
 * Returns: (transfer none): the dialog
 */
GtkWidget *
vireo_storage_page_add_pool (VireoStoragePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;
  GtkWidget *dialog;

  g_return_val_if_fail (VIREO_IS_STORAGE_PAGE (self), NULL);

  for (guint i = 0; self->pools != NULL && i < self->pools->len; i++)
    g_strv_builder_add (builder, ((VireoPoolInfo *) g_ptr_array_index (self->pools, i))->name);
  names = g_strv_builder_end (builder);
  dialog = vireo_pool_dialog_new (self->connection, self->caps, (const char * const *) names);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_pool_created), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
add_pool_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  vireo_storage_page_add_pool (VIREO_STORAGE_PAGE (widget));
}

static void
secrets_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog = vireo_secrets_dialog_new (self->connection);

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* Volume actions                                                            */

static void
on_volume_created (VireoStoragePage *self,
                   const char       *name)
{
  queue_reload (self);
}

/**
 * vireo_storage_page_new_volume:
 *
 * Opens New Volume for the selected pool.
 *
 * Returns: (transfer none) (nullable): the dialog
 */
GtkWidget *
vireo_storage_page_new_volume (VireoStoragePage *self)
{
  VireoPoolInfo *pool;
  GtkRoot *root;
  GtkWidget *dialog;
  const VireoPoolTypeCaps *type_caps = NULL;

  g_return_val_if_fail (VIREO_IS_STORAGE_PAGE (self), NULL);

  pool = selected_pool (self);
  if (pool == NULL || !pool->active)
    return NULL;
  if (self->caps != NULL)
    type_caps = vireo_pool_caps_lookup (self->caps, pool->type);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = vireo_volume_dialog_new (self->connection, pool, type_caps);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_volume_created), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
new_volume_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  vireo_storage_page_new_volume (VIREO_STORAGE_PAGE (widget));
}

/* A question about a volume, with the virsh line it equals under it. */
static AdwMessageDialog *
ask (VireoStoragePage *self,
     const char       *heading,
     const char       *body,
     const char       *verb,
     gboolean          destructive,
     GtkWidget        *extra,
     const char       *command)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;
  g_autofree char *text = command ? g_strdup_printf ("%s\n\n%s\n%s", body, _("The same with virsh:"), command)
                                  : g_strdup (body);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, text));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "ok", verb, NULL);
  adw_message_dialog_set_response_appearance (dialog, "ok",
                                              destructive ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, destructive ? "cancel" : "ok");
  adw_message_dialog_set_close_response (dialog, "cancel");
  if (extra != NULL)
    adw_message_dialog_set_extra_child (dialog, extra);
  g_object_set_data_full (G_OBJECT (dialog), "vireo-pool", g_strdup (self->selected), g_free);
  return dialog;
}

static void
on_volume_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GTask *task = G_TASK (result);
  gpointer tag = g_task_get_source_tag (task);

  if (tag == vireo_connection_resize_volume_async)
    vireo_connection_resize_volume_finish (VIREO_CONNECTION (source), result, &error);
  else if (tag == vireo_connection_wipe_volume_async)
    vireo_connection_wipe_volume_finish (VIREO_CONNECTION (source), result, &error);
  else
    {
      g_autoptr(VireoVolumeInfo) info = vireo_connection_create_volume_xml_finish (VIREO_CONNECTION (source),
                                                                                    result, &error);
    }
  pending_done (user_data, error);
}

static void
on_clone_response (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (user_data);
  const char *pool = g_object_get_data (G_OBJECT (dialog), "vireo-pool");
  const char *volume = g_object_get_data (G_OBJECT (dialog), "vireo-volume");
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  VireoVolumeInfo *info = find_volume (find_pool (self, pool), volume);
  g_autoptr(VireoVolumeConfig) config = NULL;
  g_autofree char *xml = NULL;

  if (g_strcmp0 (response, "ok") != 0 || info == NULL)
    return;
  /* Same format and size as the original: libvirt copies the data. */
  config = vireo_volume_config_new (name, info->format ? info->format : "raw", info->capacity);
  xml = vireo_volume_config_to_xml (config);
  vireo_connection_create_volume_xml_async (self->connection, pool, xml, volume, NULL, on_volume_done,
                                            pending_new (self, g_strdup_printf (_("Could Not Clone “%s”"), volume)));
}

static void
on_resize_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (user_data);
  const char *pool = g_object_get_data (G_OBJECT (dialog), "vireo-pool");
  const char *volume = g_object_get_data (G_OBJECT (dialog), "vireo-volume");
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  guint64 bytes;

  if (g_strcmp0 (response, "ok") != 0)
    return;
  if (!vireo_parse_size (gtk_editable_get_text (entry), G_GUINT64_CONSTANT (1) << 30, &bytes) || bytes == 0)
    {
      show_error (self, _("Could Not Resize"),
                  _("The new size must be a size such as “30 GiB” or “512 MiB”."));
      return;
    }
  vireo_connection_resize_volume_async (self->connection, pool, volume, bytes, FALSE, NULL, on_volume_done,
                                        pending_new (self, g_strdup_printf (_("Could Not Resize “%s”"), volume)));
}

static void
on_wipe_response (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (user_data);
  const char *pool = g_object_get_data (G_OBJECT (dialog), "vireo-pool");
  const char *volume = g_object_get_data (G_OBJECT (dialog), "vireo-volume");

  if (g_strcmp0 (response, "ok") == 0)
    vireo_connection_wipe_volume_async (self->connection, pool, volume, NULL, on_volume_done,
                                        pending_new (self, g_strdup_printf (_("Could Not Wipe “%s”"), volume)));
}

static void delete_volume (VireoStoragePage *self, const char *pool, const char *volume, gboolean force);

static void
on_delete_volume_response (AdwMessageDialog *dialog,
                           const char       *response,
                           gpointer          user_data)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (user_data);

  if (g_strcmp0 (response, "ok") == 0)
    delete_volume (self, g_object_get_data (G_OBJECT (dialog), "vireo-pool"),
                   g_object_get_data (G_OBJECT (dialog), "vireo-volume"),
                   GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "vireo-force")));
}

typedef struct
{
  VireoStoragePage *self;
  char             *pool;
  char             *volume;
} DeleteData;

static void
on_volume_deleted (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DeleteData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_connection_delete_volume_finish (VIREO_CONNECTION (source), result, &error))
    {
      /* Someone started using it since the list was read: ask again, with
       * the machines named by libvirt's own answer. */
      if (g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_IN_USE))
        {
          g_autofree char *heading = g_strdup_printf (_("Delete “%s” Anyway?"), data->volume);
          AdwMessageDialog *dialog = ask (data->self, heading, error->message, _("_Delete Anyway"), TRUE, NULL, NULL);

          g_object_set_data_full (G_OBJECT (dialog), "vireo-pool", g_strdup (data->pool), g_free);
          g_object_set_data_full (G_OBJECT (dialog), "vireo-volume", g_strdup (data->volume), g_free);
          g_object_set_data (G_OBJECT (dialog), "vireo-force", GINT_TO_POINTER (TRUE));
          g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_volume_response), data->self, 0);
          gtk_window_present (GTK_WINDOW (dialog));
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *heading = g_strdup_printf (_("Could Not Delete “%s”"), data->volume);

          show_error (data->self, heading, error->message);
        }
    }
  queue_reload (data->self);
  g_object_unref (data->self);
  g_free (data->pool);
  g_free (data->volume);
  g_free (data);
}

static void
delete_volume (VireoStoragePage *self,
               const char       *pool,
               const char       *volume,
               gboolean          force)
{
  DeleteData *data = g_new0 (DeleteData, 1);

  data->self = g_object_ref (self);
  data->pool = g_strdup (pool);
  data->volume = g_strdup (volume);
  vireo_connection_delete_volume_async (self->connection, pool, volume, force, NULL, on_volume_deleted, data);
}

/* ---- transfers ---- */

static void
update_transfer (VireoStoragePage *self)
{
  VireoVolumeTransfer *transfer = self->transfer;
  guint64 done, total;
  g_autofree char *done_s = NULL;
  g_autofree char *total_s = NULL;
  g_autofree char *text = NULL;

  if (transfer == NULL)
    return;
  done = vireo_volume_transfer_get_bytes_done (transfer);
  total = vireo_volume_transfer_get_bytes_total (transfer);
  done_s = size_text (done);
  total_s = total ? size_text (total) : g_strdup ("…");
  /* Translators: "Uploading disk.qcow2: 1.2 GiB of 4.0 GiB" */
  text = g_strdup_printf (vireo_volume_transfer_get_direction (transfer) == VIREO_VOLUME_TRANSFER_UPLOAD
                            ? _("Uploading %s: %s of %s") : _("Downloading %s: %s of %s"),
                          vireo_volume_transfer_get_volume (transfer), done_s, total_s);
  gtk_label_set_text (self->transfer_label, text);
  gtk_progress_bar_set_fraction (self->transfer_progress, vireo_volume_transfer_get_fraction (transfer));
}

static void
on_transfer_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VireoStoragePage) self = user_data;
  VireoVolumeTransfer *transfer = VIREO_VOLUME_TRANSFER (source);
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!vireo_volume_transfer_run_finish (transfer, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *heading = g_strdup_printf (vireo_volume_transfer_get_direction (transfer) ==
                                                    VIREO_VOLUME_TRANSFER_UPLOAD
                                                    ? _("Could Not Upload to “%s”") : _("Could Not Download “%s”"),
                                                  vireo_volume_transfer_get_volume (transfer));

      show_error (self, heading, error->message);
    }
  else if (error == NULL && root != NULL)
    {
      GtkWidget *widget = GTK_WIDGET (root);

      /* The host window's toast overlay says it; no modal for success. */
      gtk_widget_activate_action (widget, "host.toast", "s",
                                  vireo_volume_transfer_get_direction (transfer) == VIREO_VOLUME_TRANSFER_UPLOAD
                                    ? _("Upload finished") : _("Download finished"));
    }
  if (self->transfer == transfer)
    {
      g_clear_object (&self->transfer);
      g_clear_object (&self->transfer_cancellable);
      gtk_revealer_set_reveal_child (self->transfer_revealer, FALSE);
    }
  queue_reload (self);
}

static void
start_transfer (VireoStoragePage             *self,
                VireoVolumeTransferDirection  direction,
                const char                   *pool,
                const char                   *volume,
                GFile                        *file)
{
  if (self->transfer != NULL)
    {
      show_error (self, _("A Transfer Is Running"), _("Wait for it to finish, or cancel it first."));
      return;
    }
  self->transfer = vireo_volume_transfer_new (self->connection, direction, pool, volume, file);
  self->transfer_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->transfer, "notify::bytes-done", G_CALLBACK (update_transfer), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->transfer, "notify::bytes-total", G_CALLBACK (update_transfer), self,
                           G_CONNECT_SWAPPED);
  update_transfer (self);
  gtk_revealer_set_reveal_child (self->transfer_revealer, TRUE);
  vireo_volume_transfer_run_async (self->transfer, self->transfer_cancellable, on_transfer_done,
                                   g_object_ref (self));
}

/**
 * vireo_storage_page_start_transfer:
 * @volume: a volume of the selected pool
 * @file: the local file to read (upload) or write (download)
 *
 * What Upload From File and Download To File do once a file is chosen.
 */
void
vireo_storage_page_start_transfer (VireoStoragePage             *self,
                                   VireoVolumeTransferDirection  direction,
                                   const char                   *volume,
                                   GFile                        *file)
{
  g_return_if_fail (VIREO_IS_STORAGE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  start_transfer (self, direction, self->selected, volume, file);
}

/**
 * vireo_storage_page_get_transfer:
 *
 * Returns: (transfer none) (nullable): the upload or download running
 */
VireoVolumeTransfer *
vireo_storage_page_get_transfer (VireoStoragePage *self)
{
  g_return_val_if_fail (VIREO_IS_STORAGE_PAGE (self), NULL);
  return self->transfer;
}

static void
on_file_chosen (GtkNativeDialog *chooser,
                int              response,
                gpointer         user_data)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (user_data);
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    start_transfer (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "vireo-direction")),
                    g_object_get_data (G_OBJECT (chooser), "vireo-pool"),
                    g_object_get_data (G_OBJECT (chooser), "vireo-volume"), file);
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_file (VireoStoragePage             *self,
             VireoVolumeTransferDirection  direction,
             const char                   *volume)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean upload = direction == VIREO_VOLUME_TRANSFER_UPLOAD;
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (upload ? _("Upload From File") : _("Download To File"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         upload ? GTK_FILE_CHOOSER_ACTION_OPEN : GTK_FILE_CHOOSER_ACTION_SAVE,
                                         upload ? _("_Upload") : _("_Download"), _("_Cancel"));
  if (!upload)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), volume);
  g_object_set_data (G_OBJECT (chooser), "vireo-direction", GINT_TO_POINTER (direction));
  g_object_set_data_full (G_OBJECT (chooser), "vireo-pool", g_strdup (self->selected), g_free);
  g_object_set_data_full (G_OBJECT (chooser), "vireo-volume", g_strdup (volume), g_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_file_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cancel_transfer_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (widget);

  g_cancellable_cancel (self->transfer_cancellable);
}

static void
volume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (widget);
  const char *volume = g_variant_get_string (parameter, NULL);
  VireoPoolInfo *pool = selected_pool (self);
  VireoVolumeInfo *info = find_volume (pool, volume);
  AdwMessageDialog *dialog = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *command = NULL;

  if (info == NULL)
    return;

  if (g_str_equal (action_name, "storage.volume-copy-path"))
    {
      if (info->path != NULL)
        {
          gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), info->path);
          gtk_widget_activate_action (widget, "host.toast", "s", _("Path copied"));
        }
      return;
    }
  if (g_str_equal (action_name, "storage.volume-upload"))
    {
      choose_file (self, VIREO_VOLUME_TRANSFER_UPLOAD, volume);
      return;
    }
  if (g_str_equal (action_name, "storage.volume-download"))
    {
      choose_file (self, VIREO_VOLUME_TRANSFER_DOWNLOAD, volume);
      return;
    }
  if (g_str_equal (action_name, "storage.volume-clone"))
    {
      GtkWidget *entry = gtk_entry_new ();
      g_autofree char *suggestion = NULL;
      const char *dot = strrchr (volume, '.');

      /* "disk.qcow2" -> "disk-clone.qcow2" */
      suggestion = dot ? g_strdup_printf ("%.*s-clone%s", (int) (dot - volume), volume, dot)
                       : g_strdup_printf ("%s-clone", volume);
      gtk_editable_set_text (GTK_EDITABLE (entry), suggestion);
      gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
      heading = g_strdup_printf (_("Clone “%s”"), volume);
      command = vireo_command_vol_clone (uri_of (self), self->selected, volume, suggestion);
      dialog = ask (self, heading, _("The copy is made in the same pool, with the same format and size."),
                    _("_Clone"), FALSE, entry, command);
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_clone_response), self, 0);
    }
  else if (g_str_equal (action_name, "storage.volume-resize"))
    {
      GtkWidget *entry = gtk_entry_new ();
      g_autofree char *current = size_text (info->capacity);
      g_autofree char *body = g_strdup_printf (_("Now %s. Volumes can only grow; the guest must still grow its "
                                                 "partition and file system."), current);

      gtk_editable_set_text (GTK_EDITABLE (entry), current);
      gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
      heading = g_strdup_printf (_("Resize “%s”"), volume);
      command = vireo_command_vol_resize (uri_of (self), self->selected, volume, info->capacity, FALSE);
      dialog = ask (self, heading, body, _("_Resize"), FALSE, entry, command);
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_resize_response), self, 0);
    }
  else if (g_str_equal (action_name, "storage.volume-wipe"))
    {
      heading = g_strdup_printf (_("Wipe “%s”?"), volume);
      command = vireo_command_vol_wipe (uri_of (self), self->selected, volume);
      dialog = ask (self, heading, _("Every byte of the volume is overwritten with zeros. This cannot be undone."),
                    _("_Wipe"), TRUE, NULL, command);
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_wipe_response), self, 0);
    }
  else if (g_str_equal (action_name, "storage.volume-delete"))
    {
      g_autoptr(GString) body = g_string_new (_("The volume and its data are removed. This cannot be undone."));
      gboolean used = info->used_by != NULL && info->used_by->len > 0;

      if (used)
        {
          g_string_append (body, "\n\n");
          g_string_append (body, ngettext ("This machine uses it and will lose the disk:",
                                           "These machines use it and will lose the disk:", info->used_by->len));
          for (guint i = 0; i < info->used_by->len; i++)
            g_string_append_printf (body, "\n• %s", (const char *) g_ptr_array_index (info->used_by, i));
        }
      heading = g_strdup_printf (_("Delete “%s”?"), volume);
      command = vireo_command_vol_delete (uri_of (self), self->selected, volume);
      dialog = ask (self, heading, body->str, used ? _("_Delete Anyway") : _("_Delete"), TRUE, NULL, command);
      g_object_set_data (G_OBJECT (dialog), "vireo-force", GINT_TO_POINTER (used));
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_volume_response), self, 0);
    }
  if (dialog != NULL)
    {
      g_object_set_data_full (G_OBJECT (dialog), "vireo-volume", g_strdup (volume), g_free);
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

/* ------------------------------------------------------------------------ */

static void
on_connection_state (VireoStoragePage *self)
{
  if (vireo_connection_get_state (self->connection) == VIREO_CONNECTION_STATE_CONNECTED)
    queue_reload (self);
  else
    update_details (self);
}

static void
vireo_storage_page_constructed (GObject *object)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (object);
  g_autofree char *list = NULL;

  G_OBJECT_CLASS (vireo_storage_page_parent_class)->constructed (object);

  g_signal_connect_object (self->connection, "pool-changed", G_CALLBACK (queue_reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::state", G_CALLBACK (on_connection_state), self,
                           G_CONNECT_SWAPPED);
  list = virsh_line (self, "pool-list --all --details", NULL);
  set_command (self->list_command_button, list);
}

/* A host with hundreds of machines makes the list a long read (each
 * machine's XML, for who uses what): only once someone looks. */
static void
vireo_storage_page_map (GtkWidget *widget)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (widget);

  GTK_WIDGET_CLASS (vireo_storage_page_parent_class)->map (widget);
  if (!self->wanted)
    {
      self->wanted = TRUE;
      vireo_storage_page_reload (self);
    }
}

static void
vireo_storage_page_dispose (GObject *object)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (object);

  vireo_reload_stop (&self->reload);
  g_cancellable_cancel (self->transfer_cancellable);
  g_clear_object (&self->transfer_cancellable);
  g_clear_object (&self->transfer);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  /* The connection outlives the page: no event may reach a disposed one. */
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_STORAGE_PAGE);
  /* The template's top box has no id, so dispose_template leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->pools, g_ptr_array_unref);
  g_clear_pointer (&self->caps, vireo_pool_caps_free);
  g_clear_pointer (&self->selected, g_free);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (vireo_storage_page_parent_class)->dispose (object);
}

static void
vireo_storage_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_storage_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VireoStoragePage *self = VIREO_STORAGE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_storage_page_class_init (VireoStoragePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *volume_actions[] = {
    "storage.volume-clone", "storage.volume-resize", "storage.volume-upload", "storage.volume-download",
    "storage.volume-copy-path", "storage.volume-wipe", "storage.volume-delete",
  };

  object_class->constructed = vireo_storage_page_constructed;
  object_class->dispose = vireo_storage_page_dispose;
  object_class->get_property = vireo_storage_page_get_property;
  object_class->set_property = vireo_storage_page_set_property;
  widget_class->map = vireo_storage_page_map;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, VIREO_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-storage-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VireoStoragePage, name)
  BIND (list_box);
  BIND (list_command_button);
  BIND (transfer_revealer);
  BIND (transfer_label);
  BIND (transfer_progress);
  BIND (details_stack);
  BIND (empty_page);
  BIND (pool_group);
  BIND (start_button);
  BIND (stop_button);
  BIND (command_button);
  BIND (type_label);
  BIND (state_label);
  BIND (autostart_row);
  BIND (autostart_switch);
  BIND (path_row);
  BIND (path_label);
  BIND (usage_row);
  BIND (usage_bar);
  BIND (usage_label);
  BIND (volumes_group);
  BIND (volumes_command_button);
  BIND (volumes_list);
#undef BIND

  gtk_widget_class_install_action (widget_class, "storage.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "storage.add-pool", NULL, add_pool_action);
  gtk_widget_class_install_action (widget_class, "storage.secrets", NULL, secrets_action);
  gtk_widget_class_install_action (widget_class, "storage.start", NULL, pool_action);
  gtk_widget_class_install_action (widget_class, "storage.stop", NULL, pool_action);
  gtk_widget_class_install_action (widget_class, "storage.refresh", NULL, pool_action);
  gtk_widget_class_install_action (widget_class, "storage.build", NULL, pool_action);
  gtk_widget_class_install_action (widget_class, "storage.delete", NULL, delete_pool_action);
  gtk_widget_class_install_action (widget_class, "storage.new-volume", NULL, new_volume_action);
  gtk_widget_class_install_action (widget_class, "storage.cancel-transfer", NULL, cancel_transfer_action);
  for (guint i = 0; i < G_N_ELEMENTS (volume_actions); i++)
    gtk_widget_class_install_action (widget_class, volume_actions[i], "s", volume_action);
}

static void
vireo_storage_page_init (VireoStoragePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->list_box, "row-selected", G_CALLBACK (on_row_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->autostart_switch, "notify::active", G_CALLBACK (on_autostart_changed), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
vireo_storage_page_new (VireoConnection *connection)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);
  return g_object_new (VIREO_TYPE_STORAGE_PAGE, "connection", connection, NULL);
}

gboolean
vireo_storage_page_select (VireoStoragePage *self,
                           const char       *pool)
{
  g_return_val_if_fail (VIREO_IS_STORAGE_PAGE (self), FALSE);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (child), "vireo-pool"), pool) == 0)
      {
        gtk_list_box_select_row (self->list_box, GTK_LIST_BOX_ROW (child));
        return TRUE;
      }
  return FALSE;
}

const char *
vireo_storage_page_get_selected (VireoStoragePage *self)
{
  g_return_val_if_fail (VIREO_IS_STORAGE_PAGE (self), NULL);
  return self->selected;
}

gboolean
vireo_storage_page_get_loading (VireoStoragePage *self)
{
  g_return_val_if_fail (VIREO_IS_STORAGE_PAGE (self), FALSE);
  return self->loading;
}
