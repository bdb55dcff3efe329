/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "vireo-domain-config.h"

G_BEGIN_DECLS

/*
 * Snapshots as data: reading libvirt's <domainsnapshot> documents, the
 * tree they form, what kind of snapshot a machine can take (and why not
 * the other kind), the document that creates one, editing a description
 * without losing anything, which image files each snapshot needs, and the
 * virsh lines. Pure: no libvirt calls; app/virt does those.
 */

#define VIREO_SNAPSHOT_ERROR (vireo_snapshot_error_quark ())
GQuark vireo_snapshot_error_quark (void);

typedef enum
{
  VIREO_SNAPSHOT_ERROR_PARSE,     /* not a <domainsnapshot> */
  VIREO_SNAPSHOT_ERROR_NAME,      /* empty, taken, or not allowed: the message says which */
  VIREO_SNAPSHOT_ERROR_KIND,      /* this machine cannot take that kind: the message says why */
} VireoSnapshotError;

typedef enum
{
  VIREO_SNAPSHOT_INTERNAL,        /* inside the qcow2 images (and the memory with them) */
  VIREO_SNAPSHOT_EXTERNAL,        /* new overlay files; memory in a file of its own */
} VireoSnapshotLocation;

/* One disk of a snapshot document. */
typedef struct
{
  char *target;     /* "vda" (<disk name=>) */
  char *snapshot;   /* "internal", "external", "no", "manual" */
  char *source;     /* (nullable) external: the overlay file the snapshot made */
} VireoSnapshotDisk;

typedef struct
{
  char                  *name;
  char                  *description;    /* (nullable) */
  gint64                 creation_time;  /* seconds since the epoch; 0 when absent */
  char                  *state;          /* the machine's state when taken: "running", "paused",
                                            "shutoff", "disk-snapshot", ... as libvirt writes it */
  char                  *parent;         /* (nullable) */
  gboolean               current;        /* not in the XML: the virt layer sets it */
  gboolean               has_memory;     /* memory saved (internal or to a file): reverting resumes */
  VireoSnapshotLocation  location;       /* EXTERNAL when the memory or any disk is external */
  char                  *memory_file;    /* (nullable) external memory */
  GPtrArray             *disks;          /* (element-type VireoSnapshotDisk) in document order */
  char                  *domain_xml;     /* (nullable) the <domain> inside: the machine as it was */
  char                  *xml;            /* the whole document, as read */
} VireoSnapshotInfo;

VireoSnapshotInfo *vireo_snapshot_info_new_from_xml (const char              *xml,
                                                      GError                 **error);
void               vireo_snapshot_info_free         (VireoSnapshotInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoSnapshotInfo, vireo_snapshot_info_free)

/* The tree. @all: (element-type VireoSnapshotInfo). Children of @parent
 * (NULL: the roots; a snapshot whose parent is not in @all counts as a
 * root), oldest first, ties by name. (transfer container) */
GPtrArray *vireo_snapshot_children (GPtrArray  *all,
                                    const char *parent);
/* @name and every snapshot under it, children before their parents (the
 * order to delete them in). (transfer container) */
GPtrArray *vireo_snapshot_subtree  (GPtrArray  *all,
                                    const char *name);

/* A name for a new snapshot: non-empty after trimming, at most 200 bytes,
 * no '/', not starting with '.', no control characters, and not one of
 * @taken (NULL-terminated, nullable). */
gboolean   vireo_snapshot_name_validate (const char          *name,
                                         const char * const  *taken,
                                         GError             **error);
/* "snapshot1", "snapshot2", ... the first not in @taken. */
char      *vireo_snapshot_suggest_name  (const char * const  *taken);

/* What a machine can take now. */
typedef struct
{
  gboolean               internal_ok;
  char                  *internal_why_not;  /* (nullable) translated, when !internal_ok: names the disk
                                               ("vdb is a raw image: internal snapshots need qcow2") or
                                               the firmware ("UEFI keeps its variables in a flash file
                                               libvirt cannot snapshot internally; take an external one") */
  gboolean               external_ok;
  char                  *external_why_not;  /* (nullable) e.g. a network disk (rbd, iscsi) */
  gboolean               memory_ok;         /* running or paused: the memory can be saved too */
  VireoSnapshotLocation  recommended;       /* internal when possible, else external */
} VireoSnapshotPlan;

/* @config: the machine's definition; @active: running or paused;
 * @internal_pflash: the host's libvirt supports internal snapshots with
 * pflash (UEFI) firmware (libvirt >= 10.10); FALSE on Debian 12's 9.0.
 * Disks considered: writable ones (not readonly, not empty CD-ROMs).
 * Internal needs each to be qcow2 and none shared or passed through (libvirt
 * refuses one that leaves a writable disk out), and at least one disk to
 * keep the memory in. External needs each to be a local file: an overlay
 * goes beside its image, and a block device, a pool volume or a network
 * disk has no folder to put one in. */
VireoSnapshotPlan *vireo_snapshot_plan_for  (VireoDomainConfig *config,
                                             gboolean           active,
                                             gboolean           internal_pflash);
void               vireo_snapshot_plan_free (VireoSnapshotPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoSnapshotPlan, vireo_snapshot_plan_free)

/* The <domainsnapshot> that creates one. Internal: every writable disk
 * snapshot='internal', the others 'no'; memory 'internal' when
 * @with_memory (machine must be active) else 'no'. External: every
 * writable file disk snapshot='external' with its overlay beside the image
 * ("<dir>/<image stem>.<name>.qcow2", driver type qcow2), others 'no';
 * memory 'external' in @memory_file when @with_memory (required then),
 * else 'no'. Refuses (VIREO_SNAPSHOT_ERROR_KIND) what the plan says
 * cannot be done, and a bad name (NAME). @description: nullable. */
char      *vireo_snapshot_build_xml (VireoDomainConfig     *config,
                                     const char            *name,
                                     const char            *description,
                                     VireoSnapshotLocation  location,
                                     gboolean               with_memory,
                                     gboolean               active,
                                     const char            *memory_file,
                                     GError               **error);

/* @xml with its <description> replaced (removed when @description is
 * NULL or empty), everything else kept byte for byte where libxml2 allows:
 * for virDomainSnapshotCreateXML with REDEFINE. */
char      *vireo_snapshot_xml_set_description (const char  *xml,
                                               const char  *description,
                                               GError     **error);

/* Image files a snapshot's revert needs: for an external snapshot, the
 * files its disks were on when it was taken (from the <domain> inside)
 * plus its overlays; internal: the images themselves. No duplicates.
 * (transfer full) */
GStrv      vireo_snapshot_dup_needed_files (const VireoSnapshotInfo *info);

/* Rough size of a memory file for a machine with @memory_kib of RAM (the
 * whole RAM: what a running guest may have touched), in bytes. */
guint64    vireo_snapshot_estimate_memory_bytes (guint64 memory_kib);

/* Image files an external snapshot's delete writes or removes: each
 * overlay it made (merged down, then removed) and the image below it,
 * which the merge writes into (libvirt 9.0 commits the overlay into the
 * file the disk was on when the snapshot was taken). Another machine, or
 * another machine's snapshot, that reads any of these would see its data
 * change or vanish. Internal snapshots and external ones without disks:
 * none. (transfer full): sorted, each once */
GStrv      vireo_snapshot_dup_merge_files (const VireoSnapshotInfo *info);

/* Every image file a machine's disks read, from its <domain>: each disk's
 * source and the <backingStore> chain under it as far as the document
 * tells (a running machine's live definition has the whole chain; an
 * inactive one often none). (transfer full): sorted, each once */
GStrv      vireo_snapshot_dup_domain_images (const char *domain_xml);

/* Where the memory file of an external snapshot goes by default: beside
 * the first writable file disk's image ("<dir>/<machine>.<name>.mem", in
 * the pool that holds the images, whose free space is known), else in
 * libvirt's own /var/lib/libvirt/qemu/snapshot. (transfer full) */
char      *vireo_snapshot_default_memory_file (VireoDomainConfig *config,
                                               const char        *machine,
                                               const char        *name);

/* Which of @folders (absolute paths, e.g. storage pools' target paths)
 * holds @path: the deepest one that is @path itself or one of its
 * parents, compared a whole path component at a time ("/a/b" holds
 * "/a/b/c", not "/a/bc"). Returns: its index, or -1. */
int        vireo_snapshot_find_holder (const char         *path,
                                       const char * const *folders);

/* Free space where a memory file goes, as the virt layer found it. */
typedef struct
{
  gboolean  known;
  guint64   available;  /* bytes, when known */
  char     *pool;       /* (nullable) the storage pool holding the folder */
  char     *folder;     /* the folder asked about */
} VireoSnapshotSpace;

void       vireo_snapshot_space_free (VireoSnapshotSpace *space);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoSnapshotSpace, vireo_snapshot_space_free)

typedef enum
{
  VIREO_SNAPSHOT_SPACE_UNKNOWN,   /* no pool holds the folder, and it could not be measured */
  VIREO_SNAPSHOT_SPACE_FITS,
  VIREO_SNAPSHOT_SPACE_TIGHT,     /* fits, leaving less than 1 GiB: the machine's disks may run out */
  VIREO_SNAPSHOT_SPACE_SHORT,     /* does not fit: QEMU would fail part way */
} VireoSnapshotSpaceVerdict;

/* @needed (vireo_snapshot_estimate_memory_bytes()) against @space (NULL:
 * unknown). @text: (out) (optional): one translated line for the form,
 * "Needs about 1.1 GiB; 40.0 GiB free on pool “default”.", with what to
 * do when it is SHORT. */
VireoSnapshotSpaceVerdict vireo_snapshot_space_verdict (guint64                   needed,
                                                        const VireoSnapshotSpace *space,
                                                        char                    **text);

typedef enum
{
  VIREO_SNAPSHOT_COMMAND_LIST,        /* snapshot-list --tree DOMAIN */
  VIREO_SNAPSHOT_COMMAND_CREATE,      /* snapshot-create DOMAIN FILE (with the document on stdin) */
  VIREO_SNAPSHOT_COMMAND_REVERT,      /* snapshot-revert DOMAIN NAME */
  VIREO_SNAPSHOT_COMMAND_DELETE,      /* snapshot-delete DOMAIN NAME */
  VIREO_SNAPSHOT_COMMAND_DELETE_TREE, /* snapshot-delete DOMAIN NAME --children */
  VIREO_SNAPSHOT_COMMAND_EDIT,        /* snapshot-create DOMAIN FILE --redefine (document on stdin) */
} VireoSnapshotCommand;

/* A pasteable virsh line; @name: the snapshot (ignored for LIST), @xml:
 * the document for CREATE and EDIT (fed on stdin with a here-document, as
 * vireo_command_for_device_update does). Every word quoted with
 * vireo_command_quote. */
char      *vireo_command_for_snapshot (const char           *uri,
                                       VireoSnapshotCommand  command,
                                       const char           *domain_name,
                                       const char           *name,
                                       const char           *xml);

G_END_DECLS
