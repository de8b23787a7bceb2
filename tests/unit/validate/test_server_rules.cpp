// One TEST_CASE per start-up rule, tagged with the rule id, checked on both sides of its version
// boundary where it has one.
#include "helpers.hpp"

using namespace vt;

TEST_CASE("realistic configs of every kind pass", "[validate][realistic]") {
  for (const char* v : {"3.6.2", "3.7.2", "3.8.1", "3.9.1", "4.0.0", "4.1.1", "4.2.0"}) {
    INFO("kafka " << v);
    EXPECT_CLEAN(run(controller(), v));
    EXPECT_CLEAN(run(broker(), v));
    EXPECT_CLEAN(run(combined(), v));
    CHECK(run(controller(), v).empty());
    CHECK(run(broker(), v).empty());
    CHECK(run(combined(), v).empty());
  }
  for (const char* v : {"3.6.2", "3.9.1"}) {
    INFO("kafka " << v);
    CHECK(run(zk_broker(), v).empty());
  }
  // Dynamic quorum (KIP-853) from 3.9: bootstrap servers instead of voters, advertised controller.
  for (const char* v : {"3.9.0", "4.0.0", "4.2.0"}) {
    INFO("kafka " << v);
    auto c = with(controller(), {{"controller.quorum.voters", "-"},
                                 {"controller.quorum.bootstrap.servers", kBootstrap},
                                 {"listeners", "CONTROLLER://0.0.0.0:9093"},
                                 {"advertised.listeners", "CONTROLLER://10.0.1.11:9093"}});
    CHECK(run(c, v).empty());
    CHECK(run(c, v, ka::FormatOptions{true, false, false}).empty());
    auto b = with(broker(), {{"controller.quorum.voters", "-"}, {"controller.quorum.bootstrap.servers", kBootstrap}});
    CHECK(run(b, v).empty());
    CHECK(run(b, v, ka::FormatOptions{false, false, true}).empty());
  }
}

TEST_CASE("unsupported Kafka versions are refused", "[version.supported]") {
  EXPECT_ERROR(run(broker(), "3.5.2"), "version.supported");
  EXPECT_ERROR(run(broker(), "5.0.0"), "version.supported");
  EXPECT_NONE(run(broker(), "3.6.0"), "version.supported");
  EXPECT_NONE(run(broker(), "4.9.0"), "version.supported");
}

TEST_CASE("numbers and booleans must parse as their ConfigDef type", "[config.type]") {
  for (const char* v : {"3.6.0", "4.2.0"}) {
    EXPECT_ERROR(run(with(broker(), {{"num.partitions", "three"}}), v), "config.type");
    EXPECT_ERROR(run(with(broker(), {{"offsets.topic.replication.factor", "40000"}}), v), "config.type");  // short
    EXPECT_ERROR(run(with(broker(), {{"log.retention.hours", "2147483648"}}), v), "config.type");        // int
    EXPECT_ERROR(run(with(broker(), {{"auto.create.topics.enable", "yes"}}), v), "config.type");
    EXPECT_NONE(run(with(broker(), {{"log.retention.ms", "2147483648"}}), v), "config.type");  // long
    EXPECT_NONE(run(with(broker(), {{"auto.create.topics.enable", "FALSE "}}), v), "config.type");
  }
}

TEST_CASE("numbers must be within the ConfigDef range", "[config.range]") {
  EXPECT_ERROR(run(with(broker(), {{"min.insync.replicas", "0"}}), "3.9.0"), "config.range");
  EXPECT_ERROR(run(with(broker(), {{"num.partitions", "0"}}), "4.0.0"), "config.range");
  EXPECT_NONE(run(with(broker(), {{"min.insync.replicas", "1"}}), "4.0.0"), "config.range");
}

TEST_CASE("process.roles is required from 4.0", "[roles.required]") {
  auto zk = zk_broker();
  EXPECT_ERROR(run(zk, "4.0.0"), "roles.required");
  EXPECT_NONE(run(zk, "3.9.1"), "roles.required");  // 3.x: a ZooKeeper-mode broker
  EXPECT_ERROR(run(with(broker(), {{"process.roles", ""}}), "4.2.0"), "roles.required");
}

TEST_CASE("process.roles accepts only broker and controller", "[roles.values]") {
  EXPECT_ERROR(run(with(broker(), {{"process.roles", "broker,zookeeper"}}), "3.6.0"), "roles.values");
  EXPECT_ERROR(run(with(broker(), {{"process.roles", "Broker"}}), "4.0.0"), "roles.values");
  EXPECT_NONE(run(broker(), "4.0.0"), "roles.values");
}

TEST_CASE("process.roles names a role once", "[roles.duplicate]") {
  EXPECT_ERROR(run(with(broker(), {{"process.roles", "broker,broker"}}), "3.8.0"), "roles.duplicate");
  EXPECT_NONE(run(combined(), "3.8.0"), "roles.duplicate");
  EXPECT_NONE(run(with(broker(), {{"process.roles", "broker,broker"}}), "4.2.1"), "roles.duplicate");  // deduplicated by Kafka
}

TEST_CASE("node.id and broker.id agree", "[ids.node-broker-match]") {
  EXPECT_ERROR(run(with(broker(), {{"broker.id", "102"}}), "3.7.0"), "ids.node-broker-match");
  EXPECT_ERROR(run(with(broker(), {{"broker.id", "102"}}), "4.1.0"), "ids.node-broker-match");
  EXPECT_NONE(run(with(broker(), {{"broker.id", "101"}}), "4.1.0"), "ids.node-broker-match");
}

TEST_CASE("KRaft needs a non-negative node.id", "[kraft.node-id]") {
  for (const char* v : {"3.6.0", "3.9.0", "4.0.0"}) {
    EXPECT_ERROR(run(with(broker(), {{"node.id", "-"}}), v), "kraft.node-id");
    EXPECT_ERROR(run(with(broker(), {{"node.id", "-1"}}), v), "kraft.node-id");
    // populateSynonyms: broker.id alone stands in for node.id
    EXPECT_NONE(run(with(broker(), {{"node.id", "-"}, {"broker.id", "101"}}), v), "kraft.node-id");
  }
}

TEST_CASE("listener.security.protocol.map entries parse", "[listeners.protocol-map-parse]") {
  EXPECT_ERROR(run(with(broker(), {{"listener.security.protocol.map", "INTERNAL:PLAINTEXT,CONTROLLER:TLS"}}), "3.9.0"),
               "listeners.protocol-map-parse");
  EXPECT_ERROR(run(with(broker(), {{"listener.security.protocol.map", "INTERNAL"}}), "4.0.0"), "listeners.protocol-map-parse");
  EXPECT_NONE(run(with(broker(), {{"listener.security.protocol.map", "internal:plaintext,CONTROLLER:SSL"}}), "4.0.0"),
              "listeners.protocol-map-parse");
}

TEST_CASE("listeners parse as NAME://host:port", "[listeners.parse]") {
  for (const char* v : {"3.6.0", "4.2.0"}) {
    EXPECT_ERROR(run(with(broker(), {{"listeners", "INTERNAL:10.0.2.21:9092"}}), v), "listeners.parse");
    EXPECT_ERROR(run(with(broker(), {{"listeners", "INTERNAL://10.0.2.21"}}), v), "listeners.parse");
    EXPECT_ERROR(run(with(broker(), {{"listeners", "INTERNAL://10.0.2.21:70000"}}), v), "listeners.parse");
    EXPECT_ERROR(run(with(broker(), {{"advertised.listeners", "INTERNAL://bad host:9092"}}), v), "listeners.parse");
    EXPECT_NONE(run(with(broker(), {{"listeners", "INTERNAL://[::1]:9092"}}), v), "listeners.parse");
    EXPECT_NONE(run(with(broker(), {{"listeners", "INTERNAL://:9092"}}), v), "listeners.parse");
  }
}

TEST_CASE("every listener has a security protocol", "[listeners.protocol-map]") {
  EXPECT_ERROR(run(with(broker(), {{"listeners", "EXTERNAL://0.0.0.0:9094,INTERNAL://0.0.0.0:9092"}}), "3.9.0"),
               "listeners.protocol-map");
  // Without an explicit map, KRaft maps the controller listener to PLAINTEXT by itself.
  EXPECT_NONE(run(with(controller(), {{"listener.security.protocol.map", "-"}}), "3.9.0"), "listeners.protocol-map");
  // ... but not when SSL is in use.
  EXPECT_ERROR(run(with(combined(), {{"listener.security.protocol.map", "-"},
                                     {"listeners", "SSL://10.0.1.11:9092,CONTROLLER://10.0.1.11:9093"},
                                     {"advertised.listeners", "SSL://10.0.1.11:9092"},
                                     {"inter.broker.listener.name", "SSL"}}),
                   "4.0.0"),
               "listeners.protocol-map");
}

TEST_CASE("listener names are unique", "[listeners.duplicate-name]") {
  EXPECT_ERROR(run(with(broker(), {{"listeners", "INTERNAL://0.0.0.0:9092,INTERNAL://0.0.0.0:9093"}}), "3.6.0"),
               "listeners.duplicate-name");
  EXPECT_ERROR(run(with(broker(), {{"advertised.listeners", "INTERNAL://a:9092,INTERNAL://b:9092"}}), "4.0.0"),
               "listeners.duplicate-name");
}

TEST_CASE("listener ports are unique except one IPv4 plus one IPv6", "[listeners.duplicate-port]") {
  auto b = with(broker(), {{"listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"}});
  EXPECT_ERROR(run(with(b, {{"listeners", "INTERNAL://0.0.0.0:9092,EXTERNAL://10.0.2.21:9092"}}), "3.9.0"),
               "listeners.duplicate-port");
  EXPECT_NONE(run(with(b, {{"listeners", "INTERNAL://10.0.2.21:9092,EXTERNAL://[fd00::21]:9092"}}), "3.9.0"),
              "listeners.duplicate-port");
  // advertised.listeners may repeat a port (a load balancer in front)
  EXPECT_NONE(run(with(b, {{"listeners", "INTERNAL://:9092,EXTERNAL://:9094"},
                           {"advertised.listeners", "INTERNAL://lb:9092,EXTERNAL://lb2:9092"}}),
                  "3.9.0"),
              "listeners.duplicate-port");
}

TEST_CASE("advertised listeners are never 0.0.0.0", "[listeners.advertised-meta-address]") {
  for (const char* v : {"3.6.0", "3.9.0", "4.2.0"}) {
    EXPECT_ERROR(run(with(broker(), {{"advertised.listeners", "INTERNAL://0.0.0.0:9092"}}), v), "listeners.advertised-meta-address");
    // no advertised.listeners: the 0.0.0.0 listener itself would be advertised
    EXPECT_ERROR(run(with(broker(), {{"advertised.listeners", "-"}}), v), "listeners.advertised-meta-address");
  }
  EXPECT_ERROR(run(with(zk_broker(), {{"advertised.listeners", "-"}}), "3.9.0"), "listeners.advertised-meta-address");
  // 3.9+ controller: an explicit 0.0.0.0 is refused, a 0.0.0.0 listener alone is not advertised as
  // such from 3.9.1 and 4.0.0 (3.9.0 advertised it as it is, and refused it)
  EXPECT_ERROR(run(with(controller(), {{"advertised.listeners", "CONTROLLER://0.0.0.0:9093"}}), "3.9.0"),
               "listeners.advertised-meta-address");
  EXPECT_ERROR(run(with(controller(), {{"listeners", "CONTROLLER://0.0.0.0:9093"}}), "3.9.0"), "listeners.advertised-meta-address");
  EXPECT_NONE(run(with(controller(), {{"listeners", "CONTROLLER://0.0.0.0:9093"}}), "3.9.1"), "listeners.advertised-meta-address");
  EXPECT_NONE(run(with(controller(), {{"listeners", "CONTROLLER://0.0.0.0:9093"}}), "4.0.0"), "listeners.advertised-meta-address");
  EXPECT_NONE(run(with(controller(), {{"listeners", "CONTROLLER://0.0.0.0:9093"}}), "3.8.0"), "listeners.advertised-meta-address");
  // a controller-only node's advertised broker listener is checked too
  const vt::KV adv_broker = {{"listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"},
                             {"advertised.listeners", "PLAINTEXT://0.0.0.0:9092"}};
  EXPECT_ERROR(run(with(controller(), adv_broker), "4.2.1"), "listeners.advertised-meta-address");
  EXPECT_NONE(run(with(with(controller(), adv_broker), {{"advertised.listeners", "PLAINTEXT://10.0.1.11:9092"}}), "4.2.1"),
              "listeners.advertised-meta-address");
}

TEST_CASE("inter.broker.listener.name excludes security.inter.broker.protocol", "[ibl.exclusive]") {
  EXPECT_ERROR(run(with(broker(), {{"security.inter.broker.protocol", "PLAINTEXT"}}), "3.6.0"), "ibl.exclusive");
  EXPECT_ERROR(run(with(broker(), {{"security.inter.broker.protocol", "PLAINTEXT"}}), "4.2.0"), "ibl.exclusive");
  EXPECT_NONE(run(broker(), "4.2.0"), "ibl.exclusive");
}

TEST_CASE("inter.broker.listener.name is in the protocol map", "[ibl.protocol-map]") {
  EXPECT_ERROR(run(with(broker(), {{"inter.broker.listener.name", "REPLICATION"}}), "3.9.0"), "ibl.protocol-map");
  EXPECT_ERROR(run(with(zk_broker(), {{"security.inter.broker.protocol", "TLS"}}), "3.9.0"), "ibl.protocol-map");
}

TEST_CASE("controller.quorum.voters entries parse", "[kraft.quorum.voters-parse]") {
  EXPECT_ERROR(run(with(broker(), {{"controller.quorum.voters", "1-10.0.1.11:9093"}}), "3.6.0"), "kraft.quorum.voters-parse");
  EXPECT_ERROR(run(with(broker(), {{"controller.quorum.voters", "one@10.0.1.11:9093"}}), "4.0.0"), "kraft.quorum.voters-parse");
  EXPECT_ERROR(run(with(broker(), {{"controller.quorum.voters", "1@10.0.1.11"}}), "4.0.0"), "kraft.quorum.voters-parse");
  EXPECT_NONE(run(with(broker(), {{"controller.quorum.voters", "1@[fd00::11]:9093"}}), "4.0.0"), "kraft.quorum.voters-parse");
  // a ZooKeeper-mode broker's ConfigDef parses the key too (KafkaConfig refuses "x" there)
  EXPECT_ERROR(run(with(zk_broker(), {{"controller.quorum.voters", "x"}}), "3.9.1"), "kraft.quorum.voters-parse");
  EXPECT_NONE(run(zk_broker(), "3.9.1"), "kraft.quorum.voters-parse");
  // empty items are entries too, which do not parse
  EXPECT_ERROR(run(with(zk_broker(), {{"controller.quorum.voters", ","}}), "3.6.2"), "kraft.quorum.voters-parse");
  EXPECT_ERROR(run(with(broker(), {{"controller.quorum.voters", "1@10.0.1.11:9093,"}}), "4.0.0"), "kraft.quorum.voters-parse");
}

TEST_CASE("voters are routable", "[kraft.quorum.voters-routable]") {
  // Kafka accepts it (QuorumConfig keeps 0.0.0.0 as a placeholder address), but no node reaches that voter
  EXPECT_WARNING(run(with(broker(), {{"controller.quorum.voters", "1@0.0.0.0:9093"}}), "3.9.0"), "kraft.quorum.voters-routable");
}

TEST_CASE("a voter id listed twice is a warning", "[kraft.quorum.voters-duplicate]") {
  EXPECT_WARNING(run(with(broker(), {{"controller.quorum.voters", "1@a:9093,1@b:9093"}}), "4.0.0"), "kraft.quorum.voters-duplicate");
}

TEST_CASE("bootstrap servers before 3.9 are a warning and do not replace the voters", "[kraft.quorum.bootstrap-version]") {
  auto b = with(broker(), {{"controller.quorum.voters", "-"}, {"controller.quorum.bootstrap.servers", kBootstrap}});
  auto v38 = run(b, "3.8.1");
  EXPECT_WARNING(v38, "kraft.quorum.bootstrap-version");
  EXPECT_ERROR(v38, "kraft.quorum.required");
  EXPECT_NONE(run(b, "3.9.0"), "kraft.quorum.bootstrap-version");
}

TEST_CASE("bootstrap servers parse as host:port", "[kraft.quorum.bootstrap-parse]") {
  auto b = with(broker(), {{"controller.quorum.voters", "-"}, {"controller.quorum.bootstrap.servers", "10.0.1.11"}});
  EXPECT_ERROR(run(b, "3.9.0"), "kraft.quorum.bootstrap-parse");
  EXPECT_NONE(run(b, "3.8.0"), "kraft.quorum.bootstrap-parse");
  // Utils.getHost/getPort skip any prefix, so a listener-qualified entry is accepted (as Kafka does)
  auto named = with(broker(), {{"controller.quorum.voters", "-"}, {"controller.quorum.bootstrap.servers", "CONTROLLER://10.0.1.11:9093"}});
  EXPECT_NONE(run(named, "4.2.0"), "kraft.quorum.bootstrap-parse");
  EXPECT_ERROR(run(with(b, {{"controller.quorum.bootstrap.servers", "h:70000"}}), "4.2.0"), "kraft.quorum.bootstrap-parse");
}

TEST_CASE("KRaft needs voters (3.6-3.8) or voters or bootstrap servers (3.9+)", "[kraft.quorum.required]") {
  auto none = with(broker(), {{"controller.quorum.voters", "-"}});
  EXPECT_ERROR(run(none, "3.8.1"), "kraft.quorum.required");
  EXPECT_ERROR(run(none, "3.9.0"), "kraft.quorum.required");
  EXPECT_ERROR(run(none, "4.2.0"), "kraft.quorum.required");
  auto dyn = with(none, {{"controller.quorum.bootstrap.servers", kBootstrap}});
  EXPECT_ERROR(run(dyn, "3.8.1"), "kraft.quorum.required");
  EXPECT_NONE(run(dyn, "3.9.0"), "kraft.quorum.required");
}

TEST_CASE("control.plane.listener.name is refused in KRaft mode (3.x) and ignored in 4.x", "[kraft.control-plane]") {
  auto b = with(broker(), {{"control.plane.listener.name", "INTERNAL"}});
  EXPECT_ERROR(run(b, "3.9.1"), "kraft.control-plane");
  EXPECT_NONE(run(b, "4.0.0"), "kraft.control-plane");
  EXPECT_WARNING(run(b, "4.0.0"), "config.not-in-version");
}

TEST_CASE("migration on a KRaft controller needs zookeeper.connect", "[kraft.migration.zk-connect]") {
  auto c = with(controller(), {{"zookeeper.metadata.migration.enable", "true"}});
  EXPECT_ERROR(run(c, "3.9.0"), "kraft.migration.zk-connect");
  EXPECT_NONE(run(with(c, {{"zookeeper.connect", "zk:2181"}}), "3.9.0"), "kraft.migration.zk-connect");
  EXPECT_NONE(run(c, "4.0.0"), "kraft.migration.zk-connect");
}

TEST_CASE("a controller is one of the static voters", "[kraft.controller.in-voters]") {
  auto c = with(controller(), {{"node.id", "4"}});
  EXPECT_ERROR(run(c, "3.6.0"), "kraft.controller.in-voters");
  EXPECT_ERROR(run(c, "4.2.0"), "kraft.controller.in-voters");
  EXPECT_ERROR(run(with(combined(), {{"node.id", "4"}}), "3.9.0"), "kraft.controller.in-voters");
  // 3.9+: with no static voters there is nothing to be a member of
  auto dyn = with(c, {{"controller.quorum.voters", "-"}, {"controller.quorum.bootstrap.servers", kBootstrap}});
  EXPECT_NONE(run(dyn, "3.9.0"), "kraft.controller.in-voters");
}

TEST_CASE("a controller has a controller listener", "[kraft.controller.listener-present]") {
  for (const char* v : {"3.8.0", "3.9.0", "4.1.0"}) {
    auto c = with(controller(), {{"controller.listener.names", "-"}});
    EXPECT_ERROR(run(c, v), "kraft.controller.listener-present");
  }
}

TEST_CASE("controller listener names appear in listeners", "[kraft.controller.names-in-listeners]") {
  auto c = with(controller(), {{"controller.listener.names", "CONTROLLER,CONTROLLER2"},
                               {"listener.security.protocol.map", "CONTROLLER:PLAINTEXT,CONTROLLER2:PLAINTEXT"}});
  EXPECT_ERROR(run(c, "3.6.0"), "kraft.controller.names-in-listeners");
  EXPECT_ERROR(run(c, "4.0.0"), "kraft.controller.names-in-listeners");
}

TEST_CASE("a controller may advertise its listener only from 3.9", "[kraft.controller.advertised-listeners]") {
  auto c = with(controller(), {{"advertised.listeners", "CONTROLLER://10.0.1.11:9093"}});
  EXPECT_ERROR(run(c, "3.8.1"), "kraft.controller.advertised-listeners");
  EXPECT_ERROR(run(c, "3.6.0"), "kraft.controller.advertised-listeners");
  EXPECT_NONE(run(c, "3.9.0"), "kraft.controller.advertised-listeners");
  CHECK(run(c, "3.9.0").empty());
  CHECK(run(c, "4.0.0").empty());
}

TEST_CASE("a controller-only node listens only on controller listeners", "[kraft.controller.listeners-only-controller]") {
  auto c = with(controller(), {{"listeners", "CONTROLLER://10.0.1.11:9093,PLAINTEXT://10.0.1.11:9092"},
                               {"listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"}});
  EXPECT_ERROR(run(c, "3.8.0"), "kraft.controller.listeners-only-controller");
  EXPECT_ERROR(run(c, "3.9.0"), "kraft.controller.listeners-only-controller");
  EXPECT_ERROR(run(c, "4.2.0"), "kraft.controller.listeners-only-controller");
  // the default listeners (PLAINTEXT://:9092) are a broker listener
  EXPECT_ERROR(run(with(controller(), {{"listeners", "-"}}), "4.0.0"), "kraft.controller.listeners-only-controller");
}

TEST_CASE("a controller-only node's inter-broker listener is not a controller listener (4.0+)", "[kraft.controller.ibl-not-controller]") {
  auto c = with(controller(), {{"inter.broker.listener.name", "CONTROLLER"}});
  EXPECT_NONE(run(c, "3.9.1"), "kraft.controller.ibl-not-controller");  // the real 3.9.0 and 3.9.1 accept it
  EXPECT_ERROR(run(c, "4.0.0"), "kraft.controller.ibl-not-controller");
  EXPECT_NONE(run(c, "3.8.0"), "kraft.controller.ibl-not-controller");
}

TEST_CASE("controller.listener.names is matched case-sensitively", "[kraft.controller.listeners-only-controller]") {
  // KafkaConfig compares the names as written with the normalised listener names
  EXPECT_ERROR(run(with(controller(), {{"controller.listener.names", "controller"}}), "3.9.1"), "kraft.controller.listeners-only-controller");
  EXPECT_ERROR(run(with(controller(), {{"controller.listener.names", "controller"}}), "4.3.1"), "kraft.controller.listeners-only-controller");
}

TEST_CASE("a broker does not advertise the controller listener before 3.9", "[kraft.broker.advertised-no-controller]") {
  auto c = with(combined(), {{"advertised.listeners", "PLAINTEXT://10.0.1.11:9092,CONTROLLER://10.0.1.11:9093"}});
  EXPECT_ERROR(run(c, "3.8.1"), "kraft.broker.advertised-no-controller");
  EXPECT_NONE(run(c, "3.9.0"), "kraft.broker.advertised-no-controller");
  CHECK_FALSE(ka::has_errors(run(c, "3.9.0")));
}

TEST_CASE("a broker-only node is not a voter", "[kraft.broker.not-in-voters]") {
  auto b = with(broker(), {{"node.id", "2"}});
  EXPECT_ERROR(run(b, "3.6.0"), "kraft.broker.not-in-voters");
  EXPECT_ERROR(run(b, "4.2.0"), "kraft.broker.not-in-voters");
}

TEST_CASE("a broker-only node names the controller listener", "[kraft.broker.controller-names]") {
  EXPECT_ERROR(run(with(broker(), {{"controller.listener.names", "-"}}), "3.7.0"), "kraft.broker.controller-names");
  EXPECT_ERROR(run(with(broker(), {{"controller.listener.names", "-"}}), "4.0.0"), "kraft.broker.controller-names");
}

TEST_CASE("a broker-only node does not listen on the controller listener", "[kraft.broker.no-controller-listener]") {
  auto b = with(broker(), {{"listeners", "INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093"}});
  EXPECT_ERROR(run(b, "3.9.0"), "kraft.broker.no-controller-listener");
  EXPECT_ERROR(run(b, "4.1.0"), "kraft.broker.no-controller-listener");
}

TEST_CASE("a broker's controller listener has a security protocol", "[kraft.broker.controller-protocol]") {
  auto b = with(broker(), {{"listener.security.protocol.map", "INTERNAL:PLAINTEXT"}});
  EXPECT_ERROR(run(b, "3.9.0"), "kraft.broker.controller-protocol");
  EXPECT_ERROR(run(b, "4.0.0"), "kraft.broker.controller-protocol");
  // default map + PLAINTEXT only: the controller listener is mapped implicitly
  auto d = with(broker(), {{"listener.security.protocol.map", "-"}, {"listeners", "PLAINTEXT://:9092"},
                           {"advertised.listeners", "PLAINTEXT://10.0.2.21:9092"}, {"inter.broker.listener.name", "PLAINTEXT"}});
  EXPECT_NONE(run(d, "4.0.0"), "kraft.broker.controller-protocol");
}

TEST_CASE("a broker uses only the first controller listener", "[kraft.broker.controller-names-multiple]") {
  auto b = with(broker(), {{"controller.listener.names", "CONTROLLER,CONTROLLER2"},
                           {"listener.security.protocol.map", "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,CONTROLLER2:SSL"}});
  EXPECT_WARNING(run(b, "3.9.0"), "kraft.broker.controller-names-multiple");
}

TEST_CASE("controller.quorum.auto.join.enable is for controllers (4.2+)", "[kraft.broker.auto-join]") {
  auto b = with(broker(), {{"controller.quorum.auto.join.enable", "true"}});
  EXPECT_ERROR(run(b, "4.2.0"), "kraft.broker.auto-join");
  EXPECT_NONE(run(b, "4.1.1"), "kraft.broker.auto-join");
  EXPECT_NONE(run(with(controller(), {{"controller.quorum.auto.join.enable", "true"}}), "4.2.0"), "kraft.broker.auto-join");
}

TEST_CASE("broker heartbeat at most half the session timeout", "[kraft.heartbeat-session]") {
  EXPECT_WARNING(run(with(broker(), {{"broker.heartbeat.interval.ms", "5000"}}), "4.0.0"), "kraft.heartbeat-session");
  EXPECT_NONE(run(with(broker(), {{"broker.heartbeat.interval.ms", "4500"}}), "4.0.0"), "kraft.heartbeat-session");
}

TEST_CASE("ZooKeeper mode needs zookeeper.connect", "[zk.connect.required]") {
  EXPECT_ERROR(run(with(zk_broker(), {{"zookeeper.connect", "-"}}), "3.6.0"), "zk.connect.required");
  EXPECT_ERROR(run(with(zk_broker(), {{"zookeeper.connect", "-"}}), "3.9.1"), "zk.connect.required");
  EXPECT_NONE(run(zk_broker(), "3.9.1"), "zk.connect.required");
}

// KafkaConfig accepts these; the ZooKeeper client refuses them when the broker starts, before it
// connects (judged by the differential oracle's start-up step, tests/kafka-config/KafkaConfigCheck.java).
TEST_CASE("zookeeper.connect parses as the ZooKeeper client reads it", "[zk.connect.parse]") {
  for (const char* bad : {"", " , ", "/kafka", "zk1:2181/a//b", "zk1/kafka/", "zk1/a/./b", "zk1:abc", "zk1: 2181", "zk1:99999",
                          "zk1:-1", "[::1"}) {
    INFO(bad);
    EXPECT_ERROR(run(with(zk_broker(), {{"zookeeper.connect", bad}}), "3.9.1"), "zk.connect.parse");
  }
  for (const char* good : {"zk1:2181", "zk1:2181,zk2:2181/kafka", "zk1:2181/", "[::1]:2181", "zk1:+2181", ":2181", "zk1,,x:",
                           " zk1:2181 "}) {
    INFO(good);
    EXPECT_NONE(run(with(zk_broker(), {{"zookeeper.connect", good}}), "3.6.2"), "zk.connect.parse");
  }
  EXPECT_NONE(run(with(zk_broker(), {{"zookeeper.connect", "-"}}), "3.9.1"), "zk.connect.parse");  // zk.connect.required says it
}

TEST_CASE("ZooKeeper-mode broker.id range", "[zk.broker-id.range]") {
  EXPECT_ERROR(run(with(zk_broker(), {{"broker.id", "1001"}}), "3.9.0"), "zk.broker-id.range");
  EXPECT_NONE(run(with(zk_broker(), {{"broker.id", "1001"}, {"reserved.broker.max.id", "2000"}}), "3.9.0"), "zk.broker-id.range");
  EXPECT_ERROR(run(with(zk_broker(), {{"broker.id", "-1"}, {"broker.id.generation.enable", "false"}}), "3.6.0"), "zk.broker-id.range");
  EXPECT_NONE(run(with(zk_broker(), {{"broker.id", "-1"}}), "3.6.0"), "zk.broker-id.range");
}

TEST_CASE("ZooKeeper mode without migration has no controller listener", "[zk.controller-names-empty]") {
  auto z = with(zk_broker(), {{"controller.listener.names", "CONTROLLER"}});
  EXPECT_ERROR(run(z, "3.7.0"), "zk.controller-names-empty");
  EXPECT_NONE(run(with(z, {{"zookeeper.metadata.migration.enable", "true"}, {"controller.quorum.voters", kVoters},
                           {"listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"}}),
                  "3.7.0"),
              "zk.controller-names-empty");
}

TEST_CASE("migration needs the KRaft quorum", "[zk.migration.quorum]") {
  auto z = with(zk_broker(), {{"zookeeper.metadata.migration.enable", "true"}, {"controller.listener.names", "CONTROLLER"},
                              {"listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"}});
  EXPECT_ERROR(run(z, "3.6.0"), "zk.migration.quorum");
  EXPECT_NONE(run(with(z, {{"controller.quorum.voters", kVoters}}), "3.6.0"), "zk.migration.quorum");
  EXPECT_ERROR(run(with(z, {{"controller.quorum.bootstrap.servers", kBootstrap}}), "3.8.0"), "zk.migration.quorum");
  EXPECT_NONE(run(with(z, {{"controller.quorum.bootstrap.servers", kBootstrap}}), "3.9.0"), "zk.migration.quorum");
}

TEST_CASE("migration needs controller.listener.names", "[zk.migration.controller-names]") {
  auto z = with(zk_broker(), {{"zookeeper.metadata.migration.enable", "true"}, {"controller.quorum.voters", kVoters}});
  EXPECT_ERROR(run(z, "3.9.0"), "zk.migration.controller-names");
}

TEST_CASE("migration needs inter.broker.protocol.version 3.4+", "[zk.migration.ibp]") {
  auto z = with(zk_broker(), {{"zookeeper.metadata.migration.enable", "true"}, {"controller.quorum.voters", kVoters},
                              {"controller.listener.names", "CONTROLLER"},
                              {"listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"}});
  EXPECT_ERROR(run(with(z, {{"inter.broker.protocol.version", "3.3-IV3"}}), "3.9.0"), "zk.migration.ibp");
  EXPECT_NONE(run(with(z, {{"inter.broker.protocol.version", "3.4"}}), "3.9.0"), "zk.migration.ibp");
}

TEST_CASE("ZooKeeper-mode control plane listener", "[zk.control-plane]") {
  auto z = with(zk_broker(), {{"listeners", "PLAINTEXT://0.0.0.0:9092,CP://0.0.0.0:9095"},
                              {"listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CP:PLAINTEXT"},
                              {"control.plane.listener.name", "CP"}});
  EXPECT_ERROR(run(z, "3.9.0"), "zk.control-plane");  // not advertised
  EXPECT_NONE(run(with(z, {{"advertised.listeners", "PLAINTEXT://10.0.3.5:9092,CP://10.0.3.5:9095"}}), "3.9.0"), "zk.control-plane");
}

TEST_CASE("a broker advertises at least one broker listener", "[broker.advertised-nonempty]") {
  auto c = with(combined(), {{"listeners", "CONTROLLER://10.0.1.11:9093"}, {"advertised.listeners", "-"}});
  EXPECT_ERROR(run(c, "3.9.0"), "broker.advertised-nonempty");
  EXPECT_ERROR(run(c, "3.6.0"), "broker.advertised-nonempty");
}

TEST_CASE("the inter-broker listener is advertised", "[broker.ibl-advertised]") {
  auto b = with(broker(), {{"listeners", "INTERNAL://0.0.0.0:9092,REPL://0.0.0.0:9091"},
                           {"listener.security.protocol.map", "INTERNAL:PLAINTEXT,REPL:PLAINTEXT,CONTROLLER:PLAINTEXT"},
                           {"inter.broker.listener.name", "REPL"}});
  EXPECT_ERROR(run(b, "3.6.0"), "broker.ibl-advertised");
  EXPECT_ERROR(run(b, "4.2.0"), "broker.ibl-advertised");
  // security.inter.broker.protocol defaults to PLAINTEXT, which is not a listener here
  EXPECT_ERROR(run(with(broker(), {{"inter.broker.listener.name", "-"}}), "4.0.0"), "broker.ibl-advertised");
}

TEST_CASE("advertised names are listener names", "[broker.advertised-subset]") {
  auto b = with(broker(), {{"advertised.listeners", "INTERNAL://10.0.2.21:9092,EXTERNAL://203.0.113.5:9094"},
                           {"listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:SSL,CONTROLLER:PLAINTEXT"}});
  EXPECT_ERROR(run(b, "3.6.0"), "broker.advertised-subset");
  EXPECT_ERROR(run(b, "4.0.0"), "broker.advertised-subset");
}

TEST_CASE("SASL between brokers uses an enabled mechanism", "[sasl.inter-broker-mechanism]") {
  auto b = with(broker(), {{"listener.security.protocol.map", "INTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT"},
                           {"sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512"},
                           {"sasl.enabled.mechanisms", "PLAIN"}});
  EXPECT_ERROR(run(b, "3.9.0"), "sasl.inter-broker-mechanism");
  EXPECT_NONE(run(with(b, {{"listener.name.internal.sasl.enabled.mechanisms", "SCRAM-SHA-512"}}), "4.0.0"),
              "sasl.inter-broker-mechanism");
}

TEST_CASE("log.roll.ms is at least 1", "[log.roll]") {
  EXPECT_ERROR(run(with(broker(), {{"log.roll.ms", "0"}}), "3.9.0"), "log.roll");
  EXPECT_NONE(run(with(broker(), {{"log.roll.ms", "1"}}), "3.9.0"), "log.roll");
}

TEST_CASE("log retention is -1 or positive", "[log.retention]") {
  EXPECT_ERROR(run(with(broker(), {{"log.retention.hours", "0"}}), "4.0.0"), "log.retention");
  EXPECT_NONE(run(with(broker(), {{"log.retention.ms", "-1"}, {"log.retention.hours", "0"}}), "4.0.0"), "log.retention");
}

TEST_CASE("at least one log directory", "[log.dirs]") {
  EXPECT_ERROR(run(with(broker(), {{"log.dirs", " , "}}), "3.6.0"), "log.dirs");
  EXPECT_NONE(run(broker(), "3.6.0"), "log.dirs");
}

TEST_CASE("storage directories are absolute paths", "[storage.absolute-paths]") {
  EXPECT_ERROR(run(with(broker(), {{"log.dirs", "/var/lib/kafka/data, data"}}), "3.9.0"), "storage.absolute-paths");
  EXPECT_ERROR(run(with(broker(), {{"log.dirs", "-"}, {"log.dir", "./data"}}), "4.0.0"), "storage.absolute-paths");
  EXPECT_ERROR(run(with(controller(), {{"metadata.log.dir", " meta "}}), "4.0.0"), "storage.absolute-paths");
  EXPECT_NONE(run(broker(), "3.9.0"), "storage.absolute-paths");
  EXPECT_NONE(run(controller(), "4.0.0"), "storage.absolute-paths");
  // The violation names the key and the whole value as written.
  auto v = ka::validate_storage_paths(with(broker(), {{"log.dirs", "/a,b"}}));
  REQUIRE(v.size() == 1);
  CHECK(v[0].key == "log.dirs");
  CHECK(v[0].value == "/a,b");
  CHECK(v[0].rule.find("'b' is a relative path") != std::string::npos);
}

TEST_CASE("dedupe buffer of at least 1 MiB per cleaner thread", "[log.cleaner.dedupe]") {
  EXPECT_ERROR(run(with(broker(), {{"log.cleaner.threads", "200"}}), "3.9.0"), "log.cleaner.dedupe");
  EXPECT_ERROR(run(with(broker(), {{"log.cleaner.threads", "0"}}), "3.9.0"), "log.cleaner.dedupe");
  EXPECT_NONE(run(with(broker(), {{"log.cleaner.threads", "4"}}), "3.9.0"), "log.cleaner.dedupe");
}

TEST_CASE("replica fetch wait fits the socket and lag timeouts", "[replica.fetch-wait]") {
  EXPECT_ERROR(run(with(broker(), {{"replica.fetch.wait.max.ms", "40000"}}), "4.0.0"), "replica.fetch-wait");
  EXPECT_ERROR(run(with(broker(), {{"replica.lag.time.max.ms", "400"}}), "3.6.0"), "replica.fetch-wait");
}

TEST_CASE("offsets.commit.required.acks within the replication factor (3.x)", "[offsets.commit-acks]") {
  auto b = with(broker(), {{"offsets.commit.required.acks", "5"}});
  EXPECT_ERROR(run(b, "3.7.0"), "offsets.commit-acks");
  // 3.8: KafkaConfig still requires it; 3.9: GroupCoordinatorConfig does, for every role
  EXPECT_ERROR(run(b, "3.8.0"), "offsets.commit-acks");
  EXPECT_ERROR(run(with(controller(), {{"offsets.commit.required.acks", "-2"}}), "3.9.1"), "offsets.commit-acks");
  EXPECT_NONE(run(with(broker(), {{"offsets.commit.required.acks", "3"}}), "3.9.1"), "offsets.commit-acks");
  EXPECT_NONE(run(b, "4.0.0"), "offsets.commit-acks");  // the key is gone (a warning)
}

TEST_CASE("queued request bytes hold a whole request", "[socket.queued-bytes]") {
  EXPECT_ERROR(run(with(broker(), {{"queued.max.request.bytes", "1024"}}), "3.9.0"), "socket.queued-bytes");
  EXPECT_NONE(run(with(broker(), {{"queued.max.request.bytes", "-1"}}), "3.9.0"), "socket.queued-bytes");
}

TEST_CASE("zero connections per IP only with overrides", "[socket.max-connections]") {
  EXPECT_ERROR(run(with(broker(), {{"max.connections.per.ip", "0"}}), "4.0.0"), "socket.max-connections");
  EXPECT_NONE(run(with(broker(), {{"max.connections.per.ip", "0"}, {"max.connections.per.ip.overrides", "10.0.0.1:100"}}), "4.0.0"),
              "socket.max-connections");
}

TEST_CASE("failed authentication delay below the idle timeout", "[socket.auth-delay]") {
  // the key is connection.failed.authentication.delay.ms (KIP-306)
  for (const char* v : {"3.6.2", "3.9.0", "4.4.0"}) {
    EXPECT_ERROR(run(with(broker(), {{"connection.failed.authentication.delay.ms", "700000"}}), v), "socket.auth-delay");
    EXPECT_ERROR(run(with(controller(), {{"connections.max.idle.ms", "100"}}), v), "socket.auth-delay");  // default delay 100
  }
  EXPECT_NONE(run(with(broker(), {{"connections.max.idle.ms", "-1"}, {"connection.failed.authentication.delay.ms", "700000"}}), "3.9.0"),
              "socket.auth-delay");
  // an unknown key is no delay (only a warning)
  EXPECT_NONE(run(with(broker(), {{"failed.authentication.delay.ms", "700000"}}), "3.9.0"), "socket.auth-delay");
}

TEST_CASE("cordoned log dirs are log dirs of this broker (4.3+)", "[log.cordoned-dirs]") {
  for (const char* v : {"4.3.1", "4.4.0"}) {
    EXPECT_ERROR(run(with(broker(), {{"cordoned.log.dirs", "/var/lib/kafka/other"}}), v), "log.cordoned-dirs");
    EXPECT_ERROR(run(with(broker(), {{"cordoned.log.dirs", "*,/var/lib/kafka/data"}}), v), "log.cordoned-dirs");
    EXPECT_NONE(run(with(broker(), {{"cordoned.log.dirs", "*"}}), v), "log.cordoned-dirs");
    EXPECT_NONE(run(with(broker(), {{"cordoned.log.dirs", " /var/lib/kafka/data "}}), v), "log.cordoned-dirs");
    EXPECT_NONE(run(with(broker(), {{"log.dirs", "-"}, {"log.dir", "/d1,/d2"}, {"cordoned.log.dirs", "/d2"}}), v), "log.cordoned-dirs");
    // a controller-only node does not check it
    EXPECT_NONE(run(with(controller(), {{"cordoned.log.dirs", "/var/lib/kafka/other"}}), v), "log.cordoned-dirs");
  }
  EXPECT_NONE(run(with(broker(), {{"cordoned.log.dirs", "/var/lib/kafka/other"}}), "4.2.1"), "log.cordoned-dirs");  // not a 4.2 key
}

TEST_CASE("keys removed in 4.0 are warnings", "[config.not-in-version]") {
  auto b = with(broker(), {{"log.message.format.version", "3.0"}, {"zookeeper.connect", "zk:2181"}});
  auto v4 = run(b, "4.0.0");
  EXPECT_WARNING(v4, "config.not-in-version");
  CHECK(count(v4, "config.not-in-version", ka::Severity::warning) == 2);
  EXPECT_NONE(run(b, "3.9.0"), "config.not-in-version");
}

TEST_CASE("AclAuthorizer is gone in 4.x", "[removed.acl-authorizer]") {
  auto b = with(broker(), {{"authorizer.class.name", "kafka.security.authorizer.AclAuthorizer"}});
  EXPECT_ERROR(run(b, "4.0.0"), "removed.acl-authorizer");
  EXPECT_NONE(run(b, "3.9.0"), "removed.acl-authorizer");
  EXPECT_NONE(run(with(broker(), {{"authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"}}), "4.0.0"),
              "removed.acl-authorizer");
}

TEST_CASE("min.insync.replicas above the replication factor is a warning", "[advice.min-isr]") {
  EXPECT_WARNING(run(with(broker(), {{"min.insync.replicas", "4"}}), "4.0.0"), "advice.min-isr");
  EXPECT_NONE(run(broker(), "4.0.0"), "advice.min-isr");
}

TEST_CASE("log.dirs unset is a warning", "[advice.log-dirs]") {
  EXPECT_WARNING(run(with(broker(), {{"log.dirs", "-"}}), "3.9.0"), "advice.log-dirs");
  EXPECT_NONE(run(with(broker(), {{"log.dirs", "-"}, {"log.dir", "/data"}}), "3.9.0"), "advice.log-dirs");
}

TEST_CASE("violations carry key, value, rule, fix and source", "[validate][report]") {
  auto vs = run(with(controller(), {{"advertised.listeners", "CONTROLLER://10.0.1.11:9093"}}), "3.8.1");
  REQUIRE(vs.size() == 1);
  CHECK(vs[0].key == "advertised.listeners");
  CHECK(vs[0].value == "CONTROLLER://10.0.1.11:9093");
  CHECK_FALSE(vs[0].rule.empty());
  CHECK_FALSE(vs[0].fix.empty());
  CHECK(vs[0].source == "core/src/main/scala/kafka/server/KafkaConfig.scala");
  auto e = ka::violations_to_error(vs, "controller.properties");
  CHECK(e.code == ka::Exit::usage);
  REQUIRE(e.notes.size() == 1);
  CHECK(e.notes[0].find("advertised.listeners=CONTROLLER://10.0.1.11:9093") != std::string::npos);
  CHECK(e.notes[0].find("fix: ") != std::string::npos);
}

TEST_CASE("4.x without process.roles reports the missing role, not ZooKeeper-mode listener noise", "[validate][report]") {
  auto vs = run(zk_broker(), "4.0.0");
  EXPECT_ERROR(vs, "roles.required");
  CHECK(vt::count(vs, "roles.required", ka::Severity::error) == 1);
  CHECK(vt::count(vs, "listeners.advertised-meta-address", ka::Severity::error) == 0);
  EXPECT_WARNING(vs, "config.not-in-version");  // zookeeper.connect
  CHECK(ka::format_violations(vs).find("process.roles (not set)") != std::string::npos);
}
