#include "node/kafka_tool.hpp"

#include <cstdlib>

#include "node/appcds.hpp"

namespace ka {

std::vector<std::string> kafka_tool_argv(std::vector<std::string> argv, const RootFs& root) {
  std::error_code ec;
  if (fs::weakly_canonical(root.root(), ec) != fs::path("/")) argv.insert(argv.begin(), {"chroot", root.root().string()});
  return argv;
}

std::map<std::string, std::string> kafka_tool_env(const std::string& tool_path, const RootFs& root,
                                                  const std::string& heap, const std::string& jvm_opts,
                                                  const std::string& inherited_opts) {
  std::error_code ec;
  std::map<std::string, std::string> env;
  env["KAFKA_HEAP_OPTS"] = heap;
  if (fs::exists(root.host_path("/opt/java/bin/java"), ec)) env["JAVA_HOME"] = "/opt/java";
  std::string opts = jvm_opts;
  if (opts.empty()) {
    auto archive = class_archive_path(root, tool_path);
    if (!archive.empty() && fs::is_regular_file(root.host_path(archive), ec)) opts = class_archive_opts(archive);
  }
  if (!inherited_opts.empty()) opts += (opts.empty() ? "" : " ") + inherited_opts;
  if (!opts.empty()) env["KAFKA_OPTS"] = opts;
  return env;
}

Result<ProcessResult> run_kafka_tool(std::vector<std::string> argv, const RootFs& root, ProcessRunner& runner,
                                     std::chrono::milliseconds timeout, const std::string& heap,
                                     const std::string& jvm_opts) {
  RunOptions o;
  o.timeout = timeout;
  const char* inherited = std::getenv("KAFKA_OPTS");
  o.env_set = kafka_tool_env(argv.empty() ? "" : argv.front(), root, heap, jvm_opts, inherited ? inherited : "");
  return runner.run(kafka_tool_argv(std::move(argv), root), o);
}

}  // namespace ka
