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

fail() { echo "FAIL: $*" >&2; exit 1; }

# shellcheck source=../support/scratch_root.sh
. "$KA_SOURCE_DIR/tests/support/scratch_root.sh"

sha_of() { cut -d' ' -f1 "$1.sha512"; }

# The tree as a list: path, type, mode, size, symlink target (no times: a re-unpack
# restores the archive's mtimes anyway, but directory mtimes move with every change).
tree_list() {
  (cd "$1" && find . -printf '%p %y %m %s %l\n' | sort)
}
