/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-xml"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include <libxml/parser.h>
#include <libxml/SAX2.h>

#include "vireo-domain-config.h"
#include "vireo-xml.h"

static gboolean
is_named (xmlNodePtr  node,
          const char *name)
{
  return node->type == XML_ELEMENT_NODE && node->ns == NULL
         && xmlStrcmp (node->name, BAD_CAST name) == 0;
}

static gboolean
is_blank_text (xmlNodePtr node)
{
  return node != NULL && node->type == XML_TEXT_NODE && xmlIsBlankNode (node);
}

xmlNodePtr
vireo_xml_child (xmlNodePtr  parent,
                 const char *name)
{
  for (xmlNodePtr n = parent != NULL ? parent->children : NULL; n != NULL; n = n->next)
    if (is_named (n, name))
      return n;
  return NULL;
}

xmlNodePtr
vireo_xml_next_sibling (xmlNodePtr  node,
                        const char *name)
{
  for (xmlNodePtr n = node != NULL ? node->next : NULL; n != NULL; n = n->next)
    if (is_named (n, name))
      return n;
  return NULL;
}

/* The indentation a line-broken child of @node would get: the whitespace
 * after the last newline in the blank text before @node. NULL if @node is
 * not on a line of its own. */
static char *
indent_before (xmlNodePtr node)
{
  xmlNodePtr prev = node != NULL ? node->prev : NULL;
  const char *text;
  const char *nl;

  if (!is_blank_text (prev))
    return NULL;
  text = (const char *) prev->content;
  nl = strrchr (text, '\n');
  return nl != NULL ? g_strdup (nl + 1) : NULL;
}

static xmlNodePtr
last_element_child (xmlNodePtr parent)
{
  for (xmlNodePtr n = parent->last; n != NULL; n = n->prev)
    if (n->type == XML_ELEMENT_NODE)
      return n;
  return NULL;
}

/* Indents the line breaks inside @node by @indent more: a pasted fragment
 * written at column 0 lands at its place in the document. */
void
vireo_xml_reindent (xmlNodePtr  node,
                    const char *indent)
{
  for (xmlNodePtr n = node->children; n != NULL; n = n->next)
    {
      if (is_blank_text (n) && strchr ((const char *) n->content, '\n') != NULL)
        {
          g_autoptr(GString) out = g_string_new (NULL);

          for (const char *p = (const char *) n->content; *p != '\0'; p++)
            {
              g_string_append_c (out, *p);
              if (*p == '\n')
                g_string_append (out, indent);
            }
          xmlNodeSetContent (n, BAD_CAST out->str);
        }
      else if (n->type == XML_ELEMENT_NODE)
        vireo_xml_reindent (n, indent);
    }
}

/**
 * vireo_xml_append_child:
 * @child: (transfer full): an unlinked node
 *
 * Appends @child after the last element of @parent, on a line of its own
 * with the siblings' indentation when they have one.
 *
 * Returns: (transfer none): @child
 */
xmlNodePtr
vireo_xml_append_child (xmlNodePtr parent,
                        xmlNodePtr child)
{
  xmlNodePtr last = last_element_child (parent);
  g_autofree char *indent = NULL;

  if (last != NULL)
    {
      indent = indent_before (last);
      if (indent == NULL)
        {
          xmlAddNextSibling (last, child);
          return child;
        }
      {
        g_autofree char *ws = g_strconcat ("\n", indent, NULL);

        xmlAddNextSibling (last, child);
        xmlAddPrevSibling (child, xmlNewText (BAD_CAST ws));
        vireo_xml_reindent (child, indent);
      }
      return child;
    }

  /* No element yet: open the parent up if it sits on a line of its own. */
  indent = indent_before (parent);
  if (indent != NULL && parent->children == NULL)
    {
      g_autofree char *inner = g_strconcat ("\n", indent, "  ", NULL);
      g_autofree char *outer = g_strconcat ("\n", indent, NULL);

      xmlAddChild (parent, xmlNewText (BAD_CAST inner));
      xmlAddChild (parent, child);
      xmlAddChild (parent, xmlNewText (BAD_CAST outer));
      {
        g_autofree char *child_indent = g_strconcat (indent, "  ", NULL);
        vireo_xml_reindent (child, child_indent);
      }
      return child;
    }

  xmlAddChild (parent, child);
  return child;
}

/**
 * vireo_xml_insert_after:
 * @node: (transfer full): an unlinked node
 *
 * Puts @node right after @anchor, on a line of its own at @anchor's
 * indentation when @anchor has one.
 *
 * Returns: (transfer none): @node
 */
xmlNodePtr
vireo_xml_insert_after (xmlNodePtr anchor,
                        xmlNodePtr node)
{
  g_autofree char *indent = indent_before (anchor);

  xmlAddNextSibling (anchor, node);
  if (indent != NULL)
    {
      g_autofree char *ws = g_strconcat ("\n", indent, NULL);

      xmlAddPrevSibling (node, xmlNewText (BAD_CAST ws));
      vireo_xml_reindent (node, indent);
    }
  return node;
}

/**
 * vireo_xml_insert_before:
 * @node: (transfer full): an unlinked node
 *
 * Puts @node right before @anchor, on a line of its own at @anchor's
 * indentation when @anchor has one.
 *
 * Returns: (transfer none): @node
 */
xmlNodePtr
vireo_xml_insert_before (xmlNodePtr anchor,
                         xmlNodePtr node)
{
  g_autofree char *indent = indent_before (anchor);

  xmlAddPrevSibling (anchor, node);
  if (indent != NULL)
    {
      g_autofree char *ws = g_strconcat ("\n", indent, NULL);

      /* The blank before @anchor now leads to @node; @anchor gets a new
       * one of the same width. */
      xmlAddPrevSibling (anchor, xmlNewText (BAD_CAST ws));
      vireo_xml_reindent (node, indent);
    }
  return node;
}

static int
order_index (const char * const *order,
             xmlNodePtr          node)
{
  if (node->type != XML_ELEMENT_NODE || node->ns != NULL)
    return -1;
  for (int i = 0; order[i] != NULL; i++)
    if (xmlStrcmp (node->name, BAD_CAST order[i]) == 0)
      return i;
  return -1;
}

/**
 * vireo_xml_insert_ordered:
 * @node: (transfer full): an unlinked element named in @order
 * @order: %NULL-terminated element names, in the order libvirt writes them
 *
 * Puts @node where libvirt would have written it: after the last child that
 * comes before it in @order, else before the first that comes after it,
 * else last. Children not named in @order are stepped over, never moved.
 * libvirt's schema does not care (its lists are interleaves), but a person
 * reading the diff does.
 *
 * Returns: (transfer none): @node
 */
xmlNodePtr
vireo_xml_insert_ordered (xmlNodePtr          parent,
                          xmlNodePtr          node,
                          const char * const *order)
{
  int rank = order_index (order, node);
  xmlNodePtr before = NULL;
  xmlNodePtr after = NULL;

  g_return_val_if_fail (parent != NULL, NULL);
  g_return_val_if_fail (rank >= 0, NULL);

  for (xmlNodePtr n = parent->children; n != NULL; n = n->next)
    {
      int i = order_index (order, n);

      if (i < 0)
        continue;
      if (i <= rank)
        before = n;
      else if (after == NULL)
        after = n;
    }

  if (before != NULL)
    return vireo_xml_insert_after (before, node);
  if (after != NULL)
    return vireo_xml_insert_before (after, node);
  return vireo_xml_append_child (parent, node);
}

xmlNodePtr
vireo_xml_ensure_child (xmlNodePtr  parent,
                        const char *name)
{
  xmlNodePtr child = vireo_xml_child (parent, name);

  if (child != NULL)
    return child;
  return vireo_xml_append_child (parent, xmlNewNode (NULL, BAD_CAST name));
}

/**
 * vireo_xml_remove:
 *
 * Unlinks and frees @node, with the line break and indentation before it.
 */
void
vireo_xml_remove (xmlNodePtr node)
{
  if (node == NULL)
    return;
  if (is_blank_text (node->prev) && strchr ((const char *) node->prev->content, '\n') != NULL)
    {
      xmlNodePtr ws = node->prev;

      xmlUnlinkNode (ws);
      xmlFreeNode (ws);
    }
  xmlUnlinkNode (node);
  xmlFreeNode (node);
}

char *
vireo_xml_get_prop (xmlNodePtr  node,
                    const char *name)
{
  xmlChar *value;
  char *ret;

  if (node == NULL)
    return NULL;
  value = xmlGetNoNsProp (node, BAD_CAST name);
  ret = g_strdup ((const char *) value);
  xmlFree (value);
  return ret;
}

void
vireo_xml_set_prop (xmlNodePtr  node,
                    const char *name,
                    const char *value)
{
  g_return_if_fail (node != NULL);

  if (value == NULL)
    xmlUnsetNsProp (node, NULL, BAD_CAST name);
  else
    /* An existing attribute keeps its place; a new one goes last. */
    xmlSetNsProp (node, NULL, BAD_CAST name, BAD_CAST value);
}

char *
vireo_xml_get_text (xmlNodePtr node)
{
  xmlChar *content;
  char *ret;

  if (node == NULL)
    return NULL;
  content = xmlNodeGetContent (node);
  ret = g_strdup ((const char *) content);
  xmlFree (content);
  return ret;
}

void
vireo_xml_set_text (xmlNodePtr  node,
                    const char *text)
{
  g_return_if_fail (node != NULL);

  /* SetContent would read "&" as the start of an entity; AddContent takes
   * the text as it is. */
  xmlNodeSetContent (node, NULL);
  xmlNodeAddContent (node, BAD_CAST (text != NULL ? text : ""));
}

char *
vireo_xml_get_child_prop (xmlNodePtr  parent,
                          const char *child,
                          const char *prop)
{
  return vireo_xml_get_prop (vireo_xml_child (parent, child), prop);
}

static gboolean
is_empty_element (xmlNodePtr node)
{
  if (node->properties != NULL)
    return FALSE;
  for (xmlNodePtr n = node->children; n != NULL; n = n->next)
    if (!is_blank_text (n))
      return FALSE;
  return TRUE;
}

/**
 * vireo_xml_set_child_prop:
 * @value: (nullable): %NULL removes the attribute, and the child element too
 *   once it carries nothing at all
 */
void
vireo_xml_set_child_prop (xmlNodePtr  parent,
                          const char *child,
                          const char *prop,
                          const char *value)
{
  xmlNodePtr node;

  g_return_if_fail (parent != NULL);

  if (value == NULL)
    {
      node = vireo_xml_child (parent, child);
      if (node == NULL)
        return;
      vireo_xml_set_prop (node, prop, NULL);
      if (is_empty_element (node))
        vireo_xml_remove (node);
      return;
    }
  vireo_xml_set_prop (vireo_xml_ensure_child (parent, child), prop, value);
}

char *
vireo_xml_get_child_text (xmlNodePtr  parent,
                          const char *child)
{
  return vireo_xml_get_text (vireo_xml_child (parent, child));
}

/**
 * vireo_xml_set_child_text:
 * @text: (nullable): %NULL removes the child element
 */
void
vireo_xml_set_child_text (xmlNodePtr  parent,
                          const char *child,
                          const char *text)
{
  g_return_if_fail (parent != NULL);

  if (text == NULL)
    vireo_xml_remove (vireo_xml_child (parent, child));
  else
    vireo_xml_set_text (vireo_xml_ensure_child (parent, child), text);
}

gboolean
vireo_xml_has_child (xmlNodePtr  parent,
                     const char *child)
{
  return vireo_xml_child (parent, child) != NULL;
}

/* For presence flags such as <readonly/> and <shareable/>. */
void
vireo_xml_set_flag_child (xmlNodePtr  parent,
                          const char *child,
                          gboolean    present)
{
  g_return_if_fail (parent != NULL);

  if (present)
    vireo_xml_ensure_child (parent, child);
  else
    vireo_xml_remove (vireo_xml_child (parent, child));
}

/**
 * vireo_xml_node_to_string:
 *
 * Returns: (transfer full): @node as it stands in the document, with the
 *   indentation it has there taken off every line, for editing on its own
 */
char *
vireo_xml_node_to_string (xmlNodePtr node)
{
  g_autoptr(GString) out = NULL;
  g_autofree char *indent = indent_before (node);
  xmlBufferPtr buf;

  g_return_val_if_fail (node != NULL, NULL);

  buf = xmlBufferCreate ();
  xmlNodeDump (buf, node->doc, node, 0, 0);
  out = g_string_new ((const char *) xmlBufferContent (buf));
  xmlBufferFree (buf);

  if (indent != NULL && *indent != '\0')
    {
      g_autofree char *from = g_strconcat ("\n", indent, NULL);
      g_string_replace (out, from, "\n", 0);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * vireo_xml_read:
 *
 * Parses @xml keeping every blank text node, whatever libxml2's process-wide
 * default says: GtkSourceView switches that default off when it loads its
 * language files, which would silently flatten every document parsed after
 * (and with it, every diff against libvirt's formatted output).
 *
 * Returns: (transfer full) (nullable): the document; xmlGetLastError() says
 *   why not
 */
xmlDocPtr
vireo_xml_read (const char *xml,
                const char *url)
{
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt ();
  xmlDocPtr doc;

  if (ctxt == NULL)
    return NULL;
  ctxt->keepBlanks = 1;
  ctxt->sax->ignorableWhitespace = xmlSAX2Characters;
  doc = xmlCtxtReadMemory (ctxt, xml, (int) strlen (xml), url, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  xmlFreeParserCtxt (ctxt);
  return doc;
}

/**
 * vireo_xml_parse_fragment:
 * @doc: the document the node is for
 * @xml: one element, as text
 *
 * Returns: (transfer full) (nullable): an unlinked copy of the element in
 *   @doc, or %NULL with @error naming the line and what is wrong
 */
xmlNodePtr
vireo_xml_parse_fragment (xmlDocPtr    doc,
                          const char  *xml,
                          GError     **error)
{
  xmlDocPtr parsed;
  xmlNodePtr root;
  xmlNodePtr copy;

  g_return_val_if_fail (xml != NULL, NULL);

  parsed = vireo_xml_read (xml, "fragment.xml");
  if (parsed == NULL)
    {
      const xmlError *err = xmlGetLastError ();

      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_PARSE,
                   /* Translators: %d is a line number, %s libxml2's own (English) message */
                   _("Line %d: %s"), err != NULL ? err->line : 0,
                   err != NULL && err->message != NULL ? g_strchomp (err->message) : _("not well-formed XML"));
      return NULL;
    }
  if (parsed->intSubset != NULL)
    {
      xmlFreeDoc (parsed);
      g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                           _("Line 1: a <!DOCTYPE> is not accepted here"));
      return NULL;
    }
  root = xmlDocGetRootElement (parsed);
  copy = root != NULL ? xmlDocCopyNode (root, doc, 1) : NULL;
  xmlFreeDoc (parsed);
  if (copy == NULL)
    g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_PARSE, _("No element in the text"));
  return copy;
}
