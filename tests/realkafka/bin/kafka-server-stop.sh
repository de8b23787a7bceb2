#!/bin/bash
# kafka-server-stop.sh of the assembled test distribution: SIGNAL (default TERM) to every
# kafka.Kafka JVM; exit 1 when there is none. (--process-role / --node-id are not supported.)
SIGNAL=${SIGNAL:-TERM}
PIDS=$(ps ax | grep ' kafka\.Kafka ' | grep java | grep -v grep | awk '{print $1}' | xargs)
if [ -z "$PIDS" ]; then
  echo "No kafka server to stop"
  exit 1
fi
# shellcheck disable=SC2086
kill -s "$SIGNAL" $PIDS
