#include <cstdio>

#include "app.hpp"
#include "fetch/catalog.hpp"
#include "fetch_options.hpp"

namespace ka::cli {

void add_fetch_options(CLI::App* sub, fetch::FetchOptions& o, bool with_kafka_version) {
  const std::string what = "Artifacts";
  if (with_kafka_version)
    sub->add_option("--kafka-version", o.kafka_version,
                    "Kafka release (default: the newest catalogued, " + fetch::default_kafka_version() + ")")
        ->group(what);
  sub->add_option("--sha512", o.sha512, "Pin the SHA-512 of an uncatalogued Kafka build (with --private-build: of any build)")->group(what);
  sub->add_flag("--private-build", o.private_build,
                "Accept a private build of a catalogued version, trusted by --sha512 instead of the catalog (warns; recorded)")
      ->group(what);
  sub->add_option("--catalog", o.catalog_file,
                  "Kafka catalog file (VERSION SCALA METADATA SHA512 lines) trusted instead of the built-in one (warns; recorded)")
      ->check(CLI::ExistingFile)
      ->group(what);
  sub->add_option("--keys", o.key_files, "Armored key file of more trusted Kafka signers (repeatable)")
      ->check(CLI::ExistingFile)
      ->group(what);
  sub->add_option("--artifacts-dir", o.artifacts_dir,
                  "Directory with the tarball, .sha512 and .asc (air-gapped installs); tried first")
      ->group(what);
  sub->add_option("--java", o.java, "Temurin feature release 17|21|25, a release name (jdk-21.0.5+11), or system")
      ->capture_default_str()
      ->group(what);
  sub->add_option("--java-image", o.java_image, "jre or jdk")->check(CLI::IsMember({"jre", "jdk"}))->capture_default_str()->group(what);
  sub->add_option("--arch", o.arch, "x86_64|aarch64 (default: this machine's)")->group(what);
  sub->add_option("--adoptium-key", o.adoptium_key_file,
                  "Key file trusted for Temurin instead of the pinned Adoptium key (warns; recorded); default: the pinned key")
      ->check(CLI::ExistingFile)
      ->group(what);
  sub->add_flag("--refresh", o.refresh, "Resolve the latest Temurin again instead of reusing the cached resolution")->group(what);
  sub->add_option("--cacert", o.http.cacert, "CA bundle for HTTPS (default: SSL_CERT_FILE, then the distribution's)")->group(what);
  // Endpoints and timeouts: for tests (a local server) and unusual networks; hidden from --help.
  sub->add_option("--asf-url", o.asf_url, "ASF downloads root")->group("");
  sub->add_option("--archive-url", o.archive_url, "ASF archive root")->group("");
  sub->add_option("--adoptium-api-url", o.adoptium_api_url, "Adoptium API root")->group("");
  sub->add_option("--adoptium-key-url", o.adoptium_key_url, "URL of the Adoptium public key")->group("");
  sub->add_option("--stall-timeout", o.http.stall_timeout_s, "Seconds under 1 KiB/s before a try is abandoned")
      ->check(CLI::Range(1, 3600))
      ->group("");
  sub->add_option("--connect-timeout", o.http.connect_timeout_s, "Seconds to connect")->check(CLI::Range(1, 600))->group("");
}

void fetch_options_from_globals(const GlobalOptions& g, fetch::FetchOptions& o) {
  o.root = g.root;
  o.cache_dir = g.cache_dir;
  o.offline = g.offline;
  o.mirrors = g.mirrors;
}

void register_fetch(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("fetch",
                                 "Resolve, download and verify Kafka and Temurin into the cache; print the cached paths");
  sub->fallthrough();
  auto opts = std::make_shared<fetch::FetchOptions>();
  add_fetch_options(sub, *opts);
  sub->footer(
      "Kafka is checked against the SHA-512 pinned in the catalog (or --sha512) and its .asc against the\n"
      "pinned Apache KEYS; Temurin against the Adoptium API's SHA-256, its .sha256.txt and its .sig.\n"
      "A second run uses the cache without the network, checking digest and signature again.\n"
      "--catalog, --private-build, --keys and --adoptium-key change what is trusted: each warns. See docs/fetch.md.");
  sub->callback([&ctx, opts] {
    ctx.run = [&ctx, opts]() -> Status {
      fetch::FetchOptions o = *opts;
      fetch_options_from_globals(ctx.global, o);
      KA_TRY(auto env, fetch::download_env(ctx.deps, o.http));
      KA_TRY(auto r, fetch::run_fetch(o, env));
      std::fputs(fetch::format_fetch_result(r, ctx.global.json).c_str(), stdout);
      return ok_status();
    };
  });
}

}  // namespace ka::cli
