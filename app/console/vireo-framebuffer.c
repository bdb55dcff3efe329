/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "vireo-framebuffer.h"

/*
 * A GdkTexture is immutable and GTK keeps the last one until the next frame
 * is drawn, so the protocol cannot write into the memory a texture shows.
 * Each texture therefore gets a copy, and the copy is the one cost here.
 *
 * Copies live in a small pool of "back" buffers. Each back remembers what
 * it lacks (the damage since it was last brought up to date); once GTK
 * lets go of the texture made from it, the next frame reuses it and copies
 * only that. A guest that redraws a clock or a cursor line costs a few
 * kilobytes a frame, not a whole screen. The same pass sets the alpha byte,
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
  guint8          *data;
  cairo_region_t  *stale;    /* what it lacks */
} Back;

struct _VireoFramebuffer
{
  GObject          parent_instance;

  int              width;
  int              height;
  gsize            stride;
  guint8          *data;
  cairo_region_t  *damage;   /* since the last texture */
  GPtrArray       *backs;
  GdkTexture      *texture;
  guint64          copied_bytes;
};

G_DEFINE_FINAL_TYPE (VireoFramebuffer, vireo_framebuffer, G_TYPE_OBJECT)

static Back *
back_new (VireoFramebuffer *self)
{
  cairo_rectangle_int_t all = { 0, 0, self->width, self->height };
  Back *back = g_new0 (Back, 1);

  g_atomic_ref_count_init (&back->ref);
  back->data = g_malloc (self->stride * self->height);
  back->stale = cairo_region_create_rectangle (&all);
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

  g_clear_object (&self->texture);
  g_ptr_array_unref (self->backs);
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
  self->backs = g_ptr_array_new_with_free_func (back_unref);
}

VireoFramebuffer *
vireo_framebuffer_new (int width,
                       int height)
{
  VireoFramebuffer *self;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  self = g_object_new (VIREO_TYPE_FRAMEBUFFER, NULL);
  self->width = width;
  self->height = height;
  self->stride = (gsize) width * 4;
  self->data = g_malloc0 (self->stride * height);
  /* The first texture shows the whole (black) screen. */
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

/* Copies with the alpha byte set. A plain loop over 32-bit words is what
 * the compiler vectorizes; it runs at memcpy's speed. */
static void
copy_rect (VireoFramebuffer            *self,
           guint8                      *dest,
           const cairo_rectangle_int_t *r)
{
  for (int row = r->y; row < r->y + r->height; row++)
    {
      gsize offset = row * self->stride + (gsize) r->x * 4;
      const guint32 *s = (const guint32 *) (self->data + offset);
      guint32 *d = (guint32 *) (dest + offset);

      for (int i = 0; i < r->width; i++)
        d[i] = s[i] | 0xff000000u;
    }
}

static Back *
pick_back (VireoFramebuffer *self,
           gboolean         *pooled)
{
  Back *best = NULL;
  gsize best_area = G_MAXSIZE;

  for (guint i = 0; i < self->backs->len; i++)
    {
      Back *back = g_ptr_array_index (self->backs, i);
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

  best = back_new (self);
  if (self->backs->len < MAX_BACKS)
    g_ptr_array_add (self->backs, best);
  else
    *pooled = FALSE;
  return best;
}

/**
 * vireo_framebuffer_get_texture:
 *
 * Returns: (transfer none): the screen as it is now. Without damage since
 * the last call it is the same texture.
 */
GdkTexture *
vireo_framebuffer_get_texture (VireoFramebuffer *self)
{
  g_autoptr(GBytes) bytes = NULL;
  gboolean pooled;
  Back *back;

  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), NULL);

  if (self->texture != NULL && cairo_region_is_empty (self->damage))
    return self->texture;

  /* Letting go first may free the back it shows, for reuse right now. */
  g_clear_object (&self->texture);

  for (guint i = 0; i < self->backs->len; i++)
    cairo_region_union (((Back *) g_ptr_array_index (self->backs, i))->stale, self->damage);
  cairo_region_subtract (self->damage, self->damage);

  back = pick_back (self, &pooled);
  for (int i = 0; i < cairo_region_num_rectangles (back->stale); i++)
    {
      cairo_rectangle_int_t r;

      cairo_region_get_rectangle (back->stale, i, &r);
      copy_rect (self, back->data, &r);
      self->copied_bytes += (gsize) r.width * r.height * 4;
    }
  cairo_region_subtract (back->stale, back->stale);

  g_atomic_int_set (&back->in_use, 1);
  if (pooled)
    g_atomic_ref_count_inc (&back->ref);
  bytes = g_bytes_new_with_free_func (back->data, self->stride * self->height, back_release, back);
  /* Premultiplied with alpha 255 is the same as opaque, and it is GTK's
   * native format: no conversion on upload. */
  self->texture = gdk_memory_texture_new (self->width, self->height,
                                          GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, self->stride);
  return self->texture;
}

/* Bytes copied into textures so far, for tests and the benchmark. */
guint64
vireo_framebuffer_get_copied_bytes (VireoFramebuffer *self)
{
  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), 0);
  return self->copied_bytes;
}

guint
vireo_framebuffer_get_n_buffers (VireoFramebuffer *self)
{
  g_return_val_if_fail (VIREO_IS_FRAMEBUFFER (self), 0);
  return self->backs->len;
}
