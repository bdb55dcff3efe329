/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <osinfo/osinfo.h>

#include "vireo-os-info.h"

G_BEGIN_DECLS

/* The libosinfo database behind @self, for code that must ask libosinfo
 * itself (media and tree detection). Worker threads only: the main thread
 * never calls libosinfo. Locks until _vireo_os_db_unlock_osinfo(); hold it
 * only around calls that read the database, not around I/O. */
OsinfoDb *_vireo_os_db_lock_osinfo   (VireoOsDb *self);
void      _vireo_os_db_unlock_osinfo (VireoOsDb *self);

G_END_DECLS
