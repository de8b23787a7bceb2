#!/usr/bin/env bash
# Three KRaft controller doubles on three hosts under systemd: format, start, quorum, describe;
# then kill -9 of the leader (new leader, systemd restarts it, it rejoins as a follower) and a
# network partition of one controller (it loses the leader, the other two keep serving, it
# follows again once the link is back).
set -euo pipefail
. "$(dirname "$0")/lib/cluster.sh"
cluster_init

version=${KA_DOUBLE_KRAFT_VERSION:-4.0.0}
hosts=(c1 c2 c3)
for h in "${hosts[@]}"; do cluster_add_host "$h"; done
cluster_boot "${hosts[@]}"

tgz=$(cluster_kafka_tarball "$version")
voters="1@c1:9093,2@c2:9093,3@c3:9093"
cluster_id=""
i=0
for h in "${hosts[@]}"; do
  i=$((i + 1))
  cluster_install_kafka "$h" "$tgz"
  [ -n "$cluster_id" ] || cluster_id=$(cluster_exec "$h" /opt/kafka/bin/kafka-storage.sh random-uuid)
  # Our own config and unit until the product's `kafka-appliance bootstrap --role controller
  # --node-id $i --cluster-id $cluster_id --controller ...` renders, formats and starts them.
  cat > "$KA_CLUSTER_WORK/server.properties" <<EOC
process.roles=controller
node.id=$i
controller.quorum.voters=$voters
listeners=CONTROLLER://$(cluster_ip "$h"):9093
controller.listener.names=CONTROLLER
log.dirs=/var/lib/kafka/meta
EOC
  cluster_copy "$h" "$KA_CLUSTER_WORK/server.properties" /etc/kafka/server.properties
  cat > "$KA_CLUSTER_WORK/kafka.service" <<'EOC'
[Unit]
Description=Kafka (cluster-test unit)
After=network.target
[Service]
Type=simple
User=kafka
Environment=LOG_DIR=/var/log/kafka
ExecStart=/opt/kafka/bin/kafka-server-start.sh /etc/kafka/server.properties
Restart=on-failure
RestartSec=1
SuccessExitStatus=143
[Install]
WantedBy=multi-user.target
EOC
  cluster_copy "$h" "$KA_CLUSTER_WORK/kafka.service" /etc/systemd/system/kafka.service
  cluster_exec "$h" runuser -u kafka -- /opt/kafka/bin/kafka-storage.sh format -t "$cluster_id" \
    -c /etc/kafka/server.properties >/dev/null || fail "format failed on $h"
done
t0=$(now)
for h in "${hosts[@]}"; do cluster_exec "$h" systemctl enable --now kafka.service >/dev/null 2>&1; done

wait_log() { # host pattern timeout
  local i=0
  until cluster_exec "$1" grep -q -- "$2" /var/log/kafka/server.log 2>/dev/null; do
    i=$((i + 1)); [ $i -lt $(( $3 * 10 )) ] || return 1; sleep 0.1
  done
}
i=0
for h in "${hosts[@]}"; do
  i=$((i + 1))
  wait_log "$h" "\[KafkaRaftServer nodeId=$i\] Kafka Server started" 30 || fail "$h did not log started"
done
log "3 controllers started with a quorum in $(elapsed "$t0") s"

describe() { cluster_exec "$1" /opt/kafka/bin/kafka-metadata-quorum.sh --bootstrap-controller "$2:9093" describe --status; }
status=$(describe c3 c3) || fail "describe --status failed"
echo "$status"
grep -qx "ClusterId:              $cluster_id" <<<"$status" || fail "describe shows another cluster id"
leader=$(awk '/^LeaderId:/ {print $2}' <<<"$status")
[ "$leader" = 1 ] || fail "expected controller 1 to lead, got '$leader'"

log "kill -9 of the leader on c1"
t1=$(now)
cluster_kill c1 kafka.service
new=""
for _ in $(seq 100); do
  new=$(describe c2 c2 2>/dev/null | awk '/^LeaderId:/ {print $2}') || true
  [ -n "$new" ] && [ "$new" != 1 ] && break
  sleep 0.1
done
[ -n "$new" ] && [ "$new" != 1 ] || fail "no new leader after the leader was killed"
failover=$(elapsed "$t1")
log "controller $new leads after $failover s"
i=0
until [ "$(cluster_exec c1 grep -c 'Kafka Server started' /var/log/kafka/server.log)" -ge 2 ]; do
  i=$((i + 1)); [ $i -lt 150 ] || fail "systemd did not restart the killed controller on c1"; sleep 0.1
done
status=$(describe c1 c1) || fail "describe from the restarted c1 failed"
[ "$(awk '/^LeaderId:/ {print $2}' <<<"$status")" = "$new" ] || fail "restarted c1 does not follow $new: $status"
log "c1 restarted by systemd and follows controller $new"

log "partition: cut $(echo c$new)'s link"
cluster_cut "c$new"
t2=$(now)
other=""; for h in "${hosts[@]}"; do [ "$h" = "c$new" ] || { other=$h; break; }; done
for _ in $(seq 100); do
  l=$(describe "$other" "$other" 2>/dev/null | awk '/^LeaderId:/ {print $2}') || true
  [ -n "$l" ] && [ "$l" != "$new" ] && break
  sleep 0.1
done
[ -n "$l" ] && [ "$l" != "$new" ] || fail "the majority side did not elect a leader"
log "majority side led by $l after $(elapsed "$t2") s"
# The isolated side notices on its own clock (its peers stop answering), not when the majority
# has moved on: give it a few seconds to give up its quorum.
lost=""
for _ in $(seq 50); do
  describe "c$new" "c$new" >/dev/null 2>&1 || { lost=1; break; }
  sleep 0.1
done
[ -n "$lost" ] || fail "the isolated controller still claims a quorum 5 s after the cut"
cluster_restore "c$new"
# Healed, the three agree on one leader again: usually $l, but the returning node may reach one
# peer before the other and win a newer epoch itself (as Raft without pre-vote can), so any
# single leader that both sides report is right.
for _ in $(seq 100); do
  m=$(describe "c$new" "c$new" 2>/dev/null | awk '/^LeaderId:/ {print $2}') || true
  o=$(describe "$other" "$other" 2>/dev/null | awk '/^LeaderId:/ {print $2}') || true
  [ -n "$m" ] && [ "$m" = "$o" ] && [ "$m" -ge 1 ] && break
  sleep 0.1
done
[ -n "$m" ] && [ "$m" = "$o" ] || fail "c$new and $other do not agree on a leader after the partition healed ($m vs $o)"
log "partition healed: c$new and $other follow $m"
echo "RESULT kraft_failover_s=$failover"
