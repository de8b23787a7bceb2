#include "node/bootstrap.hpp"

#include <spdlog/spdlog.h>

#include "core/oplog.hpp"
#include "core/state.hpp"
#include "node/health.hpp"
#include "node/join.hpp"
#include "node/plan.hpp"
#include "node/systemd.hpp"
#include "render/drift.hpp"

namespace ka {

bool BootstrapReport::changed() const {
  for (const auto& s : steps)
    if (!s.changes.empty()) return true;
  return !restarted.empty();
}

namespace {

// The release: install's plan, as planned.
Status apply_release(const Plan& p, Deps& deps, BootstrapReport& rep) {
  KA_TRY(auto ir, install::apply_install(*p.install, deps));
  rep.steps.push_back({"install", ir.changes, ""});
  rep.done.insert(rep.done.end(), ir.done.begin(), ir.done.end());
  return ok_status();
}

bool is_dir(const Plan& p, const fs::path& path) {
  for (const auto& d : p.render.dirs)
    if (d.path == path) return true;
  return false;
}

// Directories and files, recording what we wrote so later hand edits are recognised.
Status apply_files(const Plan& p, Deps& deps, BootstrapReport& rep) {
  KA_TRY(auto applied, apply_plan(p.render, deps.root));
  StepReport rs{"render", {}, ""};
  for (const auto& c : applied.changes) {
    if (c.change == Change::unchanged) continue;
    rs.changes.push_back(std::string(to_string(c.change)) + " " + c.path.string());
    rep.done.push_back({is_dir(p, c.path) ? Kind::dir : Kind::file, c.path.string(),
                        c.change == Change::created ? Action::create : Action::update});
  }
  for (const auto& w : applied.warnings) rs.note += (rs.note.empty() ? "" : "; ") + w;
  rep.steps.push_back(std::move(rs));
  // Install saved its own section of state.json meanwhile: start from the file as it is now,
  // or saving would drop what install recorded (and the next run would unpack again).
  KA_TRY(auto state, StateFile::load(deps.root));
  record_rendered(state, p.render.files);
  auto& node = state.section("node");
  node["role"] = to_string(p.spec.role);
  node["node_id"] = p.spec.node_id;
  node["cluster_id"] = p.spec.cluster_id;
  node["kafka_version"] = p.spec.version.str();
  KA_TRY_STATUS(state.save(deps.root));
  return ok_status();
}

// Storage (KRaft only): exactly the planned command.
Status apply_storage(const Plan& p, Deps& deps, BootstrapReport& rep) {
  if (!p.format) return ok_status();
  const auto& fp = *p.format;
  if (fp.needed) {
    KA_TRY_STATUS(execute_format(fp, p.format_request.cluster_id, deps.root, *deps.runner));
    rep.done.push_back({Kind::storage, "format", Action::format, "", "", fp.argv});
  }
  rep.steps.push_back({"format",
                       fp.needed ? std::vector<std::string>{"formatted " + std::to_string(fp.dirs.size()) + " directories"}
                                 : std::vector<std::string>{},
                       fp.reason});
  return ok_status();
}

Status run_unit_action(Systemd& sd, const PlannedChange& c, StepReport& ss, BootstrapReport& rep) {
  switch (c.action) {
    case Action::reload: return sd.daemon_reload();
    case Action::enable:
      ss.changes.push_back("enabled " + c.target);
      return sd.enable({c.target});
    case Action::start:
      ss.changes.push_back("started " + c.target);
      rep.restarted.push_back(c.target);
      return sd.start(c.target);
    case Action::restart:
      ss.changes.push_back("restarted " + c.target + " (its files changed)");
      rep.restarted.push_back(c.target);
      return sd.restart(c.target);
    default: return ok_status();
  }
}

// The planned unit actions, in order (a changed release is among what restarts the unit).
Status apply_units(const Plan& p, Deps& deps, BootstrapReport& rep) {
  if (p.opts.no_start) {
    rep.steps.push_back({"start", {}, "not started (--no-start)" + (p.systemd_unavailable.empty() ? "" : ": " + p.systemd_unavailable)});
    return ok_status();
  }
  if (!p.systemd_unavailable.empty())
    return fail("cannot start " + p.unit + ": " + p.systemd_unavailable)
        .note("everything up to starting the service is done; run again with --no-start to stop there on purpose");
  Systemd sd(*deps.runner);
  StepReport ss{"start", {}, ""};
  for (const auto& c : p.changes) {
    if ((c.kind != Kind::unit && c.kind != Kind::systemd) || c.action == Action::none) continue;
    KA_TRY_STATUS(run_unit_action(sd, c, ss, rep));
    rep.done.push_back(c);
  }
  rep.steps.push_back(std::move(ss));
  rep.started = true;
  return ok_status();
}

const PlannedChange* planned_join(const Plan& p) {
  for (const auto& c : p.changes)
    if (c.kind == Kind::quorum && c.action == Action::join) return &c;
  return nullptr;
}

// The directory ID the quorum knows this node by: format just wrote it.
Result<std::string> own_directory_id(const Plan& p, const RootFs& root) {
  const std::string path = metadata_dir(p.render.config) + "/meta.properties";
  KA_TRY(auto text, root.read_file(path));
  if (!text) return fail("no " + path + " after format").note("the node cannot join the quorum without its directory ID");
  KA_TRY(auto meta, parse_meta_properties(*text, path));
  return meta.directory_id;
}

// The planned join: wait until the started node fetches as an observer, run the planned
// add-controller once it does (again after a refusal, e.g. not caught up yet), and finish when
// the quorum lists it as a voter; Kafka 4.2+ (auto-join) needs only the wait. Bounded by --wait.
Status apply_join(const Plan& p, const PlannedChange& c, Deps& deps, BootstrapReport& rep) {
  using namespace std::chrono_literals;
  KA_TRY(auto dir_id, own_directory_id(p, deps.root));
  Clock& clock = *deps.clock;
  const auto t0 = clock.now();
  const double limit = static_cast<double>(p.opts.wait.count());
  std::string last = "not asked yet";
  bool added = false;
  for (;;) {
    auto left = std::chrono::milliseconds(static_cast<long>((limit - clock.seconds_since(t0)) * 1000));
    auto answer = ask_quorum(p.spec.paths.kafka_home, p.quorum_controllers, deps.root, *deps.runner, std::max<std::chrono::milliseconds>(left, 30s));
    if (answer.status && is_voter(*answer.status, p.spec.node_id, dir_id)) break;
    if (!answer.status) last = answer.why;
    else if (!answer.status->has_observer(p.spec.node_id)) last = "not fetching from the quorum yet (not an observer)";
    else if (c.argv.empty() || added) last = "an observer, not a voter yet";
    else {
      auto r = run_kafka_tool(c.argv, deps.root, *deps.runner, std::max<std::chrono::milliseconds>(left, 30s));
      added = r.ok() && r->ok();
      last = !r.ok() ? r.error().message : added ? "added, not listed as a voter yet" : "add-controller exited " + std::to_string(r->exit_code) + ": " + r->tail(2);
    }
    if (clock.seconds_since(t0) > limit)
      return fail("controller " + std::to_string(p.spec.node_id) + " did not become a voter within " + std::to_string(p.opts.wait.count()) + " s")
          .note(last)
          .note(c.argv.empty() ? std::string("Kafka joins it by itself (") + kAutoJoinKey + "); see its journal" : describe_argv(c.argv));
    if (deps.log) deps.log->info("waiting for controller {} to become a voter ({:.0f} s): {}", p.spec.node_id, clock.seconds_since(t0), last);
    clock.sleep_for(1s);
  }
  // Recorded, so that a converged re-run need not ask the quorum again (plan_join).
  KA_TRY(auto state, StateFile::load(deps.root));
  state.section("joined") = {{"node_id", p.spec.node_id}, {"directory_id", dir_id}};
  KA_TRY_STATUS(state.save(deps.root));
  char took[64];
  std::snprintf(took, sizeof took, "%.1f s after its start", clock.seconds_since(t0));
  rep.steps.push_back({"join", {"voter " + std::to_string(p.spec.node_id) + " (" + (c.argv.empty() ? "auto-join" : "add-controller") + ")"}, took});
  rep.done.push_back(c);
  return ok_status();
}

}  // namespace

Result<BootstrapReport> apply_bootstrap(const Plan& p, Deps& deps) {
  if (p.refusal) return *p.refusal;
  BootstrapReport rep;
  if (p.install) KA_TRY_STATUS(logged_step(deps, "install", [&] { return apply_release(p, deps, rep); }));
  if (p.check_node_id_after_install) {
    Plan asked = p;
    asked.changes.clear();
    KA_TRY_STATUS(check_node_id(asked, deps));
    if (asked.refusal) return *asked.refusal;
  }
  KA_TRY_STATUS(logged_step(deps, "render", [&] { return apply_files(p, deps, rep); }));
  if (p.format) KA_TRY_STATUS(logged_step(deps, "format", [&] { return apply_storage(p, deps, rep); }));
  KA_TRY_STATUS(logged_step(deps, "start", [&] { return apply_units(p, deps, rep); }));
  if (const auto* join = planned_join(p)) KA_TRY_STATUS(logged_step(deps, "join", [&] { return apply_join(p, *join, deps, rep); }));
  return rep;
}

namespace {
Error not_healthy(const std::string& unit, double waited, const Health& h, const Result<UnitState>& us, Systemd& sd) {
  Error e = fail(unit + " is not healthy after " + std::to_string(static_cast<int>(waited)) + " s");
  e.note(h.failing());
  if (us.ok()) e.note(unit + " is " + us->active_state + " (" + us->sub_state + ")");
  e.note("last lines of its journal:\n" + sd.journal_tail(unit));
  return e;
}

std::string still_missing(const Health& h, const Result<UnitState>& us) {
  std::string m = h.healthy() ? "" : h.failing();
  if (us.ok() && !us->active()) m += (m.empty() ? "" : "; ") + std::string("unit is ") + us->active_state;
  return m;
}
}  // namespace

bool NoProducerIdRemedy::due(bool no_producer_id, Clock::time_point now) {
  if (!no_producer_id) {
    stuck_ = false;
    return false;
  }
  if (!stuck_) {
    stuck_ = true;
    since_ = now;
  }
  if (restarted_ || now - since_ < after) return false;
  restarted_ = true;
  return true;
}

Status wait_healthy(const Plan& p, Deps& deps, BootstrapReport& rep) {
  using namespace std::chrono_literals;
  Clock& clock = *deps.clock;
  auto h0 = clock.now();
  auto last_line = h0;
  KA_TRY(auto facts, read_node_facts(deps.root, p.spec.paths.etc_dir));
  facts.kafka_home = p.spec.paths.kafka_home;
  Systemd sd(*deps.runner);
  auto env = kafka_env(deps);
  Health h;
  NoProducerIdRemedy remedy;
  for (;;) {
    h = probe_health(facts, deps.root, env, 3s, 15s);
    auto us = sd.state(p.unit);
    if (h.healthy() && us.ok() && us->active()) break;
    double waited = clock.seconds_since(h0);
    if (waited > static_cast<double>(p.opts.wait.count()) || (us.ok() && us->active_state == "failed"))
      return not_healthy(p.unit, waited, h, us, sd);
    if (remedy.due(h.no_producer_id, clock.now())) {
      std::string why = "registered, but no producer ID for " + std::to_string(remedy.after.count()) + " s";
      if (deps.log) deps.log->warn("[remedy] {} ({}): restarting {} once", why, h.failing(), p.unit);
      auto st = sd.restart(p.unit);
      if (!st.ok() && deps.log) deps.log->warn("[remedy] restarting {} failed: {}", p.unit, st.error().message);
      rep.steps.push_back({"remedy", {"restarted " + p.unit + ": " + why}, ""});
    }
    if (deps.log && clock.seconds_since(last_line) >= 5) {
      deps.log->info("waiting for {} to be healthy ({:.0f} s of {} s): {}", p.unit, waited, p.opts.wait.count(), still_missing(h, us));
      last_line = clock.now();
    }
    clock.sleep_for(500ms);
  }
  rep.health_seconds = clock.seconds_since(h0);
  rep.healthy = true;
  rep.steps.push_back({"health", {}, h.checks.empty() ? "" : h.checks.back().detail});
  return ok_status();
}

Result<BootstrapReport> run_bootstrap(const BootstrapOptions& opts, Deps& deps) {
  auto t0 = deps.clock->now();
  KA_TRY(auto plan, logged_step(deps, "plan", [&] { return plan_bootstrap(opts, deps); }));
  KA_TRY(auto rep, apply_bootstrap(plan, deps));
  rep.tool_seconds = deps.clock->seconds_since(t0);
  if (rep.started) KA_TRY_STATUS(logged_step(deps, "health", [&] { return wait_healthy(plan, deps, rep); }));
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
  j["done"] = nlohmann::json::array();
  for (const auto& c : r.done) j["done"].push_back(to_json(c));
  return j;
}

}  // namespace ka
