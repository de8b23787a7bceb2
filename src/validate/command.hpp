// `kafka-appliance validate`: check server.properties / zookeeper.properties files on disk and
// report the violations as text or JSON. The rules themselves are in validate.hpp.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "validate/validate.hpp"

namespace ka {

struct ValidateOptions {
  std::string kafka_version;        // required for server.properties files
  std::vector<std::string> files;   // host paths, as given on the command line
  std::optional<int> myid;          // ZooKeeper: this node's id; else read from <root>/<dataDir>/myid
  FormatOptions format;             // --standalone / --initial-controllers / --no-initial-controllers
  bool check_format = false;        // any of the three given: check the format-time rules too
  bool strict = false;              // --strict: warnings are errors
};

struct FileReport {
  std::string file;
  std::string kind;                 // "server" or "zookeeper"
  std::string kafka_version;        // server files only
  std::optional<int> myid;          // zookeeper files: the id checked against the server list
  std::vector<Violation> violations;
};

// A file is ZooKeeper config when more of its keys are ZooKeeper's (dataDir, clientPort,
// server.N, ...) than Kafka's, whatever it is called; on a tie, when it is named
// zookeeper.properties or zoo.cfg.
bool looks_like_zookeeper(const std::string& file, const Properties& props);

// Reads and checks every file. An unreadable or unparsable file, a missing or unsupported
// --kafka-version, or a malformed myid file is an Error (exit 2); violations are in the reports.
Result<std::vector<FileReport>> validate_files(const ValidateOptions& opts, const std::filesystem::path& root);

// Exit-2 error listing every error-level violation of every file, or nullopt when none.
std::optional<Error> reports_error(const std::vector<FileReport>& reports);
// Per file: "FILE: ok (...)" and any warnings (errors are reported through reports_error).
std::string reports_text(const std::vector<FileReport>& reports);
// {"ok": bool, "files": [{"file","kind","kafka_version","myid","ok","errors","warnings","violations":[...]}]}
std::string reports_json(const std::vector<FileReport>& reports);

std::string rules_text();
std::string rules_json();

// `validate --explain KEY`: a key's type, default, valid values, importance and doc line in the
// release for `kafka_version` (empty: the newest), and the releases that have it. An unknown key
// is bad input naming the closest known one.
Result<std::string> explain_key(const std::string& key, const std::string& kafka_version, bool json);

}  // namespace ka
