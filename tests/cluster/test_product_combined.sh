#!/usr/bin/env bash
# shellcheck disable=SC2086,SC2015  # each args[HOST] is a list of flags, split on purpose; A && B || fail is meant
# Three combined nodes of real Kafka (broker and controller in one process, static quorum,
# KA_PRODUCT_COMBINED_VERSION, default 4.1.1: the earlier 4.x) made by `kafka-appliance bootstrap
# --role combined`; `status --json` on each; a converged re-run; real clients (acks=all,
# idempotent, RF 3, min.insync.replicas=2) through kill -9 of the quorum leader (which also
# leads partitions): the other two keep the quorum, systemd restarts it, it is in sync again, and
# every acknowledged record is consumed back.
set -euo pipefail
# shellcheck source=lib/cluster.sh
. "$(dirname "$0")/lib/cluster.sh"  # and lib/clients.sh
hosts=(n1 n2 n3)
cluster_scenario "${KA_PRODUCT_COMBINED_VERSION:-4.1.1}" "${hosts[@]}" cl
bs=n1:9092,n2:9092,n3:9092

cluster_id=$(cluster_exec n1 kafka-appliance cluster-id)
common="--kafka-version $version --cluster-id $cluster_id --controller 1@n1:9093,2@n2:9093,3@n3:9093 $release --memory 1G --wait 300"
declare -A args=()
for i in 1 2 3; do args[n$i]="--role combined --node-id $i --advertise PLAINTEXT://n$i:9092 $common"; done

cluster_bootstrap_hosts "3 combined nodes"

for i in 1 2 3; do
  s=$(cluster_healthy "n$i") || fail "status on n$i exited non-zero: $s"
  jq -e --argjson id "$i" --arg cid "$cluster_id" --arg v "$version" '.healthy and .role == "combined" and .node_id == $id
      and .cluster_id == $cid and .kafka_version == $v and .quorum.voters == [1,2,3]
      and ([.checks[].name | select(startswith("listener "))] | length) == 2' <<<"$s" >/dev/null \
    || fail "status on n$i is not a healthy combined node with two listeners: $s"
done
log "status: 3 combined nodes healthy, voters [1,2,3], broker and controller listeners open"

rerun_s=$(cluster_rerun n1 kafka.service "${args[n1]}")
log "converged re-run on n1: changed=false, tool_seconds $rerun_s"

clients_install cl
produce_acked cl "$bs"

leader=$(cluster_healthy n2 | jq .quorum.leader_id)
restarts=$(cluster_restarts "n$leader" kafka.service)
fault_begin "kill -9 combined leader n$leader"
t1=$KA_FAULT_T0
cluster_kill "n$leader" kafka.service
for h in "${hosts[@]}"; do
  [ "$h" = "n$leader" ] && continue
  ok=""
  while le "$(elapsed "$t1")" 60; do
    cluster_status "$h" | jq -e --argjson old "$leader" '.healthy and .quorum.leader_id != $old' >/dev/null 2>&1 && { ok=1; break; }
    sleep 0.5
  done
  [ -n "$ok" ] || fail "$h has no healthy quorum without n$leader"
done
failover=$(elapsed "$t1")
log "leader n$leader killed -9: the other two healthy under a new leader, seen after $failover s"
fault_end
cluster_wait_healthy "n$leader" 240 >/dev/null || fail "n$leader did not come back"
[ "$(cluster_restarts "n$leader" kafka.service)" -gt "$restarts" ] || fail "systemd did not restart kafka.service on n$leader"
wait_in_sync cl "$bs" acked 240 >/dev/null || fail "n$leader's partitions are not in sync 240 s after the kill"
rejoin=$(elapsed "$t1")
log "n$leader restarted by systemd, healthy and in sync $rejoin s after the kill"
verify_acked cl "$bs"
echo "RESULT product_combined version=$version rerun_tool_s=$rerun_s failover_s=$failover rejoin_s=$rejoin stalls_s=[$stalls] verify=[$KA_VERIFY] scenario_s=$(elapsed "$t_scenario")"
