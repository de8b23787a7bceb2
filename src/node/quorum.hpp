// The KRaft quorum as `kafka-metadata-quorum.sh describe --status` prints it
// (tools/.../MetadataQuorumCommand.java handleDescribeStatus): health and `status` read it.
#pragma once
#include <string>
#include <vector>

#include "core/result.hpp"

namespace ka {

struct QuorumReplica {
  int id = -1;
  std::string directory_id;            // 3.9+: "directoryId"
  std::vector<std::string> endpoints;  // 3.9+: ["CONTROLLER://host:9093"]
};

struct QuorumStatus {
  std::string cluster_id;
  int leader_id = -1;
  long leader_epoch = -1;
  long high_watermark = -1;
  long max_follower_lag = -1;
  long max_follower_lag_ms = -1;
  std::vector<QuorumReplica> voters;
  std::vector<QuorumReplica> observers;
  bool has_voter(int id) const;
  bool has_observer(int id) const;
};

// Both voter formats: "[1, 2, 3]" (up to 3.8) and "[{"id": 1, "directoryId": ..., "endpoints": [...]}]".
Result<QuorumStatus> parse_quorum_status(const std::string& output);

}  // namespace ka
