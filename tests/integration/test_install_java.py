#!/usr/bin/env python3
"""Temurin through `kafka-appliance install`, end to end: the Adoptium API answer, a Temurin-like
tarball, its .sha256.txt and a .sig by real gpg served over HTTPS by
tests/support/artifact_server.py (tests/support/temurin_fixture.py builds them; the signing key is
trusted with the documented flag --adoptium-key FILE, which is recorded), streamed into the extractor under a
temp --root. Also a local --java-archive with --java-sha256.

Checked: /opt/temurin-<ver>-jre and /opt/java, modes and owners, state.json install.java, the
second run (nothing to do, no request), an upgrade that keeps the old JDK, --java-image jdk next
to an installed JRE, and that a bad signature, a foreign signer, a digest mismatch or a wrong
--java-sha256 leave /opt/java, the installed trees, state.json and the cache untouched."""
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.join(os.environ.get("KA_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tests", "support"))
from ka_harness import KA, SRC, SUPPORT, check, finish, require, workspace  # noqa: E402,F401
import temurin_fixture as tf  # noqa: E402

require("gpg", "openssl", "useradd", root=True)

work, dist, pgp = workspace("ka-install-java-")
failures = []

# A small Kafka-shaped tarball of an uncatalogued version, pinned with --sha512.
KV = "3.9.97"
ktgz = os.path.join(work, f"kafka_2.13-{KV}.tgz")
with tarfile.open(ktgz, "w:gz") as t:
    for name, data, mode in ((f"kafka_2.13-{KV}/bin/kafka-server-start.sh", b"#!/bin/sh\necho fake\n", 0o755),
                             (f"kafka_2.13-{KV}/config/server.properties", b"node.id=1\n", 0o644)):
        ti = tarfile.TarInfo(name)
        ti.size, ti.mode = len(data), mode
        t.addfile(ti, io.BytesIO(data))
KSHA = hashlib.sha512(open(ktgz, "rb").read()).hexdigest()

# The builds the fake Adoptium serves.
old = tf.Release(dist, "21.0.5+11").build()              # first "latest"
new = tf.Release(dist, "21.0.9+10").build()              # the upgrade
new_jdk = tf.Release(dist, "21.0.9+10", image="jdk").build()
badsig = tf.Release(dist, "21.0.10+7").build()           # .sig of other bytes
foreign = tf.Release(dist, "21.0.11+9").build()          # signed by a key that is not pinned
swapped = tf.Release(dist, "21.0.12+3").build()          # tarball replaced after its digest was published
old.sign(pgp)
FPR = open(os.path.join(pgp, "rsa.fpr")).read().strip()
for r in (new, new_jdk, swapped):
    r.sign(pgp)
decoy = os.path.join(work, "decoy.bin")
with open(decoy, "wb") as f:
    f.write(os.urandom(4096))
badsig.sign(pgp, over=decoy)
foreign.sign(pgp, key="other")
KEY = os.path.join(work, "adoptium.asc")
subprocess.run(["gpg", "--batch", "--quiet", "--homedir", os.path.join(pgp, "gnupg"), "--armor", "--export", FPR],
               stdout=open(KEY, "w"), check=True)

server, BASE, CA = tf.start_server(work, dist)
old.publish_latest(BASE)
new.publish_release(BASE, new_jdk)
badsig.publish_release(BASE)
foreign.publish_release(BASE)
swapped_sha = swapped.sha256
swapped.publish_release(BASE)
with open(swapped.path, "r+b") as f:  # same size, other bytes: only the download's digest can tell
    f.seek(os.path.getsize(swapped.path) // 2)
    f.write(b"\0" * 64)


def new_root(name):
    r = os.path.join(work, "roots", name)
    os.makedirs(os.path.join(r, "etc"))
    for fn, text, mode in (("passwd", "root:x:0:0:root:/root:/bin/bash\n", 0o644), ("group", "root:x:0:\n", 0o644),
                           ("shadow", "root:*:19000:0:99999:7:::\n", 0o640), ("gshadow", "root:*::\n", 0o640)):
        with open(os.path.join(r, "etc", fn), "w") as f:
            f.write(text)
        os.chmod(os.path.join(r, "etc", fn), mode)
    shutil.copy("/etc/login.defs", os.path.join(r, "etc", "login.defs"))
    return r


def run(root, *args, kafka=True):
    e = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_APPLIANCE_")}
    cmd = [KA, "--root", root, "install"]
    if kafka:
        cmd += ["--archive", ktgz, "--sha512", KSHA]
    cmd += ["--cacert", CA, "--adoptium-api-url", BASE + "/", "--adoptium-key", KEY, *args]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e, timeout=300)


def state(root):
    with open(os.path.join(root, "var/lib/kafka-appliance/state.json")) as f:
        return json.load(f)


def tree(d):
    """path -> (type, mode, size, link target) of every entry, as a re-run must leave it."""
    out = {}
    for dp, dns, fns in os.walk(d):
        for n in dns + fns:
            p = os.path.join(dp, n)
            st = os.lstat(p)
            out[os.path.relpath(p, d)] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_size,
                                          os.readlink(p) if stat.S_ISLNK(st.st_mode) else "", st.st_uid)
    return out


def opt(root):
    return sorted(os.listdir(os.path.join(root, "opt")))


def verified(root):
    return sorted(f for _, _, fs in os.walk(os.path.join(root, "var/cache/kafka-appliance/verified")) for f in fs)


def requests_since(n):
    return [r for r in tf.server_log(BASE, CA)[n:] if not r["path"].startswith("/_")]


def check_release_tree(root, d):
    top = os.path.join(root, "opt", d)
    check(os.path.isdir(top) and not os.path.islink(top), f"{d} missing")
    for rel, (kind, mode, _, _, uid) in tree(top).items():
        check(uid == 0, f"{d}/{rel} not owned by root")
        check(kind == stat.S_IFLNK or not mode & 0o022, f"{d}/{rel} is group/other-writable ({oct(mode)})")
        check(not mode & 0o7000, f"{d}/{rel} keeps special bits")
    check(stat.S_IMODE(os.stat(os.path.join(top, "release")).st_mode) == 0o644, "the archive's 0664 was not sealed to 0644")
    check(os.readlink(os.path.join(top, "lib/libjvm.so")) == "server/libjvm.so", "in-tree symlink")
    java = os.path.join(top, "bin/java")
    check(os.access(java, os.X_OK), "bin/java not executable")


def case(fn):
    try:
        fn()
        print(f"ok   {fn.__name__}")
    except AssertionError as e:
        failures.append(fn.__name__)
        print(f"FAIL {fn.__name__}: {e}")


R = new_root("main")
try:
    @case
    def first_install_from_adoptium():
        p = run(R, "--java", "21")
        check(p.returncode == 0, "install with --java 21", p)
        d = "temurin-21.0.5+11-jre"
        check_release_tree(R, d)
        check(os.readlink(os.path.join(R, "opt/java")) == d, "/opt/java link")
        check(os.readlink(os.path.join(R, "opt/kafka")) == f"kafka_2.13-{KV}", "/opt/kafka link")
        out = subprocess.run([os.path.join(R, "opt/java/bin/java")], capture_output=True, text=True).stdout
        check("21.0.5+11" in out, f"/opt/java/bin/java runs the unpacked JRE: {out}")
        check(f"created /opt/java -> {d}" in p.stdout, "link creation reported", p)
        j = state(R)["install"]["java"]
        check(j["version"] == "21.0.5+11-jre" and j["path"] == "/opt/" + d and j["link"] == "/opt/java", f"state {j}")
        check(j["artifact"] == old.name and j["artifact_digest"] == "sha256:" + old.sha256, f"state digest {j}")
        check(j["signed_by"].startswith(FPR), f"state signer {j}")
        check(j["overrides"] == [f"--adoptium-key {KEY} ({FPR})"], f"state must record the key override: {j}")
        check(len(j["tree_digest"]) == 64, f"tree digest {j}")
        check(stat.S_IMODE(os.stat(os.path.join(R, "var/lib/kafka-appliance/state.json")).st_mode) == 0o600, "state mode")
        check(not [n for n in opt(R) if "partial" in n or ".old." in n], f"staging left: {opt(R)}")
        check(old.name in verified(R), "the verified tarball is cached")

    @case
    def second_run_changes_nothing_and_asks_nobody():
        old_tree = tree(os.path.join(R, "opt/temurin-21.0.5+11-jre"))
        st = os.stat(os.path.join(R, "var/lib/kafka-appliance/state.json"))
        # A newer build is "latest" now: --java 21 keeps the installed 21 without asking.
        new.publish_latest(BASE)
        try:
            n = len(tf.server_log(BASE, CA))
            p = run(R, "--java", "21")
            check(p.returncode == 0 and "nothing to do" in p.stdout, "second run", p)
            check(requests_since(n) == [], f"the second run made requests: {requests_since(n)}")
        finally:
            old.publish_latest(BASE)
        st2 = os.stat(os.path.join(R, "var/lib/kafka-appliance/state.json"))
        check((st.st_ino, st.st_mtime_ns) == (st2.st_ino, st2.st_mtime_ns), "state.json rewritten")
        check(tree(os.path.join(R, "opt/temurin-21.0.5+11-jre")) == old_tree, "tree touched")
        # The exact release that is installed: same answer.
        p = run(R, "--java", "jdk-21.0.5+11", "--json")
        check(p.returncode == 0 and json.loads(p.stdout)["changed"] is False, "exact release, installed", p)

    @case
    def tampered_jdk_is_unpacked_again():
        rel = os.path.join(R, "opt/temurin-21.0.5+11-jre/release")
        before = tree(os.path.join(R, "opt/temurin-21.0.5+11-jre"))
        os.chmod(rel, 0o644)
        with open(rel, "a") as f:
            f.write("tampered\n")
        p = run(R, "--java", "21")
        check(p.returncode == 0 and "was changed since it was installed" in p.stderr, "tamper noticed", p)
        check("tampered" not in open(rel).read(), "tampered file kept")
        after = tree(os.path.join(R, "opt/temurin-21.0.5+11-jre"))
        check({k: v[:4] for k, v in after.items()} == {k: v[:4] for k, v in before.items()}, "re-unpacked tree differs")

    @case
    def upgrade_keeps_the_previous_jdk():
        before = tree(os.path.join(R, "opt/temurin-21.0.5+11-jre"))
        p = run(R, "--java", "jdk-21.0.9+10")
        check(p.returncode == 0, "upgrade", p)
        check("switched /opt/java -> temurin-21.0.9+10-jre (was temurin-21.0.5+11-jre, kept for rollback)" in p.stdout,
              "switch reported", p)
        check(os.readlink(os.path.join(R, "opt/java")) == "temurin-21.0.9+10-jre", "/opt/java not switched")
        check_release_tree(R, "temurin-21.0.9+10-jre")
        check(tree(os.path.join(R, "opt/temurin-21.0.5+11-jre")) == before, "previous JDK not kept intact")
        j = state(R)["install"]["java"]
        check(j["version"] == "21.0.9+10-jre" and j["artifact_digest"] == "sha256:" + new.sha256, f"state {j}")
        check(state(R)["install"]["kafka"]["version"] == KV, "the kafka section survives")
        p = run(R, "--java", "jdk-21.0.9+10")
        check(p.returncode == 0 and "nothing to do" in p.stdout, "idempotent after the upgrade", p)

    @case
    def jdk_image_next_to_an_installed_jre():
        p = run(R, "--java", "jdk-21.0.9+10", "--java-image", "jdk")
        check(p.returncode == 0, "--java-image jdk", p)
        check(os.readlink(os.path.join(R, "opt/java")) == "temurin-21.0.9+10", "/opt/java -> the JDK")
        check_release_tree(R, "temurin-21.0.9+10")
        out = subprocess.run([os.path.join(R, "opt/java/bin/java")], capture_output=True, text=True).stdout
        check("jdk)" in out, f"the JDK image: {out}")
        check(os.path.isdir(os.path.join(R, "opt/temurin-21.0.9+10-jre")), "the JRE is kept")
        # Back to the JRE: the recorded JDK does not satisfy it, the JRE tree is reused by name.
        p = run(R, "--java", "jdk-21.0.9+10", "--java-image", "jre")
        check(p.returncode == 0 and os.readlink(os.path.join(R, "opt/java")) == "temurin-21.0.9+10-jre", "back to jre", p)
        run(R, "--java", "jdk-21.0.9+10")  # so later cases start from a recorded JRE

    def refused(release, expect, code=1):
        snap = (os.readlink(os.path.join(R, "opt/java")), opt(R), state(R), verified(R),
                tree(os.path.join(R, "opt/temurin-21.0.9+10-jre")))
        p = run(R, "--java", release.release_name)
        check(p.returncode == code, f"exit {code} expected", p)
        check(expect in p.stderr and "nothing was installed" in p.stderr, f"message names '{expect}'", p)
        after = (os.readlink(os.path.join(R, "opt/java")), opt(R), state(R), verified(R),
                 tree(os.path.join(R, "opt/temurin-21.0.9+10-jre")))
        check(after == snap, f"something changed: {snap} -> {after}")
        check(not os.path.exists(os.path.join(R, "opt", tf_dir(release))), "unverified tree renamed into place")
        parts = os.listdir(os.path.join(R, "var/cache/kafka-appliance"))
        check(not [n for n in parts if n.endswith(".part")], f"unverified bytes left in the cache: {parts}")

    def tf_dir(release):
        return "temurin-" + release.top[len("jdk-"):]

    @case
    def bad_signature_leaves_everything_untouched():
        refused(badsig, "signature")

    @case
    def signer_not_pinned_is_refused():
        refused(foreign, "not in")

    @case
    def digest_mismatch_leaves_everything_untouched():
        refused(swapped, "SHA-256 mismatch")
        check(swapped_sha in run(R, "--java", swapped.release_name).stderr, "expected digest named")

    @case
    def java_archive_with_its_sha256():
        r = new_root("archive")
        p = run(r, "--java-archive", old.path, "--java-sha256", old.sha256.upper())
        check(p.returncode == 0, "--java-archive", p)
        check_release_tree(r, "temurin-21.0.5+11-jre")
        check(os.readlink(os.path.join(r, "opt/java")) == "temurin-21.0.5+11-jre", "/opt/java link")
        j = state(r)["install"]["java"]
        check(j["artifact"] == old.name and j["artifact_digest"] == "sha256:" + old.sha256 and "signed_by" not in j,
              f"state {j}")
        p = run(r, "--java-archive", old.path, "--java-sha256", old.sha256)
        check(p.returncode == 0 and "nothing to do" in p.stdout, "second run", p)
        snap = (opt(r), state(r), tree(os.path.join(r, "opt/temurin-21.0.5+11-jre")))
        # Another build with a digest that is not its own: exit 2, nothing renamed, /opt/java kept.
        # (The digest names the release: given the installed one's, nothing is read at all.)
        p = run(r, "--java-archive", new.path, "--java-sha256", badsig.sha256)
        check(p.returncode == 2 and "--java-archive" in p.stderr and "does not match" in p.stderr
              and new.sha256 in p.stderr, "wrong --java-sha256", p)
        check((opt(r), state(r), tree(os.path.join(r, "opt/temurin-21.0.5+11-jre"))) == snap, "changed after a mismatch")
        check(os.readlink(os.path.join(r, "opt/java")) == "temurin-21.0.5+11-jre", "/opt/java switched")
        # With the right digest the new build goes in beside the old one.
        p = run(r, "--java-archive", new.path, "--java-sha256", new.sha256)
        check(p.returncode == 0 and os.readlink(os.path.join(r, "opt/java")) == "temurin-21.0.9+10-jre", "upgrade", p)
        check(os.path.isdir(os.path.join(r, "opt/temurin-21.0.5+11-jre")), "old JDK kept")

    def plant(r, release, sig=None):
        """What an attacker with write access to the cache would leave: an index entry and a
        tarball under verified/, optionally with a .sig and a trust.json that claims it."""
        cache = os.path.join(r, "var/cache/kafka-appliance")
        d = os.path.join(cache, "verified", "sha256-" + release.sha256)
        os.makedirs(d, exist_ok=True)
        os.makedirs(os.path.join(cache, "index"), exist_ok=True)
        shutil.copy(release.path, os.path.join(d, release.name))
        with open(os.path.join(cache, "index", "temurin-21-jre-x64.json"), "w") as f:
            json.dump({"release_name": release.release_name, "name": release.name, "sha256": release.sha256,
                       "link": "https://example.invalid/x"}, f)
        if sig:
            shutil.copy(sig, os.path.join(d, release.name + ".sig"))
            with open(os.path.join(d, "trust.json"), "w") as f:
                json.dump({"name": release.name, "signature": release.name + ".sig", "trust": "planted", "signer": "me"}, f)

    @case
    def planted_cache_is_not_trusted():
        # Issue 7 item 5a: an index entry plus an unsigned tarball under verified/ must not be
        # installed as /opt/java offline.
        r = new_root("planted")
        plant(r, foreign)
        p = run(r, "--offline", "--java", "21")
        check(p.returncode != 0 and "no signature on record" in p.stderr, "an unsigned cached JDK must be refused", p)
        check(not os.path.lexists(os.path.join(r, "opt/java")), "/opt/java was created from a planted cache")
        check("java" not in state(r).get("install", {}), f"state records a java: {state(r)}")
        # With a .sig by a key that is not trusted: refused too, and removed from the cache.
        plant(r, foreign, sig=foreign.path + ".sig")
        p = run(r, "--offline", "--java", "21")
        check(p.returncode != 0 and not os.path.lexists(os.path.join(r, "opt/java")), "a foreign signer must be refused", p)
        check(foreign.name not in verified(r), "the untrusted cached JDK must be removed")
        # A genuinely signed file in the cache is re-checked and used offline.
        plant(r, old, sig=old.path + ".sig")
        p = run(r, "--offline", "--java", "21")
        check(p.returncode == 0 and os.readlink(os.path.join(r, "opt/java")) == "temurin-21.0.5+11-jre",
              "a cached JDK whose signature verifies is used offline", p)
        check(state(r)["install"]["java"]["signed_by"].startswith(FPR), f"signer recorded: {state(r)}")

    @case
    def cache_writable_by_others_is_refused():
        r = new_root("loose-cache")
        cache = os.path.join(r, "var/cache/kafka-appliance")
        os.makedirs(cache)
        os.chmod(cache, 0o777)
        p = run(r, "--java", "21")
        check(p.returncode == 3 and cache in p.stderr and "0777" in p.stderr and "chmod go-w" in p.stderr,
              "a world-writable cache must be refused with the fix", p)
        check(not os.path.lexists(os.path.join(r, "opt/java")), "/opt/java created")
        check("kafka:" not in open(os.path.join(r, "etc/passwd")).read(), "the refusal must come before any change")
        os.chmod(cache, 0o755)
        os.chown(cache, 1234, 1234)
        p = run(r, "--java", "21")
        check(p.returncode == 3 and "uid 1234" in p.stderr, "a cache owned by another user must be refused", p)

    @case
    def java_archive_usage_errors():
        r = new_root("usage")
        for args, msg in ((["--java-archive", old.path], "--java-archive needs --java-sha256"),
                          (["--java-archive", old.path, "--java-sha256", "abc"], "--java-sha256"),
                          (["--java-sha256", old.sha256], "--java-sha256 needs --java-archive"),
                          (["--java-archive", old.path, "--java-sha256", old.sha256, "--java", "system"], "contradict")):
            p = run(r, *args)
            check(p.returncode == 2 and msg in p.stderr, f"{args}: {msg}", p)
            check(not os.path.exists(os.path.join(r, "opt")), f"{args}: /opt created")
finally:
    finish(work, failures, server)
