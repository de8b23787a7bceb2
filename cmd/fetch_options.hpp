// The options of `fetch`, shared with the commands that fetch as one of their steps (install,
// bootstrap, bake): add_fetch_options() on their subcommand, then fetch_options_from_globals()
// when the command runs.
#pragma once
#include "app.hpp"
#include "fetch/fetch.hpp"

namespace ka::cli {

// --kafka-version, --sha512, --private-build, --catalog, --keys, --artifacts-dir, --java,
// --java-image, --arch, --cacert, --adoptium-key, --refresh, and the hidden endpoint options
// tests use (--asf-url, ...).
// `with_kafka_version` = false for a command that already has its own --kafka-version.
void add_fetch_options(CLI::App* sub, fetch::FetchOptions& o, bool with_kafka_version = true);

// Copies --root, --cache-dir, --offline and --mirror into `o` (--quiet reaches the progress display through Deps).
void fetch_options_from_globals(const GlobalOptions& g, fetch::FetchOptions& o);

}  // namespace ka::cli
