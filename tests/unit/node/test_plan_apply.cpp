// The plan is the apply: for each situation a node can be in, what plan_bootstrap says it will
// do is exactly what apply_bootstrap then does (real filesystem under a temp root; a recording
// fake for systemctl and kafka-storage.sh, which cannot run here).
#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "../plan_check.hpp"
#include "core/state.hpp"
#include "node/plan.hpp"

using namespace ka;

namespace {

const std::string kCid = "MkU3OEVBNTcwNTJENDM2Qg";

// systemctl with a unit's state that start/enable change; kafka-storage.sh that writes the
// meta.properties Kafka would.
struct FakeHost final : ProcessRunner {
  fs::path root;
  std::string active = "inactive", enabled = "disabled";
  std::vector<std::string> format_dirs;
  std::vector<std::string> calls;  // "systemctl start kafka.service", "kafka-storage.sh format"
  std::vector<std::vector<std::string>> systemctl_argvs;

  Result<ProcessResult> run(const std::vector<std::string>& argv, const RunOptions&) override {
    ProcessResult r;
    r.exit_code = 0;
    if (argv[0] == "systemctl" && argv[1] == "show") {
      r.output = "LoadState=loaded\nActiveState=" + active + "\nSubState=x\nUnitFileState=" + enabled + "\nMainPID=0\nNRestarts=0\n";
      return r;
    }
    if (argv[0] == "systemctl") {
      systemctl_argvs.push_back(argv);
      calls.push_back("systemctl " + argv[1] + (argv.size() > 2 ? " " + argv.back() : ""));
      if (argv[1] == "enable") enabled = "enabled";
      if (argv[1] == "start" || argv[1] == "restart") active = "active";
      return r;
    }
    for (const auto& a : argv)
      if (a.find("kafka-storage.sh") != std::string::npos) {
        calls.push_back("kafka-storage.sh format");
        for (const auto& d : format_dirs) {
          fs::create_directories(root / d.substr(1));
          std::ofstream(root / d.substr(1) / "meta.properties")
              << "version=1\ncluster.id=" << kCid << "\nnode.id=1\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAQ\n";
        }
        return r;
      }
    r.exit_code = 1;  // kafka-metadata-quorum.sh, journalctl: nothing to say here
    return r;
  }
};

struct FakeClock final : Clock {
  time_point t{};
  double slept = 0;
  time_point now() override { return t; }
  void sleep_for(std::chrono::milliseconds d) override {
    t += d;
    slept += static_cast<double>(d.count()) / 1000.0;
  }
};

struct Node {
  fs::path root;
  FakeHost host;
  FakeClock clock;
  Deps deps;
  BootstrapOptions opts;
  Node() {
    char tmpl[] = "/tmp/ka-plan-apply-XXXXXX";
    root = mkdtemp(tmpl);
    host.root = root;
    deps.root = RootFs(root);
    deps.runner = &host;
    deps.clock = &clock;
    deps.systemd_unavailable = [](const RootFs&) { return std::string(); };
    opts.node.role = "combined";
    opts.node.node_id = "1";
    opts.node.cluster_id = kCid;
    opts.node.controllers = {"1@127.0.0.1:19093"};
    opts.node.listeners = {"PLAINTEXT://127.0.0.1:19092", "CONTROLLER://127.0.0.1:19093"};
    opts.node.advertise = {"PLAINTEXT://127.0.0.1:19092"};
    opts.node.memory = "4G";
    opts.skip_install = true;
  }
  ~Node() { fs::remove_all(root); }
  Result<Plan> plan() {
    auto p = plan_bootstrap(opts, deps);
    if (p.ok() && p->format) host.format_dirs = p->format->dirs;
    return p;
  }
};

// Plans, applies, and checks that apply did exactly what the plan printed.
void converge(Node& n) {
  auto p = n.plan();
  REQUIRE(p.ok());
  REQUIRE_FALSE(p->blocked());
  auto planned = test::acting(p->changes);
  auto rep = apply_bootstrap(*p, n.deps);
  REQUIRE(rep.ok());
  INFO("plan:\n" << plan_text(*p, false));
  test::check_done_as_planned(planned, rep->done);
}

void edit(const fs::path& file, const std::string& extra) {
  std::ofstream(file, std::ios::app) << extra;
}

bool has(const Plan& p, Kind k, const std::string& target, Action a) {
  for (const auto& c : p.changes)
    if (c.kind == k && c.target == target && c.action == a) return true;
  return false;
}

// The plan shows the refusal (`shown`), and apply refuses it (exit 3) before running anything.
void refused_as_shown(Node& n, const std::string& shown) {
  auto p = n.plan();
  REQUIRE(p.ok());
  CHECK(p->blocked());
  CHECK(plan_text(*p, false).find(shown) != std::string::npos);
  auto rep = apply_bootstrap(*p, n.deps);
  REQUIRE_FALSE(rep.ok());
  CHECK(rep.error().code == Exit::refused);
  CHECK(n.host.calls.empty());
}

}  // namespace

TEST_CASE("plan equals apply: fresh, converged, setting changed, unit stopped") {
  Node n;
  SECTION("fresh: every directory and file created, storage formatted, the unit enabled and started") {
    auto p = n.plan();
    REQUIRE(p.ok());
    CHECK(has(*p, Kind::file, "/etc/kafka/server.properties", Action::create));
    CHECK(has(*p, Kind::storage, "format", Action::format));
    CHECK(has(*p, Kind::systemd, "daemon-reload", Action::reload));
    CHECK(has(*p, Kind::unit, "kafka.service", Action::enable));
    CHECK(has(*p, Kind::unit, "kafka.service", Action::start));
    converge(n);
    CHECK(n.host.calls == std::vector<std::string>{"kafka-storage.sh format", "systemctl daemon-reload", "systemctl enable kafka.service",
                                                   "systemctl start kafka.service"});
  }
  SECTION("converged: nothing planned, nothing done") {
    converge(n);
    n.host.calls.clear();
    auto p = n.plan();
    REQUIRE(p.ok());
    CHECK_FALSE(p->any_change());
    CHECK(plan_text(*p, false) == "nothing to change\n");
    converge(n);
    CHECK(n.host.calls.empty());
  }
  SECTION("one setting changed: that file updated, the unit restarted, storage left alone") {
    converge(n);
    n.host.calls.clear();
    n.opts.node.sets = {"num.io.threads=9"};
    auto p = n.plan();
    REQUIRE(p.ok());
    CHECK(has(*p, Kind::file, "/etc/kafka/server.properties", Action::update));
    CHECK(has(*p, Kind::unit, "kafka.service", Action::restart));
    CHECK(has(*p, Kind::storage, "format", Action::none));
    converge(n);
    CHECK(n.host.calls == std::vector<std::string>{"systemctl restart kafka.service"});
  }
  SECTION("unit stopped: started again, nothing else") {
    converge(n);
    n.host.calls.clear();
    n.host.active = "inactive";
    auto p = n.plan();
    REQUIRE(p.ok());
    CHECK(test::show(test::acting(p->changes)) == "unit kafka.service: start\n");
    converge(n);
    CHECK(n.host.calls == std::vector<std::string>{"systemctl start kafka.service"});
  }
}

TEST_CASE("plan equals apply: a file edited by hand is shown, refused, and with --force overwritten") {
  Node n;
  converge(n);
  n.host.calls.clear();
  const fs::path props = n.root / "etc/kafka/server.properties";
  edit(props, "num.network.threads=7\n");
  refused_as_shown(n, "! file /etc/kafka/server.properties: edited by hand (bootstrap refuses unless --force)");
  std::ifstream in(props);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str().find("num.network.threads=7") != std::string::npos);  // untouched

  n.opts.force = true;
  auto forced = n.plan();
  REQUIRE(forced.ok());
  CHECK(has(*forced, Kind::file, "/etc/kafka/server.properties", Action::update));
  CHECK(has(*forced, Kind::unit, "kafka.service", Action::restart));
  converge(n);
}

TEST_CASE("plan equals apply: storage of another cluster is shown and refused, never formatted") {
  Node n;
  fs::create_directories(n.root / "var/lib/kafka/data");
  std::ofstream(n.root / "var/lib/kafka/data/meta.properties") << "version=1\ncluster.id=OTHERclusterIDxxxxxxxx\nnode.id=1\n";
  refused_as_shown(n, "! storage /var/lib/kafka/data: foreign");
  CHECK_FALSE(fs::exists(n.root / "etc/kafka/server.properties"));  // refused before anything changed
}

TEST_CASE("the health wait runs on the injected clock and says what is still missing") {
  Node n;
  converge(n);
  auto p = n.plan();
  REQUIRE(p.ok());
  auto out = std::make_shared<std::ostringstream>();
  n.deps.log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(*out));
  n.opts.wait = std::chrono::seconds(30);
  p->opts.wait = n.opts.wait;
  BootstrapReport rep;
  auto st = wait_healthy(*p, n.deps, rep);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "kafka.service is not healthy after 30 s");
  CHECK(n.clock.slept >= 30.0);
  CHECK(n.clock.slept < 32.0);
  // a line every 5 s of the wait, naming what is missing
  std::string log = out->str();
  size_t lines = 0;
  for (size_t at = log.find("waiting for kafka.service"); at != std::string::npos; at = log.find("waiting for kafka.service", at + 1)) ++lines;
  CHECK(lines >= 5);
  INFO(log);
  CHECK(log.find("waiting for kafka.service to be healthy (5 s of 30 s): ") != std::string::npos);
  // nothing listens in this test: the quorum tool is not started against a closed port
  CHECK(log.find("quorum membership of node 1: not asked: 127.0.0.1:19093 is not accepting connections") != std::string::npos);
}

TEST_CASE("kafka.service's jvm.env passes Kafka's class-data archive only when bake made it for the linked release and JDK") {
  Node n;
  const std::string dir = "/var/lib/kafka-appliance-cds/kafka_2.13-4.2.0+temurin-21.0.5+11-jre";
  auto link = [&](const std::string& l, const std::string& target) {
    fs::create_directories(n.root / "opt");
    fs::remove(n.root / l.substr(1));
    fs::create_directory_symlink(target, n.root / l.substr(1));
  };
  auto jvm_env = [](const Plan& p) {
    for (const auto& f : p.render.files)
      if (f.path == "/etc/kafka/jvm.env") return f.content;
    FAIL("no jvm.env planned");
    return std::string();
  };
  const std::string opts = "KAFKA_OPTS=\"-Xshare:auto -XX:SharedArchiveFile=" + dir + "/server.jsa\"";
  link("/opt/kafka", "kafka_2.13-4.2.0");
  link("/opt/java", "temurin-21.0.5+11-jre");
  converge(n);  // no archive yet (a plain VM: install makes none)
  auto p = n.plan();
  REQUIRE(p.ok());
  CHECK(jvm_env(*p).find("KAFKA_OPTS") == std::string::npos);

  fs::create_directories(n.root / dir.substr(1));
  std::ofstream(n.root / dir.substr(1) / "server.jsa") << "archive";
  p = n.plan();
  REQUIRE(p.ok());
  CHECK(jvm_env(*p).find(opts + "\n") != std::string::npos);
  CHECK(has(*p, Kind::file, "/etc/kafka/jvm.env", Action::update));  // the plan shows it
  CHECK(has(*p, Kind::unit, "kafka.service", Action::restart));
  converge(n);
  p = n.plan();
  REQUIRE(p.ok());
  CHECK_FALSE(p->any_change());  // idempotent

  // Another JDK behind /opt/java: that archive is not for it, and the line goes.
  link("/opt/java", "temurin-21.0.6+7-jre");
  p = n.plan();
  REQUIRE(p.ok());
  CHECK(jvm_env(*p).find("KAFKA_OPTS") == std::string::npos);
  CHECK(has(*p, Kind::file, "/etc/kafka/jvm.env", Action::update));
}
