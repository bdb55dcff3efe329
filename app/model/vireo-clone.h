/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "vireo-domain-config.h"

G_BEGIN_DECLS

/*
 * Cloning a machine, as data: what happens to each disk (copied, shared,
 * or a linked qcow2 overlay on the original's image), which of those each
 * disk allows and why not, the new volumes' pools and names, the new name,
 * UUID and MAC addresses, the clone's definition, and the equivalent
 * virt-clone line. Pure: no libvirt calls. VireoCloneJob (app/virt) does
 * the work from a plan.
 *
 * Use: read the machine's definition (inactive, with
 * VIR_DOMAIN_XML_SECURE so display passwords survive), the host's pools
 * (vireo_clone_pools_from_pool_infos() in vireo-clone-job.h turns
 * vireo_connection_list_pools_finish()'s answer into the pools here) and
 * the names taken; vireo_clone_plan_new(); let the user change the name,
 * modes, pools and volume names with the setters (each refusal says why);
 * vireo_clone_plan_validate() before offering Clone; hand the plan to
 * vireo_clone_job_new(). The plan's fields are for reading: change them
 * only through the setters, which keep the suggested names in step.
 */

#define VIREO_CLONE_ERROR (vireo_clone_error_quark ())
GQuark vireo_clone_error_quark (void);

/* Each code names the field at fault, so a dialog can mark it. Messages
 * are translated, whole sentences. */
typedef enum
{
  VIREO_CLONE_ERROR_PARSE,        /* the source definition is not a <domain> */
  VIREO_CLONE_ERROR_STATE,        /* the machine is running: shut it down or pause it */
  VIREO_CLONE_ERROR_NAME,         /* the new name: empty, not allowed, or taken */
  VIREO_CLONE_ERROR_MODE,         /* a disk cannot be cloned that way (the why-not text) */
  VIREO_CLONE_ERROR_POOL,         /* a destination pool: unknown, inactive, or not a folder of files */
  VIREO_CLONE_ERROR_VOLUME_NAME,  /* a new volume's name: empty, not allowed, taken, or used twice */
} VireoCloneError;

/* The machine being cloned, as the host reports it. */
typedef enum
{
  VIREO_CLONE_SOURCE_SHUT_OFF,
  VIREO_CLONE_SOURCE_PAUSED,    /* allowed, with a warning: the images are copied as the host
                                   has them, without what the guest has not written yet */
  VIREO_CLONE_SOURCE_RUNNING,   /* refused */
} VireoCloneSourceState;

/* What happens to one disk. */
typedef enum
{
  VIREO_CLONE_MODE_COPY,        /* a new volume with the same contents (thin where the format allows) */
  VIREO_CLONE_MODE_SHARE,       /* the clone uses the same image or media */
  VIREO_CLONE_MODE_OVERLAY,     /* a new qcow2 volume whose backing file is the original's image:
                                   fast and small, but the original's image must never change again */
  VIREO_CLONE_N_MODES,
} VireoCloneMode;

/* ------------------------------------------------------------------------ */
/* The host's storage, as far as a clone needs it                            */

/* One volume of a pool. */
typedef struct
{
  char    *name;
  char    *path;        /* (nullable) */
  char    *format;      /* (nullable): "qcow2", "raw", "iso", … */
  guint64  capacity;    /* bytes; 0 when not known */
  guint64  allocation;  /* bytes on the host; 0 when not known */
} VireoCloneVolume;

/* One storage pool. Only an active pool of a type that holds files
 * ("dir", "fs", "netfs") with a target path takes new volumes; any pool
 * can hold a source. */
typedef struct
{
  char      *name;
  char      *type;          /* "dir", "fs", "netfs", "logical", … */
  char      *target_path;   /* (nullable) */
  gboolean   active;
  GPtrArray *volumes;       /* (element-type VireoCloneVolume) */
} VireoClonePool;

VireoCloneVolume *vireo_clone_volume_new  (const char             *name,
                                           const char             *path,
                                           const char             *format,
                                           guint64                 capacity,
                                           guint64                 allocation);
void              vireo_clone_volume_free (VireoCloneVolume       *volume);
VireoClonePool   *vireo_clone_pool_new    (const char             *name,
                                           const char             *type,
                                           const char             *target_path,
                                           gboolean                active);
VireoClonePool   *vireo_clone_pool_copy   (const VireoClonePool   *pool);
void              vireo_clone_pool_free   (VireoClonePool         *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoCloneVolume, vireo_clone_volume_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoClonePool, vireo_clone_pool_free)

/* ------------------------------------------------------------------------ */
/* The plan                                                                  */

/* One <disk> of the source, in document order. */
typedef struct
{
  /* The source disk, as its definition says */
  char            *target;         /* "vda" */
  char            *device;         /* "disk", "cdrom", "floppy", "lun" */
  char            *source_type;    /* "file", "block", "volume", "network", … */
  char            *source_path;    /* (nullable): the file or device; for a "volume" source, its
                                      path as the pool listing gives it; NULL for an empty drive */
  char            *source_pool;    /* (nullable): the pool holding it (named by the disk, or found
                                      by path in the pools given); NULL when in none */
  char            *source_volume;  /* (nullable): its volume name in that pool */
  char            *format;         /* (nullable): the image format (<driver type>, else the
                                      pool's word for it) */
  guint64          capacity;       /* bytes, from the pool listing; 0 when not known */
  guint64          allocation;     /* bytes, from the pool listing; 0 when not known */
  gboolean         readonly;
  gboolean         shareable;
  gboolean         removable;      /* a CD-ROM or floppy: media, not the machine's own disk */
  gboolean         empty;          /* a drive with no media */

  /* What the clone gets */
  VireoCloneMode   mode;
  gboolean         allowed[VIREO_CLONE_N_MODES];
  char            *why_not[VIREO_CLONE_N_MODES];  /* (nullable): translated, for each mode not
                                                     allowed: what stands in the way and what to
                                                     do about it */
  char            *dest_pool;      /* (nullable): COPY and OVERLAY: the pool the new volume goes in */
  char            *dest_name;      /* (nullable): COPY and OVERLAY: the new volume's name */
  char            *dest_path;      /* (nullable): its path: dest_pool's target path + dest_name */
  char            *dest_format;    /* (nullable): COPY: the source's format; OVERLAY: "qcow2" */
  gboolean         dest_name_set;  /* the user typed dest_name: no longer follows the clone's name */
} VireoCloneDisk;

typedef struct
{
  char                  *source_name;
  char                  *source_uuid;
  char                  *source_xml;     /* the definition the plan was made from */
  VireoCloneSourceState  source_state;

  char                  *name;           /* the clone's */
  char                  *uuid;           /* the clone's, made here: its TPM state goes under it */
  GStrv                  macs;           /* a new address per <interface>, in document order;
                                            each differs from every address of the source */
  GPtrArray             *disks;          /* (element-type VireoCloneDisk) in document order */

  char                  *nvram_source;   /* (nullable): the original's <nvram> file */
  char                  *nvram_path;     /* (nullable): the clone's: same folder, "<name>_VARS.fd"
                                            (the original's suffix kept when it ends "_VARS.<ext>") */
  gboolean               nvram_implicit; /* UEFI by libvirt's firmware auto-selection and no <nvram>
                                            in the definition (what libvirt 9.0 keeps for <os
                                            firmware='efi'>): libvirt names the file
                                            "<name>_VARS.fd" in its own NVRAM folder, for the clone
                                            too, so the definition says nothing and the job finds
                                            the folder (nvram_source and nvram_path are NULL) */
  gboolean               has_tpm;        /* an emulated TPM whose state the job copies */
  char                  *tpm_version;    /* (nullable): "2.0", "1.2"; NULL: libvirt's default */

  /* The host, as given to vireo_clone_plan_new() */
  GStrv                  taken_names;
  GPtrArray             *pools;          /* (element-type VireoClonePool) */
} VireoClonePlan;

/* @source: the machine's definition; not kept (its XML is).
 * @name: (nullable): the clone's name; NULL for vireo_clone_suggest_name().
 * @taken_names: (nullable): every machine's name on the host.
 * @pools: (nullable) (element-type VireoClonePool): the host's pools with
 *   their volumes; copied.
 * @state: a paused machine's qcow2 images cannot be copied: libvirt 9.0
 *   copies them with qemu-img, which cannot get the lock a running QEMU
 *   (paused or not) holds on them; raw images are copied by libvirt
 *   itself, and overlays only read their backing file's header.
 * Never fails: what cannot be done is in the disks' allowed/why_not and
 * in vireo_clone_plan_validate(). Defaults: COPY for writable disks that
 * allow it, SHARE for read-only and shareable ones, removable media, and
 * disks that cannot be copied (the warnings say so; an overlay is only
 * ever the user's choice, since it ties the original's image down). New volumes go in the source's pool when it
 * takes new volumes, else in "default", else in the first pool that does;
 * they are named "<name>.<ext>", "<name>-1.<ext>", … in disk order,
 * skipping names taken in their pool (<ext>: the source file's extension,
 * else the format's: ".qcow2", ".img" for raw; an overlay is ".qcow2"). */
VireoClonePlan *vireo_clone_plan_new      (VireoDomainConfig     *source,
                                           VireoCloneSourceState  state,
                                           const char            *name,
                                           const char * const    *taken_names,
                                           GPtrArray             *pools);
VireoClonePlan *vireo_clone_plan_copy     (const VireoClonePlan  *plan);
void            vireo_clone_plan_free     (VireoClonePlan        *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoClonePlan, vireo_clone_plan_free)

/* The clone's name. New volumes whose names the user did not type follow
 * it, and so does the NVRAM file. Not checked here: see validate. */
void            vireo_clone_plan_set_name        (VireoClonePlan  *plan,
                                                  const char      *name);
/* Refused (VIREO_CLONE_ERROR_MODE, the disk's why-not text) when the disk
 * does not allow @mode. COPY and OVERLAY get a destination pool and a
 * suggested name if they had none. */
gboolean        vireo_clone_plan_set_mode        (VireoClonePlan  *plan,
                                                  guint            index,
                                                  VireoCloneMode   mode,
                                                  GError         **error);
/* Refused (VIREO_CLONE_ERROR_POOL) unless @pool is one of the plan's,
 * active, and holds files. */
gboolean        vireo_clone_plan_set_pool        (VireoClonePlan  *plan,
                                                  guint            index,
                                                  const char      *pool,
                                                  GError         **error);
/* @name: (nullable): the user's name for the new volume; NULL or "" goes
 * back to the suggested one. Not checked here: see validate. */
void            vireo_clone_plan_set_volume_name (VireoClonePlan  *plan,
                                                  guint            index,
                                                  const char      *name);

/* Everything the job needs is in order: the machine is not running, the
 * name passes vireo_clone_name_validate(), each disk's mode is allowed,
 * each new volume has an active pool that holds files and a name that is
 * valid, not taken in that pool and not used twice by the plan; the NVRAM
 * file's name is not taken when its folder is a pool. The first problem,
 * with the code of its field. */
gboolean        vireo_clone_plan_validate        (const VireoClonePlan *plan,
                                                  GError              **error);

/* Translated warnings to show before cloning, each a sentence: a paused
 * machine, overlays (the original's image must stay as it is), writable
 * disks shared by two machines. (transfer full) */
GStrv           vireo_clone_plan_dup_warnings    (const VireoClonePlan *plan);

/* The clone's definition, from the source's, edited in place (everything
 * Vireo does not know is kept): the new name and UUID (also in an SMBIOS
 * <sysinfo> that repeated the old one); no <title> (lists show it instead
 * of the name); the plan's MACs; each COPY or OVERLAY disk on its new
 * volume (a "volume" source stays one, in the new pool; otherwise a file),
 * with the new format and no <backingStore>; the NVRAM path; graphics
 * ports (port, tlsPort, websocket) back to automatic; what belongs to a
 * running machine removed (the domain's id, device aliases other than the
 * user's "ua-" ones, NIC <target dev>, dynamic security labels, agent
 * socket paths named after the original). Fails only on a plan that does
 * not validate or a source that does not parse. */
char           *vireo_clone_plan_build_xml       (const VireoClonePlan *plan,
                                                  GError              **error);

/* The <volume> document for a COPY or OVERLAY disk's new volume:
 * dest_name, dest_format, @capacity bytes, allocation 0 (thin: qcow2
 * grows, raw is sparse); an overlay's <backingStore> is the source's path
 * and format, and @capacity 0 gives it its backing image's size. For virStorageVolCreateXMLFrom (COPY) or
 * virStorageVolCreateXML (OVERLAY). Built with libxml2, so names are never
 * markup; no GObject, so any thread may call it. */
char           *vireo_clone_disk_dup_volume_xml  (const VireoCloneDisk *disk,
                                                  guint64               capacity);

/* The equivalent virt-clone command (virt-manager 4.1's options), for
 * people to read or script; display only. Shell comment lines, each
 * ending in "\n", come first where virt-clone differs: a paused machine
 * (it wants it shut off), an overlay (it has none: it shares that disk),
 * UEFI variables it leaves behind (it copies an NVRAM file only when it
 * is a pool's volume), a TPM (it does not copy its state). Then one line:
 *
 *   virt-clone --connect URI --original SRC --name NEW
 *     [--skip-copy=T | --force-copy=T]… [--file PATH]… [--nvram PATH]
 *
 * --skip-copy for disks the plan shares (or overlays) that virt-clone
 * would copy, --force-copy for disks it copies that virt-clone would share
 * (read-only, shareable, media), one --file per copied disk in disk order;
 * virt-clone makes new MACs and a UUID itself. Every word goes through
 * vireo_command_quote(). @uri: (nullable): no --connect when NULL. */
char           *vireo_clone_plan_dup_command     (const VireoClonePlan *plan,
                                                  const char           *uri);

/* ------------------------------------------------------------------------ */
/* Names                                                                     */

/* "<source>-clone", then "<source>-clone-2", "-clone-3", …: the first not
 * in @taken (nullable). A source called "x-clone" or "x-clone-N" gives
 * "x-clone-2" or the next number, not "x-clone-clone". */
char           *vireo_clone_suggest_name         (const char          *source_name,
                                                  const char * const  *taken);
/* A name for the new machine, by the New VM wizard's rules (libvirt names
 * files after it; virsh reads digits as an ID): non-empty, valid UTF-8,
 * no "/", no control characters, no leading or trailing space, not only
 * digits, at most 200 bytes, not in @taken (nullable; compared exactly,
 * as libvirt does). VIREO_CLONE_ERROR_NAME. */
gboolean        vireo_clone_name_validate        (const char          *name,
                                                  const char * const  *taken,
                                                  GError             **error);

G_END_DECLS
