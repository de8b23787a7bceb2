#!/usr/bin/env bash
# shellcheck disable=SC2086,SC2015  # each args[HOST] is a list of flags, split on purpose; A && B || fail is meant
# ZooKeeper mode of real Kafka 3.9 (KA_PRODUCT_ZK_VERSION, default 3.9.1) with the product, the
# seed's layout: `kafka-appliance bootstrap --role zookeeper` on 3 hosts (the ZooKeeper 3.8 that
# the 3.9 distribution carries, under the rendered zookeeper.service) and `--role broker
# --zookeeper ...` on 5 hosts, 8 hosts in all. `status --json` on every node; a converged re-run.
# Real clients on a ninth host (acks=all, idempotent, RF 3, min.insync.replicas=2) the whole time
# through kill -9 of the ZooKeeper leader (a new leader must serve within KA_ZK_FAILOVER_MAX_S,
# default 5 s; the brokers stay healthy; systemd restarts the member and it rejoins) and kill -9
# of the broker that is the cluster's controller; every acknowledged record is consumed back.
set -euo pipefail
# shellcheck source=lib/cluster.sh
. "$(dirname "$0")/lib/cluster.sh"  # and lib/clients.sh
zks=(zk1 zk2 zk3)
brokers=(b1 b2 b3 b4 b5)
hosts=("${zks[@]}" "${brokers[@]}")
cluster_scenario "${KA_PRODUCT_ZK_VERSION:-3.9.1}" "${hosts[@]}" cl
bs=b1:9092,b2:9092,b3:9092,b4:9092,b5:9092

common="--kafka-version $version $release --memory 1G --wait 300"
declare -A args=()
i=0
for h in "${zks[@]}"; do
  i=$((i + 1))
  args[$h]="--role zookeeper --node-id $i --zookeeper-server 1@zk1:2888:3888,2@zk2:2888:3888,3@zk3:2888:3888 $common"
done
i=0
for h in "${brokers[@]}"; do
  i=$((i + 1))
  args[$h]="--role broker --node-id $i --zookeeper zk1:2181,zk2:2181,zk3:2181 --advertise PLAINTEXT://$h:9092 --broker-count 5 $common"
done

cluster_bootstrap_hosts "3 ZooKeeper members and 5 brokers"

# install put the Temurin-packaged JRE under /opt/temurin-* and /opt/java, the JAVA_HOME jvm.env names.
cluster_exec zk1 sh -c 'readlink -f /opt/java | grep -q ^/opt/temurin- && test -x /opt/java/bin/java && grep -qx JAVA_HOME=/opt/java /etc/kafka/jvm.env' \
  || fail "JAVA_HOME=/opt/java is not the Temurin JRE the product installed"

# --- status on every node -----------------------------------------------------------------------
cluster_zk_ensemble "$version" "${zks[@]}"
leader=$zk_leader
i=0
for h in "${brokers[@]}"; do i=$((i + 1)); cluster_zk_broker "$h" "$i"; done
log "status: every node healthy; ZooKeeper leader is $leader"
log "resident memory: 3 ZooKeeper hosts $(cluster_rss_mib "${zks[@]}") MiB, 5 broker hosts $(cluster_rss_mib "${brokers[@]}") MiB"

# A converged re-run on a ZooKeeper member: nothing changed, nothing restarted.
zk_rerun_s=$(cluster_rerun zk2 zookeeper.service "${args[zk2]}")

clients_install cl
produce_acked cl "$bs" 5

# --- kill -9 of the ZooKeeper leader ------------------------------------------------------------
all="zk1:2181 zk2:2181 zk3:2181"
rest=""; watcher=""
for h in "${zks[@]}"; do [ "$h" = "$leader" ] || { rest+=" $h:2181"; watcher=${watcher:-$h}; }; done
restarts=$(cluster_restarts "$leader" zookeeper.service)
log "kill -9 of the ZooKeeper leader on $leader"
fault_begin "kill -9 ZooKeeper leader $leader"
t1=$KA_FAULT_T0
cluster_kill "$leader" zookeeper.service
# shellcheck disable=SC2086
w=$(cluster_exec "$watcher" python3 /usr/local/lib/ka-test/probe.py zk-wait 60 $rest) || fail "no new leader: $w"
failover=${w%% *}
log "new ZooKeeper leader serving after $failover s ($w)"
le "$failover" "${KA_ZK_FAILOVER_MAX_S:-5}" || fail "ZooKeeper failover took $failover s (goal <= ${KA_ZK_FAILOVER_MAX_S:-5} s)"
for h in "${brokers[@]}"; do cluster_healthy "$h" >/dev/null || fail "broker $h is not healthy while $leader is down"; done
set +e; s=$(cluster_status "$leader" 2>/dev/null); rc=$?; set -e
[ $rc = 1 ] || fail "status of the killed member exited $rc, not 1: $s"
log "the 5 brokers stay healthy; status on $leader says it is not (exit 1)"
fault_end
# shellcheck disable=SC2086
w=$(cluster_exec "$watcher" python3 /usr/local/lib/ka-test/probe.py zk-wait 90 $all) || fail "$leader did not rejoin: $w"
[ "$(cluster_restarts "$leader" zookeeper.service)" -gt "$restarts" ] || fail "systemd did not restart zookeeper.service on $leader"
cluster_wait_healthy "$leader" 30 >/dev/null || fail "status on $leader does not recover"
zk_rejoin=$(elapsed "$t1")
log "$leader restarted by systemd (RestartSec=10) and back in the ensemble $zk_rejoin s after the kill"

# --- kill -9 of the broker that is the controller ------------------------------------------------------
ctrl=$(kafka_tool zk1 zookeeper-shell zk1:2181 get /controller 2>/dev/null | sed -n 's/.*"brokerid":\([0-9]*\).*/\1/p' | head -1)
[ -n "$ctrl" ] || fail "no controller broker registered in ZooKeeper"
ch=b$ctrl
restarts=$(cluster_restarts "$ch" kafka.service)
log "kill -9 of broker $ctrl on $ch, the controller"
fault_begin "kill -9 controller broker $ch"
cluster_kill "$ch" kafka.service
sleep 15
fault_end
back=$(wait_in_sync cl "$bs" acked 240) || fail "$ch was not back in sync 240 s after the kill"
[ "$(cluster_restarts "$ch" kafka.service)" -gt "$restarts" ] || fail "systemd did not restart kafka.service on $ch"
broker_rejoin=$(elapsed "$KA_FAULT_T0")
log "$ch restarted by systemd and every partition in sync again $broker_rejoin s after the kill"

verify_acked cl "$bs"
echo "RESULT product_zookeeper version=$version zookeeper_failover_s=$failover zookeeper_rejoin_s=$zk_rejoin zookeeper_rerun_tool_s=$zk_rerun_s broker_rejoin_s=$broker_rejoin stalls_s=[$stalls] verify=[$KA_VERIFY] scenario_s=$(elapsed "$t_scenario")"
