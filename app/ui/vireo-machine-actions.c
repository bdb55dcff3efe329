/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-machine-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-clone-dialog.h"
#include "vireo-machine-actions.h"
#include "vireo-migrate-dialog.h"
#include "vireo-network-config.h"
#include "vireo-network-offer.h"
#include "vireo-save-dialog.h"
#include "vireo-save-restore.h"
#include "vireo-vm-window.h"
#include "vireo-window.h"

/* ------------------------------------------------------------------------ */
/* Failures                                                                  */

char *
vireo_machine_failure_heading (VireoDomainAction  action,
                               const char        *name,
                               guint              n_failed)
{
  if (n_failed > 1)
    /* Translators: heading when an action failed on several machines */
    return g_strdup_printf (ngettext ("%u Machine Could Not Be Changed",
                                      "%u Machines Could Not Be Changed", n_failed), n_failed);

  switch (action)
    {
    case VIREO_DOMAIN_ACTION_START:        return g_strdup_printf (_("Could Not Start “%s”"), name);
    case VIREO_DOMAIN_ACTION_PAUSE:        return g_strdup_printf (_("Could Not Pause “%s”"), name);
    case VIREO_DOMAIN_ACTION_RESUME:       return g_strdup_printf (_("Could Not Resume “%s”"), name);
    case VIREO_DOMAIN_ACTION_SHUTDOWN:     return g_strdup_printf (_("Could Not Shut Down “%s”"), name);
    case VIREO_DOMAIN_ACTION_REBOOT:       return g_strdup_printf (_("Could Not Reboot “%s”"), name);
    case VIREO_DOMAIN_ACTION_RESET:        return g_strdup_printf (_("Could Not Reset “%s”"), name);
    case VIREO_DOMAIN_ACTION_DESTROY:      return g_strdup_printf (_("Could Not Force Off “%s”"), name);
    case VIREO_DOMAIN_ACTION_MANAGED_SAVE: return g_strdup_printf (_("Could Not Save “%s”"), name);
    case VIREO_DOMAIN_ACTION_UNDEFINE:
    default:                               return g_strdup_printf (_("Could Not Delete “%s”"), name);
    }
}

const char *
vireo_machine_error_hint (const GError *error)
{
  if (error->domain != VIREO_VIRT_ERROR)
    return NULL;

  switch (error->code)
    {
    case VIREO_VIRT_ERROR_NOT_CONNECTED:
    case VIREO_VIRT_ERROR_CONNECTION_LOST:
      return _("Vireo is not connected to this host right now; it reconnects by itself. Try again once it is back.");
    case VIREO_VIRT_ERROR_ACCESS_DENIED:
      return _("Your account is not allowed to do this on this host. Ask its administrator, or connect as a user who may.");
    case VIREO_VIRT_ERROR_OPERATION_INVALID:
      return _("The machine is not in a state that allows this. Its state may have changed meanwhile.");
    case VIREO_VIRT_ERROR_TIMED_OUT:
      return _("The host or the guest did not answer in time. Try again, or force the operation.");
    default:
      return NULL;
    }
}

void
vireo_machine_show_error (GtkWindow  *parent,
                          const char *heading,
                          const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

GtkWidget *
vireo_machine_force_question_new (GtkWindow *parent,
                                  GPtrArray *names,
                                  gboolean   reset)
{
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  g_return_val_if_fail (names != NULL && names->len > 0, NULL);

  if (names->len == 1)
    heading = g_strdup_printf (reset ? _("Force Reset “%s”?") : _("Force Off “%s”?"),
                               (const char *) g_ptr_array_index (names, 0));
  else
    heading = g_strdup_printf (reset
                               ? ngettext ("Force Reset %u Machine?", "Force Reset %u Machines?", names->len)
                               : ngettext ("Force Off %u Machine?", "Force Off %u Machines?", names->len),
                               names->len);

  dialog = adw_message_dialog_new (parent, heading,
                                   reset
                                   ? _("Like pressing the reset button: the guest restarts at once and loses anything it has not saved.")
                                   : _("Like pulling the power cord: the guest stops at once and loses anything it has not saved."));
  if (names->len > 1)
    {
      /* Say which ones: a multi-selection is easy to get wrong. */
      g_autoptr(GString) listed = g_string_new (NULL);
      g_autofree char *body = NULL;

      for (guint i = 0; i < names->len; i++)
        g_string_append_printf (listed, "%s%s", i > 0 ? ", " : "", (const char *) g_ptr_array_index (names, i));
      body = g_strdup_printf ("%s\n\n%s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), listed->str);
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
    }
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    reset ? "reset" : "off", reset ? _("Force _Reset") : _("Force _Off"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), reset ? "reset" : "off",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  return dialog;
}

/* ------------------------------------------------------------------------ */
/* Waiting for a machine to be listed                                        */

typedef struct
{
  GWeakRef                owner;
  VireoConnection        *connection;
  char                   *uuid;
  VireoMachineListedFunc  func;
  guint                   tries;
} WhenListed;

static void
when_listed_free (WhenListed *wait)
{
  g_weak_ref_clear (&wait->owner);
  g_object_unref (wait->connection);
  g_free (wait->uuid);
  g_free (wait);
}

static gboolean
check_listed (gpointer data)
{
  WhenListed *wait = data;
  g_autoptr(GObject) owner = g_weak_ref_get (&wait->owner);
  VireoDomain *domain = vireo_connection_find_domain (wait->connection, wait->uuid);

  if (owner != NULL && domain != NULL)
    wait->func (owner, domain);
  if (owner == NULL || domain != NULL || ++wait->tries >= 40)
    {
      when_listed_free (wait);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
vireo_machine_when_listed (GObject                *owner,
                           VireoConnection        *connection,
                           const char             *uuid,
                           VireoMachineListedFunc  func)
{
  WhenListed *wait;

  g_return_if_fail (G_IS_OBJECT (owner));
  g_return_if_fail (VIREO_IS_CONNECTION (connection));

  wait = g_new0 (WhenListed, 1);
  g_weak_ref_init (&wait->owner, owner);
  wait->connection = g_object_ref (connection);
  wait->uuid = g_strdup (uuid);
  wait->func = func;
  if (check_listed (wait))
    g_timeout_add (250, check_listed, wait);
}

/* ------------------------------------------------------------------------ */
/* Dialogs                                                                   */

static void
on_saved_to_file (AdwToastOverlay *toasts,
                  const char      *path)
{
  g_autofree char *text = g_strdup_printf (_("Saved to %s"), path);

  adw_toast_overlay_add_toast (toasts, adw_toast_new (text));
}

void
vireo_machine_save_to_file (GtkWindow       *parent,
                            VireoDomain     *domain,
                            AdwToastOverlay *toasts)
{
  GtkWidget *dialog;

  g_return_if_fail (VIREO_IS_DOMAIN (domain));

  dialog = vireo_save_dialog_new (parent, domain);
  if (toasts != NULL)
    g_signal_connect_object (dialog, "saved", G_CALLBACK (on_saved_to_file), toasts, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
remove_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = g_weak_ref_get (user_data);
  g_autoptr(GError) error = NULL;
  VireoDomain *domain = VIREO_DOMAIN (object);

  g_weak_ref_clear (user_data);
  g_free (user_data);
  if (vireo_domain_remove_managed_save_finish (domain, result, &error) || parent == NULL)
    return;

  {
    g_autofree char *heading = g_strdup_printf (_("Could Not Remove the Saved State of “%s”"),
                                                vireo_domain_get_name (domain));
    vireo_machine_show_error (parent, heading, error->message);
  }
}

static void
on_remove_saved_response (AdwMessageDialog *dialog,
                          const char       *response,
                          VireoDomain      *domain)
{
  GWeakRef *parent;

  if (!g_str_equal (response, "remove"))
    return;
  parent = g_new0 (GWeakRef, 1);
  g_weak_ref_init (parent, gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  vireo_domain_remove_managed_save_async (domain, NULL, remove_saved_cb, parent);
}

void
vireo_machine_remove_saved_state (GtkWindow   *parent,
                                  VireoDomain *domain)
{
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *command = NULL;
  VireoConnection *connection;
  GtkWidget *dialog;

  g_return_if_fail (VIREO_IS_DOMAIN (domain));

  if ((connection = vireo_domain_get_connection (domain)) == NULL)
    return;

  command = vireo_command_for_managed_save_remove (vireo_connection_get_uri (connection),
                                                   vireo_domain_get_name (domain));
  heading = g_strdup_printf (_("Remove the Saved State of “%s”?"), vireo_domain_get_name (domain));
  body = g_strdup_printf (_("What the guest had in memory when it was saved is lost: "
                            "the next Run boots it afresh, like after a power cut.\n\n%s"), command);
  dialog = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_remove_saved_response),
                         g_object_ref (domain), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_listed (GObject     *owner,
             VireoDomain *domain)
{
  vireo_vm_window_present_for (GTK_WINDOW (owner), domain);
}

static void
on_cloned (GtkWindow  *dialog,
           const char *uuid,
           GtkWindow  *parent)
{
  VireoConnection *connection = g_object_get_data (G_OBJECT (dialog), "vireo-connection");

  vireo_machine_when_listed (G_OBJECT (parent), connection, uuid, open_listed);
}

void
vireo_machine_clone (GtkWindow   *parent,
                     VireoDomain *domain)
{
  GtkWindow *dialog;

  g_return_if_fail (VIREO_IS_DOMAIN (domain));

  if (vireo_domain_get_connection (domain) == NULL)
    return;
  dialog = vireo_clone_dialog_new (parent, domain);
  g_object_set_data_full (G_OBJECT (dialog), "vireo-connection",
                          g_object_ref (vireo_domain_get_connection (domain)), g_object_unref);
  if (parent != NULL)
    g_signal_connect_object (dialog, "cloned", G_CALLBACK (on_cloned), parent, 0);
  gtk_window_present (dialog);
}

/* The manager of the main window: the list of hosts a machine may move
 * to. A machine's window is not transient for it, so any will do. */
static VireoConnectionManager *
find_manager (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (GtkWindow *w = parent; w != NULL; w = gtk_window_get_transient_for (w))
    if (VIREO_IS_WINDOW (w))
      return vireo_window_get_manager (VIREO_WINDOW (w));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (VIREO_IS_WINDOW (w))
        return vireo_window_get_manager (VIREO_WINDOW (w));
    }
  return NULL;
}

static void
on_migrated (GtkWindow       *dialog,
             const char      *uuid,
             VireoConnection *destination,
             GtkWindow       *parent)
{
  vireo_machine_when_listed (G_OBJECT (parent), destination, uuid, open_listed);
}

void
vireo_machine_migrate (GtkWindow   *parent,
                       VireoDomain *domain)
{
  VireoConnectionManager *manager = find_manager (parent);
  GtkWidget *dialog;

  g_return_if_fail (VIREO_IS_DOMAIN (domain));

  if (manager == NULL || vireo_domain_get_connection (domain) == NULL)
    return;
  dialog = vireo_migrate_dialog_new (parent, manager, domain);
  if (parent != NULL)
    g_signal_connect_object (dialog, "migrated", G_CALLBACK (on_migrated), parent, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* The machine window's action group                                         */

typedef struct
{
  GSimpleActionGroup *group;
  GWeakRef            window;
  GWeakRef            toasts;
  VireoDomain        *domain;
} Machine;

static const struct
{
  const char        *name;
  VireoDomainAction  action;
} simple_actions[] = {
  { "run",      VIREO_DOMAIN_ACTION_START },
  { "pause",    VIREO_DOMAIN_ACTION_PAUSE },
  { "resume",   VIREO_DOMAIN_ACTION_RESUME },
  { "shutdown", VIREO_DOMAIN_ACTION_SHUTDOWN },
  { "reboot",   VIREO_DOMAIN_ACTION_REBOOT },
  { "save",     VIREO_DOMAIN_ACTION_MANAGED_SAVE },
};

static gboolean
machine_connected (Machine *m)
{
  VireoConnection *connection = vireo_domain_get_connection (m->domain);

  return connection != NULL && vireo_connection_get_state (connection) == VIREO_CONNECTION_STATE_CONNECTED;
}

static void
set_enabled (Machine    *m,
             const char *name,
             gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (m->group), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
machine_update (Machine *m)
{
  gboolean connected = machine_connected (m);
  VireoDomainState state = vireo_domain_get_state (m->domain);

  for (guint i = 0; i < G_N_ELEMENTS (simple_actions); i++)
    set_enabled (m, simple_actions[i].name, connected && vireo_domain_can_do (m->domain, simple_actions[i].action));
  set_enabled (m, "save-to-file", connected && (state == VIREO_DOMAIN_STATE_RUNNING ||
                                                state == VIREO_DOMAIN_STATE_PAUSED ||
                                                state == VIREO_DOMAIN_STATE_BLOCKED));
  set_enabled (m, "remove-saved-state", connected && state == VIREO_DOMAIN_STATE_SHUTOFF &&
                                        vireo_domain_get_has_saved_state (m->domain));
  set_enabled (m, "clone", connected);
  set_enabled (m, "migrate", connected);
  set_enabled (m, "force-off", connected && vireo_domain_can_do (m->domain, VIREO_DOMAIN_ACTION_DESTROY));
}

/* Weak: closing the window during a long action must not keep it. */
typedef struct
{
  GWeakRef           window;
  GWeakRef           toasts;
  VireoDomainAction  action;
  gboolean           from_saved;
} Run;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Run *run = user_data;
  VireoDomain *domain = VIREO_DOMAIN (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkWindow) window = g_weak_ref_get (&run->window);
  g_autoptr(AdwToastOverlay) toasts = g_weak_ref_get (&run->toasts);

  if (vireo_domain_action_finish (domain, result, &error))
    {
      if (toasts != NULL && run->action == VIREO_DOMAIN_ACTION_RESUME)
        {
          g_autoptr(GPtrArray) back = g_ptr_array_new ();

          g_ptr_array_add (back, domain);
          vireo_offer_clock_sync (toasts, back);
        }
      else if (toasts != NULL && run->from_saved)
        vireo_offer_clock_sync_when_back (toasts, domain);
    }
  else if (window != NULL && gtk_widget_get_visible (GTK_WIDGET (window)))
    {
      g_autofree char *network = NULL;

      /* A stopped network: offer to start it, as the list does. */
      if (run->action == VIREO_DOMAIN_ACTION_START &&
          (network = vireo_network_inactive_from_error (error->message)) != NULL)
        vireo_offer_network_start (window, domain, network);
      else
        {
          g_autofree char *heading = vireo_machine_failure_heading (run->action, vireo_domain_get_name (domain), 1);
          const char *hint = vireo_machine_error_hint (error);
          g_autofree char *body = hint ? g_strdup_printf ("%s\n\n%s", error->message, hint) : g_strdup (error->message);

          vireo_machine_show_error (window, heading, body);
        }
    }
  g_weak_ref_clear (&run->window);
  g_weak_ref_clear (&run->toasts);
  g_free (run);
}

static void
machine_run (Machine           *m,
             VireoDomainAction  action)
{
  Run *run = g_new0 (Run, 1);
  g_autoptr(GObject) window = g_weak_ref_get (&m->window);
  g_autoptr(GObject) toasts = g_weak_ref_get (&m->toasts);

  g_weak_ref_init (&run->window, window);
  g_weak_ref_init (&run->toasts, toasts);
  run->action = action;
  run->from_saved = action == VIREO_DOMAIN_ACTION_START && vireo_domain_get_has_saved_state (m->domain);
  vireo_domain_action_async (m->domain, action, NULL, run_cb, run);
}

static void
on_simple_activate (GSimpleAction *action,
                    GVariant      *parameter,
                    Machine       *m)
{
  const char *name = g_action_get_name (G_ACTION (action));

  for (guint i = 0; i < G_N_ELEMENTS (simple_actions); i++)
    if (g_str_equal (simple_actions[i].name, name))
      machine_run (m, simple_actions[i].action);
}

static void
on_force_response (AdwMessageDialog *dialog,
                   const char       *response,
                   GObject          *group)
{
  /* Through machine_run, so that a refusal is shown as for the others. */
  if (g_str_equal (response, "off"))
    machine_run (g_object_get_data (group, "vireo-machine"), VIREO_DOMAIN_ACTION_DESTROY);
}

static void
on_other_activate (GSimpleAction *action,
                   GVariant      *parameter,
                   Machine       *m)
{
  const char *name = g_action_get_name (G_ACTION (action));
  g_autoptr(GtkWindow) window = g_weak_ref_get (&m->window);
  g_autoptr(AdwToastOverlay) toasts = g_weak_ref_get (&m->toasts);

  if (g_str_equal (name, "save-to-file"))
    vireo_machine_save_to_file (window, m->domain, toasts);
  else if (g_str_equal (name, "remove-saved-state"))
    vireo_machine_remove_saved_state (window, m->domain);
  else if (g_str_equal (name, "clone"))
    vireo_machine_clone (window, m->domain);
  else if (g_str_equal (name, "migrate"))
    vireo_machine_migrate (window, m->domain);
  else if (g_str_equal (name, "force-off"))
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      GtkWidget *dialog;

      g_ptr_array_add (names, (gpointer) vireo_domain_get_name (m->domain));
      dialog = vireo_machine_force_question_new (window, names, FALSE);
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_force_response), m->group, 0);
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
on_changed (GObject    *object,
            GParamSpec *pspec,
            GObject    *group)
{
  machine_update (g_object_get_data (group, "vireo-machine"));
}

static void
machine_free (gpointer data)
{
  Machine *m = data;

  g_object_unref (m->domain);
  g_weak_ref_clear (&m->window);
  g_weak_ref_clear (&m->toasts);
  g_free (m);
}

GActionGroup *
vireo_machine_action_group_new (GtkWindow       *window,
                                VireoDomain     *domain,
                                AdwToastOverlay *toasts)
{
  const char *others[] = { "save-to-file", "remove-saved-state", "clone", "migrate", "force-off" };
  Machine *m;

  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), NULL);

  m = g_new0 (Machine, 1);
  m->group = g_simple_action_group_new ();
  m->domain = g_object_ref (domain);
  g_weak_ref_init (&m->window, window);
  g_weak_ref_init (&m->toasts, toasts);
  /* The group owns the state: it goes with the window that holds it. */
  g_object_set_data_full (G_OBJECT (m->group), "vireo-machine", m, machine_free);

  for (guint i = 0; i < G_N_ELEMENTS (simple_actions); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (simple_actions[i].name, NULL);

      g_signal_connect (action, "activate", G_CALLBACK (on_simple_activate), m);
      g_action_map_add_action (G_ACTION_MAP (m->group), G_ACTION (action));
    }
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (others[i], NULL);

      g_signal_connect (action, "activate", G_CALLBACK (on_other_activate), m);
      g_action_map_add_action (G_ACTION_MAP (m->group), G_ACTION (action));
    }

  /* Tied to the group, not holding the connection: a window left open
   * must not keep a closed connection's workers alive. */
  g_signal_connect_object (domain, "notify::state", G_CALLBACK (on_changed), m->group, 0);
  g_signal_connect_object (domain, "notify::has-saved-state", G_CALLBACK (on_changed), m->group, 0);
  if (vireo_domain_get_connection (domain) != NULL)
    g_signal_connect_object (vireo_domain_get_connection (domain), "notify::state",
                             G_CALLBACK (on_changed), m->group, 0);
  machine_update (m);
  return G_ACTION_GROUP (m->group);
}

GMenuModel *
vireo_machine_menu_new (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/vireo/Vireo/vireo-menus.ui");

  return g_object_ref (G_MENU_MODEL (gtk_builder_get_object (builder, "machine_menu")));
}
