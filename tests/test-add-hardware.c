/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-device-fields.h"
#include "vireo-disk.h"
#include "vireo-test-model.h"
#include "vireo-test-ui.h"
#include "vireo-test-util.h"
#include "vireo-ui.h"

/*
 * Add Hardware, driven through its widgets (found by name) the way a user
 * would. Run with --dump DIR, it writes a domain for every case instead,
 * for check-add-hardware-rng.sh to hold against libvirt's schema.
 */

/* A small machine with nothing the dialog would refuse to add to. */
static const char q35_xml[] =
  "<domain type='kvm'>\n"
  "  <name>lab</name>\n"
  "  <uuid>0c4b2d6e-5b8a-4f51-9d3e-2a7c1e9f4b60</uuid>\n"
  "  <memory unit='KiB'>2097152</memory>\n"
  "  <vcpu placement='static'>2</vcpu>\n"
  "  <os>\n"
  "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n"
  "  </os>\n"
  "  <devices>\n"
  "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
  "    <disk type='file' device='disk'>\n"
  "      <driver name='qemu' type='qcow2'/>\n"
  "      <source file='/var/lib/libvirt/images/lab.qcow2'/>\n"
  "      <target dev='vda' bus='virtio'/>\n"
  "    </disk>\n"
  "    <interface type='network'>\n"
  "      <mac address='52:54:00:00:00:01'/>\n"
  "      <source network='default'/>\n"
  "      <model type='virtio'/>\n"
  "    </interface>\n"
  "  </devices>\n"
  "</domain>\n";

/* The same on the older PC machine type, where CD-ROMs go on IDE. */
static const char pc_xml[] =
  "<domain type='kvm'>\n"
  "  <name>oldlab</name>\n"
  "  <uuid>5e8d1c2a-7f3b-4a69-8c1d-0b9e6f2a3d74</uuid>\n"
  "  <memory unit='KiB'>1048576</memory>\n"
  "  <vcpu placement='static'>1</vcpu>\n"
  "  <os>\n"
  "    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>\n"
  "  </os>\n"
  "  <devices>\n"
  "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
  "    <disk type='file' device='disk'>\n"
  "      <driver name='qemu' type='raw'/>\n"
  "      <source file='/var/lib/libvirt/images/oldlab.img'/>\n"
  "      <target dev='hda' bus='ide'/>\n"
  "    </disk>\n"
  "  </devices>\n"
  "</domain>\n";

static const char * const usb_labels[] = {
  "Logitech, Inc. Unifying Receiver (046d:c52b)", "SanDisk Corp. Cruzer Blade (0781:5567)", NULL
};
static const char * const usb_xmls[] = {
  "<hostdev mode='subsystem' type='usb' managed='yes'>\n"
  "  <source>\n"
  "    <vendor id='0x046d'/>\n"
  "    <product id='0xc52b'/>\n"
  "  </source>\n"
  "</hostdev>",
  "<hostdev mode='subsystem' type='usb' managed='yes'>\n"
  "  <source>\n"
  "    <vendor id='0x0781'/>\n"
  "    <product id='0x5567'/>\n"
  "  </source>\n"
  "</hostdev>",
  NULL
};
static const char * const pci_labels[] = { "Intel Corporation I350 Gigabit (0000:0a:00.0)", NULL };
static const char * const pci_xmls[] = {
  "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
  "  <source>\n"
  "    <address domain='0x0000' bus='0x0a' slot='0x00' function='0x0'/>\n"
  "  </source>\n"
  "</hostdev>",
  NULL
};

/* ---------------------------------------------------------------- helpers */

static VireoDomainCaps *
open_caps (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "domcaps", name, NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  VireoDomainCaps *caps;

  g_file_get_contents (path, &xml, NULL, &error);
  g_assert_no_error (error);
  caps = vireo_domain_caps_new_from_xml (xml, &error);
  g_assert_no_error (error);
  return caps;
}

static VireoAddHardwareDialog *
new_dialog (VireoDomainConfig *config)
{
  VireoAddHardwareDialog *dialog = vireo_add_hardware_dialog_new (NULL, config);

  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
feed_lists (VireoAddHardwareDialog *dialog)
{
  vireo_add_hardware_dialog_set_pools (dialog, (const char * const[]) { "default", "isos", NULL });
  vireo_add_hardware_dialog_set_networks (dialog, (const char * const[]) { "default", "isolated", NULL });
  vireo_add_hardware_dialog_set_bridges (dialog, (const char * const[]) { "br0", "virbr1", NULL });
  vireo_add_hardware_dialog_set_host_devices (dialog, "usb", usb_labels, usb_xmls);
  vireo_add_hardware_dialog_set_host_devices (dialog, "pci", pci_labels, pci_xmls);
}

static void
destroy_dialog (VireoAddHardwareDialog *dialog)
{
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
  while (dialog != NULL)
    g_main_context_iteration (NULL, FALSE);
}

static GtkWidget *
named (VireoAddHardwareDialog *dialog,
       const char             *name)
{
  GtkWidget *widget = vireo_test_find_named (GTK_WIDGET (dialog), name);

  if (widget == NULL)
    g_error ("no widget named “%s” in the dialog", name);
  return widget;
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static char **
combo_values (VireoAddHardwareDialog *dialog,
              const char             *name)
{
  return g_strdupv (g_object_get_data (G_OBJECT (named (dialog, name)), "vireo-values"));
}

static const char *
combo_value (VireoAddHardwareDialog *dialog,
             const char             *name)
{
  GtkWidget *row = named (dialog, name);
  char **values = g_object_get_data (G_OBJECT (row), "vireo-values");

  return values[adw_combo_row_get_selected (ADW_COMBO_ROW (row))];
}

static void
choose (VireoAddHardwareDialog *dialog,
        const char             *name,
        const char             *value)
{
  GtkWidget *row = named (dialog, name);
  char **values = g_object_get_data (G_OBJECT (row), "vireo-values");

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    if (g_str_equal (values[i], value))
      {
        adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);
        return;
      }
  g_error ("“%s” offers no “%s”", name, value);
}

/* Types into the row's entry: an AdwEntryRow, or the entry of a field row. */
static void
type_into (VireoAddHardwareDialog *dialog,
           const char             *name,
           const char             *text)
{
  GtkWidget *row = named (dialog, name);
  GtkWidget *editable = ADW_IS_ENTRY_ROW (row) ? row : find_type (row, GTK_TYPE_ENTRY);

  g_assert_nonnull (editable);
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

static void
pick_host_device (VireoAddHardwareDialog *dialog,
                  guint                   index)
{
  g_autofree char *name = g_strdup_printf ("host-device-%u", index);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (find_type (named (dialog, name), GTK_TYPE_CHECK_BUTTON)), TRUE);
}

static gboolean
add_enabled (VireoAddHardwareDialog *dialog)
{
  return gtk_widget_is_sensitive (named (dialog, "add"));
}

static const char *
shown_problem (VireoAddHardwareDialog *dialog)
{
  GtkWidget *label = named (dialog, "problem");
  GtkRevealer *revealer = GTK_REVEALER (gtk_widget_get_ancestor (label, GTK_TYPE_REVEALER));

  return gtk_revealer_get_reveal_child (revealer) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

/* Refusals and mistakes are red; a next step ("Looking for…", "Choose…")
 * is not. */
static gboolean
problem_looks_wrong (VireoAddHardwareDialog *dialog)
{
  GtkWidget *banner = gtk_widget_get_parent (named (dialog, "problem"));

  return gtk_widget_has_css_class (banner, "vireo-error");
}

static VireoXmlEditor *
xml_editor (VireoAddHardwareDialog *dialog)
{
  return VIREO_XML_EDITOR (named (dialog, "xml-editor"));
}

/* Add is on, and what it would send goes into the machine. */
static VireoHardwareRequest *
assert_adds (VireoAddHardwareDialog *dialog,
             VireoDomainConfig      *config,
             const char             *what)
{
  VireoHardwareRequest *req = vireo_add_hardware_dialog_dup_request (dialog);
  g_autoptr(VireoDomainConfig) copy = NULL;
  g_autoptr(GError) error = NULL;
  VireoDevice *device;

  if (req == NULL)
    g_error ("%s: Add is off: %s", what, vireo_add_hardware_dialog_get_problem (dialog));
  g_assert_true (add_enabled (dialog));
  g_assert_null (shown_problem (dialog));

  copy = vireo_domain_config_copy (config);
  device = vireo_domain_config_add_device (copy, vireo_hardware_request_get_xml (req), &error);
  g_assert_no_error (error);
  g_assert_nonnull (device);
  g_assert_cmpint (vireo_device_get_kind (device), ==, vireo_hardware_request_get_kind (req));
  return req;
}

/* -------------------------------------------------------------- the cases */

typedef void (*CaseFunc) (VireoAddHardwareDialog *dialog,
                          const char             *name,
                          VireoHardwareRequest   *req,    /* NULL: refused */
                          gpointer                data);

static void
report (VireoAddHardwareDialog *dialog,
        const char             *name,
        CaseFunc                func,
        gpointer                data)
{
  g_autoptr(VireoHardwareRequest) req = vireo_add_hardware_dialog_dup_request (dialog);

  func (dialog, name, req, data);
}

/* Every kind in every variant the dialog offers, and the forms' main
 * choices, set through the widgets. */
static void
for_each_case (VireoAddHardwareDialog *dialog,
               CaseFunc                func,
               gpointer                data)
{
  const char * const *kinds = vireo_add_hardware_dialog_list_kinds ();

  g_assert_cmpuint (g_strv_length ((char **) kinds), ==, 21);
  for (guint k = 0; kinds[k] != NULL; k++)
    {
      g_auto(GStrv) variants = NULL;

      g_assert_true (vireo_add_hardware_dialog_select_kind (dialog, kinds[k]));
      g_assert_cmpstr (vireo_add_hardware_dialog_get_kind (dialog), ==, kinds[k]);

      if (g_str_equal (kinds[k], "storage"))
        {
          report (dialog, "storage-new-volume", func, data);
          choose (dialog, "storage-format", "raw");
          report (dialog, "storage-new-raw-volume", func, data);
          choose (dialog, "storage-bus", "sata");
          report (dialog, "storage-sata", func, data);
          choose (dialog, "storage-bus", "scsi");
          report (dialog, "storage-scsi", func, data);
          choose (dialog, "storage-bus", "virtio");
          choose (dialog, "storage-source", "path");
          type_into (dialog, "storage-path", "/var/lib/libvirt/images/data.qcow2");
          report (dialog, "storage-file", func, data);
          type_into (dialog, "storage-path", "/dev/sdb");
          report (dialog, "storage-block", func, data);
          choose (dialog, "storage-device", "cdrom");
          report (dialog, "storage-cdrom-empty", func, data);
          choose (dialog, "storage-source", "path");
          type_into (dialog, "storage-path", "/var/lib/libvirt/images/install.iso");
          report (dialog, "storage-cdrom-iso", func, data);
          choose (dialog, "storage-device", "floppy");
          report (dialog, "storage-floppy", func, data);
          continue;
        }
      if (g_str_equal (kinds[k], "network"))
        {
          report (dialog, "network-nat", func, data);
          choose (dialog, "nic-type", "bridge");
          report (dialog, "network-bridge", func, data);
          choose (dialog, "nic-type", "direct");
          type_into (dialog, "nic-device", "eth0");
          choose (dialog, "nic-mode", "vepa");
          report (dialog, "network-direct", func, data);
          choose (dialog, "nic-type", "user");
          choose (dialog, "nic-model", "e1000e");
          report (dialog, "network-user", func, data);
          continue;
        }
      if (g_str_equal (kinds[k], "usb-host") || g_str_equal (kinds[k], "pci-host"))
        {
          pick_host_device (dialog, 0);
          report (dialog, kinds[k], func, data);
          continue;
        }

      variants = vireo_add_hardware_dialog_dup_variants (dialog);
      g_assert_cmpuint (g_strv_length (variants), >, 0);
      for (guint v = 0; variants[v] != NULL; v++)
        {
          g_autofree char *name = g_strdup_printf ("%s-%s", kinds[k], variants[v]);

          g_assert_true (vireo_add_hardware_dialog_select_variant (dialog, variants[v]));
          report (dialog, name, func, data);
        }

      /* A few fields set through their rows, as the model checks them. */
      if (g_str_equal (kinds[k], "serial"))
        {
          choose (dialog, "field-serial-type", "tcp");
          choose (dialog, "field-serial-source-mode", "bind");
          type_into (dialog, "field-serial-source-host", "127.0.0.1");
          type_into (dialog, "field-serial-source-service", "4555");
          report (dialog, "serial-tcp", func, data);
        }
      else if (g_str_equal (kinds[k], "tpm"))
        {
          choose (dialog, "field-tpm-backend", "passthrough");
          type_into (dialog, "field-tpm-device", "/dev/tpm0");
          report (dialog, "tpm-passthrough", func, data);
        }
      else if (g_str_equal (kinds[k], "filesystem"))
        {
          type_into (dialog, "field-filesystem-source-dir", "/home/shared");
          type_into (dialog, "field-filesystem-target", "homeshare");
          gtk_switch_set_active (GTK_SWITCH (find_type (named (dialog, "field-filesystem-readonly"), GTK_TYPE_SWITCH)),
                                 TRUE);
          report (dialog, "filesystem-edited", func, data);
        }
      else if (g_str_equal (kinds[k], "graphics"))
        {
          choose (dialog, "graphics-listen", "127.0.0.1");
          report (dialog, "graphics-localhost", func, data);
        }
    }
}

static void
check_case (VireoAddHardwareDialog *dialog,
            const char             *name,
            VireoHardwareRequest   *req,
            gpointer                data)
{
  g_autoptr(VireoHardwareRequest) added = assert_adds (dialog, data, name);
  g_autofree char *preview = NULL;
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (vireo_xml_editor_get_buffer (xml_editor (dialog)));
  GtkTextIter start, end;

  /* The XML tab holds exactly what Add sends. */
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  preview = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
  g_assert_cmpstr (g_strstrip (preview), ==, vireo_hardware_request_get_xml (req));
  g_assert_false (vireo_xml_editor_get_modified (xml_editor (dialog)));
}

static void
test_every_kind (void)
{
  const char *configs[] = { q35_xml, pc_xml };

  for (guint c = 0; c < G_N_ELEMENTS (configs); c++)
    {
      g_autoptr(VireoDomainConfig) config = open_inline (configs[c]);
      VireoAddHardwareDialog *dialog = new_dialog (config);

      feed_lists (dialog);
      for_each_case (dialog, check_case, config);
      destroy_dialog (dialog);
    }
}

static void
test_kind_devices (void)
{
  static const struct {
    const char      *kind;
    VireoDeviceKind  device;
  } expected[] = {
    { "storage", VIREO_DEVICE_DISK }, { "network", VIREO_DEVICE_INTERFACE },
    { "graphics", VIREO_DEVICE_GRAPHICS }, { "video", VIREO_DEVICE_VIDEO }, { "sound", VIREO_DEVICE_SOUND },
    { "input", VIREO_DEVICE_INPUT }, { "serial", VIREO_DEVICE_SERIAL }, { "console", VIREO_DEVICE_CONSOLE },
    { "channel", VIREO_DEVICE_CHANNEL }, { "controller", VIREO_DEVICE_CONTROLLER },
    { "usb-host", VIREO_DEVICE_HOSTDEV }, { "pci-host", VIREO_DEVICE_HOSTDEV },
    { "redirdev", VIREO_DEVICE_REDIRDEV }, { "filesystem", VIREO_DEVICE_FILESYSTEM }, { "tpm", VIREO_DEVICE_TPM },
    { "rng", VIREO_DEVICE_RNG }, { "watchdog", VIREO_DEVICE_WATCHDOG }, { "panic", VIREO_DEVICE_PANIC },
    { "smartcard", VIREO_DEVICE_SMARTCARD }, { "vsock", VIREO_DEVICE_VSOCK },
    { "memballoon", VIREO_DEVICE_MEMBALLOON },
  };
  g_autoptr(VireoDomainConfig) config = open_inline (q35_xml);
  VireoAddHardwareDialog *dialog = new_dialog (config);

  feed_lists (dialog);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(VireoHardwareRequest) req = NULL;

      vireo_add_hardware_dialog_select_kind (dialog, expected[i].kind);
      if (expected[i].device == VIREO_DEVICE_HOSTDEV)
        pick_host_device (dialog, 0);
      req = assert_adds (dialog, config, expected[i].kind);
      g_assert_cmpint (vireo_hardware_request_get_kind (req), ==, expected[i].device);
      /* Each kind's row is in the list, named for the tests. */
      {
        g_autofree char *row = g_strconcat ("kind-", expected[i].kind, NULL);
        g_assert_true (GTK_IS_LIST_BOX_ROW (named (dialog, row)));
      }
    }
  g_assert_false (vireo_add_hardware_dialog_select_kind (dialog, "no-such-kind"));
  destroy_dialog (dialog);
}

/* ------------------------------------------------------------- storage */

static char *
request_target (VireoHardwareRequest *req)
{
  g_autoptr(VireoDomainConfig) scratch = open_inline ("<domain type='kvm'><name>t</name><devices/></domain>");
  VireoDevice *device = vireo_domain_config_add_device (scratch, vireo_hardware_request_get_xml (req), NULL);

  g_assert_true (VIREO_IS_DISK (device));
  return vireo_disk_dup_target (VIREO_DISK (device));
}

static void
test_storage_targets (void)
{
  /* vda vdb, sda (scsi), hdb hdc (ide), fda fdb: every free name skips
   * the taken ones, whatever bus took them. */
  g_autoptr(VireoDomainConfig) config = open_fixture ("network-storage.xml");
  VireoAddHardwareDialog *dialog = new_dialog (config);
  g_autoptr(VireoHardwareRequest) req = NULL;
  g_autofree char *target = NULL;

  feed_lists (dialog);
  g_assert_cmpstr (combo_value (dialog, "storage-device"), ==, "disk");
  g_assert_cmpstr (combo_value (dialog, "storage-bus"), ==, "virtio");
  req = assert_adds (dialog, config, "virtio disk");
  target = request_target (req);
  g_assert_cmpstr (target, ==, "vdc");
  g_clear_pointer (&req, vireo_hardware_request_unref);
  g_clear_pointer (&target, g_free);
  /* The volume is named after the machine and the drive. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (dialog, "storage-volume-name"))), ==,
                   "ceph-client-vdc.qcow2");

  choose (dialog, "storage-bus", "sata");
  req = assert_adds (dialog, config, "sata disk");
  target = request_target (req);
  g_assert_cmpstr (target, ==, "sdb");
  g_clear_pointer (&req, vireo_hardware_request_unref);
  g_clear_pointer (&target, g_free);

  /* i440FX: the CD-ROM goes on IDE, in the first free place (a bus the
   * user picked stays, where a CD-ROM can have it). */
  choose (dialog, "storage-bus", "virtio");
  choose (dialog, "storage-device", "cdrom");
  g_assert_cmpstr (combo_value (dialog, "storage-bus"), ==, "ide");
  g_assert_cmpstr (combo_value (dialog, "storage-source"), ==, "empty");
  req = assert_adds (dialog, config, "ide cdrom");
  target = request_target (req);
  g_assert_cmpstr (target, ==, "hda");
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "<readonly/>"));
  g_assert_false (vireo_hardware_request_has_volume (req));
  g_clear_pointer (&req, vireo_hardware_request_unref);
  g_clear_pointer (&target, g_free);

  /* A CD-ROM never goes on virtio-blk. */
  {
    g_auto(GStrv) buses = combo_values (dialog, "storage-bus");
    g_assert_false (g_strv_contains ((const char * const *) buses, "virtio"));
  }

  /* Both floppy places are taken: refused, and said why. */
  choose (dialog, "storage-device", "floppy");
  g_assert_cmpstr (combo_value (dialog, "storage-bus"), ==, "fdc");
  g_assert_null (vireo_add_hardware_dialog_dup_request (dialog));
  g_assert_false (add_enabled (dialog));
  g_assert_nonnull (strstr (shown_problem (dialog), "floppy"));
  destroy_dialog (dialog);
}

static void
test_storage_q35_cdrom (void)
{
  /* sda sdb sdc on SATA: a new CD-ROM is the next SATA drive. */
  g_autoptr(VireoDomainConfig) config = open_fixture ("windows11.xml");
  VireoAddHardwareDialog *dialog = new_dialog (config);
  g_autoptr(VireoHardwareRequest) req = NULL;
  g_autofree char *target = NULL;
  g_auto(GStrv) buses = NULL;

  feed_lists (dialog);
  choose (dialog, "storage-device", "cdrom");
  g_assert_cmpstr (combo_value (dialog, "storage-bus"), ==, "sata");
  /* No IDE on Q35. */
  buses = combo_values (dialog, "storage-bus");
  g_assert_false (g_strv_contains ((const char * const *) buses, "ide"));
  req = assert_adds (dialog, config, "q35 cdrom");
  target = request_target (req);
  g_assert_cmpstr (target, ==, "sdd");
  destroy_dialog (dialog);
}

static void
test_storage_path (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (q35_xml);
  VireoAddHardwareDialog *dialog = new_dialog (config);
  g_autoptr(VireoHardwareRequest) req = NULL;
  GtkWidget *browse;

  feed_lists (dialog);
  choose (dialog, "storage-source", "path");
  /* Nothing typed yet: Add waits, and says for what. */
  g_assert_false (add_enabled (dialog));
  g_assert_nonnull (strstr (shown_problem (dialog), "path"));
  g_assert_false (problem_looks_wrong (dialog));
  type_into (dialog, "storage-path", "images/relative.img");
  g_assert_false (add_enabled (dialog));
  g_assert_nonnull (strstr (shown_problem (dialog), "“/”"));
  g_assert_true (problem_looks_wrong (dialog));
  g_assert_true (gtk_widget_has_css_class (named (dialog, "storage-path"), "error"));
  type_into (dialog, "storage-path", "/srv/images/data.qcow2");
  req = assert_adds (dialog, config, "existing file");
  /* The format follows the name until the user picks one. */
  g_assert_cmpstr (combo_value (dialog, "storage-format"), ==, "qcow2");
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "type=\"qcow2\""));
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "file=\"/srv/images/data.qcow2\""));
  g_assert_false (vireo_hardware_request_has_volume (req));
  g_clear_pointer (&req, vireo_hardware_request_unref);
  type_into (dialog, "storage-path", "/srv/images/data.img");
  g_assert_cmpstr (combo_value (dialog, "storage-format"), ==, "raw");

  /* A file chooser only where the host's files are this computer's. */
  browse = vireo_test_find_named (named (dialog, "storage-path"), "browse");
  g_assert_nonnull (browse);
  g_assert_false (gtk_widget_get_visible (browse));
  vireo_add_hardware_dialog_set_is_local (dialog, TRUE);
  g_assert_true (gtk_widget_get_visible (browse));
  vireo_add_hardware_dialog_set_is_local (dialog, FALSE);
  g_assert_false (gtk_widget_get_visible (browse));
  destroy_dialog (dialog);
}

/* ----------------------------------------------------------------- signal */

static void
on_add (VireoAddHardwareDialog *dialog,
        VireoHardwareRequest   *req,
        VireoHardwareRequest  **out)
{
  g_assert_null (*out);
  *out = vireo_hardware_request_ref (req);
}

static void
test_signal_new_volume (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (q35_xml);
  VireoAddHardwareDialog *dialog = new_dialog (config);
  g_autoptr(VireoHardwareRequest) req = NULL;
  g_autofree char *file_xml = NULL;
  g_autofree char *block_xml = NULL;
  g_autoptr(VireoDomainConfig) copy = NULL;
  GtkSpinButton *spin;

  g_signal_connect (dialog, "add", G_CALLBACK (on_add), &req);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  feed_lists (dialog);

  choose (dialog, "storage-pool", "isos");
  choose (dialog, "storage-format", "raw");
  spin = GTK_SPIN_BUTTON (find_type (named (dialog, "storage-size"), GTK_TYPE_SPIN_BUTTON));
  gtk_spin_button_set_value (spin, 8);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (dialog, "storage-volume-name"))), ==, "lab-vdb.img");
  type_into (dialog, "storage-volume-name", "scratch.img");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.add", NULL));
  while (dialog != NULL)
    g_main_context_iteration (NULL, FALSE);

  g_assert_nonnull (req);
  g_assert_cmpint (vireo_hardware_request_get_kind (req), ==, VIREO_DEVICE_DISK);
  g_assert_true (vireo_hardware_request_has_volume (req));
  g_assert_cmpstr (vireo_hardware_request_get_volume_pool (req), ==, "isos");
  g_assert_cmpstr (vireo_hardware_request_get_volume_name (req), ==, "scratch.img");
  g_assert_cmpstr (vireo_hardware_request_get_volume_format (req), ==, "raw");
  g_assert_cmpuint (vireo_hardware_request_get_volume_capacity (req), ==, G_GUINT64_CONSTANT (8) << 30);
  g_assert_false (vireo_hardware_request_get_needs_shared_memory (req));
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "pool=\"isos\" volume=\"scratch.img\""));

  /* Once created, the volume's path goes into the element. */
  file_xml = vireo_hardware_request_dup_xml_with_path (req, "/var/lib/libvirt/isos/scratch.img");
  g_assert_nonnull (strstr (file_xml, "<disk type=\"file\" device=\"disk\">"));
  g_assert_nonnull (strstr (file_xml, "<source file=\"/var/lib/libvirt/isos/scratch.img\"/>"));
  g_assert_nonnull (strstr (file_xml, "<driver name=\"qemu\" type=\"raw\" discard=\"unmap\"/>"));
  g_assert_nonnull (strstr (file_xml, "<target dev=\"vdb\" bus=\"virtio\"/>"));
  g_assert_null (strstr (file_xml, "pool="));
  block_xml = vireo_hardware_request_dup_xml_with_path (req, "/dev/vg0/scratch");
  g_assert_nonnull (strstr (block_xml, "<disk type=\"block\" device=\"disk\">"));
  g_assert_nonnull (strstr (block_xml, "<source dev=\"/dev/vg0/scratch\"/>"));
  copy = vireo_domain_config_copy (config);
  g_assert_nonnull (vireo_domain_config_add_device (copy, file_xml, NULL));
}

static void
test_cancel (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (q35_xml);
  VireoAddHardwareDialog *dialog = new_dialog (config);
  g_autoptr(VireoHardwareRequest) req = NULL;
  g_autofree char *before = vireo_domain_config_to_xml (config);
  g_autofree char *after = NULL;

  g_signal_connect (dialog, "add", G_CALLBACK (on_add), &req);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  feed_lists (dialog);
  vireo_add_hardware_dialog_select_kind (dialog, "tpm");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  while (dialog != NULL)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (req);
  /* The machine's configuration was only read. */
  after = vireo_domain_config_to_xml (config);
  g_assert_cmpstr (after, ==, before);
}

/* ---------------------------------------------------------------- refusals */

static void
assert_refused (VireoAddHardwareDialog *dialog,
                const char             *words)
{
  const char *problem = shown_problem (dialog);

  g_assert_null (vireo_add_hardware_dialog_dup_request (dialog));
  g_assert_false (add_enabled (dialog));
  g_assert_nonnull (problem);
  if (strstr (problem, words) == NULL)
    g_error ("expected “%s” in “%s”", words, problem);
  g_assert_cmpstr (problem, ==, vireo_add_hardware_dialog_get_problem (dialog));
}

static void
test_refusals (void)
{
  g_autoptr(VireoDomainConfig) tpm_config = open_fixture ("uefi-secureboot-tpm.xml");
  g_autoptr(VireoDomainConfig) vsock_config = open_fixture ("virtio-everything.xml");
  g_autoptr(VireoDomainConfig) legacy = open_fixture ("legacy-bios-ide.xml");
  g_autoptr(VireoDomainConfig) spice = open_fixture ("spice-desktop.xml");
  g_autoptr(VireoDomainConfig) hostdevs = open_fixture ("hostdev-passthrough.xml");
  g_autoptr(VireoHardwareRequest) req = NULL;
  VireoAddHardwareDialog *dialog;

  dialog = new_dialog (tpm_config);
  vireo_add_hardware_dialog_select_kind (dialog, "tpm");
  assert_refused (dialog, "already has a TPM");
  g_assert_true (problem_looks_wrong (dialog));
  /* Whichever TPM: a machine has one. */
  vireo_add_hardware_dialog_select_variant (dialog, "tis");
  assert_refused (dialog, "already has a TPM");
  /* A memory balloon is there too (every machine has its setting). */
  vireo_add_hardware_dialog_select_kind (dialog, "memballoon");
  assert_refused (dialog, "memory balloon");
  /* Other kinds are not held back by it. */
  vireo_add_hardware_dialog_select_kind (dialog, "rng");
  g_clear_pointer (&req, vireo_hardware_request_unref);
  req = assert_adds (dialog, tpm_config, "rng beside a TPM");
  destroy_dialog (dialog);

  dialog = new_dialog (vsock_config);
  vireo_add_hardware_dialog_select_kind (dialog, "vsock");
  assert_refused (dialog, "VSOCK");
  destroy_dialog (dialog);

  /* A second ISA panic notifier and watchdog are refused; another panic
   * model is not. */
  dialog = new_dialog (legacy);
  vireo_add_hardware_dialog_select_kind (dialog, "panic");
  assert_refused (dialog, "panic notifier of this model");
  vireo_add_hardware_dialog_select_variant (dialog, "hyperv");
  g_clear_pointer (&req, vireo_hardware_request_unref);
  req = assert_adds (dialog, legacy, "hyperv panic beside an isa one");
  vireo_add_hardware_dialog_select_kind (dialog, "watchdog");
  assert_refused (dialog, "watchdog");
  /* One VNC display already; SPICE is fine. */
  vireo_add_hardware_dialog_select_kind (dialog, "graphics");
  vireo_add_hardware_dialog_select_variant (dialog, "vnc");
  assert_refused (dialog, "VNC");
  vireo_add_hardware_dialog_select_variant (dialog, "spice");
  g_clear_pointer (&req, vireo_hardware_request_unref);
  req = assert_adds (dialog, legacy, "spice beside vnc");
  destroy_dialog (dialog);

  /* A MAC address another card has. */
  dialog = new_dialog (spice);
  feed_lists (dialog);
  vireo_add_hardware_dialog_select_kind (dialog, "network");
  type_into (dialog, "nic-mac", "52:54:00:3D:A8:5F");
  assert_refused (dialog, "52:54:00");
  type_into (dialog, "nic-mac", "52:54:00:3d:a8:60");
  g_clear_pointer (&req, vireo_hardware_request_unref);
  req = assert_adds (dialog, spice, "fresh MAC");
  type_into (dialog, "nic-mac", "53:54:00:3d:a8:60");
  assert_refused (dialog, "MAC address");
  /* It has both agent channels; another of either is pointless. */
  vireo_add_hardware_dialog_select_kind (dialog, "channel");
  assert_refused (dialog, "org.qemu.guest_agent.0");
  vireo_add_hardware_dialog_select_variant (dialog, "spice");
  assert_refused (dialog, "com.redhat.spice.0");
  destroy_dialog (dialog);

  /* A host device the machine already has. */
  dialog = new_dialog (hostdevs);
  feed_lists (dialog);
  vireo_add_hardware_dialog_select_kind (dialog, "usb-host");
  assert_refused (dialog, "Choose the device");
  g_assert_false (problem_looks_wrong (dialog));
  pick_host_device (dialog, 0);
  assert_refused (dialog, "already has the host device");
  g_assert_true (problem_looks_wrong (dialog));
  pick_host_device (dialog, 1);
  g_clear_pointer (&req, vireo_hardware_request_unref);
  req = assert_adds (dialog, hostdevs, "another USB device");
  vireo_add_hardware_dialog_select_kind (dialog, "pci-host");
  pick_host_device (dialog, 0);
  assert_refused (dialog, "0000:0a:00.0");
  destroy_dialog (dialog);
}

/* -------------------------------------------------------------------- caps */

static void
test_caps (void)
{
  g_autoptr(VireoDomainConfig) arm = open_fixture ("aarch64-virt.xml");
  g_autoptr(VireoDomainConfig) q35 = open_inline (q35_xml);
  g_autoptr(VireoDomainConfig) pc = open_inline (pc_xml);
  g_autoptr(VireoDomainCaps) arm_caps = open_caps ("qemu-tcg-virt.aarch64.xml");
  g_autoptr(VireoDomainCaps) q35_caps = open_caps ("qemu-tcg-q35.x86_64.xml");
  g_autoptr(VireoDomainCaps) pc_caps = open_caps ("qemu-tcg-pc.x86_64.xml");
  VireoAddHardwareDialog *dialog;
  g_auto(GStrv) variants = NULL;
  g_auto(GStrv) values = NULL;

  /* Without capabilities, every variant. */
  dialog = new_dialog (arm);
  vireo_add_hardware_dialog_select_kind (dialog, "tpm");
  variants = vireo_add_hardware_dialog_dup_variants (dialog);
  g_assert_cmpuint (g_strv_length (variants), ==, 2);
  g_clear_pointer (&variants, g_strfreev);
  vireo_add_hardware_dialog_select_variant (dialog, "crb");

  /* libvirt's aarch64 QEMU lists TIS only: CRB goes, also as the choice
   * the user had, and the form follows at once. */
  vireo_add_hardware_dialog_set_caps (dialog, arm_caps);
  variants = vireo_add_hardware_dialog_dup_variants (dialog);
  g_assert_cmpstrv (variants, ((const char * const[]) { "tis", NULL }));
  g_clear_pointer (&variants, g_strfreev);
  g_assert_false (vireo_add_hardware_dialog_select_variant (dialog, "crb"));
  {
    g_autoptr(VireoHardwareRequest) req = assert_adds (dialog, arm, "arm tpm");
    g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "tpm-tis"));
  }

  vireo_add_hardware_dialog_select_kind (dialog, "video");
  variants = vireo_add_hardware_dialog_dup_variants (dialog);
  g_assert_cmpstrv (variants, ((const char * const[]) { "virtio", NULL }));
  g_clear_pointer (&variants, g_strfreev);

  /* PC-only panic notifiers are not offered on ARM at all. */
  vireo_add_hardware_dialog_select_kind (dialog, "panic");
  variants = vireo_add_hardware_dialog_dup_variants (dialog);
  g_assert_cmpuint (g_strv_length (variants), ==, 0);
  g_clear_pointer (&variants, g_strfreev);
  assert_refused (dialog, "not available");

  /* No floppy drives, no IDE or SATA. */
  vireo_add_hardware_dialog_select_kind (dialog, "storage");
  values = combo_values (dialog, "storage-device");
  g_assert_cmpstrv (values, ((const char * const[]) { "disk", "cdrom", NULL }));
  g_clear_pointer (&values, g_strfreev);
  choose (dialog, "storage-device", "cdrom");
  values = combo_values (dialog, "storage-bus");
  g_assert_cmpstrv (values, ((const char * const[]) { "scsi", "usb", NULL }));
  g_clear_pointer (&values, g_strfreev);
  g_assert_cmpstr (combo_value (dialog, "storage-bus"), ==, "scsi");
  destroy_dialog (dialog);

  /* Q35: no IDE; the TPM backend versions libvirt lists. */
  dialog = new_dialog (q35);
  vireo_add_hardware_dialog_set_caps (dialog, q35_caps);
  values = combo_values (dialog, "storage-bus");
  g_assert_false (g_strv_contains ((const char * const *) values, "ide"));
  g_assert_true (g_strv_contains ((const char * const *) values, "sata"));
  g_clear_pointer (&values, g_strfreev);
  vireo_add_hardware_dialog_select_kind (dialog, "filesystem");
  variants = vireo_add_hardware_dialog_dup_variants (dialog);
  g_assert_cmpstrv (variants, ((const char * const[]) { "virtiofs", "9p", NULL }));
  g_clear_pointer (&variants, g_strfreev);
  vireo_add_hardware_dialog_select_kind (dialog, "graphics");
  variants = vireo_add_hardware_dialog_dup_variants (dialog);
  g_assert_cmpstrv (variants, ((const char * const[]) { "spice", "vnc", NULL }));
  g_clear_pointer (&variants, g_strfreev);
  destroy_dialog (dialog);

  /* i440FX: the CD-ROM defaults to IDE. */
  dialog = new_dialog (pc);
  vireo_add_hardware_dialog_set_caps (dialog, pc_caps);
  choose (dialog, "storage-device", "cdrom");
  g_assert_cmpstr (combo_value (dialog, "storage-bus"), ==, "ide");
  destroy_dialog (dialog);
}

/* ----------------------------------------------------------------- hand XML */

static void
test_hand_edits (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (q35_xml);
  VireoAddHardwareDialog *dialog = new_dialog (config);
  VireoXmlEditor *editor = xml_editor (dialog);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (vireo_xml_editor_get_buffer (editor));
  g_autoptr(VireoHardwareRequest) generated = NULL;
  g_autoptr(VireoHardwareRequest) req = NULL;
  const char *watchdog = "<watchdog model='i6300esb' action='poweroff'/>";

  feed_lists (dialog);
  vireo_add_hardware_dialog_select_kind (dialog, "rng");
  generated = assert_adds (dialog, config, "rng");
  g_assert_true (gtk_widget_get_sensitive (named (dialog, "field-rng-rate-bytes")));

  /* Broken XML: Add is off and the parser's message is shown. */
  gtk_text_buffer_set_text (buffer, "<rng model='virtio'>\n  <backend model='random'>/dev/urandom</backend>\n</rgn>\n", -1);
  g_assert_true (vireo_xml_editor_get_modified (editor));
  assert_refused (dialog, "Line 3");
  assert_refused (dialog, "rgn");
  /* The settings step aside while the text is the user's. */
  g_assert_false (gtk_widget_is_sensitive (named (dialog, "field-rng-rate-bytes")));

  /* Something that is not a device at all. */
  gtk_text_buffer_set_text (buffer, "<memory unit='KiB'>1024</memory>", -1);
  assert_refused (dialog, "not a device");

  /* Valid hand-written XML wins over the settings, whatever it is. */
  gtk_text_buffer_set_text (buffer, watchdog, -1);
  req = assert_adds (dialog, config, "hand-written watchdog");
  g_assert_cmpstr (vireo_hardware_request_get_xml (req), ==, watchdog);
  g_assert_cmpint (vireo_hardware_request_get_kind (req), ==, VIREO_DEVICE_WATCHDOG);
  g_clear_pointer (&req, vireo_hardware_request_unref);

  /* Back to the settings. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.use-settings", NULL));
  g_assert_false (vireo_xml_editor_get_modified (editor));
  g_assert_true (gtk_widget_is_sensitive (named (dialog, "field-rng-rate-bytes")));
  req = assert_adds (dialog, config, "rng again");
  g_assert_cmpstr (vireo_hardware_request_get_xml (req), ==, vireo_hardware_request_get_xml (generated));
  destroy_dialog (dialog);
}

static void
test_hand_edited_volume (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (q35_xml);
  VireoAddHardwareDialog *dialog = new_dialog (config);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (vireo_xml_editor_get_buffer (xml_editor (dialog)));
  g_autoptr(VireoHardwareRequest) req = NULL;
  g_autofree char *text = NULL;
  GString *edited;

  feed_lists (dialog);
  req = assert_adds (dialog, config, "new volume");
  g_assert_true (vireo_hardware_request_has_volume (req));
  text = g_strdup (vireo_hardware_request_get_xml (req));
  g_clear_pointer (&req, vireo_hardware_request_unref);

  /* An edit that keeps the volume (the cache mode) still creates it. */
  edited = g_string_new (text);
  g_string_replace (edited, "discard=\"unmap\"", "discard=\"unmap\" cache=\"none\"", 1);
  gtk_text_buffer_set_text (buffer, edited->str, -1);
  req = assert_adds (dialog, config, "hand-edited cache");
  g_assert_true (vireo_hardware_request_has_volume (req));
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "cache=\"none\""));
  g_clear_pointer (&req, vireo_hardware_request_unref);

  /* One that points at another file leaves nothing to create. */
  gtk_text_buffer_set_text (buffer,
                            "<disk type='file' device='disk'>\n"
                            "  <source file='/srv/other.qcow2'/>\n"
                            "  <target dev='vdc' bus='virtio'/>\n"
                            "</disk>", -1);
  req = assert_adds (dialog, config, "hand-written file disk");
  g_assert_false (vireo_hardware_request_has_volume (req));
  g_clear_pointer (&req, vireo_hardware_request_unref);

  /* Hand edits may not take a name the machine has. */
  gtk_text_buffer_set_text (buffer, "<disk type='file' device='disk'><target dev='vda' bus='virtio'/></disk>", -1);
  assert_refused (dialog, "vda");
  g_string_free (edited, TRUE);
  destroy_dialog (dialog);
}

/* ------------------------------------------------------------------ fields */

static void
test_field_refusal (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (q35_xml);
  VireoAddHardwareDialog *dialog = new_dialog (config);
  g_autoptr(VireoHardwareRequest) req = NULL;
  GtkWidget *entry;

  vireo_add_hardware_dialog_select_kind (dialog, "filesystem");
  vireo_add_hardware_dialog_select_variant (dialog, "9p");
  type_into (dialog, "field-filesystem-source-dir", "shared/data");
  /* The model's own words, naming the field. */
  assert_refused (dialog, "Source directory");
  assert_refused (dialog, "“/”");
  entry = find_type (named (dialog, "field-filesystem-source-dir"), GTK_TYPE_ENTRY);
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  /* The user's text stays while it is wrong. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "shared/data");

  type_into (dialog, "field-filesystem-source-dir", "/srv/data");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  req = assert_adds (dialog, config, "fixed source");
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "dir=\"/srv/data\""));
  g_clear_pointer (&req, vireo_hardware_request_unref);

  /* Values the user set survive a change of variant. */
  vireo_add_hardware_dialog_select_variant (dialog, "virtiofs");
  req = assert_adds (dialog, config, "virtiofs");
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "dir=\"/srv/data\""));
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "virtiofs"));
  g_clear_pointer (&req, vireo_hardware_request_unref);

  /* A field that applies only to another value is hidden: 9p's access
   * mode is the variant's, the TPM device path only for passthrough. */
  vireo_add_hardware_dialog_select_kind (dialog, "tpm");
  g_assert_false (gtk_widget_get_visible (named (dialog, "field-tpm-device")));
  g_assert_true (gtk_widget_get_visible (named (dialog, "field-tpm-version")));
  choose (dialog, "field-tpm-backend", "passthrough");
  g_assert_true (gtk_widget_get_visible (named (dialog, "field-tpm-device")));
  g_assert_false (gtk_widget_get_visible (named (dialog, "field-tpm-version")));
  /* The variant's own field has no row of its own. */
  g_assert_null (vireo_test_find_named (GTK_WIDGET (dialog), "field-tpm-model"));
  destroy_dialog (dialog);
}

static void
test_virtiofs_memory (void)
{
  g_autoptr(VireoDomainConfig) plain = open_inline (q35_xml);
  g_autoptr(VireoDomainConfig) shared = open_fixture ("virtiofs-shared-memory.xml");
  VireoAddHardwareDialog *dialog;
  g_autoptr(VireoHardwareRequest) req = NULL;

  dialog = new_dialog (plain);
  vireo_add_hardware_dialog_select_kind (dialog, "filesystem");
  g_assert_cmpstr (combo_value (dialog, "variant"), ==, "virtiofs");
  req = assert_adds (dialog, plain, "virtiofs");
  g_assert_true (vireo_hardware_request_get_needs_shared_memory (req));
  g_assert_true (gtk_widget_get_visible (named (dialog, "shared-memory-note")));
  g_clear_pointer (&req, vireo_hardware_request_unref);

  vireo_add_hardware_dialog_select_variant (dialog, "9p");
  req = assert_adds (dialog, plain, "9p");
  g_assert_false (vireo_hardware_request_get_needs_shared_memory (req));
  g_assert_false (gtk_widget_get_visible (named (dialog, "shared-memory-note")));
  g_clear_pointer (&req, vireo_hardware_request_unref);
  destroy_dialog (dialog);

  /* Shared already: nothing to tell, nothing to do. */
  dialog = new_dialog (shared);
  vireo_add_hardware_dialog_select_kind (dialog, "filesystem");
  req = assert_adds (dialog, shared, "virtiofs on shared memory");
  g_assert_false (vireo_hardware_request_get_needs_shared_memory (req));
  g_assert_false (gtk_widget_get_visible (named (dialog, "shared-memory-note")));
  destroy_dialog (dialog);
}

/* -------------------------------------------------------------- late lists */

static void
test_late_lists (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (q35_xml);
  VireoAddHardwareDialog *dialog = new_dialog (config);
  g_autoptr(VireoHardwareRequest) req = NULL;

  /* Pools not known yet: Add waits, saying for what. */
  assert_refused (dialog, "storage pools");
  g_assert_false (problem_looks_wrong (dialog));
  vireo_add_hardware_dialog_set_pools (dialog, (const char * const[]) { "fast", "default", NULL });
  g_assert_cmpstr (combo_value (dialog, "storage-pool"), ==, "default");
  req = assert_adds (dialog, config, "pool arrived");
  g_clear_pointer (&req, vireo_hardware_request_unref);
  /* The user's choice survives a new list that still has it. */
  choose (dialog, "storage-pool", "fast");
  vireo_add_hardware_dialog_set_pools (dialog, (const char * const[]) { "archive", "fast", "default", NULL });
  g_assert_cmpstr (combo_value (dialog, "storage-pool"), ==, "fast");
  vireo_add_hardware_dialog_set_pools (dialog, (const char * const[]) { NULL });
  assert_refused (dialog, "no storage pool");

  /* Networks: the same, and "default" first when there is one. */
  vireo_add_hardware_dialog_select_kind (dialog, "network");
  assert_refused (dialog, "virtual networks");
  vireo_add_hardware_dialog_set_networks (dialog, (const char * const[]) { "lab", "default", NULL });
  g_assert_cmpstr (combo_value (dialog, "nic-network"), ==, "default");
  choose (dialog, "nic-network", "lab");
  vireo_add_hardware_dialog_set_networks (dialog, (const char * const[]) { "default", "lab", "dmz", NULL });
  g_assert_cmpstr (combo_value (dialog, "nic-network"), ==, "lab");
  req = assert_adds (dialog, config, "network kept");
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "network=\"lab\""));
  g_clear_pointer (&req, vireo_hardware_request_unref);

  /* Bridges fill an empty entry, never one the user typed. */
  choose (dialog, "nic-type", "bridge");
  assert_refused (dialog, "bridge");
  vireo_add_hardware_dialog_set_bridges (dialog, (const char * const[]) { "br0", NULL });
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (dialog, "nic-bridge"))), ==, "br0");
  type_into (dialog, "nic-bridge", "br7");
  vireo_add_hardware_dialog_set_bridges (dialog, (const char * const[]) { "br0", "br1", NULL });
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (dialog, "nic-bridge"))), ==, "br7");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.pick-bridge", "s", "br1"));
  req = assert_adds (dialog, config, "bridge picked");
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "bridge=\"br1\""));
  g_clear_pointer (&req, vireo_hardware_request_unref);

  /* Host devices: the chosen one stays chosen; one that went away does
   * not. */
  vireo_add_hardware_dialog_select_kind (dialog, "usb-host");
  assert_refused (dialog, "Looking");
  vireo_add_hardware_dialog_set_host_devices (dialog, "usb", usb_labels, usb_xmls);
  pick_host_device (dialog, 1);
  req = assert_adds (dialog, config, "usb picked");
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "0x0781"));
  g_clear_pointer (&req, vireo_hardware_request_unref);
  vireo_add_hardware_dialog_set_host_devices (dialog, "usb",
                                              (const char * const[]) { usb_labels[1], usb_labels[0], NULL },
                                              (const char * const[]) { usb_xmls[1], usb_xmls[0], NULL });
  req = assert_adds (dialog, config, "usb kept");
  g_assert_nonnull (strstr (vireo_hardware_request_get_xml (req), "0x0781"));
  g_clear_pointer (&req, vireo_hardware_request_unref);
  vireo_add_hardware_dialog_set_host_devices (dialog, "usb", (const char * const[]) { usb_labels[0], NULL },
                                              (const char * const[]) { usb_xmls[0], NULL });
  assert_refused (dialog, "Choose the device");
  vireo_add_hardware_dialog_set_host_devices (dialog, "usb", (const char * const[]) { NULL },
                                              (const char * const[]) { NULL });
  assert_refused (dialog, "No USB device");
  destroy_dialog (dialog);
}

/* -------------------------------------------------------------------- dump */

static void
dump_case (VireoAddHardwareDialog *dialog,
           const char             *name,
           VireoHardwareRequest   *req,
           gpointer                data)
{
  const char *dir = g_object_get_data (G_OBJECT (dialog), "dump-dir");
  VireoDomainConfig *config = data;
  guint *n = g_object_get_data (G_OBJECT (dialog), "dump-count");
  g_autoptr(VireoDomainConfig) copy = vireo_domain_config_copy (config);
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  if (req == NULL)
    g_error ("%s: Add is off: %s", name, vireo_add_hardware_dialog_get_problem (dialog));

  if (vireo_hardware_request_has_volume (req))
    {
      g_autofree char *volume_path = g_build_filename ("/var/lib/libvirt/images",
                                                       vireo_hardware_request_get_volume_name (req), NULL);

      xml = vireo_hardware_request_dup_xml_with_path (req, volume_path);
    }
  else
    xml = g_strdup (vireo_hardware_request_get_xml (req));
  if (vireo_domain_config_add_device (copy, xml, &error) == NULL)
    g_error ("%s: %s", name, error->message);

  (*n)++;
  file = g_strdup_printf ("%03u-%s-%s.xml", *n, vireo_domain_config_get_name (config), name);
  path = g_build_filename (dir, file, NULL);
  g_free (xml);
  xml = vireo_domain_config_to_xml (copy);
  g_file_set_contents (path, xml, -1, &error);
  g_assert_no_error (error);
}

static int
dump (const char *dir)
{
  const char *configs[] = { q35_xml, pc_xml };
  guint n = 0;

  for (guint c = 0; c < G_N_ELEMENTS (configs); c++)
    {
      g_autoptr(VireoDomainConfig) config = open_inline (configs[c]);
      VireoAddHardwareDialog *dialog = new_dialog (config);

      g_object_set_data_full (G_OBJECT (dialog), "dump-dir", g_strdup (dir), g_free);
      g_object_set_data (G_OBJECT (dialog), "dump-count", &n);
      feed_lists (dialog);
      for_each_case (dialog, dump_case, config);
      destroy_dialog (dialog);
    }
  g_print ("%u domains written to %s\n", n, dir);
  return n > 0 ? 0 : 1;
}

/* A device domcapabilities reports as unsupported (<tpm supported='no'/>)
 * is not offered, although no enum of it lists anything; a device it does
 * not mention at all still is. */
static void
test_caps_unsupported_device (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "domcaps", "qemu-tcg-q35.x86_64.xml", NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GRegex) tpm = g_regex_new ("<tpm supported='yes'>.*?</tpm>", G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GRegex) rng = g_regex_new ("<rng supported='yes'>.*?</rng>", G_REGEX_DOTALL, 0, NULL);
  g_autofree char *without_tpm = NULL;
  g_autofree char *edited = NULL;
  g_autoptr(VireoDomainCaps) caps = NULL;
  g_autoptr(VireoDomainConfig) q35 = open_inline (q35_xml);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) variants = NULL;
  VireoAddHardwareDialog *dialog;

  g_assert_true (g_file_get_contents (path, &xml, NULL, NULL));
  without_tpm = g_regex_replace_literal (tpm, xml, -1, 0, "<tpm supported='no'/>", 0, NULL);
  edited = g_regex_replace_literal (rng, without_tpm, -1, 0, "", 0, NULL);
  g_assert_cmpstr (edited, !=, xml);
  caps = vireo_domain_caps_new_from_xml (edited, &error);
  g_assert_no_error (error);

  dialog = new_dialog (q35);
  vireo_add_hardware_dialog_set_caps (dialog, caps);
  vireo_add_hardware_dialog_select_kind (dialog, "tpm");
  variants = vireo_add_hardware_dialog_dup_variants (dialog);
  g_assert_cmpuint (g_strv_length (variants), ==, 0);
  g_clear_pointer (&variants, g_strfreev);
  assert_refused (dialog, "not available");

  /* Not reported: offered, as without capabilities. */
  vireo_add_hardware_dialog_select_kind (dialog, "rng");
  variants = vireo_add_hardware_dialog_dup_variants (dialog);
  g_assert_cmpuint (g_strv_length (variants), >, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  vireo_ui_init ();

  if (argc == 3 && g_str_equal (argv[1], "--dump"))
    return dump (argv[2]);

  g_test_add_func ("/ui/add-hardware/every-kind", test_every_kind);
  g_test_add_func ("/ui/add-hardware/kind-devices", test_kind_devices);
  g_test_add_func ("/ui/add-hardware/storage-targets", test_storage_targets);
  g_test_add_func ("/ui/add-hardware/storage-q35-cdrom", test_storage_q35_cdrom);
  g_test_add_func ("/ui/add-hardware/storage-path", test_storage_path);
  g_test_add_func ("/ui/add-hardware/signal-new-volume", test_signal_new_volume);
  g_test_add_func ("/ui/add-hardware/cancel", test_cancel);
  g_test_add_func ("/ui/add-hardware/refusals", test_refusals);
  g_test_add_func ("/ui/add-hardware/caps", test_caps);
  g_test_add_func ("/ui/add-hardware/caps-unsupported-device", test_caps_unsupported_device);
  g_test_add_func ("/ui/add-hardware/hand-edits", test_hand_edits);
  g_test_add_func ("/ui/add-hardware/hand-edited-volume", test_hand_edited_volume);
  g_test_add_func ("/ui/add-hardware/field-refusal", test_field_refusal);
  g_test_add_func ("/ui/add-hardware/virtiofs-memory", test_virtiofs_memory);
  g_test_add_func ("/ui/add-hardware/late-lists", test_late_lists);

  return g_test_run ();
}
