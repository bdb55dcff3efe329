/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vireo-migrate: which choices a machine allows (libvirt 9.0's rules), the
 * virsh line, job statistics recorded from a real migration
 * (tests/data/migrate/, from test-migrate-integration), and what libvirt
 * 9.0's messages of failed migrations mean.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-migrate.h"

static const char *disk_xml =
  "<domain type='qemu'><name>m</name><memory unit='KiB'>1024</memory>"
  "<os><type arch='x86_64'>hvm</type></os><devices>"
  "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/m.qcow2'/>"
  "<target dev='vda' bus='virtio'/></disk>"
  "<disk type='file' device='cdrom'><source file='/isos/x.iso'/><target dev='sda' bus='sata'/><readonly/></disk>"
  "<disk type='network' device='disk'><source protocol='rbd' name='pool/img'/><target dev='vdb' bus='virtio'/></disk>"
  "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/data.raw'/>"
  "<target dev='vdc' bus='virtio'/></disk>"
  "</devices></domain>";

static VireoMigrateSource
running_source (void)
{
  VireoMigrateSource s = { VIREO_MIGRATE_MACHINE_RUNNING, TRUE, 0, NULL };
  return s;
}

static void
assert_refused (const VireoMigrateSource  *source,
                const VireoMigrateOptions *options,
                VireoMigrateChoice         choice,
                const char                *words)
{
  g_autofree char *reason = NULL;

  g_assert_false (vireo_migrate_check_choice (source, options, choice, &reason));
  g_assert_nonnull (reason);
  g_assert_nonnull (strstr (reason, words));
}

static void
test_defaults (void)
{
  g_autoptr(VireoMigrateOptions) o = vireo_migrate_options_new ();
  g_autoptr(VireoMigrateOptions) copy = NULL;

  g_assert_cmpint (o->mode, ==, VIREO_MIGRATE_MODE_LIVE);
  g_assert_cmpint (o->storage, ==, VIREO_MIGRATE_STORAGE_SHARED);
  g_assert_cmpint (o->transport, ==, VIREO_MIGRATE_TRANSPORT_DIRECT);
  g_assert_true (o->persistent_on_dest);
  g_assert_true (o->undefine_source);
  o->dest_name = g_strdup ("n");
  copy = vireo_migrate_options_copy (o);
  g_assert_cmpstr (copy->dest_name, ==, "n");
  g_assert_true (copy->dest_name != o->dest_name);
}

static void
test_choices (void)
{
  g_autoptr(VireoMigrateOptions) o = vireo_migrate_options_new ();
  VireoMigrateSource running = running_source ();
  VireoMigrateSource paused = running;
  VireoMigrateSource off = running;
  VireoMigrateSource transient = running;

  paused.state = VIREO_MIGRATE_MACHINE_PAUSED;
  off.state = VIREO_MIGRATE_MACHINE_SHUT_OFF;
  transient.persistent = FALSE;

  /* Running: live, paused, copies, post-copy; not offline. */
  g_assert_true (vireo_migrate_check_choice (&running, o, VIREO_MIGRATE_CHOICE_MODE_LIVE, NULL));
  g_assert_true (vireo_migrate_check_choice (&running, o, VIREO_MIGRATE_CHOICE_MODE_PAUSED, NULL));
  g_assert_true (vireo_migrate_check_choice (&running, o, VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL, NULL));
  g_assert_true (vireo_migrate_check_choice (&running, o, VIREO_MIGRATE_CHOICE_POSTCOPY, NULL));
  assert_refused (&running, o, VIREO_MIGRATE_CHOICE_MODE_OFFLINE, "shut-off");

  /* Shut off: offline only, no copies, no tunnel, persistent. */
  assert_refused (&off, o, VIREO_MIGRATE_CHOICE_MODE_LIVE, "running or paused");
  o->mode = VIREO_MIGRATE_MODE_OFFLINE;
  g_assert_true (vireo_migrate_check_choice (&off, o, VIREO_MIGRATE_CHOICE_MODE_OFFLINE, NULL));
  assert_refused (&off, o, VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL, "copy its disks");
  assert_refused (&off, o, VIREO_MIGRATE_CHOICE_TRANSPORT_TUNNELLED, "cannot be tunnelled");
  assert_refused (&off, o, VIREO_MIGRATE_CHOICE_TRANSIENT_ON_DEST, "must define");
  assert_refused (&off, o, VIREO_MIGRATE_CHOICE_POSTCOPY, "live migration");
  assert_refused (&off, o, VIREO_MIGRATE_CHOICE_BANDWIDTH, "no data");
  o->storage = VIREO_MIGRATE_STORAGE_COPY_ALL;
  assert_refused (&off, o, VIREO_MIGRATE_CHOICE_MODE_OFFLINE, "cannot copy storage");
  o->storage = VIREO_MIGRATE_STORAGE_SHARED;

  /* Post-copy: live, running, not tunnelled. */
  o->mode = VIREO_MIGRATE_MODE_LIVE;
  assert_refused (&paused, o, VIREO_MIGRATE_CHOICE_POSTCOPY, "paused");
  o->transport = VIREO_MIGRATE_TRANSPORT_TUNNELLED;
  assert_refused (&running, o, VIREO_MIGRATE_CHOICE_POSTCOPY, "tunnelled");
  o->transport = VIREO_MIGRATE_TRANSPORT_DIRECT;
  o->postcopy = TRUE;
  assert_refused (&running, o, VIREO_MIGRATE_CHOICE_TRANSPORT_TUNNELLED, "Post-copy");
  assert_refused (&running, o, VIREO_MIGRATE_CHOICE_MODE_PAUSED, "Post-copy");
  o->postcopy = FALSE;

  /* libvirt 9.0 fails tunnelled copies (checked between the test daemons). */
  o->storage = VIREO_MIGRATE_STORAGE_COPY_ALL;
  assert_refused (&running, o, VIREO_MIGRATE_CHOICE_TRANSPORT_TUNNELLED, "tunnelled");
  o->transport = VIREO_MIGRATE_TRANSPORT_TUNNELLED;
  assert_refused (&running, o, VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL, "tunnelled");
  o->transport = VIREO_MIGRATE_TRANSPORT_DIRECT;
  o->storage = VIREO_MIGRATE_STORAGE_SHARED;

  /* Transient: nothing to undefine. */
  assert_refused (&transient, o, VIREO_MIGRATE_CHOICE_UNDEFINE_SOURCE, "transient");
  assert_refused (&running, o, VIREO_MIGRATE_CHOICE_DEST_URI, "Vireo connects");
  o->mode = VIREO_MIGRATE_MODE_PAUSED;
  assert_refused (&running, o, VIREO_MIGRATE_CHOICE_MAX_DOWNTIME, "live");
}

static void
test_check (void)
{
  g_autoptr(VireoMigrateOptions) o = vireo_migrate_options_new ();
  VireoMigrateSource running = running_source ();
  VireoMigrateChoice fault;
  g_autofree char *reason = NULL;

  g_assert_true (vireo_migrate_options_check (&running, o, &fault, &reason));
  g_assert_null (reason);

  o->transport = VIREO_MIGRATE_TRANSPORT_PEER_TO_PEER;
  g_assert_false (vireo_migrate_options_check (&running, o, &fault, &reason));
  g_assert_cmpint (fault, ==, VIREO_MIGRATE_CHOICE_DEST_URI);
  g_clear_pointer (&reason, g_free);
  o->dest_uri = g_strdup ("qemu+tcp://10.78.0.2/system");
  g_assert_true (vireo_migrate_options_check (&running, o, NULL, NULL));

  o->dest_name = g_strdup ("a/b");
  g_assert_false (vireo_migrate_options_check (&running, o, &fault, NULL));
  g_assert_cmpint (fault, ==, VIREO_MIGRATE_CHOICE_DEST_NAME);
  g_clear_pointer (&o->dest_name, g_free);

  o->mode = VIREO_MIGRATE_MODE_PAUSED;
  o->postcopy = TRUE;
  g_assert_false (vireo_migrate_options_check (&running, o, &fault, &reason));
  g_assert_cmpint (fault, ==, VIREO_MIGRATE_CHOICE_MODE_PAUSED);
  g_clear_pointer (&reason, g_free);
  o->postcopy = FALSE;

  running.n_snapshots = 2;
  g_assert_false (vireo_migrate_options_check (&running, o, &fault, &reason));
  g_assert_nonnull (strstr (reason, "2 snapshots"));
}

static void
test_unsafe (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (disk_xml, &error);
  g_autoptr(VireoMigrateOptions) o = vireo_migrate_options_new ();
  VireoMigrateSource s = running_source ();
  g_autofree char *reason = NULL;

  g_assert_no_error (error);
  g_assert_null (vireo_migrate_unsafe_reason (&s, o));   /* no config: unknown */
  s.config = config;
  /* The writable files, not the CD-ROM nor the network disk. */
  reason = vireo_migrate_unsafe_reason (&s, o);
  g_assert_nonnull (reason);
  g_assert_nonnull (strstr (reason, "Disks vda, vdc are not copied"));
  o->storage = VIREO_MIGRATE_STORAGE_COPY_ALL;
  g_assert_null (vireo_migrate_unsafe_reason (&s, o));
}

static void
test_command (void)
{
  g_autoptr(VireoMigrateOptions) o = vireo_migrate_options_new ();
  g_autofree char *line = NULL;

  line = vireo_command_for_migrate ("qemu:///system", "qemu+ssh://root@b/system", "my vm", o);
  g_assert_cmpstr (line, ==,
                   "virsh -c qemu:///system migrate --live --persistent --undefinesource -- 'my vm' "
                   "qemu+ssh://root@b/system");
  g_clear_pointer (&line, g_free);

  o->storage = VIREO_MIGRATE_STORAGE_COPY_INCREMENTAL;
  o->transport = VIREO_MIGRATE_TRANSPORT_TUNNELLED;   /* a line, whatever libvirt makes of it */
  o->dest_uri = g_strdup ("qemu+tcp://10.78.0.2/system");
  o->allow_unsafe = TRUE;
  o->auto_converge = TRUE;
  o->bandwidth_mib_s = 50;
  o->max_downtime_ms = 250;
  o->undefine_source = FALSE;
  o->dest_name = g_strdup ("it's");
  line = vireo_command_for_migrate (NULL, "qemu+ssh://root@b/system", "-x", o);
  g_assert_cmpstr (line, ==,
                   "virsh migrate --live --persistent --copy-storage-inc --p2p --tunnelled --unsafe "
                   "--auto-converge --bandwidth 50 --dname 'it'\\''s' -- -x qemu+tcp://10.78.0.2/system\n"
                   "virsh migrate-setmaxdowntime -- -x 250");
  g_clear_pointer (&line, g_free);

  o->mode = VIREO_MIGRATE_MODE_OFFLINE;
  o->transport = VIREO_MIGRATE_TRANSPORT_DIRECT;
  o->storage = VIREO_MIGRATE_STORAGE_SHARED;
  o->allow_unsafe = o->auto_converge = FALSE;
  o->bandwidth_mib_s = 0;
  g_clear_pointer (&o->dest_name, g_free);
  line = vireo_command_for_migrate (NULL, "qemu:///b", "m", o);
  g_assert_cmpstr (line, ==, "virsh migrate --offline --persistent -- m qemu:///b");
}

static VireoMigrateProgress *
load (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "migrate", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return vireo_migrate_progress_parse_text (text);
}

static void
test_progress_recorded (void)
{
  g_autoptr(VireoMigrateProgress) early = load ("early.txt");
  g_autoptr(VireoMigrateProgress) p = load ("running.txt");

  /* The job is there before its figures. */
  g_assert_cmpint (early->phase, ==, VIREO_MIGRATE_PHASE_MEMORY);
  g_assert_true (early->has_data);
  g_assert_cmpuint (early->data_total, ==, 0);
  g_assert_cmpfloat (early->fraction, ==, 0.0);
  g_assert_cmpuint (early->elapsed_ms, ==, 199);

  g_assert_cmpint (p->phase, ==, VIREO_MIGRATE_PHASE_MEMORY);
  g_assert_cmpuint (p->elapsed_ms, ==, 3203);
  g_assert_cmpuint (p->data_total, ==, 286859264);
  g_assert_cmpuint (p->data_processed, ==, 88334571);
  g_assert_cmpuint (p->data_remaining, ==, 197828608);
  g_assert_cmpuint (p->memory_total, ==, 285810688);
  g_assert_cmpuint (p->memory_bps, ==, 33570900);
  g_assert_cmpuint (p->memory_iteration, ==, 1);
  g_assert_cmpuint (p->disk_total, ==, 1048576);
  g_assert_cmpuint (p->disk_remaining, ==, 0);
  /* Running, "downtime" is the expected one. */
  g_assert_cmpuint (p->expected_downtime_ms, ==, 500);
  g_assert_cmpuint (p->downtime_ms, ==, 0);
  g_assert_cmpfloat_with_epsilon (p->fraction, (286859264.0 - 197828608.0) / 286859264.0, 1e-9);
  g_assert_false (p->postcopy_active);
  g_assert_true (p->has_memory && p->has_disk);
}

static void
test_progress_cases (void)
{
  g_autoptr(VireoMigrateProgress) done =
    vireo_migrate_progress_parse_text ("type=3\ndowntime=42\ndata_total=10\ndata_remaining=10\n");
  g_autoptr(VireoMigrateProgress) post =
    vireo_migrate_progress_parse_text ("type=2\npostcopy=1\nmemory_postcopy_requests=7\n");
  g_autoptr(VireoMigrateProgress) storage =
    vireo_migrate_progress_parse_text ("type=2\ndisk_total=100\ndisk_remaining=50\nmemory_total=9\n");
  g_autoptr(VireoMigrateProgress) junk =
    vireo_migrate_progress_parse_text ("type=9\ndata_total=-1\ndata_remaining=x\nnonsense\nerrmsg=bad thing\n");
  g_autoptr(VireoMigrateProgress) copy = NULL;

  g_assert_cmpint (done->phase, ==, VIREO_MIGRATE_PHASE_COMPLETED);
  g_assert_cmpuint (done->downtime_ms, ==, 42);
  g_assert_cmpuint (done->expected_downtime_ms, ==, 0);
  g_assert_cmpfloat (done->fraction, ==, 1.0);
  g_assert_cmpint (post->phase, ==, VIREO_MIGRATE_PHASE_POSTCOPY);
  g_assert_true (post->postcopy_active);
  g_assert_cmpuint (post->postcopy_requests, ==, 7);
  g_assert_cmpint (storage->phase, ==, VIREO_MIGRATE_PHASE_STORAGE);
  g_assert_cmpint (junk->phase, ==, VIREO_MIGRATE_PHASE_CANCELLED);
  g_assert_false (junk->has_data);
  g_assert_cmpstr (junk->error_message, ==, "bad thing");
  copy = vireo_migrate_progress_copy (junk);
  g_assert_cmpstr (copy->error_message, ==, "bad thing");
}

static void
test_errors (void)
{
  /* libvirt 9.0's words, as test-migrate-integration and virsh got them. */
  static const struct { const char *message; VireoMigrateErrorKind kind; } cases[] = {
    { "operation failed: domain 'vireo-mig-taken' already exists with uuid fb73ca69-9e50-41f9-bc51-b54773b2e0a9",
      VIREO_MIGRATE_ERROR_NAME_TAKEN },
    { "Unsafe migration: Migration without shared storage is unsafe", VIREO_MIGRATE_ERROR_UNSAFE },
    { "Cannot access storage file '/tmp/x/images/a.img': No such file or directory",
      VIREO_MIGRATE_ERROR_STORAGE_MISSING },
    { "unable to stat: /tmp/x/images/m1.qcow2: No such file or directory", VIREO_MIGRATE_ERROR_STORAGE_MISSING },
    { "internal error: Attempt to migrate guest to the same host 53694c07-4b02-494d-8445-08476ced89fc",
      VIREO_MIGRATE_ERROR_SAME_HOST },
    { "operation failed: guest CPU doesn't match specification: missing features: avx2",
      VIREO_MIGRATE_ERROR_CPU_INCOMPATIBLE },
    { "unable to connect to server at '10.78.0.9:16509': No route to host", VIREO_MIGRATE_ERROR_UNREACHABLE },
    { "operation failed: migration out job: canceled by client", VIREO_MIGRATE_ERROR_CANCELLED },
    { "Requested operation is not valid: cannot migrate domain with 1 snapshots", VIREO_MIGRATE_ERROR_UNSUPPORTED },
    { "argument unsupported: post-copy is not supported with tunnelled migration", VIREO_MIGRATE_ERROR_UNSUPPORTED },
    { "internal error: argument key 'host' must not have null value", VIREO_MIGRATE_ERROR_OTHER },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].message);
      g_assert_cmpint (vireo_migrate_classify_message (cases[i].message), ==, cases[i].kind);
      if (cases[i].kind == VIREO_MIGRATE_ERROR_OTHER)
        g_assert_cmpstr (vireo_migrate_error_kind_explain (cases[i].kind), ==, "");
      else
        g_assert_cmpstr (vireo_migrate_error_kind_explain (cases[i].kind), !=, "");
    }
  g_assert_cmpint (vireo_migrate_classify_message (NULL), ==, VIREO_MIGRATE_ERROR_OTHER);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/migrate/defaults", test_defaults);
  g_test_add_func ("/migrate/choices", test_choices);
  g_test_add_func ("/migrate/check", test_check);
  g_test_add_func ("/migrate/unsafe", test_unsafe);
  g_test_add_func ("/migrate/command", test_command);
  g_test_add_func ("/migrate/progress-recorded", test_progress_recorded);
  g_test_add_func ("/migrate/progress-cases", test_progress_cases);
  g_test_add_func ("/migrate/errors", test_errors);
  return g_test_run ();
}
