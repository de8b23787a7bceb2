#!/usr/bin/env python3
"""A local HTTPS server of release artifacts for tests, with fault injection.

    artifact_server.py --dir DIR --tls-dir TLS [--port-file F] [--log F]

Serves DIR over HTTPS on 127.0.0.1 (port 0: the kernel picks; the port is printed and written to
--port-file); --bind ADDR serves on ADDR instead (the cluster tier binds an address that exists only
inside its own network namespaces) and --port picks the port. The certificate is issued at start-up
for 127.0.0.1/localhost (and ADDR) by a throwaway CA
made with `openssl req` into TLS/ca.pem (reused when present): clients trust it with --cacert.
GET honours Range (206, 416); the query string is ignored for file lookup (so an API path such
as /v3/assets/latest/21/hotspot?os=linux is the file v3/assets/latest/21/hotspot).

Faults, per path, set with POST /_control (JSON body) or the --faults FILE (a JSON list):
  {"path": "/kafka/9.9.0/x.tgz", "fault": "cut", "after": 100000, "times": 1}
      send the headers and `after` bytes of the body, then drop the connection
  {"path": ..., "fault": "status", "status": 503, "retry_after": "2", "times": 1}
      answer with that status (429, 503, ...) and an optional Retry-After
  {"path": ..., "fault": "stall", "after": 1000, "seconds": 30, "times": 1}
      send `after` bytes, then nothing for `seconds`
  {"path": ..., "fault": "ignore_range", "times": -1}
      answer 200 with the whole file even to a Range request
  {"path": ..., "fault": "redirect", "location": "http://...", "status": 302, "times": 1}
      answer with a redirect to `location`
"times" counts the requests the fault applies to (-1: always); several faults of one path apply
in the order they were set (e.g. cut once, then ignore Range). POST /_control {"reset": true}
clears all faults. GET /_log returns the request log (also appended to --log as JSON lines):
{"path", "query", "range", "status", "sent", "fault"} per request.
"""
import argparse
import http.server
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse


def make_tls(tls_dir, bind="127.0.0.1"):
    os.makedirs(tls_dir, exist_ok=True)
    ca_key, ca = os.path.join(tls_dir, "ca.key"), os.path.join(tls_dir, "ca.pem")
    key, csr, crt = (os.path.join(tls_dir, n) for n in ("server.key", "server.csr", "server.pem"))
    run = lambda *a: subprocess.run(a, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not os.path.exists(ca):
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=kafka-appliance test CA",
            "-keyout", ca_key, "-out", ca, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    if not os.path.exists(crt):
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", csr)
        ext = os.path.join(tls_dir, "ext.cnf")
        with open(ext, "w") as f:
            san = "IP:127.0.0.1,DNS:localhost" + ("" if bind == "127.0.0.1" else f",IP:{bind}")
            f.write(f"subjectAltName={san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        run("openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
            "-out", crt, "-extfile", ext)
    return crt, key


class State:
    def __init__(self, root, log_path):
        self.root = os.path.realpath(root)
        self.faults = {}
        self.log = []
        self.log_path = log_path
        self.lock = threading.Lock()

    def add_fault(self, f):
        self.faults.setdefault(f["path"], []).append(dict(f))

    def take_fault(self, path):
        # Faults of a path apply in the order they were set: "cut once, then ignore Range".
        with self.lock:
            for f in self.faults.get(path, []):
                times = f.get("times", 1)
                if times == 0:
                    continue
                if times > 0:
                    f["times"] = times - 1
                return dict(f)
            return None

    def record(self, entry):
        with self.lock:
            self.log.append(entry)
            if self.log_path:
                with open(self.log_path, "a") as f:
                    f.write(json.dumps(entry) + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "artifact-server"

    def log_message(self, fmt, *args):
        pass

    @property
    def state(self):
        return self.server.state

    def do_POST(self):
        if self.path != "/_control":
            return self.send_error(404)
        n = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(n) or b"{}")
        with self.state.lock:
            if isinstance(body, dict) and body.get("reset"):
                self.state.faults.clear()
            for f in body if isinstance(body, list) else ([body] if "path" in body else []):
                self.state.add_fault(f)
        self._plain(200, b"ok\n")

    def _plain(self, status, data, extra=None):
        self.send_response(status)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        rng = self.headers.get("Range")
        entry = {"path": path, "query": url.query, "range": rng, "status": 0, "sent": 0, "fault": None}
        try:
            self._get(path, rng, entry)
        finally:
            self.state.record(entry)

    def _get(self, path, rng, entry):
        if path == "/_log":
            with self.state.lock:
                data = json.dumps(self.state.log).encode()
            entry["status"] = 200
            return self._plain(200, data)
        fault = self.state.take_fault(path)
        entry["fault"] = fault and fault["fault"]
        if fault and fault["fault"] == "status":
            entry["status"] = fault["status"]
            extra = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
            return self._plain(fault["status"], b"injected failure\n", extra)
        if fault and fault["fault"] == "redirect":
            entry["status"] = fault.get("status", 302)
            return self._plain(entry["status"], b"moved\n", {"Location": fault["location"]})
        full = os.path.realpath(os.path.join(self.state.root, path.lstrip("/")))
        if not full.startswith(self.state.root + os.sep) or not os.path.isfile(full):
            entry["status"] = 404
            return self._plain(404, b"not found\n")
        size = os.path.getsize(full)
        start, status = 0, 200
        if rng and not (fault and fault["fault"] == "ignore_range"):
            spec = rng.replace("bytes=", "").split("-")[0]
            start = int(spec)
            if start >= size:
                entry["status"] = 416
                return self._plain(416, b"", {"Content-Range": f"bytes */{size}"})
            status = 206
        entry["status"] = status
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size - start))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        self.end_headers()
        limit = None
        if fault and fault["fault"] in ("cut", "stall"):
            limit = fault.get("after", 0)
        with open(full, "rb") as f:
            f.seek(start)
            while True:
                chunk = f.read(65536)
                if not chunk:
                    break
                if limit is not None and entry["sent"] + len(chunk) > limit:
                    chunk = chunk[: limit - entry["sent"]]
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    entry["sent"] += len(chunk)
                    if fault["fault"] == "stall":
                        time.sleep(fault.get("seconds", 30))
                    # Drop the connection mid-body: the client sees fewer bytes than announced.
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                self.wfile.write(chunk)
                entry["sent"] += len(chunk)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--tls-dir", required=True)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--faults")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    crt, key = make_tls(a.tls_dir, a.bind)
    srv = http.server.ThreadingHTTPServer((a.bind, a.port), Handler)
    srv.daemon_threads = True
    srv.state = State(a.dir, a.log)
    if a.faults:
        with open(a.faults) as f:
            for fl in json.load(f):
                srv.state.add_fault(fl)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(crt, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    port = srv.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.rename(tmp, a.port_file)
    print(port, flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
