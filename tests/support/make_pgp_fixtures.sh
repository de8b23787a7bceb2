#!/usr/bin/env bash
# Throwaway OpenPGP keys and signatures made by real GnuPG, for tests (never used outside them).
#
#   tests/support/make_pgp_fixtures.sh OUTDIR [FILE...]
#
# The first call creates, in OUTDIR (later calls reuse them):
#   OUTDIR/KEYS       armored public keys of rsa, ed, exp and sub, laid out like the Apache KEYS
#                     (a `gpg --list-sigs` listing before each key block)
#   OUTDIR/rsa.fpr    RSA-4096 signing key ("Test RSA <rsa@example.test>")   -- a few seconds
#   OUTDIR/ed.fpr     Ed25519 key, legacy EdDSA as GnuPG 2.2 makes it
#   OUTDIR/exp.fpr    Ed25519 key that expires one day after creation
#   OUTDIR/sub.fpr    Ed25519 certify-only primary key with an Ed25519 signing subkey;
#   OUTDIR/sub.sub.fpr  ... the subkey's fingerprint
#   OUTDIR/other.fpr  Ed25519 key NOT in KEYS; OUTDIR/other.pub its armored public key
#   OUTDIR/gnupg/     the GNUPGHOME holding the secret keys
# Then every FILE is signed into FILE.asc (armored detached signature). Environment:
#   KA_PGP_KEY=rsa|ed|exp|sub|other   signing key (default rsa; sub signs with the subkey)
#   KA_PGP_DIGEST=SHA256|SHA512|...   digest (default SHA512)
#   KA_PGP_ARMOR=0                    binary signature into FILE.sig instead
set -euo pipefail
out=${1:?usage: make_pgp_fixtures.sh OUTDIR [FILE...]}
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)
export GNUPGHOME="$out/gnupg"
mkdir -p "$GNUPGHOME"
chmod 700 "$GNUPGHOME"
g() { gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "$@"; }
trap 'gpgconf --kill gpg-agent >/dev/null 2>&1 || true' EXIT

fpr_of() {  # first fingerprint (primary) or, with n=2, the second (first subkey) of a user ID
  g --with-colons --list-keys "$1" | awk -F: -v n="${2:-1}" '$1 == "fpr" && ++i == n { print $10; exit }'
}

if [ ! -s "$out/KEYS" ]; then
  g --quick-gen-key 'Test RSA <rsa@example.test>' rsa4096 sign never
  g --quick-gen-key 'Test Ed <ed@example.test>' ed25519 sign never
  g --quick-gen-key 'Test Expiring <exp@example.test>' ed25519 sign 1d
  g --quick-gen-key 'Test Sub <sub@example.test>' ed25519 cert never
  g --quick-gen-key 'Test Other <other@example.test>' ed25519 sign never
  fpr_of rsa@example.test > "$out/rsa.fpr"
  fpr_of ed@example.test > "$out/ed.fpr"
  fpr_of exp@example.test > "$out/exp.fpr"
  fpr_of sub@example.test > "$out/sub.fpr"
  fpr_of other@example.test > "$out/other.fpr"
  g --quick-add-key "$(cat "$out/sub.fpr")" ed25519 sign never
  fpr_of sub@example.test 2 > "$out/sub.sub.fpr"
  g --armor --export "$(cat "$out/other.fpr")" > "$out/other.pub"
  {
    printf 'This file contains the PGP keys of throwaway test signers.\n\n'
    for k in rsa ed exp sub; do
      g --list-sigs "$(cat "$out/$k.fpr")"
      g --armor --export "$(cat "$out/$k.fpr")"
      printf '\n'
    done
  } > "$out/KEYS.tmp"
  mv "$out/KEYS.tmp" "$out/KEYS"
fi

key=${KA_PGP_KEY:-rsa}
case "$key" in
  rsa|ed|exp|other) signer="$(cat "$out/$key.fpr")!" ;;
  sub) signer="$(cat "$out/sub.sub.fpr")!" ;;
  *) echo "make_pgp_fixtures.sh: KA_PGP_KEY must be rsa, ed, exp, sub or other, not '$key'" >&2; exit 2 ;;
esac
for f in "$@"; do
  if [ "${KA_PGP_ARMOR:-1}" = 0 ]; then
    g --yes --detach-sign --digest-algo "${KA_PGP_DIGEST:-SHA512}" -u "$signer" -o "$f.sig" "$f"
  else
    g --yes --armor --detach-sign --digest-algo "${KA_PGP_DIGEST:-SHA512}" -u "$signer" -o "$f.asc" "$f"
  fi
done
