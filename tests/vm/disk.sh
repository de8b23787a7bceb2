#!/usr/bin/env bash
# disk.sh [CACHE_DIR] -> prints a directory holding a bootable Debian 12 VM disk:
#
#   DIR/disk.qcow2    one ext4 filesystem on the whole disk (no partition table, no bootloader)
#   DIR/vmlinuz       the Debian kernel (linux-image-amd64) of that filesystem
#   DIR/initrd.img    its initramfs (virtio and ext4 drivers included by initramfs-tools)
#   DIR/cmdline       the kernel command line to boot it with (root=/dev/vda ...)
#
# disk.sh --root [CACHE_DIR] -> prints a directory with the same vmlinuz, initrd.img and cmdline
#   and root/, the filesystem tree the disk is made of: derived images (the baked appliance of
#   tests/images-vm/) are made from an overlay on it, never by changing it.
# disk.sh --image ROOT OUT -> writes OUT, a disk of the directory ROOT made the same way as
#   disk.qcow2 (OUT ending in .raw: a raw image, else qcow2).
#
# The VM boots by direct kernel boot (QEMU -kernel/-initrd/-append, libvirt <kernel>, vagrant-
# libvirt's libvirt.kernel): no bootloader to install, which needs no loop devices or partitioning
# and keeps the build a plain mmdebstrap + mke2fs -d. The guest has systemd, systemd-networkd
# (DHCP on eth0; net.ifnames=0 so the NICs are eth0, eth1, ... in PCI order), openssh-server with
# host keys made at first boot (every VM of the image gets its own), and a `vagrant` user with
# passwordless sudo and Vagrant's well-known insecure public key (the convention of every Vagrant
# box; Vagrant replaces it by a fresh key on the first `vagrant up`). /etc/machine-id is empty, so
# every VM generates its own at first boot (and with it its own DHCP client identity).
#
# Cached under CACHE_DIR (default $KA_CLUSTER_CACHE or /var/cache/kafka-appliance-test), keyed by
# a hash of this file and the public key; built in a temporary directory renamed into place when
# complete, so an interrupted build never looks usable. Needs root, mmdebstrap, mke2fs (e2fsprogs
# >= 1.43 for -d) and qemu-img.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
size=${KA_VM_DISK_SIZE:-6G}

# make_disk ROOT OUT: one ext4 filesystem of ROOT's tree on the whole disk.
make_disk() {
  local root=$1 out=$2
  for c in mke2fs qemu-img; do
    command -v "$c" >/dev/null || { echo "disk.sh: $c is missing (apt-get install -y e2fsprogs qemu-utils)" >&2; exit 1; }
  done
  rm -f "$out.raw"
  qemu-img create -q -f raw "$out.raw" "$size"
  mke2fs -q -t ext4 -L root -d "$root" "$out.raw"
  case $out in
    *.raw) mv "$out.raw" "$out" ;;
    *) qemu-img convert -O qcow2 "$out.raw" "$out"; rm -f "$out.raw" ;;
  esac
}

if [ "${1:-}" = --image ]; then
  [ $# = 3 ] && [ -d "$2" ] || { echo "usage: disk.sh --image ROOT_DIR OUT(.raw|.qcow2)" >&2; exit 2; }
  make_disk "$2" "$3"
  exit 0
fi
want=disk
if [ "${1:-}" = --root ]; then want=root; shift; fi
cache=${1:-${KA_CLUSTER_CACHE:-/var/cache/kafka-appliance-test}}
pubkey=${KA_VM_PUBKEY:-$here/vagrant-insecure.pub}
packages=linux-image-amd64,systemd,systemd-sysv,dbus,openssh-server,sudo,iproute2,procps,netbase,python3,ca-certificates
recipe=2
key=$( { echo "$packages $recipe"; cat "$0" "$pubkey"; } | sha256sum | cut -c1-12)
rdest=$cache/vmroot-bookworm-$key
dkey=$( { echo "$key $size"; } | sha256sum | cut -c1-12)
dest=$cache/vmdisk-bookworm-$dkey
if [ "$want" = root ] && [ -f "$rdest/.complete" ]; then echo "$rdest"; exit 0; fi
if [ "$want" = disk ] && [ -f "$dest/.complete" ]; then echo "$dest"; exit 0; fi

[ "$(id -u)" = 0 ] || { echo "disk.sh: needs root (mmdebstrap --mode=root)" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache/.vmdisk.lock"
flock 9
tmp=$cache/.build-vmdisk-$$
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)

# --- the tree (cached as vmroot-*) ----------------------------------------------------------------
if [ ! -f "$rdest/.complete" ]; then
  command -v mmdebstrap >/dev/null || { echo "disk.sh: mmdebstrap is missing (apt-get install -y mmdebstrap)" >&2; exit 1; }
  root=$tmp/root
  mkdir -p "$tmp"
  mmdebstrap --mode=root --variant=minbase --include="$packages" \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    bookworm "$root" http://deb.debian.org/debian >&2

  in_root() { chroot "$root" "$@"; }
  in_root systemctl set-default multi-user.target >&2
  for u in systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
           fstrim.timer dpkg-db-backup.timer man-db.timer; do
    in_root systemctl mask "$u" >/dev/null 2>&1 || true
  done
  echo 'debian' > "$root/etc/hostname"
  printf '127.0.0.1 localhost\n127.0.1.1 debian\n' > "$root/etc/hosts"
  printf '/dev/vda / ext4 defaults,noatime 0 1\n' > "$root/etc/fstab"

  # Network: systemd-networkd, DHCP on the first NIC (Vagrant's management network); Vagrant writes
  # its own 50-vagrant-ethN.network files for the private network and restarts networkd.
  mkdir -p "$root/etc/systemd/network"
  printf '[Match]\nName=eth0\n\n[Network]\nDHCP=ipv4\n' > "$root/etc/systemd/network/99-eth0-dhcp.network"
  in_root systemctl enable systemd-networkd.service >&2
  in_root systemctl mask systemd-networkd-wait-online.service >/dev/null 2>&1 || true

  # SSH: host keys per VM, made at first boot; no DNS lookups of clients (no resolver in the test).
  rm -f "$root"/etc/ssh/ssh_host_*
  mkdir -p "$root/etc/systemd/system/ssh.service.d"
  printf '[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n' \
    > "$root/etc/systemd/system/ssh.service.d/host-keys.conf"
  printf 'UseDNS no\n' > "$root/etc/ssh/sshd_config.d/vagrant.conf"

  # The vagrant user (the Vagrant box convention).
  in_root useradd -m -s /bin/bash -U vagrant
  echo 'vagrant:vagrant' | in_root chpasswd
  printf 'vagrant ALL=(ALL) NOPASSWD: ALL\nDefaults:vagrant !requiretty\n' > "$root/etc/sudoers.d/vagrant"
  chmod 0440 "$root/etc/sudoers.d/vagrant"
  install -d -m 0700 -o "$(in_root id -u vagrant)" -g "$(in_root id -g vagrant)" "$root/home/vagrant/.ssh"
  install -m 0600 -o "$(in_root id -u vagrant)" -g "$(in_root id -g vagrant)" "$pubkey" "$root/home/vagrant/.ssh/authorized_keys"

  : > "$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id"
  rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*_Packages

  # Kernel and initramfs out of the image, for direct kernel boot.
  kver=$(basename "$(ls -d "$root"/lib/modules/* | head -1)")
  cp "$root/boot/vmlinuz-$kver" "$tmp/vmlinuz"
  cp "$root/boot/initrd.img-$kver" "$tmp/initrd.img"
  echo "root=/dev/vda rw console=ttyS0 net.ifnames=0 biosdevname=0" > "$tmp/cmdline"
  echo "$kver" > "$tmp/kernel-version"
  touch "$tmp/.complete"
  mv "$tmp" "$rdest"
  echo "disk.sh: built the tree $rdest (kernel $kver) in $(( $(date +%s) - start )) s" >&2
fi
if [ "$want" = root ]; then trap - EXIT; echo "$rdest"; exit 0; fi

# --- the disk (cached as vmdisk-*) ----------------------------------------------------------------
if [ ! -f "$dest/.complete" ]; then
  mkdir -p "$tmp"
  cp "$rdest/vmlinuz" "$rdest/initrd.img" "$rdest/cmdline" "$rdest/kernel-version" "$tmp/"
  make_disk "$rdest/root" "$tmp/disk.qcow2"
  touch "$tmp/.complete"
  mv "$tmp" "$dest"
  echo "disk.sh: built $dest (kernel $(cat "$dest/kernel-version"), $(du -sh "$dest/disk.qcow2" | cut -f1) qcow2) in $(( $(date +%s) - start )) s" >&2
fi
trap - EXIT
echo "$dest"
