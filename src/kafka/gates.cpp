#include "kafka/gates.hpp"

#include <algorithm>
#include <set>

namespace ka::kafka {

bool is_health_topic(const std::string& name) { return name.rfind(kHealthTopicPrefix, 0) == 0; }

namespace {

std::string ids(const std::vector<int32_t>& v) {
  std::string o;
  for (auto i : v) o += (o.empty() ? "" : ",") + std::to_string(i);
  return "[" + o + "]";
}

bool has(const std::vector<int32_t>& v, int32_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Brokers that host a replica but are not live (unfenced) now: already down.
std::vector<int32_t> down_brokers(const ClusterSnapshot& s) {
  std::set<int32_t> all;
  for (const auto& t : s.topics)
    for (const auto& p : t.partitions) all.insert(p.replicas.begin(), p.replicas.end());
  std::vector<int32_t> out;
  for (auto id : all)
    if (!s.cluster->has_broker(id)) out.push_back(id);
  return out;
}

void check_partitions(const ClusterSnapshot& s, const StopTarget& t, StopDecision& d) {
  auto down = down_brokers(s);
  int counted = 0;
  size_t before = d.reasons.size();
  for (const auto& topic : s.topics) {
    if (is_health_topic(topic.name)) continue;
    int min_isr = s.min_insync.count(topic.name) ? s.min_insync.at(topic.name) : 1;
    for (const auto& p : topic.partitions) {
      if (!has(p.isr, t.node_id) && p.leader != t.node_id) continue;
      ++counted;
      std::vector<int32_t> left;
      for (auto r : p.isr)
        if (r != t.node_id && !has(down, r)) left.push_back(r);
      std::string tp = topic.name + "-" + std::to_string(p.partition);
      if (left.empty())
        d.reasons.push_back(tp + " would go offline: no other live in-sync replica (ISR " + ids(p.isr) +
                            (down.empty() ? "" : ", down " + ids(down)) + ")");
      else if (static_cast<int>(left.size()) < min_isr)
        d.reasons.push_back(tp + " would have " + std::to_string(left.size()) + " in-sync replica(s), below min.insync.replicas=" +
                            std::to_string(min_isr) + " (ISR " + ids(p.isr) + (down.empty() ? "" : ", down " + ids(down)) + ")");
    }
  }
  if (d.reasons.size() == before)
    d.checked.push_back(std::to_string(counted) + " partition(s) with node " + std::to_string(t.node_id) +
                        " in sync keep min.insync.replicas without it" + (down.empty() ? "" : " (brokers down: " + ids(down) + ")"));
}

void check_reassignments(const ClusterSnapshot& s, const StopTarget& t, StopDecision& d) {
  for (const auto& r : s.reassignments) {
    bool leads = false;
    for (const auto& topic : s.topics)
      if (topic.name == r.topic)
        for (const auto& p : topic.partitions) leads = leads || (p.partition == r.partition && p.leader == t.node_id);
    if (has(r.adding, t.node_id) || leads)
      d.reasons.push_back("reassignment of " + r.topic + "-" + std::to_string(r.partition) + " in progress (replicas " + ids(r.replicas) +
                          ", adding " + ids(r.adding) + ") needs node " + std::to_string(t.node_id) +
                          (leads ? " (its leader)" : " (a new replica)"));
  }
  if (s.reassignments.empty()) d.checked.push_back("no reassignment in progress");
}

void check_broker(const ClusterSnapshot& s, const StopTarget& t, StopDecision& d) {
  for (const char* part : {"cluster", "topics", "configs", "reassignments"})
    if (s.unreadable.count(part)) d.reasons.push_back(std::string("cannot read the ") + part + ": " + s.unreadable.at(part));
  if (!s.cluster || !d.reasons.empty()) return;
  if (!s.cluster->has_broker(t.node_id)) {
    if (t.broker_port_open) {
      d.reasons.push_back("broker " + std::to_string(t.node_id) +
                          " accepts connections but is not registered and unfenced yet: it is starting or recovering its logs, and stopping it now would start that over");
      return;
    }
    d.checked.push_back("broker " + std::to_string(t.node_id) + " is not serving (stopping it changes nothing for clients)");
  }
  check_partitions(s, t, d);
  check_reassignments(s, t, d);
}

void check_voter(const ClusterSnapshot& s, const StopTarget& t, StopDecision& d) {
  if (s.unreadable.count("quorum")) return d.reasons.push_back("cannot read the KRaft quorum: " + s.unreadable.at("quorum"));
  if (!s.quorum) return d.reasons.push_back("the KRaft quorum was not asked (no controller endpoint)");
  const auto& q = *s.quorum;
  bool voter = std::any_of(q.voters.begin(), q.voters.end(), [&](const auto& v) { return v.replica_id == t.node_id; });
  if (!voter) return d.checked.push_back("node " + std::to_string(t.node_id) + " is not a voter");
  int64_t now = -1;
  for (const auto& v : q.voters)
    if (v.replica_id == q.leader_id) now = v.last_caught_up_timestamp;
  if (q.leader_id < 0 || now < 0)
    return d.reasons.push_back("the quorum has no leader, or its leader reports no fetch times (DescribeQuorum v0)");
  size_t majority = q.voters.size() / 2 + 1, caught = 0;
  std::vector<int32_t> behind;
  for (const auto& v : q.voters) {
    if (v.replica_id == t.node_id) continue;
    bool ok = v.replica_id == q.leader_id || (v.last_caught_up_timestamp >= 0 && now - v.last_caught_up_timestamp <= t.caught_up_within.count());
    if (ok) ++caught;
    else behind.push_back(v.replica_id);
  }
  std::string what = std::to_string(caught) + " of " + std::to_string(q.voters.size()) + " voters caught up without node " +
                     std::to_string(t.node_id) + " (a majority is " + std::to_string(majority) + ")";
  if (caught < majority)
    d.reasons.push_back("stopping voter " + std::to_string(t.node_id) + " would leave " + what + "; not caught up within " +
                        std::to_string(t.caught_up_within.count()) + " ms: " + ids(behind));
  else
    d.checked.push_back(what + (q.leader_id == t.node_id ? "; it is the active controller: leadership moves on stop" : ""));
}

}  // namespace

StopDecision safe_to_stop(const ClusterSnapshot& s, const StopTarget& t) {
  StopDecision d;
  if (t.broker) check_broker(s, t, d);
  if (t.controller) check_voter(s, t, d);
  d.safe = d.reasons.empty();
  return d;
}

}  // namespace ka::kafka
