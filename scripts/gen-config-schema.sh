#!/usr/bin/env bash
# Regenerates assets/schema/kafka-config.tsv, the broker/controller configuration schema that
# `validate` checks every key against, from Kafka itself: for each release, its jars come from
# Maven Central (the ordinary Maven client) and DumpConfigSchema.java prints KafkaConfig's
# ConfigDef; merge-config-schema.py folds the per-release dumps into one table.
#   scripts/gen-config-schema.sh                 every release listed below
#   scripts/gen-config-schema.sh 4.4.1 ...       only these (the rest are kept from the table)
# Needs a JDK (17+) and Maven; the build never does (the table is committed).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# Every release validate supports: the catalog's (3.6.0 on) and newer ones on Maven Central.
default_versions="3.6.0 3.6.1 3.6.2 3.7.0 3.7.1 3.7.2 3.8.0 3.8.1 3.9.0 3.9.1 4.0.0 4.0.1 4.1.0 4.1.1 4.1.2
                  4.2.0 4.2.1 4.3.0 4.3.1 4.4.0"
versions=${*:-$default_versions}
table=$here/assets/schema/kafka-config.tsv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v mvn >/dev/null || { echo "gen-config-schema.sh: needs Maven (apt-get install maven)" >&2; exit 2; }
command -v java >/dev/null || { echo "gen-config-schema.sh: needs a JDK 17+ (apt-get install openjdk-17-jdk-headless)" >&2; exit 2; }

dumps=()
for v in $versions; do
  libs=$("$here/scripts/kafka-libs.sh" "$v")
  java -cp "$libs/*" "$here/scripts/config-schema/DumpConfigSchema.java" 2>/dev/null > "$work/$v.tsv" \
    || { echo "gen-config-schema.sh: DumpConfigSchema failed on Kafka $v" >&2; exit 1; }
  echo "Kafka $v: $(wc -l < "$work/$v.tsv") keys" >&2
  dumps+=("$v=$work/$v.tsv")
done
mkdir -p "$(dirname "$table")"
python3 "$here/scripts/config-schema/merge-config-schema.py" "$table" "${dumps[@]}"
echo "wrote $table" >&2
