/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-device-fields.h"
#include "vireo-domain-config.h"

/*
 * The field tables of the simple device kinds. Every edit is held to the
 * exact text of the device before and after, and to the rest of the
 * document staying byte for byte what it was.
 */

typedef struct
{
  VireoDomainConfig *config;
  VireoDevice       *device;    /* Borrowed: the config keeps it */
  char              *outside;   /* the document without the device */
  guint              changed;
} Edit;

static char *
indent (const char *text,
        const char *by)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_string_append_printf (out, "%s%s\n", by, lines[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A domain of @type around @devices, written at column 0. */
static VireoDomainConfig *
domain_with (const char *type,
             const char *devices)
{
  g_autofree char *indented = indent (devices, "    ");
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  VireoDomainConfig *config;

  if (*devices == '\0')
    xml = g_strdup_printf ("<domain type='%s'>\n"
                           "  <name>fields</name>\n"
                           "  <devices/>\n"
                           "</domain>\n", type);
  else
    xml = g_strdup_printf ("<domain type='%s'>\n"
                           "  <name>fields</name>\n"
                           "  <devices>\n"
                           "%s"
                           "  </devices>\n"
                           "</domain>\n", type, indented);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  return config;
}

static guint
position_of (VireoDomainConfig *config,
             VireoDevice       *device)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) d = g_list_model_get_item (devices, i);

      if (d == device)
        return i;
    }
  g_assert_not_reached ();
}

static VireoDevice *
device_at (VireoDomainConfig *config,
           guint              position)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autoptr(VireoDevice) device = g_list_model_get_item (devices, position);

  g_assert_nonnull (device);
  return device;
}

/* The document as it would be without the device: what no edit of the
 * device may change. */
static char *
document_without (VireoDomainConfig *config,
                  VireoDevice       *device)
{
  g_autoptr(VireoDomainConfig) copy = vireo_domain_config_copy (config);

  vireo_domain_config_remove_device (copy, device_at (copy, position_of (config, device)));
  return vireo_domain_config_to_xml (copy);
}

static void
on_changed (VireoDomainConfig *config,
            guint             *count)
{
  (*count)++;
}

static void
edit_begin (Edit              *e,
            VireoDomainConfig *config,
            guint              position)
{
  e->config = config;
  e->device = device_at (config, position);
  e->outside = document_without (config, e->device);
  e->changed = 0;
  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &e->changed);
}

static void
edit_end (Edit *e)
{
  g_signal_handlers_disconnect_by_func (e->config, on_changed, &e->changed);
  g_clear_pointer (&e->outside, g_free);
}

static const VireoDeviceField *
field (Edit       *e,
       const char *id)
{
  const VireoDeviceField *f = vireo_device_find_field (e->device, id);

  if (f == NULL)
    g_error ("<%s> has no field %s", vireo_device_get_element_name (e->device), id);
  return f;
}

static void
check_value (Edit       *e,
             const char *id,
             const char *expected)
{
  g_autofree char *value = vireo_device_dup_field (e->device, field (e, id));

  g_assert_cmpstr (value, ==, expected);
}

static void
check_relevant (Edit       *e,
                const char *id,
                gboolean    expected)
{
  if (vireo_device_field_is_relevant (e->device, field (e, id)) != expected)
    g_error ("%s should%s be relevant", id, expected ? "" : " not");
}

/* Sets @value and holds the device to @expected, the rest of the document
 * to what it was, and the config to one "changed" per real change. */
static void
check_set (Edit       *e,
           const char *id,
           const char *value,
           const char *expected)
{
  g_autofree char *before = vireo_device_to_xml (e->device);
  g_autofree char *after = NULL;
  g_autofree char *outside = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = e->changed;

  if (!vireo_device_set_field (e->device, field (e, id), value, &error))
    g_error ("%s=%s: %s", id, value, error->message);
  after = vireo_device_to_xml (e->device);
  g_assert_cmpstr (after, ==, expected);
  outside = document_without (e->config, e->device);
  g_assert_cmpstr (outside, ==, e->outside);
  g_assert_cmpuint (e->changed, ==, changed + (g_str_equal (before, after) ? 0 : 1));
}

/* Refused: an error that names the field and says why, and not a byte of
 * the document changed. */
static void
check_refused (Edit       *e,
               const char *id,
               const char *value,
               const char *why)
{
  const VireoDeviceField *f = field (e, id);
  g_autofree char *before = vireo_domain_config_to_xml (e->config);
  g_autofree char *after = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s: ", f->label);
  g_autoptr(GError) error = NULL;
  guint changed = e->changed;

  g_assert_false (vireo_device_set_field (e->device, f, value, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, prefix) || strstr (error->message, why) == NULL)
    g_error ("%s=%s: expected “%s…%s…”, got “%s”", id, value, prefix, why, error->message);
  after = vireo_domain_config_to_xml (e->config);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (e->changed, ==, changed);
}

/* ---------------------------------------------------------------- tables */

static void
check_table (VireoDevice *device)
{
  guint n = 0;
  const VireoDeviceField *table = vireo_device_fields_for (device, &n);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_nonnull (table);
  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      const VireoDeviceField *f = &table[i];
      g_autofree char *value = NULL;

      g_assert_nonnull (f->id);
      g_assert_true (g_hash_table_add (ids, (gpointer) f->id));
      g_assert_true (vireo_device_find_field (device, f->id) == f);
      g_assert_nonnull (f->label);
      g_assert_nonnull (f->path);
      g_assert_false (g_str_has_prefix (f->path, "/") || g_str_has_suffix (f->path, "/"));
      switch (f->type)
        {
        case VIREO_FIELD_CHOICE:
          g_assert_nonnull (f->choices);
          g_assert_nonnull (f->choice_labels);
          g_assert_cmpuint (g_strv_length ((char **) f->choices), ==, g_strv_length ((char **) f->choice_labels));
          break;
        case VIREO_FIELD_NUMBER:
          g_assert_cmpint (f->min, <=, f->max);
          break;
        case VIREO_FIELD_SWITCH:
          g_assert_nonnull (f->on_value);
          g_assert_true (f->attribute != NULL || f->off_value == NULL);
          break;
        case VIREO_FIELD_TEXT:
        default:
          break;
        }
      if (f->flags & VIREO_FIELD_STRICT)
        g_assert_cmpint (f->type, ==, VIREO_FIELD_CHOICE);
      if (f->relevant_field != NULL)
        {
          const VireoDeviceField *decider = vireo_device_find_field (device, f->relevant_field);

          g_assert_nonnull (decider);
          g_assert_true (decider != f);
        }
      value = vireo_device_dup_field (device, f);
      vireo_device_field_is_relevant (device, f);
    }
}

/* Every kind with a table, templates and fixtures alike; none for the
 * kinds with classes of their own. */
static void
test_tables (void)
{
  g_autoptr(VireoDomainConfig) config = domain_with ("kvm", "");
  g_autoptr(VireoDomainConfig) lxc = domain_with ("lxc",
                                                  "<filesystem type='mount'>\n"
                                                  "  <source dir='/srv/www'/>\n"
                                                  "  <target dir='/srv/www'/>\n"
                                                  "</filesystem>\n");
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autoptr(GError) error = NULL;
  guint64 kinds = 0;

  for (VireoDeviceKind kind = VIREO_DEVICE_OTHER; kind <= VIREO_DEVICE_EMULATOR; kind++)
    {
      const char * const *variants = vireo_device_template_variants (kind);

      for (guint i = 0; variants != NULL && variants[i] != NULL; i++)
        {
          g_autofree char *xml = vireo_device_template_xml (kind, variants[i]);

          vireo_domain_config_add_device (config, xml, &error);
          g_assert_no_error (error);
        }
    }
  vireo_domain_config_add_device (config,
                                  "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
                                  "  <source>\n"
                                  "    <address domain='0x0000' bus='0x0a' slot='0x00' function='0x1'/>\n"
                                  "  </source>\n"
                                  "</hostdev>", &error);
  g_assert_no_error (error);
  vireo_domain_config_add_device (config, "<disk type='file' device='disk'/>", &error);
  g_assert_no_error (error);
  vireo_domain_config_add_device (config, "<interface type='user'/>", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);
      VireoDeviceKind kind = vireo_device_get_kind (device);
      guint n = 99;

      if (kind == VIREO_DEVICE_DISK || kind == VIREO_DEVICE_INTERFACE || kind == VIREO_DEVICE_GRAPHICS)
        {
          g_assert_null (vireo_device_fields_for (device, &n));
          g_assert_cmpuint (n, ==, 0);
          g_assert_null (vireo_device_find_field (device, "video-model"));
          continue;
        }
      check_table (device);
      kinds |= G_GUINT64_CONSTANT (1) << kind;
    }
  /* Every simple kind, from a template or added by hand. */
  for (VireoDeviceKind kind = VIREO_DEVICE_VIDEO; kind <= VIREO_DEVICE_MEMBALLOON; kind++)
    g_assert_true (kinds & (G_GUINT64_CONSTANT (1) << kind));

  /* A container's filesystem is another table: a mount point, no tag. */
  check_table (device_at (lxc, 0));
  g_assert_nonnull (vireo_device_find_field (device_at (lxc, 0), "filesystem-target-dir"));
  g_assert_null (vireo_device_find_field (device_at (lxc, 0), "filesystem-target"));
}

/* ----------------------------------------------------------------- kinds */

static void
test_video (void)
{
  g_autoptr(VireoDomainConfig) config = domain_with ("kvm",
    "<video>\n"
    "  <model type='qxl' ram='65536' vram='65536' vgamem='16384' heads='1' primary='yes' vireo-future='1'/>\n"
    "  <vireo-future knob='1'/>\n"
    "  <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n"
    "</video>\n"
    "<video>\n"
    "  <model type='vmvga' vram='16384'/>\n"
    "</video>\n");
  Edit e;

  edit_begin (&e, config, 0);
  check_value (&e, "video-model", "qxl");
  check_value (&e, "video-heads", "1");
  check_value (&e, "video-vram", "65536");
  check_value (&e, "video-accel3d", NULL);
  g_assert_false (vireo_device_get_field_active (e.device, field (&e, "video-accel3d")));
  check_relevant (&e, "video-heads", TRUE);
  check_relevant (&e, "video-vram", TRUE);
  check_relevant (&e, "video-accel3d", FALSE);
  g_assert_cmpstr (vireo_device_field_choice_label (field (&e, "video-model"), "qxl"), ==,
                   "QXL (for SPICE, older Windows and Linux guests)");

  check_set (&e, "video-heads", "2",
             "<video>\n"
             "  <model type=\"qxl\" ram=\"65536\" vram=\"65536\" vgamem=\"16384\" heads=\"2\" primary=\"yes\" vireo-future=\"1\"/>\n"
             "  <vireo-future knob=\"1\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x01\" function=\"0x0\"/>\n"
             "</video>");
  /* The same value again: nothing happens, not even a signal. */
  check_set (&e, "video-heads", "2",
             "<video>\n"
             "  <model type=\"qxl\" ram=\"65536\" vram=\"65536\" vgamem=\"16384\" heads=\"2\" primary=\"yes\" vireo-future=\"1\"/>\n"
             "  <vireo-future knob=\"1\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x01\" function=\"0x0\"/>\n"
             "</video>");
  g_assert_cmpuint (e.changed, ==, 1);
  check_refused (&e, "video-heads", "17", "from 1 to 16");
  check_refused (&e, "video-heads", "0", "from 1 to 16");
  check_refused (&e, "video-heads", "two", "whole number");
  check_refused (&e, "video-heads", "2.5", "whole number");
  check_refused (&e, "video-accel3d", "yes", "does not apply while “Model” is “QXL");
  check_refused (&e, "video-model", "banana", "“banana” is not one of the choices");
  check_refused (&e, "video-model", "", "a value is needed");
  check_refused (&e, "video-model", NULL, "a value is needed");

  /* Leading zeros are the same number. */
  check_set (&e, "video-heads", "016",
             "<video>\n"
             "  <model type=\"qxl\" ram=\"65536\" vram=\"65536\" vgamem=\"16384\" heads=\"16\" primary=\"yes\" vireo-future=\"1\"/>\n"
             "  <vireo-future knob=\"1\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x01\" function=\"0x0\"/>\n"
             "</video>");
  check_set (&e, "video-heads", "",
             "<video>\n"
             "  <model type=\"qxl\" ram=\"65536\" vram=\"65536\" vgamem=\"16384\" primary=\"yes\" vireo-future=\"1\"/>\n"
             "  <vireo-future knob=\"1\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x01\" function=\"0x0\"/>\n"
             "</video>");

  /* Virtio has no QXL memory sizes; vram stays, now not relevant. */
  check_set (&e, "video-model", "virtio",
             "<video>\n"
             "  <model type=\"virtio\" vram=\"65536\" primary=\"yes\" vireo-future=\"1\"/>\n"
             "  <vireo-future knob=\"1\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x01\" function=\"0x0\"/>\n"
             "</video>");
  check_relevant (&e, "video-vram", FALSE);
  check_relevant (&e, "video-accel3d", TRUE);
  check_refused (&e, "video-vram", "32768", "does not apply while “Model” is “Virtio GPU");

  /* 3D: an element of its own inside <model>, which opens up for it and
   * closes again when it goes. */
  check_set (&e, "video-accel3d", "yes",
             "<video>\n"
             "  <model type=\"virtio\" vram=\"65536\" primary=\"yes\" vireo-future=\"1\">\n"
             "    <acceleration accel3d=\"yes\"/>\n"
             "  </model>\n"
             "  <vireo-future knob=\"1\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x01\" function=\"0x0\"/>\n"
             "</video>");
  g_assert_true (vireo_device_get_field_active (e.device, field (&e, "video-accel3d")));
  check_refused (&e, "video-accel3d", "no", "must be “yes”, or empty for off");
  check_set (&e, "video-accel3d", NULL,
             "<video>\n"
             "  <model type=\"virtio\" vram=\"65536\" primary=\"yes\" vireo-future=\"1\"/>\n"
             "  <vireo-future knob=\"1\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x01\" function=\"0x0\"/>\n"
             "</video>");

  /* Leaving virtio takes 3D acceleration along: libvirt refuses it on
   * anything else. */
  check_set (&e, "video-accel3d", "yes",
             "<video>\n"
             "  <model type=\"virtio\" vram=\"65536\" primary=\"yes\" vireo-future=\"1\">\n"
             "    <acceleration accel3d=\"yes\"/>\n"
             "  </model>\n"
             "  <vireo-future knob=\"1\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x01\" function=\"0x0\"/>\n"
             "</video>");
  check_set (&e, "video-model", "vga",
             "<video>\n"
             "  <model type=\"vga\" vram=\"65536\" primary=\"yes\" vireo-future=\"1\"/>\n"
             "  <vireo-future knob=\"1\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x01\" function=\"0x0\"/>\n"
             "</video>");
  check_set (&e, "video-vram", "32768",
             "<video>\n"
             "  <model type=\"vga\" vram=\"32768\" primary=\"yes\" vireo-future=\"1\"/>\n"
             "  <vireo-future knob=\"1\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x00\" slot=\"0x01\" function=\"0x0\"/>\n"
             "</video>");
  edit_end (&e);

  /* A model Vireo offers no choice for is read and kept as it is. */
  edit_begin (&e, config, 1);
  check_value (&e, "video-model", "vmvga");
  g_assert_null (vireo_device_field_choice_label (field (&e, "video-model"), "vmvga"));
  check_relevant (&e, "video-heads", FALSE);
  check_set (&e, "video-model", "vmvga",
             "<video>\n"
             "  <model type=\"vmvga\" vram=\"16384\"/>\n"
             "</video>");
  g_assert_cmpuint (e.changed, ==, 0);
  edit_end (&e);
}

static void
test_sound_and_input (void)
{
  g_autoptr(VireoDomainConfig) config = domain_with ("kvm",
    "<sound model='ich9'>\n"
    "  <codec type='micro'/>\n"
    "  <audio id='1'/>\n"
    "</sound>\n"
    "<input type='tablet' bus='usb' vireo-future='x'>\n"
    "  <address type='usb' bus='0' port='1'/>\n"
    "</input>\n"
    "<input type='evdev'>\n"
    "  <source dev='/dev/input/event3' grab='all'/>\n"
    "</input>\n");
  Edit e;

  edit_begin (&e, config, 0);
  check_value (&e, "sound-codec", "micro");
  check_set (&e, "sound-codec", "duplex",
             "<sound model=\"ich9\">\n"
             "  <codec type=\"duplex\"/>\n"
             "  <audio id=\"1\"/>\n"
             "</sound>");
  check_set (&e, "sound-codec", NULL,
             "<sound model=\"ich9\">\n"
             "  <audio id=\"1\"/>\n"
             "</sound>");
  check_set (&e, "sound-codec", "output",
             "<sound model=\"ich9\">\n"
             "  <audio id=\"1\"/>\n"
             "  <codec type=\"output\"/>\n"
             "</sound>");
  check_set (&e, "sound-model", "ac97",
             "<sound model=\"ac97\">\n"
             "  <audio id=\"1\"/>\n"
             "  <codec type=\"output\"/>\n"
             "</sound>");
  /* An AC'97 card has no codec to pick; what is left of one may go. */
  check_relevant (&e, "sound-codec", FALSE);
  check_refused (&e, "sound-codec", "micro", "does not apply while “Model” is “AC'97");
  check_set (&e, "sound-codec", NULL,
             "<sound model=\"ac97\">\n"
             "  <audio id=\"1\"/>\n"
             "</sound>");
  check_refused (&e, "sound-model", "gus", "not one of the choices");
  edit_end (&e);

  edit_begin (&e, config, 1);
  check_value (&e, "input-type", "tablet");
  check_set (&e, "input-bus", "virtio",
             "<input type=\"tablet\" bus=\"virtio\" vireo-future=\"x\">\n"
             "  <address type=\"usb\" bus=\"0\" port=\"1\"/>\n"
             "</input>");
  check_set (&e, "input-bus", "",
             "<input type=\"tablet\" vireo-future=\"x\">\n"
             "  <address type=\"usb\" bus=\"0\" port=\"1\"/>\n"
             "</input>");
  check_set (&e, "input-type", "keyboard",
             "<input type=\"keyboard\" vireo-future=\"x\">\n"
             "  <address type=\"usb\" bus=\"0\" port=\"1\"/>\n"
             "</input>");
  check_refused (&e, "input-type", "joystick", "not one of the choices");
  check_refused (&e, "input-bus", "xen", "not one of the choices");
  edit_end (&e);

  /* evdev is shown as it is; a plain type drops its host device. */
  edit_begin (&e, config, 2);
  check_value (&e, "input-type", "evdev");
  check_relevant (&e, "input-bus", FALSE);
  check_set (&e, "input-type", "mouse", "<input type=\"mouse\"/>");
  check_relevant (&e, "input-bus", TRUE);
  edit_end (&e);
}

static void
test_character_devices (void)
{
  g_autoptr(VireoDomainConfig) config = domain_with ("kvm",
    "<serial type='pty'>\n"
    "  <target type='isa-serial' port='0'>\n"
    "    <model name='isa-serial'/>\n"
    "  </target>\n"
    "</serial>\n"
    "<console type='pty'>\n"
    "  <target type='serial' port='0'/>\n"
    "</console>\n"
    "<channel type='unix'>\n"
    "  <source mode='bind' path='/var/lib/libvirt/qemu/channel/target/ga.sock'/>\n"
    "  <target type='virtio' name='org.qemu.guest_agent.0' state='connected'/>\n"
    "  <address type='virtio-serial' controller='0' bus='0' port='1'/>\n"
    "</channel>\n");
  Edit e;

  edit_begin (&e, config, 0);
  check_relevant (&e, "serial-source-path", FALSE);
  check_refused (&e, "serial-source-path", "/run/serial.sock", "does not apply while “Connected to” is “Pseudo-terminal");
  check_set (&e, "serial-type", "unix",
             "<serial type=\"unix\">\n"
             "  <target type=\"isa-serial\" port=\"0\">\n"
             "    <model name=\"isa-serial\"/>\n"
             "  </target>\n"
             "</serial>");
  check_refused (&e, "serial-source-path", "run/serial.sock", "must be a full path");
  check_refused (&e, "serial-source-path", "/", "must name a file");
  check_refused (&e, "serial-source-path", "/run/serial\n.sock", "line breaks");
  check_set (&e, "serial-source-path", "/run/serial & co.sock",
             "<serial type=\"unix\">\n"
             "  <target type=\"isa-serial\" port=\"0\">\n"
             "    <model name=\"isa-serial\"/>\n"
             "  </target>\n"
             "  <source path=\"/run/serial &amp; co.sock\"/>\n"
             "</serial>");
  check_value (&e, "serial-source-path", "/run/serial & co.sock");
  /* The <source> was there only for the path: it goes with it. */
  check_set (&e, "serial-source-path", NULL,
             "<serial type=\"unix\">\n"
             "  <target type=\"isa-serial\" port=\"0\">\n"
             "    <model name=\"isa-serial\"/>\n"
             "  </target>\n"
             "</serial>");
  /* Another port type: the old target model no longer fits. */
  check_set (&e, "serial-target-type", "pci-serial",
             "<serial type=\"unix\">\n"
             "  <target type=\"pci-serial\" port=\"0\"/>\n"
             "</serial>");
  check_set (&e, "serial-type", "tcp",
             "<serial type=\"tcp\">\n"
             "  <target type=\"pci-serial\" port=\"0\"/>\n"
             "</serial>");
  check_refused (&e, "serial-source-service", "65536", "from 1 to 65535");
  check_set (&e, "serial-source-host", "127.0.0.1",
             "<serial type=\"tcp\">\n"
             "  <target type=\"pci-serial\" port=\"0\"/>\n"
             "  <source host=\"127.0.0.1\"/>\n"
             "</serial>");
  check_set (&e, "serial-source-service", "4555",
             "<serial type=\"tcp\">\n"
             "  <target type=\"pci-serial\" port=\"0\"/>\n"
             "  <source host=\"127.0.0.1\" service=\"4555\"/>\n"
             "</serial>");
  check_set (&e, "serial-source-mode", "bind",
             "<serial type=\"tcp\">\n"
             "  <target type=\"pci-serial\" port=\"0\"/>\n"
             "  <source host=\"127.0.0.1\" service=\"4555\" mode=\"bind\"/>\n"
             "</serial>");
  edit_end (&e);

  edit_begin (&e, config, 1);
  check_value (&e, "console-target-type", "serial");
  check_set (&e, "console-target-type", "virtio",
             "<console type=\"pty\">\n"
             "  <target type=\"virtio\" port=\"0\"/>\n"
             "</console>");
  check_refused (&e, "console-target-type", "vt100", "not one of the choices");
  edit_end (&e);

  edit_begin (&e, config, 2);
  check_value (&e, "channel-target-type", "virtio");
  check_value (&e, "channel-target-name", "org.qemu.guest_agent.0");
  /* Read-only: the same value is no change, another is refused. */
  check_set (&e, "channel-target-type", "virtio",
             "<channel type=\"unix\">\n"
             "  <source mode=\"bind\" path=\"/var/lib/libvirt/qemu/channel/target/ga.sock\"/>\n"
             "  <target type=\"virtio\" name=\"org.qemu.guest_agent.0\" state=\"connected\"/>\n"
             "  <address type=\"virtio-serial\" controller=\"0\" bus=\"0\" port=\"1\"/>\n"
             "</channel>");
  check_refused (&e, "channel-target-type", "guestfwd", "cannot be changed here");
  /* The names are suggestions: any name goes. */
  check_set (&e, "channel-target-name", "org.example.custom.0",
             "<channel type=\"unix\">\n"
             "  <source mode=\"bind\" path=\"/var/lib/libvirt/qemu/channel/target/ga.sock\"/>\n"
             "  <target type=\"virtio\" name=\"org.example.custom.0\" state=\"connected\"/>\n"
             "  <address type=\"virtio-serial\" controller=\"0\" bus=\"0\" port=\"1\"/>\n"
             "</channel>");
  /* Another source type keeps the path, unused and hidden. */
  check_set (&e, "channel-type", "spicevmc",
             "<channel type=\"spicevmc\">\n"
             "  <source mode=\"bind\" path=\"/var/lib/libvirt/qemu/channel/target/ga.sock\"/>\n"
             "  <target type=\"virtio\" name=\"org.example.custom.0\" state=\"connected\"/>\n"
             "  <address type=\"virtio-serial\" controller=\"0\" bus=\"0\" port=\"1\"/>\n"
             "</channel>");
  check_relevant (&e, "channel-source-path", FALSE);
  /* Clearing it is fine; <source> keeps its mode, so it stays. */
  check_set (&e, "channel-source-path", NULL,
             "<channel type=\"spicevmc\">\n"
             "  <source mode=\"bind\"/>\n"
             "  <target type=\"virtio\" name=\"org.example.custom.0\" state=\"connected\"/>\n"
             "  <address type=\"virtio-serial\" controller=\"0\" bus=\"0\" port=\"1\"/>\n"
             "</channel>");
  check_refused (&e, "channel-type", "", "a value is needed");
  edit_end (&e);
}

static void
test_controllers_and_host_devices (void)
{
  g_autoptr(VireoDomainConfig) config = domain_with ("kvm",
    "<controller type='usb' index='0' model='qemu-xhci' ports='15'>\n"
    "  <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/>\n"
    "</controller>\n"
    "<controller type='scsi' index='0' model='virtio-scsi'>\n"
    "  <driver queues='2'/>\n"
    "</controller>\n"
    "<controller type='pci' index='0' model='pcie-root'/>\n"
    "<redirdev bus='usb' type='spicevmc'>\n"
    "  <address type='usb' bus='0' port='2'/>\n"
    "</redirdev>\n");
  g_autofree char *fixture = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "domains", "hostdev-passthrough.xml", NULL);
  g_autoptr(VireoDomainConfig) passthrough = NULL;
  g_autoptr(VireoDomainConfig) lxc = domain_with ("lxc",
    "<hostdev mode='capabilities' type='misc'>\n"
    "  <source>\n"
    "    <char>/dev/net/tun</char>\n"
    "  </source>\n"
    "</hostdev>\n");
  g_autoptr(GError) error = NULL;
  Edit e;

  edit_begin (&e, config, 0);
  check_value (&e, "controller-index", "0");
  check_refused (&e, "controller-index", "1", "cannot be changed here");
  check_refused (&e, "controller-type", "scsi", "cannot be changed here");
  check_relevant (&e, "controller-usb-ports", TRUE);
  check_relevant (&e, "controller-scsi-model", FALSE);
  check_relevant (&e, "controller-serial-ports", FALSE);
  check_refused (&e, "controller-usb-ports", "16", "from 1 to 15");
  check_set (&e, "controller-usb-ports", "8",
             "<controller type=\"usb\" index=\"0\" model=\"qemu-xhci\" ports=\"8\">\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x02\" slot=\"0x00\" function=\"0x0\"/>\n"
             "</controller>");
  /* EHCI has no port count: it goes with the XHCI model. */
  check_set (&e, "controller-usb-model", "ich9-ehci1",
             "<controller type=\"usb\" index=\"0\" model=\"ich9-ehci1\">\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x02\" slot=\"0x00\" function=\"0x0\"/>\n"
             "</controller>");
  check_relevant (&e, "controller-usb-ports", FALSE);
  check_refused (&e, "controller-usb-ports", "4", "does not apply while “Model” is “USB 2, ICH9 EHCI”");
  check_refused (&e, "controller-usb-model", "virtio-scsi", "not one of the choices");
  edit_end (&e);

  edit_begin (&e, config, 1);
  check_relevant (&e, "controller-usb-model", FALSE);
  /* Usable only on USB controllers, even though the SCSI model is the
   * same attribute. */
  check_relevant (&e, "controller-usb-ports", FALSE);
  check_set (&e, "controller-scsi-model", "lsilogic",
             "<controller type=\"scsi\" index=\"0\" model=\"lsilogic\">\n"
             "  <driver queues=\"2\"/>\n"
             "</controller>");
  check_set (&e, "controller-scsi-model", NULL,
             "<controller type=\"scsi\" index=\"0\">\n"
             "  <driver queues=\"2\"/>\n"
             "</controller>");
  edit_end (&e);

  edit_begin (&e, config, 2);
  check_value (&e, "controller-type", "pci");
  check_relevant (&e, "controller-usb-model", FALSE);
  check_relevant (&e, "controller-scsi-model", FALSE);
  edit_end (&e);

  edit_begin (&e, config, 3);
  check_refused (&e, "redirdev-bus", "pci", "cannot be changed here");
  check_relevant (&e, "redirdev-source-host", FALSE);
  check_set (&e, "redirdev-type", "tcp",
             "<redirdev bus=\"usb\" type=\"tcp\">\n"
             "  <address type=\"usb\" bus=\"0\" port=\"2\"/>\n"
             "</redirdev>");
  check_set (&e, "redirdev-source-host", "usbredir.example.org",
             "<redirdev bus=\"usb\" type=\"tcp\">\n"
             "  <address type=\"usb\" bus=\"0\" port=\"2\"/>\n"
             "  <source host=\"usbredir.example.org\"/>\n"
             "</redirdev>");
  check_set (&e, "redirdev-source-service", "4000",
             "<redirdev bus=\"usb\" type=\"tcp\">\n"
             "  <address type=\"usb\" bus=\"0\" port=\"2\"/>\n"
             "  <source host=\"usbredir.example.org\" service=\"4000\"/>\n"
             "</redirdev>");
  edit_end (&e);

  /* Host devices: where on the host, read-only; managed, a switch. */
  g_file_get_contents (path, &fixture, NULL, &error);
  g_assert_no_error (error);
  passthrough = vireo_domain_config_new_from_xml (fixture, &error);
  g_assert_no_error (error);
  {
    static const char *sources[] = {
      "0000:0a:00.0", "0000:0a:00.1", "USB device 0x046d:0xc52b", "USB bus 3, device 7",
    };
    g_autoptr(GListModel) devices = vireo_domain_config_list_devices (passthrough);
    guint seen = 0;

    for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
      {
        g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);

        if (vireo_device_get_kind (device) != VIREO_DEVICE_HOSTDEV)
          continue;
        edit_begin (&e, passthrough, i);
        check_value (&e, "hostdev-source", sources[seen]);
        check_value (&e, "hostdev-mode", "subsystem");
        check_refused (&e, "hostdev-source", "0000:0b:00.0", "cannot be changed here");
        check_refused (&e, "hostdev-mode", "capabilities", "cannot be changed here");
        if (seen == 0)
          {
            g_autofree char *before = vireo_device_to_xml (e.device);
            g_autoptr(GString) expected = g_string_new (before);

            g_assert_true (vireo_device_get_field_active (e.device, field (&e, "hostdev-managed")));
            g_string_replace (expected, "managed=\"yes\"", "managed=\"no\"", 1);
            check_set (&e, "hostdev-managed", "no", expected->str);
            g_assert_false (vireo_device_get_field_active (e.device, field (&e, "hostdev-managed")));
            check_refused (&e, "hostdev-managed", "maybe", "must be “yes” or “no”");
          }
        edit_end (&e);
        seen++;
      }
    g_assert_cmpuint (seen, ==, G_N_ELEMENTS (sources));
  }

  /* A container's host resource: no managing to do. */
  edit_begin (&e, lxc, 0);
  check_value (&e, "hostdev-source", "/dev/net/tun");
  check_relevant (&e, "hostdev-managed", FALSE);
  edit_end (&e);
}

static void
test_filesystems (void)
{
  g_autoptr(VireoDomainConfig) config = domain_with ("kvm",
    "<filesystem type='mount' accessmode='passthrough'>\n"
    "  <driver type='virtiofs' queue='1024'/>\n"
    "  <binary path='/usr/libexec/virtiofsd' xattr='on'>\n"
    "    <cache mode='always'/>\n"
    "  </binary>\n"
    "  <source dir='/home/alice/src'/>\n"
    "  <target dir='src'/>\n"
    "  <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n"
    "</filesystem>\n"
    "<filesystem type='mount'>\n"
    "  <driver type='virtiofs'/>\n"
    "  <source socket='/run/virtiofsd/shared.sock'/>\n"
    "  <target dir='shared'/>\n"
    "</filesystem>\n");
  g_autoptr(VireoDomainConfig) lxc = domain_with ("lxc",
    "<filesystem type='ram' accessmode='passthrough'>\n"
    "  <source usage='65536' units='KiB'/>\n"
    "  <target dir='/run'/>\n"
    "</filesystem>\n");
  Edit e;

  edit_begin (&e, config, 0);
  check_value (&e, "filesystem-driver", "virtiofs");
  check_value (&e, "filesystem-readonly", NULL);
  check_relevant (&e, "filesystem-accessmode", FALSE);
  check_refused (&e, "filesystem-accessmode", "mapped", "does not apply while “Driver” is “virtiofs");
  check_refused (&e, "filesystem-target", "a/b", "must not contain “/”");
  check_refused (&e, "filesystem-target", "", "a value is needed");
  check_refused (&e, "filesystem-source-dir", "home/alice", "must be a full path");
  check_refused (&e, "filesystem-source-dir", NULL, "a value is needed");
  check_set (&e, "filesystem-target", "code",
             "<filesystem type=\"mount\" accessmode=\"passthrough\">\n"
             "  <driver type=\"virtiofs\" queue=\"1024\"/>\n"
             "  <binary path=\"/usr/libexec/virtiofsd\" xattr=\"on\">\n"
             "    <cache mode=\"always\"/>\n"
             "  </binary>\n"
             "  <source dir=\"/home/alice/src\"/>\n"
             "  <target dir=\"code\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x04\" slot=\"0x00\" function=\"0x0\"/>\n"
             "</filesystem>");
  check_set (&e, "filesystem-readonly", "yes",
             "<filesystem type=\"mount\" accessmode=\"passthrough\">\n"
             "  <driver type=\"virtiofs\" queue=\"1024\"/>\n"
             "  <binary path=\"/usr/libexec/virtiofsd\" xattr=\"on\">\n"
             "    <cache mode=\"always\"/>\n"
             "  </binary>\n"
             "  <source dir=\"/home/alice/src\"/>\n"
             "  <target dir=\"code\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x04\" slot=\"0x00\" function=\"0x0\"/>\n"
             "  <readonly/>\n"
             "</filesystem>");
  g_assert_true (vireo_device_get_field_active (e.device, field (&e, "filesystem-readonly")));
  check_refused (&e, "filesystem-readonly", "no", "must be “yes”, or empty for off");
  check_set (&e, "filesystem-readonly", NULL,
             "<filesystem type=\"mount\" accessmode=\"passthrough\">\n"
             "  <driver type=\"virtiofs\" queue=\"1024\"/>\n"
             "  <binary path=\"/usr/libexec/virtiofsd\" xattr=\"on\">\n"
             "    <cache mode=\"always\"/>\n"
             "  </binary>\n"
             "  <source dir=\"/home/alice/src\"/>\n"
             "  <target dir=\"code\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x04\" slot=\"0x00\" function=\"0x0\"/>\n"
             "</filesystem>");
  /* 9p: virtiofsd's queue and binary go. */
  check_set (&e, "filesystem-driver", "path",
             "<filesystem type=\"mount\" accessmode=\"passthrough\">\n"
             "  <driver type=\"path\"/>\n"
             "  <source dir=\"/home/alice/src\"/>\n"
             "  <target dir=\"code\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x04\" slot=\"0x00\" function=\"0x0\"/>\n"
             "</filesystem>");
  check_set (&e, "filesystem-accessmode", "mapped",
             "<filesystem type=\"mount\" accessmode=\"mapped\">\n"
             "  <driver type=\"path\"/>\n"
             "  <source dir=\"/home/alice/src\"/>\n"
             "  <target dir=\"code\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x04\" slot=\"0x00\" function=\"0x0\"/>\n"
             "</filesystem>");
  /* No driver is QEMU's default, 9p: the access mode still applies. */
  check_set (&e, "filesystem-driver", NULL,
             "<filesystem type=\"mount\" accessmode=\"mapped\">\n"
             "  <source dir=\"/home/alice/src\"/>\n"
             "  <target dir=\"code\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x04\" slot=\"0x00\" function=\"0x0\"/>\n"
             "</filesystem>");
  check_relevant (&e, "filesystem-accessmode", TRUE);
  /* virtiofs passes ownership through, nothing else. */
  check_set (&e, "filesystem-driver", "virtiofs",
             "<filesystem type=\"mount\">\n"
             "  <source dir=\"/home/alice/src\"/>\n"
             "  <target dir=\"code\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x04\" slot=\"0x00\" function=\"0x0\"/>\n"
             "  <driver type=\"virtiofs\"/>\n"
             "</filesystem>");
  check_set (&e, "filesystem-source-dir", "/",
             "<filesystem type=\"mount\">\n"
             "  <source dir=\"/\"/>\n"
             "  <target dir=\"code\"/>\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x04\" slot=\"0x00\" function=\"0x0\"/>\n"
             "  <driver type=\"virtiofs\"/>\n"
             "</filesystem>");
  edit_end (&e);

  /* An external virtiofsd's socket gives way to a directory. */
  edit_begin (&e, config, 1);
  check_value (&e, "filesystem-source-dir", NULL);
  check_set (&e, "filesystem-source-dir", "/srv/shared",
             "<filesystem type=\"mount\">\n"
             "  <driver type=\"virtiofs\"/>\n"
             "  <source dir=\"/srv/shared\"/>\n"
             "  <target dir=\"shared\"/>\n"
             "</filesystem>");
  edit_end (&e);

  /* A container: a mount point, which is a path. */
  edit_begin (&e, lxc, 0);
  check_value (&e, "filesystem-type", "ram");
  check_relevant (&e, "filesystem-source-dir", FALSE);
  check_refused (&e, "filesystem-target-dir", "run", "must be a full path");
  check_set (&e, "filesystem-target-dir", "/var/run",
             "<filesystem type=\"ram\" accessmode=\"passthrough\">\n"
             "  <source usage=\"65536\" units=\"KiB\"/>\n"
             "  <target dir=\"/var/run\"/>\n"
             "</filesystem>");
  check_refused (&e, "filesystem-type", "mount", "cannot be changed here");
  edit_end (&e);
}

static void
test_tpm_and_rng (void)
{
  g_autoptr(VireoDomainConfig) config = domain_with ("kvm",
    "<tpm model='tpm-crb'>\n"
    "  <backend type='emulator' version='2.0' persistent_state='yes'>\n"
    "    <encryption secret='6dd3e4a5-1d76-44ce-961f-f119f5aad935'/>\n"
    "    <active_pcr_banks>\n"
    "      <sha256/>\n"
    "    </active_pcr_banks>\n"
    "  </backend>\n"
    "</tpm>\n"
    "<rng model='virtio'>\n"
    "  <rate bytes='1024' period='1000'/>\n"
    "  <backend model='random'>/dev/urandom</backend>\n"
    "</rng>\n"
    "<rng model='virtio'>\n"
    "  <backend model='egd' type='tcp'>\n"
    "    <source mode='connect' host='192.0.2.1' service='1234'/>\n"
    "    <protocol type='raw'/>\n"
    "  </backend>\n"
    "</rng>\n");
  Edit e;

  edit_begin (&e, config, 0);
  check_relevant (&e, "tpm-version", TRUE);
  check_relevant (&e, "tpm-device", FALSE);
  check_refused (&e, "tpm-version", "3.0", "not one of the choices");
  /* The host's TPM: the emulator's state settings go, the version stays. */
  check_set (&e, "tpm-backend", "passthrough",
             "<tpm model=\"tpm-crb\">\n"
             "  <backend type=\"passthrough\" version=\"2.0\"/>\n"
             "</tpm>");
  check_relevant (&e, "tpm-version", FALSE);
  check_set (&e, "tpm-device", "/dev/tpm0",
             "<tpm model=\"tpm-crb\">\n"
             "  <backend type=\"passthrough\" version=\"2.0\">\n"
             "    <device path=\"/dev/tpm0\"/>\n"
             "  </backend>\n"
             "</tpm>");
  check_value (&e, "tpm-device", "/dev/tpm0");
  check_set (&e, "tpm-backend", "emulator",
             "<tpm model=\"tpm-crb\">\n"
             "  <backend type=\"emulator\" version=\"2.0\"/>\n"
             "</tpm>");
  check_set (&e, "tpm-model", NULL,
             "<tpm>\n"
             "  <backend type=\"emulator\" version=\"2.0\"/>\n"
             "</tpm>");
  check_refused (&e, "tpm-backend", NULL, "a value is needed");
  edit_end (&e);

  edit_begin (&e, config, 1);
  check_value (&e, "rng-source", "/dev/urandom");
  check_refused (&e, "rng-source", "dev/hwrng", "must be a full path");
  /* The devices are suggestions; any absolute path goes. */
  check_set (&e, "rng-source", "/dev/hwrng",
             "<rng model=\"virtio\">\n"
             "  <rate bytes=\"1024\" period=\"1000\"/>\n"
             "  <backend model=\"random\">/dev/hwrng</backend>\n"
             "</rng>");
  check_set (&e, "rng-source", NULL,
             "<rng model=\"virtio\">\n"
             "  <rate bytes=\"1024\" period=\"1000\"/>\n"
             "  <backend model=\"random\"/>\n"
             "</rng>");
  check_set (&e, "rng-source", "/dev/urandom",
             "<rng model=\"virtio\">\n"
             "  <rate bytes=\"1024\" period=\"1000\"/>\n"
             "  <backend model=\"random\">/dev/urandom</backend>\n"
             "</rng>");
  check_set (&e, "rng-rate-period", NULL,
             "<rng model=\"virtio\">\n"
             "  <rate bytes=\"1024\"/>\n"
             "  <backend model=\"random\">/dev/urandom</backend>\n"
             "</rng>");
  check_set (&e, "rng-rate-period", "2000",
             "<rng model=\"virtio\">\n"
             "  <rate bytes=\"1024\" period=\"2000\"/>\n"
             "  <backend model=\"random\">/dev/urandom</backend>\n"
             "</rng>");
  /* No byte count, no rate limit: the period goes with it. */
  check_set (&e, "rng-rate-bytes", NULL,
             "<rng model=\"virtio\">\n"
             "  <backend model=\"random\">/dev/urandom</backend>\n"
             "</rng>");
  check_relevant (&e, "rng-rate-period", FALSE);
  check_refused (&e, "rng-rate-period", "1000", "does not apply while “Rate limit (bytes)” is empty");
  check_set (&e, "rng-rate-bytes", "2048",
             "<rng model=\"virtio\">\n"
             "  <backend model=\"random\">/dev/urandom</backend>\n"
             "  <rate bytes=\"2048\"/>\n"
             "</rng>");
  check_set (&e, "rng-backend", "builtin",
             "<rng model=\"virtio\">\n"
             "  <backend model=\"builtin\"/>\n"
             "  <rate bytes=\"2048\"/>\n"
             "</rng>");
  check_refused (&e, "rng-source", "/dev/random", "does not apply while “Backend” is “QEMU's own generator”");
  check_refused (&e, "rng-backend", "egd", "not one of the choices");
  edit_end (&e);

  /* EGD: shown as it is; another backend drops its daemon's address. */
  edit_begin (&e, config, 2);
  check_value (&e, "rng-backend", "egd");
  check_value (&e, "rng-source", NULL);
  check_set (&e, "rng-backend", "random",
             "<rng model=\"virtio\">\n"
             "  <backend model=\"random\"/>\n"
             "</rng>");
  edit_end (&e);
}

static void
test_watchdog_panic_smartcard (void)
{
  g_autoptr(VireoDomainConfig) config = domain_with ("kvm",
    "<watchdog model='i6300esb' action='reset'/>\n"
    "<panic model='isa'>\n"
    "  <address type='isa' iobase='0x505'/>\n"
    "</panic>\n"
    "<smartcard mode='passthrough' type='spicevmc'>\n"
    "  <address type='ccid' controller='0' slot='0'/>\n"
    "</smartcard>\n"
    "<smartcard mode='host-certificates'>\n"
    "  <certificate>cert1</certificate>\n"
    "  <certificate>cert2</certificate>\n"
    "  <certificate>cert3</certificate>\n"
    "  <database>/etc/pki/nssdb/</database>\n"
    "</smartcard>\n");
  Edit e;

  edit_begin (&e, config, 0);
  check_set (&e, "watchdog-action", "inject-nmi", "<watchdog model=\"i6300esb\" action=\"inject-nmi\"/>");
  check_set (&e, "watchdog-action", NULL, "<watchdog model=\"i6300esb\"/>");
  check_set (&e, "watchdog-model", "itco", "<watchdog model=\"itco\"/>");
  check_refused (&e, "watchdog-action", "explode", "not one of the choices");
  edit_end (&e);

  edit_begin (&e, config, 1);
  check_set (&e, "panic-model", NULL,
             "<panic>\n"
             "  <address type=\"isa\" iobase=\"0x505\"/>\n"
             "</panic>");
  check_set (&e, "panic-model", "hyperv",
             "<panic model=\"hyperv\">\n"
             "  <address type=\"isa\" iobase=\"0x505\"/>\n"
             "</panic>");
  edit_end (&e);

  edit_begin (&e, config, 2);
  check_set (&e, "smartcard-mode", "host",
             "<smartcard mode=\"host\">\n"
             "  <address type=\"ccid\" controller=\"0\" slot=\"0\"/>\n"
             "</smartcard>");
  /* Passthrough needs a character device: SPICE's, unless told. */
  check_set (&e, "smartcard-mode", "passthrough",
             "<smartcard mode=\"passthrough\" type=\"spicevmc\">\n"
             "  <address type=\"ccid\" controller=\"0\" slot=\"0\"/>\n"
             "</smartcard>");
  edit_end (&e);

  /* Certificates are shown, kept, and go only when the mode does. */
  edit_begin (&e, config, 3);
  check_value (&e, "smartcard-mode", "host-certificates");
  check_set (&e, "smartcard-mode", "host", "<smartcard mode=\"host\"/>");
  edit_end (&e);
}

static void
test_vsock_and_memballoon (void)
{
  g_autoptr(VireoDomainConfig) config = domain_with ("kvm",
    "<vsock model='virtio'>\n"
    "  <cid auto='no' address='42'/>\n"
    "</vsock>\n"
    "<memballoon model='virtio' autodeflate='on' freePageReporting='on'>\n"
    "  <stats period='5'/>\n"
    "  <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>\n"
    "</memballoon>\n");
  g_autoptr(VireoDomainConfig) added = domain_with ("kvm", "");
  g_autofree char *balloon = vireo_device_template_xml (VIREO_DEVICE_MEMBALLOON, NULL);
  g_autoptr(GError) error = NULL;
  Edit e;

  edit_begin (&e, config, 0);
  check_value (&e, "vsock-cid", "42");
  g_assert_false (vireo_device_get_field_active (e.device, field (&e, "vsock-auto")));
  check_refused (&e, "vsock-cid", "2", "from 3 to 4294967294");
  check_refused (&e, "vsock-cid", "-5", "from 3 to 4294967294");
  check_set (&e, "vsock-cid", "1234",
             "<vsock model=\"virtio\">\n"
             "  <cid auto=\"no\" address=\"1234\"/>\n"
             "</vsock>");
  check_set (&e, "vsock-auto", "yes",
             "<vsock model=\"virtio\">\n"
             "  <cid auto=\"yes\" address=\"1234\"/>\n"
             "</vsock>");
  check_relevant (&e, "vsock-cid", FALSE);
  check_refused (&e, "vsock-cid", "5", "does not apply while “Automatic address” is “yes”");
  check_set (&e, "vsock-auto", "no",
             "<vsock model=\"virtio\">\n"
             "  <cid auto=\"no\" address=\"1234\"/>\n"
             "</vsock>");
  check_set (&e, "vsock-cid", NULL,
             "<vsock model=\"virtio\">\n"
             "  <cid auto=\"no\"/>\n"
             "</vsock>");
  /* The last attribute gone, <cid> goes too. */
  check_set (&e, "vsock-auto", NULL, "<vsock model=\"virtio\"/>");
  check_relevant (&e, "vsock-cid", TRUE);
  edit_end (&e);

  edit_begin (&e, config, 1);
  check_set (&e, "memballoon-stats", NULL,
             "<memballoon model=\"virtio\" autodeflate=\"on\" freePageReporting=\"on\">\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x05\" slot=\"0x00\" function=\"0x0\"/>\n"
             "</memballoon>");
  check_set (&e, "memballoon-autodeflate", NULL,
             "<memballoon model=\"virtio\" freePageReporting=\"on\">\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x05\" slot=\"0x00\" function=\"0x0\"/>\n"
             "</memballoon>");
  check_refused (&e, "memballoon-autodeflate", "off", "must be “on”, or empty for off");
  check_set (&e, "memballoon-autodeflate", "on",
             "<memballoon model=\"virtio\" freePageReporting=\"on\" autodeflate=\"on\">\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x05\" slot=\"0x00\" function=\"0x0\"/>\n"
             "</memballoon>");
  check_set (&e, "memballoon-model", "none",
             "<memballoon model=\"none\" freePageReporting=\"on\" autodeflate=\"on\">\n"
             "  <address type=\"pci\" domain=\"0x0000\" bus=\"0x05\" slot=\"0x00\" function=\"0x0\"/>\n"
             "</memballoon>");
  check_relevant (&e, "memballoon-stats", FALSE);
  check_relevant (&e, "memballoon-free-page-reporting", FALSE);
  edit_end (&e);

  /* A statistics period opens a one-line balloon up, and clearing it
   * gives back exactly what was there. */
  vireo_domain_config_add_device (added, balloon, &error);
  g_assert_no_error (error);
  edit_begin (&e, added, 0);
  check_set (&e, "memballoon-stats", "10",
             "<memballoon model=\"virtio\">\n"
             "  <stats period=\"10\"/>\n"
             "</memballoon>");
  check_set (&e, "memballoon-stats", "", "<memballoon model=\"virtio\"/>");
  {
    g_autofree char *xml = vireo_domain_config_to_xml (added);
    g_assert_nonnull (strstr (xml, "  <devices>\n    <memballoon model=\"virtio\"/>\n  </devices>\n"));
  }
  edit_end (&e);
}

/* ------------------------------------------------------------- templates */

static char *
double_quoted (const char *xml)
{
  return g_strdelimit (g_strdup (xml), "'", '"');
}

/* A valid value for @f other than what it holds, for the sweep below. */
static char *
another_value (const VireoDeviceField *f,
               const char             *current)
{
  switch (f->type)
    {
    case VIREO_FIELD_CHOICE:
      for (guint i = 0; f->choices[i] != NULL; i++)
        if (g_strcmp0 (f->choices[i], current) != 0)
          return g_strdup (f->choices[i]);
      return NULL;
    case VIREO_FIELD_NUMBER:
      return g_strdup_printf ("%" G_GINT64_FORMAT,
                              g_strcmp0 (current, "3") == 0 ? f->max : MAX (f->min, MIN (f->max, 3)));
    case VIREO_FIELD_SWITCH:
      return g_strcmp0 (current, f->on_value) == 0 ? g_strdup (f->off_value) : g_strdup (f->on_value);
    case VIREO_FIELD_TEXT:
    default:
      if (f->flags & (VIREO_FIELD_FILE_PATH | VIREO_FIELD_DIR_PATH))
        return g_strdup ("/srv/vireo test");
      return g_strdup ("vireo-test");
    }
}

static void
test_templates (void)
{
  g_autoptr(VireoDomainConfig) config = domain_with ("kvm", "");
  guint kinds = 0;

  g_assert_null (vireo_device_template_variants (VIREO_DEVICE_DISK));
  g_assert_null (vireo_device_template_variants (VIREO_DEVICE_INTERFACE));
  g_assert_null (vireo_device_template_variants (VIREO_DEVICE_HOSTDEV));
  g_assert_null (vireo_device_template_xml (VIREO_DEVICE_HOSTDEV, NULL));
  g_assert_null (vireo_device_template_xml (VIREO_DEVICE_VIDEO, "matrox"));
  g_assert_null (vireo_device_template_label (VIREO_DEVICE_VIDEO, "matrox"));

  for (VireoDeviceKind kind = VIREO_DEVICE_OTHER; kind <= VIREO_DEVICE_EMULATOR; kind++)
    {
      const char * const *variants = vireo_device_template_variants (kind);

      if (variants == NULL)
        continue;
      kinds++;
      g_assert_nonnull (variants[0]);
      {
        g_autofree char *by_default = vireo_device_template_xml (kind, NULL);
        g_autofree char *first = vireo_device_template_xml (kind, variants[0]);

        g_assert_cmpstr (by_default, ==, first);
      }

      for (guint i = 0; variants[i] != NULL; i++)
        {
          g_autofree char *xml = vireo_device_template_xml (kind, variants[i]);
          g_autofree char *expected = NULL;
          g_autofree char *written = NULL;
          g_autoptr(GError) error = NULL;
          VireoDevice *device;
          guint n = 0;
          const VireoDeviceField *table;

          g_assert_nonnull (xml);
          g_assert_nonnull (vireo_device_template_label (kind, variants[i]));
          /* libvirt assigns addresses; a template naming one would clash. */
          g_assert_null (strstr (xml, "<address"));
          g_assert_null (strstr (xml, "index="));

          device = vireo_domain_config_add_device (config, xml, &error);
          g_assert_no_error (error);
          g_assert_cmpint (vireo_device_get_kind (device), ==, kind);
          expected = double_quoted (xml);
          written = vireo_device_to_xml (device);
          g_assert_cmpstr (written, ==, expected);

          /* Every field of a new device reads, and each one that applies
           * takes another valid value. */
          table = vireo_device_fields_for (device, &n);
          for (guint f = 0; f < n; f++)
            {
              g_autofree char *current = vireo_device_dup_field (device, &table[f]);
              g_autofree char *value = NULL;
              g_autofree char *now = NULL;

              if ((table[f].flags & VIREO_FIELD_READONLY) || !vireo_device_field_is_relevant (device, &table[f]))
                continue;
              value = another_value (&table[f], current);
              if (!vireo_device_set_field (device, &table[f], value, &error))
                g_error ("%s %s: %s=%s: %s", vireo_device_get_element_name (device), variants[i],
                         table[f].id, value, error->message);
              now = vireo_device_dup_field (device, &table[f]);
              g_assert_cmpstr (now, ==, value);
            }
        }
    }
  /* Everything but disks, network cards and host devices. */
  g_assert_cmpuint (kinds, ==, VIREO_DEVICE_MEMBALLOON - VIREO_DEVICE_GRAPHICS);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/fields/tables", test_tables);
  g_test_add_func ("/model/fields/video", test_video);
  g_test_add_func ("/model/fields/sound-and-input", test_sound_and_input);
  g_test_add_func ("/model/fields/character-devices", test_character_devices);
  g_test_add_func ("/model/fields/controllers-and-host-devices", test_controllers_and_host_devices);
  g_test_add_func ("/model/fields/filesystems", test_filesystems);
  g_test_add_func ("/model/fields/tpm-and-rng", test_tpm_and_rng);
  g_test_add_func ("/model/fields/watchdog-panic-smartcard", test_watchdog_panic_smartcard);
  g_test_add_func ("/model/fields/vsock-and-memballoon", test_vsock_and_memballoon);
  g_test_add_func ("/model/fields/templates", test_templates);

  return g_test_run ();
}
