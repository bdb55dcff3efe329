/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <linux/input-event-codes.h>
#include <locale.h>

#include "vireo-keymap.h"

/* The expected codes are the published set-1 make codes, written the way
 * the tables print them (0xE01D is "E0 1D"), so the test also checks the
 * qnum encoding rather than repeating the table under test. Sources:
 * Microsoft's "Keyboard Scan Code Specification" rev. 1.3a, appendix C
 * (scan code set 1); cross-checked against QEMU keycodemapdb's
 * data/keymaps.csv ("AT set1 keycode" column). */
typedef struct
{
  guint       linux_code;
  const char *name;
  guint       make;
} Key;

#define K(code, make) { code, #code, make }

/* Every key of a 105-key ISO board except Print Screen and Pause, whose
 * real sequences have no one-byte form (see test_qemu_special_keys). */
static const Key iso105[] = {
  /* Function row */
  K (KEY_ESC, 0x01),
  K (KEY_F1, 0x3B), K (KEY_F2, 0x3C), K (KEY_F3, 0x3D), K (KEY_F4, 0x3E),
  K (KEY_F5, 0x3F), K (KEY_F6, 0x40), K (KEY_F7, 0x41), K (KEY_F8, 0x42),
  K (KEY_F9, 0x43), K (KEY_F10, 0x44), K (KEY_F11, 0x57), K (KEY_F12, 0x58),
  K (KEY_SCROLLLOCK, 0x46),
  /* Number row */
  K (KEY_GRAVE, 0x29),
  K (KEY_1, 0x02), K (KEY_2, 0x03), K (KEY_3, 0x04), K (KEY_4, 0x05),
  K (KEY_5, 0x06), K (KEY_6, 0x07), K (KEY_7, 0x08), K (KEY_8, 0x09),
  K (KEY_9, 0x0A), K (KEY_0, 0x0B),
  K (KEY_MINUS, 0x0C), K (KEY_EQUAL, 0x0D), K (KEY_BACKSPACE, 0x0E),
  /* Top letter row */
  K (KEY_TAB, 0x0F),
  K (KEY_Q, 0x10), K (KEY_W, 0x11), K (KEY_E, 0x12), K (KEY_R, 0x13),
  K (KEY_T, 0x14), K (KEY_Y, 0x15), K (KEY_U, 0x16), K (KEY_I, 0x17),
  K (KEY_O, 0x18), K (KEY_P, 0x19),
  K (KEY_LEFTBRACE, 0x1A), K (KEY_RIGHTBRACE, 0x1B),
  /* ANSI: above Enter; ISO: left of Enter (the # key). Same code. */
  K (KEY_BACKSLASH, 0x2B),
  /* Home row */
  K (KEY_CAPSLOCK, 0x3A),
  K (KEY_A, 0x1E), K (KEY_S, 0x1F), K (KEY_D, 0x20), K (KEY_F, 0x21),
  K (KEY_G, 0x22), K (KEY_H, 0x23), K (KEY_J, 0x24), K (KEY_K, 0x25),
  K (KEY_L, 0x26),
  K (KEY_SEMICOLON, 0x27), K (KEY_APOSTROPHE, 0x28), K (KEY_ENTER, 0x1C),
  /* Bottom letter row; KEY_102ND is ISO's extra key (<> on German boards) */
  K (KEY_LEFTSHIFT, 0x2A), K (KEY_102ND, 0x56),
  K (KEY_Z, 0x2C), K (KEY_X, 0x2D), K (KEY_C, 0x2E), K (KEY_V, 0x2F),
  K (KEY_B, 0x30), K (KEY_N, 0x31), K (KEY_M, 0x32),
  K (KEY_COMMA, 0x33), K (KEY_DOT, 0x34), K (KEY_SLASH, 0x35),
  K (KEY_RIGHTSHIFT, 0x36),
  /* Space row */
  K (KEY_LEFTCTRL, 0x1D), K (KEY_LEFTMETA, 0xE05B), K (KEY_LEFTALT, 0x38),
  K (KEY_SPACE, 0x39),
  K (KEY_RIGHTALT, 0xE038), K (KEY_RIGHTMETA, 0xE05C),
  K (KEY_COMPOSE, 0xE05D), K (KEY_RIGHTCTRL, 0xE01D),
  /* Navigation cluster and arrows */
  K (KEY_INSERT, 0xE052), K (KEY_HOME, 0xE047), K (KEY_PAGEUP, 0xE049),
  K (KEY_DELETE, 0xE053), K (KEY_END, 0xE04F), K (KEY_PAGEDOWN, 0xE051),
  K (KEY_UP, 0xE048), K (KEY_LEFT, 0xE04B), K (KEY_DOWN, 0xE050),
  K (KEY_RIGHT, 0xE04D),
  /* Keypad */
  K (KEY_NUMLOCK, 0x45), K (KEY_KPSLASH, 0xE035), K (KEY_KPASTERISK, 0x37),
  K (KEY_KPMINUS, 0x4A),
  K (KEY_KP7, 0x47), K (KEY_KP8, 0x48), K (KEY_KP9, 0x49), K (KEY_KPPLUS, 0x4E),
  K (KEY_KP4, 0x4B), K (KEY_KP5, 0x4C), K (KEY_KP6, 0x4D),
  K (KEY_KP1, 0x4F), K (KEY_KP2, 0x50), K (KEY_KP3, 0x51),
  K (KEY_KPENTER, 0xE01C),
  K (KEY_KP0, 0x52), K (KEY_KPDOT, 0x53),
};

/* The rest of a PC keyboard: published set-1 codes. */
static const Key extras[] = {
  /* Japanese 106/109-key boards */
  K (KEY_RO, 0x73), K (KEY_YEN, 0x7D), K (KEY_KATAKANAHIRAGANA, 0x70),
  K (KEY_HENKAN, 0x79), K (KEY_MUHENKAN, 0x7B),
  /* Keypad keys of some boards */
  K (KEY_KPEQUAL, 0x59), K (KEY_KPCOMMA, 0x7E),
  /* Consumer and power keys */
  K (KEY_MUTE, 0xE020), K (KEY_VOLUMEDOWN, 0xE02E), K (KEY_VOLUMEUP, 0xE030),
  K (KEY_PLAYPAUSE, 0xE022), K (KEY_STOPCD, 0xE024),
  K (KEY_PREVIOUSSONG, 0xE010), K (KEY_NEXTSONG, 0xE019),
  K (KEY_POWER, 0xE05E), K (KEY_SLEEP, 0xE05F), K (KEY_WAKEUP, 0xE063),
};

/* The published form to QEMU's qnum: E0 xx becomes 0x80 | xx. */
static guint
qnum_of (guint make)
{
  if (make <= 0x7f)
    return make;
  g_assert_cmphex (make & 0xff80, ==, 0xe000);
  return 0x80 | (make & 0x7f);
}

static void
check_keys (const Key *keys,
            guint      n_keys)
{
  for (guint i = 0; i < n_keys; i++)
    {
      guint16 xt = vireo_keymap_linux_to_xt (keys[i].linux_code);

      if (xt != qnum_of (keys[i].make))
        g_error ("%s: expected 0x%02x, got 0x%02x",
                 keys[i].name, qnum_of (keys[i].make), xt);
    }
}

static void
test_iso105 (void)
{
  /* 105 = 104 ANSI keys + KEY_102ND; Print Screen and Pause are checked
   * on their own. */
  g_assert_cmpuint (G_N_ELEMENTS (iso105) + 2, ==, 105);
  check_keys (iso105, G_N_ELEMENTS (iso105));
}

/* The E0 keys as literal qnum numbers, the form QEMU's VNC extended key
 * event carries on the wire. */
static void
test_e0_keys (void)
{
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_RIGHTCTRL), ==, 0x9d);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_RIGHTALT), ==, 0xb8);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_UP), ==, 0xc8);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_DOWN), ==, 0xd0);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_LEFT), ==, 0xcb);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_RIGHT), ==, 0xcd);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_KPENTER), ==, 0x9c);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_KPSLASH), ==, 0xb5);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_INSERT), ==, 0xd2);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_DELETE), ==, 0xd3);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_HOME), ==, 0xc7);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_END), ==, 0xcf);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_PAGEUP), ==, 0xc9);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_PAGEDOWN), ==, 0xd1);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_LEFTMETA), ==, 0xdb);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_RIGHTMETA), ==, 0xdc);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_COMPOSE), ==, 0xdd);

  /* Their plain twins stay plain: the keypad's 8 and Enter, left Ctrl. */
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_KP8), ==, 0x48);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_ENTER), ==, 0x1c);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_LEFTCTRL), ==, 0x1d);
}

/* Keys whose real set-1 sequence is longer than E0 xx. QEMU gives each a
 * fixed number and rebuilds the real sequence for the guest (keycodemapdb
 * tools/keymap-gen and data/keymaps.csv; hw/input/ps2.c). */
static void
test_qemu_special_keys (void)
{
  /* Pause: E1 1D 45 E1 9D C5 for real; QEMU's number is E0 46. */
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_PAUSE), ==, 0xc6);
  /* Print Screen: E0 2A E0 37 for real (54 with Alt held). QEMU's
   * preferred number is 0x54; 0xB7 (E0 37) is only accepted by QEMU as
   * a legacy alias. gtk-vnc and spice-gtk send 0x54 too. */
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_SYSRQ), ==, 0x54);
  /* Hangeul, Hanja: F2, F1 for real (press only). In qnum 0x80 means E0,
   * so QEMU numbers them 0x72, 0x71. */
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_HANGEUL), ==, 0x72);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_HANJA), ==, 0x71);
  /* F13-F24: QEMU's keymaps.csv numbers, not Microsoft's 0x64-0x6E/0x76. */
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F13), ==, 0x5d);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F14), ==, 0x5e);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F15), ==, 0x5f);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F16), ==, 0x55);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F17), ==, 0x83);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F18), ==, 0xf7);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F19), ==, 0x84);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F20), ==, 0x5a);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F21), ==, 0x74);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F22), ==, 0xf9);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F23), ==, 0x6d);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_F24), ==, 0x6f);
}

static void
test_extras (void)
{
  check_keys (extras, G_N_ELEMENTS (extras));
}

static void
test_unmapped (void)
{
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_RESERVED), ==, 0);
  /* Keys with no PC scancode QEMU knows, a mouse button, out of range. */
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_FN), ==, 0);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_PROG1), ==, 0);
  g_assert_cmphex (vireo_keymap_linux_to_xt (BTN_LEFT), ==, 0);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_MAX), ==, 0);
  g_assert_cmphex (vireo_keymap_linux_to_xt (KEY_MAX + 1), ==, 0);
  g_assert_cmphex (vireo_keymap_linux_to_xt (0xffff), ==, 0);
  g_assert_cmphex (vireo_keymap_linux_to_xt (G_MAXUINT), ==, 0);
}

/* Two Linux keys on one scancode would make the guest see the wrong key,
 * and the held-key tracker merge two keys into one. */
static void
test_no_two_keys_share_a_code (void)
{
  guint owner[256] = { 0 };
  guint n_mapped = 0;
  guint16 specials[] = { KEY_SYSRQ, KEY_PAUSE };

  for (guint i = 0; i < G_N_ELEMENTS (iso105); i++)
    g_assert_cmpuint (vireo_keymap_linux_to_xt (iso105[i].linux_code), !=, 0);
  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    g_assert_cmpuint (vireo_keymap_linux_to_xt (specials[i]), !=, 0);

  /* Over the whole table, not only the 105 keys. */
  for (guint code = 0; code <= KEY_MAX; code++)
    {
      guint16 xt = vireo_keymap_linux_to_xt (code);

      if (xt == 0)
        continue;
      g_assert_cmphex (xt, <=, 0xff);
      if (owner[xt] != 0)
        g_error ("Linux keys %u and %u both map to 0x%02x", owner[xt], code, xt);
      owner[xt] = code;
      n_mapped++;
    }

  /* The 105 keys, F13-F24 and the extras. */
  g_assert_cmpuint (n_mapped, ==, 105 + 12 + 2 + G_N_ELEMENTS (extras));
}

static void
test_spice (void)
{
  const Key *sets[] = { iso105, extras };
  const guint sizes[] = { G_N_ELEMENTS (iso105), G_N_ELEMENTS (extras) };

  /* E0 xx becomes 0x100 | xx, the rest stays as it is. */
  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    for (guint i = 0; i < sizes[s]; i++)
      {
        const Key *key = &sets[s][i];
        guint32 expected = key->make > 0xff ? 0x100 | (key->make & 0xff) : key->make;
        guint32 spice = vireo_keymap_xt_to_spice (vireo_keymap_linux_to_xt (key->linux_code));

        if (spice != expected)
          g_error ("%s: expected SPICE 0x%03x, got 0x%03x", key->name, expected, spice);
      }

  g_assert_cmphex (vireo_keymap_xt_to_spice (0x9d), ==, 0x11d);
  g_assert_cmphex (vireo_keymap_xt_to_spice (0xb8), ==, 0x138);
  g_assert_cmphex (vireo_keymap_xt_to_spice (0xc8), ==, 0x148);
  g_assert_cmphex (vireo_keymap_xt_to_spice (0x1e), ==, 0x1e);
  /* QEMU's SPICE input turns E0 46 and 54 back into Pause and Print
   * Screen, as it does for the VNC numbers. */
  g_assert_cmphex (vireo_keymap_xt_to_spice (vireo_keymap_linux_to_xt (KEY_PAUSE)), ==, 0x146);
  g_assert_cmphex (vireo_keymap_xt_to_spice (vireo_keymap_linux_to_xt (KEY_SYSRQ)), ==, 0x54);
  g_assert_cmphex (vireo_keymap_xt_to_spice (vireo_keymap_linux_to_xt (KEY_HANGEUL)), ==, 0x72);
  g_assert_cmphex (vireo_keymap_xt_to_spice (0), ==, 0);
  g_assert_cmphex (vireo_keymap_xt_to_spice (0x100), ==, 0);
}

static void
test_gdk_keycode (void)
{
  /* X11 (evdev) and Wayland hardware keycodes of a PC keyboard. */
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (9), ==, KEY_ESC);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (38), ==, KEY_A);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (94), ==, KEY_102ND);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (107), ==, KEY_SYSRQ);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (127), ==, KEY_PAUSE);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (133), ==, KEY_LEFTMETA);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (135), ==, KEY_COMPOSE);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (KEY_MAX + 8), ==, KEY_MAX);

  /* Below the X11 offset, or beyond any Linux key. */
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (0), ==, 0);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (7), ==, 0);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (8), ==, 0);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (KEY_MAX + 9), ==, 0);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (0x10008), ==, 0);
  g_assert_cmpuint (vireo_keymap_gdk_keycode_to_linux (G_MAXUINT), ==, 0);
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  VireoKeyState *state;
  GArray        *released;
  guint          n_held_seen;
} ReleaseLog;

static void
log_release (guint16  code,
             gpointer user_data)
{
  ReleaseLog *log = user_data;

  g_array_append_val (log->released, code);
  /* Already forgotten while the caller sends the releases. */
  log->n_held_seen = MAX (log->n_held_seen, vireo_key_state_get_n_pressed (log->state));
}

static void
test_key_state (void)
{
  g_autoptr(VireoKeyState) state = vireo_key_state_new ();
  g_autoptr(GArray) released = g_array_new (FALSE, FALSE, sizeof (guint16));
  ReleaseLog log = { state, released, 0 };
  guint16 a = vireo_keymap_linux_to_xt (KEY_A);
  guint16 ctrl = vireo_keymap_linux_to_xt (KEY_LEFTCTRL);
  guint16 alt = vireo_keymap_linux_to_xt (KEY_LEFTALT);
  guint16 del = vireo_keymap_linux_to_xt (KEY_DELETE);

  g_assert_cmpuint (vireo_key_state_get_n_pressed (state), ==, 0);

  /* Auto-repeat: more presses, still one held key, one release. */
  g_assert_true (vireo_key_state_press (state, a));
  g_assert_false (vireo_key_state_press (state, a));
  g_assert_false (vireo_key_state_press (state, a));
  g_assert_cmpuint (vireo_key_state_get_n_pressed (state), ==, 1);
  g_assert_true (vireo_key_state_is_pressed (state, a));
  g_assert_true (vireo_key_state_release (state, a));
  g_assert_false (vireo_key_state_is_pressed (state, a));
  g_assert_cmpuint (vireo_key_state_get_n_pressed (state), ==, 0);
  /* A release the guest never saw go down. */
  g_assert_false (vireo_key_state_release (state, a));
  g_assert_false (vireo_key_state_release (state, ctrl));

  /* Ctrl+Alt+Del held when the focus goes; Del repeats meanwhile. */
  g_assert_true (vireo_key_state_press (state, ctrl));
  g_assert_true (vireo_key_state_press (state, alt));
  g_assert_true (vireo_key_state_press (state, del));
  g_assert_false (vireo_key_state_press (state, del));
  g_assert_cmpuint (vireo_key_state_get_n_pressed (state), ==, 3);

  g_assert_cmpuint (vireo_key_state_release_all (state, log_release, &log), ==, 3);
  g_assert_cmpuint (released->len, ==, 3);
  g_assert_cmphex (g_array_index (released, guint16, 0), ==, del);
  g_assert_cmphex (g_array_index (released, guint16, 1), ==, alt);
  g_assert_cmphex (g_array_index (released, guint16, 2), ==, ctrl);
  g_assert_cmpuint (log.n_held_seen, ==, 0);
  g_assert_cmpuint (vireo_key_state_get_n_pressed (state), ==, 0);
  g_assert_false (vireo_key_state_is_pressed (state, ctrl));
  g_assert_false (vireo_key_state_is_pressed (state, alt));
  g_assert_false (vireo_key_state_is_pressed (state, del));

  /* Nothing is reported twice: not by a second release_all, nor when the
   * real key-up events arrive after focus comes back. */
  g_array_set_size (released, 0);
  g_assert_cmpuint (vireo_key_state_release_all (state, log_release, &log), ==, 0);
  g_assert_cmpuint (released->len, ==, 0);
  g_assert_false (vireo_key_state_release (state, del));
  g_assert_false (vireo_key_state_release (state, ctrl));

  /* Usable again afterwards; a NULL callback just forgets. */
  g_assert_true (vireo_key_state_press (state, a));
  g_assert_cmpuint (vireo_key_state_release_all (state, NULL, NULL), ==, 1);
  g_assert_cmpuint (vireo_key_state_get_n_pressed (state), ==, 0);
  g_assert_cmpuint (released->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keymap/iso105", test_iso105);
  g_test_add_func ("/keymap/e0-keys", test_e0_keys);
  g_test_add_func ("/keymap/qemu-special-keys", test_qemu_special_keys);
  g_test_add_func ("/keymap/extras", test_extras);
  g_test_add_func ("/keymap/unmapped", test_unmapped);
  g_test_add_func ("/keymap/no-two-keys-share-a-code", test_no_two_keys_share_a_code);
  g_test_add_func ("/keymap/spice", test_spice);
  g_test_add_func ("/keymap/gdk-keycode", test_gdk_keycode);
  g_test_add_func ("/keymap/key-state", test_key_state);

  return g_test_run ();
}
