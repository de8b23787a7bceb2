#!/usr/bin/env bash
# Verified fetch+install of a Kafka-shaped tarball from a local HTTPS server, against
#   (a) a bare `tar xzf` of the same file, and
#   (b) the sequential pipeline a seed would run: curl, sha512sum -c, gpg --verify, tar xzf,
# measured in the same run, with peak RSS. Usage: bench/run.sh [SIZE_MB] (default 120).
# Needs root (useradd --root), python3, openssl, gpg, curl, /usr/bin/time.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
B=${KA_BINARY:-$here/build/kafka-appliance}
size_mb=${1:-120}
runs=${KA_BENCH_RUNS:-3}
ver=3.9.99  # uncatalogued on purpose: verified with --sha512 and a signature by a throwaway key
name=kafka_2.13-$ver.tgz
work=$(mktemp -d /tmp/ka-bench.XXXXXX)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

KA_HOSTILE_ONLY=good python3 "$here/tests/support/make_hostile_archives.py" "$work/gen" "$ver" --big "$size_mb" > /dev/null
srv=$work/srv/kafka/$ver; mkdir -p "$srv"
mv "$work/gen/good/$name" "$srv/"
(cd "$srv" && sha512sum "$name" > "$name.sha512")
sha=$(cut -d' ' -f1 "$srv/$name.sha512")
export GNUPGHOME=$work/gnupg; mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "bench <bench@example.invalid>" rsa3072 sign never 2>/dev/null
gpg --batch --quiet --armor --detach-sign -o "$srv/$name.asc" "$srv/$name"
gpg --batch --quiet --armor --export > "$work/KEYS"
bytes=$(stat -c %s "$srv/$name")

python3 "$here/tests/support/artifact_server.py" --dir "$work/srv" --tls-dir "$work/tls" --port-file "$work/port" > /dev/null 2>&1 &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
url=https://127.0.0.1:$(cat "$work/port")
ca=$work/tls/ca.pem

# shellcheck source=../tests/support/scratch_root.sh
. "$here/tests/support/scratch_root.sh"
fresh_root() { rm -rf "$1"; new_root "$1"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# time_cmd OUTVAR RSSVAR cmd...: wall ms and peak RSS (KiB) of the command.
time_cmd() {
  local t0 t1
  t0=$(now_ms)
  /usr/bin/time -f %M -o "$work/rss" bash -c "${*:3}" > "$work/cmd.out" 2>&1 || { cat "$work/cmd.out" >&2; echo "bench: command failed: ${*:3}" >&2; exit 1; }
  t1=$(now_ms)
  printf -v "$1" %d $((t1 - t0)); printf -v "$2" %d "$(tail -1 "$work/rss")"
}

ours_run() {
  "$B" --root "$work/root" --quiet install --kafka-version "$ver" --sha512 "$sha" --keys "$work/KEYS" --java system \
    --asf-url "$url/" --archive-url "$url/" --cacert "$ca"
}
tar_run() { tar xzf "$srv/$name" -C "$work/x"; }
seed_run() {
  cd "$work/s"
  curl -sS --fail --cacert "$ca" -o "$name" "$url/kafka/$ver/$name"
  curl -sS --fail --cacert "$ca" -o "$name.sha512" "$url/kafka/$ver/$name.sha512"
  curl -sS --fail --cacert "$ca" -o "$name.asc" "$url/kafka/$ver/$name.asc"
  sha512sum -c --quiet "$name.sha512"
  gpg --batch --quiet --verify "$name.asc" "$name" 2>/dev/null
  tar xzf "$name" -C opt
  cd - > /dev/null
}

export -f new_root fresh_root ours_run tar_run seed_run
export B ver sha work url ca srv name GNUPGHOME
best() { sort -n | head -1; }
: > "$work/ours"; : > "$work/tar"; : > "$work/seed"
# Each contender starts from a clean tree with no dirty pages of the previous run still being
# written back: the clean-up and a `sync` happen before the clock starts.
for i in $(seq "$runs"); do
  fresh_root "$work/root"; sync
  time_cmd t r ours_run; echo "$t $r" >> "$work/ours"
  rm -rf "$work/x"; mkdir "$work/x"; sync
  time_cmd t r tar_run; echo "$t $r" >> "$work/tar"
  rm -rf "$work/s"; mkdir -p "$work/s/opt"; sync
  time_cmd t r seed_run; echo "$t $r" >> "$work/seed"
done
[ -L "$work/root/opt/kafka" ] || { echo "bench: install did not switch /opt/kafka" >&2; exit 1; }
ours=$(cut -d' ' -f1 "$work/ours" | best); tarx=$(cut -d' ' -f1 "$work/tar" | best); seed=$(cut -d' ' -f1 "$work/seed" | best)
rss=$(cut -d' ' -f2 "$work/ours" | sort -n | tail -1)
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
echo "tarball: $name, $((bytes / 1048576)) MiB compressed; best of $runs runs"
echo "kafka-appliance install (HTTPS download + SHA-512 + OpenPGP + unpack + fsync, one pass): ${ours} ms, peak RSS $((rss / 1024)) MiB"
echo "(a) tar xzf of the local file:                                                  ${tarx} ms  ratio $(ratio "$ours" "$tarx") (goal <= 1.2)"
echo "(b) curl; sha512sum -c; gpg --verify; tar xzf:                                  ${seed} ms  ratio $(ratio "$ours" "$seed") (goal <= 0.5)"
[ $((rss / 1024)) -le 64 ] || { echo "bench: peak RSS over 64 MiB" >&2; exit 1; }
