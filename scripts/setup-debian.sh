#!/usr/bin/env bash
# Installs everything the build and the tests need on a fresh Debian 12 (as root), then builds
# libcurl, libarchive and librdkafka minimal and static from Debian's own source packages
# (DESIGN.md §8): Debian's libcurl.a cannot link statically (GSSAPI, p11-kit), its libarchive.a
# pulls in ICU, and bookworm's librdkafka (2.0.2) predates the Admin API's DescribeCluster and
# DescribeTopics (2.3): its source comes from trixie (2.8.0), fetched with a private apt state so
# that the machine's own apt never sees trixie (no trixie binary is installed).
# Idempotent: a stamp file records what was built; a second run takes a second.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
prefix=${KA_DEPS_PREFIX:-$here/.deps}
jobs=$(nproc)

need_root() { [ "$(id -u)" = 0 ] || { echo "setup-debian.sh: run as root (it installs packages with apt-get)" >&2; exit 2; }; }

packages=(dpkg-dev cmake ninja-build g++ pkg-config file
          libssl-dev zlib1g-dev libc-ares-dev libboost-filesystem-dev
          libcli11-dev libspdlog-dev libfmt-dev catch2 libkainjow-mustache-dev nlohmann-json3-dev
          clang libclang-rt-14-dev
          gnupg python3 openssl curl time jq util-linux systemd systemd-container mmdebstrap iproute2
          default-jre-headless openjdk-17-jdk-headless maven
          qemu-system-x86 qemu-utils e2fsprogs openssh-client)   # the images-vm test

missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
src_list=/etc/apt/sources.list.d/kafka-appliance-deb-src.sources
if [ ${#missing[@]} -gt 0 ] || ! grep -rqs '^Types: deb-src' /etc/apt/sources.list.d/ ; then
  need_root
  if ! grep -rqs '^Types: deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    cat > "$src_list" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# HashiCorp's HCL2 parser for the images-static check (tests/images-static/hclcheck), from the Go
# module proxy into the module cache, so that the test builds it offline (GOPROXY=off). The
# machine's Go when there is one, else Debian's (1.19 is enough for the pinned hcl v2.19.1).
if ! command -v go > /dev/null; then
  need_root
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends golang-go ca-certificates
fi
(cd "$here/tests/images-static/hclcheck" && GOFLAGS=-mod=readonly go mod download)

# librdkafka 2.8.0 from trixie's source package: OpenSSL (TLS, SASL SCRAM and PLAIN) and zlib only;
# no Cyrus SASL (GSSAPI), zstd, external lz4 or libcurl (OIDC), no syslog, and no plugins (they
# dlopen() shared objects, which a static binary cannot). Only the C library is built.
build_librdkafka() {
  local apt_dir=$work/apt
  mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$work/rdk"
  cat > "$apt_dir/parts/trixie-src.sources" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  local apt_opts=(-q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt_dir/parts"
                  -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache")
  { apt-get "${apt_opts[@]}" update && (cd "$work/rdk" && apt-get "${apt_opts[@]}" source librdkafka); } \
    > "$work/librdkafka-source.log" 2>&1 \
    || { echo "setup-debian.sh: 'apt-get source librdkafka' (trixie) failed: see $work/librdkafka-source.log" >&2; exit 1; }
  local src; src=$(ls -d "$work"/rdk/librdkafka-*/ | head -1)
  (cd "$src" && ./configure --prefix="$prefix" --no-download --enable-static --disable-debug-symbols --enable-ssl --enable-zlib \
      --disable-gssapi --disable-zstd --disable-lz4-ext --disable-curl --disable-syslog) > "$work/librdkafka-configure.log" 2>&1
  # mklove enables plugins whenever dlopen() links; a static binary must never dlopen()
  sed -i -e 's/^#define WITH_PLUGINS 1/#undef WITH_PLUGINS/' -e 's/^#define WITH_LIBDL 1/#undef WITH_LIBDL/' "$src/config.h"
  sed -i -e 's/^WITH_PLUGINS=.*/WITH_PLUGINS=n/' -e 's/^WITH_LIBDL=.*/WITH_LIBDL=n/' "$src/Makefile.config"
  make -C "$src/src" -j"$jobs" librdkafka.a > "$work/librdkafka-build.log" 2>&1
  install -Dm644 "$src/src/librdkafka.a" "$prefix/lib/librdkafka.a"
  install -Dm644 "$src/src/rdkafka.h" "$prefix/include/librdkafka/rdkafka.h"
}

stamp=$prefix/.stamp
want="curl+libarchive+librdkafka static v3"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "static deps: up to date in $prefix"; exit 0
fi

work=$prefix.work
rm -rf "$work" "$prefix"; mkdir -p "$work/src"
( cd "$work/src" && apt-get source -q curl libarchive >/dev/null 2>&1 ) || { echo "setup-debian.sh: 'apt-get source curl libarchive' failed: add deb-src lines for bookworm" >&2; exit 1; }
curl_src=$(ls -d "$work"/src/curl-*/ | head -1)
la_src=$(ls -d "$work"/src/libarchive-*/ | head -1)
common=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib
        -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON)

cmake -S "$curl_src" -B "$work/curl" "${common[@]}" \
  -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DENABLE_MANUAL=OFF \
  -DHTTP_ONLY=ON -DCURL_DISABLE_LDAP=ON -DCURL_DISABLE_LDAPS=ON \
  -DCURL_USE_OPENSSL=ON -DOPENSSL_USE_STATIC_LIBS=ON \
  -DCURL_ZLIB=ON -DZLIB_LIBRARY=/usr/lib/x86_64-linux-gnu/libz.a \
  -DENABLE_ARES=ON -DENABLE_THREADED_RESOLVER=OFF -DCARES_LIBRARY=/usr/lib/x86_64-linux-gnu/libcares.a \
  -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF -DUSE_LIBIDN2=OFF \
  -DCURL_USE_LIBPSL=OFF -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF -DCURL_USE_GSSAPI=OFF \
  -DCURL_DISABLE_NTLM=ON -DENABLE_UNIX_SOCKETS=OFF \
  -DCURL_DISABLE_NETRC=ON `# netrc.c calls getpwuid_r: NSS dlopen in a static glibc binary` \
  -DCURL_DISABLE_OPENSSL_AUTO_LOAD_CONFIG=ON `# never read the build host's openssl.cnf` \
  -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none > "$work/curl-configure.log"
cmake --build "$work/curl" -j"$jobs" > "$work/curl-build.log"
cmake --install "$work/curl" > /dev/null

cmake -S "$la_src" -B "$work/libarchive" "${common[@]}" \
  -DENABLE_TEST=OFF -DENABLE_TAR=OFF -DENABLE_CPIO=OFF -DENABLE_CAT=OFF -DENABLE_ZLIB=ON \
  -DENABLE_OPENSSL=OFF -DENABLE_MBEDTLS=OFF -DENABLE_NETTLE=OFF -DENABLE_CNG=OFF \
  -DENABLE_LZMA=OFF -DENABLE_ZSTD=OFF -DENABLE_BZip2=OFF -DENABLE_LZ4=OFF -DENABLE_LZO=OFF \
  -DENABLE_LIBB2=OFF -DENABLE_LIBXML2=OFF -DENABLE_EXPAT=OFF -DENABLE_PCREPOSIX=OFF \
  -DENABLE_LIBGCC=OFF -DENABLE_ACL=OFF -DENABLE_XATTR=OFF -DENABLE_ICONV=OFF > "$work/libarchive-configure.log"
# libarchive 3.6 always configures shared+static: build only the static one
cmake --build "$work/libarchive" -j"$jobs" --target archive_static > "$work/libarchive-build.log"
install -Dm644 "$work/libarchive/libarchive/libarchive.a" "$prefix/lib/libarchive.a"
install -Dm644 -t "$prefix/include" "$la_src/libarchive/archive.h" "$la_src/libarchive/archive_entry.h"
build_librdkafka
rm -rf "$work"
echo "$want" > "$stamp"
echo "static deps: built into $prefix"
