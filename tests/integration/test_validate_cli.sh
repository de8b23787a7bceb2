#!/usr/bin/env bash
# The static binary's `validate` command on good and bad files: exit codes 0/2, the key, value,
# rule and fix in the message, warnings exit 0, JSON that parses, nothing written.
set -u
BIN=${KA_BINARY:?KA_BINARY must point at the kafka-appliance binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
pass() { echo "ok   - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }

# run NAME EXPECTED_RC ARGS... : runs the binary, keeps stdout/stderr in $work/NAME.{out,err}
run() {
  local name=$1 want=$2; shift 2
  "$BIN" "$@" >"$work/$name.out" 2>"$work/$name.err"
  local rc=$?
  if [ "$rc" -eq "$want" ]; then pass "$name exits $want"; else
    fail "$name exits $rc, wanted $want"; sed 's/^/    /' "$work/$name.out" "$work/$name.err"; fi
}
contains() {  # contains NAME STREAM TEXT
  if grep -qF -- "$3" "$work/$1.$2"; then pass "$1 $2 mentions '$3'"; else
    fail "$1 $2 lacks '$3'"; sed 's/^/    /' "$work/$1.$2"; fi
}

# The controller and the broker the cases below validate, and vary (kept beside this script).
cp "$(dirname "$0")/validate_cli/controller.properties" "$(dirname "$0")/validate_cli/broker.properties" "$work/"
mkdir -p "$work/zk"
cat >"$work/zk/zookeeper.properties" <<'P'
dataDir=/var/lib/zookeeper
clientPort=2181
initLimit=10
syncLimit=5
server.1=10.0.4.11:2888:3888
server.2=10.0.4.12:2888:3888
server.3=10.0.4.13:2888:3888
4lw.commands.whitelist=srvr,ruok,mntr
P
printf 'dataDir=/var/lib/zookeeper\nclientPort=2181\ntickTime=2000\n' >"$work/zk/standalone.cfg"
printf 'dataDir=/var/lib/zookeeper\nclientPort=2181\ntickTime=0\nmaxClientCnxns=60\n' >"$work/zk/node.conf"
sed 's/^min.insync.replicas=2/min.insync.replicas=4/' "$work/broker.properties" >"$work/warn.properties"
before=$(cd "$work" && find . -type f | sort | xargs sha256sum)

# Good files pass on the versions they are written for.
run good-controller-3.9 0 validate --kafka-version 3.9.1 "$work/controller.properties"
contains good-controller-3.9 out "ok"
run good-broker-4.0 0 validate --kafka-version 4.0.0 "$work/broker.properties"
run good-broker-format 0 validate --kafka-version 4.2.0 --no-initial-controllers "$work/broker.properties"

# The same controller on 3.8: advertised.listeners on a controller is refused (exit 2).
run controller-3.8 2 validate --kafka-version 3.8.1 "$work/controller.properties"
contains controller-3.8 err "advertised.listeners=CONTROLLER://10.0.1.11:9093"    # key and value
contains controller-3.8 err "must be empty when process.roles=controller"         # rule
contains controller-3.8 err "fix: remove advertised.listeners"                     # fix
contains controller-3.8 err "KafkaConfig.scala"                                    # source

# 4.2 format rule: static voters together with --standalone.
run standalone-static-4.2 2 validate --kafka-version 4.2.0 --standalone "$work/controller.properties"
contains standalone-static-4.2 err "controller.quorum.voters="
contains standalone-static-4.2 err "StorageTool.scala"
# ... which is a warning on 4.1: exit 0, printed.
run standalone-static-4.1 0 validate --kafka-version 4.1.1 --standalone "$work/controller.properties"
contains standalone-static-4.1 out "warning: controller.quorum.voters="

# The broker on 3.8: no dynamic quorum yet.
run broker-3.8 2 validate --kafka-version 3.8.0 "$work/broker.properties"
contains broker-3.8 err "controller.quorum.voters"

# Warnings only: exit 0 with the warning printed.
run warn-only 0 validate --kafka-version 4.0.0 "$work/warn.properties"
contains warn-only out "warning: min.insync.replicas=4"

# ZooKeeper config: detected by name, myid from --myid or from <root>/<dataDir>/myid.
run zk-good 0 validate --myid 2 "$work/zk/zookeeper.properties"
run zk-bad-myid 2 validate --myid 7 "$work/zk/zookeeper.properties"
contains zk-bad-myid err "myid=7"
mkdir -p "$work/root/var/lib/zookeeper" && echo 9 >"$work/root/var/lib/zookeeper/myid"
run zk-myid-file 2 --root "$work/root" validate "$work/zk/zookeeper.properties"
contains zk-myid-file err "myid 9"
echo 3 >"$work/root/var/lib/zookeeper/myid"
run zk-myid-file-ok 0 --root "$work/root" validate "$work/zk/zookeeper.properties"
contains zk-myid-file-ok out "myid 3"
# ...recognised by its keys whatever the file is called (a standalone zoo.cfg has no server lines)
run zk-by-content 0 validate "$work/zk/standalone.cfg"
contains zk-by-content out "ZooKeeper"
run zk-by-content-bad 2 validate "$work/zk/node.conf"
contains zk-by-content-bad err "tickTime is not set"
# the dataDir is there and its myid file is not: ZooKeeper refuses an ensemble member
rm "$work/root/var/lib/zookeeper/myid"
run zk-myid-missing 2 --root "$work/root" validate "$work/zk/zookeeper.properties"
contains zk-myid-missing err "myid file is missing"

# JSON output parses, on success and on failure (stdout stays pure JSON).
run json-good 0 --json validate --kafka-version 4.0.0 "$work/broker.properties" "$work/zk/zookeeper.properties"
if python3 -m json.tool "$work/json-good.out" >/dev/null; then pass "json-good parses"; else fail "json-good is not JSON"; fi
run json-bad 2 --json validate --kafka-version 3.8.1 "$work/controller.properties"
if python3 -m json.tool "$work/json-bad.out" >/dev/null; then pass "json-bad parses"; else fail "json-bad is not JSON"; fi
if python3 - "$work/json-bad.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = d["files"][0]["violations"][0]
assert d["ok"] is False and d["files"][0]["errors"] == 1
assert v["id"] == "kraft.controller.advertised-listeners" and v["key"] == "advertised.listeners"
assert v["value"] and v["rule"] and v["fix"] and v["source"].endswith("KafkaConfig.scala")
PY
then pass "json-bad carries id, key, value, rule, fix, source"; else fail "json-bad fields"; fi
run list-rules 0 --json validate --list-rules
if python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r) > 60' "$work/list-rules.out"; then pass "list-rules JSON"; else fail "list-rules JSON"; fi

# Bad usage: exit 2 with a clear message.
run unreadable 2 validate --kafka-version 4.0.0 "$work/does-not-exist.properties"
contains unreadable err "cannot read $work/does-not-exist.properties"
run old-version 2 validate --kafka-version 3.5.2 "$work/broker.properties"
contains old-version err "is not supported"
run new-version 2 validate --kafka-version 5.0.0 "$work/broker.properties"
run no-version 2 validate "$work/broker.properties"
contains no-version err "--kafka-version is required"

# Nothing was written next to the inputs.
after=$(cd "$work" && find . -type f -not -name '*.out' -not -name '*.err' -not -path './root/*' | sort | xargs sha256sum)
if [ "$before" = "$after" ]; then pass "inputs untouched, nothing written"; else fail "files changed under $work"; fi

# Every key against the release's generated ConfigDef schema.
cp "$work/broker.properties" "$work/typo.properties"; echo "log.retention.hour=72" >> "$work/typo.properties"
run typo-warns 0 validate --kafka-version 4.3.1 "$work/typo.properties"
contains typo-warns out "did you mean log.retention.hours?"
run typo-strict 2 validate --strict --kafka-version 4.3.1 "$work/typo.properties"
contains typo-strict err "log.retention.hour"
cp "$work/broker.properties" "$work/gzip.properties"; echo "compression.type=GZIP" >> "$work/gzip.properties"
run validator 2 validate --kafka-version 4.3.1 "$work/gzip.properties"
contains validator err "String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"
run explain 0 validate --explain process.roles --kafka-version 4.2.0
contains explain out "a list of [broker, controller], not empty, no duplicate or blank items"
contains explain out "none (required)"
run explain-json 0 --json validate --explain log.retention.hours
if jq -e '.type == "INT" and .default == "168" and .importance == "HIGH"' "$work/explain-json.out" >/dev/null; then pass "explain --json"; else fail "explain --json: $(cat "$work/explain-json.out")"; fi
run explain-unknown 2 validate --explain log.retention.hour
contains explain-unknown err "did you mean log.retention.hours?"
run explain-other-release 2 validate --explain zookeeper.connect --kafka-version 4.0.0
contains explain-other-release err "it exists in Kafka 3.6.0-3.9.1"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all validate CLI checks passed"
