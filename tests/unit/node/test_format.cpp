#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cluster_id.hpp"
#include "node/format.hpp"

using namespace ka;

namespace {
const std::string kCid = "MkU3OEVBNTcwNTJENDM2Qg";
// Complete enough that Kafka's own start-up rules (run by plan_format) accept them.
const std::string kCtrl = "controller.listener.names=CONTROLLER\nlisteners=CONTROLLER://:9093\n"
                          "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n";
const std::string kBroker = "controller.listener.names=CONTROLLER\nlisteners=PLAINTEXT://:9092\n"
                            "advertised.listeners=PLAINTEXT://b:9092\nlistener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n";
Properties props(const std::string& text) {
  std::string extra = text.find("process.roles=controller") != std::string::npos ? kCtrl
                      : text.find("process.roles=broker") != std::string::npos   ? kBroker
                                                                                 : "";
  return Properties::parse(text + extra, "t").value();
}
StorageCheck empty_dirs(const Properties& p) {
  StorageCheck c;
  for (auto& d : storage_dirs(p)) c.dirs.push_back(DirCheck{d, DirState::empty, {}, ""});
  return c;
}
FormatRequest req(const std::string& v) {
  FormatRequest r;
  r.version = KafkaVersion::parse(v).value();
  r.cluster_id = kCid;
  return r;
}
bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }
}  // namespace

TEST_CASE("static quorum: plain format of every log dir and the metadata dir") {
  auto p = props("process.roles=controller\nnode.id=1\ncontroller.quorum.voters=1@a:9093\nlog.dirs=/var/lib/kafka/data\nmetadata.log.dir=/var/lib/kafka/meta\n");
  auto plan = plan_format(req("4.1.0"), p, empty_dirs(p));
  REQUIRE(plan.ok());
  CHECK(plan->needed);
  CHECK(plan->dirs == std::vector<std::string>{"/var/lib/kafka/data", "/var/lib/kafka/meta"});
  CHECK(plan->argv == std::vector<std::string>{"/opt/kafka/bin/kafka-storage.sh", "format", "--config", "/etc/kafka/server.properties", "--cluster-id", kCid});
}

TEST_CASE("already formatted with our IDs: nothing to do; partly: --ignore-formatted") {
  auto p = props("process.roles=broker\nnode.id=101\ncontroller.quorum.voters=1@a:9093\nlog.dirs=/d1,/d2\n");
  StorageCheck c = empty_dirs(p);
  for (auto& d : c.dirs) d.state = DirState::ours;
  auto plan = plan_format(req("4.1.0"), p, c);
  REQUIRE(plan.ok());
  CHECK_FALSE(plan->needed);
  c.dirs[1].state = DirState::empty;
  plan = plan_format(req("4.1.0"), p, c);
  REQUIRE(plan.ok());
  CHECK(plan->needed);
  CHECK(has(plan->argv, "--ignore-formatted"));
}

TEST_CASE("foreign storage is refused with exit 3, never --ignore-formatted") {
  auto p = props("process.roles=broker\nnode.id=101\ncontroller.quorum.voters=1@a:9093\nlog.dirs=/d1\n");
  StorageCheck c = empty_dirs(p);
  c.dirs[0].state = DirState::foreign;
  c.dirs[0].why = "cluster.id OTHER";
  auto plan = plan_format(req("4.1.0"), p, c);
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.error().code == Exit::refused);
}

TEST_CASE("dynamic quorum flags by version") {
  auto p = props("process.roles=controller\nnode.id=2\ncontroller.quorum.bootstrap.servers=a:9093\nlog.dirs=/d\n"
                  "advertised.listeners=CONTROLLER://b:9093\n");
  auto r = req("4.1.0");
  auto plan = plan_format(r, p, empty_dirs(p));
  REQUIRE(plan.ok());
  CHECK(has(plan->argv, "--no-initial-controllers"));
  r.dynamic = DynamicFormat::standalone;
  CHECK(has(plan_format(r, p, empty_dirs(p))->argv, "--standalone"));
  r.dynamic = DynamicFormat::initial_controllers;
  r.initial_controllers = {"1@a:9093", "2@b:9093", "3@c:9093"};
  plan = plan_format(r, p, empty_dirs(p));
  REQUIRE(plan.ok());
  auto it = std::find(plan->argv.begin(), plan->argv.end(), "--initial-controllers");
  REQUIRE(it != plan->argv.end());
  CHECK((it + 1)->find("2@b:9093:" + derived_directory_id(kCid, 2)) != std::string::npos);
  auto old = req("3.9.0");
  CHECK(has(plan_format(old, p, empty_dirs(p)).value().argv, "--no-initial-controllers"));
  CHECK_FALSE(plan_format(req("3.8.1"), p, empty_dirs(p)).ok());
  // brokers of a dynamic quorum need none of the flags
  auto b = props("process.roles=broker\nnode.id=101\ncontroller.quorum.bootstrap.servers=a:9093\nlog.dirs=/d\n");
  CHECK_FALSE(has(plan_format(req("4.1.0"), b, empty_dirs(b))->argv, "--no-initial-controllers"));
}

TEST_CASE("derived directory IDs are stable, distinct and Kafka-shaped") {
  auto a = derived_directory_id(kCid, 1);
  CHECK(a == derived_directory_id(kCid, 1));
  CHECK(a != derived_directory_id(kCid, 2));
  CHECK(a.size() == 22);
  CHECK(a[0] != '-');
  CHECK_FALSE(initial_controllers_arg({"x@a:1"}, kCid).ok());
  CHECK_FALSE(initial_controllers_arg({"1@a:1", "1@b:1"}, kCid).ok());
}

TEST_CASE("ZooKeeper-mode brokers are not formatted") {
  auto p = props("broker.id=1\nzookeeper.connect=z:2181\nlog.dirs=/d\n");
  auto plan = plan_format(req("3.9.0"), p, empty_dirs(p));
  REQUIRE(plan.ok());
  CHECK_FALSE(plan->needed);
}

TEST_CASE("format-time rules of Kafka are checked for the flags we would pass") {
  // Kafka 4.2's Formatter refuses --standalone next to static voters; plan_format refuses the
  // option itself before that, and a missing controller listener is refused by the rules.
  auto p = Properties::parse("process.roles=controller\nnode.id=1\ncontroller.quorum.bootstrap.servers=a:9093\nlog.dirs=/d\n"
                             "listeners=CONTROLLER://:9093\ncontroller.listener.names=CONTROLLER\n", "t").value();
  auto r = req("3.8.0");
  auto plan = plan_format(r, p, empty_dirs(p));
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.error().code == Exit::usage);
}

TEST_CASE("what format wrote as root goes to the storage directory's owner") {
  if (::geteuid() != 0) {
    WARN("needs root to chown; skipped");
    return;
  }
  auto root = fs::temp_directory_path() / ("ka-format-own-" + std::to_string(::getpid()));
  fs::remove_all(root);
  RootFs r(root);
  fs::create_directories(root / "var/lib/kafka/meta/__cluster_metadata-0");
  REQUIRE(::chown((root / "var/lib/kafka/meta").c_str(), 4242, 4343) == 0);
  r.write_file("/var/lib/kafka/meta/__cluster_metadata-0/00000000000000000000-0000000000.checkpoint", "x", 0644, Owner{0, 0}).value();
  r.write_file("/var/lib/kafka/meta/meta.properties", "node.id=1\n", 0644, Owner{0, 0}).value();
  REQUIRE(give_to_dir_owner(r, {"/var/lib/kafka/meta"}).ok());
  for (const char* p : {"var/lib/kafka/meta/__cluster_metadata-0", "var/lib/kafka/meta/meta.properties",
                        "var/lib/kafka/meta/__cluster_metadata-0/00000000000000000000-0000000000.checkpoint"}) {
    struct stat st {};
    REQUIRE(::lstat((root / p).c_str(), &st) == 0);
    CHECK(st.st_uid == 4242u);
    CHECK(st.st_gid == 4343u);
  }
  fs::remove_all(root);
}
