#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/fuzz_*.cpp) with clang, ASan and UBSan, and runs each for a
# bounded time on a copy of its seed corpus (fuzz/corpus/<target>/, never written to).
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
# Prints runs, coverage and corpus size per target; exits non-zero when a target crashes, leaving
# the input in build-fuzz/artifacts/.
set -euo pipefail
secs=${1:-30}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
build=${KA_FUZZ_BUILD_DIR:-build-fuzz}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
  -DKA_FUZZ=ON -DKA_SANITIZE=ON > /dev/null
targets=()
for f in fuzz/fuzz_*.cpp; do targets+=("$(basename "$f" .cpp)"); done
cmake --build "$build" -j"${KA_FUZZ_JOBS:-2}" --target "${targets[@]}"
mkdir -p "$build/artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  log="$build/artifacts/$t.log"
  seeds=()
  [ -d "fuzz/corpus/$t" ] && seeds=("fuzz/corpus/$t")
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     "$build/$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 "$work/$t" "${seeds[@]}" > "$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    printf '%-14s ok  %ss  runs %s  %s  corpus %s\n' "$t" "$secs" "$runs" "$cov" "$(ls "$work/$t" | wc -l)"
  else
    printf '%-14s CRASH (see %s and %s/artifacts/%s-*)\n' "$t" "$log" "$build" "$t"
    grep -m5 -E 'ERROR|runtime error|SUMMARY' "$log" || true
    status=1
  fi
done
exit $status
