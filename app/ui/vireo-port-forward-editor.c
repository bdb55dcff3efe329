/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-port-forward-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-port-forward-editor.h"

/*
 * The port forwards of one usermode NIC with the passt backend, for the
 * NIC page: a row per <portForward> ("TCP host 2222 → guest 22") that
 * opens on its fields, a remove button on each, and Add in the header.
 *
 * Every edit goes straight to the interface through the model, whose
 * refusal is shown on the field it names and reported ("row-invalid",
 * with the rule's row) so the window can hold Apply, as VireoDeviceForm
 * does; text that was refused stays in its entry. Add is a small form in
 * a popover: refused, it says why and the document is untouched.
 *
 * A card that cannot forward ports (another connection type, or usermode
 * on QEMU's own SLIRP, which libvirt 9.0 gives no forwards) gets a row
 * saying so, with a button that switches it to usermode with passt.
 *
 * Edits made elsewhere (the XML view, another page) rebuild the rows, but
 * only when they change what the rows show, so typing elsewhere on the
 * page does not fold an open rule.
 */

typedef struct
{
  GtkWidget *row;           /* AdwExpanderRow; the group holds it */
  guint      index;         /* of its <portForward> */
  GtkWidget *proto_row;     /* AdwComboRow */
  GtkWidget *address_row;
  GtkWidget *address;
  GtkWidget *host_row;      /* NULL for a rule only the XML says in full */
  GtkWidget *host;
  GtkWidget *guest_row;
  GtkWidget *guest;
  char      *message;       /* why its fields were refused */
  GtkWidget *culprit;       /* the field row showing it, NULL for none */
} Rule;

struct _VireoPortForwardEditor
{
  AdwPreferencesGroup  parent_instance;

  /* Owned */
  VireoInterface      *nic;
  VireoDomainCaps     *caps;
  char                *passt_refusal;  /* libvirt's own words, when it refuses passt */
  char                *shown;      /* what the rows show: see state_key() */
  GPtrArray           *rules;      /* Rule */
  guint                editing;    /* our own writes, not others' */

  /* Template widgets */
  GtkMenuButton       *add_button;
  GtkPopover          *add_popover;
  GtkDropDown         *add_proto;
  GtkEntry            *add_host;
  GtkEntry            *add_guest;
  GtkEntry            *add_address;
  GtkLabel            *add_error;
  AdwActionRow        *passt_row;
  GtkButton           *use_passt_button;
  AdwActionRow        *empty_row;
};

G_DEFINE_FINAL_TYPE (VireoPortForwardEditor, vireo_port_forward_editor, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_INTERFACE,
  N_PROPS
};

enum {
  CHANGED,
  ROW_INVALID,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char * const protocols[] = { "tcp", "udp", NULL };

static void rebuild (VireoPortForwardEditor *self);

static void
rule_free (Rule *rule)
{
  g_free (rule->message);
  g_free (rule);
}

static gboolean
nic_attached (VireoPortForwardEditor *self)
{
  return self->nic != NULL && vireo_device_get_attached (VIREO_DEVICE (self->nic));
}

/* Everything the rows show, as one string: a change elsewhere that leaves
 * it alone needs no rebuild. */
static char *
state_key (VireoPortForwardEditor *self)
{
  g_autoptr(GString) key = g_string_new (NULL);
  g_autoptr(GPtrArray) forwards = NULL;
  g_autofree char *type = NULL;

  if (!nic_attached (self))
    return g_strdup ("");
  type = vireo_interface_dup_type (self->nic);
  g_string_append_printf (key, "%s/%d", type != NULL ? type : "", vireo_interface_get_passt (self->nic));
  forwards = vireo_interface_dup_port_forwards (self->nic);
  for (guint i = 0; i < forwards->len; i++)
    {
      const VireoPortForward *forward = forwards->pdata[i];
      g_autofree char *summary = vireo_port_forward_dup_summary (forward);

      g_string_append_printf (key, "\n%s %s", summary, forward->dev != NULL ? forward->dev : "");
    }
  return g_string_free (g_steal_pointer (&key), FALSE);
}

static void
remember_shown (VireoPortForwardEditor *self)
{
  g_free (self->shown);
  self->shown = state_key (self);
}

static gboolean
passt_offered (VireoPortForwardEditor *self)
{
  g_auto(GStrv) backends = NULL;

  if (self->passt_refusal != NULL)
    return FALSE;
  /* Not reported (libvirt 9.0 lists no backends) is not "no". */
  if (self->caps == NULL)
    return TRUE;
  backends = vireo_domain_caps_dup_enum (self->caps, "interface", "backendType");
  return backends == NULL || backends[0] == NULL || g_strv_contains ((const char * const *) backends, "passt");
}

static void
emit_changed (VireoPortForwardEditor *self)
{
  remember_shown (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static Rule *
rule_for (VireoPortForwardEditor *self,
          GtkWidget              *widget)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (widget), "vireo-rule-row");

  for (guint i = 0; i < self->rules->len; i++)
    {
      Rule *rule = self->rules->pdata[i];

      if (rule->row == row)
        return rule;
    }
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Refusals                                                                  */

static void
mark_field (GtkWidget  *row,
            const char *message)
{
  if (row == NULL)
    return;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), message != NULL ? message : "");
  if (message != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static GtkWidget *
field_row (Rule                  *rule,
           VireoPortForwardField  field)
{
  switch (field)
    {
    case VIREO_PORT_FORWARD_FIELD_PROTO:
      return rule->proto_row;
    case VIREO_PORT_FORWARD_FIELD_ADDRESS:
      return rule->address_row;
    case VIREO_PORT_FORWARD_FIELD_HOST_PORTS:
      return rule->host_row;
    case VIREO_PORT_FORWARD_FIELD_GUEST_PORT:
      return rule->guest_row;
    case VIREO_PORT_FORWARD_FIELD_NONE:
    default:
      return NULL;
    }
}

/* Under the rule's title while its fields are out of sight (or when the
 * message names no field), so a folded rule still says what holds Apply. */
static void
update_rule_subtitle (Rule *rule)
{
  gboolean folded = !adw_expander_row_get_expanded (ADW_EXPANDER_ROW (rule->row));
  gboolean show = rule->message != NULL && (folded || rule->culprit == NULL);

  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (rule->row), show ? rule->message : "");
}

/* The message under the field it names, and the rule reported to whoever
 * holds Apply. Only the field is styled as an error: on the rule's row the
 * style would colour every field under it. */
static void
report (VireoPortForwardEditor *self,
        Rule                   *rule,
        VireoPortForwardField   field,
        const char             *message)
{
  GtkWidget *target = message != NULL ? field_row (rule, field) : NULL;
  GtkWidget *rows[] = { rule->proto_row, rule->address_row, rule->host_row, rule->guest_row };
  gboolean news = g_strcmp0 (rule->message, message) != 0;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    mark_field (rows[i], rows[i] == target ? message : NULL);
  g_free (rule->message);
  rule->message = g_strdup (message);
  rule->culprit = target;
  update_rule_subtitle (rule);
  if (news)
    g_signal_emit (self, signals[ROW_INVALID], 0, rule->row, message);
}

static void
on_rule_expanded (AdwExpanderRow         *row,
                  GParamSpec             *pspec,
                  VireoPortForwardEditor *self)
{
  Rule *rule = rule_for (self, GTK_WIDGET (row));

  if (rule != NULL)
    update_rule_subtitle (rule);
}

/* ------------------------------------------------------------------------ */
/* Editing a rule                                                            */

static const char *
entry_text (GtkWidget *entry)
{
  return entry != NULL ? gtk_editable_get_text (GTK_EDITABLE (entry)) : NULL;
}

static void
edit_rule (VireoPortForwardEditor *self,
           Rule                   *rule)
{
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(VireoPortForward) forward = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *summary = NULL;
  VireoPortForwardField field = VIREO_PORT_FORWARD_FIELD_NONE;
  guint selected;
  gboolean ok;

  if (self->editing > 0 || !nic_attached (self))
    return;
  forwards = vireo_interface_dup_port_forwards (self->nic);
  if (rule->index >= forwards->len)
    return;

  forward = vireo_port_forward_copy (forwards->pdata[rule->index]);
  selected = adw_combo_row_get_selected (ADW_COMBO_ROW (rule->proto_row));
  before = state_key (self);
  self->editing++;
  ok = vireo_port_forward_set_simple (forward, protocols[selected == 1 ? 1 : 0], entry_text (rule->address),
                                      entry_text (rule->host), entry_text (rule->guest), &field, &error)
       && vireo_interface_replace_port_forward (self->nic, rule->index, forward, &field, &error);
  self->editing--;
  if (!ok)
    {
      report (self, rule, field, error->message);
      return;
    }
  report (self, rule, VIREO_PORT_FORWARD_FIELD_NONE, NULL);
  summary = vireo_port_forward_dup_summary (forward);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rule->row), summary);
  after = state_key (self);
  if (g_strcmp0 (before, after) != 0)
    emit_changed (self);
}

static void
on_rule_entry_changed (GtkEditable            *entry,
                       VireoPortForwardEditor *self)
{
  Rule *rule = rule_for (self, GTK_WIDGET (entry));

  if (rule != NULL)
    edit_rule (self, rule);
}

static void
on_rule_proto_changed (AdwComboRow            *combo,
                       GParamSpec             *pspec,
                       VireoPortForwardEditor *self)
{
  Rule *rule = rule_for (self, GTK_WIDGET (combo));

  if (rule != NULL)
    edit_rule (self, rule);
}

static void
on_rule_remove_clicked (GtkButton              *button,
                        VireoPortForwardEditor *self)
{
  Rule *rule = rule_for (self, GTK_WIDGET (button));
  gboolean removed;

  if (rule == NULL || !nic_attached (self))
    return;
  self->editing++;
  removed = vireo_interface_remove_port_forward (self->nic, rule->index);
  self->editing--;
  if (!removed)
    return;
  rebuild (self);
  emit_changed (self);
}

static GtkWidget *
add_entry_row (Rule       *rule,
               const char *title,
               const char *name,
               const char *text,
               const char *placeholder,
               GtkWidget **entry_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *entry = gtk_entry_new ();
  g_autofree char *entry_name = g_strdup_printf ("%s-%s", gtk_widget_get_name (rule->row), name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_name (entry, entry_name);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_object_set_data (G_OBJECT (entry), "vireo-rule-row", rule->row);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), entry);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), entry);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (rule->row), row);
  *entry_out = entry;
  return row;
}

static Rule *
build_rule (VireoPortForwardEditor *self,
            guint                   index,
            const VireoPortForward *forward)
{
  Rule *rule = g_new0 (Rule, 1);
  g_autofree char *summary = vireo_port_forward_dup_summary (forward);
  g_autofree char *name = g_strdup_printf ("port-forward-%u", index);
  g_autofree char *button_name = g_strdup_printf ("port-forward-%u-remove", index);
  g_autofree char *proto_name = g_strdup_printf ("port-forward-%u-proto", index);
  g_autoptr(GtkStringList) protos = gtk_string_list_new ((const char * const[]) { "TCP", "UDP", NULL });
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  rule->index = index;
  rule->row = adw_expander_row_new ();
  gtk_widget_set_name (rule->row, name);
  g_object_set_data (G_OBJECT (rule->row), "vireo-rule-row", rule->row);
  g_signal_connect_object (rule->row, "notify::expanded", G_CALLBACK (on_rule_expanded), self, 0);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rule->row), summary);

  gtk_widget_set_name (remove, button_name);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data (G_OBJECT (remove), "vireo-rule-row", rule->row);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (on_rule_remove_clicked), self, 0);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (rule->row), remove);

  rule->proto_row = adw_combo_row_new ();
  gtk_widget_set_name (rule->proto_row, proto_name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rule->proto_row), _("Protocol"));
  adw_combo_row_set_model (ADW_COMBO_ROW (rule->proto_row), G_LIST_MODEL (protos));
  adw_combo_row_set_selected (ADW_COMBO_ROW (rule->proto_row), g_strcmp0 (forward->proto, "udp") == 0 ? 1 : 0);
  g_object_set_data (G_OBJECT (rule->proto_row), "vireo-rule-row", rule->row);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (rule->row), rule->proto_row);

  if (vireo_port_forward_is_simple (forward))
    {
      g_autofree char *host = vireo_port_forward_dup_host_ports (forward);
      g_autofree char *guest = vireo_port_forward_dup_guest_port (forward);

      rule->host_row = add_entry_row (rule, _("Host port"), "host", host, _("2222 or 5000-5099"), &rule->host);
      rule->guest_row = add_entry_row (rule, _("Guest port"), "guest", guest, _("Same as the host"), &rule->guest);
    }
  else
    {
      GtkWidget *note = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (note), _("Ports"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (note),
                                   _("This rule lists several port ranges or leaves ports out: the XML view edits them."));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (rule->row), note);
    }
  rule->address_row = add_entry_row (rule, _("Host address"), "address", forward->address,
                                     _("All addresses"), &rule->address);

  /* Connected once filled, so filling is not an edit. */
  g_signal_connect_object (rule->proto_row, "notify::selected", G_CALLBACK (on_rule_proto_changed), self, 0);
  g_signal_connect_object (rule->address, "changed", G_CALLBACK (on_rule_entry_changed), self, 0);
  if (rule->host != NULL)
    {
      g_signal_connect_object (rule->host, "changed", G_CALLBACK (on_rule_entry_changed), self, 0);
      g_signal_connect_object (rule->guest, "changed", G_CALLBACK (on_rule_entry_changed), self, 0);
    }
  return rule;
}

/* ------------------------------------------------------------------------ */
/* The whole group                                                           */

static void
clear_rules (VireoPortForwardEditor *self)
{
  for (guint i = 0; i < self->rules->len; i++)
    {
      Rule *rule = self->rules->pdata[i];

      /* Whoever holds Apply for it must let go of a row that goes away. */
      if (rule->message != NULL)
        g_signal_emit (self, signals[ROW_INVALID], 0, rule->row, NULL);
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), rule->row);
    }
  g_ptr_array_set_size (self->rules, 0);
}

static void
rebuild (VireoPortForwardEditor *self)
{
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(GError) why = NULL;
  gboolean attached = nic_attached (self);
  gboolean can = attached && vireo_interface_can_forward_ports (self->nic, &why);

  clear_rules (self);

  gtk_widget_set_visible (GTK_WIDGET (self->passt_row), attached && !can);
  if (attached && !can)
    {
      gboolean offered = passt_offered (self);
      g_autofree char *subtitle = offered ? g_strdup (why->message)
                                          : g_strdup_printf ("%s %s", why->message,
                                                             _("This host’s libvirt does not offer passt."));

      if (!offered && self->passt_refusal != NULL)
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->use_passt_button), self->passt_refusal);

      adw_action_row_set_subtitle (self->passt_row, subtitle);
      gtk_widget_set_sensitive (GTK_WIDGET (self->use_passt_button), offered);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), can);
  if (!can)
    gtk_popover_popdown (self->add_popover);

  forwards = attached ? vireo_interface_dup_port_forwards (self->nic) : g_ptr_array_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), can && forwards->len == 0);
  for (guint i = 0; i < forwards->len; i++)
    {
      Rule *rule = build_rule (self, i, forwards->pdata[i]);

      g_ptr_array_add (self->rules, rule);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), rule->row);
    }
  remember_shown (self);
}

static void
on_config_changed (VireoPortForwardEditor *self)
{
  g_autofree char *key = NULL;

  if (self->editing > 0)
    return;
  key = state_key (self);
  if (g_strcmp0 (key, self->shown) != 0)
    rebuild (self);
}

static void
on_use_passt_clicked (VireoPortForwardEditor *self)
{
  g_autofree char *type = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!nic_attached (self))
    return;
  type = vireo_interface_dup_type (self->nic);
  self->editing++;
  if (g_strcmp0 (type, "user") != 0)
    vireo_interface_set_source (self->nic, "user", NULL, NULL);
  ok = vireo_interface_set_passt (self->nic, TRUE, &error);
  self->editing--;
  rebuild (self);
  if (!ok)
    adw_action_row_set_subtitle (self->passt_row, error->message);
  emit_changed (self);
}

/* ------------------------------------------------------------------------ */
/* Add                                                                       */

static void
clear_add_error (VireoPortForwardEditor *self)
{
  GtkWidget *entries[] = { GTK_WIDGET (self->add_host), GTK_WIDGET (self->add_guest),
                           GTK_WIDGET (self->add_address), GTK_WIDGET (self->add_proto) };

  gtk_label_set_text (self->add_error, "");
  gtk_widget_set_visible (GTK_WIDGET (self->add_error), FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    gtk_widget_remove_css_class (entries[i], "error");
}

static void
on_add_entry_changed (VireoPortForwardEditor *self)
{
  clear_add_error (self);
}

static void
on_add_popover_show (VireoPortForwardEditor *self)
{
  clear_add_error (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->add_host));
}

static void
on_add_confirm_clicked (VireoPortForwardEditor *self)
{
  g_autoptr(VireoPortForward) forward = vireo_port_forward_new ("tcp");
  g_autoptr(GError) error = NULL;
  VireoPortForwardField field = VIREO_PORT_FORWARD_FIELD_NONE;
  guint selected = gtk_drop_down_get_selected (self->add_proto);
  gboolean ok;

  if (!nic_attached (self))
    return;
  self->editing++;
  ok = vireo_port_forward_set_simple (forward, protocols[selected == 1 ? 1 : 0],
                                      gtk_editable_get_text (GTK_EDITABLE (self->add_address)),
                                      gtk_editable_get_text (GTK_EDITABLE (self->add_host)),
                                      gtk_editable_get_text (GTK_EDITABLE (self->add_guest)), &field, &error)
       && vireo_interface_add_port_forward (self->nic, forward, &field, &error);
  self->editing--;
  if (!ok)
    {
      GtkWidget *culprit = field == VIREO_PORT_FORWARD_FIELD_PROTO ? GTK_WIDGET (self->add_proto)
                           : field == VIREO_PORT_FORWARD_FIELD_ADDRESS ? GTK_WIDGET (self->add_address)
                           : field == VIREO_PORT_FORWARD_FIELD_GUEST_PORT ? GTK_WIDGET (self->add_guest)
                           : field == VIREO_PORT_FORWARD_FIELD_HOST_PORTS ? GTK_WIDGET (self->add_host)
                           : NULL;

      gtk_label_set_text (self->add_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->add_error), TRUE);
      if (culprit != NULL)
        {
          gtk_widget_add_css_class (culprit, "error");
          gtk_widget_grab_focus (culprit);
        }
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->add_host), "");
  gtk_editable_set_text (GTK_EDITABLE (self->add_guest), "");
  gtk_editable_set_text (GTK_EDITABLE (self->add_address), "");
  gtk_popover_popdown (self->add_popover);
  rebuild (self);
  emit_changed (self);
}

/* ------------------------------------------------------------------------ */

static void
vireo_port_forward_editor_constructed (GObject *object)
{
  VireoPortForwardEditor *self = VIREO_PORT_FORWARD_EDITOR (object);
  VireoDomainConfig *config;

  G_OBJECT_CLASS (vireo_port_forward_editor_parent_class)->constructed (object);

  config = self->nic != NULL ? vireo_device_get_config (VIREO_DEVICE (self->nic)) : NULL;
  if (config != NULL)
    g_signal_connect_object (config, "changed", G_CALLBACK (on_config_changed), self, G_CONNECT_SWAPPED);
  rebuild (self);
}

static void
vireo_port_forward_editor_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  VireoPortForwardEditor *self = VIREO_PORT_FORWARD_EDITOR (object);

  switch (prop_id)
    {
    case PROP_INTERFACE:
      g_set_object (&self->nic, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_port_forward_editor_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  VireoPortForwardEditor *self = VIREO_PORT_FORWARD_EDITOR (object);

  switch (prop_id)
    {
    case PROP_INTERFACE:
      g_value_set_object (value, self->nic);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_port_forward_editor_dispose (GObject *object)
{
  VireoPortForwardEditor *self = VIREO_PORT_FORWARD_EDITOR (object);

  g_ptr_array_set_size (self->rules, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIREO_TYPE_PORT_FORWARD_EDITOR);
  g_clear_object (&self->nic);
  g_clear_object (&self->caps);
  g_clear_pointer (&self->passt_refusal, g_free);
  G_OBJECT_CLASS (vireo_port_forward_editor_parent_class)->dispose (object);
}

static void
vireo_port_forward_editor_finalize (GObject *object)
{
  VireoPortForwardEditor *self = VIREO_PORT_FORWARD_EDITOR (object);

  g_ptr_array_unref (self->rules);
  g_free (self->shown);
  G_OBJECT_CLASS (vireo_port_forward_editor_parent_class)->finalize (object);
}

static void
vireo_port_forward_editor_class_init (VireoPortForwardEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vireo_port_forward_editor_constructed;
  object_class->set_property = vireo_port_forward_editor_set_property;
  object_class->get_property = vireo_port_forward_editor_get_property;
  object_class->dispose = vireo_port_forward_editor_dispose;
  object_class->finalize = vireo_port_forward_editor_finalize;

  properties[PROP_INTERFACE] =
    g_param_spec_object ("interface", NULL, NULL, VIREO_TYPE_INTERFACE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VireoPortForwardEditor::changed:
   *
   * The interface's XML changed through the editor.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * VireoPortForwardEditor::row-invalid:
   * @row: a rule's row
   * @message: (nullable): why its fields were refused, or %NULL when they
   *   no longer are (or the row goes away)
   *
   * The editor shows the message itself, under the field it names; this is
   * for holding Apply, as VireoDeviceForm's signal of the same name.
   */
  signals[ROW_INVALID] = g_signal_new ("row-invalid", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 2, GTK_TYPE_WIDGET, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/vireo/Vireo/vireo-port-forward-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, VireoPortForwardEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, VireoPortForwardEditor, add_popover);
  gtk_widget_class_bind_template_child (widget_class, VireoPortForwardEditor, add_proto);
  gtk_widget_class_bind_template_child (widget_class, VireoPortForwardEditor, add_host);
  gtk_widget_class_bind_template_child (widget_class, VireoPortForwardEditor, add_guest);
  gtk_widget_class_bind_template_child (widget_class, VireoPortForwardEditor, add_address);
  gtk_widget_class_bind_template_child (widget_class, VireoPortForwardEditor, add_error);
  gtk_widget_class_bind_template_child (widget_class, VireoPortForwardEditor, passt_row);
  gtk_widget_class_bind_template_child (widget_class, VireoPortForwardEditor, use_passt_button);
  gtk_widget_class_bind_template_child (widget_class, VireoPortForwardEditor, empty_row);
  gtk_widget_class_bind_template_callback (widget_class, on_add_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_add_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_add_confirm_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_use_passt_clicked);
}

static void
vireo_port_forward_editor_init (VireoPortForwardEditor *self)
{
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * vireo_port_forward_editor_new:
 * @nic: the network card whose forwards to edit; it writes into @nic's
 *   config and follows that config's changes
 *
 * Returns: (transfer floating): the editor, a preferences group titled
 *   "Port Forwarding"
 */
GtkWidget *
vireo_port_forward_editor_new (VireoInterface *nic)
{
  g_return_val_if_fail (VIREO_IS_INTERFACE (nic), NULL);
  return g_object_new (VIREO_TYPE_PORT_FORWARD_EDITOR, "interface", nic, NULL);
}

VireoInterface *
vireo_port_forward_editor_get_interface (VireoPortForwardEditor *self)
{
  g_return_val_if_fail (VIREO_IS_PORT_FORWARD_EDITOR (self), NULL);
  return self->nic;
}

/**
 * vireo_port_forward_editor_set_caps:
 * @caps: (nullable): the machine's domain capabilities
 *
 * Where they list the interface backends and passt is not among them,
 * "Use passt" is insensitive with the reason. libvirt 9.0 lists none, so
 * it stays offered; Debian 12's libvirt then refuses passt when the
 * definition is saved, and that error is the window's to show.
 */
void
vireo_port_forward_editor_set_caps (VireoPortForwardEditor *self,
                                    VireoDomainCaps        *caps)
{
  g_return_if_fail (VIREO_IS_PORT_FORWARD_EDITOR (self));
  g_return_if_fail (caps == NULL || VIREO_IS_DOMAIN_CAPS (caps));

  if (!g_set_object (&self->caps, caps))
    return;
  rebuild (self);
}

/**
 * vireo_port_forward_editor_refresh:
 *
 * Reads the rows back from the interface, as after a change the config
 * did not announce. Rules with refused text lose it.
 */
void
vireo_port_forward_editor_refresh (VireoPortForwardEditor *self)
{
  g_return_if_fail (VIREO_IS_PORT_FORWARD_EDITOR (self));
  rebuild (self);
}

/**
 * vireo_port_forward_editor_set_passt_refusal:
 * @refusal: (nullable): libvirt's message refusing passt on this host, as
 *   vireo_connection_probe_passt_finish() gives it; %NULL when it takes it
 *
 * Where libvirt is built without passt (Debian 12), "Use passt" would
 * only fail at Apply: it is made insensitive instead, saying why.
 */
void
vireo_port_forward_editor_set_passt_refusal (VireoPortForwardEditor *self,
                                             const char             *refusal)
{
  g_return_if_fail (VIREO_IS_PORT_FORWARD_EDITOR (self));

  if (g_strcmp0 (self->passt_refusal, refusal) == 0)
    return;
  g_free (self->passt_refusal);
  self->passt_refusal = g_strdup (refusal);
  rebuild (self);
}
