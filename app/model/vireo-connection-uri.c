/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-connection-uri"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vireo-connection-uri.h"
#include "vireo-domain-config.h"

/*
 * The fields of the Add Connection dialog and the libvirt URI they make, in
 * both directions: a pasted URI fills the fields, the fields preview the URI.
 * Query parameters without a field (no_verify, socket, ...) are kept as they
 * were, so nothing an admin typed is lost.
 */

G_DEFINE_BOXED_TYPE (VireoConnectionUri, vireo_connection_uri,
                     vireo_connection_uri_copy, vireo_connection_uri_free)

static const struct {
  VireoTransport  transport;
  const char     *suffix;
} transports[] = {
  { VIREO_TRANSPORT_LOCAL,   NULL },
  { VIREO_TRANSPORT_SSH,     "ssh" },
  { VIREO_TRANSPORT_LIBSSH2, "libssh2" },
  { VIREO_TRANSPORT_LIBSSH,  "libssh" },
  { VIREO_TRANSPORT_TLS,     "tls" },
  { VIREO_TRANSPORT_TCP,     "tcp" },
};

VireoConnectionUri *
vireo_connection_uri_new (void)
{
  return g_new0 (VireoConnectionUri, 1);
}

VireoConnectionUri *
vireo_connection_uri_copy (const VireoConnectionUri *self)
{
  VireoConnectionUri *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (VireoConnectionUri, 1);
  *copy = *self;
  copy->user = g_strdup (self->user);
  copy->host = g_strdup (self->host);
  copy->keyfile = g_strdup (self->keyfile);
  copy->custom_uri = g_strdup (self->custom_uri);
  copy->extra_query = g_strdup (self->extra_query);
  return copy;
}

void
vireo_connection_uri_free (VireoConnectionUri *self)
{
  if (self == NULL)
    return;
  g_free (self->user);
  g_free (self->host);
  g_free (self->keyfile);
  g_free (self->custom_uri);
  g_free (self->extra_query);
  g_free (self);
}

const char *
vireo_transport_get_scheme_suffix (VireoTransport transport)
{
  for (guint i = 0; i < G_N_ELEMENTS (transports); i++)
    if (transports[i].transport == transport)
      return transports[i].suffix;
  return NULL;
}

gboolean
vireo_transport_is_remote (VireoTransport transport)
{
  return transport != VIREO_TRANSPORT_LOCAL;
}

static gboolean
is_ssh (VireoTransport transport)
{
  return transport == VIREO_TRANSPORT_SSH ||
         transport == VIREO_TRANSPORT_LIBSSH2 ||
         transport == VIREO_TRANSPORT_LIBSSH;
}

static gboolean
empty (const char *s)
{
  return s == NULL || *s == '\0';
}

/* Host names per RFC 1123, IPv4 literals, or IPv6 literals (with or without
 * brackets). */
static gboolean
host_is_valid (const char *host)
{
  g_autofree char *bare = NULL;
  gsize len;

  if (empty (host))
    return FALSE;

  len = strlen (host);
  if (host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  if (g_hostname_is_ip_address (bare))
    return TRUE;
  if (strchr (bare, ':') != NULL || len > 253)
    return FALSE;

  for (char **label = g_strsplit (bare, ".", -1), **l = label; ; l++)
    {
      gsize n;

      if (*l == NULL)
        {
          g_strfreev (label);
          return TRUE;
        }
      n = strlen (*l);
      if (n == 0 || n > 63 || (*l)[0] == '-' || (*l)[n - 1] == '-' ||
          strspn (*l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != n)
        {
          g_strfreev (label);
          return FALSE;
        }
    }
}

static gboolean
fail (GError        **error,
      VireoUriField  *field,
      VireoUriField   which,
      const char     *message)
{
  if (field != NULL)
    *field = which;
  g_set_error_literal (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID, message);
  return FALSE;
}

/**
 * vireo_connection_uri_validate:
 * @field: (out) (optional): the field at fault
 *
 * Returns: whether the fields make a usable URI; if not, @error says why in
 *   words meant for the field named by @field.
 */
gboolean
vireo_connection_uri_validate (const VireoConnectionUri *self,
                               VireoUriField            *field,
                               GError                  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (field != NULL)
    *field = VIREO_URI_FIELD_NONE;

  if (self->hypervisor == VIREO_HYPERVISOR_CUSTOM)
    {
      g_autoptr(GUri) uri = NULL;

      if (empty (self->custom_uri))
        return fail (error, field, VIREO_URI_FIELD_URI, _("Enter a libvirt URI, such as qemu+ssh://user@host/system."));
      uri = g_uri_parse (self->custom_uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED, NULL);
      if (uri == NULL || empty (g_uri_get_scheme (uri)))
        return fail (error, field, VIREO_URI_FIELD_URI, _("This is not a URI: it needs a scheme such as qemu:// and a path."));
      return TRUE;
    }

  if (!empty (self->user) && strpbrk (self->user, " \t@:/?#") != NULL)
    return fail (error, field, VIREO_URI_FIELD_USER, _("A user name cannot contain spaces or any of @ : / ? #."));

  if (vireo_transport_is_remote (self->transport))
    {
      if (empty (self->host))
        return fail (error, field, VIREO_URI_FIELD_HOST, _("A remote connection needs a host name or address."));
      if (!host_is_valid (self->host))
        return fail (error, field, VIREO_URI_FIELD_HOST,
                     _("Not a valid host name or address: use letters, digits, dots and hyphens, or an IP address."));
    }
  else if (!empty (self->host) || !empty (self->user) || self->port != 0)
    return fail (error, field, !empty (self->host) ? VIREO_URI_FIELD_HOST : !empty (self->user) ? VIREO_URI_FIELD_USER : VIREO_URI_FIELD_PORT,
                 _("A local connection has no host, user or port: choose a remote transport to use them."));

  if (self->port > 65535)
    return fail (error, field, VIREO_URI_FIELD_PORT, _("A port is a number from 1 to 65535."));

  if (!empty (self->keyfile))
    {
      if (!is_ssh (self->transport))
        return fail (error, field, VIREO_URI_FIELD_KEYFILE, _("A key file is only used by the SSH transports."));
      if (!g_path_is_absolute (self->keyfile))
        return fail (error, field, VIREO_URI_FIELD_KEYFILE, _("Give the key file as a full path, starting with /."));
    }

  return TRUE;
}

static const char *
hypervisor_scheme_and_path (VireoHypervisor  hypervisor,
                            const char     **path)
{
  switch (hypervisor)
    {
    case VIREO_HYPERVISOR_QEMU_SESSION: *path = "/session"; return "qemu";
    case VIREO_HYPERVISOR_LXC:          *path = "/";        return "lxc";
    case VIREO_HYPERVISOR_QEMU_SYSTEM:
    case VIREO_HYPERVISOR_CUSTOM:
    default:                            *path = "/system";  return "qemu";
    }
}

/**
 * vireo_connection_uri_to_string:
 *
 * Returns: (transfer full): the libvirt URI the fields make
 */
char *
vireo_connection_uri_to_string (const VireoConnectionUri *self)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GString) query = g_string_new (NULL);
  const char *path;
  const char *scheme;
  const char *suffix;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->hypervisor == VIREO_HYPERVISOR_CUSTOM)
    return g_strdup (self->custom_uri ? self->custom_uri : "");

  scheme = hypervisor_scheme_and_path (self->hypervisor, &path);
  suffix = vireo_transport_get_scheme_suffix (self->transport);
  g_string_append (s, scheme);
  if (suffix != NULL)
    g_string_append_printf (s, "+%s", suffix);
  g_string_append (s, "://");

  if (vireo_transport_is_remote (self->transport))
    {
      if (!empty (self->user))
        {
          g_autofree char *user = g_uri_escape_string (self->user, NULL, FALSE);
          g_string_append_printf (s, "%s@", user);
        }
      if (!empty (self->host))
        {
          /* IPv6 literals need brackets before a port can follow. */
          if (strchr (self->host, ':') != NULL && self->host[0] != '[')
            g_string_append_printf (s, "[%s]", self->host);
          else
            g_string_append (s, self->host);
        }
      if (self->port != 0)
        g_string_append_printf (s, ":%u", self->port);
    }
  g_string_append (s, path);

  if (!empty (self->keyfile) && is_ssh (self->transport))
    {
      g_autofree char *keyfile = g_uri_escape_string (self->keyfile, "/", FALSE);
      g_string_append_printf (query, "keyfile=%s", keyfile);
    }
  if (!empty (self->extra_query))
    g_string_append_printf (query, "%s%s", query->len ? "&" : "", self->extra_query);
  if (query->len > 0)
    g_string_append_printf (s, "?%s", query->str);

  return g_string_free (g_steal_pointer (&s), FALSE);
}

/**
 * vireo_connection_uri_parse:
 *
 * Fills the fields from @uri. A URI the fields cannot express (another
 * driver, an unusual path) becomes a custom URI kept verbatim.
 *
 * Returns: (transfer full): the fields, or %NULL if @uri is not a URI at all
 */
VireoConnectionUri *
vireo_connection_uri_parse (const char  *uri,
                            GError     **error)
{
  g_autoptr(VireoConnectionUri) self = vireo_connection_uri_new ();
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GString) extra = g_string_new (NULL);
  g_autofree char *driver = NULL;
  g_autofree char *trimmed = NULL;
  const char *scheme, *path, *query, *plus;
  GError *local_error = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  /* Pasted text often carries a stray space or newline. */
  trimmed = g_strstrip (g_strdup (uri));
  parsed = g_uri_parse (trimmed, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED, &local_error);
  if (parsed == NULL)
    {
      g_set_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID,
                   _("This is not a URI: %s"), local_error->message);
      g_error_free (local_error);
      return NULL;
    }

  scheme = g_uri_get_scheme (parsed);
  path = g_uri_get_path (parsed);
  query = g_uri_get_query (parsed);

  plus = strchr (scheme, '+');
  driver = plus ? g_strndup (scheme, plus - scheme) : g_strdup (scheme);
  self->transport = VIREO_TRANSPORT_LOCAL;
  if (plus != NULL)
    {
      gboolean known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (transports); i++)
        if (transports[i].suffix != NULL && g_ascii_strcasecmp (plus + 1, transports[i].suffix) == 0)
          {
            self->transport = transports[i].transport;
            known = TRUE;
          }
      if (!known)
        goto custom;
    }

  if (g_ascii_strcasecmp (driver, "qemu") == 0 && g_strcmp0 (path, "/system") == 0)
    self->hypervisor = VIREO_HYPERVISOR_QEMU_SYSTEM;
  else if (g_ascii_strcasecmp (driver, "qemu") == 0 && g_strcmp0 (path, "/session") == 0)
    self->hypervisor = VIREO_HYPERVISOR_QEMU_SESSION;
  else if (g_ascii_strcasecmp (driver, "lxc") == 0 && (empty (path) || g_strcmp0 (path, "/") == 0))
    self->hypervisor = VIREO_HYPERVISOR_LXC;
  else
    goto custom;

  if (g_uri_get_host (parsed) != NULL && *g_uri_get_host (parsed) != '\0')
    self->host = g_strdup (g_uri_get_host (parsed));
  if (g_uri_get_user (parsed) != NULL)
    self->user = g_uri_unescape_string (g_uri_get_user (parsed), NULL);
  if (g_uri_get_port (parsed) > 0)
    self->port = g_uri_get_port (parsed);

  /* A local scheme with a host ("qemu://host/system") means TLS in libvirt. */
  if (self->transport == VIREO_TRANSPORT_LOCAL && self->host != NULL)
    self->transport = VIREO_TRANSPORT_TLS;

  if (query != NULL)
    {
      g_auto(GStrv) params = g_strsplit (query, "&", -1);

      for (guint i = 0; params[i] != NULL; i++)
        {
          if (g_str_has_prefix (params[i], "keyfile="))
            self->keyfile = g_uri_unescape_string (params[i] + strlen ("keyfile="), NULL);
          else if (*params[i] != '\0')
            g_string_append_printf (extra, "%s%s", extra->len ? "&" : "", params[i]);
        }
      if (extra->len > 0)
        self->extra_query = g_strdup (extra->str);
    }

  return g_steal_pointer (&self);

custom:
  vireo_connection_uri_free (g_steal_pointer (&self));
  self = vireo_connection_uri_new ();
  self->hypervisor = VIREO_HYPERVISOR_CUSTOM;
  self->custom_uri = g_steal_pointer (&trimmed);
  return g_steal_pointer (&self);
}
