#!/usr/bin/env python3
"""Host-side helpers of the QEMU image test (test_image_vm.sh).

  vm.py relay HOST PORT          copy stdin to a TCP connection to HOST:PORT and its answers to
                                 stdout: QEMU's user network runs it for every connection the
                                 guest opens to 169.254.169.254:80 (guestfwd=...-cmd:), so each
                                 metadata request reaches the IMDS emulator on this side
  vm.py kafka-wait HOST:PORT TIMEOUT OUT
                                 until HOST:PORT answers a Kafka ApiVersions request; writes the
                                 seconds it took to OUT (exit 1 on timeout). A plain connect
                                 proves nothing here: QEMU's hostfwd accepts before the guest does.
"""
import os
import socket
import struct
import sys
import threading
import time


def relay(host, port):
    s = socket.create_connection((host, int(port)), timeout=30)
    s.settimeout(None)

    def upstream():
        while True:
            data = os.read(0, 65536)
            if not data:
                break
            s.sendall(data)
        s.shutdown(socket.SHUT_WR)

    threading.Thread(target=upstream, daemon=True).start()
    while True:
        data = s.recv(65536)
        if not data:
            break
        os.write(1, data)
    return 0


def api_versions(hp, timeout=5.0):
    """True when HOST:PORT answers ApiVersions v0 with error 0."""
    host, port = hp.rsplit(":", 1)
    client = b"ka-images-vm"
    body = struct.pack(">hhih", 18, 0, 7, len(client)) + client
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(struct.pack(">i", len(body)) + body)
            data = b""
            while len(data) < 10:
                chunk = s.recv(4096)
                if not chunk:
                    return False
                data += chunk
        _, corr, err = struct.unpack(">iih", data[:10])
        return corr == 7 and err == 0
    except OSError:
        return False


def main(argv):
    if len(argv) == 4 and argv[1] == "relay":
        return relay(argv[2], argv[3])
    if len(argv) == 5 and argv[1] == "kafka-wait":
        t0, timeout = time.time(), float(argv[3])
        while not api_versions(argv[2]):
            if time.time() - t0 > timeout:
                return 1
            time.sleep(1)
        with open(argv[4] + ".tmp", "w") as f:
            f.write("%.1f\n" % (time.time() - t0))
        os.rename(argv[4] + ".tmp", argv[4])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
