#!/usr/bin/env bash
# The benchmark end to end with a tiny tarball: the script works and peak RSS stays bounded.
# Timing goals are judged only by the full bench (bench/run.sh 120), not here.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in python3 openssl gpg curl /usr/bin/time; do command -v "$t" > /dev/null || { echo "SKIP: no $t"; exit 77; }; done
out=$(KA_BENCH_RUNS=1 "$KA_SOURCE_DIR/bench/run.sh" 4)
echo "$out"
echo "$out" | grep -q 'peak RSS' || { echo "FAIL: no figures"; exit 1; }
# The converged re-run benchmark works (its 0.1 s goal is judged by bench/rerun.sh itself).
out=$(KA_BINARY=$KA_BINARY "$KA_SOURCE_DIR/bench/rerun.sh" 2)
echo "$out"
grep -q 'tool_seconds [0-9.]* s' <<<"$out" && grep -q 're-run / render = [0-9.]*' <<<"$out" || { echo "FAIL: no re-run figures"; exit 1; }
