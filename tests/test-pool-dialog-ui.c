/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * New Storage Pool and Secrets on a test-driver host
 * (tests/data/test-networks.xml, which has the pool "lab-pool"): the types
 * offered follow the pool capabilities (the test driver's none, and
 * libvirt 9.0's from tests/data/storage), each type shows exactly its
 * fields, refusals land on the field at fault with the typing kept, a dir
 * pool is made, a netfs pool's XML and virsh lines, Find for logical and
 * netfs (the test driver answers both) and its failure for iscsi in words.
 * The test driver has no secret driver: the Secrets dialog shows its empty
 * state and libvirt's refusal; tests/integration/test-secrets-ui.c makes,
 * lists and deletes a secret on a real daemon.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-pool-dialog.h"
#include "vireo-secrets-dialog.h"
#include "vireo-storage.h"
#include "vireo-storage-config.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-networks.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  return g_strconcat ("test://", abs, NULL);
}

static VireoPoolCaps *
libvirt_9_caps (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "storage", "pool-caps-libvirt-9.0.xml", NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  VireoPoolCaps *caps;

  g_assert_true (g_file_get_contents (path, &xml, NULL, &error));
  caps = vireo_pool_caps_new_from_xml (xml, &error);
  g_assert_no_error (error);
  g_assert_true (caps->known);
  return caps;
}

static GtkWidget *
named (GtkWidget  *root,
       const char *name)
{
  GtkWidget *found = vireo_test_find_named (root, name);

  if (found == NULL)
    g_error ("no widget named %s", name);
  return found;
}

static const char *
text_of (GtkWidget  *root,
         const char *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (named (root, name)));
}

static void
set_text (GtkWidget  *root,
          const char *name,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (named (root, name)), text);
}

static gboolean
shown (GtkWidget  *root,
       const char *name)
{
  return gtk_widget_get_visible (named (root, name));
}

static gboolean
marked (GtkWidget  *root,
        const char *name)
{
  return gtk_widget_has_css_class (named (root, name), "error");
}

static GtkSwitch *
switch_of (GtkWidget  *root,
           const char *name)
{
  return GTK_SWITCH (named (root, name));
}

static void
select_item (GtkWidget  *root,
             const char *combo_name,
             const char *label)
{
  AdwComboRow *row = ADW_COMBO_ROW (named (root, combo_name));
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), label))
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  g_error ("%s does not offer %s", combo_name, label);
}

static const char *
selected_item (GtkWidget  *root,
               const char *combo_name)
{
  AdwComboRow *row = ADW_COMBO_ROW (named (root, combo_name));
  GtkStringObject *item = adw_combo_row_get_selected_item (row);

  return item ? gtk_string_object_get_string (item) : NULL;
}

static gboolean
dialog_ready (gpointer data)
{
  return vireo_pool_dialog_get_ready (data);
}

/* Holds a dialog open for a screenshot when VIREO_TEST_HOLD says for how
 * many seconds (never in the test runs). */
static void
maybe_hold (GtkWidget *window)
{
  const char *hold = g_getenv ("VIREO_TEST_HOLD");
  gint64 end;

  if (hold == NULL)
    return;
  end = g_get_monotonic_time () + (gint64) (g_ascii_strtod (hold, NULL) * G_USEC_PER_SEC);
  gtk_window_present (GTK_WINDOW (window));
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

typedef struct
{
  VireoConnection *conn;
  GtkWidget       *dialog;
  char            *created;
} Fixture;

static void
on_created (VireoPoolDialog *dialog,
            const char      *name,
            Fixture         *f)
{
  g_assert_null (f->created);
  f->created = g_strdup (name);
}

static void
open_dialog (Fixture             *f,
             const VireoPoolCaps *caps)
{
  const char *taken[] = { "lab-pool", NULL };

  f->dialog = vireo_pool_dialog_new (f->conn, caps, taken);
  g_object_ref_sink (f->dialog);
  g_signal_connect (f->dialog, "created", G_CALLBACK (on_created), f);
  gtk_window_present (GTK_WINDOW (f->dialog));
  vireo_test_wait_for (dialog_ready, f->dialog, 10, "the pool types and secrets");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *uri = node_uri ();

  f->conn = vireo_test_open_connection (uri, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *w;

  while ((w = vireo_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL)
    gtk_window_destroy (GTK_WINDOW (w));
  if (f->dialog != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (f->dialog));
      g_clear_object (&f->dialog);
    }
  g_clear_pointer (&f->created, g_free);
  vireo_connection_close (f->conn);
  g_clear_object (&f->conn);
}

/* ------------------------------------------------------------------------ */

static guint
n_types_offered (Fixture *f)
{
  return g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (named (f->dialog, "pool-type"))));
}

static const char *
general_description (Fixture *f)
{
  GtkWidget *group = gtk_widget_get_ancestor (named (f->dialog, "pool-type"), ADW_TYPE_PREFERENCES_GROUP);

  return adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group));
}

/* The test driver has no pool capabilities: every type Vireo knows is
 * offered, and the dialog says libvirt did not tell. */
static void
test_types_unknown (Fixture       *f,
                    gconstpointer  data)
{
  open_dialog (f, NULL);
  g_assert_cmpuint (n_types_offered (f), ==, g_strv_length ((char **) vireo_pool_type_list ()));
  g_assert_nonnull (strstr (general_description (f), "libvirt did not say which types it supports"));
  /* A folder is the default: it works everywhere. */
  g_assert_cmpstr (vireo_pool_dialog_get_pool_type (VIREO_POOL_DIALOG (f->dialog)), ==, "dir");
  g_assert_cmpstr (selected_item (f->dialog, "pool-type"), ==, vireo_pool_type_get_label ("dir"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (named (f->dialog, "pool-type"))), ==,
                   vireo_pool_type_get_description ("dir"));
}

/* libvirt 9.0's answer: what it lists as unsupported is not offered. */
static void
test_types_from_caps (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(VireoPoolCaps) caps = libvirt_9_caps ();
  const char *offered[] = { "dir", "fs", "netfs", "logical", "disk", "iscsi", "scsi", "mpath", NULL };
  const char *refused[] = { "iscsi-direct", "rbd", "gluster", "zfs", "vstorage", NULL };
  VireoPoolDialog *pd;

  open_dialog (f, caps);
  pd = VIREO_POOL_DIALOG (f->dialog);
  g_assert_cmpuint (n_types_offered (f), ==, g_strv_length ((char **) offered));
  for (guint i = 0; offered[i] != NULL; i++)
    {
      g_assert_true (vireo_pool_dialog_select_type (pd, offered[i]));
      g_assert_cmpstr (selected_item (f->dialog, "pool-type"), ==, vireo_pool_type_get_label (offered[i]));
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (named (f->dialog, "pool-type"))), ==,
                       vireo_pool_type_get_description (offered[i]));
    }
  for (guint i = 0; refused[i] != NULL; i++)
    g_assert_false (vireo_pool_dialog_select_type (pd, refused[i]));
  g_assert_cmpstr (general_description (f) ? general_description (f) : "", ==, "");
}

/* Every type shows exactly the rows vireo_pool_type_get_fields() gives it. */
static void
test_fields_follow_type (Fixture       *f,
                         gconstpointer  data)
{
  const char * const *types = vireo_pool_type_list ();
  VireoPoolDialog *pd;
  const struct {
    const char      *row;
    VireoPoolFields  fields;
  } rows[] = {
    { "pool-target", VIREO_POOL_FIELD_TARGET_PATH },
    { "pool-host", VIREO_POOL_FIELD_SOURCE_HOST },
    { "pool-port", VIREO_POOL_FIELD_SOURCE_HOST },
    { "pool-hosts", VIREO_POOL_FIELD_SOURCE_HOSTS },
    { "pool-source-path", VIREO_POOL_FIELD_SOURCE_PATH },
    { "pool-device", VIREO_POOL_FIELD_SOURCE_DEVICE | VIREO_POOL_FIELD_SOURCE_DEVICES },
    { "pool-source-name", VIREO_POOL_FIELD_SOURCE_NAME },
    { "pool-format", VIREO_POOL_FIELD_FORMAT },
    { "pool-iqn", VIREO_POOL_FIELD_IQN },
    { "pool-initiator", VIREO_POOL_FIELD_INITIATOR },
    { "pool-auth", VIREO_POOL_FIELD_AUTH },
    { "pool-adapter", VIREO_POOL_FIELD_ADAPTER },
  };

  open_dialog (f, NULL);
  pd = VIREO_POOL_DIALOG (f->dialog);
  for (guint t = 0; types[t] != NULL; t++)
    {
      VireoPoolFields fields = vireo_pool_type_get_fields (types[t]);
      gboolean finds = g_str_equal (types[t], "logical") || g_str_equal (types[t], "netfs") ||
                       g_str_equal (types[t], "iscsi");

      g_assert_true (vireo_pool_dialog_select_type (pd, types[t]));
      for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
        if (shown (f->dialog, rows[r].row) != ((fields & rows[r].fields) != 0))
          g_error ("%s: %s is %s", types[t], rows[r].row, shown (f->dialog, rows[r].row) ? "shown" : "hidden");
      g_assert_cmpint (shown (f->dialog, "pool-find"), ==, finds);
      /* No secret chosen: no user name asked. */
      g_assert_false (shown (f->dialog, "pool-username"));
    }

  /* Titles say what the field is for this type. */
  vireo_pool_dialog_select_type (pd, "netfs");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (named (f->dialog, "pool-source-path"))), ==,
                   "_Export Path");
  g_assert_cmpstr (selected_item (f->dialog, "pool-format"), ==, "auto");
  vireo_pool_dialog_select_type (pd, "logical");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (named (f->dialog, "pool-source-name"))), ==,
                   "_Volume Group");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (named (f->dialog, "pool-device"))), ==,
                   "Source _Devices (comma-separated)");

  /* Build: on for a folder, off where it erases a device, absent where
   * there is nothing to build. */
  vireo_pool_dialog_select_type (pd, "dir");
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_ancestor (named (f->dialog, "pool-build"),
                                                                  ADW_TYPE_ACTION_ROW)));
  g_assert_true (gtk_switch_get_active (switch_of (f->dialog, "pool-build")));
  vireo_pool_dialog_select_type (pd, "disk");
  g_assert_false (gtk_switch_get_active (switch_of (f->dialog, "pool-build")));
  vireo_pool_dialog_select_type (pd, "iscsi");
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_ancestor (named (f->dialog, "pool-build"),
                                                                   ADW_TYPE_ACTION_ROW)));
}

/* A taken name, an empty target and a bad port are refused on their row,
 * with the typing kept and nothing created. */
static void
test_refusals (Fixture       *f,
               gconstpointer  data)
{
  VireoPoolDialog *pd;

  open_dialog (f, NULL);
  pd = VIREO_POOL_DIALOG (f->dialog);
  g_assert_cmpstr (text_of (f->dialog, "pool-name"), ==, "pool1");
  /* The target follows the name until the user types one. */
  g_assert_cmpstr (text_of (f->dialog, "pool-target"), ==, "/var/lib/libvirt/images/pool1");

  set_text (f->dialog, "pool-name", "lab-pool");
  g_assert_cmpstr (text_of (f->dialog, "pool-target"), ==, "/var/lib/libvirt/images/lab-pool");
  gtk_widget_activate_action (f->dialog, "pool.create", NULL);
  g_assert_cmpint (vireo_pool_dialog_get_error_code (pd), ==, VIREO_STORAGE_CONFIG_ERROR_NAME);
  g_assert_nonnull (strstr (vireo_pool_dialog_get_error (pd), "lab-pool"));
  g_assert_true (marked (f->dialog, "pool-name"));
  g_assert_cmpstr (text_of (f->dialog, "pool-name"), ==, "lab-pool");

  set_text (f->dialog, "pool-name", "fresh");
  set_text (f->dialog, "pool-target", "");
  gtk_widget_activate_action (f->dialog, "pool.create", NULL);
  g_assert_cmpint (vireo_pool_dialog_get_error_code (pd), ==, VIREO_STORAGE_CONFIG_ERROR_TARGET_PATH);
  g_assert_true (marked (f->dialog, "pool-target"));
  g_assert_false (marked (f->dialog, "pool-name"));
  g_assert_cmpstr (text_of (f->dialog, "pool-name"), ==, "fresh");
  /* Emptied by the user: the name no longer fills it. */
  set_text (f->dialog, "pool-name", "fresher");
  g_assert_cmpstr (text_of (f->dialog, "pool-target"), ==, "");

  set_text (f->dialog, "pool-target", "relative/path");
  gtk_widget_activate_action (f->dialog, "pool.create", NULL);
  g_assert_cmpint (vireo_pool_dialog_get_error_code (pd), ==, VIREO_STORAGE_CONFIG_ERROR_TARGET_PATH);
  g_assert_cmpstr (text_of (f->dialog, "pool-target"), ==, "relative/path");

  vireo_pool_dialog_select_type (pd, "netfs");
  set_text (f->dialog, "pool-target", "/mnt/fresher");
  set_text (f->dialog, "pool-source-path", "/srv/images");
  gtk_widget_activate_action (f->dialog, "pool.create", NULL);
  g_assert_cmpint (vireo_pool_dialog_get_error_code (pd), ==, VIREO_STORAGE_CONFIG_ERROR_SOURCE_HOST);
  g_assert_true (marked (f->dialog, "pool-host"));
  g_assert_false (marked (f->dialog, "pool-target"));
  set_text (f->dialog, "pool-host", "nas.example.org");
  set_text (f->dialog, "pool-port", "nfs");
  gtk_widget_activate_action (f->dialog, "pool.create", NULL);
  g_assert_cmpint (vireo_pool_dialog_get_error_code (pd), ==, VIREO_STORAGE_CONFIG_ERROR_SOURCE_HOST);
  g_assert_true (marked (f->dialog, "pool-port"));
  g_assert_false (marked (f->dialog, "pool-host"));
  g_assert_cmpstr (text_of (f->dialog, "pool-port"), ==, "nfs");

  /* The server's rows are shared by the network types, typing and all. */
  vireo_pool_dialog_select_type (pd, "iscsi");
  g_assert_cmpstr (text_of (f->dialog, "pool-host"), ==, "nas.example.org");
  set_text (f->dialog, "pool-port", "");
  set_text (f->dialog, "pool-host", "portal.example.org");
  set_text (f->dialog, "pool-iqn", "not an iqn");
  gtk_widget_activate_action (f->dialog, "pool.create", NULL);
  g_assert_cmpint (vireo_pool_dialog_get_error_code (pd), ==, VIREO_STORAGE_CONFIG_ERROR_IQN);
  g_assert_true (marked (f->dialog, "pool-iqn"));

  g_assert_null (f->created);
}

static VireoPoolInfo *
find_pool (GPtrArray  *pools,
           const char *name)
{
  for (guint i = 0; i < pools->len; i++)
    {
      VireoPoolInfo *pool = g_ptr_array_index (pools, i);

      if (g_strcmp0 (pool->name, name) == 0)
        return pool;
    }
  return NULL;
}

static GPtrArray *
list_pools (VireoConnection *conn)
{
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *pools;

  vireo_connection_list_pools_async (conn, NULL, vireo_test_async_cb, &a);
  pools = vireo_connection_list_pools_finish (conn, vireo_test_async_wait (&a, 10), &error);
  g_assert_no_error (error);
  g_object_unref (a.result);
  return pools;
}

static gboolean
created (gpointer data)
{
  return ((Fixture *) data)->created != NULL;
}

/* A folder pool: defined, built, started, and on the host. */
static void
test_create_dir (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) pools = NULL;
  VireoPoolInfo *pool;
  g_autofree char *command = NULL;

  open_dialog (f, NULL);
  set_text (f->dialog, "pool-name", "images2");
  command = vireo_pool_dialog_dup_command (VIREO_POOL_DIALOG (f->dialog));
  g_assert_nonnull (strstr (command, "pool-define images2.xml\n"));
  g_assert_nonnull (strstr (command, "pool-build images2\n"));
  g_assert_nonnull (strstr (command, "pool-start images2\n"));
  g_assert_nonnull (strstr (command, "pool-autostart images2"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (named (f->dialog, "pool-command"))), ==, command);
  {
    GtkExpander *expander = GTK_EXPANDER (vireo_test_find_descendant (f->dialog, GTK_TYPE_EXPANDER));
    g_autofree char *xml = vireo_pool_dialog_dup_xml (VIREO_POOL_DIALOG (f->dialog));

    /* The expander shows the XML Create sends. */
    g_assert_nonnull (strstr (xml, "<path>/var/lib/libvirt/images/images2</path>"));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_expander_get_child (expander))), ==, xml);
  }

  gtk_widget_activate_action (f->dialog, "pool.create", NULL);
  g_assert_null (vireo_pool_dialog_get_error (VIREO_POOL_DIALOG (f->dialog)));
  vireo_test_wait_for (created, f, 10, "the pool");
  g_assert_cmpstr (f->created, ==, "images2");
  g_assert_null (vireo_test_find_toplevel (VIREO_TYPE_POOL_DIALOG));

  pools = list_pools (f->conn);
  if ((pool = find_pool (pools, "images2")) == NULL)
    g_error ("images2 is not on the host");
  g_assert_cmpstr (pool->type, ==, "dir");
  g_assert_true (pool->active);
  g_assert_nonnull (find_pool (pools, "lab-pool"));
}

/* NFS: the host, export and format go where libvirt reads them; the virsh
 * lines follow the switches. */
static void
test_netfs_xml (Fixture       *f,
                gconstpointer  data)
{
  VireoPoolDialog *pd;
  g_autofree char *xml = NULL;
  g_autofree char *command = NULL;
  g_autofree char *host = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *format = NULL;
  g_autofree char *target = NULL;
  g_autoptr(VireoPoolConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  guint port = 0;

  open_dialog (f, NULL);
  pd = VIREO_POOL_DIALOG (f->dialog);
  g_assert_true (vireo_pool_dialog_select_type (pd, "netfs"));
  set_text (f->dialog, "pool-name", "nfs-images");
  set_text (f->dialog, "pool-host", "nas.example.org");
  set_text (f->dialog, "pool-port", "2049");
  set_text (f->dialog, "pool-source-path", "/srv/images");
  select_item (f->dialog, "pool-format", "nfs");

  xml = vireo_pool_dialog_dup_xml (pd);
  config = vireo_pool_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vireo_pool_config_get_pool_type (config), ==, "netfs");
  host = vireo_pool_config_dup_source_host (config, &port);
  dir = vireo_pool_config_dup_source_dir (config);
  format = vireo_pool_config_dup_format (config);
  target = vireo_pool_config_dup_target_path (config);
  g_assert_cmpstr (host, ==, "nas.example.org");
  g_assert_cmpuint (port, ==, 2049);
  g_assert_cmpstr (dir, ==, "/srv/images");
  g_assert_cmpstr (format, ==, "nfs");
  /* A mount point named after the pool. */
  g_assert_cmpstr (target, ==, "/var/lib/libvirt/images/nfs-images");
  g_assert_true (vireo_pool_config_validate (config, NULL, &error));
  g_assert_nonnull (strstr (xml, "<host name=\"nas.example.org\" port=\"2049\"/>"));

  /* Building an NFS pool only makes the mount point: on by default. */
  command = vireo_pool_dialog_dup_command (pd);
  g_assert_nonnull (strstr (command, "pool-build nfs-images"));
  gtk_switch_set_active (switch_of (f->dialog, "pool-build"), FALSE);
  gtk_switch_set_active (switch_of (f->dialog, "pool-autostart"), FALSE);
  g_clear_pointer (&command, g_free);
  command = vireo_pool_dialog_dup_command (pd);
  g_assert_nonnull (strstr (command, "pool-define nfs-images.xml\n"));
  g_assert_null (strstr (command, "pool-build"));
  g_assert_nonnull (strstr (command, "pool-start nfs-images"));
  g_assert_null (strstr (command, "pool-autostart"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (named (f->dialog, "pool-command"))), ==, command);
  maybe_hold (f->dialog);
}

static gboolean
find_done (gpointer data)
{
  return gtk_widget_get_sensitive (named (data, "pool-find-button"));
}

static void
run_find (Fixture *f)
{
  g_assert_true (gtk_widget_activate_action (f->dialog, "pool.find", NULL));
  g_assert_false (gtk_widget_get_sensitive (named (f->dialog, "pool-find-button")));
  vireo_test_wait_for (find_done, f->dialog, 10, "the sources");
}

/* Find offers what libvirt found; picking one fills the fields. A type
 * the host cannot search says why, in libvirt's words. */
static void
test_find (Fixture       *f,
           gconstpointer  data)
{
  VireoPoolDialog *pd;
  AdwActionRow *row;

  open_dialog (f, NULL);
  pd = VIREO_POOL_DIALOG (f->dialog);
  row = ADW_ACTION_ROW (named (f->dialog, "pool-find"));

  /* logical: the test driver's two volume groups. */
  vireo_pool_dialog_select_type (pd, "logical");
  run_find (f);
  g_assert_true (shown (f->dialog, "pool-sources-button"));
  g_assert_nonnull (vireo_test_find_named (f->dialog, "pool-source-1"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (named (f->dialog, "pool-source-0"))), ==,
                   "testvg1 (/dev/sda20)");
  g_signal_emit_by_name (named (f->dialog, "pool-source-1"), "clicked");
  g_assert_cmpstr (text_of (f->dialog, "pool-source-name"), ==, "testvg2");
  g_assert_cmpstr (text_of (f->dialog, "pool-device"), ==, "/dev/sda21");
  g_assert_cmpstr (selected_item (f->dialog, "pool-format"), ==, "lvm2");

  /* netfs needs the server first. */
  vireo_pool_dialog_select_type (pd, "netfs");
  g_assert_false (shown (f->dialog, "pool-sources-button"));
  g_assert_true (gtk_widget_activate_action (f->dialog, "pool.find", NULL));
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Enter the server’s host name first.");
  set_text (f->dialog, "pool-host", "nfs.example.org");
  run_find (f);
  g_signal_emit_by_name (named (f->dialog, "pool-source-0"), "clicked");
  g_assert_cmpstr (text_of (f->dialog, "pool-source-path"), ==, "/testshare");
  g_assert_cmpstr (selected_item (f->dialog, "pool-format"), ==, "nfs");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));

  /* iscsi: the test driver cannot look; its message is shown. */
  vireo_pool_dialog_select_type (pd, "iscsi");
  set_text (f->dialog, "pool-host", "portal.example.org");
  run_find (f);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "does not support source discovery"));
  g_assert_false (shown (f->dialog, "pool-sources-button"));
  /* Only the search failed: the form is as it was. */
  g_assert_null (vireo_pool_dialog_get_error (pd));
  g_assert_cmpstr (text_of (f->dialog, "pool-host"), ==, "portal.example.org");
}

/* ------------------------------------------------------------------------ */

static gboolean
secrets_loaded (gpointer data)
{
  return !vireo_secrets_dialog_get_loading (data);
}

/* The test driver keeps no secrets: the empty state, and libvirt's refusal
 * when one is made. The value typed never stays in the form. */
static void
test_secrets_unsupported (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GtkWidget) dialog = g_object_ref_sink (vireo_secrets_dialog_new (f->conn));
  VireoSecretsDialog *sd = VIREO_SECRETS_DIALOG (dialog);
  GtkWidget *empty = named (dialog, "secret-empty");
  const char *command;

  gtk_window_present (GTK_WINDOW (dialog));
  vireo_test_wait_for (secrets_loaded, dialog, 10, "the secrets");
  g_assert_cmpuint (vireo_secrets_dialog_get_n_secrets (sd), ==, 0);
  g_assert_true (gtk_stack_get_visible_child (GTK_STACK (gtk_widget_get_parent (empty))) == empty);
  g_assert_null (vireo_secrets_dialog_get_error (sd));

  /* The form appears on New Secret. */
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_ancestor (named (dialog, "secret-usage-id"),
                                                                   ADW_TYPE_PREFERENCES_GROUP)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named (dialog, "secret-new")), TRUE);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_ancestor (named (dialog, "secret-usage-id"),
                                                                  ADW_TYPE_PREFERENCES_GROUP)));
  command = gtk_label_get_text (GTK_LABEL (named (dialog, "secret-command")));
  g_assert_nonnull (strstr (command, "secret-define secret.xml"));
  g_assert_nonnull (strstr (command, "secret-set-value UUID --file value.txt --plain"));

  /* No usage id, then no value: each on its row. */
  gtk_widget_activate_action (dialog, "secrets.create", NULL);
  g_assert_cmpint (vireo_secrets_dialog_get_error_code (sd), ==, VIREO_STORAGE_CONFIG_ERROR_USAGE);
  g_assert_true (marked (dialog, "secret-usage-id"));
  set_text (dialog, "secret-usage-id", "chap-lab");
  set_text (dialog, "secret-description", "Lab portal");
  command = gtk_label_get_text (GTK_LABEL (named (dialog, "secret-command")));
  g_assert_nonnull (strstr (command, "<target>chap-lab</target>"));
  g_assert_nonnull (strstr (command, "<description>Lab portal</description>"));
  gtk_widget_activate_action (dialog, "secrets.create", NULL);
  g_assert_cmpint (vireo_secrets_dialog_get_error_code (sd), ==, -2);
  g_assert_false (marked (dialog, "secret-usage-id"));

  set_text (dialog, "secret-value", "hunter2");
  gtk_widget_activate_action (dialog, "secrets.create", NULL);
  g_assert_cmpstr (text_of (dialog, "secret-value"), ==, "");
  vireo_test_wait_for (secrets_loaded, dialog, 10, "libvirt's answer");
  g_assert_nonnull (vireo_secrets_dialog_get_error (sd));
  g_assert_nonnull (strstr (vireo_secrets_dialog_get_error (sd), "not supported"));
  /* What was typed (but the value) is still there to try elsewhere. */
  g_assert_cmpstr (text_of (dialog, "secret-usage-id"), ==, "chap-lab");
  g_assert_cmpuint (vireo_secrets_dialog_get_n_secrets (sd), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();

#define ADD(path, func) g_test_add ("/ui/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("pool-dialog/types-unknown", test_types_unknown);
  ADD ("pool-dialog/types-from-caps", test_types_from_caps);
  ADD ("pool-dialog/fields-follow-type", test_fields_follow_type);
  ADD ("pool-dialog/refusals", test_refusals);
  ADD ("pool-dialog/create-dir", test_create_dir);
  ADD ("pool-dialog/netfs-xml", test_netfs_xml);
  ADD ("pool-dialog/find", test_find);
  ADD ("secrets/unsupported", test_secrets_unsupported);
#undef ADD

  status = g_test_run ();
  /* Workers may still be closing connections; exit only once they are done. */
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return status;
}
