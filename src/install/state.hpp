// The "install" section of state.json (core/state.hpp): what was installed, from which
// artifact, and the digest of the tree it became. The basis of idempotency: a second run that
// finds the same artifact digest and an unchanged tree changes nothing.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/result.hpp"

namespace ka::install {

struct InstalledRelease {
  std::string kind;             // "kafka" or "java"
  std::string version;          // "3.9.1", "21.0.5+11-jre"
  std::string path;             // "/opt/kafka_2.13-3.9.1"
  std::string link;             // "/opt/kafka"
  std::string artifact;         // file name of the tarball
  std::string artifact_digest;  // "sha512:<hex>" or "sha256:<hex>"
  std::string tree_digest;      // manifest digest (layout.hpp)
  std::string signed_by;        // OpenPGP signer when a signature was verified
  std::string trust;            // what vouched for the artifact's digest ("catalog", "--private-build --sha512", ...)
  std::vector<std::string> overrides;  // trust roots replaced by an explicit flag (--catalog, --private-build, ...)
};

// The release recorded for `kind`, if any; a state file that cannot be parsed is an error
// naming it (it is never silently replaced).
Result<std::optional<InstalledRelease>> load_installed(const RootFs& rfs, const std::string& kind);
// Records `rel` under install.<kind>, keeping every other key, atomically.
Status record_installed(const RootFs& rfs, const InstalledRelease& rel);

}  // namespace ka::install
