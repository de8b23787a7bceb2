// The flags of `bootstrap`, shared with `plan` (which shows what bootstrap would do).
#pragma once
#include <memory>

#include "app.hpp"
#include "node/bootstrap.hpp"
#include "node/defaults.hpp"
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
  const char* rel = "Release";
  sub->add_option("--archive", o.install.archive, "Local Kafka tarball instead of downloading")->check(CLI::ExistingFile)->group(rel);
  sub->add_option("--sha512", o.install.sha512, "SHA-512 the Kafka tarball must have (default: the catalog's)")->group(rel);
  sub->add_option("--asc", o.install.asc, "Detached OpenPGP signature of --archive")->check(CLI::ExistingFile)->group(rel);
  sub->add_option("--keys", o.install.key_files, "More trusted Kafka release keys (KEYS file; repeatable)")->check(CLI::ExistingFile)->group(rel);
  sub->add_option("--java", o.install.java, "Temurin feature release (17, 21, 25), exact release, or 'system'")->capture_default_str()->group(rel);
  sub->add_option("--java-image", o.install.fetch.java_image, "jre or jdk")->check(CLI::IsMember({"jre", "jdk"}))->group(rel);
  sub->add_option("--java-archive", o.install.java_archive, "Local Temurin tarball instead of downloading")->check(CLI::ExistingFile)->group(rel);
  sub->add_option("--java-sha256", o.install.java_sha256, "SHA-256 of --java-archive")->group(rel);
  sub->add_option("--artifacts-dir", o.install.fetch.artifacts_dir, "Directory with tarballs, .sha512 and .asc put there by hand")->group(rel);
  sub->add_option("--cacert", o.install.fetch.http.cacert, "CA bundle for HTTPS (default: the system's)")->group(rel);
  sub->add_flag("--skip-install", o.skip_install, "Use the release already in /opt/kafka (a baked image)")->group(rel);
  sub->add_option("--asf-url", o.install.fetch.asf_url)->group("");
  sub->add_option("--archive-url", o.install.fetch.archive_url)->group("");
  sub->add_option("--adoptium-api-url", o.install.fetch.adoptium_api_url)->group("");
  sub->add_option("--adoptium-key-url", o.install.fetch.adoptium_key_url)->group("");
  sub->add_option("--adoptium-key", o.install.fetch.adoptium_key_file)->group("");
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
  o.install.root = g.root;
  o.install.cache_dir = g.cache_dir;
  o.install.quiet = g.quiet;
  o.install.fetch.offline = g.offline;
  o.install.fetch.mirrors = g.mirrors;
  o.wait = std::chrono::seconds(static_cast<long>(f.wait_seconds));
  if (f.dynamic == "standalone") o.dynamic = DynamicFormat::standalone;
  else if (f.dynamic == "initial-controllers") o.dynamic = DynamicFormat::initial_controllers;
  else if (f.dynamic == "no-initial-controllers") o.dynamic = DynamicFormat::no_initial_controllers;
  return o;
}

}  // namespace ka::cli
