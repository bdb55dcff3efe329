/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * For integration tests on networks: the slot's bridge names and /24s
 * (vireo-testenv.sh), and a TCG guest with a DHCP client (Debian's cloud
 * kernel and a busybox initramfs made by vireo-dhcp-guest.sh) on one
 * network.
 */

#include <stdlib.h>

#include "vireo-domain-config.h"
#include "vireo-test-util.h"

static inline const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

static inline char *
bridge_name (const char *suffix)
{
  return g_strconcat (require_env ("VIREO_TEST_BRIDGE_PREFIX"), suffix, NULL);
}

/* "a.b.c" of the slot's /24 number @n (0–15): the slot owns 16. */
static inline char *
slot_first24 (guint n)
{
  g_auto(GStrv) parts = g_strsplit (require_env ("VIREO_TEST_IPV4_FIRST24"), ".", 3);

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  return g_strdup_printf ("%s.%s.%u", parts[0], parts[1], (guint) atoi (parts[2]) + n);
}

/* The environment's guest, booting the DHCP kernel and initramfs, with
 * one virtio NIC (@mac) on @network. */
static inline char *
vireo_test_dhcp_guest_xml (const char *name,
                           const char *mac,
                           const char *network)
{
  g_autofree char *dir = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "dhcp-guest", NULL);
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "integration", "vireo-dhcp-guest.sh", NULL);
  g_autofree char *xml = NULL;
  g_autofree char *err = NULL;
  g_autofree char *nic = NULL;
  g_autoptr(GString) text = NULL;
  g_autoptr(VireoDomainConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char *[]) { script, dir, NULL }, NULL, 0, NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("could not make the DHCP guest's kernel and initramfs: %s", err);

  g_file_get_contents (require_env ("VIREO_TEST_GUEST_XML"), &xml, NULL, &error);
  g_assert_no_error (error);
  /* Direct kernel boot instead of the disk, and room for the kernel. */
  text = g_string_new (xml);
  g_string_replace (text, "<boot dev='hd'/>", "", 1);
  {
    g_autofree char *boot = g_strdup_printf ("</type>\n    <kernel>%s/vmlinuz</kernel>\n"
                                             "    <initrd>%s/initrd.img</initrd>\n"
                                             "    <cmdline>console=ttyS0 panic=-1</cmdline>", dir, dir);
    g_assert_cmpuint (g_string_replace (text, "</type>", boot, 1), ==, 1);
  }
  g_assert_cmpuint (g_string_replace (text, "<memory unit='MiB'>96</memory>", "<memory unit='MiB'>256</memory>", 1), ==, 1);
  g_assert_cmpuint (g_string_replace (text, "<currentMemory unit='MiB'>96</currentMemory>",
                                      "<currentMemory unit='MiB'>256</currentMemory>", 1), ==, 1);
  config = vireo_domain_config_new_from_xml (text->str, &error);
  g_assert_no_error (error);
  vireo_domain_config_set_name (config, name);
  nic = g_strdup_printf ("<interface type='network'>\n  <mac address='%s'/>\n"
                         "  <source network='%s'/>\n  <model type='virtio'/>\n</interface>", mac, network);
  g_assert_nonnull (vireo_domain_config_add_device (config, nic, &error));
  g_assert_no_error (error);
  return vireo_domain_config_to_xml (config);
}

