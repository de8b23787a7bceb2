// Java .properties files: parsed the way java.util.Properties reads them (so a hand-written
// server.properties means to us what it means to Kafka), written in a stable order.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

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
  // Line of the key in the parsed source (1-based), 0 when set in code.
  int line_of(const std::string& key) const;

  // key=value lines, escaped as java.util.Properties.store would, in insertion order.
  std::string serialize() const;

  // `origin` names the input in errors (a file path).
  static Result<Properties> parse(const std::string& text, const std::string& origin);

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
  std::map<std::string, size_t> index_;
  std::map<std::string, int> lines_;
};

// "a, b ,c" -> {"a","b","c"}; empty items dropped (Kafka's Utils.splitCommaSeparated / getList).
std::vector<std::string> split_list(const std::string& s, char sep = ',');
std::string trim(const std::string& s);

}  // namespace ka
