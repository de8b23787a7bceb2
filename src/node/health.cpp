#include "node/health.hpp"

#include <algorithm>

#include "core/number.hpp"
#include "core/version.hpp"
#include "node/kafka_tool.hpp"
#include "node/net.hpp"

namespace ka {

namespace {

struct Endpoint {
  std::string name, host;
  int port = 0;
};

// NAME://HOST:PORT, HOST may be empty, bracketed IPv6, or a wildcard. `what` names the file
// and key for the error about a port that is not a number.
Result<std::vector<Endpoint>> parse_endpoints(const std::string& list, const std::string& what) {
  std::vector<Endpoint> out;
  for (const auto& item : split_list(list)) {
    auto sep = item.find("://");
    if (sep == std::string::npos) continue;
    Endpoint e;
    e.name = item.substr(0, sep);
    auto hp = item.substr(sep + 3);
    auto colon = hp.rfind(':');
    if (colon == std::string::npos) continue;
    e.host = hp.substr(0, colon);
    if (e.host.size() >= 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
    KA_TRY(e.port, parse_number<uint16_t>(hp.substr(colon + 1), what + " (" + item + ")"));
    out.push_back(e);
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

Result<NodeFacts> read_node_facts(const RootFs& root, const std::string& etc_dir) {
  NodeFacts f;
  KA_TRY(auto server, root.read_file(etc_dir + "/server.properties"));
  KA_TRY(auto zk, root.read_file(etc_dir + "/zookeeper.properties"));
  if (!server && !zk)
    return bad_input("no " + etc_dir + "/server.properties or zookeeper.properties under " + root.root().string())
        .note("this node was not rendered yet: run `kafka-appliance bootstrap` or `render`");
  if (zk && !server) {
    f.kind = NodeKind::zookeeper;
    f.config_path = etc_dir + "/zookeeper.properties";
    KA_TRY(f.config, Properties::parse(*zk, root.host_path(f.config_path).string()));
    f.unit = "zookeeper.service";
    // A member's ID lives in dataDir/myid, not in the config.
    std::string myid_path = f.config.get_or("dataDir", "/tmp/zookeeper") + "/myid";
    auto myid = root.read_file(myid_path);
    if (myid.ok() && *myid) {
      KA_TRY(f.node_id, parse_number<int>(**myid, root.host_path(myid_path).string()));
    }
    std::string host = probe_host(f.config.get_or("clientPortAddress", ""));
    const std::string cfg = root.host_path(f.config_path).string();
    KA_TRY(int port, parse_number<uint16_t>(f.config.get_or("clientPort", "2181"), cfg + ": clientPort"));
    f.zk_client = hp(host, port);
    f.probes.emplace_back("client port", f.zk_client);
    return f;
  }
  f.config_path = etc_dir + "/server.properties";
  const std::string cfg = root.host_path(f.config_path).string();
  KA_TRY(f.config, Properties::parse(*server, cfg));
  f.unit = "kafka.service";
  auto roles = f.config.get_or("process.roles", "");
  if (trim(roles).empty()) {
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
  } else {
    f.controller = roles.find("controller") != std::string::npos;
    f.broker = roles.find("broker") != std::string::npos;
    KA_TRY(f.node_id, parse_number<int>(f.config.get_or("node.id", "-1"), cfg + ": node.id"));
  }
  KA_TRY(auto listeners, parse_endpoints(f.config.get_or("listeners", "PLAINTEXT://:9092"), cfg + ": listeners"));
  KA_TRY(auto advertised, parse_endpoints(f.config.get_or("advertised.listeners", ""), cfg + ": advertised.listeners"));
  auto controller_names = split_list(f.config.get_or("controller.listener.names", ""));
  for (const auto& l : listeners) f.probes.emplace_back("listener " + l.name, hp(probe_host(l.host), l.port));
  if (f.kind == NodeKind::kraft) {
    auto is_ctrl = [&](const std::string& n) {
      for (const auto& c : controller_names)
        if (c == n) return true;
      return false;
    };
    // Ask the quorum through this node's own endpoint: controllers via their controller
    // listener (--bootstrap-controller, Kafka 3.7+), brokers via a broker listener.
    for (const auto& l : listeners) {
      if (f.controller && is_ctrl(l.name)) {
        f.quorum_flag = "--bootstrap-controller";
        f.quorum_endpoint = hp(probe_host(l.host), l.port);
        break;
      }
    }
    // A broker asks the controllers directly (Kafka 3.7+), not through itself: a broker forwards
    // DescribeQuorum, and its forwarding channel keeps sending to a controller that was cut off
    // until that request times out (30 s, per broker), so `status` would report a healthy
    // broker unhealthy for another node's partition (seen in the cluster tier).
    if (f.quorum_endpoint.empty() && f.broker) {
      auto version = KafkaVersion::parse(installed_kafka_version(root, f.kafka_home));
      auto controllers = controller_endpoints(f.config);
      if (version.ok() && version->at_least(3, 7) && !controllers.empty()) {
        f.quorum_flag = "--bootstrap-controller";
        f.quorum_endpoint = controllers;
      }
    }
    if (f.quorum_endpoint.empty()) {
      for (const auto& l : advertised.empty() ? listeners : advertised) {
        if (is_ctrl(l.name)) continue;
        f.quorum_flag = "--bootstrap-server";
        f.quorum_endpoint = hp(probe_host(l.host), l.port);
        break;
      }
    }
  }
  return f;
}

Health probe_health(const NodeFacts& facts, const RootFs& root, ProcessRunner& runner, std::chrono::milliseconds timeout,
                    std::chrono::milliseconds quorum_timeout) {
  Health h;
  std::vector<std::string> closed;  // this node's endpoints that refused or timed out
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
  if (facts.kind == NodeKind::zk_broker && !facts.zk_client.empty()) {
    // A broker is fine while any member of its ensemble serves: with one member down (a
    // restart, a failover) its ZooKeeper client simply moves on to the next.
    std::string tried;
    bool ok = false;
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
        ok = true;
        break;
      }
      tried += (tried.empty() ? "" : "; ") + z + ": " + (ruok.ok() ? "answered '" + *ruok + "'" : ruok.error().message);
    }
    if (!ok) h.checks.push_back({"zookeeper ruok " + facts.config.get_or("zookeeper.connect", facts.zk_client), false, "no member answers imok: " + tried});
  }
  if (facts.kind == NodeKind::zookeeper) {
    auto where = split_hp(facts.zk_client, "zookeeper client port");
    if (!where.ok()) {
      h.checks.push_back({"zookeeper ruok " + facts.zk_client, false, where.error().message});
      return h;
    }
    auto [host, port] = *where;
    auto ruok = zk_four_letter(host, port, "ruok", timeout);
    bool ok = ruok.ok() && *ruok == "imok";
    h.checks.push_back({"zookeeper ruok " + facts.zk_client, ok, ok ? "imok" : (ruok.ok() ? "answered '" + *ruok + "'" : ruok.error().message)});
    {
      auto srvr = zk_four_letter(host, port, "srvr", timeout);
      h.zk_mode = srvr.ok() ? zk_mode_from_srvr(*srvr) : "";
      bool serving = !h.zk_mode.empty();
      h.checks.push_back({"zookeeper srvr " + facts.zk_client, serving,
                          serving ? "mode " + h.zk_mode : (srvr.ok() ? "not serving (no quorum?): " + srvr->substr(0, 120) : srvr.error().message)});
    }
  }
  bool quorum_port_closed = std::find(closed.begin(), closed.end(), facts.quorum_endpoint) != closed.end();
  if (facts.kind == NodeKind::kraft && !facts.quorum_endpoint.empty() && quorum_port_closed) {
    // Its JVM could only wait out its bound (minutes when bootstrap gives it the rest of --wait),
    // and on a small or emulated VM it takes CPU from the Kafka that is starting.
    h.checks.push_back({"quorum membership of node " + std::to_string(facts.node_id), false,
                        "not asked: " + facts.quorum_endpoint + " is not accepting connections"});
  } else if (facts.kind == NodeKind::kraft && !facts.quorum_endpoint.empty()) {
    auto r = run_kafka_tool({facts.kafka_home + "/bin/kafka-metadata-quorum.sh", facts.quorum_flag, facts.quorum_endpoint,
                             "describe", "--status"},
                            root, runner, quorum_timeout);
    std::string name = "quorum membership of node " + std::to_string(facts.node_id);
    if (!r.ok()) {
      h.checks.push_back({name, false, r.error().message});
    } else if (!r->ok()) {
      h.checks.push_back({name, false, "kafka-metadata-quorum.sh exited " + std::to_string(r->exit_code) + ": " + r->tail(3)});
    } else {
      auto q = parse_quorum_status(r->output);
      if (!q.ok()) {
        h.checks.push_back({name, false, q.error().message});
      } else {
        h.quorum = *q;
        bool in = q->has_voter(facts.node_id) || q->has_observer(facts.node_id);
        std::string as = q->has_voter(facts.node_id) ? "voter" : "observer";
        h.checks.push_back({name, in && q->leader_id >= 0,
                            in ? (q->leader_id >= 0 ? "in the quorum as " + as + ", leader " + std::to_string(q->leader_id) : "no leader elected")
                               : "not among the voters or observers yet"});
      }
    }
  }
  return h;
}

}  // namespace ka
