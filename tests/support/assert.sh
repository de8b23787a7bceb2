# The one way the shell tests fail and check (sourced, defines functions only).
#   fail MSG            report a failure; counted, or (KA_FAIL_FAST=1: each step needs the last
#                       one) the test ends at once with exit 1
#   ok MSG              report a passed check
#   finish [MSG]        end a counting test: exit 1 when anything failed, else print MSG
#   run CMD...          run it; its stdout and stderr in `out`, its exit code in `rc`
#   expect_rc N WHAT    the last run exited N
#   expect_out TEXT WHAT / expect_no_out TEXT WHAT   the last run's output holds (not) TEXT
fails=0
fail() {
  echo "FAIL: $*" >&2
  fails=$((fails + 1))
  if [ "${KA_FAIL_FAST:-0}" = 1 ]; then exit 1; fi
  return 0
}
ok() { echo "ok: $*"; }
finish() {
  if [ "$fails" -gt 0 ]; then echo "$fails check(s) failed" >&2; exit 1; fi
  [ $# -eq 0 ] || echo "$*"
  exit 0
}
run() { out=$("$@" 2>&1) && rc=0 || rc=$?; }
expect_rc() { [ "$rc" -eq "$1" ] || fail "$2: exit $rc, expected $1: $out"; }
expect_out() { grep -qF -- "$1" <<<"$out" || fail "$2: the output does not say '$1': $out"; }
expect_no_out() { ! grep -qF -- "$1" <<<"$out" || fail "$2: the output says '$1': $out"; }
