#!/usr/bin/env bash
# shellcheck disable=SC2015  # A && B || fail is meant
# The vagrant tier: a real `vagrant up` of 3 combined Kafka nodes (tests/vagrant/Vagrantfile) with
# vagrant-libvirt on QEMU's software emulation, each VM running `kafka-appliance bootstrap` on the
# real Kafka distribution of tests/realkafka/ and a JRE packaged as a Temurin release, both served
# over HTTPS from inside the test's network namespace. Then: the quorum on every node, a
# produce/consume round trip (acks=all, RF 3, min.insync.replicas=2), `vagrant halt` of one node,
# the quorum and a round trip on the other two, `vagrant up` of it again (healthy, its data back),
# `vagrant destroy -f`. Prints the time of each step.
#
# Everything runs inside a network and mount namespace with a private libvirtd
# (lib/libvirt-ns.sh). Needs root, vagrant, vagrant-libvirt, libvirt-daemon, qemu-system-x86,
# dnsmasq-base, mmdebstrap and e2fsprogs (tests/vagrant/setup.sh), and what the cluster tier needs
# to assemble Kafka (Maven, a JDK 17 with jlink, gpg).
#   KA_VAGRANT_KAFKA_VERSION   Kafka version (default 4.3.1)
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
step() { RESULTS+=("$1=$2"); log "STEP $1: $2 s"; }

t_all=$(now)
kav_init

# --- the box ---------------------------------------------------------------------------------------
t0=$(now)
box=$("$here/box.sh") || fail "could not build the box (tests/vagrant/box.sh)"
step box_build_or_cache "$(elapsed "$t0")"
mkdir -p "$KAV_WORK/project"
KAV_PROJECT=$KAV_WORK/project
t0=$(now)
kav_vagrant box add --name ka-debian12 "$box" >/dev/null || fail "vagrant box add failed"
step box_add "$(elapsed "$t0")"

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

# --- settings: 3 combined nodes ---------------------------------------------------------------------
cid=$("$binary" cluster-id)
v=/etc/kafka-appliance/vagrant
cat > "$KAV_WORK/settings.yaml" <<EOF
combined: 3
kafka_version: "$version"
java_version: "$feature"
network_prefix: 10.213.70
cluster_id: "$cid"
box: ka-debian12
memory: ${KA_VAGRANT_MEMORY:-1536}
cpus: 1
libvirt_driver: qemu
binary: "$binary"
artifacts:
  mirror: "$url"
  upload: [test-ca.pem, test-KEYS, test-adoptium.asc]
  flags: [--cacert, $v/test-ca.pem, --asf-url, "$url", --archive-url, "$url", --private-build, --sha512, "$sha",
          --keys, $v/test-KEYS, --adoptium-api-url, "$url", --adoptium-key, $v/test-adoptium.asc]
wait: 1800
# software emulation on a shared 2-core machine: see settings.yaml (elections never settle with 1 s)
set: [controller.quorum.election.timeout.ms=15000, controller.quorum.fetch.timeout.ms=30000,
      controller.quorum.election.backoff.max.ms=10000, controller.quorum.request.timeout.ms=30000,
      broker.session.timeout.ms=60000, initial.broker.registration.timeout.ms=600000]
EOF
printf 'ENV["KA_VAGRANT_SETTINGS"] = %s\nload %s\n' "'$KAV_WORK/settings.yaml'" "'$here/Vagrantfile'" > "$KAV_PROJECT/Vagrantfile"

# --- up ---------------------------------------------------------------------------------------------
nodes=(kafka1 kafka2 kafka3)
t0=$(now)
kav_vagrant up --provider libvirt > "$KAV_WORK/up.log" 2>&1 || { tail -60 "$KAV_WORK/up.log" >&2; fail "vagrant up failed"; }
step vagrant_up_3_nodes_healthy "$(elapsed "$t0")"
grep -E 'converged|healthy' "$KAV_WORK/up.log" | sed 's/^/  /' >&2 || true

kav_vagrant ssh-config > "$KAV_WORK/ssh.cfg" || fail "vagrant ssh-config failed"
# on HOST CMD...: CMD as root on the VM (ssh joins its arguments into one shell line: quote them)
on() { local h=$1; shift; kav_ns ssh -F "$KAV_WORK/ssh.cfg" -o ConnectTimeout=30 "$h" "sudo $(printf '%q ' "$@")"; }
ip_of() { echo "10.213.70.$(( 10 + ${1#kafka} ))"; }

# status --json healthy on HOST within SECONDS, with voters [1,2,3]
healthy() {
  local h=$1 t0 s; t0=$(now)
  while :; do
    s=$(on "$h" kafka-appliance --json status 2>/dev/null) && jq -e --arg cid "$cid" \
      '.healthy and .cluster_id == $cid and .quorum.voters == [1,2,3] and .quorum.leader_id != null' <<<"$s" >/dev/null && { echo "$s"; return 0; }
    le "$2" "$(elapsed "$t0")" && { echo "$s"; return 1; }
    sleep 3
  done
}
le() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$1" "$2"; }

check_quorum() {
  local h s
  for h in "$@"; do
    s=$(healthy "$h" 300) || fail "$h is not healthy with voters [1,2,3]: $s"
    log "  $h healthy, leader $(jq .quorum.leader_id <<<"$s")"
  done
}

# round_trip PRODUCER_HOST CONSUMER_HOST TAG: N records with acks=all through one node, all read back
# through another (from the beginning of a topic of its own).
round_trip() {
  local p=$1 c=$2 tag=$3 n=50 bs got
  bs=$(ip_of "$p"):9092
  on "$p" /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bs" --create --topic "rt-$tag" --partitions 3 \
    --replication-factor 3 --config min.insync.replicas=2 > /dev/null || fail "could not create topic rt-$tag on $p"
  on "$p" sh -c "seq 1 $n | sed 's/^/$tag-/' | /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server $bs --topic rt-$tag \
      --producer-property acks=all --producer-property delivery.timeout.ms=120000" || fail "produce to rt-$tag through $p failed"
  got=$(on "$c" /opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server "$(ip_of "$c"):9092" --topic "rt-$tag" --from-beginning \
      --max-messages "$n" --timeout-ms 180000 2>/dev/null | sort -u | wc -l) || true
  [ "$got" = "$n" ] || fail "round trip $tag: $got of $n records read back through $c"
  log "  round trip $tag: $n records produced through $p (acks=all), $got read back through $c"
}

t0=$(now)
check_quorum "${nodes[@]}"
step quorum_check_3 "$(elapsed "$t0")"
t0=$(now)
round_trip kafka1 kafka3 first
step round_trip_3 "$(elapsed "$t0")"

# --- halt one node ----------------------------------------------------------------------------------
t0=$(now)
kav_vagrant halt kafka3 > "$KAV_WORK/halt.log" 2>&1 || { tail -20 "$KAV_WORK/halt.log" >&2; fail "vagrant halt kafka3 failed"; }
step vagrant_halt_kafka3 "$(elapsed "$t0")"
[ "$(kav_ns virsh -c qemu:///system domstate project_kafka3 2>/dev/null | head -1)" = "shut off" ] \
  || fail "kafka3's domain is not shut off after vagrant halt: $(kav_ns virsh -c qemu:///system list --all)"
t0=$(now)
check_quorum kafka1 kafka2
step quorum_check_2 "$(elapsed "$t0")"
t0=$(now)
round_trip kafka1 kafka2 halted
step round_trip_2 "$(elapsed "$t0")"

# --- bring it back ----------------------------------------------------------------------------------
t0=$(now)
kav_vagrant up kafka3 > "$KAV_WORK/up3.log" 2>&1 || { tail -20 "$KAV_WORK/up3.log" >&2; fail "vagrant up kafka3 failed"; }
step vagrant_up_kafka3 "$(elapsed "$t0")"
t0=$(now)
check_quorum kafka3
step kafka3_healthy_again "$(elapsed "$t0")"
# what was written while it was down reaches it: read the second topic through kafka3 alone
t0=$(now)
got=$(on kafka3 /opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server 10.213.70.13:9092 --topic rt-halted --from-beginning \
  --max-messages 50 --timeout-ms 180000 2>/dev/null | sort -u | wc -l) || true
[ "$got" = 50 ] || fail "after its return, kafka3 served $got of the 50 records written while it was halted"
step read_back_through_kafka3 "$(elapsed "$t0")"

# --- destroy ----------------------------------------------------------------------------------------
t0=$(now)
kav_vagrant destroy -f > "$KAV_WORK/destroy.log" 2>&1 || { tail -20 "$KAV_WORK/destroy.log" >&2; fail "vagrant destroy failed"; }
step vagrant_destroy "$(elapsed "$t0")"
left=$(kav_ns virsh -c qemu:///system list --all --name | grep -c . || true)
[ "$left" = 0 ] || fail "domains left after vagrant destroy: $(kav_ns virsh -c qemu:///system list --all)"

echo "RESULT vagrant_cluster version=$version ${RESULTS[*]} total_s=$(elapsed "$t_all")"
