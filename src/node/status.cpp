#include "node/status.hpp"

#include "node/format.hpp"
#include "node/meta.hpp"

namespace ka {

bool NodeStatus::healthy() const { return health.healthy() && (!unit || unit->active()); }

Result<NodeStatus> collect_status(const RootFs& root, const kafka::Env& env, Systemd* systemd, std::chrono::milliseconds timeout,
                                  std::chrono::milliseconds serve_timeout) {
  NodeStatus s;
  KA_TRY(s.facts, read_node_facts(root));
  const auto& f = s.facts;
  switch (f.kind) {
    case NodeKind::zookeeper: s.role = "zookeeper"; break;
    case NodeKind::zk_broker: s.role = "zk-broker"; break;
    case NodeKind::kraft: s.role = f.controller && f.broker ? "combined" : f.controller ? "controller" : "broker"; break;
  }
  if (f.kind != NodeKind::zookeeper) {
    for (const auto& d : storage_dirs(f.config)) {
      auto text = root.read_file(fs::path(d) / "meta.properties");
      if (!text.ok() || !*text) continue;
      auto m = parse_meta_properties(**text, d + "/meta.properties");
      if (m.ok()) {
        s.cluster_id = m->cluster_id;
        break;
      }
    }
  }
  for (const char* kind : {"kafka", "java"}) {
    KA_TRY(auto rec, install::load_installed(root, kind));
    if (rec) s.installed.push_back(*rec);
  }
  s.kafka_version = installed_kafka_version(root, f.kafka_home);
  if (systemd) {
    auto u = systemd->state(f.unit);
    if (u.ok()) s.unit = *u;
    else s.systemd_note = u.error().message;
  } else {
    s.systemd_note = "systemd not available here";
  }
  s.health = probe_health(f, root, env, timeout, serve_timeout);
  return s;
}

nlohmann::json status_json(const NodeStatus& s) {
  nlohmann::json j;
  j["role"] = s.role;
  j["node_id"] = s.facts.node_id;
  j["cluster_id"] = s.cluster_id;
  j["kafka_version"] = s.kafka_version;
  j["healthy"] = s.healthy();
  if (s.unit) {
    j["unit"] = {{"name", s.unit->name}, {"active", s.unit->active_state}, {"sub", s.unit->sub_state},
                 {"enabled", s.unit->unit_file_state}, {"main_pid", s.unit->main_pid}, {"restarts", s.unit->restarts}};
  } else {
    j["unit"] = {{"name", s.facts.unit}, {"unknown", s.systemd_note}};
  }
  j["checks"] = nlohmann::json::array();
  for (const auto& c : s.health.checks) j["checks"].push_back({{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
  if (s.health.quorum) {
    const auto& q = *s.health.quorum;
    auto ids = [](const std::vector<QuorumReplica>& v) {
      auto a = nlohmann::json::array();
      for (const auto& r : v) a.push_back(r.id);
      return a;
    };
    j["quorum"] = {{"leader_id", q.leader_id}, {"leader_epoch", q.leader_epoch}, {"high_watermark", q.high_watermark},
                   {"max_follower_lag", q.max_follower_lag}, {"max_follower_lag_ms", q.max_follower_lag_ms},
                   {"voters", ids(q.voters)}, {"observers", ids(q.observers)}};
  }
  if (!s.health.zk_mode.empty()) j["zookeeper_mode"] = s.health.zk_mode;
  // the tool time of the native calls (no JVM): what a gate's check costs
  if (s.health.quorum_ms >= 0) j["quorum_ms"] = s.health.quorum_ms;
  if (s.health.serve_ms >= 0) j["serve_ms"] = s.health.serve_ms;
  j["installed"] = nlohmann::json::object();
  for (const auto& r : s.installed)
    j["installed"][r.kind] = {{"version", r.version}, {"path", r.path}, {"artifact", r.artifact},
                              {"artifact_digest", r.artifact_digest}, {"trust", r.trust},
                              {"signed_by", r.signed_by}, {"overrides", r.overrides}};
  return j;
}

std::string status_text(const NodeStatus& s) {
  std::string o;
  auto line = [&](const std::string& k, const std::string& v) { o += k + std::string(k.size() < 14 ? 14 - k.size() : 1, ' ') + v + "\n"; };
  line("role", s.role);
  line("node id", std::to_string(s.facts.node_id));
  if (!s.cluster_id.empty()) line("cluster id", s.cluster_id);
  line("kafka", s.kafka_version.empty() ? "(no /opt/kafka link)" : s.kafka_version);
  if (s.unit)
    line("unit", s.unit->name + " " + s.unit->active_state + " (" + s.unit->sub_state + "), " + s.unit->unit_file_state +
                     (s.unit->restarts ? ", restarted " + std::to_string(s.unit->restarts) + "x" : ""));
  else
    line("unit", s.facts.unit + ": unknown (" + s.systemd_note + ")");
  if (s.health.quorum) {
    const auto& q = *s.health.quorum;
    std::string voters, observers;
    for (const auto& v : q.voters) voters += (voters.empty() ? "" : ",") + std::to_string(v.id);
    for (const auto& v : q.observers) observers += (observers.empty() ? "" : ",") + std::to_string(v.id);
    line("quorum", "leader " + std::to_string(q.leader_id) + " epoch " + std::to_string(q.leader_epoch) + ", voters [" + voters +
                       "], observers [" + observers + "], max lag " + std::to_string(q.max_follower_lag));
  }
  if (!s.health.zk_mode.empty()) line("zookeeper", "mode " + s.health.zk_mode);
  for (const auto& r : s.installed) {
    std::string t = r.version + ", " + (r.trust.empty() ? "trust not recorded" : "trusted by " + r.trust);
    if (!r.signed_by.empty()) t += ", signed by " + r.signed_by;
    line("trust " + r.kind, t);
    for (const auto& x : r.overrides) line("  OVERRIDE", x);
  }
  for (const auto& c : s.health.checks) o += std::string(c.ok ? "  ok    " : "  FAIL  ") + c.name + ": " + c.detail + "\n";
  line("health", s.healthy() ? "healthy" : "NOT healthy");
  return o;
}

}  // namespace ka
