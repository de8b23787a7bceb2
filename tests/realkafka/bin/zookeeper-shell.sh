#!/bin/bash
# zookeeper-shell.sh of the assembled test distribution (Kafka 3.x).
if [ $# -lt 1 ]; then
  echo "USAGE: $0 zookeeper_host:port[/path] [-zk-tls-config-file file] [args...]"
  exit 1
fi
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.zookeeper.ZooKeeperMainWithTlsSupportForKafka -server "$@"
