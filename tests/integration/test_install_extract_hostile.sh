#!/usr/bin/env bash
# install --archive with archives that attack the extractor through the types of their entries
# (a name made a directory implicitly and then given to a symlink, file or hardlink; a directory
# over a symlink; a file as a parent; hardlinks to symlinks; a hardlink carrying 200 MiB): each
# is refused with exit 2 naming the entry, nothing is written outside the scratch root, no
# /opt/kafka_* of the refused version is left, and the installed release stays as it was.
set -euo pipefail
. "$(dirname "$0")/install_lib.sh"
B=$KA_BINARY
# Uncatalogued versions, so --sha512 is the digest the run checks against.
v=3.9.99
arch=$work/arch
hostile_py=$KA_SOURCE_DIR/tests/support/make_hostile_archives.py
# The cases of this test are those the generator says where they must be refused.
refused=$(cd "$KA_SOURCE_DIR/tests/support" && PYTHONDONTWRITEBYTECODE=1 python3 -c 'import make_hostile_archives as m
for c, at in m.REFUSED_AT.items(): print(c, at)')
KA_HOSTILE_ONLY=$(echo "$refused" | cut -d' ' -f1 | paste -sd,) python3 "$hostile_py" "$arch" $v > "$work/cases"
KA_HOSTILE_ONLY=good python3 "$hostile_py" "$work/arch-good" 3.9.98 > /dev/null
refused_at() { echo "$refused" | awk -v c="$1" '$1 == c { print $2 }'; }

root=$work/root
new_root "$root"
good=$work/arch-good/good/kafka_2.13-3.9.98.tgz
"$B" --root "$root" --quiet install --archive "$good" --kafka-version 3.9.98 --sha512 "$(sha_of "$good")" --java system
[ "$(readlink "$root/opt/kafka")" = kafka_2.13-3.9.98 ] || fail "good install"
# Everything under the root but the log, as path, type, size and link target.
snapshot() { (cd "$root" && find . -path ./var/log -prune -o -printf '%p %y %s %l\n' | sort); }
before=$(snapshot)
shadow_before=$(cat "$root/etc/shadow")

# Every symlink in a Kafka tree resolves inside the root (dangling ones resolve by name).
links_inside() {
  local l t
  while IFS= read -r l; do
    t=$(readlink -m "$l")
    case "$t" in "$root"/*) ;; *) fail "$1: $l resolves to $t, outside the root" ;; esac
  done < <(find "$root"/opt/kafka_* -type l)
}
links_inside good

n=0
while read -r c; do
  at=$(refused_at "$c")
  [ -n "$at" ] || fail "$c: no entry to be refused at"
  n=$((n + 1))
  a=$arch/$c/kafka_2.13-$v.tgz
  set +e
  "$B" --root "$root" install --archive "$a" --kafka-version $v --sha512 "$(sha_of "$a")" --java system \
    --max-unpacked-bytes 1048576 > /dev/null 2> "$work/err.$c"
  rc=$?
  set -e
  echo "$c: $(grep -m1 "^error" "$work/err.$c")"
  [ $rc = 2 ] || fail "$c: exit $rc: $(cat "$work/err.$c")"
  grep -q "^error: refusing Kafka $v: entry 'kafka_2.13-$v/$at' " "$work/err.$c" \
    || fail "$c: the error does not name the entry $at: $(cat "$work/err.$c")"
  [ ! -e "$root/opt/kafka_2.13-$v" ] || fail "$c: half-installed /opt/kafka_2.13-$v left"
  ls -a "$root/opt" | grep -q partial && fail "$c: staging directory left"
  [ "$(snapshot)" = "$before" ] || fail "$c: the root changed: $(diff <(echo "$before") <(snapshot))"
  [ "$(cat "$root/etc/shadow")" = "$shadow_before" ] || fail "$c: etc/shadow changed"
  links_inside "$c"
done < "$work/cases"
[ $n = 7 ] || fail "ran $n of the 7 type-confusion cases"
grep -q 'carries data' "$work/err.hardlink_data" || fail "hardlink_data: $(cat "$work/err.hardlink_data")"
grep -q "already a directory" "$work/err.implicit_dir_symlink" || fail "implicit_dir_symlink: $(cat "$work/err.implicit_dir_symlink")"
echo "PASS"
