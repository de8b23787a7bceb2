#!/usr/bin/env python3
# KAFKA TEST DOUBLE - not Apache Kafka. See DOUBLE.md at the top of this distribution.
#
# One program behind every bin/*.sh of the double distribution:
#   kafka_double.py storage ARGS...          kafka-storage.sh
#   kafka_double.py kafka.Kafka CONFIG       kafka-server-start.sh (the name is what
#                                            kafka-server-stop.sh looks for, as with the real one)
#   kafka_double.py server-stop              kafka-server-stop.sh
#   kafka_double.py metadata-quorum ARGS...  kafka-metadata-quorum.sh
#
# The messages, exit codes and files follow Kafka's own sources (StorageTool, Formatter,
# MetaPropertiesEnsemble, KafkaConfig.validateValues, MetadataQuorumCommand); the quorum is a
# small line protocol of the double's own over the controller listeners (PROTOCOL in DOUBLE.md).
import argparse
import base64
import datetime
import json
import os
import random
import signal
import socket
import sys
import threading
import time

BASE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROTOCOL_MAGIC = "KDOUBLE"
DEFAULT_PROTOCOL_MAP = {"PLAINTEXT": "PLAINTEXT", "SSL": "SSL",
                        "SASL_PLAINTEXT": "SASL_PLAINTEXT", "SASL_SSL": "SASL_SSL"}


# --- what this distribution claims to be ------------------------------------------------------

def claimed_version():
    with open(os.path.join(BASE, "libs", "kafka-double", "VERSION")) as f:
        return f.read().strip()


def version_tuple(v):
    parts = v.split("-")[0].split(".")
    return tuple(int(p) for p in parts[:3])


def metadata_version(v):
    """The latest production metadata.version of a release (MetadataVersion.LATEST_PRODUCTION)."""
    table = {(3, 6): "3.6-IV2", (3, 7): "3.7-IV4", (3, 8): "3.8-IV0", (3, 9): "3.9-IV0",
             (4, 0): "4.0-IV3", (4, 1): "4.1-IV1", (4, 2): "4.2-IV1"}
    return table.get(version_tuple(v)[:2], "%d.%d-IV0" % version_tuple(v)[:2])


def has_kip853(v):
    return version_tuple(v) >= (3, 9)


# --- Java properties, UUIDs -------------------------------------------------------------------

def load_properties(path):
    """java.util.Properties.load, for the subset of the syntax configs use."""
    props = {}
    with open(path, encoding="latin-1") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].lstrip()
        i += 1
        if not line or line[0] in "#!":
            continue
        while line.endswith("\\") and not line.endswith("\\\\") and i < len(lines):
            line = line[:-1] + lines[i].lstrip()
            i += 1
        key, sep, j = "", False, 0
        while j < len(line):
            c = line[j]
            if c == "\\" and j + 1 < len(line):
                key += line[j + 1]
                j += 2
                continue
            if c in "=:" or c.isspace():
                sep = True
                break
            key += c
            j += 1
        rest = line[j:].lstrip() if sep else ""
        if rest[:1] in ("=", ":"):
            rest = rest[1:].lstrip()
        props[key] = rest.replace("\\:", ":").replace("\\=", "=")
    return props


def write_properties_atomically(path, props, header):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("#\n#%s\n" % header)
        for k, v in props.items():
            f.write("%s=%s\n" % (k, v))
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def random_uuid():
    """org.apache.kafka.common.Uuid.randomUuid: base64url without padding, never starting with '-'."""
    while True:
        raw = bytearray(os.urandom(16))
        raw[6] = (raw[6] & 0x0F) | 0x40
        raw[8] = (raw[8] & 0x3F) | 0x80
        s = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
        if not s.startswith("-") and raw != bytes(16) and raw != bytes(15) + b"\x01":
            return s


def valid_uuid(s):
    try:
        return len(base64.urlsafe_b64decode(s + "==")) == 16
    except Exception:
        return False


def java_map(d):
    return "{" + ", ".join("%s=%s" % (k, d[k]) for k in sorted(d)) + "}"


# --- errors as Kafka shows them ----------------------------------------------------------------

class KafkaFailure(Exception):
    """An exception Kafka would throw; java_class is what the JVM would print before the message."""

    def __init__(self, java_class, message):
        super().__init__(message)
        self.java_class = java_class


def require(cond, message):
    if not cond:
        raise KafkaFailure("java.lang.IllegalArgumentException", "requirement failed: " + message)


def config_error(message):
    return KafkaFailure("org.apache.kafka.common.config.ConfigException", message)


# --- the configuration rules the double enforces (KafkaConfig.validateValues) -----------------

class Endpoint:
    def __init__(self, name, host, port):
        self.name, self.host, self.port = name, host, port

    def __str__(self):
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "%s://%s:%d" % (self.name, host, self.port)


def parse_endpoints(value, key):
    out = []
    for item in [x.strip() for x in value.split(",") if x.strip()]:
        if "://" not in item:
            raise KafkaFailure("org.apache.kafka.common.KafkaException",
                               "Unable to parse %s to a broker endpoint" % item)
        name, hostport = item.split("://", 1)
        if hostport.startswith("["):
            host, _, port = hostport[1:].partition("]:")
        else:
            host, _, port = hostport.rpartition(":")
        try:
            out.append(Endpoint(name.upper(), host, int(port)))
        except ValueError:
            raise KafkaFailure("org.apache.kafka.common.KafkaException",
                               "Unable to parse %s to a broker endpoint" % item)
    names = [e.name for e in out]
    if len(set(names)) != len(names):
        require(False, "Each listener must have a different name, listeners: %s" % value)
    return out


def parse_voters(value):
    """controller.quorum.voters: id@host:port,... -> [(id, host, port)]."""
    voters = []
    for item in [x.strip() for x in value.split(",") if x.strip()]:
        ident, at, hostport = item.partition("@")
        host, _, port = hostport.rpartition(":")
        if not at or not host or not ident.isdigit() or not port.isdigit():
            raise config_error("Invalid value %s for configuration controller.quorum.voters: "
                               "Failed to parse a voter string: %s" % (value, item))
        voters.append((int(ident), host.strip("[]"), int(port)))
    return voters


def parse_hostports(value):
    out = []
    for item in [x.strip() for x in value.split(",") if x.strip()]:
        host, _, port = item.rpartition(":")
        out.append((host.strip("[]"), int(port)))
    return out


class Config:
    def __init__(self, path, version):
        if not os.path.isfile(path):
            raise KafkaFailure("java.nio.file.NoSuchFileException", path)
        self.path = path
        self.version = version
        p = self.props = load_properties(path)
        self.roles = [r.strip() for r in p.get("process.roles", "").split(",") if r.strip()]
        for r in self.roles:
            if r not in ("broker", "controller"):
                raise config_error("Unknown process role '%s' (must be a value of "
                                   "broker or controller)" % r)
        self.kraft = bool(self.roles)
        self.node_id = int(p.get("node.id", p.get("broker.id", "-1")))
        self.broker_id = int(p.get("broker.id", p.get("node.id", "-1")))
        self.log_dirs = [d.strip() for d in p.get("log.dirs", p.get("log.dir", "/tmp/kafka-logs")).split(",") if d.strip()]
        self.metadata_log_dir = p.get("metadata.log.dir", self.log_dirs[0] if self.log_dirs else "")
        self.voters = parse_voters(p.get("controller.quorum.voters", ""))
        self.bootstrap_servers = parse_hostports(p.get("controller.quorum.bootstrap.servers", ""))
        self.controller_listener_names = [n.strip().upper() for n in p.get("controller.listener.names", "").split(",") if n.strip()]
        self.listeners = parse_endpoints(p.get("listeners", "PLAINTEXT://:9092"), "listeners")
        adv = p.get("advertised.listeners")
        self.advertised = parse_endpoints(adv, "advertised.listeners") if adv else None
        self.zk_connect = p.get("zookeeper.connect")
        self.inter_broker_listener = p.get("inter.broker.listener.name",
                                           p.get("security.inter.broker.protocol", "PLAINTEXT")).upper()
        pmap = p.get("listener.security.protocol.map")
        # Without an explicit map, KRaft maps controller listeners missing from the default to
        # PLAINTEXT (KafkaConfig.effectiveListenerSecurityProtocolMap).
        self.protocol_map = dict(DEFAULT_PROTOCOL_MAP, **dict((n, "PLAINTEXT") for n in self.controller_listener_names)) \
            if pmap is None else dict(
            (a.strip().upper(), b.strip().upper()) for a, _, b in
            (x.partition(":") for x in pmap.split(",") if x.strip()))

    def is_controller(self):
        return "controller" in self.roles

    def is_broker(self):
        return "broker" in self.roles or not self.kraft

    def controller_listeners(self):
        return [e for e in self.listeners if e.name in self.controller_listener_names]

    def broker_listeners(self):
        return [e for e in self.listeners if e.name not in self.controller_listener_names]

    def advertised_broker_listeners(self):
        src = self.advertised if self.advertised is not None else self.listeners
        return [e for e in src if e.name not in self.controller_listener_names]

    def advertised_controller_listeners(self):
        """3.9+: from advertised.listeners when named there, else from listeners."""
        out = []
        for e in self.controller_listeners():
            adv = [a for a in (self.advertised or []) if a.name == e.name]
            out.append(adv[0] if adv and has_kip853(self.version) else e)
        return out

    def validate(self):
        v = version_tuple(self.version)
        if v >= (4, 0) and not self.kraft:
            raise config_error('Missing required configuration "process.roles" which has no default value.')
        if not self.kraft:
            if self.zk_connect is None:
                raise config_error("Missing required configuration `zookeeper.connect` which has no default value.")
            require(self.broker_id >= 0, "broker.id must be greater than or equal to 0")
        elif self.node_id < 0:
            raise config_error("Missing configuration `node.id` which is required when `process.roles` "
                               "is defined (i.e. when running in KRaft mode).")
        require(self.log_dirs, "At least one log directory must be defined via log.dirs or log.dir.")
        voter_ids = set(i for i, _, _ in self.voters)
        java_set = "Set(%s)" % ", ".join(str(i) for i in sorted(voter_ids))

        def quorum_configured():
            if not voter_ids and not self.bootstrap_servers:
                raise config_error("If using process.roles, either controller.quorum.bootstrap.servers must "
                                   "contain the set of bootstrap controllers or controller.quorum.voters must "
                                   "contain a parseable set of controllers.")

        def controller_rules():
            require(not voter_ids or self.node_id in voter_ids,
                    "If process.roles contains the 'controller' role, the node id %d must be included in "
                    "the set of voters controller.quorum.voters=%s" % (self.node_id, java_set))
            require(self.controller_listeners(),
                    "controller.listener.names must contain at least one value appearing in the "
                    "'listeners' configuration when running the KRaft controller role")
            names = set(e.name for e in self.listeners)
            require(all(n in names for n in self.controller_listener_names),
                    "controller.listener.names must only contain values appearing in the 'listeners' "
                    "configuration when running the KRaft controller role")

        if self.roles == ["broker"]:
            quorum_configured()
            require(self.node_id not in voter_ids,
                    "If process.roles contains just the 'broker' role, the node id %d must not be included "
                    "in the set of voters controller.quorum.voters=%s" % (self.node_id, java_set))
            require(self.controller_listener_names,
                    "controller.listener.names must contain at least one value when running KRaft with "
                    "just the broker role")
            require(not self.controller_listeners(),
                    "controller.listener.names must not contain a value appearing in the 'listeners' "
                    "configuration when running KRaft with just the broker role")
        elif self.roles == ["controller"]:
            quorum_configured()
            require(len(self.controller_listeners()) == len(self.listeners),
                    "The listeners config must only contain KRaft controller listeners from "
                    "controller.listener.names when process.roles=controller")
            controller_rules()
        elif self.kraft:
            quorum_configured()
            controller_rules()
        else:
            require(not self.controller_listener_names,
                    "controller.listener.names must be empty when not running in KRaft mode: [%s]"
                    % ", ".join(self.controller_listener_names))
        for e in self.listeners:
            if e.name not in self.protocol_map:
                raise config_error("Listener with name %s defined in listeners not found in "
                                   "listener.security.protocol.map." % e.name)
        if self.is_broker():
            adv_names = [e.name for e in self.advertised_broker_listeners()]
            require(adv_names, "There must be at least one broker advertised listener." +
                    (" Perhaps all listeners appear in controller.listener.names?" if self.kraft else ""))
            require(self.inter_broker_listener in adv_names,
                    "inter.broker.listener.name must be a listener name defined in advertised.listeners. "
                    "The valid options based on currently configured listeners are %s" % ",".join(adv_names))
            names = set(e.name for e in self.listeners)
            require(set(adv_names) <= names,
                    "advertised.listeners listener names must be equal to or a subset of the ones defined "
                    "in listeners. Found %s. The valid options based on the current configuration are %s"
                    % (",".join(adv_names), ",".join(sorted(names))))
        for e in self.advertised_broker_listeners() + (self.advertised_controller_listeners() if self.is_controller() else []):
            require(e.host != "0.0.0.0", "advertised.listeners cannot use the nonroutable meta-address "
                                         "0.0.0.0. Use a routable IP address.")


# --- meta.properties ---------------------------------------------------------------------------

def read_meta(directory):
    path = os.path.join(directory, "meta.properties")
    if not os.path.isfile(path):
        return None
    return load_properties(path)


def meta_node_id(meta):
    return meta.get("node.id", meta.get("broker.id"))


def verify_ensemble(dirs, expected_cluster, expected_node):
    """MetaPropertiesEnsemble.verify: the same cluster.id and node.id in every formatted dir."""
    for d in sorted(dirs):
        meta = read_meta(d)
        if meta is None:
            continue
        path = os.path.join(d, "meta.properties")
        cid = meta.get("cluster.id")
        if cid is None:
            if meta.get("version") == "1":
                raise KafkaFailure("java.lang.RuntimeException", "cluster.id was not specified in the v1 file: " + path)
        elif expected_cluster is None:
            expected_cluster = cid
        elif cid != expected_cluster:
            raise KafkaFailure("java.lang.RuntimeException", "Invalid cluster.id in: %s. Expected %s, but read %s"
                               % (path, expected_cluster, cid))
        nid = meta_node_id(meta)
        if nid is None:
            if meta.get("version") == "1":
                raise KafkaFailure("java.lang.RuntimeException", "node.id was not specified in " + path)
        elif expected_node is None:
            expected_node = int(nid)
        elif int(nid) != expected_node:
            raise KafkaFailure("java.lang.RuntimeException",
                               "Stored node id %s doesn't match previous node id %d in %s. If you moved your "
                               "data, make sure your configured node id matches. If you intend to create a new "
                               "node, you should remove all data in your data directories." % (nid, expected_node, path))
    return expected_cluster, expected_node


# --- kafka-storage.sh --------------------------------------------------------------------------

class ArgError(Exception):
    pass


class StrictParser(argparse.ArgumentParser):
    # argparse4j reports a bad command line and the tool exits 1 (StorageTool.execute).
    def error(self, message):
        raise ArgError(message)


def storage_parser(version):
    p = StrictParser(prog="kafka-storage", description="The Kafka storage tool.")
    sub = p.add_subparsers(dest="command")
    info = sub.add_parser("info", help="Get information about the Kafka log directories on this node.")
    fmt = sub.add_parser("format", help="Format the Kafka log directories on this node.")
    sub.add_parser("random-uuid", help="Print a random UUID.")
    for sp in (info, fmt):
        sp.add_argument("--config", "-c", required=True)
    fmt.add_argument("--cluster-id", "-t", required=True)
    fmt.add_argument("--add-scram", "-S", action="append")
    fmt.add_argument("--ignore-formatted", "-g", action="store_true")
    fmt.add_argument("--release-version", "-r")
    fmt.add_argument("--feature", "-f", action="append")
    if has_kip853(version):
        group = fmt.add_mutually_exclusive_group()
        group.add_argument("--standalone", "-s", action="store_true")
        group.add_argument("--initial-controllers", "-I")
        group.add_argument("--no-initial-controllers", "-N", action="store_true")
    return p


def parse_initial_controllers(value):
    """DynamicVoters.parse: id@host:port:directoryId,..."""
    voters = []
    for item in [x.strip() for x in value.split(",") if x.strip()]:
        ident, at, rest = item.partition("@")
        if not at:
            raise KafkaFailure("java.lang.IllegalArgumentException", "No @ found in dynamic voter string.")
        if rest.startswith("["):
            host, _, rest = rest[1:].partition("]:")
        else:
            host, _, rest = rest.partition(":")
        port, colon, dir_id = rest.partition(":")
        if not colon:
            raise KafkaFailure("java.lang.IllegalArgumentException", "No colon following port could be found.")
        if not valid_uuid(dir_id):
            raise KafkaFailure("java.lang.IllegalArgumentException", "Failed to parse directory ID %s" % dir_id)
        voters.append({"id": int(ident), "host": host, "port": int(port), "directory_id": dir_id})
    return voters


def cmd_storage(argv):
    version = claimed_version()
    try:
        ns = storage_parser(version).parse_args(argv)
    except ArgError as e:
        print("net.sourceforge.argparse4j.inf.ArgumentParserException: %s" % e)
        return 1
    if ns.command == "random-uuid":
        print(random_uuid())
        return 0
    if ns.command is None:
        print("usage: kafka-storage [-h] {info,format,random-uuid} ...", file=sys.stderr)
        return 1
    try:
        cfg = Config(ns.config, version)
        if ns.command == "info":
            return storage_info(cfg)
        cfg.validate()
        return storage_format(cfg, ns, version)
    except KafkaFailure as e:
        # TerseFailure and FormatterException: just the message on stderr, exit 1;
        # anything else escapes main and the JVM prints it as an uncaught exception.
        if e.java_class in ("TerseFailure", "FormatterException"):
            print(str(e), file=sys.stderr)
        else:
            print('Exception in thread "main" %s: %s' % (e.java_class, e), file=sys.stderr)
        return 1


def storage_dirs(cfg):
    dirs = set(cfg.log_dirs)
    if cfg.kraft and cfg.metadata_log_dir:
        dirs.add(cfg.metadata_log_dir)
    return sorted(dirs)


def storage_info(cfg):
    problems, found, prev = [], [], None
    for d in storage_dirs(cfg):
        if not os.path.isdir(d):
            problems.append("%s does not exist" % d if not os.path.exists(d) else "%s is not a directory" % d)
            continue
        found.append(d)
        meta = read_meta(d)
        if meta is None:
            problems.append("%s is not formatted." % d)
            continue
        if prev is None:
            prev = meta
        elif prev.get("cluster.id") != meta.get("cluster.id"):
            problems.append("Mismatched cluster IDs between storage directories.")
        elif meta_node_id(prev) != meta_node_id(meta):
            problems.append("Mismatched node IDs between storage directories.")
    if prev is not None:
        if cfg.kraft and prev.get("version", "0") == "0":
            problems.append("The kafka configuration file appears to be for a cluster in KRaft mode, "
                            "but the directories are formatted for legacy mode.")
        elif not cfg.kraft and prev.get("version") == "1":
            problems.append("The kafka configuration file appears to be for a legacy cluster, but the "
                            "directories are formatted for a cluster in KRaft mode.")
    if found:
        print("Found log director%s:" % ("y" if len(found) == 1 else "ies"))
        for d in found:
            print("  " + d)
        print("")
    if prev is not None:
        print("Found metadata: " + java_map(prev))
        print("")
    if problems:
        print("Found problem%s:" % ("" if len(problems) == 1 else "s"))
        for pr in problems:
            print("  " + pr)
        print("")
        return 1
    return 0


def storage_format(cfg, ns, version):
    if not cfg.kraft:
        raise KafkaFailure("TerseFailure", "The kafka configuration file appears to be for a legacy cluster. "
                                           "Formatting is only supported for clusters in KRaft mode.")
    standalone = getattr(ns, "standalone", False)
    initial = getattr(ns, "initial_controllers", None)
    no_initial = getattr(ns, "no_initial_controllers", False)
    initial_voters = None
    if standalone:
        if not cfg.is_controller():
            raise KafkaFailure("TerseFailure", "You can only use --standalone on a controller.")
        ep = cfg.advertised_controller_listeners()[0]
        initial_voters = [{"id": cfg.node_id, "host": ep.host or "localhost", "port": ep.port,
                           "directory_id": random_uuid()}]
    elif initial:
        initial_voters = parse_initial_controllers(initial)
    if has_kip853(version) and not no_initial and cfg.is_controller() and not cfg.voters and initial_voters is None:
        raise KafkaFailure("TerseFailure", "Because controller.quorum.voters is not set on this controller, you "
                                           "must specify one of the following: --standalone, "
                                           "--initial-controllers, or --no-initial-controllers.")
    release = metadata_version(version)
    if ns.release_version:
        want = ns.release_version
        known = ["%d.%d" % (3, m) for m in range(0, 10)] + ["4.0", "4.1", "4.2"]
        base = want.split("-")[0]
        if base not in known or version_tuple(base + ".0") > version_tuple(version):
            raise KafkaFailure("java.lang.IllegalArgumentException",
                               "No MetadataVersion with shortVersion %s" % want)
        release = want if "-" in want else metadata_version(want + ".0")
    if ns.add_scram and version_tuple(release.split("-")[0] + ".0") < (3, 5):
        raise KafkaFailure("FormatterException", "SCRAM is only supported in metadata.version 3.5-IV2 or later.")
    dynamic = initial_voters is not None or (no_initial and not cfg.voters)
    if not valid_uuid(ns.cluster_id):
        raise KafkaFailure("java.lang.IllegalArgumentException",
                           "Input string `%s` decoded as %d bytes, which is not equal to the expected 16 bytes "
                           "of a base64-encoded UUID" % (ns.cluster_id, len(base64.urlsafe_b64decode(ns.cluster_id + "=="))))
    dirs = storage_dirs(cfg)
    verify_ensemble(dirs, ns.cluster_id, cfg.node_id)
    formatted = [d for d in dirs if read_meta(d) is not None]
    if formatted and not ns.ignore_formatted:
        raise KafkaFailure("FormatterException", "Log directory %s is already formatted. Use --ignore-formatted "
                                                 "to ignore this directory and format the others." % formatted[0])
    empty = [d for d in dirs if d not in formatted]
    if not empty:
        print("All of the log directories are already formatted.")
        return 0
    levels = {"metadata.version": release, "kraft.version": "1" if dynamic else "0"}
    print("Bootstrap metadata: BootstrapMetadata(records=[%s], metadataVersion=%s, source=format command)"
          % (", ".join("FeatureLevelRecord(name='%s', featureLevel=%s)" % kv for kv in sorted(levels.items())), release))
    for d in empty:
        if d != cfg.metadata_log_dir:
            kind = "data directory"
        elif initial_voters is None:
            kind = "metadata directory"
        elif any(v["id"] == cfg.node_id for v in initial_voters):
            kind = "dynamic metadata voter directory"
        else:
            kind = "dynamic metadata non-voter directory"
        print("Formatting %s %s with metadata.version %s." % (kind, d, release))
        os.makedirs(d, exist_ok=True)
        dir_id = random_uuid()
        if kind == "dynamic metadata voter directory":
            dir_id = [v for v in initial_voters if v["id"] == cfg.node_id][0]["directory_id"]
        # The real bootstrap.checkpoint is a binary record batch; the double keeps what it needs
        # (feature levels, the initial voters, SCRAM users) as JSON under the same name.
        checkpoint = {"double": "kafka-test-double", "metadata.version": release,
                      "features": levels, "scram": ns.add_scram or [],
                      "initial_controllers": initial_voters}
        with open(os.path.join(d, "bootstrap.checkpoint.tmp"), "w") as f:
            json.dump(checkpoint, f, indent=1)
        os.rename(os.path.join(d, "bootstrap.checkpoint.tmp"), os.path.join(d, "bootstrap.checkpoint"))
        if d == cfg.metadata_log_dir:
            os.makedirs(os.path.join(d, "__cluster_metadata-0"), exist_ok=True)
        meta = {"cluster.id": ns.cluster_id, "directory.id": dir_id, "node.id": str(cfg.node_id), "version": "1"}
        write_properties_atomically(os.path.join(d, "meta.properties"), meta,
                                    time.strftime("%a %b %d %H:%M:%S %Z %Y"))
    return 0


# --- logging like log4j's default Kafka layout ---------------------------------------------------

class Log:
    def __init__(self, log_dir):
        self.lock = threading.Lock()
        os.makedirs(log_dir, exist_ok=True)
        self.file = open(os.path.join(log_dir, "server.log"), "a")

    def __call__(self, level, message, logger):
        now = datetime.datetime.now()
        line = "[%s,%03d] %s %s (%s)\n" % (now.strftime("%Y-%m-%d %H:%M:%S"), now.microsecond // 1000,
                                          level, message, logger)
        with self.lock:
            for out in (sys.stdout, self.file):
                try:
                    out.write(line)
                    out.flush()
                except (OSError, ValueError):
                    pass


# --- the quorum: the double's own line protocol ------------------------------------------------

def ask(host, port, request, timeout=0.5):
    """One request line, one JSON reply line; None when the peer is unreachable or not a double."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(("%s %s\n" % (PROTOCOL_MAGIC, json.dumps(request))).encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return json.loads(data.decode()) if data.strip() else None
    except (OSError, ValueError):
        return None


class Node:
    POLL_S = 0.2
    OBSERVER_TTL_S = 3.0

    def __init__(self, cfg, meta, log):
        self.cfg, self.log = cfg, log
        self.cluster_id = meta["cluster.id"]
        self.directory_id = meta.get("directory.id", "")
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.leader_id, self.epoch, self.hw = -1, 0, 0
        self.started = False
        self.peers = {}          # voter id -> last reply
        self.observers = {}      # node id -> (directory id, last seen)
        self.warned = set()
        self.voters = self.initial_voters()

    def initial_voters(self):
        if self.cfg.voters:
            return [{"id": i, "host": h, "port": p, "directory_id": None} for i, h, p in self.cfg.voters]
        path = os.path.join(self.cfg.metadata_log_dir, "bootstrap.checkpoint")
        try:
            with open(path) as f:
                return json.load(f).get("initial_controllers") or []
        except (OSError, ValueError):
            return []

    def is_voter(self):
        return self.cfg.is_controller() and any(v["id"] == self.cfg.node_id for v in self.voters)

    def describe(self):
        with self.lock:
            now = time.time()
            return {"node_id": self.cfg.node_id, "cluster_id": self.cluster_id, "directory_id": self.directory_id,
                    "roles": self.cfg.roles, "voter": self.is_voter(), "leader_id": self.leader_id,
                    "epoch": self.epoch, "high_watermark": self.hw, "started": self.started,
                    "voters": self.voters,
                    "live_voters": sorted(set([i for i, r in self.peers.items() if r.get("voter")] +
                                              ([self.cfg.node_id] if self.is_voter() else []))),
                    "observers": [{"id": i, "directory_id": d} for i, (d, seen) in sorted(self.observers.items())
                                  if now - seen < self.OBSERVER_TTL_S and i not in [v["id"] for v in self.voters]]}

    def handle(self, request):
        kind = request.get("type")
        if kind == "hello" and request.get("cluster_id") == self.cluster_id:
            with self.lock:
                if not request.get("voter"):
                    self.observers[request["node_id"]] = (request.get("directory_id", ""), time.time())
        return self.describe()

    def serve(self, sock):
        while not self.stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve_one, args=(conn,), daemon=True).start()

    def serve_one(self, conn):
        with conn:
            conn.settimeout(2)
            try:
                data = b""
                while b"\n" not in data and len(data) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                line = data.decode(errors="replace").strip()
                if not line.startswith(PROTOCOL_MAGIC + " "):
                    return
                reply = self.handle(json.loads(line[len(PROTOCOL_MAGIC) + 1:]))
                conn.sendall((json.dumps(reply) + "\n").encode())
            except (OSError, ValueError):
                return

    def contact_points(self):
        points = [(v["host"], v["port"]) for v in self.voters if v["id"] != self.cfg.node_id]
        if not points:
            points = [(h, p) for h, p in self.cfg.bootstrap_servers]
        return points

    def poll(self):
        hello = {"type": "hello", "node_id": self.cfg.node_id, "cluster_id": self.cluster_id,
                 "directory_id": self.directory_id, "voter": self.is_voter()}
        replies = {}
        for host, port in self.contact_points():
            r = ask(host, port, hello)
            if r is None:
                continue
            if r.get("cluster_id") != self.cluster_id:
                key = (host, port, r.get("cluster_id"))
                if key not in self.warned:
                    self.warned.add(key)
                    self.log("WARN", "[RaftManager id=%d] Ignoring %s:%d: it belongs to cluster %s, not %s"
                             % (self.cfg.node_id, host, port, r.get("cluster_id"), self.cluster_id),
                             "org.apache.kafka.raft.KafkaRaftClient")
                continue
            replies[r["node_id"]] = r
            if not self.voters and r.get("voters"):
                # --no-initial-controllers: the voter set is learnt from the quorum
                self.voters = r["voters"]
        with self.lock:
            self.peers = replies
            previous = self.leader_id
            if self.is_voter():
                # Not Raft, but stable like it: a leader keeps its place while it sees a majority
                # and nobody claims a newer epoch; without a claimant the lowest live id takes over.
                me = self.cfg.node_id
                live = [me] + [i for i, r in replies.items() if r.get("voter")]
                majority = len(self.voters) // 2 + 1
                claims = [r for r in replies.values() if r.get("voter") and r.get("leader_id") == r["node_id"]]
                newer = [c for c in claims if (c.get("epoch", 0), -c["node_id"]) > (self.epoch, -me)]
                if len(live) < majority:
                    self.leader_id = -1
                elif previous == me and not newer:
                    self.hw += 1
                elif claims:
                    best = max(claims, key=lambda r: (r.get("epoch", 0), -r["node_id"]))
                    self.leader_id, self.epoch = best["node_id"], best.get("epoch", self.epoch)
                    self.hw = best.get("high_watermark", self.hw)
                elif min(live) == me:
                    self.epoch = max([self.epoch] + [r.get("epoch", 0) for r in replies.values()]) + 1
                    self.leader_id = me
                    self.hw += 1
                else:
                    self.leader_id = -1
            else:
                leaders = [r for r in replies.values() if r.get("voter") and r.get("leader_id") == r["node_id"]]
                if leaders:
                    best = max(leaders, key=lambda r: r.get("epoch", 0))
                    self.leader_id, self.epoch, self.hw = best["node_id"], best["epoch"], best["high_watermark"]
                else:
                    self.leader_id = -1
            changed = previous != self.leader_id
        if changed:
            if self.leader_id >= 0:
                self.log("INFO", "[RaftManager id=%d] Completed transition to %s with leader %d and epoch %d"
                         % (self.cfg.node_id, "Leader" if self.leader_id == self.cfg.node_id else "FollowerState",
                            self.leader_id, self.epoch), "org.apache.kafka.raft.QuorumState")
            else:
                self.log("INFO", "[RaftManager id=%d] Lost the leader: no majority of the voters %s is reachable"
                         % (self.cfg.node_id, [v["id"] for v in self.voters]), "org.apache.kafka.raft.QuorumState")

    def run_quorum(self):
        while not self.stop.is_set():
            self.poll()
            if self.leader_id >= 0 and not self.started:
                with self.lock:
                    self.started = True
                self.log("INFO", "[KafkaRaftServer nodeId=%d] Kafka Server started" % self.cfg.node_id,
                         "kafka.server.KafkaRaftServer")
            self.stop.wait(self.POLL_S)


def bind_listeners(cfg, log):
    socks = []
    for e in cfg.listeners:
        host = e.host or "0.0.0.0"
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, e.port))
        except OSError as err:
            s.close()
            for o in socks:
                o.close()
            raise KafkaFailure("org.apache.kafka.common.KafkaException",
                               "Socket server failed to bind to %s:%d: %s." % (e.host, e.port, err.strerror))
        s.listen(64)
        log("INFO", "[SocketServer listenerType=%s, nodeId=%d] Created data-plane acceptor and processors for "
                    "endpoint : ListenerName(%s)" % ("CONTROLLER" if e.name in cfg.controller_listener_names
                                                     else "BROKER", cfg.node_id, e.name), "kafka.network.SocketServer")
        socks.append(s)
    return socks


def zookeeper_serving(connect, timeout=0.5):
    """First 'host:port' of zookeeper.connect whose server is in a quorum (srvr 4lw: Mode leader/follower)."""
    chroot_free = connect.split("/", 1)[0]
    for hp in chroot_free.split(","):
        host, _, port = hp.strip().rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=timeout) as s:
                s.settimeout(timeout)
                s.sendall(b"srvr")
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            for line in data.decode(errors="replace").splitlines():
                if line.startswith("Mode: ") and line[6:] in ("leader", "follower", "standalone"):
                    return hp.strip()
        except (OSError, ValueError):
            continue
    return None


def start_kraft(cfg, log):
    dirs = sorted(set(cfg.log_dirs + [cfg.metadata_log_dir]))
    metas = dict((d, read_meta(d)) for d in dirs)
    if not any(metas.values()):
        raise KafkaFailure("java.lang.RuntimeException", "No readable meta.properties files found.")
    if metas.get(cfg.metadata_log_dir) is None:
        raise KafkaFailure("java.lang.RuntimeException", "No `meta.properties` found in %s (have you run "
                           "`kafka-storage.sh` to format the directory?)" % cfg.metadata_log_dir)
    for d, meta in metas.items():
        if meta is not None and meta.get("version") != "1":
            raise KafkaFailure("java.lang.RuntimeException", "Found unexpected version in %s. KRaft mode "
                               "requires version 1" % os.path.join(d, "meta.properties"))
    stored_node = int(meta_node_id(metas[cfg.metadata_log_dir]))
    if stored_node != cfg.node_id:
        raise KafkaFailure("kafka.common.InconsistentNodeIdException",
                           "Configured node.id `%d` doesn't match stored node.id `%d' in meta.properties. If you "
                           "moved your data, make sure your configured controller.id matches. If you intend to "
                           "create a new broker, you should remove all data in your data directories (log.dirs)."
                           % (cfg.node_id, stored_node))
    verify_ensemble(dirs, None, cfg.node_id)
    node = Node(cfg, metas[cfg.metadata_log_dir], log)
    return node


def start_zk_broker(cfg, log, stop):
    dirs = sorted(set(cfg.log_dirs))
    metas = dict((d, read_meta(d)) for d in dirs)
    for d, meta in metas.items():
        if meta is not None and meta.get("version", "0") != "0":
            raise KafkaFailure("java.lang.RuntimeException", "Found unexpected version in %s. ZK-based brokers "
                               "that are not migrating only support version 0 (which is implicit when the "
                               "`version` field is missing)." % os.path.join(d, "meta.properties"))
    stored_cluster, stored_broker = verify_ensemble(dirs, None, None)
    log("INFO", "Connecting to zookeeper on %s" % cfg.zk_connect, "kafka.server.KafkaServer")
    deadline = time.time() + int(cfg.props.get("zookeeper.connection.timeout.ms", "18000")) / 1000.0
    while zookeeper_serving(cfg.zk_connect) is None:
        if time.time() > deadline or stop.is_set():
            raise KafkaFailure("kafka.zookeeper.ZooKeeperClientTimeoutException",
                               "Timed out waiting for connection while in state: CONNECTING")
        time.sleep(0.2)
    # The cluster ID of a ZooKeeper cluster lives in /cluster/id; the double has no ZooKeeper
    # session, so the first start takes it from meta.properties or makes one (see DOUBLE.md).
    cluster_id = stored_cluster or cfg.props.get("kafka.double.cluster.id") or random_uuid()
    configured = cfg.props.get("kafka.double.cluster.id")
    if stored_cluster and configured and configured != stored_cluster:
        raise KafkaFailure("kafka.common.InconsistentClusterIdException",
                           "The Cluster ID %s doesn't match stored clusterId Some(%s) in meta.properties. The "
                           "broker is trying to join the wrong cluster. Configured zookeeper.connect may be wrong."
                           % (configured, stored_cluster))
    if stored_broker is not None and stored_broker != cfg.broker_id:
        raise KafkaFailure("kafka.common.InconsistentBrokerIdException",
                           "Configured broker.id %d doesn't match stored broker.id Some(%d) in meta.properties. "
                           "If you moved your data, make sure your configured broker.id matches. If you intend "
                           "to create a new broker, you should remove all data in your data directories "
                           "(log.dirs)." % (cfg.broker_id, stored_broker))
    for d in dirs:
        os.makedirs(d, exist_ok=True)
        if metas[d] is None:
            write_properties_atomically(os.path.join(d, "meta.properties"),
                                        {"version": "0", "broker.id": str(cfg.broker_id), "cluster.id": cluster_id},
                                        time.strftime("%a %b %d %H:%M:%S %Z %Y"))
    return cluster_id


def cmd_server_start(argv):
    if argv and argv[0] == "-daemon":
        return daemonize(argv[1:])
    if len(argv) < 1:
        print("USAGE: kafka-server-start.sh [-daemon] server.properties [--override property=value]*")
        return 1
    version = claimed_version()
    log = Log(os.environ.get("LOG_DIR") or os.path.join(BASE, "logs"))
    stop = threading.Event()

    def on_term(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    node, socks = None, []
    try:
        cfg = Config(argv[0], version)
        for ov in argv[1:]:
            if ov == "--override":
                continue
            k, _, v = ov.partition("=")
            cfg.props[k] = v
        log("INFO", "KafkaConfig values: (kafka test double %s, config %s)" % (version, argv[0]),
            "kafka.server.KafkaConfig")
        cfg.validate()
        if cfg.kraft:
            node = start_kraft(cfg, log)
            node.stop = stop
            socks = bind_listeners(cfg, log)
            for s in socks:
                threading.Thread(target=node.serve, args=(s,), daemon=True).start()
            threading.Thread(target=node.run_quorum, daemon=True).start()
        else:
            socks = bind_listeners(cfg, log)
            start_zk_broker(cfg, log, stop)
            log("INFO", "[KafkaServer id=%d] started" % cfg.broker_id, "kafka.server.KafkaServer")
    except KafkaFailure as e:
        log("ERROR", "Exiting Kafka due to fatal exception", "kafka.Kafka$")
        print("%s: %s" % (e.java_class, e), flush=True)
        log.file.write("%s: %s\n" % (e.java_class, e))
        log.file.flush()
        return 1
    while not stop.wait(0.5):
        pass
    who = ("[KafkaRaftServer nodeId=%d]" % cfg.node_id) if cfg.kraft else ("[KafkaServer id=%d]" % cfg.broker_id)
    log("INFO", "%s shutting down" % who, "kafka.server.KafkaRaftServer" if cfg.kraft else "kafka.server.KafkaServer")
    for s in socks:
        s.close()
    log("INFO", "%s shut down completed" % who, "kafka.server.KafkaRaftServer" if cfg.kraft else "kafka.server.KafkaServer")
    # The JVM exits 128+SIGTERM after running its shutdown hooks.
    return 143


def daemonize(argv):
    log_dir = os.environ.get("LOG_DIR") or os.path.join(BASE, "logs")
    os.makedirs(log_dir, exist_ok=True)
    if os.fork() > 0:
        return 0
    os.setsid()
    out = os.open(os.path.join(log_dir, "kafkaServer.out"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(out, 1)
    os.dup2(out, 2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.execv(sys.executable, [sys.executable, os.path.abspath(__file__), "kafka.Kafka"] + argv)


# --- kafka-server-stop.sh ----------------------------------------------------------------------

def cmd_server_stop(argv):
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if b"kafka.Kafka" in args and any(a.endswith(b"kafka_double.py") for a in args):
            pids.append(int(pid))
    if not pids:
        print("No kafka server to stop")
        return 1
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    return 0


# --- kafka-metadata-quorum.sh ------------------------------------------------------------------

def cmd_metadata_quorum(argv):
    version = claimed_version()
    p = StrictParser(prog="kafka-metadata-quorum")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--bootstrap-server")
    group.add_argument("--bootstrap-controller")
    p.add_argument("--command-config")
    sub = p.add_subparsers(dest="command")
    d = sub.add_parser("describe")
    what = d.add_mutually_exclusive_group(required=True)
    what.add_argument("--status", action="store_true")
    what.add_argument("--replication", action="store_true")
    d.add_argument("--human-readable", action="store_true")
    try:
        ns = p.parse_args(argv)
        if ns.command != "describe":
            raise ArgError("too few arguments")
    except ArgError as e:
        print("kafka-metadata-quorum: error: %s" % e, file=sys.stderr)
        return 1
    targets = parse_hostports(ns.bootstrap_server or ns.bootstrap_controller)
    deadline = time.time() + 5
    view = None
    while view is None and time.time() < deadline:
        for host, port in targets:
            r = ask(host, port, {"type": "describe"})
            if r is None or r.get("leader_id", -1) < 0:
                continue
            leader = [v for v in r["voters"] if v["id"] == r["leader_id"]]
            lr = ask(leader[0]["host"], leader[0]["port"], {"type": "describe"}) if leader else None
            if lr is not None and lr.get("leader_id") == lr.get("node_id"):
                view = lr
                break
        if view is None:
            time.sleep(0.2)
    if view is None:
        print("org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. "
              "Call: describeMetadataQuorum", file=sys.stderr)
        return 1
    live = set(view["live_voters"])
    now_ms = int(time.time() * 1000)
    if ns.status:
        rows = [("ClusterId:", view["cluster_id"]), ("LeaderId:", view["leader_id"]),
                ("LeaderEpoch:", view["epoch"]), ("HighWatermark:", view["high_watermark"]),
                ("MaxFollowerLag:", 0 if live == set(v["id"] for v in view["voters"]) else view["high_watermark"]),
                ("MaxFollowerLagTimeMs:", 0 if live == set(v["id"] for v in view["voters"]) else -1)]
        if has_kip853(version):
            def voter(v):
                dir_id = v.get("directory_id") or "AAAAAAAAAAAAAAAAAAAAAA"
                return '{"id": %d, "directoryId": "%s", "endpoints": ["CONTROLLER://%s:%d"]}' % (
                    v["id"], dir_id, v["host"], v["port"])
            voters = "[" + ", ".join(voter(v) for v in view["voters"]) + "]"
            observers = "[" + ", ".join('{"id": %d, "directoryId": "%s"}' % (o["id"], o["directory_id"])
                                        for o in view["observers"]) + "]"
        else:
            voters = "[" + ",".join(str(v["id"]) for v in view["voters"]) + "]"
            observers = "[" + ",".join(str(o["id"]) for o in view["observers"]) + "]"
        rows += [("CurrentVoters:", voters), ("CurrentObservers:", observers)]
        for label, value in rows:
            print("%-24s%s" % (label, value))
        return 0
    header = ["NodeId"] + (["DirectoryId"] if has_kip853(version) else []) + \
        ["LogEndOffset", "Lag", "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status"]
    table = [header]
    for v in view["voters"]:
        up = v["id"] in live
        status = "Leader" if v["id"] == view["leader_id"] else "Follower"
        row = [str(v["id"])] + ([v.get("directory_id") or "AAAAAAAAAAAAAAAAAAAAAA"] if has_kip853(version) else []) + \
            [str(view["high_watermark"] if up else 0), str(0 if up else view["high_watermark"]),
             str(now_ms if up else -1), str(now_ms if up else -1), status]
        table.append(row)
    for o in view["observers"]:
        table.append([str(o["id"])] + ([o["directory_id"]] if has_kip853(version) else []) +
                     [str(view["high_watermark"]), "0", str(now_ms), str(now_ms), "Observer"])
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for r in table:
        print("\t".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
    return 0


def main(argv):
    if len(argv) < 2:
        print("kafka_double.py: which tool? (storage, kafka.Kafka, server-stop, metadata-quorum)", file=sys.stderr)
        return 2
    tools = {"storage": cmd_storage, "kafka.Kafka": cmd_server_start, "server-stop": cmd_server_stop,
             "metadata-quorum": cmd_metadata_quorum}
    if argv[1] not in tools:
        print("kafka_double.py: unknown tool %s" % argv[1], file=sys.stderr)
        return 2
    return tools[argv[1]](argv[2:])


if __name__ == "__main__":
    random.seed()
    sys.exit(main(sys.argv))
