/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vireo-boot.h"
#include "vireo-cpu.h"
#include "vireo-device-fields.h"
#include "vireo-disk.h"
#include "vireo-domain-config.h"
#include "vireo-firmware.h"
#include "vireo-memory.h"
#include "vireo-graphics.h"
#include "vireo-interface.h"
#include "vireo-os-info.h"
#include "vireo-port-forward.h"

/*
 * vireo-model-edit FILE EDIT...
 *
 * Reads a domain document, applies the edits in order through the model,
 * the way Vireo's editors make them, and prints the result. check-rng.sh
 * feeds the output to virt-xml-validate: whatever Vireo writes must be
 * something libvirt's schema accepts.
 *
 * Edits:
 *   add-disk                  a qcow2 file disk on the first free vdX
 *   add-tpm                   a TPM 2.0 emulator (through add_device)
 *   eject-cdrom               every local CD-ROM loses its media
 *   insert-cdrom=PATH         every local CD-ROM gets PATH
 *   nic-source=TYPE:SRC[:MODE]  the first NIC plugs into SRC
 *   nic-model=MODEL           the first NIC's model
 *   nic-mac=MAC               the first NIC's address
 *   nic-link=up|down          the first NIC's link state
 *   nic-passt=on|off          the first NIC's passt backend
 *   port-forward=PROTO,HOST[,GUEST[,ADDRESS]]
 *                             the first NIC forwards host port(s) HOST
 *                             ("2222" or "5000-5099") to GUEST, as the
 *                             port-forward editor's fields say it
 *   port-forward-edit=N,PROTO,HOST[,GUEST[,ADDRESS]]
 *                             its Nth forward (from 0) gets those fields
 *   port-forward-remove=N     its Nth forward goes
 *   memory=MAX[:CURRENT]      KiB
 *   vcpus=CURRENT:MAX
 *   title=TEXT  description=TEXT  cpu-mode=MODE
 *   disk-cache=MODE           every disk (empty: remove)
 *   graphics-listen=ADDRESS   every VNC/SPICE display listens on ADDRESS
 *   remove=ELEMENT            the last device of that element name
 *   add-template=ELEMENT[:VARIANT]  Add Hardware's default for that kind
 *   field=ELEMENT:ID=VALUE    the last device of that element name gets
 *                             VALUE (empty: cleared) in its field ID, when
 *                             that field applies to it as it stands
 *   firmware=bios|efi|efi-secure  firmware auto-selection, as the firmware
 *                             editor sets it; where the domain cannot take
 *                             it (Secure Boot on i440fx, BIOS on ARM, a
 *                             container) the refusal goes to stderr and the
 *                             document stays as it was, as in the editor
 *   shared-memory=on|off      memfd-backed shared memory (virtiofs needs it)
 *   nvram-reset=on|off        Vireo's note asking the next start for a
 *                             fresh NVRAM file, in its own <metadata>
 *   boot-order=DEV,DEV,...    these devices boot, in this order; every other
 *                             one does not. DEV is a disk target ("vda"), or
 *                             KIND[N]: the Nth (from 1) disk, cdrom, floppy,
 *                             nic, hostdev, redirdev or fs. A DEV the machine
 *                             does not have is skipped; an empty list boots
 *                             from nothing Vireo names (libvirt: first disk)
 *   bootmenu=on|off|MS        the boot menu, MS its timeout in milliseconds
 *   kernel=PATH  initrd=PATH  dtb=PATH  cmdline=TEXT
 *                             direct kernel boot (empty: remove)
 *   topology=S:D:C:T          sockets, dies, cores, threads
 *   cpu-model=NAME            a custom CPU of that model
 *   cpu-switch=MODE           the CPU mode, through vireo_cpu_set_mode (which
 *                             removes what the mode cannot have), where
 *                             cpu-mode sets the attribute alone
 *   os-id=URL                 the libosinfo id in <metadata> (empty: remove)
 *
 * Boot edits skip machines without firmware (containers); any other edit
 * the model refuses (firmware aside, above) ends the program with its
 * message.
 */

static G_GNUC_NORETURN void
die (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  fprintf (stderr, "vireo-model-edit: ");
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  exit (2);
}

static GPtrArray *
devices_of_type (VireoDomainConfig *config,
                 GType              type)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (devices);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (device, type))
        g_ptr_array_add (found, g_steal_pointer (&device));
    }
  return found;
}

static char *
free_disk_target (VireoDomainConfig *config)
{
  g_autoptr(GPtrArray) disks = vireo_domain_config_list_disks (config);

  for (char c = 'a'; c <= 'z'; c++)
    {
      g_autofree char *target = g_strdup_printf ("vd%c", c);
      gboolean used = FALSE;

      for (guint i = 0; i < disks->len; i++)
        used |= g_strcmp0 (((VireoDiskInfo *) disks->pdata[i])->target, target) == 0;
      if (!used)
        return g_steal_pointer (&target);
    }
  die ("no free vdX target");
}

static void
add_device (VireoDomainConfig *config,
            const char        *xml)
{
  g_autoptr(GError) error = NULL;

  if (vireo_domain_config_add_device (config, xml, &error) == NULL)
    die ("add_device: %s", error->message);
}

static VireoInterface *
first_nic (VireoDomainConfig *config)
{
  g_autoptr(GPtrArray) nics = devices_of_type (config, VIREO_TYPE_INTERFACE);

  /* The config keeps its devices alive. */
  return nics->len > 0 ? nics->pdata[0] : NULL;
}

static gboolean
kind_matches (VireoDevice *device,
              const char  *kind)
{
  const char *element = vireo_device_get_element_name (device);

  if (g_str_equal (kind, "disk") || g_str_equal (kind, "cdrom") || g_str_equal (kind, "floppy"))
    {
      g_autofree char *what = NULL;

      if (!VIREO_IS_DISK (device))
        return FALSE;
      what = vireo_disk_dup_device (VIREO_DISK (device));
      if (g_str_equal (kind, "disk"))
        return what == NULL || g_str_equal (what, "disk") || g_str_equal (what, "lun");
      return g_strcmp0 (what, kind) == 0;
    }
  if (g_str_equal (kind, "nic"))
    return g_strcmp0 (element, "interface") == 0;
  if (g_str_equal (kind, "fs"))
    return g_strcmp0 (element, "filesystem") == 0;
  return g_strcmp0 (element, kind) == 0;
}

/* See boot-order above. Borrowed: the config keeps its devices. */
static VireoDevice *
find_boot_device (VireoDomainConfig *config,
                  const char        *token)
{
  static const char * const kinds[] = { "disk", "cdrom", "floppy", "nic", "hostdev", "redirdev", "fs", NULL };
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autofree char *kind = g_strdup (token);
  guint64 nth = 1;
  char *digits = kind + strlen (kind);

  while (digits > kind && g_ascii_isdigit (digits[-1]))
    digits--;
  if (*digits != '\0')
    {
      nth = g_ascii_strtoull (digits, NULL, 10);
      *digits = '\0';
    }
  if (!g_strv_contains (kinds, kind))
    g_clear_pointer (&kind, g_free);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);

      if (kind == NULL)
        {
          g_autofree char *target = VIREO_IS_DISK (device) ? vireo_disk_dup_target (VIREO_DISK (device)) : NULL;

          if (g_strcmp0 (target, token) == 0)
            return device;
        }
      else if (kind_matches (device, kind) && --nth == 0)
        return device;
    }
  return NULL;
}

static void
set_boot_order (VireoDomainConfig *config,
                const char        *list)
{
  g_autoptr(GPtrArray) order = vireo_boot_dup_order (config);
  g_autoptr(GPtrArray) devices = g_ptr_array_new ();
  g_autoptr(GArray) enabled = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_auto(GStrv) tokens = g_strsplit (list, ",", -1);
  g_autoptr(GError) error = NULL;
  gboolean on = TRUE;
  gboolean off = FALSE;

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      VireoDevice *device = *tokens[i] != '\0' ? find_boot_device (config, tokens[i]) : NULL;

      if (device == NULL || g_ptr_array_find (devices, device, NULL)
          || !vireo_boot_device_is_bootable (device))
        continue;
      g_ptr_array_add (devices, device);
      g_array_append_val (enabled, on);
    }
  for (guint i = 0; i < order->len; i++)
    {
      VireoBootEntry *entry = order->pdata[i];

      if (g_ptr_array_find (devices, entry->device, NULL))
        continue;
      g_ptr_array_add (devices, entry->device);
      g_array_append_val (enabled, off);
    }
  if (!vireo_boot_set_order (config, (VireoDevice **) devices->pdata,
                             (gboolean *) (gpointer) enabled->data, devices->len, &error))
    die ("boot-order=%s: %s", list, error->message);
}

/* @error by reference: the call that sets it is an argument evaluated in
 * no particular order next to it. */
static void
check (gboolean     ok,
       const char  *edit,
       GError     **error)
{
  if (!ok)
    die ("%s: %s", edit, (*error)->message);
}

/* The number a "N,..." argument starts with. */
static guint64
parse_u64_or_zero (const char *text)
{
  return g_ascii_strtoull (text, NULL, 10);
}

/* The fields of the port-forward editor: "PROTO,HOST[,GUEST[,ADDRESS]]". */
static void
set_forward_fields (VireoPortForward *forward,
                    const char       *edit,
                    const char       *fields)
{
  g_auto(GStrv) parts = g_strsplit (fields, ",", 4);
  g_autoptr(GError) error = NULL;

  if (g_strv_length (parts) < 2)
    die ("%s: PROTO,HOST[,GUEST[,ADDRESS]]", edit);
  if (!vireo_port_forward_set_simple (forward, parts[0], parts[2] != NULL ? parts[3] : NULL,
                                      parts[1], parts[2], NULL, &error))
    die ("%s: %s", edit, error->message);
}

static void
port_forward_edit (VireoInterface *nic,
                   const char     *op,
                   const char     *edit,
                   const char     *arg)
{
  g_autoptr(GError) error = NULL;

  if (g_str_equal (op, "port-forward"))
    {
      g_autoptr(VireoPortForward) forward = vireo_port_forward_new ("tcp");

      set_forward_fields (forward, edit, arg);
      if (!vireo_interface_add_port_forward (nic, forward, NULL, &error))
        die ("%s: %s", edit, error->message);
    }
  else if (g_str_equal (op, "port-forward-edit"))
    {
      g_autoptr(GPtrArray) forwards = vireo_interface_dup_port_forwards (nic);
      const char *comma = strchr (arg, ',');
      guint64 index = parse_u64_or_zero (arg);
      g_autoptr(VireoPortForward) forward = NULL;

      if (comma == NULL || index >= forwards->len)
        die ("%s: no such forward", edit);
      forward = vireo_port_forward_copy (forwards->pdata[index]);
      set_forward_fields (forward, edit, comma + 1);
      if (!vireo_interface_replace_port_forward (nic, index, forward, NULL, &error))
        die ("%s: %s", edit, error->message);
    }
  else if (!vireo_interface_remove_port_forward (nic, parse_u64_or_zero (arg)))
    die ("%s: no such forward", edit);
}

static VireoDevice *
last_device (VireoDomainConfig *config,
             const char        *element)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  VireoDevice *last = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(VireoDevice) device = g_list_model_get_item (devices, i);

      /* The config keeps its devices alive. */
      if (g_strcmp0 (vireo_device_get_element_name (device), element) == 0)
        last = device;
    }
  return last;
}

static void
set_field (VireoDomainConfig *config,
           const char        *arg)
{
  g_autofree char *element = NULL;
  g_autofree char *id = NULL;
  const char *colon = strchr (arg, ':');
  const char *equals = colon != NULL ? strchr (colon, '=') : NULL;
  const VireoDeviceField *field;
  VireoDevice *device;
  g_autoptr(GError) error = NULL;

  if (equals == NULL)
    die ("field=ELEMENT:ID=VALUE, not field=%s", arg);
  element = g_strndup (arg, colon - arg);
  id = g_strndup (colon + 1, equals - colon - 1);
  device = last_device (config, element);
  if (device == NULL)
    return;
  field = vireo_device_find_field (device, id);
  if (field == NULL)
    {
      /* Containers and virtual machines have filesystem tables of their
       * own; a script line runs on both. */
      if (g_str_equal (element, "filesystem"))
        return;
      die ("<%s> has no field %s", element, id);
    }
  if (!vireo_device_field_is_relevant (device, field))
    return;
  if (!vireo_device_set_field (device, field, equals + 1, &error))
    die ("%s: %s", arg, error->message);
}

static void
add_template (VireoDomainConfig *config,
              const char        *arg)
{
  g_auto(GStrv) parts = g_strsplit (arg, ":", 2);
  VireoDeviceKind kind = vireo_device_kind_from_element (parts[0]);
  g_autofree char *xml = vireo_device_template_xml (kind, parts[1]);

  if (xml == NULL)
    die ("no template %s", arg);
  add_device (config, xml);
}

static guint64
parse_u64 (const char *text)
{
  guint64 value;
  g_autoptr(GError) error = NULL;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT64, &value, &error))
    die ("%s: %s", text, error->message);
  return value;
}

static void
apply (VireoDomainConfig *config,
       const char        *edit)
{
  g_autofree char *op = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg = strchr (edit, '=');

  op = arg != NULL ? g_strndup (edit, arg - edit) : g_strdup (edit);
  if (arg != NULL)
    arg++;

  if (g_str_equal (op, "add-disk"))
    {
      g_autofree char *target = free_disk_target (config);
      g_autofree char *xml = g_strdup_printf (
        "<disk type='file' device='disk'>\n"
        "  <driver name='qemu' type='qcow2' discard='unmap'/>\n"
        "  <source file='/var/lib/libvirt/images/vireo-added-%s.qcow2'/>\n"
        "  <target dev='%s' bus='virtio'/>\n"
        "</disk>", target, target);
      add_device (config, xml);
    }
  else if (g_str_equal (op, "add-tpm"))
    add_device (config,
                "<tpm model='tpm-crb'>\n"
                "  <backend type='emulator' version='2.0'/>\n"
                "</tpm>");
  else if (g_str_equal (op, "eject-cdrom") || g_str_equal (op, "insert-cdrom"))
    {
      g_autoptr(GPtrArray) disks = devices_of_type (config, VIREO_TYPE_DISK);

      for (guint i = 0; i < disks->len; i++)
        {
          g_autofree char *device = vireo_disk_dup_device (disks->pdata[i]);

          /* Network CD-ROMs included: ejecting one leaves an empty local
           * drive, inserting starts <source> over. */
          if (g_strcmp0 (device, "cdrom") == 0)
            vireo_disk_set_source_file (disks->pdata[i], arg);
        }
    }
  else if (g_str_equal (op, "nic-source") && arg != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (arg, ":", 3);
      VireoInterface *nic = first_nic (config);

      if (nic != NULL)
        vireo_interface_set_source (nic, parts[0], parts[1], parts[1] != NULL ? parts[2] : NULL);
    }
  else if (g_str_equal (op, "nic-model") && first_nic (config) != NULL)
    vireo_interface_set_model (first_nic (config), arg);
  else if (g_str_equal (op, "nic-mac") && first_nic (config) != NULL)
    vireo_interface_set_mac (first_nic (config), arg);
  else if (g_str_equal (op, "nic-link") && first_nic (config) != NULL)
    vireo_interface_set_link_up (first_nic (config), g_strcmp0 (arg, "up") == 0);
  else if (g_str_equal (op, "nic-passt") && arg != NULL)
    {
      if (first_nic (config) != NULL)
        check (vireo_interface_set_passt (first_nic (config), g_str_equal (arg, "on"), &error), edit, &error);
    }
  else if ((g_str_equal (op, "port-forward") || g_str_equal (op, "port-forward-edit")
            || g_str_equal (op, "port-forward-remove")) && arg != NULL)
    {
      if (first_nic (config) != NULL)
        port_forward_edit (first_nic (config), op, edit, arg);
    }
  else if (g_str_equal (op, "memory") && arg != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (arg, ":", 2);
      guint64 maximum = parse_u64 (parts[0]);
      guint64 current = parts[1] != NULL ? parse_u64 (parts[1]) : maximum;

      vireo_domain_config_set_memory_kib (config, maximum, current);
    }
  else if (g_str_equal (op, "vcpus") && arg != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (arg, ":", 2);

      if (parts[1] == NULL)
        die ("vcpus=CURRENT:MAX");
      vireo_domain_config_set_vcpus (config, parse_u64 (parts[0]), parse_u64 (parts[1]));
    }
  else if (g_str_equal (op, "title"))
    vireo_domain_config_set_title (config, arg);
  else if (g_str_equal (op, "description"))
    vireo_domain_config_set_description (config, arg);
  else if (g_str_equal (op, "cpu-mode"))
    vireo_domain_config_set_cpu_mode (config, arg);
  else if (g_str_equal (op, "disk-cache"))
    {
      g_autoptr(GPtrArray) disks = devices_of_type (config, VIREO_TYPE_DISK);

      for (guint i = 0; i < disks->len; i++)
        vireo_disk_set_cache (disks->pdata[i], arg != NULL && *arg != '\0' ? arg : NULL);
    }
  else if (g_str_equal (op, "graphics-listen") && arg != NULL)
    {
      g_autoptr(GPtrArray) graphics = devices_of_type (config, VIREO_TYPE_GRAPHICS);

      for (guint i = 0; i < graphics->len; i++)
        {
          g_autofree char *type = vireo_graphics_dup_type (graphics->pdata[i]);

          /* Only what the Display page offers a listen address for: VNC
           * and SPICE, socket listens included. */
          if (g_strcmp0 (type, "vnc") == 0 || g_strcmp0 (type, "spice") == 0)
            vireo_graphics_set_listen (graphics->pdata[i], "address", arg);
        }
    }
  else if (g_str_equal (op, "firmware") && arg != NULL)
    {
      g_autoptr(GError) refusal = NULL;
      gboolean efi = g_str_has_prefix (arg, "efi");

      if (!g_str_equal (arg, "bios") && !g_str_equal (arg, "efi") && !g_str_equal (arg, "efi-secure"))
        die ("firmware=bios|efi|efi-secure");
      if (!vireo_firmware_set (config, NULL, efi ? "efi" : "bios", g_str_equal (arg, "efi-secure"), &refusal))
        fprintf (stderr, "vireo-model-edit: %s: refused: %s\n", edit, refusal->message);
    }
  else if (g_str_equal (op, "shared-memory") && arg != NULL)
    {
      g_autoptr(GError) refusal = NULL;

      if (!vireo_memory_set_shared (config, g_str_equal (arg, "on"), &refusal))
        fprintf (stderr, "vireo-model-edit: %s: refused: %s\n", edit, refusal->message);
    }
  else if (g_str_equal (op, "nvram-reset") && arg != NULL)
    vireo_firmware_set_nvram_reset_pending (config, g_str_equal (arg, "on"));
  else if (g_str_equal (op, "remove") && arg != NULL)
    {
      VireoDevice *found = last_device (config, arg);
      /* Held while its removal lets the config's reference go. */
      g_autoptr(VireoDevice) last = found != NULL ? g_object_ref (found) : NULL;

      if (last != NULL)
        vireo_domain_config_remove_device (config, last);
    }
  else if (g_str_equal (op, "add-template") && arg != NULL)
    add_template (config, arg);
  else if (g_str_equal (op, "field") && arg != NULL)
    set_field (config, arg);
  else if (g_str_equal (op, "boot-order") && arg != NULL)
    {
      if (vireo_boot_is_supported (config))
        set_boot_order (config, arg);
    }
  else if (g_str_equal (op, "bootmenu") && arg != NULL)
    {
      gboolean enabled = !g_str_equal (arg, "off");
      guint64 timeout = 0;

      /* Out of range is for the model to refuse, not for this parser. */
      if (enabled && !g_str_equal (arg, "on")
          && !g_ascii_string_to_unsigned (arg, 10, 0, G_MAXINT, &timeout, &error))
        die ("%s: %s", edit, error->message);

      if (vireo_boot_is_supported (config))
        check (vireo_boot_set_menu (config, enabled, g_str_equal (arg, "on") ? -1 : (int) timeout, &error),
               edit, &error);
    }
  else if (g_str_equal (op, "kernel") || g_str_equal (op, "initrd")
           || g_str_equal (op, "dtb") || g_str_equal (op, "cmdline"))
    {
      gboolean (*set) (VireoDomainConfig *, const char *, GError **) =
        g_str_equal (op, "kernel") ? vireo_boot_set_kernel
        : g_str_equal (op, "initrd") ? vireo_boot_set_initrd
        : g_str_equal (op, "dtb") ? vireo_boot_set_dtb
        : vireo_boot_set_cmdline;

      if (vireo_boot_is_supported (config))
        check (set (config, arg, &error), edit, &error);
    }
  else if (g_str_equal (op, "topology") && arg != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (arg, ":", 4);
      VireoCpuTopology topology;

      if (g_strv_length (parts) != 4)
        die ("topology=SOCKETS:DIES:CORES:THREADS");
      topology.sockets = parse_u64 (parts[0]);
      topology.dies = parse_u64 (parts[1]);
      topology.cores = parse_u64 (parts[2]);
      topology.threads = parse_u64 (parts[3]);
      check (vireo_cpu_set_topology (config, &topology, &error), edit, &error);
    }
  else if (g_str_equal (op, "cpu-model") && arg != NULL)
    check (vireo_cpu_set_model (config, arg, &error), edit, &error);
  else if (g_str_equal (op, "cpu-switch") && arg != NULL)
    check (vireo_cpu_set_mode (config, arg, &error), edit, &error);
  else if (g_str_equal (op, "os-id"))
    check (vireo_domain_config_set_os_id (config, arg, &error), edit, &error);
  else
    die ("unknown edit %s", edit);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *xml = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;

  setlocale (LC_ALL, "C.UTF-8");
  /* A critical means an edit was refused: the output would not be what the
   * script asked for. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  if (argc < 2)
    die ("usage: vireo-model-edit FILE [EDIT...]");
  if (!g_file_get_contents (argv[1], &xml, NULL, &error))
    die ("%s", error->message);
  config = vireo_domain_config_new_from_xml (xml, &error);
  if (config == NULL)
    die ("%s: %s", argv[1], error->message);

  for (int i = 2; i < argc; i++)
    apply (config, argv[i]);

  out = vireo_domain_config_to_xml (config);
  fputs (out, stdout);
  return 0;
}
