#include "node/plan.hpp"

#include "core/state.hpp"
#include "node/appcds.hpp"
#include "node/join.hpp"
#include "node/systemd.hpp"
#include "render/drift.hpp"

namespace ka {

bool Plan::any_change() const { return ka::any_change(changes); }

namespace {

std::string unit_of(const RenderPlan& plan) {
  for (const auto& f : plan.files)
    if (f.path.filename() == "zookeeper.service") return "zookeeper.service";
  return "kafka.service";
}

Action action_of(Change c) { return c == Change::created ? Action::create : c == Change::updated ? Action::update : Action::none; }

// The release: install's own plan (install owns that answer), applied as it is by apply_bootstrap.
Status plan_release(Plan& p, Deps& deps) {
  if (p.opts.skip_install) return ok_status();
  auto io = p.opts.install;
  io.root = deps.root.root().string();
  if (io.kafka_version.empty()) io.kafka_version = p.spec.version.str();
  KA_TRY(p.install, install::plan_install(io));
  p.changes.insert(p.changes.end(), p.install->changes.begin(), p.install->changes.end());
  return ok_status();
}

// Whether the plan points /opt/kafka or /opt/java at another release.
bool switches_release(const Plan& p) {
  for (const auto& c : p.changes)
    if (c.kind == Kind::link && c.action != Action::none) return true;
  return false;
}

bool planned_dir(const Plan& p, const fs::path& dir) {
  for (const auto& c : p.changes)
    if (c.kind == Kind::dir && c.target == dir.string()) return true;
  return false;
}

// Directories and files: fate against disk and against what we recorded writing.
Status plan_files(Plan& p, Deps& deps) {
  KA_TRY(auto preview, preview_plan(p.render, deps.root));
  auto previewed = [&](const fs::path& path) {
    for (const auto& c : preview)
      if (c.path == path) return action_of(c.change);
    return Action::none;
  };
  // A directory install makes (/etc/kafka, /var/log/kafka) is planned once, as install's.
  for (const auto& d : p.render.dirs)
    if (!planned_dir(p, d.path)) p.changes.push_back({Kind::dir, d.path.string(), previewed(d.path)});
  KA_TRY(auto state, StateFile::load(deps.root));
  const nlohmann::json recorded = state.find("rendered") ? *state.find("rendered") : nlohmann::json::object();
  std::vector<FileCheck> refused;
  for (const auto& f : p.render.files) {
    KA_TRY(auto c, check_file(deps.root, f.path.string(), f.content, recorded));
    PlannedChange pc{Kind::file, f.path.string()};
    if (c.fate == FileFate::create) pc.action = Action::create;
    else if (c.fate == FileFate::unchanged) pc.action = previewed(f.path);  // same text: mode or owner may still differ
    else pc.action = Action::update;
    if (c.fate == FileFate::hand_edited || c.fate == FileFate::foreign)
      pc.why = std::string(to_string(c.fate)) + (p.opts.force ? ", overwritten (--force)" : "");
    if (c.fate != FileFate::unchanged) pc.diff = line_diff(c.current, f.content);
    pc.blocked = blocks(c.fate, p.opts.force);
    if (pc.blocked) refused.push_back(std::move(c));
    p.changes.push_back(std::move(pc));
  }
  if (!refused.empty()) p.refusal = drift_error(refused);
  return ok_status();
}

// Storage (KRaft): the exact format command, or the refusal for another cluster's storage.
Status plan_storage(Plan& p, Deps& deps) {
  if (!p.kraft) return ok_status();
  auto& freq = p.format_request;
  freq.version = p.spec.version;
  freq.cluster_id = p.spec.cluster_id;
  freq.config_path = p.spec.paths.etc_dir + "/server.properties";
  freq.kafka_home = p.spec.paths.kafka_home;
  freq.dynamic = p.opts.dynamic;
  freq.initial_controllers = p.opts.initial_controllers;
  freq.scram = p.opts.scram;
  KA_TRY(auto check, check_storage(deps.root, storage_dirs(p.render.config), p.spec.cluster_id, p.spec.node_id));
  p.fresh_storage = !check.any_formatted() && !check.any_foreign();
  const std::string meta_dir = metadata_dir(p.render.config);
  for (const auto& d : check.dirs)
    if (d.dir == meta_dir && d.meta) p.directory_id = d.meta->directory_id;
  auto fp = plan_format(freq, p.render.config, check);
  if (!fp.ok() && fp.error().code != Exit::refused) return std::move(fp).error();
  if (!fp.ok()) {
    for (const auto& d : check.dirs)
      if (d.state == DirState::foreign) p.changes.push_back({Kind::storage, d.dir, Action::none, "foreign: " + d.why, "", {}, true});
    if (!p.refusal) p.refusal = std::move(fp).error();
    return ok_status();
  }
  p.format = *fp;
  if (fp->needed) p.changes.push_back({Kind::storage, "format", Action::format, "", "", fp->argv});
  else p.changes.push_back({Kind::storage, "format", Action::none, fp->reason});
  return ok_status();
}

// A node that joins a cluster which may be running already: a broker, or a controller of a
// dynamic quorum that is not one of its initial controllers.
bool later_controller(const Plan& p) {
  return p.spec.has_controller() && p.spec.dynamic_quorum() &&
         (p.opts.dynamic == DynamicFormat::automatic || p.opts.dynamic == DynamicFormat::no_initial_controllers);
}
bool joins_running_cluster(const Plan& p) { return p.kraft && (!p.spec.has_controller() || later_controller(p)); }

std::string quorum_controllers(const NodeSpec& spec) {
  std::string out;
  for (const auto& b : spec.controller_bootstrap) out += (out.empty() ? "" : ",") + b.str();
  for (const auto& v : spec.voters) out += (out.empty() ? "" : ",") + v.endpoint.str();
  return out;
}

// Before formatting a node with no identity of its own: its node ID must not be held by another
// voter or observer of the running quorum (a node with meta.properties keeps its identity and is
// not asked: identity follows the data). No answer (a cluster being created) is no refusal.
Status plan_node_id(Plan& p, Deps& deps) {
  if (!p.fresh_storage || !joins_running_cluster(p) || !p.spec.version.at_least(3, 7)) return ok_status();
  p.quorum_controllers = quorum_controllers(p.spec);
  const std::string target = "node-id " + std::to_string(p.spec.node_id);
  // The quorum tool comes with the release: a node installed by this very run is asked by
  // apply, after install and before anything else is written.
  std::error_code ec;
  if (!p.opts.skip_install && !fs::exists(deps.root.host_path(p.spec.paths.kafka_home + "/bin/kafka-metadata-quorum.sh"), ec)) {
    p.check_node_id_after_install = true;
    p.changes.push_back({Kind::quorum, target, Action::none, "asked of the running quorum after install, before anything is written"});
    return ok_status();
  }
  return check_node_id(p, deps);
}

}  // namespace

Status check_node_id(Plan& p, Deps& deps) {
  const std::string target = "node-id " + std::to_string(p.spec.node_id);
  auto answer = ask_quorum(p.spec.paths.kafka_home, p.quorum_controllers, deps.root, *deps.runner, std::chrono::seconds(30));
  if (!answer.status) {
    p.changes.push_back({Kind::quorum, target, Action::none, "not checked: " + answer.why});
    return ok_status();
  }
  p.quorum = answer.status;
  auto holder = node_id_holder(*answer.status, p.spec.node_id);
  if (holder.empty()) {
    p.changes.push_back({Kind::quorum, target, Action::none, "used by no voter or observer of the running quorum"});
    return ok_status();
  }
  std::string why = "node ID " + std::to_string(p.spec.node_id) + " is taken by " + holder + " of the running quorum at " +
                    p.quorum_controllers;
  p.changes.push_back({Kind::quorum, target, Action::none, why, "", {}, true});
  if (!p.refusal)
    p.refusal = refuse(why + ": give this node another ID with " + p.opts.node_id_source)
                    .note("nothing was formatted; a node whose data volume holds its meta.properties keeps that identity instead")
                    .note("if that node is gone for good, remove it from the quorum first (kafka-metadata-quorum.sh remove-controller "
                          "for a controller; a broker's entry expires 5 minutes after it stopped)");
  return ok_status();
}

namespace {

// A later controller of a dynamic quorum becomes a voter once it runs: Kafka 4.2+ by itself
// (rendered controller.quorum.auto.join.enable=true), 3.9-4.1 by add-controller. Skipped for a
// node that joined before (state.json) or that the running quorum lists as a voter.
Status plan_join(Plan& p, Deps& deps) {
  if (!p.kraft || !later_controller(p)) return ok_status();
  const std::string target = "controller " + std::to_string(p.spec.node_id);
  if (p.opts.no_start) {
    p.changes.push_back({Kind::quorum, target, Action::none, "not joined: not started (--no-start)"});
    return ok_status();
  }
  p.quorum_controllers = quorum_controllers(p.spec);
  if (!p.fresh_storage && !p.directory_id.empty()) {
    KA_TRY(auto state, StateFile::load(deps.root));
    const auto* joined = state.find("joined");
    if (joined && joined->value("node_id", -1) == p.spec.node_id && joined->value("directory_id", "") == p.directory_id) {
      p.changes.push_back({Kind::quorum, target, Action::none, "a voter since it joined (state.json)"});
      return ok_status();
    }
    if (!p.quorum) p.quorum = ask_quorum(p.spec.paths.kafka_home, p.quorum_controllers, deps.root, *deps.runner, std::chrono::seconds(30)).status;
    if (p.quorum && is_voter(*p.quorum, p.spec.node_id, p.directory_id)) {
      p.changes.push_back({Kind::quorum, target, Action::none, "already a voter of the running quorum"});
      return ok_status();
    }
  }
  if (p.render.config.get_or(kAutoJoinKey, "false") == "true") {
    p.changes.push_back({Kind::quorum, target, Action::join, std::string("Kafka adds it once caught up (") + kAutoJoinKey + ")"});
    return ok_status();
  }
  p.changes.push_back({Kind::quorum, target, Action::join, "", "",
                       add_controller_argv(p.spec.paths.kafka_home, p.spec.paths.etc_dir + "/server.properties", p.quorum_controllers)});
  return ok_status();
}

// What the unit reads at start changed: its unit file, its config directory, its myid, the release.
std::vector<std::string> touching_unit(const Plan& p) {
  std::vector<std::string> out;
  const std::string etc = p.spec.paths.etc_dir + "/";
  for (const auto& c : p.changes) {
    if (c.action == Action::none) continue;
    if (c.kind == Kind::release || c.kind == Kind::link) out.push_back(c.target);
    if (c.kind == Kind::file && (c.target == "/etc/systemd/system/" + p.unit || c.target.rfind(etc, 0) == 0 ||
                                 c.target.rfind("/var/lib/zookeeper/myid", 0) == 0))
      out.push_back(c.target);
  }
  return out;
}

bool unit_file_changes(const Plan& p) {
  for (const auto& c : p.changes)
    if (c.kind == Kind::file && c.action != Action::none && c.target.size() > 8 &&
        c.target.compare(c.target.size() - 8, 8, ".service") == 0)
      return true;
  return false;
}

Status plan_units(Plan& p, Deps& deps) {
  p.unit = unit_of(p.render);
  p.systemd_unavailable = deps.systemd_unavailable ? deps.systemd_unavailable(deps.root) : systemd_unavailable_reason(deps.root);
  if (p.opts.no_start) {
    p.changes.push_back({Kind::unit, p.unit, Action::none, "not started (--no-start)"});
    return ok_status();
  }
  if (!p.systemd_unavailable.empty()) {
    p.changes.push_back({Kind::unit, p.unit, Action::start, "not possible here: " + p.systemd_unavailable});
    return ok_status();
  }
  Systemd sd(*deps.runner);
  KA_TRY(auto st, sd.state(p.unit));
  if (unit_file_changes(p)) p.changes.push_back({Kind::systemd, "daemon-reload", Action::reload, "a unit file changed"});
  if (st.unit_file_state != "enabled") p.changes.push_back({Kind::unit, p.unit, Action::enable, "it is " + st.unit_file_state});
  auto touched = touching_unit(p);
  std::string files;
  for (const auto& t : touched) files += (files.empty() ? "" : ", ") + t;
  if (!st.active() && st.active_state != "activating") p.changes.push_back({Kind::unit, p.unit, Action::start, "it is " + st.active_state});
  else if (!touched.empty()) p.changes.push_back({Kind::unit, p.unit, Action::restart, "its files changed: " + files});
  else p.changes.push_back({Kind::unit, p.unit, Action::none, "it is " + st.active_state});
  return ok_status();
}

}  // namespace

Result<Plan> plan_bootstrap(const BootstrapOptions& opts, Deps& deps) {
  Plan p;
  p.opts = opts;
  KA_TRY(p.spec, node_spec_for_this_machine(opts.node));
  p.kraft = p.spec.role != Role::zookeeper && p.spec.zookeeper_connect.empty();
  if (p.kraft && p.spec.cluster_id.empty())
    return bad_input("--cluster-id is required to bootstrap a KRaft node")
        .note("make one with `kafka-appliance cluster-id` and give the same to every node of the cluster");
  // Kafka 4.2+ joins a later controller by itself (docs/join.md says why that beats add-controller);
  // a --set of the key is the operator's choice.
  if (p.kraft && later_controller(p) && has_auto_join(p.spec.version)) {
    bool given = false;
    for (const auto& [k, v] : p.spec.overrides) given = given || k == kAutoJoinKey;
    if (!given) p.spec.overrides.emplace_back(kAutoJoinKey, "true");
  }
  KA_TRY_STATUS(plan_release(p, deps));
  // Kafka's class-data archive, when bake made one for the release and JDK the unit will run:
  // not when this run switches /opt/kafka or /opt/java (that release has none).
  if (!switches_release(p)) p.spec.class_archive = server_class_archive(deps.root, p.spec.paths.kafka_home);
  KA_TRY(p.render, plan_render(p.spec));
  KA_TRY_STATUS(plan_files(p, deps));
  KA_TRY_STATUS(plan_storage(p, deps));
  KA_TRY_STATUS(plan_node_id(p, deps));
  KA_TRY_STATUS(plan_units(p, deps));
  KA_TRY_STATUS(plan_join(p, deps));
  return p;
}

std::string plan_text(const Plan& p, bool show_unchanged) { return changes_text(p.changes, show_unchanged); }

nlohmann::json plan_json(const Plan& p) {
  nlohmann::json j;
  j["changes"] = changes_json(p.changes);
  j["blocked"] = p.blocked();
  j["any_change"] = p.any_change();
  return j;
}

}  // namespace ka
