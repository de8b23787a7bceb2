#!/usr/bin/env bash
# native-calls.sh BINARY ROOT [N]: the tool time of the native Kafka calls on a running node whose
# rendered config is under ROOT (its /etc/kafka/server.properties), N times each (default 20):
# `status` (DescribeQuorum, the produce round trip) and `safe-to-stop` (one whole gate check),
# medians and maxima in ms; then kafka-metadata-quorum.sh once, for comparison (CPU seconds and
# peak RSS of its JVM), when KAFKA_HOME is set.
set -euo pipefail
bin=$1 root=$2 n=${3:-20}
st=() sts=() q=() s=()
for _ in $(seq "$n"); do
  j=$("$bin" --root "$root" --json status 2>/dev/null || true)
  q+=("$(jq -r '.quorum_ms // empty' <<<"$j")")
  s+=("$(jq -r '.serve_ms // empty' <<<"$j")")
  j=$("$bin" --root "$root" --json safe-to-stop 2>/dev/null || true)
  sts+=("$(jq -c '.snapshot.call_ms' <<<"$j")")
  st+=("$(jq -r '.tool_ms' <<<"$j")")
done
stats() { printf '%s\n' "$@" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {printf "median %.1f ms, max %.1f ms (n=%d)\n", a[int((NR+1)/2)], a[NR], NR}'; }
echo "status DescribeQuorum:          $(stats "${q[@]}")"
echo "status produce round trip:      $(stats "${s[@]}")"
echo "safe-to-stop whole check:       $(stats "${st[@]}")"
for part in cluster topics configs reassignments quorum; do
  vals=(); for c in "${sts[@]}"; do vals+=("$(jq -r --arg p "$part" '.[$p] // empty' <<<"$c")"); done
  printf '  %-14s                %s\n' "$part" "$(stats "${vals[@]}")"
done
if [ -n "${KAFKA_HOME:-}" ]; then
  ctl=$(sed -n 's/^listeners=.*CONTROLLER:\/\/\([^,]*\).*/\1/p' "$root/etc/kafka/server.properties")
  /usr/bin/time -f "kafka-metadata-quorum.sh describe --status: %e s wall, %U+%S s CPU, %M KB peak RSS" \
    "$KAFKA_HOME/bin/kafka-metadata-quorum.sh" --bootstrap-controller "$ctl" describe --status > /dev/null
fi
