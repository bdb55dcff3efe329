/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-snapshots-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vireo-connection.h"
#include "vireo-domain-config.h"
#include "vireo-snapshot-ops.h"
#include "vireo-snapshots-page.h"
#include "vireo-virt-error.h"

/*
 * The Snapshots tab of a machine's window: the snapshots as a tree
 * (parent above child, oldest first, the current one marked), the
 * selected one's details with an editable description, and Take Snapshot,
 * Revert and Delete, each showing the virsh line it equals.
 *
 * The list is read when the tab is first shown and after each action of
 * its own; libvirt raises no snapshot events. Thumbnails are screenshots
 * of a running machine taken right after the snapshot, kept in
 * $XDG_CACHE_HOME/vireo/snapshots/<uuid>/<name>.png: pictures for the
 * user, never data libvirt needs.
 */

#define THUMB_WIDTH  160
#define THUMB_HEIGHT 120

/* ------------------------------------------------------------------------ */
/* A tree node: one snapshot, its children found on demand                   */

#define VIREO_TYPE_SNAPSHOT_NODE (vireo_snapshot_node_get_type ())
G_DECLARE_FINAL_TYPE (VireoSnapshotNode, vireo_snapshot_node, VIREO, SNAPSHOT_NODE, GObject)

struct _VireoSnapshotNode
{
  GObject            parent_instance;
  GPtrArray         *all;    /* owned ref: keeps @info alive */
  VireoSnapshotInfo *info;
};

G_DEFINE_FINAL_TYPE (VireoSnapshotNode, vireo_snapshot_node, G_TYPE_OBJECT)

static void
vireo_snapshot_node_finalize (GObject *object)
{
  VireoSnapshotNode *self = VIREO_SNAPSHOT_NODE (object);

  g_clear_pointer (&self->all, g_ptr_array_unref);
  G_OBJECT_CLASS (vireo_snapshot_node_parent_class)->finalize (object);
}

static void
vireo_snapshot_node_class_init (VireoSnapshotNodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vireo_snapshot_node_finalize;
}

static void
vireo_snapshot_node_init (VireoSnapshotNode *self)
{
}

static GListModel *
nodes_for (GPtrArray  *all,
           const char *parent)
{
  g_autoptr(GPtrArray) children = vireo_snapshot_children (all, parent);
  GListStore *store;

  if (children->len == 0)
    return NULL;
  store = g_list_store_new (VIREO_TYPE_SNAPSHOT_NODE);
  for (guint i = 0; i < children->len; i++)
    {
      VireoSnapshotNode *node = g_object_new (VIREO_TYPE_SNAPSHOT_NODE, NULL);

      node->all = g_ptr_array_ref (all);
      node->info = g_ptr_array_index (children, i);
      g_list_store_append (store, node);
      g_object_unref (node);
    }
  return G_LIST_MODEL (store);
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  VireoSnapshotNode *node = item;

  return nodes_for (node->all, node->info->name);
}

/* ------------------------------------------------------------------------ */

struct _VireoSnapshotsPage
{
  GtkWidget           parent_instance;

  VireoDomain        *domain;
  GPtrArray          *snapshots;      /* (element-type VireoSnapshotInfo) as last read */
  char               *selected;
  GCancellable       *cancellable;
  guint               reads;
  gboolean            wanted;
  gboolean            loading;
  gboolean            busy;

  guint               pulse_id;       /* the bar pulses until a delete's merge reports */

  GtkStack           *stack;          /* "loading", "empty", "list" */
  GtkProgressBar     *progress;       /* a delete under way */
  GtkSingleSelection *selection;
  GtkBox             *details;
  GtkLabel           *status;
};

G_DEFINE_FINAL_TYPE (VireoSnapshotsPage, vireo_snapshots_page, GTK_TYPE_WIDGET)

static void update_details (VireoSnapshotsPage *self);

static char *
thumbnail_path (VireoSnapshotsPage *self,
                const char         *name)
{
  g_autofree char *file = g_strconcat (name, ".png", NULL);

  return g_build_filename (g_get_user_cache_dir (), "vireo", "snapshots", vireo_domain_get_uuid (self->domain),
                           file, NULL);
}

static const char *
uri_of (VireoSnapshotsPage *self)
{
  VireoConnection *conn = vireo_domain_get_connection (self->domain);

  return conn != NULL ? vireo_connection_get_uri (conn) : NULL;
}

static VireoSnapshotInfo *
find_snapshot (VireoSnapshotsPage *self,
               const char         *name)
{
  for (guint i = 0; self->snapshots != NULL && name != NULL && i < self->snapshots->len; i++)
    {
      VireoSnapshotInfo *info = g_ptr_array_index (self->snapshots, i);

      if (g_strcmp0 (info->name, name) == 0)
        return info;
    }
  return NULL;
}

static GStrv
taken_names (VireoSnapshotsPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; self->snapshots != NULL && i < self->snapshots->len; i++)
    g_strv_builder_add (builder, ((VireoSnapshotInfo *) g_ptr_array_index (self->snapshots, i))->name);
  return g_strv_builder_end (builder);
}

static void
set_status (VireoSnapshotsPage *self,
            const char         *text)
{
  gtk_label_set_text (self->status, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status), text != NULL && *text != '\0');
}

static void
show_error (VireoSnapshotsPage *self,
            const char         *heading,
            const char         *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, message);

  gtk_widget_set_name (dialog, "snapshots-error");
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static char *
format_time (gint64 when)
{
  g_autoptr(GDateTime) time = when > 0 ? g_date_time_new_from_unix_local (when) : NULL;

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup (_("unknown time"));
}

static const char *
state_label (const char *state)
{
  if (g_strcmp0 (state, "running") == 0)
    return _("running");
  if (g_strcmp0 (state, "paused") == 0)
    return _("paused");
  if (g_strcmp0 (state, "shutoff") == 0)
    return _("shut off");
  if (g_strcmp0 (state, "disk-snapshot") == 0)
    return _("disks only");
  return state != NULL ? state : "";
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                   */

static void
rebuild_tree (VireoSnapshotsPage *self)
{
  g_autoptr(GListModel) roots = NULL;
  GtkTreeListModel *tree;
  guint n;

  roots = self->snapshots != NULL ? nodes_for (self->snapshots, NULL) : NULL;
  if (roots == NULL)
    roots = G_LIST_MODEL (g_list_store_new (VIREO_TYPE_SNAPSHOT_NODE));
  tree = gtk_tree_list_model_new (g_object_ref (roots), FALSE, TRUE, create_children, NULL, NULL);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (tree));
  g_object_unref (tree);
  gtk_stack_set_visible_child_name (self->stack, self->snapshots != NULL && self->snapshots->len > 0 ? "list"
                                                                                                     : "empty");
  /* The selection is by name, so it survives a new list. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  for (guint i = 0; i < n && self->selected != NULL; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), i);
      VireoSnapshotNode *node = gtk_tree_list_row_get_item (row);
      gboolean same = g_strcmp0 (node->info->name, self->selected) == 0;

      g_object_unref (node);
      if (same)
        {
          gtk_single_selection_set_selected (self->selection, i);
          break;
        }
    }
  if (find_snapshot (self, self->selected) == NULL)
    g_clear_pointer (&self->selected, g_free);
  update_details (self);
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoSnapshotsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = vireo_domain_list_snapshots_finish (VIREO_DOMAIN (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  self->loading = FALSE;
  if (list == NULL)
    {
      set_status (self, error->message);
      return;
    }
  self->reads++;
  g_clear_pointer (&self->snapshots, g_ptr_array_unref);
  self->snapshots = g_steal_pointer (&list);
  set_status (self, NULL);
  rebuild_tree (self);
}

/**
 * vireo_snapshots_page_reload:
 *
 * Reads the machine's snapshots again (`virsh snapshot-list --tree`).
 */
void
vireo_snapshots_page_reload (VireoSnapshotsPage *self)
{
  g_return_if_fail (VIREO_IS_SNAPSHOTS_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  vireo_domain_list_snapshots_async (self->domain, self->cancellable, on_listed, g_object_ref (self));
}

gboolean
vireo_snapshots_page_get_loading (VireoSnapshotsPage *self)
{
  g_return_val_if_fail (VIREO_IS_SNAPSHOTS_PAGE (self), FALSE);
  return self->loading;
}

guint
vireo_snapshots_page_get_reads (VireoSnapshotsPage *self)
{
  g_return_val_if_fail (VIREO_IS_SNAPSHOTS_PAGE (self), 0);
  return self->reads;
}

GPtrArray *
vireo_snapshots_page_get_snapshots (VireoSnapshotsPage *self)
{
  g_return_val_if_fail (VIREO_IS_SNAPSHOTS_PAGE (self), NULL);
  return self->snapshots;
}

const char *
vireo_snapshots_page_get_selected (VireoSnapshotsPage *self)
{
  g_return_val_if_fail (VIREO_IS_SNAPSHOTS_PAGE (self), NULL);
  return self->selected;
}

gboolean
vireo_snapshots_page_select (VireoSnapshotsPage *self,
                             const char         *name)
{
  g_return_val_if_fail (VIREO_IS_SNAPSHOTS_PAGE (self), FALSE);

  if (find_snapshot (self, name) == NULL)
    return FALSE;
  g_free (self->selected);
  self->selected = g_strdup (name);
  rebuild_tree (self);
  return TRUE;
}

static void
on_selection_changed (VireoSnapshotsPage *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);
  VireoSnapshotNode *node = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

  if (node == NULL)
    return;
  g_free (self->selected);
  self->selected = g_strdup (node->info->name);
  g_object_unref (node);
  update_details (self);
}

/* ------------------------------------------------------------------------ */
/* After an action                                                           */

/* libvirt's "unsupported configuration" is its own words for a limit of
 * the host's libvirt, not a fault: say so first, in plain words, and what
 * can be done, then libvirt's message for whoever digs further. */
static char *
plain_error (const GError *error)
{
  const char *plain;

  if (!g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_UNSUPPORTED_CONFIG))
    return g_strdup (error->message);
  if (strstr (error->message, "revert to external snapshot") != NULL)
    plain = _("This host's libvirt cannot go back to an external snapshot; libvirt 9.7 and later can. Nothing "
              "was changed and the snapshot's files are kept.");
  else if (strstr (error->message, "deletion of external children") != NULL)
    plain = _("This host's libvirt cannot delete external snapshots together with the ones after them. Delete "
              "them one at a time, the newest first. Nothing was changed.");
  else
    plain = _("This host's libvirt cannot do this with this machine's setup. Nothing was changed.");
  return g_strdup_printf ("%s\n\n%s", plain, error->message);
}

static void
on_action_done (VireoSnapshotsPage *self,
                const char         *heading,
                GError             *error)
{
  self->busy = FALSE;
  set_status (self, NULL);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = plain_error (error);

      show_error (self, heading, message);
    }
  vireo_snapshots_page_reload (self);
}

static void
on_redefined (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VireoSnapshotsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  vireo_domain_redefine_snapshot_finish (VIREO_DOMAIN (source), result, &error);
  if (self->stack != NULL)
    on_action_done (self, _("The description was not saved"), error);
}

static void
on_save_description (GtkButton          *button,
                     VireoSnapshotsPage *self)
{
  VireoSnapshotInfo *info = find_snapshot (self, self->selected);
  GtkEditable *entry = g_object_get_data (G_OBJECT (button), "vireo-entry");
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;

  if (info == NULL || self->busy)
    return;
  xml = vireo_snapshot_xml_set_description (info->xml, gtk_editable_get_text (entry), &error);
  if (xml == NULL)
    {
      show_error (self, _("The description was not saved"), error->message);
      return;
    }
  self->busy = TRUE;
  set_status (self, _("Saving the description…"));
  vireo_domain_redefine_snapshot_async (self->domain, xml, info->current, NULL, on_redefined, g_object_ref (self));
}

/* ------------------------------------------------------------------------ */
/* Details                                                                   */

/* Title over value: the pane is narrow, and values (dates, reasons) are
 * longer than their names. */
static void
add_fact (GtkWidget  *group,
          const char *title,
          const char *value,
          const char *name)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");
  if (name != NULL)
    gtk_widget_set_name (row, name);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static void
update_details (VireoSnapshotsPage *self)
{
  VireoSnapshotInfo *info = find_snapshot (self, self->selected);
  GtkWidget *child;
  GtkWidget *group;
  GtkWidget *entry;
  GtkWidget *save;
  GtkWidget *buttons;
  GtkWidget *button;
  GtkWidget *command;
  g_autofree char *when = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) files = NULL;

  if (self->details == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->details))) != NULL)
    gtk_box_remove (self->details, child);
  if (info == NULL)
    {
      GtkWidget *hint = gtk_label_new (_("Select a snapshot to see it, revert to it or delete it."));

      gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_box_append (self->details, hint);
      return;
    }

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), info->name);
  when = format_time (info->creation_time);
  add_fact (group, _("Taken"), when, "snapshot-time");
  add_fact (group, _("Machine was"), state_label (info->state), "snapshot-state");
  add_fact (group, _("Kind"),
            info->location == VIREO_SNAPSHOT_INTERNAL
              ? (info->has_memory ? _("Internal, with memory") : _("Internal, disks only"))
              : (info->has_memory ? _("External, with memory") : _("External, disks only")),
            "snapshot-kind");
  if (info->parent != NULL)
    add_fact (group, _("Taken after"), info->parent, NULL);
  if (info->current)
    add_fact (group, _("Current"), _("The machine runs on from this snapshot"), "snapshot-current");
  gtk_box_append (self->details, group);

  group = adw_preferences_group_new ();
  entry = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), _("_Description"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (entry), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (entry), info->description != NULL ? info->description : "");
  gtk_widget_set_name (entry, "snapshot-description");
  save = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_set_valign (save, GTK_ALIGN_CENTER);
  gtk_widget_set_name (save, "snapshot-description-save");
  g_object_set_data (G_OBJECT (save), "vireo-entry", entry);
  g_signal_connect_object (save, "clicked", G_CALLBACK (on_save_description), self, 0);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (entry), save);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), entry);
  gtk_box_append (self->details, group);

  files = vireo_snapshot_dup_needed_files (info);
  if (files != NULL && files[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv ("\n", files);

      group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Image files it needs"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("Deleting any of these by hand loses the snapshot."));
      command = gtk_label_new (joined);
      gtk_label_set_selectable (GTK_LABEL (command), TRUE);
      gtk_label_set_xalign (GTK_LABEL (command), 0);
      gtk_label_set_wrap (GTK_LABEL (command), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (command), PANGO_WRAP_WORD_CHAR);
      gtk_widget_add_css_class (command, "monospace");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), command);
      gtk_box_append (self->details, group);
    }

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  button = gtk_button_new_with_mnemonic (_("_Revert…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "snapshots.revert");
  gtk_widget_add_css_class (button, "pill");
  gtk_box_append (GTK_BOX (buttons), button);
  button = gtk_button_new_with_mnemonic (_("_Delete…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "snapshots.delete");
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_box_append (GTK_BOX (buttons), button);
  gtk_box_append (self->details, buttons);

  line = vireo_command_for_snapshot (uri_of (self), VIREO_SNAPSHOT_COMMAND_REVERT,
                                     vireo_domain_get_name (self->domain), info->name, NULL);
  command = gtk_label_new (line);
  gtk_label_set_selectable (GTK_LABEL (command), TRUE);
  gtk_label_set_wrap (GTK_LABEL (command), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (command), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (command), 0);
  gtk_widget_add_css_class (command, "monospace");
  gtk_widget_add_css_class (command, "dim-label");
  gtk_widget_set_name (command, "snapshot-revert-command");
  gtk_box_append (self->details, command);
}

/* ------------------------------------------------------------------------ */
/* Rows                                                                      */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_widget_set_size_request (picture, 64, 48);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), subtitle);
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  g_object_set_data (G_OBJECT (expander), "vireo-picture", picture);
  g_object_set_data (G_OBJECT (expander), "vireo-title", title);
  g_object_set_data (G_OBJECT (expander), "vireo-subtitle", subtitle);
  gtk_list_item_set_child (item, expander);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          VireoSnapshotsPage       *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  VireoSnapshotNode *node = gtk_tree_list_row_get_item (row);
  g_autofree char *when = format_time (node->info->creation_time);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *thumb = thumbnail_path (self, node->info->name);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  title = node->info->current ? g_strdup_printf (_("%s (current)"), node->info->name) : g_strdup (node->info->name);
  subtitle = g_strdup_printf ("%s · %s · %s", when, state_label (node->info->state),
                              node->info->location == VIREO_SNAPSHOT_INTERNAL ? _("internal") : _("external"));
  gtk_label_set_text (g_object_get_data (G_OBJECT (expander), "vireo-title"), title);
  gtk_label_set_text (g_object_get_data (G_OBJECT (expander), "vireo-subtitle"), subtitle);
  gtk_picture_set_filename (g_object_get_data (G_OBJECT (expander), "vireo-picture"),
                            g_file_test (thumb, G_FILE_TEST_EXISTS) ? thumb : NULL);
  gtk_widget_set_tooltip_text (expander, node->info->description);
  g_object_unref (node);
}

/* ------------------------------------------------------------------------ */
/* Take Snapshot                                                             */

typedef struct
{
  VireoSnapshotsPage *self;          /* owned */
  VireoDomainConfig  *config;        /* (nullable) until read */
  VireoSnapshotPlan  *plan;
  GtkWidget          *window;        /* borrowed: owns this */
  GtkWidget          *name;
  GtkWidget          *name_error;
  GtkWidget          *description;
  GtkWidget          *memory;
  GtkWidget          *memory_row;
  GtkWidget          *internal;
  GtkWidget          *internal_row;
  GtkWidget          *external;
  GtkWidget          *external_row;
  GtkWidget          *memory_file;
  GtkWidget          *space;         /* the memory file's size against the free space there */
  GtkWidget          *overlays;      /* where the overlay files go */
  GtkWidget          *command;
  GtkWidget          *create;
  GStrv               taken;
  char               *auto_memory_file;  /* (nullable) what the field says unless the user typed */
  char               *space_folder;      /* (nullable) the folder asked or answered about */
  VireoSnapshotSpace *space_found;       /* (nullable) its answer */
  GCancellable       *space_cancellable;
  gboolean            active;
} TakeData;

static void
take_data_free (TakeData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->config);
  g_clear_pointer (&data->plan, vireo_snapshot_plan_free);
  g_strfreev (data->taken);
  g_free (data->auto_memory_file);
  g_free (data->space_folder);
  g_clear_pointer (&data->space_found, vireo_snapshot_space_free);
  g_cancellable_cancel (data->space_cancellable);
  g_clear_object (&data->space_cancellable);
  g_free (data);
}

static char *
default_memory_file (TakeData   *data,
                     const char *name)
{
  g_autofree char *file = NULL;

  if (data->config != NULL)
    return vireo_snapshot_default_memory_file (data->config, vireo_domain_get_name (data->self->domain), name);
  file = g_strdup_printf ("%s.%s.mem", vireo_domain_get_name (data->self->domain), name);
  return g_build_filename ("/var/lib/libvirt/qemu/snapshot", file, NULL);
}

/* The memory file follows the name (and the images' folder, once the
 * definition is read) until the user types a file of their own. */
static void
follow_memory_file (TakeData *data)
{
  const char *now = gtk_editable_get_text (GTK_EDITABLE (data->memory_file));
  g_autofree char *wanted = NULL;

  if (data->auto_memory_file != NULL && g_strcmp0 (now, data->auto_memory_file) != 0)
    return;
  wanted = default_memory_file (data, gtk_editable_get_text (GTK_EDITABLE (data->name)));
  g_free (data->auto_memory_file);
  data->auto_memory_file = g_strdup (wanted);
  if (g_strcmp0 (now, wanted) != 0)
    gtk_editable_set_text (GTK_EDITABLE (data->memory_file), wanted);
}

static void update_take (TakeData *data);

static void
on_space (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GtkWidget) window = user_data;
  TakeData *data = g_object_get_data (G_OBJECT (window), "vireo-take");
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoSnapshotSpace) space = vireo_domain_snapshot_space_finish (VIREO_DOMAIN (source), result, &error);

  if (data == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* A failed look is an unknown amount, not a refusal. */
  if (space == NULL)
    {
      space = g_new0 (VireoSnapshotSpace, 1);
      space->folder = g_strdup (data->space_folder);
    }
  if (g_strcmp0 (space->folder, data->space_folder) != 0)
    return;
  g_clear_pointer (&data->space_found, vireo_snapshot_space_free);
  data->space_found = g_steal_pointer (&space);
  update_take (data);
}

/* The memory file's folder: asked about once per folder, not per key. */
static void
ask_space (TakeData *data)
{
  const char *file = gtk_editable_get_text (GTK_EDITABLE (data->memory_file));
  g_autofree char *folder = NULL;

  if (!g_path_is_absolute (file))
    return;
  folder = g_path_get_dirname (file);
  if (g_strcmp0 (folder, data->space_folder) == 0)
    return;
  g_free (data->space_folder);
  data->space_folder = g_strdup (folder);
  g_clear_pointer (&data->space_found, vireo_snapshot_space_free);
  g_cancellable_cancel (data->space_cancellable);
  g_clear_object (&data->space_cancellable);
  data->space_cancellable = g_cancellable_new ();
  vireo_domain_snapshot_space_async (data->self->domain, folder, data->space_cancellable, on_space,
                                     g_object_ref (data->window));
}

/* Returns: whether Take may go ahead as far as the room goes */
static gboolean
update_space (TakeData *data,
              gboolean  shown)
{
  guint64 needed;
  g_autofree char *text = NULL;
  VireoSnapshotSpaceVerdict verdict;

  gtk_widget_remove_css_class (data->space, "error");
  gtk_widget_remove_css_class (data->space, "warning");
  gtk_widget_remove_css_class (data->space, "dim-label");
  gtk_widget_set_visible (data->space, shown);
  if (!shown)
    return TRUE;
  ask_space (data);
  needed = vireo_snapshot_estimate_memory_bytes (vireo_domain_get_memory_kib (data->self->domain));
  if (data->space_found == NULL)
    {
      g_autofree char *size = g_format_size_full (needed, G_FORMAT_SIZE_IEC_UNITS);

      text = g_strdup_printf (_("Needs about %s; looking at the free space there…"), size);
      gtk_label_set_text (GTK_LABEL (data->space), text);
      gtk_widget_add_css_class (data->space, "dim-label");
      return TRUE;
    }
  verdict = vireo_snapshot_space_verdict (needed, data->space_found, &text);
  gtk_label_set_text (GTK_LABEL (data->space), text);
  switch (verdict)
    {
    case VIREO_SNAPSHOT_SPACE_SHORT:
      gtk_widget_add_css_class (data->space, "error");
      return FALSE;
    case VIREO_SNAPSHOT_SPACE_TIGHT:
      gtk_widget_add_css_class (data->space, "warning");
      return TRUE;
    case VIREO_SNAPSHOT_SPACE_FITS:
    case VIREO_SNAPSHOT_SPACE_UNKNOWN:
    default:
      gtk_widget_add_css_class (data->space, "dim-label");
      return TRUE;
    }
}

/* Where an external snapshot's overlays go, from the document itself. */
static void
update_overlays (TakeData   *data,
                 const char *xml,
                 gboolean    shown)
{
  g_autoptr(VireoSnapshotInfo) info = shown && xml != NULL ? vireo_snapshot_info_new_from_xml (xml, NULL) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; info != NULL && i < info->disks->len; i++)
    {
      VireoSnapshotDisk *disk = g_ptr_array_index (info->disks, i);

      if (disk->source != NULL)
        g_string_append_printf (text, "\n%s", disk->source);
    }
  gtk_widget_set_visible (data->overlays, text->len > 0);
  if (text->len > 0)
    {
      g_autofree char *label = g_strdup_printf ("%s%s",
                                                _("New overlay files, a few hundred KiB at first, growing as the "
                                                  "machine writes:"), text->str);

      gtk_label_set_text (GTK_LABEL (data->overlays), label);
    }
}

/* Everything the form says, as the document Create sends; NULL with the
 * reason in @error. */
static char *
take_document (TakeData  *data,
               GError   **error)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (data->name));
  gboolean external = gtk_check_button_get_active (GTK_CHECK_BUTTON (data->external));
  gboolean memory = data->active && gtk_switch_get_active (GTK_SWITCH (data->memory));

  if (data->config == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING, _("Reading the machine's definition…"));
      return NULL;
    }
  if (!vireo_snapshot_name_validate (name, (const char * const *) data->taken, error))
    return NULL;
  return vireo_snapshot_build_xml (data->config, name, gtk_editable_get_text (GTK_EDITABLE (data->description)),
                                   external ? VIREO_SNAPSHOT_EXTERNAL : VIREO_SNAPSHOT_INTERNAL, memory,
                                   data->active, gtk_editable_get_text (GTK_EDITABLE (data->memory_file)), error);
}

static void
update_take (TakeData *data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = take_document (data, &error);
  gboolean external = gtk_check_button_get_active (GTK_CHECK_BUTTON (data->external));
  gboolean memory = data->active && gtk_switch_get_active (GTK_SWITCH (data->memory));

  gboolean room;

  gtk_widget_set_visible (data->memory_file, external && memory);
  room = update_space (data, external && memory && data->config != NULL);
  update_overlays (data, xml, external);
  gtk_widget_set_sensitive (data->create, xml != NULL && room);
  if (error != NULL && error->domain == VIREO_SNAPSHOT_ERROR && error->code == VIREO_SNAPSHOT_ERROR_NAME)
    gtk_widget_add_css_class (data->name, "error");
  else
    gtk_widget_remove_css_class (data->name, "error");
  gtk_label_set_text (GTK_LABEL (data->name_error), error != NULL ? error->message : "");
  gtk_widget_set_visible (data->name_error, error != NULL);
  if (xml != NULL)
    {
      g_autofree char *line =
        vireo_command_for_snapshot (uri_of (data->self), VIREO_SNAPSHOT_COMMAND_CREATE,
                                    vireo_domain_get_name (data->self->domain), NULL, xml);

      gtk_label_set_text (GTK_LABEL (data->command), line);
    }
}

static void
on_thumbnail (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autofree char *path = user_data;
  g_autoptr(GBytes) png = vireo_domain_screenshot_finish (VIREO_DOMAIN (source), result, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  /* No picture is no loss: the snapshot is taken. */
  if (png == NULL || g_mkdir_with_parents (dir, 0700) != 0)
    return;
  g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL);
}

typedef struct
{
  VireoSnapshotsPage *self;
  gboolean            was_active;
} CreateJob;

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CreateJob *job = user_data;
  g_autoptr(VireoSnapshotsPage) self = job->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = vireo_domain_create_snapshot_finish (VIREO_DOMAIN (source), result, &error);

  if (name != NULL && job->was_active && vireo_domain_get_active (self->domain))
    vireo_domain_screenshot_async (self->domain, THUMB_WIDTH, THUMB_HEIGHT, NULL, on_thumbnail,
                                   thumbnail_path (self, name));
  g_free (job);
  if (self->stack == NULL)
    return;
  if (name != NULL)
    {
      g_free (self->selected);
      self->selected = g_strdup (name);
    }
  on_action_done (self, _("The snapshot was not taken"), error);
}

static void
on_create_clicked (GtkButton *button,
                   TakeData  *data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = take_document (data, &error);
  gboolean external = gtk_check_button_get_active (GTK_CHECK_BUTTON (data->external));
  gboolean memory = data->active && gtk_switch_get_active (GTK_SWITCH (data->memory));
  VireoSnapshotsPage *self = data->self;
  CreateJob *job;

  if (xml == NULL)
    return;
  job = g_new0 (CreateJob, 1);
  job->self = g_object_ref (self);
  job->was_active = data->active;
  self->busy = TRUE;
  set_status (self, _("Taking the snapshot…"));
  /* libvirt 9.0 takes an external snapshot of a running machine without
   * its memory only when told it is disks only. */
  vireo_domain_create_snapshot_async (self->domain, xml, external && !memory, NULL, on_created, job);
  gtk_window_destroy (GTK_WINDOW (data->window));
}

static void
on_definition (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GtkWidget) window = user_data;
  TakeData *data = g_object_get_data (G_OBJECT (window), "vireo-take");
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = vireo_domain_read_xml_finish (VIREO_DOMAIN (source), result, &error);

  if (data == NULL)
    return;
  if (xml != NULL)
    data->config = vireo_domain_config_new_from_xml (xml, &error);
  if (data->config == NULL)
    {
      gtk_label_set_text (GTK_LABEL (data->name_error), error->message);
      gtk_widget_set_visible (data->name_error, TRUE);
      return;
    }
  follow_memory_file (data);
  data->plan = vireo_snapshot_plan_for (data->config, data->active, FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (data->internal_row),
                               data->plan->internal_ok ? _("Kept inside the qcow2 images; quick to take and revert.")
                                                       : data->plan->internal_why_not);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (data->external_row),
                               data->plan->external_ok
                                 ? _("New overlay files beside each image; libvirt 9.0 cannot revert to these.")
                                 : data->plan->external_why_not);
  gtk_widget_set_sensitive (data->internal, data->plan->internal_ok);
  gtk_widget_set_sensitive (data->external, data->plan->external_ok);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (data->plan->recommended == VIREO_SNAPSHOT_INTERNAL
                                                   ? data->internal : data->external), TRUE);
  if (data->active && data->config != NULL)
    {
      guint64 bytes = vireo_snapshot_estimate_memory_bytes (vireo_domain_get_memory_kib (data->self->domain));
      g_autofree char *size = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *subtitle = g_strdup_printf (_("The running state too, about %s; reverting resumes it"),
                                                   size);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (data->memory_row), subtitle);
    }
  update_take (data);
}

static GtkWidget *
choice_row (const char *title,
            GtkWidget  *check,
            const char *name)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_name (check, name);
  return row;
}

/**
 * vireo_snapshots_page_take:
 *
 * Opens Take Snapshot: a suggested name, a description, memory or not,
 * internal or external (each with why not, when not), and the virsh line.
 *
 * Returns: (transfer none): the window
 */
GtkWidget *
vireo_snapshots_page_take (VireoSnapshotsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *window = adw_window_new ();
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group;
  GtkWidget *row;
  g_autofree char *suggested = NULL;
  TakeData *data = g_new0 (TakeData, 1);

  g_return_val_if_fail (VIREO_IS_SNAPSHOTS_PAGE (self), NULL);

  data->self = g_object_ref (self);
  data->window = window;
  data->taken = taken_names (self);
  data->active = vireo_domain_get_active (self->domain);
  g_object_set_data_full (G_OBJECT (window), "vireo-take", data, (GDestroyNotify) take_data_free);

  gtk_window_set_title (GTK_WINDOW (window), _("Take Snapshot"));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 640);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  gtk_widget_set_name (window, "take-snapshot");

  data->create = gtk_button_new_with_mnemonic (_("_Take Snapshot"));
  gtk_widget_add_css_class (data->create, "suggested-action");
  gtk_widget_set_name (data->create, "snapshot-create");
  gtk_widget_set_sensitive (data->create, FALSE);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), window);
  g_signal_connect (data->create, "clicked", G_CALLBACK (on_create_clicked), data);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), data->create);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_box_append (GTK_BOX (toolbar), header);

  group = adw_preferences_group_new ();
  suggested = vireo_snapshot_suggest_name ((const char * const *) data->taken);
  data->name = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->name), _("_Name"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (data->name), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (data->name), suggested);
  gtk_widget_set_name (data->name, "snapshot-name");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), data->name);
  data->description = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->description), _("_Description"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (data->description), TRUE);
  gtk_widget_set_name (data->description, "snapshot-new-description");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), data->description);
  data->name_error = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (data->name_error), TRUE);
  gtk_label_set_xalign (GTK_LABEL (data->name_error), 0);
  gtk_widget_add_css_class (data->name_error, "error");
  gtk_widget_set_name (data->name_error, "snapshot-name-error");
  gtk_widget_set_margin_top (data->name_error, 6);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), data->name_error);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("What to keep"));
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Include the _memory"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  data->memory = gtk_switch_new ();
  gtk_widget_set_valign (data->memory, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (data->memory), data->active);
  gtk_widget_set_sensitive (row, data->active);
  if (!data->active)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The machine is not running: disks only."));
  gtk_widget_set_name (data->memory, "snapshot-memory");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), data->memory);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), data->memory);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  data->memory_row = row;

  data->internal = gtk_check_button_new ();
  data->external = gtk_check_button_new ();
  gtk_check_button_set_group (GTK_CHECK_BUTTON (data->external), GTK_CHECK_BUTTON (data->internal));
  data->internal_row = choice_row (_("Internal"), data->internal, "snapshot-internal");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), data->internal_row);
  data->external_row = choice_row (_("External"), data->external, "snapshot-external");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), data->external_row);
  data->memory_file = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->memory_file), _("Memory _file on the host"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (data->memory_file), TRUE);
  follow_memory_file (data);
  gtk_widget_set_name (data->memory_file, "snapshot-memory-file");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), data->memory_file);
  data->space = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (data->space), TRUE);
  gtk_label_set_xalign (GTK_LABEL (data->space), 0);
  gtk_widget_set_margin_top (data->space, 6);
  gtk_widget_set_name (data->space, "snapshot-space");
  gtk_widget_set_visible (data->space, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), data->space);
  data->overlays = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (data->overlays), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (data->overlays), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (data->overlays), 0);
  gtk_label_set_selectable (GTK_LABEL (data->overlays), TRUE);
  gtk_widget_add_css_class (data->overlays, "dim-label");
  gtk_widget_set_margin_top (data->overlays, 6);
  gtk_widget_set_name (data->overlays, "snapshot-overlays");
  gtk_widget_set_visible (data->overlays, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), data->overlays);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Equivalent command"));
  data->command = gtk_label_new (NULL);
  gtk_label_set_selectable (GTK_LABEL (data->command), TRUE);
  gtk_label_set_wrap (GTK_LABEL (data->command), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (data->command), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (data->command), 0);
  gtk_widget_add_css_class (data->command, "monospace");
  gtk_widget_set_name (data->command, "snapshot-command");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), data->command);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (toolbar), page);
  adw_window_set_content (ADW_WINDOW (window), toolbar);

  g_signal_connect_swapped (data->name, "changed", G_CALLBACK (follow_memory_file), data);
  g_signal_connect_swapped (data->name, "changed", G_CALLBACK (update_take), data);
  g_signal_connect_swapped (data->description, "changed", G_CALLBACK (update_take), data);
  g_signal_connect_swapped (data->memory_file, "changed", G_CALLBACK (update_take), data);
  g_signal_connect_swapped (data->memory, "notify::active", G_CALLBACK (update_take), data);
  g_signal_connect_swapped (data->external, "toggled", G_CALLBACK (update_take), data);
  vireo_domain_read_xml_async (self->domain, TRUE, NULL, on_definition, g_object_ref (window));
  update_take (data);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* ------------------------------------------------------------------------ */
/* Revert and delete                                                         */

typedef struct
{
  VireoSnapshotsPage *self;
  char               *name;
  GStrv               gone;   /* (nullable) delete: the snapshots whose thumbnails go too */
} ActionJob;

static void
action_job_free (ActionJob *job)
{
  g_clear_object (&job->self);
  g_free (job->name);
  g_strfreev (job->gone);
  g_free (job);
}

static void
on_reverted (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ActionJob *job = user_data;
  g_autoptr(GError) error = NULL;

  vireo_domain_revert_snapshot_finish (VIREO_DOMAIN (source), result, &error);
  if (job->self->stack != NULL)
    on_action_done (job->self, _("The machine was not reverted"), error);
  action_job_free (job);
}

static gboolean
pulse (gpointer user_data)
{
  VireoSnapshotsPage *self = user_data;

  gtk_progress_bar_pulse (self->progress);
  return G_SOURCE_CONTINUE;
}

static void
stop_progress (VireoSnapshotsPage *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->progress != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
}

/* A pulse until the merge says how far it is (an internal snapshot, a
 * remote host, or before QEMU runs: never). */
static void
start_progress (VireoSnapshotsPage *self)
{
  stop_progress (self);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
  self->pulse_id = g_timeout_add (100, pulse, self);
}

static void
on_delete_progress (double   fraction,
                    gpointer user_data)
{
  VireoSnapshotsPage *self = user_data;

  if (self->progress == NULL)
    return;
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_progress_bar_set_fraction (self->progress, fraction);
}

static void
on_deleted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  ActionJob *job = user_data;
  g_autoptr(GError) error = NULL;

  stop_progress (job->self);

  /* A later snapshot of the same name must not wear this one's picture. */
  if (vireo_domain_delete_snapshot_finish (VIREO_DOMAIN (source), result, &error))
    for (guint i = 0; job->gone != NULL && job->gone[i] != NULL; i++)
      {
        g_autofree char *thumb = thumbnail_path (job->self, job->gone[i]);

        g_unlink (thumb);
      }
  if (job->self->stack != NULL)
    on_action_done (job->self, _("The snapshot was not deleted"), error);
  action_job_free (job);
}

static ActionJob *
action_job_new (VireoSnapshotsPage *self,
                const char         *name)
{
  ActionJob *job = g_new0 (ActionJob, 1);

  job->self = g_object_ref (self);
  job->name = g_strdup (name);
  return job;
}

static void
on_revert_response (AdwMessageDialog   *dialog,
                    const char         *response,
                    VireoSnapshotsPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "vireo-snapshot");

  if (g_strcmp0 (response, "snapshot-first") == 0)
    {
      vireo_snapshots_page_take (self);
      return;
    }
  if (g_strcmp0 (response, "revert") != 0 || name == NULL)
    return;
  self->busy = TRUE;
  set_status (self, _("Reverting…"));
  vireo_domain_revert_snapshot_async (self->domain, name, VIREO_SNAPSHOT_REVERT_DEFAULT, NULL, on_reverted,
                                      action_job_new (self, name));
}

static GtkWidget *
command_label (const char *line,
               const char *name)
{
  GtkWidget *label = gtk_label_new (line);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_name (label, name);
  return label;
}

/**
 * vireo_snapshots_page_revert:
 *
 * Asks before reverting to the selected snapshot: what is lost, and
 * "Take a Snapshot First". An external one is refused with the reason
 * (libvirt 9.0 cannot revert to those).
 *
 * Returns: (transfer none) (nullable): the question
 */
GtkWidget *
vireo_snapshots_page_revert (VireoSnapshotsPage *self)
{
  VireoSnapshotInfo *info;
  GtkRoot *root;
  GtkWidget *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *line = NULL;
  const char *body;

  g_return_val_if_fail (VIREO_IS_SNAPSHOTS_PAGE (self), NULL);

  info = find_snapshot (self, self->selected);
  if (info == NULL)
    return NULL;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  heading = g_strdup_printf (_("Revert “%s” to “%s”?"), vireo_domain_get_name (self->domain), info->name);
  if (info->location == VIREO_SNAPSHOT_EXTERNAL)
    body = _("This libvirt (9.0) cannot revert to an external snapshot; libvirt 9.7 and later can. Its files "
             "are kept, so nothing is lost.");
  else if (vireo_domain_get_active (self->domain))
    body = _("What the machine is doing now, and every change to its disks since the snapshot, is lost. "
             "Take a snapshot first to keep them.");
  else
    body = _("Every change to the machine's disks since the snapshot is lost. Take a snapshot first to keep "
             "them.");
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  if (info->location == VIREO_SNAPSHOT_EXTERNAL)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Close"));
  else
    {
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "snapshot-first",
                                        _("Take a Snapshot _First"), "revert", _("_Revert"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revert",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      line = vireo_command_for_snapshot (uri_of (self), VIREO_SNAPSHOT_COMMAND_REVERT,
                                         vireo_domain_get_name (self->domain), info->name, NULL);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), command_label (line, "revert-command"));
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vireo-snapshot", g_strdup (info->name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_revert_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
on_delete_response (AdwMessageDialog   *dialog,
                    const char         *response,
                    VireoSnapshotsPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "vireo-snapshot");
  VireoSnapshotDeleteMode mode;
  ActionJob *job;

  /* Only once nobody else is known to read its images. */
  if (name == NULL || g_strcmp0 (g_object_get_data (G_OBJECT (dialog), "vireo-state"), "ready") != 0)
    return;
  if (g_strcmp0 (response, "delete") == 0)
    mode = VIREO_SNAPSHOT_DELETE_ONE;
  else if (g_strcmp0 (response, "delete-tree") == 0)
    mode = VIREO_SNAPSHOT_DELETE_TREE;
  else
    return;
  job = action_job_new (self, name);
  if (mode == VIREO_SNAPSHOT_DELETE_TREE)
    {
      g_autoptr(GPtrArray) subtree = vireo_snapshot_subtree (self->snapshots, name);
      g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

      for (guint i = 0; i < subtree->len; i++)
        g_strv_builder_add (names, ((VireoSnapshotInfo *) g_ptr_array_index (subtree, i))->name);
      job->gone = g_strv_builder_end (names);
    }
  else
    job->gone = g_strdupv ((char *[]) { (char *) name, NULL });
  self->busy = TRUE;
  set_status (self, _("Deleting…"));
  start_progress (self);
  vireo_domain_delete_snapshot_with_progress_async (self->domain, name, mode, on_delete_progress,
                                                    g_object_ref (self), g_object_unref, NULL, on_deleted, job);
}

static void
set_delete_enabled (GtkWidget *dialog,
                    gboolean   enabled)
{
  AdwMessageDialog *message = ADW_MESSAGE_DIALOG (dialog);

  adw_message_dialog_set_response_enabled (message, "delete", enabled);
  if (adw_message_dialog_has_response (message, "delete-tree"))
    adw_message_dialog_set_response_enabled (message, "delete-tree", enabled);
}

static void
on_file_users (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GtkWidget) dialog = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = vireo_domain_find_file_users_finish (VIREO_DOMAIN (source), result, &error);
  g_autoptr(GString) text = NULL;

  if (users != NULL && users->len == 0)
    {
      g_object_set_data (G_OBJECT (dialog), "vireo-state", (gpointer) "ready");
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), g_object_get_data (G_OBJECT (dialog), "vireo-body"));
      set_delete_enabled (dialog, TRUE);
      return;
    }
  /* Not knowing is no leave to go ahead. */
  g_object_set_data (G_OBJECT (dialog), "vireo-state", (gpointer) "refused");
  text = g_string_new (NULL);
  if (users == NULL)
    g_string_append_printf (text, _("Vireo could not find out whether other machines use its images (%s), so it "
                                    "will not merge them."), error->message);
  else
    {
      g_string_append (text, _("Deleting it would merge its overlay into an image that is still needed, or remove "
                               "one, and lose their data:"));
      for (guint i = 0; i < users->len; i++)
        {
          VireoSnapshotFileUser *user = g_ptr_array_index (users, i);

          g_string_append_c (text, '\n');
          if (user->snapshot != NULL)
            /* Translators: a path, then a machine's name and its snapshot's */
            g_string_append_printf (text, _("• %s: the snapshot “%s” of “%s”"), user->path, user->snapshot,
                                    user->machine);
          else
            /* Translators: a path, then a machine's name */
            g_string_append_printf (text, _("• %s: the disks of “%s”"), user->path, user->machine);
        }
      g_string_append_printf (text, "\n\n%s",
                              _("Copy or convert the other machines' disks so they no longer read these files, "
                                "then delete the snapshot."));
    }
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (dialog), _("The Snapshot Cannot Be Deleted"));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), text->str);
  set_delete_enabled (dialog, FALSE);
}

/**
 * vireo_snapshots_page_delete:
 *
 * Asks before deleting the selected snapshot, alone (its children move
 * up) or with everything under it; says what happens to an external
 * one's files (merged into the image below, never the base removed).
 *
 * Returns: (transfer none) (nullable): the question
 */
GtkWidget *
vireo_snapshots_page_delete (VireoSnapshotsPage *self)
{
  VireoSnapshotInfo *info;
  g_autoptr(GPtrArray) children = NULL;
  g_autoptr(GPtrArray) subtree = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) merge = NULL;
  GtkRoot *root;
  GtkWidget *dialog;

  g_return_val_if_fail (VIREO_IS_SNAPSHOTS_PAGE (self), NULL);

  info = find_snapshot (self, self->selected);
  if (info == NULL)
    return NULL;
  children = vireo_snapshot_children (self->snapshots, info->name);
  subtree = vireo_snapshot_subtree (self->snapshots, info->name);
  heading = g_strdup_printf (_("Delete the Snapshot “%s”?"), info->name);
  if (info->location == VIREO_SNAPSHOT_EXTERNAL)
    g_string_append (body, _("Its overlay files are merged into the image below them and removed; the "
                             "machine's disks and the images other snapshots need are kept."));
  else
    g_string_append (body, _("The machine as it is now is not touched; only this saved state goes."));
  if (children->len > 0)
    g_string_append_printf (body, "\n\n%s",
                            g_dngettext (GETTEXT_PACKAGE,
                                         "One snapshot was taken after it: deleting it alone keeps that one.",
                                         "Snapshots were taken after it: deleting it alone keeps them.",
                                         subtree->len - 1));
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  if (children->len > 0)
    {
      g_autofree char *label = g_strdup_printf (_("Delete with the %u After It"), subtree->len - 1);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "delete-tree", label);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete-tree",
                                                  ADW_RESPONSE_DESTRUCTIVE);
    }
  line = vireo_command_for_snapshot (uri_of (self), VIREO_SNAPSHOT_COMMAND_DELETE,
                                     vireo_domain_get_name (self->domain), info->name, NULL);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), command_label (line, "delete-command"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_widget_set_name (dialog, "delete-snapshot");
  g_object_set_data_full (G_OBJECT (dialog), "vireo-snapshot", g_strdup (info->name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);

  /* The merge writes into the image below each overlay and removes the
   * overlay: another machine, or its snapshot, reading either would lose
   * data (virt-manager users did). Nothing may go ahead until it is known
   * that none does. */
  merge = vireo_snapshot_dup_merge_files (info);
  if (merge[0] != NULL)
    {
      g_object_set_data_full (G_OBJECT (dialog), "vireo-body", g_string_free (g_steal_pointer (&body), FALSE),
                              g_free);
      g_object_set_data (G_OBJECT (dialog), "vireo-state", (gpointer) "checking");
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                                   _("Looking whether other machines or their snapshots use its images…"));
      set_delete_enabled (dialog, FALSE);
      vireo_domain_find_file_users_async (self->domain, (const char * const *) merge, NULL, on_file_users,
                                          g_object_ref (dialog));
    }
  else
    g_object_set_data (G_OBJECT (dialog), "vireo-state", (gpointer) "ready");
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
take_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  vireo_snapshots_page_take (VIREO_SNAPSHOTS_PAGE (widget));
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  vireo_snapshots_page_revert (VIREO_SNAPSHOTS_PAGE (widget));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  vireo_snapshots_page_delete (VIREO_SNAPSHOTS_PAGE (widget));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  vireo_snapshots_page_reload (VIREO_SNAPSHOTS_PAGE (widget));
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                                */

static void
vireo_snapshots_page_map (GtkWidget *widget)
{
  VireoSnapshotsPage *self = VIREO_SNAPSHOTS_PAGE (widget);

  GTK_WIDGET_CLASS (vireo_snapshots_page_parent_class)->map (widget);
  /* Read only once someone looks: most windows never open this tab. */
  if (!self->wanted)
    {
      self->wanted = TRUE;
      vireo_snapshots_page_reload (self);
    }
}

static void
vireo_snapshots_page_dispose (GObject *object)
{
  VireoSnapshotsPage *self = VIREO_SNAPSHOTS_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  /* Late results check these to know the page is gone. */
  self->stack = NULL;
  self->details = NULL;
  self->progress = NULL;
  g_clear_object (&self->selection);
  g_clear_object (&self->domain);
  g_clear_pointer (&self->snapshots, g_ptr_array_unref);
  g_clear_pointer (&self->selected, g_free);

  G_OBJECT_CLASS (vireo_snapshots_page_parent_class)->dispose (object);
}

static void
vireo_snapshots_page_class_init (VireoSnapshotsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_snapshots_page_dispose;
  widget_class->map = vireo_snapshots_page_map;
  gtk_widget_class_install_action (widget_class, "snapshots.take", NULL, take_action);
  gtk_widget_class_install_action (widget_class, "snapshots.revert", NULL, revert_action);
  gtk_widget_class_install_action (widget_class, "snapshots.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "snapshots.refresh", NULL, refresh_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
vireo_snapshots_page_init (VireoSnapshotsPage *self)
{
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *take = gtk_button_new_with_mnemonic (_("_Take Snapshot…"));
  GtkWidget *refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *details_scroller = gtk_scrolled_window_new ();
  GtkWidget *empty = adw_status_page_new ();
  GtkWidget *loading = adw_status_page_new ();
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *list;

  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_top (bar, 6);
  gtk_widget_set_margin_bottom (bar, 6);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (take), "snapshots.take");
  gtk_widget_add_css_class (take, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (refresh), "snapshots.refresh");
  gtk_widget_set_tooltip_text (refresh, _("Read the snapshots again"));
  gtk_widget_add_css_class (refresh, "flat");
  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_widget_set_hexpand (GTK_WIDGET (self->status), TRUE);
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_ellipsize (self->status, PANGO_ELLIPSIZE_END);
  gtk_widget_set_name (GTK_WIDGET (self->status), "snapshots-status");
  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->progress), GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (GTK_WIDGET (self->progress), 160, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_widget_set_name (GTK_WIDGET (self->progress), "snapshots-progress");
  gtk_box_append (GTK_BOX (bar), take);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->status));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->progress));
  gtk_box_append (GTK_BOX (bar), refresh);
  gtk_box_append (GTK_BOX (outer), bar);
  gtk_box_append (GTK_BOX (outer), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)), factory);
  gtk_widget_set_name (list, "snapshot-list");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);

  self->stack = GTK_STACK (gtk_stack_new ());
  adw_status_page_set_title (ADW_STATUS_PAGE (loading), _("Reading the snapshots…"));
  gtk_stack_add_named (self->stack, loading, "loading");
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "camera-photo-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Snapshots"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("A snapshot keeps the machine's disks (and, while it runs, its memory) as "
                                     "they are now, to come back to later."));
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_stack_add_named (self->stack, scroller, "list");
  gtk_widget_set_hexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->stack));
  gtk_box_append (GTK_BOX (body), gtk_separator_new (GTK_ORIENTATION_VERTICAL));

  self->details = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  gtk_widget_set_name (GTK_WIDGET (self->details), "snapshot-details");
  gtk_widget_set_margin_start (GTK_WIDGET (self->details), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (self->details), 18);
  gtk_widget_set_margin_top (GTK_WIDGET (self->details), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->details), 18);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (details_scroller), GTK_WIDGET (self->details));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (details_scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (details_scroller, 380, -1);
  gtk_widget_set_hexpand (details_scroller, FALSE);
  gtk_box_append (GTK_BOX (body), details_scroller);
  gtk_box_append (GTK_BOX (outer), body);
  gtk_widget_set_parent (outer, GTK_WIDGET (self));
  update_details (self);
}

GtkWidget *
vireo_snapshots_page_new (VireoDomain *domain)
{
  VireoSnapshotsPage *self;

  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), NULL);

  self = g_object_new (VIREO_TYPE_SNAPSHOTS_PAGE, NULL);
  self->domain = g_object_ref (domain);
  return GTK_WIDGET (self);
}
