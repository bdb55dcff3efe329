/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-clone-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-clone-dialog.h"
#include "vireo-clone-job.h"
#include "vireo-connection.h"
#include "vireo-domain-config.h"
#include "vireo-format.h"
#include "vireo-job-dialog.h"
#include "vireo-lookup.h"

/*
 * Clone: the plan (app/model/vireo-clone.h) as a form. The machine's
 * inactive definition and the host's pools are read first (a spinner
 * meanwhile); a running machine gets only a refusal. The form has the new
 * name (suggested, checked as typed: the typing is the user's, never
 * replaced), one group per disk with Copy / Share / Overlay (a mode the
 * disk does not allow is insensitive, with the model's why-not as tooltip
 * and in the row), the pool and volume name of a new volume, the
 * warnings, what the clone gets (UUID, MACs, NVRAM, TPM) and the
 * virt-clone line. Every change goes through the plan's setters, then
 * the whole form is brought in step with the plan. Clone runs a
 * VireoCloneJob with the form insensitive and a progress bar; a failure
 * leaves the form as it was with libvirt's words above it, a success
 * shows what became of the NVRAM and TPM, with Open.
 */

typedef struct
{
  VireoCloneDialog *self;                          /* borrowed */
  guint             index;
  GtkWidget        *group;
  GtkWidget        *mode_row;
  GtkWidget        *modes[VIREO_CLONE_N_MODES];     /* toggle buttons */
  GtkWidget        *pool_row;
  GStrv             pools;                         /* the names pool_row offers */
  GtkWidget        *volume_row;
  GtkWidget        *error_label;
} DiskRow;

struct _VireoCloneDialog
{
  AdwWindow          parent_instance;

  /* Owned */
  VireoDomain       *domain;
  VireoConnection   *connection;
  GCancellable      *cancellable;      /* the reads */
  GCancellable      *job_cancellable;  /* (nullable): the running job's */
  VireoCloneJob     *job;              /* (nullable): running */
  VireoDomainConfig *config;
  GPtrArray         *pools;            /* (element-type VireoClonePool) */
  GStrv              taken;
  VireoClonePlan    *plan;
  GPtrArray         *disk_rows;        /* (element-type DiskRow) */
  GStrv              warnings_shown;
  char              *clone_uuid;
  char              *read_error;
  guint              reads_pending;
  gboolean           syncing;          /* setting widgets from the plan, not the user */
  DiskRow           *editing;          /* (nullable): the disk whose volume name is being typed */
  gboolean           close_when_done;

  /* Widgets */
  GtkWidget         *close_button;
  GtkWidget         *clone_button;
  GtkWidget         *open_button;
  GtkWidget         *banner_revealer;
  GtkWidget         *banner_label;
  GtkWidget         *stack;
  GtkWidget         *message_page;
  GtkWidget         *form;
  GtkWidget         *page;
  GtkWidget         *warnings_group;
  GPtrArray         *warning_rows;     /* (element-type GtkWidget) borrowed */
  GtkWidget         *name_row;
  GtkWidget         *name_error;
  GtkWidget         *uuid_row;
  GtkWidget         *mac_row;
  GtkWidget         *nvram_row;
  GtkWidget         *tpm_row;
  GtkWidget         *identity_group;
  GtkWidget         *command_group;
  GtkWidget         *command_label;
  GtkWidget         *progress_revealer;
  GtkWidget         *step_label;
  GtkWidget         *progress_bar;
  GtkWidget         *bytes_label;
  GtkWidget         *summary;
};

G_DEFINE_FINAL_TYPE (VireoCloneDialog, vireo_clone_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CLONED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const mode_ids[VIREO_CLONE_N_MODES] = { "copy", "share", "overlay" };

static const char *
mode_label (VireoCloneMode mode)
{
  switch (mode)
    {
    case VIREO_CLONE_MODE_COPY:
      return C_("clone mode", "Copy");
    case VIREO_CLONE_MODE_SHARE:
      return C_("clone mode", "Share");
    case VIREO_CLONE_MODE_OVERLAY:
      return C_("clone mode", "Overlay");
    case VIREO_CLONE_N_MODES:
    default:
      g_assert_not_reached ();
    }
}

static const char *
mode_description (const VireoCloneDisk *disk)
{
  switch (disk->mode)
    {
    case VIREO_CLONE_MODE_COPY:
      return _("A new volume with the same contents, thin where the format allows.");
    case VIREO_CLONE_MODE_SHARE:
      if (disk->empty)
        return _("The clone gets the same empty drive.");
      return disk->removable || disk->readonly ? _("The clone uses the same media, read-only.")
                                               : _("The clone uses the same image as the original.");
    case VIREO_CLONE_MODE_OVERLAY:
      return _("A new qcow2 volume on top of the original’s image: quick and small, but that image must "
               "never change again.");
    case VIREO_CLONE_N_MODES:
    default:
      g_assert_not_reached ();
    }
}

static const char *
device_label (const VireoCloneDisk *disk)
{
  if (g_strcmp0 (disk->device, "cdrom") == 0)
    return _("CD-ROM");
  if (g_strcmp0 (disk->device, "floppy") == 0)
    return _("Floppy");
  if (g_strcmp0 (disk->device, "lun") == 0)
    return _("Host device");
  return _("Disk");
}

static void
disk_row_free (DiskRow *row)
{
  g_strfreev (row->pools);
  g_free (row);
}

static VireoCloneDisk *
disk_of (DiskRow *row)
{
  return g_ptr_array_index (row->self->plan->disks, row->index);
}

static void
set_page (VireoCloneDialog *self,
          const char       *page)
{
  gboolean form = g_str_equal (page, "form");
  gboolean done = g_str_equal (page, "done");

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), page);
  gtk_widget_set_visible (self->clone_button, form);
  gtk_widget_set_visible (self->open_button, done);
  gtk_button_set_label (GTK_BUTTON (self->close_button), form ? _("_Cancel") : _("_Close"));
}

static void
show_banner (VireoCloneDialog *self,
             const char       *message,
             gboolean          error)
{
  gtk_label_set_text (GTK_LABEL (self->banner_label), message ? message : "");
  if (error)
    gtk_widget_add_css_class (self->banner_label, "vireo-error");
  else
    gtk_widget_remove_css_class (self->banner_label, "vireo-error");
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner_revealer), message != NULL);
}

/* ------------------------------------------------------------------------ */
/* The form in step with the plan                                            */

/* The disk at fault for a disk's error from vireo_clone_plan_validate():
 * the plan says which field (the code), not which disk. Validating the
 * plan with only the first n disks finds the first n that fails; that
 * copy's message is the one about that disk. */
static guint
disk_at_fault (const VireoClonePlan  *plan,
               GError               **error)
{
  for (guint n = 1; n <= plan->disks->len; n++)
    {
      g_autoptr(VireoClonePlan) part = vireo_clone_plan_copy (plan);
      g_autoptr(GError) local = NULL;

      g_ptr_array_set_size (part->disks, n);
      if (!vireo_clone_plan_validate (part, &local) && local->domain == VIREO_CLONE_ERROR &&
          local->code == (*error)->code)
        {
          g_clear_error (error);
          *error = g_steal_pointer (&local);
          return n - 1;
        }
    }
  return G_MAXUINT;
}

static void
set_volume_text (DiskRow    *row,
                 const char *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row->volume_row)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row->volume_row), text ? text : "");
}

static void
sync_disk (DiskRow *row)
{
  VireoCloneDisk *disk = disk_of (row);
  g_autoptr(GString) subtitle = g_string_new (mode_description (disk));
  gboolean has_volume = disk->mode != VIREO_CLONE_MODE_SHARE;

  for (guint m = 0; m < VIREO_CLONE_N_MODES; m++)
    {
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (row->modes[m]), disk->mode == m);
      gtk_widget_set_sensitive (row->modes[m], disk->allowed[m]);
      gtk_widget_set_tooltip_text (row->modes[m], disk->allowed[m] ? NULL : disk->why_not[m]);
      if (!disk->allowed[m] && disk->why_not[m] != NULL)
        {
          g_string_append_c (subtitle, '\n');
          /* Translators: a clone mode ("Copy", "Overlay"), then why the disk cannot be cloned that way */
          g_string_append_printf (subtitle, _("%s is not possible: %s"), mode_label (m), disk->why_not[m]);
        }
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->mode_row), mode_label (disk->mode));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row->mode_row), subtitle->str);

  gtk_widget_set_visible (row->pool_row, has_volume);
  gtk_widget_set_visible (row->volume_row, has_volume);
  if (has_volume)
    {
      for (guint i = 0; row->pools[i] != NULL; i++)
        if (g_strcmp0 (row->pools[i], disk->dest_pool) == 0)
          adw_combo_row_set_selected (ADW_COMBO_ROW (row->pool_row), i);
      /* The name being typed is the user's: the plan's suggestion for an
       * emptied field waits until something else changes. */
      if (row != row->self->editing && !disk->dest_name_set)
        set_volume_text (row, disk->dest_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row->pool_row), disk->dest_path ? disk->dest_path : "");
    }
  gtk_widget_remove_css_class (row->volume_row, "error");
  gtk_widget_remove_css_class (row->pool_row, "error");
  gtk_widget_set_visible (row->error_label, FALSE);
}

static void
sync_warnings (VireoCloneDialog *self)
{
  g_auto(GStrv) warnings = vireo_clone_plan_dup_warnings (self->plan);

  if (self->warnings_shown != NULL && g_strv_equal ((const char * const *) warnings,
                                                    (const char * const *) self->warnings_shown))
    return;
  for (guint i = 0; i < self->warning_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->warnings_group),
                                  g_ptr_array_index (self->warning_rows, i));
  g_ptr_array_set_size (self->warning_rows, 0);
  for (guint i = 0; warnings[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      /* A sentence, not a title: the subtitle wraps and reads as text. */
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), warnings[i]);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (row, "property");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->warnings_group), row);
      g_ptr_array_add (self->warning_rows, row);
    }
  gtk_widget_set_visible (self->warnings_group, warnings[0] != NULL);
  g_strfreev (self->warnings_shown);
  self->warnings_shown = g_steal_pointer (&warnings);
}

static void
sync_identity (VireoCloneDialog *self)
{
  VireoClonePlan *plan = self->plan;
  guint n_macs = plan->macs ? g_strv_length (plan->macs) : 0;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->uuid_row), plan->uuid);
  gtk_widget_set_visible (self->mac_row, n_macs > 0);
  if (n_macs > 0)
    {
      g_autofree char *macs = g_strjoinv (", ", plan->macs);
      g_autofree char *title =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "A new MAC address for its network card",
                                      "New MAC addresses for its %u network cards", n_macs), n_macs);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->mac_row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->mac_row), macs);
    }

  gtk_widget_set_visible (self->nvram_row, plan->nvram_source != NULL || plan->nvram_implicit);
  if (plan->nvram_source != NULL)
    {
      /* Translators: a file's path */
      g_autofree char *subtitle = g_strdup_printf (_("Copied to %s"), plan->nvram_path);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->nvram_row), subtitle);
    }
  else if (plan->nvram_implicit)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->nvram_row),
                                 _("Copied to the clone’s own file in libvirt’s NVRAM folder"));

  gtk_widget_set_visible (self->tpm_row, plan->has_tpm);
  if (plan->has_tpm)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->tpm_row),
                                 _("Its state is copied, so keys sealed by the original open in the clone too"));
}

static void
sync_validity (VireoCloneDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autoptr(GError) name_error = NULL;
  g_autoptr(GError) error = NULL;
  gboolean name_ok = vireo_clone_name_validate (name, (const char * const *) self->taken, &name_error);
  gboolean ok = vireo_clone_plan_validate (self->plan, &error);

  /* The NVRAM file's name comes from the machine's name: that fault is the
   * name's too. */
  if (name_ok && g_error_matches (error, VIREO_CLONE_ERROR, VIREO_CLONE_ERROR_NAME))
    name_error = g_error_copy (error);
  if (name_error != NULL)
    gtk_widget_add_css_class (self->name_row, "error");
  else
    gtk_widget_remove_css_class (self->name_row, "error");
  gtk_label_set_text (GTK_LABEL (self->name_error), name_error ? name_error->message : "");
  gtk_widget_set_visible (self->name_error, name_error != NULL);

  if (error != NULL && error->domain == VIREO_CLONE_ERROR &&
      (error->code == VIREO_CLONE_ERROR_VOLUME_NAME || error->code == VIREO_CLONE_ERROR_POOL ||
       error->code == VIREO_CLONE_ERROR_MODE))
    {
      guint i = disk_at_fault (self->plan, &error);

      if (i < self->disk_rows->len)
        {
          DiskRow *row = g_ptr_array_index (self->disk_rows, i);

          gtk_widget_add_css_class (error->code == VIREO_CLONE_ERROR_POOL ? row->pool_row : row->volume_row,
                                    "error");
          gtk_label_set_text (GTK_LABEL (row->error_label), error->message);
          gtk_widget_set_visible (row->error_label, TRUE);
        }
    }
  gtk_widget_set_sensitive (self->clone_button, ok && self->job == NULL);
}

static void
sync_from_plan (VireoCloneDialog *self)
{
  g_autofree char *command = NULL;

  if (self->plan == NULL || self->disk_rows == NULL)
    return;
  self->syncing = TRUE;
  for (guint i = 0; i < self->disk_rows->len; i++)
    sync_disk (g_ptr_array_index (self->disk_rows, i));
  self->syncing = FALSE;
  sync_warnings (self);
  sync_identity (self);
  sync_validity (self);
  command = vireo_clone_plan_dup_command (self->plan, vireo_connection_get_uri (self->connection));
  gtk_label_set_text (GTK_LABEL (self->command_label), command);
}

/* ------------------------------------------------------------------------ */
/* The user's changes                                                        */

static void
on_name_changed (VireoCloneDialog *self)
{
  if (self->syncing || self->plan == NULL)
    return;
  vireo_clone_plan_set_name (self->plan, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  sync_from_plan (self);
}

static void
on_mode_toggled (GtkToggleButton *button,
                 DiskRow         *row)
{
  VireoCloneDialog *self = row->self;
  VireoCloneMode mode = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "vireo-mode"));
  g_autoptr(GError) error = NULL;

  if (self->syncing || !gtk_toggle_button_get_active (button))
    return;
  if (!vireo_clone_plan_set_mode (self->plan, row->index, mode, &error))
    show_banner (self, error->message, TRUE);
  sync_from_plan (self);
}

static void
on_pool_selected (AdwComboRow *combo,
                  GParamSpec  *pspec,
                  DiskRow     *row)
{
  VireoCloneDialog *self = row->self;
  guint i = adw_combo_row_get_selected (combo);
  g_autoptr(GError) error = NULL;

  if (self->syncing || i >= g_strv_length (row->pools))
    return;
  if (g_strcmp0 (disk_of (row)->dest_pool, row->pools[i]) == 0)
    return;
  if (!vireo_clone_plan_set_pool (self->plan, row->index, row->pools[i], &error))
    show_banner (self, error->message, TRUE);
  sync_from_plan (self);
}

static void
on_volume_changed (GtkEditable *editable,
                   DiskRow     *row)
{
  VireoCloneDialog *self = row->self;

  if (self->syncing)
    return;
  vireo_clone_plan_set_volume_name (self->plan, row->index, gtk_editable_get_text (editable));
  self->editing = row;
  sync_from_plan (self);
  self->editing = NULL;
}

static void
on_copy_command (VireoCloneDialog *self)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          gtk_label_get_text (GTK_LABEL (self->command_label)));
}

/* ------------------------------------------------------------------------ */
/* Building the form                                                         */

static GtkWidget *
fact_row (const char *title,
          const char *name)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");
  gtk_widget_set_name (row, name);
  return row;
}

static char *
disk_description (const VireoCloneDisk *disk)
{
  GString *text = g_string_new (disk->source_path ? disk->source_path : _("No media"));

  if (disk->capacity > 0)
    {
      g_autofree char *size = vireo_format_size_kib (disk->capacity / 1024);

      g_string_append (text, " · ");
      if (disk->format != NULL)
        /* Translators: a size ("20 GiB"), then an image format ("qcow2") */
        g_string_append_printf (text, _("%s %s"), size, disk->format);
      else
        g_string_append (text, size);
      if (disk->allocation > 0 && disk->allocation < disk->capacity)
        {
          g_autofree char *used = vireo_format_size_kib (disk->allocation / 1024);

          /* Translators: the space an image takes on the host ("3 GiB") */
          g_string_append_printf (text, _(", %s on the host"), used);
        }
    }
  else if (disk->format != NULL && disk->source_path != NULL)
    g_string_append_printf (text, " · %s", disk->format);
  return g_string_free (text, FALSE);
}

static DiskRow *
build_disk (VireoCloneDialog *self,
            guint             index)
{
  VireoCloneDisk *disk = g_ptr_array_index (self->plan->disks, index);
  DiskRow *row = g_new0 (DiskRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  g_autoptr(GtkStringList) pool_names = gtk_string_list_new (NULL);
  g_autoptr(GStrvBuilder) pools = g_strv_builder_new ();
  g_autofree char *title = NULL;
  g_autofree char *description = disk_description (disk);
  g_autofree char *name = NULL;
  const char *target = disk->target ? disk->target : "?";

  row->self = self;
  row->index = index;
  row->group = adw_preferences_group_new ();
  /* Translators: a disk's target ("vda"), then what it is ("Disk", "CD-ROM") */
  title = g_strdup_printf (_("%s · %s"), target, device_label (disk));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (row->group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (row->group), description);
  name = g_strdup_printf ("clone-disk-%s", target);
  gtk_widget_set_name (row->group, name);

  row->mode_row = adw_action_row_new ();
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row->mode_row), 0);
  g_free (name);
  name = g_strdup_printf ("clone-mode-row-%s", target);
  gtk_widget_set_name (row->mode_row, name);
  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  for (guint m = 0; m < VIREO_CLONE_N_MODES; m++)
    {
      row->modes[m] = gtk_toggle_button_new_with_label (mode_label (m));
      if (m > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (row->modes[m]), GTK_TOGGLE_BUTTON (row->modes[0]));
      g_object_set_data (G_OBJECT (row->modes[m]), "vireo-mode", GUINT_TO_POINTER (m));
      g_free (name);
      name = g_strdup_printf ("clone-mode-%s-%s", target, mode_ids[m]);
      gtk_widget_set_name (row->modes[m], name);
      g_signal_connect (row->modes[m], "toggled", G_CALLBACK (on_mode_toggled), row);
      gtk_box_append (GTK_BOX (box), row->modes[m]);
    }
  /* In the group's header, so the row below has the width for its
   * sentences. */
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (row->group), box);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (row->group), row->mode_row);

  /* Only pools that take new volumes are offered. */
  for (guint i = 0; i < self->plan->pools->len; i++)
    {
      VireoClonePool *pool = g_ptr_array_index (self->plan->pools, i);

      if (pool->active && pool->target_path != NULL &&
          (g_strcmp0 (pool->type, "dir") == 0 || g_strcmp0 (pool->type, "fs") == 0 ||
           g_strcmp0 (pool->type, "netfs") == 0))
        {
          g_strv_builder_add (pools, pool->name);
          gtk_string_list_append (pool_names, pool->name);
        }
    }
  row->pools = g_strv_builder_end (pools);
  row->pool_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->pool_row), _("Storage Pool"));
  adw_combo_row_set_model (ADW_COMBO_ROW (row->pool_row), G_LIST_MODEL (pool_names));
  /* The values beside the labels, as the VM window's combo rows have them */
  g_object_set_data_full (G_OBJECT (row->pool_row), "vireo-values", g_strdupv (row->pools),
                          (GDestroyNotify) g_strfreev);
  g_free (name);
  name = g_strdup_printf ("clone-pool-%s", target);
  gtk_widget_set_name (row->pool_row, name);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (row->group), row->pool_row);

  row->volume_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->volume_row), _("New Volume Name"));
  g_free (name);
  name = g_strdup_printf ("clone-volume-%s", target);
  gtk_widget_set_name (row->volume_row, name);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (row->group), row->volume_row);

  row->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (row->error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (row->error_label), 0);
  gtk_widget_add_css_class (row->error_label, "error");
  gtk_widget_set_margin_top (row->error_label, 6);
  gtk_widget_set_visible (row->error_label, FALSE);
  g_free (name);
  name = g_strdup_printf ("clone-disk-error-%s", target);
  gtk_widget_set_name (row->error_label, name);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (row->group), row->error_label);

  /* Connected last: building is not the user choosing. */
  g_signal_connect (row->pool_row, "notify::selected", G_CALLBACK (on_pool_selected), row);
  g_signal_connect (row->volume_row, "changed", G_CALLBACK (on_volume_changed), row);
  return row;
}

static void
build_form (VireoCloneDialog *self)
{
  GtkWidget *after[] = { self->identity_group, self->command_group };

  self->disk_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) disk_row_free);
  for (guint i = 0; i < self->plan->disks->len; i++)
    {
      DiskRow *row = build_disk (self, i);

      g_ptr_array_add (self->disk_rows, row);
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (row->group));
    }
  /* What the clone gets besides its disks, then the command, read best
   * after the disks. */
  for (guint i = 0; i < G_N_ELEMENTS (after); i++)
    {
      g_object_ref (after[i]);
      adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (after[i]));
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (after[i]));
      g_object_unref (after[i]);
    }
}

static void
show_message (VireoCloneDialog *self,
              const char       *icon,
              const char       *title,
              const char       *description)
{
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->message_page), icon);
  adw_status_page_set_title (ADW_STATUS_PAGE (self->message_page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->message_page), description);
  set_page (self, "message");
}

/* The plan for the machine's state now; the user's choices carried over
 * from @old (nullable) where the new plan allows them. */
static void
make_plan (VireoCloneDialog     *self,
           const VireoClonePlan *old)
{
  VireoCloneSourceState state = vireo_clone_source_state_for (vireo_domain_get_state (self->domain));
  const char *name = old ? gtk_editable_get_text (GTK_EDITABLE (self->name_row)) : NULL;
  VireoClonePlan *plan = vireo_clone_plan_new (self->config, state, name, (const char * const *) self->taken,
                                               self->pools);

  for (guint i = 0; old != NULL && i < old->disks->len && i < plan->disks->len; i++)
    {
      const VireoCloneDisk *was = g_ptr_array_index (old->disks, i);

      if (!vireo_clone_plan_set_mode (plan, i, was->mode, NULL))
        continue;
      if (was->dest_pool != NULL)
        vireo_clone_plan_set_pool (plan, i, was->dest_pool, NULL);
      if (was->dest_name_set)
        vireo_clone_plan_set_volume_name (plan, i, was->dest_name);
    }
  g_clear_pointer (&self->plan, vireo_clone_plan_free);
  self->plan = plan;
}

static void
show_plan (VireoCloneDialog *self)
{
  if (self->plan->source_state == VIREO_CLONE_SOURCE_RUNNING)
    {
      g_autofree char *title = g_strdup_printf (_("“%s” Is Running"), self->plan->source_name);
      g_autoptr(GError) error = NULL;

      vireo_clone_plan_validate (self->plan, &error);
      show_message (self, "media-playback-start-symbolic", title, error->message);
      return;
    }
  sync_from_plan (self);
  set_page (self, "form");
}

static void
loaded (VireoCloneDialog *self)
{
  g_autoptr(GListModel) domains = vireo_connection_list_domains (self->connection);
  g_autoptr(GStrvBuilder) taken = g_strv_builder_new ();
  g_autofree char *title = NULL;

  if (self->read_error != NULL)
    {
      show_message (self, "dialog-error-symbolic", _("The Machine Could Not Be Read"), self->read_error);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (domains); i++)
    {
      g_autoptr(VireoDomain) d = g_list_model_get_item (domains, i);

      g_strv_builder_add (taken, vireo_domain_get_name (d));
    }
  self->taken = g_strv_builder_end (taken);
  make_plan (self, NULL);

  /* Translators: %s is a virtual machine's name */
  title = g_strdup_printf (_("Clone “%s”"), self->plan->source_name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  self->syncing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), self->plan->name);
  self->syncing = FALSE;
  build_form (self);
  show_plan (self);
}

static void
on_definition (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VireoCloneDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = vireo_domain_read_xml_finish (VIREO_DOMAIN (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (xml != NULL)
    self->config = vireo_domain_config_new_from_xml (xml, &error);
  if (self->config == NULL && self->read_error == NULL)
    self->read_error = g_strdup (error->message);
  if (--self->reads_pending == 0)
    loaded (self);
}

static void
on_pools (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VireoCloneDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = vireo_connection_list_pools_finish (VIREO_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Without the pools nothing can be copied, but sharing still works and
   * each disk says why: not a reason to refuse. */
  if (infos != NULL)
    self->pools = vireo_clone_pools_from_pool_infos (infos);
  else
    {
      g_warning ("Could not list the storage pools: %s", error->message);
      self->pools = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_clone_pool_free);
    }
  if (--self->reads_pending == 0)
    loaded (self);
}

/* The machine started or stopped while the dialog is open: what it
 * allows changes with it (a running one cannot be cloned, a paused one's
 * qcow2 images cannot be copied). */
static void
on_state_changed (VireoCloneDialog *self)
{
  VireoCloneSourceState state = vireo_clone_source_state_for (vireo_domain_get_state (self->domain));
  g_autoptr(VireoClonePlan) old = NULL;

  if (self->plan == NULL || self->job != NULL || self->clone_uuid != NULL || state == self->plan->source_state)
    return;
  old = g_steal_pointer (&self->plan);
  make_plan (self, old);
  show_plan (self);
}

/* ------------------------------------------------------------------------ */
/* The job                                                                   */

static void
on_job_progress (VireoCloneDialog *self)
{
  VireoCloneJob *job = self->job;
  const char *detail;
  guint64 done, total;

  if (job == NULL)
    return;
  detail = vireo_clone_job_get_detail (job);
  if (detail != NULL && *detail != '\0')
    {
      /* Translators: a step ("Copying a disk…"), then what it is about ("web-clone.qcow2") */
      g_autofree char *text = g_strdup_printf (_("%s %s"), vireo_clone_step_get_label (vireo_clone_job_get_step (job)),
                                               detail);

      gtk_label_set_text (GTK_LABEL (self->step_label), text);
    }
  else
    gtk_label_set_text (GTK_LABEL (self->step_label), vireo_clone_step_get_label (vireo_clone_job_get_step (job)));
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), vireo_clone_job_get_fraction (job));
  done = vireo_clone_job_get_bytes_done (job);
  total = vireo_clone_job_get_bytes_total (job);
  if (total > 0)
    {
      g_autofree char *d = vireo_format_size_kib (done / 1024);
      g_autofree char *t = vireo_format_size_kib (total / 1024);
      /* Translators: bytes copied so far, then of how many ("1.2 GiB of 8 GiB") */
      g_autofree char *text = g_strdup_printf (_("%s of %s"), d, t);

      gtk_label_set_text (GTK_LABEL (self->bytes_label), text);
    }
  gtk_widget_set_visible (self->bytes_label, total > 0);
}

static const char *
outcome_text (VireoCloneStateOutcome outcome,
              gboolean               tpm)
{
  switch (outcome)
    {
    case VIREO_CLONE_STATE_COPIED:
      return tpm ? _("The TPM’s state was copied.") : _("The UEFI variables were copied.");
    case VIREO_CLONE_STATE_FRESH:
      return tpm ? _("The original has no TPM state yet: the clone makes its own at its first start.")
                 : _("The original has no UEFI variables yet: the clone makes its own at its first start.");
    case VIREO_CLONE_STATE_RESET:
      return tpm ? _("The TPM’s state was not copied: the clone starts with an empty TPM.")
                 : _("The UEFI variables were not copied: the clone starts with the firmware’s default settings.");
    case VIREO_CLONE_STATE_NONE:
    default:
      return NULL;
    }
}

static void
add_summary_line (GtkWidget  *box,
                  const char *text,
                  const char *name)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  if (name != NULL)
    gtk_widget_set_name (label, name);
  gtk_box_append (GTK_BOX (box), label);
}

static void
show_summary (VireoCloneDialog       *self,
              const VireoCloneResult *result)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autofree char *title = g_strdup_printf (_("“%s” Is Ready"), result->name);
  const char *nvram = outcome_text (result->nvram, FALSE);
  const char *tpm = outcome_text (result->tpm, TRUE);

  adw_status_page_set_title (ADW_STATUS_PAGE (self->summary), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->summary), NULL);
  if (result->volumes != NULL && result->volumes[0] != NULL)
    {
      g_autofree char *list = g_strjoinv ("\n", result->volumes);
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Its new volume:\n%s", "Its new volumes:\n%s",
                                      g_strv_length (result->volumes)), list);

      add_summary_line (box, text, "clone-summary-volumes");
    }
  else
    add_summary_line (box, _("It shares every disk with the original."), "clone-summary-volumes");
  if (nvram != NULL)
    {
      g_autofree char *text = result->nvram_note ? g_strconcat (nvram, " ", result->nvram_note, NULL)
                                                 : g_strdup (nvram);

      add_summary_line (box, text, "clone-summary-nvram");
    }
  if (tpm != NULL)
    {
      g_autofree char *text = result->tpm_note ? g_strconcat (tpm, " ", result->tpm_note, NULL) : g_strdup (tpm);

      add_summary_line (box, text, "clone-summary-tpm");
    }
  add_summary_line (box, _("It has its own UUID and MAC addresses, and is shut off."), NULL);
  adw_status_page_set_child (ADW_STATUS_PAGE (self->summary), box);
  set_page (self, "done");
}

static void
set_running (VireoCloneDialog *self,
             gboolean          running)
{
  gtk_widget_set_sensitive (self->page, !running);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->progress_revealer), running);
  gtk_widget_set_sensitive (self->clone_button, !running);
  if (running)
    show_banner (self, NULL, FALSE);
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VireoCloneDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoCloneResult) clone = vireo_clone_job_run_finish (VIREO_CLONE_JOB (source), result, &error);

  g_signal_handlers_disconnect_by_data (source, self);
  g_clear_object (&self->job);
  g_clear_object (&self->job_cancellable);
  if (self->close_when_done || self->plan == NULL)
    {
      if (self->close_when_done)
        gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  set_running (self, FALSE);
  if (clone == NULL)
    {
      gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      /* The form stays as the user left it: change what the message
       * names and try again. */
      /* A cancel is the user's: not an error. Its message says what
       * could not be removed, if anything. */
      show_banner (self, error->message, !cancelled);
      sync_from_plan (self);
      return;
    }
  self->clone_uuid = g_strdup (clone->uuid);
  show_summary (self, clone);
}

static void
clone_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VireoCloneDialog *self = VIREO_CLONE_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (self->plan == NULL || self->job != NULL || !vireo_clone_plan_validate (self->plan, &error))
    return;
  self->job = vireo_clone_job_new (self->connection, self->plan);
  self->job_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->job, "notify::step", G_CALLBACK (on_job_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::detail", G_CALLBACK (on_job_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::fraction", G_CALLBACK (on_job_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::bytes-done", G_CALLBACK (on_job_progress), self,
                           G_CONNECT_SWAPPED);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), 0);
  gtk_label_set_text (GTK_LABEL (self->step_label), vireo_clone_step_get_label (VIREO_CLONE_STEP_CHECKING));
  gtk_widget_set_visible (self->bytes_label, FALSE);
  set_running (self, TRUE);
  vireo_clone_job_run_async (self->job, self->job_cancellable, on_job_done, g_object_ref (self));
}

/* Cancel stops the job (its rollback removes what it made) and keeps the
 * dialog; with no job it closes. */
static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VireoCloneDialog *self = VIREO_CLONE_DIALOG (widget);

  if (self->job != NULL)
    {
      g_cancellable_cancel (self->job_cancellable);
      gtk_label_set_text (GTK_LABEL (self->step_label), _("Cancelling… a disk being copied finishes first."));
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VireoCloneDialog *self = VIREO_CLONE_DIALOG (widget);
  g_autofree char *uuid = g_strdup (self->clone_uuid);

  if (uuid == NULL)
    return;
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_CLONED], 0, uuid);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

/* Closing while a job runs cancels it; the window goes once the job has
 * removed what it made, so nothing is left half done behind it. */
static gboolean
vireo_clone_dialog_close_request (GtkWindow *window)
{
  VireoCloneDialog *self = VIREO_CLONE_DIALOG (window);

  if (self->job != NULL)
    {
      self->close_when_done = TRUE;
      g_cancellable_cancel (self->job_cancellable);
      gtk_label_set_text (GTK_LABEL (self->step_label), _("Cancelling… a disk being copied finishes first."));
      return TRUE;
    }
  return GTK_WINDOW_CLASS (vireo_clone_dialog_parent_class)->close_request (window);
}

/* ------------------------------------------------------------------------ */

static void
vireo_clone_dialog_dispose (GObject *object)
{
  VireoCloneDialog *self = VIREO_CLONE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->job_cancellable);
  if (self->domain != NULL)
    g_signal_handlers_disconnect_by_data (self->domain, self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->job_cancellable);
  g_clear_object (&self->job);
  g_clear_object (&self->domain);
  g_clear_object (&self->connection);
  g_clear_object (&self->config);
  g_clear_pointer (&self->pools, g_ptr_array_unref);
  g_clear_pointer (&self->taken, g_strfreev);
  g_clear_pointer (&self->disk_rows, g_ptr_array_unref);
  g_clear_pointer (&self->plan, vireo_clone_plan_free);
  g_clear_pointer (&self->warnings_shown, g_strfreev);
  g_clear_pointer (&self->warning_rows, g_ptr_array_unref);
  g_clear_pointer (&self->clone_uuid, g_free);
  g_clear_pointer (&self->read_error, g_free);

  G_OBJECT_CLASS (vireo_clone_dialog_parent_class)->dispose (object);
}

static void
vireo_clone_dialog_class_init (VireoCloneDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = vireo_clone_dialog_dispose;
  window_class->close_request = vireo_clone_dialog_close_request;

  /**
   * VireoCloneDialog::cloned:
   * @uuid: the clone's UUID
   *
   * The user asked to open the clone; the dialog closes right after.
   */
  signals[SIGNAL_CLONED] =
    g_signal_new ("cloned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "clone.run", NULL, clone_action);
  gtk_widget_class_install_action (widget_class, "clone.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "clone.open", NULL, open_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "clone.cancel", NULL);
}

static GtkWidget *
build_progress (VireoCloneDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *clamp = adw_clamp_new ();

  gtk_widget_set_name (box, "clone-progress");
  self->step_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->step_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->step_label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (self->step_label, "heading");
  gtk_widget_set_name (self->step_label, "clone-step");
  self->progress_bar = gtk_progress_bar_new ();
  gtk_widget_set_name (self->progress_bar, "clone-progress-bar");
  self->bytes_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->bytes_label), 0);
  gtk_widget_add_css_class (self->bytes_label, "dim-label");
  gtk_widget_add_css_class (self->bytes_label, "vireo-numeric");
  gtk_widget_set_name (self->bytes_label, "clone-bytes");
  gtk_box_append (GTK_BOX (box), self->step_label);
  gtk_box_append (GTK_BOX (box), self->progress_bar);
  gtk_box_append (GTK_BOX (box), self->bytes_label);
  /* Margins, not the banner's padding alone: the progress lines up with
   * the form's groups under it. */
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  self->progress_revealer = gtk_revealer_new ();
  gtk_revealer_set_child (GTK_REVEALER (self->progress_revealer), clamp);
  return self->progress_revealer;
}

static void
vireo_clone_dialog_init (VireoCloneDialog *self)
{
  VireoJobDialogParts parts;
  GtkWidget *new_group = adw_preferences_group_new ();
  GtkWidget *gets_group = adw_preferences_group_new ();
  GtkWidget *command_row = adw_expander_row_new ();
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  GtkWidget *form = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->warning_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Clone"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  /* Tall enough for two disks and the command: without a window manager
   * (Xvfb) a window never grows past this. */
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 820);

  vireo_job_dialog_build (&parts, "clone", "clone.cancel", _("C_lone"), "clone.run",
                          _("_Open"), "clone.open",
                          _("Reading the machine’s definition and storage…"));
  self->close_button = parts.close_button;
  self->clone_button = parts.run_button;
  self->open_button = parts.open_button;
  self->banner_label = parts.banner_label;
  self->banner_revealer = parts.banner_revealer;
  self->stack = parts.stack;

  self->message_page = adw_status_page_new ();
  gtk_widget_set_name (self->message_page, "clone-message");
  gtk_stack_add_named (GTK_STACK (self->stack), self->message_page, "message");

  /* The form */
  self->page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (self->page, TRUE);

  self->warnings_group = adw_preferences_group_new ();
  gtk_widget_set_name (self->warnings_group, "clone-warnings");
  gtk_widget_set_visible (self->warnings_group, FALSE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (self->warnings_group));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (new_group), _("New Machine"));
  self->name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("_Name"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->name_row), TRUE);
  gtk_widget_set_name (self->name_row, "clone-name");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (new_group), self->name_row);
  self->name_error = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->name_error), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->name_error), 0);
  gtk_widget_add_css_class (self->name_error, "error");
  gtk_widget_set_margin_top (self->name_error, 6);
  gtk_widget_set_visible (self->name_error, FALSE);
  gtk_widget_set_name (self->name_error, "clone-name-error");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (new_group), self->name_error);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (new_group));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (gets_group), _("Its Own Identity"));
  self->uuid_row = fact_row (_("A new UUID"), "clone-uuid");
  self->mac_row = fact_row (_("New MAC addresses"), "clone-macs");
  self->nvram_row = fact_row (_("UEFI variables"), "clone-nvram");
  self->tpm_row = fact_row (_("TPM"), "clone-tpm");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (gets_group), self->uuid_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (gets_group), self->mac_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (gets_group), self->nvram_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (gets_group), self->tpm_row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (gets_group));
  self->identity_group = gets_group;

  self->command_group = adw_preferences_group_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (command_row), _("Equivalent Command"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (command_row), _("What virt-clone would be told"));
  gtk_widget_set_name (command_row, "clone-command-row");
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (copy, "flat");
  gtk_widget_set_tooltip_text (copy, _("Copy the command"));
  gtk_widget_set_name (copy, "clone-copy-command");
  g_signal_connect_object (copy, "clicked", G_CALLBACK (on_copy_command), self, G_CONNECT_SWAPPED);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (command_row), copy);
  self->command_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->command_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->command_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (self->command_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->command_label), 0);
  gtk_widget_set_margin_start (self->command_label, 12);
  gtk_widget_set_margin_end (self->command_label, 12);
  gtk_widget_set_margin_top (self->command_label, 12);
  gtk_widget_set_margin_bottom (self->command_label, 12);
  gtk_widget_add_css_class (self->command_label, "monospace");
  gtk_widget_set_name (self->command_label, "clone-command");
  adw_expander_row_add_row (ADW_EXPANDER_ROW (command_row), self->command_label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->command_group), command_row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (self->command_group));

  gtk_box_append (GTK_BOX (form), build_progress (self));
  gtk_box_append (GTK_BOX (form), self->page);
  self->form = form;
  gtk_stack_add_named (GTK_STACK (self->stack), form, "form");

  self->summary = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->summary), "object-select-symbolic");
  gtk_widget_set_name (self->summary, "clone-summary");
  gtk_stack_add_named (GTK_STACK (self->stack), self->summary, "done");

  adw_window_set_content (ADW_WINDOW (self), parts.box);

  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (on_name_changed), self, G_CONNECT_SWAPPED);
  set_page (self, "loading");
  gtk_widget_set_visible (self->clone_button, TRUE);
  gtk_widget_set_sensitive (self->clone_button, FALSE);
}

/**
 * vireo_clone_dialog_new:
 * @parent: (nullable): the window it is for
 * @domain: the machine to clone
 *
 * Returns: (transfer none): the dialog, not shown yet
 */
GtkWindow *
vireo_clone_dialog_new (GtkWindow   *parent,
                        VireoDomain *domain)
{
  VireoCloneDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIREO_IS_DOMAIN (domain), NULL);

  self = g_object_new (VIREO_TYPE_CLONE_DIALOG, NULL);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  self->domain = g_object_ref (domain);
  self->connection = g_object_ref (vireo_domain_get_connection (domain));
  g_signal_connect_object (domain, "notify::state", G_CALLBACK (on_state_changed), self, G_CONNECT_SWAPPED);

  self->reads_pending = 2;
  vireo_domain_read_xml_async (domain, TRUE, self->cancellable, on_definition, g_object_ref (self));
  vireo_connection_list_pools_async (self->connection, self->cancellable, on_pools, g_object_ref (self));
  return GTK_WINDOW (self);
}

GtkEditable *
vireo_clone_dialog_get_name_entry (VireoCloneDialog *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_DIALOG (self), NULL);
  return GTK_EDITABLE (self->name_row);
}

GtkWidget *
vireo_clone_dialog_get_clone_button (VireoCloneDialog *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_DIALOG (self), NULL);
  return self->clone_button;
}

const VireoClonePlan *
vireo_clone_dialog_get_plan (VireoCloneDialog *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_DIALOG (self), NULL);
  return self->plan;
}

const char *
vireo_clone_dialog_get_page (VireoCloneDialog *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
}

const char *
vireo_clone_dialog_get_clone_uuid (VireoCloneDialog *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_DIALOG (self), NULL);
  return self->clone_uuid;
}

gboolean
vireo_clone_dialog_get_busy (VireoCloneDialog *self)
{
  g_return_val_if_fail (VIREO_IS_CLONE_DIALOG (self), FALSE);
  return self->job != NULL;
}
