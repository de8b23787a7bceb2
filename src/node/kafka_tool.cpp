#include "node/kafka_tool.hpp"

namespace ka {

std::vector<std::string> kafka_tool_argv(std::vector<std::string> argv, const RootFs& root) {
  std::error_code ec;
  if (fs::weakly_canonical(root.root(), ec) != fs::path("/")) argv.insert(argv.begin(), {"chroot", root.root().string()});
  return argv;
}

Result<ProcessResult> run_kafka_tool(std::vector<std::string> argv, const RootFs& root, ProcessRunner& runner,
                                     std::chrono::milliseconds timeout, const std::string& heap) {
  std::error_code ec;
  RunOptions o;
  o.timeout = timeout;
  o.env_set["KAFKA_HEAP_OPTS"] = heap;
  if (fs::exists(root.host_path("/opt/java/bin/java"), ec)) o.env_set["JAVA_HOME"] = "/opt/java";
  return runner.run(kafka_tool_argv(std::move(argv), root), o);
}

}  // namespace ka
