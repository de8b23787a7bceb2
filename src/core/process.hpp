// External programs (useradd, systemctl, kafka-storage.sh) run through one small interface:
// argv only, never a shell; output captured; a deadline. Tests run the real programs under a
// temp root; a fake is only for what cannot run here.
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace ka {

struct RunOptions {
  std::map<std::string, std::string> env_set;  // added to (or replacing in) the inherited environment
  std::optional<std::string> cwd;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  std::optional<std::string> stdin_data;
};

struct ProcessResult {
  int exit_code = -1;   // -1 when killed by a signal
  int term_signal = 0;  // the signal, when killed
  bool timed_out = false;
  std::string output;   // stdout and stderr interleaved, as a person would see them
  bool ok() const { return exit_code == 0 && !timed_out; }
  // The last `n` lines of output, for error notes.
  std::string tail(size_t n = 10) const;
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Fails only when the program cannot be started; a non-zero exit is a ProcessResult.
  virtual Result<ProcessResult> run(const std::vector<std::string>& argv, const RunOptions& opts = {}) = 0;
};

// fork+exec with pipes; the child gets its own process group so a timeout kills it whole.
class SystemProcessRunner final : public ProcessRunner {
 public:
  Result<ProcessResult> run(const std::vector<std::string>& argv, const RunOptions& opts = {}) override;
};

// "useradd --root /x ..." for logs and errors.
std::string describe_argv(const std::vector<std::string>& argv);

}  // namespace ka
