/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-test-util.h"
#include "vireo-ui.h"

static const char domain_xml[] =
  "<domain type='kvm'>\n"                        /* 1 */
  "  <name>demo</name>\n"                         /* 2 */
  "  <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>\n"
  "  <memory unit='KiB'>1048576</memory>\n"       /* 4 */
  "  <vcpu placement='static'>2</vcpu>\n"         /* 5 */
  "  <os>\n"
  "    <type arch='x86_64' machine='pc'>hvm</type>\n"
  "    <boot dev='hd'/>\n"                        /* 8 */
  "  </os>\n"
  "  <devices>\n"                                 /* 10 */
  "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
  "  </devices>\n"
  "</domain>\n";                                  /* 13 */

typedef struct
{
  GtkWindow      *window;
  VireoXmlEditor *editor;
  GtkTextBuffer  *buffer;
} Fixture;

static gboolean
is_drawable (gpointer data)
{
  return gtk_widget_is_drawable (data);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  f->editor = VIREO_XML_EDITOR (vireo_xml_editor_new ());
  gtk_window_set_default_size (f->window, 800, 600);
  gtk_window_set_child (f->window, GTK_WIDGET (f->editor));
  gtk_window_present (f->window);
  f->buffer = GTK_TEXT_BUFFER (vireo_xml_editor_get_buffer (f->editor));
  vireo_xml_editor_set_original (f->editor, domain_xml);
  vireo_test_wait_for (is_drawable, f->editor, 10, "the editor on screen");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_object_add_weak_pointer (G_OBJECT (f->editor), (gpointer *) &f->editor);
  gtk_window_destroy (f->window);
  while (f->editor != NULL)
    g_main_context_iteration (NULL, FALSE);
}

typedef gboolean (*WidgetMatch) (GtkWidget *widget);

/* Returns: (transfer none) (nullable): the first widget under @root
 * (depth first) for which @match holds */
static GtkWidget *
find_widget (GtkWidget   *root,
             WidgetMatch  match)
{
  if (match (root))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_diff_view (GtkWidget *widget)
{
  return GTK_SOURCE_IS_VIEW (widget) && !gtk_text_view_get_editable (GTK_TEXT_VIEW (widget));
}

static gboolean
is_revealer (GtkWidget *widget)
{
  return GTK_IS_REVEALER (widget);
}

static gboolean
is_selectable_label (GtkWidget *widget)
{
  return GTK_IS_LABEL (widget) && gtk_label_get_selectable (GTK_LABEL (widget));
}

static gboolean
is_status_page (GtkWidget *widget)
{
  return ADW_IS_STATUS_PAGE (widget);
}

static GtkTextBuffer *
diff_buffer (Fixture *f)
{
  GtkWidget *view = find_widget (GTK_WIDGET (f->editor), is_diff_view);

  g_assert_nonnull (view);
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
}

/* Types like a user: at the start of @line (0-based), as one user action. */
static void
type_at_line (GtkTextBuffer *buffer,
              int            line,
              const char    *text)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_line (buffer, &iter, line);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert_interactive (buffer, &iter, text, -1, TRUE);
  gtk_text_buffer_end_user_action (buffer);
}

static void
delete_line (GtkTextBuffer *buffer,
             int            line)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_line (buffer, &start, line);
  gtk_text_buffer_get_iter_at_line (buffer, &end, line + 1);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
  gtk_text_buffer_end_user_action (buffer);
}

static char *
dup_line (GtkTextBuffer *buffer,
          int            line)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_line (buffer, &start, line);
  end = start;
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static gboolean
line_has_tag (GtkTextBuffer *buffer,
              int            line,
              const char    *name)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), name);
  GtkTextIter iter;

  g_assert_nonnull (tag);
  gtk_text_buffer_get_iter_at_line (buffer, &iter, line);
  return gtk_text_iter_has_tag (&iter, tag);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* ------------------------------------------------------------------------ */

static void
test_parse_error_line (void)
{
  g_assert_cmpint (vireo_xml_editor_parse_error_line ("Line 12: Premature end of data"), ==, 12);
  g_assert_cmpint (vireo_xml_editor_parse_error_line (
                     "XML error: (domain_definition):7: Opening and ending tag mismatch: name line 3 and nam\n"
                     "  <name>demo</nam>\n"
                     "-----------------^"), ==, 7);
  g_assert_cmpint (vireo_xml_editor_parse_error_line ("XML error: at line 9: Extra content at the end of the document"),
                   ==, 9);
  g_assert_cmpint (vireo_xml_editor_parse_error_line ("XML error: Invalid value, line 21"), ==, 21);
  g_assert_cmpint (vireo_xml_editor_parse_error_line ("unsupported configuration: spice graphics are not supported"),
                   ==, 0);
  /* A port is no line number, and neither is a word ending in "line". */
  g_assert_cmpint (vireo_xml_editor_parse_error_line ("Cannot recv data: qemu+ssh://host:22/system"), ==, 0);
  g_assert_cmpint (vireo_xml_editor_parse_error_line ("deadline 5 passed"), ==, 0);
  g_assert_cmpint (vireo_xml_editor_parse_error_line ("Line 0: nothing"), ==, 0);
  g_assert_cmpint (vireo_xml_editor_parse_error_line (""), ==, 0);
  g_assert_cmpint (vireo_xml_editor_parse_error_line (NULL), ==, 0);
}

static void
test_modified (Fixture       *f,
               gconstpointer  data)
{
  guint notifies = 0;
  g_autofree char *text = NULL;

  g_signal_connect (f->editor, "notify::modified", G_CALLBACK (count_notify), &notifies);
  g_assert_false (vireo_xml_editor_get_modified (f->editor));
  text = vireo_xml_editor_dup_text (f->editor);
  g_assert_cmpstr (text, ==, domain_xml);
  g_assert_cmpstr (vireo_xml_editor_get_original (f->editor), ==, domain_xml);

  type_at_line (f->buffer, 2, "  <title>Demo</title>\n");
  g_assert_true (vireo_xml_editor_get_modified (f->editor));
  g_assert_cmpuint (notifies, ==, 1);

  /* Another keystroke changes nothing about "modified": no notify. */
  type_at_line (f->buffer, 3, " ");
  g_assert_cmpuint (notifies, ==, 1);

  /* Undoing back to the original text is unmodified again. */
  gtk_text_buffer_undo (f->buffer);
  gtk_text_buffer_undo (f->buffer);
  g_assert_false (vireo_xml_editor_get_modified (f->editor));
  g_assert_cmpuint (notifies, ==, 2);

  /* The original's own text is not undoable. */
  g_assert_false (gtk_text_buffer_get_can_undo (f->buffer));
}

static void
test_show_changes (Fixture       *f,
                   gconstpointer  data)
{
  GtkTextBuffer *diff;
  g_autofree char *l0 = NULL, *l1 = NULL, *l4 = NULL, *l5 = NULL, *l6 = NULL, *l9 = NULL;

  /* Line 4 becomes 2 GiB; a line goes in after line 8. */
  delete_line (f->buffer, 3);
  type_at_line (f->buffer, 3, "  <memory unit='KiB'>2097152</memory>\n");
  type_at_line (f->buffer, 8, "    <bootmenu enable='yes'/>\n");
  g_assert_true (vireo_xml_editor_get_modified (f->editor));

  vireo_xml_editor_show_changes (f->editor);
  g_assert_true (vireo_xml_editor_get_showing_changes (f->editor));

  diff = diff_buffer (f);
  g_assert_cmpint (gtk_text_buffer_get_line_count (diff), ==, 14);

  l0 = dup_line (diff, 0);
  g_assert_cmpstr (l0, ==, "@@ -1,11 +1,12 @@");
  g_assert_true (line_has_tag (diff, 0, "header"));

  l1 = dup_line (diff, 1);
  g_assert_cmpstr (l1, ==, " <domain type='kvm'>");
  g_assert_false (line_has_tag (diff, 1, "removed"));
  g_assert_false (line_has_tag (diff, 1, "added"));

  l4 = dup_line (diff, 4);
  g_assert_cmpstr (l4, ==, "-  <memory unit='KiB'>1048576</memory>");
  g_assert_true (line_has_tag (diff, 4, "removed"));
  g_assert_false (line_has_tag (diff, 4, "added"));

  l5 = dup_line (diff, 5);
  g_assert_cmpstr (l5, ==, "+  <memory unit='KiB'>2097152</memory>");
  g_assert_true (line_has_tag (diff, 5, "added"));
  g_assert_false (line_has_tag (diff, 5, "removed"));

  l6 = dup_line (diff, 6);
  g_assert_cmpstr (l6, ==, "   <vcpu placement='static'>2</vcpu>");
  g_assert_false (line_has_tag (diff, 6, "added"));

  l9 = dup_line (diff, 10);
  g_assert_cmpstr (l9, ==, "+    <bootmenu enable='yes'/>");
  g_assert_true (line_has_tag (diff, 10, "added"));

  /* Back to editing; the text is still the user's. */
  vireo_xml_editor_show_editor (f->editor);
  g_assert_false (vireo_xml_editor_get_showing_changes (f->editor));
  g_assert_true (vireo_xml_editor_get_modified (f->editor));
}

static gboolean
status_page_drawable (gpointer data)
{
  GtkWidget *status = find_widget (data, is_status_page);
  return status != NULL && gtk_widget_is_drawable (status);
}

static void
test_no_changes (Fixture       *f,
                 gconstpointer  data)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "xml-editor.show-changes", NULL));
  g_assert_true (vireo_xml_editor_get_showing_changes (f->editor));
  g_assert_cmpint (gtk_text_buffer_get_char_count (diff_buffer (f)), ==, 0);
  vireo_test_wait_for (status_page_drawable, f->editor, 10, "the No Changes page");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (find_widget (GTK_WIDGET (f->editor), is_status_page))),
                   ==, "No Changes");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "xml-editor.edit", NULL));
  g_assert_false (vireo_xml_editor_get_showing_changes (f->editor));
}

static void
test_error (Fixture       *f,
            gconstpointer  data)
{
  const char *message = "XML error: (domain_definition):5: Opening and ending tag mismatch: vcpu line 5 and vcp";
  GtkRevealer *revealer = GTK_REVEALER (find_widget (GTK_WIDGET (f->editor), is_revealer));
  GtkSourceBuffer *source = GTK_SOURCE_BUFFER (f->buffer);
  g_autoptr(GSList) marks = NULL;
  g_autoptr(GSList) moved = NULL;
  g_autoptr(GSList) none = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkTextIter cursor;

  /* The user's text, with the mistake libvirt complains about. */
  delete_line (f->buffer, 4);
  type_at_line (f->buffer, 4, "  <vcpu placement='static'>2</vcp>\n");
  before = vireo_xml_editor_dup_text (f->editor);

  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  vireo_xml_editor_set_error (f->editor, vireo_xml_editor_parse_error_line (message), message);

  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  g_assert_cmpstr (vireo_xml_editor_get_error_message (f->editor), ==, message);
  g_assert_cmpint (vireo_xml_editor_get_error_line (f->editor), ==, 5);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (find_widget (GTK_WIDGET (revealer), is_selectable_label))),
                   ==, message);

  marks = gtk_source_buffer_get_source_marks_at_line (source, 4, VIREO_XML_EDITOR_ERROR_CATEGORY);
  g_assert_cmpuint (g_slist_length (marks), ==, 1);
  g_assert_null (gtk_source_buffer_get_source_marks_at_line (source, 3, VIREO_XML_EDITOR_ERROR_CATEGORY));
  g_assert_null (gtk_source_buffer_get_source_marks_at_line (source, 5, VIREO_XML_EDITOR_ERROR_CATEGORY));

  gtk_text_buffer_get_iter_at_mark (f->buffer, &cursor, gtk_text_buffer_get_insert (f->buffer));
  g_assert_cmpint (gtk_text_iter_get_line (&cursor), ==, 4);

  after = vireo_xml_editor_dup_text (f->editor);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (vireo_xml_editor_get_modified (f->editor));

  /* The mark follows the line as the user edits above it. */
  type_at_line (f->buffer, 0, "<!-- fixing -->\n");
  moved = gtk_source_buffer_get_source_marks_at_line (source, 5, VIREO_XML_EDITOR_ERROR_CATEGORY);
  g_assert_cmpuint (g_slist_length (moved), ==, 1);

  vireo_xml_editor_clear_error (f->editor);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  g_assert_null (vireo_xml_editor_get_error_message (f->editor));
  none = gtk_source_buffer_get_source_marks_at_line (source, 5, VIREO_XML_EDITOR_ERROR_CATEGORY);
  g_assert_null (none);

  /* An error without a line only shows the message; one past the end marks
   * the last line. */
  vireo_xml_editor_set_error (f->editor, 0, "internal error: no");
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  vireo_xml_editor_set_error (f->editor, 500, "Line 500: too far");
  {
    g_autoptr(GSList) last = gtk_source_buffer_get_source_marks_at_line (
      source, gtk_text_buffer_get_line_count (f->buffer) - 1, VIREO_XML_EDITOR_ERROR_CATEGORY);
    g_assert_cmpuint (g_slist_length (last), ==, 1);
  }
}

static void
test_revert (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *reverted = NULL;
  g_autofree char *undone = NULL;

  type_at_line (f->buffer, 1, "  <title>Demo</title>\n");
  vireo_xml_editor_set_error (f->editor, 2, "Line 2: whatever");
  g_assert_true (vireo_xml_editor_get_modified (f->editor));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "xml-editor.revert", NULL));
  g_assert_false (vireo_xml_editor_get_modified (f->editor));
  reverted = vireo_xml_editor_dup_text (f->editor);
  g_assert_cmpstr (reverted, ==, domain_xml);
  g_assert_null (vireo_xml_editor_get_error_message (f->editor));

  /* Revert itself can be undone. */
  gtk_text_buffer_undo (f->buffer);
  g_assert_true (vireo_xml_editor_get_modified (f->editor));
  undone = vireo_xml_editor_dup_text (f->editor);
  g_assert_nonnull (strstr (undone, "<title>Demo</title>"));
}

static const char *
scheme_id (Fixture *f)
{
  GtkSourceStyleScheme *scheme = gtk_source_buffer_get_style_scheme (GTK_SOURCE_BUFFER (f->buffer));
  return scheme ? gtk_source_style_scheme_get_id (scheme) : NULL;
}

static gboolean
scheme_is_dark (gpointer data)
{
  return g_strcmp0 (scheme_id (data), "Adwaita-dark") == 0;
}

static gboolean
scheme_is_light (gpointer data)
{
  return g_strcmp0 (scheme_id (data), "Adwaita") == 0;
}

static void
test_dark_scheme (Fixture       *f,
                  gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  vireo_test_wait_for (scheme_is_light, f, 5, "the light scheme");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  vireo_test_wait_for (scheme_is_dark, f, 5, "the dark scheme");
  g_assert_cmpstr (gtk_source_style_scheme_get_id (
                     gtk_source_buffer_get_style_scheme (GTK_SOURCE_BUFFER (diff_buffer (f)))),
                   ==, "Adwaita-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  vireo_test_wait_for (scheme_is_light, f, 5, "the light scheme again");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  vireo_ui_init ();

  g_test_add_func ("/ui/xml-editor/parse-error-line", test_parse_error_line);
#define ADD(path, func) \
  g_test_add ("/ui/xml-editor/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("modified", test_modified);
  ADD ("show-changes", test_show_changes);
  ADD ("no-changes", test_no_changes);
  ADD ("error", test_error);
  ADD ("revert", test_revert);
  ADD ("dark-scheme", test_dark_scheme);
#undef ADD

  return g_test_run ();
}
