#!/usr/bin/env bash
# kafka-libs.sh VERSION -> prints a directory holding Kafka VERSION's runtime jars (kafka_2.13 and
# everything it needs), resolved from Maven Central with the ordinary Maven client and cached
# (KA_KAFKA_LIBS_CACHE, default /var/cache/kafka-appliance-test/kafka-libs, or ~/.cache/... for a
# user who cannot write /var/cache). Used by the schema generator
# and the differential tests against the real KafkaConfig.
set -euo pipefail
v=${1:?usage: kafka-libs.sh VERSION}
here=$(cd "$(dirname "$0")/.." && pwd)
# beside the other test caches when this user may write there (root, as CI), else in the home
if [ -z "${KA_KAFKA_LIBS_CACHE:-}" ]; then
  if [ -w /var/cache ]; then KA_KAFKA_LIBS_CACHE=/var/cache/kafka-appliance-test/kafka-libs
  else KA_KAFKA_LIBS_CACHE=${XDG_CACHE_HOME:-${HOME:?set HOME or KA_KAFKA_LIBS_CACHE}/.cache}/kafka-appliance/kafka-libs; fi
fi
cache=$KA_KAFKA_LIBS_CACHE
d=$cache/$v
if [ ! -f "$d/.complete" ]; then
  command -v mvn >/dev/null || { echo "kafka-libs.sh: needs Maven (apt-get install maven)" >&2; exit 2; }
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  sed "s/@VERSION@/$v/g" "$here/scripts/config-schema/pom.xml.in" > "$work/pom.xml"
  rm -rf "$d.tmp"
  mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$d.tmp" >&2 \
    || { echo "kafka-libs.sh: Maven could not resolve org.apache.kafka:kafka_2.13:$v" >&2; exit 1; }
  touch "$d.tmp/.complete"
  rm -rf "$d"; mv "$d.tmp" "$d"
fi
echo "$d"
