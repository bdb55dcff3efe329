/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

#define VIREO_TYPE_XML_EDITOR (vireo_xml_editor_get_type ())
G_DECLARE_FINAL_TYPE (VireoXmlEditor, vireo_xml_editor, VIREO, XML_EDITOR, AdwBin)

/* The GtkSourceMark category of the line an error is about. */
#define VIREO_XML_EDITOR_ERROR_CATEGORY "vireo-xml-error"

GtkWidget       *vireo_xml_editor_new               (void);
const char      *vireo_xml_editor_get_original      (VireoXmlEditor *self);
void             vireo_xml_editor_set_original      (VireoXmlEditor *self,
                                                     const char     *xml);
char            *vireo_xml_editor_dup_text          (VireoXmlEditor *self);
gboolean         vireo_xml_editor_get_modified      (VireoXmlEditor *self);
GtkSourceBuffer *vireo_xml_editor_get_buffer        (VireoXmlEditor *self);
void             vireo_xml_editor_revert            (VireoXmlEditor *self);
void             vireo_xml_editor_show_changes      (VireoXmlEditor *self);
void             vireo_xml_editor_show_editor       (VireoXmlEditor *self);
gboolean         vireo_xml_editor_get_showing_changes (VireoXmlEditor *self);
void             vireo_xml_editor_set_error         (VireoXmlEditor *self,
                                                     int             line,
                                                     const char     *message);
void             vireo_xml_editor_clear_error       (VireoXmlEditor *self);
const char      *vireo_xml_editor_get_error_message (VireoXmlEditor *self);
int              vireo_xml_editor_get_error_line    (VireoXmlEditor *self);

int              vireo_xml_editor_parse_error_line  (const char     *message);

G_END_DECLS
