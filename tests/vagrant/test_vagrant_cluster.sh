#!/usr/bin/env bash
# shellcheck disable=SC2015  # A && B || fail is meant
# The vagrant tier: a real `vagrant up` of 3 combined Kafka nodes (tests/vagrant/Vagrantfile) with
# vagrant-libvirt on QEMU's software emulation, on the real Kafka distribution of tests/realkafka/
# and a JRE packaged as a Temurin release, both served over HTTPS from inside the test's network
# namespace. By default (KA_VAGRANT_PROVISION=firstboot) the box is the combined appliance image:
# `kafka-appliance bake` in a chroot of the VM tree, made into a box, and every VM's first-boot
# unit runs with its user-data file; KA_VAGRANT_PROVISION=bootstrap uses the plain Debian box and
# every VM installs with `kafka-appliance bootstrap` (slower: the downloads and the unpacking run
# emulated). Then: the quorum on every node, a
# produce/consume round trip (acks=all, RF 3, min.insync.replicas=2), `vagrant halt` of one node,
# the quorum and a round trip on the other two, `vagrant up` of it again (healthy, its data back),
# `vagrant destroy -f`. Prints the time of each step.
#
# Everything runs inside a network and mount namespace with a private libvirtd
# (lib/libvirt-ns.sh). Needs root, vagrant, vagrant-libvirt, libvirt-daemon, qemu-system-x86,
# dnsmasq-base, mmdebstrap and e2fsprogs (tests/vagrant/setup.sh), and what the cluster tier needs
# to assemble Kafka (Maven, a JDK 17 with jlink, gpg).
#   KA_VAGRANT_KAFKA_VERSION   Kafka version (default 4.3.1)
#   KA_VAGRANT_PROVISION       firstboot (default: the baked box) or bootstrap (the plain box)
#   KAV_KEEP=1                 leave the VMs and libvirtd running at the end
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/libvirt-ns.sh
. "$here/lib/libvirt-ns.sh"
realkafka=$here/../realkafka
binary=${KA_BINARY:-$here/../../build/kafka-appliance}
[ -x "$binary" ] || { echo "skipped: no kafka-appliance binary at $binary (build it or set KA_BINARY)"; exit 77; }
for c in mvn gpg; do command -v "$c" >/dev/null || { echo "skipped: the vagrant tier needs $c to assemble Kafka (scripts/setup-debian.sh)"; exit 77; }; done

declare -a RESULTS=()
# stamp: each line of Vagrant's output with the time it arrived (where the time went, afterwards)
stamp() { local l; while IFS= read -r l; do printf '[%(%H:%M:%S)T] %s\n' -1 "$l"; done; }
step() { RESULTS+=("$1=$2"); log "STEP $1: $2 s"; }
# timed STEP CMD...: CMD, its wall time recorded as STEP
timed() { local t0; t0=$(now); "${@:2}"; step "$1" "$(elapsed "$t0")"; }
# vagrant_logged LOG ARGS...: `vagrant ARGS`, its output time-stamped in $KAV_WORK/LOG.log; on a
# failure, the log's tail and a failure naming the command
vagrant_logged() {
  local log=$KAV_WORK/$1.log; shift
  kav_vagrant "$@" 2>&1 | stamp > "$log" || { tail -60 "$log" >&2; fail "vagrant $* failed"; }
}

provision=${KA_VAGRANT_PROVISION:-firstboot}
case $provision in firstboot|bootstrap) ;; *) fail "KA_VAGRANT_PROVISION must be firstboot or bootstrap, not $provision";; esac
t_all=$(now)
kav_init

# --- Kafka and Java, served inside the namespace ---------------------------------------------------
version=${KA_VAGRANT_KAFKA_VERSION:-4.3.1}
dist=$("$realkafka/build.sh" "$version") || fail "could not assemble Kafka $version"
jdk=$(python3 "$realkafka/jdk.py" build) || fail "could not package the JRE"
serve=$KAV_WORK/serve
mkdir -p "$serve/kafka"
cp -r "$dist/kafka/$version" "$serve/kafka/"
sha=$(sha512sum "$serve/kafka/$version/kafka_2.13-$version.tgz" | cut -d' ' -f1)
# The VMs reach the server through their default route (the management network's gateway, an
# address of this namespace): the namespace's loopback holds the server's address.
srv=10.213.99.1
kav_ns ip addr add "$srv/32" dev lo
kav_ns python3 "$here/../support/artifact_server.py" --dir "$serve" --tls-dir "$KAV_WORK/tls" --bind "$srv" --port 8443 \
  --port-file "$KAV_WORK/server.port" --log "$KAV_WORK/server.log" > /dev/null 2> "$KAV_WORK/server.err" &
for _ in $(seq 300); do [ -f "$KAV_WORK/server.port" ] && break; sleep 0.1; done
[ -f "$KAV_WORK/server.port" ] || fail "the artifact server did not start: $(cat "$KAV_WORK/server.err")"
url=https://$srv:8443/
python3 "$realkafka/jdk.py" publish "$jdk" "$serve" "${url%/}" || fail "could not publish the JRE"
cp "$KAV_WORK/tls/ca.pem" "$KAV_WORK/test-ca.pem"
cp "$dist/KEYS" "$KAV_WORK/test-KEYS"
cp "$jdk/adoptium.asc" "$KAV_WORK/test-adoptium.asc"
feature=$(jq -r .feature "$jdk/release.json")

# bake_box: the combined appliance image of Kafka $version, baked by the product itself (`bake` in
# a chroot of an overlay on the VM tree of tests/vm/disk.sh, the artifacts from the server above,
# as the image tier does), made into a disk the same way as the plain box's and packaged as a box.
bake_box() {
  local vmtree b=$KAV_WORK/bake r out
  vmtree=$("$here/../vm/disk.sh" --root) || fail "could not build the VM tree (tests/vm/disk.sh --root)"
  r=$b/root
  mkdir -p "$b/upper" "$b/work" "$r" "$b/disk"
  mount -t overlay overlay -o "lowerdir=$vmtree/root,upperdir=$b/upper,workdir=$b/work" "$r"
  KAV_MOUNTS=("$r/dev" "$r/proc" "$r")
  mount -t proc proc "$r/proc"
  mount --bind /dev "$r/dev"
  # What Packer does on the builder: upload the binary and run it.
  cp "$binary" "$r/tmp/kafka-appliance"
  cp "$KAV_WORK/test-ca.pem" "$KAV_WORK/test-KEYS" "$KAV_WORK/test-adoptium.asc" "$r/root/"
  out=$(ip netns exec "$KAV_NS" chroot "$r" /tmp/kafka-appliance bake --role combined --kafka-version "$version" --java "$feature" \
      --cacert /root/test-ca.pem --asf-url "$url" --archive-url "$url" --private-build --sha512 "$sha" --keys /root/test-KEYS \
      --adoptium-api-url "$url" --adoptium-key /root/test-adoptium.asc 2>&1) || fail "bake of the combined image in the chroot failed: $out"
  rm -f "$r/tmp/kafka-appliance" "$r/root/test-ca.pem" "$r/root/test-KEYS" "$r/root/test-adoptium.asc"
  umount "$r/dev" "$r/proc"
  grep -qx 'role = "combined"' "$r/etc/kafka-appliance/image.toml" && [ ! -s "$r/etc/machine-id" ] \
    || fail "the baked image is not a clean combined image: $(cat "$r/etc/kafka-appliance/image.toml")"
  "$here/../vm/disk.sh" --image "$r" "$b/disk/disk.qcow2" || fail "could not make the disk of the baked image"
  umount "$r"
  KAV_MOUNTS=()
  cp "$vmtree/vmlinuz" "$vmtree/initrd.img" "$vmtree/cmdline" "$b/disk/"
  "$here/box.sh" --disk "$b/disk" "$KAV_WORK/appliance.box" > /dev/null || fail "could not package the baked box"
  rm -rf --one-file-system "$b"
  log "baked the combined image of Kafka $version ($(grep -c . <<<"$out") lines of bake output) and packaged it as a box"
}

# --- the box ---------------------------------------------------------------------------------------
mkdir -p "$KAV_WORK/project"
KAV_PROJECT=$KAV_WORK/project
t0=$(now)
if [ "$provision" = firstboot ]; then
  bake_box
  box=$KAV_WORK/appliance.box boxname=ka-appliance-combined
  step box_bake "$(elapsed "$t0")"
else
  box=$("$here/box.sh") || fail "could not build the box (tests/vagrant/box.sh)"
  boxname=ka-debian12
  step box_build_or_cache "$(elapsed "$t0")"
fi
t0=$(now)
kav_vagrant box add --name "$boxname" "$box" >/dev/null || fail "vagrant box add failed"
step box_add "$(elapsed "$t0")"
[ "$provision" = bootstrap ] || rm -f "$box"

# --- settings: 3 combined nodes ---------------------------------------------------------------------
cid=$("$binary" cluster-id)
v=/etc/kafka-appliance/vagrant
cat > "$KAV_WORK/settings.yaml" <<EOF
combined: 3
kafka_version: "$version"
java_version: "$feature"
network_prefix: 10.213.70
cluster_id: "$cid"
provision: $provision
box: $boxname
memory: ${KA_VAGRANT_MEMORY:-1536}
cpus: 1
libvirt_driver: qemu
binary: "$binary"
artifacts:
  mirror: "$url"
  upload: [test-ca.pem, test-KEYS, test-adoptium.asc]
  flags: [--cacert, $v/test-ca.pem, --asf-url, "$url", --archive-url, "$url", --private-build, --sha512, "$sha",
          --keys, $v/test-KEYS, --adoptium-api-url, "$url", --adoptium-key, $v/test-adoptium.asc]
wait: 3600
# C1 only: under software emulation the C2 compiler's own work slows every JVM's start (docs/vagrant.md)
jvm_opts: "-XX:TieredStopAtLevel=1"
# software emulation on a shared 2-core machine: see settings.yaml (elections never settle with 1 s)
set: [controller.quorum.election.timeout.ms=15000, controller.quorum.fetch.timeout.ms=30000,
      controller.quorum.election.backoff.max.ms=10000, controller.quorum.request.timeout.ms=30000,
      broker.session.timeout.ms=60000, initial.broker.registration.timeout.ms=600000]
EOF
printf 'ENV["KA_VAGRANT_SETTINGS"] = %s\nload %s\n' "'$KAV_WORK/settings.yaml'" "'$here/Vagrantfile'" > "$KAV_PROJECT/Vagrantfile"

# --- up ---------------------------------------------------------------------------------------------
nodes=(kafka1 kafka2 kafka3)
timed vagrant_up_3_nodes_healthy vagrant_logged up up --provider libvirt
grep -E 'converged|healthy' "$KAV_WORK/up.log" | sed 's/^/  /' >&2 || true

kav_vagrant ssh-config > "$KAV_WORK/ssh.cfg" || fail "vagrant ssh-config failed"
# on HOST CMD...: CMD as root on the VM (ssh joins its arguments into one shell line: quote them)
on() { local h=$1; shift; kav_ns ssh -F "$KAV_WORK/ssh.cfg" -o ConnectTimeout=30 "$h" "sudo $(printf '%q ' "$@")"; }
ip_of() { echo "10.213.70.$(( 10 + ${1#kafka} ))"; }
# Where the time went inside each VM: its boot, and bootstrap's steps (up.log has their lines).
for h in "${nodes[@]}"; do
  log "  $h: $(on "$h" systemd-analyze 2>/dev/null | head -1)"
done
grep -E 'bootstrap|healthy|step|fetch|install|format|start' "$KAV_WORK/up.log" | grep -vi 'warn' | tail -40 | sed 's/^/  /' >&2 || true

# The checks' Kafka clients run on this side of the VMs' network (inside the namespace, on the
# machine's own JVM, which starts in a second), not in the guests, where each client JVM under
# software emulation takes minutes: the same distribution the VMs run, talking to their listeners.
hk=$KAV_WORK/hostkafka
mkdir -p "$hk" && tar xzf "$serve/kafka/$version/kafka_2.13-$version.tgz" -C "$hk" --strip-components 1
kt() { local tool=$1; shift; kav_ns env KAFKA_HEAP_OPTS=-Xmx256m LOG_DIR="$KAV_WORK/hostkafka-logs" timeout 300 "$hk/bin/$tool" "$@"; }
controllers=10.213.70.11:9093,10.213.70.12:9093,10.213.70.13:9093

# quorum_ok UP...: the quorum (asked through the controllers' own listeners) has a leader among UP,
# voters exactly 1,2,3, and every node of UP replicating with it: the leader, or a follower that
# was caught up (LastCaughtUpTimestamp) within 60 s of the leader's own row. Not "lag 0": the
# leader appends a record every 500 ms, and an emulated follower is seldom sampled at 0.
# Polled for up to 300 s.
quorum_ok() {
  local t0 st rep ids leader n ok; t0=$(now)
  while :; do
    ok=1
    st=$(kt kafka-metadata-quorum.sh --bootstrap-controller "$controllers" describe --status 2>&1) || ok=0
    rep=$(kt kafka-metadata-quorum.sh --bootstrap-controller "$controllers" describe --replication 2>&1) || ok=0
    if [ $ok = 1 ]; then
      # Kafka 3.9+: [{"id": 1, ...}, ...]; earlier: [1,2,3]
      ids=$(sed -n 's/^CurrentVoters:[[:space:]]*//p' <<<"$st")
      ids=$( (grep -q '"id"' <<<"$ids" && grep -oE '"id": *[0-9]+' <<<"$ids" || cat <<<"$ids") | grep -oE '[0-9]+' | sort -n | paste -sd,)
      leader=$(sed -n 's/^LeaderId:[[:space:]]*//p' <<<"$st")
      [ "$ids" = 1,2,3 ] || ok=0
      [[ " $* " == *" kafka$leader "* ]] || ok=0
      for n in "$@"; do
        # NodeId DirectoryId LogEndOffset Lag LastFetchTimestamp LastCaughtUpTimestamp Status
        awk -v id="${n#kafka}" '$NF == "Leader" { lt = $6 } $1 == id { st = $NF; ct = $6 }
          END { exit !(st == "Leader" || (st == "Follower" && lt - ct <= 60000)) }' <<<"$rep" || ok=0
      done
    fi
    [ $ok = 1 ] && { log "  quorum: leader $leader, voters $ids; replication:"; sed 's/^/    /' <<<"$rep" >&2; return 0; }
    le 300 "$(elapsed "$t0")" && { echo "$st"; echo "$rep"; return 1; }
    sleep 3
  done
}
# quorum_or_fail WHAT UP...: quorum_ok UP, or a failure saying WHAT with what the tool printed
quorum_or_fail() { local s what=$1; shift; s=$(quorum_ok "$@") || fail "$what: $s"; }
le() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$1" "$2"; }

# round_trip PRODUCER_NODE CONSUMER_NODE TAG: N records with acks=all through one node's listener,
# all read back through another's (from the beginning of a topic of its own, RF 3, min ISR 2).
round_trip() {
  local p=$1 c=$2 tag=$3 n=50 got
  kt kafka-topics.sh --bootstrap-server "$(ip_of "$p"):9092" --create --topic "rt-$tag" --partitions 3 \
    --replication-factor 3 --config min.insync.replicas=2 > /dev/null || fail "could not create topic rt-$tag through $p"
  seq 1 $n | sed "s/^/$tag-/" | kt kafka-console-producer.sh --bootstrap-server "$(ip_of "$p"):9092" --topic "rt-$tag" \
      --producer-property acks=all --producer-property delivery.timeout.ms=120000 || fail "produce to rt-$tag through $p failed"
  got=$(kt kafka-console-consumer.sh --bootstrap-server "$(ip_of "$c"):9092" --topic "rt-$tag" --from-beginning \
      --max-messages "$n" --timeout-ms 180000 2>/dev/null | sort -u | wc -l) || true
  [ "$got" = "$n" ] || fail "round trip $tag: $got of $n records read back through $c"
  log "  round trip $tag: $n records produced through $p (acks=all), $got read back through $c"
}

timed quorum_check_3 quorum_or_fail "the quorum is not 1,2,3 with every node caught up" kafka1 kafka2 kafka3
timed round_trip_3 round_trip kafka1 kafka3 first

# --- halt one node ----------------------------------------------------------------------------------
timed vagrant_halt_kafka3 vagrant_logged halt halt kafka3
[ "$(kav_ns virsh -c qemu:///system domstate project_kafka3 2>/dev/null | head -1)" = "shut off" ] \
  || fail "kafka3's domain is not shut off after vagrant halt: $(kav_ns virsh -c qemu:///system list --all)"
timed quorum_check_2 quorum_or_fail "with kafka3 halted, the quorum does not serve on kafka1 and kafka2" kafka1 kafka2
timed round_trip_2 round_trip kafka1 kafka2 halted

# --- bring it back ----------------------------------------------------------------------------------
timed vagrant_up_kafka3 vagrant_logged up3 up kafka3
timed kafka3_rejoined_quorum quorum_or_fail "kafka3 did not rejoin the quorum" kafka1 kafka2 kafka3
# It caught up on the data written while it was down: every partition of rt-halted has it in sync.
t0=$(now)
for _ in $(seq 100); do
  isr=$(kt kafka-topics.sh --bootstrap-server 10.213.70.13:9092 --describe --topic rt-halted 2>/dev/null | grep -cE $'Isr: ([0-9]+,)*3(,|\t| |$)' || true)
  [ "$isr" = 3 ] && break
  sleep 3
done
[ "$isr" = 3 ] || fail "kafka3 is in sync on $isr of the 3 partitions of rt-halted: $(kt kafka-topics.sh --bootstrap-server 10.213.70.11:9092 --describe --topic rt-halted 2>&1)"
got=$(kt kafka-console-consumer.sh --bootstrap-server 10.213.70.13:9092 --topic rt-halted --from-beginning \
  --max-messages 50 --timeout-ms 180000 2>/dev/null | sort -u | wc -l) || true
[ "$got" = 50 ] || fail "after its return, kafka3 served $got of the 50 records written while it was halted"
step kafka3_in_sync_and_read_back "$(elapsed "$t0")"
# The product's own view on kafka3, once it serves (its quorum tool is a JVM in the guest, which
# takes minutes under emulation: --quorum-timeout).
t0=$(now)
on kafka3 kafka-appliance --json status --quorum-timeout 1200 > "$KAV_WORK/status3.json" 2> "$KAV_WORK/status3.err" \
  || fail "kafka-appliance status on kafka3 failed: $(cat "$KAV_WORK/status3.err" "$KAV_WORK/status3.json")"
jq -e --arg cid "$cid" '.healthy and .cluster_id == $cid and .quorum.voters == [1,2,3]' "$KAV_WORK/status3.json" >/dev/null \
  || fail "kafka-appliance status on kafka3 does not report it healthy in voters [1,2,3]: $(cat "$KAV_WORK/status3.json")"
step kafka3_status_in_guest "$(elapsed "$t0")"

# --- destroy ----------------------------------------------------------------------------------------
timed vagrant_destroy vagrant_logged destroy destroy -f
left=$(kav_ns virsh -c qemu:///system list --all --name | grep -c . || true)
[ "$left" = 0 ] || fail "domains left after vagrant destroy: $(kav_ns virsh -c qemu:///system list --all)"

echo "RESULT vagrant_cluster version=$version ${RESULTS[*]} total_s=$(elapsed "$t_all")"
