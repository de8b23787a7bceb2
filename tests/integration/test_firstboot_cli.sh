#!/usr/bin/env bash
# `bake` and `firstboot` through the static binary on temp roots, with the IMDS emulator on
# 127.0.0.1 as the instance metadata (no systemd here: --no-start). bake leaves an image with
# the first-boot unit enabled and nothing instance-specific; firstboot takes its identity from
# the metadata, writes the done-marker only after success, fails clearly (no marker) when the
# metadata service is down or a tag is missing, and keeps the identity found on the data volume.
set -uo pipefail
. "$(dirname "$0")/install_lib.sh"
fails=0
failc() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
good_controller_release 3.9.1
SID=$(sha_of "$good")
MARK=var/lib/kafka-appliance/firstboot.done

# The emulator as the image tests will run it: a process, ports in a file, faults by control port.
start_emulator() {  # start_emulator INSTANCE.json -> URL in $imds, control URL in $ctl
  rm -f "$work/ports"
  python3 "$KA_SOURCE_DIR/tests/imds/imds_emulator.py" --instance "$KA_SOURCE_DIR/tests/imds/instances/$1" \
    --port-file "$work/ports" > /dev/null &
  local pid=$!
  cleanup_hooks+=("kill $pid")
  for _ in $(seq 100); do [ -s "$work/ports" ] && break; sleep 0.1; done
  read -r port cport < "$work/ports"
  imds=http://127.0.0.1:$port ctl=http://127.0.0.1:$cport
}
control() { curl -fsS -X POST --data "$2" "$ctl/$1" > /dev/null; }

# 1. bake a ZooKeeper image into a scratch root.
root=$work/zk; new_root "$root"
mkdir -p "$root/var/cache/kafka-appliance/leftover" "$root/var/lib/kafka-appliance"
echo 0123456789abcdef0123456789abcdef > "$root/etc/machine-id"
touch "$root/$MARK"
out=$("$B" --config "$empty" --root "$root" bake --role zookeeper --archive "$good" --private-build --sha512 "$SID" --java system 2>&1); rc=$?
[ $rc -eq 0 ] || failc "bake exit $rc: $out"
cmp -s "$root/usr/local/bin/kafka-appliance" "$B" && [ -x "$root/usr/local/bin/kafka-appliance" ] || failc "the binary is not installed in the image"
grep -q '^role = "zookeeper"' "$root/etc/kafka-appliance/image.toml" && grep -q '^kafka-version = "3.9.1"' "$root/etc/kafka-appliance/image.toml" \
  && grep -q '^kafka-digest = "sha512:' "$root/etc/kafka-appliance/image.toml" || failc "image.toml: $(cat "$root/etc/kafka-appliance/image.toml")"
unit=$root/etc/systemd/system/kafka-appliance-firstboot.service
[ "$(readlink "$root/etc/systemd/system/multi-user.target.wants/kafka-appliance-firstboot.service")" = /etc/systemd/system/kafka-appliance-firstboot.service ] \
  || failc "the first-boot unit is not enabled by its .wants link"
# Never Before= the services it waits for: systemd would hold their start and Restart= until it ended.
grep -q '^Before=' "$unit" && failc "the first-boot unit is ordered Before= another unit: $(grep '^Before=' "$unit")"
for l in "Type=oneshot" "After=network-online.target" \
         "ConditionPathExists=!/var/lib/kafka-appliance/firstboot.done" "ExecStart=/usr/local/bin/kafka-appliance firstboot"; do
  grep -qxF "$l" "$unit" || failc "unit lacks $l"
done
if command -v systemd-analyze > /dev/null; then
  v=$(systemd-analyze verify "$unit" 2>&1 | grep -v "kafka-appliance: No such file\|is not executable\|Command .* is not executable" || true)
  [ -z "$v" ] || failc "systemd-analyze verify: $v"
fi
[ -f "$root/etc/machine-id" ] && [ ! -s "$root/etc/machine-id" ] || failc "/etc/machine-id not emptied"
[ ! -e "$root/$MARK" ] || failc "a done-marker was baked into the image"
[ -z "$(ls -A "$root/var/cache/kafka-appliance")" ] || failc "download cache left in the image: $(ls -A "$root/var/cache/kafka-appliance")"
[ $fails -eq 0 ] && ok "bake: binary, image.toml, enabled unit, nothing instance-specific"
out=$("$B" --config "$empty" --root "$root" bake --role zookeeper --archive "$good" --private-build --sha512 "$SID" --java system 2>&1); rc=$?
[ $rc -eq 0 ] && ! grep -q "^bake: created\|^bake: updated" <<<"$out" || failc "a second bake changed things: $out"
out=$("$B" --config "$empty" --root "$root" bake --role brokr --skip-install 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "'brokr' is not a role" <<<"$out" || failc "bad role: exit $rc: $out"

# 2. first boot of that image with the metadata service down: one clear error, no marker.
start_emulator zookeeper-2.json
control fault down
out=$("$B" --config "$empty" --root "$root" firstboot --imds-endpoint "$imds" --no-start 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "no answer from the instance metadata service at $imds" <<<"$out" && grep -q "hop limit" <<<"$out" \
  && grep -q "next boot runs the first boot again" <<<"$out" || failc "IMDS down: exit $rc: $out"
[ ! -e "$root/$MARK" ] && [ ! -e "$root/etc/kafka/zookeeper.properties" ] || failc "IMDS down: something was written"
[ $fails -eq 0 ] && ok "metadata service down: exit 1 naming the endpoint and hop limit, no marker, nothing rendered"

# 3. the service is back (the next boot): identity from the tags and user-data, then the marker.
control fault none
out=$("$B" --config "$empty" --root "$root" firstboot --imds-endpoint "$imds" --no-start 2>&1); rc=$?
[ $rc -eq 0 ] || failc "firstboot exit $rc: $out"
[ "$(cat "$root/var/lib/zookeeper/myid" 2>/dev/null)" = 2 ] && grep -q "^server.3=10.0.3.13:2888:3888" "$root/etc/kafka/zookeeper.properties" \
  || failc "zookeeper member 2 not rendered: $out"
grep -q "role zookeeper from the image" <<<"$out" && grep -q "node ID 2 from tag kafka-appliance:node-id" <<<"$out" || failc "notes: $out"
grep -q "^node-id=2$" "$root/$MARK" || failc "no done-marker after success"
[ "$(stat -c %a "$root/var/lib/kafka-appliance")" = 700 ] || failc "firstboot left /var/lib/kafka-appliance mode $(stat -c %a "$root/var/lib/kafka-appliance"), not install's 700"
out=$("$B" --config "$empty" --root "$root" firstboot --imds-endpoint "$imds" --no-start 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q "first boot already done" <<<"$out" || failc "second run: exit $rc: $out"
[ $fails -eq 0 ] && ok "firstboot: zookeeper member 2 from tags + user-data, marker written, a second run does nothing"

# 4. tags not enabled on the launch template: exit 2 saying where to set the role.
root2=$work/notags; mkdir -p "$root2"
curl -fsS -X PUT --data @"$KA_SOURCE_DIR/tests/imds/instances/no-tags.json" "$ctl/instance" > /dev/null
out=$("$B" --config "$empty" --root "$root2" firstboot --imds-endpoint "$imds" --no-start 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "no role for this instance" <<<"$out" && grep -q "InstanceMetadataTags=enabled" <<<"$out" \
  || failc "no tags: exit $rc: $out"
[ ! -e "$root2/$MARK" ] || failc "no tags: marker written"
[ $fails -eq 0 ] && ok "no visible tags: exit 2 naming kafka-appliance:role and InstanceMetadataTags=enabled"

# 5. a replaced broker: the old data volume's identity wins over the tags, and it says so.
root3=$work/replaced; mkdir -p "$root3/var/lib/kafka/data" "$root3/var/lib/kafka/meta" "$root3/etc/kafka-appliance"
printf 'role = "broker"\nkafka-version = "4.3.1"\n' > "$root3/etc/kafka-appliance/image.toml"
for d in data meta; do
  printf 'version=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\nnode.id=101\ndirectory.id=%s\n' "AAAAAAAAAAAAAAAAAAAA$d" > "$root3/var/lib/kafka/$d/meta.properties"
done
curl -fsS -X PUT --data @"$KA_SOURCE_DIR/tests/imds/instances/broker-replaced.json" "$ctl/instance" > /dev/null
out=$("$B" --config "$empty" --root "$root3" firstboot --imds-endpoint "$imds" --no-start 2>&1); rc=$?
grep -q "kept node ID 101" <<<"$out" && grep -q "tag kafka-appliance:node-id says 555" <<<"$out" || failc "replaced broker: exit $rc: $out"
if [ $rc -eq 0 ]; then
  grep -q "^node.id=101$" "$root3/etc/kafka/server.properties" && grep -q "^broker.rack=us-east-1c$" "$root3/etc/kafka/server.properties" \
    && grep -q "^advertised.listeners=PLAINTEXT://10.0.2.99:9092$" "$root3/etc/kafka/server.properties" \
    || failc "server.properties: $(grep -E 'node.id|rack|advertised' "$root3/etc/kafka/server.properties")"
else
  failc "replaced broker: exit $rc: $out"
fi
[ $fails -eq 0 ] && ok "replaced instance keeps node 101 from meta.properties over the tag's 555; rack and address from the metadata"

# 6. no metadata service (a Vagrant VM, on premises): the user-data is a file, the address given.
root4=$work/local; mkdir -p "$root4/etc/kafka-appliance"
printf 'role = "combined"\nkafka-version = "4.3.1"\n' > "$root4/etc/kafka-appliance/image.toml"
echo 0123456789abcdef0123456789abcdef > "$root4/etc/machine-id"
ud=$work/user-data.toml
printf 'node-id = 2\ncluster-id = "MkU3OEVBNTcwNTJENDM2Qg"\ncontroller = ["1@10.0.9.11:9093", "2@10.0.9.12:9093", "3@10.0.9.13:9093"]\n' > "$ud"
out=$("$B" --config "$empty" --root "$root4" --dry-run firstboot --user-data "$ud" --local-ipv4 10.0.9.12 --no-start 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q "role combined from the image" <<<"$out" && grep -q "node ID 2 from user-data node-id" <<<"$out" \
  && grep -q "combined node 2 of cluster MkU3OEVBNTcwNTJENDM2Qg" <<<"$out" && grep -q "PLAINTEXT://10.0.9.12:9092" <<<"$out" \
  || failc "user-data file: exit $rc: $out"
[ ! -e "$root4/$MARK" ] && [ ! -e "$root4/etc/kafka/server.properties" ] || failc "user-data file, --dry-run: something was written"
# The same through the environment, as a systemd drop-in gives it to the first-boot unit.
out=$(KAFKA_APPLIANCE_USER_DATA=$ud KAFKA_APPLIANCE_LOCAL_IPV4=10.0.9.12 "$B" --config "$empty" --root "$root4" --dry-run firstboot --no-start 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q "combined node 2 of cluster" <<<"$out" || failc "user-data file from the environment: exit $rc: $out"
out=$("$B" --config "$empty" --root "$root4" firstboot --user-data "$ud" --no-start 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "needs --local-ipv4" <<<"$out" || failc "--user-data without --local-ipv4: exit $rc: $out"
out=$("$B" --config "$empty" --root "$root4" firstboot --local-ipv4 10.0.9.12 --no-start 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "\-\-local-ipv4 is for --user-data" <<<"$out" || failc "--local-ipv4 alone: exit $rc: $out"
out=$("$B" --config "$empty" --root "$root4" firstboot --user-data "$work/absent.toml" --local-ipv4 10.0.9.12 --no-start 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "absent.toml" <<<"$out" || failc "missing user-data file: exit $rc: $out"
sed -i '/cluster-id/d' "$ud"
out=$("$B" --config "$empty" --root "$root4" firstboot --user-data "$ud" --local-ipv4 10.0.9.12 --no-start 2>&1); rc=$?
[ $rc -eq 2 ] && grep -qF "set \`cluster-id = " <<<"$out" && grep -qF "in the user-data file $ud" <<<"$out" \
  && ! grep -q "InstanceMetadataTags" <<<"$out" || failc "user-data file without cluster-id: exit $rc: $out"
[ ! -e "$root4/$MARK" ] || failc "user-data file without cluster-id: marker written"
[ $fails -eq 0 ] && ok "no metadata service: identity from a user-data file and --local-ipv4 (flags or environment); missing settings name the file"

[ $fails -eq 0 ] || exit 1
