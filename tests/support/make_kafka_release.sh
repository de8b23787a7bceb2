#!/usr/bin/env bash
# A fake Kafka release in the ASF dist layout, for fetch/install tests (never shipped):
#
#   tests/support/make_kafka_release.sh DIST VERSION [PAD_MB]
#
# makes DIST/kafka/VERSION/kafka_2.13-VERSION.tgz (Kafka's layout: bin/kafka-server-start.sh,
# bin/kafka-storage.sh, config/server.properties, libs/ with PAD_MB (default 2) MiB of random
# bytes so a download takes several chunks), its .sha512 in the `gpg --print-md SHA512` layout
# the ASF uses, its .asc (signed by tests/support/make_pgp_fixtures.sh with KA_PGP_KEY, default
# rsa; keys in DIST/../pgp), and DIST/kafka/KEYS (the fixture KEYS). Prints the tarball's path.
set -euo pipefail
dist=${1:?usage: make_kafka_release.sh DIST VERSION [PAD_MB]}
version=${2:?usage: make_kafka_release.sh DIST VERSION [PAD_MB]}
pad=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
pgp=${KA_PGP_DIR:-$dist/../pgp}
name=kafka_2.13-$version
rel=$dist/kafka/$version
mkdir -p "$rel"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/$name/bin" "$work/$name/config" "$work/$name/libs"
printf '#!/bin/sh\necho "fake kafka %s"\n' "$version" > "$work/$name/bin/kafka-server-start.sh"
printf '#!/bin/sh\necho "fake kafka-storage %s"\n' "$version" > "$work/$name/bin/kafka-storage.sh"
chmod 755 "$work/$name/bin/"*.sh
printf 'process.roles=broker,controller\nnode.id=1\n' > "$work/$name/config/server.properties"
head -c $((pad * 1024 * 1024)) /dev/urandom > "$work/$name/libs/kafka-clients-$version.jar"
tar -C "$work" --owner=0 --group=0 -czf "$rel/$name.tgz" "$name"
(cd "$rel" && gpg --print-md SHA512 "$name.tgz" > "$name.tgz.sha512")
"$here/make_pgp_fixtures.sh" "$pgp" "$rel/$name.tgz" > /dev/null
cp "$pgp/KEYS" "$dist/kafka/KEYS"
echo "$rel/$name.tgz"
