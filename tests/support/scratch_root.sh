# A scratch system root for tests and the benchmark; sourced, defines functions only.

# new_root DIR [nojava]: /etc with only root, as a fresh image would have before our user
# exists, and (unless nojava) a system Java laid out as Debian's default-jre-headless does, for
# `--java system` to find: /usr/bin/java -> /etc/alternatives/java -> /usr/lib/jvm/<jdk>/bin/java.
export system_jdk=/usr/lib/jvm/java-17-openjdk-amd64
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
