// `plan`: what bootstrap would change, as a diff or JSON; changes nothing.
#include <cstdio>

#include "bootstrap_options.hpp"

namespace ka::cli {

void register_plan(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("plan", "Show what bootstrap would create or change (a diff, or --json); change nothing");
  sub->fallthrough();
  auto f = std::make_shared<BootstrapFlags>();
  auto all = std::make_shared<bool>(false);
  add_bootstrap_options(sub, *f);
  sub->add_flag("--all", *all, "Also list what is already as planned");
  use_flat_config(app);
  sub->callback([&ctx, f, all] {
    ctx.run = [&ctx, f, all]() -> Status {
      KA_TRY(auto o, finish_bootstrap_options(*f, ctx.global));
      KA_TRY(auto p, plan_bootstrap(o, ctx.deps));
      ctx.answered = true;
      return show_plan(p, ctx.global, *all);
    };
  });
}

}  // namespace ka::cli
