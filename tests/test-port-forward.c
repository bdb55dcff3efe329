/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-interface.h"
#include "vireo-port-forward.h"
#include "vireo-test-model.h"

/* libvirt's own example of passt forwards (formatdomain, "Userspace (SLIRP
 * or passt) connection"), with things Vireo does not know on the forward
 * and on a range, and a second passt card. */
static const char domain_xml[] =
  "<domain type=\"qemu\">\n"
  "  <name>passt</name>\n"
  "  <devices>\n"
  "    <interface type=\"user\" vireo-future=\"1\">\n"
  "      <mac address=\"52:54:00:a8:33:fc\"/>\n"
  "      <ip address=\"192.168.221.122\" family=\"ipv4\"/>\n"
  "      <portForward address=\"10.0.0.1\" proto=\"tcp\" dev=\"eth0\" vireo-note=\"keep\">\n"
  "        <range start=\"2022\" to=\"22\"/>\n"
  "        <range start=\"5000\" end=\"5099\" to=\"1000\" vireo-weight=\"3\"/>\n"
  "        <range start=\"5010\" end=\"5029\" exclude=\"yes\"/>\n"
  "        <vireo-comment text=\"mine\"/>\n"
  "      </portForward>\n"
  "      <portForward proto=\"udp\">\n"
  "        <range start=\"10101\"/>\n"
  "      </portForward>\n"
  "      <model type=\"virtio\"/>\n"
  "      <backend type=\"passt\" logFile=\"/tmp/xyzzy.log\"/>\n"
  "    </interface>\n"
  "    <interface type=\"user\">\n"
  "      <mac address=\"52:54:00:a8:33:fd\"/>\n"
  "      <model type=\"virtio\"/>\n"
  "      <backend type=\"passt\"/>\n"
  "    </interface>\n"
  "    <interface type=\"network\">\n"
  "      <mac address=\"52:54:00:a8:33:fe\"/>\n"
  "      <source network=\"default\"/>\n"
  "      <model type=\"virtio\"/>\n"
  "    </interface>\n"
  "  </devices>\n"
  "</domain>\n";

static VireoInterface *
nic_at (VireoDomainConfig *config,
        guint              position)
{
  g_autoptr(GListModel) devices = vireo_domain_config_list_devices (config);
  g_autoptr(VireoDevice) device = g_list_model_get_item (devices, position);

  g_assert_true (VIREO_IS_INTERFACE (device));
  /* The config keeps it alive. */
  return VIREO_INTERFACE (device);
}

static VireoPortForward *
simple (const char *proto,
        const char *address,
        const char *host,
        const char *guest)
{
  VireoPortForward *forward = vireo_port_forward_new ("tcp");
  g_autoptr(GError) error = NULL;

  g_assert_true (vireo_port_forward_set_simple (forward, proto, address, host, guest, NULL, &error));
  g_assert_no_error (error);
  return forward;
}

static void
test_read (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (domain_xml);
  g_autoptr(GPtrArray) forwards = vireo_interface_dup_port_forwards (nic_at (config, 0));
  g_autoptr(GPtrArray) none = vireo_interface_dup_port_forwards (nic_at (config, 1));
  const VireoPortForward *tcp;
  const VireoPortForward *udp;
  const VireoPortRange *range;

  g_assert_cmpuint (forwards->len, ==, 2);
  g_assert_cmpuint (none->len, ==, 0);
  tcp = forwards->pdata[0];
  udp = forwards->pdata[1];
  g_assert_cmpstr (tcp->proto, ==, "tcp");
  g_assert_cmpstr (tcp->address, ==, "10.0.0.1");
  g_assert_cmpstr (tcp->dev, ==, "eth0");
  g_assert_cmpuint (tcp->ranges->len, ==, 3);
  range = &g_array_index (tcp->ranges, VireoPortRange, 1);
  g_assert_cmpuint (range->start, ==, 5000);
  g_assert_cmpuint (range->end, ==, 5099);
  g_assert_cmpuint (range->to, ==, 1000);
  g_assert_false (range->exclude);
  g_assert_true (g_array_index (tcp->ranges, VireoPortRange, 2).exclude);
  g_assert_false (vireo_port_forward_is_simple (tcp));
  g_assert_null (vireo_port_forward_dup_host_ports (tcp));

  g_assert_cmpstr (udp->proto, ==, "udp");
  g_assert_null (udp->address);
  g_assert_true (vireo_port_forward_is_simple (udp));
  {
    g_autofree char *host = vireo_port_forward_dup_host_ports (udp);
    g_autofree char *guest = vireo_port_forward_dup_guest_port (udp);

    g_assert_cmpstr (host, ==, "10101");
    g_assert_null (guest);   /* the port number stays */
  }
  g_assert_true (vireo_port_forward_validate (tcp, NULL, NULL));
  g_assert_true (vireo_port_forward_validate (udp, NULL, NULL));

  g_assert_true (vireo_interface_get_passt (nic_at (config, 0)));
  g_assert_true (vireo_interface_get_passt (nic_at (config, 1)));
  g_assert_false (vireo_interface_get_passt (nic_at (config, 2)));
  g_assert_true (vireo_interface_can_forward_ports (nic_at (config, 0), NULL));
}

static void
test_summary (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (domain_xml);
  g_autoptr(GPtrArray) forwards = vireo_interface_dup_port_forwards (nic_at (config, 0));
  struct {
    VireoPortForward *forward;
    const char       *summary;
  } cases[] = {
    { simple ("tcp", NULL, "2222", "22"), "TCP host 2222 → guest 22" },
    { simple ("udp", "", "10101", ""), "UDP host 10101 → guest 10101" },
    { simple ("tcp", "::1", "8000-8009", "80"), "TCP host [::1]:8000–8009 → guest 80–89" },
    { simple ("tcp", "127.0.0.1", "8080", NULL), "TCP host 127.0.0.1:8080 → guest 8080" },
    { vireo_port_forward_new ("tcp"), "TCP host every port → guest the same port" },
    { vireo_port_forward_copy (forwards->pdata[0]),
      "TCP host 10.0.0.1:2022, 5000–5099 except 5010–5029 → guest 22, 1000–1099" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *summary = vireo_port_forward_dup_summary (cases[i].forward);

      g_assert_cmpstr (summary, ==, cases[i].summary);
      vireo_port_forward_free (cases[i].forward);
    }
}

/* Read and written back: every byte as it was, and replacing a forward
 * with itself is no edit at all. */
static void
test_roundtrip (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (domain_xml);
  g_autofree char *before = vireo_domain_config_to_xml (config);
  VireoInterface *nic = nic_at (config, 0);
  g_autoptr(GPtrArray) forwards = vireo_interface_dup_port_forwards (nic);
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_assert_cmpstr (before, ==, domain_xml);
  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);
  for (guint i = 0; i < forwards->len; i++)
    {
      g_assert_true (vireo_interface_replace_port_forward (nic, i, forwards->pdata[i], NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (changed, ==, 0);
  assert_edit (config, before, (const char *[]) { NULL });
}

static void
test_add (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (domain_xml);
  g_autofree char *before = vireo_domain_config_to_xml (config);
  VireoInterface *nic = nic_at (config, 1);
  g_autoptr(VireoPortForward) ssh = simple ("tcp", NULL, "2222", "22");
  g_autoptr(VireoPortForward) dns = simple ("udp", "::1", "5353", NULL);
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);
  g_assert_true (vireo_interface_add_port_forward (nic, ssh, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  /* Where libvirt writes it: after the MAC, before the model; indented
   * like its siblings, its range one step further. */
  assert_edit (config, before, (const char *[]) {
    "      <mac address=\"52:54:00:a8:33:fd\"/>\n",
    "      <mac address=\"52:54:00:a8:33:fd\"/>\n"
    "      <portForward proto=\"tcp\">\n"
    "        <range start=\"2222\" to=\"22\"/>\n"
    "      </portForward>\n",
    NULL });

  /* The next one after it. */
  g_assert_true (vireo_interface_add_port_forward (nic, dns, NULL, &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char *[]) {
    "      <mac address=\"52:54:00:a8:33:fd\"/>\n",
    "      <mac address=\"52:54:00:a8:33:fd\"/>\n"
    "      <portForward proto=\"tcp\">\n"
    "        <range start=\"2222\" to=\"22\"/>\n"
    "      </portForward>\n"
    "      <portForward address=\"::1\" proto=\"udp\">\n"
    "        <range start=\"5353\"/>\n"
    "      </portForward>\n",
    NULL });
  {
    g_autoptr(GPtrArray) forwards = vireo_interface_dup_port_forwards (nic);

    g_assert_cmpuint (forwards->len, ==, 2);
    g_assert_true (vireo_port_forward_equal (forwards->pdata[0], ssh));
    g_assert_true (vireo_port_forward_equal (forwards->pdata[1], dns));
  }
}

/* Editing one forward rewrites that element in place: its unknown
 * attribute and child, and the unknown attribute of a range it keeps,
 * stay; the other forward and the rest of the card do not move. */
static void
test_edit_in_place (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (domain_xml);
  g_autofree char *before = vireo_domain_config_to_xml (config);
  VireoInterface *nic = nic_at (config, 0);
  g_autoptr(GPtrArray) forwards = vireo_interface_dup_port_forwards (nic);
  g_autoptr(VireoPortForward) edit = vireo_port_forward_copy (forwards->pdata[0]);
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);

  /* One range's guest port. */
  g_array_index (edit->ranges, VireoPortRange, 1).to = 2000;
  g_assert_true (vireo_interface_replace_port_forward (nic, 0, edit, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  assert_edit (config, before, (const char *[]) {
    "<range start=\"5000\" end=\"5099\" to=\"1000\" vireo-weight=\"3\"/>",
    "<range start=\"5000\" end=\"5099\" to=\"2000\" vireo-weight=\"3\"/>",
    NULL });

  /* Down to one simple rule, through the editor's fields: the ranges it
   * no longer has go with their lines; the first keeps its element. */
  g_assert_true (vireo_port_forward_set_simple (edit, "UDP", "", "2022", "", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (edit->dev, ==, "eth0");   /* not an editor field: kept */
  g_assert_true (vireo_interface_replace_port_forward (nic, 0, edit, NULL, &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char *[]) {
    "      <portForward address=\"10.0.0.1\" proto=\"tcp\" dev=\"eth0\" vireo-note=\"keep\">\n"
    "        <range start=\"2022\" to=\"22\"/>\n"
    "        <range start=\"5000\" end=\"5099\" to=\"1000\" vireo-weight=\"3\"/>\n"
    "        <range start=\"5010\" end=\"5029\" exclude=\"yes\"/>\n"
    "        <vireo-comment text=\"mine\"/>\n",
    "      <portForward proto=\"udp\" dev=\"eth0\" vireo-note=\"keep\">\n"
    "        <range start=\"2022\"/>\n"
    "        <vireo-comment text=\"mine\"/>\n",
    NULL });

  /* Back to a range that moves ports: the attributes it needs are added
   * to the range element that is there. */
  g_assert_true (vireo_port_forward_set_simple (edit, "tcp", "10.0.0.1", "5000-5099", "1000", NULL, &error));
  g_assert_true (vireo_interface_replace_port_forward (nic, 0, edit, NULL, &error));
  g_assert_no_error (error);
  /* The address was taken off, so it comes back as a new attribute: last. */
  assert_edit (config, before, (const char *[]) {
    "<portForward address=\"10.0.0.1\" proto=\"tcp\" dev=\"eth0\" vireo-note=\"keep\">",
    "<portForward proto=\"tcp\" dev=\"eth0\" vireo-note=\"keep\" address=\"10.0.0.1\">",
    "        <range start=\"2022\" to=\"22\"/>\n"
    "        <range start=\"5000\" end=\"5099\" to=\"1000\" vireo-weight=\"3\"/>\n"
    "        <range start=\"5010\" end=\"5029\" exclude=\"yes\"/>\n",
    "        <range start=\"5000\" end=\"5099\" to=\"1000\"/>\n",
    NULL });
}

/* A range written by hand as "022" is 22: rewritten with the same value,
 * it stays as it was typed. Only what changes is written. */
static void
test_edit_keeps_spelling (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (
    "<domain type=\"qemu\">\n"
    "  <name>spelling</name>\n"
    "  <devices>\n"
    "    <interface type=\"user\">\n"
    "      <portForward proto=\"tcp\">\n"
    "        <range start=\"0022\" exclude=\"no\"/>\n"
    "      </portForward>\n"
    "      <backend type=\"passt\"/>\n"
    "    </interface>\n"
    "  </devices>\n"
    "</domain>\n");
  g_autofree char *before = vireo_domain_config_to_xml (config);
  VireoInterface *nic = nic_at (config, 0);
  g_autoptr(GPtrArray) forwards = vireo_interface_dup_port_forwards (nic);
  g_autoptr(VireoPortForward) edit = vireo_port_forward_copy (forwards->pdata[0]);
  g_autoptr(GError) error = NULL;

  g_array_index (edit->ranges, VireoPortRange, 0).to = 2222;
  g_assert_true (vireo_interface_replace_port_forward (nic, 0, edit, NULL, &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char *[]) {
    "<range start=\"0022\" exclude=\"no\"/>",
    "<range start=\"0022\" exclude=\"no\" to=\"2222\"/>",
    NULL });
}

static void
test_remove (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (domain_xml);
  g_autofree char *before = vireo_domain_config_to_xml (config);
  VireoInterface *nic = nic_at (config, 0);
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);
  g_assert_false (vireo_interface_remove_port_forward (nic, 2));
  g_assert_cmpuint (changed, ==, 0);
  g_assert_true (vireo_interface_remove_port_forward (nic, 1));
  g_assert_cmpuint (changed, ==, 1);
  assert_edit (config, before, (const char *[]) {
    "      <portForward proto=\"udp\">\n"
    "        <range start=\"10101\"/>\n"
    "      </portForward>\n",
    "",
    NULL });
  g_assert_true (vireo_interface_remove_port_forward (nic, 0));
  {
    g_autofree char *after = vireo_domain_config_to_xml (config);

    g_assert_null (strstr (after, "portForward"));
    g_assert_nonnull (strstr (after, "      <ip address=\"192.168.221.122\" family=\"ipv4\"/>\n"
                                     "      <model type=\"virtio\"/>\n"));
  }
}

typedef struct
{
  const char            *proto;
  const char            *address;
  const char            *host;
  const char            *guest;
  VireoPortForwardField  field;
  const char            *message;
} BadFields;

/* Text from an editor's fields that cannot make a forward: refused with a
 * message naming the field, the forward untouched. */
static void
test_bad_fields (void)
{
  static const BadFields cases[] = {
    { "tcp", NULL, "0", NULL, VIREO_PORT_FORWARD_FIELD_HOST_PORTS,
      "Host port: “0” is not a port from 1 to 65535 or a range like 5000-5099." },
    { "tcp", NULL, "65536", NULL, VIREO_PORT_FORWARD_FIELD_HOST_PORTS, "Host port: “65536” is not a port" },
    { "tcp", NULL, "ssh", NULL, VIREO_PORT_FORWARD_FIELD_HOST_PORTS, "Host port: “ssh” is not a port" },
    { "tcp", NULL, "5000-", NULL, VIREO_PORT_FORWARD_FIELD_HOST_PORTS, "Host port: “5000-” is not a port" },
    { "tcp", NULL, "", NULL, VIREO_PORT_FORWARD_FIELD_HOST_PORTS, "Host port: “” is not a port" },
    { "tcp", NULL, "5099-5000", NULL, VIREO_PORT_FORWARD_FIELD_HOST_PORTS,
      "Host port: the range 5099–5000 ends before it starts." },
    { "tcp", NULL, "2222", "0", VIREO_PORT_FORWARD_FIELD_GUEST_PORT,
      "Guest port: must be a whole number from 1 to 65535." },
    { "tcp", NULL, "2222", "http", VIREO_PORT_FORWARD_FIELD_GUEST_PORT, "Guest port: must be a whole number" },
    { "tcp", NULL, "60000-60100", "65500", VIREO_PORT_FORWARD_FIELD_GUEST_PORT,
      "Guest port: 101 host ports from guest port 65500 run past port 65535." },
    { "icmp", NULL, "2222", NULL, VIREO_PORT_FORWARD_FIELD_PROTO, "Protocol: must be TCP or UDP, not “icmp”." },
    { "tcp", "10.0.0", "2222", NULL, VIREO_PORT_FORWARD_FIELD_ADDRESS,
      "Host address: “10.0.0” is not an IPv4 or IPv6 address." },
    { "tcp", "fe80::1%eth0", "2222", NULL, VIREO_PORT_FORWARD_FIELD_ADDRESS, "Host address: “fe80::1%eth0”" },
    { "tcp", "localhost", "2222", NULL, VIREO_PORT_FORWARD_FIELD_ADDRESS, "Host address: “localhost”" },
    { "tcp", "10.0.0.1/24", "2222", NULL, VIREO_PORT_FORWARD_FIELD_ADDRESS, "Host address: “10.0.0.1/24”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoPortForward) forward = simple ("udp", "127.0.0.1", "53", "5353");
      g_autoptr(VireoPortForward) was = vireo_port_forward_copy (forward);
      g_autoptr(GError) error = NULL;
      VireoPortForwardField field = VIREO_PORT_FORWARD_FIELD_NONE;

      g_assert_false (vireo_port_forward_set_simple (forward, cases[i].proto, cases[i].address,
                                                     cases[i].host, cases[i].guest, &field, &error));
      g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
      if (!g_str_has_prefix (error->message, cases[i].message))
        g_error ("case %u: “%s” does not start with “%s”", i, error->message, cases[i].message);
      g_assert_cmpint (field, ==, cases[i].field);
      g_assert_true (vireo_port_forward_equal (forward, was));
    }
}

static void
test_parse_ports (void)
{
  struct { const char *text; guint start, end; } good[] = {
    { "22", 22, 0 }, { " 5000-5099 ", 5000, 5099 }, { "5000–5099", 5000, 5099 },
    { "5000 - 5099", 5000, 5099 }, { "22-22", 22, 0 }, { "65535", 65535, 0 },
  };
  const char *bad[] = { "0", "65536", "-5", "5-", "1.5", "+22", "22,23", "0x16", "", "–" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      guint start = 0, end = 1;
      g_autoptr(GError) error = NULL;

      g_assert_true (vireo_port_forward_parse_ports (good[i].text, &start, &end, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (start, ==, good[i].start);
      g_assert_cmpuint (end, ==, good[i].end);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint start = 0, end = 0;
      g_autoptr(GError) error = NULL;

      if (vireo_port_forward_parse_ports (bad[i], &start, &end, &error))
        g_error ("“%s” was taken as %u-%u", bad[i], start, end);
      g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
    }
}

/* Rules a hand-written document may hold, which the editor fields never
 * make: checked the same way. */
static void
test_validate_ranges (void)
{
  struct {
    guint                  start, end, to;
    gboolean               exclude;
    guint                  start2;
    VireoPortForwardField  field;
    const char            *message;
  } cases[] = {
    { 5000, 5099, 0, FALSE, 5050, VIREO_PORT_FORWARD_FIELD_HOST_PORTS,
      "Host port: port 5050 is in two ranges of this rule." },
    { 5000, 5099, 22, TRUE, 0, VIREO_PORT_FORWARD_FIELD_GUEST_PORT,
      "Guest port: ports left out (5000–5099) cannot go to the guest." },
    { 70000, 0, 0, FALSE, 0, VIREO_PORT_FORWARD_FIELD_HOST_PORTS, "Host port: must be a whole number" },
    { 22, 70000, 0, FALSE, 0, VIREO_PORT_FORWARD_FIELD_HOST_PORTS, "Host port: must be a whole number" },
    { 22, 0, 70000, FALSE, 0, VIREO_PORT_FORWARD_FIELD_GUEST_PORT, "Guest port: must be a whole number" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoPortForward) forward = vireo_port_forward_new ("tcp");
      g_autoptr(GError) error = NULL;
      VireoPortForwardField field = VIREO_PORT_FORWARD_FIELD_NONE;

      vireo_port_forward_add_range (forward, cases[i].start, cases[i].end, cases[i].to, cases[i].exclude);
      if (cases[i].start2 != 0)
        vireo_port_forward_add_range (forward, cases[i].start2, 0, 0, FALSE);
      g_assert_false (vireo_port_forward_validate (forward, &field, &error));
      if (!g_str_has_prefix (error->message, cases[i].message))
        g_error ("case %u: “%s” does not start with “%s”", i, error->message, cases[i].message);
      g_assert_cmpint (field, ==, cases[i].field);
    }

  /* Only left-out ports: every other port goes to the guest. */
  {
    g_autoptr(VireoPortForward) all_but = vireo_port_forward_new ("udp");

    vireo_port_forward_add_range (all_but, 53, 0, 0, TRUE);
    g_assert_true (vireo_port_forward_validate (all_but, NULL, NULL));
  }
}

/* Two forwards cannot listen on one host port: same protocol and
 * addresses that meet. The document is left as it was. */
static void
test_duplicates (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (domain_xml);
  g_autofree char *before = vireo_domain_config_to_xml (config);
  VireoInterface *nic = nic_at (config, 0);
  VireoInterface *second = nic_at (config, 1);
  struct {
    VireoInterface *card;
    const char     *proto, *address, *host, *guest;
    const char     *message;   /* NULL: taken */
  } cases[] = {
    /* 2022 goes to the guest from 10.0.0.1; every address includes it. */
    { nic, "tcp", NULL, "2022", "2022", "Host port: 2022 (TCP) is already forwarded by another rule." },
    { nic, "tcp", "10.0.0.1", "2000-2100", NULL, "Host port: 2022 (TCP) is already forwarded by another rule." },
    { nic, "tcp", "0.0.0.0", "5099", NULL, "Host port: 5099 (TCP) is already forwarded by another rule." },
    { nic, "udp", NULL, "10101", "53", "Host port: 10101 (UDP) is already forwarded by another rule." },
    /* From another card of the same machine. */
    { second, "udp", "::1", "10100-10200", NULL,
      "Host port: 10101 (UDP) is already forwarded by NIC 52:54:00:a8:33:fc." },
    /* Left out of the first forward: free. */
    { nic, "tcp", NULL, "5010", NULL, NULL },
    /* Another protocol, another address: free. */
    { nic, "udp", NULL, "2022", NULL, NULL },
    { nic, "tcp", "10.0.0.2", "2022", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoPortForward) forward = simple (cases[i].proto, cases[i].address, cases[i].host, cases[i].guest);
      g_autoptr(GError) error = NULL;
      VireoPortForwardField field = VIREO_PORT_FORWARD_FIELD_NONE;
      g_autofree char *after = NULL;
      gboolean added = vireo_interface_add_port_forward (cases[i].card, forward, &field, &error);

      if (cases[i].message == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (added);
          /* Taken back out, so the next case starts from the fixture. */
          {
            g_autoptr(GPtrArray) forwards = vireo_interface_dup_port_forwards (cases[i].card);
            g_assert_true (vireo_interface_remove_port_forward (cases[i].card, forwards->len - 1));
          }
        }
      else
        {
          g_assert_false (added);
          g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
          g_assert_cmpstr (error->message, ==, cases[i].message);
          g_assert_cmpint (field, ==, VIREO_PORT_FORWARD_FIELD_HOST_PORTS);
        }
      after = vireo_domain_config_to_xml (config);
      g_assert_cmpstr (after, ==, before);
    }

  /* A forward may overlap the one it replaces. */
  {
    g_autoptr(VireoPortForward) wider = simple ("udp", NULL, "10100-10102", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (vireo_interface_replace_port_forward (nic, 1, wider, NULL, &error));
    g_assert_no_error (error);
  }
}

/* Port forwarding is passt's: refused on any other card, with a reason
 * an editor can show. */
static void
test_needs_passt (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (domain_xml);
  g_autofree char *before = vireo_domain_config_to_xml (config);
  VireoInterface *network = nic_at (config, 2);
  g_autoptr(VireoPortForward) ssh = simple ("tcp", NULL, "2222", "22");
  g_autoptr(GError) error = NULL;
  VireoPortForwardField field = VIREO_PORT_FORWARD_FIELD_HOST_PORTS;
  g_autofree char *after = NULL;

  g_assert_false (vireo_interface_can_forward_ports (network, &error));
  g_assert_cmpstr (error->message, ==, "Ports are forwarded only by usermode networking with the passt backend.");
  g_clear_error (&error);
  g_assert_false (vireo_interface_add_port_forward (network, ssh, &field, &error));
  g_assert_error (error, VIREO_MODEL_ERROR, VIREO_MODEL_ERROR_INVALID);
  g_assert_cmpint (field, ==, VIREO_PORT_FORWARD_FIELD_NONE);
  g_clear_error (&error);
  g_assert_false (vireo_interface_set_passt (network, TRUE, &error));
  g_assert_cmpstr (error->message, ==, "passt is a backend of usermode networking: connect the card to Usermode first.");
  g_clear_error (&error);
  after = vireo_domain_config_to_xml (config);
  g_assert_cmpstr (after, ==, before);

  /* Usermode without passt: QEMU's SLIRP, which libvirt 9.0 gives no
   * forwards at all. */
  vireo_interface_set_source (network, "user", NULL, NULL);
  g_assert_false (vireo_interface_can_forward_ports (network, &error));
  g_assert_cmpstr (error->message, ==, "Usermode networking forwards ports only with the passt backend.");
  g_clear_error (&error);
  g_assert_false (vireo_interface_add_port_forward (network, ssh, NULL, &error));
  g_clear_error (&error);

  g_assert_true (vireo_interface_set_passt (network, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (vireo_interface_add_port_forward (network, ssh, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_free);
  after = vireo_domain_config_to_xml (config);
  g_assert_nonnull (strstr (after,
                            "    <interface type=\"user\">\n"
                            "      <mac address=\"52:54:00:a8:33:fe\"/>\n"
                            "      <portForward proto=\"tcp\">\n"
                            "        <range start=\"2222\" to=\"22\"/>\n"
                            "      </portForward>\n"
                            "      <model type=\"virtio\"/>\n"
                            "      <backend type=\"passt\"/>\n"
                            "    </interface>\n"));
}

/* passt on and off: <backend> where libvirt writes it, and on the way out
 * only what is passt's goes; the card's other attributes and children,
 * and its forwards, stay. */
static void
test_passt_on_off (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (domain_xml);
  g_autofree char *before = vireo_domain_config_to_xml (config);
  VireoInterface *nic = nic_at (config, 0);
  VireoInterface *second = nic_at (config, 1);
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (on_changed), &changed);
  g_assert_true (vireo_interface_set_passt (nic, TRUE, &error));
  g_assert_cmpuint (changed, ==, 0);

  g_assert_true (vireo_interface_set_passt (nic, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_false (vireo_interface_get_passt (nic));
  assert_edit (config, before, (const char *[]) {
    "      <model type=\"virtio\"/>\n"
    "      <backend type=\"passt\" logFile=\"/tmp/xyzzy.log\"/>\n",
    "      <model type=\"virtio\"/>\n",
    NULL });
  {
    g_autoptr(GPtrArray) forwards = vireo_interface_dup_port_forwards (nic);
    g_assert_cmpuint (forwards->len, ==, 2);
  }

  g_assert_true (vireo_interface_set_passt (nic, TRUE, &error));
  g_assert_no_error (error);
  assert_edit (config, before, (const char *[]) {
    "<backend type=\"passt\" logFile=\"/tmp/xyzzy.log\"/>", "<backend type=\"passt\"/>", NULL });

  /* Something on <backend> Vireo does not know keeps the element. */
  g_assert_true (vireo_device_set_xml (VIREO_DEVICE (second),
                                       "<interface type=\"user\">\n"
                                       "  <mac address=\"52:54:00:a8:33:fd\"/>\n"
                                       "  <backend type=\"passt\" vireo-tuning=\"fast\"/>\n"
                                       "</interface>", &error));
  g_assert_no_error (error);
  g_assert_true (vireo_interface_set_passt (second, FALSE, &error));
  {
    g_autofree char *xml = vireo_device_to_xml (VIREO_DEVICE (second));
    g_assert_nonnull (strstr (xml, "<backend vireo-tuning=\"fast\"/>"));
  }
}

/* Away from usermode, passt goes (libvirt refuses it anywhere else); the
 * forwards stay for the user to take back or remove. */
static void
test_source_change_drops_passt (void)
{
  g_autoptr(VireoDomainConfig) config = open_inline (domain_xml);
  g_autofree char *before = vireo_domain_config_to_xml (config);
  VireoInterface *nic = nic_at (config, 0);

  vireo_interface_set_source (nic, "network", "default", NULL);
  g_assert_false (vireo_interface_get_passt (nic));
  assert_edit (config, before, (const char *[]) {
    "<interface type=\"user\" vireo-future=\"1\">", "<interface type=\"network\" vireo-future=\"1\">",
    "      <model type=\"virtio\"/>\n"
    "      <backend type=\"passt\" logFile=\"/tmp/xyzzy.log\"/>\n",
    "      <model type=\"virtio\"/>\n"
    "      <source network=\"default\"/>\n",
    NULL });
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/port-forward/read", test_read);
  g_test_add_func ("/port-forward/summary", test_summary);
  g_test_add_func ("/port-forward/roundtrip", test_roundtrip);
  g_test_add_func ("/port-forward/add", test_add);
  g_test_add_func ("/port-forward/edit-in-place", test_edit_in_place);
  g_test_add_func ("/port-forward/edit-keeps-spelling", test_edit_keeps_spelling);
  g_test_add_func ("/port-forward/remove", test_remove);
  g_test_add_func ("/port-forward/bad-fields", test_bad_fields);
  g_test_add_func ("/port-forward/parse-ports", test_parse_ports);
  g_test_add_func ("/port-forward/validate-ranges", test_validate_ranges);
  g_test_add_func ("/port-forward/duplicates", test_duplicates);
  g_test_add_func ("/port-forward/needs-passt", test_needs_passt);
  g_test_add_func ("/port-forward/passt-on-off", test_passt_on_off);
  g_test_add_func ("/port-forward/source-change-drops-passt", test_source_change_drops_passt);

  return g_test_run ();
}
