/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Keys reach a guest as PC scancodes, never as keysyms: the guest applies
 * its own layout, so what it sees does not depend on the host's layout or
 * on the windowing system.
 *
 * GDK key event -> Linux evdev key code -> PC set-1 scancode in QEMU's
 * "qnum" form -> the wire (VNC: the number itself in QEMU's extended key
 * event; SPICE: vireo_keymap_xt_to_spice()).
 *
 * qnum is one byte per key: a plain set-1 make code as it is, an
 * E0-prefixed one as 0x80 | code (Right Ctrl, E0 1D, is 0x9D). Keys whose
 * real set-1 sequence is longer take QEMU's fixed numbers, which QEMU turns
 * back into the real sequence for the guest: Pause is 0xC6 (E0 46), Print
 * Screen is 0x54 (QEMU's preferred number; it also accepts 0xB7 for
 * compatibility), Hangeul and Hanja (press-only F2/F1) are 0x72/0x71.
 */

guint16 vireo_keymap_linux_to_xt          (guint   linux_code);
guint32 vireo_keymap_xt_to_spice          (guint16 xt);
guint16 vireo_keymap_gdk_keycode_to_linux (guint   gdk_keycode);
guint16 vireo_keymap_ascii_to_xt          (gunichar c,
                                           gboolean *shift);

/* The keys the guest has been told are down, so that none stays stuck when
 * the console loses the keyboard (focus out, grab released, window hidden):
 * the guest never sees the host-side release. Codes are whatever the caller
 * sends (qnum from vireo_keymap_linux_to_xt()); 0 is never a key. */
typedef struct _VireoKeyState VireoKeyState;

typedef void (*VireoKeyReleaseFunc) (guint16  code,
                                     gpointer user_data);

VireoKeyState *vireo_key_state_new           (void);
void           vireo_key_state_free          (VireoKeyState       *self);
gboolean       vireo_key_state_press         (VireoKeyState       *self,
                                              guint16              code);
gboolean       vireo_key_state_release       (VireoKeyState       *self,
                                              guint16              code);
gboolean       vireo_key_state_is_pressed    (const VireoKeyState *self,
                                              guint16              code);
guint          vireo_key_state_get_n_pressed (const VireoKeyState *self);
guint          vireo_key_state_release_all   (VireoKeyState       *self,
                                              VireoKeyReleaseFunc  func,
                                              gpointer             user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoKeyState, vireo_key_state_free)

G_END_DECLS
