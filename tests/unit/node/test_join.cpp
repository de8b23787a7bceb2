// Joining a running cluster (node/join.hpp): a later controller of a dynamic quorum becomes a
// voter by a planned step (add-controller on 3.9-4.1, auto-join on 4.2+), and a fresh node whose
// node ID the running quorum already has is refused before anything is formatted. Real
// filesystem under a temp root and a real listening socket for the controller; a recording fake
// for systemctl, kafka-storage.sh and kafka-metadata-quorum.sh, which cannot run here.
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "../plan_check.hpp"
#include "core/state.hpp"
#include "node/join.hpp"
#include "node/plan.hpp"

using namespace ka;

namespace {

const std::string kCid = "MkU3OEVBNTcwNTJENDM2Qg";
const std::string kOurDir = "T3VyRGlyZWN0b3J5SWRYWA";
const std::string kOtherDir = "b2iYbTYiQ9uTzSO4HQV0vw";

// A controller's port: something listening, as a running quorum's controller would be.
struct ControllerPort {
  int fd = -1;
  int port = 0;
  ControllerPort() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 1024) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
  }
  ~ControllerPort() { ::close(fd); }
};

std::string replica(int id, const std::string& dir) {
  return "{\"id\": " + std::to_string(id) + ", \"directoryId\": \"" + dir + "\", \"endpoints\": [\"CONTROLLER://c" + std::to_string(id) + ":9093\"]}";
}

// The running quorum as kafka-metadata-quorum.sh shows it; add-controller moves the observer
// into the voters, as the leader would; auto-join does the same after `auto_join_after` asks.
struct FakeHost final : ProcessRunner {
  fs::path root;
  int node_id = 4;
  std::string active = "inactive", enabled = "disabled";
  std::vector<std::string> format_dirs;
  std::vector<std::string> voters = {replica(1, "J8aAPcfLQt2bqs1JT_rMgQ"), replica(2, kOtherDir), replica(3, "ygHKJp6BR2WUnRt7Pj4eKQ")};
  std::vector<std::string> observers;
  int auto_join_after = -1;  // describes until Kafka's auto-join made the observer a voter; -1: never
  int describes = 0;
  std::vector<std::string> calls;
  std::vector<std::vector<std::string>> add_argv;

  std::string status() const {
    auto list = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& e : v) s += (s.empty() ? "" : ", ") + e;
      return "[" + s + "]";
    };
    return "ClusterId:              " + kCid + "\nLeaderId:               1\nLeaderEpoch:            3\nHighWatermark:          100\n"
           "MaxFollowerLag:         0\nMaxFollowerLagTimeMs:   0\nCurrentVoters:          " + list(voters) +
           "\nCurrentObservers:       " + list(observers) + "\n";
  }
  void promote() {
    observers.clear();
    voters.push_back(replica(node_id, kOurDir));
  }

  Result<ProcessResult> run(const std::vector<std::string>& full, const RunOptions&) override {
    ProcessResult r;
    r.exit_code = 0;
    // Kafka's tools run under the temp root through chroot.
    std::vector<std::string> argv(full.begin() + (full[0] == "chroot" ? 2 : 0), full.end());
    if (argv[0] == "systemctl" && argv[1] == "show") {
      r.output = "LoadState=loaded\nActiveState=" + active + "\nSubState=x\nUnitFileState=" + enabled + "\nMainPID=0\nNRestarts=0\n";
      return r;
    }
    if (argv[0] == "systemctl") {
      calls.push_back("systemctl " + argv[1] + (argv.size() > 2 ? " " + argv.back() : ""));
      if (argv[1] == "enable") enabled = "enabled";
      if (argv[1] == "start" || argv[1] == "restart") {
        active = "active";
        observers = {replica(node_id, kOurDir)};  // the started controller fetches as an observer
      }
      return r;
    }
    if (argv[0].find("kafka-storage.sh") != std::string::npos) {
      calls.push_back("kafka-storage.sh format");
      for (const auto& d : format_dirs) {
        fs::create_directories(root / d.substr(1));
        std::ofstream(root / d.substr(1) / "meta.properties")
            << "version=1\ncluster.id=" << kCid << "\nnode.id=" << node_id << "\ndirectory.id=" << kOurDir << "\n";
      }
      return r;
    }
    if (argv[0].find("kafka-metadata-quorum.sh") != std::string::npos && argv.back() == "--status") {
      ++describes;
      if (auto_join_after >= 0 && describes > auto_join_after && !observers.empty()) promote();
      r.output = status();
      return r;
    }
    if (argv[0].find("kafka-metadata-quorum.sh") != std::string::npos && argv.back() == "add-controller") {
      calls.push_back("add-controller");
      add_argv.push_back(argv);
      if (observers.empty()) {
        r.exit_code = 1;
        r.output = "org.apache.kafka.common.errors.TimeoutException: not caught up";
      } else {
        promote();
      }
      return r;
    }
    r.exit_code = 1;
    return r;
  }
};

struct FakeClock final : Clock {
  time_point t{};
  time_point now() override { return t; }
  void sleep_for(std::chrono::milliseconds d) override { t += d; }
};

// A fourth controller of a running dynamic quorum (or a broker), as the cluster test's c4.
struct Node {
  fs::path root;
  ControllerPort controller;
  FakeHost host;
  FakeClock clock;
  Deps deps;
  BootstrapOptions opts;
  explicit Node(const std::string& version, const std::string& role = "controller", int id = 4) {
    char tmpl[] = "/tmp/ka-join-XXXXXX";
    root = mkdtemp(tmpl);
    host.root = root;
    host.node_id = id;
    deps.root = RootFs(root);
    deps.runner = &host;
    deps.clock = &clock;
    deps.systemd_unavailable = [](const RootFs&) { return std::string(); };
    opts.node.role = role;
    opts.node.node_id = std::to_string(id);
    opts.node.cluster_id = kCid;
    opts.node.kafka_version = version;
    opts.node.controller_bootstrap = {"127.0.0.1:" + std::to_string(controller.port)};
    opts.node.advertise = {role == "controller" ? "CONTROLLER://127.0.0.1:19093" : "PLAINTEXT://127.0.0.1:19092"};
    opts.node.memory = "4G";
    opts.dynamic = role == "controller" ? DynamicFormat::no_initial_controllers : DynamicFormat::automatic;
    opts.skip_install = true;
    opts.wait = std::chrono::seconds(60);
  }
  ~Node() { fs::remove_all(root); }
  Result<Plan> plan() {
    auto p = plan_bootstrap(opts, deps);
    if (p.ok() && p->format) host.format_dirs = p->format->dirs;
    return p;
  }
  std::string file(const std::string& path) const {
    std::ifstream in(root / path.substr(1));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

const PlannedChange* step(const Plan& p, Kind k, const std::string& target) {
  for (const auto& c : p.changes)
    if (c.kind == k && c.target == target) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("who holds a node ID in the running quorum") {
  auto q = parse_quorum_status("ClusterId: x\nLeaderId: 1\nCurrentVoters: [" + replica(1, kOtherDir) +
                               "]\nCurrentObservers: [{\"id\": 101, \"directoryId\": \"" + kOurDir + "\"}]\n");
  REQUIRE(q.ok());
  CHECK(node_id_holder(*q, 1) == "voter 1 (directory ID " + kOtherDir + ", CONTROLLER://c1:9093)");
  CHECK(node_id_holder(*q, 101) == "observer 101 (directory ID " + kOurDir + ")");
  CHECK(node_id_holder(*q, 7).empty());
  CHECK(is_voter(*q, 1, kOtherDir));
  CHECK_FALSE(is_voter(*q, 1, kOurDir));  // same ID, another directory: another node
  CHECK_FALSE(is_voter(*q, 101, kOurDir));
}

TEST_CASE("a later controller on 3.9-4.1 joins by the planned add-controller, exactly as planned") {
  Node n("4.1.1");
  auto p = n.plan();
  REQUIRE(p.ok());
  REQUIRE_FALSE(p->blocked());
  const auto* join = step(*p, Kind::quorum, "controller 4");
  REQUIRE(join);
  CHECK(join->action == Action::join);
  const std::string controllers = "127.0.0.1:" + std::to_string(n.controller.port);
  CHECK(join->argv == std::vector<std::string>{"/opt/kafka/bin/kafka-metadata-quorum.sh", "--command-config", "/etc/kafka/server.properties",
                                               "--bootstrap-controller", controllers, "add-controller"});
  CHECK(plan_text(*p, false).find("~ quorum controller 4: join: /opt/kafka/bin/kafka-metadata-quorum.sh --command-config "
                                  "/etc/kafka/server.properties --bootstrap-controller " + controllers + " add-controller") != std::string::npos);
  // the node ID was asked for before formatting, and is free
  const auto* id = step(*p, Kind::quorum, "node-id 4");
  REQUIRE(id);
  CHECK(id->why == "used by no voter or observer of the running quorum");

  auto rep = apply_bootstrap(*p, n.deps);
  REQUIRE(rep.ok());
  test::check_done_as_planned(test::acting(p->changes), rep->done);
  CHECK(n.host.calls == std::vector<std::string>{"kafka-storage.sh format", "systemctl daemon-reload", "systemctl enable kafka.service",
                                                 "systemctl start kafka.service", "add-controller"});
  CHECK(n.host.add_argv.front() == join->argv);
  CHECK(n.file("/etc/kafka/server.properties").find(kAutoJoinKey) == std::string::npos);

  // converged: a voter since it joined; nothing to do, the quorum is not asked again
  n.host.calls.clear();
  int asked = n.host.describes;
  auto again = n.plan();
  REQUIRE(again.ok());
  CHECK_FALSE(again->any_change());
  CHECK(step(*again, Kind::quorum, "controller 4")->why == "a voter since it joined (state.json)");
  CHECK(n.host.describes == asked);
}

TEST_CASE("a later controller on 4.2+ joins by Kafka's auto-join; the tool waits until it is a voter") {
  Node n("4.3.1");
  n.host.auto_join_after = 3;
  auto p = n.plan();
  REQUIRE(p.ok());
  const auto* join = step(*p, Kind::quorum, "controller 4");
  REQUIRE(join);
  CHECK(join->action == Action::join);
  CHECK(join->argv.empty());
  CHECK(step(*p, Kind::file, "/etc/kafka/server.properties")->diff.find(std::string(kAutoJoinKey) + "=true") != std::string::npos);
  auto rep = apply_bootstrap(*p, n.deps);
  REQUIRE(rep.ok());
  test::check_done_as_planned(test::acting(p->changes), rep->done);
  CHECK(n.host.add_argv.empty());
  CHECK(n.file("/etc/kafka/server.properties").find(std::string(kAutoJoinKey) + "=true") != std::string::npos);
}

TEST_CASE("4.2+ with auto-join turned off by --set joins by add-controller") {
  Node n("4.3.1");
  n.opts.node.sets = {std::string(kAutoJoinKey) + "=false"};
  auto p = n.plan();
  REQUIRE(p.ok());
  REQUIRE(step(*p, Kind::quorum, "controller 4"));
  CHECK_FALSE(step(*p, Kind::quorum, "controller 4")->argv.empty());
}

TEST_CASE("a formatted controller the quorum already lists as a voter is not joined again") {
  Node n("4.1.1");
  fs::create_directories(n.root / "var/lib/kafka/meta");
  fs::create_directories(n.root / "var/lib/kafka/data");
  for (auto d : {"var/lib/kafka/meta", "var/lib/kafka/data"})
    std::ofstream(n.root / d / "meta.properties") << "version=1\ncluster.id=" << kCid << "\nnode.id=4\ndirectory.id=" << kOurDir << "\n";
  n.host.promote();
  auto p = n.plan();
  REQUIRE(p.ok());
  const auto* join = step(*p, Kind::quorum, "controller 4");
  REQUIRE(join);
  CHECK(join->action == Action::none);
  CHECK(join->why == "already a voter of the running quorum");
  CHECK_FALSE(step(*p, Kind::quorum, "node-id 4"));  // a node with its own identity is not asked about its ID
}

TEST_CASE("a fresh node whose node ID the running quorum has is refused before anything is formatted") {
  SECTION("a broker claiming a controller's ID") {
    Node n("4.3.1", "broker", 2);
    auto p = n.plan();
    REQUIRE(p.ok());
    REQUIRE(p->blocked());
    CHECK(p->refusal->code == Exit::refused);
    CHECK(p->refusal->message.find("node ID 2 is taken by voter 2 (directory ID " + kOtherDir + ", CONTROLLER://c2:9093) of the running quorum") == 0);
    CHECK(p->refusal->message.find("give this node another ID with --node-id") != std::string::npos);
    CHECK(plan_text(*p, false).find("! quorum node-id 2: node ID 2 is taken by voter 2") != std::string::npos);
    auto rep = apply_bootstrap(*p, n.deps);
    REQUIRE_FALSE(rep.ok());
    CHECK(rep.error().code == Exit::refused);
    CHECK(n.host.calls.empty());
    CHECK_FALSE(fs::exists(n.root / "etc/kafka/server.properties"));
    CHECK_FALSE(fs::exists(n.root / "var/lib/kafka/meta/meta.properties"));
  }
  SECTION("a later controller claiming a live broker's ID, with the source the caller names") {
    Node n("4.1.1", "controller", 101);
    n.host.observers = {"{\"id\": 101, \"directoryId\": \"" + kOtherDir + "\"}"};
    n.opts.node_id_source = "the tag kafka-appliance:node-id";
    auto p = n.plan();
    REQUIRE(p.ok());
    REQUIRE(p->blocked());
    CHECK(p->refusal->message == "node ID 101 is taken by observer 101 (directory ID " + kOtherDir + ") of the running quorum at 127.0.0.1:" +
                                     std::to_string(n.controller.port) + ": give this node another ID with the tag kafka-appliance:node-id");
  }
  SECTION("a node with its own meta.properties keeps its identity and is not refused") {
    Node n("4.3.1", "broker", 2);
    for (auto d : {"var/lib/kafka/meta", "var/lib/kafka/data"}) {
      fs::create_directories(n.root / d);
      std::ofstream(n.root / d / "meta.properties") << "version=1\ncluster.id=" << kCid << "\nnode.id=2\ndirectory.id=" << kOurDir << "\n";
    }
    auto p = n.plan();
    REQUIRE(p.ok());
    CHECK_FALSE(p->blocked());
    CHECK(n.host.describes == 0);
  }
}

TEST_CASE("no controller listening (a cluster being created): the node ID is not checked, nothing refused") {
  Node n("4.3.1", "broker", 2);
  n.opts.node.controller_bootstrap = {"127.0.0.1:1"};
  auto p = n.plan();
  REQUIRE(p.ok());
  CHECK_FALSE(p->blocked());
  CHECK(step(*p, Kind::quorum, "node-id 2")->why == "not checked: no controller at 127.0.0.1:1 accepts connections yet");
  CHECK(n.host.describes == 0);
}

TEST_CASE("--no-start: the later controller is not joined, and says so") {
  Node n("4.1.1");
  n.opts.no_start = true;
  auto p = n.plan();
  REQUIRE(p.ok());
  CHECK(step(*p, Kind::quorum, "controller 4")->action == Action::none);
  CHECK(step(*p, Kind::quorum, "controller 4")->why == "not joined: not started (--no-start)");
}

TEST_CASE("a join that never completes fails after --wait, naming what is missing") {
  Node n("4.3.1");  // auto-join, but Kafka never promotes it
  n.opts.wait = std::chrono::seconds(20);
  auto p = n.plan();
  REQUIRE(p.ok());
  auto rep = apply_bootstrap(*p, n.deps);
  REQUIRE_FALSE(rep.ok());
  CHECK(rep.error().message == "controller 4 did not become a voter within 20 s");
  CHECK(rep.error().notes.front() == "an observer, not a voter yet");
}
