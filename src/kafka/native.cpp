#include "kafka/native.hpp"

#include <spdlog/spdlog.h>

namespace ka::kafka {

Result<ApiVersionsResponse> api_versions(const HostPort& where, const Env& env, Clock::time_point deadline) {
  KA_TRY(auto c, Connection::open(where, env, deadline));
  return c.versions();
}

bool Quorum::has_voter(int32_t id) const {
  for (const auto& v : state.voters)
    if (v.replica_id == id) return true;
  return false;
}

bool Quorum::has_observer(int32_t id) const {
  for (const auto& v : state.observers)
    if (v.replica_id == id) return true;
  return false;
}

const QuorumReplicaState* Quorum::replica(int32_t id) const {
  for (const auto* list : {&state.voters, &state.observers})
    for (const auto& v : *list)
      if (v.replica_id == id) return &v;
  return nullptr;
}

int64_t Quorum::leader_now_ms() const {
  const auto* l = replica(state.leader_id);
  return l ? l->last_caught_up_timestamp : -1;
}

namespace {

// One request to the first endpoint that gives an answer `accept` takes; the errors of the
// others, each naming its endpoint, when none does.
template <class Decode>
auto first_answer(const std::vector<HostPort>& endpoints, const Env& env, Clock::time_point deadline, int16_t api,
                  int16_t max_version, const Bytes& body, const char* what, Decode&& decode)
    -> decltype(decode(Bytes{}, int16_t{}, HostPort{})) {
  std::vector<std::string> errors;
  for (const auto& ep : endpoints) {
    auto c = Connection::open(ep, env, deadline);
    if (!c.ok()) {
      errors.push_back(c.error().message);
      continue;
    }
    int16_t v = c->versions().usable(api, 0, max_version);
    if (v < 0) {
      errors.push_back(ep.str() + " does not offer " + what);
      continue;
    }
    auto resp = c->call(api, v, body, deadline);
    if (!resp.ok()) {
      errors.push_back(resp.error().message);
      continue;
    }
    auto r = decode(*resp, v, ep);
    if (r.ok()) return r;
    errors.push_back(r.error().message);
    if (env.log) env.log->debug("{} from {}: {}", what, ep.str(), r.error().message);
  }
  std::string all;
  for (const auto& e : errors) all += (all.empty() ? "" : "; ") + e;
  return fail(std::string(what) + ": no listener answered (" + all + ")");
}

}  // namespace

Result<Quorum> describe_quorum(const std::vector<HostPort>& endpoints, const Env& env, Clock::time_point deadline) {
  return first_answer(endpoints, env, deadline, kDescribeQuorum, kDescribeQuorumMax, encode_describe_quorum_request(kDescribeQuorumMax),
                      "DescribeQuorum", [](const Bytes& body, int16_t v, const HostPort& ep) -> Result<Quorum> {
                        KA_TRY(auto r, decode_describe_quorum_response(body, v));
                        int16_t err = r.error_code != kNone ? r.error_code : r.partition_error;
                        if (err != kNone)
                          return fail(ep.str() + " answered " + error_name(err) +
                                      (r.error_message.empty() ? "" : ": " + r.error_message));
                        return Quorum{std::move(r), ep};
                      });
}

Result<ListReassignmentsResponse> list_reassignments(const std::vector<HostPort>& endpoints, const Env& env,
                                                     Clock::time_point deadline) {
  int32_t timeout = static_cast<int32_t>(left(env, deadline).count());
  return first_answer(endpoints, env, deadline, kListPartitionReassignments, 0, encode_list_reassignments_request(timeout),
                      "ListPartitionReassignments",
                      [](const Bytes& body, int16_t, const HostPort& ep) -> Result<ListReassignmentsResponse> {
                        KA_TRY(auto r, decode_list_reassignments_response(body));
                        if (r.error_code != kNone)
                          return fail(ep.str() + " answered " + error_name(r.error_code) +
                                      (r.error_message.empty() ? "" : ": " + r.error_message));
                        return r;
                      });
}

}  // namespace ka::kafka
