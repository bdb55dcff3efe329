/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-vm-builder"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-boot.h"
#include "vireo-command.h"
#include "vireo-disk.h"
#include "vireo-firmware.h"
#include "vireo-format.h"
#include "vireo-model-private.h"
#include "vireo-vm-builder.h"
#include "vireo-xml.h"

/*
 * The New VM wizard's answers, and the machine they make.
 *
 * Defaults come from the operating system (libosinfo through VireoOsInfo)
 * and the host's domain capabilities, and are computed when read, never
 * stored: a field the user set (VireoVmField) keeps the user's value
 * whatever OS is chosen afterwards, and every other field follows the OS.
 *
 * Two definitions, as virt-install makes them (virtinst/install/
 * installer.py, virt-manager 4.1 to 5.x):
 *
 * - the *final* one is the machine as it should boot once installed: from
 *   its disk, the install CD-ROM kept but empty (Windows keeps its media:
 *   its setup reboots into the CD more than once), no install kernel;
 * - the *install* one is the same machine booting the media, the PXE ROM
 *   or the tree's kernel first, with <on_reboot>destroy</on_reboot>: the
 *   installer's closing reboot ends that first run instead of booting the
 *   media again.
 *
 * virt-install calls virDomainCreateXML(install) and then
 * virDomainDefineXML(final). Vireo defines first and then starts the
 * install document with virDomainCreateXML: for a name that is defined
 * and inactive, libvirt 9.0 runs the given document as the live
 * definition and keeps the defined one for the next start (checked on
 * the QEMU and test drivers: dumpxml shows on_reboot destroy,
 * dumpxml --inactive restart). The result is the same machine, and the
 * order lets a clash of names fail before anything runs, and a failed
 * start be undone by one undefine. Both documents carry the same UUID and
 * MAC address (the builder makes them up front, unlike libvirt, which
 * would give the two documents different ones).
 *
 * So after the install the guest powers off once (its reboot), and the
 * next start boots the final definition: whoever watches the new
 * machine (the wizard's caller) starts it again when that first run ends,
 * as virt-manager and virt-install --wait do.
 *
 * Network installs: libvirt cannot boot a URL. The creation job fetches
 * the tree's kernel and initrd into volumes of the disk's pool (the same
 * thing virt-install does on remote connections), the install document
 * boots them directly with the tree's URL in the kernel arguments, and
 * the job deletes both volumes once QEMU has loaded them (at start). The
 * files' places in a tree follow the distribution (table below; the
 * caller may name others); a `.treeinfo` reader would be the next step.
 *
 * Firmware: UEFI only where the system needs it (Windows 11), as
 * virt-install 4.1 does. libvirt 9.0 cannot take internal snapshots of a
 * machine with a UEFI variable store, and Vireo's snapshots are internal.
 */

#define KIB G_GUINT64_CONSTANT (1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

/* The most bytes a name may take: libvirt names files after it (NAME.xml,
 * NAME_VARS.fd, NAME.log), and file names end at 255. */
#define NAME_MAX_BYTES 200

/* Spare PCIe root ports on Q35, so that devices can be hot-plugged later:
 * virt-install's count. */
#define N_ROOT_PORTS 14

#define DEFAULT_MEMORY_MIB   2048
#define DEFAULT_VCPUS        2
#define DEFAULT_DISK_SIZE    (20 * GIB)

G_DEFINE_QUARK (vireo-vm-builder-error-quark, vireo_vm_builder_error)

struct _VireoVmBuilder
{
  GObject parent_instance;

  /* Owned */
  VireoDomainCaps     *caps;
  VireoOsInfo         *os;
  char                *machine;
  GStrv                existing_names;
  guint64              host_memory;
  guint                host_cpus;

  VireoInstallMethod   method;
  VireoMediaKind       media_kind;
  char                *media_path;
  char                *media_pool;
  char                *media_volume;
  char                *location;
  char                *kernel_args;
  char                *tree_kernel;
  char                *tree_initrd;

  VireoStorageKind     storage;
  char                *disk_format;
  gboolean             allocate_now;
  char                *pool;
  char                *pool_path;
  guint64              pool_available;
  GStrv                pool_volumes;
  char                *existing_path;
  char                *existing_format;

  VireoNetworkKind     network;
  char                *network_source;
  char                *network_mode;

  char                *uuid;
  char                *mac;

  /* The user's own values, meaningful where user_set has their bit */
  guint                user_set;
  guint64              memory_mib;
  guint                vcpus;
  guint64              disk_size;
  VireoFirmwareChoice  firmware;
  gboolean             tpm;
  char                *name;
};

G_DEFINE_FINAL_TYPE (VireoVmBuilder, vireo_vm_builder, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------ */
/* Plans                                                                     */

void
vireo_volume_plan_free (VireoVolumePlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->pool);
  g_free (plan->name);
  g_free (plan->format);
  g_free (plan->path);
  g_free (plan->source_uri);
  g_free (plan);
}

VireoVolumePlan *
vireo_volume_plan_copy (const VireoVolumePlan *plan)
{
  VireoVolumePlan *copy;

  g_return_val_if_fail (plan != NULL, NULL);

  copy = g_new0 (VireoVolumePlan, 1);
  copy->role = plan->role;
  copy->pool = g_strdup (plan->pool);
  copy->name = g_strdup (plan->name);
  copy->format = g_strdup (plan->format);
  copy->capacity = plan->capacity;
  copy->allocation = plan->allocation;
  copy->path = g_strdup (plan->path);
  copy->source_uri = g_strdup (plan->source_uri);
  return copy;
}

/**
 * vireo_volume_plan_to_xml:
 *
 * The `<volume>` document for virStorageVolCreateXML(). Names are the
 * user's text and reach libvirt escaped, never as markup. An allocation
 * equal to the capacity asks libvirt to allocate it all now (for qcow2,
 * with preallocation); 0 makes a sparse image.
 *
 * Returns: (transfer full): the XML
 */
char *
vireo_volume_plan_to_xml (const VireoVolumePlan *plan)
{
  g_autoptr(GString) xml = g_string_new ("<volume>\n");
  g_autofree char *name = NULL;
  g_autofree char *format = NULL;

  g_return_val_if_fail (plan != NULL && plan->name != NULL, NULL);

  name = g_markup_escape_text (plan->name, -1);
  format = g_markup_escape_text (plan->format != NULL ? plan->format : "raw", -1);
  g_string_append_printf (xml,
                          "  <name>%s</name>\n"
                          "  <capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>\n"
                          "  <allocation unit='bytes'>%" G_GUINT64_FORMAT "</allocation>\n"
                          "  <target>\n"
                          "    <format type='%s'/>\n"
                          "  </target>\n"
                          "</volume>\n",
                          name, plan->capacity, MIN (plan->allocation, plan->capacity), format);
  return g_string_free (g_steal_pointer (&xml), FALSE);
}

void
vireo_create_plan_free (VireoCreatePlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->name);
  g_free (plan->uuid);
  g_free (plan->final_xml);
  g_free (plan->install_xml);
  g_clear_pointer (&plan->volumes, g_ptr_array_unref);
  g_free (plan);
}

VireoCreatePlan *
vireo_create_plan_copy (const VireoCreatePlan *plan)
{
  VireoCreatePlan *copy;

  g_return_val_if_fail (plan != NULL, NULL);

  copy = g_new0 (VireoCreatePlan, 1);
  copy->name = g_strdup (plan->name);
  copy->uuid = g_strdup (plan->uuid);
  copy->final_xml = g_strdup (plan->final_xml);
  copy->install_xml = g_strdup (plan->install_xml);
  copy->start = plan->start;
  copy->customize = plan->customize;
  copy->volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_volume_plan_free);
  for (guint i = 0; plan->volumes != NULL && i < plan->volumes->len; i++)
    g_ptr_array_add (copy->volumes, vireo_volume_plan_copy (plan->volumes->pdata[i]));
  return copy;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
vireo_vm_builder_dispose (GObject *object)
{
  VireoVmBuilder *self = VIREO_VM_BUILDER (object);

  g_clear_object (&self->caps);
  g_clear_object (&self->os);

  G_OBJECT_CLASS (vireo_vm_builder_parent_class)->dispose (object);
}

static void
vireo_vm_builder_finalize (GObject *object)
{
  VireoVmBuilder *self = VIREO_VM_BUILDER (object);

  g_free (self->machine);
  g_strfreev (self->existing_names);
  g_free (self->media_path);
  g_free (self->media_pool);
  g_free (self->media_volume);
  g_free (self->location);
  g_free (self->kernel_args);
  g_free (self->tree_kernel);
  g_free (self->tree_initrd);
  g_free (self->disk_format);
  g_free (self->pool);
  g_free (self->pool_path);
  g_strfreev (self->pool_volumes);
  g_free (self->existing_path);
  g_free (self->existing_format);
  g_free (self->network_source);
  g_free (self->network_mode);
  g_free (self->uuid);
  g_free (self->mac);
  g_free (self->name);

  G_OBJECT_CLASS (vireo_vm_builder_parent_class)->finalize (object);
}

static void
vireo_vm_builder_class_init (VireoVmBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vireo_vm_builder_dispose;
  object_class->finalize = vireo_vm_builder_finalize;

  /**
   * VireoVmBuilder::changed:
   *
   * An answer changed, and with it possibly any default, the summary and
   * the equivalent command.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static char *
random_mac (void)
{
  /* 52:54:00 is QEMU's own prefix, the one libvirt generates from. */
  return g_strdup_printf ("52:54:00:%02x:%02x:%02x",
                          (guint) g_random_int_range (0, 256),
                          (guint) g_random_int_range (0, 256),
                          (guint) g_random_int_range (0, 256));
}

static void
vireo_vm_builder_init (VireoVmBuilder *self)
{
  self->method = VIREO_INSTALL_MEDIA;
  self->storage = VIREO_STORAGE_NEW;
  self->disk_format = g_strdup ("qcow2");
  self->network = VIREO_NETWORK_VIRTUAL;
  self->network_source = g_strdup ("default");
  self->uuid = g_uuid_string_random ();
  self->mac = random_mac ();
}

VireoVmBuilder *
vireo_vm_builder_new (void)
{
  return g_object_new (VIREO_TYPE_VM_BUILDER, NULL);
}

static void
changed (VireoVmBuilder *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Replaces *@field with a copy of @value; whether it changed. Empty
 * strings count as unset. */
static gboolean
set_string (char       **field,
            const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Facts derived from the answers                                            */

static const char *
get_arch (VireoVmBuilder *self)
{
  const char *arch = self->caps != NULL ? vireo_domain_caps_get_arch (self->caps) : NULL;

  return arch != NULL ? arch : "x86_64";
}

static gboolean
arch_is_x86 (const char *arch)
{
  return g_strcmp0 (arch, "x86_64") == 0 || g_strcmp0 (arch, "i686") == 0;
}

static gboolean
is_x86 (VireoVmBuilder *self)
{
  return arch_is_x86 (get_arch (self));
}

/* An OS that says something: not "none chosen", not libosinfo's unknown. */
static VireoOsInfo *
known_os (VireoVmBuilder *self)
{
  if (self->os == NULL || vireo_os_info_get_unknown (self->os))
    return NULL;
  return self->os;
}

static gboolean
is_windows (VireoVmBuilder *self)
{
  return known_os (self) != NULL && g_strcmp0 (vireo_os_info_get_family (self->os), "winnt") == 0;
}

static gboolean
is_linux (VireoVmBuilder *self)
{
  return known_os (self) != NULL && g_strcmp0 (vireo_os_info_get_family (self->os), "linux") == 0;
}

static gboolean
is_q35 (const char *machine)
{
  return machine != NULL && strstr (machine, "q35") != NULL;
}

/* A machine whose devices sit on PCI Express root ports. */
static gboolean
is_pcie (VireoVmBuilder *self,
         const char     *machine)
{
  return is_q35 (machine) || (!is_x86 (self) && g_strcmp0 (machine, "virt") == 0) ||
         (!is_x86 (self) && machine != NULL && g_str_has_prefix (machine, "virt-"));
}

static gboolean
caps_enum_has (VireoVmBuilder *self,
               const char     *device,
               const char     *name,
               const char     *value)
{
  g_auto(GStrv) values = NULL;

  /* A missing enum means "not reported", which is not "no". */
  if (self->caps == NULL)
    return TRUE;
  values = vireo_domain_caps_dup_enum (self->caps, device, name);
  if (values == NULL)
    return TRUE;
  return g_strv_contains ((const char * const *) values, value);
}

static gboolean
caps_enum_reported (VireoVmBuilder *self,
                    const char     *device,
                    const char     *name)
{
  g_auto(GStrv) values = NULL;

  if (self->caps == NULL)
    return FALSE;
  values = vireo_domain_caps_dup_enum (self->caps, device, name);
  return values != NULL;
}

static gboolean
has_install_phase (VireoVmBuilder *self)
{
  return self->method == VIREO_INSTALL_MEDIA || self->method == VIREO_INSTALL_NETWORK ||
         self->method == VIREO_INSTALL_PXE;
}

static gboolean
has_disk (VireoVmBuilder *self)
{
  return self->storage != VIREO_STORAGE_NONE;
}

static guint64
round_up (guint64 value,
          guint64 unit)
{
  return (value + unit - 1) / unit * unit;
}

/* ------------------------------------------------------------------------ */
/* Defaults                                                                  */

static void
os_resources (VireoVmBuilder   *self,
              VireoOsResources *minimum,
              VireoOsResources *recommended)
{
  memset (minimum, 0, sizeof *minimum);
  memset (recommended, 0, sizeof *recommended);
  if (known_os (self) == NULL)
    return;
  vireo_os_info_get_minimum_resources (self->os, minimum);
  vireo_os_info_get_recommended_resources (self->os, recommended);
}

static guint64
default_memory_mib (VireoVmBuilder *self)
{
  VireoOsResources minimum, recommended;
  guint64 bytes;

  os_resources (self, &minimum, &recommended);
  bytes = recommended.ram != 0 ? recommended.ram : DEFAULT_MEMORY_MIB * MIB;
  /* Never half the host or more by default, unless the system needs it. */
  if (self->host_memory != 0 && bytes > self->host_memory / 2)
    bytes = MAX (minimum.ram, self->host_memory / 2);
  return MAX (round_up (bytes, MIB) / MIB, 1);
}

static guint
default_vcpus (VireoVmBuilder *self)
{
  VireoOsResources minimum, recommended;
  guint vcpus;

  os_resources (self, &minimum, &recommended);
  vcpus = MAX (MAX (recommended.n_cpus, minimum.n_cpus), DEFAULT_VCPUS);
  if (self->host_cpus != 0)
    vcpus = MIN (vcpus, self->host_cpus);
  if (self->caps != NULL && vireo_domain_caps_get_max_vcpus (self->caps) != 0)
    vcpus = MIN (vcpus, vireo_domain_caps_get_max_vcpus (self->caps));
  return MAX (vcpus, 1);
}

static guint64
default_disk_size (VireoVmBuilder *self)
{
  VireoOsResources minimum, recommended;
  guint64 bytes;

  os_resources (self, &minimum, &recommended);
  bytes = recommended.storage != 0 ? recommended.storage :
          minimum.storage != 0 ? minimum.storage : DEFAULT_DISK_SIZE;
  return round_up (bytes, GIB);
}

static VireoFirmwareChoice
default_firmware (VireoVmBuilder *self)
{
  g_autofree char *machine = vireo_vm_builder_dup_machine (self);
  gboolean secure;

  /* Off x86 (aarch64 "virt") there is no BIOS to boot. */
  if (!is_x86 (self))
    return VIREO_FIRMWARE_UEFI;
  if (known_os (self) == NULL || !vireo_os_info_get_needs_uefi (self->os))
    return VIREO_FIRMWARE_BIOS;
  secure = vireo_os_info_get_secure_boot (self->os) && is_q35 (machine) &&
           (self->caps == NULL || vireo_domain_caps_supports_secure_boot (self->caps));
  return secure ? VIREO_FIRMWARE_UEFI_SECURE : VIREO_FIRMWARE_UEFI;
}

static gboolean
default_tpm (VireoVmBuilder *self)
{
  return known_os (self) != NULL && vireo_os_info_get_needs_tpm (self->os);
}

/* ------------------------------------------------------------------------ */
/* The host                                                                  */

/**
 * vireo_vm_builder_set_caps:
 * @caps: (nullable): the domain capabilities for the chosen emulator,
 *   architecture, machine type and virt type
 *
 * The architecture, virt type (`<domain type>`), emulator and, unless set
 * with vireo_vm_builder_set_machine(), the machine type come from here.
 */
void
vireo_vm_builder_set_caps (VireoVmBuilder  *self,
                           VireoDomainCaps *caps)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));
  g_return_if_fail (caps == NULL || VIREO_IS_DOMAIN_CAPS (caps));

  if (g_set_object (&self->caps, caps))
    changed (self);
}

/** vireo_vm_builder_get_caps: Returns: (transfer none) (nullable): */
VireoDomainCaps *
vireo_vm_builder_get_caps (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);
  return self->caps;
}

/**
 * vireo_vm_builder_set_machine:
 * @machine: (nullable): a machine type ("q35", "pc-i440fx-7.2"), or %NULL
 *   for the capabilities' own
 */
void
vireo_vm_builder_set_machine (VireoVmBuilder *self,
                              const char     *machine)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  if (set_string (&self->machine, machine))
    changed (self);
}

/**
 * vireo_vm_builder_dup_machine:
 *
 * Returns: (transfer full) (nullable): the machine type the definition
 *   names: the one set, else the capabilities', else the preferred one
 */
char *
vireo_vm_builder_dup_machine (VireoVmBuilder *self)
{
  const char *machine;

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);

  if (self->machine != NULL)
    return g_strdup (self->machine);
  machine = self->caps != NULL ? vireo_domain_caps_get_machine (self->caps) : NULL;
  if (machine != NULL)
    return g_strdup (machine);
  return g_strdup (vireo_vm_builder_get_preferred_machine (self, get_arch (self)));
}

/**
 * vireo_vm_builder_get_preferred_machine:
 * @arch: (nullable): the architecture (default: the capabilities', else
 *   x86_64)
 *
 * The machine type to ask the host's domain capabilities for, given the
 * operating system: Q35 unless the system is known not to run on it.
 *
 * Returns: (nullable): "q35", "pc", "virt", or %NULL for the emulator's
 *   default
 */
const char *
vireo_vm_builder_get_preferred_machine (VireoVmBuilder *self,
                                        const char     *arch)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);

  if (arch == NULL)
    arch = get_arch (self);
  if (arch_is_x86 (arch))
    return known_os (self) == NULL || vireo_os_info_get_q35 (self->os) ? "q35" : "pc";
  if (g_str_equal (arch, "aarch64") || g_str_equal (arch, "armv7l") || g_str_equal (arch, "riscv64"))
    return "virt";
  return NULL;
}

/**
 * vireo_vm_builder_set_host:
 * @memory_bytes: the host's memory, 0 when unknown
 * @n_cpus: its logical CPUs, 0 when unknown
 *
 * For the defaults (never half the host's memory or more) and for
 * vireo_vm_builder_dup_resource_warning().
 */
void
vireo_vm_builder_set_host (VireoVmBuilder *self,
                           guint64         memory_bytes,
                           guint           n_cpus)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  if (self->host_memory == memory_bytes && self->host_cpus == n_cpus)
    return;
  self->host_memory = memory_bytes;
  self->host_cpus = n_cpus;
  changed (self);
}

/**
 * vireo_vm_builder_set_existing_names:
 * @names: (nullable) (array zero-terminated=1): the names of every machine
 *   on the connection
 */
void
vireo_vm_builder_set_existing_names (VireoVmBuilder     *self,
                                     const char * const *names)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  g_strfreev (self->existing_names);
  self->existing_names = g_strdupv ((char **) names);
  changed (self);
}

/* ------------------------------------------------------------------------ */
/* Install method                                                            */

void
vireo_vm_builder_set_method (VireoVmBuilder     *self,
                             VireoInstallMethod  method)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));
  g_return_if_fail (method <= VIREO_INSTALL_MANUAL);

  if (self->method == method)
    return;
  self->method = method;
  changed (self);
}

VireoInstallMethod
vireo_vm_builder_get_method (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), VIREO_INSTALL_MEDIA);
  return self->method;
}

/**
 * vireo_vm_builder_set_media:
 * @kind: %VIREO_MEDIA_FILE or %VIREO_MEDIA_DEVICE
 * @path: (nullable): an ISO file or a CD drive on the host
 *
 * The media a %VIREO_INSTALL_MEDIA install boots.
 */
void
vireo_vm_builder_set_media (VireoVmBuilder *self,
                            VireoMediaKind  kind,
                            const char     *path)
{
  gboolean change;

  g_return_if_fail (VIREO_IS_VM_BUILDER (self));
  g_return_if_fail (kind == VIREO_MEDIA_FILE || kind == VIREO_MEDIA_DEVICE);

  change = self->media_kind != kind;
  self->media_kind = kind;
  change |= set_string (&self->media_path, path);
  change |= set_string (&self->media_pool, NULL);
  change |= set_string (&self->media_volume, NULL);
  if (change)
    changed (self);
}

/**
 * vireo_vm_builder_set_media_volume:
 * @path: the volume's path, which the definition names (as virt-install
 *   does with a volume given as --cdrom)
 */
void
vireo_vm_builder_set_media_volume (VireoVmBuilder *self,
                                   const char     *pool,
                                   const char     *volume,
                                   const char     *path)
{
  gboolean change;

  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  change = self->media_kind != VIREO_MEDIA_VOLUME;
  self->media_kind = VIREO_MEDIA_VOLUME;
  change |= set_string (&self->media_path, path);
  change |= set_string (&self->media_pool, pool);
  change |= set_string (&self->media_volume, volume);
  if (change)
    changed (self);
}

VireoMediaKind
vireo_vm_builder_get_media_kind (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), VIREO_MEDIA_FILE);
  return self->media_kind;
}

/** vireo_vm_builder_get_media_path: Returns: (nullable): */
const char *
vireo_vm_builder_get_media_path (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);
  return self->media_path;
}

/**
 * vireo_vm_builder_set_location:
 * @url: (nullable): the install tree (http, https, ftp, nfs or file)
 * @kernel_args: (nullable): extra kernel arguments for the installer
 */
void
vireo_vm_builder_set_location (VireoVmBuilder *self,
                               const char     *url,
                               const char     *kernel_args)
{
  gboolean change;

  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  change = set_string (&self->location, url);
  change |= set_string (&self->kernel_args, kernel_args);
  if (change)
    changed (self);
}

/**
 * vireo_vm_builder_set_location_files:
 * @kernel: (nullable): the kernel's path inside the tree, %NULL for the
 *   distribution's usual place
 * @initrd: (nullable): the same for the initrd
 */
void
vireo_vm_builder_set_location_files (VireoVmBuilder *self,
                                     const char     *kernel,
                                     const char     *initrd)
{
  gboolean change;

  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  change = set_string (&self->tree_kernel, kernel);
  change |= set_string (&self->tree_initrd, initrd);
  if (change)
    changed (self);
}

/** vireo_vm_builder_get_location: Returns: (nullable): */
const char *
vireo_vm_builder_get_location (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);
  return self->location;
}

/* Where distributions keep the installer's kernel and initrd in a tree,
 * and the argument that tells the installer where the tree is (virtinst's
 * urldetect.py and libosinfo's kernel-url-argument say the same). */
static const struct
{
  const char *distros;   /* libosinfo distro ids, space-separated */
  const char *kernel;
  const char *initrd;
  const char *url_arg;
} tree_layouts[] = {
  { "fedora rhel centos centos-stream almalinux rocky ol eurolinux circle",
    "images/pxeboot/vmlinuz", "images/pxeboot/initrd.img", "inst.repo" },
  { "opensuse sles sled",
    "boot/x86_64/loader/linux", "boot/x86_64/loader/initrd", "install" },
  { "debian",
    "current/images/netboot/debian-installer/amd64/linux",
    "current/images/netboot/debian-installer/amd64/initrd.gz", NULL },
  { "ubuntu",
    "current/legacy-images/netboot/ubuntu-installer/amd64/linux",
    "current/legacy-images/netboot/ubuntu-installer/amd64/initrd.gz", NULL },
};

static gint
tree_layout_index (VireoVmBuilder *self)
{
  const char *distro = known_os (self) != NULL ? vireo_os_info_get_distro (self->os) : NULL;

  if (distro == NULL)
    return -1;
  for (guint i = 0; i < G_N_ELEMENTS (tree_layouts); i++)
    {
      g_auto(GStrv) ids = g_strsplit (tree_layouts[i].distros, " ", -1);

      if (g_strv_contains ((const char * const *) ids, distro))
        return (gint) i;
    }
  return -1;
}

static char *
tree_file_uri (VireoVmBuilder *self,
               gboolean        initrd)
{
  gint layout = tree_layout_index (self);
  const char *rel = initrd ? self->tree_initrd : self->tree_kernel;
  g_autofree char *base = NULL;

  if (self->location == NULL)
    return NULL;
  /* The Red Hat layout, with .treeinfo, is the one most trees follow. */
  if (rel == NULL)
    rel = initrd ? tree_layouts[MAX (layout, 0)].initrd : tree_layouts[MAX (layout, 0)].kernel;
  base = g_str_has_suffix (self->location, "/") ? g_strdup (self->location)
                                                 : g_strconcat (self->location, "/", NULL);
  return g_strconcat (base, rel, NULL);
}

/**
 * vireo_vm_builder_dup_kernel_args:
 *
 * Returns: (transfer full) (nullable): the install kernel's command line:
 *   the tree's URL for installers that need it told, then the user's
 *   arguments
 */
char *
vireo_vm_builder_dup_kernel_args (VireoVmBuilder *self)
{
  gint layout;
  g_autoptr(GString) args = g_string_new (NULL);

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);

  layout = tree_layout_index (self);
  if (self->location != NULL && layout >= 0 && tree_layouts[layout].url_arg != NULL)
    g_string_append_printf (args, "%s=%s", tree_layouts[layout].url_arg, self->location);
  if (self->kernel_args != NULL)
    {
      if (args->len > 0)
        g_string_append_c (args, ' ');
      g_string_append (args, self->kernel_args);
    }
  if (args->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&args), FALSE);
}

/**
 * vireo_vm_builder_set_import_disk:
 * @path: an existing disk image (or block device) on the host
 * @format: (nullable): "qcow2", "raw", "vmdk", …; %NULL: raw
 *
 * Switches to %VIREO_INSTALL_IMPORT with @path as the machine's disk.
 */
void
vireo_vm_builder_set_import_disk (VireoVmBuilder *self,
                                  const char     *path,
                                  const char     *format)
{
  gboolean change;

  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  change = self->method != VIREO_INSTALL_IMPORT || self->storage != VIREO_STORAGE_EXISTING;
  self->method = VIREO_INSTALL_IMPORT;
  self->storage = VIREO_STORAGE_EXISTING;
  change |= set_string (&self->existing_path, path);
  change |= set_string (&self->existing_format, format);
  if (change)
    changed (self);
}

/* ------------------------------------------------------------------------ */
/* Operating system                                                          */

/**
 * vireo_vm_builder_set_os:
 * @os: (nullable): the system to install; %NULL for none in particular
 *
 * Every field the user has not set follows the new system's defaults.
 */
void
vireo_vm_builder_set_os (VireoVmBuilder *self,
                         VireoOsInfo    *os)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));
  g_return_if_fail (os == NULL || VIREO_IS_OS_INFO (os));

  if (g_set_object (&self->os, os))
    changed (self);
}

/** vireo_vm_builder_get_os: Returns: (transfer none) (nullable): */
VireoOsInfo *
vireo_vm_builder_get_os (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);
  return self->os;
}

/* ------------------------------------------------------------------------ */
/* User values over defaults                                                 */

static void
mark_user_set (VireoVmBuilder *self,
               VireoVmField    field)
{
  self->user_set |= field;
}

gboolean
vireo_vm_builder_is_user_set (VireoVmBuilder *self,
                              VireoVmField    field)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), FALSE);
  return (self->user_set & field) != 0;
}

/**
 * vireo_vm_builder_reset_field:
 *
 * Forgets the user's value for @field: it follows the defaults again.
 */
void
vireo_vm_builder_reset_field (VireoVmBuilder *self,
                              VireoVmField    field)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  if ((self->user_set & field) == 0)
    return;
  self->user_set &= ~field;
  if (field & VIREO_VM_FIELD_NAME)
    g_clear_pointer (&self->name, g_free);
  changed (self);
}

/**
 * vireo_vm_builder_set_identity:
 * @uuid: (nullable): the machine's UUID; %NULL keeps the one made up
 * @mac: (nullable): its network card's MAC address; %NULL keeps it
 *
 * Both are made up when the builder is created, so that the install and
 * the final definition agree; this is for callers that must reproduce a
 * machine (and for tests).
 */
void
vireo_vm_builder_set_identity (VireoVmBuilder *self,
                               const char     *uuid,
                               const char     *mac)
{
  gboolean change = FALSE;

  g_return_if_fail (VIREO_IS_VM_BUILDER (self));
  g_return_if_fail (uuid == NULL || g_uuid_string_is_valid (uuid));

  if (uuid != NULL)
    change |= set_string (&self->uuid, uuid);
  if (mac != NULL)
    change |= set_string (&self->mac, mac);
  if (change)
    changed (self);
}

/* ------------------------------------------------------------------------ */
/* Memory and CPUs                                                           */

void
vireo_vm_builder_set_memory_mib (VireoVmBuilder *self,
                                 guint64         mib)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_MEMORY) && self->memory_mib == mib)
    return;
  self->memory_mib = mib;
  mark_user_set (self, VIREO_VM_FIELD_MEMORY);
  changed (self);
}

/** vireo_vm_builder_get_memory_mib: Returns: the user's value, else the OS's default */
guint64
vireo_vm_builder_get_memory_mib (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), 0);

  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_MEMORY))
    return self->memory_mib;
  return default_memory_mib (self);
}

void
vireo_vm_builder_set_vcpus (VireoVmBuilder *self,
                            guint           vcpus)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_VCPUS) && self->vcpus == vcpus)
    return;
  self->vcpus = vcpus;
  mark_user_set (self, VIREO_VM_FIELD_VCPUS);
  changed (self);
}

guint
vireo_vm_builder_get_vcpus (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), 0);

  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_VCPUS))
    return self->vcpus;
  return default_vcpus (self);
}

static char *
format_mib (guint64 mib)
{
  return vireo_format_size_kib (mib * 1024);
}

/**
 * vireo_vm_builder_dup_resource_warning:
 *
 * Over-commitment is allowed (guests rarely use all they are given), so
 * this is a warning to show, never a refusal.
 *
 * Returns: (transfer full) (nullable): what the user should know about
 *   the memory and CPUs asked for: more than the host has, or less than
 *   the system needs; %NULL when nothing
 */
char *
vireo_vm_builder_dup_resource_warning (VireoVmBuilder *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint64 mib;
  guint vcpus;
  VireoOsResources minimum, recommended;

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);

  mib = vireo_vm_builder_get_memory_mib (self);
  vcpus = vireo_vm_builder_get_vcpus (self);
  os_resources (self, &minimum, &recommended);

  if (self->host_memory != 0 && mib * MIB > self->host_memory)
    {
      g_autofree char *asked = format_mib (mib);
      g_autofree char *host = vireo_format_size_kib (self->host_memory / KIB);

      g_string_append_printf (text,
                              /* Translators: both are sizes, "8.0 GiB" */
                              _("Memory: %s is more than the host has in all (%s). The machine can start, "
                                "but the host will swap or stop guests when they use it."),
                              asked, host);
    }
  else if (minimum.ram != 0 && mib * MIB < minimum.ram)
    {
      g_autofree char *asked = format_mib (mib);
      g_autofree char *needed = vireo_format_size_kib (minimum.ram / KIB);

      g_string_append_printf (text,
                              /* Translators: two sizes, then an operating system's name */
                              _("Memory: %s is less than the %s that %s needs; its installer may fail."),
                              asked, needed, vireo_os_info_get_name (self->os));
    }

  if (self->host_cpus != 0 && vcpus > self->host_cpus)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text,
                              /* Translators: two numbers of processors */
                              _("CPUs: %u virtual CPUs are more than the host's %u; they will take turns "
                                "and the guest will run slower, not faster."),
                              vcpus, self->host_cpus);
    }

  if (text->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ------------------------------------------------------------------------ */
/* Storage                                                                   */

void
vireo_vm_builder_set_storage (VireoVmBuilder   *self,
                              VireoStorageKind  kind)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));
  g_return_if_fail (kind <= VIREO_STORAGE_NONE);

  if (self->storage == kind)
    return;
  self->storage = kind;
  changed (self);
}

VireoStorageKind
vireo_vm_builder_get_storage (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), VIREO_STORAGE_NONE);
  return self->storage;
}

/** vireo_vm_builder_set_disk_size: @bytes: the new disk's size */
void
vireo_vm_builder_set_disk_size (VireoVmBuilder *self,
                                guint64         bytes)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_DISK_SIZE) && self->disk_size == bytes)
    return;
  self->disk_size = bytes;
  mark_user_set (self, VIREO_VM_FIELD_DISK_SIZE);
  changed (self);
}

guint64
vireo_vm_builder_get_disk_size (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), 0);

  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_DISK_SIZE))
    return self->disk_size;
  return default_disk_size (self);
}

/** vireo_vm_builder_set_disk_format: @format: (nullable): "qcow2" (the default) or "raw" */
void
vireo_vm_builder_set_disk_format (VireoVmBuilder *self,
                                  const char     *format)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  if (set_string (&self->disk_format, format != NULL && *format != '\0' ? format : "qcow2"))
    changed (self);
}

const char *
vireo_vm_builder_get_disk_format (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);
  return self->disk_format;
}

/**
 * vireo_vm_builder_set_allocate_now:
 *
 * %FALSE (the default): a thin image that grows as the guest writes.
 * %TRUE: all of it allocated at creation, slower to make but never
 * short of space later.
 */
void
vireo_vm_builder_set_allocate_now (VireoVmBuilder *self,
                                   gboolean        allocate_now)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  if (self->allocate_now == !!allocate_now)
    return;
  self->allocate_now = !!allocate_now;
  changed (self);
}

/**
 * vireo_vm_builder_set_pool:
 * @name: (nullable): the pool for the new disk (and a network install's
 *   boot files)
 * @target_path: (nullable): its directory, for pools of files (dir, fs,
 *   netfs): the definition then names the disk by path, as virt-install
 *   does; without one, by pool and volume
 * @available_bytes: its free space (G_MAXUINT64 when unknown)
 * @volume_names: (nullable) (array zero-terminated=1): the volumes it
 *   holds, so that a new one gets a free name
 */
void
vireo_vm_builder_set_pool (VireoVmBuilder     *self,
                           const char         *name,
                           const char         *target_path,
                           guint64             available_bytes,
                           const char * const *volume_names)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  set_string (&self->pool, name);
  set_string (&self->pool_path, target_path);
  self->pool_available = available_bytes;
  g_strfreev (self->pool_volumes);
  self->pool_volumes = g_strdupv ((char **) volume_names);
  changed (self);
}

/**
 * vireo_vm_builder_set_existing_disk:
 * @path: (nullable): a disk image or block device on the host
 * @format: (nullable): its format; %NULL: raw
 */
void
vireo_vm_builder_set_existing_disk (VireoVmBuilder *self,
                                    const char     *path,
                                    const char     *format)
{
  gboolean change;

  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  change = set_string (&self->existing_path, path);
  change |= set_string (&self->existing_format, format);
  if (change)
    changed (self);
}

/* The first name of the form BASE SUFFIX, BASE-1 SUFFIX, … that no
 * volume of the pool has. */
static char *
free_volume_name (VireoVmBuilder *self,
                  const char     *base,
                  const char     *suffix)
{
  char *name = g_strconcat (base, suffix, NULL);

  for (guint i = 1; self->pool_volumes != NULL &&
                    g_strv_contains ((const char * const *) self->pool_volumes, name); i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%u%s", base, i, suffix);
    }
  return name;
}

static char *
volume_path (VireoVmBuilder *self,
             const char     *volume)
{
  if (self->pool_path == NULL)
    return NULL;
  return g_build_filename (self->pool_path, volume, NULL);
}

static VireoVolumePlan *
new_disk_plan (VireoVmBuilder *self)
{
  VireoVolumePlan *plan = g_new0 (VireoVolumePlan, 1);
  g_autofree char *name = vireo_vm_builder_dup_name (self);
  /* virt-install's names: NAME.qcow2, NAME.img for raw. */
  const char *suffix = g_str_equal (self->disk_format, "qcow2") ? ".qcow2" : ".img";

  plan->role = VIREO_VOLUME_ROLE_DISK;
  plan->pool = g_strdup (self->pool);
  plan->name = free_volume_name (self, name, suffix);
  plan->format = g_strdup (self->disk_format);
  plan->capacity = vireo_vm_builder_get_disk_size (self);
  plan->allocation = self->allocate_now ? plan->capacity : 0;
  plan->path = volume_path (self, plan->name);
  return plan;
}

static VireoVolumePlan *
boot_file_plan (VireoVmBuilder  *self,
                VireoVolumeRole  role)
{
  VireoVolumePlan *plan = g_new0 (VireoVolumePlan, 1);
  g_autofree char *name = vireo_vm_builder_dup_name (self);

  plan->role = role;
  plan->pool = g_strdup (self->pool);
  plan->name = free_volume_name (self, name, role == VIREO_VOLUME_ROLE_KERNEL ? "-install-kernel"
                                                                             : "-install-initrd");
  plan->format = g_strdup ("raw");
  plan->path = volume_path (self, plan->name);
  plan->source_uri = tree_file_uri (self, role == VIREO_VOLUME_ROLE_INITRD);
  return plan;
}

/**
 * vireo_vm_builder_list_volumes:
 *
 * Returns: (transfer container) (element-type VireoVolumePlan): the
 *   volumes the machine needs made: the new disk, a network install's
 *   kernel and initrd
 */
GPtrArray *
vireo_vm_builder_list_volumes (VireoVmBuilder *self)
{
  GPtrArray *volumes;

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);

  volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_volume_plan_free);
  if (self->storage == VIREO_STORAGE_NEW && self->method != VIREO_INSTALL_IMPORT)
    g_ptr_array_add (volumes, new_disk_plan (self));
  if (self->method == VIREO_INSTALL_NETWORK)
    {
      g_ptr_array_add (volumes, boot_file_plan (self, VIREO_VOLUME_ROLE_KERNEL));
      g_ptr_array_add (volumes, boot_file_plan (self, VIREO_VOLUME_ROLE_INITRD));
    }
  return volumes;
}

static gboolean
storage_error (GError     **error,
               const char  *message)
{
  g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_STORAGE, message);
  return FALSE;
}

/**
 * vireo_vm_builder_check_storage:
 *
 * Whether the storage answers can work: a pool and a size for a new disk,
 * and a size that fits in the pool's free space (thin or not: a disk that
 * cannot grow to its size fails the guest later, in the middle of a
 * write); an image for an existing disk.
 *
 * Returns: %TRUE, or %FALSE with @error (%VIREO_VM_BUILDER_ERROR_STORAGE)
 */
gboolean
vireo_vm_builder_check_storage (VireoVmBuilder  *self,
                                GError         **error)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->method == VIREO_INSTALL_IMPORT || self->storage == VIREO_STORAGE_EXISTING)
    {
      if (self->existing_path == NULL)
        return storage_error (error, self->method == VIREO_INSTALL_IMPORT
                                     ? _("Disk image: choose the disk image to import.")
                                     : _("Storage: choose the disk image or volume to use."));
      if (!g_path_is_absolute (self->existing_path))
        return storage_error (error, _("Storage: the disk image’s path must start with “/”."));
      return TRUE;
    }
  if (self->storage == VIREO_STORAGE_NONE)
    return TRUE;

  if (self->pool == NULL)
    return storage_error (error, _("Storage: choose a storage pool for the new disk."));
  if (!g_str_equal (self->disk_format, "qcow2") && !g_str_equal (self->disk_format, "raw"))
    return storage_error (error, _("Storage: a new disk is either qcow2 or raw."));
  if (vireo_vm_builder_get_disk_size (self) == 0)
    return storage_error (error, _("Storage: the disk’s size must be more than zero."));
  if (self->pool_available != G_MAXUINT64 && vireo_vm_builder_get_disk_size (self) > self->pool_available)
    {
      g_autofree char *size = vireo_format_size_kib (vireo_vm_builder_get_disk_size (self) / KIB);
      g_autofree char *free_space = vireo_format_size_kib (self->pool_available / KIB);

      g_set_error (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_STORAGE,
                   /* Translators: a size, a pool's name, a size */
                   _("Storage: a disk of %s does not fit in pool “%s”, which has %s free. "
                     "Choose a smaller size or another pool."),
                   size, self->pool, free_space);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Name                                                                      */

void
vireo_vm_builder_set_name (VireoVmBuilder *self,
                           const char     *name)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  /* An empty name is an answer too ("I cleared the field"): the check
   * says so, rather than a suggestion quietly coming back. */
  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_NAME) && g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name != NULL ? name : "");
  mark_user_set (self, VIREO_VM_FIELD_NAME);
  changed (self);
}

/**
 * vireo_vm_builder_dup_name:
 *
 * Returns: (transfer full): the user's name, else the suggestion
 */
char *
vireo_vm_builder_dup_name (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);

  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_NAME))
    return g_strdup (self->name);
  return vireo_vm_builder_suggest_name (self);
}

static gboolean
name_taken (VireoVmBuilder *self,
            const char     *name)
{
  return self->existing_names != NULL &&
         g_strv_contains ((const char * const *) self->existing_names, name);
}

/**
 * vireo_vm_builder_suggest_name:
 *
 * Returns: (transfer full): the system's short id ("win11", "fedora37"),
 *   or "vm" without one, with "-2", "-3", … until no machine of the
 *   connection has it
 */
char *
vireo_vm_builder_suggest_name (VireoVmBuilder *self)
{
  const char *base = "vm";
  char *name;

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);

  if (known_os (self) != NULL && vireo_os_info_get_short_id (self->os) != NULL)
    base = vireo_os_info_get_short_id (self->os);
  name = g_strdup (base);
  for (guint i = 2; name_taken (self, name); i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%u", base, i);
    }
  return name;
}

static gboolean
name_error (GError     **error,
            const char  *message)
{
  g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_NAME, message);
  return FALSE;
}

/**
 * vireo_vm_builder_check_name:
 *
 * libvirt refuses names with "/" or a line break, and names files after
 * them; virsh reads a name of digits as a domain ID. Names are compared
 * exactly: libvirt's are case-sensitive.
 *
 * Returns: %TRUE, or %FALSE with @error (%VIREO_VM_BUILDER_ERROR_NAME)
 */
gboolean
vireo_vm_builder_check_name (VireoVmBuilder  *self,
                             GError         **error)
{
  g_autofree char *name = NULL;
  gboolean digits = TRUE;

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = vireo_vm_builder_dup_name (self);
  if (name == NULL || *name == '\0')
    return name_error (error, _("Name: enter a name for the new machine."));
  if (!g_utf8_validate (name, -1, NULL))
    return name_error (error, _("Name: the name is not valid text."));
  if (strchr (name, '/') != NULL)
    return name_error (error, _("Name: “/” cannot be part of a name."));
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        return name_error (error, _("Name: line breaks, tabs and other control characters cannot be part of a name."));
      digits = digits && g_unichar_isdigit (c);
    }
  if (g_unichar_isspace (g_utf8_get_char (name)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (name + strlen (name)))))
    return name_error (error, _("Name: a name cannot start or end with a space."));
  if (digits)
    return name_error (error, _("Name: a name of digits only reads as a machine’s ID in virsh; add a letter."));
  if (strlen (name) > NAME_MAX_BYTES)
    return name_error (error, _("Name: the name is too long; libvirt names files after it. "
                                "Use at most 200 letters."));
  if (name_taken (self, name))
    {
      g_set_error (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_NAME,
                   /* Translators: %s is a virtual machine's name */
                   _("Name: a machine called “%s” already exists on this connection."), name);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Network, firmware, TPM                                                    */

/**
 * vireo_vm_builder_set_network:
 * @source: (nullable): the network's name (%VIREO_NETWORK_VIRTUAL), the
 *   bridge (%VIREO_NETWORK_BRIDGE) or the host interface
 *   (%VIREO_NETWORK_MACVTAP)
 * @mode: (nullable): the macvtap mode ("bridge", the default, "vepa",
 *   "private", "passthrough")
 */
void
vireo_vm_builder_set_network (VireoVmBuilder   *self,
                              VireoNetworkKind  kind,
                              const char       *source,
                              const char       *mode)
{
  gboolean change;

  g_return_if_fail (VIREO_IS_VM_BUILDER (self));
  g_return_if_fail (kind <= VIREO_NETWORK_NONE);

  change = self->network != kind;
  self->network = kind;
  change |= set_string (&self->network_source, source);
  change |= set_string (&self->network_mode, mode);
  if (change)
    changed (self);
}

VireoNetworkKind
vireo_vm_builder_get_network (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), VIREO_NETWORK_NONE);
  return self->network;
}

void
vireo_vm_builder_set_firmware (VireoVmBuilder      *self,
                               VireoFirmwareChoice  firmware)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));
  g_return_if_fail (firmware <= VIREO_FIRMWARE_UEFI_SECURE);

  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_FIRMWARE) && self->firmware == firmware)
    return;
  self->firmware = firmware;
  mark_user_set (self, VIREO_VM_FIELD_FIRMWARE);
  changed (self);
}

/**
 * vireo_vm_builder_get_firmware:
 *
 * Returns: the user's choice, else UEFI (with Secure Boot where the
 *   system boots signed and the host can) for systems that need it, UEFI
 *   off x86, and BIOS for the rest
 */
VireoFirmwareChoice
vireo_vm_builder_get_firmware (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), VIREO_FIRMWARE_BIOS);

  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_FIRMWARE))
    return self->firmware;
  return default_firmware (self);
}

void
vireo_vm_builder_set_tpm (VireoVmBuilder *self,
                          gboolean        tpm)
{
  g_return_if_fail (VIREO_IS_VM_BUILDER (self));

  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_TPM) && self->tpm == !!tpm)
    return;
  self->tpm = !!tpm;
  mark_user_set (self, VIREO_VM_FIELD_TPM);
  changed (self);
}

/** vireo_vm_builder_get_tpm: Returns: the user's choice, else whether the system needs one */
gboolean
vireo_vm_builder_get_tpm (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), FALSE);

  if (vireo_vm_builder_is_user_set (self, VIREO_VM_FIELD_TPM))
    return self->tpm;
  return default_tpm (self);
}

/* ------------------------------------------------------------------------ */
/* Validation                                                                */

static gboolean
media_error (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_MEDIA, message);
  return FALSE;
}

static gboolean
check_location (VireoVmBuilder  *self,
                GError         **error)
{
  static const char * const schemes[] = { "http", "https", "ftp", "nfs", "file", NULL };
  g_autoptr(GUri) uri = NULL;

  if (self->location == NULL)
    return media_error (error, _("Install tree: enter the URL of the distribution’s install tree."));
  uri = g_uri_parse (self->location, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || !g_strv_contains (schemes, g_uri_get_scheme (uri)))
    return media_error (error, _("Install tree: enter a URL that starts with http://, https://, ftp://, "
                                 "nfs:// or file://."));
  if (self->kernel_args != NULL && strpbrk (self->kernel_args, "\n\r") != NULL)
    return media_error (error, _("Kernel arguments: they must fit on one line."));
  if (self->pool == NULL || self->pool_path == NULL)
    return media_error (error, _("Install tree: the installer’s kernel is fetched into a storage pool of files "
                                 "(a directory); choose one for the disk."));
  return TRUE;
}

static gboolean
check_method (VireoVmBuilder  *self,
              GError         **error)
{
  switch (self->method)
    {
    case VIREO_INSTALL_MEDIA:
      if (self->media_path == NULL)
        return media_error (error, self->media_kind == VIREO_MEDIA_DEVICE
                                   ? _("Install media: choose the host’s CD or DVD drive.")
                                   : _("Install media: choose an ISO image or a volume."));
      if (!g_path_is_absolute (self->media_path))
        return media_error (error, _("Install media: the path must start with “/”."));
      return TRUE;
    case VIREO_INSTALL_NETWORK:
      return check_location (self, error);
    case VIREO_INSTALL_PXE:
      if (self->network == VIREO_NETWORK_NONE)
        {
          g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_NETWORK,
                               _("Network: a PXE boot needs a network to boot from."));
          return FALSE;
        }
      return TRUE;
    case VIREO_INSTALL_IMPORT:
      if (self->existing_path == NULL)
        return media_error (error, _("Disk image: choose the disk image to import."));
      return TRUE;
    case VIREO_INSTALL_MANUAL:
    default:
      return TRUE;
    }
}

static gboolean
check_resources (VireoVmBuilder  *self,
                 GError         **error)
{
  guint max = self->caps != NULL ? vireo_domain_caps_get_max_vcpus (self->caps) : 0;
  guint vcpus = vireo_vm_builder_get_vcpus (self);

  if (vireo_vm_builder_get_memory_mib (self) == 0)
    {
      g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_MEMORY,
                           _("Memory: the machine needs some memory."));
      return FALSE;
    }
  if (vcpus == 0)
    {
      g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_VCPUS,
                           _("CPUs: the machine needs at least one CPU."));
      return FALSE;
    }
  if (max != 0 && vcpus > max)
    {
      g_set_error (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_VCPUS,
                   /* Translators: %u is a number of CPUs */
                   _("CPUs: this machine type takes at most %u virtual CPUs."), max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_network (VireoVmBuilder  *self,
               GError         **error)
{
  if ((self->network == VIREO_NETWORK_VIRTUAL || self->network == VIREO_NETWORK_BRIDGE ||
       self->network == VIREO_NETWORK_MACVTAP) && self->network_source == NULL)
    {
      g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_NETWORK,
                           self->network == VIREO_NETWORK_VIRTUAL ? _("Network: choose a virtual network.")
                           : self->network == VIREO_NETWORK_BRIDGE ? _("Network: choose a bridge.")
                           : _("Network: choose the host interface for macvtap."));
      return FALSE;
    }
  return TRUE;
}

/**
 * vireo_vm_builder_validate:
 *
 * Checks every answer, in the wizard's order, and stops at the first
 * refusal. The firmware is checked when the definition is made
 * (vireo_vm_builder_dup_config()).
 *
 * Returns: %TRUE, or %FALSE with @error, whose code names the field
 */
gboolean
vireo_vm_builder_validate (VireoVmBuilder  *self,
                           GError         **error)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_method (self, error))
    return FALSE;
  if (self->caps == NULL)
    {
      g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_ARCH,
                           _("Architecture: the host’s capabilities for this architecture and machine type "
                             "are not known yet."));
      return FALSE;
    }
  return check_resources (self, error) &&
         vireo_vm_builder_check_storage (self, error) &&
         vireo_vm_builder_check_name (self, error) &&
         check_network (self, error);
}

/* ------------------------------------------------------------------------ */
/* The definition                                                            */

typedef struct
{
  guint vd;
  guint sd;
  guint hd;
} Targets;

static char *
next_target (Targets    *targets,
             const char *bus)
{
  guint *n;
  const char *prefix;

  if (g_str_equal (bus, "virtio"))
    n = &targets->vd, prefix = "vd";
  else if (g_str_equal (bus, "ide"))
    n = &targets->hd, prefix = "hd";
  else
    n = &targets->sd, prefix = "sd";   /* sata, scsi and usb share "sd" */
  return g_strdup_printf ("%s%c", prefix, 'a' + (*n)++);
}

/* The disk bus: the system's, but never IDE on Q35 (it has none) and
 * virtio off x86. */
static const char *
disk_bus (VireoVmBuilder *self,
          const char     *machine)
{
  const char *bus = known_os (self) != NULL ? vireo_os_info_get_disk_bus (self->os) : NULL;

  if (!is_x86 (self))
    return "virtio";
  if (bus == NULL)
    bus = is_q35 (machine) ? "sata" : "ide";
  if (g_str_equal (bus, "ide") && is_q35 (machine))
    bus = "sata";
  if (!caps_enum_has (self, "disk", "bus", bus))
    bus = is_q35 (machine) ? "sata" : "ide";
  return bus;
}

static const char *
cdrom_bus (VireoVmBuilder *self,
           const char     *machine)
{
  if (!is_x86 (self))
    return "scsi";
  return is_q35 (machine) ? "sata" : "ide";
}

/* virtio devices for a system that only drives the legacy interface sit
 * on PCIe as transitional ones, as virt-install makes them. */
static gboolean
wants_transitional (VireoVmBuilder *self,
                    const char     *machine)
{
  return known_os (self) != NULL && is_pcie (self, machine) && !vireo_os_info_get_virtio_1_0 (self->os);
}

static const char *
nic_model (VireoVmBuilder *self,
           const char     *machine)
{
  const char *model = known_os (self) != NULL ? vireo_os_info_get_nic_model (self->os) : NULL;

  if (!is_x86 (self))
    return "virtio";
  if (model == NULL)
    model = is_q35 (machine) ? "e1000e" : "e1000";
  if (g_str_equal (model, "virtio") && wants_transitional (self, machine))
    model = "virtio-transitional";
  return model;
}

static const char *
graphics_type (VireoVmBuilder *self)
{
  /* SPICE where the host has it, as virt-install: clipboard and USB
   * redirection through the agent; Vireo's console speaks both. */
  if (caps_enum_reported (self, "graphics", "type") && !caps_enum_has (self, "graphics", "type", "spice"))
    return "vnc";
  if (self->caps != NULL && !vireo_domain_caps_device_supported (self->caps, "graphics"))
    return NULL;
  return "spice";
}

static const char *
video_model (VireoVmBuilder *self)
{
  static const char * const fallbacks[] = { "virtio", "qxl", "vga", NULL };
  const char *model = known_os (self) != NULL ? vireo_os_info_get_video_model (self->os) : NULL;

  if (!is_x86 (self))
    return "virtio";
  if (model == NULL)
    model = "vga";
  if (caps_enum_has (self, "video", "modelType", model))
    return model;
  for (guint i = 0; fallbacks[i] != NULL; i++)
    if (caps_enum_has (self, "video", "modelType", fallbacks[i]))
      return fallbacks[i];
  return "vga";
}

static const char *
sound_model (VireoVmBuilder *self,
             const char     *machine)
{
  if (!is_x86 (self))
    return NULL;
  if (known_os (self) != NULL)
    return vireo_os_info_get_sound_model (self->os);
  return is_q35 (machine) ? "ich9" : "ich6";
}

/* A CPU for the virt type: the host's own under KVM; under TCG,
 * everything QEMU can emulate (QEMU's default, qemu64, lacks what
 * x86-64-v2 systems such as RHEL 9 need to boot). */
static const char *
cpu_mode (VireoVmBuilder *self)
{
  const char *type = vireo_domain_caps_get_domain_type (self->caps);

  if (g_strcmp0 (type, "kvm") == 0 && vireo_domain_caps_cpu_mode_supported (self->caps, "host-passthrough"))
    return "host-passthrough";
  if (g_strcmp0 (type, "qemu") == 0 && vireo_domain_caps_cpu_mode_supported (self->caps, "maximum"))
    return "maximum";
  return NULL;
}

static void
append_attr (GString    *xml,
             const char *name,
             const char *value)
{
  g_autofree char *escaped = g_markup_escape_text (value, -1);

  g_string_append_printf (xml, " %s='%s'", name, escaped);
}

static void
append_text (GString    *xml,
             const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (xml, escaped);
}

static void
append_disk (GString    *xml,
             const char *device,
             const char *path,
             const char *pool,
             const char *volume,
             const char *format,
             gboolean    discard,
             const char *model,
             const char *bus,
             const char *target,
             guint       boot_order)
{
  gboolean block = path != NULL && g_str_has_prefix (path, "/dev/");

  g_string_append (xml, "    <disk");
  append_attr (xml, "type", path == NULL ? "volume" : block ? "block" : "file");
  append_attr (xml, "device", device);
  if (model != NULL)
    append_attr (xml, "model", model);
  g_string_append (xml, ">\n      <driver name='qemu'");
  append_attr (xml, "type", format);
  if (discard)
    append_attr (xml, "discard", "unmap");
  g_string_append (xml, "/>\n      <source");
  if (path == NULL)
    {
      append_attr (xml, "pool", pool);
      append_attr (xml, "volume", volume);
    }
  else
    append_attr (xml, block ? "dev" : "file", path);
  g_string_append (xml, "/>\n      <target");
  append_attr (xml, "dev", target);
  append_attr (xml, "bus", bus);
  g_string_append (xml, "/>\n");
  if (g_str_equal (device, "cdrom"))
    g_string_append (xml, "      <readonly/>\n");
  if (boot_order != 0)
    g_string_append_printf (xml, "      <boot order='%u'/>\n", boot_order);
  g_string_append (xml, "    </disk>\n");
}

static void
append_interface (VireoVmBuilder *self,
                  GString        *xml,
                  const char     *machine,
                  guint           boot_order)
{
  static const char * const types[] = {
    [VIREO_NETWORK_VIRTUAL] = "network",
    [VIREO_NETWORK_BRIDGE] = "bridge",
    [VIREO_NETWORK_MACVTAP] = "direct",
    [VIREO_NETWORK_USER] = "user",
  };

  if (self->network == VIREO_NETWORK_NONE)
    return;
  g_string_append (xml, "    <interface");
  append_attr (xml, "type", types[self->network]);
  g_string_append (xml, ">\n");
  switch (self->network)
    {
    case VIREO_NETWORK_VIRTUAL:
      g_string_append (xml, "      <source");
      append_attr (xml, "network", self->network_source);
      g_string_append (xml, "/>\n");
      break;
    case VIREO_NETWORK_BRIDGE:
      g_string_append (xml, "      <source");
      append_attr (xml, "bridge", self->network_source);
      g_string_append (xml, "/>\n");
      break;
    case VIREO_NETWORK_MACVTAP:
      g_string_append (xml, "      <source");
      append_attr (xml, "dev", self->network_source);
      append_attr (xml, "mode", self->network_mode != NULL ? self->network_mode : "bridge");
      g_string_append (xml, "/>\n");
      break;
    case VIREO_NETWORK_USER:
    case VIREO_NETWORK_NONE:
    default:
      break;
    }
  g_string_append (xml, "      <mac");
  append_attr (xml, "address", self->mac);
  g_string_append (xml, "/>\n      <model");
  append_attr (xml, "type", nic_model (self, machine));
  g_string_append (xml, "/>\n");
  if (boot_order != 0)
    g_string_append_printf (xml, "      <boot order='%u'/>\n", boot_order);
  g_string_append (xml, "    </interface>\n");
}

static char *
config_text (VireoVmBuilder *self)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autofree char *name = vireo_vm_builder_dup_name (self);
  g_autofree char *machine = vireo_vm_builder_dup_machine (self);
  const char *emulator = vireo_domain_caps_get_path (self->caps);
  const char *type = vireo_domain_caps_get_domain_type (self->caps);
  const char *graphics = graphics_type (self);
  const char *sound = sound_model (self, machine);
  const char *mode = cpu_mode (self);
  gboolean x86 = is_x86 (self);
  gboolean pcie = is_pcie (self, machine);
  gboolean windows = is_windows (self);
  gboolean linux_virtio = is_linux (self) && vireo_os_info_get_virtio_net (self->os);
  gboolean live_media = self->method == VIREO_INSTALL_MEDIA && !has_disk (self);
  gboolean pxe_only = self->method == VIREO_INSTALL_PXE && !has_disk (self);
  Targets targets = { 0 };

  g_string_append (xml, "<domain");
  append_attr (xml, "type", type != NULL ? type : "kvm");
  g_string_append (xml, ">\n  <name>");
  append_text (xml, name);
  g_string_append_printf (xml, "</name>\n  <uuid>%s</uuid>\n", self->uuid);
  g_string_append_printf (xml, "  <memory unit='KiB'>%" G_GUINT64_FORMAT "</memory>\n",
                          vireo_vm_builder_get_memory_mib (self) * 1024);
  g_string_append_printf (xml, "  <vcpu>%u</vcpu>\n", vireo_vm_builder_get_vcpus (self));

  g_string_append (xml, "  <os>\n    <type");
  append_attr (xml, "arch", get_arch (self));
  if (machine != NULL)
    append_attr (xml, "machine", machine);
  g_string_append (xml, ">hvm</type>\n  </os>\n");

  if (x86)
    {
      g_string_append (xml, "  <features>\n    <acpi/>\n    <apic/>\n");
      if (windows)
        g_string_append (xml,
                         "    <hyperv>\n"
                         "      <relaxed state='on'/>\n"
                         "      <vapic state='on'/>\n"
                         "      <spinlocks state='on' retries='8191'/>\n"
                         "    </hyperv>\n");
      g_string_append (xml, "  </features>\n");
    }
  else
    g_string_append (xml, "  <features>\n    <acpi/>\n  </features>\n");

  if (mode != NULL)
    g_string_append_printf (xml, "  <cpu mode='%s'/>\n", mode);

  if (x86)
    {
      g_string_append_printf (xml, "  <clock offset='%s'>\n", windows ? "localtime" : "utc");
      g_string_append (xml,
                       "    <timer name='rtc' tickpolicy='catchup'/>\n"
                       "    <timer name='pit' tickpolicy='delay'/>\n"
                       "    <timer name='hpet' present='no'/>\n");
      if (windows)
        g_string_append (xml, "    <timer name='hypervclock' present='yes'/>\n");
      g_string_append (xml, "  </clock>\n");
      g_string_append (xml,
                       "  <pm>\n"
                       "    <suspend-to-mem enabled='no'/>\n"
                       "    <suspend-to-disk enabled='no'/>\n"
                       "  </pm>\n");
    }

  g_string_append (xml, "  <devices>\n");
  if (emulator != NULL)
    {
      g_string_append (xml, "    <emulator>");
      append_text (xml, emulator);
      g_string_append (xml, "</emulator>\n");
    }

  if (self->method == VIREO_INSTALL_IMPORT || self->storage == VIREO_STORAGE_EXISTING)
    {
      const char *bus = disk_bus (self, machine);
      g_autofree char *target = next_target (&targets, bus);

      append_disk (xml, "disk", self->existing_path, NULL, NULL,
                   self->existing_format != NULL ? self->existing_format : "raw", FALSE,
                   g_str_equal (bus, "virtio") && wants_transitional (self, machine) ? "virtio-transitional" : NULL,
                   bus, target, 0);
    }
  else if (self->storage == VIREO_STORAGE_NEW)
    {
      g_autoptr(VireoVolumePlan) plan = new_disk_plan (self);
      const char *bus = disk_bus (self, machine);
      g_autofree char *target = next_target (&targets, bus);

      append_disk (xml, "disk", plan->path, plan->pool, plan->name, plan->format,
                   /* Unmapping would punch holes into what "allocate now" filled. */
                   !self->allocate_now,
                   g_str_equal (bus, "virtio") && wants_transitional (self, machine) ? "virtio-transitional" : NULL,
                   bus, target, 0);
    }

  if (self->method == VIREO_INSTALL_MEDIA)
    {
      const char *bus = cdrom_bus (self, machine);
      g_autofree char *target = next_target (&targets, bus);

      /* Without a disk the media is the machine (a live system): it keeps
       * booting from it after the "install". */
      append_disk (xml, "cdrom", self->media_path, NULL, NULL, "raw", FALSE, NULL, bus, target,
                   live_media ? 1 : 0);
    }

  if (pcie)
    {
      g_string_append (xml, "    <controller type='usb' model='qemu-xhci' ports='15'/>\n");
      /* Written although libvirt would add it: a PCI controller without
       * an index takes the first free one, and 0 must be the root. */
      g_string_append (xml, "    <controller type='pci' model='pcie-root'/>\n");
      for (guint i = 0; i < N_ROOT_PORTS; i++)
        g_string_append (xml, "    <controller type='pci' model='pcie-root-port'/>\n");
    }
  if (!x86 && self->method == VIREO_INSTALL_MEDIA)
    g_string_append (xml, "    <controller type='scsi' model='virtio-scsi'/>\n");

  append_interface (self, xml, machine, pxe_only ? 1 : 0);

  g_string_append (xml, "    <console type='pty'/>\n");
  if (linux_virtio)
    g_string_append (xml,
                     "    <channel type='unix'>\n"
                     "      <source mode='bind'/>\n"
                     "      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
                     "    </channel>\n");
  if (g_strcmp0 (graphics, "spice") == 0)
    g_string_append (xml,
                     "    <channel type='spicevmc'>\n"
                     "      <target type='virtio' name='com.redhat.spice.0'/>\n"
                     "    </channel>\n");
  /* An absolute pointer: without it the console runs the mouse in
   * relative mode, which GTK 4 cannot warp. */
  if (graphics != NULL)
    g_string_append (xml, "    <input type='tablet' bus='usb'/>\n");
  if (vireo_vm_builder_get_tpm (self))
    {
      if (x86)
        g_string_append (xml, "    <tpm model='tpm-crb'>\n");
      else
        g_string_append (xml, "    <tpm>\n");
      g_string_append (xml,
                       "      <backend type='emulator' version='2.0'/>\n"
                       "    </tpm>\n");
    }
  if (graphics != NULL)
    {
      g_string_append_printf (xml, "    <graphics type='%s' autoport='yes'/>\n", graphics);
      if (sound != NULL)
        g_string_append_printf (xml, "    <sound model='%s'/>\n", sound);
      g_string_append_printf (xml, "    <video>\n      <model type='%s'/>\n    </video>\n", video_model (self));
    }
  if (g_strcmp0 (graphics, "spice") == 0 && caps_enum_has (self, "redirdev", "bus", "usb"))
    g_string_append (xml,
                     "    <redirdev bus='usb' type='spicevmc'/>\n"
                     "    <redirdev bus='usb' type='spicevmc'/>\n");
  if (linux_virtio)
    g_string_append_printf (xml,
                            "    <rng model='%s'>\n"
                            "      <backend model='random'>/dev/urandom</backend>\n"
                            "    </rng>\n",
                            wants_transitional (self, machine) ? "virtio-transitional" : "virtio");
  g_string_append (xml, "  </devices>\n</domain>\n");

  return g_string_free (g_steal_pointer (&xml), FALSE);
}

/**
 * vireo_vm_builder_dup_config:
 *
 * The machine the answers describe, as "Customize configuration before
 * install" shows it: the final definition with the install media still
 * in its drive. vireo_vm_builder_dup_install_config() and
 * vireo_vm_builder_dup_final_config() derive the two documents from it
 * (or from the user's customized copy of it).
 *
 * Like virt-install's, the document leaves out what libvirt fills in by
 * itself: addresses, the memory balloon, currentMemory, the boot order
 * (the first disk), graphics ports and listen addresses.
 *
 * Returns: (transfer full): a new config, or %NULL with @error from
 *   vireo_vm_builder_validate() or the firmware check
 *   (%VIREO_VM_BUILDER_ERROR_FIRMWARE)
 */
VireoDomainConfig *
vireo_vm_builder_dup_config (VireoVmBuilder  *self,
                             GError         **error)
{
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GError) local_error = NULL;
  VireoFirmwareChoice firmware;

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!vireo_vm_builder_validate (self, error))
    return NULL;

  xml = config_text (self);
  config = vireo_domain_config_new_from_xml (xml, &local_error);
  if (config == NULL)
    {
      /* Everything in the text is escaped: a parse error is a bug here. */
      g_critical ("The builder wrote XML it cannot read: %s", local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (self->os != NULL && !vireo_domain_config_set_os_id (config, vireo_os_info_get_id (self->os), error))
    return NULL;

  firmware = vireo_vm_builder_get_firmware (self);
  if (firmware != VIREO_FIRMWARE_BIOS &&
      !vireo_firmware_set (config, self->caps, "efi", firmware == VIREO_FIRMWARE_UEFI_SECURE, &local_error))
    {
      g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_FIRMWARE,
                           local_error->message);
      return NULL;
    }
  if (firmware == VIREO_FIRMWARE_BIOS && !is_x86 (self))
    {
      g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_FIRMWARE,
                           _("Firmware: BIOS exists only for x86 machines; this one boots UEFI."));
      return NULL;
    }
  if (known_os (self) != NULL && vireo_os_info_get_needs_uefi (self->os) && firmware == VIREO_FIRMWARE_BIOS)
    {
      g_set_error (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_FIRMWARE,
                   /* Translators: %s is an operating system's name */
                   _("Firmware: %s does not boot from BIOS; choose UEFI."),
                   vireo_os_info_get_name (self->os));
      return NULL;
    }

  return g_steal_pointer (&config);
}

/* The CD-ROM drive holding the install media, or NULL. A user who put
 * other media in while customizing means to install from that: failing
 * the answers' own media, the first drive holding any is taken. */
static VireoDevice *
find_install_cdrom (VireoVmBuilder    *self,
                    VireoDomainConfig *config)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autoptr(VireoDevice) loaded = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *kind = NULL;
      g_autofree char *path = NULL;
      g_autofree char *volume = NULL;

      if (!VIREO_IS_DISK (device))
        continue;
      kind = vireo_disk_dup_device (VIREO_DISK (device));
      if (g_strcmp0 (kind, "cdrom") != 0)
        continue;
      path = vireo_disk_dup_source_path (VIREO_DISK (device));
      if (g_strcmp0 (path, self->media_path) == 0)
        return g_steal_pointer (&device);
      volume = vireo_disk_dup_source_volume (VIREO_DISK (device));
      if (loaded == NULL && (path != NULL || volume != NULL))
        loaded = g_steal_pointer (&device);
    }
  return g_steal_pointer (&loaded);
}

static VireoDevice *
find_first (VireoDomainConfig *config,
            VireoDeviceKind    kind,
            const char        *disk_device)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *what = NULL;

      if (vireo_device_get_kind (device) != kind)
        continue;
      if (disk_device != NULL)
        {
          what = vireo_disk_dup_device (VIREO_DISK (device));
          if (g_strcmp0 (what, disk_device) != 0)
            continue;
        }
      return g_steal_pointer (&device);
    }
  return NULL;
}

/* Boots @first, then what booted before (at least the first disk, as
 * virt-install keeps "hd" in the list: a PXE or CD that boots nothing
 * falls through to the disk). */
static gboolean
boot_first (VireoDomainConfig  *config,
            VireoDevice        *first,
            GError            **error)
{
  g_autoptr(GPtrArray) entries = vireo_boot_dup_order (config);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GArray) enabled = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(VireoDevice) disk = find_first (config, VIREO_DEVICE_DISK, "disk");
  gboolean yes = TRUE;

  g_ptr_array_add (order, first);
  for (guint i = 0; i < entries->len; i++)
    {
      VireoBootEntry *entry = entries->pdata[i];

      if (entry->enabled && entry->device != first)
        g_ptr_array_add (order, entry->device);
    }
  if (disk != NULL && disk != first && !g_ptr_array_find (order, disk, NULL))
    g_ptr_array_add (order, disk);
  for (guint i = 0; i < order->len; i++)
    g_array_append_val (enabled, yes);
  return vireo_boot_set_order (config, (VireoDevice **) order->pdata, (gboolean *) (gpointer) enabled->data,
                               order->len, error);
}

static void
set_on_reboot (VireoDomainConfig *config,
               const char        *action)
{
  static const char * const order[] = {
    "name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory",
    "currentMemory", "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads",
    "iothreadids", "cputune", "numatune", "resource", "sysinfo", "bootloader", "bootloader_args",
    "os", "idmap", "features", "cpu", "clock", "on_poweroff", "on_reboot", NULL
  };
  xmlNodePtr root = xmlDocGetRootElement (_vireo_domain_config_get_doc (config));
  xmlNodePtr node = vireo_xml_child (root, "on_reboot");

  if (node == NULL)
    node = vireo_xml_insert_ordered (root, xmlNewNode (NULL, BAD_CAST "on_reboot"), order);
  vireo_xml_set_text (node, action);
  _vireo_domain_config_changed (config);
}

static VireoDomainConfig *
base_config (VireoVmBuilder     *self,
             VireoDomainConfig  *config,
             GError            **error)
{
  if (config != NULL)
    return vireo_domain_config_copy (config);
  return vireo_vm_builder_dup_config (self, error);
}

/**
 * vireo_vm_builder_dup_install_config:
 * @config: (nullable): the machine (the user's customized copy of
 *   vireo_vm_builder_dup_config()), %NULL for the answers' own
 *
 * The definition of the first boot: the machine booting its install
 * media (the CD-ROM, the network card, or the tree's kernel and initrd
 * at the paths of vireo_vm_builder_list_volumes()) first, then what it
 * booted before, and powering off instead of rebooting.
 *
 * Returns: (transfer full) (nullable): the config, or %NULL: with @error
 *   set when it cannot be made (the install media's drive was removed),
 *   without when the method has no install phase (import, manual)
 */
VireoDomainConfig *
vireo_vm_builder_dup_install_config (VireoVmBuilder     *self,
                                     VireoDomainConfig  *config,
                                     GError            **error)
{
  g_autoptr(VireoDomainConfig) copy = NULL;

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);
  g_return_val_if_fail (config == NULL || VIREO_IS_DOMAIN_CONFIG (config), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!has_install_phase (self))
    return NULL;
  copy = base_config (self, config, error);
  if (copy == NULL)
    return NULL;

  set_on_reboot (copy, "destroy");
  switch (self->method)
    {
    case VIREO_INSTALL_MEDIA:
      {
        g_autoptr(VireoDevice) cdrom = find_install_cdrom (self, copy);

        if (cdrom == NULL)
          {
            g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_MEDIA,
                                 _("Install media: the machine no longer has a CD-ROM drive holding the "
                                   "install media; add it again, or choose another install method."));
            return NULL;
          }
        if (!boot_first (copy, cdrom, error))
          return NULL;
      }
      break;

    case VIREO_INSTALL_PXE:
      {
        g_autoptr(VireoDevice) nic = find_first (copy, VIREO_DEVICE_INTERFACE, NULL);

        if (nic == NULL)
          {
            g_set_error_literal (error, VIREO_VM_BUILDER_ERROR, VIREO_VM_BUILDER_ERROR_NETWORK,
                                 _("Network: a PXE boot needs a network card; the machine has none."));
            return NULL;
          }
        if (!boot_first (copy, nic, error))
          return NULL;
      }
      break;

    case VIREO_INSTALL_NETWORK:
      {
        g_autoptr(VireoVolumePlan) kernel = boot_file_plan (self, VIREO_VOLUME_ROLE_KERNEL);
        g_autoptr(VireoVolumePlan) initrd = boot_file_plan (self, VIREO_VOLUME_ROLE_INITRD);
        g_autofree char *args = vireo_vm_builder_dup_kernel_args (self);

        if (!vireo_boot_set_kernel (copy, kernel->path, error) ||
            !vireo_boot_set_initrd (copy, initrd->path, error) ||
            (args != NULL && !vireo_boot_set_cmdline (copy, args, error)))
          return NULL;
      }
      break;

    case VIREO_INSTALL_IMPORT:
    case VIREO_INSTALL_MANUAL:
    default:
      g_assert_not_reached ();
    }

  return g_steal_pointer (&copy);
}

/**
 * vireo_vm_builder_dup_final_config:
 * @config: (nullable): the machine, as for
 *   vireo_vm_builder_dup_install_config()
 *
 * The definition the machine keeps: the install media's drive stays, but
 * empty, once there is a disk to boot (Windows keeps its media: its setup
 * reads it again after its first reboot).
 *
 * Returns: (transfer full): the config, or %NULL with @error
 */
VireoDomainConfig *
vireo_vm_builder_dup_final_config (VireoVmBuilder     *self,
                                   VireoDomainConfig  *config,
                                   GError            **error)
{
  g_autoptr(VireoDomainConfig) copy = NULL;

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);
  g_return_val_if_fail (config == NULL || VIREO_IS_DOMAIN_CONFIG (config), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  copy = base_config (self, config, error);
  if (copy == NULL)
    return NULL;

  if (self->method == VIREO_INSTALL_MEDIA && !is_windows (self))
    {
      g_autoptr(VireoDevice) cdrom = find_install_cdrom (self, copy);
      g_autoptr(VireoDevice) disk = find_first (copy, VIREO_DEVICE_DISK, "disk");

      if (cdrom != NULL && disk != NULL)
        vireo_disk_set_source_file (VIREO_DISK (cdrom), NULL);
    }
  return g_steal_pointer (&copy);
}

/* Whether @config still has a disk on @plan's volume. */
static gboolean
config_uses_volume (VireoDomainConfig     *config,
                    const VireoVolumePlan *plan)
{
  g_autoptr(GPtrArray) disks = vireo_domain_config_list_disks (config);

  for (guint i = 0; i < disks->len; i++)
    {
      VireoDiskInfo *info = disks->pdata[i];

      if (plan->path != NULL && g_strcmp0 (info->path, plan->path) == 0)
        return TRUE;
      if (g_strcmp0 (info->pool, plan->pool) == 0 && g_strcmp0 (info->volume, plan->name) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * vireo_vm_builder_dup_plan:
 * @config: (nullable): the machine (the user's customized copy of
 *   vireo_vm_builder_dup_config()), %NULL for the answers' own
 *
 * What vireo_create_job_new() needs: both definitions, the volumes to
 * make (a new disk the customized machine no longer uses is left out),
 * and whether to start it (not for a manual install).
 *
 * Returns: (transfer full): the plan, or %NULL with @error
 */
VireoCreatePlan *
vireo_vm_builder_dup_plan (VireoVmBuilder     *self,
                           VireoDomainConfig  *config,
                           GError            **error)
{
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(VireoDomainConfig) base = NULL;
  g_autoptr(VireoDomainConfig) final = NULL;
  g_autoptr(VireoDomainConfig) install = NULL;
  g_autoptr(GPtrArray) volumes = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);
  g_return_val_if_fail (config == NULL || VIREO_IS_DOMAIN_CONFIG (config), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!vireo_vm_builder_validate (self, error))
    return NULL;
  base = base_config (self, config, error);
  if (base == NULL)
    return NULL;
  final = vireo_vm_builder_dup_final_config (self, base, error);
  if (final == NULL)
    return NULL;
  install = vireo_vm_builder_dup_install_config (self, base, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  plan = g_new0 (VireoCreatePlan, 1);
  plan->name = g_strdup (vireo_domain_config_get_name (final));
  plan->uuid = g_strdup (vireo_domain_config_get_uuid (final));
  plan->final_xml = vireo_domain_config_to_xml (final);
  plan->install_xml = install != NULL ? vireo_domain_config_to_xml (install) : NULL;
  plan->start = self->method != VIREO_INSTALL_MANUAL;
  plan->volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_volume_plan_free);

  volumes = vireo_vm_builder_list_volumes (self);
  for (guint i = 0; i < volumes->len; i++)
    {
      VireoVolumePlan *volume = volumes->pdata[i];

      if (volume->role == VIREO_VOLUME_ROLE_DISK && !config_uses_volume (final, volume))
        continue;
      g_ptr_array_add (plan->volumes, vireo_volume_plan_copy (volume));
    }
  return g_steal_pointer (&plan);
}

/**
 * vireo_vm_builder_dup_customize_plan:
 *
 * The plan for "Customize configuration before install": the volumes
 * made and the machine defined as vireo_vm_builder_dup_config() gives it
 * (the install media still in its drive, where the user can see and
 * change it), not started. Once the user has changed it,
 * vireo_vm_builder_dup_plan() on the machine's definition gives what
 * vireo_create_job_begin_install_async() needs.
 *
 * Returns: (transfer full): the plan, or %NULL with @error
 */
VireoCreatePlan *
vireo_vm_builder_dup_customize_plan (VireoVmBuilder  *self,
                                     GError         **error)
{
  g_autoptr(VireoCreatePlan) plan = NULL;
  g_autoptr(VireoDomainConfig) base = NULL;
  g_autoptr(GPtrArray) volumes = NULL;

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!vireo_vm_builder_validate (self, error))
    return NULL;
  base = vireo_vm_builder_dup_config (self, error);
  if (base == NULL)
    return NULL;

  plan = g_new0 (VireoCreatePlan, 1);
  plan->name = g_strdup (vireo_domain_config_get_name (base));
  plan->uuid = g_strdup (vireo_domain_config_get_uuid (base));
  plan->final_xml = vireo_domain_config_to_xml (base);
  plan->start = FALSE;
  plan->customize = TRUE;
  plan->volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_volume_plan_free);
  volumes = vireo_vm_builder_list_volumes (self);
  for (guint i = 0; i < volumes->len; i++)
    g_ptr_array_add (plan->volumes, vireo_volume_plan_copy (volumes->pdata[i]));
  return g_steal_pointer (&plan);
}

/**
 * vireo_vm_builder_get_has_install_phase:
 *
 * Returns: whether the machine boots an installer first (media, tree,
 *   PXE), rather than its disk (import) or nothing (manual)
 */
gboolean
vireo_vm_builder_get_has_install_phase (VireoVmBuilder *self)
{
  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), FALSE);
  return has_install_phase (self);
}

/* ------------------------------------------------------------------------ */
/* virt-install                                                              */

static void
add_arg (GPtrArray  *argv,
         const char *arg)
{
  g_ptr_array_add (argv, g_strdup (arg));
}

static void
add_option (GPtrArray  *argv,
            const char *option,
            const char *value)
{
  add_arg (argv, option);
  add_arg (argv, value);
}

/* "20", or "7.5": virt-install's sizes are GiB. */
static char *
gib_text (guint64 bytes)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (bytes % GIB == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, bytes / GIB);
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.3f", (double) bytes / GIB));
}

/**
 * vireo_vm_builder_dup_virt_install_command:
 * @uri: (nullable): the connection's URI, for `--connect`
 * @out_display: (out) (optional) (transfer full): the same as one line a
 *   shell reads back into the same words
 *
 * The `virt-install` command that makes the same machine the same way,
 * for people who want to learn it or script it. Display only: Vireo
 * never runs it.
 *
 * Returns: (transfer full): the command's words
 */
GStrv
vireo_vm_builder_dup_virt_install_command (VireoVmBuilder  *self,
                                           const char      *uri,
                                           char           **out_display)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  g_autofree char *machine = NULL;
  g_autofree char *text = NULL;
  const char *type;
  VireoFirmwareChoice firmware;

  g_return_val_if_fail (VIREO_IS_VM_BUILDER (self), NULL);

  name = vireo_vm_builder_dup_name (self);
  machine = vireo_vm_builder_dup_machine (self);
  type = self->caps != NULL ? vireo_domain_caps_get_domain_type (self->caps) : NULL;

  add_arg (argv, "virt-install");
  if (uri != NULL)
    add_option (argv, "--connect", uri);
  add_option (argv, "--name", name);
  text = g_strdup_printf ("%" G_GUINT64_FORMAT, vireo_vm_builder_get_memory_mib (self));
  add_option (argv, "--memory", text);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("%u", vireo_vm_builder_get_vcpus (self));
  add_option (argv, "--vcpus", text);
  g_clear_pointer (&text, g_free);
  add_option (argv, "--osinfo", self->os != NULL ? vireo_os_info_get_short_id (self->os) : "generic");
  if (type != NULL)
    add_option (argv, "--virt-type", type);
  add_option (argv, "--arch", get_arch (self));
  if (machine != NULL)
    add_option (argv, "--machine", machine);

  switch (self->method)
    {
    case VIREO_INSTALL_MEDIA:
      add_option (argv, "--cdrom", self->media_path != NULL ? self->media_path : "");
      break;
    case VIREO_INSTALL_NETWORK:
      if (self->tree_kernel != NULL || self->tree_initrd != NULL)
        {
          g_autoptr(GString) location = g_string_new (self->location);

          if (self->tree_kernel != NULL)
            g_string_append_printf (location, ",kernel=%s", self->tree_kernel);
          if (self->tree_initrd != NULL)
            g_string_append_printf (location, ",initrd=%s", self->tree_initrd);
          add_option (argv, "--location", location->str);
        }
      else
        add_option (argv, "--location", self->location != NULL ? self->location : "");
      /* virt-install adds the tree's URL argument itself. */
      if (self->kernel_args != NULL)
        add_option (argv, "--extra-args", self->kernel_args);
      break;
    case VIREO_INSTALL_PXE:
      add_arg (argv, "--pxe");
      break;
    case VIREO_INSTALL_IMPORT:
      add_arg (argv, "--import");
      break;
    case VIREO_INSTALL_MANUAL:
    default:
      add_option (argv, "--install", "no_install=yes");
      break;
    }

  if (self->method == VIREO_INSTALL_IMPORT || self->storage == VIREO_STORAGE_EXISTING)
    {
      g_autoptr(GString) disk = g_string_new ("path=");

      g_string_append (disk, self->existing_path != NULL ? self->existing_path : "");
      g_string_append_printf (disk, ",format=%s", self->existing_format != NULL ? self->existing_format : "raw");
      add_option (argv, "--disk", disk->str);
    }
  else if (self->storage == VIREO_STORAGE_NEW)
    {
      g_autofree char *size = gib_text (vireo_vm_builder_get_disk_size (self));
      g_autoptr(GString) disk = g_string_new (NULL);

      g_string_append_printf (disk, "size=%s,format=%s", size, self->disk_format);
      if (self->pool != NULL)
        g_string_append_printf (disk, ",pool=%s", self->pool);
      if (self->allocate_now)
        g_string_append (disk, ",sparse=no");
      add_option (argv, "--disk", disk->str);
    }
  else
    add_option (argv, "--disk", "none");

  switch (self->network)
    {
    case VIREO_NETWORK_VIRTUAL:
      text = g_strdup_printf ("network=%s", self->network_source != NULL ? self->network_source : "");
      break;
    case VIREO_NETWORK_BRIDGE:
      text = g_strdup_printf ("bridge=%s", self->network_source != NULL ? self->network_source : "");
      break;
    case VIREO_NETWORK_MACVTAP:
      text = g_strdup_printf ("type=direct,source=%s,source.mode=%s",
                              self->network_source != NULL ? self->network_source : "",
                              self->network_mode != NULL ? self->network_mode : "bridge");
      break;
    case VIREO_NETWORK_USER:
      text = g_strdup ("user");
      break;
    case VIREO_NETWORK_NONE:
    default:
      text = g_strdup ("none");
      break;
    }
  add_option (argv, "--network", text);
  g_clear_pointer (&text, g_free);

  firmware = vireo_vm_builder_get_firmware (self);
  if (firmware != VIREO_FIRMWARE_BIOS)
    {
      const char *sb = firmware == VIREO_FIRMWARE_UEFI_SECURE ? "yes" : "no";

      text = g_strdup_printf ("uefi,firmware.feature0.name=secure-boot,firmware.feature0.enabled=%s,"
                              "firmware.feature1.name=enrolled-keys,firmware.feature1.enabled=%s", sb, sb);
      add_option (argv, "--boot", text);
      g_clear_pointer (&text, g_free);
    }
  /* virt-install adds a TPM to UEFI machines by itself: say so either way. */
  if (vireo_vm_builder_get_tpm (self))
    add_option (argv, "--tpm", is_x86 (self) ? "emulator,model=tpm-crb,version=2.0" : "emulator,version=2.0");
  else if (firmware != VIREO_FIRMWARE_BIOS)
    add_option (argv, "--tpm", "none");

  if (out_display != NULL)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint i = 0; i < argv->len; i++)
        {
          g_autofree char *word = vireo_command_quote (argv->pdata[i]);

          if (i > 0)
            g_string_append_c (line, ' ');
          g_string_append (line, word);
        }
      *out_display = g_string_free (g_steal_pointer (&line), FALSE);
    }

  g_ptr_array_add (argv, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&argv), FALSE);
}
