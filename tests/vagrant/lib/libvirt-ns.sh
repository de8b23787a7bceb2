# shellcheck shell=bash
# A private libvirt for the vagrant tier: libvirtd runs inside a network namespace and a mount
# namespace of its own, so every bridge, tap, dnsmasq, iptables rule and address that Vagrant and
# vagrant-libvirt make lives there, and its state (/etc/libvirt, /var/lib/libvirt,
# /var/log/libvirt, /var/cache/libvirt, /run) is a per-run copy under $KAV_WORK: nothing is
# configured on the machine's own network or in its libvirt.
#
#   kav_init                 check prerequisites, make the namespaces, start libvirtd; installs an
#                            EXIT trap that destroys every domain and ends everything it started
#   kav_ns CMD...            run CMD inside the namespaces (vagrant, virsh, curl to the VMs)
#   kav_vagrant ARGS...      `vagrant ARGS` in $KAV_PROJECT inside the namespaces, with
#                            VAGRANT_HOME under $KAV_WORK and the libvirt provider
#   kav_teardown RC          (the EXIT trap) collect logs on failure, kill, unmount, remove
#
# How: `ip netns add` names the network namespace (so that `ip netns pids` finds every process
# left in it at the end); a holder process enters it, unshares a private mount namespace, bind
# mounts the per-run libvirt directories and a fresh /run over the machine's, and sleeps; every
# later command enters both namespaces of the holder with nsenter. libvirtd runs as root with
# qemu.conf's user root, no security driver, no cgroup placement (PID 1 is not systemd here) and
# QEMU's output written to files (no virtlogd).
#
# KAV_KEEP=1 leaves everything running for inspection (the namespace name is printed).

KAV_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAV_NS=${KAV_NS:-kav$(( $$ % 100000 ))}
KAV_WORK=${KAV_WORK:-/var/tmp/ka-vagrant.$$}
KAV_HOLDER=""
KAV_MOUNTS=()  # mounts the test made under $KAV_WORK (a chroot's /dev, /proc, an overlay): unmounted first

log() { printf '[%s] %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$(now)"; }

kav_skip_unless_ready() {
  local missing=() c
  [ "$(id -u)" = 0 ] || { echo "skipped: the vagrant tier needs root"; exit 77; }
  for c in vagrant libvirtd virsh qemu-system-x86_64 qemu-img dnsmasq iptables ip nsenter unshare mke2fs python3 jq; do
    command -v "$c" >/dev/null || missing+=("$c")
  done
  [ -d /usr/share/rubygems-integration/all/gems ] && ls -d /usr/share/rubygems-integration/all/gems/vagrant-libvirt-* >/dev/null 2>&1 \
    || [ -n "$(ls -d "$HOME"/.vagrant.d/gems/*/gems/vagrant-libvirt-* 2>/dev/null)" ] || missing+=("vagrant-libvirt")
  if [ ${#missing[@]} -gt 0 ]; then
    echo "skipped: the vagrant tier needs ${missing[*]} (tests/vagrant/setup.sh installs them)"
    exit 77
  fi
}

# nsenter into a mount namespace starts in its root directory unless told the working directory
kav_ns() { nsenter -t "$KAV_HOLDER" -m -n --wd="$PWD" -- "$@"; }

kav_write_config() {
  local etc=$KAV_WORK/etc
  cp -a /etc/libvirt "$etc"
  # no network of the machine's libvirt is defined or autostarted in ours
  rm -rf "$etc/qemu/networks" "$etc/qemu/"*.xml "$etc/storage"
  mkdir -p "$etc/qemu/networks/autostart"
  cat > "$etc/libvirtd.conf" <<'EOF'
# the vagrant tier's private libvirtd (tests/vagrant/lib/libvirt-ns.sh)
unix_sock_group = "root"
unix_sock_ro_perms = "0770"
unix_sock_rw_perms = "0770"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
  cat > "$etc/qemu.conf" <<'EOF'
# the vagrant tier's private libvirtd: QEMU as root, no sVirt, no cgroups (PID 1 is not systemd),
# no private /dev (the mount namespace is already private), output to files instead of virtlogd
user = "root"
group = "root"
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
remember_owner = 0
EOF
  : > "$etc/libvirt.conf"
}

kav_init() {
  kav_skip_unless_ready
  trap 'kav_teardown $?' EXIT
  trap 'exit 143' TERM INT   # a timeout's SIGTERM still tears down (through the EXIT trap)
  local d
  mkdir -p "$KAV_WORK"
  kav_write_config
  for d in lib cache log run; do mkdir -p "$KAV_WORK/$d"; done
  cp -a /var/lib/libvirt/. "$KAV_WORK/lib/"
  cp -a /var/cache/libvirt/. "$KAV_WORK/cache/"
  mkdir -p "$KAV_WORK/log/qemu" "$KAV_WORK/lib/images" "$KAV_WORK/lib/dnsmasq"
  ip netns add "$KAV_NS"
  ip -n "$KAV_NS" link set lo up
  # The holder: the network namespace, a private mount namespace with the per-run libvirt dirs.
  ip netns exec "$KAV_NS" unshare --mount --propagation private -- /bin/sh -c '
      set -e
      w=$1
      mount --bind "$w/etc" /etc/libvirt
      mount --bind "$w/lib" /var/lib/libvirt
      mount --bind "$w/cache" /var/cache/libvirt
      mount --bind "$w/log" /var/log/libvirt
      mount -t tmpfs -o mode=0755 tmpfs /run
      mkdir -p /run/libvirt /run/lock
      touch "$w/holder.ready"
      exec sleep infinity' holder "$KAV_WORK" > "$KAV_WORK/holder.log" 2>&1 &
  KAV_HOLDER=$!
  local i
  for i in $(seq 100); do [ -f "$KAV_WORK/holder.ready" ] && break; sleep 0.1; done
  [ -f "$KAV_WORK/holder.ready" ] || fail "the namespace holder did not start: $(cat "$KAV_WORK/holder.log")"
  kav_ns libvirtd --daemon --pid-file /run/libvirtd.pid || fail "libvirtd did not start"
  for i in $(seq 300); do kav_ns virsh -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.2; done
  kav_ns virsh -c qemu:///system version >/dev/null 2>&1 || fail "libvirtd does not answer: $(tail -20 "$KAV_WORK/log/libvirtd.log" 2>/dev/null)"
  log "libvirtd running in network namespace $KAV_NS (state under $KAV_WORK)"
}

# KAV_VAGRANT_LOG=debug|info: Vagrant's own log level (an empty VAGRANT_LOG breaks vagrant_cloud)
kav_vagrant() {
  local e=(VAGRANT_HOME="$KAV_WORK/vagrant.d" VAGRANT_DEFAULT_PROVIDER=libvirt VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_NO_COLOR=1)
  [ -n "${KAV_VAGRANT_LOG:-}" ] && e+=(VAGRANT_LOG="$KAV_VAGRANT_LOG")
  (cd "$KAV_PROJECT" && kav_ns env "${e[@]}" vagrant "$@")
}

kav_teardown() {
  local rc=$1 p dom
  trap - EXIT
  set +e
  if [ -z "$KAV_HOLDER" ]; then ip netns del "$KAV_NS" 2>/dev/null; exit "$rc"; fi
  if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
    local out=${KAV_ARTIFACTS:-/var/tmp/ka-vagrant-failed.$$}
    mkdir -p "$out"
    cp -r "$KAV_WORK/log" "$out/libvirt-log" 2>/dev/null
    log "libvirt and QEMU logs of the failed run are in $out"
  fi
  if [ "${KAV_KEEP:-0}" = 1 ]; then
    log "KAV_KEEP=1: left running: namespace $KAV_NS, holder $KAV_HOLDER (enter with nsenter -t $KAV_HOLDER -m -n), state $KAV_WORK"
    exit "$rc"
  fi
  for p in "${KAV_MOUNTS[@]}"; do umount -l "$p" 2>/dev/null; done
  # Every domain goes, whatever Vagrant managed to do; then every process left in the namespace.
  for dom in $(kav_ns virsh -c qemu:///system list --all --name 2>/dev/null); do
    kav_ns virsh -c qemu:///system destroy "$dom" >/dev/null 2>&1
  done
  for p in $(ip netns pids "$KAV_NS" 2>/dev/null); do kill "$p" 2>/dev/null; done
  sleep 1
  for p in $(ip netns pids "$KAV_NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  wait "$KAV_HOLDER" 2>/dev/null
  ip netns del "$KAV_NS" 2>/dev/null
  [ "${KAV_KEEP_WORK:-0}" = 1 ] || rm -rf --one-file-system "$KAV_WORK"
  exit "$rc"
}
