#!/usr/bin/env bash
# Class-data archives (docs/appcds.md) with the real JRE and the real Kafka 4.3.1: `bake --root`
# into a Debian 12 rootfs (an overlay on the cluster tier's cached one) installs both over HTTPS
# from a local server, then trains kafka-storage, Kafka itself (a scratch node started on
# loopback, stopped) and kafka-metadata-quorum through chroot. Then:
#   - the archives are there, one directory per release+JDK, and nothing of the training is left
#     (no scratch node's data, logs or process);
#   - the JRE maps them: -Xshare:on succeeds and classes load from the archive's top layer;
#   - a stale archive (a jar of the class path changed) with the product's -Xshare:auto options
#     is refused by the JVM, which runs the tool without it: format still succeeds;
#   - a second bake changes nothing;
#   - Kafka as kafka.service starts it (the rendered jvm.env, as user kafka) maps its classes
#     from the server archive, and with a stale archive still starts, without it.
set -euo pipefail
BIN=${KA_BINARY:?KA_BINARY must point at kafka-appliance}
here=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "SKIP: chroot and mounts need root"; exit 77; }
for t in mmdebstrap mvn gpg python3 jq; do command -v "$t" > /dev/null || { echo "SKIP: no $t"; exit 77; }; done

rootfs=$("$here/cluster/lib/rootfs.sh") || { echo "FAIL: no Debian rootfs (tests/cluster/lib/rootfs.sh)"; exit 1; }
dist=$("$here/realkafka/build.sh" 4.3.1) || { echo "FAIL: could not assemble Kafka 4.3.1"; exit 1; }
jdk=$(python3 "$here/realkafka/jdk.py" build) || { echo "FAIL: could not package the JRE"; exit 1; }

work=$(mktemp -d /var/tmp/ka-appcds.XXXXXX)
R=$work/root
server_pid= kafka_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$kafka_pid" ] && kill "$kafka_pid" 2>/dev/null && wait "$kafka_pid" 2>/dev/null
  umount "$R/proc" 2>/dev/null || true
  umount "$R" 2>/dev/null || umount -l "$R" 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
mkdir -p "$R" "$work/upper" "$work/ow" "$work/serve/kafka"
mount -t overlay overlay -o "lowerdir=$rootfs,upperdir=$work/upper,workdir=$work/ow" "$R"
mount -t proc proc "$R/proc"

cp -r "$dist/kafka/4.3.1" "$work/serve/kafka/"
sha=$(sha512sum "$work/serve/kafka/4.3.1/kafka_2.13-4.3.1.tgz" | cut -d' ' -f1)
python3 "$here/support/artifact_server.py" --dir "$work/serve" --tls-dir "$work/tls" --port-file "$work/port" > /dev/null 2>&1 &
server_pid=$!
for _ in $(seq 300); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "FAIL: the artifact server did not start"; exit 1; }
u=https://127.0.0.1:$(cat "$work/port")/
python3 "$here/realkafka/jdk.py" publish "$jdk" "$work/serve" "${u%/}"
echo '' > "$work/empty.toml"

bake() {
  "$BIN" --config "$work/empty.toml" --root "$R" bake --role controller --kafka-version 4.3.1 \
    --mirror "$u" --asf-url "$u" --archive-url "$u" --cacert "$work/tls/ca.pem" --private-build --sha512 "$sha" \
    --keys "$dist/KEYS" --java "$(jq -r .feature "$jdk/release.json")" --adoptium-api-url "$u" --adoptium-key "$jdk/adoptium.asc"
}
t0=$(date +%s)
out=$(bake 2>&1) || { echo "FAIL: bake: $out"; exit 1; }
echo "$out"
echo "ok: bake with training runs in $(( $(date +%s) - t0 )) s"

kafka=$(basename "$(readlink "$R/opt/kafka")"); java=$(basename "$(readlink "$R/opt/java")")
dir=/var/lib/kafka-appliance-cds/$kafka+$java
for t in kafka-storage kafka-metadata-quorum server; do
  grep -qF "bake: created $dir/$t.jsa" <<<"$out" || { echo "FAIL: bake did not report $dir/$t.jsa"; exit 1; }
  [ -s "$R$dir/$t.jsa" ] || { echo "FAIL: no archive $R$dir/$t.jsa"; exit 1; }
done
left=$(ls -A "$R$dir" | grep -v '\.jsa$' || true)
[ -z "$left" ] || { echo "FAIL: training left $left in $dir"; exit 1; }
[ ! -e "$R$dir.partial" ] || { echo "FAIL: $dir.partial left"; exit 1; }
# The scratch node: no identity, storage, logs, JVM files or process of it anywhere in the image.
left=$(find "$R/var" "$R/opt" "$R/tmp" "$R/etc" "$R/root" \( -name meta.properties -o -name '__cluster_metadata*' \
  -o -name bootstrap.checkpoint -o -name 'server.log*' -o -name 'kafkaServer*' -o -name 'hsperfdata_*' -o -name 'hs_err*' \) 2>/dev/null || true)
[ -z "$left" ] || { echo "FAIL: the scratch node left $left"; exit 1; }
[ ! -e "$R/opt/kafka/logs" ] || { echo "FAIL: training wrote $R/opt/kafka/logs: $(ls -A "$R/opt/kafka/logs")"; exit 1; }
for p in /proc/[0-9]*; do
  [ "$(readlink "$p/root" 2>/dev/null)" != "$R" ] || { echo "FAIL: process ${p#/proc/} left running in the image: $(tr '\0' ' ' < "$p/cmdline" | cut -c1-200)"; exit 1; }
done
echo "ok: archives in $dir ($(du -sh "$R$dir" | cut -f1); server $(du -sh "$R$dir/server.jsa" | cut -f1)), nothing of the training or its scratch node left"

cat > "$R/tmp/appcds.properties" <<EOF
process.roles=controller
node.id=1
controller.quorum.voters=1@127.0.0.1:1
listeners=CONTROLLER://127.0.0.1:1
controller.listener.names=CONTROLLER
log.dirs=/tmp/appcds-data
EOF
# storage OPTS: kafka-storage format in the image with KAFKA_OPTS=OPTS (as the product runs it).
storage() {
  rm -rf "$R/tmp/appcds-data"
  chroot "$R" env JAVA_HOME=/opt/java KAFKA_HEAP_OPTS=-Xmx256m KAFKA_OPTS="$1" \
    /opt/kafka/bin/kafka-storage.sh format -t AAAAAAAAAAAAAAAAAAAAAA -c /tmp/appcds.properties
}
out=$(storage "-Xshare:on -XX:SharedArchiveFile=$dir/kafka-storage.jsa -Xlog:class+load=info" 2>&1) \
  || { echo "FAIL: the JRE refused the archive with -Xshare:on: $(tail -5 <<<"$out")"; exit 1; }
n=$(grep -c 'kafka.*source: shared objects file (top)' <<<"$out" || true)
[ "$n" -gt 100 ] || { echo "FAIL: only $n Kafka classes came from the archive"; exit 1; }
echo "ok: -Xshare:on maps the archive: $n Kafka classes loaded from it"
printf 'default.api.timeout.ms=1000\nrequest.timeout.ms=500\n' > "$R/tmp/appcds-admin.properties"
out=$(chroot "$R" env JAVA_HOME=/opt/java KAFKA_HEAP_OPTS=-Xmx128m \
  KAFKA_OPTS="-Xshare:on -XX:SharedArchiveFile=$dir/kafka-metadata-quorum.jsa -Xlog:class+load=info" \
  /opt/kafka/bin/kafka-metadata-quorum.sh --bootstrap-server 127.0.0.1:1 --command-config /tmp/appcds-admin.properties \
  describe --status 2>&1) || true  # nothing listens: it fails, after loading its classes
n=$(grep -c 'kafka.*source: shared objects file (top)' <<<"$out" || true)
[ "$n" -gt 100 ] || { echo "FAIL: only $n Kafka classes of the quorum tool came from its archive: $(tail -5 <<<"$out")"; exit 1; }
echo "ok: the quorum tool maps its archive with -Xshare:on: $n Kafka classes loaded from it"

# Stale: a jar of the class path changed after training. -Xshare:auto (the product's options):
# the JVM says why and runs without the archive.
jar=$(ls "$R"/opt/kafka/libs/kafka-clients-*.jar | head -1)
touch -r "$jar" "$work/mtime"
touch -d '2001-01-01' "$jar"
out=$(storage "-Xshare:auto -XX:SharedArchiveFile=$dir/kafka-storage.jsa -Xlog:class+load=info" 2>&1) \
  || { echo "FAIL: a stale archive broke the tool: $(tail -5 <<<"$out")"; exit 1; }
grep -q "Formatting metadata directory" <<<"$out" || { echo "FAIL: stale archive: format did not run: $(tail -5 <<<"$out")"; exit 1; }
! grep -q 'source: shared objects file (top)' <<<"$out" || { echo "FAIL: the JVM used a stale archive"; exit 1; }
echo "ok: a stale archive is refused by the JVM with -Xshare:auto, and the tool runs without it"
out=$(storage "-Xshare:on -XX:SharedArchiveFile=$dir/kafka-storage.jsa" 2>&1) && { echo "FAIL: -Xshare:on accepted a stale archive"; exit 1; }
echo "ok: (-Xshare:on refuses it: the check above is not vacuous)"
touch -r "$work/mtime" "$jar"  # the release as installed again

out=$(bake 2>&1) || { echo "FAIL: second bake: $out"; exit 1; }
! grep -q "\.jsa" <<<"$out" || { echo "FAIL: a second bake trained again: $out"; exit 1; }
echo "ok: a second bake leaves the archives as they are"

# Kafka as kafka.service starts it: the product renders this node (its jvm.env names the server
# archive), then format and start as user kafka with exactly that environment, plus
# -Xlog:class+load to see where classes come from.
ports=$(python3 -c 'import socket
ss=[socket.socket() for _ in range(2)]
[s.bind(("127.0.0.1", 0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])')
read -r bport cport <<<"$ports"
out=$("$BIN" --config "$work/empty.toml" --root "$R" render --role combined --node-id 1 --cluster-id AAAAAAAAAAAAAAAAAAAAAA \
  --kafka-version 4.3.1 --controller "1@127.0.0.1:$cport" --listener "PLAINTEXT://127.0.0.1:$bport" \
  --listener "CONTROLLER://127.0.0.1:$cport" --advertise "PLAINTEXT://127.0.0.1:$bport" --memory 1G 2>&1) \
  || { echo "FAIL: render: $out"; exit 1; }
want="KAFKA_OPTS=\"-Xshare:auto -XX:SharedArchiveFile=$dir/server.jsa\""
grep -qxF "$want" "$R/etc/kafka/jvm.env" || { echo "FAIL: the rendered jvm.env does not pass the server archive: $(cat "$R/etc/kafka/jvm.env")"; exit 1; }
echo "ok: render (as bootstrap) writes $want to jvm.env"
out=$(chroot --userspec=kafka:kafka "$R" env JAVA_HOME=/opt/java KAFKA_HEAP_OPTS=-Xmx256m /opt/kafka/bin/kafka-storage.sh format \
  -t AAAAAAAAAAAAAAAAAAAAAA -c /etc/kafka/server.properties 2>&1) || { echo "FAIL: format as kafka: $out"; exit 1; }
# kafka_start: Kafka with the unit's environment (jvm.env) and -Xlog:class+load appended; waits
# (bounded) until it serves, stops it with SIGTERM as the unit does; output in $work/kafka.out.
kafka_start() {
  local envs=() line
  while IFS= read -r line; do
    [[ $line =~ ^[A-Z_]+= ]] || continue
    line=${line/=\"/=}; line=${line%\"}
    envs+=("$line")
  done < "$R/etc/kafka/jvm.env"
  local opts
  opts=$(sed -n 's/^KAFKA_OPTS="\(.*\)"$/\1/p' "$R/etc/kafka/jvm.env")
  chroot --userspec=kafka:kafka "$R" env -i PATH=/usr/bin:/bin "${envs[@]}" KAFKA_OPTS="$opts -Xlog:class+load=info" \
    /opt/kafka/bin/kafka-server-start.sh /etc/kafka/server.properties > "$work/kafka.out" 2>&1 &
  kafka_pid=$!
  for _ in $(seq 1800); do
    grep -q "Kafka Server started" "$work/kafka.out" && break
    kill -0 "$kafka_pid" 2>/dev/null || { echo "FAIL: Kafka exited: $(grep -v 'class,load' "$work/kafka.out" | tail -5)"; exit 1; }
    sleep 0.1
  done
  grep -q "Kafka Server started" "$work/kafka.out" || { echo "FAIL: Kafka did not start within 180 s"; exit 1; }
  kill -TERM "$kafka_pid"; wait "$kafka_pid" || true; kafka_pid=
}
t0=$(date +%s)
kafka_start
n=$(grep -c 'kafka.*source: shared objects file (top)' "$work/kafka.out" || true)
[ "$n" -gt 1000 ] || { echo "FAIL: only $n Kafka classes of the server came from its archive; the JVM as kafka says:"
  chroot --userspec=kafka:kafka "$R" /opt/java/bin/java -Xshare:on -XX:SharedArchiveFile="$dir/server.jsa" -version 2>&1 | tail -5; exit 1; }
echo "ok: Kafka started as kafka.service does maps the server archive: $n Kafka classes loaded from it ($(( $(date +%s) - t0 )) s to started and stopped)"

# Stale: a jar of the class path changed after training: the JVM refuses the archive and Kafka
# starts without it.
touch -d '2001-01-01' "$jar"
kafka_start
! grep -q 'source: shared objects file (top)' "$work/kafka.out" || { echo "FAIL: Kafka used a stale archive"; exit 1; }
grep -q '\[warning\]\[cds' "$work/kafka.out" || { echo "FAIL: no CDS warning for the stale archive: $(grep -i cds "$work/kafka.out" | head -3)"; exit 1; }
echo "ok: with a stale server archive Kafka warns ($(grep -m1 '\[warning\]\[cds' "$work/kafka.out" | cut -c1-120)) and starts without it"
touch -r "$work/mtime" "$jar"
