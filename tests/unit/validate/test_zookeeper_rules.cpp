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

TEST_CASE("a client port is set", "[zookeeper.client-port-missing]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"clientPort", "-"}}), 1), "zookeeper.client-port-missing");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"clientPort", "0"}}), 1), "zookeeper.client-port-missing");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"clientPort", "-"}, {"secureClientPort", "2281"}}), 1), "zookeeper.client-port-missing");
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
  // the dataDir is there and has no myid file: QuorumPeerConfig.checkValidity refuses
  EXPECT_ERROR(run_zk(zookeeper(), std::nullopt, true), "zookeeper.myid.member");
  // a single server line is ignored (ZooKeeper runs standalone): no myid needed, none checked
  auto one = props({{"dataDir", "/var/lib/zookeeper"}, {"clientPort", "2181"}, {"server.1", "10.0.4.11:2888:3888"}});
  EXPECT_NONE(run_zk(one, 7), "zookeeper.myid.member");
  EXPECT_NONE(run_zk(one, std::nullopt, true), "zookeeper.myid.member");
  EXPECT_WARNING(run_zk(one, 1), "zookeeper.ensemble");
  // ...unless standaloneEnabled=false makes even one server an ensemble
  EXPECT_ERROR(run_zk(with(one, {{"standaloneEnabled", "false"}, {"initLimit", "5"}, {"syncLimit", "2"}}), 7), "zookeeper.myid.member");
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

// The checks of QuorumPeerConfig.parseProperties in ZooKeeper 3.8, as it applies them.
TEST_CASE("numbers are read as Integer.parseInt reads them", "[zookeeper.number]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"maxClientCnxns", "60 connections"}}), 1), "zookeeper.number");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"syncLimit", "2147483648"}}), 1), "zookeeper.number");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"autopurge.purgeInterval", "1h"}}), 1), "zookeeper.number");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"tickTime", "+2000"}, {"initLimit", "010"}}), 1), "zookeeper.number");
  // ports: 0 is "not set", the rest must be 0 to 65535
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"clientPort", "-1"}}), 1), "zookeeper.number");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"secureClientPort", "65536"}}), 1), "zookeeper.number");
  // ZooKeeper accepts a negative limit; it is nonsense, so a warning
  EXPECT_WARNING(run_zk(with(zookeeper(), {{"initLimit", "-3"}}), 1), "zookeeper.number");
}

TEST_CASE("booleans are true or false in any case", "[zookeeper.boolean]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"standaloneEnabled", "yes"}}), 1), "zookeeper.boolean");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"quorumListenOnAllIPs", "1"}}), 1), "zookeeper.boolean");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"reconfigEnabled", "FALSE"}, {"syncEnabled", "True"}}), 1), "zookeeper.boolean");
}

TEST_CASE("electionAlg is 3", "[zookeeper.election-alg]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"electionAlg", "1"}}), 1), "zookeeper.election-alg");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"electionAlg", "3"}}), 1), "zookeeper.election-alg");
}

TEST_CASE("peerType is observer or participant", "[zookeeper.peer-type]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"peerType", "leader"}}), 1), "zookeeper.peer-type");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"peerType", "Participant"}}), 1), "zookeeper.peer-type");
}

TEST_CASE("requiring quorum SASL needs it enabled on both sides", "[zookeeper.quorum-sasl]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"quorum.auth.learnerRequireSasl", "true"}}), 1), "zookeeper.quorum-sasl");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"quorum.auth.enableSasl", "true"}, {"quorum.auth.serverRequireSasl", "true"}}), 1),
               "zookeeper.quorum-sasl");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"quorum.auth.enableSasl", "true"}, {"quorum.auth.serverRequireSasl", "true"},
                                        {"quorum.auth.learnerRequireSasl", "true"}}), 1),
              "zookeeper.quorum-sasl");
}

TEST_CASE("a custom metrics provider cannot be checked", "[zookeeper.metrics-provider]") {
  EXPECT_WARNING(run_zk(with(zookeeper(), {{"metricsProvider.className", "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider"}}), 1),
                 "zookeeper.metrics-provider");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"metricsProvider.className", "org.apache.zookeeper.metrics.impl.NullMetricsProvider"}}), 1),
              "zookeeper.metrics-provider");
}

TEST_CASE("session timeouts: min not above max, defaults from tickTime", "[zookeeper.session-timeout]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"minSessionTimeout", "50000"}}), 1), "zookeeper.session-timeout");  // max 20 ticks = 40000
  EXPECT_NONE(run_zk(with(zookeeper(), {{"minSessionTimeout", "40000"}}), 1), "zookeeper.session-timeout");
  // a negative tickTime makes the default minimum larger than the maximum
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"tickTime", "-2000"}}), 1), "zookeeper.session-timeout");
}

TEST_CASE("client port address and this node's server line agree", "[zookeeper.client-port]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"clientPort", "-"}, {"clientPortAddress", "127.0.0.1"}}), 1), "zookeeper.client-port");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.1", "10.0.4.11:2888:3888;2182"}}), 1), "zookeeper.client-port");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"server.1", "10.0.4.11:2888:3888;2181"}}), 1), "zookeeper.client-port");
  // another member's line is not this node's business
  EXPECT_NONE(run_zk(with(zookeeper(), {{"server.2", "10.0.4.12:2888:3888;2182"}}), 1), "zookeeper.client-port");
}

TEST_CASE("server lines as QuorumServer splits them", "[zookeeper.server.parse]") {
  // Java's split drops trailing empty parts; the value is not trimmed
  EXPECT_NONE(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:2888:3888:"}}), 1), "zookeeper.server.parse");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:2888:3888;"}}), 1), "zookeeper.server.parse");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:2888:3888 "}}), 1), "zookeeper.server.parse");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:2888:3888;2181;2182"}}), 1), "zookeeper.server.parse");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:2888:3888;1:2:3"}}), 1), "zookeeper.server.parse");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:2888:3888|10.0.5.13:2888:3888"}}), 1), "zookeeper.server.parse");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:65536:3888"}}), 1), "zookeeper.server.parse");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"server.3", "[fd00::13"}}), 1), "zookeeper.server.parse");
  // port 0 and an empty host (the local host) are what InetSocketAddress accepts
  EXPECT_NONE(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:0:3888"}}), 1), "zookeeper.server.parse");
  EXPECT_WARNING(run_zk(with(zookeeper(), {{"server.3", ":2888:3888"}}), 1), "zookeeper.server.parse");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"server.3", "10.0.4.13:2888:3888:OBSERVER"}}), 1), "zookeeper.server.parse");
}

TEST_CASE("observers need participants", "[zookeeper.ensemble]") {
  auto obs = props({{"dataDir", "/var/lib/zookeeper"}, {"clientPort", "2181"}, {"server.1", "10.0.4.11:2888:3888:observer"}});
  EXPECT_ERROR(run_zk(obs, 1), "zookeeper.ensemble");
  EXPECT_ERROR(run_zk(with(obs, {{"server.2", "10.0.4.12:2888:3888"}}), 1), "zookeeper.ensemble");
  EXPECT_ERROR(run_zk(props({{"dataDir", "/z"}, {"clientPort", "2181"}, {"standaloneEnabled", "false"}}), 1), "zookeeper.ensemble");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"server.4", "10.0.4.14:2888:3888:observer"}}), 1), "zookeeper.ensemble");
}

TEST_CASE("server lines beside a dynamic config file", "[zookeeper.dynamic-config]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"dynamicConfigFile", "/etc/zookeeper/zoo.cfg.dynamic"}}), 1), "zookeeper.dynamic-config");
}

TEST_CASE("an empty or one-letter relative dataDir fails ZooKeeper's path check", "[zookeeper.data-dir]") {
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"dataDir", ""}}), 1), "zookeeper.data-dir");
  EXPECT_ERROR(run_zk(with(zookeeper(), {{"dataLogDir", "z"}}), 1), "zookeeper.data-dir");
  EXPECT_WARNING(run_zk(with(zookeeper(), {{"dataDir", "zk/data"}}), 1), "zookeeper.data-dir");
  EXPECT_NONE(run_zk(with(zookeeper(), {{"dataLogDir", "/var/lib/zookeeper-log/"}}), 1), "zookeeper.data-dir");
}

TEST_CASE("a ZooKeeper config is known by its keys, whatever its name", "[zookeeper.recognise]") {
  CHECK(ka::is_zookeeper_key("dataDir"));
  CHECK(ka::is_zookeeper_key("tickTime"));
  CHECK(ka::is_zookeeper_key("server.12"));
  CHECK_FALSE(ka::is_zookeeper_key("server.properties"));
  CHECK_FALSE(ka::is_zookeeper_key("zookeeper.connect"));
  CHECK_FALSE(ka::is_zookeeper_key("log.dirs"));
}
