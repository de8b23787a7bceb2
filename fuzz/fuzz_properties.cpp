// libFuzzer: the properties parser (src/core/properties.cpp) against a reference written here,
// independently, from the documented behaviour of java.util.Properties.load(InputStream) (natural
// lines, logical lines, key/element split, escapes) plus the boundary cases the JDK's LineReader
// shows (tests/properties proves those against the JDK itself). Both must give the same map, or
// both refuse the input (a malformed \uXXXX); a parsed map must survive serialize() and parse.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/properties.hpp"

namespace {

using Map = std::map<std::u16string, std::u16string>;

bool white(char c) { return c == ' ' || c == '\t' || c == '\f'; }

struct Natural {
  std::string text;
  int terminator = 0;  // 0: end of input, 1: "\n" or "\r", 2: "\r\n"
};

// A natural line ends at \n, \r, \r\n or the end of the input (which always ends one, maybe empty).
std::vector<Natural> natural_lines(const std::string& in) {
  std::vector<Natural> out(1);
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\r' && i + 1 < in.size() && in[i + 1] == '\n') {
      out.back().terminator = 2;
      ++i;
      out.emplace_back();
    } else if (c == '\r' || c == '\n') {
      out.back().terminator = 1;
      out.emplace_back();
    } else {
      out.back().text += c;
    }
  }
  return out;
}

std::string skip_white(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && white(s[i])) ++i;
  return s.substr(i);
}

bool odd_backslashes_at_end(const std::string& s) {
  size_t n = 0;
  for (size_t i = s.size(); i > 0 && s[i - 1] == '\\'; --i) ++n;
  return n % 2 == 1;
}

bool comment_or_blank(const std::string& stripped) {
  return stripped.empty() || stripped[0] == '#' || stripped[0] == '!';
}

std::vector<std::string> logical_lines(const std::string& in) {
  auto nat = natural_lines(in);
  std::vector<std::string> out;
  size_t i = 0;
  while (i < nat.size()) {
    std::string line = skip_white(nat[i].text);
    int term = nat[i].terminator;
    ++i;
    if (comment_or_blank(line)) continue;
    bool keep = true;
    while (odd_backslashes_at_end(line)) {
      line.pop_back();
      // A backslash at the very end, or before a one-char line end that is the last byte: the
      // JDK returns the line as it is (even empty) instead of reading on.
      if (term == 0) break;
      if (term == 1 && i + 1 == nat.size() && nat[i].text.empty()) break;
      std::string next = skip_white(nat[i].text);
      term = nat[i].terminator;
      ++i;
      if (line.empty() && comment_or_blank(next)) {
        // The continued line was only "\": the JDK is back at the start of a logical line, where
        // a blank line is skipped and # or ! starts a comment.
        keep = false;
        break;
      }
      line += next;
    }
    if (keep) out.push_back(line);
  }
  return out;
}

std::optional<std::u16string> unescape(const std::string& s) {
  std::u16string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c != '\\' || i + 1 == s.size()) {
      if (c != '\\') out += static_cast<char16_t>(c);
      continue;
    }
    char e = s[++i];
    if (e == 'u') {
      if (s.size() - (i + 1) < 4) return std::nullopt;
      std::string digits = s.substr(i + 1, 4);
      if (digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return std::nullopt;
      out += static_cast<char16_t>(std::strtoul(digits.c_str(), nullptr, 16));
      i += 4;
    } else {
      out += e == 't' ? u'\t' : e == 'n' ? u'\n' : e == 'r' ? u'\r' : e == 'f' ? u'\f' : static_cast<char16_t>(static_cast<unsigned char>(e));
    }
  }
  return out;
}

std::optional<Map> reference_load(const std::string& in) {
  Map m;
  for (const auto& line : logical_lines(in)) {
    // The key runs to the first '=', ':' or white space not escaped by a backslash.
    size_t k = 0;
    while (k < line.size()) {
      char c = line[k];
      if (c == '\\') {
        k += 2;
        continue;
      }
      if (c == '=' || c == ':' || white(c)) break;
      ++k;
    }
    k = std::min(k, line.size());
    size_t v = k;
    while (v < line.size() && white(line[v])) ++v;
    if (v < line.size() && (line[v] == '=' || line[v] == ':')) ++v;
    while (v < line.size() && white(line[v])) ++v;
    auto key = unescape(line.substr(0, k));
    auto value = unescape(line.substr(v));
    if (!key || !value) return std::nullopt;
    m[*key] = *value;
  }
  return m;
}

std::optional<Map> ours(const std::string& in) {
  auto p = ka::Properties::parse(in, "fuzz.properties");
  if (!p.ok()) return std::nullopt;
  Map m;
  for (const auto& [k, v] : p->entries()) m[ka::java_chars(k)] = ka::java_chars(v);
  if (m.size() != p->size()) {
    std::fprintf(stderr, "two keys of ours stand for the same Java String\n");
    std::abort();
  }
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  auto want = reference_load(in);
  auto got = ours(in);
  if (want.has_value() != got.has_value() || (want && *want != *got)) {
    std::fprintf(stderr, "properties parser differs from the reference (reference %s, ours %s)\n",
                 want ? "parsed" : "refused", got ? "parsed" : "refused");
    std::abort();
  }
  if (got) {
    auto p = ka::Properties::parse(in, "fuzz.properties");
    if (ours(p->serialize()) != got) {
      std::fprintf(stderr, "serialize() does not read back as the same map\n");
      std::abort();
    }
  }
  return 0;
}
