#!/usr/bin/env python3
"""validate against the real KafkaConfig (and ZooKeeper's QuorumPeerConfig), on a generated corpus.

For each Kafka release: realistic configs of every node kind, mutated the ways operators get
them wrong (keys dropped, duplicated, misspelt, re-cased; numbers out of range or of the wrong
type; listener and quorum shapes; role changes), written to files; Kafka's own KafkaConfig
(KafkaConfigCheck.java, with the release's jars from Maven Central) and `kafka-appliance
validate` judge every file; their verdicts must agree. ZooKeeper configs likewise, judged by
ZooKeeper 3.8's QuorumPeerConfig (ZkConfigCheck.java).

usage: differential.py --binary BIN [--versions 3.9.1,4.3.1] [--count 2000] [--seed 1]
       [--show 10] [--min-agreement 100] [--zookeeper-count 1000]
       differential.py --binary BIN --cases DIR   (the validate tests' own configs, see test_repo_cases.sh)
Prints the agreement per version and the first disagreements; exits 1 below --min-agreement.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCHEMA = os.path.join(REPO, "assets", "schema", "kafka-config.tsv")

VOTERS = "1@10.0.1.11:9093,2@10.0.1.12:9093,3@10.0.1.13:9093"
BOOTSTRAP = "10.0.1.11:9093,10.0.1.12:9093,10.0.1.13:9093"


def vkey(v):
    return tuple(int(x) for x in v.split("."))


def bases(version):
    """Realistic configs of each node kind for this release, as ordered (key, value) lists."""
    ctrl = [("process.roles", "controller"), ("node.id", "1"), ("controller.listener.names", "CONTROLLER"),
            ("listeners", "CONTROLLER://10.0.1.11:9093"), ("listener.security.protocol.map", "CONTROLLER:PLAINTEXT"),
            ("controller.quorum.voters", VOTERS), ("log.dirs", "/var/lib/kafka/meta")]
    broker = [("process.roles", "broker"), ("node.id", "101"), ("controller.listener.names", "CONTROLLER"),
              ("listeners", "INTERNAL://0.0.0.0:9092"), ("advertised.listeners", "INTERNAL://10.0.2.21:9092"),
              ("listener.security.protocol.map", "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"),
              ("inter.broker.listener.name", "INTERNAL"), ("controller.quorum.voters", VOTERS),
              ("log.dirs", "/var/lib/kafka/data"), ("metadata.log.dir", "/var/lib/kafka/meta"),
              ("num.partitions", "3"), ("default.replication.factor", "3"), ("min.insync.replicas", "2"),
              ("offsets.topic.replication.factor", "3"), ("transaction.state.log.replication.factor", "3"),
              ("transaction.state.log.min.isr", "2")]
    combined = [("process.roles", "broker,controller"), ("node.id", "1"), ("controller.listener.names", "CONTROLLER"),
                ("listeners", "PLAINTEXT://10.0.1.11:9092,CONTROLLER://10.0.1.11:9093"),
                ("advertised.listeners", "PLAINTEXT://10.0.1.11:9092"),
                ("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                ("inter.broker.listener.name", "PLAINTEXT"), ("controller.quorum.voters", VOTERS),
                ("log.dirs", "/var/lib/kafka/data")]
    out = [ctrl, broker, combined]
    if vkey(version) >= (3, 9, 0):
        dyn = [(k, v) for k, v in ctrl if k != "controller.quorum.voters"]
        dyn += [("controller.quorum.bootstrap.servers", BOOTSTRAP), ("advertised.listeners", "CONTROLLER://10.0.1.11:9093")]
        dyn = [(k, "CONTROLLER://0.0.0.0:9093" if k == "listeners" else v) for k, v in dyn]
        out.append(dyn)
        out.append([(k, v) for k, v in broker if k != "controller.quorum.voters"] + [("controller.quorum.bootstrap.servers", BOOTSTRAP)])
    if vkey(version) < (4, 0, 0):
        out.append([("broker.id", "1"), ("zookeeper.connect", "zk1:2181,zk2:2181,zk3:2181"),
                    ("listeners", "PLAINTEXT://0.0.0.0:9092"), ("advertised.listeners", "PLAINTEXT://10.0.2.21:9092"),
                    ("log.dirs", "/var/lib/kafka/data"), ("num.partitions", "3")])
    return out


def schema_keys(version):
    """{name: type} of this release from the generated table (for typed mutations)."""
    versions, keys = [], {}
    for line in open(SCHEMA, encoding="utf-8"):
        if line.startswith("#versions\t"):
            versions = line.split("\t")[1].split()
            continue
        if line.startswith("#") or line.startswith("name\t"):
            continue
        f = line.rstrip("\n").split("\t")
        for r in f[1].split(","):
            lo, _, hi = r.partition("-")
            if vkey(lo) <= vkey(version) <= vkey(hi or lo):
                keys[f[0]] = f[2]
    return keys


BAD_NUMBERS = ["-1", "0", "1", "2147483648", "-2147483649", "9223372036854775808", "abc", "1.5", "", " 7 ", "+3", "0x10", "1e3"]
BAD_BOOLS = ["yes", "TRUE", " false ", "1", ""]
BAD_LISTS = ["", ",", "a,,b", "a,a", " x , y "]


def mutate_entry(cfg, rnd, kind, dup_values, recase):
    """The mutations of one entry both generators make (drop, dup, misspell, case), in place;
    False when `kind` is none of them. dup_values(v): what a duplicate may carry; recase(k, v):
    the entry with its case changed."""
    if kind not in ("drop", "dup", "misspell", "case"):
        return False
    if not cfg:
        return True
    if kind == "drop":
        del cfg[rnd.randrange(len(cfg))]
    elif kind == "dup":
        k, v = rnd.choice(cfg)
        cfg.append((k, rnd.choice(dup_values(v))))
    else:
        i = rnd.randrange(len(cfg))
        k, v = cfg[i]
        if kind == "misspell":
            j = rnd.randrange(len(k))
            cfg[i] = (k[:j] + k[j + 1:], v)
        else:
            cfg[i] = recase(k, v)
    return True


def mutate(cfg, rnd, keys):
    cfg = list(cfg)
    kinds = ["drop", "dup", "misspell", "case", "number", "bool", "double", "list", "string", "listener", "quorum", "role", "add"]
    kind = rnd.choice(kinds)
    if mutate_entry(cfg, rnd, kind, lambda v: [v, v.upper(), "", v + ",x"],
                    lambda k, v: (k, rnd.choice([v.upper(), v.lower(), v.swapcase()]))):
        pass
    elif kind in ("number", "bool", "double", "list", "string"):
        want = {"number": ("INT", "LONG", "SHORT"), "bool": ("BOOLEAN",), "double": ("DOUBLE",), "list": ("LIST",), "string": ("STRING",)}[kind]
        cands = sorted(k for k, t in keys.items() if t in want and not k.startswith(("ssl.", "sasl.", "authorizer", "principal")))
        if cands:
            k = rnd.choice(cands)
            pool = {"number": BAD_NUMBERS, "bool": BAD_BOOLS, "double": ["0.5", "2", "-1", "NaN", "1e-1", "x", "5d", "0x1p-2"],
                    "list": BAD_LISTS, "string": ["", "x", "PLAINTEXT", "gzip", "GZIP", "3.9", "3.9-IV0", "1.0"]}[kind]
            cfg.append((k, rnd.choice(pool)))
    elif kind == "listener":
        cfg.append(rnd.choice([
            ("listeners", "PLAINTEXT://:9092,PLAINTEXT://:9093"), ("listeners", "PLAINTEXT://:9092,CONTROLLER://:9092"),
            ("advertised.listeners", "PLAINTEXT://0.0.0.0:9092"), ("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT"),
            ("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
            ("controller.listener.names", "controller"), ("controller.listener.names", "CONTROLLER,OTHER"),
            ("inter.broker.listener.name", "CONTROLLER"), ("security.inter.broker.protocol", "PLAINTEXT"),
            ("listeners", "plaintext://:9092"), ("listeners", "PLAINTEXT://[::1]:9092,PLAINTEXT://1.2.3.4:9092"),
            ("listeners", "INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093")]))
    elif kind == "quorum":
        cfg.append(rnd.choice([
            ("controller.quorum.voters", "1@h:9093,1@g:9093"), ("controller.quorum.voters", "x"),
            ("controller.quorum.voters", "1@0.0.0.0:9093"), ("controller.quorum.voters", ""),
            ("controller.quorum.voters", "101@10.0.2.21:9093"), ("controller.quorum.bootstrap.servers", "CONTROLLER://h:1"),
            ("controller.quorum.bootstrap.servers", "h"), ("controller.quorum.bootstrap.servers", BOOTSTRAP),
            ("node.id", "-1"), ("node.id", "2"), ("broker.id", "7")]))
    elif kind == "role":
        cfg.append(("process.roles", rnd.choice(["broker", "controller", "broker,controller", "", "Broker", "broker,broker", "zookeeper"])))
    elif kind == "add":
        k = rnd.choice(sorted(keys))
        cfg.append((k, rnd.choice(["1", "true", "x", ""])))
    return cfg


# ZooKeeper configs, judged by ZooKeeper 3.8's QuorumPeerConfig (ZkConfigCheck.java, with the jars
# of the newest 3.x Kafka, which ships it). Hosts are IP addresses: ZooKeeper resolves them.
ZK_LIBS_FROM = "3.9.1"
ZK_SERVERS = [("server.1", "10.0.4.11:2888:3888"), ("server.2", "10.0.4.12:2888:3888"), ("server.3", "10.0.4.13:2888:3888")]
ZK_INTS = ["clientPort", "secureClientPort", "tickTime", "initLimit", "syncLimit", "maxClientCnxns", "minSessionTimeout",
           "maxSessionTimeout", "electionAlg", "autopurge.snapRetainCount", "autopurge.purgeInterval", "observerMasterPort",
           "connectToLearnerMasterLimit", "clientPortListenBacklog", "quorum.cnxn.threads.size"]
ZK_BOOLS = ["standaloneEnabled", "reconfigEnabled", "quorumListenOnAllIPs", "syncEnabled", "sslQuorum", "portUnification",
            "localSessionsEnabled", "quorum.auth.enableSasl", "quorum.auth.serverRequireSasl", "quorum.auth.learnerRequireSasl",
            "multiAddress.enabled"]
ZK_NUMBERS = BAD_NUMBERS + ["65535", "65536", "70000", "2181", "3", "-5", "4000", "007"]


def zk_bases(data_dir):
    """(config, myid) pairs: a standalone server and ensemble members, as written in the field."""
    base = [("dataDir", data_dir), ("clientPort", "2181"), ("tickTime", "2000")]
    ens = base + [("initLimit", "10"), ("syncLimit", "5")] + ZK_SERVERS
    return [(base + [("maxClientCnxns", "0"), ("admin.enableServer", "false")], None),
            (ens, "1"), (ens + [("4lw.commands.whitelist", "srvr,ruok,mntr")], "2"),
            ([(k, v + ";2181" if k.startswith("server.") else v) for k, v in ens if k != "clientPort"], "3"),
            (ens + [("server.4", "10.0.4.14:2888:3888:observer")], "1")]


def zk_mutate(cfg, myid, rnd):
    cfg = list(cfg)
    kind = rnd.choice(["drop", "dup", "misspell", "case", "int", "bool", "server", "myid", "peer", "address", "sasl", "session"])
    if mutate_entry(cfg, rnd, kind, lambda v: [v, v.upper(), "", v + " ", v + ",x"],
                    lambda k, v: (rnd.choice([k.lower(), k.upper(), k]), rnd.choice([v.upper(), v.lower(), v]))):
        pass
    elif kind == "int":
        cfg.append((rnd.choice(ZK_INTS), rnd.choice(ZK_NUMBERS)))
    elif kind == "bool":
        cfg.append((rnd.choice(ZK_BOOLS), rnd.choice(BAD_BOOLS + ["true", "false", "True", "FALSE"])))
    elif kind == "server":
        cfg.append((rnd.choice(["server.3", "server.4", "server.5", "server.x", "server.01", "server.-1", "server. 2"]), rnd.choice([
            "10.0.4.13:2888", "10.0.4.13:2888:3888:leader", "10.0.4.13:2888:3888:Observer", "10.0.4.13:2888:3888:participant",
            "10.0.4.13:2888:2888", "10.0.4.13:2888:3888;2181", "10.0.4.13:2888:3888;0.0.0.0:2181", "10.0.4.13:2888:3888;x",
            "10.0.4.13:2888:3888;1:2:3", "10.0.4.13:2888:3888|10.0.5.13:2888:3888", "10.0.4.13:0:3888", "10.0.4.13:65536:3888",
            "10.0.4.13:2888:3888;2181;2182", "10.0.4.13:2888:3888 ", "[fd00::13]:2888:3888", "[fd00::13]:2888", "[fd00::13",
            ":2888:3888", "10.0.4.13:2888:3888:", "10.0.4.13:2888:3888;", "10.0.4.13: 2888:3888", "10.0.4.12:2888:3889",
            "10.0.4.13:+2888:3888", "10.0.4.13:2888:3888:observer;2182", ""])))
    elif kind == "myid":
        myid = rnd.choice([None, "1", "2", "3", "4", "7"])
    elif kind == "peer":
        cfg.append(rnd.choice([("peerType", "observer"), ("peerType", "Participant"), ("peerType", "leader"),
                               ("standaloneEnabled", "false"), ("electionAlg", "3"), ("electionAlg", "1")]))
    elif kind == "address":
        cfg.append(rnd.choice([("clientPortAddress", "127.0.0.1"), ("clientPortAddress", "0.0.0.0"), ("secureClientPortAddress", "127.0.0.1"),
                               ("clientPort", "2182"), ("clientPort", "0")]))
    elif kind == "sasl":
        cfg.append((rnd.choice(["quorum.auth.enableSasl", "quorum.auth.serverRequireSasl", "quorum.auth.learnerRequireSasl"]), "true"))
    elif kind == "session":
        cfg.append((rnd.choice(["minSessionTimeout", "maxSessionTimeout", "tickTime"]), rnd.choice(["1", "-1", "4000", "100000", "-2000", "1200000000"])))
    return cfg, myid


def zk_corpus(tmp, seed, count):
    rnd = random.Random(f"{seed}-zookeeper")
    files = []
    for i in range(count):
        data_dir = os.path.join(tmp, f"zk-{i:05d}")
        os.mkdir(data_dir)
        cfg, myid = rnd.choice(zk_bases(data_dir))
        for _ in range(rnd.choice([0, 1, 1, 2, 3]) if i else 0):
            cfg, myid = zk_mutate(cfg, myid, rnd)
        if myid is not None:
            with open(os.path.join(data_dir, "myid"), "w") as f:
                f.write(myid + "\n")
        path = os.path.join(tmp, f"zk-{i:05d}.cfg")
        write(path, cfg)
        files.append(path)
    return files


def write(path, cfg):
    with open(path, "w", encoding="latin-1") as f:
        for k, v in cfg:
            f.write(f"{k}={v}\n")


def kafka_verdicts(version, files, oracle="KafkaConfigCheck.java"):
    libs = subprocess.run([os.path.join(REPO, "scripts", "kafka-libs.sh"), version], check=True,
                          capture_output=True, text=True).stdout.strip()
    out = subprocess.run(["java", "-cp", libs + "/*", os.path.join(HERE, oracle)] + files,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"differential.py: KafkaConfigCheck failed on Kafka {version}: {out.stderr[-2000:]}")
    verdicts = {}
    for line in out.stdout.splitlines():
        f = line.split("\t")
        verdicts[f[0]] = (f[1] == "accept", f[2] if len(f) > 2 else "")
    return verdicts


def policy_rules(binary):
    """Rule ids that are the product's own policy, stricter than Kafka on purpose (relative storage
    paths): they are left out of the verdict compared with Kafka's and counted on their own."""
    out = subprocess.run([binary, "--json", "validate", "--list-rules"], capture_output=True, text=True, check=True)
    return {r["id"] for r in json.loads(out.stdout) if "stricter than" in r["source"]}


def our_verdicts(binary, version, files, policy):
    verdicts = {}
    for i in range(0, len(files), 500):
        chunk = files[i:i + 500]
        out = subprocess.run([binary, "--json", "--root", "/", "validate", "--kafka-version", version] + chunk, capture_output=True, text=True)
        if out.returncode not in (0, 2) or not out.stdout:
            sys.exit(f"differential.py: validate exited {out.returncode}: {out.stderr[-2000:]}")
        for f in json.loads(out.stdout)["files"]:
            errs = [v for v in f["violations"] if v["severity"] == "error" and v["id"] not in policy]
            by_policy = any(v["severity"] == "error" and v["id"] in policy for v in f["violations"])
            warnings = {v["id"] for v in f["violations"] if v["severity"] == "warning"}
            verdicts[f["file"]] = (not errs, "; ".join(f"{v['id']}: {v['rule']}" for v in errs[:2]), by_policy, warnings,
                                   [(v["id"], v["rule"]) for v in errs])
    return verdicts


def zk_data_dir(path):
    """The dataDir a ZooKeeper config names (the last line wins, as in Properties), trimmed."""
    found = None
    for line in open(path, encoding="latin-1"):
        k, sep, v = line.rstrip("\n").partition("=")
        if sep and k.strip() == "dataDir":
            found = v.strip()
    return found


# Differences that are validate's design, not a missing rule: each is documented in
# docs/validate.md ("Agreement with the real KafkaConfig and ZooKeeper"), matched narrowly (the
# other judge's own message and validate's own warning), and counted and printed on its own line;
# they never count as agreement.
BY_DESIGN = [
    ("zookeeper-myid-before-install",
     "ZooKeeper: an ensemble member whose dataDir does not exist (yet) where validate runs: ZooKeeper "
     "refuses it (myid file is missing), validate warns that it could not check the myid",
     lambda f, theirs, ours: (not theirs[f][0] and "myid file is missing" in theirs[f][1] and ours[f][0]
                              and "zookeeper.myid.member" in ours[f][3]
                              and not os.path.isdir(zk_data_dir(f) or ""))),
    ("zookeeper-metrics-provider-class",
     "ZooKeeper: a metricsProvider.className that is not on the judge's class path (Kafka's jars carry no "
     "zookeeper-prometheus-metrics); ZooKeeper's own install may have it; validate warns that it cannot see it",
     lambda f, theirs, ours: (not theirs[f][0] and "metrics provider class was not found" in theirs[f][1] and ours[f][0]
                              and "zookeeper.metrics-provider" in ours[f][3])),
    ("listener-port-above-65535",
     "a listener port above 65535: KafkaConfig accepts it, the server fails when it binds; validate refuses it",
     lambda f, theirs, ours: (theirs[f][0] and not ours[f][0]
                              and any(i == "listeners.parse" and "is not a TCP port" in r for i, r in ours[f][4]))),
    ("acl-authorizer-on-4x",
     "authorizer.class.name=kafka.security.authorizer.AclAuthorizer on 4.x: KafkaConfig accepts the name, the "
     "server fails when it loads the class (removed in 4.0); validate refuses it",
     lambda f, theirs, ours: theirs[f][0] and not ours[f][0] and {i for i, _ in ours[f][4]} == {"removed.acl-authorizer"}),
]


def by_design(f, theirs, ours):
    """The name of the documented difference this disagreement is, or None."""
    for name, _, match in BY_DESIGN:
        if match(f, theirs, ours):
            return name
    return None


def cached_release(version):
    """The Kafka release whose jars judge a case written for `version`: itself when the generated
    schema has it, else the newest one before it; None outside 3.6 to 4.x."""
    known = []
    for line in open(SCHEMA, encoding="utf-8"):
        if line.startswith("#versions\t"):
            known = line.split("\t")[1].split()
            break
    try:
        v = vkey(version)
    except ValueError:
        return None
    if v < (3, 6, 0) or v >= (5, 0, 0):
        return None
    older = [k for k in known if vkey(k) <= v]
    return max(older, key=vkey) if older else None


def repo_cases(cases_dir, tmp):
    """{release or "zookeeper": (files, version to pass validate)} from a directory the validate
    tests wrote (tests/unit/validate/helpers.hpp, the binary shim of test_repo_cases.sh). A
    ZooKeeper case's absolute dataDir becomes a real directory holding its myid file, if it had one."""
    groups = {}
    for kind in sorted(os.listdir(cases_dir)):
        d = os.path.join(cases_dir, kind)
        if not os.path.isdir(d):
            continue
        names = sorted(n for n in os.listdir(d) if n.endswith((".properties", ".cfg")))
        if kind == "zookeeper":
            files = []
            for n in names:
                stem = os.path.join(d, os.path.splitext(n)[0])
                data_dir = os.path.join(tmp, "zk-case-" + os.path.basename(stem))
                if os.path.exists(stem + ".myid") or os.path.exists(stem + ".nomyid"):
                    os.mkdir(data_dir)
                if os.path.exists(stem + ".myid"):
                    with open(stem + ".myid") as src, open(os.path.join(data_dir, "myid"), "w") as dst:
                        dst.write(src.read())
                lines = [f"dataDir={data_dir}" if l.startswith("dataDir=/") else l
                         for l in open(os.path.join(d, n), encoding="latin-1").read().splitlines()]
                path = os.path.join(tmp, f"zk-case-{n}")
                with open(path, "w", encoding="latin-1") as f:
                    f.write("\n".join(lines) + "\n")
                files.append(path)
            groups["zookeeper"] = (files, ZK_LIBS_FROM)
            continue
        release = cached_release(kind)
        if release is None:
            continue  # a version validate refuses outright (3.5, 5.0): no Kafka to ask
        groups.setdefault(kind, ([], kind))[0].extend(os.path.join(d, n) for n in names)
    return groups


def report(what, files, theirs, ours, policy, show):
    """Prints the agreement, the documented differences by design and the first disagreements;
    returns the agreement in percent over the files that are not a documented difference."""
    diff = [f for f in files if theirs[f][0] != ours[f][0]]
    designed = {}
    for f in diff:
        name = by_design(f, theirs, ours)
        if name:
            designed.setdefault(name, []).append(f)
    real = [f for f in diff if not by_design(f, theirs, ours)]
    judged = len(files) - sum(len(v) for v in designed.values())
    agree = 100.0 * (judged - len(real)) / judged if judged else 100.0
    refused = sum(1 for f in files if not theirs[f][0])
    policy_only = sum(1 for f in files if ours[f][2] and ours[f][0])
    print(f"{what}: {judged - len(real)}/{judged} agree ({agree:.2f}%), it refuses {refused}"
          f"; refused by our stricter policy alone ({', '.join(sorted(policy))}): {policy_only}")
    for name, fs in sorted(designed.items()):
        print(f"  differ by design ({name}, docs/validate.md; not counted): {len(fs)} of {len(files)}, e.g. {os.path.basename(fs[0])}")
    for f in real[:show]:
        print(f"  {os.path.basename(f)}: it {'accepts' if theirs[f][0] else 'refuses'} ({theirs[f][1][:300]}), "
              f"validate {'accepts' if ours[f][0] else 'refuses'} ({ours[f][1][:300]})")
        for line in open(f, encoding="latin-1"):
            print("      " + line.rstrip("\n"))
    sys.stdout.flush()
    return agree


def require_java_and_maven():
    """The oracles are Java on Kafka's jars from Maven: without them, skip (77), or fail in CI."""
    if shutil.which("java") and shutil.which("mvn"):
        return
    msg = "the KafkaConfig differential needs a JDK and Maven (scripts/setup-debian.sh installs them)"
    if os.environ.get("CI") == "true":
        print("FAIL: " + msg)
        sys.exit(1)
    print("skipped: " + msg)
    sys.exit(77)


def main():
    require_java_and_maven()
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--versions", default="3.6.2,3.7.2,3.8.1,3.9.1,4.0.1,4.1.2,4.2.1,4.3.1,4.4.0")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=10)
    ap.add_argument("--min-agreement", type=float, default=100.0)
    ap.add_argument("--zookeeper-count", type=int, default=1000, help="ZooKeeper configs (0: none)")
    ap.add_argument("--cases", help="judge the configs the validate tests wrote to this directory instead of a generated corpus")
    a = ap.parse_args()
    worst = 100.0
    policy = policy_rules(a.binary)
    if a.cases:
        with tempfile.TemporaryDirectory() as tmp:
            for kind, (files, version) in sorted(repo_cases(a.cases, tmp).items()):
                if not files:
                    continue
                if kind == "zookeeper":
                    theirs = kafka_verdicts(ZK_LIBS_FROM, files, "ZkConfigCheck.java")
                    what = "test cases, ZooKeeper 3.8"
                else:
                    theirs = kafka_verdicts(cached_release(version), files)
                    what = f"test cases for {version} (Kafka {cached_release(version)})"
                ours = our_verdicts(a.binary, version, files, policy)
                worst = min(worst, report(what, files, theirs, ours, policy, a.show))
        print(f"lowest agreement {worst:.2f}% (required {a.min_agreement}%)")
        return 0 if worst >= a.min_agreement else 1
    with tempfile.TemporaryDirectory() as tmp:
        for version in filter(None, a.versions.split(",")):
            rnd = random.Random(f"{a.seed}-{version}")
            keys = schema_keys(version)
            files = []
            for i in range(a.count):
                cfg = rnd.choice(bases(version))
                for _ in range(rnd.choice([0, 1, 1, 2, 3]) if i else 0):
                    cfg = mutate(cfg, rnd, keys)
                path = os.path.join(tmp, f"{version}-{i:05d}.properties")
                write(path, cfg)
                files.append(path)
            theirs = kafka_verdicts(version, files)
            ours = our_verdicts(a.binary, version, files, policy)
            worst = min(worst, report(f"Kafka {version}", files, theirs, ours, policy, a.show))
        if a.zookeeper_count:
            files = zk_corpus(tmp, a.seed, a.zookeeper_count)
            theirs = kafka_verdicts(ZK_LIBS_FROM, files, "ZkConfigCheck.java")
            ours = our_verdicts(a.binary, ZK_LIBS_FROM, files, policy)
            worst = min(worst, report("ZooKeeper 3.8 (QuorumPeerConfig)", files, theirs, ours, policy, a.show))
    print(f"lowest agreement {worst:.2f}% (required {a.min_agreement}%)")
    return 0 if worst >= a.min_agreement else 1


if __name__ == "__main__":
    sys.exit(main())
