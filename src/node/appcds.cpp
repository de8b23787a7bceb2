#include "node/appcds.hpp"

#include <algorithm>

#include "install/layout.hpp"
#include "node/net.hpp"
#include "node/kafka_tool.hpp"

namespace ka {

namespace {

// The name of the release a link points at, or "" when `link` is not a symbolic link.
std::string link_target_name(const RootFs& root, const std::string& link) {
  std::error_code ec;
  auto host = root.host_path(link);
  if (!fs::is_symlink(fs::symlink_status(host, ec))) return "";
  auto target = fs::read_symlink(host, ec);
  if (ec) return "";
  auto name = target.filename().string();
  if (name.empty()) name = target.parent_path().filename().string();  // a target written "dir/"
  return name == "." || name == ".." ? "" : name;
}

}  // namespace

std::string class_archive_dir(const RootFs& root, const std::string& kafka_home) {
  auto kafka = link_target_name(root, kafka_home);
  auto java = link_target_name(root, install::kJavaLink);
  if (kafka.empty() || java.empty()) return "";
  return std::string(kClassArchiveDir) + "/" + kafka + "+" + java;
}

std::string class_archive_path(const RootFs& root, const std::string& tool_path) {
  fs::path tool(tool_path);
  if (tool.extension() != ".sh" || tool.parent_path().filename() != "bin") return "";
  auto stem = tool.stem().string();
  if (std::find(std::begin(kArchivedTools), std::end(kArchivedTools), stem) == std::end(kArchivedTools)) return "";
  auto dir = class_archive_dir(root, tool.parent_path().parent_path().string());
  return dir.empty() ? "" : dir + "/" + stem + ".jsa";
}

std::string class_archive_opts(const std::string& archive) { return "-Xshare:auto -XX:SharedArchiveFile=" + archive; }

std::string server_class_archive(const RootFs& root, const std::string& kafka_home) {
  auto dir = class_archive_dir(root, kafka_home);
  if (dir.empty()) return "";
  std::string archive = dir + "/" + kServerArchive + ".jsa";
  std::error_code ec;
  return fs::is_regular_file(root.host_path(archive), ec) ? archive : "";
}

Result<ClassArchiveReport> make_class_archives(const RootFs& root, ProcessRunner& runner, const std::string& kafka_home,
                                               std::chrono::milliseconds server_timeout) {
  ClassArchiveReport rep;
  auto dir = class_archive_dir(root, kafka_home);
  if (dir.empty()) {
    rep.skipped = "Java is not a release installed by this tool under " + std::string(install::kJavaLink) +
                  " (or " + kafka_home + " is not a link to a release)";
    return rep;
  }
  std::vector<std::string> names(std::begin(kArchivedTools), std::end(kArchivedTools));
  names.push_back(kServerArchive);
  std::error_code ec;
  bool all = true;
  for (const auto& n : names) all = all && fs::exists(root.host_path(dir + "/" + n + ".jsa"), ec);
  if (all) return rep;

  std::string partial = dir + ".partial";
  fs::path hpartial = root.host_path(partial);
  fs::remove_all(hpartial, ec);
  fs::remove_all(root.host_path(dir), ec);  // an incomplete set: made again whole
  KA_TRY_STATUS(root.ensure_dir(kClassArchiveDir, 0755, Owner{}));
  KA_TRY_STATUS(root.ensure_dir(partial, 0755, Owner{}));
  // Everything of the scratch node lives under `partial` (its data, logs and temporary files,
  // no JVM perf data in /tmp) and is removed before the rename: the image keeps no node of it.
  KA_TRY_STATUS(root.ensure_dir(partial + "/tmp", 0755, Owner{}));
  auto ports = free_loopback_ports(2);
  if (!ports) {
    fs::remove_all(hpartial, ec);
    return std::move(ports).error().note("the training start of Kafka needs two free ports of 127.0.0.1");
  }
  const std::string broker = "127.0.0.1:" + std::to_string((*ports)[0]);
  const std::string controller = "127.0.0.1:" + std::to_string((*ports)[1]);
  // A throwaway combined KRaft node: format writes only under `partial`, the server listens on
  // loopback only, and the quorum tool finds nothing listening (port 1) and gives up after a second.
  std::string props = "process.roles=broker,controller\nnode.id=1\n"
                      "controller.quorum.voters=1@" + controller + "\n"
                      "listeners=PLAINTEXT://" + broker + ",CONTROLLER://" + controller + "\n"
                      "advertised.listeners=PLAINTEXT://" + broker + "\n"
                      "controller.listener.names=CONTROLLER\n"
                      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n"
                      "offsets.topic.replication.factor=1\ntransaction.state.log.replication.factor=1\n"
                      "log.dirs=" + partial + "/data\n";
  KA_TRY_STATUS(root.write_file(partial + "/train.properties", props, 0644, Owner{}));
  KA_TRY_STATUS(root.write_file(partial + "/admin.properties",
                                "default.api.timeout.ms=1000\nrequest.timeout.ms=500\nretries=0\n", 0644, Owner{})
                    );
  auto training_opts = [&](const std::string& archive) {
    return "-XX:ArchiveClassesAtExit=" + archive + " -XX:-UsePerfData -Djava.io.tmpdir=" + partial + "/tmp";
  };
  auto no_archive = [&](const std::string& what, const std::string& archive, const ProcessResult& r) {
    fs::remove_all(hpartial, ec);
    return fail("the training run of " + what + " wrote no class-data archive " + archive)
        .note("its output was: " + r.tail())
        .note("the image would work without it, only its JVMs would start slower (docs/appcds.md); bake again");
  };
  auto train = [&](const std::string& tool, std::vector<std::string> args, bool must_succeed) -> Status {
    std::string archive = partial + "/" + tool + ".jsa";
    args.insert(args.begin(), kafka_home + "/bin/" + tool + ".sh");
    KA_TRY(auto r, run_kafka_tool(args, root, runner, std::chrono::minutes(5), "-Xmx256m", training_opts(archive)));
    if ((must_succeed && !r.ok()) || r.timed_out || !fs::exists(root.host_path(archive), ec))
      return no_archive(tool + ".sh", archive, r);
    return ok_status();
  };
  // Kafka itself: started on the formatted scratch node until it serves, then stopped cleanly
  // (the JVM writes the archive as it exits); bounded, and killed at the deadline.
  auto train_server = [&]() -> Status {
    std::string archive = partial + "/" + kServerArchive + ".jsa";
    std::string start = kafka_home + "/bin/kafka-server-start.sh";
    RunOptions o;
    o.timeout = server_timeout;
    o.stop_on_output = kServerStartedText;
    o.env_set = kafka_tool_env(start, root, "-Xms256m -Xmx256m", training_opts(archive));
    o.env_set["LOG_DIR"] = partial + "/logs";
    KA_TRY(auto r, runner.run(kafka_tool_argv({start, partial + "/train.properties"}, root), o));
    auto secs = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(server_timeout).count());
    if (!r.stopped || r.timed_out) {
      fs::remove_all(hpartial, ec);
      std::string why = r.stopped ? "served, but did not exit after SIGTERM within the " + secs + " s given to its start and stop"
                        : r.timed_out ? "did not log '" + std::string(kServerStartedText) + "' within " + secs + " s"
                                      : "exited (status " + std::to_string(r.exit_code) + ") before it logged '" +
                                            kServerStartedText + "'";
      return fail("the training start of Kafka (" + start + ", a scratch node on " + broker + " and " + controller + ") " + why)
          .note("its output was: " + r.tail())
          .note("the image would work without its class-data archive, only Kafka would start slower (docs/appcds.md); bake again");
    }
    if (!fs::exists(root.host_path(archive), ec)) return no_archive("Kafka (" + start + ")", archive, r);
    return ok_status();
  };
  KA_TRY_STATUS(train("kafka-storage", {"format", "-t", "AAAAAAAAAAAAAAAAAAAAAA", "-c", partial + "/train.properties"}, true));
  KA_TRY_STATUS(train_server());
  // Fails (nothing listens): what matters is the classes it loaded on the way.
  KA_TRY_STATUS(train("kafka-metadata-quorum", {"--bootstrap-server", "127.0.0.1:1", "--command-config",
                                                partial + "/admin.properties", "describe", "--status"},
                      false));
  for (const char* f : {"data", "logs", "tmp", "train.properties", "admin.properties"}) fs::remove_all(hpartial / f, ec);
  fs::rename(hpartial, root.host_path(dir), ec);
  if (ec) return fail("cannot rename " + partial + " to " + dir + ": " + ec.message());
  KA_TRY_STATUS(fsync_dir(root.host_path(kClassArchiveDir)));
  for (const auto& n : names) rep.changes.push_back("created " + dir + "/" + n + ".jsa");
  return rep;
}

}  // namespace ka
