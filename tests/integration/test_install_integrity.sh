#!/usr/bin/env bash
# Smaller holes of issue 7 (item 11), through the binary under a scratch root:
#  - a symlink where a directory is expected (planted by the kafka user in a directory it owns)
#    is refused (exit 3) and nothing is created or changed where it points;
#  - an installed release whose script was edited keeping its size and mtime is not "intact";
#  - with the caller's umask 000, nothing created is group- or world-writable;
#  - a bad number in a file on disk is an error naming the file and the value, not an abort;
#  - an exception that escapes a command is one error line and exit 1, not an abort.
set -uo pipefail
. "$(dirname "$0")/install_lib.sh"
good_controller_release 3.9.1

echo "== umask 000: nothing created is group- or world-writable"
root=$work/umask; new_root "$root"
(umask 000 && install_good "$root" > "$work/u1" 2>&1) || fail "install with umask 000: $(cat "$work/u1")"
(umask 000 && "$B" --config "$empty" --root "$root" render "${NODE[@]}" > "$work/u2" 2>&1) || fail "render with umask 000: $(cat "$work/u2")"
writable=$(find "$root" -mindepth 1 ! -type l -perm /022 -newer "$empty")
[ -z "$writable" ] || fail "group/world-writable after a run with umask 000: $writable"
echo "ok"

echo "== a symlink where a directory is expected"
root=$work/link; new_root "$root"
install_good "$root" > /dev/null || fail "install"
mkdir -m 0755 "$root/etc/victim"
before=$(stat -c '%a %u %g' "$root/etc/victim")
# Inside /var/lib/kafka (owned by kafka): data -> /etc/victim, then a data dir below it.
rm -rf "$root/var/lib/kafka/data"
ln -s "$root/etc/victim" "$root/var/lib/kafka/data"
chown -h "$(awk -F: '$1=="kafka"{print $3":"$4}' "$root/etc/passwd")" "$root/var/lib/kafka/data"
COMBINED=(--kafka-version $V --role combined --node-id 1 --cluster-id $CID --controller 1@10.0.1.11:9093 --memory 2G
          --advertise PLAINTEXT://10.0.1.11:9092)
run "$B" --config "$empty" --root "$root" render "${COMBINED[@]}" --data-dir /var/lib/kafka/data/disk1
[ $rc -eq 3 ] || fail "render through a planted symlink: exit $rc, want 3: $out"
grep -q "/var/lib/kafka/data is a symbolic link" <<<"$out" || fail "the error does not name the link: $out"
[ -z "$(ls -A "$root/etc/victim")" ] || fail "something was created through the link: $(ls -la "$root/etc/victim")"
[ "$(stat -c '%a %u %g' "$root/etc/victim")" = "$before" ] || fail "the link's target changed: $(stat -c '%a %u %g' "$root/etc/victim")"
# The link itself as the directory: refused the same way, the target untouched.
out=$(install_good "$root" 2>&1); rc=$?
[ $rc -eq 3 ] || fail "install with /var/lib/kafka/data a symlink: exit $rc, want 3: $out"
[ "$(stat -c '%a %u %g' "$root/etc/victim")" = "$before" ] || fail "chmod/chown followed the link"
echo "ok"

echo "== an edit that keeps size and mtime is noticed"
root=$work/edit; new_root "$root"
install_good "$root" > /dev/null || fail "install"
f=$root/opt/kafka/bin/kafka-storage.sh
cp -p "$f" "$work/orig"
sed 's/exit 0/exit 7/' "$work/orig" > "$f"   # same length
touch -r "$work/orig" "$f"
[ "$(stat -c '%s %Y' "$f")" = "$(stat -c '%s %Y' "$work/orig")" ] || fail "the test's edit changed size or mtime"
out=$(install_good "$root" 2>&1) || fail "install over an edited tree: $out"
grep -q 'was changed since it was installed' <<<"$out" || fail "the edit was not noticed: $out"
cmp -s "$f" "$work/orig" || fail "the edited script was not restored"
out=$(install_good "$root" 2>&1)
grep -q 'nothing to do' <<<"$out" || fail "a restored tree is not intact: $out"
echo "ok"

echo "== bad numbers on disk"
root=$work/zk; new_root "$root"
"$B" --config "$empty" --root "$root" render --kafka-version 3.9.1 --role zookeeper --node-id 2 \
  --zookeeper-server 1@10.0.3.11:2888:3888,2@10.0.3.12:2888:3888,3@10.0.3.13:2888:3888 --memory 2G > /dev/null || fail "render zookeeper"
cfg=$root/etc/kafka/zookeeper.properties
sed -i 's/^clientPort=.*/clientPort=21x81/' "$cfg"
grep -q '^clientPort=21x81' "$cfg" || echo "clientPort=21x81" >> "$cfg"
run "$B" --root "$root" status --probe-timeout 0.2
[ $rc -eq 2 ] || fail "status with clientPort=21x81: exit $rc, want 2: $out"
grep -q "zookeeper.properties: clientPort: '21x81' is not a whole number" <<<"$out" || fail "the error does not name the file and value: $out"
sed -i 's/^clientPort=.*/clientPort=2181/' "$cfg"
myid=$(find "$root" -name myid | head -1)
echo 99999999999 > "$myid"
run "$B" --root "$root" status --probe-timeout 0.2
[ $rc -eq 2 ] && grep -q "myid: 99999999999 is out of range" <<<"$out" || fail "status with a huge myid: exit $rc: $out"
echo "ok"

echo "== an escaped exception is one error line, exit 1"
# A cached Temurin index whose fields have the wrong JSON types (a library exception deep
# inside fetch): whatever the code below main does with it, the process must not abort.
root=$work/exc; new_root "$root"
idx=$root/var/cache/kafka-appliance/index
mkdir -p "$idx" "$work/art"
printf '{"name": 5, "sha256": 7, "link": [], "release_name": {}}\n' > "$idx/temurin-21-jre-x64.json"
printf 'a private kafka build' > "$work/art/kafka_2.13-9.9.0.tgz"
kd=$(sha512sum "$work/art/kafka_2.13-9.9.0.tgz" | cut -d' ' -f1)
run "$B" --root "$root" --offline fetch --artifacts-dir "$work/art" --kafka-version 9.9.0 --sha512 "$kd" \
  --java 21 --java-image jre --arch x86_64
[ $rc -eq 1 ] || [ $rc -eq 2 ] || [ $rc -eq 3 ] || fail "a corrupt cache index: exit $rc (an abort is 134): $out"
grep -q '^error: ' <<<"$out" || fail "no error line: $out"
grep -q 'terminate called' <<<"$out" && fail "std::terminate: $out"
echo "ok"

echo "all integrity checks passed"
