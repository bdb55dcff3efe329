/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-command.h"
#include "vireo-history.h"

G_BEGIN_DECLS

/* Mirrors virDomainState so values can be passed straight through. */
typedef enum
{
  VIREO_DOMAIN_STATE_NOSTATE,
  VIREO_DOMAIN_STATE_RUNNING,
  VIREO_DOMAIN_STATE_BLOCKED,
  VIREO_DOMAIN_STATE_PAUSED,
  VIREO_DOMAIN_STATE_SHUTDOWN,
  VIREO_DOMAIN_STATE_SHUTOFF,
  VIREO_DOMAIN_STATE_CRASHED,
  VIREO_DOMAIN_STATE_PMSUSPENDED,
} VireoDomainState;

typedef struct _VireoConnection VireoConnection;
typedef struct _VireoDeletePlan VireoDeletePlan;

#define VIREO_TYPE_DOMAIN (vireo_domain_get_type ())
G_DECLARE_FINAL_TYPE (VireoDomain, vireo_domain, VIREO, DOMAIN, GObject)

VireoConnection    *vireo_domain_get_connection     (VireoDomain        *self);
const char         *vireo_domain_get_uuid           (VireoDomain        *self);
const char         *vireo_domain_get_name           (VireoDomain        *self);
const char         *vireo_domain_get_title          (VireoDomain        *self);
const char         *vireo_domain_get_description    (VireoDomain        *self);
VireoDomainState    vireo_domain_get_state          (VireoDomain        *self);
gboolean            vireo_domain_get_active         (VireoDomain        *self);
double              vireo_domain_get_cpu_percent    (VireoDomain        *self);
guint64             vireo_domain_get_memory_kib     (VireoDomain        *self);
guint64             vireo_domain_get_max_memory_kib (VireoDomain        *self);
guint               vireo_domain_get_vcpus          (VireoDomain        *self);
double              vireo_domain_get_disk_rate      (VireoDomain        *self);
double              vireo_domain_get_net_rate       (VireoDomain        *self);
guint64             vireo_domain_get_memory_used_kib (VireoDomain       *self);
double              vireo_domain_get_disk_read_rate  (VireoDomain       *self);
double              vireo_domain_get_disk_write_rate (VireoDomain       *self);
double              vireo_domain_get_net_rx_rate     (VireoDomain       *self);
double              vireo_domain_get_net_tx_rate     (VireoDomain       *self);
gboolean            vireo_domain_get_has_cpu         (VireoDomain       *self);
gboolean            vireo_domain_get_has_memory_used (VireoDomain       *self);
gboolean            vireo_domain_get_has_disk_io     (VireoDomain       *self);
gboolean            vireo_domain_get_has_net_io      (VireoDomain       *self);
gboolean            vireo_domain_get_has_stats       (VireoDomain       *self);
/* libvirt keeps a managed save image of this shut-off machine (Save in the
 * list made it): Run restores it. Known from the listing and each refresh;
 * the "state-label" property then says "Saved". */
gboolean            vireo_domain_get_has_saved_state (VireoDomain       *self);
/* Defined on the host (TRUE), or only running until it stops (a transient
 * machine). Known from the listing and each refresh; TRUE until then. */
gboolean            vireo_domain_get_persistent      (VireoDomain       *self);
const VireoHistory *vireo_domain_get_cpu_history    (VireoDomain        *self);
const VireoHistory *vireo_domain_get_memory_history (VireoDomain        *self);
const VireoHistory *vireo_domain_get_disk_read_history  (VireoDomain    *self);
const VireoHistory *vireo_domain_get_disk_write_history (VireoDomain    *self);
const VireoHistory *vireo_domain_get_net_rx_history     (VireoDomain    *self);
const VireoHistory *vireo_domain_get_net_tx_history     (VireoDomain    *self);
gboolean            vireo_domain_can_do             (VireoDomain        *self,
                                                     VireoDomainAction   action);
const char         *vireo_domain_state_to_string    (VireoDomainState    state);
const char         *vireo_domain_state_to_icon_name (VireoDomainState    state);

void                vireo_domain_action_async       (VireoDomain        *self,
                                                     VireoDomainAction   action,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean            vireo_domain_action_finish      (VireoDomain        *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
void                vireo_domain_read_xml_async     (VireoDomain        *self,
                                                     gboolean            inactive,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
char               *vireo_domain_read_xml_finish    (VireoDomain        *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
void                vireo_domain_define_xml_async   (VireoDomain        *self,
                                                     const char         *xml,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean            vireo_domain_define_xml_finish  (VireoDomain        *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
typedef enum
{
  VIREO_DEVICE_CHANGE_ATTACH,
  VIREO_DEVICE_CHANGE_DETACH,
  VIREO_DEVICE_CHANGE_UPDATE,
} VireoDeviceChange;

typedef enum /*< flags >*/
{
  VIREO_APPLY_CONFIG = 1 << 0,  /* the persistent definition */
  VIREO_APPLY_LIVE   = 1 << 1,  /* the running guest, now */
} VireoApplyFlags;

void                vireo_domain_change_device_async  (VireoDomain        *self,
                                                       VireoDeviceChange   change,
                                                       const char         *device_xml,
                                                       VireoApplyFlags     flags,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean            vireo_domain_change_device_finish (VireoDomain        *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);
void                vireo_domain_set_memory_async   (VireoDomain        *self,
                                                     guint64             kib,
                                                     VireoApplyFlags     flags,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean            vireo_domain_set_memory_finish  (VireoDomain        *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
void                vireo_domain_apply_live_async   (VireoDomain        *self,
                                                     GPtrArray          *changes,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
GPtrArray          *vireo_domain_apply_live_finish  (VireoDomain        *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
void                vireo_domain_rename_async       (VireoDomain        *self,
                                                     const char         *name,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean            vireo_domain_rename_finish      (VireoDomain        *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
void                vireo_domain_read_caps_async    (VireoDomain        *self,
                                                     const char         *emulator,
                                                     const char         *arch,
                                                     const char         *machine,
                                                     const char         *virttype,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
char               *vireo_domain_read_caps_finish   (VireoDomain        *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);

/* Graphical consoles: a connected socket to display @index (0 for the
 * first <graphics>), from the local daemon; see vireo-domain.c. */
void                vireo_domain_open_graphics_fd_async  (VireoDomain        *self,
                                                          guint               index,
                                                          GCancellable       *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer            user_data);
int                 vireo_domain_open_graphics_fd_finish (VireoDomain        *self,
                                                          GAsyncResult       *result,
                                                          GError            **error);
void                vireo_domain_plan_delete_async  (VireoDomain        *self,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
VireoDeletePlan    *vireo_domain_plan_delete_finish (VireoDomain        *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
void                vireo_domain_delete_async       (VireoDomain        *self,
                                                     VireoDeletePlan    *plan,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean            vireo_domain_delete_finish      (VireoDomain        *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);

G_END_DECLS
