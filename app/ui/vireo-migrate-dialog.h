/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection-manager.h"
#include "vireo-domain.h"
#include "vireo-migrate-job.h"

G_BEGIN_DECLS

/*
 * Migrate (issue 9): moves a machine to another connection Vireo has
 * open. The form is a VireoMigrateOptions (vireo-migrate.h), with every
 * choice the model refuses for this machine insensitive and saying why,
 * and the `virsh migrate` line; Migrate runs a VireoMigrateJob with its
 * progress, Cancel and the switch to post-copy. A failure leaves the form
 * as it was with what it means and libvirt's words; a success says where
 * the machine runs now and offers to open it there.
 */

#define VIREO_TYPE_MIGRATE_DIALOG (vireo_migrate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoMigrateDialog, vireo_migrate_dialog, VIREO, MIGRATE_DIALOG, AdwWindow)

/* Not shown yet: gtk_window_present() it. The destinations are the other
 * connected connections of @manager. ::migrated (const char *dest_uuid,
 * VireoConnection *destination) is emitted when the user opens the
 * machine on the destination from the summary, just before the dialog
 * closes. */
GtkWidget                  *vireo_migrate_dialog_new                 (GtkWindow              *parent,
                                                                      VireoConnectionManager *manager,
                                                                      VireoDomain            *domain);

/* For tests */
/* The AdwComboRow of destinations, in the order of list_destinations. */
GtkWidget                  *vireo_migrate_dialog_get_destination_row (VireoMigrateDialog     *self);
/* (element-type VireoConnection): the connections the combo offers */
GPtrArray                  *vireo_migrate_dialog_get_destinations    (VireoMigrateDialog     *self);
/* The widget of @choice: a GtkToggleButton for the mode, storage and
 * transport choices; the row (an AdwActionRow holding a GtkSwitch or a
 * GtkSpinButton, or an AdwEntryRow) for the others. TRANSIENT_ON_DEST is
 * the PERSISTENT_ON_DEST row. */
GtkWidget                  *vireo_migrate_dialog_get_choice_widget   (VireoMigrateDialog     *self,
                                                                      VireoMigrateChoice      choice);
/* The "Allow Unsafe" row (an AdwActionRow with a GtkSwitch). */
GtkWidget                  *vireo_migrate_dialog_get_unsafe_row      (VireoMigrateDialog     *self);
GtkWidget                  *vireo_migrate_dialog_get_migrate_button  (VireoMigrateDialog     *self);
/* The progress view's Cancel and Switch to Post-Copy buttons. */
GtkWidget                  *vireo_migrate_dialog_get_cancel_button   (VireoMigrateDialog     *self);
GtkWidget                  *vireo_migrate_dialog_get_postcopy_button (VireoMigrateDialog     *self);
GtkProgressBar             *vireo_migrate_dialog_get_progress_bar    (VireoMigrateDialog     *self);
/* The last reading the progress view shows, or NULL. */
const VireoMigrateProgress *vireo_migrate_dialog_get_progress        (VireoMigrateDialog     *self);
/* The options as the form has them now. */
const VireoMigrateOptions  *vireo_migrate_dialog_get_options         (VireoMigrateDialog     *self);
/* Why Migrate is insensitive (the whole-options check), or NULL. */
const char                 *vireo_migrate_dialog_get_fault           (VireoMigrateDialog     *self);
/* The last failure as shown (explanation, libvirt's words, where the
 * machine is), or NULL. */
const char                 *vireo_migrate_dialog_get_error           (VireoMigrateDialog     *self);
/* The equivalent command as shown. */
const char                 *vireo_migrate_dialog_get_command         (VireoMigrateDialog     *self);
/* "loading", "none" (no other connected connection), "form", "done" */
const char                 *vireo_migrate_dialog_get_page            (VireoMigrateDialog     *self);
/* Whether a migration runs now. */
gboolean                    vireo_migrate_dialog_get_busy            (VireoMigrateDialog     *self);

G_END_DECLS
