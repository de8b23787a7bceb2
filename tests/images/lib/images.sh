# shellcheck shell=bash
# Image tests: sourced by tests/images/test_*.sh. Builds on the cluster tier's harness
# (tests/cluster/lib/cluster.sh, clients.sh): the same cached Debian 12 rootfs, bridge, artifact
# server and nspawn hosts, but every host boots a copy of a BAKED image and becomes a node by
# itself, through kafka-appliance-firstboot.service and the instance metadata.
#
#   images_init                      cluster_init + the EXIT trap that also stops the IMDS; sets
#                                    t_scenario
#   images_bake VERSION ROLE         serve Kafka VERSION, run `kafka-appliance bake --role ROLE` in
#                                    a copy of the rootfs through chroot, assert the image is clean;
#                                    sets KA_IMAGE (the overlay layers hosts boot from)
#   images_imds_start                the IMDS emulator (images_emulator) at 169.254.169.254:80 on the bridge, one
#                                    instance per host address (tests/imds/imds_emulator.py)
#   images_imds down|none            take the metadata service down / bring it back
#   images_add_host NAME             a host booting KA_IMAGE, default route to the bridge (as EC2)
#   images_instance NAME TAGS USERDATA   its instance metadata (TAGS: a JSON object)
#   images_wait_firstboot NAME [S]   until its first-boot unit is done (active) or failed; prints
#                                    the state
#   images_firstboot_figures NAME    "tool T s (format F s), health H s" from the unit's journal
#   images_client_host NAME          the clients' host: the image without its first-boot unit
#   images_reboot NAME UNIT          reboot; the first-boot unit skipped, no metadata request,
#                                    marker and identity (meta.properties, myid) unchanged
#   images_boot_all HOST...          start them (and cl) at once, wait for every first-boot unit
#   images_three_by_three V ROLE / images_first_boot   the KRaft 3+3 scenarios' set-up and boot
#   images_firstboot_figures_of TEXT the same from a journal's text (-o cat)
#
# The IMDS is at its EC2 address: the hosts' first-boot unit runs `kafka-appliance firstboot` with
# no --imds-endpoint. 169.254.169.254 is an address of the bridge inside the switch's namespace
# and each host's default route points at the bridge, so the emulator sees each host's own
# address as the source and answers with that host's instance.
IMAGES_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../cluster/lib/cluster.sh
. "$IMAGES_LIB/../../cluster/lib/cluster.sh"  # and clients.sh

KA_IMDS_ADDR=169.254.169.254
KA_IMDS_PID=""
KA_BAKE_MOUNTS=()
declare -a KA_AZS=(us-east-1a us-east-1b us-east-1c)

images_init() {
  cluster_product_binary >/dev/null
  cluster_init
  trap 'images_teardown $?' EXIT
  KA_BASE_ROOTFS=$KA_CLUSTER_ROOTFS
  t_scenario=$(now)
}

images_teardown() {
  local rc=$1 m
  set +e
  if [ -n "$KA_IMDS_PID" ]; then kill "$KA_IMDS_PID" 2>/dev/null; wait "$KA_IMDS_PID" 2>/dev/null; fi
  for m in "${KA_BAKE_MOUNTS[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  cluster_teardown "$rc"
}

# --- bake -----------------------------------------------------------------------------------------
images_bake() {
  local want=$1 role=$2 d root t0 bin out
  cluster_release "$want"
  release=$(cluster_release_flags)
  bin=$(cluster_product_binary)
  d=$KA_CLUSTER_WORK/image-$role-$version root=$KA_CLUSTER_WORK/image-$role-$version/root
  mkdir -p "$d/upper" "$d/work" "$root"
  mount -t overlay overlay -o "lowerdir=$KA_BASE_ROOTFS,upperdir=$d/upper,workdir=$d/work" "$root"
  KA_BAKE_MOUNTS=("$root/dev" "$root/proc" "$root")
  mount -t proc proc "$root/proc"
  mount --bind /dev "$root/dev"
  # What Packer does on the builder: upload the binary (to /tmp) and run it.
  cp "$bin" "$root/tmp/kafka-appliance"
  cp "$KA_CLUSTER_WORK/tls/ca.pem" "$root/root/test-ca.pem"
  cp "$KA_JDK_DIR/adoptium.asc" "$root/root/test-adoptium.asc"
  [ -n "$keys" ] && cp "$keys" "$root/root/test-KEYS"
  t0=$(now)
  # In the switch's namespace: the artifact server's address is the bridge's own there.
  # shellcheck disable=SC2086  # release is a list of flags
  out=$(ip netns exec "$KA_CLUSTER_SW" chroot "$root" /tmp/kafka-appliance bake --role "$role" --kafka-version "$version" $release 2>&1) \
    || fail "bake --role $role of Kafka $version in the chroot failed: $out"
  log "baked the $role image of Kafka $version in a chroot in $(elapsed "$t0") s"
  rm -f "$root/tmp/kafka-appliance" "$root/root/test-ca.pem" "$root/root/test-adoptium.asc" "$root/root/test-KEYS"
  umount "$root/dev" "$root/proc"
  images_assert_clean "$root" "$role" "$bin"
  umount "$root"
  KA_BAKE_MOUNTS=()
  KA_IMAGE=$d/upper:$KA_BASE_ROOTFS
}

# images_assert_clean ROOT ROLE BINARY: a baked image holds Kafka, Java, the tool and its enabled
# first-boot unit, and nothing of any instance.
images_assert_clean() {
  local root=$1 role=$2 bin=$3 f
  [ -f "$root/etc/machine-id" ] && [ ! -s "$root/etc/machine-id" ] || fail "bake left /etc/machine-id non-empty: '$(cat "$root/etc/machine-id")'"
  [ "$(readlink "$root/etc/systemd/system/multi-user.target.wants/kafka-appliance-firstboot.service")" = /etc/systemd/system/kafka-appliance-firstboot.service ] \
    || fail "the first-boot unit is not enabled by its multi-user.target.wants/ link"
  grep -q "^ExecStart=/usr/local/bin/kafka-appliance firstboot$" "$root/etc/systemd/system/kafka-appliance-firstboot.service" \
    || fail "the first-boot unit does not run plain 'kafka-appliance firstboot': $(grep ExecStart "$root/etc/systemd/system/kafka-appliance-firstboot.service")"
  grep -qx "role = \"$role\"" "$root/etc/kafka-appliance/image.toml" && grep -qx "kafka-version = \"$version\"" "$root/etc/kafka-appliance/image.toml" \
    || fail "image.toml does not say role $role, Kafka $version: $(cat "$root/etc/kafka-appliance/image.toml" 2>&1)"
  cmp -s "$root/usr/local/bin/kafka-appliance" "$bin" || fail "the image's /usr/local/bin/kafka-appliance is not the binary that baked it"
  [ -x "$root/opt/kafka/bin/kafka-server-start.sh" ] && [ -x "$root/opt/java/bin/java" ] || fail "Kafka or Java is not installed in the image"
  # no node identity, no formatted storage, nothing started or enabled for Kafka yet
  f=$(find "$root/var/lib/kafka" "$root/var/lib/zookeeper" -name meta.properties -o -name myid -o -name '__cluster_metadata*' -o -name bootstrap.checkpoint 2>/dev/null) || true
  [ -z "$f" ] || fail "the image holds formatted storage or an identity: $f"
  ! grep -rqs '^node.id=\|^broker.id=' "$root/etc/kafka" || fail "the image has a rendered node configuration: $(grep -rs '^node.id=\|^broker.id=' "$root/etc/kafka")"
  [ ! -e "$root/var/lib/kafka-appliance/firstboot.done" ] || fail "the image holds a first-boot done-marker"
  ! ls "$root"/etc/systemd/system/*.wants/kafka.service "$root"/etc/systemd/system/*.wants/zookeeper.service >/dev/null 2>&1 \
    || fail "the image enables kafka.service or zookeeper.service before any first boot"
  [ -z "$(ls -A "$root/var/cache/kafka-appliance" 2>/dev/null)" ] || fail "the download cache is left in the image: $(ls -A "$root/var/cache/kafka-appliance")"
  log "baked image is clean: empty machine-id, no identity or formatted storage, first-boot unit enabled by its .wants link, image.toml says $role $version"
}

# --- the instance metadata service ----------------------------------------------------------------
images_imds_start() {
  mkdir -p "$KA_CLUSTER_WORK/imds"
  ip -n "$KA_CLUSTER_SW" addr add "$KA_IMDS_ADDR/32" dev br0
  images_emulator "$KA_CLUSTER_SW" "$KA_CLUSTER_WORK/imds" --instances-dir "$KA_CLUSTER_WORK/imds" \
    --bind "$KA_IMDS_ADDR" --port 80 --control-bind 127.0.0.1
}

# images_emulator NETNS PREFIX ARGS...: tests/imds/imds_emulator.py with ARGS in NETNS, its ports
# in PREFIX.ports and its stderr in PREFIX.err; waits until it listens. Sets KA_IMDS_PID,
# KA_IMDS_PORT and KA_IMDS_CONTROL (its control port).
images_emulator() {
  local ns=$1 prefix=$2 i; shift 2
  ip netns exec "$ns" python3 "$IMAGES_LIB/../../imds/imds_emulator.py" "$@" --port-file "$prefix.ports" \
    > /dev/null 2> "$prefix.err" &
  KA_IMDS_PID=$!
  for i in $(seq 100); do [ -s "$prefix.ports" ] && break; sleep 0.1; done
  [ -s "$prefix.ports" ] || fail "the IMDS emulator did not start: $(cat "$prefix.err")"
  read -r KA_IMDS_PORT KA_IMDS_CONTROL < "$prefix.ports"
}

images_imds() {
  ip netns exec "$KA_CLUSTER_SW" python3 -c 'import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST"), timeout=5).read()' \
    "http://127.0.0.1:$KA_IMDS_CONTROL/fault" "$1" || fail "could not set the IMDS fault $1"
}

# How many metadata requests came from NAME's address so far.
images_imds_requests() {
  ip netns exec "$KA_CLUSTER_SW" python3 -c 'import json, sys, urllib.request
log = json.load(urllib.request.urlopen(sys.argv[1], timeout=5))
print(sum(1 for e in log if e["client"] == sys.argv[2]))' "http://127.0.0.1:$KA_IMDS_CONTROL/log" "$(cluster_ip "$1")"
}

# --- hosts ----------------------------------------------------------------------------------------
images_add_host() {
  local name=$1
  KA_CLUSTER_ROOTFS=$KA_IMAGE cluster_add_host "$name"
  # As a VPC's DHCP gives it: the default route is the router (here the bridge), through which
  # the link-local metadata address is reached.
  ip -n "$KA_CLUSTER_ID-$name" route add default via "$KA_SERVER_ADDR" dev eth0
}

# images_client_host NAME: the clients' host: KA_IMAGE without its first-boot unit (Kafka's tools
# are in it, no node runs there).
images_client_host() {
  images_add_host "$1"
  rm "$KA_CLUSTER_WORK/$1/root/etc/systemd/system/multi-user.target.wants/kafka-appliance-firstboot.service"
}

# images_instance NAME TAGS_JSON USERDATA: what EC2 would tell NAME about itself.
images_instance() {
  local name=$1 ip n; ip=$(cluster_ip "$name")
  n=${ip##*.}
  jq -n --arg id "i-0img11${name}" --arg ip "$ip" --arg az "${KA_AZS[$((n % 3))]}" --argjson tags "$2" --arg ud "$3" --arg name "$name" \
    '{"meta-data": {"instance-id": $id, "local-ipv4": $ip, "local-hostname": $name,
                    "placement": {"availability-zone": $az}, "tags": {"instance": ({"Name": $name} + $tags)}},
      "user-data": $ud}' > "$KA_CLUSTER_WORK/imds/$ip.json.tmp"
  mv "$KA_CLUSTER_WORK/imds/$ip.json.tmp" "$KA_CLUSTER_WORK/imds/$ip.json"
}

images_unit_state() {
  cluster_pid1 "$1" >/dev/null || { echo "not-running"; return; }
  cluster_exec "$1" systemctl show -p ActiveState --value kafka-appliance-firstboot.service 2>/dev/null || echo unknown
}

images_wait_firstboot() {
  local name=$1 max=${2:-300} t0 s; t0=$(now)
  while :; do
    kill -0 "${KA_CLUSTER_NSPAWN[$name]}" 2>/dev/null || fail "host $name exited: $(tail -5 "$KA_CLUSTER_WORK/$name/console.log")"
    s=$(images_unit_state "$name")
    case $s in active|failed) echo "$s"; return 0 ;; esac
    le "$max" "$(elapsed "$t0")" && { echo "$s"; return 1; }
    sleep 0.5
  done
}

images_firstboot_journal() { cluster_exec "$1" journalctl --no-pager -o cat -u kafka-appliance-firstboot.service "${@:2}"; }

# images_identity NAME: its done-marker and every meta.properties and myid (comments aside).
images_identity() {
  cluster_exec "$1" sh -c 'cat /var/lib/kafka-appliance/firstboot.done
    find /var/lib/kafka /var/lib/zookeeper \( -name meta.properties -o -name myid \) 2>/dev/null | sort | xargs -r grep -Hv "^#"'
}

# images_reboot NAME UNIT: a clean reboot of NAME (power-off, start) after its first boot. Waits
# up to 120 s for UNIT to be active again; the first-boot unit must have been skipped by its
# condition, without one metadata request, and the marker and identity must be unchanged.
images_reboot() {
  local name=$1 unit=$2 before asked t0
  before=$(images_identity "$name")
  asked=$(images_imds_requests "$name")
  t0=$(now)
  cluster_poweroff "$name"
  cluster_start "$name"
  until cluster_pid1 "$name" >/dev/null && [ "$(cluster_exec "$name" systemctl is-active "$unit" 2>/dev/null)" = active ]; do
    le 120 "$(elapsed "$t0")" && fail "$unit on $name is not active 120 s after the reboot"; sleep 0.5
  done
  [ "$(cluster_exec "$name" systemctl show -p ConditionResult --value kafka-appliance-firstboot.service)" = no ] \
    || fail "the first-boot unit's condition did not skip it on $name after the reboot: $(cluster_exec "$name" systemctl status kafka-appliance-firstboot.service)"
  [ "$(images_imds_requests "$name")" = "$asked" ] || fail "$name asked the metadata service again after the reboot"
  [ "$(images_identity "$name")" = "$before" ] || fail "$name's marker or identity changed across the reboot: $before -> $(images_identity "$name")"
}

# "tool T s (format F s), health H s": the tool's own time includes Kafka's kafka-storage.sh
# format (a JVM), shown apart when it ran (never in ZooKeeper mode).
images_firstboot_figures() { images_firstboot_figures_of "$(images_firstboot_journal "$1" -b 0)"; }
# images_firstboot_figures_of JOURNAL: the same, from the text of a first-boot journal (a VM's).
images_firstboot_figures_of() {
  local j=$1 t f
  t=$(sed -n 's/^converged in \([0-9.]*\) s (health checks \([0-9.]*\) s).*/tool \1 s|, health \2 s/p' <<<"$j" | tail -1)
  f=$(sed -n 's/.*\[done\] format (\([0-9.]*\) s).*/\1/p' <<<"$j" | tail -1)
  [ -n "$t" ] && echo "${t%|*}${f:+ (format $f s)}${t#*|}"
}

# images_quorum NAME: Kafka's own view of the quorum from a host (describe --status, replication).
images_quorum() {
  cluster_exec "$1" env JAVA_HOME=/opt/java KAFKA_HEAP_OPTS=-Xmx128M /opt/kafka/bin/kafka-metadata-quorum.sh \
    --bootstrap-controller "$2" describe "${3:---status}"
}

# --- the 3 controllers + 3 brokers of a scenario ---------------------------------------------------
# images_three_by_three VERSION ROLE [QUORUM]: bakes the ROLE image of VERSION, starts the IMDS and
# adds c1-c3, b1-b3 and the client host cl (the same image without its first-boot unit: Kafka's
# tools are in it). Sets controllers, brokers, hosts, cluster_id and voters (1@c1:9093,...), and
# gives the hosts their instance metadata as one launch template per role would (see
# images_kraft_metadata).
images_three_by_three() {
  images_bake "$1" "$2"
  images_imds_start
  controllers=(c1 c2 c3)
  brokers=(b1 b2 b3)
  hosts=("${controllers[@]}" "${brokers[@]}")
  local h
  for h in "${hosts[@]}"; do images_add_host "$h"; done
  images_client_host cl
  cluster_id=$("$(cluster_product_binary)" cluster-id)
  voters="1@$(cluster_ip c1):9093,2@$(cluster_ip c2):9093,3@$(cluster_ip c3):9093"
  images_kraft_metadata "$2" "${3:-static}"
}

# images_kraft_metadata IMAGE_ROLE QUORUM: the tags and user-data of one launch template per role,
# nothing per instance: the cluster ID and the controllers (voters) in the tags, a role tag where
# the role is not the image's own, `kafka-appliance:quorum` for a dynamic quorum; user-data sizes
# the JVMs for these hosts and brokers take their node ID from their address. Sets ctag, btag
# (JSON), cud and bud (user-data) for later instances of the same templates.
images_kraft_metadata() {
  local image_role=$1 quorum=$2 h
  ctag=$(jq -nc --arg cid "$cluster_id" --arg v "$voters" --arg q "$quorum" --arg r "$image_role" \
    '{"kafka-appliance:cluster-id": $cid, "kafka-appliance:controllers": $v}
     + (if $r == "controller" then {} else {"kafka-appliance:role": "controller"} end)
     + (if $q == "dynamic" then {"kafka-appliance:quorum": "dynamic"} else {} end)')
  btag=$(jq -c --arg r "$image_role" 'del(."kafka-appliance:role")
     + (if $r == "broker" then {} else {"kafka-appliance:role": "broker"} end)' <<<"$ctag")
  cud=$'# kafka-appliance user-data\nmemory = "1G"\n'
  bud=$cud$'node-id-from = "ip"\n'
  for h in "${controllers[@]}"; do images_instance "$h" "$ctag" "$cud"; done
  for h in "${brokers[@]}"; do images_instance "$h" "$btag" "$bud"; done
}

images_node_id() { local ip; ip=$(cluster_ip "$1"); echo $(( ${ip##*.} )); }   # 10.213.0.N -> N (256 * 0 + N)

# images_boot_all HOST...: starts them (and the client host cl) at once and waits for each
# first-boot unit to be done. Sets t_boot (the start), t_units (s after it) and tool_max (the
# longest tool run of one first boot).
images_boot_all() {
  local h s
  t_boot=$(now)
  cluster_start "$@" cl
  for h in "$@"; do
    s=$(images_wait_firstboot "$h" 400) || fail "the first-boot unit on $h did not finish in 400 s (state $s)"
    [ "$s" = active ] || fail "the first-boot unit on $h failed: $(images_firstboot_journal "$h" | tail -5)"
  done
  t_units=$(elapsed "$t_boot")
  local f
  for h in "$@"; do
    f=$(images_firstboot_figures "$h")
    [ -n "$f" ] || fail "$h: the first-boot journal has no bootstrap summary: $(images_firstboot_journal "$h" | tail -5)"
    log "  $h first boot: $f"
  done
  tool_max=$(for h in "$@"; do images_firstboot_figures "$h" | awk '{print $2}'; done | sort -g | tail -1)
}

# images_first_boot: images_boot_all of every host, then waits for voters [1,2,3] and every broker
# an observer. Sets t_units, tool_max, t_quorum (s after the start) and observers.
images_first_boot() {
  images_boot_all "${hosts[@]}"
  observers=$(for h in "${brokers[@]}"; do images_node_id "$h"; done | jq -sc 'sort')
  until images_in_quorum "$observers"; do
    le 120 "$(elapsed "$t_boot")" && fail "not all nodes in the quorum 120 s after the hosts started: $(cluster_status c1)"
    sleep 0.5
  done
  t_quorum=$(elapsed "$t_boot")
  # The moment each node joined, from Kafka's own logs: t_quorum above is when c1's status (one
  # more JVM) confirmed it, after every first-boot unit ended.
  local h args=() times
  for h in "${hosts[@]}"; do args+=("$h=$KA_CLUSTER_WORK/$h/root/var/log/kafka/server.log"); done
  times=$(python3 "$IMAGES_LIB/kafka_log_times.py" "$t_boot" "${args[@]}") || fail "no quorum times in the Kafka logs: $times"
  sed 's/^/  Kafka log: /' <<<"$times" | while IFS= read -r l; do log "$l"; done
  t_raft=$(sed -n 's/^all raft_s=\([0-9.]*\).*/\1/p' <<<"$times")
  t_started=$(sed -n 's/^all .*started_s=\([0-9.]*\).*/\1/p' <<<"$times")
  t_ctl=$(sed -n 's/^all .*controllers_log_s=\([0-9.]*\)/\1/p' <<<"$times")
  # The issue's goal: all nodes in the quorum within 15 s after the last controller's server started.
  t_after_ctl=$(python3 -c 'import sys; print("%.1f" % (float(sys.argv[1]) - float(sys.argv[2])))' "$t_raft" "$t_ctl")
}

# images_in_quorum OBSERVERS_JSON: voters [1,2,3], a leader, and the given observers, from c1's status.
images_in_quorum() {
  local s
  s=$(cluster_status c1 2>/dev/null) || return 1
  jq -e --argjson obs "$1" '.healthy and .quorum.voters == [1,2,3] and .quorum.leader_id >= 1
      and ((.quorum.observers | sort) as $o | $obs - $o == [])' <<<"$s" >/dev/null
}
