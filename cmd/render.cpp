// render: this node's Kafka (or ZooKeeper) config, logging config, JVM environment and systemd
// units under --root, after the same checks `validate` runs.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "app.hpp"
#include "node_options.hpp"
#include "core/state.hpp"
#include "node/appcds.hpp"
#include "render/drift.hpp"
#include "render/render.hpp"

namespace ka::cli {

namespace {

Status run_render_command(const NodeInput& in, bool force, const GlobalOptions& g) {
  KA_TRY(auto spec, node_spec_for_this_machine(in));
  RootFs root(g.root);
  spec.class_archive = server_class_archive(root, spec.paths.kafka_home);  // as bootstrap renders it
  KA_TRY(auto plan, plan_render(spec));
  std::vector<std::string> warnings = plan.warnings;
  // The rule of bootstrap: a file a person changed since we wrote it (or one we never wrote) is
  // shown and refused, dry run included, unless --force.
  KA_TRY(auto state, StateFile::load(root));
  KA_TRY_STATUS(check_drift(root, plan.files, state, force));
  std::vector<AppliedChange> changes;
  if (g.dry_run) {
    KA_TRY(changes, preview_plan(plan, root));
  } else {
    KA_TRY(auto report, apply_plan(plan, root));
    warnings.insert(warnings.end(), report.warnings.begin(), report.warnings.end());
    changes = std::move(report.changes);
    record_rendered(state, plan.files);
    KA_TRY_STATUS(state.save(root));
  }
  for (const auto& w : warnings) spdlog::warn("{}", w);
  int created = 0, updated = 0, unchanged = 0;
  for (const auto& c : changes) (c.change == Change::created ? created : c.change == Change::updated ? updated : unchanged)++;
  if (g.json) {
    nlohmann::json j;
    j["node"] = plan.node;
    j["dry_run"] = g.dry_run;
    j["changes"] = nlohmann::json::array();
    for (const auto& c : changes) j["changes"].push_back({{"path", c.path.string()}, {"change", to_string(c.change)}});
    j["warnings"] = warnings;
    std::printf("%s\n", j.dump(2).c_str());
    return ok_status();
  }
  if (!g.quiet) {
    const char* verb = g.dry_run ? "would be " : "";
    for (const auto& c : changes) std::printf("%s%-9s %s\n", verb, to_string(c.change), c.path.string().c_str());
    if (created + updated == 0)
      std::printf("%s: nothing %s: all %zu paths are already as rendered\n", plan.node.c_str(), g.dry_run ? "would change" : "changed", changes.size());
    else
      std::printf("%s: %d %screated, %d %supdated, %d unchanged\n", plan.node.c_str(), created, verb, updated, verb, unchanged);
  }
  return ok_status();
}

}  // namespace

void register_render(CLI::App& app, Context& ctx) {
  use_flat_config(app);
  auto in = std::make_shared<NodeInput>();
  auto* sub = app.add_subcommand("render", "Write this node's Kafka config, logging config, JVM environment and systemd units");
  sub->fallthrough();
  sub->footer(
      "Every check of 'validate' runs first: on any error nothing is written (exit 2).\n"
      "A second identical render changes nothing and says so.\n"
      "A file changed by hand since render or bootstrap wrote it, or one they never wrote, is shown\n"
      "and kept (exit 3, nothing written) unless --force; what was written is recorded in\n"
      "/var/lib/kafka-appliance/state.json.\n\n"
      "EXAMPLES\n"
      "  kafka-appliance render --root /tmp/r --role controller --node-id 1 \\\n"
      "      --controller 1@10.0.1.11:9093 --controller 2@10.0.1.12:9093 --controller 3@10.0.1.13:9093\n"
      "  kafka-appliance render --role broker --node-id 101 --controller 1@10.0.1.11:9093,2@10.0.1.12:9093,3@10.0.1.13:9093 \\\n"
      "      --advertise PLAINTEXT://10.0.2.21:9092 --rack eu-west-1a\n"
      "  kafka-appliance render --kafka-version 3.9.1 --role zookeeper --node-id 1 \\\n"
      "      --zookeeper-server 1@10.0.3.11:2888:3888 --zookeeper-server 2@10.0.3.12:2888:3888 --zookeeper-server 3@10.0.3.13:2888:3888");
  add_node_options(sub, *in);
  auto force = std::make_shared<bool>(false);
  sub->add_flag("--force", *force, "Overwrite files changed by hand (or not written by kafka-appliance)");
  sub->callback([&ctx, in, force] { ctx.run = [&ctx, in, force]() { return run_render_command(*in, *force, ctx.global); }; });
}

}  // namespace ka::cli
