/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-add-connection-dialog.h"
#include "vireo-auth-dialog.h"
#include "vireo-machine-actions.h"
#include "vireo-command.h"
#include "vireo-connection-row.h"
#include "vireo-delete-dialog.h"
#include "vireo-domain-cell.h"
#include "vireo-host-window.h"
#include "vireo-network-config.h"
#include "vireo-network-offer.h"
#include "vireo-new-vm-dialog.h"
#include "vireo-vm-window.h"
#include "vireo-perf.h"
#include "vireo-save-dialog.h"
#include "vireo-save-restore.h"
#include "vireo-window.h"

/*
 * The main window: connections on the left, the selected connection's
 * machines on the right. Every action goes through VireoDomain's async API;
 * nothing here waits for libvirt.
 */
struct _VireoWindow
{
  AdwApplicationWindow    parent_instance;

  /* Owned */
  VireoConnectionManager *manager;
  GSettings              *settings;
  VireoConnection        *connection;
  GSignalGroup           *connection_signals;
  GtkFilterListModel     *filter_model;   /* Borrowed from sort_model */
  GtkSortListModel       *sort_model;     /* Borrowed from selection */
  GtkMultiSelection      *selection;
  GListModel             *all_domains;    /* every connection's, flattened */
  guint                   show_all : 1;
  GtkCustomFilter        *active_filter;
  GtkStringFilter        *name_filter;
  GtkWidget              *context_menu;   /* Weak; unparented when closed */
  guint                   update_actions_source;
  gulong                  after_paint_id;
  guint                   perf_marked : 1;

  /* Template widgets */
  AdwToastOverlay        *toast_overlay;
  GtkPaned               *paned;
  GtkListBox             *connection_list;
  GtkListBox             *all_list;
  GtkListBoxRow          *all_row;
  GtkLabel               *all_subtitle;
  AdwWindowTitle         *window_title;
  GtkWidget              *start_button;
  GtkWidget              *pause_button;
  GtkWidget              *resume_button;
  GtkWidget              *shutdown_button;
  GtkWidget              *delete_button;
  GtkToggleButton        *search_button;
  GtkToggleButton        *hide_inactive_button;
  GtkSearchBar           *search_bar;
  GtkSearchEntry         *search_entry;
  GtkRevealer            *banner_revealer;
  GtkLabel               *banner_label;
  GtkWidget              *banner_button;
  GtkStack               *stack;
  AdwStatusPage          *failed_page;
  AdwStatusPage          *empty_page;
  AdwStatusPage          *connecting_page;
  GtkSpinner             *connecting_spinner;
  GtkColumnView          *column_view;
};

G_DEFINE_FINAL_TYPE (VireoWindow, vireo_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  const char        *name;
  VireoDomainAction  action;
} action_names[] = {
  { "vm.start",     VIREO_DOMAIN_ACTION_START },
  { "vm.pause",     VIREO_DOMAIN_ACTION_PAUSE },
  { "vm.resume",    VIREO_DOMAIN_ACTION_RESUME },
  { "vm.shutdown",  VIREO_DOMAIN_ACTION_SHUTDOWN },
  { "vm.reboot",    VIREO_DOMAIN_ACTION_REBOOT },
  { "vm.reset",     VIREO_DOMAIN_ACTION_RESET },
  { "vm.force-off", VIREO_DOMAIN_ACTION_DESTROY },
  { "vm.save",      VIREO_DOMAIN_ACTION_MANAGED_SAVE },
  { "vm.delete",    VIREO_DOMAIN_ACTION_UNDEFINE },
};

/* ------------------------------------------------------------------------ */
/* Selection                                                                 */

/**
 * vireo_window_dup_selected:
 *
 * Returns: (transfer container) (element-type VireoDomain): the selection
 */
GPtrArray *
vireo_window_dup_selected (VireoWindow *self)
{
  GPtrArray *ret = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GtkBitsetIter iter;
  guint position;

  if (gtk_bitset_iter_init_first (&iter, set, &position))
    do
      {
        /* While a model below is still announcing a removal the selection
         * may name a position that is already gone. */
        gpointer item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

        if (item != NULL)
          g_ptr_array_add (ret, item);
      }
    while (gtk_bitset_iter_next (&iter, &position));

  return ret;
}

/* GTK 4.8 asks the display server where the pointer is whenever a tooltip
 * is set (an X round trip); these are set on every selection or state
 * change, so only when they really change. */
static void
set_tooltip (GtkWidget  *widget,
             const char *text)
{
  const char *current = gtk_widget_get_tooltip_text (widget);

  if (g_strcmp0 (current, text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

/* Each machine's own host decides: in "All Connections" one selection can
 * span a host that is up and one that is down. */
static gboolean
can_do (VireoDomain       *domain,
        VireoDomainAction  action)
{
  VireoConnection *conn = vireo_domain_get_connection (domain);

  return conn != NULL
         && vireo_connection_get_state (conn) == VIREO_CONNECTION_STATE_CONNECTED
         && vireo_domain_can_do (domain, action);
}

static void
update_actions (VireoWindow *self)
{
  g_autoptr(GPtrArray) selected = vireo_window_dup_selected (self);

  for (guint i = 0; i < G_N_ELEMENTS (action_names); i++)
    {
      gboolean enabled = FALSE;

      for (guint j = 0; !enabled && j < selected->len; j++)
        enabled = can_do (g_ptr_array_index (selected, j), action_names[i].action);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), action_names[i].name, enabled);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "vm.details", selected->len > 0);
  {
    VireoDomain *one = selected->len == 1 ? g_ptr_array_index (selected, 0) : NULL;
    VireoConnection *conn = one != NULL ? vireo_domain_get_connection (one) : NULL;
    gboolean connected = conn != NULL && vireo_connection_get_state (conn) == VIREO_CONNECTION_STATE_CONNECTED;
    VireoDomainState state = one != NULL ? vireo_domain_get_state (one) : VIREO_DOMAIN_STATE_NOSTATE;

    /* A file save needs memory to write: a running or paused guest. */
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "vm.save-to-file",
                                   connected && (state == VIREO_DOMAIN_STATE_RUNNING ||
                                                 state == VIREO_DOMAIN_STATE_PAUSED ||
                                                 state == VIREO_DOMAIN_STATE_BLOCKED));
    /* The dialog itself says why a running machine cannot be cloned. */
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "vm.clone", connected);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "vm.migrate", connected);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "vm.remove-saved-state",
                                   connected && state == VIREO_DOMAIN_STATE_SHUTOFF &&
                                   vireo_domain_get_has_saved_state (one));
  }

  /* Pause and Resume share a place in the toolbar. */
  {
    gboolean can_resume = FALSE, can_pause = FALSE;

    for (guint j = 0; j < selected->len; j++)
      {
        can_resume |= can_do (g_ptr_array_index (selected, j), VIREO_DOMAIN_ACTION_RESUME);
        can_pause |= can_do (g_ptr_array_index (selected, j), VIREO_DOMAIN_ACTION_PAUSE);
      }
    gtk_widget_set_visible (self->resume_button, can_resume && !can_pause);
    gtk_widget_set_visible (self->pause_button, !(can_resume && !can_pause));
  }

  /* Students see which virsh command a button equals. */
  if (selected->len == 1 && vireo_domain_get_connection (g_ptr_array_index (selected, 0)) != NULL)
    {
      VireoDomain *domain = g_ptr_array_index (selected, 0);
      const char *uri = vireo_connection_get_uri (vireo_domain_get_connection (domain));
      struct { GtkWidget *w; const char *label; VireoDomainAction a; } tips[] = {
        { self->start_button, _("Run"), VIREO_DOMAIN_ACTION_START },
        { self->pause_button, _("Pause"), VIREO_DOMAIN_ACTION_PAUSE },
        { self->resume_button, _("Resume"), VIREO_DOMAIN_ACTION_RESUME },
        { self->shutdown_button, _("Shut Down"), VIREO_DOMAIN_ACTION_SHUTDOWN },
        { self->delete_button, _("Delete…"), VIREO_DOMAIN_ACTION_UNDEFINE },
      };

      for (guint i = 0; i < G_N_ELEMENTS (tips); i++)
        {
          g_autofree char *cmd = vireo_command_for_domain_action (uri, tips[i].a,
                                                                   vireo_domain_get_name (domain), NULL);
          g_autofree char *tip = g_strdup_printf ("%s\n%s", tips[i].label, cmd);
          set_tooltip (tips[i].w, tip);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Running actions                                                           */

typedef struct
{
  GWeakRef           window;
  VireoDomainAction  action;
  guint              pending;
  GString           *failures;
  char              *first_failed;
  char              *first_message;
  char              *first_hint;
  VireoDomain       *first_domain;
  guint              n_failed;
  GHashTable        *from_saved;   /* machines Run restores from a saved state */
  GPtrArray         *back;         /* restored or resumed: their clocks are old */
} Batch;

static Batch *
batch_new (VireoWindow       *self,
           VireoDomainAction  action)
{
  Batch *batch = g_new0 (Batch, 1);

  g_weak_ref_init (&batch->window, self);
  batch->action = action;
  batch->failures = g_string_new (NULL);
  batch->from_saved = g_hash_table_new (NULL, NULL);
  batch->back = g_ptr_array_new_with_free_func (g_object_unref);
  return batch;
}

static void
batch_free (Batch *batch)
{
  g_weak_ref_clear (&batch->window);
  g_string_free (batch->failures, TRUE);
  g_free (batch->first_failed);
  g_free (batch->first_message);
  g_free (batch->first_hint);
  g_clear_object (&batch->first_domain);
  g_hash_table_unref (batch->from_saved);
  g_ptr_array_unref (batch->back);
  g_free (batch);
}

static void
batch_record (Batch        *batch,
              VireoDomain  *domain,
              const GError *error)
{
  const char *hint = vireo_machine_error_hint (error);

  batch->n_failed++;
  if (batch->first_failed == NULL)
    {
      batch->first_failed = g_strdup (vireo_domain_get_name (domain));
      batch->first_message = g_strdup (error->message);
      batch->first_hint = g_strdup (hint);
      batch->first_domain = g_object_ref (domain);
    }
  if (batch->failures->len > 0)
    g_string_append (batch->failures, "\n\n");
  g_string_append_printf (batch->failures, "%s: %s", vireo_domain_get_name (domain), error->message);
  if (hint != NULL)
    g_string_append_printf (batch->failures, "\n%s", hint);
}

static void
batch_done (Batch *batch)
{
  g_autoptr(VireoWindow) self = NULL;

  if (--batch->pending > 0)
    return;

  self = g_weak_ref_get (&batch->window);
  if (self != NULL && batch->back->len > 0)
    vireo_offer_clock_sync (self->toast_overlay, batch->back);
  if (self != NULL && batch->n_failed > 0)
    {
      g_autofree char *heading = vireo_machine_failure_heading (batch->action, batch->first_failed, batch->n_failed);
      g_autofree char *single = NULL;

      g_autofree char *network = NULL;

      /* A machine whose network is stopped: offer to start it rather
       * than only say so. */
      if (batch->n_failed == 1 && batch->action == VIREO_DOMAIN_ACTION_START &&
          (network = vireo_network_inactive_from_error (batch->first_message)) != NULL)
        {
          vireo_offer_network_start (GTK_WINDOW (self), batch->first_domain, network);
          batch_free (batch);
          return;
        }

      /* One failure: the heading names the machine, the body says why. */
      if (batch->n_failed == 1)
        single = batch->first_hint
          ? g_strdup_printf ("%s\n\n%s", batch->first_message, batch->first_hint)
          : g_strdup (batch->first_message);
      vireo_machine_show_error (GTK_WINDOW (self), heading, single ? single : batch->failures->str);
    }
  batch_free (batch);
}

static void
action_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  VireoDomain *domain = VIREO_DOMAIN (object);
  Batch *batch = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_domain_action_finish (domain, result, &error))
    batch_record (batch, domain, error);
  else if (batch->action == VIREO_DOMAIN_ACTION_RESUME)
    g_ptr_array_add (batch->back, g_object_ref (domain));
  else if (g_hash_table_contains (batch->from_saved, domain))
    {
      g_autoptr(VireoWindow) self = g_weak_ref_get (&batch->window);

      /* Back running or paused, as it was saved: known a moment later. */
      if (self != NULL)
        vireo_offer_clock_sync_when_back (self->toast_overlay, domain);
    }
  batch_done (batch);
}

static void
run_on_selection (VireoWindow       *self,
                  VireoDomainAction  action)
{
  g_autoptr(GPtrArray) selected = vireo_window_dup_selected (self);
  Batch *batch = batch_new (self, action);

  batch->pending = 1;   /* held until every call has been made */
  for (guint i = 0; i < selected->len; i++)
    {
      VireoDomain *domain = g_ptr_array_index (selected, i);

      if (!vireo_domain_can_do (domain, action))
        continue;
      if (action == VIREO_DOMAIN_ACTION_START && vireo_domain_get_has_saved_state (domain))
        g_hash_table_add (batch->from_saved, domain);
      batch->pending++;
      vireo_domain_action_async (domain, action, NULL, action_cb, batch);
    }

  if (action == VIREO_DOMAIN_ACTION_SHUTDOWN && batch->pending > 1)
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new (_("Shutdown requested: the guest decides when it stops")));

  batch_done (batch);
}

static VireoDomainAction
action_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_names); i++)
    if (g_str_equal (action_names[i].name, name))
      return action_names[i].action;
  g_return_val_if_reached (VIREO_DOMAIN_ACTION_START);
}

static void
vm_simple_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  run_on_selection (VIREO_WINDOW (widget), action_from_name (action_name));
}

static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     VireoWindow      *self)
{
  if (g_str_equal (response, "cancel"))
    return;
  run_on_selection (self, g_str_equal (response, "reset")
                          ? VIREO_DOMAIN_ACTION_RESET
                          : VIREO_DOMAIN_ACTION_DESTROY);
}

static void
vm_confirm_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);
  g_autoptr(GPtrArray) selected = vireo_window_dup_selected (self);
  gboolean reset = g_str_equal (action_name, "vm.reset");
  VireoDomainAction action = reset ? VIREO_DOMAIN_ACTION_RESET : VIREO_DOMAIN_ACTION_DESTROY;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GtkWidget *dialog;

  for (guint i = 0; i < selected->len; i++)
    if (vireo_domain_can_do (g_ptr_array_index (selected, i), action))
      g_ptr_array_add (names, (gpointer) vireo_domain_get_name (g_ptr_array_index (selected, i)));
  if (names->len == 0)
    return;

  dialog = vireo_machine_force_question_new (GTK_WINDOW (self), names, reset);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* Delete                                                                    */

typedef struct
{
  Batch     *batch;
  GPtrArray *domains;    /* VireoDomain, parallel to plans */
  GPtrArray *plans;      /* VireoDeletePlan */
  guint      n_running;
} DeleteJob;

static void
delete_job_free (DeleteJob *job)
{
  g_ptr_array_unref (job->domains);
  g_ptr_array_unref (job->plans);
  g_free (job);
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  VireoDomain *domain = VIREO_DOMAIN (object);
  Batch *batch = user_data;
  g_autoptr(GError) error = NULL;

  if (!vireo_domain_delete_finish (domain, result, &error))
    batch_record (batch, domain, error);
  batch_done (batch);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  DeleteJob *job = user_data;
  Batch *batch = job->batch;

  if (g_str_equal (response, "delete"))
    for (guint i = 0; i < job->domains->len; i++)
      {
        VireoDomain *domain = g_ptr_array_index (job->domains, i);
        VireoDeletePlan *plan = g_ptr_array_index (job->plans, i);

        if (plan == NULL)
          continue;
        batch->pending++;
        vireo_domain_delete_async (domain, plan, NULL, delete_cb, batch);
      }

  batch_done (batch);
  delete_job_free (job);
}

static void
plan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VireoDomain *domain = VIREO_DOMAIN (object);
  DeleteJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoWindow) self = NULL;
  VireoDeletePlan *plan;
  guint index;

  plan = vireo_domain_plan_delete_finish (domain, result, &error);
  if (!g_ptr_array_find (job->domains, domain, &index))
    g_assert_not_reached ();
  if (plan == NULL)
    batch_record (job->batch, domain, error);
  else
    job->plans->pdata[index] = plan;

  if (--job->batch->pending > 1)
    return;

  /* Every plan is in: ask once for all of them. */
  self = g_weak_ref_get (&job->batch->window);
  {
    g_autoptr(GPtrArray) ready = g_ptr_array_new ();

    for (guint i = 0; i < job->plans->len; i++)
      if (g_ptr_array_index (job->plans, i) != NULL)
        g_ptr_array_add (ready, g_ptr_array_index (job->plans, i));

    if (self != NULL && ready->len > 0)
      {
        GtkWidget *dialog = vireo_delete_dialog_new (GTK_WINDOW (self), ready, job->n_running);
        g_signal_connect (dialog, "response", G_CALLBACK (on_delete_response), job);
        gtk_window_present (GTK_WINDOW (dialog));
        return;
      }
  }

  on_delete_response (NULL, "cancel", job);
}

static void
vm_delete_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);
  g_autoptr(GPtrArray) selected = vireo_window_dup_selected (self);
  DeleteJob *job;

  if (selected->len == 0)
    return;

  job = g_new0 (DeleteJob, 1);
  job->batch = batch_new (self, VIREO_DOMAIN_ACTION_UNDEFINE);
  job->domains = g_ptr_array_ref (selected);
  job->plans = g_ptr_array_new_full (selected->len, (GDestroyNotify) vireo_delete_plan_unref);
  g_ptr_array_set_size (job->plans, selected->len);

  /* One extra count keeps the batch open until the dialog is answered. */
  job->batch->pending = 1 + selected->len;
  for (guint i = 0; i < selected->len; i++)
    {
      VireoDomain *domain = g_ptr_array_index (selected, i);

      if (vireo_domain_get_active (domain))
        job->n_running++;
      vireo_domain_plan_delete_async (domain, NULL, plan_cb, job);
    }
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);

  gtk_toggle_button_set_active (self->search_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
on_connection_chosen (VireoWindow              *self,
                      const char               *uri,
                      const char               *name,
                      gboolean                  autoconnect,
                      VireoAddConnectionDialog *dialog)
{
  VireoConnection *conn = vireo_connection_manager_add (self->manager, uri);
  g_autoptr(GListModel) connections = vireo_connection_manager_list_connections (self->manager);
  guint position;

  if (name != NULL && *name != '\0')
    vireo_connection_set_name (conn, name);
  vireo_connection_set_autoconnect (conn, autoconnect);
  if (vireo_connection_get_state (conn) == VIREO_CONNECTION_STATE_DISCONNECTED)
    vireo_connection_open_async (conn, NULL, NULL, NULL);

  /* Show what was just added. */
  if (g_list_store_find (G_LIST_STORE (connections), conn, &position))
    gtk_list_box_select_row (self->connection_list,
                             gtk_list_box_get_row_at_index (self->connection_list, position));
}

/* Every connection already in the sidebar but @except is refused by URI. */
static GtkWidget *
new_connection_dialog (VireoWindow     *self,
                       VireoConnection *except)
{
  GtkWidget *dialog = vireo_add_connection_dialog_new (GTK_WINDOW (self));
  g_autoptr(GListModel) connections = vireo_connection_manager_list_connections (self->manager);

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(VireoConnection) conn = g_list_model_get_item (connections, i);
      g_autofree char *name = vireo_connection_dup_display_name (conn);

      if (conn != except)
        vireo_add_connection_dialog_add_taken (VIREO_ADD_CONNECTION_DIALOG (dialog),
                                               vireo_connection_get_uri (conn), name);
    }
  return dialog;
}

/**
 * vireo_window_show_add_connection:
 *
 * Returns: (transfer none): the dialog, for tests
 */
GtkWidget *
vireo_window_show_add_connection (VireoWindow *self)
{
  GtkWidget *dialog = new_connection_dialog (self, NULL);

  g_signal_connect_object (dialog, "connection-chosen", G_CALLBACK (on_connection_chosen),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
on_connection_edited (VireoWindow              *self,
                      const char               *uri,
                      const char               *name,
                      gboolean                  autoconnect,
                      VireoAddConnectionDialog *dialog)
{
  VireoConnection *old = g_object_get_data (G_OBJECT (dialog), "vireo-editing");
  g_autoptr(GListModel) connections = vireo_connection_manager_list_connections (self->manager);

  /* Removed from the sidebar while the dialog was open. */
  if (old == NULL || !g_list_store_find (G_LIST_STORE (connections), old, NULL))
    return;

  if (g_strcmp0 (uri, vireo_connection_get_uri (old)) == 0)
    {
      /* Same host: a rename or the start-up switch, nothing to reopen. */
      vireo_connection_set_name (old, name != NULL && *name != '\0' ? name : NULL);
      vireo_connection_set_autoconnect (old, autoconnect);
      return;
    }

  /* Another URI is another connection: the machines of the old one are not
   * those of the new, so it goes, and the new one connects as Add does. */
  vireo_connection_manager_remove (self->manager, old);
  on_connection_chosen (self, uri, name, autoconnect, dialog);
}

/**
 * vireo_window_edit_connection:
 * @duplicate: start a new connection from @connection instead of changing it
 *
 * Returns: (transfer none): the dialog, for tests
 */
GtkWidget *
vireo_window_edit_connection (VireoWindow     *self,
                              VireoConnection *connection,
                              gboolean         duplicate)
{
  GtkWidget *dialog;

  g_return_val_if_fail (VIREO_IS_WINDOW (self), NULL);
  g_return_val_if_fail (VIREO_IS_CONNECTION (connection), NULL);

  dialog = new_connection_dialog (self, duplicate ? NULL : connection);
  vireo_add_connection_dialog_prefill (VIREO_ADD_CONNECTION_DIALOG (dialog),
                                       vireo_connection_get_uri (connection),
                                       duplicate ? NULL : vireo_connection_get_name (connection),
                                       vireo_connection_get_autoconnect (connection));
  if (duplicate)
    g_signal_connect_object (dialog, "connection-chosen", G_CALLBACK (on_connection_chosen),
                             self, G_CONNECT_SWAPPED);
  else
    {
      vireo_add_connection_dialog_set_editing (VIREO_ADD_CONNECTION_DIALOG (dialog), TRUE);
      g_object_set_data_full (G_OBJECT (dialog), "vireo-editing", g_object_ref (connection), g_object_unref);
      g_signal_connect_object (dialog, "connection-chosen", G_CALLBACK (on_connection_edited),
                               self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
conn_edit_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);

  if (self->connection != NULL)
    vireo_window_edit_connection (self, self->connection, g_str_equal (action_name, "conn.duplicate"));
}

static void
conn_add_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  vireo_window_show_add_connection (VIREO_WINDOW (widget));
}

static void
conn_disconnect_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);

  if (self->connection != NULL)
    vireo_connection_close (self->connection);
}

static void
conn_remove_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);
  g_autoptr(VireoConnection) conn = self->connection ? g_object_ref (self->connection) : NULL;

  if (conn != NULL)
    vireo_connection_manager_remove (self->manager, conn);
}

static void
vm_details_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);
  g_autoptr(GPtrArray) selected = vireo_window_dup_selected (self);

  /* One window per machine, for each selected one (a few, not a thousand). */
  for (guint i = 0; i < MIN (selected->len, 8); i++)
    vireo_vm_window_present_for (GTK_WINDOW (self), g_ptr_array_index (selected, i));
}

static void
on_row_activated (VireoWindow *self,
                  guint        position)
{
  g_autoptr(VireoDomain) domain = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (domain != NULL)
    vireo_vm_window_present_for (GTK_WINDOW (self), domain);
}

static void
vm_new_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);
  VireoNewVmDialog *dialog = vireo_new_vm_dialog_new (GTK_WINDOW (self), self->manager, self->connection);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
conn_details_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);

  if (self->connection != NULL)
    vireo_host_window_present_for (GTK_WINDOW (self), self->connection);
}

static void
conn_reconnect_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);

  if (self->connection != NULL)
    vireo_connection_reconnect (self->connection);
}

/* ------------------------------------------------------------------------ */
/* One machine's dialogs                                                     */

static VireoDomain *
single_selected (VireoWindow *self)
{
  g_autoptr(GPtrArray) selected = vireo_window_dup_selected (self);

  if (selected->len != 1)
    return NULL;
  return g_object_ref (g_ptr_array_index (selected, 0));
}

static void
vm_save_to_file_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);
  g_autoptr(VireoDomain) domain = single_selected (self);

  if (domain != NULL)
    vireo_machine_save_to_file (GTK_WINDOW (self), domain, self->toast_overlay);
}

static void
vm_remove_saved_state_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);
  g_autoptr(VireoDomain) domain = single_selected (self);

  if (domain != NULL)
    vireo_machine_remove_saved_state (GTK_WINDOW (self), domain);
}

static void
vm_clone_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);
  g_autoptr(VireoDomain) domain = single_selected (self);

  if (domain != NULL)
    vireo_machine_clone (GTK_WINDOW (self), domain);
}

static void
vm_migrate_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);
  g_autoptr(VireoDomain) domain = single_selected (self);

  if (domain != NULL)
    vireo_machine_migrate (GTK_WINDOW (self), domain);
}

static void
offer_clock (GObject     *owner,
             VireoDomain *domain)
{
  vireo_offer_clock_sync_when_back (VIREO_WINDOW (owner)->toast_overlay, domain);
}

static void
on_restored (GtkWidget   *dialog,
             const char  *uuid,
             VireoWindow *self)
{
  vireo_machine_when_listed (G_OBJECT (self), g_object_get_data (G_OBJECT (dialog), "vireo-connection"),
                             uuid, offer_clock);
}

static void
conn_restore_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  VireoWindow *self = VIREO_WINDOW (widget);
  GtkWidget *dialog;

  if (self->connection == NULL)
    return;
  dialog = vireo_restore_dialog_new (GTK_WINDOW (self), self->connection);
  g_object_set_data_full (G_OBJECT (dialog), "vireo-connection",
                          g_object_ref (self->connection), g_object_unref);
  g_signal_connect_object (dialog, "restored", G_CALLBACK (on_restored), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* Context menu                                                              */

static void
drop_context_menu (VireoWindow *self)
{
  if (self->context_menu != NULL)
    {
      GtkWidget *menu = self->context_menu;

      g_object_remove_weak_pointer (G_OBJECT (menu), (gpointer *) &self->context_menu);
      self->context_menu = NULL;
      gtk_widget_unparent (menu);
    }
}

static gboolean
drop_context_menu_idle (gpointer data)
{
  drop_context_menu (data);
  return G_SOURCE_REMOVE;
}

static void
on_popover_closed (VireoWindow *self)
{
  /* Unparent only after the chosen item's action has run. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, drop_context_menu_idle,
                   g_object_ref (self), g_object_unref);
}

static GtkWidget *
popup_menu (VireoWindow *self,
            const char  *menu_id,
            GtkWidget   *anchor,
            double       x,
            double       y)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/vireo/Vireo/vireo-menus.ui");
  GtkWidget *popover;

  drop_context_menu (self);
  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (gtk_builder_get_object (builder, menu_id)));
  gtk_widget_set_parent (popover, anchor);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { x, y, 1, 1 });
  g_signal_connect_object (popover, "closed", G_CALLBACK (on_popover_closed), self, G_CONNECT_SWAPPED);
  self->context_menu = popover;
  g_object_add_weak_pointer (G_OBJECT (popover), (gpointer *) &self->context_menu);
  gtk_popover_popup (GTK_POPOVER (popover));
  return popover;
}

/**
 * vireo_window_popup_context_menu:
 * @anchor: (nullable): the widget the menu points from; the list when %NULL
 * @x: @y: where in @anchor
 *
 * Returns: (transfer none): the popover shown, for tests
 */
GtkWidget *
vireo_window_popup_context_menu (VireoWindow *self,
                                 GtkWidget   *anchor,
                                 double       x,
                                 double       y)
{
  g_return_val_if_fail (VIREO_IS_WINDOW (self), NULL);

  return popup_menu (self, "context_menu", anchor ? anchor : GTK_WIDGET (self->column_view), x, y);
}

static void
on_sidebar_right_click (GtkGestureClick *gesture,
                        int              n_press,
                        double           x,
                        double           y,
                        VireoWindow     *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_y (self->connection_list, y);

  if (row == NULL)
    return;
  gtk_list_box_select_row (self->connection_list, row);
  popup_menu (self, "connection_menu", GTK_WIDGET (self->connection_list), x, y);
}

static void
on_list_right_click (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     VireoWindow     *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->column_view), x, y, GTK_PICK_DEFAULT);
  GtkWidget *cell = picked ? gtk_widget_get_ancestor (picked, VIREO_TYPE_DOMAIN_CELL) : NULL;
  guint position;
  double cx, cy;

  if (cell == NULL)
    return;
  position = vireo_domain_cell_get_position (VIREO_DOMAIN_CELL (cell));
  if (position == GTK_INVALID_LIST_POSITION)
    return;

  /* Right-click acts on what is under the pointer, keeping a selection the
   * pointer is part of. */
  if (!gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);

  gtk_widget_translate_coordinates (GTK_WIDGET (self->column_view), cell, x, y, &cx, &cy);
  vireo_window_popup_context_menu (self, cell, cx, cy);
}

/* ------------------------------------------------------------------------ */
/* Columns                                                                   */

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            VireoWindow              *self)
{
  VireoDomainColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));

  gtk_list_item_set_child (item, vireo_domain_cell_new (column));
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  vireo_domain_cell_bind (VIREO_DOMAIN_CELL (gtk_list_item_get_child (item)), item);
}

static void
cell_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  vireo_domain_cell_unbind (VIREO_DOMAIN_CELL (gtk_list_item_get_child (item)));
}

/* Running machines first, then paused, then the rest: what an admin scans for. */
static int
state_rank (VireoDomainState state)
{
  switch (state)
    {
    case VIREO_DOMAIN_STATE_RUNNING:
    case VIREO_DOMAIN_STATE_BLOCKED:     return 0;
    case VIREO_DOMAIN_STATE_SHUTDOWN:    return 1;
    case VIREO_DOMAIN_STATE_PAUSED:
    case VIREO_DOMAIN_STATE_PMSUSPENDED: return 2;
    case VIREO_DOMAIN_STATE_CRASHED:     return 3;
    case VIREO_DOMAIN_STATE_SHUTOFF:
    case VIREO_DOMAIN_STATE_NOSTATE:
    default:                             return 4;
    }
}

static int
compare_state (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  int ra = state_rank (vireo_domain_get_state ((VireoDomain *) a));
  int rb = state_rank (vireo_domain_get_state ((VireoDomain *) b));

  if (ra != rb)
    return ra < rb ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
  return g_utf8_collate (vireo_domain_get_name ((VireoDomain *) a),
                         vireo_domain_get_name ((VireoDomain *) b)) < 0
    ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
}

static void
add_column (VireoWindow       *self,
            VireoDomainColumn  kind,
            const char        *title,
            GtkSorter         *sorter,
            gboolean           expand,
            int                fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (kind));
  g_signal_connect_object (factory, "setup", G_CALLBACK (cell_setup), self, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind), NULL);

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  if (kind == VIREO_DOMAIN_COLUMN_HOST)
    {
      /* Only the "All Connections" view has more than one host to name. */
      g_object_set_data (G_OBJECT (column), "host-column", GINT_TO_POINTER (TRUE));
      gtk_column_view_column_set_visible (column, FALSE);
    }
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (column, fixed_width);
  gtk_column_view_append_column (self->column_view, column);

  g_object_unref (sorter);
  g_object_unref (column);
}

static GtkSorter *
numeric_sorter (const char *property,
                GtkSortType order)
{
  GtkNumericSorter *sorter =
    gtk_numeric_sorter_new (gtk_property_expression_new (VIREO_TYPE_DOMAIN, NULL, property));

  gtk_numeric_sorter_set_sort_order (sorter, order);
  return GTK_SORTER (sorter);
}

static int
compare_host (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  VireoConnection *ca = vireo_domain_get_connection ((VireoDomain *) a);
  VireoConnection *cb = vireo_domain_get_connection ((VireoDomain *) b);
  g_autofree char *na = ca != NULL ? vireo_connection_dup_display_name (ca) : NULL;
  g_autofree char *nb = cb != NULL ? vireo_connection_dup_display_name (cb) : NULL;
  int cmp = g_utf8_collate (na != NULL ? na : "", nb != NULL ? nb : "");

  if (cmp == 0)
    cmp = g_utf8_collate (vireo_domain_get_name ((VireoDomain *) a), vireo_domain_get_name ((VireoDomain *) b));
  return cmp < 0 ? GTK_ORDERING_SMALLER : cmp > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static void
setup_columns (VireoWindow *self)
{
  GtkStringSorter *by_name =
    gtk_string_sorter_new (gtk_property_expression_new (VIREO_TYPE_DOMAIN, NULL, "name"));

  add_column (self, VIREO_DOMAIN_COLUMN_NAME, _("Name"), GTK_SORTER (by_name), TRUE, -1);
  add_column (self, VIREO_DOMAIN_COLUMN_HOST, _("Host"),
              GTK_SORTER (gtk_custom_sorter_new (compare_host, NULL, NULL)), FALSE, 180);
  add_column (self, VIREO_DOMAIN_COLUMN_STATE, _("State"),
              GTK_SORTER (gtk_custom_sorter_new (compare_state, NULL, NULL)), FALSE, 140);
  /* Busiest first on the first click: that is what one sorts these by. */
  add_column (self, VIREO_DOMAIN_COLUMN_CPU, _("CPU"),
              numeric_sorter ("cpu-percent", GTK_SORT_DESCENDING), FALSE, 130);
  add_column (self, VIREO_DOMAIN_COLUMN_MEMORY, _("Memory"),
              numeric_sorter ("memory-kib", GTK_SORT_DESCENDING), FALSE, 110);
  add_column (self, VIREO_DOMAIN_COLUMN_DISK, _("Disk I/O"),
              numeric_sorter ("disk-rate", GTK_SORT_DESCENDING), FALSE, 110);
  add_column (self, VIREO_DOMAIN_COLUMN_NET, _("Network I/O"),
              numeric_sorter ("net-rate", GTK_SORT_DESCENDING), FALSE, 120);

  {
    g_autoptr(GtkColumnViewColumn) first =
      g_list_model_get_item (gtk_column_view_get_columns (self->column_view), 0);
    gtk_column_view_sort_by_column (self->column_view, first, GTK_SORT_ASCENDING);
  }
}

/* ------------------------------------------------------------------------ */
/* Connection shown                                                          */

static void
mark_populated_after_paint (GdkFrameClock *clock,
                            VireoWindow   *self)
{
  vireo_perf_mark ("list-populated", "domains=%u",
                   g_list_model_get_n_items (G_LIST_MODEL (self->sort_model)));
  g_clear_signal_handler (&self->after_paint_id, clock);
}

/* For benchmarks (VIREO_PERF=1): the first time a list is on screen. */
static void
mark_populated_once (VireoWindow *self,
                     const char  *page)
{
  GdkFrameClock *clock;

  if (self->perf_marked || !g_str_equal (page, "list") || !vireo_perf_enabled ())
    return;

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  self->perf_marked = TRUE;
  if (clock != NULL)
    self->after_paint_id = g_signal_connect (clock, "after-paint",
                                             G_CALLBACK (mark_populated_after_paint), self);
  else
    mark_populated_after_paint (NULL, self);
}

static void
set_host_column_visible (VireoWindow *self,
                         gboolean     visible)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  guint n = g_list_model_get_n_items (columns);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_object_get_data (G_OBJECT (column), "host-column") != NULL)
        gtk_column_view_column_set_visible (column, visible);
    }
}

static void
update_all_subtitle (VireoWindow *self)
{
  g_autoptr(GListModel) connections = vireo_connection_manager_list_connections (self->manager);
  guint n = g_list_model_get_n_items (connections);
  guint connected = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoConnection) conn = g_list_model_get_item (connections, i);
      if (vireo_connection_get_state (conn) == VIREO_CONNECTION_STATE_CONNECTED)
        connected++;
    }
  /* Translators: "2 of 3 connected" */
  text = g_strdup_printf (_("%u of %u connected"), connected, n);
  gtk_label_set_text (self->all_subtitle, text);
  /* One connection has nothing to aggregate. */
  gtk_widget_set_visible (GTK_WIDGET (self->all_list), n > 1 || self->show_all);
}

static gboolean
any_connecting (VireoWindow *self)
{
  g_autoptr(GListModel) connections = vireo_connection_manager_list_connections (self->manager);

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(VireoConnection) conn = g_list_model_get_item (connections, i);

      if (vireo_connection_get_state (conn) == VIREO_CONNECTION_STATE_CONNECTING)
        return TRUE;
    }
  return FALSE;
}

/* The "All Connections" view: every machine Vireo knows, whatever the
 * state of its host; the Host column says where each one lives. */
static void
update_all_view (VireoWindow *self)
{
  guint n_domains = g_list_model_get_n_items (self->all_domains);
  const char *page;

  update_all_subtitle (self);
  adw_window_title_set_title (self->window_title, _("All Connections"));
  adw_window_title_set_subtitle (self->window_title, gtk_label_get_text (self->all_subtitle));
  set_tooltip (GTK_WIDGET (self->window_title), NULL);

  if (n_domains == 0)
    {
      page = "empty";
      adw_status_page_set_description (self->empty_page, _("No connection has virtual machines yet."));
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    page = "no-match";
  else
    page = "list";
  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_spinner_set_spinning (self->connecting_spinner, FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->stack), "vireo-disconnected");
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
  /* "Populated" here means every host has answered, one way or the other. */
  if (!any_connecting (self))
    mark_populated_once (self, page);
  update_actions (self);
}

static void
update_view (VireoWindow *self)
{
  VireoConnection *conn = self->connection;
  VireoConnectionState state;
  g_autofree char *name = NULL;
  const char *subtitle;
  const char *page;
  guint n_domains;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conn.connect",
                                 conn != NULL && vireo_connection_get_state (conn) == VIREO_CONNECTION_STATE_DISCONNECTED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conn.disconnect",
                                 conn != NULL && vireo_connection_get_state (conn) != VIREO_CONNECTION_STATE_DISCONNECTED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conn.remove", conn != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conn.details", conn != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conn.edit", conn != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conn.duplicate", conn != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conn.restore",
                                 conn != NULL && vireo_connection_get_state (conn) == VIREO_CONNECTION_STATE_CONNECTED);
  set_host_column_visible (self, self->show_all);

  if (self->show_all)
    {
      update_all_view (self);
      return;
    }

  if (conn == NULL)
    {
      adw_window_title_set_title (self->window_title, _("Vireo"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_stack_set_visible_child_name (self->stack, "none");
      gtk_spinner_set_spinning (self->connecting_spinner, FALSE);
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      update_actions (self);
      return;
    }

  state = vireo_connection_get_state (conn);
  name = vireo_connection_dup_display_name (conn);
  n_domains = g_list_model_get_n_items (gtk_filter_list_model_get_model (self->filter_model));

  switch (state)
    {
    case VIREO_CONNECTION_STATE_CONNECTED:  subtitle = _("Connected"); break;
    case VIREO_CONNECTION_STATE_CONNECTING: subtitle = _("Connecting…"); break;
    case VIREO_CONNECTION_STATE_DISCONNECTED:
    default:                                subtitle = _("Disconnected"); break;
    }
  /* AdwWindowTitle takes markup; URIs carry '&' between parameters. */
  {
    g_autofree char *title_markup = g_markup_escape_text (name, -1);
    g_autofree char *uri_markup = g_markup_escape_text (vireo_connection_get_uri (conn), -1);

    adw_window_title_set_title (self->window_title, title_markup);
    adw_window_title_set_subtitle (self->window_title, uri_markup);
  }
  set_tooltip (GTK_WIDGET (self->window_title), subtitle);

  if (!vireo_connection_get_populated (conn))
    {
      if (state == VIREO_CONNECTION_STATE_DISCONNECTED)
        {
          const char *error = vireo_connection_get_error_message (conn);
          const char *hint = vireo_virt_connect_hint (vireo_connection_get_uri (conn), error);
          g_autofree char *text = hint ? g_strdup_printf ("%s\n\n%s", error, hint) : g_strdup (error);
          /* AdwStatusPage takes markup; libvirt's messages are plain text. */
          g_autofree char *markup = g_markup_escape_text (text != NULL ? text : "", -1);

          page = "failed";
          adw_status_page_set_description (self->failed_page, markup);
        }
      else
        {
          g_autofree char *markup = g_markup_escape_text (vireo_connection_get_uri (conn), -1);

          page = "connecting";
          adw_status_page_set_description (self->connecting_page, markup);
        }
    }
  else if (n_domains == 0)
    {
      page = "empty";
      adw_status_page_set_description (self->empty_page,
                                       _("This host has no virtual machines yet."));
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    page = "no-match";
  else
    page = "list";
  gtk_stack_set_visible_child_name (self->stack, page);
  /* A spinning spinner animates even on a hidden stack page: the frame clock
   * would never rest, costing a few percent of a core while idle. */
  gtk_spinner_set_spinning (self->connecting_spinner, g_str_equal (page, "connecting"));

  /* Greyed, but still there: the machines are known, just not reachable. */
  if (state == VIREO_CONNECTION_STATE_CONNECTED)
    gtk_widget_remove_css_class (GTK_WIDGET (self->stack), "vireo-disconnected");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->stack), "vireo-disconnected");

  gtk_widget_remove_css_class (GTK_WIDGET (gtk_widget_get_parent (GTK_WIDGET (self->banner_label))), "warning");
  if (vireo_connection_get_populated (conn) && state != VIREO_CONNECTION_STATE_CONNECTED)
    {
      g_autofree char *text = NULL;
      const char *error = vireo_connection_get_error_message (conn);
      guint delay = vireo_connection_get_reconnect_in (conn);

      if (state == VIREO_CONNECTION_STATE_CONNECTING)
        text = g_strdup (_("Reconnecting…"));
      else if (delay > 0)
        /* Translators: %s says what happened; %u is a number of seconds */
        text = g_strdup_printf (ngettext ("%s\nTrying again in %u second.",
                                          "%s\nTrying again in %u seconds.", delay),
                                error ? error : _("Disconnected."), delay);
      else
        text = g_strdup (error ? error : _("Disconnected."));
      gtk_label_set_text (self->banner_label, text);
      gtk_widget_set_visible (self->banner_button, state == VIREO_CONNECTION_STATE_DISCONNECTED);
      gtk_widget_add_css_class (GTK_WIDGET (gtk_widget_get_parent (GTK_WIDGET (self->banner_label))), "warning");
      gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
    }
  else if (vireo_connection_get_is_demo (conn))
    {
      gtk_label_set_text (self->banner_label,
                          _("Demo connection: no libvirt daemon was reachable, so these machines are simulated by "
                            "libvirt’s test driver. Nothing you do here touches a real host."));
      gtk_widget_set_visible (self->banner_button, FALSE);
      gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
    }
  else
    gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);

  mark_populated_once (self, page);
  update_actions (self);
}

static gboolean
update_actions_idle (gpointer data)
{
  VireoWindow *self = data;

  self->update_actions_source = 0;
  if (gtk_toggle_button_get_active (self->hide_inactive_button))
    gtk_filter_changed (GTK_FILTER (self->active_filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_actions (self);
  return G_SOURCE_REMOVE;
}

/* After a reconnect hundreds of states can change in one go: refilter and
 * recompute the actions once, not once per machine. */
static void
on_domain_state_changed (VireoWindow *self,
                         VireoDomain *domain)
{
  if (self->update_actions_source == 0)
    self->update_actions_source = g_idle_add (update_actions_idle, self);
}

static void
vireo_window_set_connection (VireoWindow     *self,
                             VireoConnection *connection)
{
  g_autoptr(GListModel) domains = NULL;

  if (self->connection == connection && !self->show_all)
    return;

  self->show_all = FALSE;
  g_set_object (&self->connection, connection);
  g_signal_group_set_target (self->connection_signals, connection);

  if (connection != NULL)
    domains = vireo_connection_list_domains (connection);
  gtk_filter_list_model_set_model (self->filter_model, domains);

  update_view (self);
}

static void
vireo_window_show_all (VireoWindow *self)
{
  if (self->show_all)
    return;

  self->show_all = TRUE;
  g_clear_object (&self->connection);
  g_signal_group_set_target (self->connection_signals, NULL);
  gtk_filter_list_model_set_model (self->filter_model, self->all_domains);
  update_view (self);
}

/**
 * vireo_window_show_all_connections:
 *
 * Shows every connection's machines in one list, as choosing "All
 * Connections" in the sidebar does.
 */
void
vireo_window_show_all_connections (VireoWindow *self)
{
  g_return_if_fail (VIREO_IS_WINDOW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->all_list), TRUE);
  gtk_list_box_select_row (self->all_list, self->all_row);
}

gboolean
vireo_window_get_showing_all (VireoWindow *self)
{
  g_return_val_if_fail (VIREO_IS_WINDOW (self), FALSE);

  return self->show_all;
}

static void
on_row_selected (VireoWindow   *self,
                 GtkListBoxRow *row)
{
  if (row == NULL)
    {
      /* Moving to "All Connections" unselects this list; that is not a
       * choice of "nothing". */
      if (!self->show_all)
        vireo_window_set_connection (self, NULL);
      return;
    }
  gtk_list_box_unselect_all (self->all_list);
  vireo_window_set_connection (self, vireo_connection_row_get_connection (VIREO_CONNECTION_ROW (row)));
}

static void
on_all_row_selected (VireoWindow   *self,
                     GtkListBoxRow *row)
{
  if (row == NULL)
    return;
  vireo_window_show_all (self);
  gtk_list_box_unselect_all (self->connection_list);
}

static gpointer
map_connection_to_domains (gpointer item,
                           gpointer user_data)
{
  GListModel *domains = vireo_connection_list_domains (VIREO_CONNECTION (item));

  g_object_unref (item);
  return domains;
}

static void on_domain_state_changed (VireoWindow *self,
                                     VireoDomain *domain);

/* The shown connection's domains are followed through connection_signals;
 * in "All Connections" every connection's count. */
static void
on_any_domain_state_changed (VireoWindow *self,
                             VireoDomain *domain)
{
  if (self->show_all)
    on_domain_state_changed (self, domain);
}

static void
on_any_connection_state (VireoWindow *self)
{
  update_all_subtitle (self);
  if (self->show_all)
    update_all_view (self);
}

static void
watch_connections (VireoWindow *self,
                   GListModel  *connections,
                   guint        position,
                   guint        added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(VireoConnection) conn = g_list_model_get_item (connections, i);

      g_signal_connect_object (conn, "notify::state", G_CALLBACK (on_any_connection_state),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (conn, "domain-state-changed", G_CALLBACK (on_any_domain_state_changed),
                               self, G_CONNECT_SWAPPED);
    }
}

static GtkWidget *
create_connection_row (gpointer item,
                       gpointer user_data)
{
  return vireo_connection_row_new (VIREO_CONNECTION (item));
}

static void
on_all_domains_changed (VireoWindow *self)
{
  if (self->show_all)
    update_all_view (self);
}

static void
on_connections_changed (VireoWindow *self,
                        guint        position,
                        guint        removed,
                        guint        added,
                        GListModel  *model)
{
  watch_connections (self, model, position, added);
  update_all_subtitle (self);

  /* Show the first connection until the user picks one. */
  if (self->show_all)
    update_all_view (self);
  else if (gtk_list_box_get_selected_row (self->connection_list) == NULL &&
      g_list_model_get_n_items (model) > 0)
    gtk_list_box_select_row (self->connection_list,
                             gtk_list_box_get_row_at_index (self->connection_list, 0));
  else if (g_list_model_get_n_items (model) == 0)
    vireo_window_set_connection (self, NULL);
}

/* ------------------------------------------------------------------------ */
/* Filter                                                                    */

static gboolean
filter_active (gpointer item,
               gpointer user_data)
{
  VireoWindow *self = user_data;

  return !gtk_toggle_button_get_active (self->hide_inactive_button) ||
         vireo_domain_get_active (VIREO_DOMAIN (item));
}

static void
on_hide_inactive_toggled (VireoWindow *self)
{
  gtk_filter_changed (GTK_FILTER (self->active_filter),
                      gtk_toggle_button_get_active (self->hide_inactive_button)
                      ? GTK_FILTER_CHANGE_MORE_STRICT
                      : GTK_FILTER_CHANGE_LESS_STRICT);
}

static void
on_search_changed (VireoWindow    *self,
                   GtkSearchEntry *entry)
{
  gtk_string_filter_set_search (self->name_filter, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/* ------------------------------------------------------------------------ */
/* Authentication                                                            */

static gboolean
on_authenticate (VireoWindow      *self,
                 VireoConnection  *connection,
                 VireoAuthRequest *request)
{
  g_autofree char *name = connection != NULL
                          ? vireo_connection_dup_display_name (connection)
                          : g_strdup (_("An SSH connection"));
  VireoAuthDialog *dialog = vireo_auth_dialog_new (GTK_WINDOW (self), name, request);

  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
vireo_window_constructed (GObject *object)
{
  VireoWindow *self = VIREO_WINDOW (object);
  g_autoptr(GListModel) connections = NULL;

  G_OBJECT_CLASS (vireo_window_parent_class)->constructed (object);

  g_return_if_fail (self->manager != NULL);

  connections = vireo_connection_manager_list_connections (self->manager);
  gtk_list_box_bind_model (self->connection_list, connections, create_connection_row, NULL, NULL);
  self->all_domains =
    G_LIST_MODEL (gtk_flatten_list_model_new (
      G_LIST_MODEL (gtk_map_list_model_new (g_object_ref (connections), map_connection_to_domains, NULL, NULL))));
  g_signal_connect_object (self->all_domains, "items-changed", G_CALLBACK (on_all_domains_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connections, "items-changed", G_CALLBACK (on_connections_changed),
                           self, G_CONNECT_SWAPPED);
  on_connections_changed (self, 0, 0, g_list_model_get_n_items (connections), connections);
  g_signal_connect_object (self->manager, "authenticate", G_CALLBACK (on_authenticate),
                           self, G_CONNECT_SWAPPED);
}

static void
vireo_window_dispose (GObject *object)
{
  VireoWindow *self = VIREO_WINDOW (object);

  if (self->after_paint_id != 0)
    g_clear_signal_handler (&self->after_paint_id, gtk_widget_get_frame_clock (GTK_WIDGET (self)));
  drop_context_menu (self);
  g_clear_handle_id (&self->update_actions_source, g_source_remove);
  if (self->connection_signals != NULL)
    g_signal_group_set_target (self->connection_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_WINDOW);
  g_clear_object (&self->connection_signals);
  g_clear_object (&self->connection);
  /* The column view outlives this point and still emits through the
   * selection while it tears down its columns. */
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->manager);
  g_clear_object (&self->all_domains);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vireo_window_parent_class)->dispose (object);
}

static void
vireo_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VireoWindow *self = VIREO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VireoWindow *self = VIREO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_window_class_init (VireoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vireo_window_constructed;
  object_class->dispose = vireo_window_dispose;
  object_class->get_property = vireo_window_get_property;
  object_class->set_property = vireo_window_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, VIREO_TYPE_CONNECTION_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, connection_list);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, resume_button);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, shutdown_button);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, delete_button);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, hide_inactive_button);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, banner_button);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, failed_page);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, connecting_page);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, connecting_spinner);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, all_list);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, all_row);
  gtk_widget_class_bind_template_child (widget_class, VireoWindow, all_subtitle);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);

  gtk_widget_class_install_action (widget_class, "vm.start", NULL, vm_simple_action);
  gtk_widget_class_install_action (widget_class, "vm.pause", NULL, vm_simple_action);
  gtk_widget_class_install_action (widget_class, "vm.resume", NULL, vm_simple_action);
  gtk_widget_class_install_action (widget_class, "vm.shutdown", NULL, vm_simple_action);
  gtk_widget_class_install_action (widget_class, "vm.reboot", NULL, vm_simple_action);
  gtk_widget_class_install_action (widget_class, "vm.save", NULL, vm_simple_action);
  gtk_widget_class_install_action (widget_class, "vm.reset", NULL, vm_confirm_action);
  gtk_widget_class_install_action (widget_class, "vm.force-off", NULL, vm_confirm_action);
  gtk_widget_class_install_action (widget_class, "vm.delete", NULL, vm_delete_action);
  gtk_widget_class_install_action (widget_class, "vm.save-to-file", NULL, vm_save_to_file_action);
  gtk_widget_class_install_action (widget_class, "vm.remove-saved-state", NULL, vm_remove_saved_state_action);
  gtk_widget_class_install_action (widget_class, "conn.restore", NULL, conn_restore_action);
  gtk_widget_class_install_action (widget_class, "vm.clone", NULL, vm_clone_action);
  gtk_widget_class_install_action (widget_class, "vm.migrate", NULL, vm_migrate_action);
  gtk_widget_class_install_action (widget_class, "conn.reconnect", NULL, conn_reconnect_action);
  gtk_widget_class_install_action (widget_class, "conn.add", NULL, conn_add_action);
  /* Connect (menu, only while disconnected) and Reconnect Now share a handler. */
  gtk_widget_class_install_action (widget_class, "conn.connect", NULL, conn_reconnect_action);
  gtk_widget_class_install_action (widget_class, "conn.disconnect", NULL, conn_disconnect_action);
  gtk_widget_class_install_action (widget_class, "conn.remove", NULL, conn_remove_action);
  gtk_widget_class_install_action (widget_class, "conn.details", NULL, conn_details_action);
  gtk_widget_class_install_action (widget_class, "vm.details", NULL, vm_details_action);
  gtk_widget_class_install_action (widget_class, "vm.new", NULL, vm_new_action);
  gtk_widget_class_install_action (widget_class, "conn.edit", NULL, conn_edit_action);
  gtk_widget_class_install_action (widget_class, "conn.duplicate", NULL, conn_edit_action);

  gtk_widget_class_install_action (widget_class, "list.find", NULL, find_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "vm.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_ALT_MASK, "vm.details", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "list.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "vm.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "conn.reconnect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "conn.details", NULL);
}

static void
vireo_window_init (VireoWindow *self)
{
  GtkEveryFilter *every;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "sidebar-width", self->paned, "position", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "hide-inactive", self->hide_inactive_button, "active", G_SETTINGS_BIND_DEFAULT);

  self->name_filter = gtk_string_filter_new (gtk_property_expression_new (VIREO_TYPE_DOMAIN, NULL, "name"));
  gtk_string_filter_set_match_mode (self->name_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->name_filter, TRUE);
  self->active_filter = gtk_custom_filter_new (filter_active, self, NULL);
  every = gtk_every_filter_new ();
  gtk_multi_filter_append (GTK_MULTI_FILTER (every), GTK_FILTER (self->name_filter));
  gtk_multi_filter_append (GTK_MULTI_FILTER (every), GTK_FILTER (self->active_filter));

  self->filter_model = gtk_filter_list_model_new (NULL, GTK_FILTER (every));
  setup_columns (self);
  self->sort_model = gtk_sort_list_model_new (G_LIST_MODEL (self->filter_model),
                                              g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (self->sort_model));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  /* Double-click or Enter on a machine opens its window. */
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (on_row_activated),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hide_inactive_button, "notify::active",
                           G_CALLBACK (on_hide_inactive_toggled), self, G_CONNECT_SWAPPED);
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));

  {
    GtkGesture *gesture = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
    g_signal_connect_object (gesture, "pressed", G_CALLBACK (on_sidebar_right_click), self, 0);
    /* GtkListBox claims presses on its rows itself; look at them first. */
    gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (gesture), GTK_PHASE_CAPTURE);
    gtk_widget_add_controller (GTK_WIDGET (self->connection_list), GTK_EVENT_CONTROLLER (gesture));
  }

  /* One gesture for the whole list rather than one per cell. */
  {
    GtkGesture *gesture = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
    g_signal_connect_object (gesture, "pressed", G_CALLBACK (on_list_right_click), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (gesture));
  }

  self->connection_signals = g_signal_group_new (VIREO_TYPE_CONNECTION);
  g_signal_group_connect_object (self->connection_signals, "notify", G_CALLBACK (update_view),
                                 self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->connection_signals, "domain-state-changed",
                                 G_CALLBACK (on_domain_state_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "items-changed", G_CALLBACK (update_view),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->all_list, "row-selected", G_CALLBACK (on_all_row_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection_list, "row-selected", G_CALLBACK (on_row_selected),
                           self, G_CONNECT_SWAPPED);

  update_view (self);
}

GtkWidget *
vireo_window_new (GtkApplication         *application,
                  VireoConnectionManager *manager)
{
  return g_object_new (VIREO_TYPE_WINDOW,
                       "application", application,
                       "manager", manager,
                       NULL);
}

/**
 * vireo_window_get_selection:
 *
 * Returns: (transfer none): the machine list's selection model
 */
GtkSelectionModel *
vireo_window_get_selection (VireoWindow *self)
{
  g_return_val_if_fail (VIREO_IS_WINDOW (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

/**
 * vireo_window_get_connection:
 *
 * Returns: (transfer none) (nullable): the connection shown
 */
/**
 * vireo_window_get_manager:
 *
 * Returns: (transfer none): the connections this window shows
 */
VireoConnectionManager *
vireo_window_get_manager (VireoWindow *self)
{
  g_return_val_if_fail (VIREO_IS_WINDOW (self), NULL);
  return self->manager;
}

VireoConnection *
vireo_window_get_connection (VireoWindow *self)
{
  g_return_val_if_fail (VIREO_IS_WINDOW (self), NULL);
  return self->connection;
}

const char *
vireo_window_get_visible_page (VireoWindow *self)
{
  g_return_val_if_fail (VIREO_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}
