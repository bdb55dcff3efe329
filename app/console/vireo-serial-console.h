/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <vte/vte.h>

#include "vireo-virt.h"

G_BEGIN_DECLS

typedef enum
{
  VIREO_SERIAL_CONSOLE_DISCONNECTED,
  VIREO_SERIAL_CONSOLE_CONNECTING,
  VIREO_SERIAL_CONSOLE_CONNECTED,
} VireoSerialConsoleState;

#define VIREO_TYPE_SERIAL_CONSOLE (vireo_serial_console_get_type ())
G_DECLARE_FINAL_TYPE (VireoSerialConsole, vireo_serial_console, VIREO, SERIAL_CONSOLE, GtkWidget)

VireoSerialConsole      *vireo_serial_console_new          (VireoDomain        *domain,
                                                            const char         *dev_name);
VireoDomain             *vireo_serial_console_get_domain   (VireoSerialConsole *self);
const char              *vireo_serial_console_get_dev_name (VireoSerialConsole *self);
VireoSerialConsoleState  vireo_serial_console_get_state    (VireoSerialConsole *self);
const char              *vireo_serial_console_get_error    (VireoSerialConsole *self);
gboolean                 vireo_serial_console_get_busy     (VireoSerialConsole *self);
void                     vireo_serial_console_connect      (VireoSerialConsole *self);
void                     vireo_serial_console_take_over    (VireoSerialConsole *self);
void                     vireo_serial_console_disconnect   (VireoSerialConsole *self);
VteTerminal             *vireo_serial_console_get_terminal (VireoSerialConsole *self);

G_END_DECLS
