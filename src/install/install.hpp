// `install`: the kafka user and directories, then Kafka (and Temurin) unpacked into
// /opt/<release> and switched in with /opt/kafka (/opt/java) - DESIGN.md §1, §2, §3.
//
// One pass over the bytes: the artifact streams (from a local file, or from the download or the
// cache through fetch::Fetcher) into a tee of the digest, the signature check and the
// extractor; the staged tree is renamed into place only after the stream ended and every check
// passed. A second run that finds the same artifact recorded in state.json, and the tree as it
// was unpacked, changes nothing.
//
// Plan, then apply (DESIGN.md §7.3): plan_install decides everything (which release, which
// digest, which JDK, what is already in place) without changing anything; `install --dry-run`
// and `plan` print that value; apply_install carries out exactly it. HTTP, progress and the
// process runner come from Deps: nothing here makes a client.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/change.hpp"
#include "core/deps.hpp"
#include "core/process.hpp"
#include "core/result.hpp"
#include "fetch/fetch.hpp"
#include "install/extract.hpp"
#include "verify/checksum.hpp"

namespace ka::install {

struct InstallOptions {
  std::string root = "/";
  std::string cache_dir = "/var/cache/kafka-appliance";

  // A local Kafka tarball instead of fetching: digest from the catalog; from --sha512 for an
  // uncatalogued version, or for a catalogued one with --private-build (fetch.private_build).
  std::string archive;
  std::string sha512;
  std::string asc;                     // optional detached signature of `archive`
  std::vector<std::string> key_files;  // more trusted keys besides the pinned Kafka KEYS
  std::string kafka_version;           // empty: from the archive's name, or the catalog default

  // "system": use an installed JDK; otherwise a Temurin release ("21", "jdk-21.0.5+11").
  std::string java = "21";
  std::string java_archive;  // a local Temurin tarball, with its SHA-256
  std::string java_sha256;

  ExtractLimits limits;
  bool quiet = false;

  // Everything else fetch needs (mirrors, endpoints, offline, artifacts dir); root, cache,
  // versions and keys are copied from above.
  fetch::FetchOptions fetch;
};

// The Kafka release to install, and what vouches for its digest.
struct KafkaChoice {
  std::string scala = "2.13";
  std::string version;
  std::string sha512;  // known digest, may be empty in fetch mode (.sha512 from the ASF)
  std::string trust;   // what vouches for sha512 (for --archive)
  std::vector<std::string> overrides;
};

// What install will do, decided before anything changes.
struct InstallPlan {
  InstallOptions opts;
  KafkaChoice kafka;
  std::string kafka_dir;    // kafka_<scala>-<version>
  std::string java_sha256;  // normalized --java-sha256, or empty
  std::string system_home;  // --java system: the JDK /opt/java will point at
  // Stale staging directories, the user, the directories, each release and its link, in the
  // order apply takes them.
  std::vector<PlannedChange> changes;
};

struct InstallReport {
  std::vector<PlannedChange> done;   // every change made, in the plan's terms
  std::vector<std::string> changes;  // "created user kafka", "installed /opt/kafka_2.13-3.9.1", ...
  std::vector<std::string> unchanged;
  std::vector<std::string> warnings;
};

// How the artifact's bytes reach the extractor; the result says what was verified.
struct VerifiedArtifact {
  std::string name;      // file name
  std::string digest;    // "sha512:<hex>"
  std::string signer;    // empty when no signature was checked
  std::string trust;     // what vouched for the digest: "catalog", "--sha512", "--private-build --sha512", ...
  std::vector<std::string> overrides;  // trust roots replaced by a flag (fetch::FetchedArtifact::overrides)
};
// Pushes every byte into `sink` and calls sink.finish() only after the artifact was verified;
// on any error the caller discards what the sink made.
using ArtifactFeed = std::function<Result<VerifiedArtifact>(ByteSink& sink)>;

// A local file with a known digest (and optionally a detached signature checked against the
// pinned Kafka KEYS plus `key_files`); `flag` names the option the path came from in errors.
// Exposed for tests.
ArtifactFeed local_feed(const std::string& path, DigestAlgo algo, const std::string& expected_hex,
                        const std::string& asc_path, std::vector<std::string> key_files, const std::string& flag,
                        std::string trust = "", std::vector<std::string> overrides = {});

// Every check and refusal of install, and the changes it would make; changes nothing.
Result<InstallPlan> plan_install(const InstallOptions& opts);
// Carries out `plan`: deps.runner for useradd, deps.http and deps.progress (and deps.clock for
// retry waits) when an artifact must be fetched.
Result<InstallReport> apply_install(const InstallPlan& plan, Deps& deps);
// plan_install, then apply_install.
Result<InstallReport> run_install(const InstallOptions& opts, Deps& deps);
std::string format_install_report(const InstallReport& r, bool json);
// `install --dry-run`: the plan as `plan` prints one, or JSON ({"changes": [...], "any_change"}).
std::string format_install_plan(const InstallPlan& p, bool json);

}  // namespace ka::install
