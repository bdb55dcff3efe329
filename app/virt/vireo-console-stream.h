/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-domain.h"

G_BEGIN_DECLS

typedef enum /*< flags >*/
{
  VIREO_CONSOLE_OPEN_NONE  = 0,
  /* Take the console from whoever holds it (another Vireo, virsh console,
   * virt-manager); they see their console close. */
  VIREO_CONSOLE_OPEN_FORCE = 1 << 0,
} VireoConsoleOpenFlags;

#define VIREO_TYPE_CONSOLE_STREAM (vireo_console_stream_get_type ())
G_DECLARE_FINAL_TYPE (VireoConsoleStream, vireo_console_stream, VIREO, CONSOLE_STREAM, GObject)

void                vireo_console_stream_open_async  (VireoDomain           *domain,
                                                      const char            *dev_name,
                                                      VireoConsoleOpenFlags  flags,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
VireoConsoleStream *vireo_console_stream_open_finish (VireoDomain           *domain,
                                                      GAsyncResult          *result,
                                                      GError               **error);
VireoDomain        *vireo_console_stream_get_domain  (VireoConsoleStream    *self);
const char         *vireo_console_stream_get_dev_name (VireoConsoleStream   *self);
gboolean            vireo_console_stream_get_open    (VireoConsoleStream    *self);
void                vireo_console_stream_write       (VireoConsoleStream    *self,
                                                      const char            *data,
                                                      gsize                  len);
void                vireo_console_stream_close       (VireoConsoleStream    *self);

G_END_DECLS
