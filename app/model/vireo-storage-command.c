/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-storage-command"

#include "config.h"

#include <stdarg.h>

#include "vireo-command.h"
#include "vireo-storage-command.h"

/*
 * The virsh lines for the storage actions, as a student would type them:
 * sizes in bytes (virsh takes plain numbers as bytes), volumes named with
 * --pool. Every word goes through vireo_command_quote(); nothing is run.
 */

/* "virsh [-c URI] VERB" and then each word of the NULL-terminated list,
 * quoted. */
static char *
line_new (const char *uri,
          const char *verb,
          ...)
{
  g_autoptr(GString) line = g_string_new ("virsh");
  va_list args;
  const char *word;

  if (uri != NULL)
    {
      g_autofree char *quoted = vireo_command_quote (uri);
      g_string_append_printf (line, " -c %s", quoted);
    }
  g_string_append_printf (line, " %s", verb);
  va_start (args, verb);
  while ((word = va_arg (args, const char *)) != NULL)
    {
      g_autofree char *quoted = vireo_command_quote (word);
      g_string_append_printf (line, " %s", quoted);
    }
  va_end (args);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static char *
append (char       *line,
        const char *option,
        const char *value)
{
  g_autofree char *quoted = value != NULL ? vireo_command_quote (value) : NULL;
  char *longer = quoted != NULL ? g_strdup_printf ("%s %s %s", line, option, quoted)
                                : g_strdup_printf ("%s %s", line, option);

  g_free (line);
  return longer;
}

char *
vireo_command_pool_define (const char *uri,
                           const char *xml_file)
{
  g_return_val_if_fail (xml_file != NULL, NULL);
  return line_new (uri, "pool-define", xml_file, NULL);
}

char *
vireo_command_pool_build (const char *uri,
                          const char *pool)
{
  g_return_val_if_fail (pool != NULL, NULL);
  return line_new (uri, "pool-build", pool, NULL);
}

char *
vireo_command_pool_start (const char *uri,
                          const char *pool)
{
  g_return_val_if_fail (pool != NULL, NULL);
  return line_new (uri, "pool-start", pool, NULL);
}

char *
vireo_command_pool_destroy (const char *uri,
                            const char *pool)
{
  g_return_val_if_fail (pool != NULL, NULL);
  return line_new (uri, "pool-destroy", pool, NULL);
}

char *
vireo_command_pool_refresh (const char *uri,
                            const char *pool)
{
  g_return_val_if_fail (pool != NULL, NULL);
  return line_new (uri, "pool-refresh", pool, NULL);
}

char *
vireo_command_pool_autostart (const char *uri,
                              const char *pool,
                              gboolean    enable)
{
  g_return_val_if_fail (pool != NULL, NULL);
  if (enable)
    return line_new (uri, "pool-autostart", pool, NULL);
  return line_new (uri, "pool-autostart", "--disable", pool, NULL);
}

/**
 * vireo_command_pool_delete:
 *
 * Returns: `pool-delete`, which removes the pool's storage itself (a dir
 *   pool's folder), not its definition
 */
char *
vireo_command_pool_delete (const char *uri,
                           const char *pool)
{
  g_return_val_if_fail (pool != NULL, NULL);
  return line_new (uri, "pool-delete", pool, NULL);
}

char *
vireo_command_pool_undefine (const char *uri,
                             const char *pool)
{
  g_return_val_if_fail (pool != NULL, NULL);
  return line_new (uri, "pool-undefine", pool, NULL);
}

/**
 * vireo_command_vol_create_as:
 * @format: (nullable)
 * @backing_vol: (nullable): the overlay's backing image
 * @backing_format: (nullable)
 */
char *
vireo_command_vol_create_as (const char *uri,
                             const char *pool,
                             const char *name,
                             guint64     capacity,
                             const char *format,
                             guint64     allocation,
                             const char *backing_vol,
                             const char *backing_format)
{
  g_autofree char *capacity_text = g_strdup_printf ("%" G_GUINT64_FORMAT, capacity);
  g_autofree char *allocation_text = g_strdup_printf ("%" G_GUINT64_FORMAT, allocation);
  char *line;

  g_return_val_if_fail (pool != NULL && name != NULL, NULL);

  line = line_new (uri, "vol-create-as", pool, name, capacity_text, NULL);
  line = append (line, "--allocation", allocation_text);
  if (format != NULL)
    line = append (line, "--format", format);
  if (backing_vol != NULL)
    {
      line = append (line, "--backing-vol", backing_vol);
      if (backing_format != NULL)
        line = append (line, "--backing-vol-format", backing_format);
    }
  return line;
}

char *
vireo_command_vol_clone (const char *uri,
                         const char *pool,
                         const char *volume,
                         const char *new_name)
{
  g_return_val_if_fail (pool != NULL && volume != NULL && new_name != NULL, NULL);
  return line_new (uri, "vol-clone", "--pool", pool, volume, new_name, NULL);
}

char *
vireo_command_vol_resize (const char *uri,
                          const char *pool,
                          const char *volume,
                          guint64     capacity,
                          gboolean    allocate)
{
  g_autofree char *capacity_text = g_strdup_printf ("%" G_GUINT64_FORMAT, capacity);
  char *line;

  g_return_val_if_fail (pool != NULL && volume != NULL, NULL);

  line = line_new (uri, "vol-resize", "--pool", pool, volume, capacity_text, NULL);
  if (allocate)
    line = append (line, "--allocate", NULL);
  return line;
}

char *
vireo_command_vol_wipe (const char *uri,
                        const char *pool,
                        const char *volume)
{
  g_return_val_if_fail (pool != NULL && volume != NULL, NULL);
  return line_new (uri, "vol-wipe", "--pool", pool, volume, NULL);
}

char *
vireo_command_vol_delete (const char *uri,
                          const char *pool,
                          const char *volume)
{
  g_return_val_if_fail (pool != NULL && volume != NULL, NULL);
  return line_new (uri, "vol-delete", "--pool", pool, volume, NULL);
}

char *
vireo_command_vol_upload (const char *uri,
                          const char *pool,
                          const char *volume,
                          const char *local_file)
{
  g_return_val_if_fail (pool != NULL && volume != NULL && local_file != NULL, NULL);
  return line_new (uri, "vol-upload", "--pool", pool, volume, local_file, NULL);
}

char *
vireo_command_vol_download (const char *uri,
                            const char *pool,
                            const char *volume,
                            const char *local_file)
{
  g_return_val_if_fail (pool != NULL && volume != NULL && local_file != NULL, NULL);
  return line_new (uri, "vol-download", "--pool", pool, volume, local_file, NULL);
}

char *
vireo_command_secret_define (const char *uri,
                             const char *xml_file)
{
  g_return_val_if_fail (xml_file != NULL, NULL);
  return line_new (uri, "secret-define", xml_file, NULL);
}

/**
 * vireo_command_secret_set_value:
 * @value_file: a file holding the value as it is (not base64)
 *
 * Returns: the line with `--file FILE --plain`: a value on the command
 *   line would end up in the shell's history
 */
char *
vireo_command_secret_set_value (const char *uri,
                                const char *uuid,
                                const char *value_file)
{
  g_return_val_if_fail (uuid != NULL && value_file != NULL, NULL);
  return line_new (uri, "secret-set-value", uuid, "--file", value_file, "--plain", NULL);
}

char *
vireo_command_secret_undefine (const char *uri,
                               const char *uuid)
{
  g_return_val_if_fail (uuid != NULL, NULL);
  return line_new (uri, "secret-undefine", uuid, NULL);
}
