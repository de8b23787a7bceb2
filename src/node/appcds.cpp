#include "node/appcds.hpp"

#include <algorithm>

#include "install/layout.hpp"
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

Result<ClassArchiveReport> make_class_archives(const RootFs& root, ProcessRunner& runner, const std::string& kafka_home) {
  ClassArchiveReport rep;
  auto dir = class_archive_dir(root, kafka_home);
  if (dir.empty()) {
    rep.skipped = "Java is not a release installed by this tool under " + std::string(install::kJavaLink) +
                  " (or " + kafka_home + " is not a link to a release)";
    return rep;
  }
  std::error_code ec;
  bool all = true;
  for (const char* t : kArchivedTools) all = all && fs::exists(root.host_path(dir + "/" + t + ".jsa"), ec);
  if (all) return rep;

  std::string partial = dir + ".partial";
  fs::path hpartial = root.host_path(partial);
  fs::remove_all(hpartial, ec);
  fs::remove_all(root.host_path(dir), ec);  // an incomplete set: made again whole
  KA_TRY_STATUS(root.ensure_dir(kClassArchiveDir, 0755, Owner{}));
  KA_TRY_STATUS(root.ensure_dir(partial, 0755, Owner{}));
  // A throwaway single-node KRaft configuration: format writes only under `partial`, and the
  // quorum tool finds nothing listening (port 1 on loopback) and gives up after a second.
  std::string props = "process.roles=broker,controller\nnode.id=1\n"
                      "controller.quorum.voters=1@127.0.0.1:1\n"
                      "listeners=PLAINTEXT://127.0.0.1:2,CONTROLLER://127.0.0.1:1\n"
                      "controller.listener.names=CONTROLLER\n"
                      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n"
                      "log.dirs=" + partial + "/data\n";
  KA_TRY_STATUS(root.write_file(partial + "/train.properties", props, 0644, Owner{}));
  KA_TRY_STATUS(root.write_file(partial + "/admin.properties",
                                "default.api.timeout.ms=1000\nrequest.timeout.ms=500\nretries=0\n", 0644, Owner{})
                    );
  auto train = [&](const std::string& tool, std::vector<std::string> args, bool must_succeed) -> Status {
    std::string archive = partial + "/" + tool + ".jsa";
    args.insert(args.begin(), kafka_home + "/bin/" + tool + ".sh");
    KA_TRY(auto r, run_kafka_tool(args, root, runner, std::chrono::minutes(5), "-Xmx256m",
                                  "-XX:ArchiveClassesAtExit=" + archive));
    if ((must_succeed && !r.ok()) || r.timed_out || !fs::exists(root.host_path(archive), ec)) {
      fs::remove_all(hpartial, ec);
      return fail("the training run of " + tool + ".sh wrote no class-data archive " + archive)
          .note("its output was: " + r.tail())
          .note("the image would work without it, only its tools would start slower (docs/appcds.md); bake again");
    }
    return ok_status();
  };
  KA_TRY_STATUS(train("kafka-storage", {"format", "-t", "AAAAAAAAAAAAAAAAAAAAAA", "-c", partial + "/train.properties"}, true));
  // Fails (nothing listens): what matters is the classes it loaded on the way.
  KA_TRY_STATUS(train("kafka-metadata-quorum", {"--bootstrap-server", "127.0.0.1:1", "--command-config",
                                                partial + "/admin.properties", "describe", "--status"},
                      false));
  for (const char* f : {"data", "train.properties", "admin.properties"}) fs::remove_all(hpartial / f, ec);
  fs::rename(hpartial, root.host_path(dir), ec);
  if (ec) return fail("cannot rename " + partial + " to " + dir + ": " + ec.message());
  KA_TRY_STATUS(fsync_dir(root.host_path(kClassArchiveDir)));
  for (const char* t : kArchivedTools) rep.changes.push_back("created " + dir + "/" + t + ".jsa");
  return rep;
}

}  // namespace ka
