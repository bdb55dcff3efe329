/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-auth"

#include "config.h"

#include <string.h>

#include "vireo-auth-request-private.h"
#include "vireo-virt-enums.h"
#include "vireo-worker.h"

/*
 * One question from libvirt's credential callback (or from ssh), asked of
 * the user. The worker that needs the answer blocks on `cond` while the
 * main thread shows a dialog; whichever of answer, cancel or abort comes
 * first wins and the others are ignored.
 */

typedef struct
{
  VireoAuthFieldKind  kind;
  char               *label;
  char               *default_value;
} Field;

struct _VireoAuthRequest
{
  GObject               parent_instance;

  /* Set before the request is published; read-only afterwards */
  VireoAuthRequestKind  kind;
  char                 *uri;
  char                 *title;
  char                 *message;
  char                 *host;
  char                 *fingerprint;
  GArray               *fields;        /* Field */
  guint                 generation;
  guint                 retry : 1;
  guint                 can_remember : 1;

  /* Guarded by lock */
  GMutex                lock;
  GCond                 cond;
  GStrv                 answers;
  gboolean              remember;
  gboolean              finished;
};

G_DEFINE_FINAL_TYPE (VireoAuthRequest, vireo_auth_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_URI,
  PROP_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
field_clear (gpointer data)
{
  Field *field = data;

  g_free (field->label);
  g_free (field->default_value);
}

static void
vireo_auth_request_finalize (GObject *object)
{
  VireoAuthRequest *self = VIREO_AUTH_REQUEST (object);

  g_free (self->uri);
  g_free (self->title);
  g_free (self->message);
  g_free (self->host);
  g_free (self->fingerprint);
  g_array_unref (self->fields);
  /* An answer nobody collected may hold a password: do not leave it in
   * freed memory. */
  if (self->answers != NULL)
    for (guint i = 0; self->answers[i] != NULL; i++)
      memset (self->answers[i], 0, strlen (self->answers[i]));
  g_strfreev (self->answers);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (vireo_auth_request_parent_class)->finalize (object);
}

static void
vireo_auth_request_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VireoAuthRequest *self = VIREO_AUTH_REQUEST (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_FINISHED:
      g_value_set_boolean (value, vireo_auth_request_get_finished (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_auth_request_class_init (VireoAuthRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vireo_auth_request_finalize;
  object_class->get_property = vireo_auth_request_get_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       VIREO_TYPE_AUTH_REQUEST_KIND, VIREO_AUTH_REQUEST_CREDENTIALS,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Notified on the main thread once answered, cancelled or abandoned, so
   * that a dialog can close itself when the attempt it belongs to ends. */
  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vireo_auth_request_init (VireoAuthRequest *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  g_array_set_clear_func (self->fields, field_clear);
}

VireoAuthRequest *
_vireo_auth_request_new (VireoAuthRequestKind  kind,
                         const char           *uri,
                         guint                 generation)
{
  VireoAuthRequest *self = g_object_new (VIREO_TYPE_AUTH_REQUEST, NULL);

  self->kind = kind;
  self->uri = g_strdup (uri);
  self->generation = generation;
  return self;
}

void
_vireo_auth_request_add_field (VireoAuthRequest   *self,
                               VireoAuthFieldKind  kind,
                               const char         *label,
                               const char         *default_value)
{
  Field field = {
    .kind = kind,
    .label = g_strdup (label),
    .default_value = g_strdup (default_value),
  };

  g_array_append_val (self->fields, field);
}

void
_vireo_auth_request_set_title (VireoAuthRequest *self,
                               const char       *title)
{
  g_free (self->title);
  self->title = g_strdup (title);
}

void
_vireo_auth_request_set_message (VireoAuthRequest *self,
                                 const char       *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
}

void
_vireo_auth_request_set_retry (VireoAuthRequest *self,
                               gboolean          retry)
{
  self->retry = !!retry;
}

void
_vireo_auth_request_set_can_remember (VireoAuthRequest *self,
                                      gboolean          can_remember)
{
  self->can_remember = !!can_remember;
}

void
_vireo_auth_request_set_host_key (VireoAuthRequest *self,
                                  const char       *host,
                                  const char       *fingerprint)
{
  g_free (self->host);
  g_free (self->fingerprint);
  self->host = g_strdup (host);
  self->fingerprint = g_strdup (fingerprint);
}

guint
_vireo_auth_request_get_generation (VireoAuthRequest *self)
{
  return self->generation;
}

static gboolean
notify_finished (gpointer data)
{
  g_object_notify_by_pspec (G_OBJECT (data), properties[PROP_FINISHED]);
  return G_SOURCE_REMOVE;
}

/* Returns FALSE if it had already finished. */
static gboolean
finish (VireoAuthRequest *self,
        GStrv             answers,
        gboolean          remember)
{
  g_mutex_lock (&self->lock);
  if (self->finished)
    {
      g_mutex_unlock (&self->lock);
      g_strfreev (answers);
      return FALSE;
    }
  self->finished = TRUE;
  self->answers = answers;
  self->remember = remember;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  if (vireo_is_main_thread ())
    notify_finished (self);
  else
    vireo_main_invoke (notify_finished, g_object_ref (self), g_object_unref, G_PRIORITY_DEFAULT);
  return TRUE;
}

/**
 * _vireo_auth_request_wait:
 *
 * Worker only: blocks until the request is answered (TRUE, with @answers in
 * field order) or cancelled/abandoned (FALSE).
 */
gboolean
_vireo_auth_request_wait (VireoAuthRequest *self,
                          GStrv            *answers,
                          gboolean         *remember)
{
  gboolean ok;

  g_assert (!vireo_is_main_thread ());

  g_mutex_lock (&self->lock);
  while (!self->finished)
    g_cond_wait (&self->cond, &self->lock);
  ok = self->answers != NULL;
  *answers = g_steal_pointer (&self->answers);
  *remember = self->remember;
  g_mutex_unlock (&self->lock);
  return ok;
}

void
_vireo_auth_request_abort (VireoAuthRequest *self)
{
  finish (self, NULL, FALSE);
}

static char *
quoted_after (const char *text,
              const char *marker)
{
  const char *start = strstr (text, marker);
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (marker);
  end = strchr (start, '\'');
  if (end == NULL || end == start)
    return NULL;
  return g_strndup (start, end - start);
}

/**
 * _vireo_auth_parse_host_key_prompt:
 *
 * libvirt's libssh and libssh2 transports ask about an unknown host key
 * through the credential callback with a free-text prompt ("Accept SSH host
 * key with hash '…' for host '…:22' (y/n)?"). Recognise it so that the user
 * sees a host-key decision with the fingerprint, not a text box.
 */
gboolean
_vireo_auth_parse_host_key_prompt (const char  *prompt,
                                   char       **host,
                                   char       **fingerprint)
{
  g_autofree char *folded = NULL;

  *host = NULL;
  *fingerprint = NULL;
  if (prompt == NULL)
    return FALSE;
  folded = g_ascii_strdown (prompt, -1);
  if (strstr (folded, "host key") == NULL)
    return FALSE;

  *fingerprint = quoted_after (prompt, "hash '");
  *host = quoted_after (prompt, "host '");
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Public, main thread                                                       */

VireoAuthRequestKind
vireo_auth_request_get_kind (VireoAuthRequest *self)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), 0);
  return self->kind;
}

const char *
vireo_auth_request_get_uri (VireoAuthRequest *self)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), NULL);
  return self->uri;
}

const char *
vireo_auth_request_get_title (VireoAuthRequest *self)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), NULL);
  return self->title;
}

const char *
vireo_auth_request_get_message (VireoAuthRequest *self)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), NULL);
  return self->message;
}

/**
 * vireo_auth_request_get_retry:
 *
 * TRUE when the same question was asked before in this attempt and the
 * answer (typed or saved) was refused.
 */
gboolean
vireo_auth_request_get_retry (VireoAuthRequest *self)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), FALSE);
  return self->retry;
}

/**
 * vireo_auth_request_get_can_remember:
 *
 * TRUE when a secret service (the desktop keyring) is reachable, so that a
 * "Remember" choice can be honoured without ever writing a plain file.
 */
gboolean
vireo_auth_request_get_can_remember (VireoAuthRequest *self)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), FALSE);
  return self->can_remember;
}

const char *
vireo_auth_request_get_host (VireoAuthRequest *self)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), NULL);
  return self->host;
}

const char *
vireo_auth_request_get_fingerprint (VireoAuthRequest *self)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), NULL);
  return self->fingerprint;
}

guint
vireo_auth_request_get_n_fields (VireoAuthRequest *self)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), 0);
  return self->fields->len;
}

VireoAuthFieldKind
vireo_auth_request_get_field_kind (VireoAuthRequest *self,
                                   guint             index)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), 0);
  g_return_val_if_fail (index < self->fields->len, 0);
  return g_array_index (self->fields, Field, index).kind;
}

const char *
vireo_auth_request_get_field_label (VireoAuthRequest *self,
                                    guint             index)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), NULL);
  g_return_val_if_fail (index < self->fields->len, NULL);
  return g_array_index (self->fields, Field, index).label;
}

const char *
vireo_auth_request_get_field_default (VireoAuthRequest *self,
                                      guint             index)
{
  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), NULL);
  g_return_val_if_fail (index < self->fields->len, NULL);
  return g_array_index (self->fields, Field, index).default_value;
}

gboolean
vireo_auth_request_get_finished (VireoAuthRequest *self)
{
  gboolean finished;

  g_return_val_if_fail (VIREO_IS_AUTH_REQUEST (self), TRUE);

  g_mutex_lock (&self->lock);
  finished = self->finished;
  g_mutex_unlock (&self->lock);
  return finished;
}

/**
 * vireo_auth_request_respond:
 * @answers: one string per field, in field order
 * @remember: store the secret answers in the desktop keyring once the
 *   connection succeeds (ignored unless can-remember)
 */
void
vireo_auth_request_respond (VireoAuthRequest   *self,
                            const char * const *answers,
                            gboolean            remember)
{
  g_return_if_fail (VIREO_IS_AUTH_REQUEST (self));
  g_return_if_fail (answers != NULL);
  g_return_if_fail (g_strv_length ((GStrv) answers) == self->fields->len);

  finish (self, g_strdupv ((GStrv) answers), remember && self->can_remember);
}

void
vireo_auth_request_accept_host_key (VireoAuthRequest *self,
                                    gboolean          accept)
{
  const char *answer[] = { accept ? "y" : "n", NULL };

  g_return_if_fail (VIREO_IS_AUTH_REQUEST (self));
  g_return_if_fail (self->kind == VIREO_AUTH_REQUEST_HOST_KEY);

  finish (self, g_strdupv ((GStrv) answer), FALSE);
}

void
vireo_auth_request_cancel (VireoAuthRequest *self)
{
  g_return_if_fail (VIREO_IS_AUTH_REQUEST (self));

  finish (self, NULL, FALSE);
}
