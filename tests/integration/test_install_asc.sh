#!/usr/bin/env bash
# install --archive FILE --asc FILE: the local detached signature is checked in the same pass as
# the SHA-512, against the pinned Apache KEYS plus --keys. Signatures and keys are made by real
# gpg (tests/support/make_pgp_fixtures.sh). A good signature is recorded in state.json; a
# signature of other bytes, a signer in no trusted KEYS and an unreadable .asc exit 2 with
# nothing renamed into place and /opt/kafka untouched.
set -euo pipefail
. "$(dirname "$0")/install_lib.sh"
command -v gpg >/dev/null || { echo "SKIP: gpg not installed"; exit 77; }
B=$KA_BINARY
S=$KA_SOURCE_DIR/tests/support
export KA_PGP_DIR=$work/pgp
good=$("$S/make_kafka_release.sh" "$work/dist" 3.9.98 1)
KEYS=$work/pgp/KEYS
rsa=$(cat "$work/pgp/rsa.fpr")
sha=$(sha512sum "$good" | cut -d" " -f1)
root=$work/root
new_root "$root"

# expect_refused NAME WANT_IN_STDERR ARGS...: exit 2, the message, and nothing changed.
expect_refused() {
  local name=$1 want=$2; shift 2
  local before; before=$(ls -a "$root/opt"; readlink "$root/opt/kafka"; cat "$root/var/lib/kafka-appliance/state.json")
  set +e
  "$B" --root "$root" install --java system "$@" > "$work/out.$name" 2> "$work/err.$name"
  local rc=$?
  set -e
  echo "$name: $(grep -m1 "^error:" "$work/err.$name")"
  [ $rc = 2 ] || fail "$name: exit $rc, want 2: $(cat "$work/err.$name")"
  grep -qF -- "$want" "$work/err.$name" || fail "$name: message lacks '$want': $(cat "$work/err.$name")"
  grep -q 'nothing was installed' "$work/err.$name" || fail "$name: no 'nothing was installed' note"
  [ "$(ls -a "$root/opt"; readlink "$root/opt/kafka"; cat "$root/var/lib/kafka-appliance/state.json")" = "$before" ] \
    || fail "$name: /opt or state.json changed"
}

echo "== good signature, signer from --keys"
"$B" --root "$root" install --java system --archive "$good" --sha512 "$sha" --asc "$good.asc" --keys "$KEYS" > "$work/out1"
cat "$work/out1"
[ "$(readlink "$root/opt/kafka")" = kafka_2.13-3.9.98 ] || fail "/opt/kafka link"
grep -q "\"signed_by\": \"$rsa (Test RSA <rsa@example.test>)\"" "$root/var/lib/kafka-appliance/state.json" \
  || fail "signer not recorded: $(cat "$root/var/lib/kafka-appliance/state.json")"
tree_before=$(tree_list "$root/opt/kafka_2.13-3.9.98")
"$B" --root "$root" install --java system --archive "$good" --sha512 "$sha" --asc "$good.asc" --keys "$KEYS" | grep -q 'nothing to do' \
  || fail "second run with --asc not idempotent"

# Signatures kept apart: make_pgp_fixtures.sh writes FILE.asc in place.
cp "$good.asc" "$work/good.rsa.asc"
KA_PGP_KEY=sub "$S/make_pgp_fixtures.sh" "$work/pgp" "$good" > /dev/null
cp "$good.asc" "$work/good.sub.asc"
# Same version, other bytes.
second=$("$S/make_kafka_release.sh" "$work/dist2" 3.9.98 1)
sha2=$(sha512sum "$second" | cut -d" " -f1)
cp "$second.asc" "$work/second.rsa.asc"
KA_PGP_KEY=other "$S/make_pgp_fixtures.sh" "$work/pgp" "$second" > /dev/null
cp "$second.asc" "$work/second.other.asc"

echo "== an Ed25519 signature by a signing subkey; two --keys files"
r2=$work/root-sub; new_root "$r2"
"$B" --root "$r2" install --java system --archive "$good" --sha512 "$sha" --asc "$work/good.sub.asc" \
  --keys "$work/pgp/other.pub" --keys "$KEYS" > /dev/null || fail "subkey signature refused"
grep -q '"signed_by": ".*Test Sub <sub@example.test>' "$r2/var/lib/kafka-appliance/state.json" || fail "subkey signer not recorded"

echo "== bad signature: a good signature of other bytes (the digest matches the file)"
expect_refused badsig "$work/good.rsa.asc" --archive "$second" --sha512 "$sha2" --asc "$work/good.rsa.asc" --keys "$KEYS"

echo "== the signer is in no trusted KEYS"
expect_refused unknown "which is not in the pinned Apache Kafka KEYS and --keys $KEYS" --archive "$second" --sha512 "$sha2" --asc "$work/second.other.asc" --keys "$KEYS"
grep -q "$(cat "$work/pgp/other.fpr")" "$work/err.unknown" || fail "unknown signer: fingerprint not named"
grep -q 'pass the release manager.s key with --keys' "$work/err.unknown" || fail "unknown signer: no way out named"

echo "== the signer's key is only in --keys: the pinned Apache KEYS alone do not know it"
expect_refused pinned-only "signature by key $rsa which is not in the pinned Apache Kafka KEYS" --archive "$second" --sha512 "$sha2" --asc "$work/second.rsa.asc"

echo "== not a signature"
printf 'not a signature\n' > "$work/garbage.asc"
expect_refused garbage "garbage.asc" --archive "$second" --sha512 "$sha2" --asc "$work/garbage.asc" --keys "$KEYS"

echo "== a good signature does not excuse a digest mismatch"
expect_refused digest "does not match" --archive "$good" --sha512 "$sha2" --asc "$work/good.rsa.asc" --keys "$KEYS"

echo "== --asc needs --archive"
set +e
"$B" --root "$root" install --java system --asc "$work/good.rsa.asc" 2> "$work/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q -- '--asc needs --archive' "$work/err" || fail "--asc alone: $rc $(cat "$work/err")"

[ "$(tree_list "$root/opt/kafka_2.13-3.9.98")" = "$tree_before" ] || fail "installed tree changed"
ls -a "$root/opt" | grep -q -e partial -e '\.old\.' && fail "staging left"
echo "PASS"
