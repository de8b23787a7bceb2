// The rules Kafka enforces when a node starts (KafkaConfig.validateValues and friends) and when
// storage is formatted (StorageTool/Formatter), per version, checked before Kafka sees a config.
// Pure functions: a Properties in, a list of violations out.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/properties.hpp"
#include "core/result.hpp"
#include "core/version.hpp"

namespace ka {

// One "NAME://host:port" item of listeners or advertised.listeners, read the way Kafka's
// listener regex reads it: the one parser of listeners, for the rules and the health probes.
struct Endpoint {
  std::string name;  // normalised (upper case), as ListenerName.normalised does
  std::string host;  // "" for a wildcard ("PLAINTEXT://:9092"), brackets of IPv6 removed
  long port = 0;
  std::string text;  // the item as written
};
// nullopt when the item does not match.
std::optional<Endpoint> parse_endpoint(const std::string& item);

enum class Severity { error, warning };

struct Violation {
  Severity severity = Severity::error;
  std::string key;     // the property ("" for a rule about the whole file)
  std::string value;   // the value found ("" when missing)
  std::string rule;    // what Kafka requires, in one sentence
  std::string fix;     // what to do about it
  std::string source;  // the Kafka source file the rule comes from
  std::string id;      // stable rule id ("kraft.controller.advertised-listeners"), see rule_catalog()
};

// Options of `kafka-storage.sh format` that some rules depend on.
struct FormatOptions {
  bool standalone = false;              // --standalone
  bool initial_controllers = false;     // --initial-controllers
  bool no_initial_controllers = false;  // --no-initial-controllers
};

// server.properties of a KRaft controller/broker/combined node or a ZooKeeper-mode broker.
// With `format`, the format-time rules are checked too.
std::vector<Violation> validate_server_properties(const Properties& props, const KafkaVersion& version,
                                                  const std::optional<FormatOptions>& format = std::nullopt);

// log.dirs, log.dir and metadata.log.dir hold absolute paths only (rule storage.absolute-paths,
// ours: Kafka resolves a relative one against its working directory, and neither validate nor the
// storage check before `format` could look at the directory Kafka would use). Part of
// validate_server_properties; `format` runs it before it looks at any storage directory.
std::vector<Violation> validate_storage_paths(const Properties& props);

// A ZooKeeper config (zookeeper.properties, zoo.cfg) as ZooKeeper 3.8's QuorumPeerConfig reads
// it, with the node's myid when known; `myid_file_absent`: the node's dataDir was found and holds
// no myid file (an ensemble member then cannot start; when the dataDir is elsewhere, a warning).
std::vector<Violation> validate_zookeeper_properties(const Properties& props, std::optional<int> myid,
                                                     bool myid_file_absent = false);
// A key only ZooKeeper reads (dataDir, clientPort, tickTime, server.N, ...): how a ZooKeeper
// config is told from a Kafka one, whatever the file is called.
bool is_zookeeper_key(const std::string& key);

// Every rule this area knows, for `validate --list-rules` and docs/validate.md.
struct RuleInfo {
  std::string id;
  std::string versions;  // the Kafka versions it applies to ("3.6-3.8", "4.2+", "all")
  std::string key;       // the property or format flag it is about
  std::string summary;
  std::string source;    // the Kafka (or ZooKeeper) source file it is read from
};
const std::vector<RuleInfo>& rule_catalog();

bool has_errors(const std::vector<Violation>& v);
// An Error (exit 2) listing every error-level violation as key, value, rule and fix; `origin`
// names the file or node.
Error violations_to_error(const std::vector<Violation>& v, const std::string& origin);
// Human-readable lines, one block per violation (warnings too).
std::string format_violations(const std::vector<Violation>& v);

}  // namespace ka
