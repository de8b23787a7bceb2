// The flags of `bootstrap`, shared with `plan` (which shows what bootstrap would do), and the
// groups of them that `bake` and `firstboot` take: fetch ⊂ install ⊂ release ⊂ bootstrap, with
// start shared by bootstrap and firstboot. Each flag is declared once, with its one validation.
#pragma once
#include <cstdio>
#include <memory>

#include "app.hpp"
#include "node/bootstrap.hpp"
#include "node/defaults.hpp"
#include "node/plan.hpp"
#include "format_options.hpp"
#include "install_options.hpp"
#include "node_options.hpp"

namespace ka::cli {

// --no-start and --wait: what happens after formatting (bootstrap, firstboot).
struct StartFlags {
  bool no_start = false;
  double wait_seconds = 180;
};

inline void add_start_options(CLI::App* sub, StartFlags& f, const std::string& group) {
  sub->add_flag("--no-start", f.no_start, "Stop after formatting: do not enable or start the units")->group(group);
  sub->add_option("--wait", f.wait_seconds, "Seconds to wait for the node to become healthy")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group(group);
}

inline void finish_start_options(const StartFlags& f, BootstrapOptions& o) {
  o.no_start = f.no_start;
  o.wait = std::chrono::seconds(static_cast<long>(f.wait_seconds));
}

// The release: install's flags (fetch's among them) and --skip-install (bootstrap, bake,
// firstboot). `with_kafka_version` = false where the version comes from elsewhere (the node
// flags, the image).
inline void add_release_options(CLI::App* sub, install::InstallOptions& o, bool& skip_install, bool with_kafka_version) {
  add_install_options(sub, o, with_kafka_version);
  sub->add_flag("--skip-install", skip_install, "Use the release already in /opt/kafka (a baked image)")->group("Release");
}

struct BootstrapFlags {
  BootstrapOptions opts;
  FormatRequest format;  // --format-mode, --initial-controller, --add-scram
  StartFlags start;
};

inline void add_bootstrap_options(CLI::App* sub, BootstrapFlags& f) {
  add_node_options(sub, f.opts.node);
  auto& o = f.opts;
  add_release_options(sub, o.install, o.skip_install, /*with_kafka_version=*/false);
  const char* st = "Storage and start";
  add_format_options(sub, f.format, st);
  sub->add_flag("--force", o.force, "Overwrite files that were edited by hand since kafka-appliance wrote them")->group(st);
  add_start_options(sub, f.start, st);
}

// Global options into the bootstrap options, once parsing is done. With no node flags at all,
// the built-in default: a single combined node on this machine.
inline Result<BootstrapOptions> finish_bootstrap_options(const BootstrapFlags& f, const GlobalOptions& g) {
  BootstrapOptions o = f.opts;
  if (is_default_node(o.node)) KA_TRY_STATUS(apply_single_node_defaults(o.node, RootFs(g.root)));
  install_options_from_globals(g, o.install);
  finish_start_options(f.start, o);
  o.dynamic = f.format.dynamic;
  o.initial_controllers = f.format.initial_controllers;
  o.scram = f.format.scram;
  return o;
}

// `plan` and `bootstrap --dry-run`: the plan as a diff or JSON; exit 3 when bootstrap would refuse.
inline Status show_plan(const Plan& p, const GlobalOptions& g, bool all) {
  if (g.json) std::printf("%s\n", plan_json(p).dump(2).c_str());
  else std::printf("%s", plan_text(p, all).c_str());
  if (p.blocked())
    return Error{Exit::refused, "bootstrap would refuse: files edited by hand or foreign storage (marked '!')",
                 {"carry the change into flags or --set, or use --force for files; storage of another cluster is never formatted"}};
  return ok_status();
}

}  // namespace ka::cli
