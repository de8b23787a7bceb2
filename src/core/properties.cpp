#include "core/properties.hpp"

#include <sstream>

namespace ka {

void Properties::set(const std::string& key, const std::string& value) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    entries_[it->second].second = value;
    return;
  }
  index_[key] = entries_.size();
  entries_.emplace_back(key, value);
}

bool Properties::erase(const std::string& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  entries_.erase(entries_.begin() + static_cast<long>(it->second));
  index_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) index_[entries_[i].first] = i;
  return true;
}

std::optional<std::string> Properties::get(const std::string& key) const {
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  return entries_[it->second].second;
}

std::string Properties::get_or(const std::string& key, const std::string& fallback) const {
  auto v = get(key);
  return v ? *v : fallback;
}

namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\f'; }

void append_wtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Java's Properties.saveConvert, except that '=', ':', '#' and '!' are escaped only where a
// reader would otherwise take them as syntax (the output stays readable; it parses the same).
void escape_into(std::string& out, const std::string& s, bool is_key) {
  const std::u16string chars = java_chars(s);
  for (size_t i = 0; i < chars.size(); ++i) {
    char16_t c = chars[i];
    switch (c) {
      case u'\\': out += "\\\\"; break;
      case u'\n': out += "\\n"; break;
      case u'\t': out += "\\t"; break;
      case u'\r': out += "\\r"; break;
      case u'\f': out += "\\f"; break;
      case u'=': case u':': out += is_key ? "\\" : ""; out += static_cast<char>(c); break;
      case u'#': case u'!': out += (i == 0) ? "\\" : ""; out += static_cast<char>(c); break;
      case u' ': out += (is_key || i == 0) ? "\\ " : " "; break;
      default:
        if (c < 0x20 || c > 0x7E) {
          // Kafka reads the file as ISO-8859-1: anything else only survives as \uXXXX.
          const unsigned char be[2] = {static_cast<unsigned char>(c >> 8), static_cast<unsigned char>(c & 0xFF)};
          out += "\\u" + hex_encode(be, 2, true);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

// java.util.Properties.LineReader reading an InputStream (what Kafka's Utils.loadProps does):
// each byte is one ISO-8859-1 char; lines end at \n, \r or \r\n; a line ending in an odd number
// of backslashes continues on the next one, whose leading whitespace is dropped; a line whose
// first non-blank char is # or ! is a comment (only where a logical line starts, and it never
// continues). A transcription, boundary cases included: a lone "\" at the very end of the
// input is an (empty) line, and a comment after a continued line made only of "\" is a comment.
class LineReader {
 public:
  explicit LineReader(const std::string& in) : in_(in) {}

  // The next logical line (escapes still in it) and the physical line it starts on.
  bool next(std::string& line, int& start_line) {
    line.clear();
    bool skip_ws = true, appended_line_begin = false, preceding_backslash = false;
    while (true) {
      if (at_end()) {
        if (line.empty()) return false;
        if (preceding_backslash) line.pop_back();
        return true;
      }
      char c = take();
      if (skip_ws) {
        if (is_ws(c)) continue;
        if (!appended_line_begin && (c == '\r' || c == '\n')) continue;
        skip_ws = false;
        appended_line_begin = false;
      }
      if (line.empty() && (c == '#' || c == '!')) {
        for (;;) {
          if (at_end()) return false;
          char d = take();
          if (d == '\r' || d == '\n') break;
        }
        skip_ws = true;
        continue;
      }
      if (c != '\n' && c != '\r') {
        if (line.empty()) start_line = breaks_ + 1;
        line += c;
        preceding_backslash = c == '\\' ? !preceding_backslash : false;
        continue;
      }
      if (line.empty()) {
        skip_ws = true;
        continue;
      }
      if (at_end()) {
        if (preceding_backslash) line.pop_back();
        return true;
      }
      if (!preceding_backslash) return true;
      line.pop_back();  // the backslash that continues the line is not part of it
      skip_ws = true;
      appended_line_begin = true;
      preceding_backslash = false;
      if (c == '\r' && in_[pos_] == '\n') take();
    }
  }

 private:
  bool at_end() const { return pos_ >= in_.size(); }
  // Counts physical lines as an editor shows them (\r\n is one break) for messages.
  char take() {
    char c = in_[pos_++];
    if (c == '\r' || (c == '\n' && !(pos_ >= 2 && in_[pos_ - 2] == '\r'))) ++breaks_;
    return c;
  }

  const std::string& in_;
  size_t pos_ = 0;
  int breaks_ = 0;
};

// Properties.loadConvert: \t \n \r \f, \uXXXX (exactly four hex digits, else Java throws
// IllegalArgumentException and Kafka does not start), any other \x is x.
std::optional<std::u16string> load_convert(const std::string& s, size_t from, size_t to) {
  std::u16string out;
  out.reserve(to - from);
  size_t i = from;
  while (i < to) {
    auto c = static_cast<unsigned char>(s[i++]);
    if (c != '\\') {
      out += static_cast<char16_t>(c);  // ISO-8859-1: the byte is the char
      continue;
    }
    if (i >= to) break;  // cannot happen: LineReader never leaves an unpaired trailing backslash
    c = static_cast<unsigned char>(s[i++]);
    switch (c) {
      case 't': out += u'\t'; break;
      case 'r': out += u'\r'; break;
      case 'n': out += u'\n'; break;
      case 'f': out += u'\f'; break;
      case 'u': {
        if (to - i < 4) return std::nullopt;
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
          char h = s[i++];
          v <<= 4;
          if (h >= '0' && h <= '9') v += static_cast<unsigned>(h - '0');
          else if (h >= 'a' && h <= 'f') v += static_cast<unsigned>(h - 'a' + 10);
          else if (h >= 'A' && h <= 'F') v += static_cast<unsigned>(h - 'A' + 10);
          else return std::nullopt;
        }
        out += static_cast<char16_t>(v);
        break;
      }
      default: out += static_cast<char16_t>(c);
    }
  }
  return out;
}

}  // namespace

std::string from_java_chars(const std::u16string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char32_t u = s[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
      append_wtf8(out, 0x10000 + ((u - 0xD800) << 10) + (s[i + 1] - 0xDC00));
      ++i;
    } else {
      append_wtf8(out, u);  // a lone surrogate keeps its 3-byte form (WTF-8), so nothing is lost
    }
  }
  return out;
}

std::u16string java_chars(const std::string& s) {
  std::u16string out;
  out.reserve(s.size());
  size_t i = 0;
  auto cont = [&](size_t k) { return k < s.size() && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80; };
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    char32_t cp = 0;
    size_t n = 0;
    if (b < 0x80) {
      cp = b, n = 1;
    } else if (b >= 0xC2 && b <= 0xDF && cont(i + 1)) {
      cp = ((b & 0x1Fu) << 6) | (s[i + 1] & 0x3F), n = 2;
    } else if (b >= 0xE0 && b <= 0xEF && cont(i + 1) && cont(i + 2)) {
      cp = ((b & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3F), n = 3;
      if (cp < 0x800) n = 0;  // overlong
    } else if (b >= 0xF0 && b <= 0xF4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      cp = ((b & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3F), n = 4;
      if (cp < 0x10000 || cp > 0x10FFFF) n = 0;
    }
    if (n == 0) {
      out += static_cast<char16_t>(b);  // not UTF-8: the byte as ISO-8859-1
      ++i;
      continue;
    }
    if (cp >= 0x10000) {
      out += static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10));
      out += static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
    i += n;
  }
  return out;
}

std::string Properties::serialize() const {
  std::string out;
  for (const auto& [k, v] : entries_) {
    escape_into(out, k, true);
    out += '=';
    escape_into(out, v, false);
    out += '\n';
  }
  return out;
}

Result<Properties> Properties::parse(const std::string& text, const std::string& origin) {
  Properties props;
  LineReader reader(text);
  std::string line;
  int lineno = 0;
  while (reader.next(line, lineno)) {
    // Properties.load0: the key ends at the first unescaped '=', ':' or whitespace; then
    // whitespace, at most one '=' or ':', and whitespace again come before the value.
    size_t key_len = 0, value_start = line.size();
    bool has_sep = false, backslash = false;
    for (; key_len < line.size(); ++key_len) {
      char c = line[key_len];
      if (!backslash && (c == '=' || c == ':' || is_ws(c))) {
        value_start = key_len + 1;
        has_sep = c == '=' || c == ':';
        break;
      }
      backslash = c == '\\' ? !backslash : false;
    }
    for (; value_start < line.size(); ++value_start) {
      char c = line[value_start];
      if (is_ws(c)) continue;
      if (!has_sep && (c == '=' || c == ':')) {
        has_sep = true;
        continue;
      }
      break;
    }
    auto key = load_convert(line, 0, key_len);
    auto value = key ? load_convert(line, value_start, line.size()) : std::nullopt;
    if (!value) {
      // Java throws here and Kafka exits at start-up: refuse the whole file, as it would.
      return bad_input(origin + ":" + std::to_string(lineno) + ": malformed \\uxxxx escape (Kafka would refuse this file)")
          .note("a backslash-u must be followed by exactly 4 hex digits; write \\\\u for a literal backslash-u");
    }
    auto k = from_java_chars(*key);
    props.set(k, from_java_chars(*value));
  }
  return props;
}

std::vector<std::string> split_list(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) {
    auto t = trim(cur);
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

}  // namespace ka
