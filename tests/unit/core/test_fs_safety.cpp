#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "core/fs.hpp"

using namespace ka;

namespace {
fs::path scratch(const std::string& name) {
  auto root = fs::temp_directory_path() / ("ka-fs-safety-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  return root;
}
mode_t mode_of(const fs::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("ensure_dir creates with the mode, fixes a wrong mode, and is idempotent") {
  auto root = scratch("mode");
  RootFs r(root);
  Owner me{::geteuid(), ::getegid()};
  CHECK(*r.ensure_dir("/var/lib/kafka/data", 0750, me) == Change::created);
  CHECK(mode_of(root / "var/lib/kafka/data") == 0750);
  CHECK(mode_of(root / "var/lib") == 0755);
  CHECK(*r.ensure_dir("/var/lib/kafka/data", 0750, me) == Change::unchanged);
  ::chmod((root / "var/lib/kafka/data").c_str(), 0777);
  CHECK(*r.ensure_dir("/var/lib/kafka/data", 0750, me) == Change::updated);
  CHECK(mode_of(root / "var/lib/kafka/data") == 0750);
  fs::remove_all(root);
}

TEST_CASE("ensure_dir never follows a symlink where a directory is expected") {
  auto root = scratch("link");
  RootFs r(root);
  Owner me{::geteuid(), ::getegid()};
  fs::create_directories(root / "etc/victim");
  ::chmod((root / "etc/victim").c_str(), 0755);
  fs::create_directories(root / "var/lib/kafka");

  // The final component a symlink: refused (exit 3), the target untouched.
  fs::create_directory_symlink(root / "etc/victim", root / "var/lib/kafka/data");
  auto leaf = r.ensure_dir("/var/lib/kafka/data", 0700, me);
  REQUIRE_FALSE(leaf.ok());
  CHECK(leaf.error().code == Exit::refused);
  CHECK(leaf.error().message.find("/var/lib/kafka/data is a symbolic link") != std::string::npos);
  CHECK(mode_of(root / "etc/victim") == 0755);

  // A symlink in a parent the kafka user owns (or anyone but root could write): refused, and
  // nothing is created where it points.
  ::chown((root / "var/lib/kafka").c_str(), 4242, 4242);
  auto below = r.ensure_dir("/var/lib/kafka/data/disk1", 0750, me);
  REQUIRE_FALSE(below.ok());
  CHECK(below.error().code == Exit::refused);
  CHECK(fs::is_empty(root / "etc/victim"));

  // A file where a directory is expected stays a usage error, as before.
  fs::remove(root / "var/lib/kafka/data");
  { std::ofstream(root / "var/lib/kafka/data") << "x"; }
  auto file = r.ensure_dir("/var/lib/kafka/data", 0750, me);
  REQUIRE_FALSE(file.ok());
  CHECK(file.error().code == Exit::usage);
  fs::remove_all(root);
}

TEST_CASE("ensure_dir follows a parent symlink only root could have placed") {
  if (::geteuid() != 0) {
    WARN("needs root (root-owned links)");
    return;
  }
  auto root = scratch("trusted");
  RootFs r(root);
  fs::create_directories(root / "run");
  fs::create_directories(root / "var");
  ::chmod((root / "var").c_str(), 0755);
  fs::create_directory_symlink("../run", root / "var/run");  // as on Debian: /var/run -> /run
  auto ok = r.ensure_dir("/var/run/kafka", 0750, Owner{0, 0});
  REQUIRE(ok.ok());
  CHECK(fs::is_directory(root / "run/kafka"));
  // The same link in a world-writable directory is not trusted.
  ::chmod((root / "var").c_str(), 01777);
  auto no = r.ensure_dir("/var/run/kafka2", 0750, Owner{0, 0});
  REQUIRE_FALSE(no.ok());
  CHECK(no.error().code == Exit::refused);
  fs::remove_all(root);
}
