#include "core/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/fs.hpp"

extern char** environ;

namespace ka {

std::string ProcessResult::tail(size_t n) const {
  size_t pos = output.size();
  if (pos > 0 && output[pos - 1] == '\n') --pos;
  size_t lines = 0;
  while (pos > 0) {
    if (output[pos - 1] == '\n' && ++lines == n) break;
    --pos;
  }
  return output.substr(pos);
}

std::string describe_argv(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\"'\\$") == std::string::npos;
    s += plain ? a : "'" + a + "'";
  }
  return s;
}

Result<ProcessResult> SystemProcessRunner::run(const std::vector<std::string>& argv, const RunOptions& opts) {
  if (argv.empty()) return fail("internal: empty command line");
  // Build argv/envp before fork: only async-signal-safe calls in the child.
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos && opts.env_set.count(kv.substr(0, eq))) continue;
    envs.push_back(kv);
  }
  for (const auto& [k, v] : opts.env_set) envs.push_back(k + "=" + v);
  std::vector<char*> cenv;
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);

  int out[2], in[2], err_pipe[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
    return fail("cannot create pipes for " + argv[0] + ": " + errno_text(errno));
  pid_t pid = ::fork();
  if (pid < 0) return fail("cannot fork for " + argv[0] + ": " + errno_text(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    if (opts.cwd && ::chdir(opts.cwd->c_str()) != 0) {
      int e = errno;
      (void)!::write(err_pipe[1], &e, sizeof e);
      ::_exit(127);
    }
    ::execve(cargv[0], cargv.data(), cenv.data());
    if (std::strchr(cargv[0], '/') == nullptr) ::execvpe(cargv[0], cargv.data(), cenv.data());
    int e = errno;
    (void)!::write(err_pipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(in[0]);
  ::close(err_pipe[1]);
  int child_errno = 0;
  if (::read(err_pipe[0], &child_errno, sizeof child_errno) == static_cast<ssize_t>(sizeof child_errno)) {
    ::close(err_pipe[0]);
    ::close(out[0]);
    ::close(in[1]);
    ::waitpid(pid, nullptr, 0);
    return fail("cannot run " + argv[0] + ": " + errno_text(child_errno))
        .note(child_errno == ENOENT ? "install it, or check PATH" : "check the program's permissions");
  }
  ::close(err_pipe[0]);
  if (opts.stdin_data) {
    // Small inputs only (passwords, configs): a pipe buffer holds 64 KiB.
    (void)!::write(in[1], opts.stdin_data->data(), opts.stdin_data->size());
  }
  ::close(in[1]);

  ProcessResult res;
  auto deadline = std::chrono::steady_clock::now() + opts.timeout;
  char buf[8192];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      res.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(std::min<long>(left, 1000)));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) continue;
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n > 0) {
      res.output.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // EOF: the child (and any grandchild holding the pipe) closed its output
  }
  ::close(out[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) res.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    res.exit_code = -1;
    res.term_signal = WTERMSIG(status);
  }
  return res;
}

}  // namespace ka
