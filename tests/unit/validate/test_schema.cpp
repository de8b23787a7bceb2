// The generated schema (assets/schema/kafka-config.tsv): every key of every release, checked the
// way ConfigDef parses and validates. Expected verdicts were taken from the real ConfigDef of
// each release (ConfigDef.parseType + Validator.ensureValid run on the same values).
#include "helpers.hpp"
#include "validate/schema.hpp"

using namespace vt;
namespace s = ka::schema;

namespace {
std::optional<s::ValueError> check(const std::string& key, const std::string& value, const std::string& version) {
  const auto* d = s::find(key, ver(version));
  REQUIRE(d != nullptr);
  return s::check_value(*d, value);
}
}  // namespace

TEST_CASE("the schema covers every supported release", "[validate][schema]") {
  const auto& r = s::releases();
  REQUIRE(r.size() >= 20);
  CHECK(r.front() == ver("3.6.0"));
  CHECK(r.back() >= ver("4.4.0"));
  CHECK(s::keys_of(ver("3.6.0")).size() > 250);
  CHECK(s::keys_of(ver("4.3.1")).size() > 350);
  // a patch release that was not generated stands for itself through the one before it
  CHECK(s::release_for(ver("4.3.9")) == ver("4.3.1"));
  CHECK(s::find("zookeeper.connect", ver("3.9.1")) != nullptr);
  CHECK(s::find("zookeeper.connect", ver("4.0.0")) == nullptr);
  CHECK(s::releases_text("zookeeper.connect") == "3.6.0-3.9.1");
  const auto* roles = s::find("process.roles", ver("4.2.0"));
  REQUIRE(roles);
  CHECK(roles->required);
  CHECK(roles->type == s::Type::list);
  CHECK(s::find("controller.listener.names", ver("4.2.0"))->required);
  CHECK_FALSE(s::find("controller.listener.names", ver("4.1.1"))->required);
}

TEST_CASE("values are parsed as ConfigDef.parseType does", "[validate][schema]") {
  CHECK_FALSE(check("num.partitions", " +3 ", "3.9.1"));
  CHECK(check("num.partitions", "0x10", "3.9.1")->kind == "type");
  CHECK(check("num.partitions", "", "4.3.1")->kind == "type");
  CHECK(check("num.partitions", "0", "4.3.1")->message == "Invalid value 0 for configuration num.partitions: Value must be at least 1");
  CHECK_FALSE(check("log.cleaner.min.cleanable.ratio", "1e-1", "3.9.1"));
  CHECK_FALSE(check("log.cleaner.min.cleanable.ratio", "0x1p-2", "3.9.1"));
  CHECK_FALSE(check("log.cleaner.min.cleanable.ratio", "NaN", "3.9.1"));
  CHECK(check("log.cleaner.min.cleanable.ratio", "5d", "3.9.1")->message ==
        "Invalid value 5.0 for configuration log.cleaner.min.cleanable.ratio: Value must be no more than 1");
  CHECK(check("log.cleaner.min.cleanable.ratio", "1,5", "3.9.1")->kind == "type");
  CHECK_FALSE(check("auto.create.topics.enable", "TRUE ", "4.3.1"));
  CHECK(check("auto.create.topics.enable", "yes", "4.3.1")->message ==
        "Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false");
}

TEST_CASE("class names: what cannot be a class is refused, a custom class is not judged", "[validate][schema]") {
  CHECK(check("principal.builder.class", "true", "3.9.1")->message ==
        "Invalid value true for configuration principal.builder.class: Class true could not be found.");
  CHECK(check("sasl.server.callback.handler.class", "", "4.3.1")->kind == "type");
  CHECK(check("principal.builder.class", "Builder", "4.3.1")->kind == "type");  // no package
  CHECK_FALSE(check("principal.builder.class", " com.example.kafka.Builder$Inner ", "4.3.1"));
  // lists KafkaConfig instantiates: each item a class, or from 4.0 a built-in name of the default
  CHECK(check("group.consumer.assignors", "a,,b", "3.9.1")->message.find("Class a cannot be found") == 0);
  CHECK(check("group.consumer.assignors", ",", "4.1.2")->message.find("Class  cannot be found") == 0);
  CHECK(check("group.share.assignors", " x , y ", "4.1.2")->kind == "type");
  CHECK_FALSE(check("group.consumer.assignors", "uniform, range", "4.1.2"));
  CHECK(check("group.consumer.assignors", "uniform", "3.9.1")->kind == "type");  // names came in 4.0
  CHECK_FALSE(check("group.consumer.assignors", "org.apache.kafka.coordinator.group.assignor.RangeAssignor", "3.9.1"));
  CHECK_FALSE(check("group.share.assignors", "simple", "4.3.1"));
}

TEST_CASE("validators: valid strings, case-insensitive strings, metadata versions", "[validate][schema]") {
  CHECK(check("compression.type", "GZIP", "4.3.1")->kind == "validator");
  CHECK_FALSE(check("compression.type", " gzip", "4.3.1"));
  CHECK_FALSE(check("group.consumer.migration.policy", "upgrade", "3.9.1"));
  CHECK_FALSE(check("inter.broker.protocol.version", "3.9", "3.9.1"));
  CHECK_FALSE(check("inter.broker.protocol.version", "3.9-IV0", "3.9.1"));
  CHECK_FALSE(check("inter.broker.protocol.version", "3.9.1", "3.9.1"));
  CHECK(check("inter.broker.protocol.version", "3.9-IV9", "3.9.1"));
  CHECK(check("inter.broker.protocol.version", "3.9-iv0", "3.9.1"));
  CHECK(check("compression.gzip.level", "10", "4.3.1")->kind == "range");
  CHECK_FALSE(check("compression.gzip.level", "-1", "3.9.1"));
  CHECK(check("remote.log.manager.copier.thread.pool.size", "0", "3.9.1"));
  CHECK_FALSE(check("remote.log.manager.copier.thread.pool.size", "5", "3.9.1"));
}

TEST_CASE("list validators changed in 4.2: no empty, duplicate or blank items", "[validate][schema]") {
  // 3.9: every item must be a valid string, an empty list passes, duplicates pass
  CHECK_FALSE(check("process.roles", "broker,broker", "3.9.1"));
  CHECK_FALSE(check("process.roles", "", "3.9.1"));
  CHECK(check("process.roles", "broker,", "3.9.1"));
  CHECK_FALSE(check("sasl.enabled.mechanisms", "A,A", "3.9.1"));
  // 4.3
  CHECK_FALSE(check("process.roles", "broker,broker", "4.3.1"));  // AbstractConfig drops duplicates first
  CHECK(check("process.roles", "broker,", "4.3.1")->message == "Configuration 'process.roles' values must not be empty.");
  CHECK(check("process.roles", "", "4.3.1")->message ==
        "Configuration 'process.roles' must not be empty. Valid values include: [broker, controller]");
  CHECK(check("process.roles", " Broker", "4.3.1"));
  CHECK_FALSE(check("log.cleanup.policy", "", "4.3.1"));
  CHECK_FALSE(check("sasl.enabled.mechanisms", "A,A", "4.3.1"));
  CHECK(check("listeners", "PLAINTEXT://:9092,", "4.3.1"));
  CHECK(check("log.dirs", "", "4.3.1"));
}

TEST_CASE("quorum entries as QuorumConfig's validators read them", "[validate][schema]") {
  CHECK(check("controller.quorum.voters", "x", "3.9.1")->message ==
        "Invalid configuration value for controller.quorum.voters. Each entry should be in the form `{id}@{host}:{port}`.");
  CHECK_FALSE(check("controller.quorum.bootstrap.servers", "CONTROLLER://h:1", "4.3.1"));
  CHECK_FALSE(check("controller.quorum.bootstrap.servers", "h:1,[::1]:2", "4.3.1"));
}

TEST_CASE("a failing ConfigDef validator is an error", "[config.value]") {
  EXPECT_ERROR(run(with(broker(), {{"compression.type", "GZIP"}}), "4.2.0"), "config.value");
  EXPECT_ERROR(run(with(broker(), {{"log.cleanup.policy", "delete,,compact"}}), "3.9.1"), "config.value");
  EXPECT_NONE(run(with(broker(), {{"compression.type", "gzip"}}), "4.2.0"), "config.value");
}

TEST_CASE("a key without a default must be set", "[config.required]") {
  EXPECT_ERROR(run(with(broker(), {{"controller.listener.names", "-"}}), "4.2.0"), "config.required");
  EXPECT_NONE(run(with(broker(), {{"controller.listener.names", "-"}}), "4.1.1"), "config.required");
}

TEST_CASE("an unknown key is a warning with the closest key", "[config.unknown]") {
  auto v = run(with(broker(), {{"log.retention.hour", "72"}}), "4.2.0");
  EXPECT_WARNING(v, "config.unknown");
  bool suggested = false;
  for (const auto& x : v) suggested = suggested || x.fix.find("log.retention.hours") != std::string::npos;
  CHECK(suggested);
  // per-listener and plug-in keys are not unknown
  EXPECT_NONE(run(with(broker(), {{"listener.name.internal.ssl.keystore.type", "PKCS12"}}), "4.2.0"), "config.unknown");
  EXPECT_NONE(run(with(broker(), {{"rsm.config.bucket", "b"}}), "4.2.0"), "config.unknown");
}

TEST_CASE("a key of other releases only is a warning naming them", "[config.not-in-version]") {
  auto v = run(with(broker(), {{"zookeeper.connect", "zk1:2181"}}), "4.0.0");
  EXPECT_WARNING(v, "config.not-in-version");
  EXPECT_NONE(run(with(broker(), {{"zookeeper.connect", "zk1:2181"}}), "3.9.1"), "config.not-in-version");
}

TEST_CASE("a key the newest release no longer has warns before an upgrade", "[config.removed-later]") {
  EXPECT_WARNING(run(with(broker(), {{"log.message.format.version", "3.0"}}), "3.9.1"), "config.removed-later");
  EXPECT_NONE(run(broker(), "3.9.1"), "config.removed-later");
  EXPECT_NONE(run(zk_broker(), "3.9.1"), "config.removed-later");  // a ZooKeeper-mode broker changes wholesale
}

TEST_CASE("early start listeners are listeners of this node", "[listeners.early-start]") {
  EXPECT_ERROR(run(with(broker(), {{"early.start.listeners", "OTHER"}}), "3.9.1"), "listeners.early-start");
  // matched exactly against the normalised (upper-case) listener names, in every release
  for (const char* v : {"3.6.2", "3.9.1", "4.3.1"}) {
    EXPECT_ERROR(run(with(broker(), {{"early.start.listeners", "internal"}}), v), "listeners.early-start");
    EXPECT_NONE(run(with(broker(), {{"early.start.listeners", "INTERNAL"}}), v), "listeners.early-start");
  }
  // controller.listener.names only count when that listener is in listeners
  EXPECT_ERROR(run(with(broker(), {{"early.start.listeners", "CONTROLLER"}}), "4.3.1"), "listeners.early-start");
  EXPECT_NONE(run(with(controller(), {{"early.start.listeners", "CONTROLLER"}}), "4.3.1"), "listeners.early-start");
}

TEST_CASE("group heartbeat and session intervals lie within their min and max", "[groups.intervals]") {
  EXPECT_ERROR(run(with(broker(), {{"group.consumer.max.heartbeat.interval.ms", "4000"}}), "3.6.0"), "groups.intervals");
  EXPECT_ERROR(run(with(broker(), {{"group.consumer.session.timeout.ms", "70000"}}), "4.3.1"), "groups.intervals");
  EXPECT_ERROR(run(with(broker(), {{"group.share.min.session.timeout.ms", "50000"}}), "4.1.2"), "groups.intervals");
  EXPECT_NONE(run(with(broker(), {{"group.consumer.heartbeat.interval.ms", "6000"}}), "3.9.1"), "groups.intervals");
  EXPECT_ERROR(run(with(broker(), {{"group.streams.min.heartbeat.interval.ms", "99999"}}), "4.1.2"), "groups.intervals");
  EXPECT_NONE(run(with(broker(), {{"group.streams.min.heartbeat.interval.ms", "99999"}}), "4.0.1"), "groups.intervals");  // no streams groups
  EXPECT_NONE(run(broker(), "4.4.0"), "groups.intervals");
  // 3.9's GroupCoordinatorConfig checks the (early-access) share groups too
  EXPECT_ERROR(run(with(broker(), {{"group.share.min.session.timeout.ms", "50000"}}), "3.9.1"), "groups.intervals");
  // 4.0+: the heartbeat below the session timeout (equal is refused)
  const vt::KV hb_at_session = {{"group.consumer.max.heartbeat.interval.ms", "60000"}, {"group.consumer.heartbeat.interval.ms", "45000"}};
  EXPECT_ERROR(run(with(broker(), hb_at_session), "4.0.1"), "groups.intervals");
  EXPECT_NONE(run(with(with(broker(), hb_at_session), {{"group.consumer.heartbeat.interval.ms", "44999"}}), "4.0.1"), "groups.intervals");
  EXPECT_NONE(run(with(broker(), hb_at_session), "3.9.1"), "groups.intervals");
  EXPECT_ERROR(run(with(broker(), {{"group.share.min.session.timeout.ms", "15000"}, {"group.share.session.timeout.ms", "15000"},
                                   {"group.share.heartbeat.interval.ms", "15000"}}),
                   "4.1.2"),
               "groups.intervals");
  // 4.3+: assignment intervals
  EXPECT_ERROR(run(with(broker(), {{"group.consumer.assignment.interval.ms", "20000"}}), "4.3.1"), "groups.intervals");
  EXPECT_ERROR(run(with(broker(), {{"group.streams.max.assignment.interval.ms", "0"}, {"group.streams.min.assignment.interval.ms", "1"}}), "4.4.0"),
               "groups.intervals");
  EXPECT_NONE(run(with(broker(), {{"group.consumer.assignment.interval.ms", "20000"}}), "4.2.1"), "groups.intervals");  // not a 4.2 key
}

TEST_CASE("streams standby replicas within their maximum (4.1+)", "[groups.streams-replicas]") {
  EXPECT_ERROR(run(with(broker(), {{"group.streams.num.standby.replicas", "3"}}), "4.1.2"), "groups.streams-replicas");
  EXPECT_NONE(run(with(broker(), {{"group.streams.num.standby.replicas", "2"}}), "4.4.0"), "groups.streams-replicas");
  EXPECT_NONE(run(with(broker(), {{"group.streams.num.standby.replicas", "3"}}), "4.0.1"), "groups.streams-replicas");
}

TEST_CASE("streams warmup replicas within their maximum (4.4)", "[groups.streams-replicas]") {
  EXPECT_ERROR(run(with(broker(), {{"group.streams.num.warmup.replicas", "21"}}), "4.4.0"), "groups.streams-replicas");
  EXPECT_NONE(run(with(broker(), {{"group.streams.num.warmup.replicas", "20"}}), "4.4.0"), "groups.streams-replicas");
}

TEST_CASE("share group limits (ShareGroupConfig)", "[groups.intervals]") {
  // 4.1+: share sessions per broker at least the share group size
  EXPECT_ERROR(run(with(broker(), {{"group.share.max.share.sessions", "1"}}), "4.1.2"), "groups.intervals");
  EXPECT_NONE(run(with(broker(), {{"group.share.max.share.sessions", "200"}}), "4.4.0"), "groups.intervals");
  // record lock duration within its bounds from 3.9, delivery counts and record locks from 4.3
  EXPECT_ERROR(run(with(broker(), {{"group.share.max.record.lock.duration.ms", "40000"}, {"group.share.record.lock.duration.ms", "45000"}}),
                   "3.9.1"),
               "groups.intervals");
  EXPECT_NONE(run(with(broker(), {{"group.share.max.record.lock.duration.ms", "40000"}}), "3.9.1"), "groups.intervals");
  EXPECT_ERROR(run(with(broker(), {{"group.share.delivery.count.limit", "2"}, {"group.share.min.delivery.count.limit", "3"}}), "4.3.1"),
               "groups.intervals");
  EXPECT_NONE(run(with(broker(), {{"group.share.delivery.count.limit", "2"}, {"group.share.min.delivery.count.limit", "3"}}), "4.2.1"),
              "groups.intervals");  // no minimum key before 4.3
  // 4.4: the streams task offset interval has a minimum
  EXPECT_ERROR(run(with(broker(), {{"group.streams.task.offset.interval.ms", "1"}, {"group.streams.min.task.offset.interval.ms", "5"}}), "4.4.0"),
               "groups.intervals");
}

TEST_CASE("streams rack tags name each key once (4.4)", "[groups.streams-rack-tags]") {
  EXPECT_ERROR(run(with(broker(), {{"group.streams.rack.aware.assignment.tags", "zone,zone"}}), "4.4.0"), "groups.streams-rack-tags");
  EXPECT_NONE(run(with(broker(), {{"group.streams.rack.aware.assignment.tags", "zone, rack"}}), "4.4.0"), "groups.streams-rack-tags");
}

TEST_CASE("streams assignors are built-in names or classes (4.4)", "[config.type]") {
  EXPECT_ERROR(run(with(broker(), {{"group.streams.assignors", " x , y "}}), "4.4.0"), "config.type");
  EXPECT_NONE(run(with(broker(), {{"group.streams.assignors", "sticky"}}), "4.4.0"), "config.type");
}

TEST_CASE("exactly one share group assignor (4.1+)", "[groups.share-assignor]") {
  EXPECT_ERROR(run(with(broker(), {{"group.share.assignors", ""}}), "4.1.2"), "groups.share-assignor");
  EXPECT_ERROR(run(with(broker(), {{"group.share.assignors", "simple,org.example.Other"}}), "4.3.1"), "groups.share-assignor");
  EXPECT_NONE(run(with(broker(), {{"group.share.assignors", "simple,simple"}}), "4.3.1"), "groups.share-assignor");  // duplicates dropped
  EXPECT_ERROR(run(with(broker(), {{"group.share.assignors", "simple,simple"}}), "4.1.2"), "groups.share-assignor");  // not before 4.2
  EXPECT_NONE(run(with(broker(), {{"group.share.assignors", " simple "}}), "4.1.2"), "groups.share-assignor");
}

TEST_CASE("the classic group protocol stays enabled (3.7+)", "[groups.classic-required]") {
  EXPECT_ERROR(run(with(broker(), {{"group.coordinator.rebalance.protocols", "consumer"}}), "3.7.2"), "groups.classic-required");
  EXPECT_ERROR(run(with(broker(), {{"group.coordinator.rebalance.protocols", "consumer"}}), "4.3.1"), "groups.classic-required");
  EXPECT_NONE(run(with(broker(), {{"group.coordinator.rebalance.protocols", "consumer"}}), "3.6.2"), "groups.classic-required");
}

TEST_CASE("connection overrides are host:count pairs", "[connections.ip-overrides]") {
  EXPECT_ERROR(run(with(broker(), {{"max.connections.per.ip.overrides", "abc"}}), "4.3.1"), "connections.ip-overrides");
  EXPECT_ERROR(run(with(broker(), {{"max.connections.per.ip.overrides", "h:x"}}), "4.3.1"), "connections.ip-overrides");
  EXPECT_NONE(run(with(broker(), {{"max.connections.per.ip.overrides", "10.0.0.1:200, h:3"}}), "4.3.1"), "connections.ip-overrides");
}

TEST_CASE("a 3.x KRaft node needs a KRaft inter.broker.protocol.version", "[kraft.ibp-minimum]") {
  EXPECT_ERROR(run(with(broker(), {{"inter.broker.protocol.version", "2.8"}}), "3.9.1"), "kraft.ibp-minimum");
  EXPECT_ERROR(run(with(broker(), {{"inter.broker.protocol.version", "3.0-IV0"}}), "3.9.1"), "kraft.ibp-minimum");
  EXPECT_NONE(run(with(broker(), {{"inter.broker.protocol.version", "3.0"}}), "3.9.1"), "kraft.ibp-minimum");
  EXPECT_NONE(run(with(zk_broker(), {{"inter.broker.protocol.version", "2.8"}}), "3.9.1"), "kraft.ibp-minimum");
}

// MetadataVersion.fromVersionString takes a short version only for a release with a production
// version: 3.8 knows 3.9-IV0 (unstable) but not "3.9" (the real 3.8.1 refuses it).
TEST_CASE("a short metadata version names a production release", "[config.value]") {
  EXPECT_ERROR(run(with(zk_broker(), {{"log.message.format.version", "3.9"}}), "3.8.1"), "config.value");
  EXPECT_ERROR(run(with(zk_broker(), {{"inter.broker.protocol.version", "3.9.0"}}), "3.8.0"), "config.value");
  EXPECT_NONE(run(with(zk_broker(), {{"log.message.format.version", "3.9-IV0"}}), "3.8.1"), "config.value");
  EXPECT_NONE(run(with(zk_broker(), {{"log.message.format.version", "3.8"}}), "3.8.1"), "config.value");
  EXPECT_NONE(run(with(zk_broker(), {{"log.message.format.version", "3.9"}}), "3.9.1"), "config.value");
}
