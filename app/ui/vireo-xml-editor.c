/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-xml-editor"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-diff.h"
#include "vireo-xml-editor.h"

/*
 * The XML of a device or a whole domain, for people who know what they want
 * to write. The host page gives it the current persistent XML as the
 * original; the user edits a copy; "Changes" shows what defining the text
 * would change, as a diff against that original, before anything is sent.
 * When libvirt refuses the text the host hands its message back with
 * vireo_xml_editor_set_error(): the message goes in a banner and the line
 * it names is marked. The user's text is never touched by any of this; only
 * Revert (an undoable action) replaces it.
 */
struct _VireoXmlEditor
{
  AdwBin           parent_instance;

  /* Owned */
  char            *original;
  char            *error_message;
  GtkSourceMark   *error_mark;

  int              error_line;   /* 1-based; 0: the error names no line */
  gboolean         modified;

  /* Template widgets */
  GtkRevealer     *error_revealer;
  GtkLabel        *error_label;
  GtkStack        *stack;
  GtkStack        *changes_stack;
  GtkSourceView   *source_view;
  GtkSourceBuffer *buffer;
  GtkSourceView   *diff_view;
  GtkSourceBuffer *diff_buffer;
  GtkLabel        *summary_label;
};

G_DEFINE_FINAL_TYPE (VireoXmlEditor, vireo_xml_editor, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ORIGINAL,
  PROP_MODIFIED,
  PROP_SHOWING_CHANGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Tints that read on both the light and the dark scheme: the colours of
 * the GNOME palette at low alpha over whatever the background is. */
#define REMOVED_BACKGROUND "rgba(224, 27, 36, 0.16)"
#define ADDED_BACKGROUND   "rgba(46, 194, 126, 0.18)"
#define ERROR_BACKGROUND   "rgba(224, 27, 36, 0.28)"
#define HEADER_FOREGROUND  "rgba(128, 128, 128, 0.9)"

GtkWidget *
vireo_xml_editor_new (void)
{
  return g_object_new (VIREO_TYPE_XML_EDITOR, NULL);
}

/**
 * vireo_xml_editor_parse_error_line:
 * @message: an error message from libvirt or libxml2
 *
 * Finds the line an XML error is about. libvirt reports a parse error as
 * `(domain_definition):12: message` or `at line 12: message`, and others
 * write `Line 12: message`; a `file:N:` position wins over the word "line",
 * because libxml2's own text can name another line ("tag mismatch: name
 * line 3 and nam" is reported on the line of the closing tag).
 *
 * Returns: the 1-based line, or 0 when the message names none
 */
int
vireo_xml_editor_parse_error_line (const char *message)
{
  static GRegex *position_regex;
  static GRegex *line_regex;
  GRegex *regexes[2];

  if (message == NULL)
    return 0;

  if (g_once_init_enter (&position_regex))
    g_once_init_leave (&position_regex,
                       g_regex_new ("[^\\s:]:([0-9]+):", G_REGEX_OPTIMIZE, 0, NULL));
  if (g_once_init_enter (&line_regex))
    g_once_init_leave (&line_regex,
                       g_regex_new ("\\bline\\s+([0-9]+)\\b", G_REGEX_OPTIMIZE | G_REGEX_CASELESS, 0, NULL));

  regexes[0] = position_regex;
  regexes[1] = line_regex;
  for (guint i = 0; i < G_N_ELEMENTS (regexes); i++)
    {
      g_autoptr(GMatchInfo) match = NULL;

      if (g_regex_match (regexes[i], message, 0, &match))
        {
          g_autofree char *digits = g_match_info_fetch (match, 1);
          guint64 line = 0;

          if (g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT, &line, NULL))
            return (int) line;
        }
    }

  return 0;
}

static char *
buffer_dup_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static void
set_modified (VireoXmlEditor *self,
              gboolean        modified)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "xml-editor.revert", modified);
  if (self->modified == modified)
    return;

  self->modified = modified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

/* A whole-text comparison per change: a domain's XML is a few hundred
 * lines, a memcmp of it costs less than the redraw the keystroke causes. */
static void
on_buffer_changed (VireoXmlEditor *self,
                   GtkTextBuffer  *buffer)
{
  g_autofree char *text = buffer_dup_text (buffer);

  set_modified (self, g_strcmp0 (text, self->original ? self->original : "") != 0);
}

static void
update_summary (VireoXmlEditor  *self,
                const VireoDiff *diff)
{
  guint removed, added;
  g_autofree char *removed_text = NULL;
  g_autofree char *added_text = NULL;
  g_autofree char *summary = NULL;

  if (diff == NULL || vireo_diff_is_empty (diff))
    {
      gtk_label_set_text (self->summary_label, diff != NULL ? _("No changes") : "");
      return;
    }

  removed = vireo_diff_get_n_removed (diff);
  added = vireo_diff_get_n_added (diff);
  /* Translators: part of "2 lines removed, 3 added" under the XML diff */
  removed_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u line removed", "%u lines removed", removed), removed);
  /* Translators: part of "2 lines removed, 3 added" under the XML diff */
  added_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u added", "%u added", added), added);
  /* Translators: "2 lines removed" and "3 added", under the XML diff */
  summary = g_strdup_printf (_("%s, %s"), removed_text, added_text);
  gtk_label_set_text (self->summary_label, summary);
}

/* Fills the read-only buffer with the unified diff of original → text, one
 * tag per kind of line. The +/- prefixes stay: the tints alone would leave
 * out anyone who cannot tell red from green. */
static void
render_changes (VireoXmlEditor *self)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->diff_buffer);
  g_autofree char *text = buffer_dup_text (GTK_TEXT_BUFFER (self->buffer));
  g_autoptr(VireoDiff) diff = vireo_diff_new (self->original ? self->original : "", text,
                                              VIREO_DIFF_DEFAULT_CONTEXT);
  GtkTextIter start, end;

  gtk_text_buffer_set_text (buffer, "", 0);
  update_summary (self, diff);

  if (vireo_diff_is_empty (diff))
    {
      gtk_stack_set_visible_child_name (self->changes_stack, "empty");
      return;
    }

  gtk_text_buffer_get_end_iter (buffer, &end);
  for (guint h = 0; h < vireo_diff_get_n_hunks (diff); h++)
    {
      const VireoDiffHunk *hunk = vireo_diff_get_hunk (diff, h);
      g_autofree char *header = vireo_diff_hunk_dup_header (hunk);

      if (h > 0)
        gtk_text_buffer_insert (buffer, &end, "\n", 1);
      gtk_text_buffer_insert_with_tags_by_name (buffer, &end, header, -1, "header", NULL);

      for (guint i = 0; i < vireo_diff_hunk_get_n_lines (hunk); i++)
        {
          const VireoDiffLine *line = vireo_diff_hunk_get_line (hunk, i);
          static const char *prefixes[] = { " ", "-", "+" };
          static const char *tags[] = { NULL, "removed", "added" };

          gtk_text_buffer_insert (buffer, &end, "\n", 1);
          gtk_text_buffer_insert_with_tags_by_name (buffer, &end, prefixes[line->op], 1,
                                                    "prefix", tags[line->op], NULL);
          gtk_text_buffer_insert_with_tags_by_name (buffer, &end, line->text, -1, tags[line->op], NULL);
          if (line->no_newline)
            gtk_text_buffer_insert_with_tags_by_name (buffer, &end, "\n\\ No newline at end of file", -1,
                                                      "header", NULL);
        }
    }

  /* A margin inside the text rather than the view's own, so that the
   * tints reach the edge of the view. */
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_apply_tag_by_name (buffer, "line", &start, &end);
  gtk_text_buffer_place_cursor (buffer, &start);
  gtk_stack_set_visible_child_name (self->changes_stack, "diff");
}

static void
on_stack_page_changed (VireoXmlEditor *self)
{
  gboolean changes = vireo_xml_editor_get_showing_changes (self);

  /* Switching by the switcher, by keyboard or by an API call all land
   * here, so the diff is always of the text as it is now. */
  if (changes)
    render_changes (self);
  else
    update_summary (self, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWING_CHANGES]);
}

static void
update_style_scheme (VireoXmlEditor *self)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char *id = adw_style_manager_get_dark (style) ? "Adwaita-dark" : "Adwaita";
  GtkSourceStyleScheme *scheme = gtk_source_style_scheme_manager_get_scheme (schemes, id);

  gtk_source_buffer_set_style_scheme (self->buffer, scheme);
  gtk_source_buffer_set_style_scheme (self->diff_buffer, scheme);
}

static void
remove_error_mark (VireoXmlEditor *self)
{
  if (self->error_mark != NULL)
    {
      if (!gtk_text_mark_get_deleted (GTK_TEXT_MARK (self->error_mark)))
        gtk_text_buffer_delete_mark (GTK_TEXT_BUFFER (self->buffer), GTK_TEXT_MARK (self->error_mark));
      g_clear_object (&self->error_mark);
    }
  gtk_source_view_set_show_line_marks (self->source_view, FALSE);
}

static void
scroll_to_error (VireoXmlEditor *self)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter iter;

  if (self->error_mark == NULL)
    return;

  /* The mark, not the number: it has moved with the user's edits since. */
  gtk_stack_set_visible_child_name (self->stack, "edit");
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, GTK_TEXT_MARK (self->error_mark));
  gtk_text_buffer_place_cursor (buffer, &iter);
  gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (self->source_view), GTK_TEXT_MARK (self->error_mark),
                                0.0, TRUE, 0.0, 0.3);
  gtk_widget_grab_focus (GTK_WIDGET (self->source_view));
}

/* GTK 4.8 cannot announce: a screen reader learns of the error from the
 * description of the text it lands in. */
static void
update_description (VireoXmlEditor *self)
{
  g_autofree char *description = NULL;

  if (self->error_message != NULL)
    /* Translators: the description of the XML text when libvirt refused
     * it; %s is libvirt's message */
    description = g_strdup_printf (_("The configuration as libvirt XML, editable. Error: %s"),
                                   self->error_message);
  else
    description = g_strdup (_("The configuration as libvirt XML, editable"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->source_view),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  vireo_xml_editor_revert (VIREO_XML_EDITOR (widget));
}

static void
show_changes_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  vireo_xml_editor_show_changes (VIREO_XML_EDITOR (widget));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  vireo_xml_editor_show_editor (VIREO_XML_EDITOR (widget));
}

static void
show_error_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  scroll_to_error (VIREO_XML_EDITOR (widget));
}

static void
dismiss_error_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  vireo_xml_editor_clear_error (VIREO_XML_EDITOR (widget));
}

static void
vireo_xml_editor_finalize (GObject *object)
{
  VireoXmlEditor *self = VIREO_XML_EDITOR (object);

  g_clear_object (&self->error_mark);
  g_clear_pointer (&self->original, g_free);
  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (vireo_xml_editor_parent_class)->finalize (object);
}

static void
vireo_xml_editor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VireoXmlEditor *self = VIREO_XML_EDITOR (object);

  switch (prop_id)
    {
    case PROP_ORIGINAL:
      g_value_set_string (value, self->original);
      break;

    case PROP_MODIFIED:
      g_value_set_boolean (value, self->modified);
      break;

    case PROP_SHOWING_CHANGES:
      g_value_set_boolean (value, vireo_xml_editor_get_showing_changes (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_xml_editor_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VireoXmlEditor *self = VIREO_XML_EDITOR (object);

  switch (prop_id)
    {
    case PROP_ORIGINAL:
      vireo_xml_editor_set_original (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_xml_editor_class_init (VireoXmlEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = vireo_xml_editor_finalize;
  object_class->get_property = vireo_xml_editor_get_property;
  object_class->set_property = vireo_xml_editor_set_property;

  /**
   * VireoXmlEditor:original:
   *
   * The current persistent XML: what the text is compared with.
   */
  properties[PROP_ORIGINAL] =
    g_param_spec_string ("original", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * VireoXmlEditor:modified:
   *
   * Whether the text differs from the original. Undoing back to the
   * original text makes it %FALSE again.
   */
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * VireoXmlEditor:showing-changes:
   *
   * Whether the diff is shown instead of the editable text.
   */
  properties[PROP_SHOWING_CHANGES] =
    g_param_spec_boolean ("showing-changes", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The template names these types; GtkBuilder only finds registered ones. */
  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (GTK_SOURCE_TYPE_BUFFER);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-xml-editor.ui");
  gtk_widget_class_set_css_name (widget_class, "vireoxmleditor");
  gtk_widget_class_bind_template_child (widget_class, VireoXmlEditor, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, VireoXmlEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, VireoXmlEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, VireoXmlEditor, changes_stack);
  gtk_widget_class_bind_template_child (widget_class, VireoXmlEditor, source_view);
  gtk_widget_class_bind_template_child (widget_class, VireoXmlEditor, buffer);
  gtk_widget_class_bind_template_child (widget_class, VireoXmlEditor, diff_view);
  gtk_widget_class_bind_template_child (widget_class, VireoXmlEditor, diff_buffer);
  gtk_widget_class_bind_template_child (widget_class, VireoXmlEditor, summary_label);

  gtk_widget_class_install_action (widget_class, "xml-editor.revert", NULL, revert_action);
  gtk_widget_class_install_action (widget_class, "xml-editor.show-changes", NULL, show_changes_action);
  gtk_widget_class_install_action (widget_class, "xml-editor.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "xml-editor.show-error", NULL, show_error_action);
  gtk_widget_class_install_action (widget_class, "xml-editor.dismiss-error", NULL, dismiss_error_action);
}

static void
vireo_xml_editor_init (VireoXmlEditor *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceLanguage *xml = gtk_source_language_manager_get_language (languages, "xml");
  g_autoptr(GtkSourceMarkAttributes) error_attributes = gtk_source_mark_attributes_new ();
  GdkRGBA color;

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_source_buffer_set_language (self->buffer, xml);
  /* The diff is highlighted too: its lines are XML behind a one-character
   * prefix, which the XML grammar reads as text. */
  gtk_source_buffer_set_language (self->diff_buffer, xml);

  gdk_rgba_parse (&color, REMOVED_BACKGROUND);
  gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->diff_buffer), "removed",
                              "paragraph-background-rgba", &color, NULL);
  gdk_rgba_parse (&color, ADDED_BACKGROUND);
  gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->diff_buffer), "added",
                              "paragraph-background-rgba", &color, NULL);
  gdk_rgba_parse (&color, HEADER_FOREGROUND);
  gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->diff_buffer), "header",
                              "foreground-rgba", &color,
                              "pixels-above-lines", 4,
                              "pixels-below-lines", 2,
                              NULL);
  gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->diff_buffer), "prefix",
                              "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->diff_buffer), "line",
                              "indent", 8, NULL);

  gdk_rgba_parse (&color, ERROR_BACKGROUND);
  gtk_source_mark_attributes_set_background (error_attributes, &color);
  gtk_source_mark_attributes_set_icon_name (error_attributes, "dialog-error-symbolic");
  gtk_source_view_set_mark_attributes (self->source_view, VIREO_XML_EDITOR_ERROR_CATEGORY,
                                       error_attributes, 10);

  g_signal_connect_object (self->buffer, "changed",
                           G_CALLBACK (on_buffer_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (on_stack_page_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  update_style_scheme (self);
  update_description (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "xml-editor.revert", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "xml-editor.show-error", FALSE);
}

/**
 * vireo_xml_editor_get_original:
 *
 * Returns: (nullable): the XML the text is compared with
 */
const char *
vireo_xml_editor_get_original (VireoXmlEditor *self)
{
  g_return_val_if_fail (VIREO_IS_XML_EDITOR (self), NULL);

  return self->original;
}

/**
 * vireo_xml_editor_set_original:
 * @xml: (nullable): the current persistent XML
 *
 * Sets what the text is compared with, and the text itself: call it with
 * the XML just fetched (`VIR_DOMAIN_XML_INACTIVE`), and again after a
 * successful define. It clears the error and the undo history, since both
 * were about the previous text.
 */
void
vireo_xml_editor_set_original (VireoXmlEditor *self,
                               const char     *xml)
{
  GtkTextBuffer *buffer;
  GtkTextIter start;

  g_return_if_fail (VIREO_IS_XML_EDITOR (self));

  buffer = GTK_TEXT_BUFFER (self->buffer);
  if (g_strcmp0 (self->original, xml) != 0)
    {
      g_free (self->original);
      self->original = g_strdup (xml);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORIGINAL]);
    }

  vireo_xml_editor_clear_error (self);
  /* Irreversible: undo must not go back past the XML libvirt holds. */
  gtk_text_buffer_set_text (buffer, xml ? xml : "", -1);
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  set_modified (self, FALSE);

  if (vireo_xml_editor_get_showing_changes (self))
    render_changes (self);
}

/**
 * vireo_xml_editor_dup_text:
 *
 * Returns: (transfer full): the text as the user has it now
 */
char *
vireo_xml_editor_dup_text (VireoXmlEditor *self)
{
  g_return_val_if_fail (VIREO_IS_XML_EDITOR (self), NULL);

  return buffer_dup_text (GTK_TEXT_BUFFER (self->buffer));
}

gboolean
vireo_xml_editor_get_modified (VireoXmlEditor *self)
{
  g_return_val_if_fail (VIREO_IS_XML_EDITOR (self), FALSE);

  return self->modified;
}

/**
 * vireo_xml_editor_get_buffer:
 *
 * Returns: (transfer none): the buffer of the editable text
 */
GtkSourceBuffer *
vireo_xml_editor_get_buffer (VireoXmlEditor *self)
{
  g_return_val_if_fail (VIREO_IS_XML_EDITOR (self), NULL);

  return self->buffer;
}

/**
 * vireo_xml_editor_revert:
 *
 * Puts the original text back, as one step the user can undo.
 */
void
vireo_xml_editor_revert (VireoXmlEditor *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start;

  g_return_if_fail (VIREO_IS_XML_EDITOR (self));

  buffer = GTK_TEXT_BUFFER (self->buffer);
  vireo_xml_editor_clear_error (self);
  if (self->modified)
    {
      GtkTextIter end;

      /* Not gtk_text_buffer_set_text(): that one cannot be undone. */
      gtk_text_buffer_begin_user_action (buffer);
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_delete (buffer, &start, &end);
      gtk_text_buffer_insert (buffer, &start, self->original ? self->original : "", -1);
      gtk_text_buffer_end_user_action (buffer);
      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_place_cursor (buffer, &start);
    }
  vireo_xml_editor_show_editor (self);
}

/**
 * vireo_xml_editor_show_changes:
 *
 * Shows what the text changes against the original, read-only. "No
 * changes" when there are none.
 */
void
vireo_xml_editor_show_changes (VireoXmlEditor *self)
{
  g_return_if_fail (VIREO_IS_XML_EDITOR (self));

  if (vireo_xml_editor_get_showing_changes (self))
    render_changes (self);
  else
    gtk_stack_set_visible_child_name (self->stack, "changes");
}

/**
 * vireo_xml_editor_show_editor:
 *
 * Goes back from the changes to the editable text.
 */
void
vireo_xml_editor_show_editor (VireoXmlEditor *self)
{
  g_return_if_fail (VIREO_IS_XML_EDITOR (self));

  gtk_stack_set_visible_child_name (self->stack, "edit");
}

gboolean
vireo_xml_editor_get_showing_changes (VireoXmlEditor *self)
{
  g_return_val_if_fail (VIREO_IS_XML_EDITOR (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "changes") == 0;
}

/**
 * vireo_xml_editor_set_error:
 * @line: the 1-based line the error is about, as libxml2 and libvirt count,
 *   or 0 when it names none (vireo_xml_editor_parse_error_line() finds it
 *   in libvirt's message)
 * @message: the message, as libvirt wrote it
 *
 * Shows why the text was refused: @message in a banner above the text, and
 * @line marked, scrolled to and given the cursor. The text stays as the
 * user typed it.
 */
void
vireo_xml_editor_set_error (VireoXmlEditor *self,
                            int             line,
                            const char     *message)
{
  GtkTextBuffer *buffer;
  GtkTextIter iter;

  g_return_if_fail (VIREO_IS_XML_EDITOR (self));
  g_return_if_fail (message != NULL);

  buffer = GTK_TEXT_BUFFER (self->buffer);
  remove_error_mark (self);

  g_free (self->error_message);
  self->error_message = g_strdup (message);
  self->error_line = MAX (line, 0);

  gtk_label_set_text (self->error_label, message);
  /* libxml2's messages point at the column with a line of dashes under a
   * copy of the text, which lines up in a monospace font only. */
  if (strchr (message, '\n') != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "monospace");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "monospace");
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "xml-editor.show-error", self->error_line > 0);

  if (self->error_line > 0)
    {
      /* A line past the end (the text changed since it was sent) marks the
       * last one rather than none. */
      gtk_text_buffer_get_iter_at_line (buffer, &iter, self->error_line - 1);
      gtk_text_iter_set_line_offset (&iter, 0);
      self->error_mark = g_object_ref (gtk_source_buffer_create_source_mark (self->buffer, NULL,
                                                                             VIREO_XML_EDITOR_ERROR_CATEGORY,
                                                                             &iter));
      gtk_source_view_set_show_line_marks (self->source_view, TRUE);
      scroll_to_error (self);
    }

  update_description (self);
}

/**
 * vireo_xml_editor_clear_error:
 *
 * Hides the error banner and unmarks its line.
 */
void
vireo_xml_editor_clear_error (VireoXmlEditor *self)
{
  g_return_if_fail (VIREO_IS_XML_EDITOR (self));

  remove_error_mark (self);
  g_clear_pointer (&self->error_message, g_free);
  self->error_line = 0;
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "xml-editor.show-error", FALSE);
  update_description (self);
}

/**
 * vireo_xml_editor_get_error_message:
 *
 * Returns: (nullable): the message of the error shown, if any
 */
const char *
vireo_xml_editor_get_error_message (VireoXmlEditor *self)
{
  g_return_val_if_fail (VIREO_IS_XML_EDITOR (self), NULL);

  return self->error_message;
}

/**
 * vireo_xml_editor_get_error_line:
 *
 * Returns: the line the error shown was about when it was set, or 0
 */
int
vireo_xml_editor_get_error_line (VireoXmlEditor *self)
{
  g_return_val_if_fail (VIREO_IS_XML_EDITOR (self), 0);

  return self->error_line;
}
