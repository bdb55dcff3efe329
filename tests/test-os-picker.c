/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-test-ui.h"
#include "vireo-test-util.h"
#include "vireo-ui.h"

#define ID_WIN11       "http://microsoft.com/win/11"
#define ID_UBUNTU_2204 "http://ubuntu.com/ubuntu/22.04"
#define ID_UBUNTU_1404 "http://ubuntu.com/ubuntu/14.04"

typedef struct
{
  GtkWindow     *window;
  VireoOsPicker *picker;
  GPtrArray     *chosen;   /* ids, in the order ::os-selected gave them */
} Fixture;

static void
on_os_selected (VireoOsPicker *picker,
                VireoOsInfo   *info,
                Fixture       *f)
{
  g_ptr_array_add (f->chosen, g_strdup (vireo_os_info_get_id (info)));
}

static gboolean
is_loaded (gpointer data)
{
  return vireo_os_picker_get_loaded (data);
}

static gboolean
is_drawable (gpointer data)
{
  return gtk_widget_is_drawable (data);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->chosen = g_ptr_array_new_with_free_func (g_free);
  f->window = GTK_WINDOW (gtk_window_new ());
  f->picker = VIREO_OS_PICKER (vireo_os_picker_new ());
  g_signal_connect (f->picker, "os-selected", G_CALLBACK (on_os_selected), f);
  gtk_window_set_default_size (f->window, 480, 560);
  gtk_window_set_child (f->window, GTK_WIDGET (f->picker));
  gtk_window_present (f->window);
  vireo_test_wait_for (is_loaded, f->picker, 60, "the OS database");
  vireo_test_wait_for (is_drawable, f->picker, 10, "the picker on screen");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_object_add_weak_pointer (G_OBJECT (f->picker), (gpointer *) &f->picker);
  gtk_window_destroy (f->window);
  while (f->picker != NULL)
    g_main_context_iteration (NULL, FALSE);
  g_ptr_array_unref (f->chosen);
}

static GtkWidget *
named (Fixture    *f,
       const char *name)
{
  GtkWidget *widget = vireo_test_find_named (GTK_WIDGET (f->picker), name);

  g_assert_nonnull (widget);
  return widget;
}

static VireoOsInfo *
result (Fixture *f,
        guint    i)
{
  /* The list holds it while the test looks. */
  g_autoptr(VireoOsInfo) info = g_list_model_get_item (vireo_os_picker_get_results (f->picker), i);

  g_assert_nonnull (info);
  return info;
}

static guint
n_results (Fixture *f)
{
  return g_list_model_get_n_items (vireo_os_picker_get_results (f->picker));
}

typedef struct
{
  Fixture    *f;
  const char *id;
} FirstIs;

static gboolean
first_is (gpointer data)
{
  FirstIs *want = data;

  return n_results (want->f) > 0 && g_str_equal (vireo_os_info_get_id (result (want->f, 0)), want->id);
}

/* Types as a person would, then waits for the list to follow (the entry
 * reports a search only after a short pause). */
static void
search (Fixture    *f,
        const char *text,
        const char *expected_first)
{
  FirstIs want = { f, expected_first };

  gtk_editable_set_text (GTK_EDITABLE (named (f, "os-search")), text);
  vireo_test_wait_for (first_is, &want, 10, expected_first);
}

typedef struct
{
  Fixture *f;
  guint    n;
} CountIs;

static gboolean
count_is (gpointer data)
{
  CountIs *want = data;

  return n_results (want->f) == want->n;
}

static void
search_expecting_count (Fixture    *f,
                        const char *text,
                        guint       n)
{
  CountIs want = { f, n };

  gtk_editable_set_text (GTK_EDITABLE (named (f, "os-search")), text);
  vireo_test_wait_for (count_is, &want, 10, "the list to follow the search");
}

/* The first picker of the process finds nothing loaded: it shows its
 * spinner, and being destroyed before the database arrives is harmless. */
static void
test_destroy_while_loading (void)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  VireoOsPicker *picker = VIREO_OS_PICKER (vireo_os_picker_new ());
  g_autoptr(VireoOsDb) db = NULL;
  GtkStack *stack;

  g_assert_null (vireo_os_db_get_loaded ());
  gtk_window_set_child (window, GTK_WIDGET (picker));
  gtk_window_present (window);

  g_assert_false (vireo_os_picker_get_loaded (picker));
  g_assert_cmpuint (g_list_model_get_n_items (vireo_os_picker_get_results (picker)), ==, 0);
  stack = GTK_STACK (gtk_widget_get_parent (gtk_widget_get_parent (vireo_test_find_named (GTK_WIDGET (picker), "os-list"))));
  g_assert_true (GTK_IS_STACK (stack));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "loading");

  g_object_add_weak_pointer (G_OBJECT (picker), (gpointer *) &picker);
  gtk_window_destroy (window);
  while (picker != NULL)
    g_main_context_iteration (NULL, FALSE);

  /* The load goes on for whoever asks next. */
  while ((db = vireo_os_db_get_loaded ()) == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_loaded (Fixture       *f,
             gconstpointer  data)
{
  guint n = n_results (f);

  /* Loaded once per process: a second picker is ready at once. */
  {
    g_autoptr(GtkWidget) other = g_object_ref_sink (vireo_os_picker_new ());
    g_assert_true (vireo_os_picker_get_loaded (VIREO_OS_PICKER (other)));
  }

  /* Everything supported, and "Unknown / generic" last. */
  g_assert_cmpuint (n, >, 100);
  g_assert_true (vireo_os_info_get_unknown (result (f, n - 1)));
  for (guint i = 0; i + 1 < n; i++)
    {
      g_assert_false (vireo_os_info_get_unknown (result (f, i)));
      g_assert_false (vireo_os_info_get_eol (result (f, i)));
    }
}

static void
test_typing_filters (Fixture       *f,
                     gconstpointer  data)
{
  guint all = n_results (f);
  guint n;

  search (f, "win11", ID_WIN11);
  n = n_results (f);
  g_assert_cmpuint (n, <, all);
  g_assert_true (vireo_os_info_get_unknown (result (f, n - 1)));

  search (f, "ubuntu 22.04", ID_UBUNTU_2204);
  n = n_results (f);
  for (guint i = 0; i + 1 < n; i++)
    {
      VireoOsInfo *info = result (f, i);
      g_autofree char *all_text = g_strjoin (" ", vireo_os_info_get_name (info),
                                             vireo_os_info_get_short_id (info),
                                             vireo_os_info_get_version (info), NULL);

      g_assert_nonnull (strstr (all_text, "22.04"));
    }

  /* Nothing matches: only "Unknown / generic" is left to choose. */
  search_expecting_count (f, "no such system anywhere", 1);
  g_assert_true (vireo_os_info_get_unknown (result (f, 0)));
}

static void
test_click_selects (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *list = named (f, "os-list");

  search (f, "win11", ID_WIN11);
  /* What a click (single-click activation) or Enter on a row does. */
  gtk_widget_activate_action (list, "list.activate-item", "u", 0);
  g_assert_cmpuint (f->chosen->len, ==, 1);
  g_assert_cmpstr (f->chosen->pdata[0], ==, ID_WIN11);
  g_assert_cmpstr (vireo_os_info_get_id (vireo_os_picker_get_selected (f->picker)), ==, ID_WIN11);

  /* The last row is "Unknown / generic". */
  gtk_widget_activate_action (list, "list.activate-item", "u", n_results (f) - 1);
  g_assert_cmpuint (f->chosen->len, ==, 2);
  g_assert_cmpstr (f->chosen->pdata[1], ==, VIREO_OS_ID_UNKNOWN);
  g_assert_true (vireo_os_info_get_unknown (vireo_os_picker_get_selected (f->picker)));
}

static GtkEventController *
key_controller_of (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        return controller;
    }
  return NULL;
}

static void
test_keyboard (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *entry = named (f, "os-search");
  GtkWidget *list = named (f, "os-list");
  GtkEventController *keys;
  GtkWidget *focus;
  gboolean handled = FALSE;

  /* Enter in the entry takes the best match. */
  search (f, "ubuntu 22.04", ID_UBUNTU_2204);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (f->chosen->len, ==, 1);
  g_assert_cmpstr (f->chosen->pdata[0], ==, ID_UBUNTU_2204);

  /* Down moves from the entry into the list. */
  gtk_widget_grab_focus (entry);
  keys = key_controller_of (entry);
  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Down, 0, (GdkModifierType) 0, &handled);
  g_assert_true (handled);
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_true (focus == list || gtk_widget_is_ancestor (focus, list));

  /* Other keys are the entry's own. */
  handled = TRUE;
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_a, 0, (GdkModifierType) 0, &handled);
  g_assert_false (handled);
}

static gboolean
is_eol_tag (GtkWidget *widget)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "vireo-eol-tag")
         && gtk_widget_get_visible (widget);
}

static guint
count_visible_eol_tags (GtkWidget *root)
{
  guint n = is_eol_tag (root) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_visible_eol_tags (child);
  return n;
}

typedef struct
{
  GtkWidget *root;
} TagWait;

static gboolean
has_eol_tag (gpointer data)
{
  return count_visible_eol_tags (((TagWait *) data)->root) > 0;
}

static void
test_eol_toggle (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *check = named (f, "os-show-eol");
  GtkWidget *list = named (f, "os-list");
  TagWait wait = { list };

  /* Out of support: hidden, so only "Unknown / generic" is left. */
  search_expecting_count (f, "ubuntu14.04", 1);
  g_assert_true (vireo_os_info_get_unknown (result (f, 0)));
  g_assert_cmpuint (count_visible_eol_tags (list), ==, 0);

  /* Shown on request, tagged as such. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_true (vireo_os_picker_get_show_eol (f->picker));
  g_assert_cmpstr (vireo_os_info_get_id (result (f, 0)), ==, ID_UBUNTU_1404);
  g_assert_true (vireo_os_info_get_eol (result (f, 0)));
  vireo_test_wait_for (has_eol_tag, &wait, 10, "the end-of-life tag");
  g_assert_cmpuint (count_visible_eol_tags (list), ==, 1);

  gtk_widget_activate_action (list, "list.activate-item", "u", 0);
  g_assert_cmpstr (f->chosen->pdata[0], ==, ID_UBUNTU_1404);

  vireo_os_picker_set_show_eol (f->picker, FALSE);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_cmpuint (n_results (f), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  vireo_ui_init ();

  /* First: nothing may be loaded before it. */
  g_test_add_func ("/ui/os-picker/destroy-while-loading", test_destroy_while_loading);
#define ADD(path, func) \
  g_test_add ("/ui/os-picker/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("loaded", test_loaded);
  ADD ("typing-filters", test_typing_filters);
  ADD ("click-selects", test_click_selects);
  ADD ("keyboard", test_keyboard);
  ADD ("eol-toggle", test_eol_toggle);
#undef ADD

  return g_test_run ();
}
