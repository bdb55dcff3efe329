/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "vireo-domain-config.h"

G_BEGIN_DECLS

/*
 * Migration as data (issue 9, "Migrate"): the choices of the Migrate
 * dialog, which of them a machine allows and why not, the `virsh migrate`
 * line, the progress read from libvirt's job statistics, and what a
 * failure means. Pure: no libvirt calls and no libvirt headers; the virt
 * layer (vireo-migrate-job.h) turns the options into VIR_MIGRATE_* flags
 * and typed parameters, reads the job statistics into VireoMigrateStat
 * pairs, and runs the migration.
 *
 * The rules stated here are libvirt 9.0's (src/qemu/qemu_migration.c,
 * whose messages are quoted in vireo-migrate.c where they are checked).
 */

/* ------------------------------------------------------------------------ */
/* Options                                                                   */

/* How the guest's memory moves. */
typedef enum
{
  /* The guest runs while its memory is copied (VIR_MIGRATE_LIVE); it
   * stops only for the last pass ("max downtime"). */
  VIREO_MIGRATE_MODE_LIVE,
  /* The guest is paused while its memory is copied (no LIVE flag):
   * quicker and sure to converge, but the guest stops for all of it. */
  VIREO_MIGRATE_MODE_PAUSED,
  /* Only the definition moves (VIR_MIGRATE_OFFLINE): for a machine that
   * is shut off. libvirt 9.0 needs it persistent on the destination and
   * copies no storage. */
  VIREO_MIGRATE_MODE_OFFLINE,
} VireoMigrateMode;

/* What happens to the machine's disks. */
typedef enum
{
  /* The destination reaches the same images (NFS, Ceph, iSCSI, ...):
   * nothing is copied. */
  VIREO_MIGRATE_STORAGE_SHARED,
  /* Every writable disk is copied to the destination while the guest
   * runs (VIR_MIGRATE_NON_SHARED_DISK, NBD). The destination needs a
   * place for each image at the same path: libvirt creates it there when
   * a storage pool of the destination holds that folder. */
  VIREO_MIGRATE_STORAGE_COPY_ALL,
  /* As COPY_ALL, but only what the top image holds is copied
   * (VIR_MIGRATE_NON_SHARED_INC): the backing images must be at the
   * destination already. */
  VIREO_MIGRATE_STORAGE_COPY_INCREMENTAL,
} VireoMigrateStorage;

/* Who carries the migration. */
typedef enum
{
  /* Vireo talks to both hosts (virDomainMigrate3 with both
   * connections); the hypervisors exchange the data directly. */
  VIREO_MIGRATE_TRANSPORT_DIRECT,
  /* The source host's libvirtd talks to the destination's itself
   * (VIR_MIGRATE_PEER2PEER, virDomainMigrateToURI3 with the destination's
   * URI as the source host sees it); the data still goes directly. */
  VIREO_MIGRATE_TRANSPORT_PEER_TO_PEER,
  /* Peer to peer, and the data goes through the libvirtd connection
   * (VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_TUNNELLED): one port to open,
   * encrypted when that connection is (SSH, TLS). */
  VIREO_MIGRATE_TRANSPORT_TUNNELLED,
} VireoMigrateTransport;

#define VIREO_TYPE_MIGRATE_OPTIONS (vireo_migrate_options_get_type ())

/*
 * The Migrate dialog's choices. A plain struct (boxed for properties):
 * set the fields directly; strings are owned (g_free'd by _free()).
 */
typedef struct
{
  VireoMigrateMode       mode;
  VireoMigrateStorage    storage;
  VireoMigrateTransport  transport;
  /* Define the machine on the destination (VIR_MIGRATE_PERSIST_DEST);
   * otherwise it runs there as a transient machine. */
  gboolean               persistent_on_dest;
  /* Remove the source's definition once it succeeded
   * (VIR_MIGRATE_UNDEFINE_SOURCE). Both FALSE is a temporary move: the
   * source keeps its definition (shut off) and the destination has the
   * machine only while it runs. */
  gboolean               undefine_source;
  /* MiB/s, 0 = unlimited (VIR_MIGRATE_PARAM_BANDWIDTH). */
  guint64                bandwidth_mib_s;
  /* Milliseconds the guest may stop for the last pass, 0 = libvirt's
   * default, 300 ms (set with virDomainMigrateSetMaxDowntime once the
   * migration runs: libvirt 9.0 has no parameter for it). */
  guint64                max_downtime_ms;
  /* Migrate although libvirt calls it unsafe (VIR_MIGRATE_UNSAFE); the
   * dialog shows unsafe_reason (see vireo_migrate_unsafe_reason()). */
  gboolean               allow_unsafe;
  /* Allow switching to post-copy while it runs (VIR_MIGRATE_POSTCOPY);
   * nothing changes until the switch is asked for. */
  gboolean               postcopy;
  /* Slow the guest's vCPUs down when its memory changes faster than it
   * is copied (VIR_MIGRATE_AUTO_CONVERGE). */
  gboolean               auto_converge;
  /* (nullable): the machine's name on the destination
   * (VIR_MIGRATE_PARAM_DEST_NAME); NULL keeps its name. */
  char                  *dest_name;
  /* (nullable): the destination's libvirt URI as the SOURCE host sees it,
   * for PEER_TO_PEER and TUNNELLED (the source's libvirtd connects
   * there); e.g. "qemu+tcp://10.78.0.2/system". */
  char                  *dest_uri;
  /* (nullable): where the hypervisor sends the data for DIRECT and
   * PEER_TO_PEER (VIR_MIGRATE_PARAM_URI, e.g. "tcp://10.78.0.2");
   * NULL lets the destination say (its migration_host). */
  char                  *migrate_uri;
} VireoMigrateOptions;

GType                 vireo_migrate_options_get_type (void) G_GNUC_CONST;
/* Defaults: LIVE, SHARED, DIRECT, persistent on the destination, undefine
 * the source, no limits, nothing unsafe, no post-copy, no auto-converge. */
VireoMigrateOptions  *vireo_migrate_options_new      (void);
VireoMigrateOptions  *vireo_migrate_options_copy     (const VireoMigrateOptions *options);
void                  vireo_migrate_options_free     (VireoMigrateOptions       *options);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoMigrateOptions, vireo_migrate_options_free)

/* ------------------------------------------------------------------------ */
/* Which choices a machine allows                                            */

typedef enum
{
  VIREO_MIGRATE_MACHINE_RUNNING,
  VIREO_MIGRATE_MACHINE_PAUSED,
  VIREO_MIGRATE_MACHINE_SHUT_OFF,
  VIREO_MIGRATE_MACHINE_OTHER,   /* crashed, suspended to memory, starting... */
} VireoMigrateMachineState;

/* What the check needs to know of the machine to migrate. */
typedef struct
{
  VireoMigrateMachineState  state;
  gboolean                  persistent;
  /* libvirt counts its snapshot metadata (`virsh snapshot-list`). */
  guint                     n_snapshots;
  /* (nullable) (not owned): the machine's definition (the live one when
   * it runs), for its disks and devices; NULL skips those checks. */
  VireoDomainConfig        *config;
} VireoMigrateSource;

/* One choice of the dialog, for vireo_migrate_check_choice(). */
typedef enum
{
  VIREO_MIGRATE_CHOICE_MODE_LIVE,
  VIREO_MIGRATE_CHOICE_MODE_PAUSED,
  VIREO_MIGRATE_CHOICE_MODE_OFFLINE,
  VIREO_MIGRATE_CHOICE_STORAGE_SHARED,
  VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL,
  VIREO_MIGRATE_CHOICE_STORAGE_COPY_INCREMENTAL,
  VIREO_MIGRATE_CHOICE_TRANSPORT_DIRECT,
  VIREO_MIGRATE_CHOICE_TRANSPORT_PEER_TO_PEER,
  VIREO_MIGRATE_CHOICE_TRANSPORT_TUNNELLED,
  VIREO_MIGRATE_CHOICE_PERSISTENT_ON_DEST,
  VIREO_MIGRATE_CHOICE_TRANSIENT_ON_DEST,   /* persistent_on_dest FALSE */
  VIREO_MIGRATE_CHOICE_UNDEFINE_SOURCE,
  VIREO_MIGRATE_CHOICE_POSTCOPY,
  VIREO_MIGRATE_CHOICE_AUTO_CONVERGE,
  VIREO_MIGRATE_CHOICE_BANDWIDTH,
  VIREO_MIGRATE_CHOICE_MAX_DOWNTIME,
  VIREO_MIGRATE_CHOICE_DEST_URI,            /* the dest_uri field */
  VIREO_MIGRATE_CHOICE_DEST_NAME,           /* the dest_name field */
} VireoMigrateChoice;

/*
 * Whether @choice can be taken for @source together with the rest of
 * @options (the choice's own field in @options is ignored: it asks "if I
 * picked this"). When not, *@reason (nullable) gets a sentence for the
 * user saying why (gettext). For fields that take a value (bandwidth,
 * max downtime, names, URIs) it says whether the field applies at all.
 *
 * Returns: TRUE when the dialog may offer it
 */
gboolean    vireo_migrate_check_choice   (const VireoMigrateSource  *source,
                                          const VireoMigrateOptions *options,
                                          VireoMigrateChoice         choice,
                                          char                     **reason);

/*
 * Checks the whole of @options for @source, as libvirt 9.0 would before
 * it starts: the first problem sets *@at_fault (nullable) to the choice
 * to change and *@reason (nullable) to why. A URI the transport needs and
 * lacks is DEST_URI; a name that is not valid for libvirt is DEST_NAME.
 *
 * Returns: TRUE when libvirt will accept the combination (it may still
 * fail on the hosts: CPU, storage, names taken)
 */
gboolean    vireo_migrate_options_check  (const VireoMigrateSource  *source,
                                          const VireoMigrateOptions *options,
                                          VireoMigrateChoice        *at_fault,
                                          char                     **reason);

/*
 * Why libvirt 9.0 would call this migration unsafe and refuse it without
 * allow_unsafe, from the machine's disks; NULL when it would not. A
 * writable disk with a local image (a file or block device, not a network
 * disk) is unsafe unless the image is copied (a COPY storage option) or
 * lies on a shared file system (NFS, GFS2, OCFS2, CephFS, ...), which
 * only the source host can tell: for a file, the reason says so. A
 * shared-FS image with a cache mode other than none or directsync is
 * unsafe too (QEMU then may hold writes the destination does not see).
 *
 * Returns: (transfer full) (nullable): a sentence naming the disks
 *   (by target, e.g. "vda"), or NULL
 */
char       *vireo_migrate_unsafe_reason  (const VireoMigrateSource  *source,
                                          const VireoMigrateOptions *options);

/*
 * The equivalent command: `virsh [-c SOURCE-URI] migrate [--live|--offline]
 * [--persistent] [--undefinesource] [--copy-storage-all|-inc] [--p2p
 * [--tunnelled]] [--unsafe] [--postcopy] [--auto-converge] [--bandwidth N]
 * [--dname NAME] [--migrateuri URI] DOMAIN DEST-URI`, every word
 * shell-quoted. For DIRECT (virsh talks to both hosts) @dest_uri is the
 * destination as this machine sees it; for the peer-to-peer transports
 * options->dest_uri is used when set. A max downtime is a second line,
 * `virsh migrate-setmaxdowntime DOMAIN MS`, to run while it migrates.
 *
 * Returns: (transfer full): one or two lines, joined by "\n"
 */
char       *vireo_command_for_migrate    (const char                *source_uri,
                                          const char                *dest_uri,
                                          const char                *domain_name,
                                          const VireoMigrateOptions *options);

/* ------------------------------------------------------------------------ */
/* Progress                                                                  */

/* One of libvirt's job statistics (virDomainGetJobStats's typed
 * parameters) as text: name as libvirt spells it ("data_total",
 * "memory_bps", ...), value in decimal. */
typedef struct
{
  const char *name;
  const char *value;
} VireoMigrateStat;

/* libvirt's virDomainJobType, by value (the model has no libvirt headers;
 * the values are libvirt's ABI). */
typedef enum
{
  VIREO_MIGRATE_JOB_NONE      = 0,
  VIREO_MIGRATE_JOB_BOUNDED   = 1,
  VIREO_MIGRATE_JOB_UNBOUNDED = 2,
  VIREO_MIGRATE_JOB_COMPLETED = 3,
  VIREO_MIGRATE_JOB_FAILED    = 4,
  VIREO_MIGRATE_JOB_CANCELLED = 5,
} VireoMigrateJobType;

typedef enum
{
  VIREO_MIGRATE_PHASE_NONE,       /* no job (yet, or any more) */
  VIREO_MIGRATE_PHASE_STORAGE,    /* disks are copied, memory not begun */
  VIREO_MIGRATE_PHASE_MEMORY,     /* memory passes (pre-copy) */
  VIREO_MIGRATE_PHASE_POSTCOPY,   /* runs on the destination; pages pulled on demand */
  VIREO_MIGRATE_PHASE_COMPLETED,
  VIREO_MIGRATE_PHASE_FAILED,
  VIREO_MIGRATE_PHASE_CANCELLED,
} VireoMigratePhase;

#define VIREO_TYPE_MIGRATE_PROGRESS (vireo_migrate_progress_get_type ())

/* Where a migration is, as one job-statistics reading says. Sizes in
 * bytes, rates in bytes per second, times in milliseconds. A figure
 * libvirt did not give is 0 (has_* says which groups it gave). */
typedef struct
{
  VireoMigratePhase  phase;
  guint64            elapsed_ms;        /* time_elapsed */
  guint64            data_total;        /* memory and disks */
  guint64            data_processed;
  guint64            data_remaining;
  guint64            memory_total;
  guint64            memory_processed;
  guint64            memory_remaining;
  guint64            memory_bps;        /* the memory's transfer rate */
  guint64            memory_dirty_rate; /* pages per second the guest dirties */
  guint64            memory_iteration;  /* which pass over memory, from 1 */
  guint64            postcopy_requests; /* pages the destination asked for */
  guint64            disk_total;
  guint64            disk_processed;
  guint64            disk_remaining;
  guint64            disk_bps;
  guint64            expected_downtime_ms;  /* "downtime" while running */
  guint64            downtime_ms;           /* the real one, once completed */
  guint64            auto_converge_throttle;  /* percent of vCPU time taken */
  /* How far: data_total less data_remaining, over data_total, in 0..1;
   * 0 while the total is unknown. Memory can grow back between passes. */
  double             fraction;
  gboolean           postcopy_active;
  gboolean           has_data;
  gboolean           has_memory;
  gboolean           has_disk;
  /* (nullable): libvirt's "errmsg" of a failed job */
  char              *error_message;
} VireoMigrateProgress;

GType                 vireo_migrate_progress_get_type (void) G_GNUC_CONST;
VireoMigrateProgress *vireo_migrate_progress_new      (void);
VireoMigrateProgress *vireo_migrate_progress_copy     (const VireoMigrateProgress *progress);
void                  vireo_migrate_progress_free     (VireoMigrateProgress       *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoMigrateProgress, vireo_migrate_progress_free)

/*
 * Reads one job-statistics answer: @type is virDomainGetJobStats's type,
 * @stats its parameters as text (unknown names are ignored, a value that
 * is not a number is ignored). @postcopy says the machine's state reason
 * is post-copy (VIR_DOMAIN_RUNNING_POSTCOPY or PAUSED_POSTCOPY on the
 * source): libvirt's statistics do not say it themselves.
 *
 * Returns: (transfer full): the progress
 */
VireoMigrateProgress *vireo_migrate_progress_parse    (VireoMigrateJobType      type,
                                                       const VireoMigrateStat  *stats,
                                                       gsize                    n_stats,
                                                       gboolean                 postcopy);
/*
 * The same from text, one "name=value" a line, as the tests' recorded
 * fixtures hold them (and `virsh domjobinfo --keep-completed` gives, in
 * other words); a line "type=N" gives the job type, "postcopy=1" the
 * state reason; blank lines and lines starting with '#' are skipped.
 *
 * Returns: (transfer full): the progress
 */
VireoMigrateProgress *vireo_migrate_progress_parse_text (const char *text);

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */

#define VIREO_MIGRATE_ERROR (vireo_migrate_error_quark ())

/* What a failed migration means to the user; the error codes of
 * VIREO_MIGRATE_ERROR. */
typedef enum
{
  VIREO_MIGRATE_ERROR_OTHER,
  VIREO_MIGRATE_ERROR_CPU_INCOMPATIBLE,  /* the destination's CPU lacks features the guest uses */
  VIREO_MIGRATE_ERROR_STORAGE_MISSING,   /* a disk image is not there on the destination */
  VIREO_MIGRATE_ERROR_NAME_TAKEN,        /* another machine of that name (or UUID) is there */
  VIREO_MIGRATE_ERROR_SAME_HOST,         /* both connections are the same host */
  VIREO_MIGRATE_ERROR_UNSAFE,            /* libvirt refuses without allow_unsafe */
  VIREO_MIGRATE_ERROR_UNREACHABLE,       /* the destination could not be reached */
  VIREO_MIGRATE_ERROR_UNSUPPORTED,       /* this combination of options, this machine's devices or snapshots */
  VIREO_MIGRATE_ERROR_CANCELLED,         /* libvirt says the job was aborted */
} VireoMigrateErrorKind;

GQuark      vireo_migrate_error_quark     (void);

/*
 * Classifies libvirt's message of a failed migration (libvirt 9.0's
 * words, recorded in the integration test and quoted in
 * vireo-migrate.c). The virt layer's vireo_migrate_explain_error() also
 * looks at libvirt's error code first; this is the part that needs
 * none.
 *
 * Returns: the kind; OTHER when the message says nothing known
 */
VireoMigrateErrorKind vireo_migrate_classify_message (const char *message);

/*
 * Returns: (transfer none): a sentence for the user saying what the kind
 *   means and what to do (gettext); "" for OTHER, where libvirt's own
 *   words are all there is
 */
const char           *vireo_migrate_error_kind_explain (VireoMigrateErrorKind kind);

G_END_DECLS
