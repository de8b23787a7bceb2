// Reads the compiled-in schema table once and applies ConfigDef's parsing and validators the
// way Kafka does (ConfigDef.parseType, then Validator.ensureValid), so that validate refuses a
// value exactly when KafkaConfig would.
#include "validate/schema.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <regex>
#include <set>

#include "core/properties.hpp"
#include "validate/detail.hpp"
#include "validate/schema_embedded.hpp"

namespace ka::schema {
namespace {

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
  }
  return out;
}

Type parse_type(const std::string& t) {
  static const std::map<std::string, Type> types = {
      {"BOOLEAN", Type::boolean}, {"STRING", Type::string}, {"INT", Type::int_},     {"SHORT", Type::short_},
      {"LONG", Type::long_},      {"DOUBLE", Type::double_}, {"LIST", Type::list},   {"CLASS", Type::class_},
      {"PASSWORD", Type::password}};
  auto it = types.find(t);
  return it == types.end() ? Type::string : it->second;
}

// "Class(a=1;b=x|y)" -> class name and fields; a field may itself be "Class(...)".
std::map<std::string, std::string> fields_of(const std::string& text, std::string& cls) {
  std::map<std::string, std::string> f;
  auto open = text.find('(');
  cls = text.substr(0, open);
  if (open == std::string::npos || text.back() != ')') return f;
  std::string body = text.substr(open + 1, text.size() - open - 2);
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= body.size(); ++i) {
    if (i < body.size() && body[i] == '(') ++depth;
    if (i < body.size() && body[i] == ')') --depth;
    if (i == body.size() || (body[i] == ';' && depth == 0)) {
      std::string item = body.substr(start, i - start);
      auto eq = item.find('=');
      if (eq != std::string::npos) f[item.substr(0, eq)] = item.substr(eq + 1);
      start = i + 1;
    }
  }
  return f;
}

std::vector<std::string> bar_list(const std::string& s) { return s.empty() ? std::vector<std::string>{} : split(s, '|'); }

std::optional<double> number(const std::string& s) {
  if (s.empty() || s == "null") return std::nullopt;
  return std::strtod(s.c_str(), nullptr);
}

Validator parse_validator(const std::string& text) {
  Validator v;
  v.text = text;
  if (text.empty()) return v;
  std::string cls;
  auto f = fields_of(text, cls);
  using K = Validator::Kind;
  if (cls == "Range") {
    v.kind = K::range;
    v.min = number(f["min"]);
    v.max = number(f["max"]);
    v.min_text = f["min"];
    v.max_text = f["max"];
  } else if (cls == "ValidString") {
    v.kind = K::valid_string;
    v.allowed = bar_list(f["validStrings"]);
  } else if (cls == "CaseInsensitiveValidString") {
    v.kind = K::case_insensitive_string;
    v.allowed = bar_list(f["validStrings"]);
  } else if (cls == "ValidList") {
    v.kind = K::valid_list;
    std::string inner_cls;
    v.allowed = bar_list(fields_of(f["validString"], inner_cls)["validStrings"]);
    v.list_checks_elements = f.count("isEmptyAllowed") != 0;
    v.list_empty_allowed = f["isEmptyAllowed"] != "false";
    v.list_null_allowed = f["isNullAllowed"] != "false";
  } else if (cls == "NonEmptyString") {
    v.kind = K::non_empty_string;
  } else if (cls == "NonNullValidator") {
    v.kind = K::non_null;
  } else if (cls.find("ControllerQuorumVotersValidator") != std::string::npos) {
    v.kind = K::quorum_voters;
  } else if (cls.find("ControllerQuorumBootstrapServersValidator") != std::string::npos) {
    v.kind = K::quorum_bootstrap_servers;
  } else if (cls.find("GzipCompression$LevelValidator") != std::string::npos || cls.find("CompressionType$1$1") != std::string::npos ||
             text == "LambdaValidator([1,...,9] or -1)") {
    v.kind = K::gzip_level;
  } else if (cls.find("MetadataVersionValidator") != std::string::npos) {
    v.kind = K::metadata_version;
    v.allowed = bar_list(f["versions"]);
  } else if (text.rfind("LambdaValidator(The default value of -1 means", 0) == 0) {
    // remote.log.manager.{copier,expiration}.thread.pool.size in 3.9: "-1 or greater than 0"
    v.kind = K::range;
    v.min = -1;  // refined in check_value: 0 is refused too
  } else {
    v.kind = K::other;
  }
  return v;
}

KafkaVersion version_of(const std::string& s) {
  auto v = KafkaVersion::parse(s);
  return v ? *v : KafkaVersion{};
}

struct Table {
  std::vector<KafkaVersion> releases;
  std::vector<KeyDef> defs;                            // sorted by name, then first release
  std::map<KafkaVersion, std::vector<size_t>> by_release;  // indexes into defs
};

// "3.6.0-3.9.1,4.1.0" over the release list.
std::vector<KafkaVersion> expand(const std::string& ranges, const std::vector<KafkaVersion>& releases) {
  std::vector<KafkaVersion> out;
  for (const auto& r : split(ranges, ',')) {
    auto dash = r.find('-');
    KafkaVersion lo = version_of(r.substr(0, dash)), hi = dash == std::string::npos ? lo : version_of(r.substr(dash + 1));
    for (const auto& v : releases)
      if (lo <= v && v <= hi) out.push_back(v);
  }
  return out;
}

const Table& table() {
  static const Table t = [] {
    Table t;
    const auto& files = embedded_schema();
    auto it = files.find("kafka-config.tsv");
    if (it == files.end()) return t;
    std::string text(it->second);
    for (const auto& line : split(text, '\n')) {
      if (line.rfind("#versions\t", 0) == 0) {
        for (const auto& v : split(line.substr(10), ' '))
          if (!v.empty()) t.releases.push_back(version_of(v));
        continue;
      }
      if (line.empty() || line[0] == '#' || line.rfind("name\t", 0) == 0) continue;
      auto f = split(line, '\t');
      if (f.size() != 8) continue;
      KeyDef d;
      d.name = f[0];
      d.versions = f[1];
      d.type = parse_type(f[2]);
      d.required = f[3] == "<required>";
      d.default_null = f[3] == "<null>";
      if (!d.required && !d.default_null) d.default_text = unescape(f[3]);
      d.validator = parse_validator(unescape(f[4]));
      d.importance = f[5];
      d.internal = f[6] == "internal";
      d.doc = unescape(f[7]);
      t.defs.push_back(std::move(d));
    }
    for (size_t i = 0; i < t.defs.size(); ++i)
      for (const auto& v : expand(t.defs[i].versions, t.releases)) t.by_release[v].push_back(i);
    return t;
  }();
  return t;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// Double.parseDouble: Java's FloatingDecimal grammar (decimal or hex, optional f/F/d/D suffix,
// NaN and Infinity spelt exactly so).
std::optional<double> java_double(const std::string& s) {
  static const std::regex grammar(
      R"([+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)|(0[xX]([0-9a-fA-F]+\.?|[0-9a-fA-F]*\.[0-9a-fA-F]+)[pP][+-]?\d+))[fFdD]?)");
  if (!std::regex_match(s, grammar)) return std::nullopt;
  std::string t = s;
  // Hex digits only come before the 'p' exponent, so a trailing f/F/d/D is always the suffix.
  if (std::string("fFdD").find(t.back()) != std::string::npos) t.pop_back();
  if (t.find("NaN") != std::string::npos) return std::numeric_limits<double>::quiet_NaN();
  if (t.find("Infinity") != std::string::npos) return t[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  return std::strtod(t.c_str(), nullptr);
}

// Double.toString for the values a config holds: "5.0", "0.25", "NaN", "Infinity".
std::string java_double_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  if (std::floor(d) == d && std::fabs(d) < 1e7) return std::to_string(static_cast<long long>(d)) + ".0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

std::string invalid(const std::string& shown, const std::string& key, const std::string& why) {
  return "Invalid value " + shown + " for configuration " + key + ": " + why;
}

// QuorumConfig's voters entry: {id}@{host}:{port}; bootstrap servers: host:port (an optional
// listener prefix "NAME://" is accepted, as Utils.getHost/getPort do).
bool voter_entry(const std::string& e) {
  static const std::regex re(R"(^(-?\d+)@\[?([0-9a-zA-Z\-%._:]*)\]?:([0-9]+)$)");
  return std::regex_match(e, re);
}
bool host_port_entry(const std::string& e) {
  std::string host;
  long port = 0;
  return vdetail::parse_host_port(e, host, port);
}

std::vector<std::string> java_list(const std::string& trimmed) {
  // COMMA_WITH_WHITESPACE.split(trimmed, -1): "\\s*,\\s*", trailing empty strings kept
  if (trimmed.empty()) return {};
  std::vector<std::string> out;
  for (auto& item : split(trimmed, ',')) {
    size_t b = item.find_first_not_of(" \t\n\r\f\v"), e = item.find_last_not_of(" \t\n\r\f\v");
    out.push_back(b == std::string::npos ? "" : item.substr(b, e - b + 1));
  }
  return out;
}

// Could `name` be a class Kafka finds? A binary name with a package (a.b.C, a.b.C$D): Kafka's
// own classes and any plugin have one; "x", "1", "true" or "" are refused (Class.forName fails).
bool plausible_class_name(const std::string& name) {
  auto parts = split(name, '.');
  if (parts.size() < 2) return false;
  for (const auto& seg : parts) {
    if (seg.empty() || std::isdigit(static_cast<unsigned char>(seg[0]))) return false;
    for (char c : seg)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '$') return false;
  }
  return true;
}

// Lists of classes KafkaConfig instantiates while it is built (getConfiguredInstances); from 4.0
// they also take the built-in names of their default ("uniform,range", "simple").
bool instantiated_class_list(const std::string& key) {
  return key == "group.consumer.assignors" || key == "group.share.assignors" || key == "group.streams.assignors";
}

}  // namespace

std::vector<std::string> kafka_list(const std::string& raw) { return java_list(java_trim(raw)); }

bool KeyDef::deprecated() const {
  return vdetail::upper(doc).find("DEPRECATED") != std::string::npos;
}

const std::vector<KafkaVersion>& releases() { return table().releases; }

KafkaVersion release_for(const KafkaVersion& v, bool* exact) {
  const auto& r = table().releases;
  if (exact) *exact = std::find(r.begin(), r.end(), v) != r.end();
  if (r.empty()) return v;
  KafkaVersion best = r.front();
  for (const auto& x : r)
    if (x <= v) best = x;
  return best;
}

const KeyDef* find(const std::string& name, const KafkaVersion& v) {
  const auto& t = table();
  auto it = t.by_release.find(release_for(v));
  if (it == t.by_release.end()) return nullptr;
  for (size_t i : it->second)
    if (t.defs[i].name == name) return &t.defs[i];
  return nullptr;
}

std::vector<const KeyDef*> history(const std::string& name) {
  std::vector<const KeyDef*> out;
  for (const auto& d : table().defs)
    if (d.name == name) out.push_back(&d);
  return out;
}

std::vector<const KeyDef*> keys_of(const KafkaVersion& v) {
  const auto& t = table();
  std::vector<const KeyDef*> out;
  auto it = t.by_release.find(release_for(v));
  if (it != t.by_release.end())
    for (size_t i : it->second) out.push_back(&t.defs[i]);
  std::sort(out.begin(), out.end(), [](const KeyDef* a, const KeyDef* b) { return a->name < b->name; });
  return out;
}

std::vector<std::string> closest(const std::string& name, const KafkaVersion& v, size_t n) {
  std::vector<std::pair<size_t, std::string>> scored;
  size_t limit = std::max<size_t>(2, name.size() / 4);
  for (const auto* d : keys_of(v)) {
    size_t dist = edit_distance(name, d->name);
    if (dist <= limit) scored.emplace_back(dist, d->name);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < n; ++i) out.push_back(scored[i].second);
  return out;
}

std::string type_name(Type t) {
  switch (t) {
    case Type::boolean: return "BOOLEAN";
    case Type::string: return "STRING";
    case Type::int_: return "INT";
    case Type::short_: return "SHORT";
    case Type::long_: return "LONG";
    case Type::double_: return "DOUBLE";
    case Type::list: return "LIST";
    case Type::class_: return "CLASS";
    case Type::password: return "PASSWORD";
  }
  return "STRING";
}

std::string releases_text(const std::string& name) {
  std::set<KafkaVersion> present;
  for (const auto* d : history(name))
    for (const auto& v : expand(d->versions, table().releases)) present.insert(v);
  std::vector<std::string> runs;
  const auto& r = table().releases;
  for (size_t i = 0; i < r.size();) {
    if (!present.count(r[i])) { ++i; continue; }
    size_t j = i;
    while (j + 1 < r.size() && present.count(r[j + 1])) ++j;
    runs.push_back(i == j ? r[i].str() : r[i].str() + "-" + r[j].str());
    i = j + 1;
  }
  return vdetail::join(runs, ", ");
}

std::optional<size_t> metadata_version_rank(const KeyDef& def, const std::string& value) {
  const auto& names = def.validator.allowed;
  if (def.validator.kind != Validator::Kind::metadata_version) return std::nullopt;
  std::string v = java_trim(value);
  static const std::regex release(R"(^([1-9]\d*\.\d+)\.\d+$)");
  std::smatch m;
  if (std::regex_match(v, m, release)) v = m[1].str();
  if (v.find("-IV") == std::string::npos) {
    // a short version stands for its newest IV: the last full name starting with "<v>-"; it is
    // a name only when Kafka takes it (the generator lists it then: not 3.9 in 3.8, all unstable)
    if (std::find(names.begin(), names.end(), v) == names.end()) return std::nullopt;
    std::optional<size_t> last;
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == v || names[i].rfind(v + "-", 0) == 0) last = i;
    return last;
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == v) return i;
  return std::nullopt;
}

std::string java_trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return s.substr(b, e - b);
}

namespace {

// A value as ConfigDef.parseType reads it: the number (for Range) and how Java prints it.
struct Parsed {
  std::optional<double> num;
  std::string shown;
};

// ConfigDef.parseType: the type error, or the parsed value in `out`.
std::optional<ValueError> parse_typed(const KeyDef& def, const std::string& raw, const std::string& t, Parsed& out) {
  const std::string& key = def.name;
  auto type_error = [&](const std::string& why) { return ValueError{"type", invalid(raw, key, why)}; };
  out.shown = t;
  switch (def.type) {
    case Type::boolean: {
      std::string u = vdetail::upper(t);
      if (u != "TRUE" && u != "FALSE") return type_error("Expected value to be either true or false");
      break;
    }
    case Type::int_:
    case Type::short_:
    case Type::long_: {
      int64_t lo = def.type == Type::short_ ? std::numeric_limits<int16_t>::min()
                   : def.type == Type::int_ ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min();
      int64_t hi = def.type == Type::short_ ? std::numeric_limits<int16_t>::max()
                   : def.type == Type::int_ ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
      auto n = vdetail::parse_java_integer(t, lo, hi);
      if (!n) return type_error("Not a number of type " + type_name(def.type));
      out.num = static_cast<double>(*n);
      out.shown = std::to_string(*n);
      break;
    }
    case Type::double_: {
      auto d = java_double(t);
      if (!d) return type_error("Not a number of type DOUBLE");
      out.num = *d;
      out.shown = java_double_text(*d);
      break;
    }
    case Type::class_:
      // ConfigDef.parseType: Class.forName(trimmed); a custom class cannot be checked here.
      if (!plausible_class_name(t)) return type_error("Class " + t + " could not be found.");
      break;
    case Type::list:
      if (instantiated_class_list(key)) {
        auto builtin = java_list(def.default_text);
        for (const auto& item : java_list(t))
          if (std::find(builtin.begin(), builtin.end(), item) == builtin.end() && !plausible_class_name(item))
            return ValueError{"type", "Class " + item + " cannot be found (" + key + " takes " +
                                          (builtin.empty() ? "class names" : "built-in names (" + def.default_text + ") or class names") + ")"};
      }
      break;
    default:
      break;
  }
  return std::nullopt;
}

// The key's ConfigDef.Validator on the parsed value.
std::optional<ValueError> check_validator(const KeyDef& def, const std::string& t, const Parsed& parsed) {
  const std::string& key = def.name;
  auto bad = [&](const std::string& msg) { return ValueError{"validator", msg}; };
  auto out_of_range = [&](const std::string& msg) { return ValueError{"range", msg}; };
  using K = Validator::Kind;
  const Validator& v = def.validator;
  const std::optional<double>& num = parsed.num;
  const std::string& shown = parsed.shown;
  switch (v.kind) {
    case K::range:
      if (!num) break;
      if (v.text.rfind("LambdaValidator(", 0) == 0) {
        if (*num != -1 && *num <= 0) return out_of_range(invalid(shown, key, "Value can be -1 or greater than 0"));
        break;
      }
      if (v.min && *num < *v.min) return out_of_range(invalid(shown, key, "Value must be at least " + v.min_text));
      if (v.max && *num > *v.max) return out_of_range(invalid(shown, key, "Value must be no more than " + v.max_text));
      break;
    case K::gzip_level:
      if (num && *num != -1 && (*num < 1 || *num > 9))
        return out_of_range(invalid(shown, key, "Value must be between 1 and 9 or equal to -1"));
      break;
    case K::valid_string:
      if (std::find(v.allowed.begin(), v.allowed.end(), t) == v.allowed.end())
        return bad(invalid(t, key, "String must be one of: " + vdetail::join(v.allowed, ", ")));
      break;
    case K::case_insensitive_string: {
      const std::string ut = vdetail::upper(t);
      bool ok = std::any_of(v.allowed.begin(), v.allowed.end(), [&](const std::string& a) { return vdetail::upper(a) == ut; });
      if (!ok) return bad(invalid(t, key, "String must be one of (case insensitive): " + vdetail::join(v.allowed, ", ")));
      break;
    }
    case K::valid_list: {
      auto items = java_list(t);
      if (v.list_checks_elements) {
        if (!v.list_empty_allowed && items.empty())
          return bad("Configuration '" + key + "' must not be empty. Valid values include: " +
                     (v.allowed.empty() ? "any non-empty value" : "[" + vdetail::join(v.allowed, ", ") + "]"));
        // Duplicates fail the validator too, but AbstractConfig removes them (with a warning)
        // before parsing, so Kafka starts.
        for (const auto& i : items)
          if (i.empty()) return bad("Configuration '" + key + "' values must not be empty.");
      }
      if (v.list_checks_elements && v.allowed.empty()) break;
      for (const auto& i : items)
        if (std::find(v.allowed.begin(), v.allowed.end(), i) == v.allowed.end())
          return bad(invalid(i, key, "String must be one of: " + vdetail::join(v.allowed, ", ")));
      break;
    }
    case K::non_empty_string:
      if (t.empty()) return bad(invalid(t, key, "String must be non-empty"));
      break;
    case K::quorum_voters:
      for (const auto& i : java_list(t))
        if (!voter_entry(i))
          return bad("Invalid configuration value for " + key + ". Each entry should be in the form `{id}@{host}:{port}`.");
      break;
    case K::quorum_bootstrap_servers:
      for (const auto& i : java_list(t))
        if (!host_port_entry(i))
          return bad("Invalid configuration value for " + key + ". Each entry should be in the form `{host}:{port}`.");
      break;
    case K::metadata_version: {
      bool ok = metadata_version_rank(def, t).has_value();
      if (!ok) return bad(invalid(t, key, "Version " + t + " is not a valid version"));
      break;
    }
    case K::none:
    case K::non_null:
    case K::other:
      break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ValueError> check_value(const KeyDef& def, const std::string& raw) {
  const std::string t = java_trim(raw);
  Parsed parsed;
  if (auto e = parse_typed(def, raw, t, parsed)) return e;
  return check_validator(def, t, parsed);
}

}  // namespace ka::schema
