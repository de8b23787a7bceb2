// install as plan, then apply, with every side effect from Deps: a scripted HTTP server handed
// in as deps.http (install makes no client of its own), a recording progress sink, a fake
// useradd; the real filesystem under a temp root. For each situation, what plan_install says
// is exactly what apply_install then does.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "../fetch/scripted_http.hpp"
#include "../plan_check.hpp"
#include "archive_builder.hpp"
#include "install/install.hpp"
#include "verify/checksum.hpp"

using namespace ka;
namespace fs = std::filesystem;

namespace {

const std::string kAsf = "http://127.0.0.1:9/dist";
const std::string kTarballUrl = kAsf + "/kafka/4.98.1/kafka_2.13-4.98.1.tgz";

// groupadd and useradd as the real ones would leave /etc/group and /etc/passwd.
struct FakeShadow final : ProcessRunner {
  fs::path root;
  std::vector<std::string> ran;
  Result<ProcessResult> run(const std::vector<std::string>& argv, const RunOptions&) override {
    ran.push_back(argv[0]);
    if (argv[0] == "groupadd") std::ofstream(root / "etc/group", std::ios::app) << "kafka:x:990:\n";
    if (argv[0] == "useradd") std::ofstream(root / "etc/passwd", std::ios::app) << "kafka:x:990:990::/var/lib/kafka:/usr/sbin/nologin\n";
    ProcessResult r;
    r.exit_code = 0;
    return r;
  }
};

struct RecordingProgress final : fetch::Progress {
  std::vector<std::string> started;
  void start(const std::string& what, uint64_t, uint64_t) override { started.push_back(what); }
  void advance(uint64_t) override {}
  void end(bool) override {}
};

std::string sha512_hex(const std::string& s) {
  DigestSink d(DigestAlgo::sha512);
  REQUIRE(d.write(reinterpret_cast<const unsigned char*>(s.data()), s.size()).ok());
  return d.hex();
}

struct Host {
  fs::path root;
  FakeShadow shadow;
  test::ScriptedHttp http;
  std::vector<fetch::HttpSettings> http_made;  // the settings deps.http was asked with
  RecordingProgress progress;
  Deps deps;
  install::InstallOptions opts;
  Host() {
    char tmpl[] = "/tmp/ka-install-plan-XXXXXX";
    root = ::mkdtemp(tmpl);
    fs::create_directories(root / "etc");
    std::ofstream(root / "etc/passwd") << "root:x:0:0:root:/root:/bin/sh\n";
    std::ofstream(root / "etc/group") << "root:x:0:\n";
    fs::create_directories(root / "usr/bin");
    std::ofstream(root / "usr/bin/java") << "#!/bin/sh\n";  // --java system: /opt/java -> /usr
    shadow.root = root;
    deps.root = RootFs(root);
    deps.runner = &shadow;
    deps.progress = &progress;
    deps.http = [this](const fetch::HttpSettings& s) {
      http_made.push_back(s);
      return &http;
    };
    const std::string tgz = test::make_tgz({test::dir("kafka_2.13-4.98.1/"), test::dir("kafka_2.13-4.98.1/bin/"),
                                            test::file("kafka_2.13-4.98.1/bin/kafka-server-start.sh", "#!/bin/sh\n", 0755)});
    http.script[kTarballUrl] = {{200, tgz, ""}};
    opts.root = root.string();
    opts.cache_dir = "/var/cache/kafka-appliance";
    opts.kafka_version = "4.98.1";  // uncatalogued (but supported), pinned by --sha512
    opts.sha512 = sha512_hex(tgz);
    opts.java = "system";
    opts.quiet = true;
    opts.fetch.asf_url = kAsf;
    opts.fetch.archive_url = "http://127.0.0.1:9/archive";
    opts.fetch.http.cacert = "/the/cacert/flag";
  }
  ~Host() { fs::remove_all(root); }
};

// Plans, applies, and checks that apply did exactly what the plan printed.
std::vector<PlannedChange> converge(Host& h) {
  auto p = install::plan_install(h.opts);
  INFO((p.ok() ? std::string() : p.error().message));
  REQUIRE(p.ok());
  auto planned = test::acting(p->changes);
  auto rep = install::apply_install(*p, h.deps);
  INFO((rep.ok() ? std::string() : rep.error().message));
  REQUIRE(rep.ok());
  INFO("plan:\n" << changes_text(p->changes, true));
  test::check_done_as_planned(planned, rep->done);
  return planned;
}

bool has(const std::vector<PlannedChange>& v, Kind k, const std::string& target, Action a) {
  for (const auto& c : v)
    if (c.kind == k && c.target == target && c.action == a) return true;
  return false;
}

}  // namespace

TEST_CASE("install fetches through the HTTP client and progress of Deps, never its own") {
  Host h;
  auto rep = install::run_install(h.opts, h.deps);
  REQUIRE(rep.ok());
  CHECK(h.http.count(kTarballUrl) == 1);
  REQUIRE(h.http_made.size() == 1);
  CHECK(h.http_made[0].cacert == "/the/cacert/flag");  // the command's --cacert reached the client
  CHECK(h.progress.started == std::vector<std::string>{"kafka_2.13-4.98.1.tgz"});
  CHECK(fs::is_regular_file(h.root / "opt/kafka_2.13-4.98.1/bin/kafka-server-start.sh"));
  CHECK(fs::read_symlink(h.root / "opt/kafka") == "kafka_2.13-4.98.1");
  CHECK(fs::read_symlink(h.root / "opt/java") == "/usr");
  CHECK(h.shadow.ran == std::vector<std::string>{"groupadd", "useradd"});
}

TEST_CASE("install without an HTTP client in Deps fails with an error, it does not make one") {
  Host h;
  h.deps.http = nullptr;
  auto rep = install::run_install(h.opts, h.deps);
  REQUIRE_FALSE(rep.ok());
  CHECK(rep.error().message == "no HTTP client to fetch with");
  CHECK_FALSE(fs::exists(h.root / "opt/kafka_2.13-4.98.1"));
}

TEST_CASE("install: plan equals apply (fresh, converged, release already present)") {
  Host h;
  SECTION("fresh: the user, every directory, the release and both links") {
    auto planned = converge(h);
    CHECK(has(planned, Kind::user, "kafka", Action::create));
    CHECK(has(planned, Kind::dir, "/var/lib/kafka-appliance", Action::create));
    CHECK(has(planned, Kind::dir, "/var/log/kafka", Action::create));
    CHECK(has(planned, Kind::release, "Kafka 4.98.1", Action::create));
    CHECK(has(planned, Kind::link, "/opt/kafka", Action::create));
    CHECK(has(planned, Kind::link, "/opt/java", Action::create));
  }
  SECTION("converged: nothing planned, nothing done, nothing fetched") {
    converge(h);
    auto asked = h.http.requests.size();
    CHECK(converge(h).empty());
    CHECK(h.http.requests.size() == asked);
  }
  SECTION("release already present: only what is missing around it, no download") {
    converge(h);
    auto asked = h.http.requests.size();
    fs::remove(h.root / "opt/kafka");
    fs::remove_all(h.root / "var/log/kafka");
    fs::create_directories(h.root / "opt/kafka_2.13-4.98.1.partial.4242");  // an interrupted run's leftover
    auto planned = converge(h);
    CHECK(test::show(planned) ==
          "dir /opt/kafka_2.13-4.98.1.partial.4242: remove\n"
          "dir /var/log/kafka: create\n"
          "link /opt/kafka: create\n");
    CHECK(h.http.requests.size() == asked);
    CHECK_FALSE(fs::exists(h.root / "opt/kafka_2.13-4.98.1.partial.4242"));
  }
  SECTION("release edited by hand: planned as an update, unpacked again from the cache") {
    converge(h);
    std::ofstream(h.root / "opt/kafka_2.13-4.98.1/bin/kafka-server-start.sh", std::ios::app) << "echo planted\n";
    auto p = install::plan_install(h.opts);
    REQUIRE(p.ok());
    CHECK(test::show(test::acting(p->changes)) == "release Kafka 4.98.1: update\n");
    converge(h);
    CHECK(converge(h).empty());
  }
}

TEST_CASE("install --dry-run prints the typed plan, text and JSON") {
  Host h;
  auto p = install::plan_install(h.opts);
  REQUIRE(p.ok());
  auto text = install::format_install_plan(*p, false);
  CHECK(text.find("+ user kafka: create") != std::string::npos);
  CHECK(text.find("+ release Kafka 4.98.1: create (Kafka 4.98.1 into /opt/kafka_2.13-4.98.1)") != std::string::npos);
  CHECK(text.find("+ link /opt/kafka: create (-> kafka_2.13-4.98.1)") != std::string::npos);
  auto j = nlohmann::json::parse(install::format_install_plan(*p, true));
  CHECK(j["any_change"] == true);
  bool release = false;
  for (const auto& c : j["changes"]) release = release || (c["kind"] == "release" && c["change"] == "create");
  CHECK(release);
  CHECK_FALSE(fs::exists(h.root / "opt"));  // planning changed nothing
  CHECK(h.http.requests.empty());
}
