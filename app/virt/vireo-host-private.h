/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-host.h"

G_BEGIN_DECLS

/* For tests: how many samples were ever queued on the worker, and whether
 * one is queued or running now. */
guint    _vireo_host_get_requests  (VireoHost *self);
gboolean _vireo_host_get_in_flight (VireoHost *self);

G_END_DECLS
