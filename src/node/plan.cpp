#include "node/plan.hpp"

#include "core/state.hpp"
#include "node/systemd.hpp"
#include "render/render.hpp"

namespace ka {

bool NodePlan::blocked() const {
  for (const auto& c : changes)
    if (c.blocked) return true;
  return false;
}
bool NodePlan::any_change() const {
  for (const auto& c : changes)
    if (c.action != "unchanged") return true;
  return false;
}

Result<NodePlan> plan_bootstrap(const BootstrapOptions& opts, ProcessRunner& runner) {
  NodePlan out;
  RootFs root(opts.root);
  KA_TRY(auto spec, node_spec_for_this_machine(opts.node));
  KA_TRY(auto plan, plan_render(spec));

  if (!opts.skip_install) {
    auto io = opts.install;
    io.root = opts.root;
    io.dry_run = true;
    io.quiet = true;
    if (io.kafka_version.empty()) io.kafka_version = spec.version.str();
    KA_TRY(auto ir, install::run_install(io, runner));
    for (const auto& c : ir.changes) out.changes.push_back({"release", c, "create", "", false});
    for (const auto& c : ir.unchanged) out.changes.push_back({"release", c, "unchanged", "", false});
  }

  KA_TRY(auto preview, preview_plan(plan, root));
  for (const auto& d : plan.dirs) {
    std::string action = "unchanged";
    for (const auto& p : preview)
      if (p.path == d.path) action = to_string(p.change);
    out.changes.push_back({"dir", d.path.string(), action == "created" ? "create" : action == "updated" ? "update" : action, "", false});
  }
  KA_TRY(auto state, StateFile::load(root));
  const nlohmann::json recorded = state.find("rendered") ? *state.find("rendered") : nlohmann::json::object();
  for (const auto& f : plan.files) {
    KA_TRY(auto c, check_file(root, f.path.string(), f.content, recorded));
    PlannedChange pc{"file", f.path.string(), to_string(c.fate), "", false};
    if (c.fate != FileFate::unchanged) pc.diff = line_diff(c.current, f.content);
    if (c.fate == FileFate::unchanged) {
      // Same content: a mode or owner change still counts.
      for (const auto& p : preview)
        if (p.path == f.path && p.change != Change::unchanged) pc.action = "update";
    }
    pc.blocked = blocks(c.fate, opts.force);
    out.changes.push_back(std::move(pc));
  }

  bool kraft = spec.role != Role::zookeeper && spec.zookeeper_connect.empty();
  if (kraft && !spec.cluster_id.empty()) {
    FormatRequest freq;
    freq.version = spec.version;
    freq.cluster_id = spec.cluster_id;
    freq.kafka_home = spec.paths.kafka_home;
    freq.dynamic = opts.dynamic;
    freq.initial_controllers = opts.initial_controllers;
    freq.scram = opts.scram;  // the very command bootstrap runs (shown redacted)
    KA_TRY(auto check, check_storage(root, storage_dirs(plan.config), spec.cluster_id, spec.node_id));
    auto fp = plan_format(freq, plan.config, check);
    if (!fp.ok() && fp.error().code == Exit::refused) {
      for (const auto& d : check.dirs)
        if (d.state == DirState::foreign) out.changes.push_back({"storage", d.dir, "foreign: " + d.why, "", true});
    } else if (!fp.ok()) {
      return std::move(fp).error();
    } else {
      out.changes.push_back({"storage", "format", fp->needed ? "format: " + describe_argv(fp->argv) : "unchanged", "", false});
    }
  }

  std::string unit = "kafka.service";
  for (const auto& f : plan.files)
    if (f.path.filename() == "zookeeper.service") unit = "zookeeper.service";
  auto why = systemd_unavailable_reason(root);
  if (why.empty()) {
    Systemd sd(runner);
    KA_TRY(auto st, sd.state(unit));
    std::vector<std::string> changed;
    for (const auto& c : out.changes)
      if (c.action != "unchanged" && (c.kind == "file" || c.kind == "release")) changed.push_back(c.kind == "release" ? "/opt/kafka" : c.target);
    std::string action = !st.active() ? "start" : !units_touched_by(changed, unit).empty() ? "restart" : "unchanged";
    if (st.unit_file_state != "enabled") action = "enable, " + action;
    out.changes.push_back({"unit", unit, action, "", false});
  } else {
    out.changes.push_back({"unit", unit, "enable and start (not possible here: " + why + ")", "", false});
  }
  return out;
}

std::string plan_text(const NodePlan& p, bool show_unchanged) {
  std::string o;
  size_t n = 0;
  for (const auto& c : p.changes) {
    if (c.action == "unchanged" && !show_unchanged) continue;
    ++n;
    o += (c.blocked ? "! " : c.action == "unchanged" ? "  " : c.action.rfind("create", 0) == 0 ? "+ " : "~ ");
    o += c.kind + " " + c.target + ": " + c.action + (c.blocked ? " (bootstrap refuses unless --force)" : "") + "\n";
    if (!c.diff.empty()) {
      std::string indented;
      size_t start = 0;
      while (start < c.diff.size()) {
        auto nl = c.diff.find('\n', start);
        indented += "    " + c.diff.substr(start, nl == std::string::npos ? std::string::npos : nl - start + 1);
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
      o += indented;
    }
  }
  if (n == 0) o += "nothing to change\n";
  return o;
}

nlohmann::json plan_json(const NodePlan& p) {
  nlohmann::json j;
  j["changes"] = nlohmann::json::array();
  for (const auto& c : p.changes)
    j["changes"].push_back({{"kind", c.kind}, {"target", c.target}, {"action", c.action}, {"diff", c.diff}, {"blocked", c.blocked}});
  j["blocked"] = p.blocked();
  j["any_change"] = p.any_change();
  return j;
}

}  // namespace ka
