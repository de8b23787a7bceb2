#include "kafka/messages.hpp"

namespace ka::kafka {

std::string error_name(int16_t code) {
  static const std::map<int16_t, const char*> names = {
      {-1, "UNKNOWN_SERVER_ERROR"}, {0, "NONE"}, {3, "UNKNOWN_TOPIC_OR_PARTITION"}, {5, "LEADER_NOT_AVAILABLE"},
      {6, "NOT_LEADER_OR_FOLLOWER"}, {7, "REQUEST_TIMED_OUT"}, {15, "COORDINATOR_NOT_AVAILABLE"},
      {29, "TOPIC_AUTHORIZATION_FAILED"}, {31, "CLUSTER_AUTHORIZATION_FAILED"}, {35, "UNSUPPORTED_VERSION"},
      {41, "NOT_CONTROLLER"}, {42, "INVALID_REQUEST"}, {58, "SASL_AUTHENTICATION_FAILED"}, {102, "UNKNOWN_LEADER_EPOCH"}};
  auto it = names.find(code);
  return std::string(it == names.end() ? "error" : it->second) + " (" + std::to_string(code) + ")";
}

Bytes frame_request(int16_t api_key, int16_t api_version, int32_t correlation_id, const std::string& client_id,
                    const Bytes& body) {
  Writer w;
  w.i32(0);  // the length, patched below
  w.i16(api_key);
  w.i16(api_version);
  w.i32(correlation_id);
  w.string16(client_id);
  // Header v2 (tagged fields) for flexible requests; ApiVersions is flexible from v3.
  bool flexible = api_key != kApiVersions || api_version >= 3;
  if (flexible) w.no_tags();
  Bytes out = w.take();
  out.insert(out.end(), body.begin(), body.end());
  uint32_t n = static_cast<uint32_t>(out.size() - 4);
  for (int i = 0; i < 4; ++i) out[static_cast<size_t>(i)] = static_cast<uint8_t>(n >> (8 * (3 - i)));
  return out;
}

Result<size_t> response_body_offset(const Bytes& frame, int16_t api_key, int32_t correlation_id) {
  Reader r(frame, "response header of API " + std::to_string(api_key));
  int32_t got = r.i32("correlation_id");
  // ApiVersions answers with header v0 always, so that any client can read it.
  if (api_key != kApiVersions) r.skip_tags("response header tags");
  KA_TRY_STATUS(r.status());
  if (got != correlation_id)
    return fail("Kafka answered correlation ID " + std::to_string(got) + " to request " + std::to_string(correlation_id));
  return frame.size() - r.left();
}

// --- ApiVersions --------------------------------------------------------------------------------

int16_t ApiVersionsResponse::usable(int16_t api, int16_t ours_min, int16_t ours_max) const {
  auto it = apis.find(api);
  if (it == apis.end()) return -1;
  int16_t v = std::min(ours_max, it->second.max);
  return v < std::max(ours_min, it->second.min) ? -1 : v;
}

Bytes encode_api_versions_request(int16_t version) {
  Writer w;
  if (version >= 3) {
    w.compact_string(std::string("kafka-appliance"));
    w.compact_string(std::string("1"));
    w.no_tags();
  }
  return w.take();
}

namespace {

void read_feature_tags(Reader& r, ApiVersionsResponse& out) {
  r.tags("ApiVersionsResponse tags", [&](uint32_t tag, Reader& t) {
    if (tag == 0 || tag == 2) {
      size_t n = t.compact_array(tag == 0 ? "SupportedFeatures" : "FinalizedFeatures");
      for (size_t i = 0; i < n && t.ok(); ++i) {
        std::string name = t.compact_string("feature name");
        int16_t a = t.i16("feature version"), b = t.i16("feature version");
        t.skip_tags("feature tags");
        if (tag == 0) out.supported_features[name] = {a, b};
        else out.finalized_features[name] = {b, a};  // MaxVersionLevel comes first
      }
      return true;
    }
    if (tag == 1) out.finalized_features_epoch = t.i64("FinalizedFeaturesEpoch");
    else if (tag == 3) out.zk_migration_ready = t.boolean("ZkMigrationReady");
    else return false;
    return true;
  });
}

}  // namespace

Result<ApiVersionsResponse> decode_api_versions_response(const Bytes& body, int16_t version) {
  ApiVersionsResponse out;
  Reader r(body, "ApiVersions response v" + std::to_string(version));
  out.error_code = r.i16("ErrorCode");
  // A broker that does not speak `version` answers in v0: an int32-counted array, no more.
  bool flexible = version >= 3 && out.error_code != kUnsupportedVersion;
  size_t n = 0;
  if (flexible) {
    n = r.compact_array("ApiKeys");
  } else {
    int32_t c = r.i32("ApiKeys");
    n = c < 0 || static_cast<size_t>(c) * 6 > r.left() ? 0 : static_cast<size_t>(c);
    if (c > 0 && n == 0) r.fail("ApiKeys: " + std::to_string(c) + " entries in " + std::to_string(r.left()) + " bytes");
  }
  for (size_t i = 0; i < n && r.ok(); ++i) {
    int16_t key = r.i16("ApiKey");
    int16_t lo = r.i16("MinVersion"), hi = r.i16("MaxVersion");
    if (flexible) r.skip_tags("ApiKey tags");
    out.apis[key] = {lo, hi};
  }
  if (out.error_code == kUnsupportedVersion) {
    KA_TRY_STATUS(r.status());  // the rest of a v0 answer is not ours to read
    return out;
  }
  if (version >= 1) r.i32("ThrottleTimeMs");
  if (flexible) read_feature_tags(r, out);
  KA_TRY_STATUS(r.finish());
  return out;
}

// --- DescribeQuorum ------------------------------------------------------------------------------

Bytes encode_describe_quorum_request(int16_t) {
  Writer w;
  w.compact_array_len(1);
  w.compact_string(std::string("__cluster_metadata"));
  w.compact_array_len(1);
  w.i32(0);
  w.no_tags();  // partition
  w.no_tags();  // topic
  w.no_tags();  // request
  return w.take();
}

namespace {

std::vector<QuorumReplicaState> read_replicas(Reader& r, int16_t version, const char* field) {
  std::vector<QuorumReplicaState> out;
  size_t n = r.compact_array(field);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    QuorumReplicaState s;
    s.replica_id = r.i32("ReplicaId");
    if (version >= 2) s.directory_id = r.uuid("ReplicaDirectoryId");
    s.log_end_offset = r.i64("LogEndOffset");
    if (version >= 1) {
      s.last_fetch_timestamp = r.i64("LastFetchTimestamp");
      s.last_caught_up_timestamp = r.i64("LastCaughtUpTimestamp");
    }
    r.skip_tags("ReplicaState tags");
    out.push_back(std::move(s));
  }
  return out;
}

void read_quorum_partition(Reader& r, int16_t version, DescribeQuorumResponse& out, bool ours) {
  int32_t index = r.i32("PartitionIndex");
  int16_t err = r.i16("ErrorCode");
  std::string msg = version >= 2 ? r.compact_nullable_string("ErrorMessage").value_or("") : "";
  int32_t leader = r.i32("LeaderId"), epoch = r.i32("LeaderEpoch");
  int64_t hw = r.i64("HighWatermark");
  auto voters = read_replicas(r, version, "CurrentVoters");
  auto observers = read_replicas(r, version, "Observers");
  r.skip_tags("PartitionData tags");
  if (!ours || index != 0) return;
  out.partition_error = err;
  out.partition_error_message = msg;
  out.leader_id = leader;
  out.leader_epoch = epoch;
  out.high_watermark = hw;
  out.voters = std::move(voters);
  out.observers = std::move(observers);
}

void read_quorum_nodes(Reader& r, DescribeQuorumResponse& out) {
  size_t n = r.compact_array("Nodes");
  for (size_t i = 0; i < n && r.ok(); ++i) {
    int32_t id = r.i32("NodeId");
    size_t m = r.compact_array("Listeners");
    auto& ls = out.nodes[id];
    for (size_t j = 0; j < m && r.ok(); ++j) {
      QuorumListener l;
      l.name = r.compact_string("Listener name");
      l.host = r.compact_string("Listener host");
      l.port = r.u16("Listener port");
      r.skip_tags("Listener tags");
      ls.push_back(std::move(l));
    }
    r.skip_tags("Node tags");
  }
}

}  // namespace

Result<DescribeQuorumResponse> decode_describe_quorum_response(const Bytes& body, int16_t version) {
  DescribeQuorumResponse out;
  Reader r(body, "DescribeQuorum response v" + std::to_string(version));
  out.error_code = r.i16("ErrorCode");
  if (version >= 2) out.error_message = r.compact_nullable_string("ErrorMessage").value_or("");
  size_t topics = r.compact_array("Topics");
  for (size_t t = 0; t < topics && r.ok(); ++t) {
    bool ours = r.compact_string("TopicName") == "__cluster_metadata";
    size_t parts = r.compact_array("Partitions");
    for (size_t p = 0; p < parts && r.ok(); ++p) read_quorum_partition(r, version, out, ours);
    r.skip_tags("TopicData tags");
  }
  if (version >= 2) read_quorum_nodes(r, out);
  r.skip_tags("DescribeQuorumResponse tags");
  KA_TRY_STATUS(r.finish());
  return out;
}

// --- ListPartitionReassignments -------------------------------------------------------------------

Bytes encode_list_reassignments_request(int32_t timeout_ms) {
  Writer w;
  w.i32(timeout_ms);
  w.compact_array_len(std::nullopt);  // all topics
  w.no_tags();
  return w.take();
}

Result<ListReassignmentsResponse> decode_list_reassignments_response(const Bytes& body) {
  ListReassignmentsResponse out;
  Reader r(body, "ListPartitionReassignments response v0");
  r.i32("ThrottleTimeMs");
  out.error_code = r.i16("ErrorCode");
  out.error_message = r.compact_nullable_string("ErrorMessage").value_or("");
  size_t topics = r.compact_array("Topics");
  for (size_t t = 0; t < topics && r.ok(); ++t) {
    std::string name = r.compact_string("Name");
    size_t parts = r.compact_array("Partitions");
    for (size_t p = 0; p < parts && r.ok(); ++p) {
      OngoingReassignment o;
      o.topic = name;
      o.partition = r.i32("PartitionIndex");
      o.replicas = r.compact_int32_array("Replicas");
      o.adding = r.compact_int32_array("AddingReplicas");
      o.removing = r.compact_int32_array("RemovingReplicas");
      r.skip_tags("OngoingPartitionReassignment tags");
      out.reassignments.push_back(std::move(o));
    }
    r.skip_tags("OngoingTopicReassignment tags");
  }
  r.skip_tags("ListPartitionReassignmentsResponse tags");
  KA_TRY_STATUS(r.finish());
  return out;
}

}  // namespace ka::kafka
