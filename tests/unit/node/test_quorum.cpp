#include <catch2/catch.hpp>

#include "node/quorum.hpp"

using namespace ka;

TEST_CASE("describe --status of Kafka 3.9+ (voters with directory ids and endpoints)") {
  auto s = parse_quorum_status(
      "ClusterId:              MkU3OEVBNTcwNTJENDM2Qg\n"
      "LeaderId:               2\n"
      "LeaderEpoch:            7\n"
      "HighWatermark:          1534\n"
      "MaxFollowerLag:         0\n"
      "MaxFollowerLagTimeMs:   0\n"
      "CurrentVoters:          [{\"id\": 1, \"directoryId\": \"J8aAPcfLQt2bqs1JT_rMgQ\", \"endpoints\": [\"CONTROLLER://10.0.1.11:9093\"]}, "
      "{\"id\": 2, \"directoryId\": \"b2iYbTYiQ9uTzSO4HQV0vw\", \"endpoints\": [\"CONTROLLER://10.0.1.12:9093\"]}, {\"id\": 3}]\n"
      "CurrentObservers:       [{\"id\": 101, \"directoryId\": \"ygHKJp6BR2WUnRt7Pj4eKQ\"}]\n");
  REQUIRE(s.ok());
  CHECK(s->leader_id == 2);
  CHECK(s->leader_epoch == 7);
  CHECK(s->voters.size() == 3);
  CHECK(s->voters[0].endpoints == std::vector<std::string>{"CONTROLLER://10.0.1.11:9093"});
  CHECK(s->has_voter(3));
  CHECK(s->has_observer(101));
  CHECK_FALSE(s->has_voter(101));
}

TEST_CASE("describe --status of Kafka 3.6-3.8 (plain id lists)") {
  auto s = parse_quorum_status(
      "ClusterId:              abc\nLeaderId:               1\nLeaderEpoch:            1\nHighWatermark:          10\n"
      "MaxFollowerLag:         0\nMaxFollowerLagTimeMs:   -1\nCurrentVoters:          [1,2,3]\nCurrentObservers:       [101,102]\n");
  REQUIRE(s.ok());
  CHECK(s->voters.size() == 3);
  CHECK(s->observers.size() == 2);
  CHECK(s->max_follower_lag_ms == -1);
}

TEST_CASE("garbage is an error, not an empty quorum") {
  CHECK_FALSE(parse_quorum_status("Error while executing: TimeoutException\n").ok());
  CHECK_FALSE(parse_quorum_status("ClusterId: x\nLeaderId: 1\nCurrentVoters: [oops\n").ok());
}
