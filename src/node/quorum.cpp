#include "node/quorum.hpp"

#include <nlohmann/json.hpp>
#include <sstream>
#include <type_traits>

#include "core/number.hpp"

namespace ka {

bool QuorumStatus::has_voter(int id) const {
  for (const auto& v : voters)
    if (v.id == id) return true;
  return false;
}
bool QuorumStatus::has_observer(int id) const {
  for (const auto& v : observers)
    if (v.id == id) return true;
  return false;
}

namespace {

Result<std::vector<QuorumReplica>> parse_replicas(const std::string& text, const std::string& field) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array())
    return fail("kafka-metadata-quorum.sh printed an unreadable " + field + ": " + text);
  std::vector<QuorumReplica> out;
  for (const auto& e : j) {
    QuorumReplica r;
    if (e.is_number_integer()) {
      r.id = e.get<int>();
    } else if (e.is_object() && e.contains("id") && e["id"].is_number_integer()) {
      r.id = e["id"].get<int>();
      if (e.contains("directoryId") && e["directoryId"].is_string()) r.directory_id = e["directoryId"].get<std::string>();
      if (e.contains("endpoints") && e["endpoints"].is_array())
        for (const auto& ep : e["endpoints"])
          if (ep.is_string()) r.endpoints.push_back(ep.get<std::string>());
    } else {
      return fail("kafka-metadata-quorum.sh printed an unreadable " + field + " entry: " + e.dump());
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Result<QuorumStatus> parse_quorum_status(const std::string& output) {
  QuorumStatus s;
  bool seen_leader = false;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    auto b = value.find_first_not_of(' ');
    value = b == std::string::npos ? "" : value.substr(b);
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
    // Numbers with the one parser (core/number.hpp), not stoi in a try: "12abc" is not 12.
    auto number = [&](auto& field) -> Status {
      auto n = parse_number<std::remove_reference_t<decltype(field)>>(value, key);
      if (!n.ok()) return fail("kafka-metadata-quorum.sh printed an unreadable " + key + ": '" + value + "'");
      field = *n;
      return ok_status();
    };
    if (key == "ClusterId") s.cluster_id = value;
    else if (key == "LeaderId") { KA_TRY_STATUS(number(s.leader_id)); seen_leader = true; }
    else if (key == "LeaderEpoch") { KA_TRY_STATUS(number(s.leader_epoch)); }
    else if (key == "HighWatermark") { KA_TRY_STATUS(number(s.high_watermark)); }
    else if (key == "MaxFollowerLag") { KA_TRY_STATUS(number(s.max_follower_lag)); }
    else if (key == "MaxFollowerLagTimeMs") { KA_TRY_STATUS(number(s.max_follower_lag_ms)); }
    else if (key == "CurrentVoters") { KA_TRY(s.voters, parse_replicas(value, key)); }
    else if (key == "CurrentObservers") { KA_TRY(s.observers, parse_replicas(value, key)); }
  }
  if (!seen_leader || s.cluster_id.empty())
    return fail("kafka-metadata-quorum.sh printed no quorum status").note("its output was: " + output.substr(0, 400));
  return s;
}

}  // namespace ka
