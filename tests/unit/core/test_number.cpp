#include <catch2/catch.hpp>

#include <cstdint>

#include "core/number.hpp"

using namespace ka;

TEST_CASE("numbers from disk are taken whole or refused with their source named") {
  CHECK(*parse_number<int>("42", "f: k") == 42);
  CHECK(*parse_number<int>(" -1\n", "f: k") == -1);
  CHECK(*parse_number<uint16_t>("9092\r\n", "f: port") == 9092);

  auto partial = parse_number<int>("21x81", "/etc/kafka/zookeeper.properties: clientPort");
  REQUIRE_FALSE(partial.ok());
  CHECK(partial.error().code == Exit::usage);
  CHECK(partial.error().message == "/etc/kafka/zookeeper.properties: clientPort: '21x81' is not a whole number");

  for (const char* bad : {"", "   ", "abc", "+5", "0x10", "1.5", "1 2", "--1"}) {
    INFO(bad);
    CHECK_FALSE(parse_number<int>(bad, "f").ok());
  }
  auto big = parse_number<int>("99999999999", "/var/lib/zookeeper/myid");
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message == "/var/lib/zookeeper/myid: 99999999999 is out of range");
  CHECK_FALSE(parse_number<uint16_t>("65536", "port").ok());
  CHECK_FALSE(parse_number<uint16_t>("-1", "port").ok());
  CHECK(*parse_number<long long>("9223372036854775807", "x") == 9223372036854775807LL);
}
