#!/usr/bin/env python3
"""The IMDS emulator (tests/imds/imds_emulator.py) answers as EC2 does: the IMDSv2 token rules,
listings, 404s for absent tags and user-data, and faults switched at run time, both in-process
and as the command the image tests start (port file, control port, signals)."""
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("KA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(SRC, "tests", "imds"))
import imds_emulator  # noqa: E402
from emulator_case import INSTANCES, EmulatorCase, load  # noqa: E402


def request(url, method="GET", headers=None, data=None, timeout=5):
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


class EmulatorTest(EmulatorCase):
    def token(self, ttl="60"):
        st, body, _ = request(self.emu.url + "/latest/api/token", "PUT", {imds_emulator.TTL_HEADER: ttl})
        self.assertEqual(st, 200)
        return body

    def get(self, path, token=None):
        h = {imds_emulator.TOKEN_HEADER: token} if token is not None else {}
        return request(self.emu.url + path, headers=h)[:2]

    def test_token_ttl_bounds(self):
        for ttl, want in (("0", 400), ("21601", 400), ("abc", 400), ("-5", 400), ("1", 200), ("21600", 200)):
            st, _, _ = request(self.emu.url + "/latest/api/token", "PUT", {imds_emulator.TTL_HEADER: ttl})
            self.assertEqual(st, want, f"ttl {ttl}")
        st, _, _ = request(self.emu.url + "/latest/api/token", "PUT")
        self.assertEqual(st, 400, "a PUT without the TTL header")
        st, _, _ = request(self.emu.url + "/latest/api/token", "PUT",
                           {imds_emulator.TTL_HEADER: "60", "X-Forwarded-For": "10.0.0.1"})
        self.assertEqual(st, 403)

    def test_v2_values_and_listings(self):
        t = self.token()
        self.assertEqual(self.get("/latest/meta-data/instance-id", t), (200, "i-0a1b2c3d4e5f60001"))
        self.assertEqual(self.get("/latest/meta-data/local-ipv4", t), (200, "10.0.1.11"))
        self.assertEqual(self.get("/latest/meta-data/placement/availability-zone", t), (200, "us-east-1a"))
        st, listing = self.get("/latest/meta-data/", t)
        self.assertEqual(st, 200)
        self.assertIn("placement/", listing.splitlines())
        self.assertIn("instance-id", listing.splitlines())
        st, tags = self.get("/latest/meta-data/tags/instance/", t)
        self.assertEqual(sorted(tags.splitlines()), sorted(["Name", "kafka-appliance:role", "kafka-appliance:cluster-id",
                                                            "kafka-appliance:controllers"]))
        self.assertEqual(self.get("/latest/meta-data/tags/instance/kafka-appliance:role", t), (200, "controller"))
        st, ud = self.get("/latest/user-data", t)
        self.assertEqual(st, 200)
        self.assertIn('kafka-version = "4.1.1"', ud)
        self.assertEqual(self.get("/latest/meta-data/no-such-thing", t)[0], 404)

    def test_missing_tags_and_user_data_are_404(self):
        req = urllib.request.Request(f"{self.ctl}/instance", method="PUT", data=json.dumps(load("no-tags.json")).encode())
        urllib.request.urlopen(req, timeout=5).read()
        t = self.token()
        self.assertEqual(self.get("/latest/meta-data/tags/instance/", t)[0], 404)
        self.assertEqual(self.get("/latest/user-data", t)[0], 404)
        self.assertEqual(self.get("/latest/meta-data/local-ipv4", t), (200, "10.0.2.21"))

    def test_v1_refused_unless_enabled(self):
        self.assertEqual(self.get("/latest/meta-data/instance-id")[0], 401)
        request(f"{self.ctl}/imdsv1", "POST", data=b"on")
        self.assertEqual(self.get("/latest/meta-data/instance-id"), (200, "i-0a1b2c3d4e5f60001"))

    def test_bad_and_expired_tokens_are_401(self):
        self.assertEqual(self.get("/latest/meta-data/instance-id", "not-a-token")[0], 401)
        t = self.token("1")
        self.assertEqual(self.get("/latest/meta-data/instance-id", t)[0], 200)
        time.sleep(1.2)
        self.assertEqual(self.get("/latest/meta-data/instance-id", t)[0], 401, "a token past its TTL")
        t = self.token()
        request(f"{self.ctl}/expire-tokens", "POST")
        self.assertEqual(self.get("/latest/meta-data/instance-id", t)[0], 401)

    def test_faults_at_run_time(self):
        t = self.token()
        request(f"{self.ctl}/fault", "POST", data=b"500")
        self.assertEqual(self.get("/latest/meta-data/instance-id", t)[0], 500)
        request(f"{self.ctl}/fault", "POST", data=b"slow 1.5")
        start = time.monotonic()
        self.assertEqual(self.get("/latest/meta-data/instance-id", t)[0], 200)
        self.assertGreaterEqual(time.monotonic() - start, 1.4)
        request(f"{self.ctl}/fault", "POST", data=b"down")
        with self.assertRaises(urllib.error.URLError):
            urllib.request.urlopen(self.emu.url + "/latest/meta-data/", timeout=2)
        request(f"{self.ctl}/fault", "POST", data=b"none")
        self.assertEqual(self.get("/latest/meta-data/instance-id", t)[0], 200, "back on the same port, tokens kept")
        self.assertEqual(request(f"{self.ctl}/fault", "POST", data=b"bogus")[0], 400)
        log = json.loads(request(f"{self.ctl}/log")[1])
        self.assertIn(500, [e["status"] for e in log])

    def test_aemm_defaults_file(self):
        with open(os.path.join(SRC, "tests", "data", "aemm-metadata-default-values.json")) as f:
            emu = imds_emulator.Emulator(json.load(f)).start()
        try:
            st, t, _ = request(emu.url + "/latest/api/token", "PUT", {imds_emulator.TTL_HEADER: "60"})
            h = {imds_emulator.TOKEN_HEADER: t}
            self.assertEqual(request(emu.url + "/latest/meta-data/local-ipv4", headers=h)[:2], (200, "172.16.34.43"))
            self.assertEqual(request(emu.url + "/latest/meta-data/tags/instance/Name", headers=h)[:2], (200, "test-instance"))
            self.assertEqual(request(emu.url + "/latest/meta-data/placement/availability-zone", headers=h)[:2],
                             (200, "us-east-1a"))
        finally:
            emu.stop()


def request_from(source, port, path, method="GET", headers=None):
    """A request to 127.0.0.1:PORT from the source address SOURCE (any 127.x.y.z is local)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(source, 0))
    try:
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read().decode()
    finally:
        c.close()


class PerClientTest(unittest.TestCase):
    """--instances-dir: each client address gets its own instance, as the image tests' hosts do."""

    def test_each_address_its_own_instance(self):
        with tempfile.TemporaryDirectory() as d:
            for addr, name in (("127.0.0.2", "controller-1.json"), ("127.0.0.3", "broker-replaced.json")):
                with open(os.path.join(d, addr + ".json"), "w") as f:
                    json.dump(load(name), f)
            emu = imds_emulator.Emulator(instances_dir=d).start()
            try:
                def token(src):
                    st, t = request_from(src, emu.port, "/latest/api/token", "PUT", {imds_emulator.TTL_HEADER: "60"})
                    self.assertEqual(st, 200)
                    return {imds_emulator.TOKEN_HEADER: t}
                t2, t3 = token("127.0.0.2"), token("127.0.0.3")
                ip = "/latest/meta-data/local-ipv4"
                self.assertEqual(request_from("127.0.0.2", emu.port, ip, headers=t2), (200, "10.0.1.11"))
                self.assertEqual(request_from("127.0.0.3", emu.port, ip, headers=t3), (200, "10.0.2.99"))
                self.assertEqual(request_from("127.0.0.3", emu.port, ip, headers=t2)[0], 401, "another host's token")
                # an address without a file: every path is 404; a file written later is picked up
                t4 = token("127.0.0.4")
                self.assertEqual(request_from("127.0.0.4", emu.port, ip, headers=t4)[0], 404)
                with open(os.path.join(d, "127.0.0.4.json"), "w") as f:
                    json.dump(load("zookeeper-2.json"), f)
                self.assertEqual(request_from("127.0.0.4", emu.port, "/latest/meta-data/tags/instance/kafka-appliance:node-id",
                                              headers=t4), (200, "2"))
                log = json.loads(request(f"http://127.0.0.1:{emu.control_port}/log")[1])
                self.assertEqual({e["client"] for e in log}, {"127.0.0.2", "127.0.0.3", "127.0.0.4"})
                # down and up again for everyone, tokens kept
                request(f"http://127.0.0.1:{emu.control_port}/fault", "POST", data=b"down")
                with self.assertRaises(OSError):
                    request_from("127.0.0.2", emu.port, ip, headers=t2)
                request(f"http://127.0.0.1:{emu.control_port}/fault", "POST", data=b"none")
                self.assertEqual(request_from("127.0.0.2", emu.port, ip, headers=t2), (200, "10.0.1.11"))
            finally:
                emu.stop()

    def test_command_with_instances_dir_and_control_bind(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "127.0.0.5.json"), "w") as f:
                json.dump(load("controller-1.json"), f)
            pf = os.path.join(d, "ports")
            p = subprocess.Popen([sys.executable, os.path.join(SRC, "tests", "imds", "imds_emulator.py"),
                                  "--instances-dir", d, "--bind", "127.0.0.1", "--control-bind", "127.0.0.6",
                                  "--port-file", pf], stdout=subprocess.PIPE, text=True)
            try:
                port, cport = (int(x) for x in p.stdout.readline().split()[1::2])
                st, t = request_from("127.0.0.5", port, "/latest/api/token", "PUT", {imds_emulator.TTL_HEADER: "60"})
                self.assertEqual(request_from("127.0.0.5", port, "/latest/meta-data/instance-id",
                                              headers={imds_emulator.TOKEN_HEADER: t}), (200, "i-0a1b2c3d4e5f60001"))
                self.assertEqual(request(f"http://127.0.0.6:{cport}/fault", "POST", data=b"none")[0], 200)
                with self.assertRaises(OSError):
                    request(f"http://127.0.0.1:{cport}/log", timeout=2)
            finally:
                p.terminate()
                p.wait(timeout=10)


class CommandTest(unittest.TestCase):
    def test_port_file_and_signals(self):
        with tempfile.TemporaryDirectory() as tmp:
            pf = os.path.join(tmp, "ports")
            p = subprocess.Popen([sys.executable, os.path.join(SRC, "tests", "imds", "imds_emulator.py"),
                                  "--instance", os.path.join(INSTANCES, "controller-1.json"), "--port-file", pf],
                                 stdout=subprocess.PIPE, text=True)
            try:
                first = p.stdout.readline().split()
                self.assertEqual(first[0], "port")
                with open(pf) as f:
                    port, _ = f.read().split()
                self.assertEqual(port, first[1])
                url = f"http://127.0.0.1:{port}/latest/api/token"
                self.assertEqual(request(url, "PUT", {imds_emulator.TTL_HEADER: "10"})[0], 200)
                p.send_signal(signal.SIGUSR1)
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:
                    try:
                        request(url, "PUT", {imds_emulator.TTL_HEADER: "10"}, timeout=1)
                        time.sleep(0.1)
                    except OSError:  # URLError, or a reset from the closing listener
                        break
                else:
                    self.fail("SIGUSR1 did not take the metadata port down")
                p.send_signal(signal.SIGUSR2)
                deadline = time.monotonic() + 5
                while True:
                    try:
                        self.assertEqual(request(url, "PUT", {imds_emulator.TTL_HEADER: "10"}, timeout=1)[0], 200)
                        break
                    except OSError:  # URLError, or a reset from the closing listener
                        self.assertLess(time.monotonic(), deadline, "SIGUSR2 did not bring it back")
                        time.sleep(0.1)
            finally:
                p.terminate()
                p.wait(timeout=10)


if __name__ == "__main__":
    unittest.main(verbosity=2)
