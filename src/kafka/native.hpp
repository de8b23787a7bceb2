// The native calls librdkafka does not have, each one connection (connect, ApiVersions, the
// request) per endpoint tried, bounded by `deadline`. Every call works against a controller
// listener (what --bootstrap-controller asks) and against a broker listener (which forwards
// DescribeQuorum and answers ListPartitionReassignments from its metadata).
#pragma once
#include <vector>

#include "kafka/connection.hpp"

namespace ka::kafka {

// The versions and features of one listener.
Result<ApiVersionsResponse> api_versions(const HostPort& where, const Env& env, Clock::time_point deadline);

// The KRaft quorum as its leader reports it. Only the leader answers: a controller that is not
// answers NOT_LEADER_OR_FOLLOWER, and the next endpoint is tried. A broker forwards to the
// active controller.
struct Quorum {
  DescribeQuorumResponse state;
  HostPort answered_by;
  bool has_voter(int32_t id) const;
  bool has_observer(int32_t id) const;
  const QuorumReplicaState* replica(int32_t id) const;  // voter or observer, null when neither
  // The leader's wall clock at the answer (its own LastCaughtUpTimestamp), -1 when absent (v0).
  int64_t leader_now_ms() const;
};
Result<Quorum> describe_quorum(const std::vector<HostPort>& endpoints, const Env& env, Clock::time_point deadline);

// Every partition reassignment in progress.
Result<ListReassignmentsResponse> list_reassignments(const std::vector<HostPort>& endpoints, const Env& env,
                                                     Clock::time_point deadline);

}  // namespace ka::kafka
