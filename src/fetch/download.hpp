// One artifact from an ordered list of sources: retries with backoff and Retry-After, resume
// with Range into a .part file, the next source when one fails. Every byte reaches the caller's
// sink exactly once and in order, whatever the server does (a 200 to a Range request has its
// first bytes skipped), so hashing and unpacking can run while the bytes arrive.
#pragma once
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <memory>
#include <functional>
#include <string>
#include <vector>

#include "core/deps.hpp"
#include "core/result.hpp"
#include "core/stream.hpp"
#include "fetch/http.hpp"
#include "fetch/retry.hpp"

namespace ka::fetch {

// Reports bytes as they arrive: a bar on a terminal, a line every few seconds otherwise.
class Progress {
 public:
  virtual ~Progress() = default;
  virtual void start(const std::string& what, uint64_t total, uint64_t already) = 0;
  virtual void advance(uint64_t done) = 0;
  virtual void end(bool ok) = 0;
};
// isatty(stderr) ? bar : log lines every `interval_s`; nullptr-equivalent when quiet.
std::unique_ptr<Progress> make_progress(bool terminal, bool quiet, int interval_s = 5);

struct DownloadEnv {
  Http* http = nullptr;
  RetryPolicy policy;
  std::function<void(Millis)> sleep;       // real sleep; tests record instead
  std::function<double()> jitter;          // uniform in [0,1)
  std::function<std::time_t()> now;
  Progress* progress = nullptr;            // may be null
};
// Real sleep, random jitter, wall clock.
DownloadEnv default_download_env(Http* http, Progress* progress);
// The env of a command: deps.http made with `s` (--cacert, the timeouts), deps.progress, and
// retry waits on deps.clock. An error when the bundle has no HTTP client (a test that did not
// expect to fetch).
Result<DownloadEnv> download_env(Deps& deps, const HttpSettings& s);

struct DownloadJob {
  std::string what;                 // the artifact's name, for messages
  std::vector<std::string> urls;    // tried in order
  std::filesystem::path part;       // empty: no .part file (small files, kept in memory)
  uint64_t expected_size = 0;       // 0 = unknown; for the progress display only
};

struct Downloaded {
  bool not_found = false;      // every source said 404/410 (or the file is missing): nothing delivered
  std::string url;             // where the last byte came from
  uint64_t bytes = 0;          // total bytes delivered to the sink
  uint64_t replayed = 0;       // of which re-read from an existing .part file
  std::vector<std::string> failures;  // "URL: reason" for each source that failed
};

// Runs the job. An existing .part is re-read into the sink first and the download continues
// after it. Errors list every source with its (redacted) URL and reason. The sink's finish()
// is not called: the caller decides when the stream ended (after verification).
Result<Downloaded> download(const DownloadJob& job, DownloadEnv& env, ByteSink& sink);

// Small files (.sha512, .asc, KEYS, API answers): in memory, same retries and source order.
// nullopt when every source said it does not exist.
Result<std::optional<std::string>> download_text(const std::string& what, const std::vector<std::string>& urls,
                                                 DownloadEnv& env, size_t max_bytes = 8 << 20);

}  // namespace ka::fetch
