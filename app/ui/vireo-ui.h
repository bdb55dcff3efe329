/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-add-connection-dialog.h"
#include "vireo-add-hardware-dialog.h"
#include "vireo-connection-row.h"
#include "vireo-console-page.h"
#include "vireo-delete-dialog.h"
#include "vireo-domain-cell.h"
#include "vireo-graph.h"
#include "vireo-host-window.h"
#include "vireo-new-vm-dialog.h"
#include "vireo-vm-performance.h"
#include "vireo-os-picker.h"
#include "vireo-port-forward-editor.h"
#include "vireo-vm-window.h"
#include "vireo-window.h"
#include "vireo-xml-editor.h"

G_BEGIN_DECLS

void vireo_ui_init (void);

G_END_DECLS
