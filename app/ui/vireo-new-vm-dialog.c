/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-new-vm-dialog"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vireo-browse-button.h"
#include "vireo-connection-uri.h"
#include "vireo-create-job.h"
#include "vireo-format.h"
#include "vireo-host.h"
#include "vireo-lookup.h"
#include "vireo-os-detect.h"
#include "vireo-new-vm-dialog.h"
#include "vireo-os-info.h"
#include "vireo-os-picker.h"
#include "vireo-virt-error.h"
#include "vireo-vm-window.h"

/*
 * The New VM wizard: five steps of answers, then a creation job.
 *
 * Every answer goes into a VireoVmBuilder the moment it is typed, and the
 * builder is the only judge: its refusals name the field (the error code
 * says which), and the wizard shows the first one on the step that owns
 * that field, marks the row and holds Forward there. The wizard never
 * rewrites what the user typed; it fills a field only while the user has
 * not touched it (the builder's defaults follow the operating system).
 *
 * What the host has (its capabilities, networks, pools, memory and the
 * names taken) is asked through the worker layer when a connection is
 * chosen, and fills the rows as it arrives; the builder decides nothing
 * about the host that it has not been told.
 *
 * Create runs a VireoCreateJob, shown on the progress page with Cancel.
 * A failure or cancel lands the user back on the step they left, answers
 * intact, with the reason in a banner; the job has undone what it made.
 * A machine that starts its install gets vireo_domain_watch_install(),
 * and its window opens.
 */

typedef enum
{
  PAGE_METHOD,
  PAGE_OS,
  PAGE_RESOURCES,
  PAGE_STORAGE,
  PAGE_FINISH,
  N_PAGES,
} Page;

static const char * const page_names[N_PAGES] = {
  "method", "os", "resources", "storage", "finish",
};

static const char * const page_titles[N_PAGES] = {
  N_("Install Method"),
  N_("Operating System"),
  N_("Memory and CPUs"),
  N_("Storage"),
  N_("Name and Network"),
};

static const VireoInstallMethod methods[] = {
  VIREO_INSTALL_MEDIA,
  VIREO_INSTALL_NETWORK,
  VIREO_INSTALL_PXE,
  VIREO_INSTALL_IMPORT,
  VIREO_INSTALL_MANUAL,
};

static const char * const method_ids[] = {
  "method-media", "method-network", "method-pxe", "method-import", "method-manual",
};

static const char * const method_titles[] = {
  N_("Local install media"),
  N_("Network install"),
  N_("Network boot (PXE)"),
  N_("Import an existing disk image"),
  N_("Manual install"),
};

static const char * const method_subtitles[] = {
  N_("An ISO image, a storage volume or a CD/DVD drive of the host"),
  N_("A distribution’s install tree over HTTP, HTTPS, FTP or NFS"),
  N_("Boot from a server on the network the machine is plugged into"),
  N_("A disk that already has a system on it: qcow2, raw or VMDK"),
  N_("An empty machine; add its media yourself"),
};

static const char * const media_kind_labels[] = {
  N_("ISO file"), N_("Storage volume"), N_("Host CD/DVD drive"), NULL,
};

static const char * const image_formats[] = { "qcow2", "raw", "vmdk", NULL };
static const char * const new_disk_formats[] = { "qcow2", "raw", NULL };

static const char * const firmware_labels[] = {
  N_("BIOS"), N_("UEFI"), N_("UEFI with Secure Boot"), NULL,
};

typedef struct
{
  VireoNetworkKind  kind;
  char             *source;
  char             *mode;
  gboolean          active;
  char             *label;
} NetChoice;

static void
net_choice_free (NetChoice *choice)
{
  g_free (choice->source);
  g_free (choice->mode);
  g_free (choice->label);
  g_free (choice);
}

struct _VireoNewVmDialog
{
  AdwWindow               parent_instance;

  /* Owned */
  VireoConnectionManager *manager;
  VireoConnection        *connection;
  VireoVmBuilder         *builder;
  VireoOsDb              *os_db;
  VireoHost              *host;
  gulong                  host_facts_id;
  GCancellable           *lookups;       /* the chosen connection's lists */
  GPtrArray              *networks;      /* (element-type VireoNetworkInfo) (nullable) */
  GPtrArray              *interfaces;    /* (element-type VireoHostInterfaceInfo) (nullable) */
  GPtrArray              *pools;         /* (element-type VireoPoolInfo) (nullable) */
  GPtrArray              *net_choices;   /* (element-type NetChoice) */
  GPtrArray              *connections;   /* (element-type VireoConnection): the combo's */
  GPtrArray              *pool_names;    /* (element-type utf8): the pool combo's */
  GPtrArray              *iso_volumes;   /* (element-type VireoVolumeInfo): borrowed from pools */
  VireoGuestCaps         *guest_caps;    /* (nullable): the host's arches and machines */
  GStrv                   arches;        /* the combos' values */
  GStrv                   virt_types;
  GStrv                   machines;      /* after the "default" entry */
  char                   *caps_key;      /* what the capabilities were asked for */
  char                   *caps_problem;  /* (nullable): why there are none */
  gboolean                caps_loading;
  gboolean                is_local;
  gboolean                host_is_here;   /* the host's files are this computer's: not the test driver */
  char                   *media_missing;  /* (nullable): why the ISO path cannot be the media */
  GCancellable           *users_lookup;
  char                   *users_path;
  char                   *users_warning;
  VireoCreateJob         *job;
  GCancellable           *job_cancellable;
  gboolean                starting_network;
  gboolean                create_after_network;
  GCancellable           *detect;        /* the media or tree being identified */
  char                   *detect_for;    /* its path or URL */
  char                   *detect_status; /* (nullable): what the OS page says of it */
  gboolean                detecting;
  gboolean                os_chosen;     /* by the user: detection no longer sets it */
  guint                   detect_source;
  gboolean                network_chosen;  /* by the user: kept when the list changes */
  gboolean                pool_chosen;
  Page                    page;
  guint                   syncing;
  guint                   refresh_source;

  /* Template widgets */
  AdwWindowTitle         *window_title;
  GtkWidget              *cancel_button;
  GtkWidget              *back_button;
  GtkWidget              *forward_button;
  GtkRevealer            *failure_revealer;
  GtkLabel               *failure_label;
  GtkStack               *stack;
  AdwStatusPage          *progress_page;
  GtkProgressBar         *progress_bar;
  GtkLabel               *progress_detail;

  /* Pages */
  GtkWidget              *problem_labels[N_PAGES];
  GtkWidget              *conn_group;
  AdwComboRow            *conn_row;
  GtkWidget              *method_checks[G_N_ELEMENTS (methods)];
  GtkWidget              *media_group;
  AdwComboRow            *media_kind_row;
  GtkWidget              *media_path_row;
  AdwComboRow            *media_volume_row;
  GtkWidget              *media_device_row;
  GtkWidget              *tree_group;
  GtkWidget              *location_row;
  GtkWidget              *kernel_args_row;
  GtkWidget              *import_group;
  GtkWidget              *import_path_row;
  AdwComboRow            *import_format_row;
  GtkWidget              *pxe_group;
  GtkWidget              *manual_group;
  GtkWidget              *arch_row;
  GtkWidget              *arch_info_row;
  AdwComboRow            *arch_combo;
  AdwComboRow            *virt_combo;
  AdwComboRow            *machine_combo;
  GtkWidget              *os_row;
  GtkWidget              *detect_row;
  GtkWidget              *detect_spinner;
  GtkWidget              *picker;
  GtkWidget              *resources_group;
  GtkWidget              *memory_row;
  GtkSpinButton          *memory_spin;
  GtkWidget              *vcpus_row;
  GtkSpinButton          *vcpus_spin;
  GtkWidget              *resources_warning;
  GtkWidget              *storage_checks[3];
  GtkWidget              *new_disk_group;
  GtkWidget              *size_row;
  GtkSpinButton          *size_spin;
  AdwComboRow            *disk_format_row;
  AdwComboRow            *pool_row;
  GtkSwitch              *allocate_switch;
  GtkWidget              *existing_group;
  GtkWidget              *existing_path_row;
  AdwComboRow            *existing_format_row;
  GtkWidget              *users_label;
  GtkWidget              *name_row;
  AdwComboRow            *net_row;
  GtkWidget              *net_start_row;
  AdwComboRow            *firmware_row;
  GtkWidget              *tpm_row;
  GtkSwitch              *tpm_switch;
  GtkWidget              *customize_row;
  GtkSwitch              *customize_switch;
  GtkWidget              *summary_group;
  GHashTable             *summary_rows;  /* id → AdwActionRow */
  GtkWidget              *command_label;
};

G_DEFINE_FINAL_TYPE (VireoNewVmDialog, vireo_new_vm_dialog, ADW_TYPE_WINDOW)

static void queue_refresh (VireoNewVmDialog *self);
static void refresh (VireoNewVmDialog *self);
static void read_caps (VireoNewVmDialog *self);
static void start_job (VireoNewVmDialog *self);

#define GIB_F (1024.0 * 1024.0 * 1024.0)

/* ------------------------------------------------------------------------ */
/* Small builders of rows                                                    */

static GtkWidget *
new_page (VireoNewVmDialog *self,
          Page              page,
          GtkWidget       **out_box)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  GtkWidget *problem = gtk_label_new (NULL);
  g_autofree char *problem_name = g_strdup_printf ("problem-%s", page_names[page]);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);

  /* The step's first problem, under everything: the row at fault is
   * marked as well, and its tooltip says the same. */
  gtk_widget_set_name (problem, problem_name);
  gtk_label_set_wrap (GTK_LABEL (problem), TRUE);
  gtk_label_set_xalign (GTK_LABEL (problem), 0);
  gtk_widget_add_css_class (problem, "error");
  gtk_widget_set_visible (problem, FALSE);
  self->problem_labels[page] = problem;

  gtk_stack_add_titled (self->stack, scrolled, page_names[page], _(page_titles[page]));
  *out_box = box;
  return problem;
}

static GtkWidget *
add_group (GtkWidget  *box,
           const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (GTK_BOX (box), group);
  return group;
}

static GtkWidget *
add_entry (VireoNewVmDialog *self,
           GtkWidget        *group,
           const char       *name,
           const char       *title,
           GCallback         changed)
{
  GtkWidget *row = adw_entry_row_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  g_signal_connect_object (row, "changed", changed, self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static AdwComboRow *
add_combo (VireoNewVmDialog   *self,
           GtkWidget          *group,
           const char         *name,
           const char         *title,
           const char * const *items,
           gboolean            translate,
           GCallback           changed)
{
  GtkWidget *row = adw_combo_row_new ();
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    gtk_string_list_append (list, translate ? _(items[i]) : items[i]);
  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (list));
  g_object_unref (list);
  g_signal_connect_object (row, "notify::selected", changed, self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return ADW_COMBO_ROW (row);
}

/* Replaces a combo's items without the user's choice being lost: the
 * selection follows the item that was selected, by text. */
static void
combo_replace_full (VireoNewVmDialog *self,
                    AdwComboRow      *row,
                    GPtrArray        *labels,
                    guint             fallback,
                    gboolean          keep)
{
  GListModel *model = adw_combo_row_get_model (row);
  guint old = adw_combo_row_get_selected (row);
  g_autofree char *old_text = NULL;
  guint selected = fallback;
  GtkStringList *list = gtk_string_list_new (NULL);

  /* The same items: nothing to replace (and a combo's model is never
   * swapped under its own popover for nothing). */
  if (model != NULL && g_list_model_get_n_items (model) == labels->len)
    {
      gboolean same = TRUE;

      for (guint i = 0; same && i < labels->len; i++)
        same = g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i),
                          g_ptr_array_index (labels, i)) == 0;
      if (same)
        {
          if (!keep && labels->len > 0 && old != MIN (fallback, labels->len - 1))
            {
              self->syncing++;
              adw_combo_row_set_selected (row, MIN (fallback, labels->len - 1));
              self->syncing--;
            }
          g_object_unref (list);
          return;
        }
    }
  if (keep && model != NULL && old != GTK_INVALID_LIST_POSITION && old < g_list_model_get_n_items (model))
    old_text = g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (model), old));
  for (guint i = 0; i < labels->len; i++)
    {
      gtk_string_list_append (list, g_ptr_array_index (labels, i));
      if (old_text != NULL && g_str_equal (old_text, g_ptr_array_index (labels, i)))
        selected = i;
    }
  self->syncing++;
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
  if (labels->len > 0)
    adw_combo_row_set_selected (row, MIN (selected, labels->len - 1));
  self->syncing--;
  g_object_unref (list);
}

static void
combo_replace (VireoNewVmDialog *self,
               AdwComboRow      *row,
               GPtrArray        *labels,
               guint             fallback)
{
  combo_replace_full (self, row, labels, fallback, TRUE);
}

static GtkSpinButton *
add_spin (VireoNewVmDialog *self,
          GtkWidget        *group,
          const char       *name,
          const char       *title,
          const char       *unit,
          double            min,
          double            max,
          double            step,
          guint             digits,
          GtkWidget       **out_row,
          GCallback         changed)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);
  GtkWidget *label = gtk_label_new (unit);

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  g_signal_connect_object (spin, "value-changed", changed, self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  *out_row = row;
  return GTK_SPIN_BUTTON (spin);
}

static GtkWidget *
add_choice (VireoNewVmDialog *self,
            GtkWidget        *group,
            GtkWidget        *first,
            const char       *name,
            const char       *title,
            const char       *subtitle,
            GCallback         toggled)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  gtk_widget_set_name (check, name);
  if (first != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), GTK_CHECK_BUTTON (first));
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_signal_connect_object (check, "toggled", toggled, self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return check;
}

static GtkSwitch *
add_switch (VireoNewVmDialog *self,
            GtkWidget        *group,
            const char       *name,
            const char       *title,
            const char       *subtitle,
            GtkWidget       **out_row,
            GCallback         changed)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  gtk_widget_set_name (row, name);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  g_signal_connect_object (sw, "notify::active", changed, self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  if (out_row != NULL)
    *out_row = row;
  return GTK_SWITCH (sw);
}

static GtkWidget *
add_info (GtkWidget  *group,
          const char *name,
          const char *title)
{
  GtkWidget *row = adw_action_row_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static const char *
entry_text (GtkWidget *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  return text != NULL && *text != '\0' ? text : NULL;
}

static void
set_entry_text (VireoNewVmDialog *self,
                GtkWidget        *row,
                const char       *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text ? text : "") == 0)
    return;
  self->syncing++;
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  self->syncing--;
}

static void
set_spin (VireoNewVmDialog *self,
          GtkSpinButton    *spin,
          double            value)
{
  /* The spin holds what the user typed until it is a number; replacing
   * it is only for values the user has not chosen. */
  if (gtk_spin_button_get_value (spin) == value)
    return;
  self->syncing++;
  gtk_spin_button_set_value (spin, value);
  self->syncing--;
}

/* ------------------------------------------------------------------------ */
/* Answers into the builder                                                   */

static guint
checked_index (GtkWidget **checks,
               guint       n)
{
  for (guint i = 0; i < n; i++)
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (checks[i])))
      return i;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Detecting the operating system                                             */

static void
set_detect_status (VireoNewVmDialog *self,
                   const char       *status,
                   gboolean          detecting)
{
  g_free (self->detect_status);
  self->detect_status = g_strdup (status);
  self->detecting = detecting;
  queue_refresh (self);
}

static void
apply_detected (VireoNewVmDialog *self,
                VireoOsInfo      *os)
{
  g_autofree char *status = NULL;

  if (os == NULL)
    {
      set_detect_status (self, _("Not recognised: choose the system below."), FALSE);
      return;
    }
  if (self->os_chosen)
    /* Translators: %s is an operating system's name */
    status = g_strdup_printf (_("%s (you chose another system below)"), vireo_os_info_get_name (os));
  else
    {
      status = g_strdup (vireo_os_info_get_name (os));
      vireo_vm_builder_set_os (self->builder, os);
      read_caps (self);
    }
  set_detect_status (self, status, FALSE);
}

static void
media_detected (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VireoNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoOsInfo) os = vireo_os_db_identify_media_finish (VIREO_OS_DB (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* On the host itself a path that is not there, or not a file, cannot
   * be booted: held on the step, not left for libvirt to refuse. */
  g_clear_pointer (&self->media_missing, g_free);
  if (self->host_is_here &&
      (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
       g_error_matches (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY)))
    self->media_missing = g_strdup (error->message);
  if (error != NULL)
    set_detect_status (self, error->message, FALSE);
  else
    apply_detected (self, os);
}

static void
tree_detected (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VireoNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *kernel = NULL;
  g_autofree char *initrd = NULL;
  g_autoptr(VireoOsInfo) os = vireo_os_db_identify_tree_finish (VIREO_OS_DB (source), result, &kernel, &initrd,
                                                                &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      set_detect_status (self, error->message, FALSE);
      return;
    }
  /* The tree says where its kernel is; the builder's table is a guess. */
  if (kernel != NULL && initrd != NULL)
    vireo_vm_builder_set_location_files (self->builder, kernel, initrd);
  apply_detected (self, os);
}

/* The media or tree is read on a worker thread (libosinfo reads the ISO's
 * header or the tree's .treeinfo); typing waits for a pause first. Media
 * is read from this computer, so only on a local connection; a tree is
 * fetched by URL from anywhere, as the creation job does. */
static gboolean
detect_now (gpointer data)
{
  VireoNewVmDialog *self = data;
  VireoOsDb *db = vireo_os_db_get_loaded ();
  VireoInstallMethod method = vireo_vm_builder_get_method (self->builder);
  const char *what = NULL;

  self->detect_source = 0;
  if (method == VIREO_INSTALL_MEDIA)
    what = vireo_vm_builder_get_media_path (self->builder);
  else if (method == VIREO_INSTALL_NETWORK)
    what = vireo_vm_builder_get_location (self->builder);

  if (g_strcmp0 (what, self->detect_for) == 0 && db != NULL)
    return G_SOURCE_REMOVE;
  g_cancellable_cancel (self->detect);
  g_clear_object (&self->detect);
  g_free (self->detect_for);
  self->detect_for = g_strdup (what);
  g_clear_pointer (&self->media_missing, g_free);

  if (what == NULL)
    set_detect_status (self, NULL, FALSE);
  else if (db == NULL)
    {
      /* Once the database is in, detection comes back here. */
      g_clear_pointer (&self->detect_for, g_free);
      set_detect_status (self, _("Detecting…"), TRUE);
    }
  else if (method == VIREO_INSTALL_MEDIA && !self->is_local)
    set_detect_status (self, _("Vireo reads install media only on this computer’s own connections: "
                               "choose the system below."), FALSE);
  else
    {
      self->detect = g_cancellable_new ();
      set_detect_status (self, _("Detecting…"), TRUE);
      if (method == VIREO_INSTALL_MEDIA)
        vireo_os_db_identify_media_async (db, what, self->detect, media_detected, g_object_ref (self));
      else
        vireo_os_db_identify_tree_async (db, what, self->detect, tree_detected, g_object_ref (self));
    }
  return G_SOURCE_REMOVE;
}

static void
queue_detect (VireoNewVmDialog *self)
{
  g_clear_handle_id (&self->detect_source, g_source_remove);
  self->detect_source = g_timeout_add (400, detect_now, self);
}

static void
os_db_ready (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VireoNewVmDialog) self = user_data;
  g_autoptr(VireoOsDb) db = vireo_os_db_load_finish (result, NULL);

  if (db != NULL && !gtk_widget_in_destruction (GTK_WIDGET (self)))
    queue_detect (self);
}

static void
media_changed (VireoNewVmDialog *self)
{
  guint kind;

  if (self->syncing)
    return;
  kind = adw_combo_row_get_selected (self->media_kind_row);
  if (kind == VIREO_MEDIA_VOLUME)
    {
      guint i = adw_combo_row_get_selected (self->media_volume_row);
      VireoVolumeInfo *vol = self->iso_volumes != NULL && i < self->iso_volumes->len
                             ? g_ptr_array_index (self->iso_volumes, i) : NULL;

      if (vol != NULL)
        vireo_vm_builder_set_media_volume (self->builder, vol->pool, vol->name, vol->path);
      else
        vireo_vm_builder_set_media (self->builder, VIREO_MEDIA_VOLUME, NULL);
    }
  else if (kind == VIREO_MEDIA_DEVICE)
    vireo_vm_builder_set_media (self->builder, VIREO_MEDIA_DEVICE, entry_text (self->media_device_row));
  else
    vireo_vm_builder_set_media (self->builder, VIREO_MEDIA_FILE, entry_text (self->media_path_row));
  queue_detect (self);
}

static void
location_changed (VireoNewVmDialog *self)
{
  if (self->syncing)
    return;
  vireo_vm_builder_set_location (self->builder, entry_text (self->location_row),
                                 entry_text (self->kernel_args_row));
  queue_detect (self);
}

static const char *
combo_string (AdwComboRow        *row,
              const char * const *values)
{
  guint i = adw_combo_row_get_selected (row);

  return i < g_strv_length ((char **) values) ? values[i] : values[0];
}

static void
disk_users_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VireoNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) users = vireo_connection_find_disk_users_finish (VIREO_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->users_lookup);
  g_clear_pointer (&self->users_warning, g_free);
  if (users != NULL && users[0] != NULL)
    self->users_warning = g_strdup_printf (_("“%s” is a disk of the machine “%s” already. Two machines "
                                             "writing one image corrupt it: make sure only one runs at a time, "
                                             "or use a copy."),
                                           self->users_path, users[0]);
  queue_refresh (self);
}

/* Whether another machine uses the image: asked once per path, not per
 * keystroke on the refresh. */
static void
check_disk_users (VireoNewVmDialog *self,
                  const char       *path)
{
  if (g_strcmp0 (path, self->users_path) == 0)
    return;
  g_cancellable_cancel (self->users_lookup);
  g_clear_object (&self->users_lookup);
  g_clear_pointer (&self->users_warning, g_free);
  g_free (self->users_path);
  self->users_path = g_strdup (path);
  if (path == NULL || *path != '/' || self->connection == NULL)
    return;
  self->users_lookup = g_cancellable_new ();
  vireo_connection_find_disk_users_async (self->connection, path, self->users_lookup,
                                          disk_users_done, g_object_ref (self));
}

static void
import_changed (VireoNewVmDialog *self)
{
  if (self->syncing)
    return;
  vireo_vm_builder_set_import_disk (self->builder, entry_text (self->import_path_row),
                                    combo_string (self->import_format_row, image_formats));
  check_disk_users (self, entry_text (self->import_path_row));
}

static void
method_toggled (VireoNewVmDialog *self)
{
  guint i = checked_index (self->method_checks, G_N_ELEMENTS (methods));

  if (self->syncing)
    return;
  vireo_vm_builder_set_method (self->builder, methods[i]);
  /* The method's own answers are the builder's again. */
  if (methods[i] == VIREO_INSTALL_MEDIA)
    media_changed (self);
  else if (methods[i] == VIREO_INSTALL_NETWORK)
    location_changed (self);
  else if (methods[i] == VIREO_INSTALL_IMPORT)
    import_changed (self);
  else
    check_disk_users (self, NULL);
  queue_detect (self);
}

static void
on_os_selected (VireoNewVmDialog *self,
                VireoOsInfo      *os)
{
  self->os_chosen = TRUE;
  vireo_vm_builder_set_os (self->builder, vireo_os_info_get_unknown (os) ? NULL : os);
  /* The system decides the machine type (Q35 or not), so the host's
   * capabilities may need asking again. */
  read_caps (self);
}

static void
memory_changed (VireoNewVmDialog *self)
{
  if (self->syncing)
    return;
  vireo_vm_builder_set_memory_mib (self->builder, (guint64) gtk_spin_button_get_value (self->memory_spin));
}

static void
vcpus_changed (VireoNewVmDialog *self)
{
  if (self->syncing)
    return;
  vireo_vm_builder_set_vcpus (self->builder, (guint) gtk_spin_button_get_value (self->vcpus_spin));
}

static void
recommended_clicked (VireoNewVmDialog *self)
{
  vireo_vm_builder_reset_field (self->builder, VIREO_VM_FIELD_MEMORY);
  vireo_vm_builder_reset_field (self->builder, VIREO_VM_FIELD_VCPUS);
}

static void
apply_pool (VireoNewVmDialog *self)
{
  guint i;
  VireoPoolInfo *pool = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) volumes = NULL;

  i = adw_combo_row_get_selected (self->pool_row);
  if (self->pools != NULL && i < self->pool_names->len)
    for (guint j = 0; j < self->pools->len; j++)
      {
        VireoPoolInfo *p = g_ptr_array_index (self->pools, j);

        if (g_str_equal (p->name, g_ptr_array_index (self->pool_names, i)))
          pool = p;
      }
  if (pool == NULL)
    {
      vireo_vm_builder_set_pool (self->builder, NULL, NULL, G_MAXUINT64, NULL);
      return;
    }
  for (guint j = 0; j < pool->volumes->len; j++)
    g_strv_builder_add (names, ((VireoVolumeInfo *) g_ptr_array_index (pool->volumes, j))->name);
  volumes = g_strv_builder_end (names);
  vireo_vm_builder_set_pool (self->builder, pool->name, pool->target_path, pool->available,
                             (const char * const *) volumes);
}

static void
pool_changed (VireoNewVmDialog *self)
{
  if (self->syncing)
    return;
  self->pool_chosen = TRUE;
  apply_pool (self);
}

static void
storage_changed (VireoNewVmDialog *self)
{
  if (self->syncing)
    return;
  vireo_vm_builder_set_storage (self->builder, checked_index (self->storage_checks, 3));
  vireo_vm_builder_set_disk_format (self->builder, combo_string (self->disk_format_row, new_disk_formats));
  vireo_vm_builder_set_allocate_now (self->builder, gtk_switch_get_active (self->allocate_switch));
  vireo_vm_builder_set_existing_disk (self->builder, entry_text (self->existing_path_row),
                                      combo_string (self->existing_format_row, image_formats));
  if (checked_index (self->storage_checks, 3) == VIREO_STORAGE_EXISTING)
    check_disk_users (self, entry_text (self->existing_path_row));
  else
    check_disk_users (self, NULL);
}

static void
size_changed (VireoNewVmDialog *self)
{
  if (self->syncing)
    return;
  vireo_vm_builder_set_disk_size (self->builder, (guint64) (gtk_spin_button_get_value (self->size_spin) * GIB_F));
}

static void
name_changed (VireoNewVmDialog *self)
{
  if (self->syncing)
    return;
  vireo_vm_builder_set_name (self->builder, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
}

static NetChoice *
chosen_network (VireoNewVmDialog *self)
{
  guint i = adw_combo_row_get_selected (self->net_row);

  return i < self->net_choices->len ? g_ptr_array_index (self->net_choices, i) : NULL;
}

static void
apply_network (VireoNewVmDialog *self)
{
  NetChoice *choice = chosen_network (self);

  if (choice != NULL)
    vireo_vm_builder_set_network (self->builder, choice->kind, choice->source, choice->mode);
  queue_refresh (self);
}

static void
network_changed (VireoNewVmDialog *self)
{
  if (self->syncing)
    return;
  self->network_chosen = TRUE;
  apply_network (self);
}

static void
firmware_changed (VireoNewVmDialog *self)
{
  if (self->syncing)
    return;
  vireo_vm_builder_set_firmware (self->builder, adw_combo_row_get_selected (self->firmware_row));
}

static gboolean
customizing (VireoNewVmDialog *self)
{
  return gtk_switch_get_active (self->customize_switch) &&
         methods[checked_index (self->method_checks, G_N_ELEMENTS (methods))] != VIREO_INSTALL_MANUAL;
}

static void
customize_changed (VireoNewVmDialog *self)
{
  queue_refresh (self);
}

static void
tpm_changed (VireoNewVmDialog *self)
{
  if (self->syncing)
    return;
  vireo_vm_builder_set_tpm (self->builder, gtk_switch_get_active (self->tpm_switch));
}

/* ------------------------------------------------------------------------ */
/* What the host has                                                          */

static const char *
network_mode_label (const char *mode)
{
  if (g_strcmp0 (mode, "nat") == 0)
    return _("NAT");
  if (g_strcmp0 (mode, "route") == 0)
    return _("routed");
  if (g_strcmp0 (mode, "open") == 0)
    return _("open");
  if (g_strcmp0 (mode, "none") == 0 || mode == NULL)
    return _("isolated");
  if (g_strcmp0 (mode, "bridge") == 0)
    return _("host bridge");
  return mode;
}

static void
fill_networks (VireoNewVmDialog *self)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  NetChoice *choice;
  guint fallback = 0;
  gboolean session;

  g_ptr_array_set_size (self->net_choices, 0);
  session = self->connection != NULL && g_str_has_suffix (vireo_connection_get_uri (self->connection), "/session");

  for (guint i = 0; self->networks != NULL && i < self->networks->len; i++)
    {
      VireoNetworkInfo *net = g_ptr_array_index (self->networks, i);

      /* Networks that hand out host devices or macvtap ports cannot take
       * an ordinary card from here; the others can. */
      if (g_strv_contains ((const char * const[]) { "hostdev", "passthrough", "private", "vepa", NULL },
                           net->forward_mode))
        continue;
      choice = g_new0 (NetChoice, 1);
      choice->kind = VIREO_NETWORK_VIRTUAL;
      choice->source = g_strdup (net->name);
      choice->active = net->active;
      /* Translators: a network's name and its mode, "default: NAT" */
      choice->label = net->active
        ? g_strdup_printf (_("%s: %s"), net->name, network_mode_label (net->forward_mode))
        : g_strdup_printf (_("%s: %s, not running"), net->name, network_mode_label (net->forward_mode));
      if (g_str_equal (net->name, "default"))
        fallback = self->net_choices->len;
      g_ptr_array_add (self->net_choices, choice);
    }
  for (guint i = 0; self->interfaces != NULL && i < self->interfaces->len; i++)
    {
      VireoHostInterfaceInfo *iface = g_ptr_array_index (self->interfaces, i);

      choice = g_new0 (NetChoice, 1);
      choice->active = iface->active;
      choice->source = g_strdup (iface->name);
      if (g_strcmp0 (iface->type, "bridge") == 0)
        {
          choice->kind = VIREO_NETWORK_BRIDGE;
          choice->label = g_strdup_printf (_("%s: host bridge"), iface->name);
        }
      else
        {
          choice->kind = VIREO_NETWORK_MACVTAP;
          choice->mode = g_strdup ("bridge");
          choice->label = g_strdup_printf (_("%s: macvtap (cannot reach this host)"), iface->name);
        }
      g_ptr_array_add (self->net_choices, choice);
    }
  choice = g_new0 (NetChoice, 1);
  choice->kind = VIREO_NETWORK_USER;
  choice->active = TRUE;
  choice->label = g_strdup (_("Usermode networking (outgoing only)"));
  if (session && fallback == 0 && (self->networks == NULL || self->networks->len == 0))
    fallback = self->net_choices->len;
  g_ptr_array_add (self->net_choices, choice);
  choice = g_new0 (NetChoice, 1);
  choice->kind = VIREO_NETWORK_NONE;
  choice->active = TRUE;
  choice->label = g_strdup (_("No network"));
  g_ptr_array_add (self->net_choices, choice);

  for (guint i = 0; i < self->net_choices->len; i++)
    g_ptr_array_add (labels, ((NetChoice *) g_ptr_array_index (self->net_choices, i))->label);
  combo_replace_full (self, self->net_row, labels, fallback, self->network_chosen);
  apply_network (self);
}

static void
fill_pools (VireoNewVmDialog *self)
{
  g_autoptr(GPtrArray) pool_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) iso_labels = g_ptr_array_new_with_free_func (g_free);
  guint fallback = 0;

  g_ptr_array_set_size (self->pool_names, 0);
  g_ptr_array_set_size (self->iso_volumes, 0);
  for (guint i = 0; self->pools != NULL && i < self->pools->len; i++)
    {
      VireoPoolInfo *pool = g_ptr_array_index (self->pools, i);
      g_autofree char *free_space = vireo_format_size_kib (pool->available / 1024);

      if (!pool->active)
        continue;
      /* A new disk is a file: pools of files take one. */
      if (g_strv_contains ((const char * const[]) { "dir", "fs", "netfs", NULL }, pool->type))
        {
          if (g_str_equal (pool->name, "default"))
            fallback = self->pool_names->len;
          g_ptr_array_add (self->pool_names, g_strdup (pool->name));
          g_ptr_array_add (pool_labels, g_strdup_printf (_("%s (%s free)"), pool->name, free_space));
        }
      for (guint j = 0; j < pool->volumes->len; j++)
        {
          VireoVolumeInfo *vol = g_ptr_array_index (pool->volumes, j);

          if (g_strcmp0 (vol->format, "iso") == 0 || g_str_has_suffix (vol->name, ".iso"))
            {
              g_ptr_array_add (self->iso_volumes, vol);
              g_ptr_array_add (iso_labels, g_strdup_printf ("%s / %s", pool->name, vol->name));
            }
        }
    }
  combo_replace_full (self, self->pool_row, pool_labels, fallback, self->pool_chosen);
  combo_replace (self, self->media_volume_row, iso_labels, 0);
  apply_pool (self);
  if (adw_combo_row_get_selected (self->media_kind_row) == VIREO_MEDIA_VOLUME)
    media_changed (self);
}

static void
networks_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VireoNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = vireo_connection_list_networks_finish (VIREO_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->networks, g_ptr_array_unref);
  self->networks = list;
  fill_networks (self);
}

static void
interfaces_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VireoNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = vireo_connection_list_host_interfaces_finish (VIREO_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->interfaces, g_ptr_array_unref);
  self->interfaces = list;
  fill_networks (self);
}

static void
pools_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VireoNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = vireo_connection_list_pools_finish (VIREO_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* iso_volumes borrows from the old list. */
  g_ptr_array_set_size (self->iso_volumes, 0);
  g_clear_pointer (&self->pools, g_ptr_array_unref);
  self->pools = list;
  fill_pools (self);
}

/* What libvirt's test driver (the demo connection) gets instead of domain
 * capabilities, which it cannot report: a QEMU machine with nothing
 * optional, so that the wizard can be walked through and the definition
 * shown. Real hosts always answer. */
static const char fallback_caps[] =
  "<domainCapabilities>"
  "<path>/usr/bin/qemu-system-%s</path><domain>qemu</domain>"
  "<machine>%s</machine><arch>%s</arch><vcpu max='255'/>"
  "<os supported='yes'><enum name='firmware'/><loader supported='no'/></os>"
  "<devices>"
  "<disk supported='yes'><enum name='diskDevice'><value>disk</value><value>cdrom</value></enum>"
  "<enum name='bus'><value>sata</value><value>scsi</value><value>virtio</value><value>usb</value></enum></disk>"
  "<graphics supported='yes'><enum name='type'><value>vnc</value></enum></graphics>"
  "<video supported='yes'><enum name='modelType'><value>vga</value><value>virtio</value></enum></video>"
  "<tpm supported='no'/>"
  "</devices>"
  "</domainCapabilities>";

static void
caps_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VireoNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = vireo_connection_read_domain_caps_finish (VIREO_CONNECTION (source), result, &error);
  g_autoptr(VireoDomainCaps) caps = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->caps_loading = FALSE;
  g_clear_pointer (&self->caps_problem, g_free);
  if (g_error_matches (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_SUPPORTED))
    {
      g_auto(GStrv) key = g_strsplit (self->caps_key, "|", 3);
      const char *arch = *key[0] != '\0' ? key[0] : "x86_64";

      g_clear_error (&error);
      xml = g_strdup_printf (fallback_caps, arch, *key[1] != '\0' ? key[1] : "pc", arch);
      self->caps_problem = g_strdup (_("This connection does not report what its machines can have; "
                                       "Vireo assumes a plain QEMU machine."));
    }
  if (xml != NULL)
    caps = vireo_domain_caps_new_from_xml (xml, &error);
  if (caps == NULL)
    {
      g_free (self->caps_problem);
      self->caps_problem = g_strdup (error->message);
    }
  vireo_vm_builder_set_caps (self->builder, caps);
  queue_refresh (self);
}

/* The capabilities depend on the machine type, which depends on the
 * system: asked again only when what they were asked for changes. */
static const char *
combo_value (AdwComboRow *row,
             GStrv        values,
             guint        skip)
{
  guint i = adw_combo_row_get_selected (row);

  if (values == NULL || i == GTK_INVALID_LIST_POSITION || i < skip || i - skip >= g_strv_length (values))
    return NULL;
  return values[i - skip];
}

static void
read_caps (VireoNewVmDialog *self)
{
  const char *arch = combo_value (self->arch_combo, self->arches, 0);
  const char *virttype = combo_value (self->virt_combo, self->virt_types, 0);
  const char *machine = combo_value (self->machine_combo, self->machines, 1);
  g_autofree char *key = NULL;

  if (arch == NULL && self->host != NULL && vireo_host_get_has_facts (self->host))
    arch = vireo_host_get_arch (self->host);
  if (machine == NULL)
    machine = vireo_vm_builder_get_preferred_machine (self->builder, arch);
  key = g_strdup_printf ("%s|%s|%s", arch ? arch : "", machine ? machine : "", virttype ? virttype : "");
  if (self->connection == NULL || g_strcmp0 (key, self->caps_key) == 0)
    return;
  g_free (self->caps_key);
  self->caps_key = g_steal_pointer (&key);
  self->caps_loading = TRUE;
  vireo_connection_read_domain_caps_async (self->connection, NULL, arch, machine, virttype, self->lookups,
                                           caps_done, g_object_ref (self));
  queue_refresh (self);
}

/* Architecture options: the arch decides the virt types, both decide the
 * machine types. Refilled from the host's capabilities; the first
 * machine entry leaves the choice to the system (Q35 or not). */
typedef enum
{
  FILL_ARCHES,
  FILL_VIRT_TYPES,
  FILL_MACHINES,
} ArchFill;

static void
fill_arch_options (VireoNewVmDialog *self,
                   ArchFill          from)
{
  const char *arch, *virttype;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  const char *host_arch = self->guest_caps ? vireo_guest_caps_get_host_arch (self->guest_caps) : NULL;

  if (from <= FILL_ARCHES)
    {
      g_clear_pointer (&self->arches, g_strfreev);
      if (self->guest_caps != NULL)
        self->arches = vireo_guest_caps_dup_arches (self->guest_caps);
      for (guint i = 0; self->arches != NULL && self->arches[i] != NULL; i++)
        g_ptr_array_add (labels, g_strdup (self->arches[i]));
      combo_replace (self, self->arch_combo, labels, 0);
    }
  arch = combo_value (self->arch_combo, self->arches, 0);

  if (from <= FILL_VIRT_TYPES)
    {
      g_ptr_array_set_size (labels, 0);
      g_clear_pointer (&self->virt_types, g_strfreev);
      if (arch != NULL)
        self->virt_types = vireo_guest_caps_dup_virt_types (self->guest_caps, arch);
      for (guint i = 0; self->virt_types != NULL && self->virt_types[i] != NULL; i++)
        g_ptr_array_add (labels, g_str_equal (self->virt_types[i], "kvm")
                                 ? g_strdup (_("KVM"))
                                 : g_str_equal (self->virt_types[i], "qemu")
                                 ? g_strdup (_("QEMU, emulated"))
                                 : g_strdup (self->virt_types[i]));
      combo_replace (self, self->virt_combo, labels, 0);
    }
  virttype = combo_value (self->virt_combo, self->virt_types, 0);

  if (from <= FILL_MACHINES)
    {
      g_ptr_array_set_size (labels, 0);
      g_clear_pointer (&self->machines, g_strfreev);
      if (arch != NULL)
        self->machines = vireo_guest_caps_dup_machines (self->guest_caps, arch, virttype);
      g_ptr_array_add (labels, g_strdup (_("The system’s choice")));
      for (guint i = 0; self->machines != NULL && self->machines[i] != NULL; i++)
        g_ptr_array_add (labels, g_strdup (self->machines[i]));
      combo_replace (self, self->machine_combo, labels, 0);
    }

  /* Another architecture than the host's is emulated, whatever the type. */
  gtk_widget_set_visible (GTK_WIDGET (self->arch_combo), self->arches != NULL && self->arches[0] != NULL);
  if (arch != NULL && host_arch != NULL && !g_str_equal (arch, host_arch))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->arch_combo),
                                 _("Not the host’s own: every instruction is emulated, much slower"));
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->arch_combo), NULL);
}

/* Each combo refills only those after it: never itself, under its own
 * popover. */
static void
arch_options_changed (VireoNewVmDialog *self,
                      GParamSpec       *pspec,
                      AdwComboRow      *row)
{
  if (self->syncing)
    return;
  if (row == self->arch_combo)
    fill_arch_options (self, FILL_VIRT_TYPES);
  else if (row == self->virt_combo)
    fill_arch_options (self, FILL_MACHINES);
  vireo_vm_builder_set_machine (self->builder, combo_value (self->machine_combo, self->machines, 1));
  read_caps (self);
}

static void
guest_caps_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VireoNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  VireoGuestCaps *caps = vireo_connection_read_capabilities_finish (VIREO_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->guest_caps);
  self->guest_caps = caps;
  fill_arch_options (self, FILL_ARCHES);
  read_caps (self);
}

static void
host_facts_changed (VireoNewVmDialog *self)
{
  if (!vireo_host_get_has_facts (self->host))
    return;
  vireo_vm_builder_set_host (self->builder, vireo_host_get_memory_kib (self->host) * 1024,
                             vireo_host_get_cpus (self->host));
  read_caps (self);
  queue_refresh (self);
}

static void
update_existing_names (VireoNewVmDialog *self)
{
  GListModel *domains = vireo_connection_list_domains (self->connection);
  guint n = g_list_model_get_n_items (domains);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDomain) domain = g_list_model_get_item (domains, i);

      g_strv_builder_add (names, vireo_domain_get_name (domain));
    }
  list = g_strv_builder_end (names);
  vireo_vm_builder_set_existing_names (self->builder, (const char * const *) list);
}

static void
set_connection (VireoNewVmDialog *self,
                VireoConnection  *connection)
{
  g_autoptr(VireoConnectionUri) uri = NULL;

  if (self->connection == connection)
    return;

  g_cancellable_cancel (self->lookups);
  g_clear_object (&self->lookups);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (vireo_connection_list_domains (self->connection), self);
  g_clear_signal_handler (&self->host_facts_id, self->host);
  g_clear_object (&self->host);
  g_clear_pointer (&self->networks, g_ptr_array_unref);
  g_clear_pointer (&self->interfaces, g_ptr_array_unref);
  g_ptr_array_set_size (self->iso_volumes, 0);
  g_clear_pointer (&self->pools, g_ptr_array_unref);
  g_clear_pointer (&self->caps_key, g_free);
  g_clear_object (&self->guest_caps);
  g_clear_pointer (&self->users_path, g_free);
  g_clear_pointer (&self->users_warning, g_free);
  self->network_chosen = self->pool_chosen = FALSE;
  g_set_object (&self->connection, connection);
  vireo_vm_builder_set_caps (self->builder, NULL);
  vireo_vm_builder_set_host (self->builder, 0, 0);
  fill_networks (self);
  fill_pools (self);
  fill_arch_options (self, FILL_ARCHES);
  vireo_vm_builder_set_machine (self->builder, NULL);
  if (connection == NULL)
    return;

  uri = vireo_connection_uri_parse (vireo_connection_get_uri (connection), NULL);
  self->is_local = uri != NULL && !vireo_transport_is_remote (uri->transport);
  self->host_is_here = self->is_local && uri->hypervisor != VIREO_HYPERVISOR_CUSTOM;
  self->lookups = g_cancellable_new ();

  update_existing_names (self);
  g_signal_connect_object (vireo_connection_list_domains (connection), "items-changed",
                           G_CALLBACK (update_existing_names), self, G_CONNECT_SWAPPED);
  self->host = g_object_ref (vireo_host_get_for_connection (connection));
  self->host_facts_id = g_signal_connect_swapped (self->host, "notify::has-facts",
                                                  G_CALLBACK (host_facts_changed), self);
  host_facts_changed (self);
  vireo_connection_read_capabilities_async (connection, self->lookups, guest_caps_done, g_object_ref (self));
  vireo_connection_list_networks_async (connection, self->lookups, networks_done, g_object_ref (self));
  vireo_connection_list_host_interfaces_async (connection, self->lookups, interfaces_done, g_object_ref (self));
  vireo_connection_list_pools_async (connection, self->lookups, pools_done, g_object_ref (self));
  queue_refresh (self);
}

static void
connection_row_changed (VireoNewVmDialog *self)
{
  guint i = adw_combo_row_get_selected (self->conn_row);

  if (self->syncing || i >= self->connections->len)
    return;
  set_connection (self, g_ptr_array_index (self->connections, i));
}

/* The connections that can take a new machine: the connected ones. */
static void
fill_connections (VireoNewVmDialog *self)
{
  GListModel *all = vireo_connection_manager_list_connections (self->manager);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  guint selected = 0;

  g_ptr_array_set_size (self->connections, 0);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(VireoConnection) conn = g_list_model_get_item (all, i);

      if (conn != self->connection && vireo_connection_get_state (conn) != VIREO_CONNECTION_STATE_CONNECTED)
        continue;
      if (conn == self->connection)
        selected = self->connections->len;
      g_ptr_array_add (self->connections, g_object_ref (conn));
      g_ptr_array_add (labels, vireo_connection_dup_display_name (conn));
    }
  combo_replace (self, self->conn_row, labels, selected);
  self->syncing++;
  adw_combo_row_set_selected (self->conn_row, selected);
  self->syncing--;
  gtk_widget_set_visible (self->conn_group, self->connections->len > 1);
}

/* ------------------------------------------------------------------------ */
/* Refresh: the builder's view of the answers, onto the pages                 */

static Page
page_of_error (const GError *error)
{
  if (error == NULL || error->domain != VIREO_VM_BUILDER_ERROR)
    return PAGE_FINISH;
  switch ((VireoVmBuilderError) error->code)
    {
    case VIREO_VM_BUILDER_ERROR_MEDIA:
    case VIREO_VM_BUILDER_ERROR_ARCH:
      return PAGE_METHOD;
    case VIREO_VM_BUILDER_ERROR_MEMORY:
    case VIREO_VM_BUILDER_ERROR_VCPUS:
      return PAGE_RESOURCES;
    case VIREO_VM_BUILDER_ERROR_STORAGE:
      return PAGE_STORAGE;
    case VIREO_VM_BUILDER_ERROR_NAME:
    case VIREO_VM_BUILDER_ERROR_NETWORK:
    case VIREO_VM_BUILDER_ERROR_FIRMWARE:
    default:
      return PAGE_FINISH;
    }
}

static GtkWidget *
row_of_error (VireoNewVmDialog *self,
              const GError     *error)
{
  if (error == NULL || error->domain != VIREO_VM_BUILDER_ERROR)
    return NULL;
  switch ((VireoVmBuilderError) error->code)
    {
    case VIREO_VM_BUILDER_ERROR_MEDIA:
      switch (vireo_vm_builder_get_method (self->builder))
        {
        case VIREO_INSTALL_NETWORK:
          return self->location_row;
        case VIREO_INSTALL_IMPORT:
          return self->import_path_row;
        case VIREO_INSTALL_MEDIA:
          switch (vireo_vm_builder_get_media_kind (self->builder))
            {
            case VIREO_MEDIA_VOLUME:
              return GTK_WIDGET (self->media_volume_row);
            case VIREO_MEDIA_DEVICE:
              return self->media_device_row;
            case VIREO_MEDIA_FILE:
            default:
              return self->media_path_row;
            }
        case VIREO_INSTALL_PXE:
        case VIREO_INSTALL_MANUAL:
        default:
          return NULL;
        }
    case VIREO_VM_BUILDER_ERROR_ARCH:
      return self->arch_row;
    case VIREO_VM_BUILDER_ERROR_MEMORY:
      return self->memory_row;
    case VIREO_VM_BUILDER_ERROR_VCPUS:
      return self->vcpus_row;
    case VIREO_VM_BUILDER_ERROR_STORAGE:
      if (vireo_vm_builder_get_storage (self->builder) == VIREO_STORAGE_EXISTING)
        return self->existing_path_row;
      return self->size_row;
    case VIREO_VM_BUILDER_ERROR_NAME:
      return self->name_row;
    case VIREO_VM_BUILDER_ERROR_NETWORK:
      return GTK_WIDGET (self->net_row);
    case VIREO_VM_BUILDER_ERROR_FIRMWARE:
      return GTK_WIDGET (self->firmware_row);
    default:
      return NULL;
    }
}

static void
set_summary (VireoNewVmDialog *self,
             const char       *id,
             const char       *value)
{
  GtkWidget *row = g_hash_table_lookup (self->summary_rows, id);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value ? value : "");
}

static char *
dup_install_summary (VireoNewVmDialog *self)
{
  switch (vireo_vm_builder_get_method (self->builder))
    {
    case VIREO_INSTALL_MEDIA:
      return g_strdup_printf (_("From %s"), vireo_vm_builder_get_media_path (self->builder)
                                            ? vireo_vm_builder_get_media_path (self->builder) : "—");
    case VIREO_INSTALL_NETWORK:
      return g_strdup_printf (_("From the tree at %s"), vireo_vm_builder_get_location (self->builder)
                                                        ? vireo_vm_builder_get_location (self->builder) : "—");
    case VIREO_INSTALL_PXE:
      return g_strdup (_("Network boot (PXE)"));
    case VIREO_INSTALL_IMPORT:
      return g_strdup_printf (_("Boots the imported disk %s"), entry_text (self->import_path_row)
                                                              ? entry_text (self->import_path_row) : "—");
    case VIREO_INSTALL_MANUAL:
    default:
      return g_strdup (_("Defined only; no install is started"));
    }
}

static char *
dup_storage_summary (VireoNewVmDialog *self)
{
  if (vireo_vm_builder_get_method (self->builder) == VIREO_INSTALL_IMPORT)
    return g_strdup (entry_text (self->import_path_row));
  switch (vireo_vm_builder_get_storage (self->builder))
    {
    case VIREO_STORAGE_NEW:
      {
        g_autofree char *size = vireo_format_size_kib (vireo_vm_builder_get_disk_size (self->builder) / 1024);
        const char *pool = self->pool_names->len > 0
                           ? g_ptr_array_index (self->pool_names, MIN (adw_combo_row_get_selected (self->pool_row),
                                                                       self->pool_names->len - 1))
                           : "—";

        /* Translators: a size, a disk format ("qcow2") and a storage pool's name */
        return g_strdup_printf (_("New %s %s disk in pool “%s”"), size,
                                vireo_vm_builder_get_disk_format (self->builder), pool);
      }
    case VIREO_STORAGE_EXISTING:
      return g_strdup (entry_text (self->existing_path_row));
    case VIREO_STORAGE_NONE:
    default:
      return g_strdup (_("No disk"));
    }
}

static void
refresh_summary (VireoNewVmDialog *self)
{
  VireoOsInfo *os = vireo_vm_builder_get_os (self->builder);
  g_autofree char *install = dup_install_summary (self);
  g_autofree char *storage = dup_storage_summary (self);
  g_autofree char *memory = vireo_format_size_kib (vireo_vm_builder_get_memory_mib (self->builder) * 1024);
  g_autofree char *cpus = g_strdup_printf ("%u", vireo_vm_builder_get_vcpus (self->builder));
  g_autofree char *machine = vireo_vm_builder_dup_machine (self->builder);
  g_autofree char *display = NULL;
  g_auto(GStrv) argv = NULL;
  NetChoice *net = chosen_network (self);
  VireoFirmwareChoice fw = vireo_vm_builder_get_firmware (self->builder);
  g_autofree char *firmware = g_strdup_printf ("%s%s", _(firmware_labels[fw]),
                                               vireo_vm_builder_get_tpm (self->builder) ? _(", TPM 2.0") : "");

  set_summary (self, "install", install);
  set_summary (self, "os", os != NULL ? vireo_os_info_get_name (os) : _("Unknown / generic"));
  set_summary (self, "memory", memory);
  set_summary (self, "cpus", cpus);
  set_summary (self, "storage", storage);
  set_summary (self, "network", net != NULL ? net->label : NULL);
  set_summary (self, "firmware", firmware);
  set_summary (self, "machine", machine);

  argv = vireo_vm_builder_dup_virt_install_command (self->builder,
                                                    self->connection ? vireo_connection_get_uri (self->connection) : NULL,
                                                    &display);
  gtk_label_set_text (GTK_LABEL (self->command_label), display != NULL ? display : "");
}

static void
refresh_detect_row (VireoNewVmDialog *self)
{
  gtk_widget_set_visible (self->detect_row, self->detect_status != NULL);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->detect_row), self->detect_status ? self->detect_status : "");
  gtk_widget_set_visible (self->detect_spinner, self->detecting);
  gtk_spinner_set_spinning (GTK_SPINNER (self->detect_spinner), self->detecting);
}

static void
refresh_os_row (VireoNewVmDialog *self)
{
  VireoOsInfo *os = vireo_vm_builder_get_os (self->builder);
  g_autofree char *text = NULL;

  if (os == NULL)
    text = g_strdup (_("Unknown / generic: defaults that suit most systems"));
  else
    {
      guint64 mib = vireo_vm_builder_get_memory_mib (self->builder);
      g_autofree char *memory = vireo_format_size_kib (mib * 1024);
      g_autofree char *disk = vireo_format_size_kib (vireo_vm_builder_get_disk_size (self->builder) / 1024);

      /* Translators: a system's name, then its default memory, CPUs and disk */
      text = g_strdup_printf (_("%s: %s memory, %u CPUs, %s disk by default"), vireo_os_info_get_name (os),
                              memory, vireo_vm_builder_get_vcpus (self->builder), disk);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->os_row), text);
}

/* Puts the builder's values into the fields it owns: those the user has
 * not set, and lists. Typing is never replaced. */
static void
refresh_values (VireoNewVmDialog *self)
{
  g_autofree char *name = NULL;

  if (!vireo_vm_builder_is_user_set (self->builder, VIREO_VM_FIELD_MEMORY))
    set_spin (self, self->memory_spin, vireo_vm_builder_get_memory_mib (self->builder));
  if (!vireo_vm_builder_is_user_set (self->builder, VIREO_VM_FIELD_VCPUS))
    set_spin (self, self->vcpus_spin, vireo_vm_builder_get_vcpus (self->builder));
  if (!vireo_vm_builder_is_user_set (self->builder, VIREO_VM_FIELD_DISK_SIZE))
    set_spin (self, self->size_spin,
              /* One decimal, as the spin shows it. */
              round (vireo_vm_builder_get_disk_size (self->builder) / GIB_F * 10) / 10);
  if (!vireo_vm_builder_is_user_set (self->builder, VIREO_VM_FIELD_NAME))
    {
      name = vireo_vm_builder_dup_name (self->builder);
      set_entry_text (self, self->name_row, name);
    }
  if (adw_combo_row_get_selected (self->firmware_row) != vireo_vm_builder_get_firmware (self->builder))
    {
      self->syncing++;
      adw_combo_row_set_selected (self->firmware_row, vireo_vm_builder_get_firmware (self->builder));
      self->syncing--;
    }
  if (gtk_switch_get_active (self->tpm_switch) != vireo_vm_builder_get_tpm (self->builder))
    {
      self->syncing++;
      gtk_switch_set_active (self->tpm_switch, vireo_vm_builder_get_tpm (self->builder));
      self->syncing--;
    }
}

static void
refresh_visibility (VireoNewVmDialog *self)
{
  VireoInstallMethod method = vireo_vm_builder_get_method (self->builder);
  guint media_kind = adw_combo_row_get_selected (self->media_kind_row);
  VireoStorageKind storage = vireo_vm_builder_get_storage (self->builder);
  NetChoice *net = chosen_network (self);
  GtkWidget *browse[] = { self->media_path_row, self->import_path_row, self->existing_path_row };

  gtk_widget_set_visible (self->media_group, method == VIREO_INSTALL_MEDIA);
  gtk_widget_set_visible (self->media_path_row, media_kind == VIREO_MEDIA_FILE);
  gtk_widget_set_visible (GTK_WIDGET (self->media_volume_row), media_kind == VIREO_MEDIA_VOLUME);
  gtk_widget_set_visible (self->media_device_row, media_kind == VIREO_MEDIA_DEVICE);
  gtk_widget_set_visible (self->tree_group, method == VIREO_INSTALL_NETWORK);
  gtk_widget_set_visible (self->import_group, method == VIREO_INSTALL_IMPORT);
  gtk_widget_set_visible (self->pxe_group, method == VIREO_INSTALL_PXE);
  gtk_widget_set_visible (self->manual_group, method == VIREO_INSTALL_MANUAL);

  /* An imported disk is the storage. */
  for (guint i = 0; i < 3; i++)
    gtk_widget_set_sensitive (gtk_widget_get_ancestor (self->storage_checks[i], ADW_TYPE_ACTION_ROW),
                              method != VIREO_INSTALL_IMPORT);
  gtk_widget_set_visible (self->new_disk_group, method != VIREO_INSTALL_IMPORT && storage == VIREO_STORAGE_NEW);
  gtk_widget_set_visible (self->existing_group, method != VIREO_INSTALL_IMPORT && storage == VIREO_STORAGE_EXISTING);
  gtk_widget_set_visible (self->users_label, self->users_warning != NULL);
  gtk_label_set_text (GTK_LABEL (self->users_label), self->users_warning ? self->users_warning : "");

  gtk_widget_set_visible (self->net_start_row, net != NULL && net->kind == VIREO_NETWORK_VIRTUAL && !net->active);
  /* A manual install opens in its window anyway, with nothing to begin. */
  gtk_widget_set_visible (self->customize_row, method != VIREO_INSTALL_MANUAL);
  if (net != NULL && net->kind == VIREO_NETWORK_VIRTUAL && !net->active)
    {
      g_autofree char *title = g_strdup_printf (_("The network “%s” is not running"), net->source);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->net_start_row), title);
      gtk_widget_set_sensitive (self->net_start_row, !self->starting_network);
    }

  /* A file chooser only knows this computer's files. */
  for (guint i = 0; i < G_N_ELEMENTS (browse); i++)
    for (GtkWidget *w = gtk_widget_get_first_child (browse[i]); w != NULL; w = gtk_widget_get_next_sibling (w))
      {
        GtkWidget *button = NULL;

        /* AdwEntryRow keeps suffixes two boxes down. */
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
          for (GtkWidget *d = gtk_widget_get_first_child (c); d != NULL; d = gtk_widget_get_next_sibling (d))
            if (g_strcmp0 (gtk_widget_get_name (d), "browse") == 0)
              button = d;
        if (button != NULL)
          gtk_widget_set_visible (button, self->is_local);
      }
}

static void
refresh_arch (VireoNewVmDialog *self)
{
  VireoDomainCaps *caps = vireo_vm_builder_get_caps (self->builder);
  g_autofree char *machine = vireo_vm_builder_dup_machine (self->builder);
  g_autofree char *summary = NULL;

  if (self->caps_loading)
    summary = g_strdup (_("Asking the host…"));
  else if (caps == NULL)
    summary = g_strdup (self->caps_problem ? self->caps_problem : _("Not known yet"));
  else
    /* Translators: architecture · machine type · virtualization type, "x86_64 · q35 · kvm" */
    summary = g_strdup_printf (_("%s · %s · %s"), vireo_domain_caps_get_arch (caps),
                               machine ? machine : "—", vireo_domain_caps_get_domain_type (caps));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self->arch_row), summary);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->arch_info_row),
                               caps != NULL && self->caps_problem != NULL ? self->caps_problem
                               : caps != NULL ? vireo_domain_caps_get_path (caps) : "");
}

static void
refresh_resources (VireoNewVmDialog *self)
{
  g_autofree char *warning = vireo_vm_builder_dup_resource_warning (self->builder);
  g_autofree char *description = NULL;

  if (self->host != NULL && vireo_host_get_has_facts (self->host))
    {
      g_autofree char *memory = vireo_format_size_kib (vireo_host_get_memory_kib (self->host));

      /* Translators: a size, then a number of processors */
      description = g_strdup_printf (_("The host has %s of memory and %u CPUs."), memory,
                                     vireo_host_get_cpus (self->host));
    }
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->resources_group), description);
  gtk_label_set_text (GTK_LABEL (self->resources_warning), warning ? warning : "");
  gtk_widget_set_visible (self->resources_warning, warning != NULL);
}

/* Whether the ISO path typed is not known to be there yet, on a host
 * whose files are this computer's: missing, or its check still to come. */
static gboolean
media_file_unchecked (VireoNewVmDialog *self)
{
  const char *path = vireo_vm_builder_get_media_path (self->builder);

  if (!self->host_is_here || vireo_vm_builder_get_method (self->builder) != VIREO_INSTALL_MEDIA ||
      vireo_vm_builder_get_media_kind (self->builder) != VIREO_MEDIA_FILE || path == NULL || *path == '\0')
    return FALSE;
  if (self->media_missing != NULL)
    return TRUE;
  return vireo_os_db_get_loaded () != NULL &&
         (self->detect_source != 0 || self->detecting || g_strcmp0 (self->detect_for, path) != 0);
}

static void
refresh (VireoNewVmDialog *self)
{
  g_autoptr(GError) error = NULL;
  Page bad_page = N_PAGES;
  GtkWidget *bad_row = NULL;
  gboolean checking = FALSE;
  gboolean in_progress = self->job != NULL || self->starting_network;
  gboolean on_steps = self->page < N_PAGES;

  g_clear_handle_id (&self->refresh_source, g_source_remove);

  refresh_values (self);
  refresh_visibility (self);
  refresh_arch (self);
  refresh_resources (self);
  refresh_os_row (self);
  refresh_detect_row (self);
  refresh_summary (self);

  gboolean valid = vireo_vm_builder_validate (self->builder, &error);

  if (!valid || media_file_unchecked (self))
    {
      if (media_file_unchecked (self) && (error == NULL || page_of_error (error) > PAGE_METHOD))
        {
          g_clear_error (&error);
          if (self->media_missing != NULL)
            error = g_error_new (VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_MEDIA, "%s %s",
                                 _("Install media:"), self->media_missing);
          else
            {
              checking = TRUE;
              error = g_error_new_literal (VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_MEDIA,
                                           _("Install media: checking the file…"));
            }
        }
      bad_page = page_of_error (error);
      bad_row = row_of_error (self, error);
    }
  gboolean gentle;
  GtkWidget *rows[] = {
    self->location_row, self->import_path_row, GTK_WIDGET (self->media_volume_row),
    self->media_device_row, self->media_path_row, self->arch_row, self->memory_row,
    self->vcpus_row, self->existing_path_row, self->size_row, self->name_row,
    GTK_WIDGET (self->net_row), GTK_WIDGET (self->firmware_row),
  };

  /* A field not filled in yet is a question, not a mistake: said
   * plainly, in no alarming colour, until there is text to be wrong. */
  gentle = checking || (bad_row != NULL && GTK_IS_EDITABLE (bad_row) &&
                        *gtk_editable_get_text (GTK_EDITABLE (bad_row)) == '\0');
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkWidget *row = rows[i];

      if (row == bad_row && !gentle)
        gtk_widget_add_css_class (row, "error");
      else
        gtk_widget_remove_css_class (row, "error");
      gtk_widget_set_tooltip_text (row, row == bad_row ? error->message : NULL);
    }
  for (guint i = 0; i < N_PAGES; i++)
    {
      if (gentle)
        {
          gtk_widget_remove_css_class (self->problem_labels[i], "error");
          gtk_widget_add_css_class (self->problem_labels[i], "dim-label");
        }
      else
        {
          gtk_widget_remove_css_class (self->problem_labels[i], "dim-label");
          gtk_widget_add_css_class (self->problem_labels[i], "error");
        }
      gtk_label_set_text (GTK_LABEL (self->problem_labels[i]), i == bad_page ? error->message : "");
      gtk_widget_set_visible (self->problem_labels[i], i == bad_page);
    }

  if (on_steps)
    {
      g_autofree char *subtitle = g_strdup_printf (_("Step %u of %u: %s"), self->page + 1, N_PAGES,
                                                   _(page_titles[self->page]));

      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
  gtk_button_set_label (GTK_BUTTON (self->forward_button),
                        self->page != PAGE_FINISH ? _("_Forward")
                        : customizing (self) ? _("_Customize…") : _("_Create"));
  gtk_widget_set_visible (self->back_button, on_steps);
  gtk_widget_set_visible (self->forward_button, on_steps);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", on_steps && self->page > 0 && !in_progress);
  /* Forward stays until the step's own answers are right; Create until
   * all are, and the host has answered. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.forward",
                                 on_steps && !in_progress && bad_page > self->page &&
                                 (self->page != PAGE_FINISH ||
                                  (bad_page == N_PAGES && !self->caps_loading && self->connection != NULL)));
}

static gboolean
refresh_idle (gpointer data)
{
  VireoNewVmDialog *self = data;

  self->refresh_source = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

/* Many answers change at once (a new OS moves every default): one
 * refresh for all of them. */
static void
queue_refresh (VireoNewVmDialog *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, refresh_idle, self, NULL);
}

/* ------------------------------------------------------------------------ */
/* Navigation                                                                 */

static void show_failure (VireoNewVmDialog *self,
                          const char       *message);

/* A failure's banner goes with the step it was shown on: the user has
 * moved on to fix it. */
static void
show_page (VireoNewVmDialog *self,
           Page              page)
{
  show_failure (self, NULL);
  self->page = page;
  gtk_stack_set_visible_child_name (self->stack, page_names[page]);
  refresh (self);
  /* Keys go to the step's question, not to the Forward button just
   * clicked, where a space or Enter would skip the step unseen. */
  if (page == PAGE_OS)
    gtk_widget_grab_focus (self->picker);
  else if (page == PAGE_FINISH)
    gtk_widget_grab_focus (self->name_row);
  else if (page == PAGE_RESOURCES)
    gtk_widget_grab_focus (GTK_WIDGET (self->memory_spin));
  else if (page == PAGE_STORAGE)
    gtk_widget_grab_focus (self->storage_checks[checked_index (self->storage_checks, 3)]);
  else
    gtk_widget_grab_focus (self->method_checks[checked_index (self->method_checks, G_N_ELEMENTS (methods))]);
}

static void
show_failure (VireoNewVmDialog *self,
              const char       *message)
{
  gtk_label_set_text (self->failure_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->failure_revealer, message != NULL);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  VireoNewVmDialog *self = VIREO_NEW_VM_DIALOG (widget);

  if (self->page > 0 && self->page < N_PAGES)
    show_page (self, self->page - 1);
}

static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  VireoNewVmDialog *self = VIREO_NEW_VM_DIALOG (widget);

  if (self->page < PAGE_FINISH)
    show_page (self, self->page + 1);
  else if (self->page == PAGE_FINISH)
    start_job (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  VireoNewVmDialog *self = VIREO_NEW_VM_DIALOG (widget);

  /* While creating, Cancel stops the job, which undoes its work and
   * brings the user back to the answers; the window stays. */
  if (self->job != NULL)
    {
      g_cancellable_cancel (self->job_cancellable);
      gtk_widget_set_sensitive (self->cancel_button, FALSE);
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
dismiss_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  show_failure (VIREO_NEW_VM_DIALOG (widget), NULL);
}

static void
copy_command (VireoNewVmDialog *self)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          gtk_label_get_text (GTK_LABEL (self->command_label)));
}

/* ------------------------------------------------------------------------ */
/* Starting an inactive network                                              */

static void
network_started (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VireoNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->starting_network = FALSE;
  if (!vireo_connection_start_network_finish (VIREO_CONNECTION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (self, error->message);
      self->create_after_network = FALSE;
      queue_refresh (self);
      return;
    }
  show_failure (self, NULL);
  /* Running now: said at once, and confirmed by the host's list. */
  {
    NetChoice *net = chosen_network (self);

    if (net != NULL && net->kind == VIREO_NETWORK_VIRTUAL)
      net->active = TRUE;
  }
  vireo_connection_list_networks_async (self->connection, self->lookups, networks_done, g_object_ref (self));
  queue_refresh (self);
  if (self->create_after_network)
    {
      self->create_after_network = FALSE;
      start_job (self);
    }
}

static void
start_network_clicked (VireoNewVmDialog *self)
{
  NetChoice *net = chosen_network (self);

  if (net == NULL || net->kind != VIREO_NETWORK_VIRTUAL || self->connection == NULL)
    return;
  self->starting_network = TRUE;
  vireo_connection_start_network_async (self->connection, net->source, self->lookups,
                                        network_started, g_object_ref (self));
  queue_refresh (self);
}

/* ------------------------------------------------------------------------ */
/* Creating                                                                   */

static void
job_progress (VireoNewVmDialog *self)
{
  VireoCreateStep step = vireo_create_job_get_step (self->job);
  const char *detail = vireo_create_job_get_detail (self->job);

  adw_status_page_set_title (self->progress_page, vireo_create_step_get_label (step));
  gtk_progress_bar_set_fraction (self->progress_bar, vireo_create_job_get_fraction (self->job));
  gtk_label_set_text (self->progress_detail, detail ? detail : "");
}

/* The new machine as the list will have it: the job's answer can come
 * before libvirt's event that lists it. Outlives the dialog, which is
 * gone by then; ends with the list or once the machine is in it. */
typedef struct
{
  char       *uuid;
  gboolean    installing;
  VireoCreateJob  *customize;   /* (nullable): waiting for Begin Installation */
  VireoVmBuilder  *builder;
  GtkWindow       *parent;      /* Weak */
  VireoConnection *connection;  /* Weak: it owns the list watched */
  gulong           handler;
} NewMachine;

static void
new_machine_free (gpointer data,
                  GClosure *closure)
{
  NewMachine *m = data;

  if (m->parent != NULL)
    g_object_remove_weak_pointer (G_OBJECT (m->parent), (gpointer *) &m->parent);
  g_clear_weak_pointer (&m->connection);
  g_clear_object (&m->customize);
  g_clear_object (&m->builder);
  g_free (m->uuid);
  g_free (m);
}

static gboolean
new_machine_open (NewMachine      *m,
                  VireoConnection *connection)
{
  VireoDomain *domain = vireo_connection_find_domain (connection, m->uuid);

  VireoVmWindow *window;

  if (domain == NULL)
    return FALSE;
  if (m->installing)
    vireo_domain_watch_install (domain);
  window = vireo_vm_window_present_for (m->parent, domain);
  if (m->customize != NULL)
    vireo_vm_window_customize_install (window, m->customize, m->builder);
  else if (m->installing)
    vireo_vm_window_show_console (window);
  return TRUE;
}

static void
on_new_machine_listed (GListModel *list,
                       guint       position,
                       guint       removed,
                       guint       added,
                       NewMachine *m)
{
  if (added > 0 && m->connection != NULL && new_machine_open (m, m->connection))
    g_signal_handler_disconnect (list, m->handler);
}

static void
present_new_machine (VireoNewVmDialog *self,
                     const char       *uuid,
                     gboolean          installing,
                     VireoCreateJob   *customize)
{
  NewMachine *m = g_new0 (NewMachine, 1);
  GListModel *list = vireo_connection_list_domains (self->connection);

  m->uuid = g_strdup (uuid);
  m->installing = installing;
  if (customize != NULL)
    {
      m->customize = g_object_ref (customize);
      m->builder = g_object_ref (self->builder);
    }
  m->parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (m->parent != NULL)
    g_object_add_weak_pointer (G_OBJECT (m->parent), (gpointer *) &m->parent);
  if (new_machine_open (m, self->connection))
    {
      new_machine_free (m, NULL);
      return;
    }
  g_set_weak_pointer (&m->connection, self->connection);
  m->handler = g_signal_connect_data (list, "items-changed", G_CALLBACK (on_new_machine_listed), m,
                                      new_machine_free, 0);
}

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VireoNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  VireoCreateJob *job = VIREO_CREATE_JOB (source);
  g_autofree char *uuid = vireo_create_job_run_finish (job, result, &error);
  gboolean installing = vireo_create_job_get_plan (job)->install_xml != NULL;
  gboolean customize = vireo_create_job_get_step (job) == VIREO_CREATE_STEP_CUSTOMIZING;

  g_clear_object (&self->job);
  g_clear_object (&self->job_cancellable);
  gtk_widget_set_sensitive (self->cancel_button, TRUE);

  if (uuid == NULL)
    {
      /* Back where the user was, answers intact; what the job made is
       * gone already. */
      show_page (self, PAGE_FINISH);
      show_failure (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                          ? _("Creating the machine was cancelled; nothing was left behind.")
                          : error->message);
      /* The names taken and the pools' free space may have changed. */
      if (self->connection != NULL)
        vireo_connection_list_pools_async (self->connection, self->lookups, pools_done, g_object_ref (self));
      return;
    }
  present_new_machine (self, uuid, installing, customize ? job : NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_job (VireoNewVmDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoCreatePlan) plan = NULL;
  NetChoice *net = chosen_network (self);

  if (self->job != NULL || self->connection == NULL)
    return;
  /* Offered on the page already; taken as a yes when the user goes on. */
  if (net != NULL && net->kind == VIREO_NETWORK_VIRTUAL && !net->active)
    {
      self->create_after_network = TRUE;
      start_network_clicked (self);
      return;
    }
  if (customizing (self))
    plan = vireo_vm_builder_dup_customize_plan (self->builder, &error);
  else
    plan = vireo_vm_builder_dup_plan (self->builder, NULL, &error);
  if (plan == NULL)
    {
      show_page (self, page_of_error (error));
      show_failure (self, error->message);
      return;
    }
  show_failure (self, NULL);
  self->job = vireo_create_job_new (self->connection, plan);
  self->job_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->job, "notify::step", G_CALLBACK (job_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::fraction", G_CALLBACK (job_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::detail", G_CALLBACK (job_progress), self, G_CONNECT_SWAPPED);
  self->page = N_PAGES;
  gtk_stack_set_visible_child_name (self->stack, "progress");
  adw_window_title_set_subtitle (self->window_title, NULL);
  job_progress (self);
  vireo_create_job_run_async (self->job, self->job_cancellable, job_done, g_object_ref (self));
  refresh (self);
}

/* ------------------------------------------------------------------------ */
/* Pages                                                                      */

static void
build_method_page (VireoNewVmDialog *self)
{
  GtkWidget *box, *group, *label;

  new_page (self, PAGE_METHOD, &box);

  self->conn_group = add_group (box, NULL, NULL);
  self->conn_row = add_combo (self, self->conn_group, "connection", _("Connection"), NULL, FALSE,
                              G_CALLBACK (connection_row_changed));

  group = add_group (box, _("How will the system be installed?"), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    self->method_checks[i] = add_choice (self, group, i > 0 ? self->method_checks[0] : NULL, method_ids[i],
                                         _(method_titles[i]), _(method_subtitles[i]),
                                         G_CALLBACK (method_toggled));

  self->media_group = add_group (box, _("Install Media"), NULL);
  self->media_kind_row = add_combo (self, self->media_group, "media-kind", _("Source"), media_kind_labels, TRUE,
                                    G_CALLBACK (media_changed));
  self->media_path_row = add_entry (self, self->media_group, "media-path", _("ISO file on the host"),
                                    G_CALLBACK (media_changed));
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->media_path_row), vireo_browse_button_new (self->media_path_row, FALSE));
  self->media_volume_row = add_combo (self, self->media_group, "media-volume", _("Volume"), NULL, FALSE,
                                      G_CALLBACK (media_changed));
  self->media_device_row = add_entry (self, self->media_group, "media-device", _("Drive"),
                                      G_CALLBACK (media_changed));
  set_entry_text (self, self->media_device_row, "/dev/sr0");

  self->tree_group = add_group (box, _("Install Tree"),
                                _("The machine boots the tree’s kernel; the installer fetches the rest from the URL."));
  self->location_row = add_entry (self, self->tree_group, "location", _("URL"), G_CALLBACK (location_changed));
  self->kernel_args_row = add_entry (self, self->tree_group, "kernel-args", _("Kernel arguments (optional)"),
                                     G_CALLBACK (location_changed));

  self->pxe_group = add_group (box, _("Network Boot"), NULL);
  label = gtk_label_new (_("The machine boots from its network card. A PXE server must answer on the network "
                           "chosen in the last step (libvirt’s own networks do not have one unless configured)."));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->pxe_group), label);

  self->import_group = add_group (box, _("Disk Image"), _("The machine boots this disk as it is; nothing is copied."));
  self->import_path_row = add_entry (self, self->import_group, "import-path", _("Disk image on the host"),
                                     G_CALLBACK (import_changed));
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->import_path_row),
                            vireo_browse_button_new (self->import_path_row, FALSE));
  self->import_format_row = add_combo (self, self->import_group, "import-format", _("Format"), image_formats, FALSE,
                                       G_CALLBACK (import_changed));

  self->manual_group = add_group (box, _("Manual Install"), NULL);
  label = gtk_label_new (_("The machine is defined with a disk and no media, and opens in its details window: "
                           "add install media there, then start it."));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->manual_group), label);

  group = add_group (box, NULL, NULL);
  self->arch_row = adw_expander_row_new ();
  gtk_widget_set_name (self->arch_row, "arch");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->arch_row), _("Architecture options"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->arch_row);
  self->arch_combo = ADW_COMBO_ROW (adw_combo_row_new ());
  self->virt_combo = ADW_COMBO_ROW (adw_combo_row_new ());
  self->machine_combo = ADW_COMBO_ROW (adw_combo_row_new ());
  {
    AdwComboRow *combos[] = { self->arch_combo, self->virt_combo, self->machine_combo };
    const char *names[] = { "arch-arch", "arch-virt-type", "arch-machine" };
    const char *titles[] = { _("Architecture"), _("Virtualization"), _("Machine type") };

    for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
      {
        gtk_widget_set_name (GTK_WIDGET (combos[i]), names[i]);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combos[i]), titles[i]);
        g_signal_connect_object (combos[i], "notify::selected", G_CALLBACK (arch_options_changed), self,
                                 G_CONNECT_SWAPPED);
        adw_expander_row_add_row (ADW_EXPANDER_ROW (self->arch_row), GTK_WIDGET (combos[i]));
      }
  }
  self->arch_info_row = adw_action_row_new ();
  gtk_widget_set_name (self->arch_info_row, "arch-emulator");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->arch_info_row), _("Emulator"));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self->arch_row), self->arch_info_row);

  gtk_box_append (GTK_BOX (box), self->problem_labels[PAGE_METHOD]);
}

static void
build_os_page (VireoNewVmDialog *self)
{
  GtkWidget *box, *group;

  new_page (self, PAGE_OS, &box);
  group = add_group (box, _("Operating System"),
                     _("The system decides the defaults: memory, CPUs, disk size, devices and firmware."));
  self->detect_row = add_info (group, "os-detected", _("Detected from the install media"));
  self->detect_spinner = gtk_spinner_new ();
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->detect_row), self->detect_spinner);
  self->os_row = add_info (group, "os-chosen", _("Chosen"));

  self->picker = vireo_os_picker_new ();
  gtk_widget_set_name (self->picker, "os-picker");
  gtk_widget_set_size_request (self->picker, -1, 380);
  g_signal_connect_object (self->picker, "os-selected", G_CALLBACK (on_os_selected), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), self->picker);
  gtk_box_append (GTK_BOX (box), self->problem_labels[PAGE_OS]);
}

static void
build_resources_page (VireoNewVmDialog *self)
{
  GtkWidget *box, *button;

  new_page (self, PAGE_RESOURCES, &box);
  self->resources_group = add_group (box, _("Memory and CPUs"), NULL);
  button = gtk_button_new_with_mnemonic (_("_Recommended"));
  gtk_widget_set_name (button, "recommended");
  gtk_widget_set_tooltip_text (button, _("Use what the operating system recommends"));
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect_object (button, "clicked", G_CALLBACK (recommended_clicked), self, G_CONNECT_SWAPPED);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self->resources_group), button);
  self->memory_spin = add_spin (self, self->resources_group, "memory", _("Memory"), _("MiB"), 0, 16 * 1024 * 1024,
                                256, 0, &self->memory_row, G_CALLBACK (memory_changed));
  self->vcpus_spin = add_spin (self, self->resources_group, "vcpus", _("Virtual CPUs"), NULL, 0, 4096, 1, 0,
                               &self->vcpus_row, G_CALLBACK (vcpus_changed));

  self->resources_warning = gtk_label_new (NULL);
  gtk_widget_set_name (self->resources_warning, "resources-warning");
  gtk_label_set_wrap (GTK_LABEL (self->resources_warning), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->resources_warning), 0);
  gtk_widget_add_css_class (self->resources_warning, "warning");
  gtk_box_append (GTK_BOX (box), self->resources_warning);
  gtk_box_append (GTK_BOX (box), self->problem_labels[PAGE_RESOURCES]);
}

static void
build_storage_page (VireoNewVmDialog *self)
{
  GtkWidget *box, *group;
  static const char * const ids[] = { "storage-new", "storage-existing", "storage-none" };
  const char *titles[] = { _("Create a new disk"), _("Use an existing disk image or volume"), _("No disk") };

  new_page (self, PAGE_STORAGE, &box);
  group = add_group (box, _("Storage"), NULL);
  for (guint i = 0; i < 3; i++)
    self->storage_checks[i] = add_choice (self, group, i > 0 ? self->storage_checks[0] : NULL, ids[i], titles[i],
                                          NULL, G_CALLBACK (storage_changed));

  self->new_disk_group = add_group (box, _("New Disk"), NULL);
  self->size_spin = add_spin (self, self->new_disk_group, "disk-size", _("Size"), _("GiB"), 0, 64 * 1024, 1, 1,
                              &self->size_row, G_CALLBACK (size_changed));
  self->pool_row = add_combo (self, self->new_disk_group, "pool", _("Storage pool"), NULL, FALSE,
                              G_CALLBACK (pool_changed));
  self->disk_format_row = add_combo (self, self->new_disk_group, "disk-format", _("Format"), new_disk_formats, FALSE,
                                     G_CALLBACK (storage_changed));
  self->allocate_switch = add_switch (self, self->new_disk_group, "allocate-now", _("Allocate all space now"),
                                      _("Slower to create and takes the space at once; the disk never runs out "
                                        "of room later"),
                                      NULL, G_CALLBACK (storage_changed));

  self->existing_group = add_group (box, _("Existing Disk"), NULL);
  self->existing_path_row = add_entry (self, self->existing_group, "existing-path", _("Disk image or device on the host"),
                                       G_CALLBACK (storage_changed));
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->existing_path_row),
                            vireo_browse_button_new (self->existing_path_row, FALSE));
  self->existing_format_row = add_combo (self, self->existing_group, "existing-format", _("Format"), image_formats,
                                         FALSE, G_CALLBACK (storage_changed));

  self->users_label = gtk_label_new (NULL);
  gtk_widget_set_name (self->users_label, "disk-users");
  gtk_label_set_wrap (GTK_LABEL (self->users_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->users_label), 0);
  gtk_widget_add_css_class (self->users_label, "warning");
  gtk_box_append (GTK_BOX (box), self->users_label);
  gtk_box_append (GTK_BOX (box), self->problem_labels[PAGE_STORAGE]);
}

static void
build_finish_page (VireoNewVmDialog *self)
{
  GtkWidget *box, *group, *button, *frame;
  static const struct { const char *id; const char *title; } summary[] = {
    { "install", N_("Install") },
    { "os", N_("Operating system") },
    { "memory", N_("Memory") },
    { "cpus", N_("CPUs") },
    { "storage", N_("Storage") },
    { "network", N_("Network") },
    { "firmware", N_("Firmware") },
    { "machine", N_("Machine type") },
  };

  new_page (self, PAGE_FINISH, &box);
  group = add_group (box, NULL, NULL);
  self->name_row = add_entry (self, group, "name", _("Name"), G_CALLBACK (name_changed));
  self->net_row = add_combo (self, group, "network", _("Network"), NULL, FALSE, G_CALLBACK (network_changed));
  self->net_start_row = adw_action_row_new ();
  gtk_widget_set_name (self->net_start_row, "network-start");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->net_start_row),
                               _("Start it now, or Create starts it first; a machine cannot start on a stopped network."));
  adw_action_row_set_icon_name (ADW_ACTION_ROW (self->net_start_row), "dialog-warning-symbolic");
  button = gtk_button_new_with_mnemonic (_("_Start Network"));
  gtk_widget_set_name (button, "network-start-button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", G_CALLBACK (start_network_clicked), self, G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->net_start_row), button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->net_start_row);
  self->firmware_row = add_combo (self, group, "firmware", _("Firmware"), firmware_labels, TRUE,
                                  G_CALLBACK (firmware_changed));
  self->tpm_switch = add_switch (self, group, "tpm", _("TPM 2.0"), _("An emulated security chip (Windows 11 needs one)"),
                                 &self->tpm_row, G_CALLBACK (tpm_changed));
  self->customize_switch = add_switch (self, group, "customize", _("Customize configuration before install"),
                                       _("Define the machine and open its details; it starts when you choose "
                                         "Begin Installation"),
                                       &self->customize_row, G_CALLBACK (customize_changed));

  self->summary_group = add_group (box, _("Summary"), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (summary); i++)
    {
      g_autofree char *name = g_strdup_printf ("summary-%s", summary[i].id);

      g_hash_table_insert (self->summary_rows, (gpointer) summary[i].id,
                           add_info (self->summary_group, name, _(summary[i].title)));
    }

  group = add_group (box, _("Equivalent Command"), _("The same machine made with virt-install"));
  button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_name (button, "copy-command");
  gtk_widget_set_tooltip_text (button, _("Copy"));
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect_object (button, "clicked", G_CALLBACK (copy_command), self, G_CONNECT_SWAPPED);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), button);
  self->command_label = gtk_label_new (NULL);
  gtk_widget_set_name (self->command_label, "command");
  gtk_label_set_selectable (GTK_LABEL (self->command_label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (self->command_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->command_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (self->command_label), 0);
  gtk_widget_add_css_class (self->command_label, "monospace");
  gtk_widget_set_margin_start (self->command_label, 12);
  gtk_widget_set_margin_end (self->command_label, 12);
  gtk_widget_set_margin_top (self->command_label, 12);
  gtk_widget_set_margin_bottom (self->command_label, 12);
  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), self->command_label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), frame);

  gtk_box_append (GTK_BOX (box), self->problem_labels[PAGE_FINISH]);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                    */

static void
vireo_new_vm_dialog_dispose (GObject *object)
{
  VireoNewVmDialog *self = VIREO_NEW_VM_DIALOG (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_handle_id (&self->detect_source, g_source_remove);
  g_cancellable_cancel (self->detect);
  g_cancellable_cancel (self->lookups);
  g_cancellable_cancel (self->users_lookup);
  /* A job keeps running to its end (or undoes itself): it holds the
   * dialog, so dispose comes after it. */
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (vireo_connection_list_domains (self->connection), self);
  g_clear_signal_handler (&self->host_facts_id, self->host);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_NEW_VM_DIALOG);

  G_OBJECT_CLASS (vireo_new_vm_dialog_parent_class)->dispose (object);
}

static void
vireo_new_vm_dialog_finalize (GObject *object)
{
  VireoNewVmDialog *self = VIREO_NEW_VM_DIALOG (object);

  g_clear_object (&self->lookups);
  g_clear_object (&self->users_lookup);
  g_clear_object (&self->detect);
  g_free (self->detect_for);
  g_free (self->detect_status);
  g_free (self->media_missing);
  g_clear_object (&self->host);
  g_clear_object (&self->builder);
  g_clear_object (&self->connection);
  g_clear_object (&self->manager);
  g_clear_object (&self->job);
  g_clear_object (&self->job_cancellable);
  g_clear_pointer (&self->networks, g_ptr_array_unref);
  g_clear_pointer (&self->interfaces, g_ptr_array_unref);
  g_clear_pointer (&self->iso_volumes, g_ptr_array_unref);
  g_clear_pointer (&self->pools, g_ptr_array_unref);
  g_clear_pointer (&self->net_choices, g_ptr_array_unref);
  g_clear_pointer (&self->connections, g_ptr_array_unref);
  g_clear_pointer (&self->pool_names, g_ptr_array_unref);
  g_clear_pointer (&self->summary_rows, g_hash_table_unref);
  g_clear_object (&self->guest_caps);
  g_strfreev (self->arches);
  g_strfreev (self->virt_types);
  g_strfreev (self->machines);
  g_free (self->caps_key);
  g_free (self->caps_problem);
  g_free (self->users_path);
  g_free (self->users_warning);

  G_OBJECT_CLASS (vireo_new_vm_dialog_parent_class)->finalize (object);
}

static void
vireo_new_vm_dialog_class_init (VireoNewVmDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_new_vm_dialog_dispose;
  object_class->finalize = vireo_new_vm_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-new-vm-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoNewVmDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, VireoNewVmDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNewVmDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNewVmDialog, forward_button);
  gtk_widget_class_bind_template_child (widget_class, VireoNewVmDialog, failure_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoNewVmDialog, failure_label);
  gtk_widget_class_bind_template_child (widget_class, VireoNewVmDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, VireoNewVmDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, VireoNewVmDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, VireoNewVmDialog, progress_detail);

  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "wizard.forward", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "wizard.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "wizard.dismiss", NULL, dismiss_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "wizard.cancel", NULL);
}

static void
vireo_new_vm_dialog_init (VireoNewVmDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->builder = vireo_vm_builder_new ();
  self->net_choices = g_ptr_array_new_with_free_func ((GDestroyNotify) net_choice_free);
  self->connections = g_ptr_array_new_with_free_func (g_object_unref);
  self->pool_names = g_ptr_array_new_with_free_func (g_free);
  self->iso_volumes = g_ptr_array_new ();
  self->summary_rows = g_hash_table_new (g_str_hash, g_str_equal);

  build_method_page (self);
  build_os_page (self);
  build_resources_page (self);
  build_storage_page (self);
  build_finish_page (self);

  g_signal_connect_object (self->builder, "changed", G_CALLBACK (queue_refresh), self, G_CONNECT_SWAPPED);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->method_checks[0]), TRUE);
  vireo_os_db_load_async (NULL, os_db_ready, g_object_ref (self));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->storage_checks[0]), TRUE);
  show_page (self, PAGE_METHOD);
}

/**
 * vireo_new_vm_dialog_new:
 * @parent: the main window
 * @manager: the connections to offer
 * @connection: (nullable): the one chosen first
 */
VireoNewVmDialog *
vireo_new_vm_dialog_new (GtkWindow              *parent,
                         VireoConnectionManager *manager,
                         VireoConnection        *connection)
{
  VireoNewVmDialog *self;

  g_return_val_if_fail (VIREO_IS_CONNECTION_MANAGER (manager), NULL);
  g_return_val_if_fail (connection == NULL || VIREO_IS_CONNECTION (connection), NULL);

  self = g_object_new (VIREO_TYPE_NEW_VM_DIALOG, "transient-for", parent, NULL);
  self->manager = g_object_ref (manager);
  self->connection = NULL;
  if (connection == NULL && g_list_model_get_n_items (vireo_connection_manager_list_connections (manager)) > 0)
    {
      g_autoptr(VireoConnection) first = g_list_model_get_item (vireo_connection_manager_list_connections (manager), 0);

      set_connection (self, first);
    }
  else
    set_connection (self, connection);
  fill_connections (self);
  refresh (self);
  return self;
}

/** vireo_new_vm_dialog_get_builder: Returns: (transfer none): the answers */
VireoVmBuilder *
vireo_new_vm_dialog_get_builder (VireoNewVmDialog *self)
{
  g_return_val_if_fail (VIREO_IS_NEW_VM_DIALOG (self), NULL);
  return self->builder;
}

/** vireo_new_vm_dialog_get_connection: Returns: (transfer none) (nullable): */
VireoConnection *
vireo_new_vm_dialog_get_connection (VireoNewVmDialog *self)
{
  g_return_val_if_fail (VIREO_IS_NEW_VM_DIALOG (self), NULL);
  return self->connection;
}

/**
 * vireo_new_vm_dialog_get_page:
 *
 * Returns: the step shown: "method", "os", "resources", "storage",
 *   "finish", or "progress" while creating
 */
const char *
vireo_new_vm_dialog_get_page (VireoNewVmDialog *self)
{
  g_return_val_if_fail (VIREO_IS_NEW_VM_DIALOG (self), NULL);
  return self->page < N_PAGES ? page_names[self->page] : "progress";
}

/**
 * vireo_new_vm_dialog_get_ready:
 *
 * Whether everything the host was asked has come back (capabilities,
 * networks, pools, the media's system) and no creation is under way.
 */
gboolean
vireo_new_vm_dialog_get_ready (VireoNewVmDialog *self)
{
  g_return_val_if_fail (VIREO_IS_NEW_VM_DIALOG (self), FALSE);
  return self->connection != NULL && !self->caps_loading && self->networks != NULL &&
         self->interfaces != NULL && self->pools != NULL && self->refresh_source == 0 &&
         self->detect_source == 0 && !self->detecting && self->job == NULL && !self->starting_network &&
         self->users_lookup == NULL;
}
