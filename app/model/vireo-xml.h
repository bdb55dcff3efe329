/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/*
 * In-place DOM edits that leave everything else alone: new elements are
 * indented like their siblings, removed ones take their indentation with
 * them, and nothing is ever reordered. Names are matched without a
 * namespace (libvirt's own elements have none); elements in a namespace,
 * such as <qemu:commandline>, are never matched, so never touched.
 */

xmlNodePtr  vireo_xml_child            (xmlNodePtr   parent,
                                        const char  *name);
xmlNodePtr  vireo_xml_next_sibling     (xmlNodePtr   node,
                                        const char  *name);
xmlNodePtr  vireo_xml_ensure_child     (xmlNodePtr   parent,
                                        const char  *name);
xmlNodePtr  vireo_xml_append_child     (xmlNodePtr   parent,
                                        xmlNodePtr   child);
xmlNodePtr  vireo_xml_insert_after     (xmlNodePtr   anchor,
                                        xmlNodePtr   node);
xmlNodePtr  vireo_xml_insert_before    (xmlNodePtr   anchor,
                                        xmlNodePtr   node);
xmlNodePtr  vireo_xml_insert_ordered   (xmlNodePtr   parent,
                                        xmlNodePtr   node,
                                        const char * const *order);
void        vireo_xml_remove           (xmlNodePtr   node);
char       *vireo_xml_get_prop         (xmlNodePtr   node,
                                        const char  *name);
void        vireo_xml_set_prop         (xmlNodePtr   node,
                                        const char  *name,
                                        const char  *value);
char       *vireo_xml_get_text         (xmlNodePtr   node);
void        vireo_xml_set_text         (xmlNodePtr   node,
                                        const char  *text);
char       *vireo_xml_get_child_prop   (xmlNodePtr   parent,
                                        const char  *child,
                                        const char  *prop);
void        vireo_xml_set_child_prop   (xmlNodePtr   parent,
                                        const char  *child,
                                        const char  *prop,
                                        const char  *value);
char       *vireo_xml_get_child_text   (xmlNodePtr   parent,
                                        const char  *child);
void        vireo_xml_set_child_text   (xmlNodePtr   parent,
                                        const char  *child,
                                        const char  *text);
gboolean    vireo_xml_has_child        (xmlNodePtr   parent,
                                        const char  *child);
void        vireo_xml_set_flag_child   (xmlNodePtr   parent,
                                        const char  *child,
                                        gboolean     present);
char       *vireo_xml_node_to_string   (xmlNodePtr   node);
void        vireo_xml_reindent         (xmlNodePtr   node,
                                        const char  *indent);
xmlDocPtr   vireo_xml_read             (const char  *xml,
                                        const char  *url);
xmlNodePtr  vireo_xml_parse_fragment   (xmlDocPtr    doc,
                                        const char  *xml,
                                        GError     **error);

G_END_DECLS
