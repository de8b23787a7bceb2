#!/usr/bin/env bash
# shellcheck disable=SC2086,SC2015  # each args[HOST] is a list of flags, split on purpose; A && B || fail is meant
# A dynamic KRaft quorum (KIP-853) of real Kafka (KA_PRODUCT_KRAFT_VERSION, default 4.3.1) made by
# the product: 3 controllers given only `--controller-bootstrap` and formatted with `--format-mode
# initial-controllers --initial-controller ...`, 3 brokers; no controller.quorum.voters rendered;
# voters [1,2,3] with the directory IDs of each controller's meta.properties; a re-run skips
# format. Then a fourth controller joins the running quorum by the product alone: bootstrapped
# with `--format-mode no-initial-controllers`, it becomes a voter before bootstrap returns (Kafka
# 4.2+: controller.quorum.auto.join.enable rendered; 3.9-4.1: the planned add-controller step).
# A fifth host claiming controller 2's node ID is refused (exit 3) and formats nothing. Real
# clients the whole time (acks=all, idempotent, RF 3, min.insync.replicas=2) through kill -9 of
# a controller; everything acknowledged is consumed back.
set -euo pipefail
# shellcheck source=lib/cluster.sh
. "$(dirname "$0")/lib/cluster.sh"  # and lib/clients.sh

controllers=(c1 c2 c3)
brokers=(b1 b2 b3)
hosts=("${controllers[@]}" "${brokers[@]}")
cluster_scenario "${KA_PRODUCT_KRAFT_VERSION:-4.3.1}" "${hosts[@]}" c4 cl

cluster_id=$(cluster_exec c1 kafka-appliance cluster-id)
bs=b1:9092,b2:9092,b3:9092
common="--kafka-version $version --cluster-id $cluster_id --controller-bootstrap c1:9093,c2:9093,c3:9093 $release --memory 1G --wait 300"
declare -A args=()
for i in 1 2 3; do
  args[c$i]="--role controller --node-id $i --format-mode initial-controllers --initial-controller 1@c1:9093,2@c2:9093,3@c3:9093 --advertise CONTROLLER://c$i:9093 $common"
done
i=100
for h in "${brokers[@]}"; do i=$((i + 1)); args[$h]="--role broker --node-id $i --advertise PLAINTEXT://$h:9092 $common"; done
args[c4]="--role controller --node-id 4 --format-mode no-initial-controllers --advertise CONTROLLER://c4:9093 $common"

cluster_bootstrap_hosts "dynamic quorum: 3 controllers and 3 brokers"
for h in "${controllers[@]}"; do
  cluster_exec "$h" grep -q '^controller.quorum.bootstrap.servers=' /etc/kafka/server.properties || fail "$h: no controller.quorum.bootstrap.servers"
  cluster_exec "$h" grep -q '^controller.quorum.voters=' /etc/kafka/server.properties && fail "$h: a dynamic quorum must not have controller.quorum.voters"
  cluster_exec "$h" test -f /var/lib/kafka/meta/bootstrap.checkpoint || fail "$h: not formatted as a dynamic-quorum controller"
done

i=0
for h in "${controllers[@]}"; do
  i=$((i + 1))
  s=$(cluster_healthy "$h") || fail "status on $h exited non-zero: $s"
  jq -e --argjson id "$i" --arg cid "$cluster_id" '.healthy and .role == "controller" and .node_id == $id and .cluster_id == $cid
      and .quorum.voters == [1,2,3] and .quorum.leader_id >= 1' <<<"$s" >/dev/null || fail "status on $h: $s"
done
for h in "${brokers[@]}"; do
  s=$(cluster_healthy "$h") || fail "status on $h exited non-zero: $s"
  jq -e '.healthy and .role == "broker" and .quorum.voters == [1,2,3]' <<<"$s" >/dev/null || fail "status on $h: $s"
done
quorum() { cluster_exec c1 env JAVA_HOME=/opt/java /opt/kafka/bin/kafka-metadata-quorum.sh --bootstrap-controller c1:9093 describe --status; }
dirs=$(quorum | grep '^CurrentVoters:')
for h in "${controllers[@]}"; do
  d=$(cluster_exec "$h" sed -n 's/^directory.id=//p' /var/lib/kafka/meta/meta.properties)
  grep -q "\"directoryId\": *\"$d\"" <<<"$dirs" || fail "$h's directory ID $d is not the voter's: $dirs"
done
log "status: voters [1,2,3] with the formatted directory IDs, brokers 101-103 healthy"

rerun_s=$(cluster_rerun c3 kafka.service "${args[c3]}")
jq -e '.steps[] | select(.step == "format") | .changes == []' "$KA_CLUSTER_WORK/rerun.json" >/dev/null || fail "re-run on c3 did not skip format: $(cat "$KA_CLUSTER_WORK/rerun.json")"
log "converged re-run on c3: format skipped, changed=false, tool_seconds $rerun_s"

clients_install cl
produce_acked cl "$bs"

# --- a fourth controller joins the running quorum by the product alone --------------------------------
plan=$(cluster_exec c4 kafka-appliance --json plan ${args[c4]} 2>/dev/null) || fail "plan on c4 failed: $plan"
IFS=. read -r major minor _ <<<"$version"
if [ "$major" -ge 5 ] || { [ "$major" -eq 4 ] && [ "$minor" -ge 2 ]; }; then  # controller.quorum.auto.join.enable is 4.2+
  join_by=auto-join
  jq -e '.changes[] | select(.kind == "quorum" and .target == "controller 4" and .change == "join" and .argv == [])' <<<"$plan" >/dev/null \
    || fail "plan on c4 has no auto-join step: $plan"
  jq -e '.changes[] | select(.target == "/etc/kafka/server.properties") | .diff | test("controller.quorum.auto.join.enable=true")' <<<"$plan" >/dev/null \
    || fail "plan on c4 does not render controller.quorum.auto.join.enable=true: $plan"
else
  join_by=add-controller
  jq -e '.changes[] | select(.kind == "quorum" and .target == "controller 4" and .change == "join")
      | .argv == ["/opt/kafka/bin/kafka-metadata-quorum.sh", "--command-config", "/etc/kafka/server.properties",
                  "--bootstrap-controller", "c1:9093,c2:9093,c3:9093", "add-controller"]' <<<"$plan" >/dev/null \
    || fail "plan on c4 has no add-controller step with its exact argv: $plan"
fi
t_join=$(now)
r=$(cluster_exec c4 kafka-appliance --json bootstrap ${args[c4]} 2>"$KA_CLUSTER_WORK/c4.err") || fail "bootstrap of the joining controller c4 failed: $r $(cat "$KA_CLUSTER_WORK/c4.err")"
join_s=$(elapsed "$t_join")
jq -e '.healthy and (.steps[] | select(.step == "join") | .changes != [])' <<<"$r" >/dev/null || fail "c4's bootstrap did not join it: $r"
log "c4 bootstrapped with --format-mode no-initial-controllers and joined by $join_by in $join_s s ($(jq -r '.steps[] | select(.step == "join") | .note' <<<"$r"))"
cluster_exec c4 grep -q '^directory.id=' /var/lib/kafka/meta/meta.properties || fail "c4 has no directory.id"
cluster_status c1 | jq -e '.quorum.voters == [1,2,3,4]' >/dev/null || fail "c4 is not a voter when its bootstrap returned: $(quorum)"
s=$(cluster_healthy c4) || fail "status on the joined controller c4 exited non-zero: $s"
jq -e '.healthy and .quorum.voters == [1,2,3,4]' <<<"$s" >/dev/null || fail "status on c4: $s"
log "c4 joined by the product ($join_by): voters [1,2,3,4] $join_s s after its bootstrap began"
rerun_c4=$(cluster_exec c4 kafka-appliance --json bootstrap ${args[c4]} 2>/dev/null) || fail "re-run on c4 failed: $rerun_c4"
jq -e '.changed == false' <<<"$rerun_c4" >/dev/null || fail "re-run on c4 changed something: $rerun_c4"

# --- a fifth host claiming controller 2's node ID is refused, and formats nothing -------------------
set +e
dup=$(cluster_exec cl kafka-appliance bootstrap --role controller --node-id 2 --format-mode no-initial-controllers \
  --advertise CONTROLLER://cl:9093 $common --no-start 2>&1)
rc=$?
set -e
[ "$rc" = 3 ] || fail "a second node ID 2 was not refused with exit 3 (exit $rc): $dup"
grep -q '^error: node ID 2 is taken by voter 2 .*give this node another ID with --node-id' <<<"$dup" || fail "refusal does not say what to set: $dup"
cluster_exec cl test ! -e /var/lib/kafka/meta/meta.properties || fail "the refused host formatted its storage"
cluster_exec cl test ! -e /etc/kafka/server.properties || fail "the refused host wrote its config"
log "a fifth host claiming node ID 2 refused (exit 3), nothing written: $(grep "^error:" <<<"$dup")"

# --- kill -9 of a controller with the clients running ------------------------------------------------
restarts=$(cluster_restarts c2 kafka.service)
fault_begin "kill -9 controller c2"
cluster_kill c2 kafka.service
cluster_healthy c1 >/dev/null || fail "c1 lost the quorum while only c2 is down"
sleep 5
fault_end
cluster_wait_healthy c2 240 >/dev/null || fail "c2 did not come back after kill -9"
[ "$(cluster_restarts c2 kafka.service)" -gt "$restarts" ] || fail "systemd did not restart kafka.service on c2"
cluster_healthy c2 | jq -e '.quorum.voters == [1,2,3,4]' >/dev/null || fail "c2 is not a voter again"
rejoin=$(elapsed "$KA_FAULT_T0")
log "c2 killed -9, restarted by systemd and a voter again after $rejoin s"

verify_acked cl "$bs"
echo "RESULT product_dynamic version=$version rerun_tool_s=$rerun_s join_s=$join_s controller_rejoin_s=$rejoin stalls_s=[$stalls] verify=[$KA_VERIFY] scenario_s=$(elapsed "$t_scenario")"
