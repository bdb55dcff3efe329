/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One <machine> of a guest's arch or domain type. */
typedef struct
{
  char     *name;        /* "pc-q35-7.2", or an alias: "q35" */
  char     *canonical;   /* (nullable): what the alias stands for: "pc-q35-7.2" */
  guint     max_cpus;    /* 0 when not reported */
  gboolean  deprecated;  /* deprecated='yes' */
} VireoCapsMachine;

/* One <domain type='…'> of a guest: a virtualization type with, rarely,
 * an emulator and machine list of its own. */
typedef struct
{
  char      *type;       /* "kvm", "qemu", "test", "xen", … */
  char      *emulator;   /* (nullable): %NULL: the arch's */
  GPtrArray *machines;   /* (element-type VireoCapsMachine): its own, in
                            libvirt's order; empty: the arch's */
} VireoCapsDomain;

/* One <guest>: what the host can run of one OS type on one arch. */
typedef struct
{
  char      *os_type;    /* "hvm", "xen", "exe", "linux", … */
  char      *arch;       /* "x86_64", "i686", "aarch64", … */
  guint      wordsize;   /* 32, 64; 0 when not reported */
  char      *emulator;   /* (nullable) */
  GPtrArray *machines;   /* (element-type VireoCapsMachine): in libvirt's order */
  GPtrArray *domains;    /* (element-type VireoCapsDomain): in libvirt's order */
} VireoCapsGuest;

#define VIREO_TYPE_GUEST_CAPS (vireo_guest_caps_get_type ())
G_DECLARE_FINAL_TYPE (VireoGuestCaps, vireo_guest_caps, VIREO, GUEST_CAPS, GObject)

VireoGuestCaps         *vireo_guest_caps_new_from_xml          (const char      *xml,
                                                                GError         **error);

const char             *vireo_guest_caps_get_host_arch         (VireoGuestCaps  *self);
GPtrArray              *vireo_guest_caps_get_guests            (VireoGuestCaps  *self);

char                  **vireo_guest_caps_dup_arches            (VireoGuestCaps  *self);
char                  **vireo_guest_caps_dup_virt_types        (VireoGuestCaps  *self,
                                                                const char      *arch);
char                  **vireo_guest_caps_dup_machines          (VireoGuestCaps  *self,
                                                                const char      *arch,
                                                                const char      *virttype);
const char             *vireo_guest_caps_get_emulator          (VireoGuestCaps  *self,
                                                                const char      *arch,
                                                                const char      *virttype);
const VireoCapsMachine *vireo_guest_caps_lookup_machine        (VireoGuestCaps  *self,
                                                                const char      *arch,
                                                                const char      *virttype,
                                                                const char      *machine);
char                   *vireo_guest_caps_dup_canonical_machine (VireoGuestCaps  *self,
                                                                const char      *arch,
                                                                const char      *virttype,
                                                                const char      *machine);

G_END_DECLS
