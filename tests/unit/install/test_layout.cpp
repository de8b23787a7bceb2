#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/fs.hpp"
#include "install/layout.hpp"
#include "install/state.hpp"
#include "install/system.hpp"
#include "../temp_dir.hpp"

using namespace ka;
using ka::test::TempDir;
using namespace ka::install;
namespace fs = std::filesystem;

TEST_CASE("release names") {
  CHECK(kafka_dir_name("2.13", "3.9.1") == "kafka_2.13-3.9.1");
  CHECK(temurin_dir_name("jdk-21.0.5+11-jre") == "temurin-21.0.5+11-jre");
  CHECK(temurin_dir_name("jdk8u302-b08") == "temurin-8u302-b08");
  std::string scala, version;
  REQUIRE(parse_kafka_tarball_name("kafka_2.13-4.1.0.tgz", scala, version));
  CHECK((scala == "2.13" && version == "4.1.0"));
  CHECK_FALSE(parse_kafka_tarball_name("kafka-4.1.0-src.tgz", scala, version));
}

TEST_CASE("only our own staging names are stale") {
  CHECK(is_stale_staging_name("kafka_2.13-3.9.1.partial.1234"));
  CHECK(is_stale_staging_name("kafka_2.13-3.9.1.old.99"));
  CHECK(is_stale_staging_name(".temurin.partial.7"));
  CHECK(is_stale_staging_name("temurin-21.0.5+11-jre.old.7"));
  CHECK_FALSE(is_stale_staging_name("kafka_2.13-3.9.1"));
  CHECK_FALSE(is_stale_staging_name("kafka"));
  CHECK_FALSE(is_stale_staging_name("myapp.partial.12"));
}

TEST_CASE("staging: discarded unless committed; commit exchanges with an existing tree") {
  TempDir t;
  RootFs rfs(t.path);
  {
    auto s = Staging::create(rfs, "kafka_2.13-3.9.1");
    REQUIRE(s.ok());
    std::ofstream(s->path() / "f") << "x";
  }
  CHECK(fs::is_empty(t.path / "opt"));
  auto s1 = Staging::create(rfs, "kafka_2.13-3.9.1");
  REQUIRE(s1.ok());
  std::ofstream(s1->path() / "v") << "1";
  REQUIRE(s1->commit("kafka_2.13-3.9.1").ok());
  auto s2 = Staging::create(rfs, "kafka_2.13-3.9.1");
  REQUIRE(s2.ok());
  std::ofstream(s2->path() / "v") << "2";
  REQUIRE(s2->commit("kafka_2.13-3.9.1").ok());
  std::ifstream in(t.path / "opt/kafka_2.13-3.9.1/v");
  std::string v;
  in >> v;
  CHECK(v == "2");
  size_t n = 0;
  for (auto& e : fs::directory_iterator(t.path / "opt")) n += !e.path().empty();
  CHECK(n == 1);
}

TEST_CASE("stale staging directories are removed, others kept") {
  TempDir t;
  fs::create_directories(t.path / "opt/kafka_2.13-3.9.1.partial.42/libs");
  fs::create_directories(t.path / "opt/kafka_2.13-3.9.1");
  fs::create_directories(t.path / "opt/other.partial.1");
  auto r = remove_stale_staging(RootFs(t.path));
  REQUIRE(r.ok());
  CHECK(*r == std::vector<std::string>{"kafka_2.13-3.9.1.partial.42"});
  CHECK(fs::exists(t.path / "opt/kafka_2.13-3.9.1"));
  CHECK(fs::exists(t.path / "opt/other.partial.1"));
}

TEST_CASE("seal_tree strips group/other write; the digest sees changes") {
  TempDir t;
  fs::create_directories(t.path / "d");
  std::ofstream(t.path / "d/f") << "hello";
  ::chmod((t.path / "d").c_str(), 0777);
  ::chmod((t.path / "d/f").c_str(), 0666);
  fs::create_symlink("f", t.path / "d/l");
  auto a = seal_tree(t.path);
  REQUIRE(a.ok());
  struct stat st {};
  ::stat((t.path / "d/f").c_str(), &st);
  CHECK((st.st_mode & 07777) == 0644);
  CHECK(*tree_digest(t.path) == *a);
  std::ofstream(t.path / "d/f") << "hello, longer";
  CHECK(*tree_digest(t.path) != *a);
}

TEST_CASE("useradd and groupadd argv: always --root, system, no login") {
  auto u = useradd_argv("/mnt/img");
  CHECK(u == std::vector<std::string>{"useradd", "--root", "/mnt/img", "--system", "--gid", "kafka", "--home-dir",
                                      "/var/lib/kafka", "--no-create-home", "--shell", "/usr/sbin/nologin", "--comment",
                                      "Apache Kafka", "kafka"});
  CHECK(groupadd_argv("/mnt/img") == std::vector<std::string>{"groupadd", "--root", "/mnt/img", "--system", "kafka"});
}

TEST_CASE("state: the install section round-trips and keeps other sections") {
  TempDir t;
  RootFs rfs(t.path);
  REQUIRE(rfs.write_file("/var/lib/kafka-appliance/state.json", "{\"rendered\": {\"x\": 1}}\n", 0600, Owner{}).ok());
  InstalledRelease r{"kafka", "3.9.1", "/opt/kafka_2.13-3.9.1", "/opt/kafka", "kafka_2.13-3.9.1.tgz", "sha512:ab", "cd", "",
                     "--private-build --sha512", {"--private-build", "--keys k.asc"}};
  REQUIRE(record_installed(rfs, r).ok());
  auto back = load_installed(rfs, "kafka");
  REQUIRE(back.ok());
  REQUIRE(back->has_value());
  CHECK((*back)->tree_digest == "cd");
  CHECK((*back)->artifact_digest == "sha512:ab");
  CHECK((*back)->trust == "--private-build --sha512");
  CHECK((*back)->overrides == std::vector<std::string>{"--private-build", "--keys k.asc"});
  auto text = rfs.read_file("/var/lib/kafka-appliance/state.json");
  CHECK(text->value().find("\"rendered\"") != std::string::npos);
  REQUIRE(rfs.write_file("/var/lib/kafka-appliance/state.json", "{not json", 0600, Owner{}).ok());
  CHECK_FALSE(load_installed(rfs, "kafka").ok());
}
