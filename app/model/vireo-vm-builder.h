/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "vireo-domain-caps.h"
#include "vireo-domain-config.h"
#include "vireo-os-info.h"

G_BEGIN_DECLS

#define VIREO_VM_BUILDER_ERROR (vireo_vm_builder_error_quark ())

/* An error's code names the wizard field at fault, so the wizard can mark
 * that field and show the message under it. */
typedef enum
{
  VIREO_VM_BUILDER_ERROR_MEDIA,     /* install media, tree URL, disk to import */
  VIREO_VM_BUILDER_ERROR_ARCH,      /* architecture, machine type, virt type */
  VIREO_VM_BUILDER_ERROR_MEMORY,
  VIREO_VM_BUILDER_ERROR_VCPUS,
  VIREO_VM_BUILDER_ERROR_STORAGE,
  VIREO_VM_BUILDER_ERROR_NAME,
  VIREO_VM_BUILDER_ERROR_NETWORK,
  VIREO_VM_BUILDER_ERROR_FIRMWARE,
} VireoVmBuilderError;

GQuark vireo_vm_builder_error_quark (void);

typedef enum
{
  VIREO_INSTALL_MEDIA,     /* boot an ISO file, a pool's volume or a host CD drive */
  VIREO_INSTALL_NETWORK,   /* boot a distribution's install tree by URL */
  VIREO_INSTALL_PXE,       /* boot from the network card */
  VIREO_INSTALL_IMPORT,    /* boot an existing disk image */
  VIREO_INSTALL_MANUAL,    /* no install: define it, nothing more */
} VireoInstallMethod;

typedef enum
{
  VIREO_MEDIA_FILE,        /* an ISO file on the host */
  VIREO_MEDIA_VOLUME,      /* a volume of a storage pool */
  VIREO_MEDIA_DEVICE,      /* a host CD/DVD drive, /dev/sr0 */
} VireoMediaKind;

typedef enum
{
  VIREO_STORAGE_NEW,       /* a new volume in a pool */
  VIREO_STORAGE_EXISTING,  /* an image or device already there */
  VIREO_STORAGE_NONE,
} VireoStorageKind;

typedef enum
{
  VIREO_NETWORK_VIRTUAL,   /* a libvirt virtual network, by name */
  VIREO_NETWORK_BRIDGE,    /* a host bridge, by device name */
  VIREO_NETWORK_MACVTAP,   /* macvtap on a host interface */
  VIREO_NETWORK_USER,      /* user-mode networking (session connections) */
  VIREO_NETWORK_NONE,
} VireoNetworkKind;

typedef enum
{
  VIREO_FIRMWARE_BIOS,
  VIREO_FIRMWARE_UEFI,
  VIREO_FIRMWARE_UEFI_SECURE,
} VireoFirmwareChoice;

/* The answers the operating system gives defaults for. Once the user sets
 * one, it keeps the user's value whatever OS is chosen later, until
 * vireo_vm_builder_reset_field(). */
typedef enum
{
  VIREO_VM_FIELD_MEMORY    = 1 << 0,
  VIREO_VM_FIELD_VCPUS     = 1 << 1,
  VIREO_VM_FIELD_DISK_SIZE = 1 << 2,
  VIREO_VM_FIELD_FIRMWARE  = 1 << 3,
  VIREO_VM_FIELD_TPM       = 1 << 4,
  VIREO_VM_FIELD_NAME      = 1 << 5,
} VireoVmField;

typedef enum
{
  VIREO_VOLUME_ROLE_DISK,    /* the new disk */
  VIREO_VOLUME_ROLE_KERNEL,  /* a network install's kernel, removed once started */
  VIREO_VOLUME_ROLE_INITRD,  /* and its initrd */
} VireoVolumeRole;

/* One volume the creation job makes before it defines the machine. */
typedef struct
{
  VireoVolumeRole  role;
  char            *pool;
  char            *name;
  char            *format;      /* "qcow2", "raw" */
  guint64          capacity;    /* bytes; for a download, its size once fetched */
  guint64          allocation;  /* bytes: 0 is thin, the capacity is "allocate now" */
  char            *path;        /* (nullable): the path the definition names it by */
  char            *source_uri;  /* (nullable): fetched into it (kernel, initrd) */
} VireoVolumePlan;

void             vireo_volume_plan_free   (VireoVolumePlan       *plan);
VireoVolumePlan *vireo_volume_plan_copy   (const VireoVolumePlan *plan);
char            *vireo_volume_plan_to_xml (const VireoVolumePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoVolumePlan, vireo_volume_plan_free)

/* Everything the creation job needs, as plain data: it runs on a worker
 * thread and never sees the builder. */
typedef struct
{
  char      *name;
  char      *uuid;
  char      *final_xml;    /* defined: the machine as it boots after the install */
  char      *install_xml;  /* (nullable): the first boot, started over the definition */
  GPtrArray *volumes;      /* (element-type VireoVolumePlan) */
  gboolean   start;        /* FALSE for a manual install: defined only */
  gboolean   customize;    /* defined as asked and left for the user to change:
                            * vireo_create_job_begin_install_async() goes on */
} VireoCreatePlan;

void             vireo_create_plan_free   (VireoCreatePlan       *plan);
VireoCreatePlan *vireo_create_plan_copy   (const VireoCreatePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoCreatePlan, vireo_create_plan_free)

#define VIREO_TYPE_VM_BUILDER (vireo_vm_builder_get_type ())
G_DECLARE_FINAL_TYPE (VireoVmBuilder, vireo_vm_builder, VIREO, VM_BUILDER, GObject)

VireoVmBuilder     *vireo_vm_builder_new                 (void);

/* The host */
void                vireo_vm_builder_set_caps            (VireoVmBuilder     *self,
                                                          VireoDomainCaps    *caps);
VireoDomainCaps    *vireo_vm_builder_get_caps            (VireoVmBuilder     *self);
void                vireo_vm_builder_set_machine         (VireoVmBuilder     *self,
                                                          const char         *machine);
char               *vireo_vm_builder_dup_machine         (VireoVmBuilder     *self);
const char         *vireo_vm_builder_get_preferred_machine (VireoVmBuilder   *self,
                                                          const char         *arch);
void                vireo_vm_builder_set_host            (VireoVmBuilder     *self,
                                                          guint64             memory_bytes,
                                                          guint               n_cpus);
void                vireo_vm_builder_set_existing_names  (VireoVmBuilder     *self,
                                                          const char * const *names);

/* Step 1: install method */
void                vireo_vm_builder_set_method          (VireoVmBuilder     *self,
                                                          VireoInstallMethod  method);
VireoInstallMethod  vireo_vm_builder_get_method          (VireoVmBuilder     *self);
void                vireo_vm_builder_set_media           (VireoVmBuilder     *self,
                                                          VireoMediaKind      kind,
                                                          const char         *path);
void                vireo_vm_builder_set_media_volume    (VireoVmBuilder     *self,
                                                          const char         *pool,
                                                          const char         *volume,
                                                          const char         *path);
VireoMediaKind      vireo_vm_builder_get_media_kind      (VireoVmBuilder     *self);
const char         *vireo_vm_builder_get_media_path      (VireoVmBuilder     *self);
void                vireo_vm_builder_set_location        (VireoVmBuilder     *self,
                                                          const char         *url,
                                                          const char         *kernel_args);
void                vireo_vm_builder_set_location_files  (VireoVmBuilder     *self,
                                                          const char         *kernel,
                                                          const char         *initrd);
const char         *vireo_vm_builder_get_location        (VireoVmBuilder     *self);
char               *vireo_vm_builder_dup_kernel_args     (VireoVmBuilder     *self);
void                vireo_vm_builder_set_import_disk     (VireoVmBuilder     *self,
                                                          const char         *path,
                                                          const char         *format);

/* Step 2: operating system */
void                vireo_vm_builder_set_os              (VireoVmBuilder     *self,
                                                          VireoOsInfo        *os);
VireoOsInfo        *vireo_vm_builder_get_os              (VireoVmBuilder     *self);

/* Step 3: memory and CPUs */
void                vireo_vm_builder_set_memory_mib      (VireoVmBuilder     *self,
                                                          guint64             mib);
guint64             vireo_vm_builder_get_memory_mib      (VireoVmBuilder     *self);
void                vireo_vm_builder_set_vcpus           (VireoVmBuilder     *self,
                                                          guint               vcpus);
guint               vireo_vm_builder_get_vcpus           (VireoVmBuilder     *self);
char               *vireo_vm_builder_dup_resource_warning (VireoVmBuilder    *self);

/* Step 4: storage */
void                vireo_vm_builder_set_storage         (VireoVmBuilder     *self,
                                                          VireoStorageKind    kind);
VireoStorageKind    vireo_vm_builder_get_storage         (VireoVmBuilder     *self);
void                vireo_vm_builder_set_disk_size       (VireoVmBuilder     *self,
                                                          guint64             bytes);
guint64             vireo_vm_builder_get_disk_size       (VireoVmBuilder     *self);
void                vireo_vm_builder_set_disk_format     (VireoVmBuilder     *self,
                                                          const char         *format);
const char         *vireo_vm_builder_get_disk_format     (VireoVmBuilder     *self);
void                vireo_vm_builder_set_allocate_now    (VireoVmBuilder     *self,
                                                          gboolean            allocate_now);
void                vireo_vm_builder_set_pool            (VireoVmBuilder     *self,
                                                          const char         *name,
                                                          const char         *target_path,
                                                          guint64             available_bytes,
                                                          const char * const *volume_names);
void                vireo_vm_builder_set_existing_disk   (VireoVmBuilder     *self,
                                                          const char         *path,
                                                          const char         *format);
gboolean            vireo_vm_builder_check_storage       (VireoVmBuilder     *self,
                                                          GError            **error);

/* Step 5: name, network, firmware */
void                vireo_vm_builder_set_name            (VireoVmBuilder     *self,
                                                          const char         *name);
char               *vireo_vm_builder_dup_name            (VireoVmBuilder     *self);
char               *vireo_vm_builder_suggest_name        (VireoVmBuilder     *self);
gboolean            vireo_vm_builder_check_name          (VireoVmBuilder     *self,
                                                          GError            **error);
void                vireo_vm_builder_set_network         (VireoVmBuilder     *self,
                                                          VireoNetworkKind    kind,
                                                          const char         *source,
                                                          const char         *mode);
VireoNetworkKind    vireo_vm_builder_get_network         (VireoVmBuilder     *self);
void                vireo_vm_builder_set_firmware        (VireoVmBuilder     *self,
                                                          VireoFirmwareChoice firmware);
VireoFirmwareChoice vireo_vm_builder_get_firmware        (VireoVmBuilder     *self);
void                vireo_vm_builder_set_tpm             (VireoVmBuilder     *self,
                                                          gboolean            tpm);
gboolean            vireo_vm_builder_get_tpm             (VireoVmBuilder     *self);

/* Defaults and the user's own values */
gboolean            vireo_vm_builder_is_user_set         (VireoVmBuilder     *self,
                                                          VireoVmField        field);
void                vireo_vm_builder_reset_field         (VireoVmBuilder     *self,
                                                          VireoVmField        field);
void                vireo_vm_builder_set_identity        (VireoVmBuilder     *self,
                                                          const char         *uuid,
                                                          const char         *mac);

/* Results */
gboolean            vireo_vm_builder_validate            (VireoVmBuilder     *self,
                                                          GError            **error);
VireoDomainConfig  *vireo_vm_builder_dup_config          (VireoVmBuilder     *self,
                                                          GError            **error);
VireoDomainConfig  *vireo_vm_builder_dup_install_config  (VireoVmBuilder     *self,
                                                          VireoDomainConfig  *config,
                                                          GError            **error);
VireoDomainConfig  *vireo_vm_builder_dup_final_config    (VireoVmBuilder     *self,
                                                          VireoDomainConfig  *config,
                                                          GError            **error);
GPtrArray          *vireo_vm_builder_list_volumes        (VireoVmBuilder     *self);
VireoCreatePlan    *vireo_vm_builder_dup_plan            (VireoVmBuilder     *self,
                                                          VireoDomainConfig  *config,
                                                          GError            **error);
VireoCreatePlan    *vireo_vm_builder_dup_customize_plan  (VireoVmBuilder     *self,
                                                          GError            **error);
gboolean            vireo_vm_builder_get_has_install_phase (VireoVmBuilder   *self);
GStrv               vireo_vm_builder_dup_virt_install_command (VireoVmBuilder *self,
                                                          const char         *uri,
                                                          char              **out_display);

G_END_DECLS
