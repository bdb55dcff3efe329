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
