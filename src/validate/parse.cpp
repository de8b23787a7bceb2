// How Kafka reads listener, voter and number values: the rules must see a value the way the
// broker will, or they would accept what Kafka refuses (and the other way round).
#include <cctype>
#include <limits>
#include <regex>

#include "validate/detail.hpp"

namespace ka::vdetail {

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

bool valid_host(const std::string& host) {
  if (host.empty()) return false;
  for (char c : host) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == ':' || c == '%' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<int64_t> parse_java_integer(const std::string& raw, int64_t min, int64_t max) {
  std::string s = trim(raw);
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i >= s.size()) return std::nullopt;
  // Accumulate as a negative number so that the minimum of a 64-bit range parses too.
  int64_t acc = 0;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    int d = s[i] - '0';
    if (acc < (std::numeric_limits<int64_t>::min() + d) / 10) return std::nullopt;
    acc = acc * 10 - d;
  }
  if (!neg) {
    if (acc == std::numeric_limits<int64_t>::min()) return std::nullopt;
    acc = -acc;
  }
  if (acc < min || acc > max) return std::nullopt;
  return acc;
}

}  // namespace ka::vdetail

namespace ka {

// Kafka's pattern is ^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+) matched against the whole item:
// the host runs up to the last ':' and may be bracketed (IPv6).
std::optional<Endpoint> parse_endpoint(const std::string& raw) {
  using namespace vdetail;
  std::string item = trim(raw);
  auto sep = item.rfind("://");
  if (sep == std::string::npos) return std::nullopt;
  Endpoint e;
  e.text = item;
  e.name = upper(item.substr(0, sep));
  std::string rest = item.substr(sep + 3);
  auto colon = rest.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string host = rest.substr(0, colon);
  std::string port = rest.substr(colon + 1);
  if (!host.empty() && host.front() == '[') host.erase(0, 1);
  if (!host.empty() && host.back() == ']') host.pop_back();
  if (!host.empty() && !valid_host(host)) return std::nullopt;
  auto p = parse_java_integer(port, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
  if (!p || port.find('+') != std::string::npos) return std::nullopt;
  e.host = host;
  e.port = *p;
  return e;
}

}  // namespace ka

namespace ka::vdetail {

std::optional<std::string> parse_voter(const std::string& raw, Voter& out) {
  std::string entry = trim(raw);
  out.text = entry;
  auto at = entry.find('@');
  if (at == std::string::npos || entry.find('@', at + 1) != std::string::npos)
    return "each entry should be in the form {id}@{host}:{port}";
  auto id = parse_java_integer(entry.substr(0, at), std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
  if (!id) return "failed to parse voter ID as an integer from " + entry.substr(0, at);
  if (!parse_host_port(entry.substr(at + 1), out.host, out.port))
    return "failed to parse host and port from entry " + entry + "; each entry should be in the form {id}@{host}:{port}";
  out.id = *id;
  return std::nullopt;
}

// Utils.getHost/getPort: host before the last ':' (brackets stripped), port a number after it.
// Utils.getHost/getPort: the pattern .*?\[?([0-9a-zA-Z\-%._:]*)\]?:([0-9]+) matched against the
// whole entry, so any prefix (a listener name "CONTROLLER://" included) is skipped; then
// InetSocketAddress takes ports 0-65535 only.
bool parse_host_port(const std::string& raw, std::string& host, long& port) {
  static const std::regex re(R"(^.*?\[?([0-9a-zA-Z\-%._:]*)\]?:([0-9]+)$)");
  std::string s = trim(raw);
  std::smatch m;
  if (!std::regex_match(s, m, re)) return false;
  auto p = parse_java_integer(m[2].str(), 0, 65535);
  if (!p) return false;
  host = m[1].str();
  port = static_cast<long>(*p);
  return true;
}

}  // namespace ka::vdetail
