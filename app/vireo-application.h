/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VIREO_TYPE_APPLICATION (vireo_application_get_type ())
G_DECLARE_FINAL_TYPE (VireoApplication, vireo_application, VIREO, APPLICATION, AdwApplication)

VireoApplication *vireo_application_new (void);

G_END_DECLS
