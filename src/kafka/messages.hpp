// The few Kafka APIs that librdkafka does not offer and the gates poll often, one typed codec
// each (request encoder, response decoder), as Kafka's own message JSON defines them
// (clients/src/main/resources/common/message/*.json): ApiVersions (18) with the feature tags,
// DescribeQuorum (55), ListPartitionReassignments (46). Framing: request header v2 (v1 for
// ApiVersions below v3), response header v1 (v0 for ApiVersions, always).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "kafka/wire.hpp"

namespace ka::kafka {

enum ApiKey : int16_t { kApiVersions = 18, kListPartitionReassignments = 46, kDescribeQuorum = 55 };

// Kafka's error codes the codecs and their callers name.
inline constexpr int16_t kNone = 0, kUnsupportedVersion = 35, kNotLeaderOrFollower = 6, kNotController = 41;
std::string error_name(int16_t code);  // "NOT_LEADER_OR_FOLLOWER (6)"

// size-prefixed request: length, header, body.
Bytes frame_request(int16_t api_key, int16_t api_version, int32_t correlation_id, const std::string& client_id,
                    const Bytes& body);
// Checks the response header (correlation ID; tagged fields from header v1) and returns the
// body's offset in `frame` (the bytes after the 4-byte length).
Result<size_t> response_body_offset(const Bytes& frame, int16_t api_key, int32_t correlation_id);

// --- ApiVersions --------------------------------------------------------------------------------
struct VersionRange {
  int16_t min = 0, max = -1;
};
struct FinalizedFeature {
  int16_t min_level = 0, max_level = 0;
};
struct ApiVersionsResponse {
  int16_t error_code = 0;
  std::map<int16_t, VersionRange> apis;
  std::map<std::string, VersionRange> supported_features;   // tag 0
  int64_t finalized_features_epoch = -1;                     // tag 1
  std::map<std::string, FinalizedFeature> finalized_features;  // tag 2
  bool zk_migration_ready = false;                           // tag 3
  // The highest version of `api` both sides speak, -1 when none.
  int16_t usable(int16_t api, int16_t ours_min, int16_t ours_max) const;
};
inline constexpr int16_t kApiVersionsMax = 4;  // v4 (Kafka 4.0+) also lists features whose minimum is 0
Bytes encode_api_versions_request(int16_t version);
// An UNSUPPORTED_VERSION answer comes as v0 (the broker's own list, so the client can retry).
Result<ApiVersionsResponse> decode_api_versions_response(const Bytes& body, int16_t version);

// --- DescribeQuorum ------------------------------------------------------------------------------
struct QuorumReplicaState {
  int32_t replica_id = -1;
  std::optional<Uuid> directory_id;       // v2+
  int64_t log_end_offset = -1;
  int64_t last_fetch_timestamp = -1;      // v1+, leader wall-clock ms
  int64_t last_caught_up_timestamp = -1;  // v1+; the leader reports its own as "now"
};
struct QuorumListener {
  std::string name, host;
  uint16_t port = 0;
};
struct DescribeQuorumResponse {
  int16_t error_code = 0;
  std::string error_message;
  int16_t partition_error = 0;  // of __cluster_metadata-0
  std::string partition_error_message;
  int32_t leader_id = -1;
  int32_t leader_epoch = -1;
  int64_t high_watermark = -1;
  std::vector<QuorumReplicaState> voters, observers;
  std::map<int32_t, std::vector<QuorumListener>> nodes;  // v2+
};
inline constexpr int16_t kDescribeQuorumMax = 2;
Bytes encode_describe_quorum_request(int16_t version);  // __cluster_metadata partition 0
Result<DescribeQuorumResponse> decode_describe_quorum_response(const Bytes& body, int16_t version);

// --- ListPartitionReassignments -------------------------------------------------------------------
struct OngoingReassignment {
  std::string topic;
  int32_t partition = -1;
  std::vector<int32_t> replicas, adding, removing;
};
struct ListReassignmentsResponse {
  int16_t error_code = 0;
  std::string error_message;
  std::vector<OngoingReassignment> reassignments;
};
Bytes encode_list_reassignments_request(int32_t timeout_ms);  // every topic (null list)
Result<ListReassignmentsResponse> decode_list_reassignments_response(const Bytes& body);

}  // namespace ka::kafka
