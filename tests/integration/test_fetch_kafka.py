#!/usr/bin/env python3
"""Black-box tests of `kafka-appliance fetch` against a local HTTPS server with fault injection
(tests/support/artifact_server.py): releases made and signed at test time, no internet."""
import hashlib
import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.request
import ssl

sys.path.insert(0, os.path.join(os.environ.get("KA_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tests", "support"))
from ka_harness import KA, SRC, SUPPORT, check, finish, require, workspace  # noqa: E402,F401
require("gpg", "openssl")

work, dist, pgp = workspace("ka-fetch-")
failures = []
server = None


def sh(*args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, text=True, **kw).stdout.strip()


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_server():
    global server
    pf = os.path.join(work, "port")
    server = subprocess.Popen([sys.executable, os.path.join(SUPPORT, "artifact_server.py"), "--dir", dist,
                               "--tls-dir", os.path.join(work, "tls"), "--port-file", pf])
    for _ in range(300):
        if os.path.exists(pf):
            return int(open(pf).read())
        time.sleep(0.05)
    raise SystemExit("artifact server did not start")


def ctx():
    c = ssl.create_default_context(cafile=os.path.join(work, "tls", "ca.pem"))
    return c


def control(body):
    req = urllib.request.Request(f"{BASE}/_control", data=json.dumps(body).encode(), method="POST")
    urllib.request.urlopen(req, context=ctx()).read()


def server_log():
    return json.loads(urllib.request.urlopen(f"{BASE}/_log", context=ctx()).read())


def requests_since(n, path_part=""):
    return [e for e in server_log()[n:] if path_part in e["path"] and not e["path"].startswith("/_")]


def log_len():
    return len(server_log())


def run(root, *args, env=None):
    e = dict(os.environ)
    for k in list(e):
        if k.startswith("KAFKA_APPLIANCE_") or k.lower() in ("https_proxy", "http_proxy", "all_proxy", "no_proxy"):
            del e[k]
    e.update(env or {})
    cmd = [KA, "--root", root, "fetch", "--cacert", os.path.join(work, "tls", "ca.pem"), "--asf-url", BASE + "/",
           "--archive-url", BASE + "/archive/", "--adoptium-api-url", BASE + "/adoptium/", *args]
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e, timeout=300)
    p.elapsed = time.monotonic() - t0
    return p


def verified_files(root):
    out = []
    for d, _, files in os.walk(os.path.join(root, "var/cache/kafka-appliance/verified")):
        out += [os.path.join(d, f) for f in files if f.endswith(".tgz")]  # not the .asc and trust.json beside them
    return out


def part_files(root):
    d = os.path.join(root, "var/cache/kafka-appliance/partial")
    return os.listdir(d) if os.path.isdir(d) else []


def case(fn):
    name = fn.__name__
    try:
        control({"reset": True})
        fn(os.path.join(work, "roots", name))
        print(f"ok   {name}")
    except AssertionError as e:
        failures.append(name)
        print(f"FAIL {name}: {e}")
    return fn


def ok_json(p):
    check(p.returncode == 0, "expected success", p)
    return json.loads(p.stdout)


def fails_cleanly(p, root, *needles):
    check(p.returncode != 0, "expected a failure", p)
    check(p.stderr.startswith("error: ") or "\nerror: " in p.stderr, "expected an error line", p)
    for n in needles:
        check(n in p.stderr, f"expected {n!r} in the error", p)
    check(verified_files(root) == [], f"nothing may be in the verified cache: {verified_files(root)}")


# --- fixtures ----------------------------------------------------------------------------------
V = "9.9.0"
NAME = f"kafka_2.13-{V}.tgz"
PATH = f"/kafka/{V}/{NAME}"
tgz = sh(os.path.join(SUPPORT, "make_kafka_release.sh"), dist, V, "3")
size = os.path.getsize(tgz)
digest = hashlib.sha512(open(tgz, "rb").read()).hexdigest()
KEYS = os.path.join(pgp, "KEYS")
good_asc = open(tgz + ".asc").read()
# A catalogued release (a catalog given with --catalog) signed by a key only the live KEYS knows.
CV = "9.8.0"
ctgz = sh(os.path.join(SUPPORT, "make_kafka_release.sh"), dist, CV, "1")
catalog = os.path.join(work, "catalog.txt")
with open(catalog, "w") as f:
    f.write(f"# test catalog\n{CV} 2.13 9.8-IV0 {hashlib.sha512(open(ctgz, 'rb').read()).hexdigest()}\n")
subprocess.run([os.path.join(SUPPORT, "make_pgp_fixtures.sh"), pgp, ctgz], check=True,
               env={**os.environ, "KA_PGP_KEY": "ed"}, stdout=subprocess.DEVNULL)
other_file = os.path.join(work, "other.bin")
with open(other_file, "wb") as f:
    f.write(b"not the release")
subprocess.run([os.path.join(SUPPORT, "make_pgp_fixtures.sh"), pgp, other_file], check=True, stdout=subprocess.DEVNULL)
bad_asc = open(other_file + ".asc").read()
subprocess.run([os.path.join(SUPPORT, "make_pgp_fixtures.sh"), pgp, other_file], check=True,
               env={**os.environ, "KA_PGP_KEY": "other"}, stdout=subprocess.DEVNULL)
other_key_asc = None  # made per case below

PORT = start_server()
BASE = f"https://127.0.0.1:{PORT}"
DOWN = f"https://127.0.0.1:{closed_port()}/apache/"
KAFKA = ["--kafka-version", V, "--java", "system", "--keys", KEYS, "--json"]


def set_asc(text):
    with open(tgz + ".asc", "w") as f:
        f.write(text)


try:
    @case
    def down_mirror_then_asf_then_cache_then_offline(root):
        n = log_len()
        p = run(root, "--mirror", DOWN, *KAFKA)
        j = ok_json(p)["kafka"]
        check(j["digest"] == digest and j["from_cache"] is False, f"bad result {j}")
        check(j["source"] == f"{BASE}{PATH}", f"expected the ASF source, got {j['source']}")
        check(os.path.isfile(j["path"]) and j["path"].startswith(root), "the cached path must exist under --root")
        check(hashlib.sha512(open(j["path"], "rb").read()).hexdigest() == digest, "cached bytes differ")
        check(DOWN.rstrip("/").replace("/apache", "") in p.stderr, "the down mirror must be reported with its URL", p)
        check(j["signer"].startswith(open(os.path.join(pgp, "rsa.fpr")).read().strip()), f"signer {j['signer']}")
        check(part_files(root) == [], "no .part may remain")
        # Second run: the cache, no network.
        n = log_len()
        p2 = run(root, "--mirror", DOWN, *KAFKA)
        j2 = ok_json(p2)["kafka"]
        check(j2["from_cache"] is True and j2["path"] == j["path"], f"expected the cache: {j2}")
        check(requests_since(n) == [], f"a cached run made requests: {requests_since(n)}")
        human = run(root, "--kafka-version", V, "--java", "system", "--keys", KEYS)
        check("used the cache" in human.stdout, "the human output must say it used the cache", human)
        # Offline with a warm cache: works, and nothing reaches the server.
        n = log_len()
        p3 = run(root, "--offline", *KAFKA)
        check(ok_json(p3)["kafka"]["from_cache"] is True, "offline with a warm cache must use it", p3)
        check(requests_since(n) == [], "offline made requests")

    @case
    def offline_empty_cache(root):
        n = log_len()
        p = run(root, "--offline", *KAFKA)
        fails_cleanly(p, root, "--offline", NAME, "--artifacts-dir")
        check(requests_since(n) == [], "offline made requests")

    @case
    def offline_artifacts_dir(root):
        art = os.path.join(work, "artifacts")
        os.makedirs(art, exist_ok=True)
        for ext in ("", ".sha512", ".asc"):
            shutil.copy(tgz + ext, art)
        n = log_len()
        j = ok_json(run(root, "--offline", "--artifacts-dir", art, *KAFKA))["kafka"]
        check(j["digest"] == digest and j["source"].startswith("file://"), f"bad result {j}")
        check(requests_since(n) == [], "offline made requests")
        check(len(verified_files(root)) == 1, "the artifact must be cached")

    @case
    def resume_after_cut(root):
        cut = 1_000_000
        control({"path": PATH, "fault": "cut", "after": cut, "times": 1})
        n = log_len()
        j = ok_json(run(root, *KAFKA))["kafka"]
        check(j["digest"] == digest, "digest")
        reqs = requests_since(n, NAME)
        reqs = [r for r in reqs if r["path"] == PATH]
        check(len(reqs) == 2, f"expected 2 requests of the tarball: {reqs}")
        check(reqs[0]["range"] is None and reqs[0]["sent"] == cut, f"first request: {reqs[0]}")
        check(reqs[1]["range"] == f"bytes={cut}-" and reqs[1]["status"] == 206, f"second request must resume: {reqs[1]}")
        total = sum(r["sent"] for r in reqs)
        check(total == size, f"bytes served {total} != size {size}: the download restarted")

    @case
    def cut_then_server_ignores_range(root):
        # The resumed request is answered 200 from byte 0: the bytes already had are skipped.
        cut = 700_000
        control([{"path": PATH, "fault": "cut", "after": cut, "times": 1},
                 {"path": PATH, "fault": "ignore_range", "times": -1}])
        n = log_len()
        j = ok_json(run(root, *KAFKA))["kafka"]
        check(j["digest"] == digest, "digest after a 200 to a Range request")
        reqs = [r for r in requests_since(n) if r["path"] == PATH]
        check(len(reqs) == 2 and reqs[1]["status"] == 200 and reqs[1]["range"] == f"bytes={cut}-",
              f"expected a ranged request answered 200: {reqs}")

    @case
    def retry_after_503(root):
        control({"path": PATH, "fault": "status", "status": 503, "retry_after": "2", "times": 1})
        n = log_len()
        p = run(root, *KAFKA)
        ok_json(p)
        reqs = [r for r in requests_since(n) if r["path"] == PATH]
        check([r["status"] for r in reqs] == [503, 200], f"expected 503 then 200: {reqs}")
        check(p.elapsed >= 2.0, f"Retry-After: 2 not honoured (took {p.elapsed:.2f}s)")
        check("503" in p.stderr, "the retry must be logged", p)

    @case
    def retry_on_429_then_next_source(root):
        # The downloads root answers 429 every time: after its tries, the archive serves it.
        arch = os.path.join(dist, "archive", "kafka", V)
        os.makedirs(arch, exist_ok=True)
        for ext in ("", ".sha512", ".asc"):
            shutil.copy(tgz + ext, arch)
        control({"path": PATH, "fault": "status", "status": 429, "times": -1})
        j = ok_json(run(root, *KAFKA))["kafka"]
        check(j["source"] == f"{BASE}/archive{PATH}", f"expected the archive: {j['source']}")
        shutil.rmtree(os.path.join(dist, "archive"))

    @case
    def digest_mismatch(root):
        wrong = "ab" * 64
        p = run(root, *KAFKA, "--sha512", wrong)
        fails_cleanly(p, root, "SHA-512 mismatch", NAME, wrong)
        check(part_files(root) == [], "the bad .part must be discarded")

    @case
    def bad_signature(root):
        set_asc(bad_asc)
        try:
            fails_cleanly(run(root, *KAFKA), root, NAME)
        finally:
            set_asc(good_asc)

    @case
    def signature_by_key_not_in_keys(root):
        set_asc(open(other_file + ".asc").read())  # signed by "other", which KEYS lacks
        try:
            p = run(root, *KAFKA)
            fails_cleanly(p, root, open(os.path.join(pgp, "other.fpr")).read().strip()[-16:])
        finally:
            set_asc(good_asc)

    @case
    def truncated_asc(root):
        set_asc(good_asc[: len(good_asc) // 2])
        try:
            fails_cleanly(run(root, *KAFKA), root, ".asc")
        finally:
            set_asc(good_asc)

    @case
    def uncatalogued_needs_trusted_key(root):
        # Without --keys the test signer is in neither the pinned KEYS nor --keys; the live KEYS
        # (which has it) must not be consulted for an uncatalogued version.
        n = log_len()
        p = run(root, "--kafka-version", V, "--java", "system")
        fails_cleanly(p, root)
        check(not any(r["path"] == "/kafka/KEYS" for r in requests_since(n)), "live KEYS used for an uncatalogued version")

    @case
    def uncatalogued_without_sha512_file(root):
        p = run(root, "--kafka-version", "9.7.0", "--java", "system", "--keys", KEYS)
        fails_cleanly(p, root, "not in the catalog", "--sha512")

    @case
    def catalogued_signed_by_live_keys(root):
        n = log_len()
        cat = ["--catalog", catalog]
        p = run(root, "--kafka-version", CV, "--java", "system", "--json", *cat)
        j = ok_json(p)["kafka"]
        check(j["trust"] == "--catalog", f"trust {j['trust']}")
        check(len(j["overrides"]) == 1 and j["overrides"][0].startswith(f"--catalog {catalog} (sha256 "), f"overrides {j}")
        check("instead of the built-in Kafka catalog" in p.stderr, "--catalog must warn", p)
        check(j["signer"].startswith(open(os.path.join(pgp, "ed.fpr")).read().strip()), f"signer {j['signer']}")
        check(any(r["path"] == "/kafka/KEYS" for r in requests_since(n)), "the live KEYS must be fetched")
        # The cached copy is checked again, with the live KEYS kept beside it: no request.
        n = log_len()
        j2 = ok_json(run(root, "--kafka-version", CV, "--java", "system", "--json", *cat))["kafka"]
        check(j2["from_cache"] is True and j2["signer"] == j["signer"], f"cached run {j2}")
        check(requests_since(n) == [], f"a cached run made requests: {requests_since(n)}")
        # The pinned digest is checked first: a tampered tarball fails even with a good KEYS.
        root2 = root + "-tampered"
        bad = open(ctgz, "rb").read()
        os.rename(ctgz, ctgz + ".orig")
        with open(ctgz, "wb") as f:
            f.write(bad[:-10] + b"0123456789")
        try:
            fails_cleanly(run(root2, "--kafka-version", CV, "--java", "system", *cat), root2, "SHA-512 mismatch")
        finally:
            os.replace(ctgz + ".orig", ctgz)

    @case
    def env_catalog_has_no_effect(root):
        # KAFKA_APPLIANCE_TEST_CATALOG was a hidden way to replace the catalog: it is ignored now,
        # so CV is uncatalogued and its signer (in no trusted KEYS) is refused.
        p = run(root, "--kafka-version", CV, "--java", "system", "--json", env={"KAFKA_APPLIANCE_TEST_CATALOG": catalog})
        fails_cleanly(p, root)
        check("catalog" not in p.stdout, "no catalog trust may be reported", p)

    @case
    def sha512_pin_does_not_become_signature_trust(root):
        # Issue 7 item 5b: a build fetched with --sha512 alone (no .sha512, no .asc served) must
        # not be reused later as if a signature had vouched for it.
        v = "3.9.99"
        t = sh(os.path.join(SUPPORT, "make_kafka_release.sh"), dist, v, "1")
        for ext in (".sha512", ".asc"):
            os.remove(t + ext)
        h = hashlib.sha512(open(t, "rb").read()).hexdigest()
        j = ok_json(run(root, "--kafka-version", v, "--java", "system", "--json", "--sha512", h))["kafka"]
        check(j["trust"] == "--sha512" and j["signer"] == "", f"first fetch {j}")
        p = run(root, "--kafka-version", v, "--java", "system", "--json")
        check(p.returncode != 0, "without --sha512 the unsigned cached build must not be trusted", p)
        check(".sha512 + signature" not in p.stdout, "trust must not be reported", p)
        check("no signature on record" in p.stderr or "not in the catalog" in p.stderr, "the reason must be given", p)
        p = run(root, "--offline", "--kafka-version", v, "--java", "system", "--json")
        check(p.returncode != 0 and "no signature on record" in p.stderr, "offline: refused with the reason", p)
        # With the pin again, the cache serves it.
        j = ok_json(run(root, "--offline", "--kafka-version", v, "--java", "system", "--json", "--sha512", h))["kafka"]
        check(j["from_cache"] is True and j["trust"] == "--sha512", f"pinned again {j}")

    @case
    def cached_release_is_checked_with_the_keys_in_effect(root):
        ok_json(run(root, *KAFKA))
        check(os.path.isfile(verified_files(root)[0] + ".asc") if verified_files(root) else False, "the .asc is cached")
        # Without --keys the test signer is not trusted: the cached copy must not be either.
        p = run(root, "--offline", "--kafka-version", V, "--java", "system", "--json")
        check(p.returncode != 0 and "not in the pinned Apache Kafka KEYS" in p.stderr, "cache re-checked with the current keys", p)

    @case
    def corrupt_cached_release_is_downloaded_again(root):
        j = ok_json(run(root, *KAFKA))["kafka"]
        with open(j["path"], "r+b") as f:
            f.seek(1000)
            f.write(b"\0" * 64)
        p = run(root, *KAFKA)
        j2 = ok_json(p)["kafka"]
        check(j2["from_cache"] is False and j2["digest"] == digest, f"expected a fresh download: {j2}")
        check("corrupt" in p.stderr, "the corruption must be reported", p)

    @case
    def planted_index_and_tarball_are_not_trusted(root):
        cache = os.path.join(root, "var/cache/kafka-appliance")
        d = os.path.join(cache, "verified", "sha512-" + digest)
        os.makedirs(d)
        os.makedirs(os.path.join(cache, "index"))
        shutil.copy(tgz, d)
        with open(os.path.join(cache, "index", f"kafka_2.13-{V}.json"), "w") as f:
            json.dump({"name": NAME, "version": V, "sha512": digest, "signer": "X", "trust": ".sha512 + signature"}, f)
        p = run(root, "--offline", *KAFKA)
        check(p.returncode != 0 and "no signature on record" in p.stderr, "a planted unsigned tarball must be refused", p)

    @case
    def loose_cache_directory_is_refused(root):
        cache = os.path.join(root, "var/cache/kafka-appliance")
        os.makedirs(cache)
        os.chmod(cache, 0o775)
        p = run(root, *KAFKA)
        check(p.returncode == 3 and cache in p.stderr and "0775" in p.stderr and "chmod go-w" in p.stderr,
              "a group-writable cache must be refused, naming it, its mode and the fix", p)
        os.chmod(cache, 0o755)
        os.chown(cache, 4321, 4321)
        p = run(root, *KAFKA)
        check(p.returncode == 3 and "uid 4321" in p.stderr, "a cache owned by another user must be refused", p)
        os.chown(cache, 0, 0)
        os.makedirs(os.path.join(cache, "verified"))
        os.chmod(os.path.join(cache, "verified"), 0o777)
        p = run(root, *KAFKA)
        check(p.returncode == 3 and os.path.join(cache, "verified") in p.stderr, "a loose verified/ must be refused", p)

    @case
    def private_build_of_a_catalogued_version(root):
        # Issue 7 item 9: a catalogued version must match the catalog unless --private-build.
        v = "3.9.1"
        t = sh(os.path.join(SUPPORT, "make_kafka_release.sh"), dist, v, "1")
        h = hashlib.sha512(open(t, "rb").read()).hexdigest()
        base = ["--kafka-version", v, "--java", "system", "--json", "--keys", KEYS]
        p = run(root, *base, "--sha512", h)
        check(p.returncode == 2 and "--private-build" in p.stderr, "a non-catalog digest needs --private-build", p)
        p = run(root, *base, "--private-build")
        check(p.returncode == 2 and "--private-build needs --sha512" in p.stderr, "--private-build needs --sha512", p)
        check(verified_files(root) == [], "nothing cached")
        p = run(root, *base, "--private-build", "--sha512", h)
        j = ok_json(p)["kafka"]
        check(j["trust"] == "--private-build --sha512" and "--private-build" in j["overrides"], f"result {j}")
        check(j["signer"].startswith(open(os.path.join(pgp, "rsa.fpr")).read().strip()), f"signer {j}")
        check("--private-build" in p.stderr and "warn" in p.stderr, "--private-build must warn", p)
        # From --artifacts-dir, offline, into a fresh cache: the same rule.
        art = os.path.join(work, "art-private")
        os.makedirs(art, exist_ok=True)
        for ext in ("", ".sha512", ".asc"):
            shutil.copy(t + ext, art)
        root2 = root + "-art"
        p = run(root2, "--offline", "--artifacts-dir", art, *base, "--sha512", h)
        check(p.returncode == 2 and "--private-build" in p.stderr, "--artifacts-dir: refused without --private-build", p)
        j = ok_json(run(root2, "--offline", "--artifacts-dir", art, *base, "--private-build", "--sha512", h))["kafka"]
        check(j["trust"] == "--private-build --sha512" and j["source"].startswith("file://"), f"artifacts dir {j}")

    @case
    def newer_than_the_catalog_works_with_sha512_and_signature(root):
        # Issue 8 item 5: 4.4.x is not catalogued; its .sha512 and a good .asc by a key in --keys suffice.
        v = "4.4.0"
        t = sh(os.path.join(SUPPORT, "make_kafka_release.sh"), dist, v, "1")
        p = run(root, "--kafka-version", v, "--java", "system", "--json", "--keys", KEYS)
        j = ok_json(p)["kafka"]
        check(j["trust"] == ".sha512 + signature" and j["digest"] == hashlib.sha512(open(t, "rb").read()).hexdigest(), f"{j}")
        check(j["signer"].startswith(open(os.path.join(pgp, "rsa.fpr")).read().strip()), f"signer {j}")
        check(j["source"] == f"{BASE}/kafka/{v}/kafka_2.13-{v}.tgz", f"source {j['source']}")
        # Without a trusted signer it is refused.
        fails_cleanly(run(root + "-nokeys", "--kafka-version", v, "--java", "system"), root + "-nokeys")
        # The default is the newest catalogued release.
        h = subprocess.run([KA, "fetch", "--help"], stdout=subprocess.PIPE, text=True).stdout
        check("4.3.1" in h, f"fetch --help must name the default 4.3.1: {h}")

    @case
    def no_proxy_and_https_proxy(root):
        # A dead proxy with no_proxy covering the server: the proxy is bypassed.
        dead = f"http://127.0.0.1:{closed_port()}"
        ok_json(run(root, *KAFKA, env={"https_proxy": dead, "no_proxy": "127.0.0.1"}))
        # A working CONNECT proxy: the download goes through it.
        seen = []

        class Proxy(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        class H(socketserver.BaseRequestHandler):
            def handle(self):
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = self.request.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                line = data.split(b"\r\n")[0].decode()
                seen.append(line)
                host, port = line.split()[1].rsplit(":", 1)
                up = socket.create_connection((host, int(port)))
                self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                def pump(a, b):
                    try:
                        while True:
                            d = a.recv(65536)
                            if not d:
                                break
                            b.sendall(d)
                    except OSError:
                        pass
                    finally:
                        try:
                            b.shutdown(socket.SHUT_WR)
                        except OSError:
                            pass
                t = threading.Thread(target=pump, args=(up, self.request))
                t.start()
                pump(self.request, up)
                t.join()
                up.close()

        px = Proxy(("127.0.0.1", 0), H)
        threading.Thread(target=px.serve_forever, daemon=True).start()
        try:
            root2 = root + "-proxy"
            ok_json(run(root2, *KAFKA, env={"https_proxy": f"http://127.0.0.1:{px.server_address[1]}"}))
            check(any(s.startswith(f"CONNECT 127.0.0.1:{PORT}") for s in seen), f"the proxy saw no CONNECT: {seen}")
        finally:
            px.shutdown()

    @case
    def bad_inputs(root):
        p = run(root, *KAFKA, "--sha512", "xyz")
        check(p.returncode == 2 and "--sha512" in p.stderr, "a malformed --sha512 is bad input", p)
        p = run(root, *KAFKA, "--mirror", "ftp://x/")
        check(p.returncode == 2 and "--mirror" in p.stderr, "a non-http mirror is bad input", p)
        p = run(root, "--kafka-version", "nine", "--java", "system")
        check(p.returncode == 2 and "nine" in p.stderr, "a bad version is bad input", p)
        p = run(root, *KAFKA, "--keys", "/nonexistent/KEYS")
        check(p.returncode == 2 and "/nonexistent/KEYS" in p.stderr, "a missing --keys file is bad input", p)
        check(verified_files(root) == [], "nothing cached")
finally:
    finish(work, failures, server)
