// kafka-appliance validate: a node's config against the rules Kafka (and ZooKeeper) enforce at
// start-up and at format time, before they ever see it.
#include <cstdio>

#include "app.hpp"
#include "validate/command.hpp"

namespace ka::cli {

namespace {
struct ValidateCli {
  ValidateOptions opts;
  int myid = -1;
  bool list_rules = false;
  std::string explain;
};
}  // namespace

void register_validate(CLI::App& app, Context& ctx) {
  auto cli = std::make_shared<ValidateCli>();
  auto* sub = app.add_subcommand("validate",
                                 "Check server.properties or zookeeper.properties against Kafka's start-up and format rules");
  sub->fallthrough();
  sub->footer(
      "A file named zookeeper.properties, or one with server.N lines, is checked as ZooKeeper config\n"
      "(myid from --myid, else from <root>/<dataDir>/myid). Errors exit 2; warnings are printed and exit 0.");
  sub->add_option("--kafka-version", cli->opts.kafka_version, "Kafka version whose rules apply (3.6 to 4.x)");
  sub->add_option("files", cli->opts.files, "server.properties / zookeeper.properties files");
  sub->add_option("--myid", cli->myid, "ZooKeeper: this node's id (default: read <dataDir>/myid under --root)")
      ->check(CLI::Range(0, 255));
  sub->add_flag("--standalone", cli->opts.format.standalone, "Also check `kafka-storage.sh format --standalone`");
  sub->add_flag("--initial-controllers", cli->opts.format.initial_controllers,
                "Also check `kafka-storage.sh format --initial-controllers ...`");
  sub->add_flag("--no-initial-controllers", cli->opts.format.no_initial_controllers,
                "Also check `kafka-storage.sh format --no-initial-controllers`");
  sub->add_flag("--format", cli->opts.check_format, "Also check the format-time rules without a dynamic-quorum flag");
  sub->add_flag("--list-rules", cli->list_rules, "Print the rule table (with --json: as JSON) and exit");
  sub->add_option("--explain", cli->explain, "Print a key's type, default, valid values, importance, doc and releases, and exit");
  sub->add_flag("--strict", cli->opts.strict, "Treat warnings (unknown keys, keys of other releases) as errors");
  sub->callback([cli, &ctx] {
    ctx.run = [cli, &ctx]() -> Status {
      const bool json = ctx.global.json;
      if (!cli->explain.empty()) {
        KA_TRY(auto text, explain_key(cli->explain, cli->opts.kafka_version, json));
        std::fputs(text.c_str(), stdout);
        return ok_status();
      }
      if (cli->list_rules) {
        std::fputs(json ? rules_json().c_str() : rules_text().c_str(), stdout);
        return ok_status();
      }
      ValidateOptions opts = cli->opts;
      if (cli->myid >= 0) opts.myid = cli->myid;
      opts.check_format = opts.check_format || opts.format.standalone || opts.format.initial_controllers ||
                          opts.format.no_initial_controllers;
      KA_TRY(auto reports, validate_files(opts, ctx.global.root));
      ctx.answered = true;
      if (json)
        std::fputs(reports_json(reports).c_str(), stdout);
      else if (!ctx.global.quiet)
        std::fputs(reports_text(reports).c_str(), stdout);
      std::fflush(stdout);
      if (auto err = reports_error(reports)) return *err;
      return ok_status();
    };
  });
}

}  // namespace ka::cli
