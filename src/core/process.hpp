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

// The only directories a bare program name is looked up in. Never the working directory, never
// an inherited PATH: the tool runs as root, and `./useradd` or `PATH=/tmp/evil:$PATH` in the
// shell of the person running it must not decide what runs. Also the child's PATH.
inline constexpr const char* kSystemPath = "/usr/sbin:/usr/bin:/sbin:/bin";

struct RunOptions {
  // Added to (or replacing in) the inherited environment; PATH is kSystemPath unless set here.
  std::map<std::string, std::string> env_set;
  std::optional<std::string> cwd;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  std::optional<std::string> stdin_data;
  // A server run until it serves, then stopped cleanly (bake's training start of Kafka): once
  // the output holds this text, the child's process group gets SIGTERM (once) and the output
  // is read on until it exits, all within `timeout` (then SIGKILL, as always).
  std::optional<std::string> stop_on_output;
};

struct ProcessResult {
  int exit_code = -1;   // -1 when killed by a signal
  int term_signal = 0;  // the signal, when killed
  bool timed_out = false;
  bool stopped = false;  // sent SIGTERM when its output held RunOptions::stop_on_output
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

// The executable file to run for `program`: a name with a '/' as given (the tool names those
// itself, e.g. <root>/opt/kafka/bin/kafka-storage.sh); a bare name from the first directory of
// `search_path` (colon-separated) holding an executable regular file of that name.
Result<std::string> resolve_program(const std::string& program, const std::string& search_path = kSystemPath);

// The one place secrets are taken out of command lines before anyone sees them: the values of
// --add-scram keep only their mechanism, name= and iterations=; any other argument keeps
// everything but the value of a password=, salt= or saltedpassword= (also ssl.key.password=).
std::vector<std::string> redact_argv(const std::vector<std::string>& argv);
// The same for free text (a program's output): values after password=, salt=, saltedpassword=.
std::string redact_secrets(const std::string& text);

// "useradd --root /x ..." for logs and errors, secrets redacted (redact_argv).
std::string describe_argv(const std::vector<std::string>& argv);

}  // namespace ka
