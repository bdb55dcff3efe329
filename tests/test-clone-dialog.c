/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Clone dialog on a test-driver host (tests/data/test-clone.xml: "lab"
 * shut off with a qcow2 and a raw disk in clone-pool and a CD in no pool,
 * "busy" running, "nap" paused), under Xvfb: the suggested name, a taken
 * name marked on its field with the typing kept, each disk's modes with
 * the disallowed ones insensitive and saying why, the virt-clone line
 * following the choices, a clone made through the job and opened (its
 * UUID listed by the connection), a cancel that leaves nothing and lets
 * the user retry, a libvirt failure shown with the form kept, and the
 * refusal for a running machine. The connection's worker is held at a
 * gate where a test needs the job caught in the middle. With
 * VIREO_SCREENSHOT_DIR set, the dialog and its progress are saved there.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-clone-dialog.h"
#include "vireo-connection-private.h"
#include "vireo-test-ui.h"
#include "vireo-test-virt.h"
#include "vireo-ui.h"
#include "vireo-virt.h"
#include "vireo-worker.h"

static char *
node_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "test-clone.xml", NULL);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  return g_strconcat ("test://", abs, NULL);
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
label_of (GtkWidget  *root,
          const char *name)
{
  return gtk_label_get_text (GTK_LABEL (named (root, name)));
}

/* ------------------------------------------------------------------------ */
/* The host, behind the dialog's back (a file node's state is per
 * connection, so through the dialog's own)                                  */

static void
volume_exists_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  g_auto(GStrv) parts = g_strsplit (task_data, "/", 2);
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, parts[0]);
  virStorageVolPtr vol = pool ? virStorageVolLookupByName (pool, parts[1]) : NULL;

  g_task_return_boolean (task, vol != NULL);
  if (vol != NULL)
    virStorageVolFree (vol);
  if (pool != NULL)
    virStoragePoolFree (pool);
  virResetLastError ();
}

static void
domain_exists_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  virDomainPtr dom = virDomainLookupByName (conn, task_data);

  g_task_return_boolean (task, dom != NULL);
  if (dom != NULL)
    virDomainFree (dom);
  virResetLastError ();
}

static void
make_volume_thread (GTask        *task,
                    virConnectPtr conn,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_auto(GStrv) parts = g_strsplit (task_data, "/", 2);
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, parts[0]);
  g_autofree char *xml = g_strdup_printf ("<volume><name>%s</name><capacity unit='MiB'>64</capacity>"
                                          "<target><format type='qcow2'/></target></volume>", parts[1]);
  virStorageVolPtr vol;

  g_assert_nonnull (pool);
  vol = virStorageVolCreateXML (pool, xml, 0);
  g_task_return_boolean (task, vol != NULL);
  if (vol != NULL)
    virStorageVolFree (vol);
  virStoragePoolFree (pool);
}

static gboolean
on_host (VireoConnection    *conn,
         VireoConnectionFunc func,
         const char         *arg)
{
  VireoTestAsync a = { 0 };
  GTask *task = g_task_new (conn, NULL, vireo_test_async_cb, &a);
  gboolean answer;

  g_task_set_task_data (task, g_strdup (arg), g_free);
  vireo_connection_run (conn, task, func);
  answer = g_task_propagate_boolean (G_TASK (vireo_test_async_wait (&a, 10)), NULL);
  g_object_unref (a.result);
  return answer;
}

/* A gate on the connection's serial worker: what is queued after it waits
 * until the test opens it, so the job can be seen (and cancelled) in the
 * middle without timing anything. */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean open;
  gboolean waiting;
} Gate;

static void
gate_thread (GTask        *task,
             virConnectPtr conn,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Gate *gate = task_data;

  g_mutex_lock (&gate->lock);
  gate->waiting = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
  g_task_return_boolean (task, TRUE);
}

static void
gate_close (Gate            *gate,
            VireoConnection *conn)
{
  GTask *task = g_task_new (conn, NULL, NULL, NULL);

  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
  gate->open = FALSE;
  g_task_set_task_data (task, gate, NULL);
  vireo_connection_run (conn, task, gate_thread);
}

static void
gate_open (Gate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->open = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  VireoConnection  *conn;
  VireoCloneDialog *dialog;
  GtkWidget        *window;
  char             *cloned;
  Gate              gate;
  const char       *gate_at;   /* the step label that closes the gate */
  gboolean          gated;
} Fixture;

static gboolean
dialog_settled (gpointer data)
{
  const char *page = vireo_clone_dialog_get_page (data);

  return !g_str_equal (page, "loading");
}

static void
on_cloned (VireoCloneDialog *dialog,
           const char       *uuid,
           Fixture          *f)
{
  g_assert_null (f->cloned);
  f->cloned = g_strdup (uuid);
}

static void
open_dialog (Fixture    *f,
             const char *machine)
{
  VireoDomain *domain = vireo_test_find_domain (f->conn, machine);

  g_assert_nonnull (domain);
  f->window = GTK_WIDGET (vireo_clone_dialog_new (NULL, domain));
  g_object_ref_sink (f->window);
  f->dialog = VIREO_CLONE_DIALOG (f->window);
  g_signal_connect (f->window, "cloned", G_CALLBACK (on_cloned), f);
  g_assert_cmpstr (vireo_clone_dialog_get_page (f->dialog), ==, "loading");
  g_assert_null (vireo_clone_dialog_get_plan (f->dialog));
  gtk_window_present (GTK_WINDOW (f->window));
  vireo_test_wait_for (dialog_settled, f->dialog, 10, "the definition and pools");
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
  if (f->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (f->window));
      g_clear_object (&f->window);
    }
  if (f->gated)
    {
      gate_open (&f->gate);
      g_mutex_clear (&f->gate.lock);
      g_cond_clear (&f->gate.cond);
    }
  g_clear_pointer (&f->cloned, g_free);
  vireo_connection_close (f->conn);
  g_clear_object (&f->conn);
}

static const VireoCloneDisk *
disk (Fixture *f,
      guint    i)
{
  return g_ptr_array_index (vireo_clone_dialog_get_plan (f->dialog)->disks, i);
}

static GtkWidget *
mode_button (Fixture    *f,
             const char *target,
             const char *mode)
{
  g_autofree char *name = g_strdup_printf ("clone-mode-%s-%s", target, mode);

  return named (f->window, name);
}

/* A click as the user makes one: only on a sensitive button (a button's
 * "activate" waits for its pressed look before it clicks). */
static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
click_mode (Fixture    *f,
            const char *target,
            const char *mode)
{
  GtkWidget *button = mode_button (f, target, mode);

  click (button);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
}

static gboolean
mode_active (Fixture    *f,
             const char *target,
             const char *mode)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (mode_button (f, target, mode)));
}

static const char *
command (Fixture *f)
{
  return label_of (f->window, "clone-command");
}

static const char *
volume_text (Fixture    *f,
             const char *target)
{
  g_autofree char *name = g_strdup_printf ("clone-volume-%s", target);

  return gtk_editable_get_text (GTK_EDITABLE (named (f->window, name)));
}

static gboolean
warnings_contain (Fixture    *f,
                  const char *text)
{
  GtkWidget *group = named (f->window, "clone-warnings");

  if (!gtk_widget_get_visible (group))
    return FALSE;
  for (GtkWidget *w = group; w != NULL;)
    {
      /* Walk every row of the group, depth first. */
      GtkWidget *next;

      if (ADW_IS_ACTION_ROW (w) && strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (w)) ?: "", text) != NULL)
        return TRUE;
      next = gtk_widget_get_first_child (w);
      while (next == NULL && w != group)
        {
          next = gtk_widget_get_next_sibling (w);
          if (next == NULL)
            w = gtk_widget_get_parent (w);
        }
      if (next == NULL)
        break;
      w = next;
    }
  return FALSE;
}

/* ------------------------------------------------------------------------ */

/* The form as it opens: the suggested name, each disk's default, a new
 * UUID and MAC, and the virt-clone line. */
static void
test_suggested (Fixture       *f,
                gconstpointer  data)
{
  const VireoClonePlan *plan;
  g_autofree char *mac_line = NULL;

  open_dialog (f, "lab");
  plan = vireo_clone_dialog_get_plan (f->dialog);
  g_assert_nonnull (plan);
  g_assert_cmpstr (vireo_clone_dialog_get_page (f->dialog), ==, "form");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==, "Clone “lab”");
  g_assert_cmpstr (gtk_editable_get_text (vireo_clone_dialog_get_name_entry (f->dialog)), ==, "lab-clone");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (vireo_clone_dialog_get_name_entry (f->dialog)), "error"));
  g_assert_false (gtk_widget_get_visible (named (f->window, "clone-name-error")));
  g_assert_true (gtk_widget_get_visible (vireo_clone_dialog_get_clone_button (f->dialog)));
  g_assert_true (gtk_widget_get_sensitive (vireo_clone_dialog_get_clone_button (f->dialog)));

  /* Both disks are copied into clone-pool, the CD shared */
  g_assert_true (mode_active (f, "vda", "copy"));
  g_assert_true (mode_active (f, "vdb", "copy"));
  g_assert_true (mode_active (f, "sda", "share"));
  g_assert_cmpstr (volume_text (f, "vda"), ==, "lab-clone.qcow2");
  g_assert_cmpstr (volume_text (f, "vdb"), ==, "lab-clone-1.img");
  g_assert_true (gtk_widget_get_visible (named (f->window, "clone-pool-vda")));
  g_assert_false (gtk_widget_get_visible (named (f->window, "clone-pool-sda")));
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (named (f->window,
                                                                                      "clone-disk-vda"))), ==,
                   "/clone-pool/lab.qcow2 · 20.0\u00a0GiB qcow2, 3.0\u00a0GiB on the host");
  /* Nothing to warn about: no overlay, nothing writable shared */
  g_assert_false (gtk_widget_get_visible (named (f->window, "clone-warnings")));

  /* Its own identity */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (named (f->window, "clone-uuid"))), ==, plan->uuid);
  g_assert_cmpstr (plan->uuid, !=, "71717171-7171-4171-8171-717171717171");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (named (f->window, "clone-macs"))), ==,
                   plan->macs[0]);
  g_assert_cmpstr (plan->macs[0], !=, "52:54:00:71:00:01");
  /* No UEFI, no TPM: nothing said about them */
  g_assert_false (gtk_widget_get_visible (named (f->window, "clone-nvram")));
  g_assert_false (gtk_widget_get_visible (named (f->window, "clone-tpm")));

  /* The command: virt-clone with both copies' files */
  g_assert_nonnull (strstr (command (f), "virt-clone --connect "));
  g_assert_nonnull (strstr (command (f), " --original lab --name lab-clone"));
  g_assert_nonnull (strstr (command (f), "--file /clone-pool/lab-clone.qcow2 --file /clone-pool/lab-clone-1.img"));
  mac_line = vireo_clone_plan_dup_command (plan, vireo_connection_get_uri (f->conn));
  g_assert_cmpstr (command (f), ==, mac_line);
}

/* A taken name is marked with why, Clone goes insensitive, and the
 * typing stays the user's; the volumes follow a good name. */
static void
test_name_taken (Fixture       *f,
                 gconstpointer  data)
{
  GtkEditable *name;
  GtkWidget *clone;
  int pos;

  open_dialog (f, "lab");
  name = vireo_clone_dialog_get_name_entry (f->dialog);
  clone = vireo_clone_dialog_get_clone_button (f->dialog);

  /* Typed a letter at a time, as a user does */
  gtk_editable_set_text (name, "bus");
  pos = 3;
  gtk_editable_insert_text (name, "y", 1, &pos);
  g_assert_cmpstr (gtk_editable_get_text (name), ==, "busy");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (name), "error"));
  g_assert_true (gtk_widget_get_visible (named (f->window, "clone-name-error")));
  g_assert_nonnull (strstr (label_of (f->window, "clone-name-error"), "busy"));
  g_assert_false (gtk_widget_get_sensitive (clone));
  g_assert_cmpstr (vireo_clone_dialog_get_plan (f->dialog)->name, ==, "busy");

  /* Not a name at all */
  gtk_editable_set_text (name, "12345");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (name), "error"));
  g_assert_false (gtk_widget_get_sensitive (clone));
  g_assert_cmpstr (gtk_editable_get_text (name), ==, "12345");
  gtk_editable_set_text (name, "");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (name), "error"));
  g_assert_cmpstr (gtk_editable_get_text (name), ==, "");

  /* A good one clears the mark; the new volumes are named after it */
  gtk_editable_set_text (name, "lab-two");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (name), "error"));
  g_assert_false (gtk_widget_get_visible (named (f->window, "clone-name-error")));
  g_assert_true (gtk_widget_get_sensitive (clone));
  g_assert_cmpstr (volume_text (f, "vda"), ==, "lab-two.qcow2");
  g_assert_cmpstr (volume_text (f, "vdb"), ==, "lab-two-1.img");
  g_assert_nonnull (strstr (command (f), "--name lab-two"));

  /* A volume name the user typed stays when the machine's name changes */
  gtk_editable_set_text (GTK_EDITABLE (named (f->window, "clone-volume-vdb")), "data.img");
  gtk_editable_set_text (name, "lab-three");
  g_assert_cmpstr (volume_text (f, "vda"), ==, "lab-three.qcow2");
  g_assert_cmpstr (volume_text (f, "vdb"), ==, "data.img");
  g_assert_nonnull (strstr (command (f), "--file /clone-pool/data.img"));

  /* A volume name the pool has: marked on that disk, with why */
  gtk_editable_set_text (GTK_EDITABLE (named (f->window, "clone-volume-vdb")), "lab.qcow2");
  g_assert_true (gtk_widget_has_css_class (named (f->window, "clone-volume-vdb"), "error"));
  g_assert_false (gtk_widget_has_css_class (named (f->window, "clone-volume-vda"), "error"));
  g_assert_true (gtk_widget_get_visible (named (f->window, "clone-disk-error-vdb")));
  g_assert_nonnull (strstr (label_of (f->window, "clone-disk-error-vdb"), "vdb"));
  g_assert_nonnull (strstr (label_of (f->window, "clone-disk-error-vdb"), "lab.qcow2"));
  g_assert_false (gtk_widget_get_sensitive (clone));
  g_assert_cmpstr (volume_text (f, "vdb"), ==, "lab.qcow2");
}

/* Each mode changes the plan, the rows that go with it, the warnings and
 * the command; another pool moves the new volume. */
static void
test_modes (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *overlay = NULL;

  open_dialog (f, "lab");
  before = g_strdup (command (f));

  click_mode (f, "vdb", "overlay");
  g_assert_cmpint (disk (f, 1)->mode, ==, VIREO_CLONE_MODE_OVERLAY);
  g_assert_false (mode_active (f, "vdb", "copy"));
  g_assert_cmpstr (command (f), !=, before);
  /* virt-clone has no overlays: the line says so and leaves vdb alone */
  g_assert_nonnull (strstr (command (f), "--skip-copy=vdb"));
  g_assert_null (strstr (command (f), "--file /clone-pool/lab-clone-1.img"));
  g_assert_true (gtk_widget_get_visible (named (f->window, "clone-volume-vdb")));
  g_assert_cmpstr (volume_text (f, "vdb"), ==, "lab-clone-1.qcow2");
  g_assert_true (warnings_contain (f, "vdb of the clone is an overlay on /clone-pool/lab-data.img"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (named (f->window, "clone-mode-row-vdb"))), ==,
                   "Overlay");
  overlay = g_strdup (command (f));

  click_mode (f, "vda", "share");
  g_assert_cmpint (disk (f, 0)->mode, ==, VIREO_CLONE_MODE_SHARE);
  g_assert_false (gtk_widget_get_visible (named (f->window, "clone-pool-vda")));
  g_assert_false (gtk_widget_get_visible (named (f->window, "clone-volume-vda")));
  g_assert_nonnull (strstr (command (f), "--skip-copy=vda"));
  g_assert_cmpstr (command (f), !=, overlay);
  g_assert_true (warnings_contain (f, "vda is shared by both machines"));

  /* Copy again, into the other pool */
  click_mode (f, "vda", "copy");
  g_assert_false (warnings_contain (f, "vda is shared by both machines"));
  vireo_test_select_value (named (f->window, "clone-pool-vda"), "fast-pool");
  g_assert_cmpstr (disk (f, 0)->dest_pool, ==, "fast-pool");
  g_assert_cmpstr (disk (f, 0)->dest_path, ==, "/fast-pool/lab-clone.qcow2");
  g_assert_nonnull (strstr (command (f), "--file /fast-pool/lab-clone.qcow2"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (named (f->window, "clone-pool-vda"))), ==,
                   "/fast-pool/lab-clone.qcow2");
}

/* A mode the disk does not allow cannot be chosen, and says why. */
static void
test_disallowed (Fixture       *f,
                 gconstpointer  data)
{
  const VireoCloneDisk *cd;
  const char *subtitle;

  open_dialog (f, "lab");
  cd = disk (f, 2);
  g_assert_cmpstr (cd->target, ==, "sda");
  g_assert_false (cd->allowed[VIREO_CLONE_MODE_COPY]);
  g_assert_false (cd->allowed[VIREO_CLONE_MODE_OVERLAY]);
  g_assert_false (gtk_widget_get_sensitive (mode_button (f, "sda", "copy")));
  g_assert_false (gtk_widget_get_sensitive (mode_button (f, "sda", "overlay")));
  g_assert_true (gtk_widget_get_sensitive (mode_button (f, "sda", "share")));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (mode_button (f, "sda", "copy")), ==,
                   cd->why_not[VIREO_CLONE_MODE_COPY]);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (mode_button (f, "sda", "overlay")), ==,
                   cd->why_not[VIREO_CLONE_MODE_OVERLAY]);
  g_assert_nonnull (strstr (cd->why_not[VIREO_CLONE_MODE_COPY], "/isos/debian-12.iso is in no storage pool"));
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (named (f->window, "clone-mode-row-sda")));
  g_assert_nonnull (strstr (subtitle, cd->why_not[VIREO_CLONE_MODE_COPY]));
  g_assert_nonnull (strstr (subtitle, cd->why_not[VIREO_CLONE_MODE_OVERLAY]));
  g_assert_cmpint (disk (f, 2)->mode, ==, VIREO_CLONE_MODE_SHARE);
  g_assert_true (mode_active (f, "sda", "share"));

  /* The allowed ones carry no tooltip */
  g_assert_null (gtk_widget_get_tooltip_text (mode_button (f, "vda", "overlay")));
}

/* A paused machine: allowed, with the warning; its qcow2 image cannot be
 * copied while QEMU holds it, so it is shared by default. */
static void
test_paused (Fixture       *f,
             gconstpointer  data)
{
  open_dialog (f, "nap");
  g_assert_cmpstr (vireo_clone_dialog_get_page (f->dialog), ==, "form");
  g_assert_true (warnings_contain (f, "“nap” is paused"));
  g_assert_false (gtk_widget_get_sensitive (mode_button (f, "vda", "copy")));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (mode_button (f, "vda", "copy")), "Shut the machine down"));
  g_assert_true (gtk_widget_get_sensitive (mode_button (f, "vda", "overlay")));
  g_assert_true (mode_active (f, "vda", "share"));
  g_assert_true (warnings_contain (f, "vda is shared by both machines"));
  g_assert_true (gtk_widget_get_sensitive (vireo_clone_dialog_get_clone_button (f->dialog)));
}

/* A running machine: the refusal, and nothing but Close. */
static void
test_running (Fixture       *f,
              gconstpointer  data)
{
  GtkWidget *message;

  open_dialog (f, "busy");
  g_assert_cmpstr (vireo_clone_dialog_get_page (f->dialog), ==, "message");
  message = named (f->window, "clone-message");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (message)), ==, "“busy” Is Running");
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (message)), ==,
                   "“busy” is running. Shut it down, or pause it, to clone it.");
  g_assert_false (gtk_widget_get_visible (vireo_clone_dialog_get_clone_button (f->dialog)));
  g_assert_false (gtk_widget_get_visible (named (f->window, "clone-open")));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (named (f->window, "clone-close"))), ==, "_Close");
  vireo_test_save_window (f->window, "clone-running");
}

static void
act (Fixture           *f,
     const char        *machine,
     VireoDomainAction  action)
{
  VireoDomain *domain = vireo_test_find_domain (f->conn, machine);
  VireoTestAsync a = { 0 };
  g_autoptr(GError) error = NULL;

  vireo_domain_action_async (domain, action, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 10), &error));
  g_assert_no_error (error);
  g_object_unref (a.result);
}

static gboolean
page_is_form (gpointer data)
{
  return g_str_equal (vireo_clone_dialog_get_page (data), "form");
}

static gboolean
page_is_message (gpointer data)
{
  return g_str_equal (vireo_clone_dialog_get_page (data), "message");
}

/* The machine stops while the refusal shows: the form comes, as for a
 * shut-off machine; it starts again: the refusal is back, the name typed
 * meanwhile kept for next time. */
static void
test_state_follows (Fixture       *f,
                    gconstpointer  data)
{
  open_dialog (f, "busy");
  g_assert_cmpstr (vireo_clone_dialog_get_page (f->dialog), ==, "message");

  act (f, "busy", VIREO_DOMAIN_ACTION_DESTROY);
  vireo_test_wait_for (page_is_form, f->dialog, 10, "the form");
  g_assert_cmpint (vireo_clone_dialog_get_plan (f->dialog)->source_state, ==, VIREO_CLONE_SOURCE_SHUT_OFF);
  g_assert_true (mode_active (f, "vda", "copy"));
  g_assert_true (gtk_widget_get_sensitive (vireo_clone_dialog_get_clone_button (f->dialog)));
  gtk_editable_set_text (vireo_clone_dialog_get_name_entry (f->dialog), "busy-copy");
  click_mode (f, "vda", "overlay");

  act (f, "busy", VIREO_DOMAIN_ACTION_START);
  vireo_test_wait_for (page_is_message, f->dialog, 10, "the refusal");
  g_assert_false (gtk_widget_get_visible (vireo_clone_dialog_get_clone_button (f->dialog)));

  act (f, "busy", VIREO_DOMAIN_ACTION_DESTROY);
  vireo_test_wait_for (page_is_form, f->dialog, 10, "the form again");
  g_assert_cmpstr (gtk_editable_get_text (vireo_clone_dialog_get_name_entry (f->dialog)), ==, "busy-copy");
  g_assert_cmpstr (vireo_clone_dialog_get_plan (f->dialog)->name, ==, "busy-copy");
  g_assert_true (mode_active (f, "vda", "overlay"));
  g_assert_nonnull (strstr (command (f), "--name busy-copy"));
}

static gboolean
not_busy (gpointer data)
{
  return !vireo_clone_dialog_get_busy (data);
}

static gboolean
gate_waiting (gpointer data)
{
  Gate *gate = data;
  gboolean waiting;

  g_mutex_lock (&gate->lock);
  waiting = gate->waiting;
  g_mutex_unlock (&gate->lock);
  return waiting;
}

/* Closes the gate when the job announces the step @f->gate_at: the
 * announcement comes before the step's own worker call is queued, so
 * that call waits behind the gate. */
static void
on_step_label (GtkLabel   *label,
               GParamSpec *pspec,
               Fixture    *f)
{
  if (f->gated || f->gate_at == NULL || !g_str_has_prefix (gtk_label_get_text (label), f->gate_at))
    return;
  f->gated = TRUE;
  gate_close (&f->gate, f->conn);
}

static void
gate_at (Fixture    *f,
         const char *step)
{
  f->gate_at = step;
  g_signal_connect (named (f->window, "clone-step"), "notify::label", G_CALLBACK (on_step_label), f);
}

typedef struct
{
  VireoConnection *conn;
  const char      *uuid;
} Listed;

static gboolean
is_listed (gpointer data)
{
  Listed *l = data;

  return vireo_connection_find_domain (l->conn, l->uuid) != NULL;
}

static gboolean
window_gone (gpointer data)
{
  return vireo_test_find_toplevel (VIREO_TYPE_CLONE_DIALOG) == NULL;
}

/* One copy and one overlay, cloned: the progress while it runs (the
 * form insensitive), the summary, and Open with the clone's UUID, which
 * the connection lists. */
static void
test_clone (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *uuid = NULL;
  GtkWidget *summary;
  Listed listed;
  VireoDomain *clone;

  open_dialog (f, "lab");
  click_mode (f, "vdb", "overlay");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (named (f->window, "clone-command-row")), TRUE);
  vireo_test_save_window (f->window, "clone-dialog");
  /* GTK keeps a window within the screen: the rest of the form, scrolled
   * to its end, is a second picture. */
  if (g_getenv ("VIREO_SCREENSHOT_DIR") != NULL)
    {
      GtkWidget *page = gtk_widget_get_ancestor (named (f->window, "clone-command"), ADW_TYPE_PREFERENCES_PAGE);
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
        GTK_SCROLLED_WINDOW (vireo_test_find_descendant (page, GTK_TYPE_SCROLLED_WINDOW)));

      vireo_test_settle ();
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
      vireo_test_save_window (f->window, "clone-command");
      gtk_adjustment_set_value (adj, 0);
    }
  uuid = g_strdup (vireo_clone_dialog_get_plan (f->dialog)->uuid);

  gate_at (f, "Copying a disk…");
  click (vireo_clone_dialog_get_clone_button (f->dialog));
  g_assert_true (vireo_clone_dialog_get_busy (f->dialog));
  vireo_test_wait_for (gate_waiting, &f->gate, 10, "the job to reach the copy");
  /* Caught before the copy: the form cannot be changed under the job */
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (vireo_clone_dialog_get_name_entry (f->dialog))));
  g_assert_false (gtk_widget_is_sensitive (mode_button (f, "vda", "share")));
  g_assert_false (gtk_widget_get_sensitive (vireo_clone_dialog_get_clone_button (f->dialog)));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (named (f->window,
                                                                                              "clone-progress"),
                                                                                       GTK_TYPE_REVEALER))));
  g_assert_cmpstr (label_of (f->window, "clone-step"), ==, "Copying a disk… lab-clone.qcow2");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (named (f->window, "clone-close"))), ==, "_Cancel");
  vireo_test_save_window (f->window, "clone-progress");
  gate_open (&f->gate);

  vireo_test_wait_for (not_busy, f->dialog, 20, "the clone");
  g_assert_cmpstr (vireo_clone_dialog_get_page (f->dialog), ==, "done");
  g_assert_cmpstr (vireo_clone_dialog_get_clone_uuid (f->dialog), ==, uuid);
  summary = named (f->window, "clone-summary");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (summary)), ==, "“lab-clone” Is Ready");
  g_assert_cmpstr (label_of (f->window, "clone-summary-volumes"), ==,
                   "Its new volumes:\n/clone-pool/lab-clone.qcow2\n/clone-pool/lab-clone-1.qcow2");
  g_assert_null (vireo_test_find_named (f->window, "clone-summary-nvram"));
  g_assert_true (gtk_widget_get_visible (named (f->window, "clone-open")));
  g_assert_false (gtk_widget_get_visible (vireo_clone_dialog_get_clone_button (f->dialog)));
  g_assert_true (on_host (f->conn, volume_exists_thread, "clone-pool/lab-clone.qcow2"));
  g_assert_true (on_host (f->conn, volume_exists_thread, "clone-pool/lab-clone-1.qcow2"));
  vireo_test_save_window (f->window, "clone-done");

  g_assert_null (f->cloned);
  click (named (f->window, "clone-open"));
  g_assert_cmpstr (f->cloned, ==, uuid);
  vireo_test_wait_for (window_gone, NULL, 10, "the dialog to close");

  listed.conn = f->conn;
  listed.uuid = uuid;
  vireo_test_wait_for (is_listed, &listed, 10, "the clone in the list");
  clone = vireo_connection_find_domain (f->conn, uuid);
  g_assert_cmpstr (vireo_domain_get_name (clone), ==, "lab-clone");
  g_assert_cmpint (vireo_domain_get_state (clone), ==, VIREO_DOMAIN_STATE_SHUTOFF);
}

/* Cancel during the second copy: the job removes what it made,
 * the form is as the user left it, and Clone again works. */
static void
test_cancel_and_retry (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *banner;

  open_dialog (f, "lab");
  gtk_editable_set_text (vireo_clone_dialog_get_name_entry (f->dialog), "lab-b");
  gtk_editable_set_text (GTK_EDITABLE (named (f->window, "clone-volume-vdb")), "b-data.img");

  /* Held at the second copy: the first volume is made by then */
  gate_at (f, "Copying a disk… b-data.img");
  click (vireo_clone_dialog_get_clone_button (f->dialog));
  vireo_test_wait_for (gate_waiting, &f->gate, 10, "the job to reach the second copy");
  click (named (f->window, "clone-close"));
  /* Cancel stopped the job, not the dialog */
  g_assert_nonnull (vireo_test_find_toplevel (VIREO_TYPE_CLONE_DIALOG));
  gate_open (&f->gate);
  vireo_test_wait_for (not_busy, f->dialog, 20, "the rollback");

  g_assert_cmpstr (vireo_clone_dialog_get_page (f->dialog), ==, "form");
  g_assert_null (vireo_clone_dialog_get_clone_uuid (f->dialog));
  banner = named (f->window, "clone-banner");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (banner))));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (banner)), "cancelled"));
  g_assert_false (gtk_widget_has_css_class (banner, "vireo-error"));
  g_assert_false (on_host (f->conn, domain_exists_thread, "lab-b"));
  g_assert_false (on_host (f->conn, volume_exists_thread, "clone-pool/lab-b.qcow2"));
  g_assert_false (on_host (f->conn, volume_exists_thread, "clone-pool/b-data.img"));
  /* As the user left it */
  g_assert_cmpstr (gtk_editable_get_text (vireo_clone_dialog_get_name_entry (f->dialog)), ==, "lab-b");
  g_assert_cmpstr (volume_text (f, "vdb"), ==, "b-data.img");
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (vireo_clone_dialog_get_name_entry (f->dialog))));
  g_assert_true (gtk_widget_get_sensitive (vireo_clone_dialog_get_clone_button (f->dialog)));

  /* Again, to the end */
  click (vireo_clone_dialog_get_clone_button (f->dialog));
  vireo_test_wait_for (not_busy, f->dialog, 20, "the clone");
  g_assert_cmpstr (vireo_clone_dialog_get_page (f->dialog), ==, "done");
  g_assert_true (on_host (f->conn, domain_exists_thread, "lab-b"));
  g_assert_true (on_host (f->conn, volume_exists_thread, "clone-pool/b-data.img"));
  /* Close: no ::cloned */
  click (named (f->window, "clone-close"));
  vireo_test_wait_for (window_gone, NULL, 10, "the dialog to close");
  g_assert_null (f->cloned);
}

/* The host changed behind the dialog: libvirt's refusal is shown, the
 * form kept, and after the user's fix Clone works. */
static void
test_failure (Fixture       *f,
              gconstpointer  data)
{
  GtkWidget *banner;

  open_dialog (f, "lab");
  g_assert_true (on_host (f->conn, make_volume_thread, "clone-pool/lab-clone-1.img"));
  click (vireo_clone_dialog_get_clone_button (f->dialog));
  vireo_test_wait_for (not_busy, f->dialog, 20, "the job to fail");

  g_assert_cmpstr (vireo_clone_dialog_get_page (f->dialog), ==, "form");
  banner = named (f->window, "clone-banner");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (banner))));
  g_assert_true (gtk_widget_has_css_class (banner, "vireo-error"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (banner)), "lab-clone-1.img"));
  g_assert_false (on_host (f->conn, volume_exists_thread, "clone-pool/lab-clone.qcow2"));
  g_assert_false (on_host (f->conn, domain_exists_thread, "lab-clone"));
  g_assert_cmpstr (volume_text (f, "vdb"), ==, "lab-clone-1.img");
  g_assert_true (gtk_widget_get_sensitive (vireo_clone_dialog_get_clone_button (f->dialog)));

  gtk_editable_set_text (GTK_EDITABLE (named (f->window, "clone-volume-vdb")), "lab-clone-data.img");
  click (vireo_clone_dialog_get_clone_button (f->dialog));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (banner))));
  vireo_test_wait_for (not_busy, f->dialog, 20, "the clone");
  g_assert_cmpstr (vireo_clone_dialog_get_page (f->dialog), ==, "done");
  g_assert_true (on_host (f->conn, volume_exists_thread, "clone-pool/lab-clone-data.img"));
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

#define ADD(path, func) g_test_add ("/ui/clone-dialog/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("suggested", test_suggested);
  ADD ("name-taken", test_name_taken);
  ADD ("modes", test_modes);
  ADD ("disallowed", test_disallowed);
  ADD ("paused", test_paused);
  ADD ("running", test_running);
  ADD ("state-follows", test_state_follows);
  ADD ("clone", test_clone);
  ADD ("cancel-and-retry", test_cancel_and_retry);
  ADD ("failure", test_failure);
#undef ADD

  status = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return status;
}
