// What the day-2 gates decide on: one reading of the cluster (brokers, partitions with ISR, each
// topic's effective min.insync.replicas, the KRaft quorum, reassignments), taken through the
// Kafka layer, or loaded from JSON (a recorded snapshot: the gates' tests). A part that could
// not be read is named in `unreadable`, and a gate that needs it says no (DESIGN.md §9: a gate
// that cannot reach the cluster is not satisfied).
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "kafka/client.hpp"
#include "kafka/native.hpp"

namespace ka::kafka {

struct ClusterSnapshot {
  std::optional<ClusterDescription> cluster;            // the live (unfenced) brokers
  std::vector<TopicState> topics;
  std::map<std::string, int> min_insync;                // effective, per topic
  std::optional<DescribeQuorumResponse> quorum;
  std::vector<OngoingReassignment> reassignments;
  std::map<std::string, std::string> unreadable;        // part -> why ("topics", "quorum", ...)
  std::map<std::string, double> call_ms;                // tool time of each call that read it
};

// Where to read from: the brokers (empty: no broker part, e.g. a controller-only node asked
// without --bootstrap-server) and the controllers: the quorum (when `quorum`) and, when known,
// the reassignments (a broker would only forward ListPartitionReassignments to them).
struct SnapshotSources {
  std::string bootstrap;                 // host:port,... of broker listeners
  std::vector<HostPort> controllers;     // controller listeners
  bool quorum = true;                    // read DescribeQuorum (a voter's gate)
};

ClusterSnapshot read_snapshot(const SnapshotSources& from, const Env& env, Clock::time_point deadline);

nlohmann::json snapshot_json(const ClusterSnapshot& s);
Result<ClusterSnapshot> snapshot_from_json(const nlohmann::json& j, const std::string& what);

}  // namespace ka::kafka
