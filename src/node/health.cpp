#include "node/health.hpp"

#include <algorithm>
#include <map>

#include "core/number.hpp"
#include "core/text.hpp"
#include "core/version.hpp"
#include "kafka/client.hpp"
#include "kafka/gates.hpp"
#include "kafka/native.hpp"
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

// A KRaft node's controllers to ask (its own controller listener first) and its own broker
// listener for the produce round trip: the first PLAINTEXT one that is not a controller's.
Status kraft_endpoints(NodeFacts& f, const std::vector<Endpoint>& listeners, const std::string& cfg) {
  std::vector<std::string> controller_names;
  for (const auto& n : split_list(f.config.get_or("controller.listener.names", ""))) controller_names.push_back(upper(n));
  auto is_ctrl = [&](const std::string& n) {
    return std::find(controller_names.begin(), controller_names.end(), n) != controller_names.end();
  };
  std::map<std::string, std::string> protocols;
  for (const auto& m : split_list(f.config.get_or("listener.security.protocol.map", ""))) {
    auto colon = m.find(':');
    if (colon != std::string::npos) protocols[upper(trim(m.substr(0, colon)))] = upper(trim(m.substr(colon + 1)));
  }
  for (const auto& l : listeners) {
    std::string at = hp(probe_host(l.host), static_cast<int>(l.port));
    if (f.controller && is_ctrl(l.name) && f.controllers.empty()) f.controllers.push_back(at);
    if (!f.broker || is_ctrl(l.name) || !f.broker_endpoint.empty()) continue;
    auto proto = protocols.count(l.name) ? protocols[l.name] : l.name;
    if (proto == "PLAINTEXT") f.broker_endpoint = at;
    else f.broker_listener_note = "listener " + l.name + " is " + proto;
  }
  for (const auto& e : split_list(controller_endpoints(f.config)))
    if (std::find(f.controllers.begin(), f.controllers.end(), e) == f.controllers.end()) f.controllers.push_back(e);
  KA_TRY(f.fetch_timeout_ms, parse_number<long>(f.config.get_or("controller.quorum.fetch.timeout.ms", "2000"),
                                                cfg + ": controller.quorum.fetch.timeout.ms"));
  return ok_status();
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
  KA_TRY_STATUS(parse_endpoints(f.config.get_or("advertised.listeners", ""), cfg + ": advertised.listeners"));
  for (const auto& l : listeners) f.probes.emplace_back("listener " + l.name, hp(probe_host(l.host), static_cast<int>(l.port)));
  if (f.kind == NodeKind::kraft) KA_TRY_STATUS(kraft_endpoints(f, listeners, cfg));
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

QuorumStatus quorum_status(const kafka::Quorum& q) {
  QuorumStatus out;
  const auto& d = q.state;
  out.leader_id = d.leader_id;
  out.leader_epoch = d.leader_epoch;
  out.high_watermark = d.high_watermark;
  int64_t now = q.leader_now_ms();
  for (const auto& v : d.voters) {
    out.voters.push_back({v.replica_id, v.directory_id ? kafka::uuid_base64(*v.directory_id) : "", {}});
    if (v.log_end_offset >= 0) out.max_follower_lag = std::max<long>(out.max_follower_lag, d.high_watermark - v.log_end_offset);
    if (now >= 0 && v.last_caught_up_timestamp >= 0) out.max_follower_lag_ms = std::max<long>(out.max_follower_lag_ms, now - v.last_caught_up_timestamp);
  }
  for (const auto& o : d.observers) out.observers.push_back({o.replica_id, o.directory_id ? kafka::uuid_base64(*o.directory_id) : "", {}});
  return out;
}

// A KRaft node in the quorum of a leader (DescribeQuorum, asked natively); a voter also caught
// up with the leader: it fetched the leader's end within max(controller.quorum.fetch.timeout.ms,
// 5 s) of the leader's "now".
void probe_quorum(const NodeFacts& facts, const kafka::Env& env, std::chrono::milliseconds serve_timeout, Health& h) {
  std::string name = "quorum membership of node " + std::to_string(facts.node_id);
  std::vector<kafka::HostPort> eps;
  for (const auto& c : facts.controllers)
    if (auto e = kafka::parse_host_port(c, "controller endpoint"); e.ok()) eps.push_back(*e);
  auto t0 = env.clock->now();
  auto q = kafka::describe_quorum(eps, env, t0 + serve_timeout);
  h.quorum_ms = env.clock->seconds_since(t0) * 1000;
  if (!q.ok()) return h.checks.push_back({name, false, q.error().message});
  h.quorum = quorum_status(*q);
  const auto* me = q->replica(facts.node_id);
  bool voter = q->has_voter(facts.node_id);
  if (!me) return h.checks.push_back({name, false, "not among the voters or observers yet (leader " + std::to_string(q->state.leader_id) + ")"});
  std::string as = std::string(voter ? "voter" : "observer") + ", leader " + std::to_string(q->state.leader_id) + " epoch " +
                   std::to_string(q->state.leader_epoch);
  if (!voter || facts.node_id == q->state.leader_id) return h.checks.push_back({name, true, "in the quorum as " + as});
  long window = std::max(facts.fetch_timeout_ms, 5000L);
  int64_t now = q->leader_now_ms(), behind = now < 0 || me->last_caught_up_timestamp < 0 ? -1 : now - me->last_caught_up_timestamp;
  bool caught = behind >= 0 && behind <= window;
  h.checks.push_back({name, caught, caught ? "in the quorum as " + as + ", caught up (" + std::to_string(behind) + " ms)"
                                           : "in the quorum as " + as + " but not caught up with the leader (" +
                                                 (behind < 0 ? std::string("never") : std::to_string(behind) + " ms behind, more than " + std::to_string(window)) + ")"});
}

// The broker's health topic exists with its one replica here: made on first use (a tiny,
// short-lived log: min.insync.replicas 1, 1 MiB segments and retention, one hour).
Status ensure_health_topic(const NodeFacts& facts, const std::string& topic, const kafka::Env& env, Clock::time_point deadline) {
  KA_TRY(auto client, kafka::Client::make(facts.broker_endpoint, env));
  auto d = client.describe_topics({topic}, deadline);
  if (d.ok() && !d->empty() && !d->front().partitions.empty()) {
    const auto& p = d->front().partitions.front();
    if (p.replicas == std::vector<int32_t>{facts.node_id}) return ok_status();
    return fail("health topic " + topic + " has replicas other than broker " + std::to_string(facts.node_id))
        .note("it is the product's own; delete it (kafka-topics.sh --delete --topic " + topic + ") and it is made again");
  }
  if (!d.ok() && d.error().message.find("nknown topic") == std::string::npos) return std::move(d).error();
  return client.create_topic({topic, {{facts.node_id}},
                              {{"min.insync.replicas", "1"}, {"retention.ms", "3600000"}, {"retention.bytes", "1048576"},
                               {"segment.bytes", "1048576"}, {"cleanup.policy", "delete"}}},
                             deadline);
}

// A broker serves: an idempotent produce round trip on its own health topic (one partition, one
// replica on this broker, so it is the leader; created on first use).
void probe_serving(const NodeFacts& facts, const kafka::Env& env, std::chrono::milliseconds serve_timeout, Health& h) {
  std::string name = "produce round trip on broker " + std::to_string(facts.node_id);
  if (facts.broker_endpoint.empty())
    return h.checks.push_back({name, true, "not made: no PLAINTEXT broker listener (" + facts.broker_listener_note + ")"});
  auto t0 = env.clock->now();
  auto deadline = t0 + serve_timeout;
  auto topic = health_topic(facts.node_id);
  auto made = ensure_health_topic(facts, topic, env, deadline);
  if (!made.ok()) {
    h.serve_ms = env.clock->seconds_since(t0) * 1000;
    return h.checks.push_back({name, false, made.error().message});
  }
  auto r = kafka::produce_round_trip(facts.broker_endpoint, topic, 0, "health of node " + std::to_string(facts.node_id), env, deadline);
  h.serve_ms = env.clock->seconds_since(t0) * 1000;
  if (!r.ok()) {
    h.no_producer_id = r.error().message.find("no producer ID") != std::string::npos && h.quorum &&
                       std::any_of(h.quorum->observers.begin(), h.quorum->observers.end(), [&](const auto& o) { return o.id == facts.node_id; });
    return h.checks.push_back({name, false, r.error().message});
  }
  h.checks.push_back({name, true, "idempotent write acknowledged at " + topic + "-0 offset " + std::to_string(r->offset) + " (" +
                                      std::to_string(static_cast<int>(h.serve_ms)) + " ms)"});
}

}  // namespace

std::string health_topic(int node_id) { return kafka::kHealthTopicPrefix + std::to_string(node_id); }

kafka::Env kafka_env(const Deps& deps) {
  return kafka::Env{deps.clock, deps.log, resolve_host, connect_tcp};
}

Health probe_health(const NodeFacts& facts, const RootFs& root, const kafka::Env& env, std::chrono::milliseconds timeout,
                    std::chrono::milliseconds serve_timeout) {
  Health h;
  auto closed = probe_ports(facts, timeout, h);
  if (facts.kind == NodeKind::zk_broker && !facts.zk_client.empty()) probe_ensemble(facts, root, timeout, h);
  if (facts.kind == NodeKind::zookeeper) probe_zookeeper_member(facts, timeout, h);
  if (facts.kind != NodeKind::kraft) return h;
  auto is_closed = [&](const std::string& e) { return std::find(closed.begin(), closed.end(), e) != closed.end(); };
  // A closed listener of its own: asking would only wait out the bound.
  std::string own = facts.controller && !facts.controllers.empty() ? facts.controllers[0] : "";
  if (!own.empty() && is_closed(own))
    h.checks.push_back({"quorum membership of node " + std::to_string(facts.node_id), false, "not asked: " + own + " is not accepting connections"});
  else if (!facts.controllers.empty())
    probe_quorum(facts, env, serve_timeout, h);
  if (!facts.broker) return h;
  if (!facts.broker_endpoint.empty() && is_closed(facts.broker_endpoint))
    h.checks.push_back({"produce round trip on broker " + std::to_string(facts.node_id), false,
                        "not made: " + facts.broker_endpoint + " is not accepting connections"});
  else
    probe_serving(facts, env, serve_timeout, h);
  return h;
}

}  // namespace ka
