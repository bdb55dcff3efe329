/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-secrets"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
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

/* ------------------------------------------------------------------------ */
/* Display passwords                                                         */

/* A guest's VNC or SPICE password, for its console to answer with later
 * (issue: consoles) without asking again. Keyed by host, machine UUID and
 * display type, never by name: names change. */
char *
vireo_secrets_console_prompt (const char *uuid,
                              const char *graphics_type)
{
  return g_strdup_printf ("display-password:%s:%s", uuid, graphics_type);
}

typedef struct
{
  char *uri;
  char *prompt;
  char *label;
  char *secret;   /* NULL: forget */
} SecretJob;

static void
secret_job_free (gpointer data)
{
  SecretJob *job = data;

  g_free (job->uri);
  g_free (job->prompt);
  g_free (job->label);
  if (job->secret != NULL)
    memset (job->secret, 0, strlen (job->secret));
  g_free (job->secret);
  g_free (job);
}

static void
keep_console_password_thread (GTask        *task,
                              gpointer      source,
                              gpointer      task_data,
                              GCancellable *cancellable)
{
  SecretJob *job = task_data;
  GError *error = NULL;
  gboolean ok;

  if (job->secret != NULL)
    ok = vireo_secrets_store (job->uri, job->prompt, job->label, job->secret, &error);
  else
    ok = vireo_secrets_clear (job->uri, job->prompt, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * vireo_secrets_keep_console_password_async:
 * @password: (nullable): the new password; %NULL forgets the old one
 *
 * On a thread of its own: the keyring is D-Bus, and D-Bus may block.
 */
void
vireo_secrets_keep_console_password_async (const char          *uri,
                                           const char          *uuid,
                                           const char          *graphics_type,
                                           const char          *machine_name,
                                           const char          *password,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SecretJob *job = g_new0 (SecretJob, 1);

  job->uri = g_strdup (uri);
  job->prompt = vireo_secrets_console_prompt (uuid, graphics_type);
  /* Translators: how the keyring lists it; %s is the machine's name */
  job->label = g_strdup_printf (_("Vireo: display password of %s"), machine_name);
  job->secret = g_strdup (password);
  g_task_set_source_tag (task, vireo_secrets_keep_console_password_async);
  g_task_set_task_data (task, job, secret_job_free);
  g_task_run_in_thread (task, keep_console_password_thread);
}

gboolean
vireo_secrets_keep_console_password_finish (GAsyncResult  *result,
                                            GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  char     *password;
  gboolean  available;
} FoundPassword;

static void
found_password_free (gpointer data)
{
  FoundPassword *found = data;

  if (found->password != NULL)
    memset (found->password, 0, strlen (found->password));
  g_free (found->password);
  g_free (found);
}

static void
find_console_password_thread (GTask        *task,
                              gpointer      source,
                              gpointer      task_data,
                              GCancellable *cancellable)
{
  SecretJob *job = task_data;
  FoundPassword *found = g_new0 (FoundPassword, 1);
  GError *error = NULL;

  /* No keyring is no error: the user is asked, without "Remember". */
  found->available = vireo_secrets_available ();
  if (found->available)
    found->password = vireo_secrets_lookup (job->uri, job->prompt, &error);
  if (error != NULL)
    {
      found_password_free (found);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, found, found_password_free);
}

/**
 * vireo_secrets_find_console_password_async:
 *
 * Looks up the password a guest's display was given in Vireo (or kept
 * from a console's "Remember"), on a thread of its own.
 */
void
vireo_secrets_find_console_password_async (const char          *uri,
                                           const char          *uuid,
                                           const char          *graphics_type,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SecretJob *job = g_new0 (SecretJob, 1);

  job->uri = g_strdup (uri);
  job->prompt = vireo_secrets_console_prompt (uuid, graphics_type);
  g_task_set_source_tag (task, vireo_secrets_find_console_password_async);
  g_task_set_task_data (task, job, secret_job_free);
  g_task_run_in_thread (task, find_console_password_thread);
}

/**
 * vireo_secrets_find_console_password_finish:
 * @keyring_available: (out) (optional): whether a keyring answered, so
 *   that "Remember" can be offered
 *
 * Returns: (transfer full) (nullable): the password, or %NULL when none
 * is kept (with @error unset) or on error. Wipe it before freeing it.
 */
char *
vireo_secrets_find_console_password_finish (GAsyncResult  *result,
                                            gboolean      *keyring_available,
                                            GError       **error)
{
  FoundPassword *found = g_task_propagate_pointer (G_TASK (result), error);
  char *password;

  if (keyring_available != NULL)
    *keyring_available = found != NULL && found->available;
  if (found == NULL)
    return NULL;
  password = g_steal_pointer (&found->password);
  found_password_free (found);
  return password;
}
