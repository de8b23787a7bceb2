#!/usr/bin/env bash
# shellcheck disable=SC2086,SC2015  # each args[HOST] is a list of flags, split on purpose; A && B || fail is meant
# A dynamic KRaft quorum (KIP-853) with the product: 3 controllers given only
# `--controller-bootstrap` and formatted with `--format-mode initial-controllers
# --initial-controller ...` (the double supports --initial-controllers and
# --no-initial-controllers, not add-controller), plus one broker; Kafka 4.x test double.
# `status --json` everywhere, the format step skipped by a converged re-run, and a controller
# killed -9 coming back into the quorum with the directory ID it was formatted with.
set -euo pipefail
# shellcheck source=lib/cluster.sh
. "$(dirname "$0")/lib/cluster.sh"
cluster_product_binary >/dev/null
cluster_init

version=${KA_PRODUCT_KRAFT_VERSION:-4.1.1}
controllers=(c1 c2 c3)
hosts=(c1 c2 c3 b1)
cluster_product_hosts "$version" "${hosts[@]}"
cluster_boot "${hosts[@]}"

cluster_id=$(cluster_exec c1 kafka-appliance cluster-id)
common="--kafka-version $version --cluster-id $cluster_id --controller-bootstrap c1:9093,c2:9093,c3:9093 --archive /root/$(basename "$tgz") --private-build --sha512 $sha --java system --memory 2G --wait 120"
declare -A args=()
for i in 1 2 3; do
  args[c$i]="--role controller --node-id $i --format-mode initial-controllers --initial-controller 1@c1:9093,2@c2:9093,3@c3:9093 --advertise CONTROLLER://c$i:9093 $common"
done
args[b1]="--role broker --node-id 101 --advertise PLAINTEXT://b1:9092 $common"

cluster_bootstrap_hosts "dynamic quorum: 3 controllers and a broker"
for h in "${controllers[@]}"; do
  cluster_exec "$h" grep -q '^controller.quorum.bootstrap.servers=' /etc/kafka/server.properties || fail "$h: no controller.quorum.bootstrap.servers"
  cluster_exec "$h" grep -q '^controller.quorum.voters=' /etc/kafka/server.properties && fail "$h: a dynamic quorum must not have controller.quorum.voters"
  # --initial-controllers wrote the voter set into the bootstrap checkpoint, not the config.
  cluster_exec "$h" test -f /var/lib/kafka/meta/bootstrap.checkpoint || fail "$h: not formatted as a dynamic-quorum controller"
done

i=0
for h in "${controllers[@]}"; do
  i=$((i + 1))
  s=$(cluster_status "$h") || fail "status on $h exited non-zero: $s"
  jq -e --argjson id "$i" --arg cid "$cluster_id" '.healthy and .role == "controller" and .node_id == $id and .cluster_id == $cid
      and .quorum.voters == [1,2,3] and .quorum.leader_id >= 1' <<<"$s" >/dev/null || fail "status on $h: $s"
done
s=$(cluster_status b1) || fail "status on b1 exited non-zero: $s"
jq -e '.healthy and .role == "broker" and .node_id == 101 and .quorum.voters == [1,2,3]' <<<"$s" >/dev/null || fail "status on b1: $s"
# The voters' directory IDs are the ones bootstrap derived for --initial-controllers.
dirs=$(cluster_exec c1 /opt/kafka/bin/kafka-metadata-quorum.sh --bootstrap-controller c1:9093 describe --status | grep '^CurrentVoters:')
for h in "${controllers[@]}"; do
  d=$(cluster_exec "$h" sed -n 's/^directory.id=//p' /var/lib/kafka/meta/meta.properties)
  grep -q "\"directoryId\": \"$d\"" <<<"$dirs" || fail "$h's directory ID $d is not the voter's: $dirs"
done
log "status: voters [1,2,3] with the formatted directory IDs, broker 101 healthy"

pid_before=$(cluster_main_pid c3 kafka.service)
r=$(cluster_exec c3 kafka-appliance --json bootstrap ${args[c3]}) || fail "re-run on c3 failed: $r"
jq -e '.changed == false and .restarted == [] and (.steps[] | select(.step == "format") | .changes == [])' <<<"$r" >/dev/null \
  || fail "re-run on c3 changed something: $r"
[ "$(cluster_main_pid c3 kafka.service)" = "$pid_before" ] || fail "re-run restarted kafka.service on c3"
log "converged re-run on c3: format skipped, changed=false, tool_seconds $(jq .tool_seconds <<<"$r")"

restarts=$(cluster_restarts c2 kafka.service)
t1=$(now)
cluster_kill c2 kafka.service
cluster_status c1 >/dev/null || fail "c1 lost the quorum while only c2 is down"
cluster_wait_healthy c2 60 >/dev/null || fail "c2 did not come back after kill -9"
[ "$(cluster_restarts c2 kafka.service)" -gt "$restarts" ] || fail "systemd did not restart kafka.service on c2"
cluster_status c2 | jq -e '.quorum.voters == [1,2,3]' >/dev/null || fail "c2 is not a voter again"
rejoin=$(elapsed "$t1")
log "c2 killed -9, restarted by systemd and a voter again after $rejoin s"
echo "RESULT product_dynamic_rejoin_s=$rejoin"
