// Small text helpers every area needs: one home each (DESIGN.md §7.8).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ka {

// Without leading and trailing ASCII white space (space, \t, \n, \v, \f, \r: C's isspace). For
// our own formats, checksum files and HTTP header values. Kafka property values are trimmed
// the Java way instead (validate's java_trim: every char up to U+0020).
std::string trim(std::string_view s);
// Every part between the `sep`s, empty ones kept ("a,,b," is four parts; "" is one): Java's
// String.split(sep, -1). For lists that drop empty items, see split_list (core/properties.hpp).
std::vector<std::string> split(const std::string& s, char sep);
// Seconds since the epoch in UTC through strftime's `format` ("%Y-%m-%d").
std::string format_utc(int64_t t, const char* format);
// ASCII letters in upper case (listener names, as Kafka's ListenerName.normalised does).
std::string upper(std::string s);

// Hex digits of `n` bytes, two per byte: lower case (digests, as sha512sum prints them) or
// upper case (OpenPGP fingerprints, %XX in URLs).
std::string hex_encode(const unsigned char* p, size_t n, bool upper = false);
inline std::string hex_encode(std::string_view bytes, bool upper = false) {
  return hex_encode(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), upper);
}

}  // namespace ka
