# shellcheck shell=bash
# Multi-host cluster harness: sourced by tests/cluster/test_*.sh.
#
# Every host is a systemd-nspawn container booted (systemd as PID 1) from an overlay on the cached
# Debian 12 rootfs (rootfs.sh), in its own network namespace, wired by a veth pair to a bridge that
# itself lives in a namespace. Nothing is configured in the caller's network namespace, so no test
# traffic can leave the machine; talk to the hosts only from inside them (cluster_exec).
#
#   cluster_init                    check prerequisites, build/find the rootfs, make the bridge;
#                                   installs an EXIT trap that tears everything down
#   cluster_add_host NAME           a host with the next address of $KA_CLUSTER_SUBNET.0/24
#   cluster_boot NAME...            boot them and wait for multi-user (prints the time taken)
#   cluster_start NAME... / cluster_poweroff NAME   start without waiting / shut down cleanly
#   cluster_ip NAME                 its address
#   cluster_exec NAME CMD...        run CMD in the host (all its namespaces), stdio passed through
#   cluster_copy NAME SRC DEST      copy a file or directory from the caller into the host
#   cluster_kill NAME UNIT [SIG]    signal the main process of UNIT (default SIGKILL), as a crash would
#   cluster_cut NAME / cluster_restore NAME   take the host's bridge port down / up (partition)
#   cluster_journal NAME            the host's journal
#   cluster_zk_ensemble V ZK... / cluster_zk_broker NAME ID   ZooKeeper-mode checks (status, srvr)
#   fail MSG                        print and exit 1 (journals are collected on the way out)
#
# Needs root, systemd-nspawn (systemd-container), nsenter, ip, mmdebstrap for the first rootfs, a
# cgroup v1 "name=systemd" + v2 "unified" hybrid like this machine's, and overlayfs.
# KA_CLUSTER_KEEP=1 leaves the hosts running for inspection; KA_CLUSTER_ARTIFACTS=DIR keeps the
# journals of a failed run there (default: a directory under /var/tmp that is printed).

KA_CLUSTER_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KA_CLUSTER_SUBNET=${KA_CLUSTER_SUBNET:-10.213.0}
KA_CLUSTER_ID=${KA_CLUSTER_ID:-ka$(( $$ % 100000 ))}   # netns and link names; at most 7 characters
KA_CLUSTER_WORK=${KA_CLUSTER_WORK:-/var/tmp/ka-cluster.$$}
KA_CLUSTER_SW=$KA_CLUSTER_ID-sw
declare -a KA_CLUSTER_HOSTS=()
declare -A KA_CLUSTER_IP=() KA_CLUSTER_NSPAWN=()

log() { printf '[%s] %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$(now)"; }

cluster_skip_unless_ready() {
  local missing=()
  [ "$(id -u)" = 0 ] || { echo "skipped: the cluster tier needs root"; exit 77; }
  for c in systemd-nspawn nsenter ip python3 flock jq gpg; do command -v "$c" >/dev/null || missing+=("$c"); done
  # tests/realkafka: Maven assembles Kafka, jlink packages the JRE
  command -v mvn >/dev/null || missing+=("maven")
  [ -x "${KA_TEST_JDK_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/jlink" ] || missing+=("a JDK 17 with jlink (openjdk-17-jdk-headless)")
  [ -d /sys/fs/cgroup/systemd ] && [ -d /sys/fs/cgroup/unified ] || missing+=("cgroup hybrid hierarchy")
  grep -qw overlay /proc/filesystems || missing+=("overlayfs")
  if [ ! -d "${KA_CLUSTER_CACHE:-/var/cache/kafka-appliance-test}" ] || \
     ! ls -d "${KA_CLUSTER_CACHE:-/var/cache/kafka-appliance-test}"/rootfs-*/.complete >/dev/null 2>&1; then
    command -v mmdebstrap >/dev/null || missing+=("mmdebstrap (or a cached rootfs)")
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "skipped: the cluster tier needs ${missing[*]} (scripts/setup-debian.sh installs them)"
    exit 77
  fi
}

cluster_init() {
  cluster_skip_unless_ready
  trap 'cluster_teardown $?' EXIT
  # The tier measures stalls and waits on JVMs; on a machine shared with builds it gets the CPU
  # first (everything it starts inherits this), so its figures are the cluster's, not the load's.
  renice -n "${KA_CLUSTER_NICE:--10}" -p $$ >/dev/null
  mkdir -p "$KA_CLUSTER_WORK"
  local t0; t0=$(now)
  KA_CLUSTER_ROOTFS=$("$KA_CLUSTER_LIB/rootfs.sh") || fail "could not build the host rootfs (see above)"
  log "rootfs $KA_CLUSTER_ROOTFS ready in $(elapsed "$t0") s"
  ip netns add "$KA_CLUSTER_SW"
  ip -n "$KA_CLUSTER_SW" link add br0 type bridge
  ip -n "$KA_CLUSTER_SW" link set br0 up
  ip -n "$KA_CLUSTER_SW" link set lo up
}

cluster_ip() { echo "${KA_CLUSTER_IP[$1]}"; }

cluster_add_host() {
  local name=$1 n=$(( ${#KA_CLUSTER_HOSTS[@]} + 1 ))
  local ip=$KA_CLUSTER_SUBNET.$(( 10 + n )) ns=$KA_CLUSTER_ID-$1 d=$KA_CLUSTER_WORK/$1
  KA_CLUSTER_HOSTS+=("$name")
  KA_CLUSTER_IP[$name]=$ip
  ip netns add "$ns"
  ip link add "eth$n-$KA_CLUSTER_ID" netns "$ns" type veth peer name "port$n" netns "$KA_CLUSTER_SW"
  ip -n "$ns" link set "eth$n-$KA_CLUSTER_ID" name eth0
  ip -n "$ns" addr add "$ip/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  ip -n "$KA_CLUSTER_SW" link set "port$n" master br0
  ip -n "$KA_CLUSTER_SW" link set "port$n" up
  mkdir -p "$d/upper" "$d/work" "$d/root"
  mount -t overlay overlay -o "lowerdir=$KA_CLUSTER_ROOTFS,upperdir=$d/upper,workdir=$d/work" "$d/root"
  echo "$name" > "$d/root/etc/hostname"
}

# /etc/hosts of every host names all hosts; written at boot so hosts added later are included.
cluster_write_hosts() {
  local h entries="127.0.0.1 localhost"$'\n'
  for h in "${KA_CLUSTER_HOSTS[@]}"; do entries+="${KA_CLUSTER_IP[$h]} $h"$'\n'; done
  for h in "${KA_CLUSTER_HOSTS[@]}"; do printf '%s' "$entries" > "$KA_CLUSTER_WORK/$h/root/etc/hosts"; done
}

cluster_pid1() {
  local nsp=${KA_CLUSTER_NSPAWN[$1]:-}
  [ -n "$nsp" ] || return 1
  local child
  child=$(cat "/proc/$nsp/task/$nsp/children" 2>/dev/null | awk '{print $1}')
  [ -n "$child" ] || return 1
  echo "$child"
}

cluster_exec() {
  local name=$1; shift
  local p1; p1=$(cluster_pid1 "$name") || fail "host $name is not running"
  nsenter -t "$p1" -m -u -i -n -p -- /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 "$@"
}

# cluster_start NAME...: start the hosts' systemd-nspawn and return (cluster_boot also waits for
# multi-user; the image tier waits for its first-boot unit instead). A host that was powered off
# (cluster_poweroff) starts again from its own overlay: a reboot.
cluster_start() {
  cluster_write_hosts
  local name
  for name in "$@"; do
    local d=$KA_CLUSTER_WORK/$name
    # Without a host systemd, nspawn --keep-unit nests the container under the caller's cgroup;
    # two containers started from one cgroup clobber each other's units (219/CGROUP), so each
    # starts from a cgroup of its own.
    (
      for h in systemd unified; do
        mkdir -p "/sys/fs/cgroup/$h/$KA_CLUSTER_ID-$name"
        echo $BASHPID > "/sys/fs/cgroup/$h/$KA_CLUSTER_ID-$name/cgroup.procs"
      done
      exec nsenter --net="/run/netns/$KA_CLUSTER_ID-$name" -- systemd-nspawn -D "$d/root" --machine="$name" \
        --boot --register=no --keep-unit --console=read-only --link-journal=no \
        --network-namespace-path="/run/netns/$KA_CLUSTER_ID-$name" > "$d/console.log" 2>&1 < /dev/null
    ) &
    KA_CLUSTER_NSPAWN[$name]=$!
  done
}

cluster_boot() {
  local name t0; t0=$(now)
  cluster_start "$@"
  for name in "$@"; do
    local state="" i=0
    while [ $i -lt 600 ]; do
      if cluster_pid1 "$name" >/dev/null; then
        state=$(cluster_exec "$name" systemctl is-system-running 2>/dev/null) || true
        case $state in running|degraded) break ;; esac
      fi
      kill -0 "${KA_CLUSTER_NSPAWN[$name]}" 2>/dev/null || fail "host $name exited while booting: $(tail -5 "$KA_CLUSTER_WORK/$name/console.log")"
      sleep 0.1; i=$((i + 1))
    done
    case $state in running|degraded) ;; *) fail "host $name did not reach multi-user in 60 s (state '$state')" ;; esac
    [ "$state" = degraded ] && log "host $name is degraded: $(cluster_exec "$name" systemctl --failed --no-legend --plain | tr '\n' ' ')"
  done
  log "booted $* to multi-user in $(elapsed "$t0") s"
}

# cluster_poweroff NAME: a clean shutdown (systemd powers off, as `poweroff` on a VM); waits up
# to 60 s for the container to exit, then kills it.
cluster_poweroff() {
  local name=$1 p1 nsp=${KA_CLUSTER_NSPAWN[$1]:-} i
  p1=$(cluster_pid1 "$name") && kill -s SIGRTMIN+4 "$p1" 2>/dev/null
  for i in $(seq 600); do kill -0 "$nsp" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$nsp" 2>/dev/null; then
    log "host $name did not power off in 60 s: killed"
    p1=$(cluster_pid1 "$name") && kill -9 "$p1" 2>/dev/null
    sleep 0.5; kill -9 "$nsp" 2>/dev/null
  fi
  wait "$nsp" 2>/dev/null || true
}

cluster_copy() {
  local name=$1 src=$2 dest=$3 root=$KA_CLUSTER_WORK/$1/root
  mkdir -p "$root/$(dirname "$dest")"
  cp -a "$src" "$root/$dest"
}

cluster_kill() {
  cluster_exec "$1" systemctl kill --kill-who=main -s "${3:-SIGKILL}" "$2"
}

cluster_port() {
  local i
  for i in "${!KA_CLUSTER_HOSTS[@]}"; do
    [ "${KA_CLUSTER_HOSTS[$i]}" = "$1" ] && { echo "port$((i + 1))"; return; }
  done
  fail "no host $1"
}
cluster_cut() { ip -n "$KA_CLUSTER_SW" link set "$(cluster_port "$1")" down; }
cluster_restore() { ip -n "$KA_CLUSTER_SW" link set "$(cluster_port "$1")" up; }

cluster_journal() { cluster_exec "$1" journalctl --no-pager -o short-precise "${@:2}"; }

cluster_teardown() {
  local rc=$1 name
  trap - EXIT
  # Best effort from here on: a host that will not stop (a JVM in a long shutdown) is killed, and
  # no failing step may cut the teardown short.
  set +e
  if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ ${#KA_CLUSTER_HOSTS[@]} -gt 0 ]; then
    local out=${KA_CLUSTER_ARTIFACTS:-/var/tmp/ka-cluster-failed.$$}
    mkdir -p "$out"
    for name in "${KA_CLUSTER_HOSTS[@]}"; do
      # a host that is not running (powered off) has its journal on its disk
      ( cluster_journal "$name" ) > "$out/$name.journal" 2>&1 \
        || journalctl --no-pager -o short-precise -D "$KA_CLUSTER_WORK/$name/root/var/log/journal" > "$out/$name.journal" 2>&1
      cp "$KA_CLUSTER_WORK/$name/console.log" "$out/$name.console.log" 2>/dev/null || true
      cp -r "$KA_CLUSTER_WORK/$name/root/var/log/kafka" "$out/$name.kafka-logs" 2>/dev/null || true
    done
    log "journals of the failed run are in $out"
  fi
  if [ "${KA_CLUSTER_KEEP:-0}" = 1 ]; then
    log "KA_CLUSTER_KEEP=1: hosts left running under $KA_CLUSTER_WORK (netns $KA_CLUSTER_ID-*)"
    exit "$rc"
  fi
  for name in "${KA_CLUSTER_HOSTS[@]}"; do
    local p1; p1=$(cluster_pid1 "$name") && kill -s SIGRTMIN+4 "$p1" 2>/dev/null   # systemd: power off
  done
  if [ -n "$KA_SERVER_PID" ]; then kill "$KA_SERVER_PID" 2>/dev/null; wait "$KA_SERVER_PID" 2>/dev/null || true; fi
  # 15 s for all of them together (a JVM's shutdown hooks), then the stragglers are killed.
  local i=0 alive=1
  while [ $alive = 1 ] && [ $i -lt 150 ]; do
    alive=0
    for name in "${KA_CLUSTER_HOSTS[@]}"; do
      [ -n "${KA_CLUSTER_NSPAWN[$name]:-}" ] && kill -0 "${KA_CLUSTER_NSPAWN[$name]}" 2>/dev/null && alive=1
    done
    sleep 0.1; i=$((i + 1))
  done
  for name in "${KA_CLUSTER_HOSTS[@]}"; do
    local nsp=${KA_CLUSTER_NSPAWN[$name]:-}
    [ -n "$nsp" ] || continue
    if kill -0 "$nsp" 2>/dev/null; then
      local p1; p1=$(cluster_pid1 "$name") && kill -9 "$p1" 2>/dev/null
      sleep 0.5
      kill -9 "$nsp" 2>/dev/null
    fi
    wait "$nsp" 2>/dev/null
  done
  for name in "${KA_CLUSTER_HOSTS[@]}"; do
    umount "$KA_CLUSTER_WORK/$name/root" 2>/dev/null || umount -l "$KA_CLUSTER_WORK/$name/root" 2>/dev/null
    ip netns del "$KA_CLUSTER_ID-$name" 2>/dev/null
    for h in systemd unified; do
      find "/sys/fs/cgroup/$h/$KA_CLUSTER_ID-$name" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
  done
  ip netns del "$KA_CLUSTER_SW" 2>/dev/null
  rm -rf "$KA_CLUSTER_WORK"
  exit "$rc"
}

# --- Kafka and Java for the hosts -----------------------------------------------------------------
# The hosts install the real Kafka distribution (tests/realkafka/build.sh: Kafka's jars from Maven
# Central, signed by a throwaway key) and a JRE packaged as a Temurin release (tests/realkafka/
# jdk.py) with the product's own fetch/install, over HTTPS from tests/support/artifact_server.py.
# The server listens on $KA_CLUSTER_SUBNET.2, an address of the bridge inside the switch's
# namespace: the hosts reach it, the machine's own network never sees it.
#   KAFKA_APPLIANCE_KAFKA_TGZ=/path/kafka_2.13-X.Y.Z.tgz  serve that tarball (an official release)
#   instead of the assembled one to every scenario of the same major version (with its .asc when
#   one lies beside it; a catalogued release must have the catalogued digest).

KA_REALKAFKA=$KA_CLUSTER_LIB/../../realkafka
KA_SERVER_ADDR=$KA_CLUSTER_SUBNET.2
KA_SERVER_PORT=8443
KA_SERVER_PID=""

# cluster_release_server: make the served tree and start the server (once per run).
cluster_release_server() {
  [ -n "$KA_SERVER_PID" ] && return 0
  local serve=$KA_CLUSTER_WORK/serve jdk i
  mkdir -p "$serve"
  jdk=$(python3 "$KA_REALKAFKA/jdk.py" build) || fail "could not package a JRE as a Temurin release (tests/realkafka/jdk.py)"
  KA_JDK_DIR=$jdk
  ip -n "$KA_CLUSTER_SW" addr add "$KA_SERVER_ADDR/24" dev br0
  ip netns exec "$KA_CLUSTER_SW" python3 "$KA_CLUSTER_LIB/../../support/artifact_server.py" --dir "$serve" \
    --tls-dir "$KA_CLUSTER_WORK/tls" --bind "$KA_SERVER_ADDR" --port "$KA_SERVER_PORT" \
    --port-file "$KA_CLUSTER_WORK/server.port" --log "$KA_CLUSTER_WORK/server.log" > /dev/null 2> "$KA_CLUSTER_WORK/server.err" &
  KA_SERVER_PID=$!
  for i in $(seq 300); do [ -f "$KA_CLUSTER_WORK/server.port" ] && break; sleep 0.1; done
  [ -f "$KA_CLUSTER_WORK/server.port" ] || fail "the artifact server did not start: $(cat "$KA_CLUSTER_WORK/server.err")"
  KA_SERVER_URL=https://$KA_SERVER_ADDR:$KA_SERVER_PORT
  python3 "$KA_REALKAFKA/jdk.py" publish "$jdk" "$serve" "$KA_SERVER_URL" || fail "could not publish the JRE"
}

# cluster_release VERSION: serve Kafka VERSION (assembled, or $KAFKA_APPLIANCE_KAFKA_TGZ when it is
# of the same major version); sets `version` to what is served, `sha` to its SHA-512 and `keys`
# to the KEYS file that signed it ("" when none).
cluster_release() {
  local want=$1 dist tgz name dir
  cluster_release_server
  if [ -n "${KAFKA_APPLIANCE_KAFKA_TGZ:-}" ]; then
    name=$(basename "$KAFKA_APPLIANCE_KAFKA_TGZ")
    [[ $name =~ ^kafka_2\.13-([0-9]+\.[0-9]+\.[0-9]+)\.tgz$ ]] || fail "KAFKA_APPLIANCE_KAFKA_TGZ=$KAFKA_APPLIANCE_KAFKA_TGZ is not named kafka_2.13-X.Y.Z.tgz"
    if [ "${BASH_REMATCH[1]%%.*}" = "${want%%.*}" ]; then
      version=${BASH_REMATCH[1]}
      dir=$KA_CLUSTER_WORK/serve/kafka/$version
      mkdir -p "$dir"
      cp "$KAFKA_APPLIANCE_KAFKA_TGZ" "$dir/"
      [ -f "$KAFKA_APPLIANCE_KAFKA_TGZ.asc" ] && cp "$KAFKA_APPLIANCE_KAFKA_TGZ.asc" "$dir/"
      sha=$(sha512sum "$dir/$name" | cut -d' ' -f1)
      keys=""
      log "serving $name from KAFKA_APPLIANCE_KAFKA_TGZ instead of the assembled $want"
      return 0
    fi
    log "KAFKA_APPLIANCE_KAFKA_TGZ is $name; this scenario asks for $want, so it gets the assembled distribution"
  fi
  version=$want
  dist=$("$KA_REALKAFKA/build.sh" "$version") || fail "could not assemble Kafka $version (tests/realkafka/build.sh)"
  mkdir -p "$KA_CLUSTER_WORK/serve/kafka"
  cp -rl "$dist/kafka/$version" "$KA_CLUSTER_WORK/serve/kafka/" 2>/dev/null || cp -r "$dist/kafka/$version" "$KA_CLUSTER_WORK/serve/kafka/"
  tgz=$dist/kafka/$version/kafka_2.13-$version.tgz
  sha=$(sha512sum "$tgz" | cut -d' ' -f1)
  keys=$dist/KEYS
}

# cluster_release_flags: the release flags of `bootstrap` for what cluster_release served: the
# Kafka tarball and its signature from the server (pinned by --sha512, signer in --keys), the
# Temurin JRE from the fake Adoptium API (its key given with --adoptium-key), trust in the test CA.
cluster_release_flags() {
  local u=$KA_SERVER_URL/ f
  # An assembled build of a catalogued version is a private build: pinned by its --sha512.
  f="--mirror $u --asf-url $u --archive-url $u --cacert /root/test-ca.pem --private-build --sha512 $sha"
  f+=" --java $(jq -r .feature "$KA_JDK_DIR/release.json") --adoptium-api-url $u --adoptium-key /root/test-adoptium.asc"
  [ -n "$keys" ] && f+=" --keys /root/test-KEYS"
  echo "$f"
}

# cluster_install_product NAME...: the binary, the test CA, the KEYS and the Adoptium key onto
# each host (the test's Adoptium key is trusted through --adoptium-key, see cluster_release_flags).
cluster_install_product() {
  local bin name; bin=$(cluster_product_binary)
  for name in "$@"; do
    cluster_copy "$name" "$bin" /usr/local/bin/kafka-appliance
    cluster_copy "$name" "$KA_CLUSTER_WORK/tls/ca.pem" /root/test-ca.pem
    cluster_copy "$name" "$KA_JDK_DIR/adoptium.asc" /root/test-adoptium.asc
    if [ -n "$keys" ]; then cluster_copy "$name" "$keys" /root/test-KEYS; fi
  done
  cluster_copy_probe "$@"
}

cluster_copy_probe() {
  local name
  for name in "$@"; do cluster_copy "$name" "$KA_CLUSTER_LIB/probe.py" /usr/local/lib/ka-test/probe.py; done
}

# --- the product on the hosts --------------------------------------------------------------------
# Scenarios run on every host exactly what an operator runs on a VM: `kafka-appliance bootstrap`
# with the flags that name where the release comes from.

# The binary under test: $KA_BINARY (set by CTest), else the default build directory's.
cluster_product_binary() {
  local b=${KA_BINARY:-$KA_CLUSTER_LIB/../../../build/kafka-appliance}
  [ -x "$b" ] || { echo "skipped: no kafka-appliance binary at $b (build it or set KA_BINARY)"; exit 77; }
  echo "$b"
}

# cluster_product_hosts VERSION HOST...: add the hosts, serve Kafka VERSION and the JRE, and put
# the product in (boot them afterwards). Sets `version`, `sha`, `keys` and `release` (the flags).
cluster_product_hosts() {
  local h; local want=$1; shift
  for h in "$@"; do cluster_add_host "$h"; done
  cluster_release "$want"
  release=$(cluster_release_flags)
  cluster_install_product "$@"
}

# cluster_scenario VERSION HOST...: a scenario's start: the binary under test, the switch, the
# HOSTs with the product and Kafka VERSION served (see cluster_product_hosts), booted. Sets
# `t_scenario` too.
cluster_scenario() {
  cluster_product_binary >/dev/null
  cluster_init
  t_scenario=$(now)
  cluster_product_hosts "$@"
  cluster_boot "${@:2}"
}

# cluster_new_leader OLD T0 FILTER HOST...: polls `status` on the HOSTs (empty names are
# skipped) until one of them, passed through the jq FILTER, names a quorum leader other than OLD;
# prints it. Fails 60 s after T0.
cluster_new_leader() {
  local old=$1 t0=$2 filter=$3 h new; shift 3
  while le "$(elapsed "$t0")" 60; do
    for h in "$@"; do
      [ -n "$h" ] || continue
      new=$(cluster_status "$h" 2>/dev/null | jq -r "$filter | .quorum.leader_id // empty") || true
      [ -n "$new" ] && [ "$new" != "$old" ] && { echo "$new"; return 0; }
    done
    sleep 0.5
  done
  return 1
}

# cluster_bootstrap_hosts WHAT: `kafka-appliance bootstrap` on every host of the scenario's `hosts`
# with its flags from `args`, in parallel; every report must say healthy, changed and started.
# Logs the timings; the reports stay in `out`.
cluster_bootstrap_hosts() {
  local what=$1 t0 h items=()
  out=$KA_CLUSTER_WORK/reports
  t0=$(now)
  for h in "${hosts[@]}"; do items+=("$h=${args[$h]}"); done
  cluster_bootstrap_all "$out" "${items[@]}" || fail "bootstrap failed"
  log "$what bootstrapped and healthy in $(elapsed "$t0") s"
  for h in "${hosts[@]}"; do
    jq -e '.healthy and .changed and .started' "$out/$h.json" >/dev/null || fail "$h: unexpected bootstrap report: $(cat "$out/$h.json")"
    log "  $h: wall $(cat "$out/$h.wall") s, tool $(jq .tool_seconds "$out/$h.json") s, health wait $(jq .health_seconds "$out/$h.json") s"
  done
}

# cluster_bootstrap_all OUTDIR NAME=ARGS...: `kafka-appliance --json bootstrap ARGS` on every
# host at once (controllers wait for each other's quorum, so they must start together). Each
# host's JSON report goes to OUTDIR/NAME.json, its stderr to OUTDIR/NAME.err and its wall time
# to OUTDIR/NAME.wall; returns non-zero, naming the hosts, if any bootstrap failed.
cluster_bootstrap_all() {
  local out=$1 item name args rc=0 failed=""; shift
  declare -A pids=()
  mkdir -p "$out"
  for item in "$@"; do
    name=${item%%=*} args=${item#*=}
    (
      t0=$(now)
      # shellcheck disable=SC2086  # ARGS is a list of words by design
      cluster_exec "$name" kafka-appliance --json bootstrap $args > "$out/$name.json" 2> "$out/$name.err"
      r=$?
      elapsed "$t0" > "$out/$name.wall"
      exit $r
    ) &
    pids[$name]=$!
  done
  for name in "${!pids[@]}"; do
    local r=0
    wait "${pids[$name]}" || r=$?
    [ $r = 0 ] || { rc=1; failed+=" $name"; log "bootstrap on $name exited $r: $(tail -c 2000 "$out/$name.err")"; }
  done
  [ $rc = 0 ] || log "bootstrap failed on:$failed"
  return $rc
}

# cluster_status NAME: `kafka-appliance --json status` on the host (prints the JSON; its exit code).
cluster_status() { cluster_exec "$1" kafka-appliance --json status; }

# cluster_healthy NAME [SECONDS]: `status --json` until it says healthy (default within 60 s);
# prints the JSON of the healthy answer, or of the last one and returns 1. A node that just
# started, or whose partitions just moved, can fail one check (a produce round trip, a voter
# catching up), so a single unhealthy answer is retried, never trusted alone.
cluster_healthy() {
  local t0 s; t0=$(now)
  while :; do
    s=$(cluster_status "$1" 2>/dev/null) && { echo "$s"; return 0; }
    le "${2:-60}" "$(elapsed "$t0")" && { echo "$s"; return 1; }
    sleep 1
  done
}

# cluster_zk_ensemble VERSION ZK...: every member healthy by `status --json` (role zookeeper, node
# ID its place in the list, Kafka VERSION, zookeeper.service active and enabled), the real
# ZooKeeper 3.8 of Kafka 3.9's libs/ answering srvr, and by srvr exactly one leader and the others
# followers. Sets zk_leader. The members need probe.py (cluster_copy_probe).
cluster_zk_ensemble() {
  local v=$1 h s i=0 w; shift
  local members=()
  zk_leader=""
  for h in "$@"; do
    i=$((i + 1))
    s=$(cluster_healthy "$h") || fail "status on $h exited non-zero: $s"
    jq -e --argjson id "$i" --arg v "$v" '.healthy and .role == "zookeeper" and .node_id == $id and .kafka_version == $v
        and .unit.name == "zookeeper.service" and .unit.active == "active" and .unit.enabled == "enabled"
        and (.zookeeper_mode == "leader" or .zookeeper_mode == "follower")' <<<"$s" >/dev/null \
      || fail "status on $h is not a healthy ensemble member: $s"
    [ "$(jq -r .zookeeper_mode <<<"$s")" = leader ] && zk_leader=$h
    # The real ZooKeeper, not a double: srvr reports its own version.
    cluster_exec "$h" python3 /usr/local/lib/ka-test/probe.py four "$h:2181" srvr | grep -q '^Zookeeper version: 3\.8' \
      || fail "$h: srvr does not report the ZooKeeper 3.8 of Kafka 3.9's libs/"
    members+=("$h:2181")
  done
  [ -n "$zk_leader" ] || fail "no ZooKeeper member reports leader"
  w=$(cluster_exec "$1" python3 /usr/local/lib/ka-test/probe.py zk-wait 30 "${members[@]}") \
    || fail "the ensemble is not one leader and $(( $# - 1 )) followers by srvr: $w"
  log "ZooKeeper ensemble by srvr: ${w#* }"
}

# cluster_zk_broker NAME ID: `status --json` on NAME says a healthy ZooKeeper-mode broker ID.
cluster_zk_broker() {
  local s
  s=$(cluster_healthy "$1") || fail "status on $1 exited non-zero: $s"
  jq -e --argjson id "$2" '.healthy and .role == "zk-broker" and .node_id == $id and .unit.active == "active"' <<<"$s" >/dev/null \
    || fail "status on $1 is not a healthy ZooKeeper-mode broker $2: $s"
}

# cluster_wait_healthy NAME TIMEOUT: until `status` exits 0; prints the seconds it took.
cluster_wait_healthy() {
  local t0 i=0; t0=$(now)
  until cluster_exec "$1" kafka-appliance status >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt $(( $2 * 4 )) ] || return 1; sleep 0.25
  done
  elapsed "$t0"
}

# cluster_main_pid NAME UNIT
cluster_main_pid() { cluster_exec "$1" systemctl show -p MainPID --value "$2"; }
cluster_restarts() { cluster_exec "$1" systemctl show -p NRestarts --value "$2"; }

# cluster_rerun HOST UNIT ARGS: a converged `bootstrap ARGS` re-run, three times: each must change
# nothing, restart nothing and keep UNIT's MainPID; prints the smallest tool_seconds (on a shared
# 2-core machine one run can lose the CPU for a while; the best of three is the tool's own time).
# The last report is left in $KA_CLUSTER_WORK/rerun.json.
cluster_rerun() {
  local h=$1 unit=$2 args=$3 pid r s best="" all=""
  pid=$(cluster_main_pid "$h" "$unit")
  for _ in 1 2 3; do
    # shellcheck disable=SC2086
    r=$(cluster_exec "$h" kafka-appliance --json bootstrap $args) || fail "re-run on $h failed: $r"
    jq -e '.changed == false and .restarted == [] and .healthy' <<<"$r" >/dev/null || fail "re-run on $h changed something: $r"
    [ "$(cluster_main_pid "$h" "$unit")" = "$pid" ] || fail "re-run restarted $unit on $h"
    s=$(jq .tool_seconds <<<"$r")
    all+=" $s"
    if [ -z "$best" ] || le "$s" "$best"; then best=$s; fi
  done
  printf '%s\n' "$r" > "$KA_CLUSTER_WORK/rerun.json"   # the last report, for further checks
  log "converged re-runs on $h: changed=false, $unit MainPID $pid kept, tool_seconds$all (best $best)"
  echo "$best"
}

# Numeric comparison for figures: le A B
le() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$1" "$2"; }

# cluster_rss_mib NAME...: resident memory of everything running in those hosts (systemd,
# journald, the JVMs, the doubles), in MiB, summed over their cgroups.
cluster_rss_mib() {
  local name kb=0 p v
  for name in "$@"; do
    while read -r p; do
      v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null) || true
      kb=$((kb + ${v:-0}))
    done < <(find "/sys/fs/cgroup/unified/$KA_CLUSTER_ID-$name" -name cgroup.procs -exec cat {} + 2>/dev/null)
  done
  echo $((kb / 1024))
}

# The real Kafka clients of the scenarios come with the harness.
# shellcheck source=clients.sh
[ -n "${CLIENTS_LIB:-}" ] || . "$KA_CLUSTER_LIB/clients.sh"
