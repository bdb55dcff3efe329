/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-os-info"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <libxml/parser.h>
#include <osinfo/osinfo.h>

#include "vireo-model-private.h"
#include "vireo-os-info.h"
#include "vireo-os-info-private.h"
#include "vireo-xml.h"

/*
 * Operating systems as libosinfo knows them, for the details page and the
 * new-VM wizard.
 *
 * Reading osinfo-db parses some 800 XML files (0.25 s here) and asking each
 * OS for its devices, firmware and resources walks its derives-from chain
 * (another 0.25 s for all of them), so both happen once, on a thread, and
 * what Vireo needs is kept as plain data (VireoOsEntry). The main thread
 * never calls libosinfo. The loaded database is kept for the life of the
 * process: the second vireo_os_db_load_async() returns at once.
 *
 * What osinfo-db 20221203 (Debian 12) does not record, Vireo decides
 * itself, and says so below: whether an OS can boot with Secure Boot (no
 * firmware feature data at all) and whether it needs a TPM (Windows 11's
 * entry names UEFI only). Everything else comes from the database.
 */

#define PCI(vendor_device) "http://pcisig.com/pci/" vendor_device

#define DEV_VIRTIO_NET        PCI ("1af4/1000")
#define DEV_VIRTIO_BLOCK      PCI ("1af4/1001")
#define DEV_VIRTIO1_NET       PCI ("1af4/1041")
#define DEV_VIRTIO1_BLOCK     PCI ("1af4/1042")
#define DEV_VIRTIO1_GPU       PCI ("1af4/1050")
#define DEV_QXL               PCI ("1b36/0100")
#define DEV_E1000E            PCI ("8086/10d3")
#define DEV_E1000             PCI ("8086/100e")
#define DEV_RTL8139           PCI ("10ec/8139")
#define DEV_ICH9_HDA          PCI ("8086/293e")
#define DEV_ICH6_HDA          PCI ("8086/2668")
#define DEV_AC97              PCI ("8086/2415")
#define DEV_Q35               "http://qemu.org/chipset/x86/q35"

#define ID_WINDOWS_11         "http://microsoft.com/win/11"
#define GENERIC_ID_PREFIX     "http://libosinfo.org/"

/* Anything released this long ago without an end-of-life date is taken as
 * out of support (the database records few EOL dates for old releases). */
#define EOL_AFTER_YEARS 10

/* ------------------------------------------------------------------------ */
/* Entries: what the loader thread reads, immutable once made               */

typedef struct
{
  char             *id;
  char             *short_id;
  char             *name;
  char             *vendor;
  char             *version;
  char             *family;
  char             *distro;
  char             *release_date;   /* YYYY-MM-DD or NULL */
  char             *eol_date;
  guint32           release_jd;     /* Julian day; 0: unknown */
  guint32           eol_jd;
  gboolean          rolling;
  gboolean          generic;
  gboolean          unknown;

  VireoOsResources  minimum;
  VireoOsResources  recommended;

  gboolean          virtio_disk;
  gboolean          virtio_net;
  gboolean          virtio_1_0;
  gboolean          q35;
  const char       *nic_model;      /* static strings */
  const char       *disk_bus;
  const char       *video_model;
  const char       *sound_model;
  gboolean          supports_uefi;
  gboolean          needs_uefi;
  gboolean          secure_boot;
  gboolean          needs_tpm;

  /* For search, case-folded. */
  char             *fold_all;       /* name, short ids, vendor, version, distro, codename */
  char             *fold_named;     /* name and short ids */
  char             *fold_name;
  GStrv             fold_short_ids;
  char             *sort_key;       /* natural order of names */
} VireoOsEntry;

static void
entry_clear (gpointer data)
{
  VireoOsEntry *entry = data;

  g_free (entry->id);
  g_free (entry->short_id);
  g_free (entry->name);
  g_free (entry->vendor);
  g_free (entry->version);
  g_free (entry->family);
  g_free (entry->distro);
  g_free (entry->release_date);
  g_free (entry->eol_date);
  g_free (entry->fold_all);
  g_free (entry->fold_named);
  g_free (entry->fold_name);
  g_strfreev (entry->fold_short_ids);
  g_free (entry->sort_key);
}

static VireoOsEntry *
entry_ref (VireoOsEntry *entry)
{
  return g_atomic_rc_box_acquire (entry);
}

static void
entry_unref (gpointer entry)
{
  g_atomic_rc_box_release_full (entry, entry_clear);
}

static char *
fold (const char *text)
{
  return text != NULL ? g_utf8_casefold (text, -1) : g_strdup ("");
}

static guint32
julian_of (GDate *date)
{
  guint32 day = date != NULL && g_date_valid (date) ? g_date_get_julian (date) : 0;

  g_clear_pointer (&date, g_date_free);
  return day;
}

static void
read_resources (OsinfoResourcesList *list,
                VireoOsResources    *out)
{
  /* x86_64 first; the "all" entry fills in what it leaves open. */
  static const char * const arches[] = { "x86_64", OSINFO_ARCHITECTURE_ALL, NULL };
  guint n = osinfo_list_get_length (OSINFO_LIST (list));

  for (guint a = 0; arches[a] != NULL; a++)
    for (guint i = 0; i < n; i++)
      {
        OsinfoResources *r = OSINFO_RESOURCES (osinfo_list_get_nth (OSINFO_LIST (list), i));

        if (g_strcmp0 (osinfo_resources_get_architecture (r), arches[a]) != 0)
          continue;
        if (out->ram == 0 && osinfo_resources_get_ram (r) > 0)
          out->ram = (guint64) osinfo_resources_get_ram (r);
        if (out->n_cpus == 0 && osinfo_resources_get_n_cpus (r) > 0)
          out->n_cpus = (guint) osinfo_resources_get_n_cpus (r);
        if (out->storage == 0 && osinfo_resources_get_storage (r) > 0)
          out->storage = (guint64) osinfo_resources_get_storage (r);
      }
}

/* "12.10" against 12, 10; a version that is not a number ("Rawhide",
 * "tumbleweed", "9-unknown" is a number) is a development or rolling one,
 * newer than any release. */
static gboolean
version_at_least (const char *version,
                  guint       major,
                  guint       minor)
{
  char *end = NULL;
  guint64 have_major;
  guint64 have_minor = 0;

  if (version == NULL)
    return FALSE;
  if (!g_ascii_isdigit (*version))
    return TRUE;
  have_major = g_ascii_strtoull (version, &end, 10);
  if (end != NULL && *end == '.' && g_ascii_isdigit (end[1]))
    have_minor = g_ascii_strtoull (end + 1, NULL, 10);
  return have_major > major || (have_major == major && have_minor >= minor);
}

/* Distributions whose boot loader is signed with Microsoft's UEFI CA key
 * (the key OVMF's enrolled varstore holds), from the first release that
 * shipped it. osinfo-db has no Secure Boot data; this table is Vireo's. */
static const struct
{
  const char *distro;
  guint       major;
  guint       minor;
} secure_boot_distros[] = {
  { "ubuntu",     12, 10 },
  { "fedora",     18, 0 },
  { "debian",     10, 0 },
  { "rhel",        7, 0 },
  { "centos",      7, 0 },
  { "almalinux",   8, 0 },
  { "rocky",       8, 0 },
  { "ol",          7, 0 },
  { "sles",       12, 0 },
  { "sled",       12, 0 },
  { "opensuse",   12, 3 },
};

static gboolean
signs_for_secure_boot (OsinfoOs *os)
{
  const char *distro = osinfo_os_get_distro (os);
  const char *version = osinfo_product_get_version (OSINFO_PRODUCT (os));

  /* Windows 8 and Server 2012 (NT 6.2) onwards. */
  if (g_strcmp0 (osinfo_os_get_family (os), "winnt") == 0)
    return version_at_least (version, 6, 2);
  for (guint i = 0; i < G_N_ELEMENTS (secure_boot_distros); i++)
    if (g_strcmp0 (distro, secure_boot_distros[i].distro) == 0)
      return version_at_least (version, secure_boot_distros[i].major, secure_boot_distros[i].minor);
  return FALSE;
}

/* Microsoft requires TPM 2.0 for Windows 11; its osinfo-db entry does not
 * say so. */
static gboolean
is_windows_11 (OsinfoOs *os)
{
  return g_strcmp0 (osinfo_entity_get_id (OSINFO_ENTITY (os)), ID_WINDOWS_11) == 0;
}

/* Does @pred hold for @os or for an OS it derives from or rebuilds (a
 * "Generic Linux 2022" is an Ubuntu 22.04, AlmaLinux 9 is a RHEL 9)? */
static gboolean
holds_in_lineage (OsinfoOs  *os,
                  gboolean (*pred) (OsinfoOs *os),
                  guint      depth)
{
  static const OsinfoProductRelationship relations[] = {
    OSINFO_PRODUCT_RELATIONSHIP_DERIVES_FROM,
    OSINFO_PRODUCT_RELATIONSHIP_CLONES,
  };

  if (pred (os))
    return TRUE;
  if (depth >= 32)
    return FALSE;
  for (guint r = 0; r < G_N_ELEMENTS (relations); r++)
    {
      g_autoptr(OsinfoProductList) parents = osinfo_product_get_related (OSINFO_PRODUCT (os), relations[r]);
      guint n = osinfo_list_get_length (OSINFO_LIST (parents));

      for (guint i = 0; i < n; i++)
        {
          OsinfoEntity *parent = osinfo_list_get_nth (OSINFO_LIST (parents), i);

          if (OSINFO_IS_OS (parent) && holds_in_lineage (OSINFO_OS (parent), pred, depth + 1))
            return TRUE;
        }
    }
  return FALSE;
}

static void
read_devices (OsinfoOs     *os,
              VireoOsEntry *entry)
{
  g_autoptr(OsinfoDeviceList) devices = osinfo_os_get_all_devices (os, NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = osinfo_list_get_length (OSINFO_LIST (devices));

  /* Borrowed: the device list holds the devices. */
  for (guint i = 0; i < n; i++)
    g_hash_table_add (ids, (gpointer) osinfo_entity_get_id (osinfo_list_get_nth (OSINFO_LIST (devices), i)));

#define HAS(id) g_hash_table_contains (ids, id)
  entry->virtio_disk = HAS (DEV_VIRTIO_BLOCK) || HAS (DEV_VIRTIO1_BLOCK);
  entry->virtio_net = HAS (DEV_VIRTIO_NET) || HAS (DEV_VIRTIO1_NET);
  /* virtio 1.0 as a whole, by its network card, as libosinfo's own
   * consumers do. */
  entry->virtio_1_0 = HAS (DEV_VIRTIO1_NET);
  entry->q35 = HAS (DEV_Q35);

  if (entry->virtio_net)
    entry->nic_model = "virtio";
  else if (HAS (DEV_E1000E))
    entry->nic_model = "e1000e";
  else if (HAS (DEV_RTL8139) && !HAS (DEV_E1000))
    entry->nic_model = "rtl8139";
  else
    /* Listed, or nothing known: the card most old systems drive. */
    entry->nic_model = "e1000";

  if (entry->virtio_disk)
    entry->disk_bus = "virtio";
  else if (entry->q35)
    /* A system that runs on Q35 drives its AHCI controller. */
    entry->disk_bus = "sata";
  else
    entry->disk_bus = "ide";

  if (HAS (DEV_VIRTIO1_GPU))
    entry->video_model = "virtio";
  else if (HAS (DEV_QXL))
    entry->video_model = "qxl";
  else
    entry->video_model = "vga";

  if (HAS (DEV_ICH9_HDA))
    entry->sound_model = "ich9";
  else if (HAS (DEV_ICH6_HDA))
    entry->sound_model = "ich6";
  else if (HAS (DEV_AC97))
    entry->sound_model = "ac97";
  else
    entry->sound_model = NULL;
#undef HAS
}

static void
read_firmware (OsinfoOs     *os,
               VireoOsEntry *entry)
{
  g_autoptr(OsinfoFirmwareList) firmwares = osinfo_os_get_complete_firmware_list (os, NULL);
  guint n = osinfo_list_get_length (OSINFO_LIST (firmwares));
  gboolean bios_refused = FALSE;

  for (guint i = 0; i < n; i++)
    {
      OsinfoFirmware *fw = OSINFO_FIRMWARE (osinfo_list_get_nth (OSINFO_LIST (firmwares), i));
      const char *type = osinfo_firmware_get_firmware_type (fw);

      if (g_strcmp0 (osinfo_firmware_get_architecture (fw), "x86_64") != 0)
        continue;
      if (g_strcmp0 (type, "efi") == 0 && osinfo_firmware_is_supported (fw))
        entry->supports_uefi = TRUE;
      else if (g_strcmp0 (type, "bios") == 0 && !osinfo_firmware_is_supported (fw))
        bios_refused = TRUE;
    }
  entry->needs_uefi = entry->supports_uefi && bios_refused;
}

static void
fill_search_keys (VireoOsEntry *entry,
                  GList        *short_ids,
                  const char   *codename)
{
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GString) named = g_string_new (NULL);
  g_autoptr(GPtrArray) folded_ids = g_ptr_array_new ();
  g_autofree char *name = fold (entry->name);

  g_string_append (named, name);
  for (GList *l = short_ids; l != NULL; l = l->next)
    {
      char *id = fold (l->data);

      g_string_append_c (named, ' ');
      g_string_append (named, id);
      g_ptr_array_add (folded_ids, id);
    }
  g_ptr_array_add (folded_ids, NULL);

  g_string_append (all, named->str);
  for (guint i = 0; i < 4; i++)
    {
      const char *extra[] = { entry->vendor, entry->version, entry->distro, codename };

      if (extra[i] != NULL)
        {
          g_autofree char *folded = fold (extra[i]);

          g_string_append_c (all, ' ');
          g_string_append (all, folded);
        }
    }

  entry->fold_all = g_string_free (g_steal_pointer (&all), FALSE);
  entry->fold_named = g_string_free (g_steal_pointer (&named), FALSE);
  entry->fold_name = g_steal_pointer (&name);
  entry->fold_short_ids = (GStrv) g_ptr_array_free (g_steal_pointer (&folded_ids), FALSE);
  entry->sort_key = g_utf8_collate_key_for_filename (entry->name != NULL ? entry->name : "", -1);
}

/* Runs on the loader thread. */
static VireoOsEntry *
entry_new (OsinfoOs *os)
{
  OsinfoProduct *product = OSINFO_PRODUCT (os);
  VireoOsEntry *entry = g_atomic_rc_box_new0 (VireoOsEntry);
  g_autoptr(OsinfoResourcesList) minimum = osinfo_os_get_minimum_resources (os);
  g_autoptr(OsinfoResourcesList) recommended = osinfo_os_get_recommended_resources (os);
  GList *short_ids = osinfo_product_get_short_id_list (product);

  entry->id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (os)));
  entry->short_id = g_strdup (osinfo_product_get_short_id (product));
  entry->name = g_strdup (osinfo_product_get_name (product));
  entry->vendor = g_strdup (osinfo_product_get_vendor (product));
  entry->version = g_strdup (osinfo_product_get_version (product));
  entry->family = g_strdup (osinfo_os_get_family (os));
  entry->distro = g_strdup (osinfo_os_get_distro (os));
  entry->release_date = g_strdup (osinfo_product_get_release_date_string (product));
  entry->eol_date = g_strdup (osinfo_product_get_eol_date_string (product));
  entry->release_jd = julian_of (osinfo_product_get_release_date (product));
  entry->eol_jd = julian_of (osinfo_product_get_eol_date (product));
  entry->rolling = osinfo_os_get_release_status (os) == OSINFO_RELEASE_STATUS_ROLLING;
  entry->unknown = g_strcmp0 (entry->id, VIREO_OS_ID_UNKNOWN) == 0;
  entry->generic = g_str_has_prefix (entry->id, GENERIC_ID_PREFIX);
  if (entry->name == NULL)
    entry->name = g_strdup (entry->short_id != NULL ? entry->short_id : entry->id);

  read_resources (minimum, &entry->minimum);
  read_resources (recommended, &entry->recommended);
  /* Never recommend less than the minimum; where the database gives only
   * a minimum (Windows), that is the recommendation. */
  entry->recommended.ram = MAX (entry->recommended.ram, entry->minimum.ram);
  entry->recommended.n_cpus = MAX (entry->recommended.n_cpus, entry->minimum.n_cpus);
  entry->recommended.storage = MAX (entry->recommended.storage, entry->minimum.storage);

  read_devices (os, entry);
  read_firmware (os, entry);
  entry->needs_tpm = holds_in_lineage (os, is_windows_11, 0);
  /* Secure Boot needs UEFI; Windows 8 to 10 boot with it though their
   * entries name no firmware. */
  entry->secure_boot = entry->needs_tpm || holds_in_lineage (os, signs_for_secure_boot, 0);

  fill_search_keys (entry, short_ids, osinfo_product_get_codename (product));
  g_list_free (short_ids);
  return entry;
}

/* Older databases have no "unknown" entry; the picker still needs one. */
static VireoOsEntry *
entry_new_unknown (void)
{
  VireoOsEntry *entry = g_atomic_rc_box_new0 (VireoOsEntry);
  GList short_ids = { (gpointer) "unknown", NULL, NULL };

  entry->id = g_strdup (VIREO_OS_ID_UNKNOWN);
  entry->short_id = g_strdup ("unknown");
  entry->name = g_strdup (_("Unknown"));
  entry->unknown = entry->generic = TRUE;
  entry->nic_model = "e1000";
  entry->disk_bus = "ide";
  entry->video_model = "vga";
  fill_search_keys (entry, &short_ids, NULL);
  return entry;
}

/* Is @entry out of support on Julian day @today? */
static gboolean
entry_is_eol (const VireoOsEntry *entry,
              guint32             today)
{
  if (entry->eol_jd != 0)
    return entry->eol_jd < today;
  if (entry->rolling || entry->release_jd == 0)
    return FALSE;
  return entry->release_jd + (guint32) (EOL_AFTER_YEARS * 365.25) < today;
}

static guint32
julian_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));
  return g_date_get_julian (&day);
}

/* ------------------------------------------------------------------------ */
/* VireoOsInfo                                                              */

/**
 * VireoOsInfo:
 *
 * One operating system: what it is, what it needs and which virtual
 * devices it drives. Immutable; the database hands out one object per
 * system, so two lookups of the same id give the same object.
 */
struct _VireoOsInfo
{
  GObject       parent_instance;

  /* Owned */
  VireoOsEntry *entry;
};

G_DEFINE_FINAL_TYPE (VireoOsInfo, vireo_os_info, G_TYPE_OBJECT)

enum {
  INFO_PROP_0,
  INFO_PROP_ID,
  INFO_PROP_SHORT_ID,
  INFO_PROP_NAME,
  INFO_PROP_VENDOR,
  INFO_PROP_VERSION,
  INFO_PROP_RELEASE_YEAR,
  INFO_PROP_EOL,
  INFO_PROP_GENERIC,
  INFO_PROP_UNKNOWN,
  INFO_N_PROPS
};

static GParamSpec *info_properties[INFO_N_PROPS];

static VireoOsInfo *
vireo_os_info_new (VireoOsEntry *entry)
{
  VireoOsInfo *self = g_object_new (VIREO_TYPE_OS_INFO, NULL);

  self->entry = entry_ref (entry);
  return self;
}

static void
vireo_os_info_finalize (GObject *object)
{
  VireoOsInfo *self = (VireoOsInfo *) object;

  g_clear_pointer (&self->entry, entry_unref);

  G_OBJECT_CLASS (vireo_os_info_parent_class)->finalize (object);
}

static void
vireo_os_info_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VireoOsInfo *self = VIREO_OS_INFO (object);

  switch (prop_id)
    {
    case INFO_PROP_ID:
      g_value_set_string (value, self->entry->id);
      break;
    case INFO_PROP_SHORT_ID:
      g_value_set_string (value, self->entry->short_id);
      break;
    case INFO_PROP_NAME:
      g_value_set_string (value, self->entry->name);
      break;
    case INFO_PROP_VENDOR:
      g_value_set_string (value, self->entry->vendor);
      break;
    case INFO_PROP_VERSION:
      g_value_set_string (value, self->entry->version);
      break;
    case INFO_PROP_RELEASE_YEAR:
      g_value_set_uint (value, vireo_os_info_get_release_year (self));
      break;
    case INFO_PROP_EOL:
      g_value_set_boolean (value, vireo_os_info_get_eol (self));
      break;
    case INFO_PROP_GENERIC:
      g_value_set_boolean (value, self->entry->generic);
      break;
    case INFO_PROP_UNKNOWN:
      g_value_set_boolean (value, self->entry->unknown);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_os_info_class_init (VireoOsInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_os_info_finalize;
  object_class->get_property = vireo_os_info_get_property;

#define STR_PROP(id, name) \
  info_properties[id] = g_param_spec_string (name, NULL, NULL, NULL, \
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)
  STR_PROP (INFO_PROP_ID, "id");
  STR_PROP (INFO_PROP_SHORT_ID, "short-id");
  STR_PROP (INFO_PROP_NAME, "name");
  STR_PROP (INFO_PROP_VENDOR, "vendor");
  STR_PROP (INFO_PROP_VERSION, "version");
#undef STR_PROP
  info_properties[INFO_PROP_RELEASE_YEAR] =
    g_param_spec_uint ("release-year", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Against today's date, read each time. */
  info_properties[INFO_PROP_EOL] =
    g_param_spec_boolean ("eol", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  info_properties[INFO_PROP_GENERIC] =
    g_param_spec_boolean ("generic", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  info_properties[INFO_PROP_UNKNOWN] =
    g_param_spec_boolean ("unknown", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, INFO_N_PROPS, info_properties);
}

static void
vireo_os_info_init (VireoOsInfo *self)
{
}

/**
 * vireo_os_info_get_id:
 *
 * Returns: libosinfo's id, a URL such as `http://ubuntu.com/ubuntu/22.04`:
 *   what a domain's metadata records
 */
const char *
vireo_os_info_get_id (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->id;
}

/**
 * vireo_os_info_get_short_id:
 *
 * Returns: (nullable): the short id (`ubuntu22.04`, `win11`), as
 *   `virt-install --osinfo` takes it
 */
const char *
vireo_os_info_get_short_id (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->short_id;
}

/**
 * vireo_os_info_get_name:
 *
 * Returns: the name for people, in the locale libosinfo found at load
 */
const char *
vireo_os_info_get_name (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->name;
}

/** vireo_os_info_get_vendor: Returns: (nullable): */
const char *
vireo_os_info_get_vendor (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->vendor;
}

/** vireo_os_info_get_version: Returns: (nullable): "22.04", "11.0", "Rawhide" */
const char *
vireo_os_info_get_version (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->version;
}

/** vireo_os_info_get_family: Returns: (nullable): "linux", "winnt", "freebsd", … */
const char *
vireo_os_info_get_family (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->family;
}

/** vireo_os_info_get_distro: Returns: (nullable): "ubuntu", "win", "rhel", … */
const char *
vireo_os_info_get_distro (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->distro;
}

/** vireo_os_info_get_release_date: Returns: (nullable): YYYY-MM-DD */
const char *
vireo_os_info_get_release_date (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->release_date;
}

/** vireo_os_info_get_eol_date: Returns: (nullable): YYYY-MM-DD */
const char *
vireo_os_info_get_eol_date (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->eol_date;
}

/** vireo_os_info_get_release_year: Returns: the year of release, 0 if unknown */
guint
vireo_os_info_get_release_year (VireoOsInfo *self)
{
  GDate day;

  g_return_val_if_fail (VIREO_IS_OS_INFO (self), 0);
  if (self->entry->release_jd == 0)
    return 0;
  g_date_clear (&day, 1);
  g_date_set_julian (&day, self->entry->release_jd);
  return g_date_get_year (&day);
}

/**
 * vireo_os_info_is_eol_on:
 * @day: a valid date
 *
 * Out of support on @day: past its end-of-life date, or, with none
 * recorded, released more than ten years before (rolling releases never
 * are).
 */
gboolean
vireo_os_info_is_eol_on (VireoOsInfo *self,
                         const GDate *day)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  g_return_val_if_fail (day != NULL && g_date_valid (day), FALSE);
  return entry_is_eol (self->entry, g_date_get_julian (day));
}

/** vireo_os_info_get_eol: Returns: whether it is out of support today */
gboolean
vireo_os_info_get_eol (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  return entry_is_eol (self->entry, julian_today ());
}

/**
 * vireo_os_info_get_generic:
 *
 * Returns: %TRUE for libosinfo's own entries ("Unknown", "Generic Linux
 *   2022", …) that stand for no real product
 */
gboolean
vireo_os_info_get_generic (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  return self->entry->generic;
}

/** vireo_os_info_get_unknown: Returns: %TRUE for the "unknown" entry only */
gboolean
vireo_os_info_get_unknown (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  return self->entry->unknown;
}

/**
 * vireo_os_info_get_minimum_resources:
 * @out: (out caller-allocates): for x86_64; 0 where the database is silent
 */
void
vireo_os_info_get_minimum_resources (VireoOsInfo      *self,
                                     VireoOsResources *out)
{
  g_return_if_fail (VIREO_IS_OS_INFO (self));
  g_return_if_fail (out != NULL);
  *out = self->entry->minimum;
}

/**
 * vireo_os_info_get_recommended_resources:
 * @out: (out caller-allocates): for x86_64; never below the minimum, the
 *   minimum where the database recommends nothing, 0 where it is silent
 */
void
vireo_os_info_get_recommended_resources (VireoOsInfo      *self,
                                         VireoOsResources *out)
{
  g_return_if_fail (VIREO_IS_OS_INFO (self));
  g_return_if_fail (out != NULL);
  *out = self->entry->recommended;
}

/** vireo_os_info_get_virtio_disk: Returns: drives virtio-blk (legacy or 1.0) */
gboolean
vireo_os_info_get_virtio_disk (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  return self->entry->virtio_disk;
}

/** vireo_os_info_get_virtio_net: Returns: drives virtio-net (legacy or 1.0) */
gboolean
vireo_os_info_get_virtio_net (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  return self->entry->virtio_net;
}

/**
 * vireo_os_info_get_virtio_1_0:
 *
 * Returns: drives modern (virtio 1.0, non-transitional) devices; a system
 *   with virtio but not this needs transitional ones
 */
gboolean
vireo_os_info_get_virtio_1_0 (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  return self->entry->virtio_1_0;
}

/** vireo_os_info_get_q35: Returns: runs on QEMU's Q35 chipset */
gboolean
vireo_os_info_get_q35 (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  return self->entry->q35;
}

/**
 * vireo_os_info_get_nic_model:
 *
 * Returns: the `<model type>` of the best network card it drives:
 *   "virtio", "e1000e", "e1000" (also when nothing is known) or "rtl8139"
 */
const char *
vireo_os_info_get_nic_model (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->nic_model;
}

/** vireo_os_info_get_disk_bus: Returns: "virtio", "sata" or "ide" */
const char *
vireo_os_info_get_disk_bus (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->disk_bus;
}

/** vireo_os_info_get_video_model: Returns: "virtio", "qxl" or "vga" */
const char *
vireo_os_info_get_video_model (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->video_model;
}

/**
 * vireo_os_info_get_sound_model:
 *
 * Returns: (nullable): "ich9", "ich6" or "ac97"; %NULL when no sound card
 *   is known to work
 */
const char *
vireo_os_info_get_sound_model (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), NULL);
  return self->entry->sound_model;
}

/** vireo_os_info_get_supports_uefi: Returns: the database lists UEFI for x86_64 */
gboolean
vireo_os_info_get_supports_uefi (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  return self->entry->supports_uefi;
}

/** vireo_os_info_get_needs_uefi: Returns: UEFI supported and BIOS refused */
gboolean
vireo_os_info_get_needs_uefi (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  return self->entry->needs_uefi;
}

/**
 * vireo_os_info_get_secure_boot:
 *
 * Returns: boots with Secure Boot on and Microsoft's keys enrolled
 *   (Vireo's own table: osinfo-db records no Secure Boot support)
 */
gboolean
vireo_os_info_get_secure_boot (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  return self->entry->secure_boot;
}

/** vireo_os_info_get_needs_tpm: Returns: will not install without TPM 2.0 (Windows 11) */
gboolean
vireo_os_info_get_needs_tpm (VireoOsInfo *self)
{
  g_return_val_if_fail (VIREO_IS_OS_INFO (self), FALSE);
  return self->entry->needs_tpm;
}

/* ------------------------------------------------------------------------ */
/* VireoOsDb                                                                */

/**
 * VireoOsDb:
 *
 * The loaded osinfo-db. One per process, made by vireo_os_db_load_async();
 * its methods may be called from any thread.
 */
struct _VireoOsDb
{
  GObject       parent_instance;

  /* Owned */
  OsinfoLoader *loader;     /* its OsinfoDb identifies media and trees */
  GMutex        osinfo_lock;  /* guards every use of loader after the load */
  GPtrArray    *entries;    /* VireoOsEntry, in database order */
  GHashTable   *by_id;      /* id -> VireoOsEntry (borrowed from entries) */
  VireoOsEntry *unknown;
  GMutex        lock;       /* guards infos */
  GHashTable   *infos;      /* id -> VireoOsInfo, made on first use */
};

G_DEFINE_FINAL_TYPE (VireoOsDb, vireo_os_db, G_TYPE_OBJECT)

typedef struct
{
  OsinfoLoader *loader;
  GPtrArray    *entries;
  VireoOsEntry *unknown;
} LoadResult;

static void
load_result_free (gpointer data)
{
  LoadResult *result = data;

  g_clear_object (&result->loader);
  g_clear_pointer (&result->entries, g_ptr_array_unref);
  g_clear_pointer (&result->unknown, entry_unref);
  g_free (result);
}

/* The process-wide database, and the callers waiting for its first load. */
static GMutex db_lock;
static VireoOsDb *db_loaded;
static GPtrArray *db_waiters;   /* GTask, owned; non-NULL while a load runs */

static void
vireo_os_db_finalize (GObject *object)
{
  VireoOsDb *self = (VireoOsDb *) object;

  g_clear_pointer (&self->infos, g_hash_table_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->unknown, entry_unref);
  g_clear_object (&self->loader);
  g_mutex_clear (&self->osinfo_lock);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (vireo_os_db_parent_class)->finalize (object);
}

static void
vireo_os_db_class_init (VireoOsDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vireo_os_db_finalize;
}

static void
vireo_os_db_init (VireoOsDb *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->osinfo_lock);
  self->infos = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

static VireoOsDb *
vireo_os_db_new (LoadResult *result)
{
  VireoOsDb *self = g_object_new (VIREO_TYPE_OS_DB, NULL);

  self->loader = g_steal_pointer (&result->loader);
  self->entries = g_steal_pointer (&result->entries);
  self->unknown = g_steal_pointer (&result->unknown);
  for (guint i = 0; i < self->entries->len; i++)
    {
      VireoOsEntry *entry = self->entries->pdata[i];
      g_hash_table_insert (self->by_id, entry->id, entry);
    }
  return self;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(OsinfoLoader) loader = osinfo_loader_new ();
  g_autoptr(OsinfoOsList) list = NULL;
  g_autoptr(GError) error = NULL;
  LoadResult *result;
  guint n;

  /* libosinfo reads OSINFO_SYSTEM_DIR, OSINFO_LOCAL_DIR and the user's
   * folder, as every libosinfo program does. */
  osinfo_loader_process_default_path (loader, &error);
  if (error != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not read the operating system database: %s"), error->message);
      return;
    }
  list = osinfo_db_get_os_list (osinfo_loader_get_db (loader));
  n = osinfo_list_get_length (OSINFO_LIST (list));
  if (n == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                               _("No operating system data was found. Install the osinfo-db package."));
      return;
    }

  result = g_new0 (LoadResult, 1);
  result->entries = g_ptr_array_new_full (n, entry_unref);
  for (guint i = 0; i < n; i++)
    {
      VireoOsEntry *entry = entry_new (OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i)));

      if (entry->unknown && result->unknown == NULL)
        result->unknown = entry_ref (entry);
      g_ptr_array_add (result->entries, entry);
    }
  if (result->unknown == NULL)
    result->unknown = entry_new_unknown ();
  result->loader = g_steal_pointer (&loader);
  g_task_return_pointer (task, result, load_result_free);
}

/* Runs in the context of whoever started the load; hands the result to
 * every caller that waited for it, each in its own context. */
static void
on_loaded (GObject      *source_object,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoOsDb) db = NULL;
  g_autoptr(GPtrArray) waiters = NULL;
  LoadResult *result = g_task_propagate_pointer (G_TASK (res), &error);

  if (result != NULL)
    {
      db = vireo_os_db_new (result);
      load_result_free (result);
    }

  g_mutex_lock (&db_lock);
  if (db != NULL)
    db_loaded = g_object_ref (db);
  waiters = g_steal_pointer (&db_waiters);
  g_mutex_unlock (&db_lock);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = waiters->pdata[i];
      GSource *cancel_source = g_task_get_task_data (task);

      /* After this the waiter is ours alone: a late cancel finds it gone. */
      if (cancel_source != NULL)
        g_source_destroy (cancel_source);
      if (db != NULL)
        g_task_return_pointer (task, g_object_ref (db), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);   /* the waiters' reference */
    }
}

static gboolean
on_waiter_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  gboolean was_waiting = FALSE;

  g_mutex_lock (&db_lock);
  if (db_waiters != NULL)
    was_waiting = g_ptr_array_remove_fast (db_waiters, task);
  g_mutex_unlock (&db_lock);
  if (was_waiting)
    {
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);   /* the waiters' reference */
    }
  return G_SOURCE_REMOVE;
}

/**
 * vireo_os_db_load_async:
 * @cancellable: (nullable): cancels this caller's wait, not the load
 *
 * Loads osinfo-db on a thread, once per process: a call after the first
 * load finished completes at once with the same database, and calls made
 * while it runs wait for it. A failed load is not kept; the next call
 * tries again. May be called from any thread whose thread-default main
 * context runs.
 */
void
vireo_os_db_load_async (GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(VireoOsDb) db = NULL;
  GSource *cancel_source = NULL;
  gboolean waiting = FALSE;
  gboolean start = FALSE;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_task_set_source_tag (task, vireo_os_db_load_async);
  g_task_set_name (task, "vireo_os_db_load_async");

  /* A caller that gives up is answered at once, not when the load ends.
   * The source is in place before the task can be seen by on_loaded(),
   * which takes it down again. */
  if (cancellable != NULL)
    {
      cancel_source = g_cancellable_source_new (cancellable);
      g_task_set_task_data (task, g_source_ref (cancel_source), (GDestroyNotify) g_source_unref);
      g_task_attach_source (task, cancel_source, G_SOURCE_FUNC (on_waiter_cancelled));
      g_source_unref (cancel_source);
    }

  g_mutex_lock (&db_lock);
  if (db_loaded != NULL)
    db = g_object_ref (db_loaded);
  else if (!g_cancellable_is_cancelled (cancellable))
    {
      if (db_waiters == NULL)
        {
          db_waiters = g_ptr_array_new ();
          start = TRUE;
        }
      g_ptr_array_add (db_waiters, g_object_ref (task));
      waiting = TRUE;
    }
  g_mutex_unlock (&db_lock);

  if (!waiting)
    {
      if (cancel_source != NULL)
        g_source_destroy (cancel_source);
      if (db != NULL)
        g_task_return_pointer (task, g_steal_pointer (&db), g_object_unref);
      else
        g_task_return_error_if_cancelled (task);
      return;
    }

  if (start)
    {
      g_autoptr(GTask) load = g_task_new (NULL, NULL, on_loaded, NULL);

      g_task_set_source_tag (load, load_thread);
      g_task_set_name (load, "osinfo-db loader");
      /* Make libxml2's global state before two threads can race for it. */
      xmlInitParser ();
      g_task_run_in_thread (load, load_thread);
    }
}

/**
 * vireo_os_db_load_finish:
 *
 * Returns: (transfer full): the database, or %NULL with @error: no data
 *   installed, unreadable, or this caller cancelled
 */
VireoOsDb *
vireo_os_db_load_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vireo_os_db_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * vireo_os_db_get_loaded:
 *
 * Returns: (transfer full) (nullable): the database if it is loaded
 *   already, so a view can skip its loading state
 */
VireoOsDb *
vireo_os_db_get_loaded (void)
{
  VireoOsDb *db;

  g_mutex_lock (&db_lock);
  db = db_loaded != NULL ? g_object_ref (db_loaded) : NULL;
  g_mutex_unlock (&db_lock);
  return db;
}

/** vireo_os_db_get_n_os: Returns: how many systems the database has */
guint
vireo_os_db_get_n_os (VireoOsDb *self)
{
  g_return_val_if_fail (VIREO_IS_OS_DB (self), 0);
  return self->entries->len;
}

static VireoOsInfo *
info_for_entry (VireoOsDb    *self,
                VireoOsEntry *entry)
{
  VireoOsInfo *info;

  g_mutex_lock (&self->lock);
  info = g_hash_table_lookup (self->infos, entry->id);
  if (info == NULL)
    {
      info = vireo_os_info_new (entry);
      g_hash_table_insert (self->infos, entry->id, info);
    }
  g_object_ref (info);
  g_mutex_unlock (&self->lock);
  return info;
}

/* libosinfo objects are not thread-safe; the database's are shared by
 * every detection, so each use holds this lock. */
OsinfoDb *
_vireo_os_db_lock_osinfo (VireoOsDb *self)
{
  g_return_val_if_fail (VIREO_IS_OS_DB (self), NULL);

  g_mutex_lock (&self->osinfo_lock);
  return osinfo_loader_get_db (self->loader);
}

void
_vireo_os_db_unlock_osinfo (VireoOsDb *self)
{
  g_return_if_fail (VIREO_IS_OS_DB (self));

  g_mutex_unlock (&self->osinfo_lock);
}

/**
 * vireo_os_db_find:
 * @id: a libosinfo id, as in a domain's metadata
 *
 * Returns: (transfer full) (nullable): the system, or %NULL if this
 *   database does not know @id (a newer one might)
 */
VireoOsInfo *
vireo_os_db_find (VireoOsDb  *self,
                  const char *id)
{
  VireoOsEntry *entry;

  g_return_val_if_fail (VIREO_IS_OS_DB (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (g_str_equal (id, VIREO_OS_ID_UNKNOWN))
    return vireo_os_db_get_unknown (self);
  entry = g_hash_table_lookup (self->by_id, id);
  return entry != NULL ? info_for_entry (self, entry) : NULL;
}

/**
 * vireo_os_db_find_short_id:
 * @short_id: "win11", "ubuntu22.04", "debian7" …; any of a system's short ids
 *
 * Returns: (transfer full) (nullable):
 */
VireoOsInfo *
vireo_os_db_find_short_id (VireoOsDb  *self,
                           const char *short_id)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (VIREO_IS_OS_DB (self), NULL);
  g_return_val_if_fail (short_id != NULL, NULL);

  folded = fold (short_id);
  for (guint i = 0; i < self->entries->len; i++)
    {
      VireoOsEntry *entry = self->entries->pdata[i];

      if (g_strv_contains ((const char * const *) entry->fold_short_ids, folded))
        return info_for_entry (self, entry);
    }
  return NULL;
}

/**
 * vireo_os_db_get_unknown:
 *
 * Returns: (transfer full): libosinfo's "unknown" system, for guests whose
 *   system is not listed (made up when the database lacks it)
 */
VireoOsInfo *
vireo_os_db_get_unknown (VireoOsDb *self)
{
  g_return_val_if_fail (VIREO_IS_OS_DB (self), NULL);
  return info_for_entry (self, self->unknown);
}

typedef struct
{
  VireoOsEntry *entry;
  guint         tier;
} Hit;

static int
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const Hit *x = a;
  const Hit *y = b;

  if (x->tier != y->tier)
    return x->tier < y->tier ? -1 : 1;
  /* Newest first; systems without a release date after the dated ones. */
  if (x->entry->release_jd != y->entry->release_jd)
    {
      if (x->entry->release_jd == 0 || y->entry->release_jd == 0)
        return x->entry->release_jd == 0 ? 1 : -1;
      return x->entry->release_jd > y->entry->release_jd ? -1 : 1;
    }
  return strcmp (x->entry->sort_key, y->entry->sort_key);
}

static gboolean
contains_all (const char *haystack,
              GStrv       tokens)
{
  for (guint i = 0; tokens[i] != NULL; i++)
    if (strstr (haystack, tokens[i]) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * vireo_os_db_search:
 * @text: (nullable): words that must all appear in a system's name, short
 *   id, vendor, version, distribution or code name; empty lists everything
 * @flags: %VIREO_OS_SEARCH_INCLUDE_EOL to list systems out of support too
 * @max: at most this many; 0 for no limit
 *
 * Best first: a short id equal to @text (spaces ignored, so "ubuntu 22.04"
 * is `ubuntu22.04`), then a name equal to it, then systems whose name or
 * short ids hold every word, then the rest (matched by vendor and such);
 * newest release first within each. The "unknown" entry is never listed
 * (see vireo_os_db_get_unknown()).
 *
 * Returns: (transfer full): a list of #VireoOsInfo
 */
GListModel *
vireo_os_db_search (VireoOsDb          *self,
                    const char         *text,
                    VireoOsSearchFlags  flags,
                    guint               max)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) tokens = NULL;
  g_autofree char *compact = NULL;
  g_autofree char *spaced = NULL;
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  GListStore *store;
  guint32 today = julian_today ();

  g_return_val_if_fail (VIREO_IS_OS_DB (self), NULL);

  folded = fold (text);
  tokens = g_strsplit_set (g_strstrip (folded), " \t\n", -1);
  {
    /* Drop the empty words that runs of spaces leave. */
    guint j = 0;

    for (guint i = 0; tokens[i] != NULL; i++)
      if (*tokens[i] != '\0')
        tokens[j++] = tokens[i];
      else
        g_free (tokens[i]);
    tokens[j] = NULL;
  }
  compact = g_strjoinv ("", tokens);
  spaced = g_strjoinv (" ", tokens);

  for (guint i = 0; i < self->entries->len; i++)
    {
      VireoOsEntry *entry = self->entries->pdata[i];
      Hit hit = { entry, 3 };

      if (entry->unknown)
        continue;
      if (!(flags & VIREO_OS_SEARCH_INCLUDE_EOL) && entry_is_eol (entry, today))
        continue;
      if (!contains_all (entry->fold_all, tokens))
        continue;
      if (*compact != '\0' && g_strv_contains ((const char * const *) entry->fold_short_ids, compact))
        hit.tier = 0;
      else if (*spaced != '\0' && g_str_equal (spaced, entry->fold_name))
        hit.tier = 1;
      else if (contains_all (entry->fold_named, tokens))
        hit.tier = 2;
      g_array_append_val (hits, hit);
    }
  g_array_sort (hits, compare_hits);

  store = g_list_store_new (VIREO_TYPE_OS_INFO);
  for (guint i = 0; i < hits->len && (max == 0 || i < max); i++)
    {
      g_autoptr(VireoOsInfo) info = info_for_entry (self, g_array_index (hits, Hit, i).entry);
      g_list_store_append (store, info);
    }
  return G_LIST_MODEL (store);
}

/* ------------------------------------------------------------------------ */
/* The libosinfo id in a domain's <metadata>                                */

/* Top-level elements in libvirt's order, as far as placing <metadata>. */
static const char * const domain_order[] = {
  "name", "uuid", "genid", "title", "description", "metadata", "maxMemory",
  "memory", "currentMemory", NULL
};

/* Marks (in xmlNode._private, which libxml2 leaves to applications) the
 * <metadata> this document got from Vireo, so that removing the id takes
 * it away again, but never one libvirt or another program wrote. */
static const char created_by_vireo[] = "vireo";

static gboolean
is_osinfo_element (xmlNodePtr  node,
                   const char *name)
{
  return node->type == XML_ELEMENT_NODE && node->ns != NULL && node->ns->href != NULL
         && xmlStrcmp (node->ns->href, BAD_CAST VIREO_OS_METADATA_NS) == 0
         && xmlStrcmp (node->name, BAD_CAST name) == 0;
}

/* Matched by namespace URI, whatever prefix the writer chose. */
static xmlNodePtr
osinfo_child (xmlNodePtr  parent,
              const char *name)
{
  for (xmlNodePtr n = parent != NULL ? parent->children : NULL; n != NULL; n = n->next)
    if (is_osinfo_element (n, name))
      return n;
  return NULL;
}

static gboolean
holds_nothing (xmlNodePtr node)
{
  if (node->properties != NULL)
    return FALSE;
  for (xmlNodePtr n = node->children; n != NULL; n = n->next)
    if (!(n->type == XML_TEXT_NODE && xmlIsBlankNode (n)))
      return FALSE;
  return TRUE;
}

/* Appends @child to @parent on a line of its own. A container left holding
 * only line breaks (after its last element went) is emptied first, so it
 * opens up again as libvirt would write it rather than taking @child
 * after the break. */
static void
append_on_own_line (xmlNodePtr parent,
                    xmlNodePtr child)
{
  if (holds_nothing (parent))
    while (parent->children != NULL)
      {
        xmlNodePtr blank = parent->children;

        xmlUnlinkNode (blank);
        xmlFreeNode (blank);
      }
  vireo_xml_append_child (parent, child);
}

static xmlNodePtr
metadata_of (VireoDomainConfig *config)
{
  return vireo_xml_child (xmlDocGetRootElement (_vireo_domain_config_get_doc (config)), "metadata");
}

/**
 * vireo_domain_config_dup_os_id:
 *
 * Returns: (transfer full) (nullable): the libosinfo id in the domain's
 *   `<metadata>` (`<libosinfo:os id="…"/>`), or %NULL if it has none
 */
char *
vireo_domain_config_dup_os_id (VireoDomainConfig *config)
{
  xmlNodePtr os;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);

  os = osinfo_child (osinfo_child (metadata_of (config), "libosinfo"), "os");
  return vireo_xml_get_prop (os, "id");
}

static gboolean
is_os_id (const char *id)
{
  for (const char *p = id; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      return FALSE;
  return g_uri_is_valid (id, G_URI_FLAGS_NONE, NULL);
}

/**
 * vireo_domain_config_set_os_id:
 * @id: (nullable): a libosinfo id; %NULL or "" removes it
 *
 * Records which system the guest runs where virt-install, virt-manager,
 * GNOME Boxes and Cockpit look for it. Only `<libosinfo:os>`'s `id`
 * changes when there is one; otherwise the element (and its
 * `<libosinfo:libosinfo>`, and `<metadata>`) is added. Removing takes away
 * `<libosinfo:os>`, its parent if nothing else is left in it, and
 * `<metadata>` only if Vireo added it to this document. Other programs'
 * metadata is never touched.
 *
 * Returns: %FALSE with @error if @id is not an absolute URI
 */
gboolean
vireo_domain_config_set_os_id (VireoDomainConfig  *config,
                               const char         *id,
                               GError            **error)
{
  xmlDocPtr doc;
  xmlNodePtr metadata;
  xmlNodePtr libosinfo;
  xmlNodePtr os;
  g_autofree char *old = NULL;

  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (id != NULL && *id == '\0')
    id = NULL;
  if (id != NULL && !is_os_id (id))
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   _("“%s” is not an operating system id: libosinfo ids are URLs such as http://ubuntu.com/ubuntu/22.04"),
                   id);
      return FALSE;
    }

  doc = _vireo_domain_config_get_doc (config);
  metadata = metadata_of (config);
  libosinfo = osinfo_child (metadata, "libosinfo");
  os = osinfo_child (libosinfo, "os");
  old = vireo_xml_get_prop (os, "id");
  if (g_strcmp0 (old, id) == 0)
    return TRUE;

  if (id == NULL)
    {
      vireo_xml_remove (os);
      if (holds_nothing (libosinfo))
        {
          vireo_xml_remove (libosinfo);
          if (metadata->_private == created_by_vireo && holds_nothing (metadata))
            vireo_xml_remove (metadata);
        }
    }
  else if (os != NULL)
    vireo_xml_set_prop (os, "id", id);
  else
    {
      if (metadata == NULL)
        {
          metadata = xmlNewDocNode (doc, NULL, BAD_CAST "metadata", NULL);
          metadata->_private = (gpointer) created_by_vireo;
          vireo_xml_insert_ordered (xmlDocGetRootElement (doc), metadata, domain_order);
        }
      if (libosinfo == NULL)
        {
          libosinfo = xmlNewDocNode (doc, NULL, BAD_CAST "libosinfo", NULL);
          xmlSetNs (libosinfo, xmlNewNs (libosinfo, BAD_CAST VIREO_OS_METADATA_NS, BAD_CAST "libosinfo"));
          append_on_own_line (metadata, libosinfo);
        }
      os = xmlNewDocNode (doc, libosinfo->ns, BAD_CAST "os", NULL);
      xmlSetNsProp (os, NULL, BAD_CAST "id", BAD_CAST id);
      append_on_own_line (libosinfo, os);
    }

  _vireo_domain_config_changed (config);
  return TRUE;
}
