#!/usr/bin/env bash
# JVM start time of Kafka's tools and server without and with application class-data sharing
# (a dynamic AppCDS archive: -XX:ArchiveClassesAtExit in a training run, then
# -XX:SharedArchiveFile), on a real Kafka distribution and real JDKs, baseline and candidate
# interleaved in the same run (the machine may be loaded: compare the ratios, not the ms).
#   (a) kafka-storage.sh format of a fresh directory
#   (b) kafka-metadata-quorum.sh describe --status against the running server (the health probe)
#   (c) kafka-server-start.sh (combined node on loopback) to "Kafka Server started"
# On a JDK >= 25 also the AOT cache (JEP 483/514: -XX:AOTCacheOutput, then -XX:AOTCache).
# Usage: bench/appcds.sh [KAFKA_TGZ] [JAVA_HOME...]
#   defaults: the real-Kafka tier's 4.3.1 (tests/realkafka/build.sh) and every JDK 17/21/25
#   found under /usr/lib/jvm. KA_BENCH_RUNS (default 3) runs of each; the median is printed.
# Not a test (no goal is asserted): docs/appcds.md records the figures and what was kept.
set -euo pipefail
runs=${KA_BENCH_RUNS:-3}
tgz=${1:-}
if [ -z "$tgz" ]; then
  tgz=$(ls /var/cache/kafka-appliance-test/realkafka-4.3.1-*/kafka/4.3.1/kafka_2.13-4.3.1.tgz 2>/dev/null | head -1 || true)
  [ -n "$tgz" ] || { echo "bench: no Kafka tarball given and none cached (run tests/realkafka/build.sh 4.3.1)" >&2; exit 2; }
fi
shift || true
jdks=("$@")
if [ ${#jdks[@]} = 0 ]; then
  for j in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-17-* /usr/lib/jvm/temurin-21-* /usr/lib/jvm/temurin-25-*; do
    [ -x "$j/bin/java" ] && jdks+=("$j")
  done
fi
[ ${#jdks[@]} -gt 0 ] || { echo "bench: no JDK found; give JAVA_HOME directories" >&2; exit 2; }

work=$(mktemp -d /tmp/ka-bench-appcds.XXXXXX)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
tar xzf "$tgz" -C "$work"
K=$(echo "$work"/kafka_*)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cport=$((port + 1))
cat > "$work/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$work/data
offsets.topic.replication.factor=1
EOF
export KAFKA_HEAP_OPTS=-Xmx256m LOG_DIR=$work/logs
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
die() { echo "bench: $*" >&2; exit 1; }

# opts_for KIND MODE: the JVM options of one variant (MODE: base, train, cds, aot-train, aot).
opts_for() {
  case $2 in
    base) echo "" ;;
    train) echo "-XX:ArchiveClassesAtExit=$work/$1.jsa" ;;
    cds) echo "-XX:SharedArchiveFile=$work/$1.jsa" ;;
    aot-train) echo "-XX:AOTCacheOutput=$work/$1.aot" ;;
    aot) echo "-XX:AOTCache=$work/$1.aot" ;;
  esac
}
format_run() {  # MODE -> ms
  rm -rf "$work/data"
  local t0; t0=$(now_ms)
  KAFKA_OPTS=$(opts_for storage "$1") "$K/bin/kafka-storage.sh" format -t AAAAAAAAAAAAAAAAAAAAAA \
    -c "$work/server.properties" > "$work/fmt.out" 2>&1 || { cat "$work/fmt.out" >&2; die "format ($1) failed"; }
  echo $(( $(now_ms) - t0 ))
}
quorum_run() {  # MODE -> ms
  local t0; t0=$(now_ms)
  KAFKA_OPTS=$(opts_for quorum "$1") "$K/bin/kafka-metadata-quorum.sh" --bootstrap-controller "127.0.0.1:$cport" \
    describe --status > "$work/q.out" 2>&1 || { cat "$work/q.out" >&2; die "describe --status ($1) failed"; }
  grep -q LeaderId "$work/q.out" || { cat "$work/q.out" >&2; die "describe --status ($1) printed no LeaderId"; }
  echo $(( $(now_ms) - t0 ))
}
server_start() {  # MODE -> ms to "Kafka Server started"; the server keeps running
  rm -rf "$work/data" "$work/logs" "$work/srv.out"; mkdir -p "$work/logs"
  "$K/bin/kafka-storage.sh" format -t AAAAAAAAAAAAAAAAAAAAAA -c "$work/server.properties" > /dev/null 2>&1
  local t0; t0=$(now_ms)
  KAFKA_OPTS=$(opts_for server "$1") "$K/bin/kafka-server-start.sh" "$work/server.properties" > "$work/srv.out" 2>&1 &
  server_pid=$!
  for _ in $(seq 3000); do
    grep -qs "Kafka Server started" "$work/srv.out" && { echo $(( $(now_ms) - t0 )); return; }
    kill -0 "$server_pid" 2>/dev/null || { tail -20 "$work/srv.out" >&2; die "server ($1) exited"; }
    sleep 0.05
  done
  die "server ($1) not started in 150 s"
}
server_stop() {
  kill "$server_pid"; wait "$server_pid" || true; server_pid=
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }

echo "Kafka: $(basename "$tgz"); median of $runs runs; ratio = candidate / baseline, measured interleaved"
for jdk in "${jdks[@]}"; do
  export JAVA_HOME=$jdk
  feature=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  modes=(base cds)
  [ "$feature" -ge 25 ] && modes+=(aot)
  rm -f "$work"/*.jsa "$work"/*.aot
  # Training runs: the archive is written when the JVM exits (the server on SIGTERM).
  for m in "${modes[@]}"; do
    [ "$m" = base ] && continue
    format_run "$( [ "$m" = cds ] && echo train || echo aot-train)" > /dev/null
    server_start base > /dev/null
    quorum_run "$( [ "$m" = cds ] && echo train || echo aot-train)" > /dev/null
    server_stop
    server_start "$( [ "$m" = cds ] && echo train || echo aot-train)" > /dev/null
    server_stop
  done
  for a in storage quorum server; do [ -s "$work/$a.jsa" ] || die "no $a archive was written with $jdk"; done
  for m in "${modes[@]}"; do : > "$work/fmt.$m"; : > "$work/q.$m"; : > "$work/srv.$m"; done
  for i in $(seq "$runs"); do
    # Every other run in reverse order, so that neither variant always runs first.
    order=("${modes[@]}")
    [ $((i % 2)) = 0 ] && order=($(printf '%s\n' "${modes[@]}" | tac))
    for m in "${order[@]}"; do format_run "$m" >> "$work/fmt.$m"; done
    for m in "${order[@]}"; do
      server_start "$m" >> "$work/srv.$m"
      sleep 2  # the server's own start-up work settles before the probes are timed
      for m2 in "${order[@]}"; do quorum_run "$m2" >> "$work/q.$m2"; done
      server_stop
    done
  done
  echo "JDK $("$jdk/bin/java" -version 2>&1 | sed -n 2p) ($jdk); archives: $(du -ch "$work"/*.jsa | tail -1 | cut -f1) AppCDS"
  for k in fmt q srv; do
    case $k in fmt) what="(a) kafka-storage format          " ;; q) what="(b) kafka-metadata-quorum --status" ;; srv) what="(c) server start to 'started'     " ;; esac
    b=$(median < "$work/$k.base")
    line="  $what base ${b} ms"
    for m in "${modes[@]}"; do
      [ "$m" = base ] && continue
      c=$(median < "$work/$k.$m")
      line+="   $m ${c} ms (ratio $(ratio "$c" "$b"))"
    done
    echo "$line"
  done
done
