/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-history"

#include "config.h"

#include "vireo-history.h"

struct _VireoHistory
{
  guint  capacity;
  guint  length;
  guint  head;      /* index the next sample is written to */
  double values[];
};

VireoHistory *
vireo_history_new (guint capacity)
{
  VireoHistory *self;

  g_return_val_if_fail (capacity > 0, NULL);

  self = g_malloc0 (sizeof *self + capacity * sizeof (double));
  self->capacity = capacity;
  return self;
}

void
vireo_history_free (VireoHistory *self)
{
  g_free (self);
}

void
vireo_history_push (VireoHistory *self,
                    double        value)
{
  g_return_if_fail (self != NULL);

  self->values[self->head] = value;
  self->head = (self->head + 1) % self->capacity;
  if (self->length < self->capacity)
    self->length++;
}

void
vireo_history_clear (VireoHistory *self)
{
  g_return_if_fail (self != NULL);

  self->length = 0;
  self->head = 0;
}

guint
vireo_history_get_length (const VireoHistory *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->length;
}

guint
vireo_history_get_capacity (const VireoHistory *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->capacity;
}

/**
 * vireo_history_get:
 * @index: 0 for the oldest sample still held, length - 1 for the newest
 */
double
vireo_history_get (const VireoHistory *self,
                   guint               index)
{
  guint start;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (index < self->length, 0);

  start = (self->head + self->capacity - self->length) % self->capacity;
  return self->values[(start + index) % self->capacity];
}

double
vireo_history_get_max (const VireoHistory *self)
{
  double max = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->length; i++)
    max = MAX (max, self->values[i]);
  return max;
}
