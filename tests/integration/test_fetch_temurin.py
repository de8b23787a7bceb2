#!/usr/bin/env python3
"""Black-box tests of Temurin resolution in `kafka-appliance fetch`: an Adoptium-API-like answer,
a Temurin-like tarball, its .sha256.txt and a .sig made by real gpg, all served by
tests/support/artifact_server.py; the throwaway signing key is trusted with the documented flag
--adoptium-key FILE (which warns and is recorded). KAFKA_APPLIANCE_TEST_ADOPTIUM_FINGERPRINT, the
hidden seam this replaced, must have no effect."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import ssl

sys.path.insert(0, os.path.join(os.environ.get("KA_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tests", "support"))
from ka_harness import KA, SRC, SUPPORT, check, finish, require, workspace  # noqa: E402,F401
import temurin_fixture  # noqa: E402
require("gpg", "openssl")

work, dist, pgp = workspace("ka-temurin-")
failures = []

REL = "jdk-21.0.9+10"
NAME = "OpenJDK21U-jre_x64_linux_hotspot_21.0.9_10.tar.gz"
bin_dir = os.path.join(dist, "bin")
os.makedirs(bin_dir)
stage = os.path.join(work, "stage", f"{REL}-jre", "bin")
os.makedirs(stage)
with open(os.path.join(stage, "java"), "w") as f:
    f.write("#!/bin/sh\necho 'openjdk 21.0.9 (test double)'\n")
with open(os.path.join(stage, "blob"), "wb") as f:
    f.write(os.urandom(1 << 20))
tgz = os.path.join(bin_dir, NAME)
with tarfile.open(tgz, "w:gz") as t:
    t.add(os.path.join(work, "stage", f"{REL}-jre"), arcname=f"{REL}-jre")
sha = hashlib.sha256(open(tgz, "rb").read()).hexdigest()
with open(tgz + ".sha256.txt", "w") as f:
    f.write(f"{sha}  {NAME}\n")
subprocess.run([os.path.join(SUPPORT, "make_pgp_fixtures.sh"), pgp, tgz], check=True, stdout=subprocess.DEVNULL,
               env={**os.environ, "KA_PGP_ARMOR": "0", "KA_PGP_DIGEST": "SHA256"})
FPR = open(os.path.join(pgp, "rsa.fpr")).read().strip()
PINNED = "3B04D753C9050D9A5D343F39843C48A565F8F04B"  # the real Adoptium key (src/verify/pinned.cpp)
KEY = os.path.join(work, "adoptium-test.asc")  # the test signer's public key alone
with open(KEY, "w") as f:
    subprocess.run(["gpg", "--batch", "--quiet", "--homedir", os.path.join(pgp, "gnupg"), "--armor", "--export", FPR],
                   stdout=f, check=True)
os.makedirs(os.path.join(dist, "pks"))
shutil.copy(os.path.join(pgp, "KEYS"), os.path.join(dist, "pks", "lookup"))

server, BASE, CA = temurin_fixture.start_server(work, dist)


def write_api(checksum=sha):
    answer = [{"binary": {"architecture": "x64", "heap_size": "normal", "image_type": "jre", "jvm_impl": "hotspot",
                          "os": "linux", "package": {"checksum": checksum, "checksum_link": f"{BASE}/bin/{NAME}.sha256.txt",
                                                     "link": f"{BASE}/bin/{NAME}", "name": NAME,
                                                     "signature_link": f"{BASE}/bin/{NAME}.sig",
                                                     "size": os.path.getsize(tgz)}},
               "release_name": REL, "vendor": "eclipse", "version": {"major": 21, "semver": "21.0.9+10"}}]
    d = os.path.join(dist, "v3", "assets", "latest", "21")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "hotspot"), "w") as f:
        json.dump(answer, f)


def server_log():
    c = ssl.create_default_context(cafile=CA)
    return json.loads(urllib.request.urlopen(f"{BASE}/_log", context=c).read())


def run(root, *args, env=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_APPLIANCE_")}
    e.update(env or {})
    # Kafka comes from an --artifacts-dir with a pinned digest so only Temurin talks to the server.
    cmd = [KA, "--root", root, "fetch", "--cacert", CA, "--adoptium-api-url", BASE + "/", "--asf-url", BASE + "/asf/",
           "--archive-url", BASE + "/asf/", "--artifacts-dir", art, "--kafka-version", "9.9.0", "--sha512", kdigest,
           "--java-image", "jre", "--arch", "x86_64", "--json", *args]
    if "--java" not in args:
        cmd += ["--java", "21"]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e, timeout=300)


def verified(root):
    return [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(root, "var/cache/kafka-appliance/verified")) for f in fs]


art = os.path.join(work, "art")
os.makedirs(art)
ktgz = os.path.join(art, "kafka_2.13-9.9.0.tgz")
with open(ktgz, "wb") as f:
    f.write(b"a private kafka build")
kdigest = hashlib.sha512(open(ktgz, "rb").read()).hexdigest()


def case(fn):
    try:
        fn(os.path.join(work, "roots", fn.__name__))
        print(f"ok   {fn.__name__}")
    except AssertionError as e:
        failures.append(fn.__name__)
        print(f"FAIL {fn.__name__}: {e}")


try:
    write_api()

    @case
    def resolve_download_verify_then_cache(root):
        n = len(server_log())
        p = run(root, "--adoptium-key", KEY)
        check(p.returncode == 0, "expected success", p)
        j = json.loads(p.stdout)["java"]
        check(j["version"] == REL and j["name"] == NAME and j["digest"] == sha, f"bad result {j}")
        check(j["signer"].startswith(FPR), f"signer {j['signer']}")
        check(os.path.isfile(j["path"]), "cached file")
        # The override is explicit: warned about and reported.
        check(j["overrides"] == [f"--adoptium-key {KEY} ({FPR})"], f"overrides {j['overrides']}")
        check("instead of the pinned Adoptium key" in p.stderr and PINNED in p.stderr, "the override must warn", p)
        reqs = server_log()[n:]
        api = [r for r in reqs if r["path"] == "/v3/assets/latest/21/hotspot"]
        check(len(api) == 1 and "architecture=x64" in api[0]["query"] and "image_type=jre" in api[0]["query"]
              and "os=linux" in api[0]["query"], f"API query {api}")
        check(not any(r["path"].startswith("/pks") for r in reqs), "with --adoptium-key no key server is asked")
        # The signature is kept with the cached file.
        check(os.path.isfile(j["path"] + ".sig"), "the .sig must be cached beside the tarball")
        # A second run needs no network at all, and checks the cached file's signature again.
        n = len(server_log())
        p2 = run(root, "--adoptium-key", KEY)
        j2 = json.loads(p2.stdout)["java"] if p2.returncode == 0 else {}
        check(j2.get("from_cache") is True and j2.get("signer", "").startswith(FPR), "second run uses the cache", p2)
        check([r for r in server_log()[n:] if not r["path"].startswith("/_")] == [], "the second run made requests")
        p3 = run(root, "--offline", "--adoptium-key", KEY)
        check(p3.returncode == 0 and json.loads(p3.stdout)["java"]["from_cache"] is True, "offline uses the cache", p3)
        # Without the flag, the pinned key is in effect again: the cached JDK (signed by the test
        # key) is not trusted, offline or not.
        p4 = run(root, "--offline")
        check(p4.returncode != 0 and "Adoptium" in p4.stderr, "the cache must be checked with the key in effect now", p4)

    @case
    def key_server_key_must_have_the_pinned_fingerprint(root):
        # The default path: the key server's key is accepted only with the pinned fingerprint.
        p = run(root, "--adoptium-key-url", f"{BASE}/pks/lookup?op=get&search=0x{FPR}")
        check(p.returncode == 1 and PINNED in p.stderr, "a key without the pinned fingerprint must be refused", p)
        check(not any(NAME in v for v in verified(root)) and any(v.endswith("/kafka_2.13-9.9.0.tgz") for v in verified(root)),
              f"only Kafka may be cached: {verified(root)}")

    @case
    def env_fingerprint_has_no_effect(root):
        # The hidden seam of old: it must not swap the pinned key any more.
        p = run(root, "--adoptium-key-url", f"{BASE}/pks/lookup?op=get&search=0x{FPR}",
                env={"KAFKA_APPLIANCE_TEST_ADOPTIUM_FINGERPRINT": FPR})
        check(p.returncode == 1 and PINNED in p.stderr, "KAFKA_APPLIANCE_TEST_ADOPTIUM_FINGERPRINT must be ignored", p)
        check(not any(NAME in v for v in verified(root)), "nothing unverified cached")

    @case
    def wrong_signer(root):
        p = run(root, "--adoptium-key", os.path.join(pgp, "other.pub"))
        check(p.returncode == 1 and "error:" in p.stderr, "a signature by another key must fail", p)
        check(not any(NAME in v for v in verified(root)), "nothing unverified cached")

    @case
    def key_file_with_many_keys(root):
        p = run(root, "--adoptium-key", os.path.join(pgp, "KEYS"))
        check(p.returncode == 2 and "keys" in p.stderr and "KEYS" in p.stderr, "--adoptium-key must name one key", p)

    @case
    def api_and_sha256_txt_disagree(root):
        write_api(checksum="0" * 64)
        try:
            p = run(root, "--adoptium-key", KEY)
            check(p.returncode == 1 and ".sha256.txt" in p.stderr and "0" * 64 in p.stderr, "checksum disagreement", p)
            check(not any(NAME in v for v in verified(root)), "nothing unverified cached")
        finally:
            write_api()

    @case
    def offline_artifacts_dir(root):
        for ext in ("", ".sha256.txt", ".sig"):
            shutil.copy(tgz + ext, art)
        n = len(server_log())
        p = run(root, "--offline", "--adoptium-key", KEY)
        check(p.returncode == 0, "offline from --artifacts-dir", p)
        j = json.loads(p.stdout)["java"]
        check(j["digest"] == sha and j["source"].startswith("file://"), f"bad result {j}")
        check([r for r in server_log()[n:] if not r["path"].startswith("/_")] == [], "offline made requests")

    @case
    def offline_empty(root):
        p = run(root, "--offline", "--java", "17")
        check(p.returncode == 1 and "--offline" in p.stderr and "Temurin 17" in p.stderr, "offline, nothing cached", p)

    @case
    def java_system(root):
        p = run(root, "--java", "system")
        check(p.returncode == 0 and json.loads(p.stdout)["java"] == "system", "--java system fetches nothing", p)
finally:
    finish(work, failures, server)
