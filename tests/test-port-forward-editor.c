/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-test-ui.h"
#include "vireo-test-util.h"
#include "vireo-ui.h"

/* A usermode card with passt and no forwards, and one on a network. */
static const char domain_xml[] =
  "<domain type=\"qemu\">\n"
  "  <name>forwards</name>\n"
  "  <devices>\n"
  "    <interface type=\"user\">\n"
  "      <mac address=\"52:54:00:12:34:01\"/>\n"
  "      <model type=\"virtio\"/>\n"
  "      <backend type=\"passt\"/>\n"
  "    </interface>\n"
  "    <interface type=\"network\">\n"
  "      <mac address=\"52:54:00:12:34:02\"/>\n"
  "      <source network=\"default\"/>\n"
  "      <model type=\"virtio\"/>\n"
  "    </interface>\n"
  "  </devices>\n"
  "</domain>\n";

typedef struct
{
  GtkWindow              *window;
  VireoDomainConfig      *config;
  VireoPortForwardEditor *editor;
  guint                   changed;
  GtkWidget              *invalid_row;     /* the last "row-invalid" */
  char                   *invalid_message;
  guint                   invalid_signals;
} Fixture;

static void
on_changed (VireoPortForwardEditor *editor,
            Fixture                *f)
{
  f->changed++;
}

static void
on_row_invalid (VireoPortForwardEditor *editor,
                GtkWidget              *row,
                const char             *message,
                Fixture                *f)
{
  f->invalid_row = row;
  g_free (f->invalid_message);
  f->invalid_message = g_strdup (message);
  f->invalid_signals++;
}

static gboolean
is_drawable (gpointer data)
{
  return gtk_widget_is_drawable (data);
}

static VireoInterface *
nic_at (VireoDomainConfig *config,
        guint              position)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autoptr(VireoDevice) device = g_list_model_get_item (devices, position);

  /* The config keeps it alive. */
  return VIREO_INTERFACE (device);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *page = adw_preferences_page_new ();

  f->config = vireo_domain_config_new_from_xml (domain_xml, &error);
  g_assert_no_error (error);
  f->editor = VIREO_PORT_FORWARD_EDITOR (vireo_port_forward_editor_new (nic_at (f->config, GPOINTER_TO_UINT (data))));
  g_signal_connect (f->editor, "changed", G_CALLBACK (on_changed), f);
  g_signal_connect (f->editor, "row-invalid", G_CALLBACK (on_row_invalid), f);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (f->editor));
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 640, 560);
  gtk_window_set_child (f->window, page);
  gtk_window_present (f->window);
  vireo_test_wait_for (is_drawable, f->editor, 10, "the editor on screen");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_object_add_weak_pointer (G_OBJECT (f->editor), (gpointer *) &f->editor);
  gtk_window_destroy (f->window);
  while (f->editor != NULL)
    g_main_context_iteration (NULL, FALSE);
  g_object_unref (f->config);
  g_free (f->invalid_message);
}

static GtkWidget *
named (Fixture    *f,
       const char *name)
{
  GtkWidget *widget = vireo_test_find_named (GTK_WIDGET (f->editor), name);

  if (widget == NULL)
    g_error ("no widget named %s", name);
  return widget;
}

static char *
nic_xml (Fixture *f,
         guint    position)
{
  return vireo_device_to_xml (VIREO_DEVICE (nic_at (f->config, position)));
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
type_into (GtkWidget  *entry,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

/* The Add popover as a user fills it: open, type, press Forward. */
static void
add_through_popover (Fixture    *f,
                     const char *host,
                     const char *guest,
                     const char *address)
{
  GtkWidget *button = named (f, "add-port-forward");

  g_assert_true (gtk_widget_get_sensitive (button));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  vireo_test_wait_for (is_mapped, named (f, "add-port-forward-host"), 10, "the Add popover");
  type_into (named (f, "add-port-forward-host"), host);
  type_into (named (f, "add-port-forward-guest"), guest);
  type_into (named (f, "add-port-forward-address"), address);
  g_signal_emit_by_name (named (f, "add-port-forward-confirm"), "clicked");
}

static void
test_add_edit_remove (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *before = nic_xml (f, 0);
  g_autofree char *xml = NULL;
  GtkWidget *row;

  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (f->editor)), ==, "Port Forwarding");
  g_assert_false (gtk_widget_get_visible (named (f, "passt-needed")));
  g_assert_true (gtk_widget_get_visible (named (f, "no-port-forwards")));

  /* Add: the XML has the rule, the list a row that says it. */
  add_through_popover (f, "2222", "22", "");
  xml = nic_xml (f, 0);
  g_assert_nonnull (strstr (xml, "  <portForward proto=\"tcp\">\n"
                                 "    <range start=\"2222\" to=\"22\"/>\n"
                                 "  </portForward>\n"));
  g_assert_cmpuint (f->changed, ==, 1);
  row = named (f, "port-forward-0");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "TCP host 2222 → guest 22");
  g_assert_false (gtk_widget_get_visible (named (f, "no-port-forwards")));
  g_assert_false (gtk_widget_get_visible (named (f, "add-port-forward-error")));

  /* An invalid port: the message in the form, the XML as it was. */
  {
    g_autofree char *was = nic_xml (f, 0);
    g_autofree char *now = NULL;
    GtkWidget *message = named (f, "add-port-forward-error");

    add_through_popover (f, "70000", "", "");
    g_assert_true (gtk_widget_get_visible (message));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (message)), ==,
                     "Host port: “70000” is not a port from 1 to 65535 or a range like 5000-5099.");
    g_assert_true (gtk_widget_has_css_class (named (f, "add-port-forward-host"), "error"));
    now = nic_xml (f, 0);
    g_assert_cmpstr (now, ==, was);
    g_assert_cmpuint (f->changed, ==, 1);

    /* A port another rule takes, from every address: refused by name. */
    add_through_popover (f, "2222", "2222", "127.0.0.1");
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (message)), ==,
                     "Host port: 2222 (TCP) is already forwarded by another rule.");
    g_clear_pointer (&now, g_free);
    now = nic_xml (f, 0);
    g_assert_cmpstr (now, ==, was);

    /* Typing again clears the complaint. */
    type_into (named (f, "add-port-forward-host"), "2223");
    g_assert_false (gtk_widget_get_visible (message));
    g_assert_false (gtk_widget_has_css_class (named (f, "add-port-forward-host"), "error"));
    gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (message, GTK_TYPE_POPOVER)));
  }

  /* Editing the rule in its row: refused text stays in the entry with the
   * reason under it, the row is reported, the XML keeps the last good
   * value; good text goes straight in. */
  {
    g_autofree char *was = nic_xml (f, 0);
    g_autofree char *now = NULL;
    GtkWidget *host = named (f, "port-forward-0-host");
    GtkWidget *host_row = gtk_widget_get_ancestor (host, ADW_TYPE_ACTION_ROW);

    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
    type_into (host, "99999");
    now = nic_xml (f, 0);
    g_assert_cmpstr (now, ==, was);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (host)), ==, "99999");
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (host_row)), ==,
                     "Host port: “99999” is not a port from 1 to 65535 or a range like 5000-5099.");
    g_assert_true (gtk_widget_has_css_class (host_row, "error"));
    g_assert_true (f->invalid_row == row);
    g_assert_cmpstr (f->invalid_message, ==, adw_action_row_get_subtitle (ADW_ACTION_ROW (host_row)));
    g_assert_cmpuint (f->changed, ==, 1);
    /* Only the field is styled; folded, the rule says it under its title. */
    g_assert_false (gtk_widget_has_css_class (row, "error"));
    g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), ==, "");
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), FALSE);
    g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), ==, f->invalid_message);
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);

    type_into (host, "8000-8009");
    type_into (named (f, "port-forward-0-guest"), "80");
    g_clear_pointer (&now, g_free);
    now = nic_xml (f, 0);
    /* (Attribute order follows the keystrokes: an emptied entry takes
     * its attribute off, and it comes back last.) */
    {
      g_autoptr(GPtrArray) forwards = vireo_interface_dup_port_forwards (nic_at (f->config, 0));
      const VireoPortRange *range = &g_array_index (((VireoPortForward *) forwards->pdata[0])->ranges, VireoPortRange, 0);

      g_assert_cmpuint (forwards->len, ==, 1);
      g_assert_cmpuint (range->start, ==, 8000);
      g_assert_cmpuint (range->end, ==, 8009);
      g_assert_cmpuint (range->to, ==, 80);
    }
    g_assert_null (f->invalid_message);
    g_assert_false (gtk_widget_has_css_class (host_row, "error"));
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "TCP host 8000–8009 → guest 80–89");
    g_assert_true (named (f, "port-forward-0") == row);   /* edited, not rebuilt */

    /* Protocol and address. */
    adw_combo_row_set_selected (ADW_COMBO_ROW (named (f, "port-forward-0-proto")), 1);
    type_into (named (f, "port-forward-0-address"), "::1");
    g_clear_pointer (&now, g_free);
    now = nic_xml (f, 0);
    g_assert_nonnull (strstr (now, "<portForward proto=\"udp\" address=\"::1\">"));
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                     "UDP host [::1]:8000–8009 → guest 80–89");
    type_into (named (f, "port-forward-0-address"), "::1::");
    g_assert_cmpstr (f->invalid_message, ==, "Host address: “::1::” is not an IPv4 or IPv6 address.");
  }

  /* Remove: the rule's element goes, with the complaint about it. */
  {
    guint changed = f->changed;
    g_autofree char *now = NULL;

    g_signal_emit_by_name (named (f, "port-forward-0-remove"), "clicked");
    now = nic_xml (f, 0);
    g_assert_cmpstr (now, ==, before);
    g_assert_cmpuint (f->changed, ==, changed + 1);
    g_assert_null (vireo_test_find_named (GTK_WIDGET (f->editor), "port-forward-0"));
    g_assert_true (gtk_widget_get_visible (named (f, "no-port-forwards")));
    g_assert_true (f->invalid_row == row);
    g_assert_null (f->invalid_message);
  }
}

/* A card on a network: the editor says why it cannot forward and offers
 * passt, which makes it a usermode card with the passt backend. */
static void
test_use_passt (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *passt_row = named (f, "passt-needed");
  g_autofree char *xml = NULL;

  g_assert_true (gtk_widget_get_visible (passt_row));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (passt_row)), ==,
                   "Ports are forwarded only by usermode networking with the passt backend.");
  g_assert_false (gtk_widget_get_sensitive (named (f, "add-port-forward")));
  g_assert_false (gtk_widget_get_visible (named (f, "no-port-forwards")));

  g_signal_emit_by_name (named (f, "use-passt"), "clicked");
  xml = nic_xml (f, 1);
  g_assert_cmpstr (xml, ==,
                   "<interface type=\"user\">\n"
                   "  <mac address=\"52:54:00:12:34:02\"/>\n"
                   "  <model type=\"virtio\"/>\n"
                   "  <backend type=\"passt\"/>\n"
                   "</interface>");
  g_assert_cmpuint (f->changed, ==, 1);
  g_assert_false (gtk_widget_get_visible (passt_row));
  g_assert_true (gtk_widget_get_sensitive (named (f, "add-port-forward")));
  g_assert_true (gtk_widget_get_visible (named (f, "no-port-forwards")));
}

/* Where the domain capabilities list the backends without passt, the
 * button is off and says why. */
static void
test_caps_without_passt (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VireoDomainCaps) caps = vireo_domain_caps_new_from_xml (
    "<domainCapabilities>\n"
    "  <path>/usr/bin/qemu-system-x86_64</path>\n"
    "  <domain>qemu</domain>\n"
    "  <devices>\n"
    "    <interface supported=\"yes\">\n"
    "      <enum name=\"backendType\">\n"
    "        <value>default</value>\n"
    "      </enum>\n"
    "    </interface>\n"
    "  </devices>\n"
    "</domainCapabilities>\n", &error);
  GtkWidget *passt_row = named (f, "passt-needed");

  g_assert_no_error (error);
  g_assert_true (gtk_widget_get_sensitive (named (f, "use-passt")));
  vireo_port_forward_editor_set_caps (f->editor, caps);
  g_assert_false (gtk_widget_get_sensitive (named (f, "use-passt")));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (passt_row)),
                            "This host’s libvirt does not offer passt."));
}

/* Changes made elsewhere (the XML view, a script) show; one that leaves
 * the forwards alone does not rebuild the rows. */
static void
test_follows_config (Fixture       *f,
                     gconstpointer  data)
{
  VireoInterface *nic = nic_at (f->config, 0);
  g_autoptr(VireoPortForward) forward = vireo_port_forward_new ("udp");
  g_autoptr(GError) error = NULL;
  GtkWidget *row;

  vireo_port_forward_add_range (forward, 5353, 0, 53, FALSE);
  g_assert_true (vireo_interface_add_port_forward (nic, forward, NULL, &error));
  g_assert_no_error (error);
  row = named (f, "port-forward-0");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "UDP host 5353 → guest 53");
  g_assert_cmpuint (f->changed, ==, 0);   /* not the editor's edit */

  vireo_interface_set_mac (nic, "52:54:00:12:34:09");
  g_assert_true (named (f, "port-forward-0") == row);

  g_assert_true (vireo_interface_set_passt (nic, FALSE, &error));
  g_assert_true (gtk_widget_get_visible (named (f, "passt-needed")));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (named (f, "passt-needed"))), ==,
                   "Usermode networking forwards ports only with the passt backend.");
  /* The forward it still has stays in the list, to be removed. */
  g_assert_nonnull (named (f, "port-forward-0-remove"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  vireo_ui_init ();

#define ADD(path, nic, func) \
  g_test_add ("/ui/port-forward-editor/" path, Fixture, GUINT_TO_POINTER (nic), fixture_setup, func, fixture_teardown)
  ADD ("add-edit-remove", 0, test_add_edit_remove);
  ADD ("use-passt", 1, test_use_passt);
  ADD ("caps-without-passt", 1, test_caps_without_passt);
  ADD ("follows-config", 0, test_follows_config);
#undef ADD

  return g_test_run ();
}
