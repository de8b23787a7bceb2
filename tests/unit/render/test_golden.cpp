// Golden files: every case is rendered and compared byte for byte with tests/golden/<case>/,
// which mirrors the rendered tree of each node (tests/golden/<case>/<node>/etc/kafka/...), plus
// <node>.manifest with the mode and owner of every planned directory and file.
// KA_UPDATE_GOLDEN=1 rewrites them; review the diff by eye before committing.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "render/example.hpp"
#include "render/render.hpp"

using namespace ka;
namespace stdfs = std::filesystem;

namespace {

struct GoldenCase {
  std::string name;
  std::vector<ExampleNode> nodes;
};

// A node of a case: role, node ID, Kafka version and memory, in the example cluster unless
// `cluster_id` says otherwise ("" for ZooKeeper mode); the caller sets its quorum and listeners.
NodeInput golden_node(const std::string& role, int id, const std::string& version, const std::string& memory,
                      const std::string& cluster_id = kExampleClusterId) {
  NodeInput in;
  in.role = role;
  in.node_id = std::to_string(id);
  in.cluster_id = cluster_id;
  in.kafka_version = version;
  in.memory = memory;
  return in;
}

std::vector<GoldenCase> cases() {
  std::vector<GoldenCase> out;
  out.push_back({"kraft-static-4.2", example_cluster("4.2.0")});
  out.push_back({"kraft-static-4.3", example_cluster("4.3.1")});  // `example` at the default version
  out.push_back({"kraft-static-3.9", example_cluster("3.9.1")});

  {  // dynamic quorum (KIP-853): controllers advertise their controller listener
    GoldenCase c{"kraft-dynamic-4.2", {}};
    std::vector<std::string> bootstrap = {"10.0.1.11:9093", "10.0.1.12:9093", "10.0.1.13:9093"};
    for (int i = 1; i <= 3; ++i) {
      auto in = golden_node("controller", i, "4.2.0", "2G");
      in.controller_bootstrap = bootstrap;
      in.advertise = {"CONTROLLER://10.0.1.1" + std::to_string(i) + ":9093"};
      c.nodes.push_back({"controller-" + std::to_string(i), in});
    }
    for (int i = 1; i <= 3; ++i) {
      auto in = golden_node("broker", 100 + i, "4.2.0", "16G");
      in.controller_bootstrap = bootstrap;
      in.advertise = {"PLAINTEXT://10.0.2.2" + std::to_string(i) + ":9092"};
      c.nodes.push_back({"broker-" + std::to_string(100 + i), in});
    }
    out.push_back(c);
  }

  {  // three combined nodes, static quorum
    GoldenCase c{"combined-4.2", {}};
    for (int i = 1; i <= 3; ++i) {
      auto in = golden_node("combined", i, "4.2.0", "4G");
      in.controllers = {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"};
      in.advertise = {"PLAINTEXT://10.0.1.1" + std::to_string(i) + ":9092"};
      in.rack = std::string("rack-") + static_cast<char>('a' + i - 1);
      c.nodes.push_back({"combined-" + std::to_string(i), in});
    }
    out.push_back(c);
  }

  {  // ZooKeeper mode: a 3-member ensemble and 5 brokers
    GoldenCase c{"zookeeper-3.9", {}};
    std::vector<std::string> ensemble = {"1@10.0.3.11:2888:3888", "2@10.0.3.12:2888:3888", "3@10.0.3.13:2888:3888"};
    for (int i = 1; i <= 3; ++i) {
      auto in = golden_node("zookeeper", i, "3.9.1", "2G", "");
      in.zookeeper_servers = ensemble;
      c.nodes.push_back({"zookeeper-" + std::to_string(i), in});
    }
    for (int i = 1; i <= 5; ++i) {
      auto in = golden_node("broker", i, "3.9.1", "8G", "");
      in.zookeeper = {"10.0.3.11:2181", "10.0.3.12:2181", "10.0.3.13:2181"};
      in.broker_count = "5";
      in.advertise = {"PLAINTEXT://10.0.2.2" + std::to_string(i) + ":9092"};
      c.nodes.push_back({"broker-" + std::to_string(i), in});
    }
    out.push_back(c);
  }

  {  // one combined node on a 1 GiB VM: replication factor 1, smallest heap
    GoldenCase c{"single-node-1g-4.2", {}};
    auto in = golden_node("combined", 1, "4.2.0", "1G");
    in.controllers = {"1@127.0.0.1:9093"};
    in.advertise = {"PLAINTEXT://127.0.0.1:9092"};
    c.nodes.push_back({"node-1", in});
    out.push_back(c);
  }

  {  // 3.7 broker with two listeners, SASL_SSL for clients, extra data dirs and --set
    GoldenCase c{"listeners-3.7", {}};
    auto in = golden_node("broker", 201, "3.7.2", "32G");
    in.controllers = {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"};
    in.listeners = {"INTERNAL://10.0.2.31:9092", "CLIENT://:9094"};
    in.advertise = {"CLIENT://kafka-201.example.com:9094"};
    in.protocols = {"CLIENT:SASL_SSL"};
    in.inter_broker_listener = "INTERNAL";
    in.data_dirs = {"/data/disk1/kafka", "/data/disk2/kafka"};
    in.rack = "eu-west-1b";
    in.sets = {"auto.create.topics.enable=false", "sasl.enabled.mechanisms=SCRAM-SHA-512", "num.partitions=6"};
    c.nodes.push_back({"broker-201", in});
    out.push_back(c);
  }
  return out;
}

std::string read(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string octal(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m));
  return buf;
}

std::string manifest(const RenderPlan& p) {
  std::string out = "# mode owner:group path of every directory and file render plans for " + p.node + "\n";
  for (const auto& d : p.dirs) out += "dir  " + octal(d.mode) + " " + d.user + ":" + d.group + " " + d.path.string() + "\n";
  for (const auto& f : p.files) out += "file " + octal(f.mode) + " " + f.user + ":" + f.group + " " + f.path.string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("golden files: every case renders byte for byte as reviewed") {
  const stdfs::path golden = stdfs::path(KA_SOURCE_DIR) / "tests/golden";
  const bool update = std::getenv("KA_UPDATE_GOLDEN") != nullptr;
  for (const auto& c : cases()) {
    const auto dir = golden / c.name;
    if (update) stdfs::remove_all(dir);
    std::set<stdfs::path> expected;
    for (const auto& node : c.nodes) {
      INFO(c.name << "/" << node.name);
      auto spec = build_node_spec(node.input);
      REQUIRE(spec.ok());
      auto plan = plan_render(*spec);
      if (!plan) FAIL(plan.error().message << (plan.error().notes.empty() ? "" : "\n  " + plan.error().notes[0]));
      std::vector<std::pair<stdfs::path, std::string>> outputs;
      for (const auto& f : plan->files) outputs.emplace_back(dir / node.name / f.path.relative_path(), f.content);
      outputs.emplace_back(dir / (node.name + ".manifest"), manifest(*plan));
      for (const auto& [path, content] : outputs) {
        expected.insert(path);
        if (update) {
          stdfs::create_directories(path.parent_path());
          std::ofstream(path, std::ios::binary) << content;
          continue;
        }
        INFO(path.string() << " (KA_UPDATE_GOLDEN=1 regenerates; review the diff)");
        REQUIRE(stdfs::exists(path));
        CHECK(read(path) == content);
      }
    }
    // No stale golden file may linger unchecked.
    REQUIRE(stdfs::is_directory(dir));
    for (const auto& e : stdfs::recursive_directory_iterator(dir))
      if (e.is_regular_file()) {
        INFO("golden file that render no longer produces: " << e.path());
        CHECK(expected.count(e.path()) == 1);
      }
  }
}
