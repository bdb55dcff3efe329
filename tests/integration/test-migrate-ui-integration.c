/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Migrate dialog between the private libvirtd of vireo-testenv.sh and
 * the peer of vireo-testenv-peer.sh (another host as far as libvirt can
 * tell), under Xvfb, through the dialog's widgets: a running TCG guest
 * whose boot sector fills its 256 MiB of memory, moved live with its disk
 * copied under a bandwidth limit, so that the progress view shows real
 * figures (saved as migrate-progress with VIREO_SCREENSHOT_DIR set);
 * the limit lifted from the progress view, the guest running on the peer
 * and gone from the primary, the summary and Open on Destination. Then a
 * name taken on the peer: NAME_TAKEN's explanation, libvirt's words, and
 * the guest still running on the primary.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-domain-config.h"
#include "vireo-migrate-dialog.h"
#include "vireo-test-fill.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

#define GUEST_MIB 256

static VireoConnectionManager *manager;
static VireoConnection *conn;   /* the primary */
static VireoConnection *peer;
static virConnectPtr direct;
static virConnectPtr peer_direct;

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through vireo-testenv.sh run -- vireo-testenv-peer.sh run", name);
  return value;
}

typedef struct
{
  VireoConnection *connection;
  const char      *name;
} Listed;

static gboolean
is_listed (gpointer data)
{
  Listed *l = data;
  return vireo_test_find_domain (l->connection, l->name) != NULL;
}

static gboolean
is_unlisted (gpointer data)
{
  return !is_listed (data);
}

static char *
guest_xml (const char *name)
{
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *file = g_strconcat (name, ".img", NULL);
  g_autofree char *image = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), file, NULL);
  g_autofree char *disk = g_strdup_printf ("<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                                           "<source file='%s'/><target dev='hda' bus='ide'/></disk>", image);

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  config = vireo_domain_config_new_from_xml (xml, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, name);
  vireo_domain_config_set_memory_kib (config, (guint64) GUEST_MIB * 1024, (guint64) GUEST_MIB * 1024);
  g_assert_nonnull (vireo_domain_config_add_device (config, disk, &error));
  g_assert_no_error (error);
  return vireo_domain_config_to_xml (config);
}

/* A guest running on the primary with its memory filled. */
static VireoDomain *
run_guest (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".img", NULL);
  g_autofree char *image = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), file, NULL);
  g_autofree char *xml = guest_xml (name);
  Listed l = { conn, name };
  virDomainPtr dom;

  vireo_test_write_fill_image (image, GUEST_MIB);
  dom = virDomainDefineXML (direct, xml);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  virDomainFree (dom);
  vireo_test_wait_for (is_listed, &l, 10, "the guest to be listed");
  /* The filling takes well under a second of TCG time. */
  g_usleep (G_USEC_PER_SEC);
  return g_object_ref (vireo_test_find_domain (conn, name));
}

static void
remove_everywhere (const char *name)
{
  virConnectPtr conns[] = { direct, peer_direct };
  VireoConnection *vconns[] = { conn, peer };

  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    {
      virDomainPtr dom = virDomainLookupByName (conns[i], name);
      Listed l = { vconns[i], name };

      virResetLastError ();
      if (dom == NULL)
        continue;
      if (virDomainIsActive (dom) == 1)
        virDomainDestroy (dom);
      virDomainUndefine (dom);
      virDomainFree (dom);
      vireo_test_wait_for (is_unlisted, &l, 10, "the guest to go");
    }
}

/* libvirt's state of @name on @c: -1 when it has no such machine. */
static int
state_on (virConnectPtr  c,
          const char    *name)
{
  virDomainPtr dom = virDomainLookupByName (c, name);
  int state = -1, reason = 0;

  virResetLastError ();
  if (dom == NULL)
    return -1;
  g_assert_cmpint (virDomainGetState (dom, &state, &reason, 0), ==, 0);
  virDomainFree (dom);
  return state;
}

/* ------------------------------------------------------------------------ */
/* The dialog                                                                */

static gboolean
loaded (gpointer data)
{
  return g_strcmp0 (vireo_migrate_dialog_get_page (data), "loading") != 0;
}

static gboolean
not_busy (gpointer data)
{
  return !vireo_migrate_dialog_get_busy (data);
}

static gboolean
data_shown (gpointer data)
{
  const VireoMigrateProgress *p = vireo_migrate_dialog_get_progress (data);

  /* The disk (1 MiB) goes first: wait for the memory's pass. */
  return p != NULL && p->phase == VIREO_MIGRATE_PHASE_MEMORY && p->data_total > 0 && p->data_processed > 0 &&
         p->memory_bps > 0;
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

static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Opens the dialog for @domain with the peer picked, the disk copied and
 * @bandwidth MiB/s. */
static VireoMigrateDialog *
open_dialog (VireoDomain *domain,
             guint        bandwidth)
{
  GtkWidget *window = vireo_migrate_dialog_new (NULL, manager, domain);
  VireoMigrateDialog *dialog = VIREO_MIGRATE_DIALOG (window);
  GPtrArray *dests;
  GtkWidget *copy;

  gtk_window_present (GTK_WINDOW (window));
  vireo_test_wait_for (loaded, dialog, 20, "the dialog to read the machine");
  g_assert_cmpstr (vireo_migrate_dialog_get_page (dialog), ==, "form");
  dests = vireo_migrate_dialog_get_destinations (dialog);
  g_assert_cmpuint (dests->len, ==, 1);
  g_assert_true (g_ptr_array_index (dests, 0) == peer);
  adw_combo_row_set_selected (ADW_COMBO_ROW (vireo_migrate_dialog_get_destination_row (dialog)), 0);

  /* The peer does not reach the primary's image: shared storage is
   * unsafe, and the dialog says so before libvirt does. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (vireo_migrate_dialog_get_unsafe_row (dialog))),
                            "Disk hda is not copied"));
  copy = vireo_migrate_dialog_get_choice_widget (dialog, VIREO_MIGRATE_CHOICE_STORAGE_COPY_ALL);
  click (copy);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (copy)));
  gtk_spin_button_set_value (vireo_test_find_spin (vireo_migrate_dialog_get_choice_widget (
                               dialog, VIREO_MIGRATE_CHOICE_BANDWIDTH)), bandwidth);
  g_assert_cmpuint (vireo_migrate_dialog_get_options (dialog)->bandwidth_mib_s, ==, bandwidth);
  g_assert_null (vireo_migrate_dialog_get_fault (dialog));
  return dialog;
}

/* vireo_test_save_window() while the progress view changes twice a
 * second: a label changed since the last layout leaves the window's
 * picture empty (GtkWidgetPaintable draws only an allocated widget), so
 * the picture is taken right after a frame is painted. */
typedef struct
{
  const char *name;
  gboolean    saved;
} Shot;

static void
on_after_paint (GdkFrameClock *clock,
                Shot          *shot)
{
  GtkWidget *window = g_object_get_data (G_OBJECT (clock), "vireo-window");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strconcat (shot->name, ".png", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("VIREO_SCREENSHOT_DIR"), file, NULL);
  int width = gtk_widget_get_width (window), height = gtk_widget_get_height (window);

  if (shot->saved)
    return;
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;   /* the next frame */
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
  shot->saved = TRUE;
}

static void
save_moving_window (GtkWidget  *window,
                    const char *name)
{
  GdkFrameClock *clock;
  Shot shot = { name, FALSE };
  gulong handler;
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  if (g_getenv ("VIREO_SCREENSHOT_DIR") == NULL)
    return;
  vireo_test_settle ();
  clock = gtk_widget_get_frame_clock (window);
  g_object_set_data (G_OBJECT (clock), "vireo-window", window);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &shot);
  while (!shot.saved && g_get_monotonic_time () < until)
    {
      gtk_widget_queue_draw (window);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);
  g_assert_true (shot.saved);
}

typedef struct
{
  char            *uuid;
  VireoConnection *destination;
} Migrated;

static void
on_migrated (VireoMigrateDialog *dialog,
             const char         *uuid,
             VireoConnection    *destination,
             Migrated           *m)
{
  m->uuid = g_strdup (uuid);
  m->destination = destination;
}

static gboolean
window_gone (gpointer data)
{
  return vireo_test_find_toplevel (VIREO_TYPE_MIGRATE_DIALOG) == NULL;
}

/* Live, the disk copied, 4 MiB/s: the progress view with real figures,
 * then the limit lifted from there, and the guest on the peer. */
static void
test_live_copy (void)
{
  const char *name = "vireo-migui-live";
  g_autoptr(VireoDomain) domain = run_guest (name);
  VireoMigrateDialog *dialog = open_dialog (domain, 4);
  GtkWidget *window = GTK_WIDGET (dialog);
  const VireoMigrateProgress *p;
  GtkWidget *summary;
  Listed on_peer = { peer, name };
  Listed on_primary = { conn, name };
  Migrated m = { 0 };
  g_autofree char *title = NULL;
  g_autofree char *peer_name = vireo_connection_dup_display_name (peer);
  g_autofree char *source_name = vireo_connection_dup_display_name (conn);

  g_signal_connect (dialog, "migrated", G_CALLBACK (on_migrated), &m);
  click (vireo_migrate_dialog_get_migrate_button (dialog));
  g_assert_true (vireo_migrate_dialog_get_busy (dialog));
  g_assert_false (gtk_widget_is_sensitive (vireo_migrate_dialog_get_choice_widget (
                    dialog, VIREO_MIGRATE_CHOICE_STORAGE_SHARED)));

  vireo_test_wait_for (data_shown, dialog, 60, "the progress view to show the data");
  p = vireo_migrate_dialog_get_progress (dialog);
  g_test_message ("shown: phase %d, %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT, p->phase, p->data_processed,
                  p->data_total);
  g_assert_cmpuint (p->memory_total, >=, (guint64) (GUEST_MIB - 16) * 1024 * 1024);
  g_assert_cmpuint (p->disk_total, >, 0);
  g_assert_true (vireo_migrate_dialog_get_busy (dialog));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (named (window, "migrate-data"))), !=, "—");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (named (window, "migrate-data"))), " sent, "));
  g_assert_true (gtk_widget_get_visible (named (window, "migrate-disk")));
  g_assert_true (gtk_widget_is_sensitive (vireo_migrate_dialog_get_cancel_button (dialog)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (named (window, "migrate-note"))),
                            "the machine keeps running on"));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (vireo_migrate_dialog_get_progress_bar (dialog)), >=, 0.0);
  vireo_test_settle ();
  save_moving_window (window, "migrate-progress");

  /* Unlimited from the progress view: it finishes in a moment. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (named (window, "migrate-live-bandwidth")), 0);
  vireo_test_wait_for (not_busy, dialog, 120, "the migration to end");
  g_assert_null (vireo_migrate_dialog_get_error (dialog));
  g_assert_cmpstr (vireo_migrate_dialog_get_page (dialog), ==, "done");

  g_assert_cmpint (state_on (peer_direct, name), ==, VIR_DOMAIN_RUNNING);
  g_assert_cmpint (state_on (direct, name), ==, -1);
  vireo_test_wait_for (is_listed, &on_peer, 10, "the guest in the peer's list");
  vireo_test_wait_for (is_unlisted, &on_primary, 10, "the guest gone from the primary's list");

  summary = named (window, "migrate-summary");
  title = g_strdup_printf ("Now Running on %s", peer_name);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (summary)), ==, title);
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (summary)), source_name));
  g_assert_true (gtk_widget_get_visible (named (window, "migrate-open")));
  vireo_test_save_window (window, "migrate-done");

  click (named (window, "migrate-open"));
  g_assert_cmpstr (m.uuid, ==, vireo_domain_get_uuid (domain));
  g_assert_true (m.destination == peer);
  vireo_test_wait_for (window_gone, NULL, 10, "the dialog to close");
  g_free (m.uuid);
  remove_everywhere (name);
}

/* A machine of that name on the peer: NAME_TAKEN's explanation and
 * libvirt's words, the guest running on the primary. */
static void
test_name_taken (void)
{
  const char *name = "vireo-migui-taken";
  g_autoptr(VireoDomain) domain = run_guest (name);
  /* No <uuid>: libvirt gives it a new one. */
  g_autofree char *other = guest_xml (name);
  virDomainPtr dom = virDomainDefineXML (peer_direct, other);
  VireoMigrateDialog *dialog;
  GtkWidget *banner;
  const char *error;

  g_assert_nonnull (dom);
  virDomainFree (dom);
  dialog = open_dialog (domain, 32);
  click (vireo_migrate_dialog_get_migrate_button (dialog));
  vireo_test_wait_for (not_busy, dialog, 120, "the refusal");

  error = vireo_migrate_dialog_get_error (dialog);
  g_assert_nonnull (error);
  g_test_message ("%s", error);
  g_assert_true (g_str_has_prefix (error, vireo_migrate_error_kind_explain (VIREO_MIGRATE_ERROR_NAME_TAKEN)));
  g_assert_nonnull (strstr (error, "already exists with uuid"));
  g_assert_nonnull (strstr (error, "The machine is still running on "));
  banner = named (GTK_WIDGET (dialog), "migrate-banner");
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (banner)), "<b>The destination already has"));
  g_assert_cmpstr (vireo_migrate_dialog_get_page (dialog), ==, "form");
  g_assert_cmpint (vireo_migrate_dialog_get_options (dialog)->storage, ==, VIREO_MIGRATE_STORAGE_COPY_ALL);
  g_assert_true (gtk_widget_get_sensitive (vireo_migrate_dialog_get_migrate_button (dialog)));
  g_assert_cmpint (state_on (direct, name), ==, VIR_DOMAIN_RUNNING);
  g_assert_cmpint (state_on (peer_direct, name), ==, VIR_DOMAIN_SHUTOFF);
  vireo_test_save_window (GTK_WIDGET (dialog), "migrate-name-taken");
  gtk_window_destroy (GTK_WINDOW (dialog));
  remove_everywhere (name);
}

static void
open_connection (VireoConnection *c)
{
  vireo_connection_open_async (c, NULL, NULL, NULL);
  vireo_test_wait_for ((VireoTestCondition) vireo_test_has_versions, c, 60, "the connection");
}

/* The application's style sheet, as a running Vireo has it (the banner's
 * colours), for the screenshots. */
static void
load_style (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, "/org/vireo/Vireo/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  adw_init ();
  vireo_virt_init ();
  vireo_ui_init ();
  load_style ();

  direct = virConnectOpen (require_env ("VIREO_TEST_URI"));
  g_assert_nonnull (direct);
  peer_direct = virConnectOpen (require_env ("VIREO_TEST_PEER_URI"));
  g_assert_nonnull (peer_direct);
  manager = vireo_connection_manager_new ();
  vireo_connection_manager_set_stats_interval (manager, 0);
  conn = vireo_connection_manager_add (manager, require_env ("VIREO_TEST_URI"));
  peer = vireo_connection_manager_add (manager, require_env ("VIREO_TEST_PEER_URI"));
  open_connection (conn);
  open_connection (peer);

  g_test_add_func ("/integration/migrate-ui/live-copy", test_live_copy);
  g_test_add_func ("/integration/migrate-ui/name-taken", test_name_taken);

  ret = g_test_run ();
  vireo_connection_close (conn);
  vireo_connection_close (peer);
  g_clear_object (&manager);
  virConnectClose (direct);
  virConnectClose (peer_direct);
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
