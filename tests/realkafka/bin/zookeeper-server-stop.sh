#!/bin/bash
# zookeeper-server-stop.sh of the assembled test distribution (Kafka 3.x).
SIGNAL=${SIGNAL:-TERM}
PIDS=$(ps ax | grep java | grep -i QuorumPeerMain | grep -v grep | awk '{print $1}')
if [ -z "$PIDS" ]; then
  echo "No zookeeper server to stop"
  exit 1
fi
# shellcheck disable=SC2086
kill -s "$SIGNAL" $PIDS
