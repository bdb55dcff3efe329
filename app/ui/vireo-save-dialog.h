/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-connection.h"
#include "vireo-domain.h"

G_BEGIN_DECLS

/*
 * Saving a machine's memory to a file and bringing it back (`virsh save`,
 * `virsh restore`), and the offer to set a guest's clock afterwards.
 */

#define VIREO_TYPE_SAVE_DIALOG (vireo_save_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoSaveDialog, vireo_save_dialog, VIREO, SAVE_DIALOG, AdwWindow)

/* Save to File: where (a path on the machine's host, suggested in a
 * storage pool's folder), how it comes back, then the save with progress
 * and Stop. Emits ::saved (const char *path) once the file is written, and
 * closes itself. */
GtkWidget   *vireo_save_dialog_new                (GtkWindow       *parent,
                                                   VireoDomain     *domain);
GtkEditable *vireo_save_dialog_get_path_entry     (VireoSaveDialog *self);
GtkWidget   *vireo_save_dialog_get_save_button    (VireoSaveDialog *self);
GtkProgressBar *vireo_save_dialog_get_progress_bar (VireoSaveDialog *self);
/* The message shown in the dialog (libvirt's words, or why the path was
 * refused), or NULL. */
const char  *vireo_save_dialog_get_error          (VireoSaveDialog *self);
char        *vireo_save_dialog_dup_command        (VireoSaveDialog *self);
/* Stops the save under way, as the dialog's Stop does. */
void         vireo_save_dialog_stop               (VireoSaveDialog *self);

#define VIREO_TYPE_RESTORE_DIALOG (vireo_restore_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoRestoreDialog, vireo_restore_dialog, VIREO, RESTORE_DIALOG, AdwWindow)

/* Restore from File: a path on the host; once typed, the dialog reads
 * which machine the file holds and says so (or why it cannot be
 * restored). Emits ::restored (const char *uuid) and closes itself. */
GtkWidget   *vireo_restore_dialog_new             (GtkWindow          *parent,
                                                   VireoConnection    *connection);
GtkEditable *vireo_restore_dialog_get_path_entry  (VireoRestoreDialog *self);
GtkWidget   *vireo_restore_dialog_get_restore_button (VireoRestoreDialog *self);
/* What the file holds ("alpha, 2 GiB of memory"), or NULL until read. */
const char  *vireo_restore_dialog_get_summary     (VireoRestoreDialog *self);
const char  *vireo_restore_dialog_get_error       (VireoRestoreDialog *self);
void         vireo_restore_dialog_set_state       (VireoRestoreDialog *self,
                                                   VireoRestoreState   state);

/* After a restore or a resume the guest's clock is as old as the moment it
 * stopped: a toast offers to set it from the host's through the guest
 * agent, and says how that went. Only the machines of @domains that run
 * are offered. @domains: (element-type VireoDomain). */
void         vireo_offer_clock_sync               (AdwToastOverlay    *overlay,
                                                   GPtrArray          *domains);
/* The same for one machine coming back from a saved state: offered once
 * its state has settled, and only if it runs (not if it comes back
 * paused). */
void         vireo_offer_clock_sync_when_back     (AdwToastOverlay    *overlay,
                                                   VireoDomain        *domain);

G_END_DECLS
