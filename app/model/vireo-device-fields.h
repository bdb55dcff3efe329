/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-device.h"

G_BEGIN_DECLS

/*
 * The settings of the "simple" device kinds (video, sound, input, serial,
 * console, channel, controller, hostdev, redirdev, filesystem, TPM, RNG,
 * watchdog, panic, smartcard, vsock, memballoon) as one declarative table
 * per kind, so a single generic editor can show them all. Disks, network
 * cards and displays have classes of their own and no table here.
 *
 * Every field is one attribute, one element's text, or the presence of one
 * element, somewhere under the device element. Reading never changes the
 * document; writing changes that one place, and the elements that exist
 * only to hold it, and nothing else, except where libvirt ties other
 * settings to the new value (vireo_device_set_field() lists those cases).
 *
 * Add Hardware starts from vireo_device_template_xml(): a new device of a
 * kind, in one of a few variants, for vireo_domain_config_add_device().
 */

typedef enum
{
  VIREO_FIELD_TEXT,
  VIREO_FIELD_CHOICE,
  VIREO_FIELD_NUMBER,
  VIREO_FIELD_SWITCH,
} VireoFieldType;

typedef enum
{
  VIREO_FIELD_FLAGS_NONE = 0,
  /* Shown, never written: the value is libvirt's, or changing it would
   * make another device out of this one. */
  VIREO_FIELD_READONLY   = 1 << 0,
  /* libvirt needs a value: clearing is refused. */
  VIREO_FIELD_REQUIRED   = 1 << 1,
  /* A CHOICE that accepts nothing but its choices. Without it the choices
   * are suggestions and any text goes. Either way a value already in the
   * document that is not a choice is shown and kept as it is. */
  VIREO_FIELD_STRICT     = 1 << 2,
  /* An absolute path naming a file or device: "/" and then a name. */
  VIREO_FIELD_FILE_PATH  = 1 << 3,
  /* An absolute path naming a directory; "/" itself included. */
  VIREO_FIELD_DIR_PATH   = 1 << 4,
  /* A name that must not contain "/", such as a mount tag. */
  VIREO_FIELD_NAME       = 1 << 5,
  /* Left empty, libvirt fills it in at each start (a socket path): the
   * running guest's value then is no change waiting for the next boot. */
  VIREO_FIELD_FILLED_AT_START = 1 << 6,
} VireoFieldFlags;

typedef struct
{
  const char         *id;              /* stable, e.g. "video-model" */
  const char         *label;           /* N_() */
  const char         *subtitle;        /* N_() one line for learners, or NULL */
  VireoFieldType      type;
  VireoFieldFlags     flags;
  /* Child element path from the device element, "" for the device element
   * itself; nested with '/', e.g. "model/acceleration". */
  const char         *path;
  /* NULL: the element's text (TEXT, CHOICE) or, for a SWITCH, whether the
   * element at @path exists at all. */
  const char         *attribute;
  const char * const *choices;         /* CHOICE: NULL-terminated values */
  const char * const *choice_labels;   /* N_() labels parallel to @choices, or NULL */
  gint64              min;             /* NUMBER */
  gint64              max;
  /* SWITCH on an attribute: the values for on and off; a NULL @off_value
   * removes the attribute. An element's presence has @on_value "yes". */
  const char         *on_value;
  const char         *off_value;
  /* Only meaningful while the field with this id (in the same table) is
   * relevant itself and has one of @relevant_values; "" among them stands
   * for no value. With @relevant_values NULL: while it has any value. */
  const char         *relevant_field;
  const char * const *relevant_values;
} VireoDeviceField;

const VireoDeviceField *vireo_device_fields_for          (VireoDevice            *device,
                                                          guint                  *n_fields);
const VireoDeviceField *vireo_device_find_field          (VireoDevice            *device,
                                                          const char             *id);
char                   *vireo_device_dup_field           (VireoDevice            *device,
                                                          const VireoDeviceField *field);
gboolean                vireo_device_get_field_active    (VireoDevice            *device,
                                                          const VireoDeviceField *field);
gboolean                vireo_device_set_field           (VireoDevice            *device,
                                                          const VireoDeviceField *field,
                                                          const char             *value,
                                                          GError                **error);
gboolean                vireo_device_field_is_relevant   (VireoDevice            *device,
                                                          const VireoDeviceField *field);
const char             *vireo_device_field_choice_label  (const VireoDeviceField *field,
                                                          const char             *value);

const char * const     *vireo_device_template_variants   (VireoDeviceKind         kind);
const char             *vireo_device_template_label      (VireoDeviceKind         kind,
                                                          const char             *variant);
char                   *vireo_device_template_xml        (VireoDeviceKind         kind,
                                                          const char             *variant);

G_END_DECLS
