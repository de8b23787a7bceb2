// Numbers read from disk or from another program's output. std::stoi throws (and, escaping,
// aborts the process) on "abc" or "99999999999" and takes "12abc" as 12; this takes the whole
// value or returns an error that names where it came from.
#pragma once
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "core/result.hpp"

namespace ka {

// `what` names the source, e.g. "/etc/kafka/zookeeper.properties: clientPort". Surrounding
// blanks and line ends are ignored (a myid file ends with "\n").
template <class T>
Result<T> parse_number(std::string_view text, const std::string& what) {
  static_assert(std::is_integral_v<T>);
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size())
    return bad_input(what + ": '" + std::string(text) + "' is not a whole number");
  if (ec == std::errc::result_out_of_range) return bad_input(what + ": " + std::string(text) + " is out of range");
  return value;
}

}  // namespace ka
