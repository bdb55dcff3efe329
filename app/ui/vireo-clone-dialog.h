/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-clone.h"
#include "vireo-domain.h"

G_BEGIN_DECLS

#define VIREO_TYPE_CLONE_DIALOG (vireo_clone_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VireoCloneDialog, vireo_clone_dialog, VIREO, CLONE_DIALOG, AdwWindow)

/* Not shown yet: gtk_window_present() it. It reads the machine's
 * definition and the host's pools itself, with a spinner meanwhile.
 * ::cloned (const char *uuid) is emitted when the user opens the clone
 * from the summary, just before the dialog closes. */
GtkWindow            *vireo_clone_dialog_new             (GtkWindow        *parent,
                                                          VireoDomain      *domain);

/* For tests */
GtkEditable          *vireo_clone_dialog_get_name_entry  (VireoCloneDialog *self);
GtkWidget            *vireo_clone_dialog_get_clone_button (VireoCloneDialog *self);
const VireoClonePlan *vireo_clone_dialog_get_plan        (VireoCloneDialog *self);
/* "loading", "message" (running machine, or the definition unreadable),
 * "form", "done" */
const char           *vireo_clone_dialog_get_page        (VireoCloneDialog *self);
/* The result of the last run: the clone's UUID once made, else NULL. */
const char           *vireo_clone_dialog_get_clone_uuid  (VireoCloneDialog *self);
/* Whether a clone job is running now. */
gboolean              vireo_clone_dialog_get_busy        (VireoCloneDialog *self);

G_END_DECLS
