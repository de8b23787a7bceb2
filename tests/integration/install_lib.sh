# Shared by the install integration tests: a scratch root with a minimal /etc that
# useradd/groupadd --root accept, and helpers. Sourced, not run.
: "${KA_BINARY:?KA_BINARY must point at the built kafka-appliance}"
: "${KA_SOURCE_DIR:?}"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (useradd --root chroots)"; exit 77; }
command -v useradd >/dev/null || { echo "SKIP: no useradd"; exit 77; }

work=$(mktemp -d /tmp/ka-install-test.XXXXXX)
cleanup_hooks=()
cleanup() { for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done; rm -rf "$work"; }
trap cleanup EXIT

# Each step of an install test needs the one before: the first failure ends the test.
KA_FAIL_FAST=1
# shellcheck source=../support/assert.sh
. "$KA_SOURCE_DIR/tests/support/assert.sh"

# shellcheck source=../support/scratch_root.sh
. "$KA_SOURCE_DIR/tests/support/scratch_root.sh"

sha_of() { cut -d' ' -f1 "$1.sha512"; }
# install_good ROOT [FLAGS...]: installs the release made by good_controller_release, Java from the system.
install_good() { local r=$1; shift; "$B" --root "$r" "$@" install --archive "$good" --private-build --sha512 "$(sha_of "$good")" --java system; }

# The tree as a list: path, type, mode, size, symlink target (no times: a re-unpack
# restores the archive's mtimes anyway, but directory mtimes move with every change).
tree_list() {
  (cd "$1" && find . -printf '%p %y %m %s %l\n' | sort)
}

# good_controller_release V: a well-formed kafka_2.13-V.tgz in `good` (B the binary), and the
# flags of a controller of a 3-voter static quorum in NODE (CID its cluster ID), with `empty` an
# empty config file so this machine's appliance.toml is not read.
good_controller_release() {
  B=$KA_BINARY
  V=$1
  KA_HOSTILE_ONLY=good python3 "$KA_SOURCE_DIR/tests/support/make_hostile_archives.py" "$work/arch" "$V" > /dev/null
  good=$work/arch/good/kafka_2.13-$V.tgz
  CID=MkU3OEVBNTcwNTJENDM2Qg
  NODE=(--kafka-version "$V" --role controller --node-id 1 --cluster-id "$CID" --controller 1@10.0.1.11:9093 --memory 2G)
  empty=$work/empty.toml; : > "$empty"
}
