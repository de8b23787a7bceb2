// Shared pieces of the rule files: how Kafka parses the values the rules look at (listeners,
// voters, numbers), and a small collector that stamps each violation with its rule id and source.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "validate/validate.hpp"

namespace ka::vdetail {

// Source files the rules are read from (repo apache/kafka unless it says otherwise).
// A rule of this tool, stricter than Kafka (which accepts it), where Kafka's choice would hurt.
inline constexpr const char* kAppliance = "kafka-appliance (stricter than Kafka)";
// The same for ZooKeeper configs: ZooKeeper accepts it, but the node would not work.
inline constexpr const char* kApplianceZk = "kafka-appliance (stricter than ZooKeeper)";
inline constexpr const char* kKafkaConfig = "core/src/main/scala/kafka/server/KafkaConfig.scala";
inline constexpr const char* kCoreUtils = "core/src/main/scala/kafka/utils/CoreUtils.scala";
inline constexpr const char* kAbstractKafkaConfig = "server/src/main/java/org/apache/kafka/server/config/AbstractKafkaConfig.java";
inline constexpr const char* kKRaftConfigs = "server/src/main/java/org/apache/kafka/server/config/KRaftConfigs.java";
inline constexpr const char* kQuorumConfig = "raft/src/main/java/org/apache/kafka/raft/QuorumConfig.java";
inline constexpr const char* kRaftConfig = "raft/src/main/java/org/apache/kafka/raft/RaftConfig.java";
inline constexpr const char* kConfigDef = "clients/src/main/java/org/apache/kafka/common/config/ConfigDef.java";
inline constexpr const char* kStorageTool = "core/src/main/scala/kafka/tools/StorageTool.scala";
inline constexpr const char* kFormatter = "metadata/src/main/java/org/apache/kafka/metadata/storage/Formatter.java";
inline constexpr const char* kQuorumPeerConfig =
    "apache/zookeeper: zookeeper-server/src/main/java/org/apache/zookeeper/server/quorum/QuorumPeerConfig.java";
inline constexpr const char* kZkFourLetter =
    "apache/zookeeper: zookeeper-server/src/main/java/org/apache/zookeeper/server/command/FourLetterCommands.java";

// Listener parsing moved from CoreUtils (3.x) to AbstractKafkaConfig (4.x).
inline const char* listener_source(const KafkaVersion& v) { return v.major >= 4 ? kAbstractKafkaConfig : kCoreUtils; }
// The quorum parsing class was RaftConfig until 3.7 and QuorumConfig from 3.8.
inline const char* quorum_source(const KafkaVersion& v) { return v.at_least(3, 8) ? kQuorumConfig : kRaftConfig; }

// Endpoint and parse_endpoint (listeners): validate.hpp, shared with the health probes.
// "id@host:port" of controller.quorum.voters.
struct Voter {
  long id = 0;
  std::string host;
  long port = 0;
  std::string text;
};
// Error message (Kafka's wording) when the entry does not parse.
std::optional<std::string> parse_voter(const std::string& entry, Voter& out);
// "host:port" of controller.quorum.bootstrap.servers.
bool parse_host_port(const std::string& s, std::string& host, long& port);
// Utils.validHostPattern: letters, digits, '-', '.', ':' (IPv6), '%' (zone), '_'.
bool valid_host(const std::string& host);

using ka::upper;  // core/text.hpp
// The items with `sep` between them.
std::string join(const std::vector<std::string>& v, const char* sep = ",");
// Integer.parseInt / Long.parseLong / Short.parseShort on a trimmed value.
std::optional<int64_t> parse_java_integer(const std::string& s, int64_t min, int64_t max);

// Collects violations; every rule states its id and source once, here.
class Sink {
 public:
  void error(const char* id, const std::string& key, const std::string& value, std::string rule, std::string fix,
             const std::string& source) {
    add(Severity::error, id, key, value, std::move(rule), std::move(fix), source);
  }
  void warning(const char* id, const std::string& key, const std::string& value, std::string rule, std::string fix,
               const std::string& source) {
    add(Severity::warning, id, key, value, std::move(rule), std::move(fix), source);
  }
  std::vector<Violation> out;

 private:
  void add(Severity s, const char* id, const std::string& key, const std::string& value, std::string rule,
           std::string fix, const std::string& source) {
    Violation v;
    v.severity = s;
    v.key = key;
    v.value = value;
    v.rule = std::move(rule);
    v.fix = std::move(fix);
    v.source = source;
    v.id = id;
    out.push_back(std::move(v));
  }
};

}  // namespace ka::vdetail
