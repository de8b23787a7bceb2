#!/usr/bin/env python3
"""When each node joined the quorum, from Kafka's own server.log (no probe, no client JVM).

usage: kafka_log_times.py T0 NAME=SERVER_LOG...
T0 is the hosts' start (seconds since the epoch, the host clock, which the containers share).
For each node: `log` is its first log line (the server's JVM up: "starts" in the goal's sense),
`raft` is its KRaft client's first transition to Leader, or to FollowerState with a
leader (a voter following, or an observer fetching: what DescribeQuorum then lists), and
`started` is "Kafka Server started" (a broker registered and caught up). Prints one line per node
and a last line `all raft_s=MAX started_s=MAX controllers_log_s=MAX` (seconds after T0; the last
is the latest first line of a node named c*, a controller); exits 1 naming a node whose log has
no such line.
"""
import re
import sys
from datetime import datetime, timezone

STAMP = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\]")
RAFT = re.compile(r"Completed transition to (Leader\(|FollowerState\(.*\bleader=\d)")
STARTED = re.compile(r"Kafka Server started")
ANY = re.compile(r"")


def first(path, pattern):
    with open(path, errors="replace") as f:
        for line in f:
            m = STAMP.match(line)
            if m and pattern.search(line):
                t = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=timezone.utc)
                return t.timestamp()
    return None


def main():
    t0 = float(sys.argv[1])
    worst = {"raft": 0.0, "started": 0.0, "controllers_log": 0.0}
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        got = {}
        for key, pattern in (("log", ANY), ("raft", RAFT), ("started", STARTED)):
            t = first(path, pattern)
            if t is None:
                print(f"{name}: no '{pattern.pattern}' line in {path}", file=sys.stderr)
                return 1
            got[key] = t - t0
        for key in ("raft", "started"):
            worst[key] = max(worst[key], got[key])
        if name.startswith("c"):
            worst["controllers_log"] = max(worst["controllers_log"], got["log"])
        print(f"{name} log_s={got['log']:.1f} raft_s={got['raft']:.1f} started_s={got['started']:.1f}")
    print(f"all raft_s={worst['raft']:.1f} started_s={worst['started']:.1f} controllers_log_s={worst['controllers_log']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
