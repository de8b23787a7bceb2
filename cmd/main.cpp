// kafka-appliance: one static binary that turns a Linux VM into a Kafka node.
// main() owns argument parsing, logging set-up, error reporting and exit codes.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <iostream>

#include "app.hpp"
#include "fetch/download.hpp"
#include "fetch/http.hpp"

namespace {

const char* kDescription =
    "kafka-appliance - stand up Apache Kafka on a virtual machine\n\n"
    "Renders, validates and lays out a Kafka node (KRaft controller, broker or combined node,\n"
    "or a ZooKeeper-mode broker or ensemble member for Kafka 3.x) under --root, with hardened\n"
    "systemd units. Every flag is also a key of the TOML config file (--config) and an\n"
    "environment variable KAFKA_APPLIANCE_<FLAG> (upper case, '-' as '_').";

const char* kFooter = R"(EXAMPLES
  Print a new cluster ID:
      kafka-appliance cluster-id
  Render a controller of a 3-node static quorum into a scratch root:
      kafka-appliance render --root /tmp/r --role controller --node-id 1 \
          --cluster-id $(kafka-appliance cluster-id) \
          --controller 1@10.0.1.11:9093 --controller 2@10.0.1.12:9093 --controller 3@10.0.1.13:9093
  Check a hand-written server.properties against Kafka 3.9's start-up rules:
      kafka-appliance validate --kafka-version 3.9.1 /etc/kafka/server.properties

FILES
  /etc/kafka-appliance/appliance.toml   default config file (flags as keys: role = "broker")
  /etc/kafka/                           server.properties or zookeeper.properties, logging, jvm.env
  /etc/systemd/system/kafka.service     the rendered units

EXIT STATUS
  0 done; 1 failed; 2 bad usage or input (nothing written); 3 refused to protect data.

Run 'kafka-appliance COMMAND --help' for a command's own options.)";

std::string env_name(const std::string& long_name) {
  std::string n = "KAFKA_APPLIANCE_";
  for (char c : long_name) n += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return n;
}

// Every long option gets its KAFKA_APPLIANCE_* environment variable (k3s-style).
void add_env_names(CLI::App* app) {
  for (CLI::Option* opt : app->get_options()) {
    const auto& lnames = opt->get_lnames();
    if (lnames.empty() || lnames[0] == "help" || lnames[0] == "help-all" || lnames[0] == "version" || lnames[0] == "config") continue;
    if (opt->get_envname().empty()) opt->envname(env_name(lnames[0]));
  }
  for (CLI::App* sub : app->get_subcommands({})) add_env_names(sub);
}

const char* code_name(ka::Exit c) {
  switch (c) {
    case ka::Exit::ok: return "ok";
    case ka::Exit::failed: return "failed";
    case ka::Exit::usage: return "usage";
    case ka::Exit::refused: return "refused";
  }
  return "failed";
}

// One error line plus notes on stderr, always (people and logs read it); with --json also one
// JSON document on stdout, unless the command already printed its JSON answer there.
void print_error(const ka::Error& e, bool json) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  for (const auto& n : e.notes) std::fprintf(stderr, "  note: %s\n", n.c_str());
  if (json) {
    nlohmann::json j{{"error", {{"code", code_name(e.code)}, {"exit", static_cast<int>(e.code)}, {"message", e.message}, {"notes", e.notes}}}};
    std::printf("%s\n", j.dump(2).c_str());
  }
}

// The side effects every command may use, made once (DESIGN.md §7.2).
struct RealDeps {
  ka::SystemProcessRunner runner;
  ka::SystemClock clock;
  std::unique_ptr<ka::fetch::Http> http;
  std::unique_ptr<ka::fetch::Progress> progress;

  void wire(ka::Deps& d, const ka::cli::GlobalOptions& g, std::shared_ptr<spdlog::logger> log) {
    d.root = ka::RootFs(g.root);
    d.runner = &runner;
    d.clock = &clock;
    d.log = std::move(log);
    progress = ka::fetch::make_progress(isatty(STDERR_FILENO) != 0, g.quiet);
    d.progress = progress.get();
    d.http = [this](const ka::fetch::HttpSettings& s) {
      if (!http) http = ka::fetch::make_http(s);
      return http.get();
    };
  }
};

}  // namespace

int main(int argc, char** argv) {
  using namespace ka;
  // Whatever umask the caller has (000 in some provisioning shells), nothing we create is ever
  // group- or world-writable, not even between a mkdir and its chmod.
  ::umask(022);
  cli::Context ctx;
  CLI::App app{kDescription, "kafka-appliance"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is an error, not ignored
  app.get_formatter()->column_width(36);
  app.set_version_flag("--version", std::string("kafka-appliance ") + KA_VERSION, "Print the version and exit");
  app.set_config("--config", ctx.global.config, "TOML config file; every flag is a key", false)
;
  auto& g = ctx.global;
  app.add_option("--root", g.root, "Directory every target path is under")->capture_default_str();
  app.add_option("--cache-dir", g.cache_dir, "Download cache (under --root)")->capture_default_str();
  app.add_flag("--offline", g.offline, "Never use the network: only the cache");
  app.add_option("--mirror", g.mirrors, "Mirror URL to try before the ASF (repeatable)");
  app.add_option("--log-level", g.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_flag("--json", g.json, "Machine-readable output");
  app.add_flag("-q,--quiet", g.quiet, "Only errors");
  app.add_flag("--dry-run", g.dry_run, "Show what would change, change nothing");

  for (auto* add : {cli::register_cluster_id, cli::register_render, cli::register_example, cli::register_validate,
                    cli::register_fetch, cli::register_install, cli::register_format, cli::register_bootstrap,
                    cli::register_plan, cli::register_status, cli::register_safe_to_stop, cli::register_firstboot, cli::register_bake})
    add(app, ctx);
  add_env_names(&app);

  // An explicit --config that is missing gets CLI11's ExistingFile check (exit 2);
  // the default file may be absent.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(Exit::usage);
  }

  auto logger = spdlog::stderr_color_mt("ka");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern(isatty(STDERR_FILENO) ? "%^%l%$: %v" : "%l: %v");
  spdlog::set_level(g.quiet ? spdlog::level::err : spdlog::level::from_str(g.log_level));

  RealDeps real;
  real.wire(ctx.deps, g, logger);

  if (!ctx.run) return static_cast<int>(Exit::usage);
  // Errors are values; an exception that still gets here (a library's, a bug of ours) becomes
  // one error line and exit 1, never std::terminate's abort and core dump.
  Status st = ok_status();
  try {
    st = ctx.run();
  } catch (const std::exception& e) {
    st = fail(std::string("internal error: ") + e.what()).note("this is a bug of kafka-appliance; please report it with the command line");
  } catch (...) {
    st = fail("internal error: an unknown exception").note("this is a bug of kafka-appliance; please report it with the command line");
  }
  if (!st.ok()) {
    print_error(st.error(), g.json && !ctx.answered);
    return static_cast<int>(st.error().code);
  }
  return 0;
}
