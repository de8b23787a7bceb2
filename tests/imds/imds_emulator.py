#!/usr/bin/env python3
"""An EC2 instance metadata service (IMDS) for tests, on 127.0.0.1 (or --bind).

    imds_emulator.py (--instance FILE.json | --instances-dir DIR) [--port N] [--port-file F]
                     [--imdsv1] [--bind ADDR] [--control-bind ADDR]

--instance: one instance answers every client. --instances-dir: one emulator for many hosts, as
EC2's link-local service answers each instance with its own metadata: a request from source
address A gets DIR/A.json (read at each request, so hosts can be added while it runs; no file:
404 for every path), and a token is valid only from the address it was issued to.

Prints "port N control M" on its first line and writes "N M" to --port-file.

The instance JSON (the shape of tests/imds/instances/*.json):
  {"meta-data": {"instance-id": "i-...", "local-ipv4": "10.0.1.11",
                 "placement": {"availability-zone": "us-east-1a"},
                 "tags": {"instance": {"kafka-appliance:role": "controller"}}},
   "user-data": "role = \\"controller\\"\\n"}
Nested objects are directories. A file in the format of amazon-ec2-metadata-mock's defaults
(tests/data/aemm-metadata-default-values.json: {"metadata": {"paths", "values"}, ...}) works too.

IMDSv2 as EC2 answers it (tests/data/aemm-README-imdsv2-excerpt.md):
  PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds: 1..21600 -> a token;
      a missing, non-numeric or out-of-range TTL -> 400; a PUT carrying X-Forwarded-For -> 403.
  GET with X-aws-ec2-metadata-token: unknown or expired -> 401.
  GET without a token (IMDSv1) -> 401 unless --imdsv1 (or the "imdsv1" control) allows it.
  A directory lists its entries one per line, subdirectories with a trailing '/'; a missing path
  (tags when InstanceMetadataTags is disabled, user-data when there is none) -> 404.

Faults, switched at run time through the control port (a second listener, so that "down" can
really close the metadata port) or by signals:
  POST /fault  body "down" | "slow SECONDS" | "500" | "none"   (also SIGUSR1: down, SIGUSR2: none)
  POST /expire-tokens        every token issued so far becomes invalid
  POST /imdsv1  body "on" | "off"
  POST /imdsv2  body "on" | "off"   off: no tokens at all (the PUT answers 404)
  PUT  /instance             body: a new instance JSON
  GET  /log                  JSON list of {"method", "path", "status", "v2", "client"} per metadata request
"""
import argparse
import http.server
import json
import os
import secrets
import signal
import socketserver
import sys
import threading
import time

TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"
MAX_TTL = 21600


def from_aemm(doc):
    """amazon-ec2-metadata-mock's {"metadata": {"paths", "values"}} -> the nested tree."""
    tree = {"meta-data": {}}
    for section in ("metadata", "dynamic"):
        part = doc.get(section) or {}
        for key, path in (part.get("paths") or {}).items():
            value = (part.get("values") or {}).get(key)
            if value is None:
                continue
            parts = [p for p in path.split("/") if p][1:]  # drop "latest"
            node = tree
            for p in parts[:-1]:
                if not isinstance(node.get(p), dict):
                    node[p] = {}  # a listing value whose entries come as paths of their own
                node = node[p]
            if isinstance(node.get(parts[-1]), dict):
                continue
            node[parts[-1]] = value if isinstance(value, str) else json.dumps(value, indent=2)
    ud = (doc.get("userdata") or {}).get("values", {}).get("userdata")
    if ud is not None:
        tree["user-data"] = ud
    return tree


def load_instance(doc):
    if "metadata" in doc and "paths" in doc.get("metadata", {}):
        return from_aemm(doc)
    return doc


class State:
    def __init__(self, instance, allow_v1, instances_dir=None):
        self.lock = threading.Lock()
        self.instance = instance
        self.instances_dir = instances_dir
        self.allow_v1 = allow_v1
        self.v2 = True  # False: a service without tokens (the PUT answers 404), as some EC2 look-alikes
        self.tokens = {}  # token -> (expiry (monotonic), client address)
        self.fault = "none"
        self.slow_seconds = 0.0
        self.log = []

    def instance_for(self, client):
        """The instance a client address sees: DIR/ADDR.json with --instances-dir (None: none)."""
        if self.instances_dir is None:
            return self.instance
        try:
            with open(os.path.join(self.instances_dir, client + ".json")) as f:
                return load_instance(json.load(f))
        except FileNotFoundError:
            return None

    def lookup(self, path, client):
        """Returns (status, body) for a GET of `path` (without the /latest prefix) from `client`."""
        node = self.instance_for(client)
        if node is None:
            return 404, "Not Found"
        parts = [p for p in path.split("/") if p]
        for p in parts:
            if not isinstance(node, dict) or p not in node:
                return 404, "Not Found"
            node = node[p]
        if isinstance(node, dict):
            return 200, "\n".join(k + "/" if isinstance(v, dict) else k for k, v in node.items())
        return 200, str(node)


def metadata_handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def _answer(self, status, body="", headers=None, v2=False):
            with state.lock:
                state.log.append({"method": self.command, "path": self.path, "status": status, "v2": v2,
                                  "client": self.client_address[0]})
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _faulted(self):
            with state.lock:
                fault, delay = state.fault, state.slow_seconds
            if fault == "slow":
                time.sleep(delay)
            if fault == "500":
                self._answer(500, "Internal Server Error")
                return True
            return False

        def do_PUT(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n:
                self.rfile.read(n)
            if self._faulted():
                return
            if self.path != "/latest/api/token":
                return self._answer(405 if self.path.startswith("/latest/") else 404, "")
            with state.lock:
                v2 = state.v2
            if not v2:
                return self._answer(404, "Not Found")
            if self.headers.get("X-Forwarded-For"):
                return self._answer(403, "Forbidden")
            ttl = self.headers.get(TTL_HEADER)
            if ttl is None or not ttl.strip().isdigit() or not 1 <= int(ttl) <= MAX_TTL:
                return self._answer(400, "Bad Request")
            token = secrets.token_urlsafe(42)
            with state.lock:
                state.tokens[token] = (time.monotonic() + int(ttl), self.client_address[0])
            self._answer(200, token, {TTL_HEADER: ttl}, v2=True)

        def do_GET(self):
            if self._faulted():
                return
            if self.path == "/latest/api/token":
                return self._answer(405, "Method Not Allowed")
            token = self.headers.get(TOKEN_HEADER)
            client = self.client_address[0]
            with state.lock:
                expiry, owner = state.tokens.get(token, (None, None)) if token is not None else (None, None)
                allow_v1 = state.allow_v1
            # A token is the instance's own: another address presenting it is refused, as on EC2.
            if token is not None and (expiry is None or expiry < time.monotonic() or owner != client):
                return self._answer(401, "Unauthorized")
            if token is None and not allow_v1:
                return self._answer(401, "Unauthorized")
            if not self.path.startswith("/latest/"):
                return self._answer(404, "Not Found", v2=token is not None)
            with state.lock:
                status, body = state.lookup(self.path[len("/latest/"):].split("?")[0], client)
            self._answer(status, body, v2=token is not None)

    return Handler


def control_handler(emu):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def _body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n).decode() if n else ""

        def _answer(self, status, body=""):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            body = self._body().strip()
            if self.path == "/fault":
                words = body.split()
                if not words or words[0] not in ("down", "slow", "500", "none"):
                    return self._answer(400, "fault: down | slow SECONDS | 500 | none")
                emu.set_fault(words[0], float(words[1]) if len(words) > 1 else 5.0)
            elif self.path == "/expire-tokens":
                with emu.state.lock:
                    emu.state.tokens.clear()
            elif self.path == "/imdsv1":
                with emu.state.lock:
                    emu.state.allow_v1 = body == "on"
            elif self.path == "/imdsv2":
                with emu.state.lock:
                    emu.state.v2 = body != "off"
            else:
                return self._answer(404, "unknown control")
            self._answer(200, "ok")

        def do_PUT(self):
            if self.path != "/instance":
                return self._answer(404, "unknown control")
            instance = load_instance(json.loads(self._body()))
            with emu.state.lock:
                emu.state.instance = instance
            self._answer(200, "ok")

        def do_GET(self):
            if self.path != "/log":
                return self._answer(404, "unknown control")
            with emu.state.lock:
                self._answer(200, json.dumps(emu.state.log))

    return Handler


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that gave up on a slow answer (its timeout) is expected here, not an error.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class Emulator:
    """In-process use: Emulator(instance).start(); .url; .set_fault("down"); .stop()."""

    def __init__(self, instance=None, allow_v1=False, bind="127.0.0.1", port=0, control_port=0,
                 instances_dir=None, control_bind=None):
        self.state = State(load_instance(instance) if instance is not None else None, allow_v1, instances_dir)
        self.bind = bind
        self.port = port
        self.control = Server((control_bind or bind, control_port), control_handler(self))
        self.control_port = self.control.server_address[1]
        self.server = None
        self.lock = threading.Lock()

    @property
    def url(self):
        return f"http://{self.bind}:{self.port}"

    def _open(self):
        self.server = Server((self.bind, self.port), metadata_handler(self.state))
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _close(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def set_fault(self, fault, slow_seconds=5.0):
        with self.lock:
            with self.state.lock:
                self.state.fault = fault
                self.state.slow_seconds = slow_seconds
            # "down": the port refuses connections, as when nothing answers on the link
            if fault == "down":
                self._close()
            elif self.server is None:
                self._open()

    def start(self):
        self._open()
        threading.Thread(target=self.control.serve_forever, daemon=True).start()
        return self

    def stop(self):
        with self.lock:
            self._close()
        self.control.shutdown()
        self.control.server_close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = ap.add_mutually_exclusive_group(required=True)
    which.add_argument("--instance", help="the instance's JSON, for every client")
    which.add_argument("--instances-dir", help="a directory of ADDR.json: each client address gets its own")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--control-bind", help="address of the control port (default: --bind)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--control-port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--imdsv1", action="store_true", help="answer GETs without a token too")
    args = ap.parse_args()
    instance = None
    if args.instance:
        with open(args.instance) as f:
            instance = json.load(f)
    # Signals are taken by sigwait in this thread: blocked before any thread starts, so none of
    # the server threads swallows one (a handler would run only when the main thread wakes).
    sigs = {signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    emu = Emulator(instance, args.imdsv1, args.bind, args.port, args.control_port, args.instances_dir,
                   args.control_bind).start()
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{emu.port} {emu.control_port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"port {emu.port} control {emu.control_port}", flush=True)
    while True:
        sig = signal.sigwait(sigs)
        if sig == signal.SIGUSR1:
            emu.set_fault("down")
        elif sig == signal.SIGUSR2:
            emu.set_fault("none")
        else:
            emu.stop()
            return

if __name__ == "__main__":
    main()
