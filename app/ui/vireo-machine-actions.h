/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-virt.h"

G_BEGIN_DECLS

/*
 * One machine's operations, shared by the machine list (for a single
 * selection) and the machine's own window: the questions and dialogs they
 * open, and the words for their failures.
 */

/* "Could Not Pause “alpha”", or "3 Machines Could Not Be Changed". */
char        *vireo_machine_failure_heading      (VireoDomainAction  action,
                                                 const char        *name,
                                                 guint              n_failed);
/* What to do about a failure of this kind, or NULL. */
const char  *vireo_machine_error_hint           (const GError      *error);
void         vireo_machine_show_error           (GtkWindow         *parent,
                                                 const char        *heading,
                                                 const char        *body);

/* Force Reset / Force Off: the question, for @names (element-type utf8).
 * Its responses are "cancel" and "reset" or "off". */
GtkWidget   *vireo_machine_force_question_new   (GtkWindow         *parent,
                                                 GPtrArray         *names,
                                                 gboolean           reset);

void         vireo_machine_save_to_file         (GtkWindow         *parent,
                                                 VireoDomain       *domain,
                                                 AdwToastOverlay   *toasts);
/* Asks first, with the virsh line. */
void         vireo_machine_remove_saved_state   (GtkWindow         *parent,
                                                 VireoDomain       *domain);
/* The clone's window opens once it is listed, when the user asks. */
void         vireo_machine_clone                (GtkWindow         *parent,
                                                 VireoDomain       *domain);

/* Offers the other hosts Vireo has open (the main window's manager); the
 * machine's window on its new host opens when the user asks. */
void         vireo_machine_migrate              (GtkWindow         *parent,
                                                 VireoDomain       *domain);

/* Calls @func with the machine @uuid of @connection once its list has it
 * (a machine just restored, cloned or migrated joins through libvirt's
 * events a moment after the call returns); gives up quietly after ten
 * seconds, or when @owner goes. */
typedef void (*VireoMachineListedFunc) (GObject     *owner,
                                        VireoDomain *domain);
void         vireo_machine_when_listed          (GObject                *owner,
                                                 VireoConnection        *connection,
                                                 const char             *uuid,
                                                 VireoMachineListedFunc  func);

/* The machine window's menu: a "machine" action group for @domain (Run,
 * Pause, Resume, Shut Down, Reboot, Save and Stop, Save to File, Remove
 * Saved State, Clone, Migrate, Force Off), enabled from its state, and the menu
 * that names them. @toasts gets the clock offer after a resume or a
 * restore by Run. */
GActionGroup *vireo_machine_action_group_new    (GtkWindow         *window,
                                                 VireoDomain       *domain,
                                                 AdwToastOverlay   *toasts);
GMenuModel   *vireo_machine_menu_new            (void);

G_END_DECLS
