#!/usr/bin/env bash
# build.sh VERSION OUTDIR -> OUTDIR/kafka_2.13-VERSION.tgz, a KAFKA TEST DOUBLE distribution.
#
# The tarball has Apache Kafka's layout (bin/, config/, libs/, LICENSE, NOTICE) so the product can
# install it like a real release, but its scripts run kafka_double.py (python3), not Kafka: see
# DOUBLE.md, which goes into the tarball. It is built at test time and lives only under tests/.
# ZooKeeper scripts run the real ZooKeeper 3.8 from Debian's libzookeeper-java; Kafka 4.x ships
# none, as the real 4.x has no ZooKeeper mode.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: build.sh VERSION OUTDIR   (e.g. build.sh 3.9.1 /tmp/out)" >&2
  exit 2
fi
version=$1
out=$2
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "build.sh: version '$version' is not MAJOR.MINOR.PATCH (e.g. 4.0.0)" >&2
  exit 2
fi
major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}
if [ "$major" -lt 3 ] || { [ "$major" -eq 3 ] && [ "$minor" -lt 6 ]; }; then
  echo "build.sh: the double covers Kafka 3.6 and later, not $version" >&2
  exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=kafka_2.13-$version
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/kafka-double-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
d=$work/$name
mkdir -p "$d/bin" "$d/config" "$d/libs/kafka-double"

install -m 0644 "$here/kafka_double.py" "$d/libs/kafka-double/kafka_double.py"
echo "$version" > "$d/libs/kafka-double/VERSION"
# where the real release has its jars; tools that look for kafka_2.13-VERSION.jar find a marker
printf 'KAFKA TEST DOUBLE %s: not a jar, see DOUBLE.md\n' "$version" > "$d/libs/$name.jar"
install -m 0644 "$here/DOUBLE.md" "$d/DOUBLE.md"
printf 'KAFKA TEST DOUBLE. The real Apache Kafka is under the Apache License 2.0;\nthis double is part of the kafka-appliance tests.\n' > "$d/LICENSE"
printf 'KAFKA TEST DOUBLE %s, built for the kafka-appliance tests. Not Apache Kafka.\n' "$version" > "$d/NOTICE"

banner='# KAFKA TEST DOUBLE - not Apache Kafka (see ../DOUBLE.md). Runs libs/kafka-double/kafka_double.py.'
wrapper() { # script tool
  cat > "$d/bin/$1" <<EOS
#!/bin/bash
$banner
base_dir=\$(dirname "\$0")/..
exec python3 "\$base_dir/libs/kafka-double/kafka_double.py" $2 "\$@"
EOS
  chmod 0755 "$d/bin/$1"
}
wrapper kafka-storage.sh storage
wrapper kafka-server-stop.sh server-stop
wrapper kafka-metadata-quorum.sh metadata-quorum
# like the real script: a usage line without a config, -daemon, heap and log4j options (ignored)
cat > "$d/bin/kafka-server-start.sh" <<EOS
#!/bin/bash
$banner
if [ \$# -lt 1 ]; then
  echo "USAGE: \$0 [-daemon] server.properties [--override property=value]*"
  exit 1
fi
base_dir=\$(dirname "\$0")/..
export KAFKA_HEAP_OPTS=\${KAFKA_HEAP_OPTS:-"-Xmx1G -Xms1G"}
export KAFKA_LOG4J_OPTS=\${KAFKA_LOG4J_OPTS:-"-Dlog4j.configuration=file:\$base_dir/config/log4j.properties"}
exec python3 "\$base_dir/libs/kafka-double/kafka_double.py" kafka.Kafka "\$@"
EOS
chmod 0755 "$d/bin/kafka-server-start.sh"

cat > "$d/config/server.properties" <<'EOS'
# KAFKA TEST DOUBLE sample configuration (KRaft, combined broker and controller)
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
inter.broker.listener.name=PLAINTEXT
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=/tmp/kraft-combined-logs
EOS
cat > "$d/config/log4j.properties" <<'EOS'
# KAFKA TEST DOUBLE: log4j 1.2 configuration used by the real ZooKeeper the double runs
log4j.rootLogger=INFO, stdout, kafkaAppender
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.appender.kafkaAppender=org.apache.log4j.FileAppender
log4j.appender.kafkaAppender.File=${kafka.logs.dir}/server.log
log4j.appender.kafkaAppender.layout=org.apache.log4j.PatternLayout
log4j.appender.kafkaAppender.layout.ConversionPattern=[%d] %p %m (%c)%n
EOS

if [ "$major" -eq 3 ]; then
  mkdir -p "$d/config/kraft"
  cp "$d/config/server.properties" "$d/config/kraft/server.properties"
  cat > "$d/config/server.properties" <<'EOS'
# KAFKA TEST DOUBLE sample configuration (ZooKeeper mode)
broker.id=0
log.dirs=/tmp/kafka-logs
zookeeper.connect=localhost:2181
EOS
  cat > "$d/config/zookeeper.properties" <<'EOS'
# KAFKA TEST DOUBLE sample configuration for the real ZooKeeper it runs
dataDir=/tmp/zookeeper
clientPort=2181
maxClientCnxns=0
admin.enableServer=false
EOS
  # Real ZooKeeper 3.8 (Debian's libzookeeper-java); its manifest Class-Path brings netty and the
  # rest from /usr/share/java. An slf4j binding and log4j 1.2 make it log instead of staying silent.
  cat > "$d/bin/zookeeper-server-start.sh" <<EOS
#!/bin/bash
$banner
# (This one runs the real ZooKeeper 3.8 from Debian's libzookeeper-java, not python.)
if [ \$# -lt 1 ]; then
  echo "USAGE: \$0 [-daemon] zookeeper.properties"
  exit 1
fi
base_dir=\$(cd "\$(dirname "\$0")/.." && pwd)
daemon=
if [ "\$1" = -daemon ]; then daemon=1; shift; fi
LOG_DIR=\${LOG_DIR:-\$base_dir/logs}
mkdir -p "\$LOG_DIR"
cp=/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar
for j in \${cp//:/ }; do
  [ -f "\$j" ] || { echo "zookeeper-server-start.sh (double): \$j is missing: apt-get install libzookeeper-java libslf4j-java liblog4j1.2-java" >&2; exit 1; }
done
java=java
[ -n "\${JAVA_HOME:-}" ] && java=\$JAVA_HOME/bin/java
# KAFKA_HEAP_OPTS and KAFKA_JVM_PERFORMANCE_OPTS are honoured as by kafka-run-class.sh
heap=\${KAFKA_HEAP_OPTS:-"-Xmx512M -Xms512M"}
perf=\${KAFKA_JVM_PERFORMANCE_OPTS:-"-XX:+UseSerialGC -XX:TieredStopAtLevel=1"}
log4j=\${KAFKA_LOG4J_OPTS:-"-Dlog4j.configuration=file:\$base_dir/config/log4j.properties"}
cmd=("\$java" \$heap \$perf -Dkafka.logs.dir="\$LOG_DIR" \$log4j -cp "\$cp" org.apache.zookeeper.server.quorum.QuorumPeerMain "\$@")
if [ -n "\$daemon" ]; then
  nohup "\${cmd[@]}" > "\$LOG_DIR/zookeeper.out" 2>&1 < /dev/null &
else
  exec "\${cmd[@]}"
fi
EOS
  cat > "$d/bin/zookeeper-server-stop.sh" <<EOS
#!/bin/bash
$banner
pids=\$(ps ax | grep java | grep -i QuorumPeerMain | grep -v grep | awk '{print \$1}')
if [ -z "\$pids" ]; then
  echo "No zookeeper server to stop"
  exit 1
fi
kill -s TERM \$pids
EOS
  cat > "$d/bin/zookeeper-shell.sh" <<EOS
#!/bin/bash
$banner
# (This one runs the real ZooKeeper 3.8 client from Debian's libzookeeper-java.)
if [ \$# -lt 1 ]; then
  echo "USAGE: \$0 zookeeper_host:port[/path] [-zk-tls-config-file file] [args...]"
  exit 1
fi
cp=/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-nop.jar
java=java
[ -n "\${JAVA_HOME:-}" ] && java=\$JAVA_HOME/bin/java
server=\$1; shift
exec "\$java" -Xmx128M -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "\$cp" org.apache.zookeeper.ZooKeeperMain -server "\$server" "\$@"
EOS
  chmod 0755 "$d"/bin/zookeeper-*.sh
fi

# reproducible enough for a digest to be stable within one build; owned by root like a release
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2024-01-01 00:00:00' \
  -C "$work" -czf "$out/$name.tgz.partial" "$name"
mv "$out/$name.tgz.partial" "$out/$name.tgz"
echo "$out/$name.tgz"
