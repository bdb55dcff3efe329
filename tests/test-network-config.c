/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "vireo-network-config.h"

/*
 * Fixtures in tests/data/networks are networks as `virsh net-dumpxml
 * --inactive` prints them (full.xml adds what Vireo has no field for:
 * dnsmasq options, port groups, bandwidth, TFTP, leases, unknown
 * attributes). libxml2 writes attributes with double quotes, so a fixture
 * is compared with its apostrophes turned into quotes (none has an
 * apostrophe in a value).
 */

static char *
load (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "networks", name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) contents = NULL;
  g_autofree char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  contents = g_string_new (text);
  g_string_replace (contents, "'", "\"", 0);
  return g_string_free (g_steal_pointer (&contents), FALSE);
}

static VireoNetworkConfig *
parse (const char *xml)
{
  g_autoptr(GError) error = NULL;
  VireoNetworkConfig *config = vireo_network_config_new_from_xml (xml, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

/* @text with @from (which must occur exactly once) replaced by @to: the
 * expected document after an edit that touches only those lines. */
static char *
replaced (const char *text,
          const char *from,
          const char *to)
{
  g_autoptr(GString) out = g_string_new (text);
  const char *first = strstr (text, from);

  g_assert_nonnull (first);
  g_assert_null (strstr (first + 1, from));
  g_string_replace (out, from, to, 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_xml (VireoNetworkConfig *config,
            const char         *expected)
{
  g_autofree char *xml = vireo_network_config_to_xml (config);

  g_assert_cmpstr (xml, ==, expected);
}

static void
test_round_trip (void)
{
  const char *names[] = { "default.xml", "full.xml", "macvtap.xml" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *xml = load (names[i]);
      g_autoptr(VireoNetworkConfig) config = parse (xml);
      g_autoptr(VireoNetworkConfig) copy = vireo_network_config_dup (config);
      g_autofree char *out = vireo_network_config_to_xml (config);

      g_assert_cmpstr (out, ==, xml);
      assert_xml (copy, xml);
    }
}

static void
test_parse_errors (void)
{
  const char *bad[] = {
    "<network><name>x</name>",
    "<domain><name>x</name></domain>",
    "<!DOCTYPE network [<!ENTITY a 'b'>]><network><name>&a;</name></network>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VireoNetworkConfig) config = vireo_network_config_new_from_xml (bad[i], &error);

      g_assert_null (config);
      g_assert_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_PARSE);
    }
}

static void
test_read_default (void)
{
  g_autofree char *xml = load ("default.xml");
  g_autoptr(VireoNetworkConfig) config = parse (xml);
  g_autofree char *name = vireo_network_config_dup_name (config);
  g_autofree char *uuid = vireo_network_config_dup_uuid (config);
  g_autofree char *bridge = vireo_network_config_dup_bridge_name (config);
  g_autofree char *mac = vireo_network_config_dup_mac (config);
  g_autofree char *dev = vireo_network_config_dup_forward_dev (config);
  g_autoptr(VireoNetworkIp) ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
  g_autoptr(VireoNetworkIp) ip6 = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV6);
  g_auto(GStrv) subnets = vireo_network_config_dup_subnets (config);
  guint start, end;

  g_assert_cmpstr (name, ==, "default");
  g_assert_cmpstr (uuid, ==, "6e6a3b1c-5d37-4a5b-9a3b-7d0f2b8f3c11");
  g_assert_cmpint (vireo_network_config_get_mode (config), ==, VIREO_NETWORK_MODE_NAT);
  g_assert_cmpstr (bridge, ==, "virbr0");
  g_assert_true (vireo_network_config_get_stp (config));
  g_assert_cmpuint (vireo_network_config_get_delay (config), ==, 0);
  g_assert_cmpuint (vireo_network_config_get_mtu (config), ==, 0);
  g_assert_cmpstr (mac, ==, "52:54:00:0a:cd:21");
  g_assert_null (dev);
  g_assert_true (vireo_network_config_get_nat_ports (config, &start, &end));
  g_assert_cmpuint (start, ==, 1024);
  g_assert_cmpuint (end, ==, 65535);
  g_assert_false (vireo_network_config_get_nat_range (config, NULL, NULL));

  /* The netmask is read as a prefix. */
  g_assert_nonnull (ip);
  g_assert_cmpstr (ip->address, ==, "192.168.122.1");
  g_assert_cmpuint (ip->prefix, ==, 24);
  g_assert_cmpstr (ip->dhcp_start, ==, "192.168.122.2");
  g_assert_cmpstr (ip->dhcp_end, ==, "192.168.122.254");
  g_assert_cmpuint (ip->hosts->len, ==, 0);
  g_assert_null (ip6);

  g_assert_cmpuint (g_strv_length (subnets), ==, 1);
  g_assert_cmpstr (subnets[0], ==, "default=192.168.122.0/24");
  g_assert_true (vireo_network_config_validate (config, NULL, NULL));
}

static void
test_read_full (void)
{
  g_autofree char *xml = load ("full.xml");
  g_autoptr(VireoNetworkConfig) config = parse (xml);
  g_autofree char *dev = vireo_network_config_dup_forward_dev (config);
  g_autofree char *bridge = vireo_network_config_dup_bridge_name (config);
  gboolean local_only = FALSE;
  g_autofree char *domain = vireo_network_config_dup_domain_name (config, &local_only);
  g_autoptr(VireoNetworkIp) ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
  g_autoptr(VireoNetworkIp) ip6 = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV6);
  g_autoptr(GPtrArray) hosts = vireo_network_config_dup_dns_hosts (config);
  g_autoptr(GPtrArray) forwarders = vireo_network_config_dup_forwarders (config);
  g_autoptr(GPtrArray) srvs = vireo_network_config_dup_srvs (config);
  g_autoptr(GPtrArray) txts = vireo_network_config_dup_txts (config);
  g_autoptr(GPtrArray) routes = vireo_network_config_dup_routes (config);
  g_auto(GStrv) subnets = vireo_network_config_dup_subnets (config);
  const VireoNetworkDhcpHost *host;
  const VireoNetworkDnsHost *dns_host;
  const VireoNetworkForwarder *fwd;
  const VireoNetworkSrv *srv;
  const VireoNetworkRoute *route;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (vireo_network_config_get_mode (config), ==, VIREO_NETWORK_MODE_ROUTE);
  g_assert_cmpstr (dev, ==, "eth0");
  g_assert_cmpstr (bridge, ==, "virbr7");
  g_assert_false (vireo_network_config_get_stp (config));
  g_assert_cmpuint (vireo_network_config_get_delay (config), ==, 2);
  g_assert_cmpuint (vireo_network_config_get_mtu (config), ==, 9000);
  g_assert_cmpstr (domain, ==, "lab.example");
  g_assert_true (local_only);

  g_assert_cmpstr (ip->address, ==, "10.20.0.1");
  g_assert_cmpuint (ip->prefix, ==, 24);
  g_assert_cmpstr (ip->dhcp_start, ==, "10.20.0.100");
  g_assert_cmpstr (ip->dhcp_end, ==, "10.20.0.199");
  g_assert_cmpuint (ip->hosts->len, ==, 2);
  host = ip->hosts->pdata[0];
  g_assert_cmpstr (host->mac, ==, "52:54:00:aa:00:01");
  g_assert_cmpstr (host->name, ==, "alpha");
  g_assert_cmpstr (host->ip, ==, "10.20.0.11");

  g_assert_cmpstr (ip6->address, ==, "fd00:20::1");
  g_assert_cmpuint (ip6->prefix, ==, 64);
  g_assert_cmpuint (ip6->hosts->len, ==, 1);
  host = ip6->hosts->pdata[0];
  g_assert_cmpstr (host->id, ==, "0:3:0:1:0:16:3e:11:22:33");
  g_assert_null (host->mac);
  g_assert_cmpstr (host->ip, ==, "fd00:20::11");

  g_assert_cmpuint (hosts->len, ==, 1);
  dns_host = hosts->pdata[0];
  g_assert_cmpstr (dns_host->ip, ==, "10.20.0.10");
  g_assert_cmpuint (g_strv_length (dns_host->hostnames), ==, 2);
  g_assert_cmpstr (dns_host->hostnames[1], ==, "dir.lab.example");

  g_assert_cmpuint (forwarders->len, ==, 2);
  fwd = forwarders->pdata[1];
  g_assert_cmpstr (fwd->addr, ==, "198.51.100.1");
  g_assert_cmpstr (fwd->domain, ==, "corp.example");

  g_assert_cmpuint (srvs->len, ==, 1);
  srv = srvs->pdata[0];
  g_assert_cmpstr (srv->service, ==, "ldap");
  g_assert_cmpstr (srv->target, ==, "dir.lab.example");
  g_assert_cmpuint (srv->port, ==, 389);
  g_assert_cmpuint (srv->priority, ==, 10);
  g_assert_cmpuint (srv->weight, ==, 5);

  g_assert_cmpuint (txts->len, ==, 1);
  g_assert_cmpstr (((VireoNetworkTxt *) txts->pdata[0])->value, ==, "lab network");

  g_assert_cmpuint (routes->len, ==, 1);
  route = routes->pdata[0];
  g_assert_cmpstr (route->address, ==, "10.30.0.0");
  g_assert_cmpuint (route->prefix, ==, 16);
  g_assert_cmpstr (route->gateway, ==, "10.20.0.2");

  /* Every <ip>, the second IPv4 one too. */
  g_assert_cmpuint (g_strv_length (subnets), ==, 3);
  g_assert_cmpstr (subnets[0], ==, "lab=10.20.0.0/24");
  g_assert_cmpstr (subnets[1], ==, "lab=10.21.0.0/24");
  g_assert_cmpstr (subnets[2], ==, "lab=fd00:20::/64");

  vireo_network_config_validate (config, NULL, &error);
  g_assert_no_error (error);
}

static void
test_macvtap (void)
{
  g_autofree char *xml = load ("macvtap.xml");
  g_autoptr(VireoNetworkConfig) config = parse (xml);
  g_auto(GStrv) devs = vireo_network_config_dup_interfaces (config);
  g_autofree char *expected = NULL;
  const char *pool[] = { "eth2", "eth3", NULL };

  g_assert_cmpint (vireo_network_config_get_mode (config), ==, VIREO_NETWORK_MODE_MACVTAP);
  g_assert_cmpint (vireo_network_config_get_macvtap_mode (config), ==, VIREO_MACVTAP_MODE_VEPA);
  g_assert_cmpuint (g_strv_length (devs), ==, 2);
  g_assert_cmpstr (devs[1], ==, "eth2");
  g_assert_true (vireo_network_config_validate (config, NULL, NULL));

  /* eth1 goes, eth2 stays where it was, eth3 comes after it. */
  vireo_network_config_set_interfaces (config, pool);
  expected = replaced (xml, "    <interface dev=\"eth1\"/>\n    <interface dev=\"eth2\"/>\n",
                       "    <interface dev=\"eth2\"/>\n    <interface dev=\"eth3\"/>\n");
  assert_xml (config, expected);

  vireo_network_config_set_macvtap_mode (config, VIREO_MACVTAP_MODE_PASSTHROUGH);
  g_clear_pointer (&expected, g_free);
  {
    g_autofree char *step = replaced (xml, "    <interface dev=\"eth1\"/>\n    <interface dev=\"eth2\"/>\n",
                                      "    <interface dev=\"eth2\"/>\n    <interface dev=\"eth3\"/>\n");
    expected = replaced (step, "mode=\"vepa\"", "mode=\"passthrough\"");
  }
  assert_xml (config, expected);
  g_assert_cmpint (vireo_network_config_get_mode (config), ==, VIREO_NETWORK_MODE_MACVTAP);

  /* An empty pool is what validation names. */
  vireo_network_config_set_interfaces (config, NULL);
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (vireo_network_config_validate (config, NULL, &error));
    g_assert_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_INTERFACES);
  }
}

/* Setters on default.xml: each changes exactly its own lines. */
static void
test_setters_touch_their_lines (void)
{
  g_autofree char *xml = load ("default.xml");

  {
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autofree char *expected = replaced (xml, "<name>default</name>", "<name>lab2</name>");

    vireo_network_config_set_name (config, "lab2");
    assert_xml (config, expected);
  }
  {
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autofree char *expected = replaced (xml, "stp=\"on\" delay=\"0\"", "stp=\"off\" delay=\"4\"");

    vireo_network_config_set_stp (config, FALSE);
    vireo_network_config_set_delay (config, 4);
    assert_xml (config, expected);
  }
  {
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autofree char *expected = replaced (xml, "  <mac address", "  <mtu size=\"9000\"/>\n  <mac address");

    vireo_network_config_set_mtu (config, 9000);
    assert_xml (config, expected);
    vireo_network_config_set_mtu (config, 0);
    assert_xml (config, xml);
  }
  {
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autofree char *expected =
      replaced (xml, "  <ip address", "  <domain name=\"vm.test\" localOnly=\"yes\"/>\n  <ip address");

    vireo_network_config_set_domain_name (config, "vm.test", TRUE);
    assert_xml (config, expected);
  }
  {
    /* The same block written back changes nothing: the netmask stays. */
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autoptr(VireoNetworkIp) ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
    g_autofree char *expected = NULL;

    vireo_network_config_set_ip (config, VIREO_NETWORK_FAMILY_IPV4, ip);
    assert_xml (config, xml);

    /* A new prefix is written as a prefix. */
    ip->prefix = 16;
    vireo_network_config_set_ip (config, VIREO_NETWORK_FAMILY_IPV4, ip);
    expected = replaced (xml, "netmask=\"255.255.255.0\"", "prefix=\"16\"");
    assert_xml (config, expected);
  }
  {
    /* A host entry lands after the range, on a line of its own. */
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autoptr(VireoNetworkIp) ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
    g_autofree char *expected =
      replaced (xml, "end=\"192.168.122.254\"/>\n",
                "end=\"192.168.122.254\"/>\n"
                "      <host mac=\"52:54:00:12:34:56\" name=\"web\" ip=\"192.168.122.50\"/>\n");

    g_ptr_array_add (ip->hosts, vireo_network_dhcp_host_new ("52:54:00:12:34:56", "192.168.122.50", "web"));
    vireo_network_config_set_ip (config, VIREO_NETWORK_FAMILY_IPV4, ip);
    assert_xml (config, expected);
  }
  {
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autofree char *expected =
      replaced (xml, "      <port start=\"1024\" end=\"65535\"/>\n",
                "      <address start=\"203.0.113.10\" end=\"203.0.113.20\"/>\n"
                "      <port start=\"2000\" end=\"3000\"/>\n");

    vireo_network_config_set_nat_range (config, "203.0.113.10", "203.0.113.20");
    vireo_network_config_set_nat_ports (config, 2000, 3000);
    assert_xml (config, expected);
  }
  {
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autofree char *expected = replaced (xml, "<forward mode=\"nat\">", "<forward mode=\"nat\" dev=\"eth0\">");

    vireo_network_config_set_forward_dev (config, "eth0");
    assert_xml (config, expected);
  }
  {
    /* Isolated: the <forward> block goes, nothing else. */
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autofree char *expected =
      replaced (xml, "  <forward mode=\"nat\">\n    <nat>\n      <port start=\"1024\" end=\"65535\"/>\n"
                     "    </nat>\n  </forward>\n", "");

    vireo_network_config_set_mode (config, VIREO_NETWORK_MODE_ISOLATED);
    assert_xml (config, expected);
    g_assert_cmpint (vireo_network_config_get_mode (config), ==, VIREO_NETWORK_MODE_ISOLATED);
  }
  {
    /* Routed: the mode changes and NAT's own settings go. */
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autofree char *expected =
      replaced (xml, "  <forward mode=\"nat\">\n    <nat>\n      <port start=\"1024\" end=\"65535\"/>\n"
                     "    </nat>\n  </forward>\n", "  <forward mode=\"route\">\n  </forward>\n");

    vireo_network_config_set_mode (config, VIREO_NETWORK_MODE_ROUTE);
    assert_xml (config, expected);
  }
}

/* Edits on full.xml keep what Vireo has no field for. */
static void
test_setters_keep_unknown (void)
{
  g_autofree char *xml = load ("full.xml");

  {
    /* beta moves; alpha's <lease>, the range's <lease>, <tftp>, <bootp>,
     * localPtr and the other <ip> elements stay. */
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autoptr(VireoNetworkIp) ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
    VireoNetworkDhcpHost *beta = ip->hosts->pdata[1];
    g_autofree char *expected = replaced (xml, "name=\"beta\" ip=\"10.20.0.12\"", "name=\"beta\" ip=\"10.20.0.13\"");

    g_free (beta->ip);
    beta->ip = g_strdup ("10.20.0.13");
    vireo_network_config_set_ip (config, VIREO_NETWORK_FAMILY_IPV4, ip);
    assert_xml (config, expected);
  }
  {
    /* Removing alpha takes its three lines, no more. */
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autoptr(VireoNetworkIp) ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
    g_autofree char *expected =
      replaced (xml, "      <host mac=\"52:54:00:aa:00:01\" name=\"alpha\" ip=\"10.20.0.11\">\n"
                     "        <lease expiry=\"30\" unit=\"minutes\"/>\n      </host>\n", "");

    g_ptr_array_remove_index (ip->hosts, 0);
    vireo_network_config_set_ip (config, VIREO_NETWORK_FAMILY_IPV4, ip);
    assert_xml (config, expected);
  }
  {
    /* A host that keeps its address but gets a new MAC is the same entry
     * (matched by address): its <lease> stays. */
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autoptr(VireoNetworkIp) ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
    VireoNetworkDhcpHost *alpha = ip->hosts->pdata[0];
    g_autofree char *expected = replaced (xml, "mac=\"52:54:00:aa:00:01\"", "mac=\"52:54:00:aa:00:09\"");

    g_free (alpha->mac);
    alpha->mac = g_strdup ("52:54:00:AA:00:09");
    vireo_network_config_set_ip (config, VIREO_NETWORK_FAMILY_IPV4, ip);
    g_free (expected);
    expected = replaced (xml, "mac=\"52:54:00:aa:00:01\"", "mac=\"52:54:00:AA:00:09\"");
    assert_xml (config, expected);
  }
  {
    /* DNS: a name more for dir; one forwarder less; a TXT value. */
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autoptr(GPtrArray) hosts = vireo_network_config_dup_dns_hosts (config);
    g_autoptr(GPtrArray) forwarders = vireo_network_config_dup_forwarders (config);
    g_autoptr(GPtrArray) txts = vireo_network_config_dup_txts (config);
    VireoNetworkDnsHost *dir = hosts->pdata[0];
    g_autofree char *step1 = NULL;
    g_autofree char *step2 = NULL;
    g_autofree char *expected = NULL;
    g_auto(GStrv) names = NULL;
    const char *more[] = { "dir", "dir.lab.example", "ldap", NULL };

    g_strfreev (dir->hostnames);
    dir->hostnames = g_strdupv ((char **) more);
    vireo_network_config_set_dns_hosts (config, hosts);
    g_ptr_array_remove_index (forwarders, 0);
    vireo_network_config_set_forwarders (config, forwarders);
    g_free (((VireoNetworkTxt *) txts->pdata[0])->value);
    ((VireoNetworkTxt *) txts->pdata[0])->value = g_strdup ("teaching lab");
    vireo_network_config_set_txts (config, txts);

    step1 = replaced (xml, "      <hostname>dir.lab.example</hostname>\n",
                      "      <hostname>dir.lab.example</hostname>\n      <hostname>ldap</hostname>\n");
    step2 = replaced (step1, "    <forwarder addr=\"192.0.2.53\"/>\n", "");
    expected = replaced (step2, "value=\"lab network\"", "value=\"teaching lab\"");
    assert_xml (config, expected);
  }
  {
    /* A second route goes after the first. */
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autoptr(GPtrArray) routes = vireo_network_config_dup_routes (config);
    g_autofree char *expected =
      replaced (xml, "gateway=\"10.20.0.2\"/>\n",
                "gateway=\"10.20.0.2\"/>\n  <route address=\"10.40.0.0\" prefix=\"24\" gateway=\"10.20.0.3\"/>\n");

    g_ptr_array_add (routes, vireo_network_route_new ("10.40.0.0", 24, "10.20.0.3"));
    vireo_network_config_set_routes (config, routes);
    assert_xml (config, expected);
  }
  {
    /* IPv6 written back as read: nothing changes. */
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autoptr(VireoNetworkIp) ip6 = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV6);

    vireo_network_config_set_ip (config, VIREO_NETWORK_FAMILY_IPV6, ip6);
    assert_xml (config, xml);
  }
  {
    /* Bridge mode: addressing goes (libvirt refuses it there), what has
     * no field stays. */
    g_autoptr(VireoNetworkConfig) config = parse (xml);
    g_autofree char *out = NULL;

    vireo_network_config_set_mode (config, VIREO_NETWORK_MODE_BRIDGE);
    vireo_network_config_set_bridge_name (config, "br0");
    out = vireo_network_config_to_xml (config);
    g_assert_cmpint (vireo_network_config_get_mode (config), ==, VIREO_NETWORK_MODE_BRIDGE);
    g_assert_nonnull (strstr (out, "<forward mode=\"bridge\"/>"));
    g_assert_nonnull (strstr (out, "<bridge name=\"br0\" macTableManager=\"libvirt\"/>"));
    g_assert_null (strstr (out, "<ip "));
    g_assert_null (strstr (out, "<dns enable"));
    g_assert_null (strstr (out, "<route"));
    g_assert_null (strstr (out, "<domain"));
    g_assert_nonnull (strstr (out, "<portgroup name=\"engineering\" default=\"yes\">"));
    g_assert_nonnull (strstr (out, "<dnsmasq:option value=\"dhcp-option=option:ntp-server,10.20.0.1\"/>"));
    g_assert_nonnull (strstr (out, "<app:note xmlns:app=\"http://example.org/app\">keep me</app:note>"));
    g_assert_nonnull (strstr (out, "<inbound average=\"1000\" peak=\"5000\" burst=\"1024\"/>"));
    g_assert_true (vireo_network_config_validate (config, NULL, NULL));
  }
}

static void
test_new_per_mode (void)
{
  for (VireoNetworkMode mode = 0; mode < VIREO_NETWORK_N_MODES; mode++)
    {
      g_autoptr(VireoNetworkConfig) config = vireo_network_config_new (mode);
      g_autoptr(GError) error = NULL;
      g_autofree char *xml = NULL;
      g_autoptr(VireoNetworkConfig) again = NULL;

      g_assert_cmpint (vireo_network_config_get_mode (config), ==, mode);
      g_assert_nonnull (vireo_network_mode_get_label (mode));
      g_assert_cmpuint (strlen (vireo_network_mode_get_description (mode)), >, 20);

      /* Without a name nothing is valid. */
      g_assert_false (vireo_network_config_validate (config, NULL, &error));
      g_assert_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_NAME);
      g_clear_error (&error);
      vireo_network_config_set_name (config, "n1");

      switch (mode)
        {
        case VIREO_NETWORK_MODE_BRIDGE:
          g_assert_false (vireo_network_config_validate (config, NULL, &error));
          g_assert_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_BRIDGE);
          g_clear_error (&error);
          vireo_network_config_set_bridge_name (config, "br0");
          break;
        case VIREO_NETWORK_MODE_MACVTAP:
          g_assert_false (vireo_network_config_validate (config, NULL, &error));
          g_assert_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_INTERFACES);
          g_clear_error (&error);
          vireo_network_config_set_interfaces (config, (const char *[]) { "eth0", NULL });
          break;
        case VIREO_NETWORK_MODE_HOSTDEV:
          g_assert_false (vireo_network_config_validate (config, NULL, &error));
          g_assert_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_FORWARD_DEV);
          g_clear_error (&error);
          vireo_network_config_set_hostdev_pf (config, "enp3s0f0");
          break;
        case VIREO_NETWORK_MODE_NAT:
        case VIREO_NETWORK_MODE_ROUTE:
        case VIREO_NETWORK_MODE_OPEN:
        case VIREO_NETWORK_MODE_ISOLATED:
        default:
          {
            g_autoptr(VireoNetworkIp) ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);

            g_assert_cmpstr (ip->address, ==, "192.168.100.1");
            g_assert_cmpuint (ip->prefix, ==, 24);
            g_assert_cmpstr (ip->dhcp_start, ==, "192.168.100.2");
          }
          break;
        }
      vireo_network_config_validate (config, NULL, &error);
      g_assert_no_error (error);

      /* What it writes, it reads back the same. */
      xml = vireo_network_config_to_xml (config);
      again = parse (xml);
      g_assert_cmpint (vireo_network_config_get_mode (again), ==, mode);
    }
}

static void
test_choose_subnet (void)
{
  g_autoptr(VireoNetworkConfig) config = vireo_network_config_new (VIREO_NETWORK_MODE_NAT);
  const char *others[] = { "default=192.168.122.0/24", "a=192.168.100.0/24", "b=192.168.96.0/20", "fd00::/64", NULL };
  g_autoptr(VireoNetworkIp) ip = NULL;
  g_autoptr(GError) error = NULL;

  /* 100 is taken, 101–111 lie inside b's /20 (96–111). */
  g_assert_true (vireo_network_config_choose_ipv4_subnet (config, others));
  ip = vireo_network_config_dup_ip (config, VIREO_NETWORK_FAMILY_IPV4);
  g_assert_cmpstr (ip->address, ==, "192.168.112.1");
  g_assert_cmpstr (ip->dhcp_start, ==, "192.168.112.2");
  g_assert_cmpstr (ip->dhcp_end, ==, "192.168.112.254");
  vireo_network_config_set_name (config, "fresh");
  vireo_network_config_validate (config, others, &error);
  g_assert_no_error (error);
}

typedef struct
{
  const char              *xml;
  VireoNetworkConfigError  code;
  const char              *message;  /* a part of it */
} BadCase;

static void
test_validation_messages (void)
{
#define NET(body) "<network><name>lab</name><forward mode='nat'/><bridge stp='on' delay='0'/>" body "</network>"
#define IP(attrs, dhcp) "<ip address='10.0.0.1' prefix='24'" attrs "><dhcp>" dhcp "</dhcp></ip>"
  static const BadCase cases[] = {
    { "<network><name>my net</name></network>", VIREO_NETWORK_CONFIG_ERROR_NAME, "not “ ”" },
    { "<network><name>a/b</name></network>", VIREO_NETWORK_CONFIG_ERROR_NAME, "letters, digits" },
    { "<network><name>lab</name><bridge name='averyveryverylongbridge'/></network>",
      VIREO_NETWORK_CONFIG_ERROR_BRIDGE, "longer than 15" },
    { "<network><name>lab</name><bridge delay='45'/></network>", VIREO_NETWORK_CONFIG_ERROR_DELAY, "45 seconds" },
    { "<network><name>lab</name><mtu size='20'/></network>", VIREO_NETWORK_CONFIG_ERROR_MTU, "The MTU 20" },
    { "<network><name>lab</name><mac address='53:54:00:00:00:01'/></network>",
      VIREO_NETWORK_CONFIG_ERROR_MAC, "multicast" },
    { "<network><name>lab</name><mac address='52:54:00:00:01'/></network>",
      VIREO_NETWORK_CONFIG_ERROR_MAC, "not a MAC address" },
    { "<network><name>lab</name><domain name='-bad-'/></network>",
      VIREO_NETWORK_CONFIG_ERROR_DOMAIN_NAME, "not a DNS domain" },
    { NET (""), VIREO_NETWORK_CONFIG_ERROR_ADDRESS, "needs an address" },
    { NET ("<ip address='10.0.0.1.5' prefix='24'/>"), VIREO_NETWORK_CONFIG_ERROR_ADDRESS, "not an IPv4 address" },
    { NET ("<ip address='10.0.0.0' prefix='24'/>"), VIREO_NETWORK_CONFIG_ERROR_ADDRESS,
      "10.0.0.0 is the address of the subnet 10.0.0.0/24 itself" },
    { NET ("<ip address='10.0.0.255' prefix='24'/>"), VIREO_NETWORK_CONFIG_ERROR_ADDRESS,
      "broadcast address of 10.0.0.0/24" },
    { NET ("<ip address='10.0.0.1' prefix='31'/>"), VIREO_NETWORK_CONFIG_ERROR_PREFIX, "use 8 to 30" },
    { NET ("<ip address='10.0.0.1' netmask='255.0.255.0'/>"), VIREO_NETWORK_CONFIG_ERROR_PREFIX,
      "“255.0.255.0” is not a netmask" },
    { NET (IP ("", "<range start='10.0.0.50' end='10.0.0.5'/>")), VIREO_NETWORK_CONFIG_ERROR_DHCP_RANGE,
      "The DHCP range end 10.0.0.5 comes before its start 10.0.0.50" },
    { NET (IP ("", "<range start='10.0.0.50' end='10.1.0.3'/>")), VIREO_NETWORK_CONFIG_ERROR_DHCP_RANGE,
      "10.1.0.3 is outside 10.0.0.0/24" },
    { NET (IP ("", "<range start='10.0.0.50' end='10.0.0.255'/>")), VIREO_NETWORK_CONFIG_ERROR_DHCP_RANGE,
      "broadcast" },
    { NET (IP ("", "<host mac='52:54:00:00:00:01' ip='10.0.1.5'/>")), VIREO_NETWORK_CONFIG_ERROR_DHCP_HOST,
      "10.0.1.5 is outside 10.0.0.0/24" },
    { NET (IP ("", "<host mac='52:54:00:00:00:01' ip='10.0.0.5'/><host mac='52:54:00:00:00:01' ip='10.0.0.6'/>")),
      VIREO_NETWORK_CONFIG_ERROR_DHCP_HOST, "The MAC address 52:54:00:00:00:01 has two entries" },
    { NET (IP ("", "<host mac='52:54:00:00:00:01' ip='10.0.0.5'/><host mac='52:54:00:00:00:02' ip='10.0.0.5'/>")),
      VIREO_NETWORK_CONFIG_ERROR_DHCP_HOST, "The address 10.0.0.5 is given to two hosts" },
    { NET (IP ("", "<host mac='52:54:00:00:00:01' ip='10.0.0.1'/>")), VIREO_NETWORK_CONFIG_ERROR_DHCP_HOST,
      "the network's own address" },
    { NET (IP ("", "<host ip='10.0.0.7'/>")), VIREO_NETWORK_CONFIG_ERROR_DHCP_HOST, "MAC address or a name" },
    { NET ("<ip family='ipv6' address='fd00::1' prefix='96'><dhcp><range start='fd00::10' end='fd00::20'/></dhcp></ip>"),
      VIREO_NETWORK_CONFIG_ERROR_IPV6_PREFIX, "DHCP for IPv6 needs the prefix /64" },
    { NET ("<ip family='ipv6' address='fd00::1' prefix='64'><dhcp><range start='fd00::20' end='fd00::10'/></dhcp></ip>"),
      VIREO_NETWORK_CONFIG_ERROR_IPV6_DHCP_RANGE, "The DHCP range end fd00::10 comes before its start fd00::20" },
    { NET ("<ip family='ipv6' address='fd00::1' prefix='64'><dhcp><host id='0:1' ip='fd01::5'/></dhcp></ip>"),
      VIREO_NETWORK_CONFIG_ERROR_IPV6_DHCP_HOST, "fd01::5 is outside fd00::/64" },
    { NET (IP ("", "") "<dns><host ip='10.0.0.9'></host></dns>"), VIREO_NETWORK_CONFIG_ERROR_DNS_HOST,
      "needs a host name" },
    { NET (IP ("", "") "<dns><host ip='10.0.0.9'><hostname>bad name</hostname></host></dns>"),
      VIREO_NETWORK_CONFIG_ERROR_DNS_HOST, "“bad name” is not a host name" },
    { NET (IP ("", "") "<dns><forwarder addr='8.8.8'/></dns>"), VIREO_NETWORK_CONFIG_ERROR_FORWARDER,
      "“8.8.8” is not an IP address" },
    { NET (IP ("", "") "<dns><srv service='ldap' protocol='sctp'/></dns>"), VIREO_NETWORK_CONFIG_ERROR_SRV,
      "tcp or udp" },
    { NET (IP ("", "") "<dns><txt name='info'/></dns>"), VIREO_NETWORK_CONFIG_ERROR_TXT, "needs a value" },
    { NET (IP ("", "") "<route address='10.9.0.0' prefix='16' gateway='10.8.0.1'/>"), VIREO_NETWORK_CONFIG_ERROR_ROUTE,
      "10.8.0.1 is outside 10.0.0.0/24: the gateway must be on this network" },
    { NET (IP ("", "") "<route address='10.9.0.1' prefix='16' gateway='10.0.0.2'/>"), VIREO_NETWORK_CONFIG_ERROR_ROUTE,
      "did you mean 10.9.0.0/16?" },
    { "<network><name>lab</name><forward mode='nat'><nat><address start='203.0.113.9' end='203.0.113.2'/></nat>"
      "</forward>" IP ("", "") "</network>", VIREO_NETWORK_CONFIG_ERROR_NAT_RANGE,
      "The NAT range end 203.0.113.2 comes before its start 203.0.113.9" },
    { "<network><name>lab</name><forward mode='nat'><nat><port start='4000' end='3000'/></nat>"
      "</forward>" IP ("", "") "</network>", VIREO_NETWORK_CONFIG_ERROR_NAT_PORTS, "comes before its start 4000" },
    { "<network><name>lab</name><forward mode='route'/></network>", VIREO_NETWORK_CONFIG_ERROR_ADDRESS,
      "A Routed network needs an address" },
    { "<network><name>lab</name><forward mode='bridge'/><bridge name='br0'/>"
      "<ip address='10.0.0.1' prefix='24'/></network>", VIREO_NETWORK_CONFIG_ERROR_ADDRESS, "from the host's LAN" },
    { "<network><name>lab</name><forward mode='hostdev' managed='yes'/></network>",
      VIREO_NETWORK_CONFIG_ERROR_FORWARD_DEV, "SR-IOV card" },
  };
#undef NET
#undef IP

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VireoNetworkConfig) config = parse (cases[i].xml);
      g_autoptr(GError) error = NULL;

      if (vireo_network_config_validate (config, NULL, &error))
        g_error ("case %u accepted: %s", i, cases[i].xml);
      if (error->code != (int) cases[i].code || strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u: code %d, “%s”; wanted %d with “%s”", i, error->code, error->message,
                 cases[i].code, cases[i].message);
      g_assert_true (error->domain == VIREO_NETWORK_CONFIG_ERROR);
    }
}

static void
test_overlap (void)
{
  g_autofree char *xml = load ("default.xml");
  g_autoptr(VireoNetworkConfig) other = parse (xml);
  g_auto(GStrv) subnets = vireo_network_config_dup_subnets (other);
  g_autoptr(VireoNetworkConfig) config = vireo_network_config_new (VIREO_NETWORK_MODE_NAT);
  g_autoptr(VireoNetworkIp) ip = vireo_network_ip_new ("192.168.122.1", 24);
  g_autoptr(GError) error = NULL;
  const char *bare[] = { "192.168.0.0/16", NULL };

  vireo_network_config_set_name (config, "second");
  vireo_network_config_set_ip (config, VIREO_NETWORK_FAMILY_IPV4, ip);
  g_assert_false (vireo_network_config_validate (config, (const char * const *) subnets, &error));
  g_assert_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_OVERLAP);
  g_assert_cmpstr (error->message, ==, "192.168.122.0/24 overlaps the network default (192.168.122.0/24)");
  g_clear_error (&error);

  /* A bigger subnet around it, given without a name. */
  g_free (ip->address);
  ip->address = g_strdup ("192.168.200.1");
  vireo_network_config_set_ip (config, VIREO_NETWORK_FAMILY_IPV4, ip);
  g_assert_true (vireo_network_config_validate (config, (const char * const *) subnets, NULL));
  g_assert_false (vireo_network_config_validate (config, bare, &error));
  g_assert_error (error, VIREO_NETWORK_CONFIG_ERROR, VIREO_NETWORK_CONFIG_ERROR_OVERLAP);
  g_assert_cmpstr (error->message, ==, "192.168.200.0/24 overlaps 192.168.0.0/16, which the host already uses");
}

static void
test_update_xml (void)
{
  g_autofree char *xml = load ("full.xml");
  g_autoptr(VireoNetworkConfig) config = parse (xml);
  g_autoptr(VireoNetworkDhcpHost) host = vireo_network_dhcp_host_new ("52:54:00:aa:00:05", "10.20.0.15", "a&b");
  const char *names[] = { "www", "www.lab.example", NULL };
  g_autoptr(VireoNetworkDnsHost) dns_host = vireo_network_dns_host_new ("10.20.0.20", names);
  g_autofree char *host_xml = vireo_network_dhcp_host_to_xml (host);
  g_autofree char *dns_xml = vireo_network_dns_host_to_xml (dns_host);
  g_autofree char *alpha = vireo_network_config_dup_dhcp_host_xml (config, VIREO_NETWORK_FAMILY_IPV4,
                                                                   "52:54:00:AA:00:01");
  g_autofree char *gamma = vireo_network_config_dup_dhcp_host_xml (config, VIREO_NETWORK_FAMILY_IPV6,
                                                                   "0:3:0:1:0:16:3e:11:22:33");
  g_autofree char *none = vireo_network_config_dup_dhcp_host_xml (config, VIREO_NETWORK_FAMILY_IPV4,
                                                                  "52:54:00:ff:ff:ff");

  g_assert_cmpstr (host_xml, ==, "<host mac=\"52:54:00:aa:00:05\" name=\"a&amp;b\" ip=\"10.20.0.15\"/>");
  g_assert_cmpstr (dns_xml, ==, "<host ip=\"10.20.0.20\"><hostname>www</hostname><hostname>www.lab.example</hostname></host>");
  /* As it stands in the document, its <lease> included. */
  g_assert_cmpstr (alpha, ==, "<host mac=\"52:54:00:aa:00:01\" name=\"alpha\" ip=\"10.20.0.11\">\n"
                              "  <lease expiry=\"30\" unit=\"minutes\"/>\n</host>");
  g_assert_cmpstr (gamma, ==, "<host id=\"0:3:0:1:0:16:3e:11:22:33\" name=\"gamma\" ip=\"fd00:20::11\"/>");
  g_assert_null (none);
}

static void
test_explain_start_error (void)
{
  static const struct { const char *message; const char *hint; } cases[] = {
    { "internal error: Failed to apply firewall rules /usr/sbin/iptables -w --table filter --insert LIBVIRT_INP: "
      "iptables: No chain/target/match by that name.", "iptables" },
    { "Cannot check dnsmasq binary /usr/sbin/dnsmasq: No such file or directory", "dnsmasq-base" },
    { "internal error: Network is already in use by interface eth0", "host interface already uses" },
    { "internal error: Child process (/usr/sbin/dnsmasq --conf-file=...) unexpected exit status 2: "
      "dnsmasq: failed to create listening socket for 192.168.122.1: Address already in use", "listens" },
    { "Unable to create bridge virbr5: File exists", "already exists" },
    { "Cannot get interface flags on 'eth9': No such device", "does not exist" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *hint = vireo_network_explain_start_error (cases[i].message);

      g_assert_nonnull (hint);
      if (strstr (hint, cases[i].hint) == NULL)
        g_error ("case %u: “%s” lacks “%s”", i, hint, cases[i].hint);
    }
  g_assert_null (vireo_network_explain_start_error ("operation failed: network is already active"));
  g_assert_null (vireo_network_explain_start_error (NULL));
}

/* The network named in libvirt's refusal to start a machine. */
static void
test_inactive_from_error (void)
{
  g_autofree char *a = vireo_network_inactive_from_error (
    "Requested operation is not valid: network 'lab-net' is not active");
  g_autofree char *b = vireo_network_inactive_from_error ("network 'default' is not active");
  g_autofree char *c = vireo_network_inactive_from_error ("Cannot access storage file '/x.img'");
  g_autofree char *d = vireo_network_inactive_from_error ("network '' is not active");
  g_autofree char *e = vireo_network_inactive_from_error (NULL);

  g_assert_cmpstr (a, ==, "lab-net");
  g_assert_cmpstr (b, ==, "default");
  g_assert_null (c);
  g_assert_null (d);
  g_assert_null (e);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/network/round-trip", test_round_trip);
  g_test_add_func ("/model/network/parse-errors", test_parse_errors);
  g_test_add_func ("/model/network/read-default", test_read_default);
  g_test_add_func ("/model/network/read-full", test_read_full);
  g_test_add_func ("/model/network/macvtap", test_macvtap);
  g_test_add_func ("/model/network/setters-touch-their-lines", test_setters_touch_their_lines);
  g_test_add_func ("/model/network/setters-keep-unknown", test_setters_keep_unknown);
  g_test_add_func ("/model/network/new-per-mode", test_new_per_mode);
  g_test_add_func ("/model/network/choose-subnet", test_choose_subnet);
  g_test_add_func ("/model/network/validation-messages", test_validation_messages);
  g_test_add_func ("/model/network/overlap", test_overlap);
  g_test_add_func ("/model/network/update-xml", test_update_xml);
  g_test_add_func ("/model/network/explain-start-error", test_explain_start_error);
  g_test_add_func ("/model/network/inactive-from-error", test_inactive_from_error);

  return g_test_run ();
}
