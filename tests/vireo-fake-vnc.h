/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A small VNC server for tests and the console benchmark: RFB 3.8 with no
 * authentication, raw pixels in the client's 32-bit format, QEMU's
 * extended key event, desktop resizes asked by the client, and cut text.
 * It serves one socket in a thread of its own and records what the
 * client sends.
 */
typedef struct _VireoFakeVnc VireoFakeVnc;

typedef struct
{
  gboolean down;
  guint32  keysym;
  guint32  scancode;   /* QEMU's extended key event; 0 for a plain one */
} VireoFakeVncKey;

/* Draws the next frame (with vireo_fake_vnc_fill_rect()); called on the
 * server's thread when the client asks for an incremental update, before
 * the server answers it. */
typedef void (*VireoFakeVncFrameFunc) (VireoFakeVnc *self,
                                       gpointer      user_data);

VireoFakeVnc *vireo_fake_vnc_new           (int           width,
                                            int           height,
                                            int          *client_fd);
VireoFakeVnc *vireo_fake_vnc_new_for_fd    (int           width,
                                            int           height,
                                            int           fd);
void          vireo_fake_vnc_free          (VireoFakeVnc *self);
void          vireo_fake_vnc_set_frame_func (VireoFakeVnc         *self,
                                             VireoFakeVncFrameFunc func,
                                             gpointer              user_data);
void          vireo_fake_vnc_fill_rect     (VireoFakeVnc *self,
                                            int           x,
                                            int           y,
                                            int           width,
                                            int           height,
                                            guint32       xrgb);
GArray       *vireo_fake_vnc_dup_keys      (VireoFakeVnc *self);
gboolean      vireo_fake_vnc_get_pointer   (VireoFakeVnc *self,
                                            int          *x,
                                            int          *y,
                                            guint        *buttons);
guint         vireo_fake_vnc_get_n_pointer_events (VireoFakeVnc *self);
char         *vireo_fake_vnc_dup_cut_text  (VireoFakeVnc *self);
void          vireo_fake_vnc_send_cut_text (VireoFakeVnc *self,
                                            const char   *text);
void          vireo_fake_vnc_get_size      (VireoFakeVnc *self,
                                            int          *width,
                                            int          *height);
guint         vireo_fake_vnc_get_n_updates (VireoFakeVnc *self);
gint64        vireo_fake_vnc_get_last_key_time (VireoFakeVnc *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoFakeVnc, vireo_fake_vnc_free)

G_END_DECLS
