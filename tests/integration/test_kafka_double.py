#!/usr/bin/env python3
"""Tests of the Kafka test double itself (tests/kafka-double), on loopback ports.

Built fresh from tests/kafka-double/build.sh into a temp dir. Covers kafka-storage.sh
(random-uuid, format, info, refusals), kafka-server-start.sh (config and meta.properties rules,
quorum of 3 controllers, 2 of 3, 1 of 3), kafka-metadata-quorum.sh, and a real ZooKeeper 3.8
ensemble started by zookeeper-server-start.sh with a ZooKeeper-mode broker double.
Exit 77 (skipped) when python3 or, for the ZooKeeper part, Java or the jars are missing."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

SRC = os.environ.get("KA_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FAILURES = []
PROCS = []


def check(cond, what, detail=""):
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what + ("\n     " + detail.replace("\n", "\n     ") if detail else ""))
        FAILURES.append(what)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60, **kw)


def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def wait_for(pred, timeout):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def start(cmd, log_dir, **kw):
    os.makedirs(log_dir, exist_ok=True)
    env = dict(os.environ, LOG_DIR=log_dir, KAFKA_HEAP_OPTS="-Xmx64m")
    out = open(os.path.join(log_dir, "stdout"), "w")
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, **kw)
    PROCS.append(p)
    return p


def stop(p, sig=signal.SIGTERM):
    if p.poll() is None:
        p.send_signal(sig)
    try:
        return p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        return p.wait()


def four_letter(port, word):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.settimeout(1)
            s.sendall(word.encode())
            data = b""
            while True:
                c = s.recv(4096)
                if not c:
                    break
                data += c
        return data.decode()
    except OSError:
        return ""


def controller_config(path, node_id, ports, data):
    voters = ",".join("%d@127.0.0.1:%d" % (i + 1, p) for i, p in enumerate(ports))
    write(path, "process.roles=controller\nnode.id=%d\ncontroller.quorum.voters=%s\n"
                "listeners=CONTROLLER://127.0.0.1:%d\ncontroller.listener.names=CONTROLLER\n"
                "log.dirs=%s\n" % (node_id, voters, ports[node_id - 1], data))


def test_storage(kafka, tmp):
    storage = os.path.join(kafka, "bin", "kafka-storage.sh")
    r = run(storage, "random-uuid")
    cid = r.stdout.strip()
    check(r.returncode == 0 and re.fullmatch(r"[A-Za-z0-9_-]{22}", cid) and not cid.startswith("-"),
          "random-uuid prints a 22-character base64url UUID", r.stdout + r.stderr)

    d = os.path.join(tmp, "storage")
    cfg = os.path.join(d, "server.properties")
    write(cfg, "process.roles=broker,controller\nnode.id=1\ncontroller.quorum.voters=1@127.0.0.1:19093\n"
               "listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093\n"
               "controller.listener.names=CONTROLLER\nlog.dirs=%s/data1,%s/data2\nmetadata.log.dir=%s/meta\n"
          % (d, d, d))
    r = run(storage, "format", "-t", cid, "-c", cfg)
    check(r.returncode == 0, "format succeeds", r.stdout + r.stderr)
    check("Formatting metadata directory %s/meta with metadata.version 4.0-IV3." % d in r.stdout and
          "Formatting data directory %s/data1 with metadata.version 4.0-IV3." % d in r.stdout,
          "format prints Kafka's lines per directory", r.stdout)
    dir_ids = set()
    for sub in ("data1", "data2", "meta"):
        meta = read(os.path.join(d, sub, "meta.properties"))
        m = dict(l.split("=", 1) for l in meta.splitlines() if "=" in l and not l.startswith("#"))
        check(m.get("version") == "1" and m.get("cluster.id") == cid and m.get("node.id") == "1" and
              len(m.get("directory.id", "")) == 22, "meta.properties v1 in %s" % sub, meta)
        dir_ids.add(m.get("directory.id"))
        check(os.path.isfile(os.path.join(d, sub, "bootstrap.checkpoint")), "bootstrap.checkpoint in %s" % sub)
    check(len(dir_ids) == 3, "every directory has its own directory.id")
    check(os.path.isdir(os.path.join(d, "meta", "__cluster_metadata-0")), "metadata dir has __cluster_metadata-0")

    r = run(storage, "info", "-c", cfg)
    check(r.returncode == 0 and r.stdout.startswith("Found log directories:\n  %s/data1\n  %s/data2\n  %s/meta\n\n"
                                                      "Found metadata: {cluster.id=%s, directory.id=" % (d, d, d, cid)),
          "info prints Kafka's format", r.stdout)

    r = run(storage, "format", "-t", cid, "-c", cfg)
    check(r.returncode == 1 and "Log directory %s/data1 is already formatted. Use --ignore-formatted to ignore "
          "this directory and format the others." % d in r.stderr, "a second format is refused, exit 1",
          r.stdout + r.stderr)
    r = run(storage, "format", "-t", cid, "-c", cfg, "--ignore-formatted")
    check(r.returncode == 0 and "All of the log directories are already formatted." in r.stdout,
          "--ignore-formatted accepts formatted dirs", r.stdout + r.stderr)
    other = run(storage, "random-uuid").stdout.strip()
    r = run(storage, "format", "-t", other, "-c", cfg, "--ignore-formatted")
    check(r.returncode == 1 and "Invalid cluster.id in: %s/data1/meta.properties. Expected %s, but read %s"
          % (d, other, cid) in r.stderr, "a foreign cluster id is refused", r.stdout + r.stderr)

    os.remove(os.path.join(d, "data2", "meta.properties"))
    r = run(storage, "info", "-c", cfg)
    check(r.returncode == 1 and "Found problem:\n  %s/data2 is not formatted.\n" % d in r.stdout,
          "info reports an unformatted dir, exit 1", r.stdout)

    # legacy (ZooKeeper-mode) configs cannot be formatted
    zcfg = os.path.join(d, "zk.properties")
    write(zcfg, "broker.id=1\nzookeeper.connect=127.0.0.1:2181\nlog.dirs=%s/zk\n" % d)
    r = run(storage, "format", "-t", cid, "-c", zcfg)
    check(r.returncode == 1 and 'Missing required configuration "process.roles" which has no default value.'
          in r.stderr, "4.x refuses a ZooKeeper-mode config", r.stdout + r.stderr)


def test_storage_kip853(kafka39, tmp):
    storage = os.path.join(kafka39, "bin", "kafka-storage.sh")
    cid = run(storage, "random-uuid").stdout.strip()
    d = os.path.join(tmp, "dyn")
    cfg = os.path.join(d, "c.properties")
    write(cfg, "process.roles=controller\nnode.id=1\ncontroller.quorum.bootstrap.servers=127.0.0.1:29093\n"
               "listeners=CONTROLLER://127.0.0.1:29093\ncontroller.listener.names=CONTROLLER\nlog.dirs=%s/m\n" % d)
    r = run(storage, "format", "-t", cid, "-c", cfg)
    check(r.returncode == 1 and r.stderr.strip() == "Because controller.quorum.voters is not set on this "
          "controller, you must specify one of the following: --standalone, --initial-controllers, or "
          "--no-initial-controllers.", "dynamic quorum needs --standalone/--initial-controllers", r.stderr)
    zcfg = os.path.join(d, "zk.properties")
    write(zcfg, "broker.id=1\nzookeeper.connect=127.0.0.1:2181\nlog.dirs=%s/zk\n" % d)
    r = run(storage, "format", "-t", cid, "-c", zcfg)
    check(r.returncode == 1 and r.stderr.strip() == "The kafka configuration file appears to be for a legacy "
          "cluster. Formatting is only supported for clusters in KRaft mode.", "3.x format refuses a legacy config",
          r.stdout + r.stderr)
    r = run(storage, "format", "-t", cid, "-c", cfg, "--standalone", "--no-initial-controllers")
    check(r.returncode == 1, "--standalone with --no-initial-controllers is a usage error", r.stdout + r.stderr)
    r = run(storage, "format", "-t", cid, "-c", cfg, "--standalone")
    check(r.returncode == 0 and "Formatting dynamic metadata voter directory %s/m with metadata.version 3.9-IV0."
          % d in r.stdout, "--standalone formats a dynamic voter directory", r.stdout + r.stderr)


def test_kraft_quorum(kafka, tmp):
    start_sh = os.path.join(kafka, "bin", "kafka-server-start.sh")
    storage = os.path.join(kafka, "bin", "kafka-storage.sh")
    quorum = os.path.join(kafka, "bin", "kafka-metadata-quorum.sh")
    cid = run(storage, "random-uuid").stdout.strip()
    ports = free_ports(3)
    base = os.path.join(tmp, "kraft")
    cfgs = []
    for i in (1, 2, 3):
        cfg = os.path.join(base, "c%d.properties" % i)
        controller_config(cfg, i, ports, os.path.join(base, "n%d" % i))
        r = run(storage, "format", "-t", cid, "-c", cfg)
        check(r.returncode == 0, "format controller %d" % i, r.stdout + r.stderr)
        cfgs.append(cfg)

    # a node whose config names another node id than its storage refuses to start
    wrong = os.path.join(base, "wrong.properties")
    controller_config(wrong, 2, ports, os.path.join(base, "n1"))
    r = run(start_sh, wrong, env=dict(os.environ, LOG_DIR=os.path.join(base, "wronglog")))
    check(r.returncode == 1 and "InconsistentNodeIdException: Configured node.id `2` doesn't match stored "
          "node.id `1' in meta.properties" in r.stdout, "meta.properties of another node refused", r.stdout)
    bad = os.path.join(base, "bad.properties")
    write(bad, "process.roles=controller\nnode.id=9\ncontroller.quorum.voters=1@127.0.0.1:1\n"
               "listeners=CONTROLLER://127.0.0.1:1\ncontroller.listener.names=CONTROLLER\nlog.dirs=%s/x\n" % base)
    r = run(start_sh, bad, env=dict(os.environ, LOG_DIR=os.path.join(base, "badlog")))
    check(r.returncode == 1 and "requirement failed: If process.roles contains the 'controller' role, the node "
          "id 9 must be included in the set of voters controller.quorum.voters=Set(1)" in r.stdout,
          "Kafka's start-up rule on voters enforced", r.stdout)

    # 1 of 3: no majority, never "started"
    t0 = time.time()
    p1 = start([start_sh, cfgs[0]], os.path.join(base, "log1"))
    started = "Kafka Server started"
    log1 = os.path.join(base, "log1", "server.log")
    check(not wait_for(lambda: started in read(log1), 2.0) and p1.poll() is None,
          "1 of 3 controllers runs but does not log started", read(log1))
    # 3 of 3
    procs = [p1, start([start_sh, cfgs[1]], os.path.join(base, "log2")),
             start([start_sh, cfgs[2]], os.path.join(base, "log3"))]
    logs = [os.path.join(base, "log%d" % i, "server.log") for i in (1, 2, 3)]
    ok = wait_for(lambda: all("[KafkaRaftServer nodeId=%d] Kafka Server started" % (i + 1) in read(l)
                              for i, l in enumerate(logs)), 10)
    check(ok, "3 controllers reach quorum and log started (%.1f s)" % (time.time() - t0),
          "\n".join(read(l)[-600:] for l in logs))
    r = run(quorum, "--bootstrap-controller", "127.0.0.1:%d" % ports[2], "describe", "--status")
    lines = r.stdout.splitlines()
    check(r.returncode == 0 and len(lines) == 8 and lines[0] == "ClusterId:              " + cid and
          lines[1] == "LeaderId:               1" and re.fullmatch(r"LeaderEpoch:\s+\d+", lines[2]) and
          re.fullmatch(r"HighWatermark:\s+\d+", lines[3]) and re.fullmatch(r"MaxFollowerLag:\s+\d+", lines[4]) and
          lines[6].startswith('CurrentVoters:          [{"id": 1, "directoryId": ') and
          '"endpoints": ["CONTROLLER://127.0.0.1:%d"]}' % ports[0] in lines[6] and
          lines[7] == "CurrentObservers:       []", "describe --status in Kafka's format", r.stdout + r.stderr)
    r = run(quorum, "--bootstrap-controller", "127.0.0.1:%d" % ports[1], "describe", "--replication")
    check(r.returncode == 0 and r.stdout.splitlines()[0].split() == ["NodeId", "DirectoryId", "LogEndOffset", "Lag",
          "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status"] and len(r.stdout.splitlines()) == 4 and
          "Leader" in r.stdout.splitlines()[1], "describe --replication", r.stdout + r.stderr)

    # 2 of 3: the leader dies, the other two elect a new one
    epoch_before = int(lines[2].split()[1]) if len(lines) > 2 else 0
    stop(procs[0], signal.SIGKILL)
    t1 = time.time()
    got = {}

    def new_leader():
        r = run(quorum, "--bootstrap-controller", "127.0.0.1:%d" % ports[1], "describe", "--status")
        got["out"] = r.stdout + r.stderr
        return r.returncode == 0 and re.search(r"LeaderId:\s+[23]\n", r.stdout) is not None
    check(wait_for(new_leader, 10), "2 of 3 still serve with a new leader (%.1f s)" % (time.time() - t1), got.get("out", ""))
    m = re.search(r"LeaderEpoch:\s+(\d+)", got.get("out", ""))
    check(m is not None and int(m.group(1)) > epoch_before, "the epoch grew with the new leader", got.get("out", ""))
    # 1 of 3 again: the remaining node loses its leader
    stop(procs[1], signal.SIGKILL)
    r = run(quorum, "--bootstrap-controller", "127.0.0.1:%d" % ports[2], "describe", "--status")
    check(r.returncode == 1, "no leader with 1 of 3 voters", r.stdout + r.stderr)
    rc = stop(procs[2])
    check(rc == 143 and "shut down completed" in read(logs[2]), "SIGTERM stops the double (exit 143)", str(rc))


def test_zookeeper(kafka39, tmp):
    jars = ["/usr/share/java/zookeeper.jar", "/usr/share/java/slf4j-log4j12.jar", "/usr/share/java/log4j-1.2.jar"]
    if not shutil.which("java") or not all(os.path.exists(j) for j in jars):
        print("skip ZooKeeper part: needs java and libzookeeper-java, libslf4j-java, liblog4j1.2-java")
        return
    zk_start = os.path.join(kafka39, "bin", "zookeeper-server-start.sh")
    base = os.path.join(tmp, "zk")
    ports = free_ports(9)
    client, peer, election = ports[0:3], ports[3:6], ports[6:9]
    servers = "".join("server.%d=127.0.0.1:%d:%d\n" % (i + 1, peer[i], election[i]) for i in range(3))
    procs = []
    t0 = time.time()
    for i in range(3):
        data = os.path.join(base, "n%d" % (i + 1))
        write(os.path.join(data, "myid"), "%d\n" % (i + 1))
        cfg = os.path.join(base, "zk%d.properties" % (i + 1))
        write(cfg, "tickTime=500\ninitLimit=10\nsyncLimit=5\ndataDir=%s\nclientPort=%d\nadmin.enableServer=false\n"
                   "4lw.commands.whitelist=ruok,srvr,mntr\n%s" % (data, client[i], servers))
        procs.append(start([zk_start, cfg], os.path.join(base, "log%d" % (i + 1))))

    def modes():
        return [re.search(r"Mode: (\w+)", four_letter(p, "srvr")) for p in client]
    ok = wait_for(lambda: all(modes()) and sorted(m.group(1) for m in modes()) == ["follower", "follower", "leader"], 60)
    check(ok, "ZooKeeper ensemble of 3 from zookeeper-server-start.sh elects a leader (%.1f s)" % (time.time() - t0),
          read(os.path.join(base, "log1", "stdout"))[-1500:])
    check(all(four_letter(p, "ruok") == "imok" for p in client), "every ZooKeeper answers ruok with imok")
    check("Zookeeper version: 3.8" in four_letter(client[0], "srvr"), "srvr reports ZooKeeper 3.8")

    # a ZooKeeper-mode broker double starts once ZooKeeper serves, and writes meta.properties v0
    [bport] = free_ports(1)
    bcfg = os.path.join(base, "broker.properties")
    write(bcfg, "broker.id=7\nzookeeper.connect=127.0.0.1:%d,127.0.0.1:%d\nlisteners=PLAINTEXT://127.0.0.1:%d\n"
                "log.dirs=%s/b\n" % (client[0], client[1], bport, base))
    b = start([os.path.join(kafka39, "bin", "kafka-server-start.sh"), bcfg], os.path.join(base, "blog"))
    blog = os.path.join(base, "blog", "server.log")
    check(wait_for(lambda: "[KafkaServer id=7] started" in read(blog), 10), "ZooKeeper-mode broker double starts",
          read(blog))
    meta = read(os.path.join(base, "b", "meta.properties"))
    check("version=0" in meta and "broker.id=7" in meta and "cluster.id=" in meta, "meta.properties v0 written", meta)
    stop(b)
    write(bcfg, read(bcfg).replace("broker.id=7", "broker.id=8"))
    r = run(os.path.join(kafka39, "bin", "kafka-server-start.sh"), bcfg, env=dict(os.environ, LOG_DIR=os.path.join(base, "blog2")))
    check(r.returncode == 1 and "InconsistentBrokerIdException: Configured broker.id 8 doesn't match stored broker.id "
          "Some(7) in meta.properties" in r.stdout, "another broker.id refused", r.stdout)
    for p in procs:
        stop(p)


def main():
    if not shutil.which("python3"):
        print("skipped: python3 is missing")
        return 77
    tmp = tempfile.mkdtemp(prefix="ka-double-")
    try:
        for v in ("4.0.0", "3.9.1"):
            r = run(os.path.join(SRC, "tests", "kafka-double", "build.sh"), v, os.path.join(tmp, "dist"))
            if r.returncode != 0:
                print(r.stdout + r.stderr)
                return 1
            run("tar", "-xzf", os.path.join(tmp, "dist", "kafka_2.13-%s.tgz" % v), "-C", tmp)
        k40 = os.path.join(tmp, "kafka_2.13-4.0.0")
        k39 = os.path.join(tmp, "kafka_2.13-3.9.1")
        check(os.path.isfile(os.path.join(k40, "DOUBLE.md")) and
              all("KAFKA TEST DOUBLE" in read(os.path.join(k40, "bin", s)) for s in os.listdir(os.path.join(k40, "bin"))),
              "the tarball names itself a double (DOUBLE.md, banner in every script)")
        check(not os.path.exists(os.path.join(k40, "bin", "zookeeper-server-start.sh")), "4.x has no ZooKeeper scripts")
        r = run(os.path.join(SRC, "tests", "kafka-double", "build.sh"), "2.8.0", os.path.join(tmp, "dist"))
        check(r.returncode == 2, "build.sh refuses versions before 3.6", r.stderr)
        for t in (lambda: test_storage(k40, tmp), lambda: test_storage_kip853(k39, tmp),
                  lambda: test_kraft_quorum(k40, tmp), lambda: test_zookeeper(k39, tmp)):
            try:
                t()
            except Exception:
                check(False, "no exception", traceback.format_exc())
    finally:
        for p in PROCS:
            if p.poll() is None:
                p.kill()
                p.wait()
        if FAILURES and os.environ.get("KA_KEEP"):
            print("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
