# shellcheck shell=bash
# Real Kafka clients for the cluster scenarios (sourced by cluster.sh). They run on a host of
# their own (no Kafka service on it) from the /opt/kafka and /opt/java that the product installed
# there, as transient systemd units so they survive the shell that started them.
#
#   clients_host NAME                      add the client host (before cluster_boot)
#   clients_install NAME                   `kafka-appliance install` with the scenario's release
#   kafka_tool NAME TOOL ARGS...           run /opt/kafka/bin/TOOL.sh on NAME (stdout passed through)
#   produce_start NAME BOOTSTRAP TOPIC     Kafka's VerifiableProducer: acks=all, idempotence, one
#                                          record per 10 ms, values 0, 1, 2, ... the whole time
#   produce_stop NAME                      SIGTERM (the producer flushes and reports), wait
#   fault_begin / fault_end WHAT           mark a fault's window; fault_end prints the longest
#                                          produce stall in it and keeps it for the summary
#   consume_verify NAME BOOTSTRAP TOPIC    read the topic from the start; fail unless every
#                                          acknowledged record is there
#   wait_in_sync NAME BOOTSTRAP TOPIC MAX  until no partition of TOPIC is under-replicated
#   produce_acked NAME BOOTSTRAP [PARTS]   the topic `acked` (RF 3, min.insync.replicas=2, PARTS
#                                          partitions, default 3), produce_start on it
#   verify_acked NAME BOOTSTRAP            produce_stop, consume_verify of `acked`; sets `stalls`
#                                          (the faults' longest stalls, comma-separated)
CLIENTS_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
declare -a KA_STALLS=()
KA_STALL_MAX_S=${KA_STALL_MAX_S:-60}

clients_install() {
  local out
  out=$(cluster_exec "$1" kafka-appliance --quiet install --kafka-version "$version" $release 2>&1) \
    || fail "kafka-appliance install on the client host $1 failed: $out"
}

kafka_tool() {
  local name=$1 tool=$2; shift 2
  cluster_exec "$name" env JAVA_HOME=/opt/java KAFKA_HEAP_OPTS=-Xmx256M "/opt/kafka/bin/$tool.sh" "$@"
}

produce_start() {
  local name=$1 bs=$2 topic=$3
  # VerifiableProducer defaults to retries=0, which idempotence refuses: retry until delivery.timeout.ms.
  printf 'enable.idempotence=true\nacks=all\nretries=2147483647\nmax.in.flight.requests.per.connection=5\nlinger.ms=5\ndelivery.timeout.ms=300000\nrequest.timeout.ms=10000\n' \
    > "$KA_CLUSTER_WORK/$name/root/root/producer.properties"
  cluster_exec "$name" systemd-run --quiet --unit=ka-producer --setenv=JAVA_HOME=/opt/java --setenv=KAFKA_HEAP_OPTS=-Xmx256M \
    -p StandardOutput=file:/root/produce.jsonl -p StandardError=file:/root/produce.err \
    /opt/kafka/bin/kafka-verifiable-producer.sh --bootstrap-server "$bs" --topic "$topic" --acks -1 \
    --throughput 100 --max-messages -1 --producer.config /root/producer.properties \
    || fail "could not start the producer"
  KA_PRODUCE_LOG=$KA_CLUSTER_WORK/$name/root/root/produce.jsonl
  local i
  for i in $(seq 120); do
    grep -q producer_send_success "$KA_PRODUCE_LOG" 2>/dev/null && { log "producer acknowledged its first record"; return 0; }
    cluster_exec "$name" systemctl is-active -q ka-producer || break
    sleep 1
  done
  fail "the producer had no record acknowledged (gave up after $i s): $(tail -5 "$KA_CLUSTER_WORK/$name/root/root/produce.err" 2>/dev/null; tail -3 "$KA_PRODUCE_LOG")"
}

produce_stop() {
  cluster_exec "$1" systemctl stop ka-producer 2>/dev/null || true
  grep -q shutdown_complete "$KA_PRODUCE_LOG" || log "warning: the producer did not report shutdown_complete"
}

acked_count() { grep -c producer_send_success "$KA_PRODUCE_LOG" 2>/dev/null || echo 0; }

fault_begin() { KA_FAULT_T0=$(now); KA_FAULT_WHAT=$1; }
# fault_end: the fault is over (the cluster serves again); waits for 5 s of acks after it, so the
# stall that straddles the end is counted, and records the longest gap.
fault_end() {
  local t1 s before; t1=$(now)
  before=$(acked_count)
  local i
  for i in $(seq 120); do
    [ "$(acked_count)" -gt $((before + 300)) ] && break
    sleep 1
  done
  s=$(python3 "$CLIENTS_LIB/clients.py" stall "$KA_PRODUCE_LOG" "$KA_FAULT_T0" "$t1") \
    || fail "no record was acknowledged after '$KA_FAULT_WHAT' ended ($(acked_count) acked in all)"
  KA_STALLS+=("$KA_FAULT_WHAT=$s")
  log "longest produce stall during '$KA_FAULT_WHAT': $s s (goal <= 10 s, limit $KA_STALL_MAX_S s)"
  le "$s" "$KA_STALL_MAX_S" || fail "'$KA_FAULT_WHAT' stalled the producer for $s s (limit $KA_STALL_MAX_S s)"
}

wait_in_sync() {
  local name=$1 bs=$2 topic=$3 max=$4 t0 out; t0=$(now)
  while :; do
    out=$(kafka_tool "$name" kafka-topics --bootstrap-server "$bs" --describe --topic "$topic" --under-replicated-partitions 2>/dev/null) || out=error
    [ -z "$out" ] && { elapsed "$t0"; return 0; }
    le "$max" "$(elapsed "$t0")" && return 1
    sleep 1
  done
}

consume_verify() {
  local name=$1 bs=$2 topic=$3 r
  # Stops after as many records as were acknowledged, or after 180 s without one (joining the
  # group first creates __consumer_offsets, slow on a loaded machine); a shortfall shows as missing.
  kafka_tool "$name" kafka-console-consumer --bootstrap-server "$bs" --topic "$topic" --from-beginning \
    --max-messages "$(acked_count)" --timeout-ms 180000 > "$KA_CLUSTER_WORK/consumed.txt" 2> "$KA_CLUSTER_WORK/consumer.err" || true
  r=$(python3 "$CLIENTS_LIB/clients.py" verify "$KA_PRODUCE_LOG" "$KA_CLUSTER_WORK/consumed.txt") \
    || fail "acknowledged records were lost: $r ($(tail -3 "$KA_CLUSTER_WORK/consumer.err"))"
  log "consumed everything back: $r"
  KA_VERIFY=$r
}

produce_acked() {
  local name=$1 bs=$2 parts=${3:-3}
  kafka_tool "$name" kafka-topics --bootstrap-server "$bs" --create --topic acked --partitions "$parts" \
    --replication-factor 3 --config min.insync.replicas=2 >/dev/null || fail "could not create the topic acked"
  produce_start "$name" "$bs" acked
}

verify_acked() {
  produce_stop "$1"
  consume_verify "$1" "$2" acked
  stalls=$(IFS=,; echo "${KA_STALLS[*]}")
}
