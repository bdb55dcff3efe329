/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-connection-row"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-connection-row.h"

/* A sidebar entry: which host, and whether Vireo can reach it right now. */
struct _VireoConnectionRow
{
  GtkListBoxRow    parent_instance;

  /* Owned */
  VireoConnection *connection;

  /* Children */
  GtkWidget       *icon;
  GtkWidget       *title;
  GtkWidget       *subtitle;
  GtkWidget       *spinner;
  guint            tick_source;   /* while connecting: elapsed time */
};

G_DEFINE_FINAL_TYPE (VireoConnectionRow, vireo_connection_row, GTK_TYPE_LIST_BOX_ROW)

static gboolean tick (gpointer data);

static void
update (VireoConnectionRow *self)
{
  g_autofree char *name = vireo_connection_dup_display_name (self->connection);
  VireoConnectionState state = vireo_connection_get_state (self->connection);
  const char *uri = vireo_connection_get_uri (self->connection);
  g_autofree char *elapsed = NULL;
  const char *status;
  const char *icon;

  switch (state)
    {
    case VIREO_CONNECTION_STATE_CONNECTED:  status = _("Connected"); break;
    case VIREO_CONNECTION_STATE_CONNECTING:
      {
        gint64 since = vireo_connection_get_connecting_since (self->connection);
        guint seconds = since ? (guint) ((g_get_monotonic_time () - since) / G_USEC_PER_SEC) : 0;

        /* Only worth a number once it is slow. */
        if (seconds >= 2)
          {
            elapsed = g_strdup_printf (ngettext ("Connecting… %u second", "Connecting… %u seconds", seconds), seconds);
            status = elapsed;
          }
        else
          status = _("Connecting…");
        break;
      }
    case VIREO_CONNECTION_STATE_DISCONNECTED:
    default:
      /* Never reached versus lost: the first needs fixing, the second waits. */
      status = vireo_connection_get_error_message (self->connection) != NULL &&
               !vireo_connection_get_populated (self->connection)
        ? _("Could not connect")
        : _("Disconnected");
      break;
    }

  if (vireo_connection_get_is_demo (self->connection))
    icon = "applications-science-symbolic";
  else if (strstr (uri, "://") != NULL && strncmp (strstr (uri, "://"), ":///", 4) != 0)
    icon = "network-server-symbolic";
  else
    icon = "computer-symbolic";

  gtk_image_set_from_icon_name (GTK_IMAGE (self->icon), icon);
  gtk_label_set_text (GTK_LABEL (self->title), name);
  gtk_label_set_text (GTK_LABEL (self->subtitle), status);
  gtk_widget_set_visible (self->spinner, state == VIREO_CONNECTION_STATE_CONNECTING);
  if (state == VIREO_CONNECTION_STATE_CONNECTING && self->tick_source == 0)
    self->tick_source = g_timeout_add_seconds (1, tick, self);
  else if (state != VIREO_CONNECTION_STATE_CONNECTING)
    g_clear_handle_id (&self->tick_source, g_source_remove);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), state == VIREO_CONNECTION_STATE_CONNECTING);
  if (state == VIREO_CONNECTION_STATE_CONNECTED)
    gtk_widget_remove_css_class (self->icon, "dim-label");
  else
    gtk_widget_add_css_class (self->icon, "dim-label");
}

static gboolean
tick (gpointer data)
{
  update (data);
  return G_SOURCE_CONTINUE;
}

static void
vireo_connection_row_dispose (GObject *object)
{
  VireoConnectionRow *self = VIREO_CONNECTION_ROW (object);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (vireo_connection_row_parent_class)->dispose (object);
}

/* Made when asked for: setting a tooltip makes GTK 4.8 query the pointer
 * from the display server, and this row updates every second while it
 * connects. */
static gboolean
on_query_tooltip (VireoConnectionRow *self,
                  int                 x,
                  int                 y,
                  gboolean            keyboard,
                  GtkTooltip         *tooltip)
{
  VireoConnection *conn = self->connection;
  const char *uri = vireo_connection_get_uri (conn);
  VireoConnectionState state = vireo_connection_get_state (conn);
  g_autofree char *text = NULL;

  if (vireo_connection_get_error_message (conn) != NULL && state == VIREO_CONNECTION_STATE_DISCONNECTED)
    text = g_strdup_printf ("%s\n%s", uri, vireo_connection_get_error_message (conn));
  else if (state == VIREO_CONNECTION_STATE_CONNECTED && vireo_connection_get_versions (conn))
    {
      const char *host = vireo_connection_get_hostname (conn);

      text = g_strdup_printf ("%s%s%s\n%s", host ? host : "", host ? "\n" : "",
                              uri, vireo_connection_get_versions (conn));
    }
  else
    text = g_strdup (uri);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
vireo_connection_row_class_init (VireoConnectionRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vireo_connection_row_dispose;
}

static void
vireo_connection_row_init (VireoConnectionRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->icon = gtk_image_new ();
  self->title = gtk_label_new (NULL);
  self->subtitle = gtk_label_new (NULL);
  self->spinner = gtk_spinner_new ();

  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (self->subtitle), 0);
  gtk_widget_add_css_class (self->subtitle, "caption");
  gtk_widget_add_css_class (self->subtitle, "dim-label");
  gtk_widget_set_hexpand (labels, TRUE);

  gtk_box_append (GTK_BOX (labels), self->title);
  gtk_box_append (GTK_BOX (labels), self->subtitle);
  gtk_box_append (GTK_BOX (box), self->icon);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), self->spinner);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);
}

GtkWidget *
vireo_connection_row_new (VireoConnection *connection)
{
  VireoConnectionRow *self = g_object_new (VIREO_TYPE_CONNECTION_ROW, NULL);

  self->connection = g_object_ref (connection);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  g_signal_connect_object (connection, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}

/**
 * vireo_connection_row_get_connection:
 *
 * Returns: (transfer none): the connection shown
 */
VireoConnection *
vireo_connection_row_get_connection (VireoConnectionRow *self)
{
  g_return_val_if_fail (VIREO_IS_CONNECTION_ROW (self), NULL);
  return self->connection;
}
