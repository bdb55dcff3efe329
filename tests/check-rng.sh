#!/bin/sh
# Every fixture, and what Vireo writes after the edits its editors make,
# must pass libvirt's own schema. A machine without virt-xml-validate fails
# here rather than skipping: a schema check that never runs proves nothing.
#
# check-rng.sh FIXTURE-DIR VIREO-MODEL-EDIT    (TAP on stdout)
set -u
fixtures=$1
edit=$2
validate=${VIREO_XML_VALIDATE:-virt-xml-validate}

if ! command -v "$validate" >/dev/null 2>&1; then
  echo "Bail out! $validate not found: install libvirt-clients (./vireo-dev installs it)"
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Each line is one editing session: the edits a user makes in one go.
cat > "$tmp/scripts" <<'SCRIPTS'
add-disk
add-tpm
eject-cdrom
insert-cdrom=/var/lib/libvirt/images/new-media.iso
nic-source=network:default
nic-source=bridge:br1
nic-source=direct:eth0:vepa
nic-source=user
nic-model=e1000e nic-mac=52:54:00:ab:cd:ef nic-link=down
memory=3145728:2097152 vcpus=2:4
memory=1048576 vcpus=1:1
title=Edited&by<Vireo> description=Notes:&<markup> cpu-mode=host-passthrough
disk-cache=none
disk-cache=
graphics-listen=127.0.0.1
remove=disk remove=interface
add-disk nic-source=network:default memory=4194304:2097152 vcpus=2:8 eject-cdrom add-tpm
firmware=bios
firmware=efi
firmware=efi-secure
firmware=efi-secure add-tpm
firmware=efi-secure firmware=efi
firmware=efi firmware=bios
boot-order=vda,cdrom,nic
boot-order=nic,disk2,floppy,hostdev,redirdev,fs
boot-order=
bootmenu=3000
bootmenu=on bootmenu=off
kernel=/var/lib/libvirt/boot/vmlinuz initrd=/var/lib/libvirt/boot/initrd.img cmdline=console=ttyS0 dtb=/var/lib/libvirt/boot/virt.dtb
kernel= initrd= cmdline=
vcpus=4:4 topology=1:1:2:2
vcpus=8:8 topology=2:2:2:1
cpu-model=Skylake-Client
cpu-switch=host-passthrough
cpu-switch=host-model
cpu-model=EPYC-Rome cpu-switch=maximum
add-disk boot-order=cdrom,vdb,vda bootmenu=0 vcpus=2:6 topology=3:1:2:1 cpu-model=Skylake-Client
SCRIPTS

n=0
status=0
count=$(ls "$fixtures"/*.xml | wc -l)
scripts=$(wc -l < "$tmp/scripts")
echo "1..$((count * (scripts + 1)))"

for f in "$fixtures"/*.xml; do
  name=$(basename "$f" .xml)
  n=$((n + 1))
  if out=$("$validate" "$f" domain 2>&1); then
    echo "ok $n - $name as read"
  else
    echo "not ok $n - $name as read"
    printf '%s\n' "$out" | sed 's/^/# /'
    status=1
  fi

  while IFS= read -r script; do
    n=$((n + 1))
    # Word splitting is the point: one argument per edit.
    # shellcheck disable=SC2086
    set -f
    "$edit" "$f" $script > "$tmp/out.xml" 2> "$tmp/err"
    rc=$?
    set +f
    if [ $rc -ne 0 ]; then
      printf 'not ok %d - %s: %s (vireo-model-edit failed)\n' "$n" "$name" "$script"
      sed 's/^/# /' "$tmp/err"
      status=1
    elif out=$("$validate" "$tmp/out.xml" domain 2>&1); then
      printf 'ok %d - %s: %s\n' "$n" "$name" "$script"
    else
      printf 'not ok %d - %s: %s\n' "$n" "$name" "$script"
      printf '%s\n' "$out" | sed 's/^/# /'
      sed 's/^/# /' "$tmp/out.xml"
      status=1
    fi
  done < "$tmp/scripts"
done
exit $status
