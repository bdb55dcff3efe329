/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SPICE session's surface conversion: what spice-glib decodes (32-bit
 * x8r8g8b8, 16-bit 555 and 565 words) becomes BGRX bytes for the
 * framebuffer, row by row with each side's own stride, and nothing outside
 * the rectangle is written.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <spice/enums.h>

#include "vireo-spice-session-private.h"

/* Destination: 4 x 3 BGRX pixels, 20 bytes a row (one pixel of padding),
 * filled with 0xAA so that stray writes show. */
#define DST_STRIDE 20
#define FILL 0xAA

static void
assert_bgr (const guint8 *dst,
            int           x,
            int           y,
            guint8        b,
            guint8        g,
            guint8        r)
{
  const guint8 *p = dst + y * DST_STRIDE + x * 4;

  g_assert_cmphex (p[0], ==, b);
  g_assert_cmphex (p[1], ==, g);
  g_assert_cmphex (p[2], ==, r);
}

/* Everything outside (x, y, w, h) still holds FILL. */
static void
assert_untouched_outside (const guint8 *dst,
                          int           x,
                          int           y,
                          int           w,
                          int           h)
{
  for (int row = 0; row < 3; row++)
    for (int byte = 0; byte < DST_STRIDE; byte++)
      {
        int px = byte / 4;

        if (row >= y && row < y + h && px >= x && px < x + w)
          continue;
        g_assert_cmphex (dst[row * DST_STRIDE + byte], ==, FILL);
      }
}

static void
test_xrgb (void)
{
  /* 2 x 2 pixels, 12 bytes a row (one pixel of padding). */
  guint32 src[6] = {
    0x00ff0000, 0x0000ff00, 0xdeadbeef,
    0x000000ff, 0x00123456, 0xdeadbeef,
  };
  guint8 dst[DST_STRIDE * 3];

  memset (dst, FILL, sizeof dst);
  /* Into (1, 1): the source's first pixel lands at the second column of
   * the second row. */
  _vireo_spice_copy_pixels (SPICE_SURFACE_FMT_32_xRGB, (const guint8 *) src, 12,
                            dst + DST_STRIDE + 4, DST_STRIDE, 2, 2);
  assert_bgr (dst, 1, 1, 0x00, 0x00, 0xff);   /* red */
  assert_bgr (dst, 2, 1, 0x00, 0xff, 0x00);   /* green */
  assert_bgr (dst, 1, 2, 0xff, 0x00, 0x00);   /* blue */
  assert_bgr (dst, 2, 2, 0x56, 0x34, 0x12);
  assert_untouched_outside (dst, 1, 1, 2, 2);
}

static void
test_555 (void)
{
  /* 3 x 2 pixels, 8 bytes a row. */
  guint16 src[8] = {
    0x7fff, 0x7c00, 0x03e0, 0xffff,
    0x001f, 0x4210, 0x0000, 0xffff,
  };
  guint8 dst[DST_STRIDE * 3];

  memset (dst, FILL, sizeof dst);
  _vireo_spice_copy_pixels (SPICE_SURFACE_FMT_16_555, (const guint8 *) src, 8, dst, DST_STRIDE, 3, 2);
  assert_bgr (dst, 0, 0, 0xff, 0xff, 0xff);   /* white stays white */
  assert_bgr (dst, 1, 0, 0x00, 0x00, 0xff);
  assert_bgr (dst, 2, 0, 0x00, 0xff, 0x00);
  assert_bgr (dst, 0, 1, 0xff, 0x00, 0x00);
  assert_bgr (dst, 1, 1, 0x84, 0x84, 0x84);   /* 16 of 31: 10000 -> 10000100 */
  assert_bgr (dst, 2, 1, 0x00, 0x00, 0x00);
  assert_untouched_outside (dst, 0, 0, 3, 2);
}

static void
test_565 (void)
{
  guint16 src[8] = {
    0xffff, 0xf800, 0x07e0, 0x0000,
    0x001f, 0x8410, 0x0000, 0x0000,
  };
  guint8 dst[DST_STRIDE * 3];

  memset (dst, FILL, sizeof dst);
  _vireo_spice_copy_pixels (SPICE_SURFACE_FMT_16_565, (const guint8 *) src, 8, dst, DST_STRIDE, 3, 2);
  assert_bgr (dst, 0, 0, 0xff, 0xff, 0xff);
  assert_bgr (dst, 1, 0, 0x00, 0x00, 0xff);
  assert_bgr (dst, 2, 0, 0x00, 0xff, 0x00);
  assert_bgr (dst, 0, 1, 0xff, 0x00, 0x00);
  /* Six bits of green: 100000 -> 10000010. */
  assert_bgr (dst, 1, 1, 0x84, 0x82, 0x84);
  assert_untouched_outside (dst, 0, 0, 3, 2);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/spice-pixels/xrgb", test_xrgb);
  g_test_add_func ("/spice-pixels/555", test_555);
  g_test_add_func ("/spice-pixels/565", test_565);
  return g_test_run ();
}
