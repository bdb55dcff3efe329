/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-port-forward"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "vireo-domain-config.h"
#include "vireo-port-forward.h"

/*
 * A <portForward> of a usermode NIC with the passt backend, as plain data.
 * libvirt hands it to passt as --tcp-ports/--udp-ports, e.g.
 * "2222:22,5000-5099:1000-1099,~5010-5029": ranges of host ports, each to
 * the same or shifted guest ports, minus excluded ranges. The checks here
 * are the ones passt would otherwise fail on at start, when the user is no
 * longer looking at the rule: port numbers, a range that ends before it
 * starts or runs off the end, a port forwarded twice.
 */

G_DEFINE_BOXED_TYPE (VireoPortForward, vireo_port_forward,
                     vireo_port_forward_copy, vireo_port_forward_free)

#define MAX_PORT 65535

/* One bit per port number, 0 to 65535. */
typedef struct
{
  guint8 bits[(MAX_PORT + 1) / 8];
} PortSet;

/**
 * vireo_port_forward_new:
 * @proto: "tcp" or "udp"
 *
 * Returns: (transfer full): a forward of @proto without ranges
 */
VireoPortForward *
vireo_port_forward_new (const char *proto)
{
  VireoPortForward *self = g_new0 (VireoPortForward, 1);

  self->proto = g_strdup (proto);
  self->ranges = g_array_new (FALSE, TRUE, sizeof (VireoPortRange));
  return self;
}

VireoPortForward *
vireo_port_forward_copy (const VireoPortForward *self)
{
  VireoPortForward *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = vireo_port_forward_new (self->proto);
  copy->address = g_strdup (self->address);
  copy->dev = g_strdup (self->dev);
  g_array_append_vals (copy->ranges, self->ranges->data, self->ranges->len);
  return copy;
}

void
vireo_port_forward_free (VireoPortForward *self)
{
  if (self == NULL)
    return;
  g_free (self->proto);
  g_free (self->address);
  g_free (self->dev);
  g_array_unref (self->ranges);
  g_free (self);
}

void
vireo_port_forward_add_range (VireoPortForward *self,
                              guint             start,
                              guint             end,
                              guint             to,
                              gboolean          exclude)
{
  VireoPortRange range = { start, end, to, !!exclude };

  g_return_if_fail (self != NULL);
  g_array_append_val (self->ranges, range);
}

static const VireoPortRange *
range_at (const VireoPortForward *self,
          guint                   i)
{
  return &g_array_index (self->ranges, VireoPortRange, i);
}

gboolean
vireo_port_forward_equal (const VireoPortForward *a,
                          const VireoPortForward *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (g_strcmp0 (a->proto, b->proto) != 0 || g_strcmp0 (a->address, b->address) != 0
      || g_strcmp0 (a->dev, b->dev) != 0 || a->ranges->len != b->ranges->len)
    return FALSE;
  for (guint i = 0; i < a->ranges->len; i++)
    {
      const VireoPortRange *x = range_at (a, i);
      const VireoPortRange *y = range_at (b, i);

      if (x->start != y->start || x->end != y->end || x->to != y->to || !x->exclude != !y->exclude)
        return FALSE;
    }
  return TRUE;
}

static const char *
field_label (VireoPortForwardField which)
{
  switch (which)
    {
    case VIREO_PORT_FORWARD_FIELD_PROTO:
      return _("Protocol");
    case VIREO_PORT_FORWARD_FIELD_ADDRESS:
      return _("Host address");
    case VIREO_PORT_FORWARD_FIELD_HOST_PORTS:
      return _("Host port");
    case VIREO_PORT_FORWARD_FIELD_GUEST_PORT:
      return _("Guest port");
    case VIREO_PORT_FORWARD_FIELD_NONE:
    default:
      return NULL;
    }
}

static gboolean G_GNUC_PRINTF (4, 5)
refuse (GError                **error,
        VireoPortForwardField  *field,
        VireoPortForwardField   which,
        const char             *format,
        ...)
{
  g_autofree char *reason = NULL;
  const char *label = field_label (which);
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  if (field != NULL)
    *field = which;
  if (label != NULL)
    /* Translators: a field's name, then why its value was refused, e.g.
     * "Host port: must be a whole number from 1 to 65535." */
    g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID, _("%s: %s"), label, reason);
  else
    g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID, reason);
  return FALSE;
}

/* libvirt's ipAddr: a plain IPv4 or IPv6 literal, no zone, no prefix. */
static gboolean
address_is_valid (const char *address)
{
  g_autoptr(GInetAddress) inet = NULL;

  if (address == NULL || *address == '\0' || strchr (address, '%') != NULL)
    return FALSE;
  inet = g_inet_address_new_from_string (address);
  return inet != NULL;
}

static void
port_set_add (PortSet *set,
              guint    first,
              guint    last,
              gboolean add)
{
  for (guint p = first; p <= last && p <= MAX_PORT; p++)
    {
      if (add)
        set->bits[p / 8] |= 1u << (p % 8);
      else
        set->bits[p / 8] &= ~(1u << (p % 8));
    }
}

static gboolean
port_set_has (const PortSet *set,
              guint          port)
{
  return port <= MAX_PORT && (set->bits[port / 8] & (1u << (port % 8))) != 0;
}

static guint
range_last (const VireoPortRange *range)
{
  return range->end != 0 ? range->end : range->start;
}

/* The host ports @self forwards: its ranges, or every port when it names
 * none to forward, less its excluded ranges (passt's "~"). */
static void
host_ports (const VireoPortForward *self,
            PortSet                *set)
{
  gboolean any_included = FALSE;

  memset (set, 0, sizeof *set);
  for (guint i = 0; i < self->ranges->len; i++)
    {
      const VireoPortRange *range = range_at (self, i);

      if (!range->exclude)
        {
          port_set_add (set, range->start, range_last (range), TRUE);
          any_included = TRUE;
        }
    }
  if (!any_included)
    port_set_add (set, 1, MAX_PORT, TRUE);
  for (guint i = 0; i < self->ranges->len; i++)
    {
      const VireoPortRange *range = range_at (self, i);

      if (range->exclude)
        port_set_add (set, range->start, range_last (range), FALSE);
    }
}

/**
 * vireo_port_forward_validate:
 * @field: (out) (optional): which field is wrong
 *
 * What libvirt's schema and passt require of one forward: TCP or UDP, a
 * host address that is an IP literal, ports from 1 to 65535, ranges that
 * do not run backwards or past 65535 on either side, no guest port on an
 * excluded range, and no host port forwarded twice.
 *
 * Returns: %TRUE if passt can take it
 */
gboolean
vireo_port_forward_validate (const VireoPortForward  *self,
                             VireoPortForwardField   *field,
                             GError                 **error)
{
  g_autofree PortSet *seen = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (field != NULL)
    *field = VIREO_PORT_FORWARD_FIELD_NONE;

  if (g_strcmp0 (self->proto, "tcp") != 0 && g_strcmp0 (self->proto, "udp") != 0)
    return refuse (error, field, VIREO_PORT_FORWARD_FIELD_PROTO,
                   _("must be TCP or UDP, not “%s”."), self->proto != NULL ? self->proto : "");
  if (self->address != NULL && !address_is_valid (self->address))
    return refuse (error, field, VIREO_PORT_FORWARD_FIELD_ADDRESS,
                   _("“%s” is not an IPv4 or IPv6 address."), self->address);

  seen = g_new0 (PortSet, 1);
  for (guint i = 0; i < self->ranges->len; i++)
    {
      const VireoPortRange *range = range_at (self, i);

      if (range->start < 1 || range->start > MAX_PORT)
        return refuse (error, field, VIREO_PORT_FORWARD_FIELD_HOST_PORTS,
                       _("must be a whole number from 1 to 65535."));
      if (range->end != 0 && range->end > MAX_PORT)
        return refuse (error, field, VIREO_PORT_FORWARD_FIELD_HOST_PORTS,
                       _("must be a whole number from 1 to 65535."));
      if (range->end != 0 && range->end < range->start)
        return refuse (error, field, VIREO_PORT_FORWARD_FIELD_HOST_PORTS,
                       _("the range %u–%u ends before it starts."), range->start, range->end);
      if (range->exclude && range->to != 0)
        return refuse (error, field, VIREO_PORT_FORWARD_FIELD_GUEST_PORT,
                       _("ports left out (%u–%u) cannot go to the guest."),
                       range->start, range_last (range));
      if (range->to != 0 && range->to > MAX_PORT)
        return refuse (error, field, VIREO_PORT_FORWARD_FIELD_GUEST_PORT,
                       _("must be a whole number from 1 to 65535."));
      if (range->to != 0 && range->to + (range_last (range) - range->start) > MAX_PORT)
        return refuse (error, field, VIREO_PORT_FORWARD_FIELD_GUEST_PORT,
                       _("%u host ports from guest port %u run past port 65535."),
                       range_last (range) - range->start + 1, range->to);
      if (range->exclude)
        continue;
      for (guint p = range->start; p <= range_last (range); p++)
        if (port_set_has (seen, p))
          return refuse (error, field, VIREO_PORT_FORWARD_FIELD_HOST_PORTS,
                         _("port %u is in two ranges of this rule."), p);
      port_set_add (seen, range->start, range_last (range), TRUE);
    }
  return TRUE;
}

/* NULL and the unspecified address ("0.0.0.0", "::") listen everywhere. */
static gboolean
addresses_overlap (const char *a,
                   const char *b)
{
  g_autoptr(GInetAddress) x = a != NULL ? g_inet_address_new_from_string (a) : NULL;
  g_autoptr(GInetAddress) y = b != NULL ? g_inet_address_new_from_string (b) : NULL;

  if (x == NULL || y == NULL || g_inet_address_get_is_any (x) || g_inet_address_get_is_any (y))
    return TRUE;
  return g_inet_address_equal (x, y);
}

/**
 * vireo_port_forward_overlaps:
 * @port: (out) (optional): the lowest host port both forward
 *
 * Whether @a and @b would listen on the same host port: same protocol,
 * addresses that meet, and a port in both. Two such forwards cannot both
 * start (the second bind fails).
 */
gboolean
vireo_port_forward_overlaps (const VireoPortForward *a,
                             const VireoPortForward *b,
                             guint                  *port)
{
  g_autofree PortSet *x = NULL;
  g_autofree PortSet *y = NULL;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (g_ascii_strcasecmp (a->proto ? a->proto : "", b->proto ? b->proto : "") != 0
      || !addresses_overlap (a->address, b->address))
    return FALSE;
  x = g_new0 (PortSet, 1);
  y = g_new0 (PortSet, 1);
  host_ports (a, x);
  host_ports (b, y);
  for (guint i = 0; i < G_N_ELEMENTS (x->bits); i++)
    {
      guint8 both = x->bits[i] & y->bits[i];

      if (both == 0)
        continue;
      if (port != NULL)
        for (guint bit = 0; bit < 8; bit++)
          if (both & (1u << bit))
            {
              *port = i * 8 + bit;
              break;
            }
      return TRUE;
    }
  return FALSE;
}

/**
 * vireo_port_forward_is_simple:
 *
 * One host port or range to the guest, nothing left out: what an editor
 * can show as "host ports → guest port". Others are lists only the XML
 * says in full.
 */
gboolean
vireo_port_forward_is_simple (const VireoPortForward *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->ranges->len == 1 && !range_at (self, 0)->exclude;
}

/**
 * vireo_port_forward_parse_ports:
 * @text: "2222", or a range "5000-5099" (an en dash works too)
 * @end: (out): the range's last port, 0 for a single port
 *
 * Returns: %TRUE if @text is a port or a range of ports
 */
gboolean
vireo_port_forward_parse_ports (const char  *text,
                                guint       *start,
                                guint       *end,
                                GError     **error)
{
  g_autofree char *copy = NULL;
  char *second = NULL;
  char *dash;
  guint64 first = 0;
  guint64 last = 0;

  g_return_val_if_fail (start != NULL && end != NULL, FALSE);

  copy = g_strdup (text != NULL ? text : "");
  if ((dash = strstr (copy, "–")) != NULL)
    second = dash + strlen ("–");
  else if ((dash = strchr (copy, '-')) != NULL)
    second = dash + 1;
  if (dash != NULL)
    *dash = '\0';

  if (!g_ascii_string_to_unsigned (g_strstrip (copy), 10, 1, MAX_PORT, &first, NULL)
      || (second != NULL && !g_ascii_string_to_unsigned (g_strstrip (second), 10, 1, MAX_PORT, &last, NULL)))
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   _("“%s” is not a port from 1 to 65535 or a range like 5000-5099."), text != NULL ? text : "");
      return FALSE;
    }
  *start = first;
  *end = last == first ? 0 : last;
  return TRUE;
}

/**
 * vireo_port_forward_set_simple:
 * @proto: "tcp" or "udp", any case
 * @address: (nullable): the host address; %NULL or "" listens on all
 * @host_ports: (nullable): "2222" or "5000-5099"; %NULL leaves the ranges
 * @guest_port: (nullable): where the first host port goes; %NULL or ""
 *   keeps the port number. Ignored when @host_ports is %NULL.
 * @field: (out) (optional): which field is wrong
 *
 * Sets @self from an editor's fields, all or nothing: refused text leaves
 * @self as it was. The device name and anything else the fields do not
 * show stay.
 *
 * Returns: %TRUE if the fields make a forward passt can take
 */
gboolean
vireo_port_forward_set_simple (VireoPortForward       *self,
                               const char             *proto,
                               const char             *address,
                               const char             *host_ports,
                               const char             *guest_port,
                               VireoPortForwardField  *field,
                               GError                **error)
{
  g_autoptr(VireoPortForward) next = NULL;
  g_autofree char *addr = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  next = vireo_port_forward_copy (self);
  g_free (next->proto);
  next->proto = g_ascii_strdown (proto != NULL ? proto : "", -1);
  addr = g_strstrip (g_strdup (address != NULL ? address : ""));
  g_free (next->address);
  next->address = *addr != '\0' ? g_steal_pointer (&addr) : NULL;

  if (host_ports != NULL)
    {
      VireoPortRange range = { 0, };
      g_autofree char *guest = g_strstrip (g_strdup (guest_port != NULL ? guest_port : ""));
      g_autoptr(GError) local_error = NULL;

      if (!vireo_port_forward_parse_ports (host_ports, &range.start, &range.end, &local_error))
        return refuse (error, field, VIREO_PORT_FORWARD_FIELD_HOST_PORTS, "%s", local_error->message);
      if (*guest != '\0')
        {
          guint64 to;

          if (!g_ascii_string_to_unsigned (guest, 10, 1, MAX_PORT, &to, NULL))
            return refuse (error, field, VIREO_PORT_FORWARD_FIELD_GUEST_PORT,
                           _("must be a whole number from 1 to 65535."));
          range.to = to;
        }
      g_array_set_size (next->ranges, 0);
      g_array_append_val (next->ranges, range);
    }

  if (!vireo_port_forward_validate (next, field, error))
    return FALSE;

  g_free (self->proto);
  self->proto = g_steal_pointer (&next->proto);
  g_free (self->address);
  self->address = g_steal_pointer (&next->address);
  g_array_set_size (self->ranges, 0);
  g_array_append_vals (self->ranges, next->ranges->data, next->ranges->len);
  return TRUE;
}

static char *
ports_text (guint first,
            guint last,
            const char *dash)
{
  return last != 0 && last != first ? g_strdup_printf ("%u%s%u", first, dash, last)
                                    : g_strdup_printf ("%u", first);
}

/**
 * vireo_port_forward_dup_host_ports:
 *
 * Returns: (transfer full) (nullable): "2222" or "5000-5099" for a simple
 *   forward (the editor's text), %NULL for others
 */
char *
vireo_port_forward_dup_host_ports (const VireoPortForward *self)
{
  const VireoPortRange *range;

  g_return_val_if_fail (self != NULL, NULL);
  if (!vireo_port_forward_is_simple (self))
    return NULL;
  range = range_at (self, 0);
  return ports_text (range->start, range->end, "-");
}

/**
 * vireo_port_forward_dup_guest_port:
 *
 * Returns: (transfer full) (nullable): the first guest port of a simple
 *   forward that moves ports, %NULL when the port number stays
 */
char *
vireo_port_forward_dup_guest_port (const VireoPortForward *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (!vireo_port_forward_is_simple (self) || range_at (self, 0)->to == 0)
    return NULL;
  return g_strdup_printf ("%u", range_at (self, 0)->to);
}

/**
 * vireo_port_forward_dup_summary:
 *
 * Returns: (transfer full): a line for a list, e.g.
 *   "TCP host 2222 → guest 22", "UDP host [::1]:5000–5099 → guest 5000–5099"
 */
char *
vireo_port_forward_dup_summary (const VireoPortForward *self)
{
  g_autoptr(GString) host = g_string_new (NULL);
  g_autoptr(GString) guest = g_string_new (NULL);
  g_autoptr(GString) except = g_string_new (NULL);
  g_autofree char *proto = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  proto = g_ascii_strup (self->proto != NULL ? self->proto : "?", -1);
  for (guint i = 0; i < self->ranges->len; i++)
    {
      const VireoPortRange *range = range_at (self, i);
      g_autofree char *from = ports_text (range->start, range->end, "–");

      if (range->exclude)
        {
          g_string_append_printf (except, "%s%s", except->len > 0 ? ", " : "", from);
          continue;
        }
      g_string_append_printf (host, "%s%s", host->len > 0 ? ", " : "", from);
      if (range->to != 0)
        {
          g_autofree char *to = ports_text (range->to, range->end != 0 ? range->to + (range->end - range->start) : 0, "–");
          g_string_append_printf (guest, "%s%s", guest->len > 0 ? ", " : "", to);
        }
      else
        g_string_append_printf (guest, "%s%s", guest->len > 0 ? ", " : "", from);
    }
  if (host->len == 0)
    {
      g_string_assign (host, _("every port"));
      g_string_assign (guest, _("the same port"));
    }
  if (except->len > 0)
    {
      /* Translators: ports a forward leaves out, after the ports it takes */
      g_autofree char *text = g_strdup_printf (_("%s except %s"), host->str, except->str);
      g_string_assign (host, text);
    }
  if (self->address != NULL)
    {
      g_autofree char *text = strchr (self->address, ':') != NULL
                              ? g_strdup_printf ("[%s]:%s", self->address, host->str)
                              : g_strdup_printf ("%s:%s", self->address, host->str);
      g_string_assign (host, text);
    }
  /* Translators: a port forward in a list: the protocol ("TCP"), the host
   * ports, the guest ports, e.g. "TCP host 2222 → guest 22" */
  return g_strdup_printf (_("%s host %s → guest %s"), proto, host->str, guest->str);
}
