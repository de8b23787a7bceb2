#!/usr/bin/env bash
# SCRAM credentials given to `format`/`bootstrap` (--add-scram) never appear in what the tool
# prints: `format --dry-run`, the notes of a failing format, `plan` and `plan --json`, and the
# debug log of the command it runs. The user name stays visible.
set -uo pipefail
. "$(dirname "$0")/install_lib.sh"
good_controller_release 3.9.1
SECRET='Sup3r-S3cret-pw'
SALTED='c2FsdGVkLXNlY3JldA=='
SCRAM=(--add-scram "SCRAM-SHA-512=[name=admin,password=$SECRET]"
       --add-scram "SCRAM-SHA-256=[name=alice,iterations=8192,salt=\"bWFkZS11cC1zYWx0\",saltedpassword=\"$SALTED\"]")

clean() {  # what file
  grep -q -e "$SECRET" -e "$SALTED" -e bWFkZS11cC1zYWx0 "$2" && fail "$1 shows a credential: $(cat "$2")"
  grep -q "name=admin" "$2" || fail "$1 does not name the user any more: $(cat "$2")"
}

root=$work/root; new_root "$root"
install_good "$root" > /dev/null || fail "install"
"$B" --config "$empty" --root "$root" render "${NODE[@]}" > /dev/null || fail "render"

"$B" --config "$empty" --root "$root" --dry-run format --cluster-id $CID "${SCRAM[@]}" > "$work/dry" 2>&1 || fail "format --dry-run: $(cat "$work/dry")"
grep -q "would run: .*--add-scram" "$work/dry" || fail "format --dry-run does not show the command: $(cat "$work/dry")"
clean "format --dry-run" "$work/dry"
grep -q "password=\*\*\*" "$work/dry" || fail "format --dry-run does not show where the password was redacted: $(cat "$work/dry")"
echo "ok: format --dry-run"

# The scratch root has no /bin/sh: kafka-storage.sh cannot run, format fails and says what it ran.
"$B" --config "$empty" --root "$root" --log-level debug format --cluster-id $CID "${SCRAM[@]}" > "$work/failed" 2>&1; rc=$?
[ $rc -ne 0 ] || fail "format under a root without /bin/sh succeeded"
grep -q "kafka-storage.sh format failed" "$work/failed" || fail "not the expected failure: $(cat "$work/failed")"
clean "a failing format (and its debug log)" "$work/failed"
echo "ok: a failing format"

"$B" --config "$empty" --root "$root" plan "${NODE[@]}" --skip-install "${SCRAM[@]}" > "$work/plan" 2>&1
grep -q -- "--add-scram" "$work/plan" || fail "plan does not show the format command: $(cat "$work/plan")"
clean "plan" "$work/plan"
"$B" --config "$empty" --root "$root" --json plan "${NODE[@]}" --skip-install "${SCRAM[@]}" > "$work/plan.json" 2>&1
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/plan.json" || fail "plan --json is not JSON: $(cat "$work/plan.json")"
grep -q -- "--add-scram" "$work/plan.json" || fail "plan --json does not show the format command: $(cat "$work/plan.json")"
clean "plan --json" "$work/plan.json"
echo "ok: plan and plan --json"

"$B" --config "$empty" --root "$root" --log-level debug bootstrap "${NODE[@]}" --skip-install --no-start "${SCRAM[@]}" > "$work/boot" 2>&1
clean "bootstrap --no-start (failing format)" "$work/boot"
echo "ok: bootstrap"

echo "all redaction checks passed"
