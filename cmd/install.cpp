// `install`: unpack Kafka (and Temurin) into /opt, switch /opt/kafka and /opt/java, create the
// kafka user and the directories. Thin: parses into InstallOptions and calls run_install.
#include <cstdio>

#include "app.hpp"
#include "install/install.hpp"

namespace ka::cli {

void register_install(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("install",
                                 "Unpack Kafka and Temurin into /opt (verified, atomic), create the kafka user and directories");
  sub->fallthrough();
  sub->footer(R"(EXAMPLES
  A local tarball, checked against its SHA-512 (and signature):
      kafka-appliance install --archive kafka_2.13-3.9.1.tgz --sha512 <hex> --asc kafka_2.13-3.9.1.tgz.asc --java system
  Download, verify and unpack in one pass (the catalog's newest Kafka, Temurin 21):
      kafka-appliance install

A second run with the same inputs changes nothing. Older releases stay in /opt for rollback.)");
  auto opts = std::make_shared<install::InstallOptions>();
  auto& o = *opts;
  sub->add_option("--archive", o.archive, "Local Kafka tarball (kafka_<scala>-<version>.tgz) instead of downloading")
      ->check(CLI::ExistingFile);
  sub->add_option("--sha512", o.sha512, "SHA-512 the Kafka tarball must have (default: the catalog's)");
  sub->add_option("--asc", o.asc, "Detached OpenPGP signature of --archive")->check(CLI::ExistingFile);
  sub->add_option("--keys", o.key_files, "More trusted Kafka release keys (KEYS file; repeatable)")->check(CLI::ExistingFile);
  sub->add_option("--kafka-version", o.kafka_version, "Kafka version (default: from --archive, else the newest catalogued)");
  sub->add_option("--java", o.java, "Temurin feature release (17, 21, 25), exact release (jdk-21.0.5+11) or 'system'")
      ->capture_default_str();
  sub->add_option("--java-image", o.fetch.java_image, "jre or jdk")->check(CLI::IsMember({"jre", "jdk"}))->capture_default_str();
  sub->add_option("--java-archive", o.java_archive, "Local Temurin tarball instead of downloading")->check(CLI::ExistingFile);
  sub->add_option("--java-sha256", o.java_sha256, "SHA-256 of --java-archive (from its .sha256.txt)");
  sub->add_option("--artifacts-dir", o.fetch.artifacts_dir, "Directory with the tarballs, .sha512 and .asc put there by hand");
  sub->add_option("--cacert", o.fetch.http.cacert, "CA bundle for HTTPS (default: the system's)");
  sub->add_option("--max-unpacked-bytes", o.limits.max_total_bytes, "Refuse archives that unpack to more")->capture_default_str();
  sub->add_option("--max-entries", o.limits.max_entries, "Refuse archives with more entries")->capture_default_str();
  sub->add_option("--max-ratio", o.limits.max_ratio, "Refuse archives that expand more than this per compressed byte")
      ->capture_default_str();
  // Endpoints: test seams, hidden from --help.
  sub->add_option("--asf-url", o.fetch.asf_url)->group("");
  sub->add_option("--archive-url", o.fetch.archive_url)->group("");
  sub->add_option("--adoptium-api-url", o.fetch.adoptium_api_url)->group("");
  sub->add_option("--adoptium-key-url", o.fetch.adoptium_key_url)->group("");
  sub->add_option("--adoptium-key", o.fetch.adoptium_key_file)->group("");

  sub->callback([&ctx, opts] {
    ctx.run = [&ctx, opts]() -> Status {
      auto o = *opts;
      const auto& g = ctx.global;
      o.root = g.root;
      o.cache_dir = g.cache_dir;
      o.dry_run = g.dry_run;
      o.quiet = g.quiet;
      o.fetch.offline = g.offline;
      o.fetch.mirrors = g.mirrors;
      o.fetch.java_image = opts->fetch.java_image;
      SystemProcessRunner runner;
      KA_TRY(auto report, install::run_install(o, runner));
      for (auto& w : report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
      if (!g.quiet || g.json) std::fputs(install::format_install_report(report, g.json).c_str(), stdout);
      return ok_status();
    };
  });
}

}  // namespace ka::cli
