// Kafka versions ("3.9.1", "4.0.0", "4.1"): parsed once, compared numerically.
#pragma once
#include <compare>
#include <string>

#include "core/result.hpp"

namespace ka {

struct KafkaVersion {
  int major = 0, minor = 0, patch = 0;
  auto operator<=>(const KafkaVersion&) const = default;
  std::string str() const;               // "3.9.1"
  std::string family() const;            // "3.9"
  bool at_least(int ma, int mi) const { return major > ma || (major == ma && minor >= mi); }
  bool kraft_only() const { return major >= 4; }  // ZooKeeper mode was removed in 4.0
  // "3.6".."4.x": the versions render and validate know the rules of.
  bool supported() const { return at_least(3, 6) && major <= 4; }
  static Result<KafkaVersion> parse(const std::string& s);
};

}  // namespace ka
