/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "vireo-domain-config.h"

G_BEGIN_DECLS

typedef enum
{
  VIREO_LIVE_ATTACH,       /* hot-plug xml */
  VIREO_LIVE_DETACH,       /* unplug xml */
  VIREO_LIVE_UPDATE,       /* xml is the device as it should be */
  VIREO_LIVE_MEMORY,       /* value: KiB, the balloon target */
  VIREO_LIVE_VCPUS,        /* value: vCPUs online */
  VIREO_LIVE_TITLE,        /* text */
  VIREO_LIVE_DESCRIPTION,  /* text */
} VireoLiveChangeKind;

/* One change a running guest can take now; the definition gets it
 * through a define. Whoever applies it fills in error. */
typedef struct
{
  VireoLiveChangeKind  kind;
  char                *what;    /* for people: "Disk vdb", "Memory" */
  char                *xml;
  char                *text;
  guint64              value;
  GError              *error;
} VireoLiveChange;

void       vireo_live_change_free      (VireoLiveChange   *change);
GPtrArray *vireo_live_changes_between  (VireoDomainConfig *before,
                                        VireoDomainConfig *after);
char      *vireo_live_change_to_command (VireoLiveChange  *change,
                                         const char       *uri,
                                         const char       *domain_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoLiveChange, vireo_live_change_free)

G_END_DECLS
