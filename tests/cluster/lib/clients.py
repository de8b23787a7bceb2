#!/usr/bin/env python3
"""Reads what the real Kafka clients of a cluster scenario wrote (on the caller's side).

  clients.py stall PRODUCE.jsonl START END   longest gap, in seconds, between two acknowledged
                                             records that overlaps [START, END] (epoch seconds);
                                             also the first ack after START
  clients.py verify PRODUCE.jsonl CONSUMED   every acknowledged sequence number consumed? prints
                                             a summary; exit 1 naming what is missing

PRODUCE.jsonl is the output of Kafka's VerifiableProducer: one JSON object per line, name
"producer_send_success" (value = the record's sequence number) or "producer_send_error".
CONSUMED is one consumed value per line (kafka-console-consumer.sh)."""
import json
import sys


def acks(path):
    ok, errors = [], 0
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("name") == "producer_send_success":
                ok.append((e["timestamp"] / 1000.0, int(e["value"])))
            elif e.get("name") == "producer_send_error":
                errors += 1
    return ok, errors


def stall(path, start, end):
    ok, _ = acks(path)
    ts = sorted(t for t, _ in ok)
    worst, prev = 0.0, None
    for t in ts:
        if prev is not None and t >= start and prev <= end:
            worst = max(worst, t - prev)
        prev = t
    after = [t for t in ts if t > end]
    if not after:
        print("NOACK 0")
        return 1
    print("%.2f" % worst)
    return 0


def verify(path, consumed_path):
    ok, errors = acks(path)
    acked = {v for _, v in ok}
    seen = []
    with open(consumed_path) as f:
        for line in f:
            line = line.strip()
            if line.isdigit():
                seen.append(int(line))
    got = set(seen)
    missing = sorted(acked - got)
    dups = len(seen) - len(got)
    top = max(acked) if acked else -1
    print(f"acked={len(acked)} (0..{top}) send_errors={errors} consumed={len(seen)} distinct={len(got)} "
          f"duplicates={dups} missing={len(missing)}")
    if not acked:
        print("no record was acknowledged")
        return 1
    if missing:
        print("missing acknowledged records: " + " ".join(map(str, missing[:50])))
        return 1
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == "stall":
        return stall(argv[2], float(argv[3]), float(argv[4]))
    if len(argv) == 4 and argv[1] == "verify":
        return verify(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
