#include "core/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
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

Result<std::string> resolve_program(const std::string& program, const std::string& search_path) {
  if (program.empty()) return fail("internal: empty program name");
  if (program.find('/') != std::string::npos) return program;
  size_t start = 0;
  for (;;) {
    size_t end = search_path.find(':', start);
    std::string dir = search_path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    // An empty entry would mean the working directory to a shell: never here.
    if (!dir.empty() && dir[0] == '/') {
      std::string candidate = dir + "/" + program;
      struct stat st {};
      if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
        return candidate;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return fail("cannot find the program '" + program + "' in " + search_path)
      .note("install it; external programs are run only from these directories, never from the working directory or PATH");
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "SCRAM-SHA-512=[name=admin,password=secret]" -> "SCRAM-SHA-512=[name=admin,password=***]".
// Allow-list: what is not a name or an iteration count is hidden, so a password holding a
// comma or a bracket cannot slip out in pieces.
std::string redact_scram(const std::string& v) {
  auto eq = v.find('=');
  if (eq == std::string::npos) return "***";
  std::string mech = v.substr(0, eq), rest = v.substr(eq + 1);
  if (rest.size() < 2 || rest.front() != '[' || rest.back() != ']') return mech + "=***";
  std::string inner = rest.substr(1, rest.size() - 2), out;
  std::vector<std::string> tokens;
  std::string cur;
  bool quoted = false;
  for (char c : inner) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      tokens.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  tokens.push_back(cur);
  for (const auto& t : tokens) {
    auto k = t.find('=');
    std::string key = k == std::string::npos ? "" : lower(t.substr(0, k));
    std::string shown = (key == "name" || key == "iterations")                          ? t
                        : (key == "password" || key == "salt" || key == "saltedpassword") ? t.substr(0, k) + "=***"
                                                                                          : "***";
    if (!out.empty()) out += ',';
    out += shown;
  }
  return mech + "=[" + out + "]";
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::string redact_secrets(const std::string& text) {
  std::string low = lower(text), out;
  size_t i = 0;
  while (i < text.size()) {
    size_t value = std::string::npos;
    // Any key ending in "password" (saltedpassword, ssl.key.password) and a key that is "salt".
    if (low.compare(i, 9, "password=") == 0) value = i + 9;
    else if (low.compare(i, 5, "salt=") == 0 && (i == 0 || !std::isalnum(static_cast<unsigned char>(low[i - 1])))) value = i + 5;
    if (value == std::string::npos) {
      out += text[i++];
      continue;
    }
    out.append(text, i, value - i);
    out += "***";
    size_t j = value;
    if (j < text.size() && text[j] == '"') {
      auto close = text.find('"', j + 1);
      j = close == std::string::npos ? text.size() : close + 1;
    } else {
      while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) && text[j] != ',' && text[j] != ']' &&
             text[j] != '"' && text[j] != '\'')
        ++j;
    }
    i = j;
  }
  return out;
}

std::vector<std::string> redact_argv(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    const std::string prev = i > 0 ? lower(argv[i - 1]) : "";
    if (prev == "--add-scram" || (i > 0 && argv[i - 1] == "-S")) out.push_back(redact_scram(a));
    else if (prev.rfind("--", 0) == 0 && prev.find('=') == std::string::npos && ends_with(prev, "password")) out.push_back("***");
    else if (a.rfind("--add-scram=", 0) == 0) out.push_back("--add-scram=" + redact_scram(a.substr(12)));
    else out.push_back(redact_secrets(a));
  }
  return out;
}

std::string describe_argv(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : redact_argv(argv)) {
    if (!s.empty()) s += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\"'\\$") == std::string::npos;
    s += plain ? a : "'" + a + "'";
  }
  return s;
}

namespace {

// The child's environment: ours, with opts.env_set applied and PATH the fixed system path
// unless the caller set one.
std::vector<std::string> child_environment(const RunOptions& opts) {
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos && opts.env_set.count(kv.substr(0, eq))) continue;
    envs.push_back(kv);
  }
  for (const auto& [k, v] : opts.env_set) envs.push_back(k + "=" + v);
  if (!opts.env_set.count("PATH")) {
    envs.erase(std::remove_if(envs.begin(), envs.end(), [](const std::string& e) { return e.rfind("PATH=", 0) == 0; }),
               envs.end());
    envs.push_back(std::string("PATH=") + kSystemPath);
  }
  return envs;
}

// Reads the child's output until EOF, or kills its process group at the deadline; stops it
// (SIGTERM) once when the output holds opts.stop_on_output.
void collect_output(int fd, pid_t pid, const RunOptions& opts, ProcessResult& res) {
  const auto timeout = opts.timeout;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[8192];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      res.timed_out = true;
      ::kill(-pid, SIGKILL);
      return;
    }
    pollfd p{fd, POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(std::min<long>(left, 1000)));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) continue;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      // Searched from just before the new bytes: the text may straddle two reads.
      size_t from = res.output.size();
      res.output.append(buf, static_cast<size_t>(n));
      if (opts.stop_on_output && !res.stopped && !opts.stop_on_output->empty()) {
        from = from > opts.stop_on_output->size() ? from - opts.stop_on_output->size() : 0;
        if (res.output.find(*opts.stop_on_output, from) != std::string::npos) {
          res.stopped = true;
          ::kill(-pid, SIGTERM);
        }
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return;  // EOF: the child (and any grandchild holding the pipe) closed its output
  }
}

void reap(pid_t pid, ProcessResult& res) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) res.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    res.exit_code = -1;
    res.term_signal = WTERMSIG(status);
  }
}

}  // namespace

Result<ProcessResult> SystemProcessRunner::run(const std::vector<std::string>& argv, const RunOptions& opts) {
  if (argv.empty()) return fail("internal: empty command line");
  // Resolved before fork, from kSystemPath only: the child execs exactly this file.
  KA_TRY(auto exe, resolve_program(argv[0]));
  spdlog::debug("running {} as {}", describe_argv(argv), exe);
  // Build argv/envp before fork: only async-signal-safe calls in the child.
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<std::string> envs = child_environment(opts);
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
    ::execve(exe.c_str(), cargv.data(), cenv.data());
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
    return fail("cannot run " + exe + ": " + errno_text(child_errno))
        .note(child_errno == ENOENT ? "install it" : "check the program's permissions");
  }
  ::close(err_pipe[0]);
  if (opts.stdin_data) {
    // Small inputs only (passwords, configs): a pipe buffer holds 64 KiB.
    (void)!::write(in[1], opts.stdin_data->data(), opts.stdin_data->size());
  }
  ::close(in[1]);

  ProcessResult res;
  collect_output(out[0], pid, opts, res);
  ::close(out[0]);
  reap(pid, res);
  return res;
}

}  // namespace ka
