/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vireo-test-util.h"
#include "vireo-virt.h"

G_BEGIN_DECLS

/* Opens @uri and waits for it; statistics off unless asked for, so that
 * state changes can only come from events. */
static inline VireoConnection *
vireo_test_open_connection (const char *uri,
                            guint       stats_interval)
{
  VireoConnection *conn = vireo_connection_new (uri);
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  vireo_connection_set_stats_interval (conn, stats_interval);
  vireo_connection_open_async (conn, NULL, vireo_test_async_cb, &a);
  vireo_connection_open_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_assert_no_error (error);
  g_object_unref (a.result);
  return conn;
}

static inline gboolean
vireo_test_has_versions (gpointer data)
{
  return vireo_connection_get_versions (data) != NULL;
}

/* Versions and hostname follow the list by a few round trips. */
static inline void
vireo_test_wait_for_versions (VireoConnection *conn)
{
  vireo_test_wait_for (vireo_test_has_versions, conn, 10, "the host's versions");
}

/* Returns: (transfer none) (nullable): the listed domain called @name */
static inline VireoDomain *
vireo_test_find_domain (VireoConnection *conn,
                        const char      *name)
{
  g_autoptr(GListModel) list = vireo_connection_list_domains (conn);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(VireoDomain) d = g_list_model_get_item (list, i);
      if (g_strcmp0 (vireo_domain_get_name (d), name) == 0)
        return d;   /* the list keeps it alive */
    }
  return NULL;
}

G_END_DECLS
