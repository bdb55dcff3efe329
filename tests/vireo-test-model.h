/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "vireo-domain-config.h"

/* Helpers the model tests share: fixtures from tests/data/domains, and an
 * exact check that an edit changed only what it should. */

static inline VireoDomainConfig *
open_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "domains", name, NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  VireoDomainConfig *config;

  g_file_get_contents (path, &xml, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  return config;
}

static inline VireoDomainConfig *
open_inline (const char *xml)
{
  g_autoptr(GError) error = NULL;
  VireoDomainConfig *config = vireo_domain_config_new_from_xml (xml, &error);

  g_assert_no_error (error);
  return config;
}

/* The document must be @before with each (old, new) pair in @pairs
 * replaced, each old text found exactly once, and nothing else changed. */
static inline void
assert_edit (VireoDomainConfig  *config,
             const char         *before,
             const char * const *pairs)
{
  g_autoptr(GString) want = g_string_new (before);
  g_autofree char *got = vireo_domain_config_to_xml (config);

  for (guint i = 0; pairs[i] != NULL; i += 2)
    {
      guint n = g_string_replace (want, pairs[i], pairs[i + 1], 0);

      if (n != 1)
        g_error ("expected “%s” once in the document, found it %u times", pairs[i], n);
    }
  g_assert_cmpstr (got, ==, want->str);
}

static inline void
on_changed (VireoDomainConfig *config,
            guint             *count)
{
  (*count)++;
}
