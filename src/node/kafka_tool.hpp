// Running one of Kafka's own tools (kafka-storage.sh, kafka-metadata-quorum.sh) from the release
// under the root: format, the health probe and the quorum join all go through here.
#pragma once
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/process.hpp"
#include "core/result.hpp"

namespace ka {

// The command as it runs: through chroot when --root is not /.
std::vector<std::string> kafka_tool_argv(std::vector<std::string> argv, const RootFs& root);
// The environment added for the tool `tool_path`: the heap, JAVA_HOME=/opt/java when the JDK
// install is there, and in KAFKA_OPTS the tool's class-data archive when it exists
// (node/appcds.hpp) or else `jvm_opts` (a training run's), followed by `inherited_opts` (the
// caller's own KAFKA_OPTS, kept).
std::map<std::string, std::string> kafka_tool_env(const std::string& tool_path, const RootFs& root,
                                                  const std::string& heap, const std::string& jvm_opts = "",
                                                  const std::string& inherited_opts = "");
// Runs kafka_tool_argv(argv) with kafka_tool_env: the child's PATH is the fixed system path and
// a VM need not have java on it.
Result<ProcessResult> run_kafka_tool(std::vector<std::string> argv, const RootFs& root, ProcessRunner& runner,
                                     std::chrono::milliseconds timeout, const std::string& heap = "-Xmx128m",
                                     const std::string& jvm_opts = "");

}  // namespace ka
