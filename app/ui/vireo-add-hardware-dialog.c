/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-add-hardware-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "vireo-add-hardware-dialog.h"
#include "vireo-browse-button.h"
#include "vireo-device-fields.h"
#include "vireo-disk.h"
#include "vireo-graphics.h"
#include "vireo-interface.h"
#include "vireo-xml-editor.h"

/*
 * Add Hardware: a list of kinds on the left, the chosen kind's settings on
 * the right, and the XML those settings make, which is exactly what the
 * "add" signal carries.
 *
 * The device being built lives in a scratch copy of the machine's
 * configuration, so the model does the work: simple kinds start from
 * vireo_device_template_xml() and every field goes through
 * vireo_device_set_field(), whose refusals are shown as they are; disks
 * and network cards are written from their forms and parsed the same way.
 * The XML tab holds that text as its original: once the user changes it,
 * the hand-written text is what Add sends (parsed first, and refused with
 * the parser's message), and the settings step aside until the user goes
 * back to them.
 *
 * The dialog never calls libvirt. The window gives it the domain
 * capabilities and the host's networks, bridges, pools and devices, maybe
 * after it is shown; a list that arrives late fills its row in place and
 * keeps what the user chose.
 */

/* ------------------------------------------------------------- request */

struct _VireoHardwareRequest
{
  grefcount        ref;
  VireoDeviceKind  kind;
  char            *xml;
  gboolean         needs_shared_memory;
  char            *pool;      /* all NULL: no volume to create */
  char            *volume;
  char            *format;
  guint64          capacity;
};

G_DEFINE_BOXED_TYPE (VireoHardwareRequest, vireo_hardware_request,
                     vireo_hardware_request_ref, vireo_hardware_request_unref)

static VireoHardwareRequest *
vireo_hardware_request_new (VireoDeviceKind  kind,
                            const char      *xml)
{
  VireoHardwareRequest *req = g_new0 (VireoHardwareRequest, 1);

  g_ref_count_init (&req->ref);
  req->kind = kind;
  req->xml = g_strdup (xml);
  return req;
}

VireoHardwareRequest *
vireo_hardware_request_ref (VireoHardwareRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);

  g_ref_count_inc (&req->ref);
  return req;
}

void
vireo_hardware_request_unref (VireoHardwareRequest *req)
{
  g_return_if_fail (req != NULL);

  if (!g_ref_count_dec (&req->ref))
    return;
  g_free (req->xml);
  g_free (req->pool);
  g_free (req->volume);
  g_free (req->format);
  g_free (req);
}

VireoDeviceKind
vireo_hardware_request_get_kind (VireoHardwareRequest *req)
{
  g_return_val_if_fail (req != NULL, VIREO_DEVICE_OTHER);
  return req->kind;
}

/**
 * vireo_hardware_request_get_xml:
 *
 * Returns: the device element for vireo_domain_config_add_device(). When
 *   the request has a volume, the element names it by pool and volume
 *   (which libvirt accepts as it is); see
 *   vireo_hardware_request_dup_xml_with_path() for the path form.
 */
const char *
vireo_hardware_request_get_xml (VireoHardwareRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  return req->xml;
}

/**
 * vireo_hardware_request_get_needs_shared_memory:
 *
 * Returns: %TRUE when the device is a virtiofs share and the machine's
 *   memory is not shared yet: libvirt refuses to define it until the
 *   domain has `<memoryBacking><access mode='shared'/></memoryBacking>`
 */
gboolean
vireo_hardware_request_get_needs_shared_memory (VireoHardwareRequest *req)
{
  g_return_val_if_fail (req != NULL, FALSE);
  return req->needs_shared_memory;
}

/**
 * vireo_hardware_request_has_volume:
 *
 * Returns: %TRUE when a volume has to be created before the device is
 *   added (the pool, name, capacity and format say which)
 */
gboolean
vireo_hardware_request_has_volume (VireoHardwareRequest *req)
{
  g_return_val_if_fail (req != NULL, FALSE);
  return req->volume != NULL;
}

const char *
vireo_hardware_request_get_volume_pool (VireoHardwareRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  return req->pool;
}

const char *
vireo_hardware_request_get_volume_name (VireoHardwareRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  return req->volume;
}

/* In bytes. */
guint64
vireo_hardware_request_get_volume_capacity (VireoHardwareRequest *req)
{
  g_return_val_if_fail (req != NULL, 0);
  return req->capacity;
}

/* "qcow2" or "raw". */
const char *
vireo_hardware_request_get_volume_format (VireoHardwareRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  return req->format;
}

/**
 * vireo_hardware_request_dup_xml_with_path:
 * @path: where the volume was created, as libvirt reports it
 *
 * The device element with its source pointing at @path instead of at the
 * pool and volume: a file, or a block device for a path under /dev (as a
 * logical or disk pool makes). The element is unchanged when the request
 * has no volume, or when the user's hand edits no longer name it.
 *
 * Returns: (transfer full): the element
 */
char *
vireo_hardware_request_dup_xml_with_path (VireoHardwareRequest *req,
                                          const char           *path)
{
  g_autoptr(VireoDomainConfig) scratch = NULL;
  g_autofree char *pool = NULL;
  g_autofree char *volume = NULL;
  VireoDevice *device;

  g_return_val_if_fail (req != NULL, NULL);
  g_return_val_if_fail (path != NULL && *path == '/', NULL);

  if (req->volume == NULL)
    return g_strdup (req->xml);

  scratch = vireo_domain_config_new_from_xml ("<domain type='kvm'><name>scratch</name><devices/></domain>", NULL);
  device = scratch != NULL ? vireo_domain_config_add_device (scratch, req->xml, NULL) : NULL;
  if (!VIREO_IS_DISK (device))
    return g_strdup (req->xml);

  pool = vireo_disk_dup_source_pool (VIREO_DISK (device));
  volume = vireo_disk_dup_source_volume (VIREO_DISK (device));
  if (g_strcmp0 (pool, req->pool) != 0 || g_strcmp0 (volume, req->volume) != 0)
    return g_strdup (req->xml);

  if (g_str_has_prefix (path, "/dev/"))
    vireo_disk_set_source_block (VIREO_DISK (device), path);
  else
    vireo_disk_set_source_file (VIREO_DISK (device), path);
  return vireo_device_to_xml (device);
}

/* --------------------------------------------------------------- kinds */

typedef enum
{
  FORM_TEMPLATE,
  FORM_STORAGE,
  FORM_NETWORK,
  FORM_HOSTDEV,
} FormType;

typedef struct
{
  const char      *id;
  const char      *label;         /* N_() */
  const char      *description;   /* N_() */
  const char      *icon;
  VireoDeviceKind  kind;
  FormType         form;
  const char      *bus;           /* host devices: "usb" or "pci" */
} KindInfo;

static const KindInfo kinds[] = {
  { "storage", N_("Storage"), N_("A disk, CD/DVD drive or floppy drive"),
    "drive-harddisk-symbolic", VIREO_DEVICE_DISK, FORM_STORAGE, NULL },
  { "network", N_("Network"), N_("A network card, and what it is plugged into on the host"),
    "network-wired-symbolic", VIREO_DEVICE_INTERFACE, FORM_NETWORK, NULL },
  { "graphics", N_("Graphics"), N_("A remote display (VNC or SPICE) to see and use the guest's screen"),
    "screen-shared-symbolic", VIREO_DEVICE_GRAPHICS, FORM_TEMPLATE, NULL },
  { "video", N_("Video"), N_("Another graphics card inside the guest, for more monitors"),
    "video-display-symbolic", VIREO_DEVICE_VIDEO, FORM_TEMPLATE, NULL },
  { "sound", N_("Sound"), N_("A sound card"),
    "audio-card-symbolic", VIREO_DEVICE_SOUND, FORM_TEMPLATE, NULL },
  { "input", N_("Input"), N_("A tablet, mouse or keyboard"),
    "input-mouse-symbolic", VIREO_DEVICE_INPUT, FORM_TEMPLATE, NULL },
  { "serial", N_("Serial Port"), N_("A serial (COM) port, for consoles and old devices"),
    "modem-symbolic", VIREO_DEVICE_SERIAL, FORM_TEMPLATE, NULL },
  { "console", N_("Console"), N_("A text console, such as hvc0 in Linux guests"),
    "utilities-terminal-symbolic", VIREO_DEVICE_CONSOLE, FORM_TEMPLATE, NULL },
  { "channel", N_("Channel"), N_("A private line between software in the guest and the host, such as the guest agent"),
    "network-transmit-receive-symbolic", VIREO_DEVICE_CHANNEL, FORM_TEMPLATE, NULL },
  { "controller", N_("Controller"), N_("A USB, SCSI or virtio serial controller that other devices plug into"),
    "drive-multidisk-symbolic", VIREO_DEVICE_CONTROLLER, FORM_TEMPLATE, NULL },
  { "usb-host", N_("USB Host Device"), N_("A USB device plugged into the host, handed over to the guest"),
    "media-removable-symbolic", VIREO_DEVICE_HOSTDEV, FORM_HOSTDEV, "usb" },
  { "pci-host", N_("PCI Host Device"), N_("A PCI card of the host, handed over to the guest"),
    "computer-symbolic", VIREO_DEVICE_HOSTDEV, FORM_HOSTDEV, "pci" },
  { "redirdev", N_("USB Redirection"), N_("USB devices of the computer running the SPICE viewer, passed to the guest"),
    "media-flash-symbolic", VIREO_DEVICE_REDIRDEV, FORM_TEMPLATE, NULL },
  { "filesystem", N_("Filesystem"), N_("A folder of the host shared with the guest (virtiofs or 9p)"),
    "folder-symbolic", VIREO_DEVICE_FILESYSTEM, FORM_TEMPLATE, NULL },
  { "tpm", N_("TPM"), N_("A Trusted Platform Module, for disk encryption and Secure Boot; Windows 11 needs one"),
    "channel-secure-symbolic", VIREO_DEVICE_TPM, FORM_TEMPLATE, NULL },
  { "rng", N_("Random Number Generator"), N_("Randomness from the host, so the guest never waits for entropy"),
    "media-playlist-shuffle-symbolic", VIREO_DEVICE_RNG, FORM_TEMPLATE, NULL },
  { "watchdog", N_("Watchdog"), N_("Acts (resets the guest, say) when the guest hangs and stops answering it"),
    "alarm-symbolic", VIREO_DEVICE_WATCHDOG, FORM_TEMPLATE, NULL },
  { "panic", N_("Panic Notifier"), N_("Lets the guest tell the host that it crashed"),
    "dialog-warning-symbolic", VIREO_DEVICE_PANIC, FORM_TEMPLATE, NULL },
  { "smartcard", N_("Smartcard"), N_("A smartcard reader"),
    "auth-smartcard-symbolic", VIREO_DEVICE_SMARTCARD, FORM_TEMPLATE, NULL },
  { "vsock", N_("VSOCK"), N_("A socket between host and guest programs that needs no network"),
    "network-transmit-symbolic", VIREO_DEVICE_VSOCK, FORM_TEMPLATE, NULL },
  { "memballoon", N_("Memory Balloon"), N_("Lets the host take back memory the guest does not use"),
    "emblem-system-symbolic", VIREO_DEVICE_MEMBALLOON, FORM_TEMPLATE, NULL },
};

static const char * const kind_ids[] = {
  "storage", "network", "graphics", "video", "sound", "input", "serial", "console", "channel",
  "controller", "usb-host", "pci-host", "redirdev", "filesystem", "tpm", "rng", "watchdog",
  "panic", "smartcard", "vsock", "memballoon", NULL
};

G_STATIC_ASSERT (G_N_ELEMENTS (kind_ids) == G_N_ELEMENTS (kinds) + 1);

/* The fields a template's variant stands for: the variant choice is their
 * editor here, so they get no row of their own. */
static const char * const variant_fields[] = {
  "video-model", "sound-model", "input-type", "input-bus", "channel-type", "channel-target-name",
  "filesystem-driver", "tpm-model", "rng-backend", "panic-model", "smartcard-mode", "memballoon-model",
  NULL
};

/* Fields whose values domcapabilities lists: a value it leaves out is not
 * offered, neither as a choice nor through a variant. */
static const struct {
  const char *field;
  const char *device;
  const char *name;
} field_caps[] = {
  { "video-model", "video", "modelType" },
  { "tpm-model", "tpm", "model" },
  { "tpm-backend", "tpm", "backendModel" },
  { "tpm-version", "tpm", "backendVersion" },
  { "rng-model", "rng", "model" },
  { "rng-backend", "rng", "backendModel" },
  { "filesystem-driver", "filesystem", "driverType" },
  { "channel-type", "channel", "type" },
  { "redirdev-bus", "redirdev", "bus" },
};

/* -------------------------------------------------------------- storage */

static const char * const disk_devices[] = { "disk", "cdrom", "floppy", NULL };
static const char * const disk_device_labels[] = {
  N_("Disk"),
  N_("CD/DVD drive"),
  N_("Floppy drive"),
  NULL
};

static const struct {
  const char *bus;
  const char *label;    /* N_() */
  const char *prefix;   /* of the guest's name for the drive */
  guint       max;      /* drives the bus takes; 0: as many as names */
} disk_buses[] = {
  { "virtio", N_("VirtIO (fastest; Linux has the driver, Windows needs it installed)"), "vd", 0 },
  { "sata", N_("SATA (works with almost any guest)"), "sd", 0 },
  { "scsi", N_("SCSI (through a SCSI controller)"), "sd", 0 },
  { "usb", N_("USB"), "sd", 0 },
  { "ide", N_("IDE (old guests; four drives at most)"), "hd", 4 },
  { "fdc", N_("Floppy controller (two drives at most)"), "fd", 2 },
};

static const char * const disk_formats[] = { "qcow2", "raw", NULL };
static const char * const disk_format_labels[] = {
  N_("QCOW2 (uses space as the guest writes; allows snapshots)"),
  N_("Raw (a plain image; slightly faster, no snapshots)"),
  NULL
};

/* -------------------------------------------------------------- network */

static const char * const nic_types[] = { "network", "bridge", "direct", "user", NULL };
static const char * const nic_type_labels[] = {
  N_("Virtual network (NAT)"),
  N_("Bridge to a host network"),
  N_("Host interface, direct (macvtap)"),
  N_("User networking (no setup; slower, no incoming connections)"),
  NULL
};
static const char * const nic_modes[] = { "bridge", "vepa", "private", "passthrough", NULL };
static const char * const nic_mode_labels[] = {
  N_("Bridge (guests reach each other, but not the host)"),
  N_("VEPA (all traffic goes through the external switch)"),
  N_("Private (guests cannot reach each other)"),
  N_("Passthrough (the guest takes the interface over)"),
  NULL
};
static const char * const nic_models[] = { "virtio", "e1000e", "e1000", "rtl8139", NULL };
static const char * const nic_model_labels[] = {
  N_("VirtIO (fastest; Linux has the driver, Windows needs it installed)"),
  N_("Intel 82574 e1000e (works without extra drivers)"),
  N_("Intel 82540 e1000 (older guests)"),
  N_("Realtek RTL8139 (very old guests)"),
  NULL
};

/* ------------------------------------------------------------- graphics */

static const char * const listen_values[] = { "none", "127.0.0.1", "0.0.0.0", NULL };
static const char * const listen_labels[] = {
  N_("Only through libvirt (Vireo's console; no network port)"),
  N_("This computer only (127.0.0.1)"),
  N_("Every network (0.0.0.0; set a password afterwards)"),
  NULL
};

/* ------------------------------------------------------------------------ */

struct _VireoAddHardwareDialog
{
  AdwWindow             parent_instance;

  /* Owned */
  VireoDomainConfig    *config;        /* the caller's; only read */
  VireoDomainConfig    *scratch;       /* a copy holding the device being built */
  VireoDomainCaps      *caps;
  char                **networks;      /* NULL: not known yet */
  char                **bridges;
  char                **pools;
  char                **host_labels[2];   /* [0] USB, [1] PCI; NULL: not known yet */
  char                **host_xmls[2];
  char                 *host_chosen[2];   /* the chosen device's XML */
  char                 *variant;
  char                 *generated;     /* what the settings make */
  char                 *form_problem;  /* what the settings still lack */
  gboolean              form_prompt;   /* ... and it is a next step, not a mistake */
  char                 *problem;       /* why Add is off */
  VireoHardwareRequest *request;       /* what Add sends; NULL while off */
  GHashTable           *field_values;  /* field id -> value the user set */
  GHashTable           *field_errors;  /* field id -> the model's refusal */
  GPtrArray            *field_rows;    /* rows showing a field of the device */
  gboolean              is_local;
  gboolean              memory_shared; /* the machine shares its memory already */

  /* Storage settings */
  char                 *disk_device;
  char                 *disk_bus;
  char                 *disk_source;   /* "new", "path" or "empty" */
  char                 *pool;
  char                 *volume_name;
  char                 *format;
  char                 *path;
  guint                 size_gib;
  /* Network settings */
  char                 *nic_type;
  char                 *network;
  char                 *bridge;
  char                 *nic_dev;
  char                 *nic_mode;
  char                 *nic_model;
  char                 *mac;
  /* Graphics settings */
  char                 *listen;

  guint                 building : 1;      /* widgets being filled: not the user */
  guint                 syncing_editor : 1;
  guint                 name_touched : 1;  /* the volume name was typed */
  guint                 format_touched : 1;

  /* Borrowed */
  const KindInfo       *kind;
  VireoDevice          *device;        /* in @scratch; NULL while the settings make none */

  /* Form widgets, rebuilt with the form */
  GtkWidget            *fields_group;
  GtkWidget            *variant_anchor;
  AdwComboRow          *disk_device_row;
  AdwComboRow          *bus_row;
  GtkWidget            *target_label;
  AdwComboRow          *source_row;
  AdwComboRow          *pool_row;
  GtkWidget            *volume_name_row;
  GtkWidget            *size_row;
  AdwComboRow          *format_row;
  GtkWidget            *path_row;
  AdwComboRow          *nic_type_row;
  AdwComboRow          *network_row;
  GtkWidget            *bridge_row;
  GtkWidget            *bridge_menu;
  GtkWidget            *nic_dev_row;
  AdwComboRow          *nic_mode_row;
  GtkWidget            *mac_row;
  GtkWidget            *host_list;
  GtkWidget            *shared_note;

  /* Template widgets */
  AdwViewSwitcherTitle *switcher_title;
  GtkWidget            *add_button;
  GtkListBox           *kind_list;
  GtkRevealer          *problem_revealer;
  GtkLabel             *problem_label;
  GtkImage             *problem_icon;
  GtkRevealer          *hand_revealer;
  AdwViewStack         *view_stack;
  GtkWidget            *form_box;
  GtkExpander          *preview_expander;
  GtkSourceView        *preview_view;
  GtkSourceBuffer      *preview_buffer;
  VireoXmlEditor       *xml_editor;
};

G_DEFINE_FINAL_TYPE (VireoAddHardwareDialog, vireo_add_hardware_dialog, ADW_TYPE_WINDOW)

enum {
  ADD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void refresh (VireoAddHardwareDialog *self);
static void build_form (VireoAddHardwareDialog *self);
static void storage_changed (VireoAddHardwareDialog *self);
static void network_changed (VireoAddHardwareDialog *self);

static void
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

static int
host_index (const char *bus)
{
  return g_strcmp0 (bus, "pci") == 0 ? 1 : 0;
}

/* ------------------------------------------------------------------ caps */

/* Whether domcapabilities lets @value be: yes when it does not list that
 * enum at all (not reported is not "no"), but never for a device it
 * reports as unsupported. */
static gboolean
caps_allow (VireoAddHardwareDialog *self,
            const char             *device,
            const char             *name,
            const char             *value)
{
  g_auto(GStrv) values = NULL;

  if (self->caps == NULL)
    return TRUE;
  if (vireo_domain_caps_device_reported (self->caps, device) && !vireo_domain_caps_device_supported (self->caps, device))
    return FALSE;
  if (value == NULL)
    return TRUE;
  values = vireo_domain_caps_dup_enum (self->caps, device, name);
  return values == NULL || values[0] == NULL || g_strv_contains ((const char * const *) values, value);
}

static gboolean
field_caps_allow (VireoAddHardwareDialog *self,
                  const VireoDeviceField *field,
                  const char             *value)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_caps); i++)
    if (g_str_equal (field_caps[i].field, field->id))
      return caps_allow (self, field_caps[i].device, field_caps[i].name, value);
  return TRUE;
}

static char *
dup_machine (VireoAddHardwareDialog *self)
{
  if (self->caps != NULL && vireo_domain_caps_get_machine (self->caps) != NULL)
    return g_strdup (vireo_domain_caps_get_machine (self->caps));
  return vireo_domain_config_dup_machine (self->config);
}

static char *
dup_arch (VireoAddHardwareDialog *self)
{
  if (self->caps != NULL && vireo_domain_caps_get_arch (self->caps) != NULL)
    return g_strdup (vireo_domain_caps_get_arch (self->caps));
  return vireo_domain_config_dup_arch (self->config);
}

static gboolean
is_x86 (VireoAddHardwareDialog *self)
{
  g_autofree char *arch = dup_arch (self);

  /* Unknown: do not hide anything on a guess. */
  return arch == NULL || g_str_equal (arch, "x86_64") || g_str_equal (arch, "i686");
}

static gboolean
is_q35 (VireoAddHardwareDialog *self)
{
  g_autofree char *machine = dup_machine (self);

  return machine != NULL && strstr (machine, "q35") != NULL;
}

/* virtiofs needs the guest's memory shared with virtiofsd: through
 * <memoryBacking><access mode='shared'/>, or every NUMA cell's memAccess. */
static gboolean
config_shares_memory (VireoDomainConfig *config)
{
  g_autofree char *xml = vireo_domain_config_to_xml (config);
  xmlDocPtr doc = xmlReadMemory (xml, (int) strlen (xml), "domain.xml", NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  xmlXPathContextPtr context;
  xmlXPathObjectPtr result;
  gboolean shared = FALSE;

  if (doc == NULL)
    return FALSE;
  context = xmlXPathNewContext (doc);
  result = xmlXPathEvalExpression (BAD_CAST "/domain/memoryBacking/access[@mode='shared'] or "
                                   "(/domain/cpu/numa/cell and not(/domain/cpu/numa/cell[not(@memAccess='shared')]))",
                                   context);
  if (result != NULL)
    shared = xmlXPathCastToBoolean (result);
  xmlXPathFreeObject (result);
  xmlXPathFreeContext (context);
  xmlFreeDoc (doc);
  return shared;
}

/* ---------------------------------------------------------------- rows */

static void
combo_set_items (AdwComboRow        *row,
                 const char * const *values,
                 const char * const *labels,
                 const char         *selected)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new ((const char * const *) labels);
  guint position = 0;

  for (guint i = 0; values[i] != NULL; i++)
    if (g_strcmp0 (values[i], selected) == 0)
      position = i;
  g_object_set_data_full (G_OBJECT (row), "vireo-values", g_strdupv ((char **) values),
                          (GDestroyNotify) g_strfreev);
  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (row, position);
}

/* Choices here explain themselves ("VirtIO (fastest; …)"), and libadwaita
 * cuts a long value short at the end of the row: such a row shows its
 * value in full as its subtitle instead, and what the setting is for
 * moves to the tooltip and the accessible description. */
static void
combo_fit (AdwComboRow        *row,
           const char * const *labels,
           const char         *subtitle)
{
  gboolean long_labels = FALSE;

  for (guint i = 0; labels[i] != NULL; i++)
    long_labels |= g_utf8_strlen (labels[i], -1) > 18;
  adw_combo_row_set_use_subtitle (row, long_labels);
  if (subtitle == NULL)
    return;
  if (long_labels)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), subtitle);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
    }
  else
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), NULL);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
}

static const char *
combo_get_value (AdwComboRow *row)
{
  char **values = g_object_get_data (G_OBJECT (row), "vireo-values");
  guint position = adw_combo_row_get_selected (row);

  if (values == NULL || position == GTK_INVALID_LIST_POSITION || position >= g_strv_length (values))
    return NULL;
  return values[position];
}

/* Translated labels for static N_() tables. */
static GStrv
translate_all (const char * const *labels)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; labels[i] != NULL; i++)
    g_strv_builder_add (builder, _(labels[i]));
  return g_strv_builder_end (builder);
}

/* The title as a screen reader says it: without its mnemonic mark. */
static void
label_accessibly (GtkWidget  *widget,
                  const char *title)
{
  g_autoptr(GString) label = g_string_new (title);

  g_string_replace (label, "_", "", 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label->str, -1);
}

static AdwComboRow *
add_combo (GtkWidget          *group,
           const char         *name,
           const char         *title,
           const char         *subtitle,
           const char * const *values,
           const char * const *labels,
           const char         *selected)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());

  gtk_widget_set_name (GTK_WIDGET (row), name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  label_accessibly (GTK_WIDGET (row), title);
  combo_set_items (row, values, labels, selected);
  combo_fit (row, labels, subtitle);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (row));
  return row;
}

static GtkWidget *
add_entry (GtkWidget  *group,
           const char *name,
           const char *title,
           const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  label_accessibly (row, title);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static GtkWidget *
new_group (VireoAddHardwareDialog *self,
           const char             *title,
           const char             *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (GTK_BOX (self->form_box), group);
  return group;
}

static void
set_row_error (GtkWidget  *widget,
               gboolean    error)
{
  if (error)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");
}

/* -------------------------------------------------------------- browse */

static GtkWidget *
new_browse_button (VireoAddHardwareDialog *self,
                   GtkWidget              *entry,
                   gboolean                folder)
{
  GtkWidget *button = vireo_browse_button_new (entry, folder);

  gtk_widget_set_visible (button, self->is_local);
  return button;
}

/* ------------------------------------------------------------- refusals */

static char *
dup_field_of (VireoDevice *device,
              const char  *id)
{
  const VireoDeviceField *field = vireo_device_find_field (device, id);

  return field != NULL ? vireo_device_dup_field (device, field) : NULL;
}

/* What the machine already has that rules @device out, in words. */
static char *
dup_refusal (VireoAddHardwareDialog *self,
             VireoDevice            *device)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (self->config);
  VireoDeviceKind kind = vireo_device_get_kind (device);
  guint n = g_list_model_get_n_items (devices);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VireoDevice) other = g_list_model_get_item (devices, i);

      if (vireo_device_get_kind (other) != kind)
        continue;

      switch (kind)
        {
        case VIREO_DEVICE_TPM:
          return g_strdup (_("This machine already has a TPM, and a machine can have only one. "
                             "Change the one it has on its own page instead."));

        case VIREO_DEVICE_MEMBALLOON:
          return g_strdup (_("This machine already has a memory balloon setting, and a machine can have only one. "
                             "Change the one it has on its own page instead."));

        case VIREO_DEVICE_VSOCK:
          return g_strdup (_("This machine already has a VSOCK device, and a machine can have only one."));

        case VIREO_DEVICE_WATCHDOG:
          return g_strdup (_("This machine already has a watchdog, and libvirt takes only one. "
                             "Change the one it has on its own page instead."));

        case VIREO_DEVICE_PANIC:
          {
            g_autofree char *mine = dup_field_of (device, "panic-model");
            g_autofree char *theirs = dup_field_of (other, "panic-model");

            if (g_strcmp0 (mine, theirs) == 0)
              /* Translators: %s is a panic notifier model, such as "isa" */
              return g_strdup_printf (_("This machine already has a panic notifier of this model (%s)."),
                                      mine != NULL ? mine : _("default"));
          }
          break;

        case VIREO_DEVICE_GRAPHICS:
          {
            g_autofree char *mine = vireo_graphics_dup_type (VIREO_GRAPHICS (device));
            g_autofree char *theirs = vireo_graphics_dup_type (VIREO_GRAPHICS (other));

            if (g_strcmp0 (mine, theirs) == 0)
              {
                g_autofree char *upper = g_ascii_strup (mine != NULL ? mine : "", -1);

                /* Translators: %s is a display type, such as "VNC" */
                return g_strdup_printf (_("This machine already has a %s display, and QEMU takes one of each type."),
                                        upper);
              }
          }
          break;

        case VIREO_DEVICE_INTERFACE:
          {
            g_autofree char *mine = vireo_interface_dup_mac (VIREO_INTERFACE (device));
            g_autofree char *theirs = vireo_interface_dup_mac (VIREO_INTERFACE (other));

            if (mine != NULL && theirs != NULL && g_ascii_strcasecmp (mine, theirs) == 0)
              /* Translators: %s is a MAC address */
              return g_strdup_printf (_("Another network card of this machine already has the MAC address %s."),
                                      mine);
          }
          break;

        case VIREO_DEVICE_HOSTDEV:
          {
            g_autofree char *mine = dup_field_of (device, "hostdev-source");
            g_autofree char *theirs = dup_field_of (other, "hostdev-source");

            if (mine != NULL && g_strcmp0 (mine, theirs) == 0)
              /* Translators: %s names a host device, e.g. "0000:01:00.0" */
              return g_strdup_printf (_("This machine already has the host device %s."), mine);
          }
          break;

        case VIREO_DEVICE_CHANNEL:
          {
            g_autofree char *mine = dup_field_of (device, "channel-target-name");
            g_autofree char *theirs = dup_field_of (other, "channel-target-name");

            if (mine != NULL && g_strcmp0 (mine, theirs) == 0)
              /* Translators: %s is a channel's name, e.g. "org.qemu.guest_agent.0" */
              return g_strdup_printf (_("This machine already has a channel named %s."), mine);
          }
          break;

        case VIREO_DEVICE_DISK:
          {
            g_autofree char *mine = vireo_disk_dup_target (VIREO_DISK (device));
            g_autofree char *theirs = vireo_disk_dup_target (VIREO_DISK (other));

            if (mine != NULL && g_strcmp0 (mine, theirs) == 0)
              /* Translators: %s is a drive's name in the guest, such as "vda" */
              return g_strdup_printf (_("Another drive of this machine is already called %s."), mine);
          }
          break;

        case VIREO_DEVICE_OTHER:
        case VIREO_DEVICE_VIDEO:
        case VIREO_DEVICE_SOUND:
        case VIREO_DEVICE_INPUT:
        case VIREO_DEVICE_SERIAL:
        case VIREO_DEVICE_CONSOLE:
        case VIREO_DEVICE_CONTROLLER:
        case VIREO_DEVICE_REDIRDEV:
        case VIREO_DEVICE_FILESYSTEM:
        case VIREO_DEVICE_RNG:
        case VIREO_DEVICE_SMARTCARD:
        case VIREO_DEVICE_EMULATOR:
        default:
          break;
        }
    }
  return NULL;
}

static gboolean
needs_shared_memory (VireoAddHardwareDialog *self,
                     VireoDevice            *device)
{
  g_autofree char *driver = NULL;

  if (self->memory_shared || vireo_device_get_kind (device) != VIREO_DEVICE_FILESYSTEM)
    return FALSE;
  driver = dup_field_of (device, "filesystem-driver");
  return g_strcmp0 (driver, "virtiofs") == 0;
}

/* ---------------------------------------------------------- the device */

/* Puts @xml in the scratch configuration as the device being built. */
static gboolean
replace_device (VireoAddHardwareDialog  *self,
                const char              *xml,
                GError                 **error)
{
  if (self->device != NULL)
    {
      vireo_domain_config_remove_device (self->scratch, self->device);
      self->device = NULL;
    }
  if (xml == NULL)
    return TRUE;
  self->device = vireo_domain_config_add_device (self->scratch, xml, error);
  return self->device != NULL;
}

/* The settings made a new device (or none, @problem saying why). A
 * @prompt is what comes next ("Choose the device…", a list still on its
 * way), shown without the colour of an error. */
static void
set_generated_full (VireoAddHardwareDialog *self,
                    const char             *problem,
                    gboolean                prompt)
{
  g_free (self->generated);
  self->generated = self->device != NULL ? vireo_device_to_xml (self->device) : NULL;
  set_str (&self->form_problem, problem);
  self->form_prompt = problem != NULL && prompt;
  refresh (self);
}

static void
set_generated (VireoAddHardwareDialog *self,
               const char             *problem)
{
  set_generated_full (self, problem, FALSE);
}

/* ------------------------------------------------------ template kinds */

static gboolean
variant_offered (VireoAddHardwareDialog *self,
                 const KindInfo         *kind,
                 const char             *variant)
{
  g_autofree char *xml = vireo_device_template_xml (kind->kind, variant);
  g_autoptr(VireoDomainConfig) probe = NULL;
  VireoDevice *device;
  const VireoDeviceField *fields;
  guint n;

  if (xml == NULL)
    return FALSE;
  /* Panic notifiers of these models exist on PCs only. */
  if (kind->kind == VIREO_DEVICE_PANIC && !is_x86 (self))
    return FALSE;

  probe = vireo_domain_config_copy (self->config);
  device = vireo_domain_config_add_device (probe, xml, NULL);
  if (device == NULL)
    return FALSE;
  if (!caps_allow (self, vireo_device_get_element_name (device), "", NULL))
    return FALSE;

  if (VIREO_IS_GRAPHICS (device))
    {
      g_autofree char *type = vireo_graphics_dup_type (VIREO_GRAPHICS (device));

      return caps_allow (self, "graphics", "type", type);
    }

  fields = vireo_device_fields_for (device, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *value = vireo_device_dup_field (device, &fields[i]);

      if (!field_caps_allow (self, &fields[i], value))
        return FALSE;
    }
  return TRUE;
}

static GStrv
dup_offered_variants (VireoAddHardwareDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char * const *variants;

  if (self->kind == NULL || self->kind->form != FORM_TEMPLATE)
    return g_strv_builder_end (builder);
  variants = vireo_device_template_variants (self->kind->kind);
  for (guint i = 0; variants != NULL && variants[i] != NULL; i++)
    if (variant_offered (self, self->kind, variants[i]))
      g_strv_builder_add (builder, variants[i]);
  return g_strv_builder_end (builder);
}

/* Puts the user's earlier values back on a device built afresh; what no
 * longer applies is dropped quietly, as the rows will show. */
static void
reapply_field_values (VireoAddHardwareDialog *self)
{
  const VireoDeviceField *fields;
  guint n;

  if (self->device == NULL)
    return;
  fields = vireo_device_fields_for (self->device, &n);
  for (guint i = 0; i < n; i++)
    {
      const char *value;

      if (!g_hash_table_lookup_extended (self->field_values, fields[i].id, NULL, (gpointer *) &value))
        continue;
      vireo_device_set_field (self->device, &fields[i], value, NULL);
    }
  if (VIREO_IS_GRAPHICS (self->device) && self->listen != NULL)
    {
      if (g_str_equal (self->listen, "none"))
        vireo_graphics_set_listen (VIREO_GRAPHICS (self->device), "none", NULL);
      else
        vireo_graphics_set_listen (VIREO_GRAPHICS (self->device), "address", self->listen);
    }
}

static const char *
first_field_error (VireoAddHardwareDialog *self)
{
  const VireoDeviceField *fields;
  guint n;

  if (self->device == NULL)
    return NULL;
  /* In the order the rows are shown, not the hash table's. */
  fields = vireo_device_fields_for (self->device, &n);
  for (guint i = 0; i < n; i++)
    {
      const char *message = g_hash_table_lookup (self->field_errors, fields[i].id);

      if (message != NULL)
        return message;
    }
  return NULL;
}

static gboolean
shows_field (const VireoDeviceField *field)
{
  return !(field->flags & VIREO_FIELD_READONLY) && !g_strv_contains (variant_fields, field->id);
}

/* Brings the rows up to the device: values the model changed along with
 * another field, and which fields apply now. @editing is left alone (its
 * text is what the user is typing), and so is a row showing a refusal. */
static void
sync_field_rows (VireoAddHardwareDialog *self,
                 const VireoDeviceField *editing)
{
  gboolean was_building = self->building;

  if (self->device == NULL)
    return;

  self->building = TRUE;
  for (guint i = 0; i < self->field_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->field_rows, i);
      const VireoDeviceField *field = g_object_get_data (G_OBJECT (row), "vireo-field");
      GtkWidget *input = g_object_get_data (G_OBJECT (row), "vireo-input");
      g_autofree char *value = vireo_device_dup_field (self->device, field);

      gtk_widget_set_visible (row, vireo_device_field_is_relevant (self->device, field));
      if (field == editing || g_hash_table_contains (self->field_errors, field->id))
        continue;

      switch (field->type)
        {
        case VIREO_FIELD_CHOICE:
          {
            char **values = g_object_get_data (G_OBJECT (row), "vireo-values");

            for (guint k = 0; values != NULL && values[k] != NULL; k++)
              if (g_strcmp0 (values[k], value != NULL ? value : "") == 0)
                adw_combo_row_set_selected (ADW_COMBO_ROW (row), k);
          }
          break;

        case VIREO_FIELD_SWITCH:
          gtk_switch_set_active (GTK_SWITCH (input), vireo_device_get_field_active (self->device, field));
          break;

        case VIREO_FIELD_TEXT:
        case VIREO_FIELD_NUMBER:
        default:
          if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (input)), value != NULL ? value : "") != 0)
            gtk_editable_set_text (GTK_EDITABLE (input), value != NULL ? value : "");
          break;
        }
    }
  self->building = was_building;

  if (self->shared_note != NULL)
    gtk_widget_set_visible (self->shared_note, needs_shared_memory (self, self->device));
}

static void
template_changed (VireoAddHardwareDialog *self)
{
  const char *problem = first_field_error (self);
  gboolean prompt = FALSE;

  if (self->kind->form == FORM_HOSTDEV)
    {
      int i = host_index (self->kind->bus);

      if (self->host_labels[i] == NULL)
        problem = _("Looking for the host's devices…");
      else if (self->host_labels[i][0] == NULL)
        problem = i == 0 ? _("No USB device was found on the host.")
                         : _("No PCI device that can be handed over was found on the host.");
      else if (self->host_chosen[i] == NULL)
        problem = _("Choose the device to hand over to the guest.");
      prompt = problem != NULL && self->host_chosen[i] == NULL;
    }
  set_generated_full (self, problem, prompt);
}

static void
apply_field (VireoAddHardwareDialog *self,
             const VireoDeviceField *field,
             GtkWidget              *row,
             GtkWidget              *input,
             const char             *value)
{
  g_autoptr(GError) error = NULL;

  if (self->building || self->device == NULL)
    return;

  g_hash_table_replace (self->field_values, g_strdup (field->id), g_strdup (value != NULL ? value : ""));
  if (vireo_device_set_field (self->device, field, value, &error))
    g_hash_table_remove (self->field_errors, field->id);
  else
    g_hash_table_replace (self->field_errors, g_strdup (field->id), g_strdup (error->message));

  set_row_error (input, error != NULL);
  gtk_widget_set_tooltip_text (row, error != NULL ? error->message : NULL);
  sync_field_rows (self, field);
  template_changed (self);
}

static void
on_field_choice (AdwComboRow            *row,
                 GParamSpec             *pspec,
                 VireoAddHardwareDialog *self)
{
  const char *value = combo_get_value (row);

  apply_field (self, g_object_get_data (G_OBJECT (row), "vireo-field"), GTK_WIDGET (row), GTK_WIDGET (row),
               value != NULL && *value != '\0' ? value : NULL);
}

static void
on_field_text (GtkEditable            *entry,
               VireoAddHardwareDialog *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (entry), "vireo-row");

  apply_field (self, g_object_get_data (G_OBJECT (row), "vireo-field"), row, GTK_WIDGET (entry),
               gtk_editable_get_text (entry));
}

static void
on_field_switch (GtkSwitch              *sw,
                 GParamSpec             *pspec,
                 VireoAddHardwareDialog *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (sw), "vireo-row");
  const VireoDeviceField *field = g_object_get_data (G_OBJECT (row), "vireo-field");

  apply_field (self, field, row, GTK_WIDGET (sw),
               gtk_switch_get_active (sw) ? field->on_value : field->off_value);
}

static GtkWidget *
new_field_row (VireoAddHardwareDialog *self,
               const VireoDeviceField *field)
{
  g_autofree char *value = vireo_device_dup_field (self->device, field);
  g_autofree char *name = g_strconcat ("field-", field->id, NULL);
  const char *subtitle = field->subtitle != NULL ? _(field->subtitle) : NULL;
  GtkWidget *row = NULL;
  GtkWidget *input = NULL;

  switch (field->type)
    {
    case VIREO_FIELD_CHOICE:
      {
        g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
        g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
        g_auto(GStrv) value_list = NULL;
        g_auto(GStrv) label_list = NULL;
        gboolean found = value == NULL && !(field->flags & VIREO_FIELD_REQUIRED);

        if (!(field->flags & VIREO_FIELD_REQUIRED))
          {
            g_strv_builder_add (values, "");
            g_strv_builder_add (labels, _("Default (libvirt decides)"));
          }
        for (guint i = 0; field->choices != NULL && field->choices[i] != NULL; i++)
          {
            const char *choice = field->choices[i];
            const char *label = vireo_device_field_choice_label (field, choice);

            /* What the hypervisor does not offer is left out, except the
             * value the device has now. */
            if (g_strcmp0 (choice, value) != 0 && !field_caps_allow (self, field, choice))
              continue;
            g_strv_builder_add (values, choice);
            g_strv_builder_add (labels, label != NULL ? label : choice);
            found |= g_strcmp0 (choice, value) == 0;
          }
        if (!found && value != NULL)
          {
            g_strv_builder_add (values, value);
            g_strv_builder_add (labels, value);
          }
        value_list = g_strv_builder_end (values);
        label_list = g_strv_builder_end (labels);
        row = GTK_WIDGET (adw_combo_row_new ());
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->label));
        label_accessibly (row, _(field->label));
        combo_set_items (ADW_COMBO_ROW (row), (const char * const *) value_list,
                         (const char * const *) label_list, value != NULL ? value : "");
        combo_fit (ADW_COMBO_ROW (row), (const char * const *) label_list, subtitle);
        input = row;
        g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_field_choice), self, 0);
      }
      break;

    case VIREO_FIELD_SWITCH:
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->label));
      if (subtitle != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      input = gtk_switch_new ();
      gtk_widget_set_valign (input, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (input), vireo_device_get_field_active (self->device, field));
      gtk_accessible_update_property (GTK_ACCESSIBLE (input), GTK_ACCESSIBLE_PROPERTY_LABEL, _(field->label), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), input);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), input);
      g_signal_connect_object (input, "notify::active", G_CALLBACK (on_field_switch), self, 0);
      break;

    case VIREO_FIELD_TEXT:
    case VIREO_FIELD_NUMBER:
    default:
      /* An action row with an entry rather than an AdwEntryRow: libadwaita
       * 1.2's entry rows have no subtitle, and the subtitle is the line
       * that tells a learner what the field is for. */
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->label));
      if (subtitle != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      input = gtk_entry_new ();
      gtk_widget_set_valign (input, GTK_ALIGN_CENTER);
      gtk_editable_set_width_chars (GTK_EDITABLE (input), field->type == VIREO_FIELD_NUMBER ? 10 : 22);
      gtk_editable_set_text (GTK_EDITABLE (input), value != NULL ? value : "");
      if (field->type == VIREO_FIELD_NUMBER)
        gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_DIGITS);
      gtk_accessible_update_property (GTK_ACCESSIBLE (input), GTK_ACCESSIBLE_PROPERTY_LABEL, _(field->label), -1);
      if (subtitle != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (input), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), input);
      /* A folder to share exists already; the files these fields name
       * (sockets, logs) are mostly made by libvirt, so no chooser. */
      if (field->flags & VIREO_FIELD_DIR_PATH)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), new_browse_button (self, input, TRUE));
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), input);
      g_signal_connect_object (input, "changed", G_CALLBACK (on_field_text), self, 0);
      break;
    }

  gtk_widget_set_name (row, name);
  g_object_set_data (G_OBJECT (row), "vireo-field", (gpointer) field);
  g_object_set_data (G_OBJECT (row), "vireo-input", input);
  g_object_set_data (G_OBJECT (input), "vireo-row", row);
  gtk_widget_set_visible (row, vireo_device_field_is_relevant (self->device, field));
  g_ptr_array_add (self->field_rows, row);
  return row;
}

static void
on_listen_changed (AdwComboRow            *row,
                   GParamSpec             *pspec,
                   VireoAddHardwareDialog *self)
{
  if (self->building || self->device == NULL)
    return;
  set_str (&self->listen, combo_get_value (row));
  reapply_field_values (self);
  template_changed (self);
}

/* The rows for the device's fields, after the variant or host device;
 * built again when the device is. */
static void
build_fields_group (VireoAddHardwareDialog *self)
{
  const VireoDeviceField *fields;
  GtkWidget *group;
  guint n, shown = 0;

  if (self->fields_group != NULL)
    gtk_box_remove (GTK_BOX (self->form_box), self->fields_group);
  self->fields_group = NULL;
  self->shared_note = NULL;
  g_ptr_array_set_size (self->field_rows, 0);
  if (self->device == NULL)
    return;

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Settings"));

  if (VIREO_IS_GRAPHICS (self->device))
    {
      g_auto(GStrv) labels = translate_all (listen_labels);
      AdwComboRow *row = add_combo (group, "graphics-listen", _("_Reachable from"),
                                    _("Where viewers can connect to the display"),
                                    listen_values, (const char * const *) labels,
                                    self->listen != NULL ? self->listen : "none");

      g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_listen_changed), self, 0);
      shown++;
    }

  fields = vireo_device_fields_for (self->device, &n);
  for (guint i = 0; i < n; i++)
    if (shows_field (&fields[i]))
      {
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_field_row (self, &fields[i]));
        shown++;
      }

  if (vireo_device_get_kind (self->device) == VIREO_DEVICE_FILESYSTEM)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");

      self->shared_note = adw_action_row_new ();
      gtk_widget_set_name (self->shared_note, "shared-memory-note");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->shared_note), _("The guest's memory will be shared"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->shared_note),
                                   _("virtiofs reads and writes the guest's memory directly, so Vireo sets the "
                                     "machine's memory to be shared with the host when it adds the folder."));
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Note"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (self->shared_note), icon);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->shared_note);
      gtk_widget_set_visible (self->shared_note, needs_shared_memory (self, self->device));
      shown++;
    }

  if (shown == 0)
    {
      g_object_ref_sink (group);
      g_object_unref (group);
      return;
    }
  gtk_box_insert_child_after (GTK_BOX (self->form_box), group, self->variant_anchor);
  self->fields_group = group;
}

/* The device from the chosen variant (or host device), with the user's
 * values on it, and its rows. */
static void
rebuild_template_device (VireoAddHardwareDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;

  g_hash_table_remove_all (self->field_errors);
  if (self->kind->form == FORM_HOSTDEV)
    {
      int i = host_index (self->kind->bus);

      xml = g_strdup (self->host_chosen[i]);
    }
  else if (self->variant != NULL)
    xml = vireo_device_template_xml (self->kind->kind, self->variant);

  if (!replace_device (self, xml, &error))
    {
      build_fields_group (self);
      set_generated (self, error->message);
      return;
    }
  reapply_field_values (self);
  build_fields_group (self);
  template_changed (self);
}

static void
on_variant_changed (AdwComboRow            *row,
                    GParamSpec             *pspec,
                    VireoAddHardwareDialog *self)
{
  if (self->building)
    return;
  set_str (&self->variant, combo_get_value (row));
  rebuild_template_device (self);
}

static void
build_template_form (VireoAddHardwareDialog *self)
{
  g_auto(GStrv) variants = dup_offered_variants (self);
  GtkWidget *group = new_group (self, _(self->kind->label), _(self->kind->description));
  guint n = g_strv_length (variants);

  self->variant_anchor = group;
  if (n == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      set_str (&self->variant, NULL);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Not available for this machine"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("The hypervisor does not offer this kind of device for this machine type."));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      replace_device (self, NULL, NULL);
      build_fields_group (self);
      set_generated (self, _("This kind of device is not available for this machine."));
      return;
    }

  if (self->variant == NULL || !g_strv_contains ((const char * const *) variants, self->variant))
    set_str (&self->variant, variants[0]);

  if (n > 1)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) labels = NULL;
      AdwComboRow *row;

      for (guint i = 0; i < n; i++)
        g_strv_builder_add (builder, vireo_device_template_label (self->kind->kind, variants[i]));
      labels = g_strv_builder_end (builder);
      row = add_combo (group, "variant", _("_Type"), NULL, (const char * const *) variants,
                       (const char * const *) labels, self->variant);
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_variant_changed), self, 0);
    }
  else
    {
      GtkWidget *row = adw_action_row_new ();

      gtk_widget_set_name (row, "variant");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Type"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), vireo_device_template_label (self->kind->kind, self->variant));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  rebuild_template_device (self);
}

/* -------------------------------------------------------- host devices */

static void
on_host_toggled (GtkCheckButton         *check,
                 VireoAddHardwareDialog *self)
{
  int i;
  const char *xml;

  if (self->building || !gtk_check_button_get_active (check) || self->kind->form != FORM_HOSTDEV)
    return;
  i = host_index (self->kind->bus);
  xml = g_object_get_data (G_OBJECT (check), "vireo-xml");
  set_str (&self->host_chosen[i], xml);
  rebuild_template_device (self);
}

static void
fill_host_list (VireoAddHardwareDialog *self)
{
  int i = host_index (self->kind->bus);
  GtkWidget *child;
  GtkCheckButton *first = NULL;
  gboolean chosen_found = FALSE;
  gboolean was_building = self->building;

  self->building = TRUE;
  while ((child = gtk_widget_get_first_child (self->host_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->host_list), child);

  if (self->host_labels[i] == NULL || self->host_labels[i][0] == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     self->host_labels[i] == NULL ? _("Looking for devices…")
                                                                  : _("No devices found"));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (GTK_LIST_BOX (self->host_list), row);
    }
  else
    for (guint k = 0; self->host_labels[i][k] != NULL; k++)
      {
        GtkWidget *row = adw_action_row_new ();
        GtkWidget *check = gtk_check_button_new ();
        g_autofree char *name = g_strdup_printf ("host-device-%u", k);
        const char *xml = self->host_xmls[i][k];

        gtk_widget_set_name (row, name);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), self->host_labels[i][k]);
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        self->host_labels[i][k], -1);
        if (first == NULL)
          first = GTK_CHECK_BUTTON (check);
        else
          gtk_check_button_set_group (GTK_CHECK_BUTTON (check), first);
        g_object_set_data_full (G_OBJECT (check), "vireo-xml", g_strdup (xml), g_free);
        if (g_strcmp0 (xml, self->host_chosen[i]) == 0)
          {
            gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
            chosen_found = TRUE;
          }
        g_signal_connect_object (check, "toggled", G_CALLBACK (on_host_toggled), self, 0);
        adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
        gtk_list_box_append (GTK_LIST_BOX (self->host_list), row);
      }
  self->building = was_building;

  /* A device that went away (unplugged) is no longer a choice. */
  if (!chosen_found && self->host_chosen[i] != NULL)
    {
      set_str (&self->host_chosen[i], NULL);
      rebuild_template_device (self);
    }
}

static void
build_hostdev_form (VireoAddHardwareDialog *self)
{
  GtkWidget *group = new_group (self, _(self->kind->label), _(self->kind->description));

  self->variant_anchor = group;
  self->host_list = gtk_list_box_new ();
  gtk_widget_set_name (self->host_list, "host-devices");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->host_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->host_list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->host_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Host devices"), -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->host_list);
  fill_host_list (self);
  rebuild_template_device (self);
}

/* --------------------------------------------------------------- storage */

static gboolean
disk_bus_offered (VireoAddHardwareDialog *self,
                  const char             *device,
                  const char             *bus)
{
  g_auto(GStrv) listed = NULL;
  gboolean fits;

  if (g_str_equal (device, "floppy"))
    fits = g_str_equal (bus, "fdc");
  else if (g_str_equal (device, "cdrom"))
    /* virtio-blk has no removable media. */
    fits = !g_str_equal (bus, "virtio") && !g_str_equal (bus, "fdc");
  else
    fits = !g_str_equal (bus, "fdc");
  if (!fits)
    return FALSE;

  listed = self->caps != NULL ? vireo_domain_caps_dup_enum (self->caps, "disk", "bus") : NULL;
  if (listed != NULL && listed[0] != NULL)
    return g_strv_contains ((const char * const *) listed, bus);

  /* Without capabilities, what the machine type is known to have: no IDE
   * on Q35, only virtio, SCSI and USB off the PC. */
  if (!is_x86 (self))
    return g_str_equal (bus, "virtio") || g_str_equal (bus, "scsi") || g_str_equal (bus, "usb");
  if (is_q35 (self) && g_str_equal (bus, "ide"))
    return FALSE;
  return TRUE;
}

static const char *
default_disk_bus (VireoAddHardwareDialog *self,
                  const char             *device)
{
  static const char * const disk_order[] = { "virtio", "sata", "scsi", "ide", "usb", NULL };
  static const char * const q35_cdrom_order[] = { "sata", "scsi", "usb", "ide", NULL };
  static const char * const pc_cdrom_order[] = { "ide", "sata", "scsi", "usb", NULL };
  static const char * const floppy_order[] = { "fdc", NULL };
  const char * const *order;

  if (g_str_equal (device, "floppy"))
    order = floppy_order;
  else if (g_str_equal (device, "cdrom"))
    /* What the machine has built in: AHCI on Q35, IDE on i440FX. */
    order = is_q35 (self) ? q35_cdrom_order : pc_cdrom_order;
  else
    order = disk_order;
  for (guint i = 0; order[i] != NULL; i++)
    if (disk_bus_offered (self, device, order[i]))
      return order[i];
  return NULL;
}

static guint
bus_info (const char *bus)
{
  for (guint i = 0; i < G_N_ELEMENTS (disk_buses); i++)
    if (g_strcmp0 (disk_buses[i].bus, bus) == 0)
      return i;
  return 0;
}

/* libvirt's drive names: a..z, then aa..zz. */
static char *
target_name (const char *prefix,
             guint       index)
{
  char suffix[8];
  guint len = 0;
  guint n = index + 1;

  while (n > 0 && len < sizeof suffix - 1)
    {
      n--;
      suffix[len++] = (char) ('a' + n % 26);
      n /= 26;
    }
  suffix[len] = '\0';
  g_strreverse (suffix);
  return g_strconcat (prefix, suffix, NULL);
}

/* The first name with the bus's prefix no drive of the machine has. */
static char *
free_target (VireoAddHardwareDialog *self,
             const char             *bus)
{
  g_autoptr(GPtrArray) disks = vireo_domain_config_list_disks (self->config);
  guint info = bus_info (bus);
  guint max = disk_buses[info].max != 0 ? disk_buses[info].max : 26 * 27;

  for (guint i = 0; i < max; i++)
    {
      g_autofree char *name = target_name (disk_buses[info].prefix, i);
      gboolean taken = FALSE;

      for (guint d = 0; d < disks->len && !taken; d++)
        taken = g_strcmp0 (((VireoDiskInfo *) disks->pdata[d])->target, name) == 0;
      if (!taken)
        return g_steal_pointer (&name);
    }
  return NULL;
}

static gboolean
volume_in_use (VireoAddHardwareDialog *self,
               const char             *pool,
               const char             *volume)
{
  g_autoptr(GPtrArray) disks = vireo_domain_config_list_disks (self->config);

  for (guint d = 0; d < disks->len; d++)
    {
      VireoDiskInfo *info = disks->pdata[d];

      if (g_strcmp0 (info->pool, pool) == 0 && g_strcmp0 (info->volume, volume) == 0)
        return TRUE;
    }
  return FALSE;
}

static const char *
format_for_path (const char *path)
{
  return path != NULL && g_str_has_suffix (path, ".qcow2") ? "qcow2" : "raw";
}

static char *
default_volume_name (VireoAddHardwareDialog *self,
                     const char             *target)
{
  const char *name = vireo_domain_config_get_name (self->config);

  return g_strdup_printf ("%s-%s.%s", name != NULL ? name : "disk", target != NULL ? target : "disk",
                          g_strcmp0 (self->format, "raw") == 0 ? "img" : "qcow2");
}

static void
fill_pool_row (VireoAddHardwareDialog *self)
{
  gboolean was_building = self->building;

  if (self->pool_row == NULL)
    return;
  if (self->pools != NULL && self->pools[0] != NULL &&
      (self->pool == NULL || !g_strv_contains ((const char * const *) self->pools, self->pool)))
    set_str (&self->pool, g_strv_contains ((const char * const *) self->pools, "default") ? "default"
                                                                                        : self->pools[0]);
  self->building = TRUE;
  if (self->pools != NULL && self->pools[0] != NULL)
    {
      combo_set_items (self->pool_row, (const char * const *) self->pools, (const char * const *) self->pools,
                       self->pool);
      combo_fit (self->pool_row, (const char * const *) self->pools, _("Where on the host the new volume is created"));
    }
  else
    {
      const char * const none[] = { "", NULL };
      const char * const waiting[] = { self->pools == NULL ? _("Looking for storage pools…") : _("None"), NULL };

      combo_set_items (self->pool_row, none, waiting, "");
      combo_fit (self->pool_row, waiting, _("Where on the host the new volume is created"));
    }
  self->building = was_building;
}

static void
storage_changed (VireoAddHardwareDialog *self)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;
  g_autofree char *escaped = NULL;
  const char *problem = NULL;
  gboolean disk = g_strcmp0 (self->disk_device, "disk") == 0;
  gboolean is_new = g_strcmp0 (self->disk_source, "new") == 0;
  gboolean is_path = g_strcmp0 (self->disk_source, "path") == 0;
  gboolean was_building = self->building;
  gboolean prompt = FALSE;
  GtkWidget *bad_row = NULL;
  const char *type;
  const char *format;

  target = free_target (self, self->disk_bus);
  gtk_label_set_text (GTK_LABEL (self->target_label), target != NULL ? target : "—");
  self->building = TRUE;
  if (is_new && !self->name_touched)
    {
      g_autofree char *name = default_volume_name (self, target);

      set_str (&self->volume_name, name);
      gtk_editable_set_text (GTK_EDITABLE (self->volume_name_row), name);
    }
  if (is_path && !self->format_touched && disk)
    {
      set_str (&self->format, format_for_path (self->path));
      adw_combo_row_set_selected (self->format_row, g_str_equal (self->format, "raw") ? 1 : 0);
    }
  self->building = was_building;

  gtk_widget_set_visible (GTK_WIDGET (self->pool_row), is_new);
  gtk_widget_set_visible (self->volume_name_row, is_new);
  gtk_widget_set_visible (self->size_row, is_new);
  gtk_widget_set_visible (GTK_WIDGET (self->format_row), disk && (is_new || is_path));
  gtk_widget_set_visible (self->path_row, is_path);

  if (target == NULL)
    {
      const guint info = bus_info (self->disk_bus);

      problem = disk_buses[info].max == 2 ? _("Both floppy drives are taken. Remove one first.")
                                          : _("All four IDE places are taken. Choose SATA or SCSI instead.");
    }
  else if (is_new && self->pools == NULL)
    {
      problem = _("Looking for the host's storage pools…");
      prompt = TRUE;
    }
  else if (is_new && self->pools[0] == NULL)
    problem = _("This host has no storage pool. Choose “Existing file or device”, or add a pool in Host Details first.");
  else if (is_new && (self->volume_name == NULL || *self->volume_name == '\0'))
    {
      problem = _("Enter a name for the new volume.");
      bad_row = self->volume_name_row;
    }
  else if (is_new && strchr (self->volume_name, '/') != NULL)
    {
      problem = _("A volume name cannot contain “/”.");
      bad_row = self->volume_name_row;
    }
  else if (is_new && volume_in_use (self, self->pool, self->volume_name))
    {
      problem = _("This machine already uses a volume of that name in that pool. Choose another name.");
      bad_row = self->volume_name_row;
    }
  else if (is_path && (self->path == NULL || *self->path == '\0'))
    {
      problem = _("Enter the path of an image file or device on the host.");
      prompt = TRUE;
    }
  else if (is_path && self->path[0] != '/')
    {
      problem = _("The path must be a full path, starting with “/”.");
      bad_row = self->path_row;
    }

  set_row_error (self->volume_name_row, bad_row == self->volume_name_row);
  set_row_error (self->path_row, bad_row == self->path_row);

  if (is_new)
    type = "volume";
  else if (is_path && self->path != NULL && g_str_has_prefix (self->path, "/dev/"))
    type = "block";
  else
    type = "file";
  format = disk && (is_new || is_path) ? self->format : "raw";

  escaped = g_markup_printf_escaped ("<disk type='%s' device='%s'>\n", type, self->disk_device);
  g_string_append (xml, escaped);
  g_clear_pointer (&escaped, g_free);
  /* discard='unmap': blocks the guest trims go back to the host, so a
   * thin image does not only ever grow. The cache mode is left to the
   * hypervisor, whose default is safe with guests that flush. */
  if (disk)
    escaped = g_markup_printf_escaped ("  <driver name='qemu' type='%s' discard='unmap'/>\n", format);
  else
    escaped = g_markup_printf_escaped ("  <driver name='qemu' type='%s'/>\n", format);
  g_string_append (xml, escaped);
  g_clear_pointer (&escaped, g_free);
  if (is_new)
    escaped = g_markup_printf_escaped ("  <source pool='%s' volume='%s'/>\n",
                                       self->pool != NULL ? self->pool : "",
                                       self->volume_name != NULL ? self->volume_name : "");
  else if (is_path)
    escaped = g_markup_printf_escaped ("  <source %s='%s'/>\n", g_str_equal (type, "block") ? "dev" : "file",
                                       self->path != NULL ? self->path : "");
  if (escaped != NULL)
    g_string_append (xml, escaped);
  g_clear_pointer (&escaped, g_free);
  escaped = g_markup_printf_escaped ("  <target dev='%s' bus='%s'/>\n", target != NULL ? target : "",
                                     self->disk_bus != NULL ? self->disk_bus : "");
  g_string_append (xml, escaped);
  if (g_strcmp0 (self->disk_device, "cdrom") == 0)
    g_string_append (xml, "  <readonly/>\n");
  g_string_append (xml, "</disk>");

  if (!replace_device (self, xml->str, &error))
    {
      problem = error->message;
      prompt = FALSE;
    }
  set_generated_full (self, problem, prompt);
}

static void
fill_bus_row (VireoAddHardwareDialog *self)
{
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_auto(GStrv) value_list = NULL;
  g_auto(GStrv) label_list = NULL;
  gboolean was_building = self->building;

  for (guint i = 0; i < G_N_ELEMENTS (disk_buses); i++)
    if (disk_bus_offered (self, self->disk_device, disk_buses[i].bus))
      {
        g_strv_builder_add (values, disk_buses[i].bus);
        g_strv_builder_add (labels, _(disk_buses[i].label));
      }
  value_list = g_strv_builder_end (values);
  label_list = g_strv_builder_end (labels);
  if (self->disk_bus == NULL || !g_strv_contains ((const char * const *) value_list, self->disk_bus))
    set_str (&self->disk_bus, default_disk_bus (self, self->disk_device));

  self->building = TRUE;
  combo_set_items (self->bus_row, (const char * const *) value_list, (const char * const *) label_list,
                   self->disk_bus);
  combo_fit (self->bus_row, (const char * const *) label_list, _("How the drive is plugged into the guest"));
  self->building = was_building;
}

static void
fill_source_row (VireoAddHardwareDialog *self)
{
  const char * const disk_values[] = { "new", "path", NULL };
  const char * const disk_labels[] = {
    _("New volume in a storage pool"), _("Existing file or device"), NULL
  };
  const char * const media_values[] = { "empty", "path", NULL };
  const char * const media_labels[] = {
    _("Empty drive (insert media later)"), _("Image file or device"), NULL
  };
  gboolean disk = g_strcmp0 (self->disk_device, "disk") == 0;
  const char * const *values = disk ? disk_values : media_values;
  gboolean was_building = self->building;

  if (self->disk_source == NULL || !g_strv_contains (values, self->disk_source))
    set_str (&self->disk_source, values[0]);
  self->building = TRUE;
  combo_set_items (self->source_row, values, disk ? disk_labels : media_labels, self->disk_source);
  combo_fit (self->source_row, disk ? disk_labels : media_labels, NULL);
  self->building = was_building;
}

static void
on_storage_combo (AdwComboRow            *row,
                  GParamSpec             *pspec,
                  VireoAddHardwareDialog *self)
{
  const char *value = combo_get_value (row);

  if (self->building)
    return;
  if (row == self->disk_device_row)
    {
      set_str (&self->disk_device, value);
      fill_bus_row (self);
      fill_source_row (self);
    }
  else if (row == self->bus_row)
    set_str (&self->disk_bus, value);
  else if (row == self->source_row)
    set_str (&self->disk_source, value);
  else if (row == self->pool_row)
    set_str (&self->pool, value != NULL && *value != '\0' ? value : NULL);
  else if (row == self->format_row)
    {
      set_str (&self->format, value);
      self->format_touched = TRUE;
    }
  storage_changed (self);
}

static void
on_storage_text (GtkEditable            *row,
                 VireoAddHardwareDialog *self)
{
  const char *text = gtk_editable_get_text (row);

  if (self->building)
    return;
  if (GTK_WIDGET (row) == self->volume_name_row)
    {
      set_str (&self->volume_name, text);
      self->name_touched = TRUE;
    }
  else
    set_str (&self->path, text);
  storage_changed (self);
}

static void
on_size_changed (GtkSpinButton          *spin,
                 VireoAddHardwareDialog *self)
{
  self->size_gib = (guint) gtk_spin_button_get_value_as_int (spin);
  if (!self->building)
    refresh (self);
}

static void
build_storage_form (VireoAddHardwareDialog *self)
{
  GtkWidget *group = new_group (self, _(self->kind->label), _(self->kind->description));
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_auto(GStrv) value_list = NULL;
  g_auto(GStrv) label_list = NULL;
  g_auto(GStrv) format_labels = translate_all (disk_format_labels);
  GtkWidget *row;
  GtkWidget *spin;

  for (guint i = 0; disk_devices[i] != NULL; i++)
    if (caps_allow (self, "disk", "diskDevice", disk_devices[i]) &&
        (!g_str_equal (disk_devices[i], "floppy") || is_x86 (self)))
      {
        g_strv_builder_add (values, disk_devices[i]);
        g_strv_builder_add (labels, _(disk_device_labels[i]));
      }
  value_list = g_strv_builder_end (values);
  label_list = g_strv_builder_end (labels);
  if (self->disk_device == NULL || !g_strv_contains ((const char * const *) value_list, self->disk_device))
    set_str (&self->disk_device, value_list[0] != NULL ? value_list[0] : "disk");

  self->disk_device_row = add_combo (group, "storage-device", _("_Device"), NULL,
                                     (const char * const *) value_list, (const char * const *) label_list,
                                     self->disk_device);
  self->bus_row = add_combo (group, "storage-bus", _("_Bus"), NULL,
                             (const char * const[]) { NULL }, (const char * const[]) { NULL }, NULL);
  fill_bus_row (self);

  row = adw_action_row_new ();
  gtk_widget_set_name (row, "storage-target");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Name in the guest"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The first free name for this bus"));
  self->target_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->target_label, "dim-label");
  gtk_widget_add_css_class (self->target_label, "monospace");
  gtk_label_set_selectable (GTK_LABEL (self->target_label), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->target_label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  group = new_group (self, _("Source"), NULL);
  self->source_row = add_combo (group, "storage-source", _("_Storage"), NULL,
                                (const char * const[]) { NULL }, (const char * const[]) { NULL }, NULL);
  fill_source_row (self);

  self->pool_row = add_combo (group, "storage-pool", _("_Pool"), NULL,
                              (const char * const[]) { NULL }, (const char * const[]) { NULL }, NULL);
  fill_pool_row (self);
  self->volume_name_row = add_entry (group, "storage-volume-name", _("Volume _name"), self->volume_name);

  self->size_row = adw_action_row_new ();
  gtk_widget_set_name (self->size_row, "storage-size");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->size_row), _("Size (GiB)"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->size_row), _("The largest the disk can grow to"));
  spin = gtk_spin_button_new_with_range (1, 65536, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), self->size_gib);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Size in GiB"), -1);
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (on_size_changed), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->size_row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self->size_row), spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->size_row);

  self->path_row = add_entry (group, "storage-path", _("_Path on the host"), self->path);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->path_row), new_browse_button (self, self->path_row, FALSE));

  self->format_row = add_combo (group, "storage-format", _("_Format"), NULL, disk_formats,
                                (const char * const *) format_labels, self->format);

  g_signal_connect_object (self->disk_device_row, "notify::selected", G_CALLBACK (on_storage_combo), self, 0);
  g_signal_connect_object (self->bus_row, "notify::selected", G_CALLBACK (on_storage_combo), self, 0);
  g_signal_connect_object (self->source_row, "notify::selected", G_CALLBACK (on_storage_combo), self, 0);
  g_signal_connect_object (self->pool_row, "notify::selected", G_CALLBACK (on_storage_combo), self, 0);
  g_signal_connect_object (self->format_row, "notify::selected", G_CALLBACK (on_storage_combo), self, 0);
  g_signal_connect_object (self->volume_name_row, "changed", G_CALLBACK (on_storage_text), self, 0);
  g_signal_connect_object (self->path_row, "changed", G_CALLBACK (on_storage_text), self, 0);

  storage_changed (self);
}

/* --------------------------------------------------------------- network */

static gboolean
interface_name_ok (const char *name)
{
  /* Linux: at most 15 bytes, no "/", no white space. */
  if (name == NULL || *name == '\0' || strlen (name) > 15)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (*p == '/' || g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static const char *
network_subtitle (void)
{
  return _("The guest gets an address from it, and reaches outside through the host");
}

static void
fill_network_row (VireoAddHardwareDialog *self)
{
  gboolean was_building = self->building;

  if (self->network_row == NULL)
    return;
  if (self->networks != NULL && self->networks[0] != NULL &&
      (self->network == NULL || !g_strv_contains ((const char * const *) self->networks, self->network)))
    set_str (&self->network, g_strv_contains ((const char * const *) self->networks, "default")
                             ? "default" : self->networks[0]);
  self->building = TRUE;
  if (self->networks != NULL && self->networks[0] != NULL)
    {
      combo_set_items (self->network_row, (const char * const *) self->networks,
                       (const char * const *) self->networks, self->network);
      combo_fit (self->network_row, (const char * const *) self->networks, network_subtitle ());
    }
  else
    {
      const char * const none[] = { "", NULL };
      const char * const waiting[] = { self->networks == NULL ? _("Looking for virtual networks…") : _("None"), NULL };

      combo_set_items (self->network_row, none, waiting, "");
      combo_fit (self->network_row, waiting, network_subtitle ());
    }
  self->building = was_building;
}

static void
fill_bridge_menu (VireoAddHardwareDialog *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();

  if (self->bridge_menu == NULL)
    return;
  for (guint i = 0; self->bridges != NULL && self->bridges[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (self->bridges[i], NULL);

      g_menu_item_set_action_and_target_value (item, "dialog.pick-bridge", g_variant_new_string (self->bridges[i]));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (self->bridge_menu), G_MENU_MODEL (menu));
  gtk_widget_set_sensitive (self->bridge_menu, self->bridges != NULL && self->bridges[0] != NULL);

  /* A list that arrives while the entry is still empty fills it. */
  if ((self->bridge == NULL || *self->bridge == '\0') && self->bridges != NULL && self->bridges[0] != NULL)
    {
      gboolean was_building = self->building;

      set_str (&self->bridge, self->bridges[0]);
      self->building = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->bridge_row), self->bridge);
      self->building = was_building;
    }
}

static void
network_changed (VireoAddHardwareDialog *self)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = NULL;
  const char *type = self->nic_type;
  const char *problem = NULL;
  gboolean prompt = FALSE;
  GtkWidget *bad_row = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->network_row), g_str_equal (type, "network"));
  gtk_widget_set_visible (self->bridge_row, g_str_equal (type, "bridge"));
  gtk_widget_set_visible (self->nic_dev_row, g_str_equal (type, "direct"));
  gtk_widget_set_visible (GTK_WIDGET (self->nic_mode_row), g_str_equal (type, "direct"));

  if (g_str_equal (type, "network") && self->networks == NULL)
    {
      problem = _("Looking for the host's virtual networks…");
      prompt = TRUE;
    }
  else if (g_str_equal (type, "network") && self->networks[0] == NULL)
    problem = _("This host has no virtual network. Choose another connection, or add a network in Host Details first.");
  else if (g_str_equal (type, "bridge") && (self->bridge == NULL || *self->bridge == '\0'))
    {
      problem = _("Enter the name of a bridge on the host, such as br0.");
      prompt = TRUE;
    }
  else if (g_str_equal (type, "bridge") && !interface_name_ok (self->bridge))
    {
      problem = _("A bridge name has at most 15 characters, without spaces or “/”.");
      bad_row = self->bridge_row;
    }
  else if (g_str_equal (type, "direct") && (self->nic_dev == NULL || *self->nic_dev == '\0'))
    {
      problem = _("Enter the host's network interface, such as eth0.");
      prompt = TRUE;
    }
  else if (g_str_equal (type, "direct") && !interface_name_ok (self->nic_dev))
    {
      problem = _("An interface name has at most 15 characters, without spaces or “/”.");
      bad_row = self->nic_dev_row;
    }
  else if (!vireo_interface_mac_is_valid (self->mac))
    {
      problem = _("A MAC address is six pairs of hexadecimal digits, such as 52:54:00:12:34:56, "
                  "and its first pair must be even.");
      bad_row = self->mac_row;
    }

  set_row_error (self->bridge_row, bad_row == self->bridge_row);
  set_row_error (self->nic_dev_row, bad_row == self->nic_dev_row);
  set_row_error (self->mac_row, bad_row == self->mac_row);

  escaped = g_markup_printf_escaped ("<interface type='%s'>\n  <mac address='%s'/>\n", type,
                                     self->mac != NULL ? self->mac : "");
  g_string_append (xml, escaped);
  g_clear_pointer (&escaped, g_free);
  if (g_str_equal (type, "network"))
    escaped = g_markup_printf_escaped ("  <source network='%s'/>\n", self->network != NULL ? self->network : "");
  else if (g_str_equal (type, "bridge"))
    escaped = g_markup_printf_escaped ("  <source bridge='%s'/>\n", self->bridge != NULL ? self->bridge : "");
  else if (g_str_equal (type, "direct"))
    escaped = g_markup_printf_escaped ("  <source dev='%s' mode='%s'/>\n", self->nic_dev != NULL ? self->nic_dev : "",
                                       self->nic_mode);
  if (escaped != NULL)
    g_string_append (xml, escaped);
  g_clear_pointer (&escaped, g_free);
  escaped = g_markup_printf_escaped ("  <model type='%s'/>\n</interface>", self->nic_model);
  g_string_append (xml, escaped);

  if (!replace_device (self, xml->str, &error) && problem == NULL)
    problem = error->message;
  set_generated_full (self, problem, prompt);
}

static void
on_network_combo (AdwComboRow            *row,
                  GParamSpec             *pspec,
                  VireoAddHardwareDialog *self)
{
  const char *value = combo_get_value (row);

  if (self->building)
    return;
  if (row == self->nic_type_row)
    set_str (&self->nic_type, value);
  else if (row == self->network_row)
    set_str (&self->network, value != NULL && *value != '\0' ? value : NULL);
  else if (row == self->nic_mode_row)
    set_str (&self->nic_mode, value);
  else
    set_str (&self->nic_model, value);
  network_changed (self);
}

static void
on_network_text (GtkEditable            *row,
                 VireoAddHardwareDialog *self)
{
  const char *text = gtk_editable_get_text (row);

  if (self->building)
    return;
  if (GTK_WIDGET (row) == self->bridge_row)
    set_str (&self->bridge, text);
  else if (GTK_WIDGET (row) == self->nic_dev_row)
    set_str (&self->nic_dev, text);
  else
    {
      g_autofree char *stripped = g_strstrip (g_strdup (text));

      set_str (&self->mac, stripped);
    }
  network_changed (self);
}

static void
on_new_mac (GtkButton              *button,
            VireoAddHardwareDialog *self)
{
  g_autofree char *mac = vireo_interface_generate_mac ();

  gtk_editable_set_text (GTK_EDITABLE (self->mac_row), mac);
}

static void
build_network_form (VireoAddHardwareDialog *self)
{
  GtkWidget *group = new_group (self, _(self->kind->label), _(self->kind->description));
  g_auto(GStrv) type_labels = translate_all (nic_type_labels);
  g_auto(GStrv) mode_labels = translate_all (nic_mode_labels);
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_auto(GStrv) model_values = NULL;
  g_auto(GStrv) model_labels = NULL;
  g_auto(GStrv) listed = self->caps != NULL ? vireo_domain_caps_dup_enum (self->caps, "interface", "model") : NULL;
  AdwComboRow *model_row;
  GtkWidget *button;

  self->nic_type_row = add_combo (group, "nic-type", _("_Connected to"), NULL, nic_types,
                                  (const char * const *) type_labels, self->nic_type);
  self->network_row = add_combo (group, "nic-network", _("_Network"), NULL,
                                 (const char * const[]) { NULL }, (const char * const[]) { NULL }, NULL);
  fill_network_row (self);

  self->bridge_row = add_entry (group, "nic-bridge", _("_Bridge on the host"), self->bridge);
  self->bridge_menu = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->bridge_menu), "pan-down-symbolic");
  gtk_widget_set_valign (self->bridge_menu, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->bridge_menu, "flat");
  gtk_widget_set_tooltip_text (self->bridge_menu, _("The host's bridges"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->bridge_menu), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Choose one of the host's bridges"), -1);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->bridge_row), self->bridge_menu);

  self->nic_dev_row = add_entry (group, "nic-device", _("Host _interface, such as eth0"), self->nic_dev);
  self->nic_mode_row = add_combo (group, "nic-mode", _("_Mode"), NULL, nic_modes,
                                  (const char * const *) mode_labels, self->nic_mode);

  group = new_group (self, _("Network Card"), NULL);
  for (guint i = 0; nic_models[i] != NULL; i++)
    if (listed == NULL || listed[0] == NULL || g_strv_contains ((const char * const *) listed, nic_models[i]))
      {
        g_strv_builder_add (values, nic_models[i]);
        g_strv_builder_add (labels, _(nic_model_labels[i]));
      }
  model_values = g_strv_builder_end (values);
  model_labels = g_strv_builder_end (labels);
  if (!g_strv_contains ((const char * const *) model_values, self->nic_model) && model_values[0] != NULL)
    set_str (&self->nic_model, model_values[0]);
  model_row = add_combo (group, "nic-model", _("_Model"), _("The network card the guest sees"),
                         (const char * const *) model_values, (const char * const *) model_labels, self->nic_model);

  self->mac_row = add_entry (group, "nic-mac", _("MAC _address"), self->mac);
  button = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Make a new random address"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Make a new random MAC address"), -1);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_new_mac), self, 0);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->mac_row), button);

  g_signal_connect_object (self->nic_type_row, "notify::selected", G_CALLBACK (on_network_combo), self, 0);
  g_signal_connect_object (self->network_row, "notify::selected", G_CALLBACK (on_network_combo), self, 0);
  g_signal_connect_object (self->nic_mode_row, "notify::selected", G_CALLBACK (on_network_combo), self, 0);
  g_signal_connect_object (model_row, "notify::selected", G_CALLBACK (on_network_combo), self, 0);
  g_signal_connect_object (self->bridge_row, "changed", G_CALLBACK (on_network_text), self, 0);
  g_signal_connect_object (self->nic_dev_row, "changed", G_CALLBACK (on_network_text), self, 0);
  g_signal_connect_object (self->mac_row, "changed", G_CALLBACK (on_network_text), self, 0);

  fill_bridge_menu (self);
  network_changed (self);
}

static void
pick_bridge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  VireoAddHardwareDialog *self = VIREO_ADD_HARDWARE_DIALOG (widget);

  if (self->bridge_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->bridge_row), g_variant_get_string (param, NULL));
}

/* ---------------------------------------------------------------- form */

static void
clear_form (VireoAddHardwareDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->form_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->form_box), child);
  g_ptr_array_set_size (self->field_rows, 0);
  self->fields_group = NULL;
  self->variant_anchor = NULL;
  self->disk_device_row = NULL;
  self->bus_row = NULL;
  self->target_label = NULL;
  self->source_row = NULL;
  self->pool_row = NULL;
  self->volume_name_row = NULL;
  self->size_row = NULL;
  self->format_row = NULL;
  self->path_row = NULL;
  self->nic_type_row = NULL;
  self->network_row = NULL;
  self->bridge_row = NULL;
  self->bridge_menu = NULL;
  self->nic_dev_row = NULL;
  self->nic_mode_row = NULL;
  self->mac_row = NULL;
  self->host_list = NULL;
  self->shared_note = NULL;
}

static void
build_form (VireoAddHardwareDialog *self)
{
  clear_form (self);
  if (self->kind == NULL || self->config == NULL)
    return;

  self->building = TRUE;
  switch (self->kind->form)
    {
    case FORM_STORAGE:
      build_storage_form (self);
      break;
    case FORM_NETWORK:
      build_network_form (self);
      break;
    case FORM_HOSTDEV:
      build_hostdev_form (self);
      break;
    case FORM_TEMPLATE:
    default:
      build_template_form (self);
      break;
    }
  self->building = FALSE;
}

/* -------------------------------------------------------------- result */

static void
update_style_scheme (VireoAddHardwareDialog *self)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char *id = adw_style_manager_get_dark (adw_style_manager_get_default ()) ? "Adwaita-dark" : "Adwaita";

  gtk_source_buffer_set_style_scheme (self->preview_buffer, gtk_source_style_scheme_manager_get_scheme (schemes, id));
}

/* What Add would send now, or why it cannot. */
static void
compute_result (VireoAddHardwareDialog *self)
{
  gboolean hand = vireo_xml_editor_get_modified (self->xml_editor);
  g_autofree char *text = NULL;
  g_autoptr(VireoDomainConfig) probe = NULL;
  g_autoptr(GError) error = NULL;
  VireoDevice *device = NULL;

  g_clear_pointer (&self->request, vireo_hardware_request_unref);
  g_clear_pointer (&self->problem, g_free);
  if (self->kind == NULL)
    return;

  if (hand)
    text = g_strstrip (vireo_xml_editor_dup_text (self->xml_editor));
  else
    text = g_strdup (self->generated);

  if (!hand && self->form_problem != NULL)
    self->problem = g_strdup (self->form_problem);
  else if (text == NULL || *text == '\0')
    self->problem = g_strdup (_("There is no device to add. Write one in the XML, or use the settings."));
  else
    {
      probe = vireo_domain_config_copy (self->config);
      device = vireo_domain_config_add_device (probe, text, &error);
      if (device == NULL)
        self->problem = g_strdup (error->message);
      else
        self->problem = dup_refusal (self, device);
    }

  if (self->problem == NULL)
    {
      self->request = vireo_hardware_request_new (vireo_device_get_kind (device), text);
      self->request->needs_shared_memory = needs_shared_memory (self, device);
      if (self->kind->form == FORM_STORAGE && g_strcmp0 (self->disk_source, "new") == 0 && VIREO_IS_DISK (device))
        {
          g_autofree char *pool = vireo_disk_dup_source_pool (VIREO_DISK (device));
          g_autofree char *volume = vireo_disk_dup_source_volume (VIREO_DISK (device));

          /* Hand edits that point elsewhere leave nothing to create. */
          if (pool != NULL && volume != NULL && g_strcmp0 (pool, self->pool) == 0 &&
              g_strcmp0 (volume, self->volume_name) == 0)
            {
              self->request->pool = g_steal_pointer (&pool);
              self->request->volume = g_steal_pointer (&volume);
              self->request->format = g_strdup (self->format);
              self->request->capacity = (guint64) self->size_gib * 1024 * 1024 * 1024;
            }
        }
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.add", self->request != NULL);
  gtk_label_set_text (self->problem_label, self->problem != NULL ? self->problem : "");
  /* A next step is not a mistake: no red for it. */
  {
    gboolean prompt = !hand && self->form_problem != NULL && self->form_prompt;
    GtkWidget *banner = gtk_revealer_get_child (self->problem_revealer);

    if (prompt)
      gtk_widget_remove_css_class (banner, "vireo-error");
    else
      gtk_widget_add_css_class (banner, "vireo-error");
    gtk_image_set_from_icon_name (self->problem_icon, prompt ? "dialog-information-symbolic"
                                                             : "dialog-warning-symbolic");
  }
  gtk_revealer_set_reveal_child (self->problem_revealer, self->problem != NULL);
  gtk_revealer_set_reveal_child (self->hand_revealer, hand);
  gtk_widget_set_sensitive (self->form_box, !hand);
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->preview_buffer), text != NULL ? text : "", -1);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_expander), text != NULL && *text != '\0');
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->problem != NULL ? self->problem : "", -1);
}

/* The settings changed: the XML tab follows unless it was edited by hand. */
static void
refresh (VireoAddHardwareDialog *self)
{
  if (!vireo_xml_editor_get_modified (self->xml_editor) &&
      g_strcmp0 (vireo_xml_editor_get_original (self->xml_editor), self->generated) != 0)
    {
      self->syncing_editor = TRUE;
      vireo_xml_editor_set_original (self->xml_editor, self->generated);
      self->syncing_editor = FALSE;
    }
  compute_result (self);
}

static void
on_editor_text_changed (VireoAddHardwareDialog *self)
{
  if (self->syncing_editor)
    return;
  compute_result (self);
}

static void
on_editor_modified (VireoAddHardwareDialog *self)
{
  if (self->syncing_editor)
    return;
  /* Back to the settings' own XML (Revert, or undone by hand): the
   * settings may have moved on meanwhile (a list arrived). */
  if (!vireo_xml_editor_get_modified (self->xml_editor))
    refresh (self);
  else
    compute_result (self);
}

/* ------------------------------------------------------------ actions */

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  VireoAddHardwareDialog *self = VIREO_ADD_HARDWARE_DIALOG (widget);
  g_autoptr(VireoHardwareRequest) request = NULL;

  compute_result (self);
  if (self->request == NULL)
    return;
  request = vireo_hardware_request_ref (self->request);
  g_signal_emit (self, signals[ADD], 0, request);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
use_settings_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  VireoAddHardwareDialog *self = VIREO_ADD_HARDWARE_DIALOG (widget);

  self->syncing_editor = TRUE;
  vireo_xml_editor_set_original (self->xml_editor, self->generated);
  self->syncing_editor = FALSE;
  compute_result (self);
}

static void
on_kind_selected (GtkListBox             *list,
                  GtkListBoxRow          *row,
                  VireoAddHardwareDialog *self)
{
  const KindInfo *kind;

  if (row == NULL)
    return;
  kind = g_object_get_data (G_OBJECT (row), "vireo-kind");
  if (kind == self->kind)
    return;

  self->kind = kind;
  set_str (&self->variant, NULL);
  g_hash_table_remove_all (self->field_values);
  g_hash_table_remove_all (self->field_errors);
  replace_device (self, NULL, NULL);
  /* Hand edits were of the previous kind's device. */
  self->syncing_editor = TRUE;
  vireo_xml_editor_set_original (self->xml_editor, NULL);
  self->syncing_editor = FALSE;
  build_form (self);
}

static GtkWidget *
new_kind_row (const KindInfo *kind)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name (kind->icon);
  GtkWidget *label = gtk_label_new (_(kind->label));
  g_autofree char *name = g_strconcat ("kind-", kind->id, NULL);

  gtk_widget_set_name (row, name);
  gtk_widget_set_tooltip_text (row, _(kind->description));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(kind->label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(kind->description),
                                  -1);
  g_object_set_data (G_OBJECT (row), "vireo-kind", (gpointer) kind);
  return row;
}

/* ---------------------------------------------------------------- class */

static void
vireo_add_hardware_dialog_dispose (GObject *object)
{
  VireoAddHardwareDialog *self = VIREO_ADD_HARDWARE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), VIREO_TYPE_ADD_HARDWARE_DIALOG);
  self->device = NULL;
  g_clear_object (&self->scratch);
  g_clear_object (&self->config);
  g_clear_object (&self->caps);

  G_OBJECT_CLASS (vireo_add_hardware_dialog_parent_class)->dispose (object);
}

static void
vireo_add_hardware_dialog_finalize (GObject *object)
{
  VireoAddHardwareDialog *self = VIREO_ADD_HARDWARE_DIALOG (object);

  g_strfreev (self->networks);
  g_strfreev (self->bridges);
  g_strfreev (self->pools);
  for (guint i = 0; i < 2; i++)
    {
      g_strfreev (self->host_labels[i]);
      g_strfreev (self->host_xmls[i]);
      g_free (self->host_chosen[i]);
    }
  g_free (self->variant);
  g_free (self->generated);
  g_free (self->form_problem);
  g_free (self->problem);
  g_clear_pointer (&self->request, vireo_hardware_request_unref);
  g_clear_pointer (&self->field_values, g_hash_table_unref);
  g_clear_pointer (&self->field_errors, g_hash_table_unref);
  g_clear_pointer (&self->field_rows, g_ptr_array_unref);
  g_free (self->disk_device);
  g_free (self->disk_bus);
  g_free (self->disk_source);
  g_free (self->pool);
  g_free (self->volume_name);
  g_free (self->format);
  g_free (self->path);
  g_free (self->nic_type);
  g_free (self->network);
  g_free (self->bridge);
  g_free (self->nic_dev);
  g_free (self->nic_mode);
  g_free (self->nic_model);
  g_free (self->mac);
  g_free (self->listen);

  G_OBJECT_CLASS (vireo_add_hardware_dialog_parent_class)->finalize (object);
}

static void
vireo_add_hardware_dialog_class_init (VireoAddHardwareDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vireo_add_hardware_dialog_dispose;
  object_class->finalize = vireo_add_hardware_dialog_finalize;

  /**
   * VireoAddHardwareDialog::add:
   * @request: the device to add, and what to do around it
   *
   * The user chose Add; the dialog closes right after.
   */
  signals[ADD] =
    g_signal_new ("add", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, VIREO_TYPE_HARDWARE_REQUEST);

  /* The template names these types; GtkBuilder only finds registered ones. */
  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (GTK_SOURCE_TYPE_BUFFER);
  g_type_ensure (VIREO_TYPE_XML_EDITOR);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-add-hardware-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, kind_list);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, problem_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, problem_icon);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, hand_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, view_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, form_box);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, preview_expander);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, preview_view);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, preview_buffer);
  gtk_widget_class_bind_template_child (widget_class, VireoAddHardwareDialog, xml_editor);

  gtk_widget_class_install_action (widget_class, "dialog.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "dialog.use-settings", NULL, use_settings_action);
  gtk_widget_class_install_action (widget_class, "dialog.pick-bridge", "s", pick_bridge_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vireo_add_hardware_dialog_init (VireoAddHardwareDialog *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->field_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->field_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->field_rows = g_ptr_array_new ();
  self->size_gib = 20;
  self->format = g_strdup ("qcow2");
  self->nic_type = g_strdup ("network");
  self->nic_mode = g_strdup ("bridge");
  self->nic_model = g_strdup ("virtio");
  self->mac = vireo_interface_generate_mac ();
  self->listen = g_strdup ("none");

  gtk_source_buffer_set_language (self->preview_buffer, gtk_source_language_manager_get_language (languages, "xml"));
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  update_style_scheme (self);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_list_box_append (self->kind_list, new_kind_row (&kinds[i]));

  g_signal_connect_object (vireo_xml_editor_get_buffer (self->xml_editor), "changed",
                           G_CALLBACK (on_editor_text_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->xml_editor, "notify::modified",
                           G_CALLBACK (on_editor_modified), self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.add", FALSE);
}

/* ---------------------------------------------------------- public API */

/**
 * vireo_add_hardware_dialog_new:
 * @parent: (nullable): the machine's window
 * @config: the machine's configuration, to default from and check against;
 *   never changed
 *
 * Returns: (transfer none): the dialog, not shown yet
 */
VireoAddHardwareDialog *
vireo_add_hardware_dialog_new (GtkWindow         *parent,
                               VireoDomainConfig *config)
{
  VireoAddHardwareDialog *self;
  GtkListBoxRow *first;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIREO_IS_DOMAIN_CONFIG (config), NULL);

  self = g_object_new (VIREO_TYPE_ADD_HARDWARE_DIALOG, "transient-for", parent, NULL);
  self->config = g_object_ref (config);
  self->scratch = vireo_domain_config_copy (config);
  self->memory_shared = config_shares_memory (config);
  if (vireo_domain_config_get_name (config) != NULL)
    adw_view_switcher_title_set_subtitle (self->switcher_title, vireo_domain_config_get_name (config));

  g_signal_connect_object (self->kind_list, "row-selected", G_CALLBACK (on_kind_selected), self, 0);
  first = gtk_list_box_get_row_at_index (self->kind_list, 0);
  gtk_list_box_select_row (self->kind_list, first);
  gtk_widget_grab_focus (GTK_WIDGET (first));
  return self;
}

/**
 * vireo_add_hardware_dialog_set_caps:
 * @caps: (nullable): the machine's domain capabilities
 *
 * Narrows the offers to what the hypervisor lists, and picks defaults
 * from it. The form is built again; the user's choices stay where they
 * are still offered.
 */
void
vireo_add_hardware_dialog_set_caps (VireoAddHardwareDialog *self,
                                    VireoDomainCaps        *caps)
{
  g_return_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self));
  g_return_if_fail (caps == NULL || VIREO_IS_DOMAIN_CAPS (caps));

  if (!g_set_object (&self->caps, caps))
    return;
  build_form (self);
}

static void
show_browse_buttons (GtkWidget *root,
                     gboolean   visible)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_name (child), "browse") == 0)
      gtk_widget_set_visible (child, visible);
    else
      show_browse_buttons (child, visible);
}

/**
 * vireo_add_hardware_dialog_set_is_local:
 *
 * Whether the connection is to this computer: only then can a file
 * chooser pick a path that means something to the hypervisor.
 */
void
vireo_add_hardware_dialog_set_is_local (VireoAddHardwareDialog *self,
                                        gboolean                is_local)
{
  g_return_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self));

  self->is_local = !!is_local;
  show_browse_buttons (self->form_box, self->is_local);
}

static void
replace_strv (char               ***field,
              const char * const   *names)
{
  g_strfreev (*field);
  *field = g_strdupv ((char **) (names != NULL ? names : (const char * const[]) { NULL }));
}

/**
 * vireo_add_hardware_dialog_set_networks:
 * @names: the host's virtual networks (an empty list: it has none)
 */
void
vireo_add_hardware_dialog_set_networks (VireoAddHardwareDialog *self,
                                        const char * const     *names)
{
  g_return_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self));

  replace_strv (&self->networks, names);
  if (self->network_row != NULL)
    {
      fill_network_row (self);
      network_changed (self);
    }
}

/**
 * vireo_add_hardware_dialog_set_bridges:
 * @names: the host's bridges, offered for "Bridge to a host network"
 */
void
vireo_add_hardware_dialog_set_bridges (VireoAddHardwareDialog *self,
                                       const char * const     *names)
{
  g_return_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self));

  replace_strv (&self->bridges, names);
  if (self->bridge_row != NULL)
    {
      fill_bridge_menu (self);
      network_changed (self);
    }
}

/**
 * vireo_add_hardware_dialog_set_pools:
 * @names: the host's active storage pools (an empty list: it has none)
 */
void
vireo_add_hardware_dialog_set_pools (VireoAddHardwareDialog *self,
                                     const char * const     *names)
{
  g_return_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self));

  replace_strv (&self->pools, names);
  if (self->pool_row != NULL)
    {
      fill_pool_row (self);
      storage_changed (self);
    }
}

/**
 * vireo_add_hardware_dialog_set_host_devices:
 * @bus: "usb" or "pci"
 * @labels: what the user reads for each device
 * @xmls: each device's `<hostdev>` element, parallel to @labels
 *
 * The host devices that can be handed to the guest. The chosen one stays
 * chosen as long as it is in the new list.
 */
void
vireo_add_hardware_dialog_set_host_devices (VireoAddHardwareDialog *self,
                                            const char             *bus,
                                            const char * const     *labels,
                                            const char * const     *xmls)
{
  int i;

  g_return_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self));
  g_return_if_fail (g_strcmp0 (bus, "usb") == 0 || g_strcmp0 (bus, "pci") == 0);
  g_return_if_fail ((labels == NULL) == (xmls == NULL));
  g_return_if_fail (labels == NULL || g_strv_length ((char **) labels) == g_strv_length ((char **) xmls));

  i = host_index (bus);
  replace_strv (&self->host_labels[i], labels);
  replace_strv (&self->host_xmls[i], xmls);
  if (self->host_list != NULL && g_strcmp0 (self->kind->bus, bus) == 0)
    {
      fill_host_list (self);
      template_changed (self);
    }
}

/**
 * vireo_add_hardware_dialog_list_kinds:
 *
 * Returns: (transfer none): the ids of the kinds, in the order shown
 */
const char * const *
vireo_add_hardware_dialog_list_kinds (void)
{
  return kind_ids;
}

gboolean
vireo_add_hardware_dialog_select_kind (VireoAddHardwareDialog *self,
                                       const char             *kind)
{
  g_return_val_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i].id, kind) == 0)
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->kind_list, (int) i);

        gtk_list_box_select_row (self->kind_list, row);
        gtk_widget_grab_focus (GTK_WIDGET (row));
        return TRUE;
      }
  return FALSE;
}

const char *
vireo_add_hardware_dialog_get_kind (VireoAddHardwareDialog *self)
{
  g_return_val_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self), NULL);
  return self->kind != NULL ? self->kind->id : NULL;
}

/**
 * vireo_add_hardware_dialog_dup_variants:
 *
 * Returns: (transfer full): the variants offered for the chosen kind
 *   after the capabilities had their say; empty for kinds with a form
 *   of their own
 */
char **
vireo_add_hardware_dialog_dup_variants (VireoAddHardwareDialog *self)
{
  g_return_val_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self), NULL);
  return dup_offered_variants (self);
}

gboolean
vireo_add_hardware_dialog_select_variant (VireoAddHardwareDialog *self,
                                          const char             *variant)
{
  g_auto(GStrv) variants = NULL;

  g_return_val_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self), FALSE);

  variants = dup_offered_variants (self);
  if (variant == NULL || !g_strv_contains ((const char * const *) variants, variant))
    return FALSE;
  if (g_strcmp0 (self->variant, variant) == 0)
    return TRUE;
  set_str (&self->variant, variant);
  build_form (self);
  return TRUE;
}

/**
 * vireo_add_hardware_dialog_get_problem:
 *
 * Returns: (nullable): why Add is off, as shown to the user
 */
const char *
vireo_add_hardware_dialog_get_problem (VireoAddHardwareDialog *self)
{
  g_return_val_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self), NULL);
  return self->problem;
}

/**
 * vireo_add_hardware_dialog_dup_request:
 *
 * Returns: (transfer full) (nullable): what Add would send now, or %NULL
 *   while Add is off
 */
VireoHardwareRequest *
vireo_add_hardware_dialog_dup_request (VireoAddHardwareDialog *self)
{
  g_return_val_if_fail (VIREO_IS_ADD_HARDWARE_DIALOG (self), NULL);
  return self->request != NULL ? vireo_hardware_request_ref (self->request) : NULL;
}
