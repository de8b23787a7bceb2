// Placeholder until the rules land (the validate area's owner replaces this file).
#include "validate/validate.hpp"

namespace ka {

std::vector<Violation> validate_server_properties(const Properties&, const KafkaVersion&, const std::optional<FormatOptions>&) {
  return {};
}

std::vector<Violation> validate_zookeeper_properties(const Properties&, std::optional<int>) { return {}; }

}  // namespace ka
