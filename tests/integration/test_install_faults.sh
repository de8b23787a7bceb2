#!/usr/bin/env bash
# install under faults: a full file system, and kill -9 at random points followed by a re-run
# that must leave the same tree as a clean install, with no staging directory left.
set -euo pipefail
. "$(dirname "$0")/install_lib.sh"
B=$KA_BINARY
# A tarball big enough (~40 MB, level-1 gzip) that a kill lands in every phase.
KA_HOSTILE_ONLY=good python3 "$KA_SOURCE_DIR/tests/support/make_hostile_archives.py" "$work/arch" 3.9.1 --big 40 > /dev/null
a=$work/arch/good/kafka_2.13-3.9.1.tgz
sha=$(sha_of "$a")
run() { "$B" --root "$1" --quiet install --archive "$a" --private-build --sha512 "$sha" --java system; }

echo "== reference: a clean install"
ref=$work/ref; new_root "$ref"
# The kill grid spans the fastest of three clean installs: the first one also reads the archive
# into the page cache, and one slow run on a loaded machine would put most kill points past the end.
dur_ms=
for n in 1 2 3; do
  r=$ref; [ $n = 1 ] || { r=$work/timing$n; new_root "$r"; }
  t0=$(date +%s%N); run "$r"; t1=$(date +%s%N)
  d=$(( (t1 - t0) / 1000000 ))
  [ -z "$dur_ms" ] || [ "$d" -lt "$dur_ms" ] && dur_ms=$d
  [ $n = 1 ] || rm -rf "$r"
done
echo "clean install took ${dur_ms} ms (the fastest of 3)"
ref_list=$(tree_list "$ref/opt/kafka_2.13-3.9.1")

echo "== full disk: an 8 MiB tmpfs as the root"
full=$work/full; mkdir -p "$full"
mount -t tmpfs -o size=8m tmpfs "$full"
cleanup_hooks+=("umount '$full'")
new_root "$full"
set +e
"$B" --root "$full" install --archive "$a" --private-build --sha512 "$sha" --java system 2> "$work/err"
rc=$?
set -e
cat "$work/err"
[ $rc = 1 ] || fail "full disk: exit $rc"
grep -q 'No space left on device\|file system is full' "$work/err" || fail "full disk: message"
ls -a "$full/opt" | grep -q 'partial\|kafka_' && fail "full disk: left $(ls -a "$full/opt")"
[ -e "$full/opt/kafka" ] && fail "full disk: /opt/kafka created"
umount "$full"; cleanup_hooks=()

echo "== kill -9 at 32 random points, then a re-run"
root=$work/root; new_root "$root"
kills=0
for i in $(seq 1 32); do
  # Each round does real work when the kill lands: a first install (empty /opt), a re-unpack
  # over a tampered tree (exchange with the existing directory), or one with no record of it.
  case $(( i % 3 )) in
    0) rm -rf "$root/opt" "$root/var/lib/kafka-appliance/state.json"; what="first install" ;;
    1) [ -d "$root/opt/kafka_2.13-3.9.1" ] && rm -f "$root/opt/kafka_2.13-3.9.1/libs/big000.jar"; what="tampered tree" ;;
    2) rm -f "$root/var/lib/kafka-appliance/state.json"; what="unrecorded tree" ;;
  esac
  # A jittered grid over the first 85% of a clean run, the first milliseconds included.
  delay_ms=$(( (i - 1) * dur_ms * 85 / 3200 + RANDOM % 15 ))
  "$B" --root "$root" --quiet install --archive "$a" --private-build --sha512 "$sha" --java system > /dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -9 $pid 2>/dev/null && killed=killed || killed="finished before"
  wait $pid 2>/dev/null || true
  left=$(ls -a "$root/opt" 2>/dev/null | grep -c 'partial\|\.old\.' || true)
  run "$root" 2> "$work/rerun.err" || fail "re-run after kill at ${delay_ms} ms failed: $(cat "$work/rerun.err")"
  ls -a "$root/opt" | grep -q 'partial\|\.old\.' && fail "staging left after re-run (kill at ${delay_ms} ms): $(ls -a "$root/opt")"
  [ "$(readlink "$root/opt/kafka")" = kafka_2.13-3.9.1 ] || fail "link after kill at ${delay_ms} ms"
  [ "$(tree_list "$root/opt/kafka_2.13-3.9.1")" = "$ref_list" ] || fail "tree differs from a clean install after kill at ${delay_ms} ms"
  cmp -s "$root/opt/kafka/libs/big000.jar" "$ref/opt/kafka/libs/big000.jar" || fail "content differs after kill at ${delay_ms} ms"
  [ "$killed" = killed ] && kills=$((kills + 1))
  echo "round $i ($what): $killed at ${delay_ms} ms, $left staging dir(s) left by it; the re-run gives the clean tree"
done
echo "$kills runs killed mid-way"
[ "$kills" -ge 20 ] || fail "only $kills kills landed inside a run (want 20)"
echo "PASS"
