/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vireo-vm-window.h"

/* Widgets Vireo names (gtk_widget_set_name) are how tests find a field:
 * by what it is, not by where it happens to sit. */
static inline GtkWidget *
vireo_test_find_named (GtkWidget  *root,
                       const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = vireo_test_find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first widget of @type under @root, @root included: the switch or
 * spin button inside a row, whatever boxes the row wraps it in. */
static inline GtkWidget *
vireo_test_find_descendant (GtkWidget *root,
                            GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = vireo_test_find_descendant (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

#define vireo_test_find_spin(root)   GTK_SPIN_BUTTON (vireo_test_find_descendant ((root), GTK_TYPE_SPIN_BUTTON))
#define vireo_test_find_switch(root) GTK_SWITCH (vireo_test_find_descendant ((root), GTK_TYPE_SWITCH))

/* A shown window of @type (a dialog, a machine's window), or NULL. */
static inline GtkWidget *
vireo_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (w))
        return w;   /* GTK's list keeps it alive */
    }
  return NULL;
}

static inline gboolean
vireo_test_vm_window_loaded (gpointer data)
{
  return vireo_vm_window_get_loaded (data);
}

/* Picks @value in a combo row the VM window built: its values sit beside
 * the labels as "vireo-values". A value not offered fails the test. */
static inline void
vireo_test_select_value (GtkWidget  *combo,
                         const char *value)
{
  GStrv values = g_object_get_data (G_OBJECT (combo), "vireo-values");

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    if (g_str_equal (values[i], value))
      {
        adw_combo_row_set_selected (ADW_COMBO_ROW (combo), i);
        return;
      }
  g_error ("%s is not offered", value);
}

/* A row of a list or preferences group, by the title the user reads. */
static inline GtkWidget *
vireo_test_find_row_titled (GtkWidget  *root,
                            const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = vireo_test_find_row_titled (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first label under @root that shows exactly @text. */
static inline GtkWidget *
vireo_test_find_label (GtkWidget  *root,
                       const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = vireo_test_find_label (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The newest shown window of @type: a question opened over another of
 * the same type (AdwWindow, AdwMessageDialog), or NULL. */
static inline GtkWindow *
vireo_test_find_newest_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        found = w;   /* GTK's list keeps it alive */
    }
  return found;
}

/* Lets the last changes be laid out and drawn. */
static inline void
vireo_test_settle (void)
{
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* Saves @window as VIREO_SCREENSHOT_DIR/@name.png when that is set: the
 * pictures in docs/screenshots come from the tests. */
static inline void
vireo_test_save_window (GtkWidget  *window,
                        const char *name)
{
  const char *dir = g_getenv ("VIREO_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;
  vireo_test_settle ();
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

