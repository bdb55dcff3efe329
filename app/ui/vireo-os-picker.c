/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-os-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-os-picker.h"

/*
 * Choosing an operating system: a search entry over osinfo-db and the
 * matching systems, newest first, with "Unknown / generic" always last.
 * Made to sit in a popover (the details page) or on a wizard page.
 *
 * The database loads on a thread the first time any picker needs it; until
 * then the picker shows a spinner. Typing anywhere in the picker goes to
 * the entry, Down moves into the list, Enter (in the entry: on the first
 * match) or a click chooses, and choosing emits ::os-selected.
 */
struct _VireoOsPicker
{
  AdwBin              parent_instance;

  /* Owned */
  GCancellable       *cancellable;
  VireoOsDb          *db;
  GListStore         *results;     /* VireoOsInfo: matches, then "unknown" */
  GtkSingleSelection *selection;
  VireoOsInfo        *selected;

  /* Template widgets */
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *error_page;
  GtkListView        *list_view;
  GtkCheckButton     *eol_check;
};

G_DEFINE_FINAL_TYPE (VireoOsPicker, vireo_os_picker, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_SELECTED,
  PROP_SHOW_EOL,
  N_PROPS
};

enum {
  OS_SELECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GtkWidget *
vireo_os_picker_new (void)
{
  return g_object_new (VIREO_TYPE_OS_PICKER, NULL);
}

/* Row labels, for the list item template. */
static char *
os_title (gpointer     unused,
          VireoOsInfo *info)
{
  if (info == NULL)
    return NULL;
  if (vireo_os_info_get_unknown (info))
    return g_strdup (_("Unknown / generic"));
  return g_strdup (vireo_os_info_get_name (info));
}

static char *
os_subtitle (gpointer     unused,
             VireoOsInfo *info)
{
  g_autoptr(GPtrArray) parts = NULL;
  guint year;

  if (info == NULL)
    return NULL;
  if (vireo_os_info_get_unknown (info))
    return g_strdup (_("The system is not listed, or you are not sure"));

  parts = g_ptr_array_new_with_free_func (g_free);
  if (vireo_os_info_get_vendor (info) != NULL)
    g_ptr_array_add (parts, g_strdup (vireo_os_info_get_vendor (info)));
  year = vireo_os_info_get_release_year (info);
  if (year != 0)
    g_ptr_array_add (parts, g_strdup_printf ("%u", year));
  if (vireo_os_info_get_short_id (info) != NULL)
    g_ptr_array_add (parts, g_strdup (vireo_os_info_get_short_id (info)));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
refilter (VireoOsPicker *self)
{
  g_autoptr(GListModel) matches = NULL;
  g_autoptr(VireoOsInfo) unknown = NULL;
  g_autoptr(GPtrArray) items = NULL;
  VireoOsSearchFlags flags = VIREO_OS_SEARCH_DEFAULT;
  guint n;

  if (self->db == NULL)
    return;

  if (gtk_check_button_get_active (self->eol_check))
    flags |= VIREO_OS_SEARCH_INCLUDE_EOL;
  matches = vireo_os_db_search (self->db, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), flags, 0);
  unknown = vireo_os_db_get_unknown (self->db);

  n = g_list_model_get_n_items (matches);
  items = g_ptr_array_new_full (n + 1, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (matches, i));
  g_ptr_array_add (items, g_steal_pointer (&unknown));

  g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                       items->pdata, items->len);
  gtk_single_selection_set_selected (self->selection, 0);
  /* GTK 4.8 has no gtk_list_view_scroll_to(); the action does the same. */
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
}

static void
set_db (VireoOsPicker *self,
        VireoOsDb     *db)
{
  g_set_object (&self->db, db);
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "list");
  refilter (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

static void
on_db_loaded (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoOsDb) db = vireo_os_db_load_finish (result, &error);
  VireoOsPicker *self;

  /* Cancelled in dispose: the picker may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = VIREO_OS_PICKER (user_data);
  if (db == NULL)
    {
      gtk_spinner_stop (self->spinner);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  set_db (self, db);
}

static void
choose (VireoOsPicker *self,
        guint          position)
{
  g_autoptr(VireoOsInfo) info = g_list_model_get_item (G_LIST_MODEL (self->results), position);

  if (info == NULL)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  if (g_set_object (&self->selected, info))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
  g_signal_emit (self, signals[OS_SELECTED], 0, info);
}

static void
on_activate (VireoOsPicker *self,
             guint          position)
{
  choose (self, position);
}

static void
on_search_changed (VireoOsPicker *self)
{
  refilter (self);
}

/* Enter in the entry takes the highlighted row: the best match. */
static void
on_search_activate (VireoOsPicker *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  if (self->db != NULL && position != GTK_INVALID_LIST_POSITION)
    choose (self, position);
}

static gboolean
on_search_key_pressed (VireoOsPicker         *self,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;
  if (self->db == NULL)
    return GDK_EVENT_PROPAGATE;
  /* Into the list, at the highlighted row. */
  return gtk_widget_child_focus (GTK_WIDGET (self->list_view), GTK_DIR_TAB_FORWARD);
}

static void
on_eol_toggled (VireoOsPicker *self)
{
  refilter (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_EOL]);
}

static void
vireo_os_picker_dispose (GObject *object)
{
  VireoOsPicker *self = (VireoOsPicker *) object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_OS_PICKER);

  G_OBJECT_CLASS (vireo_os_picker_parent_class)->dispose (object);
}

static void
vireo_os_picker_finalize (GObject *object)
{
  VireoOsPicker *self = (VireoOsPicker *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->db);
  g_clear_object (&self->selection);
  g_clear_object (&self->results);
  g_clear_object (&self->selected);

  G_OBJECT_CLASS (vireo_os_picker_parent_class)->finalize (object);
}

static void
vireo_os_picker_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VireoOsPicker *self = VIREO_OS_PICKER (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, vireo_os_picker_get_loaded (self));
      break;
    case PROP_SELECTED:
      g_value_set_object (value, self->selected);
      break;
    case PROP_SHOW_EOL:
      g_value_set_boolean (value, vireo_os_picker_get_show_eol (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_os_picker_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VireoOsPicker *self = VIREO_OS_PICKER (object);

  switch (prop_id)
    {
    case PROP_SHOW_EOL:
      vireo_os_picker_set_show_eol (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Whoever focuses the picker means to search it. */
static gboolean
vireo_os_picker_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (VIREO_OS_PICKER (widget)->search_entry));
}

static void
vireo_os_picker_class_init (VireoOsPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_os_picker_dispose;
  object_class->finalize = vireo_os_picker_finalize;
  object_class->get_property = vireo_os_picker_get_property;
  object_class->set_property = vireo_os_picker_set_property;

  /**
   * VireoOsPicker:loaded:
   *
   * Whether the database is loaded and the list shows it.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * VireoOsPicker:selected:
   *
   * The system last chosen, or %NULL.
   */
  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, VIREO_TYPE_OS_INFO,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * VireoOsPicker:show-eol:
   *
   * Whether systems out of support are listed too.
   */
  properties[PROP_SHOW_EOL] =
    g_param_spec_boolean ("show-eol", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VireoOsPicker::os-selected:
   * @info: the chosen system
   *
   * The user chose a system (a click or Enter on a row, or Enter in
   * the search entry).
   */
  signals[OS_SELECTED] =
    g_signal_new ("os-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, VIREO_TYPE_OS_INFO);

  /* The row template looks properties up by type name. */
  g_type_ensure (VIREO_TYPE_OS_INFO);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-os-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoOsPicker, search_entry);
  widget_class->grab_focus = vireo_os_picker_grab_focus;
  gtk_widget_class_bind_template_child (widget_class, VireoOsPicker, stack);
  gtk_widget_class_bind_template_child (widget_class, VireoOsPicker, spinner);
  gtk_widget_class_bind_template_child (widget_class, VireoOsPicker, error_page);
  gtk_widget_class_bind_template_child (widget_class, VireoOsPicker, list_view);
  gtk_widget_class_bind_template_child (widget_class, VireoOsPicker, eol_check);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_key_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_eol_toggled);
}

static void
vireo_os_picker_init (VireoOsPicker *self)
{
  g_autoptr(GtkBuilderScope) scope = gtk_builder_cscope_new ();
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(VireoOsDb) db = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_builder_cscope_add_callback_symbols (GTK_BUILDER_CSCOPE (scope),
                                           "os_title", G_CALLBACK (os_title),
                                           "os_subtitle", G_CALLBACK (os_subtitle),
                                           NULL);
  factory = gtk_builder_list_item_factory_new_from_resource (scope, "/org/vireo/Vireo/vireo-os-row.ui");
  self->results = g_list_store_new (VIREO_TYPE_OS_INFO);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->results)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  /* Typing anywhere in the picker searches. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  db = vireo_os_db_get_loaded ();
  if (db != NULL)
    set_db (self, db);
  else
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
      vireo_os_db_load_async (self->cancellable, on_db_loaded, self);
    }
}

gboolean
vireo_os_picker_get_loaded (VireoOsPicker *self)
{
  g_return_val_if_fail (VIREO_IS_OS_PICKER (self), FALSE);
  return self->db != NULL;
}

/**
 * vireo_os_picker_get_selected:
 *
 * Returns: (transfer none) (nullable): the system last chosen
 */
VireoOsInfo *
vireo_os_picker_get_selected (VireoOsPicker *self)
{
  g_return_val_if_fail (VIREO_IS_OS_PICKER (self), NULL);
  return self->selected;
}

gboolean
vireo_os_picker_get_show_eol (VireoOsPicker *self)
{
  g_return_val_if_fail (VIREO_IS_OS_PICKER (self), FALSE);
  return gtk_check_button_get_active (self->eol_check);
}

void
vireo_os_picker_set_show_eol (VireoOsPicker *self,
                              gboolean       show_eol)
{
  g_return_if_fail (VIREO_IS_OS_PICKER (self));
  /* The button's ::toggled refilters and notifies. */
  gtk_check_button_set_active (self->eol_check, show_eol);
}

/**
 * vireo_os_picker_get_results:
 *
 * Returns: (transfer none): the systems listed now (#VireoOsInfo), the
 *   "unknown" entry last; empty until the database is loaded
 */
GListModel *
vireo_os_picker_get_results (VireoOsPicker *self)
{
  g_return_val_if_fail (VIREO_IS_OS_PICKER (self), NULL);
  return G_LIST_MODEL (self->results);
}
