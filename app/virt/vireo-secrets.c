/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-secrets"

#include "config.h"

#include <libsecret/secret.h>

#include "vireo-secrets.h"
#include "vireo-worker.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "org.vireo.Vireo.Credential", SECRET_SCHEMA_NONE,
    {
      { "uri", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "prompt", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

/**
 * vireo_secrets_available:
 *
 * Whether a Secret Service answers on the session bus. Without one Vireo
 * still asks, it just cannot offer "Remember".
 */
gboolean
vireo_secrets_available (void)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (!vireo_is_main_thread ());

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  if (service == NULL)
    {
      g_debug ("No secret service: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

char *
vireo_secrets_lookup (const char  *uri,
                      const char  *prompt,
                      GError     **error)
{
  char *secret;
  char *copy;

  g_assert (!vireo_is_main_thread ());

  secret = secret_password_lookup_sync (get_schema (), NULL, error,
                                        "uri", uri, "prompt", prompt, NULL);
  if (secret == NULL)
    return NULL;
  /* Wiped before it is freed: a password should not linger in the heap. */
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

gboolean
vireo_secrets_store (const char  *uri,
                     const char  *prompt,
                     const char  *label,
                     const char  *secret,
                     GError     **error)
{
  g_assert (!vireo_is_main_thread ());

  return secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                                     NULL, error, "uri", uri, "prompt", prompt, NULL);
}

gboolean
vireo_secrets_clear (const char  *uri,
                     const char  *prompt,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_assert (!vireo_is_main_thread ());

  /* FALSE without an error means there was nothing to remove. */
  if (!secret_password_clear_sync (get_schema (), NULL, &local_error,
                                   "uri", uri, "prompt", prompt, NULL)
      && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
