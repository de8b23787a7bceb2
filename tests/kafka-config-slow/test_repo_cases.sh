#!/usr/bin/env bash
# The repository's own validate test cases judged by the real Kafka and ZooKeeper (issue 10, 4a):
# every config the validate unit tests check (tests/unit/validate, written out by helpers.hpp when
# KA_VALIDATE_CASES_DIR is set; the format-time cases excepted, KafkaConfig has no such rules) and
# every file the validate CLI test hands the binary (recorded by a shim in front of it), each
# with the version the test names, through differential.py. Fails below KA_DIFF_CASES_MIN (100, per
# release; the figures and the known differences are in docs/validate.md). In the slow tier: one
# JVM per release the tests name, about 3 minutes on a busy 2-core machine.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${KA_BINARY:-$here/build/kafka-appliance}
BUILD=${KA_BUILD_DIR:-$here/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cases=$work/cases
mkdir -p "$cases"

KA_VALIDATE_CASES_DIR=$cases "$BUILD/test_validate" >"$work/unit.log" 2>&1 \
  || { cat "$work/unit.log"; echo "FAIL: the validate unit tests fail"; exit 1; }

# The shim records the files of each `validate` call (by --kafka-version, or as ZooKeeper config
# with its --myid), then runs the real binary.
cat >"$work/shim" <<'SHIM'
#!/usr/bin/env bash
version="" myid="" seen_validate=0 files=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  a=${args[i]}
  case "$a" in
    validate) seen_validate=1 ;;
    --kafka-version) version=${args[i + 1]:-} ;;
    --myid) myid=${args[i + 1]:-} ;;
    --explain|--list-rules|--standalone|--initial-controllers|--no-initial-controllers|--format) seen_validate=0; break ;;
    *) [ "$seen_validate" = 1 ] && [ -f "$a" ] && files+=("$a") ;;
  esac
done
if [ "$seen_validate" = 1 ]; then
  for f in "${files[@]}"; do
    if grep -qE '^(dataDir|clientPort|tickTime|server\.[0-9])' "$f"; then
      d=$KA_SHIM_CASES/zookeeper; mkdir -p "$d"; id=cli-$RANDOM$RANDOM
      cp "$f" "$d/$id.cfg"; [ -n "$myid" ] && echo "$myid" >"$d/$id.myid"
    elif [ -n "$version" ]; then
      d=$KA_SHIM_CASES/$version; mkdir -p "$d"; cp "$f" "$d/cli-$RANDOM$RANDOM.properties"
    fi
  done
fi
exec "$KA_REAL_BINARY" "$@"
SHIM
chmod +x "$work/shim"
KA_SHIM_CASES=$cases KA_REAL_BINARY=$BIN KA_BINARY=$work/shim bash "$here/tests/integration/test_validate_cli.sh" >"$work/cli.log" 2>&1 \
  || { cat "$work/cli.log"; echo "FAIL: the validate CLI test fails"; exit 1; }

echo "cases: $(find "$cases" -name '*.properties' | wc -l) Kafka configs, $(find "$cases" -name '*.cfg' | wc -l) ZooKeeper configs"
exec python3 "$here/tests/kafka-config/differential.py" --binary "$BIN" --cases "$cases" --show 40 \
  --min-agreement "${KA_DIFF_CASES_MIN:-100}"
