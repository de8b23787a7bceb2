#include "render/node_spec.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "core/cluster_id.hpp"
#include "core/properties.hpp"

namespace ka {

const char* to_string(Role r) {
  switch (r) {
    case Role::controller: return "controller";
    case Role::broker: return "broker";
    case Role::combined: return "combined";
    case Role::zookeeper: return "zookeeper";
  }
  return "?";
}

std::string HostPort::str() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Listener::str() const { return name + "://" + endpoint.str(); }

bool is_wildcard_host(const std::string& host) { return host.empty() || host == "0.0.0.0" || host == "::"; }

namespace {

std::optional<long long> to_int(const std::string& s) {
  if (s.empty()) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

Result<int> parse_port(const std::string& s, const std::string& flag, const std::string& whole) {
  auto v = to_int(s);
  if (!v || *v < 1 || *v > 65535)
    return bad_input(flag + " " + whole + ": port '" + s + "' is not a number from 1 to 65535");
  return static_cast<int>(*v);
}

bool valid_host(const std::string& h) {
  if (h.empty()) return false;
  return std::all_of(h.begin(), h.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == ':';
  });
}

bool valid_listener_name(const std::string& n) {
  return !n.empty() && std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

const std::set<std::string> kProtocols = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"};

}  // namespace

Result<int> parse_node_id(const std::string& s, const std::string& flag) {
  auto v = to_int(trim(s));
  if (!v || *v < 0 || *v > 2147483647)
    return bad_input(flag + " '" + s + "' is not a node ID").note("a node ID is a whole number from 0 to 2147483647");
  return static_cast<int>(*v);
}

Result<HostPort> parse_host_port(const std::string& s, const std::string& flag, bool allow_empty_host) {
  std::string host, port;
  if (!s.empty() && s[0] == '[') {  // [IPv6]:port
    auto close = s.find(']');
    if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':')
      return bad_input(flag + " " + s + ": expected [IPV6]:PORT");
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    auto colon = s.rfind(':');
    if (colon == std::string::npos)
      return bad_input(flag + " '" + s + "' has no port").note("write HOST:PORT, e.g. 10.0.1.11:9093");
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (host.find(':') != std::string::npos)
      return bad_input(flag + " " + s + ": an IPv6 address needs brackets").note("write [ADDRESS]:PORT");
  }
  if (host.empty() && !allow_empty_host)
    return bad_input(flag + " '" + s + "' has no host").note("write HOST:PORT, e.g. 10.0.1.11:9093");
  if (!host.empty() && !valid_host(host))
    return bad_input(flag + " " + s + ": '" + host + "' is not a host name or IP address");
  KA_TRY(int p, parse_port(port, flag, s));
  return HostPort{host, p};
}

Result<Voter> parse_voter(const std::string& s) {
  auto at = s.find('@');
  if (at == std::string::npos)
    return bad_input("--controller '" + s + "' is not ID@HOST:PORT").note("e.g. --controller 1@10.0.1.11:9093");
  auto id = to_int(s.substr(0, at));
  if (!id || *id < 0 || *id > 2147483647)
    return bad_input("--controller " + s + ": '" + s.substr(0, at) + "' is not a node ID").note("e.g. --controller 1@10.0.1.11:9093");
  KA_TRY(auto hp, parse_host_port(s.substr(at + 1), "--controller"));
  if (is_wildcard_host(hp.host))
    return bad_input("--controller " + s + ": " + hp.host + " is not an address other nodes can reach")
        .note("give the controller's own address or name");
  return Voter{static_cast<int>(*id), hp};
}

Result<ZkServer> parse_zk_server(const std::string& s) {
  const char* usage = "write ID@HOST:PEER_PORT:ELECTION_PORT, e.g. --zookeeper-server 1@10.0.3.11:2888:3888";
  auto at = s.find('@');
  if (at == std::string::npos) return bad_input("--zookeeper-server '" + s + "' is not ID@HOST:PEER_PORT:ELECTION_PORT").note(usage);
  auto id = to_int(s.substr(0, at));
  // ZooKeeper's myid is 1..255 (QuorumPeerConfig: a server ID above 255 is refused with a warning of overflow).
  if (!id || *id < 1 || *id > 255)
    return bad_input("--zookeeper-server " + s + ": '" + s.substr(0, at) + "' is not a ZooKeeper server ID (1 to 255)").note(usage);
  std::string rest = s.substr(at + 1);
  auto c2 = rest.rfind(':');
  auto c1 = c2 == std::string::npos || c2 == 0 ? std::string::npos : rest.rfind(':', c2 - 1);
  if (c1 == std::string::npos) return bad_input("--zookeeper-server '" + s + "' needs a peer and an election port").note(usage);
  std::string host = rest.substr(0, c1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (!valid_host(host) || is_wildcard_host(host))
    return bad_input("--zookeeper-server " + s + ": '" + host + "' is not an address other members can reach").note(usage);
  KA_TRY(int peer, parse_port(rest.substr(c1 + 1, c2 - c1 - 1), "--zookeeper-server", s));
  KA_TRY(int election, parse_port(rest.substr(c2 + 1), "--zookeeper-server", s));
  return ZkServer{static_cast<int>(*id), host, peer, election};
}

Result<Listener> parse_listener(const std::string& s, const std::string& flag) {
  auto sep = s.find("://");
  if (sep == std::string::npos)
    return bad_input(flag + " '" + s + "' is not NAME://HOST:PORT").note("e.g. " + flag + " PLAINTEXT://10.0.2.21:9092");
  std::string name = s.substr(0, sep);
  if (!valid_listener_name(name))
    return bad_input(flag + " " + s + ": '" + name + "' is not a listener name").note("use letters, digits and '_', e.g. INTERNAL");
  KA_TRY(auto hp, parse_host_port(s.substr(sep + 3), flag, true));
  return Listener{upper(name), hp};
}

Result<std::pair<std::string, std::string>> parse_protocol(const std::string& s) {
  auto colon = s.find(':');
  if (colon == std::string::npos || colon == 0)
    return bad_input("--protocol '" + s + "' is not NAME:PROTOCOL").note("e.g. --protocol INTERNAL:SSL");
  std::string name = upper(s.substr(0, colon)), proto = upper(s.substr(colon + 1));
  if (!valid_listener_name(name)) return bad_input("--protocol " + s + ": '" + name + "' is not a listener name");
  if (!kProtocols.count(proto))
    return bad_input("--protocol " + s + ": '" + s.substr(colon + 1) + "' is not a security protocol")
        .note("one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
  return std::make_pair(name, proto);
}

Result<std::pair<std::string, std::string>> parse_set(const std::string& s) {
  auto eq = s.find('=');
  std::string key = eq == std::string::npos ? s : trim(s.substr(0, eq));
  if (eq == std::string::npos || key.empty())
    return bad_input("--set '" + s + "' is not KEY=VALUE").note("e.g. --set log.retention.hours=72");
  if (std::any_of(key.begin(), key.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == ':'; }))
    return bad_input("--set " + s + ": '" + key + "' is not a property name");
  return std::make_pair(key, trim(s.substr(eq + 1)));
}

Result<std::uint64_t> parse_memory(const std::string& s, const std::string& flag) {
  std::string t = trim(s);
  size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  auto num = to_int(t.substr(0, i));
  std::string unit = upper(t.substr(i));
  if (!unit.empty() && unit.back() == 'B') unit.pop_back();
  if (unit.size() == 2 && unit[1] == 'I') unit.pop_back();
  int shift = -1;
  if (unit.empty()) shift = 0;
  else if (unit == "K") shift = 10;
  else if (unit == "M") shift = 20;
  else if (unit == "G") shift = 30;
  else if (unit == "T") shift = 40;
  if (!num || shift < 0 || *num <= 0 || *num > (1LL << 50) >> shift)
    return bad_input(flag + " '" + s + "' is not an amount of memory").note("e.g. " + flag + " 4G or " + flag + " 1536M");
  return static_cast<std::uint64_t>(*num) << shift;
}

namespace {

// --role, --node-id, --kafka-version, --cluster-id.
Status parse_identity(const NodeInput& in, NodeSpec& spec) {
  std::string role = trim(in.role);
  if (role.empty())
    return bad_input("no role given").note("pass --role controller, broker, combined or zookeeper (or role = \"...\" in the config file)");
  if (role == "controller") spec.role = Role::controller;
  else if (role == "broker") spec.role = Role::broker;
  else if (role == "combined" || role == "broker,controller" || role == "controller,broker") spec.role = Role::combined;
  else if (role == "zookeeper") spec.role = Role::zookeeper;
  else
    return bad_input("unknown role '" + role + "'").note("--role is one of controller, broker, combined, zookeeper");

  if (trim(in.node_id).empty()) return bad_input("no node ID given").note("pass --node-id N, unique in the cluster");
  KA_TRY(spec.node_id, parse_node_id(in.node_id, "--node-id"));

  auto version = KafkaVersion::parse(trim(in.kafka_version));
  if (!version) return bad_input("--kafka-version '" + in.kafka_version + "' is not a Kafka version").note("e.g. --kafka-version 3.9.1");
  spec.version = *version;
  if (!spec.version.supported())
    return bad_input("Kafka " + spec.version.str() + " is not supported").note("render knows Kafka 3.6 to 4.x");

  spec.cluster_id = trim(in.cluster_id);
  if (!spec.cluster_id.empty() && !is_valid_cluster_id(spec.cluster_id))
    return bad_input("--cluster-id '" + spec.cluster_id + "' is not a Kafka cluster ID")
        .note("a cluster ID is 22 base64url characters (16 bytes); make one with 'kafka-appliance cluster-id'");

  return ok_status();
}

// The controllers, or the ZooKeeper ensemble, as given (checked against the role later).
Status parse_quorum(const NodeInput& in, NodeSpec& spec) {
  for (const auto& s : in.controllers) {
    KA_TRY(auto v, parse_voter(trim(s)));
    for (const auto& o : spec.voters)
      if (o.id == v.id) return bad_input("--controller " + s + ": node ID " + std::to_string(v.id) + " is listed twice").note("each voter needs its own node ID");
    spec.voters.push_back(v);
  }
  for (const auto& s : in.controller_bootstrap) {
    KA_TRY(auto hp, parse_host_port(trim(s), "--controller-bootstrap"));
    if (is_wildcard_host(hp.host)) return bad_input("--controller-bootstrap " + s + ": " + hp.host + " is not an address other nodes can reach");
    spec.controller_bootstrap.push_back(hp);
  }
  for (const auto& s : in.zookeeper) {
    KA_TRY(auto hp, parse_host_port(trim(s), "--zookeeper"));
    spec.zookeeper_connect.push_back(hp);
  }
  for (const auto& s : in.zookeeper_servers) {
    KA_TRY(auto z, parse_zk_server(trim(s)));
    for (const auto& o : spec.zookeeper_servers)
      if (o.id == z.id) return bad_input("--zookeeper-server " + s + ": server ID " + std::to_string(z.id) + " is listed twice");
    spec.zookeeper_servers.push_back(z);
  }
  return ok_status();
}

Status parse_listeners(const NodeInput& in, NodeSpec& spec) {
  for (const auto& s : in.listeners) {
    KA_TRY(auto l, parse_listener(trim(s), "--listener"));
    for (const auto& o : spec.listeners)
      if (o.name == l.name) return bad_input("--listener " + s + ": listener " + l.name + " is given twice").note("listener names must be unique");
    spec.listeners.push_back(l);
  }
  for (const auto& s : in.advertise) {
    KA_TRY(auto l, parse_listener(trim(s), "--advertise"));
    if (is_wildcard_host(l.endpoint.host))
      return bad_input("--advertise " + s + ": '" + (l.endpoint.host.empty() ? std::string("(no host)") : l.endpoint.host) +
                       "' cannot be advertised")
          .note("clients connect to the advertised address: give this node's IP address or DNS name, never 0.0.0.0");
    for (const auto& o : spec.advertised)
      if (o.name == l.name) return bad_input("--advertise " + s + ": listener " + l.name + " is advertised twice");
    spec.advertised.push_back(l);
  }
  for (const auto& s : in.protocols) {
    KA_TRY(auto p, parse_protocol(trim(s)));
    spec.protocols[p.first] = p.second;
  }
  spec.inter_broker_listener = upper(trim(in.inter_broker_listener));
  if (!trim(in.controller_listener).empty()) spec.controller_listener = upper(trim(in.controller_listener));
  if (!valid_listener_name(spec.controller_listener))
    return bad_input("--controller-listener '" + in.controller_listener + "' is not a listener name");
  return ok_status();
}

// Memory, broker count, rack, --set, --templates, --data-dir.
Status parse_resources(const NodeInput& in, NodeSpec& spec) {
  if (!trim(in.memory).empty()) {
    KA_TRY(spec.memory_bytes, parse_memory(in.memory));
  }
  if (!trim(in.broker_count).empty()) {
    auto n = to_int(trim(in.broker_count));
    if (!n || *n < 1 || *n > 100000) return bad_input("--broker-count '" + in.broker_count + "' is not a number of brokers");
    spec.broker_count = static_cast<int>(*n);
  }
  spec.rack = trim(in.rack);
  for (const auto& s : in.sets) {
    KA_TRY(auto kv, parse_set(s));
    spec.overrides.push_back(kv);
  }
  if (!trim(in.templates).empty()) spec.templates_dir = std::filesystem::path(trim(in.templates));
  if (!in.data_dirs.empty()) {
    spec.paths.data_dirs.clear();
    for (const auto& d : in.data_dirs) {
      std::string t = trim(d);
      if (t.empty() || t[0] != '/' || t.find(',') != std::string::npos || t.find("..") != std::string::npos)
        return bad_input("--data-dir '" + d + "' is not an absolute directory path").note("e.g. --data-dir /data/kafka-1");
      while (t.size() > 1 && t.back() == '/') t.pop_back();
      spec.paths.data_dirs.push_back(t);
    }
  }

  return ok_status();
}

// Mode and quorum, against the role and the version.
Status check_mode(const NodeSpec& spec) {
  const bool kraft_flags = !spec.voters.empty() || !spec.controller_bootstrap.empty();
  const bool zk_flags = !spec.zookeeper_connect.empty() || !spec.zookeeper_servers.empty();
  const std::string ver = "Kafka " + spec.version.str();
  if (spec.role == Role::zookeeper || (spec.role == Role::broker && zk_flags && !kraft_flags)) {
    if (spec.version.kraft_only())
      return bad_input("ZooKeeper mode was asked of " + ver + ", which has no ZooKeeper mode (removed in 4.0)")
          .note("use KRaft (--role controller/broker/combined with --controller) or --kafka-version 3.9.1 for ZooKeeper mode");
  }
  if (kraft_flags && zk_flags)
    return bad_input("both KRaft controllers (--controller/--controller-bootstrap) and ZooKeeper (--zookeeper/--zookeeper-server) were given")
        .note("a node is either KRaft or ZooKeeper mode; ZooKeeper-to-KRaft migration is not supported by render");
  if (!spec.voters.empty() && !spec.controller_bootstrap.empty())
    return bad_input("both --controller (static quorum) and --controller-bootstrap (dynamic quorum) were given")
        .note("choose one: --controller ID@HOST:PORT for controller.quorum.voters, or --controller-bootstrap HOST:PORT (Kafka 3.9+)");
  if (spec.dynamic_quorum() && !spec.version.at_least(3, 9))
    return bad_input("--controller-bootstrap (dynamic quorum, KIP-853) needs Kafka 3.9 or later; this is " + ver)
        .note("use a static quorum: --controller ID@HOST:PORT for every controller");

  return ok_status();
}

// What each role needs of the flags; a ZooKeeper-mode broker connects to the ensemble's
// client port when only --zookeeper-server was given.
Status check_role(NodeSpec& spec) {
  const bool kraft_flags = !spec.voters.empty() || !spec.controller_bootstrap.empty();
  const bool zk_flags = !spec.zookeeper_connect.empty() || !spec.zookeeper_servers.empty();
  switch (spec.role) {
    case Role::zookeeper: {
      if (spec.zookeeper_servers.empty())
        return bad_input("a ZooKeeper node needs the ensemble: --zookeeper-server ID@HOST:PEER_PORT:ELECTION_PORT for every member");
      bool found = false;
      for (const auto& z : spec.zookeeper_servers) found = found || z.id == spec.node_id;
      if (!found)
        return bad_input("--node-id " + std::to_string(spec.node_id) + " is not among the --zookeeper-server IDs")
            .note("the node ID of a ZooKeeper member is its myid: list this node as --zookeeper-server " + std::to_string(spec.node_id) + "@HOST:2888:3888");
      if (!spec.listeners.empty() || !spec.advertised.empty())
        return bad_input("--listener/--advertise do not apply to a ZooKeeper node").note("ZooKeeper listens on clientPort 2181; change it with --set clientPort=N");
      break;
    }
    case Role::broker:
      if (!kraft_flags && !zk_flags)
        return bad_input("a broker needs to know its controllers")
            .note("KRaft: --controller ID@HOST:PORT (static quorum) or --controller-bootstrap HOST:PORT (Kafka 3.9+)")
            .note("ZooKeeper mode (Kafka 3.x): --zookeeper HOST:2181");
      if (zk_flags && spec.zookeeper_connect.empty())
        for (const auto& z : spec.zookeeper_servers) spec.zookeeper_connect.push_back(HostPort{z.host, 2181});
      if (zk_flags && spec.node_id > 1000)
        return bad_input("--node-id " + std::to_string(spec.node_id) + " is above 1000, which a ZooKeeper-mode broker refuses")
            .note("broker.id must be at most reserved.broker.max.id (1000) while broker.id.generation.enable is on");
      for (const auto& v : spec.voters)
        if (v.id == spec.node_id)
          return bad_input("--node-id " + std::to_string(spec.node_id) + " is a controller (--controller " + std::to_string(v.id) + "@" + v.endpoint.str() +
                           ") but --role is broker")
              .note("a broker needs a node ID of its own; or use --role combined for a node that is both");
      break;
    case Role::controller:
    case Role::combined:
      if (zk_flags) return bad_input(std::string("a ") + to_string(spec.role) + " node is KRaft only, but ZooKeeper flags were given").note("drop --zookeeper/--zookeeper-server");
      if (!kraft_flags)
        return bad_input(std::string("a ") + to_string(spec.role) + " node needs the controller quorum")
            .note("static quorum: --controller ID@HOST:PORT for every controller (this one included)")
            .note("dynamic quorum (Kafka 3.9+): --controller-bootstrap HOST:PORT");
      if (!spec.voters.empty()) {
        bool found = false;
        for (const auto& v : spec.voters) found = found || v.id == spec.node_id;
        if (!found)
          return bad_input("--node-id " + std::to_string(spec.node_id) + " is not among the voters (--controller)")
              .note("a " + std::string(to_string(spec.role)) + " must be one of controller.quorum.voters: add --controller " + std::to_string(spec.node_id) +
                    "@HOST:PORT, or fix --node-id");
      }
      break;
  }
  return ok_status();
}

}  // namespace

Result<NodeSpec> build_node_spec(const NodeInput& in) {
  NodeSpec spec;
  KA_TRY_STATUS(parse_identity(in, spec));
  KA_TRY_STATUS(parse_quorum(in, spec));
  KA_TRY_STATUS(parse_listeners(in, spec));
  KA_TRY_STATUS(parse_resources(in, spec));
  KA_TRY_STATUS(check_mode(spec));
  KA_TRY_STATUS(check_role(spec));
  return spec;
}

}  // namespace ka
