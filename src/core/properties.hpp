// Java .properties files: parsed exactly as java.util.Properties.load(InputStream) reads them,
// which is what Kafka's Utils.loadProps does (so a hand-written server.properties means to us
// what it means to Kafka; tests/properties proves it against the JDK), written in a stable order.
//
// Strings are the Java Strings Kafka sees, held as UTF-8: the file is read as ISO-8859-1 (as
// Java does), so a byte 0xE9 becomes "é" (C3 A9 here) and UTF-8 "é" in the file becomes "Ã©";
// \uXXXX escapes give any char (a lone surrogate is kept in its 3-byte form, WTF-8).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/text.hpp"  // trim, used with split_list by callers

namespace ka {

class Properties {
 public:
  // Insertion order is kept for writing; a later set() of the same key replaces in place.
  void set(const std::string& key, const std::string& value);
  bool erase(const std::string& key);
  std::optional<std::string> get(const std::string& key) const;
  std::string get_or(const std::string& key, const std::string& fallback) const;
  bool has(const std::string& key) const { return index_.count(key) != 0; }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

  // key=value lines in insertion order, escaped so that Properties.load reads back the same
  // strings (chars outside printable ASCII as \uXXXX).
  std::string serialize() const;

  // `origin` names the input in errors (a file path). A malformed \uXXXX escape refuses the
  // whole file (Java throws IllegalArgumentException: Kafka would not start). The last of
  // duplicate keys wins, as in Java.
  static Result<Properties> parse(const std::string& text, const std::string& origin);

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
  std::map<std::string, size_t> index_;
};

// The UTF-16 chars of a Java String held as UTF-8 (WTF-8); a byte that is not part of valid
// UTF-8 counts as its ISO-8859-1 char. from_java_chars is the inverse.
std::u16string java_chars(const std::string& s);
std::string from_java_chars(const std::u16string& s);

// "a, b ,c" -> {"a","b","c"}; empty items dropped (Kafka's Utils.splitCommaSeparated / getList).
std::vector<std::string> split_list(const std::string& s, char sep = ',');

}  // namespace ka
