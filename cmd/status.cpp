#include <cstdio>

#include "app.hpp"
#include "node/status.hpp"

namespace ka::cli {

void register_status(CLI::App& app, Context& ctx) {
  struct Opts {
    double timeout = 3;
    double serve_timeout = 15;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("status", "Show role, IDs, version, units, listeners and quorum of this node");
  sub->fallthrough();
  sub->add_option("--probe-timeout", o->timeout, "Seconds to wait for each network probe")->capture_default_str();
  sub->add_option("--quorum-timeout", o->serve_timeout,
                  "Seconds to wait for the quorum (DescribeQuorum) and for a broker's produce round trip, each")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> Status {
      const RootFs& root = ctx.deps.root;
      ProcessRunner& runner = *ctx.deps.runner;
      Systemd sd(runner);
      bool live = systemd_unavailable_reason(root).empty();
      KA_TRY(auto s, collect_status(root, kafka_env(ctx.deps), live ? &sd : nullptr,
                                    std::chrono::milliseconds(static_cast<long>(o->timeout * 1000)),
                                    std::chrono::milliseconds(static_cast<long>(o->serve_timeout * 1000))));
      ctx.answered = true;
      if (ctx.global.json) std::printf("%s\n", status_json(s).dump(2).c_str());
      else std::printf("%s", status_text(s).c_str());
      // Exit 1 when not healthy, so scripts and monitors can use it directly.
      if (!s.healthy()) return Error{Exit::failed, "node is not healthy: " + s.health.failing(), {}};
      return ok_status();
    };
  });
}

}  // namespace ka::cli
