#!/usr/bin/env bash
# Black-box tests of `bootstrap`, `plan`, `format` and `status` through the static binary on a
# temp --root (no systemd there: the cluster tier runs them under real systemd). Refusals come
# before any change: files edited by hand (exit 3 unless --force), storage of another cluster or
# node (exit 3, untouched); a converged re-run changes nothing.
set -uo pipefail
. "$(dirname "$0")/../support/cli_checks.sh"
ZK=(--kafka-version 3.9.1 --role zookeeper --node-id 2 --zookeeper-server 1@10.0.3.11:2888:3888,2@10.0.3.12:2888:3888,3@10.0.3.13:2888:3888 --memory 2G)

# 1. A ZooKeeper member (no format step): renders, then stops before starting services.
root="$work/zk"; mkdir -p "$root"
run "$BIN" "${K[@]}" --root "$root" bootstrap "${ZK[@]}" --skip-install --no-start
[ $rc -eq 0 ] || fail "bootstrap --no-start exit $rc: $out"
[ -f "$root/etc/kafka/zookeeper.properties" ] && [ "$(cat "$root/var/lib/zookeeper/myid")" = 2 ] || fail "zookeeper.properties/myid not rendered"
grep -q "not started" <<<"$out" || fail "no 'not started' note: $out"
ok "bootstrap --no-start renders a ZooKeeper member"

# Without --no-start, a root that is not / cannot start services: it says so, exit 1.
run "$BIN" "${K[@]}" --root "$root" bootstrap "${ZK[@]}" --skip-install
[ $rc -eq 1 ] && grep -q -- "--no-start" <<<"$out" || fail "no-systemd refusal: exit $rc: $out"
ok "without systemd it stops before starting services and says why"

# A converged re-run changes nothing (JSON report).
json=$("$BIN" "${K[@]}" --root "$root" --json bootstrap "${ZK[@]}" --skip-install --no-start 2>/dev/null)
python3 - "$json" <<'PY' || fail "converged re-run reported changes: $json"
import json, sys
r = json.loads(sys.argv[1])
assert r["changed"] is False, r
PY
ok "converged re-run changes nothing"

# plan: nothing to change; then a hand edit is shown with a diff and blocks (exit 3).
run "$BIN" "${K[@]}" --root "$root" plan "${ZK[@]}" --skip-install
grep -q "file /etc/kafka/zookeeper.properties" <<<"$out" && fail "plan lists an unchanged file: $out"
echo "maxClientCnxns=7" >> "$root/etc/kafka/zookeeper.properties"
before=$(sha256sum "$root/etc/kafka/zookeeper.properties")
run "$BIN" "${K[@]}" --root "$root" plan "${ZK[@]}" --skip-install
[ $rc -eq 3 ] || fail "plan on a hand-edited file: exit $rc"
grep -q "! file /etc/kafka/zookeeper.properties: edited by hand" <<<"$out" && grep -q -- "-maxClientCnxns=7" <<<"$out" || fail "plan does not show the hand edit: $out"
run "$BIN" "${K[@]}" --root "$root" bootstrap "${ZK[@]}" --skip-install --no-start
[ $rc -eq 3 ] && grep -q "edited by hand" <<<"$out" || fail "bootstrap over a hand edit: exit $rc: $out"
[ "$(sha256sum "$root/etc/kafka/zookeeper.properties")" = "$before" ] || fail "the hand-edited file was changed"
ok "a hand-edited file is shown by plan and refused by bootstrap (exit 3), untouched"
"$BIN" "${K[@]}" --root "$root" bootstrap "${ZK[@]}" --skip-install --no-start --force >/dev/null 2>&1 || fail "--force failed"
grep -q maxClientCnxns=7 "$root/etc/kafka/zookeeper.properties" && fail "--force did not overwrite"
ok "--force overwrites"
json=$("$BIN" "${K[@]}" --root "$root" --json plan "${ZK[@]}" --skip-install 2>/dev/null)
python3 - "$json" <<'PY' || fail "plan --json after --force: $json"
import json, sys
r = json.loads(sys.argv[1])
assert r["blocked"] is False, r
# everything rendered is as planned; the unit cannot be managed under a scratch root
assert all(c["action"] == "unchanged" for c in r["changes"] if c["kind"] in ("file", "dir")), r
assert any(c["kind"] == "unit" and "not possible here" in c["action"] for c in r["changes"]), r
PY
ok "plan --json"

# 2. A KRaft controller whose log directory belongs to another cluster: refused before anything
#    is written (exit 3, both IDs named), the directory untouched.
root="$work/foreign"; mkdir -p "$root/var/lib/kafka/meta"
printf 'version=1\nnode.id=1\ncluster.id=OTHERcluster0000000000A\ndirectory.id=J8aAPcfLQt2bqs1JT_rMgQ\n' > "$root/var/lib/kafka/meta/meta.properties"
before=$(sha256sum "$root/var/lib/kafka/meta/meta.properties")
KR=(--role controller --node-id 1 --cluster-id $CID --controller 1@10.0.1.11:9093 --memory 2G)
run "$BIN" "${K[@]}" --root "$root" bootstrap "${KR[@]}" --skip-install --no-start
[ $rc -eq 3 ] || fail "foreign storage: exit $rc: $out"
grep -q "OTHERcluster0000000000A" <<<"$out" && grep -q "$CID" <<<"$out" || fail "foreign storage error does not name both IDs: $out"
[ "$(sha256sum "$root/var/lib/kafka/meta/meta.properties")" = "$before" ] || fail "foreign meta.properties changed"
[ -e "$root/etc/kafka" ] && fail "something was rendered before the refusal"
ok "foreign cluster ID refused with exit 3 before any change"
run "$BIN" "${K[@]}" --root "$root" format --cluster-id $CID
[ $rc -eq 2 ] && grep -q "render" <<<"$out" || fail "format without a rendered config: exit $rc: $out"
ok "format without a rendered config says to render first"

# 3. status on a node with nothing listening: not healthy, exit 1, the reason given.
root="$work/zk"
run "$BIN" "${K[@]}" --root "$root" status --probe-timeout 0.3
[ $rc -eq 1 ] && grep -q "role          zookeeper" <<<"$out" && grep -q "NOT healthy" <<<"$out" || fail "status on a stopped node: exit $rc: $out"
json=$("$BIN" "${K[@]}" --root "$root" --json status --probe-timeout 0.3 2>/dev/null)
python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert r["role"]=="zookeeper" and r["healthy"] is False and r["node_id"]==2, r' "$json" || fail "status --json: $json"
ok "status says a node with nothing listening is not healthy"

finish "all bootstrap/plan/format/status checks passed"
