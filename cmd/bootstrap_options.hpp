// The flags of `bootstrap`, shared with `plan` (which shows what bootstrap would do).
#pragma once
#include <memory>

#include "app.hpp"
#include "node/bootstrap.hpp"
#include "node/defaults.hpp"
#include "install_options.hpp"
#include "node_options.hpp"

namespace ka::cli {

struct BootstrapFlags {
  BootstrapOptions opts;
  std::string dynamic;  // standalone | initial-controllers | no-initial-controllers
  double wait_seconds = 180;
};

inline void add_bootstrap_options(CLI::App* sub, BootstrapFlags& f) {
  add_node_options(sub, f.opts.node);
  auto& o = f.opts;
  add_install_options(sub, o.install, /*with_kafka_version=*/false);
  sub->add_flag("--skip-install", o.skip_install, "Use the release already in /opt/kafka (a baked image)")->group("Release");
  const char* st = "Storage and start";
  sub->add_option("--format-mode", f.dynamic,
                  "Dynamic quorum only: standalone (the first controller), initial-controllers (all at once, with --initial-controller) "
                  "or no-initial-controllers (join a running quorum)")
      ->check(CLI::IsMember({"standalone", "initial-controllers", "no-initial-controllers"}))
      ->group(st);
  sub->add_option("--initial-controller", o.initial_controllers, "ID@HOST:PORT of each initial controller (repeatable) for --format-mode initial-controllers")
      ->delimiter(',')
      ->group(st);
  sub->add_option("--add-scram", o.scram, "SCRAM credential for kafka-storage.sh format --add-scram (repeatable)")->group(st);
  sub->add_flag("--force", o.force, "Overwrite files that were edited by hand since kafka-appliance wrote them")->group(st);
  sub->add_flag("--no-start", o.no_start, "Stop after formatting: do not enable or start the units")->group(st);
  sub->add_option("--wait", f.wait_seconds, "Seconds to wait for the node to become healthy")->capture_default_str()->group(st);
}

// Global options into the bootstrap options, once parsing is done. With no node flags at all,
// the built-in default: a single combined node on this machine.
inline Result<BootstrapOptions> finish_bootstrap_options(const BootstrapFlags& f, const GlobalOptions& g) {
  BootstrapOptions o = f.opts;
  if (is_default_node(o.node)) KA_TRY_STATUS(apply_single_node_defaults(o.node, RootFs(g.root)));
  o.root = g.root;
  o.dry_run = g.dry_run;
  install_options_from_globals(g, o.install);
  o.wait = std::chrono::seconds(static_cast<long>(f.wait_seconds));
  if (f.dynamic == "standalone") o.dynamic = DynamicFormat::standalone;
  else if (f.dynamic == "initial-controllers") o.dynamic = DynamicFormat::initial_controllers;
  else if (f.dynamic == "no-initial-controllers") o.dynamic = DynamicFormat::no_initial_controllers;
  return o;
}

}  // namespace ka::cli
