#!/usr/bin/env bash
# Every unit render writes passes `systemd-analyze verify` (offline, under a scratch root) and
# scores at most 2.0 in `systemd-analyze security --offline=true` (0 = locked down, 10 = exposed).
set -uo pipefail
BIN=${KA_BINARY:?KA_BINARY must point at kafka-appliance}
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed"; exit 77; }
[ -d /usr/lib/systemd/system ] || { echo "SKIP: no /usr/lib/systemd/system to resolve the units' dependencies"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$work/empty.toml"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

VOTERS=1@10.0.1.11:9093,2@10.0.1.12:9093,3@10.0.1.13:9093
ZK=1@10.0.3.11:2888:3888,2@10.0.3.12:2888:3888,3@10.0.3.13:2888:3888
# name|unit|render arguments
cases=(
  "controller-4.2|kafka.service|--role controller --node-id 1 --controller $VOTERS"
  "broker-4.2|kafka.service|--role broker --node-id 101 --controller $VOTERS --advertise PLAINTEXT://10.0.2.21:9092"
  "combined-4.2|kafka.service|--role combined --node-id 2 --controller $VOTERS --advertise PLAINTEXT://10.0.1.12:9092"
  "dynamic-controller-4.2|kafka.service|--role controller --node-id 1 --controller-bootstrap 10.0.1.11:9093 --advertise CONTROLLER://10.0.1.11:9093"
  "controller-3.9|kafka.service|--kafka-version 3.9.1 --role controller --node-id 1 --controller $VOTERS"
  "zk-broker-3.9|kafka.service|--kafka-version 3.9.1 --role broker --node-id 1 --zookeeper-server $ZK --advertise PLAINTEXT://10.0.2.21:9092 --data-dir /data/disk1/kafka"
  "zookeeper-3.9|zookeeper.service|--kafka-version 3.9.1 --role zookeeper --node-id 1 --zookeeper-server $ZK"
)

for c in "${cases[@]}"; do
  IFS='|' read -r name unit args <<<"$c"
  root="$work/$name"
  # shellcheck disable=SC2086
  if ! out=$("$BIN" --root "$root" --config "$work/empty.toml" -q render --memory 4G $args 2>&1); then
    fail "$name: render failed: $out"
    continue
  fi
  # The unit's dependencies come from the host's systemd; its commands must exist in the root.
  mkdir -p "$root/usr/lib/systemd" "$root/opt/kafka/bin" "$root/bin"
  cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
  for exe in /opt/kafka/bin/kafka-server-start.sh /opt/kafka/bin/zookeeper-server-start.sh /bin/kill; do
    install -m 0755 /dev/null "$root$exe"
  done
  # The paths the sandbox makes writable must exist, or the unit fails at start.
  for p in $(sed -n 's/^ReadWritePaths=//p' "$root/etc/systemd/system/$unit"); do
    [ -d "$root$p" ] || fail "$name: ReadWritePaths $p was not created by render"
  done
  vout=$(systemd-analyze verify --root="$root" --man=no --generators=no "/etc/systemd/system/$unit" 2>&1)
  rc=$?
  [ "$rc" -eq 0 ] && [ -z "$vout" ] || fail "$name: systemd-analyze verify $unit (exit $rc): $vout"
  sout=$(systemd-analyze security --offline=true --threshold=20 "$root/etc/systemd/system/$unit" 2>&1)
  rc=$?
  score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$sout")
  [ "$rc" -eq 0 ] || fail "$name: systemd-analyze security exit $rc (score ${score:-?} above 2.0)"
  if [ -z "$score" ]; then
    fail "$name: no exposure score in: $sout"
  elif awk -v s="$score" 'BEGIN { exit !(s > 2.0) }'; then
    fail "$name: exposure $score > 2.0"
  fi
  # What a JVM needs must survive the hardening.
  grep -q '^MemoryDenyWriteExecute=' "$root/etc/systemd/system/$unit" && fail "$name: MemoryDenyWriteExecute breaks the JIT"
  echo "ok: $name $unit verify clean, exposure ${score:-?}"
done

if [ "$fails" -ne 0 ]; then
  echo "$fails check(s) failed"
  exit 1
fi
