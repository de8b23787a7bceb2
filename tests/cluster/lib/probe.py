#!/usr/bin/env python3
"""Runs inside a cluster-test host (the caller's namespace has no route to the hosts).

  probe.py zk-wait TIMEOUT HOST:PORT...   wait until one of them says 'Mode: leader' and all the
                                          others 'follower' (srvr); print seconds waited and modes
  probe.py zk-modes HOST:PORT...          print HOST:PORT=MODE for each (down, notserving, ...)
  probe.py four HOST:PORT WORD            print the answer to a ZooKeeper four-letter word
Exit 1 on timeout."""
import socket
import sys
import time


def four(hp, word, timeout=0.5):
    host, port = hp.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(word.encode())
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        return data.decode(errors="replace")
    except OSError:
        return None


def mode(hp):
    out = four(hp, "srvr")
    if out is None:
        return "down"
    for line in out.splitlines():
        if line.startswith("Mode: "):
            return line[6:]
    return "notserving"


def main(argv):
    if len(argv) >= 3 and argv[1] == "zk-wait":
        t0, timeout, nodes = time.time(), float(argv[2]), argv[3:]
        while True:
            modes = [mode(n) for n in nodes]
            if modes.count("leader") == 1 and all(m in ("leader", "follower") for m in modes):
                print("%.3f %s" % (time.time() - t0, " ".join("%s=%s" % nm for nm in zip(nodes, modes))))
                return 0
            if time.time() - t0 > timeout:
                print("TIMEOUT %s" % " ".join("%s=%s" % nm for nm in zip(nodes, modes)))
                return 1
            time.sleep(0.05)
    if len(argv) >= 3 and argv[1] == "zk-modes":
        print(" ".join("%s=%s" % (n, mode(n)) for n in argv[2:]))
        return 0
    if len(argv) == 4 and argv[1] == "four":
        out = four(argv[2], argv[3], timeout=2)
        print(out if out is not None else "")
        return 0 if out else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
