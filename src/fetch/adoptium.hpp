// Temurin through the Adoptium API v3: the query that resolves a feature release (or an exact
// release name) to one package, and the parsing of the API's answer.
#pragma once
#include <cstdint>
#include <string>

#include "core/result.hpp"

namespace ka::fetch {

struct JavaRequest {
  std::string java = "21";     // feature version "21", "17", "25", or a release name "jdk-21.0.5+11"
  std::string image = "jre";   // jre | jdk
  std::string arch = "x64";    // Adoptium's names: x64 | aarch64
};

struct TemurinPackage {
  std::string release_name;   // "jdk-21.0.5+11"
  std::string name;           // "OpenJDK21U-jre_x64_linux_hotspot_21.0.5_11.tar.gz"
  std::string link;
  std::string sha256;         // lower-case hex, from the API
  std::string checksum_link;  // .sha256.txt
  std::string signature_link; // .sig
  uint64_t size = 0;
};

// "21", "17", "25": a feature release; "jdk-21.0.5+11" or "jdk8u302-b08": an exact release.
bool is_java_feature_version(const std::string& java);
// Validates --java, --java-image and --arch; errors name the flag.
Status check_java_request(const JavaRequest& r);
// uname's machine name to Adoptium's ("x86_64" -> "x64", "aarch64"/"arm64" -> "aarch64").
Result<std::string> adoptium_arch(const std::string& machine);

// /v3/assets/latest/<feature>/hotspot?... for a feature version, or
// /v3/assets/release_name/eclipse/<name>?... for an exact release.
std::string adoptium_query_url(const std::string& api_base, const JavaRequest& r);

// The answer of /v3/assets/latest (a list of {binary, release_name, version}), of
// /v3/assets/feature_releases (a list of {binaries: [...], release_name}) or of
// /v3/assets/release_name (one such object): the first Linux HotSpot package for the request.
Result<TemurinPackage> parse_adoptium_assets(const std::string& json_text, const JavaRequest& r,
                                             const std::string& origin);

}  // namespace ka::fetch
