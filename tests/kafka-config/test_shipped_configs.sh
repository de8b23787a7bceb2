#!/usr/bin/env bash
# Kafka's own shipped configs (tests/kafka-config/shipped, provenance in PROVENANCE.md there), each
# judged by the release it came with and by validate: the verdicts must all agree (issue 10, 4b).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${KA_BINARY:-$here/build/kafka-appliance}
exec python3 "$here/tests/kafka-config/differential.py" --binary "$BIN" --cases "$here/tests/kafka-config/shipped" \
  --show 20 --min-agreement 100
