/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-connection.h"
#include "vireo-history.h"

G_BEGIN_DECLS

#define VIREO_TYPE_HOST (vireo_host_get_type ())
G_DECLARE_FINAL_TYPE (VireoHost, vireo_host, VIREO, HOST, GObject)

VireoHost          *vireo_host_get_for_connection   (VireoConnection *connection);
VireoConnection    *vireo_host_dup_connection       (VireoHost       *self);
gboolean            vireo_host_get_has_facts        (VireoHost       *self);
const char         *vireo_host_get_hostname         (VireoHost       *self);
const char         *vireo_host_get_uri              (VireoHost       *self);
const char         *vireo_host_get_libvirt_version  (VireoHost       *self);
const char         *vireo_host_get_hypervisor       (VireoHost       *self);
const char         *vireo_host_get_cpu_model        (VireoHost       *self);
const char         *vireo_host_get_cpu_vendor       (VireoHost       *self);
const char         *vireo_host_get_arch             (VireoHost       *self);
guint               vireo_host_get_cpus             (VireoHost       *self);
guint               vireo_host_get_numa_nodes       (VireoHost       *self);
guint               vireo_host_get_sockets          (VireoHost       *self);
guint               vireo_host_get_cores            (VireoHost       *self);
guint               vireo_host_get_threads          (VireoHost       *self);
guint               vireo_host_get_mhz              (VireoHost       *self);
guint64             vireo_host_get_memory_kib       (VireoHost       *self);
gboolean            vireo_host_get_has_cpu_stats    (VireoHost       *self);
gboolean            vireo_host_get_has_memory_stats (VireoHost       *self);
double              vireo_host_get_cpu_percent      (VireoHost       *self);
guint64             vireo_host_get_memory_used_kib  (VireoHost       *self);
guint64             vireo_host_get_memory_total_kib (VireoHost       *self);
const VireoHistory *vireo_host_get_cpu_history      (VireoHost       *self);
const VireoHistory *vireo_host_get_memory_history   (VireoHost       *self);
gboolean            vireo_host_get_sampling         (VireoHost       *self);
guint               vireo_host_get_sample_interval  (VireoHost       *self);
void                vireo_host_set_sample_interval  (VireoHost       *self,
                                                     guint            msec);
void                vireo_host_start_sampling       (VireoHost       *self);
void                vireo_host_stop_sampling        (VireoHost       *self);

G_END_DECLS
