#include <cstdio>

#include "app.hpp"
#include "core/cluster_id.hpp"

namespace ka::cli {

void register_cluster_id(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("cluster-id", "Print a new cluster ID (Kafka's format: 22 base64url characters)");
  sub->fallthrough();
  sub->callback([&ctx] {
    ctx.run = []() -> Status {
      KA_TRY(auto id, new_cluster_id());
      std::printf("%s\n", id.c_str());
      return ok_status();
    };
  });
}

}  // namespace ka::cli
