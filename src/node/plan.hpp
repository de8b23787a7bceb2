// `plan`: what `bootstrap` would create or change (release, user, directories, files, symlinks,
// units, storage), as a readable diff or JSON. Changes nothing.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/process.hpp"
#include "core/result.hpp"
#include "node/bootstrap.hpp"
#include "render/drift.hpp"

namespace ka {

struct PlannedChange {
  std::string kind;    // release, user, dir, file, symlink, unit, storage
  std::string target;  // path, unit or user name
  std::string action;  // create, update, unchanged, edited by hand, ...
  std::string diff;    // for files: line diff of disk -> planned
  bool blocked = false;  // bootstrap would refuse (exit 3) unless --force
};

struct NodePlan {
  std::vector<PlannedChange> changes;
  bool blocked() const;
  bool any_change() const;
};

Result<NodePlan> plan_bootstrap(const BootstrapOptions& opts, ProcessRunner& runner);
std::string plan_text(const NodePlan& p, bool show_unchanged);
nlohmann::json plan_json(const NodePlan& p);

}  // namespace ka
