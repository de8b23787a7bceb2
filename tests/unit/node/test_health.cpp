#include <catch2/catch.hpp>
#include <unistd.h>

#include "fake_zk.hpp"
#include "node/health.hpp"

using namespace ka;

namespace {
fs::path scratch(const std::string& name) {
  auto root = fs::temp_directory_path() / ("ka-health-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(root);
  return root;
}
// Writes `text` at `path` under the root (mode 0640), owned by this process's user.
void put(const RootFs& r, const std::string& path, const std::string& text) {
  r.write_file(path, text, 0640, Owner{::geteuid(), ::getegid()}).value();
}
// Probes `f` on this host, each endpoint within `timeout_ms`.
Health probe_here(const NodeFacts& f, int timeout_ms) {
  SystemProcessRunner runner;
  return probe_health(f, RootFs("/"), runner, std::chrono::milliseconds(timeout_ms));
}
// Not healthy, and what fails says `why`.
void check_unhealthy(const Health& h, const std::string& why) {
  CHECK_FALSE(h.healthy());
  CHECK(h.failing().find(why) != std::string::npos);
}
}  // namespace

TEST_CASE("facts of a KRaft controller come from its server.properties") {
  auto root = scratch("c");
  RootFs r(root);
  r.write_file("/etc/kafka/server.properties",
               "process.roles=controller\nnode.id=2\ncontroller.listener.names=CONTROLLER\nlisteners=CONTROLLER://0.0.0.0:9093\n"
               "controller.quorum.voters=1@a:9093,2@b:9093,3@c:9093\n", 0640, Owner{::geteuid(), ::getegid()}).value();
  auto f = read_node_facts(r);
  REQUIRE(f.ok());
  CHECK(f->kind == NodeKind::kraft);
  CHECK(f->controller);
  CHECK_FALSE(f->broker);
  CHECK(f->node_id == 2);
  CHECK(f->quorum_flag == "--bootstrap-controller");
  CHECK(f->quorum_endpoint == "127.0.0.1:9093");
  REQUIRE(f->probes.size() == 1);
  CHECK(f->probes[0].second == "127.0.0.1:9093");
  fs::remove_all(root);
}

// Through a broker, DescribeQuorum is forwarded, and Kafka's forwarding channel keeps a
// cut-off controller for 30 s: a broker on 3.7+ asks the controllers its config names.
TEST_CASE("a KRaft broker on 3.7+ probes the quorum through the controllers, not itself") {
  auto root = scratch("bc");
  RootFs r(root);
  Owner me{::geteuid(), ::getegid()};
  const std::string base = "process.roles=broker\nnode.id=101\ncontroller.listener.names=CONTROLLER\nlisteners=PLAINTEXT://:9092\n";
  r.write_file("/etc/kafka/server.properties", base + "controller.quorum.voters=1@c1:9093,2@c2:9093,3@[fd00::3]:9093\n", 0640, me).value();
  fs::create_directories(root / "opt");
  fs::create_symlink("kafka_2.13-4.3.1", root / "opt/kafka");
  auto f = read_node_facts(r);
  REQUIRE(f.ok());
  CHECK(f->quorum_flag == "--bootstrap-controller");
  CHECK(f->quorum_endpoint == "c1:9093,c2:9093,[fd00::3]:9093");
  CHECK(installed_kafka_version(r, "/opt/kafka") == "4.3.1");

  r.write_file("/etc/kafka/server.properties", base + "controller.quorum.bootstrap.servers=c1:9093,c2:9093\n", 0640, me).value();
  f = read_node_facts(r);
  REQUIRE(f.ok());
  CHECK(f->quorum_endpoint == "c1:9093,c2:9093");

  // 3.6 has no --bootstrap-controller: through the broker's own listener, as before.
  fs::remove(root / "opt/kafka");
  fs::create_symlink("kafka_2.13-3.6.2", root / "opt/kafka");
  f = read_node_facts(r);
  REQUIRE(f.ok());
  CHECK(f->quorum_flag == "--bootstrap-server");
  CHECK(f->quorum_endpoint == "127.0.0.1:9092");
  fs::remove_all(root);
}

TEST_CASE("facts of a broker, a ZooKeeper-mode broker and a ZooKeeper member") {
  auto root = scratch("b");
  RootFs r(root);
  Owner me{::geteuid(), ::getegid()};
  r.write_file("/etc/kafka/server.properties",
               "process.roles=broker\nnode.id=101\ncontroller.listener.names=CONTROLLER\nlisteners=INTERNAL://10.0.2.21:9092\n"
               "advertised.listeners=INTERNAL://10.0.2.21:9092\n", 0640, me).value();
  auto f = read_node_facts(r);
  REQUIRE(f.ok());
  CHECK(f->quorum_flag == "--bootstrap-server");
  CHECK(f->quorum_endpoint == "10.0.2.21:9092");
  r.write_file("/etc/kafka/server.properties", "broker.id=7\nzookeeper.connect=z1:2181,z2:2181/kafka\nlisteners=PLAINTEXT://:9092\n", 0640, me).value();
  f = read_node_facts(r);
  REQUIRE(f.ok());
  CHECK(f->kind == NodeKind::zk_broker);
  CHECK(f->node_id == 7);
  CHECK(f->zk_client == "z1:2181");
  fs::remove(root / "etc/kafka/server.properties");
  r.write_file("/etc/kafka/zookeeper.properties", "dataDir=/var/lib/zookeeper\nclientPort=2181\nserver.1=a:2888:3888\n", 0640, me).value();
  f = read_node_facts(r);
  REQUIRE(f.ok());
  CHECK(f->kind == NodeKind::zookeeper);
  CHECK(f->unit == "zookeeper.service");
  CHECK(f->zk_client == "127.0.0.1:2181");
  fs::remove_all(root);
  auto none = read_node_facts(RootFs(root));
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == Exit::usage);
}

TEST_CASE("nothing listening is unhealthy, with the reason") {
  NodeFacts f;
  f.kind = NodeKind::zookeeper;
  f.zk_client = "127.0.0.1:1";
  f.probes.emplace_back("client port", "127.0.0.1:1");
  check_unhealthy(probe_here(f, 300), "127.0.0.1:1");
}

TEST_CASE("a ZooKeeper member's node ID comes from dataDir/myid") {
  auto root = scratch("myid");
  RootFs r(root);
  put(r, "/etc/kafka/zookeeper.properties", "dataDir=/var/lib/zookeeper\nclientPort=2181\n");
  put(r, "/var/lib/zookeeper/myid", "3\n");
  auto f = read_node_facts(r);
  REQUIRE(f.ok());
  CHECK(f->node_id == 3);
  fs::remove_all(root);
}

TEST_CASE("a ZooKeeper-mode broker is healthy while any ensemble member answers") {
  FakeZkSocket second("imok");
  NodeFacts f;
  f.kind = NodeKind::zk_broker;
  f.config = Properties::parse("zookeeper.connect=127.0.0.1:1,127.0.0.1:" + std::to_string(second.port) + "/kafka\n", "t").value();
  f.zk_client = "127.0.0.1:1";
  auto h = probe_here(f, 500);
  CHECK(h.healthy());
  NodeFacts none = f;
  none.config = Properties::parse("zookeeper.connect=127.0.0.1:1\n", "t").value();
  check_unhealthy(probe_here(none, 300), "no member answers");
}

TEST_CASE("a bad number in a node's files is an error naming the file and the value") {
  auto root = scratch("n");
  RootFs r(root);
  struct Case {
    const char* file;
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"/etc/kafka/server.properties", "process.roles=broker\nnode.id=1o1\nlisteners=PLAINTEXT://:9092\n",
       "server.properties: node.id: '1o1' is not a whole number"},
      {"/etc/kafka/server.properties", "broker.id=99999999999\nlisteners=PLAINTEXT://:9092\n",
       "server.properties: broker.id: 99999999999 is out of range"},
      {"/etc/kafka/server.properties", "process.roles=broker\nnode.id=1\nlisteners=PLAINTEXT://:90x2\n",
       "server.properties: listeners (PLAINTEXT://:90x2): '90x2' is not a whole number"},
      {"/etc/kafka/zookeeper.properties", "dataDir=/var/lib/zookeeper\nclientPort=21x81\n",
       "zookeeper.properties: clientPort: '21x81' is not a whole number"},
  };
  for (const auto& c : cases) {
    fs::remove_all(root / "etc");
    put(r, c.file, c.text);
    auto f = read_node_facts(r);
    INFO(c.text);
    REQUIRE_FALSE(f.ok());
    CHECK(f.error().code == Exit::usage);
    CHECK(f.error().message.find(c.expected) != std::string::npos);
    CHECK(f.error().message.find(root.string()) == 0);
  }
  fs::remove_all(root / "etc");
  put(r, "/etc/kafka/zookeeper.properties", "dataDir=/var/lib/zookeeper\nclientPort=2181\n");
  put(r, "/var/lib/zookeeper/myid", "two\n");
  auto f = read_node_facts(r);
  REQUIRE_FALSE(f.ok());
  CHECK(f.error().message == (root / "var/lib/zookeeper/myid").string() + ": 'two' is not a whole number");
  fs::remove_all(root);
}

namespace {
// Records what the quorum probe would run; answers like kafka-metadata-quorum.sh would fail.
struct RecordingRunner final : ProcessRunner {
  std::vector<RunOptions> seen;
  Result<ProcessResult> run(const std::vector<std::string>&, const RunOptions& o) override {
    seen.push_back(o);
    ProcessResult r;
    r.exit_code = 1;
    return r;
  }
};

// Node 1 of a KRaft quorum asked at a port where nothing listens.
NodeFacts kraft_facts() {
  NodeFacts f;
  f.kind = NodeKind::kraft;
  f.node_id = 1;
  f.kafka_home = "/opt/kafka";
  f.quorum_flag = "--bootstrap-controller";
  f.quorum_endpoint = "127.0.0.1:1";
  return f;
}
}  // namespace

TEST_CASE("the quorum probe runs Kafka's tool on the JDK that install put under /opt/java") {
  auto root = scratch("java");
  RootFs r(root);
  r.write_file("/opt/java/bin/java", "#!/bin/sh\n", 0755, Owner{::geteuid(), ::getegid()}).value();
  NodeFacts f = kraft_facts();
  RecordingRunner runner;
  probe_health(f, r, runner, std::chrono::milliseconds(100));
  REQUIRE(runner.seen.size() == 1);
  // A VM whose only Java is the one install put there has no java on the PATH.
  CHECK(runner.seen[0].env_set.count("JAVA_HOME") == 1);
  CHECK(runner.seen[0].env_set["JAVA_HOME"] == "/opt/java");
  fs::remove_all(root);
}

TEST_CASE("the quorum tool gets its own bound, not the short one of a port probe") {
  auto root = scratch("qt");
  RootFs r(root);
  NodeFacts f = kraft_facts();
  RecordingRunner runner;
  probe_health(f, r, runner, std::chrono::milliseconds(100));
  probe_health(f, r, runner, std::chrono::milliseconds(100), std::chrono::seconds(900));
  REQUIRE(runner.seen.size() == 2);
  CHECK(runner.seen[0].timeout == std::chrono::seconds(30));
  // An emulated VM starts the tool's JVM in minutes: `status --quorum-timeout` and the rest
  // of bootstrap's --wait reach it.
  CHECK(runner.seen[1].timeout == std::chrono::seconds(900));
  fs::remove_all(root);
}

TEST_CASE("the quorum tool is not started while the listener it would ask is closed") {
  auto root = scratch("closed");
  RootFs r(root);
  NodeFacts f = kraft_facts();
  f.probes.emplace_back("listener CONTROLLER", "127.0.0.1:1");
  RecordingRunner runner;
  auto h = probe_health(f, r, runner, std::chrono::milliseconds(300), std::chrono::seconds(900));
  // Its JVM could only wait out its bound; on an emulated VM that JVM also slows the starting Kafka.
  CHECK(runner.seen.empty());
  CHECK_FALSE(h.healthy());
  CHECK(h.failing().find("quorum membership of node 1: not asked: 127.0.0.1:1 is not accepting connections") != std::string::npos);
  // Once the listener accepts connections, the tool is asked.
  FakeZkSocket open("");
  NodeFacts up = f;
  up.quorum_endpoint = "127.0.0.1:" + std::to_string(open.port);
  up.probes = {{"listener CONTROLLER", up.quorum_endpoint}};
  probe_health(up, r, runner, std::chrono::milliseconds(500));
  CHECK(runner.seen.size() == 1);
  fs::remove_all(root);
}
