#!/usr/bin/env python3
"""A real Java runtime packaged as a Temurin release, for the cluster tier.

    jdk.py build [CACHE_DIR]          -> prints DIR (cached; keyed by the source JDK and this file)
    jdk.py publish DIR SERVE_DIR BASE -> lays out DIR's release under SERVE_DIR with the Adoptium
                                         API answers pointing at BASE (an https:// URL)

`build` makes a JRE (with its class-data-sharing archive, as Temurin ships it) with jlink from this machine's JDK 17 (Debian's OpenJDK,
$KA_TEST_JDK_HOME to choose another; Kafka 3.9 and 4.x both run on 17): jlink writes a
self-contained image, so no symbolic link leaves the tree (Debian's JDK has links into /etc and
/usr/share, which the installer rightly refuses). It is packed by tests/support/temurin_fixture.py
as OpenJDK17U-jre_x64_linux_hotspot_<ver>.tar.gz with its .sha256.txt and a binary .sig by a
throwaway key made with real gpg; DIR/adoptium.asc is that key and DIR/adoptium.fpr its
fingerprint (give the product --adoptium-key FILE, which trusts that key instead of the pinned one).
Built in a temporary directory renamed into place when complete."""
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "support"))
import temurin_fixture as tf  # noqa: E402

RECIPE = 2
# What a Temurin JRE holds, less what a server never uses (desktop is needed by java.se's
# closure anyway); the dev tools (compiler, jlink, jshell) stay out as in a JRE.
MODULES = ("java.se,jdk.unsupported,jdk.management,jdk.management.agent,jdk.crypto.ec,jdk.crypto.cryptoki,"
           "jdk.zipfs,jdk.naming.dns,jdk.security.auth,jdk.security.jgss,jdk.net,jdk.localedata,jdk.charsets,jdk.jfr,"
           "jdk.management.jfr,jdk.jdwp.agent,jdk.httpserver,jdk.sctp,jdk.jcmd,jdk.attach")


def source_jdk():
    home = os.environ.get("KA_TEST_JDK_HOME", "/usr/lib/jvm/java-17-openjdk-amd64")
    if not os.path.exists(os.path.join(home, "bin", "jlink")) or not os.path.isdir(os.path.join(home, "jmods")):
        sys.exit(f"jdk.py: no JDK with jlink and jmods at {home} (apt-get install -y openjdk-17-jdk-headless, "
                 "or set KA_TEST_JDK_HOME)")
    return home


def semver_of(home):
    out = subprocess.run([os.path.join(home, "bin", "java"), "-version"], stderr=subprocess.PIPE, text=True).stderr
    m = re.search(r"build (\d+\.\d+\.\d+)\+(\d+)", out)
    if not m:
        sys.exit(f"jdk.py: cannot read the version of {home}: {out}")
    return f"{m.group(1)}+{m.group(2)}"


def build(cache):
    home = source_jdk()
    semver = semver_of(home)
    me = open(os.path.abspath(__file__), "rb").read() + open(tf.__file__, "rb").read()
    key = hashlib.sha256(f"{home} {semver} {RECIPE} {MODULES}".encode() + me).hexdigest()[:12]
    dest = os.path.join(cache, f"temurin-{semver}-{key}")
    if os.path.exists(os.path.join(dest, ".complete")):
        return dest
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, ".temurin.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(os.path.join(dest, ".complete")):
            return dest
        tmp = os.path.join(cache, f".build-temurin-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            os.makedirs(tmp)
            image = os.path.join(tmp, "image")
            subprocess.run([os.path.join(home, "bin", "jlink"), "--add-modules", MODULES, "--output", image,
                            "--strip-debug", "--no-man-pages", "--no-header-files", "--generate-cds-archive"], check=True,
                           stdout=subprocess.DEVNULL)
            rel = tf.Release(tmp, semver, image="jre", feature=semver.split(".")[0]).build_from_tree(image)
            rel.sign(os.path.join(tmp, "pgp"))
            fpr = open(os.path.join(tmp, "pgp", "rsa.fpr")).read().strip()
            with open(os.path.join(tmp, "adoptium.asc"), "w") as f:
                subprocess.run(["gpg", "--batch", "--quiet", "--homedir", os.path.join(tmp, "pgp", "gnupg"), "--armor",
                                "--export", fpr], stdout=f, check=True)
            subprocess.run(["gpgconf", "--homedir", os.path.join(tmp, "pgp", "gnupg"), "--kill", "gpg-agent"],
                           stderr=subprocess.DEVNULL)
            with open(os.path.join(tmp, "adoptium.fpr"), "w") as f:
                f.write(fpr + "\n")
            with open(os.path.join(tmp, "release.json"), "w") as f:
                json.dump({"semver": semver, "feature": rel.feature, "name": rel.name}, f)
            shutil.rmtree(image)
            shutil.rmtree(os.path.join(tmp, "pgp"))
            open(os.path.join(tmp, ".complete"), "w").close()
            os.rename(tmp, dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


def publish(src, serve, base):
    meta = json.load(open(os.path.join(src, "release.json")))
    rel = tf.Release(serve, meta["semver"], image="jre", feature=meta["feature"])
    os.makedirs(os.path.join(serve, "bin"), exist_ok=True)
    for suffix in ("", ".sha256.txt", ".sig"):
        s, d = os.path.join(src, "bin", meta["name"] + suffix), rel.path + suffix
        if os.path.exists(d):
            os.unlink(d)
        try:
            os.link(s, d)
        except OSError:
            shutil.copyfile(s, d)
    rel.publish_latest(base.rstrip("/"))
    rel.publish_release(base.rstrip("/"))


def main(argv):
    if len(argv) >= 2 and argv[1] == "build":
        print(build(argv[2] if len(argv) > 2 else os.environ.get("KA_CLUSTER_CACHE", "/var/cache/kafka-appliance-test")))
        return 0
    if len(argv) == 5 and argv[1] == "publish":
        publish(argv[2], argv[3], argv[4])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
