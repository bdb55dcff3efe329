/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-format"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-format.h"

/**
 * vireo_format_size_kib:
 * @kib: a size in KiB, the unit libvirt reports memory in
 *
 * Returns: a short IEC size such as "2.0 GiB"; memory is always sized in
 *   powers of two by libvirt, so IEC units read naturally.
 */
char *
vireo_format_size_kib (guint64 kib)
{
  return g_format_size_full (kib * 1024, G_FORMAT_SIZE_IEC_UNITS);
}

/**
 * vireo_format_rate:
 * @bytes_per_second: a transfer rate
 *
 * Returns: a rate such as "1.2 MB/s", or an em dash for a negative
 *   (unknown) rate so that "no data" never reads as "idle".
 */
char *
vireo_format_rate (double bytes_per_second)
{
  g_autofree char *size = NULL;

  if (bytes_per_second < 0)
    return g_strdup ("—");

  if (bytes_per_second < 1000)
    /* Translators: a transfer rate in bytes per second */
    return g_strdup_printf (_("%.0f B/s"), bytes_per_second);

  size = g_format_size ((guint64) bytes_per_second);
  /* Translators: a transfer rate; %s is a size such as "1.2 MB" */
  return g_strdup_printf (_("%s/s"), size);
}

/**
 * vireo_format_percent:
 * @percent: a percentage, negative when unknown
 *
 * Returns: "12 %" style text with one decimal below 10 %, or an em dash.
 */
char *
vireo_format_percent (double percent)
{
  if (percent < 0)
    return g_strdup ("—");
  if (percent < 10)
    /* Translators: a percentage with one decimal */
    return g_strdup_printf (_("%.1f %%"), percent);
  /* Translators: a whole percentage */
  return g_strdup_printf (_("%.0f %%"), percent);
}

/**
 * vireo_parse_size:
 * @text: what a user typed: "20", "20G", "20 GiB", "512 MiB", "1.5T"
 * @default_unit: bytes per unit for a bare number (a GiB for disk sizes)
 * @bytes: (out): the size
 *
 * Units are powers of two whether written G, GB or GiB: that is what
 * virsh and qemu-img mean by them, and what a user comparing with either
 * expects.
 *
 * Returns: whether @text is a size
 */
gboolean
vireo_parse_size (const char *text,
                  guint64     default_unit,
                  guint64    *bytes)
{
  static const struct { char letter; guint shift; } units[] = {
    { 'B', 0 }, { 'K', 10 }, { 'M', 20 }, { 'G', 30 }, { 'T', 40 }, { 'P', 50 },
  };
  g_autofree char *copy = NULL;
  char *end = NULL;
  double value;
  guint64 unit = default_unit;

  g_return_val_if_fail (bytes != NULL, FALSE);

  *bytes = 0;
  if (text == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0' || *copy == '-' || *copy == '+')
    return FALSE;
  value = g_ascii_strtod (copy, &end);
  if (end == copy || value < 0 || value != value)
    return FALSE;
  while (*end == ' ')
    end++;
  if (*end != '\0')
    {
      char letter = g_ascii_toupper (*end);
      gboolean found = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (units); i++)
        if (units[i].letter == letter)
          {
            unit = G_GUINT64_CONSTANT (1) << units[i].shift;
            found = TRUE;
          }
      if (!found)
        return FALSE;
      end++;
      /* "G", "GB", "GiB"; "B" alone is bytes. */
      if (letter != 'B')
        {
          if (g_ascii_tolower (*end) == 'i')
            end++;
          if (g_ascii_toupper (*end) == 'B')
            end++;
        }
      if (*end != '\0')
        return FALSE;
    }
  if (value * (double) unit >= 18446744073709551615.0)
    return FALSE;
  *bytes = (guint64) (value * (double) unit + 0.5);
  return TRUE;
}
