#include "fetch/download.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/fs.hpp"
#include "fetch/url.hpp"

namespace ka::fetch {
namespace {

using Clock = std::chrono::steady_clock;

std::string human_bytes(uint64_t n) {
  char buf[32];
  if (n >= (1ULL << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1 << 20));
  else if (n >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(n) / 1024);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  return buf;
}

class ProgressImpl final : public Progress {
 public:
  ProgressImpl(bool terminal, int interval_s) : terminal_(terminal), interval_(interval_s) {}
  void start(const std::string& what, uint64_t total, uint64_t already) override {
    what_ = what;
    total_ = total;
    done_ = already;
    t0_ = last_ = Clock::now();
    base_ = already;
    if (!terminal_) spdlog::info("[started] downloading {}{}", what_, total_ ? " (" + human_bytes(total_) + ")" : "");
  }
  void advance(uint64_t done) override {
    done_ = done;
    auto now = Clock::now();
    auto since = now - last_;
    if (terminal_ ? since < std::chrono::milliseconds(200) : since < std::chrono::seconds(interval_)) return;
    last_ = now;
    draw(now);
  }
  void end(bool ok) override {
    if (terminal_) {
      draw(Clock::now());
      std::fputc('\n', stderr);
    } else if (ok) {
      spdlog::info("[done] {}: {}", what_, human_bytes(done_));
    }
  }

 private:
  void draw(Clock::time_point now) {
    double secs = std::chrono::duration<double>(now - t0_).count();
    double rate = secs > 0 ? static_cast<double>(done_ - base_) / secs : 0;
    std::string pct = total_ ? std::to_string(done_ * 100 / total_) + "%" : "";
    if (terminal_) {
      int width = 30, filled = total_ ? static_cast<int>(done_ * width / total_) : 0;
      std::string bar(static_cast<size_t>(std::min(filled, width)), '#');
      bar.resize(static_cast<size_t>(width), '.');
      std::fprintf(stderr, "\r%s [%s] %4s %s / %s  %s/s ", what_.c_str(), bar.c_str(), pct.c_str(), human_bytes(done_).c_str(),
                   total_ ? human_bytes(total_).c_str() : "?", human_bytes(static_cast<uint64_t>(rate)).c_str());
      std::fflush(stderr);
    } else {
      spdlog::info("{}: {} of {} {} ({}/s)", what_, human_bytes(done_), total_ ? human_bytes(total_) : "?", pct,
                   human_bytes(static_cast<uint64_t>(rate)));
    }
  }
  bool terminal_;
  int interval_;
  std::string what_;
  uint64_t total_ = 0, done_ = 0, base_ = 0;
  Clock::time_point t0_, last_;
};

// The .part file, appended to as bytes arrive.
class PartFile {
 public:
  Status open(const std::filesystem::path& p) {
    path_ = p;
    fd_ = ::open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) return fail("cannot write " + p.string() + ": " + errno_text(errno)).note("check --cache-dir and free space");
    return ok_status();
  }
  Status write(const unsigned char* d, size_t n) {
    while (n > 0) {
      ssize_t w = ::write(fd_, d, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return fail("cannot write " + path_.string() + ": " + errno_text(errno)).note("check free space in the cache");
      }
      d += w;
      n -= static_cast<size_t>(w);
    }
    return ok_status();
  }
  ~PartFile() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

std::string status_reason(long s) {
  switch (s) {
    case 403: return "HTTP 403 Forbidden";
    case 404: return "HTTP 404 Not Found";
    case 408: return "HTTP 408 Request Timeout";
    case 410: return "HTTP 410 Gone";
    case 416: return "HTTP 416 Range Not Satisfiable";
    case 429: return "HTTP 429 Too Many Requests";
    case 500: return "HTTP 500 Internal Server Error";
    case 502: return "HTTP 502 Bad Gateway";
    case 503: return "HTTP 503 Service Unavailable";
    case 504: return "HTTP 504 Gateway Timeout";
    default: return "HTTP " + std::to_string(s);
  }
}

}  // namespace

std::unique_ptr<Progress> make_progress(bool terminal, bool quiet, int interval_s) {
  if (quiet) return nullptr;
  return std::make_unique<ProgressImpl>(terminal, interval_s);
}

DownloadEnv default_download_env(Http* http, Progress* progress) {
  DownloadEnv env;
  env.http = http;
  env.progress = progress;
  env.sleep = [](Millis d) { std::this_thread::sleep_for(d); };
  env.jitter = [] {
    static std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  };
  env.now = [] { return std::time(nullptr); };
  return env;
}

Result<DownloadEnv> download_env(Deps& deps, const HttpSettings& s) {
  Http* http = deps.http ? deps.http(s) : nullptr;
  if (!http) return fail("no HTTP client to fetch with").note("this command was not given one; report it as a bug");
  DownloadEnv env = default_download_env(http, deps.progress);
  if (ka::Clock* clock = deps.clock) env.sleep = [clock](Millis d) { clock->sleep_for(d); };
  return env;
}

namespace {

// Bytes of an earlier, interrupted run: the sink must see them too (it hashes from byte 0).
// Returns how many there were.
Result<uint64_t> replay_part(const DownloadJob& job, ByteSink& sink) {
  uint64_t offset = 0;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(job.part, ec)) return offset;
  std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(job.part.c_str(), "rb"), &std::fclose);
  if (!f) return fail("cannot read " + job.part.string() + ": " + errno_text(errno));
  std::vector<unsigned char> buf(1 << 16);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) {
    KA_TRY_STATUS(sink.write(buf.data(), n));
    offset += n;
  }
  if (offset > 0) spdlog::info("resuming {} after {} from an earlier run", job.what, human_bytes(offset));
  return offset;
}

// What one GET of one source came to.
struct Attempt {
  enum { delivered, not_found, failed } outcome = failed;
  std::string reason;  // when failed
  bool retry = false;  // when failed: worth another try of this source
};

Attempt judge(const HttpReply& r, uint64_t start, uint64_t skip_left) {
  Attempt a;
  if (!r.transport_failed && r.status >= 200 && r.status <= 299) {
    if (skip_left == 0) a.outcome = Attempt::delivered;
    else a.reason = "the answer ended before the bytes already downloaded (" + std::to_string(start) + ")";
  } else if (!r.transport_failed && r.status == 416 && start > 0) {
    a.outcome = Attempt::delivered;  // the .part already holds the whole file; verification decides whether it is right
  } else if (r.transport_failed) {
    a.reason = r.transport_error;
    a.retry = r.transport_retryable;
  } else if (r.status == 404 || r.status == 410) {
    a.outcome = Attempt::not_found;
    a.reason = status_reason(r.status);
  } else {
    a.reason = status_reason(r.status);
    a.retry = retryable_status(r.status);
  }
  return a;
}

Error all_sources_failed(const DownloadJob& job, const Downloaded& out) {
  Error e = fail("could not download " + job.what + " from any source");
  for (const auto& f : out.failures) e.note(f);
  if (!job.part.empty()) e.note("the bytes received so far are kept in " + job.part.string() + "; a new run resumes there");
  e.note("without a network: put the tarball, its .sha512 and .asc in a directory and use --offline --artifacts-dir DIR, "
         "or install a local tarball with --archive FILE --sha512 HEX; behind a proxy: set https_proxy");
  return e;
}

}  // namespace

Result<Downloaded> download(const DownloadJob& job, DownloadEnv& env, ByteSink& sink) {
  Downloaded out;
  uint64_t offset = 0;
  std::optional<PartFile> part;
  if (!job.part.empty()) {
    KA_TRY(offset, replay_part(job, sink));
    out.replayed = offset;
    part.emplace();
    KA_TRY_STATUS(part->open(job.part));
  }
  if (env.progress) env.progress->start(job.what, job.expected_size, offset);
  auto end = [&](bool ok) {
    if (env.progress) env.progress->end(ok);
  };

  bool all_not_found = true;
  for (const auto& url : job.urls) {
    const std::string shown = redact_url(url);
    for (int tries = 1;; ++tries) {
      const uint64_t start = offset;
      std::optional<uint64_t> skip;
      auto on_body = [&](long status, const unsigned char* d, size_t n) -> Status {
        // A 200 to a Range request starts again at byte 0: drop what the sink already has.
        if (!skip) skip = status == 200 ? start : 0;
        const size_t drop = static_cast<size_t>(std::min<uint64_t>(*skip, n));
        *skip -= drop;
        if (drop == n) return ok_status();
        if (part) KA_TRY_STATUS(part->write(d + drop, n - drop));
        KA_TRY_STATUS(sink.write(d + drop, n - drop));
        offset += n - drop;
        if (env.progress) env.progress->advance(offset);
        return ok_status();
      };
      spdlog::debug("GET {}{}", shown, start ? " (from byte " + std::to_string(start) + ")" : "");
      HttpReply r = env.http->get(HttpGet{url, start}, on_body);
      if (r.fatal) {
        end(false);
        return *r.fatal;
      }
      const Attempt a = judge(r, start, skip.value_or(0));
      if (a.outcome == Attempt::delivered) {
        out.url = url;
        out.bytes = offset;
        end(true);
        return out;
      }
      if (a.outcome == Attempt::not_found) {
        out.failures.push_back(shown + ": " + a.reason);
        spdlog::debug("{}", out.failures.back());
        break;
      }
      all_not_found = false;
      if (r.transport_failed && offset > start) tries = 0;  // progress was made: a flaky link, not a dead source
      if (!a.retry || tries >= env.policy.attempts_per_source) {
        out.failures.push_back(shown + ": " + a.reason + (tries > 1 ? " (after " + std::to_string(tries) + " tries)" : ""));
        spdlog::warn("{}", out.failures.back());
        break;
      }
      std::optional<Millis> ra;
      if (!r.retry_after.empty()) ra = parse_retry_after(r.retry_after, env.now());
      Millis wait = next_delay(env.policy, std::max(tries, 1), env.jitter(), ra);
      spdlog::warn("{}: {}; trying again in {:.1f} s{}", shown, a.reason, static_cast<double>(wait.count()) / 1000.0,
                   offset > 0 ? " from byte " + std::to_string(offset) : "");
      env.sleep(wait);
    }
  }
  end(false);
  if (all_not_found && offset == 0) {
    out.not_found = true;
    return out;
  }
  return all_sources_failed(job, out);
}

Result<std::optional<std::string>> download_text(const std::string& what, const std::vector<std::string>& urls,
                                                 DownloadEnv& env, size_t max_bytes) {
  class StringSink final : public ByteSink {
   public:
    StringSink(std::string what, size_t max) : what_(std::move(what)), max_(max) {}
    Status write(const unsigned char* d, size_t n) override {
      if (s.size() + n > max_) return fail(what_ + " is larger than " + std::to_string(max_) + " bytes: not what was expected");
      s.append(reinterpret_cast<const char*>(d), n);
      return ok_status();
    }
    std::string s;

   private:
    std::string what_;
    size_t max_;
  } sink(what, max_bytes);
  DownloadJob job{what, urls, {}, 0};
  Progress* saved = env.progress;
  env.progress = nullptr;  // no bar for a few hundred bytes
  auto r = download(job, env, sink);
  env.progress = saved;
  if (!r.ok()) return std::move(r).error();
  if (r->not_found) return std::optional<std::string>();
  return std::optional<std::string>(std::move(sink.s));
}

}  // namespace ka::fetch
