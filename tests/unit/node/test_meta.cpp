#include <catch2/catch.hpp>
#include <unistd.h>

#include <fstream>

#include "node/meta.hpp"

using namespace ka;

TEST_CASE("meta.properties of KRaft and ZooKeeper-mode nodes parse") {
  auto k = parse_meta_properties("#\n#Sat Nov 21 10:00:00 UTC 2026\nnode.id=3\ndirectory.id=J8aAPcfLQt2bqs1JT_rMgQ\nversion=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qg\n", "m");
  REQUIRE(k.ok());
  CHECK(k->version == 1);
  CHECK(k->node_id == 3);
  CHECK(k->cluster_id == "MkU3OEVBNTcwNTJENDM2Qg");
  auto z = parse_meta_properties("version=0\nbroker.id=101\ncluster.id=abc\n", "m");
  REQUIRE(z.ok());
  CHECK(z->node_id == 101);
  CHECK_FALSE(parse_meta_properties("cluster.id=x\n", "m").ok());
  CHECK_FALSE(parse_meta_properties("version=7\n", "m").ok());
  CHECK_FALSE(parse_meta_properties("version=1\ncluster.id=x\n", "m").ok());
}

TEST_CASE("storage is empty, ours or foreign") {
  auto root = fs::temp_directory_path() / ("ka-meta-" + std::to_string(::getpid()));
  fs::remove_all(root);
  RootFs r(root);
  fs::create_directories(root / "var/lib/kafka/data");
  fs::create_directories(root / "var/lib/kafka/meta/lost+found");
  auto c = check_storage(r, {"/var/lib/kafka/data", "/var/lib/kafka/meta", "/var/lib/kafka/missing"}, "C1", 1);
  REQUIRE(c.ok());
  CHECK_FALSE(c->any_formatted());
  std::ofstream(root / "var/lib/kafka/data/meta.properties") << "version=1\nnode.id=1\ncluster.id=C1\n";
  std::ofstream(root / "var/lib/kafka/meta/meta.properties") << "version=1\nnode.id=2\ncluster.id=C1\n";
  c = check_storage(r, {"/var/lib/kafka/data", "/var/lib/kafka/meta"}, "C1", 1);
  REQUIRE(c.ok());
  CHECK(c->dirs[0].state == DirState::ours);
  CHECK(c->dirs[1].state == DirState::foreign);
  auto e = foreign_storage_error(*c, "C1", 1);
  CHECK(e.code == Exit::refused);
  REQUIRE(e.notes.size() >= 1);
  CHECK(e.notes[0].find("node.id 2") != std::string::npos);
  CHECK(e.notes[0].find("node.id 1") != std::string::npos);
  // data without meta.properties is not empty
  fs::remove(root / "var/lib/kafka/data/meta.properties");
  std::ofstream(root / "var/lib/kafka/data/00000000000000000000.log") << "x";
  c = check_storage(r, {"/var/lib/kafka/data"}, "C1", 1);
  REQUIRE(c.ok());
  CHECK(c->dirs[0].state == DirState::foreign);
  fs::remove_all(root);
}
