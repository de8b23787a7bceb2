// The flags of `install`, shared with `bootstrap` and `plan` (install is one of their steps).
#pragma once
#include "app.hpp"
#include "install/install.hpp"

namespace ka::cli {

// `with_kafka_version` = false for commands whose node flags already have --kafka-version.
inline void add_install_options(CLI::App* sub, install::InstallOptions& o, bool with_kafka_version) {
  const char* g = "Release";
  sub->add_option("--archive", o.archive, "Local Kafka tarball (kafka_<scala>-<version>.tgz) instead of downloading")
      ->check(CLI::ExistingFile)
      ->group(g);
  sub->add_option("--sha512", o.sha512, "SHA-512 the Kafka tarball must have (default: the catalog's)")->group(g);
  sub->add_flag("--private-build", o.fetch.private_build,
                "Accept a private build of a catalogued version, trusted by --sha512 instead of the catalog (warns; recorded)")
      ->group(g);
  sub->add_option("--catalog", o.fetch.catalog_file,
                  "Kafka catalog file trusted instead of the built-in one (warns; recorded)")
      ->check(CLI::ExistingFile)
      ->group(g);
  sub->add_option("--adoptium-key", o.fetch.adoptium_key_file,
                  "Key file trusted for Temurin instead of the pinned Adoptium key (warns; recorded)")
      ->check(CLI::ExistingFile)
      ->group(g);
  sub->add_option("--asc", o.asc, "Detached OpenPGP signature of --archive")->check(CLI::ExistingFile)->group(g);
  sub->add_option("--keys", o.key_files, "More trusted Kafka release keys (KEYS file; repeatable)")->check(CLI::ExistingFile)->group(g);
  if (with_kafka_version)
    sub->add_option("--kafka-version", o.kafka_version, "Kafka version (default: from --archive, else the newest catalogued)")->group(g);
  sub->add_option("--java", o.java, "Temurin feature release (17, 21, 25), exact release (jdk-21.0.5+11) or 'system'")
      ->capture_default_str()
      ->group(g);
  sub->add_option("--java-image", o.fetch.java_image, "jre or jdk")->check(CLI::IsMember({"jre", "jdk"}))->capture_default_str()->group(g);
  sub->add_option("--java-archive", o.java_archive, "Local Temurin tarball instead of downloading")->check(CLI::ExistingFile)->group(g);
  sub->add_option("--java-sha256", o.java_sha256, "SHA-256 of --java-archive (from its .sha256.txt)")->group(g);
  sub->add_option("--artifacts-dir", o.fetch.artifacts_dir, "Directory with the tarballs, .sha512 and .asc put there by hand")->group(g);
  sub->add_option("--cacert", o.fetch.http.cacert, "CA bundle for HTTPS (default: the system's)")->group(g);
  sub->add_option("--max-unpacked-bytes", o.limits.max_total_bytes, "Refuse archives that unpack to more")->capture_default_str()->group(g);
  sub->add_option("--max-entries", o.limits.max_entries, "Refuse archives with more entries")->capture_default_str()->group(g);
  sub->add_option("--max-ratio", o.limits.max_ratio, "Refuse archives that expand more than this per compressed byte")
      ->capture_default_str()
      ->group(g);
  // Endpoints: test seams, hidden from --help.
  sub->add_option("--asf-url", o.fetch.asf_url)->group("");
  sub->add_option("--archive-url", o.fetch.archive_url)->group("");
  sub->add_option("--adoptium-api-url", o.fetch.adoptium_api_url)->group("");
  sub->add_option("--adoptium-key-url", o.fetch.adoptium_key_url)->group("");
}

// The global options that install needs, once parsing is done.
inline void install_options_from_globals(const GlobalOptions& g, install::InstallOptions& o) {
  o.root = g.root;
  o.cache_dir = g.cache_dir;
  o.dry_run = g.dry_run;
  o.quiet = g.quiet;
  o.fetch.offline = g.offline;
  o.fetch.mirrors = g.mirrors;
}

}  // namespace ka::cli
