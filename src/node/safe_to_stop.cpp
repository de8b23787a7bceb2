#include "node/safe_to_stop.hpp"

#include <spdlog/spdlog.h>

#include <cctype>

#include "core/number.hpp"
#include "node/net.hpp"

namespace ka {

Result<std::chrono::milliseconds> parse_duration(const std::string& text, const std::string& what) {
  static const std::pair<const char*, long> units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
  std::string num = text;
  long scale = 1000;  // a bare number is seconds
  for (const auto& [suffix, ms] : units) {
    std::string sfx = suffix;
    if (text.size() > sfx.size() && text.compare(text.size() - sfx.size(), sfx.size(), sfx) == 0 &&
        std::isdigit(static_cast<unsigned char>(text[text.size() - sfx.size() - 1]))) {
      num = text.substr(0, text.size() - sfx.size());
      scale = ms;
      break;
    }
  }
  auto n = parse_number<long>(num, what);
  if (!n.ok() || *n < 0 || *n > 7L * 24 * 3600 * 1000 / scale)
    return bad_input(what + ": '" + text + "' is not a duration").note("a number of seconds, or with a unit: 500ms, 90s, 10m, 1h (at most a week)");
  return std::chrono::milliseconds(*n * scale);
}

namespace {

struct Reading {
  kafka::StopTarget target;
  kafka::SnapshotSources sources;
};

Result<Reading> plan_reading(const SafeToStopOptions& opts, const NodeFacts& f) {
  if (f.kind == NodeKind::zookeeper)
    return bad_input("safe-to-stop answers for Kafka nodes; this is a ZooKeeper ensemble member (" + f.config_path + ")")
        .note("a 3-member ensemble survives one member down: check `kafka-appliance status` on the other two first");
  Reading r;
  r.target = {f.node_id, f.broker, f.controller, false, std::chrono::milliseconds(f.fetch_timeout_ms)};
  if (f.broker && !f.broker_endpoint.empty()) {
    auto hp = split_hp(f.broker_endpoint, "broker listener");
    r.target.broker_port_open = hp.ok() && tcp_probe(hp->first, hp->second, std::chrono::seconds(2)).ok();
  }
  r.sources.bootstrap = !opts.bootstrap_server.empty() ? opts.bootstrap_server : f.broker ? f.broker_endpoint : "";
  if (f.broker && r.sources.bootstrap.empty())
    return bad_input("safe-to-stop: this broker has no PLAINTEXT listener to read the cluster from (" + f.broker_listener_note + ")")
        .note("give one with --bootstrap-server HOST:PORT");
  if (!opts.bootstrap_server.empty()) KA_TRY_STATUS(kafka::parse_host_ports(opts.bootstrap_server, "--bootstrap-server"));
  for (const auto& c : f.controllers) {
    KA_TRY(auto hp, kafka::parse_host_port(c, f.config_path + ": controller endpoint"));
    r.sources.controllers.push_back(hp);
  }
  r.sources.quorum = f.controller;
  return r;
}

}  // namespace

Result<SafeToStopCheck> run_safe_to_stop(const SafeToStopOptions& opts, Deps& deps,
                                         const std::function<void(const SafeToStopCheck&)>& on_poll) {
  KA_TRY(auto facts, read_node_facts(deps.root));
  KA_TRY(auto reading, plan_reading(opts, facts));
  auto env = kafka_env(deps);
  Clock& clock = *deps.clock;
  auto t0 = clock.now();
  SafeToStopCheck c;
  c.target = reading.target;
  for (;;) {
    auto r0 = clock.now();
    c.snapshot = kafka::read_snapshot(reading.sources, env, r0 + opts.call_timeout);
    c.decision = kafka::safe_to_stop(c.snapshot, c.target);
    c.tool_ms = clock.seconds_since(r0) * 1000;
    c.waited_s = clock.seconds_since(t0);
    ++c.polls;
    if (on_poll) on_poll(c);
    if (c.decision.safe || clock.now() - t0 + opts.poll > opts.wait) return c;
    clock.sleep_for(opts.poll);
  }
}

nlohmann::json safe_to_stop_json(const SafeToStopCheck& c) {
  return {{"node_id", c.target.node_id},
          {"roles", nlohmann::json::array({c.target.broker ? "broker" : "", c.target.controller ? "controller" : ""})},
          {"safe", c.decision.safe},
          {"reasons", c.decision.reasons},
          {"checked", c.decision.checked},
          {"tool_ms", c.tool_ms},
          {"waited_s", c.waited_s},
          {"polls", c.polls},
          {"snapshot", kafka::snapshot_json(c.snapshot)}};
}

std::string safe_to_stop_text(const SafeToStopCheck& c) {
  std::string o = "safe to stop node " + std::to_string(c.target.node_id) + ": " + (c.decision.safe ? "yes" : "NO") + "\n";
  for (const auto& r : c.decision.reasons) o += "  NO    " + r + "\n";
  for (const auto& k : c.decision.checked) o += "  ok    " + k + "\n";
  std::string calls;
  for (const auto& [part, ms] : c.snapshot.call_ms) calls += (calls.empty() ? "" : ", ") + part + " " + std::to_string(static_cast<int>(ms));
  o += "tool time " + std::to_string(static_cast<int>(c.tool_ms)) + " ms (" + calls + ")" +
       (c.polls > 1 ? ", " + std::to_string(c.polls) + " checks in " + std::to_string(static_cast<int>(c.waited_s)) + " s" : "") + "\n";
  return o;
}

}  // namespace ka
