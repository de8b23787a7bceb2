#!/usr/bin/env bash
# shellcheck disable=SC2086,SC2015  # each args[HOST] is a list of flags, split on purpose; A && B || fail is meant
# Three combined nodes (broker and controller in one process, static quorum, Kafka 4.x test
# double) made by `kafka-appliance bootstrap --role combined`; `status --json` on each; a
# converged re-run; kill -9 of the leader: the other two keep the quorum, systemd restarts it.
set -euo pipefail
# shellcheck source=lib/cluster.sh
. "$(dirname "$0")/lib/cluster.sh"
cluster_product_binary >/dev/null
cluster_init

version=${KA_PRODUCT_KRAFT_VERSION:-4.2.0}
hosts=(n1 n2 n3)
cluster_product_hosts "$version" "${hosts[@]}"
cluster_boot "${hosts[@]}"

cluster_id=$(cluster_exec n1 kafka-appliance cluster-id)
common="--kafka-version $version --cluster-id $cluster_id --controller 1@n1:9093,2@n2:9093,3@n3:9093 --archive /root/$(basename "$tgz") --private-build --sha512 $sha --java system --memory 2G --wait 120"
declare -A args=()
for i in 1 2 3; do args[n$i]="--role combined --node-id $i --advertise PLAINTEXT://n$i:9092 $common"; done

cluster_bootstrap_hosts "3 combined nodes"

for i in 1 2 3; do
  s=$(cluster_status "n$i") || fail "status on n$i exited non-zero: $s"
  jq -e --argjson id "$i" --arg cid "$cluster_id" --arg v "$version" '.healthy and .role == "combined" and .node_id == $id
      and .cluster_id == $cid and .kafka_version == $v and .quorum.voters == [1,2,3]
      and ([.checks[].name | select(startswith("listener "))] | length) == 2' <<<"$s" >/dev/null \
    || fail "status on n$i is not a healthy combined node with two listeners: $s"
done
log "status: 3 combined nodes healthy, voters [1,2,3], broker and controller listeners open"

pid_before=$(cluster_main_pid n1 kafka.service)
r=$(cluster_exec n1 kafka-appliance --json bootstrap ${args[n1]}) || fail "re-run on n1 failed: $r"
jq -e '.changed == false and .restarted == []' <<<"$r" >/dev/null || fail "re-run on n1 changed something: $r"
[ "$(cluster_main_pid n1 kafka.service)" = "$pid_before" ] || fail "re-run restarted kafka.service on n1"
log "converged re-run on n1: changed=false, tool_seconds $(jq .tool_seconds <<<"$r")"

leader=$(cluster_status n2 | jq .quorum.leader_id)
restarts=$(cluster_restarts "n$leader" kafka.service)
t1=$(now)
cluster_kill "n$leader" kafka.service
for h in "${hosts[@]}"; do
  [ "$h" = "n$leader" ] && continue
  ok=""
  for _ in $(seq 50); do
    cluster_status "$h" | jq -e --argjson old "$leader" '.healthy and .quorum.leader_id != $old' >/dev/null 2>&1 && { ok=1; break; }
    sleep 0.1
  done
  [ -n "$ok" ] || fail "$h has no healthy quorum without n$leader"
done
failover=$(elapsed "$t1")
log "leader n$leader killed -9: the other two healthy under a new leader after $failover s"
cluster_wait_healthy "n$leader" 60 >/dev/null || fail "n$leader did not come back"
[ "$(cluster_restarts "n$leader" kafka.service)" -gt "$restarts" ] || fail "systemd did not restart kafka.service on n$leader"
log "n$leader restarted by systemd and healthy $(elapsed "$t1") s after the kill"
echo "RESULT product_combined_failover_s=$failover"
