// `format`: format this node's storage with the cluster ID, as its rendered server.properties
// says; nothing to do when already formatted with the same IDs; exit 3 for another cluster's.
#include <cstdio>

#include "app.hpp"
#include "format_options.hpp"
#include "node/format.hpp"
#include "node_options.hpp"
#include "render/node_spec.hpp"

namespace ka::cli {

void register_format(CLI::App& app, Context& ctx) {
  struct Flags {
    std::string cluster_id, kafka_version = fetch::default_kafka_version();
    FormatRequest request;
  };
  auto f = std::make_shared<Flags>();
  auto* sub = app.add_subcommand("format", "Format storage with the cluster ID (kafka-storage.sh format), never over another cluster's data");
  sub->fallthrough();
  sub->add_option("--cluster-id", f->cluster_id, "Cluster ID (see 'kafka-appliance cluster-id')")->required();
  sub->add_option("--kafka-version", f->kafka_version, "Kafka version of /opt/kafka")->capture_default_str();
  add_format_options(sub, f->request, "");
  use_flat_config(app);
  sub->callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Status {
      FormatRequest r = f->request;
      KA_TRY(r.version, KafkaVersion::parse(f->kafka_version));
      r.cluster_id = f->cluster_id;
      KA_TRY(auto p, run_format(r, ctx.deps.root, *ctx.deps.runner, ctx.global.dry_run));
      if (!ctx.global.quiet) {
        if (!p.needed) std::printf("nothing to do: %s\n", p.reason.c_str());
        else if (ctx.global.dry_run) std::printf("would run: %s\n", describe_argv(p.argv).c_str());
        else std::printf("formatted %zu directories (%s)\n", p.dirs.size(), p.reason.c_str());
      }
      return ok_status();
    };
  });
}

}  // namespace ka::cli
