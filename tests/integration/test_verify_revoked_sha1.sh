#!/usr/bin/env bash
# A key revoked by a revocation signature made with SHA-1 (as `gpg --gen-revoke` with
# --cert-digest-algo SHA1 makes it) must no longer verify a release: a revocation only takes
# trust away, so it counts whatever hash it uses (issue 7, item 6). Real GnuPG makes the key, the
# signature and the revocation; the binary checks a release through `fetch --offline
# --artifacts-dir` with that key passed by --keys. Controls: the same key without the
# revocation verifies, and gpg itself says the revoked key is revoked.
set -euo pipefail
: "${KA_BINARY:?KA_BINARY must point at the built kafka-appliance}"
command -v gpg >/dev/null || { echo "SKIP: gpg not installed"; exit 77; }
work=$(mktemp -d /tmp/ka-revoked-XXXXXX)
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill gpg-agent >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
KA_FAIL_FAST=1
. "$(dirname "$0")/../support/assert.sh"
g() { gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "$@"; }

V=9.9.5
name=kafka_2.13-$V.tgz
art=$work/artifacts
mkdir -p "$art"
head -c 100000 /dev/urandom > "$art/$name"
(cd "$art" && gpg --print-md SHA512 "$name" > "$name.sha512")

fetch() {  # ROOT KEYFILE
  "$KA_BINARY" --root "$1" --offline fetch --artifacts-dir "$art" --kafka-version "$V" --java system --keys "$2" --json
}

for algo in ed25519 rsa3072; do
  g --quick-gen-key "Revoked $algo <rev-$algo@example.test>" "$algo" sign never
  fpr=$(g --with-colons --list-keys "rev-$algo@example.test" | awk -F: '$1 == "fpr" { print $10; exit }')
  g --yes --armor --detach-sign --digest-algo SHA512 -u "$fpr!" -o "$art/$name.asc" "$art/$name"
  g --armor --export "$fpr" > "$work/$algo.good.asc"

  # Control: before the revocation the key verifies the release.
  out=$(fetch "$work/root-$algo-good" "$work/$algo.good.asc" 2>&1) || fail "$algo: the unrevoked key must verify: $out"
  grep -q "\"signer\": \"$fpr" <<<"$out" || fail "$algo: signer not reported: $out"

  # The revocation, made with SHA-1.
  printf 'y\n0\n\ny\n' | gpg --no-tty --pinentry-mode loopback --passphrase '' --command-fd 0 \
    --cert-digest-algo SHA1 --armor --output "$work/$algo.rev" --gen-revoke "$fpr" >/dev/null 2>&1
  gpg --list-packets "$work/$algo.rev" | grep -q "sigclass 0x20" || fail "$algo: no key revocation made"
  gpg --list-packets "$work/$algo.rev" | grep -q "digest algo 2," || fail "$algo: the revocation does not use SHA-1"
  g --import "$work/$algo.rev"
  g --armor --export "$fpr" > "$work/$algo.revoked.asc"
  # gpg's own verdict on the same signature.
  gpg --batch --status-fd 1 --verify "$art/$name.asc" "$art/$name" 2>/dev/null | grep -q '^\[GNUPG:\] REVKEYSIG' ||
    fail "$algo: gpg does not see the key as revoked (bad fixture)"

  root=$work/root-$algo-revoked
  set +e
  out=$(fetch "$root" "$work/$algo.revoked.asc" 2>&1)
  rc=$?
  set -e
  [ $rc -ne 0 ] || fail "$algo: a key revoked with a SHA-1 revocation still verified the release: $out"
  grep -qi "revoked" <<<"$out" || fail "$algo: the error does not say the key is revoked: $out"
  if find "$root" -path '*/verified/*' -type f 2>/dev/null | grep -q .; then fail "$algo: something was cached"; fi
  echo "ok: $algo key revoked with SHA-1 is refused"
done
echo "all passed"
