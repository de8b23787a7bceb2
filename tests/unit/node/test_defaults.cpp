#include <catch2/catch.hpp>
#include <unistd.h>

#include "core/cluster_id.hpp"
#include "core/state.hpp"
#include "node/defaults.hpp"
#include "render/node_spec.hpp"

using namespace ka;

TEST_CASE("bootstrap with no flags is one combined node whose cluster ID survives re-runs") {
  auto root = fs::temp_directory_path() / ("ka-def-" + std::to_string(::getpid()));
  fs::remove_all(root);
  RootFs r(root);
  NodeInput in;
  CHECK(is_default_node(in));
  REQUIRE(apply_single_node_defaults(in, r, "10.1.2.3").ok());
  CHECK(in.role == "combined");
  CHECK(is_valid_cluster_id(in.cluster_id));
  CHECK(in.controllers == std::vector<std::string>{"1@10.1.2.3:9093"});
  auto spec = build_node_spec(in);
  REQUIRE(spec.ok());
  CHECK(spec->has_controller());
  // a re-run reads the ID that the first run recorded
  auto st = StateFile::load(r);
  st->section("node")["cluster_id"] = in.cluster_id;
  REQUIRE(st->save(r).ok());
  NodeInput again;
  REQUIRE(apply_single_node_defaults(again, r, "10.1.2.3").ok());
  CHECK(again.cluster_id == in.cluster_id);
  NodeInput broker;
  broker.role = "broker";
  CHECK_FALSE(is_default_node(broker));
  CHECK_FALSE(primary_ipv4().empty());
  fs::remove_all(root);
}

#include "fetch/catalog.hpp"

TEST_CASE("render's default Kafka version is the newest catalogued release") {
  // One concept, one place: render takes its default from the catalog.
  CHECK(ka::NodeInput{}.kafka_version == ka::fetch::default_kafka_version());
  CHECK(ka::fetch::default_kafka_version() == "4.3.1");
}
