#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "node/appcds.hpp"
#include "node/kafka_tool.hpp"

using namespace ka;

namespace {
fs::path scratch(const std::string& name) {
  auto root = fs::temp_directory_path() / ("ka-appcds-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "opt");
  return root;
}
Owner me() { return Owner{::geteuid(), ::getegid()}; }
// /opt/kafka and /opt/java as install leaves them: links to the release directories.
void install_links(const fs::path& root, const std::string& kafka, const std::string& java) {
  fs::remove(root / "opt/kafka");
  fs::create_directory_symlink(kafka, root / "opt/kafka");
  if (!java.empty()) {
    fs::remove(root / "opt/java");
    fs::create_directory_symlink(java, root / "opt/java");
  }
}
const std::string kDir = "/var/lib/kafka-appliance-cds/kafka_2.13-4.3.1+temurin-21.0.5+11-jre";

// Plays a JVM's training run: writes the archive -XX:ArchiveClassesAtExit names (or not). The
// server start (stop_on_output set) serves, and is stopped by SIGTERM, as `server` says; like
// Kafka it leaves a formatted data directory and logs under the scratch directory.
struct TrainingRunner final : ProcessRunner {
  enum class Server { serves, exits_early, never_serves, never_stops };
  fs::path root;
  bool write = true;
  Server server = Server::serves;
  std::string server_config;  // the scratch node's configuration, as the server read it
  std::vector<std::vector<std::string>> argvs;
  std::vector<RunOptions> opts;
  Result<ProcessResult> run(const std::vector<std::string>& argv, const RunOptions& o) override {
    argvs.push_back(argv);
    opts.push_back(o);
    ProcessResult r;
    r.exit_code = argv.size() > 2 && argv[2].find("kafka-metadata-quorum") != std::string::npos ? 1 : 0;
    bool exits = true;  // the JVM gets to exit, writing its archive
    if (o.stop_on_output) {
      server_config = slurp(root / argv.back().substr(1));
      std::ofstream(root / o.env_set.at("LOG_DIR").substr(1) / "server.log") << "log";
      r.stopped = server == Server::serves || server == Server::never_stops;
      r.timed_out = server == Server::never_serves || server == Server::never_stops;
      r.exit_code = server == Server::serves ? 143 : server == Server::exits_early ? 1 : -1;
      r.output = server == Server::exits_early ? "Address already in use\n" : "";
      exits = server == Server::serves || server == Server::exits_early;
    }
    const std::string flag = "-XX:ArchiveClassesAtExit=";
    auto it = o.env_set.find("KAFKA_OPTS");
    auto at = it == o.env_set.end() ? std::string::npos : it->second.find(flag);
    if (write && exits && at != std::string::npos) {
      auto archive = it->second.substr(at + flag.size());
      archive = archive.substr(0, archive.find(' '));
      std::ofstream(root / archive.substr(1)) << "archive";
    }
    return r;
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
};

// A scratch image: /opt/kafka at Kafka 4.3.1, /opt/java at `java` ("": none), a training runner
// on it; removed when the test ends. Tests take it apart: auto& [root, r, runner] = image;
struct ScratchImage {
  explicit ScratchImage(const std::string& name, const std::string& java = "temurin-21.0.5+11-jre")
      : root(scratch(name)), r(root) {
    install_links(root, "kafka_2.13-4.3.1", java);
    runner.root = root;
  }
  ~ScratchImage() { fs::remove_all(root); }
  fs::path root;
  RootFs r;
  TrainingRunner runner;
};
}  // namespace

TEST_CASE("the archive directory is named after the Kafka release and the JDK the links point at") {
  auto root = scratch("dir");
  RootFs r(root);
  CHECK(class_archive_dir(r, "/opt/kafka").empty());  // nothing installed
  install_links(root, "kafka_2.13-4.3.1", "");
  CHECK(class_archive_dir(r, "/opt/kafka").empty());  // a system JDK: no archive
  install_links(root, "kafka_2.13-4.3.1", "temurin-21.0.5+11-jre");
  CHECK(class_archive_dir(r, "/opt/kafka") == kDir);
  CHECK(class_archive_path(r, "/opt/kafka/bin/kafka-storage.sh") == kDir + "/kafka-storage.jsa");
  CHECK(class_archive_path(r, "/opt/kafka/bin/kafka-metadata-quorum.sh") == kDir + "/kafka-metadata-quorum.jsa");
  CHECK(class_archive_path(r, "/opt/kafka/bin/kafka-server-start.sh").empty());
  CHECK(class_archive_path(r, "chroot").empty());
  fs::remove_all(root);
}

TEST_CASE("a tool gets -XX:SharedArchiveFile only when the archive of its release and JDK exists") {
  auto root = scratch("env");
  RootFs r(root);
  install_links(root, "kafka_2.13-4.3.1", "temurin-21.0.5+11-jre");
  const std::string storage = "/opt/kafka/bin/kafka-storage.sh";
  CHECK(kafka_tool_env(storage, r, "-Xmx256m").count("KAFKA_OPTS") == 0);

  r.write_file(kDir + "/kafka-storage.jsa", "archive", 0644, me()).value();
  auto env = kafka_tool_env(storage, r, "-Xmx256m");
  CHECK(env["KAFKA_OPTS"] == "-Xshare:auto -XX:SharedArchiveFile=" + kDir + "/kafka-storage.jsa");
  CHECK(env["KAFKA_HEAP_OPTS"] == "-Xmx256m");
  // The quorum tool has no archive yet; the caller's own KAFKA_OPTS are kept, after ours.
  CHECK(kafka_tool_env("/opt/kafka/bin/kafka-metadata-quorum.sh", r, "-Xmx128m").count("KAFKA_OPTS") == 0);
  CHECK(kafka_tool_env(storage, r, "-Xmx256m", "", "-Dx=1")["KAFKA_OPTS"] ==
        "-Xshare:auto -XX:SharedArchiveFile=" + kDir + "/kafka-storage.jsa -Dx=1");
  // A training run's options replace the archive's.
  CHECK(kafka_tool_env(storage, r, "-Xmx256m", "-XX:ArchiveClassesAtExit=/x.jsa")["KAFKA_OPTS"] ==
        "-XX:ArchiveClassesAtExit=/x.jsa");

  // An upgrade switches /opt/kafka (or /opt/java): the old release's archive is never used.
  install_links(root, "kafka_2.13-4.4.0", "temurin-21.0.5+11-jre");
  CHECK(kafka_tool_env(storage, r, "-Xmx256m").count("KAFKA_OPTS") == 0);
  install_links(root, "kafka_2.13-4.3.1", "temurin-21.0.6+7-jre");
  CHECK(kafka_tool_env(storage, r, "-Xmx256m").count("KAFKA_OPTS") == 0);
  fs::remove_all(root);
}

TEST_CASE("bake's training runs make the tools' and Kafka's archives in place, once") {
  ScratchImage image("train");
  auto& [root, r, runner] = image;
  CHECK(server_class_archive(r).empty());
  auto rep = make_class_archives(r, runner, "/opt/kafka", std::chrono::seconds(90));
  REQUIRE(rep.ok());
  CHECK(rep->skipped.empty());
  REQUIRE(rep->changes.size() == 3);
  CHECK(rep->changes[0] == "created " + kDir + "/kafka-storage.jsa");
  CHECK(rep->changes[2] == "created " + kDir + "/server.jsa");
  REQUIRE(runner.argvs.size() == 3);
  CHECK(runner.argvs[0][0] == "chroot");  // through the root
  CHECK(runner.argvs[0][2] == "/opt/kafka/bin/kafka-storage.sh");
  CHECK(runner.argvs[0][3] == "format");
  CHECK(runner.opts[0].env_set["JAVA_HOME"].empty());  // no java binary in this scratch root
  // Kafka on the node format made: through the root, until it logs that it serves (then
  // SIGTERM), bounded, its logs and temporary files in the scratch directory.
  const auto& srv = runner.argvs[1];
  CHECK(srv[0] == "chroot");
  CHECK(srv[2] == "/opt/kafka/bin/kafka-server-start.sh");
  CHECK(srv[3] == kDir + ".partial/train.properties");
  CHECK(srv[3] == runner.argvs[0].back());
  const auto& so = runner.opts[1];
  REQUIRE(so.stop_on_output);
  CHECK(*so.stop_on_output == "Kafka Server started");
  CHECK(so.timeout == std::chrono::seconds(90));
  CHECK(so.env_set.at("LOG_DIR") == kDir + ".partial/logs");
  CHECK(so.env_set.at("KAFKA_OPTS") == "-XX:ArchiveClassesAtExit=" + kDir + ".partial/server.jsa -XX:-UsePerfData -Djava.io.tmpdir=" +
                                           kDir + ".partial/tmp");
  CHECK_FALSE(runner.opts[0].stop_on_output);
  // A combined node on loopback only, on two distinct ports.
  CHECK(runner.server_config.find("process.roles=broker,controller\n") != std::string::npos);
  CHECK(runner.server_config.find("log.dirs=" + kDir + ".partial/data\n") != std::string::npos);
  auto listeners = runner.server_config.substr(runner.server_config.find("listeners="));
  listeners = listeners.substr(0, listeners.find('\n'));
  CHECK(listeners.find("PLAINTEXT://127.0.0.1:") != std::string::npos);
  CHECK(listeners.find("CONTROLLER://127.0.0.1:") != std::string::npos);
  CHECK(listeners.find("0.0.0.0") == std::string::npos);
  CHECK(runner.argvs[2][2] == "/opt/kafka/bin/kafka-metadata-quorum.sh");
  CHECK(fs::exists(root / kDir.substr(1) / "kafka-storage.jsa"));
  CHECK(fs::exists(root / kDir.substr(1) / "kafka-metadata-quorum.jsa"));
  CHECK(fs::exists(root / kDir.substr(1) / "server.jsa"));
  // Only the archives are left: no scratch data directory, logs or training configuration.
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(root / kDir.substr(1))) n += e.path().extension() == ".jsa" ? 1 : 100;
  CHECK(n == 3);
  CHECK_FALSE(fs::exists(root / (kDir.substr(1) + ".partial")));
  // And now the tools and the server use them.
  CHECK(kafka_tool_env("/opt/kafka/bin/kafka-metadata-quorum.sh", r, "-Xmx128m").count("KAFKA_OPTS") == 1);
  CHECK(server_class_archive(r) == kDir + "/server.jsa");

  auto again = make_class_archives(r, runner);
  REQUIRE(again.ok());
  CHECK(again->changes.empty());
  CHECK(runner.argvs.size() == 3);  // nothing ran

  // An image baked before the server had an archive: the set is made again, whole.
  fs::remove(root / kDir.substr(1) / "server.jsa");
  CHECK(server_class_archive(r).empty());
  auto third = make_class_archives(r, runner);
  REQUIRE(third.ok());
  CHECK(third->changes.size() == 3);
  CHECK(server_class_archive(r) == kDir + "/server.jsa");
  // An upgrade switches a link: the server's archive is that of another release, never offered.
  install_links(root, "kafka_2.13-4.4.0", "temurin-21.0.5+11-jre");
  CHECK(server_class_archive(r).empty());
}

TEST_CASE("a Kafka that does not serve, or does not stop, fails the training naming why; nothing is left") {
  using S = TrainingRunner::Server;
  struct Case {
    S server;
    std::string says;
  };
  for (const auto& c : {Case{S::exits_early, "exited (status 1) before it logged 'Kafka Server started'"},
                        Case{S::never_serves, "did not log 'Kafka Server started' within 90 s"},
                        Case{S::never_stops, "did not exit after SIGTERM within the 90 s given to its start and stop"}}) {
    ScratchImage image("server-fails");
    auto& [root, r, runner] = image;
    runner.server = c.server;
    auto rep = make_class_archives(r, runner, "/opt/kafka", std::chrono::seconds(90));
    REQUIRE_FALSE(rep.ok());
    INFO(rep.error().message);
    CHECK(rep.error().message.find("the training start of Kafka (/opt/kafka/bin/kafka-server-start.sh, a scratch node on 127.0.0.1:") == 0);
    CHECK(rep.error().message.find(c.says) != std::string::npos);
    CHECK_FALSE(fs::exists(root / kDir.substr(1)));
    CHECK_FALSE(fs::exists(root / (kDir.substr(1) + ".partial")));  // no scratch node, no half set
    CHECK(runner.argvs.size() == 2);  // the quorum tool's training did not run
  }
}

TEST_CASE("a training run that writes no archive fails naming the tool, and leaves no half set") {
  ScratchImage image("nowrite");
  auto& [root, r, runner] = image;
  runner.write = false;
  auto rep = make_class_archives(r, runner);
  REQUIRE_FALSE(rep.ok());
  CHECK(rep.error().message.find("kafka-storage.sh wrote no class-data archive") != std::string::npos);
  CHECK_FALSE(fs::exists(root / kDir.substr(1)));
  CHECK_FALSE(fs::exists(root / (kDir.substr(1) + ".partial")));
}

TEST_CASE("no archives with a system JDK: skipped with the reason, nothing run") {
  ScratchImage image("system", "");
  auto& [root, r, runner] = image;
  auto rep = make_class_archives(r, runner);
  REQUIRE(rep.ok());
  CHECK(rep->changes.empty());
  CHECK(rep->skipped.find("/opt/java") != std::string::npos);
  CHECK(runner.argvs.empty());
}
