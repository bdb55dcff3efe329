/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-vm-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-boot.h"
#include "vireo-command.h"
#include "vireo-cpu.h"
#include "vireo-domain-caps.h"
#include "vireo-disk.h"
#include "vireo-graphics.h"
#include "vireo-interface.h"
#include "vireo-firmware.h"
#include "vireo-format.h"
#include "vireo-live-change.h"
#include "vireo-lookup.h"
#include "vireo-memory.h"
#include "vireo-os-info.h"
#include "vireo-create-job.h"
#include "vireo-os-picker.h"
#include "vireo-port-forward-editor.h"
#include "vireo-secrets.h"
#include "vireo-machine-actions.h"
#include "vireo-vm-window.h"
#include "vireo-add-hardware-dialog.h"
#include "vireo-console-page.h"
#include "vireo-device-form.h"
#include "vireo-vm-performance.h"
#include "vireo-xml-editor.h"

/*
 * One window per machine, like virt-manager: Console | Details | Snapshots.
 * Details edits a copy of the persistent definition (read with secrets, so
 * nothing is lost on write-back); Apply defines it through the worker,
 * Revert throws the copy away. Every page edits the same copy, so moving
 * between pages keeps what was typed; closing with unapplied changes asks.
 * Field values that are not valid stay in their field, marked, and are not
 * written to the copy.
 */
struct _VireoVmWindow
{
  AdwWindow          parent_instance;

  /* Owned */
  VireoDomain       *domain;
  VireoDomainConfig *saved;     /* as libvirt has it */
  VireoDomainConfig *edit;      /* what Apply would define */
  VireoDomainConfig *live;      /* the running guest's, NULL when off */
  VireoDomainCaps   *caps;      /* what the host offers this machine; NULL until read, or where unsupported */
  GPtrArray         *probed_rows;  /* rows that can show "next boot"; Borrowed */
  GPtrArray         *live_changes; /* VireoLiveChange, for the Apply under way */
  GHashTable        *invalid_rows;  /* row -> its complaint; Apply waits while not empty */
  GHashTable        *console_passwords;  /* display type -> new password, "" = none; kept in the keyring on Apply */
  char              *saved_xml;
  char              *error;
  GCancellable      *cancellable;
  guint              rebuild_source;
  guint              busy : 1;
  guint              keep_edit : 1;  /* the next load refreshes only the saved side */
  guint              closing : 1;
  guint              restarting : 1;  /* Shut Down and Apply is under way */
  guint              restart_timeout;
  guint              reading_live;
  guint              caps_requested : 1;
  /* Autostart is no part of the definition: a libvirt call of its own,
   * made by Apply like everything else. -1: not known (yet). */
  gint               autostart_saved;
  gint               autostart_edit;
  GPtrArray         *networks;         /* VireoNetworkInfo of the host, NULL until read */
  GPtrArray         *host_interfaces;  /* VireoHostInterfaceInfo, NULL until read */
  GPtrArray         *pools;            /* VireoPoolInfo with their volumes, NULL until read */
  char              *passt_refusal;    /* libvirt's refusal of passt on this host, NULL if none (yet) */
  GPtrArray         *guest_addresses;  /* VireoGuestInterface of the running guest, NULL until read */
  VireoAddressSource addresses_source;
  char              *addresses_error;
  guint              switching_views : 1;
  VireoOsDb         *os_db;            /* NULL until loaded (shared, loaded once per process) */
  guint              os_refresh_source;
  guint              rebuild_deferred : 1;  /* a rebuild waits for fields being typed in to be valid */
  /* Customize configuration before install: the New VM wizard's job,
   * waiting for Begin Installation or Cancel Installation. */
  VireoCreateJob    *install_job;
  VireoVmBuilder    *install_builder;
  guint              beginning : 1;
  guint              abandoning : 1;
  guint              begin_after_apply : 1;

  /* Template widgets */
  AdwToastOverlay   *toast_overlay;
  AdwViewStack      *view_stack;
  AdwBin            *snapshots_bin;
  AdwViewSwitcherTitle *switcher_title;
  GtkWidget         *header_bar;
  gboolean           console_on_start; /* show the Console view once the machine runs */
  GtkRevealer       *error_revealer;
  GtkLabel          *error_label;
  GtkListBox        *page_list;
  GtkStack          *page_stack;
  GtkLabel          *pending_label;
  GtkWidget         *commands_button;
  VireoXmlEditor    *xml_editor;   /* the whole-domain XML page; Borrowed */
  GtkLabel          *commands_label;
  GtkWidget         *apply_button;
  GtkRevealer       *pending_revealer;
  GtkLabel          *pending_banner_label;
  GtkWidget         *restart_button;
  GtkCheckButton    *live_check;
  GtkRevealer       *install_revealer;
  GtkLabel          *install_label;
  VireoConsolePage  *console_page;
};

G_DEFINE_FINAL_TYPE (VireoVmWindow, vireo_vm_window, ADW_TYPE_WINDOW)

static void load (VireoVmWindow *self);
static void load_live (VireoVmWindow *self);
static void load_caps (VireoVmWindow *self);
static void load_autostart (VireoVmWindow *self);
static void load_host_lists (VireoVmWindow *self);
static gboolean rebuild_idle (gpointer data);
static GtkWidget *page_row (GtkWidget *row, const char *name);
static void start_shutdown (VireoVmWindow *self);

static GQuark
window_quark (void)
{
  return g_quark_from_static_string ("vireo-vm-window");
}

/* ------------------------------------------------------------------------ */
/* State                                                                     */

static void
set_error (VireoVmWindow *self,
           const char    *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  /* Whatever failed, Begin Installation must not follow it unseen. */
  if (message != NULL)
    self->begin_after_apply = FALSE;
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static gboolean
autostart_changed (VireoVmWindow *self)
{
  return self->autostart_saved >= 0 && self->autostart_edit >= 0 && self->autostart_saved != self->autostart_edit;
}

gboolean
vireo_vm_window_get_modified (VireoVmWindow *self)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), FALSE);
  if (self->edit == NULL || self->saved_xml == NULL)
    return FALSE;
  if (self->xml_editor != NULL && vireo_xml_editor_get_modified (self->xml_editor))
    return TRUE;
  if (autostart_changed (self))
    return TRUE;
  now = vireo_domain_config_to_xml (self->edit);
  return g_strcmp0 (now, self->saved_xml) != 0;
}

/* Apply changes the running guest too: it runs and the user has not
 * asked for the definition alone. */
static gboolean
applies_live (VireoVmWindow *self)
{
  return vireo_domain_get_active (self->domain) && gtk_check_button_get_active (self->live_check);
}

/**
 * vireo_vm_window_dup_commands:
 *
 * Returns: (transfer full): what Apply would do, as virsh lines
 */
GStrv
vireo_vm_window_dup_commands (VireoVmWindow *self)
{
  VireoConnection *conn;

  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), NULL);
  if (self->saved == NULL || self->edit == NULL)
    return g_new0 (char *, 1);
  conn = vireo_domain_get_connection (self->domain);
  {
    const char *uri = conn != NULL ? vireo_connection_get_uri (conn) : NULL;
    g_auto(GStrv) config_lines = vireo_command_for_config_changes (uri, self->saved, self->edit);
    g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();

    g_strv_builder_addv (lines, (const char **) config_lines);
    if (autostart_changed (self))
      {
        g_autofree char *name = vireo_command_quote (vireo_domain_config_get_name (self->edit));
        g_autofree char *quoted_uri = uri != NULL ? vireo_command_quote (uri) : NULL;
        g_autofree char *line = g_strdup_printf ("virsh%s%s autostart%s %s", uri != NULL ? " -c " : "",
                                                 uri != NULL ? quoted_uri : "",
                                                 self->autostart_edit ? "" : " --disable", name);

        g_strv_builder_add (lines, line);
      }
    if (applies_live (self))
      {
        g_autoptr(GPtrArray) changes = vireo_live_changes_between (self->saved, self->edit);

        for (guint i = 0; i < changes->len; i++)
          {
            g_autofree char *line = vireo_live_change_to_command (changes->pdata[i], uri,
                                                                  vireo_domain_config_get_name (self->edit));
            g_strv_builder_add (lines, line);
          }
      }
    return g_strv_builder_end (lines);
  }
}

static void
copy_commands_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  VireoVmWindow *self = VIREO_VM_WINDOW (widget);
  g_auto(GStrv) lines = vireo_vm_window_dup_commands (self);
  g_autofree char *text = g_strjoinv ("\n", lines);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Copied")));
}

static void
update_install_banner (VireoVmWindow *self,
                       gboolean       invalid)
{
  gboolean customizing = self->install_job != NULL;
  gboolean running = vireo_domain_get_active (self->domain);
  gboolean working = self->beginning || self->abandoning || self->busy || self->restarting;

  gtk_revealer_set_reveal_child (self->install_revealer, customizing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "details.begin-install",
                                 customizing && !working && !invalid && !running && self->edit != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "details.cancel-install", customizing && !working);
  if (!customizing)
    return;
  if (self->beginning)
    gtk_label_set_text (self->install_label, _("Starting the installation…"));
  else if (self->abandoning)
    gtk_label_set_text (self->install_label, _("Deleting the machine and its new storage…"));
  else if (running)
    gtk_label_set_text (self->install_label,
                        _("Not installed yet, but running: shut it down to begin its installation."));
  else if (vireo_vm_builder_get_has_install_phase (self->install_builder))
    gtk_label_set_text (self->install_label,
                        _("Not installed yet. Change anything in Details; Begin Installation applies it and "
                          "boots the install media."));
  else
    gtk_label_set_text (self->install_label,
                        _("Not started yet. Change anything in Details; Begin Installation applies it and "
                          "starts the machine."));
}

static void
update_actions (VireoVmWindow *self)
{
  gboolean modified = vireo_vm_window_get_modified (self);
  const char *invalid = NULL;
  GHashTableIter iter;
  gpointer row, message;

  g_hash_table_iter_init (&iter, self->invalid_rows);
  if (g_hash_table_iter_next (&iter, &row, &message))
    invalid = message;

  gtk_widget_set_sensitive (self->commands_button, modified);
  if (modified)
    {
      g_auto(GStrv) lines = vireo_vm_window_dup_commands (self);
      g_autofree char *text = g_strjoinv ("\n", lines);

      gtk_label_set_text (self->commands_label, text);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "details.apply",
                                 modified && invalid == NULL && !self->busy && !self->restarting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "details.revert", modified && !self->busy && !self->restarting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "details.restart-apply",
                                 vireo_domain_get_active (self->domain) && !self->busy && !self->restarting);
  gtk_widget_set_visible (GTK_WIDGET (self->live_check), modified && vireo_domain_get_active (self->domain));
  if (invalid != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->pending_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->pending_label), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pending_label), invalid);
  if (invalid != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s: %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                               (const char *) invalid);
      gtk_label_set_text (self->pending_label, text);
    }
  else if (self->restarting)
    gtk_label_set_text (self->pending_label, _("Waiting for the guest to shut down…"));
  else if (self->busy)
    gtk_label_set_text (self->pending_label, _("Applying…"));
  else if (modified)
    gtk_label_set_text (self->pending_label, _("Unapplied changes"));
  else
    gtk_label_set_text (self->pending_label, "");

  update_install_banner (self, invalid != NULL);
}

/* ------------------------------------------------------------------------ */
/* Rows                                                                      */

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
new_page (void)
{
  return adw_preferences_page_new ();
}

static GtkWidget *
add_group (GtkWidget  *page,
           const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  return group;
}

static GtkWidget *
add_info_row (GtkWidget  *group,
              const char *title,
              const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value != NULL ? value : "—");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  g_object_set_data (G_OBJECT (row), "vireo-label", label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

typedef void (*TextSetter) (VireoVmWindow *self,
                            GtkWidget     *row,
                            const char    *text);

static void
on_entry_changed (GtkEditable   *row,
                  VireoVmWindow *self)
{
  TextSetter setter = g_object_get_data (G_OBJECT (row), "vireo-setter");

  setter (self, GTK_WIDGET (row), gtk_editable_get_text (row));
}

static GtkWidget *
add_entry_row (VireoVmWindow *self,
               GtkWidget     *group,
               const char    *name,
               const char    *title,
               const char    *value,
               TextSetter     setter)
{
  GtkWidget *row = adw_entry_row_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  g_object_set_data (G_OBJECT (row), "vireo-setter", setter);
  g_signal_connect_object (row, "changed", G_CALLBACK (on_entry_changed), self, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static gboolean showing_device_xml (GtkWidget *outer);
static char *probe_field (VireoDomainConfig *config, VireoDevice *device, gconstpointer data);
static void on_edit_changed (VireoVmWindow *self);

/* For news from the host (capabilities, pools) rather than from the
 * user: a rebuild would drop the text of fields not yet valid, which are
 * not in the copy, and text in an XML view not yet handed over, so it
 * waits until there is none. Leaving an XML view rebuilds anyway. */
static void
queue_background_rebuild (VireoVmWindow *self)
{
  GtkWidget *visible = gtk_stack_get_visible_child (self->page_stack);

  if (g_hash_table_size (self->invalid_rows) != 0
      || g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "xml") == 0
      || (visible != NULL && showing_device_xml (visible)))
    {
      self->rebuild_deferred = TRUE;
      return;
    }
  self->rebuild_deferred = FALSE;
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
}

/* A field's own complaint, in its own words: under its title where the
 * row has room, and in the action bar, where Apply waits until every
 * field is right (applying around a wrong value would look like applying
 * it). */
static void
mark_row (GtkWidget  *row,
          const char *message)
{
  GtkRoot *root = gtk_widget_get_root (row);
  VireoVmWindow *self = VIREO_IS_VM_WINDOW (root) ? VIREO_VM_WINDOW (root) : NULL;

  if (ADW_IS_ACTION_ROW (row))
    {
      if (g_object_get_data (G_OBJECT (row), "vireo-subtitle") == NULL)
        g_object_set_data_full (G_OBJECT (row), "vireo-subtitle",
                                g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) ?: ""), g_free);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   message != NULL ? message : g_object_get_data (G_OBJECT (row), "vireo-subtitle"));
    }
  if (message != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_widget_set_tooltip_text (row, message);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_widget_set_tooltip_text (row, NULL);
    }
  g_object_set_data_full (G_OBJECT (row), "vireo-error", g_strdup (message), g_free);
  if (self != NULL)
    {
      if (message != NULL)
        g_hash_table_replace (self->invalid_rows, row, g_strdup (message));
      else
        g_hash_table_remove (self->invalid_rows, row);
      if (self->rebuild_deferred && g_hash_table_size (self->invalid_rows) == 0)
        queue_background_rebuild (self);
      update_actions (self);
    }
}

/* ------------------------------------------------------------------------ */
/* Next boot                                                                 */

/* What a row shows, read from any version of the machine, so the saved
 * definition and the running guest can be compared field by field. */
typedef char *(*Probe) (VireoDomainConfig *config,
                        VireoDevice       *device,   /* @config's own; NULL for machine fields */
                        gconstpointer      data);

static GtkWidget *
probe (VireoVmWindow *self,
       GtkWidget     *row,
       Probe          fn,
       gconstpointer  data)
{
  g_object_set_data (G_OBJECT (row), "vireo-probe", fn);
  g_object_set_data (G_OBJECT (row), "vireo-probe-data", (gpointer) data);
  g_ptr_array_add (self->probed_rows, row);
  return row;
}

/* Device pages look their device up by position in the copy: the copy
 * outlives the widgets, which are rebuilt on every reload. */
static VireoDevice *
row_device (VireoVmWindow *self,
            GtkWidget     *row)
{
  return g_object_get_data (G_OBJECT (row), "vireo-device");
}

static GtkWidget *
tag (GtkWidget   *row,
     VireoDevice *device)
{
  g_object_set_data (G_OBJECT (row), "vireo-device", device);
  return row;
}

static void
remove_suffix (GtkWidget *row,
               GtkWidget *child)
{
  if (ADW_IS_ENTRY_ROW (row))
    adw_entry_row_remove (ADW_ENTRY_ROW (row), child);
  else
    adw_action_row_remove (ADW_ACTION_ROW (row), child);
}

static void
set_badge (GtkWidget  *row,
           gboolean    show,
           const char *running,
           const char *saved)
{
  GtkWidget *badge = g_object_get_data (G_OBJECT (row), "vireo-badge");
  g_autofree char *tooltip = NULL;

  if (badge != NULL)
    {
      remove_suffix (row, badge);
      g_object_set_data (G_OBJECT (row), "vireo-badge", NULL);
    }
  if (!show)
    return;

  badge = gtk_label_new (_("Next boot"));
  gtk_widget_set_name (badge, "pending-badge");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "vireo-pending-badge");
  /* Translators: a setting whose saved value differs from the running guest's */
  tooltip = g_strdup_printf (_("Running now: %s\nSaved, from the next boot: %s"),
                             running != NULL && *running != '\0' ? running : _("(none)"),
                             saved != NULL && *saved != '\0' ? saved : _("(none)"));
  gtk_widget_set_tooltip_text (badge, tooltip);
  if (ADW_IS_ENTRY_ROW (row))
    adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), badge);
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
  g_object_set_data (G_OBJECT (row), "vireo-badge", badge);
}

/* The stack child (a whole Details page) that holds @widget. */
static GtkWidget *
stack_page_of (VireoVmWindow *self,
               GtkWidget     *widget)
{
  while (widget != NULL && gtk_widget_get_parent (widget) != GTK_WIDGET (self->page_stack))
    widget = gtk_widget_get_parent (widget);
  return widget;
}

static GtkWidget *
page_of_device (VireoVmWindow *self,
                VireoDevice   *device)
{
  for (GtkWidget *page = gtk_widget_get_first_child (GTK_WIDGET (self->page_stack));
       page != NULL; page = gtk_widget_get_next_sibling (page))
    if (g_object_get_data (G_OBJECT (page), "vireo-device") == device)
      return page;
  return NULL;
}

/* Per field, what the running guest has that the definition no longer
 * says (cockpit-machines shows such badges; virt-manager does not): the
 * values are read back from libvirt, so a badge never claims more than
 * is true. */
static void
update_pending (VireoVmWindow *self)
{
  g_autoptr(GHashTable) pages = g_hash_table_new (NULL, NULL);
  g_autoptr(GString) devices_text = g_string_new (NULL);
  guint fields = 0;
  gboolean compare = self->live != NULL && self->saved != NULL;

  for (guint i = 0; i < self->probed_rows->len; i++)
    {
      GtkWidget *row = self->probed_rows->pdata[i];
      Probe fn = g_object_get_data (G_OBJECT (row), "vireo-probe");
      gconstpointer data = g_object_get_data (G_OBJECT (row), "vireo-probe-data");
      VireoDevice *device = g_object_get_data (G_OBJECT (row), "vireo-device");
      g_autofree char *saved_value = NULL;
      g_autofree char *live_value = NULL;
      gboolean differs = FALSE;

      /* A hidden row is a field that does not apply to this device as
       * it stands (a pty's path, which QEMU makes up at each start, on a
       * serial port's page): not a setting of the guest. */
      if (compare && gtk_widget_get_visible (row) && (device == NULL || vireo_device_get_attached (device)))
        {
          VireoDevice *in_saved = device != NULL ? vireo_domain_config_find_device_like (self->saved, device) : NULL;
          VireoDevice *in_live = device != NULL ? vireo_domain_config_find_device_like (self->live, device) : NULL;

          if (device == NULL || (in_saved != NULL && in_live != NULL))
            {
              saved_value = fn (self->saved, in_saved, data);
              live_value = fn (self->live, in_live, data);
              differs = g_strcmp0 (saved_value, live_value) != 0;
              if (fn == probe_field && (((const VireoDeviceField *) data)->flags & VIREO_FIELD_FILLED_AT_START)
                  && (saved_value == NULL || *saved_value == '\0'))
                differs = FALSE;
            }
        }
      set_badge (row, differs, live_value, saved_value);
      if (differs)
        {
          fields++;
          g_hash_table_add (pages, stack_page_of (self, row));
        }
    }

  /* Whole devices: plugged in only at the next boot, or still plugged in
   * until then. */
  if (compare)
    {
      g_autoptr(GListModel) saved_devices = vireo_domain_config_list_devices (self->saved);
      g_autoptr(GListModel) live_devices = vireo_domain_config_list_devices (self->live);

      for (guint i = 0; i < g_list_model_get_n_items (saved_devices); i++)
        {
          g_autoptr(VireoDevice) d = g_list_model_get_item (saved_devices, i);

          if (vireo_domain_config_find_device_like (self->live, d) == NULL)
            {
              g_autofree char *title = vireo_device_dup_title (d);
              VireoDevice *in_edit = self->edit != NULL ? vireo_domain_config_find_device_like (self->edit, d) : NULL;
              GtkWidget *page = in_edit != NULL ? page_of_device (self, in_edit) : NULL;

              if (page != NULL)
                g_hash_table_add (pages, page);
              g_string_append_c (devices_text, ' ');
              /* Translators: %s is a device, e.g. "Disk vdb" */
              g_string_append_printf (devices_text, _("%s is plugged in at the next boot."), title);
            }
        }
      for (guint i = 0; i < g_list_model_get_n_items (live_devices); i++)
        {
          g_autoptr(VireoDevice) d = g_list_model_get_item (live_devices, i);

          if (vireo_domain_config_find_device_like (self->saved, d) == NULL)
            {
              g_autofree char *title = vireo_device_dup_title (d);

              g_string_append_c (devices_text, ' ');
              /* Translators: %s is a device, e.g. "Disk vdb" */
              g_string_append_printf (devices_text, _("%s stays plugged in until the guest shuts down."), title);
            }
        }
    }

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->page_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *dot = g_object_get_data (G_OBJECT (row), "vireo-dot");
      const char *name = g_object_get_data (G_OBJECT (row), "vireo-page");
      GtkWidget *page = name != NULL ? gtk_stack_get_child_by_name (self->page_stack, name) : NULL;

      if (dot != NULL)
        gtk_widget_set_visible (dot, page != NULL && g_hash_table_contains (pages, page));
    }

  /* A machine on its install run differs from its saved definition on
   * purpose (media first, on_reboot destroy): that is news about the
   * install, not changes waiting to be applied. */
  gtk_widget_set_visible (GTK_WIDGET (self->restart_button), TRUE);
  if (self->domain != NULL && vireo_domain_get_active (self->domain) &&
      vireo_domain_get_watching_install (self->domain))
    {
      gtk_label_set_text (self->pending_banner_label,
                          _("Installing: this run boots the install media. When the guest restarts at the end of "
                            "the install, Vireo starts it again from its disk with the saved configuration."));
      gtk_widget_set_visible (GTK_WIDGET (self->restart_button), FALSE);
      gtk_revealer_set_reveal_child (self->pending_revealer, TRUE);
    }
  else if (fields > 0 || devices_text->len > 0)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      if (fields > 0)
        g_string_append_printf (text,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "%u setting of the running guest differs from the saved configuration "
                                             "and changes at the next boot (marked “Next boot”).",
                                             "%u settings of the running guest differ from the saved configuration "
                                             "and change at the next boot (marked “Next boot”).", fields),
                                fields);
      g_string_append (text, devices_text->str);
      gtk_label_set_text (self->pending_banner_label, g_strstrip (text->str));
      gtk_revealer_set_reveal_child (self->pending_revealer, TRUE);
    }
  else
    gtk_revealer_set_reveal_child (self->pending_revealer, FALSE);
}

guint
vireo_vm_window_count_pending (VireoVmWindow *self)
{
  guint n = 0;

  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), 0);
  for (guint i = 0; i < self->probed_rows->len; i++)
    if (g_object_get_data (G_OBJECT (self->probed_rows->pdata[i]), "vireo-badge") != NULL)
      n++;
  return n;
}

/**
 * vireo_vm_window_get_pending_text:
 *
 * Returns: (transfer none): what the "next boot" banner says, or ""
 */
const char *
vireo_vm_window_get_pending_text (VireoVmWindow *self)
{
  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), NULL);
  return gtk_revealer_get_reveal_child (self->pending_revealer) ? gtk_label_get_text (self->pending_banner_label) : "";
}

static char *
yes_no (gboolean value)
{
  return g_strdup (value ? _("On") : _("Off"));
}

static char *
probe_title (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return g_strdup (vireo_domain_config_get_title (config));
}

static char *
probe_description (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return g_strdup (vireo_domain_config_get_description (config));
}

static char *
probe_vcpus (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return g_strdup_printf ("%u", vireo_domain_config_get_vcpus (config));
}

static char *
probe_vcpus_max (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return g_strdup_printf ("%u", vireo_domain_config_get_vcpus_max (config));
}

static char *
probe_memory_max (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT " MiB", vireo_domain_config_get_memory_kib (config) / 1024);
}

static char *
probe_memory_current (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT " MiB", vireo_domain_config_get_current_memory_kib (config) / 1024);
}

static char *
probe_disk_path (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  g_autofree char *pool = vireo_disk_dup_source_pool (VIREO_DISK (device));
  g_autofree char *volume = NULL;

  if (pool == NULL)
    return vireo_disk_dup_source_path (VIREO_DISK (device));
  /* A running guest's live XML names the volume and its path both. */
  volume = vireo_disk_dup_source_volume (VIREO_DISK (device));
  return g_strdup_printf ("%s/%s", pool, volume != NULL ? volume : "");
}

static char *
probe_disk_bus (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return vireo_disk_dup_bus (VIREO_DISK (device));
}

static char *
probe_disk_device (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return vireo_disk_dup_device (VIREO_DISK (device));
}

static char *
probe_disk_io (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return vireo_disk_dup_io (VIREO_DISK (device));
}

static char *
probe_disk_discard (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return vireo_disk_dup_discard (VIREO_DISK (device));
}

static char *
probe_disk_serial (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return vireo_disk_dup_serial (VIREO_DISK (device));
}

static char *
probe_disk_removable (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return yes_no (vireo_disk_get_removable (VIREO_DISK (device)));
}

static char *
probe_disk_cache (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return vireo_disk_dup_cache (VIREO_DISK (device));
}

static char *
probe_disk_readonly (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return yes_no (vireo_disk_get_readonly (VIREO_DISK (device)));
}

static char *
probe_disk_shareable (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return yes_no (vireo_disk_get_shareable (VIREO_DISK (device)));
}

static char *
probe_nic_source (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return vireo_interface_dup_source (VIREO_INTERFACE (device));
}

static char *
probe_nic_model (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return vireo_interface_dup_model (VIREO_INTERFACE (device));
}

static char *
probe_nic_link (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return yes_no (vireo_interface_get_link_up (VIREO_INTERFACE (device)));
}

typedef void (*SpinSetter) (VireoVmWindow *self,
                            GtkWidget     *row,
                            double         value);

static void
on_spin_changed (GtkSpinButton *spin,
                 VireoVmWindow *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (spin), "vireo-row");
  SpinSetter setter = g_object_get_data (G_OBJECT (row), "vireo-setter");

  setter (self, row, gtk_spin_button_get_value (spin));
}

static GtkWidget *
add_spin_row (VireoVmWindow *self,
              GtkWidget     *group,
              const char    *name,
              const char    *title,
              double         value,
              double         lower,
              double         upper,
              SpinSetter     setter)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, 1);

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (spin), "vireo-row", row);
  g_object_set_data (G_OBJECT (row), "vireo-setter", setter);
  g_object_set_data (G_OBJECT (row), "vireo-spin", spin);
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (on_spin_changed), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

typedef void (*SwitchSetter) (VireoVmWindow *self,
                              GtkWidget     *row,
                              gboolean       active);

static void
on_switch_changed (GtkSwitch     *sw,
                   GParamSpec    *pspec,
                   VireoVmWindow *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (sw), "vireo-row");
  SwitchSetter setter = g_object_get_data (G_OBJECT (row), "vireo-setter");

  setter (self, row, gtk_switch_get_active (sw));
}

static GtkWidget *
add_switch_row (VireoVmWindow *self,
                GtkWidget     *group,
                const char    *name,
                const char    *title,
                const char    *subtitle,
                gboolean       active,
                SwitchSetter   setter)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_switch_set_active (GTK_SWITCH (sw), active);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (sw), "vireo-row", row);
  g_object_set_data (G_OBJECT (row), "vireo-setter", setter);
  g_object_set_data (G_OBJECT (row), "vireo-switch", sw);
  g_signal_connect_object (sw, "notify::active", G_CALLBACK (on_switch_changed), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

/* A choice among libvirt's own values; the first, NULL, is "libvirt's
 * default" (the attribute left out). A value the list does not know is
 * shown as itself so that it is not lost by looking at it. */
typedef void (*ChoiceSetter) (VireoVmWindow *self,
                              GtkWidget     *row,
                              const char    *value);

static void
on_choice_changed (AdwComboRow   *row,
                   GParamSpec    *pspec,
                   VireoVmWindow *self)
{
  ChoiceSetter setter = g_object_get_data (G_OBJECT (row), "vireo-setter");
  GStrv values = g_object_get_data (G_OBJECT (row), "vireo-values");
  guint selected = adw_combo_row_get_selected (row);

  if (selected == GTK_INVALID_LIST_POSITION)
    return;
  setter (self, GTK_WIDGET (row), *values[selected] != '\0' ? values[selected] : NULL);
}

static GtkWidget *
add_choice_row (VireoVmWindow      *self,
                GtkWidget          *group,
                const char         *name,
                const char         *title,
                const char * const *choices,   /* value, label, value, label, …; "" = default */
                const char         *current,
                ChoiceSetter        setter)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  guint selected = 0, n = 0;
  gboolean found = FALSE;

  for (guint i = 0; choices[i] != NULL; i += 2, n++)
    {
      gtk_string_list_append (labels, choices[i + 1]);
      g_strv_builder_add (values, choices[i]);
      if (g_strcmp0 (choices[i], current != NULL ? current : "") == 0)
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

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_object_set_data_full (G_OBJECT (row), "vireo-values", g_strv_builder_end (values), (GDestroyNotify) g_strfreev);
  g_object_set_data (G_OBJECT (row), "vireo-setter", setter);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_choice_changed), self, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

/* ------------------------------------------------------------------------ */
/* Pages                                                                     */

/* libvirt's rules for a name, and this host's: said on the field, before
 * anything is sent. */
static char *
dup_name_problem (VireoVmWindow *self,
                  const char    *name)
{
  VireoConnection *conn = vireo_domain_get_connection (self->domain);
  g_autofree char *stripped = g_strstrip (g_strdup (name));

  if (*stripped == '\0')
    return g_strdup (_("The machine needs a name."));
  if (strchr (name, '/') != NULL)
    return g_strdup (_("A name cannot contain “/”."));
  if (!g_utf8_validate (name, -1, NULL))
    return g_strdup (_("The name is not valid text."));
  if (conn != NULL && g_strcmp0 (name, vireo_domain_get_name (self->domain)) != 0)
    {
      g_autoptr(GListModel) domains = vireo_connection_list_domains (conn);

      for (guint i = 0; i < g_list_model_get_n_items (domains); i++)
        {
          g_autoptr(VireoDomain) other = g_list_model_get_item (domains, i);

          if (other != self->domain && g_strcmp0 (vireo_domain_get_name (other), name) == 0)
            return g_strdup_printf (_("Another machine on this host is called “%s”."), name);
        }
    }
  return NULL;
}

static void
set_name_text (VireoVmWindow *self, GtkWidget *row, const char *text)
{
  g_autofree char *problem = dup_name_problem (self, text);

  mark_row (row, problem);
  if (problem == NULL)
    vireo_domain_config_set_name (self->edit, text);
}

static void
set_title_text (VireoVmWindow *self, GtkWidget *row, const char *text)
{
  vireo_domain_config_set_title (self->edit, text);
}

static void
set_description_text (VireoVmWindow *self, GtkWidget *row, const char *text)
{
  vireo_domain_config_set_description (self->edit, text);
}

/* The machine type names the chipset only by convention: "q35" and
 * "pc-q35-7.2" are Q35, "pc" and "pc-i440fx-7.2" the older i440FX. */
static const char *
chipset_label (const char *machine)
{
  if (machine == NULL)
    return NULL;
  if (strstr (machine, "q35") != NULL)
    return _("Q35 (PCI Express)");
  if (g_str_equal (machine, "pc") || strstr (machine, "i440fx") != NULL)
    return _("i440FX (PCI)");
  return machine;
}

static const char *
firmware_label (const VireoFirmwareInfo *info)
{
  if (info->firmware == NULL)
    return NULL;
  if (!g_str_equal (info->firmware, "efi"))
    return "BIOS";
  return info->secure_boot ? _("UEFI with Secure Boot") : "UEFI";
}

static char *
probe_firmware (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  g_autoptr(VireoFirmwareInfo) info = vireo_firmware_get_info (config);

  return g_strdup (firmware_label (info));
}

static void
switch_firmware (VireoVmWindow *self,
                 GtkWidget     *row,
                 const char    *firmware,
                 gboolean       secure_boot)
{
  g_autoptr(GError) error = NULL;

  if (!vireo_firmware_set (self->edit, self->caps, firmware, secure_boot, &error))
    {
      mark_row (row, error->message);
      return;
    }
  mark_row (row, NULL);
  /* Secure Boot, the TPM offer and the NVRAM note follow the choice. */
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
}

static void
set_firmware (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  g_autoptr(VireoFirmwareInfo) info = vireo_firmware_get_info (self->edit);

  if (value == NULL || g_strcmp0 (value, info->firmware) == 0)
    return;
  /* UEFI starts with Secure Boot, what current guests expect, where the
   * machine can have it (Q35 with SMM); without, on older chipsets. */
  switch_firmware (self, row, value,
                   g_str_equal (value, "efi") && vireo_firmware_check (self->edit, self->caps, "efi", TRUE, NULL));
}

static void
set_secure_boot (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  g_autoptr(VireoFirmwareInfo) info = vireo_firmware_get_info (self->edit);

  if (info->secure_boot != active)
    switch_firmware (self, row, "efi", active);
}

static void
on_add_tpm_clicked (GtkButton     *button,
                    VireoVmWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (vireo_domain_config_add_device (self->edit, vireo_firmware_get_tpm_template (), &error) == NULL)
    {
      set_error (self, error->message);
      return;
    }
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
}

/* BIOS, UEFI and Secure Boot on a machine that exists already, which
 * virt-manager refuses: through libvirt's firmware auto-selection (see
 * vireo-firmware.c for what libvirt 9.0 accepts). */
static void
build_firmware (VireoVmWindow *self,
                GtkWidget     *page)
{
  static const char * const choices[] = { "bios", "BIOS", "efi", "UEFI", NULL };
  g_autoptr(VireoFirmwareInfo) info = vireo_firmware_get_info (self->edit);
  g_autoptr(VireoFirmwareInfo) saved = self->saved != NULL ? vireo_firmware_get_info (self->saved) : NULL;
  GtkWidget *group = add_group (page, _("Firmware"));
  GtkWidget *row;

  if (info->firmware == NULL)
    {
      add_info_row (group, _("Firmware"), _("None (this guest boots no firmware)"));
      return;
    }
  row = probe (self, add_choice_row (self, group, "firmware", _("Firmware"), choices, info->firmware, set_firmware),
               probe_firmware, NULL);
  if (info->loader != NULL && !info->autoselect)
    {
      g_autofree char *subtitle = g_strdup_printf (_("Uses %s; a new choice lets libvirt pick the firmware"),
                                                   info->loader);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("UEFI is what current systems and Windows 11 expect"));

  if (g_str_equal (info->firmware, "efi"))
    {
      row = add_switch_row (self, group, "secure-boot", _("Secure Boot"),
                            info->secure_boot_auto ? _("Left to libvirt: whichever firmware it finds first")
                                                   : _("Boots only signed systems; Windows 11 requires it"),
                            info->secure_boot, set_secure_boot);
      if (self->caps != NULL && !vireo_domain_caps_supports_secure_boot (self->caps))
        {
          gtk_widget_set_sensitive (row, info->secure_boot);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("This host has no Secure Boot firmware"));
        }
    }

  if (vireo_firmware_suggest_tpm (self->edit))
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("Add _TPM"));

      row = adw_action_row_new ();
      gtk_widget_set_name (row, "tpm-offer");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No TPM"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Windows 11 and measured boot expect a TPM 2.0 next to Secure Boot"));
      gtk_widget_set_name (button, "add-tpm");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_add_tpm_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  if (saved != NULL && vireo_firmware_info_needs_nvram_reset (saved, info))
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("The firmware’s stored settings (NVRAM) are made afresh at the next "
                                             "start, so the new firmware starts from its own defaults."));
}

static GtkWidget *
build_overview (VireoVmWindow *self)
{
  GtkWidget *page = new_page ();
  GtkWidget *group = add_group (page, _("Machine"));
  g_autofree char *arch = vireo_domain_config_dup_arch (self->edit);
  g_autofree char *machine = vireo_domain_config_dup_machine (self->edit);
  g_autofree char *emulator = vireo_domain_config_dup_emulator (self->edit);
  const char *type = vireo_domain_config_get_domain_type (self->edit);

  if (vireo_domain_get_active (self->domain))
    {
      GtkWidget *row = add_info_row (group, _("Name"), vireo_domain_config_get_name (self->edit));

      gtk_widget_set_name (row, "name");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Shut the machine down to rename it"));
    }
  else
    add_entry_row (self, group, "name", _("Name"), vireo_domain_config_get_name (self->edit), set_name_text);
  probe (self, add_entry_row (self, group, "title", _("Title"), vireo_domain_config_get_title (self->edit),
                              set_title_text), probe_title, NULL);
  probe (self, add_entry_row (self, group, "description", _("Description"),
                              vireo_domain_config_get_description (self->edit), set_description_text),
         probe_description, NULL);
  add_info_row (group, _("UUID"), vireo_domain_config_get_uuid (self->edit));
  add_info_row (group, _("State"), vireo_domain_state_to_string (vireo_domain_get_state (self->domain)));

  group = add_group (page, _("Hypervisor"));
  add_info_row (group, _("Hypervisor"),
                g_strcmp0 (type, "kvm") == 0 ? "KVM" : g_strcmp0 (type, "qemu") == 0 ? _("QEMU (software emulation, TCG)") : type);
  add_info_row (group, _("Architecture"), arch);
  add_info_row (group, _("Machine type"), machine);
  add_info_row (group, _("Chipset"), chipset_label (machine));
  add_info_row (group, _("Emulator"), emulator);
  build_firmware (self, page);
  return page;
}

static void check_topology (VireoVmWindow *self, GtkWidget *page);

static guint
spin_value (GtkWidget *row)
{
  return (guint) gtk_spin_button_get_value (g_object_get_data (G_OBJECT (row), "vireo-spin"));
}

/* vCPUs: both fields go together, since the current count may not pass
 * the maximum; a wrong pair stays on screen and out of the copy. */
static void
apply_vcpus (VireoVmWindow *self,
             GtkWidget     *page)
{
  GtkWidget *current_row = g_object_get_data (G_OBJECT (page), "vcpus-current");
  GtkWidget *max_row = g_object_get_data (G_OBJECT (page), "vcpus-max");
  guint current = spin_value (current_row);
  guint maximum = spin_value (max_row);

  if (current > maximum)
    {
      mark_row (current_row, _("vCPUs at boot cannot be more than the maximum."));
      return;
    }
  mark_row (current_row, NULL);
  vireo_domain_config_set_vcpus (self->edit, current, maximum);
  check_topology (self, page);
}

static void
set_vcpus_current (VireoVmWindow *self, GtkWidget *row, double value)
{
  apply_vcpus (self, g_object_get_data (G_OBJECT (row), "vireo-page"));
}

/* Sockets × dies × cores × threads must be the maximum: said on the
 * topology rows, and only a topology that fits reaches the copy. */
static void
check_topology (VireoVmWindow *self,
                GtkWidget     *page)
{
  static const char *names[] = { "topology-sockets", "topology-dies", "topology-cores", "topology-threads" };
  GtkWidget *custom = g_object_get_data (G_OBJECT (page), "topology-custom");
  g_autoptr(GError) error = NULL;
  VireoCpuTopology t;
  GtkWidget *rows[4];

  if (custom == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    rows[i] = g_object_get_data (G_OBJECT (page), names[i]);

  if (!gtk_switch_get_active (g_object_get_data (G_OBJECT (custom), "vireo-switch")))
    {
      for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        {
          gtk_widget_set_sensitive (rows[i], FALSE);
          mark_row (rows[i], NULL);
        }
      vireo_cpu_set_topology (self->edit, NULL, NULL);
      return;
    }

  t.sockets = spin_value (rows[0]);
  t.dies = spin_value (rows[1]);
  t.cores = spin_value (rows[2]);
  t.threads = spin_value (rows[3]);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_set_sensitive (rows[i], TRUE);
  if (!vireo_cpu_topology_validate (&t, vireo_domain_config_get_vcpus_max (self->edit), &error)
      || !vireo_cpu_set_topology (self->edit, &t, &error))
    {
      /* One message, under the first of the four; all four in red. */
      mark_row (rows[0], error->message);
      for (guint i = 1; i < G_N_ELEMENTS (rows); i++)
        gtk_widget_add_css_class (rows[i], "error");
      return;
    }
  mark_row (rows[0], NULL);
  for (guint i = 1; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_remove_css_class (rows[i], "error");
}

static void
set_topology_custom (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  GtkWidget *page = g_object_get_data (G_OBJECT (row), "vireo-page");

  VireoCpuTopology t;

  /* Switched on: start from a shape that fits, one socket of N cores. */
  if (active && !vireo_cpu_get_topology (self->edit, &t))
    {
      vireo_cpu_topology_suggest (vireo_domain_config_get_vcpus_max (self->edit), &t);
      gtk_spin_button_set_value (g_object_get_data (G_OBJECT (g_object_get_data (G_OBJECT (page), "topology-sockets")), "vireo-spin"), t.sockets);
      gtk_spin_button_set_value (g_object_get_data (G_OBJECT (g_object_get_data (G_OBJECT (page), "topology-dies")), "vireo-spin"), t.dies);
      gtk_spin_button_set_value (g_object_get_data (G_OBJECT (g_object_get_data (G_OBJECT (page), "topology-cores")), "vireo-spin"), t.cores);
      gtk_spin_button_set_value (g_object_get_data (G_OBJECT (g_object_get_data (G_OBJECT (page), "topology-threads")), "vireo-spin"), t.threads);
    }
  check_topology (self, page);
}

static void
set_topology_part (VireoVmWindow *self, GtkWidget *row, double value)
{
  check_topology (self, g_object_get_data (G_OBJECT (row), "vireo-page"));
}

static void
set_cpu_mode (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  GtkWidget *page = g_object_get_data (G_OBJECT (row), "vireo-page");
  GtkWidget *model_row = g_object_get_data (G_OBJECT (page), "cpu-model");
  g_autoptr(GError) error = NULL;

  if (model_row != NULL)
    gtk_widget_set_visible (model_row, g_strcmp0 (value, "custom") == 0);
  if (value == NULL)
    {
      mark_row (row, NULL);
      vireo_domain_config_set_cpu_mode (self->edit, NULL);
      return;
    }
  if (!vireo_cpu_set_mode (self->edit, value, &error))
    {
      mark_row (row, error->message);
      return;
    }
  mark_row (row, NULL);
}

static void
set_cpu_model_text (VireoVmWindow *self, GtkWidget *row, const char *text)
{
  g_autoptr(GError) error = NULL;

  if (*text == '\0')
    {
      mark_row (row, _("Name a CPU model, such as Skylake-Client or EPYC."));
      return;
    }
  if (!vireo_cpu_set_model (self->edit, text, &error))
    {
      mark_row (row, error->message);
      return;
    }
  mark_row (row, NULL);
}

static void
set_cpu_model_choice (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  if (value != NULL)
    set_cpu_model_text (self, row, value);
}

static char *
probe_cpu_model (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return vireo_cpu_dup_model (config);
}

static GtkWidget *
topology_row (VireoVmWindow *self,
              GtkWidget     *page,
              GtkWidget     *group,
              const char    *name,
              const char    *title,
              guint          value)
{
  GtkWidget *row = add_spin_row (self, group, name, title, value, 1, 4096, set_topology_part);

  g_object_set_data (G_OBJECT (row), "vireo-page", page);
  g_object_set_data (G_OBJECT (page), name, row);
  return row;
}

static GtkWidget *
build_cpus (VireoVmWindow *self)
{
  static const char *modes[] = {
    "", N_("Hypervisor default"),
    "host-passthrough", N_("Host CPU, passed through (fastest; ties the machine to this CPU)"),
    "host-model", N_("Host CPU model (fast, migrates between similar hosts)"),
    "maximum", N_("Everything the hypervisor can emulate"),
    "custom", N_("Named model"),
    NULL,
  };
  g_autofree char *mode = vireo_domain_config_dup_cpu_mode (self->edit);
  g_autofree char *model = vireo_cpu_dup_model (self->edit);
  g_autofree const char **labels = g_new0 (const char *, G_N_ELEMENTS (modes));
  guint max_vcpus = self->caps != NULL ? vireo_domain_caps_get_max_vcpus (self->caps) : 0;
  GtkWidget *page = new_page ();
  GtkWidget *group = add_group (page, _("Virtual CPUs"));
  GtkWidget *row;
  VireoCpuTopology topology = { 1, 1, 1, 1 };
  gboolean has_topology = vireo_cpu_get_topology (self->edit, &topology);

  for (guint i = 0; modes[i] != NULL; i++)
    labels[i] = i % 2 == 1 ? _(modes[i]) : modes[i];

  if (max_vcpus > 0)
    {
      g_autofree char *limit = g_strdup_printf (_("This host allows up to %u vCPUs for this machine type."),
                                                max_vcpus);
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), limit);
    }

  row = probe (self, add_spin_row (self, group, "vcpus-current", _("vCPUs at boot"),
                                   vireo_domain_config_get_vcpus (self->edit), 1, max_vcpus > 0 ? max_vcpus : 4096,
                                   set_vcpus_current),
               probe_vcpus, NULL);
  g_object_set_data (G_OBJECT (row), "vireo-page", page);
  g_object_set_data (G_OBJECT (page), "vcpus-current", row);
  row = probe (self, add_spin_row (self, group, "vcpus-max", _("Maximum (hot-plug)"),
                                   vireo_domain_config_get_vcpus_max (self->edit), 1, max_vcpus > 0 ? max_vcpus : 4096,
                                   set_vcpus_current),
               probe_vcpus_max, NULL);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("vCPUs can be added while it runs, up to this"));
  g_object_set_data (G_OBJECT (row), "vireo-page", page);
  g_object_set_data (G_OBJECT (page), "vcpus-max", row);

  group = add_group (page, _("Topology"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("How the guest sees its vCPUs. Some licences count sockets; "
                                           "sockets × dies × cores × threads must equal the maximum."));
  row = add_switch_row (self, group, "topology-custom", _("Set the topology"),
                        _("Off: one socket per vCPU, libvirt's default"), has_topology, set_topology_custom);
  g_object_set_data (G_OBJECT (row), "vireo-page", page);
  g_object_set_data (G_OBJECT (page), "topology-custom", row);
  topology_row (self, page, group, "topology-sockets", _("Sockets"), topology.sockets);
  topology_row (self, page, group, "topology-dies", _("Dies per socket"), topology.dies);
  topology_row (self, page, group, "topology-cores", _("Cores per die"), topology.cores);
  topology_row (self, page, group, "topology-threads", _("Threads per core"), topology.threads);
  for (const char * const *name = (const char *[]) { "topology-sockets", "topology-dies", "topology-cores",
                                                      "topology-threads", NULL }; *name; name++)
    gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (page), *name), has_topology);

  group = add_group (page, _("Model"));
  row = add_choice_row (self, group, "cpu-mode", _("CPU"), labels, mode, set_cpu_mode);
  g_object_set_data (G_OBJECT (row), "vireo-page", page);
  if (self->caps != NULL)
    {
      g_auto(GStrv) usable = vireo_domain_caps_dup_usable_cpu_models (self->caps);
      g_autoptr(GPtrArray) choices = g_ptr_array_new ();

      for (guint i = 0; usable[i] != NULL; i++)
        {
          g_ptr_array_add (choices, usable[i]);
          g_ptr_array_add (choices, usable[i]);
        }
      g_ptr_array_add (choices, NULL);
      row = add_choice_row (self, group, "cpu-model", _("Model"), (const char * const *) choices->pdata, model,
                            set_cpu_model_choice);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The models this host can run"));
    }
  else
    row = add_entry_row (self, group, "cpu-model", _("Model name"), model, set_cpu_model_text);
  probe (self, row, probe_cpu_model, NULL);
  g_object_set_data (G_OBJECT (page), "cpu-model", row);
  gtk_widget_set_visible (row, g_strcmp0 (mode, "custom") == 0);
  return page;
}

static void
apply_memory (VireoVmWindow *self,
              GtkWidget     *row)
{
  GtkWidget *page = g_object_get_data (G_OBJECT (row), "vireo-page");
  GtkWidget *max_row = g_object_get_data (G_OBJECT (page), "memory-max");
  GtkWidget *current_row = g_object_get_data (G_OBJECT (page), "memory-current");
  guint64 maximum = (guint64) gtk_spin_button_get_value (g_object_get_data (G_OBJECT (max_row), "vireo-spin"));
  guint64 current = (guint64) gtk_spin_button_get_value (g_object_get_data (G_OBJECT (current_row), "vireo-spin"));

  if (current > maximum)
    {
      mark_row (current_row, _("Current memory cannot be more than the maximum."));
      return;
    }
  mark_row (current_row, NULL);
  vireo_domain_config_set_memory_kib (self->edit, maximum * 1024, current * 1024);
}

static void
set_memory (VireoVmWindow *self, GtkWidget *row, double value)
{
  apply_memory (self, row);
}

static char *
probe_memory_shared (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return yes_no (vireo_memory_get_shared (config));
}

static void
set_memory_shared (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  g_autoptr(GError) error = NULL;

  if (!vireo_memory_set_shared (self->edit, active, &error))
    {
      mark_row (row, error->message);
      return;
    }
  mark_row (row, NULL);
}

static VireoDevice *
find_balloon (VireoDomainConfig *config)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);

      if (vireo_device_get_kind (device) == VIREO_DEVICE_MEMBALLOON)
        return device;   /* the config keeps it */
    }
  return NULL;
}

static void
set_memory_balloon (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  VireoDevice *balloon = row_device (self, row);
  const VireoDeviceField *field = vireo_device_find_field (balloon, "memballoon-model");
  g_autoptr(GError) error = NULL;

  if (!vireo_device_set_field (balloon, field, active ? "virtio" : "none", &error))
    {
      mark_row (row, error->message);
      return;
    }
  mark_row (row, NULL);
  /* The balloon's own page shows its model too. */
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
}

static GtkWidget *
build_memory (VireoVmWindow *self)
{
  GtkWidget *page = new_page ();
  GtkWidget *group = add_group (page, _("Memory"));
  GtkWidget *row;
  VireoDevice *balloon;

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("In MiB. The balloon can give memory back down to the current amount."));
  row = probe (self, add_spin_row (self, group, "memory-max", _("Maximum"),
                                   (double) (vireo_domain_config_get_memory_kib (self->edit) / 1024), 16, 16777216,
                                   set_memory),
               probe_memory_max, NULL);
  g_object_set_data (G_OBJECT (row), "vireo-page", page);
  g_object_set_data (G_OBJECT (page), "memory-max", row);
  row = probe (self, add_spin_row (self, group, "memory-current", _("Current"),
                                   (double) (vireo_domain_config_get_current_memory_kib (self->edit) / 1024), 16,
                                   16777216, set_memory),
               probe_memory_current, NULL);
  g_object_set_data (G_OBJECT (row), "vireo-page", page);
  g_object_set_data (G_OBJECT (page), "memory-current", row);

  group = add_group (page, _("Sharing"));
  row = probe (self, add_switch_row (self, group, "memory-shared", _("Shared memory"),
                                     _("Needed to share host folders with the guest through virtiofs"),
                                     vireo_memory_get_shared (self->edit), set_memory_shared),
               probe_memory_shared, NULL);
  if (vireo_memory_needs_shared (self->edit))
    mark_row (row, _("A virtiofs shared folder needs shared memory: libvirt refuses the machine without it."));

  balloon = find_balloon (self->edit);
  if (balloon != NULL)
    {
      const VireoDeviceField *field = vireo_device_find_field (balloon, "memballoon-model");
      g_autofree char *model = field != NULL ? vireo_device_dup_field (balloon, field) : NULL;

      row = add_switch_row (self, group, "memory-balloon", _("Memory balloon"),
                            _("Lets the host take back memory the guest does not use, down to the current amount"),
                            g_strcmp0 (model, "none") != 0, set_memory_balloon);
      tag (row, balloon);
    }
  return page;
}

/* ------------------------------------------------------------------------ */
/* Boot                                                                      */

/* Reorders or switches one entry, writes the whole order (libvirt wants
 * per-device <boot order> and no <os><boot dev>), then redraws the list. */
static void
write_boot_order (VireoVmWindow *self,
                  int            moved,   /* index, or -1 */
                  int            step,    /* -1 up, +1 down */
                  int            toggled, /* index, or -1 */
                  gboolean       enabled_now)
{
  g_autoptr(GPtrArray) order = vireo_boot_dup_order (self->edit);
  g_autofree VireoDevice **devices = g_new0 (VireoDevice *, order->len + 1);
  g_autofree gboolean *enabled = g_new0 (gboolean, order->len + 1);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < order->len; i++)
    {
      VireoBootEntry *entry = order->pdata[i];

      devices[i] = entry->device;
      enabled[i] = (int) i == toggled ? enabled_now : entry->enabled;
    }
  if (moved >= 0 && moved + step >= 0 && moved + step < (int) order->len)
    {
      VireoDevice *d = devices[moved];
      gboolean e = enabled[moved];

      devices[moved] = devices[moved + step];
      enabled[moved] = enabled[moved + step];
      devices[moved + step] = d;
      enabled[moved + step] = e;
    }
  if (!vireo_boot_set_order (self->edit, devices, enabled, order->len, &error))
    {
      set_error (self, error->message);
      return;
    }
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
}

static void
on_boot_move (GtkButton     *button,
              VireoVmWindow *self)
{
  write_boot_order (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "vireo-index")),
                    GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "vireo-step")), -1, FALSE);
}

static void
on_boot_toggled (GtkCheckButton *check,
                 VireoVmWindow  *self)
{
  write_boot_order (self, -1, 0, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "vireo-index")),
                    gtk_check_button_get_active (check));
}

static void
set_boot_menu (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  GtkWidget *timeout = page_row (row, "boot-menu-timeout");
  g_autoptr(GError) error = NULL;

  if (timeout != NULL)
    gtk_widget_set_sensitive (timeout, active);
  if (!vireo_boot_set_menu (self->edit, active,
                            timeout != NULL ? (int) (spin_value (timeout) * 1000) : -1, &error))
    mark_row (row, error->message);
  else
    mark_row (row, NULL);
}

static void
set_boot_menu_timeout (VireoVmWindow *self, GtkWidget *row, double value)
{
  g_autoptr(GError) error = NULL;

  if (!vireo_boot_get_menu_enabled (self->edit))
    return;
  if (!vireo_boot_set_menu (self->edit, TRUE, (int) (value * 1000), &error))
    mark_row (row, error->message);
  else
    mark_row (row, NULL);
}

typedef gboolean (*BootPathSetter) (VireoDomainConfig *config, const char *value, GError **error);

static void
set_boot_path (VireoVmWindow *self, GtkWidget *row, const char *text)
{
  BootPathSetter setter = g_object_get_data (G_OBJECT (row), "vireo-boot-setter");
  g_autoptr(GError) error = NULL;

  if (!setter (self->edit, text, &error))
    mark_row (row, error->message);
  else
    mark_row (row, NULL);
}

static GtkWidget *
add_boot_path_row (VireoVmWindow  *self,
                   GtkWidget      *group,
                   const char     *name,
                   const char     *title,
                   char           *value,   /* taken */
                   BootPathSetter  setter)
{
  GtkWidget *row = add_entry_row (self, group, name, title, value, set_boot_path);

  g_free (value);
  g_object_set_data (G_OBJECT (row), "vireo-boot-setter", setter);
  return row;
}

static void
set_autostart (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  self->autostart_edit = active;
  update_actions (self);
}

static void
add_autostart_row (VireoVmWindow *self,
                   GtkWidget     *page)
{
  GtkWidget *group = add_group (page, NULL);
  GtkWidget *row = add_switch_row (self, group, "autostart", _("Start with the host"),
                                   _("libvirt starts this machine when its host boots"),
                                   self->autostart_edit > 0, set_autostart);

  /* Until libvirt has said, the switch would only guess. */
  gtk_widget_set_sensitive (row, self->autostart_edit >= 0);
}

static GtkWidget *
build_boot (VireoVmWindow *self)
{
  GtkWidget *page = new_page ();
  GtkWidget *group;

  add_autostart_row (self, page);
  group = add_group (page, _("Boot order"));
  g_autoptr(GPtrArray) order = vireo_boot_dup_order (self->edit);
  GtkWidget *row;
  int timeout;

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("The firmware tries the ticked devices from the top. Written as each "
                                           "device's own boot order, which is what libvirt recommends."));
  for (guint i = 0; i < order->len; i++)
    {
      VireoBootEntry *entry = order->pdata[i];
      g_autofree char *title = vireo_device_dup_title (entry->device);
      g_autofree char *name = g_strdup_printf ("boot-%u", i);
      GtkWidget *check = gtk_check_button_new ();
      GtkWidget *up = gtk_button_new_from_icon_name ("go-up-symbolic");
      GtkWidget *down = gtk_button_new_from_icon_name ("go-down-symbolic");

      row = adw_action_row_new ();
      gtk_widget_set_name (row, name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), entry->enabled);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_widget_set_name (check, "boot-enabled");
      g_object_set_data (G_OBJECT (check), "vireo-index", GINT_TO_POINTER (i));
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_boot_toggled), self, 0);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      for (guint b = 0; b < 2; b++)
        {
          GtkWidget *button = b == 0 ? up : down;

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          gtk_widget_set_name (button, b == 0 ? "boot-up" : "boot-down");
          gtk_widget_set_tooltip_text (button, b == 0 ? _("Earlier") : _("Later"));
          gtk_widget_set_sensitive (button, b == 0 ? i > 0 : i + 1 < order->len);
          g_object_set_data (G_OBJECT (button), "vireo-index", GINT_TO_POINTER (i));
          g_object_set_data (G_OBJECT (button), "vireo-step", GINT_TO_POINTER (b == 0 ? -1 : 1));
          g_signal_connect_object (button, "clicked", G_CALLBACK (on_boot_move), self, 0);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  group = add_group (page, _("Boot menu"));
  row = add_switch_row (self, group, "boot-menu", _("Show the boot menu"),
                        _("The firmware offers a choice of device at start-up"),
                        vireo_boot_get_menu_enabled (self->edit), set_boot_menu);
  timeout = vireo_boot_get_menu_timeout (self->edit);
  row = add_spin_row (self, group, "boot-menu-timeout", _("Wait (seconds)"), timeout >= 0 ? timeout / 1000.0 : 3,
                      0, 65, set_boot_menu_timeout);
  gtk_widget_set_sensitive (row, vireo_boot_get_menu_enabled (self->edit));
  g_object_set_data (G_OBJECT (page), "boot-menu-timeout", row);

  group = add_group (page, _("Direct kernel boot"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Start a kernel from the host instead of the disks: for installers "
                                           "and kernel development. Paths are on the host."));
  add_boot_path_row (self, group, "boot-kernel", _("Kernel"), vireo_boot_dup_kernel (self->edit),
                     vireo_boot_set_kernel);
  add_boot_path_row (self, group, "boot-initrd", _("Initrd"), vireo_boot_dup_initrd (self->edit),
                     vireo_boot_set_initrd);
  add_boot_path_row (self, group, "boot-cmdline", _("Kernel arguments"), vireo_boot_dup_cmdline (self->edit),
                     vireo_boot_set_cmdline);
  add_boot_path_row (self, group, "boot-dtb", _("Device tree (DTB)"), vireo_boot_dup_dtb (self->edit),
                     vireo_boot_set_dtb);
  return page;
}


static void
set_disk_path (VireoVmWindow *self, GtkWidget *row, const char *text)
{
  VireoDisk *disk = VIREO_DISK (row_device (self, row));
  g_autofree char *type = vireo_disk_dup_source_type (disk);

  if (text != NULL && *text != '\0' && !g_path_is_absolute (text))
    {
      mark_row (row, _("The path must be absolute, starting with “/”."));
      return;
    }
  mark_row (row, NULL);
  if (g_strcmp0 (type, "block") == 0)
    vireo_disk_set_source_block (disk, *text != '\0' ? text : NULL);
  else
    vireo_disk_set_source_file (disk, *text != '\0' ? text : NULL);
}

static void
queue_rebuild (VireoVmWindow *self)
{
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
}

static VireoPoolInfo *
find_pool (VireoVmWindow *self,
           const char    *name)
{
  for (guint i = 0; self->pools != NULL && i < self->pools->len; i++)
    {
      VireoPoolInfo *pool = self->pools->pdata[i];

      if (g_strcmp0 (pool->name, name) == 0)
        return pool;
    }
  return NULL;
}

static VireoVolumeInfo *
find_volume (VireoPoolInfo *pool,
             const char    *name)
{
  for (guint i = 0; pool != NULL && i < pool->volumes->len; i++)
    {
      VireoVolumeInfo *volume = pool->volumes->pdata[i];

      if (g_strcmp0 (volume->name, name) == 0)
        return volume;
    }
  return NULL;
}

/* The pool and volume a path belongs to, where a pool lists it. */
static VireoVolumeInfo *
find_volume_by_path (VireoVmWindow  *self,
                     const char     *path,
                     VireoPoolInfo **pool_out)
{
  for (guint i = 0; path != NULL && self->pools != NULL && i < self->pools->len; i++)
    {
      VireoPoolInfo *pool = self->pools->pdata[i];

      for (guint j = 0; j < pool->volumes->len; j++)
        {
          VireoVolumeInfo *volume = pool->volumes->pdata[j];

          if (g_strcmp0 (volume->path, path) == 0)
            {
              *pool_out = pool;
              return volume;
            }
        }
    }
  return NULL;
}

/* What QEMU is told to read the image as, from what the pool says it
 * holds: an ISO is raw bytes to QEMU; formats it cannot open leave the
 * driver as it was. */
static void
take_volume_format (VireoDisk       *disk,
                    VireoVolumeInfo *volume)
{
  static const char *driver_types[] = { "raw", "qcow2", "qed", "vmdk", "vdi", "vpc", "vhdx", "qcow", "bochs",
                                        "cloop", "dmg", "parallels", NULL };

  if (volume->format == NULL)
    return;
  if (g_str_equal (volume->format, "iso"))
    vireo_disk_set_format (disk, "raw");
  else if (g_strv_contains (driver_types, volume->format))
    vireo_disk_set_format (disk, volume->format);
}

static void
set_disk_source_type (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  VireoDisk *disk = VIREO_DISK (row_device (self, row));
  g_autofree char *type = vireo_disk_dup_source_type (disk);
  g_autofree char *path = vireo_disk_dup_source_path (disk);
  g_autofree char *pool_name = vireo_disk_dup_source_pool (disk);
  g_autofree char *volume_name = vireo_disk_dup_source_volume (disk);

  if (value == NULL || g_strcmp0 (type, value) == 0)
    {
      mark_row (row, NULL);
      return;
    }
  if (g_str_equal (value, "volume"))
    {
      VireoPoolInfo *pool = NULL;
      VireoVolumeInfo *volume = find_volume_by_path (self, path, &pool);

      /* A file no pool lists: the first volume there is, to be changed
       * on the rows that follow. */
      for (guint i = 0; volume == NULL && self->pools != NULL && i < self->pools->len; i++)
        {
          pool = self->pools->pdata[i];
          if (pool->active && pool->volumes->len > 0)
            volume = pool->volumes->pdata[0];
        }
      if (volume == NULL)
        {
          mark_row (row, self->pools == NULL ? _("The host’s storage pools are not known yet")
                                             : _("No active storage pool on this host has a volume"));
          return;
        }
      vireo_disk_set_source_volume (disk, pool->name, volume->name);
      take_volume_format (disk, volume);
    }
  else
    {
      const char *new_path = path;

      if (g_strcmp0 (type, "volume") == 0)
        {
          VireoVolumeInfo *volume = find_volume (find_pool (self, pool_name), volume_name);

          if (volume == NULL || volume->path == NULL)
            {
              mark_row (row, _("Where this volume lies on the host is not known"));
              return;
            }
          new_path = volume->path;
        }
      if (g_str_equal (value, "block"))
        vireo_disk_set_source_block (disk, new_path);
      else
        vireo_disk_set_source_file (disk, new_path);
    }
  mark_row (row, NULL);
  /* Each kind of source has rows of its own. */
  queue_rebuild (self);
}

static void
set_disk_pool (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  VireoDisk *disk = VIREO_DISK (row_device (self, row));
  g_autofree char *current = vireo_disk_dup_source_pool (disk);
  VireoPoolInfo *pool = find_pool (self, value);

  if (g_strcmp0 (current, value) == 0)
    {
      mark_row (row, NULL);
      return;
    }
  if (pool == NULL || pool->volumes->len == 0)
    {
      g_autofree char *message = g_strdup_printf (_("Pool “%s” has no volumes"), value);

      mark_row (row, message);
      return;
    }
  mark_row (row, NULL);
  vireo_disk_set_source_volume (disk, pool->name, ((VireoVolumeInfo *) pool->volumes->pdata[0])->name);
  take_volume_format (disk, pool->volumes->pdata[0]);
  /* The volume row lists this pool's volumes now. */
  queue_rebuild (self);
}

static void
set_disk_volume (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  VireoDisk *disk = VIREO_DISK (row_device (self, row));
  g_autofree char *pool_name = vireo_disk_dup_source_pool (disk);
  g_autofree char *current = vireo_disk_dup_source_volume (disk);
  VireoVolumeInfo *volume = find_volume (find_pool (self, pool_name), value);

  if (value == NULL || g_strcmp0 (current, value) == 0)
    return;
  vireo_disk_set_source_volume (disk, pool_name, value);
  if (volume != NULL)
    take_volume_format (disk, volume);
  queue_rebuild (self);
}

/* What libvirt and QEMU would refuse at define or start, said on the
 * row instead. */
static char *
dup_disk_device_problem (VireoDisk  *disk,
                         const char *device)
{
  g_autofree char *bus = vireo_disk_dup_bus (disk);
  g_autofree char *type = vireo_disk_dup_source_type (disk);

  if (g_strcmp0 (device, "cdrom") == 0 && g_strcmp0 (bus, "virtio") == 0)
    return g_strdup (_("A CD-ROM cannot sit on the VirtIO bus: choose SATA, SCSI or IDE as its bus first"));
  if (g_strcmp0 (device, "floppy") == 0 && g_strcmp0 (bus, "fdc") != 0)
    return g_strdup (_("A floppy drive needs the floppy controller bus: choose it as the bus first"));
  if (g_strcmp0 (device, "lun") == 0 && g_strcmp0 (bus, "scsi") != 0 && g_strcmp0 (bus, "virtio") != 0)
    return g_strdup (_("A LUN passes SCSI commands through: its bus must be SCSI or VirtIO"));
  if (g_strcmp0 (device, "lun") == 0 && g_strcmp0 (type, "block") != 0)
    return g_strdup (_("A LUN passes SCSI commands to a block device: make the source a block device first"));
  return NULL;
}

static void
set_disk_device (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  VireoDisk *disk = VIREO_DISK (row_device (self, row));
  g_autofree char *current = vireo_disk_dup_device (disk);
  g_autofree char *problem = dup_disk_device_problem (disk, value);

  mark_row (row, problem);
  if (problem != NULL || g_strcmp0 (current, value != NULL ? value : "disk") == 0)
    return;
  vireo_disk_set_device (disk, value);
  /* Its title in the sidebar, and media rows for a drive. */
  queue_rebuild (self);
}

static void
set_disk_bus (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  VireoDisk *disk = VIREO_DISK (row_device (self, row));

  vireo_disk_set_bus (disk, value);
  /* libvirt takes "removable" from USB and SCSI disks only. */
  if (vireo_disk_get_removable (disk) && g_strcmp0 (value, "usb") != 0 && g_strcmp0 (value, "scsi") != 0)
    {
      vireo_disk_set_removable (disk, FALSE);
      queue_rebuild (self);
    }
}

static void
set_disk_io (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  VireoDisk *disk = VIREO_DISK (row_device (self, row));
  g_autofree char *cache = vireo_disk_dup_cache (disk);

  /* QEMU opens native AIO only with the host page cache bypassed. */
  if (g_strcmp0 (value, "native") == 0 && g_strcmp0 (cache, "none") != 0 && g_strcmp0 (cache, "directsync") != 0)
    {
      mark_row (row, _("Native I/O needs the cache set to “None” or “Direct sync”"));
      return;
    }
  mark_row (row, NULL);
  vireo_disk_set_io (disk, value);
}

static void
set_disk_discard (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  vireo_disk_set_discard (VIREO_DISK (row_device (self, row)), value);
}

static void
set_disk_removable (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  VireoDisk *disk = VIREO_DISK (row_device (self, row));
  g_autofree char *bus = vireo_disk_dup_bus (disk);

  if (active && g_strcmp0 (bus, "usb") != 0 && g_strcmp0 (bus, "scsi") != 0)
    {
      mark_row (row, _("Only USB and SCSI disks can be removable"));
      return;
    }
  mark_row (row, NULL);
  vireo_disk_set_removable (disk, active);
}

static void
set_disk_serial (VireoVmWindow *self, GtkWidget *row, const char *text)
{
  /* libvirt's schema: letters, digits, space and _ . + - */
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr ("_.+- ", *c) == NULL)
      {
        g_autofree char *message = g_strdup_printf (_("“%c” cannot be in a serial number: use letters, digits, "
                                                      "spaces and _ . + -"), *c);

        mark_row (row, g_ascii_isprint (*c) ? message : _("A serial number holds letters, digits, spaces and _ . + - only"));
        return;
      }
  mark_row (row, NULL);
  vireo_disk_set_serial (VIREO_DISK (row_device (self, row)), *text != '\0' ? text : NULL);
}

static void
set_disk_cache (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  vireo_disk_set_cache (VIREO_DISK (row_device (self, row)), value);
}

static void
set_disk_readonly (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  vireo_disk_set_readonly (VIREO_DISK (row_device (self, row)), active);
}

static void
set_disk_shareable (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  vireo_disk_set_shareable (VIREO_DISK (row_device (self, row)), active);
}



typedef struct
{
  VireoVmWindow *self;
  char          *message;
  char          *target;
  char          *path;
} MediaJob;

static VireoDisk *
find_disk (VireoDomainConfig *config,
           const char        *target)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *t = VIREO_IS_DISK (device) ? vireo_disk_dup_target (VIREO_DISK (device)) : NULL;

      if (g_strcmp0 (t, target) == 0)
        return VIREO_DISK (device);   /* the config keeps it */
    }
  return NULL;
}

static void
media_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  MediaJob *job = user_data;
  g_autoptr(VireoVmWindow) self = job->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = job->message;
  g_autofree char *target = job->target;
  g_autofree char *path = job->path;

  g_free (job);
  self->busy = FALSE;
  if (!vireo_domain_change_device_finish (VIREO_DOMAIN (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_error (self, error->message);
          update_actions (self);
        }
      return;
    }
  set_error (self, NULL);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
  /* The definition has the new media now; the edited copy gets it too,
   * and keeps everything else the user has not applied yet. */
  {
    VireoDisk *in_edit = self->edit != NULL ? find_disk (self->edit, target) : NULL;

    if (in_edit != NULL)
      vireo_disk_set_source_file (in_edit, path);
  }
  self->keep_edit = TRUE;
  load (self);
}

/* Media changes apply at once, like a drive's eject button: to the running
 * guest and to the definition. Other unapplied edits stay unapplied. */
static void
change_media (VireoVmWindow *self,
              VireoDisk     *disk,
              const char    *path)
{
  g_autoptr(VireoDomainConfig) scratch = NULL;
  g_autofree char *target = vireo_disk_dup_target (disk);
  g_autofree char *xml = NULL;
  VireoApplyFlags flags = VIREO_APPLY_CONFIG;
  VireoDisk *drive;
  MediaJob *job;

  if (self->busy || self->saved == NULL)
    return;

  /* Built from the definition libvirt has, not from the edited copy. */
  scratch = vireo_domain_config_copy (self->saved);
  drive = find_disk (scratch, target);
  if (drive == NULL)
    return;
  vireo_disk_set_source_file (drive, path);
  xml = vireo_device_to_xml (VIREO_DEVICE (drive));
  if (vireo_domain_get_active (self->domain))
    flags |= VIREO_APPLY_LIVE;

  job = g_new0 (MediaJob, 1);
  job->self = g_object_ref (self);
  job->message = path != NULL ? g_strdup (_("Media inserted.")) : g_strdup (_("Media ejected."));
  job->target = g_strdup (target);
  job->path = g_strdup (path);
  self->busy = TRUE;
  update_actions (self);
  vireo_domain_change_device_async (self->domain, VIREO_DEVICE_CHANGE_UPDATE, xml, flags,
                                    self->cancellable, media_cb, job);
}

static void
on_eject_clicked (GtkButton     *button,
                  VireoVmWindow *self)
{
  change_media (self, g_object_get_data (G_OBJECT (button), "vireo-device"), NULL);
}

static void
on_insert_activated (AdwEntryRow   *row,
                     VireoVmWindow *self)
{
  const char *path = gtk_editable_get_text (GTK_EDITABLE (row));

  if (!g_path_is_absolute (path))
    {
      mark_row (GTK_WIDGET (row), _("The path must be absolute, starting with “/”."));
      return;
    }
  mark_row (GTK_WIDGET (row), NULL);
  change_media (self, g_object_get_data (G_OBJECT (row), "vireo-device"), path);
}

/* CD-ROM and floppy: what is in the drive, Eject, and a path to insert
 * (a path on the host, which is where libvirt opens it). */
static void
add_media_row (VireoVmWindow *self,
               GtkWidget     *group,
               VireoDisk     *disk)
{
  g_autofree char *path = vireo_disk_dup_source_path (disk);
  GtkWidget *row;

  if (path != NULL)
    {
      GtkWidget *eject = gtk_button_new_with_mnemonic (_("_Eject"));

      row = add_info_row (group, _("Media"), path);
      gtk_widget_set_name (row, "media");
      probe (self, tag (row, VIREO_DEVICE (disk)), probe_disk_path, NULL);
      gtk_widget_set_valign (eject, GTK_ALIGN_CENTER);
      gtk_widget_set_name (eject, "media-eject");
      g_object_set_data (G_OBJECT (eject), "vireo-device", disk);
      g_signal_connect_object (eject, "clicked", G_CALLBACK (on_eject_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), eject);
    }
  else
    {
      row = adw_entry_row_new ();
      gtk_widget_set_name (row, "media-insert");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Insert media (host path, then Enter)"));
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "vireo-device", disk);
      probe (self, row, probe_disk_path, NULL);
      g_signal_connect_object (row, "apply", G_CALLBACK (on_insert_activated), self, 0);
      g_signal_connect_object (row, "entry-activated", G_CALLBACK (on_insert_activated), self, 0);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}

/* What the image takes on the host, from the storage pool that holds it:
 * a row that fills in when libvirt answers, and says so when no pool
 * knows the file (libvirt can then tell nothing about it). */
static char *
dup_volume_usage (VireoVolumeInfo *info)
{
  g_autofree char *used = vireo_format_size_kib (info->allocation / 1024);
  g_autofree char *size = vireo_format_size_kib (info->capacity / 1024);

  /* Translators: disk space used on the host, of the disk's size, and the storage pool, e.g.
   * "1.2 GiB of 20.0 GiB, in pool default" */
  return g_strdup_printf (_("%s of %s, in pool %s"), used, size, info->pool != NULL ? info->pool : "?");
}

static void
volume_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(GtkWidget) row = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoVolumeInfo) info = vireo_connection_lookup_volume_finish (VIREO_CONNECTION (object), result, &error);
  GtkWidget *label;

  g_weak_ref_clear (ref);
  g_free (ref);
  if (row == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  label = g_object_get_data (G_OBJECT (row), "vireo-label");
  if (info == NULL)
    {
      gtk_label_set_text (GTK_LABEL (label), _("Unknown: not in a storage pool"));
      gtk_widget_set_tooltip_text (row, error->message);
      return;
    }
  {
    g_autofree char *text = dup_volume_usage (info);

    gtk_label_set_text (GTK_LABEL (label), text);
  }
}

static void
add_host_size_row (VireoVmWindow *self,
                   GtkWidget     *group,
                   const char    *path)
{
  VireoConnection *conn = vireo_domain_get_connection (self->domain);
  GtkWidget *row = add_info_row (group, _("Used on the host"), _("Asking the host…"));
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  gtk_widget_set_name (row, "disk-host-size");
  g_weak_ref_init (ref, row);
  if (conn == NULL)
    return;
  vireo_connection_lookup_volume_async (conn, path, self->cancellable, volume_cb, ref);
}

/* value, label pairs with the labels translated; the strings stay the
 * table's. */
static const char **
translate_choices (const char * const *choices)
{
  guint n = g_strv_length ((char **) choices);
  const char **labels = g_new0 (const char *, n + 1);

  for (guint i = 0; i < n; i++)
    labels[i] = i % 2 == 1 && *choices[i] != '\0' ? _(choices[i]) : choices[i];
  return labels;
}


/* The source: a file, a volume of one of the host's pools, or a block
 * device, switched on the first row; other kinds (network disks, NVMe)
 * are shown as they are and edited as XML. */
static GtkWidget *
add_source_rows (VireoVmWindow *self,
                 GtkWidget     *page,
                 GtkWidget     *group,
                 VireoDisk     *disk)
{
  static const char *source_types[] = {
    "file", N_("File"), "volume", N_("Storage pool volume"), "block", N_("Block device"), NULL,
  };
  VireoDevice *device = VIREO_DEVICE (disk);
  g_autofree char *type = vireo_disk_dup_source_type (disk);
  g_autofree char *path = vireo_disk_dup_source_path (disk);
  g_autofree char *pool_name = vireo_disk_dup_source_pool (disk);
  g_autofree char *volume_name = vireo_disk_dup_source_volume (disk);
  g_autofree const char **type_labels = translate_choices (source_types);

  if (type == NULL)
    type = g_strdup ("file");
  if (!g_strv_contains (source_types, type))
    {
      add_info_row (group, _("Source type"), type);
      return group;
    }
  /* A drive's media are changed on their own row, below. */
  if (vireo_disk_is_removable_media (disk) && g_str_equal (type, "file"))
    return group;

  tag (add_choice_row (self, group, "disk-source-type", _("Source"), type_labels, type, set_disk_source_type),
       device);
  if (g_str_equal (type, "volume"))
    {
      g_autoptr(GPtrArray) pools = g_ptr_array_new ();
      g_autoptr(GPtrArray) volumes = g_ptr_array_new_with_free_func (g_free);
      g_autofree const char **pool_choices = NULL;
      g_autofree const char **volume_choices = NULL;
      VireoPoolInfo *pool = find_pool (self, pool_name);

      for (guint i = 0; self->pools != NULL && i < self->pools->len; i++)
        {
          VireoPoolInfo *each = self->pools->pdata[i];

          if (!each->active && !g_str_equal (each->name, pool_name))
            continue;
          g_ptr_array_add (pools, each->name);
          g_ptr_array_add (pools, each->name);
        }
      g_ptr_array_add (pools, NULL);
      pool_choices = (const char **) g_ptr_array_steal (pools, NULL);
      for (guint i = 0; pool != NULL && i < pool->volumes->len; i++)
        {
          VireoVolumeInfo *each = pool->volumes->pdata[i];
          g_autofree char *size = vireo_format_size_kib (each->capacity / 1024);

          g_ptr_array_add (volumes, g_strdup (each->name));
          /* Translators: a volume in a list: its name, its format and its size, e.g. "win11.qcow2 (qcow2, 64.0 GiB)" */
          g_ptr_array_add (volumes, g_strdup_printf (_("%s (%s, %s)"), each->name,
                                                     each->format != NULL ? each->format : "?", size));
        }
      volume_choices = g_new0 (const char *, volumes->len + 1);
      for (guint i = 0; i < volumes->len; i++)
        volume_choices[i] = volumes->pdata[i];

      probe (self, tag (add_choice_row (self, group, "disk-pool", _("Pool"), pool_choices, pool_name,
                                        set_disk_pool), device),
             probe_disk_path, NULL);
      tag (add_choice_row (self, group, "disk-volume", _("Volume"), volume_choices, volume_name, set_disk_volume),
           device);
      if (self->pools == NULL)
        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _("Reading the host’s storage pools…"));
    }
  else
    probe (self, tag (add_entry_row (self, group, "disk-path",
                                     g_str_equal (type, "block") ? _("Block device path") : _("Source path"),
                                     path, set_disk_path), device),
           probe_disk_path, NULL);
  return group;
}

static GtkWidget *
build_disk (VireoVmWindow *self,
            VireoDisk     *disk)
{
  static const char *buses[] = {
    "", N_("Default"), "virtio", "VirtIO", "sata", "SATA", "scsi", "SCSI", "nvme", "NVMe",
    "usb", "USB", "ide", "IDE", "fdc", N_("Floppy controller"), NULL,
  };
  static const char *caches[] = {
    "", N_("Hypervisor default"), "none", N_("None (direct I/O)"), "writeback", N_("Write back"),
    "writethrough", N_("Write through"), "directsync", N_("Direct sync"), "unsafe", N_("Unsafe"), NULL,
  };
  static const char *device_types[] = {
    "disk", N_("Disk"), "cdrom", N_("CD-ROM"), "floppy", N_("Floppy"), "lun", N_("SCSI LUN (passthrough)"), NULL,
  };
  static const char *ios[] = {
    "", N_("Hypervisor default"), "threads", N_("Threads"), "native", N_("Native (Linux AIO)"),
    "io_uring", "io_uring", NULL,
  };
  static const char *discards[] = {
    "", N_("Hypervisor default"), "unmap", N_("Unmap (frees host space)"), "ignore", N_("Ignore"), NULL,
  };
  GtkWidget *page = new_page ();
  GtkWidget *group = add_group (page, _("Storage"));
  g_autofree char *path = vireo_disk_dup_source_path (disk);
  g_autofree char *pool = vireo_disk_dup_source_pool (disk);
  g_autofree char *volume = vireo_disk_dup_source_volume (disk);
  g_autofree char *format = vireo_disk_dup_format (disk);
  g_autofree char *bus = vireo_disk_dup_bus (disk);
  g_autofree char *cache = vireo_disk_dup_cache (disk);
  g_autofree char *target = vireo_disk_dup_target (disk);
  g_autofree char *source_type = vireo_disk_dup_source_type (disk);
  g_autofree char *device_type = vireo_disk_dup_device (disk);
  g_autofree char *io = vireo_disk_dup_io (disk);
  g_autofree char *discard = vireo_disk_dup_discard (disk);
  g_autofree char *serial = vireo_disk_dup_serial (disk);
  g_autofree const char **bus_labels = translate_choices (buses);
  g_autofree const char **cache_labels = translate_choices (caches);
  g_autofree const char **device_labels = translate_choices (device_types);
  g_autofree const char **io_labels = translate_choices (ios);
  g_autofree const char **discard_labels = translate_choices (discards);
  VireoDevice *device = VIREO_DEVICE (disk);

  group = add_source_rows (self, page, group, disk);
  add_info_row (group, _("Format"), format);
  add_info_row (group, _("Guest device"), target);
  if (vireo_disk_is_removable_media (disk))
    add_media_row (self, group, disk);
  else if (pool != NULL)
    {
      VireoVolumeInfo *info = find_volume (find_pool (self, pool), volume);
      g_autofree char *usage = info != NULL ? dup_volume_usage (info) : NULL;

      gtk_widget_set_name (add_info_row (group, _("Used on the host"),
                                         usage != NULL ? usage : _("Not known yet")),
                           "disk-host-size");
    }
  else if (path != NULL && g_path_is_absolute (path) && g_strcmp0 (source_type, "file") == 0)
    add_host_size_row (self, group, path);

  group = add_group (page, _("Options"));
  probe (self, tag (add_choice_row (self, group, "disk-device", _("Device type"), device_labels, device_type,
                                    set_disk_device), device),
         probe_disk_device, NULL);
  probe (self, tag (add_choice_row (self, group, "disk-bus", _("Bus"), bus_labels, bus, set_disk_bus), device),
         probe_disk_bus, NULL);
  probe (self, tag (add_choice_row (self, group, "disk-cache", _("Cache"), cache_labels, cache, set_disk_cache),
                    device),
         probe_disk_cache, NULL);
  probe (self, tag (add_choice_row (self, group, "disk-io", _("I/O mode"), io_labels, io, set_disk_io), device),
         probe_disk_io, NULL);
  probe (self, tag (add_choice_row (self, group, "disk-discard", _("Discard"), discard_labels, discard,
                                    set_disk_discard), device),
         probe_disk_discard, NULL);
  probe (self, tag (add_switch_row (self, group, "disk-readonly", _("Read-only"), NULL,
                                    vireo_disk_get_readonly (disk), set_disk_readonly), device),
         probe_disk_readonly, NULL);
  probe (self, tag (add_switch_row (self, group, "disk-shareable", _("Shareable"),
                                    _("Several machines may use it at once"),
                                    vireo_disk_get_shareable (disk), set_disk_shareable), device),
         probe_disk_shareable, NULL);
  if (g_strcmp0 (bus, "usb") == 0 || g_strcmp0 (bus, "scsi") == 0)
    probe (self, tag (add_switch_row (self, group, "disk-removable", _("Removable"),
                                      _("The guest sees a drive it may eject"),
                                      vireo_disk_get_removable (disk), set_disk_removable), device),
           probe_disk_removable, NULL);
  {
    GtkWidget *row = add_entry_row (self, group, "disk-serial", _("Serial number"), serial, set_disk_serial);

    probe (self, tag (row, device), probe_disk_serial, NULL);
  }
  return page;
}

static void
set_nic_source (VireoVmWindow *self, GtkWidget *row, const char *text)
{
  VireoInterface *nic = VIREO_INTERFACE (row_device (self, row));
  g_autofree char *type = vireo_interface_dup_type (nic);
  g_autofree char *mode = vireo_interface_dup_source_mode (nic);

  if (*text == '\0')
    {
      mark_row (row, _("Name the network, bridge or host device."));
      return;
    }
  mark_row (row, NULL);
  vireo_interface_set_source (nic, type != NULL ? type : "network", text, mode);
}

/* What a new connection type starts from: something that exists on this
 * host where Vireo knows it, libvirt's usual names otherwise. */
static const char *
default_source_for (VireoVmWindow *self,
                    const char    *type)
{
  if (g_str_equal (type, "network"))
    {
      for (guint i = 0; self->networks != NULL && i < self->networks->len; i++)
        if (g_str_equal (((VireoNetworkInfo *) self->networks->pdata[i])->name, "default"))
          return "default";
      if (self->networks != NULL && self->networks->len > 0)
        return ((VireoNetworkInfo *) self->networks->pdata[0])->name;
      return "default";
    }
  for (guint i = 0; self->host_interfaces != NULL && i < self->host_interfaces->len; i++)
    {
      VireoHostInterfaceInfo *info = self->host_interfaces->pdata[i];

      if (g_str_equal (type, "bridge") && g_strcmp0 (info->type, "bridge") == 0)
        return info->name;
      if (g_str_equal (type, "direct") && g_strcmp0 (info->type, "ethernet") == 0)
        return info->name;
    }
  return g_str_equal (type, "bridge") ? "br0" : "eth0";
}

static void
set_nic_type (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  VireoInterface *nic = VIREO_INTERFACE (row_device (self, row));
  g_autofree char *type = vireo_interface_dup_type (nic);

  if (value == NULL || g_strcmp0 (type, value) == 0)
    return;
  vireo_interface_set_source (nic, value, g_str_equal (value, "user") ? NULL : default_source_for (self, value),
                              g_str_equal (value, "direct") ? "bridge" : NULL);
  /* The source row is another one for each type. */
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
}

static void
set_nic_mode (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  VireoInterface *nic = VIREO_INTERFACE (row_device (self, row));
  g_autofree char *type = vireo_interface_dup_type (nic);
  g_autofree char *source = vireo_interface_dup_source (nic);

  vireo_interface_set_source (nic, type, source, value);
}

static void
set_nic_mac (VireoVmWindow *self, GtkWidget *row, const char *text)
{
  if (!vireo_interface_mac_is_valid (text))
    {
      mark_row (row, _("A MAC address is six pairs of hex digits, such as 52:54:00:12:34:56, "
                       "and must not be a multicast address."));
      return;
    }
  mark_row (row, NULL);
  vireo_interface_set_mac (VIREO_INTERFACE (row_device (self, row)), text);
}

static void
on_generate_mac (GtkButton     *button,
                 VireoVmWindow *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "vireo-row");
  g_autofree char *mac = vireo_interface_generate_mac ();

  gtk_editable_set_text (GTK_EDITABLE (row), mac);
}

static void
set_nic_model (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  vireo_interface_set_model (VIREO_INTERFACE (row_device (self, row)), value);
}

static void
set_nic_link (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  vireo_interface_set_link_up (VIREO_INTERFACE (row_device (self, row)), active);
}

static void
on_suggestion_activated (GtkListBox    *list,
                         GtkListBoxRow *item,
                         GtkWidget     *row)
{
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (list), GTK_TYPE_POPOVER);

  gtk_editable_set_text (GTK_EDITABLE (row), g_object_get_data (G_OBJECT (item), "vireo-value"));
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
}

static const char *
forward_label (const char *mode)
{
  if (g_strcmp0 (mode, "nat") == 0)
    return _("NAT");
  if (g_strcmp0 (mode, "route") == 0)
    return _("routed");
  if (g_strcmp0 (mode, "open") == 0)
    return _("open");
  if (g_strcmp0 (mode, "bridge") == 0)
    return _("host bridge");
  if (g_strcmp0 (mode, "none") == 0)
    return _("isolated");
  return mode;
}

/* The host's networks or interfaces beside the source field: picked from
 * what exists, typed where it does not exist yet. Filled when opened, so
 * lists that arrive later need no rebuild under the user's typing. */
static GtkWidget *
suggestion_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_margin_top (label, 4);
  gtk_widget_set_margin_bottom (label, 4);
  return label;
}

static void
on_suggestions_show (GtkPopover *popover,
                     GtkWidget  *row)
{
  VireoVmWindow *self = VIREO_VM_WINDOW (gtk_widget_get_root (row));
  const char *type = g_object_get_data (G_OBJECT (popover), "vireo-type");
  GtkWidget *list = gtk_list_box_new ();
  gboolean known = g_str_equal (type, "network") ? self->networks != NULL : self->host_interfaces != NULL;
  guint n = 0;

  if (g_str_equal (type, "network"))
    for (guint i = 0; self->networks != NULL && i < self->networks->len; i++, n++)
      {
        VireoNetworkInfo *info = self->networks->pdata[i];
        /* Translators: a virtual network: its name, how it forwards, and whether it runs */
        g_autofree char *label = g_strdup_printf (_("%s (%s%s)"), info->name, forward_label (info->forward_mode),
                                                  info->active ? "" : _(", not running"));
        GtkWidget *item = gtk_list_box_row_new ();

        gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (item), suggestion_label (label));
        g_object_set_data_full (G_OBJECT (item), "vireo-value", g_strdup (info->name), g_free);
        gtk_list_box_append (GTK_LIST_BOX (list), item);
      }
  else
    for (guint i = 0; self->host_interfaces != NULL && i < self->host_interfaces->len; i++)
      {
        VireoHostInterfaceInfo *info = self->host_interfaces->pdata[i];
        GtkWidget *item;

        if (g_str_equal (type, "bridge") != (g_strcmp0 (info->type, "bridge") == 0))
          continue;
        item = gtk_list_box_row_new ();
        gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (item), suggestion_label (info->name));
        g_object_set_data_full (G_OBJECT (item), "vireo-value", g_strdup (info->name), g_free);
        gtk_list_box_append (GTK_LIST_BOX (list), item);
        n++;
      }
  if (n == 0)
    {
      GtkWidget *label = gtk_label_new (known ? _("None on this host") : _("Asking the host…"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_list_box_set_placeholder (GTK_LIST_BOX (list), label);
    }
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  g_signal_connect (list, "row-activated", G_CALLBACK (on_suggestion_activated), row);
  gtk_popover_set_child (popover, list);
}

static void
add_source_suggestions (VireoVmWindow *self,
                        GtkWidget     *row,
                        const char    *type)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();

  gtk_widget_set_name (button, "nic-source-suggestions");
  g_object_set_data_full (G_OBJECT (popover), "vireo-type", g_strdup (type), g_free);
  g_signal_connect (popover, "show", G_CALLBACK (on_suggestions_show), row);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "pan-down-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, g_str_equal (type, "network") ? _("This host’s virtual networks")
                                                                     : _("This host’s interfaces"));
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), button);
}

/* The running guest's addresses for this card, by MAC: what a student
 * wants to ssh to. */
static void
fill_nic_addresses (VireoVmWindow *self,
                    GtkWidget     *group,
                    VireoInterface *nic)
{
  g_autofree char *mac = vireo_interface_dup_mac (nic);
  GtkWidget *child;
  guint shown = 0;

  while ((child = g_object_get_data (G_OBJECT (group), "vireo-first-row")) != NULL)
    {
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), child);
      g_object_set_data (G_OBJECT (group), "vireo-first-row", g_object_get_data (G_OBJECT (child), "vireo-next-row"));
    }
  if (!vireo_domain_get_active (self->domain))
    {
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _("The guest is not running."));
      return;
    }
  if (self->guest_addresses == NULL)
    {
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             self->addresses_error != NULL ? self->addresses_error
                                                                           : _("Asking the host…"));
      return;
    }
  for (guint i = 0; i < self->guest_addresses->len; i++)
    {
      VireoGuestInterface *iface = self->guest_addresses->pdata[i];

      if (mac == NULL || g_ascii_strcasecmp (iface->mac != NULL ? iface->mac : "", mac) != 0)
        continue;
      for (guint j = 0; j < iface->addresses->len; j++)
        {
          GtkWidget *row = add_info_row (group, iface->addresses->pdata[j], NULL);

          gtk_widget_set_name (row, "nic-address");
          g_object_set_data (G_OBJECT (row), "vireo-next-row", g_object_get_data (G_OBJECT (group), "vireo-first-row"));
          g_object_set_data (G_OBJECT (group), "vireo-first-row", row);
          shown++;
        }
    }
  if (shown == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("No address known yet: the guest has no DHCP lease on a libvirt "
                                             "network, no guest agent answers, and the host has not seen it "
                                             "on the wire."));
  else
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           self->addresses_source == VIREO_ADDRESS_SOURCE_LEASE
                                           ? _("From the DHCP leases of the virtual network")
                                           : self->addresses_source == VIREO_ADDRESS_SOURCE_AGENT
                                           ? _("From the guest agent inside the guest")
                                           : _("From the host’s ARP table"));
}

static void load_addresses (VireoVmWindow *self);

static void
on_refresh_addresses (GtkButton     *button,
                      VireoVmWindow *self)
{
  load_addresses (self);
}

/* The editor shows its refusals under the field; the window holds
 * Apply for them like for any other row. */
static void
on_port_forward_invalid (VireoPortForwardEditor *editor,
                         GtkWidget              *row,
                         const char             *message,
                         VireoVmWindow          *self)
{
  mark_row (row, message);
}

static GtkWidget *
build_nic (VireoVmWindow  *self,
           VireoInterface *nic)
{
  static const char *models[] = {
    "", N_("Hypervisor default"), "virtio", N_("VirtIO (fastest; Linux, or Windows with drivers)"),
    "e1000e", N_("Intel e1000e (works without drivers)"), "e1000", "e1000",
    "rtl8139", N_("Realtek RTL8139 (very old guests)"), NULL,
  };
  static const char *types[] = {
    "network", N_("Virtual network"),
    "bridge", N_("Host bridge: the guest is on the LAN"),
    "direct", N_("Host device (macvtap): on the LAN, not reachable from this host"),
    "user", N_("User networking: the guest reaches out, nothing reaches the guest"),
    NULL,
  };
  static const char *modes[] = {
    "", N_("Bridge (guests on this device see each other)"), "vepa", N_("VEPA (through the external switch)"),
    "private", N_("Private (guests cannot see each other)"), "passthrough", N_("Passthrough (one guest owns it)"),
    NULL,
  };
  GtkWidget *page = new_page ();
  GtkWidget *group = add_group (page, _("Connection"));
  g_autofree char *type = vireo_interface_dup_type (nic);
  g_autofree char *source = vireo_interface_dup_source (nic);
  g_autofree char *mode = vireo_interface_dup_source_mode (nic);
  g_autofree char *mac = vireo_interface_dup_mac (nic);
  g_autofree char *model = vireo_interface_dup_model (nic);
  g_autofree const char **model_labels = g_new0 (const char *, G_N_ELEMENTS (models));
  g_autofree const char **type_labels = g_new0 (const char *, G_N_ELEMENTS (types));
  g_autofree const char **mode_labels = g_new0 (const char *, G_N_ELEMENTS (modes));
  VireoDevice *device = VIREO_DEVICE (nic);
  GtkWidget *row, *button;

  for (guint i = 0; models[i] != NULL; i++)
    model_labels[i] = i % 2 == 1 ? _(models[i]) : models[i];
  for (guint i = 0; types[i] != NULL; i++)
    type_labels[i] = i % 2 == 1 ? _(types[i]) : types[i];
  for (guint i = 0; modes[i] != NULL; i++)
    mode_labels[i] = i % 2 == 1 ? _(modes[i]) : modes[i];

  tag (add_choice_row (self, group, "nic-type", _("Type"), type_labels, type, set_nic_type), device);
  if (g_strcmp0 (type, "network") == 0 || g_strcmp0 (type, "bridge") == 0 || g_strcmp0 (type, "direct") == 0)
    {
      const char *title = g_str_equal (type, "network") ? _("Virtual network")
                          : g_str_equal (type, "bridge") ? _("Bridge") : _("Host device");

      row = probe (self, tag (add_entry_row (self, group, "nic-source", title, source, set_nic_source), device),
                   probe_nic_source, NULL);
      add_source_suggestions (self, row, type);
    }
  if (g_strcmp0 (type, "direct") == 0)
    tag (add_choice_row (self, group, "nic-source-mode", _("Mode"), mode_labels, mode, set_nic_mode), device);
  if (g_strcmp0 (type, "user") == 0)
    {
      GtkWidget *editor = vireo_port_forward_editor_new (nic);

      vireo_port_forward_editor_set_caps (VIREO_PORT_FORWARD_EDITOR (editor), self->caps);
      vireo_port_forward_editor_set_passt_refusal (VIREO_PORT_FORWARD_EDITOR (editor), self->passt_refusal);
      g_signal_connect_object (editor, "changed", G_CALLBACK (on_edit_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (editor, "row-invalid", G_CALLBACK (on_port_forward_invalid), self, 0);
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (editor));
    }

  group = add_group (page, _("Card"));
  row = tag (add_entry_row (self, group, "nic-mac", _("MAC address"), mac, set_nic_mac), device);
  button = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_name (button, "nic-mac-generate");
  gtk_widget_set_tooltip_text (button, _("Make up a new address"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data (G_OBJECT (button), "vireo-row", row);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_generate_mac), self, 0);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), button);
  probe (self, tag (add_choice_row (self, group, "nic-model", _("Model"), model_labels, model, set_nic_model),
                    device),
         probe_nic_model, NULL);
  probe (self, tag (add_switch_row (self, group, "nic-link", _("Link up"), _("Off: as if the cable were pulled"),
                                    vireo_interface_get_link_up (nic), set_nic_link), device),
         probe_nic_link, NULL);

  group = add_group (page, _("Guest Addresses"));
  gtk_widget_set_name (group, "nic-addresses");
  g_object_set_data (G_OBJECT (page), "vireo-addresses", group);
  button = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_name (button, "nic-addresses-refresh");
  gtk_widget_set_tooltip_text (button, _("Ask again"));
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_sensitive (button, vireo_domain_get_active (self->domain));
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_refresh_addresses), self, 0);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), button);
  fill_nic_addresses (self, group, nic);
  return page;
}

static const char *
listen_choice (VireoGraphics *graphics,
               char         **address_out)
{
  g_autofree char *type = vireo_graphics_dup_listen_type (graphics);
  g_autofree char *address = vireo_graphics_dup_listen_address (graphics);

  *address_out = NULL;
  if (type == NULL || g_strcmp0 (type, "none") == 0)
    return "none";
  if (g_strcmp0 (type, "address") != 0)
    return NULL;   /* socket, network: shown as they are */
  if (g_strcmp0 (address, "127.0.0.1") == 0 || g_strcmp0 (address, "::1") == 0 || g_strcmp0 (address, "localhost") == 0)
    return "localhost";
  if (g_strcmp0 (address, "0.0.0.0") == 0 || g_strcmp0 (address, "::") == 0)
    return "all";
  *address_out = g_steal_pointer (&address);
  return "address";
}

static char *
probe_graphics_listen (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  g_autofree char *type = vireo_graphics_dup_listen_type (VIREO_GRAPHICS (device));
  g_autofree char *address = vireo_graphics_dup_listen_address (VIREO_GRAPHICS (device));

  return g_strdup (address != NULL ? address : type != NULL ? type : "none");
}

static char *
probe_graphics_port (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  int port = vireo_graphics_get_port (VIREO_GRAPHICS (device));

  return port == -1 ? g_strdup (_("automatic")) : g_strdup_printf ("%d", port);
}

static char *
probe_graphics_gl (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  return yes_no (vireo_graphics_get_gl (VIREO_GRAPHICS (device)));
}

static GtkWidget *
page_row (GtkWidget  *row,
          const char *name)
{
  GtkWidget *page = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_PAGE);

  return page != NULL ? g_object_get_data (G_OBJECT (page), name) : NULL;
}

static void
set_listen_address (VireoVmWindow *self, GtkWidget *row, const char *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

  if (address == NULL)
    {
      mark_row (row, _("Type an IPv4 or IPv6 address of this host, such as 192.168.1.10."));
      return;
    }
  mark_row (row, NULL);
  vireo_graphics_set_listen (VIREO_GRAPHICS (row_device (self, row)), "address", text);
}

static void
set_graphics_listen (VireoVmWindow *self, GtkWidget *row, const char *value)
{
  VireoGraphics *graphics = VIREO_GRAPHICS (row_device (self, row));
  GtkWidget *address_row = page_row (row, "listen-address");

  if (address_row != NULL)
    gtk_widget_set_visible (address_row, g_strcmp0 (value, "address") == 0);
  /* Without a network listener there is no port (libvirt drops it). */
  for (const char * const *name = (const char *[]) { "graphics-autoport", "graphics-port", NULL }; *name; name++)
    if (page_row (row, *name) != NULL)
      gtk_widget_set_visible (page_row (row, *name), g_strcmp0 (value, "none") != 0);
  if (g_strcmp0 (value, "none") == 0 || value == NULL)
    vireo_graphics_set_listen (graphics, "none", NULL);
  else if (g_strcmp0 (value, "localhost") == 0)
    vireo_graphics_set_listen (graphics, "address", "127.0.0.1");
  else if (g_strcmp0 (value, "all") == 0)
    vireo_graphics_set_listen (graphics, "address", "0.0.0.0");
  else if (g_strcmp0 (value, "address") == 0 && address_row != NULL)
    set_listen_address (self, address_row, gtk_editable_get_text (GTK_EDITABLE (address_row)));
}

static void
set_graphics_autoport (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  GtkWidget *port_row = page_row (row, "graphics-port");

  if (port_row != NULL)
    gtk_widget_set_sensitive (port_row, !active);
  if (active)
    vireo_graphics_set_port (VIREO_GRAPHICS (row_device (self, row)), -1);
  else if (port_row != NULL)
    vireo_graphics_set_port (VIREO_GRAPHICS (row_device (self, row)),
                             (int) gtk_spin_button_get_value (g_object_get_data (G_OBJECT (port_row), "vireo-spin")));
}

static void
set_graphics_port (VireoVmWindow *self, GtkWidget *row, double value)
{
  GtkWidget *auto_row = page_row (row, "graphics-autoport");

  if (auto_row != NULL && gtk_switch_get_active (g_object_get_data (G_OBJECT (auto_row), "vireo-switch")))
    return;
  vireo_graphics_set_port (VIREO_GRAPHICS (row_device (self, row)), (int) value);
}

static void
remember_password (VireoVmWindow *self,
                   VireoGraphics *graphics,
                   const char    *password)
{
  g_autofree char *type = vireo_graphics_dup_type (graphics);

  g_hash_table_replace (self->console_passwords, g_strdup (type != NULL ? type : "vnc"),
                        g_strdup (password != NULL ? password : ""));
}

static void
set_graphics_password (VireoVmWindow *self, GtkWidget *row, const char *text)
{
  VireoGraphics *graphics = VIREO_GRAPHICS (row_device (self, row));
  g_autofree char *type = vireo_graphics_dup_type (graphics);
  GtkWidget *required = page_row (row, "graphics-password-required");

  if (required != NULL && !gtk_switch_get_active (g_object_get_data (G_OBJECT (required), "vireo-switch")))
    return;
  if (*text == '\0')
    {
      mark_row (row, _("Type the password the console must give."));
      return;
    }
  /* QEMU's VNC authentication (DES) reads only eight characters: a longer
   * password would look strong and be weak. */
  if (g_strcmp0 (type, "vnc") == 0 && strlen (text) > 8)
    {
      mark_row (row, _("VNC passwords are at most 8 characters; anything longer is cut off by the protocol."));
      return;
    }
  mark_row (row, NULL);
  vireo_graphics_set_password (graphics, text);
  remember_password (self, graphics, text);
}

static void
set_graphics_password_required (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  VireoGraphics *graphics = VIREO_GRAPHICS (row_device (self, row));
  GtkWidget *entry = page_row (row, "graphics-password");

  if (entry != NULL)
    gtk_widget_set_sensitive (entry, active);
  if (!active)
    {
      if (entry != NULL)
        mark_row (entry, NULL);
      vireo_graphics_set_password (graphics, NULL);
      remember_password (self, graphics, NULL);
    }
  else if (entry != NULL)
    set_graphics_password (self, entry, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
set_graphics_gl (VireoVmWindow *self, GtkWidget *row, gboolean active)
{
  vireo_graphics_set_gl (VIREO_GRAPHICS (row_device (self, row)), active);
}

static GtkWidget *
build_graphics (VireoVmWindow *self,
                VireoGraphics *graphics)
{
  static const char *listens[] = {
    "none", N_("No network: consoles through libvirt only (safest)"),
    "localhost", N_("This host only (127.0.0.1)"),
    "all", N_("All networks (0.0.0.0): anyone who reaches the host"),
    "address", N_("One address of this host"),
    NULL,
  };
  GtkWidget *page = new_page ();
  GtkWidget *group = add_group (page, _("Display"));
  VireoDevice *device = VIREO_DEVICE (graphics);
  g_autofree char *type = vireo_graphics_dup_type (graphics);
  g_autofree char *address = NULL;
  g_autofree const char **labels = g_new0 (const char *, G_N_ELEMENTS (listens));
  const char *listen = listen_choice (graphics, &address);
  int port = vireo_graphics_get_port (graphics);
  gboolean is_vnc = g_strcmp0 (type, "vnc") == 0;
  GtkWidget *row;

  for (guint i = 0; listens[i] != NULL; i++)
    labels[i] = i % 2 == 1 ? _(listens[i]) : listens[i];

  add_info_row (group, _("Protocol"), is_vnc ? "VNC" : g_strcmp0 (type, "spice") == 0 ? "SPICE" : type);
  if (listen == NULL)
    {
      g_autofree char *listen_type = vireo_graphics_dup_listen_type (graphics);
      add_info_row (group, _("Listens on"), listen_type);
    }
  else
    {
      row = probe (self, tag (add_choice_row (self, group, "graphics-listen", _("Listens on"), labels, listen,
                                              set_graphics_listen), device),
                   probe_graphics_listen, NULL);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Vireo's console never needs a network port; others' viewers may"));
      row = tag (add_entry_row (self, group, "listen-address", _("Address"), address, set_listen_address), device);
      gtk_widget_set_visible (row, g_strcmp0 (listen, "address") == 0);
      g_object_set_data (G_OBJECT (page), "listen-address", row);
    }

  row = tag (add_switch_row (self, group, "graphics-autoport", _("Choose the port automatically"), NULL,
                             port == -1, set_graphics_autoport), device);
  g_object_set_data (G_OBJECT (page), "graphics-autoport", row);
  row = probe (self, tag (add_spin_row (self, group, "graphics-port", _("Port"), port == -1 ? 5900 : port,
                                        5900, 65535, set_graphics_port), device),
               probe_graphics_port, NULL);
  gtk_widget_set_sensitive (row, port != -1);
  g_object_set_data (G_OBJECT (page), "graphics-port", row);
  gtk_widget_set_visible (row, g_strcmp0 (listen, "none") != 0);
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (page), "graphics-autoport"), g_strcmp0 (listen, "none") != 0);

  group = add_group (page, _("Security"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Vireo keeps the password in your keyring, so its console can answer it."));
  row = tag (add_switch_row (self, group, "graphics-password-required", _("Require a password"),
                             is_vnc ? _("VNC passwords are at most 8 characters") : NULL,
                             vireo_graphics_get_has_password (graphics), set_graphics_password_required), device);
  g_object_set_data (G_OBJECT (page), "graphics-password-required", row);
  row = adw_password_entry_row_new ();
  gtk_widget_set_name (row, "graphics-password");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 vireo_graphics_get_has_password (graphics) ? _("New password (leave empty to keep)")
                                                                            : _("Password"));
  g_object_set_data (G_OBJECT (row), "vireo-setter", set_graphics_password);
  g_object_set_data (G_OBJECT (row), "vireo-device", device);
  g_signal_connect_object (row, "changed", G_CALLBACK (on_entry_changed), self, 0);
  gtk_widget_set_sensitive (row, vireo_graphics_get_has_password (graphics));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_object_set_data (G_OBJECT (page), "graphics-password", row);

  if (g_strcmp0 (type, "spice") == 0)
    {
      group = add_group (page, _("Acceleration"));
      probe (self, tag (add_switch_row (self, group, "graphics-gl", _("OpenGL"),
                                        _("3D through the host's GPU; needs a virtio video device with 3D"),
                                        vireo_graphics_get_gl (graphics), set_graphics_gl), device),
             probe_graphics_gl, NULL);
    }
  return page;
}

/* ------------------------------------------------------------------------ */
/* Devices with a field table                                                */

static char *
probe_field (VireoDomainConfig *config, VireoDevice *device, gconstpointer data)
{
  const VireoDeviceField *field = data;

  if (field->type == VIREO_FIELD_SWITCH)
    return yes_no (vireo_device_get_field_active (device, field));
  return vireo_device_dup_field (device, field);
}

static void
on_form_row_invalid (VireoDeviceForm *form,
                     GtkWidget       *row,
                     const char      *message,
                     VireoVmWindow   *self)
{
  mark_row (row, message);
}

/* A controller's page says what hangs on it, since that is what keeps it
 * from being removed, and what a student wants to see. */
static void
add_controller_devices (VireoVmWindow *self,
                        GtkWidget     *page,
                        VireoDevice   *controller)
{
  g_autoptr(GPtrArray) on_it = vireo_domain_config_list_controller_devices (self->edit, controller);
  GtkWidget *group = add_group (page, _("Attached Devices"));

  gtk_widget_set_name (group, "controller-devices");
  if (on_it->len == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _("Nothing is attached to this controller."));
  for (guint i = 0; i < on_it->len; i++)
    {
      g_autofree char *title = vireo_device_dup_title (on_it->pdata[i]);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}

static GtkWidget *
build_fields (VireoVmWindow *self,
              VireoDevice   *device,
              gboolean      *has_fields)
{
  GtkWidget *page = new_page ();
  GtkWidget *form = vireo_device_form_new (device);
  GPtrArray *rows = vireo_device_form_get_rows (VIREO_DEVICE_FORM (form));

  *has_fields = vireo_device_form_has_rows (VIREO_DEVICE_FORM (form));
  if (!*has_fields)
    {
      GtkWidget *group = add_group (page, NULL);

      g_object_ref_sink (form);
      g_object_unref (form);
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("This device has no form: its XML view edits all of it."));
      return page;
    }

  gtk_widget_set_name (form, "device-form");
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = rows->pdata[i];

      probe (self, tag (row, device), probe_field, vireo_device_form_row_get_field (row));
    }
  g_signal_connect_object (form, "row-invalid", G_CALLBACK (on_form_row_invalid), self, 0);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (form));
  if (vireo_device_get_kind (device) == VIREO_DEVICE_CONTROLLER)
    add_controller_devices (self, page, device);
  return page;
}

static void
on_remove_clicked (GtkButton     *button,
                   VireoVmWindow *self)
{
  VireoDevice *device = g_object_get_data (G_OBJECT (button), "vireo-device");
  g_autofree char *refusal = NULL;

  if (self->edit == NULL || !vireo_device_get_attached (device))
    return;
  refusal = vireo_domain_config_dup_removal_refusal (self->edit, device);
  if (refusal != NULL)
    {
      set_error (self, refusal);
      return;
    }
  set_error (self, NULL);
  /* Out of the copy; Apply takes it out of the definition. */
  vireo_domain_config_remove_device (self->edit, device);
  gtk_stack_set_visible_child_name (self->page_stack, "overview");
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
}

static void
add_remove_group (VireoVmWindow *self,
                  GtkWidget     *page,
                  VireoDevice   *device)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Remove Device"));
  g_autofree char *refusal = NULL;

  gtk_widget_set_name (button, "device-remove");
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_add_css_class (button, "destructive-action");
  g_object_set_data (G_OBJECT (button), "vireo-device", device);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_remove_clicked), self, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), button);
  /* Said before the click: a button that refuses only when pressed
   * teaches nothing. */
  if ((refusal = vireo_domain_config_dup_removal_refusal (self->edit, device)) != NULL)
    {
      gtk_widget_set_sensitive (button, FALSE);
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), refusal);
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
}

/* A device page's XML view: the element as text, with a diff against
 * libvirt's. Its text becomes the device when the user goes back to the
 * settings, leaves the page or applies; text that is not a device element
 * stays, with its line marked, and so does the user. */
static gboolean
take_device_xml (VireoVmWindow *self,
                 GtkWidget     *outer)
{
  VireoXmlEditor *editor = g_object_get_data (G_OBJECT (outer), "vireo-xml-editor");
  VireoDevice *device = g_object_get_data (G_OBJECT (outer), "vireo-device");
  g_autofree char *text = NULL;
  g_autofree char *current = NULL;
  g_autoptr(GError) error = NULL;

  if (editor == NULL || device == NULL || !vireo_device_get_attached (device))
    return TRUE;
  text = vireo_xml_editor_dup_text (editor);
  current = vireo_device_to_xml (device);
  if (g_strcmp0 (text, current) == 0)
    return TRUE;
  if (!vireo_device_set_xml (device, text, &error))
    {
      vireo_xml_editor_set_error (editor, vireo_xml_editor_parse_error_line (error->message), error->message);
      return FALSE;
    }
  vireo_xml_editor_clear_error (editor);
  return TRUE;
}

static gboolean
showing_device_xml (GtkWidget *outer)
{
  GtkStack *views = outer != NULL ? g_object_get_data (G_OBJECT (outer), "vireo-views") : NULL;

  return views != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (views), "xml") == 0;
}

static void
on_device_view_changed (GtkStack      *views,
                        GParamSpec    *pspec,
                        VireoVmWindow *self)
{
  GtkWidget *outer = g_object_get_data (G_OBJECT (views), "vireo-outer");
  VireoXmlEditor *editor = g_object_get_data (G_OBJECT (outer), "vireo-xml-editor");
  VireoDevice *device = g_object_get_data (G_OBJECT (outer), "vireo-device");

  if (self->switching_views || !vireo_device_get_attached (device))
    return;

  if (showing_device_xml (outer))
    {
      /* Entering: the device as it stands, field edits included; but
       * never over text the user typed and has not handed over yet. */
      g_autofree char *current = vireo_device_to_xml (device);
      g_autofree char *text = vireo_xml_editor_dup_text (editor);
      const char *shown = g_object_get_data (G_OBJECT (editor), "vireo-shown");

      if (g_strcmp0 (text, current) != 0 && (shown == NULL || g_strcmp0 (text, shown) == 0))
        {
          gtk_text_buffer_set_text (GTK_TEXT_BUFFER (vireo_xml_editor_get_buffer (editor)), current, -1);
          g_object_set_data_full (G_OBJECT (editor), "vireo-shown", g_steal_pointer (&current), g_free);
        }
      return;
    }

  /* Leaving: the text must be a device first. */
  self->switching_views = TRUE;
  gtk_stack_set_visible_child_name (views, "xml");
  if (take_device_xml (self, outer))
    {
      gtk_stack_set_visible_child_name (views, "fields");
      /* The fields must show what the text said. */
      if (self->rebuild_source == 0)
        self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
    }
  self->switching_views = FALSE;
}

static GtkWidget *
build_device (VireoVmWindow *self,
              VireoDevice   *device)
{
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *views = gtk_stack_new ();
  GtkWidget *switcher = gtk_stack_switcher_new ();
  GtkWidget *editor = vireo_xml_editor_new ();
  VireoDevice *saved = self->saved != NULL ? vireo_domain_config_find_device_like (self->saved, device) : NULL;
  g_autofree char *original = saved != NULL ? vireo_device_to_xml (saved) : g_strdup ("");
  g_autofree char *current = vireo_device_to_xml (device);
  gboolean has_fields = TRUE;
  GtkWidget *page;

  if (VIREO_IS_DISK (device))
    page = build_disk (self, VIREO_DISK (device));
  else if (VIREO_IS_INTERFACE (device))
    page = build_nic (self, VIREO_INTERFACE (device));
  else if (VIREO_IS_GRAPHICS (device))
    page = build_graphics (self, VIREO_GRAPHICS (device));
  else
    page = build_fields (self, device, &has_fields);
  add_remove_group (self, page, device);

  gtk_widget_set_name (editor, "device-xml");
  vireo_xml_editor_set_original (VIREO_XML_EDITOR (editor), original);
  if (g_strcmp0 (original, current) != 0)
    gtk_text_buffer_set_text (GTK_TEXT_BUFFER (vireo_xml_editor_get_buffer (VIREO_XML_EDITOR (editor))),
                              current, -1);
  g_object_set_data_full (G_OBJECT (editor), "vireo-shown", g_strdup (current), g_free);
  gtk_stack_add_titled (GTK_STACK (views), page, "fields", _("Settings"));
  gtk_stack_add_titled (GTK_STACK (views), editor, "xml", _("XML"));
  gtk_stack_set_visible_child_name (GTK_STACK (views), has_fields ? "fields" : "xml");
  gtk_widget_set_vexpand (views, TRUE);
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), GTK_STACK (views));
  gtk_widget_set_halign (switcher, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (switcher, 12);
  gtk_widget_set_margin_bottom (switcher, 6);
  gtk_box_append (GTK_BOX (outer), switcher);
  gtk_box_append (GTK_BOX (outer), views);

  g_object_set_data (G_OBJECT (views), "vireo-outer", outer);
  g_object_set_data (G_OBJECT (outer), "vireo-views", views);
  g_object_set_data (G_OBJECT (outer), "vireo-xml-editor", editor);
  g_object_set_data (G_OBJECT (outer), "vireo-device", device);
  g_signal_connect_object (views, "notify::visible-child-name", G_CALLBACK (on_device_view_changed), self, 0);
  return outer;
}

static const char *
device_icon (VireoDevice *device)
{
  switch (vireo_device_get_kind (device))
    {
    case VIREO_DEVICE_DISK:      return "drive-harddisk-symbolic";
    case VIREO_DEVICE_INTERFACE: return "network-wired-symbolic";
    case VIREO_DEVICE_GRAPHICS:
    case VIREO_DEVICE_VIDEO:     return "video-display-symbolic";
    case VIREO_DEVICE_SOUND:     return "audio-speakers-symbolic";
    case VIREO_DEVICE_INPUT:     return "input-mouse-symbolic";
    case VIREO_DEVICE_SERIAL:
    case VIREO_DEVICE_CONSOLE:
    case VIREO_DEVICE_CHANNEL:   return "utilities-terminal-symbolic";
    default:                     return "application-x-firmware-symbolic";
    }
}

static void
add_page (VireoVmWindow *self,
          const char    *name,
          const char    *title,
          const char    *icon,
          GtkWidget     *page)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon));
  gtk_box_append (GTK_BOX (box), label);
  {
    GtkWidget *dot = gtk_image_new_from_icon_name ("media-record-symbolic");

    gtk_widget_add_css_class (dot, "accent");
    gtk_image_set_pixel_size (GTK_IMAGE (dot), 8);
    gtk_widget_set_hexpand (dot, TRUE);
    gtk_widget_set_halign (dot, GTK_ALIGN_END);
    gtk_widget_set_visible (dot, FALSE);
    gtk_widget_set_tooltip_text (dot, _("Changes at the next boot"));
    gtk_box_append (GTK_BOX (box), dot);
    g_object_set_data (G_OBJECT (row), "vireo-dot", dot);
  }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "vireo-page", g_strdup (name), g_free);
  gtk_list_box_append (self->page_list, row);
  gtk_stack_add_named (self->page_stack, page, name);
}

static void
on_edit_changed (VireoVmWindow *self)
{
  update_actions (self);
}

/* The OS page: which system libosinfo says this is, and how the machine
 * compares with what that system wants. The id is only metadata (it
 * changes nothing in the guest), but virt-install, GNOME Boxes and
 * Cockpit read it, and the wizard and the hints here depend on it. */

static GtkWidget *build_os (VireoVmWindow *self);

/* Only this page: a rebuild of the window would throw away what the user
 * is typing on other pages (values not yet valid live only in their
 * fields). Called from the picker's own signal, so the swap waits for an
 * idle moment rather than destroying the picker under its emission. */
static gboolean
refresh_os_page_idle (gpointer data)
{
  VireoVmWindow *self = data;
  GtkWidget *old = gtk_stack_get_child_by_name (self->page_stack, "os");
  gboolean visible;

  self->os_refresh_source = 0;
  if (old == NULL || self->edit == NULL)
    return G_SOURCE_REMOVE;
  visible = gtk_stack_get_visible_child (self->page_stack) == old;
  gtk_stack_remove (self->page_stack, old);
  gtk_stack_add_named (self->page_stack, build_os (self), "os");
  if (visible)
    gtk_stack_set_visible_child_name (self->page_stack, "os");
  return G_SOURCE_REMOVE;
}

static void
refresh_os_page (VireoVmWindow *self)
{
  if (self->os_refresh_source == 0)
    self->os_refresh_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, refresh_os_page_idle, self, NULL);
}

static void
on_os_selected (VireoOsPicker *picker,
                VireoOsInfo   *info,
                VireoVmWindow *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (picker), GTK_TYPE_POPOVER);

  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  if (!vireo_domain_config_set_os_id (self->edit, vireo_os_info_get_id (info), &error))
    {
      set_error (self, error->message);
      return;
    }
  on_edit_changed (self);
  refresh_os_page (self);
}

static char *
format_bytes (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* "4 GiB recommended (this machine has 2 GiB)", with a warning icon when
 * the machine is below the system's minimum. */
static void
add_resource_row (GtkWidget  *group,
                  const char *name,
                  const char *title,
                  const char *wanted,
                  const char *has,
                  gboolean    below_minimum,
                  const char *minimum)
{
  GtkWidget *row = add_info_row (group, title, wanted);

  gtk_widget_set_name (row, name);
  if (below_minimum)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      g_autofree char *subtitle = g_strdup_printf (_("This machine has %s, less than the minimum of %s"),
                                                   has, minimum);

      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data (G_OBJECT (row), "vireo-below-minimum", GINT_TO_POINTER (TRUE));
    }
  else
    {
      g_autofree char *subtitle = g_strdup_printf (_("This machine has %s"), has);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
}

static void
build_os_hints (VireoVmWindow *self,
                GtkWidget     *page,
                VireoOsInfo   *info)
{
  VireoOsResources minimum, recommended;
  GtkWidget *group;
  guint64 memory = vireo_domain_config_get_memory_kib (self->edit) * 1024;
  guint vcpus = vireo_domain_config_get_vcpus (self->edit);
  g_autoptr(VireoFirmwareInfo) firmware = vireo_firmware_get_info (self->edit);

  vireo_os_info_get_minimum_resources (info, &minimum);
  vireo_os_info_get_recommended_resources (info, &recommended);

  group = add_group (page, _("What It Wants"));
  gtk_widget_set_name (group, "os-hints");
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("From the operating system database; nothing here is changed for you"));
  if (recommended.ram != 0 || minimum.ram != 0)
    {
      g_autofree char *wanted = format_bytes (recommended.ram != 0 ? recommended.ram : minimum.ram);
      g_autofree char *has = format_bytes (memory);
      g_autofree char *min = format_bytes (minimum.ram);

      add_resource_row (group, "os-memory", recommended.ram != 0 ? _("Memory, recommended") : _("Memory, minimum"),
                        wanted, has, minimum.ram != 0 && memory < minimum.ram, min);
    }
  if (recommended.n_cpus != 0 || minimum.n_cpus != 0)
    {
      g_autofree char *wanted = g_strdup_printf ("%u", recommended.n_cpus != 0 ? recommended.n_cpus : minimum.n_cpus);
      g_autofree char *has = g_strdup_printf ("%u", vcpus);
      g_autofree char *min = g_strdup_printf ("%u", minimum.n_cpus);

      add_resource_row (group, "os-vcpus", recommended.n_cpus != 0 ? _("vCPUs, recommended") : _("vCPUs, minimum"),
                        wanted, has, minimum.n_cpus != 0 && vcpus < minimum.n_cpus, min);
    }
  if (recommended.storage != 0)
    {
      g_autofree char *wanted = format_bytes (recommended.storage);
      GtkWidget *row = add_info_row (group, _("Disk, recommended"), wanted);

      gtk_widget_set_name (row, "os-storage");
    }
  if (vireo_os_info_get_needs_uefi (info))
    {
      gboolean uefi = firmware != NULL && g_strcmp0 (firmware->firmware, "efi") == 0;
      GtkWidget *row = add_info_row (group, _("Firmware"),
                                     vireo_os_info_get_needs_tpm (info) ? _("UEFI, Secure Boot, TPM")
                                                                        : _("UEFI"));

      gtk_widget_set_name (row, "os-firmware");
      if (!uefi)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                     _("This machine boots with BIOS (see Overview)"));
    }
  {
    GtkWidget *row = add_info_row (group, _("Paravirtual (virtio) devices"),
                                   vireo_os_info_get_virtio_disk (info) && vireo_os_info_get_virtio_net (info)
                                   ? _("Disk and network")
                                   : vireo_os_info_get_virtio_disk (info) ? _("Disk only")
                                   : vireo_os_info_get_virtio_net (info) ? _("Network only")
                                   : _("Not without extra drivers"));

    gtk_widget_set_name (row, "os-virtio");
  }
}

static GtkWidget *
build_os (VireoVmWindow *self)
{
  GtkWidget *page = new_page ();
  GtkWidget *group = add_group (page, _("Operating System"));
  g_autofree char *id = vireo_domain_config_dup_os_id (self->edit);
  VireoOsInfo *info = NULL;
  GtkWidget *row, *button, *popover, *picker;
  const char *subtitle = NULL;

  if (self->os_db != NULL && id != NULL)
    info = vireo_os_db_find (self->os_db, id);

  row = adw_action_row_new ();
  gtk_widget_set_name (row, "os-name");
  if (info != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), vireo_os_info_get_name (info));
      subtitle = id;
    }
  else if (id == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Not set"));
      subtitle = _("Choose the system so Vireo and other tools know what this machine runs");
    }
  else
    {
      /* A newer osinfo-db elsewhere wrote an id this computer does not
       * know: show it as it is rather than "Unknown". */
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), id);
      subtitle = self->os_db != NULL ? _("Not in this computer’s operating system database")
                                     : _("Reading the operating system database…");
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  picker = vireo_os_picker_new ();
  gtk_widget_set_size_request (picker, 360, 420);
  g_signal_connect_object (picker, "os-selected", G_CALLBACK (on_os_selected), self, 0);
  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), picker);
  button = gtk_menu_button_new ();
  gtk_widget_set_name (button, "os-change");
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), _("Change…"));
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  if (info != NULL && !vireo_os_info_get_unknown (info))
    {
      const char *released = vireo_os_info_get_release_date (info);
      const char *eol = vireo_os_info_get_eol_date (info);

      if (vireo_os_info_get_vendor (info) != NULL)
        add_info_row (group, _("Vendor"), vireo_os_info_get_vendor (info));
      if (released != NULL)
        add_info_row (group, _("Released"), released);
      if (eol != NULL || vireo_os_info_get_eol (info))
        {
          GtkWidget *eol_row = add_info_row (group, _("End of life"), eol != NULL ? eol : _("Yes"));

          gtk_widget_set_name (eol_row, "os-eol");
          if (vireo_os_info_get_eol (info))
            adw_action_row_set_subtitle (ADW_ACTION_ROW (eol_row),
                                         _("No longer maintained: it gets no security updates"));
        }
      build_os_hints (self, page, info);
    }
  return page;
}

static void
os_db_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  VireoOsDb *db = vireo_os_db_load_finish (result, &error);

  if (db == NULL)
    {
      /* The page keeps showing the raw id; the picker says why itself. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Operating system database: %s", error->message);
      return;
    }
  self->os_db = db;
  refresh_os_page (self);
}


static void
rebuild (VireoVmWindow *self)
{
  g_autofree char *visible = g_strdup (gtk_stack_get_visible_child_name (self->page_stack));
  g_autoptr(GListModel) devices = NULL;
  GtkWidget *child;
  guint n;

  g_ptr_array_set_size (self->probed_rows, 0);
  g_hash_table_remove_all (self->invalid_rows);
  self->rebuild_deferred = FALSE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->page_list))) != NULL)
    gtk_list_box_remove (self->page_list, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->page_stack))) != NULL)
    gtk_stack_remove (self->page_stack, child);

  add_page (self, "overview", _("Overview"), "dialog-information-symbolic", build_overview (self));
  add_page (self, "os", _("OS Information"), "computer-symbolic", build_os (self));
  add_page (self, "performance", _("Performance"), "power-profile-performance-symbolic",
            vireo_vm_performance_new (self->domain));
  add_page (self, "cpus", _("CPUs"), "system-run-symbolic", build_cpus (self));
  add_page (self, "memory", _("Memory"), "drive-multidisk-symbolic", build_memory (self));
  if (vireo_boot_is_supported (self->edit))
    add_page (self, "boot", _("Boot"), "media-playlist-consecutive-symbolic", build_boot (self));

  devices = vireo_domain_config_list_devices (self->edit);
  n = g_list_model_get_n_items (devices);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *name = g_strdup_printf ("device-%u", i);
      g_autofree char *title = vireo_device_dup_title (device);

      if (vireo_device_get_kind (device) == VIREO_DEVICE_EMULATOR)
        continue;
      add_page (self, name, title, device_icon (device), build_device (self, device));
    }

  /* The whole definition as text: original = what libvirt has, so its
   * Changes view is the diff of what Apply will define. */
  self->xml_editor = VIREO_XML_EDITOR (vireo_xml_editor_new ());
  vireo_xml_editor_set_original (self->xml_editor, self->saved_xml);
  add_page (self, "xml", _("XML"), "text-x-generic-symbolic", GTK_WIDGET (self->xml_editor));

  if (visible == NULL || !vireo_vm_window_show_page (self, visible))
    vireo_vm_window_show_page (self, "overview");
  update_pending (self);
  update_actions (self);
}

/* The text on the XML page becomes the copy when it differs from it;
 * not well-formed, or not this machine: the page says where, the text
 * stays, and the copy is left as it was. */
static gboolean
take_xml_page (VireoVmWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *current = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) parsed = NULL;

  if (self->xml_editor == NULL || self->edit == NULL)
    return TRUE;
  text = vireo_xml_editor_dup_text (self->xml_editor);
  current = vireo_domain_config_to_xml (self->edit);
  if (g_strcmp0 (text, current) == 0)
    return TRUE;

  parsed = vireo_domain_config_new_from_xml (text, &error);
  if (parsed == NULL)
    {
      vireo_xml_editor_set_error (self->xml_editor, vireo_xml_editor_parse_error_line (error->message),
                                  error->message);
      return FALSE;
    }
  vireo_xml_editor_clear_error (self->xml_editor);
  g_signal_handlers_disconnect_by_func (self->edit, on_edit_changed, self);
  g_set_object (&self->edit, parsed);
  g_signal_connect_object (self->edit, "changed", G_CALLBACK (on_edit_changed), self, G_CONNECT_SWAPPED);
  return TRUE;
}

/* Entering the XML page shows the copy as it stands, fields' edits
 * included. */
static void
show_edit_in_xml_page (VireoVmWindow *self)
{
  g_autofree char *current = NULL;

  if (self->xml_editor == NULL || self->edit == NULL)
    return;
  current = vireo_domain_config_to_xml (self->edit);
  {
    g_autofree char *text = vireo_xml_editor_dup_text (self->xml_editor);

    if (g_strcmp0 (text, current) != 0)
      gtk_text_buffer_set_text (GTK_TEXT_BUFFER (vireo_xml_editor_get_buffer (self->xml_editor)), current, -1);
  }
}

static gboolean
rebuild_idle (gpointer data)
{
  VireoVmWindow *self = data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
on_page_selected (VireoVmWindow *self,
                  GtkListBoxRow *row)
{
  const char *name;
  const char *leaving;

  if (row == NULL)
    return;
  name = g_object_get_data (G_OBJECT (row), "vireo-page");
  leaving = gtk_stack_get_visible_child_name (self->page_stack);

  /* A device's XML view: its text becomes the device, or the user stays. */
  if (g_strcmp0 (leaving, name) != 0 && showing_device_xml (gtk_stack_get_visible_child (self->page_stack)))
    {
      if (!take_device_xml (self, gtk_stack_get_visible_child (self->page_stack)))
        {
          vireo_vm_window_show_page (self, leaving);
          return;
        }
      gtk_stack_set_visible_child_name (self->page_stack, name);
      if (self->rebuild_source == 0)
        self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
      return;
    }

  /* Leaving the XML page with text that is not a definition: stay, with
   * the line marked, rather than lose what was typed. */
  if (g_strcmp0 (leaving, "xml") == 0 && g_strcmp0 (name, "xml") != 0 && !take_xml_page (self))
    {
      vireo_vm_window_show_page (self, "xml");
      return;
    }
  if (g_strcmp0 (leaving, "xml") == 0 && g_strcmp0 (name, "xml") != 0)
    {
      /* The fields must show what the text said: rebuild them, once this
       * row's own selection is over. */
      gtk_stack_set_visible_child_name (self->page_stack, name);
      if (self->rebuild_source == 0)
        self->rebuild_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
      return;
    }
  if (g_strcmp0 (name, "xml") == 0 && g_strcmp0 (leaving, "xml") != 0)
    show_edit_in_xml_page (self);
  gtk_stack_set_visible_child_name (self->page_stack, name);
}

/* ------------------------------------------------------------------------ */
/* Loading and applying                                                      */

static void
take_xml (VireoVmWindow *self,
          const char    *xml)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) saved = vireo_domain_config_new_from_xml (xml, &error);

  if (saved == NULL)
    {
      set_error (self, error->message);
      return;
    }
  g_set_object (&self->saved, saved);
  g_free (self->saved_xml);
  self->saved_xml = vireo_domain_config_to_xml (saved);
  if (self->keep_edit && self->edit != NULL)
    {
      self->keep_edit = FALSE;
      rebuild (self);
      return;
    }
  self->keep_edit = FALSE;
  g_hash_table_remove_all (self->console_passwords);
  if (self->edit != NULL)
    g_signal_handlers_disconnect_by_func (self->edit, on_edit_changed, self);
  g_clear_object (&self->edit);
  self->edit = vireo_domain_config_copy (saved);
  g_signal_connect_object (self->edit, "changed", G_CALLBACK (on_edit_changed), self, G_CONNECT_SWAPPED);
  rebuild (self);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = vireo_domain_read_xml_finish (VIREO_DOMAIN (object), result, &error);

  self->busy = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (xml == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not read the configuration: %s"), error->message);
      set_error (self, message);
      update_actions (self);
      return;
    }
  take_xml (self, xml);
  load_live (self);
  load_caps (self);
  load_autostart (self);
  load_host_lists (self);
  load_addresses (self);
}


static void
autostart_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean autostart = FALSE;
  GtkWidget *page, *row;

  if (!vireo_domain_get_autostart_finish (VIREO_DOMAIN (object), result, &autostart, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("autostart unknown: %s", error->message);
      return;
    }
  /* What the user has switched already stays switched. */
  if (self->autostart_edit < 0 || self->autostart_edit == self->autostart_saved)
    self->autostart_edit = autostart;
  self->autostart_saved = autostart;
  page = vireo_vm_window_get_page (self, "boot");
  if (page != NULL && (row = find_named (page, "autostart")) != NULL)
    {
      gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "vireo-switch"), self->autostart_edit);
      gtk_widget_set_sensitive (row, TRUE);
    }
  update_actions (self);
}

static void
load_autostart (VireoVmWindow *self)
{
  vireo_domain_get_autostart_async (self->domain, self->cancellable, autostart_cb, g_object_ref (self));
}

static void
networks_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *networks = vireo_connection_list_networks_finish (VIREO_CONNECTION (object), result, &error);

  if (networks == NULL)
    {
      g_debug ("networks unknown: %s", error->message);
      return;
    }
  g_clear_pointer (&self->networks, g_ptr_array_unref);
  self->networks = networks;
}

static void
host_interfaces_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *interfaces = vireo_connection_list_host_interfaces_finish (VIREO_CONNECTION (object), result, &error);

  if (interfaces == NULL)
    {
      g_debug ("host interfaces unknown: %s", error->message);
      return;
    }
  g_clear_pointer (&self->host_interfaces, g_ptr_array_unref);
  self->host_interfaces = interfaces;
}

static gboolean
edit_has_pool_disk (VireoVmWindow *self)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (self->edit);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *pool = VIREO_IS_DISK (device) ? vireo_disk_dup_source_pool (VIREO_DISK (device)) : NULL;

      if (pool != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
passt_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  char *refusal = vireo_connection_probe_passt_finish (VIREO_CONNECTION (object), result, &error);

  if (refusal == NULL)
    return;
  g_free (self->passt_refusal);
  self->passt_refusal = refusal;
  for (GtkWidget *page = gtk_widget_get_first_child (GTK_WIDGET (self->page_stack));
       page != NULL; page = gtk_widget_get_next_sibling (page))
    {
      GtkWidget *editor = find_named (page, "port-forward-editor");

      if (editor != NULL)
        vireo_port_forward_editor_set_passt_refusal (VIREO_PORT_FORWARD_EDITOR (editor), refusal);
    }
}

/* Disk pages offer the volumes of the host's pools: news that arrives
 * after the pages are built. */
static void
pools_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *pools = vireo_connection_list_pools_finish (VIREO_CONNECTION (object), result, &error);

  if (pools == NULL)
    {
      g_debug ("storage pools unknown: %s", error->message);
      return;
    }
  g_clear_pointer (&self->pools, g_ptr_array_unref);
  self->pools = pools;
  /* Only pages of disks named by pool show what the list says (the
   * source switch reads it when used): after each Apply the pages were
   * just rebuilt, and once is enough otherwise. */
  if (self->edit != NULL && edit_has_pool_disk (self))
    queue_background_rebuild (self);
}

/* What the connection type fields offer (networks, interfaces, passt:
 * read once per window) and the pools' volumes (after each load). */
static void
load_host_lists (VireoVmWindow *self)
{
  VireoConnection *conn = vireo_domain_get_connection (self->domain);

  if (conn == NULL)
    return;
  /* After each Apply too: Add Hardware may have made a volume. */
  vireo_connection_list_pools_async (conn, self->cancellable, pools_cb, g_object_ref (self));
  if (self->networks != NULL)
    return;
  vireo_connection_probe_passt_async (conn, self->cancellable, passt_cb, g_object_ref (self));
  vireo_connection_list_networks_async (conn, self->cancellable, networks_cb, g_object_ref (self));
  vireo_connection_list_host_interfaces_async (conn, self->cancellable, host_interfaces_cb, g_object_ref (self));
}

static void
refresh_address_groups (VireoVmWindow *self)
{
  for (GtkWidget *outer = gtk_widget_get_first_child (GTK_WIDGET (self->page_stack));
       outer != NULL; outer = gtk_widget_get_next_sibling (outer))
    {
      VireoDevice *device = g_object_get_data (G_OBJECT (outer), "vireo-device");
      GtkWidget *group = find_named (outer, "nic-addresses");

      if (group != NULL && VIREO_IS_INTERFACE (device))
        fill_nic_addresses (self, group, VIREO_INTERFACE (device));
    }
}

static void
addresses_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  VireoAddressSource source = VIREO_ADDRESS_SOURCE_AUTO;
  GPtrArray *addresses = vireo_domain_list_addresses_finish (VIREO_DOMAIN (object), result, &source, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->guest_addresses, g_ptr_array_unref);
  g_clear_pointer (&self->addresses_error, g_free);
  self->guest_addresses = addresses;
  self->addresses_source = source;
  if (addresses == NULL)
    self->addresses_error = g_strdup (error->message);
  refresh_address_groups (self);
}

static void
load_addresses (VireoVmWindow *self)
{
  g_clear_pointer (&self->guest_addresses, g_ptr_array_unref);
  g_clear_pointer (&self->addresses_error, g_free);
  refresh_address_groups (self);
  if (vireo_domain_get_active (self->domain))
    vireo_domain_list_addresses_async (self->domain, VIREO_ADDRESS_SOURCE_AUTO, self->cancellable, addresses_cb,
                                       g_object_ref (self));
}

static void
load (VireoVmWindow *self)
{
  self->busy = TRUE;
  update_actions (self);
  vireo_domain_read_xml_async (self->domain, TRUE, self->cancellable, read_cb, g_object_ref (self));
}

static void
caps_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = vireo_domain_read_caps_finish (VIREO_DOMAIN (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (xml == NULL)
    {
      /* Not every driver answers (the test driver does not): the pages
       * then take free text where they would offer a list. */
      g_debug ("No domain capabilities: %s", error->message);
      return;
    }
  self->caps = vireo_domain_caps_new_from_xml (xml, &error);
  if (self->caps == NULL)
    {
      g_debug ("Unreadable domain capabilities: %s", error->message);
      return;
    }
  if (self->edit != NULL)
    queue_background_rebuild (self);
}

/* Once per window: what this host offers a machine set up like this one.
 * The pages are built first and offer the lists when they arrive. */
static void
load_caps (VireoVmWindow *self)
{
  g_autofree char *emulator = NULL;
  g_autofree char *arch = NULL;
  g_autofree char *machine = NULL;

  if (self->caps_requested || self->saved == NULL)
    return;
  self->caps_requested = TRUE;
  vireo_os_db_load_async (self->cancellable, os_db_cb, g_object_ref (self));
  emulator = vireo_domain_config_dup_emulator (self->saved);
  arch = vireo_domain_config_dup_arch (self->saved);
  machine = vireo_domain_config_dup_machine (self->saved);
  vireo_domain_read_caps_async (self->domain, emulator, arch, machine,
                                vireo_domain_config_get_domain_type (self->saved),
                                self->cancellable, caps_cb, g_object_ref (self));
}

static void
live_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = vireo_domain_read_xml_finish (VIREO_DOMAIN (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->reading_live--;
  if (self->reading_live > 0)
    return;   /* a newer read is on its way */
  g_clear_object (&self->live);
  /* No live XML (it stopped meanwhile): nothing to compare, no badges. */
  if (xml != NULL && vireo_domain_get_active (self->domain))
    self->live = vireo_domain_config_new_from_xml (xml, NULL);
  update_pending (self);
}

/* The running guest's definition, for the "next boot" badges; read after
 * the saved one and again whenever the machine starts or stops. */
static void
load_live (VireoVmWindow *self)
{
  if (!vireo_domain_get_active (self->domain))
    {
      g_clear_object (&self->live);
      update_pending (self);
      return;
    }
  self->reading_live++;
  vireo_domain_read_xml_async (self->domain, FALSE, self->cancellable, live_read_cb, g_object_ref (self));
}

/* The end of an Apply, whatever it went through. */
static void begin_now (VireoVmWindow *self);

static void
finish_apply (VireoVmWindow *self,
              const char    *toast)
{
  self->busy = FALSE;
  if (toast != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (toast));
  if (self->closing)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (self->restarting)
    {
      update_actions (self);
      start_shutdown (self);
      return;
    }
  /* Read back what libvirt made of it: it normalises (units, defaults),
   * and the live side tells which badges to show. */
  load (self);
  if (self->begin_after_apply)
    {
      self->begin_after_apply = FALSE;
      begin_now (self);
    }
}

static void
live_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) done = vireo_domain_apply_live_finish (VIREO_DOMAIN (object), result, &error);
  g_autoptr(GString) failures = g_string_new (NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (done == NULL)
    g_string_append_printf (failures, "\n• %s", error->message);
  for (guint i = 0; done != NULL && i < done->len; i++)
    {
      VireoLiveChange *change = done->pdata[i];

      if (change->error != NULL)
        g_string_append_printf (failures, "\n• %s", change->error->message);
    }

  if (failures->len > 0)
    {
      g_autofree char *message = g_strconcat (_("Saved. The running guest did not take these changes now; "
                                                "they take effect at its next boot:"),
                                              failures->str, NULL);
      set_error (self, message);
      finish_apply (self, NULL);
      return;
    }
  set_error (self, NULL);
  finish_apply (self, _("Saved, and changed on the running guest."));
}

static void
kept_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_secrets_keep_console_password_finish (result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("The display password is set, but could not be kept in "
                                                    "your keyring: %s"), error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }
}

/* A display password the user set (or removed) in these pages goes to
 * the keyring once libvirt has it. */
static void
keep_console_passwords (VireoVmWindow *self)
{
  VireoConnection *conn = vireo_domain_get_connection (self->domain);
  GHashTableIter iter;
  gpointer type, password;

  if (conn != NULL)
    {
      g_hash_table_iter_init (&iter, self->console_passwords);
      while (g_hash_table_iter_next (&iter, &type, &password))
        vireo_secrets_keep_console_password_async (vireo_connection_get_uri (conn),
                                                   vireo_domain_get_uuid (self->domain), type,
                                                   vireo_domain_config_get_name (self->edit),
                                                   *(const char *) password != '\0' ? password : NULL,
                                                   self->cancellable, kept_cb, g_object_ref (self));
    }
  g_hash_table_remove_all (self->console_passwords);
}

static void
define_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_domain_define_xml_finish (VIREO_DOMAIN (object), result, &error))
    {
      self->busy = FALSE;
      self->restarting = FALSE;
      g_clear_pointer (&self->live_changes, g_ptr_array_unref);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The user's edits stay as they are; only the message is new, and
       * on the XML page it points at its line. */
      set_error (self, error->message);
      if (self->xml_editor != NULL
          && g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "xml") == 0)
        vireo_xml_editor_set_error (self->xml_editor, vireo_xml_editor_parse_error_line (error->message),
                                    error->message);
      update_actions (self);
      return;
    }

  set_error (self, NULL);
  keep_console_passwords (self);
  if (self->live_changes != NULL && self->live_changes->len > 0 && vireo_domain_get_active (self->domain))
    {
      /* The definition first, where nothing is lost; then what the
       * running guest can take now. */
      vireo_domain_apply_live_async (self->domain, g_steal_pointer (&self->live_changes), self->cancellable,
                                     live_cb, g_object_ref (self));
      return;
    }
  g_clear_pointer (&self->live_changes, g_ptr_array_unref);
  finish_apply (self, vireo_domain_get_active (self->domain) && !self->restarting
                      ? _("Saved. The running guest uses it from its next boot.")
                      : _("Saved."));
}

static void
define_edit (VireoVmWindow *self)
{
  g_autofree char *xml = vireo_domain_config_to_xml (self->edit);

  vireo_domain_define_xml_async (self->domain, xml, self->cancellable, define_cb, g_object_ref (self));
}

static void
rename_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_domain_rename_finish (VIREO_DOMAIN (object), result, &error))
    {
      self->busy = FALSE;
      self->restarting = FALSE;
      g_clear_pointer (&self->live_changes, g_ptr_array_unref);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_error (self, error->message);
      update_actions (self);
      return;
    }
  /* libvirt has the new name now; should the define below fail, the next
   * Apply must not rename again. */
  vireo_domain_config_set_name (self->saved, vireo_domain_config_get_name (self->edit));
  g_free (self->saved_xml);
  self->saved_xml = vireo_domain_config_to_xml (self->saved);
  gtk_window_set_title (GTK_WINDOW (self), vireo_domain_config_get_name (self->edit));
  adw_view_switcher_title_set_title (self->switcher_title, vireo_domain_config_get_name (self->edit));
  define_edit (self);
}

static void continue_apply (VireoVmWindow *self);

static void
set_autostart_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_domain_set_autostart_finish (VIREO_DOMAIN (object), result, &error))
    {
      self->busy = FALSE;
      self->restarting = FALSE;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_error (self, error->message);
      update_actions (self);
      return;
    }
  self->autostart_saved = self->autostart_edit;
  continue_apply (self);
}

static void
start_apply (VireoVmWindow *self)
{
  self->busy = TRUE;
  update_actions (self);
  if (autostart_changed (self))
    {
      vireo_domain_set_autostart_async (self->domain, self->autostart_edit, self->cancellable, set_autostart_cb,
                                        g_object_ref (self));
      return;
    }
  continue_apply (self);
}

static void
continue_apply (VireoVmWindow *self)
{
  g_clear_pointer (&self->live_changes, g_ptr_array_unref);
  {
    g_autoptr(VireoFirmwareInfo) before = vireo_firmware_get_info (self->saved);
    g_autoptr(VireoFirmwareInfo) after = vireo_firmware_get_info (self->edit);

    /* The old varstore would outlive the switch (vireo-firmware.c). */
    if (vireo_firmware_info_needs_nvram_reset (before, after))
      vireo_firmware_set_nvram_reset_pending (self->edit, TRUE);
  }
  if (applies_live (self) && !self->restarting)
    self->live_changes = vireo_live_changes_between (self->saved, self->edit);
  if (g_strcmp0 (vireo_domain_config_get_name (self->saved), vireo_domain_config_get_name (self->edit)) != 0)
    vireo_domain_rename_async (self->domain, vireo_domain_config_get_name (self->edit), self->cancellable,
                               rename_cb, g_object_ref (self));
  else
    define_edit (self);
}

/* Text being edited on the page in view (the whole definition, or one
 * device) goes into the copy before Apply; FALSE when it cannot. */
static gboolean
take_visible_text (VireoVmWindow *self)
{
  GtkWidget *visible = gtk_stack_get_visible_child (self->page_stack);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "xml") == 0)
    return take_xml_page (self);
  if (showing_device_xml (visible))
    return take_device_xml (self, visible);
  return TRUE;
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  VireoVmWindow *self = VIREO_VM_WINDOW (widget);

  if (self->edit == NULL || self->busy)
    return;
  if (!take_visible_text (self))
    return;
  start_apply (self);
}

/* ------------------------------------------------------------------------ */
/* Shut Down and Apply                                                       */

static void
stop_restarting (VireoVmWindow *self,
                 const char    *message)
{
  self->restarting = FALSE;
  g_clear_handle_id (&self->restart_timeout, g_source_remove);
  if (message != NULL)
    set_error (self, message);
  update_actions (self);
}

static void
restart_start_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_domain_action_finish (VIREO_DOMAIN (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        stop_restarting (self, error->message);
      return;
    }
  stop_restarting (self, NULL);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Started again with the saved configuration.")));
  load_live (self);
}

static gboolean
restart_timeout_cb (gpointer data)
{
  VireoVmWindow *self = data;

  self->restart_timeout = 0;
  stop_restarting (self, _("The guest has not shut down after two minutes: it may not react to the power button "
                           "(ACPI). Shut it down from inside, or use Force Off; the saved configuration applies "
                           "when it starts again."));
  return G_SOURCE_REMOVE;
}

static void
restart_shutdown_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_domain_action_finish (VIREO_DOMAIN (object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    stop_restarting (self, error->message);
  /* Asked; the stop event says when it is done (on_state_changed). */
}

static void
start_shutdown (VireoVmWindow *self)
{
  if (!vireo_domain_get_active (self->domain))
    {
      vireo_domain_action_async (self->domain, VIREO_DOMAIN_ACTION_START, self->cancellable,
                                 restart_start_cb, g_object_ref (self));
      return;
    }
  self->restart_timeout = g_timeout_add_seconds (120, restart_timeout_cb, self);
  vireo_domain_action_async (self->domain, VIREO_DOMAIN_ACTION_SHUTDOWN, self->cancellable,
                             restart_shutdown_cb, g_object_ref (self));
}

static void
restart_apply_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  VireoVmWindow *self = VIREO_VM_WINDOW (widget);

  if (self->edit == NULL || self->busy || self->restarting || !vireo_domain_get_active (self->domain))
    return;
  if (!take_visible_text (self))
    return;
  set_error (self, NULL);
  self->restarting = TRUE;
  if (vireo_vm_window_get_modified (self))
    start_apply (self);   /* then finish_apply shuts down */
  else
    {
      update_actions (self);
      start_shutdown (self);
    }
}

static void
on_state_changed (VireoVmWindow *self)
{
  if (self->restarting && self->restart_timeout != 0 && !vireo_domain_get_active (self->domain))
    {
      g_clear_handle_id (&self->restart_timeout, g_source_remove);
      vireo_domain_action_async (self->domain, VIREO_DOMAIN_ACTION_START, self->cancellable,
                                 restart_start_cb, g_object_ref (self));
    }
  if (self->console_on_start && vireo_domain_get_active (self->domain))
    {
      self->console_on_start = FALSE;
      adw_view_stack_set_visible_child_name (self->view_stack, "console");
    }
  load_live (self);
  update_actions (self);
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  VireoVmWindow *self = VIREO_VM_WINDOW (widget);
  g_autofree char *xml = NULL;

  if (self->saved == NULL)
    return;
  set_error (self, NULL);
  self->autostart_edit = self->autostart_saved;
  xml = vireo_domain_config_to_xml (self->saved);
  take_xml (self, xml);
}

/* ------------------------------------------------------------------------ */
/* Customize configuration before install                                    */

static gboolean
close_idle (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static gboolean
destroy_idle (gpointer data)
{
  gtk_window_destroy (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
begun_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  VireoCreateJob *job = VIREO_CREATE_JOB (object);
  gboolean installing = vireo_create_job_get_plan (job)->install_xml != NULL;

  self->beginning = FALSE;
  if (!vireo_create_job_begin_install_finish (job, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Still customizing, nothing undone: fix it and begin again. */
      set_error (self, error->message);
      update_actions (self);
      return;
    }
  if (installing)
    vireo_domain_watch_install (self->domain);
  g_clear_object (&self->install_job);
  g_clear_object (&self->install_builder);
  set_error (self, NULL);
  vireo_vm_window_show_console (self);
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (installing ? _("The installation has begun.")
                                                         : _("The machine was started.")));
  load (self);
  update_actions (self);
}

static void
begin_now (VireoVmWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoCreatePlan) plan = NULL;

  if (self->install_job == NULL || self->edit == NULL)
    return;
  /* The definition as the user left it, with the install's first boot
   * made from it; a change that leaves nothing to install from (the CD
   * drive removed) is refused here, naming it. */
  plan = vireo_vm_builder_dup_plan (self->install_builder, self->edit, &error);
  if (plan == NULL)
    {
      set_error (self, error->message);
      update_actions (self);
      return;
    }
  set_error (self, NULL);
  self->beginning = TRUE;
  update_actions (self);
  vireo_create_job_begin_install_async (self->install_job, plan, self->cancellable, begun_cb, g_object_ref (self));
}

static void
begin_install_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  VireoVmWindow *self = VIREO_VM_WINDOW (widget);

  if (self->install_job == NULL || self->edit == NULL || self->busy || self->beginning || self->abandoning)
    return;
  if (!take_visible_text (self))
    return;
  if (vireo_vm_window_get_modified (self))
    {
      if (g_hash_table_size (self->invalid_rows) > 0)
        return;
      /* What the user changed is what they mean to install. */
      self->begin_after_apply = TRUE;
      start_apply (self);
      return;
    }
  begin_now (self);
}

static void
abandoned_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VireoVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->abandoning = FALSE;
  if (!vireo_create_job_abandon_finish (VIREO_CREATE_JOB (object), result, &error))
    {
      set_error (self, error->message);
      update_actions (self);
      return;
    }
  g_clear_object (&self->install_job);
  g_clear_object (&self->install_builder);
  self->closing = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
}


static void
on_cancel_install_response (AdwMessageDialog *dialog,
                            const char       *response,
                            VireoVmWindow    *self)
{
  if (self->install_job == NULL)
    return;
  if (g_str_equal (response, "delete"))
    {
      self->abandoning = TRUE;
      update_actions (self);
      /* The window's cancellable is not passed: the deletion must finish
       * even if the window goes first. */
      vireo_create_job_abandon_async (self->install_job, abandoned_cb, g_object_ref (self));
    }
  else if (g_str_equal (response, "keep"))
    {
      /* Defined, not installed: the user's to start or delete later. */
      g_clear_object (&self->install_job);
      g_clear_object (&self->install_builder);
      /* Not from inside the dialog's response: the dialog is transient
       * for this window and must go first. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_idle, g_object_ref (self), g_object_unref);
    }
}

/* Cancel Installation, or closing the window while customizing. */
static void
ask_cancel_install (VireoVmWindow *self,
                    gboolean       closing)
{
  g_auto(GStrv) volumes = vireo_create_job_dup_made_volumes (self->install_job);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->beginning || self->abandoning)
    return;
  heading = g_strdup_printf (closing ? _("Cancel the Installation of “%s”?") : _("Delete “%s”?"),
                             vireo_domain_get_name (self->domain));
  if (volumes[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", volumes);

      /* Translators: %s is a list of volume names */
      body = g_strdup_printf (_("It has not been installed. Deleting it removes its definition and the storage "
                                "made for it: %s."), list);
    }
  else
    body = g_strdup (_("It has not been installed. Deleting it removes its definition."));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Customizing"),
                                    NULL);
  if (closing)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "keep", _("Keep _Uninstalled"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "delete", _("_Delete Machine"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_cancel_install_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_install_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  VireoVmWindow *self = VIREO_VM_WINDOW (widget);

  if (self->install_job != NULL)
    ask_cancel_install (self, FALSE);
}

static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   VireoVmWindow    *self)
{
  if (g_str_equal (response, "discard"))
    {
      self->closing = TRUE;
      /* Destroying it from inside the response would free it under the
       * dialog, which is transient for it and goes after this handler. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, destroy_idle, g_object_ref (self), g_object_unref);
    }
  else if (g_str_equal (response, "apply"))
    {
      self->closing = TRUE;
      apply_action (GTK_WIDGET (self), "details.apply", NULL);
    }
}

static gboolean
vireo_vm_window_close_request (GtkWindow *window)
{
  VireoVmWindow *self = VIREO_VM_WINDOW (window);
  GtkWidget *dialog;

  if (!self->closing && self->install_job != NULL)
    {
      ask_cancel_install (self, TRUE);
      return TRUE;
    }
  if (self->closing || !vireo_vm_window_get_modified (self))
    return GTK_WINDOW_CLASS (vireo_vm_window_parent_class)->close_request (window);

  dialog = adw_message_dialog_new (window, _("Apply Changes?"),
                                   _("The changes to this machine have not been applied yet."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
vireo_vm_window_dispose (GObject *object)
{
  VireoVmWindow *self = VIREO_VM_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_handle_id (&self->os_refresh_source, g_source_remove);
  if (self->domain != NULL)
    g_object_set_qdata (G_OBJECT (self->domain), window_quark (), NULL);
  g_clear_object (&self->domain);
  g_clear_object (&self->saved);
  g_clear_object (&self->edit);
  g_clear_object (&self->live);
  g_clear_object (&self->caps);
  g_clear_object (&self->os_db);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->probed_rows, g_ptr_array_unref);
  g_clear_pointer (&self->live_changes, g_ptr_array_unref);
  g_clear_pointer (&self->console_passwords, g_hash_table_unref);
  g_clear_pointer (&self->invalid_rows, g_hash_table_unref);
  g_clear_handle_id (&self->restart_timeout, g_source_remove);
  g_clear_object (&self->install_job);
  g_clear_object (&self->install_builder);

  G_OBJECT_CLASS (vireo_vm_window_parent_class)->dispose (object);
}

static void
vireo_vm_window_finalize (GObject *object)
{
  VireoVmWindow *self = VIREO_VM_WINDOW (object);

  g_free (self->saved_xml);
  g_free (self->error);
  g_free (self->addresses_error);
  g_clear_pointer (&self->networks, g_ptr_array_unref);
  g_clear_pointer (&self->host_interfaces, g_ptr_array_unref);
  g_clear_pointer (&self->pools, g_ptr_array_unref);
  g_clear_pointer (&self->guest_addresses, g_ptr_array_unref);
  g_free (self->passt_refusal);

  G_OBJECT_CLASS (vireo_vm_window_parent_class)->finalize (object);
}

/* ------------------------------------------------------------------------ */
/* Add Hardware                                                              */

/* The new device goes into the copy like any other edit: Apply defines it
 * and, where the guest runs and the user asks, hot-plugs it. */
static void
add_requested_device (VireoVmWindow *self,
                      const char    *xml,
                      gboolean       needs_shared_memory)
{
  g_autoptr(GError) error = NULL;
  VireoDevice *device;

  if (self->edit == NULL)
    return;
  if (needs_shared_memory && !vireo_memory_set_shared (self->edit, TRUE, &error))
    {
      set_error (self, error->message);
      return;
    }
  device = vireo_domain_config_add_device (self->edit, xml, &error);
  if (device == NULL)
    {
      set_error (self, error->message);
      return;
    }
  set_error (self, NULL);
  rebuild (self);
  /* Straight to the new device's page. */
  for (GtkWidget *page = gtk_widget_get_first_child (GTK_WIDGET (self->page_stack));
       page != NULL; page = gtk_widget_get_next_sibling (page))
    if (g_object_get_data (G_OBJECT (page), "vireo-device") == device)
      {
        GtkStackPage *stack_page = gtk_stack_get_page (self->page_stack, page);

        vireo_vm_window_show_page (self, gtk_stack_page_get_name (stack_page));
        break;
      }
}

typedef struct
{
  VireoVmWindow        *self;
  VireoHardwareRequest *request;
} VolumeJob;

static void
create_volume_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  VolumeJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoVolumeInfo) info = vireo_connection_create_volume_finish (VIREO_CONNECTION (object), result, &error);

  job->self->busy = FALSE;
  if (info == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_error (job->self, error->message);
    }
  else
    {
      g_autofree char *xml = vireo_hardware_request_dup_xml_with_path (job->request, info->path);

      add_requested_device (job->self, xml, vireo_hardware_request_get_needs_shared_memory (job->request));
    }
  update_actions (job->self);
  vireo_hardware_request_unref (job->request);
  g_object_unref (job->self);
  g_free (job);
}

static void
on_hardware_add (VireoAddHardwareDialog *dialog,
                 VireoHardwareRequest   *request,
                 VireoVmWindow          *self)
{
  VireoConnection *conn = vireo_domain_get_connection (self->domain);
  VolumeJob *job;

  if (!vireo_hardware_request_has_volume (request))
    {
      add_requested_device (self, vireo_hardware_request_get_xml (request),
                            vireo_hardware_request_get_needs_shared_memory (request));
      return;
    }
  if (conn == NULL)
    return;
  /* The image exists before the definition names it: a volume made now
   * and never applied stays in its pool, where the user sees it. */
  job = g_new0 (VolumeJob, 1);
  job->self = g_object_ref (self);
  job->request = vireo_hardware_request_ref (request);
  self->busy = TRUE;
  update_actions (self);
  vireo_connection_create_volume_async (conn, vireo_hardware_request_get_volume_pool (request),
                                        vireo_hardware_request_get_volume_name (request),
                                        vireo_hardware_request_get_volume_capacity (request),
                                        vireo_hardware_request_get_volume_format (request),
                                        self->cancellable, create_volume_cb, job);
}

static void
pools_for_dialog_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autofree GWeakRef *ref = user_data;
  g_autoptr(VireoAddHardwareDialog) dialog = g_weak_ref_get (ref);
  g_autoptr(GPtrArray) pools = vireo_connection_list_pools_finish (VIREO_CONNECTION (object), result, NULL);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  g_weak_ref_clear (ref);
  if (dialog == NULL)
    return;
  for (guint i = 0; pools != NULL && i < pools->len; i++)
    if (((VireoPoolInfo *) pools->pdata[i])->active)
      g_strv_builder_add (names, ((VireoPoolInfo *) pools->pdata[i])->name);
  list = g_strv_builder_end (names);
  vireo_add_hardware_dialog_set_pools (dialog, (const char * const *) list);
}

typedef struct
{
  GWeakRef  dialog;
  char     *bus;
} DevicesJob;

static void
node_devices_for_dialog_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  DevicesJob *job = user_data;
  g_autoptr(VireoAddHardwareDialog) dialog = g_weak_ref_get (&job->dialog);
  g_autoptr(GPtrArray) devices = vireo_connection_list_node_devices_finish (VIREO_CONNECTION (object), result, NULL);
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) xmls = g_strv_builder_new ();
  g_auto(GStrv) label_list = NULL;
  g_auto(GStrv) xml_list = NULL;

  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      g_autofree char *label = vireo_node_device_dup_label (devices->pdata[i]);
      g_autofree char *xml = vireo_node_device_hostdev_xml (devices->pdata[i]);

      g_strv_builder_add (labels, label);
      g_strv_builder_add (xmls, xml);
    }
  label_list = g_strv_builder_end (labels);
  xml_list = g_strv_builder_end (xmls);
  if (dialog != NULL)
    vireo_add_hardware_dialog_set_host_devices (dialog, job->bus, (const char * const *) label_list,
                                                (const char * const *) xml_list);
  g_weak_ref_clear (&job->dialog);
  g_free (job->bus);
  g_free (job);
}

static void
list_devices_for_dialog (VireoVmWindow          *self,
                         VireoConnection        *conn,
                         VireoAddHardwareDialog *dialog,
                         const char             *bus)
{
  DevicesJob *job = g_new0 (DevicesJob, 1);

  g_weak_ref_init (&job->dialog, dialog);
  job->bus = g_strdup (bus);
  vireo_connection_list_node_devices_async (conn, bus, self->cancellable, node_devices_for_dialog_cb, job);
}

static GWeakRef *
weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

static void
add_hardware_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  VireoVmWindow *self = VIREO_VM_WINDOW (widget);
  VireoConnection *conn = vireo_domain_get_connection (self->domain);
  VireoAddHardwareDialog *dialog;
  g_autoptr(GStrvBuilder) networks = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) bridges = g_strv_builder_new ();

  if (self->edit == NULL || conn == NULL)
    return;
  dialog = vireo_add_hardware_dialog_new (GTK_WINDOW (self), self->edit);
  vireo_add_hardware_dialog_set_caps (dialog, self->caps);
  /* A file chooser shows this computer's files: only for a local host. */
  vireo_add_hardware_dialog_set_is_local (dialog, !vireo_connection_get_is_remote (conn));
  if (self->networks != NULL)
    {
      g_auto(GStrv) list = NULL;

      for (guint i = 0; i < self->networks->len; i++)
        g_strv_builder_add (networks, ((VireoNetworkInfo *) self->networks->pdata[i])->name);
      list = g_strv_builder_end (networks);
      vireo_add_hardware_dialog_set_networks (dialog, (const char * const *) list);
    }
  if (self->host_interfaces != NULL)
    {
      g_auto(GStrv) list = NULL;

      for (guint i = 0; i < self->host_interfaces->len; i++)
        if (g_strcmp0 (((VireoHostInterfaceInfo *) self->host_interfaces->pdata[i])->type, "bridge") == 0)
          g_strv_builder_add (bridges, ((VireoHostInterfaceInfo *) self->host_interfaces->pdata[i])->name);
      list = g_strv_builder_end (bridges);
      vireo_add_hardware_dialog_set_bridges (dialog, (const char * const *) list);
    }
  g_signal_connect_object (dialog, "add", G_CALLBACK (on_hardware_add), self, 0);
  vireo_connection_list_pools_async (conn, self->cancellable, pools_for_dialog_cb, weak_ref_new (dialog));
  list_devices_for_dialog (self, conn, dialog, "usb");
  list_devices_for_dialog (self, conn, dialog, "pci");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
vireo_vm_window_class_init (VireoVmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_vm_window_dispose;
  object_class->finalize = vireo_vm_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = vireo_vm_window_close_request;

  g_type_ensure (VIREO_TYPE_CONSOLE_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-vm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, snapshots_bin);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, page_list);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, page_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, pending_label);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, commands_button);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, commands_label);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, apply_button);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, pending_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, pending_banner_label);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, restart_button);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, live_check);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, install_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, install_label);
  gtk_widget_class_bind_template_child (widget_class, VireoVmWindow, console_page);

  gtk_widget_class_install_action (widget_class, "details.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "details.revert", NULL, revert_action);
  gtk_widget_class_install_action (widget_class, "details.restart-apply", NULL, restart_apply_action);
  gtk_widget_class_install_action (widget_class, "details.copy-commands", NULL, copy_commands_action);
  gtk_widget_class_install_action (widget_class, "details.add-hardware", NULL, add_hardware_action);
  gtk_widget_class_install_action (widget_class, "details.begin-install", NULL, begin_install_action);
  gtk_widget_class_install_action (widget_class, "details.cancel-install", NULL, cancel_install_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "details.apply", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
on_fullscreened (VireoVmWindow *self)
{
  /* The guest's screen gets all of it; the console's own toolbar slides
   * in from the top edge. */
  gtk_widget_set_visible (self->header_bar, !gtk_window_is_fullscreen (GTK_WINDOW (self)));
}

static void
vireo_vm_window_init (VireoVmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->probed_rows = g_ptr_array_new ();
  self->invalid_rows = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->console_passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->autostart_saved = -1;
  self->autostart_edit = -1;
  g_signal_connect_object (self->page_list, "row-selected", G_CALLBACK (on_page_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (on_fullscreened), NULL);
}

/**
 * vireo_vm_window_present_for:
 * @parent: (nullable): the window asking; the new one joins its application
 *
 * Shows @domain's window, bringing an open one to the front.
 *
 * Returns: (transfer none): the window
 */
VireoVmWindow *
vireo_vm_window_present_for (GtkWindow   *parent,
                             VireoDomain *domain)
{
  VireoVmWindow *self;

  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), NULL);

  self = g_object_get_qdata (G_OBJECT (domain), window_quark ());
  if (self == NULL)
    {
      GtkApplication *app = parent != NULL ? gtk_window_get_application (parent) : NULL;
      g_autofree char *title = g_strdup_printf ("%s", vireo_domain_get_name (domain));

      self = g_object_new (VIREO_TYPE_VM_WINDOW, "title", title, NULL);
      self->domain = g_object_ref (domain);
      g_signal_connect_object (domain, "notify::state", G_CALLBACK (on_state_changed), self, G_CONNECT_SWAPPED);
      if (app != NULL)
        gtk_window_set_application (GTK_WINDOW (self), app);
      g_object_set_qdata (G_OBJECT (domain), window_quark (), self);
      /* A running machine opens on its screen, as in virt-manager; one
       * that is off on what can be changed. */
      adw_view_stack_set_visible_child_name (self->view_stack,
                                             vireo_domain_get_active (domain) ? "console" : "details");
      vireo_console_page_set_domain (self->console_page, domain);
      adw_bin_set_child (self->snapshots_bin, vireo_snapshots_page_new (domain));
      /* The machine's own operations, as in the list's menu. */
      {
        GActionGroup *machine = vireo_machine_action_group_new (GTK_WINDOW (self), domain,
                                                                self->toast_overlay);
        g_autoptr(GMenuModel) menu = vireo_machine_menu_new ();
        GtkWidget *button = gtk_menu_button_new ();

        gtk_widget_insert_action_group (GTK_WIDGET (self), "machine", machine);
        g_object_unref (machine);
        gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "system-shutdown-symbolic");
        gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), menu);
        gtk_widget_set_tooltip_text (button, _("Machine"));
        gtk_widget_set_name (button, "machine-menu");
        adw_header_bar_pack_start (ADW_HEADER_BAR (self->header_bar), button);
      }
      /* Shown when the window is too narrow for the switcher. */
      adw_view_switcher_title_set_title (self->switcher_title, vireo_domain_get_name (domain));
      load (self);
    }
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

VireoDomain *
vireo_vm_window_get_domain (VireoVmWindow *self)
{
  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), NULL);
  return self->domain;
}

/**
 * vireo_vm_window_get_edit_config:
 *
 * Returns: (transfer none) (nullable): the copy being edited
 */
VireoDomainConfig *
vireo_vm_window_get_edit_config (VireoVmWindow *self)
{
  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), NULL);
  return self->edit;
}

gboolean
vireo_vm_window_get_loaded (VireoVmWindow *self)
{
  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), FALSE);
  return self->edit != NULL && !self->busy && self->reading_live == 0;
}

gboolean
vireo_vm_window_show_page (VireoVmWindow *self,
                           const char    *name)
{
  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), FALSE);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->page_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "vireo-page"), name) == 0)
      {
        gtk_list_box_select_row (self->page_list, GTK_LIST_BOX_ROW (row));
        return TRUE;
      }
  return FALSE;
}

/**
 * vireo_vm_window_get_page:
 *
 * Returns: (transfer none) (nullable): the page widget called @name
 */
GtkWidget *
vireo_vm_window_get_page (VireoVmWindow *self,
                          const char    *name)
{
  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), NULL);
  return gtk_stack_get_child_by_name (self->page_stack, name);
}

const char *
vireo_vm_window_get_error (VireoVmWindow *self)
{
  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), NULL);
  return self->error;
}

/**
 * vireo_vm_window_customize_install:
 * @job: a creation job waiting in %VIREO_CREATE_STEP_CUSTOMIZING for this
 *   window's machine
 * @builder: the answers it was made from
 *
 * "Customize configuration before install": the window offers Begin
 * Installation and Cancel Installation until one of them is done;
 * closing it asks which.
 */
void
vireo_vm_window_customize_install (VireoVmWindow  *self,
                                   VireoCreateJob *job,
                                   VireoVmBuilder *builder)
{
  g_return_if_fail (VIREO_IS_VM_WINDOW (self));
  g_return_if_fail (VIREO_IS_CREATE_JOB (job));
  g_return_if_fail (VIREO_IS_VM_BUILDER (builder));
  g_return_if_fail (vireo_create_job_get_step (job) == VIREO_CREATE_STEP_CUSTOMIZING);

  g_set_object (&self->install_job, job);
  g_set_object (&self->install_builder, builder);
  adw_view_stack_set_visible_child_name (self->view_stack, "details");
  update_actions (self);
}

/**
 * vireo_vm_window_show_console:
 *
 * Shows the Console view: now if the machine runs, otherwise as soon as
 * it starts (a machine just created is listed before it runs, and its
 * installer is what the user wants to see).
 */
void
vireo_vm_window_show_console (VireoVmWindow *self)
{
  g_return_if_fail (VIREO_IS_VM_WINDOW (self));

  self->console_on_start = !vireo_domain_get_active (self->domain);
  if (!self->console_on_start)
    adw_view_stack_set_visible_child_name (self->view_stack, "console");
}

gboolean
vireo_vm_window_get_customizing (VireoVmWindow *self)
{
  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), FALSE);
  return self->install_job != NULL;
}

/**
 * vireo_vm_window_get_snapshots_page:
 *
 * Returns: (transfer none): the Snapshots tab
 */
VireoSnapshotsPage *
vireo_vm_window_get_snapshots_page (VireoVmWindow *self)
{
  g_return_val_if_fail (VIREO_IS_VM_WINDOW (self), NULL);
  return VIREO_SNAPSHOTS_PAGE (adw_bin_get_child (self->snapshots_bin));
}

/* Shows the Snapshots tab. */
void
vireo_vm_window_show_snapshots (VireoVmWindow *self)
{
  g_return_if_fail (VIREO_IS_VM_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, "snapshots");
}
