/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include "vireo-domain-config.h"
#include "vireo-guest-caps.h"

/*
 * The fixtures in data/guest-caps: qemu.xml is libvirt 9.0's own output
 * for QEMU 7.2 on Debian 12 (`virsh capabilities` on a private daemon,
 * trimmed; x86_64 and i686 are all this machine's QEMU has), and
 * test-default.xml is test:///default's. overrides.xml is hand-written for
 * what neither has (see its head). The expected lists are written out in
 * full: the order is what the wizard shows.
 */

static VireoGuestCaps *
load_caps (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "guest-caps", name, NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  VireoGuestCaps *caps;

  g_file_get_contents (path, &xml, NULL, &error);
  g_assert_no_error (error);
  caps = vireo_guest_caps_new_from_xml (xml, &error);
  g_assert_no_error (error);
  g_assert_true (VIREO_IS_GUEST_CAPS (caps));
  return caps;
}

/* Takes @actual; the expected strings end with NULL. */
static void
assert_strv (char       **actual,
             const char  *first,
             ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) expected = NULL;
  g_auto(GStrv) owned = actual;
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    g_strv_builder_add (builder, s);
  va_end (args);
  expected = g_strv_builder_end (builder);

  g_assert_nonnull (owned);
  if (!g_strv_equal ((const char * const *) owned, (const char * const *) expected))
    {
      g_autofree char *a = g_strjoinv (", ", owned);
      g_autofree char *e = g_strjoinv (", ", expected);
      g_error ("expected [%s], got [%s]", e, a);
    }
}

static void
assert_canonical (VireoGuestCaps *caps,
                  const char     *arch,
                  const char     *virttype,
                  const char     *machine,
                  const char     *expected)
{
  g_autofree char *canonical = vireo_guest_caps_dup_canonical_machine (caps, arch, virttype, machine);

  g_assert_cmpstr (canonical, ==, expected);
}

/* ------------------------------------------------------------------------ */

static void
test_qemu_arches (void)
{
  g_autoptr(VireoGuestCaps) caps = load_caps ("qemu.xml");
  GPtrArray *guests = vireo_guest_caps_get_guests (caps);
  VireoCapsGuest *guest;
  VireoCapsDomain *domain;

  g_assert_cmpstr (vireo_guest_caps_get_host_arch (caps), ==, "x86_64");
  /* libvirt lists i686 first; the host's own arch comes first here. */
  assert_strv (vireo_guest_caps_dup_arches (caps), "x86_64", "i686", NULL);
  assert_strv (vireo_guest_caps_dup_virt_types (caps, "x86_64"), "kvm", "qemu", NULL);
  assert_strv (vireo_guest_caps_dup_virt_types (caps, "i686"), "kvm", "qemu", NULL);
  assert_strv (vireo_guest_caps_dup_virt_types (caps, "aarch64"), NULL);

  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "x86_64", "kvm"), ==, "/usr/bin/qemu-system-x86_64");
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "x86_64", "qemu"), ==, "/usr/bin/qemu-system-x86_64");
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "i686", NULL), ==, "/usr/bin/qemu-system-i386");
  g_assert_null (vireo_guest_caps_get_emulator (caps, "aarch64", NULL));
  g_assert_null (vireo_guest_caps_get_emulator (caps, "x86_64", "xen"));

  /* The plain data, in libvirt's order. */
  g_assert_cmpuint (guests->len, ==, 2);
  guest = g_ptr_array_index (guests, 0);
  g_assert_cmpstr (guest->os_type, ==, "hvm");
  g_assert_cmpstr (guest->arch, ==, "i686");
  g_assert_cmpuint (guest->wordsize, ==, 32);
  g_assert_cmpstr (guest->emulator, ==, "/usr/bin/qemu-system-i386");
  g_assert_cmpuint (guest->machines->len, ==, 15);
  g_assert_cmpstr (((VireoCapsMachine *) g_ptr_array_index (guest->machines, 0))->name, ==, "pc-i440fx-7.2");
  g_assert_cmpuint (guest->domains->len, ==, 2);
  domain = g_ptr_array_index (guest->domains, 0);
  g_assert_cmpstr (domain->type, ==, "qemu");
  g_assert_null (domain->emulator);
  g_assert_cmpuint (domain->machines->len, ==, 0);
  guest = g_ptr_array_index (guests, 1);
  g_assert_cmpstr (guest->arch, ==, "x86_64");
  g_assert_cmpuint (guest->wordsize, ==, 64);
  g_assert_cmpuint (guest->machines->len, ==, 60);
}

static void
test_qemu_machines (void)
{
  g_autoptr(VireoGuestCaps) caps = load_caps ("qemu.xml");
  const VireoCapsMachine *machine;

  assert_strv (vireo_guest_caps_dup_machines (caps, "x86_64", "kvm"),
               "pc", "q35",
               "pc-i440fx-7.2", "pc-i440fx-7.1", "pc-i440fx-7.0",
               "pc-i440fx-6.2", "pc-i440fx-6.1", "pc-i440fx-6.0",
               "pc-i440fx-5.2", "pc-i440fx-5.1", "pc-i440fx-5.0",
               "pc-i440fx-4.2", "pc-i440fx-4.1", "pc-i440fx-4.0",
               "pc-i440fx-3.1", "pc-i440fx-3.0",
               "pc-i440fx-2.12", "pc-i440fx-2.11", "pc-i440fx-2.10", "pc-i440fx-2.9",
               "pc-i440fx-2.8", "pc-i440fx-2.7", "pc-i440fx-2.6", "pc-i440fx-2.5",
               "pc-i440fx-2.4", "pc-i440fx-2.3", "pc-i440fx-2.2", "pc-i440fx-2.1",
               "pc-i440fx-2.0",
               "pc-q35-7.2", "pc-q35-7.1", "pc-q35-7.0",
               "pc-q35-6.2", "pc-q35-6.1", "pc-q35-6.0",
               "pc-q35-5.2", "pc-q35-5.1", "pc-q35-5.0",
               "pc-q35-4.2", "pc-q35-4.1", "pc-q35-4.0.1", "pc-q35-4.0",
               "pc-q35-3.1", "pc-q35-3.0",
               "pc-q35-2.12", "pc-q35-2.11", "pc-q35-2.10", "pc-q35-2.9",
               "pc-q35-2.8", "pc-q35-2.7", "pc-q35-2.6", "pc-q35-2.5", "pc-q35-2.4",
               "isapc", "microvm", "x-remote",
               "pc-i440fx-1.7", "pc-i440fx-1.6", "pc-i440fx-1.5", "pc-i440fx-1.4",
               NULL);
  assert_strv (vireo_guest_caps_dup_machines (caps, "i686", "qemu"),
               "pc", "q35",
               "pc-i440fx-7.2", "pc-i440fx-2.12", "pc-i440fx-2.9",
               "pc-q35-7.2", "pc-q35-5.2", "pc-q35-4.0.1", "pc-q35-4.0", "pc-q35-2.10", "pc-q35-2.9",
               "isapc", "microvm", "x-remote",
               "pc-i440fx-1.5",
               NULL);
  /* Both virt types share the arch's list; NULL means kvm here. */
  {
    g_auto(GStrv) kvm = vireo_guest_caps_dup_machines (caps, "i686", "kvm");
    g_auto(GStrv) qemu = vireo_guest_caps_dup_machines (caps, "i686", "qemu");
    g_auto(GStrv) preferred = vireo_guest_caps_dup_machines (caps, "i686", NULL);

    g_assert_true (g_strv_equal ((const char * const *) kvm, (const char * const *) qemu));
    g_assert_true (g_strv_equal ((const char * const *) kvm, (const char * const *) preferred));
  }
  assert_strv (vireo_guest_caps_dup_machines (caps, "aarch64", NULL), NULL);
  assert_strv (vireo_guest_caps_dup_machines (caps, "x86_64", "xen"), NULL);

  assert_canonical (caps, "x86_64", "kvm", "q35", "pc-q35-7.2");
  assert_canonical (caps, "x86_64", "qemu", "pc", "pc-i440fx-7.2");
  assert_canonical (caps, "x86_64", NULL, "pc-q35-5.2", "pc-q35-5.2");
  assert_canonical (caps, "i686", "kvm", "q35", "pc-q35-7.2");
  /* Trimmed from the i686 fixture, and never an x86 machine at all. */
  assert_canonical (caps, "i686", "kvm", "pc-q35-6.0", NULL);
  assert_canonical (caps, "x86_64", "kvm", "virt", NULL);
  assert_canonical (caps, "aarch64", NULL, "virt", NULL);

  machine = vireo_guest_caps_lookup_machine (caps, "x86_64", "kvm", "q35");
  g_assert_nonnull (machine);
  g_assert_cmpstr (machine->canonical, ==, "pc-q35-7.2");
  g_assert_cmpuint (machine->max_cpus, ==, 288);
  g_assert_false (machine->deprecated);
  machine = vireo_guest_caps_lookup_machine (caps, "x86_64", "qemu", "pc-i440fx-1.5");
  g_assert_nonnull (machine);
  g_assert_null (machine->canonical);
  g_assert_cmpuint (machine->max_cpus, ==, 255);
  g_assert_true (machine->deprecated);
  machine = vireo_guest_caps_lookup_machine (caps, "x86_64", "qemu", "isapc");
  g_assert_nonnull (machine);
  g_assert_cmpuint (machine->max_cpus, ==, 1);
  g_assert_null (vireo_guest_caps_lookup_machine (caps, "x86_64", "qemu", "Q35"));
}

/* test:///default: one i686 hvm guest and one xen guest, both of virt
 * type "test", and no machine types at all. */
static void
test_test_driver (void)
{
  g_autoptr(VireoGuestCaps) caps = load_caps ("test-default.xml");
  GPtrArray *guests = vireo_guest_caps_get_guests (caps);
  VireoCapsGuest *xen;

  g_assert_cmpstr (vireo_guest_caps_get_host_arch (caps), ==, "i686");
  assert_strv (vireo_guest_caps_dup_arches (caps), "i686", NULL);
  assert_strv (vireo_guest_caps_dup_virt_types (caps, "i686"), "test", NULL);
  assert_strv (vireo_guest_caps_dup_virt_types (caps, "x86_64"), NULL);
  assert_strv (vireo_guest_caps_dup_machines (caps, "i686", "test"), NULL);
  assert_strv (vireo_guest_caps_dup_machines (caps, "i686", NULL), NULL);
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "i686", "test"), ==, "/usr/bin/test-hv");
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "i686", NULL), ==, "/usr/bin/test-hv");
  g_assert_null (vireo_guest_caps_get_emulator (caps, "i686", "kvm"));
  assert_canonical (caps, "i686", "test", "pc", NULL);

  /* The xen guest is kept as data, and left out of every lookup. */
  g_assert_cmpuint (guests->len, ==, 2);
  xen = g_ptr_array_index (guests, 1);
  g_assert_cmpstr (xen->os_type, ==, "xen");
  g_assert_cmpstr (xen->arch, ==, "i686");
  g_assert_cmpuint (xen->wordsize, ==, 32);
  g_assert_cmpuint (xen->machines->len, ==, 0);
  g_assert_cmpuint (xen->domains->len, ==, 1);
}

static void
test_overrides (void)
{
  g_autoptr(VireoGuestCaps) caps = load_caps ("overrides.xml");
  const VireoCapsMachine *machine;

  g_assert_cmpstr (vireo_guest_caps_get_host_arch (caps), ==, "x86_64");
  /* The host's arch first although listed late; no "x86_64" twice for
   * its exe guest. */
  assert_strv (vireo_guest_caps_dup_arches (caps), "x86_64", "aarch64", "armv7l", "ppc64le", NULL);
  /* kvm first, before "kqemu" which sorts ahead of it; the exe guest's
   * "lxc" is no type for an hvm guest. */
  assert_strv (vireo_guest_caps_dup_virt_types (caps, "x86_64"), "kvm", "kqemu", "qemu", NULL);
  assert_strv (vireo_guest_caps_dup_virt_types (caps, "aarch64"), "qemu", NULL);
  /* One arch over two <guest>s: the types of both. */
  assert_strv (vireo_guest_caps_dup_virt_types (caps, "ppc64le"), "kvm", "qemu", NULL);

  /* kvm's own emulator and machines replace the arch's ... */
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "x86_64", "kvm"), ==, "/usr/libexec/qemu-kvm");
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "x86_64", NULL), ==, "/usr/libexec/qemu-kvm");
  assert_strv (vireo_guest_caps_dup_machines (caps, "x86_64", "kvm"),
               "pc", "q35", "pc-i440fx-rhel7.6.0", "pc-q35-rhel8.6.0", "pc-q35-rhel7.6.0", NULL);
  assert_canonical (caps, "x86_64", "kvm", "q35", "pc-q35-rhel8.6.0");
  assert_canonical (caps, "x86_64", "kvm", "pc", "pc-i440fx-rhel7.6.0");
  machine = vireo_guest_caps_lookup_machine (caps, "x86_64", "kvm", "pc-q35-rhel7.6.0");
  g_assert_nonnull (machine);
  g_assert_cmpuint (machine->max_cpus, ==, 710);
  /* ... and not for the other types, which use the arch's. A family
   * that is a prefix of another ("pc" of "pc-i440fx") comes first. */
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "x86_64", "qemu"), ==, "/usr/bin/qemu-system-x86_64");
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "x86_64", "kqemu"), ==, "/usr/bin/qemu-system-x86_64");
  assert_strv (vireo_guest_caps_dup_machines (caps, "x86_64", "qemu"),
               "pc", "pc-1.0", "pc-i440fx-2.0", "pc-q35-2.4", NULL);
  assert_strv (vireo_guest_caps_dup_machines (caps, "x86_64", "kqemu"),
               "pc", "pc-1.0", "pc-i440fx-2.0", "pc-q35-2.4", NULL);
  assert_canonical (caps, "x86_64", "qemu", "pc", "pc-i440fx-2.0");
  assert_canonical (caps, "x86_64", "qemu", "q35", NULL);
  assert_canonical (caps, "x86_64", "kvm", "pc-1.0", NULL);

  /* Boards after the versioned types; deprecated ones last, versioned
   * before boards there too. */
  assert_strv (vireo_guest_caps_dup_machines (caps, "aarch64", "qemu"),
               "virt", "virt-7.2", "virt-2.10", "virt-2.9", "none", "raspi3b", "sbsa-ref",
               "virt-2.6", "akita", NULL);
  assert_strv (vireo_guest_caps_dup_machines (caps, "armv7l", NULL), "virt", "virt-7.2", NULL);
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "armv7l", NULL), ==, "/usr/bin/qemu-system-arm");

  /* Each type of a split arch from its own <guest>. */
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "ppc64le", "kvm"), ==, "/usr/libexec/qemu-kvm-ppc64");
  g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "ppc64le", "qemu"), ==, "/usr/bin/qemu-system-ppc64");
  assert_strv (vireo_guest_caps_dup_machines (caps, "ppc64le", NULL),
               "pseries-rhel9.2.0", "pseries-rhel8.6.0", NULL);
  assert_strv (vireo_guest_caps_dup_machines (caps, "ppc64le", "qemu"), "pseries", "pseries-7.2", NULL);
}

/* Documents libvirt could not have written, and odd but valid ones. */
static void
test_parse (void)
{
  static const struct {
    const char *xml;
    int         code;
  } refused[] = {
    { "", VIREO_MODEL_ERROR_PARSE },
    { "<capabilities><host>", VIREO_MODEL_ERROR_PARSE },
    { "<domainCapabilities/>", VIREO_MODEL_ERROR_INVALID },
    { "<x:capabilities xmlns:x='urn:x'/>", VIREO_MODEL_ERROR_INVALID },
    { "<!DOCTYPE capabilities [<!ENTITY e 'x86_64'>]><capabilities/>", VIREO_MODEL_ERROR_INVALID },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VireoGuestCaps) caps = vireo_guest_caps_new_from_xml (refused[i].xml, &error);

      g_assert_null (caps);
      g_assert_error (error, VIREO_MODEL_ERROR, refused[i].code);
    }

  /* No host arch, blanks around names, a guest without an arch name and a
   * domain without a type (both skipped), a machine without a name. */
  {
    static const char xml[] =
      "<capabilities>\n"
      "  <guest><os_type> hvm </os_type><arch name='s390x'>\n"
      "    <emulator>\n      /usr/bin/qemu-system-s390x\n    </emulator>\n"
      "    <machine maxCpus='x'> s390-ccw-virtio-7.2 </machine><machine/>\n"
      "    <domain/><domain type='qemu'/></arch></guest>\n"
      "  <guest><os_type>hvm</os_type><arch><domain type='qemu'/></arch></guest>\n"
      "  <guest><os_type>hvm</os_type></guest>\n"
      "</capabilities>\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(VireoGuestCaps) caps = vireo_guest_caps_new_from_xml (xml, &error);
    const VireoCapsMachine *machine;
    VireoCapsGuest *guest;

    g_assert_no_error (error);
    g_assert_null (vireo_guest_caps_get_host_arch (caps));
    g_assert_cmpuint (vireo_guest_caps_get_guests (caps)->len, ==, 1);
    guest = g_ptr_array_index (vireo_guest_caps_get_guests (caps), 0);
    g_assert_cmpuint (guest->wordsize, ==, 0);
    g_assert_cmpuint (guest->domains->len, ==, 1);
    assert_strv (vireo_guest_caps_dup_arches (caps), "s390x", NULL);
    assert_strv (vireo_guest_caps_dup_virt_types (caps, "s390x"), "qemu", NULL);
    assert_strv (vireo_guest_caps_dup_machines (caps, "s390x", NULL), "s390-ccw-virtio-7.2", NULL);
    g_assert_cmpstr (vireo_guest_caps_get_emulator (caps, "s390x", "qemu"), ==, "/usr/bin/qemu-system-s390x");
    machine = vireo_guest_caps_lookup_machine (caps, "s390x", "qemu", "s390-ccw-virtio-7.2");
    g_assert_nonnull (machine);
    g_assert_cmpuint (machine->max_cpus, ==, 0);
  }

  /* A driver without guests at all. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VireoGuestCaps) caps =
      vireo_guest_caps_new_from_xml ("<capabilities><host><cpu><arch>aarch64</arch></cpu></host></capabilities>",
                                     &error);

    g_assert_no_error (error);
    g_assert_cmpstr (vireo_guest_caps_get_host_arch (caps), ==, "aarch64");
    assert_strv (vireo_guest_caps_dup_arches (caps), NULL);
    assert_strv (vireo_guest_caps_dup_machines (caps, "aarch64", NULL), NULL);
    g_assert_null (vireo_guest_caps_get_emulator (caps, "aarch64", NULL));
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/guest-caps/qemu/arches", test_qemu_arches);
  g_test_add_func ("/model/guest-caps/qemu/machines", test_qemu_machines);
  g_test_add_func ("/model/guest-caps/test-driver", test_test_driver);
  g_test_add_func ("/model/guest-caps/overrides", test_overrides);
  g_test_add_func ("/model/guest-caps/parse", test_parse);

  return g_test_run ();
}
