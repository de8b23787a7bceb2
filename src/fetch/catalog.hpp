// The Kafka release catalog compiled into the binary (scripts/gen-catalog.py): the versions the
// tool knows, with the pinned SHA-512 of each ASF tarball, the trust root for catalogued versions.
#pragma once
#include <string>
#include <vector>

#include "core/result.hpp"

namespace ka::fetch {

struct KafkaRelease {
  std::string version;           // "4.2.0"
  std::string scala;             // "2.13"
  std::string metadata_version;  // "4.2-IV1": the default metadata.version of the release
  std::string sha512;            // lower-case hex of kafka_<scala>-<version>.tgz
  std::string tarball_name() const { return "kafka_" + scala + "-" + version + ".tgz"; }
  std::string dir_name() const { return "kafka_" + scala + "-" + version; }
};

// The generated table (catalog_data.cpp), oldest first.
const std::vector<KafkaRelease>& builtin_kafka_catalog();

// The catalog in effect: the built-in one, or, as a test seam only, the file named by the
// environment variable KAFKA_APPLIANCE_TEST_CATALOG (lines "version scala metadata sha512";
// '#' comments). Sorted oldest first.
const std::vector<KafkaRelease>& kafka_catalog();
// Why the test catalog could not be used (the built-in one is in effect then); ok otherwise.
// Commands that depend on the catalog call this first so a broken test seam is not silent.
Status kafka_catalog_status();

const KafkaRelease* find_kafka_release(const std::string& version);
// The newest catalogued release.
std::string default_kafka_version();

// Parses the test-catalog format; exposed for unit tests.
Result<std::vector<KafkaRelease>> parse_catalog_file(const std::string& text, const std::string& origin);

}  // namespace ka::fetch
