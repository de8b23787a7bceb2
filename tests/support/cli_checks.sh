# Shared by the black-box CLI tests that count failures and go on (sourced, not run): the binary
# in BIN, a scratch directory `work` removed at exit, the checks of assert.sh, and an empty
# config file `empty` so no /etc/kafka-appliance/appliance.toml of this machine is read.
BIN=${KA_BINARY:?KA_BINARY must point at kafka-appliance}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=assert.sh
. "$(dirname "${BASH_SOURCE[0]}")/assert.sh"
empty="$work/empty.toml"; : > "$empty"
K=(--config "$empty")
CID=MkU3OEVBNTcwNTJENDM2Qg  # a cluster ID for the tests
VOTERS=(--controller 1@10.0.1.11:9093 --controller 2@10.0.1.12:9093 --controller 3@10.0.1.13:9093)
