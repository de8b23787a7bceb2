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

# new_root DIR [nojava]: /etc with only root, as a fresh image would have before our user
# exists, and (unless nojava) a system Java laid out as Debian's default-jre-headless does, for
# `--java system` to find: /usr/bin/java -> /etc/alternatives/java -> /usr/lib/jvm/<jdk>/bin/java.
system_jdk=/usr/lib/jvm/java-17-openjdk-amd64
new_root() {
  local r=$1
  if [ "${2:-}" != nojava ]; then
    mkdir -p "$r$system_jdk/bin" "$r/etc/alternatives" "$r/usr/bin"
    printf '#!/bin/sh\necho "openjdk 17 (system Java test double)"\n' > "$r$system_jdk/bin/java"
    chmod 755 "$r$system_jdk/bin/java"
    ln -s "$system_jdk/bin/java" "$r/etc/alternatives/java"
    ln -s ../../etc/alternatives/java "$r/usr/bin/java"
  fi
  mkdir -p "$r/etc"
  printf 'root:x:0:0:root:/root:/bin/bash\n' > "$r/etc/passwd"
  printf 'root:x:0:\n' > "$r/etc/group"
  printf 'root:*:19000:0:99999:7:::\n' > "$r/etc/shadow"
  printf 'root:*::\n' > "$r/etc/gshadow"
  chmod 640 "$r/etc/shadow" "$r/etc/gshadow"
  cp /etc/login.defs "$r/etc/login.defs"
}

sha_of() { cut -d' ' -f1 "$1.sha512"; }

# The tree as a list: path, type, mode, size, symlink target (no times: a re-unpack
# restores the archive's mtimes anyway, but directory mtimes move with every change).
tree_list() {
  (cd "$1" && find . -printf '%p %y %m %s %l\n' | sort)
}
