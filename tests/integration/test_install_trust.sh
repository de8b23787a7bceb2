#!/usr/bin/env bash
# What is trusted for an installed Kafka, and how an explicit override is recorded (issue 7,
# items 9 and 10): a catalogued version given by --archive must match the catalog's digest unless
# --private-build says it is a private build pinned by --sha512; --catalog FILE replaces the
# catalog; the old hidden KAFKA_APPLIANCE_TEST_CATALOG has no effect. Every choice warns, is
# recorded in state.json and shown by `status` (text and --json).
set -euo pipefail
. "$(dirname "$0")/install_lib.sh"
B=$KA_BINARY
KA_HOSTILE_ONLY=good python3 "$KA_SOURCE_DIR/tests/support/make_hostile_archives.py" "$work/arch" 3.9.1 > /dev/null
a=$work/arch/good/kafka_2.13-3.9.1.tgz
sha=$(sha_of "$a")
state() { cat "$1/var/lib/kafka-appliance/state.json"; }
empty=$work/empty.toml; : > "$empty"

echo "== a catalogued version with a digest that is not the catalog's: refused"
root=$work/r1; new_root "$root"
set +e
"$B" --root "$root" install --archive "$a" --sha512 "$sha" --java system > /dev/null 2> "$work/err"; rc=$?
set -e
[ $rc = 2 ] || fail "exit $rc: $(cat "$work/err")"
grep -q 'does not match the catalogued digest of Kafka 3.9.1' "$work/err" && grep -q -- '--private-build' "$work/err" ||
  fail "the refusal must name the catalog and --private-build: $(cat "$work/err")"
[ -e "$root/opt/kafka" ] && fail "/opt/kafka created"
set +e
"$B" --root "$root" install --archive "$a" --private-build --java system > /dev/null 2> "$work/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q -- '--private-build needs --sha512' "$work/err" || fail "--private-build without --sha512: $rc $(cat "$work/err")"

echo "== --private-build --sha512: installed, warned, recorded, shown by status"
"$B" --root "$root" install --archive "$a" --private-build --sha512 "$sha" --java system > "$work/out" 2> "$work/err"
grep -q 'warn.*--private-build' "$work/err" || fail "no warning: $(cat "$work/err")"
[ "$(readlink "$root/opt/kafka")" = kafka_2.13-3.9.1 ] || fail "/opt/kafka"
python3 - "$root/var/lib/kafka-appliance/state.json" <<'PY' || fail "state.json: $(state "$root")"
import json, sys
k = json.load(open(sys.argv[1]))["install"]["kafka"]
assert k["trust"] == "--private-build --sha512", k
assert k["overrides"] == ["--private-build"], k
PY
KR=(--role controller --node-id 1 --cluster-id MkU3OEVBNTcwNTJENDM2Qg --controller 1@10.0.1.11:9093 --memory 2G --kafka-version 3.9.1)
"$B" --config "$empty" --root "$root" render "${KR[@]}" > /dev/null 2> "$work/err" || fail "render for status: $(cat "$work/err")"
out=$("$B" --config "$empty" --root "$root" status --probe-timeout 0.2 2>&1 || true)
grep -q 'trust kafka.*trusted by --private-build --sha512' <<<"$out" && grep -q 'OVERRIDE.*--private-build' <<<"$out" ||
  fail "status does not show the private build: $out"
json=$("$B" --config "$empty" --root "$root" --json status --probe-timeout 0.2 2>/dev/null || true)
python3 -c 'import json,sys; k=json.loads(sys.argv[1])["installed"]["kafka"]; assert k["trust"]=="--private-build --sha512" and k["overrides"]==["--private-build"], k' "$json" ||
  fail "status --json: $json"

echo "== bootstrap and plan take the same flags"
for c in bootstrap plan; do
  h=$("$B" "$c" --help 2>&1)
  for f in --private-build --catalog --adoptium-key; do grep -q -- "$f" <<<"$h" || fail "$c --help lacks $f"; done
done

echo "== --catalog FILE: trusted instead of the built-in one, warned and recorded; the env var is ignored"
cat=$work/catalog.txt
printf '# a private catalog\n3.9.1 2.13 3.9 %s\n' "$sha" > "$cat"
root=$work/r2; new_root "$root"
set +e
KAFKA_APPLIANCE_TEST_CATALOG=$cat "$B" --root "$root" install --archive "$a" --java system > /dev/null 2> "$work/err"; rc=$?
set -e
[ $rc = 2 ] || fail "KAFKA_APPLIANCE_TEST_CATALOG still replaces the catalog: exit $rc $(cat "$work/err")"
[ -e "$root/opt/kafka" ] && fail "/opt/kafka created through the env var"
"$B" --root "$root" install --archive "$a" --catalog "$cat" --java system > /dev/null 2> "$work/err" || fail "--catalog: $(cat "$work/err")"
grep -q "warn.*--catalog $cat" "$work/err" || fail "--catalog must warn: $(cat "$work/err")"
python3 - "$root/var/lib/kafka-appliance/state.json" "$cat" <<'PY' || fail "state.json: $(state "$root")"
import json, sys
k = json.load(open(sys.argv[1]))["install"]["kafka"]
assert k["trust"] == "--catalog", k
assert len(k["overrides"]) == 1 and k["overrides"][0].startswith(f"--catalog {sys.argv[2]} (sha256 "), k
PY
echo "all install trust checks passed"
