#!/usr/bin/env bash
# Issue 7, item 7: `render` keeps the rule of `bootstrap` for files it wrote. A file a person
# changed since, or one kafka-appliance never wrote, is shown (diff) and refused with exit 3,
# nothing written, unless --force; what render writes is recorded in state.json; a converged
# re-run changes nothing.
set -uo pipefail
. "$(dirname "$0")/../support/cli_checks.sh"
R=(--config "$empty" --root "$work/root")
NODE=(--role controller --node-id 1 --controller 1@10.0.1.11:9093 --controller 2@10.0.1.12:9093 --controller 3@10.0.1.13:9093 --memory 2G)
cfg="$work/root/etc/kafka/server.properties"
state="$work/root/var/lib/kafka-appliance/state.json"
digest() { sha256sum "$1" | cut -d' ' -f1; }

run "$BIN" "${R[@]}" render "${NODE[@]}"
[ $rc -eq 0 ] || fail "first render: exit $rc: $out"
[ -f "$state" ] || fail "render recorded nothing in state.json"
python3 - "$state" "$(digest "$cfg")" <<'PY' || fail "state.json does not record server.properties as written: $(cat "$state")"
import json, sys
rendered = json.load(open(sys.argv[1]))["rendered"]
assert rendered["/etc/kafka/server.properties"] == sys.argv[2], rendered
assert "/etc/systemd/system/kafka.service" in rendered, rendered
PY
ok "render records what it wrote in state.json"

# A hand edit: shown with its diff, refused (exit 3), the file untouched.
echo "num.network.threads=9" >> "$cfg"
before=$(digest "$cfg")
run "$BIN" "${R[@]}" render "${NODE[@]}" --rack eu-west-1a
[ $rc -eq 3 ] || fail "render over a hand edit: exit $rc, expected 3: $out"
grep -q "/etc/kafka/server.properties: edited by hand" <<<"$out" || fail "the refusal does not name the file: $out"
grep -q -- "-num.network.threads=9" <<<"$out" || fail "the refusal does not show the diff: $out"
grep -q -- "--force" <<<"$out" || fail "the refusal does not say how to overwrite: $out"
[ "$(digest "$cfg")" = "$before" ] || fail "the hand-edited file was changed"
grep -q "broker.rack" "$cfg" && fail "the new setting was written despite the refusal"
ok "a hand edit is shown and refused (exit 3), the file untouched"

run "$BIN" "${R[@]}" --dry-run render "${NODE[@]}"
[ $rc -eq 3 ] || fail "render --dry-run over a hand edit: exit $rc, expected 3: $out"
ok "--dry-run refuses the same way"

# --force overwrites; the converged re-run then changes nothing.
run "$BIN" "${R[@]}" render "${NODE[@]}" --force
[ $rc -eq 0 ] || fail "render --force: exit $rc: $out"
grep -q "num.network.threads=9" "$cfg" && fail "--force did not overwrite the hand edit"
ok "--force overwrites"
before=$(digest "$cfg")
run "$BIN" "${R[@]}" render "${NODE[@]}"
[ $rc -eq 0 ] && grep -q "nothing changed" <<<"$out" || fail "converged re-run: exit $rc: $out"
[ "$(digest "$cfg")" = "$before" ] || fail "converged re-run changed server.properties"
ok "a converged re-run changes nothing"

# A change of flags updates a file we wrote and nobody touched (no --force needed).
run "$BIN" "${R[@]}" render "${NODE[@]}" --set num.io.threads=6
[ $rc -eq 0 ] && grep -q "num.io.threads=6" "$cfg" || fail "an update of our own file: exit $rc: $out"
ok "a file we wrote and nobody changed is updated"

# A file we never wrote (no state.json entry), different from the plan: refused unless --force,
# as bootstrap does.
root2="$work/root2"
mkdir -p "$root2/etc/kafka"
printf 'process.roles=controller\nnode.id=1\n' > "$root2/etc/kafka/server.properties"
before=$(digest "$root2/etc/kafka/server.properties")
run "$BIN" --config "$empty" --root "$root2" render "${NODE[@]}"
[ $rc -eq 3 ] && grep -q "server.properties: not written by kafka-appliance" <<<"$out" || fail "a foreign file: exit $rc, expected 3: $out"
[ "$(digest "$root2/etc/kafka/server.properties")" = "$before" ] || fail "the foreign file was changed"
[ -e "$root2/etc/systemd" ] && fail "something else was written before the refusal"
run "$BIN" --config "$empty" --root "$root2" render "${NODE[@]}" --force
[ $rc -eq 0 ] && grep -q "controller.quorum.voters" "$root2/etc/kafka/server.properties" || fail "a foreign file with --force: exit $rc: $out"
ok "a file we never wrote is refused unless --force"

# bootstrap accepts what render recorded: no refusal after a render.
run "$BIN" "${R[@]}" bootstrap "${NODE[@]}" --set num.io.threads=6 --cluster-id MkU3OEVBNTcwNTJENDM2Qg --skip-install --no-start
grep -q "changed outside kafka-appliance" <<<"$out" && fail "bootstrap refuses files render wrote: $out"
ok "bootstrap recognises the files render recorded"

finish "all render hand-edit checks passed"
