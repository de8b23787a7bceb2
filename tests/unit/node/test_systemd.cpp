#include <catch2/catch.hpp>
#include <unistd.h>

#include "node/systemd.hpp"

using namespace ka;

TEST_CASE("systemd is never driven for a root other than /") {
  RootFs r(fs::temp_directory_path());
  auto why = systemd_unavailable_reason(r);
  CHECK(why.find("--root") != std::string::npos);
}

TEST_CASE("offline enablement writes the WantedBy link") {
  auto root = fs::temp_directory_path() / ("ka-sd-" + std::to_string(::getpid()));
  RootFs r(root);
  CHECK(enable_offline(r, "kafka.service", "multi-user.target").value() == Change::created);
  CHECK(enable_offline(r, "kafka.service", "multi-user.target").value() == Change::unchanged);
  CHECK(fs::read_symlink(root / "etc/systemd/system/multi-user.target.wants/kafka.service") == "/etc/systemd/system/kafka.service");
  fs::remove_all(root);
}
