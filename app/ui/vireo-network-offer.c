/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-network-offer"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-command.h"
#include "vireo-create-job.h"
#include "vireo-network-config.h"
#include "vireo-network-offer.h"

/*
 * libvirt refuses to start a machine whose network is stopped ("network
 * 'X' is not active"). Rather than check every card's network before each
 * start (a round trip per network, on every click), the main window and
 * the console page catch that refusal and offer to start the network, then
 * the machine.
 */

static void
show_error (GtkWindow  *parent,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  GWeakRef     window;
  VireoDomain *domain;
  char        *network;
} NetworkStart;

static void
network_start_free (NetworkStart *ns)
{
  g_weak_ref_clear (&ns->window);
  g_object_unref (ns->domain);
  g_free (ns->network);
  g_free (ns);
}

static void
network_start_closure_free (gpointer  data,
                            GClosure *closure)
{
  network_start_free (data);
}

static void
retry_start_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GtkWindow) self = g_weak_ref_get (user_data);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (user_data);
  g_free (user_data);
  if (!vireo_domain_action_finish (VIREO_DOMAIN (object), result, &error) && self != NULL)
    {
      /* Translators: %s is a machine's name */
      g_autofree char *heading = g_strdup_printf (_("Could Not Start “%s”"),
                                                  vireo_domain_get_name (VIREO_DOMAIN (object)));

      show_error (self, heading, error->message);
    }
}

static void
network_started_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  NetworkStart *ns = user_data;
  g_autoptr(GtkWindow) self = g_weak_ref_get (&ns->window);
  g_autoptr(GError) error = NULL;

  if (!vireo_connection_start_network_finish (VIREO_CONNECTION (object), result, &error))
    {
      if (self != NULL)
        {
          /* Translators: %s is a network's name */
          g_autofree char *heading = g_strdup_printf (_("Could Not Start the Network “%s”"), ns->network);
          g_autofree char *hint = vireo_network_explain_start_error (error->message);
          g_autofree char *body = hint ? g_strdup_printf ("%s\n\n%s", error->message, hint)
                                       : g_strdup (error->message);

          show_error (self, heading, body);
        }
    }
  else
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      g_weak_ref_init (ref, self);
      vireo_domain_action_async (ns->domain, VIREO_DOMAIN_ACTION_START, NULL, retry_start_cb, ref);
    }
  network_start_free (ns);
}

static void
on_network_start_response (AdwMessageDialog *dialog,
                           const char       *response,
                           NetworkStart     *ns)
{
  if (g_str_equal (response, "start"))
    {
      NetworkStart *copy = g_new0 (NetworkStart, 1);
      g_autoptr(GObject) window = g_weak_ref_get (&ns->window);

      g_weak_ref_init (&copy->window, window);
      copy->domain = g_object_ref (ns->domain);
      copy->network = g_strdup (ns->network);
      vireo_connection_start_network_async (vireo_domain_get_connection (ns->domain), ns->network, NULL,
                                            network_started_cb, copy);
    }
}

/**
 * vireo_offer_network_start:
 * @parent: the window asking
 * @domain: a machine that did not start
 * @network: the stopped network it needs, as
 *   vireo_network_inactive_from_error() found it
 *
 * Asks whether to start @network and then @domain, and does both; a
 * failure of either is shown on @parent, the network's with the likely fix.
 */
void
vireo_offer_network_start (GtkWindow   *parent,
                           VireoDomain *domain,
                           const char  *network)
{
  const char *uri = vireo_connection_get_uri (vireo_domain_get_connection (domain));
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *net_cmd = vireo_command_for_network (uri, VIREO_NETWORK_COMMAND_START, network);
  g_autofree char *vm_cmd = vireo_command_for_domain_action (uri, VIREO_DOMAIN_ACTION_START,
                                                             vireo_domain_get_name (domain), NULL);
  GtkWidget *dialog;
  NetworkStart *ns = g_new0 (NetworkStart, 1);

  /* Translators: %s is a network's name */
  heading = g_strdup_printf (_("The Network “%s” Is Not Running"), network);
  /* Translators: the first %s is a machine's name, the second a network's; then virsh lines */
  body = g_strdup_printf (_("“%s” has a network card on “%s”, which is stopped. Start the network, then the "
                            "machine?\n\nThe same with virsh:\n%s\n%s"),
                          vireo_domain_get_name (domain), network, net_cmd, vm_cmd);
  dialog = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "start", _("_Start Network and Machine"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "start", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "start");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_weak_ref_init (&ns->window, parent);
  ns->domain = g_object_ref (domain);
  ns->network = g_strdup (network);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_network_start_response), ns,
                         network_start_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}
