/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The graphical console without a guest: VireoFramebuffer's copies, and
 * VireoDisplay + VireoVncSession against vireo-fake-vnc.c, a VNC server
 * in a thread that records what the client sends. Keys and clicks are
 * real X events (xdotool on the test's own Xvfb), so they go through GTK's
 * event path as a user's would. The same widgets on a real QEMU guest are
 * in integration/test-console-integration.c.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <gdk/x11/gdkx.h>

#include "vireo-display.h"
#include "vireo-fake-vnc.h"
#include "vireo-framebuffer.h"
#include "vireo-test-util.h"
#include "vireo-vnc-session.h"

/* ---- framebuffer --------------------------------------------------------- */

static guint32
texel (GdkTexture *texture,
       int         x,
       int         y)
{
  int width = gdk_texture_get_width (texture);
  g_autofree guint32 *data = g_new (guint32, (gsize) width * gdk_texture_get_height (texture));

  gdk_texture_download (texture, (guchar *) data, (gsize) width * 4);
  return data[(gsize) y * width + x];
}

static GdkTexture *
tile0 (VireoFramebuffer *fb)
{
  return vireo_framebuffer_get_tile (fb, 0, NULL);
}

static void
test_framebuffer_copies (void)
{
  g_autoptr(VireoFramebuffer) fb = vireo_framebuffer_new (64, 32);
  guint32 *pixels = (guint32 *) vireo_framebuffer_get_data (fb);
  const guint64 full = 64 * 32 * 4;
  GdkTexture *first, *second;
  guint64 before;

  g_assert_cmpuint (vireo_framebuffer_get_stride (fb), ==, 64 * 4);
  first = g_object_ref (tile0 (fb));
  g_assert_cmpuint (vireo_framebuffer_get_copied_bytes (fb), ==, full);
  /* Opaque although the protocol never wrote the fourth byte. */
  g_assert_cmphex (texel (first, 5, 5), ==, 0xff000000);
  /* Nothing changed: the same texture, nothing copied. */
  g_assert_true (tile0 (fb) == first);
  g_assert_cmpuint (vireo_framebuffer_get_copied_bytes (fb), ==, full);

  /* GTK still holds the first texture: its memory cannot be written, so
   * the next one gets a second buffer, copied whole. */
  pixels[1 * 64 + 2] = 0x00123456;
  vireo_framebuffer_damage (fb, 2, 1, 1, 1);
  g_assert_true (vireo_framebuffer_has_damage (fb));
  second = g_object_ref (tile0 (fb));
  g_assert_false (vireo_framebuffer_has_damage (fb));
  g_assert_cmpuint (vireo_framebuffer_get_copied_bytes (fb), ==, 2 * full);
  g_assert_cmpuint (vireo_framebuffer_get_n_buffers (fb), ==, 2);
  g_assert_cmphex (texel (second, 2, 1), ==, 0xff123456);
  /* A texture never changes after it is made. */
  g_assert_cmphex (texel (first, 2, 1), ==, 0xff000000);

  /* Once GTK lets go of the first, it is brought up to date with only what
   * it lacks: the one pixel, then a 4x2 rectangle. */
  g_object_unref (first);
  pixels[10 * 64 + 20] = 0x00abcdef;
  vireo_framebuffer_damage (fb, 20, 10, 4, 2);
  before = vireo_framebuffer_get_copied_bytes (fb);
  first = tile0 (fb);
  g_assert_cmpuint (vireo_framebuffer_get_copied_bytes (fb) - before, ==, (1 + 4 * 2) * 4);
  g_assert_cmpuint (vireo_framebuffer_get_n_buffers (fb), ==, 2);
  g_assert_cmphex (texel (first, 20, 10), ==, 0xffabcdef);
  g_assert_cmphex (texel (first, 2, 1), ==, 0xff123456);

  /* Damage beyond the screen is clipped, not trusted. */
  g_object_unref (second);
  before = vireo_framebuffer_get_copied_bytes (fb);
  vireo_framebuffer_damage (fb, 60, 30, 100, 100);
  vireo_framebuffer_damage (fb, -50, -50, 10, 10);
  tile0 (fb);
  g_assert_cmpuint (vireo_framebuffer_get_copied_bytes (fb) - before, <=, (4 * 2 + 4 * 2 + 1) * 4 * 2);
}

/* A screen larger than a tile: a change redraws only the tiles it touches,
 * and the whole-screen texture (screenshots) shows every tile's pixels. */
static void
test_framebuffer_tiles (void)
{
  const int T = VIREO_FRAMEBUFFER_TILE_SIZE;
  g_autoptr(VireoFramebuffer) fb = vireo_framebuffer_new (2 * T + 88, T + 40);
  guint32 *pixels = (guint32 *) vireo_framebuffer_get_data (fb);
  gsize row = vireo_framebuffer_get_stride (fb) / 4;
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  cairo_rectangle_int_t r, covered = { 0, 0, 0, 0 };
  guint n = vireo_framebuffer_get_n_tiles (fb);
  guint64 before;

  g_assert_cmpuint (n, ==, 6);
  for (guint i = 0; i < n; i++)
    {
      GdkTexture *tile = vireo_framebuffer_get_tile (fb, i, &r);

      /* GTK holds what it drew until the next frame. */
      g_ptr_array_add (held, g_object_ref (tile));
      g_assert_cmpint (gdk_texture_get_width (tile), ==, r.width);
      g_assert_cmpint (gdk_texture_get_height (tile), ==, r.height);
      g_assert_cmpint (r.width, <=, T);
      g_assert_cmpint (r.height, <=, T);
      gdk_rectangle_union (&covered, &r, &covered);
    }
  g_assert_cmpint (covered.width, ==, 2 * T + 88);
  g_assert_cmpint (covered.height, ==, T + 40);
  g_assert_false (vireo_framebuffer_has_damage (fb));

  /* One pixel in the bottom right tile: only that tile is new, and only
   * its pixels were copied. */
  pixels[(T + 10) * row + 2 * T + 5] = 0x00fedcba;
  vireo_framebuffer_damage (fb, 2 * T + 5, T + 10, 1, 1);
  before = vireo_framebuffer_get_copied_bytes (fb);
  vireo_framebuffer_update (fb);
  g_assert_cmpuint (vireo_framebuffer_get_copied_bytes (fb) - before, ==, 88 * 40 * 4);
  for (guint i = 0; i < n; i++)
    {
      GdkTexture *tile = vireo_framebuffer_get_tile (fb, i, &r);

      if (r.x == 2 * T && r.y == T)
        {
          g_assert_true (tile != g_ptr_array_index (held, i));
          g_assert_cmphex (texel (tile, 5, 10), ==, 0xfffedcba);
        }
      else
        g_assert_true (tile == g_ptr_array_index (held, i));
    }

  /* A rectangle across four tiles renews those four. */
  vireo_framebuffer_damage (fb, T - 1, T - 1, 2, 2);
  g_ptr_array_set_size (held, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (held, g_object_ref (vireo_framebuffer_get_tile (fb, i, NULL)));
  pixels[T * row + T] = 0x00010203;
  vireo_framebuffer_damage (fb, T - 1, T - 1, 2, 2);
  vireo_framebuffer_update (fb);
  {
    guint renewed = 0;

    for (guint i = 0; i < n; i++)
      renewed += vireo_framebuffer_get_tile (fb, i, NULL) != g_ptr_array_index (held, i);
    g_assert_cmpuint (renewed, ==, 4);
  }

  /* Another texture format (the cairo renderer's fast one) renews every
   * tile, with the same pixels. */
  g_ptr_array_set_size (held, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (held, g_object_ref (vireo_framebuffer_get_tile (fb, i, NULL)));
  vireo_framebuffer_set_texture_format (fb, GDK_MEMORY_B8G8R8A8);
  g_assert_true (vireo_framebuffer_has_damage (fb));
  for (guint i = 0; i < n; i++)
    g_assert_true (vireo_framebuffer_get_tile (fb, i, NULL) != g_ptr_array_index (held, i));
  g_assert_cmphex (texel (vireo_framebuffer_get_tile (fb, n - 1, NULL), 5, 10), ==, 0xfffedcba);
  /* The same format again changes nothing. */
  vireo_framebuffer_set_texture_format (fb, GDK_MEMORY_B8G8R8A8);
  g_assert_false (vireo_framebuffer_has_damage (fb));

  /* The screenshot texture has every tile's pixels, opaque. */
  g_assert_cmphex (texel (vireo_framebuffer_get_texture (fb), 2 * T + 5, T + 10), ==, 0xfffedcba);
  g_assert_cmphex (texel (vireo_framebuffer_get_texture (fb), T, T), ==, 0xff010203);
  g_assert_cmphex (texel (vireo_framebuffer_get_texture (fb), 0, 0), ==, 0xff000000);
}

/* ---- display on the fake server ------------------------------------------ */

#define TITLE "vireo-console-test"

typedef struct
{
  VireoFakeVnc    *server;
  VireoVncSession *session;
  GtkWindow       *window;
  VireoDisplay    *display;
  GtkWidget       *button;   /* somewhere else for the focus to go */
  guint            damaged;
} Fixture;

static void
on_damaged (VireoGraphicsSession *session,
            Fixture              *f)
{
  f->damaged++;
}

static gboolean
connected (gpointer data)
{
  Fixture *f = data;

  return vireo_graphics_session_get_state (VIREO_GRAPHICS_SESSION (f->session)) ==
         VIREO_GRAPHICS_STATE_CONNECTED &&
         vireo_graphics_session_get_framebuffer (VIREO_GRAPHICS_SESSION (f->session)) != NULL;
}

static gboolean
window_ready (gpointer data)
{
  Fixture *f = data;

  return gtk_widget_get_mapped (GTK_WIDGET (f->display)) &&
         gtk_widget_get_width (GTK_WIDGET (f->display)) > 100;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *box;
  int fd;

  f->server = vireo_fake_vnc_new (320, 200, &fd);
  f->session = vireo_vnc_session_new ();
  g_signal_connect (f->session, "damaged", G_CALLBACK (on_damaged), f);
  g_assert_true (vireo_vnc_session_open_fd (f->session, fd, TRUE, &error));
  g_assert_no_error (error);
  vireo_test_wait_for (connected, f, 10, "the VNC handshake");

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (f->window, TITLE);
  gtk_window_set_default_size (f->window, 640, 440);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  f->button = gtk_button_new_with_label ("elsewhere");
  f->display = VIREO_DISPLAY (vireo_display_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (f->display), TRUE);
  vireo_display_set_session (f->display, VIREO_GRAPHICS_SESSION (f->session));
  gtk_box_append (GTK_BOX (box), f->button);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->display));
  gtk_window_set_child (f->window, box);
  gtk_window_present (f->window);
  vireo_test_wait_for (window_ready, f, 10, "the window");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (f->window);
  vireo_graphics_session_close (VIREO_GRAPHICS_SESSION (f->session));
  g_object_unref (f->session);
  g_clear_pointer (&f->server, vireo_fake_vnc_free);
}

typedef struct
{
  Fixture *f;
  guint    since;
} Since;

static gboolean
damaged_since (gpointer data)
{
  Since *s = data;

  return s->f->damaged > s->since;
}

static guint32
fb_pixel (Fixture *f,
          int      x,
          int      y)
{
  VireoFramebuffer *fb = vireo_graphics_session_get_framebuffer (VIREO_GRAPHICS_SESSION (f->session));

  return ((guint32 *) vireo_framebuffer_get_data (fb))[(gsize) y * vireo_framebuffer_get_width (fb) + x] & 0xffffff;
}

/* The widget as GTK draws it, through the window's own renderer, read
 * back. */
static GdkTexture *
render (GtkWidget *widget)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                                          gtk_widget_get_height (widget)));
}

static gboolean
all_drawn (gpointer data)
{
  Fixture *f = data;

  return fb_pixel (f, 239, 144) == 0x00c000 && fb_pixel (f, 90, 50) == 0xff0000 &&
         fb_pixel (f, 10, 190) == 0x202020 && fb_pixel (f, 300, 10) == 0x202020;
}

static void
test_pixels (Fixture       *f,
             gconstpointer  data)
{
  Since since = { f, f->damaged };
  g_autoptr(GdkTexture) shot = NULL;
  graphene_rect_t area;
  double gx, gy;

  vireo_fake_vnc_fill_rect (f->server, 0, 0, 320, 200, 0x202020);
  vireo_fake_vnc_fill_rect (f->server, 40, 20, 100, 60, 0xff0000);
  vireo_fake_vnc_fill_rect (f->server, 200, 120, 80, 50, 0x00c000);
  vireo_test_wait_for (damaged_since, &since, 10, "the update");
  vireo_test_wait_for (all_drawn, f, 10, "every rectangle in the framebuffer");

  /* Fit: 320x200 into the widget, aspect kept and centred. */
  g_assert_true (vireo_display_get_guest_area (f->display, &area));
  g_assert_cmpfloat_with_epsilon (area.size.width / area.size.height, 320.0 / 200, 0.02);
  g_assert_cmpfloat (area.size.width, <=, gtk_widget_get_width (GTK_WIDGET (f->display)) + 0.5);

  /* What the user sees is the guest's screen: sample the drawn widget at
   * the middle of each rectangle and on the background. */
  shot = render (GTK_WIDGET (f->display));
  struct { int x, y; guint32 rgb; } samples[] = {
    { 90, 50, 0xff0000 }, { 240, 145, 0x00c000 }, { 10, 190, 0x202020 }, { 300, 10, 0x202020 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      int wx = area.origin.x + (samples[i].x + 0.5) * area.size.width / 320;
      int wy = area.origin.y + (samples[i].y + 0.5) * area.size.height / 200;

      g_assert_cmphex (fb_pixel (f, samples[i].x, samples[i].y), ==, samples[i].rgb);
      g_assert_cmphex (texel (shot, wx, wy) & 0xffffff, ==, samples[i].rgb);
      g_assert_true (vireo_display_widget_to_guest (f->display, wx, wy, &gx, &gy));
      g_assert_cmpfloat (fabs (gx - samples[i].x), <=, 1);
      g_assert_cmpfloat (fabs (gy - samples[i].y), <=, 1);
    }

  /* One to one: the widget asks for the guest's size, for scroll bars. */
  vireo_display_set_scale_mode (f->display, VIREO_DISPLAY_SCALE_ONE_TO_ONE);
  {
    int min;

    gtk_widget_measure (GTK_WIDGET (f->display), GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
    g_assert_cmpint (min, ==, 320);
  }
}

static void
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  g_ptr_array_add (argv, g_strdup ("xdotool"));
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  run_tool ((const char * const *) argv->pdata);
}

static char *
xid (Fixture *f)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f->window));

  return g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
}

static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 150 * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (data);
}

typedef struct
{
  Fixture *f;
  guint    n;
} KeyCount;

static gboolean
has_keys (gpointer data)
{
  KeyCount *k = data;
  g_autoptr(GArray) keys = vireo_fake_vnc_dup_keys (k->f->server);

  return keys->len >= k->n;
}

static gboolean
key_seen (GArray  *keys,
          guint32  scancode,
          gboolean down)
{
  for (guint i = 0; i < keys->len; i++)
    {
      VireoFakeVncKey *key = &g_array_index (keys, VireoFakeVncKey, i);

      if (key->scancode == scancode && key->down == down)
        return TRUE;
    }
  return FALSE;
}

static void
focus_window (Fixture *f)
{
  g_autofree char *id = xid (f);

  xdotool ("windowfocus", "--sync", id, NULL);
  vireo_test_wait_for (window_active, f->window, 10, "the window to have the keyboard");
}

static void
test_keys (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GArray) keys = NULL;
  KeyCount count = { f, 0 };

  focus_window (f);

  /* Not grabbed: the guest gets nothing. */
  xdotool ("key", "a", NULL);
  settle ();
  keys = vireo_fake_vnc_dup_keys (f->server);
  g_assert_cmpuint (keys->len, ==, 0);
  g_clear_pointer (&keys, g_array_unref);

  /* Grabbed: scancodes through QEMU's extended key event, with the keysym
   * for servers without it. */
  vireo_display_grab (f->display);
  g_assert_true (vireo_display_get_grabbed (f->display));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (f->display)));
  xdotool ("key", "a", NULL);
  count.n = 2;
  vireo_test_wait_for (has_keys, &count, 10, "'a' at the server");
  keys = vireo_fake_vnc_dup_keys (f->server);
  g_assert_cmpuint (g_array_index (keys, VireoFakeVncKey, 0).scancode, ==, 0x1e);
  g_assert_true (g_array_index (keys, VireoFakeVncKey, 0).down);
  g_assert_cmpuint (g_array_index (keys, VireoFakeVncKey, 0).keysym, ==, GDK_KEY_a);
  g_assert_false (g_array_index (keys, VireoFakeVncKey, 1).down);
  g_clear_pointer (&keys, g_array_unref);

  /* Keys the host would keep: Super, Alt+Tab, F10 and an E0 key. */
  xdotool ("key", "super", "alt+Tab", "F10", "Right", NULL);
  count.n = 2 + 2 + 4 + 2 + 2;
  vireo_test_wait_for (has_keys, &count, 10, "Super, Alt+Tab, F10 and Right at the server");
  keys = vireo_fake_vnc_dup_keys (f->server);
  g_assert_true (key_seen (keys, 0xdb, TRUE));   /* Left Super, E0 5B */
  g_assert_true (key_seen (keys, 0x38, TRUE));   /* Alt */
  g_assert_true (key_seen (keys, 0x0f, TRUE));   /* Tab */
  g_assert_true (key_seen (keys, 0x44, TRUE));   /* F10 */
  g_assert_true (key_seen (keys, 0xcd, TRUE));   /* Right, E0 4D */
  g_assert_true (vireo_display_get_grabbed (f->display));
  g_clear_pointer (&keys, g_array_unref);

  /* A key held when the focus goes elsewhere comes up in the guest. */
  xdotool ("keydown", "shift", NULL);
  count.n = 13;
  vireo_test_wait_for (has_keys, &count, 10, "Shift down at the server");
  g_assert_cmpuint (vireo_graphics_session_get_n_keys_down (VIREO_GRAPHICS_SESSION (f->session)), ==, 1);
  gtk_widget_grab_focus (f->button);
  count.n = 14;
  vireo_test_wait_for (has_keys, &count, 10, "Shift released at the server");
  keys = vireo_fake_vnc_dup_keys (f->server);
  g_assert_cmpuint (g_array_index (keys, VireoFakeVncKey, 13).scancode, ==, 0x2a);
  g_assert_false (g_array_index (keys, VireoFakeVncKey, 13).down);
  g_assert_false (vireo_display_get_grabbed (f->display));
  g_assert_cmpuint (vireo_graphics_session_get_n_keys_down (VIREO_GRAPHICS_SESSION (f->session)), ==, 0);
  xdotool ("keyup", "shift", NULL);
  g_clear_pointer (&keys, g_array_unref);

  /* Ctrl+Alt+G gives the keyboard back; Ctrl and Alt, which the guest saw
   * go down, come up. */
  vireo_display_grab (f->display);
  xdotool ("key", "ctrl+alt+g", NULL);
  count.n = 14 + 4;
  vireo_test_wait_for (has_keys, &count, 10, "Ctrl and Alt, down and up");
  settle ();
  g_assert_false (vireo_display_get_grabbed (f->display));
  keys = vireo_fake_vnc_dup_keys (f->server);
  g_assert_false (key_seen (keys, 0x22, TRUE));  /* G stayed with the host */
  g_assert_true (key_seen (keys, 0x1d, FALSE));
  g_assert_cmpuint (vireo_graphics_session_get_n_keys_down (VIREO_GRAPHICS_SESSION (f->session)), ==, 0);
}

static gboolean
pointer_at (gpointer data)
{
  Fixture *f = data;
  int x, y;
  guint buttons;

  return vireo_fake_vnc_get_pointer (f->server, &x, &y, &buttons) && buttons == 1;
}

static gboolean
pointer_released (gpointer data)
{
  Fixture *f = data;
  int x, y;
  guint buttons;

  return vireo_fake_vnc_get_pointer (f->server, &x, &y, &buttons) && buttons == 0;
}

static void
test_pointer (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *wx = NULL, *wy = NULL;
  graphene_rect_t area;
  double in_x, in_y;
  int x, y;
  guint buttons;

  focus_window (f);
  id = xid (f);
  g_assert_true (vireo_display_get_guest_area (f->display, &area));
  /* The guest's pixel (160, 50), in window coordinates. */
  g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (f->display), GTK_WIDGET (f->window),
                                                   area.origin.x + 160.5 * area.size.width / 320,
                                                   area.origin.y + 50.5 * area.size.height / 200,
                                                   &in_x, &in_y));
  wx = g_strdup_printf ("%d", (int) in_x);
  wy = g_strdup_printf ("%d", (int) in_y);
  xdotool ("mousemove", "--window", id, wx, wy, "mousedown", "1", NULL);
  vireo_test_wait_for (pointer_at, f, 10, "the button down at the server");
  vireo_fake_vnc_get_pointer (f->server, &x, &y, &buttons);
  g_assert_cmpint (ABS (x - 160), <=, 1);
  g_assert_cmpint (ABS (y - 50), <=, 1);
  /* A click gives the guest the keyboard too. */
  g_assert_true (vireo_display_get_grabbed (f->display));
  xdotool ("mouseup", "1", NULL);
  vireo_test_wait_for (pointer_released, f, 10, "the button up at the server");
  vireo_display_ungrab (f->display);
}

static gboolean
clipboard_has (gpointer data)
{
  const char **expect = data;
  GdkClipboard *clipboard = gdk_display_get_clipboard (gdk_display_get_default ());
  GdkContentProvider *content = gdk_clipboard_get_content (clipboard);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_STRING);
  return content != NULL && gdk_content_provider_get_value (content, &value, NULL) &&
         g_strcmp0 (g_value_get_string (&value), *expect) == 0;
}

static void
on_guest_clipboard (VireoGraphicsSession *session,
                    const char           *text,
                    gpointer              data)
{
  gdk_clipboard_set_text (gdk_display_get_clipboard (gdk_display_get_default ()), text);
}

static gboolean
server_cut_text (gpointer data)
{
  Fixture *f = data;
  g_autofree char *text = vireo_fake_vnc_dup_cut_text (f->server);

  return g_str_equal (text, "from the host");
}

static void
test_clipboard (Fixture       *f,
                gconstpointer  data)
{
  VireoGraphicsSession *session = VIREO_GRAPHICS_SESSION (f->session);
  const char *expect = "shared";
  g_autofree char *text = NULL;

  g_signal_connect (session, "clipboard-received", G_CALLBACK (on_guest_clipboard), NULL);

  /* Off by default, both ways. */
  g_assert_false (vireo_graphics_session_get_share_clipboard (session));
  vireo_fake_vnc_send_cut_text (f->server, "secret");
  vireo_graphics_session_send_clipboard (session, "host secret");
  settle ();
  expect = "secret";
  g_assert_false (clipboard_has (&expect));
  text = vireo_fake_vnc_dup_cut_text (f->server);
  g_assert_cmpstr (text, ==, "");

  vireo_graphics_session_set_share_clipboard (session, TRUE);
  vireo_fake_vnc_send_cut_text (f->server, "shared");
  expect = "shared";
  vireo_test_wait_for (clipboard_has, &expect, 10, "the guest's text on the host's clipboard");
  vireo_graphics_session_send_clipboard (session, "from the host");
  vireo_test_wait_for (server_cut_text, f, 10, "the host's text at the server");
}

typedef struct
{
  Fixture *f;
  int      width;
  int      height;
} Size;

static gboolean
guest_size_is (gpointer data)
{
  Size *s = data;
  int w, h;

  vireo_fake_vnc_get_size (s->f->server, &w, &h);
  return w == s->width && h == s->height && vireo_display_get_guest_size (s->f->display, &w, &h) &&
         w == s->width && h == s->height;
}

static void
test_resize_guest (Fixture       *f,
                   gconstpointer  data)
{
  Size size = { f };

  g_assert_true (vireo_graphics_session_get_can_resize_guest (VIREO_GRAPHICS_SESSION (f->session)));
  vireo_display_set_scale_mode (f->display, VIREO_DISPLAY_SCALE_RESIZE_GUEST);
  size.width = gtk_widget_get_width (GTK_WIDGET (f->display));
  size.height = gtk_widget_get_height (GTK_WIDGET (f->display));
  vireo_test_wait_for (guest_size_is, &size, 10, "the guest resized to the widget");

  /* The window changes size: the guest follows, once. */
  gtk_window_set_default_size (f->window, 500, 360);
  gtk_widget_set_size_request (GTK_WIDGET (f->window), 500, 360);
  while (gtk_widget_get_width (GTK_WIDGET (f->display)) == size.width)
    g_main_context_iteration (NULL, TRUE);
  size.width = gtk_widget_get_width (GTK_WIDGET (f->display));
  size.height = gtk_widget_get_height (GTK_WIDGET (f->display));
  vireo_test_wait_for (guest_size_is, &size, 10, "the guest resized again");
}

static gboolean
disconnected (gpointer data)
{
  Fixture *f = data;

  return vireo_graphics_session_get_state (VIREO_GRAPHICS_SESSION (f->session)) ==
         VIREO_GRAPHICS_STATE_DISCONNECTED;
}

static void
test_server_gone (Fixture       *f,
                  gconstpointer  data)
{
  vireo_display_grab (f->display);
  g_clear_pointer (&f->server, vireo_fake_vnc_free);
  vireo_test_wait_for (disconnected, f, 10, "the session to notice");
  g_assert_nonnull (vireo_graphics_session_get_error (VIREO_GRAPHICS_SESSION (f->session)));
  /* The keyboard is the host's again. */
  g_assert_false (vireo_display_get_grabbed (f->display));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/console/framebuffer/copies", test_framebuffer_copies);
  g_test_add_func ("/console/framebuffer/tiles", test_framebuffer_tiles);
#define ADD(path, func) \
  g_test_add ("/console/display/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("pixels", test_pixels);
  ADD ("keys", test_keys);
  ADD ("pointer", test_pointer);
  ADD ("clipboard", test_clipboard);
  ADD ("resize-guest", test_resize_guest);
  ADD ("server-gone", test_server_gone);
#undef ADD

  return g_test_run ();
}
