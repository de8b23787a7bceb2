#!/usr/bin/env python3
"""Downloads never leave TLS: an https:// source that redirects to plain http is refused (the
http server never sees a request), and links in an Adoptium API answer are followed only when
they are https:// (never file://, never http://). Local servers only: the HTTPS test server
(tests/support/artifact_server.py) and a plain HTTP server on 127.0.0.1 that logs requests."""
import hashlib
import http.server
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.request

sys.path.insert(0, os.path.join(os.environ.get("KA_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tests", "support"))
from ka_harness import KA, check, finish, require  # noqa: E402
from temurin_fixture import start_server  # noqa: E402
require("openssl")

work = tempfile.mkdtemp(prefix="ka-links-")
dist = os.path.join(work, "dist")
failures = []

# The artifacts: a private Kafka build (pinned by --sha512) and a Temurin-like tarball.
V = "9.9.0"
KNAME = f"kafka_2.13-{V}.tgz"
os.makedirs(os.path.join(dist, "asf", "kafka", V))
os.makedirs(os.path.join(dist, "bin"))
ktgz = os.path.join(dist, "asf", "kafka", V, KNAME)
with open(ktgz, "wb") as f:
    f.write(os.urandom(64 << 10))
kdigest = hashlib.sha512(open(ktgz, "rb").read()).hexdigest()
JNAME = "OpenJDK21U-jre_x64_linux_hotspot_21.0.9_10.tar.gz"
jtgz = os.path.join(dist, "bin", JNAME)
with open(jtgz, "wb") as f:
    f.write(os.urandom(64 << 10))
jsha = hashlib.sha256(open(jtgz, "rb").read()).hexdigest()
with open(jtgz + ".sha256.txt", "w") as f:
    f.write(f"{jsha}  {JNAME}\n")
with open(jtgz + ".sig", "wb") as f:
    f.write(b"not checked: the links are refused first")

# Plain HTTP on loopback, serving the same files, recording every request it gets.
plain_log = []


class Plain(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=dist, **kw)

    def do_GET(self):
        plain_log.append(self.path)
        super().do_GET()

    def log_message(self, *a):
        pass


plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Plain)
threading.Thread(target=plain.serve_forever, daemon=True).start()
PLAIN = f"http://127.0.0.1:{plain.server_address[1]}"

server, BASE, CA = start_server(work, dist)


def control(body):
    req = urllib.request.Request(f"{BASE}/_control", data=json.dumps(body).encode(), method="POST")
    urllib.request.urlopen(req, context=ssl.create_default_context(cafile=CA)).read()


def run(root, *args):
    e = {k: v for k, v in os.environ.items()
         if not k.startswith("KAFKA_APPLIANCE_") and k.lower() not in ("https_proxy", "http_proxy", "all_proxy", "no_proxy")}
    cmd = [KA, "--root", root, "fetch", "--cacert", CA, "--asf-url", BASE + "/asf/", "--archive-url", BASE + "/archive/",
           "--adoptium-api-url", BASE + "/", "--json", *args]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e, timeout=300)


def verified(root):
    return [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(root, "var/cache/kafka-appliance/verified")) for f in fs]


def write_api(link, checksum_link, signature_link):
    answer = [{"binary": {"architecture": "x64", "heap_size": "normal", "image_type": "jre", "jvm_impl": "hotspot",
                          "os": "linux", "package": {"checksum": jsha, "checksum_link": checksum_link, "link": link,
                                                     "name": JNAME, "signature_link": signature_link,
                                                     "size": os.path.getsize(jtgz)}},
               "release_name": "jdk-21.0.9+10", "vendor": "eclipse", "version": {"major": 21, "semver": "21.0.9+10"}}]
    d = os.path.join(dist, "v3", "assets", "latest", "21")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "hotspot"), "w") as f:
        json.dump(answer, f)


def case(fn):
    try:
        control({"reset": True})
        del plain_log[:]
        fn(os.path.join(work, "roots", fn.__name__))
        print(f"ok   {fn.__name__}")
    except AssertionError as e:
        failures.append(fn.__name__)
        print(f"FAIL {fn.__name__}: {e}")


KAFKA = ["--kafka-version", V, "--sha512", kdigest]
try:
    @case
    def plain_http_serves_the_release(root):
        # The control: the plain server does serve the file, so a client that followed the
        # redirect below would get it and succeed.
        body = urllib.request.urlopen(f"{PLAIN}/asf/kafka/{V}/{KNAME}").read()
        check(hashlib.sha512(body).hexdigest() == kdigest, "the plain server serves the release")

    @case
    def https_to_http_redirect_is_refused(root):
        for src in ("asf", "archive"):
            control({"path": f"/{src}/kafka/{V}/{KNAME}", "fault": "redirect", "times": -1,
                     "location": f"{PLAIN}/asf/kafka/{V}/{KNAME}"})
        p = run(root, *KAFKA, "--java", "system")
        check(p.returncode != 0, "a release reachable only by a downgrade to http must not be fetched", p)
        check([x for x in plain_log if KNAME in x] == [], f"the plain http server was asked: {plain_log}")
        check("refused a redirect from https to http://127.0.0.1" in p.stderr, "the error must say a downgrade was refused", p)
        check(verified(root) == [], f"nothing may be cached: {verified(root)}")

    @case
    def https_to_https_redirect_still_works(root):
        control({"path": f"/asf/kafka/{V}/{KNAME}", "fault": "redirect", "times": 1,
                 "location": f"{BASE}/archive-copy/{KNAME}"})
        os.makedirs(os.path.join(dist, "archive-copy"), exist_ok=True)
        with open(os.path.join(dist, "archive-copy", KNAME), "wb") as f:
            f.write(open(ktgz, "rb").read())
        p = run(root, *KAFKA, "--java", "system")
        check(p.returncode == 0, "an https redirect to https is followed", p)

    def refused_link(root, which, url):
        links = {"link": f"{BASE}/bin/{JNAME}", "checksum_link": f"{BASE}/bin/{JNAME}.sha256.txt",
                 "signature_link": f"{BASE}/bin/{JNAME}.sig"}
        links[which] = url
        write_api(**links)
        p = run(root, "--kafka-version", V, "--sha512", kdigest, "--artifacts-dir", os.path.dirname(ktgz), "--java", "21",
                "--java-image", "jre", "--arch", "x86_64")
        check(p.returncode != 0, f"an Adoptium {which} of {url} must be refused", p)
        check("https" in p.stderr and url.split(":")[0] + "://" in p.stderr and "only https" in p.stderr,
              "the error must name the link and say only https links are followed", p)
        check(plain_log == [], f"the plain http server was asked: {plain_log}")
        check([v for v in verified(root) if JNAME in v] == [], f"no JDK may be cached: {verified(root)}")

    @case
    def adoptium_file_link_is_refused(root):
        refused_link(root, "link", "file://" + jtgz)

    @case
    def adoptium_http_link_is_refused(root):
        refused_link(root, "link", f"{PLAIN}/bin/{JNAME}")

    @case
    def adoptium_file_checksum_link_is_refused(root):
        refused_link(root, "checksum_link", "file://" + jtgz + ".sha256.txt")

    @case
    def adoptium_http_signature_link_is_refused(root):
        refused_link(root, "signature_link", f"{PLAIN}/bin/{JNAME}.sig")
finally:
    plain.shutdown()
    finish(work, failures, server)
