/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-os-info.h"

G_BEGIN_DECLS

/* What the New VM wizard can show about install media besides the system:
 * read from the image itself (volume id, bootable) or from the osinfo-db
 * entry the image matched (the rest, unset when nothing matched). */
typedef struct
{
  char     *volume_id;   /* the ISO 9660 volume id; NULL when blank */
  gboolean  bootable;    /* El Torito boot record (or a PPC bootinfo.txt) */
  char     *arch;        /* "x86_64", "aarch64", …: the matched entry's */
  gboolean  installer;   /* the media installs the system */
  gboolean  live;        /* the media runs the system without installing */
} VireoOsMediaFacts;

void         vireo_os_media_facts_clear             (VireoOsMediaFacts   *facts);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VireoOsMediaFacts, vireo_os_media_facts_clear)

void         vireo_os_db_identify_media_async       (VireoOsDb           *db,
                                                     const char          *path,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
VireoOsInfo *vireo_os_db_identify_media_finish      (VireoOsDb           *db,
                                                     GAsyncResult        *result,
                                                     GError             **error);
VireoOsInfo *vireo_os_db_identify_media_finish_full (VireoOsDb           *db,
                                                     GAsyncResult        *result,
                                                     VireoOsMediaFacts   *out_facts,
                                                     GError             **error);

void         vireo_os_db_identify_tree_async        (VireoOsDb           *db,
                                                     const char          *url,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
VireoOsInfo *vireo_os_db_identify_tree_finish       (VireoOsDb           *db,
                                                     GAsyncResult        *result,
                                                     char               **out_kernel,
                                                     char               **out_initrd,
                                                     GError             **error);

G_END_DECLS
