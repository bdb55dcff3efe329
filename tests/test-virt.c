/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-connection-private.h"
#include "vireo-domain-config.h"
#include "vireo-live-change.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"
#include "vireo-virt.h"

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-node.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  return g_strconcat ("test://", abs, NULL);
}

static void
assert_finalized (gpointer object)
{
  GObject *weak = object;

  g_object_add_weak_pointer (weak, (gpointer *) &weak);
  g_object_unref (object);
  /* Workers hand their last references back through the main context. */
  for (int i = 0; weak != NULL && i < 2000; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak);
}

/* ------------------------------------------------------------------------ */

static gboolean
alpha_has_title (gpointer data)
{
  return g_strcmp0 (vireo_domain_get_title (data), "Alpha web server") == 0;
}

static void
test_open_lists_domains (void)
{
  g_autofree char *uri = node_uri ();
  VireoConnection *conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GListModel) list = vireo_connection_list_domains (conn);
  VireoDomain *alpha, *beta;

  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  g_assert_true (vireo_connection_get_populated (conn));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  /* The list comes first; the host's versions follow. */
  vireo_test_wait_for_versions (conn);
  g_assert_true (g_str_has_prefix (vireo_connection_get_versions (conn), "libvirt 9."));

  alpha = vireo_test_find_domain (conn, "alpha");
  beta = vireo_test_find_domain (conn, "beta");
  g_assert_nonnull (alpha);
  g_assert_nonnull (beta);
  g_assert_cmpint (vireo_domain_get_state (alpha), ==, VIREO_DOMAIN_STATE_RUNNING);
  g_assert_true (vireo_domain_get_active (alpha));
  g_assert_cmpint (vireo_domain_get_state (beta), ==, VIREO_DOMAIN_STATE_SHUTOFF);
  g_assert_cmpuint (vireo_domain_get_max_memory_kib (alpha), ==, 512 * 1024);
  g_assert_cmpuint (vireo_domain_get_vcpus (beta), ==, 2);
  g_assert_cmpstr (vireo_domain_get_uuid (alpha), ==, "11111111-1111-4111-8111-111111111111");
  g_assert_true (vireo_connection_find_domain (conn, "11111111-1111-4111-8111-111111111111") == alpha);

  /* Titles come from the bulk worker's detail pass, after the list. */
  vireo_test_wait_for (alpha_has_title, alpha, 10, "alpha's title");
  g_assert_cmpstr (vireo_domain_get_description (alpha), ==, "Serves the intranet.");
  g_assert_null (vireo_domain_get_title (beta));

  vireo_connection_close (conn);
  g_clear_object (&list);
  assert_finalized (conn);
}

static void
test_open_fails_cleanly (void)
{
  VireoConnection *conn = vireo_connection_new ("test:///no/such/node-file.xml");
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  vireo_connection_open_async (conn, NULL, vireo_test_async_cb, &a);
  g_assert_false (vireo_connection_open_finish (conn, vireo_test_async_wait (&a, 10), &error));
  g_object_unref (a.result);

  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "node-file.xml"));
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);
  g_assert_nonnull (strstr (vireo_connection_get_error_message (conn), "Could not connect"));
  g_assert_false (vireo_connection_get_populated (conn));

  assert_finalized (conn);
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  VireoDomain      *domain;
  VireoDomainState  want;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *w = data;
  return vireo_domain_get_state (w->domain) == w->want;
}

static void
run_action (VireoDomain       *domain,
            VireoDomainAction  action,
            VireoDomainState   expected)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  StateWait w = { domain, expected };

  vireo_domain_action_async (domain, action, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 10), &error));
  g_assert_no_error (error);
  g_object_unref (a.result);

  /* Statistics are off: only a libvirt event can bring the new state. */
  vireo_test_wait_for (state_is, &w, 5, vireo_domain_state_to_string (expected));
}

static void
count_signal (guint *counter)
{
  (*counter)++;
}

static void
test_lifecycle_through_events (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *beta = vireo_test_find_domain (conn, "beta");
  guint notified = 0, changed = 0;

  g_signal_connect_swapped (beta, "notify::state", G_CALLBACK (count_signal), &notified);
  g_signal_connect_swapped (conn, "domain-state-changed", G_CALLBACK (count_signal), &changed);

  g_assert_true (vireo_domain_can_do (beta, VIREO_DOMAIN_ACTION_START));
  g_assert_false (vireo_domain_can_do (beta, VIREO_DOMAIN_ACTION_PAUSE));

  run_action (beta, VIREO_DOMAIN_ACTION_START, VIREO_DOMAIN_STATE_RUNNING);
  g_assert_true (vireo_domain_get_active (beta));
  g_assert_true (vireo_domain_can_do (beta, VIREO_DOMAIN_ACTION_PAUSE));
  run_action (beta, VIREO_DOMAIN_ACTION_PAUSE, VIREO_DOMAIN_STATE_PAUSED);
  g_assert_true (vireo_domain_can_do (beta, VIREO_DOMAIN_ACTION_RESUME));
  run_action (beta, VIREO_DOMAIN_ACTION_RESUME, VIREO_DOMAIN_STATE_RUNNING);
  run_action (beta, VIREO_DOMAIN_ACTION_DESTROY, VIREO_DOMAIN_STATE_SHUTOFF);
  g_assert_false (vireo_domain_get_active (beta));

  g_assert_cmpuint (notified, ==, 4);
  g_assert_cmpuint (changed, ==, 4);

  vireo_connection_close (conn);
}

static void
test_errors_are_mapped (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *alpha = vireo_test_find_domain (conn, "alpha");
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  /* Starting a running domain: libvirt's own words reach the caller. (The
   * test driver calls this an internal error; the QEMU driver's
   * OPERATION_INVALID mapping is checked in the integration tier.) */
  vireo_domain_action_async (alpha, VIREO_DOMAIN_ACTION_START, NULL, vireo_test_async_cb, &a);
  g_assert_false (vireo_domain_action_finish (alpha, vireo_test_async_wait (&a, 10), &error));
  g_object_unref (a.result);
  g_assert_true (error->domain == VIREO_VIRT_ERROR);
  g_assert_nonnull (strstr (error->message, "already running"));
  g_clear_error (&error);

  /* After close, actions fail with "not connected", they do not hang. */
  vireo_connection_close (conn);
  a.result = NULL;
  vireo_domain_action_async (alpha, VIREO_DOMAIN_ACTION_PAUSE, NULL, vireo_test_async_cb, &a);
  g_assert_false (vireo_domain_action_finish (alpha, vireo_test_async_wait (&a, 10), &error));
  g_object_unref (a.result);
  g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED);

  /* The domains stay listed while disconnected. */
  g_assert_nonnull (vireo_test_find_domain (conn, "alpha"));
}

static void
test_cancelled_before_running (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *alpha = vireo_test_find_domain (conn, "alpha");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  vireo_domain_action_async (alpha, VIREO_DOMAIN_ACTION_DESTROY, cancellable, vireo_test_async_cb, &a);
  g_assert_false (vireo_domain_action_finish (alpha, vireo_test_async_wait (&a, 10), &error));
  g_object_unref (a.result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* It really did not run. */
  g_assert_cmpint (vireo_domain_get_state (alpha), ==, VIREO_DOMAIN_STATE_RUNNING);
  vireo_connection_close (conn);
}

/* ------------------------------------------------------------------------ */

static gboolean
has_n_items (gpointer data)
{
  GListModel *list = ((gpointer *) data)[0];
  guint want = GPOINTER_TO_UINT (((gpointer *) data)[1]);
  return g_list_model_get_n_items (list) == want;
}

/* test:///default is shared by all connections of a process, so a second,
 * plain libvirt connection can change it "outside Vireo". */
static void
test_outside_changes_arrive (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection ("test:///default", 0);
  g_autoptr(GListModel) list = vireo_connection_list_domains (conn);
  virConnectPtr outside = virConnectOpen ("test:///default");
  virDomainPtr dom;
  guint before = g_list_model_get_n_items (list);
  guint items_changed = 0;
  gpointer wait[2] = { list, GUINT_TO_POINTER (before + 1) };
  StateWait w = { 0 };

  g_assert_nonnull (outside);
  g_signal_connect_swapped (list, "items-changed", G_CALLBACK (count_signal), &items_changed);

  dom = virDomainDefineXML (outside,
                            "<domain type='test'><name>outsider</name><memory>65536</memory>"
                            "<os><type>hvm</type></os></domain>");
  g_assert_nonnull (dom);
  vireo_test_wait_for (has_n_items, wait, 5, "the defined domain to appear");
  g_assert_cmpuint (items_changed, >=, 1);

  w.domain = vireo_test_find_domain (conn, "outsider");
  g_assert_nonnull (w.domain);
  g_assert_cmpint (vireo_domain_get_state (w.domain), ==, VIREO_DOMAIN_STATE_SHUTOFF);

  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  w.want = VIREO_DOMAIN_STATE_RUNNING;
  vireo_test_wait_for (state_is, &w, 5, "outsider running");

  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  wait[1] = GUINT_TO_POINTER (before);
  vireo_test_wait_for (has_n_items, wait, 5, "the undefined domain to go");
  g_assert_null (vireo_test_find_domain (conn, "outsider"));

  virDomainFree (dom);
  virConnectClose (outside);
  vireo_connection_close (conn);
}

/* ------------------------------------------------------------------------ */

static VireoDeletePlan *
plan_for (VireoDomain *domain)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  VireoDeletePlan *plan;

  vireo_domain_plan_delete_async (domain, NULL, vireo_test_async_cb, &a);
  plan = vireo_domain_plan_delete_finish (domain, vireo_test_async_wait (&a, 10), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

static VireoDeleteDisk *
disk_by_target (VireoDeletePlan *plan,
                const char      *target)
{
  for (guint i = 0; i < vireo_delete_plan_get_n_disks (plan); i++)
    if (g_strcmp0 (vireo_delete_plan_get_disk (plan, i)->target, target) == 0)
      return vireo_delete_plan_get_disk (plan, i);
  g_error ("no disk %s in the plan", target);
}

static void
lookup_volume_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  virStorageVolPtr vol = virStorageVolLookupByPath (conn, task_data);

  g_task_return_boolean (task, vol != NULL);
  if (vol != NULL)
    virStorageVolFree (vol);
  virResetLastError ();
}

static gboolean
volume_exists (VireoConnection *conn,
               const char      *path)
{
  VireoTestAsync a = { 0 };
  GTask *task = g_task_new (conn, NULL, vireo_test_async_cb, &a);
  gboolean ret;

  g_task_set_task_data (task, g_strdup (path), g_free);
  vireo_connection_run (conn, task, lookup_volume_thread);
  ret = g_task_propagate_boolean (G_TASK (vireo_test_async_wait (&a, 10)), NULL);
  g_object_unref (a.result);
  return ret;
}

static void
test_delete_plan_and_delete (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GListModel) list = vireo_connection_list_domains (conn);
  VireoDomain *beta = vireo_test_find_domain (conn, "beta");
  g_autoptr(VireoDeletePlan) plan = plan_for (beta);
  g_autoptr(VireoDeletePlan) gamma_plan = NULL;
  g_auto(GStrv) selected = NULL;
  VireoDeleteDisk *d;
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  gpointer wait[2] = { list, GUINT_TO_POINTER (2) };

  g_assert_cmpstr (vireo_delete_plan_get_name (plan), ==, "beta");
  g_assert_cmpuint (vireo_delete_plan_get_n_disks (plan), ==, 4);

  /* libvirt sorts disks by bus, then target: look them up by target. */
  d = disk_by_target (plan, "vda");            /* its own volume */
  g_assert_cmpstr (d->target, ==, "vda");
  g_assert_null (d->reason_kept);
  g_assert_true (d->delete_storage);
  g_assert_cmpstr (d->volume_key, ==, "/test-pool/beta.qcow2");

  d = disk_by_target (plan, "vdb");            /* also gamma's */
  g_assert_false (d->delete_storage);
  g_assert_nonnull (strstr (d->reason_kept, "gamma"));

  d = disk_by_target (plan, "sda");            /* installer ISO */
  g_assert_false (d->delete_storage);
  g_assert_nonnull (strstr (d->reason_kept, "read-only"));

  d = disk_by_target (plan, "vdc");            /* outside any pool */
  g_assert_false (d->delete_storage);
  g_assert_nonnull (strstr (d->reason_kept, "storage pool"));

  selected = vireo_delete_plan_dup_selected_targets (plan);
  g_assert_cmpstrv (selected, ((const char *[]) { "vda", NULL }));

  g_assert_true (volume_exists (conn, "/test-pool/beta.qcow2"));
  vireo_domain_delete_async (beta, plan, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_delete_finish (beta, vireo_test_async_wait (&a, 10), &error));
  g_assert_no_error (error);
  g_object_unref (a.result);

  /* Gone from the list through the UNDEFINED event, its volume deleted,
   * the shared one kept. */
  vireo_test_wait_for (has_n_items, wait, 5, "beta to leave the list");
  g_assert_null (vireo_test_find_domain (conn, "beta"));
  g_assert_false (volume_exists (conn, "/test-pool/beta.qcow2"));
  g_assert_true (volume_exists (conn, "/test-pool/shared.img"));

  /* With beta gone, gamma alone uses the shared image: deletable now. */
  gamma_plan = plan_for (vireo_test_find_domain (conn, "gamma"));
  g_assert_null (vireo_delete_plan_get_disk (gamma_plan, 0)->reason_kept);

  vireo_connection_close (conn);
}

static void
test_delete_running_forces_off (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GListModel) list = vireo_connection_list_domains (conn);
  VireoDomain *alpha = vireo_test_find_domain (conn, "alpha");
  g_autoptr(VireoDeletePlan) plan = plan_for (alpha);
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  gpointer wait[2] = { list, GUINT_TO_POINTER (2) };

  /* Keep the storage this time. */
  vireo_delete_plan_get_disk (plan, 0)->delete_storage = FALSE;
  vireo_domain_delete_async (alpha, plan, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_delete_finish (alpha, vireo_test_async_wait (&a, 10), &error));
  g_assert_no_error (error);
  g_object_unref (a.result);

  vireo_test_wait_for (has_n_items, wait, 5, "alpha to leave the list");
  g_assert_true (volume_exists (conn, "/test-pool/alpha.qcow2"));
  vireo_connection_close (conn);
}

/* ------------------------------------------------------------------------ */

static gboolean
has_cpu_figure (gpointer data)
{
  return vireo_domain_get_cpu_percent (data) >= 0;
}

static void
test_stats_sampling (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 1);
  VireoDomain *alpha = vireo_test_find_domain (conn, "alpha");
  VireoDomain *beta = vireo_test_find_domain (conn, "beta");
  guint sampled = 0;

  g_signal_connect_swapped (alpha, "sampled", G_CALLBACK (count_signal), &sampled);
  vireo_test_wait_for (has_cpu_figure, alpha, 10, "a CPU figure for alpha");
  g_assert_cmpfloat (vireo_domain_get_cpu_percent (alpha), <=, 100);
  g_assert_cmpuint (sampled, >=, 1);
  g_assert_cmpuint (vireo_history_get_length (vireo_domain_get_cpu_history (alpha)), >=, 1);

  /* Shut-off machines have no figures, rather than stale zeros. */
  g_assert_cmpfloat (vireo_domain_get_cpu_percent (beta), <, 0);
  g_assert_cmpfloat (vireo_domain_get_disk_rate (beta), <, 0);
  vireo_connection_close (conn);
}

static void
test_manager_falls_back_to_demo (void)
{
  g_autoptr(VireoConnectionManager) manager = vireo_connection_manager_new ();
  g_autoptr(GListModel) connections = vireo_connection_manager_list_connections (manager);
  g_autofree char *demo = node_uri ();
  const char *candidates[] = { "test:///no/such/a.xml", "test:///no/such/b.xml", NULL };
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  g_autofree char *name = NULL;

  vireo_connection_manager_open_default_async (manager, candidates, demo, NULL, vireo_test_async_cb, &a);
  conn = vireo_connection_manager_open_default_finish (manager, vireo_test_async_wait (&a, 20), &error);
  g_object_unref (a.result);
  g_assert_no_error (error);

  g_assert_nonnull (conn);
  g_assert_true (vireo_connection_get_is_demo (conn));
  g_assert_cmpstr (vireo_connection_get_uri (conn), ==, demo);
  name = vireo_connection_dup_display_name (conn);
  g_assert_cmpstr (name, ==, "Demo");
  /* The candidates that did not answer are gone again. */
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 1);

  vireo_connection_close (conn);
}

static void
test_display_names (void)
{
  struct { const char *uri, *name; } cases[] = {
    { "qemu:///system", "QEMU/KVM" },
    { "qemu:///session", "QEMU/KVM user session" },
    { "qemu+ssh://root@kvm1.example.org/system", "kvm1.example.org (QEMU/KVM)" },
    { "qemu+tls://kvm2/session", "kvm2 (QEMU/KVM user session)" },
    { "qemu:///system?socket=/tmp/s", "QEMU/KVM" },
    { "qemu+ssh://root@10.0.0.5:2222/system", "10.0.0.5:2222 (QEMU/KVM)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoConnection) conn = vireo_connection_new (cases[i].uri);
      g_autofree char *name = vireo_connection_dup_display_name (conn);
      g_assert_cmpstr (name, ==, cases[i].name);
      /* Remote is the transport, not the host name. */
      g_assert_cmpint (vireo_connection_get_is_remote (conn), ==, strstr (cases[i].uri, "+") != NULL);
    }
}

static GVariant *
saved_entry (GSettings *settings,
             guint      index)
{
  g_autoptr(GVariant) all = g_settings_get_value (settings, "connections");
  return g_variant_get_child_value (all, index);
}

static gboolean
is_connected (gpointer data)
{
  return vireo_connection_get_state (data) == VIREO_CONNECTION_STATE_CONNECTED;
}

static void
test_manager_saves_connections (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.vireo.Vireo");
  g_autoptr(VireoConnectionManager) manager = vireo_connection_manager_new ();
  g_autoptr(GListModel) list = vireo_connection_manager_list_connections (manager);
  g_autofree char *node = node_uri ();
  g_autoptr(GVariant) entry = NULL;
  VireoConnection *a, *b, *demo;
  const char *uri, *name;
  gboolean autoconnect;
  gint64 last;

  g_settings_set_value (settings, "connections",
                        g_variant_new_parsed ("[(%s, 'Lab node', true, int64 5), "
                                              "('test:///default', '', false, int64 0)]", node));
  vireo_connection_manager_bind_settings (manager, settings, "connections");

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  a = vireo_connection_manager_find (manager, node);
  b = vireo_connection_manager_find (manager, "test:///default");
  g_assert_cmpstr (vireo_connection_get_name (a), ==, "Lab node");
  g_assert_true (vireo_connection_get_autoconnect (a));
  g_assert_null (vireo_connection_get_name (b));
  g_assert_false (vireo_connection_get_autoconnect (b));

  /* Only the autoconnect one opens at start-up. */
  g_assert_cmpuint (vireo_connection_manager_open_autoconnect (manager), ==, 1);
  vireo_test_wait_for (is_connected, a, 10, "the autoconnect connection");
  g_assert_cmpint (vireo_connection_get_state (b), ==, VIREO_CONNECTION_STATE_DISCONNECTED);

  /* Connecting stamps the time; renaming and toggling are saved at once. */
  entry = saved_entry (settings, 0);
  g_variant_get (entry, "(&s&sbx)", &uri, &name, &autoconnect, &last);
  g_assert_cmpint (last, >, 5);
  vireo_connection_set_name (b, "Shared default");
  vireo_connection_set_autoconnect (b, TRUE);
  g_clear_pointer (&entry, g_variant_unref);
  entry = saved_entry (settings, 1);
  g_variant_get (entry, "(&s&sbx)", &uri, &name, &autoconnect, &last);
  g_assert_cmpstr (uri, ==, "test:///default");
  g_assert_cmpstr (name, ==, "Shared default");
  g_assert_true (autoconnect);

  /* A demo connection is never saved; removing one forgets it. */
  demo = vireo_connection_manager_add (manager, "test:///default?demo");
  vireo_connection_set_is_demo (demo, TRUE);
  {
    g_autoptr(GVariant) all = g_settings_get_value (settings, "connections");
    g_assert_cmpuint (g_variant_n_children (all), ==, 2);
  }
  vireo_connection_manager_remove (manager, a);
  {
    g_autoptr(GVariant) all = g_settings_get_value (settings, "connections");
    g_assert_cmpuint (g_variant_n_children (all), ==, 1);
  }
}

static gboolean
hold_connection (GSocketService    *service,
                 GSocketConnection *connection,
                 GObject           *source,
                 GPtrArray         *held)
{
  /* Accept and never answer: a host that hangs mid-handshake. */
  g_ptr_array_add (held, g_object_ref (connection));
  return TRUE;
}

static void
test_cancel_hung_connect (void)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) want = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoConnection) conn = NULL;
  g_autofree char *uri = NULL;
  VireoTestAsync a = { 0 };
  gint64 start;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), want, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &got, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (hold_connection), held);
  uri = g_strdup_printf ("qemu+tcp://127.0.0.1:%u/system",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (got)));

  conn = vireo_connection_new (uri);
  vireo_connection_open_async (conn, NULL, vireo_test_async_cb, &a);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTING);
  g_assert_cmpint (vireo_connection_get_connecting_since (conn), >, 0);

  /* The host accepts and then says nothing: still connecting a while later,
   * and the main loop kept running all along (we are spinning it). */
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < G_USEC_PER_SEC / 2)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (held->len, ==, 1);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTING);

  /* Cancel frees the UI at once, whatever the worker is still stuck in. */
  vireo_connection_close (conn);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (vireo_connection_get_connecting_since (conn), ==, 0);
  g_assert_nonnull (strstr (vireo_connection_get_error_message (conn), "cancelled"));

  /* When the host finally hangs up, the late failure changes nothing. */
  g_ptr_array_set_size (held, 0);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  vireo_test_async_wait (&a, 30);
  g_assert_false (vireo_connection_open_finish (conn, a.result, NULL));
  g_object_unref (a.result);
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_DISCONNECTED);
  g_assert_nonnull (strstr (vireo_connection_get_error_message (conn), "cancelled"));
}

static void
test_connect_hints (void)
{
  /* libvirt 9.0's own messages for the failures people meet. */
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu:///system",
    "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory"), "not running"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu:///system",
    "Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied"), "libvirt” group"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu+tcp://10.0.0.1/system",
    "unable to connect to server at '10.0.0.1:16509': Connection refused"), "port"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu+ssh://root@h/system",
    "Cannot recv data: Host key verification failed.: Connection reset by peer"), "ssh-keygen -R"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu+libssh2://u@h/system",
    "SSH transport error: SSH host key for 'h' (75:99) was not accepted"), "refused"));
  /* OpenSSH's own wording for a wrong password. */
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu+ssh://u@h/system",
    "Cannot recv data: u@h: Permission denied (password).: Connection reset by peer"), "login"));
  /* Vireo's own connect timeout. */
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu+tcp://h/system",
    "The host did not answer within 30 seconds."), "reachable"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu+ssh://root@h/system",
    "Cannot recv data: root@h: Permission denied (publickey,password).: Connection reset by peer"), "login"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu+ssh://root@nohost/system",
    "Cannot recv data: ssh: Could not resolve hostname nohost: Name or service not known"), "spelling"));
  g_assert_null (vireo_virt_connect_hint ("qemu:///system", "internal error: something else"));
}

static void
test_error_mapping (void)
{
  /* A failed system call is a lost connection only in the RPC layer. */
  g_assert_cmpint (vireo_virt_error_map (VIR_FROM_STORAGE, VIR_ERR_SYSTEM_ERROR), ==, VIREO_VIRT_ERROR_FAILED);
  g_assert_cmpint (vireo_virt_error_map (VIR_FROM_QEMU, VIR_ERR_SYSTEM_ERROR), ==, VIREO_VIRT_ERROR_FAILED);
  g_assert_cmpint (vireo_virt_error_map (VIR_FROM_RPC, VIR_ERR_SYSTEM_ERROR), ==, VIREO_VIRT_ERROR_CONNECTION_LOST);
  g_assert_cmpint (vireo_virt_error_map (VIR_FROM_REMOTE, VIR_ERR_SYSTEM_ERROR), ==, VIREO_VIRT_ERROR_CONNECTION_LOST);
  g_assert_cmpint (vireo_virt_error_map (VIR_FROM_RPC, VIR_ERR_RPC), ==, VIREO_VIRT_ERROR_CONNECTION_LOST);
  g_assert_cmpint (vireo_virt_error_map (VIR_FROM_QEMU, VIR_ERR_OPERATION_INVALID), ==, VIREO_VIRT_ERROR_OPERATION_INVALID);
  g_assert_cmpint (vireo_virt_error_map (VIR_FROM_ACCESS, VIR_ERR_ACCESS_DENIED), ==, VIREO_VIRT_ERROR_ACCESS_DENIED);
  g_assert_cmpint (vireo_virt_error_map (VIR_FROM_DOMAIN, VIR_ERR_NO_DOMAIN), ==, VIREO_VIRT_ERROR_NO_DOMAIN);
  g_assert_cmpint (vireo_virt_error_map (VIR_FROM_QEMU, VIR_ERR_CONFIG_UNSUPPORTED), ==,
                   VIREO_VIRT_ERROR_UNSUPPORTED_CONFIG);
}

/* Opens @uri with plain libvirt and turns the failure into a GError, as the
 * connection's worker does. */
static GError *
open_error (const char *uri)
{
  virConnectPtr raw = virConnectOpen (uri);

  g_assert_null (raw);
  return vireo_virt_error_from_last (NULL);
}

/* A socket bound but not listening: connecting to it is refused at once,
 * and nothing else can take the address meanwhile. */
static GSocket *
refusing_socket (GSocketAddress  *address,
                 GSocketAddress **bound)
{
  g_autoptr(GError) error = NULL;
  GSocket *sock = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_DEFAULT, &error);

  g_assert_no_error (error);
  g_socket_bind (sock, address, FALSE, &error);
  g_assert_no_error (error);
  *bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  return sock;
}

/* libvirt's words for a refused TCP connection, with a plain summary first
 * and libvirt's own message kept for whoever digs further. */
static void
test_refused_in_plain_words (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) sock = refusing_socket (any, &bound);
  g_autofree char *uri = g_strdup_printf ("qemu+tcp://127.0.0.1:%u/system",
                                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_autoptr(GError) error = open_error (uri);

  g_assert_true (g_str_has_prefix (error->message, "the host refused the connection ("));
  g_assert_nonnull (strstr (error->message, "unable to connect to server at '127.0.0.1:"));
  g_assert_nonnull (strstr (error->message, "Connection refused"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint (uri, error->message), "Check the port"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint (uri, error->message), "libvirt on the host"));
}

/* A local daemon's socket that refuses is not a host refusing: that message
 * stays libvirt's, and the hint says to start the daemon. */
static void
test_local_refused_unchanged (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vireo-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "libvirt-sock", NULL);
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) sock = refusing_socket (address, &bound);
  g_autofree char *uri = g_strdup_printf ("qemu:///system?socket=%s", path);
  g_autoptr(GError) error = open_error (uri);

  g_assert_true (g_str_has_prefix (error->message, "Failed to connect socket to"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint (uri, error->message), "Start it"));
  g_socket_close (sock, NULL);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* An unknown host over ssh, without asking any resolver: libvirt runs the
 * `command=` program as its ssh, and this one fails as ssh does for a name
 * that does not resolve. (tests/integration/test-remote.c resolves for real,
 * over tcp, ssh and libssh2.) */
static void
test_unknown_host_in_plain_words (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vireo-test-XXXXXX", NULL);
  g_autofree char *ssh = g_build_filename (dir, "ssh", NULL);
  g_autofree char *uri = g_strdup_printf ("qemu+ssh://root@no-such-host.invalid/system?command=%s&no_tty=1", ssh);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (ssh,
                       "#!/bin/sh\n"
                       "echo 'ssh: Could not resolve hostname no-such-host.invalid: Name or service not known' >&2\n"
                       /* libvirt collects ssh's stderr from its event loop; a
                        * loaded machine could see the exit first and lose the
                        * message. Real ssh takes longer than this to resolve. */
                       "sleep 0.5\n"
                       "exit 255\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (ssh, 0700), ==, 0);

  error = open_error (uri);
  if (!g_str_has_prefix (error->message, "could not find host “no-such-host.invalid” ("))
    g_error ("unexpected message: %s", error->message);
  g_assert_nonnull (strstr (error->message, "Could not resolve hostname no-such-host.invalid"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint (uri, error->message), "Check its spelling"));

  g_assert_cmpint (g_unlink (ssh), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The hints for the rewritten messages, as the window shows them. */
static void
test_remote_refused_hints (void)
{
  const char *tcp = "Could not connect: the host refused the connection (unable to connect to server at "
                    "'10.0.0.1:16509': Connection refused)";
  const char *ssh = "Could not connect: the host refused the connection (Cannot recv data: ssh: connect to host "
                    "10.0.0.1 port 22: Connection refused: Connection reset by peer)";
  const char *dns = "Could not connect: could not find host “h.invalid” (Unable to resolve address 'h.invalid' "
                    "service '16509': Name or service not known)";

  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu+tcp://10.0.0.1/system", tcp), "libvirt on the host"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu+libssh2://root@10.0.0.1/system", tcp), "SSH server"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu+ssh://root@10.0.0.1/system", ssh), "SSH server"));
  g_assert_nonnull (strstr (vireo_virt_connect_hint ("qemu+tcp://h.invalid/system", dns), "spelling"));
}


static void
test_read_and_define_xml (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *alpha = vireo_test_find_domain (conn, "alpha");
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *again = NULL;
  VireoTestAsync a = { 0 };

  vireo_domain_read_xml_async (alpha, TRUE, NULL, vireo_test_async_cb, &a);
  xml = vireo_domain_read_xml_finish (alpha, vireo_test_async_wait (&a, 10), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vireo_domain_config_get_name (config), ==, "alpha");

  /* An edit defined through the worker is what libvirt has afterwards. */
  vireo_domain_config_set_description (config, "edited by the details view");
  edited = vireo_domain_config_to_xml (config);
  vireo_domain_define_xml_async (alpha, edited, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_define_xml_finish (alpha, vireo_test_async_wait (&a, 10), &error));
  g_clear_object (&a.result);
  g_assert_no_error (error);
  vireo_domain_read_xml_async (alpha, TRUE, NULL, vireo_test_async_cb, &a);
  again = vireo_domain_read_xml_finish (alpha, vireo_test_async_wait (&a, 10), &error);
  g_clear_object (&a.result);
  g_assert_nonnull (strstr (again, "<description>edited by the details view</description>"));

  /* Another UUID would define a second machine: refused before libvirt
   * sees it, and nothing new appears. */
  {
    g_autoptr(GRegex) re = g_regex_new ("<uuid>[^<]*</uuid>", 0, 0, NULL);
    g_autofree char *other = g_regex_replace_literal (re, edited, -1, 0,
                                                      "<uuid>11111111-2222-4333-8444-555555555555</uuid>", 0, NULL);
    g_autoptr(GListModel) list = vireo_connection_list_domains (conn);

    vireo_domain_define_xml_async (alpha, other, NULL, vireo_test_async_cb, &a);
    g_assert_false (vireo_domain_define_xml_finish (alpha, vireo_test_async_wait (&a, 10), &error));
    g_clear_object (&a.result);
    g_assert_error (error, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG);
    g_assert_nonnull (strstr (error->message, "<uuid>"));
    g_clear_error (&error);
    g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  }

  /* libvirt's own refusal comes back as its message. */
  vireo_domain_define_xml_async (alpha, "<domain type='test'><name>alpha</name>"
                                        "<uuid>x</uuid></domain>", NULL, vireo_test_async_cb, &a);
  g_assert_false (vireo_domain_define_xml_finish (alpha, vireo_test_async_wait (&a, 10), &error));
  g_clear_object (&a.result);
  g_assert_nonnull (error);
  g_clear_error (&error);
}

static void
test_rename_keeps_the_machine (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  g_autoptr(GListModel) list = vireo_connection_list_domains (conn);
  VireoDomain *gamma = vireo_test_find_domain (conn, "gamma");
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  g_object_ref (gamma);
  vireo_domain_rename_async (gamma, "delta", NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_rename_finish (gamma, vireo_test_async_wait (&a, 10), &error));
  g_clear_object (&a.result);
  g_assert_no_error (error);

  /* libvirt's undefine-and-define pair must not replace the object: a
   * window open on it follows the new name. */
  {
    gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (g_strcmp0 (vireo_domain_get_name (gamma), "delta") != 0 && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE), g_usleep (1000);
    /* and a moment more, for a late undefine to do harm if it would */
    until = g_get_monotonic_time () + G_USEC_PER_SEC / 5;
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  }
  g_assert_cmpstr (vireo_domain_get_name (gamma), ==, "delta");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  g_assert_true (vireo_test_find_domain (conn, "delta") == gamma);
  g_assert_null (vireo_test_find_domain (conn, "gamma"));

  /* A running machine: libvirt says no, in its words. */
  vireo_domain_rename_async (vireo_test_find_domain (conn, "alpha"), "omega", NULL, vireo_test_async_cb, &a);
  g_assert_false (vireo_domain_rename_finish (vireo_test_find_domain (conn, "alpha"),
                                              vireo_test_async_wait (&a, 10), &error));
  g_clear_object (&a.result);
  g_assert_nonnull (error);
  g_object_unref (gamma);
}

static void
test_apply_live_reports_each_change (void)
{
  g_autofree char *uri = node_uri ();
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  VireoDomain *alpha = vireo_test_find_domain (conn, "alpha");
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) vireo_live_change_free);
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *live = NULL;
  VireoLiveChange *title = g_new0 (VireoLiveChange, 1);
  VireoLiveChange *bogus = g_new0 (VireoLiveChange, 1);
  VireoTestAsync a = { 0 };

  title->kind = VIREO_LIVE_TITLE;
  title->what = g_strdup ("Title");
  title->text = g_strdup ("Changed while running");
  g_ptr_array_add (changes, title);
  bogus->kind = VIREO_LIVE_DETACH;
  bogus->what = g_strdup ("Disk vdz");
  bogus->xml = g_strdup ("<disk type='file' device='disk'><source file='/nowhere.img'/><target dev='vdz'/></disk>");
  g_ptr_array_add (changes, bogus);

  vireo_domain_apply_live_async (alpha, g_steal_pointer (&changes), NULL, vireo_test_async_cb, &a);
  done = vireo_domain_apply_live_finish (alpha, vireo_test_async_wait (&a, 10), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_cmpuint (done->len, ==, 2);

  /* One failing does not stop the other; each says how it went. */
  g_assert_no_error (((VireoLiveChange *) done->pdata[0])->error);
  g_assert_nonnull (((VireoLiveChange *) done->pdata[1])->error);

  vireo_domain_read_xml_async (alpha, FALSE, NULL, vireo_test_async_cb, &a);
  live = vireo_domain_read_xml_finish (alpha, vireo_test_async_wait (&a, 10), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (live, "<title>Changed while running</title>"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

  g_test_add_func ("/virt/connection/open-lists-domains", test_open_lists_domains);
  g_test_add_func ("/virt/connection/open-fails-cleanly", test_open_fails_cleanly);
  g_test_add_func ("/virt/connection/display-names", test_display_names);
  g_test_add_func ("/virt/domain/lifecycle-through-events", test_lifecycle_through_events);
  g_test_add_func ("/virt/domain/errors-are-mapped", test_errors_are_mapped);
  g_test_add_func ("/virt/error/mapping", test_error_mapping);
  g_test_add_func ("/virt/error/connect-hints", test_connect_hints);
  g_test_add_func ("/virt/connection/cancel-hung-connect", test_cancel_hung_connect);
  g_test_add_func ("/virt/domain/cancelled-before-running", test_cancelled_before_running);
  g_test_add_func ("/virt/connection/outside-changes-arrive", test_outside_changes_arrive);
  g_test_add_func ("/virt/domain/delete-plan-and-delete", test_delete_plan_and_delete);
  g_test_add_func ("/virt/domain/delete-running-forces-off", test_delete_running_forces_off);
  g_test_add_func ("/virt/connection/stats-sampling", test_stats_sampling);
  g_test_add_func ("/virt/manager/falls-back-to-demo", test_manager_falls_back_to_demo);
  g_test_add_func ("/virt/manager/saves-connections", test_manager_saves_connections);
  g_test_add_func ("/virt/domain/read-and-define-xml", test_read_and_define_xml);
  g_test_add_func ("/virt/domain/rename-keeps-the-machine", test_rename_keeps_the_machine);
  g_test_add_func ("/virt/domain/apply-live-reports-each-change", test_apply_live_reports_each_change);
  g_test_add_func ("/virt/error/refused-in-plain-words", test_refused_in_plain_words);
  g_test_add_func ("/virt/error/local-refused-unchanged", test_local_refused_unchanged);
  g_test_add_func ("/virt/error/unknown-host-in-plain-words", test_unknown_host_in_plain_words);
  g_test_add_func ("/virt/error/remote-refused-hints", test_remote_refused_hints);

  ret = g_test_run ();
  /* Workers may still be closing connections; exit only once they are done. */
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
