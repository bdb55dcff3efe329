/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The New VM wizard on the private libvirtd, through its widgets: a
 * bootable ISO built here (a boot sector that writes to the serial port),
 * QEMU chosen under Architecture options, a small disk and no network;
 * Create; then the guest's serial console must say what the ISO's boot
 * code prints, which proves the machine booted the install media the
 * wizard gave it. The job's other paths (import, install tree, UEFI,
 * failures, cancel) are in test-create-integration.c.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-create-job.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"

#define NAME  "vireo-wizard-guest"
#define POOL  "vireo-wizard-pool"
#define BOOT_TEXT "VIREO-BOOT-OK"


static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

static void
drain (void)
{
  for (int i = 0; i < 50; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static GtkWidget *
find (gpointer    dialog,
      const char *name)
{
  GtkWidget *w = vireo_test_find_named (GTK_WIDGET (dialog), name);

  if (w == NULL)
    g_error ("no widget named %s", name);
  return w;
}

static void
select_label (gpointer    dialog,
              const char *name,
              const char *part)
{
  AdwComboRow *row = ADW_COMBO_ROW (find (dialog, name));
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (strstr (gtk_string_list_get_string (GTK_STRING_LIST (model), i), part) != NULL)
      {
        adw_combo_row_set_selected (row, i);
        drain ();
        return;
      }
  g_error ("%s offers nothing like %s", name, part);
}

static gboolean
dialog_ready (gpointer data)
{
  return vireo_new_vm_dialog_get_ready (data);
}

static gboolean
os_db_loaded (gpointer data)
{
  return vireo_os_db_get_loaded () != NULL;
}

static gboolean
dialog_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
forward (gpointer dialog)
{
  drain ();
  g_assert_true (gtk_widget_get_sensitive (find (dialog, "forward")));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "wizard.forward", NULL);
  drain ();
}

/* A no-emulation El Torito boot image: with DS at 0, write BOOT_TEXT to
 * COM1 (0x3f8) again and again, a busy pause between. The BIOS loads it
 * at 0x7c00. */
static void
write_boot_image (const char *path)
{
  static const guint8 code[] = {
    0x31, 0xc0,             /* xor ax, ax */
    0x8e, 0xd8,             /* mov ds, ax */
    0xfc,                   /* cld */
    0xba, 0xf8, 0x03,       /* mov dx, 0x3f8 */
    0xbe, 0x19, 0x7c,       /* print: mov si, 0x7c19 (the text) */
    0xac,                   /* next: lodsb */
    0x84, 0xc0,             /* test al, al */
    0x74, 0x03,             /* jz pause */
    0xee,                   /* out dx, al */
    0xeb, 0xf8,             /* jmp next */
    0x31, 0xc9,             /* pause: xor cx, cx */
    0xe2, 0xfe,             /* loop $ */
    0xeb, 0xef,             /* jmp print */
  };
  g_autoptr(GByteArray) image = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (sizeof code, ==, 0x19);
  g_byte_array_append (image, code, sizeof code);
  g_byte_array_append (image, (const guint8 *) BOOT_TEXT "\r\n", strlen (BOOT_TEXT) + 3);
  g_byte_array_set_size (image, 2048);
  g_file_set_contents (path, (const char *) image->data, image->len, &error);
  g_assert_no_error (error);
}

static void
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

typedef struct
{
  virStreamPtr  stream;
  GString      *text;
  gboolean      found;
  gint64        deadline;
  gint          done;
} Console;

static gpointer
read_console (gpointer data)
{
  Console *c = data;
  char buf[256];

  while (!c->found && g_get_monotonic_time () < c->deadline)
    {
      int n = virStreamRecv (c->stream, buf, sizeof buf);

      if (n == -2)
        {
          g_usleep (20000);
          continue;
        }
      if (n <= 0)
        break;
      g_string_append_len (c->text, buf, n);
      c->found = strstr (c->text->str, BOOT_TEXT) != NULL;
    }
  g_atomic_int_set (&c->done, 1);
  return NULL;
}

static gboolean
console_done (gpointer data)
{
  return g_atomic_int_get (&((Console *) data)->done);
}

static gboolean
has_vm_window (gpointer data)
{
  return VIREO_VM_WINDOW (vireo_test_find_toplevel (VIREO_TYPE_VM_WINDOW)) != NULL;
}

static gboolean
window_not_customizing (gpointer data)
{
  return !vireo_vm_window_get_customizing (data);
}

static gboolean
domain_active (gpointer data)
{
  return virDomainIsActive (data) == 1;
}

/* @data: with "Customize configuration before install": the machine is
 * defined, its title changed in its window, and Begin Installation boots
 * it; without, Create boots it at once. */
static gboolean
console_view_shown (gpointer data)
{
  GtkWidget *stack = vireo_test_find_descendant (GTK_WIDGET (data), ADW_TYPE_VIEW_STACK);

  return g_strcmp0 (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (stack)), "console") == 0;
}

static void
test_wizard_boots_iso (gconstpointer data)
{
  gboolean customize = GPOINTER_TO_INT (data);
  const char *name = customize ? NAME "-custom" : NAME;
  g_autofree char *volume_name = g_strconcat (name, ".qcow2", NULL);
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *root = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "wizard-iso-root", NULL);
  g_autofree char *boot = g_build_filename (root, "boot.bin", NULL);
  g_autofree char *iso = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "wizard-boot.iso", NULL);
  g_autofree char *pool_dir = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "wizard-pool", NULL);
  g_autofree char *pool_xml = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  g_autoptr(VireoConnectionManager) manager = vireo_connection_manager_new ();
  virConnectPtr direct = virConnectOpen (uri);
  virStoragePoolPtr pool;
  virDomainPtr dom;
  VireoNewVmDialog *dialog;
  gpointer weak;
  char *live;
  Console console = { 0 };
  GThread *reader;

  /* The machine's window shows its SPICE screen while the test stops and
   * starts the machine. GLib resets the fatal handler for each test. */
  vireo_test_tolerate_spice_warnings ();
  g_assert_nonnull (direct);
  g_assert_cmpint (g_mkdir_with_parents (root, 0755), ==, 0);
  write_boot_image (boot);
  run_tool ((const char *[]) { "xorriso", "-as", "mkisofs", "-quiet", "-V", "VIREO_BOOT", "-o", iso,
                               "-b", "boot.bin", "-no-emul-boot", "-boot-load-size", "4", root, NULL });
  g_assert_cmpint (g_mkdir_with_parents (pool_dir, 0755), ==, 0);
  pool_xml = g_strdup_printf ("<pool type='dir'><name>" POOL "</name><target><path>%s</path></target></pool>",
                              pool_dir);
  pool = virStoragePoolCreateXML (direct, pool_xml, 0);
  g_assert_nonnull (pool);

  conn = vireo_test_open_connection (uri, 0);
  dialog = vireo_new_vm_dialog_new (NULL, manager, conn);
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  gtk_window_present (GTK_WINDOW (dialog));
  vireo_test_wait_for (dialog_ready, dialog, 30, "the host's lists");
  vireo_test_wait_for (os_db_loaded, NULL, 60, "osinfo-db");

  /* Step 1: a path that is not there is held on the step, on a host
   * whose files are this computer's. */
  {
    g_autofree char *missing = g_strconcat (iso, ".missing", NULL);
    GtkWidget *problem = find (dialog, "problem-method");

    gtk_editable_set_text (GTK_EDITABLE (find (dialog, "media-path")), missing);
    vireo_test_wait_for (dialog_ready, dialog, 30, "the media check");
    drain ();
    g_assert_false (gtk_widget_get_sensitive (find (dialog, "forward")));
    g_assert_true (gtk_widget_get_visible (problem));
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (problem)), "does not exist"));
  }
  /* The ISO, and TCG (CI has no usable KVM). */
  gtk_editable_set_text (GTK_EDITABLE (find (dialog, "media-path")), iso);
  select_label (dialog, "arch-virt-type", "QEMU");
  vireo_test_wait_for (dialog_ready, dialog, 30, "the capabilities for TCG");
  g_assert_cmpstr (vireo_domain_caps_get_domain_type (vireo_vm_builder_get_caps (vireo_new_vm_dialog_get_builder (dialog))),
                   ==, "qemu");
  forward (dialog);
  /* Step 2: generic. Step 3: small. */
  forward (dialog);
  gtk_spin_button_set_value (vireo_test_find_spin (find (dialog, "memory")), 128);
  gtk_spin_button_set_value (vireo_test_find_spin (find (dialog, "vcpus")), 1);
  forward (dialog);
  /* Step 4: a small new disk in the test pool. */
  select_label (dialog, "pool", POOL);
  gtk_spin_button_set_value (vireo_test_find_spin (find (dialog, "disk-size")), 0.1);
  forward (dialog);
  /* Step 5: the name; no network (the environment has none). */
  gtk_editable_set_text (GTK_EDITABLE (find (dialog, "name")), name);
  select_label (dialog, "network", "No network");
  gtk_switch_set_active (vireo_test_find_switch (find (dialog, "customize")), customize);
  forward (dialog);

  vireo_test_wait_for (dialog_gone, &weak, 120, "the creation job");

  dom = virDomainLookupByName (direct, name);
  g_assert_nonnull (dom);
  if (customize)
    {
      VireoVmWindow *window;
      GtkWidget *title;

      g_assert_cmpint (virDomainIsActive (dom), ==, 0);
      /* Opened once libvirt's event lists the machine, which can come
       * after the job's answer. */
      vireo_test_wait_for (has_vm_window, NULL, 30, "the machine's window");
      window = VIREO_VM_WINDOW (vireo_test_find_toplevel (VIREO_TYPE_VM_WINDOW));
      g_assert_true (vireo_vm_window_get_customizing (window));
      vireo_test_wait_for (vireo_test_vm_window_loaded, window, 30, "the machine's details");
      g_assert_true (vireo_vm_window_show_page (window, "overview"));
      title = vireo_test_find_named (vireo_vm_window_get_page (window, "overview"), "title");
      g_assert_nonnull (title);
      gtk_editable_set_text (GTK_EDITABLE (title), "Customized in Vireo");
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "details.begin-install", NULL));
      /* Until the job is done, not merely until the domain is active:
       * libvirt marks it active while QEMU's devices are still being set
       * up, and the console cannot be opened yet then. */
      vireo_test_wait_for (window_not_customizing, window, 120, "Begin Installation");
      g_assert_null (vireo_vm_window_get_error (window));
      g_assert_true (domain_active (dom));
      live = virDomainGetXMLDesc (dom, 0);
      g_assert_nonnull (strstr (live, "<title>Customized in Vireo</title>"));
      free (live);
    }
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  live = virDomainGetXMLDesc (dom, 0);
  g_assert_nonnull (strstr (live, "type='qemu'"));
  g_assert_nonnull (strstr (live, iso));
  g_assert_nonnull (strstr (live, "<on_reboot>destroy</on_reboot>"));
  free (live);

  /* The guest booted the ISO: its boot code speaks on the serial port. */
  console.stream = virStreamNew (direct, VIR_STREAM_NONBLOCK);
  g_assert_nonnull (console.stream);
  if (virDomainOpenConsole (dom, NULL, console.stream, VIR_DOMAIN_CONSOLE_FORCE) < 0)
    {
      g_autofree char *why = g_strdup (virGetLastErrorMessage ());

      g_error ("could not open the guest's console (active: %d): %s", virDomainIsActive (dom), why);
    }
  console.text = g_string_new (NULL);
  console.deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  reader = g_thread_new ("console", read_console, &console);
  /* The main loop keeps turning: libvirt's keepalives run on it. */
  vireo_test_wait_for (console_done, &console, 90, "the console");
  g_thread_join (reader);
  if (!console.found)
    g_error ("the guest's console never said %s; it said:\n%s", BOOT_TEXT, console.text->str);
  virStreamAbort (console.stream);
  virStreamFree (console.stream);
  g_string_free (console.text, TRUE);

  /* The install watch is on the machine Vireo listed. */
  {
    VireoDomain *domain = NULL;
    GListModel *list = vireo_connection_list_domains (conn);

    for (guint i = 0; i < g_list_model_get_n_items (list); i++)
      {
        g_autoptr(VireoDomain) d = g_list_model_get_item (list, i);

        if (g_str_equal (vireo_domain_get_name (d), name))
          domain = d;
      }
    g_assert_nonnull (domain);
    g_assert_true (vireo_domain_get_watching_install (domain));
  }

  /* The machine's window shows the installer's screen, not its details. */
  vireo_test_wait_for (has_vm_window, NULL, 30, "the machine's window");
  vireo_test_wait_for (console_view_shown, vireo_test_find_toplevel (VIREO_TYPE_VM_WINDOW), 30,
                       "the Console view of the new machine");

  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_NVRAM), ==, 0);
  virDomainFree (dom);
  {
    virStorageVolPtr vol = virStorageVolLookupByName (pool, volume_name);

    g_assert_nonnull (vol);
    g_assert_cmpint (virStorageVolDelete (vol, 0), ==, 0);
    virStorageVolFree (vol);
  }
  virStoragePoolDestroy (pool);
  virStoragePoolFree (pool);
  virConnectClose (direct);
  {
    VireoVmWindow *window = VIREO_VM_WINDOW (vireo_test_find_toplevel (VIREO_TYPE_VM_WINDOW));

    if (window != NULL)
      gtk_window_destroy (GTK_WINDOW (window));
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();
  vireo_os_db_load_async (NULL, NULL, NULL);

  g_test_add_data_func ("/integration/new-vm/wizard-boots-iso", GINT_TO_POINTER (FALSE), test_wizard_boots_iso);
  g_test_add_data_func ("/integration/new-vm/customize-then-begin", GINT_TO_POINTER (TRUE), test_wizard_boots_iso);
  return g_test_run ();
}
