#!/usr/bin/env bash
# A converged `bootstrap` re-run: the tool's own time (`tool_seconds` of its JSON report) to find
# that nothing changed, against a baseline measured in the same run: `render` of the same node
# to stdout (the same templates, no reading back, no checks). Goal: a re-run <= 0.1 s.
# A ZooKeeper member on a temp --root (no JVM, no systemd: --no-start), so it runs anywhere.
# Usage: bench/rerun.sh [RUNS] (default 20; KA_BINARY: the binary, default build/kafka-appliance).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
B=${KA_BINARY:-$here/build/kafka-appliance}
runs=${1:-20}
work=$(mktemp -d /tmp/ka-bench-rerun.XXXXXX)
trap 'rm -rf "$work"' EXIT
: > "$work/empty.toml"
node=(--kafka-version 3.9.1 --role zookeeper --node-id 2 --memory 2G
      --zookeeper-server 1@10.0.3.11:2888:3888,2@10.0.3.12:2888:3888,3@10.0.3.13:2888:3888)
"$B" --config "$work/empty.toml" --root "$work/root" --quiet bootstrap "${node[@]}" --skip-install --no-start > /dev/null
seconds() { python3 -c 'import sys,time; t=time.monotonic(); import subprocess; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print("%.4f" % (time.monotonic()-t))' "$@"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
: > "$work/tool"; : > "$work/rerun"; : > "$work/render"
for _ in $(seq "$runs"); do
  r=$("$B" --config "$work/empty.toml" --root "$work/root" --json bootstrap "${node[@]}" --skip-install --no-start 2>/dev/null)
  jq -e '.changed == false' <<<"$r" > /dev/null || { echo "bench: the re-run changed something: $r" >&2; exit 1; }
  jq -r .tool_seconds <<<"$r" >> "$work/tool"
  seconds "$B" --config "$work/empty.toml" --root "$work/root" --json bootstrap "${node[@]}" --skip-install --no-start >> "$work/rerun"
  seconds "$B" --config "$work/empty.toml" render "${node[@]}" >> "$work/render"
done
tool=$(median < "$work/tool"); rerun=$(median < "$work/rerun"); render=$(median < "$work/render")
printf 'converged bootstrap re-run (median of %d): tool_seconds %.4f s (goal <= 0.1 s: %s), process %.4f s\n' \
  "$runs" "$tool" "$(python3 -c "import sys; print('met' if float(sys.argv[1]) <= 0.1 else 'NOT met')" "$tool")" "$rerun"
printf 'baseline: render of the same node %.4f s; re-run / render = %.2f\n' "$render" "$(python3 -c "import sys; print(float(sys.argv[1]) / float(sys.argv[2]))" "$rerun" "$render")"
