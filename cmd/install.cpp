// `install`: unpack Kafka (and Temurin) into /opt, switch /opt/kafka and /opt/java, create the
// kafka user and the directories. Thin: parses into InstallOptions, plans, and prints the plan
// (--dry-run) or applies it.
#include <cstdio>

#include "app.hpp"
#include "install/install.hpp"
#include "install_options.hpp"

namespace ka::cli {

// The end of `install --help`.
constexpr const char* kInstallFooter = R"(EXAMPLES
  A local tarball, checked against its SHA-512 (and signature):
      kafka-appliance install --archive kafka_2.13-3.9.1.tgz --sha512 <hex> --asc kafka_2.13-3.9.1.tgz.asc --java system
  Download, verify and unpack in one pass (the catalog's newest Kafka, Temurin 21):
      kafka-appliance install

A second run with the same inputs changes nothing. Older releases stay in /opt for rollback.)";

void register_install(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("install",
                                 "Unpack Kafka and Temurin into /opt (verified, atomic), create the kafka user and directories");
  sub->fallthrough();
  sub->footer(kInstallFooter);
  auto opts = std::make_shared<install::InstallOptions>();
  auto& o = *opts;
  add_install_options(sub, o, /*with_kafka_version=*/true);

  sub->callback([&ctx, opts] {
    ctx.run = [&ctx, opts]() -> Status {
      auto o = *opts;
      const auto& g = ctx.global;
      install_options_from_globals(g, o);
      KA_TRY(auto plan, install::plan_install(o));
      if (g.dry_run) {  // the plan apply_install would carry out
        std::fputs(install::format_install_plan(plan, g.json).c_str(), stdout);
        return ok_status();
      }
      KA_TRY(auto report, install::apply_install(plan, ctx.deps));
      for (auto& w : report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
      if (!g.quiet || g.json) std::fputs(install::format_install_report(report, g.json).c_str(), stdout);
      return ok_status();
    };
  });
}

}  // namespace ka::cli
