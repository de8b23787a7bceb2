#!/usr/bin/env bash
# build.sh VERSION [CACHE_DIR] -> prints a directory holding a real Apache Kafka distribution
# assembled for the tests, laid out as the ASF serves it:
#
#   DIR/kafka/VERSION/kafka_2.13-VERSION.tgz        top directory kafka_2.13-VERSION/
#   DIR/kafka/VERSION/kafka_2.13-VERSION.tgz.asc    detached signature by a throwaway key (real gpg)
#   DIR/kafka/VERSION/kafka_2.13-VERSION.tgz.sha512 in `gpg --print-md SHA512` layout
#   DIR/KEYS                                        that key, armored
#   DIR/libs.txt                                    the jars of libs/
#
# libs/ is Kafka's own runtime jars from Maven Central, resolved by Maven from the POM that
# pom.sh writes (versions.sh says which artifacts); bin/ and config/ are ours (this directory),
# written from the contract of the release's scripts (docs/cluster-tests.md lists the
# differences). Each script's main class is checked to exist in libs/.
#
# Cached under CACHE_DIR (default $KA_CLUSTER_CACHE or /var/cache/kafka-appliance-test) keyed
# by a hash of every input (POM, scripts, configs, this file); built in a temporary directory
# renamed into place when complete, so an interrupted build never looks usable. Needs mvn,
# java (to run Maven), gpg, python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"

version=${1:-}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "usage: build.sh VERSION [CACHE_DIR]   (e.g. build.sh 4.3.1)" >&2; exit 2; }
kv_deps "$version" >/dev/null || exit 2
cache=${2:-${KA_CLUSTER_CACHE:-/var/cache/kafka-appliance-test}}
major=$(kv_major "$version")
recipe=1
key=$( { echo "$version $recipe"; "$here/pom.sh" "$version"; cat "$here/build.sh" "$here/versions.sh" "$here"/bin/* "$here"/config/*; } | sha256sum | cut -c1-12)
dest=$cache/realkafka-$version-$key
if [ -f "$dest/.complete" ]; then echo "$dest"; exit 0; fi

for c in mvn java gpg python3; do
  command -v "$c" >/dev/null || { echo "build.sh: $c is missing (apt-get install -y maven gnupg python3 default-jre-headless)" >&2; exit 1; }
done
mkdir -p "$cache"
exec 9>"$cache/.realkafka-$version.lock"
flock 9
if [ -f "$dest/.complete" ]; then echo "$dest"; exit 0; fi

tmp=$cache/.build-realkafka-$version-$$
rm -rf "$tmp"
trap 'gpgconf --homedir "$tmp/gnupg" --kill gpg-agent >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
start=$(date +%s)
name=kafka_2.13-$version
d=$tmp/$name
mkdir -p "$d/bin" "$d/config" "$d/libs" "$tmp/mvn"

# --- libs/: the runtime dependency tree, as `gradle releaseTarGz` copies it -----------------------
"$here/pom.sh" "$version" > "$tmp/mvn/pom.xml"
if ! (cd "$tmp/mvn" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$d/libs" > "$tmp/mvn/log" 2>&1); then
  echo "build.sh: Maven could not resolve Kafka $version's jars:" >&2
  tail -30 "$tmp/mvn/log" >&2
  exit 1
fi
[ -f "$d/libs/$name.jar" ] || { echo "build.sh: Maven gave no $name.jar" >&2; exit 1; }

# --- bin/ -------------------------------------------------------------------------------------------
if [ "$major" -ge 4 ]; then
  tools_opt=-Dlog4j2.configurationFile= tools_cfg=tools-log4j2.yaml server_opt=-Dlog4j2.configurationFile= server_cfg=log4j2.yaml
  # shellcheck disable=SC2016
  compat='# A log4j 1.x configuration runs in log4j 2'"'"'s compatibility mode, with a warning, as in Kafka 4.
if [[ $KAFKA_LOG4J_OPTS =~ log4j\.[^[:space:]]+(\.properties|\.xml)$ ]]; then
  export LOG4J_COMPATIBILITY=true
  echo "DEPRECATED: A Log4j 1.x configuration file has been detected, which is no longer recommended." >&2
fi'
else
  tools_opt=-Dlog4j.configuration=file: tools_cfg=tools-log4j.properties server_opt=-Dlog4j.configuration=file: server_cfg=log4j.properties
  compat=''
fi
for f in kafka-run-class.sh kafka-server-start.sh kafka-server-stop.sh; do
  python3 - "$here/bin/$f" "$d/bin/$f" "$tools_opt" "$tools_cfg" "$server_opt" "$server_cfg" "$compat" <<'PY'
import sys
src, dst, to, tc, so, sc, compat = sys.argv[1:]
t = open(src).read()
for k, v in (("@TOOLS_LOG4J_OPT@", to), ("@TOOLS_LOG4J@", tc), ("@SERVER_LOG4J_OPT@", so), ("@SERVER_LOG4J@", sc),
             ("@LOG4J1_COMPAT@", compat)):
    t = t.replace(k, v)
open(dst, "w").write(t)
PY
done
if [ "$major" -lt 4 ]; then
  cp "$here"/bin/zookeeper-*.sh "$d/bin/"
fi

# Tool wrappers: script, heap default (- for none), main class candidates (the first one that
# exists in libs/ is the one this version's release runs).
tools="
kafka-storage.sh - kafka.tools.StorageTool
kafka-metadata-quorum.sh - org.apache.kafka.tools.MetadataQuorumCommand
kafka-topics.sh - org.apache.kafka.tools.TopicCommand
kafka-features.sh - org.apache.kafka.tools.FeatureCommand
kafka-configs.sh - kafka.admin.ConfigCommand org.apache.kafka.tools.ConfigCommand
kafka-consumer-groups.sh - org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
kafka-get-offsets.sh - org.apache.kafka.tools.GetOffsetShell
kafka-leader-election.sh - org.apache.kafka.tools.LeaderElectionCommand
kafka-cluster.sh - org.apache.kafka.tools.ClusterTool
kafka-verifiable-producer.sh -Xmx512M org.apache.kafka.tools.VerifiableProducer
kafka-verifiable-consumer.sh -Xmx512M org.apache.kafka.tools.VerifiableConsumer
kafka-producer-perf-test.sh -Xmx512M org.apache.kafka.tools.ProducerPerformance
kafka-consumer-perf-test.sh -Xmx512M org.apache.kafka.tools.ConsumerPerformance
kafka-console-producer.sh -Xmx512M org.apache.kafka.tools.ConsoleProducer kafka.tools.ConsoleProducer
kafka-console-consumer.sh -Xmx512M org.apache.kafka.tools.consumer.ConsoleConsumer
"
main_classes="kafka.Kafka"
[ "$major" -lt 4 ] && main_classes+=" org.apache.zookeeper.server.quorum.QuorumPeerMain org.apache.zookeeper.ZooKeeperMainWithTlsSupportForKafka"
# shellcheck disable=SC2086
python3 - "$d/libs" "$tools" $main_classes > "$tmp/classes" <<'PY'
import os, sys, zipfile
libs, table, required = sys.argv[1], sys.argv[2], sys.argv[3:]
have = set()
for j in os.listdir(libs):
    with zipfile.ZipFile(os.path.join(libs, j)) as z:
        have.update(n[:-6].replace("/", ".") for n in z.namelist() if n.endswith(".class"))
bad = [c for c in required if c not in have]
for line in table.strip().splitlines():
    script, heap, *cands = line.split()
    found = next((c for c in cands if c in have), None)
    if found is None:
        bad.append(f"{script}: none of {' '.join(cands)}")
    else:
        print(script, heap, found)
if bad:
    sys.exit("build.sh: main classes missing from libs/: " + "; ".join(bad))
PY
while read -r script heap class; do
  {
    echo '#!/bin/bash'
    echo "# $script of the assembled test distribution (tests/realkafka/build.sh)."
    if [ "$heap" != - ]; then
      echo 'if [ -z "$KAFKA_HEAP_OPTS" ]; then'
      echo "  export KAFKA_HEAP_OPTS=\"$heap\""
      echo 'fi'
    fi
    echo "exec \"\$(dirname \"\$0\")/kafka-run-class.sh\" $class \"\$@\""
  } > "$d/bin/$script"
done < "$tmp/classes"
chmod 0755 "$d"/bin/*.sh

# --- config/ ----------------------------------------------------------------------------------------
c=$here/config
install -m 0644 "$c/producer.properties" "$c/consumer.properties" "$d/config/"
if [ "$major" -ge 4 ]; then
  install -m 0644 "$c/server.properties" "$c/log4j2.yaml" "$c/tools-log4j2.yaml" "$d/config/"
else
  mkdir -p "$d/config/kraft"
  install -m 0644 "$c/server.properties" "$d/config/kraft/server.properties"
  install -m 0644 "$c/server-zk.properties" "$d/config/server.properties"
  install -m 0644 "$c/zookeeper.properties" "$c/log4j.properties" "$c/tools-log4j.properties" "$d/config/"
fi
printf 'Apache Kafka %s, assembled for the kafka-appliance tests from the jars on Maven Central\n(libs/: Apache License 2.0); bin/ and config/ were written for these tests.\n' "$version" > "$d/NOTICE"
printf 'The jars in libs/ are Apache Kafka %s and its dependencies, each under its own license\n(Apache Kafka: Apache License 2.0).\n' "$version" > "$d/LICENSE"
ls "$d/libs" > "$tmp/libs.txt"

# --- pack, sign, digest -----------------------------------------------------------------------------
out=$tmp/kafka/$version
mkdir -p "$out"
tar -C "$tmp" --owner=0 --group=0 --numeric-owner -czf "$out/$name.tgz" "$name"
export GNUPGHOME=$tmp/gnupg
mkdir -m 700 "$GNUPGHOME"
g() { gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "$@"; }
g --quick-gen-key "kafka-appliance test release $version <release@example.test>" ed25519 sign never
g --armor --export > "$tmp/KEYS"
g --armor --detach-sign --digest-algo SHA512 -o "$out/$name.tgz.asc" "$out/$name.tgz"
(cd "$out" && gpg --print-md SHA512 "$name.tgz" > "$name.tgz.sha512")
gpgconf --homedir "$GNUPGHOME" --kill gpg-agent >/dev/null 2>&1 || true
rm -rf "$d" "$tmp/mvn" "$tmp/classes" "$GNUPGHOME"
touch "$tmp/.complete"
mv "$tmp" "$dest"
trap - EXIT
echo "build.sh: assembled Kafka $version ($(wc -l < "$dest/libs.txt") jars) in $(( $(date +%s) - start )) s: $dest" >&2
echo "$dest"
