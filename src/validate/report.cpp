#include "validate/validate.hpp"

namespace ka {

bool has_errors(const std::vector<Violation>& v) {
  for (const auto& x : v)
    if (x.severity == Severity::error) return true;
  return false;
}

std::string format_violations(const std::vector<Violation>& v) {
  std::string out;
  for (const auto& x : v) {
    out += x.severity == Severity::error ? "error: " : "warning: ";
    if (!x.key.empty()) out += (x.value.empty() ? x.key + " (not set)" : x.key + "=" + x.value) + ": ";
    out += x.rule + "\n";
    if (!x.fix.empty()) out += "  fix: " + x.fix + "\n";
    if (!x.source.empty() || !x.id.empty())
      out += "  rule " + (x.id.empty() ? std::string() : x.id + " ") + "from " + x.source + "\n";
  }
  return out;
}

Error violations_to_error(const std::vector<Violation>& v, const std::string& origin) {
  size_t n = 0;
  for (const auto& x : v) n += x.severity == Severity::error ? 1 : 0;
  Error e = bad_input(origin + ": " + std::to_string(n) + " setting" + (n == 1 ? "" : "s") + " that Kafka would refuse; nothing was written");
  for (const auto& x : v) {
    if (x.severity != Severity::error) continue;
    std::string line = x.key.empty() ? x.rule : (x.value.empty() ? x.key + " (not set)" : x.key + "=" + x.value) + ": " + x.rule;
    if (!x.fix.empty()) line += "; fix: " + x.fix;
    if (!x.source.empty()) line += " [" + (x.id.empty() ? std::string() : x.id + ", ") + x.source + "]";
    e.notes.push_back(line);
  }
  return e;
}

}  // namespace ka
