// `plan`: what bootstrap would change, as a diff or JSON; changes nothing.
#include <cstdio>

#include "bootstrap_options.hpp"
#include "node/plan.hpp"

namespace ka::cli {

void register_plan(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("plan", "Show what bootstrap would create or change (a diff, or --json); change nothing");
  sub->fallthrough();
  auto f = std::make_shared<BootstrapFlags>();
  static bool all = false;
  add_bootstrap_options(sub, *f);
  sub->add_flag("--all", all, "Also list what is already as planned");
  use_flat_config(app);
  sub->callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Status {
      KA_TRY(auto o, finish_bootstrap_options(*f, ctx.global));
      SystemProcessRunner runner;
      KA_TRY(auto p, plan_bootstrap(o, runner));
      if (ctx.global.json) std::printf("%s\n", plan_json(p).dump(2).c_str());
      else std::printf("%s", plan_text(p, all).c_str());
      if (p.blocked())
        return Error{Exit::refused, "bootstrap would refuse: files edited by hand or foreign storage (marked '!')",
                     {"carry the change into flags or --set, or use --force for files; storage of another cluster is never formatted"}};
      return ok_status();
    };
  });
}

}  // namespace ka::cli
