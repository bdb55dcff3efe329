/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A domain's performance figures and histories: fake samples through the
 * private apply path (split rates, counter resets, stop and start, memory
 * sources), bulk statistics parsed from typed parameters as libvirt hands
 * them over, and what libvirt's test driver really reports.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "vireo-connection-private.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"
#include "vireo-virt.h"

#define UUID "2b7c1a80-3c47-4c6b-9a3e-5f0d1e2a7b01"
#define SEC  G_USEC_PER_SEC

/* Counters of one fake sample; every figure reported unless told. */
typedef struct
{
  int     state;
  gint64  us;
  guint64 cpu_ns;
  guint64 rd, wr, rx, tx;
  guint   disks, nics;
  guint64 used_kib;
  guint   no_memory_used : 1;
  guint   no_io : 1;
} Fake;

static VireoDomainSample *
make_sample (const Fake *f)
{
  VireoDomainSample *s = g_new0 (VireoDomainSample, 1);

  s->uuid = g_strdup (UUID);
  s->name = g_strdup ("perf");
  s->state = f->state;
  s->sampled_us = f->us;
  s->has_info = TRUE;
  s->max_memory_kib = 4 * 1024 * 1024;
  s->memory_kib = 2 * 1024 * 1024;
  s->vcpus = 2;
  s->has_cpu = TRUE;
  s->cpu_time_ns = f->cpu_ns;
  if (!f->no_io)
    {
      s->has_block = s->has_net = TRUE;
      s->block_rd_bytes = f->rd;
      s->block_wr_bytes = f->wr;
      s->net_rx_bytes = f->rx;
      s->net_tx_bytes = f->tx;
      s->block_count = f->disks ? f->disks : 1;
      s->net_count = f->nics ? f->nics : 1;
    }
  if (!f->no_memory_used)
    {
      s->has_memory_used = TRUE;
      s->memory_used_kib = f->used_kib ? f->used_kib : 512 * 1024;
    }
  return s;
}

static void
apply (VireoDomain *domain,
       const Fake  *f)
{
  g_autoptr(VireoDomainSample) s = make_sample (f);
  _vireo_domain_apply_sample (domain, s);
}

static VireoDomain *
new_domain (const Fake *first)
{
  g_autoptr(VireoDomainSample) s = make_sample (first);
  return _vireo_domain_new (NULL, s);
}

static guint
len (const VireoHistory *h)
{
  return vireo_history_get_length (h);
}

static double
newest (const VireoHistory *h)
{
  g_assert_cmpuint (vireo_history_get_length (h), >, 0);
  return vireo_history_get (h, vireo_history_get_length (h) - 1);
}

static void
count_signal (gpointer data)
{
  (*(guint *) data)++;
}

/* ------------------------------------------------------------------------ */

static void
test_split_rates (void)
{
  g_autoptr(VireoDomain) d = new_domain (&(Fake) { .state = 1, .us = 10 * SEC, .cpu_ns = 5000000000,
                                                   .rd = 1000, .wr = 2000, .rx = 300, .tx = 400 });
  guint sampled = 0, disk_notified = 0, net_notified = 0;

  g_signal_connect_swapped (d, "sampled", G_CALLBACK (count_signal), &sampled);
  g_signal_connect_swapped (d, "notify::disk-rate", G_CALLBACK (count_signal), &disk_notified);
  g_signal_connect_swapped (d, "notify::net-rate", G_CALLBACK (count_signal), &net_notified);

  /* One sample is a baseline: reported, but no rate yet. */
  g_assert_true (vireo_domain_get_has_stats (d));
  g_assert_true (vireo_domain_get_has_cpu (d));
  g_assert_true (vireo_domain_get_has_disk_io (d));
  g_assert_true (vireo_domain_get_has_net_io (d));
  g_assert_true (vireo_domain_get_has_memory_used (d));
  g_assert_cmpfloat (vireo_domain_get_disk_read_rate (d), <, 0);
  g_assert_cmpfloat (vireo_domain_get_disk_rate (d), <, 0);
  g_assert_cmpuint (len (vireo_domain_get_cpu_history (d)), ==, 0);
  g_assert_cmpuint (len (vireo_domain_get_disk_read_history (d)), ==, 0);
  /* Memory is a level, not a counter: the first sample is a point. */
  g_assert_cmpuint (len (vireo_domain_get_memory_history (d)), ==, 1);
  g_assert_cmpuint (vireo_domain_get_memory_used_kib (d), ==, 512 * 1024);

  /* Two seconds later: 2 s of CPU over 2 vCPUs is half; reads and writes,
   * received and sent, each at its own rate. */
  apply (d, &(Fake) { .state = 1, .us = 12 * SEC, .cpu_ns = 7000000000,
                      .rd = 3000, .wr = 8000, .rx = 700, .tx = 500, .used_kib = 600 * 1024 });
  g_assert_cmpfloat_with_epsilon (vireo_domain_get_cpu_percent (d), 50, 0.001);
  g_assert_cmpfloat_with_epsilon (vireo_domain_get_disk_read_rate (d), 1000, 0.001);
  g_assert_cmpfloat_with_epsilon (vireo_domain_get_disk_write_rate (d), 3000, 0.001);
  g_assert_cmpfloat_with_epsilon (vireo_domain_get_net_rx_rate (d), 200, 0.001);
  g_assert_cmpfloat_with_epsilon (vireo_domain_get_net_tx_rate (d), 50, 0.001);
  /* The list's columns keep their sums. */
  g_assert_cmpfloat_with_epsilon (vireo_domain_get_disk_rate (d), 4000, 0.001);
  g_assert_cmpfloat_with_epsilon (vireo_domain_get_net_rate (d), 250, 0.001);
  g_assert_cmpuint (disk_notified, ==, 1);
  g_assert_cmpuint (net_notified, ==, 1);
  g_assert_cmpuint (vireo_domain_get_memory_used_kib (d), ==, 600 * 1024);

  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_cpu_history (d)), 50, 0.001);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_disk_read_history (d)), 1000, 0.001);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_disk_write_history (d)), 3000, 0.001);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_net_rx_history (d)), 200, 0.001);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_net_tx_history (d)), 50, 0.001);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_memory_history (d)), 600 * 1024, 0.001);
  g_assert_cmpuint (len (vireo_domain_get_memory_history (d)), ==, 2);
  g_assert_cmpuint (sampled, ==, 1);

  /* Properties read what the getters say. */
  {
    double rate = 0;
    gboolean has = FALSE;

    g_object_get (d, "disk-write-rate", &rate, "has-net-io", &has, NULL);
    g_assert_cmpfloat_with_epsilon (rate, 3000, 0.001);
    g_assert_true (has);
  }
}

static void
test_counter_reset (void)
{
  g_autoptr(VireoDomain) d = new_domain (&(Fake) { .state = 1, .us = 10 * SEC, .cpu_ns = 50000000000,
                                                   .rd = 1000000, .wr = 1000000, .rx = 500000, .tx = 500000 });

  apply (d, &(Fake) { .state = 1, .us = 11 * SEC, .cpu_ns = 51000000000,
                      .rd = 1001000, .wr = 1002000, .rx = 500100, .tx = 500200 });
  g_assert_cmpuint (len (vireo_domain_get_disk_read_history (d)), ==, 1);

  /* The guest restarted between two samples without Vireo seeing it stop:
   * every counter starts again near zero. No point, no negative rate, no
   * spike: the figures keep their last values over the gap. */
  apply (d, &(Fake) { .state = 1, .us = 12 * SEC, .cpu_ns = 100000000,
                      .rd = 4096, .wr = 0, .rx = 60, .tx = 0 });
  g_assert_cmpuint (len (vireo_domain_get_cpu_history (d)), ==, 1);
  g_assert_cmpuint (len (vireo_domain_get_disk_read_history (d)), ==, 1);
  g_assert_cmpuint (len (vireo_domain_get_disk_write_history (d)), ==, 1);
  g_assert_cmpuint (len (vireo_domain_get_net_rx_history (d)), ==, 1);
  g_assert_cmpuint (len (vireo_domain_get_net_tx_history (d)), ==, 1);
  g_assert_cmpfloat_with_epsilon (vireo_domain_get_disk_read_rate (d), 1000, 0.001);
  g_assert_cmpfloat_with_epsilon (vireo_domain_get_cpu_percent (d), 50, 0.001);

  /* The next sample rates from the new baseline. */
  apply (d, &(Fake) { .state = 1, .us = 14 * SEC, .cpu_ns = 1100000000,
                      .rd = 8192, .wr = 2048, .rx = 260, .tx = 100 });
  g_assert_cmpuint (len (vireo_domain_get_disk_read_history (d)), ==, 2);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_cpu_history (d)), 25, 0.001);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_disk_read_history (d)), 2048, 0.001);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_disk_write_history (d)), 1024, 0.001);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_net_rx_history (d)), 100, 0.001);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_net_tx_history (d)), 50, 0.001);

  /* Only writes went backwards (a disk unplugged): reads and writes skip
   * together, so the two lines stay in step. */
  apply (d, &(Fake) { .state = 1, .us = 15 * SEC, .cpu_ns = 1600000000,
                      .rd = 9192, .wr = 100, .rx = 360, .tx = 150 });
  g_assert_cmpuint (len (vireo_domain_get_disk_read_history (d)), ==, 2);
  g_assert_cmpuint (len (vireo_domain_get_disk_write_history (d)), ==, 2);
  g_assert_cmpuint (len (vireo_domain_get_net_rx_history (d)), ==, 3);

  /* A disk hot-plugged with a long past of its own: the sum leaps, but the
   * device count says why, and no point is made of it. */
  apply (d, &(Fake) { .state = 1, .us = 16 * SEC, .cpu_ns = 2100000000,
                      .rd = 900000000, .wr = 800000000, .disks = 2, .rx = 460, .tx = 200 });
  g_assert_cmpuint (len (vireo_domain_get_disk_read_history (d)), ==, 2);
  g_assert_cmpfloat (vireo_history_get_max (vireo_domain_get_disk_read_history (d)), <, 10000);
  apply (d, &(Fake) { .state = 1, .us = 17 * SEC, .cpu_ns = 2600000000,
                      .rd = 900000500, .wr = 800000000, .disks = 2, .rx = 560, .tx = 250 });
  g_assert_cmpuint (len (vireo_domain_get_disk_read_history (d)), ==, 3);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_disk_read_history (d)), 500, 0.001);
}

static void
test_stop_start (void)
{
  g_autoptr(VireoDomain) d = new_domain (&(Fake) { .state = 1, .us = 10 * SEC, .cpu_ns = 1000000000,
                                                   .rd = 0, .wr = 0, .rx = 0, .tx = 0 });
  guint sampled = 0;

  apply (d, &(Fake) { .state = 1, .us = 12 * SEC, .cpu_ns = 2000000000, .rd = 2000, .wr = 2000 });
  apply (d, &(Fake) { .state = 1, .us = 14 * SEC, .cpu_ns = 3000000000, .rd = 4000, .wr = 6000 });
  g_assert_cmpuint (len (vireo_domain_get_cpu_history (d)), ==, 2);
  g_assert_cmpuint (len (vireo_domain_get_memory_history (d)), ==, 3);

  g_signal_connect_swapped (d, "sampled", G_CALLBACK (count_signal), &sampled);

  /* Shut off: the past stays, the present is unknown. */
  _vireo_domain_set_state (d, VIREO_DOMAIN_STATE_SHUTOFF);
  g_assert_cmpuint (len (vireo_domain_get_cpu_history (d)), ==, 2);
  g_assert_cmpuint (len (vireo_domain_get_disk_read_history (d)), ==, 2);
  g_assert_cmpuint (len (vireo_domain_get_memory_history (d)), ==, 3);
  g_assert_cmpfloat (vireo_domain_get_cpu_percent (d), <, 0);
  g_assert_cmpfloat (vireo_domain_get_disk_read_rate (d), <, 0);
  g_assert_cmpfloat (vireo_domain_get_disk_rate (d), <, 0);
  g_assert_cmpfloat (vireo_domain_get_net_tx_rate (d), <, 0);
  g_assert_cmpuint (vireo_domain_get_memory_used_kib (d), ==, 0);
  g_assert_false (vireo_domain_get_has_stats (d));
  /* What the driver reports does not change with the guest's state. */
  g_assert_true (vireo_domain_get_has_disk_io (d));

  /* Samples of a shut-off guest (QEMU still reports its last CPU time and
   * its disks) add nothing. */
  apply (d, &(Fake) { .state = 5, .us = 16 * SEC, .cpu_ns = 3000000000, .rd = 4000, .wr = 6000 });
  apply (d, &(Fake) { .state = 5, .us = 18 * SEC, .cpu_ns = 3000000000, .rd = 4000, .wr = 6000 });
  g_assert_cmpuint (len (vireo_domain_get_cpu_history (d)), ==, 2);
  g_assert_cmpuint (len (vireo_domain_get_memory_history (d)), ==, 3);
  g_assert_cmpuint (sampled, ==, 0);
  g_assert_false (vireo_domain_get_has_stats (d));

  /* Started again: a new history. Its counters happen to be above the old
   * run's, which must not be taken for traffic: the first sample of a run
   * is a baseline. */
  apply (d, &(Fake) { .state = 1, .us = 20 * SEC, .cpu_ns = 9000000000, .rd = 90000, .wr = 90000 });
  g_assert_cmpuint (len (vireo_domain_get_cpu_history (d)), ==, 0);
  g_assert_cmpuint (len (vireo_domain_get_disk_read_history (d)), ==, 0);
  g_assert_cmpuint (len (vireo_domain_get_disk_write_history (d)), ==, 0);
  g_assert_cmpuint (len (vireo_domain_get_memory_history (d)), ==, 1);
  g_assert_cmpfloat (vireo_domain_get_disk_read_rate (d), <, 0);
  g_assert_true (vireo_domain_get_has_stats (d));

  apply (d, &(Fake) { .state = 1, .us = 22 * SEC, .cpu_ns = 10000000000, .rd = 92000, .wr = 90000 });
  g_assert_cmpuint (len (vireo_domain_get_cpu_history (d)), ==, 1);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_cpu_history (d)), 25, 0.001);
  g_assert_cmpfloat_with_epsilon (vireo_domain_get_disk_read_rate (d), 1000, 0.001);
  g_assert_cmpfloat_with_epsilon (vireo_domain_get_disk_write_rate (d), 0, 0.001);
}

static void
test_memory_sources (void)
{
  /* No figure from guest or host: the allocation, said as such. */
  g_autoptr(VireoDomain) d = new_domain (&(Fake) { .state = 1, .us = 10 * SEC, .no_memory_used = TRUE, .no_io = TRUE });

  g_assert_false (vireo_domain_get_has_memory_used (d));
  g_assert_false (vireo_domain_get_has_disk_io (d));
  g_assert_false (vireo_domain_get_has_net_io (d));
  g_assert_cmpuint (vireo_domain_get_memory_used_kib (d), ==, 2 * 1024 * 1024);
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_memory_history (d)), 2 * 1024 * 1024, 0.001);

  /* Once a real figure comes, it is used... */
  apply (d, &(Fake) { .state = 1, .us = 12 * SEC, .used_kib = 300 * 1024, .no_io = TRUE });
  g_assert_true (vireo_domain_get_has_memory_used (d));
  g_assert_cmpuint (vireo_domain_get_memory_used_kib (d), ==, 300 * 1024);
  g_assert_cmpuint (len (vireo_domain_get_memory_history (d)), ==, 2);

  /* ...and an event's refresh (GetInfo only) between two samples draws no
   * dip to the allocation. */
  apply (d, &(Fake) { .state = 1, .us = 13 * SEC, .no_memory_used = TRUE, .no_io = TRUE });
  g_assert_cmpuint (vireo_domain_get_memory_used_kib (d), ==, 300 * 1024);
  g_assert_cmpuint (len (vireo_domain_get_memory_history (d)), ==, 2);

  /* A sample read before the last one but applied after it (a refresh on
   * the other worker) teaches nothing about rates. */
  apply (d, &(Fake) { .state = 1, .us = 14 * SEC, .cpu_ns = 1000000000, .no_io = TRUE });
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_cpu_history (d)), 50, 0.001);
  apply (d, &(Fake) { .state = 1, .us = 13 * SEC + SEC / 2, .cpu_ns = 1000, .no_io = TRUE });
  apply (d, &(Fake) { .state = 1, .us = 16 * SEC, .cpu_ns = 3000000000, .no_io = TRUE });
  g_assert_cmpfloat_with_epsilon (newest (vireo_domain_get_cpu_history (d)), 50, 0.001);
  g_assert_cmpfloat_with_epsilon (vireo_history_get_max (vireo_domain_get_cpu_history (d)), 50, 0.001);
}

/* ------------------------------------------------------------------------ */
/* Parsing bulk statistics                                                   */

static void
add_param (GArray     *params,
           const char *field,
           guint64     value)
{
  virTypedParameter p = { 0 };

  g_strlcpy (p.field, field, sizeof p.field);
  p.type = VIR_TYPED_PARAM_ULLONG;
  p.value.ul = value;
  g_array_append_val (params, p);
}

static VireoDomainSample *
parse (GArray *params)
{
  VireoDomainSample *s = g_new0 (VireoDomainSample, 1);

  _vireo_domain_sample_read_stats (s, (virTypedParameter *) (gpointer) params->data, (int) params->len);
  return s;
}

static void
test_parse_stats (void)
{
  g_autoptr(GArray) qemu = g_array_new (FALSE, TRUE, sizeof (virTypedParameter));
  g_autoptr(GArray) guest = g_array_new (FALSE, TRUE, sizeof (virTypedParameter));
  g_autoptr(GArray) test = g_array_new (FALSE, TRUE, sizeof (virTypedParameter));
  g_autoptr(GArray) bare = g_array_new (FALSE, TRUE, sizeof (virTypedParameter));
  g_autoptr(VireoDomainSample) s = NULL;

  /* What QEMU reported for a running TCG guest with no balloon driver
   * (virsh domstats, libvirt 9.0), two disks and two NICs. */
  add_param (qemu, "state.state", 1);
  add_param (qemu, "cpu.time", 450000000);
  add_param (qemu, "balloon.current", 98304);
  add_param (qemu, "balloon.maximum", 98304);
  add_param (qemu, "balloon.rss", 48576);
  add_param (qemu, "vcpu.current", 1);
  add_param (qemu, "net.count", 2);
  add_param (qemu, "net.0.rx.bytes", 90);
  add_param (qemu, "net.0.rx.pkts", 1);
  add_param (qemu, "net.0.tx.bytes", 10);
  add_param (qemu, "net.1.rx.bytes", 1000);
  add_param (qemu, "net.1.tx.bytes", 20);
  add_param (qemu, "block.count", 2);
  add_param (qemu, "block.0.rd.reqs", 1);
  add_param (qemu, "block.0.rd.bytes", 512);
  add_param (qemu, "block.0.wr.bytes", 0);
  add_param (qemu, "block.0.capacity", 16777216);
  add_param (qemu, "block.1.rd.bytes", 4096);
  add_param (qemu, "block.1.wr.bytes", 8192);
  add_param (qemu, "block.1.wr.times", 77);
  s = parse (qemu);
  g_assert_true (s->has_cpu && s->has_info && s->has_block && s->has_net);
  g_assert_cmpuint (s->block_rd_bytes, ==, 4608);
  g_assert_cmpuint (s->block_wr_bytes, ==, 8192);
  g_assert_cmpuint (s->net_rx_bytes, ==, 1090);
  g_assert_cmpuint (s->net_tx_bytes, ==, 30);
  g_assert_cmpuint (s->block_count, ==, 2);
  g_assert_cmpuint (s->net_count, ==, 2);
  /* The host's figure for what the guest touched. */
  g_assert_true (s->has_memory_used);
  g_assert_cmpuint (s->memory_used_kib, ==, 48576);
  g_clear_pointer (&s, vireo_domain_sample_free);

  /* A guest whose balloon driver reports: its own view wins over the
   * host's, caches not counted as used. */
  add_param (guest, "state.state", 1);
  add_param (guest, "balloon.current", 2097152);
  add_param (guest, "balloon.maximum", 2097152);
  add_param (guest, "balloon.rss", 2200000);
  add_param (guest, "balloon.available", 2000000);
  add_param (guest, "balloon.unused", 100000);
  add_param (guest, "balloon.usable", 1500000);
  s = parse (guest);
  g_assert_true (s->has_memory_used);
  g_assert_cmpuint (s->memory_used_kib, ==, 500000);
  g_clear_pointer (&s, vireo_domain_sample_free);
  g_array_remove_index (guest, guest->len - 1);   /* no "usable": MemFree */
  s = parse (guest);
  g_assert_cmpuint (s->memory_used_kib, ==, 1900000);
  g_clear_pointer (&s, vireo_domain_sample_free);
  g_array_set_size (guest, 4);                     /* rss only: capped at what it was given */
  s = parse (guest);
  g_assert_cmpuint (s->memory_used_kib, ==, 2097152);
  g_clear_pointer (&s, vireo_domain_sample_free);

  /* The test driver: a state, nothing else. */
  add_param (test, "state.state", 1);
  add_param (test, "state.reason", 0);
  s = parse (test);
  g_assert_false (s->has_cpu || s->has_info || s->has_block || s->has_net || s->has_memory_used);
  g_clear_pointer (&s, vireo_domain_sample_free);

  /* A guest without disks or NICs still has its I/O reported, as zero. */
  add_param (bare, "block.count", 0);
  add_param (bare, "net.count", 0);
  s = parse (bare);
  g_assert_true (s->has_block && s->has_net);
  g_assert_cmpuint (s->block_rd_bytes + s->net_rx_bytes, ==, 0);
}

/* ------------------------------------------------------------------------ */
/* libvirt's test driver                                                     */

static gboolean
has_two_cpu_points (gpointer data)
{
  return vireo_history_get_length (vireo_domain_get_cpu_history (data)) >= 1 &&
         vireo_history_get_length (vireo_domain_get_memory_history (data)) >= 2;
}

static void
test_test_driver_reports (void)
{
  g_autoptr(VireoConnection) conn = vireo_test_open_connection ("test:///default", 1);
  VireoDomain *d = vireo_test_find_domain (conn, "test");

  g_assert_nonnull (d);
  g_assert_true (vireo_domain_get_active (d));
  vireo_test_wait_for (has_two_cpu_points, d, 10, "two samples of the test domain");

  /* CPU and memory through virDomainGetInfo; no disk, network or guest
   * memory figures: the driver has none. */
  g_assert_true (vireo_domain_get_has_stats (d));
  g_assert_true (vireo_domain_get_has_cpu (d));
  g_assert_cmpfloat (vireo_domain_get_cpu_percent (d), >=, 0);
  g_assert_cmpfloat (vireo_domain_get_cpu_percent (d), <=, 100);
  g_assert_false (vireo_domain_get_has_disk_io (d));
  g_assert_false (vireo_domain_get_has_net_io (d));
  g_assert_false (vireo_domain_get_has_memory_used (d));
  g_assert_cmpfloat (vireo_domain_get_disk_read_rate (d), <, 0);
  g_assert_cmpfloat (vireo_domain_get_net_tx_rate (d), <, 0);
  g_assert_cmpuint (vireo_history_get_length (vireo_domain_get_disk_read_history (d)), ==, 0);
  /* test:///default gives "test" 2 GiB. */
  g_assert_cmpuint (vireo_domain_get_memory_used_kib (d), ==, 2097152);
  g_assert_cmpuint (vireo_domain_get_memory_used_kib (d), ==, vireo_domain_get_memory_kib (d));

  vireo_connection_close (conn);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

  g_test_add_func ("/performance/split-rates", test_split_rates);
  g_test_add_func ("/performance/counter-reset", test_counter_reset);
  g_test_add_func ("/performance/stop-start", test_stop_start);
  g_test_add_func ("/performance/memory-sources", test_memory_sources);
  g_test_add_func ("/performance/parse-stats", test_parse_stats);
  g_test_add_func ("/performance/test-driver", test_test_driver_reports);

  ret = g_test_run ();
  g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
  return ret;
}
