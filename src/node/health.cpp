#include "node/health.hpp"

#include <algorithm>

#include "core/number.hpp"
#include "core/text.hpp"
#include "core/version.hpp"
#include "node/kafka_tool.hpp"
#include "node/net.hpp"
#include "validate/validate.hpp"

namespace ka {

namespace {

// listeners or advertised.listeners, as Kafka reads them (validate's one parser). `what` names
// the file and key in the error about a port that is not a number from 0 to 65535; an item
// that is not NAME://HOST:PORT at all is not probed (validate reports it).
Result<std::vector<Endpoint>> parse_endpoints(const std::string& list, const std::string& what) {
  std::vector<Endpoint> out;
  for (const auto& item : split_list(list)) {
    auto sep = item.find("://");
    auto colon = item.rfind(':');
    if (sep == std::string::npos || colon < sep + 3) continue;
    KA_TRY_STATUS(parse_number<uint16_t>(item.substr(colon + 1), what + " (" + item + ")"));
    if (auto e = parse_endpoint(item)) out.push_back(std::move(*e));
  }
  return out;
}

// A listener bound to every interface is probed on loopback.
std::string probe_host(const std::string& h) {
  if (h.empty() || h == "0.0.0.0") return "127.0.0.1";
  if (h == "::") return "::1";
  return h;
}

std::string hp(const std::string& host, int port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// host:port,... of the controllers a node's config names: controller.quorum.bootstrap.servers
// (dynamic quorum), else the addresses of controller.quorum.voters (ID@HOST:PORT).
std::string controller_endpoints(const Properties& config) {
  std::string out;
  auto add = [&](const std::string& e) { out += (out.empty() ? "" : ",") + e; };
  auto bootstrap = config.get_or("controller.quorum.bootstrap.servers", "");
  if (!trim(bootstrap).empty()) {
    for (const auto& e : split_list(bootstrap)) add(e);
    return out;
  }
  for (const auto& v : split_list(config.get_or("controller.quorum.voters", ""))) {
    auto at = v.find('@');
    if (at != std::string::npos) add(v.substr(at + 1));
  }
  return out;
}

}  // namespace

std::string installed_kafka_version(const RootFs& root, const std::string& kafka_home) {
  std::error_code ec;
  auto target = fs::read_symlink(root.host_path(kafka_home), ec);
  if (ec) return "";
  auto name = target.filename().string();  // kafka_2.13-4.1.1
  auto dash = name.rfind('-');
  return dash == std::string::npos ? name : name.substr(dash + 1);
}

bool Health::healthy() const {
  if (checks.empty()) return false;
  for (const auto& c : checks)
    if (!c.ok) return false;
  return true;
}

std::string Health::failing() const {
  std::string out;
  for (const auto& c : checks) {
    if (c.ok) continue;
    if (!out.empty()) out += "; ";
    out += c.name + ": " + c.detail;
  }
  return out;
}

namespace {

// A ZooKeeper ensemble member: its ID from dataDir/myid, its client port.
Result<NodeFacts> zookeeper_member_facts(const RootFs& root, const std::string& etc_dir, const std::string& text) {
  NodeFacts f;
  f.kind = NodeKind::zookeeper;
  f.config_path = etc_dir + "/zookeeper.properties";
  const std::string cfg = root.host_path(f.config_path).string();
  KA_TRY(f.config, Properties::parse(text, cfg));
  f.unit = "zookeeper.service";
  // A member's ID lives in dataDir/myid, not in the config.
  std::string myid_path = f.config.get_or("dataDir", "/tmp/zookeeper") + "/myid";
  auto myid = root.read_file(myid_path);
  if (myid.ok() && *myid) {
    KA_TRY(f.node_id, parse_number<int>(**myid, root.host_path(myid_path).string()));
  }
  std::string host = probe_host(f.config.get_or("clientPortAddress", ""));
  KA_TRY(int port, parse_number<uint16_t>(f.config.get_or("clientPort", "2181"), cfg + ": clientPort"));
  f.zk_client = hp(host, port);
  f.probes.emplace_back("client port", f.zk_client);
  return f;
}

// KRaft roles and node.id, or a ZooKeeper-mode broker's broker.id and first ensemble member.
Status read_identity(NodeFacts& f, const std::string& cfg) {
  auto roles = f.config.get_or("process.roles", "");
  if (!trim(roles).empty()) {
    f.controller = roles.find("controller") != std::string::npos;
    f.broker = roles.find("broker") != std::string::npos;
    KA_TRY(f.node_id, parse_number<int>(f.config.get_or("node.id", "-1"), cfg + ": node.id"));
    return ok_status();
  }
  f.kind = NodeKind::zk_broker;
  f.broker = true;
  KA_TRY(f.node_id, parse_number<int>(f.config.get_or("broker.id", "-1"), cfg + ": broker.id"));
  auto zks = split_list(f.config.get_or("zookeeper.connect", ""));
  if (!zks.empty()) {
    auto z = zks[0];
    auto slash = z.find('/');  // chroot suffix
    if (slash != std::string::npos) z = z.substr(0, slash);
    f.zk_client = z;
  }
  return ok_status();
}

// Where a KRaft node asks for the quorum's state: controllers via their controller listener
// (--bootstrap-controller, Kafka 3.7+), brokers via the controllers, else a broker listener.
void choose_quorum_endpoint(NodeFacts& f, const RootFs& root, const std::vector<Endpoint>& listeners,
                            const std::vector<Endpoint>& advertised) {
  std::vector<std::string> controller_names;
  for (const auto& n : split_list(f.config.get_or("controller.listener.names", ""))) controller_names.push_back(upper(n));
  auto is_ctrl = [&](const std::string& n) {
    return std::find(controller_names.begin(), controller_names.end(), n) != controller_names.end();
  };
  for (const auto& l : listeners) {
    if (f.controller && is_ctrl(l.name)) {
      f.quorum_flag = "--bootstrap-controller";
      f.quorum_endpoint = hp(probe_host(l.host), static_cast<int>(l.port));
      return;
    }
  }
  // A broker asks the controllers directly (Kafka 3.7+), not through itself: a broker forwards
  // DescribeQuorum, and its forwarding channel keeps sending to a controller that was cut off
  // until that request times out (30 s, per broker), so `status` would report a healthy
  // broker unhealthy for another node's partition (seen in the cluster tier).
  if (f.broker) {
    auto version = KafkaVersion::parse(installed_kafka_version(root, f.kafka_home));
    auto controllers = controller_endpoints(f.config);
    if (version.ok() && version->at_least(3, 7) && !controllers.empty()) {
      f.quorum_flag = "--bootstrap-controller";
      f.quorum_endpoint = controllers;
      return;
    }
  }
  for (const auto& l : advertised.empty() ? listeners : advertised) {
    if (is_ctrl(l.name)) continue;
    f.quorum_flag = "--bootstrap-server";
    f.quorum_endpoint = hp(probe_host(l.host), static_cast<int>(l.port));
    return;
  }
}

}  // namespace

Result<NodeFacts> read_node_facts(const RootFs& root, const std::string& etc_dir) {
  KA_TRY(auto server, root.read_file(etc_dir + "/server.properties"));
  KA_TRY(auto zk, root.read_file(etc_dir + "/zookeeper.properties"));
  if (!server && !zk)
    return bad_input("no " + etc_dir + "/server.properties or zookeeper.properties under " + root.root().string())
        .note("this node was not rendered yet: run `kafka-appliance bootstrap` or `render`");
  if (zk && !server) return zookeeper_member_facts(root, etc_dir, *zk);
  NodeFacts f;
  f.config_path = etc_dir + "/server.properties";
  const std::string cfg = root.host_path(f.config_path).string();
  KA_TRY(f.config, Properties::parse(*server, cfg));
  f.unit = "kafka.service";
  KA_TRY_STATUS(read_identity(f, cfg));
  KA_TRY(auto listeners, parse_endpoints(f.config.get_or("listeners", "PLAINTEXT://:9092"), cfg + ": listeners"));
  KA_TRY(auto advertised, parse_endpoints(f.config.get_or("advertised.listeners", ""), cfg + ": advertised.listeners"));
  for (const auto& l : listeners) f.probes.emplace_back("listener " + l.name, hp(probe_host(l.host), static_cast<int>(l.port)));
  if (f.kind == NodeKind::kraft) choose_quorum_endpoint(f, root, listeners, advertised);
  return f;
}

namespace {

// Returns this node's endpoints that refused or timed out.
std::vector<std::string> probe_ports(const NodeFacts& facts, std::chrono::milliseconds timeout, Health& h) {
  std::vector<std::string> closed;
  for (const auto& [label, endpoint] : facts.probes) {
    auto where = split_hp(endpoint, label);
    if (!where.ok()) {
      h.checks.push_back({label + " " + endpoint, false, where.error().message});
      continue;
    }
    auto [host, port] = *where;
    auto st = tcp_probe(host, port, timeout);
    h.checks.push_back({label + " " + endpoint, st.ok(), st.ok() ? "accepting connections" : st.error().message});
    if (!st.ok()) closed.push_back(endpoint);
  }
  return closed;
}

// A ZooKeeper-mode broker is fine while any member of its ensemble serves: with one member
// down (a restart, a failover) its ZooKeeper client simply moves on to the next.
void probe_ensemble(const NodeFacts& facts, const RootFs& root, std::chrono::milliseconds timeout, Health& h) {
  std::string tried;
  for (auto z : split_list(facts.config.get_or("zookeeper.connect", facts.zk_client))) {
    auto slash = z.find('/');  // the chroot applies to the last host only
    if (slash != std::string::npos) z = z.substr(0, slash);
    if (z.find(':') == std::string::npos) z += ":2181";
    auto where = split_hp(z, root.host_path(facts.config_path).string() + ": zookeeper.connect");
    if (!where.ok()) {
      tried += (tried.empty() ? "" : "; ") + where.error().message;
      continue;
    }
    auto [host, port] = *where;
    auto ruok = zk_four_letter(host, port, "ruok", timeout);
    if (ruok.ok() && *ruok == "imok") {
      h.checks.push_back({"zookeeper ruok " + z, true, "imok"});
      return;
    }
    tried += (tried.empty() ? "" : "; ") + z + ": " + (ruok.ok() ? "answered '" + *ruok + "'" : ruok.error().message);
  }
  h.checks.push_back({"zookeeper ruok " + facts.config.get_or("zookeeper.connect", facts.zk_client), false, "no member answers imok: " + tried});
}

// An ensemble member: alive (ruok) and serving (srvr names its mode).
void probe_zookeeper_member(const NodeFacts& facts, std::chrono::milliseconds timeout, Health& h) {
  auto where = split_hp(facts.zk_client, "zookeeper client port");
  if (!where.ok()) {
    h.checks.push_back({"zookeeper ruok " + facts.zk_client, false, where.error().message});
    return;
  }
  auto [host, port] = *where;
  auto ruok = zk_four_letter(host, port, "ruok", timeout);
  bool ok = ruok.ok() && *ruok == "imok";
  h.checks.push_back({"zookeeper ruok " + facts.zk_client, ok, ok ? "imok" : (ruok.ok() ? "answered '" + *ruok + "'" : ruok.error().message)});
  auto srvr = zk_four_letter(host, port, "srvr", timeout);
  h.zk_mode = srvr.ok() ? zk_mode_from_srvr(*srvr) : "";
  bool serving = !h.zk_mode.empty();
  h.checks.push_back({"zookeeper srvr " + facts.zk_client, serving,
                      serving ? "mode " + h.zk_mode : (srvr.ok() ? "not serving (no quorum?): " + srvr->substr(0, 120) : srvr.error().message)});
}

// A KRaft node: a voter or observer of a quorum that has a leader (kafka-metadata-quorum.sh).
void probe_quorum(const NodeFacts& facts, const RootFs& root, ProcessRunner& runner, std::chrono::milliseconds quorum_timeout,
                  Health& h) {
  auto r = run_kafka_tool({facts.kafka_home + "/bin/kafka-metadata-quorum.sh", facts.quorum_flag, facts.quorum_endpoint,
                           "describe", "--status"},
                          root, runner, quorum_timeout);
  std::string name = "quorum membership of node " + std::to_string(facts.node_id);
  if (!r.ok()) return h.checks.push_back({name, false, r.error().message});
  if (!r->ok()) return h.checks.push_back({name, false, "kafka-metadata-quorum.sh exited " + std::to_string(r->exit_code) + ": " + r->tail(3)});
  auto q = parse_quorum_status(r->output);
  if (!q.ok()) return h.checks.push_back({name, false, q.error().message});
  h.quorum = *q;
  bool in = q->has_voter(facts.node_id) || q->has_observer(facts.node_id);
  std::string as = q->has_voter(facts.node_id) ? "voter" : "observer";
  h.checks.push_back({name, in && q->leader_id >= 0,
                      in ? (q->leader_id >= 0 ? "in the quorum as " + as + ", leader " + std::to_string(q->leader_id) : "no leader elected")
                         : "not among the voters or observers yet"});
}

}  // namespace

Health probe_health(const NodeFacts& facts, const RootFs& root, ProcessRunner& runner, std::chrono::milliseconds timeout,
                    std::chrono::milliseconds quorum_timeout) {
  Health h;
  auto closed = probe_ports(facts, timeout, h);
  if (facts.kind == NodeKind::zk_broker && !facts.zk_client.empty()) probe_ensemble(facts, root, timeout, h);
  if (facts.kind == NodeKind::zookeeper) probe_zookeeper_member(facts, timeout, h);
  if (facts.kind == NodeKind::kraft && !facts.quorum_endpoint.empty()) {
    if (std::find(closed.begin(), closed.end(), facts.quorum_endpoint) != closed.end()) {
      // Its JVM could only wait out its bound (minutes when bootstrap gives it the rest of --wait),
      // and on a small or emulated VM it takes CPU from the Kafka that is starting.
      h.checks.push_back({"quorum membership of node " + std::to_string(facts.node_id), false,
                          "not asked: " + facts.quorum_endpoint + " is not accepting connections"});
    } else {
      probe_quorum(facts, root, runner, quorum_timeout, h);
    }
  }
  return h;
}

}  // namespace ka
