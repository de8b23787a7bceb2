#!/usr/bin/env bash
# Black-box tests of `render` and `example` through the static binary: bad input is refused with
# a clear message, exit 2 and nothing written; flags, config keys and environment variables agree;
# a second identical render changes nothing.
set -uo pipefail
BIN=${KA_BINARY:?KA_BINARY must point at kafka-appliance}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
n=0

# An empty config file, so a stray /etc/kafka-appliance/appliance.toml on the host cannot interfere.
empty="$work/empty.toml"
: > "$empty"

VOTERS=(--controller 1@10.0.1.11:9093 --controller 2@10.0.1.12:9093 --controller 3@10.0.1.13:9093)

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_refusal NAME EXPECTED_TEXT ARGS... : exit 2, EXPECTED_TEXT on stderr, the root left empty.
expect_refusal() {
  local name=$1 text=$2; shift 2
  n=$((n + 1))
  local root="$work/root-$n"
  mkdir -p "$root"
  local out rc
  out=$("$BIN" --root "$root" "$@" 2>&1 >/dev/null)
  rc=$?
  [ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2 (output: $out)"
  grep -qF -- "$text" <<<"$out" || fail "$name: message does not say '$text': $out"
  [ -z "$(find "$root" -mindepth 1 -print -quit)" ] || fail "$name: something was written under the root: $(find "$root" -mindepth 1 | head -3)"
  echo "ok: $name"
}

expect_refusal "bad flag" "--bogus" --config "$empty" render --role controller --node-id 1 "${VOTERS[@]}" --bogus
expect_refusal "unknown role" "unknown role 'brokr'" --config "$empty" render --role brokr --node-id 1 "${VOTERS[@]}"
expect_refusal "missing role" "no role given" --config "$empty" render --node-id 1 "${VOTERS[@]}"
expect_refusal "node ID not among voters" "--node-id 7 is not among the voters" --config "$empty" render --role controller --node-id 7 "${VOTERS[@]}"
expect_refusal "0.0.0.0 advertised" "cannot be advertised" --config "$empty" render --role broker --node-id 101 "${VOTERS[@]}" --advertise PLAINTEXT://0.0.0.0:9092
expect_refusal "broker without an address" "binds every interface" --config "$empty" render --role broker --node-id 101 "${VOTERS[@]}"
expect_refusal "ZooKeeper mode on 4.x" "ZooKeeper mode was asked of Kafka 4.3.1" --config "$empty" render --role zookeeper --node-id 1 --zookeeper-server 1@10.0.3.11:2888:3888
expect_refusal "ZooKeeper broker on 4.0" "ZooKeeper mode was asked of Kafka 4.0.0" --config "$empty" render --kafka-version 4.0.0 --role broker --node-id 1 --zookeeper 10.0.3.11:2181 --advertise PLAINTEXT://10.0.2.21:9092
expect_refusal "dynamic quorum on 3.8" "needs Kafka 3.9 or later" --config "$empty" render --kafka-version 3.8.1 --role controller --node-id 1 --controller-bootstrap 10.0.1.11:9093
expect_refusal "controller advertised on 3.8" "Kafka 3.8.1 refuses the controller listener in advertised.listeners" --config "$empty" render --kafka-version 3.8.1 --role controller --node-id 1 "${VOTERS[@]}" --advertise CONTROLLER://10.0.1.11:9093
expect_refusal "bad listener" "is not NAME://HOST:PORT" --config "$empty" render --role broker --node-id 101 "${VOTERS[@]}" --listener PLAINTEXT:9092
expect_refusal "bad cluster ID" "is not a Kafka cluster ID" --config "$empty" render --role controller --node-id 1 --cluster-id nope "${VOTERS[@]}"
expect_refusal "bad memory" "--memory '2 lots' is not an amount of memory" --config "$empty" render --role controller --node-id 1 "${VOTERS[@]}" --memory "2 lots"
expect_refusal "too little memory" "too little for a Kafka node" --config "$empty" render --role controller --node-id 1 "${VOTERS[@]}" --memory 512M
expect_refusal "unsupported version" "Kafka 2.8.2 is not supported" --config "$empty" render --kafka-version 2.8.2 --role controller --node-id 1 "${VOTERS[@]}"
expect_refusal "missing templates directory" "--templates $work/no-templates is not a directory" --config "$empty" render --role controller --node-id 1 "${VOTERS[@]}" --templates "$work/no-templates"
expect_refusal "missing config file" "$work/nope.toml" --config "$work/nope.toml" render --role controller --node-id 1 "${VOTERS[@]}"
mkdir -p "$work/a-directory.toml"
expect_refusal "unreadable config file (a directory)" "$work/a-directory.toml" --config "$work/a-directory.toml" render --role controller --node-id 1 "${VOTERS[@]}"
printf 'roel = "controller"\nnode-id = "1"\n' > "$work/misspelt.toml"
expect_refusal "misspelt config key" "unknown key 'roel'" --config "$work/misspelt.toml" render "${VOTERS[@]}"
# --- a good render, twice ---------------------------------------------------------------------
good="$work/good"
out=$("$BIN" --root "$good" --config "$empty" render --role broker --node-id 101 "${VOTERS[@]}" --advertise PLAINTEXT://10.0.2.21:9092 --memory 8G --rack eu-west-1a 2>"$work/err")
rc=$?
[ "$rc" -eq 0 ] || fail "good render: exit $rc: $(cat "$work/err")"
grep -q "^created   /etc/kafka/server.properties$" <<<"$out" || fail "good render does not report server.properties created: $out"
grep -q "node 101 (broker): 9 created, 0 updated, 0 unchanged" <<<"$out" || fail "good render summary: $out"
grep -q "the user and group 'kafka' do not exist" "$work/err" || fail "no warning about the missing kafka user: $(cat "$work/err")"
grep -qx "node.id=101" "$good/etc/kafka/server.properties" || fail "node.id not rendered"
grep -qx "broker.rack=eu-west-1a" "$good/etc/kafka/server.properties" || fail "broker.rack not rendered"
grep -qx 'KAFKA_HEAP_OPTS="-Xms2048m -Xmx2048m"' "$good/etc/kafka/jvm.env" || fail "heap for 8G not rendered"
[ "$(stat -c %a "$good/etc/kafka")" = 750 ] || fail "/etc/kafka mode $(stat -c %a "$good/etc/kafka")"
[ "$(stat -c %a "$good/etc/kafka/server.properties")" = 640 ] || fail "server.properties mode"
[ "$(stat -c %a "$good/etc/systemd/system/kafka.service")" = 644 ] || fail "kafka.service mode"
[ -d "$good/var/lib/kafka/data" ] && [ -d "$good/var/lib/kafka/meta" ] && [ -d "$good/var/log/kafka" ] || fail "data, meta or log directory missing"
before=$(find "$good" -type f -printf '%p %T@\n' | sort)
out=$("$BIN" --root "$good" --config "$empty" render --role broker --node-id 101 "${VOTERS[@]}" --advertise PLAINTEXT://10.0.2.21:9092 --memory 8G --rack eu-west-1a 2>/dev/null)
rc=$?
[ "$rc" -eq 0 ] || fail "second render: exit $rc"
grep -q "nothing changed: all 9 paths are already as rendered" <<<"$out" || fail "second render does not say nothing changed: $out"
grep -qv "^unchanged " <<<"$(grep -v 'nothing changed' <<<"$out")" && fail "second render changed something: $out"
[ "$before" = "$(find "$good" -type f -printf '%p %T@\n' | sort)" ] || fail "second render rewrote files"
echo "ok: good render, and a second one that changes nothing"

# --dry-run writes nothing
dry="$work/dry"
mkdir -p "$dry"
out=$("$BIN" --root "$dry" --config "$empty" --dry-run render --role controller --node-id 1 "${VOTERS[@]}" --memory 4G 2>&1)
[ $? -eq 0 ] || fail "dry run failed: $out"
grep -Eq "^would be created +/etc/kafka/server.properties$" <<<"$out" || fail "dry run output: $out"
[ -z "$(find "$dry" -mindepth 1 -print -quit)" ] || fail "dry run wrote files"
echo "ok: --dry-run"

# --- flags = flat config keys = environment ------------------------------------------------
flags="$work/flags"; cfg="$work/cfg"; envr="$work/env"; sect="$work/sect"
"$BIN" --root "$flags" --config "$empty" render --role combined --node-id 2 --cluster-id MkU3OEVBNTcwNTJENDM2Qg "${VOTERS[@]}" \
  --advertise PLAINTEXT://10.0.1.12:9092 --memory 4G --set log.retention.hours=72 --set num.partitions=6 >/dev/null 2>&1 || fail "render with flags"
cat > "$work/flat.toml" <<TOML
# every flag is a flat key, as in k3s
root = "$cfg"
role = "combined"
node-id = "2"
cluster-id = "MkU3OEVBNTcwNTJENDM2Qg"
controller = ["1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"]
advertise = ["PLAINTEXT://10.0.1.12:9092"]
memory = "4G"
set = ["log.retention.hours=72", "num.partitions=6"]
sha512 = "a key of another command is ignored by render"
TOML
# sha512 may not exist as a flag of any command yet; only keep it if the binary knows it.
"$BIN" fetch --help 2>/dev/null | grep -q -- "--sha512" || sed -i '/^sha512/d' "$work/flat.toml"
out=$("$BIN" --config "$work/flat.toml" render 2>&1) || fail "render from flat config keys: $out"
diff -r "$flags" "$cfg" >/dev/null || fail "flat config keys render differently from flags: $(diff -r "$flags" "$cfg" | head -5)"
echo "ok: flat config keys render the same as flags"

sed -e "s|^root = .*|root = \"$sect\"|" -e 's/^role = "combined"/[render]\nrole = "combined"/' "$work/flat.toml" | grep -v '^sha512' > "$work/section.toml"
out=$("$BIN" --config "$work/section.toml" render 2>&1) || fail "render from a [render] section: $out"
diff -r "$flags" "$sect" >/dev/null || fail "[render] section renders differently from flags"
echo "ok: [render] section"

out=$(KAFKA_APPLIANCE_ROOT="$envr" KAFKA_APPLIANCE_NODE_ID=3 KAFKA_APPLIANCE_ADVERTISE=PLAINTEXT://10.0.1.13:9092 \
  "$BIN" --config "$work/flat.toml" render 2>&1) || fail "render with env overrides: $out"
grep -qx "node.id=3" "$envr/etc/kafka/server.properties" || fail "KAFKA_APPLIANCE_NODE_ID did not win over the file"
grep -qx "advertised.listeners=PLAINTEXT://10.0.1.13:9092,CONTROLLER://10.0.1.13:9093" "$envr/etc/kafka/server.properties" ||
  fail "KAFKA_APPLIANCE_ADVERTISE did not win: $(grep advertised "$envr/etc/kafka/server.properties")"
[ ! -e "$cfg/etc/kafka/server.properties.new" ] || true
echo "ok: environment variables win over the config file"

out=$("$BIN" --config "$work/flat.toml" render --node-id 1 --advertise PLAINTEXT://10.0.1.11:9092 2>&1) || fail "flag over file: $out"
grep -qx "node.id=1" "$cfg/etc/kafka/server.properties" || fail "a flag did not win over the file"
echo "ok: flags win over the config file"

# --- ZooKeeper ensemble member -----------------------------------------------------------------
zk="$work/zk"
out=$("$BIN" --root "$zk" --config "$empty" render --kafka-version 3.9.1 --role zookeeper --node-id 2 --memory 2G \
  --zookeeper-server 1@10.0.3.11:2888:3888,2@10.0.3.12:2888:3888,3@10.0.3.13:2888:3888 2>&1) || fail "zookeeper render: $out"
[ "$(cat "$zk/var/lib/zookeeper/myid")" = 2 ] || fail "myid"
grep -qx "4lw.commands.whitelist=srvr,mntr,ruok" "$zk/etc/kafka/zookeeper.properties" || fail "4lw whitelist"
grep -qx "server.3=10.0.3.13:2888:3888" "$zk/etc/kafka/zookeeper.properties" || fail "server.3"
[ -f "$zk/etc/systemd/system/zookeeper.service" ] && [ ! -e "$zk/etc/systemd/system/kafka.service" ] || fail "zookeeper node units"
echo "ok: ZooKeeper ensemble member"

# --- example --------------------------------------------------------------------------------------
ex="$work/example-root"
out=$("$BIN" --config "$empty" example --root "$ex" 2>&1) || fail "example: $out"
for node in controller-1 controller-2 controller-3 broker-101 broker-102 broker-103; do
  [ -f "$ex/$node/etc/kafka/server.properties" ] || fail "example did not render $node"
  cmp -s "$ex/$node/etc/kafka/server.properties" "$KA_SOURCE_DIR/tests/golden/kraft-static-4.3/$node/etc/kafka/server.properties" ||
    fail "example $node differs from its golden file"
done
grep -q "created   $ex/broker-101/etc/kafka/server.properties" <<<"$out" || fail "example does not print what it wrote: $out"
out=$("$BIN" --config "$empty" example --root "$ex" 2>&1) || fail "example twice: $out"
grep -q "(nothing changed)" <<<"$out" || fail "second example run changed something: $out"
out=$("$BIN" --config "$empty" example --root / 2>&1)
[ $? -eq 2 ] && grep -q "give a scratch directory" <<<"$out" || fail "example into / was not refused: $out"
[ ! -e /controller-1 ] || fail "example wrote /controller-1"
echo "ok: example"

# --- --set values are checked by the key's ConfigDef type and validator before anything is written
bad="$work/badset"
out=$("$BIN" --root "$bad" --config "$empty" render --role combined --node-id 2 --cluster-id MkU3OEVBNTcwNTJENDM2Qg "${VOTERS[@]}" \
  --advertise PLAINTEXT://10.0.1.12:9092 --set num.partitions=0 2>&1); rc=$?
[ $rc = 2 ] || fail "--set num.partitions=0 exited $rc, not 2"
grep -q "Value must be at least 1" <<<"$out" || fail "--set num.partitions=0: $out"
[ ! -e "$bad" ] || [ -z "$(find "$bad" -type f -print -quit)" ] || fail "--set num.partitions=0 wrote files"
echo "ok: --set values checked by type and validator"

if [ "$fails" -ne 0 ]; then
  echo "$fails check(s) failed"
  exit 1
fi
echo "all render CLI checks passed"
