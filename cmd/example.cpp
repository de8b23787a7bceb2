// example: the README's first job. Renders and validates a built-in 3-controller, 3-broker
// KRaft cluster into one root per node, through exactly the path `render` takes.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "app.hpp"
#include "render/example.hpp"
#include "render/render.hpp"

namespace ka::cli {

namespace {

Status run_example(const GlobalOptions& g) {
  if (g.root.empty() || std::filesystem::weakly_canonical(g.root) == "/")
    return bad_input("example writes one tree per node under --root, and --root is " + g.root)
        .note("give a scratch directory: kafka-appliance example --root ./example-root");
  struct Planned {
    std::string name;
    RenderPlan plan;
  };
  std::vector<Planned> plans;
  // Every node is planned and validated before anything is written.
  for (const auto& node : example_cluster()) {
    KA_TRY(auto spec, build_node_spec(node.input));
    KA_TRY(auto plan, plan_render(spec));
    for (const auto& w : plan.warnings) spdlog::warn("{}: {}", node.name, w);
    plans.push_back({node.name, std::move(plan)});
  }
  int changed = 0;
  bool owners_fell_back = false;
  for (const auto& p : plans) {
    RootFs root(std::filesystem::path(g.root) / p.name);
    std::vector<AppliedChange> changes;
    if (g.dry_run) {
      KA_TRY(changes, preview_plan(p.plan, root));
    } else {
      KA_TRY(auto report, apply_plan(p.plan, root));
      owners_fell_back = owners_fell_back || !report.warnings.empty();
      changes = std::move(report.changes);
    }
    for (const auto& c : changes) {
      changed += c.change != Change::unchanged;
      if (!g.quiet) std::printf("%s%-9s %s\n", g.dry_run ? "would be " : "", to_string(c.change), root.host_path(c.path).string().c_str());
    }
  }
  // One line for the whole cluster rather than the same warning for every node.
  if (owners_fell_back)
    spdlog::warn("there is no kafka user or group under the example roots: files meant for them are owned by root");
  if (!g.quiet)
    std::printf("example cluster %s: 3 controllers + 3 brokers, Kafka %s, static quorum; %zu nodes rendered and validated under %s%s\n",
                kExampleClusterId, fetch::default_kafka_version().c_str(), plans.size(), g.root.c_str(), changed ? "" : " (nothing changed)");
  return ok_status();
}

}  // namespace

void register_example(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("example", "Render and validate a built-in example cluster (3 controllers + 3 brokers, Kafka " + fetch::default_kafka_version() + "), one root per node");
  sub->fallthrough();
  sub->footer("Writes <root>/controller-1 ... <root>/broker-103, each a node's /etc/kafka, /var/lib/kafka and units.\n\n"
              "EXAMPLE\n  kafka-appliance example --root ./example-root");
  sub->callback([&ctx] { ctx.run = [&ctx]() { return run_example(ctx.global); }; });
}

}  // namespace ka::cli
