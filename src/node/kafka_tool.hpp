// Running one of Kafka's own tools (kafka-storage.sh, kafka-metadata-quorum.sh) from the release
// under the root: format, the health probe and the quorum join all go through here.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/process.hpp"
#include "core/result.hpp"

namespace ka {

// The command as it runs: through chroot when --root is not /.
std::vector<std::string> kafka_tool_argv(std::vector<std::string> argv, const RootFs& root);
// Runs kafka_tool_argv(argv), with a small heap, and with the JDK install put under
// /opt/java: the child's PATH is the fixed system path and a VM need not have java on it.
Result<ProcessResult> run_kafka_tool(std::vector<std::string> argv, const RootFs& root, ProcessRunner& runner,
                                     std::chrono::milliseconds timeout, const std::string& heap = "-Xmx128m");

}  // namespace ka
