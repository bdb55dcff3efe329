/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-migrate-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-domain-config.h"
#include "vireo-format.h"
#include "vireo-job-dialog.h"
#include "vireo-migrate-dialog.h"
#include "vireo-snapshot-ops.h"

/*
 * Migrate: a VireoMigrateOptions as a form. The machine's definition (the
 * live one when it runs, for its disks) and its snapshots are read first,
 * with a spinner; then every choice is put to the model
 * (vireo_migrate_check_choice) after each change: a choice it refuses is
 * insensitive with the reason as tooltip and in its row, and the
 * whole-options check marks the row at fault and keeps Migrate
 * insensitive. The destinations are the manager's other connected
 * connections, followed as they come and go.
 *
 * Migrate runs a VireoMigrateJob with the form insensitive and a progress
 * view above it (the job's readings; a pulsing bar when the source is
 * remote and libvirt is not asked). A failure brings the form back as the
 * user left it, with what the failure means in bold, libvirt's words and
 * where the machine is now; a success says where it runs and offers to
 * open it there (::migrated).
 */

#define N_TOGGLES 9   /* MODE_LIVE .. TRANSPORT_TUNNELLED */

typedef enum
{
  SECTION_MODE,
  SECTION_STORAGE,
  SECTION_TRANSPORT,
  N_SECTIONS
} Section;

struct _VireoMigrateDialog
{
  AdwWindow               parent_instance;

  /* Owned */
  VireoConnectionManager *manager;
  GListModel             *connections;
  VireoDomain            *domain;
  VireoConnection        *source;
  GCancellable           *cancellable;    /* the reads */
  VireoDomainConfig      *config;         /* (nullable) */
  VireoMigrateOptions    *options;
  GPtrArray              *destinations;   /* (element-type VireoConnection): offered, in combo order */
  GPtrArray              *watched;        /* (element-type VireoConnection): whose state is followed */
  VireoMigrateJob        *job;            /* (nullable): the last run's */
  VireoMigrateProgress   *progress;       /* (nullable): the last reading shown */
  VireoConnection        *done_destination;
  char                   *dest_uuid;
  char                   *fault;
  char                   *error;
  char                   *command;
  VireoMigrateMachineState run_state;     /* the machine's when Migrate was pressed */
  guint                   n_snapshots;
  guint                   reads_pending;
  guint                   pulse_id;
  gboolean                loaded;
  gboolean                syncing;
  gboolean                dest_uri_touched;
  gboolean                cancelling;

  /* Widgets */
  GtkWidget              *close_button;
  GtkWidget              *migrate_button;
  GtkWidget              *open_button;
  GtkWidget              *banner_revealer;
  GtkWidget              *banner_label;
  GtkWidget              *stack;
  GtkWidget              *none_page;
  GtkWidget              *page;
  GtkWidget              *fault_group;
  GtkWidget              *fault_label;
  GtkWidget              *dest_row;
  GtkWidget              *section_rows[N_SECTIONS];
  GtkWidget              *toggles[N_TOGGLES];
  GtkWidget              *dest_uri_row;
  GtkWidget              *dest_name_row;
  GtkWidget              *after_group;
  GtkWidget              *persistent_row;
  GtkWidget              *undefine_row;
  GtkWidget              *bandwidth_row;
  GtkWidget              *downtime_row;
  GtkWidget              *postcopy_row;
  GtkWidget              *converge_row;
  GtkWidget              *unsafe_row;
  GtkWidget              *command_label;
  GtkWidget              *progress_revealer;
  GtkWidget              *phase_label;
  GtkWidget              *progress_bar;
  GtkWidget              *data_label;
  GtkWidget              *rate_label;
  GtkWidget              *downtime_label;
  GtkWidget              *iteration_label;
  GtkWidget              *disk_caption;
  GtkWidget              *disk_label;
  GtkWidget              *note_label;
  GtkWidget              *live_box;
  GtkWidget              *live_bandwidth;
  GtkWidget              *live_downtime;
  GtkWidget              *abort_button;
  GtkWidget              *postcopy_button;
  GtkWidget              *summary;
};

G_DEFINE_FINAL_TYPE (VireoMigrateDialog, vireo_migrate_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_MIGRATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  const char *id;
  const char *label;
  const char *description;
} toggle_info[N_TOGGLES] = {
  { "live", N_("Live"),
    N_("The machine keeps running while its memory is copied; it stops only for the last pass.") },
  { "paused", N_("Paused"),
    N_("The machine is paused while its memory is copied: sure to finish, but it stops for all of it.") },
  { "offline", N_("Offline"),
    N_("Only the definition moves; the machine stays shut off.") },
  { "shared", N_("Shared"),
    N_("The destination reaches the same disk images (NFS, Ceph, iSCSI…): nothing is copied.") },
  { "copy-all", N_("Copy All"),
    N_("Every writable disk is copied to the same path on the destination while the machine runs.") },
  { "copy-inc", N_("Copy Changes"),
    N_("Only what each top image holds is copied: its backing images must be on the destination already.") },
  { "direct", N_("Direct"),
    N_("Vireo talks to both hosts; the hypervisors send the data to each other directly.") },
  { "p2p", N_("Peer to Peer"),
    N_("The source host’s libvirt contacts the destination itself; the data still goes directly.") },
  { "tunnelled", N_("Tunnelled"),
    N_("The data goes through the libvirt connection between the hosts: one port to open, "
       "encrypted when that connection is.") },
};

static void sync_form (VireoMigrateDialog *self);

/* ------------------------------------------------------------------------ */
/* The options and the machine                                               */

static VireoMigrateMachineState
machine_state (VireoMigrateDialog *self)
{
  switch (vireo_domain_get_state (self->domain))
    {
    case VIREO_DOMAIN_STATE_RUNNING:
    case VIREO_DOMAIN_STATE_BLOCKED:
      return VIREO_MIGRATE_MACHINE_RUNNING;
    case VIREO_DOMAIN_STATE_PAUSED:
      return VIREO_MIGRATE_MACHINE_PAUSED;
    case VIREO_DOMAIN_STATE_SHUTOFF:
      return VIREO_MIGRATE_MACHINE_SHUT_OFF;
    case VIREO_DOMAIN_STATE_NOSTATE:
    case VIREO_DOMAIN_STATE_SHUTDOWN:
    case VIREO_DOMAIN_STATE_CRASHED:
    case VIREO_DOMAIN_STATE_PMSUSPENDED:
    default:
      return VIREO_MIGRATE_MACHINE_OTHER;
    }
}

static VireoMigrateSource
make_source (VireoMigrateDialog *self)
{
  VireoMigrateSource source = { 0 };

  source.state = machine_state (self);
  source.persistent = vireo_domain_get_persistent (self->domain);
  source.n_snapshots = self->n_snapshots;
  source.config = self->config;
  return source;
}

/* The mode a machine in its state moves in, when the one chosen is no
 * longer possible (it started or stopped meanwhile). */
static void
fit_mode (VireoMigrateDialog *self)
{
  VireoMigrateSource source = make_source (self);
  VireoMigrateChoice modes[] = { VIREO_MIGRATE_CHOICE_MODE_LIVE, VIREO_MIGRATE_CHOICE_MODE_PAUSED,
                                 VIREO_MIGRATE_CHOICE_MODE_OFFLINE };

  if (vireo_migrate_check_choice (&source, self->options,
                                  (VireoMigrateChoice) (VIREO_MIGRATE_CHOICE_MODE_LIVE + self->options->mode), NULL))
    return;
  /* Offline needs the definition kept on the destination and no copy. */
  if (source.state == VIREO_MIGRATE_MACHINE_SHUT_OFF)
    {
      self->options->persistent_on_dest = TRUE;
      self->options->storage = VIREO_MIGRATE_STORAGE_SHARED;
      if (self->options->transport == VIREO_MIGRATE_TRANSPORT_TUNNELLED)
        self->options->transport = VIREO_MIGRATE_TRANSPORT_DIRECT;
      self->options->postcopy = FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (vireo_migrate_check_choice (&source, self->options, modes[i], NULL))
      {
        self->options->mode = (VireoMigrateMode) (modes[i] - VIREO_MIGRATE_CHOICE_MODE_LIVE);
        return;
      }
}

static VireoConnection *
selected_destination (VireoMigrateDialog *self)
{
  guint i = adw_combo_row_get_selected (ADW_COMBO_ROW (self->dest_row));

  if (self->destinations == NULL || i >= self->destinations->len)
    return NULL;
  return g_ptr_array_index (self->destinations, i);
}

static char *
display_name (VireoConnection *connection)
{
  return connection != NULL ? vireo_connection_dup_display_name (connection) : g_strdup ("?");
}

/* ------------------------------------------------------------------------ */
/* Pages and messages                                                        */

static gboolean
busy (VireoMigrateDialog *self)
{
  return self->job != NULL && vireo_migrate_job_get_running (self->job);
}

static void
set_page (VireoMigrateDialog *self,
          const char         *page)
{
  gboolean form = g_str_equal (page, "form");
  gboolean done = g_str_equal (page, "done");

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), page);
  gtk_widget_set_visible (self->migrate_button, !done);
  gtk_widget_set_visible (self->open_button, done);
  gtk_button_set_label (GTK_BUTTON (self->close_button), form || g_str_equal (page, "loading")
                                                         ? _("_Cancel") : _("_Close"));
}

static void
show_banner (VireoMigrateDialog *self,
             const char         *markup,
             gboolean            error)
{
  gtk_label_set_markup (GTK_LABEL (self->banner_label), markup ? markup : "");
  if (error)
    gtk_widget_add_css_class (self->banner_label, "vireo-error");
  else
    gtk_widget_remove_css_class (self->banner_label, "vireo-error");
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner_revealer), markup != NULL);
}

/* ------------------------------------------------------------------------ */
/* The form in step with the options                                         */

static void
set_row_fault (GtkWidget  *row,
               const char *reason)
{
  if (reason != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static GtkWidget *
choice_row (VireoMigrateDialog *self,
            VireoMigrateChoice  choice)
{
  switch (choice)
    {
    case VIREO_MIGRATE_CHOICE_MODE_LIVE:
    case VIREO_MIGRATE_CHOICE_MODE_PAUSED:
    case VIREO_MIGRATE_CHOICE_MODE_OFFLINE:
      return self->section_rows[SECTION_MODE];
    case VIREO_MIGRATE_CHOICE_STORAGE_SHARED:
    case VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL:
    case VIREO_MIGRATE_CHOICE_STORAGE_COPY_INCREMENTAL:
      return self->section_rows[SECTION_STORAGE];
    case VIREO_MIGRATE_CHOICE_TRANSPORT_DIRECT:
    case VIREO_MIGRATE_CHOICE_TRANSPORT_PEER_TO_PEER:
    case VIREO_MIGRATE_CHOICE_TRANSPORT_TUNNELLED:
      return self->section_rows[SECTION_TRANSPORT];
    case VIREO_MIGRATE_CHOICE_PERSISTENT_ON_DEST:
    case VIREO_MIGRATE_CHOICE_TRANSIENT_ON_DEST:
      return self->persistent_row;
    case VIREO_MIGRATE_CHOICE_UNDEFINE_SOURCE:
      return self->undefine_row;
    case VIREO_MIGRATE_CHOICE_POSTCOPY:
      return self->postcopy_row;
    case VIREO_MIGRATE_CHOICE_AUTO_CONVERGE:
      return self->converge_row;
    case VIREO_MIGRATE_CHOICE_BANDWIDTH:
      return self->bandwidth_row;
    case VIREO_MIGRATE_CHOICE_MAX_DOWNTIME:
      return self->downtime_row;
    case VIREO_MIGRATE_CHOICE_DEST_URI:
      return self->dest_uri_row;
    case VIREO_MIGRATE_CHOICE_DEST_NAME:
      return self->dest_name_row;
    default:
      g_return_val_if_reached (NULL);
    }
}

static guint
section_current (VireoMigrateDialog *self,
                 Section             section)
{
  switch (section)
    {
    case SECTION_MODE:      return VIREO_MIGRATE_CHOICE_MODE_LIVE + self->options->mode;
    case SECTION_STORAGE:   return VIREO_MIGRATE_CHOICE_STORAGE_SHARED + self->options->storage;
    case SECTION_TRANSPORT: return VIREO_MIGRATE_CHOICE_TRANSPORT_DIRECT + self->options->transport;
    case N_SECTIONS:
    default:                g_assert_not_reached ();
    }
}

static void
sync_section (VireoMigrateDialog       *self,
              const VireoMigrateSource *source,
              Section                   section)
{
  guint current = section_current (self, section);
  g_autoptr(GString) subtitle = g_string_new (_(toggle_info[current].description));

  for (guint c = section * 3; c < section * 3 + 3; c++)
    {
      g_autofree char *reason = NULL;
      gboolean allowed = vireo_migrate_check_choice (source, self->options, (VireoMigrateChoice) c, &reason);

      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->toggles[c]), c == current);
      /* The one chosen stays sensitive: the fault says what to change. */
      gtk_widget_set_sensitive (self->toggles[c], allowed || c == current);
      gtk_widget_set_tooltip_text (self->toggles[c], allowed ? NULL : reason);
      if (!allowed && reason != NULL && c != current)
        {
          g_string_append_c (subtitle, '\n');
          /* Translators: a choice ("Offline", "Tunnelled"), then why it cannot be taken */
          g_string_append_printf (subtitle, _("%s is not possible: %s"), _(toggle_info[c].label), reason);
        }
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->section_rows[section]), _(toggle_info[current].label));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->section_rows[section]), subtitle->str);
}

/* A switch row: on is @on_choice, off is @off_choice (or none). Whichever
 * way the model refuses to go, the switch cannot be moved there. */
static void
sync_switch (GtkWidget                *row,
             const char               *description,
             const VireoMigrateSource *source,
             const VireoMigrateOptions *options,
             gboolean                  active,
             int                       on_choice,
             int                       off_choice)
{
  GtkSwitch *sw = g_object_get_data (G_OBJECT (row), "vireo-switch");
  g_autofree char *reason = NULL;
  gboolean allowed = TRUE;

  gtk_switch_set_active (sw, active);
  if (!active && on_choice >= 0)
    allowed = vireo_migrate_check_choice (source, options, (VireoMigrateChoice) on_choice, &reason);
  else if (active && off_choice >= 0)
    allowed = vireo_migrate_check_choice (source, options, (VireoMigrateChoice) off_choice, &reason);
  gtk_widget_set_sensitive (GTK_WIDGET (sw), allowed);
  gtk_widget_set_tooltip_text (row, allowed ? NULL : reason);
  if (!allowed && reason != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s\n%s", description, reason);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), description);
}

/* A row whose field only applies for some choices (bandwidth, downtime,
 * the peer's address). */
static void
sync_field (GtkWidget                *row,
            const VireoMigrateSource *source,
            const VireoMigrateOptions *options,
            VireoMigrateChoice        choice)
{
  g_autofree char *reason = NULL;
  gboolean allowed = vireo_migrate_check_choice (source, options, choice, &reason);

  gtk_widget_set_sensitive (row, allowed);
  gtk_widget_set_tooltip_text (row, allowed ? NULL : reason);
}

static void
sync_spin (GtkWidget *row,
           guint64    value)
{
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (row), "vireo-spin");

  if ((guint64) gtk_spin_button_get_value_as_int (spin) != value)
    gtk_spin_button_set_value (spin, (double) value);
}

static void
sync_after (VireoMigrateDialog *self)
{
  VireoConnection *dest = selected_destination (self);
  g_autofree char *source_name = display_name (self->source);
  g_autofree char *dest_name = display_name (dest);
  g_autofree char *text = NULL;
  const VireoMigrateOptions *o = self->options;

  if (o->persistent_on_dest && o->undefine_source)
    /* Translators: the first %s is the destination, the second the source */
    text = g_strdup_printf (_("A move: the machine is defined on %s from now on and removed from %s."),
                            dest_name, source_name);
  else if (o->persistent_on_dest)
    text = g_strdup_printf (_("A copy of the definition: the machine is defined on %s, and %s keeps its "
                              "definition, shut off."), dest_name, source_name);
  else if (o->undefine_source)
    text = g_strdup_printf (_("The machine runs on %s until it stops, and is then defined nowhere: "
                              "%s forgets it."), dest_name, source_name);
  else
    text = g_strdup_printf (_("A temporary move: the machine runs on %s until it stops; %s keeps its "
                              "definition, shut off, to start it there again."), dest_name, source_name);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->after_group), text);
}

static void
sync_validity (VireoMigrateDialog       *self,
               const VireoMigrateSource *source)
{
  VireoMigrateChoice at_fault = VIREO_MIGRATE_CHOICE_MODE_LIVE;
  g_autofree char *reason = NULL;
  GtkWidget *rows[] = { self->section_rows[SECTION_MODE], self->section_rows[SECTION_STORAGE],
                        self->section_rows[SECTION_TRANSPORT], self->persistent_row, self->undefine_row,
                        self->postcopy_row, self->converge_row, self->bandwidth_row, self->downtime_row,
                        self->dest_uri_row, self->dest_name_row, self->dest_row };
  VireoConnection *dest = selected_destination (self);
  gboolean ok;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    set_row_fault (rows[i], NULL);

  ok = vireo_migrate_options_check (source, self->options, &at_fault, &reason);
  if (ok && source->state == VIREO_MIGRATE_MACHINE_OTHER)
    {
      ok = FALSE;
      at_fault = VIREO_MIGRATE_CHOICE_MODE_LIVE;
      reason = g_strdup (_("Only a running, paused or shut-off machine can migrate"));
    }
  if (ok && dest == NULL)
    {
      ok = FALSE;
      reason = g_strdup (_("Choose where the machine goes"));
      set_row_fault (self->dest_row, reason);
    }
  else if (!ok)
    set_row_fault (choice_row (self, at_fault), reason);

  g_free (self->fault);
  self->fault = g_steal_pointer (&reason);
  gtk_label_set_text (GTK_LABEL (self->fault_label), self->fault ? self->fault : "");
  gtk_widget_set_visible (self->fault_group, self->fault != NULL);
  gtk_widget_set_sensitive (self->migrate_button, ok && self->loaded && !busy (self));
}

static void
sync_command (VireoMigrateDialog *self)
{
  VireoConnection *dest = selected_destination (self);

  g_free (self->command);
  self->command = vireo_command_for_migrate (vireo_connection_get_uri (self->source),
                                             dest != NULL ? vireo_connection_get_uri (dest) : "DEST-URI",
                                             vireo_domain_get_name (self->domain), self->options);
  gtk_label_set_text (GTK_LABEL (self->command_label), self->command);
}

static void
sync_form (VireoMigrateDialog *self)
{
  VireoMigrateSource source = make_source (self);
  const VireoMigrateOptions *o = self->options;
  g_autofree char *unsafe = NULL;
  GtkEditable *uri = GTK_EDITABLE (self->dest_uri_row);

  self->syncing = TRUE;
  for (Section s = 0; s < N_SECTIONS; s++)
    sync_section (self, &source, s);

  sync_switch (self->persistent_row, _("The destination keeps its definition; otherwise it has the machine "
                                       "only while it runs."),
               &source, o, o->persistent_on_dest, VIREO_MIGRATE_CHOICE_PERSISTENT_ON_DEST,
               VIREO_MIGRATE_CHOICE_TRANSIENT_ON_DEST);
  sync_switch (self->undefine_row, _("Once it moved, the source forgets the machine."),
               &source, o, o->undefine_source, VIREO_MIGRATE_CHOICE_UNDEFINE_SOURCE, -1);
  sync_switch (self->postcopy_row, _("Lets you switch a migration that does not finish to post-copy: the machine "
                                     "then runs on the destination and fetches the rest of its memory."),
               &source, o, o->postcopy, VIREO_MIGRATE_CHOICE_POSTCOPY, -1);
  sync_switch (self->converge_row, _("Slows the machine’s processors down when its memory changes faster than "
                                     "it is copied."),
               &source, o, o->auto_converge, VIREO_MIGRATE_CHOICE_AUTO_CONVERGE, -1);
  sync_after (self);

  sync_field (self->bandwidth_row, &source, o, VIREO_MIGRATE_CHOICE_BANDWIDTH);
  sync_spin (self->bandwidth_row, o->bandwidth_mib_s);
  sync_field (self->downtime_row, &source, o, VIREO_MIGRATE_CHOICE_MAX_DOWNTIME);
  sync_spin (self->downtime_row, o->max_downtime_ms);
  sync_field (self->dest_uri_row, &source, o, VIREO_MIGRATE_CHOICE_DEST_URI);
  if (g_strcmp0 (gtk_editable_get_text (uri), o->dest_uri ? o->dest_uri : "") != 0)
    gtk_editable_set_text (uri, o->dest_uri ? o->dest_uri : "");

  unsafe = vireo_migrate_unsafe_reason (&source, o);
  gtk_switch_set_active (g_object_get_data (G_OBJECT (self->unsafe_row), "vireo-switch"), o->allow_unsafe);
  if (unsafe != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->unsafe_row), unsafe);
      gtk_widget_add_css_class (self->unsafe_row, "warning");
    }
  else
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->unsafe_row),
                                   _("Not needed for these choices: libvirt has no reason to call this "
                                     "migration unsafe."));
      gtk_widget_remove_css_class (self->unsafe_row, "warning");
    }
  self->syncing = FALSE;

  sync_validity (self, &source);
  sync_command (self);
}

/* ------------------------------------------------------------------------ */
/* Destinations                                                              */

static void on_connection_state (VireoMigrateDialog *self);

static void
rebuild_destinations (VireoMigrateDialog *self)
{
  VireoConnection *was = selected_destination (self);
  g_autoptr(GPtrArray) offered = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GStrvBuilder) not_connected = g_strv_builder_new ();
  g_auto(GStrv) absent = NULL;
  guint n = g_list_model_get_n_items (self->connections);
  guint selected = GTK_INVALID_LIST_POSITION;

  if (was != NULL)
    g_object_ref (was);
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoConnection) c = g_list_model_get_item (self->connections, i);
      g_autofree char *name = NULL;

      if (c == self->source || g_strcmp0 (vireo_connection_get_uri (c), vireo_connection_get_uri (self->source)) == 0)
        continue;
      g_signal_connect_object (c, "notify::state", G_CALLBACK (on_connection_state), self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->watched, g_object_ref (c));
      name = display_name (c);
      if (vireo_connection_get_state (c) != VIREO_CONNECTION_STATE_CONNECTED)
        {
          g_strv_builder_add (not_connected, name);
          continue;
        }
      if (c == was)
        selected = offered->len;
      g_ptr_array_add (offered, g_object_ref (c));
      gtk_string_list_append (names, name);
    }
  absent = g_strv_builder_end (not_connected);

  self->syncing = TRUE;
  g_clear_pointer (&self->destinations, g_ptr_array_unref);
  self->destinations = g_steal_pointer (&offered);
  adw_combo_row_set_model (ADW_COMBO_ROW (self->dest_row), G_LIST_MODEL (names));
  if (selected == GTK_INVALID_LIST_POSITION && self->destinations->len > 0)
    selected = 0;
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->dest_row), selected);
  self->syncing = FALSE;
  g_clear_object (&was);

  if (absent[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", absent);
      /* Translators: %s is a list of connections */
      g_autofree char *note = g_strdup_printf (_("Not connected, so not offered: %s"), list);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->dest_row), note);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->dest_row), NULL);

  if (self->destinations->len == 0)
    {
      g_autoptr(GString) text =
        g_string_new (_("Add and connect a second host first: a machine migrates between two connections "
                        "Vireo has open."));

      if (absent[0] != NULL)
        {
          g_autofree char *list = g_strjoinv (", ", absent);

          g_string_append_c (text, '\n');
          /* Translators: %s is a list of connections */
          g_string_append_printf (text, _("Not connected now: %s"), list);
        }
      adw_status_page_set_description (ADW_STATUS_PAGE (self->none_page), text->str);
    }
}

/* The address the source host reaches the destination at: its URI as
 * Vireo has it, unless the user typed another. */
static void
prefill_dest_uri (VireoMigrateDialog *self)
{
  VireoConnection *dest = selected_destination (self);

  if (self->dest_uri_touched)
    return;
  g_free (self->options->dest_uri);
  self->options->dest_uri = dest != NULL ? g_strdup (vireo_connection_get_uri (dest)) : NULL;
}

static void
show_form_or_none (VireoMigrateDialog *self)
{
  if (!self->loaded || busy (self) || self->dest_uuid != NULL)
    return;
  set_page (self, self->destinations->len > 0 ? "form" : "none");
}

static void
on_connections_changed (VireoMigrateDialog *self)
{
  if (busy (self) || self->dest_uuid != NULL)
    return;
  rebuild_destinations (self);
  prefill_dest_uri (self);
  sync_form (self);
  show_form_or_none (self);
}

static void
on_connection_state (VireoMigrateDialog *self)
{
  on_connections_changed (self);
}

/* ------------------------------------------------------------------------ */
/* The user's changes                                                        */

static void
on_toggle (GtkToggleButton    *button,
           VireoMigrateDialog *self)
{
  guint c = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "vireo-choice"));

  if (self->syncing || !gtk_toggle_button_get_active (button))
    return;
  if (c <= VIREO_MIGRATE_CHOICE_MODE_OFFLINE)
    self->options->mode = (VireoMigrateMode) (c - VIREO_MIGRATE_CHOICE_MODE_LIVE);
  else if (c <= VIREO_MIGRATE_CHOICE_STORAGE_COPY_INCREMENTAL)
    self->options->storage = (VireoMigrateStorage) (c - VIREO_MIGRATE_CHOICE_STORAGE_SHARED);
  else
    self->options->transport = (VireoMigrateTransport) (c - VIREO_MIGRATE_CHOICE_TRANSPORT_DIRECT);
  sync_form (self);
}

static void
on_switch (GtkSwitch          *sw,
           GParamSpec         *pspec,
           VireoMigrateDialog *self)
{
  gboolean *field = g_object_get_data (G_OBJECT (sw), "vireo-field");

  if (self->syncing)
    return;
  *field = gtk_switch_get_active (sw);
  sync_form (self);
}

static void
on_spin (GtkSpinButton      *spin,
         VireoMigrateDialog *self)
{
  guint64 *field = g_object_get_data (G_OBJECT (spin), "vireo-field");

  if (self->syncing)
    return;
  *field = (guint64) gtk_spin_button_get_value_as_int (spin);
  sync_form (self);
}

static void
on_dest_uri_changed (VireoMigrateDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->dest_uri_row));

  if (self->syncing)
    return;
  self->dest_uri_touched = TRUE;
  g_free (self->options->dest_uri);
  self->options->dest_uri = *text != '\0' ? g_strdup (text) : NULL;
  sync_form (self);
}

static void
on_dest_name_changed (VireoMigrateDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->dest_name_row));

  if (self->syncing)
    return;
  g_free (self->options->dest_name);
  self->options->dest_name = *text != '\0' ? g_strdup (text) : NULL;
  sync_form (self);
}

static void
on_destination_selected (VireoMigrateDialog *self)
{
  if (self->syncing)
    return;
  prefill_dest_uri (self);
  sync_form (self);
}

static void
on_copy_command (VireoMigrateDialog *self)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->command ? self->command : "");
}

/* The machine started or stopped: what it allows changes with it. */
static void
on_state_changed (VireoMigrateDialog *self)
{
  if (!self->loaded || busy (self) || self->dest_uuid != NULL)
    return;
  fit_mode (self);
  sync_form (self);
}

/* ------------------------------------------------------------------------ */
/* Progress                                                                  */

static gboolean
pulse_cb (gpointer data)
{
  VireoMigrateDialog *self = data;

  gtk_progress_bar_pulse (GTK_PROGRESS_BAR (self->progress_bar));
  return G_SOURCE_CONTINUE;
}

static void
set_pulsing (VireoMigrateDialog *self,
             gboolean            on)
{
  if (on && self->pulse_id == 0)
    self->pulse_id = g_timeout_add (150, pulse_cb, self);
  else if (!on)
    g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static char *
size_text (guint64 bytes)
{
  return vireo_format_size_kib (bytes / 1024);
}

static const char *
phase_text (VireoMigratePhase phase)
{
  switch (phase)
    {
    case VIREO_MIGRATE_PHASE_STORAGE:   return _("Copying the disks…");
    case VIREO_MIGRATE_PHASE_MEMORY:    return _("Copying the memory…");
    case VIREO_MIGRATE_PHASE_POSTCOPY:  return _("Post-copy: running on the destination, fetching the rest…");
    case VIREO_MIGRATE_PHASE_COMPLETED: return _("Completed");
    case VIREO_MIGRATE_PHASE_FAILED:    return _("Failed");
    case VIREO_MIGRATE_PHASE_CANCELLED: return _("Cancelled");
    case VIREO_MIGRATE_PHASE_NONE:
    default:                            return _("Starting…");
    }
}

/* The note under the figures and the buttons' state: what Cancel does,
 * or why it cannot. */
static void
sync_controls (VireoMigrateDialog *self)
{
  VireoMigrateJob *job = self->job;
  const VireoMigrateOptions *o;
  g_autofree char *source_name = display_name (self->source);
  g_autofree char *dest_name = NULL;
  g_autofree char *note = NULL;
  gboolean monitored, postcopy_active, can_postcopy;
  VireoMigratePhase phase;

  if (job == NULL || !vireo_migrate_job_get_running (job))
    return;
  o = vireo_migrate_job_get_options (job);
  dest_name = display_name (vireo_migrate_job_get_destination (job));
  monitored = vireo_migrate_job_get_monitored (job);
  postcopy_active = vireo_migrate_job_get_postcopy_active (job);
  phase = vireo_migrate_job_get_phase (job);
  can_postcopy = o->postcopy && o->mode == VIREO_MIGRATE_MODE_LIVE && monitored;

  gtk_widget_set_visible (self->postcopy_button, can_postcopy);
  gtk_widget_set_sensitive (self->postcopy_button, can_postcopy && !postcopy_active && !self->cancelling &&
                                                   phase == VIREO_MIGRATE_PHASE_MEMORY);
  gtk_widget_set_tooltip_text (self->postcopy_button,
                               postcopy_active ? _("The migration is in post-copy already")
                               : phase != VIREO_MIGRATE_PHASE_MEMORY
                               ? _("Post-copy begins once the memory is being copied") : NULL);

  if (postcopy_active)
    {
      /* Translators: the first %s is the destination, the second the source */
      note = g_strdup_printf (_("The machine runs on %s now and fetches the rest of its memory from %s. "
                                "libvirt cannot abort a migration in post-copy."), dest_name, source_name);
      gtk_widget_set_sensitive (self->abort_button, FALSE);
      gtk_widget_set_tooltip_text (self->abort_button, _("libvirt cannot abort a migration in post-copy"));
    }
  else if (!monitored)
    {
      note = g_strdup_printf (_("%s is a remote host: Vireo does not ask it for progress while it migrates "
                                "(that could stall the connection), nor can the migration be cancelled once "
                                "it runs. The dialog says how it ended."), source_name);
      gtk_widget_set_sensitive (self->abort_button, FALSE);
      gtk_widget_set_tooltip_text (self->abort_button,
                                   _("A migration from a remote host cannot be cancelled once it runs"));
    }
  else if (self->cancelling)
    {
      note = g_strdup_printf (_("Cancelling… the machine keeps running on %s."), source_name);
      gtk_widget_set_sensitive (self->abort_button, FALSE);
    }
  else
    {
      note = g_strdup_printf (_("Cancel stops the migration: the machine keeps running on %s and nothing "
                                "is left on %s."), source_name, dest_name);
      gtk_widget_set_sensitive (self->abort_button, TRUE);
      gtk_widget_set_tooltip_text (self->abort_button, NULL);
    }
  gtk_label_set_text (GTK_LABEL (self->note_label), note);
  gtk_widget_set_visible (self->live_box, monitored && !postcopy_active && o->mode != VIREO_MIGRATE_MODE_OFFLINE);
  gtk_widget_set_sensitive (self->live_downtime, o->mode == VIREO_MIGRATE_MODE_LIVE);
}

static void
on_job_progress (VireoMigrateDialog *self)
{
  VireoMigrateJob *job = self->job;
  const VireoMigrateProgress *p;
  gboolean copying;

  if (job == NULL || !vireo_migrate_job_get_running (job))
    return;
  p = vireo_migrate_job_get_progress (job);
  copying = vireo_migrate_job_get_options (job)->storage != VIREO_MIGRATE_STORAGE_SHARED;
  if (p != NULL)
    {
      g_clear_pointer (&self->progress, vireo_migrate_progress_free);
      self->progress = vireo_migrate_progress_copy (p);
    }

  gtk_label_set_text (GTK_LABEL (self->phase_label), phase_text (vireo_migrate_job_get_phase (job)));
  if (!vireo_migrate_job_get_monitored (job) || p == NULL || p->data_total == 0)
    set_pulsing (self, TRUE);
  else
    {
      set_pulsing (self, FALSE);
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), p->fraction);
    }

  if (p != NULL && p->data_total > 0)
    {
      g_autofree char *done = size_text (p->data_processed);
      g_autofree char *total = size_text (p->data_total);
      g_autofree char *remaining = size_text (p->data_remaining);
      /* Translators: sizes: "1.2 GiB of 2.0 GiB sent, 800 MiB remaining" */
      g_autofree char *text = g_strdup_printf (_("%s of %s sent, %s remaining"), done, total, remaining);

      gtk_label_set_text (GTK_LABEL (self->data_label), text);
    }
  else
    gtk_label_set_text (GTK_LABEL (self->data_label), "—");

  if (p != NULL && (p->memory_bps > 0 || p->disk_bps > 0))
    {
      g_autofree char *rate = vireo_format_rate ((double) (p->phase == VIREO_MIGRATE_PHASE_STORAGE
                                                           ? p->disk_bps : p->memory_bps));

      gtk_label_set_text (GTK_LABEL (self->rate_label), rate);
    }
  else
    gtk_label_set_text (GTK_LABEL (self->rate_label), "—");

  if (p != NULL && p->expected_downtime_ms > 0)
    {
      /* Translators: milliseconds */
      g_autofree char *text = g_strdup_printf (_("%" G_GUINT64_FORMAT " ms"), p->expected_downtime_ms);

      gtk_label_set_text (GTK_LABEL (self->downtime_label), text);
    }
  else
    gtk_label_set_text (GTK_LABEL (self->downtime_label), "—");

  if (p != NULL && p->memory_iteration > 0)
    {
      /* Translators: which pass over the machine's memory */
      g_autofree char *text = g_strdup_printf (_("Pass %" G_GUINT64_FORMAT), p->memory_iteration);

      gtk_label_set_text (GTK_LABEL (self->iteration_label), text);
    }
  else
    gtk_label_set_text (GTK_LABEL (self->iteration_label), "—");

  gtk_widget_set_visible (self->disk_caption, copying);
  gtk_widget_set_visible (self->disk_label, copying);
  if (p != NULL && p->disk_total > 0)
    {
      g_autofree char *done = size_text (p->disk_processed);
      g_autofree char *total = size_text (p->disk_total);
      /* Translators: sizes: "300 MiB of 1.0 GiB" */
      g_autofree char *text = g_strdup_printf (_("%s of %s"), done, total);

      gtk_label_set_text (GTK_LABEL (self->disk_label), text);
    }
  else
    gtk_label_set_text (GTK_LABEL (self->disk_label), "—");
  sync_controls (self);
}

static void
set_running (VireoMigrateDialog *self,
             gboolean            running)
{
  gtk_widget_set_sensitive (self->page, !running);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->progress_revealer), running);
  if (!running)
    set_pulsing (self, FALSE);
  if (running)
    show_banner (self, NULL, FALSE);
}

/* Where the machine is after a failure or a cancel, if it can be told. */
static char *
where_now (VireoMigrateDialog *self,
           gboolean            postcopy_active,
           VireoConnection    *destination)
{
  g_autofree char *source_name = display_name (self->source);

  if (postcopy_active)
    {
      g_autofree char *dest_name = display_name (destination);

      /* Translators: %s is the destination */
      return g_strdup_printf (_("The machine is paused on %s: after the switch to post-copy libvirt cannot go "
                                "back. Resume it there once the hosts reach each other again."), dest_name);
    }
  if (vireo_connection_find_domain (self->source, vireo_domain_get_uuid (self->domain)) == NULL)
    return NULL;
  switch (vireo_domain_get_state (self->domain))
    {
    case VIREO_DOMAIN_STATE_RUNNING:
    case VIREO_DOMAIN_STATE_BLOCKED:
      /* Translators: %s is the source host */
      return g_strdup_printf (_("The machine is still running on %s."), source_name);
    case VIREO_DOMAIN_STATE_PAUSED:
      return g_strdup_printf (_("The machine is still paused on %s."), source_name);
    case VIREO_DOMAIN_STATE_SHUTOFF:
      return g_strdup_printf (_("The machine is still on %s, shut off."), source_name);
    case VIREO_DOMAIN_STATE_NOSTATE:
    case VIREO_DOMAIN_STATE_SHUTDOWN:
    case VIREO_DOMAIN_STATE_CRASHED:
    case VIREO_DOMAIN_STATE_PMSUSPENDED:
    default:
      return g_strdup_printf (_("The machine is still on %s."), source_name);
    }
}

static void
show_failure (VireoMigrateDialog *self,
              const GError       *error,
              gboolean            postcopy_active,
              VireoConnection    *destination)
{
  const char *explanation = "";
  const char *words = error->message;
  g_autofree char *where = where_now (self, postcopy_active, destination);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) markup = g_string_new (NULL);
  g_autofree char *bold = NULL;

  if (error->domain == VIREO_MIGRATE_ERROR)
    explanation = vireo_migrate_error_kind_explain ((VireoMigrateErrorKind) error->code);
  if (*explanation == '\0')
    explanation = _("The migration failed.");
  /* The job's message starts with the same sentence: libvirt's words are
   * the rest. */
  else if (g_str_has_prefix (words, explanation))
    {
      words += strlen (explanation);
      while (g_ascii_isspace (*words))
        words++;
    }

  g_string_append (text, explanation);
  bold = g_markup_escape_text (explanation, -1);
  g_string_append_printf (markup, "<b>%s</b>", bold);
  if (*words != '\0')
    {
      g_autofree char *escaped = g_markup_escape_text (words, -1);

      g_string_append_printf (text, "\n%s", words);
      g_string_append_printf (markup, "\n%s", escaped);
    }
  if (where != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (where, -1);

      g_string_append_printf (text, "\n%s", where);
      g_string_append_printf (markup, "\n%s", escaped);
    }
  g_free (self->error);
  self->error = g_string_free (g_steal_pointer (&text), FALSE);
  show_banner (self, markup->str, TRUE);
}

static void
show_summary (VireoMigrateDialog *self)
{
  const VireoMigrateOptions *o = vireo_migrate_job_get_options (self->job);
  const VireoMigrateProgress *p = vireo_migrate_job_get_progress (self->job);
  g_autofree char *dest_name = display_name (self->done_destination);
  g_autofree char *source_name = display_name (self->source);
  g_autofree char *title = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *name = vireo_migrate_job_get_dest_name (self->job);

  if (o->mode == VIREO_MIGRATE_MODE_OFFLINE)
    /* Translators: %s is the destination host */
    title = g_strdup_printf (_("Now Defined on %s"), dest_name);
  /* Not the source's state now: libvirt pauses it for the last pass. */
  else if (self->run_state == VIREO_MIGRATE_MACHINE_PAUSED)
    title = g_strdup_printf (_("Now Paused on %s"), dest_name);
  else
    title = g_strdup_printf (_("Now Running on %s"), dest_name);
  adw_status_page_set_title (ADW_STATUS_PAGE (self->summary), title);

  if (name != NULL && g_strcmp0 (name, vireo_domain_get_name (self->domain)) != 0)
    g_string_append_printf (text, _("It is called “%s” there."), name);
  if (p != NULL && p->downtime_ms > 0)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, _("It stopped for %" G_GUINT64_FORMAT " ms on the way."), p->downtime_ms);
    }
  if (text->len > 0)
    g_string_append_c (text, '\n');
  if (o->undefine_source)
    g_string_append_printf (text, _("%s no longer has it."), source_name);
  else
    g_string_append_printf (text, _("%s keeps its definition, shut off."), source_name);
  if (!o->persistent_on_dest)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("It is not defined on %s: once it stops there, it is gone from there."),
                              dest_name);
    }
  adw_status_page_set_description (ADW_STATUS_PAGE (self->summary), text->str);
  set_page (self, "done");
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VireoMigrateDialog) self = user_data;
  VireoMigrateJob *job = VIREO_MIGRATE_JOB (source);
  g_autoptr(GError) error = NULL;
  gboolean ok = vireo_migrate_job_run_finish (job, result, &error);

  g_signal_handlers_disconnect_by_data (job, self);
  if (self->job != job || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  self->cancelling = FALSE;
  set_running (self, FALSE);
  if (ok)
    {
      const VireoMigrateProgress *p = vireo_migrate_job_get_progress (job);

      if (p != NULL)
        {
          g_clear_pointer (&self->progress, vireo_migrate_progress_free);
          self->progress = vireo_migrate_progress_copy (p);
        }
      self->dest_uuid = g_strdup (vireo_migrate_job_get_dest_uuid (job));
      g_set_object (&self->done_destination, vireo_migrate_job_get_destination (job));
      show_summary (self);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *where = where_now (self, FALSE, NULL);
      g_autofree char *text = g_strdup_printf ("%s%s%s", _("The migration was cancelled."),
                                               where ? " " : "", where ? where : "");
      g_autofree char *markup = g_markup_escape_text (text, -1);

      g_clear_pointer (&self->error, g_free);
      show_banner (self, markup, FALSE);
    }
  else
    show_failure (self, error, vireo_migrate_job_get_postcopy_active (job), vireo_migrate_job_get_destination (job));
  /* The form as the user left it; the hosts may have come and gone. */
  rebuild_destinations (self);
  sync_form (self);
  show_form_or_none (self);
}

static void
migrate_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VireoMigrateDialog *self = VIREO_MIGRATE_DIALOG (widget);
  VireoConnection *dest = selected_destination (self);
  GtkSpinButton *bandwidth = GTK_SPIN_BUTTON (self->live_bandwidth);
  GtkSpinButton *downtime = GTK_SPIN_BUTTON (self->live_downtime);

  if (!self->loaded || busy (self) || dest == NULL || self->fault != NULL)
    return;
  g_clear_object (&self->job);
  g_clear_pointer (&self->progress, vireo_migrate_progress_free);
  g_clear_pointer (&self->error, g_free);
  self->job = vireo_migrate_job_new (self->domain, dest, self->options);
  self->run_state = machine_state (self);
  g_signal_connect_object (self->job, "notify::progress", G_CALLBACK (on_job_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::phase", G_CALLBACK (on_job_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::postcopy-active", G_CALLBACK (sync_controls), self,
                           G_CONNECT_SWAPPED);

  self->syncing = TRUE;
  gtk_spin_button_set_value (bandwidth, (double) self->options->bandwidth_mib_s);
  gtk_spin_button_set_value (downtime, (double) (self->options->max_downtime_ms > 0
                                                 ? self->options->max_downtime_ms : 300));
  self->syncing = FALSE;
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), 0);
  vireo_migrate_job_run_async (self->job, NULL, on_run_done, g_object_ref (self));
  set_running (self, TRUE);
  gtk_widget_set_sensitive (self->migrate_button, FALSE);
  on_job_progress (self);
}

static void
abort_migration (VireoMigrateDialog *self)
{
  if (!busy (self) || self->cancelling || vireo_migrate_job_get_postcopy_active (self->job) ||
      !vireo_migrate_job_get_monitored (self->job))
    return;
  self->cancelling = TRUE;
  vireo_migrate_job_cancel (self->job);
  sync_controls (self);
}

static void
abort_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  abort_migration (VIREO_MIGRATE_DIALOG (widget));
}

static void
on_request_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VireoMigrateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  VireoMigrateJob *job = VIREO_MIGRATE_JOB (source);
  gboolean ok;

  if (g_async_result_is_tagged (result, vireo_migrate_job_start_postcopy_async))
    ok = vireo_migrate_job_start_postcopy_finish (job, result, &error);
  else if (g_async_result_is_tagged (result, vireo_migrate_job_set_bandwidth_async))
    ok = vireo_migrate_job_set_bandwidth_finish (job, result, &error);
  else
    ok = vireo_migrate_job_set_max_downtime_finish (job, result, &error);
  if (ok || self->job != job || !vireo_migrate_job_get_running (job))
    return;
  /* The migration goes on as it was: say so beside the buttons. */
  gtk_label_set_text (GTK_LABEL (self->note_label), error->message);
  sync_controls (self);
}

static void
postcopy_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VireoMigrateDialog *self = VIREO_MIGRATE_DIALOG (widget);

  if (!busy (self))
    return;
  gtk_widget_set_sensitive (self->postcopy_button, FALSE);
  vireo_migrate_job_start_postcopy_async (self->job, NULL, on_request_done, g_object_ref (self));
}

static void
on_live_bandwidth (VireoMigrateDialog *self)
{
  if (self->syncing || !busy (self))
    return;
  vireo_migrate_job_set_bandwidth_async (self->job,
                                         (guint64) gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->live_bandwidth)),
                                         NULL, on_request_done, g_object_ref (self));
}

static void
on_live_downtime (VireoMigrateDialog *self)
{
  if (self->syncing || !busy (self))
    return;
  vireo_migrate_job_set_max_downtime_async (self->job,
                                            (guint64) gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->live_downtime)),
                                            NULL, on_request_done, g_object_ref (self));
}

/* Cancel (the header's) closes the dialog; while a migration runs it
 * cancels that instead, where libvirt can. */
static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VireoMigrateDialog *self = VIREO_MIGRATE_DIALOG (widget);
  g_autofree char *uuid = g_strdup (self->dest_uuid);
  g_autoptr(VireoConnection) destination = NULL;

  if (uuid == NULL || self->done_destination == NULL)
    return;
  destination = g_object_ref (self->done_destination);
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_MIGRATED], 0, uuid, destination);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

/* A migration is never left behind unwatched: closing asks for the
 * cancel, and the dialog stays until libvirt says how it ended. */
static gboolean
vireo_migrate_dialog_close_request (GtkWindow *window)
{
  VireoMigrateDialog *self = VIREO_MIGRATE_DIALOG (window);

  if (busy (self))
    {
      abort_migration (self);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (vireo_migrate_dialog_parent_class)->close_request (window);
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                   */

static void
loaded (VireoMigrateDialog *self)
{
  VireoMigrateSource source;

  self->loaded = TRUE;
  source = make_source (self);
  /* A shut-off machine moves offline; it must then stay defined. */
  if (source.state == VIREO_MIGRATE_MACHINE_SHUT_OFF)
    self->options->mode = VIREO_MIGRATE_MODE_OFFLINE;
  fit_mode (self);
  sync_form (self);
  show_form_or_none (self);
}

static void
on_definition (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VireoMigrateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = vireo_domain_read_xml_finish (VIREO_DOMAIN (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (xml != NULL)
    self->config = vireo_domain_config_new_from_xml (xml, &error);
  /* Without it the disks are not judged; libvirt still is. */
  if (self->config == NULL)
    g_warning ("Could not read the machine’s definition: %s", error->message);
  if (--self->reads_pending == 0)
    loaded (self);
}

static void
on_snapshots (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VireoMigrateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) snapshots = vireo_domain_list_snapshots_finish (VIREO_DOMAIN (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (snapshots != NULL)
    self->n_snapshots = snapshots->len;
  else
    g_debug ("Could not list the snapshots: %s", error->message);
  if (--self->reads_pending == 0)
    loaded (self);
}

/* ------------------------------------------------------------------------ */
/* Building                                                                  */

static void
vireo_migrate_dialog_dispose (GObject *object)
{
  VireoMigrateDialog *self = VIREO_MIGRATE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  set_pulsing (self, FALSE);
  if (self->domain != NULL)
    g_signal_handlers_disconnect_by_data (self->domain, self);
  if (self->connections != NULL)
    g_signal_handlers_disconnect_by_data (self->connections, self);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  for (guint i = 0; self->watched != NULL && i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_pointer (&self->destinations, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->job);
  g_clear_object (&self->manager);
  g_clear_object (&self->connections);
  g_clear_object (&self->domain);
  g_clear_object (&self->source);
  g_clear_object (&self->config);
  g_clear_object (&self->done_destination);

  G_OBJECT_CLASS (vireo_migrate_dialog_parent_class)->dispose (object);
}

static void
vireo_migrate_dialog_finalize (GObject *object)
{
  VireoMigrateDialog *self = VIREO_MIGRATE_DIALOG (object);

  vireo_migrate_options_free (self->options);
  vireo_migrate_progress_free (self->progress);
  g_free (self->dest_uuid);
  g_free (self->fault);
  g_free (self->error);
  g_free (self->command);

  G_OBJECT_CLASS (vireo_migrate_dialog_parent_class)->finalize (object);
}

static void
vireo_migrate_dialog_class_init (VireoMigrateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = vireo_migrate_dialog_dispose;
  object_class->finalize = vireo_migrate_dialog_finalize;
  window_class->close_request = vireo_migrate_dialog_close_request;

  /**
   * VireoMigrateDialog::migrated:
   * @dest_uuid: the machine's UUID on the destination
   * @destination: the connection it is on now
   *
   * The user asked to open the machine on the destination; the dialog
   * closes right after.
   */
  signals[SIGNAL_MIGRATED] =
    g_signal_new ("migrated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, VIREO_TYPE_CONNECTION);

  gtk_widget_class_install_action (widget_class, "migrate.run", NULL, migrate_action);
  gtk_widget_class_install_action (widget_class, "migrate.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "migrate.abort", NULL, abort_action);
  gtk_widget_class_install_action (widget_class, "migrate.postcopy", NULL, postcopy_action);
  gtk_widget_class_install_action (widget_class, "migrate.open", NULL, open_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "migrate.close", NULL);
}

static GtkWidget *
group_new (GtkWidget  *page,
           const char *title,
           const char *name)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_widget_set_name (group, name);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  return group;
}

/* A group whose three choices are linked toggle buttons in its header;
 * its one row names the choice, what it means and why the others
 * cannot be taken. */
static GtkWidget *
section_new (VireoMigrateDialog *self,
             GtkWidget          *page,
             Section             section,
             const char         *title,
             const char         *name)
{
  GtkWidget *group = group_new (page, title, name);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *row_name = g_strdup_printf ("%s-row", name);

  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  for (guint c = section * 3; c < section * 3 + 3; c++)
    {
      g_autofree char *id = g_strdup_printf ("migrate-%s", toggle_info[c].id);

      self->toggles[c] = gtk_toggle_button_new_with_label (_(toggle_info[c].label));
      if (c != section * 3)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (self->toggles[c]),
                                     GTK_TOGGLE_BUTTON (self->toggles[section * 3]));
      g_object_set_data (G_OBJECT (self->toggles[c]), "vireo-choice", GUINT_TO_POINTER (c));
      gtk_widget_set_name (self->toggles[c], id);
      g_signal_connect_object (self->toggles[c], "toggled", G_CALLBACK (on_toggle), self, 0);
      gtk_box_append (GTK_BOX (box), self->toggles[c]);
    }
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), box);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_name (row, row_name);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->section_rows[section] = row;
  return group;
}

static GtkWidget *
switch_row_new (VireoMigrateDialog *self,
                const char         *title,
                const char         *name,
                gboolean           *field)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  gtk_widget_set_name (row, name);
  g_object_set_data (G_OBJECT (row), "vireo-switch", sw);
  g_object_set_data (G_OBJECT (sw), "vireo-field", field);
  g_signal_connect_object (sw, "notify::active", G_CALLBACK (on_switch), self, 0);
  return row;
}

static GtkWidget *
spin_row_new (VireoMigrateDialog *self,
              const char         *title,
              const char         *subtitle,
              const char         *name,
              double              max,
              double              step,
              guint64            *field)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (0, max, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  gtk_widget_set_name (row, name);
  g_object_set_data (G_OBJECT (row), "vireo-spin", spin);
  g_object_set_data (G_OBJECT (spin), "vireo-field", field);
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (on_spin), self, 0);
  return row;
}

static GtkWidget *
figure (GtkWidget  *grid,
        int         line,
        const char *caption,
        const char *name,
        GtkWidget **caption_out)
{
  GtkWidget *key = gtk_label_new (caption);
  GtkWidget *value = gtk_label_new ("—");
  g_autofree char *caption_name = g_strdup_printf ("%s-caption", name);

  gtk_label_set_xalign (GTK_LABEL (key), 1);
  gtk_widget_add_css_class (key, "dim-label");
  gtk_widget_set_name (key, caption_name);
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_selectable (GTK_LABEL (value), TRUE);
  gtk_widget_add_css_class (value, "vireo-numeric");
  gtk_widget_set_name (value, name);
  gtk_grid_attach (GTK_GRID (grid), key, 0, line, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), value, 1, line, 1, 1);
  if (caption_out != NULL)
    *caption_out = key;
  return value;
}

static GtkWidget *
build_progress (VireoMigrateDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *bw_label = gtk_label_new_with_mnemonic (_("_Bandwidth (MiB/s, 0 = unlimited)"));
  GtkWidget *dt_label = gtk_label_new_with_mnemonic (_("Max _downtime (ms)"));

  gtk_widget_set_name (box, "migrate-progress");
  self->phase_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->phase_label), 0);
  gtk_widget_add_css_class (self->phase_label, "heading");
  gtk_widget_set_name (self->phase_label, "migrate-phase");
  self->progress_bar = gtk_progress_bar_new ();
  gtk_widget_set_name (self->progress_bar, "migrate-progress-bar");

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  self->data_label = figure (grid, 0, _("Data"), "migrate-data", NULL);
  self->rate_label = figure (grid, 1, _("Rate"), "migrate-rate", NULL);
  self->downtime_label = figure (grid, 2, _("Expected downtime"), "migrate-downtime", NULL);
  self->iteration_label = figure (grid, 3, _("Memory"), "migrate-iteration", NULL);
  self->disk_label = figure (grid, 4, _("Disks"), "migrate-disk", &self->disk_caption);

  /* Changes while it runs: libvirt takes a new speed and downtime. */
  self->live_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->live_bandwidth = gtk_spin_button_new_with_range (0, 100000, 1);
  gtk_widget_set_name (self->live_bandwidth, "migrate-live-bandwidth");
  gtk_label_set_mnemonic_widget (GTK_LABEL (bw_label), self->live_bandwidth);
  self->live_downtime = gtk_spin_button_new_with_range (1, 60000, 50);
  gtk_widget_set_name (self->live_downtime, "migrate-live-downtime");
  gtk_label_set_mnemonic_widget (GTK_LABEL (dt_label), self->live_downtime);
  gtk_box_append (GTK_BOX (self->live_box), bw_label);
  gtk_box_append (GTK_BOX (self->live_box), self->live_bandwidth);
  gtk_box_append (GTK_BOX (self->live_box), dt_label);
  gtk_box_append (GTK_BOX (self->live_box), self->live_downtime);
  g_signal_connect_object (self->live_bandwidth, "value-changed", G_CALLBACK (on_live_bandwidth), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->live_downtime, "value-changed", G_CALLBACK (on_live_downtime), self,
                           G_CONNECT_SWAPPED);

  self->note_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->note_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->note_label), 0);
  gtk_widget_add_css_class (self->note_label, "dim-label");
  gtk_widget_set_name (self->note_label, "migrate-note");

  self->abort_button = gtk_button_new_with_mnemonic (_("Cancel _Migration"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->abort_button), "migrate.abort");
  gtk_widget_set_name (self->abort_button, "migrate-abort");
  self->postcopy_button = gtk_button_new_with_mnemonic (_("Switch to _Post-Copy"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->postcopy_button), "migrate.postcopy");
  gtk_widget_set_name (self->postcopy_button, "migrate-postcopy");
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), self->postcopy_button);
  gtk_box_append (GTK_BOX (buttons), self->abort_button);

  gtk_box_append (GTK_BOX (box), self->phase_label);
  gtk_box_append (GTK_BOX (box), self->progress_bar);
  gtk_box_append (GTK_BOX (box), grid);
  gtk_box_append (GTK_BOX (box), self->live_box);
  gtk_box_append (GTK_BOX (box), self->note_label);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 6);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  self->progress_revealer = gtk_revealer_new ();
  gtk_revealer_set_child (GTK_REVEALER (self->progress_revealer), clamp);
  return self->progress_revealer;
}

static void
vireo_migrate_dialog_init (VireoMigrateDialog *self)
{
  VireoJobDialogParts parts;
  GtkWidget *form = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *group;
  GtkWidget *copy;

  self->options = vireo_migrate_options_new ();
  self->cancellable = g_cancellable_new ();
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->destinations = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_window_set_title (GTK_WINDOW (self), _("Migrate"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  /* Without a window manager (Xvfb, 800 px high) a window never grows
   * past its default: the form scrolls. */
  gtk_window_set_default_size (GTK_WINDOW (self), 680, 760);

  vireo_job_dialog_build (&parts, "migrate", "migrate.close", _("_Migrate"), "migrate.run",
                          _("_Open on Destination"), "migrate.open",
                          _("Reading the machine’s definition…"));
  self->close_button = parts.close_button;
  self->migrate_button = parts.run_button;
  self->open_button = parts.open_button;
  self->banner_label = parts.banner_label;
  self->banner_revealer = parts.banner_revealer;
  self->stack = parts.stack;

  self->none_page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->none_page), "network-server-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (self->none_page), _("No Other Host"));
  gtk_widget_set_name (self->none_page, "migrate-none");
  gtk_stack_add_named (GTK_STACK (self->stack), self->none_page, "none");

  /* The form */
  self->page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (self->page, TRUE);

  self->fault_group = group_new (self->page, NULL, "migrate-fault-group");
  self->fault_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->fault_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->fault_label), 0);
  gtk_widget_add_css_class (self->fault_label, "error");
  gtk_widget_set_name (self->fault_label, "migrate-fault");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->fault_group), self->fault_label);
  gtk_widget_set_visible (self->fault_group, FALSE);

  group = group_new (self->page, _("Destination"), "migrate-destination-group");
  self->dest_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->dest_row), _("_Host"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->dest_row), TRUE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->dest_row), 0);
  gtk_widget_set_name (self->dest_row, "migrate-destination");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->dest_row);
  self->dest_name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->dest_name_row),
                                 _("New _name there (empty: keep the name)"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->dest_name_row), TRUE);
  gtk_widget_set_name (self->dest_name_row, "migrate-dest-name");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->dest_name_row);

  section_new (self, self->page, SECTION_MODE, _("Mode"), "migrate-mode");
  section_new (self, self->page, SECTION_STORAGE, _("Storage"), "migrate-storage");
  group = section_new (self, self->page, SECTION_TRANSPORT, _("Transport"), "migrate-transport");
  self->dest_uri_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->dest_uri_row),
                                 _("Destination _address as the source host sees it"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->dest_uri_row), TRUE);
  gtk_widget_set_name (self->dest_uri_row, "migrate-dest-uri");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->dest_uri_row);

  self->after_group = group_new (self->page, _("Afterwards"), "migrate-after");
  self->persistent_row = switch_row_new (self, _("_Define on the destination"), "migrate-persistent",
                                         &self->options->persistent_on_dest);
  self->undefine_row = switch_row_new (self, _("_Remove from the source"), "migrate-undefine",
                                       &self->options->undefine_source);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->after_group), self->persistent_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->after_group), self->undefine_row);

  group = group_new (self->page, _("Speed and Downtime"), "migrate-limits");
  self->bandwidth_row = spin_row_new (self, _("_Bandwidth limit"), _("MiB/s; 0 for unlimited"),
                                      "migrate-bandwidth", 100000, 1, &self->options->bandwidth_mib_s);
  self->downtime_row = spin_row_new (self, _("Maximum _downtime"),
                                     _("Milliseconds the machine may stop for the last pass; 0 for libvirt’s "
                                       "default (300 ms)"),
                                     "migrate-downtime-limit", 60000, 50, &self->options->max_downtime_ms);
  self->postcopy_row = switch_row_new (self, _("Allow _post-copy"), "migrate-allow-postcopy",
                                       &self->options->postcopy);
  self->converge_row = switch_row_new (self, _("_Auto-converge"), "migrate-auto-converge",
                                       &self->options->auto_converge);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->bandwidth_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->downtime_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->postcopy_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->converge_row);

  group = group_new (self->page, _("Safety"), "migrate-safety");
  self->unsafe_row = switch_row_new (self, _("Allow _unsafe migration"), "migrate-unsafe",
                                     &self->options->allow_unsafe);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->unsafe_row);

  group = group_new (self->page, _("Equivalent Command"), "migrate-command-group");
  copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_add_css_class (copy, "flat");
  gtk_widget_set_tooltip_text (copy, _("Copy the command"));
  gtk_widget_set_name (copy, "migrate-copy-command");
  g_signal_connect_object (copy, "clicked", G_CALLBACK (on_copy_command), self, G_CONNECT_SWAPPED);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), copy);
  self->command_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->command_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->command_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (self->command_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->command_label), 0);
  gtk_widget_add_css_class (self->command_label, "monospace");
  gtk_widget_add_css_class (self->command_label, "dim-label");
  gtk_widget_set_name (self->command_label, "migrate-command");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->command_label);

  gtk_box_append (GTK_BOX (form), build_progress (self));
  gtk_box_append (GTK_BOX (form), self->page);
  gtk_stack_add_named (GTK_STACK (self->stack), form, "form");

  self->summary = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->summary), "object-select-symbolic");
  gtk_widget_set_name (self->summary, "migrate-summary");
  gtk_stack_add_named (GTK_STACK (self->stack), self->summary, "done");

  adw_window_set_content (ADW_WINDOW (self), parts.box);

  g_signal_connect_object (self->dest_row, "notify::selected", G_CALLBACK (on_destination_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->dest_uri_row, "changed", G_CALLBACK (on_dest_uri_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->dest_name_row, "changed", G_CALLBACK (on_dest_name_changed), self,
                           G_CONNECT_SWAPPED);
  set_page (self, "loading");
  gtk_widget_set_sensitive (self->migrate_button, FALSE);
}

/**
 * vireo_migrate_dialog_new:
 * @parent: (nullable): the window it is for
 * @manager: the connections Vireo has open
 * @domain: the machine to move
 *
 * Returns: (transfer none): the dialog, not shown yet
 */
GtkWidget *
vireo_migrate_dialog_new (GtkWindow              *parent,
                          VireoConnectionManager *manager,
                          VireoDomain            *domain)
{
  VireoMigrateDialog *self;
  VireoConnection *source;
  g_autofree char *title = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIREO_IS_CONNECTION_MANAGER (manager), NULL);
  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), NULL);
  source = vireo_domain_get_connection (domain);
  g_return_val_if_fail (source != NULL, NULL);

  self = g_object_new (VIREO_TYPE_MIGRATE_DIALOG, NULL);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  self->manager = g_object_ref (manager);
  self->connections = vireo_connection_manager_list_connections (manager);
  self->domain = g_object_ref (domain);
  self->source = g_object_ref (source);
  /* Translators: %s is a virtual machine's name */
  title = g_strdup_printf (_("Migrate “%s”"), vireo_domain_get_name (domain));
  gtk_window_set_title (GTK_WINDOW (self), title);

  g_signal_connect_object (self->connections, "items-changed", G_CALLBACK (on_connections_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (domain, "notify::state", G_CALLBACK (on_state_changed), self, G_CONNECT_SWAPPED);
  rebuild_destinations (self);
  prefill_dest_uri (self);

  self->reads_pending = 2;
  vireo_domain_read_xml_async (domain, FALSE, self->cancellable, on_definition, g_object_ref (self));
  vireo_domain_list_snapshots_async (domain, self->cancellable, on_snapshots, g_object_ref (self));
  return GTK_WIDGET (self);
}

GtkWidget *
vireo_migrate_dialog_get_destination_row (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return self->dest_row;
}

GPtrArray *
vireo_migrate_dialog_get_destinations (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return self->destinations;
}

GtkWidget *
vireo_migrate_dialog_get_choice_widget (VireoMigrateDialog *self,
                                        VireoMigrateChoice  choice)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  if (choice <= VIREO_MIGRATE_CHOICE_TRANSPORT_TUNNELLED)
    return self->toggles[choice];
  return choice_row (self, choice);
}

GtkWidget *
vireo_migrate_dialog_get_unsafe_row (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return self->unsafe_row;
}

GtkWidget *
vireo_migrate_dialog_get_migrate_button (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return self->migrate_button;
}

GtkWidget *
vireo_migrate_dialog_get_cancel_button (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return self->abort_button;
}

GtkWidget *
vireo_migrate_dialog_get_postcopy_button (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return self->postcopy_button;
}

GtkProgressBar *
vireo_migrate_dialog_get_progress_bar (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return GTK_PROGRESS_BAR (self->progress_bar);
}

const VireoMigrateProgress *
vireo_migrate_dialog_get_progress (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return self->progress;
}

const VireoMigrateOptions *
vireo_migrate_dialog_get_options (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return self->options;
}

const char *
vireo_migrate_dialog_get_fault (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return self->fault;
}

const char *
vireo_migrate_dialog_get_error (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return self->error;
}

const char *
vireo_migrate_dialog_get_command (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return self->command;
}

const char *
vireo_migrate_dialog_get_page (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
}

gboolean
vireo_migrate_dialog_get_busy (VireoMigrateDialog *self)
{
  g_return_val_if_fail (VIREO_IS_MIGRATE_DIALOG (self), FALSE);
  return busy (self);
}
