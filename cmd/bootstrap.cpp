// `bootstrap`: a fresh host to a healthy Kafka node in one command.
#include <cstdio>

#include "bootstrap_options.hpp"

namespace ka::cli {

void register_bootstrap(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("bootstrap",
                                 "Fetch, install, render, validate, format, start and health-check this node in one step");
  sub->fallthrough();
  sub->footer(R"(EXAMPLES
  A controller of a three-node static quorum:
      kafka-appliance bootstrap --role controller --node-id 1 --cluster-id <id> \
          --controller 1@10.0.1.11:9093 --controller 2@10.0.1.12:9093 --controller 3@10.0.1.13:9093
  A broker of that cluster:
      kafka-appliance bootstrap --role broker --node-id 101 --cluster-id <id> --controller ... \
          --advertise INTERNAL://10.0.2.21:9092

A converged re-run changes nothing and restarts nothing. Files edited by hand since
kafka-appliance wrote them are not overwritten (exit 3) unless --force; storage of another
cluster or node is never formatted (exit 3).)");
  auto f = std::make_shared<BootstrapFlags>();
  add_bootstrap_options(sub, *f);
  use_flat_config(app);
  sub->callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Status {
      KA_TRY(auto o, finish_bootstrap_options(*f, ctx.global));
      if (ctx.global.dry_run) {  // --dry-run: the plan bootstrap would carry out
        KA_TRY(auto p, plan_bootstrap(o, ctx.deps));
        ctx.answered = true;
        return show_plan(p, ctx.global, false);
      }
      KA_TRY(auto r, run_bootstrap(o, ctx.deps));
      if (ctx.global.json) std::printf("%s\n", bootstrap_json(r).dump(2).c_str());
      else if (!ctx.global.quiet) std::printf("%s", bootstrap_text(r).c_str());
      return ok_status();
    };
  });
}

}  // namespace ka::cli
