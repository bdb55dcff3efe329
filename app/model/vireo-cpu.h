/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-domain-config.h"

G_BEGIN_DECLS

/* <cpu><topology>: how the vCPUs are grouped. Their product is the
 * maximum vCPU count; libvirt refuses any other. */
typedef struct
{
  guint sockets;
  guint dies;
  guint cores;
  guint threads;
} VireoCpuTopology;

gboolean  vireo_cpu_get_topology      (VireoDomainConfig       *config,
                                       VireoCpuTopology        *topology);
gboolean  vireo_cpu_set_topology      (VireoDomainConfig       *config,
                                       const VireoCpuTopology  *topology,
                                       GError                 **error);
gboolean  vireo_cpu_topology_validate (const VireoCpuTopology  *topology,
                                       guint                    vcpus_max,
                                       GError                 **error);
void      vireo_cpu_topology_suggest  (guint                    vcpus,
                                       VireoCpuTopology        *topology);
gboolean  vireo_cpu_topology_fits     (VireoDomainConfig       *config,
                                       guint                    vcpus_max);

char     *vireo_cpu_dup_model         (VireoDomainConfig       *config);
gboolean  vireo_cpu_set_model         (VireoDomainConfig       *config,
                                       const char              *model,
                                       GError                 **error);
gboolean  vireo_cpu_set_mode          (VireoDomainConfig       *config,
                                       const char              *mode,
                                       GError                 **error);

G_END_DECLS
