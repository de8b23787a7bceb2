// The Kafka release catalog compiled into the binary (scripts/gen-catalog.py): the versions the
// tool knows, with the pinned SHA-512 of each ASF tarball, the trust root for catalogued versions.
// Only an explicit --catalog FILE replaces it (a warning, recorded in state.json); nothing hidden.
#pragma once
#include <string>
#include <vector>

#include "core/result.hpp"

namespace ka::fetch {

struct KafkaRelease {
  std::string version;           // "4.3.1"
  std::string scala;             // "2.13"
  std::string metadata_version;  // "4.3-IV0": the default metadata.version of the release
  std::string sha512;            // lower-case hex of kafka_<scala>-<version>.tgz
  std::string tarball_name() const { return "kafka_" + scala + "-" + version + ".tgz"; }
  std::string dir_name() const { return "kafka_" + scala + "-" + version; }
};

// The generated table (catalog_data.cpp), oldest first.
const std::vector<KafkaRelease>& builtin_kafka_catalog();

// A catalog in effect: the built-in one, or one read from --catalog FILE.
class KafkaCatalog {
 public:
  static const KafkaCatalog& builtin();
  // `file` empty: the built-in catalog. Otherwise the file (lines "version scala metadata
  // sha512", '#' comments); errors name the file and the line.
  static Result<KafkaCatalog> select(const std::string& file);

  const std::vector<KafkaRelease>& releases() const { return releases_; }
  const KafkaRelease* find(const std::string& version) const;
  std::string default_version() const;  // the newest release
  bool is_builtin() const { return file_.empty(); }
  // "the built-in catalog" or "--catalog FILE (sha256 HEX)": what state.json and status show.
  std::string origin() const;

 private:
  std::vector<KafkaRelease> releases_;
  std::string file_;
  std::string file_sha256_;
};

// The built-in catalog.
const std::vector<KafkaRelease>& kafka_catalog();
const KafkaRelease* find_kafka_release(const std::string& version);
// The newest catalogued release: the tool's default Kafka version, defined here only.
std::string default_kafka_version();

// Parses the --catalog format; exposed for unit tests.
Result<std::vector<KafkaRelease>> parse_catalog_file(const std::string& text, const std::string& origin);

}  // namespace ka::fetch
