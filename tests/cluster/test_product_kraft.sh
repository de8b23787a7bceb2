#!/usr/bin/env bash
# shellcheck disable=SC2086,SC2015  # each args[HOST] is a list of flags, split on purpose; A && B || fail is meant
# Real Kafka (KA_PRODUCT_KRAFT_VERSION, default 4.3.1) on six hosts: `kafka-appliance bootstrap`
# fetches the assembled distribution and a Temurin-packaged JRE over HTTPS, installs, renders and
# starts 3 KRaft controllers + 3 brokers (static quorum) under real systemd; `status --json` on
# every node. Real clients on a seventh host: a topic with replication factor 3 and
# min.insync.replicas=2, Kafka's VerifiableProducer (acks=all, idempotent) writing numbered
# records the whole time through kill -9 of a broker, kill -9 of the active controller and a
# broker's bridge port cut and restored (longest produce stall and rejoin time of each printed);
# then everything is consumed back and every acknowledged record must be there. The product's
# checks on the same hosts: a converged re-run changes and restarts nothing; the active
# controller cut off (the majority elects another, the isolated one reports unhealthy, healed
# they agree on one leader); a kafka.service stopped by hand; a hand-edited server.properties (exit 3,
# `plan` shows it, --force overwrites); a foreign cluster ID (exit 3, meta.properties untouched).
# `safe-to-stop` (native, no JVM) on the same cluster: yes on a broker and a controller while all
# serve, no for broker b1 while broker b2 is down (the producer's topic: RF 3,
# min.insync.replicas=2) and for a controller while another voter is down, yes once each is back
# (`--wait`); its tool time per check in the RESULT line. `status` of a broker whose JVM is frozen
# (SIGSTOP: ports still accept, it is still an observer) is NOT healthy: its produce round trip
# fails. Last, kafka-producer-perf-test (1 KiB records, acks=all) for the record.
set -euo pipefail
# shellcheck source=lib/cluster.sh
. "$(dirname "$0")/lib/cluster.sh"  # and lib/clients.sh

controllers=(c1 c2 c3)
brokers=(b1 b2 b3)
hosts=("${controllers[@]}" "${brokers[@]}")
cluster_scenario "${KA_PRODUCT_KRAFT_VERSION:-4.3.1}" "${hosts[@]}" cl

cluster_id=$(cluster_exec c1 kafka-appliance cluster-id)
voters="1@c1:9093,2@c2:9093,3@c3:9093"
bs=b1:9092,b2:9092,b3:9092
# What an operator types on each VM; --memory 1G: the product's 1 GiB-VM sizing, so the seven
# JVMs of this scenario fit beside the other scenarios' on one machine.
common="--kafka-version $version --cluster-id $cluster_id --controller $voters $release --memory 1G --wait 300"
declare -A args=()
i=0
for h in "${controllers[@]}"; do i=$((i + 1)); args[$h]="--role controller --node-id $i $common"; done
i=100
for h in "${brokers[@]}"; do i=$((i + 1)); args[$h]="--role broker --node-id $i --advertise PLAINTEXT://$h:9092 $common"; done

cluster_bootstrap_hosts "6 nodes"
for h in "${hosts[@]}"; do
  cluster_exec "$h" readlink -f /opt/java | grep -q '^/opt/temurin-' || fail "$h: /opt/java is not the Temurin JRE the product installed"
done
log "every node runs Kafka $version on $(cluster_exec c1 readlink -f /opt/java) installed by the product"

# --- status on every node -----------------------------------------------------------------------
expect_status() { # host role node-id
  local s
  s=$(cluster_healthy "$1") || fail "status on $1 exited non-zero: $s"
  jq -e --arg role "$2" --argjson id "$3" --arg cid "$cluster_id" --arg v "$version" '
      .healthy and .role == $role and .node_id == $id and .cluster_id == $cid and .kafka_version == $v
      and .unit.active == "active" and .unit.enabled == "enabled"
      and .quorum.voters == [1,2,3] and .quorum.leader_id >= 1' <<<"$s" >/dev/null \
    || fail "status on $1 is not what a healthy $2 $3 reports: $s"
}
for i in 1 2 3; do expect_status "c$i" controller "$i"; done
for i in 1 2 3; do expect_status "b$i" broker $((100 + i)); done
obs_ok="" t0=$(now)
while le "$(elapsed "$t0")" 60; do
  obs=$(cluster_healthy c1 | jq -c '.quorum.observers | sort')
  [ "$obs" = "[101,102,103]" ] && { obs_ok=1; break; }
  sleep 1
done
[ -n "$obs_ok" ] || fail "controllers do not see brokers 101-103 as observers: $obs"
log "status: every node healthy, voters [1,2,3], observers $obs"
log "resident memory of the 6 hosts: $(cluster_rss_mib "${hosts[@]}") MiB"

# --- safe-to-stop while everything serves ----------------------------------------------------------
# stop_check HOST EXPECTED_EXIT [ARGS]: `safe-to-stop --json` there; prints its answer (with
# --wait the output is JSON Lines, one event per check, and the answer is the last).
stop_check() {
  local h=$1 want=$2 r rc; shift 2
  set +e; r=$(cluster_exec "$h" kafka-appliance --json safe-to-stop "$@" 2>/dev/null); rc=$?; set -e
  [ "$rc" = "$want" ] || fail "safe-to-stop on $h exited $rc, not $want: $r"
  jq -cs '.[-1]' <<<"$r"
}
a=$(stop_check b1 0)
stop_ms=$(jq -r '.tool_ms | floor' <<<"$a")
stop_ctl_ms=$(stop_check c2 0 | jq -r '.tool_ms | floor')
log "safe-to-stop while all serve: b1 yes (${stop_ms} ms of tool time: $(jq -c '.snapshot.call_ms' <<<"$a")), c2 yes (${stop_ctl_ms} ms)"
serve_ms=$(cluster_healthy b1 | jq -r '.serve_ms | floor')

# --- a converged re-run changes nothing, restarts nothing ---------------------------------------
rerun_s=$(cluster_rerun c2 kafka.service "${args[c2]}")
p=$(cluster_exec c2 kafka-appliance plan ${args[c2]}) || fail "plan on converged c2 failed: $p"
[ "$p" = "nothing to change" ] || fail "plan on converged c2 is not empty: $p"

# --- real clients ---------------------------------------------------------------------------------
clients_install cl
produce_acked cl "$bs"

# kill -9 of a broker: its partitions' leadership moves once the controller fences it.
log "kill -9 of the broker on b2"
restarts=$(cluster_restarts b2 kafka.service)
fault_begin "kill -9 broker b2"
cluster_kill b2 kafka.service
sleep 11
# b2 is fenced (broker.session.timeout.ms 9 s) and systemd has not brought it back yet (RestartSec=10)
a=$(stop_check b1 1)
jq -e '.safe == false and (.reasons | map(test("below min.insync.replicas|would go offline")) | any)' <<<"$a" >/dev/null \
  || fail "safe-to-stop on b1 with b2 down does not name the partitions it would leave below min.insync.replicas: $a"
log "safe-to-stop on b1 while b2 is down: no ($(jq -r '.reasons[0]' <<<"$a"))"
sleep 4
fault_end
back=$(wait_in_sync cl "$bs" acked 240) || fail "b2 was not back in sync 240 s after the kill"
[ "$(cluster_restarts b2 kafka.service)" -gt "$restarts" ] || fail "systemd did not restart kafka.service on b2"
broker_rejoin=$(elapsed "$KA_FAULT_T0")
log "b2 restarted by systemd and every partition in sync again $broker_rejoin s after the kill"
a=$(stop_check b1 0 --wait 120s)
log "safe-to-stop on b1 once b2 is back: yes (after $(jq -r '.polls' <<<"$a") check(s))"

# kill -9 of the active controller.
leader=$(cluster_healthy c1 | jq .quorum.leader_id)
lh=c$leader
restarts=$(cluster_restarts "$lh" kafka.service)
log "kill -9 of the active controller on $lh"
fault_begin "kill -9 active controller $lh"
cluster_kill "$lh" kafka.service
new=$(cluster_new_leader "$leader" "$KA_FAULT_T0" '.' "${controllers[@]/$lh}") || fail "no new leader after controller $leader was killed"
ctrl_failover=$(elapsed "$KA_FAULT_T0")
log "controller $new leads, seen $ctrl_failover s after the kill"
for h in "${controllers[@]}" "${brokers[@]}"; do
  [ "$h" = "$lh" ] && continue
  cluster_healthy "$h" >/dev/null || fail "$h is not healthy while $lh is down"
done
log "the other 5 nodes stay healthy"
other=c1; [ "$lh" = c1 ] && other=c2
a=$(stop_check "$other" 1)
jq -e '.safe == false and (.reasons[0] | test("voters caught up"))' <<<"$a" >/dev/null \
  || fail "safe-to-stop on $other with voter $leader down does not say the quorum would lose its majority: $a"
log "safe-to-stop on $other while voter $leader is down: no ($(jq -r '.reasons[0]' <<<"$a"))"
fault_end
cluster_wait_healthy "$lh" 240 >/dev/null || fail "$lh was not back in the quorum 240 s after the kill"
[ "$(cluster_restarts "$lh" kafka.service)" -gt "$restarts" ] || fail "systemd did not restart kafka.service on $lh"
cluster_healthy "$lh" | jq -e --argjson id "$leader" '.quorum.voters | index($id) != null' >/dev/null || fail "$lh is not a voter again"
ctrl_rejoin=$(elapsed "$KA_FAULT_T0")
log "$lh restarted by systemd (RestartSec=10) and a voter again, $ctrl_rejoin s after the kill"
a=$(stop_check "$other" 0 --wait 120s)
log "safe-to-stop on $other once $lh is back: yes (after $(jq -r '.polls' <<<"$a") check(s))"

# a broker's bridge port cut for 20 s and restored.
log "cut b3's bridge port for 20 s"
fault_begin "bridge port of broker b3 cut 20 s"
cluster_cut b3
sleep 20
cluster_restore b3
fault_end
back=$(wait_in_sync cl "$bs" acked 240) || fail "b3 was not back in sync 240 s after its port was restored"
cut_rejoin=$back
log "b3 back in sync $cut_rejoin s after its port was restored"

# --- the active controller cut off (a Raft partition) -------------------------------------------
# The majority elects another leader and stays healthy; the isolated one loses its quorum and
# says so; once healed, all three agree on one leader (not necessarily the majority's: with or
# without pre-vote (KIP-996) the returning node may win a newer epoch first; either is Raft).
leader=$(cluster_healthy c1 | jq .quorum.leader_id)
ih=c$leader
log "cut the active controller $ih's bridge port"
cluster_cut "$ih"
t2=$(now)
new=$(cluster_new_leader "$leader" "$t2" 'select(.healthy)' "${controllers[@]/$ih}") || fail "the majority elected no new leader while $ih was cut off"
part_failover=$(elapsed "$t2")
log "the majority elected controller $new, seen $part_failover s after the cut"
# A broker stays healthy: its own status asks the controllers directly (through a broker, Kafka
# forwards DescribeQuorum on a channel that keeps the cut-off controller for 30 s).
s=$(cluster_healthy b1 60) || fail "b1 is not healthy 60 s after only the controller $ih was cut off: $s"
log "b1 healthy while $ih is cut off ($(elapsed "$t2") s after the cut)"
lost=""
t_iso=$(now)
while le "$(elapsed "$t_iso")" 60; do
  cluster_exec "$ih" kafka-appliance status --probe-timeout 1 >/dev/null 2>&1 || { lost=1; break; }
  sleep 1
done
[ -n "$lost" ] || fail "$ih still reports healthy while cut off from the quorum"
log "$ih is not healthy while cut off ($(elapsed "$t2") s after the cut); the others are"
cluster_restore "$ih"
back=$(cluster_wait_healthy "$ih" 120) || fail "$ih did not recover after its port was restored"
agreed=""
t3=$(now)
while le "$(elapsed "$t3")" 60; do
  l=$(for h in "${controllers[@]}"; do cluster_status "$h" 2>/dev/null | jq -r '.quorum.leader_id // "none"'; done | sort -u)
  [ "$(wc -l <<<"$l")" = 1 ] && [ "$l" != none ] && { agreed=$l; break; }
  sleep 1
done
[ -n "$agreed" ] || fail "after the partition healed the controllers disagree on the leader: $l"
log "$ih healthy again $back s after the port was restored; all three follow controller $agreed"

# --- everything acknowledged is there ------------------------------------------------------------
verify_acked cl "$bs"

# --- a broker that does not serve ----------------------------------------------------------------
# Its JVM frozen: the kernel still accepts connections on its ports and the quorum still lists it
# as an observer for a while (what `status` checked before), but nothing is served.
pid=$(cluster_main_pid b3 kafka.service)
cluster_exec b3 kill -STOP "$pid"
set +e; s=$(cluster_exec b3 kafka-appliance --json status --quorum-timeout 5); rc=$?; set -e
cluster_exec b3 kill -CONT "$pid"
[ $rc = 1 ] || fail "status of a frozen broker exited $rc, not 1: $s"
jq -e '.healthy == false and (.checks | map(select(.ok == false and (.name | test("produce round trip on broker 103")))) | length == 1)' <<<"$s" >/dev/null \
  || fail "status of a frozen broker does not name its failed produce round trip: $s"
log "b3 frozen: status exit 1: $(jq -r '.checks[] | select(.ok == false) | .name + ": " + .detail' <<<"$s" | head -1)"
cluster_healthy b3 120 >/dev/null || fail "b3 is not healthy again 120 s after it was thawed"
log "b3 thawed: healthy again"

# --- kafka.service stopped by hand --------------------------------------------------------------
cluster_exec b3 systemctl stop kafka.service
set +e; s=$(cluster_status b3); rc=$?; set -e
[ $rc = 1 ] || fail "status of a stopped broker exited $rc, not 1"
jq -e '.healthy == false and .unit.active == "inactive"' <<<"$s" >/dev/null || fail "status does not say kafka.service is stopped: $s"
t=$(cluster_exec b3 kafka-appliance status 2>&1) && fail "status (text) of a stopped broker exited 0"
grep -q '^unit *kafka.service inactive' <<<"$t" || fail "status (text) does not say kafka.service is inactive: $t"
log "b3 with kafka.service stopped by hand: status exit 1, unit inactive"
r=$(cluster_exec b3 kafka-appliance --json bootstrap ${args[b3]}) || fail "bootstrap did not bring b3 back: $r"
jq -e '.restarted == ["kafka.service"] and .healthy' <<<"$r" >/dev/null || fail "bootstrap on b3: $r"
log "bootstrap started it again and b3 is healthy"

# --- a hand-edited server.properties ------------------------------------------------------------
cluster_exec b2 sh -c 'echo "num.network.threads=7" >> /etc/kafka/server.properties'
pid_before=$(cluster_main_pid b2 kafka.service)
set +e; r=$(cluster_exec b2 kafka-appliance bootstrap ${args[b2]} 2>&1); rc=$?; set -e
[ $rc = 3 ] || fail "bootstrap over a hand-edited server.properties exited $rc, not 3: $r"
grep -q "server.properties" <<<"$r" || fail "the refusal does not name server.properties: $r"
cluster_exec b2 grep -qx "num.network.threads=7" /etc/kafka/server.properties || fail "the refusal changed the hand edit"
[ "$(cluster_main_pid b2 kafka.service)" = "$pid_before" ] || fail "the refusal restarted kafka.service"
p=$(cluster_exec b2 kafka-appliance plan ${args[b2]} 2>&1) || true
grep -q '^! file /etc/kafka/server.properties' <<<"$p" || fail "plan does not flag the hand-edited server.properties: $p"
grep -q -- '-num.network.threads=7' <<<"$p" || fail "plan's diff does not show the hand edit going away: $p"
log "hand edit on b2: bootstrap exit 3, plan shows it"
r=$(cluster_exec b2 kafka-appliance --json bootstrap --force ${args[b2]}) || fail "bootstrap --force failed: $r"
jq -e '.changed and .restarted == ["kafka.service"] and .healthy' <<<"$r" >/dev/null || fail "bootstrap --force: $r"
cluster_exec b2 grep -q "num.network.threads=7" /etc/kafka/server.properties && fail "--force kept the hand edit"
r=$(cluster_exec b2 kafka-appliance --json bootstrap ${args[b2]}) || fail "re-run after --force failed: $r"
jq -e '.changed == false' <<<"$r" >/dev/null || fail "re-run after --force still changes something: $r"
log "--force overwrote it, restarted kafka.service, and the next run is converged"

# --- a foreign cluster ID -----------------------------------------------------------------------
foreign=$(cluster_exec b1 kafka-appliance cluster-id)
before=$(cluster_exec b1 sh -c 'sha256sum /var/lib/kafka/data/meta.properties /var/lib/kafka/meta/meta.properties 2>/dev/null')
pid_before=$(cluster_main_pid b1 kafka.service)
set +e; r=$(cluster_exec b1 kafka-appliance bootstrap ${args[b1]/--cluster-id $cluster_id/--cluster-id $foreign} 2>&1); rc=$?; set -e
[ $rc = 3 ] || fail "bootstrap with a foreign cluster ID exited $rc, not 3: $r"
grep -q "$cluster_id" <<<"$r" || fail "the refusal does not name the cluster ID on disk: $r"
[ "$(cluster_exec b1 sh -c 'sha256sum /var/lib/kafka/data/meta.properties /var/lib/kafka/meta/meta.properties 2>/dev/null')" = "$before" ] \
  || fail "meta.properties changed"
[ "$(cluster_main_pid b1 kafka.service)" = "$pid_before" ] || fail "the refusal restarted kafka.service"
cluster_healthy b1 >/dev/null || fail "b1 is no longer healthy after the refused bootstrap"
log "foreign cluster ID on b1: exit 3, meta.properties byte-identical, still healthy"

# --- throughput, for the record ------------------------------------------------------------------
kafka_tool cl kafka-topics --bootstrap-server "$bs" --create --topic perf --partitions 6 --replication-factor 3 \
  --config min.insync.replicas=2 >/dev/null || fail "could not create the perf topic"
perf=$(kafka_tool cl kafka-producer-perf-test --topic perf --num-records "${KA_PERF_RECORDS:-150000}" --record-size 1024 \
  --throughput -1 --producer-props bootstrap.servers="$bs" acks=all linger.ms=10 batch.size=262144 2>&1 | tail -1) \
  || fail "kafka-producer-perf-test failed: $perf"
mbs=$(sed -n 's/.*(\([0-9.]*\) MB\/sec).*/\1/p' <<<"$perf")
[ -n "$mbs" ] || fail "kafka-producer-perf-test printed no MB/sec: $perf"
log "throughput: $mbs MB/s (1 KiB records, acks=all, RF 3) on $(nproc) cores / $(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1048576 )) GiB, all 7 hosts on one machine: $perf"

echo "RESULT product_kraft version=$version safe_to_stop_ms=$stop_ms safe_to_stop_controller_ms=$stop_ctl_ms health_serve_ms=$serve_ms rerun_tool_s=$rerun_s controller_failover_s=$ctrl_failover partition_failover_s=$part_failover controller_rejoin_s=$ctrl_rejoin broker_rejoin_s=$broker_rejoin cut_rejoin_s=$cut_rejoin stalls_s=[$stalls] verify=[$KA_VERIFY] perf_mb_s=$mbs scenario_s=$(elapsed "$t_scenario")"
