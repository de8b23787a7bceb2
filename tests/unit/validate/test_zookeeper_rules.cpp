// zookeeper.properties of an ensemble member (ZooKeeper's QuorumPeerConfig).
#include "helpers.hpp"

using namespace vt;

TEST_CASE("a realistic ensemble member passes", "[validate][realistic]") {
  CHECK(run_zk(zookeeper(), 1).empty());
  EXPECT_CLEAN(run_zk(zookeeper(), std::nullopt));
  // standalone ZooKeeper: no server lines, no limits needed
  CHECK(run_zk(props({{"dataDir", "/var/lib/zookeeper"}, {"clientPort", "2181"}}), std::nullopt).empty());
  // client port on the server line instead of clientPort, with an observer
  auto z = with(zookeeper(), {{"clientPort", "-"}, {"server.1", "10.0.4.11:2888:3888:participant;2181"},
                              {"server.4", "10.0.4.14:2888:3888:observer;2181"}});
  CHECK(run_zk(z, 1).empty());
}

TEST_CASE("dataDir is required", "[zookeeper.data-dir]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"dataDir", "-"}}), 1), "zookeeper.data-dir");
}

TEST_CASE("ports and limits are numbers", "[zookeeper.number]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"clientPort", "21810000"}}), 1), "zookeeper.number");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"tickTime", "2s"}}), 1), "zookeeper.number");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"tickTime", "0"}}), 1), "zookeeper.number");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"tickTime", "-"}}), 1), "zookeeper.number");  // default 3000
}

TEST_CASE("a client port is set", "[zookeeper.client-port]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"clientPort", "-"}}), 1), "zookeeper.client-port");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"clientPort", "-"}, {"secureClientPort", "2281"}}), 1), "zookeeper.client-port");
}

TEST_CASE("server lines parse", "[zookeeper.server.parse]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:2888"}}), 1), "zookeeper.server.parse");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:2888:3888:leader"}}), 1), "zookeeper.server.parse");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.x", "10.0.4.13:2888:3888"}}), 1), "zookeeper.server.parse");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:2888:2888"}}), 1), "zookeeper.server.parse");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"server.3", "[fd00::13]:2888:3888;0.0.0.0:2181"}}), 1), "zookeeper.server.parse");
}

TEST_CASE("server ids are unique", "[zookeeper.server.duplicate-id]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.01", "10.0.4.14:2888:3888"}}), 1), "zookeeper.server.duplicate-id");
}

TEST_CASE("members do not share an address", "[zookeeper.server.duplicate-address]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.3", "10.0.4.12:2888:3889"}}), 1), "zookeeper.server.duplicate-address");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"server.3", "10.0.4.12:2889:3889"}}), 1), "zookeeper.server.duplicate-address");
}

TEST_CASE("myid is one of the servers", "[zookeeper.myid.member]") {
  EXPECT_ERROR(run_zk(zookeeper(), 4), "zookeeper.myid.member");
  EXPECT_NONE(run_zk(zookeeper(), 3), "zookeeper.myid.member");
  EXPECT_WARNING(run_zk(zookeeper(), std::nullopt), "zookeeper.myid.member");
}

TEST_CASE("an ensemble sets initLimit and syncLimit", "[zookeeper.quorum-limits]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"initLimit", "-"}}), 1), "zookeeper.quorum-limits");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"syncLimit", "0"}}), 1), "zookeeper.quorum-limits");
}

TEST_CASE("an even ensemble is a warning", "[zookeeper.ensemble.even]") {
  EXPECT_WARNING(run_zk(with(zookeeper(), {{"server.4", "10.0.4.14:2888:3888"}}), 1), "zookeeper.ensemble.even");
  // observers do not vote
  EXPECT_NONE(run_zk(with(zookeeper(), {{"server.4", "10.0.4.14:2888:3888:observer"}}), 1), "zookeeper.ensemble.even");
}

TEST_CASE("four-letter-word whitelist sanity", "[zookeeper.4lw]") {
  EXPECT_WARNING(run_zk(with(zookeeper(), {{"4lw.commands.whitelist", "*"}}), 1), "zookeeper.4lw");
  EXPECT_WARNING(run_zk(with(zookeeper(), {{"4lw.commands.whitelist", "srvr,ruok,bogus"}}), 1), "zookeeper.4lw");
  EXPECT_WARNING(run_zk(with(zookeeper(), {{"4lw.commands.whitelist", "mntr"}}), 1), "zookeeper.4lw");
  EXPECT_NONE(run_zk(zookeeper(), 1), "zookeeper.4lw");
}
