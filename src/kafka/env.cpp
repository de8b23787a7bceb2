#include "kafka/env.hpp"

#include "core/number.hpp"
#include "core/properties.hpp"

namespace ka::kafka {

std::string HostPort::str() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HostPort> parse_host_port(const std::string& s, const std::string& what) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return bad_input(what + ": '" + s + "' is not HOST:PORT").note("for example 10.0.2.21:9092 or [fd00::1]:9092");
  std::string host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  KA_TRY(auto port, parse_number<uint16_t>(s.substr(colon + 1), what + " (port of '" + s + "')"));
  if (port == 0) return bad_input(what + ": port 0 in '" + s + "'");
  return HostPort{host, port};
}

Result<std::vector<HostPort>> parse_host_ports(const std::string& list, const std::string& what) {
  std::vector<HostPort> out;
  for (const auto& item : split_list(list)) {
    KA_TRY(auto hp, parse_host_port(item, what));
    out.push_back(std::move(hp));
  }
  if (out.empty()) return bad_input(what + ": no HOST:PORT given");
  return out;
}

std::chrono::milliseconds left(const Env& env, Clock::time_point deadline) {
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - env.clock->now());
  return d.count() < 0 ? std::chrono::milliseconds(0) : d;
}

}  // namespace ka::kafka
