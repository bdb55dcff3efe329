/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-device-fields"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-device-fields.h"
#include "vireo-domain-config.h"
#include "vireo-model-private.h"
#include "vireo-xml.h"

/*
 * The values and their limits follow libvirt's domain XML documentation
 * and its RelaxNG schema (domaincommon.rng); libvirt 9.0, the oldest Vireo
 * supports, is the floor: anything written here must pass its schema,
 * which libvirt applies when a domain is defined.
 */

static const char * const virtio_models[] = { "virtio", "virtio-transitional", "virtio-non-transitional", NULL };

/* ------------------------------------------------------------------ video */

static const char * const video_models[] = {
  "virtio", "qxl", "vga", "bochs", "ramfb", "cirrus", "none", NULL
};
static const char * const video_model_labels[] = {
  N_("Virtio GPU (best for current Linux guests)"),
  N_("QXL (for SPICE, older Windows and Linux guests)"),
  N_("Standard VGA (works with almost any guest)"),
  N_("Bochs display (VGA without the legacy ports, for UEFI guests)"),
  N_("RAM framebuffer (boot display for ARM and vGPU guests)"),
  N_("Cirrus Logic (very old guests only)"),
  N_("None (no emulated graphics card)"),
  NULL
};
static const char * const video_heads_models[] = { "virtio", "qxl", NULL };
static const char * const video_vram_models[] = { "qxl", "vga", NULL };
static const char * const video_accel_models[] = { "virtio", NULL };

static const VireoDeviceField video_fields[] = {
  {
    .id = "video-model", .label = N_("Model"),
    .subtitle = N_("The graphics card the guest sees"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "model", .attribute = "type",
    .choices = video_models, .choice_labels = video_model_labels,
  },
  {
    .id = "video-heads", .label = N_("Monitors"),
    .subtitle = N_("How many displays the card offers the guest"),
    .type = VIREO_FIELD_NUMBER, .path = "model", .attribute = "heads", .min = 1, .max = 16,
    .relevant_field = "video-model", .relevant_values = video_heads_models,
  },
  {
    .id = "video-accel3d", .label = N_("3D acceleration"),
    .subtitle = N_("OpenGL in the guest through virgl; the display needs OpenGL too"),
    .type = VIREO_FIELD_SWITCH, .path = "model/acceleration", .attribute = "accel3d",
    .on_value = "yes",
    .relevant_field = "video-model", .relevant_values = video_accel_models,
  },
  {
    .id = "video-vram", .label = N_("Video memory (KiB)"),
    .subtitle = N_("Framebuffer memory; more allows higher resolutions"),
    .type = VIREO_FIELD_NUMBER, .path = "model", .attribute = "vram", .min = 1024, .max = 1048576,
    .relevant_field = "video-model", .relevant_values = video_vram_models,
  },
};

/* ------------------------------------------------------------------ sound */

static const char * const sound_models[] = {
  "ich9", "ich6", "ich7", "ac97", "es1370", "sb16", "usb", "pcspk", NULL
};
static const char * const sound_model_labels[] = {
  N_("Intel HD Audio, ICH9 (for Q35 machines)"),
  N_("Intel HD Audio, ICH6 (for i440FX machines)"),
  N_("Intel HD Audio, ICH7"),
  N_("AC'97 (older guests)"),
  N_("Ensoniq AudioPCI ES1370 (old guests)"),
  N_("Sound Blaster 16 (DOS-era guests)"),
  N_("USB audio"),
  N_("PC speaker (beeps only)"),
  NULL
};
static const char * const sound_codecs[] = { "duplex", "micro", "output", NULL };
static const char * const sound_codec_labels[] = {
  N_("Line in and line out"),
  N_("Microphone and speaker"),
  N_("Speaker only"),
  NULL
};
static const char * const hda_models[] = { "ich6", "ich7", "ich9", NULL };

static const VireoDeviceField sound_fields[] = {
  {
    .id = "sound-model", .label = N_("Model"),
    .subtitle = N_("The sound card the guest sees"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "", .attribute = "model",
    .choices = sound_models, .choice_labels = sound_model_labels,
  },
  {
    .id = "sound-codec", .label = N_("Codec"),
    .subtitle = N_("Which inputs and outputs the HD Audio card has"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "codec", .attribute = "type",
    .choices = sound_codecs, .choice_labels = sound_codec_labels,
    .relevant_field = "sound-model", .relevant_values = hda_models,
  },
};

/* ------------------------------------------------------------------ input */

static const char * const input_types[] = { "tablet", "mouse", "keyboard", NULL };
static const char * const input_type_labels[] = {
  N_("Tablet (absolute pointer that follows the viewer's cursor)"),
  N_("Mouse (relative pointer)"),
  N_("Keyboard"),
  NULL
};
static const char * const input_buses[] = { "usb", "virtio", "ps2", NULL };
static const char * const input_bus_labels[] = {
  N_("USB"),
  N_("Virtio (needs virtio drivers in the guest)"),
  N_("PS/2 (mouse and keyboard only)"),
  NULL
};

static const VireoDeviceField input_fields[] = {
  {
    .id = "input-type", .label = N_("Type"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "", .attribute = "type",
    .choices = input_types, .choice_labels = input_type_labels,
  },
  {
    .id = "input-bus", .label = N_("Bus"),
    .subtitle = N_("How the device is plugged into the guest"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "", .attribute = "bus",
    .choices = input_buses, .choice_labels = input_bus_labels,
    .relevant_field = "input-type", .relevant_values = input_types,
  },
};

/* ------------------------------------------------- serial, console, channel */

static const char * const serial_types[] = { "pty", "file", "unix", "tcp", "spiceport", "null", NULL };
static const char * const serial_type_labels[] = {
  N_("Pseudo-terminal (virsh console)"),
  N_("Write to a file on the host"),
  N_("UNIX socket"),
  N_("TCP network socket"),
  N_("SPICE port"),
  N_("Discard everything"),
  NULL
};
static const char * const channel_types[] = { "unix", "spicevmc", "qemu-vdagent", "spiceport", "pty", NULL };
static const char * const channel_type_labels[] = {
  N_("UNIX socket (for the QEMU guest agent)"),
  N_("SPICE channel (for the SPICE agent)"),
  N_("QEMU clipboard agent (no SPICE needed)"),
  N_("SPICE port"),
  N_("Pseudo-terminal"),
  NULL
};
static const char * const path_types[] = { "unix", "file", "dev", "pipe", NULL };
static const char * const socket_types[] = { "unix", "tcp", NULL };
static const char * const tcp_types[] = { "tcp", NULL };
static const char * const source_modes[] = { "bind", "connect", NULL };
static const char * const source_mode_labels[] = {
  N_("Listen (the host side waits for a connection)"),
  N_("Connect (the host side connects to a listener)"),
  NULL
};
static const char * const serial_targets[] = {
  "isa-serial", "usb-serial", "pci-serial", "system-serial", "spapr-vio-serial", "sclp-serial", NULL
};
static const char * const serial_target_labels[] = {
  N_("ISA (a classic PC COM port)"),
  N_("USB serial adapter"),
  N_("PCI serial card"),
  N_("The platform's own UART (ARM, RISC-V)"),
  N_("sPAPR VIO (POWER)"),
  N_("SCLP (s390)"),
  NULL
};
static const char * const console_targets[] = { "serial", "virtio", NULL };
static const char * const console_target_labels[] = {
  N_("The first serial port"),
  N_("Virtio console (hvc0 in Linux guests)"),
  NULL
};
static const char * const channel_targets[] = { "virtio", "guestfwd", "xen", NULL };
static const char * const channel_target_labels[] = {
  N_("Virtio serial port"),
  N_("Forwarded through user networking"),
  N_("Xen"),
  NULL
};
static const char * const named_channel_targets[] = { "virtio", "xen", NULL };
static const char * const channel_names[] = {
  "org.qemu.guest_agent.0", "com.redhat.spice.0", "org.spice-space.webdav.0", NULL
};
static const char * const channel_name_labels[] = {
  N_("QEMU guest agent"),
  N_("SPICE agent (clipboard, display size)"),
  N_("SPICE folder sharing (WebDAV)"),
  NULL
};

/* Where a character device's data goes on the host: the same <source>
 * attributes for serial ports, consoles, channels and USB redirectors. */
#define SOURCE_PATH_FIELD(prefix) \
  { \
    .id = prefix "-source-path", .label = N_("Path"), \
    .subtitle = N_("The socket or file on the host; libvirt picks a socket when empty"), \
    .type = VIREO_FIELD_TEXT, .flags = VIREO_FIELD_FILE_PATH | VIREO_FIELD_FILLED_AT_START, \
    .path = "source", .attribute = "path", \
    .relevant_field = prefix "-type", .relevant_values = path_types, \
  }
#define SOURCE_SOCKET_FIELDS(prefix) \
  { \
    .id = prefix "-source-mode", .label = N_("Socket mode"), \
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT, \
    .path = "source", .attribute = "mode", \
    .choices = source_modes, .choice_labels = source_mode_labels, \
    .relevant_field = prefix "-type", .relevant_values = socket_types, \
  }, \
  { \
    .id = prefix "-source-host", .label = N_("Host"), \
    .subtitle = N_("Address to listen on or connect to"), \
    .type = VIREO_FIELD_TEXT, .path = "source", .attribute = "host", \
    .relevant_field = prefix "-type", .relevant_values = tcp_types, \
  }, \
  { \
    .id = prefix "-source-service", .label = N_("Port"), \
    .type = VIREO_FIELD_NUMBER, .path = "source", .attribute = "service", .min = 1, .max = 65535, \
    .relevant_field = prefix "-type", .relevant_values = tcp_types, \
  }

static const VireoDeviceField serial_fields[] = {
  {
    .id = "serial-type", .label = N_("Connected to"),
    .subtitle = N_("Where the port's data goes on the host"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "", .attribute = "type",
    .choices = serial_types, .choice_labels = serial_type_labels,
  },
  SOURCE_PATH_FIELD ("serial"),
  SOURCE_SOCKET_FIELDS ("serial"),
  {
    .id = "serial-target-type", .label = N_("Port type"),
    .subtitle = N_("The kind of serial port the guest sees"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "target", .attribute = "type",
    .choices = serial_targets, .choice_labels = serial_target_labels,
  },
};

static const VireoDeviceField console_fields[] = {
  {
    .id = "console-type", .label = N_("Connected to"),
    .subtitle = N_("Where the console's data goes on the host"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "", .attribute = "type",
    .choices = serial_types, .choice_labels = serial_type_labels,
  },
  SOURCE_PATH_FIELD ("console"),
  SOURCE_SOCKET_FIELDS ("console"),
  {
    .id = "console-target-type", .label = N_("Console type"),
    .subtitle = N_("How the guest sees its console"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "target", .attribute = "type",
    .choices = console_targets, .choice_labels = console_target_labels,
  },
};

static const VireoDeviceField channel_fields[] = {
  {
    .id = "channel-type", .label = N_("Connected to"),
    .subtitle = N_("What is at the host end of the channel"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "", .attribute = "type",
    .choices = channel_types, .choice_labels = channel_type_labels,
  },
  SOURCE_PATH_FIELD ("channel"),
  SOURCE_SOCKET_FIELDS ("channel"),
  {
    .id = "channel-target-type", .label = N_("Channel type"),
    /* A forwarded channel needs an address and a port instead of a name:
     * another device, not another setting. */
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_READONLY,
    .path = "target", .attribute = "type",
    .choices = channel_targets, .choice_labels = channel_target_labels,
  },
  {
    .id = "channel-target-name", .label = N_("Name"),
    .subtitle = N_("The name the guest software looks for"),
    .type = VIREO_FIELD_CHOICE, .path = "target", .attribute = "name",
    .choices = channel_names, .choice_labels = channel_name_labels,
    .relevant_field = "channel-target-type", .relevant_values = named_channel_targets,
  },
};

/* ------------------------------------------------------------- controller */

static const char * const controller_types[] = {
  "usb", "scsi", "virtio-serial", "sata", "ide", "pci", "fdc", "ccid", "isa", "xenbus", NULL
};
static const char * const controller_type_labels[] = {
  N_("USB"),
  N_("SCSI"),
  N_("Virtio serial"),
  N_("SATA"),
  N_("IDE"),
  N_("PCI"),
  N_("Floppy"),
  N_("Smartcard reader (CCID)"),
  N_("ISA"),
  N_("Xen bus"),
  NULL
};
static const char * const usb_models[] = {
  "qemu-xhci", "nec-xhci", "ich9-ehci1", "piix3-uhci", "piix4-uhci", "none", NULL
};
static const char * const usb_model_labels[] = {
  N_("USB 3, QEMU XHCI (recommended)"),
  N_("USB 3, NEC XHCI"),
  N_("USB 2, ICH9 EHCI"),
  N_("USB 1, PIIX3 UHCI (old guests)"),
  N_("USB 1, PIIX4 UHCI (old guests)"),
  N_("None (the guest gets no USB)"),
  NULL
};
static const char * const xhci_models[] = { "qemu-xhci", "nec-xhci", NULL };
static const char * const scsi_models[] = {
  "virtio-scsi", "lsilogic", "lsisas1068", "lsisas1078", "vmpvscsi", "virtio-transitional",
  "virtio-non-transitional", NULL
};
static const char * const scsi_model_labels[] = {
  N_("Virtio SCSI (recommended)"),
  N_("LSI Logic 53C895A (older guests)"),
  N_("LSI SAS 1068"),
  N_("LSI MegaRAID SAS 1078"),
  N_("VMware paravirtual SCSI"),
  N_("Virtio SCSI (transitional, for older guests)"),
  N_("Virtio SCSI (virtio 1.0 only)"),
  NULL
};
static const char * const usb_only[] = { "usb", NULL };
static const char * const scsi_only[] = { "scsi", NULL };
static const char * const virtio_serial_only[] = { "virtio-serial", NULL };

static const VireoDeviceField controller_fields[] = {
  {
    .id = "controller-type", .label = N_("Type"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_READONLY,
    .path = "", .attribute = "type",
    .choices = controller_types, .choice_labels = controller_type_labels,
  },
  {
    .id = "controller-index", .label = N_("Index"),
    .subtitle = N_("Which controller of its type this is; devices refer to it by this number"),
    .type = VIREO_FIELD_NUMBER, .flags = VIREO_FIELD_READONLY,
    .path = "", .attribute = "index", .min = 0, .max = G_MAXUINT32,
  },
  {
    .id = "controller-usb-model", .label = N_("Model"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "", .attribute = "model",
    .choices = usb_models, .choice_labels = usb_model_labels,
    .relevant_field = "controller-type", .relevant_values = usb_only,
  },
  {
    .id = "controller-usb-ports", .label = N_("Ports"),
    .subtitle = N_("How many USB devices can be plugged in"),
    .type = VIREO_FIELD_NUMBER, .path = "", .attribute = "ports", .min = 1, .max = 15,
    .relevant_field = "controller-usb-model", .relevant_values = xhci_models,
  },
  {
    .id = "controller-scsi-model", .label = N_("Model"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "", .attribute = "model",
    .choices = scsi_models, .choice_labels = scsi_model_labels,
    .relevant_field = "controller-type", .relevant_values = scsi_only,
  },
  {
    .id = "controller-serial-ports", .label = N_("Ports"),
    .subtitle = N_("How many channels and consoles the controller can carry"),
    .type = VIREO_FIELD_NUMBER, .path = "", .attribute = "ports", .min = 1, .max = 511,
    .relevant_field = "controller-type", .relevant_values = virtio_serial_only,
  },
};

/* ---------------------------------------------------------------- hostdev */

static const char * const hostdev_modes[] = { "subsystem", "capabilities", NULL };
static const char * const hostdev_mode_labels[] = {
  N_("Host device given to the guest"),
  N_("Host resource given to a container"),
  NULL
};
static const char * const hostdev_types[] = {
  "pci", "usb", "scsi", "scsi_host", "mdev", "storage", "misc", "net", NULL
};
static const char * const hostdev_type_labels[] = {
  N_("PCI"),
  N_("USB"),
  N_("SCSI"),
  N_("SCSI host (vhost-scsi)"),
  N_("Mediated device (such as a vGPU)"),
  N_("Storage"),
  N_("Character device"),
  N_("Network interface"),
  NULL
};
/* No mode is a subsystem device. */
static const char * const subsystem_modes[] = { "subsystem", "", NULL };

static const VireoDeviceField hostdev_fields[] = {
  {
    .id = "hostdev-mode", .label = N_("Kind"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_READONLY,
    .path = "", .attribute = "mode",
    .choices = hostdev_modes, .choice_labels = hostdev_mode_labels,
  },
  {
    .id = "hostdev-type", .label = N_("Type"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_READONLY,
    .path = "", .attribute = "type",
    .choices = hostdev_types, .choice_labels = hostdev_type_labels,
  },
  {
    /* A summary of <source> (see dup_hostdev_source), not one value. */
    .id = "hostdev-source", .label = N_("Host device"),
    .type = VIREO_FIELD_TEXT, .flags = VIREO_FIELD_READONLY,
    .path = "source",
  },
  {
    .id = "hostdev-managed", .label = N_("Managed"),
    .subtitle = N_("libvirt takes the device from the host's driver at start and gives it back at shutdown"),
    .type = VIREO_FIELD_SWITCH, .path = "", .attribute = "managed",
    .on_value = "yes", .off_value = "no",
    .relevant_field = "hostdev-mode", .relevant_values = subsystem_modes,
  },
};

/* --------------------------------------------------------------- redirdev */

static const char * const redirdev_buses[] = { "usb", NULL };
static const char * const redirdev_bus_labels[] = { N_("USB"), NULL };
static const char * const redirdev_types[] = { "spicevmc", "tcp", NULL };
static const char * const redirdev_type_labels[] = {
  N_("SPICE viewer (USB devices plugged into the viewer's machine)"),
  N_("TCP (a usbredir server on the network)"),
  NULL
};

static const VireoDeviceField redirdev_fields[] = {
  {
    .id = "redirdev-bus", .label = N_("Bus"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_READONLY,
    .path = "", .attribute = "bus",
    .choices = redirdev_buses, .choice_labels = redirdev_bus_labels,
  },
  {
    .id = "redirdev-type", .label = N_("Redirected from"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "", .attribute = "type",
    .choices = redirdev_types, .choice_labels = redirdev_type_labels,
  },
  {
    .id = "redirdev-source-host", .label = N_("Host"),
    .subtitle = N_("The usbredir server's address"),
    .type = VIREO_FIELD_TEXT, .path = "source", .attribute = "host",
    .relevant_field = "redirdev-type", .relevant_values = tcp_types,
  },
  {
    .id = "redirdev-source-service", .label = N_("Port"),
    .type = VIREO_FIELD_NUMBER, .path = "source", .attribute = "service", .min = 1, .max = 65535,
    .relevant_field = "redirdev-type", .relevant_values = tcp_types,
  },
};

/* ------------------------------------------------------------- filesystem */

static const char * const fs_drivers[] = { "virtiofs", "path", NULL };
static const char * const fs_driver_labels[] = {
  N_("virtiofs (fast; needs shared memory for the guest)"),
  N_("9p (slower; works without shared memory)"),
  NULL
};
/* No driver is 9p for QEMU. */
static const char * const fs_9p_drivers[] = { "path", "handle", "", NULL };
static const char * const fs_accessmodes[] = { "passthrough", "mapped", "squash", NULL };
static const char * const fs_accessmode_labels[] = {
  N_("Passthrough (files keep the host's owners and permissions)"),
  N_("Mapped (the guest's owners are kept in extended attributes)"),
  N_("Squash (like passthrough, ownership errors ignored)"),
  NULL
};
static const char * const fs_types[] = { "mount", "bind", "file", "block", "ram", "template", NULL };
static const char * const fs_type_labels[] = {
  N_("Host directory"),
  N_("Bind mount"),
  N_("Image file"),
  N_("Block device"),
  N_("Memory (tmpfs)"),
  N_("Template"),
  NULL
};
/* No type is a mount. */
static const char * const fs_dir_types[] = { "mount", "bind", "", NULL };

#define FS_READONLY_FIELD \
  { \
    .id = "filesystem-readonly", .label = N_("Read-only"), \
    .subtitle = N_("The guest cannot change the files"), \
    .type = VIREO_FIELD_SWITCH, .path = "readonly", .on_value = "yes", \
  }

/* A virtual machine mounts a shared directory by its tag. */
static const VireoDeviceField filesystem_fields[] = {
  {
    .id = "filesystem-driver", .label = N_("Driver"),
    .subtitle = N_("How the guest reaches the host's files"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "driver", .attribute = "type",
    .choices = fs_drivers, .choice_labels = fs_driver_labels,
  },
  {
    .id = "filesystem-accessmode", .label = N_("Access mode"),
    .subtitle = N_("Whose user and group the guest's files get on the host"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "", .attribute = "accessmode",
    .choices = fs_accessmodes, .choice_labels = fs_accessmode_labels,
    .relevant_field = "filesystem-driver", .relevant_values = fs_9p_drivers,
  },
  {
    .id = "filesystem-source-dir", .label = N_("Source directory"),
    .subtitle = N_("The directory on the host to share"),
    .type = VIREO_FIELD_TEXT, .flags = VIREO_FIELD_REQUIRED | VIREO_FIELD_DIR_PATH,
    .path = "source", .attribute = "dir",
  },
  {
    .id = "filesystem-target", .label = N_("Mount tag"),
    .subtitle = N_("The name the guest mounts it by, e.g. mount -t virtiofs TAG /mnt"),
    .type = VIREO_FIELD_TEXT, .flags = VIREO_FIELD_REQUIRED | VIREO_FIELD_NAME,
    .path = "target", .attribute = "dir",
  },
  FS_READONLY_FIELD,
};

/* A container sees the directory at a place in its own tree. */
static const VireoDeviceField container_filesystem_fields[] = {
  {
    .id = "filesystem-type", .label = N_("Type"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_READONLY,
    .path = "", .attribute = "type",
    .choices = fs_types, .choice_labels = fs_type_labels,
  },
  {
    .id = "filesystem-source-dir", .label = N_("Source directory"),
    .subtitle = N_("The directory on the host to share"),
    .type = VIREO_FIELD_TEXT, .flags = VIREO_FIELD_REQUIRED | VIREO_FIELD_DIR_PATH,
    .path = "source", .attribute = "dir",
    .relevant_field = "filesystem-type", .relevant_values = fs_dir_types,
  },
  {
    .id = "filesystem-target-dir", .label = N_("Mount point"),
    .subtitle = N_("Where the container sees it"),
    .type = VIREO_FIELD_TEXT, .flags = VIREO_FIELD_REQUIRED | VIREO_FIELD_DIR_PATH,
    .path = "target", .attribute = "dir",
  },
  FS_READONLY_FIELD,
};

/* -------------------------------------------------------------------- tpm */

static const char * const tpm_models[] = { "tpm-crb", "tpm-tis", "tpm-spapr", "spapr-tpm-proxy", NULL };
static const char * const tpm_model_labels[] = {
  N_("CRB (TPM 2.0 only; recommended)"),
  N_("TIS (TPM 1.2 and 2.0)"),
  N_("sPAPR (POWER)"),
  N_("sPAPR proxy (POWER, host TPM)"),
  NULL
};
static const char * const tpm_backends[] = { "emulator", "passthrough", NULL };
static const char * const tpm_backend_labels[] = {
  N_("Emulated (swtpm keeps a TPM state per virtual machine)"),
  N_("The host's TPM (passthrough)"),
  NULL
};
static const char * const tpm_versions[] = { "2.0", "1.2", NULL };
static const char * const tpm_version_labels[] = {
  N_("2.0 (needed by Windows 11)"),
  N_("1.2"),
  NULL
};
static const char * const emulator_only[] = { "emulator", NULL };
static const char * const passthrough_only[] = { "passthrough", NULL };

static const VireoDeviceField tpm_fields[] = {
  {
    .id = "tpm-model", .label = N_("Model"),
    .subtitle = N_("The TPM interface the guest sees"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "", .attribute = "model",
    .choices = tpm_models, .choice_labels = tpm_model_labels,
  },
  {
    .id = "tpm-backend", .label = N_("Backend"),
    .subtitle = N_("What provides the TPM on the host"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "backend", .attribute = "type",
    .choices = tpm_backends, .choice_labels = tpm_backend_labels,
  },
  {
    .id = "tpm-version", .label = N_("Version"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "backend", .attribute = "version",
    .choices = tpm_versions, .choice_labels = tpm_version_labels,
    .relevant_field = "tpm-backend", .relevant_values = emulator_only,
  },
  {
    .id = "tpm-device", .label = N_("Host TPM device"),
    .subtitle = N_("Usually /dev/tpm0"),
    .type = VIREO_FIELD_TEXT, .flags = VIREO_FIELD_FILE_PATH,
    .path = "backend/device", .attribute = "path",
    .relevant_field = "tpm-backend", .relevant_values = passthrough_only,
  },
};

/* -------------------------------------------------------------------- rng */

static const char * const rng_model_labels[] = {
  N_("Virtio"),
  N_("Virtio, transitional (for older guests)"),
  N_("Virtio, version 1.0 only"),
  NULL
};
/* EGD needs a daemon's address, a character device of its own: an EGD
 * backend already there is shown and kept, but not offered. */
static const char * const rng_backends[] = { "random", "builtin", NULL };
static const char * const rng_backend_labels[] = {
  N_("A random device of the host"),
  N_("QEMU's own generator"),
  NULL
};
static const char * const rng_sources[] = { "/dev/urandom", "/dev/random", "/dev/hwrng", NULL };
static const char * const rng_source_labels[] = {
  N_("/dev/urandom (never blocks; recommended)"),
  N_("/dev/random"),
  N_("/dev/hwrng (the host's hardware generator)"),
  NULL
};
static const char * const random_only[] = { "random", NULL };

static const VireoDeviceField rng_fields[] = {
  {
    .id = "rng-model", .label = N_("Model"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "", .attribute = "model",
    .choices = virtio_models, .choice_labels = rng_model_labels,
  },
  {
    .id = "rng-backend", .label = N_("Backend"),
    .subtitle = N_("Where the guest's random numbers come from"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "backend", .attribute = "model",
    .choices = rng_backends, .choice_labels = rng_backend_labels,
  },
  {
    .id = "rng-source", .label = N_("Host device"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_FILE_PATH,
    .path = "backend",
    .choices = rng_sources, .choice_labels = rng_source_labels,
    .relevant_field = "rng-backend", .relevant_values = random_only,
  },
  {
    .id = "rng-rate-bytes", .label = N_("Rate limit (bytes)"),
    .subtitle = N_("At most this many bytes per period; empty for no limit"),
    .type = VIREO_FIELD_NUMBER, .path = "rate", .attribute = "bytes", .min = 1, .max = G_MAXUINT32,
  },
  {
    .id = "rng-rate-period", .label = N_("Rate period (ms)"),
    .subtitle = N_("The period of the rate limit; one second when empty"),
    .type = VIREO_FIELD_NUMBER, .path = "rate", .attribute = "period", .min = 1, .max = G_MAXUINT32,
    .relevant_field = "rng-rate-bytes",
  },
};

/* --------------------------------------------------------------- watchdog */

/* itco and PCI pvpanic below are newer than libvirt 9.0, whose schema
 * refuses them: offered for newer hosts, never in a template. */
static const char * const watchdog_models[] = { "i6300esb", "itco", "ib700", "diag288", NULL };
static const char * const watchdog_model_labels[] = {
  N_("Intel 6300ESB (PCI; works with most guests)"),
  N_("Intel iTCO (built into Q35 machines; recent libvirt)"),
  N_("iBase IB700 (ISA, old guests)"),
  N_("DIAG288 (s390)"),
  NULL
};
static const char * const watchdog_actions[] = {
  "reset", "shutdown", "poweroff", "pause", "dump", "inject-nmi", "none", NULL
};
static const char * const watchdog_action_labels[] = {
  N_("Reset the guest"),
  N_("Shut the guest down gracefully"),
  N_("Power the guest off"),
  N_("Pause the guest"),
  N_("Save a memory dump"),
  N_("Send the guest a non-maskable interrupt"),
  N_("Do nothing"),
  NULL
};

static const VireoDeviceField watchdog_fields[] = {
  {
    .id = "watchdog-model", .label = N_("Model"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "", .attribute = "model",
    .choices = watchdog_models, .choice_labels = watchdog_model_labels,
  },
  {
    .id = "watchdog-action", .label = N_("Action"),
    .subtitle = N_("What happens when the guest stops feeding the watchdog"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "", .attribute = "action",
    .choices = watchdog_actions, .choice_labels = watchdog_action_labels,
  },
};

/* ------------------------------------------------------------------ panic */

static const char * const panic_models[] = { "isa", "hyperv", "pvpanic", "pseries", "s390", NULL };
static const char * const panic_model_labels[] = {
  N_("ISA pvpanic (x86)"),
  N_("Hyper-V crash notification (Windows guests)"),
  N_("PCI pvpanic (recent libvirt)"),
  N_("pSeries firmware (POWER)"),
  N_("s390"),
  NULL
};

static const VireoDeviceField panic_fields[] = {
  {
    .id = "panic-model", .label = N_("Model"),
    .subtitle = N_("How the guest tells the host it crashed"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT,
    .path = "", .attribute = "model",
    .choices = panic_models, .choice_labels = panic_model_labels,
  },
};

/* -------------------------------------------------------------- smartcard */

/* host-certificates needs three certificates: kept when there, not offered. */
static const char * const smartcard_modes[] = { "passthrough", "host", NULL };
static const char * const smartcard_mode_labels[] = {
  N_("Forwarded from the SPICE viewer"),
  N_("A card reader on the host"),
  NULL
};

static const VireoDeviceField smartcard_fields[] = {
  {
    .id = "smartcard-mode", .label = N_("Card reader"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "", .attribute = "mode",
    .choices = smartcard_modes, .choice_labels = smartcard_mode_labels,
  },
};

/* ------------------------------------------------------------------ vsock */

static const char * const not_auto[] = { "no", "", NULL };

static const VireoDeviceField vsock_fields[] = {
  {
    .id = "vsock-auto", .label = N_("Automatic address"),
    .subtitle = N_("libvirt picks a free address when the guest starts"),
    .type = VIREO_FIELD_SWITCH, .path = "cid", .attribute = "auto",
    .on_value = "yes", .off_value = "no",
  },
  {
    /* 0-2 are the hypervisor, loopback and host; 2^32-1 means "any". */
    .id = "vsock-cid", .label = N_("Guest address (CID)"),
    .subtitle = N_("The number host programs use to reach the guest"),
    .type = VIREO_FIELD_NUMBER, .path = "cid", .attribute = "address",
    .min = 3, .max = (gint64) G_MAXUINT32 - 1,
    .relevant_field = "vsock-auto", .relevant_values = not_auto,
  },
};

/* ------------------------------------------------------------- memballoon */

static const char * const memballoon_models[] = {
  "virtio", "virtio-transitional", "virtio-non-transitional", "none", NULL
};
static const char * const memballoon_model_labels[] = {
  N_("Virtio"),
  N_("Virtio, transitional (for older guests)"),
  N_("Virtio, version 1.0 only"),
  N_("None (no balloon)"),
  NULL
};

static const VireoDeviceField memballoon_fields[] = {
  {
    .id = "memballoon-model", .label = N_("Model"),
    .subtitle = N_("Lets the host take back memory the guest does not use"),
    .type = VIREO_FIELD_CHOICE, .flags = VIREO_FIELD_STRICT | VIREO_FIELD_REQUIRED,
    .path = "", .attribute = "model",
    .choices = memballoon_models, .choice_labels = memballoon_model_labels,
  },
  {
    .id = "memballoon-stats", .label = N_("Statistics period (s)"),
    .subtitle = N_("How often the guest reports its memory use; empty for never"),
    .type = VIREO_FIELD_NUMBER, .path = "stats", .attribute = "period", .min = 1, .max = G_MAXINT32,
    .relevant_field = "memballoon-model", .relevant_values = virtio_models,
  },
  {
    .id = "memballoon-autodeflate", .label = N_("Deflate on out-of-memory"),
    .subtitle = N_("The guest takes memory back from the balloon before it runs out"),
    .type = VIREO_FIELD_SWITCH, .path = "", .attribute = "autodeflate",
    .on_value = "on",
    .relevant_field = "memballoon-model", .relevant_values = virtio_models,
  },
  {
    .id = "memballoon-free-page-reporting", .label = N_("Free page reporting"),
    .subtitle = N_("The guest hands pages it freed back to the host"),
    .type = VIREO_FIELD_SWITCH, .path = "", .attribute = "freePageReporting",
    .on_value = "on",
    .relevant_field = "memballoon-model", .relevant_values = virtio_models,
  },
};

#define TABLE(t) t, G_N_ELEMENTS (t)

static const struct {
  VireoDeviceKind         kind;
  const VireoDeviceField *fields;
  guint                   n_fields;
} tables[] = {
  { VIREO_DEVICE_VIDEO, TABLE (video_fields) },
  { VIREO_DEVICE_SOUND, TABLE (sound_fields) },
  { VIREO_DEVICE_INPUT, TABLE (input_fields) },
  { VIREO_DEVICE_SERIAL, TABLE (serial_fields) },
  { VIREO_DEVICE_CONSOLE, TABLE (console_fields) },
  { VIREO_DEVICE_CHANNEL, TABLE (channel_fields) },
  { VIREO_DEVICE_CONTROLLER, TABLE (controller_fields) },
  { VIREO_DEVICE_HOSTDEV, TABLE (hostdev_fields) },
  { VIREO_DEVICE_REDIRDEV, TABLE (redirdev_fields) },
  { VIREO_DEVICE_FILESYSTEM, TABLE (filesystem_fields) },
  { VIREO_DEVICE_TPM, TABLE (tpm_fields) },
  { VIREO_DEVICE_RNG, TABLE (rng_fields) },
  { VIREO_DEVICE_WATCHDOG, TABLE (watchdog_fields) },
  { VIREO_DEVICE_PANIC, TABLE (panic_fields) },
  { VIREO_DEVICE_SMARTCARD, TABLE (smartcard_fields) },
  { VIREO_DEVICE_VSOCK, TABLE (vsock_fields) },
  { VIREO_DEVICE_MEMBALLOON, TABLE (memballoon_fields) },
};

/* -------------------------------------------------------------- XML walks */

#define NODE(device) _vireo_device_get_node (device)

static gboolean
is_blank_text (xmlNodePtr node)
{
  return node->type == XML_TEXT_NODE && xmlIsBlankNode (node);
}

/* The element at @path under @node, or NULL when a step is missing. */
static xmlNodePtr
find_path (xmlNodePtr  node,
           const char *path)
{
  g_auto(GStrv) steps = NULL;

  if (node == NULL || *path == '\0')
    return node;
  steps = g_strsplit (path, "/", -1);
  for (guint i = 0; steps[i] != NULL && node != NULL; i++)
    node = vireo_xml_child (node, steps[i]);
  return node;
}

static xmlNodePtr
ensure_path (xmlNodePtr  node,
             const char *path)
{
  g_auto(GStrv) steps = NULL;

  if (*path == '\0')
    return node;
  steps = g_strsplit (path, "/", -1);
  for (guint i = 0; steps[i] != NULL; i++)
    node = vireo_xml_ensure_child (node, steps[i]);
  return node;
}

static gboolean
carries_nothing (xmlNodePtr node)
{
  if (node->properties != NULL)
    return FALSE;
  for (xmlNodePtr n = node->children; n != NULL; n = n->next)
    if (!is_blank_text (n))
      return FALSE;
  return TRUE;
}

/* Once its last child is gone, an element closes on its own line again,
 * as libvirt writes it: <model type="virtio"/>. */
static void
close_up (xmlNodePtr node)
{
  xmlNodePtr n = node->children;

  for (xmlNodePtr c = n; c != NULL; c = c->next)
    if (!is_blank_text (c))
      return;
  while (n != NULL)
    {
      xmlNodePtr next = n->next;

      xmlUnlinkNode (n);
      xmlFreeNode (n);
      n = next;
    }
}

static void
remove_element (xmlNodePtr node)
{
  xmlNodePtr parent;

  if (node == NULL)
    return;
  parent = node->parent;
  vireo_xml_remove (node);
  if (parent != NULL)
    close_up (parent);
}

/* Removes the elements of @path that now carry nothing, deepest first;
 * the device element itself always stays. */
static void
prune_path (xmlNodePtr  device,
            const char *path)
{
  g_auto(GStrv) steps = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  xmlNodePtr node = device;

  if (*path == '\0')
    return;
  steps = g_strsplit (path, "/", -1);
  chain = g_ptr_array_new ();
  for (guint i = 0; steps[i] != NULL && (node = vireo_xml_child (node, steps[i])) != NULL; i++)
    g_ptr_array_add (chain, node);
  for (guint i = chain->len; i-- > 0;)
    {
      if (!carries_nothing (chain->pdata[i]))
        return;
      remove_element (chain->pdata[i]);
    }
}

/* An element's own text: its text children, not its descendants'. */
static char *
get_own_text (xmlNodePtr node)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (xmlNodePtr n = node->children; n != NULL; n = n->next)
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
      g_string_append (text, (const char *) n->content);
  g_strstrip (text->str);
  if (text->str[0] == '\0')
    return NULL;
  return g_strdup (text->str);
}

/* Replaces an element's own text, leaving its child elements be. */
static void
set_own_text (xmlNodePtr  node,
              const char *text)
{
  xmlNodePtr n = node->children;

  while (n != NULL)
    {
      xmlNodePtr next = n->next;

      if ((n->type == XML_TEXT_NODE && !is_blank_text (n)) || n->type == XML_CDATA_SECTION_NODE)
        {
          xmlUnlinkNode (n);
          xmlFreeNode (n);
        }
      n = next;
    }
  if (text == NULL)
    close_up (node);
  else if (node->children == NULL)
    /* xmlNewText takes the text as it is: "&" stays a character. */
    xmlAddChild (node, xmlNewText (BAD_CAST text));
  else
    xmlAddPrevSibling (node->children, xmlNewText (BAD_CAST text));
}

static void
remove_attribute (xmlNodePtr  device,
                  const char *path,
                  const char *attribute)
{
  xmlNodePtr node = find_path (device, path);

  if (node == NULL)
    return;
  vireo_xml_set_prop (node, attribute, NULL);
  prune_path (device, path);
}

static void
remove_children_named (xmlNodePtr          node,
                       const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      xmlNodePtr child;

      while ((child = vireo_xml_child (node, names[i])) != NULL)
        remove_element (child);
    }
}

/* ---------------------------------------------------------------- fixups */

/*
 * Where libvirt's schema (or its own checks when it defines the domain)
 * ties other settings to a field's value, setting the field also drops
 * what the new value cannot have: without that, the edit would leave a
 * document libvirt refuses.
 */

static void
fixup_video_model (xmlNodePtr  device,
                   const char *value)
{
  /* ram, vgamem and vram64 exist only on QXL in the schema; 3D
   * acceleration is refused on anything but virtio. */
  if (g_strcmp0 (value, "qxl") != 0)
    {
      remove_attribute (device, "model", "ram");
      remove_attribute (device, "model", "vgamem");
      remove_attribute (device, "model", "vram64");
    }
  if (g_strcmp0 (value, "virtio") != 0)
    remove_attribute (device, "model/acceleration", "accel3d");
}

static void
fixup_input_type (xmlNodePtr  device,
                  const char *value)
{
  /* A <source> names the host device of evdev and passthrough inputs. */
  remove_element (vireo_xml_child (device, "source"));
}

static void
fixup_serial_target_type (xmlNodePtr  device,
                          const char *value)
{
  /* The target model must fit the target type; with none, libvirt picks
   * the one that does. */
  remove_element (find_path (device, "target/model"));
}

static void
fixup_usb_model (xmlNodePtr  device,
                 const char *value)
{
  /* Only XHCI controllers have a port count. */
  if (!g_strv_contains (xhci_models, value != NULL ? value : ""))
    vireo_xml_set_prop (device, "ports", NULL);
}

static void
fixup_filesystem_driver (xmlNodePtr  device,
                         const char *value)
{
  static const char * const virtiofsd_only[] = { "binary", NULL };

  if (g_strcmp0 (value, "virtiofs") == 0)
    {
      /* 9p's storage format and write policy mean nothing to virtiofs,
       * and virtiofs only passes ownership through. */
      remove_attribute (device, "driver", "format");
      remove_attribute (device, "driver", "wrpolicy");
      {
        g_autofree char *mode = vireo_xml_get_prop (device, "accessmode");

        if (mode != NULL && g_strcmp0 (mode, "passthrough") != 0)
          vireo_xml_set_prop (device, "accessmode", NULL);
      }
    }
  else
    {
      /* The queue size and <binary> configure virtiofsd. */
      remove_attribute (device, "driver", "queue");
      remove_children_named (device, virtiofsd_only);
    }
}

static void
fixup_filesystem_source_dir (xmlNodePtr  device,
                             const char *value)
{
  /* A directory and an already running virtiofsd's socket are two ways
   * to say the same thing: only one can stay. */
  if (value != NULL)
    vireo_xml_set_prop (vireo_xml_child (device, "source"), "socket", NULL);
}

static void
fixup_tpm_backend (xmlNodePtr  device,
                   const char *value)
{
  static const char * const emulator_children[] = { "encryption", "active_pcr_banks", NULL };
  static const char * const passthrough_children[] = { "device", NULL };
  xmlNodePtr backend = vireo_xml_child (device, "backend");

  if (g_strcmp0 (value, "passthrough") == 0)
    {
      remove_children_named (backend, emulator_children);
      vireo_xml_set_prop (backend, "persistent_state", NULL);
    }
  else
    remove_children_named (backend, passthrough_children);
}

static void
fixup_rng_backend (xmlNodePtr  device,
                   const char *value)
{
  static const char * const egd_children[] = { "source", "protocol", NULL };
  xmlNodePtr backend = vireo_xml_child (device, "backend");

  /* The character device of an EGD backend goes with it; a built-in one
   * takes no device path either. */
  vireo_xml_set_prop (backend, "type", NULL);
  remove_children_named (backend, egd_children);
  if (g_strcmp0 (value, "builtin") == 0)
    set_own_text (backend, NULL);
  close_up (backend);
}

static void
fixup_rng_rate_bytes (xmlNodePtr  device,
                      const char *value)
{
  /* A period without a byte count is no limit, and refused. */
  if (value == NULL)
    remove_element (vireo_xml_child (device, "rate"));
}

static void
fixup_smartcard_mode (xmlNodePtr  device,
                      const char *value)
{
  static const char * const certificate_children[] = { "certificate", "database", NULL };
  static const char * const chardev_children[] = { "source", "protocol", NULL };

  remove_children_named (device, certificate_children);
  if (g_strcmp0 (value, "passthrough") == 0)
    {
      /* Passthrough needs a character device; SPICE's is the usual one. */
      g_autofree char *type = vireo_xml_get_prop (device, "type");

      if (type == NULL)
        vireo_xml_set_prop (device, "type", "spicevmc");
    }
  else
    {
      vireo_xml_set_prop (device, "type", NULL);
      remove_children_named (device, chardev_children);
    }
}

typedef void (*FieldFixup) (xmlNodePtr  device,
                            const char *value);

static const struct {
  const char *id;
  FieldFixup  fixup;
} fixups[] = {
  { "video-model", fixup_video_model },
  { "input-type", fixup_input_type },
  { "serial-target-type", fixup_serial_target_type },
  { "controller-usb-model", fixup_usb_model },
  { "filesystem-driver", fixup_filesystem_driver },
  { "filesystem-source-dir", fixup_filesystem_source_dir },
  { "tpm-backend", fixup_tpm_backend },
  { "rng-backend", fixup_rng_backend },
  { "rng-rate-bytes", fixup_rng_rate_bytes },
  { "smartcard-mode", fixup_smartcard_mode },
};

/* ------------------------------------------------------- computed values */

/* PCI address parts as libvirt reads them: "0x0a", "10", ... */
static guint64
parse_address_part (const char *text)
{
  return text != NULL ? g_ascii_strtoull (text, NULL, 0) : 0;
}

static char *
dup_hostdev_source (xmlNodePtr device)
{
  g_autofree char *type = vireo_xml_get_prop (device, "type");
  xmlNodePtr source = vireo_xml_child (device, "source");
  xmlNodePtr address = vireo_xml_child (source, "address");

  if (source == NULL)
    return NULL;

  if (g_strcmp0 (type, "pci") == 0 && address != NULL)
    {
      g_autofree char *domain = vireo_xml_get_prop (address, "domain");
      g_autofree char *bus = vireo_xml_get_prop (address, "bus");
      g_autofree char *slot = vireo_xml_get_prop (address, "slot");
      g_autofree char *function = vireo_xml_get_prop (address, "function");

      /* The form lspci -D prints. */
      return g_strdup_printf ("%04" G_GINT64_MODIFIER "x:%02" G_GINT64_MODIFIER "x:%02"
                              G_GINT64_MODIFIER "x.%" G_GINT64_MODIFIER "x",
                              parse_address_part (domain), parse_address_part (bus),
                              parse_address_part (slot), parse_address_part (function));
    }
  if (g_strcmp0 (type, "usb") == 0)
    {
      g_autofree char *vendor = vireo_xml_get_child_prop (source, "vendor", "id");
      g_autofree char *product = vireo_xml_get_child_prop (source, "product", "id");

      if (vendor != NULL && product != NULL)
        /* Translators: USB vendor and product IDs, e.g. "0x046d:0xc52b" */
        return g_strdup_printf (_("USB device %s:%s"), vendor, product);
      if (address != NULL)
        {
          g_autofree char *bus = vireo_xml_get_prop (address, "bus");
          g_autofree char *dev = vireo_xml_get_prop (address, "device");

          /* Translators: where a USB device is plugged in on the host */
          return g_strdup_printf (_("USB bus %s, device %s"), bus != NULL ? bus : "?", dev != NULL ? dev : "?");
        }
      return NULL;
    }
  if (g_strcmp0 (type, "scsi") == 0)
    {
      g_autofree char *adapter = vireo_xml_get_child_prop (source, "adapter", "name");
      g_autofree char *bus = vireo_xml_get_prop (address, "bus");
      g_autofree char *target = vireo_xml_get_prop (address, "target");
      g_autofree char *unit = vireo_xml_get_prop (address, "unit");

      if (adapter != NULL && address != NULL)
        return g_strdup_printf ("%s %s:%s:%s", adapter, bus != NULL ? bus : "0",
                                target != NULL ? target : "0", unit != NULL ? unit : "0");
      return g_strdup (adapter);
    }
  if (g_strcmp0 (type, "scsi_host") == 0)
    return vireo_xml_get_prop (source, "wwpn");
  if (g_strcmp0 (type, "mdev") == 0)
    return vireo_xml_get_prop (address, "uuid");
  if (g_strcmp0 (type, "storage") == 0)
    return vireo_xml_get_child_text (source, "block");
  if (g_strcmp0 (type, "misc") == 0)
    return vireo_xml_get_child_text (source, "char");
  if (g_strcmp0 (type, "net") == 0)
    return vireo_xml_get_child_text (source, "interface");
  return NULL;
}

typedef char *(*FieldReader) (xmlNodePtr device);

static const struct {
  const char  *id;
  FieldReader  read;
} readers[] = {
  { "hostdev-source", dup_hostdev_source },
};

/* ----------------------------------------------------------------- tables */

static const VireoDeviceField *
table_for (VireoDevice *device,
           guint       *n_fields)
{
  VireoDeviceKind kind = vireo_device_get_kind (device);

  *n_fields = 0;
  if (kind == VIREO_DEVICE_FILESYSTEM)
    {
      VireoDomainConfig *config = vireo_device_get_config (device);
      const char *domain_type = config != NULL ? vireo_domain_config_get_domain_type (config) : NULL;

      /* Containers mount the directory at a path; virtual machines know
       * it by a tag and need a driver for it. */
      if (g_strcmp0 (domain_type, "lxc") == 0 || g_strcmp0 (domain_type, "openvz") == 0)
        {
          *n_fields = G_N_ELEMENTS (container_filesystem_fields);
          return container_filesystem_fields;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (tables[i].kind == kind)
      {
        *n_fields = tables[i].n_fields;
        return tables[i].fields;
      }
  return NULL;
}

static gboolean
field_of (VireoDevice            *device,
          const VireoDeviceField *field)
{
  guint n;
  const VireoDeviceField *table = table_for (device, &n);

  return table != NULL && field >= table && field < table + n;
}

/**
 * vireo_device_fields_for:
 * @n_fields: (out): the number of fields
 *
 * The editable settings of @device, in the order an editor shows them.
 * Disks, network cards, displays and kinds Vireo does not know have none.
 *
 * Returns: (transfer none) (array length=n_fields) (nullable): a static
 *   table, or %NULL
 */
const VireoDeviceField *
vireo_device_fields_for (VireoDevice *device,
                         guint       *n_fields)
{
  guint n = 0;
  const VireoDeviceField *table = NULL;

  g_return_val_if_fail (VIREO_IS_DEVICE (device), NULL);

  if (vireo_device_get_attached (device))
    table = table_for (device, &n);
  if (n_fields != NULL)
    *n_fields = n;
  return table;
}

/**
 * vireo_device_find_field:
 * @id: a field id such as "video-model"
 *
 * Returns: (transfer none) (nullable): that field of @device's table
 */
const VireoDeviceField *
vireo_device_find_field (VireoDevice *device,
                         const char  *id)
{
  guint n;
  const VireoDeviceField *table;

  g_return_val_if_fail (VIREO_IS_DEVICE (device), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  table = vireo_device_fields_for (device, &n);
  for (guint i = 0; i < n; i++)
    if (g_str_equal (table[i].id, id))
      return &table[i];
  return NULL;
}

static char *
read_field (xmlNodePtr              device,
            const VireoDeviceField *field)
{
  xmlNodePtr node;

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    if (g_str_equal (readers[i].id, field->id))
      return readers[i].read (device);

  node = find_path (device, field->path);
  if (node == NULL)
    return NULL;
  if (field->attribute != NULL)
    return vireo_xml_get_prop (node, field->attribute);
  if (field->type == VIREO_FIELD_SWITCH)
    return g_strdup (field->on_value);
  return get_own_text (node);
}

/**
 * vireo_device_dup_field:
 *
 * The value as the document has it, whether or not it is one of the
 * field's choices. A SWITCH gives its attribute's value, or for an
 * element's presence its @on_value.
 *
 * Returns: (transfer full) (nullable): the value, %NULL when absent
 */
char *
vireo_device_dup_field (VireoDevice            *device,
                        const VireoDeviceField *field)
{
  g_return_val_if_fail (VIREO_IS_DEVICE (device), NULL);
  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (field_of (device, field), NULL);

  return read_field (NODE (device), field);
}

/**
 * vireo_device_get_field_active:
 *
 * Returns: whether a SWITCH is on
 */
gboolean
vireo_device_get_field_active (VireoDevice            *device,
                               const VireoDeviceField *field)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (field != NULL && field->type == VIREO_FIELD_SWITCH, FALSE);

  value = vireo_device_dup_field (device, field);
  return value != NULL && g_strcmp0 (value, field->on_value) == 0;
}

static const VireoDeviceField *
sibling (const VireoDeviceField *table,
         guint                   n,
         const char             *id)
{
  for (guint i = 0; i < n; i++)
    if (g_str_equal (table[i].id, id))
      return &table[i];
  return NULL;
}

/* Whether @field applies; when not, @blocker is the field that decides. */
static gboolean
is_relevant (VireoDevice             *device,
             const VireoDeviceField  *field,
             const VireoDeviceField **blocker)
{
  guint n;
  const VireoDeviceField *table = table_for (device, &n);

  /* The tables are shallow; the bound only guards against a cycle. */
  for (guint depth = 0; field->relevant_field != NULL && depth < n; depth++)
    {
      const VireoDeviceField *decider = sibling (table, n, field->relevant_field);
      g_autofree char *value = NULL;

      g_return_val_if_fail (decider != NULL, TRUE);
      value = read_field (NODE (device), decider);
      if (field->relevant_values == NULL
          ? value == NULL
          : !g_strv_contains (field->relevant_values, value != NULL ? value : ""))
        {
          if (blocker != NULL)
            *blocker = decider;
          return FALSE;
        }
      field = decider;
    }
  return TRUE;
}

/**
 * vireo_device_field_is_relevant:
 *
 * Whether @field means anything as @device stands: the model's memory
 * size is QXL's and VGA's, a socket path a socket's. An editor hides the
 * fields that are not; their values stay in the document all the same.
 */
gboolean
vireo_device_field_is_relevant (VireoDevice            *device,
                                const VireoDeviceField *field)
{
  g_return_val_if_fail (VIREO_IS_DEVICE (device), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (field_of (device, field), FALSE);

  return is_relevant (device, field, NULL);
}

/**
 * vireo_device_field_choice_label:
 * @value: (nullable): a value of @field
 *
 * Returns: (nullable): the translated label of @value, or %NULL when it
 *   is not one of the choices (an editor then shows the value itself)
 */
const char *
vireo_device_field_choice_label (const VireoDeviceField *field,
                                 const char             *value)
{
  g_return_val_if_fail (field != NULL, NULL);

  if (value == NULL || field->choices == NULL || field->choice_labels == NULL)
    return NULL;
  for (guint i = 0; field->choices[i] != NULL; i++)
    if (g_str_equal (field->choices[i], value))
      return _(field->choice_labels[i]);
  return NULL;
}

static gboolean
refuse (GError                 **error,
        const VireoDeviceField  *field,
        const char              *reason)
{
  /* Translators: a setting's name, then why a value was refused, e.g.
   * "Monitors: must be a whole number from 1 to 16." */
  g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID, _("%s: %s"), _(field->label), reason);
  return FALSE;
}

/* Checks @value against @field's rules; on success, @canonical is what
 * to write (numbers lose leading zeros and signs). */
static gboolean
validate (const VireoDeviceField  *field,
          const char              *value,
          char                   **canonical,
          GError                 **error)
{
  if (!g_utf8_validate (value, -1, NULL))
    return refuse (error, field, _("the text is not valid UTF-8."));
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return refuse (error, field, _("line breaks and control characters are not allowed."));

  switch (field->type)
    {
    case VIREO_FIELD_NUMBER:
      {
        gint64 number;
        g_autofree char *min = g_strdup_printf ("%" G_GINT64_FORMAT, field->min);
        g_autofree char *max = g_strdup_printf ("%" G_GINT64_FORMAT, field->max);
        g_autofree char *reason = NULL;

        if (!g_ascii_string_to_signed (value, 10, field->min, field->max, &number, NULL))
          {
            /* Translators: the lowest and the highest value allowed */
            reason = g_strdup_printf (_("must be a whole number from %s to %s."), min, max);
            return refuse (error, field, reason);
          }
        *canonical = g_strdup_printf ("%" G_GINT64_FORMAT, number);
        return TRUE;
      }

    case VIREO_FIELD_SWITCH:
      if (g_strcmp0 (value, field->on_value) != 0 && g_strcmp0 (value, field->off_value) != 0)
        {
          g_autofree char *reason = NULL;

          if (field->off_value != NULL)
            /* Translators: the values that mean on and off, e.g. "yes" and "no" */
            reason = g_strdup_printf (_("must be “%s” or “%s”."), field->on_value, field->off_value);
          else
            /* Translators: the value that means on, e.g. "yes" */
            reason = g_strdup_printf (_("must be “%s”, or empty for off."), field->on_value);
          return refuse (error, field, reason);
        }
      break;

    case VIREO_FIELD_CHOICE:
      if ((field->flags & VIREO_FIELD_STRICT) && !g_strv_contains (field->choices, value))
        {
          g_autofree char *reason = NULL;

          /* Translators: the value that was refused */
          reason = g_strdup_printf (_("“%s” is not one of the choices."), value);
          return refuse (error, field, reason);
        }
      break;

    case VIREO_FIELD_TEXT:
    default:
      break;
    }

  if ((field->flags & (VIREO_FIELD_FILE_PATH | VIREO_FIELD_DIR_PATH)) && value[0] != '/')
    return refuse (error, field, _("must be a full path, starting with “/”."));
  if ((field->flags & VIREO_FIELD_FILE_PATH) && value[1] == '\0')
    return refuse (error, field, _("must name a file, not only “/”."));
  if ((field->flags & VIREO_FIELD_NAME) && strchr (value, '/') != NULL)
    return refuse (error, field, _("must not contain “/”."));

  *canonical = g_strdup (value);
  return TRUE;
}

static void
write_field (xmlNodePtr              device,
             const VireoDeviceField *field,
             const char             *value)
{
  xmlNodePtr node;

  if (field->attribute == NULL && field->type == VIREO_FIELD_SWITCH)
    {
      /* An element's presence. */
      if (value != NULL)
        ensure_path (device, field->path);
      else
        {
          remove_element (find_path (device, field->path));
          prune_path (device, field->path);
        }
      return;
    }

  if (value == NULL)
    {
      node = find_path (device, field->path);
      if (node == NULL)
        return;
      if (field->attribute != NULL)
        vireo_xml_set_prop (node, field->attribute, NULL);
      else
        set_own_text (node, NULL);
      prune_path (device, field->path);
      return;
    }

  node = ensure_path (device, field->path);
  if (field->attribute != NULL)
    vireo_xml_set_prop (node, field->attribute, value);
  else
    set_own_text (node, value);
}

/**
 * vireo_device_set_field:
 * @value: (nullable): the new value; %NULL or "" clears it
 *
 * Writes @value where @field lives, creating the elements on the way, or
 * clears it, removing the elements that then carry nothing. Refused with
 * %VIREO_MODEL_ERROR_INVALID, and the document untouched, when the field is
 * read-only, needs a value, does not apply as the device stands, or @value
 * breaks the field's rules (range, choices, path form). A SWITCH takes its
 * @on_value or @off_value.
 *
 * Some values take others with them where libvirt would refuse the
 * result otherwise: a video model other than QXL drops QXL's memory sizes
 * (and other than virtio, 3D acceleration); an input type drops an evdev
 * <source>; a serial port type its target model; a USB model without XHCI
 * its port count; a filesystem driver the other driver's settings; a
 * source directory the virtiofsd socket; a TPM or RNG backend the other
 * backend's settings; an empty RNG rate its period; a smartcard mode the
 * other mode's settings.
 *
 * Returns: %TRUE when the document holds @value (changed or not)
 */
gboolean
vireo_device_set_field (VireoDevice             *device,
                        const VireoDeviceField  *field,
                        const char              *value,
                        GError                 **error)
{
  xmlNodePtr node;
  g_autofree char *old = NULL;
  g_autofree char *canonical = NULL;
  const VireoDeviceField *blocker = NULL;

  g_return_val_if_fail (VIREO_IS_DEVICE (device), FALSE);
  g_return_val_if_fail (vireo_device_get_attached (device), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (field_of (device, field), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  node = NODE (device);
  if (value != NULL && *value == '\0')
    value = NULL;
  old = read_field (node, field);
  /* What is there already stays, even a value no rule would take now. */
  if (g_strcmp0 (old, value) == 0)
    return TRUE;
  if (value != NULL && !validate (field, value, &canonical, error))
    return FALSE;
  if (g_strcmp0 (old, canonical) == 0)
    return TRUE;

  if (field->flags & VIREO_FIELD_READONLY)
    return refuse (error, field, _("this is shown for information and cannot be changed here."));
  if (canonical == NULL && (field->flags & VIREO_FIELD_REQUIRED))
    return refuse (error, field, _("a value is needed."));
  if (canonical != NULL && !is_relevant (device, field, &blocker))
    {
      g_autofree char *decider_value = read_field (node, blocker);
      const char *shown = vireo_device_field_choice_label (blocker, decider_value);
      g_autofree char *reason = NULL;

      if (decider_value == NULL)
        /* Translators: the name of the setting this one depends on */
        reason = g_strdup_printf (_("does not apply while “%s” is empty."), _(blocker->label));
      else
        /* Translators: the name of the setting this one depends on, and its value */
        reason = g_strdup_printf (_("does not apply while “%s” is “%s”."), _(blocker->label),
                                  shown != NULL ? shown : decider_value);
      return refuse (error, field, reason);
    }

  write_field (node, field, canonical);
  for (guint i = 0; i < G_N_ELEMENTS (fixups); i++)
    if (g_str_equal (fixups[i].id, field->id))
      fixups[i].fixup (node, canonical);
  _vireo_device_changed (device);
  return TRUE;
}

/* -------------------------------------------------------------- templates */

/*
 * What Add Hardware starts from: current QEMU/KVM defaults, no <address>
 * (libvirt assigns one), nothing a second device of the kind would clash
 * with (no index, no primary video). Each passes libvirt 9.0's schema.
 */
static const struct {
  VireoDeviceKind  kind;
  const char      *variant;
  const char      *label;
  const char      *xml;
} templates[] = {
  /* A guest's first card is changed through its model field; libvirt
   * takes only virtio and QXL as a further one. */
  { VIREO_DEVICE_VIDEO, "virtio", N_("Virtio GPU"),
    "<video>\n"
    "  <model type='virtio' heads='1'/>\n"
    "</video>" },
  { VIREO_DEVICE_VIDEO, "qxl", N_("QXL"),
    "<video>\n"
    "  <model type='qxl' ram='65536' vram='65536' vgamem='16384' heads='1'/>\n"
    "</video>" },

  { VIREO_DEVICE_SOUND, "ich9", N_("Intel HD Audio (ICH9)"), "<sound model='ich9'/>" },
  { VIREO_DEVICE_SOUND, "ich6", N_("Intel HD Audio (ICH6)"), "<sound model='ich6'/>" },
  { VIREO_DEVICE_SOUND, "ac97", N_("AC'97"), "<sound model='ac97'/>" },
  { VIREO_DEVICE_SOUND, "usb", N_("USB audio"), "<sound model='usb'/>" },

  { VIREO_DEVICE_INPUT, "tablet", N_("USB tablet (absolute pointer)"), "<input type='tablet' bus='usb'/>" },
  { VIREO_DEVICE_INPUT, "keyboard", N_("USB keyboard"), "<input type='keyboard' bus='usb'/>" },
  { VIREO_DEVICE_INPUT, "mouse", N_("USB mouse"), "<input type='mouse' bus='usb'/>" },
  { VIREO_DEVICE_INPUT, "virtio-tablet", N_("Virtio tablet"), "<input type='tablet' bus='virtio'/>" },
  { VIREO_DEVICE_INPUT, "virtio-keyboard", N_("Virtio keyboard"), "<input type='keyboard' bus='virtio'/>" },
  { VIREO_DEVICE_INPUT, "virtio-mouse", N_("Virtio mouse"), "<input type='mouse' bus='virtio'/>" },

  { VIREO_DEVICE_SERIAL, "pty", N_("Serial port on a pseudo-terminal"), "<serial type='pty'/>" },

  { VIREO_DEVICE_CONSOLE, "pty", N_("Virtio console on a pseudo-terminal"),
    "<console type='pty'>\n"
    "  <target type='virtio'/>\n"
    "</console>" },

  { VIREO_DEVICE_CHANNEL, "qemu-ga", N_("QEMU guest agent channel"),
    "<channel type='unix'>\n"
    "  <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
    "</channel>" },
  { VIREO_DEVICE_CHANNEL, "spice", N_("SPICE agent channel"),
    "<channel type='spicevmc'>\n"
    "  <target type='virtio' name='com.redhat.spice.0'/>\n"
    "</channel>" },

  { VIREO_DEVICE_CONTROLLER, "usb", N_("USB 3 controller"), "<controller type='usb' model='qemu-xhci' ports='15'/>" },
  { VIREO_DEVICE_CONTROLLER, "scsi", N_("Virtio SCSI controller"), "<controller type='scsi' model='virtio-scsi'/>" },
  { VIREO_DEVICE_CONTROLLER, "virtio-serial", N_("Virtio serial controller"), "<controller type='virtio-serial'/>" },

  /* The directory and tag are placeholders the user replaces: a directory
   * that does not exist fails loudly at start, where "/" would quietly
   * share the whole host. virtiofs also needs the guest's memory shared
   * (<memoryBacking> with <access mode='shared'/>): libvirt refuses to
   * define the domain otherwise, and that is the domain's, not the
   * device's, so Add Hardware has to see to it. */
  { VIREO_DEVICE_FILESYSTEM, "virtiofs", N_("Shared directory (virtiofs)"),
    "<filesystem type='mount' accessmode='passthrough'>\n"
    "  <driver type='virtiofs'/>\n"
    "  <source dir='/srv/shared'/>\n"
    "  <target dir='shared'/>\n"
    "</filesystem>" },
  { VIREO_DEVICE_FILESYSTEM, "9p", N_("Shared directory (9p)"),
    "<filesystem type='mount' accessmode='mapped'>\n"
    "  <source dir='/srv/shared'/>\n"
    "  <target dir='shared'/>\n"
    "</filesystem>" },

  { VIREO_DEVICE_TPM, "crb", N_("TPM 2.0 (emulated, CRB)"),
    "<tpm model='tpm-crb'>\n"
    "  <backend type='emulator' version='2.0'/>\n"
    "</tpm>" },
  { VIREO_DEVICE_TPM, "tis", N_("TPM 2.0 (emulated, TIS)"),
    "<tpm model='tpm-tis'>\n"
    "  <backend type='emulator' version='2.0'/>\n"
    "</tpm>" },

  { VIREO_DEVICE_RNG, "urandom", N_("Random numbers from /dev/urandom"),
    "<rng model='virtio'>\n"
    "  <backend model='random'>/dev/urandom</backend>\n"
    "</rng>" },
  { VIREO_DEVICE_RNG, "builtin", N_("Random numbers from QEMU"),
    "<rng model='virtio'>\n"
    "  <backend model='builtin'/>\n"
    "</rng>" },

  { VIREO_DEVICE_WATCHDOG, "i6300esb", N_("Intel 6300ESB watchdog"), "<watchdog model='i6300esb' action='reset'/>" },

  { VIREO_DEVICE_PANIC, "isa", N_("ISA pvpanic"), "<panic model='isa'/>" },
  { VIREO_DEVICE_PANIC, "hyperv", N_("Hyper-V crash notification"), "<panic model='hyperv'/>" },

  { VIREO_DEVICE_SMARTCARD, "passthrough", N_("Smartcard from the SPICE viewer"),
    "<smartcard mode='passthrough' type='spicevmc'/>" },
  { VIREO_DEVICE_SMARTCARD, "host", N_("Smartcard reader of the host"), "<smartcard mode='host'/>" },

  { VIREO_DEVICE_VSOCK, "auto", N_("VirtIO socket"),
    "<vsock model='virtio'>\n"
    "  <cid auto='yes'/>\n"
    "</vsock>" },

  { VIREO_DEVICE_REDIRDEV, "spicevmc", N_("USB redirection through SPICE"), "<redirdev bus='usb' type='spicevmc'/>" },

  /* Reachable only through libvirt until the user picks an address; the
   * automatic port is ready for that moment (libvirt drops it meanwhile). */
  { VIREO_DEVICE_GRAPHICS, "spice", N_("SPICE display"),
    "<graphics type='spice' autoport='yes'>\n"
    "  <listen type='none'/>\n"
    "</graphics>" },
  { VIREO_DEVICE_GRAPHICS, "vnc", N_("VNC display"),
    "<graphics type='vnc' autoport='yes'>\n"
    "  <listen type='none'/>\n"
    "</graphics>" },

  { VIREO_DEVICE_MEMBALLOON, "virtio", N_("Virtio memory balloon"), "<memballoon model='virtio'/>" },
};

/* The variants of each kind in the order Add Hardware lists them, the
 * default first; the same names as in the table above. */
static const char * const video_variants[] = { "virtio", "qxl", NULL };
static const char * const sound_variants[] = { "ich9", "ich6", "ac97", "usb", NULL };
static const char * const input_variants[] = {
  "tablet", "keyboard", "mouse", "virtio-tablet", "virtio-keyboard", "virtio-mouse", NULL
};
static const char * const pty_variants[] = { "pty", NULL };
static const char * const channel_variants[] = { "qemu-ga", "spice", NULL };
static const char * const controller_variants[] = { "usb", "scsi", "virtio-serial", NULL };
static const char * const filesystem_variants[] = { "virtiofs", "9p", NULL };
static const char * const tpm_variants[] = { "crb", "tis", NULL };
static const char * const rng_variants[] = { "urandom", "builtin", NULL };
static const char * const watchdog_variants[] = { "i6300esb", NULL };
static const char * const panic_variants[] = { "isa", "hyperv", NULL };
static const char * const smartcard_variants[] = { "passthrough", "host", NULL };
static const char * const vsock_variants[] = { "auto", NULL };
static const char * const redirdev_variants[] = { "spicevmc", NULL };
static const char * const graphics_variants[] = { "spice", "vnc", NULL };
static const char * const memballoon_variants[] = { "virtio", NULL };

/**
 * vireo_device_template_variants:
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): the
 *   variants Add Hardware offers for @kind, the default first; %NULL for
 *   kinds that need more than a template (disks, network cards, host
 *   devices)
 */
const char * const *
vireo_device_template_variants (VireoDeviceKind kind)
{
  switch (kind)
    {
    case VIREO_DEVICE_VIDEO:      return video_variants;
    case VIREO_DEVICE_SOUND:      return sound_variants;
    case VIREO_DEVICE_INPUT:      return input_variants;
    case VIREO_DEVICE_SERIAL:     return pty_variants;
    case VIREO_DEVICE_CONSOLE:    return pty_variants;
    case VIREO_DEVICE_CHANNEL:    return channel_variants;
    case VIREO_DEVICE_CONTROLLER: return controller_variants;
    case VIREO_DEVICE_FILESYSTEM: return filesystem_variants;
    case VIREO_DEVICE_TPM:        return tpm_variants;
    case VIREO_DEVICE_RNG:        return rng_variants;
    case VIREO_DEVICE_WATCHDOG:   return watchdog_variants;
    case VIREO_DEVICE_PANIC:      return panic_variants;
    case VIREO_DEVICE_SMARTCARD:  return smartcard_variants;
    case VIREO_DEVICE_VSOCK:      return vsock_variants;
    case VIREO_DEVICE_REDIRDEV:   return redirdev_variants;
    case VIREO_DEVICE_GRAPHICS:   return graphics_variants;
    case VIREO_DEVICE_MEMBALLOON: return memballoon_variants;
    case VIREO_DEVICE_OTHER:
    case VIREO_DEVICE_DISK:
    case VIREO_DEVICE_INTERFACE:
    case VIREO_DEVICE_HOSTDEV:
    case VIREO_DEVICE_EMULATOR:
    default:
      return NULL;
    }
}

static gint
find_template (VireoDeviceKind  kind,
               const char      *variant)
{
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    if (templates[i].kind == kind && (variant == NULL || g_str_equal (templates[i].variant, variant)))
      return (gint) i;
  return -1;
}

/**
 * vireo_device_template_label:
 * @variant: (nullable): one of vireo_device_template_variants(), or %NULL
 *   for the default
 *
 * Returns: (nullable): the translated name of the variant, for a list
 */
const char *
vireo_device_template_label (VireoDeviceKind  kind,
                             const char      *variant)
{
  gint i = find_template (kind, variant);

  return i >= 0 ? _(templates[i].label) : NULL;
}

/**
 * vireo_device_template_xml:
 * @variant: (nullable): one of vireo_device_template_variants(), or %NULL
 *   for the default
 *
 * Returns: (transfer full) (nullable): the new device's element, written
 *   at column 0, for vireo_domain_config_add_device(); %NULL for an
 *   unknown kind or variant
 */
char *
vireo_device_template_xml (VireoDeviceKind  kind,
                           const char      *variant)
{
  gint i = find_template (kind, variant);

  return i >= 0 ? g_strdup (templates[i].xml) : NULL;
}
