// safe-to-stop as a declarative table: a recorded cluster snapshot (the JSON that
// `safe-to-stop --json` prints under "snapshot"), the node asked about, the answer expected.
#include <catch2/catch.hpp>

#include "kafka/gates.hpp"

using namespace ka::kafka;

namespace {

// 3 brokers (101-103), one topic "orders" RF 3 min.insync.replicas 2, and a 3-voter quorum whose
// leader's clock reads 100000 ms; substitutions below make each case.
const char* kHealthy = R"({
  "cluster": {"cluster_id": "c", "controller_id": 1, "live_brokers": [101, 102, 103]},
  "topics": {
    "orders": {"min_insync": 2, "partitions": [
      {"p": 0, "leader": 101, "replicas": [101, 102, 103], "isr": [101, 102, 103]},
      {"p": 1, "leader": 102, "replicas": [102, 103, 101], "isr": [102, 103, 101]}]},
    "__kafka_appliance_health_101": {"min_insync": 1, "partitions": [{"p": 0, "leader": 101, "replicas": [101], "isr": [101]}]}
  },
  "quorum": {"leader_id": 1, "voters": [
    {"id": 1, "last_caught_up_ms": 100000}, {"id": 2, "last_caught_up_ms": 99800}, {"id": 3, "last_caught_up_ms": 99500}]},
  "reassignments": []
})";

nlohmann::json healthy() { return nlohmann::json::parse(kHealthy); }

struct Case {
  const char* name;
  std::function<void(nlohmann::json&)> change;
  StopTarget target;
  bool safe;
  const char* reason;  // a part of the first reason, when not safe
};

StopTarget broker(int id, bool port_open = true) { return {id, true, false, port_open, std::chrono::milliseconds(2000)}; }
StopTarget voter(int id) { return {id, false, true, false, std::chrono::milliseconds(2000)}; }
StopTarget combined(int id) { return {id, true, true, true, std::chrono::milliseconds(2000)}; }

void isr(nlohmann::json& j, int p, std::vector<int> v) { j["topics"]["orders"]["partitions"][p]["isr"] = v; }

}  // namespace

TEST_CASE("safe-to-stop on recorded snapshots") {
  const std::vector<Case> cases = {
      {"all in sync: any broker may stop", [](auto&) {}, broker(101), true, ""},
      {"its own RF-1 health topic does not hold a broker", [](auto&) {}, broker(101), true, ""},
      {"another broker already down (not live, still in the ISR): stopping a third drops below min ISR",
       [](auto& j) { j["cluster"]["live_brokers"] = {101, 103}; }, broker(101), false, "below min.insync.replicas=2"},
      {"another broker down and out of the ISR",
       [](auto& j) {
         j["cluster"]["live_brokers"] = {101, 103};
         isr(j, 0, {101, 103});
         isr(j, 1, {103, 101});
       },
       broker(103), false, "orders-0 would have 1 in-sync replica(s)"},
      {"min.insync.replicas=1 tolerates two down",
       [](auto& j) {
         j["cluster"]["live_brokers"] = {101, 103};
         j["topics"]["orders"]["min_insync"] = 1;
       },
       broker(101), true, ""},
      {"the only in-sync replica would take its partition offline",
       [](auto& j) {
         j["topics"]["orders"]["min_insync"] = 1;
         isr(j, 0, {101});
       },
       broker(101), false, "orders-0 would go offline"},
      {"a broker out of every ISR may stop even when others are thin",
       [](auto& j) {
         isr(j, 0, {101, 102});
         isr(j, 1, {102, 101});
       },
       broker(103), true, ""},
      {"a reassignment adding this broker", [](auto& j) {
         j["reassignments"] = nlohmann::json::parse(R"([{"topic": "orders", "p": 1, "replicas": [102, 103, 101, 104], "adding": [104]}])");
         j["cluster"]["live_brokers"].push_back(104);
       },
       broker(104), false, "reassignment of orders-1 in progress"},
      {"a reassignment led by this broker", [](auto& j) {
         j["reassignments"] = nlohmann::json::parse(R"([{"topic": "orders", "p": 1, "replicas": [102, 103, 101, 104], "adding": [104]}])");
       },
       broker(102), false, "(its leader)"},
      {"a reassignment elsewhere does not hold it", [](auto& j) {
         j["reassignments"] = nlohmann::json::parse(R"([{"topic": "orders", "p": 1, "replicas": [102, 103, 101, 104], "adding": [104]}])");
       },
       broker(103), true, ""},
      {"registered, port open, not yet unfenced: log recovery", [](auto& j) { j["cluster"]["live_brokers"] = {102, 103}; }, broker(101, true),
       false, "recovering its logs"},
      {"not running at all: nothing to protect", [](auto& j) {
         j["cluster"]["live_brokers"] = {102, 103};
         isr(j, 0, {102, 103});
         isr(j, 1, {102, 103});
       },
       broker(101, false), true, ""},
      {"the brokers could not be read", [](auto& j) { j["unreadable"] = {{"cluster", "DescribeCluster: all brokers down"}}; }, broker(101),
       false, "cannot read the cluster"},
      {"all voters caught up: a follower voter may stop", [](auto&) {}, voter(2), true, ""},
      {"the leader may stop too (leadership moves)", [](auto&) {}, voter(1), true, ""},
      {"another voter behind (down 30 s): a follower must not stop",
       [](auto& j) { j["quorum"]["voters"][2]["last_caught_up_ms"] = 70000; }, voter(2), false, "would leave 1 of 3 voters caught up"},
      {"another voter behind: the leader must not stop either",
       [](auto& j) { j["quorum"]["voters"][2]["last_caught_up_ms"] = 70000; }, voter(1), false, "not caught up within 2000 ms: [3]"},
      {"the voter that is behind may stop itself", [](auto& j) { j["quorum"]["voters"][2]["last_caught_up_ms"] = 70000; }, voter(3), true, ""},
      {"a voter never fetched (-1) is behind", [](auto& j) { j["quorum"]["voters"][1]["last_caught_up_ms"] = -1; }, voter(3), false,
       "[2]"},
      {"5 voters, 1 down: one more may stop",
       [](auto& j) {
         j["quorum"]["voters"] = nlohmann::json::parse(
             R"([{"id":1,"last_caught_up_ms":100000},{"id":2,"last_caught_up_ms":100000},{"id":3,"last_caught_up_ms":100000},{"id":4,"last_caught_up_ms":100000},{"id":5,"last_caught_up_ms":1}])");
       },
       voter(2), true, ""},
      {"no leader", [](auto& j) { j["quorum"]["leader_id"] = -1; }, voter(2), false, "no leader"},
      {"quorum unreadable", [](auto& j) { j["unreadable"] = {{"quorum", "DescribeQuorum: no listener answered"}}; }, voter(2), false,
       "cannot read the KRaft quorum"},
      {"not a voter: the quorum does not hold it", [](auto&) {}, voter(7), true, ""},
      {"combined: broker rules and voter rules both apply",
       [](auto& j) {
         j["quorum"]["voters"] = nlohmann::json::parse(
             R"([{"id":101,"last_caught_up_ms":100000},{"id":102,"last_caught_up_ms":100000},{"id":103,"last_caught_up_ms":1}])");
         j["quorum"]["leader_id"] = 101;
       },
       combined(102), false, "would leave 1 of 3 voters"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto j = healthy();
    c.change(j);
    auto s = snapshot_from_json(j, "case");
    INFO((s.ok() ? "" : s.error().message));
    REQUIRE(s.ok());
    auto d = safe_to_stop(*s, c.target);
    std::string all;
    for (const auto& r : d.reasons) all += r + "\n";
    INFO("reasons: " << all);
    CHECK(d.safe == c.safe);
    if (!c.safe) CHECK(all.find(c.reason) != std::string::npos);
    if (c.safe) CHECK_FALSE(d.checked.empty());
  }
}

TEST_CASE("a snapshot round-trips through its JSON, and a malformed one is a clear error") {
  auto s = snapshot_from_json(healthy(), "case");
  REQUIRE(s.ok());
  auto again = snapshot_from_json(snapshot_json(*s), "again");
  REQUIRE(again.ok());
  CHECK(snapshot_json(*again) == snapshot_json(*s));
  auto bad = snapshot_from_json(nlohmann::json::parse(R"({"topics": {"t": {"partitions": [{"p": "zero"}]}}})"), "snap.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("snap.json") == 0);
}

TEST_CASE("health topics are the product's, by prefix") {
  CHECK(is_health_topic("__kafka_appliance_health_101"));
  CHECK_FALSE(is_health_topic("orders"));
  CHECK_FALSE(is_health_topic("__consumer_offsets"));
}
