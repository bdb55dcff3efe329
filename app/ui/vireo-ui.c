/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-ui"

#include "config.h"

#include "vireo-resources.h"
#include "vireo-ui.h"

/**
 * vireo_ui_init:
 *
 * Makes sure the UI resources are linked and registered and every widget
 * type exists before a template refers to it by name.
 */
void
vireo_ui_init (void)
{
  /* The resource bundle registers itself from a constructor, but only when
   * the linker keeps its object file, which referencing it guarantees. */
  g_assert (vireo_get_resource () != NULL);

  g_type_ensure (VIREO_TYPE_ADD_CONNECTION_DIALOG);
  g_type_ensure (VIREO_TYPE_ADD_HARDWARE_DIALOG);
  g_type_ensure (VIREO_TYPE_CONNECTION_ROW);
  g_type_ensure (VIREO_TYPE_CONSOLE_PAGE);
  g_type_ensure (VIREO_TYPE_DELETE_DIALOG);
  g_type_ensure (VIREO_TYPE_DOMAIN_CELL);
  g_type_ensure (VIREO_TYPE_GRAPH);
  g_type_ensure (VIREO_TYPE_HOST_WINDOW);
  g_type_ensure (VIREO_TYPE_VM_PERFORMANCE);
  g_type_ensure (VIREO_TYPE_OS_PICKER);
  g_type_ensure (VIREO_TYPE_PORT_FORWARD_EDITOR);
  g_type_ensure (VIREO_TYPE_WINDOW);
  g_type_ensure (VIREO_TYPE_XML_EDITOR);
}
