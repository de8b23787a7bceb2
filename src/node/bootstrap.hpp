// `bootstrap`: fetch -> install -> render -> validate -> format -> enable and start the units ->
// wait until healthy. It is plan_bootstrap (node/plan.hpp) followed by apply_bootstrap and
// wait_healthy: every refusal (bad input, hand-edited files, foreign storage) happens while
// planning, before anything is changed. A converged re-run changes nothing and restarts
// nothing; a changed setting restarts only the units whose files changed.
#pragma once
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/deps.hpp"
#include "core/result.hpp"
#include "install/install.hpp"
#include "core/change.hpp"
#include "node/format.hpp"
#include "render/node_spec.hpp"

namespace ka {

struct BootstrapOptions {
  NodeInput node;
  install::InstallOptions install;
  bool skip_install = false;  // the release is already in /opt/kafka (an image baked earlier)
  DynamicFormat dynamic = DynamicFormat::automatic;
  std::vector<std::string> initial_controllers;
  std::vector<std::string> scram;
  bool force = false;     // overwrite files edited by hand
  bool no_start = false;  // stop after format: no systemd here, or an operator's choice
  std::chrono::seconds wait{180};
  // Where the node ID was set, for the refusal when the running quorum already has it.
  std::string node_id_source = "--node-id (node-id in appliance.toml)";
};

struct StepReport {
  std::string step;                  // install, render, format, start, health
  std::vector<std::string> changes;  // what changed ("" means nothing)
  std::string note;
};

struct BootstrapReport {
  std::vector<StepReport> steps;
  std::vector<PlannedChange> done;     // every change apply made, in the plan's terms
  std::vector<std::string> restarted;  // units (re)started by this run
  double tool_seconds = 0;             // time of everything except waiting for health
  double health_seconds = 0;
  bool healthy = false;
  bool started = false;  // false with --no-start or without systemd
  bool changed() const;
};

// The wait's one repair (docs/health.md): a broker registered in the quorum whose produce round
// trip finds no producer ID for `after` gets its unit restarted, once per wait. Kafka drops a
// broker's cached controller only on a disconnect or a NOT_CONTROLLER answer, and a controller
// that stopped answering keeps it for minutes; a restarted broker starts from the current leader.
class NoProducerIdRemedy {
 public:
  std::chrono::seconds after{60};
  // Fed each check's Health::no_producer_id; true exactly when the restart is due.
  bool due(bool no_producer_id, Clock::time_point now);

 private:
  bool stuck_ = false, restarted_ = false;
  Clock::time_point since_{};
};

// plan_bootstrap, apply_bootstrap, wait_healthy.
Result<BootstrapReport> run_bootstrap(const BootstrapOptions& opts, Deps& deps);
std::string bootstrap_text(const BootstrapReport& r);
nlohmann::json bootstrap_json(const BootstrapReport& r);

}  // namespace ka
