// The plan of a node: what `bootstrap` would create or change (release, directories, files,
// storage, units), computed once. `plan` prints it (a diff, or --json), `bootstrap --dry-run`
// prints the same value, and `bootstrap` hands that very value to apply_bootstrap: one code
// path, never a second derivation (DESIGN.md §7.3).
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/deps.hpp"
#include "core/result.hpp"
#include "node/bootstrap.hpp"
#include "core/change.hpp"
#include "node/format.hpp"
#include "node/quorum.hpp"
#include "render/render.hpp"

namespace ka {

struct Plan {
  BootstrapOptions opts;
  NodeSpec spec;
  std::optional<install::InstallPlan> install;  // none with --skip-install
  RenderPlan render;
  bool kraft = false;
  FormatRequest format_request;
  std::optional<FormatPlan> format;  // KRaft: what format found and would run
  bool fresh_storage = false;        // KRaft: no directory formatted yet, so no identity of its own
  std::string directory_id;          // the metadata directory's directory.id, when formatted
  std::string quorum_controllers;    // host:port,... the running quorum is asked through
  std::optional<QuorumStatus> quorum;  // what the running quorum said while planning, if asked
  bool check_node_id_after_install = false;  // the quorum tool comes with this run's install
  std::string unit;                  // kafka.service or zookeeper.service
  std::string systemd_unavailable;   // "" when units can be managed here
  std::vector<PlannedChange> changes;
  std::optional<Error> refusal;      // the exit-3 error bootstrap gives when blocked()
  bool blocked() const { return refusal.has_value(); }
  bool any_change() const;
};

Result<Plan> plan_bootstrap(const BootstrapOptions& opts, Deps& deps);
// Refuses (p.refusal) a fresh node whose node ID a voter or observer of the running quorum has.
Status check_node_id(Plan& p, Deps& deps);
std::string plan_text(const Plan& p, bool show_unchanged);
nlohmann::json plan_json(const Plan& p);

// Carries out `plan` (which must not be blocked): install, render, format, units, join. Every change
// it makes is in the report's `done`, in the plan's own terms.
Result<BootstrapReport> apply_bootstrap(const Plan& plan, Deps& deps);
// Waits for the started node to be healthy (deps.clock), logging what is still missing.
Status wait_healthy(const Plan& plan, Deps& deps, BootstrapReport& rep);

}  // namespace ka
