#!/usr/bin/env bash
# box.sh [CACHE_DIR] -> prints the path of a Vagrant box for the libvirt provider, made from the
# Debian 12 VM disk of tests/vm/disk.sh (built first when missing):
#
#   metadata.json   {"provider": "libvirt", "format": "qcow2", "virtual_size": GB}
#   box.img         the qcow2 disk
#   vmlinuz, initrd.img
#   Vagrantfile     boots them by direct kernel boot (libvirt.kernel/initrd/cmd_line, paths
#                   relative to the box's own directory, where Vagrant unpacked it)
#
# Cached as CACHE_DIR/vagrant-box-<key>/debian12-libvirt.box, keyed by the disk's directory name
# (itself a hash of its recipe) and this file.
#
# box.sh --disk DIR OUT.box -> packages the disk in DIR (disk.qcow2, vmlinuz, initrd.img, cmdline,
#   as tests/vm/disk.sh makes them) as OUT.box, uncached: the baked appliance box of the vagrant
#   test (tests/vagrant/test_vagrant_cluster.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# package DISK_DIR WORK OUT: the box of DISK_DIR's disk, assembled in WORK (removed after), as OUT.
package() {
  local disk=$1 work=$2 out=$3 vsize
  mkdir -p "$work"
  vsize=$(qemu-img info --output=json "$disk/disk.qcow2" | python3 -c 'import json,sys; print(-(-json.load(sys.stdin)["virtual-size"] // 2**30))')
  printf '{"provider": "libvirt", "format": "qcow2", "virtual_size": %s}\n' "$vsize" > "$work/metadata.json"
  ln "$disk/disk.qcow2" "$work/box.img" 2>/dev/null || cp "$disk/disk.qcow2" "$work/box.img"
  cp "$disk/vmlinuz" "$disk/initrd.img" "$work/"
  cat > "$work/Vagrantfile" <<EOF
# Debian 12 (bookworm) made by kafka-appliance's tests/vm/disk.sh; no bootloader: the kernel
# beside this file is booted directly.
Vagrant.configure("2") do |config|
  config.vm.provider :libvirt do |lv|
    lv.kernel = File.join(__dir__, "vmlinuz")
    lv.initrd = File.join(__dir__, "initrd.img")
    lv.cmd_line = "$(cat "$disk/cmdline")"
    lv.disk_bus = "virtio"
  end
end
EOF
  tar -C "$work" -cf "$out" metadata.json Vagrantfile box.img vmlinuz initrd.img
  rm -rf "$work"
}

if [ "${1:-}" = --disk ]; then
  [ $# = 3 ] || { echo "usage: box.sh --disk DIR OUT.box" >&2; exit 2; }
  package "$2" "$3.parts" "$3"
  echo "$3"
  exit 0
fi

cache=${1:-${KA_CLUSTER_CACHE:-/var/cache/kafka-appliance-test}}
disk=$("$here/../vm/disk.sh" "$cache")
key=$( { basename "$disk"; cat "$0"; } | sha256sum | cut -c1-12)
dest=$cache/vagrant-box-$key
box=$dest/debian12-libvirt.box
if [ -f "$dest/.complete" ]; then echo "$box"; exit 0; fi
exec 9>"$cache/.vagrant-box.lock"
flock 9
if [ -f "$dest/.complete" ]; then echo "$box"; exit 0; fi

tmp=$cache/.build-vagrant-box-$$
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
package "$disk" "$tmp/box" "$tmp/debian12-libvirt.box"
touch "$tmp/.complete"
mv "$tmp" "$dest"
trap - EXIT
echo "box.sh: $box ($(du -sh "$box" | cut -f1))" >&2
echo "$box"
