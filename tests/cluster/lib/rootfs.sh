#!/usr/bin/env bash
# rootfs.sh [CACHE_DIR] -> prints the path of a cached Debian 12 rootfs for cluster-test hosts.
#
# Built once with mmdebstrap and kept under CACHE_DIR (default /var/cache/kafka-appliance-test),
# keyed by the package list and a recipe number, so changing either makes a new one (bump
# recipe whenever the set-up below changes). The build goes to a temporary directory that is renamed into place only when complete, so
# an interrupted build never leaves a rootfs that looks usable. Hosts never write to it: each one
# boots from an overlay on top of it (see cluster.sh).
set -euo pipefail

cache=${1:-${KA_CLUSTER_CACHE:-/var/cache/kafka-appliance-test}}
# No Java and no Kafka: the product installs both (a Temurin-packaged JRE and the real Kafka
# distribution of tests/realkafka/, fetched over HTTPS). python3 runs the harness's probes inside
# a host; dbus lets systemctl and journalctl in the container behave as on a VM; procps gives
# kafka-server-stop.sh its ps.
packages=systemd,systemd-sysv,dbus,iproute2,procps,netbase,python3
recipe=2
key=$(echo "$packages $recipe" | sha256sum | cut -c1-12)
dest="$cache/rootfs-bookworm-$key"

if [ -f "$dest/.complete" ]; then
  echo "$dest"
  exit 0
fi

command -v mmdebstrap >/dev/null || { echo "rootfs.sh: mmdebstrap is missing: apt-get install -y mmdebstrap" >&2; exit 1; }
mkdir -p "$cache"
# one builder at a time; a second caller waits and then finds the finished rootfs
exec 9>"$cache/.lock"
flock 9
if [ -f "$dest/.complete" ]; then
  echo "$dest"
  exit 0
fi

tmp="$cache/.build-$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
mmdebstrap --mode=root --variant=minbase --include="$packages" \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  bookworm "$tmp" http://deb.debian.org/debian >&2

chroot "$tmp" systemctl set-default multi-user.target >&2
# Units a container does not need and that only slow the boot or fail without hardware.
for u in systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
         fstrim.timer dpkg-db-backup.timer man-db.timer; do
  chroot "$tmp" systemctl mask "$u" >/dev/null 2>&1 || true
done
# mmdebstrap leaves machine-id empty, which systemd 252 does not treat as a first boot; the
# product's first-boot unit relies on ConditionFirstBoot, so make every host a first boot.
echo uninitialized > "$tmp/etc/machine-id"
passwd -R "$tmp" -d root >/dev/null 2>&1 || chroot "$tmp" passwd -d root >/dev/null
# journals must survive the container so the harness can collect them after a failure
mkdir -p "$tmp/var/log/journal"
rm -rf "$tmp/var/cache/apt/archives"/*.deb "$tmp/var/lib/apt/lists"/*_Packages
touch "$tmp/.complete"
mv "$tmp" "$dest"
trap - EXIT
echo "rootfs.sh: built $dest in $(( $(date +%s) - start )) s" >&2
echo "$dest"
