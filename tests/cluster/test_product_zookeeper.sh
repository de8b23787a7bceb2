#!/usr/bin/env bash
# shellcheck disable=SC2086,SC2015  # each args[HOST] is a list of flags, split on purpose; A && B || fail is meant
# ZooKeeper mode with the product, the seed's layout: `kafka-appliance bootstrap --role zookeeper`
# on 3 hosts (a real ZooKeeper 3.8 ensemble under the rendered zookeeper.service) and
# `--role broker --zookeeper ...` on 5 hosts (Kafka 3.9.x double), 8 hosts in all. `status --json`
# on every node; then kill -9 of the ZooKeeper leader: a new leader must serve within
# KA_ZK_FAILOVER_MAX_S (default 5 s), the brokers stay healthy, systemd restarts the killed
# member and it rejoins the ensemble.
set -euo pipefail
# shellcheck source=lib/cluster.sh
. "$(dirname "$0")/lib/cluster.sh"
cluster_product_binary >/dev/null
cluster_init

version=${KA_PRODUCT_ZK_VERSION:-3.9.1}
zks=(zk1 zk2 zk3)
brokers=(b1 b2 b3 b4 b5)
hosts=("${zks[@]}" "${brokers[@]}")
cluster_product_hosts "$version" "${hosts[@]}"
cluster_copy_probe "${zks[@]}"
cluster_boot "${hosts[@]}"

common="--kafka-version $version --archive /root/$(basename "$tgz") --private-build --sha512 $sha --java system --memory 2G --wait 120"
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

# --java system: install pointed /opt/java at the rootfs's JDK, the JAVA_HOME jvm.env names.
cluster_exec zk1 sh -c 'test -x /opt/java/bin/java && grep -qx JAVA_HOME=/opt/java /etc/kafka/jvm.env' \
  || fail "--java system left JAVA_HOME=/opt/java pointing nowhere"

# --- status on every node -----------------------------------------------------------------------
leader=""
i=0
for h in "${zks[@]}"; do
  i=$((i + 1))
  s=$(cluster_status "$h") || fail "status on $h exited non-zero: $s"
  jq -e --argjson id "$i" --arg v "$version" '.healthy and .role == "zookeeper" and .node_id == $id and .kafka_version == $v
      and .unit.name == "zookeeper.service" and .unit.active == "active" and .unit.enabled == "enabled"
      and (.zookeeper_mode == "leader" or .zookeeper_mode == "follower")' <<<"$s" >/dev/null \
    || fail "status on $h is not a healthy ensemble member: $s"
  [ "$(jq -r .zookeeper_mode <<<"$s")" = leader ] && leader=$h
  # The real ZooKeeper, not a double: srvr reports its own version.
  cluster_exec "$h" python3 /usr/local/lib/ka-test/probe.py four "$h:2181" srvr | grep -q '^Zookeeper version: 3\.8' \
    || fail "$h: srvr does not report ZooKeeper 3.8"
done
[ -n "$leader" ] || fail "no ZooKeeper member reports leader"
i=0
for h in "${brokers[@]}"; do
  i=$((i + 1))
  s=$(cluster_status "$h") || fail "status on $h exited non-zero: $s"
  jq -e --argjson id "$i" '.healthy and .role == "zk-broker" and .node_id == $id and .unit.active == "active"' <<<"$s" >/dev/null \
    || fail "status on $h is not a healthy ZooKeeper-mode broker: $s"
done
log "status: every node healthy; ZooKeeper leader is $leader"
log "resident memory: 3 ZooKeeper hosts $(cluster_rss_mib "${zks[@]}") MiB, 5 broker hosts $(cluster_rss_mib "${brokers[@]}") MiB"

# A converged re-run on a ZooKeeper member: nothing changed, nothing restarted.
pid_before=$(cluster_main_pid zk2 zookeeper.service)
r=$(cluster_exec zk2 kafka-appliance --json bootstrap ${args[zk2]}) || fail "re-run on zk2 failed: $r"
jq -e '.changed == false and .restarted == [] and .healthy' <<<"$r" >/dev/null || fail "re-run on zk2 changed something: $r"
[ "$(cluster_main_pid zk2 zookeeper.service)" = "$pid_before" ] || fail "re-run restarted zookeeper.service on zk2"
zk_rerun_s=$(jq .tool_seconds <<<"$r")
log "converged re-run on zk2: changed=false, MainPID kept, tool_seconds $zk_rerun_s"

# --- kill -9 of the ZooKeeper leader ------------------------------------------------------------
all="zk1:2181 zk2:2181 zk3:2181"
rest=""; watcher=""
for h in "${zks[@]}"; do [ "$h" = "$leader" ] || { rest+=" $h:2181"; watcher=${watcher:-$h}; }; done
restarts=$(cluster_restarts "$leader" zookeeper.service)
log "kill -9 of the ZooKeeper leader on $leader"
t1=$(now)
cluster_kill "$leader" zookeeper.service
# shellcheck disable=SC2086
w=$(cluster_exec "$watcher" python3 /usr/local/lib/ka-test/probe.py zk-wait 60 $rest) || fail "no new leader: $w"
failover=${w%% *}
log "new ZooKeeper leader serving after $failover s ($w)"
le "$failover" "${KA_ZK_FAILOVER_MAX_S:-5}" || fail "ZooKeeper failover took $failover s (goal <= ${KA_ZK_FAILOVER_MAX_S:-5} s)"
for h in "${brokers[@]}"; do cluster_status "$h" >/dev/null || fail "broker $h is not healthy while $leader is down"; done
set +e; s=$(cluster_status "$leader" 2>/dev/null); rc=$?; set -e
[ $rc = 1 ] || fail "status of the killed member exited $rc, not 1: $s"
log "the 5 brokers stay healthy; status on $leader says it is not (exit 1)"
# shellcheck disable=SC2086
w=$(cluster_exec "$watcher" python3 /usr/local/lib/ka-test/probe.py zk-wait 90 $all) || fail "$leader did not rejoin: $w"
[ "$(cluster_restarts "$leader" zookeeper.service)" -gt "$restarts" ] || fail "systemd did not restart zookeeper.service on $leader"
cluster_wait_healthy "$leader" 30 >/dev/null || fail "status on $leader does not recover"
zk_rejoin=$(elapsed "$t1")
log "$leader restarted by systemd (RestartSec=10) and back in the ensemble $zk_rejoin s after the kill"

echo "RESULT product_zookeeper_failover_s=$failover zookeeper_rejoin_s=$zk_rejoin zookeeper_rerun_tool_s=$zk_rerun_s"
