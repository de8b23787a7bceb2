#include "core/version.hpp"

#include <charconv>

namespace ka {

std::string KafkaVersion::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}
std::string KafkaVersion::family() const { return std::to_string(major) + "." + std::to_string(minor); }

Result<KafkaVersion> KafkaVersion::parse(const std::string& s) {
  KafkaVersion v;
  int* parts[3] = {&v.major, &v.minor, &v.patch};
  size_t pos = 0;
  int n = 0;
  while (n < 3) {
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), *parts[n]);
    if (ec != std::errc() || *parts[n] < 0) break;
    pos = static_cast<size_t>(p - s.data());
    ++n;
    if (pos == s.size() || s[pos] != '.') break;
    ++pos;
  }
  if (n < 2 || pos != s.size())
    return bad_input("invalid Kafka version '" + s + "'").note("give it as MAJOR.MINOR[.PATCH], e.g. --kafka-version 4.1.1");
  return v;
}

}  // namespace ka
