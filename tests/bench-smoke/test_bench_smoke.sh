#!/usr/bin/env bash
# The benchmark end to end with a tiny tarball: the script works and peak RSS stays bounded.
# Timing goals are judged only by the full bench (bench/run.sh 120), not here.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in python3 openssl gpg curl /usr/bin/time; do command -v "$t" > /dev/null || { echo "SKIP: no $t"; exit 77; }; done
out=$(KA_BENCH_RUNS=1 "$KA_SOURCE_DIR/bench/run.sh" 4)
echo "$out"
echo "$out" | grep -q 'peak RSS' || { echo "FAIL: no figures"; exit 1; }
