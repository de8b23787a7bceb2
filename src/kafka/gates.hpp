// Day-2 gates as pure decisions over one ClusterSnapshot (DESIGN.md §9): the same snapshot gives
// the same answer, so each rule is tested on recorded snapshots (tests/unit/kafka/test_gates.cpp).
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "kafka/snapshot.hpp"

namespace ka::kafka {

// The product's own per-broker health topics (node/health.hpp): one partition, one replica, on
// its broker, so they are always "offline" while that broker is down; no gate counts them.
inline constexpr const char* kHealthTopicPrefix = "__kafka_appliance_health_";
bool is_health_topic(const std::string& name);

struct StopTarget {
  int32_t node_id = -1;
  bool broker = false, controller = false;
  // Its broker listener accepts connections: registered but not yet unfenced then means it is
  // starting or recovering its logs.
  bool broker_port_open = false;
  // A voter counts as caught up when it fetched the leader's end within this window
  // (controller.quorum.fetch.timeout.ms, as Strimzi's KafkaRoller).
  std::chrono::milliseconds caught_up_within{2000};
};

struct StopDecision {
  bool safe = false;
  std::vector<std::string> reasons;  // why not (empty when safe)
  std::vector<std::string> checked;  // what was checked and held
};

// Would stopping `t` now keep every partition at or above min.insync.replicas in-sync replicas
// (counting brokers already down), leave no partition offline, keep a majority of the voters
// caught up, and interrupt no reassignment or log recovery that needs it?
StopDecision safe_to_stop(const ClusterSnapshot& s, const StopTarget& t);

}  // namespace ka::kafka
