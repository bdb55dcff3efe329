/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-command.h"
#include "vireo-connection-uri.h"
#include "vireo-disk.h"
#include "vireo-domain-config.h"
#include "vireo-graphics.h"
#include "vireo-interface.h"
#include "vireo-live-change.h"
#include "vireo-text-console.h"

static char *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("expected to find\n  %s\nin\n%s", needle, haystack);
}

static void
test_parse_fields (void)
{
  g_autofree char *xml = load_fixture ("domain-full.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (xml, &error);
  g_autoptr(GPtrArray) disks = NULL;
  VireoDiskInfo *d;

  g_assert_no_error (error);
  g_assert_cmpstr (vireo_domain_config_get_name (config), ==, "full");
  g_assert_cmpstr (vireo_domain_config_get_uuid (config), ==, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  g_assert_null (vireo_domain_config_get_title (config));
  g_assert_true (vireo_domain_config_has_nvram (config));

  disks = vireo_domain_config_list_disks (config);
  g_assert_cmpuint (disks->len, ==, 4);

  d = disks->pdata[0];
  g_assert_cmpstr (d->target, ==, "vda");
  g_assert_cmpstr (d->device, ==, "disk");
  g_assert_cmpstr (d->path, ==, "/var/lib/libvirt/images/full.qcow2");
  g_assert_false (d->readonly);

  d = disks->pdata[1];
  g_assert_cmpstr (d->source_type, ==, "volume");
  g_assert_cmpstr (d->pool, ==, "default");
  g_assert_cmpstr (d->volume, ==, "data.raw");
  g_assert_null (d->path);
  g_assert_true (d->shareable);

  d = disks->pdata[2];
  g_assert_cmpstr (d->device, ==, "cdrom");
  g_assert_true (d->readonly);

  d = disks->pdata[3];
  g_assert_cmpstr (d->source_type, ==, "network");
  g_assert_null (d->path);
}

/* Nothing lost: editing one field leaves every other byte of the document,
 * including elements and namespaces Vireo knows nothing about. */
static void
test_round_trip_keeps_unknown (void)
{
  g_autofree char *xml = load_fixture ("domain-full.xml");
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (xml, NULL);
  g_autofree char *unchanged = vireo_domain_config_to_xml (config);
  g_autofree char *edited = NULL;

  /* Untouched, the document is a fixpoint: reading back what Vireo writes
   * gives the same bytes (libxml2 only normalises quoting). */
  {
    g_autoptr(VireoDomainConfig) again = vireo_domain_config_new_from_xml (unchanged, NULL);
    g_autofree char *twice = vireo_domain_config_to_xml (again);
    g_assert_cmpstr (twice, ==, unchanged);
  }
  assert_contains (unchanged, "<vireo-test:keep xmlns:vireo-test=\"urn:vireo:test\" answer=\"42\">unknown content</vireo-test:keep>");

  vireo_domain_config_set_title (config, "Build box\nsecond line dropped");
  vireo_domain_config_set_description (config, "Runs <nightly> & weekly builds");
  edited = vireo_domain_config_to_xml (config);

  assert_contains (edited, "<title>Build box</title>");
  assert_contains (edited, "<description>Runs &lt;nightly&gt; &amp; weekly builds</description>");
  assert_contains (edited, "<vireo-test:keep xmlns:vireo-test=\"urn:vireo:test\" answer=\"42\">unknown content</vireo-test:keep>");
  assert_contains (edited, "<qemu:commandline>");
  assert_contains (edited, "<qemu:arg value=\"-newarg\"/>");
  assert_contains (edited, "<future-feature mode=\"on\"/>");
  assert_contains (edited, "passwd=\"s3cret\"");
  assert_contains (edited, "discard=\"unmap\"");
  g_assert_cmpstr (vireo_domain_config_get_title (config), ==, "Build box");

  /* Title goes right after <uuid>, where libvirt writes it. */
  g_assert_true (strstr (edited, "</uuid>") < strstr (edited, "<title>"));
  g_assert_true (strstr (edited, "<title>") < strstr (edited, "<metadata>"));

  /* An empty value removes the element, as `virsh desc --title ""` does. */
  vireo_domain_config_set_title (config, "");
  vireo_domain_config_set_description (config, NULL);
  g_free (edited);
  edited = vireo_domain_config_to_xml (config);
  g_assert_null (strstr (edited, "<title>"));
  g_assert_null (strstr (edited, "<description>"));
  g_assert_null (vireo_domain_config_get_title (config));
  assert_contains (edited, "<qemu:commandline>");
}

static void
test_parse_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) bad = vireo_domain_config_new_from_xml ("<domain><name>x</nam></domain>", &error);
  g_autoptr(VireoDomainConfig) wrong = NULL;

  g_assert_null (bad);
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Not well-formed"));
  g_clear_error (&error);

  wrong = vireo_domain_config_new_from_xml ("<network><name>x</name></network>", &error);
  g_assert_null (wrong);
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
}

static void
test_command_lines (void)
{
  const char *targets[] = { "vda", "vdb", NULL };
  g_autofree char *start = vireo_command_for_domain_action ("qemu:///system", VIREO_DOMAIN_ACTION_START, "web1", NULL);
  g_autofree char *spaced = vireo_command_for_domain_action (NULL, VIREO_DOMAIN_ACTION_DESTROY, "my vm's", NULL);
  g_autofree char *undef = vireo_command_for_domain_action ("qemu+ssh://root@host/system", VIREO_DOMAIN_ACTION_UNDEFINE, "db", targets);
  g_autofree char *sock = vireo_command_for_domain_action ("qemu:///system?socket=/tmp/x y/sock", VIREO_DOMAIN_ACTION_PAUSE, "a", NULL);

  g_assert_cmpstr (start, ==, "virsh -c qemu:///system start web1");
  g_assert_cmpstr (spaced, ==, "virsh destroy 'my vm'\\''s'");
  g_assert_cmpstr (undef, ==, "virsh -c qemu+ssh://root@host/system undefine db --managed-save "
                              "--snapshots-metadata --checkpoints-metadata --nvram --storage vda,vdb");
  g_assert_cmpstr (sock, ==, "virsh -c 'qemu:///system?socket=/tmp/x y/sock' suspend a");
  g_assert_cmpstr (vireo_domain_action_get_verb (VIREO_DOMAIN_ACTION_MANAGED_SAVE), ==, "managedsave");
}

/* Save and restore: the file is a word of its own however it is named,
 * and --running / --paused only when asked. */
static void
test_save_command_lines (void)
{
  g_autofree char *save = vireo_command_for_save ("qemu:///system", "web1", "/var/lib/saves/web1.save",
                                                  VIREO_RESTORE_AS_SAVED);
  g_autofree char *running = vireo_command_for_save (NULL, "my vm's", "/tmp/a b.save", VIREO_RESTORE_RUNNING);
  g_autofree char *paused = vireo_command_for_save ("qemu+ssh://root@kvm1/system", "db", "/srv/db;rm -rf.save",
                                                    VIREO_RESTORE_PAUSED);
  g_autofree char *restore = vireo_command_for_restore ("qemu:///system", "/var/lib/saves/web1.save",
                                                        VIREO_RESTORE_AS_SAVED);
  g_autofree char *restore_running = vireo_command_for_restore ("qemu:///system?socket=/tmp/x y/sock",
                                                                "/tmp/$HOME.save", VIREO_RESTORE_RUNNING);
  g_autofree char *restore_paused = vireo_command_for_restore (NULL, "/s/x.save", VIREO_RESTORE_PAUSED);
  g_autofree char *remove = vireo_command_for_managed_save_remove ("qemu:///system", "web 2");
  g_autofree char *sync = vireo_command_for_clock_sync ("qemu:///session", "web1");
  g_autofree char *sync_quoted = vireo_command_for_clock_sync (NULL, "it's");

  g_assert_cmpstr (save, ==, "virsh -c qemu:///system save web1 /var/lib/saves/web1.save");
  g_assert_cmpstr (running, ==, "virsh save 'my vm'\\''s' '/tmp/a b.save' --running");
  g_assert_cmpstr (paused, ==, "virsh -c qemu+ssh://root@kvm1/system save db '/srv/db;rm -rf.save' --paused");
  g_assert_cmpstr (restore, ==, "virsh -c qemu:///system restore /var/lib/saves/web1.save");
  g_assert_cmpstr (restore_running, ==, "virsh -c 'qemu:///system?socket=/tmp/x y/sock' restore '/tmp/$HOME.save' "
                                        "--running");
  g_assert_cmpstr (restore_paused, ==, "virsh restore /s/x.save --paused");
  g_assert_cmpstr (remove, ==, "virsh -c qemu:///system managedsave-remove 'web 2'");
  g_assert_cmpstr (sync, ==, "virsh -c qemu:///session domtime web1 --sync");
  g_assert_cmpstr (sync_quoted, ==, "virsh domtime 'it'\\''s' --sync");
}

static void
test_uri_round_trips (void)
{
  /* Every URI an admin is likely to paste comes back unchanged. */
  const char *uris[] = {
    "qemu:///system",
    "qemu:///session",
    "lxc:///",
    "qemu+ssh://root@kvm1.example.org/system",
    "qemu+ssh://admin@10.0.0.5:2222/system?keyfile=/home/admin/.ssh/id_ed25519",
    "qemu+libssh2://root@host/system?known_hosts=/tmp/kh&sshauth=privkey",
    "qemu+tls://kvm2.example.org/system?no_verify=1",
    "qemu+tcp://127.0.0.1:16509/system",
    "qemu+ssh://root@[fe80::1]:22/system",
    "qemu:///system?socket=/run/user/1000/libvirt/libvirt-sock",
  };

  for (guint i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VireoConnectionUri) parsed = vireo_connection_uri_parse (uris[i], &error);
      g_autofree char *again = NULL;

      g_assert_no_error (error);
      g_assert_true (vireo_connection_uri_validate (parsed, NULL, &error));
      again = vireo_connection_uri_to_string (parsed);
      g_assert_cmpstr (again, ==, uris[i]);
    }
}

static void
test_uri_fields (void)
{
  g_autoptr(VireoConnectionUri) u = vireo_connection_uri_parse (
    "  qemu+ssh://admin@10.0.0.5:2222/session?keyfile=/k/id%20rsa&no_tty=1\n", NULL);
  g_autoptr(VireoConnectionUri) tls = vireo_connection_uri_parse ("qemu://kvm3/system", NULL);
  g_autoptr(VireoConnectionUri) test = vireo_connection_uri_parse ("test:///default", NULL);
  g_autoptr(VireoConnectionUri) odd = vireo_connection_uri_parse ("qemu+vsock://2/system", NULL);
  g_autoptr(VireoConnectionUri) built = vireo_connection_uri_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *s = NULL;

  g_assert_cmpint (u->hypervisor, ==, VIREO_HYPERVISOR_QEMU_SESSION);
  g_assert_cmpint (u->transport, ==, VIREO_TRANSPORT_SSH);
  g_assert_cmpstr (u->user, ==, "admin");
  g_assert_cmpstr (u->host, ==, "10.0.0.5");
  g_assert_cmpuint (u->port, ==, 2222);
  g_assert_cmpstr (u->keyfile, ==, "/k/id rsa");
  g_assert_cmpstr (u->extra_query, ==, "no_tty=1");

  /* libvirt reads a host without a transport as TLS. */
  g_assert_cmpint (tls->transport, ==, VIREO_TRANSPORT_TLS);

  /* What the fields cannot say is kept whole as a custom URI. */
  g_assert_cmpint (test->hypervisor, ==, VIREO_HYPERVISOR_CUSTOM);
  g_assert_cmpstr (test->custom_uri, ==, "test:///default");
  g_assert_cmpint (odd->hypervisor, ==, VIREO_HYPERVISOR_CUSTOM);

  built->hypervisor = VIREO_HYPERVISOR_QEMU_SYSTEM;
  built->transport = VIREO_TRANSPORT_SSH;
  built->user = g_strdup ("root");
  built->host = g_strdup ("host");
  built->port = 2222;
  built->keyfile = g_strdup ("/root/.ssh/id_ed25519");
  s = vireo_connection_uri_to_string (built);
  g_assert_cmpstr (s, ==, "qemu+ssh://root@host:2222/system?keyfile=/root/.ssh/id_ed25519");
  g_assert_true (vireo_connection_uri_validate (built, NULL, &error));
}

static void
test_uri_field_errors (void)
{
  struct {
    VireoTransport  transport;
    const char     *user, *host, *keyfile;
    guint           port;
    VireoUriField   field;
  } cases[] = {
    { VIREO_TRANSPORT_SSH, NULL, NULL, NULL, 0, VIREO_URI_FIELD_HOST },
    { VIREO_TRANSPORT_SSH, NULL, "bad host", NULL, 0, VIREO_URI_FIELD_HOST },
    { VIREO_TRANSPORT_SSH, NULL, "-lead.example", NULL, 0, VIREO_URI_FIELD_HOST },
    { VIREO_TRANSPORT_SSH, NULL, "host", NULL, 70000, VIREO_URI_FIELD_PORT },
    { VIREO_TRANSPORT_SSH, "ro ot", "host", NULL, 0, VIREO_URI_FIELD_USER },
    { VIREO_TRANSPORT_SSH, NULL, "host", "id_rsa", 0, VIREO_URI_FIELD_KEYFILE },
    { VIREO_TRANSPORT_TLS, NULL, "host", "/k", 0, VIREO_URI_FIELD_KEYFILE },
    { VIREO_TRANSPORT_LOCAL, NULL, "host", NULL, 0, VIREO_URI_FIELD_HOST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoConnectionUri) u = vireo_connection_uri_new ();
      g_autoptr(GError) error = NULL;
      VireoUriField field = VIREO_URI_FIELD_NONE;

      u->transport = cases[i].transport;
      u->user = g_strdup (cases[i].user);
      u->host = g_strdup (cases[i].host);
      u->keyfile = g_strdup (cases[i].keyfile);
      u->port = cases[i].port;
      g_assert_false (vireo_connection_uri_validate (u, &field, &error));
      g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
      g_assert_cmpint (field, ==, cases[i].field);
      g_assert_cmpuint (strlen (error->message), >, 10);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VireoConnectionUri) none = vireo_connection_uri_parse ("not a uri", &error);
    g_assert_null (none);
    g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  }
}

static void
test_network_command_lines (void)
{
  g_autofree char *start = vireo_command_for_network ("qemu:///system", VIREO_NETWORK_COMMAND_START, "default");
  g_autofree char *stop = vireo_command_for_network (NULL, VIREO_NETWORK_COMMAND_STOP, "lab net");
  g_autofree char *on = vireo_command_for_network ("qemu:///system", VIREO_NETWORK_COMMAND_AUTOSTART_ON, "default");
  g_autofree char *off = vireo_command_for_network ("qemu:///system", VIREO_NETWORK_COMMAND_AUTOSTART_OFF, "default");
  g_autofree char *undefine = vireo_command_for_network (NULL, VIREO_NETWORK_COMMAND_UNDEFINE, "old");
  g_autofree char *dump = vireo_command_for_network (NULL, VIREO_NETWORK_COMMAND_DUMPXML, "default");
  g_autofree char *leases = vireo_command_for_network (NULL, VIREO_NETWORK_COMMAND_DHCP_LEASES, "default");
  g_autofree char *list = vireo_command_for_network ("qemu+ssh://root@kvm1/system", VIREO_NETWORK_COMMAND_LIST, NULL);
  g_autofree char *define = vireo_command_for_network (NULL, VIREO_NETWORK_COMMAND_DEFINE, "lab;rm");
  g_autofree char *update =
    vireo_command_for_network_update ("qemu:///system", "default", "ip-dhcp-host", VIREO_NETWORK_UPDATE_COMMAND_ADD,
                                      "<host mac=\"52:54:00:aa:00:01\" ip=\"192.168.122.5\"/>", TRUE, TRUE);
  g_autofree char *remove =
    vireo_command_for_network_update (NULL, "default", "dns-host", VIREO_NETWORK_UPDATE_COMMAND_DELETE,
                                      "<host ip='10.0.0.2'/>", TRUE, FALSE);

  g_assert_cmpstr (start, ==, "virsh -c qemu:///system net-start default");
  g_assert_cmpstr (stop, ==, "virsh net-destroy 'lab net'");
  g_assert_cmpstr (on, ==, "virsh -c qemu:///system net-autostart default");
  g_assert_cmpstr (off, ==, "virsh -c qemu:///system net-autostart --disable default");
  g_assert_cmpstr (undefine, ==, "virsh net-undefine old");
  g_assert_cmpstr (dump, ==, "virsh net-dumpxml default");
  g_assert_cmpstr (leases, ==, "virsh net-dhcp-leases default");
  g_assert_cmpstr (list, ==, "virsh -c qemu+ssh://root@kvm1/system net-list --all");
  /* A name is never a shell command, whatever it holds. */
  g_assert_cmpstr (define, ==, "virsh net-define 'lab;rm.xml'");
  g_assert_cmpstr (update, ==, "virsh -c qemu:///system net-update default add-last ip-dhcp-host "
                               "'<host mac=\"52:54:00:aa:00:01\" ip=\"192.168.122.5\"/>' --live --config");
  g_assert_cmpstr (remove, ==, "virsh net-update default delete dns-host '<host ip='\\''10.0.0.2'\\''/>' --live");
}

static void
test_host_command_lines (void)
{
  g_autofree char *info = vireo_command_for_host ("qemu:///system", VIREO_HOST_COMMAND_NODEINFO);
  g_autofree char *cpu = vireo_command_for_host ("qemu+ssh://root@kvm1/system", VIREO_HOST_COMMAND_NODECPUSTATS);
  g_autofree char *mem = vireo_command_for_host ("qemu:///system?socket=/run/x y/sock", VIREO_HOST_COMMAND_NODEMEMSTATS);
  g_autofree char *bare = vireo_command_for_host (NULL, VIREO_HOST_COMMAND_HOSTNAME);
  g_autofree char *version = vireo_command_for_host ("test:///default", VIREO_HOST_COMMAND_VERSION);
  g_autofree char *caps = vireo_command_for_host ("lxc:///", VIREO_HOST_COMMAND_CAPABILITIES);
  g_autofree char *ifaces = vireo_command_for_host ("qemu:///system", VIREO_HOST_COMMAND_IFACE_LIST);

  g_assert_cmpstr (info, ==, "virsh -c qemu:///system nodeinfo");
  g_assert_cmpstr (cpu, ==, "virsh -c qemu+ssh://root@kvm1/system nodecpustats --percent");
  /* A URI with shell characters is quoted so the line can be pasted. */
  g_assert_cmpstr (mem, ==, "virsh -c 'qemu:///system?socket=/run/x y/sock' nodememstats");
  g_assert_cmpstr (bare, ==, "virsh hostname");
  g_assert_cmpstr (version, ==, "virsh -c test:///default version");
  g_assert_cmpstr (caps, ==, "virsh -c lxc:/// capabilities");
  g_assert_cmpstr (ifaces, ==, "virsh -c qemu:///system iface-list --all");
}


/* The lines of @after that are not in @before and the other way round, by
 * longest common subsequence: "only this line changed" made checkable. */
static void
diff_lines (const char  *before,
            const char  *after,
            GPtrArray  **removed,
            GPtrArray  **added)
{
  g_auto(GStrv) a = g_strsplit (before, "\n", -1);
  g_auto(GStrv) b = g_strsplit (after, "\n", -1);
  guint n = g_strv_length (a), m = g_strv_length (b);
  g_autofree guint *lcs = g_new0 (guint, (n + 1) * (m + 1));
  guint i, j;

#define L(x, y) lcs[(x) * (m + 1) + (y)]
  for (i = n; i-- > 0;)
    for (j = m; j-- > 0;)
      L (i, j) = g_str_equal (a[i], b[j]) ? L (i + 1, j + 1) + 1 : MAX (L (i + 1, j), L (i, j + 1));

  *removed = g_ptr_array_new_with_free_func (g_free);
  *added = g_ptr_array_new_with_free_func (g_free);
  i = j = 0;
  while (i < n && j < m)
    {
      if (g_str_equal (a[i], b[j]))
        i++, j++;
      else if (L (i + 1, j) >= L (i, j + 1))
        g_ptr_array_add (*removed, g_strdup (a[i++]));
      else
        g_ptr_array_add (*added, g_strdup (b[j++]));
    }
  while (i < n)
    g_ptr_array_add (*removed, g_strdup (a[i++]));
  while (j < m)
    g_ptr_array_add (*added, g_strdup (b[j++]));
#undef L
}

static char *snapshot_text;

static void
snapshot (VireoDomainConfig *config)
{
  g_free (snapshot_text);
  snapshot_text = vireo_domain_config_to_xml (config);
}

static void
assert_changed (VireoDomainConfig  *config,
                const char * const *want_removed,
                const char * const *want_added)
{
  g_autofree char *after = vireo_domain_config_to_xml (config);
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GPtrArray) added = NULL;

  diff_lines (snapshot_text, after, &removed, &added);
  g_ptr_array_add (removed, NULL);
  g_ptr_array_add (added, NULL);
  g_assert_cmpstrv ((char **) removed->pdata, want_removed);
  g_assert_cmpstrv ((char **) added->pdata, want_added);
  snapshot (config);
}

static VireoDevice *
device_at (VireoDomainConfig *config,
           guint              position)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autoptr(VireoDevice) device = g_list_model_get_item (devices, position);

  /* The config keeps it alive. */
  return device;
}

static void
on_changed (VireoDomainConfig *config,
            guint             *count)
{
  (*count)++;
}

static void
test_disk_edits_touch_one_line (void)
{
  g_autofree char *xml = load_fixture ("domain-full.xml");
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (xml, NULL);
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  VireoDisk *vda, *vdb, *cdrom;
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 5);
  vda = VIREO_DISK (device_at (config, 0));
  vdb = VIREO_DISK (device_at (config, 1));
  cdrom = VIREO_DISK (device_at (config, 2));
  g_assert_true (VIREO_IS_GRAPHICS (device_at (config, 4)));
  {
    g_autofree char *title = vireo_device_dup_title (VIREO_DEVICE (cdrom));
    g_autofree char *path = vireo_disk_dup_source_path (vda);
    g_autofree char *format = vireo_disk_dup_format (vda);
    g_autofree char *pool = vireo_disk_dup_source_pool (vdb);
    g_assert_cmpstr (title, ==, "CD-ROM sda");
    g_assert_cmpstr (path, ==, "/var/lib/libvirt/images/full.qcow2");
    g_assert_cmpstr (format, ==, "qcow2");
    g_assert_cmpstr (pool, ==, "default");
    g_assert_true (vireo_disk_get_readonly (cdrom));
    g_assert_true (vireo_disk_get_shareable (vdb));
  }

  snapshot (config);
  /* An attribute joins an element that has others: one line changes. */
  vireo_disk_set_cache (vda, "none");
  assert_changed (config,
                  (const char *[]) { "      <driver name=\"qemu\" type=\"qcow2\" discard=\"unmap\"/>", NULL },
                  (const char *[]) { "      <driver name=\"qemu\" type=\"qcow2\" discard=\"unmap\" cache=\"none\"/>", NULL });
  g_assert_cmpuint (changed, ==, 1);
  /* Setting what is already there changes nothing, not even a signal. */
  vireo_disk_set_cache (vda, "none");
  g_assert_cmpuint (changed, ==, 1);

  /* A flag becomes a line of its own, indented like its siblings. */
  vireo_disk_set_readonly (vda, TRUE);
  assert_changed (config, (const char *[]) { NULL },
                  (const char *[]) { "      <readonly/>", NULL });
  vireo_disk_set_readonly (vda, FALSE);
  assert_changed (config, (const char *[]) { "      <readonly/>", NULL }, (const char *[]) { NULL });

  /* Eject: the <source> line goes, the rest of the CD-ROM stays. */
  vireo_disk_set_source_file (cdrom, NULL);
  assert_changed (config, (const char *[]) { "      <source file=\"/isos/debian.iso\"/>", NULL },
                  (const char *[]) { NULL });
  vireo_disk_set_source_file (cdrom, "/isos/other & new.iso");
  assert_changed (config, (const char *[]) { NULL },
                  (const char *[]) { "      <source file=\"/isos/other &amp; new.iso\"/>", NULL });

  /* File to volume: the type and the source attributes, nothing else. */
  vireo_disk_set_source_volume (vda, "fast", "vda.qcow2");
  assert_changed (config,
                  (const char *[]) { "    <disk type=\"file\" device=\"disk\">",
                                     "      <source file=\"/var/lib/libvirt/images/full.qcow2\"/>", NULL },
                  (const char *[]) { "    <disk type=\"volume\" device=\"disk\">",
                                     "      <source pool=\"fast\" volume=\"vda.qcow2\"/>", NULL });

  /* Boot order and serial: new child lines. */
  vireo_device_set_boot_order (VIREO_DEVICE (vdb), 1);
  g_assert_cmpint (vireo_device_get_boot_order (VIREO_DEVICE (vdb)), ==, 1);
  vireo_disk_set_serial (vdb, "DATA-01");
  assert_changed (config, (const char *[]) { NULL },
                  (const char *[]) { "      <boot order=\"1\"/>", "      <serial>DATA-01</serial>", NULL });
  vireo_device_set_boot_order (VIREO_DEVICE (vdb), 0);
  assert_changed (config, (const char *[]) { "      <boot order=\"1\"/>", NULL }, (const char *[]) { NULL });
  g_assert_cmpuint (changed, ==, 9);
  g_clear_pointer (&snapshot_text, g_free);
}

static void
test_interface_and_graphics_edits (void)
{
  const char *xml =
    "<domain type='qemu'>\n"
    "  <name>nic</name>\n"
    "  <devices>\n"
    "    <interface type='network'>\n"
    "      <mac address='52:54:00:aa:bb:cc'/>\n"
    "      <source network='default' portgroup='lab'/>\n"
    "      <model type='virtio'/>\n"
    "      <vireo-future knob='1'/>\n"
    "    </interface>\n"
    "    <graphics type='spice' autoport='yes'>\n"
    "      <listen type='address' address='127.0.0.1'/>\n"
    "    </graphics>\n"
    "  </devices>\n"
    "</domain>\n";
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (xml, NULL);
  VireoInterface *nic = VIREO_INTERFACE (device_at (config, 0));
  VireoGraphics *display = VIREO_GRAPHICS (device_at (config, 1));

  {
    g_autofree char *title = vireo_device_dup_title (VIREO_DEVICE (nic));
    g_autofree char *source = vireo_interface_dup_source (nic);
    g_assert_cmpstr (title, ==, "NIC 52:54:00:aa:bb:cc");
    g_assert_cmpstr (source, ==, "default");
  }

  snapshot (config);
  /* Same type: the portgroup stays. */
  vireo_interface_set_source (nic, "network", "isolated", NULL);
  assert_changed (config, (const char *[]) { "      <source network=\"default\" portgroup=\"lab\"/>", NULL },
                  (const char *[]) { "      <source network=\"isolated\" portgroup=\"lab\"/>", NULL });
  /* Another type: <source> starts over; the unknown element stays put. */
  vireo_interface_set_source (nic, "direct", "eth0", "bridge");
  {
    g_autofree char *out = vireo_domain_config_to_xml (config);
    assert_contains (out, "<interface type=\"direct\">");
    assert_contains (out, "<source dev=\"eth0\" mode=\"bridge\"/>");
    assert_contains (out, "      <vireo-future knob=\"1\"/>");
    g_assert_null (strstr (out, "portgroup"));
  }
  snapshot (config);
  vireo_interface_set_link_up (nic, FALSE);
  assert_changed (config, (const char *[]) { NULL }, (const char *[]) { "      <link state=\"down\"/>", NULL });
  g_assert_false (vireo_interface_get_link_up (nic));

  g_assert_true (vireo_interface_mac_is_valid ("52:54:00:12:34:56"));
  g_assert_false (vireo_interface_mac_is_valid ("01:00:5e:00:00:01"));   /* multicast */
  g_assert_false (vireo_interface_mac_is_valid ("52:54:00:12:34"));
  g_assert_false (vireo_interface_mac_is_valid ("52-54-00-12-34-56"));
  {
    g_autofree char *mac = vireo_interface_generate_mac ();
    g_assert_true (vireo_interface_mac_is_valid (mac));
    g_assert_true (g_str_has_prefix (mac, "52:54:00:"));
  }

  /* Graphics: listen only through libvirt, then a fixed port. */
  g_assert_cmpint (vireo_graphics_get_port (display), ==, -1);
  vireo_graphics_set_listen (display, "none", NULL);
  assert_changed (config, (const char *[]) { "      <listen type=\"address\" address=\"127.0.0.1\"/>", NULL },
                  (const char *[]) { "      <listen type=\"none\"/>", NULL });
  vireo_graphics_set_port (display, 5905);
  g_assert_cmpint (vireo_graphics_get_port (display), ==, 5905);
  g_clear_pointer (&snapshot_text, g_free);
}

static void
test_add_remove_and_edit_devices (void)
{
  g_autofree char *xml = load_fixture ("domain-full.xml");
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (xml, NULL);
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDevice) removed = NULL;
  VireoDevice *added;

  snapshot (config);
  /* A new disk lands after the last disk, indented like them, from text
   * written at column 0. */
  added = vireo_domain_config_add_device (config,
                                          "<disk type='file' device='disk'>\n"
                                          "  <source file='/img/new.raw'/>\n"
                                          "  <target dev='vdd' bus='virtio'/>\n"
                                          "</disk>", &error);
  g_assert_no_error (error);
  g_assert_true (VIREO_IS_DISK (added));
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 6);
  g_assert_true (device_at (config, 4) == added);
  assert_changed (config, (const char *[]) { NULL },
                  (const char *[]) { "    <disk type=\"file\" device=\"disk\">",
                                     "      <source file=\"/img/new.raw\"/>",
                                     "      <target dev=\"vdd\" bus=\"virtio\"/>",
                                     "    </disk>", NULL });

  /* Removing it gives the exact document back. */
  vireo_domain_config_remove_device (config, added);
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 5);
  assert_changed (config,
                  (const char *[]) { "    <disk type=\"file\" device=\"disk\">",
                                     "      <source file=\"/img/new.raw\"/>",
                                     "      <target dev=\"vdd\" bus=\"virtio\"/>",
                                     "    </disk>", NULL },
                  (const char *[]) { NULL });

  /* Not a device, or not well-formed: refused, the document untouched. */
  g_assert_null (vireo_domain_config_add_device (config, "<name>x</name>", &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (vireo_domain_config_add_device (config, "<disk><target dev='x'/>", &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Line"));
  g_clear_error (&error);
  assert_changed (config, (const char *[]) { NULL }, (const char *[]) { NULL });

  /* A device's own XML, edited as text, replaces it in place. */
  {
    VireoDevice *cdrom = device_at (config, 2);
    g_autofree char *text = vireo_device_to_xml (cdrom);

    g_assert_true (g_str_has_prefix (text, "<disk type=\"file\" device=\"cdrom\">\n  <source"));
    g_assert_true (vireo_device_set_xml (cdrom,
                                         "<disk type='file' device='cdrom'>\n"
                                         "  <target dev='sda' bus='sata'/>\n"
                                         "  <readonly/>\n"
                                         "</disk>", &error));
    g_assert_no_error (error);
    assert_changed (config, (const char *[]) { "      <source file=\"/isos/debian.iso\"/>", NULL },
                    (const char *[]) { NULL });
    g_assert_false (vireo_device_set_xml (cdrom, "<interface type='user'/>", &error));
    g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
    g_clear_error (&error);
  }

  /* A device removed while an editor holds it is detached, not dangling. */
  removed = g_object_ref (device_at (config, 3));
  vireo_domain_config_remove_device (config, removed);
  g_assert_false (vireo_device_get_attached (removed));
  g_assert_null (vireo_device_get_config (removed));
  {
    g_autofree char *out = vireo_domain_config_to_xml (config);
    assert_contains (out, "<qemu:arg value=\"-newarg\"/>");
    assert_contains (out, "<vireo-test:keep");
  }
  g_clear_pointer (&snapshot_text, g_free);
}

static void
test_domain_fields (void)
{
  const char *xml =
    "<domain type='kvm'>\n"
    "  <name>fields</name>\n"
    "  <memory unit='GiB'>2</memory>\n"
    "  <currentMemory unit='MiB'>1024</currentMemory>\n"
    "  <vcpu placement='static' current='2'>4</vcpu>\n"
    "  <os firmware='efi'>\n"
    "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n"
    "  </os>\n"
    "  <devices>\n"
    "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
    "  </devices>\n"
    "</domain>\n";
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (xml, NULL);
  g_autofree char *arch = vireo_domain_config_dup_arch (config);
  g_autofree char *machine = vireo_domain_config_dup_machine (config);
  g_autofree char *firmware = vireo_domain_config_dup_firmware (config);
  g_autofree char *emulator = vireo_domain_config_dup_emulator (config);

  g_assert_cmpuint (vireo_domain_config_get_memory_kib (config), ==, 2097152);
  g_assert_cmpuint (vireo_domain_config_get_current_memory_kib (config), ==, 1048576);
  g_assert_cmpuint (vireo_domain_config_get_vcpus (config), ==, 2);
  g_assert_cmpuint (vireo_domain_config_get_vcpus_max (config), ==, 4);
  g_assert_cmpstr (arch, ==, "x86_64");
  g_assert_cmpstr (machine, ==, "pc-q35-7.2");
  g_assert_cmpstr (firmware, ==, "efi");
  g_assert_cmpstr (emulator, ==, "/usr/bin/qemu-system-x86_64");
  g_assert_cmpstr (vireo_domain_config_get_domain_type (config), ==, "kvm");

  snapshot (config);
  /* The maximum stays as written when only the current amount moves. */
  vireo_domain_config_set_memory_kib (config, 2097152, 1572864);
  assert_changed (config, (const char *[]) { "  <currentMemory unit=\"MiB\">1024</currentMemory>", NULL },
                  (const char *[]) { "  <currentMemory unit=\"KiB\">1572864</currentMemory>", NULL });
  vireo_domain_config_set_vcpus (config, 4, 4);
  assert_changed (config, (const char *[]) { "  <vcpu placement=\"static\" current=\"2\">4</vcpu>", NULL },
                  (const char *[]) { "  <vcpu placement=\"static\">4</vcpu>", NULL });
  vireo_domain_config_set_cpu_mode (config, "host-passthrough");
  assert_changed (config, (const char *[]) { NULL },
                  (const char *[]) { "  <cpu mode=\"host-passthrough\"/>", NULL });
  g_clear_pointer (&snapshot_text, g_free);
}


static void
test_config_change_commands (void)
{
  g_autofree char *xml = load_fixture ("domain-full.xml");
  g_autoptr(VireoDomainConfig) before = vireo_domain_config_new_from_xml (xml, NULL);
  g_autoptr(VireoDomainConfig) after = vireo_domain_config_copy (before);
  g_auto(GStrv) none = vireo_command_for_config_changes ("qemu:///system", before, after);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) with_disk = NULL;

  g_assert_cmpuint (g_strv_length (none), ==, 0);

  /* Fields virsh has a command for get that command, nothing more. */
  vireo_domain_config_set_title (after, "Build box");
  vireo_domain_config_set_memory_kib (after, 4194304, 4194304);
  vireo_domain_config_set_vcpus (after, 2, 8);
  lines = vireo_command_for_config_changes ("qemu:///system", before, after);
  g_assert_cmpstrv (lines, ((const char *[]) {
    "virsh -c qemu:///system desc full --config --title 'Build box'",
    "virsh -c qemu:///system setmaxmem full 4194304KiB --config",
    "virsh -c qemu:///system setmem full 4194304KiB --config",
    "virsh -c qemu:///system setvcpus full 8 --config --maximum",
    NULL }));

  /* Anything else is the define of the edited document. */
  {
    g_autoptr(GListModel) devices = vireo_domain_config_list_devices (after);
    g_autoptr(VireoDevice) vda = g_list_model_get_item (devices, 0);

    vireo_disk_set_cache (VIREO_DISK (vda), "none");
  }
  with_disk = vireo_command_for_config_changes (NULL, before, after);
  g_assert_cmpuint (g_strv_length (with_disk), ==, 6);
  g_assert_cmpstr (with_disk[4], ==, "virsh dumpxml full --inactive --security-info > full.xml");
  g_assert_cmpstr (with_disk[5], ==, "virsh define full.xml");

  /* A rename leads, and what follows names the machine by its new name;
   * a rename alone needs no define. */
  {
    g_autoptr(VireoDomainConfig) renamed = vireo_domain_config_copy (before);
    g_auto(GStrv) rename_only = NULL;
    g_auto(GStrv) rename_more = NULL;

    vireo_domain_config_set_name (renamed, "web 2");
    rename_only = vireo_command_for_config_changes (NULL, before, renamed);
    g_assert_cmpstrv (rename_only, ((const char *[]) { "virsh domrename full 'web 2'", NULL }));
    vireo_domain_config_set_vcpus (renamed, 1, 2);
    rename_more = vireo_command_for_config_changes (NULL, before, renamed);
    g_assert_cmpstr (rename_more[0], ==, "virsh domrename full 'web 2'");
    g_assert_true (g_str_has_prefix (rename_more[1], "virsh setvcpus 'web 2' "));
  }
}


static void
test_removal_guards (void)
{
  const char *xml =
    "<domain type='kvm'>\n"
    "  <name>guards</name>\n"
    "  <devices>\n"
    "    <controller type='usb' index='0' model='qemu-xhci'/>\n"
    "    <controller type='sata' index='0'/>\n"
    "    <controller type='scsi' index='0' model='virtio-scsi'/>\n"
    "    <controller type='pci' index='0' model='pcie-root'/>\n"
    "    <disk type='file' device='cdrom'>\n"
    "      <target dev='sda' bus='sata'/>\n"
    "      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n"
    "    </disk>\n"
    "    <input type='tablet' bus='usb'/>\n"
    "    <graphics type='vnc'/>\n"
    "    <video><model type='virtio'/></video>\n"
    "  </devices>\n"
    "</domain>\n";
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (xml, NULL);
  g_autofree char *usb = vireo_domain_config_dup_removal_refusal (config, device_at (config, 0));
  g_autofree char *sata = vireo_domain_config_dup_removal_refusal (config, device_at (config, 1));
  g_autofree char *scsi = vireo_domain_config_dup_removal_refusal (config, device_at (config, 2));
  g_autofree char *root = vireo_domain_config_dup_removal_refusal (config, device_at (config, 3));
  g_autofree char *cdrom = vireo_domain_config_dup_removal_refusal (config, device_at (config, 4));
  g_autofree char *video = vireo_domain_config_dup_removal_refusal (config, device_at (config, 7));
  g_autofree char *video_after = NULL;

  /* Controllers with something on them, the PCI root, the last video of a
   * machine with a display: refused, with the reason. */
  g_assert_nonnull (usb);
  assert_contains (usb, "1 device is still attached");
  g_assert_nonnull (sata);
  g_assert_null (scsi);
  g_assert_nonnull (root);
  g_assert_null (cdrom);
  g_assert_nonnull (video);
  assert_contains (video, "display");

  /* Without the display the video may go. */
  vireo_domain_config_remove_device (config, device_at (config, 6));
  video_after = vireo_domain_config_dup_removal_refusal (config, device_at (config, 6));
  g_assert_null (video_after);
}


static void
test_foreign_and_hostile_documents (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (
    "<domain xmlns:x='urn:x'><x:title>foreign</x:title><name>n</name><title>mine</title></domain>", &error);
  g_autofree char *out = NULL;

  /* Another app's <x:title> is not the title, and an edit leaves it be. */
  g_assert_no_error (error);
  g_assert_cmpstr (vireo_domain_config_get_title (config), ==, "mine");
  vireo_domain_config_set_title (config, "new");
  out = vireo_domain_config_to_xml (config);
  assert_contains (out, "<x:title>foreign</x:title>");
  assert_contains (out, "<title>new</title>");

  /* A DOCTYPE can only bring entities; libvirt never writes one. */
  g_assert_null (vireo_domain_config_new_from_xml (
    "<!DOCTYPE domain [<!ENTITY a 'aaaaaaaa'>]><domain><name>&a;</name></domain>", &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
}

static const char live_before[] =
  "<domain type='qemu'>\n"
  "  <name>live</name>\n"
  "  <uuid>7d3bbf3e-4d38-4a5b-9a39-4a8d1b1f0c11</uuid>\n"
  "  <memory unit='KiB'>2097152</memory>\n"
  "  <currentMemory unit='KiB'>1048576</currentMemory>\n"
  "  <vcpu placement='static' current='1'>4</vcpu>\n"
  "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
  "  <devices>\n"
  "    <disk type='file' device='disk'>\n"
  "      <source file='/images/a.qcow2'/>\n"
  "      <target dev='vda' bus='virtio'/>\n"
  "    </disk>\n"
  "    <disk type='file' device='cdrom'>\n"
  "      <source file='/isos/install.iso'/>\n"
  "      <target dev='sda' bus='sata'/>\n"
  "      <readonly/>\n"
  "    </disk>\n"
  "    <interface type='network'>\n"
  "      <mac address='52:54:00:00:00:0a'/>\n"
  "      <source network='default'/>\n"
  "    </interface>\n"
  "    <video><model type='virtio'/></video>\n"
  "  </devices>\n"
  "</domain>\n";

static VireoDevice *
nth_device_of (VireoDomainConfig *config,
               const char        *element,
               guint              nth)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);

      if (g_strcmp0 (vireo_device_get_element_name (device), element) == 0 && nth-- == 0)
        return device;
    }
  return NULL;
}

static void
test_device_identity (void)
{
  g_autoptr(VireoDomainConfig) before = vireo_domain_config_new_from_xml (live_before, NULL);
  g_autoptr(VireoDomainConfig) after = vireo_domain_config_copy (before);
  VireoDevice *nic;

  /* Disks are their target, wherever they stand: with vda gone, the
   * CD-ROM is the first disk of one and the second of the other. */
  vireo_domain_config_remove_device (after, nth_device_of (after, "disk", 0));
  g_assert_nonnull (vireo_domain_config_add_device (after,
    "<disk type='file' device='disk'><source file='/images/b.qcow2'/><target dev='vdb' bus='virtio'/></disk>", NULL));
  g_assert_true (vireo_domain_config_find_device_like (after, nth_device_of (before, "disk", 1))
                 == nth_device_of (after, "disk", 0));
  g_assert_null (vireo_domain_config_find_device_like (after, nth_device_of (before, "disk", 0)));
  g_assert_null (vireo_domain_config_find_device_like (before, nth_device_of (after, "disk", 1)));

  /* NICs are who their MAC says; one without a MAC yet is nobody. */
  nic = vireo_domain_config_add_device (after, "<interface type='network'><source network='isolated'/></interface>", NULL);
  g_assert_null (vireo_domain_config_find_device_like (before, nic));
  g_assert_true (vireo_domain_config_find_device_like (before, nth_device_of (after, "interface", 0))
                 == nth_device_of (before, "interface", 0));
  g_assert_true (vireo_domain_config_find_device_like (after, nth_device_of (before, "video", 0))
                 == nth_device_of (after, "video", 0));
}

static void
test_live_changes (void)
{
  g_autoptr(VireoDomainConfig) before = vireo_domain_config_new_from_xml (live_before, NULL);
  g_autoptr(VireoDomainConfig) after = vireo_domain_config_copy (before);
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *line = NULL;
  VireoLiveChange *c;

  /* Nothing edited: nothing to do live. */
  changes = vireo_live_changes_between (before, after);
  g_assert_cmpuint (changes->len, ==, 0);
  g_clear_pointer (&changes, g_ptr_array_unref);

  vireo_domain_config_remove_device (after, nth_device_of (after, "interface", 0));
  g_assert_nonnull (vireo_domain_config_add_device (after,
    "<interface type='network'><mac address='52:54:00:00:00:0b'/><source network='isolated'/></interface>", NULL));
  vireo_disk_set_source_file (VIREO_DISK (nth_device_of (after, "disk", 1)), NULL);   /* eject */
  vireo_disk_set_cache (VIREO_DISK (nth_device_of (after, "disk", 0)), "none");        /* boot only */
  g_assert_nonnull (vireo_domain_config_add_device (after, "<sound model='ich9'/>", NULL));  /* boot only */
  g_assert_nonnull (vireo_domain_config_add_device (after,
    "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>", NULL));
  vireo_domain_config_set_memory_kib (after, 4194304, 1572864);   /* max: boot only */
  vireo_domain_config_set_vcpus (after, 3, 4);
  vireo_domain_config_set_title (after, "Renamed now");

  changes = vireo_live_changes_between (before, after);
  g_assert_cmpuint (changes->len, ==, 7);

  c = changes->pdata[0];
  g_assert_cmpint (c->kind, ==, VIREO_LIVE_DETACH);
  assert_contains (c->xml, "52:54:00:00:00:0a");
  c = changes->pdata[1];
  g_assert_cmpint (c->kind, ==, VIREO_LIVE_UPDATE);
  assert_contains (c->xml, "<target dev=\"sda\"");
  g_assert_null (strstr (c->xml, "install.iso"));
  c = changes->pdata[2];
  g_assert_cmpint (c->kind, ==, VIREO_LIVE_ATTACH);
  assert_contains (c->xml, "52:54:00:00:00:0b");
  c = changes->pdata[3];
  g_assert_cmpint (c->kind, ==, VIREO_LIVE_ATTACH);
  assert_contains (c->xml, "<rng model=\"virtio\">");
  c = changes->pdata[4];
  g_assert_cmpint (c->kind, ==, VIREO_LIVE_MEMORY);
  g_assert_cmpuint (c->value, ==, 1572864);
  c = changes->pdata[5];
  g_assert_cmpint (c->kind, ==, VIREO_LIVE_VCPUS);
  g_assert_cmpuint (c->value, ==, 3);
  c = changes->pdata[6];
  g_assert_cmpint (c->kind, ==, VIREO_LIVE_TITLE);
  g_assert_cmpstr (c->text, ==, "Renamed now");

  line = vireo_live_change_to_command (changes->pdata[2], "qemu:///system", "live");
  assert_contains (line, "virsh -c qemu:///system attach-device live /dev/stdin --live <<'EOF'\n<interface");
  g_assert_true (g_str_has_suffix (line, "</interface>\nEOF"));
  g_clear_pointer (&line, g_free);
  line = vireo_live_change_to_command (changes->pdata[4], NULL, "live");
  g_assert_cmpstr (line, ==, "virsh setmem live 1572864KiB --live");
  g_clear_pointer (&line, g_free);
  line = vireo_live_change_to_command (changes->pdata[6], NULL, "my vm");
  g_assert_cmpstr (line, ==, "virsh desc 'my vm' --live --title 'Renamed now'");
  g_clear_pointer (&changes, g_ptr_array_unref);

  /* A NIC's link goes live; its model does not, and is not even tried. */
  {
    g_autoptr(VireoDomainConfig) base = vireo_domain_config_new_from_xml (live_before, NULL);
    g_autoptr(VireoDomainConfig) link = vireo_domain_config_copy (base);
    g_autoptr(VireoDomainConfig) model = vireo_domain_config_copy (base);
    g_autoptr(GPtrArray) link_changes = NULL;
    g_autoptr(GPtrArray) model_changes = NULL;

    vireo_interface_set_link_up (VIREO_INTERFACE (nth_device_of (link, "interface", 0)), FALSE);
    link_changes = vireo_live_changes_between (base, link);
    g_assert_cmpuint (link_changes->len, ==, 1);
    g_assert_cmpint (((VireoLiveChange *) link_changes->pdata[0])->kind, ==, VIREO_LIVE_UPDATE);
    vireo_interface_set_model (VIREO_INTERFACE (nth_device_of (model, "interface", 0)), "e1000e");
    model_changes = vireo_live_changes_between (base, model);
    g_assert_cmpuint (model_changes->len, ==, 0);
  }

  /* A SCSI controller hot-plugs; a USB one exists from boot only. */
  {
    g_autoptr(VireoDomainConfig) base = vireo_domain_config_new_from_xml (live_before, NULL);
    g_autoptr(VireoDomainConfig) more = vireo_domain_config_copy (base);
    g_autoptr(GPtrArray) plugs = NULL;

    g_assert_nonnull (vireo_domain_config_add_device (more, "<controller type='scsi' index='0' model='virtio-scsi'/>", NULL));
    g_assert_nonnull (vireo_domain_config_add_device (more, "<controller type='usb' index='0' model='qemu-xhci'/>", NULL));
    plugs = vireo_live_changes_between (base, more);
    g_assert_cmpuint (plugs->len, ==, 1);
    assert_contains (((VireoLiveChange *) plugs->pdata[0])->xml, "type=\"scsi\"");
  }

  /* More vCPUs or memory than the running guest's maximum: next boot. */
  vireo_domain_config_set_vcpus (after, 6, 8);
  vireo_domain_config_set_memory_kib (after, 4194304, 3145728);
  changes = vireo_live_changes_between (before, after);
  for (guint i = 0; i < changes->len; i++)
    {
      c = changes->pdata[i];
      g_assert_cmpint (c->kind, !=, VIREO_LIVE_VCPUS);
      g_assert_cmpint (c->kind, !=, VIREO_LIVE_MEMORY);
    }
}

/* What the Consoles menu offers: pty serial ports and consoles by the
 * name virDomainOpenConsole takes, the serial port's second name once. */
static void
test_text_consoles (void)
{
  static const char live[] =
    "<domain type='qemu'><name>t</name><devices>"
    "<serial type='pty'><target type='isa-serial' port='0'/><alias name='serial0'/></serial>"
    "<serial type='file'><source path='/tmp/log'/><target port='1'/><alias name='serial1'/></serial>"
    "<serial type='pty'><target port='2'/><alias name='ua-debug'/></serial>"
    "<console type='pty'><target type='serial' port='0'/><alias name='serial0'/></console>"
    "<console type='pty'><target type='virtio' port='1'/><alias name='console1'/></console>"
    "<console type='unix'><source mode='bind' path='/tmp/s'/><target type='virtio' port='2'/></console>"
    "<graphics type='vnc'/>"
    "</devices></domain>";
  static const char inactive[] =
    "<domain type='qemu'><name>t</name><devices>"
    "<console type='pty'><target type='virtio'/></console>"
    "<serial type='pty'/>"
    "<console type='pty'><target type='serial'/></console>"
    "</devices></domain>";
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (live, &error);
  g_autoptr(GPtrArray) consoles = NULL;
  VireoTextConsole *c;

  g_assert_no_error (error);
  consoles = vireo_domain_config_list_text_consoles (config);
  g_assert_cmpuint (consoles->len, ==, 3);
  c = consoles->pdata[0];
  g_assert_cmpstr (c->dev_name, ==, "serial0");
  g_assert_cmpstr (c->label, ==, "Serial Port 1");
  c = consoles->pdata[1];
  g_assert_cmpstr (c->dev_name, ==, "ua-debug");
  g_assert_cmpstr (c->label, ==, "Serial Port 3");
  c = consoles->pdata[2];
  g_assert_cmpstr (c->dev_name, ==, "console1");
  g_assert_cmpstr (c->label, ==, "Text Console 1");

  /* Without aliases, libvirt's own names; a virtio console listed first
   * is not the serial port's twin. */
  g_clear_object (&config);
  g_clear_pointer (&consoles, g_ptr_array_unref);
  config = vireo_domain_config_new_from_xml (inactive, &error);
  g_assert_no_error (error);
  consoles = vireo_domain_config_list_text_consoles (config);
  g_assert_cmpuint (consoles->len, ==, 2);
  c = consoles->pdata[0];
  g_assert_cmpstr (c->dev_name, ==, "console0");
  g_assert_cmpstr (c->label, ==, "Text Console 1");
  c = consoles->pdata[1];
  g_assert_cmpstr (c->dev_name, ==, "serial0");

  /* A machine with no serial port at all lists nothing. */
  g_clear_object (&config);
  g_clear_pointer (&consoles, g_ptr_array_unref);
  config = vireo_domain_config_new_from_xml ("<domain type='qemu'><name>t</name><devices/></domain>", &error);
  g_assert_no_error (error);
  consoles = vireo_domain_config_list_text_consoles (config);
  g_assert_cmpuint (consoles->len, ==, 0);
}

/* Moving a NIC to another network keeps the card: model, MAC, filters
 * and boot order go with it; only the wire changes. */
static void
test_nic_move (void)
{
  const char *xml =
    "<domain type='kvm'><name>web</name><devices>"
    "<interface type='bridge'><mac address='52:54:00:AA:00:01'/><source bridge='br0'/>"
    "<model type='e1000'/><filterref filter='clean-traffic'/><boot order='2'/></interface>"
    "<interface type='network'><mac address='52:54:00:aa:00:02'/><source network='default' portgroup='x'/>"
    "</interface></devices></domain>";
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = vireo_interface_dup_moved_xml (xml, "52:54:00:aa:00:01", "isolated", &error);
  g_autofree char *same_type = vireo_interface_dup_moved_xml (xml, "52:54:00:AA:00:02", "lab", NULL);
  g_autofree char *missing = NULL;
  g_autofree char *line = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (moved, "type=\"network\""));
  g_assert_nonnull (strstr (moved, "<source network=\"isolated\"/>"));
  g_assert_null (strstr (moved, "bridge="));
  g_assert_nonnull (strstr (moved, "e1000"));
  g_assert_nonnull (strstr (moved, "clean-traffic"));
  g_assert_nonnull (strstr (moved, "order=\"2\""));
  /* Same type: the rest of <source> stays. */
  g_assert_nonnull (strstr (same_type, "network=\"lab\""));
  g_assert_nonnull (strstr (same_type, "portgroup"));

  missing = vireo_interface_dup_moved_xml (xml, "52:54:00:ff:ff:ff", "lab", &error);
  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  line = vireo_command_for_device_update ("qemu:///system", "my vm", "<interface/>", TRUE, TRUE);
  g_assert_cmpstr (line, ==, "virsh -c qemu:///system update-device 'my vm' /dev/stdin --live --config <<'EOF'\n"
                             "<interface/>\nEOF");
  g_clear_pointer (&line, g_free);
  line = vireo_command_for_device_update (NULL, "web", "<interface/>", FALSE, TRUE);
  g_assert_cmpstr (line, ==, "virsh update-device web /dev/stdin --config <<'EOF'\n<interface/>\nEOF");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/domain/parse", test_parse_fields);
  g_test_add_func ("/model/domain/round-trip-keeps-unknown", test_round_trip_keeps_unknown);
  g_test_add_func ("/model/domain/parse-errors", test_parse_errors);
  g_test_add_func ("/model/command/lines", test_command_lines);
  g_test_add_func ("/model/command/save-lines", test_save_command_lines);
  g_test_add_func ("/model/uri/round-trips", test_uri_round_trips);
  g_test_add_func ("/model/uri/fields", test_uri_fields);
  g_test_add_func ("/model/uri/field-errors", test_uri_field_errors);
  g_test_add_func ("/model/command/host-lines", test_host_command_lines);
  g_test_add_func ("/model/command/network-lines", test_network_command_lines);
  g_test_add_func ("/model/device/disk-edits-touch-one-line", test_disk_edits_touch_one_line);
  g_test_add_func ("/model/device/interface-and-graphics", test_interface_and_graphics_edits);
  g_test_add_func ("/model/device/add-remove-edit", test_add_remove_and_edit_devices);
  g_test_add_func ("/model/domain/fields", test_domain_fields);
  g_test_add_func ("/model/command/config-changes", test_config_change_commands);
  g_test_add_func ("/model/device/removal-guards", test_removal_guards);
  g_test_add_func ("/model/domain/foreign-and-hostile", test_foreign_and_hostile_documents);
  g_test_add_func ("/model/domain/device-identity", test_device_identity);
  g_test_add_func ("/model/live/changes", test_live_changes);
  g_test_add_func ("/model/domain/text-consoles", test_text_consoles);
  g_test_add_func ("/model/interface/move", test_nic_move);

  return g_test_run ();
}
