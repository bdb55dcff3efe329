#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# vireo-dhcp-guest.sh OUTDIR
#
# Makes OUTDIR/vmlinuz and OUTDIR/initrd.img: Debian's cloud kernel and a
# busybox initramfs that loads virtio-net and runs udhcpc on every NIC, in
# a loop (so a changed static host entry shows after the next renew), and
# powers off on the ACPI button. The packages come from apt's cache, else
# `apt-get download` (platform-notes.md: "Guest-image inputs"). Nothing is
# installed. Prints nothing on success; reuses what OUTDIR has already.
set -euo pipefail

out=${1:?usage: vireo-dhcp-guest.sh OUTDIR}
[[ -s $out/vmlinuz && -s $out/initrd.img ]] && exit 0
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Downloads are kept here between runs: each test environment is new, and
# the kernel package is 26 MB.
cache=${VIREO_TEST_CACHE_DIR:-/var/cache/vireo-tests}

# The newest .deb of a package: apt's cache, ours, else downloaded (and
# kept in ours).
deb() {
    local pkg=$1 found
    found=$(ls -1 /var/cache/apt/archives/"${pkg}"_*.deb "$cache"/"${pkg}"_*.deb 2>/dev/null | sort -V | tail -n1 || true)
    if [[ -z $found ]]; then
        (cd "$work" && apt-get download -q "$pkg" >/dev/null 2>&1) || {
            echo "vireo-dhcp-guest: cannot get the package $pkg (apt-get download failed)" >&2
            exit 1
        }
        found=$(ls -1 "$work"/"${pkg}"_*.deb | tail -n1)
        if mkdir -p "$cache" 2>/dev/null && cp "$found" "$cache/" 2>/dev/null; then
            found=$cache/${found##*/}
        fi
    fi
    echo "$found"
}

# linux-image-cloud-amd64 is a metapackage: its dependency is the kernel.
meta=$(deb linux-image-cloud-amd64)
kpkg=$(dpkg-deb -f "$meta" Depends | grep -o 'linux-image-[0-9][0-9a-z.-]*-cloud-amd64' | head -n1)
[[ -n $kpkg ]] || { echo "vireo-dhcp-guest: no kernel package in $meta" >&2; exit 1; }
dpkg-deb -x "$(deb "$kpkg")" "$work/k"
dpkg-deb -x "$(deb busybox-static)" "$work/bb"

root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,etc,lib/modules,usr/share/udhcpc}
cp "$work/bb/bin/busybox" "$root/bin/busybox"
for tool in sh mount insmod ip udhcpc sleep poweroff cat ifconfig route echo; do
    ln -s busybox "$root/bin/$tool"
done
kdir=$(ls -d "$work"/k/lib/modules/*)
# In load order.
for m in virtio/virtio_ring.ko virtio/virtio.ko virtio/virtio_pci_legacy_dev.ko \
         virtio/virtio_pci_modern_dev.ko virtio/virtio_pci.ko; do
    cp "$kdir/kernel/drivers/$m" "$root/lib/modules/"
done
cp "$kdir/kernel/net/core/failover.ko" "$kdir/kernel/drivers/net/net_failover.ko" \
   "$kdir/kernel/drivers/net/virtio_net.ko" "$root/lib/modules/"

cat >"$root/usr/share/udhcpc/default.script" <<'SCRIPT'
#!/bin/sh
case "$1" in
    bound|renew)
        ip addr flush dev "$interface"
        ip addr add "$ip/${mask:-24}" dev "$interface"
        echo "vireo-guest: lease $ip on $interface"
        ;;
esac
exit 0
SCRIPT
chmod +x "$root/usr/share/udhcpc/default.script"

cat >"$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover virtio_net; do
    insmod /lib/modules/$m.ko
done
ip link set lo up
for n in /sys/class/net/*; do
    i=${n##*/}
    [ "$i" = lo ] && continue
    ip link set "$i" up
    # -t/-T: keep asking; -A: retry soon after a failure; a release and a
    # new request every 4 s so that a changed host entry is picked up.
    ( while true; do udhcpc -i "$i" -f -q -t 5 -T 1 -A 1 -s /usr/share/udhcpc/default.script; sleep 4; done ) &
done
echo "vireo-guest: up"
while true; do sleep 3600; done
INIT
chmod +x "$root/init"

# busybox has cpio -o; the host may have no cpio at all.
(cd "$root" && find . | "$work/bb/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$out/initrd.img.tmp"
cp "$(ls "$work"/k/boot/vmlinuz-*)" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initrd.img.tmp" "$out/initrd.img"
