#!/bin/bash
# zookeeper-server-start.sh of the assembled test distribution (Kafka 3.x): the ZooKeeper of libs/.
if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] zookeeper.properties"
  exit 1
fi
base_dir=$(dirname "$0")

if [ -z "$KAFKA_LOG4J_OPTS" ]; then
  export KAFKA_LOG4J_OPTS="-Dlog4j.configuration=file:$base_dir/../config/log4j.properties"
fi
if [ -z "$KAFKA_HEAP_OPTS" ]; then
  export KAFKA_HEAP_OPTS="-Xmx512M -Xms512M"
fi
EXTRA_ARGS=${EXTRA_ARGS-'-name zookeeper -loggc'}
if [ "$1" = -daemon ]; then
  EXTRA_ARGS="-daemon $EXTRA_ARGS"
  shift
fi
# shellcheck disable=SC2086
exec "$base_dir/kafka-run-class.sh" $EXTRA_ARGS org.apache.zookeeper.server.quorum.QuorumPeerMain "$@"
