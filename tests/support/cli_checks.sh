# Shared by the black-box CLI tests that count failures and go on (sourced, not run): the binary
# in BIN, a scratch directory `work` removed at exit, fail/ok counting into `fails`, and an
# empty config file `empty` so no /etc/kafka-appliance/appliance.toml of this machine is read.
BIN=${KA_BINARY:?KA_BINARY must point at kafka-appliance}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
empty="$work/empty.toml"; : > "$empty"
