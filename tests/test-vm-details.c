/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-add-hardware-dialog.h"
#include "vireo-graphics.h"
#include "vireo-os-info.h"
#include "vireo-secrets.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"
#include "vireo-xml-editor.h"

/*
 * The details pages against the test driver, one program under a private
 * keyring (tests/integration/vireo-keyring-run.sh) so that what goes to
 * the keyring is read back from a real Secret Service.
 */

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("expected to find\n  %s\nin\n%s", needle, haystack);
}

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-node.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  return g_strconcat ("test://", abs, NULL);
}

static char *
read_xml (VireoDomain *domain,
          gboolean     inactive)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  char *xml;

  vireo_domain_read_xml_async (domain, inactive, NULL, vireo_test_async_cb, &a);
  xml = vireo_domain_read_xml_finish (domain, vireo_test_async_wait (&a, 10), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  return xml;
}

static void
define_with_device (VireoDomain *domain,
                    const char  *device_xml)
{
  g_autofree char *xml = read_xml (domain, TRUE);
  g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (xml, NULL);
  g_autofree char *edited = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  g_assert_nonnull (vireo_domain_config_add_device (config, device_xml, &error));
  g_assert_no_error (error);
  edited = vireo_domain_config_to_xml (config);
  vireo_domain_define_xml_async (domain, edited, NULL, vireo_test_async_cb, &a);
  vireo_domain_define_xml_finish (domain, vireo_test_async_wait (&a, 10), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
}

typedef struct
{
  char     *uri;
  char     *prompt;
  char     *secret;
  gboolean  done;
} Lookup;

static gpointer
lookup_thread (gpointer data)
{
  Lookup *l = data;

  l->secret = vireo_secrets_lookup (l->uri, l->prompt, NULL);
  g_atomic_int_set (&l->done, TRUE);
  return NULL;
}

static gboolean
lookup_done (gpointer data)
{
  return g_atomic_int_get (&((Lookup *) data)->done);
}

/* The keyring is D-Bus: asked from a thread, as Vireo does. */
static char *
keyring_lookup (const char *uri,
                const char *prompt)
{
  Lookup l = { .uri = (char *) uri, .prompt = (char *) prompt };
  GThread *thread = g_thread_new ("lookup", lookup_thread, &l);

  vireo_test_wait_for (lookup_done, &l, 10, "the keyring");
  g_thread_join (thread);
  return l.secret;
}

static char *
keyring_wait_for (const char *uri,
                  const char *prompt,
                  const char *expected)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  char *secret = NULL;

  /* Apply hands the password to the keyring after libvirt has it. */
  do
    {
      g_free (secret);
      secret = keyring_lookup (uri, prompt);
      if (g_strcmp0 (secret, expected) == 0)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  while (g_get_monotonic_time () < until);
  return secret;
}

static void
apply_and_wait (VireoVmWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.apply", NULL));
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "apply and reload");
  g_assert_null (vireo_vm_window_get_error (window));
}

static void
test_graphics_page (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *prompt = vireo_secrets_console_prompt (vireo_domain_get_uuid (gamma), "vnc");
  g_autofree char *xml = NULL;
  g_autofree char *kept = NULL;
  VireoVmWindow *window;
  GtkWidget *row;

  define_with_device (gamma, "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>"
                             "<listen type='address' address='127.0.0.1'/></graphics>");
  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");

  /* Listen: "this host only" as read. */
  row = vireo_test_find_named (GTK_WIDGET (window), "graphics-listen");
  g_assert_nonnull (row);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 1);
  g_assert_false (gtk_widget_get_visible (vireo_test_find_named (GTK_WIDGET (window), "listen-address")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 3);   /* one address */
  row = vireo_test_find_named (GTK_WIDGET (window), "listen-address");
  g_assert_true (gtk_widget_get_visible (row));
  gtk_editable_set_text (GTK_EDITABLE (row), "not-an-address");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (row), "127.0.0.1");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* A fixed port. */
  row = vireo_test_find_named (GTK_WIDGET (window), "graphics-autoport");
  gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "vireo-switch"), FALSE);
  row = vireo_test_find_named (GTK_WIDGET (window), "graphics-port");
  g_assert_true (gtk_widget_get_sensitive (row));
  gtk_spin_button_set_value (g_object_get_data (G_OBJECT (row), "vireo-spin"), 5905);

  /* A password: too long for VNC is refused on the field. */
  row = vireo_test_find_named (GTK_WIDGET (window), "graphics-password-required");
  gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "vireo-switch"), TRUE);
  row = vireo_test_find_named (GTK_WIDGET (window), "graphics-password");
  g_assert_true (gtk_widget_has_css_class (row, "error"));   /* required, not typed yet */
  gtk_editable_set_text (GTK_EDITABLE (row), "123456789");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "8"));
  gtk_editable_set_text (GTK_EDITABLE (row), "s3cret");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  apply_and_wait (window);
  xml = read_xml (gamma, TRUE);
  assert_contains (xml, "port='5905' autoport='no'");
  assert_contains (xml, "passwd='s3cret'");
  assert_contains (xml, "<listen type='address' address='127.0.0.1'/>");

  /* The console will find it in the keyring, under this machine. */
  kept = keyring_wait_for (uri, prompt, "s3cret");
  g_assert_cmpstr (kept, ==, "s3cret");
  g_clear_pointer (&kept, g_free);

  /* No password any more, and no network: none in the XML, none left in
   * the keyring, and no port to choose. */
  row = vireo_test_find_named (GTK_WIDGET (window), "graphics-password-required");
  gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "vireo-switch"), FALSE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (vireo_test_find_named (GTK_WIDGET (window), "graphics-listen")), 0);
  g_assert_false (gtk_widget_get_visible (vireo_test_find_named (GTK_WIDGET (window), "graphics-port")));
  apply_and_wait (window);
  g_clear_pointer (&xml, g_free);
  xml = read_xml (gamma, TRUE);
  g_assert_null (strstr (xml, "passwd="));
  assert_contains (xml, "<listen type='none'/>");
  kept = keyring_wait_for (uri, prompt, NULL);
  g_assert_null (kept);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
set_spin (VireoVmWindow *window,
          const char    *name,
          double         value)
{
  GtkWidget *row = vireo_test_find_named (GTK_WIDGET (window), name);

  g_assert_nonnull (row);
  gtk_spin_button_set_value (g_object_get_data (G_OBJECT (row), "vireo-spin"), value);
}

/* CPUs: topology must multiply out to the maximum, said on the rows, and
 * a named model is only asked for when the mode is "custom". */
static void
test_cpus_page (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *xml = NULL;
  VireoVmWindow *window;
  GtkWidget *row;

  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  g_assert_true (vireo_vm_window_show_page (window, "cpus"));

  /* Switched on, the topology starts from a shape that fits. */
  row = vireo_test_find_named (GTK_WIDGET (window), "topology-sockets");
  g_assert_false (gtk_widget_get_sensitive (row));
  row = vireo_test_find_named (GTK_WIDGET (window), "topology-custom");
  gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "vireo-switch"), TRUE);
  row = vireo_test_find_named (GTK_WIDGET (window), "topology-sockets");
  g_assert_true (gtk_widget_get_sensitive (row));
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* 2 × 1 × 1 × 1 for one vCPU: refused, with the sum shown. */
  set_spin (window, "topology-sockets", 2);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "2 × 1 × 1 × 1"));
  /* Apply waits for every field to be right. */
  gtk_widget_activate_action (GTK_WIDGET (window), "details.apply", NULL);
  g_assert_true (vireo_vm_window_get_loaded (window));   /* not busy applying */

  /* Four vCPUs: 2 sockets × 2 cores fits, and the rows clear. */
  set_spin (window, "vcpus-max", 4);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  set_spin (window, "topology-cores", 2);
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* A named model: the name field appears only for "custom". */
  row = vireo_test_find_named (GTK_WIDGET (window), "cpu-model");
  g_assert_false (gtk_widget_get_visible (row));
  adw_combo_row_set_selected (ADW_COMBO_ROW (vireo_test_find_named (GTK_WIDGET (window), "cpu-mode")), 4);
  g_assert_true (gtk_widget_get_visible (row));
  gtk_editable_set_text (GTK_EDITABLE (row), "Skylake-Client");

  apply_and_wait (window);
  xml = read_xml (gamma, TRUE);
  assert_contains (xml, "<vcpu placement='static' current='1'>4</vcpu>");
  assert_contains (xml, "<topology sockets='2' dies='1' cores='2' threads='1'/>");
  assert_contains (xml, "Skylake-Client</model>");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
showing (VireoVmWindow *window,
         const char    *page)
{
  GtkListBox *list = GTK_LIST_BOX (vireo_test_find_named (GTK_WIDGET (window), "page-list"));
  GtkListBoxRow *selected;
  GtkWidget *widget;

  /* Pending idles first: a refused move puts the sidebar back from one,
   * and a rebuild replaces the pages. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  widget = vireo_vm_window_get_page (window, page);
  selected = gtk_list_box_get_selected_row (list);
  /* The page on screen and the row lit in the sidebar must agree. */
  if (widget == NULL)
    return FALSE;
  return gtk_stack_get_visible_child (GTK_STACK (gtk_widget_get_parent (widget))) == widget
         && selected != NULL && g_strcmp0 (g_object_get_data (G_OBJECT (selected), "vireo-page"), page) == 0;
}

static GtkStack *
device_views (VireoVmWindow *window,
              const char    *page)
{
  GtkWidget *outer = vireo_vm_window_get_page (window, page);

  g_assert_nonnull (outer);
  return g_object_get_data (G_OBJECT (outer), "vireo-views");
}

static VireoXmlEditor *
device_editor (VireoVmWindow *window,
               const char    *page)
{
  return VIREO_XML_EDITOR (vireo_test_find_named (vireo_vm_window_get_page (window, page), "device-xml"));
}

/* A device's own XML view: its text is the device once the user goes back
 * to the settings, leaves or applies; bad text stays, marked, and so does
 * the user. */
static void
test_device_xml_view (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *text = NULL;
  g_autofree char *xml = NULL;
  VireoVmWindow *window;
  VireoXmlEditor *editor;
  GtkTextBuffer *buffer;

  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  g_assert_true (vireo_vm_window_show_page (window, "device-0"));

  /* Entering the view shows the disk, field edits included. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (vireo_test_find_named (vireo_vm_window_get_page (window, "device-0"),
                                                                    "disk-cache")), 1);
  gtk_stack_set_visible_child_name (device_views (window, "device-0"), "xml");
  editor = device_editor (window, "device-0");
  text = vireo_xml_editor_dup_text (editor);
  g_assert_true (g_str_has_prefix (text, "<disk "));
  assert_contains (text, "cache=\"none\"");
  /* The diff is against libvirt's disk, so it is modified already. */
  g_assert_true (vireo_xml_editor_get_modified (editor));

  /* Not a device element: back to the settings is refused, with the line. */
  buffer = GTK_TEXT_BUFFER (vireo_xml_editor_get_buffer (editor));
  gtk_text_buffer_set_text (buffer, "<disk type='file' device='disk'>\n  <target dev='vda'\n</disk>\n", -1);
  gtk_stack_set_visible_child_name (device_views (window, "device-0"), "fields");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (device_views (window, "device-0")), ==, "xml");
  g_assert_nonnull (vireo_xml_editor_get_error_message (editor));
  g_assert_cmpint (vireo_xml_editor_get_error_line (editor), ==, 3);
  /* Nor can the page be left. */
  g_assert_true (vireo_vm_window_show_page (window, "overview"));
  g_assert_true (showing (window, "device-0"));
  {
    g_autofree char *kept = vireo_xml_editor_dup_text (editor);
    assert_contains (kept, "<target dev='vda'\n</disk>");
  }

  /* Another kind of element is refused too. */
  gtk_text_buffer_set_text (buffer, "<interface type='user'/>", -1);
  gtk_stack_set_visible_child_name (device_views (window, "device-0"), "fields");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (device_views (window, "device-0")), ==, "xml");
  assert_contains (vireo_xml_editor_get_error_message (editor), "<disk>");

  /* Good text is the disk; the settings follow it after the rebuild. */
  gtk_text_buffer_set_text (buffer,
                            "<disk type='file' device='disk'>\n"
                            "  <source file='/test-pool/gamma.qcow2'/>\n"
                            "  <target dev='vda' bus='virtio'/>\n"
                            "  <serial>VIREO-123</serial>\n"
                            "</disk>\n", -1);
  g_assert_true (vireo_vm_window_show_page (window, "overview"));
  g_assert_true (showing (window, "overview"));
  apply_and_wait (window);
  xml = read_xml (gamma, TRUE);
  assert_contains (xml, "<serial>VIREO-123</serial>");
  g_assert_null (strstr (xml, "cache="));   /* the text replaced the field edit */
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The list is redrawn on idle after each change. */
static void
drain (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Boot: the order is written per device (libvirt's way), the menu and a
 * direct kernel are checked on their fields. */
static void
test_boot_page (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *xml = NULL;
  VireoVmWindow *window;
  GtkWidget *page;
  GtkWidget *row;

  define_with_device (gamma, "<disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>");
  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  g_assert_true (vireo_vm_window_show_page (window, "boot"));
  page = vireo_vm_window_get_page (window, "boot");

  /* Nothing written: libvirt boots the first disk, and says so. */
  row = vireo_test_find_named (page, "boot-0");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Disk vda");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (vireo_test_find_named (row, "boot-enabled"))));
  row = vireo_test_find_named (page, "boot-1");
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (vireo_test_find_named (row, "boot-enabled"))));

  /* CD-ROM first: tick it, move it up. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (vireo_test_find_named (row, "boot-enabled")), TRUE);
  drain ();
  page = vireo_vm_window_get_page (window, "boot");
  g_signal_emit_by_name (vireo_test_find_named (vireo_test_find_named (page, "boot-1"), "boot-up"), "clicked");
  drain ();
  page = vireo_vm_window_get_page (window, "boot");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (vireo_test_find_named (page, "boot-0"))), ==,
                   "CD-ROM sda");

  /* The menu, five seconds. */
  row = vireo_test_find_named (page, "boot-menu");
  gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "vireo-switch"), TRUE);
  gtk_spin_button_set_value (g_object_get_data (G_OBJECT (vireo_test_find_named (page, "boot-menu-timeout")),
                                                "vireo-spin"), 5);

  /* A kernel path must be absolute, said on the field. */
  row = vireo_test_find_named (page, "boot-kernel");
  gtk_editable_set_text (GTK_EDITABLE (row), "vmlinuz");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  apply_and_wait (window);
  xml = read_xml (gamma, TRUE);
  assert_contains (xml, "<bootmenu enable='yes' timeout='5000'/>");
  g_assert_null (strstr (xml, "<boot dev="));
  {
    const char *cdrom = strstr (xml, "device='cdrom'");
    const char *disk = strstr (xml, "device='disk'");

    g_assert_nonnull (cdrom);
    g_assert_nonnull (disk);
    assert_contains (cdrom, "<boot order='1'/>");
    assert_contains (disk, "<boot order='2'/>");
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The page of the first device whose form has the field @id. */
static char *
form_page (VireoVmWindow *window,
           const char    *id)
{
  for (guint i = 0;; i++)
    {
      g_autofree char *name = g_strdup_printf ("device-%u", i);
      GtkWidget *page = vireo_vm_window_get_page (window, name);

      if (page == NULL)
        return NULL;
      if (vireo_test_find_named (page, id) != NULL)
        return g_steal_pointer (&name);
    }
}


/* The devices without a page of their own get one from their field table:
 * a choice changes what else applies, a refused value stays in its field
 * and holds Apply, and only the edited attribute reaches libvirt. */
static void
test_device_form (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *page_name = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *edit = NULL;
  VireoVmWindow *window;
  GtkWidget *page;
  GtkWidget *row;
  GtkWidget *entry;

  define_with_device (gamma, "<video><model type='qxl' ram='65536' vram='65536' vgamem='16384' heads='1'/></video>");
  define_with_device (gamma, "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>");
  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");

  page_name = form_page (window, "video-model");
  g_assert_nonnull (page_name);
  page = vireo_vm_window_get_page (window, page_name);
  g_assert_true (gtk_widget_get_visible (vireo_test_find_named (page, "video-vram")));
  g_assert_false (gtk_widget_get_visible (vireo_test_find_named (page, "video-accel3d")));

  /* Virtio: the memory size goes out of sight, 3D comes in. */
  vireo_test_select_value (vireo_test_find_named (page, "video-model"), "virtio");
  g_assert_false (gtk_widget_get_visible (vireo_test_find_named (page, "video-vram")));
  g_assert_true (gtk_widget_get_visible (vireo_test_find_named (page, "video-accel3d")));
  edit = vireo_domain_config_to_xml (vireo_vm_window_get_edit_config (window));
  assert_contains (edit, "<model type=\"virtio\"");
  g_clear_pointer (&edit, g_free);

  /* Seventeen monitors: refused on the row, the text stays, Apply waits. */
  row = vireo_test_find_named (page, "video-heads");
  entry = g_object_get_data (G_OBJECT (row), "vireo-entry");
  gtk_editable_set_text (GTK_EDITABLE (entry), "17");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "17");
  edit = vireo_domain_config_to_xml (vireo_vm_window_get_edit_config (window));
  g_assert_null (strstr (edit, "heads=\"17\""));
  g_clear_pointer (&edit, g_free);
  gtk_widget_activate_action (GTK_WIDGET (window), "details.apply", NULL);
  g_assert_true (vireo_vm_window_get_loaded (window));   /* not busy applying */
  gtk_editable_set_text (GTK_EDITABLE (entry), "2");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* A free-text choice takes a suggestion or any path. */
  g_free (page_name);
  page_name = form_page (window, "rng-source");
  page = vireo_vm_window_get_page (window, page_name);
  row = vireo_test_find_named (page, "rng-source");
  gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (row), "vireo-entry")), "/dev/hwrng");

  apply_and_wait (window);
  xml = read_xml (gamma, TRUE);
  assert_contains (xml, "<model type='virtio'");
  assert_contains (xml, "heads='2'");
  assert_contains (xml, "<backend model='random'>/dev/hwrng</backend>");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A form field of a running guest changed for the next boot only: the
 * badge compares the running value with the saved one. */
static void
test_device_form_next_boot (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *alpha = vireo_test_find_domain (conn, "alpha");
  g_autofree char *page_name = NULL;
  VireoVmWindow *window;
  GtkWidget *row;
  GtkWidget *badge;

  window = vireo_vm_window_present_for (NULL, alpha);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  page_name = form_page (window, "rng-source");
  g_assert_nonnull (page_name);
  row = vireo_test_find_named (vireo_vm_window_get_page (window, page_name), "rng-source");
  g_assert_null (vireo_test_find_named (row, "pending-badge"));

  gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (row), "vireo-entry")), "/dev/random");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (vireo_test_find_named (GTK_WIDGET (window), "live-check")), FALSE);
  apply_and_wait (window);

  row = vireo_test_find_named (vireo_vm_window_get_page (window, page_name), "rng-source");
  badge = vireo_test_find_named (row, "pending-badge");
  g_assert_nonnull (badge);
  assert_contains (gtk_widget_get_tooltip_text (badge), "Running now: /dev/urandom");
  assert_contains (gtk_widget_get_tooltip_text (badge), "/dev/random");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
redefine_replacing (VireoDomain *domain,
                    const char  *from,
                    const char  *to)
{
  g_autofree char *xml = read_xml (domain, TRUE);
  g_auto(GStrv) parts = g_strsplit (xml, from, 2);
  g_autofree char *edited = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  edited = g_strjoinv (to, parts);
  vireo_domain_define_xml_async (domain, edited, NULL, vireo_test_async_cb, &a);
  vireo_domain_define_xml_finish (domain, vireo_test_async_wait (&a, 10), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
}

/* BIOS to UEFI on an existing machine: Secure Boot where the chipset
 * allows it, a TPM offered next to it, and the next start asked for a
 * fresh varstore. */
static void
test_firmware_switch (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *xml = NULL;
  g_auto(GStrv) commands = NULL;
  VireoVmWindow *window;
  GtkWidget *row;

  /* An i440FX machine: UEFI, but no Secure Boot. */
  redefine_replacing (gamma, "<type arch='x86_64'>", "<type arch='x86_64' machine='pc-i440fx-7.2'>");
  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  g_assert_null (vireo_test_find_named (GTK_WIDGET (window), "secure-boot"));
  vireo_test_select_value (vireo_test_find_named (GTK_WIDGET (window), "firmware"), "efi");
  drain ();
  row = vireo_test_find_named (GTK_WIDGET (window), "secure-boot");
  g_assert_nonnull (row);
  g_assert_false (gtk_switch_get_active (g_object_get_data (G_OBJECT (row), "vireo-switch")));
  gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "vireo-switch"), TRUE);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  assert_contains (gtk_widget_get_tooltip_text (row), "Q35");
  gtk_window_destroy (GTK_WINDOW (window));

  /* Q35: Secure Boot from the start, and the TPM offer. */
  redefine_replacing (gamma, "machine='pc-i440fx-7.2'", "machine='pc-q35-7.2'");
  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  g_assert_null (vireo_test_find_named (GTK_WIDGET (window), "tpm-offer"));
  vireo_test_select_value (vireo_test_find_named (GTK_WIDGET (window), "firmware"), "efi");
  drain ();
  row = vireo_test_find_named (GTK_WIDGET (window), "secure-boot");
  g_assert_true (gtk_switch_get_active (g_object_get_data (G_OBJECT (row), "vireo-switch")));
  row = vireo_test_find_named (GTK_WIDGET (window), "tpm-offer");
  g_assert_nonnull (row);
  g_signal_emit_by_name (vireo_test_find_named (row, "add-tpm"), "clicked");
  drain ();
  g_assert_null (vireo_test_find_named (GTK_WIDGET (window), "tpm-offer"));
  g_assert_nonnull (form_page (window, "tpm-model"));

  commands = vireo_vm_window_dup_commands (window);
  {
    g_autofree char *joined = g_strjoinv ("\n", commands);

    assert_contains (joined, "start gamma --reset-nvram");
  }
  apply_and_wait (window);
  xml = read_xml (gamma, TRUE);
  assert_contains (xml, "<os firmware='efi'>");
  assert_contains (xml, "<feature enabled='yes' name='secure-boot'/>");
  assert_contains (xml, "<tpm model='tpm-crb'>");
  assert_contains (xml, "<vireo:reset-nvram/>");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
autostart_known (gpointer data)
{
  GtkWidget *row = vireo_test_find_named (GTK_WIDGET (data), "autostart");

  return row != NULL && gtk_widget_get_sensitive (row);
}

static gboolean
read_autostart (VireoDomain *domain)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean autostart = FALSE;

  vireo_domain_get_autostart_async (domain, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_get_autostart_finish (domain, vireo_test_async_wait (&a, 10), &autostart, &error));
  g_object_unref (a.result);
  g_assert_no_error (error);
  return autostart;
}

/* Autostart is a call of its own, not XML, but it waits for Apply like
 * every other field, and Revert takes it back. */
static void
test_autostart (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_auto(GStrv) commands = NULL;
  g_autofree char *joined = NULL;
  VireoVmWindow *window;
  GtkSwitch *sw;

  g_assert_false (read_autostart (gamma));
  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  vireo_test_wait_for (autostart_known, window, 10, "autostart");
  g_assert_true (vireo_vm_window_show_page (window, "boot"));
  sw = g_object_get_data (G_OBJECT (vireo_test_find_named (GTK_WIDGET (window), "autostart")), "vireo-switch");
  g_assert_false (gtk_switch_get_active (sw));

  gtk_switch_set_active (sw, TRUE);
  g_assert_true (vireo_vm_window_get_modified (window));
  g_assert_false (read_autostart (gamma));   /* not before Apply */
  commands = vireo_vm_window_dup_commands (window);
  joined = g_strjoinv ("\n", commands);
  assert_contains (joined, " autostart gamma");

  /* Revert: off again, nothing to apply. */
  gtk_widget_activate_action (GTK_WIDGET (window), "details.revert", NULL);
  drain ();
  g_assert_false (vireo_vm_window_get_modified (window));
  sw = g_object_get_data (G_OBJECT (vireo_test_find_named (GTK_WIDGET (window), "autostart")), "vireo-switch");
  g_assert_false (gtk_switch_get_active (sw));

  gtk_switch_set_active (sw, TRUE);
  apply_and_wait (window);
  g_assert_true (read_autostart (gamma));
  vireo_test_wait_for (autostart_known, window, 10, "autostart");
  g_assert_false (vireo_vm_window_get_modified (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
address_shown (gpointer data)
{
  return vireo_test_find_named (GTK_WIDGET (data), "nic-address") != NULL;
}

/* A NIC page: the connection type switches the source to something the
 * host has, a bad MAC is refused where it was typed, and the running
 * guest's addresses show under the card they belong to. */
static void
test_nic_page (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection ("test:///default", 0);
  VireoDomain *test = vireo_test_find_domain (conn, "test");
  g_autofree char *page_name = NULL;
  g_autofree char *edit = NULL;
  g_autofree char *xml = NULL;
  VireoVmWindow *window;
  GtkWidget *page, *row, *address;

  window = vireo_vm_window_present_for (NULL, test);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  page_name = form_page (window, "nic-type");
  g_assert_nonnull (page_name);
  g_assert_true (vireo_vm_window_show_page (window, page_name));
  page = vireo_vm_window_get_page (window, page_name);

  /* The test driver hands out 192.168.122.3 to the first card. */
  vireo_test_wait_for (address_shown, page, 10, "the guest's address");
  address = vireo_test_find_named (page, "nic-address");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (address)), ==, "192.168.122.3/24");

  /* A multicast MAC is refused; a made-up one is fine. */
  row = vireo_test_find_named (page, "nic-mac");
  gtk_editable_set_text (GTK_EDITABLE (row), "01:00:5e:00:00:01");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_signal_emit_by_name (vireo_test_find_named (page, "nic-mac-generate"), "clicked");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_true (g_str_has_prefix (gtk_editable_get_text (GTK_EDITABLE (row)), "52:54:00:"));

  /* macvtap: a host device and a mode. */
  vireo_test_select_value (vireo_test_find_named (page, "nic-type"), "direct");
  drain ();
  page = vireo_vm_window_get_page (window, page_name);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (vireo_test_find_named (page, "nic-source"))),
                   ==, "Host device");
  g_assert_nonnull (vireo_test_find_named (page, "nic-source-mode"));
  edit = vireo_domain_config_to_xml (vireo_vm_window_get_edit_config (window));
  assert_contains (edit, "<interface type=\"direct\">");
  assert_contains (edit, "mode=\"bridge\"");

  gtk_check_button_set_active (GTK_CHECK_BUTTON (vireo_test_find_named (GTK_WIDGET (window), "live-check")), FALSE);
  apply_and_wait (window);
  xml = read_xml (test, TRUE);
  assert_contains (xml, "<interface type='direct'>");
  g_assert_null (strstr (xml, "aa:bb:cc:dd:ee:ff"));   /* the new MAC went too */
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Shared memory and the balloon on the Memory page. */
static void
test_memory_page (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *xml = NULL;
  VireoVmWindow *window;
  GtkWidget *row;

  define_with_device (gamma, "<memballoon model='virtio'/>");
  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  g_assert_true (vireo_vm_window_show_page (window, "memory"));

  row = vireo_test_find_named (vireo_vm_window_get_page (window, "memory"), "memory-shared");
  gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "vireo-switch"), TRUE);
  row = vireo_test_find_named (vireo_vm_window_get_page (window, "memory"), "memory-balloon");
  g_assert_true (gtk_switch_get_active (g_object_get_data (G_OBJECT (row), "vireo-switch")));
  gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "vireo-switch"), FALSE);
  drain ();

  apply_and_wait (window);
  xml = read_xml (gamma, TRUE);
  assert_contains (xml, "<access mode='shared'/>");
  assert_contains (xml, "<memballoon model='none'");
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  VireoVmWindow *window;
  const char    *page;
} PageRef;

/* Looked up afresh each time: capabilities arriving rebuild the pages. */
static GtkWidget *
host_size_row (PageRef *ref)
{
  GtkWidget *page = vireo_vm_window_get_page (ref->window, ref->page);

  return page != NULL ? vireo_test_find_named (page, "disk-host-size") : NULL;
}

static gboolean
host_size_known (gpointer data)
{
  GtkWidget *row = host_size_row (data);
  GtkLabel *label = row != NULL ? g_object_get_data (G_OBJECT (row), "vireo-label") : NULL;

  return label != NULL && !g_str_has_prefix (gtk_label_get_text (label), "Asking");
}

/* A disk says what its image takes on the host, from its pool; a file
 * in no pool says that instead. */
static void
test_disk_host_size (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *alpha = vireo_test_find_domain (conn, "alpha");
  VireoDomain *beta = vireo_test_find_domain (conn, "beta");
  VireoVmWindow *window;

  window = vireo_vm_window_present_for (NULL, alpha);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  {
    PageRef ref = { window, "device-0" };

    vireo_test_wait_for (host_size_known, &ref, 10, "the volume");
    /* The sizes keep their units with a no-break space. */
    g_assert_cmpstr (gtk_label_get_text (g_object_get_data (G_OBJECT (host_size_row (&ref)), "vireo-label")), ==,
                     "1.0\u00a0GiB of 10.0\u00a0GiB, in pool test-pool");
  }
  gtk_window_destroy (GTK_WINDOW (window));

  window = vireo_vm_window_present_for (NULL, beta);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  {
    g_autofree char *name = NULL;
    PageRef ref = { window, NULL };

    /* libvirt lists the disks in its own order: found by path. */
    for (guint i = 0; name == NULL; i++)
      {
        g_autofree char *n = g_strdup_printf ("device-%u", i);
        GtkWidget *page = vireo_vm_window_get_page (window, n);
        GtkWidget *path;

        g_assert_nonnull (page);
        path = vireo_test_find_named (page, "disk-path");
        if (path != NULL && g_str_equal (gtk_editable_get_text (GTK_EDITABLE (path)), "/elsewhere/loose.img"))
          name = g_steal_pointer (&n);
      }
    ref.page = name;

    vireo_test_wait_for (host_size_known, &ref, 10, "the volume");
    g_assert_cmpstr (gtk_label_get_text (g_object_get_data (G_OBJECT (host_size_row (&ref)), "vireo-label")), ==,
                     "Unknown: not in a storage pool");
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static VireoAddHardwareDialog *
open_add_hardware (VireoVmWindow *window)
{
  g_autoptr(GListModel) toplevels = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.add-hardware", NULL));
  toplevels = g_object_ref (gtk_window_get_toplevels ());
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (VIREO_IS_ADD_HARDWARE_DIALOG (item))
        return VIREO_ADD_HARDWARE_DIALOG (item);
    }
  g_error ("no Add Hardware dialog");
}

static gboolean
dialog_ready (gpointer data)
{
  return vireo_add_hardware_dialog_get_problem (data) == NULL;
}

static void
add_from_dialog (VireoAddHardwareDialog *dialog)
{
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  vireo_test_wait_for (dialog_ready, dialog, 10, "the dialog to accept");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.add", NULL));
  while (dialog != NULL)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
not_busy (gpointer data)
{
  return vireo_vm_window_get_loaded (data) && vireo_vm_window_get_page (data, "overview") != NULL;
}

/* Add Hardware from the window: a simple device goes into the copy and
 * its page opens; a disk on a new volume gets its image made in the pool
 * first. Apply defines both. */
static void
test_add_hardware (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *xml = NULL;
  VireoAddHardwareDialog *dialog;
  VireoVmWindow *window;
  GtkWidget *page;

  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");

  dialog = open_add_hardware (window);
  g_assert_true (vireo_add_hardware_dialog_select_kind (dialog, "rng"));
  add_from_dialog (dialog);
  drain ();
  page = gtk_stack_get_visible_child (GTK_STACK (gtk_widget_get_parent (vireo_vm_window_get_page (window,
                                                                                                  "overview"))));
  g_assert_nonnull (vireo_test_find_named (page, "rng-backend"));
  g_assert_true (vireo_vm_window_get_modified (window));

  dialog = open_add_hardware (window);
  g_assert_true (vireo_add_hardware_dialog_select_kind (dialog, "storage"));
  add_from_dialog (dialog);
  vireo_test_wait_for (not_busy, window, 10, "the new volume");
  drain ();
  g_assert_null (vireo_vm_window_get_error (window));

  apply_and_wait (window);
  xml = read_xml (gamma, TRUE);
  assert_contains (xml, "<rng model='virtio'>");
  assert_contains (xml, "<source file='/test-pool/");
  assert_contains (xml, "<target dev='vdb'");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A controller lists what sits on it and will not go while anything does;
 * the Remove button says so before it is pressed. */
static void
test_controller_page (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *page_name = NULL;
  VireoVmWindow *window;
  GtkWidget *page;
  GtkWidget *list;
  GtkWidget *remove;

  define_with_device (gamma, "<controller type='virtio-serial' index='0'/>");
  define_with_device (gamma, "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>");
  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");

  page_name = form_page (window, "controller-type");
  g_assert_nonnull (page_name);
  page = vireo_vm_window_get_page (window, page_name);
  list = vireo_test_find_named (page, "controller-devices");
  g_assert_nonnull (list);
  g_assert_nonnull (vireo_test_find_row_titled (list, "Channel org.qemu.guest_agent.0"));
  remove = vireo_test_find_named (page, "device-remove");
  g_assert_false (gtk_widget_get_sensitive (remove));

  /* The channel gone, the controller may go too. */
  g_free (page_name);
  page_name = form_page (window, "channel-target-name");
  g_signal_emit_by_name (vireo_test_find_named (vireo_vm_window_get_page (window, page_name), "device-remove"),
                         "clicked");
  drain ();
  g_free (page_name);
  page_name = form_page (window, "controller-type");
  page = vireo_vm_window_get_page (window, page_name);
  g_assert_true (gtk_widget_get_sensitive (vireo_test_find_named (page, "device-remove")));
  g_assert_null (vireo_test_find_row_titled (vireo_test_find_named (page, "controller-devices"),
                                        "Channel org.qemu.guest_agent.0"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
os_row (VireoVmWindow *window,
        const char    *name)
{
  return vireo_test_find_named (vireo_vm_window_get_page (window, "os"), name);
}

static gboolean
os_db_loaded (gpointer data)
{
  return vireo_os_db_get_loaded () != NULL;
}

static gboolean
os_row_titled (gpointer data)
{
  VireoVmWindow *window = data;
  GtkWidget *row = os_row (window, "os-name");

  return row != NULL && g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                     g_object_get_data (G_OBJECT (window), "test-wanted-title"));
}

/* The OS page: the libosinfo id chosen with the picker lands in the
 * metadata, the page says what that system wants against what the
 * machine has, text being typed on another page survives the change,
 * and an id this computer's database lacks is shown as it is. */
static void
test_os_page (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *xml = NULL;
  VireoOsInfo *win11;
  VireoVmWindow *window;
  GtkWidget *row, *name, *picker;

  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  vireo_test_wait_for (os_db_loaded, NULL, 60, "the OS database");
  g_object_set_data (G_OBJECT (window), "test-wanted-title", (gpointer) "Not set");
  vireo_test_wait_for (os_row_titled, window, 10, "the OS page");
  g_assert_null (os_row (window, "os-hints"));

  /* Not yet a valid name: it lives only in its field. */
  name = vireo_test_find_named (vireo_vm_window_get_page (window, "overview"), "name");
  gtk_editable_set_text (GTK_EDITABLE (name), "half/typed");
  g_assert_true (gtk_widget_has_css_class (name, "error"));

  win11 = vireo_os_db_find (vireo_os_db_get_loaded (), "http://microsoft.com/win/11");
  g_assert_nonnull (win11);
  picker = gtk_popover_get_child (gtk_menu_button_get_popover (GTK_MENU_BUTTON (os_row (window, "os-change"))));
  g_assert_true (VIREO_IS_OS_PICKER (picker));
  g_signal_emit_by_name (picker, "os-selected", win11);
  g_object_set_data (G_OBJECT (window), "test-wanted-title", (gpointer) vireo_os_info_get_name (win11));
  vireo_test_wait_for (os_row_titled, window, 10, "the chosen system");

  /* 256 MiB and one vCPU against Windows 11's minimum; BIOS where it
   * needs UEFI. */
  row = os_row (window, "os-memory");
  g_assert_nonnull (row);
  g_assert_true (g_object_get_data (G_OBJECT (row), "vireo-below-minimum") != NULL);
  assert_contains (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "256");
  row = os_row (window, "os-firmware");
  g_assert_nonnull (row);
  assert_contains (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "BIOS");
  g_assert_nonnull (os_row (window, "os-virtio"));

  /* The other page kept its text, and its complaint holds Apply back. */
  name = vireo_test_find_named (vireo_vm_window_get_page (window, "overview"), "name");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "half/typed");
  gtk_widget_activate_action (GTK_WIDGET (window), "details.apply", NULL);
  g_assert_true (vireo_vm_window_get_loaded (window));   /* not busy applying */
  gtk_editable_set_text (GTK_EDITABLE (name), "gamma");
  drain ();

  apply_and_wait (window);
  xml = read_xml (gamma, TRUE);
  assert_contains (xml, "<libosinfo:os id=\"http://microsoft.com/win/11\"/>");
  gtk_window_destroy (GTK_WINDOW (window));

  /* Written by a newer osinfo-db somewhere else. */
  redefine_replacing (gamma, "http://microsoft.com/win/11", "http://example.org/newos/1");
  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  g_object_set_data (G_OBJECT (window), "test-wanted-title", (gpointer) "http://example.org/newos/1");
  vireo_test_wait_for (os_row_titled, window, 10, "the raw id");
  assert_contains (adw_action_row_get_subtitle (ADW_ACTION_ROW (os_row (window, "os-name"))), "database");
  g_assert_null (os_row (window, "os-hints"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
disk_row (VireoVmWindow *window,
          const char    *name)
{
  drain ();
  return vireo_test_find_named (vireo_vm_window_get_page (window, "device-0"), name);
}

static char *
edit_xml (VireoVmWindow *window)
{
  return vireo_domain_config_to_xml (vireo_vm_window_get_edit_config (window));
}

/* The pools arrive after the page: until then a volume cannot be chosen
 * (the row says so); the choice is made again until it takes. */
static gboolean
volume_source_taken (gpointer data)
{
  VireoVmWindow *window = data;
  GtkWidget *row;

  if (disk_row (window, "disk-pool") != NULL)
    return TRUE;
  row = disk_row (window, "disk-source-type");
  vireo_test_select_value (row, "file");
  vireo_test_select_value (row, "volume");
  return FALSE;
}

/* Disk source: file ↔ pool volume ↔ block, with the volume's format
 * following it; device type, I/O, discard and serial, each refusing what
 * libvirt or QEMU would, on the field. */
static void
test_disk_source (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *xml = NULL;
  VireoVmWindow *window;
  GtkWidget *row;

  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  g_assert_true (vireo_vm_window_show_page (window, "device-0"));

  /* shared.img is a volume of test-pool: the same image, named by pool. */
  vireo_test_wait_for (volume_source_taken, window, 10, "the pools");
  xml = edit_xml (window);
  assert_contains (xml, "<disk type=\"volume\"");
  assert_contains (xml, "<source pool=\"test-pool\" volume=\"shared.img\"/>");
  g_clear_pointer (&xml, g_free);

  /* Another volume: its format comes with it. */
  vireo_test_select_value (disk_row (window, "disk-volume"), "beta.qcow2");
  xml = edit_xml (window);
  assert_contains (xml, "volume=\"beta.qcow2\"");
  assert_contains (xml, "type=\"qcow2\"");
  g_clear_pointer (&xml, g_free);
  assert_contains (gtk_label_get_text (g_object_get_data (G_OBJECT (disk_row (window, "disk-host-size")),
                                                         "vireo-label")),
                   "in pool test-pool");

  /* Back to a file: the volume's path. */
  vireo_test_select_value (disk_row (window, "disk-source-type"), "file");
  xml = edit_xml (window);
  assert_contains (xml, "<source file=\"/test-pool/beta.qcow2\"/>");
  g_clear_pointer (&xml, g_free);

  /* A CD-ROM on virtio: refused on the field, the disk stays a disk. */
  row = disk_row (window, "disk-device");
  vireo_test_select_value (row, "cdrom");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  assert_contains (gtk_widget_get_tooltip_text (row), "VirtIO");
  xml = edit_xml (window);
  assert_contains (xml, "device=\"disk\"");
  g_clear_pointer (&xml, g_free);
  vireo_test_select_value (row, "disk");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* Native AIO wants the host cache bypassed. */
  row = disk_row (window, "disk-io");
  vireo_test_select_value (row, "native");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  vireo_test_select_value (disk_row (window, "disk-cache"), "none");
  vireo_test_select_value (row, "threads");
  vireo_test_select_value (row, "native");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  vireo_test_select_value (disk_row (window, "disk-discard"), "unmap");

  /* The serial's characters, as libvirt's schema has them. */
  row = disk_row (window, "disk-serial");
  gtk_editable_set_text (GTK_EDITABLE (row), "bad/serial");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  assert_contains (gtk_widget_get_tooltip_text (row), "“/”");
  gtk_editable_set_text (GTK_EDITABLE (row), "VIREO-42");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  /* No removable switch on a virtio disk. */
  g_assert_null (disk_row (window, "disk-removable"));

  apply_and_wait (window);
  xml = read_xml (gamma, TRUE);
  assert_contains (xml, "<source file='/test-pool/beta.qcow2'/>");
  assert_contains (xml, "<serial>VIREO-42</serial>");
  assert_contains (xml, "io='native'");
  assert_contains (xml, "discard='unmap'");
  assert_contains (xml, "cache='none'");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A usermode card's page carries the port forwarding editor: "Use passt"
 * and a forward reach the copy. Debian's libvirt refuses passt at define,
 * and then the window shows libvirt's words and keeps the edit. */
static void
test_nic_port_forwarding (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autofree char *page_name = NULL;
  g_autofree char *edit = NULL;
  VireoVmWindow *window;
  GtkWidget *page, *editor;

  define_with_device (gamma, "<interface type='user'><mac address='52:54:00:00:00:99'/></interface>");
  window = vireo_vm_window_present_for (NULL, gamma);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the configuration");
  drain ();
  page_name = form_page (window, "nic-type");
  g_assert_nonnull (page_name);
  page = vireo_vm_window_get_page (window, page_name);
  editor = vireo_test_find_named (page, "port-forward-editor");
  g_assert_nonnull (editor);
  g_assert_true (gtk_widget_get_visible (vireo_test_find_named (editor, "passt-needed")));
  /* The test driver cannot be asked (no domxml-to-native): offered. */
  g_assert_true (gtk_widget_get_sensitive (vireo_test_find_named (editor, "use-passt")));
  g_signal_emit_by_name (vireo_test_find_named (editor, "use-passt"), "clicked");

  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_named (editor, "add-port-forward-host")), "2222");
  gtk_editable_set_text (GTK_EDITABLE (vireo_test_find_named (editor, "add-port-forward-guest")), "22");
  g_signal_emit_by_name (vireo_test_find_named (editor, "add-port-forward-confirm"), "clicked");
  drain ();
  edit = vireo_domain_config_to_xml (vireo_vm_window_get_edit_config (window));
  assert_contains (edit, "<backend type=\"passt\"/>");
  assert_contains (edit, "<portForward proto=\"tcp\">");
  assert_contains (edit, "<range start=\"2222\" to=\"22\"/>");
  g_assert_true (vireo_vm_window_get_modified (window));

  /* Whether libvirt takes passt is libvirt's to say. */
  gtk_widget_activate_action (GTK_WIDGET (window), "details.apply", NULL);
  vireo_test_wait_for (vireo_test_vm_window_loaded, window, 10, "the define");
  if (vireo_vm_window_get_error (window) != NULL)
    {
      assert_contains (vireo_vm_window_get_error (window), "passt");
      g_assert_true (vireo_vm_window_get_modified (window));
    }
  else
    {
      g_autofree char *xml = read_xml (gamma, TRUE);

      assert_contains (xml, "<backend type='passt'/>");
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_trace_finalized_objects ();
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();

  g_test_add_func ("/vm-details/graphics", test_graphics_page);
  g_test_add_func ("/vm-details/cpus", test_cpus_page);
  g_test_add_func ("/vm-details/device-xml-view", test_device_xml_view);
  g_test_add_func ("/vm-details/boot", test_boot_page);
  g_test_add_func ("/vm-details/device-form", test_device_form);
  g_test_add_func ("/vm-details/device-form-next-boot", test_device_form_next_boot);
  g_test_add_func ("/vm-details/controller", test_controller_page);
  g_test_add_func ("/vm-details/firmware-switch", test_firmware_switch);
  g_test_add_func ("/vm-details/autostart", test_autostart);
  g_test_add_func ("/vm-details/nic", test_nic_page);
  g_test_add_func ("/vm-details/memory", test_memory_page);
  g_test_add_func ("/vm-details/os", test_os_page);
  g_test_add_func ("/vm-details/disk-source", test_disk_source);
  g_test_add_func ("/vm-details/nic-port-forwarding", test_nic_port_forwarding);
  g_test_add_func ("/vm-details/disk-host-size", test_disk_host_size);
  g_test_add_func ("/vm-details/add-hardware", test_add_hardware);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (10 * G_USEC_PER_SEC));
  return ret;
}
