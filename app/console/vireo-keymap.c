/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-keymap"

#include "config.h"

#include <linux/input-event-codes.h>

#include "vireo-keymap.h"

/* Set-1 make codes of the PC keyboard, written as qnum (E0 xx -> 0x80|xx).
 *
 * Sources: Microsoft's "Keyboard Scan Code Specification" (rev. 1.3a,
 * appendix C, scan code set 1) for the 104/105-key board, the Japanese and
 * Korean keys and the consumer keys; QEMU's keycodemapdb (data/keymaps.csv,
 * the "AT set1" column, and tools/keymap-gen for how QEMU numbers the keys
 * that have no single-byte form). QEMU is what decodes these numbers, so
 * where the two differ QEMU's numbering wins: Print Screen, Pause,
 * Hangeul/Hanja, and F13-F24 (QEMU follows Linux's atkbd there rather than
 * Microsoft's 0x64-0x6E/0x76; QEMU 7.2 still drops F13-F24, later versions
 * take them). */
static const guint16 linux_to_xt[] = {
  /* Function row */
  [KEY_ESC]              = 0x01,
  [KEY_F1]               = 0x3b,
  [KEY_F2]               = 0x3c,
  [KEY_F3]               = 0x3d,
  [KEY_F4]               = 0x3e,
  [KEY_F5]               = 0x3f,
  [KEY_F6]               = 0x40,
  [KEY_F7]               = 0x41,
  [KEY_F8]               = 0x42,
  [KEY_F9]               = 0x43,
  [KEY_F10]              = 0x44,
  [KEY_F11]              = 0x57,
  [KEY_F12]              = 0x58,
  /* The real key sends E0 2A E0 37 (0x54 with Alt held); QEMU's number
   * for it is the Alt form, and QEMU rebuilds the sequence. */
  [KEY_SYSRQ]            = 0x54,
  [KEY_SCROLLLOCK]       = 0x46,
  /* The real key sends E1 1D 45 E1 9D C5 and no break; QEMU numbers it
   * E0 46 (Ctrl+Break) and rebuilds the sequence. */
  [KEY_PAUSE]            = 0xc6,

  /* Number row */
  [KEY_GRAVE]            = 0x29,
  [KEY_1]                = 0x02,
  [KEY_2]                = 0x03,
  [KEY_3]                = 0x04,
  [KEY_4]                = 0x05,
  [KEY_5]                = 0x06,
  [KEY_6]                = 0x07,
  [KEY_7]                = 0x08,
  [KEY_8]                = 0x09,
  [KEY_9]                = 0x0a,
  [KEY_0]                = 0x0b,
  [KEY_MINUS]            = 0x0c,
  [KEY_EQUAL]            = 0x0d,
  [KEY_BACKSPACE]        = 0x0e,

  /* Letter rows. On an ISO board the key left of Enter is KEY_BACKSLASH
   * too (same scancode, 0x2B); the extra key is the one right of Left
   * Shift, KEY_102ND. */
  [KEY_TAB]              = 0x0f,
  [KEY_Q]                = 0x10,
  [KEY_W]                = 0x11,
  [KEY_E]                = 0x12,
  [KEY_R]                = 0x13,
  [KEY_T]                = 0x14,
  [KEY_Y]                = 0x15,
  [KEY_U]                = 0x16,
  [KEY_I]                = 0x17,
  [KEY_O]                = 0x18,
  [KEY_P]                = 0x19,
  [KEY_LEFTBRACE]        = 0x1a,
  [KEY_RIGHTBRACE]       = 0x1b,
  [KEY_BACKSLASH]        = 0x2b,
  [KEY_CAPSLOCK]         = 0x3a,
  [KEY_A]                = 0x1e,
  [KEY_S]                = 0x1f,
  [KEY_D]                = 0x20,
  [KEY_F]                = 0x21,
  [KEY_G]                = 0x22,
  [KEY_H]                = 0x23,
  [KEY_J]                = 0x24,
  [KEY_K]                = 0x25,
  [KEY_L]                = 0x26,
  [KEY_SEMICOLON]        = 0x27,
  [KEY_APOSTROPHE]       = 0x28,
  [KEY_ENTER]            = 0x1c,
  [KEY_LEFTSHIFT]        = 0x2a,
  [KEY_102ND]            = 0x56,
  [KEY_Z]                = 0x2c,
  [KEY_X]                = 0x2d,
  [KEY_C]                = 0x2e,
  [KEY_V]                = 0x2f,
  [KEY_B]                = 0x30,
  [KEY_N]                = 0x31,
  [KEY_M]                = 0x32,
  [KEY_COMMA]            = 0x33,
  [KEY_DOT]              = 0x34,
  [KEY_SLASH]            = 0x35,
  [KEY_RIGHTSHIFT]       = 0x36,

  /* Bottom row */
  [KEY_LEFTCTRL]         = 0x1d,
  [KEY_LEFTMETA]         = 0xdb,
  [KEY_LEFTALT]          = 0x38,
  [KEY_SPACE]            = 0x39,
  [KEY_RIGHTALT]         = 0xb8,
  [KEY_RIGHTMETA]        = 0xdc,
  /* The Menu (context menu) key; evdev calls it Compose. */
  [KEY_COMPOSE]          = 0xdd,
  [KEY_RIGHTCTRL]        = 0x9d,

  /* Navigation cluster and arrows: the E0 twins of the keypad keys. */
  [KEY_INSERT]           = 0xd2,
  [KEY_HOME]             = 0xc7,
  [KEY_PAGEUP]           = 0xc9,
  [KEY_DELETE]           = 0xd3,
  [KEY_END]              = 0xcf,
  [KEY_PAGEDOWN]         = 0xd1,
  [KEY_UP]               = 0xc8,
  [KEY_LEFT]             = 0xcb,
  [KEY_DOWN]             = 0xd0,
  [KEY_RIGHT]            = 0xcd,

  /* Keypad */
  [KEY_NUMLOCK]          = 0x45,
  [KEY_KPSLASH]          = 0xb5,
  [KEY_KPASTERISK]       = 0x37,
  [KEY_KPMINUS]          = 0x4a,
  [KEY_KP7]              = 0x47,
  [KEY_KP8]              = 0x48,
  [KEY_KP9]              = 0x49,
  [KEY_KPPLUS]           = 0x4e,
  [KEY_KP4]              = 0x4b,
  [KEY_KP5]              = 0x4c,
  [KEY_KP6]              = 0x4d,
  [KEY_KP1]              = 0x4f,
  [KEY_KP2]              = 0x50,
  [KEY_KP3]              = 0x51,
  [KEY_KPENTER]          = 0x9c,
  [KEY_KP0]              = 0x52,
  [KEY_KPDOT]            = 0x53,
  [KEY_KPEQUAL]          = 0x59,
  [KEY_KPCOMMA]          = 0x7e,

  /* F13-F24, numbered as QEMU numbers them (see above). */
  [KEY_F13]              = 0x5d,
  [KEY_F14]              = 0x5e,
  [KEY_F15]              = 0x5f,
  [KEY_F16]              = 0x55,
  [KEY_F17]              = 0x83,
  [KEY_F18]              = 0xf7,
  [KEY_F19]              = 0x84,
  [KEY_F20]              = 0x5a,
  [KEY_F21]              = 0x74,
  [KEY_F22]              = 0xf9,
  [KEY_F23]              = 0x6d,
  [KEY_F24]              = 0x6f,

  /* Japanese (106/109-key) and Korean boards */
  [KEY_RO]               = 0x73,
  [KEY_YEN]              = 0x7d,
  [KEY_KATAKANAHIRAGANA] = 0x70,
  [KEY_HENKAN]           = 0x79,
  [KEY_MUHENKAN]         = 0x7b,
  /* Really F2 and F1 (press only). 0x80 means E0 in qnum, so QEMU numbers
   * them without that bit, and sends F2/F1 to the guest itself. */
  [KEY_HANGEUL]          = 0x72,
  [KEY_HANJA]            = 0x71,

  /* Consumer and power keys */
  [KEY_MUTE]             = 0xa0,
  [KEY_VOLUMEDOWN]       = 0xae,
  [KEY_VOLUMEUP]         = 0xb0,
  [KEY_PLAYPAUSE]        = 0xa2,
  [KEY_STOPCD]           = 0xa4,
  [KEY_PREVIOUSSONG]     = 0x90,
  [KEY_NEXTSONG]         = 0x99,
  [KEY_POWER]            = 0xde,
  [KEY_SLEEP]            = 0xdf,
  [KEY_WAKEUP]           = 0xe3,
};

/**
 * vireo_keymap_linux_to_xt:
 * @linux_code: a Linux evdev key code (`KEY_*`)
 *
 * Returns: the key's PC set-1 scancode in QEMU's qnum form, which is what
 *   QEMU's VNC extended key event carries; 0 for a key without one.
 */
guint16
vireo_keymap_linux_to_xt (guint linux_code)
{
  if (linux_code >= G_N_ELEMENTS (linux_to_xt))
    return 0;
  return linux_to_xt[linux_code];
}

/**
 * vireo_keymap_xt_to_spice:
 * @xt: a qnum from vireo_keymap_linux_to_xt()
 *
 * Returns: the scancode spice-glib's inputs channel takes
 *   (spice_inputs_channel_key_press()): E0 keys as 0x100 | code. The server
 *   turns that back into the same qnum, so Pause and Print Screen work the
 *   same way as over VNC. 0 for 0.
 */
guint32
vireo_keymap_xt_to_spice (guint16 xt)
{
  if (xt > 0xff)
    return 0;
  if (xt & 0x80)
    return 0x100 | (xt & 0x7f);
  return xt;
}

/**
 * vireo_keymap_gdk_keycode_to_linux:
 * @gdk_keycode: gdk_key_event_get_keycode()
 *
 * On Wayland and on X11 with the evdev driver (every current X server,
 * Xvfb included) a hardware keycode is the Linux key code plus 8, a
 * historical X11 offset.
 *
 * Returns: the Linux key code, or 0 when @gdk_keycode cannot be one.
 */
guint16
vireo_keymap_gdk_keycode_to_linux (guint gdk_keycode)
{
  if (gdk_keycode < 8 || gdk_keycode - 8 > KEY_MAX)
    return 0;
  return gdk_keycode - 8;
}

/* ------------------------------------------------------------------------ */

struct _VireoKeyState
{
  /* Held codes, oldest first. A handful at a time, so a linear search
   * beats anything cleverer. */
  GArray *held;
};

VireoKeyState *
vireo_key_state_new (void)
{
  VireoKeyState *self = g_new0 (VireoKeyState, 1);

  self->held = g_array_new (FALSE, FALSE, sizeof (guint16));
  return self;
}

void
vireo_key_state_free (VireoKeyState *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->held);
  g_free (self);
}

static gboolean
find_held (const VireoKeyState *self,
           guint16              code,
           guint               *index)
{
  for (guint i = 0; i < self->held->len; i++)
    {
      if (g_array_index (self->held, guint16, i) == code)
        {
          if (index != NULL)
            *index = i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * vireo_key_state_press:
 *
 * Records @code as held.
 *
 * Returns: %TRUE if it was up; %FALSE if it was already held (auto-repeat),
 *   in which case it still needs only one release.
 */
gboolean
vireo_key_state_press (VireoKeyState *self,
                       guint16        code)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (code != 0, FALSE);

  if (find_held (self, code, NULL))
    return FALSE;

  g_array_append_val (self->held, code);
  return TRUE;
}

/**
 * vireo_key_state_release:
 *
 * Returns: %TRUE if @code was held. %FALSE means the guest never saw it
 *   go down (pressed before the console had the keyboard, or already
 *   released by vireo_key_state_release_all()).
 */
gboolean
vireo_key_state_release (VireoKeyState *self,
                         guint16        code)
{
  guint index;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!find_held (self, code, &index))
    return FALSE;

  g_array_remove_index (self->held, index);
  return TRUE;
}

gboolean
vireo_key_state_is_pressed (const VireoKeyState *self,
                            guint16              code)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return code != 0 && find_held (self, code, NULL);
}

guint
vireo_key_state_get_n_pressed (const VireoKeyState *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->held->len;
}

/**
 * vireo_key_state_release_all:
 * @func: (nullable): called once per held key, newest first
 *
 * Forgets every held key and reports each one once, so the caller can send
 * the guest its release. Newest first undoes a chord in reverse, the way
 * fingers leave it (Del before Alt before Ctrl). The state is already empty
 * when @func runs, so @func may press keys again.
 *
 * Returns: how many keys were held.
 */
guint
vireo_key_state_release_all (VireoKeyState       *self,
                             VireoKeyReleaseFunc  func,
                             gpointer             user_data)
{
  g_autoptr(GArray) held = NULL;

  g_return_val_if_fail (self != NULL, 0);

  held = g_steal_pointer (&self->held);
  self->held = g_array_new (FALSE, FALSE, sizeof (guint16));

  if (func != NULL)
    {
      for (guint i = held->len; i > 0; i--)
        func (g_array_index (held, guint16, i - 1), user_data);
    }

  return held->len;
}

/* What a US keyboard types, for "Type Clipboard Text": the guest applies
 * its own layout to the scancodes, so text reaches it as typed only when
 * its layout is US too (the menu says so). */
static const struct
{
  char  first;
  char  last;
  guint keys[48];
} ascii_runs[] = {
  { 'a', 'z', { KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
                KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z } },
  { '1', '9', { KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9 } },
};

static const struct
{
  char     c;
  guint    key;
  gboolean shift;
} ascii_keys[] = {
  { '0', KEY_0, FALSE }, { ' ', KEY_SPACE, FALSE }, { '\n', KEY_ENTER, FALSE }, { '\t', KEY_TAB, FALSE },
  { '-', KEY_MINUS, FALSE }, { '=', KEY_EQUAL, FALSE }, { '[', KEY_LEFTBRACE, FALSE },
  { ']', KEY_RIGHTBRACE, FALSE }, { '\\', KEY_BACKSLASH, FALSE }, { ';', KEY_SEMICOLON, FALSE },
  { '\'', KEY_APOSTROPHE, FALSE }, { '`', KEY_GRAVE, FALSE }, { ',', KEY_COMMA, FALSE },
  { '.', KEY_DOT, FALSE }, { '/', KEY_SLASH, FALSE },
  { '!', KEY_1, TRUE }, { '@', KEY_2, TRUE }, { '#', KEY_3, TRUE }, { '$', KEY_4, TRUE },
  { '%', KEY_5, TRUE }, { '^', KEY_6, TRUE }, { '&', KEY_7, TRUE }, { '*', KEY_8, TRUE },
  { '(', KEY_9, TRUE }, { ')', KEY_0, TRUE }, { '_', KEY_MINUS, TRUE }, { '+', KEY_EQUAL, TRUE },
  { '{', KEY_LEFTBRACE, TRUE }, { '}', KEY_RIGHTBRACE, TRUE }, { '|', KEY_BACKSLASH, TRUE },
  { ':', KEY_SEMICOLON, TRUE }, { '"', KEY_APOSTROPHE, TRUE }, { '~', KEY_GRAVE, TRUE },
  { '<', KEY_COMMA, TRUE }, { '>', KEY_DOT, TRUE }, { '?', KEY_SLASH, TRUE },
};

/**
 * vireo_keymap_ascii_to_xt:
 * @shift: (out): whether Shift must be held
 *
 * Returns: the scancode (qnum) that types @c on a US layout, 0 for a
 * character no key types there
 */
guint16
vireo_keymap_ascii_to_xt (gunichar  c,
                          gboolean *shift)
{
  *shift = FALSE;
  if (c == '\r')
    c = '\n';
  if (c >= 'A' && c <= 'Z')
    {
      *shift = TRUE;
      c = c - 'A' + 'a';
    }
  for (gsize i = 0; i < G_N_ELEMENTS (ascii_runs); i++)
    if (c >= (gunichar) ascii_runs[i].first && c <= (gunichar) ascii_runs[i].last)
      return vireo_keymap_linux_to_xt (ascii_runs[i].keys[c - ascii_runs[i].first]);
  for (gsize i = 0; i < G_N_ELEMENTS (ascii_keys); i++)
    if (c == (gunichar) ascii_keys[i].c)
      {
        *shift = ascii_keys[i].shift;
        return vireo_keymap_linux_to_xt (ascii_keys[i].key);
      }
  return 0;
}
