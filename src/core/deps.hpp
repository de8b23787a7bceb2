// Every side effect of a command behind one bundle (DESIGN.md §7.2), built once by main() and
// handed to the commands; nothing below main constructs a runner, a client or a clock. Tests
// build their own: the real filesystem under a temp root, recording fakes for the rest.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/fs.hpp"
#include "core/process.hpp"
#include "core/result.hpp"

namespace spdlog {
class logger;
}
namespace ka::cloud {
class MetadataSource;
}
namespace ka::fetch {
class Http;
struct HttpSettings;
class Progress;
}  // namespace ka::fetch

namespace ka {

// Time as the tool sees it: waits (health, retries) read now() and call sleep_for(), so a test
// runs a three-minute wait in no time with a fake.
class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() = 0;
  virtual void sleep_for(std::chrono::milliseconds d) = 0;
  double seconds_since(time_point t0) { return std::chrono::duration<double>(now() - t0).count(); }
};

class SystemClock final : public Clock {
 public:
  time_point now() override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
};

struct Deps {
  RootFs root{"/"};              // --root: every target path is under it
  ProcessRunner* runner = nullptr;
  Clock* clock = nullptr;
  // The operation log (`[started]`, `[done]`, `[failed]`, wait progress); the sink is main's choice.
  std::shared_ptr<spdlog::logger> log;
  // HTTP: made on first use with the command's settings (--cacert and the timeouts are its flags).
  std::function<fetch::Http*(const fetch::HttpSettings&)> http;
  fetch::Progress* progress = nullptr;  // download progress: a bar on a terminal, lines otherwise
  cloud::MetadataSource* metadata = nullptr;  // the instance metadata (firstboot: IMDSv2); null: none
  // Why systemd cannot manage units under `root` ("" when it can); null: the real check
  // (node/systemd.hpp). A test sets it to drive unit actions through a fake systemctl.
  std::function<std::string(const RootFs&)> systemd_unavailable;
};

}  // namespace ka
