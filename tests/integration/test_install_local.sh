#!/usr/bin/env bash
# install --archive: user and directories, layout, idempotency, upgrade with rollback kept,
# hostile archives, digest mismatch.
set -euo pipefail
. "$(dirname "$0")/install_lib.sh"
B=$KA_BINARY
arch=$work/arch
python3 "$KA_SOURCE_DIR/tests/support/make_hostile_archives.py" "$arch" 3.9.1 > "$work/cases"
KA_HOSTILE_ONLY=good python3 "$KA_SOURCE_DIR/tests/support/make_hostile_archives.py" "$work/arch2" 3.9.2 > /dev/null
root=$work/root
new_root "$root"
good=$arch/good/kafka_2.13-3.9.1.tgz

echo "== first install"
install_good "$root" > "$work/out1"
cat "$work/out1"
grep -q '^created user kafka' "$work/out1" || fail "user not reported"
grep -q '^kafka:x:[0-9]*:[0-9]*:Apache Kafka:/var/lib/kafka:/usr/sbin/nologin$' "$root/etc/passwd" || fail "passwd entry: $(cat "$root/etc/passwd")"
grep -q '^kafka:x:[0-9]*:$' "$root/etc/group" || fail "group entry"
grep -q '^kafka:' "$root/etc/shadow" || fail "shadow entry"
uid=$(awk -F: '$1=="kafka"{print $3}' "$root/etc/passwd")
gid=$(awk -F: '$1=="kafka"{print $3}' "$root/etc/group")
[ "$uid" -lt 1000 ] || fail "kafka is not a system user (uid $uid)"
check_dir() {  # path mode uid gid
  local got; got=$(stat -c '%a %u %g' "$root$1")
  [ "$got" = "$2 $3 $4" ] || fail "$1: $got, want $2 $3 $4"
}
check_dir /etc/kafka 750 0 "$gid"
check_dir /var/lib/kafka/data 750 "$uid" "$gid"
check_dir /var/lib/kafka/meta 750 "$uid" "$gid"
check_dir /var/log/kafka 750 "$uid" "$gid"
check_dir /var/lib/kafka-appliance 700 0 0
[ "$(readlink "$root/opt/kafka")" = kafka_2.13-3.9.1 ] || fail "/opt/kafka link"
[ "$(readlink "$root/opt/java")" = "$system_jdk" ] || fail "/opt/java -> $(readlink "$root/opt/java"), want the system JDK $system_jdk"
grep -q "^/opt/java -> $system_jdk (system Java)" "$work/out1" || fail "system Java link not reported"
[ "$(stat -c '%a %u' "$root/var/lib/kafka-appliance/state.json")" = "600 0" ] || fail "state.json mode"
grep -q "\"artifact_digest\": \"sha512:$(sha_of "$good")\"" "$root/var/lib/kafka-appliance/state.json" || fail "state digest"
[ -x "$root/opt/kafka/bin/kafka-server-start.sh" ] || fail "bin not executable"
[ "$(readlink "$root/opt/kafka/libs/kafka.jar")" = lib00.jar ] || fail "in-tree symlink"
if find "$root/opt/kafka_2.13-3.9.1" ! -type l \( -perm -g+w -o -perm -o+w -o ! -user 0 \) | grep -q .; then
  fail "release writable by others or not root-owned"
fi
ls -a "$root/opt" | grep -q partial && fail "partial left"
before=$(tree_list "$root/opt/kafka_2.13-3.9.1")

echo "== second run changes nothing"
state_before=$(stat -c %Y.%i "$root/var/lib/kafka-appliance/state.json")
install_good "$root" > "$work/out2"
cat "$work/out2"
grep -q 'nothing to do' "$work/out2" || fail "second run not idempotent"
[ "$(stat -c %Y.%i "$root/var/lib/kafka-appliance/state.json")" = "$state_before" ] || fail "state.json rewritten"
install_good "$root" --json | grep -q '"changed": false' || fail "--json changed"

echo "== a modified tree is unpacked again"
echo tampered > "$root/opt/kafka/config/server.properties"
install_good "$root" > "$work/out3" 2>&1
grep -q 'was changed since it was installed' "$work/out3" || fail "tamper not noticed: $(cat "$work/out3")"
grep -q tampered "$root/opt/kafka/config/server.properties" && fail "tampered file kept"
[ "$(tree_list "$root/opt/kafka_2.13-3.9.1")" = "$before" ] || fail "re-unpacked tree differs"

echo "== digest mismatch: exit 2, nothing renamed"
set +e
"$B" --root "$root" install --archive "$work/arch2/good/kafka_2.13-3.9.2.tgz" --sha512 "$(printf '%0128d' 0)" --java system 2> "$work/err"
rc=$?
set -e
cat "$work/err"
[ $rc = 2 ] || fail "digest mismatch exit $rc"
grep -q 'does not match' "$work/err" || fail "mismatch message"
[ -e "$root/opt/kafka_2.13-3.9.2" ] && fail "unverified tree renamed into place"
ls -a "$root/opt" | grep -q partial && fail "partial left after mismatch"

echo "== hostile archives: refused, nothing renamed, /opt/kafka untouched"
while read -r c; do
  [ "$c" = setuid ] && continue
  a=$arch/$c/kafka_2.13-3.9.1.tgz
  set +e
  "$B" --root "$root" install --archive "$a" --private-build --sha512 "$(sha_of "$a")" --java system > /dev/null 2> "$work/err.$c"
  rc=$?
  set -e
  [ $rc = 2 ] || fail "$c: exit $rc: $(cat "$work/err.$c")"
  grep -q "^error: refusing Kafka 3.9.1: entry '" "$work/err.$c" || fail "$c: message: $(cat "$work/err.$c")"
  echo "$c: $(head -1 "$work/err.$c")"
  [ "$(readlink "$root/opt/kafka")" = kafka_2.13-3.9.1 ] || fail "$c: /opt/kafka switched"
  [ "$(tree_list "$root/opt/kafka_2.13-3.9.1")" = "$before" ] || fail "$c: installed tree touched"
  ls -a "$root/opt" | grep -q partial && fail "$c: partial left"
  [ ! -e /tmp/ka-evil ] && [ ! -e /tmp/ka-evil-abs ] || fail "$c: wrote outside the root"
done < "$work/cases"
grep -q 'expansion ratio' "$work/err.bomb" || fail "bomb not caught by the ratio"

echo "== the bomb also hits the size limit when the ratio is lenient"
a=$arch/bomb/kafka_2.13-3.9.1.tgz
set +e
"$B" --root "$root" install --archive "$a" --private-build --sha512 "$(sha_of "$a")" --java system --max-ratio 100000 --max-unpacked-bytes 268435456 2> "$work/err"
rc=$?
set -e
[ $rc = 2 ] && grep -q 'unpacked size past the limit' "$work/err" || fail "size limit: $rc $(cat "$work/err")"

echo "== setuid bits are dropped (warning), not refused"
a=$arch/setuid/kafka_2.13-3.9.1.tgz
r2=$work/root-suid; new_root "$r2"
"$B" --root "$r2" install --archive "$a" --private-build --sha512 "$(sha_of "$a")" --java system > /dev/null 2> "$work/err"
grep -q 'dropped the setuid/setgid/sticky bits of bin/suid-shell' "$work/err" || fail "no setuid warning"
[ "$(stat -c %a "$r2/opt/kafka/bin/suid-shell")" = 755 ] || fail "setuid kept"
[ "$(stat -c %a "$r2/opt/kafka/bin/sgid-tool")" = 755 ] || fail "setgid kept"

echo "== upgrade switches /opt/kafka and keeps the previous release"
a=$work/arch2/good/kafka_2.13-3.9.2.tgz
"$B" --root "$root" install --archive "$a" --private-build --sha512 "$(sha_of "$a")" --java system > "$work/out4"
cat "$work/out4"
[ "$(readlink "$root/opt/kafka")" = kafka_2.13-3.9.2 ] || fail "not switched"
grep -q 'switched /opt/kafka -> kafka_2.13-3.9.2 (was kafka_2.13-3.9.1' "$work/out4" || fail "switch not reported"
[ "$(tree_list "$root/opt/kafka_2.13-3.9.1")" = "$before" ] || fail "previous release not kept intact"
grep -q 'created user' "$work/out4" && fail "user created twice"

echo "== a catalogued version is checked against the pinned digest"
set +e
"$B" --root "$root" install --archive "$good" --java system 2> "$work/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q 'does not match' "$work/err" || fail "catalog digest not applied: $rc $(cat "$work/err")"

echo "== --java system without a Java in the root: exit 2 before anything changes"
r3=$work/root-nojava; new_root "$r3" nojava
cp -a "$r3/etc" "$work/etc-before"
set +e
install_good "$r3" 2> "$work/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q -- "--java system: no Java found at $r3/usr/bin/java" "$work/err" || fail "missing system Java: $rc $(cat "$work/err")"
grep -q 'drop --java system to install Temurin' "$work/err" || fail "no way out named"
[ ! -e "$r3/opt" ] || fail "/opt changed although the run was refused: $(ls -a "$r3/opt")"
diff -r "$work/etc-before" "$r3/etc" > /dev/null || fail "the kafka user was created although the run was refused"
install_good "$r3" --dry-run > /dev/null 2>&1 \
  && fail "--dry-run did not report the missing system Java"

echo "== an uncatalogued version needs --sha512"
cp "$good" "$work/private-build.tgz"
set +e
"$B" --root "$root" install --archive "$work/private-build.tgz" --kafka-version 3.9.99 --java system 2> "$work/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q -- '--sha512' "$work/err" || fail "uncatalogued archive without --sha512: $rc $(cat "$work/err")"
echo "PASS"
