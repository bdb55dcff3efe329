/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-domain"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-connection-private.h"
#include "vireo-connection-uri.h"
#include "vireo-delete-plan.h"
#include "vireo-domain-config.h"
#include "vireo-firmware.h"
#include "vireo-graphics-tunnel.h"
#include "vireo-live-change.h"
#include "vireo-virt-enums.h"
#include "vireo-virt-error.h"
#include "vireo-worker.h"

#define HISTORY_LENGTH 40

/*
 * A domain as the main thread sees it. Its state comes from events and
 * samples applied by its connection; its actions run on the connection's
 * worker and look the domain up by UUID there, so a domain object stays
 * valid across reconnects.
 */
struct _VireoDomain
{
  GObject           parent_instance;

  /* Borrowed: the connection owns its domains and detaches them on removal */
  VireoConnection  *connection;

  /* Owned */
  char             *uuid;
  char             *name;
  char             *title;
  char             *description;
  /* The list's sparkline needs the CPU ring for every domain; the others
   * only exist once the domain ran while Vireo watched (see ensure()). */
  VireoHistory     *cpu_history;
  VireoHistory     *memory_history;
  VireoHistory     *disk_read_history;
  VireoHistory     *disk_write_history;
  VireoHistory     *net_rx_history;
  VireoHistory     *net_tx_history;

  VireoDomainState  state;
  guint64           memory_kib;
  guint64           max_memory_kib;
  guint64           memory_used_kib;
  guint             vcpus;
  double            cpu_percent;
  double            disk_read_rate;
  double            disk_write_rate;
  double            net_rx_rate;
  double            net_tx_rate;

  /* What the driver reports; once seen, kept for the domain's life */
  guint             has_cpu : 1;
  guint             has_memory_used : 1;
  guint             has_disk_io : 1;
  guint             has_net_io : 1;
  /* A statistics sample arrived since the domain last started */
  guint             has_stats : 1;
  /* libvirt keeps a managed save image: Run restores it */
  guint             has_saved_state : 1;
  /* defined on the host, not only running (transient) */
  guint             persistent : 1;

  /* Previous counters and when each was read, to turn cumulative figures
   * into rates. Per figure, because an event's refresh reads the CPU but
   * not the disks, and may be applied after a newer bulk sample. */
  gint64            last_cpu_us;
  gint64            last_block_us;
  gint64            last_net_us;
  guint64           last_cpu_time_ns;
  guint64           last_block_rd;
  guint64           last_block_wr;
  guint64           last_net_rx;
  guint64           last_net_tx;
  guint             last_block_count;
  guint             last_net_count;
};

G_DEFINE_FINAL_TYPE (VireoDomain, vireo_domain, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_UUID,
  PROP_NAME,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_TOOLTIP,
  PROP_STATE,
  PROP_STATE_LABEL,
  PROP_STATE_ICON,
  PROP_ACTIVE,
  PROP_CPU_PERCENT,
  PROP_MEMORY_KIB,
  PROP_MAX_MEMORY_KIB,
  PROP_VCPUS,
  PROP_DISK_RATE,
  PROP_NET_RATE,
  PROP_MEMORY_USED_KIB,
  PROP_DISK_READ_RATE,
  PROP_DISK_WRITE_RATE,
  PROP_NET_RX_RATE,
  PROP_NET_TX_RATE,
  PROP_HAS_CPU,
  PROP_HAS_MEMORY_USED,
  PROP_HAS_DISK_IO,
  PROP_HAS_NET_IO,
  PROP_HAS_STATS,
  PROP_HAS_SAVED_STATE,
  PROP_PERSISTENT,
  N_PROPS
};

enum {
  SAMPLED,
  ACTION_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
state_is_active (VireoDomainState state)
{
  return state != VIREO_DOMAIN_STATE_SHUTOFF &&
         state != VIREO_DOMAIN_STATE_CRASHED &&
         state != VIREO_DOMAIN_STATE_NOSTATE;
}

const char *
vireo_domain_state_to_string (VireoDomainState state)
{
  switch (state)
    {
    case VIREO_DOMAIN_STATE_RUNNING:     return _("Running");
    case VIREO_DOMAIN_STATE_BLOCKED:     return _("Blocked");
    case VIREO_DOMAIN_STATE_PAUSED:      return _("Paused");
    case VIREO_DOMAIN_STATE_SHUTDOWN:    return _("Shutting down");
    case VIREO_DOMAIN_STATE_SHUTOFF:     return _("Shut off");
    case VIREO_DOMAIN_STATE_CRASHED:     return _("Crashed");
    case VIREO_DOMAIN_STATE_PMSUSPENDED: return _("Suspended");
    case VIREO_DOMAIN_STATE_NOSTATE:
    default:                             return _("Unknown");
    }
}

const char *
vireo_domain_state_to_icon_name (VireoDomainState state)
{
  switch (state)
    {
    case VIREO_DOMAIN_STATE_RUNNING:
    case VIREO_DOMAIN_STATE_BLOCKED:     return "media-playback-start-symbolic";
    case VIREO_DOMAIN_STATE_PAUSED:
    case VIREO_DOMAIN_STATE_PMSUSPENDED: return "media-playback-pause-symbolic";
    case VIREO_DOMAIN_STATE_SHUTDOWN:    return "system-shutdown-symbolic";
    case VIREO_DOMAIN_STATE_CRASHED:     return "dialog-error-symbolic";
    case VIREO_DOMAIN_STATE_SHUTOFF:
    case VIREO_DOMAIN_STATE_NOSTATE:
    default:                             return "media-playback-stop-symbolic";
    }
}

/* A saved machine is shut off, but Run brings it back where it was, not
 * through a boot: the list says so. */
static const char *
state_label (VireoDomain *self)
{
  if (self->state == VIREO_DOMAIN_STATE_SHUTOFF && self->has_saved_state)
    return _("Saved");
  return vireo_domain_state_to_string (self->state);
}

static char *
dup_tooltip (VireoDomain *self)
{
  GString *s = g_string_new (NULL);
  g_autofree char *name = g_markup_escape_text (self->name ? self->name : "", -1);

  if (self->title != NULL && *self->title != '\0')
    {
      g_autofree char *title = g_markup_escape_text (self->title, -1);
      g_string_append_printf (s, "<b>%s</b>\n%s", title, name);
    }
  else
    g_string_append_printf (s, "<b>%s</b>", name);

  if (self->description != NULL && *self->description != '\0')
    {
      g_autofree char *desc = g_markup_escape_text (self->description, -1);
      g_string_append_printf (s, "\n\n%s", desc);
    }

  return g_string_free (s, FALSE);
}

static void
vireo_domain_finalize (GObject *object)
{
  VireoDomain *self = VIREO_DOMAIN (object);

  g_free (self->uuid);
  g_free (self->name);
  g_free (self->title);
  g_free (self->description);
  g_clear_pointer (&self->cpu_history, vireo_history_free);
  g_clear_pointer (&self->memory_history, vireo_history_free);
  g_clear_pointer (&self->disk_read_history, vireo_history_free);
  g_clear_pointer (&self->disk_write_history, vireo_history_free);
  g_clear_pointer (&self->net_rx_history, vireo_history_free);
  g_clear_pointer (&self->net_tx_history, vireo_history_free);

  G_OBJECT_CLASS (vireo_domain_parent_class)->finalize (object);
}

static void
vireo_domain_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VireoDomain *self = VIREO_DOMAIN (object);

  switch (prop_id)
    {
    case PROP_UUID:           g_value_set_string (value, self->uuid); break;
    case PROP_NAME:           g_value_set_string (value, self->name); break;
    case PROP_TITLE:          g_value_set_string (value, self->title); break;
    case PROP_DESCRIPTION:    g_value_set_string (value, self->description); break;
    case PROP_TOOLTIP:        g_value_take_string (value, dup_tooltip (self)); break;
    case PROP_STATE:          g_value_set_enum (value, self->state); break;
    case PROP_STATE_LABEL:    g_value_set_string (value, state_label (self)); break;
    case PROP_STATE_ICON:     g_value_set_string (value, vireo_domain_state_to_icon_name (self->state)); break;
    case PROP_ACTIVE:         g_value_set_boolean (value, state_is_active (self->state)); break;
    case PROP_CPU_PERCENT:    g_value_set_double (value, self->cpu_percent); break;
    case PROP_MEMORY_KIB:     g_value_set_uint64 (value, self->memory_kib); break;
    case PROP_MAX_MEMORY_KIB: g_value_set_uint64 (value, self->max_memory_kib); break;
    case PROP_VCPUS:          g_value_set_uint (value, self->vcpus); break;
    case PROP_DISK_RATE:      g_value_set_double (value, vireo_domain_get_disk_rate (self)); break;
    case PROP_NET_RATE:       g_value_set_double (value, vireo_domain_get_net_rate (self)); break;
    case PROP_MEMORY_USED_KIB: g_value_set_uint64 (value, self->memory_used_kib); break;
    case PROP_DISK_READ_RATE: g_value_set_double (value, self->disk_read_rate); break;
    case PROP_DISK_WRITE_RATE: g_value_set_double (value, self->disk_write_rate); break;
    case PROP_NET_RX_RATE:    g_value_set_double (value, self->net_rx_rate); break;
    case PROP_NET_TX_RATE:    g_value_set_double (value, self->net_tx_rate); break;
    case PROP_HAS_CPU:        g_value_set_boolean (value, self->has_cpu); break;
    case PROP_HAS_MEMORY_USED: g_value_set_boolean (value, self->has_memory_used); break;
    case PROP_HAS_DISK_IO:    g_value_set_boolean (value, self->has_disk_io); break;
    case PROP_HAS_NET_IO:     g_value_set_boolean (value, self->has_net_io); break;
    case PROP_HAS_STATS:      g_value_set_boolean (value, self->has_stats); break;
    case PROP_HAS_SAVED_STATE: g_value_set_boolean (value, self->has_saved_state); break;
    case PROP_PERSISTENT:     g_value_set_boolean (value, self->persistent); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vireo_domain_class_init (VireoDomainClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vireo_domain_finalize;
  object_class->get_property = vireo_domain_get_property;

  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, ro);
  properties[PROP_TOOLTIP] = g_param_spec_string ("tooltip", NULL, NULL, NULL, ro);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, VIREO_TYPE_DOMAIN_STATE,
                                              VIREO_DOMAIN_STATE_NOSTATE, ro);
  properties[PROP_STATE_LABEL] = g_param_spec_string ("state-label", NULL, NULL, NULL, ro);
  properties[PROP_STATE_ICON] = g_param_spec_string ("state-icon", NULL, NULL, NULL, ro);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, ro);
  properties[PROP_CPU_PERCENT] = g_param_spec_double ("cpu-percent", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_MEMORY_KIB] = g_param_spec_uint64 ("memory-kib", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_MAX_MEMORY_KIB] = g_param_spec_uint64 ("max-memory-kib", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_VCPUS] = g_param_spec_uint ("vcpus", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_DISK_RATE] = g_param_spec_double ("disk-rate", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_NET_RATE] = g_param_spec_double ("net-rate", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_MEMORY_USED_KIB] = g_param_spec_uint64 ("memory-used-kib", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_DISK_READ_RATE] = g_param_spec_double ("disk-read-rate", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_DISK_WRITE_RATE] = g_param_spec_double ("disk-write-rate", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_NET_RX_RATE] = g_param_spec_double ("net-rx-rate", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_NET_TX_RATE] = g_param_spec_double ("net-tx-rate", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_HAS_CPU] = g_param_spec_boolean ("has-cpu", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_MEMORY_USED] = g_param_spec_boolean ("has-memory-used", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_DISK_IO] = g_param_spec_boolean ("has-disk-io", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_NET_IO] = g_param_spec_boolean ("has-net-io", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_STATS] = g_param_spec_boolean ("has-stats", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_SAVED_STATE] = g_param_spec_boolean ("has-saved-state", NULL, NULL, FALSE, ro);
  properties[PROP_PERSISTENT] = g_param_spec_boolean ("persistent", NULL, NULL, TRUE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VireoDomain::sampled:
   *
   * Emitted after a statistics sample added a point to any of the
   * histories, even when no figure changed, so a history graph can scroll.
   */
  signals[SAMPLED] = g_signal_new ("sampled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * VireoDomain::action-requested:
   * @action: a #VireoDomainAction, as an int (it has no GType)
   *
   * Emitted when Vireo asks libvirt for a lifecycle action on this
   * machine, before it is queued: whoever acts on state changes (the
   * install watch) can tell the user's own stop from the guest's.
   */
  signals[ACTION_REQUESTED] = g_signal_new ("action-requested", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
vireo_domain_init (VireoDomain *self)
{
  self->cpu_history = vireo_history_new (HISTORY_LENGTH);
  self->cpu_percent = -1;
  self->disk_read_rate = self->disk_write_rate = -1;
  self->net_rx_rate = self->net_tx_rate = -1;
  self->state = VIREO_DOMAIN_STATE_NOSTATE;
  /* Until the host says otherwise: most machines are. */
  self->persistent = TRUE;
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
set_double (VireoDomain *self,
            double      *field,
            double       value,
            guint        prop)
{
  /* Figures are shown rounded; tiny changes would only cost redraws. */
  if (fabs (*field - value) < 0.05)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_flag (VireoDomain *self,
          gboolean     on,
          guint        prop)
{
  gboolean old;

  switch (prop)
    {
    case PROP_HAS_CPU:         old = self->has_cpu;         self->has_cpu = on; break;
    case PROP_HAS_MEMORY_USED: old = self->has_memory_used; self->has_memory_used = on; break;
    case PROP_HAS_DISK_IO:     old = self->has_disk_io;     self->has_disk_io = on; break;
    case PROP_HAS_NET_IO:      old = self->has_net_io;      self->has_net_io = on; break;
    case PROP_HAS_STATS:       old = self->has_stats;       self->has_stats = on; break;
    case PROP_HAS_SAVED_STATE: old = self->has_saved_state; self->has_saved_state = on; break;
    case PROP_PERSISTENT:      old = self->persistent;      self->persistent = on; break;
    default:                   g_assert_not_reached ();
    }
  if (old != on)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_memory_used (VireoDomain *self,
                 guint64      kib)
{
  if (self->memory_used_kib == kib)
    return;
  self->memory_used_kib = kib;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY_USED_KIB]);
}

static double
sum_of (double a,
        double b)
{
  return a < 0 || b < 0 ? -1 : a + b;
}

/* Sets a read/write (receive/transmit) pair and notifies their sum, which
 * the list's Disk and Network columns show. */
static void
set_pair (VireoDomain *self,
          double      *first,
          double       first_value,
          guint        first_prop,
          double      *second,
          double       second_value,
          guint        second_prop,
          guint        sum_prop)
{
  double before = sum_of (*first, *second);

  set_double (self, first, first_value, first_prop);
  set_double (self, second, second_value, second_prop);
  if (fabs (sum_of (*first, *second) - before) >= 0.05)
    g_object_notify_by_pspec (G_OBJECT (self), properties[sum_prop]);
}

static VireoHistory *
ensure (VireoHistory **history)
{
  if (*history == NULL)
    *history = vireo_history_new (HISTORY_LENGTH);
  return *history;
}

static void
clear_histories (VireoDomain *self)
{
  VireoHistory *all[] = { self->cpu_history, self->memory_history,
                          self->disk_read_history, self->disk_write_history,
                          self->net_rx_history, self->net_tx_history };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (all[i] != NULL)
      vireo_history_clear (all[i]);
}

void
_vireo_domain_set_state (VireoDomain      *self,
                         VireoDomainState  state)
{
  gboolean was_active;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  if (self->state == state)
    return;

  was_active = state_is_active (self->state);
  self->state = state;

  if (!state_is_active (state))
    {
      /* A stopped guest uses nothing: no current figures, and no baselines
       * (its counters start from zero next time). The histories stay, so
       * the Performance page can still show how the last run went; they
       * get no points while it is off. */
      self->last_cpu_us = self->last_block_us = self->last_net_us = 0;
      set_double (self, &self->cpu_percent, -1, PROP_CPU_PERCENT);
      set_pair (self, &self->disk_read_rate, -1, PROP_DISK_READ_RATE,
                &self->disk_write_rate, -1, PROP_DISK_WRITE_RATE, PROP_DISK_RATE);
      set_pair (self, &self->net_rx_rate, -1, PROP_NET_RX_RATE,
                &self->net_tx_rate, -1, PROP_NET_TX_RATE, PROP_NET_RATE);
      set_memory_used (self, 0);
      set_flag (self, FALSE, PROP_HAS_STATS);
    }
  else if (!was_active)
    {
      /* A new run starts a new history: the last run's points would
       * otherwise join this one's as if no time had passed between. */
      clear_histories (self);
      /* Starting restores a managed save image and deletes it. */
      set_flag (self, FALSE, PROP_HAS_SAVED_STATE);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_LABEL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_ICON]);
  if (was_active != state_is_active (state))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  if (self->connection != NULL)
    _vireo_connection_domain_state_changed (self->connection, self);
}

/* Seconds between a figure's previous reading and this sample, or 0 when
 * there is no previous one or this sample is not newer (a refresh read
 * before the last bulk sample but applied after it). */
static double
seconds_since (gint64                   last_us,
               const VireoDomainSample *sample)
{
  if (last_us == 0 || sample->sampled_us <= last_us)
    return 0;
  return (sample->sampled_us - last_us) / (double) G_USEC_PER_SEC;
}

static double
rate_between (guint64 previous,
              guint64 current,
              double  seconds)
{
  /* Counters reset when a guest restarts behind Vireo's back. */
  if (current < previous || seconds <= 0)
    return -1;
  return (double) (current - previous) / seconds;
}

/* Each apply_* returns whether it added a point to a history. A counter
 * that went backwards (a restart Vireo did not see, a disk unplugged) or a
 * device count that changed (a hot-plug adds a device's whole past to the
 * sum) gives no point: the next sample rates from the new baseline, so the
 * graph has a gap of one interval rather than a spike. The current figure
 * keeps its last value over that gap. */
static gboolean
apply_cpu (VireoDomain             *self,
           const VireoDomainSample *sample)
{
  double seconds;
  gboolean pushed = FALSE;

  if (!sample->has_cpu)
    return FALSE;
  seconds = seconds_since (self->last_cpu_us, sample);
  if (self->last_cpu_us != 0 && seconds == 0)
    return FALSE;   /* older than the baseline: nothing to learn */

  set_flag (self, TRUE, PROP_HAS_CPU);
  if (seconds > 0)
    {
      double used = rate_between (self->last_cpu_time_ns, sample->cpu_time_ns, seconds);

      if (used >= 0)
        {
          /* Share of the guest's own vCPUs, like `top` inside the guest. */
          double percent = CLAMP (used / 1e9 / MAX (self->vcpus, 1) * 100.0, 0, 100);

          set_double (self, &self->cpu_percent, percent, PROP_CPU_PERCENT);
          vireo_history_push (self->cpu_history, percent);
          pushed = TRUE;
        }
    }
  self->last_cpu_time_ns = sample->cpu_time_ns;
  self->last_cpu_us = sample->sampled_us;
  return pushed;
}

static gboolean
apply_memory (VireoDomain             *self,
              const VireoDomainSample *sample)
{
  guint64 kib;

  if (sample->has_memory_used)
    {
      set_flag (self, TRUE, PROP_HAS_MEMORY_USED);
      kib = sample->memory_used_kib;
    }
  else if (sample->has_info && !self->has_memory_used)
    /* Without a figure from the guest or the host, what it was given. */
    kib = sample->memory_kib;
  else
    /* An event's refresh, between samples that had the real figure: its
     * allocation would draw a dip that never happened. */
    return FALSE;

  set_memory_used (self, kib);
  vireo_history_push (ensure (&self->memory_history), (double) kib);
  return TRUE;
}

static gboolean
apply_block (VireoDomain             *self,
             const VireoDomainSample *sample)
{
  double seconds;
  gboolean pushed = FALSE;

  if (!sample->has_block)
    return FALSE;
  seconds = seconds_since (self->last_block_us, sample);
  if (self->last_block_us != 0 && seconds == 0)
    return FALSE;

  set_flag (self, TRUE, PROP_HAS_DISK_IO);
  if (seconds > 0 && sample->block_count == self->last_block_count)
    {
      double rd = rate_between (self->last_block_rd, sample->block_rd_bytes, seconds);
      double wr = rate_between (self->last_block_wr, sample->block_wr_bytes, seconds);

      /* Both or neither, so that the two lines stay side by side. */
      if (rd >= 0 && wr >= 0)
        {
          set_pair (self, &self->disk_read_rate, rd, PROP_DISK_READ_RATE,
                    &self->disk_write_rate, wr, PROP_DISK_WRITE_RATE, PROP_DISK_RATE);
          vireo_history_push (ensure (&self->disk_read_history), rd);
          vireo_history_push (ensure (&self->disk_write_history), wr);
          pushed = TRUE;
        }
    }
  self->last_block_rd = sample->block_rd_bytes;
  self->last_block_wr = sample->block_wr_bytes;
  self->last_block_count = sample->block_count;
  self->last_block_us = sample->sampled_us;
  return pushed;
}

static gboolean
apply_net (VireoDomain             *self,
           const VireoDomainSample *sample)
{
  double seconds;
  gboolean pushed = FALSE;

  if (!sample->has_net)
    return FALSE;
  seconds = seconds_since (self->last_net_us, sample);
  if (self->last_net_us != 0 && seconds == 0)
    return FALSE;

  set_flag (self, TRUE, PROP_HAS_NET_IO);
  if (seconds > 0 && sample->net_count == self->last_net_count)
    {
      double rx = rate_between (self->last_net_rx, sample->net_rx_bytes, seconds);
      double tx = rate_between (self->last_net_tx, sample->net_tx_bytes, seconds);

      if (rx >= 0 && tx >= 0)
        {
          set_pair (self, &self->net_rx_rate, rx, PROP_NET_RX_RATE,
                    &self->net_tx_rate, tx, PROP_NET_TX_RATE, PROP_NET_RATE);
          vireo_history_push (ensure (&self->net_rx_history), rx);
          vireo_history_push (ensure (&self->net_tx_history), tx);
          pushed = TRUE;
        }
    }
  self->last_net_rx = sample->net_rx_bytes;
  self->last_net_tx = sample->net_tx_bytes;
  self->last_net_count = sample->net_count;
  self->last_net_us = sample->sampled_us;
  return pushed;
}

void
_vireo_domain_apply_sample (VireoDomain             *self,
                            const VireoDomainSample *sample)
{
  g_autoptr(GObject) guard = g_object_ref (G_OBJECT (self));
  gboolean sampled = FALSE;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  /* Domains are main-thread state; a worker must hand samples over. */
  g_assert (vireo_is_main_thread ());

  g_object_freeze_notify (G_OBJECT (self));

  if (sample->name != NULL && set_string (&self->name, sample->name))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOLTIP]);
    }

  if (sample->has_details)
    {
      gboolean changed = FALSE;

      if (set_string (&self->title, sample->title))
        {
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
          changed = TRUE;
        }
      if (set_string (&self->description, sample->description))
        {
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
          changed = TRUE;
        }
      if (changed)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOLTIP]);
    }

  if (sample->has_info || sample->has_cpu || sample->sampled_us != 0)
    _vireo_domain_set_state (self, (VireoDomainState) sample->state);
  if (sample->has_saved_state)
    _vireo_domain_set_saved_state (self, sample->saved_state);
  if (sample->has_persistent)
    set_flag (self, sample->persistent, PROP_PERSISTENT);

  if (sample->has_info)
    {
      if (self->max_memory_kib != sample->max_memory_kib)
        {
          self->max_memory_kib = sample->max_memory_kib;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_MEMORY_KIB]);
        }
      if (self->memory_kib != sample->memory_kib)
        {
          self->memory_kib = sample->memory_kib;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY_KIB]);
        }
      if (sample->vcpus != 0 && self->vcpus != sample->vcpus)
        {
          self->vcpus = sample->vcpus;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VCPUS]);
        }
    }

  /* Only a timed sample of a running guest is a point on a graph. */
  if (state_is_active (self->state) && sample->sampled_us != 0)
    {
      gboolean any = sample->has_cpu || sample->has_info || sample->has_memory_used ||
                     sample->has_block || sample->has_net;

      sampled |= apply_cpu (self, sample);
      sampled |= apply_memory (self, sample);
      sampled |= apply_block (self, sample);
      sampled |= apply_net (self, sample);
      if (any)
        set_flag (self, TRUE, PROP_HAS_STATS);
    }

  g_object_thaw_notify (G_OBJECT (self));

  if (sampled)
    g_signal_emit (self, signals[SAMPLED], 0);
}

VireoDomain *
_vireo_domain_new (VireoConnection         *connection,
                   const VireoDomainSample *sample)
{
  VireoDomain *self = g_object_new (VIREO_TYPE_DOMAIN, NULL);

  self->uuid = g_strdup (sample->uuid);
  self->name = g_strdup (sample->name);
  _vireo_domain_apply_sample (self, sample);
  if (self->state == VIREO_DOMAIN_STATE_NOSTATE)
    self->state = (VireoDomainState) sample->state;
  /* Attached only now: a new object's first state is not a change anyone
   * listening to the connection needs to hear about, and a listing of a
   * thousand domains would otherwise signal a thousand times. */
  self->connection = connection;
  return self;
}

void
_vireo_domain_set_saved_state (VireoDomain *self,
                               gboolean     saved)
{
  gboolean before;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  before = self->has_saved_state;
  set_flag (self, saved, PROP_HAS_SAVED_STATE);
  if (before != self->has_saved_state)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_LABEL]);
      /* What the list offers (Remove Saved State) depends on it. */
      if (self->connection != NULL)
        _vireo_connection_domain_state_changed (self->connection, self);
    }
}

gboolean
vireo_domain_get_persistent (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), TRUE);
  return self->persistent;
}

gboolean
vireo_domain_get_has_saved_state (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), FALSE);
  return self->has_saved_state;
}

void
_vireo_domain_detach (VireoDomain *self)
{
  g_return_if_fail (VIREO_IS_DOMAIN (self));
  self->connection = NULL;
}

/**
 * vireo_domain_get_connection:
 *
 * Returns: (transfer none) (nullable): the connection, or %NULL once the
 *   domain was removed from it
 */
VireoConnection *
vireo_domain_get_connection (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), NULL);
  return self->connection;
}

const char *
vireo_domain_get_uuid (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), NULL);
  return self->uuid;
}

const char *
vireo_domain_get_name (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), NULL);
  return self->name;
}

const char *
vireo_domain_get_title (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), NULL);
  return self->title;
}

const char *
vireo_domain_get_description (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), NULL);
  return self->description;
}

VireoDomainState
vireo_domain_get_state (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), VIREO_DOMAIN_STATE_NOSTATE);
  return self->state;
}

gboolean
vireo_domain_get_active (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), FALSE);
  return state_is_active (self->state);
}

double
vireo_domain_get_cpu_percent (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), -1);
  return self->cpu_percent;
}

guint64
vireo_domain_get_memory_kib (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), 0);
  return self->memory_kib;
}

guint64
vireo_domain_get_max_memory_kib (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), 0);
  return self->max_memory_kib;
}

guint
vireo_domain_get_vcpus (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), 0);
  return self->vcpus;
}

/**
 * vireo_domain_get_disk_rate:
 *
 * Returns: bytes read and written per second over all disks, or -1 when
 *   unknown (not running, not reported, no second sample yet)
 */
double
vireo_domain_get_disk_rate (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), -1);
  return sum_of (self->disk_read_rate, self->disk_write_rate);
}

/**
 * vireo_domain_get_net_rate:
 *
 * Returns: bytes received and sent per second over all interfaces, or -1
 *   when unknown
 */
double
vireo_domain_get_net_rate (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), -1);
  return sum_of (self->net_rx_rate, self->net_tx_rate);
}

/**
 * vireo_domain_get_disk_read_rate:
 *
 * Returns: bytes per second the guest read from its disks, or -1
 */
double
vireo_domain_get_disk_read_rate (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), -1);
  return self->disk_read_rate;
}

/**
 * vireo_domain_get_disk_write_rate:
 *
 * Returns: bytes per second the guest wrote to its disks, or -1
 */
double
vireo_domain_get_disk_write_rate (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), -1);
  return self->disk_write_rate;
}

/**
 * vireo_domain_get_net_rx_rate:
 *
 * Returns: bytes per second the guest received, or -1
 */
double
vireo_domain_get_net_rx_rate (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), -1);
  return self->net_rx_rate;
}

/**
 * vireo_domain_get_net_tx_rate:
 *
 * Returns: bytes per second the guest sent, or -1
 */
double
vireo_domain_get_net_tx_rate (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), -1);
  return self->net_tx_rate;
}

/**
 * vireo_domain_get_memory_used_kib:
 *
 * Returns: the memory the running guest uses, in KiB: its own figure or the
 *   host's when vireo_domain_get_has_memory_used() says so, otherwise the
 *   memory it was given; 0 when it is not running
 */
guint64
vireo_domain_get_memory_used_kib (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), 0);
  return self->memory_used_kib;
}

/**
 * vireo_domain_get_has_cpu:
 *
 * Returns: whether the driver reports the guest's CPU time (once it ran)
 */
gboolean
vireo_domain_get_has_cpu (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), FALSE);
  return self->has_cpu;
}

/**
 * vireo_domain_get_has_memory_used:
 *
 * Returns: whether the guest (through its balloon driver) or the host (the
 *   QEMU process's resident size) reports the memory it really uses; when
 *   not, the memory figures are what it was given
 */
gboolean
vireo_domain_get_has_memory_used (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), FALSE);
  return self->has_memory_used;
}

/**
 * vireo_domain_get_has_disk_io:
 *
 * Returns: whether the driver reports disk reads and writes (QEMU does, the
 *   test driver does not)
 */
gboolean
vireo_domain_get_has_disk_io (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), FALSE);
  return self->has_disk_io;
}

/**
 * vireo_domain_get_has_net_io:
 *
 * Returns: whether the driver reports network traffic
 */
gboolean
vireo_domain_get_has_net_io (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), FALSE);
  return self->has_net_io;
}

/**
 * vireo_domain_get_has_stats:
 *
 * Returns: whether a statistics sample arrived since the domain last
 *   started; until then the has_* getters may not know yet
 */
gboolean
vireo_domain_get_has_stats (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), FALSE);
  return self->has_stats;
}

/**
 * vireo_domain_get_cpu_history:
 *
 * The histories hold one point per statistics interval while the domain
 * runs. They keep the last run's points while it is shut off and start
 * empty when it starts again.
 *
 * Returns: (transfer none): CPU use in percent of the guest's vCPUs
 */
const VireoHistory *
vireo_domain_get_cpu_history (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), NULL);
  return self->cpu_history;
}

/**
 * vireo_domain_get_memory_history:
 *
 * Returns: (transfer none): memory used in KiB, as
 *   vireo_domain_get_memory_used_kib()
 */
const VireoHistory *
vireo_domain_get_memory_history (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), NULL);
  return ensure (&self->memory_history);
}

/**
 * vireo_domain_get_disk_read_history:
 *
 * Returns: (transfer none): disk reads in bytes per second
 */
const VireoHistory *
vireo_domain_get_disk_read_history (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), NULL);
  return ensure (&self->disk_read_history);
}

/**
 * vireo_domain_get_disk_write_history:
 *
 * Returns: (transfer none): disk writes in bytes per second, one point for
 *   each point of the read history
 */
const VireoHistory *
vireo_domain_get_disk_write_history (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), NULL);
  return ensure (&self->disk_write_history);
}

/**
 * vireo_domain_get_net_rx_history:
 *
 * Returns: (transfer none): bytes received per second
 */
const VireoHistory *
vireo_domain_get_net_rx_history (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), NULL);
  return ensure (&self->net_rx_history);
}

/**
 * vireo_domain_get_net_tx_history:
 *
 * Returns: (transfer none): bytes sent per second, one point for each point
 *   of the receive history
 */
const VireoHistory *
vireo_domain_get_net_tx_history (VireoDomain *self)
{
  g_return_val_if_fail (VIREO_IS_DOMAIN (self), NULL);
  return ensure (&self->net_tx_history);
}

/**
 * vireo_domain_can_do:
 *
 * Returns: whether @action makes sense in the current state; the UI enables
 *   its buttons from this, libvirt has the last word.
 */
gboolean
vireo_domain_can_do (VireoDomain       *self,
                     VireoDomainAction  action)
{
  VireoDomainState s;

  g_return_val_if_fail (VIREO_IS_DOMAIN (self), FALSE);

  s = self->state;
  switch (action)
    {
    case VIREO_DOMAIN_ACTION_START:
      return !state_is_active (s);
    case VIREO_DOMAIN_ACTION_PAUSE:
    case VIREO_DOMAIN_ACTION_SHUTDOWN:
    case VIREO_DOMAIN_ACTION_REBOOT:
      return s == VIREO_DOMAIN_STATE_RUNNING || s == VIREO_DOMAIN_STATE_BLOCKED;
    case VIREO_DOMAIN_ACTION_RESUME:
      return s == VIREO_DOMAIN_STATE_PAUSED;
    case VIREO_DOMAIN_ACTION_RESET:
    case VIREO_DOMAIN_ACTION_MANAGED_SAVE:
      /* libvirt keeps no managed image of a machine it forgets on stop. */
      return self->persistent &&
             (s == VIREO_DOMAIN_STATE_RUNNING || s == VIREO_DOMAIN_STATE_BLOCKED ||
              s == VIREO_DOMAIN_STATE_PAUSED);
    case VIREO_DOMAIN_ACTION_DESTROY:
      return state_is_active (s);
    case VIREO_DOMAIN_ACTION_UNDEFINE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* ------------------------------------------------------------------------ */
/* Actions (worker side)                                                     */

typedef struct
{
  char              *uuid;
  VireoDomainAction  action;
  VireoDeletePlan   *plan;
} ActionData;

static void
action_data_free (gpointer data)
{
  ActionData *d = data;

  g_free (d->uuid);
  g_clear_pointer (&d->plan, vireo_delete_plan_unref);
  g_free (d);
}

/* A firmware switch asked, in the definition, for a fresh NVRAM file at
 * the next start (vireo_firmware_set_nvram_reset_pending()); the request
 * is spent once the guest has started with it. */
static int
start_domain (virDomainPtr dom)
{
  char *note = virDomainGetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT, VIREO_METADATA_NS,
                                     VIR_DOMAIN_AFFECT_CONFIG);
  gboolean reset = vireo_firmware_note_wants_nvram_reset (note);
  int ret;

  free (note);
  if (!reset)
    return virDomainCreate (dom);
  ret = virDomainCreateWithFlags (dom, VIR_DOMAIN_START_RESET_NVRAM);
  if (ret == 0
      && virDomainSetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT, NULL, NULL, VIREO_METADATA_NS,
                               VIR_DOMAIN_AFFECT_CONFIG) < 0)
    g_warning ("The request for fresh firmware settings stays in %s: %s",
               virDomainGetName (dom), virGetLastErrorMessage ());
  return ret;
}

static void
action_thread (GTask        *task,
               virConnectPtr conn,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ActionData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  int ret = -1;

  if (dom == NULL)
    return;

  switch (d->action)
    {
    case VIREO_DOMAIN_ACTION_START:        ret = start_domain (dom); break;
    case VIREO_DOMAIN_ACTION_PAUSE:        ret = virDomainSuspend (dom); break;
    case VIREO_DOMAIN_ACTION_RESUME:       ret = virDomainResume (dom); break;
    case VIREO_DOMAIN_ACTION_SHUTDOWN:     ret = virDomainShutdown (dom); break;
    case VIREO_DOMAIN_ACTION_REBOOT:       ret = virDomainReboot (dom, 0); break;
    case VIREO_DOMAIN_ACTION_RESET:        ret = virDomainReset (dom, 0); break;
    case VIREO_DOMAIN_ACTION_DESTROY:      ret = virDomainDestroy (dom); break;
    case VIREO_DOMAIN_ACTION_MANAGED_SAVE: ret = virDomainManagedSave (dom, 0); break;
    case VIREO_DOMAIN_ACTION_UNDEFINE:
    default:
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG,
                               "Use vireo_domain_delete_async() to delete");
      return;
    }

  if (ret < 0)
    g_task_return_error (task, vireo_virt_error_from_last (_("The operation failed")));
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
check_attached (VireoDomain *self,
                GTask       *task)
{
  if (self->connection != NULL)
    return TRUE;
  g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN,
                           _("The virtual machine no longer exists"));
  g_object_unref (task);
  return FALSE;
}

/**
 * vireo_domain_action_async:
 *
 * Runs a lifecycle @action on the connection's worker. The new state arrives
 * through libvirt's events, not through this call's result.
 */
void
vireo_domain_action_async (VireoDomain         *self,
                           VireoDomainAction    action,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  ActionData *d;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_domain_action_async);
  if (!check_attached (self, task))
    return;

  g_signal_emit (self, signals[ACTION_REQUESTED], 0, action);

  d = g_new0 (ActionData, 1);
  d->uuid = g_strdup (self->uuid);
  d->action = action;
  g_task_set_task_data (task, d, action_data_free);
  vireo_connection_run (self->connection, task, action_thread);
}

gboolean
vireo_domain_action_finish (VireoDomain   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Configuration                                                             */

typedef struct
{
  char     *uuid;
  char     *xml;
  gboolean  inactive;
} XmlData;

static void
xml_data_free (gpointer data)
{
  XmlData *d = data;

  g_free (d->uuid);
  g_free (d->xml);
  g_free (d);
}

static void
read_xml_thread (GTask        *task,
                 virConnectPtr conn,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  XmlData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  char *xml;

  if (dom == NULL)
    return;

  /* SECURE: without it graphics passwords and disk cookies are left out,
   * and writing the document back would silently erase them. */
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_SECURE | (d->inactive ? VIR_DOMAIN_XML_INACTIVE : 0));
  if (xml == NULL)
    {
      g_task_return_error (task, vireo_virt_error_from_last (_("Could not read the configuration")));
      return;
    }
  g_task_return_pointer (task, g_strdup (xml), g_free);
  free (xml);
}

/**
 * vireo_domain_read_xml_async:
 * @inactive: the persistent definition (what the next boot uses) rather
 *   than the running guest's
 *
 * Reads the domain's XML, secrets included, for editing.
 */
void
vireo_domain_read_xml_async (VireoDomain         *self,
                             gboolean             inactive,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  XmlData *d;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_domain_read_xml_async);
  if (!check_attached (self, task))
    return;

  d = g_new0 (XmlData, 1);
  d->uuid = g_strdup (self->uuid);
  d->inactive = inactive;
  g_task_set_task_data (task, d, xml_data_free);
  vireo_connection_run (self->connection, task, read_xml_thread);
}

/**
 * vireo_domain_read_xml_finish:
 *
 * Returns: (transfer full): the XML, or %NULL with @error set
 */
char *
vireo_domain_read_xml_finish (VireoDomain   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
define_xml_thread (GTask        *task,
                   virConnectPtr conn,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  XmlData *d = task_data;
  g_autoptr(virDomain) dom = NULL;

  if (conn == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED,
                               _("Not connected to the host"));
      return;
    }

  /* A document without this machine's UUID would define another machine
   * beside it (or clash with one): check before libvirt acts on it. This
   * config lives and dies on this thread. */
  {
    g_autoptr(GError) parse_error = NULL;
    g_autoptr(VireoDomainConfig) config = vireo_domain_config_new_from_xml (d->xml, &parse_error);

    if (config == NULL)
      {
        g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG,
                                 "%s", parse_error->message);
        return;
      }
    if (vireo_domain_config_get_uuid (config) == NULL
        || g_ascii_strcasecmp (vireo_domain_config_get_uuid (config), d->uuid) != 0)
      {
        g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_INVALID_ARG,
                                 _("The <uuid> must stay %s: another one would define a new machine "
                                   "instead of changing this one."), d->uuid);
        return;
      }
  }

  /* VALIDATE: libvirt checks the document against its schema first, and
   * says which element is wrong instead of dropping it. */
  dom = virDomainDefineXMLFlags (conn, d->xml, VIR_DOMAIN_DEFINE_VALIDATE);
  if (dom == NULL)
    {
      g_task_return_error (task, vireo_virt_error_from_last (_("The configuration was not accepted")));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * vireo_domain_define_xml_async:
 * @xml: the whole domain definition, UUID unchanged
 *
 * Replaces the persistent definition. A running guest keeps its current
 * configuration until it is shut down.
 */
void
vireo_domain_define_xml_async (VireoDomain         *self,
                               const char          *xml,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  XmlData *d;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (xml != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_domain_define_xml_async);
  if (!check_attached (self, task))
    return;

  d = g_new0 (XmlData, 1);
  d->uuid = g_strdup (self->uuid);
  d->xml = g_strdup (xml);
  g_task_set_task_data (task, d, xml_data_free);
  vireo_connection_run (self->connection, task, define_xml_thread);
}

gboolean
vireo_domain_define_xml_finish (VireoDomain   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Live changes                                                              */

typedef struct
{
  char              *uuid;
  char              *xml;
  VireoDeviceChange  change;
  guint64            kib;
  unsigned int       flags;   /* virDomainModificationImpact */
} ChangeData;

static void
change_data_free (gpointer data)
{
  ChangeData *d = data;

  g_free (d->uuid);
  g_free (d->xml);
  g_free (d);
}

static unsigned int
impact_flags (VireoApplyFlags flags)
{
  return ((flags & VIREO_APPLY_CONFIG) ? VIR_DOMAIN_AFFECT_CONFIG : 0)
         | ((flags & VIREO_APPLY_LIVE) ? VIR_DOMAIN_AFFECT_LIVE : 0);
}

static void
change_device_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  ChangeData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  int ret;

  if (dom == NULL)
    return;

  switch (d->change)
    {
    case VIREO_DEVICE_CHANGE_ATTACH:
      ret = virDomainAttachDeviceFlags (dom, d->xml, d->flags);
      break;
    case VIREO_DEVICE_CHANGE_DETACH:
      ret = virDomainDetachDeviceFlags (dom, d->xml, d->flags);
      break;
    case VIREO_DEVICE_CHANGE_UPDATE:
    default:
      /* New media on a running guest: firmware or the guest may hold the
       * tray shut, and then QEMU refuses the change ("Tray … is not
       * open") for as long as it does, over a minute with SeaBIOS. Eject
       * is what the user asked for, as `virsh change-media --force`. A
       * driver that does not know the flag is asked again without it. */
      if ((d->flags & VIR_DOMAIN_AFFECT_LIVE) && g_str_has_prefix (d->xml, "<disk"))
        {
          ret = virDomainUpdateDeviceFlags (dom, d->xml, d->flags | VIR_DOMAIN_DEVICE_MODIFY_FORCE);
          if (ret < 0 && (virGetLastErrorCode () == VIR_ERR_INVALID_ARG ||
                          virGetLastErrorCode () == VIR_ERR_NO_SUPPORT))
            ret = virDomainUpdateDeviceFlags (dom, d->xml, d->flags);
        }
      else
        ret = virDomainUpdateDeviceFlags (dom, d->xml, d->flags);
      break;
    }
  if (ret < 0)
    g_task_return_error (task, vireo_virt_error_from_last (_("The device could not be changed")));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_domain_change_device_async:
 * @device_xml: the device element (for UPDATE: the device as it should be,
 *   e.g. a CD-ROM with new or no media)
 * @flags: the running guest, the definition, or both
 *
 * Hot-plugs, unplugs or updates one device: what `virsh attach-device`,
 * `detach-device` and `update-device` do with `--live` / `--config`.
 */
void
vireo_domain_change_device_async (VireoDomain         *self,
                                  VireoDeviceChange    change,
                                  const char          *device_xml,
                                  VireoApplyFlags      flags,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  ChangeData *d;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (device_xml != NULL);
  g_return_if_fail (flags != 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_domain_change_device_async);
  if (!check_attached (self, task))
    return;

  d = g_new0 (ChangeData, 1);
  d->uuid = g_strdup (self->uuid);
  d->xml = g_strdup (device_xml);
  d->change = change;
  d->flags = impact_flags (flags);
  g_task_set_task_data (task, d, change_data_free);
  vireo_connection_run (self->connection, task, change_device_thread);
}

gboolean
vireo_domain_change_device_finish (VireoDomain   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
set_memory_thread (GTask        *task,
                   virConnectPtr conn,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ChangeData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);

  if (dom == NULL)
    return;
  if (virDomainSetMemoryFlags (dom, d->kib, d->flags) < 0)
    g_task_return_error (task, vireo_virt_error_from_last (_("The memory could not be changed")));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_domain_set_memory_async:
 * @kib: the new current memory (the balloon target on a running guest)
 *
 * What `virsh setmem` does; a running guest needs a balloon device.
 */
void
vireo_domain_set_memory_async (VireoDomain         *self,
                               guint64              kib,
                               VireoApplyFlags      flags,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  ChangeData *d;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (kib > 0 && flags != 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_domain_set_memory_async);
  if (!check_attached (self, task))
    return;

  d = g_new0 (ChangeData, 1);
  d->uuid = g_strdup (self->uuid);
  d->kib = kib;
  d->flags = impact_flags (flags);
  g_task_set_task_data (task, d, change_data_free);
  vireo_connection_run (self->connection, task, set_memory_thread);
}

gboolean
vireo_domain_set_memory_finish (VireoDomain   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}


typedef struct
{
  char      *uuid;
  GPtrArray *changes;
} LiveData;

static void
live_data_free (gpointer data)
{
  LiveData *d = data;

  g_free (d->uuid);
  g_clear_pointer (&d->changes, g_ptr_array_unref);
  g_free (d);
}

static void
apply_live_thread (GTask        *task,
                   virConnectPtr conn,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  LiveData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);

  if (dom == NULL)
    return;

  /* One after the other, each on its own: a NIC the guest refuses to
   * release must not keep a CD-ROM from changing. */
  for (guint i = 0; i < d->changes->len; i++)
    {
      VireoLiveChange *c = d->changes->pdata[i];
      int ret;

      switch (c->kind)
        {
        case VIREO_LIVE_ATTACH:
          ret = virDomainAttachDeviceFlags (dom, c->xml, VIR_DOMAIN_AFFECT_LIVE);
          break;
        case VIREO_LIVE_DETACH:
          ret = virDomainDetachDeviceFlags (dom, c->xml, VIR_DOMAIN_AFFECT_LIVE);
          break;
        case VIREO_LIVE_UPDATE:
          ret = virDomainUpdateDeviceFlags (dom, c->xml, VIR_DOMAIN_AFFECT_LIVE);
          break;
        case VIREO_LIVE_MEMORY:
          ret = virDomainSetMemoryFlags (dom, c->value, VIR_DOMAIN_AFFECT_LIVE);
          break;
        case VIREO_LIVE_VCPUS:
          ret = virDomainSetVcpusFlags (dom, (unsigned int) c->value, VIR_DOMAIN_AFFECT_LIVE);
          break;
        case VIREO_LIVE_TITLE:
        case VIREO_LIVE_DESCRIPTION:
          ret = virDomainSetMetadata (dom,
                                      c->kind == VIREO_LIVE_TITLE ? VIR_DOMAIN_METADATA_TITLE
                                                                  : VIR_DOMAIN_METADATA_DESCRIPTION,
                                      c->text != NULL && *c->text != '\0' ? c->text : NULL,
                                      NULL, NULL, VIR_DOMAIN_AFFECT_LIVE);
          break;
        default:
          g_assert_not_reached ();
        }
      if (ret < 0)
        c->error = vireo_virt_error_from_last (c->what);
    }
  g_task_return_pointer (task, g_ptr_array_ref (d->changes), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * vireo_domain_apply_live_async:
 * @changes: (element-type VireoLiveChange) (transfer full): from
 *   vireo_live_changes_between(); the worker owns them until it is done
 *
 * Tries each change on the running guest only (`--live`); the definition
 * is the caller's to define first. A change that fails is not an error of
 * the whole: it comes back with its error set, and waits for next boot.
 */
void
vireo_domain_apply_live_async (VireoDomain         *self,
                               GPtrArray           *changes,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  LiveData *d;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (changes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_domain_apply_live_async);
  d = g_new0 (LiveData, 1);
  d->uuid = g_strdup (self->uuid);
  d->changes = changes;
  g_task_set_task_data (task, d, live_data_free);
  if (!check_attached (self, task))
    return;
  vireo_connection_run (self->connection, task, apply_live_thread);
}

/**
 * vireo_domain_apply_live_finish:
 *
 * Returns: (transfer full) (element-type VireoLiveChange): the changes,
 *   each with its error if it failed; NULL when none could be tried
 */
GPtrArray *
vireo_domain_apply_live_finish (VireoDomain   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rename_thread (GTask        *task,
               virConnectPtr conn,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ChangeData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);

  if (dom == NULL)
    return;
  /* ChangeData's text field carries the new name here. */
  if (virDomainRename (dom, d->xml, 0) < 0)
    g_task_return_error (task, vireo_virt_error_from_last (_("The machine could not be renamed")));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_domain_rename_async:
 * @name: the new name
 *
 * What `virsh domrename` does; libvirt renames shut-off machines only
 * (and moves their NVRAM file along).
 */
void
vireo_domain_rename_async (VireoDomain         *self,
                           const char          *name,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  ChangeData *d;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_domain_rename_async);
  if (!check_attached (self, task))
    return;
  d = g_new0 (ChangeData, 1);
  d->uuid = g_strdup (self->uuid);
  d->xml = g_strdup (name);
  g_task_set_task_data (task, d, change_data_free);
  vireo_connection_run (self->connection, task, rename_thread);
}

gboolean
vireo_domain_rename_finish (VireoDomain   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}


typedef struct
{
  char *emulator;
  char *arch;
  char *machine;
  char *virttype;
} CapsData;

static void
caps_data_free (gpointer data)
{
  CapsData *d = data;

  g_free (d->emulator);
  g_free (d->arch);
  g_free (d->machine);
  g_free (d->virttype);
  g_free (d);
}

/* `virsh domcapabilities`, for a machine (below) and for the New VM
 * wizard before there is one (vireo_connection_read_domain_caps_async). */
void
_vireo_task_read_domain_caps (GTask        *task,
                              const char   *emulator,
                              const char   *arch,
                              const char   *machine,
                              const char   *virttype)
{
  CapsData *d = g_new0 (CapsData, 1);

  d->emulator = g_strdup (emulator);
  d->arch = g_strdup (arch);
  d->machine = g_strdup (machine);
  d->virttype = g_strdup (virttype);
  g_task_set_task_data (task, d, caps_data_free);
}

void
_vireo_read_domain_caps_thread (GTask        *task,
                                virConnectPtr conn,
                                gpointer      task_data,
                                GCancellable *cancellable)
{
  CapsData *d = task_data;
  char *xml;

  if (conn == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED,
                               _("Not connected to the host"));
      return;
    }
  xml = virConnectGetDomainCapabilities (conn, d->emulator, d->arch, d->machine, d->virttype, 0);
  if (xml == NULL)
    {
      g_task_return_error (task, vireo_virt_error_from_last (_("The host’s capabilities could not be read")));
      return;
    }
  g_task_return_pointer (task, g_strdup (xml), g_free);
  free (xml);
}

/**
 * vireo_domain_read_caps_async:
 * @emulator: (nullable): @arch: (nullable): @machine: (nullable):
 * @virttype: (nullable): this machine's own, as its definition says
 *
 * What the host can give a machine set up like this one (`virsh
 * domcapabilities`): CPU models, firmware, device models, vCPU limit.
 */
void
vireo_domain_read_caps_async (VireoDomain         *self,
                              const char          *emulator,
                              const char          *arch,
                              const char          *machine,
                              const char          *virttype,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_domain_read_caps_async);
  if (!check_attached (self, task))
    return;
  _vireo_task_read_domain_caps (task, emulator, arch, machine, virttype);
  vireo_connection_run (self->connection, task, _vireo_read_domain_caps_thread);
}

/**
 * vireo_domain_read_caps_finish:
 *
 * Returns: (transfer full): the domain capabilities XML
 */
char *
vireo_domain_read_caps_finish (VireoDomain   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Graphical consoles                                                        */

typedef struct
{
  char  *uuid;
  guint  index;
} GraphicsData;

static void
graphics_data_free (gpointer data)
{
  GraphicsData *d = data;

  g_free (d->uuid);
  g_free (d);
}

/* A descriptor nobody took (the caller went away) is closed, not leaked. */
static void
fd_free (gpointer data)
{
  int *fd = data;

  if (*fd >= 0)
    close (*fd);
  g_free (fd);
}

static void
open_graphics_thread (GTask        *task,
                      virConnectPtr conn,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GraphicsData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  int *fd;

  if (dom == NULL)
    return;
  fd = g_new (int, 1);
  /* SKIPAUTH: whoever may talk to this daemon may see the display; a
   * graphics password guards the network listener, which this bypasses. */
  *fd = virDomainOpenGraphicsFD (dom, d->index, VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH);
  if (*fd < 0)
    {
      g_free (fd);
      g_task_return_error (task, vireo_virt_error_from_last (_("Could not open the machine’s display")));
      return;
    }
  g_task_return_pointer (task, fd, fd_free);
}

/* ops worker, for a remote display: where it listens, from the live XML
 * (plain data back; the tunnel is opened on the main thread). */
static void
graphics_target_thread (GTask        *task,
                        virConnectPtr conn,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  GraphicsData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  g_autoptr(GError) error = NULL;
  VireoGraphicsTarget *target;
  char *xml;

  if (dom == NULL)
    return;
  if (virDomainIsActive (dom) == 0)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_OPERATION_INVALID,
                               _("The machine is not running"));
      return;
    }
  xml = virDomainGetXMLDesc (dom, 0);
  if (xml == NULL)
    {
      g_task_return_error (task, vireo_virt_error_from_last (_("Could not read the machine’s description")));
      return;
    }
  target = vireo_graphics_target_parse (xml, d->index, &error);
  free (xml);
  if (target == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, target, (GDestroyNotify) vireo_graphics_target_free);
}

static void
tunnel_opened_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  int *fd = g_new (int, 1);

  *fd = vireo_graphics_tunnel_open_finish (result, &error);
  if (*fd < 0)
    {
      g_free (fd);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, fd, fd_free);
}

static void
graphics_target_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(GTask) task = data;
  VireoDomain *self = g_task_get_source_object (task);
  g_autoptr(VireoGraphicsTarget) target = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  target = g_task_propagate_pointer (G_TASK (result), &error);
  if (target == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->connection == NULL)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NO_DOMAIN,
                               _("The virtual machine no longer exists"));
      return;
    }
  cancellable = g_task_get_cancellable (task);
  vireo_graphics_tunnel_open_async (vireo_connection_get_uri (self->connection), target, cancellable,
                                    tunnel_opened_cb, g_steal_pointer (&task));
}

/**
 * vireo_domain_open_graphics_fd_async:
 * @index: which <graphics> of the running machine, 0 for the first
 *
 * A socket already connected to the display. On this computer the daemon
 * hands it over (virDomainOpenGraphicsFD with SKIPAUTH): no port is
 * opened and no password asked. On a qemu+ssh connection it is an SSH
 * channel, with the connection's ssh settings, to where the display
 * listens on its host (vireo-graphics-tunnel): the live XML is read on
 * the worker, the channel opened from the main thread. libvirt cannot
 * pass a descriptor over TCP or SSH, and trying breaks the connection, so
 * the daemon is never asked for one there; other remote transports get
 * %VIREO_VIRT_ERROR_NOT_SUPPORTED without a libvirt call.
 */
void
vireo_domain_open_graphics_fd_async (VireoDomain         *self,
                                     guint                index,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  VireoGraphicsRoute route;
  GraphicsData *d;
  GTask *task;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_domain_open_graphics_fd_async);
  if (!check_attached (self, task))
    return;

  route = vireo_graphics_route_for_uri (vireo_connection_get_uri (self->connection), &error);
  if (route == VIREO_GRAPHICS_ROUTE_REFUSED)
    {
      g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_SUPPORTED, "%s", error->message);
      g_object_unref (task);
      return;
    }

  d = g_new0 (GraphicsData, 1);
  d->uuid = g_strdup (self->uuid);
  d->index = index;
  if (route == VIREO_GRAPHICS_ROUTE_LOCAL)
    {
      g_task_set_task_data (task, d, graphics_data_free);
      vireo_connection_run (self->connection, task, open_graphics_thread);
    }
  else
    {
      GTask *read = g_task_new (self, cancellable, graphics_target_cb, task);

      g_task_set_source_tag (read, vireo_domain_open_graphics_fd_async);
      g_task_set_task_data (read, d, graphics_data_free);
      vireo_connection_run (self->connection, read, graphics_target_thread);
    }
}

/**
 * vireo_domain_open_graphics_fd_finish:
 *
 * Returns: the connected socket, the caller's to close; -1 with @error
 */
int
vireo_domain_open_graphics_fd_finish (VireoDomain   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  int *fd;
  int ret;

  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  fd = g_task_propagate_pointer (G_TASK (result), error);
  if (fd == NULL)
    return -1;
  ret = *fd;
  g_free (fd);
  return ret;
}

/* ------------------------------------------------------------------------ */
/* Delete                                                                    */

/* Paths of every disk of every domain except @except_uuid (%NULL: none
 * excepted), each to the name of a machine that uses it. */
GHashTable *
_vireo_collect_disk_paths (virConnectPtr  conn,
                          const char    *except_uuid)
{
  GHashTable *paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  virDomainPtr *doms = NULL;
  int n = virConnectListAllDomains (conn, &doms, 0);

  for (int i = 0; i < n; i++)
    {
      char uuid[VIR_UUID_STRING_BUFLEN];
      g_autofree char *xml = NULL;
      g_autoptr(VireoDomainConfig) config = NULL;
      g_autoptr(GPtrArray) disks = NULL;

      if (except_uuid != NULL && virDomainGetUUIDString (doms[i], uuid) == 0 &&
          g_str_equal (uuid, except_uuid))
        goto next;
      xml = virDomainGetXMLDesc (doms[i], VIR_DOMAIN_XML_INACTIVE);
      if (xml == NULL || (config = vireo_domain_config_new_from_xml (xml, NULL)) == NULL)
        goto next;

      disks = vireo_domain_config_list_disks (config);
      for (guint j = 0; j < disks->len; j++)
        {
          VireoDiskInfo *disk = g_ptr_array_index (disks, j);
          if (disk->path != NULL)
            g_hash_table_replace (paths, g_strdup (disk->path),
                                  g_strdup (virDomainGetName (doms[i])));
        }
    next:
      virDomainFree (doms[i]);
    }
  free (doms);
  virResetLastError ();
  return paths;
}

static void
plan_delete_thread (GTask        *task,
                    virConnectPtr conn,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ActionData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GHashTable) others = NULL;
  g_autoptr(VireoDeletePlan) plan = NULL;
  g_autofree char *xml = NULL;
  GError *error = NULL;

  if (dom == NULL)
    return;

  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  if (xml == NULL)
    {
      g_task_return_error (task, vireo_virt_error_from_last (_("Could not read the configuration")));
      return;
    }
  config = vireo_domain_config_new_from_xml (xml, &error);
  if (config == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  plan = vireo_delete_plan_new (d->uuid, virDomainGetName (dom));
  disks = vireo_domain_config_list_disks (config);
  if (disks->len > 0)
    others = _vireo_collect_disk_paths (conn, d->uuid);

  for (guint i = 0; i < disks->len; i++)
    {
      VireoDiskInfo *disk = g_ptr_array_index (disks, i);
      g_autoptr(virStorageVol) vol = NULL;
      g_autofree char *key = NULL;
      g_autofree char *shown = NULL;
      const char *reason = NULL;
      const char *user;

      if (disk->path != NULL)
        {
          shown = g_strdup (disk->path);
          vol = virStorageVolLookupByPath (conn, disk->path);
        }
      else if (disk->pool != NULL && disk->volume != NULL)
        {
          g_autoptr(virStoragePool) pool = virStoragePoolLookupByName (conn, disk->pool);

          shown = g_strdup_printf ("%s/%s", disk->pool, disk->volume);
          if (pool != NULL)
            vol = virStorageVolLookupByName (pool, disk->volume);
        }
      virResetLastError ();

      if (vol != NULL)
        key = g_strdup (virStorageVolGetKey (vol));

      if (shown == NULL)
        reason = _("It has no local storage (network or empty drive).");
      else if (disk->readonly)
        reason = _("It is read-only, so other machines may rely on it.");
      else if (disk->shareable)
        reason = _("It is marked shareable between machines.");
      else if (others != NULL && disk->path != NULL &&
               (user = g_hash_table_lookup (others, disk->path)) != NULL)
        {
          g_autofree char *r = g_strdup_printf (_("It is also used by “%s”."), user);
          vireo_delete_plan_add_disk (plan, disk->target, disk->device, shown, key, r);
          continue;
        }
      else if (key == NULL)
        reason = _("It is not a volume of any storage pool on this host.");

      vireo_delete_plan_add_disk (plan, disk->target, disk->device, shown, key, reason);
    }

  g_task_return_pointer (task, g_steal_pointer (&plan), (GDestroyNotify) vireo_delete_plan_unref);
}

/**
 * vireo_domain_plan_delete_async:
 *
 * Works out, on the worker, which of the domain's disks may be deleted along
 * with it and why the others must stay.
 */
void
vireo_domain_plan_delete_async (VireoDomain         *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  ActionData *d;

  g_return_if_fail (VIREO_IS_DOMAIN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_domain_plan_delete_async);
  if (!check_attached (self, task))
    return;

  d = g_new0 (ActionData, 1);
  d->uuid = g_strdup (self->uuid);
  g_task_set_task_data (task, d, action_data_free);
  vireo_connection_run (self->connection, task, plan_delete_thread);
}

/**
 * vireo_domain_plan_delete_finish:
 *
 * Returns: (transfer full): the plan; flip `delete_storage` on its disks
 *   before passing it to vireo_domain_delete_async()
 */
VireoDeletePlan *
vireo_domain_plan_delete_finish (VireoDomain   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
delete_thread (GTask        *task,
               virConnectPtr conn,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ActionData *d = task_data;
  g_autoptr(virDomain) dom = _vireo_task_lookup_domain (task, conn, d->uuid);
  g_autoptr(GString) failures = g_string_new (NULL);
  unsigned int flags = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                       VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                       VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA |
                       VIR_DOMAIN_UNDEFINE_NVRAM;
  int active;

  if (dom == NULL)
    return;

  active = virDomainIsActive (dom);
  if (active == 1 && virDomainDestroy (dom) < 0)
    {
      g_task_return_error (task, vireo_virt_error_from_last (_("Could not force off")));
      return;
    }

  /* Drivers that do not know every flag refuse them all; fall back to the
   * ones every driver knows, then to none. */
  if (virDomainUndefineFlags (dom, flags) < 0)
    {
      int code = virGetLastErrorCode ();

      if (code != VIR_ERR_INVALID_ARG && code != VIR_ERR_NO_SUPPORT)
        {
          g_task_return_error (task, vireo_virt_error_from_last (_("Could not delete")));
          return;
        }
      virResetLastError ();
      if (virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                       VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) < 0 &&
          virDomainUndefine (dom) < 0)
        {
          g_task_return_error (task, vireo_virt_error_from_last (_("Could not delete")));
          return;
        }
    }

  /* Storage goes after the definition: a VM without its disks is worse than
   * disks without their VM, should something fail half-way. */
  for (guint i = 0; i < vireo_delete_plan_get_n_disks (d->plan); i++)
    {
      VireoDeleteDisk *disk = vireo_delete_plan_get_disk (d->plan, i);
      g_autoptr(virStorageVol) vol = NULL;

      if (!disk->delete_storage || disk->reason_kept != NULL || disk->volume_key == NULL)
        continue;

      vol = virStorageVolLookupByKey (conn, disk->volume_key);
      if (vol == NULL || virStorageVolDelete (vol, 0) < 0)
        {
          g_autoptr(GError) error = vireo_virt_error_from_last (_("Could not delete the volume"));
          g_string_append_printf (failures, "\n%s: %s", disk->path, error->message);
        }
    }

  if (failures->len > 0)
    g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_FAILED,
                             _("The virtual machine was deleted, but some storage was not:%s"),
                             failures->str);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vireo_domain_delete_async:
 * @plan: from vireo_domain_plan_delete_finish(), as the user left it
 *
 * Forces the domain off if it runs, undefines it with its managed save,
 * snapshot and checkpoint metadata and NVRAM, then deletes the storage the
 * plan selects.
 */
void
vireo_domain_delete_async (VireoDomain         *self,
                           VireoDeletePlan     *plan,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  ActionData *d;

  g_return_if_fail (VIREO_IS_DOMAIN (self));
  g_return_if_fail (plan != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vireo_domain_delete_async);
  if (!check_attached (self, task))
    return;

  d = g_new0 (ActionData, 1);
  d->uuid = g_strdup (self->uuid);
  d->action = VIREO_DOMAIN_ACTION_UNDEFINE;
  d->plan = vireo_delete_plan_ref (plan);
  g_task_set_task_data (task, d, action_data_free);
  vireo_connection_run (self->connection, task, delete_thread);
}

gboolean
vireo_domain_delete_finish (VireoDomain   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
