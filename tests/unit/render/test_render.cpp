// Rules of render: sizing, replication defaults, listener handling, --set, and idempotent apply.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "render/example.hpp"
#include "render/render.hpp"
#include "../temp_dir.hpp"

using namespace ka;
using ka::test::TempDir;
namespace stdfs = std::filesystem;

namespace {

constexpr std::uint64_t MiB = 1024ULL * 1024ULL;

NodeInput controller(int id, const std::string& version = "4.2.0") {
  NodeInput in;
  in.role = "controller";
  in.node_id = std::to_string(id);
  in.kafka_version = version;
  in.controllers = {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"};
  in.memory = "4G";
  return in;
}

NodeInput broker(int id, const std::string& version = "4.2.0") {
  NodeInput in = controller(1, version);
  in.role = "broker";
  in.node_id = std::to_string(id);
  in.advertise = {"PLAINTEXT://10.0.2.21:9092"};
  return in;
}

RenderPlan plan_of(const NodeInput& in) {
  auto spec = build_node_spec(in);
  if (!spec) FAIL(spec.error().message);
  auto plan = plan_render(*spec);
  if (!plan) FAIL(plan.error().message);
  return *plan;
}

Error error_of(const NodeInput& in) {
  auto spec = build_node_spec(in);
  if (!spec) return spec.error();
  auto plan = plan_render(*spec);
  if (plan) FAIL("expected an error, got a plan for " << plan->node);
  return plan.error();
}

const PlannedFile& file(const RenderPlan& p, const std::string& path) {
  for (const auto& f : p.files)
    if (f.path == path) return f;
  FAIL("no planned file " << path);
  throw;
}

}  // namespace

TEST_CASE("heap: a quarter of memory for brokers, a third for metadata nodes, within bounds") {
  // A "1 GiB" VM reports about 985 MiB of MemTotal.
  const std::uint64_t one_gib_vm = 985 * MiB;
  CHECK(*heap_mib(Role::broker, one_gib_vm) == 256);
  CHECK(*heap_mib(Role::combined, one_gib_vm) == 256);
  CHECK(*heap_mib(Role::controller, one_gib_vm) == 320);
  CHECK(*heap_mib(Role::zookeeper, one_gib_vm) == 320);
  // On 1 GiB, heap plus ~200 MiB of JVM non-heap plus ~150 MiB of OS must leave page cache.
  for (Role r : {Role::broker, Role::controller, Role::combined, Role::zookeeper})
    CHECK(*heap_mib(r, one_gib_vm) + 200 + 150 <= 985 - 100);
  CHECK(*heap_mib(Role::broker, 4096 * MiB) == 1024);
  CHECK(*heap_mib(Role::broker, 8192 * MiB) == 2048);
  CHECK(*heap_mib(Role::broker, 64ULL * 1024 * MiB) == 6144);
  CHECK(*heap_mib(Role::controller, 4096 * MiB) == 1344);
  CHECK(*heap_mib(Role::controller, 64ULL * 1024 * MiB) == 4096);
  auto small = heap_mib(Role::broker, 512 * MiB);
  REQUIRE_FALSE(small.ok());
  CHECK(small.error().code == Exit::usage);
  CHECK_THAT(small.error().message, Catch::Contains("512 MiB is too little"));
}

TEST_CASE("Kafka's class-data archive goes to jvm.env's KAFKA_OPTS, with -Xshare:auto; never to ZooKeeper's") {
  auto spec = build_node_spec(controller(1));
  REQUIRE(spec.ok());
  auto env = [](const NodeSpec& s) {
    auto p = plan_render(s);
    if (!p) FAIL(p.error().message);
    for (const auto& f : p->files)
      if (f.path.filename() == "jvm.env") return f.content;
    FAIL("no jvm.env");
    return std::string();
  };
  CHECK(env(*spec).find("KAFKA_OPTS") == std::string::npos);
  spec->class_archive = "/var/lib/kafka-appliance-cds/k+j/server.jsa";
  CHECK_THAT(env(*spec), Catch::EndsWith("\nKAFKA_OPTS=\"-Xshare:auto -XX:SharedArchiveFile=/var/lib/kafka-appliance-cds/k+j/server.jsa\"\n"));
  NodeInput zk;
  zk.role = "zookeeper";
  zk.node_id = "1";
  zk.zookeeper_servers = {"1@10.0.3.11:2888:3888"};
  zk.memory = "2G";
  zk.kafka_version = "3.9.1";
  auto zspec = build_node_spec(zk);
  REQUIRE(zspec.ok());
  zspec->class_archive = "/var/lib/kafka-appliance-cds/k+j/server.jsa";
  CHECK(env(*zspec).find("KAFKA_OPTS") == std::string::npos);
}

TEST_CASE("heap is written to jvm.env from --memory") {
  auto in = broker(101);
  in.memory = "1G";
  auto env = file(plan_of(in), "/etc/kafka/jvm.env").content;
  CHECK_THAT(env, Catch::Contains("KAFKA_HEAP_OPTS=\"-Xms256m -Xmx256m\""));
  CHECK_THAT(env, Catch::Contains("JAVA_HOME=/opt/java\n"));
  CHECK_THAT(env, Catch::Contains("LOG_DIR=/var/log/kafka\n"));
  CHECK_THAT(env, Catch::Contains("KAFKA_LOG4J_OPTS=\"-Dlog4j2.configurationFile=/etc/kafka/log4j2.yaml\""));
  in.kafka_version = "3.9.1";
  in.memory = "16G";
  env = file(plan_of(in), "/etc/kafka/jvm.env").content;
  CHECK_THAT(env, Catch::Contains("-Xms4096m -Xmx4096m"));
  CHECK_THAT(env, Catch::Contains("KAFKA_LOG4J_OPTS=\"-Dlog4j.configuration=file:/etc/kafka/log4j.properties\""));
}

TEST_CASE("memory sizes parse in binary units; bad ones name the flag") {
  CHECK(*parse_memory("2G") == 2048 * MiB);
  CHECK(*parse_memory("1536M") == 1536 * MiB);
  CHECK(*parse_memory("1GiB") == 1024 * MiB);
  CHECK(*parse_memory("4096mb") == 4096 * MiB);
  for (const char* bad : {"", "G", "2X", "-1G", "0", "1.5G"}) {
    auto r = parse_memory(bad);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::StartsWith("--memory"));
  }
}

TEST_CASE("MemTotal is read from /proc/meminfo's format") {
  TempDir t;
  std::ofstream(t.path / "meminfo") << "MemTotal:        1008564 kB\nMemFree:          500000 kB\n";
  CHECK(*read_mem_total(t.path / "meminfo") == 1008564ULL * 1024);
  std::ofstream(t.path / "bad") << "nothing\n";
  CHECK_FALSE(read_mem_total(t.path / "bad").ok());
  CHECK_FALSE(read_mem_total(t.path / "missing").ok());
}

TEST_CASE("replication defaults follow the number of brokers") {
  struct Row {
    int brokers, replication_factor, min_insync, partitions;
  };
  for (const auto& row : {Row{1, 1, 1, 1}, Row{2, 2, 1, 1}, Row{3, 3, 2, 3}, Row{9, 3, 2, 3}}) {
    INFO(row.brokers << " brokers");
    auto d = replication_defaults(row.brokers);
    CHECK(d.replication_factor == row.replication_factor);
    CHECK(d.min_insync == row.min_insync);
    CHECK(d.partitions == row.partitions);
  }
}

TEST_CASE("a single-voter cluster gets replication factor 1; --broker-count overrides") {
  auto in = broker(101);
  in.controllers = {"1@10.0.1.11:9093"};
  auto p = plan_of(in);
  CHECK(p.config.get("default.replication.factor") == "1");
  CHECK(p.config.get("offsets.topic.replication.factor") == "1");
  CHECK(p.config.get("min.insync.replicas") == "1");
  CHECK(p.config.get("share.coordinator.state.topic.replication.factor") == "1");
  in.broker_count = "6";
  p = plan_of(in);
  CHECK(p.config.get("default.replication.factor") == "3");
  CHECK(p.config.get("transaction.state.log.min.isr") == "2");
  CHECK(p.config.get("min.insync.replicas") == "2");
}

TEST_CASE("listener flags: syntax errors name the flag and the value") {
  struct Bad {
    const char* value;
    const char* contains;
  };
  for (auto [value, contains] : {Bad{"PLAINTEXT:/x:9092", "is not NAME://HOST:PORT"}, Bad{"PLAIN TEXT://x:9092", "is not a listener name"},
                                 Bad{"PLAINTEXT://x", "has no port"}, Bad{"PLAINTEXT://x:0", "not a number from 1 to 65535"},
                                 Bad{"PLAINTEXT://x:70000", "not a number from 1 to 65535"}, Bad{"PLAINTEXT://fe80::1:9092", "needs brackets"},
                                 Bad{"PLAINTEXT://bad/host:9092", "is not a host name"}}) {
    auto r = parse_listener(value, "--listener");
    INFO(value);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Exit::usage);
    CHECK_THAT(r.error().message, Catch::StartsWith("--listener") && Catch::Contains(contains));
  }
  auto v6 = parse_listener("internal://[fe80::1]:9092", "--listener");
  REQUIRE(v6.ok());
  CHECK(v6->name == "INTERNAL");
  CHECK(v6->str() == "INTERNAL://[fe80::1]:9092");
  CHECK(parse_listener("PLAINTEXT://:9092", "--listener")->endpoint.host.empty());
}

TEST_CASE("0.0.0.0 is never advertised") {
  auto in = broker(101);
  in.advertise = {"PLAINTEXT://0.0.0.0:9092"};
  auto e = error_of(in);
  CHECK(e.code == Exit::usage);
  CHECK_THAT(e.message, Catch::Contains("--advertise PLAINTEXT://0.0.0.0:9092") && Catch::Contains("cannot be advertised"));
  in.advertise.clear();
  in.listeners = {"PLAINTEXT://0.0.0.0:9092"};
  e = error_of(in);
  CHECK_THAT(e.message, Catch::Contains("binds every interface"));
  CHECK_THAT(e.notes.at(0), Catch::Contains("--advertise PLAINTEXT://HOST:9092"));
  // A concrete bind address is advertised as it is.
  in.listeners = {"PLAINTEXT://10.0.2.21:9092"};
  CHECK(plan_of(in).config.get("advertised.listeners") == "PLAINTEXT://10.0.2.21:9092");
}

TEST_CASE("several broker listeners need --inter-broker-listener; protocols are explicit") {
  auto in = broker(101, "3.7.2");
  in.listeners = {"INTERNAL://:9092", "CLIENT://:9094"};
  in.advertise = {"INTERNAL://10.0.2.21:9092", "CLIENT://kafka-1.example.com:9094"};
  auto e = error_of(in);
  CHECK_THAT(e.message, Catch::Contains("several listeners"));
  CHECK_THAT(e.notes.at(0), Catch::Contains("--inter-broker-listener"));
  in.inter_broker_listener = "BOGUS";
  CHECK_THAT(error_of(in).message, Catch::Contains("--inter-broker-listener BOGUS is not one of this broker's listeners"));
  in.inter_broker_listener = "internal";
  in.protocols = {"CLIENT:SASL_SSL"};
  auto p = plan_of(in);
  CHECK(p.config.get("inter.broker.listener.name") == "INTERNAL");
  CHECK(p.config.get("listener.security.protocol.map") == "INTERNAL:PLAINTEXT,CLIENT:SASL_SSL,CONTROLLER:PLAINTEXT");
  CHECK(p.config.get("listeners") == "INTERNAL://:9092,CLIENT://:9094");
  in.protocols = {"OTHER:SSL"};
  CHECK_THAT(error_of(in).message, Catch::Contains("--protocol OTHER:SSL: this node has no listener named OTHER"));
  CHECK_THAT(parse_protocol("CLIENT:TLS").error().message, Catch::Contains("is not a security protocol"));
}

TEST_CASE("the controller listener in advertised.listeners: refused up to 3.8, written from 3.9") {
  auto in = controller(1, "3.8.1");
  CHECK_FALSE(plan_of(in).config.has("advertised.listeners"));
  in.advertise = {"CONTROLLER://10.0.1.11:9093"};
  auto e = error_of(in);
  CHECK_THAT(e.message, Catch::Contains("Kafka 3.8.1 refuses the controller listener in advertised.listeners"));
  in.kafka_version = "3.9.1";
  CHECK(plan_of(in).config.get("advertised.listeners") == "CONTROLLER://10.0.1.11:9093");
  in.advertise.clear();  // derived from the node's own voter entry
  CHECK(plan_of(in).config.get("advertised.listeners") == "CONTROLLER://10.0.1.11:9093");
  in.kafka_version = "4.2.0";
  CHECK(plan_of(in).config.get("listeners") == "CONTROLLER://:9093");
}

TEST_CASE("quorum and mode are checked against role and version") {
  auto in = controller(4);
  CHECK_THAT(error_of(in).message, Catch::Contains("--node-id 4 is not among the voters"));
  in = broker(2);
  CHECK_THAT(error_of(in).message, Catch::Contains("--node-id 2 is a controller"));
  in = controller(1);
  in.role = "brokr";
  CHECK_THAT(error_of(in).message, Catch::Contains("unknown role 'brokr'"));
  in = controller(1, "3.8.1");
  in.controllers.clear();
  in.controller_bootstrap = {"10.0.1.11:9093"};
  CHECK_THAT(error_of(in).message, Catch::Contains("needs Kafka 3.9 or later"));
  in.kafka_version = "4.0.0";
  auto e = error_of(in);
  CHECK_THAT(e.message, Catch::Contains("must advertise its controller listener"));
  in.advertise = {"CONTROLLER://10.0.1.11:9093"};
  auto p = plan_of(in);
  CHECK(p.config.get("controller.quorum.bootstrap.servers") == "10.0.1.11:9093");
  CHECK_FALSE(p.config.has("controller.quorum.voters"));
  in = controller(1);
  in.controller_bootstrap = {"10.0.1.11:9093"};
  CHECK_THAT(error_of(in).message, Catch::Contains("both --controller (static quorum) and --controller-bootstrap"));

  NodeInput zk;
  zk.role = "zookeeper";
  zk.node_id = "1";
  zk.zookeeper_servers = {"1@10.0.3.11:2888:3888"};
  zk.memory = "2G";
  e = error_of(zk);  // the default version (the catalog's newest) is 4.x
  CHECK_THAT(e.message, Catch::Contains("ZooKeeper mode was asked of Kafka " + ka::fetch::default_kafka_version()));
  zk.kafka_version = "3.9.1";
  auto zp = plan_of(zk);
  CHECK(zp.config.get("server.1") == "10.0.3.11:2888:3888");
  CHECK(file(zp, "/var/lib/zookeeper/myid").content == "1\n");
  zk.node_id = "2";
  CHECK_THAT(error_of(zk).message, Catch::Contains("not among the --zookeeper-server IDs"));

  auto zb = broker(101, "4.0.0");
  zb.controllers.clear();
  zb.zookeeper = {"10.0.3.11:2181"};
  CHECK_THAT(error_of(zb).message, Catch::Contains("ZooKeeper mode was asked of Kafka 4.0.0"));
  zb.kafka_version = "3.6.2";
  auto zbp = plan_of(zb);
  CHECK(zbp.config.get("broker.id") == "101");
  CHECK(zbp.config.get("zookeeper.connect") == "10.0.3.11:2181");
  CHECK_FALSE(zbp.config.has("process.roles"));
  CHECK_THAT(file(zbp, "/etc/systemd/system/kafka.service").content, Catch::Contains("After=network-online.target zookeeper.service\n"));

  in = controller(1);
  in.cluster_id = "not-an-id";
  CHECK_THAT(error_of(in).message, Catch::Contains("--cluster-id 'not-an-id' is not a Kafka cluster ID"));
  in.cluster_id = kExampleClusterId;
  CHECK_THAT(file(plan_of(in), "/etc/kafka/server.properties").content, Catch::Contains(kExampleClusterId));
}

TEST_CASE("--set wins: replaces a rendered value in place, appends new keys last") {
  auto in = broker(101);
  in.sets = {"num.partitions=12", "log.retention.hours=72", "num.partitions=24"};
  auto p = plan_of(in);
  CHECK(p.config.get("num.partitions") == "24");
  CHECK(p.config.get("log.retention.hours") == "72");
  const auto& text = file(p, "/etc/kafka/server.properties").content;
  CHECK(text.find("num.partitions=") == text.rfind("num.partitions="));  // once, in its section
  CHECK(text.find("num.partitions=24") < text.find("# Set with --set"));
  CHECK(text.find("log.retention.hours=72") > text.find("# Set with --set"));
  CHECK_THAT(parse_set("novalue").error().message, Catch::Contains("is not KEY=VALUE"));
  CHECK(parse_set("a.b= x=y ")->second == "x=y");
}

TEST_CASE("--templates replaces a built-in template by name") {
  TempDir t;
  std::ofstream(t.path / "jvm.env.mustache") << "HEAP={{heap}}\n";
  auto in = broker(101);
  in.templates = t.path.string();
  CHECK(file(plan_of(in), "/etc/kafka/jvm.env").content == "HEAP=1024m\n");
  std::ofstream(t.path / "kafka.service.mustache") << "{{#broken}}\n";
  CHECK_THAT(error_of(in).message, Catch::Contains("template kafka.service.mustache is not valid mustache"));
}

namespace {
bool changed_any(const ApplyReport& r) {
  for (const auto& c : r.changes)
    if (c.change != Change::unchanged) return true;
  return false;
}
}  // namespace

TEST_CASE("apply: owners, modes, and a second identical run changes nothing") {
  TempDir t;
  RootFs root(t.path);
  auto plan = plan_of(broker(101));
  auto first = apply_plan(plan, root);
  REQUIRE(first.ok());
  CHECK(changed_any(*first));
  REQUIRE(first->warnings.size() == 1);
  CHECK_THAT(first->warnings[0], Catch::Contains("the user and group 'kafka' do not exist under"));
  auto second = apply_plan(plan, root);
  REQUIRE(second.ok());
  for (const auto& c : second->changes) {
    INFO(c.path);
    CHECK(c.change == Change::unchanged);
  }
  CHECK_FALSE(changed_any(*second));
  auto preview = preview_plan(plan, root);
  REQUIRE(preview.ok());
  for (const auto& c : *preview) CHECK(c.change == Change::unchanged);
  CHECK((stdfs::status(t.path / "etc/kafka").permissions() & stdfs::perms::all) == stdfs::perms(0750));
  CHECK((stdfs::status(t.path / "etc/kafka/server.properties").permissions() & stdfs::perms::all) == stdfs::perms(0640));
  CHECK((stdfs::status(t.path / "etc/systemd/system/kafka.service").permissions() & stdfs::perms::all) == stdfs::perms(0644));
  CHECK(stdfs::is_directory(t.path / "var/lib/kafka/meta"));
  CHECK(stdfs::is_directory(t.path / "var/lib/kafka/data"));

  // A changed input updates exactly the files it touches.
  auto in = broker(101);
  in.sets = {"log.retention.hours=72"};
  auto third = apply_plan(plan_of(in), root);
  REQUIRE(third.ok());
  for (const auto& c : third->changes) CHECK(c.change == (c.path == "/etc/kafka/server.properties" ? Change::updated : Change::unchanged));

  // Once the kafka user exists, the owners follow (chown needs root).
  if (::geteuid() == 0) {
    stdfs::create_directories(t.path / "etc");
    std::ofstream(t.path / "etc/passwd") << "root:x:0:0:root:/root:/bin/bash\nkafka:x:4242:4343::/var/lib/kafka:/usr/sbin/nologin\n";
    std::ofstream(t.path / "etc/group") << "root:x:0:\nkafka:x:4343:\n";
    auto fourth = apply_plan(plan, root);
    REQUIRE(fourth.ok());
    CHECK(fourth->warnings.empty());
    struct stat st {};
    REQUIRE(::stat((t.path / "var/lib/kafka/data").c_str(), &st) == 0);
    CHECK(st.st_uid == 4242u);
    CHECK(st.st_gid == 4343u);
    REQUIRE(::stat((t.path / "etc/kafka/jvm.env").c_str(), &st) == 0);
    CHECK(st.st_uid == 0u);
    CHECK(st.st_gid == 4343u);
    auto fifth = apply_plan(plan, root);
    REQUIRE(fifth.ok());
    CHECK_FALSE(changed_any(*fifth));
  }
}

TEST_CASE("the example cluster renders and validates") {
  for (const auto& node : example_cluster()) {
    INFO(node.name);
    auto p = plan_of(node.input);
    CHECK(p.config.get("controller.quorum.voters") == "1@10.0.1.11:9093,2@10.0.1.12:9093,3@10.0.1.13:9093");
  }
}
