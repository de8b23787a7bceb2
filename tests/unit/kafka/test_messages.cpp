// The native codecs against bytes real Kafka 4.3.1 sent (tests/data/kafka/README.md says how
// they were captured), and the failure cases a hostile or truncated answer makes.
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "kafka/messages.hpp"

using namespace ka::kafka;

namespace {

Bytes capture(const std::string& name) {
  std::ifstream in(std::string(KA_FIXTURES_DIR) + "/kafka/" + name, std::ios::binary);
  REQUIRE(in.good());
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("requests encode as the independent capture script sent them to real Kafka") {
  for (int16_t v : {3, 4}) CHECK(encode_api_versions_request(v) == capture("request-api-versions-v" + std::to_string(v) + ".bin"));
  for (int16_t v : {0, 1, 2}) CHECK(encode_describe_quorum_request(v) == capture("request-describe-quorum-v" + std::to_string(v) + ".bin"));
  // the capture asked with a 10 s timeout
  CHECK(encode_list_reassignments_request(10000) == capture("request-list-reassignments-v0.bin"));
}

TEST_CASE("ApiVersions v4 of a 4.3.1 controller and broker: APIs and features") {
  for (const char* who : {"controller", "broker"}) {
    auto r = decode_api_versions_response(capture(std::string(who) + "-api-versions-v4.bin"), 4);
    REQUIRE(r.ok());
    CHECK(r->error_code == 0);
    CHECK(r->apis.at(kApiVersions).max == 4);
    CHECK(r->apis.at(kDescribeQuorum).max == 2);
    CHECK(r->usable(kDescribeQuorum, 0, kDescribeQuorumMax) == 2);
    CHECK(r->usable(kListPartitionReassignments, 0, 0) == 0);
    CHECK(r->finalized_features.at("metadata.version").max_level == 30);  // 4.3-IV0, as formatted
    CHECK(r->finalized_features_epoch >= 0);
    // v4 lists features whose minimum is 0 (kraft.version); v3 omits them
    CHECK(r->supported_features.count("kraft.version") == 1);
    CHECK(r->finalized_features.at("kraft.version").max_level == 1);  // --standalone: a dynamic quorum
    auto v3 = decode_api_versions_response(capture(std::string(who) + "-api-versions-v3.bin"), 3);
    REQUIRE(v3.ok());
    CHECK(v3->supported_features.count("kraft.version") == 0);
    CHECK(v3->apis.size() == r->apis.size());
  }
  // the broker listener serves the client APIs (Produce = 0), the controller listener does not
  CHECK(decode_api_versions_response(capture("broker-api-versions-v4.bin"), 4)->apis.count(0) == 1);
  CHECK(decode_api_versions_response(capture("controller-api-versions-v4.bin"), 4)->apis.count(0) == 0);
}

TEST_CASE("DescribeQuorum v0-v2: leader, voters, observers, timestamps, endpoints") {
  for (const char* who : {"controller", "broker"}) {
    for (int16_t v : {0, 1, 2}) {
      INFO(who << " v" << v);
      auto r = decode_describe_quorum_response(capture(std::string(who) + "-describe-quorum-v" + std::to_string(v) + ".bin"), v);
      REQUIRE(r.ok());
      CHECK(r->error_code == 0);
      CHECK(r->partition_error == 0);
      CHECK(r->leader_id == 1);
      CHECK(r->leader_epoch >= 1);
      CHECK(r->high_watermark > 0);
      REQUIRE(r->voters.size() == 1);
      CHECK(r->voters[0].replica_id == 1);
      REQUIRE(r->observers.size() == 1);
      CHECK(r->observers[0].replica_id == 2);
      if (v >= 1) {
        // the leader reports "now" as its own caught-up time; stopped node 2 fetched 22.4 s before
        int64_t now = r->voters[0].last_caught_up_timestamp;
        CHECK(now - r->observers[0].last_fetch_timestamp > 20000);
        CHECK(r->observers[0].last_caught_up_timestamp <= r->observers[0].last_fetch_timestamp);
      } else {
        CHECK(r->voters[0].last_caught_up_timestamp == -1);
      }
      if (v >= 2) {
        REQUIRE(r->voters[0].directory_id);
        CHECK(uuid_base64(*r->voters[0].directory_id) == "eECe7R4jRrWQcOJ9-BGwEg");
        CHECK(uuid_base64(*r->observers[0].directory_id) == "M2x4BOVhtlVDmGhvVFZg4Q");
        REQUIRE(r->nodes.count(1) == 1);
        CHECK(r->nodes.at(1).at(0).name == "CONTROLLER");
        CHECK(r->nodes.at(1).at(0).host == "127.0.0.1");
        CHECK(r->nodes.at(1).at(0).port == 29093);
      }
    }
  }
  auto single = decode_describe_quorum_response(capture("single-voter-describe-quorum-v2.bin"), 2);
  REQUIRE(single.ok());
  CHECK(single->observers.empty());
}

TEST_CASE("ListPartitionReassignments: the pending move and an idle cluster") {
  for (const char* who : {"controller", "broker"}) {
    auto r = decode_list_reassignments_response(capture(std::string(who) + "-list-reassignments-v0.bin"));
    REQUIRE(r.ok());
    REQUIRE(r->reassignments.size() == 1);
    const auto& m = r->reassignments[0];
    CHECK(m.topic == "moving");
    CHECK(m.partition == 1);
    CHECK(m.replicas == std::vector<int32_t>{1, 2});
    CHECK(m.adding == std::vector<int32_t>{2});
    CHECK(m.removing.empty());
  }
  auto idle = decode_list_reassignments_response(capture("single-voter-list-reassignments-v0.bin"));
  REQUIRE(idle.ok());
  CHECK(idle->reassignments.empty());
}

TEST_CASE("every truncation of a real answer is an error naming the response, never a crash") {
  auto full = capture("controller-describe-quorum-v2.bin");
  for (size_t n = 0; n < full.size(); ++n) {
    Bytes cut(full.begin(), full.begin() + static_cast<long>(n));
    auto r = decode_describe_quorum_response(cut, 2);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("DescribeQuorum response v2") != std::string::npos);
  }
  auto av = capture("broker-api-versions-v4.bin");
  for (size_t n = 0; n < av.size(); n += 7) CHECK_FALSE(decode_api_versions_response(Bytes(av.begin(), av.begin() + static_cast<long>(n)), 4).ok());
  auto extra = full;
  extra.push_back(0);
  auto r = decode_describe_quorum_response(extra, 2);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("unread bytes") != std::string::npos);
}

TEST_CASE("a hostile array length is refused before anything is allocated") {
  Writer w;
  w.i16(0);           // ErrorCode
  w.compact_string(std::nullopt);
  w.uvarint(0x7fffffff);  // Topics: two billion elements in a few bytes
  auto r = decode_describe_quorum_response(w.bytes(), 2);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("Topics") != std::string::npos);
}

TEST_CASE("an UNSUPPORTED_VERSION answer comes in v0 and still says what the peer speaks") {
  Writer w;
  w.i16(kUnsupportedVersion);
  w.i32(1);
  w.i16(kApiVersions);
  w.i16(0);
  w.i16(2);
  auto r = decode_api_versions_response(w.bytes(), 4);
  REQUIRE(r.ok());
  CHECK(r->error_code == kUnsupportedVersion);
  CHECK(r->apis.at(kApiVersions).max == 2);
}

TEST_CASE("framing: length, header v2 with client ID and no tags; response header checked") {
  auto f = frame_request(kDescribeQuorum, 2, 7, "ka", {0xAB});
  CHECK(f == Bytes{0, 0, 0, 14, 0, 55, 0, 2, 0, 0, 0, 7, 0, 2, 'k', 'a', 0, 0xAB});
  auto v0 = frame_request(kApiVersions, 0, 1, "ka", {});
  CHECK(v0.size() == 4 + 10 + 2);  // no tag byte for a non-flexible request
  Bytes resp{0, 0, 0, 7, 0, 0xCD};
  auto off = response_body_offset(resp, kDescribeQuorum, 7);
  REQUIRE(off.ok());
  CHECK(*off == 5);
  CHECK_FALSE(response_body_offset(resp, kDescribeQuorum, 8).ok());
  CHECK(*response_body_offset(Bytes{0, 0, 0, 1, 9}, kApiVersions, 1) == 4);  // header v0
}

// A peer that is not Kafka (or a hostile one) on the port: the client refuses its "frame"
// without allocating it, and says which endpoint did it; one that never answers times out.
#include <arpa/inet.h>

#include "../node/fake_zk.hpp"  // the one-shot loopback listener double
#include "kafka/native.hpp"

TEST_CASE("a listener that answers junk or nothing is an error naming it, within the deadline") {
  FakeZkSocket junk("HTTP/1.1 400 Bad Request\r\n\r\n");
  ka::SystemClock clock;
  Env env{&clock, nullptr, nullptr, [](const std::string& h, int p, std::chrono::milliseconds) -> ka::Result<int> {
            int s = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_port = htons(static_cast<uint16_t>(p));
            inet_pton(AF_INET, h.c_str(), &to.sin_addr);
            if (::connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return ka::fail("connect");
            return s;
          }};
  HostPort where{"127.0.0.1", junk.port};
  auto r = describe_quorum({where}, env, clock.now() + std::chrono::seconds(5));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find(where.str() + " announced a response of") != std::string::npos);
  // The double accepts once: a second connection waits in its backlog, unanswered.
  auto t0 = clock.now();
  auto silent = api_versions(where, env, clock.now() + std::chrono::milliseconds(300));
  REQUIRE_FALSE(silent.ok());
  CHECK(silent.error().message.find("timed out waiting for an answer from " + where.str()) != std::string::npos);
  CHECK(clock.seconds_since(t0) < 0.65);
}
