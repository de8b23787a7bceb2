// `fetch`: resolve, download and verify Kafka and Temurin into the cache. A library first: the
// install step calls fetch_kafka()/fetch_java() with its extractor as `consumer`, so download,
// hashing, signature check and unpacking are one pass over the bytes.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/stream.hpp"
#include "fetch/adoptium.hpp"
#include "fetch/download.hpp"
#include "fetch/http.hpp"
#include "fetch/url.hpp"

namespace ka::fetch {

struct FetchOptions {
  std::string root = "/";
  std::string cache_dir = "/var/cache/kafka-appliance";  // a target path, under root
  bool offline = false;
  std::vector<std::string> mirrors;
  std::string artifacts_dir;  // a host path: tarball, .sha512, .asc put there by a person

  std::string kafka_version;  // empty: the newest release of the catalog in effect
  std::string sha512;         // --sha512: pins the digest of an uncatalogued build
  // --private-build (needs --sha512): a build of a catalogued version whose digest is not the
  // catalog's is accepted, pinned by --sha512, with a warning. Without it, a catalogued version
  // must match its catalog digest.
  bool private_build = false;
  std::vector<std::string> key_files;  // --keys: more trusted Kafka release keys
  std::string catalog_file;            // --catalog: replaces the built-in catalog (a warning)

  std::string java = "21";    // 17 | 21 | 25 | jdk-21.0.5+11 | system
  std::string java_image = "jre";
  std::string arch;           // empty: from uname
  bool refresh = false;       // resolve Temurin "latest" again instead of the cached resolution

  // Endpoints: the real ones by default, a local server in tests.
  std::string asf_url = kAsfDownloadsUrl;
  std::string archive_url = kAsfArchiveUrl;
  std::string adoptium_api_url = kAdoptiumApiUrl;
  std::string adoptium_key_url = kAdoptiumKeyUrl;
  // --adoptium-key: trust this key for Temurin instead of the pinned Adoptium key (a warning
  // unless it is the pinned key). Default: the key server's copy, accepted only with the pinned
  // fingerprint.
  std::string adoptium_key_file;

  HttpSettings http;
};

struct FetchedArtifact {
  std::string what;      // "Kafka 4.2.0", "Temurin jdk-21.0.5+11 jre x64"
  std::string version;
  std::string name;      // file name
  std::string path;      // host path of the verified file in the cache
  std::string algo;      // sha512 | sha256
  std::string digest;
  std::string trust;     // how the digest is known: "catalog", "--sha512", "--private-build --sha512",
                         // ".sha512 + signature", "Adoptium API + .sha256.txt + signature"
  // Trust roots replaced by an explicit flag ("--catalog FILE (sha256 ...)", "--private-build",
  // "--adoptium-key FILE (FINGERPRINT)"): warned about, recorded in state.json, shown by status.
  std::vector<std::string> overrides;
  std::string signer;    // "FINGERPRINT (user id)" or empty when no signature could be had
  bool from_cache = false;
  std::string source;    // the URL it came from (redacted), or the cache
  std::vector<std::string> warnings;
};

struct FetchResult {
  FetchedArtifact kafka;
  std::optional<FetchedArtifact> java;  // nullopt with --java system
};

class Fetcher {
 public:
  // Every side effect comes from `env`: HTTP (env.http must outlive the Fetcher), progress,
  // sleep, jitter and the clock that signatures are checked against.
  // A command builds `env` from its Deps (download_env); nothing here makes a client.
  Fetcher(FetchOptions opts, DownloadEnv env);
  ~Fetcher();
  // Every byte of the artifact goes into `consumer` (may be null) once, in order, whether from
  // the network or the cache. consumer->finish() is called only after the digest and the
  // signature were verified: a consumer must not make anything visible before that, and must
  // discard its work when these functions return an error.
  Result<FetchedArtifact> fetch_kafka(ByteSink* consumer);
  Result<std::optional<FetchedArtifact>> fetch_java(ByteSink* consumer);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `env`: as for Fetcher.
Result<FetchResult> run_fetch(const FetchOptions& opts, const DownloadEnv& env);

// Human lines or one JSON object.
std::string format_fetch_result(const FetchResult& r, bool json);

}  // namespace ka::fetch
