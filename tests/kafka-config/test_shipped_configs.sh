#!/usr/bin/env bash
# Kafka's own shipped configs (tests/kafka-config/shipped, provenance in PROVENANCE.md there), each
# judged by the release it came with and by validate: the verdicts must all agree (issue 10, 4b).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${KA_BINARY:-$here/build/kafka-appliance}
if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  msg="the KafkaConfig differential needs a JDK and Maven (scripts/setup-debian.sh installs them)"
  if [ "${CI:-}" = true ]; then echo "FAIL: $msg"; exit 1; fi
  echo "skipped: $msg"; exit 77
fi
exec python3 "$here/tests/kafka-config/differential.py" --binary "$BIN" --cases "$here/tests/kafka-config/shipped" \
  --show 20 --min-agreement 100
