#!/usr/bin/env bash
# External programs come only from /usr/sbin:/usr/bin:/sbin:/bin. `install`, `format` and
# `bootstrap --no-start` run as root from a working directory full of look-alike programs
# (useradd, chroot, systemctl, ...), then with that directory first in PATH: none of them may
# run. Each look-alike leaves a marker file; no marker may appear.
set -uo pipefail
. "$(dirname "$0")/install_lib.sh"
good_controller_release 3.9.1

evil=$work/evil; marks=$work/marks
mkdir -p "$evil" "$marks"
for name in useradd groupadd usermod chroot systemctl journalctl java sh bash env dirname readlink \
            kafka-storage.sh kafka-metadata-quorum.sh kafka-run-class.sh getent id; do
  printf '#!/bin/sh\n: > "%s/%s"\nexit 0\n' "$marks" "$name" > "$evil/$name"
  chmod 755 "$evil/$name"
done

no_marks() {  # what
  if [ -n "$(ls -A "$marks")" ]; then fail "$1: look-alikes ran: $(ls "$marks" | tr '\n' ' ')"; fi
}

# 1. From inside the hostile directory.
root=$work/r1; new_root "$root"
(cd "$evil" && install_good "$root" --log-level debug) \
  > "$work/out1" 2>&1 || fail "install from the hostile directory failed: $(cat "$work/out1")"
no_marks "install from the working directory"
grep -Eq "running useradd .* as /(usr/)?s?bin/useradd" "$work/out1" || fail "the resolved path of useradd is not logged: $(cat "$work/out1")"
grep -q '^kafka:' "$root/etc/passwd" || fail "the real useradd did not run"
echo "ok: install ignores ./useradd and ./groupadd"

(cd "$evil" && "$B" --config "$empty" --root "$root" render "${NODE[@]}") > "$work/out2" 2>&1 || fail "render: $(cat "$work/out2")"
# The scratch root has no /bin/sh, so the real chroot runs and kafka-storage.sh cannot: format
# fails, but what failed must be the real chroot, never ./chroot.
(cd "$evil" && "$B" --config "$empty" --root "$root" --log-level debug format --cluster-id $CID) > "$work/out3" 2>&1
no_marks "format from the working directory"
grep -Eq "running chroot .* as /(usr/)?s?bin/chroot" "$work/out3" || fail "the resolved path of chroot is not logged: $(cat "$work/out3")"
echo "ok: format ignores ./chroot"

root=$work/r2; new_root "$root"
(cd "$evil" && "$B" --config "$empty" --root "$root" bootstrap "${NODE[@]}" --archive "$good" --private-build --sha512 "$(sha_of "$good")" \
  --java system --no-start) > "$work/out4" 2>&1
no_marks "bootstrap --no-start from the working directory"
grep -q '^kafka:' "$root/etc/passwd" || fail "bootstrap: the real useradd did not run: $(cat "$work/out4")"
echo "ok: bootstrap --no-start ignores the working directory"

# 2. The same directory first in PATH, run from elsewhere.
root=$work/r3; new_root "$root"
(cd "$work" && PATH="$evil:$PATH" "$B" --config "$empty" --root "$root" bootstrap "${NODE[@]}" --archive "$good" \
  --private-build --sha512 "$(sha_of "$good")" --java system --no-start) > "$work/out5" 2>&1
no_marks "bootstrap with the look-alikes first in PATH"
grep -q '^kafka:' "$root/etc/passwd" || fail "bootstrap (PATH): the real useradd did not run: $(cat "$work/out5")"
(cd "$work" && PATH="$evil:$PATH" "$B" --config "$empty" --root "$root" format --cluster-id $CID) > "$work/out6" 2>&1
(cd "$work" && PATH="$evil:$PATH" "$B" --config "$empty" --root "$root" status --probe-timeout 0.2) > "$work/out7" 2>&1
no_marks "format and status with the look-alikes first in PATH"
echo "ok: an inherited PATH does not choose the programs"

echo "all hostile working directory checks passed"
