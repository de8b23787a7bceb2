// `bootstrap`: fetch -> install -> render -> validate -> format -> enable and start the units ->
// wait until healthy. Every refusal (bad input, hand-edited files, foreign storage) happens
// before anything is changed. A converged re-run changes nothing and restarts nothing; a changed
// setting restarts only the units whose files changed.
#pragma once
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/process.hpp"
#include "core/result.hpp"
#include "install/install.hpp"
#include "node/format.hpp"
#include "render/node_spec.hpp"

namespace ka {

struct BootstrapOptions {
  std::string root = "/";
  NodeInput node;
  install::InstallOptions install;
  bool skip_install = false;  // the release is already in /opt/kafka (an image baked earlier)
  DynamicFormat dynamic = DynamicFormat::automatic;
  std::vector<std::string> initial_controllers;
  std::vector<std::string> scram;
  bool force = false;     // overwrite files edited by hand
  bool no_start = false;  // stop after format: no systemd here, or an operator's choice
  bool dry_run = false;
  std::chrono::seconds wait{180};
};

struct StepReport {
  std::string step;                  // install, render, format, start, health
  std::vector<std::string> changes;  // what changed ("" means nothing)
  std::string note;
};

struct BootstrapReport {
  std::vector<StepReport> steps;
  std::vector<std::string> restarted;  // units (re)started by this run
  double tool_seconds = 0;             // time of everything except waiting for health
  double health_seconds = 0;
  bool healthy = false;
  bool started = false;  // false with --no-start or without systemd
  bool changed() const;
};

Result<BootstrapReport> run_bootstrap(const BootstrapOptions& opts, ProcessRunner& runner);
std::string bootstrap_text(const BootstrapReport& r);
nlohmann::json bootstrap_json(const BootstrapReport& r);

// Which of the planned files make a unit restart when they change.
std::vector<std::string> units_touched_by(const std::vector<std::string>& changed_paths, const std::string& unit);

}  // namespace ka
