/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "vireo-domain-caps.h"
#include "vireo-os-info.h"
#include "vireo-test-util.h"
#include "vireo-vm-builder.h"

G_BEGIN_DECLS

/* The New VM wizard's answers for each install method, on the domain
 * capabilities fixtures (libvirt 9.0's own output) and real osinfo-db
 * entries: test-vm-builder checks what they make, and its --dump writes
 * every definition for check-rng.sh to hold against libvirt's schema. */

#define GIB (G_GUINT64_CONSTANT (1) << 30)

static inline VireoDomainCaps *
vireo_test_load_caps (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "domcaps", name, NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  VireoDomainCaps *caps;

  g_file_get_contents (path, &xml, NULL, &error);
  g_assert_no_error (error);
  caps = vireo_domain_caps_new_from_xml (xml, &error);
  g_assert_no_error (error);
  return caps;
}

static inline VireoOsDb *
vireo_test_load_os_db (void)
{
  VireoTestAsync a = { NULL };
  g_autoptr(GError) error = NULL;
  VireoOsDb *db;

  vireo_os_db_load_async (NULL, vireo_test_async_cb, &a);
  db = vireo_os_db_load_finish (vireo_test_async_wait (&a, 60), &error);
  g_assert_no_error (error);
  g_clear_object (&a.result);
  return db;
}

/* Returns: (transfer none): the system, which must be in the database */
static inline VireoOsInfo *
vireo_test_os (VireoOsDb  *db,
               const char *short_id)
{
  VireoOsInfo *os = vireo_os_db_find_short_id (db, short_id);

  if (os == NULL)
    g_error ("osinfo-db has no “%s”", short_id);
  return os;
}

/* A builder with everything but the method answered: caps, host, a dir
 * pool with room, the default network, a fixed identity. */
static inline VireoVmBuilder *
vireo_test_builder_new (const char *caps_name)
{
  static const char * const names[] = { "web", "db", NULL };
  static const char * const volumes[] = { "old.qcow2", NULL };
  VireoVmBuilder *builder = vireo_vm_builder_new ();
  g_autoptr(VireoDomainCaps) caps = vireo_test_load_caps (caps_name);

  vireo_vm_builder_set_caps (builder, caps);
  vireo_vm_builder_set_host (builder, 16 * GIB, 8);
  vireo_vm_builder_set_existing_names (builder, names);
  vireo_vm_builder_set_pool (builder, "default", "/var/lib/libvirt/images", 500 * GIB, volumes);
  vireo_vm_builder_set_identity (builder, "c7a5fdbd-cdaf-9455-926a-d65c16db1809", "52:54:00:12:34:56");
  return builder;
}

typedef VireoVmBuilder *(*VireoTestScenarioFunc) (VireoOsDb *db);

/* Fedora from its ISO, TCG on Q35: a new thin qcow2 disk, NAT. */
static inline VireoVmBuilder *
vireo_test_scenario_fedora_iso (VireoOsDb *db)
{
  VireoVmBuilder *b = vireo_test_builder_new ("qemu-tcg-q35.x86_64.xml");

  vireo_vm_builder_set_os (b, vireo_test_os (db, "fedora37"));
  vireo_vm_builder_set_media (b, VIREO_MEDIA_FILE, "/isos/Fedora-Workstation-Live-x86_64-37.iso");
  return b;
}

/* Windows 11 from a pool's volume, KVM on Q35: UEFI, Secure Boot, TPM. */
static inline VireoVmBuilder *
vireo_test_scenario_win11 (VireoOsDb *db)
{
  VireoVmBuilder *b = vireo_test_builder_new ("qemu-kvm-q35.x86_64.xml");

  vireo_vm_builder_set_os (b, vireo_test_os (db, "win11"));
  vireo_vm_builder_set_media_volume (b, "isos", "Win11_22H2.iso", "/srv/isos/Win11_22H2.iso");
  return b;
}

/* Ubuntu from its install tree by URL. */
static inline VireoVmBuilder *
vireo_test_scenario_ubuntu_tree (VireoOsDb *db)
{
  VireoVmBuilder *b = vireo_test_builder_new ("qemu-tcg-q35.x86_64.xml");

  vireo_vm_builder_set_os (b, vireo_test_os (db, "ubuntu22.04"));
  vireo_vm_builder_set_method (b, VIREO_INSTALL_NETWORK);
  vireo_vm_builder_set_location (b, "http://archive.ubuntu.com/ubuntu/dists/jammy/main/installer-amd64/",
                                 "console=ttyS0");
  return b;
}

/* Fedora from a tree: the installer is told where the tree is. */
static inline VireoVmBuilder *
vireo_test_scenario_fedora_tree (VireoOsDb *db)
{
  VireoVmBuilder *b = vireo_test_builder_new ("qemu-tcg-q35.x86_64.xml");

  vireo_vm_builder_set_os (b, vireo_test_os (db, "fedora37"));
  vireo_vm_builder_set_method (b, VIREO_INSTALL_NETWORK);
  vireo_vm_builder_set_location (b, "https://dl.fedoraproject.org/pub/fedora/linux/releases/37/Everything/x86_64/os",
                                 NULL);
  return b;
}

/* No OS named, PXE on i440FX through a bridge, no disk: a diskless
 * network-booted machine. */
static inline VireoVmBuilder *
vireo_test_scenario_generic_pxe (VireoOsDb *db)
{
  VireoVmBuilder *b = vireo_test_builder_new ("qemu-tcg-pc.x86_64.xml");

  vireo_vm_builder_set_method (b, VIREO_INSTALL_PXE);
  vireo_vm_builder_set_network (b, VIREO_NETWORK_BRIDGE, "br0", NULL);
  vireo_vm_builder_set_storage (b, VIREO_STORAGE_NONE);
  return b;
}

/* PXE with a disk to install onto. */
static inline VireoVmBuilder *
vireo_test_scenario_debian_pxe (VireoOsDb *db)
{
  VireoVmBuilder *b = vireo_test_builder_new ("qemu-tcg-q35.x86_64.xml");

  vireo_vm_builder_set_os (b, vireo_test_os (db, "debian11"));
  vireo_vm_builder_set_method (b, VIREO_INSTALL_PXE);
  return b;
}

/* Debian's cloud image imported, macvtap on eth0. */
static inline VireoVmBuilder *
vireo_test_scenario_debian_import (VireoOsDb *db)
{
  VireoVmBuilder *b = vireo_test_builder_new ("qemu-kvm-q35.x86_64.xml");

  vireo_vm_builder_set_os (b, vireo_test_os (db, "debian11"));
  vireo_vm_builder_set_import_disk (b, "/srv/images/debian-11-generic-amd64.qcow2", "qcow2");
  vireo_vm_builder_set_network (b, VIREO_NETWORK_MACVTAP, "eth0", "vepa");
  return b;
}

/* libosinfo's "unknown", defined only: no network, a raw disk allocated
 * now, a name that needs escaping. */
static inline VireoVmBuilder *
vireo_test_scenario_manual (VireoOsDb *db)
{
  VireoVmBuilder *b = vireo_test_builder_new ("qemu-tcg-q35.x86_64.xml");

  vireo_vm_builder_set_os (b, vireo_os_db_get_unknown (db));
  vireo_vm_builder_set_method (b, VIREO_INSTALL_MANUAL);
  vireo_vm_builder_set_network (b, VIREO_NETWORK_NONE, NULL, NULL);
  vireo_vm_builder_set_disk_format (b, "raw");
  vireo_vm_builder_set_allocate_now (b, TRUE);
  vireo_vm_builder_set_disk_size (b, 8 * GIB);
  vireo_vm_builder_set_name (b, "Lab <A&B> 'test'");
  return b;
}

/* openSUSE live from the host's drive, no disk, user networking, UEFI
 * chosen by hand on i440FX. */
static inline VireoVmBuilder *
vireo_test_scenario_live_cd (VireoOsDb *db)
{
  VireoVmBuilder *b = vireo_test_builder_new ("qemu-tcg-pc.x86_64.xml");

  vireo_vm_builder_set_os (b, vireo_test_os (db, "opensuse15.4"));
  vireo_vm_builder_set_media (b, VIREO_MEDIA_DEVICE, "/dev/sr0");
  vireo_vm_builder_set_storage (b, VIREO_STORAGE_NONE);
  vireo_vm_builder_set_network (b, VIREO_NETWORK_USER, NULL, NULL);
  vireo_vm_builder_set_firmware (b, VIREO_FIRMWARE_UEFI);
  return b;
}

/* An existing image as the disk of a CD install, on ARM. */
static inline VireoVmBuilder *
vireo_test_scenario_aarch64 (VireoOsDb *db)
{
  VireoVmBuilder *b = vireo_test_builder_new ("qemu-tcg-virt.aarch64.xml");

  vireo_vm_builder_set_os (b, vireo_test_os (db, "fedora37"));
  vireo_vm_builder_set_media (b, VIREO_MEDIA_FILE, "/isos/Fedora-Server-dvd-aarch64-37.iso");
  vireo_vm_builder_set_storage (b, VIREO_STORAGE_EXISTING);
  vireo_vm_builder_set_existing_disk (b, "/var/lib/libvirt/images/arm.qcow2", "qcow2");
  return b;
}

static const struct
{
  const char            *name;
  VireoTestScenarioFunc  make;
} vireo_test_scenarios[] = {
  { "fedora-iso", vireo_test_scenario_fedora_iso },
  { "win11", vireo_test_scenario_win11 },
  { "ubuntu-tree", vireo_test_scenario_ubuntu_tree },
  { "fedora-tree", vireo_test_scenario_fedora_tree },
  { "generic-pxe", vireo_test_scenario_generic_pxe },
  { "debian-pxe", vireo_test_scenario_debian_pxe },
  { "debian-import", vireo_test_scenario_debian_import },
  { "manual", vireo_test_scenario_manual },
  { "live-cd", vireo_test_scenario_live_cd },
  { "aarch64", vireo_test_scenario_aarch64 },
};

G_END_DECLS
