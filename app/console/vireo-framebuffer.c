/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "vireo-framebuffer.h"

/*
 * A GdkTexture is immutable and GTK keeps the last one until the next frame
 * is drawn, so the protocol cannot write into the memory a texture shows.
 * Each texture therefore gets a copy, and the copy is one cost here.
 *
 * The other cost is GTK's: a texture that changes is uploaded (GL) or
 * converted and scaled (cairo) whole, and the area it covers is redrawn
 * whole. One texture for the screen made a blinking cursor cost a full
 * 1080p redraw, 25 ms a frame with the cairo renderer. So the screen is cut
 * into tiles, each its own texture: GTK's render-node diff sees which
 * textures are new and redraws only those tiles; the rest stay uploaded.
 *
 * Each tile's copies live in a small pool of "back" buffers. Each back
 * remembers what it lacks (the damage since it was last brought up to
 * date); once GTK lets go of the texture made from it, the next frame
 * reuses it and copies only that. The same pass sets the alpha byte,
 * which VNC and SPICE leave undefined and GTK 4.8 has no opaque 32-bit
 * format to ignore.
 */

/* GTK holds one texture while drawing another; a few more cover a slow
 * compositor. Past that a texture gets a one-off copy rather than a bigger
 * pool. */
#define MAX_BACKS 4

typedef struct
{
  gatomicrefcount  ref;
  gint             in_use;   /* a texture shows it */
  guint8          *data;     /* the tile's pixels, tile->rect.width * 4 a row */
  cairo_region_t  *stale;    /* what it lacks, in screen coordinates */
} Back;

typedef struct
{
  cairo_rectangle_int_t  rect;
  GPtrArray             *backs;
  GdkTexture            *texture;
} Tile;

struct _VireoFramebuffer
{
  GObject          parent_instance;

  int              width;
  int              height;
  gsize            stride;
  guint8          *data;
  cairo_region_t  *damage;   /* not yet in the tiles */
  Tile            *tiles;
  guint            n_tiles;
  GdkTexture      *whole;    /* the screen in one texture, made on request */
  GdkMemoryFormat  format;   /* of the tiles */
  guint64          copied_bytes;
};

G_DEFINE_FINAL_TYPE (VireoFramebuffer, vireo_framebuffer, G_TYPE_OBJECT)

static Back *
back_new (const Tile *tile)
{
  Back *back = g_new0 (Back, 1);

  g_atomic_ref_count_init (&back->ref);
  back->data = g_malloc ((gsize) tile->rect.width * 4 * tile->rect.height);
  back->stale = cairo_region_create_rectangle (&tile->rect);
  return back;
}

static void
back_unref (gpointer data)
{
  Back *back = data;

  if (!g_atomic_ref_count_dec (&back->ref))
    return;
  cairo_region_destroy (back->stale);
  g_free (back->data);
  g_free (back);
}

/* The GBytes of a texture let go: GTK is done with this back. */
static void
back_release (gpointer data)
{
  Back *back = data;

  g_atomic_int_set (&back->in_use, 0);
  back_unref (back);
}

static void
vireo_framebuffer_finalize (GObject *object)
{
  VireoFramebuffer *self = VIREO_FRAMEBUFFER (object);

  for (guint i = 0; i < self->n_tiles; i++)
    {
      g_clear_object (&self->tiles[i].texture);
      g_ptr_array_unref (self->tiles[i].backs);
    }
  g_free (self->tiles);
  g_clear_object (&self->whole);
  cairo_region_destroy (self->damage);
  g_free (self->data);

  G_OBJECT_CLASS (vireo_framebuffer_parent_class)->finalize (object);
}

static void
vireo_framebuffer_class_init (VireoFramebufferClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vireo_framebuffer_finalize;
}

static void
vireo_framebuffer_init (VireoFramebuffer *self)
{
  self->damage = cairo_region_create ();
  /* With alpha 255 premultiplied or not is the same pixels. Premultiplied
   * is what GL takes as it is. */
  self->format = GDK_MEMORY_B8G8R8A8_PREMULTIPLIED;
}

VireoFramebuffer *
vireo_framebuffer_new (int width,
                       int height)
{
  VireoFramebuffer *self;
  int columns, rows;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  self = g_object_new (VIREO_TYPE_FRAMEBUFFER, NULL);
  self->width = width;
  self->height = height;
  self->stride = (gsize) width * 4;
  self->data = g_malloc0 (self->stride * height);

  columns = (width + VIREO_FRAMEBUFFER_TILE_SIZE - 1) / VIREO_FRAMEBUFFER_TILE_SIZE;
  rows = (height + VIREO_FRAMEBUFFER_TILE_SIZE - 1) / VIREO_FRAMEBUFFER_TILE_SIZE;
  self->n_tiles = columns * rows;
  self->tiles = g_new0 (Tile, self->n_tiles);
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < columns; c++)
      {
        Tile *tile = &self->tiles[r * columns + c];

        tile->rect.x = c * VIREO_FRAMEBUFFER_TILE_SIZE;
        tile->rect.y = r * VIREO_FRAMEBUFFER_TILE_SIZE;
        tile->rect.width = MIN (VIREO_FRAMEBUFFER_TILE_SIZE, width - tile->rect.x);
        tile->rect.height = MIN (VIREO_FRAMEBUFFER_TILE_SIZE, height - tile->rect.y);
        tile->backs = g_ptr_array_new_with_free_func (back_unref);
      }

  /* The first frame shows the whole (black) screen. */
  vireo_framebuffer_damage (self, 0, 0, width, height);
  return self;
}

int
vireo_framebuffer_get_width (VireoFramebuffer *self)
{
  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), 0);
  return self->width;
}

int
vireo_framebuffer_get_height (VireoFramebuffer *self)
{
  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), 0);
  return self->height;
}

gsize
vireo_framebuffer_get_stride (VireoFramebuffer *self)
{
  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), 0);
  return self->stride;
}

guint8 *
vireo_framebuffer_get_data (VireoFramebuffer *self)
{
  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), NULL);
  return self->data;
}

/**
 * vireo_framebuffer_damage:
 *
 * Marks pixels as changed. The rectangle is clipped to the screen: a
 * protocol's word about what it wrote is not trusted with memory.
 */
void
vireo_framebuffer_damage (VireoFramebuffer *self,
                          int               x,
                          int               y,
                          int               width,
                          int               height)
{
  cairo_rectangle_int_t all, rect = { x, y, width, height };

  g_return_if_fail (VIREO_IS_FRAMEBUFFER (self));

  all = (cairo_rectangle_int_t) { 0, 0, self->width, self->height };
  if (!gdk_rectangle_intersect (&rect, &all, &rect))
    return;
  cairo_region_union_rectangle (self->damage, &rect);
}

gboolean
vireo_framebuffer_has_damage (VireoFramebuffer *self)
{
  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), FALSE);
  return !cairo_region_is_empty (self->damage);
}

static gsize
region_area (const cairo_region_t *region)
{
  gsize area = 0;

  for (int i = 0; i < cairo_region_num_rectangles (region); i++)
    {
      cairo_rectangle_int_t r;

      cairo_region_get_rectangle (region, i, &r);
      area += (gsize) r.width * r.height;
    }
  return area;
}

/* Four pixels at a time: GCC's -O2 leaves a loop of unknown length
 * scalar, and this copy is the one per-frame cost Vireo itself adds. */
typedef guint32 Pixels4 __attribute__ ((vector_size (16)));

/* Copies @r (screen coordinates) to @dest, laid out with @dest_stride
 * from (@dest_x, @dest_y), with the alpha byte set
 * (tests/bench/vireo-bench-console's stages time it). */
static void
copy_rect (VireoFramebuffer            *self,
           guint8                      *dest,
           gsize                        dest_stride,
           int                          dest_x,
           int                          dest_y,
           const cairo_rectangle_int_t *r)
{
  const int width = r->width;

  for (int row = r->y; row < r->y + r->height; row++)
    {
      const guint32 *s = (const guint32 *) (self->data + row * self->stride + (gsize) r->x * 4);
      guint32 *d = (guint32 *) (dest + (gsize) (row - dest_y) * dest_stride + (gsize) (r->x - dest_x) * 4);
      int i = 0;

      for (; i + 4 <= width; i += 4)
        {
          Pixels4 v;

          memcpy (&v, s + i, sizeof v);
          v |= 0xff000000u;
          memcpy (d + i, &v, sizeof v);
        }
      for (; i < width; i++)
        d[i] = s[i] | 0xff000000u;
    }
}

static Back *
pick_back (Tile     *tile,
           gboolean *pooled)
{
  Back *best = NULL;
  gsize best_area = G_MAXSIZE;

  for (guint i = 0; i < tile->backs->len; i++)
    {
      Back *back = g_ptr_array_index (tile->backs, i);
      gsize area;

      if (g_atomic_int_get (&back->in_use))
        continue;
      area = region_area (back->stale);
      if (area < best_area)
        {
          best = back;
          best_area = area;
        }
    }

  *pooled = TRUE;
  if (best != NULL)
    return best;

  best = back_new (tile);
  if (tile->backs->len < MAX_BACKS)
    g_ptr_array_add (tile->backs, best);
  else
    *pooled = FALSE;
  return best;
}

static void
update_tile (VireoFramebuffer     *self,
             Tile                 *tile,
             const cairo_region_t *damage)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize stride = (gsize) tile->rect.width * 4;
  gboolean pooled;
  Back *back;

  /* Letting go first may free the back it shows, for reuse right now. */
  g_clear_object (&tile->texture);

  for (guint i = 0; i < tile->backs->len; i++)
    cairo_region_union (((Back *) g_ptr_array_index (tile->backs, i))->stale, damage);

  back = pick_back (tile, &pooled);
  for (int i = 0; i < cairo_region_num_rectangles (back->stale); i++)
    {
      cairo_rectangle_int_t r;

      cairo_region_get_rectangle (back->stale, i, &r);
      copy_rect (self, back->data, stride, tile->rect.x, tile->rect.y, &r);
      self->copied_bytes += (gsize) r.width * r.height * 4;
    }
  cairo_region_subtract (back->stale, back->stale);

  g_atomic_int_set (&back->in_use, 1);
  if (pooled)
    g_atomic_ref_count_inc (&back->ref);
  bytes = g_bytes_new_with_free_func (back->data, stride * tile->rect.height, back_release, back);
  tile->texture = gdk_memory_texture_new (tile->rect.width, tile->rect.height,
                                          self->format, bytes, stride);
}

/**
 * vireo_framebuffer_update:
 *
 * Brings the tiles' textures up to date: every tile the damage touches
 * gets a new texture, every other tile keeps the one it had. This is
 * where the copy happens; the widget calls it once a frame.
 */
void
vireo_framebuffer_update (VireoFramebuffer *self)
{
  g_return_if_fail (VIREO_IS_FRAMEBUFFER (self));

  if (cairo_region_is_empty (self->damage))
    return;

  for (guint i = 0; i < self->n_tiles; i++)
    {
      Tile *tile = &self->tiles[i];
      cairo_region_t *part;

      if (cairo_region_contains_rectangle (self->damage, &tile->rect) == CAIRO_REGION_OVERLAP_OUT)
        continue;
      part = cairo_region_copy (self->damage);
      cairo_region_intersect_rectangle (part, &tile->rect);
      update_tile (self, tile, part);
      cairo_region_destroy (part);
    }
  cairo_region_subtract (self->damage, self->damage);
  g_clear_object (&self->whole);
}

/**
 * vireo_framebuffer_set_texture_format:
 * @format: %GDK_MEMORY_B8G8R8A8_PREMULTIPLIED (the default) or
 *   %GDK_MEMORY_B8G8R8A8
 *
 * The format the tiles' textures say they are in; the pixels are the same
 * (alpha is 255). GTK 4.8 converts a premultiplied texture for cairo
 * through floats, pixel by pixel, but has a fast path from the straight
 * one: the cairo renderer draws twice as fast with it, GL slower.
 */
void
vireo_framebuffer_set_texture_format (VireoFramebuffer *self,
                                      GdkMemoryFormat   format)
{
  g_return_if_fail (VIREO_IS_FRAMEBUFFER (self));
  g_return_if_fail (format == GDK_MEMORY_B8G8R8A8_PREMULTIPLIED || format == GDK_MEMORY_B8G8R8A8);

  if (self->format == format)
    return;
  self->format = format;
  /* Every tile gets a texture in the new format. */
  vireo_framebuffer_damage (self, 0, 0, self->width, self->height);
}

guint
vireo_framebuffer_get_n_tiles (VireoFramebuffer *self)
{
  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), 0);
  return self->n_tiles;
}

/**
 * vireo_framebuffer_get_tile:
 * @rect: (out) (optional): where the tile sits on the screen
 *
 * Returns: (transfer none): tile @i as it is now (after
 * vireo_framebuffer_update()). Without damage in it since the last call
 * it is the same texture.
 */
GdkTexture *
vireo_framebuffer_get_tile (VireoFramebuffer      *self,
                            guint                  i,
                            cairo_rectangle_int_t *rect)
{
  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), NULL);
  g_return_val_if_fail (i < self->n_tiles, NULL);

  vireo_framebuffer_update (self);
  if (rect != NULL)
    *rect = self->tiles[i].rect;
  return self->tiles[i].texture;
}

/**
 * vireo_framebuffer_get_texture:
 *
 * The whole screen in one texture, for a screenshot or a test; drawing
 * goes through the tiles. Its copy is not counted in
 * vireo_framebuffer_get_copied_bytes().
 *
 * Returns: (transfer none): the screen as it is now. Without damage since
 * the last call it is the same texture.
 */
GdkTexture *
vireo_framebuffer_get_texture (VireoFramebuffer *self)
{
  g_autoptr(GBytes) bytes = NULL;
  cairo_rectangle_int_t all = { 0, 0, 0, 0 };
  guint8 *data;

  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), NULL);

  vireo_framebuffer_update (self);
  if (self->whole != NULL)
    return self->whole;

  all.width = self->width;
  all.height = self->height;
  data = g_malloc (self->stride * self->height);
  copy_rect (self, data, self->stride, 0, 0, &all);
  bytes = g_bytes_new_take (data, self->stride * self->height);
  self->whole = gdk_memory_texture_new (self->width, self->height,
                                        GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, self->stride);
  return self->whole;
}

/* Bytes copied into tile textures so far, for tests and the benchmark. */
guint64
vireo_framebuffer_get_copied_bytes (VireoFramebuffer *self)
{
  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), 0);
  return self->copied_bytes;
}

/* Copy buffers held for the tiles, all tiles together. */
guint
vireo_framebuffer_get_n_buffers (VireoFramebuffer *self)
{
  guint n = 0;

  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), 0);
  for (guint i = 0; i < self->n_tiles; i++)
    n += self->tiles[i].backs->len;
  return n;
}
