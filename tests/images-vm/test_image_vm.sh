#!/usr/bin/env bash
# shellcheck disable=SC2015  # A && B || fail is meant
# The baked image booted once as a real VM: QEMU's software emulation (TCG; KVM is not usable on
# these machines), a real kernel, a virtio disk and a virtio NIC. The image is the image tier's
# combined-role bake of real Kafka (KA_IMAGES_VM_KAFKA_VERSION, default 4.3.1) into an overlay on
# the Debian 12 VM tree of tests/vm/disk.sh (linux-image-amd64, systemd-networkd, sshd), made into
# a disk with the same `disk.sh --image`; it boots by direct kernel boot.
#
# Network: QEMU's user network with net=169.254.0.0/16, so the guest's DHCP address (169.254.0.15)
# and the metadata address 169.254.169.254 are on one link as on EC2's; each connection the guest
# opens to 169.254.169.254:80 is handed (guestfwd) to vm.py relay, which carries it to the IMDS
# emulator (tests/imds/imds_emulator.py, this instance's tags and user-data). QEMU, the emulator
# and the checks' Kafka clients run in a network namespace of the test's own, where 169.254.0.15
# is an address of the loopback and QEMU forwards its port 9092 to the guest's: the clients reach
# Kafka at the very address it advertises. Nothing is configured outside that namespace.
#
# Checked: the first-boot unit succeeds (serial console, then its state and journal over SSH),
# Kafka answers and a produce (acks=all) / consume round trip from the host works, `status` in the
# guest, the data directory on /dev/vda; after a clean power-off the records, meta.properties and
# the done-marker are read from the disk image itself (debugfs); a second boot of the same disk:
# the unit skipped by its condition, not one metadata request, kafka.service started. Prints
# RESULT: VM start to the unit started (the boot), to the unit done and to multi-user, to Kafka
# serving (from the host), and the tool's own share from the first-boot journal.
#
# What the test adds to its copy of the image, on a layer of its own, for the emulation and for
# its checks (docs/images.md): the VM tree's mask of systemd-networkd-wait-online removed (an EC2
# image waits for its network; the Vagrant box does not), KAFKA_OPTS=-XX:TieredStopAtLevel=1 for
# Kafka's JVMs (C1 only: the C2 compiler's work is most of an emulated JVM's start,
# docs/vagrant.md), `wait = 900` in /etc/kafka-appliance/appliance.toml (first boot's health
# wait; 180 s by default), the first-boot unit's output also on the serial console, a persistent
# journal, and an SSH key for root.
#   KA_IMAGES_VM_KEEP=1   leave the VM's work directory (disk, console logs) in /var/tmp
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../images/lib/images.sh
. "$here/../images/lib/images.sh"

missing=()
for c in qemu-system-x86_64 qemu-img mke2fs debugfs ssh ssh-keygen; do command -v "$c" >/dev/null || missing+=("$c"); done
[ ${#missing[@]} = 0 ] || { echo "skipped: the QEMU image test needs ${missing[*]} (scripts/setup-debian.sh installs them)"; exit 77; }
bin=$(cluster_product_binary)
images_init
t_scenario=$(now)

VM=$KA_CLUSTER_WORK/vm
VM_NS=$KA_CLUSTER_ID-vm
VM_IP=169.254.0.15          # QEMU's first DHCP address in net 169.254.0.0/16
QEMU_PID="" IMDS_PID="" WAIT_PID=""
mkdir -p "$VM"

# (processes left in the background are started with `ip netns exec` itself, which execs them:
# $! is then their own PID, for the teardown)
vmns() { ip netns exec "$VM_NS" "$@"; }
# on CMD...: CMD as root in the guest, over SSH (QEMU forwards the namespace's 127.0.0.1:2222)
on() {
  vmns ssh -i "$VM/id" -p 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
    -o BatchMode=yes -o ConnectTimeout=30 root@127.0.0.1 "$@"
}

vm_teardown() {
  local rc=$1 out
  set +e
  if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
    out=${KA_CLUSTER_ARTIFACTS:-/var/tmp/ka-images-vm-failed.$$}
    mkdir -p "$out"
    cp "$VM"/console.*.log "$VM"/qemu.*.log "$VM/imds.err" "$out/" 2>/dev/null
    for f in "$VM"/console.*.log; do
      [ -f "$f" ] || continue
      log "the last 40 lines of the serial console ($(basename "$f")):"
      tail -40 "$f" | sed 's/^/  | /' >&2
    done
    if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
      log "the first-boot journal:"
      on timeout 60 journalctl --no-pager -o short-monotonic -u kafka-appliance-firstboot.service 2>&1 | tail -40 | sed 's/^/  | /' >&2
    fi
    log "the VM's console logs are in $out"
  fi
  [ -n "$WAIT_PID" ] && kill "$WAIT_PID" 2>/dev/null
  if [ -n "$QEMU_PID" ]; then kill "$QEMU_PID" 2>/dev/null; wait "$QEMU_PID" 2>/dev/null; fi
  if [ -n "$IMDS_PID" ]; then kill "$IMDS_PID" 2>/dev/null; wait "$IMDS_PID" 2>/dev/null; fi
  ip netns del "$VM_NS" 2>/dev/null
  if [ "${KA_IMAGES_VM_KEEP:-0}" = 1 ]; then mv "$VM" "/var/tmp/ka-images-vm.$$" && log "kept /var/tmp/ka-images-vm.$$"; fi
  images_teardown "$rc"
}
trap 'vm_teardown $?' EXIT

# --- the disk: the combined image baked into the VM tree, then the test's layer ------------------
t0=$(now)
vmtree=$("$here/../vm/disk.sh" --root) || fail "could not build the VM tree (tests/vm/disk.sh --root)"
KA_BASE_ROOTFS=$vmtree/root
images_bake "${KA_IMAGES_VM_KAFKA_VERSION:-4.3.1}" combined
mkdir -p "$VM/upper" "$VM/work" "$VM/root"
r=$VM/root
mount -t overlay overlay -o "lowerdir=$KA_IMAGE,upperdir=$VM/upper,workdir=$VM/work" "$r"
KA_BAKE_MOUNTS=("$r")
rm "$r/etc/systemd/system/systemd-networkd-wait-online.service"
[ -L "$r/etc/systemd/system/network-online.target.wants/systemd-networkd-wait-online.service" ] \
  || fail "the VM tree does not enable systemd-networkd-wait-online.service"
mkdir -p "$r/etc/systemd/system/kafka-appliance-firstboot.service.d" "$r/etc/systemd/system/kafka.service.d" "$r/var/log/journal"
printf '[Service]\nEnvironment=KAFKA_OPTS=-XX:TieredStopAtLevel=1\nStandardOutput=journal+console\nStandardError=journal+console\n' \
  > "$r/etc/systemd/system/kafka-appliance-firstboot.service.d/50-test-vm.conf"
printf '[Service]\nEnvironment=KAFKA_OPTS=-XX:TieredStopAtLevel=1\n' > "$r/etc/systemd/system/kafka.service.d/50-test-vm.conf"
# The image's settings file (every flag a key): first boot's health wait, 180 s by default, from
# 900 s, as the unit's own bound (TimeoutStartSec=15min): an emulated Kafka on a loaded machine.
printf 'wait = 900\n' >> "$r/etc/kafka-appliance/appliance.toml"
ssh-keygen -q -t ed25519 -N '' -C ka-images-vm -f "$VM/id"
install -d -m 0700 "$r/root/.ssh"
install -m 0600 "$VM/id.pub" "$r/root/.ssh/authorized_keys"
"$here/../vm/disk.sh" --image "$r" "$VM/disk.raw" || fail "could not make the disk (tests/vm/disk.sh --image)"
umount "$r"
KA_BAKE_MOUNTS=()
t_disk=$(elapsed "$t0")
log "disk of the baked combined image of Kafka $version ready in $t_disk s (VM tree, bake, mke2fs)"

# --- the namespace, the IMDS and what EC2 would tell this instance --------------------------------
ip netns add "$VM_NS"
ip -n "$VM_NS" link set lo up
ip -n "$VM_NS" addr add "$VM_IP/32" dev lo
# The clients' source address for it is 127.0.0.1, not 169.254.0.15 itself: QEMU passes the
# peer's address on to the guest (all but a loopback one), and the guest drops packets from itself.
ip -n "$VM_NS" route replace table local local "$VM_IP" dev lo proto kernel scope host src 127.0.0.1
cluster_id=$("$bin" cluster-id)
# Tags: the cluster and its one controller (this instance finds its node ID, 1, by its address in
# the list; its role is the image's). User-data: the rack, to show it is read too.
jq -n --arg ip "$VM_IP" --arg cid "$cluster_id" \
  '{"meta-data": {"instance-id": "i-0imagesvm0000001", "local-ipv4": $ip, "local-hostname": "kafka-vm",
                  "placement": {"availability-zone": "us-east-1a"},
                  "tags": {"instance": {"Name": "kafka-vm", "kafka-appliance:cluster-id": $cid,
                                        "kafka-appliance:controllers": ("1@" + $ip + ":9093")}}},
    "user-data": "rack = \"vm-rack-1\"\n"}' > "$VM/imds.json"
images_emulator "$VM_NS" "$VM/imds" --instance "$VM/imds.json" --bind 127.0.0.1
IMDS_PID=$KA_IMDS_PID imds_port=$KA_IMDS_PORT imds_control=$KA_IMDS_CONTROL
imds_requests() {
  vmns python3 -c 'import json, sys, urllib.request
print(len(json.load(urllib.request.urlopen(sys.argv[1], timeout=5))))' "http://127.0.0.1:$imds_control/log"
}

# --- the VM -----------------------------------------------------------------------------------------
# vm_start N: boot the disk (boot N's console in console.N.log); T_START is when QEMU started.
vm_start() {
  ip netns exec "$VM_NS" qemu-system-x86_64 -name ka-images-vm -machine q35 -accel tcg,thread=multi -cpu max -smp 2 -m 2048 \
    -display none -monitor none -serial "file:$VM/console.$1.log" -no-reboot \
    -kernel "$vmtree/vmlinuz" -initrd "$vmtree/initrd.img" -append "$(cat "$vmtree/cmdline")" \
    -drive "file=$VM/disk.raw,format=raw,if=virtio" \
    -netdev "user,id=n0,net=169.254.0.0/16,dhcpstart=$VM_IP,hostfwd=tcp:$VM_IP:9092-:9092,hostfwd=tcp:127.0.0.1:2222-:22,guestfwd=tcp:169.254.169.254:80-cmd:python3 $here/vm.py relay 127.0.0.1 $imds_port" \
    -device virtio-net-pci,netdev=n0 > "$VM/qemu.$1.log" 2>&1 &
  QEMU_PID=$!
  T_START=$(now)
  CONSOLE=$VM/console.$1.log QEMU_LOG=$VM/qemu.$1.log
  # Kafka serving, seen from the host: an ApiVersions answer at the advertised address.
  ip netns exec "$VM_NS" python3 "$here/vm.py" kafka-wait "$VM_IP:9092" 1200 "$VM/serving.$1" &
  WAIT_PID=$!
}

# vm_console PATTERN SECONDS: until the serial console shows PATTERN (grep -E); prints the seconds
# since QEMU started.
vm_console() {
  while :; do
    grep -qE "$1" "$CONSOLE" 2>/dev/null && { elapsed "$T_START"; return 0; }
    kill -0 "$QEMU_PID" 2>/dev/null || fail "QEMU exited while waiting for '$1': $(tail -5 "$QEMU_LOG")"
    le "$2" "$(elapsed "$T_START")" && return 1
    sleep 0.5
  done
}

# vm_serving SECONDS: until Kafka answered from the host; prints the seconds since QEMU started.
vm_serving() {
  local t0; t0=$(now)
  while [ ! -s "$VM/serving.$1" ]; do
    kill -0 "$WAIT_PID" 2>/dev/null || [ -s "$VM/serving.$1" ] || fail "Kafka did not answer at $VM_IP:9092 within 1200 s of the VM's start"
    le "$2" "$(elapsed "$t0")" && fail "Kafka did not answer at $VM_IP:9092 (from the host) $2 s after the first-boot unit ended"
    sleep 0.5
  done
  cat "$VM/serving.$1"
}

# vm_poweroff: a clean shutdown from inside; sets t_off.
vm_poweroff() {
  on systemctl poweroff >/dev/null 2>&1 || true
  local t0; t0=$(now)
  while kill -0 "$QEMU_PID" 2>/dev/null; do
    le 180 "$(elapsed "$t0")" && fail "the VM did not power off within 180 s"
    sleep 0.5
  done
  wait "$QEMU_PID" 2>/dev/null || true
  QEMU_PID=""
  kill "$WAIT_PID" 2>/dev/null || true
  WAIT_PID=""
  t_off=$(elapsed "$t0")
}

unit='kafka-appliance-f'   # the console shortens long names: "kafka-appliance-f… instance metadata, ..."
vm_start 1
log "VM started (QEMU pid $QEMU_PID, TCG, 2 vCPUs, 2 GiB); IMDS emulator on port $imds_port behind 169.254.169.254:80"
t_boot=$(vm_console "Starting.*($unit)" 600) || fail "the first-boot unit did not start within 600 s of the VM's start"
log "VM booted to its first-boot unit in $t_boot s"
t_unit=$(vm_console "(Finished|Failed to start).*($unit)" 1200) || fail "the first-boot unit did not end within 1200 s of the VM's start"
grep -qE "Failed to start.*($unit)" "$CONSOLE" && fail "the first-boot unit failed"
t_multi=$(vm_console 'Reached target.*multi-user' 300) || fail "no multi-user.target within 300 s of the VM's start"
t_serving=$(vm_serving 1 120)
log "first-boot unit done at $t_unit s, multi-user at $t_multi s, Kafka answering the host at $t_serving s (since QEMU started)"

# --- checks in the guest ----------------------------------------------------------------------------
st=$(on systemctl show -p ActiveState -p Result kafka-appliance-firstboot.service | sort | paste -sd' ') || fail "no SSH into the VM"
[ "$st" = "ActiveState=active Result=success" ] || fail "kafka-appliance-firstboot.service is '$st', not active with result success"
journal=$(on journalctl --no-pager -o cat -b 0 -u kafka-appliance-firstboot.service)
tool=$(images_firstboot_figures_of "$journal") || fail "no converged line in the first-boot journal: $(tail -5 <<<"$journal")"
grep -q "combined node 1 of cluster $cluster_id" <<<"$journal" || fail "the first-boot journal does not name combined node 1 of cluster $cluster_id: $journal"
on test -f /var/lib/kafka-appliance/firstboot.done || fail "no done-marker in the guest"
props=$(on cat /etc/kafka/server.properties)
grep -qx 'broker.rack=vm-rack-1' <<<"$props" || fail "broker.rack is not the user-data's vm-rack-1: $(grep rack <<<"$props")"
grep -q "^advertised.listeners=.*$VM_IP:9092" <<<"$props" || fail "Kafka does not advertise $VM_IP:9092: $(grep advertised <<<"$props")"
dev=$(on findmnt -n -o SOURCE,FSTYPE -T /var/lib/kafka/data) || fail "findmnt failed in the guest"
[ "$(tr -s ' ' <<<"$dev")" = "/dev/vda ext4" ] || fail "/var/lib/kafka/data is not on the virtio disk: '$dev'"
kernel=$(on uname -r)
analyze=$(on systemd-analyze 2>/dev/null | head -1) || analyze="?"
log "in the guest: unit active/success, journal '$tool', broker.rack from user-data, data on $dev, kernel $kernel; $analyze"

# --- a produce/consume round trip from the host -----------------------------------------------------
t0=$(now)
hk=$VM/hostkafka
mkdir -p "$hk" && tar xzf "$KA_CLUSTER_WORK/serve/kafka/$version/kafka_2.13-$version.tgz" -C "$hk" --strip-components 1
kt() {
  local tool=$1; shift
  vmns env JAVA_HOME="${KA_TEST_JDK_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}" KAFKA_HEAP_OPTS=-Xmx256m \
    LOG_DIR="$VM/hostkafka-logs" timeout 300 "$hk/bin/$tool.sh" "$@"
}
bs=$VM_IP:9092
n=500
seq 1 "$n" | sed 's/^/vm-record-/' > "$VM/sent.txt"
kt kafka-topics --bootstrap-server "$bs" --create --topic vm-roundtrip --partitions 1 --replication-factor 1 >/dev/null \
  || fail "could not create the topic"
kt kafka-console-producer --bootstrap-server "$bs" --topic vm-roundtrip --producer-property acks=all \
  --producer-property delivery.timeout.ms=120000 < "$VM/sent.txt" 2> "$VM/producer.err" || fail "the producer failed: $(tail -5 "$VM/producer.err")"
kt kafka-console-consumer --bootstrap-server "$bs" --topic vm-roundtrip --partition 0 --offset earliest \
  --max-messages "$n" --timeout-ms 120000 > "$VM/got.txt" 2> "$VM/consumer.err" || true
cmp -s "$VM/sent.txt" "$VM/got.txt" || fail "consumed $(wc -l < "$VM/got.txt") of the $n records produced with acks=all ($(tail -3 "$VM/consumer.err"))"
t_roundtrip=$(elapsed "$t0")
log "round trip from the host: $n records produced (acks=all) and consumed back in $t_roundtrip s"

status=$(on timeout 300 kafka-appliance --json status --quorum-timeout 240) || fail "kafka-appliance status in the guest failed: $status"
jq -e '.healthy and .quorum.voters == [1] and .quorum.leader_id == 1' <<<"$status" >/dev/null \
  || fail "status in the guest is not healthy with voters [1] and leader 1: $status"
log "status in the guest: healthy, voters [1], leader 1"

# --- power off; the disk itself -----------------------------------------------------------------
vm_poweroff
fsread() { debugfs -R "$1" "$VM/disk.raw" 2>/dev/null; }
meta=$(fsread 'cat /var/lib/kafka/data/meta.properties')
grep -qx 'node.id=1' <<<"$meta" && grep -qx "cluster.id=$cluster_id" <<<"$meta" || fail "meta.properties on the disk is not node 1 of $cluster_id: $meta"
fsread 'stat /var/lib/kafka-appliance/firstboot.done' | grep -q 'Type: regular' || fail "no done-marker on the disk"
fsread "dump /var/lib/kafka/data/vm-roundtrip-0/00000000000000000000.log $VM/segment.log" >/dev/null
on_disk=$(grep -ao 'vm-record-[0-9]*' "$VM/segment.log" 2>/dev/null | sort -u | wc -l)
[ "$on_disk" = "$n" ] || fail "the disk holds $on_disk of the $n records in vm-roundtrip-0's segment"
log "powered off in $t_off s; on the disk image: meta.properties of node 1, the done-marker, all $n records in the segment"

# --- a second boot of the same disk ---------------------------------------------------------------
before=$(imds_requests)
vm_start 2
t_multi2=$(vm_console 'Reached target.*multi-user' 600) || fail "the second boot reached no multi-user.target within 600 s"
[ "$(on systemctl show -p ConditionResult --value kafka-appliance-firstboot.service)" = no ] || fail "the first-boot unit ran again at the second boot"
[ "$(imds_requests)" = "$before" ] || fail "the second boot asked the metadata service ($before requests before, $(imds_requests) after)"
grep -qE "Starting.*($unit)" "$CONSOLE" && fail "the second boot started the first-boot unit"
[ "$(on systemctl is-active kafka.service)" = active ] || fail "kafka.service is not active after the second boot"
log "second boot: unit skipped by its condition, no metadata request, kafka.service started, multi-user at $t_multi2 s"

echo "RESULT images_vm version=$version disk_s=$t_disk boot_to_unit_s=$t_boot unit_done_s=$t_unit multi_user_s=$t_multi kafka_serving_s=$t_serving tool=[$tool] roundtrip_s=$t_roundtrip poweroff_s=$t_off reboot_multi_user_s=$t_multi2 scenario_s=$(elapsed "$t_scenario")"
