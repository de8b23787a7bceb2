#!/usr/bin/env python3
"""Captures real Kafka's answers for the codec tests of tests/unit/kafka (see README.md here).

capture.py OUT_DIR NAME HOST:PORT [HOST:PORT ...]: for each listener, sends ApiVersions v3 and
v4, DescribeQuorum v0, v1 and v2 and ListPartitionReassignments v0 (each request encoded here by
hand, independently of the C++ encoder), and writes each response body (the bytes after the
response header) to OUT_DIR/NAME-<api>-v<version>.bin, and the request bodies it sent to
OUT_DIR/request-<api>-v<version>.bin. A listener that does not serve an API gets no file.
"""
import socket
import struct
import sys


def uvarint(n):
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def cstr(s):
    b = s.encode()
    return uvarint(len(b) + 1) + b


def request(sock, api, version, body, cid, flexible_header=True):
    client = b"capture"
    hdr = struct.pack(">hhih", api, version, cid, len(client)) + client
    if flexible_header:
        hdr += b"\x00"  # no tagged fields
    msg = hdr + body
    sock.sendall(struct.pack(">i", len(msg)) + msg)
    n = struct.unpack(">i", recv(sock, 4))[0]
    frame = recv(sock, n)
    got = struct.unpack(">i", frame[:4])[0]
    assert got == cid, (got, cid)
    # ApiVersions answers with header v0; every other flexible response has header tags (none here)
    if api == 18:
        return frame[4:]
    assert frame[4] == 0, "response header tags present"
    return frame[5:]


def recv(sock, n):
    b = b""
    while len(b) < n:
        c = sock.recv(n - len(b))
        if not c:
            raise EOFError("connection closed")
        b += c
    return b


BODIES = {
    (18, 3): cstr("kafka-appliance") + cstr("1") + b"\x00",
    (18, 4): cstr("kafka-appliance") + cstr("1") + b"\x00",
    # __cluster_metadata partition 0
    (55, 0): uvarint(2) + cstr("__cluster_metadata") + uvarint(2) + struct.pack(">i", 0) + b"\x00\x00\x00",
    (55, 1): uvarint(2) + cstr("__cluster_metadata") + uvarint(2) + struct.pack(">i", 0) + b"\x00\x00\x00",
    (55, 2): uvarint(2) + cstr("__cluster_metadata") + uvarint(2) + struct.pack(">i", 0) + b"\x00\x00\x00",
    # timeout 10000 ms, every topic (null array)
    (46, 0): struct.pack(">i", 10000) + b"\x00" + b"\x00",
}
NAMES = {18: "api-versions", 55: "describe-quorum", 46: "list-reassignments"}


def main():
    out, name, listeners = sys.argv[1], sys.argv[2], sys.argv[3:]
    for i, hp in enumerate(listeners):
        host, port = hp.rsplit(":", 1)
        tag = name if len(listeners) == 1 else f"{name}{i + 1}"
        cid = 1
        for (api, v), body in BODIES.items():
            with socket.create_connection((host, int(port)), timeout=10) as s:
                try:
                    resp = request(s, api, v, body, cid)
                except (EOFError, OSError) as e:
                    print(f"{hp}: API {api} v{v}: {e}", file=sys.stderr)
                    continue
            cid += 1
            with open(f"{out}/{tag}-{NAMES[api]}-v{v}.bin", "wb") as f:
                f.write(resp)
            with open(f"{out}/request-{NAMES[api]}-v{v}.bin", "wb") as f:
                f.write(body)
            print(f"{hp}: {NAMES[api]} v{v}: {len(resp)} bytes")


main()
