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
  lines_.erase(key);
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

int Properties::line_of(const std::string& key) const {
  auto it = lines_.find(key);
  return it == lines_.end() ? 0 : it->second;
}

namespace {

void escape_into(std::string& out, const std::string& s, bool is_key) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\f': out += "\\f"; break;
      case '=': case ':': out += is_key ? std::string("\\") + c : std::string(1, c); break;
      case '#': case '!': out += (i == 0) ? std::string("\\") + c : std::string(1, c); break;
      case ' ': out += (is_key || i == 0) ? "\\ " : " "; break;
      default: out += c;
    }
  }
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\f'; }

}  // namespace

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
  // Split into logical lines: a line ending in an odd number of backslashes continues.
  std::vector<std::pair<std::string, int>> logical;
  {
    std::string cur;
    int start_line = 0;
    bool continuing = false;
    int lineno = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t nl = text.find('\n', pos);
      std::string raw = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      if (!raw.empty() && raw.back() == '\r') raw.pop_back();
      ++lineno;
      size_t b = 0;
      while (b < raw.size() && is_ws(raw[b])) ++b;
      std::string line = raw.substr(b);
      if (!continuing) {
        if (line.empty() || line[0] == '#' || line[0] == '!') {
          if (nl == std::string::npos) break;
          pos = nl + 1;
          continue;
        }
        start_line = lineno;
        cur.clear();
      }
      size_t bs = 0;
      for (size_t i = line.size(); i > 0 && line[i - 1] == '\\'; --i) ++bs;
      if (bs % 2 == 1) {
        cur += line.substr(0, line.size() - 1);
        continuing = true;
      } else {
        cur += line;
        continuing = false;
        logical.emplace_back(cur, start_line);
      }
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
    if (continuing) logical.emplace_back(cur, start_line);
  }

  auto unescape = [&](const std::string& s, int line) -> Result<std::string> {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\') { out += s[i]; continue; }
      if (++i >= s.size()) break;
      char c = s[i];
      switch (c) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          if (i + 4 >= s.size())
            return bad_input(origin + ":" + std::to_string(line) + ": malformed \\uxxxx escape")
                .note("write the character itself or a full \\u followed by 4 hex digits");
          unsigned cp = 0;
          for (int k = 1; k <= 4; ++k) {
            char h = s[i + static_cast<size_t>(k)];
            cp <<= 4;
            if (h >= '0' && h <= '9') cp |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f') cp |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') cp |= static_cast<unsigned>(h - 'A' + 10);
            else return bad_input(origin + ":" + std::to_string(line) + ": malformed \\uxxxx escape")
                .note("write the character itself or a full \\u followed by 4 hex digits");
          }
          i += 4;
          // UTF-8 encode (surrogates are passed through as-is; Kafka configs are ASCII in practice)
          if (cp < 0x80) out += static_cast<char>(cp);
          else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
          else { out += static_cast<char>(0xE0 | (cp >> 12)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
          break;
        }
        default: out += c;
      }
    }
    return out;
  };

  for (const auto& [line, lineno] : logical) {
    size_t i = 0;
    std::string rawkey;
    while (i < line.size()) {
      char c = line[i];
      if (c == '\\' && i + 1 < line.size()) { rawkey += c; rawkey += line[i + 1]; i += 2; continue; }
      if (c == '=' || c == ':' || is_ws(c)) break;
      rawkey += c;
      ++i;
    }
    while (i < line.size() && is_ws(line[i])) ++i;
    if (i < line.size() && (line[i] == '=' || line[i] == ':')) ++i;
    while (i < line.size() && is_ws(line[i])) ++i;
    KA_TRY(auto key, unescape(rawkey, lineno));
    KA_TRY(auto value, unescape(line.substr(i), lineno));
    props.set(key, value);
    props.lines_[key] = lineno;
  }
  return props;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n\f");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n\f");
  return s.substr(b, e - b + 1);
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
