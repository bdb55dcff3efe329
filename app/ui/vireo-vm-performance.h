/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-virt.h"

G_BEGIN_DECLS

#define VIREO_TYPE_VM_PERFORMANCE (vireo_vm_performance_get_type ())
G_DECLARE_FINAL_TYPE (VireoVmPerformance, vireo_vm_performance, VIREO, VM_PERFORMANCE, AdwBin)

GtkWidget   *vireo_vm_performance_new        (VireoDomain        *domain);
VireoDomain *vireo_vm_performance_get_domain (VireoVmPerformance *self);

G_END_DECLS
