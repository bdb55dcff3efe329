/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A real guest whose screen never stops changing, for --uri/--domain: a
 * bootable ISO whose boot code sets a VBE mode on QEMU's standard VGA (the
 * Bochs "dispi" registers, ports 0x1ce/0x1cf) and then writes the screen
 * over and over through the 64 KiB bank window at A000:0000. Each pass
 * fills BANKS banks with noise (a linear congruential generator, so that
 * no encoding can shrink a frame to a colour and a size): all banks for
 * full-screen changes, four (a band at the top of the screen) for partial
 * ones. QEMU decides how often it sends what changed (its VNC refresh,
 * about 30 a second at most).
 *
 * The code was assembled with GNU as (.code16); the source is beside each
 * instruction. DS is 0, so its three parameters are read at 0x7c00 plus
 * their offset.
 */
#include "config.h"

#include <string.h>

#include "vireo-bench-console.h"

#define OFFSET_WIDTH   0x70
#define OFFSET_HEIGHT  0x72
#define OFFSET_BANKS   0x74
#define PARTIAL_BANKS  4

static const guint8 boot_code[] = {
  0x31, 0xc0,                         /* 00: xor ax, ax */
  0x8e, 0xd8,                         /* 02: mov ds, ax */
  0xfc,                               /* 04: cld */
  0xba, 0xce, 0x01,                   /* 05: mov dx, 0x1ce (index port) */
  0xb8, 0x04, 0x00, 0xef,             /* 08: out ENABLE index */
  0x42, 0x31, 0xc0, 0xef,             /* 0c: inc dx; xor ax, ax; out: VBE off */
  0x4a, 0xb8, 0x01, 0x00, 0xef,       /* 10: dec dx; XRES index */
  0x42, 0xa1, 0x70, 0x7c, 0xef,       /* 15: inc dx; mov ax, [0x7c70]; out: width */
  0x4a, 0xb8, 0x02, 0x00, 0xef,       /* 1a: YRES index */
  0x42, 0xa1, 0x72, 0x7c, 0xef,       /* 1f: mov ax, [0x7c72]; out: height */
  0x4a, 0xb8, 0x03, 0x00, 0xef,       /* 24: BPP index */
  0x42, 0xb8, 0x20, 0x00, 0xef,       /* 29: out 32 */
  0x4a, 0xb8, 0x04, 0x00, 0xef,       /* 2e: ENABLE index */
  0x42, 0xb8, 0x01, 0x00, 0xef,       /* 33: out 1: on, banked (no LFB) */
  0xb8, 0x00, 0xa0,                   /* 38: mov ax, 0xa000 */
  0x8e, 0xc0,                         /* 3b: mov es, ax */
  0x66, 0x31, 0xdb,                   /* 3d: xor ebx, ebx (the noise) */
  0x31, 0xf6,                         /* 40: frame: xor si, si (the bank) */
  0xba, 0xce, 0x01,                   /* 42: bank: mov dx, 0x1ce */
  0xb8, 0x05, 0x00, 0xef,             /* 45: BANK index */
  0x42, 0x89, 0xf0, 0xef,             /* 49: inc dx; mov ax, si; out */
  0x31, 0xff,                         /* 4d: xor di, di */
  0xb9, 0x00, 0x40,                   /* 4f: mov cx, 16384 (pixels a bank) */
  0x66, 0x69, 0xdb, 0x6d, 0x4e, 0xc6, 0x41, /* 52: pixel: imul ebx, ebx, 1103515245 */
  0x66, 0x81, 0xc3, 0x39, 0x30, 0x00, 0x00, /* 59: add ebx, 12345 */
  0x66, 0x89, 0xd8,                   /* 60: mov eax, ebx */
  0x66, 0xab,                         /* 63: stosd */
  0xe2, 0xeb,                         /* 65: loop pixel */
  0x46,                               /* 67: inc si */
  0x3b, 0x36, 0x74, 0x7c,             /* 68: cmp si, [0x7c74] */
  0x72, 0xd4,                         /* 6c: jb bank */
  0xeb, 0xd0,                         /* 6e: jmp frame */
  /* 70: width, 72: height, 74: banks a pass (little endian words) */
};

static void
put16 (guint8 *p,
       guint   value)
{
  p[0] = value & 0xff;
  p[1] = value >> 8;
}

/**
 * bench_write_guest:
 * @dir: where to write; made if missing
 *
 * Writes @dir/vireo-bench-guest.iso and @dir/vireo-bench-guest.xml (a TCG
 * domain that boots it, VNC reached only through the daemon). Needs
 * xorriso.
 */
gboolean
bench_write_guest (const char  *dir,
                   int          width,
                   int          height,
                   BenchMode    change,
                   GError     **error)
{
  g_autofree char *abs_dir = g_canonicalize_filename (dir, NULL);
  g_autofree char *root = g_build_filename (abs_dir, "vireo-bench-guest-root", NULL);
  g_autofree char *boot = g_build_filename (root, "boot.bin", NULL);
  g_autofree char *iso = g_build_filename (abs_dir, "vireo-bench-guest.iso", NULL);
  g_autofree char *xml_path = g_build_filename (abs_dir, "vireo-bench-guest.xml", NULL);
  g_autofree char *xml = NULL;
  guint8 image[2048] = { 0 };
  gsize bytes = (gsize) width * height * 4;
  guint banks = (bytes + 0xffff) / 0x10000;
  /* The standard VGA's memory must hold the screen; KiB, a power of 2. */
  guint vram = 16384;
  int status = 0;
  const char *argv[] = {
    "xorriso", "-as", "mkisofs", "-quiet", "-V", "VIREO_BENCH", "-o", iso,
    "-b", "boot.bin", "-no-emul-boot", "-boot-load-size", "4", root, NULL
  };

  G_STATIC_ASSERT (sizeof boot_code == OFFSET_WIDTH);
  while ((gsize) vram * 1024 < bytes)
    vram *= 2;

  memcpy (image, boot_code, sizeof boot_code);
  put16 (image + OFFSET_WIDTH, width);
  put16 (image + OFFSET_HEIGHT, height);
  put16 (image + OFFSET_BANKS, change == BENCH_MODE_PARTIAL ? MIN (banks, PARTIAL_BANKS) : banks);

  if (g_mkdir_with_parents (root, 0755) < 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot make %s", root);
      return FALSE;
    }
  if (!g_file_set_contents (boot, (const char *) image, sizeof image, error))
    return FALSE;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, error))
    {
      g_prefix_error (error, "xorriso (apt-get install xorriso): ");
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "xorriso: ");
      return FALSE;
    }

  xml = g_markup_printf_escaped (
    "<!-- vireo-bench-console's guest: %dx%d, %s changes (tests/bench/README.md) -->\n"
    "<domain type='qemu'>\n"
    "  <name>vireo-bench-guest</name>\n"
    "  <memory unit='MiB'>64</memory>\n"
    "  <vcpu>1</vcpu>\n"
    "  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/></os>\n"
    "  <devices>\n"
    "    <disk type='file' device='cdrom'>\n"
    "      <source file='%s'/>\n"
    "      <target dev='hdc' bus='ide'/>\n"
    "      <readonly/>\n"
    "    </disk>\n"
    "    <graphics type='vnc'><listen type='none'/></graphics>\n"
    "    <video><model type='vga' vram='%u' heads='1'/></video>\n"
    "    <memballoon model='none'/>\n"
    "  </devices>\n"
    "</domain>\n",
    width, height, bench_mode_to_string (change), iso, vram);
  return g_file_set_contents (xml_path, xml, -1, error);
}
