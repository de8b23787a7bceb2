#include <catch2/catch.hpp>
#include <fstream>
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
const std::string kDir = "/var/lib/kafka-appliance/cds/kafka_2.13-4.3.1+temurin-21.0.5+11-jre";

// Plays a JVM's training run: writes the archive -XX:ArchiveClassesAtExit names (or not).
struct TrainingRunner final : ProcessRunner {
  fs::path root;
  bool write = true;
  std::vector<std::vector<std::string>> argvs;
  std::vector<RunOptions> opts;
  Result<ProcessResult> run(const std::vector<std::string>& argv, const RunOptions& o) override {
    argvs.push_back(argv);
    opts.push_back(o);
    const std::string flag = "-XX:ArchiveClassesAtExit=";
    auto it = o.env_set.find("KAFKA_OPTS");
    if (write && it != o.env_set.end() && it->second.rfind(flag, 0) == 0) {
      std::ofstream(root / it->second.substr(flag.size()).substr(1)) << "archive";
    }
    ProcessResult r;
    r.exit_code = argv.size() > 2 && argv[2].find("kafka-metadata-quorum") != std::string::npos ? 1 : 0;
    return r;
  }
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

TEST_CASE("bake's training runs make both archives in place, once") {
  auto root = scratch("train");
  RootFs r(root);
  install_links(root, "kafka_2.13-4.3.1", "temurin-21.0.5+11-jre");
  TrainingRunner runner;
  runner.root = root;
  auto rep = make_class_archives(r, runner);
  REQUIRE(rep.ok());
  CHECK(rep->skipped.empty());
  REQUIRE(rep->changes.size() == 2);
  CHECK(rep->changes[0] == "created " + kDir + "/kafka-storage.jsa");
  REQUIRE(runner.argvs.size() == 2);
  CHECK(runner.argvs[0][0] == "chroot");  // through the root
  CHECK(runner.argvs[0][2] == "/opt/kafka/bin/kafka-storage.sh");
  CHECK(runner.argvs[0][3] == "format");
  CHECK(runner.argvs[1][2] == "/opt/kafka/bin/kafka-metadata-quorum.sh");
  CHECK(runner.opts[0].env_set["JAVA_HOME"].empty());  // no java binary in this scratch root
  CHECK(fs::exists(root / kDir.substr(1) / "kafka-storage.jsa"));
  CHECK(fs::exists(root / kDir.substr(1) / "kafka-metadata-quorum.jsa"));
  // Only the archives are left: no scratch data directory, no training configuration.
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(root / kDir.substr(1))) n += e.path().extension() == ".jsa" ? 1 : 100;
  CHECK(n == 2);
  CHECK_FALSE(fs::exists(root / (kDir.substr(1) + ".partial")));
  // And now the tools use them.
  CHECK(kafka_tool_env("/opt/kafka/bin/kafka-metadata-quorum.sh", r, "-Xmx128m").count("KAFKA_OPTS") == 1);

  auto again = make_class_archives(r, runner);
  REQUIRE(again.ok());
  CHECK(again->changes.empty());
  CHECK(runner.argvs.size() == 2);  // nothing ran
  fs::remove_all(root);
}

TEST_CASE("a training run that writes no archive fails naming the tool, and leaves no half set") {
  auto root = scratch("nowrite");
  RootFs r(root);
  install_links(root, "kafka_2.13-4.3.1", "temurin-21.0.5+11-jre");
  TrainingRunner runner;
  runner.root = root;
  runner.write = false;
  auto rep = make_class_archives(r, runner);
  REQUIRE_FALSE(rep.ok());
  CHECK(rep.error().message.find("kafka-storage.sh wrote no class-data archive") != std::string::npos);
  CHECK_FALSE(fs::exists(root / kDir.substr(1)));
  CHECK_FALSE(fs::exists(root / (kDir.substr(1) + ".partial")));
  fs::remove_all(root);
}

TEST_CASE("no archives with a system JDK: skipped with the reason, nothing run") {
  auto root = scratch("system");
  RootFs r(root);
  install_links(root, "kafka_2.13-4.3.1", "");
  TrainingRunner runner;
  runner.root = root;
  auto rep = make_class_archives(r, runner);
  REQUIRE(rep.ok());
  CHECK(rep->changes.empty());
  CHECK(rep->skipped.find("/opt/java") != std::string::npos);
  CHECK(runner.argvs.empty());
  fs::remove_all(root);
}
