#!/usr/bin/env bash
# Issue 7, item 4, end to end: `format` and `validate` read server.properties as Kafka does, so
# the storage check looks at the directories Kafka would format: a bare CR ends a line (the last
# log.dirs wins), and a relative log.dirs, log.dir or metadata.log.dir is refused (exit 2, key
# and value named) before any directory is looked at.
set -uo pipefail
. "$(dirname "$0")/../support/cli_checks.sh"

# A rendered controller; then its config edited by hand the way an attacker or a Windows editor would.
root="$work/cr"; mkdir -p "$root"
"$BIN" "${K[@]}" --root "$root" render --kafka-version 3.9.1 --role controller --node-id 1 "${VOTERS[@]}" --memory 2G > /dev/null 2>&1 \
  || fail "render of a controller failed"
cfg="$root/etc/kafka/server.properties"
# Another cluster's data, without meta.properties, in the directory Kafka would format.
mkdir -p "$root/srv/old" && echo data > "$root/srv/old/00000000000000000000.log"
grep -v '^log.dirs=\|^metadata.log.dir=' "$cfg" > "$work/cfg" || true
printf 'log.dirs=/var/lib/kafka/meta\rlog.dirs=/srv/old\n' >> "$work/cfg"
cp "$work/cfg" "$cfg"
run "$BIN" "${K[@]}" --root "$root" format --kafka-version 3.9.1 --cluster-id $CID
[ $rc -eq 3 ] && grep -q "/srv/old" <<<"$out" || fail "log.dirs after a bare CR: exit $rc, expected 3 naming /srv/old: $out"
[ "$(cat "$root/srv/old/00000000000000000000.log")" = data ] || fail "the foreign directory was touched"
ok "a bare CR ends a line: format looks at /srv/old, as Kafka would, and refuses (exit 3)"

run "$BIN" "${K[@]}" validate --kafka-version 3.9.1 "$cfg"
[ $rc -eq 0 ] || fail "validate of the CR file: exit $rc: $out"

# Relative storage paths: refused by validate and by format, naming the key and the value.
for kv in "log.dirs=/var/lib/kafka/meta,data" "log.dir=kafka-logs" "metadata.log.dir=meta"; do
  key=${kv%%=*} value=${kv#*=}
  grep -v '^log.dirs=\|^log.dir=\|^metadata.log.dir=' "$work/cfg" > "$cfg"
  [ "$key" = metadata.log.dir ] && echo "log.dirs=/var/lib/kafka/meta" >> "$cfg"
  echo "$kv" >> "$cfg"
  run "$BIN" "${K[@]}" validate --kafka-version 3.9.1 "$cfg"
  [ $rc -eq 2 ] && grep -q "$key" <<<"$out" && grep -q "relative path" <<<"$out" && grep -qF "$value" <<<"$out" \
    || fail "validate with $kv: exit $rc, expected 2 naming $key and $value: $out"
  run "$BIN" "${K[@]}" --root "$root" format --kafka-version 3.9.1 --cluster-id $CID
  [ $rc -eq 2 ] && grep -q "$key" <<<"$out" && grep -q "relative path" <<<"$out" && grep -qF "$value" <<<"$out" \
    || fail "format with $kv: exit $rc, expected 2 naming $key and $value: $out"
  ok "$kv is refused by validate and format (exit 2)"
done

finish "all properties/storage checks passed"
