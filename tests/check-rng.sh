#!/bin/sh
# Every fixture, and what Vireo writes after the edits its editors make,
# must pass libvirt's own schema. A machine without virt-xml-validate fails
# here rather than skipping: a schema check that never runs proves nothing.
#
# With TEST-VM-BUILDER, also every definition and volume the New VM
# wizard's builder makes (test-vm-builder --dump: one per install method).
#
# check-rng.sh FIXTURE-DIR VIREO-MODEL-EDIT [TEST-VM-BUILDER]  (TAP on stdout)
set -u
fixtures=$1
edit=$2
builder=${3:-}
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
nic-source=user nic-passt=on port-forward=tcp,2222,22
nic-source=user nic-passt=on port-forward=tcp,2222,22 port-forward=udp,5353,,::1 port-forward=TCP,8000-8009,80,127.0.0.1 port-forward-edit=0,udp,2223,23,10.0.0.1 port-forward-remove=1
nic-source=user nic-passt=on port-forward=tcp,60000-60099 port-forward-edit=0,tcp,60000 nic-passt=off
nic-source=user nic-passt=on port-forward=tcp,2222,22 nic-source=network:default
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
firmware=efi-secure nvram-reset=on
nvram-reset=on nvram-reset=off
shared-memory=on
shared-memory=on shared-memory=off
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
os-id=http://microsoft.com/win/11
os-id=
os-id= os-id=http://ubuntu.com/ubuntu/22.04
add-disk boot-order=cdrom,vdb,vda bootmenu=0 vcpus=2:6 topology=3:1:2:1 cpu-model=Skylake-Client
add-template=video:virtio add-template=video:qxl
add-template=video:qxl field=video:video-heads=2 field=video:video-vram=131072 field=video:video-model=virtio field=video:video-accel3d=yes
add-template=video:virtio field=video:video-accel3d=yes field=video:video-model=vga field=video:video-vram=32768
field=video:video-model=qxl field=video:video-heads=4 field=video:video-model=virtio field=video:video-accel3d=yes field=video:video-accel3d=
add-template=sound:ich9 add-template=sound:ich6 add-template=sound:ac97 add-template=sound:usb field=sound:sound-model=ich9 field=sound:sound-codec=micro
field=sound:sound-codec=output field=sound:sound-model=ac97 field=sound:sound-codec=
add-template=input:tablet add-template=input:keyboard add-template=input:mouse add-template=input:virtio-tablet add-template=input:virtio-keyboard add-template=input:virtio-mouse field=input:input-bus=ps2 field=input:input-type=keyboard
add-template=serial:pty field=serial:serial-type=tcp field=serial:serial-source-mode=bind field=serial:serial-source-host=127.0.0.1 field=serial:serial-source-service=4555 field=serial:serial-target-type=pci-serial
field=serial:serial-type=file field=serial:serial-source-path=/var/log/vireo-serial.log field=serial:serial-target-type=usb-serial
add-template=console:pty field=console:console-type=unix field=console:console-source-mode=bind field=console:console-source-path=/run/vireo/console.sock field=console:console-target-type=serial
field=console:console-type=pty field=console:console-target-type=virtio
add-template=channel:qemu-ga add-template=channel:spice field=channel:channel-type=qemu-vdagent field=channel:channel-target-name=com.redhat.spice.0
add-template=channel:qemu-ga field=channel:channel-source-mode=bind field=channel:channel-source-path=/run/vireo/agent.sock field=channel:channel-target-name=org.example.custom.0
add-template=controller:usb add-template=controller:scsi add-template=controller:virtio-serial field=controller:controller-serial-ports=16
add-template=controller:usb field=controller:controller-usb-ports=8 field=controller:controller-usb-model=ich9-ehci1 field=controller:controller-usb-model=nec-xhci field=controller:controller-usb-ports=4
add-template=controller:scsi field=controller:controller-scsi-model=lsilogic field=controller:controller-scsi-model=
field=hostdev:hostdev-managed=no field=hostdev:hostdev-managed=yes
add-template=redirdev:spicevmc field=redirdev:redirdev-type=tcp field=redirdev:redirdev-source-host=usbredir.example.org field=redirdev:redirdev-source-service=4000
add-template=filesystem:virtiofs add-template=filesystem:9p field=filesystem:filesystem-accessmode=squash field=filesystem:filesystem-readonly=yes field=filesystem:filesystem-source-dir=/home/shared field=filesystem:filesystem-target=homeshare
add-template=filesystem:9p field=filesystem:filesystem-driver=path field=filesystem:filesystem-driver=virtiofs field=filesystem:filesystem-readonly=
field=filesystem:filesystem-driver=path field=filesystem:filesystem-accessmode=mapped field=filesystem:filesystem-target-dir=/srv/data field=filesystem:filesystem-readonly=yes
add-template=tpm:crb add-template=tpm:tis field=tpm:tpm-version=1.2 field=tpm:tpm-model=tpm-crb field=tpm:tpm-backend=passthrough field=tpm:tpm-device=/dev/tpm0
field=tpm:tpm-backend=passthrough field=tpm:tpm-device=/dev/tpmrm0 field=tpm:tpm-backend=emulator field=tpm:tpm-version=2.0 field=tpm:tpm-model=
add-template=rng:urandom add-template=rng:builtin field=rng:rng-backend=random field=rng:rng-source=/dev/hwrng field=rng:rng-rate-bytes=2048 field=rng:rng-rate-period=500
field=rng:rng-rate-bytes= field=rng:rng-source= field=rng:rng-backend=builtin field=rng:rng-model=virtio-non-transitional
remove=watchdog add-template=watchdog:i6300esb field=watchdog:watchdog-action=poweroff field=watchdog:watchdog-model=ib700 field=watchdog:watchdog-action=
add-template=panic:isa add-template=panic:hyperv field=panic:panic-model=isa field=panic:panic-model=
add-template=smartcard:passthrough add-template=smartcard:host field=smartcard:smartcard-mode=passthrough
field=smartcard:smartcard-mode=host
remove=vsock add-template=vsock:auto field=vsock:vsock-auto=no field=vsock:vsock-cid=1234
field=vsock:vsock-auto=yes
add-template=graphics:spice add-template=graphics:vnc
remove=memballoon add-template=memballoon:virtio field=memballoon:memballoon-stats=10 field=memballoon:memballoon-autodeflate=on field=memballoon:memballoon-free-page-reporting=on
field=memballoon:memballoon-stats= field=memballoon:memballoon-autodeflate= field=memballoon:memballoon-model=none
SCRIPTS

built=0
if [ -n "$builder" ]; then
  mkdir "$tmp/built"
  if ! "$builder" --dump "$tmp/built" > "$tmp/built.log" 2>&1; then
    echo "Bail out! test-vm-builder --dump failed"
    sed 's/^/# /' "$tmp/built.log"
    exit 1
  fi
  built=$(ls "$tmp/built"/*.xml | wc -l)
fi

n=0
status=0
count=$(ls "$fixtures"/*.xml | wc -l)
scripts=$(wc -l < "$tmp/scripts")
echo "1..$((count * (scripts + 1) + built))"

if [ -n "$builder" ]; then
  for f in "$tmp/built"/*.xml; do
    n=$((n + 1))
    name=$(basename "$f" .xml)
    case $name in
      *-volume-*) schema=storagevol ;;
      *) schema=domain ;;
    esac
    if out=$("$validate" "$f" "$schema" 2>&1); then
      echo "ok $n - built: $name"
    else
      echo "not ok $n - built: $name"
      printf '%s\n' "$out" | sed 's/^/# /'
      sed 's/^/# /' "$f"
      status=1
    fi
  done
fi

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
