// What every Kafka call of this area needs from the command's Deps: the clock that bounds it, the
// log it writes to, and name resolution and connecting without NSS (a static binary must not call
// getaddrinfo): node/net.hpp's resolve_host (c-ares and /etc/hosts) and connect_tcp.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/deps.hpp"
#include "core/result.hpp"

namespace ka::kafka {

using Resolver = std::function<Result<std::vector<std::string>>(const std::string& host, std::chrono::milliseconds timeout)>;

struct Env {
  Clock* clock = nullptr;
  std::shared_ptr<spdlog::logger> log;  // may be null
  Resolver resolve;                     // librdkafka's resolve_cb and the native client
  // A connected, blocking TCP socket (the caller closes it).
  std::function<Result<int>(const std::string& host, int port, std::chrono::milliseconds timeout)> connect;
};

// "host:port" or "[v6]:port".
struct HostPort {
  std::string host;
  int port = 0;
  std::string str() const;
};
Result<HostPort> parse_host_port(const std::string& s, const std::string& what);
// "a:1,b:2" -> each; `what` names the input in errors.
Result<std::vector<HostPort>> parse_host_ports(const std::string& list, const std::string& what);

// Milliseconds left until `deadline` by env.clock (0 when past).
std::chrono::milliseconds left(const Env& env, Clock::time_point deadline);

}  // namespace ka::kafka
