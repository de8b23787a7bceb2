#!/bin/bash
# kafka-server-start.sh of the assembled test distribution (tests/realkafka/build.sh).
if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] server.properties [--override property=value]*"
  exit 1
fi
base_dir=$(dirname "$0")

if [ -z "$KAFKA_LOG4J_OPTS" ]; then
  export KAFKA_LOG4J_OPTS="@SERVER_LOG4J_OPT@$base_dir/../config/@SERVER_LOG4J@"
fi
if [ -z "$KAFKA_HEAP_OPTS" ]; then
  export KAFKA_HEAP_OPTS="-Xmx1G -Xms1G"
fi
EXTRA_ARGS=${EXTRA_ARGS-'-name kafkaServer -loggc'}
if [ "$1" = -daemon ]; then
  EXTRA_ARGS="-daemon $EXTRA_ARGS"
  shift
fi
# shellcheck disable=SC2086
exec "$base_dir/kafka-run-class.sh" $EXTRA_ARGS kafka.Kafka "$@"
