/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-clone-job.h"
#include "vireo-connection.h"
#include "vireo-connection-manager.h"
#include "vireo-console-stream.h"
#include "vireo-domain.h"
#include "vireo-delete-plan.h"
#include "vireo-host.h"
#include "vireo-lookup.h"
#include "vireo-network-ops.h"
#include "vireo-save-restore.h"
#include "vireo-snapshot-ops.h"
#include "vireo-storage.h"
#include "vireo-virt-enums.h"
#include "vireo-virt-error.h"

G_BEGIN_DECLS

void vireo_virt_init (void);

G_END_DECLS
