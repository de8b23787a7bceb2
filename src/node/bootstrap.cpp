#include "node/bootstrap.hpp"

#include <chrono>
#include <thread>

#include "core/state.hpp"
#include "render/drift.hpp"
#include "node/health.hpp"
#include "node/systemd.hpp"
#include "render/render.hpp"

namespace ka {

namespace {
using clock_t_ = std::chrono::steady_clock;
double since(clock_t_::time_point t0) { return std::chrono::duration<double>(clock_t_::now() - t0).count(); }

std::string unit_of(const RenderPlan& plan) {
  for (const auto& f : plan.files)
    if (f.path.filename() == "zookeeper.service") return "zookeeper.service";
  return "kafka.service";
}
}  // namespace

bool BootstrapReport::changed() const {
  for (const auto& s : steps)
    if (!s.changes.empty()) return true;
  return !restarted.empty();
}

std::vector<std::string> units_touched_by(const std::vector<std::string>& changed_paths, const std::string& unit) {
  // Everything a unit reads at start: its unit file, its config directory, the release it runs.
  for (const auto& p : changed_paths) {
    if (p == "/etc/systemd/system/" + unit || p.rfind("/etc/kafka/", 0) == 0 || p == "/opt/kafka" || p == "/opt/java" ||
        p.rfind("/var/lib/zookeeper/myid", 0) == 0)
      return {unit};
  }
  return {};
}

Result<BootstrapReport> run_bootstrap(const BootstrapOptions& opts, ProcessRunner& runner) {
  auto t0 = clock_t_::now();
  BootstrapReport rep;
  RootFs root(opts.root);

  // 1. Inputs and the rendered plan: every bad input is refused before anything changes.
  KA_TRY(auto spec, node_spec_for_this_machine(opts.node));
  bool kraft = spec.role != Role::zookeeper && spec.zookeeper_connect.empty();
  if (kraft && spec.cluster_id.empty())
    return bad_input("--cluster-id is required to bootstrap a KRaft node")
        .note("make one with `kafka-appliance cluster-id` and give the same to every node of the cluster");
  KA_TRY(auto plan, plan_render(spec));

  // 2. Files a person changed since we wrote them, and storage of another cluster: refuse now.
  KA_TRY(auto state, StateFile::load(root));
  KA_TRY_STATUS(check_drift(root, plan.files, state, opts.force));
  FormatRequest freq;
  freq.version = spec.version;
  freq.cluster_id = spec.cluster_id;
  freq.config_path = spec.paths.etc_dir + "/server.properties";
  freq.kafka_home = spec.paths.kafka_home;
  freq.dynamic = opts.dynamic;
  freq.initial_controllers = opts.initial_controllers;
  freq.scram = opts.scram;
  if (kraft) {
    KA_TRY(auto check, check_storage(root, storage_dirs(plan.config), spec.cluster_id, spec.node_id));
    KA_TRY(auto fplan, plan_format(freq, plan.config, check));
    (void)fplan;  // refusals surface here, before install and render change anything
  }
  std::string unavailable = systemd_unavailable_reason(root);
  if (opts.dry_run) return bad_input("bootstrap has no --dry-run").note("use `kafka-appliance plan` to see what it would change");

  // 3. Install the release (a no-op when state.json says it is there and intact).
  std::vector<std::string> changed_paths;
  if (!opts.skip_install) {
    auto io = opts.install;
    io.root = opts.root;
    if (io.kafka_version.empty()) io.kafka_version = spec.version.str();
    KA_TRY(auto ir, install::run_install(io, runner));
    StepReport s{"install", ir.changes, ""};
    for (const auto& c : ir.changes) {
      if (c.find("/opt/kafka") != std::string::npos) changed_paths.push_back("/opt/kafka");
      if (c.find("/opt/java") != std::string::npos || c.find("temurin") != std::string::npos) changed_paths.push_back("/opt/java");
    }
    rep.steps.push_back(std::move(s));
  }

  // 4. Render, recording what we wrote so later hand edits are recognised.
  KA_TRY(auto applied, apply_plan(plan, root));
  StepReport rs{"render", {}, ""};
  for (const auto& c : applied.changes) {
    if (c.change == Change::unchanged) continue;
    rs.changes.push_back(std::string(to_string(c.change)) + " " + c.path.string());
    changed_paths.push_back(c.path.string());
  }
  for (const auto& w : applied.warnings) rs.note += (rs.note.empty() ? "" : "; ") + w;
  rep.steps.push_back(std::move(rs));
  // Install saved its own section of state.json meanwhile: start from the file as it is now,
  // or saving would drop what install recorded (and the next run would unpack again).
  KA_TRY(state, StateFile::load(root));
  record_rendered(state, plan.files);
  auto& node = state.section("node");
  node["role"] = to_string(spec.role);
  node["node_id"] = spec.node_id;
  node["cluster_id"] = spec.cluster_id;
  node["kafka_version"] = spec.version.str();
  KA_TRY_STATUS(state.save(root));

  // 5. Format storage (KRaft only).
  if (kraft) {
    KA_TRY(auto fp, run_format(freq, root, runner, false));
    rep.steps.push_back({"format", fp.needed ? std::vector<std::string>{"formatted " + std::to_string(fp.dirs.size()) + " directories"}
                                             : std::vector<std::string>{},
                         fp.reason});
  }

  // 6. Units.
  std::string unit = unit_of(plan);
  if (!unavailable.empty()) {
    rep.tool_seconds = since(t0);
    if (opts.no_start) {
      rep.steps.push_back({"start", {}, "not started (--no-start): " + unavailable});
      return rep;
    }
    return fail("cannot start " + unit + ": " + unavailable)
        .note("everything up to starting the service is done; run again with --no-start to stop there on purpose");
  }
  if (opts.no_start) {
    rep.tool_seconds = since(t0);
    rep.steps.push_back({"start", {}, "not started (--no-start)"});
    return rep;
  }
  Systemd sd(runner);
  StepReport ss{"start", {}, ""};
  bool unit_changed = false;
  for (const auto& p : changed_paths)
    if (p.size() > 8 && p.compare(p.size() - 8, 8, ".service") == 0) unit_changed = true;
  if (unit_changed) KA_TRY_STATUS(sd.daemon_reload());
  KA_TRY(auto st, sd.state(unit));
  if (st.unit_file_state != "enabled") {
    KA_TRY_STATUS(sd.enable({unit}));
    ss.changes.push_back("enabled " + unit);
  }
  if (!st.active() && st.active_state != "activating") {
    KA_TRY_STATUS(sd.start(unit));
    ss.changes.push_back("started " + unit);
    rep.restarted.push_back(unit);
  } else if (!units_touched_by(changed_paths, unit).empty()) {
    KA_TRY_STATUS(sd.restart(unit));
    ss.changes.push_back("restarted " + unit + " (its files changed)");
    rep.restarted.push_back(unit);
  }
  rep.steps.push_back(std::move(ss));
  rep.started = true;
  rep.tool_seconds = since(t0);

  // 7. Wait until healthy, with a deadline and the reason when it is not.
  auto h0 = clock_t_::now();
  KA_TRY(auto facts, read_node_facts(root, spec.paths.etc_dir));
  facts.kafka_home = spec.paths.kafka_home;
  Health h;
  for (;;) {
    h = probe_health(facts, root, runner);
    auto us = sd.state(unit);
    if (h.healthy() && us.ok() && us->active()) break;
    if (since(h0) > static_cast<double>(opts.wait.count()) || (us.ok() && us->active_state == "failed")) {
      Error e = fail(unit + " is not healthy after " + std::to_string(static_cast<int>(since(h0))) + " s");
      e.note(h.failing());
      if (us.ok()) e.note(unit + " is " + us->active_state + " (" + us->sub_state + ")");
      e.note("last lines of its journal:\n" + sd.journal_tail(unit));
      return e;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  rep.health_seconds = since(h0);
  rep.healthy = true;
  rep.steps.push_back({"health", {}, h.checks.empty() ? "" : h.checks.back().detail});
  return rep;
}

std::string bootstrap_text(const BootstrapReport& r) {
  std::string o;
  for (const auto& s : r.steps) {
    if (s.changes.empty()) o += "[" + s.step + "] unchanged" + (s.note.empty() ? "" : ": " + s.note) + "\n";
    for (const auto& c : s.changes) o += "[" + s.step + "] " + c + "\n";
    if (!s.changes.empty() && !s.note.empty()) o += "[" + s.step + "] " + s.note + "\n";
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s in %.3f s (health checks %.1f s)%s\n", r.changed() ? "converged" : "nothing to do",
                r.tool_seconds, r.health_seconds, r.healthy ? ", healthy" : "");
  o += buf;
  return o;
}

nlohmann::json bootstrap_json(const BootstrapReport& r) {
  nlohmann::json j;
  j["changed"] = r.changed();
  j["healthy"] = r.healthy;
  j["started"] = r.started;
  j["restarted"] = r.restarted;
  j["tool_seconds"] = r.tool_seconds;
  j["health_seconds"] = r.health_seconds;
  j["steps"] = nlohmann::json::array();
  for (const auto& s : r.steps) j["steps"].push_back({{"step", s.step}, {"changes", s.changes}, {"note", s.note}});
  return j;
}

}  // namespace ka
