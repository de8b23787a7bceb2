#!/usr/bin/env bash
# Builds and runs the tests: the static binary and its unit, golden and black-box tiers, then
# the unit tests again under ASan+UBSan. Run as root on Debian 12 (it installs what it needs).
#   scripts/test.sh            default tiers (well under 15 minutes)
#   KA_TEST_LABELS='unit|integration' scripts/test.sh    pick tiers (CTest label regex)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
"$here/scripts/setup-debian.sh"
labels=${KA_TEST_LABELS:-unit|integration|systemd|chroot}
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > build-configure.log 2>&1 || { cat build-configure.log; exit 1; }
rm -f build-configure.log
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs" -L "$labels"

if [ -z "${KA_SKIP_SANITIZERS:-}" ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKA_SANITIZE=ON > /dev/null
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -L unit
fi
