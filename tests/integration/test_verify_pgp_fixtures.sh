#!/usr/bin/env bash
# The contract of tests/support/make_pgp_fixtures.sh, which the fetch and install tests reuse to
# sign their tarballs: the files it promises exist, fingerprints are v4 (40 hex digits), GnuPG
# itself accepts each kind of signature it makes, and a second call reuses the keys.
set -euo pipefail
command -v gpg >/dev/null || { echo "gpg not installed: skipped"; exit 77; }
src=${KA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
mk="$src/tests/support/make_pgp_fixtures.sh"
out=$(mktemp -d /tmp/ka-pgpfx-XXXXXX)
trap 'GNUPGHOME="$out/gnupg" gpgconf --kill gpg-agent >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
printf 'artifact bytes\n' > "$out/a.tgz"
"$mk" "$out" "$out/a.tgz"
for f in KEYS rsa.fpr ed.fpr exp.fpr sub.fpr sub.sub.fpr other.fpr other.pub a.tgz.asc; do
  [ -s "$out/$f" ] || { echo "FAIL: $f missing or empty"; exit 1; }
done
for k in rsa ed exp sub sub.sub other; do
  grep -qxE '[0-9A-F]{40}' "$out/$k.fpr" || { echo "FAIL: $k.fpr is not a v4 fingerprint"; exit 1; }
done
rsa=$(cat "$out/rsa.fpr")
keys_before=$(md5sum < "$out/KEYS")
# A fresh keyring that only knows KEYS, like a user verifying a release.
v=$(mktemp -d "$out/v-XXXX")
chmod 700 "$v"
GNUPGHOME="$v" gpg --batch --quiet --import "$out/KEYS" 2>/dev/null
check() {  # FILE SIG EXPECTED_FPR
  GNUPGHOME="$v" gpg --batch --status-fd 1 --verify "$2" "$1" 2>/dev/null | grep -q "VALIDSIG $3" ||
    { echo "FAIL: gpg does not accept $2 as a signature by $3"; exit 1; }
}
check "$out/a.tgz" "$out/a.tgz.asc" "$rsa"
KA_PGP_KEY=ed KA_PGP_DIGEST=SHA256 "$mk" "$out" "$out/a.tgz"
check "$out/a.tgz" "$out/a.tgz.asc" "$(cat "$out/ed.fpr")"
KA_PGP_KEY=sub KA_PGP_ARMOR=0 "$mk" "$out" "$out/a.tgz"
check "$out/a.tgz" "$out/a.tgz.sig" "$(cat "$out/sub.sub.fpr")"
[ "$(md5sum < "$out/KEYS")" = "$keys_before" ] || { echo "FAIL: a second call made new keys"; exit 1; }
[ "$(cat "$out/rsa.fpr")" = "$rsa" ] || { echo "FAIL: rsa.fpr changed"; exit 1; }
# The "other" key is not in KEYS.
if GNUPGHOME="$v" gpg --batch --list-keys "$(cat "$out/other.fpr")" >/dev/null 2>&1; then
  echo "FAIL: the other key is in KEYS"; exit 1
fi
if KA_PGP_KEY=nope "$mk" "$out" "$out/a.tgz" 2>/dev/null; then echo "FAIL: bad KA_PGP_KEY accepted"; exit 1; fi
echo "ok: make_pgp_fixtures.sh keeps its contract"
