#include <catch2/catch.hpp>
#include <unistd.h>

#include "node/bootstrap.hpp"
#include "node/safe_to_stop.hpp"

using namespace ka;
using namespace std::chrono_literals;

TEST_CASE("durations: seconds by default, or with a unit; anything else names the flag") {
  CHECK(*parse_duration("600", "--wait") == 600s);
  CHECK(*parse_duration("90s", "--wait") == 90s);
  CHECK(*parse_duration("10m", "--wait") == 10min);
  CHECK(*parse_duration("1h", "--wait") == 1h);
  CHECK(*parse_duration("500ms", "--wait") == 500ms);
  CHECK(*parse_duration("0", "--wait") == 0ms);
  for (const char* bad : {"", "ten", "10x", "-5", "5 m", "m", "1.5m", "99999999999999", "200h"}) {
    INFO(bad);
    auto d = parse_duration(bad, "--wait");
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().code == Exit::usage);
    CHECK(d.error().message.rfind("--wait: ", 0) == 0);
  }
}

TEST_CASE("safe-to-stop refuses a ZooKeeper member with exit 2, before asking anything") {
  auto root = fs::temp_directory_path() / ("ka-sts-" + std::to_string(::getpid()));
  fs::remove_all(root);
  RootFs r(root);
  r.write_file("/etc/kafka/zookeeper.properties", "dataDir=/var/lib/zookeeper\nclientPort=2181\n", 0640,
               Owner{::geteuid(), ::getegid()}).value();
  SystemClock clock;
  Deps deps;
  deps.root = r;
  deps.clock = &clock;
  int polls = 0;
  auto c = run_safe_to_stop({}, deps, [&](const SafeToStopCheck&) { ++polls; });
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == Exit::usage);
  CHECK(c.error().message.find("ZooKeeper ensemble member") != std::string::npos);
  CHECK(polls == 0);
  fs::remove_all(root);
}

TEST_CASE("a broker that cannot be read is not safe to stop, and the reason names what failed") {
  auto root = fs::temp_directory_path() / ("ka-sts2-" + std::to_string(::getpid()));
  fs::remove_all(root);
  RootFs r(root);
  r.write_file("/etc/kafka/server.properties",
               "process.roles=broker\nnode.id=101\ncontroller.listener.names=CONTROLLER\nlisteners=PLAINTEXT://127.0.0.1:1\n"
               "controller.quorum.voters=1@127.0.0.1:2\n", 0640, Owner{::geteuid(), ::getegid()}).value();
  SystemClock clock;
  Deps deps;
  deps.root = r;
  deps.clock = &clock;
  SafeToStopOptions o;
  o.call_timeout = 1500ms;
  auto c = run_safe_to_stop(o, deps, nullptr);
  REQUIRE(c.ok());
  CHECK_FALSE(c->decision.safe);
  REQUIRE_FALSE(c->decision.reasons.empty());
  CHECK(c->decision.reasons[0].find("cannot read the cluster") == 0);
  CHECK(c->polls == 1);
  fs::remove_all(root);
}

TEST_CASE("the no-producer-ID remedy restarts once, only after the failure lasted, and never twice") {
  NoProducerIdRemedy r;
  auto t = Clock::time_point{} + 1000s;
  CHECK_FALSE(r.due(false, t));
  CHECK_FALSE(r.due(true, t));           // first seen
  CHECK_FALSE(r.due(true, t + 59s));
  CHECK_FALSE(r.due(false, t + 60s));    // it recovered: the clock starts over
  CHECK_FALSE(r.due(true, t + 61s));
  CHECK_FALSE(r.due(true, t + 120s));
  CHECK(r.due(true, t + 121s));          // 60 s in a row
  CHECK_FALSE(r.due(true, t + 500s));    // once per wait
  CHECK_FALSE(r.due(true, t + 5000s));
}
