#include <catch2/catch.hpp>
#include <unistd.h>

#include "fake_zk.hpp"
#include "node/health.hpp"
#include "node/net.hpp"

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
  SystemClock clock;
  return probe_health(f, RootFs("/"), kafka::Env{&clock, nullptr, resolve_host, connect_tcp}, std::chrono::milliseconds(timeout_ms));
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
  // its own controller listener first, then the quorum's from its config
  CHECK(f->controllers == std::vector<std::string>{"127.0.0.1:9093", "a:9093", "b:9093", "c:9093"});
  CHECK(f->broker_endpoint.empty());
  CHECK(f->fetch_timeout_ms == 2000);
  REQUIRE(f->probes.size() == 1);
  CHECK(f->probes[0].second == "127.0.0.1:9093");
  fs::remove_all(root);
}

// Through a broker, DescribeQuorum is forwarded, and Kafka's forwarding channel keeps a
// cut-off controller for 30 s: a broker asks the controllers its config names, natively (any
// KRaft release: the controller listener always answered DescribeQuorum; only the JVM tool's
// --bootstrap-controller needed 3.7).
TEST_CASE("a KRaft broker asks the quorum's controllers directly, and produces through its own listener") {
  auto root = scratch("bc");
  RootFs r(root);
  Owner me{::geteuid(), ::getegid()};
  const std::string base = "process.roles=broker\nnode.id=101\ncontroller.listener.names=CONTROLLER\nlisteners=PLAINTEXT://:9092\n";
  r.write_file("/etc/kafka/server.properties", base + "controller.quorum.voters=1@c1:9093,2@c2:9093,3@[fd00::3]:9093\n", 0640, me).value();
  auto f = read_node_facts(r);
  REQUIRE(f.ok());
  CHECK(f->controllers == std::vector<std::string>{"c1:9093", "c2:9093", "[fd00::3]:9093"});
  CHECK(f->broker_endpoint == "127.0.0.1:9092");

  r.write_file("/etc/kafka/server.properties", base + "controller.quorum.bootstrap.servers=c1:9093,c2:9093\ncontroller.quorum.fetch.timeout.ms=4000\n", 0640, me).value();
  f = read_node_facts(r);
  REQUIRE(f.ok());
  CHECK(f->controllers == std::vector<std::string>{"c1:9093", "c2:9093"});
  CHECK(f->fetch_timeout_ms == 4000);
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
  // INTERNAL with no protocol map entry is not PLAINTEXT: no produce round trip through it
  CHECK(f->broker_endpoint.empty());
  CHECK(f->broker_listener_note == "listener INTERNAL is INTERNAL");
  r.write_file("/etc/kafka/server.properties",
               "process.roles=broker\nnode.id=101\ncontroller.listener.names=CONTROLLER\nlisteners=SECURE://:9094,INTERNAL://10.0.2.21:9092\n"
               "listener.security.protocol.map=SECURE:SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT\n", 0640, me).value();
  f = read_node_facts(r);
  REQUIRE(f.ok());
  CHECK(f->broker_endpoint == "10.0.2.21:9092");
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
// The Kafka layer on this host's clock and resolver.
SystemClock sys_clock;
kafka::Env env_here() { return kafka::Env{&sys_clock, nullptr, resolve_host, connect_tcp}; }

// Node 1, a controller, whose controller listener nothing listens on.
NodeFacts kraft_facts() {
  NodeFacts f;
  f.kind = NodeKind::kraft;
  f.node_id = 1;
  f.controller = true;
  f.controllers = {"127.0.0.1:1"};
  f.probes = {{"listener CONTROLLER", "127.0.0.1:1"}};
  return f;
}
}  // namespace

TEST_CASE("the quorum is not asked while this controller's own listener is closed") {
  auto h = probe_health(kraft_facts(), RootFs("/"), env_here(), std::chrono::milliseconds(300));
  // asking would only wait out the bound
  check_unhealthy(h, "quorum membership of node 1: not asked: 127.0.0.1:1 is not accepting connections");
  CHECK(h.quorum_ms < 0);
}

TEST_CASE("a broker whose listener is closed makes no produce round trip, and says so") {
  NodeFacts f;
  f.kind = NodeKind::kraft;
  f.node_id = 101;
  f.broker = true;
  f.broker_endpoint = "127.0.0.1:1";
  f.probes = {{"listener PLAINTEXT", "127.0.0.1:1"}};
  auto h = probe_health(f, RootFs("/"), env_here(), std::chrono::milliseconds(300));
  check_unhealthy(h, "produce round trip on broker 101: not made: 127.0.0.1:1 is not accepting connections");
  CHECK_FALSE(h.no_producer_id);
}

TEST_CASE("a controller whose quorum answers nothing Kafka would is unhealthy, naming the endpoint") {
  FakeZkSocket junk("HTTP/1.1 400 Bad Request\r\n\r\n");  // not Kafka: a 1.2 GB "frame length"
  NodeFacts f = kraft_facts();
  f.probes.clear();
  f.controllers = {"127.0.0.1:" + std::to_string(junk.port)};
  auto h = probe_health(f, RootFs("/"), env_here(), std::chrono::milliseconds(300), std::chrono::seconds(5));
  check_unhealthy(h, "DescribeQuorum: no listener answered (127.0.0.1:" + std::to_string(junk.port) + " announced a response of");
}

TEST_CASE("health topics are named per broker") { CHECK(health_topic(101) == "__kafka_appliance_health_101"); }
