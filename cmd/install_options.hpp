// The flags of `install`: those of `fetch` (install fetches as its first step) plus what only
// install has (local archives, unpack limits). Shared with `bootstrap` and `plan`; each flag is
// declared once, in add_fetch_options or here.
#pragma once
#include "app.hpp"
#include "fetch_options.hpp"
#include "install/install.hpp"

namespace ka::cli {

// `with_kafka_version` = false for commands whose node flags already have --kafka-version.
inline void add_install_options(CLI::App* sub, install::InstallOptions& o, bool with_kafka_version) {
  add_fetch_options(sub, o.fetch, with_kafka_version);
  const char* g = "Artifacts";
  sub->add_option("--archive", o.archive, "Local Kafka tarball (kafka_<scala>-<version>.tgz) instead of downloading")
      ->check(CLI::ExistingFile)
      ->group(g);
  sub->add_option("--asc", o.asc, "Detached OpenPGP signature of --archive")->check(CLI::ExistingFile)->group(g);
  sub->add_option("--java-archive", o.java_archive, "Local Temurin tarball instead of downloading")->check(CLI::ExistingFile)->group(g);
  sub->add_option("--java-sha256", o.java_sha256, "SHA-256 of --java-archive (from its .sha256.txt)")->group(g);
  sub->add_option("--max-unpacked-bytes", o.limits.max_total_bytes, "Refuse archives that unpack to more")->capture_default_str()->group(g);
  sub->add_option("--max-entries", o.limits.max_entries, "Refuse archives with more entries")->capture_default_str()->group(g);
  sub->add_option("--max-ratio", o.limits.max_ratio, "Refuse archives that expand more than this per compressed byte")
      ->capture_default_str()
      ->group(g);
}

// The global options that install needs, once parsing is done; the fetch flags install reads
// itself (the digest, keys, version, Java) are copied from where add_fetch_options bound them.
inline void install_options_from_globals(const GlobalOptions& g, install::InstallOptions& o) {
  fetch_options_from_globals(g, o.fetch);
  o.root = g.root;
  o.cache_dir = g.cache_dir;
  o.quiet = g.quiet;
  o.sha512 = o.fetch.sha512;
  o.key_files = o.fetch.key_files;
  if (!o.fetch.kafka_version.empty()) o.kafka_version = o.fetch.kafka_version;
  o.java = o.fetch.java;
}

}  // namespace ka::cli
