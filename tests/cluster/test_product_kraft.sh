#!/usr/bin/env bash
# shellcheck disable=SC2086,SC2015  # each args[HOST] is a list of flags, split on purpose; A && B || fail is meant
# The product on six hosts: `kafka-appliance bootstrap` makes 3 KRaft controllers + 3 brokers
# (static quorum, Kafka 4.x test double) under real systemd; `status --json` on every node. Then
# the faults, reusing the hosts: a converged re-run changes and restarts nothing; kill -9 of the
# quorum leader (the rest keep the quorum, systemd restarts it, it is a voter again); a bridge
# port cut and restored; a kafka.service stopped by hand; a hand-edited server.properties (exit 3,
# `plan` shows it, --force overwrites); a foreign cluster ID (exit 3, meta.properties untouched).
set -euo pipefail
# shellcheck source=lib/cluster.sh
. "$(dirname "$0")/lib/cluster.sh"
cluster_product_binary >/dev/null
cluster_init

version=${KA_PRODUCT_KRAFT_VERSION:-4.1.1}
controllers=(c1 c2 c3)
brokers=(b1 b2 b3)
hosts=("${controllers[@]}" "${brokers[@]}")
cluster_product_hosts "$version" "${hosts[@]}"
cluster_boot "${hosts[@]}"

cluster_id=$(cluster_exec c1 kafka-appliance cluster-id)
voters="1@c1:9093,2@c2:9093,3@c3:9093"
# What an operator types on each VM; --memory keeps six JVM-sized heaps out of the picture.
common="--kafka-version $version --cluster-id $cluster_id --controller $voters --archive /root/$(basename "$tgz") --private-build --sha512 $sha --java system --memory 2G --wait 120"
declare -A args=()
i=0
for h in "${controllers[@]}"; do i=$((i + 1)); args[$h]="--role controller --node-id $i $common"; done
i=100
for h in "${brokers[@]}"; do i=$((i + 1)); args[$h]="--role broker --node-id $i --advertise PLAINTEXT://$h:9092 $common"; done

cluster_bootstrap_hosts "6 nodes"

# --- status on every node -----------------------------------------------------------------------
expect_status() { # host role node-id
  local s
  s=$(cluster_status "$1") || fail "status on $1 exited non-zero: $s"
  jq -e --arg role "$2" --argjson id "$3" --arg cid "$cluster_id" --arg v "$version" '
      .healthy and .role == $role and .node_id == $id and .cluster_id == $cid and .kafka_version == $v
      and .unit.active == "active" and .unit.enabled == "enabled"
      and .quorum.voters == [1,2,3] and .quorum.leader_id >= 1' <<<"$s" >/dev/null \
    || fail "status on $1 is not what a healthy $2 $3 reports: $s"
}
for i in 1 2 3; do expect_status "c$i" controller "$i"; done
for i in 1 2 3; do expect_status "b$i" broker $((100 + i)); done
# Brokers are observers of the quorum; each one announces itself every second or so.
obs_ok=""
for _ in $(seq 40); do
  obs=$(cluster_status c1 | jq -c '.quorum.observers | sort')
  [ "$obs" = "[101,102,103]" ] && { obs_ok=1; break; }
  sleep 0.25
done
[ -n "$obs_ok" ] || fail "controllers do not see brokers 101-103 as observers: $obs"
log "status: every node healthy, voters [1,2,3], observers $obs"
log "resident memory of the 6 hosts: $(cluster_rss_mib "${hosts[@]}") MiB"

# --- a converged re-run changes nothing, restarts nothing ---------------------------------------
pid_before=$(cluster_main_pid c2 kafka.service)
rerun=$(cluster_exec c2 kafka-appliance --json bootstrap ${args[c2]}) || fail "re-run on c2 failed: $rerun"
jq -e '.changed == false and .restarted == [] and .healthy' <<<"$rerun" >/dev/null || fail "re-run changed something: $rerun"
[ "$(cluster_main_pid c2 kafka.service)" = "$pid_before" ] || fail "re-run restarted kafka.service on c2"
rerun_s=$(jq .tool_seconds <<<"$rerun")
log "converged re-run on c2: changed=false, MainPID $pid_before kept, tool_seconds $rerun_s"
le "$rerun_s" "${KA_RERUN_MAX_S:-0.1}" || fail "converged re-run took $rerun_s s of tool time (goal <= ${KA_RERUN_MAX_S:-0.1} s)"
p=$(cluster_exec c2 kafka-appliance plan ${args[c2]}) || fail "plan on converged c2 failed: $p"
[ "$p" = "nothing to change" ] || fail "plan on converged c2 is not empty: $p"

# --- kill -9 of the quorum leader ---------------------------------------------------------------
leader=$(cluster_status c1 | jq .quorum.leader_id)
lh=c$leader
restarts=$(cluster_restarts "$lh" kafka.service)
log "kill -9 of the leader's kafka.service on $lh"
t1=$(now)
cluster_kill "$lh" kafka.service
new=""
for _ in $(seq 100); do
  for h in "${controllers[@]}"; do
    [ "$h" = "$lh" ] && continue
    new=$(cluster_status "$h" 2>/dev/null | jq -r '.quorum.leader_id // empty') || true
    [ -n "$new" ] && [ "$new" != "$leader" ] && break 2
  done
  sleep 0.1
done
[ -n "$new" ] && [ "$new" != "$leader" ] || fail "no new leader after controller $leader was killed"
ctrl_failover=$(elapsed "$t1")
log "controller $new leads after $ctrl_failover s"
for h in "${controllers[@]}" "${brokers[@]}"; do
  [ "$h" = "$lh" ] && continue
  cluster_status "$h" >/dev/null || fail "$h is not healthy while $lh is down"
done
log "the other 5 nodes stay healthy"
back=$(cluster_wait_healthy "$lh" 60) || fail "$lh was not back in the quorum 60 s after the kill"
[ "$(cluster_restarts "$lh" kafka.service)" -gt "$restarts" ] || fail "systemd did not restart kafka.service on $lh"
cluster_status "$lh" | jq -e --argjson id "$leader" '.quorum.voters | index($id) != null' >/dev/null || fail "$lh is not a voter again"
ctrl_rejoin=$(elapsed "$t1")
log "$lh restarted by systemd (Restart=on-failure, RestartSec=10) and a voter again, $ctrl_rejoin s after the kill"

# --- a bridge port cut and restored -------------------------------------------------------------
log "cut c3's bridge port"
cluster_cut c3
t2=$(now)
sleep 1
for h in c1 c2 b1; do cluster_status "$h" >/dev/null || fail "$h lost its health while only c3 was cut off"; done
# c3 alone has no majority; it notices when its peers stop answering, on its own clock.
lost=""
for _ in $(seq 10); do
  cluster_exec c3 kafka-appliance status --probe-timeout 1 >/dev/null 2>&1 || { lost=1; break; }
  sleep 1
done
[ -n "$lost" ] || fail "c3 still reports healthy 10 s after it was cut off from the quorum"
log "c3 is not healthy while cut off; c1, c2, b1 are"
cluster_restore c3
back=$(cluster_wait_healthy c3 30) || fail "c3 did not recover after its port was restored"
log "c3 healthy again $back s after the port was restored (cut for $(elapsed "$t2") s in all)"

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
log "hand edit on b2: bootstrap exit 3, plan shows it; the refusal:"; sed 's/^/    /' <<<"$r" >&2
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
cluster_status b1 >/dev/null || fail "b1 is no longer healthy after the refused bootstrap"
log "foreign cluster ID on b1: exit 3, meta.properties byte-identical, still healthy; the refusal:"; sed 's/^/    /' <<<"$r" >&2

echo "RESULT product_kraft_rerun_tool_s=$rerun_s controller_failover_s=$ctrl_failover controller_rejoin_s=$ctrl_rejoin"
