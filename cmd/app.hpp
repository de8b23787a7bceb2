// The command-line layer: thin commands over the core library (DESIGN.md §7.1). Each command
// registers itself on the CLI::App, parses into a plain options struct, and runs through
// Context::run, which main() calls after parsing; nothing below main() exits.
#pragma once
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/deps.hpp"
#include "core/result.hpp"

namespace ka::cli {

struct GlobalOptions {
  std::string root = "/";
  std::string config = "/etc/kafka-appliance/appliance.toml";
  std::string cache_dir = "/var/cache/kafka-appliance";
  bool offline = false;
  std::vector<std::string> mirrors;
  std::string log_level = "info";
  bool json = false;
  bool quiet = false;
  bool dry_run = false;
};

struct Context {
  GlobalOptions global;
  Deps deps;  // built by main() once the global options are parsed
  std::function<Status()> run;  // set by the subcommand that was chosen
  // The command printed its --json answer before failing (status, validate, plan): main then
  // does not add a second JSON document (the error) to stdout.
  bool answered = false;
};

// One per command; each lives in cmd/<name>.cpp.
// A command that does not work yet registers nothing ("only commands that work are registered").
void register_cluster_id(CLI::App& app, Context& ctx);
void register_render(CLI::App& app, Context& ctx);
void register_example(CLI::App& app, Context& ctx);
void register_validate(CLI::App& app, Context& ctx);
void register_fetch(CLI::App& app, Context& ctx);
void register_install(CLI::App& app, Context& ctx);
void register_format(CLI::App& app, Context& ctx);
void register_bootstrap(CLI::App& app, Context& ctx);
void register_plan(CLI::App& app, Context& ctx);
void register_status(CLI::App& app, Context& ctx);
void register_safe_to_stop(CLI::App& app, Context& ctx);
void register_firstboot(CLI::App& app, Context& ctx);  // and register_bake: cmd/firstboot.cpp
void register_bake(CLI::App& app, Context& ctx);

}  // namespace ka::cli
