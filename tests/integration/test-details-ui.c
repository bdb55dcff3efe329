/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The VM window against a real TCG guest on the private libvirtd of
 * vireo-testenv.sh, under Xvfb: what the test driver cannot show. A guest
 * just started has no change waiting for its next boot (QEMU fills in pty
 * paths, aliases and addresses that the definition leaves out); its disk
 * moves onto a pool volume, which QEMU really opens at the next start;
 * and the Performance page draws disk and network, which real QEMU
 * reports. Each answer is checked through a second libvirt connection.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

#define GUEST "vireo-ui-guest"
#define POOL  "vireo-ui-pool"

static virConnectPtr direct;

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("expected to find\n  %s\nin\n  %s", needle, haystack ? haystack : "(null)");
}

static void
drain (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static char *
guest_xml (gboolean live)
{
  virDomainPtr domain = virDomainLookupByName (direct, GUEST);
  char *xml;
  char *copy;

  g_assert_nonnull (domain);
  xml = virDomainGetXMLDesc (domain, live ? 0 : VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (xml);
  copy = g_strdup (xml);
  free (xml);
  virDomainFree (domain);
  return copy;
}

static char *
pool_dir (void)
{
  return g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "ui-pool", NULL);
}

/* A directory pool with two small qcow2 volumes, and the guest of the
 * environment with a disk on the first, a user-mode NIC that QEMU reports
 * traffic for (iPXE asks for DHCP) and a balloon that reports memory. */
static void
set_up (void)
{
  g_autofree char *dir = pool_dir ();
  g_autofree char *pool_xml = NULL;
  g_autofree char *template = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *disk = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GError) error = NULL;
  virStoragePoolPtr pool;
  virDomainPtr domain;

  direct = virConnectOpen (require_env ("VIREO_TEST_URI"));
  g_assert_nonnull (direct);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  pool_xml = g_strdup_printf ("<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>", POOL, dir);
  pool = virStoragePoolCreateXML (direct, pool_xml, 0);
  g_assert_nonnull (pool);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *vol_xml = g_strdup_printf ("<volume><name>%s.qcow2</name><capacity unit='MiB'>64</capacity>"
                                                  "<target><format type='qcow2'/></target></volume>",
                                                  i == 0 ? "first" : "second");
      virStorageVolPtr vol = virStorageVolCreateXML (pool, vol_xml, 0);

      g_assert_nonnull (vol);
      virStorageVolFree (vol);
    }
  virStoragePoolFree (pool);

  g_assert_true (g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &template, NULL, &error));
  g_assert_no_error (error);
  parts = g_strsplit (template, "vireo-it-guest", 2);
  xml = g_strjoinv (GUEST, parts);
  g_clear_pointer (&parts, g_strfreev);
  disk = g_strdup_printf ("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                          "<source file='%s/first.qcow2'/><target dev='vda' bus='virtio'/></disk>"
                          "<interface type='user'><model type='e1000'/></interface>"
                          "<memballoon model='virtio'><stats period='1'/></memballoon>", dir);
  parts = g_strsplit (xml, "<memballoon model='none'/>", 2);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  g_free (xml);
  xml = g_strjoinv (disk, parts);
  g_clear_pointer (&parts, g_strfreev);
  /* The network first, so the firmware makes traffic to draw. */
  parts = g_strsplit (xml, "<boot dev='hd'/>", 2);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  g_free (xml);
  xml = g_strjoinv ("<boot dev='network'/><boot dev='hd'/>", parts);

  domain = virDomainDefineXML (direct, xml);
  g_assert_nonnull (domain);
  g_assert_cmpint (virDomainCreate (domain), ==, 0);
  virDomainFree (domain);
}

static VireoConnection *
open_vireo (void)
{
  return vireo_test_open_connection (require_env ("VIREO_TEST_URI"), 1);
}

static VireoVmWindow *
open_window (VireoConnection *conn)
{
  VireoDomain *domain = vireo_test_find_domain (conn, GUEST);
  VireoVmWindow *window;

  g_assert_nonnull (domain);
  window = vireo_vm_window_present_for (NULL, domain);
  /* A running machine's window opens on its screen; these tests are about
   * Details. */
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (vireo_test_find_descendant (GTK_WIDGET (window),
                                                                                     ADW_TYPE_VIEW_STACK)),
                                         "details");
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 30, "the configuration");
  drain ();
  return window;
}

/* Pages are named by the device's place in the definition (the emulator
 * has none): the one with a disk's rows. */
static GtkWidget *
disk_page (VireoVmWindow *window)
{
  for (guint i = 0; i < 64; i++)
    {
      g_autofree char *name = g_strdup_printf ("device-%u", i);
      GtkWidget *page = vireo_vm_window_get_page (window, name);

      if (page != NULL && vireo_test_find_named (page, "disk-source-type") != NULL
          && vireo_test_find_named (page, "disk-device") != NULL)
        return page;
    }
  g_error ("no disk page");
}

/* Fresh from a start, nothing differs between the running guest and its
 * definition; so no page may say "Next boot". */
static void
test_fresh_guest_has_nothing_pending (void)
{
  g_autoptr(VireoConnection) conn = open_vireo ();
  VireoVmWindow *window = open_window (conn);

  g_assert_cmpuint (vireo_vm_window_count_pending (window), ==, 0);
  g_assert_cmpstr (vireo_vm_window_get_pending_text (window), ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
  vireo_connection_close (conn);
}

static gboolean
host_size_in_pool (gpointer data)
{
  GtkWidget *row = vireo_test_find_named (disk_page (data), "disk-host-size");
  GtkLabel *label = row != NULL ? g_object_get_data (G_OBJECT (row), "vireo-label") : NULL;

  return label != NULL && strstr (gtk_label_get_text (label), "in pool " POOL) != NULL;
}

static gboolean
volume_rows_shown (gpointer data)
{
  GtkWidget *page = disk_page (data);
  GtkWidget *row = vireo_test_find_named (page, "disk-volume");

  if (row != NULL)
    return TRUE;
  row = vireo_test_find_named (page, "disk-source-type");
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0);   /* file */
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 1);   /* volume */
  return FALSE;
}


/* Whether the guest's QEMU process holds @path open: what QEMU really
 * uses, which the live XML of a volume disk does not spell out. */
static gboolean
qemu_has_open (const char *path)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *pid;

  g_assert_nonnull (proc);
  while ((pid = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *cmdline_path = g_build_filename ("/proc", pid, "cmdline", NULL);
      g_autofree char *cmdline = NULL;
      g_autofree char *fd_path = g_build_filename ("/proc", pid, "fd", NULL);
      g_autoptr(GDir) fds = NULL;
      gsize length = 0;
      const char *fd;

      if (!g_ascii_isdigit (*pid) || !g_file_get_contents (cmdline_path, &cmdline, &length, NULL))
        continue;
      /* NUL-separated arguments: "guest=NAME,..." is one of them. */
      for (gsize i = 0; i + 1 < length; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (strstr (cmdline, "guest=" GUEST ",") == NULL)
        continue;
      fds = g_dir_open (fd_path, 0, NULL);
      while (fds != NULL && (fd = g_dir_read_name (fds)) != NULL)
        {
          g_autofree char *link_path = g_build_filename (fd_path, fd, NULL);
          g_autofree char *target = g_file_read_link (link_path, NULL);

          if (g_strcmp0 (target, path) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
guest_off (gpointer data)
{
  return !vireo_domain_get_active (data);
}

static gboolean
guest_on (gpointer data)
{
  return vireo_domain_get_active (data);
}

static gboolean
nothing_pending (gpointer data)
{
  return vireo_vm_window_get_loaded (data) && vireo_vm_window_count_pending (data) == 0;
}

/* The disk goes from a file to the other volume of the pool: the running
 * guest keeps its disk until the next boot (the page says so), the
 * definition names pool and volume, and after a restart QEMU has the
 * volume's file open. */
static void
test_disk_to_pool_volume (void)
{
  g_autoptr(VireoConnection) conn = open_vireo ();
  VireoVmWindow *window = open_window (conn);
  VireoDomain *domain = vireo_vm_window_get_domain (window);
  g_autofree char *dir = pool_dir ();
  g_autofree char *second = g_build_filename (dir, "second.qcow2", NULL);
  g_autofree char *xml = NULL;
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  vireo_test_wait_for (host_size_in_pool, window, 30, "the disk's pool");
  vireo_test_wait_for (volume_rows_shown, window, 30, "the pool volume rows");
  vireo_test_select_value (vireo_test_find_named (disk_page (window), "disk-volume"), "second.qcow2");
  drain ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.apply", NULL));
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 60, "apply and reload");
  drain ();

  xml = guest_xml (FALSE);
  assert_contains (xml, "<source pool='" POOL "' volume='second.qcow2'/>");
  g_clear_pointer (&xml, g_free);
  /* Still on the first image until the guest starts again. */
  xml = guest_xml (TRUE);
  assert_contains (xml, "first.qcow2");
  g_clear_pointer (&xml, g_free);
  g_assert_cmpuint (vireo_vm_window_count_pending (window), >, 0);

  vireo_domain_action_async (domain, VIREO_DOMAIN_ACTION_DESTROY, NULL, vireo_test_async_cb, &a);
  vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 60), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  vireo_test_wait_for (guest_off, domain, 60, "the guest to stop");
  vireo_domain_action_async (domain, VIREO_DOMAIN_ACTION_START, NULL, vireo_test_async_cb, &a);
  vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 60), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  vireo_test_wait_for (guest_on, domain, 60, "the guest to start");

  xml = guest_xml (TRUE);
  assert_contains (xml, "volume='second.qcow2'");
  g_assert_true (qemu_has_open (second));
  vireo_test_wait_for (nothing_pending, window, 60, "the badges to clear");
  gtk_window_destroy (GTK_WINDOW (window));
  vireo_connection_close (conn);
}

static gboolean
has_io_samples (gpointer data)
{
  return vireo_domain_get_has_stats (data)
         && vireo_domain_get_has_disk_io (data)
         && vireo_domain_get_has_net_io (data)
         && vireo_history_get_length (vireo_domain_get_cpu_history (data)) >= 2;
}

/* Real QEMU reports block and interface counters: the page draws them
 * rather than the test driver's "does not report" notes. */
static void
test_performance_draws_disk_and_network (void)
{
  g_autoptr(VireoConnection) conn = open_vireo ();
  VireoVmWindow *window = open_window (conn);
  VireoDomain *domain = vireo_vm_window_get_domain (window);
  GtkWidget *page;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 1000);
  g_assert_true (vireo_vm_window_show_page (window, "performance"));
  vireo_test_wait_for (has_io_samples, domain, 60, "CPU, disk and network samples");
  drain ();
  page = vireo_vm_window_get_page (window, "performance");
  g_assert_true (gtk_widget_is_drawable (vireo_test_find_named (page, "disk-graph")));
  g_assert_true (gtk_widget_is_drawable (vireo_test_find_named (page, "net-graph")));
  g_assert_false (gtk_widget_is_drawable (vireo_test_find_named (page, "disk-note")));
  g_assert_false (gtk_widget_is_drawable (vireo_test_find_named (page, "net-note")));
  assert_contains (gtk_label_get_text (GTK_LABEL (vireo_test_find_named (page, "cpu-value"))), "%");
  gtk_window_destroy (GTK_WINDOW (window));
  vireo_connection_close (conn);
}

static GtkWidget *
port_forward_editor (VireoVmWindow *window)
{
  for (guint i = 0; i < 64; i++)
    {
      g_autofree char *name = g_strdup_printf ("device-%u", i);
      GtkWidget *page = vireo_vm_window_get_page (window, name);
      GtkWidget *editor = page != NULL ? vireo_test_find_named (page, "port-forward-editor") : NULL;

      if (editor != NULL)
        return editor;
    }
  g_error ("no port forwarding editor");
}

static gboolean
passt_refused (gpointer data)
{
  GtkWidget *button = vireo_test_find_named (port_forward_editor (data), "use-passt");

  return !gtk_widget_get_sensitive (button);
}

/* libvirt 9.0 on Debian 12 is built without passt: the usermode card's
 * page says so before Apply could fail, in libvirt's own words (asked by
 * parsing a throwaway definition, which defines nothing). */
static void
test_passt_refusal_shown (void)
{
  g_autoptr(VireoConnection) conn = open_vireo ();
  VireoVmWindow *window = open_window (conn);
  GtkWidget *button;
  unsigned long version = 0;

  g_assert_cmpint (virConnectGetLibVersion (direct, &version), ==, 0);
  if (version != 9000000)
    g_error ("this check knows libvirt 9.0.0 (Debian 12) only; this is %lu", version);
  vireo_test_wait_for (passt_refused, window, 30, "libvirt's answer about passt");
  button = vireo_test_find_named (port_forward_editor (window), "use-passt");
  assert_contains (gtk_widget_get_tooltip_text (button), "passt");
  assert_contains (gtk_widget_get_tooltip_text (button), "backend");
  gtk_window_destroy (GTK_WINDOW (window));
  vireo_connection_close (conn);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();
  set_up ();

  g_test_add_func ("/details-ui/fresh-guest-has-nothing-pending", test_fresh_guest_has_nothing_pending);
  g_test_add_func ("/details-ui/disk-to-pool-volume", test_disk_to_pool_volume);
  g_test_add_func ("/details-ui/performance-draws-disk-and-network", test_performance_draws_disk_and_network);
  g_test_add_func ("/details-ui/passt-refusal-shown", test_passt_refusal_shown);
  status = g_test_run ();
  virConnectClose (direct);
  g_assert_true (vireo_worker_wait_all (10 * G_USEC_PER_SEC));
  return status;
}
