#!/usr/bin/env bash
# The static binary runs on an older distribution: `--version` and a full `render` inside a
# Debian bullseye (glibc 2.31) chroot made by mmdebstrap. The rootfs tarball is cached under
# /var/cache/kafka-appliance-test/ so later runs take seconds; the unpacked chroot is removed.
set -euo pipefail
BIN=${KA_BINARY:?KA_BINARY must point at kafka-appliance}
command -v mmdebstrap >/dev/null || { echo "SKIP: mmdebstrap is not installed (apt-get install mmdebstrap)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: chroot needs root"; exit 77; }

cache=/var/cache/kafka-appliance-test
tarball=$cache/bullseye-minbase.tar
mirror=${KA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$cache"
(
  flock 9
  if [ ! -s "$tarball" ]; then
    echo "building $tarball with mmdebstrap (once)"
    partial="$tarball.partial.$$"
    trap 'rm -f "$partial"' EXIT
    mmdebstrap --quiet --variant=minbase --format=tar bullseye "$partial" "$mirror"
    mv "$partial" "$tarball"
  fi
) 9>"$cache/.bullseye.lock"

chroot_dir=$(mktemp -d /var/tmp/ka-bullseye.XXXXXX)
trap 'rm -rf --one-file-system "$chroot_dir"' EXIT
tar -xf "$tarball" -C "$chroot_dir"
install -m 0755 "$BIN" "$chroot_dir/usr/local/bin/kafka-appliance"

glibc=$(chroot "$chroot_dir" /usr/bin/ldd --version | sed -n 1p)
echo "chroot: $(cat "$chroot_dir/etc/debian_version"), $glibc"

version=$(chroot "$chroot_dir" /usr/local/bin/kafka-appliance --version)
[[ "$version" == kafka-appliance\ * ]] || { echo "FAIL: --version printed '$version'"; exit 1; }
echo "ok: $version"

render() {
  chroot "$chroot_dir" /usr/local/bin/kafka-appliance --root /tmp/node --config /dev/null render \
    --role broker --node-id 101 --controller 1@10.0.1.11:9093,2@10.0.1.12:9093,3@10.0.1.13:9093 \
    --advertise PLAINTEXT://10.0.2.21:9092 --cluster-id MkU3OEVBNTcwNTJENDM2Qg --memory 2G
}
out=$(render 2>&1) || { echo "FAIL: render in the chroot: $out"; exit 1; }
grep -q "created   /etc/kafka/server.properties" <<<"$out" || { echo "FAIL: render output: $out"; exit 1; }
grep -qx "node.id=101" "$chroot_dir/tmp/node/etc/kafka/server.properties" || { echo "FAIL: server.properties"; exit 1; }
# No /proc in the chroot: the heap comes from --memory.
grep -qx 'KAFKA_HEAP_OPTS="-Xms512m -Xmx512m"' "$chroot_dir/tmp/node/etc/kafka/jvm.env" || { echo "FAIL: jvm.env"; exit 1; }
out=$(render 2>&1) || { echo "FAIL: second render in the chroot: $out"; exit 1; }
grep -q "nothing changed" <<<"$out" || { echo "FAIL: second render changed something: $out"; exit 1; }
echo "ok: render in bullseye, and again with nothing changed"
