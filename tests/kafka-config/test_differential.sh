#!/usr/bin/env bash
# validate against the real KafkaConfig of every release line, on 2,000 generated configs each,
# and against ZooKeeper 3.8's QuorumPeerConfig on 1,000 ZooKeeper configs, with a fixed seed
# (KA_DIFF_SEED for another; KA_DIFF_COUNT, KA_DIFF_ZK_COUNT, KA_DIFF_VERSIONS to narrow it).
# The jars come from Maven Central through scripts/kafka-libs.sh (fetched by scripts/test.sh
# before the tests run; cached). Fails when the agreement of any release drops below the floor
# in KA_DIFF_MIN (100 since every release agrees on seed 1; see docs/validate.md).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${KA_BINARY:-$here/build/kafka-appliance}
exec python3 "$here/tests/kafka-config/differential.py" --binary "$BIN" \
  --seed "${KA_DIFF_SEED:-1}" --count "${KA_DIFF_COUNT:-2000}" --zookeeper-count "${KA_DIFF_ZK_COUNT:-1000}" \
  ${KA_DIFF_VERSIONS:+--versions "$KA_DIFF_VERSIONS"} --show 5 --min-agreement "${KA_DIFF_MIN:-100}"
