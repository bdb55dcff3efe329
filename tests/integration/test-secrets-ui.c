/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Secrets dialog on the private daemon, under Xvfb: a secret made with
 * a value through the form is listed and holds that value (read back
 * through libvirt, the secret being made non-private for that), Set Value
 * replaces it, New Storage Pool offers it for an iSCSI pool's CHAP login,
 * and Delete (after its confirmation) removes it from the host.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-pool-dialog.h"
#include "vireo-secrets-dialog.h"
#include "vireo-storage-config.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

#define USAGE "vireo-ui-chap"

static virConnectPtr direct;

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
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

static gboolean
loaded (gpointer data)
{
  return !vireo_secrets_dialog_get_loading (data);
}

/* The value libvirt holds for the secret of @usage, as text. */
static char *
value_of (const char *usage)
{
  virSecretPtr secret = virSecretLookupByUsage (direct, VIR_SECRET_USAGE_TYPE_ISCSI, usage);
  unsigned char *bytes;
  size_t size = 0;
  char *text;

  g_assert_nonnull (secret);
  bytes = virSecretGetValue (secret, &size, 0);
  g_assert_nonnull (bytes);
  text = g_strndup ((const char *) bytes, size);
  memset (bytes, 0, size);
  free (bytes);
  virSecretFree (secret);
  return text;
}

static char *
uuid_of (const char *usage)
{
  virSecretPtr secret = virSecretLookupByUsage (direct, VIR_SECRET_USAGE_TYPE_ISCSI, usage);
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (secret == NULL)
    return NULL;
  g_assert_cmpint (virSecretGetUUIDString (secret, uuid), ==, 0);
  virSecretFree (secret);
  return g_strdup (uuid);
}

static gboolean
pool_dialog_ready (gpointer data)
{
  return vireo_pool_dialog_get_ready (data);
}

/* Holds the window open for a screenshot when VIREO_TEST_HOLD says for
 * how many seconds (never in the test runs). */
static void
maybe_hold (GtkWidget *dialog)
{
  const char *hold = g_getenv ("VIREO_TEST_HOLD");
  gint64 end;

  if (hold == NULL)
    return;
  end = g_get_monotonic_time () + (gint64) (g_ascii_strtod (hold, NULL) * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static gboolean
no_message_dialog (gpointer data)
{
  return vireo_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

static void
respond (const char *response)
{
  GtkWidget *dialog = vireo_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  g_assert_nonnull (dialog);
  /* The dialog closes itself after a response, as on a click. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_close (GTK_WINDOW (dialog));
  vireo_test_wait_for (no_message_dialog, NULL, 10, "the dialog to close");
}

static void
test_secret_lifecycle (void)
{
  VireoConnection *conn = vireo_test_open_connection (require_env ("VIREO_TEST_URI"), 0);
  g_autoptr(GtkWidget) dialog = g_object_ref_sink (vireo_secrets_dialog_new (conn));
  VireoSecretsDialog *sd = VIREO_SECRETS_DIALOG (dialog);
  g_autofree char *uuid = NULL;
  g_autofree char *row_name = NULL;
  g_autofree char *value = NULL;
  GtkWidget *row;
  GtkWidget *message;
  guint before;

  gtk_window_present (GTK_WINDOW (dialog));
  vireo_test_wait_for (loaded, dialog, 30, "the secrets");
  g_assert_null (vireo_secrets_dialog_get_error (sd));
  before = vireo_secrets_dialog_get_n_secrets (sd);

  /* New Secret: iSCSI, not private so the test can read the value back. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named (dialog, "secret-new")), TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (named (dialog, "secret-usage-type")), 0);
  gtk_editable_set_text (GTK_EDITABLE (named (dialog, "secret-usage-id")), USAGE);
  gtk_editable_set_text (GTK_EDITABLE (named (dialog, "secret-description")), "Vireo UI test");
  gtk_editable_set_text (GTK_EDITABLE (named (dialog, "secret-value")), "first-password");
  gtk_switch_set_active (GTK_SWITCH (named (dialog, "secret-private")), FALSE);
  gtk_widget_activate_action (dialog, "secrets.create", NULL);
  vireo_test_wait_for (loaded, dialog, 30, "the secret");
  g_assert_null (vireo_secrets_dialog_get_error (sd));
  g_assert_cmpuint (vireo_secrets_dialog_get_n_secrets (sd), ==, before + 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (dialog, "secret-value"))), ==, "");

  uuid = uuid_of (USAGE);
  g_assert_nonnull (uuid);
  row_name = g_strdup_printf ("secret-%s", uuid);
  row = named (dialog, row_name);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, USAGE);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Vireo UI test"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), uuid));
  value = value_of (USAGE);
  g_assert_cmpstr (value, ==, "first-password");
  g_clear_pointer (&value, g_free);
  maybe_hold (dialog);

  /* Set Value, in the same form: only the value, and its virsh line. */
  g_assert_true (gtk_widget_activate_action (dialog, "secrets.set-value", "s", uuid));
  g_assert_true (gtk_widget_get_visible (named (dialog, "secret-value")));
  g_assert_false (gtk_widget_get_visible (named (dialog, "secret-usage-id")));
  {
    g_autofree char *line = g_strdup_printf ("secret-set-value %s --file value.txt --plain", uuid);

    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (named (dialog, "secret-command"))), line));
  }
  gtk_editable_set_text (GTK_EDITABLE (named (dialog, "secret-value")), "second-password");
  gtk_widget_activate_action (dialog, "secrets.create", NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (dialog, "secret-value"))), ==, "");
  vireo_test_wait_for (loaded, dialog, 30, "the new value");
  g_assert_null (vireo_secrets_dialog_get_error (sd));
  value = value_of (USAGE);
  g_assert_cmpstr (value, ==, "second-password");

  /* New Storage Pool offers it for an iSCSI pool's login. */
  {
    g_autoptr(GtkWidget) pool_dialog = g_object_ref_sink (vireo_pool_dialog_new (conn, NULL, NULL));
    VireoPoolDialog *pd = VIREO_POOL_DIALOG (pool_dialog);
    AdwComboRow *auth;
    GListModel *model;
    g_autofree char *xml = NULL;
    g_autoptr(VireoPoolConfig) config = NULL;
    g_autofree char *type = NULL, *user = NULL, *usage = NULL, *secret_uuid = NULL;
    guint found = 0;

    gtk_window_present (GTK_WINDOW (pool_dialog));
    vireo_test_wait_for (pool_dialog_ready, pool_dialog, 30, "the pool types and secrets");
    g_assert_true (vireo_pool_dialog_select_type (pd, "iscsi"));
    auth = ADW_COMBO_ROW (named (pool_dialog, "pool-auth"));
    model = adw_combo_row_get_model (auth);
    for (guint i = 1; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

        if (g_str_has_prefix (gtk_string_object_get_string (item), USAGE))
          found = i;
      }
    g_assert_cmpuint (found, >, 0);
    g_assert_false (gtk_widget_get_visible (named (pool_dialog, "pool-username")));
    adw_combo_row_set_selected (auth, found);
    g_assert_true (gtk_widget_get_visible (named (pool_dialog, "pool-username")));
    gtk_editable_set_text (GTK_EDITABLE (named (pool_dialog, "pool-username")), "initiator-user");
    xml = vireo_pool_dialog_dup_xml (pd);
    config = vireo_pool_config_new_from_xml (xml, NULL);
    g_assert_nonnull (config);
    g_assert_true (vireo_pool_config_get_auth (config, &type, &user, &usage, &secret_uuid));
    g_assert_cmpstr (type, ==, "chap");
    g_assert_cmpstr (user, ==, "initiator-user");
    g_assert_cmpstr (usage, ==, USAGE);
    gtk_window_destroy (GTK_WINDOW (pool_dialog));
  }

  /* Delete asks first; Cancel keeps it. */
  g_assert_true (gtk_widget_activate_action (dialog, "secrets.delete", "s", uuid));
  message = vireo_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (message)), USAGE));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (message)), "secret-undefine"));
  respond ("cancel");
  g_assert_nonnull (uuid_of (USAGE));
  g_assert_true (gtk_widget_activate_action (dialog, "secrets.delete", "s", uuid));
  respond ("delete");
  vireo_test_wait_for (loaded, dialog, 30, "the deletion");
  g_assert_null (vireo_secrets_dialog_get_error (sd));
  g_assert_cmpuint (vireo_secrets_dialog_get_n_secrets (sd), ==, before);
  g_assert_null (vireo_test_find_named (dialog, row_name));
  g_assert_null (uuid_of (USAGE));
  virResetLastError ();

  gtk_window_destroy (GTK_WINDOW (dialog));
  vireo_connection_close (conn);
  g_object_unref (conn);
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
  direct = virConnectOpen (require_env ("VIREO_TEST_URI"));
  g_assert_nonnull (direct);

  g_test_add_func ("/integration/secrets-ui/lifecycle", test_secret_lifecycle);
  status = g_test_run ();

  virConnectClose (direct);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return status;
}
