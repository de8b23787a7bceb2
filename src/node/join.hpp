// A node joining a running KRaft cluster (docs/join.md): before formatting, is its node ID free in
// the running quorum? After starting, a later controller of a dynamic quorum (KIP-853) becomes a
// voter: Kafka 4.2+ by itself (controller.quorum.auto.join.enable), 3.9-4.1 through
// `kafka-metadata-quorum.sh add-controller`, run by the tool as a planned step.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/deps.hpp"
#include "core/process.hpp"
#include "core/result.hpp"
#include "core/version.hpp"
#include "node/kafka_tool.hpp"
#include "node/quorum.hpp"

namespace ka {

inline constexpr const char* kAutoJoinKey = "controller.quorum.auto.join.enable";
// The first release whose controllers join by themselves (QuorumConfig.QUORUM_AUTO_JOIN_ENABLE_CONFIG).
inline bool has_auto_join(const KafkaVersion& v) { return v.at_least(4, 2); }

// kafka-metadata-quorum.sh --bootstrap-controller C describe --status
std::vector<std::string> describe_quorum_argv(const std::string& kafka_home, const std::string& controllers);
// kafka-metadata-quorum.sh --command-config CONFIG --bootstrap-controller C add-controller: the
// tool reads node.id, the controller listener and the directory ID from the node's own config.
std::vector<std::string> add_controller_argv(const std::string& kafka_home, const std::string& config_path,
                                             const std::string& controllers);

// The running quorum, asked through `controllers` (host:port,...). nullopt with `why` when no
// controller accepts connections (a cluster being created) or the quorum does not answer.
struct QuorumAnswer {
  std::optional<QuorumStatus> status;
  std::string why;  // when there is no status
};
QuorumAnswer ask_quorum(const std::string& kafka_home, const std::string& controllers, const RootFs& root, ProcessRunner& runner,
                        std::chrono::milliseconds timeout);

// Pure: who in `q` already uses `node_id` when this node has no identity yet ("" : nobody):
// "voter 2 (directory ID ..., CONTROLLER://c2:9093)" or "observer 101 (directory ID ...)".
std::string node_id_holder(const QuorumStatus& q, int node_id);

// Pure: is (node_id, directory_id) a voter of `q`?
bool is_voter(const QuorumStatus& q, int node_id, const std::string& directory_id);

}  // namespace ka
