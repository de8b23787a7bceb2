#include "kafka/snapshot.hpp"

#include "core/number.hpp"

namespace ka::kafka {

namespace {

// Runs `f`, recording its tool time under `part`, or why it failed.
template <class F>
auto timed(ClusterSnapshot& s, const std::string& part, const Env& env, F&& f) -> decltype(f()) {
  auto t0 = env.clock->now();
  auto r = f();
  s.call_ms[part] = env.clock->seconds_since(t0) * 1000;
  if (!r.ok()) s.unreadable[part] = r.error().message;
  return r;
}

void read_brokers(ClusterSnapshot& s, const SnapshotSources& from, const Env& env, Clock::time_point deadline) {
  const std::string& bootstrap = from.bootstrap;
  auto client = Client::make(bootstrap, env);
  if (!client.ok()) {
    s.unreadable["cluster"] = client.error().message;
    return;
  }
  auto c = timed(s, "cluster", env, [&] { return client->describe_cluster(deadline); });
  if (!c.ok()) return;  // the brokers are unreachable: the rest would fail the same way
  s.cluster = *c;
  auto t = timed(s, "topics", env, [&] { return client->describe_topics({}, deadline); });
  if (!t.ok()) return;
  s.topics = *t;
  std::vector<std::string> names;
  for (const auto& topic : s.topics) names.push_back(topic.name);
  auto cfg = timed(s, "configs", env, [&] { return client->describe_topic_configs(names, {"min.insync.replicas"}, deadline); });
  if (cfg.ok()) {
    for (const auto& [topic, kv] : *cfg) {
      auto it = kv.find("min.insync.replicas");
      auto n = it == kv.end() ? Result<int>(1) : parse_number<int>(it->second, "min.insync.replicas of " + topic);
      if (n.ok()) s.min_insync[topic] = *n;
      else s.unreadable["configs"] = n.error().message;
    }
  }
  auto hps = from.controllers.empty() ? parse_host_ports(bootstrap, "bootstrap servers") : Result<std::vector<HostPort>>(from.controllers);
  if (!hps.ok()) return;
  auto ra = timed(s, "reassignments", env, [&] { return list_reassignments(*hps, env, deadline); });
  if (ra.ok()) s.reassignments = ra->reassignments;
}

}  // namespace

ClusterSnapshot read_snapshot(const SnapshotSources& from, const Env& env, Clock::time_point deadline) {
  ClusterSnapshot s;
  if (!from.bootstrap.empty()) read_brokers(s, from, env, deadline);
  if (from.quorum && !from.controllers.empty()) {
    auto q = timed(s, "quorum", env, [&] { return describe_quorum(from.controllers, env, deadline); });
    if (q.ok()) s.quorum = q->state;
  }
  return s;
}

// --- JSON ------------------------------------------------------------------------------------------

namespace {

nlohmann::json replicas_json(const std::vector<QuorumReplicaState>& v) {
  auto a = nlohmann::json::array();
  for (const auto& r : v)
    a.push_back({{"id", r.replica_id}, {"log_end_offset", r.log_end_offset}, {"last_fetch_ms", r.last_fetch_timestamp},
                 {"last_caught_up_ms", r.last_caught_up_timestamp}});
  return a;
}

std::vector<QuorumReplicaState> replicas_from(const nlohmann::json& a) {
  std::vector<QuorumReplicaState> out;
  for (const auto& r : a)
    out.push_back({r.at("id").get<int32_t>(), std::nullopt, r.value("log_end_offset", int64_t{-1}), r.value("last_fetch_ms", int64_t{-1}),
                   r.value("last_caught_up_ms", int64_t{-1})});
  return out;
}

}  // namespace

nlohmann::json snapshot_json(const ClusterSnapshot& s) {
  nlohmann::json j = nlohmann::json::object();
  if (s.cluster) {
    auto b = nlohmann::json::array();
    for (const auto& n : s.cluster->brokers) b.push_back(n.id);
    j["cluster"] = {{"cluster_id", s.cluster->cluster_id}, {"controller_id", s.cluster->controller_id}, {"live_brokers", b}};
  }
  j["topics"] = nlohmann::json::object();
  for (const auto& t : s.topics) {
    auto parts = nlohmann::json::array();
    for (const auto& p : t.partitions) parts.push_back({{"p", p.partition}, {"leader", p.leader}, {"replicas", p.replicas}, {"isr", p.isr}});
    j["topics"][t.name] = {{"partitions", parts}};
    if (auto it = s.min_insync.find(t.name); it != s.min_insync.end()) j["topics"][t.name]["min_insync"] = it->second;
  }
  if (s.quorum)
    j["quorum"] = {{"leader_id", s.quorum->leader_id}, {"leader_epoch", s.quorum->leader_epoch}, {"high_watermark", s.quorum->high_watermark},
                   {"voters", replicas_json(s.quorum->voters)}, {"observers", replicas_json(s.quorum->observers)}};
  j["reassignments"] = nlohmann::json::array();
  for (const auto& r : s.reassignments)
    j["reassignments"].push_back({{"topic", r.topic}, {"p", r.partition}, {"replicas", r.replicas}, {"adding", r.adding}, {"removing", r.removing}});
  if (!s.unreadable.empty()) j["unreadable"] = s.unreadable;
  if (!s.call_ms.empty()) j["call_ms"] = s.call_ms;
  return j;
}

namespace {

ClusterSnapshot snapshot_from(const nlohmann::json& j) {
  ClusterSnapshot s;
  if (j.contains("cluster")) {
    ClusterDescription c{j["cluster"].value("cluster_id", ""), j["cluster"].value("controller_id", -1), {}};
    for (int32_t id : j["cluster"].at("live_brokers").get<std::vector<int32_t>>()) c.brokers.push_back({id, "", 0, ""});
    s.cluster = c;
  }
  const auto topics = j.value("topics", nlohmann::json::object());  // items() must not outlive it
  for (const auto& [name, t] : topics.items()) {
    TopicState ts{name, false, {}};
    for (const auto& p : t.at("partitions"))
      ts.partitions.push_back({p.at("p").get<int32_t>(), p.at("leader").get<int32_t>(), p.at("replicas").get<std::vector<int32_t>>(),
                               p.at("isr").get<std::vector<int32_t>>()});
    s.topics.push_back(std::move(ts));
    if (t.contains("min_insync")) s.min_insync[name] = t["min_insync"].get<int>();
  }
  if (j.contains("quorum")) {
    const auto& q = j["quorum"];
    DescribeQuorumResponse d;
    d.leader_id = q.at("leader_id").get<int32_t>();
    d.leader_epoch = q.value("leader_epoch", 0);
    d.high_watermark = q.value("high_watermark", int64_t{0});
    d.voters = replicas_from(q.at("voters"));
    d.observers = replicas_from(q.value("observers", nlohmann::json::array()));
    s.quorum = d;
  }
  const auto moves = j.value("reassignments", nlohmann::json::array());
  for (const auto& r : moves)
    s.reassignments.push_back({r.at("topic").get<std::string>(), r.at("p").get<int32_t>(), r.value("replicas", std::vector<int32_t>{}),
                               r.value("adding", std::vector<int32_t>{}), r.value("removing", std::vector<int32_t>{})});
  s.unreadable = j.value("unreadable", std::map<std::string, std::string>{});
  return s;
}

}  // namespace

Result<ClusterSnapshot> snapshot_from_json(const nlohmann::json& j, const std::string& what) {
  // nlohmann reports a missing or mistyped field by exception: this is the one place it is caught.
  try {
    return snapshot_from(j);
  } catch (const nlohmann::json::exception& e) {
    return bad_input(what + ": not a cluster snapshot: " + e.what());
  }
}

}  // namespace ka::kafka
