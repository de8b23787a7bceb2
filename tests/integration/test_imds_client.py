#!/usr/bin/env python3
"""The cloud area's IMDSv2 client (through tests/imds/imds_probe) against the IMDS emulator on
127.0.0.1: real libcurl, real token semantics, and the faults a first boot meets (service down,
slow beyond the timeout, 500s, tokens refused, tags not enabled)."""
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("KA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
BUILD = os.environ.get("KA_BUILD_DIR", os.path.join(SRC, "build"))
PROBE = os.path.join(BUILD, "imds_probe")
sys.path.insert(0, os.path.join(SRC, "tests", "imds"))
from emulator_case import EmulatorCase, load  # noqa: E402


def probe(url, *args, env=None):
    p = subprocess.run([PROBE, "--endpoint", url, *args], capture_output=True, text=True, timeout=60,
                       env=env or os.environ)
    return p.returncode, p.stdout


class ClientTest(EmulatorCase):
    def control(self, path, body=b"", method="POST"):
        urllib.request.urlopen(urllib.request.Request(self.ctl + path, data=body, method=method), timeout=5).read()

    def log(self):
        return json.loads(urllib.request.urlopen(self.ctl + "/log", timeout=5).read())

    def test_reads_identity_tags_and_user_data_over_v2(self):
        # A proxy in the environment must not be used for the link-local service.
        env = dict(os.environ, http_proxy="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
        rc, out = probe(self.emu.url, env=env)
        self.assertEqual(rc, 0, out)
        md = json.loads(out)
        self.assertEqual(md["instance_id"], "i-0a1b2c3d4e5f60001")
        self.assertEqual(md["local_ipv4"], "10.0.1.11")
        self.assertEqual(md["availability_zone"], "us-east-1a")
        self.assertTrue(md["tags_visible"])
        self.assertEqual(md["tags"]["kafka-appliance:role"], "controller")
        self.assertEqual(md["tags"]["kafka-appliance:controllers"], "1@10.0.1.11:9093,2@10.0.1.12:9093,3@10.0.1.13:9093")
        self.assertNotIn("Name", md["tags"])
        self.assertIn('kafka-version = "4.1.1"', md["user_data"])
        log = self.log()
        self.assertEqual(log[0]["method"], "PUT")
        self.assertEqual(sum(1 for e in log if e["method"] == "PUT"), 1, "one token for the whole read")
        self.assertTrue(all(e["v2"] for e in log), log)

    def test_tags_not_enabled_and_no_user_data(self):
        self.control("/instance", json.dumps(load("no-tags.json")).encode(), "PUT")
        rc, out = probe(self.emu.url)
        self.assertEqual(rc, 0, out)
        md = json.loads(out)
        self.assertFalse(md["tags_visible"])
        self.assertIsNone(md["user_data"])

    def test_down_names_the_endpoint_and_the_hop_limit(self):
        self.control("/fault", b"down")
        start = time.monotonic()
        rc, out = probe(self.emu.url, "--attempts", "2")
        self.assertEqual(rc, 1, out)
        self.assertIn(f"no answer from the instance metadata service at {self.emu.url}", out)
        self.assertIn("PUT /latest/api/token", out)
        self.assertIn("hop limit", out)
        self.assertLess(time.monotonic() - start, 10)

    def test_slow_beyond_the_timeout_fails_fast(self):
        self.control("/fault", b"slow 5")
        start = time.monotonic()
        rc, out = probe(self.emu.url, "--timeout-ms", "500", "--attempts", "2")
        self.assertEqual(rc, 1, out)
        self.assertIn("timed out", out)
        self.assertIn("--http-put-response-hop-limit 2", out)
        self.assertLess(time.monotonic() - start, 4, "2 tries of 0.5 s and a short backoff")

    def test_slow_within_the_timeout_works(self):
        self.control("/fault", b"slow 0.2")
        rc, out = probe(self.emu.url, "--timeout-ms", "3000")
        self.assertEqual(rc, 0, out)

    def test_500_then_recovery_is_retried(self):
        self.control("/fault", b"500")
        rc, out = probe(self.emu.url, "--attempts", "2")
        self.assertEqual(rc, 1, out)
        self.assertIn("answered 500", out)
        self.assertEqual(sum(1 for e in self.log() if e["status"] == 500), 2, "bounded: 2 tries")
        self.control("/fault", b"none")
        rc, out = probe(self.emu.url)
        self.assertEqual(rc, 0, out)

    def test_v1_only_when_allowed(self):
        # A service without tokens (the PUT answers 404) that answers plain GETs.
        self.control("/imdsv2", b"off")
        self.control("/imdsv1", b"on")
        rc, out = probe(self.emu.url)
        self.assertEqual(rc, 1, out)
        self.assertIn("answered 404 to PUT /latest/api/token", out)
        self.assertIn("--imds-v1", out)
        self.assertFalse(any(e["method"] == "GET" for e in self.log()), "no GET without a token unless allowed")
        rc, out = probe(self.emu.url, "--v1")
        self.assertEqual(rc, 0, out)
        self.assertEqual(json.loads(out)["local_ipv4"], "10.0.1.11")
        # Tokens required again: --imds-v1 still uses a token when it can get one.
        self.control("/imdsv2", b"on")
        self.control("/imdsv1", b"off")
        n = len(self.log())
        rc, out = probe(self.emu.url, "--v1")
        self.assertEqual(rc, 0, out)
        self.assertTrue(all(e["v2"] for e in self.log()[n:] if e["method"] == "GET"))

if __name__ == "__main__":
    if not os.path.exists(PROBE):
        print(f"SKIP: {PROBE} not built (cmake --build the build directory)")
        sys.exit(77)
    unittest.main(verbosity=2)
