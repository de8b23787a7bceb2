#!/usr/bin/env bash
# Three hosts, a real ZooKeeper 3.8 ensemble under systemd (started by the Kafka double's
# zookeeper-server-start.sh), kill -9 of the leader: a new leader must serve within
# KA_ZK_FAILOVER_MAX_S (default 5 s), systemd must restart the killed member and it must rejoin.
set -euo pipefail
. "$(dirname "$0")/lib/cluster.sh"
cluster_init

version=${KA_DOUBLE_ZK_VERSION:-3.9.1}
hosts=(zk1 zk2 zk3)
for h in "${hosts[@]}"; do cluster_add_host "$h"; done
cluster_boot "${hosts[@]}"
cluster_copy_probe "${hosts[@]}"

tgz=$(cluster_kafka_tarball "$version")
servers=""
for i in 1 2 3; do servers+="server.$i=zk$i:2888:3888"$'\n'; done
i=0
for h in "${hosts[@]}"; do
  i=$((i + 1))
  cluster_install_kafka "$h" "$tgz"
  # Minimal config and unit of our own until the product renders zookeeper.properties, myid and
  # zookeeper.service (then: cluster_exec "$h" kafka-appliance bootstrap --role zookeeper ...).
  cat > "$KA_CLUSTER_WORK/zookeeper.properties" <<EOC
tickTime=2000
initLimit=10
syncLimit=5
dataDir=/var/lib/zookeeper
clientPort=2181
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,mntr
$servers
EOC
  cluster_copy "$h" "$KA_CLUSTER_WORK/zookeeper.properties" /etc/kafka/zookeeper.properties
  cat > "$KA_CLUSTER_WORK/zookeeper.service" <<'EOC'
[Unit]
Description=ZooKeeper (cluster-test unit)
After=network.target
[Service]
Type=simple
User=kafka
Environment=LOG_DIR=/var/log/kafka KAFKA_HEAP_OPTS=-Xmx128m
ExecStart=/opt/kafka/bin/zookeeper-server-start.sh /etc/kafka/zookeeper.properties
Restart=on-failure
RestartSec=1
SuccessExitStatus=143
[Install]
WantedBy=multi-user.target
EOC
  cluster_copy "$h" "$KA_CLUSTER_WORK/zookeeper.service" /etc/systemd/system/zookeeper.service
  cluster_exec "$h" sh -c "install -d -o kafka -g kafka /var/lib/zookeeper && echo $i > /var/lib/zookeeper/myid && \
    chown kafka:kafka /var/lib/zookeeper/myid && systemctl daemon-reload && systemctl enable --now zookeeper.service" \
    >/dev/null 2>&1 || fail "zookeeper.service did not start on $h"
done

all="zk1:2181 zk2:2181 zk3:2181"
out=$(cluster_exec zk1 python3 /usr/local/lib/ka-test/probe.py zk-wait 90 $all) || fail "no ensemble: $out"
log "ensemble formed: $out"
for h in "${hosts[@]}"; do
  r=$(cluster_exec zk1 python3 /usr/local/lib/ka-test/probe.py four "$h:2181" ruok)
  [ "$r" = imok ] || fail "$h answered ruok with '$r'"
  cluster_exec zk1 python3 /usr/local/lib/ka-test/probe.py four "$h:2181" srvr | grep -q '^Zookeeper version: 3\.8' \
    || fail "$h: srvr does not report ZooKeeper 3.8"
done
log "ruok/srvr answered by every node"

leader=""
for h in "${hosts[@]}"; do
  case $(cluster_exec zk1 python3 /usr/local/lib/ka-test/probe.py zk-modes "$h:2181") in *=leader) leader=$h ;; esac
done
[ -n "$leader" ] || fail "no leader found"
rest=""; watcher=""
for h in "${hosts[@]}"; do [ "$h" = "$leader" ] || { rest+=" $h:2181"; watcher=${watcher:-$h}; }; done
restarts_before=$(cluster_exec "$leader" systemctl show -p NRestarts --value zookeeper.service)

log "kill -9 of the leader's ZooKeeper on $leader"
cluster_kill "$leader" zookeeper.service
out=$(cluster_exec "$watcher" python3 /usr/local/lib/ka-test/probe.py zk-wait 60 $rest) || fail "no new leader: $out"
failover=${out%% *}
log "new leader serving after $failover s ($out)"
max=${KA_ZK_FAILOVER_MAX_S:-5}
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$failover" "$max" \
  || fail "ZooKeeper failover took $failover s, more than $max s"

out=$(cluster_exec "$watcher" python3 /usr/local/lib/ka-test/probe.py zk-wait 90 $all) || fail "$leader did not rejoin: $out"
log "$leader restarted by systemd and rejoined after $out"
restarts=$(cluster_exec "$leader" systemctl show -p NRestarts --value zookeeper.service)
[ "$restarts" -gt "$restarts_before" ] || fail "systemd did not restart zookeeper.service on $leader"
echo "RESULT zookeeper_failover_s=$failover"
